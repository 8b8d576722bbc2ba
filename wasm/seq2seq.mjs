// @ts-check
/**
 * seq2seq.mjs - encoder-decoder models for the rnnlab wrapper (core/seq2seq.c):
 * lab.createSeq2Seq(config) and the Seq2Seq class.
 *
 * Owns: the Seq2Seq object (teacher-forced forward/backward, training steps with teacher forcing,
 * greedy and beam decoding, evaluation on a sequence-to-sequence task, named weights, trace,
 * save) and lab.loadSeq2Seq.
 * Does not own: config validation (rnnlab.mjs hooks.configRaw), statuses -> exceptions
 * (rnnlab.mjs Runtime.check, the one place), decode options (search.mjs decodeRaw), task data
 * (tasks.mjs). Views of wasm memory are made after every allocation, never kept across calls.
 *
 * Batches are the format task.batch() returns for a sequence-to-sequence task:
 *   { batchSize, srcLength, tgtLength, src: Int32Array (B*S), decIn: Int32Array (B*U), decTgt: Int32Array (B*U) }
 * src is left-padded with PAD; decIn = BOS y1..yn PAD...; decTgt = y1..yn EOS -1...
 */
import { DECODE_FIELDS, DECODE_KEYS, decodeCall, decodeRaw } from './search.mjs';
import { checkInt, fail, isObject, show } from './check.mjs';
import { HANDLES, NATIVE_BLOCK } from './handles.mjs';
import { ATTENTION_FORMS, ERRLEN } from './names.mjs';

/** @typedef {import('./rnnlab.d.ts').Seq2SeqBatch} Seq2SeqBatch */

const S2S_EXPORTS = ['rnnlab_seq2seq_create', 'rnnlab_seq2seq_free', 'rnnlab_seq2seq_error', 'rnnlab_seq2seq_encoder',
  'rnnlab_seq2seq_decoder', 'rnnlab_wasm_seq2seq_param_count', 'rnnlab_seq2seq_forward', 'rnnlab_seq2seq_backward',
  'rnnlab_seq2seq_step', 'rnnlab_seq2seq_greedy', 'rnnlab_seq2seq_decode', 'rnnlab_wasm_seq2seq_evaluate',
  'rnnlab_seq2seq_trainer', 'rnnlab_seq2seq_save_size', 'rnnlab_seq2seq_save', 'rnnlab_seq2seq_load',
  'rnnlab_seq2seq_create_attention', 'rnnlab_seq2seq_attention', 'rnnlab_seq2seq_aligned', 'rnnlab_seq2seq_attention_trace',
  'rnnlab_seq2seq_align', 'rnnlab_seq2seq_attention_tensor_count', 'rnnlab_seq2seq_attention_tensor_name',
  'rnnlab_seq2seq_attention_tensor_rows', 'rnnlab_seq2seq_attention_tensor_cols', 'rnnlab_seq2seq_attention_get_tensor',
  'rnnlab_seq2seq_attention_set_tensor'];
/** rnnlab_task_result, as tasks.mjs reads it */
const RESULT_FIELDS = [['loss', 'f32'], ['accuracy', 'f32'], ['step_accuracy', 'f32'], ['bpc', 'f32'], ['max_error', 'f32'],
  ['sequences', 'i32'], ['steps', 'i32'], ['solved', 'i32'], ['n1', 'f32'], ['n2', 'f32'], ['n3', 'f32'], ['n4', 'f32'], ['n5', 'f32']];

/** @param {string} fn @param {Record<string, unknown>} o @param {string[]} known */
function onlyKeys(fn, o, known) {
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(`${fn}: unknown option '${k}' (known: ${known.join(', ')})`);
}

/** An Int32Array of n token ids in 0..V-1 (or -1 when allowed). @param {string} name @param {unknown} a @param {number} n @param {number} V @param {boolean} [none]
 * @param {string} [shape] how n is made, for the message ('batchSize*srcLength') */
