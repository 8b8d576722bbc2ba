// @ts-check
/* worker.js - the playground's training loop, run as a module Web Worker. No DOM here.
 *
 * Owns: the task, model and trainer of one run (a plain model, or an encoder-decoder for the
 * sequence-to-sequence tasks), and the loop that trains them in time slices (so control messages
 * get through between slices). Knows nothing of the view: it only posts messages, and the page's
 * widgets redraw from them.
 *
 * Messages in:
 *   { type: 'config', config, keepPlaying?, text? }  build a fresh run from a playground config
 *                                    (state.js); text: the user's own text for corpus 'own'
 *   { type: 'play' } / { type: 'pause' } / { type: 'step' }   run, stop, or do one training step
 *   { type: 'setLearningRate', lr }  change the learning rate without restarting
 *   { type: 'setSampling', temp, beam }  text samples: temperature and beam width (redrawn at once)
 *   { type: 'probe', text }          the probe sequence, typed by the user ('' = the task's own)
 *   { type: 'save' }                 -> { type: 'saved', bytes, name }
 *   { type: 'want', parts }          also put these in each snapshot: 'weights' (model.getWeights()),
 *                                    'gradients' (the last training step's, model.getGradients())
 *   { type: 'load', bytes }          a saved model (model.save() or s2s.save() bytes) replaces the current
 *                                    one, for the current task -> 'init', then 'loaded' with its config
 *                                    and step; or 'loadError' (not a model file, or it does not fit the
 *                                    task: the current run goes on). A file with optimizer state resumes
 *                                    training: its optimizer, the step count, and the task's training
 *                                    stream advanced past the batches already trained on
 *   { type: 'config', ..., csv: { data, heldOut } }  task csv: the user's sequences, already parsed
 *                                    and checked by the page (wasm/csv.mjs parseSequences)
 *   { type: 'csvIndex', index }      task csv: which held-out sequence the probe and the
 *                                    predictions chart show
 * Messages out:
 *   { type: 'init', version, simd, task, seq2seq, gateNames, hiddenSize, config, probe, curveLengths, editable,
 *     modelConfig (the model's, or an encoder-decoder's, which both halves share: the cell diagram and weight view),
 *     csv (task csv: kind, targetAt, labels, inputNames, targetName, split sizes; else null) }
 *   { type: 'snapshot', step, ...progress, trace (encoder-decoders: the encoder's steps then the
 *     decoder's, trace.split the first decoder step), samples, predictions (task csv), weights?, gradients?,
 *     ...panel parts }  (~5 per second)
 *   { type: 'error', error }
 * A snapshot is assembled from SNAPSHOT_PARTS: one function per panel, so a new panel (weights,
 * gradients, ...) adds one entry there and reads its key in main.js.
 */
import { load } from './rnnlab.mjs';
import { SEQ2SEQ_TASKS } from './state.js';

/**
 * Per-task settings that are not playground controls (from lab.recipes, or measured in the page to
 * learn within seconds): task options, extra model keys (LSTM only), held-out evaluation, probe,
 * the lengths of the generalisation curve.
 * @type {Record<string, { taskOptions: Record<string, any>, lstm?: Record<string, any>,
 *   evalEvery: number, evalCount: number, evalLength?: number, probe: Record<string, any>, probeLength?: number,
 *   curve?: number[] }>}
 */
export const TASKS = {
  parity: { taskOptions: {}, evalEvery: 25, evalCount: 200, evalLength: 100,
    probe: { length: 24, minLength: 24 }, curve: [10, 25, 50, 100, 200, 400] },
  addition: { taskOptions: {}, evalEvery: 25, evalCount: 200, evalLength: 32,
    probe: { length: 12, minLength: 12 }, curve: [8, 16, 32, 64, 128, 256] },
  text: { taskOptions: {}, evalEvery: 100, evalCount: 4000, probe: {}, probeLength: 48 },
  reber: { taskOptions: {}, evalEvery: 50, evalCount: 256, probe: {} },
  adding: { taskOptions: { length: 30 }, lstm: { forgetBias: 3 }, evalEvery: 100, evalCount: 500,
    probe: { length: 30 } },
  'temporal-order': { taskOptions: {}, lstm: { forgetBias: 3 }, evalEvery: 100, evalCount: 500,
    probe: { length: 50 } },
  copy: { taskOptions: { length: 5, evalLength: 5, symbols: 4 }, evalEvery: 50, evalCount: 200, probe: {} },
  reverse: { taskOptions: { length: 5, evalLength: 5, symbols: 4 }, evalEvery: 50, evalCount: 200, probe: {} },
  'decimal-addition': { taskOptions: { length: 1, evalLength: 1 }, evalEvery: 50, evalCount: 200, probe: {} },
  // your own sequences: scored on the whole held-out split (evalCount 0 = all of it)
  csv: { taskOptions: {}, evalEvery: 25, evalCount: 0, probe: {} },
};

