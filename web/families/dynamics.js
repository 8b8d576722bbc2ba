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
 * Also owns the reservoirs' closed-form readout: with optimizer 'ridge' (offered for esn and lsm
 * cells) the learner is lab.createLearner(model, { optimizer: 'ridge' }), its file kind 'ridge'
 * read back by load() beside a plain model's; a task row's `reservoir` sets the ESN's spectral
 * radius, input scale and leak, and the ridge parameter and washout.
 * The snapshot part `dynamics` (worker/dynparts.js, loaded by prepare() the first time the worker
 * builds a dynamics run, so the page never fetches it): the closed-loop rollout against the truth
 * with the valid-prediction time, the divergence of two nearby trajectories with the largest
 * Lyapunov exponent, the fixed points with their stability and unstable directions (the
 * flip-flop: their read-out bits). The page draws it with widgets/dynview.js (phase portrait,
 * perturbation plot, spike raster, memory cube; fixed points on the PCA plot), loaded by main.js
 * when a dynamics run starts. The held-out result carries the closed-loop scores too (validSteps,
 * validTime, horizonRmse). See common.js for the Family type.
 */
import { BASE_PRESET, PROBE_SEED, fromModelConfig, heldOutOptions, modelKeys, trainerOptions } from './common.js';
import { loadPlain, plainLearner, plainTargets, plainTrace } from './plain.js';
import { fileKind } from '../names.mjs';

/** @type {typeof import('../worker/dynparts.js') | null} the snapshot part, once prepare() has loaded it */
let parts = null;

/** the cells whose readout the ridge learner can fit in closed form (the page offers it for these) */
export const RIDGE_CELLS = Object.freeze(['esn', 'lsm']);

/** @typedef {{ spectralRadius?: number, inputScale?: number, alpha?: number, bias?: number, ridge?: number, washout?: number }} Reservoir
 *   a task row's reservoir settings (ESN model keys; bias b: the reservoir's biases drawn from
 *   U(-b, b) with the run's seed; the ridge readout's parameter and washout) */
/** @typedef {import('./common.js').TaskSpec & { reservoir?: Reservoir }} DynSpec */

/** probe sequences the predictions chart can show (from the probe seed) */
const PROBE_ROWS = 8;

/** @type {Record<string, DynSpec>} presets measured in Node (wasm SIMD, CPU
 * seconds on a loaded 2-core machine) to meet the task's criterion on the test set: van der Pol
 * (CT-RNN) 1100 steps, 4 s; Lorenz 900, 9 s; limit cycle 500, 1 s; sine (LSTM) 1900, 4 s;
 * flip-flop 150, < 1 s; Mackey-Glass 98.5% of steps within 0.05 after 2000 (its target 95%).
 * Lorenz with an ESN of 256 units (the page's largest) and the ridge readout (spectral radius
 * 0.6, input scale 0.6, biases U(-2, 2), ridge 1e-6, washout 20, batches of 32 rows of 100
 * steps): held-out valid time 7.96 Lyapunov times after 10 batches (0.5 s), 8.17 after 20.
 * Without the biases (radius 0.5, input scale 0.4, ridge 1e-5) 3.39: a reservoir with zero biases
 * and a linear readout is an odd map, and Lorenz is not odd (Herteux & Rath 2020; reproduce
 * chaos's ESN uses the same biases). The GRU preset it replaced: 9 s to its criterion.
 * evalCount small, so held-out checks (with their closed-loop horizon) stay quick */
