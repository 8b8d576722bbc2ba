// @ts-check
/* seq2seq.js - the encoder-decoders (lab.createSeq2Seq): an encoder reads a source sequence, its
 * final state starts a decoder that writes the answer, fed the right answer one step behind while
 * training (teacher forcing), scored by exact match. The tasks of names.mjs SEQ2SEQ_TASKS.
 *
 * Owns what differs from a plain sequence model: attention (the decoder's weights over the
 * source positions, config.attention) and a bidirectional encoder (config.bidir), the source
 * length (config.length), the learner is the Seq2Seq itself, its optimizer inside
 * (lab.createLearner), batches of source/target pairs, the probe as the source's steps then the
 * decoder's (split at the first decoder step, in the trace and on the page), with its attention
 * rows and those of each beam hypothesis decoded from its source (widgets/attention.js), fresh
 * problems decoded greedily as samples, the example runs that compare attention with none, and
 * its own file kind.
 * An engine without attention (or without a bidirectional encoder-decoder) trains the run
 * without it and says so in the run's note; a trace without attention rows draws none.
 * See common.js for the Family type.
 */
import { SEQ2SEQ_TASKS } from '../names.mjs';
import { BASE_PRESET, PROBE_SEED, SAMPLE_SEED, fromModelConfig, fromTrainer, heldOutOptions, modelKeys,
  predicted, symbolOf, trainerOptions } from './common.js';

/** @type {Record<string, import('./common.js').TaskSpec>} */
const TASKS = {
  copy: { preset: { ...BASE_PRESET, cell: 'gru', hidden: 64, lr: 0.01, batch: 32 },
    intro: 'to copy: an encoder reads a sequence, a decoder writes it back.',
    taskOptions: { length: 5, evalLength: 5, symbols: 4 }, evalEvery: 50, evalCount: 200, probe: {} },
  reverse: { preset: { ...BASE_PRESET, cell: 'gru', hidden: 64, lr: 0.01, batch: 32 },
    intro: 'to reverse: an encoder reads a sequence, a decoder writes it backwards.',
    taskOptions: { length: 5, evalLength: 5, symbols: 4 }, evalEvery: 50, evalCount: 200, probe: {} },
  'decimal-addition': { preset: { ...BASE_PRESET, hidden: 64, lr: 0.01, batch: 32 },
    intro: 'decimal addition: an encoder reads "a+b", a decoder writes the sum.',
    taskOptions: { length: 1, evalLength: 1 }, evalEvery: 50, evalCount: 200, probe: {} },
  // a date as people write it, to ISO 8601; its sources have their natural lengths (no length control)
  dates: { preset: { ...BASE_PRESET, cell: 'gru', hidden: 128, lr: 0.005, batch: 64 },
    intro: 'dates: an encoder reads a date as people write it ("Saturday, July 4th 1998", "07/04/98"), a decoder writes it in ISO form (1998-07-04).',
    taskOptions: {}, evalEvery: 250, evalCount: 200, probe: {}, hidden: ['length'] },
};
for (const t of SEQ2SEQ_TASKS) if (!TASKS[t]) throw new Error(`seq2seq family: no row for task ${t}`);
for (const t of Object.keys(TASKS)) if (!SEQ2SEQ_TASKS.includes(t)) throw new Error(`seq2seq family: ${t} is not in SEQ2SEQ_TASKS`);

/** reverse at length 10, with and without attention: the gap compare runs shows (measured in
 * Node: additive attention solves it in ~250 steps; without, ~65% exact match after 1500) */
const REVERSE_10 = { ...TASKS.reverse.preset, task: 'reverse', length: 10, hidden: 64, lr: 0.005 };
/** @type {import('./common.js').Example[]} */
const EXAMPLES = [
  { name: 'reverse without attention', state: { ...REVERSE_10, attention: 'none' } },
  { name: 'reverse with attention', state: { ...REVERSE_10, attention: 'additive' } },
  { name: 'dates with attention', state: { ...TASKS.dates.preset, task: 'dates', hidden: 64, lr: 0.01, batch: 16, attention: 'additive' } },
];

/** The task options of a config: the row's, with the config's source length (and held-out
 * length) when it sets one. @param {import('./common.js').Config} config @param {import('./common.js').TaskSpec} spec */
function taskOptions(config, spec) {
  /** @type {Record<string, any>} */
  const o = { ...spec.taskOptions };
  if (config.length > 0 && !spec.hidden?.includes('length')) Object.assign(o, { length: config.length, evalLength: config.length });
  return o;
}

/** @type {WeakMap<object, string[]>} per lab: the config keys its engine has no model for */
const MISSING = new WeakMap();

/** The config keys of this family the engine cannot build (older engines refuse attention and a
 * bidirectional encoder-decoder): their controls hide. @param {any} lab @param {any} task @returns {string[]} */