function checkIds(name, a, n, V, none = false, shape = '') {
  if (Object.prototype.toString.call(a) !== '[object Int32Array]') fail(`${name} must be an Int32Array (got ${show(a)})`);
  const arr = /** @type {Int32Array} */ (a);
  if (arr.length !== n) fail(`${name} must have ${shape ? `${shape} = ` : ''}${n} elements, got ${arr.length}`);
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (v >= V || v < (none ? -1 : 0)) fail(`${name}[${i}] = ${v} is not a token id in 0..${V - 1}${none ? ' or -1' : ''}`);
  }
  return arr;
}

/**
 * @typedef {object} S2SState
 * @property {any} rt
 * @property {number} ptr  0 once freed
 * @property {any} config  normalised
 * @property {number} SV  source vocabulary
 * @property {number} TV  target vocabulary
 * @property {Record<string, number>} train  raw rnnlab_train_config fields for steps
 * @property {{ name: string, rows: number, cols: number, model: number, index: number, attention?: boolean }[]} tensors
 * @property {string} attention  'none' | 'additive' | 'dot' | 'general'
 * @property {boolean} aligned  the encoder reads symbols only and the decoder steps (core/attention/)
 */

/** @type {(s: unknown) => S2SState | undefined} */
let s2sState;

class Seq2Seq {
  #s;
  #hooks;
  static { s2sState = (x) => (x !== null && typeof x === 'object' && #s in x ? x.#s : undefined); HANDLES.seq2seq.define(s2sState); }

  /** @param {S2SState} s @param {any} hooks */
  constructor(s, hooks) { this.#s = s; this.#hooks = hooks; }

  #live() {
    if (!this.#s.ptr) fail('seq2seq model has been freed');
    return this.#s;
  }

  /** Normalised config (inputSize = source vocabulary, outputSize = target vocabulary). */
  get config() { return this.#s.config; }
  /** Trainable parameters of the encoder and decoder (not the encoder's unused readout). */
  get parameterCount() { return this.#s.rt.ex.rnnlab_wasm_seq2seq_param_count(this.#live().ptr); }
  get freed() { return this.#s.ptr === 0; }
  /** Named tensors: 'encoder.<PyTorch name>', 'decoder.<PyTorch name>' and 'attention.W_a' etc. */
  get tensors() {
    return this.#s.tensors.map((t) => ({ name: t.name, shape: t.cols === 1 && (t.name.includes('bias') || t.name === 'attention.v') ? [t.rows] : [t.rows, t.cols] }));
  }
  /** The attention form: 'none', 'additive', 'dot' or 'general'. */
  get attention() { return this.#s.attention; }

  /** @param {number} status */
  #check(status) {
    const s = this.#s;
    s.rt.check(status, 'buffer', status ? s.rt.ex.rnnlab_seq2seq_error(s.ptr) >>> 0 : 0);
  }

  /**
   * Copies a batch into one wasm block: [rnnlab_seq2seq_batch][src][decIn][decTgt][extra].
   * @param {unknown} batch @param {number} extra bytes after the batch
   */
  #marshal(batch, extra) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(batch)) fail(`batch must be an object (got ${show(batch)})`);
    const b = /** @type {any} */ (batch);
    const B = checkInt('batch.batchSize', b.batchSize, 1, 1 << 20);
    const S = checkInt('batch.srcLength', b.srcLength, 1, 1 << 20), U = checkInt('batch.tgtLength', b.tgtLength, 1, 1 << 20);
    if (B * Math.max(S, U) > rt.limits.maxElems) fail(`batch too large: ${B} x ${Math.max(S, U)}`);
    const src = checkIds('batch.src', b.src, B * S, s.SV, false, 'batchSize*srcLength'), decIn = checkIds('batch.decIn', b.decIn, B * U, s.TV, false, 'batchSize*tgtLength');
    const decTgt = checkIds('batch.decTgt', b.decTgt, B * U, s.TV, true, 'batchSize*tgtLength');
    const oS = 24, oI = oS + 4 * B * S, oT = oI + 4 * B * U, oX = oT + 4 * B * U;
    const p = rt.alloc(oX + extra);
    rt.i32(p, 3).set([B, S, U]);
    rt.u32(p + 12, 3).set([p + oS, p + oI, p + oT]);
    rt.i32(p + oS, B * S).set(src), rt.i32(p + oI, B * U).set(decIn), rt.i32(p + oT, B * U).set(decTgt);
    return { p, extra: p + oX, B, S, U };
  }

  /** Teacher-forced pass: outputs (B*U*V) probabilities, loss over the targeted steps. @param {Seq2SeqBatch} batch */
  forward(batch) {
    const s = this.#live(), rt = s.rt;
    const m = this.#marshal(batch, 0);
    const n = m.B * m.U * s.TV;
    const q = rt.alloc(4 + 4 * n);
    try {
      this.#check(rt.ex.rnnlab_seq2seq_forward(s.ptr, m.p, q + 4, q));
      return { outputs: rt.f32(q + 4, n).slice(), loss: rt.f32(q, 1)[0] };
    } finally { rt.free(q), rt.free(m.p); }
  }

  /** Forward + backward: getGradients() then holds exactly this batch's (the gradient contract,
   * core/rnnlab.h). @param {Seq2SeqBatch} batch */
  backward(batch) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    const m = this.#marshal(batch, 4);
    try {
      this.#check(ex.rnnlab_seq2seq_backward(s.ptr, m.p, m.extra));
      return { loss: rt.f32(m.extra, 1)[0] };
    } finally { rt.free(m.p); }
  }

  /**
   * Backward on the batch (teacher-forced on its targets; gradients afterwards are this batch's),
   * then what model.trace gives for each half: the encoder over the sources (its dL/dh_t comes
   * through the context from the decoder's loss; no outputs: its readout is unused) and the
   * decoder over decIn (outputs: the predicted distributions). Training is not disturbed: a
   * seq2seq carries no state from step to step.
   * @param {Seq2SeqBatch} batch
   * @returns {import('./rnnlab.d.ts').Seq2SeqTrace}
   */
  trace(batch) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    const { loss } = this.backward(batch);
    const b = /** @type {any} */ (batch);
    /** @type {any} */
    const out = {
      loss,
      // an aligned encoder runs once per group of equal-length sources: one source's trace is its symbols'
      encoder: s.aligned && b.batchSize > 1 ? null : this.#hooks.readTrace(ex.rnnlab_seq2seq_encoder(s.ptr) >>> 0, loss, false),
      decoder: this.#hooks.readTrace(ex.rnnlab_seq2seq_decoder(s.ptr) >>> 0, loss, true),
    };
    if (s.attention !== 'none') {
      const n = b.batchSize * b.tgtLength * b.srcLength, p = rt.alloc(4 * n);
      try {
        this.#check(ex.rnnlab_seq2seq_attention_trace(s.ptr, p));
        out.attention = rt.f32(p, n).slice();
      } finally { rt.free(p); }
    }
    return out;
  }

  /**
   * Where the model looks while writing tokens for src: a Float32Array of tokens.length x
   * src.length attention rows (the teacher-forced pass BOS, tokens...). decode() gives each
   * hypothesis its rows this way.
   * @param {Int32Array} src @param {Int32Array} tokens @param {{ bos: number }} options
   */
  align(src, tokens, options) {
    const s = this.#live(), rt = s.rt;
    if (s.attention === 'none') fail('align: this seq2seq model has no attention (create it with attention: \'additive\', \'dot\' or \'general\')');
    if (!isObject(options)) fail(`align: options must be an object (got ${show(options)})`);
    onlyKeys('align', options, ['bos']);
    const bos = checkInt('align: options.bos', options.bos, 0, s.TV - 1);
    if (Object.prototype.toString.call(src) !== '[object Int32Array]' || !src.length) fail(`align: src must be a non-empty Int32Array (got ${show(src)})`);
    checkIds('align: src', src, src.length, s.SV);
    if (Object.prototype.toString.call(tokens) !== '[object Int32Array]') fail(`align: tokens must be an Int32Array (got ${show(tokens)})`);
    checkIds('align: tokens', tokens, tokens.length, s.TV);
    const S = src.length, n = tokens.length;
    const p = rt.alloc(4 * (S + n + n * S + 1));
    try {
      rt.i32(p, S).set(src), rt.i32(p + 4 * S, n).set(tokens);
      const o = p + 4 * (S + n);
      this.#check(rt.ex.rnnlab_seq2seq_align(s.ptr, p, S, bos, p + 4 * S, n, o));
      return rt.f32(o, n * S).slice();
    } finally { rt.free(p); }
  }

  /** The kind of learner (the kind of file save() writes). */
  get kind() { return 'seq2seq'; }

  /** The learning rate the next step uses (float32, as the engine stores it); setting it keeps
   * the optimizer state. */
  get learningRate() { return Math.fround(this.#live().train.learning_rate); }
  set learningRate(lr) { this.setLearningRate(lr); }

  /** Sets the learning rate of the next steps (the optimizer state is kept). @param {number} lr finite, > 0 */
  setLearningRate(lr) {
    const s = this.#live();
    if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(Math.fround(lr))) fail(`learningRate must be a finite number > 0 (got ${show(lr)})`);
    s.train = { ...s.train, learning_rate: lr };
  }

  /** The optimizer options the next step uses (as setTrainer / a load with optimizer state set them). */
  get trainerOptions() { return this.#hooks.trainOptions(this.#live().train); }

  /** Optimizer updates done (restored by lab.loadSeq2Seq; 0 before the first step). */
  get steps() {
    const s = this.#live(), ex = s.rt.ex, t = ex.rnnlab_seq2seq_trainer(s.ptr, 0) >>> 0;
    return t ? ex.rnnlab_wasm_trainer_steps(t) : 0;
  }

  /**
   * The encoder-decoder as bytes for lab.loadSeq2Seq / lab.loadLearner, with the optimizer state
   * and the teacher-forcing generator once there is one (after the first step), so training
   * resumes exactly. { optimizer: false }: the weights only; { optimizer: true }: the state or an
   * error before the first step.
   * @param {{ optimizer?: boolean }} [options]
   */
  save(options = {}) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    if (!isObject(options)) fail(`save: options must be an object (got ${show(options)})`);
    onlyKeys('save', options, ['optimizer']);
    const opt = options.optimizer ?? (ex.rnnlab_seq2seq_trainer(s.ptr, 0) >>> 0) !== 0;
    if (typeof opt !== 'boolean') fail(`save: options.optimizer must be true or false (got ${show(opt)})`);
    if (opt && !(ex.rnnlab_seq2seq_trainer(s.ptr, 0) >>> 0)) fail('save: no optimizer state yet (it is created by the first step); save without { optimizer: true }');
    const n = ex.rnnlab_seq2seq_save_size(s.ptr, opt ? 1 : 0) >>> 0;
    const p = rt.alloc(n);
    try {
      this.#check(ex.rnnlab_seq2seq_save(s.ptr, opt ? 1 : 0, p, n));
      return rt.u8(p, n).slice();
    } finally { rt.free(p); }
  }

  /**
   * Sets the optimizer (the createTrainer options); the state is made on the first step. Only
   * the learning rate may change after that.
   * @param {import('./rnnlab.d.ts').TrainerOptions} options
   */
  setTrainer(options) { this.#live().train = this.#hooks.trainRaw(options); }

  /**
   * One training step of encoder and decoder together. batch: a Seq2SeqBatch, or a
   * task.nextBatch() batch of a sequence-to-sequence task (read in place, nothing copied).
   * @param {Seq2SeqBatch | import('./rnnlab.d.ts').TaskBatch} batch @param {{ teacherForcing?: number }} [options]
   */
  step(batch, options = {}) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`step: options must be an object (got ${show(options)})`);
    onlyKeys('step', options, ['teacherForcing']);
    const tf = options.teacherForcing ?? 1;
    if (typeof tf !== 'number' || !(tf >= 0 && tf <= 1)) fail(`step: options.teacherForcing must be in [0, 1] (got ${show(tf)})`);
    const fields = this.#hooks.trainFields, rf = this.#hooks.stepResultFields;
    const nb = HANDLES.nativeBatch.of(batch);
    if (nb) {
      if (nb.rt !== rt) fail('step: the batch belongs to another loaded rnnlab instance');
      if (!nb.seq2seq) fail('step: a seq2seq model trains on batches of a sequence-to-sequence task (copy, reverse, decimal-addition)');
      const at = nb.at();
      rt.writeStruct(at + NATIVE_BLOCK.train, fields, s.train);
      this.#check(rt.ex.rnnlab_seq2seq_step(s.ptr, at + NATIVE_BLOCK.train, at + NATIVE_BLOCK.batch, tf, at + NATIVE_BLOCK.result));
      const out = rt.readStruct(at + NATIVE_BLOCK.result, rf);
      return { loss: out.loss, gradNorm: out.grad_norm, clipped: out.clipped !== 0 };
    }
    const m = this.#marshal(batch, 4 * (fields.length + rf.length));
    try {
      rt.writeStruct(m.extra, fields, s.train);
      const r = m.extra + 4 * fields.length;
      this.#check(rt.ex.rnnlab_seq2seq_step(s.ptr, m.extra, m.p, tf, r));
      const out = rt.readStruct(r, rf);
      return { loss: out.loss, gradNorm: out.grad_norm, clipped: out.clipped !== 0 };
    } finally { rt.free(m.p); }
  }

  /**
   * Greedy decoding of a batch of sources: one Int32Array per source, ended before EOS.
   * @param {{ src: Int32Array, batchSize: number, srcLength: number }} sources
   * @param {{ bos: number, eos: number, maxLength: number }} options
   */
  greedy(sources, options) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(sources)) fail(`greedy: sources must be an object (got ${show(sources)})`);
    if (!isObject(options)) fail(`greedy: options must be an object (got ${show(options)})`);
    onlyKeys('greedy', options, ['bos', 'eos', 'maxLength']);
    const B = checkInt('sources.batchSize', sources.batchSize, 1, 1 << 20), S = checkInt('sources.srcLength', sources.srcLength, 1, 1 << 20);
    const src = checkIds('sources.src', sources.src, B * S, s.SV, false, 'batchSize*srcLength');
    const bos = checkInt('greedy: options.bos', options.bos, 0, s.TV - 1), eos = checkInt('greedy: options.eos', options.eos, 0, s.TV - 1);
    const L = checkInt('greedy: options.maxLength', options.maxLength, 1, 1 << 16);
    const p = rt.alloc(4 * (B * S + B * L + B));
    try {
      rt.i32(p, B * S).set(src);
      const out = p + 4 * B * S, len = out + 4 * B * L;
      this.#check(rt.ex.rnnlab_seq2seq_greedy(s.ptr, p, B, S, bos, eos, L, out, len));
      const lengths = rt.i32(len, B).slice();
      return Array.from(lengths, (n, i) => rt.i32(out + 4 * i * L, n).slice());
    } finally { rt.free(p); }
  }

  /**
   * Decodes one source with any search strategy (search.mjs options) from the encoder's context.
   * @param {Int32Array} src @param {import('./rnnlab.d.ts').DecodeOptions & { bos: number }} options
   */
  decode(src, options) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`decode: options must be an object (got ${show(options)})`);
    onlyKeys('decode', /** @type {Record<string, any>} */ (options), ['bos', ...DECODE_KEYS]);
    const { bos: bosOpt, ...rest } = /** @type {any} */ (options);
    const bos = checkInt('decode: options.bos', bosOpt, 0, s.TV - 1);
    if (Object.prototype.toString.call(src) !== '[object Int32Array]' || !src.length) fail(`decode: src must be a non-empty Int32Array (got ${show(src)})`);
    checkIds('decode: src', src, src.length, s.SV);
    const raw = decodeRaw('decode', /** @type {Record<string, unknown>} */ (rest), s.TV, this.#hooks.decodeDefaults(), rt.limits.maxElems);
    raw.vocab_size = s.TV;
    const result = decodeCall(rt, raw, src, 0, (cfg, ids, n, rows) => this.#check(rt.ex.rnnlab_seq2seq_decode(s.ptr, ids, n, bos, cfg, ...rows)));
    if (s.attention !== 'none') { // each hypothesis's attention rows, one per token
      result.attention = this.align(src, result.tokens, { bos });
      if (result.beams) for (const h of result.beams) h.attention = this.align(src, h.tokens, { bos });
    }
    return result;
  }

  /**
   * Exact match on held-out pairs of a sequence-to-sequence task.
   * @param {any} task @param {{ count?: number, length?: number, seed?: number, beamWidth?: number }} [options]
   */
  evaluate(task, options = {}) {
    const s = this.#live(), rt = s.rt;
    const ts = HANDLES.task.of(task);
    if (!ts) fail(`evaluate: task must be a task from lab.createTask (got ${show(task)})`);
    if (!ts.ptr) fail('evaluate: the task has been freed');
    if (!isObject(options)) fail(`evaluate: options must be an object (got ${show(options)})`);
    onlyKeys('evaluate', options, ['count', 'length', 'seed', 'beamWidth']);
    const count = options.count === undefined ? 0 : checkInt('evaluate: options.count', options.count, 1, 1 << 20);
    const length = options.length === undefined ? 0 : checkInt('evaluate: options.length', options.length, 1, 1 << 16);
    const seed = options.seed === undefined ? 1000 : checkInt('evaluate: options.seed', options.seed, 0, 2 ** 53 - 1);
    const beam = options.beamWidth === undefined ? 1 : checkInt('evaluate: options.beamWidth', options.beamWidth, 1, 1024);
    const p = rt.alloc(4 * RESULT_FIELDS.length);
    try {
      this.#check(rt.ex.rnnlab_wasm_seq2seq_evaluate(s.ptr, ts.ptr, count, length, seed % 2 ** 32, Math.floor(seed / 2 ** 32), beam, p));
      const r = rt.readStruct(p, RESULT_FIELDS);
      return { loss: r.loss, accuracy: r.accuracy, stepAccuracy: r.step_accuracy, sequences: r.sequences, steps: r.steps, solved: r.solved !== 0 };
    } finally { rt.free(p); }
  }

  /** @param {number} which 0 weights, 1 gradients */
  #tensors(which) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    /** @type {Record<string, Float32Array>} */
    const out = {};
    for (const t of s.tensors) {
      const n = t.rows * t.cols, p = rt.alloc(4 * n);
      try {
        if (t.attention) this.#check(ex.rnnlab_seq2seq_attention_get_tensor(s.ptr, t.index, which, p));
        else rt.check(ex.rnnlab_model_get_tensor(t.model, t.index, which, p), 'model', t.model);
        out[t.name] = rt.f32(p, n).slice();
      } finally { rt.free(p); }
    }
    return out;
  }

