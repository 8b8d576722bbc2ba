// @ts-check
/**
 * run.mjs - the run helper behind lab.train: trains a model on a task until the task's criterion
 * is met on held-out data or a budget of steps runs out, reporting progress on the way; then
 * tests on fresh held-out data and, if asked, measures accuracy against test length (the
 * generalisation curve).
 *
 * Owns: the training loop (batches straight from the task's C buffers into rnnlab_trainer_step,
 * nothing copied through JS), validation every evalEvery steps, the final test, progress reports,
 * cooperative yielding (so a Worker or page can stop a run) and the run's result. A JS task
 * (lab.createTask('csv'), csvtask.mjs) hands its batches to trainer.step instead.
 * Does not own: generators and scorers (core/tasks/ through wasm/tasks.mjs), models, trainers
 * and the one place statuses become exceptions (rnnlab.mjs). No DOM; runs in Node, pages and
 * Workers alike. The CLI's reproduction command drives the same function.
 *
 * Seeds: the model's and the task's own (their configs); validation draws from evalSeed and the
 * final test from testSeed (default evalSeed + 1), so the test set is never the one the stopping
 * rule looked at. The curve uses testSeed + 2.
 */

import { show } from './check.mjs';
import { HANDLES } from './handles.mjs';
import { CLOSED_LOOP_TASKS, DEFAULT_TRAINER } from './names.mjs';

/** @typedef {import('./rnnlab.d.ts').TrainOptions} TrainOptions */
/** @typedef {import('./rnnlab.d.ts').TrainResult} TrainResult */
/** @typedef {import('./rnnlab.d.ts').TrainProgress} TrainProgress */
/** @typedef {import('./rnnlab.d.ts').Model} Model */
/** @typedef {import('./rnnlab.d.ts').Trainer} Trainer */
/** @typedef {import('./rnnlab.d.ts').Batch} Batch */

const KEYS = ['task', 'model', 'learner', 'trainer', 'trainerOptions', 'batchSize', 'length', 'maxSteps', 'evalEvery', 'evalCount',
  'evalLength', 'evalSeed', 'target', 'testCount', 'testLength', 'testSeed', 'curve', 'curveCount', 'onProgress',
  'progressEvery', 'signal', 'yieldMs', 'confirm', 'lrSchedule', 'lrDecay', 'teacherForcing', 'beamWidth'];
/** text: characters of the held-out split scored at each validation (the final test scores all) */
const TEXT_VALIDATION_CHARS = 4000;

const adam = (/** @type {number} */ learningRate) => Object.freeze({ optimizer: 'adam', learningRate, clipNorm: 1 });

/**
 * Settings measured to meet each task's criterion from scratch (SIMD build, 2-core machine), for
 * the CLI's reproduction command and the tests (tests/tasks.test.mjs runs the quick ones):
 *   const r = lab.recipes.adding;
 *   const task = lab.createTask(r.task, r.taskOptions);
 *   const model = lab.createModel({ ...task.modelConfig, ...r.model });
 *   const result = await lab.train({ task, model, ...r.train });
 * forgetBias: the long-lag tasks need the forget gate to start open (bias 0 leaves temporal order
 * at chance and adding at the mean); variant '1997' is H&S's own LSTM (no forget gate).
 * @type {Readonly<Record<string, Readonly<{ task: string, taskOptions: object, model: object, train: object, measured: string }>>>}
 */