function missing(lab, task) {
  let keys = MISSING.get(lab);
  if (!keys) {
    const builds = (/** @type {Record<string, any>} */ extra) => {
      try {
        lab.createSeq2Seq({ ...task.modelConfig, cell: 'rnn', hiddenSize: 2, layers: 1, ...extra }).free();
        return true;
      } catch {
        return false;
      }
    };
    keys = [...(builds({ attention: 'additive' }) ? [] : ['attention']), ...(builds({ bidirectional: true }) ? [] : ['bidirectional'])];
    MISSING.set(lab, keys);
  }
  return keys;
}

/** The model keys of a config: the shared ones, attention and a bidirectional encoder only when
 * asked for (so that an engine without them builds today's model), dropped with a note when the
 * engine has no such model. @param {import('./common.js').Config} config
 * @param {import('./common.js').TaskSpec} spec @param {string[]} lacks the keys the engine cannot build */
function seq2seqKeys(config, spec, lacks) {
  /** @type {Record<string, any>} */
  const keys = modelKeys(config, spec, false);
  const dropped = [];
  if (config.attention && config.attention !== 'none') {
    if (lacks.includes('attention')) dropped.push(`${config.attention} attention`); else keys.attention = config.attention;
  }
  if (config.bidir === 'yes') {
    if (lacks.includes('bidirectional')) dropped.push('a bidirectional encoder'); else keys.bidirectional = true;
  }
  return { keys, note: dropped.length ? `this engine has no ${dropped.join(' or ')} yet: the run trains without` : '' };
}

