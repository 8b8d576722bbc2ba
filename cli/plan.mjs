// @ts-check
/**
 * plan.mjs - a run built from parsed options: the objects of lab.createTask / lab.createModel /
 * lab.createTrainer / lab.train, on top of the recipe the run starts from, and the task itself.
 *
 * Owns: picking the recipe (--recipe, else the task's recipe that agrees with the task options),
 * splitting the options into those objects, the settings of a --csv run, reading the files the
 * options name (--text-file, --csv, --model) and creating the task (loading a corpus first).
 * Does not own: parsing argv (options.mjs), training or scoring (wasm/run.mjs, wasm/tasks.mjs),
 * printing (progress.mjs). Used by the train and eval commands.
 */

import { readFile } from 'node:fs/promises';
import { DEFAULT_TRAINER } from '../wasm/names.mjs';
import { CliError, OPTIONS, UsageError, kebab, optionOf } from './options.mjs';

/**
 * What plan() returns: the objects of a run. csvFile only for a --csv run.
 * @typedef {{ task: string, recipeName: string | null, csvFile?: string, taskOptions: Record<string, any>,
 *   textFile: string | undefined, model: Record<string, any>, trainer: Record<string, any>, train: Record<string, any> }} Plan
 */

/** The bytes of the file an option names; a failure names both. @param {string} flag e.g. '--csv' @param {string} file */
export async function readOption(flag, file) {
  try { return await readFile(file); }
  catch (e) { throw new CliError(`cannot read ${flag} ${file}: ${/** @type {Error} */ (e).message}`); }
}

/** --variant a | b of temporal-order is the task's variant, not an LSTM's. @param {unknown} task @param {unknown} value */
export const isTaskVariant = (task, value) => task === 'temporal-order' && (value === 'a' || value === 'b');

// ---- the built-in tasks ------------------------------------------------------------------------


/**
 * The recipe a run starts from: --recipe, else the recipe of this task that agrees with the task
 * options given (parity --mode final -> 'parity-final', adding --length 30 -> 'adding-30',
 * temporal-order --variant b -> 'temporal-order-6b', ...), else the one named after the task.
 * @param {any} lab @param {string} task @param {Record<string, unknown>} taskOptions @param {unknown} asked
 * @returns {string | null}
 */
function pickRecipe(lab, task, taskOptions, asked) {
  const recipes = lab.recipes;
  if (asked === 'none') return null;
  if (asked !== undefined) {
    const r = recipes[/** @type {string} */ (asked)];
    if (!r) throw new UsageError(`unknown recipe '${asked}' (known: ${Object.keys(recipes).join(', ')}, none)`);
    if (r.task !== task) throw new UsageError(`recipe '${asked}' is for task '${r.task}', not '${task}'`);
    return /** @type {string} */ (asked);
  }
  let best = null, bestScore = -Infinity;
  for (const [key, r] of Object.entries(recipes)) {
    if (r.task !== task) continue;
    let score = key === task ? 0.5 : 0, conflict = false;
    for (const [k, v] of Object.entries(r.taskOptions)) {
      if (k === 'seed') continue;
      if (taskOptions[k] === undefined) score -= 1; // the recipe would impose it
      else if (taskOptions[k] === v) score += 1;
      else conflict = true;
    }
    if (!conflict && score > bestScore) best = key, bestScore = score;
  }
  if (best) return best;
  return recipes[task] ? task : Object.keys(recipes).find((k) => recipes[k].task === task) ?? null;
}

/** model keys that only an LSTM reads: dropped from a recipe when --cell changes the cell */
const LSTM_ONLY = ['variant', 'forgetBias', 'gRange', 'hRange'];

/**
 * Splits parsed options into createTask / createModel / createTrainer / train objects, on top of
 * the recipe. Returns everything needed to create the objects.
 * @param {any} lab @param {Record<string, any>} v
 * @returns {Promise<Plan>}
 */
