// @ts-check
/* energy.js - the energy-based nets (issue 13): symmetric networks whose dynamics descend an
 * energy, in three modes the task menu picks like tasks:
 *   hopfield  a Hopfield memory (lab.createHopfield) on a grid the page draws on: store patterns
 *             (drawn, digits, random), recall from a corrupted one unit by unit with its energy
 *             after every update; Play runs the capacity sweep (mean overlap after recall against
 *             P/N, Hebb beside Storkey, on fresh random patterns).
 *   rbm       a restricted Boltzmann machine (lab.createRBM) trained by CD-k or PCD on bars and
 *             stripes or digits (lab.patterns): its filters, Gibbs samples, reconstructions and
 *             the exact mean log-likelihood, or beyond 2^24 states AIS's estimate with its error.
 *   dbn       a deep belief net (lab.createDBN, layers [visible, hidden, hidden / 2]) trained
 *             greedily one RBM at a time; each RBM's reconstruction error, samples drawn down
 *             from the top RBM.
 *   boltzmann a fully connected Boltzmann machine (lab.createBoltzmann) learning by the exact
 *             gradient or by sampled phases (a switch on its panel); exact log-likelihood.
 *   ising     the 2-D Ising lattice (lab.createIsing) swept at a temperature; magnetisation
 *             against the temperature, measured from the live sweeps or by a scan.
 *
 * Owns what differs from the sequence families: the runs are not lab.createTask's (ownTasks);
 * the rows, presets and examples of the three modes; the controls they show; and the hooks,
 * which hand over to energyruns.js (the runs, their adapters with the Learner protocol's shape,
 * the snapshot part `energy`, the messages), loaded by prepare() the first time the worker
 * builds an energy mode, so that the sequence pages load only this file. The page's energy view
 * (widgets/energyview.js, loaded by main.js the same way) draws the part. Messages: 'hopfield'
 * ({ op: 'store' | 'preset' | 'clear' | 'forget' | 'recall' }), 'ising' ({ op: 'scan' | 'stop' |
 * 'rate' | 'fill' }), 'boltzmann' ({ op: 'method' }), 'setTemperature' (live: Hopfield recall's T,
 * the lattice's T). Save / load: the nets' own files (file kinds 4-7, lab.loadLearner); a loaded
 * file picks its task, data and sizes (load). The lattice is not saved.
 * An engine without one of these nets builds a run that says so (note, and init's
 * energy.available false): the page shows the note and keeps Play off.
 * DOM-free. See common.js for the Family type.
 */
import { BASE_PRESET } from './common.js';

/** @type {typeof import('./energyruns.js') | null} the runs, once prepare() has loaded them */
let runs = null;
/** the runs' module: prepare() has run (the worker awaits it before every assemble) */
const R = () => {
  if (!runs) throw new Error('energy family: prepare() has not loaded energyruns.js');
  return runs;
};

const ENERGY_HIDES = Object.freeze(['optimizer', 'clip', 'bptt']);