/** Fresh held-out pairs, the model's greedy answer, right or wrong. @param {any} run */
function problems(run, count = 5) {
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

/** A symbol as the attention map labels it: the task's name, a space made visible. @param {any} task @param {number} id */
const label = (task, id) => symbolOf(task, id).replace(/^ $/, '␣');

/** The probe's source positions that hold a symbol (not PAD). @param {any} run @returns {number[]} */
function sourceColumns(run) {
  const { probe, task } = run;
  const cols = [];
  for (let j = 0; j < probe.srcLength; j++) if (probe.src[j] !== task.specials.pad) cols.push(j);
  return cols;
}

/** Rows of weights over the source (n x S), keeping the columns cols. @param {Float32Array} w
 * @param {number[]} rows @param {number} S @param {number[]} cols */
function pick(w, rows, S, cols) {
  const out = new Float32Array(rows.length * cols.length);
  rows.forEach((u, r) => cols.forEach((j, c) => { out[r * cols.length + c] = w[u * S + j]; }));
  return out;
}

/**
 * The probe pair's attention (trace.attention, 1 x U x S) as the page draws it: one row per
 * decoder step that has a target (labelled with it, and with the model's answer there), one
 * column per source symbol.
 * @param {any} run @param {Float32Array} attention @param {string[]} answers the model's symbol per decoder step
 */
function probeAttention(run, attention, answers) {
  const { probe, task } = run;
  const S = probe.srcLength, cols = sourceColumns(run);
  const rows = [];
  for (let u = 0; u < probe.tgtLength; u++) if (probe.decTgt[u] >= 0) rows.push(u);
  return {
    weights: pick(attention, rows, S, cols), rows: rows.length, cols: cols.length,
    source: cols.map((j) => label(task, probe.src[j])),
    output: rows.map((u) => label(task, probe.decTgt[u])),
    predicted: rows.map((u) => answers[u].replace(/^ $/, '␣')),
  };
}

/**
 * The probe's source decoded by beam search (width config.beam), each hypothesis with its
 * attention rows (one per emitted symbol) over the source symbols, right or wrong against the
 * probe's target. [] when the engine's hypotheses carry no attention.
 * @param {any} run
 */
function beamAttention(run) {
  const { probe, task, learner, config } = run;
  const { bos, eos } = task.specials;
  const S = probe.srcLength, cols = sourceColumns(run);
  const src = probe.src.slice(0, S);
  const res = learner.decode(src, { bos, eos, strategy: 'beam', beamWidth: config.beam, length: probe.tgtLength + 2 });
  /** @type {number[]} */
  const want = [];
  for (let u = 0; u < probe.tgtLength && probe.decTgt[u] >= 0 && probe.decTgt[u] !== eos; u++) want.push(probe.decTgt[u]);
  return (res.beams ?? [res]).filter((/** @type {any} */ h) => h.attention).map((/** @type {any} */ h) => {
    const tokens = Array.from(/** @type {Int32Array} */ (h.tokens));
    const words = tokens.filter((t) => t !== eos);
    return {
      weights: pick(h.attention, tokens.map((_, u) => u), S, cols), rows: tokens.length, cols: cols.length,
      source: cols.map((j) => label(task, src[j])), output: tokens.map((t) => label(task, t)),
      logProb: h.logProb, right: words.length === want.length && words.every((t, k) => t === want[k]),
    };
  });
}

/** @param {Float32Array} a @param {Float32Array} b */
function cat(a, b) {
  const out = new Float32Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}

/** @type {import('./common.js').Family} */
export default {
  name: 'seq2seq',
  tasks: TASKS,
  // bidir: its checkbox instead (the control 'bidirectional', controls.js)
  hidden: ['bidir'],
  widgets: ['problems', 'splitNote', 'attention'],
  examples: EXAMPLES,
  describe: (state) => [`attention=${state.attention}`],
  inputs: [],
  fileKind: 'seq2seq', noun: 'an encoder-decoder',
  pickHint: `pick the sequence-to-sequence task it was trained on (${SEQ2SEQ_TASKS.join(', ')})`,
  probeNoun: 'problem',
  gradCaption: 'gradient flowing back in time: |dLoss/dh_t| per step (log scale); the encoder\'s is what reaches it back through the context',
  metricOf: () => 'exact',
  probeDesc: (info) => `one source of ${info.probe.split} symbols, then the answer fed to the decoder (${info.probe.length - info.probe.split} steps), layer 0, ${info.hiddenSize} units (rows); hover for values`,
  payload: async () => ({}),

  assemble(lab, config, spec, { loaded }) {
    const options = taskOptions(config, spec);
    const task = lab.createTask(config.task, { ...options, seed: config.seed });
    let model = null;
    try {
      const lacks = missing(lab, task);
      const { keys, note } = loaded ? { keys: {}, note: '' } : seq2seqKeys(config, spec, lacks);
      model = loaded?.learner ?? lab.createSeq2Seq({ ...task.modelConfig, ...keys });
      // the learner is the encoder-decoder itself, with its optimizer inside
      if (!loaded) lab.createLearner(model, trainerOptions(config, spec));
      // a set length: the probe is as long as the held-out sources (the whole diagonal)
      const probeLength = options.length && options.length !== spec.taskOptions.length ? { minLength: options.length } : {};
      const probeTask = lab.createTask(config.task, { ...options, ...probeLength, ...spec.probe, seed: PROBE_SEED });
      const probe = probeTask.batch(1); // one source row
      probeTask.free();
      const m = model;
      // attends: its trace and decodes carry attention rows (the beams' are decoded only then)
      const attends = (loaded ? loaded.learner.config.attention ?? 'none' : keys.attention ?? 'none') !== 'none';
      return { task, model, learner: model, probe, batchSize: config.batch, problemRound: 0, note, attends, lacks,
        free() { m.free(); task.free(); } };
    } catch (err) {
      model?.free(); task.free();
      throw err;
    }
  },
  // a file with optimizer state resumes with it; one saved before the first step (weights
  // alone) trains on with the current settings
  load(lab, bytes, current, spec) {
    const learner = lab.loadLearner(bytes);
    try {
      if (learner.steps === 0) lab.createLearner(learner, trainerOptions(current, spec));
    } catch (err) {
      learner.free();
      throw err;
    }
    const c = learner.config;
    const config = { ...current, ...fromModelConfig(c), ...fromTrainer(learner.trainerOptions),
      attention: c.attention ?? 'none', bidir: c.bidirectional ? 'yes' : 'no' };
    return { learner, model: learner, config };
  },
  evalOptions: heldOutOptions,
  probeInfo(run) {
    const { task, probe } = run;
    const symbols = [...Array.from(probe.src.subarray(0, probe.srcLength), (/** @type {number} */ id) => symbolOf(task, id)),
      ...Array.from(probe.decIn.subarray(0, probe.tgtLength), (/** @type {number} */ id) => symbolOf(task, id))];
    const targets = [...Array.from({ length: probe.srcLength }, () => ''),
      ...Array.from(probe.decTgt.subarray(0, probe.tgtLength), (/** @type {number} */ c) => (c < 0 ? '' : symbolOf(task, c)))];
    return { length: symbols.length, symbols, targets, split: probe.srcLength };
  },
  // the encoder's steps over the source, then the decoder's (teacher-forced) over its input, as
  // one sequence, split at the first decoder step; the encoder's |dL/dh_t| is the gradient that
  // reaches it back through the context
  trace(run) {
    const { encoder, decoder, attention } = run.learner.trace(run.probe);
    const e = encoder.layers[0][0], d = decoder.layers[0][0];
    const S = encoder.length, U = decoder.length;
    const answers = predicted(run.task, decoder.outputs, U, run.task.modelConfig.outputSize);
    return {
      length: S + U, split: S, hiddenSize: encoder.hiddenSize, gateNames: encoder.gateNames, layers: encoder.layers.length,
      gates: cat(e.gates, d.gates), cell: cat(e.cell, d.cell), hidden: cat(e.hidden, d.hidden),
      gradNorm: cat(e.gradNorm, d.gradNorm), outputs: decoder.outputs.slice(), predicted: [...Array(S).fill(''), ...answers],
      loss: decoder.loss,
      attention: attention ? probeAttention(run, attention, answers) : undefined,
    };
  },
  samples: (run) => ({ kind: 'problems', problems: problems(run) }),
  // the controls of what this engine cannot build (attention, bidirectional) hide
  initInfo: (run) => ({ unavailable: run.lacks }),
  // the beam hypotheses of the probe's source, each with its attention rows (only when the
  // probe's trace has attention: the model attends)
  parts: [(run) => ({ part: { beams: run.attends ? beamAttention(run) : null } })],
};
