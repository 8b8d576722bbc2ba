// @ts-check
/* sequence.js - the plain sequence models: one recurrent network reads a sequence and predicts
 * at every step (or at the end), trained by a Trainer (lab.createLearner). The built-in tasks
 * parity, addition, text, reber, adding and temporal-order.
 *
 * Owns what differs for them: the task rows (presets, held-out evaluation, probe, curve, page
 * texts), the text task's corpus and stream chunks, typed probes (parity bits, "a + b", text),
 * the samples (text continuations, fresh additions). The plain model's learner, trace and file
 * are plain.js's (owndata.js uses them too).
 * See common.js for the Family type.
 */
import { BASE_PRESET, PROBE_SEED, SAMPLE_SEED, heldOutOptions, symbolOf } from './common.js';
import { loadPlain, plainLearner, plainTargets, plainTrace } from './plain.js';

const TEXT_LENGTH = 64;   // text: the training chunk when bptt is 0
const SAMPLE_CHARS = 80;  // text: the length of each continuation

// ---- typed probes ----

/** parity: bits, the running parity as targets @param {any} _run @param {string} text */
function parityProbe(_run, text) {
  if (!/^[01]{1,400}$/.test(text)) return 'parity: type 1 to 400 bits, e.g. 0110100';
  const inputs = Int32Array.from(text, Number);
  let x = 0;
  const targets = inputs.map((b) => (x ^= b));
  return { inputs, targets, batchSize: 1, length: inputs.length, carryState: false };
}

/** addition: "a+b" in decimal -> bit pairs (id = a + 2b), least significant first, the sum's bits
 * as targets @param {any} _run @param {string} text */
function additionProbe(_run, text) {
  const m = /^\s*(\d{1,15})\s*\+\s*(\d{1,15})\s*$/.exec(text);
  if (!m) return 'addition: type a + b, e.g. 1234 + 987';
  const a = BigInt(m[1]), b = BigInt(m[2]), sum = a + b;
  const T = Math.max(1, sum.toString(2).length);
  const inputs = new Int32Array(T), targets = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const bt = BigInt(t);
    inputs[t] = Number((a >> bt) & 1n) + 2 * Number((b >> bt) & 1n);
    targets[t] = Number((sum >> bt) & 1n);
  }
  return { inputs, targets, batchSize: 1, length: T, carryState: false };
}

/** text: characters (unknown ones map to the unknown symbol), the next one as target
 * @param {any} run @param {string} text */
function textProbe(run, text) {
  const chars = Array.from(text).slice(0, 200);
  if (chars.length < 2) return 'text: type at least 2 characters';
  const index = new Map(run.task.symbols.map((/** @type {string} */ s, /** @type {number} */ i) => [s, i]));
  const ids = Int32Array.from(chars, (c) => index.get(c) ?? run.task.specials.unk ?? 0);
  const targets = new Int32Array(ids.length);
  for (let t = 0; t < ids.length; t++) targets[t] = t + 1 < ids.length ? ids[t + 1] : -1;
  return { inputs: ids, targets, batchSize: 1, length: ids.length, carryState: false };
}

/** @type {Record<string, import('./common.js').TaskSpec>} settings from lab.recipes, or measured
 * in the page to learn within seconds (README, playground) */