export const RECIPES = Object.freeze({
  parity: { task: 'parity', taskOptions: { seed: 1 }, model: { cell: 'lstm', hiddenSize: 16, seed: 1 },
    train: { batchSize: 32, maxSteps: 2000, evalEvery: 50, trainerOptions: adam(0.01) },
    measured: '100 steps (3200 sequences), < 1 s; 100% also at lengths 200 and 400' },
  'parity-final': { task: 'parity', taskOptions: { mode: 'final', seed: 2 }, model: { cell: 'lstm', hiddenSize: 16, seed: 1 },
    train: { batchSize: 32, maxSteps: 3000, evalEvery: 100, trainerOptions: adam(0.01) },
    measured: '300 steps (9600 sequences), < 1 s' },
  addition: { task: 'addition', taskOptions: { seed: 1 }, model: { cell: 'lstm', hiddenSize: 16, seed: 1 },
    train: { batchSize: 32, maxSteps: 3000, evalEvery: 50, trainerOptions: adam(0.01) },
    measured: '100 steps (3200 sequences), < 1 s; exact also on 256-bit numbers' },
  reber: { task: 'reber', taskOptions: { seed: 1 }, model: { cell: 'lstm', hiddenSize: 16, seed: 1 },
    train: { batchSize: 2, maxSteps: 40000, evalEvery: 50, evalCount: 1024, trainerOptions: adam(0.02) },
    measured: 'seeds 1-5: 3,900-17,500 strings (median 9,000; H&S: 8,440-39,740), 1-3 s each' },
  adding: { task: 'adding', taskOptions: { length: 100, seed: 1 }, model: { cell: 'lstm', variant: '1997', hiddenSize: 16, seed: 1 },
    train: { batchSize: 8, maxSteps: 40000, evalEvery: 250, confirm: 2, trainerOptions: adam(0.005) },
    measured: 'T = 100, seeds 1-3: 42,000-56,000 sequences (median 52,000; H&S: 74,000), 19-25 s each; test: 0-3 of 2560 just over 0.04' },
  'adding-30': { task: 'adding', taskOptions: { length: 30, seed: 1 }, model: { cell: 'lstm', hiddenSize: 16, seed: 1, forgetBias: 3 },
    train: { batchSize: 32, maxSteps: 8000, evalEvery: 250, trainerOptions: adam(0.005) },
    measured: 'T = 30: 3500 steps (112,000 sequences), ~4 s; test max error 0.028' },
  'temporal-order-6a': { task: 'temporal-order', taskOptions: { seed: 1 }, model: { cell: 'lstm', hiddenSize: 16, seed: 1, forgetBias: 3 },
    train: { batchSize: 32, maxSteps: 6000, evalEvery: 250, trainerOptions: adam(0.005) },
    measured: 'length 100, seeds 1-5: 16,000-40,000 sequences (median 24,000; H&S: 31,390), ~5 s each' },
  'temporal-order-6b': { task: 'temporal-order', taskOptions: { variant: 'b', seed: 1 }, model: { cell: 'lstm', hiddenSize: 16, seed: 1, forgetBias: 5 },
    train: { batchSize: 32, maxSteps: 20000, evalEvery: 500, trainerOptions: adam(0.005) },
    measured: 'length 100, seeds 1-3: 64,000-528,000 sequences (median 304,000; H&S: 571,100), 8-57 s each' },
  'temporal-order-6b-50': { task: 'temporal-order', taskOptions: { variant: 'b', length: 50, seed: 1 },
    model: { cell: 'lstm', hiddenSize: 16, seed: 1, forgetBias: 3 },
    train: { batchSize: 32, maxSteps: 6000, evalEvery: 250, trainerOptions: adam(0.005) },
    measured: 'length 50: 1000 steps (32,000 sequences), ~2 s' },
  reverse: { task: 'reverse', taskOptions: { seed: 1 }, model: { cell: 'gru', hiddenSize: 128, seed: 1 },
    train: { batchSize: 64, maxSteps: 20000, evalEvery: 500, trainerOptions: adam(0.003) },
    measured: 'strings up to length 10: 5000 steps (320,000 pairs), ~3 min; 99.6% exact match held out' },
  'decimal-addition-2': { task: 'decimal-addition', taskOptions: { length: 2, evalLength: 2, seed: 1 }, model: { cell: 'lstm', hiddenSize: 64, seed: 1 },
    train: { batchSize: 32, maxSteps: 8000, evalEvery: 250, confirm: 2, lrDecay: 0.05, trainerOptions: adam(0.01) },
    measured: 'numbers up to 2 digits, learning rate 0.01 decaying to 5e-4 at 8000 steps: 4500 steps (144,000 pairs), ~15-35 s' },
  'decimal-addition': { task: 'decimal-addition', taskOptions: { seed: 1 }, model: { cell: 'lstm', hiddenSize: 128, seed: 1 },
    train: { batchSize: 64, maxSteps: 30000, evalEvery: 1000, lrDecay: 0.0464, trainerOptions: adam(0.005) },
    measured: 'numbers up to 3 digits, rate falling tenfold over 22,500 steps: 21,000 steps (1.34 M pairs), ~13 min; 99.0% exact match held out' },
  text: { task: 'text', taskOptions: { seed: 1 }, model: { cell: 'lstm', hiddenSize: 128, seed: 1 },
    train: { batchSize: 32, length: 64, maxSteps: 3000, evalEvery: 250, trainerOptions: adam(0.005) },
    measured: 'generated corpus: below every n-gram baseline after 500 steps (0.85 bpc vs 0.95 for the 5-gram), ~33 s' },
});
for (const r of Object.values(RECIPES)) { Object.freeze(r); Object.freeze(r.taskOptions); Object.freeze(r.model); Object.freeze(r.train); }

