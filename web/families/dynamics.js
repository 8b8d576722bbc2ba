// @ts-check
/* dynamics.js - the dynamical systems (issue 14): a plain sequence model learns one-step
 * prediction of van der Pol, Lorenz, Mackey-Glass and a Hopf limit cycle with teacher forcing
 * (input: the state at t, target: the state at t + 1; core/tasks/systems.c has every constant),
 * a sine generator driven by a frequency input, and the 3-bit flip-flop.
 *
 * Owns what differs for them: the task rows (presets that learn in seconds, held-out evaluation,
 * the probe), the probe rows (PROBE_ROWS sequences from the probe seed; the predictions chart's
 * picker chooses one, message csvIndex as for your own data) and each snapshot's predictions of
 * the model on the probe against the truth, channel 0 (the predictions chart of owndata.js,
 * widgets/predictions.js, fed in the shape it reads). Metric: held-out RMSE beside predicting
 * the mean (flip-flop: bit accuracy). The plain model's learner, trace and file are plain.js's.
 * Does not own: the phase portrait, closed-loop rollouts or fixed points (later work); the
 * held-out result carries the closed-loop scores already (validSteps, validTime, horizonRmse).
 * See common.js for the Family type.
 */
import { BASE_PRESET, PROBE_SEED, heldOutOptions } from './common.js';
import { loadPlain, plainLearner, plainTargets, plainTrace } from './plain.js';

/** probe sequences the predictions chart can show (from the probe seed) */
const PROBE_ROWS = 8;

/** @type {Record<string, import('./common.js').TaskSpec>} presets measured in Node (wasm SIMD, CPU
 * seconds on a loaded 2-core machine) to meet the task's criterion on the test set: van der Pol
 * (CT-RNN) 1100 steps, 4 s; Lorenz 900, 9 s; limit cycle 500, 1 s; sine (LSTM) 1900, 4 s;
 * flip-flop 150, < 1 s; Mackey-Glass 98.5% of steps within 0.05 after 2000 (its target 95%).
 * evalCount small, so held-out checks (with their closed-loop horizon) stay quick */
const TASKS = {
  vanderpol: { preset: { ...BASE_PRESET, cell: 'ctrnn', hidden: 16, lr: 0.02, batch: 32 },
    intro: 'the van der Pol oscillator (mu = 1) one step ahead: the state at t in, the state at t + 1 out.',
    taskOptions: { length: 50 }, evalEvery: 100, evalCount: 32, probe: { length: 100 }, metric: 'rmse',
    watch: ', held-out RMSE drops' },
  lorenz: { preset: { ...BASE_PRESET, cell: 'gru', hidden: 32, lr: 0.01, batch: 32 },
    intro: 'the Lorenz system one step ahead (sampled every 0.02 time units; chaotic).',
    taskOptions: { length: 50 }, evalEvery: 100, evalCount: 32, probe: { length: 100 }, metric: 'rmse',
    watch: ', held-out RMSE drops' },
  'mackey-glass': { preset: { ...BASE_PRESET, cell: 'gru', hidden: 32, lr: 0.005, batch: 32 },
    intro: 'the Mackey-Glass delay equation (tau = 17) one step ahead: it needs a memory of the last 17 samples.',
    taskOptions: { length: 100 }, evalEvery: 100, evalCount: 32, probe: { length: 100 }, metric: 'rmse',
    watch: ', held-out RMSE drops' },
  'limit-cycle': { preset: { ...BASE_PRESET, cell: 'gru', hidden: 16, lr: 0.01, batch: 32 },
    intro: 'a limit cycle (the Hopf normal form) one step ahead, starting off the cycle.',
    taskOptions: { length: 50 }, evalEvery: 100, evalCount: 32, probe: { length: 100 }, metric: 'rmse',
    watch: ', held-out RMSE drops' },
  sine: { preset: { ...BASE_PRESET, cell: 'lstm', hidden: 32, lr: 0.01, batch: 32 },
    intro: 'to generate a sine wave whose frequency is its input (Sussillo & Barak 2013).',
    taskOptions: {}, evalEvery: 100, evalCount: 64, probe: {}, metric: 'rmse', watch: ', held-out RMSE drops' },
  flipflop: { preset: { ...BASE_PRESET, cell: 'gru', hidden: 16, lr: 0.01, batch: 32 },
    intro: 'the 3-bit flip-flop: each output holds the sign of its input\'s last pulse (Sussillo & Barak 2013).',
    taskOptions: {}, evalEvery: 50, evalCount: 128, probe: {}, metric: 'accuracy' },
};