  /** Weights in PyTorch layout, named 'encoder.*' and 'decoder.*'. */
  getWeights() { return this.#tensors(0); }
  /** Gradients of the last backward (or step), same names. */
  getGradients() { return this.#tensors(1); }

  /** Sets some or all weights by name (validated: names, lengths, finite values). @param {Record<string, Float32Array>} weights */
  setWeights(weights) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(weights)) fail(`setWeights: weights must be an object (got ${show(weights)})`);
    const byName = new Map(s.tensors.map((t) => [t.name, t]));
    for (const [name, w] of Object.entries(weights)) {
      const t = byName.get(name);
      if (!t) fail(`setWeights: unknown tensor '${name}'`);
      if (Object.prototype.toString.call(w) !== '[object Float32Array]' || w.length !== t.rows * t.cols) {
        fail(`setWeights: ${name} must be a Float32Array of ${t.rows * t.cols} elements`);
      }
    }
    for (const [name, w] of Object.entries(weights)) {
      const t = /** @type {any} */ (byName.get(name)), p = rt.alloc(4 * w.length);
      try {
        rt.f32(p, w.length).set(w);
        if (t.attention) this.#check(rt.ex.rnnlab_seq2seq_attention_set_tensor(s.ptr, t.index, p));
        else rt.check(rt.ex.rnnlab_model_set_tensor(t.model, t.index, p), 'model', t.model);
      } finally { rt.free(p); }
    }
  }