/** @param {string} msg @returns {never} */
function fail(msg) { throw new Error(`rnnlab: train: ${msg}`); }


/** @param {string} name @param {unknown} v @param {number} lo @param {number} hi @returns {number} */
function int(name, v, lo, hi) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) fail(`${name} must be an integer in ${lo}..${hi} (got ${show(v)})`);
  return v;
}

/** @param {unknown} v */
const seedNumber = (v) => (typeof v === 'bigint' ? v : int('seed', v, 0, Number.MAX_SAFE_INTEGER));

const now = () => globalThis.performance.now();
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

/** marks options made by fromLearner: a seq2seq learner keeps its optimizer (not an option key) */
const KEEP_OPTIMIZER = Symbol('keep optimizer');

/**
 * lab.train({ learner }) as the options model (+ trainer) say it: a Trainer trains its model, a
 * Seq2Seq itself with the optimizer it has.
 * @param {TrainOptions} options @returns {TrainOptions}
 */
function fromLearner(options) {
  const { learner, ...rest } = /** @type {any} */ (options);
  for (const k of ['model', 'trainer', 'trainerOptions']) if (rest[k] !== undefined) fail(`give learner alone, without ${k} (the learner has its model and optimizer)`);
  if (HANDLES.seq2seq.of(learner)) return { ...rest, model: learner, [KEEP_OPTIMIZER]: true };
  if (HANDLES.trainer.of(learner)) return { ...rest, model: learner.model, trainer: learner };
  fail(`options.learner must be a learner (lab.createLearner, lab.loadLearner, a trainer or a seq2seq model; got ${show(learner)})`);
}

/**
 * @param {{ lab: any, rt: any, taskState: (t: unknown) => any, ownModel: (m: unknown, fn: string) => any,
 *           trainerState: (t: unknown) => any, batchFields: ReadonlyArray<readonly [string, string]>,
 *           stepResultFields: ReadonlyArray<readonly [string, string]> }} ctx
 * @param {TrainOptions} options
 * @returns {Promise<TrainResult>}
 */