const SLICE_MS = 25;      // work between yields to the event loop
const SNAPSHOT_MS = 200;  // ~5 snapshots per second
const SAMPLES_MS = 1000;  // text samples and the generalisation curve: at most once a second
const EVAL_SEED = 1000;
const PROBE_SEED = 7;
const SAMPLE_SEED = 99;
const TEXT_LENGTH = 64;   // text: the training chunk when bptt is 0
const SAMPLE_CHARS = 80;

/**
 * Fresh binary additions, with the model's answer: inputs are bit pairs (id = a + 2b), least
 * significant first, targets the sum's bits (-1 past the end of a row).
 * @param {any} run
 * @returns {{ text: string, right: boolean }[] | null}
 */
export function additionProblems(run, count = 4, bits = 8) {
  if (!run.sampler) return null;
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

/**
 * Sequence-to-sequence: fresh held-out pairs, the model's greedy answer, right or wrong.
 * @param {any} run
 * @returns {{ text: string, right: boolean }[]}
 */
export function seq2seqProblems(run, count = 5) {
  const { task, model } = run;
  const { bos, eos, pad } = task.specials;
  const set = task.evalSet({ count, seed: SAMPLE_SEED + (run.problemRound++ % 1000) });
  const rows = model.greedy(set, { bos, eos, maxLength: set.tgtLength + 2 });
  const word = (/** @type {ArrayLike<number>} */ ids) => {
    let s = '';
    for (const id of Array.from(ids)) {
      if (id === eos || id < 0) break;
      if (id !== pad && id !== bos) s += task.symbols[id] ?? '?';
    }
    return s;
  };
  const out = [];
  for (let r = 0; r < count; r++) {
    const src = word(set.src.subarray(r * set.srcLength, (r + 1) * set.srcLength));
    const ref = word(set.decTgt.subarray(r * set.tgtLength, (r + 1) * set.tgtLength));
    const got = word(rows[r]);
    const right = got === ref;
    out.push({ text: `${src} → ${got || '∅'}${right ? ' ✓' : ` ✗ (${ref})`}`, right });
  }
  return out;
}

/** @typedef {{ task: string, cell: string, variant: string, gru: string, hidden: number, layers: number,
 *   bidir: string, optimizer: string, lr: number, clip: number, batch: number, bptt: number, seed: number,
 *   corpus: string, temp: number, beam: number, data?: string }} Config */

/**
 * Task csv: held-out sequence `index` as a batch of 1, standardised as the task trains (the
 * training split's statistics), with its targets and mask, for model.trace.
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

/**
 * Task csv: the model's predictions on held-out sequence `index` against the truth, in the data's
 * units (task.predict), as plain arrays for the page's chart.
 * @param {any} run
 */
export function csvPredictions(run) {
  const p = run.task.predict(run.model, run.probeIndex);
  return {
    id: p.id, index: p.index, count: run.task.split.heldout, length: p.length, kind: p.kind, targetAt: p.targetAt,
    labels: [...p.labels], inputNames: [...p.inputNames], targetName: run.task.targetName, steps: p.steps,
    truth: p.truth, prediction: Array.from(p.prediction), every: Array.from(p.every), inputs: Array.from(p.inputs),
    probabilities: p.probabilities ? Array.from(p.probabilities) : null,
  };
}


/** The model keys a playground config sets. @param {Config} config @param {any} spec @param {boolean} s2s */
function modelKeys(config, spec, s2s) {
  /** @type {Record<string, any>} */
  const m = { cell: config.cell, hiddenSize: config.hidden, layers: config.layers, seed: config.seed };
  if (!s2s) m.bidirectional = config.bidir === 'yes';
  if (config.cell === 'lstm') Object.assign(m, { variant: config.variant }, spec.lstm ?? {});
  if (config.cell === 'gru') m.resetAfter = config.gru !== 'cho';
  return m;
}

/** @param {Config} config */
function trainerOptions(config) {
  return {
    optimizer: config.optimizer, learningRate: config.lr, clipNorm: config.clip,
    truncate: config.task === 'text' ? 0 : config.bptt,
  };
}

/**
 * One training run: task, model, trainer, and what has been measured so far.
 * @param {any} lab
 * @param {Config} config
 * @param {{ text?: string | null, model?: any, trainer?: any, csv?: { data: any, heldOut?: number } | null }} [extra]
 *   the user's text (corpus 'own'); a loaded model, and a plain model's trainer loaded with it (lab.loadTrainer);
 *   task csv: the parsed sequences and the held-out fraction. A loaded model with optimizer state resumes:
 *   run.step is its step count and the task's training stream skips the batches it has trained on
 */
export function createRun(lab, config, extra = {}) {
  const spec = TASKS[config.task] ?? TASKS.parity;
  const s2s = SEQ2SEQ_TASKS.includes(config.task);
  const csv = config.task === 'csv';
  /** @type {Record<string, any>} */
  const taskOptions = { ...spec.taskOptions };
  if (config.task === 'text') {
    if (config.corpus === 'own' && extra.text) taskOptions.text = extra.text;
    else taskOptions.corpus = config.corpus === 'c' ? 'c' : 'grammar';
  }
  if (csv && !extra.csv) throw new Error('your own data: nothing loaded yet (pick an example, or paste or load a file)');
  const task = csv
    ? lab.createTask('csv', { data: extra.csv?.data, heldOut: extra.csv?.heldOut ?? 0.2, seed: config.seed })
    : lab.createTask(config.task, { ...taskOptions, seed: config.seed });
  let model = null, trainer = null, probeTask = null, sampler = null;
  try {
    if (extra.model) {
      model = extra.model;
      checkFits(model, task, config.task, s2s);
    }
    else if (s2s) model = lab.createSeq2Seq({ ...task.modelConfig, ...modelKeys(config, spec, true) });
    else model = lab.createModel({ ...task.modelConfig, ...modelKeys(config, spec, false) });
    if (s2s) {
      // a loaded encoder-decoder with its optimizer state resumes with the file's optimizer
      if (!(extra.model && model.steps > 0)) model.setTrainer(trainerOptions(config));
    } else {
      // a loaded model with its optimizer state (lab.loadTrainer) resumes with the file's trainer
      trainer = extra.model && extra.trainer ? extra.trainer : lab.createTrainer(model, trainerOptions(config));
    }
    if (!csv) probeTask = lab.createTask(config.task, { ...taskOptions, ...spec.probe, seed: PROBE_SEED });
    // addition: a stream of fresh problems for the samples list
    if (config.task === 'addition') sampler = lab.createTask('addition', { seed: SAMPLE_SEED });
  } catch (err) {
    model?.free(); task.free(); probeTask?.free();
    throw err;
  }
  const length = config.task === 'text' ? config.bptt || TEXT_LENGTH : undefined;
  // text: as many parallel streams as the training split holds (task.maxBatchSize), at most the batch size
  let batchSize = config.batch, note = '';
  if (length) {
    const most = task.maxBatchSize(length);
    if (most < 1) {
      model.free(); task.free(); probeTask?.free(); sampler?.free();
      throw new Error(`the text is too short to train on: ${task.split?.train ?? 0} training characters, `
        + `a chunk of ${length} needs at least ${2 * (length + 1)} (paste more text, or lower the BPTT chunk)`);
    }
    if (most < batchSize) {
      batchSize = most;
      note = `the text is short: ${most} parallel stream${most > 1 ? 's' : ''} instead of ${config.batch}`;
    }
  }
  let defaultProbe;
  if (csv) defaultProbe = csvProbe(task, 0);
  else {
    const raw = probeTask.batch(1, spec.probeLength ? { length: spec.probeLength } : undefined);
    probeTask.free();
    defaultProbe = s2s ? raw : { ...raw, carryState: false };
  }
  const run = {
    config, spec, s2s, csv, task, model, trainer, sampler, length, batchSize, note,
    /** task csv: the held-out sequence the probe and the predictions chart show */
    probeIndex: 0,
    /** @type {any} the probe: a batch of 1 (seq2seq: one source row); the user may type another */
    probe: defaultProbe, defaultProbe,
    step: 0,
    /** training steps taken in this run (a loaded model's step count starts past 0) */
    stepsHere: 0,
    problemRound: 0,
    /** @type {any} */ lastEval: null,
    /** @type {number | null} */ solvedAt: null,
    /** tokens (time steps x rows) per training step, for characters/s */
    tokensPerStep: 0,
    free() { trainer?.free(); model.free(); task.free(); sampler?.free(); },
  };
  // a loaded model that has trained (its file holds optimizer state) resumes where it stopped: the
  // same step count, and the training stream past the batches it has seen (the same config and
  // seed then give the next steps of the saved run, loss for loss)
  const trained = extra.model ? (s2s ? model.steps : trainer.steps) : 0;
  for (let k = 0; k < trained; k++) trainingBatch(run);
  run.step = trained;
  return run;
}

/**
 * The next training batch of a run from its task's seeded stream, as every step draws it.
 * @param {{ s2s: boolean, task: any, config: Config, batchSize: number, length?: number }} run
 */
export function trainingBatch(run) {
  if (run.s2s) return run.task.batch(run.config.batch); // config.batch: rows per step
  return run.task.batch(run.batchSize, run.length ? { length: run.length } : undefined); // text: run.batchSize
}

/**
 * A loaded model must be of the kind the task trains (plain or encoder-decoder) and have its
 * vocabulary / width: the file does not name its task, so the current one is kept. Throws a
 * message for the page.
 * @param {any} model @param {any} task @param {string} name @param {boolean} s2s
 */
export function checkFits(model, task, name, s2s) {
  const c = model.config, isS2s = typeof model.greedy === 'function';
  if (isS2s && !s2s) {
    throw new Error(`the file holds an encoder-decoder, but ${name} trains a plain model: `
      + 'pick the sequence-to-sequence task it was trained on (copy, reverse, decimal-addition), then load it again');
  }
  if (!isS2s && s2s) {
    throw new Error(`the file holds a plain model, but ${name} trains an encoder-decoder: `
      + 'pick the task it was trained on, then load it again');
  }
  const want = task.modelConfig;
  if (c.inputSize !== want.inputSize || c.outputSize !== want.outputSize) {
    throw new Error(`the model in the file (${c.inputSize} inputs, ${c.outputSize} outputs) does not fit task ${name} `
      + `(${want.inputSize} inputs, ${want.outputSize} outputs): pick the task it was trained on, then load it again`);
  }
}

/** @param {any} task @param {number} id */
const symbolOf = (task, id) => String(task.symbols[id] ?? id);

/** The probe's input symbols, one string per step (dense inputs: the values). @param {any} run */
function probeSymbols(run) {
  const { task, probe } = run;
  if (run.s2s) {
    return [...Array.from(probe.src.subarray(0, probe.srcLength), (id) => symbolOf(task, id)),
      ...Array.from(probe.decIn.subarray(0, probe.tgtLength), (id) => symbolOf(task, id))];
  }
  const T = probe.length;
  const out = [];
  for (let t = 0; t < T; t++) {
    if (task.input === 'onehot') out.push(symbolOf(task, probe.inputs[t]));
    else if (run.csv) {
      // the data's own units (the model sees them standardised)
      const x = task.data.sequences[task.splitIndices.heldout[run.probeIndex]].x, w = task.inputSize;
      out.push(Array.from(x.subarray(t * w, t * w + w), (v) => +v.toFixed(2)).join(','));
    }
    else {
      const w = task.inputSize;
      const v = Array.from(probe.inputs.subarray(t * w, t * w + w));
      // adding: the value, '*' when the marker is on
      out.push(task.name === 'adding' ? `${v[0].toFixed(2)}${v[1] ? '*' : ''}` : v.join(','));
    }
  }
  return out;
}

/** The probe's targets as class names per step ('' where there is none), for class-target tasks. @param {any} run */
function probeTargets(run) {
  const { task, probe } = run;
  if (run.s2s) {
    return [...Array.from({ length: probe.srcLength }, () => ''),
      ...Array.from(probe.decTgt.subarray(0, probe.tgtLength), (c) => (c < 0 ? '' : symbolOf(task, c)))];
  }
  if (task.output !== 'softmax') return null;
  return Array.from(probe.targets, (c) => (c < 0 ? '' : String(task.outputSymbols[c] ?? c)));
}

/** What the page shows of the probe: its symbols and targets per step; encoder-decoders: the
 * source's steps then the decoder's, split = the first decoder step. @param {any} run */
function probeInfo(run) {
  const symbols = probeSymbols(run);
  return { length: symbols.length, symbols, targets: probeTargets(run), split: run.s2s ? run.probe.srcLength : null,
    ...(run.csv ? { index: run.probeIndex } : {}) };
}

/**
 * A probe typed by the user, as a batch of 1, or an error message. parity: bits ("0110...", the
 * running parity as targets); addition: "a+b" in decimal (bit pairs, least significant first,
 * the sum's bits as targets); text: characters (unknown ones map to the unknown symbol).
 * @param {any} run @param {string} text
 * @returns {any | string}
 */
export function parseProbe(run, text) {
  const name = run.config.task;
  if (name === 'parity') {
    if (!/^[01]{1,400}$/.test(text)) return 'parity: type 1 to 400 bits, e.g. 0110100';
    const inputs = Int32Array.from(text, Number);
    let x = 0;
    const targets = inputs.map((b) => (x ^= b));
    return { inputs, targets, batchSize: 1, length: inputs.length, carryState: false };
  }
  if (name === 'addition') {
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
  if (name === 'text') {
    const chars = Array.from(text).slice(0, 200);
    if (chars.length < 2) return 'text: type at least 2 characters';
    const index = new Map(run.task.symbols.map((/** @type {string} */ s, /** @type {number} */ i) => [s, i]));
    const ids = Int32Array.from(chars, (c) => index.get(c) ?? run.task.specials.unk ?? 0);
    const targets = new Int32Array(ids.length);
    for (let t = 0; t < ids.length; t++) targets[t] = t + 1 < ids.length ? ids[t + 1] : -1;
    return { inputs: ids, targets, batchSize: 1, length: ids.length, carryState: false };
  }
  return `the ${name} probe is not editable (parity, addition and text are)`;
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

/**
 * The probe's trace, layer 0 forward direction, copied out. Encoder-decoders: the encoder's steps
 * over the source, then the decoder's (teacher-forced) over its input, as one sequence; `split`
 * is the first decoder step (null for a plain model). The encoder's |dL/dh_t| is the gradient
 * that reaches it back through the context.
 * @param {any} run
 */
export function probeTrace(run) {
  const { task } = run;
  /** predicted class per probe step (softmax tasks; '' where nothing is predicted), for the samples strip */
  let predicted = null;
  const argmax = (/** @type {Float32Array} */ out, /** @type {number} */ t, /** @type {number} */ V) => {
    let best = 0;
    for (let v = 1; v < V; v++) if (out[t * V + v] > out[t * V + best]) best = v;
    return String(task.outputSymbols?.[best] ?? task.symbols?.[best] ?? best);
  };
  if (run.s2s) {
    const { encoder, decoder } = run.model.trace(run.probe);
    const e = encoder.layers[0][0], d = decoder.layers[0][0];
    const S = encoder.length, U = decoder.length, V = task.modelConfig.outputSize;
    const cat = (/** @type {Float32Array} */ a, /** @type {Float32Array} */ b) => {
      const out = new Float32Array(a.length + b.length);
      out.set(a); out.set(b, a.length);
      return out;
    };
    predicted = [];
    for (let t = 0; t < S; t++) predicted.push('');
    for (let t = 0; t < U; t++) predicted.push(argmax(decoder.outputs, t, V));
    return {
      length: S + U, split: S, hiddenSize: encoder.hiddenSize, gateNames: encoder.gateNames, layers: encoder.layers.length,
      gates: cat(e.gates, d.gates), cell: cat(e.cell, d.cell), hidden: cat(e.hidden, d.hidden),
      gradNorm: cat(e.gradNorm, d.gradNorm), outputs: decoder.outputs.slice(), predicted, loss: decoder.loss,
    };
  }
  const tr = run.model.trace(run.probe);
  const l0 = tr.layers[0][0];
  if (task.output === 'softmax') {
    predicted = [];
    for (let t = 0; t < tr.length; t++) predicted.push(argmax(tr.outputs, t, task.outputSize));
  }
  return {
    length: tr.length, split: null, hiddenSize: tr.hiddenSize, gateNames: tr.gateNames, layers: tr.layers.length,
    gates: l0.gates.slice(), cell: l0.cell.slice(), hidden: l0.hidden.slice(), gradNorm: l0.gradNorm.slice(),
    outputs: tr.outputs.slice(), predicted, loss: tr.loss,
  };
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

/** Model bytes for a file (the CLI's --model reads them too), with the optimizer state once the
 * model has trained, so that Load resumes training: model.save({ trainer }) (lab.loadTrainer; lab.loadModel
 * reads the weights), or an encoder-decoder's s2s.save({ optimizer }) (lab.loadSeq2Seq). @param {any} run */
export function saveBytes(run) {
  return run.s2s ? run.model.save({ optimizer: run.model.steps > 0 })
    : run.model.save({ trainer: run.trainer.steps > 0 ? run.trainer : null });
}

/** 'RNNLAB\0' then a kind byte: 1 a plain model, 2 an encoder-decoder */
const MAGIC = [0x52, 0x4e, 0x4e, 0x4c, 0x41, 0x42, 0];

/**
 * A model from saved bytes, and the playground config it implies: the current config (and task:
 * the file does not store one) with the model's own keys; a model saved with its optimizer state
 * also brings its optimizer, learning rate and clipping (a plain model: its trainer, and the BPTT
 * chunk outside text, where bptt is the chunk length and the trainer does not truncate).
 * @param {any} lab @param {Uint8Array} bytes @param {Config} current
 * @returns {{ model: any, trainer: any, config: Config }}
 */
export function loadBytes(lab, bytes, current) {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('not an rnnlab model file (it does not start with RNNLAB): save one with Save model, or with the CLI\'s --save');
  }
  if (bytes[7] === 2) {
    const model = lab.loadSeq2Seq(bytes);
    const config = { ...current, ...fromModelConfig(model.config) };
    if (model.steps > 0) {
      const o = model.trainerOptions;
      Object.assign(config, { optimizer: o.optimizer, lr: +o.learningRate.toPrecision(6), clip: +o.clipNorm.toPrecision(6) });
    }
    return { model, trainer: null, config };
  }
  const { model, trainer } = lab.loadTrainer(bytes);
  const config = { ...current, ...fromModelConfig(model.config), bidir: model.config.bidirectional ? 'yes' : 'no' };
  if (trainer) {
    const o = trainer.config;
    Object.assign(config, { optimizer: o.optimizer, lr: +trainer.learningRate.toPrecision(6), clip: +o.clipNorm.toPrecision(6) });
    if (current.task !== 'text') config.bptt = o.truncate;
  }
  return { model, trainer, config };
}

/** @param {any} c a normalised model config */
function fromModelConfig(c) {
  return { cell: c.cell, variant: c.variant, gru: c.resetAfter ? 'pytorch' : 'cho', hidden: c.hiddenSize, layers: c.layers };
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  const ready = load();
  ready.catch(() => {}); // reported by the message handler
  /** @type {ReturnType<typeof createRun> | null} */
  let run = null;
  /** the user's own text for corpus 'own' */
  let ownText = /** @type {string | null} */ (null);
  /** task csv: { data, heldOut } (parsed by the page), kept for Reset and config changes */
  let csvData = /** @type {any} */ (null);
  let playing = false;
  let pendingPlay = false; // 'play' arrived before the first run was built
  let resuming = false; // a config message is rebuilding the run and will play on: snapshots say so
  let lossSum = 0, lossCount = 0;
  /** training losses and gradient norms since the last snapshot, [step, value] */
  /** @type {[number, number][]} */ let losses = [];
  /** @type {[number, number][]} */ let gradNorms = [];
  /** held-out evaluations since the last snapshot */
  /** @type {any[]} */ let evals = [];
  let lastSnapshot = 0;
  /** text samples / generalisation curve: when last computed, and the result */
  let lastSlow = -Infinity;
  /** @type {any} */ let samples = null;
  /** @type {any} */ let curve = null;
  // steps/s over a sliding window of (time, step) samples
  /** @type {[number, number][]} */
  let rate = [];
  /** optional snapshot parts a panel asked for: 'weights', 'gradients' */
  const wanted = new Set();
  const tick = new MessageChannel(); // a zero-delay yield (setTimeout(0) is clamped when nested)

  const post = (/** @type {any} */ msg, /** @type {Transferable[]} */ transfer = []) => self.postMessage(msg, transfer);
  const fail = (/** @type {unknown} */ err) =>
    post({ type: 'error', error: String(/** @type {Error} */ (err)?.stack ?? err) });

  function evaluate() {
    if (!run) return;
    const { spec, task, model } = run;
    /** @type {Record<string, any>} */
    const opts = run.csv ? {} : { count: spec.evalCount, seed: EVAL_SEED };
    if (spec.evalLength) opts.length = spec.evalLength;
    const r = run.s2s ? model.evaluate(task, opts) : task.evaluate(model, opts);
    const ngram = r.ngramBpc ? Math.min(...r.ngramBpc) : null;
    run.lastEval = { step: run.step, loss: r.loss, accuracy: r.accuracy, bpc: r.bpc ?? null, ngramBpc: ngram, solved: r.solved,
      // task csv: regression in the data's units, beside predicting the training mean; classification's majority class
      rmse: r.rmse ?? null, baselineRmse: r.baselineRmse ?? null, baselineAccuracy: r.baselineAccuracy ?? null };
    if (r.solved && run.solvedAt === null) {
      run.solvedAt = run.step;
      lastSlow = -Infinity; // the curve and samples of the solved model at the next snapshot
    }
    evals.push(run.lastEval);
  }

  function trainStep() {
    if (!run) return;
    const { trainer, spec, model } = run;
    let r;
    if (run.s2s) {
      const batch = trainingBatch(run);
      r = model.step(batch, { teacherForcing: 1 });
      run.tokensPerStep = batch.batchSize * (batch.srcLength + batch.tgtLength);
    } else {
      const batch = trainingBatch(run);
      r = trainer.step(batch);
      run.tokensPerStep = batch.batchSize * batch.length;
    }
    run.step++; run.stepsHere++;
    lossSum += r.loss; lossCount++;
    losses.push([run.step, r.loss]);
    gradNorms.push([run.step, r.gradNorm]);
    if (run.step % spec.evalEvery === 0) evaluate();
  }

  /** The slow parts (text samples, generalisation curve, fresh problems), at most once a second. */
  function slowParts(force = false) {
    if (!run) return;
    const now = performance.now();
    if (!force && now - lastSlow < SAMPLES_MS) return;
    lastSlow = now;
    if (run.config.task === 'text') samples = { kind: 'text', ...textSamples(run) };
    else if (run.s2s) samples = { kind: 'problems', problems: seq2seqProblems(run) };
    else if (run.sampler) samples = { kind: 'problems', problems: additionProblems(run) };
    else samples = null;
    const lengths = run.spec.curve;
    curve = lengths ? { step: run.step, points: run.task.generalization(run.model, { lengths, count: 50, seed: EVAL_SEED }) } : null;
  }

  /**
   * The parts of a snapshot, one per panel: each returns an object merged into the message (and
   * optionally buffers to transfer). A new panel adds an entry here.
   * @type {((run: any, now: number) => { part: Record<string, any>, transfer?: Transferable[] })[]}
   */
  const SNAPSHOT_PARTS = [
    // progress, throughput and the training curves
    (r, now) => {
      rate.push([now, r.step]);
      while (rate.length > 2 && now - rate[0][0] > 2000) rate.shift();
      const [t0, s0] = rate[0];
      const stepsPerSec = playing && now > t0 ? ((r.step - s0) * 1000) / (now - t0) : 0;
      const part = {
        step: r.step, loss: lossCount ? lossSum / lossCount : null,
        losses: bucket(losses, 100), gradNorms: bucket(gradNorms, 100), evals,
        eval: r.lastEval, solvedAt: r.solvedAt, stepsPerSec, charsPerSec: stepsPerSec * r.tokensPerStep,
        playing: playing || resuming, lr: r.s2s ? r.model.learningRate : r.trainer.learningRate,
      };
      lossSum = 0; lossCount = 0; losses = []; gradNorms = []; evals = [];
      return { part };
    },
    // weights and the last training step's gradients, for panels that ask ({ type: 'want', parts })
    // (before the trace, which runs a backward pass of its own). Encoder-decoders: both halves,
    // named as s2s.getWeights() names them ('encoder.weight_ih_l0', 'decoder.fc.weight', ...); the
    // weight view picks one (they share one model config)
    (r) => {
      if (!wanted.has('weights') && !wanted.has('gradients')) return { part: {} };
      return { part: {
        weights: wanted.has('weights') ? r.model.getWeights() : undefined,
        gradients: wanted.has('gradients') && r.stepsHere > 0 ? r.model.getGradients() : undefined,
      } };
    },
    // inside the network: the probe's trace
    (r) => {
      const trace = probeTrace(r);
      return { part: { trace }, transfer: [trace.gates.buffer, trace.cell.buffer, trace.hidden.buffer, trace.gradNorm.buffer, trace.outputs.buffer] };
    },
    // samples (text, problems) and the generalisation curve
    () => ({ part: { samples, curve } }),
    // task csv: predictions against the truth on one held-out sequence
    (r) => ({ part: { predictions: r.csv ? csvPredictions(r) : null } }),
  ];

  function snapshot(force = false) {
    if (!run) return;
    const now = performance.now();
    slowParts(force);
    /** @type {Record<string, any>} */
    const msg = { type: 'snapshot' };
    /** @type {Transferable[]} */
    const transfer = [];
    for (const f of SNAPSHOT_PARTS) {
      const { part, transfer: t } = f(run, now);
      Object.assign(msg, part);
      if (t) transfer.push(...t);
    }
    post(msg, transfer);
    lastSnapshot = now;
  }

  function loop() {
    if (!playing || !run) return;
    try {
      const t0 = performance.now();
      do trainStep(); while (performance.now() - t0 < SLICE_MS);
      if (performance.now() - lastSnapshot >= SNAPSHOT_MS) snapshot();
      tick.port2.postMessage(0);
    } catch (err) {
      playing = false;
      fail(err);
    }
  }
  tick.port1.onmessage = loop;

  /** @param {Config} config @param {any} [model] a loaded model to use instead of a fresh one
   * @param {any} [trainer] its trainer, loaded with it (lab.loadTrainer) */
  async function build(config, model, trainer) {
    const lab = await ready;
    if (config.task === 'text' && config.corpus === 'c') await lab.loadCorpus('c');
    const next = createRun(lab, config, { text: ownText, model, trainer, csv: config.task === 'csv' ? csvData : undefined });
    run?.free();
    run = next;
    lossSum = 0; lossCount = 0; rate = []; losses = []; gradNorms = []; evals = [];
    samples = null; curve = null;
    evaluate();
    post({
      type: 'init', version: lab.version, simd: lab.simd, task: config.task, seq2seq: run.s2s,
      gateNames: run.s2s ? lab.gateNames[/** @type {keyof typeof lab.gateNames} */ (run.model.config.cell)] : run.model.gateNames, hiddenSize: config.hidden, config,
      probe: probeInfo(run),
      curveLengths: run.spec.curve ?? null, editable: ['parity', 'addition', 'text'].includes(config.task),
      split: run.task.split ?? null, note: run.note,
      // the cell diagram and the weight view: the normalised model config (an encoder-decoder's halves share it)
      modelConfig: { ...run.model.config },
      csv: run.csv ? { kind: run.task.kind, targetAt: run.task.targetAt, labels: [...run.task.labels],
        inputNames: [...run.task.inputNames], targetName: run.task.targetName, heldOut: run.task.split.heldout,
        train: run.task.split.train, sequences: run.task.data.sequences.length } : null,
    });
    snapshot(true);
  }

  const startPlaying = () => { playing = true; rate = [[performance.now(), run?.step ?? 0]]; loop(); };

  self.onmessage = async ({ data }) => {
    try {
      switch (data.type) {
        case 'config': {
          const wasPlaying = playing;
          playing = false;
          if (typeof data.text === 'string') ownText = data.text;
          const prevCsv = csvData;
          if (data.csv) csvData = data.csv;
          resuming = (wasPlaying && data.keepPlaying) || pendingPlay;
          try {
            await build(data.config);
          } catch (err) {
            // the current run (if any) is untouched: carry on as before
            csvData = prevCsv;
            if (wasPlaying && run) startPlaying();
            throw err;
          } finally {
            resuming = false;
          }
          if ((wasPlaying && data.keepPlaying) || pendingPlay) { pendingPlay = false; startPlaying(); }
          break;
        }
        case 'csvIndex':
          if (run?.csv) {
            const n = run.task.split.heldout;
            run.probeIndex = Math.max(0, Math.min(n - 1, Math.trunc(Number(data.index)) || 0));
            run.probe = run.defaultProbe = csvProbe(run.task, run.probeIndex);
            post({ type: 'probe', probe: probeInfo(run) });
            if (!playing) snapshot(true);
          }
          break;
        case 'play':
          if (!run) pendingPlay = true;
          else if (!playing) startPlaying();
          break;
        case 'pause':
          playing = false; pendingPlay = false;
          snapshot(true);
          break;
        case 'step':
          if (run) { playing = false; trainStep(); snapshot(true); }
          break;
        case 'setLearningRate':
          if (run && data.lr > 0 && Number.isFinite(data.lr)) {
            run.config = { ...run.config, lr: data.lr };
            if (run.s2s) run.model.setLearningRate(data.lr);
            else run.trainer.setLearningRate(data.lr);
          }
          break;
        case 'setSampling':
          if (run) {
            run.config = { ...run.config, temp: data.temp, beam: data.beam };
            if (!playing) snapshot(true); else lastSlow = -Infinity;
          }
          break;
        case 'probe': {
          if (!run) break;
          if (data.text === '') {
            run.probe = run.defaultProbe;
          } else {
            const p = parseProbe(run, data.text);
            if (typeof p === 'string') { post({ type: 'probeError', error: p }); break; }
            run.probe = p;
          }
          post({ type: 'probe', probe: probeInfo(run) });
          if (!playing) snapshot(true);
          break;
        }
        case 'want':
          wanted.clear();
          for (const k of data.parts ?? []) wanted.add(String(k));
          // paused: the panel that asked gets its data now, not at the next Play
          if (run && !playing && wanted.size) snapshot(true);
          break;
        case 'save':
          if (run) {
            const bytes = saveBytes(run);
            post({ type: 'saved', bytes, name: `${run.config.task}-${run.config.cell}-step${run.step}.rnnlab` }, [bytes.buffer]);
          }
          break;
        case 'load': {
          // a file that does not load, or does not fit the task, leaves the current run as it was
          const lab = await ready;
          const wasPlaying = playing;
          playing = false;
          let loaded = null;
          try {
            const current = run?.config ?? data.config;
            loaded = loadBytes(lab, new Uint8Array(data.bytes), current);
            await build(loaded.config, loaded.model, loaded.trainer);
          } catch (err) {
            if (loaded && !loaded.model.freed) loaded.model.free();
            post({ type: 'loadError', error: String(/** @type {Error} */ (err)?.message ?? err) });
            if (wasPlaying && run) startPlaying();
            break;
          }
          post({ type: 'loaded', config: loaded.config, step: run?.step ?? 0 });
          break;
        }
        default:
          throw new Error(`worker: unknown message type ${data?.type}`);
      }
    } catch (err) {
      playing = false;
      fail(err);
    }
  };
}
