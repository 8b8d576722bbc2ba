// @ts-check
/* energy.js - the energy-based nets (issue 13): symmetric networks whose dynamics descend an
 * energy, in three modes the task menu picks like tasks:
 *   hopfield  a Hopfield memory (lab.createHopfield) on a grid the page draws on: store patterns
 *             (drawn, digits, random), recall from a corrupted one unit by unit with its energy
 *             after every update; Play runs the capacity sweep (mean overlap after recall against
 *             P/N, Hebb beside Storkey, on fresh random patterns).
 *   rbm       a restricted Boltzmann machine (lab.createRBM) trained by CD-k or PCD on bars and
 *             stripes or digits (lab.patterns): its filters, Gibbs samples, reconstructions and
 *             the exact mean log-likelihood (reconstruction error when it cannot be exact).
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
 * 'rate' | 'fill' }), 'setTemperature' (live: Hopfield recall's T, the lattice's T).
 * An engine without one of these nets builds a run that says so (note, and init's
 * energy.available false): the page shows the note and keeps Play off. No save / load yet.
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

const ENERGY_HIDES = Object.freeze(['optimizer', 'clip', 'bptt', 'files']);

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
    intro: 'A restricted Boltzmann machine learns a distribution over images by contrastive divergence: each hidden unit\'s filter, Gibbs samples and reconstructions redraw as it trains, with the exact log-likelihood.',
    taskOptions: {}, evalEvery: 10, evalCount: 0, probe: {},
    hidden: ['rule', 'update', 'temperature', 'lattice', 'sampler'],
  },
  ising: {
    preset: { ...BASE_PRESET, temperature: 2, lattice: 64 },
    menu: 'Ising lattice (energy)',
    intro: 'The 2-D Ising model, a Boltzmann machine without hidden units: Play sweeps the lattice at the temperature of the slider; below T_c = 2.269 it orders.',
    taskOptions: {}, evalEvery: 1000000, evalCount: 0, probe: {},
    hidden: ['network', 'lr', 'batch', 'rule', 'update', 'method', 'k', 'patterns'],
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
  { name: 'Ising: below T_c (T = 1.8)', state: { task: 'ising', temperature: 1.8 } },
  { name: 'Ising: at T_c (T = 2.27)', state: { task: 'ising', temperature: 2.27 } },
];

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
  fileKind: 'energy', noun: 'an energy-based net', pickHint: 'the energy-based nets cannot be loaded from the page yet',
  probeNoun: 'state',
  live: { temperature: 'setTemperature' },
  metricOf: () => 'accuracy',
  probeDesc: () => '',
  payload: async () => ({}),
  async prepare() { runs ??= await import('./energyruns.js'); },
  assemble: (lab, config) => R().assemble(lab, config),
  load() { throw new Error('the energy-based nets cannot be loaded from the page yet'); },
  evalOptions: () => ({}),
  probeInfo: () => ({ length: 0, symbols: [], targets: null, split: null }),
  trace: () => R().emptyTrace(),
  samples: () => null,
  initInfo: (run) => R().initInfo(run),
  parts: [(run) => ({ part: { energy: R().energyPart(run) } })],
  messages: {
    hopfield: (run, data) => R().MESSAGES.hopfield(run, data),
    ising: (run, data) => R().MESSAGES.ising(run, data),
    setTemperature: (run, data) => R().MESSAGES.setTemperature(run, data),
  },
};