export async function train(ctx, options) {
  const { lab, rt } = ctx;
  if (options === null || typeof options !== 'object') fail(`options must be an object (got ${show(options)})`);
  for (const k of Object.keys(options)) if (!KEYS.includes(k)) fail(`unknown option '${k}' (known: ${KEYS.join(', ')})`);
  const { task, model } = options;
  const ts = ctx.taskState(task);
  if (!ts) fail(`options.task must be a task from lab.createTask (got ${show(task)})`);
  if (ts.rt !== rt) fail('options.task belongs to another loaded rnnlab instance');
  if (!ts.ptr) fail('the task has been freed');
  if (options.learner !== undefined) return train(ctx, fromLearner(options));
  if (task.isSeq2seq) return trainSeq2seq(ctx, options, /** @type {any} */ (options)[KEEP_OPTIMIZER] === true);
  if (HANDLES.seq2seq.of(model)) fail(`a seq2seq model trains on a sequence-to-sequence task (copy, reverse, decimal-addition), not '${task.name}'`);
  const ms = ctx.ownModel(model, 'train');
  const mc = /** @type {Model} */ (model).config, tc = task.modelConfig; // not a Seq2Seq: refused above
  const floatOut = (/** @type {string} */ o) => o !== 'softmax';
  if (mc.inputSize !== tc.inputSize || mc.input !== tc.input || mc.outputSize !== tc.outputSize || floatOut(mc.output) !== floatOut(tc.output)) {
    fail(`the model (input '${mc.input}' ${mc.inputSize}, output '${mc.output}' ${mc.outputSize}) does not fit task '${task.name}' ` +
      `(input '${tc.input}' ${tc.inputSize}, output ${floatOut(tc.output) ? "'sigmoid' or 'linear'" : "'softmax'"} ${tc.outputSize}): ` +
      'create it with lab.createModel({ ...task.modelConfig, hiddenSize })');
  }

  const isText = task.name === 'text';
  const B = options.batchSize === undefined ? 32 : int('batchSize', options.batchSize, 1, 1 << 16);
  const L = options.length === undefined ? 0 : int('length', options.length, 1, task.maxLength);
  const maxSteps = options.maxSteps === undefined ? 5000 : int('maxSteps', options.maxSteps, 0, 2 ** 31 - 1);
  const evalEvery = options.evalEvery === undefined ? 100 : int('evalEvery', options.evalEvery, 1, 2 ** 31 - 1);
  const progressEvery = options.progressEvery === undefined ? 10 : int('progressEvery', options.progressEvery, 1, 2 ** 31 - 1);
  const yieldMs = options.yieldMs === undefined ? 50 : int('yieldMs', options.yieldMs, 0, 60_000);
  const confirm = options.confirm === undefined ? 1 : int('confirm', options.confirm, 1, 1000);
  const evalSeed = options.evalSeed === undefined ? 1000 : seedNumber(options.evalSeed);
  const testSeed = options.testSeed === undefined ? (typeof evalSeed === 'bigint' ? evalSeed + 1n : evalSeed + 1) : seedNumber(options.testSeed);
  const curveSeed = typeof testSeed === 'bigint' ? testSeed + 2n : testSeed + 2;
  const target = options.target === undefined ? undefined : options.target;
  if (target !== undefined && !(typeof target === 'number' && target >= 0 && target <= 1)) fail(`target must be a number in [0, 1] (got ${show(target)})`);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') fail(`onProgress must be a function (got ${show(onProgress)})`);
  const lrSchedule = options.lrSchedule;
  if (lrSchedule !== undefined && typeof lrSchedule !== 'function') fail(`lrSchedule must be a function (step) => learning rate (got ${show(lrSchedule)})`);
  const signal = options.signal;
  if (signal !== undefined && !(signal && typeof signal === 'object' && 'aborted' in signal)) fail(`signal must be an AbortSignal (got ${show(signal)})`);
  /** @type {{ count?: number, length?: number, seed: number | bigint }} */
  const validation = { count: options.evalCount ?? (isText ? Math.min(TEXT_VALIDATION_CHARS, /** @type {{ heldout: number }} */ (task.split).heldout - 1) : undefined), length: options.evalLength, seed: evalSeed };
  const test = { count: options.testCount, length: options.testLength ?? options.evalLength, seed: testSeed };
  if (options.curve !== undefined && (!Array.isArray(options.curve) || !options.curve.length)) fail(`curve must be a non-empty array of lengths (got ${show(options.curve)})`);
  // a JS task (csv) has no generalisation curve (task.generalization throws): refuse before training, not after
  if (ts.js) for (const k of ['curve', 'curveCount']) if (/** @type {any} */ (options)[k] !== undefined) fail(`option ${k} is not available for task '${task.name}' (its sequences have no length to generalise over)`);

  let trainer = options.trainer, own = false;
  if (trainer !== undefined && trainer !== null) {
    if (options.trainerOptions !== undefined) fail('give either trainer or trainerOptions, not both');
    const trs = ctx.trainerState(trainer);
    if (!trs) fail(`options.trainer must be a trainer from lab.createTrainer (got ${show(trainer)})`);
    if (trs.model !== ms) fail('options.trainer belongs to another model');
  } else {
    trainer = /** @type {Trainer} */ (lab.createTrainer(model, options.trainerOptions ?? DEFAULT_TRAINER));
    own = true;
  }
  const closed = /** @type {any} */ (trainer).config?.closedLoop;
  if (closed && !ts.js && !CLOSED_LOOP_TASKS.includes(task.name)) {
    if (own) trainer.free();
    fail(`closedLoop: task '${task.name}' does not take its own next state as its input (closed-loop training is for ${CLOSED_LOOP_TASKS.join(', ')}, or your own trajectories as csv)`);
  }
  const length = L ? { length: L } : {};
  /** the task's next batch: a C task's stays in wasm memory (task.nextBatch), a JS task's is a Batch */
  const next = ts.js ? () => task.batch(B) : () => /** @type {import('./rnnlab.d.ts').Task} */ (task).nextBatch(B, length);
  try {
    return await loop(options, { task, learner: trainer, ts, isText, B, maxSteps, evalEvery,
      progressEvery, yieldMs, confirm, target, onProgress, signal, lrSchedule, validation, test, curveSeed, next,
      stepOptions: undefined, evaluate: (/** @type {any} */ o) => trainer.evaluate(task, o),
      curveOf: (/** @type {any} */ o) => task.generalization(/** @type {any} */ (model), o) });
  } finally {
    if (own) trainer.free(); // also when the run throws
  }
}