/** The probe rows of a run's task: PROBE_ROWS sequences from the probe seed, as batches of 1.
 * @param {any} lab @param {string} name @param {import('./common.js').TaskSpec} spec */
function probeRows(lab, name, spec) {
  const t = lab.createTask(name, { ...spec.taskOptions, ...spec.probe, seed: PROBE_SEED });
  try {
    const b = t.batch(PROBE_ROWS), T = b.length, I = t.inputSize, V = t.outputSize;
    return Array.from({ length: PROBE_ROWS }, (_, i) => ({
      inputs: b.inputs.slice(i * T * I, (i + 1) * T * I), targets: b.targets.slice(i * T * V, (i + 1) * T * V),
      mask: b.mask.slice(i * T, (i + 1) * T), batchSize: 1, length: T, carryState: false,
    }));
  } finally { t.free(); }
}

/** The model's predictions on the probe against the truth, channel 0, in the shape of the
 * predictions chart (owndata.js csvPredictions). @param {any} run */
export function systemPredictions(run) {
  const { task, probe } = run;
  const T = probe.length, V = task.outputSize;
  const { outputs } = run.model.forward(probe);
  const truth = [], every = [];
  for (let t = 0; t < T; t++) { truth.push(probe.targets[t * V]); every.push(outputs[t * V]); }
  return {
    id: run.probeIndex, index: run.probeIndex, count: PROBE_ROWS, length: T, kind: 'regression', targetAt: 'every',
    labels: [], inputNames: [...task.symbols], targetName: task.outputSymbols[0], steps: truth.map((_, t) => t),
    truth, prediction: every, every, inputs: Array.from(probe.inputs), probabilities: null,
  };
}

/** @type {import('./common.js').Family} */
export default {
  name: 'dynamics',
  tasks: TASKS,
  hidden: ['attention', 'length', 'bidirectional'],
  widgets: ['predictions'],
  inputs: [],
  fileKind: 'model', noun: 'a plain model', pickHint: 'pick the task it was trained on',
  probeNoun: 'probe sequence',
  metricOf: (init) => TASKS[init.task]?.metric ?? 'rmse',
  probeDesc: (info) => `probe: ${info.task} sequence ${info.probe.index ?? 0} of the probe seed (${info.probe.length} steps), layer 0, ${info.hiddenSize} units (rows) × ${info.probe.length} steps (columns); hover for values`,
  payload: async () => ({}),

  assemble(lab, config, spec, { loaded }) {
    const task = lab.createTask(config.task, { ...spec.taskOptions, seed: config.seed });
    try {
      const { model, learner } = plainLearner(lab, task, config, spec, loaded);
      try {
        const rows = probeRows(lab, config.task, spec);
        return { task, model, learner, rows, probe: rows[0], probeIndex: 0, batchSize: config.batch,
          free() { learner.free(); model.free(); task.free(); } };
      } catch (err) {
        learner.free(); model.free();
        throw err;
      }
    } catch (err) {
      task.free();
      throw err;
    }
  },
  load: loadPlain,
  evalOptions: heldOutOptions,
  probeInfo(run) {
    const { task, probe } = run;
    const T = probe.length, w = task.inputSize;
    const symbols = [];
    for (let t = 0; t < T; t++) symbols.push(Array.from(probe.inputs.subarray(t * w, t * w + w), (/** @type {number} */ v) => +v.toFixed(2)).join(','));
    return { length: T, symbols, targets: plainTargets(run), split: null, index: run.probeIndex };
  },
  trace: plainTrace,
  samples: () => null,
  parts: [(run) => ({ part: { predictions: systemPredictions(run) } })],
  // the predictions chart reads its setup from init.csv (widgets/predictions.js build)
  initInfo: (run) => ({
    csv: { kind: 'regression', targetAt: 'every', labels: [], inputNames: [...run.task.symbols],
      targetName: run.task.inputSize === run.task.outputSize && run.task.name !== 'flipflop'
        ? `${run.task.outputSymbols[0]} at t + 1` : run.task.outputSymbols[0],
      heldOut: PROBE_ROWS, train: 0, sequences: PROBE_ROWS },
  }),
  messages: {
    // which probe row the probe and the predictions chart show
    csvIndex(run, data) {
      run.probeIndex = Math.max(0, Math.min(PROBE_ROWS - 1, Math.trunc(Number(data.index)) || 0));
      run.probe = run.defaultProbe = run.rows[run.probeIndex];
      return true;
    },
  },
};