const TASKS = {
  parity: { preset: { ...BASE_PRESET, hidden: 16, lr: 0.01, batch: 32 },
    intro: 'running parity: after each bit, is the count of 1s so far odd?',
    taskOptions: {}, evalEvery: 25, evalCount: 200, evalLength: 100,
    probe: { length: 24, minLength: 24 }, curve: [10, 25, 50, 100, 200, 400],
    probeHint: 'bits, e.g. 0110100111', parseProbe: parityProbe },
  addition: { preset: { ...BASE_PRESET, hidden: 16, lr: 0.01, batch: 32 },
    intro: 'binary addition: two numbers arrive bit by bit, lowest first; it writes the sum\'s bits.',
    taskOptions: {}, evalEvery: 25, evalCount: 200, evalLength: 32,
    probe: { length: 12, minLength: 12 }, curve: [8, 16, 32, 64, 128, 256],
    probeHint: 'a + b, e.g. 1234 + 987', parseProbe: additionProbe, samples: 'problems' },
  text: { preset: { ...BASE_PRESET, hidden: 64, lr: 0.01, batch: 32, bptt: 64 },
    intro: 'to predict the next character of a text.',
    taskOptions: {}, evalEvery: 100, evalCount: 4000, probe: {}, probeLength: 48,
    metric: 'bpc', watch: ', bits per character drop', bpttLabel: 'BPTT chunk (0 = 64)',
    probeHint: 'some characters', parseProbe: textProbe, chunked: true, samples: 'text' },
  reber: { preset: { ...BASE_PRESET, hidden: 16, lr: 0.02, batch: 2 },
    intro: 'the embedded Reber grammar: which symbols may come next.',
    taskOptions: {}, evalEvery: 50, evalCount: 256, probe: {} },
  adding: { preset: { ...BASE_PRESET, hidden: 16, lr: 0.005, batch: 32 },
    intro: 'the adding problem: the sum of two marked numbers in a long sequence.',
    taskOptions: { length: 30 }, lstm: { forgetBias: 3 }, evalEvery: 100, evalCount: 500, probe: { length: 30 } },
  'temporal-order': { preset: { ...BASE_PRESET, hidden: 16, lr: 0.005, batch: 32 },
    intro: 'temporal order: the order of two symbols far apart among distractors.',
    taskOptions: {}, lstm: { forgetBias: 3 }, evalEvery: 100, evalCount: 500, probe: { length: 50 } },
};

// ---- samples ----

/** Fresh binary additions with the model's answer. @param {any} run */
function additionProblems(run, count = 4, bits = 8) {
  const batch = run.sampler.batch(count, { length: bits });
  const { outputs } = run.model.forward({ ...batch, carryState: false });
  const T = batch.length, V = run.task.outputSize;
  const out = [];
  for (let r = 0; r < count; r++) {
    let a = 0, b = 0, sum = 0, model = 0, right = true;
    for (let t = 0; t < T; t++) {
      const k = r * T + t;
      if (batch.targets[k] < 0) break;
      const id = batch.inputs[k], bit = 2 ** t;
      a += (id & 1) * bit; b += (id >> 1) * bit;
      const p1 = outputs[k * V + 1] > outputs[k * V];
      sum += batch.targets[k] * bit; model += (p1 ? 1 : 0) * bit;
      if ((p1 ? 1 : 0) !== batch.targets[k]) right = false;
    }
    out.push({ text: `${a} + ${b} = ${model}${right ? ' ✓' : ` ✗ (${sum})`}`, right });
  }
  return out;
}

/** Text: greedy, beam (width K) and sampled continuations of the probe's first characters. @param {any} run */
function textSamples(run) {
  const { model, config, task, probe } = run;
  if (model.config.bidirectional) return { note: 'a bidirectional model sees the future: it cannot generate text' };
  const prompt = probe.inputs.slice(0, Math.min(12, probe.length));
  const str = (/** @type {Int32Array} */ ids) => Array.from(ids, (id) => task.symbols[id] ?? '?').join('');
  const gen = (/** @type {Record<string, any>} */ o) => str(model.generate({ prompt, length: SAMPLE_CHARS, ...o }).tokens);
  return {
    prompt: str(prompt),
    greedy: gen({ strategy: 'greedy' }),
    beam: gen({ strategy: 'beam', beamWidth: config.beam }),
    sample: gen({ strategy: 'sample', temperature: config.temp, seed: SAMPLE_SEED }),
    temp: config.temp, beamWidth: config.beam,
  };
}

// ---- the family ----

/** The task options of a config: text reads the user's text (corpus 'own') or a built-in corpus.
 * @param {import('./common.js').Config} config @param {import('./common.js').TaskSpec} spec @param {string | null} [text] */
function taskOptions(config, spec, text) {
  /** @type {Record<string, any>} */
  const o = { ...spec.taskOptions };
  if (config.task === 'text') {
    if (config.corpus === 'own' && text) o.text = text;
    else o.corpus = config.corpus === 'c' ? 'c' : 'grammar';
  }
  return o;
}