/**
 * lab.train for a sequence-to-sequence task and a model from lab.createSeq2Seq: the same loop,
 * with steps through rnnlab_seq2seq_step (teacherForcing, default 1) and evaluation by exact
 * match of greedy decoding (beamWidth > 1: beam search). trainer is not used: trainerOptions
 * (default Adam 0.005, clipNorm 1) set the seq2seq's own optimizer, unless it came as options.learner
 * (then it keeps its own).
 * @param {Parameters<typeof train>[0]} ctx @param {TrainOptions} options @param {boolean} [keepOptimizer]
 */
async function trainSeq2seq(ctx, options, keepOptimizer = false) {
  const { task, model } = /** @type {any} */ (options);
  const ts = ctx.taskState(task);
  const ss = HANDLES.seq2seq.of(model);
  if (!ss) fail(`task '${task.name}' is sequence-to-sequence: options.model must come from lab.createSeq2Seq({ ...task.modelConfig, hiddenSize })`);
  if (!ss.ptr) fail('the seq2seq model has been freed');
  if (options.trainer !== undefined) fail('a seq2seq model has its own optimizer: give trainerOptions, not trainer');
  if (ss.SV !== task.modelConfig.inputSize || ss.TV !== task.modelConfig.outputSize) {
    fail(`the seq2seq model (${ss.SV} -> ${ss.TV} symbols) does not fit task '${task.name}' (${task.modelConfig.inputSize} symbols)`);
  }
  for (const k of ['curve', 'curveCount']) if (/** @type {any} */ (options)[k] !== undefined) fail(`option ${k} is not available for seq2seq models`);
  if (!keepOptimizer) model.setTrainer(options.trainerOptions ?? DEFAULT_TRAINER);
  const tf = options.teacherForcing ?? 1;
  if (typeof tf !== 'number' || !(tf >= 0 && tf <= 1)) fail(`teacherForcing must be a number in [0, 1] (got ${show(tf)})`);
  const beamWidth = options.beamWidth === undefined ? 1 : int('beamWidth', options.beamWidth, 1, 1024);
  const B = options.batchSize === undefined ? 32 : int('batchSize', options.batchSize, 1, 1 << 16);
  const L = options.length === undefined ? 0 : int('length', options.length, 1, task.maxLength);
  const evalSeed = options.evalSeed === undefined ? 1000 : int('evalSeed', options.evalSeed, 0, 2 ** 53 - 3);
  const testSeed = options.testSeed === undefined ? evalSeed + 1 : int('testSeed', options.testSeed, 0, 2 ** 53 - 1);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') fail(`onProgress must be a function (got ${show(onProgress)})`);
  const signal = options.signal;
  const target = options.target;
  if (target !== undefined && !(typeof target === 'number' && target >= 0 && target <= 1)) fail(`target must be a number in [0, 1] (got ${show(target)})`);
  const length = L ? { length: L } : {};
  const evaluate = (/** @type {any} */ o) => model.evaluate(task, { count: o.count, length: o.length, seed: o.seed, beamWidth });
  return loop(options, {
    task, learner: model, ts, isText: false, B,
    maxSteps: options.maxSteps === undefined ? 5000 : int('maxSteps', options.maxSteps, 0, 2 ** 31 - 1),
    evalEvery: options.evalEvery === undefined ? 100 : int('evalEvery', options.evalEvery, 1, 2 ** 31 - 1),
    progressEvery: options.progressEvery === undefined ? 10 : int('progressEvery', options.progressEvery, 1, 2 ** 31 - 1),
    yieldMs: options.yieldMs === undefined ? 50 : int('yieldMs', options.yieldMs, 0, 60_000),
    confirm: options.confirm === undefined ? 1 : int('confirm', options.confirm, 1, 1000),
    target, onProgress, signal, lrSchedule: checkSchedule(options.lrSchedule),
    validation: { count: options.evalCount, length: options.evalLength, seed: evalSeed },
    test: { count: options.testCount, length: options.testLength ?? options.evalLength, seed: testSeed },
    curveSeed: testSeed + 2, next: () => task.nextBatch(B, length), stepOptions: { teacherForcing: tf }, evaluate, curveOf: null,
  });
}