const TASKS = {
  vanderpol: { preset: { ...BASE_PRESET, cell: 'ctrnn', hidden: 16, lr: 0.02, batch: 32 },
    intro: 'the van der Pol oscillator (mu = 1) one step ahead: the state at t in, the state at t + 1 out.',
    taskOptions: { length: 50 }, evalEvery: 100, evalCount: 32, probe: { length: 100 }, metric: 'rmse',
    watch: ', held-out RMSE drops' },
  lorenz: { preset: { ...BASE_PRESET, cell: 'esn', hidden: 256, optimizer: 'ridge', lr: 0.01, batch: 32 },
    intro: 'the Lorenz system one step ahead (sampled every 0.02 time units; chaotic): an echo-state network, whose readout alone is fitted in closed form (ridge regression).',
    taskOptions: { length: 100 }, evalEvery: 10, evalCount: 32, probe: { length: 100 }, metric: 'rmse',
    reservoir: { spectralRadius: 0.6, inputScale: 0.6, bias: 2, ridge: 1e-6, washout: 20 },
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

/** @type {import('./common.js').Example[]} LSM on Lorenz (200 units, ridge; measured in Node): held-out
 * RMSE 0.081 after 10 batches (1.8 s) against the mean's 0.85, spiking 28% of the steps; its
 * closed loop stays valid ~15 steps. The GRU: the preset before the ESN's */
const EXAMPLES = [
  { name: 'Lorenz: a liquid state machine (200 spiking units, ridge readout)', state: { task: 'lorenz', cell: 'lsm', hidden: 200, optimizer: 'ridge' } },
  { name: 'Lorenz: a GRU of 32 trained by Adam (BPTT)', state: { task: 'lorenz', cell: 'gru', hidden: 32, optimizer: 'adam', lr: 0.01 } },
  { name: 'van der Pol: an ESN with the ridge readout', state: { task: 'vanderpol', cell: 'esn', hidden: 200, optimizer: 'ridge' } },
];

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

/** The probe rows as one batch (rows x T), for tracing them in one pass. @param {any[]} rows */
function joinRows(rows) {
  const B = rows.length, T = rows[0].length;
  const cat = (/** @type {string} */ k) => {
    const n = rows[0][k].length, out = new (rows[0][k].constructor)(B * n);
    rows.forEach((r, i) => out.set(r[k], i * n));
    return out;
  };
  return { inputs: cat('inputs'), targets: cat('targets'), mask: cat('mask'), batchSize: B, length: T, carryState: false };
}

/** n reservoir biases from U(-b, b), drawn from the run's seed (a 32-bit LCG: Numerical Recipes'
 * constants), so the same seed gives the same reservoir in Node and in the browser
 * @param {number} n @param {number} b @param {number} seed */
function reservoirBiases(n, b, seed) {
  let s = (Math.imul(seed >>> 0, 2654435761) + 12345) >>> 0;
  return Float32Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return b * ((s / 2 ** 32) * 2 - 1); });
}

/**
 * The model and its learner: a loaded file's, else a fresh model (an ESN with the task row's
 * reservoir keys) with a Trainer, or with optimizer 'ridge' the closed-form readout.
 * @param {any} lab @param {any} task @param {import('./common.js').Config} config @param {DynSpec} spec
 * @param {{ learner: any, model: any } | null} [loaded]
 */
function dynLearner(lab, task, config, spec, loaded) {
  const res = spec.reservoir ?? {};
  if (loaded) return { model: loaded.model, learner: loaded.learner };
  if (config.optimizer !== 'ridge' && !(config.cell === 'esn' && spec.reservoir)) return plainLearner(lab, task, config, spec, loaded);
  /** @type {Record<string, any>} */
  const esn = config.cell === 'esn'
    ? Object.fromEntries(/** @type {const} */ (['spectralRadius', 'inputScale', 'alpha']).filter((k) => res[k] !== undefined).map((k) => [k, res[k]]))
    : {};
  const model = lab.createModel({ ...task.modelConfig, ...modelKeys(config, spec, true), ...esn });
  try {
    if (config.cell === 'esn' && res.bias) model.setWeights({ bias_ih_l0: reservoirBiases(model.config.hiddenSize, res.bias, config.seed) });
    if (config.optimizer !== 'ridge') return { model, learner: lab.createLearner(model, trainerOptions(config, spec)) };
    if (!RIDGE_CELLS.includes(config.cell)) {
      throw new Error(`optimizer 'ridge' fits a reservoir's readout: pick cell ${RIDGE_CELLS.join(' or ')} (this run: ${config.cell})`);
    }
    /** @type {Record<string, number>} */
    const o = {};
    if (res.ridge !== undefined) o.ridge = res.ridge;
    if (res.washout !== undefined) o.washout = res.washout;
    return { model, learner: lab.createLearner(model, { optimizer: 'ridge', ...o }) };
  } catch (err) {
    model.free();
    throw err;
  }
}