/** @type {Record<string, import('./common.js').TaskSpec>} */
const TASKS = {
  hopfield: {
    preset: { ...BASE_PRESET, rule: 'hebb', update: 'async', temperature: 0 },
    menu: 'Hopfield memory (energy)',
    intro: 'A Hopfield network stores patterns as the minima of an energy: draw one or pick some, store them, corrupt one, and watch recall flip one unit at a time while the energy falls. Play runs the capacity sweep.',
    taskOptions: {}, evalEvery: 1000000, evalCount: 0, probe: {},
    hidden: ['network', 'lr', 'batch', 'method', 'k', 'patterns', 'lattice', 'sampler'],
  },
  rbm: {
    // measured (seeds 1-3, 16 hidden, momentum 0.5, weight decay 0.001, the 14 patterns a batch):
    // PCD-1 at 0.005 reaches -2.97..-3.02 nats after 30k updates and stays within -2.76..-2.93
    // after 40k; at 0.01 it drifts between -2.8 and -3.5; CD-1 at 0.01 settles at -2.79, CD-10 at -2.73
    preset: { ...BASE_PRESET, hidden: 16, lr: 0.005, batch: 14, method: 'pcd', k: 1, patterns: 'bars-3x3' },
    menu: 'RBM (energy)',
    intro: 'A restricted Boltzmann machine learns a distribution over images by contrastive divergence: each hidden unit\'s filter, Gibbs samples and reconstructions redraw as it trains, with the exact log-likelihood (an AIS estimate when the RBM is too big for it).',
    taskOptions: {}, evalEvery: 10, evalCount: 0, probe: {},
    hidden: ['rule', 'update', 'temperature', 'lattice', 'sampler'],
  },
  dbn: {
    // measured (seed 1, digits, layers 35-32-16, PCD-1 at 0.02, batch 20): each RBM's
    // reconstruction error falls within its 3000 updates (0.14 -> 0.035, then 0.14 -> 0.07 for the
    // second); the up-down reconstruction error of the whole net falls once the top one trains
    preset: { ...BASE_PRESET, hidden: 32, lr: 0.02, batch: 20, method: 'pcd', k: 1, patterns: 'digits' },
    menu: 'Deep belief net (energy)',
    intro: 'A deep belief net is a stack of RBMs trained greedily, one layer at a time, each on the samples of the one below (Hinton, Osindero & Teh 2006); its samples are drawn down from the top RBM.',
    taskOptions: {}, evalEvery: 10, evalCount: 0, probe: {},
    hidden: ['rule', 'update', 'temperature', 'lattice', 'sampler'],
  },
  boltzmann: {
    // measured (seed 1, 9 visible + 4 hidden, exact gradient, Adam 0.05, the 14 patterns a batch):
    // the exact mean log-likelihood passes -2.70 by update 250 and reaches -2.642 by 1000 (-ln 14 = -2.639)
    preset: { ...BASE_PRESET, hidden: 4, lr: 0.05, batch: 14, patterns: 'bars-3x3' },
    menu: 'Boltzmann machine (energy)',
    intro: 'A fully connected Boltzmann machine with hidden units, learning bars and stripes by the exact gradient (both phases enumerated over every state) or by sampled clamped and free phases: its exact log-likelihood rises toward the optimum.',
    taskOptions: {}, evalEvery: 10, evalCount: 0, probe: {},
    hidden: ['rule', 'update', 'temperature', 'lattice', 'sampler', 'method', 'k'],
  },
  ising: {
    preset: { ...BASE_PRESET, temperature: 2, lattice: 64 },
    menu: 'Ising lattice (energy)',
    intro: 'The 2-D Ising model, a Boltzmann machine without hidden units: Play sweeps the lattice at the temperature of the slider; below T_c = 2.269 it orders.',
    taskOptions: {}, evalEvery: 1000000, evalCount: 0, probe: {},
    hidden: ['network', 'lr', 'batch', 'rule', 'update', 'method', 'k', 'patterns', 'files'],
  },
};

/** @type {import('./common.js').Example[]} */
const EXAMPLES = [
  { name: 'RBM: CD-1 on bars and stripes', state: { task: 'rbm', method: 'cd', k: 1, lr: 0.01 } },
  { name: 'RBM: PCD-1 on bars and stripes', state: { task: 'rbm', method: 'pcd', k: 1 } },
  { name: 'RBM: CD-10 on bars and stripes', state: { task: 'rbm', method: 'cd', k: 10, lr: 0.01 } },
  { name: 'RBM: digits, 16 hidden units', state: { task: 'rbm', patterns: 'digits', hidden: 16, batch: 20, lr: 0.01, method: 'pcd' } },
  { name: 'RBM: digits, 48 hidden (no exact likelihood)', state: { task: 'rbm', patterns: 'digits', hidden: 48, batch: 20, lr: 0.01, method: 'pcd' } },
  { name: 'Hopfield: Storkey\'s rule', state: { task: 'hopfield', rule: 'storkey' } },
  { name: 'DBN: bars and stripes 4x4, 32 then 16 hidden', state: { task: 'dbn', patterns: 'bars-4x4', hidden: 32, batch: 20, lr: 0.02, method: 'pcd' } },
  { name: 'Boltzmann machine: 4x4 bars and stripes, sampled phases', state: { task: 'boltzmann', patterns: 'bars-4x4', hidden: 8, batch: 30 } },
  { name: 'Ising: below T_c (T = 1.8)', state: { task: 'ising', temperature: 1.8 } },
  { name: 'Ising: at T_c (T = 2.27)', state: { task: 'ising', temperature: 2.27 } },
];

