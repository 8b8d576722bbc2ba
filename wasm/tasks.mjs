// @ts-check
/**
 * tasks.mjs - the tasks of core/tasks/ for the rnnlab wrapper: lab.tasks, lab.createTask,
 * lab.loadCorpus, and lab.train and lab.recipes (the run helper of wasm/run.mjs).
 *
 * Owns: turning a JS options object into the C options string ("key=value,..."; unknown keys are
 * refused by C with a message naming the key), the Task object with an idempotent free(), copying
 * batches and results out of wasm memory, and the built-in corpora (the generated one lives in C;
 * the project's own C sources are wasm/corpus-c.txt, bundled by the Makefile and loaded here by
 * URL beside this file, or from disk in Node).
 * Does not own: generators and scorers (C), loading the module, or turning statuses into
 * exceptions: every C status goes through rnnlab.mjs's Runtime.check (the task's message is
 * handed to it as a 'buffer').
 *
 * Memory rule as in rnnlab.mjs: views of wasm memory are made after every call that may
 * allocate, never kept; copies go out.
 */

import { RECIPES, train } from './run.mjs';
import { checkInt, checkSeed, fail, isNode, isObject, show } from './check.mjs';
import { HANDLES, NATIVE_BLOCK } from './handles.mjs';
import { ERRLEN, INPUT_KINDS, OUTPUT_KINDS } from './names.mjs';
import { createCsvTask, csvTaskState } from './csvtask.mjs';

/**
 * The options of a held-out set ({ count, length, seed }; 0 = the task's default for count and
 * length), checked: [count, length, seed lo, seed hi].
 * @param {string} what @param {unknown} options @param {number} maxCount @param {number} maxLength
 * @returns {[number, number, number, number]}
 */
function evalOptions(what, options, maxCount, maxLength) {
  if (!isObject(options)) fail(`${what}: options must be an object (got ${show(options)})`);
  const o = /** @type {{ count?: unknown, length?: unknown, seed?: unknown }} */ (options);
  onlyKeys(o, what, ['count', 'length', 'seed']);
  const count = o.count === undefined ? 0 : checkInt('count', o.count, 1, maxCount);
  const length = o.length === undefined ? 0 : checkInt('length', o.length, 1, maxLength);
  const [lo, hi] = checkSeed('seed', /** @type {any} */ (o.seed) ?? 0);
  return [count, length, lo, hi];
}

/** @typedef {import('./rnnlab.d.ts').TaskOptions} TaskOptions */
/** @typedef {import('./rnnlab.d.ts').TaskResult} TaskResult */
/** @typedef {import('./rnnlab.d.ts').Seq2SeqBatch} Seq2SeqBatch */
/** @typedef {'i32' | 'u32' | 'f32'} FieldType */

/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_task_info, C field order */
const INFO_FIELDS = [
  ['input_size', 'i32'], ['input_kind', 'i32'], ['output_size', 'i32'], ['output_kind', 'i32'],
  ['is_seq2seq', 'i32'], ['vocab_size', 'i32'], ['pad_id', 'i32'], ['bos_id', 'i32'], ['eos_id', 'i32'],
  ['unk_id', 'i32'], ['length', 'i32'], ['min_length', 'i32'], ['max_length', 'i32'], ['eval_length', 'i32'],
  ['eval_count', 'i32'], ['target_accuracy', 'f32'], ['train_chars', 'i32'], ['heldout_chars', 'i32'],
  ['seed_lo', 'u32'], ['seed_hi', 'u32'],
];
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_task_result */
const RESULT_FIELDS = [
  ['loss', 'f32'], ['accuracy', 'f32'], ['step_accuracy', 'f32'], ['bpc', 'f32'], ['max_error', 'f32'],
  ['sequences', 'i32'], ['steps', 'i32'], ['solved', 'i32'],
  ['ngram1', 'f32'], ['ngram2', 'f32'], ['ngram3', 'f32'], ['ngram4', 'f32'], ['ngram5', 'f32'],
];
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_seq2seq_batch (pointers 4 bytes) */
const S2S_FIELDS = [
  ['batch', 'i32'], ['src_length', 'i32'], ['tgt_length', 'i32'], ['src', 'u32'], ['dec_in', 'u32'], ['dec_tgt', 'u32'],
];
/** @type {ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, FieldType]>]>} */
const LAYOUTS = [['rnnlab_task_info', INFO_FIELDS], ['rnnlab_task_result', RESULT_FIELDS], ['rnnlab_seq2seq_batch', S2S_FIELDS]];
const TASK_EXPORTS = [
  'rnnlab_task_count', 'rnnlab_task_name', 'rnnlab_task_option_keys', 'rnnlab_task_create', 'rnnlab_task_free',
  'rnnlab_task_error', 'rnnlab_task_get_info', 'rnnlab_task_reset', 'rnnlab_task_symbol', 'rnnlab_task_batch',
  'rnnlab_task_score', 'rnnlab_task_seq2seq_batch', 'rnnlab_task_seq2seq_score', 'rnnlab_wasm_task_evaluate',
  'rnnlab_wasm_task_seq2seq_eval', 'rnnlab_wasm_task_layout', 'rnnlab_task_max_batch',
];
/** Built-in corpora besides the generated 'grammar' one: name -> file beside this module. */
const CORPUS_FILES = Object.freeze({ c: 'corpus-c.txt' });
const UTF8_OUT = new TextEncoder();