/**
 * A file back: a ridge readout's (kind 'ridge': the model and its statistics, lab.loadLearner),
 * else a plain model's (plain.js loadPlain).
 * @param {any} lab @param {Uint8Array} bytes @param {import('./common.js').Config} current @param {DynSpec} spec
 */
function loadDynamics(lab, bytes, current, spec) {
  if (fileKind(bytes) !== 'ridge') return loadPlain(lab, bytes, current, spec);
  const learner = lab.loadLearner(bytes), { model } = learner;
  return { learner, model, config: { ...current, ...fromModelConfig(model.config), bidir: 'no', optimizer: 'ridge' } };
}

/** @type {import('./common.js').Family} */
export default {
  name: 'dynamics',
  tasks: TASKS,
  hidden: ['attention', 'length', 'bidirectional'],
  widgets: ['predictions', 'dynamics'],
  examples: EXAMPLES,
  inputs: [],
  fileKind: 'model', fileKinds: ['model', 'ridge'], noun: 'a plain model', pickHint: 'pick the task it was trained on',
  probeNoun: 'probe sequence',
  metricOf: (init) => TASKS[init.task]?.metric ?? 'rmse',
  probeDesc: (info) => `probe: ${info.task} sequence ${info.probe.index ?? 0} of the probe seed (${info.probe.length} steps), layer 0, ${info.hiddenSize} units (rows) × ${info.probe.length} steps (columns); hover for values`,
  payload: async () => ({}),

  async prepare() { parts ??= await import('../worker/dynparts.js'); },
  assemble(lab, config, spec, { loaded }) {
    const task = lab.createTask(config.task, { ...spec.taskOptions, seed: config.seed });
    try {
      const { model, learner } = dynLearner(lab, task, config, spec, loaded);
      try {
        const rows = probeRows(lab, config.task, spec);
        const phaseRow = parts ? parts.phaseRow(lab, config.task, spec.taskOptions, PROBE_SEED) : null;
        return { task, model, learner, rows, probe: rows[0], probeIndex: 0, batchSize: config.batch,
          phaseRow, fpBatch: joinRows(rows),
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
  load: loadDynamics,
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
  parts: [
    (run) => ({ part: { predictions: systemPredictions(run) } }),
    (run) => ({ part: { dynamics: parts ? parts.dynamicsPart(run, { force: run.forcedSnapshot === true }) : null } }),
  ],
  // the predictions chart reads its setup from init.csv (widgets/predictions.js build)
  initInfo: (run) => ({
    csv: { kind: 'regression', targetAt: 'every', labels: [], inputNames: [...run.task.symbols],
      targetName: run.task.inputSize === run.task.outputSize && run.task.name !== 'flipflop'
        ? `${run.task.outputSymbols[0]} at t + 1` : run.task.outputSymbols[0],
      heldOut: PROBE_ROWS, train: 0, sequences: PROBE_ROWS },
  }),
  messages: {
    // the page's "Find fixed points" (a model too large to search at every few snapshots): at the next snapshot
    findFixedPoints(run) { run.wantFixed = true; return true; },
    // which probe row the probe and the predictions chart show
    csvIndex(run, data) {
      run.probeIndex = Math.max(0, Math.min(PROBE_ROWS - 1, Math.trunc(Number(data.index)) || 0));
      run.probe = run.defaultProbe = run.rows[run.probeIndex];
      return true;
    },
  },
};
