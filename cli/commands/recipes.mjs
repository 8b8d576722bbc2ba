// @ts-check
/**
 * recipes.mjs - `rnnlab recipes`: lists lab.recipes, the measured settings that train and
 * reproduce start from.
 *
 * Owns: writing each recipe as the options that give it (--seed once when the task's and the
 * model's seeds agree), with what it measured; --json prints lab.recipes as they are.
 * Does not own: the recipes (wasm/run.mjs) or the option names (options.mjs).
 */

import { kebab } from '../options.mjs';
import { toJSON } from '../progress.mjs';

/** @param {any} lab @param {Record<string, any>} v the parsed options */
export function cmdRecipes(lab, v) {
  if (v.json) { console.log(toJSON(lab.recipes)); return; }
  for (const [name, r] of Object.entries(lab.recipes)) {
    const show = (/** @type {object} */ o) => Object.entries(o).map(([k, x]) => `--${kebab(k)} ${x}`).join(' ');
    const { trainerOptions, ...train } = /** @type {any} */ (r).train;
    const { seed: taskSeed, ...taskOptions } = /** @type {any} */ (r.taskOptions);
    const { seed: modelSeed, ...model } = /** @type {any} */ (r.model);
    // --seed sets both seeds; a recipe whose two differ says so
    const seeds = taskSeed === modelSeed ? (taskSeed === undefined ? '' : `--seed ${taskSeed}`)
      : `(task seed ${taskSeed ?? 1}, model seed ${modelSeed ?? 1})`;
    console.log(`${name}: --task ${r.task} ${show(taskOptions)} ${show(model)} ${show(trainerOptions ?? {})} ${show(train)} ${seeds}`.replace(/\s+/g, ' '));
    console.log(`    measured: ${r.measured}`);
  }
}
