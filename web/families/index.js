// @ts-check
/* index.js - the registry of the playground's families: main.js, state.js and the worker route
 * through it and branch on no family. A new family is one module (see common.js Family) and one
 * line in FAMILIES.
 *
 * Every task of names.mjs TASK_KINDS belongs to exactly one family (checked here, when the
 * module loads); the task menu keeps TASK_KINDS's order.
 */
import { TASK_KINDS } from '../names.mjs';
import sequence from './sequence.js';
import seq2seq from './seq2seq.js';
import owndata from './owndata.js';
import dynamics from './dynamics.js';

/** @type {readonly import('./common.js').Family[]} */
export const FAMILIES = Object.freeze([sequence, seq2seq, owndata, dynamics]);

/** @type {Record<string, import('./common.js').Family>} task name -> its family */
const BY_TASK = {};
for (const f of FAMILIES) {
  for (const t of Object.keys(f.tasks)) {
    if (!TASK_KINDS.includes(t)) throw new Error(`family ${f.name}: task ${t} is not in names.mjs TASK_KINDS`);
    if (BY_TASK[t]) throw new Error(`task ${t} is in two families: ${BY_TASK[t].name} and ${f.name}`);
    BY_TASK[t] = f;
  }
}
for (const t of TASK_KINDS) if (!BY_TASK[t]) throw new Error(`task ${t} has no family`);

/** The family that trains a task. @param {string} task */
export function familyOf(task) {
  const f = BY_TASK[task];
  if (!f) throw new Error(`no family trains task ${task}`);
  return f;
}

/** @type {Readonly<Record<string, import('./common.js').TaskSpec>>} every task's row, in TASK_KINDS order */
export const TASKS = Object.freeze(Object.fromEntries(TASK_KINDS.map((t) => [t, BY_TASK[t].tasks[t]])));

/** @type {Readonly<Record<string, Partial<import('./common.js').Config>>>} every task's preset */
export const PRESETS = Object.freeze(Object.fromEntries(TASK_KINDS.map((t) => [t, TASKS[t].preset])));

/** @type {readonly import('./common.js').Example[]} every family's named runs to try, in family order */
export const EXAMPLES = Object.freeze(FAMILIES.flatMap((f) => f.examples ?? []));
for (const e of EXAMPLES) if (!BY_TASK[e.state.task]) throw new Error(`example ${e.name}: no family trains task ${e.state.task}`);

/** the tasks whose probe the user can type */
export const EDITABLE = Object.freeze(TASK_KINDS.filter((t) => TASKS[t].parseProbe));

/** @type {Readonly<Record<string, import('./common.js').Family>>} what the user hands the page
 * ('text', 'csv') -> the family that takes it */
export const INPUTS = Object.freeze(Object.fromEntries(FAMILIES.flatMap((f) => f.inputs.map((k) => [k, f]))));

/** @type {readonly string[]} message types some family handles (worker.js: not an unknown type) */
export const FAMILY_MESSAGES = Object.freeze(FAMILIES.flatMap((f) => Object.keys(f.messages ?? {})));