/** @param {unknown} f */
function checkSchedule(f) {
  if (f !== undefined && typeof f !== 'function') fail(`lrSchedule must be a function (step) => learning rate (got ${show(f)})`);
  return /** @type {((step: number) => number) | undefined} */ (f);
}

/**
 * The run itself, options validated: every learner goes through the Learner protocol only
 * (step, evaluate, learningRate), whatever its family.
 * @param {TrainOptions} options @param {any} o
 * @returns {Promise<TrainResult>}
 */
async function loop(options, o) {
  const { task, learner, ts, isText, B, maxSteps, evalEvery, progressEvery, yieldMs, confirm, target, onProgress,
    signal, validation, test, curveSeed, next, stepOptions, evaluate, curveOf } = o;
  // lrDecay d: exponential decay from the trainer's rate to d times it at maxSteps (a recipe can
  // hold it, unlike a function)
  let lrSchedule = o.lrSchedule;
  if (options.lrDecay !== undefined) {
    const d = options.lrDecay;
    if (typeof d !== 'number' || !(d > 0 && d <= 1)) fail(`lrDecay must be a number in (0, 1] (got ${show(d)})`);
    if (lrSchedule) fail('give either lrSchedule or lrDecay, not both');
    const lr0 = learner.learningRate;
    lrSchedule = (/** @type {number} */ step) => lr0 * d ** (step / Math.max(1, maxSteps));
  }
  const t0 = now();
  let lastYield = t0, step = 0, sequences = 0, tokens = 0;
  /** @type {'solved' | 'budget' | 'aborted' | 'stopped'} */
  let stop = 'budget';
  /** @type {any} */
  let lastEval = null;
  /** @type {{ step: number, sequences: number, seconds: number } | null} */
  let solvedAt = null;
  /** @type {TrainProgress[]} */
  const history = [];
  let lossSum = 0, lossN = 0, gradNorm = 0, clipped = false, streak = 0;
  /** the task's criterion, or accuracy >= target when given */
  const met = (/** @type {any} */ r) => (target === undefined || isText ? r.solved : r.accuracy >= target);
  while (step < maxSteps) {
    if (signal?.aborted) { stop = 'aborted'; break; }
    if (!ts.ptr) fail('the task has been freed');
    if (lrSchedule) { // step counts from 0; set only on change (the engine stores float32)
      const lr = lrSchedule(step);
      if (Math.fround(lr) !== learner.learningRate) learner.learningRate = lr;
    }
    const batch = next();
    const r = stepOptions ? learner.step(batch, stepOptions) : learner.step(batch);
    const T = batch.tgtLength ?? batch.length; // seq2seq: decoder steps
    step++, sequences += B, tokens += B * T;
    lossSum += r.loss, lossN++;
    gradNorm = r.gradNorm, clipped = clipped || r.clipped;
    let evaluation;
    if (step % evalEvery === 0 || step === maxSteps) {
      evaluation = lastEval = evaluate(validation);
      streak = met(evaluation) ? streak + 1 : 0;
      if (streak >= confirm) solvedAt = { step, sequences, seconds: (now() - t0) / 1000 };
    }
    if (evaluation || step % progressEvery === 0) {
      /** @type {TrainProgress} */
      const prog = {
        step, loss: lossSum / lossN, gradNorm, clipped, sequences, tokens, seconds: (now() - t0) / 1000,
        metric: lastEval ? (isText ? lastEval.bpc : lastEval.accuracy) : null,
      };
      if (evaluation) prog.evaluation = evaluation;
      history.push(prog);
      lossSum = 0, lossN = 0, clipped = false;
      if (onProgress && onProgress(prog) === false) { stop = 'stopped'; break; }
    }
    if (solvedAt) { stop = 'solved'; break; }
    if (yieldMs > 0 && now() - lastYield >= yieldMs) { await pause(); lastYield = now(); }
  }
  const final = evaluate(test);
  const curve = options.curve && curveOf ? curveOf({ lengths: options.curve, count: options.curveCount, seed: curveSeed }) : null;
  return {
    solved: stop === 'solved', stop, steps: step, sequences, tokens, seconds: (now() - t0) / 1000, solvedAt,
    validation: lastEval, test: final, curve, history,
  };
}