/** @param {Record<string, unknown>} o @param {string} fn @param {readonly string[]} keys */
function onlyKeys(o, fn, keys) {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${fn}: unknown option '${k}' (known: ${keys.join(', ')})`);
}


/**
 * The text of a built-in corpus file beside this module (Node: from disk; elsewhere: fetch).
 * @param {string} file @returns {Promise<string>}
 */
async function readCorpusFile(file) {
  const url = new URL(`./${file}`, import.meta.url);
  if (url.protocol === 'file:' || isNode()) {
    // @ts-ignore: Node's types are not part of a browser build
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
    try { return await readFile(url, 'utf8'); }
    catch (e) { fail(`cannot read ${url.href}: ${/** @type {Error} */ (e).message} (built with 'make'?)`); }
  }
  const res = await fetch(url);
  if (!res.ok) fail(`cannot fetch ${url.href}: HTTP ${res.status}`);
  return res.text();
}

/**
 * @typedef {object} TaskState
 * @property {any} rt  rnnlab.mjs Runtime
 * @property {number} ptr  0 once freed
 * @property {string} name
 * @property {Record<string, number>} raw  rnnlab_task_info fields
 * @property {{ batchFields: ReadonlyArray<readonly [string, FieldType]>, ownModel: (m: unknown, fn: string) => any }} hooks
 * @property {number} batches  batches made so far (a nextBatch is valid while this is unchanged)
 * @property {number} block  wasm block of nextBatch (NATIVE_BLOCK), 0 until the first
 *   installTasks' hooks (the batch layout, model ownership checks)
 */

/** @type {(t: unknown) => TaskState | undefined} */
let taskState;

/** @param {TaskState} s */
function live(s) {
  if (!s.ptr) fail('task has been freed');
  return s;
}

/** @param {TaskState} s @param {number} status */
function check(s, status) { if (status !== 0) s.rt.check(status, 'buffer', s.rt.ex.rnnlab_task_error(s.ptr) >>> 0); }

/** The dynamical systems (core/tasks/systems.c), whose results use the five n-gram fields. */
const SYSTEMS = new Set(['vanderpol', 'lorenz', 'mackey-glass', 'limit-cycle', 'sine', 'flipflop']);
/** Those five fields' names for a system, in order; NaN (not defined) leaves a field out. */
const SYSTEM_FIELDS = /** @type {const} */ (['rmse', 'baselineRmse', 'horizonRmse', 'validSteps', 'validTime']);

/** rnnlab_task_result -> TaskResult. @param {Record<string, number>} r @param {string} name the task's */
function resultOut(r, name) {
  /** @type {TaskResult} */
  const out = {
    loss: r.loss, accuracy: r.accuracy, stepAccuracy: r.step_accuracy, sequences: r.sequences, steps: r.steps,
    solved: r.solved !== 0, maxError: r.max_error,
  };
  const n = [r.ngram1, r.ngram2, r.ngram3, r.ngram4, r.ngram5];
  if (name === 'text') {
    out.bpc = r.bpc;
    out.ngramBpc = n;
  } else if (SYSTEMS.has(name)) SYSTEM_FIELDS.forEach((k, i) => { if (!Number.isNaN(n[i])) out[k] = n[i]; });
  return out;
}

/** Symbol names, input (which = 0) or output (1). @param {any} rt @param {number} ptr @param {number} which @param {number} n */
function symbols(rt, ptr, which, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(rt.cstr(rt.ex.rnnlab_task_symbol(ptr, which, i)));
  return Object.freeze(out);
}

/**
 * A training batch the task made and left in wasm memory (task.nextBatch): learner.step takes it
 * without copying a value, so lab.train runs at the speed of the engine. Valid until the task
 * makes its next batch (nextBatch or batch) or is freed; a stale one is refused by name.
 * The block the batch struct lives in also has room for what a step writes beside it: the
 * optimizer config of a seq2seq step and the step result (NATIVE_BLOCK).
 */
class NativeBatch {
  #n;
  static { HANDLES.nativeBatch.define((x) => (x !== null && typeof x === 'object' && #n in x ? x.#n : undefined)); }

  /** @param {NativeState} n */
  constructor(n) { this.#n = n; Object.freeze(this); }

  /** rows in the batch */
  get batchSize() { return this.#n.rt.i32(this.#n.at(), 1)[0]; }
  /** steps of a plain batch (a seq2seq batch: undefined) */
  get length() { return this.#n.seq2seq ? undefined : this.#n.rt.i32(this.#n.at() + 4, 1)[0]; }
  /** a seq2seq batch's source and target lengths (a plain batch: undefined) */
  get srcLength() { return this.#n.seq2seq ? this.#n.rt.i32(this.#n.at() + 4, 1)[0] : undefined; }
  get tgtLength() { return this.#n.seq2seq ? this.#n.rt.i32(this.#n.at() + 8, 1)[0] : undefined; }
  /** true for a batch of a sequence-to-sequence task */
  get isSeq2seq() { return this.#n.seq2seq; }
}

/**
 * @typedef {{ rt: any, task: TaskState, seq2seq: boolean, gen: number, at: () => number }} NativeState
 */

class Task {
  #s;
  static { taskState = (t) => (t !== null && typeof t === 'object' && #s in t ? t.#s : undefined); HANDLES.task.define(taskState); }

  /** @param {TaskState} s */
  constructor(s) {
    this.#s = s;
    const r = s.raw, rt = s.rt;
    /** task name, e.g. 'parity' */
    this.name = s.name;
    /** what a model for this task needs: lab.createModel({ ...task.modelConfig, hiddenSize }) */
    this.modelConfig = Object.freeze({
      inputSize: r.input_size, input: INPUT_KINDS[r.input_kind], outputSize: r.output_size, output: OUTPUT_KINDS[r.output_kind],
    });
    this.inputSize = r.input_size;
    this.input = INPUT_KINDS[r.input_kind];
    this.outputSize = r.output_size;
    this.output = OUTPUT_KINDS[r.output_kind];
    this.isSeq2seq = r.is_seq2seq !== 0;
    this.vocabSize = r.vocab_size;
    /** names of the input symbols (text: the characters; UNK is '\uFFFD') */
    this.symbols = symbols(rt, s.ptr, 0, r.input_size);
    /** names of the output classes / units */
    this.outputSymbols = symbols(rt, s.ptr, 1, r.output_size);
    const id = (/** @type {number} */ v) => (v < 0 ? null : v);
    this.specials = Object.freeze({ pad: id(r.pad_id), bos: id(r.bos_id), eos: id(r.eos_id), unk: id(r.unk_id) });
    /** default training length, shortest row, largest length accepted */
    this.length = r.length;
    this.minLength = r.min_length;
    this.maxLength = r.max_length;
    /** the task's success criterion: accuracy >= target on count fresh sequences of length
     * (text: solved = bits per character below every n-gram baseline) */
    this.criterion = Object.freeze({ length: r.eval_length, count: r.eval_count, target: r.target_accuracy });
    const seed = (BigInt(r.seed_hi) << 32n) | BigInt(r.seed_lo);
    this.seed = seed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seed) : seed;
    if (s.name === 'text') this.split = Object.freeze({ train: r.train_chars, heldout: r.heldout_chars });
    Object.freeze(this);
  }

  /** True once free() ran. */
  get freed() { return this.#s.ptr === 0; }

  /**
   * The next training batch, as batch() makes it, but left in the engine's memory: pass it to
   * learner.step (lab.train does). Valid until this task makes another batch or is freed.
   * @param {number} batchSize @param {{ length?: number }} [options]
   */
  nextBatch(batchSize, options = {}) {
    const s = live(this.#s), rt = s.rt, ex = rt.ex;
    checkInt('batchSize', batchSize, 1, 1 << 20);
    if (!isObject(options)) fail(`nextBatch: options must be an object (got ${show(options)})`);
    onlyKeys(options, 'nextBatch', ['length']);
    const L = options.length === undefined ? 0 : checkInt('length', options.length, 1, s.raw.max_length);
    if (!s.block) s.block = rt.alloc(NATIVE_BLOCK.bytes);
    const gen = ++s.batches;
    check(s, this.isSeq2seq ? ex.rnnlab_task_seq2seq_batch(s.ptr, batchSize, L, s.block + NATIVE_BLOCK.batch)
      : ex.rnnlab_task_batch(s.ptr, batchSize, L, s.block + NATIVE_BLOCK.batch));
    return new NativeBatch({
      rt, task: s, seq2seq: this.isSeq2seq, gen,
      at: () => {
        if (!s.ptr) fail('the task of this batch has been freed');
        if (s.batches !== gen) fail('this batch from task.nextBatch is stale: the task has made another batch since');
        return s.block;
      },
    });
  }

  /**
   * The largest batchSize batch() accepts at length (default: the task's length), by the engine's
   * own rule (rnnlab_task_max_batch). text: the training split holds that many parallel streams
   * of at least 2 (length + 1) characters each, floor(split.train / (2 (length + 1))); 0 when the
   * text is too short for one. Other tasks: the engine's batch limits. Seq2seq tasks throw.
   * @param {number} [length]
   */
  maxBatchSize(length) {
    const s = live(this.#s), ex = s.rt.ex;
    if (this.isSeq2seq) fail(`maxBatchSize: task '${s.name}' is sequence-to-sequence: its batches have no stream limit`);
    const L = length === undefined ? 0 : checkInt('length', length, 1, s.raw.max_length);
    const n = ex.rnnlab_task_max_batch(s.ptr, L);
    if (n < 0) check(s, 1);
    return n;
  }

  /**
   * The next training batch from the task's own stream, copied out (the engine's Batch format;
   * seq2seq tasks: a Seq2SeqBatch).
   * @param {number} batchSize @param {{ length?: number }} [options]
   */
  batch(batchSize, options = {}) {
    const s = live(this.#s), rt = s.rt, ex = rt.ex;
    checkInt('batchSize', batchSize, 1, 1 << 20);
    if (!isObject(options)) fail(`batch: options must be an object (got ${show(options)})`);
    onlyKeys(options, 'batch', ['length']);
    const L = options.length === undefined ? 0 : checkInt('length', options.length, 1, s.raw.max_length);
    s.batches++; // a nextBatch made before is stale now: the buffers are the task's
    if (this.isSeq2seq) {
      const p = rt.alloc(4 * S2S_FIELDS.length);
      try {
        check(s, ex.rnnlab_task_seq2seq_batch(s.ptr, batchSize, L, p));
        return s2sOut(rt, rt.readStruct(p, S2S_FIELDS));
      } finally { rt.free(p); }
    }
    const fields = /** @type {ReadonlyArray<readonly [string, FieldType]>} */ (s.hooks.batchFields);
    const p = rt.alloc(4 * fields.length);
    try {
      check(s, ex.rnnlab_task_batch(s.ptr, batchSize, L, p));
      const b = rt.readStruct(p, fields), B = b.batch, T = b.length, n = B * T;
      const I = s.raw.input_size, V = s.raw.output_size;
      return {
        inputs: b.tokens ? rt.i32(b.tokens, n).slice() : rt.f32(b.inputs, n * I).slice(),
        targets: b.target_ids ? rt.i32(b.target_ids, n).slice() : rt.f32(b.targets, n * V).slice(),
        mask: rt.f32(b.mask, n).slice(),
        batchSize: B, length: T, carryState: b.carry_state !== 0,
      };
    } finally { rt.free(p); }
  }

  /**
   * Evaluates a model on fresh held-out data with the task's criterion.
   * @param {any} model @param {{ count?: number, length?: number, seed?: number | bigint }} [options]
   * @returns {TaskResult}
   */
  evaluate(model, options = {}) {
    const s = live(this.#s), rt = s.rt;
    const m = s.hooks.ownModel(model, 'evaluate');
    const [count, length, lo, hi] = evalOptions('evaluate', options, 1 << 24, s.raw.max_length);
    const p = rt.alloc(4 * RESULT_FIELDS.length);
    try {
      check(s, rt.ex.rnnlab_wasm_task_evaluate(s.ptr, m.ptr, count, length, lo, hi, p));
      return resultOut(rt.readStruct(p, RESULT_FIELDS), s.name);
    } finally { rt.free(p); }
  }

  /**
   * Accuracy against test length: evaluate at each length (the generalisation curve).
   * @param {any} model @param {{ lengths: number[], count?: number, seed?: number | bigint }} options
   */
  generalization(model, options) {
    if (!isObject(options)) fail(`generalization: options must be an object (got ${show(options)})`);
    onlyKeys(options, 'generalization', ['lengths', 'count', 'seed']);
    const lengths = options.lengths;
    if (!Array.isArray(lengths) || !lengths.length) fail(`generalization: lengths must be a non-empty array (got ${show(lengths)})`);
    return lengths.map((length) => {
      const r = this.evaluate(model, { length, count: options.count, seed: options.seed });
      return { length, accuracy: r.accuracy, stepAccuracy: r.stepAccuracy, loss: r.loss };
    });
  }

  /**
   * Scores outputs (B*T*V, e.g. model.forward(batch).outputs) against a batch of this task.
   * @param {{ inputs: Int32Array | Float32Array, targets: Int32Array | Float32Array, mask?: Float32Array | null, batchSize: number, length: number }} batch
   * @param {Float32Array} outputs
   */
  score(batch, outputs) {
    const s = live(this.#s), rt = s.rt;
    if (this.isSeq2seq) fail(`task '${s.name}' is sequence-to-sequence: use task.scoreSequences`);
    if (!isObject(batch)) fail(`score: batch must be an object (got ${show(batch)})`);
    const B = checkInt('batch.batchSize', batch.batchSize, 1, 1 << 24), T = checkInt('batch.length', batch.length, 1, 1 << 24);
    const V = this.outputSize, cls = this.output === 'softmax';
    /** @param {string} name @param {unknown} a @param {string} type @param {number} n */
    const arr = (name, a, type, n) => {
      if (Object.prototype.toString.call(a) !== `[object ${type}]`) fail(`score: ${name} must be a ${type} (got ${show(a)})`);
      if (/** @type {ArrayLike<number>} */ (a).length !== n) fail(`score: ${name} must have ${n} elements, got ${/** @type {ArrayLike<number>} */ (a).length}`);
      return /** @type {Int32Array | Float32Array} */ (a);
    };
    const tg = arr('batch.targets', batch.targets, cls ? 'Int32Array' : 'Float32Array', B * T * (cls ? 1 : V));
    const mk = batch.mask == null ? null : arr('batch.mask', batch.mask, 'Float32Array', B * T);
    const out = arr('outputs', outputs, 'Float32Array', B * T * V);
    const fields = /** @type {ReadonlyArray<readonly [string, FieldType]>} */ (s.hooks.batchFields);
    const nb = 4 * fields.length, nt = 4 * tg.length, nm = mk ? 4 * B * T : 0, no = 4 * out.length;
    const p = rt.alloc(nb + nt + nm + no + 4 * RESULT_FIELDS.length);
    try {
      (cls ? rt.i32(p + nb, tg.length) : rt.f32(p + nb, tg.length)).set(tg);
      if (mk) rt.f32(p + nb + nt, B * T).set(mk);
      rt.f32(p + nb + nt + nm, out.length).set(out);
      rt.writeStruct(p, fields, {
        batch: B, length: T, target_ids: cls ? p + nb : 0, targets: cls ? 0 : p + nb, mask: mk ? p + nb + nt : 0,
      });
      const r = p + nb + nt + nm + no;
      check(s, rt.ex.rnnlab_task_score(s.ptr, p, p + nb + nt + nm, r));
      return resultOut(rt.readStruct(r, RESULT_FIELDS), s.name);
    } finally { rt.free(p); }
  }

  /**
   * Sequence-to-sequence tasks: count held-out pairs at exactly length, from seed.
   * @param {{ count?: number, length?: number, seed?: number | bigint }} [options]
   * @returns {Seq2SeqBatch}
   */
  evalSet(options = {}) {
    const s = live(this.#s), rt = s.rt;
    const [count, length, lo, hi] = evalOptions('evalSet', options, 1 << 20, s.raw.max_length);
    const p = rt.alloc(4 * S2S_FIELDS.length);
    try {
      check(s, rt.ex.rnnlab_wasm_task_seq2seq_eval(s.ptr, count, length, lo, hi, p));
      return s2sOut(rt, rt.readStruct(p, S2S_FIELDS));
    } finally { rt.free(p); }
  }

  /**
   * Sequence-to-sequence tasks: exact match of predicted token rows against ref (from evalSet or
   * batch). predictions: Int32Array (batchSize * width) or one array per row; a row ends at its
   * first EOS or negative token.
   * @param {Seq2SeqBatch} ref @param {Int32Array | ArrayLike<number>[]} predictions @param {number} [width]
   */
  scoreSequences(ref, predictions, width) {
    const s = live(this.#s), rt = s.rt;
    if (!isObject(ref)) fail(`scoreSequences: ref must be a batch from task.evalSet (got ${show(ref)})`);
    const B = checkInt('ref.batchSize', ref.batchSize, 1, 1 << 20), S = checkInt('ref.srcLength', ref.srcLength, 1, 1 << 20);
    const U = checkInt('ref.tgtLength', ref.tgtLength, 1, 1 << 20);
    for (const [k, n] of /** @type {const} */ ([['src', B * S], ['decIn', B * U], ['decTgt', B * U]])) {
      const a = ref[k];
      if (Object.prototype.toString.call(a) !== '[object Int32Array]' || a.length !== n) fail(`scoreSequences: ref.${k} must be an Int32Array of ${n} elements`);
    }
    /** @type {Int32Array} */
    let pred;
    /** @type {number} */
    let P;
    if (Array.isArray(predictions)) {
      if (predictions.length !== B) fail(`scoreSequences: ${predictions.length} prediction rows for ${B} references`);
      P = Math.max(1, ...predictions.map((r) => r.length));
      pred = new Int32Array(B * P).fill(-1);
      predictions.forEach((r, i) => pred.set(Array.from(r), i * P));
    } else if (Object.prototype.toString.call(predictions) === '[object Int32Array]') {
      pred = /** @type {Int32Array} */ (predictions);
      P = width ?? pred.length / B;
      if (!Number.isInteger(P) || P < 1 || pred.length !== B * P) fail(`scoreSequences: predictions must hold batchSize * width = ${B} * ${P} tokens (got ${pred.length})`);
    } else fail(`scoreSequences: predictions must be an Int32Array or an array of rows (got ${show(predictions)})`);
    const ns = 4 * S2S_FIELDS.length, o1 = ns, o2 = o1 + 4 * B * S, o3 = o2 + 4 * B * U, o4 = o3 + 4 * B * U, o5 = o4 + 4 * pred.length;
    const p = rt.alloc(o5 + 4 * RESULT_FIELDS.length);
    try {
      rt.i32(p + o1, B * S).set(ref.src);
      rt.i32(p + o2, B * U).set(ref.decIn);
      rt.i32(p + o3, B * U).set(ref.decTgt);
      rt.i32(p + o4, pred.length).set(pred);
      rt.writeStruct(p, S2S_FIELDS, { batch: B, src_length: S, tgt_length: U, src: p + o1, dec_in: p + o2, dec_tgt: p + o3 });
      check(s, rt.ex.rnnlab_task_seq2seq_score(s.ptr, p, p + o4, P, p + o5));
      return resultOut(rt.readStruct(p + o5, RESULT_FIELDS), s.name);
    } finally { rt.free(p); }
  }

  /** Restarts the training stream from the task's seed. */
  reset() { const s = live(this.#s); s.rt.ex.rnnlab_task_reset(s.ptr); }

  /** Idempotent. */
  free() {
    const s = this.#s;
    if (!s.ptr) return;
    s.rt.ex.rnnlab_task_free(s.ptr);
    if (s.block) s.rt.free(s.block);
    s.ptr = 0, s.block = 0;
  }
}


/** rnnlab_seq2seq_batch (read) -> Seq2SeqBatch (copies). @param {any} rt @param {Record<string, number>} b */
function s2sOut(rt, b) {
  const B = b.batch, S = b.src_length, U = b.tgt_length;
  return {
    batchSize: B, srcLength: S, tgtLength: U,
    src: rt.i32(b.src, B * S).slice(), decIn: rt.i32(b.dec_in, B * U).slice(), decTgt: rt.i32(b.dec_tgt, B * U).slice(),
  };
}

/**
 * The C options string. Values: finite numbers, BigInt (seed) or strings without ',' and '='.
 * @param {string} name @param {Record<string, unknown>} options
 */
function optionString(name, options) {
  const parts = [];
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(k)) fail(`createTask('${name}'): unknown option ${show(k)}`);
    let text;
    if (typeof v === 'number' && Number.isFinite(v)) text = Number.isInteger(v) ? v.toFixed(0) : String(v);
    else if (typeof v === 'bigint') text = v.toString();
    else if (typeof v === 'string' && v.length && !/[,=]/.test(v)) text = v;
    else fail(`createTask('${name}'): option ${k} must be a number or a word (got ${show(v)})`);
    parts.push(`${k}=${text}`);
  }
  return parts.join(',');
}

/**
 * Called by rnnlab.mjs for each new lab, before the lab is frozen: checks the module's task
 * exports and struct layouts, then defines lab.tasks, lab.createTask, lab.loadCorpus, lab.train.
 * @param {object} lab @param {any} rt rnnlab.mjs Runtime
 * @param {{ modelState: (m: unknown) => any, trainerState: (t: unknown) => any, batchFields: ReadonlyArray<readonly [string, FieldType]>,
 *           stepResultFields: ReadonlyArray<readonly [string, FieldType]> }} hooks
 */
export function installTasks(lab, rt, hooks) {
  const ex = rt.ex;
  const absent = TASK_EXPORTS.filter((n) => !(n in ex));
  if (absent.length) fail(`the wasm module lacks exports ${absent.join(', ')} (stale build? run make)`);
  for (const [what, [cname, fields]] of LAYOUTS.entries()) {
    const size = ex.rnnlab_wasm_task_layout(what, -1);
    const offsets = fields.map((_, i) => ex.rnnlab_wasm_task_layout(what, i));
    if (size !== 4 * fields.length || offsets.some((o, i) => o !== 4 * i) || ex.rnnlab_wasm_task_layout(what, fields.length) !== -1) {
      fail(`${cname} layout mismatch: C says ${size} bytes, offsets [${offsets}]; tasks.mjs expects ${fields.length} 4-byte fields`);
    }
  }
  const names = Object.freeze(Array.from({ length: ex.rnnlab_task_count() }, (_, i) => rt.cstr(ex.rnnlab_task_name(i))));
  /** @type {Map<string, string>} corpora loaded by lab.loadCorpus */
  const corpora = new Map();

  /** @param {unknown} model @param {string} fn */
  const ownModel = (model, fn) => {
    const s = hooks.modelState(model);
    if (!s) fail(`${fn}: model must be a model created by lab.createModel or lab.loadModel (got ${show(model)})`);
    if (s.rt !== rt) fail(`${fn}: model belongs to another loaded rnnlab instance`);
    if (!s.ptr) fail('model has been freed');
    return s;
  };
  const taskHooks = { ...hooks, ownModel };

  /** @param {string} name @param {TaskOptions} [options] */
  const createTask = (name, options = {}) => {
    if (name === 'csv') return createCsvTask(options, { rt, ownModel }); // your own sequences: csvtask.mjs
    if (typeof name !== 'string' || !names.includes(name)) fail(`unknown task ${show(name)} (known: ${names.join(', ')}, csv)`);
    if (!isObject(options)) fail(`createTask: options must be an object (got ${show(options)})`);
    const { text, corpus, ...rest } = options;
    /** @type {Uint8Array | null} */
    let bytes = null;
    if (text !== undefined) {
      if (name !== 'text') fail(`createTask('${name}'): option text is for the 'text' task only`);
      if (corpus !== undefined) fail(`createTask('text'): give either text or corpus, not both`);
      if (typeof text === 'string') bytes = UTF8_OUT.encode(text);
      else if (text instanceof Uint8Array) bytes = text;
      else fail(`createTask('text'): text must be a string or a Uint8Array of UTF-8 (got ${show(text)})`);
    } else if (corpus !== undefined) {
      if (name !== 'text') fail(`createTask('${name}'): option corpus is for the 'text' task only`);
      if (corpus === 'grammar') /** @type {Record<string, unknown>} */ (rest).corpus = 'grammar';
      else if (typeof corpus === 'string' && Object.hasOwn(CORPUS_FILES, corpus)) {
        const loaded = corpora.get(corpus);
        if (loaded === undefined) fail(`createTask('text'): corpus '${corpus}' is not loaded yet: await lab.loadCorpus('${corpus}') first`);
        bytes = UTF8_OUT.encode(loaded);
      } else fail(`createTask('text'): corpus must be one of ${['grammar', ...Object.keys(CORPUS_FILES)].join(', ')} (got ${show(corpus)})`);
    }
    const opts = optionString(name, rest);
    const nameBytes = UTF8_OUT.encode(name), optBytes = UTF8_OUT.encode(opts);
    const nText = bytes ? bytes.length : 0;
    const oName = 0, oOpt = oName + nameBytes.length + 1, oText = oOpt + optBytes.length + 1;
    const oOut = (oText + nText + 3) & ~3, oErr = oOut + 4;
    const p = rt.alloc(oErr + ERRLEN);
    let ptr = 0;
    try {
      rt.u8(p + oName, nameBytes.length + 1).set([...nameBytes, 0]);
      const ob = rt.u8(p + oOpt, optBytes.length + 1);
      ob.set(optBytes);
      ob[optBytes.length] = 0;
      if (bytes) rt.u8(p + oText, nText).set(bytes);
      rt.u32(p + oOut, 1)[0] = 0;
      rt.u8(p + oErr, 1)[0] = 0;
      const status = ex.rnnlab_task_create(p + oName, p + oOpt, bytes ? p + oText : 0, nText, p + oOut, p + oErr, ERRLEN);
      rt.check(status, 'buffer', p + oErr);
      ptr = rt.u32(p + oOut, 1)[0];
      if (!ptr) fail('rnnlab_task_create returned no task');
    } finally { rt.free(p); }
    try {
      const raw = rt.readStruct(ex.rnnlab_task_get_info(ptr) >>> 0, INFO_FIELDS);
      return new Task({ rt, ptr, name, raw, hooks: taskHooks, batches: 0, block: 0 });
    } catch (e) { ex.rnnlab_task_free(ptr); throw e; }
  };

  /** @param {string} name */
  const loadCorpus = async (name) => {
    if (typeof name !== 'string' || !Object.hasOwn(CORPUS_FILES, name)) {
      fail(`loadCorpus: corpus must be one of ${Object.keys(CORPUS_FILES).join(', ')} (got ${show(name)}; 'grammar' is generated, no loading needed)`);
    }
    let text = corpora.get(name);
    if (text === undefined) {
      text = await readCorpusFile(/** @type {Record<string, string>} */ (CORPUS_FILES)[name]);
      corpora.set(name, text);
    }
    return text;
  };

  const method = (/** @type {Function} */ value) => ({ value, writable: true, configurable: true, enumerable: false });
  Object.defineProperties(lab, {
    tasks: { value: names, enumerable: true },
    corpora: { value: Object.freeze(['grammar', ...Object.keys(CORPUS_FILES)]), enumerable: true },
    recipes: { value: RECIPES, enumerable: true },
    createTask: method(createTask),
    loadCorpus: method(loadCorpus),
    train: method((/** @type {any} */ options) => train({ lab, rt, taskState: (t) => taskState(t) ?? csvTaskState(t), ownModel, ...hooks }, options)),
  });
}
