// @ts-check
/* run.js - one training run of the playground, assembled by its task's family: the task, the
 * model and its learner (the Learner protocol: step, evaluate, trace, save, learningRate, steps,
 * free), the probe, and what has been measured so far; a file read back by the family of its
 * kind (lab.loadLearner). No DOM, no messages (worker.js).
 *
 *   const run = createRun(lab, config, { inputs, loaded });   // loaded: from loadBytes
 *   const batch = trainingBatch(run);   const r = run.learner.step(batch);   tokens(batch);
 *   const bytes = run.learner.save();   const { learner, model, kind, config } = loadBytes(lab, bytes, current);
 * TASKS: every task's row (families/index.js), for tests/bench/page.mjs too.
 */
import { FILE_KINDS, fileKind } from '../names.mjs';
import { FAMILIES, TASKS, familyOf } from '../families/index.js';

export { TASKS };

/** @typedef {import('../families/common.js').Config} Config */

/**
 * One training run. A loaded learner that has trained (its file holds optimizer state) resumes
 * where it stopped: the same step count, and the training stream past the batches it has seen
 * (the same config and seed then give the next steps of the saved run, loss for loss).
 * @param {any} lab
 * @param {Config} config
 * @param {{ inputs?: Record<string, any>, loaded?: { learner: any, model: any, kind: string } | null }} [extra]
 *   inputs: what the user handed the page (own text, own data); loaded: a file's learner and
 *   its model (loadBytes), to train instead of a fresh one
 */
export function createRun(lab, config, extra = {}) {
  const family = familyOf(config.task);
  const spec = family.tasks[config.task];
  const loaded = extra.loaded ?? null;
  if (loaded) checkKind(loaded.kind, family, config.task);
  const parts = family.assemble(lab, config, spec, { inputs: extra.inputs ?? {}, loaded });
  const run = {
    config, spec, family, ...parts,
    /** @type {any} the probe: a batch of 1 (seq2seq: one source row); the user may type another */
    defaultProbe: parts.probe,
    step: 0,
    /** training steps taken in this run (a loaded model's step count starts past 0) */
    stepsHere: 0,
    /** @type {any} */ lastEval: null,
    /** @type {number | null} */ solvedAt: null,
    /** tokens (time steps x rows) per training step, for characters/s */
    tokensPerStep: 0,
    /** whether the snapshot being built is a forced one (pause, a step): parts may do slow work then */
    forcedSnapshot: false,
  };
  try {
    if (loaded) checkSize(loaded.model, parts.task, config.task);
    // the arenas of the first training steps, now: a run too large for the wasm heap is refused
    // here, while the current run goes on (worker.js frees that one only once this one is built)
    const length = parts.length ?? parts.task?.length;
    const learner = /** @type {any} */ (parts.learner); // a plain model's Trainer has reserve
    if (typeof learner?.reserve === 'function' && Number.isInteger(length) && length > 0) learner.reserve({ batchSize: parts.batchSize, length });
  } catch (err) {
    parts.free();
    throw err;
  }
  const trained = loaded ? run.learner.steps : 0;
  for (let k = 0; k < trained; k++) trainingBatch(run);
  run.step = trained;
  return run;
}

/**
 * The next training batch of a run from its task's seeded stream, as every step draws it: rows
 * per step (text: parallel streams), and the chunk length of a stream. Left in wasm memory for
 * learner.step (task.nextBatch: nothing copied) by the tasks that can; a csv task makes it in JS.
 * @param {{ task: any, batchSize: number, length?: number }} run
 */
export function trainingBatch(run) {
  const options = run.length ? { length: run.length } : undefined;
  return run.task.nextBatch ? run.task.nextBatch(run.batchSize, options) : run.task.batch(run.batchSize, options);
}

/** Tokens (time steps x rows) in a batch, for characters/s: a plain batch's steps, or an
 * encoder-decoder's source and target steps. @param {any} batch */
export function tokens(batch) {
  return batch.batchSize * (batch.length ?? batch.srcLength + batch.tgtLength);
}

/** The family reads files of this kind: its fileKind, or one of its fileKinds (the energy-based
 * nets save four). @param {import('../families/common.js').Family} f @param {string} kind */
const reads = (f, kind) => f.fileKind === kind || (f.fileKinds ?? []).includes(kind);

/** A file's learner must be of the kind the task's family trains. @param {string} kind
 * @param {import('../families/common.js').Family} family @param {string} name the task */
function checkKind(kind, family, name) {
  if (reads(family, kind)) return;
  const holder = FAMILIES.find((f) => reads(f, kind));
  throw new Error(`the file holds ${holder?.noun ?? kind}, but ${name} trains ${family.noun}: `
    + `${holder?.pickHint ?? 'pick the task it was trained on'}, then load it again`);
}

/** ... and have the task's vocabulary / width: the file does not name its task, so the current
 * one is kept. @param {any} model @param {any} task @param {string} name */
function checkSize(model, task, name) {
  const c = model.config, want = task.modelConfig;
  if (c.inputSize !== want.inputSize || c.outputSize !== want.outputSize) {
    throw new Error(`the model in the file (${c.inputSize} inputs, ${c.outputSize} outputs) does not fit task ${name} `
      + `(${want.inputSize} inputs, ${want.outputSize} outputs): pick the task it was trained on, then load it again`);
  }
}

/**
 * A learner from saved bytes (learner.save(), or the CLI's --save), read by the family of the
 * file's kind, and the playground config it implies: the current config (and task: the file
 * does not store one) with the model's own keys and the learner's optimizer, learning rate and
 * clipping.
 * @param {any} lab @param {Uint8Array} bytes @param {Config} current
 * @returns {{ learner: any, model: any, kind: string, config: Config }}
 */
export function loadBytes(lab, bytes, current) {
  const kind = fileKind(bytes);
  if (kind === null) {
    throw new Error('not an rnnlab model file (it does not start with RNNLAB): save one with Save model, or with the CLI\'s --save');
  }
  const reader = FAMILIES.find((f) => reads(f, kind));
  if (!reader) {
    throw new Error(`the file holds a kind of learner this page does not train (${kind}; it trains ${[...new Set(Object.values(FILE_KINDS))].join(', ')})`);
  }
  return { ...reader.load(lab, bytes, current, TASKS[current.task]), kind };
}

/**
 * At most n points: consecutive [step, value] pairs averaged in equal buckets (last step of each).
 * @param {[number, number][]} pts @param {number} n
 * @returns {[number, number][]}
 */
export function bucket(pts, n) {
  if (pts.length <= n) return pts;
  /** @type {[number, number][]} */
  const out = [];
  const size = pts.length / n;
  for (let b = 0; b < n; b++) {
    const lo = Math.floor(b * size), hi = Math.floor((b + 1) * size);
    let sum = 0;
    for (let k = lo; k < hi; k++) sum += pts[k][1];
    out.push([pts[hi - 1][0], sum / (hi - lo)]);
  }
  return out;
}