export async function plan(lab, v) {
  if (v.csv !== undefined) return planCsv(v);
  for (const o of OPTIONS) {
    if (o.group === 'csv' && v[o.name] !== undefined) throw new UsageError(`--${kebab(o.name)} is for --csv FILE (your own sequences)`);
  }
  if (v.target !== undefined) { // a number here; a column name with --csv
    const x = Number(v.target);
    if (v.target.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--target: '${v.target}' is not a number`);
    v = { ...v, target: x };
  }
  const task = v.task;
  if (task === undefined) throw new UsageError(`--task is required (one of ${lab.tasks.join(', ')}), or --csv FILE`);
  if (task === 'csv') throw new UsageError('--task csv reads your own sequences: give --csv FILE');
  if (!lab.tasks.includes(task)) throw new UsageError(`unknown task '${task}' (known: ${lab.tasks.join(', ')})`);
  /** @type {Record<string, any>} */ const taskOpt = {};
  /** @type {Record<string, any>} */ const modelOpt = {};
  /** @type {Record<string, any>} */ const trainerOpt = {};
  /** @type {Record<string, any>} */ const trainOpt = {};
  for (const [name, value] of Object.entries(v)) {
    const o = optionOf(name);
    if (name === 'variant' && isTaskVariant(task, value)) taskOpt.variant = value;
    else if (o.group === 'task') taskOpt[name] = value;
    else if (o.group === 'model') modelOpt[name] = value;
    else if (o.group === 'trainer') trainerOpt[name] = value;
    else if (o.group === 'train') trainOpt[name] = value;
  }
  const recipeName = pickRecipe(lab, task, taskOpt, v.recipe);
  const r = recipeName ? lab.recipes[recipeName] : null;
  if (v.seed !== undefined) taskOpt.seed = modelOpt.seed = v.seed;
  const textFile = taskOpt.textFile;
  delete taskOpt.textFile;
  const taskOptions = { ...r?.taskOptions, ...taskOpt };
  if (textFile !== undefined) taskOptions.text = new Uint8Array(await readOption('--text-file', textFile));
  const recipeModel = { ...r?.model };
  if (modelOpt.cell !== undefined && modelOpt.cell !== (recipeModel.cell ?? 'lstm')) for (const k of LSTM_ONLY) delete recipeModel[k];
  const model = { ...recipeModel, ...modelOpt };
  // --closed-loop N: createTrainer's closedLoop { warmup: N }, 0 = teacher forcing
  if (typeof trainerOpt.closedLoop === 'number') trainerOpt.closedLoop = trainerOpt.closedLoop > 0 ? { warmup: trainerOpt.closedLoop } : false;
  const trainer = { ...(r?.train.trainerOptions ?? DEFAULT_TRAINER), ...trainerOpt };
  const { trainerOptions: _, ...recipeTrain } = r?.train ?? {};
  // --length sets the task's length, which is also the training length's default: a recipe's own
  // training length (text: 64) gives way to it
  if (taskOpt.length !== undefined) delete recipeTrain.length;
  const train = { ...recipeTrain, ...trainOpt };
  return { task, recipeName, taskOptions, textFile, model, trainer, train };
}

// ---- your own sequences (--csv) -----------------------------------------------------------------

/** Settings of a --csv run before any option: small and quick (the examples train in about a second). */
export const CSV_DEFAULTS = Object.freeze({
  model: { cell: 'lstm', hiddenSize: 16 }, trainer: { ...DEFAULT_TRAINER, learningRate: 0.01 },
  train: { batchSize: 16, maxSteps: 500, evalEvery: 100 },
});
/** the task options of the built-in tasks, which a csv task does not take (--target it does: its column) */
const NOT_CSV = OPTIONS.filter((o) => o.group === 'task' && o.name !== 'target').map((o) => o.name);

/**
 * plan() for --csv FILE: reads the file (the loader takes text) into lab.createTask('csv') options.
 * @param {Record<string, any>} v
 * @returns {Promise<Plan>}
 */
async function planCsv(v) {
  if (v.task !== undefined && v.task !== 'csv') throw new UsageError(`give either --task ${v.task} or --csv ${v.csv}, not both`);
  if (v.recipe !== undefined && v.recipe !== 'none') throw new UsageError('--recipe: the recipes are for the built-in tasks; a --csv run starts from its own defaults');
  for (const k of NOT_CSV) if (v[k] !== undefined) throw new UsageError(`--${kebab(k)} is not an option of --csv (lab.createTask('csv'))`);
  /** @type {Record<string, any>} */ const taskOpt = {};
  /** @type {Record<string, any>} */ const modelOpt = {};
  /** @type {Record<string, any>} */ const trainerOpt = {};
  /** @type {Record<string, any>} */ const trainOpt = {};
  for (const [name, value] of Object.entries(v)) {
    const o = optionOf(name);
    if (name === 'csv') continue;
    if (name === 'inputs') taskOpt.inputs = String(value).split(',').map((s) => s.trim());
    else if (o.group === 'csv' || name === 'target') taskOpt[name] = value;
    else if (o.group === 'model') modelOpt[name] = value;
    else if (o.group === 'trainer') trainerOpt[name] = value;
    else if (o.group === 'train') trainOpt[name] = value;
  }
  if (v.seed !== undefined) taskOpt.seed = modelOpt.seed = v.seed;
  const text = (await readOption('--csv', v.csv)).toString('utf8');
  return {
    task: 'csv', recipeName: null, csvFile: v.csv, taskOptions: { ...taskOpt, text }, textFile: undefined,
    model: { ...CSV_DEFAULTS.model, ...modelOpt }, trainer: { ...CSV_DEFAULTS.trainer, ...trainerOpt }, train: { ...CSV_DEFAULTS.train, ...trainOpt },
  };
}

// ---- the task ----------------------------------------------------------------------------------

/**
 * lab.createTask, with a csv file's problems named after the file and a corpus loaded first.
 * @param {any} lab @param {string} name @param {Record<string, any>} taskOptions @param {string} [csvFile]
 */
export async function createTask(lab, name, taskOptions, csvFile) {
  if (name === 'csv') { // a bad file: its name, then the loader's line and problem
    try { return lab.createTask('csv', taskOptions); }
    catch (e) { throw new CliError(`${csvFile}: ${/** @type {Error} */ (e).message.replace(/^rnnlab: /, '')}`); }
  }
  if (name === 'text' && taskOptions.corpus !== undefined && taskOptions.corpus !== 'grammar' && lab.corpora.includes(taskOptions.corpus)) {
    await lab.loadCorpus(taskOptions.corpus);
  }
  return lab.createTask(name, taskOptions);
}
