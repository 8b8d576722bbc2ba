// @ts-check
/**
 * csvtask.mjs - lab.createTask('csv', ...): your own numeric sequences (parsed by csv.mjs) as a
 * task that lab.train trains like the built-in ones, with a held-out split, standardised inputs
 * and, for a chart, a model's predictions against the truth on one sequence.
 *
 * Owns: the CsvTask object: the seeded train / held-out split, standardisation with the training
 * split's statistics (inputs always; regression targets too, undone for every reported number),
 * padded batches with a mask (variable lengths), the seeded epoch order of training batches, and
 * scoring in the data's own units (regression: RMSE and the predict-the-training-mean baseline;
 * classification: accuracy and the majority-class baseline).
 * Does not own: parsing (csv.mjs), the training loop (run.mjs; it asks task.batch for each step
 * and task.evaluate for validation and the test), models, or wasm memory: batches go through
 * model.forward / trainer.step like any user batch.
 *
 * Nothing here touches an existing model until evaluate/predict is called: a bad file throws from
 * createTask before anything else happens.
 */

import { parseSequences, splitIndices, standardization, createRng, shuffle } from './csv.mjs';
import { checkInt, fail, isObject, show } from './check.mjs';
import { HANDLES } from './handles.mjs';

/** @typedef {import('./csv.mjs').Dataset} Dataset */

const PARSE_KEYS = ['format', 'header', 'delimiter', 'id', 'inputs', 'target', 'targetAt', 'kind'];
const KEYS = ['text', 'data', ...PARSE_KEYS, 'heldOut', 'seed'];
/** sequences per forward pass when scoring */
const EVAL_CHUNK = 64;

/** @typedef {{ rt: any, ptr: number, js: true }} CsvState */
/** @type {(t: unknown) => CsvState | undefined} */
let stateOf;
/** The run state of a CsvTask (for lab.train), or undefined. @param {unknown} t */
export const csvTaskState = (t) => stateOf(t);

/** A Dataset given as data: the shape parseSequences returns. @param {unknown} d @returns {Dataset} */
function checkData(d) {
  if (!isObject(d)) fail(`createTask('csv'): data must be the object parseSequences returns (got ${show(d)})`);
  const o = /** @type {Record<string, any>} */ (d);
  if (!Array.isArray(o.inputNames) || !o.inputNames.length) fail("createTask('csv'): data.inputNames must be a non-empty array");
  if (o.kind !== 'regression' && o.kind !== 'classification') fail(`createTask('csv'): data.kind must be 'regression' or 'classification' (got ${show(o.kind)})`);
  if (o.targetAt !== 'step' && o.targetAt !== 'end') fail(`createTask('csv'): data.targetAt must be 'step' or 'end' (got ${show(o.targetAt)})`);
  if (!Array.isArray(o.labels)) fail("createTask('csv'): data.labels must be an array");
  if (o.kind === 'classification' && o.labels.length < 2) fail("createTask('csv'): data.labels needs at least 2 classes");
  if (!Array.isArray(o.sequences) || o.sequences.length < 2) fail("createTask('csv'): data.sequences must hold at least 2 sequences");
  const I = o.inputNames.length, K = o.labels.length;
  let maxLength = 0;
  o.sequences.forEach((/** @type {any} */ s, /** @type {number} */ j) => {
    const w = `data.sequences[${j}]`;
    if (!isObject(s)) fail(`createTask('csv'): ${w} must be an object`);
    const T = checkInt(`${w}.length`, s.length, 1, 1 << 20);
    const ny = o.targetAt === 'step' ? T : 1;
    for (const [k, n] of /** @type {const} */ ([['x', T * I], ['y', ny]])) {
      const a = s[k];
      if (!(a instanceof Float64Array || a instanceof Float32Array || Array.isArray(a)) || a.length !== n) fail(`createTask('csv'): ${w}.${k} must hold ${n} numbers`);
      for (let i = 0; i < n; i++) {
        const v = a[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) fail(`createTask('csv'): ${w}.${k}[${i}] is ${show(v)}, not a finite number`);
        if (k === 'y' && o.kind === 'classification' && !(Number.isInteger(v) && v >= 0 && v < K)) fail(`createTask('csv'): ${w}.y[${i}] = ${v} is not a class index in 0..${K - 1}`);
      }
    }
    maxLength = Math.max(maxLength, T);
  });
  return { format: o.format ?? 'json', inputNames: o.inputNames.map(String), targetName: String(o.targetName ?? 'target'), kind: o.kind,
    targetAt: o.targetAt, labels: o.labels.map(String), maxLength,
    sequences: o.sequences.map((/** @type {any} */ s, /** @type {number} */ j) => ({ id: String(s.id ?? j + 1), length: s.length,
      x: Float64Array.from(s.x), y: Float64Array.from(s.y), line: s.line ?? 0 })) };
}