  /** Frees the C object (idempotent). */
  free() {
    const s = this.#s;
    if (!s.ptr) return;
    s.rt.ex.rnnlab_seq2seq_free(s.ptr);
    s.ptr = 0;
  }
}

/**
 * Called by rnnlab.mjs for each new lab, before it is frozen: defines lab.createSeq2Seq.
 * @param {object} lab @param {any} rt
 * @param {{ configRaw: (c: unknown) => Record<string, number>, readConfig: (raw: Record<string, number>) => any,
 *           configFields: any, trainRaw: (o: unknown) => Record<string, number>, trainFields: any, stepResultFields: any,
 *           readTrain: (ptr: number) => Record<string, number>, trainOptions: (raw: Record<string, number>) => any,
 *           readTrace: (ptr: number, loss: number, withOutputs: boolean) => any }} hooks
 */
export function installSeq2Seq(lab, rt, hooks) {
  const ex = rt.ex;
  const absent = S2S_EXPORTS.filter((n) => !(n in ex));
  if (absent.length) fail(`the wasm module lacks exports ${absent.join(', ')} (stale build? run make)`);
  /** @type {Record<string, number> | undefined} */
  let decodeDefaults;
  const allHooks = {
    ...hooks,
    decodeDefaults: () => {
      if (!decodeDefaults) {
        const p = rt.alloc(4 * DECODE_FIELDS.length);
        try { ex.rnnlab_decode_config_default(p); decodeDefaults = Object.freeze(rt.readStruct(p, DECODE_FIELDS)); } finally { rt.free(p); }
      }
      return decodeDefaults;
    },
  };
  /**
   * @param {import('./rnnlab.d.ts').ModelConfig} config cell settings; inputSize = source vocabulary,
   *   outputSize = target vocabulary (task.modelConfig of a seq2seq task fits)
   * @param {import('./rnnlab.d.ts').TrainerOptions} [trainer] optimizer for step()
   */
  const createSeq2Seq = (config, trainer = {}) => {
    if (!isObject(config)) fail(`config must be an object (got ${show(config)})`);
    const c = /** @type {any} */ ({ ...config });
    if (c.input !== undefined && c.input !== 'onehot') fail(`config.input of a seq2seq model is 'onehot' (got ${show(c.input)})`);
    if (c.output !== undefined && c.output !== 'softmax') fail(`config.output of a seq2seq model is 'softmax' (got ${show(c.output)})`);
    const attention = c.attention === undefined ? 'none' : c.attention; // null is refused, as for every other key
    delete c.attention;
    const form = ATTENTION_FORMS.indexOf(attention);
    if (form < 0) fail(`config.attention must be one of ${ATTENTION_FORMS.map((f) => `'${f}'`).join(', ')} (got ${show(attention)})`);
    const raw = hooks.configRaw(c);
    const train = hooks.trainRaw(trainer);
    const cfgBytes = 4 * hooks.configFields.length;
    const p = rt.alloc(cfgBytes + 4 + ERRLEN);
    let ptr = 0;
    try {
      rt.writeStruct(p, hooks.configFields, raw);
      rt.u32(p + cfgBytes, 1)[0] = 0;
      rt.u8(p + cfgBytes + 4, 1)[0] = 0;
      rt.check(ex.rnnlab_seq2seq_create_attention(p, form, p + cfgBytes, p + cfgBytes + 4, ERRLEN), 'buffer', p + cfgBytes + 4);
      ptr = rt.u32(p + cfgBytes, 1)[0];
      if (!ptr) fail('rnnlab_seq2seq_create returned no model');
    } finally { rt.free(p); }
    return wrap(ptr, train);
  };
  /**
   * A Seq2Seq object for a new handle: tensor table and config read from C. train: the raw
   * optimizer config for step(). Frees ptr if it throws.
   * @param {number} ptr @param {Record<string, number>} train
   */
  const wrap = (ptr, train) => {
    try {
      const tensors = [];
      /** @type {[string, number][]} */
      const halves = [['encoder', ex.rnnlab_seq2seq_encoder(ptr) >>> 0], ['decoder', ex.rnnlab_seq2seq_decoder(ptr) >>> 0]];
      for (const [half, model] of halves) {
        const n = ex.rnnlab_model_tensor_count(model);
        for (let i = 0; i < n; i++) {
          const name = rt.cstr(ex.rnnlab_model_tensor_name(model, i));
          if (half === 'encoder' && name.startsWith('fc.')) continue; // unused readout
          tensors.push({ name: `${half}.${name}`, rows: ex.rnnlab_model_tensor_rows(model, i), cols: ex.rnnlab_model_tensor_cols(model, i), model, index: i });
        }
      }
      for (let i = 0, n = ex.rnnlab_seq2seq_attention_tensor_count(ptr); i < n; i++) {
        const name = rt.cstr(ex.rnnlab_seq2seq_attention_tensor_name(ptr, i));
        tensors.push({ name: `attention.${name}`, rows: ex.rnnlab_seq2seq_attention_tensor_rows(ptr, i), cols: ex.rnnlab_seq2seq_attention_tensor_cols(ptr, i), model: 0, index: i, attention: true });
      }
      const attention = ATTENTION_FORMS[ex.rnnlab_seq2seq_attention(ptr)], aligned = ex.rnnlab_seq2seq_aligned(ptr) === 1;
      // the seq2seq's config: the encoder's (its seed is the seq2seq's), the decoder's vocabulary
      const raw = rt.readStruct(ex.rnnlab_model_config(halves[0][1]) >>> 0, hooks.configFields);
      raw.output_size = rt.readStruct(ex.rnnlab_model_config(halves[1][1]) >>> 0, hooks.configFields).output_size;
      const normalised = { ...hooks.readConfig(raw), input: 'onehot', output: 'softmax', attention };
      return new Seq2Seq({ rt, ptr, config: Object.freeze(normalised), SV: raw.input_size, TV: raw.output_size, train, tensors, attention, aligned }, allHooks);
    } catch (e) { ex.rnnlab_seq2seq_free(ptr); throw e; }
  };
  /**
   * Rebuilds an encoder-decoder from s2s.save() bytes, with its optimizer state when they hold it
   * (training then resumes exactly). Bytes of a plain model are refused (use lab.loadModel).
   * @param {Uint8Array | ArrayBuffer} bytes
   */
  const loadSeq2Seq = (bytes) => {
    /** @type {Uint8Array} */
    let src;
    if (bytes instanceof ArrayBuffer || Object.prototype.toString.call(bytes) === '[object ArrayBuffer]') src = new Uint8Array(/** @type {ArrayBuffer} */ (bytes));
    else if (ArrayBuffer.isView(bytes)) src = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else fail(`loadSeq2Seq: bytes must be a Uint8Array or ArrayBuffer (got ${show(bytes)})`);
    if (src.length === 0) fail('loadSeq2Seq: bytes is empty, not a saved rnnlab seq2seq model');
    const n = src.length, at = Math.ceil(n / 16) * 16;
    const p = rt.alloc(at + 4 + ERRLEN);
    let ptr = 0;
    try {
      rt.u8(p, n).set(src);
      rt.u32(p + at, 1)[0] = 0;
      rt.u8(p + at + 4, 1)[0] = 0;
      const status = ex.rnnlab_seq2seq_load(p, n, 1, p + at, p + at + 4, ERRLEN);
      ptr = rt.u32(p + at, 1)[0];
      if (status !== 0 && ptr) ex.rnnlab_seq2seq_free(ptr); // never leak what a failing load may have built
      rt.check(status, 'buffer', p + at + 4);
      if (!ptr) fail('loadSeq2Seq: rnnlab_seq2seq_load returned no model');
    } finally { rt.free(p); }
    const t = ex.rnnlab_seq2seq_trainer(ptr, 0) >>> 0;
    const train = t ? hooks.readTrain(ex.rnnlab_wasm_trainer_config(t) >>> 0) : hooks.trainRaw({});
    return wrap(ptr, train);
  };
  Object.defineProperty(lab, 'loadSeq2Seq', { value: loadSeq2Seq, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(lab, 'createSeq2Seq', { value: createSeq2Seq, writable: true, configurable: true, enumerable: false });
}

