// @ts-check
/* index.js - the registry of the playground's families: main.js, state.js and the worker route
 * through it and branch on no family. A new family is one module (see common.js Family) and one
 * line in FAMILIES.
 *
 * Every task of names.mjs TASK_KINDS belongs to exactly one family (checked here, when the
 * module loads); the task menu keeps TASK_KINDS's order, then the tasks of the families that
 * build their runs from other engine objects than lab.createTask (ownTasks: the energy-based
 * nets), in family order (TASK_MENU). PRESETS is keyed by the whole menu, TASKS by TASK_KINDS.
 */
import { TASK_KINDS } from '../names.mjs';
import sequence from './sequence.js';
import seq2seq from './seq2seq.js';
import owndata from './owndata.js';
import energy from './energy.js';
import dynamics from './dynamics.js';

/** @type {readonly import('./common.js').Family[]} */
export const FAMILIES = Object.freeze([sequence, seq2seq, owndata, dynamics, energy]);

/** @type {Record<string, import('./common.js').Family>} task name -> its family */
const BY_TASK = {};
for (const f of FAMILIES) {
  for (const t of Object.keys(f.tasks)) {
    if (f.ownTasks ? TASK_KINDS.includes(t) : !TASK_KINDS.includes(t)) {
      throw new Error(`family ${f.name}: task ${t} ${f.ownTasks ? 'is' : 'is not'} in names.mjs TASK_KINDS`);
    }
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

/** the task menu: TASK_KINDS, then the ownTasks families' tasks */
export const TASK_MENU = Object.freeze([...TASK_KINDS, ...FAMILIES.filter((f) => f.ownTasks).flatMap((f) => Object.keys(f.tasks))]);

/** @type {Readonly<Record<string, import('./common.js').TaskSpec>>} every task kind's row (names.mjs
 * TASK_KINDS, in its order): the runs worker/run.js assembles and tests/run.test.mjs checks
 * against the sequence learners' protocol (file, trace, held-out accuracy) */
export const TASKS = Object.freeze(Object.fromEntries(TASK_KINDS.map((t) => [t, BY_TASK[t].tasks[t]])));

/** @type {Readonly<Record<string, Partial<import('./common.js').Config>>>} every task's preset, the menu's own tasks too */
export const PRESETS = Object.freeze(Object.fromEntries(TASK_MENU.map((t) => [t, BY_TASK[t].tasks[t].preset])));

/** @type {readonly import('./common.js').Example[]} every family's named runs to try, in family order */
export const EXAMPLES = Object.freeze(FAMILIES.flatMap((f) => f.examples ?? []));
for (const e of EXAMPLES) if (!BY_TASK[e.state.task]) throw new Error(`example ${e.name}: no family trains task ${e.state.task}`);

/** the tasks whose probe the user can type */
export const EDITABLE = Object.freeze(TASK_MENU.filter((t) => BY_TASK[t].tasks[t].parseProbe));

/** @type {Readonly<Record<string, import('./common.js').Family>>} what the user hands the page
 * ('text', 'csv') -> the family that takes it */
export const INPUTS = Object.freeze(Object.fromEntries(FAMILIES.flatMap((f) => f.inputs.map((k) => [k, f]))));

/** @type {readonly string[]} message types some family handles (worker.js: not an unknown type) */
export const FAMILY_MESSAGES = Object.freeze(FAMILIES.flatMap((f) => Object.keys(f.messages ?? {})));