/**
 * lab.createTask('csv', options). Everything is validated and parsed before anything is created.
 * @param {Record<string, any>} options @param {{ rt: any, ownModel: (m: unknown, fn: string) => any }} hooks
 */
export function createCsvTask(options, hooks) {
  if (!isObject(options)) fail(`createTask('csv'): options must be an object (got ${show(options)})`);
  for (const k of Object.keys(options)) if (!KEYS.includes(k)) fail(`createTask('csv'): unknown option '${k}' (known: ${KEYS.join(', ')})`);
  const { text, data, heldOut = 0.2, seed = 1 } = options;
  if ((text === undefined) === (data === undefined)) fail("createTask('csv'): give either text (CSV or JSON) or data (from parseSequences)");
  if (typeof heldOut !== 'number' || !(heldOut > 0 && heldOut < 1)) fail(`createTask('csv'): heldOut must be a fraction in (0, 1) (got ${show(heldOut)})`);
  if (!(typeof seed === 'bigint' ? seed >= 0n && seed < 1n << 64n : Number.isSafeInteger(seed) && seed >= 0)) {
    fail(`createTask('csv'): seed must be an integer in 0..2^53-1 or a BigInt (got ${show(seed)})`);
  }
  /** @type {Dataset} */
  let ds;
  if (text !== undefined) {
    if (typeof text !== 'string') fail(`createTask('csv'): text must be a string (got ${show(text)}; decode files as UTF-8 first)`);
    /** @type {Record<string, any>} */
    const po = {};
    for (const k of PARSE_KEYS) if (options[k] !== undefined) po[k] = options[k];
    ds = parseSequences(text, po);
  } else {
    for (const k of PARSE_KEYS) if (options[k] !== undefined) fail(`createTask('csv'): option ${k} is for text; data is already parsed`);
    ds = checkData(data);
  }
  if (ds.sequences.length < 2) fail(`createTask('csv'): ${ds.sequences.length} sequence: need at least 2 (one to train on, one held out)`);
  return new CsvTask(ds, heldOut, seed, hooks);
}

/** @param {number} x */
const f4 = (x) => Math.fround(x);