/** the file kinds (names.mjs FILE_KINDS) the energy-based nets save, each the task that trains it */
const FILE_TASKS = Object.freeze(['hopfield', 'rbm', 'dbn', 'boltzmann']);
/** the data sets by their visible units: a file does not name its data (state.js RBM_DATA) */
const DATA_BY_SIZE = Object.freeze({ 9: 'bars-3x3', 16: 'bars-4x4', 35: 'digits' });

/**
 * A saved energy-based net (file kinds 4-7, lab.loadLearner) and the config it implies: its own
 * task (the file's kind), the data its visible units fit, its sizes and training options; the
 * rest of the current config (of another task: that task's preset, so the batch size is the
 * preset's). The run (energyruns.js assemble) trains the loaded net itself.
 * @param {any} lab @param {Uint8Array} bytes @param {import('./common.js').Config} current
 */
function load(lab, bytes, current) {
  const learner = lab.loadLearner(bytes);
  try {
    const kind = learner.kind;
    if (!FILE_TASKS.includes(kind)) throw new Error(`the file holds a ${kind}, not an energy-based net`);
    // the rest from the current config when it is of the file's task, else from that task's
    // preset (the batch size above all: the file does not hold it)
    /** @type {import('./common.js').Config} */
    const config = current.task === kind ? { ...current } : { ...current, ...TASKS[kind].preset, task: kind };
    if (kind === 'hopfield') config.rule = learner.rule;
    else {
      const V = kind === 'dbn' ? learner.layers[0] : learner.visible;
      const patterns = DATA_BY_SIZE[/** @type {9} */ (V)];
      if (!patterns) throw new Error(`the ${kind} in the file has ${V} visible units; the page's data sets have 9 (bars and stripes 3x3), 16 (4x4) or 35 (digits)`);
      const o = learner.trainerOptions;
      Object.assign(config, { patterns, hidden: kind === 'dbn' ? learner.layers[1] : learner.hidden, lr: +o.learningRate.toPrecision(6) });
      if (kind !== 'boltzmann') Object.assign(config, { method: o.method, k: o.k });
    }
    // the sequence parts' model stand-in (energyruns.js NO_MODEL has the same sizes)
    return { learner, model: { config: { cell: 'rnn', hiddenSize: 0, inputSize: 0, outputSize: 0 } }, config };
  } catch (err) {
    learner.free();
    throw err;
  }
}

/** @type {import('./common.js').Family} */
export default {
  name: 'energy',
  ownTasks: true,
  tasks: TASKS,
  hidden: ['cell', 'layers', 'bidir', 'bidirectional', 'attention', 'length', ...ENERGY_HIDES],
  widgets: ['energy'],
  examples: EXAMPLES,
  describe: (state) => [state.task],
  inputs: [],
  fileKind: 'hopfield', fileKinds: FILE_TASKS, noun: 'an energy-based net', pickHint: 'pick any energy-based task (the file names its own)',
  probeNoun: 'state',
  live: { temperature: 'setTemperature' },
  metricOf: () => 'accuracy',
  probeDesc: () => '',
  payload: async () => ({}),
  async prepare() { runs ??= await import('./energyruns.js'); },
  assemble: (lab, config, _spec, extra) => R().assemble(lab, config, extra?.loaded ?? null),
  load,
  evalOptions: () => ({}),
  probeInfo: () => ({ length: 0, symbols: [], targets: null, split: null }),
  trace: () => R().emptyTrace(),
  samples: () => null,
  initInfo: (run) => R().initInfo(run),
  parts: [(run) => ({ part: { energy: R().energyPart(run) } })],
  messages: {
    hopfield: (run, data) => R().MESSAGES.hopfield(run, data),
    ising: (run, data) => R().MESSAGES.ising(run, data),
    boltzmann: (run, data) => R().MESSAGES.boltzmann(run, data),
    setTemperature: (run, data) => R().MESSAGES.setTemperature(run, data),
  },
};
