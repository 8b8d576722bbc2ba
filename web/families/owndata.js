// @ts-check
/* owndata.js - your own data (task csv): a plain sequence model trained on numeric sequences the
 * user pastes, loads or drops (parsed and checked on the page by wasm/csv.mjs parseSequences), or
 * on one of the example files in web/examples/. Scored on the whole held-out split: RMSE in the
 * data's units beside always predicting the training mean, or accuracy beside the majority class.
 *
 * Owns what differs from the built-in sequence tasks: the data comes with the config message (a
 * URL carries only an example's name), the probe is a held-out sequence picked by its index
 * (message csvIndex) and shown in the data's units, and each snapshot carries the model's
 * predictions on it against the truth (the predictions chart). The model, its learner, trace
 * and file are plain.js's. See common.js for the Family type.
 */
import { parseSequences } from '../csv.mjs';
import { BASE_PRESET, symbolOf } from './common.js';
import { loadPlain, plainLearner, plainTargets, plainTrace } from './plain.js';

/** @type {Record<string, import('./common.js').TaskSpec>} README "Your own sequences": both example
 * files learn with this preset (sine-phase: held-out RMSE 0.12 against 0.66 for the mean after 400
 * steps; two-class: 100% after 200). evalCount 0: the whole held-out split */
const TASKS = {
  csv: { preset: { ...BASE_PRESET, hidden: 16, lr: 0.01, batch: 16 }, menu: 'your own data (csv)',
    intro: 'your own sequences: the target column from the input columns.',
    taskOptions: {}, evalEvery: 25, evalCount: 0, probe: {}, watch: '' },
};

/**
 * Held-out sequence `index` as a batch of 1, standardised as the task trains (the training
 * split's statistics), with its targets and mask, for the probe's trace.
 * @param {any} task a csv task @param {number} index position in the held-out split
 */
export function csvProbe(task, index) {
  const j = task.splitIndices.heldout[index];
  const s = task.data.sequences[j];
  const I = task.inputSize, T = s.length, reg = task.kind === 'regression';
  const { inputMean, inputStd, targetMean, targetStd } = task.stats;
  const inputs = Float32Array.from(s.x, (v, k) => (v - inputMean[k % I]) / inputStd[k % I]);
  const targets = reg ? new Float32Array(T) : new Int32Array(T).fill(-1);
  const mask = new Float32Array(T);
  const y = (/** @type {number} */ v) => (reg ? (v - targetMean) / targetStd : v);
  if (task.targetAt === 'end') { targets[T - 1] = y(s.y[0]); mask[T - 1] = 1; }
  else { for (let t = 0; t < T; t++) targets[t] = y(s.y[t]); mask.fill(1); }
  return { inputs, targets, mask, batchSize: 1, length: T, carryState: false };
}

/** The model's predictions on the probe's held-out sequence against the truth, in the data's
 * units (task.predict), as plain arrays for the page's chart. @param {any} run */
export function csvPredictions(run) {
  const p = run.task.predict(run.model, run.probeIndex);
  return {
    id: p.id, index: p.index, count: run.task.split.heldout, length: p.length, kind: p.kind, targetAt: p.targetAt,
    labels: [...p.labels], inputNames: [...p.inputNames], targetName: run.task.targetName, steps: p.steps,
    truth: p.truth, prediction: Array.from(p.prediction), every: Array.from(p.every), inputs: Array.from(p.inputs),
    probabilities: p.probabilities ? Array.from(p.probabilities) : null,
  };
}

/** @type {Record<string, Promise<{ data: any, heldOut: number, name: string, text: string }>>} the
 * example files (web/examples/, written by generate.mjs), fetched and parsed once, with the loader's defaults */
const examples = {};
/** @param {string} name */
function example(name) {
  const path = `examples/${name}.csv`;
  examples[name] ??= fetch(path).then(async (res) => {
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    const text = await res.text();
    return { data: parseSequences(text), heldOut: 0.2, name: `${name}.csv`, text };
  });
  examples[name].catch(() => delete examples[name]); // tried again next time
  return examples[name];
}