class CsvTask {
  /** @type {CsvState} */
  #s;
  #hooks;
  /** standardised inputs and targets per sequence */
  #xs;
  #ys;
  #order = /** @type {number[]} */ ([]);
  #pos = 0;
  #rng;
  static { stateOf = (t) => (t !== null && typeof t === 'object' && #s in t ? t.#s : undefined); HANDLES.csvTask.define(stateOf); }

  /** @param {Dataset} ds @param {number} heldOut @param {number | bigint} seed @param {{ rt: any, ownModel: (m: unknown, fn: string) => any }} hooks */
  constructor(ds, heldOut, seed, hooks) {
    this.#s = { rt: hooks.rt, ptr: 1, js: true };
    this.#hooks = hooks;
    const split = splitIndices(ds.sequences.length, heldOut, seed);
    const st = standardization(ds, split.train);
    const I = ds.inputNames.length, reg = ds.kind === 'regression';
    this.#xs = ds.sequences.map((s) => Float32Array.from(s.x, (v, k) => (v - st.inputMean[k % I]) / st.inputStd[k % I]));
    this.#ys = ds.sequences.map((s) => (reg ? Float32Array.from(s.y, (v) => (v - st.targetMean) / st.targetStd) : Int32Array.from(s.y)));
    this.#rng = createRng(seed);
    this.name = 'csv';
    /** the parsed data, original units */
    this.data = ds;
    this.kind = ds.kind;
    this.targetAt = ds.targetAt;
    this.inputNames = Object.freeze([...ds.inputNames]);
    this.targetName = ds.targetName;
    /** classification: the class names (index = class id); regression: [] */
    this.labels = Object.freeze([...ds.labels]);
    const K = reg ? 1 : ds.labels.length;
    this.modelConfig = Object.freeze({ inputSize: I, input: 'dense', outputSize: K, output: reg ? 'linear' : 'softmax' });
    this.inputSize = I;
    this.input = 'dense';
    this.outputSize = K;
    this.output = reg ? 'linear' : 'softmax';
    this.isSeq2seq = false;
    this.vocabSize = 0;
    this.symbols = this.inputNames;
    this.outputSymbols = reg ? Object.freeze([ds.targetName]) : this.labels;
    this.specials = Object.freeze({ pad: null, bos: null, eos: null, unk: null });
    const trainLengths = split.train.map((j) => ds.sequences[j].length);
    this.length = Math.max(...trainLengths);
    this.minLength = Math.min(...trainLengths);
    this.maxLength = ds.maxLength;
    /** indices into data.sequences of each split (ascending) */
    this.splitIndices = Object.freeze({ train: Object.freeze(split.train), heldout: Object.freeze(split.heldout) });
    this.split = Object.freeze({ train: split.train.length, heldout: split.heldout.length });
    /** the training split's statistics the inputs (and regression targets) are standardised with */
    this.stats = Object.freeze({ inputMean: Array.from(st.inputMean), inputStd: Array.from(st.inputStd), targetMean: st.targetMean, targetStd: st.targetStd });
    /** lab.train's default stopping rule: accuracy (regression: R^2) >= target on the held-out split */
    this.criterion = Object.freeze({ length: ds.maxLength, count: split.heldout.length, target: 1 });
    this.seed = seed;
    Object.freeze(this);
  }

  get freed() { return this.#s.ptr === 0; }

  #live() { if (!this.#s.ptr) fail('task has been freed'); return this.#s; }

  /**
   * The next training batch: batchSize sequences of the training split in a seeded epoch order,
   * padded at the end to the longest; mask 1 on the targeted steps (every step, or each sequence's
   * last), target -1 (classification) or 0 elsewhere.
   * @param {number} batchSize @param {{ length?: number }} [options] length is accepted and ignored
   */
  batch(batchSize, options = {}) {
    this.#live();
    checkInt('batchSize', batchSize, 1, 1 << 16);
    if (!isObject(options)) fail(`batch: options must be an object (got ${show(options)})`);
    for (const k of Object.keys(options)) if (k !== 'length') fail(`batch: unknown option '${k}' (known: length)`);
    const ids = [];
    for (let b = 0; b < batchSize; b++) {
      if (this.#pos >= this.#order.length) {
        this.#order = shuffle([...this.splitIndices.train], this.#rng);
        this.#pos = 0;
      }
      ids.push(this.#order[this.#pos++]);
    }
    return this.#assemble(ids);
  }

  /** A padded batch of these sequences (standardised). @param {number[]} ids */
  #assemble(ids) {
    const B = ids.length, I = this.inputSize, reg = this.kind === 'regression', end = this.targetAt === 'end';
    const T = Math.max(...ids.map((j) => this.data.sequences[j].length));
    const inputs = new Float32Array(B * T * I);
    const targets = reg ? new Float32Array(B * T) : new Int32Array(B * T).fill(-1);
    const mask = new Float32Array(B * T);
    ids.forEach((j, b) => {
      const L = this.data.sequences[j].length, y = this.#ys[j];
      inputs.set(this.#xs[j], b * T * I);
      if (end) { targets[b * T + L - 1] = y[0]; mask[b * T + L - 1] = 1; }
      else { targets.set(y, b * T); mask.fill(1, b * T, b * T + L); }
    });
    return { inputs, targets, mask, batchSize: B, length: T, carryState: false };
  }

  /** @param {unknown} model @param {string} fn */
  #model(model, fn) {
    this.#hooks.ownModel(model, fn);
    const c = /** @type {any} */ (model).config, m = this.modelConfig;
    if (c.inputSize !== m.inputSize || c.input !== 'dense' || c.outputSize !== m.outputSize || (c.output === 'softmax') !== (m.output === 'softmax')) {
      fail(`${fn}: the model (input '${c.input}' ${c.inputSize}, output '${c.output}' ${c.outputSize}) does not fit this csv task ` +
        `(input 'dense' ${m.inputSize}, output '${m.output}' ${m.outputSize}): create it with lab.createModel({ ...task.modelConfig, hiddenSize })`);
    }
    return /** @type {any} */ (model);
  }

  /** @param {unknown} split */
  #splitOf(split) {
    if (split !== 'heldout' && split !== 'train') fail(`split must be 'heldout' or 'train' (got ${show(split)})`);
    return this.splitIndices[/** @type {'heldout' | 'train'} */ (split)];
  }

  /**
   * Model outputs for these sequences, per sequence: (T, V) Float32Array. @param {any} model @param {readonly number[]} ids
   */
  #outputs(model, ids) {
    const V = this.outputSize, out = /** @type {Float32Array[]} */ ([]);
    for (let k = 0; k < ids.length; k += EVAL_CHUNK) {
      const chunk = ids.slice(k, k + EVAL_CHUNK), b = this.#assemble(chunk);
      const { outputs } = model.forward({ inputs: b.inputs, batchSize: b.batchSize, length: b.length });
      chunk.forEach((j, i) => out.push(outputs.subarray(i * b.length * V, (i * b.length + this.data.sequences[j].length) * V)));
    }
    return out;
  }

  /**
   * Scores the model on a split (default the held-out one; count: its first count sequences), in
   * the data's units. Regression: rmse, baselineRmse (always predicting the training split's mean
   * target), ratio = rmse / baselineRmse, accuracy = R^2 = max(0, 1 - ratio^2), maxError; loss is
   * the training loss ((1/2) squared error on standardised targets). Classification: accuracy (the
   * fraction of sequences right at every targeted step), stepAccuracy, baselineAccuracy (the
   * training split's majority class), loss in nats.
   * @param {unknown} model @param {{ count?: number, length?: number, seed?: number | bigint, split?: 'heldout' | 'train' }} [options]
   *   length and seed are accepted (lab.train passes them) and ignored: the split is fixed
   */
  evaluate(model, options = {}) {
    this.#live();
    const m = this.#model(model, 'evaluate');
    if (!isObject(options)) fail(`evaluate: options must be an object (got ${show(options)})`);
    for (const k of Object.keys(options)) if (!['count', 'length', 'seed', 'split'].includes(k)) fail(`evaluate: unknown option '${k}' (known: count, length, seed, split)`);
    let ids = this.#splitOf(options.split ?? 'heldout');
    if (options.count !== undefined) ids = ids.slice(0, checkInt('count', options.count, 1, 1 << 24));
    const outs = this.#outputs(m, ids);
    const reg = this.kind === 'regression', end = this.targetAt === 'end', V = this.outputSize;
    const { targetMean: mu, targetStd: sd } = this.stats;
    let loss = 0, n = 0, se = 0, seBase = 0, maxError = 0, right = 0, seqRight = 0;
    // classification baseline: the training split's majority class
    let major = 0;
    if (!reg) {
      const counts = new Array(V).fill(0);
      for (const j of this.splitIndices.train) for (const y of this.data.sequences[j].y) counts[y]++;
      major = counts.indexOf(Math.max(...counts));
    }
    let baseRight = 0;
    ids.forEach((j, k) => {
      const s = this.data.sequences[j], o = outs[k];
      let all = true;
      for (let q = 0; q < s.y.length; q++) {
        const t = end ? s.length - 1 : q, y = s.y[q];
        n++;
        if (reg) {
          const z = o[t] * sd + mu, e = z - y; // prediction in the data's units
          se += e * e, seBase += (y - mu) ** 2, maxError = Math.max(maxError, Math.abs(e));
          loss += 0.5 * (o[t] - f4((y - mu) / sd)) ** 2;
        } else {
          const p = o.subarray(t * V, t * V + V);
          let arg = 0;
          for (let c = 1; c < V; c++) if (p[c] > p[arg]) arg = c;
          loss -= Math.log(Math.max(p[y], 1e-30));
          if (arg === y) right++; else all = false;
          if (major === y) baseRight++;
        }
      }
      if (all) seqRight++;
    });
    if (reg) {
      const rmse = Math.sqrt(se / n), baselineRmse = Math.sqrt(seBase / n);
      const ratio = baselineRmse > 0 ? rmse / baselineRmse : rmse > 0 ? Infinity : 0;
      const r2 = Math.max(0, 1 - ratio * ratio);
      return { loss: loss / n, accuracy: r2, stepAccuracy: r2, sequences: ids.length, steps: n, solved: r2 >= this.criterion.target,
        maxError, rmse, baselineRmse, ratio };
    }
    const accuracy = seqRight / ids.length;
    return { loss: loss / n, accuracy, stepAccuracy: right / n, sequences: ids.length, steps: n, solved: accuracy >= this.criterion.target,
      maxError: 0, baselineAccuracy: baseRight / n };
  }

  /**
   * One sequence with the model's predictions, in the data's units, for a chart.
   * index: position in the split (default the held-out one). truth and prediction hold the
   * targeted steps (all T with targetAt 'step', the last one with 'end'; steps says which);
   * every is the prediction at every step (regression: values; classification: class ids) and
   * probabilities the (T, classes) outputs for classification.
   * @param {unknown} model @param {number} [index] @param {{ split?: 'heldout' | 'train' }} [options]
   */
  predict(model, index = 0, options = {}) {
    this.#live();
    const m = this.#model(model, 'predict');
    if (!isObject(options)) fail(`predict: options must be an object (got ${show(options)})`);
    for (const k of Object.keys(options)) if (k !== 'split') fail(`predict: unknown option '${k}' (known: split)`);
    const ids = this.#splitOf(options.split ?? 'heldout');
    checkInt('index', index, 0, ids.length - 1);
    const j = ids[index], s = this.data.sequences[j], o = this.#outputs(m, [j])[0];
    const T = s.length, V = this.outputSize, reg = this.kind === 'regression';
    const { targetMean: mu, targetStd: sd } = this.stats;
    const every = reg ? Float64Array.from({ length: T }, (_, t) => o[t] * sd + mu)
      : Int32Array.from({ length: T }, (_, t) => { let a = 0; for (let c = 1; c < V; c++) if (o[t * V + c] > o[t * V + a]) a = c; return a; });
    const steps = this.targetAt === 'end' ? [T - 1] : Array.from({ length: T }, (_, t) => t);
    return {
      id: s.id, index, length: T, targetAt: this.targetAt, kind: this.kind, labels: this.labels,
      inputs: s.x.slice(), inputNames: this.inputNames, steps,
      truth: Array.from(s.y), prediction: steps.map((t) => every[t]), every,
      probabilities: reg ? null : o.slice(),
    };
  }

  /** @returns {never} */
  generalization() { return fail("generalization: a csv task has fixed sequences; there is no length to vary (no curve)"); }
  /** @returns {never} */
  score() { return fail('score: use task.evaluate(model) for a csv task'); }

  /** Restarts the training batch order from the seed. */
  reset() { this.#live(); this.#rng = createRng(this.seed); this.#order = []; this.#pos = 0; }

  /** Idempotent. */
  free() { this.#s.ptr = 0; }
}