/**
 * Rows per step: the batch size, but text trains on parallel streams of its training split,
 * at most task.maxBatchSize(chunk) of them. Throws when not one stream fits.
 * @param {any} task @param {import('./common.js').Config} config @param {import('./common.js').TaskSpec} spec
 */
function batching(task, config, spec) {
  if (!spec.chunked) return { batchSize: config.batch, length: undefined, note: '' };
  const length = config.bptt || TEXT_LENGTH;
  const most = task.maxBatchSize(length);
  if (most < 1) {
    throw new Error(`the text is too short to train on: ${task.split?.train ?? 0} training characters, `
      + `a chunk of ${length} needs at least ${2 * (length + 1)} (paste more text, or lower the BPTT chunk)`);
  }
  if (most >= config.batch) return { batchSize: config.batch, length, note: '' };
  return { batchSize: most, length, note: `the text is short: ${most} parallel stream${most > 1 ? 's' : ''} instead of ${config.batch}` };
}

/** @type {import('./common.js').Family} */
export default {
  name: 'sequence',
  tasks: TASKS,
  hidden: ['attention', 'length', 'bidirectional'],
  widgets: ['curve', 'problems', 'textSamples'],
  inputs: ['text'],
  fileKind: 'model', noun: 'a plain model', pickHint: 'pick the task it was trained on',
  probeNoun: 'probe sequence',
  metricOf: (init) => TASKS[init.task]?.metric ?? 'accuracy',
  probeDesc: (info) => `probe: one ${info.task} sequence of ${info.probe.length} steps, layer 0, ${info.hiddenSize} units (rows) × ${info.probe.length} steps (columns); hover for values`,
  payload: async (state, page) => ({ text: state.corpus === 'own' ? page.inputs.text : null }),
  apply: {
    text: (state, text) => (String(text).length < 200 ? { state: null, status: 'the text needs at least 200 characters' }
      : { state: { ...state, corpus: 'own' }, status: `training on your text (${String(text).length} characters; not part of the share link)` }),
  },

  async prepare(lab, config) {
    if (config.task === 'text' && config.corpus === 'c') await lab.loadCorpus('c');
  },

  assemble(lab, config, spec, { inputs, loaded }) {
    const options = taskOptions(config, spec, inputs.text);
    const task = lab.createTask(config.task, { ...options, seed: config.seed });
    /** @type {any[]} */
    const owned = [task];
    const free = () => { for (const o of [...owned].reverse()) o.free(); };
    try {
      const { model, learner } = plainLearner(lab, task, config, spec, loaded);
      owned.push(model, learner);
      // addition: a stream of fresh problems for the samples list
      const sampler = spec.samples === 'problems' ? lab.createTask(config.task, { seed: SAMPLE_SEED }) : null;
      if (sampler) owned.push(sampler);
      const probeTask = lab.createTask(config.task, { ...options, ...spec.probe, seed: PROBE_SEED });
      const raw = probeTask.batch(1, spec.probeLength ? { length: spec.probeLength } : undefined);
      probeTask.free();
      return { task, model, learner, sampler, probe: { ...raw, carryState: false }, ...batching(task, config, spec), free };
    } catch (err) {
      free();
      throw err;
    }
  },
  load: loadPlain,
  evalOptions: heldOutOptions,
  probeInfo(run) {
    const { task, probe } = run;
    const T = probe.length, w = task.inputSize;
    const symbols = [];
    for (let t = 0; t < T; t++) {
      if (task.input === 'onehot') symbols.push(symbolOf(task, probe.inputs[t]));
      else {
        const v = Array.from(probe.inputs.subarray(t * w, t * w + w));
        // adding: the value, '*' when the marker is on
        symbols.push(task.name === 'adding' ? `${v[0].toFixed(2)}${v[1] ? '*' : ''}` : v.join(','));
      }
    }
    return { length: T, symbols, targets: plainTargets(run), split: null };
  },
  trace: plainTrace,
  samples(run) {
    if (run.spec.samples === 'text') return { kind: 'text', ...textSamples(run) };
    if (run.sampler) return { kind: 'problems', problems: additionProblems(run) };
    return null;
  },
};