/** @type {import('./common.js').Family} */
export default {
  name: 'owndata',
  tasks: TASKS,
  hidden: ['attention', 'length', 'bidirectional'],
  widgets: ['predictions'],
  inputs: ['csv'],
  fileKind: 'model', noun: 'a plain model', pickHint: 'pick the task it was trained on',
  probeNoun: 'probe sequence',
  metricOf: (init) => (init.csv.kind === 'regression' ? 'rmse' : 'csvacc'),
  probeDesc: (info) => `probe: held-out sequence ${info.probe.index ?? 0} (${info.probe.length} steps), layer 0, ${info.hiddenSize} units (rows) × ${info.probe.length} steps (columns); hover for values`,
  shareNote: (state) => (state.data === 'own'
    ? 'link copied: it holds every setting but not your data (a URL cannot carry it; the link opens an example)' : null),
  // the data set of state.data: an example (fetched once), or the user's own (page.inputs.csv)
  async payload(state, page) {
    const panel = page.widgets.dataPanel;
    if (state.data === 'own') {
      const own = page.inputs.csv;
      if (own) return { csv: { data: own.data, heldOut: own.heldOut } };
      // 'own' from a link: the data itself cannot travel in a URL
      panel.error('a link carries only an example\'s name, not your own data: paste, load or drop your file again (showing the sine-phase example meanwhile)');
      return { change: { data: 'sine-phase' } };
    }
    let set;
    try {
      set = await example(state.data);
    } catch (err) {
      panel.error(String(/** @type {Error} */ (err).message));
      return null; // the current run goes on
    }
    if (!page.current()) return null; // a later choice won
    panel.show(set.text, set.name);
    return { csv: { data: set.data, heldOut: set.heldOut } };
  },
  apply: {
    csv: (state, choice) => ({
      state: { ...state, task: 'csv', data: 'own', ...(state.task !== 'csv' ? TASKS.csv.preset : {}) },
      status: `training on ${choice.name} (not part of the share link: a URL cannot carry the data)`,
    }),
  },

  assemble(lab, config, spec, { inputs, loaded }) {
    const csv = inputs.csv;
    if (!csv) throw new Error('your own data: nothing loaded yet (pick an example, or paste or load a file)');
    const task = lab.createTask('csv', { data: csv.data, heldOut: csv.heldOut ?? 0.2, seed: config.seed });
    try {
      const { model, learner } = plainLearner(lab, task, config, spec, loaded);
      return { task, model, learner, probe: csvProbe(task, 0), probeIndex: 0, batchSize: config.batch,
        free() { learner.free(); model.free(); task.free(); } };
    } catch (err) {
      task.free();
      throw err;
    }
  },
  load: loadPlain,
  evalOptions: () => ({}), // all of the held-out split
  probeInfo(run) {
    const { task, probe } = run;
    const T = probe.length, w = task.inputSize;
    // the data's own units (the model sees them standardised)
    const x = task.data.sequences[task.splitIndices.heldout[run.probeIndex]].x;
    const symbols = [];
    for (let t = 0; t < T; t++) {
      symbols.push(task.input === 'onehot' ? symbolOf(task, probe.inputs[t])
        : Array.from(x.subarray(t * w, t * w + w), (/** @type {number} */ v) => +v.toFixed(2)).join(','));
    }
    return { length: T, symbols, targets: plainTargets(run), split: null, index: run.probeIndex };
  },
  trace: plainTrace,
  samples: () => null,
  parts: [(run) => ({ part: { predictions: csvPredictions(run) } })],
  initInfo: (run) => ({
    csv: { kind: run.task.kind, targetAt: run.task.targetAt, labels: [...run.task.labels],
      inputNames: [...run.task.inputNames], targetName: run.task.targetName, heldOut: run.task.split.heldout,
      train: run.task.split.train, sequences: run.task.data.sequences.length },
  }),
  messages: {
    // which held-out sequence the probe and the predictions chart show
    csvIndex(run, data) {
      const n = run.task.split.heldout;
      run.probeIndex = Math.max(0, Math.min(n - 1, Math.trunc(Number(data.index)) || 0));
      run.probe = run.defaultProbe = csvProbe(run.task, run.probeIndex);
      return true;
    },
  },
};
