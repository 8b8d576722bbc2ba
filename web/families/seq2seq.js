// @ts-check
/* seq2seq.js - the encoder-decoders (lab.createSeq2Seq): an encoder reads a source sequence, its
 * final state starts a decoder that writes the answer, fed the right answer one step behind while
 * training (teacher forcing), scored by exact match. The tasks of names.mjs SEQ2SEQ_TASKS.
 *
 * Owns what differs from a plain sequence model: one direction only (no bidirectional control),
 * the learner is the Seq2Seq itself, its optimizer inside (lab.createLearner), batches of source/target pairs, the probe
 * as the source's steps then the decoder's (split at the first decoder step, in the trace and
 * on the page), fresh problems decoded greedily as samples, and its own file kind.
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
  dates: { preset: { ...BASE_PRESET, cell: 'gru', hidden: 128, lr: 0.005, batch: 64 },
    intro: 'dates: an encoder reads a date as people write it ("Saturday, July 4th 1998", "07/04/98"), a decoder writes it in ISO form (1998-07-04).',
    taskOptions: {}, evalEvery: 250, evalCount: 200, probe: {} },
};
for (const t of SEQ2SEQ_TASKS) if (!TASKS[t]) throw new Error(`seq2seq family: no row for task ${t}`);
for (const t of Object.keys(TASKS)) if (!SEQ2SEQ_TASKS.includes(t)) throw new Error(`seq2seq family: ${t} is not in SEQ2SEQ_TASKS`);

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
  hidden: ['bidir'],
  widgets: ['problems', 'splitNote'],
  inputs: [],
  fileKind: 'seq2seq', noun: 'an encoder-decoder',
  pickHint: `pick the sequence-to-sequence task it was trained on (${SEQ2SEQ_TASKS.join(', ')})`,
  probeNoun: 'problem',
  gradCaption: 'gradient flowing back in time: |dLoss/dh_t| per step (log scale); the encoder\'s is what reaches it back through the context',
  metricOf: () => 'exact',
  probeDesc: (info) => `one source of ${info.probe.split} symbols, then the answer fed to the decoder (${info.probe.length - info.probe.split} steps), layer 0, ${info.hiddenSize} units (rows); hover for values`,
  payload: async () => ({}),

  assemble(lab, config, spec, { loaded }) {
    const task = lab.createTask(config.task, { ...spec.taskOptions, seed: config.seed });
    let model = null;
    try {
      model = loaded?.learner ?? lab.createSeq2Seq({ ...task.modelConfig, ...modelKeys(config, spec, false) });
      // the learner is the encoder-decoder itself, with its optimizer inside
      if (!loaded) lab.createLearner(model, trainerOptions(config, spec));
      const probeTask = lab.createTask(config.task, { ...spec.taskOptions, ...spec.probe, seed: PROBE_SEED });
      const probe = probeTask.batch(1); // one source row
      probeTask.free();
      const m = model;
      return { task, model, learner: model, probe, batchSize: config.batch, problemRound: 0,
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
    const config = { ...current, ...fromModelConfig(learner.config), ...fromTrainer(learner.trainerOptions) };
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
    const { encoder, decoder } = run.learner.trace(run.probe);
    const e = encoder.layers[0][0], d = decoder.layers[0][0];
    const S = encoder.length, U = decoder.length;
    const answers = predicted(run.task, decoder.outputs, U, run.task.modelConfig.outputSize);
    return {
      length: S + U, split: S, hiddenSize: encoder.hiddenSize, gateNames: encoder.gateNames, layers: encoder.layers.length,
      gates: cat(e.gates, d.gates), cell: cat(e.cell, d.cell), hidden: cat(e.hidden, d.hidden),
      gradNorm: cat(e.gradNorm, d.gradNorm), outputs: decoder.outputs.slice(), predicted: [...Array(S).fill(''), ...answers],
      loss: decoder.loss,
    };
  },
  samples: (run) => ({ kind: 'problems', problems: problems(run) }),
};
