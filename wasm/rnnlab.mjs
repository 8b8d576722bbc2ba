// @ts-check
/**
 * rnnlab.mjs - the ES-module wrapper of the rnnlab engine (rnnlab.wasm / rnnlab-scalar.wasm).
 *
 * Owns: loading the standalone wasm (no Emscripten glue) in Node >= 20, pages and Web Workers;
 * turning JS configs and batches into the C structs of core/rnnlab.h and back; the Model and
 * Trainer objects with an idempotent free(). Statuses from C become exceptions in exactly one
 * place (`check`); arguments are validated here first so messages name the argument, and the C
 * core validates everything again.
 * Does not own: any DOM code, training loops, tasks or widgets (those live in web/).
 *
 * Memory rule: memory.grow (inside malloc, or inside any C call that allocates) detaches every
 * typed-array view of wasm memory. Views are therefore made on demand, after the allocations
 * and after the C call, never kept. Every temporary allocation is freed in a `finally`.
 *
 *   import { load } from './rnnlab.mjs';
 *   const lab = await load();
 *   const model = lab.createModel({ cell: 'lstm', inputSize: 4, hiddenSize: 16, outputSize: 4 });
 *   const { outputs, loss } = model.forward({ inputs, targets, batchSize: 2, length: 8 });
 */

import { installSearch, searchImports } from './search.mjs';
import { installTasks } from './tasks.mjs';
import { installSeq2Seq } from './seq2seq.mjs';
import { installRidge } from './ridge.mjs';
import { installBoltzmann } from './boltzmann.mjs';
import { installIsing } from './ising.mjs';
import { installHopfield } from './hopfield.mjs';
import { installRBM } from './rbm.mjs'; // restricted Boltzmann machines
import { installPatterns } from './patterns.mjs'; // lab.patterns
import { installDBN } from './dbn.mjs'; // deep belief nets
import { fixedPoints, lyapunov, rollout } from './dynamics.mjs';
import { checkInt, checkSeed, fail, isNode, isObject, show } from './check.mjs';
import { HANDLES, NATIVE_BLOCK } from './handles.mjs';
import { ACTIVATIONS, CELLS, C_OPTIMIZERS, DEFAULT_TRAINER, ERRLEN, GATE_NAMES, INITS, INPUT_KINDS, LSTM_VARIANTS, OPTIMIZERS, OUTPUT_KINDS, FILE_KINDS, fileKind, jsNames } from './names.mjs';
export { parseSequences } from './csv.mjs'; // your own sequences: the loader, without a lab
export { patternsFromText } from './patterns.mjs'; // your own vectors for the energy nets (through that loader)

/** @typedef {import('./rnnlab.d.ts').ModelConfig} ModelConfig */
/** @typedef {import('./rnnlab.d.ts').TrainerOptions} TrainerOptions */
/** @typedef {import('./rnnlab.d.ts').Batch} Batch */
/** @typedef {import('./rnnlab.d.ts').LoadOptions} LoadOptions */
/** @typedef {import('./rnnlab.d.ts').TensorInfo} TensorInfo */
/** @typedef {import('./rnnlab.d.ts').TraceLayer} TraceLayer */

// ---- names: the index in each list is the C enum value (core/rnnlab.h) ----

// CELLS, LSTM_VARIANTS, ACTIVATIONS, INPUT_KINDS, OUTPUT_KINDS, INITS, C_OPTIMIZERS, OPTIMIZERS and
// GATE_NAMES come from names.mjs: the index in each list is the C enum value (core/rnnlab.h).

// ---- struct layouts: C field order, every field 4 bytes (checked against C at load) ----

/** @typedef {'i32' | 'u32' | 'f32'} FieldType */
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_config */
const CONFIG_FIELDS = [
  ['cell', 'i32'], ['variant', 'i32'], ['reset_after', 'i32'], ['activation', 'i32'],
  ['input_size', 'i32'], ['input_kind', 'i32'], ['hidden_size', 'i32'], ['layers', 'i32'],
  ['bidirectional', 'i32'], ['output_size', 'i32'], ['output_kind', 'i32'], ['init', 'i32'],
  ['init_scale', 'f32'], ['forget_bias', 'f32'], ['g_lo', 'f32'], ['g_hi', 'f32'],
  ['h_lo', 'f32'], ['h_hi', 'f32'], ['alpha', 'f32'], ['spectral_radius', 'f32'],
  ['input_scale', 'f32'], ['seed_lo', 'u32'], ['seed_hi', 'u32'], ['learn_tau', 'i32'],
];
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_train_config */
const TRAIN_CONFIG_FIELDS = [
  ['optimizer', 'i32'], ['learning_rate', 'f32'], ['momentum', 'f32'], ['nesterov', 'i32'],
  ['beta1', 'f32'], ['beta2', 'f32'], ['eps', 'f32'], ['weight_decay', 'f32'],
  ['clip_norm', 'f32'], ['clip_value', 'f32'], ['truncate', 'i32'],
];
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_batch (pointers are 4 bytes on wasm32) */
const BATCH_FIELDS = [
  ['batch', 'i32'], ['length', 'i32'], ['tokens', 'u32'], ['inputs', 'u32'],
  ['target_ids', 'u32'], ['targets', 'u32'], ['mask', 'u32'], ['carry_state', 'i32'],
];
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_step_result */
const STEP_RESULT_FIELDS = [['loss', 'f32'], ['grad_norm', 'f32'], ['clipped', 'i32'], ['chunks', 'i32']];
/** @type {ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, FieldType]>]>} rnnlab_wasm_layout(what, ...) index of each table */
const LAYOUTS = [['rnnlab_config', CONFIG_FIELDS], ['rnnlab_train_config', TRAIN_CONFIG_FIELDS],
  ['rnnlab_batch', BATCH_FIELDS], ['rnnlab_step_result', STEP_RESULT_FIELDS]];

/** rnnlab_wasm_limit(index); 5 and 6 are RNNLAB_CONFIG_FIELDS and RNNLAB_TRAIN_CONFIG_FIELDS */
const LIMIT_NAMES = ['maxHidden', 'maxLayers', 'maxIO', 'maxParams', 'maxElems'];

/** wasm32 with -sMAXIMUM_MEMORY=2GiB: refuse any single allocation this large before malloc */
const MAX_ALLOC = 2 ** 31 - 2 ** 24;
/** the wasm heap's ceiling (-sMAXIMUM_MEMORY), and what to keep free for the module's data, stack and
 * the small blocks of a call (batches, results) */
const HEAP_MAX = 2 ** 31, HEAP_SLACK = 32 << 20;
/** A byte count for a message: MB below a GiB, else GiB. @param {number} n */
const bytesText = (n) => (n < 2 ** 30 ? `${Math.ceil(n / 2 ** 20)} MB` : `${(n / 2 ** 30).toFixed(2)} GiB`);
/** Exports the wrapper calls (wasm/exports.txt), checked at load so a stale build fails clearly. */
const REQUIRED_EXPORTS = [
  'memory', 'malloc', 'free',
  'rnnlab_version', 'rnnlab_status_str', 'rnnlab_config_default', 'rnnlab_train_config_default',
  'rnnlab_model_create', 'rnnlab_model_free', 'rnnlab_model_error', 'rnnlab_model_config',
  'rnnlab_model_forward', 'rnnlab_model_backward', 'rnnlab_model_zero_grad', 'rnnlab_model_reset_state',
  'rnnlab_model_tensor_count', 'rnnlab_model_tensor_name', 'rnnlab_model_tensor_rows',
  'rnnlab_model_tensor_cols', 'rnnlab_model_get_tensor', 'rnnlab_model_set_tensor',
  'rnnlab_model_trace', 'rnnlab_model_trace_batch', 'rnnlab_model_trace_length', 'rnnlab_model_trace_pass',
  'rnnlab_trainer_create', 'rnnlab_trainer_free', 'rnnlab_trainer_error', 'rnnlab_trainer_step',
  'rnnlab_trainer_set_learning_rate', 'rnnlab_model_save_size', 'rnnlab_model_save', 'rnnlab_model_load',
  'rnnlab_wasm_simd', 'rnnlab_wasm_limit', 'rnnlab_wasm_layout', 'rnnlab_wasm_param_count',
  'rnnlab_wasm_trainer_steps', 'rnnlab_wasm_trainer_config',
  'rnnlab_model_pass_bytes', 'rnnlab_model_reserve', 'rnnlab_wasm_heap_used',
  'rnnlab_trainer_set_closed_loop', 'rnnlab_trainer_closed_loop',
];

// ---- small helpers ----



/** Typed-array brand check that also works across realms. @param {unknown} v @param {string} type */
const isA = (v, type) => Object.prototype.toString.call(v) === `[object ${type}]`;
/** @param {number} n */
const align16 = (n) => Math.ceil(n / 16) * 16; // not bitwise: byte counts may pass 2^31
/** @param {number} x float as stored in a C float */
const finiteF32 = (x) => typeof x === 'number' && Number.isFinite(Math.fround(x));

/** First index of a non-finite value (as float32), or -1. @param {ArrayLike<number>} a */
function nonFiniteIndex(a) {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(Math.fround(a[i]))) return i;
  return -1;
}

/** @param {string} name @param {ArrayLike<number>} a */
function checkFinite(name, a) {
  const i = nonFiniteIndex(a);
  if (i >= 0) fail(`${name} must be finite: ${name}[${i}] is ${a[i]}`);
}


/**
 * A number in a range; lo/hi inclusive unless open. Also finite as float32.
 * @param {string} name @param {unknown} v
 * @param {{ min?: number, max?: number, minOpen?: boolean, maxOpen?: boolean }} r
 * @returns {number}
 */
function checkNumber(name, v, r = {}) {
  const ok = typeof v === 'number' && finiteF32(v) &&
    (r.min === undefined || (r.minOpen ? v > r.min : v >= r.min)) &&
    (r.max === undefined || (r.maxOpen ? v < r.max : v <= r.max));
  if (!ok) {
    const parts = [];
    if (r.min !== undefined) parts.push(`${r.minOpen ? '>' : '>='} ${r.min}`);
    if (r.max !== undefined) parts.push(`${r.maxOpen ? '<' : '<='} ${r.max}`);
    fail(`${name} must be a finite number${parts.length ? ' ' + parts.join(' and ') : ''} (got ${show(v)})`);
  }
  return /** @type {number} */ (v);
}

/** @param {string} name @param {unknown} v @param {readonly string[]} list */
function checkEnum(name, v, list) {
  const i = typeof v === 'string' ? list.indexOf(v) : -1;
  if (i < 0) fail(`${name} must be one of ${list.join(', ')} (got ${show(v)})`);
  return i;
}

/** @param {string} name @param {unknown} v */
function checkBool(name, v) {
  if (typeof v !== 'boolean') fail(`${name} must be true or false (got ${show(v)})`);
  return v ? 1 : 0;
}

/** @param {string} name @param {unknown} v @returns {[number, number]} */
function checkRange(name, v) {
  if (!Array.isArray(v) || v.length !== 2 || !finiteF32(v[0]) || !finiteF32(v[1]) || !(v[0] < v[1])) {
    fail(`${name} must be [lo, hi] with finite lo < hi (got ${show(v)})`);
  }
  return [v[0], v[1]];
}

/**
 * How each config key maps onto rnnlab_config fields: the one table for both directions.
 * set(raw, value, limits) validates value and writes C fields; get(raw) reads them back.
 * @typedef {{ set: (raw: Record<string, number>, v: unknown, L: Record<string, number>) => void,
 *             get: (raw: Record<string, number>) => unknown }} KeySpec
 */
/** @param {string} key @param {string} field @param {readonly string[]} list @returns {KeySpec} */
const enumKey = (key, field, list) => ({
  set: (raw, v) => { raw[field] = checkEnum(`config.${key}`, v, list); },
  get: (raw) => list[raw[field]] ?? raw[field],
});
/** @param {string} key @param {string} field @returns {KeySpec} */
const boolKey = (key, field) => ({
  set: (raw, v) => { raw[field] = checkBool(`config.${key}`, v); },
  get: (raw) => raw[field] !== 0,
});
/** @param {string} key @param {string} field @param {string} limit @returns {KeySpec} */
const sizeKey = (key, field, limit) => ({
  set: (raw, v, L) => { raw[field] = checkInt(`config.${key}`, v, 1, L[limit]); },
  get: (raw) => raw[field],
});
/** @param {string} key @param {string} field @param {Parameters<typeof checkNumber>[2]} r @returns {KeySpec} */
const floatKey = (key, field, r) => ({
  set: (raw, v) => { raw[field] = checkNumber(`config.${key}`, v, r); },
  get: (raw) => raw[field],
});
/** @param {string} key @param {string} lo @param {string} hi @returns {KeySpec} */
const rangeKey = (key, lo, hi) => ({
  set: (raw, v) => { [raw[lo], raw[hi]] = checkRange(`config.${key}`, v); },
  get: (raw) => Object.freeze([raw[lo], raw[hi]]),
});

/** @type {Readonly<Record<string, KeySpec>>} model config keys, in the order model.config lists them */
const CONFIG_KEYS = Object.freeze({
  cell: enumKey('cell', 'cell', CELLS),
  variant: enumKey('variant', 'variant', LSTM_VARIANTS),
  resetAfter: boolKey('resetAfter', 'reset_after'),
  activation: enumKey('activation', 'activation', ACTIVATIONS),
  inputSize: sizeKey('inputSize', 'input_size', 'maxIO'),
  input: enumKey('input', 'input_kind', INPUT_KINDS),
  hiddenSize: sizeKey('hiddenSize', 'hidden_size', 'maxHidden'),
  layers: sizeKey('layers', 'layers', 'maxLayers'),
  bidirectional: boolKey('bidirectional', 'bidirectional'),
  outputSize: sizeKey('outputSize', 'output_size', 'maxIO'),
  output: enumKey('output', 'output_kind', OUTPUT_KINDS),
  init: enumKey('init', 'init', INITS),
  initScale: floatKey('initScale', 'init_scale', { min: 0 }),
  forgetBias: floatKey('forgetBias', 'forget_bias', {}),
  gRange: rangeKey('gRange', 'g_lo', 'g_hi'),
  hRange: rangeKey('hRange', 'h_lo', 'h_hi'),
  alpha: floatKey('alpha', 'alpha', { min: 0, minOpen: true, max: 1 }),
  spectralRadius: floatKey('spectralRadius', 'spectral_radius', { min: 0 }),
  inputScale: floatKey('inputScale', 'input_scale', { min: 0 }),
  seed: {
    set: (raw, v) => { [raw.seed_lo, raw.seed_hi] = checkSeed('config.seed', v); },
    get: (raw) => {
      const s = (BigInt(raw.seed_hi) << 32n) | BigInt(raw.seed_lo);
      return s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
    },
  },
  learnTau: boolKey('learnTau', 'learn_tau'), // CT-RNN: a learnable time constant per unit (tensor alpha_logit_l<k>)
});

/** @type {Readonly<Record<string, KeySpec>>} trainer option keys */
const TRAIN_KEYS = Object.freeze({
  optimizer: {
    set: (raw, v) => {
      const name = OPTIMIZERS[checkEnum('options.optimizer', v, OPTIMIZERS)];
      raw.optimizer = C_OPTIMIZERS.indexOf(name === 'nesterov' ? 'momentum' : name);
      if (name === 'nesterov') raw.nesterov = 1;
    },
    get: (raw) => (raw.optimizer === 1 && raw.nesterov ? 'nesterov' : C_OPTIMIZERS[raw.optimizer] ?? raw.optimizer),
  },
  learningRate: { set: (raw, v) => { raw.learning_rate = checkLearningRate('options.learningRate', v); }, get: (raw) => raw.learning_rate },
  momentum: { set: (raw, v) => { raw.momentum = checkNumber('options.momentum', v, { min: 0, max: 1, maxOpen: true }); }, get: (raw) => raw.momentum },
  nesterov: { set: (raw, v) => { raw.nesterov = checkBool('options.nesterov', v); }, get: (raw) => raw.nesterov !== 0 },
  beta1: { set: (raw, v) => { raw.beta1 = checkNumber('options.beta1', v, { min: 0, max: 1, maxOpen: true }); }, get: (raw) => raw.beta1 },
  beta2: { set: (raw, v) => { raw.beta2 = checkNumber('options.beta2', v, { min: 0, max: 1, maxOpen: true }); }, get: (raw) => raw.beta2 },
  eps: { set: (raw, v) => { raw.eps = checkNumber('options.eps', v, { min: 0, minOpen: true }); }, get: (raw) => raw.eps },
  weightDecay: { set: (raw, v) => { raw.weight_decay = checkNumber('options.weightDecay', v, { min: 0 }); }, get: (raw) => raw.weight_decay },
  clipNorm: { set: (raw, v) => { raw.clip_norm = checkNumber('options.clipNorm', v, { min: 0 }); }, get: (raw) => raw.clip_norm },
  clipValue: { set: (raw, v) => { raw.clip_value = checkNumber('options.clipValue', v, { min: 0 }); }, get: (raw) => raw.clip_value },
  truncate: { set: (raw, v) => { raw.truncate = checkInt('options.truncate', v, 0, 2 ** 31 - 1); }, get: (raw) => raw.truncate },
});

/** @param {string} name @param {unknown} v */
function checkLearningRate(name, v) { return checkNumber(name, v, { min: 0, minOpen: true }); }

/**
 * options.closedLoop of createTrainer: undefined or false (teacher forcing), true (warm-up 1) or
 * { warmup } with an integer warmup >= 1; returns the warm-up, 0 for none (core/train/closedloop.c).
 * @param {unknown} v
 */
function checkClosedLoop(v) {
  if (v === undefined || v === false) return 0;
  if (v === true) return 1;
  if (!isObject(v)) fail(`options.closedLoop must be true, false or { warmup } (got ${show(v)})`);
  for (const k of Object.keys(v)) if (k !== 'warmup') fail(`unknown options.closedLoop key '${k}' (known: warmup)`);
  return checkInt('options.closedLoop.warmup', /** @type {any} */ (v).warmup ?? 1, 1, 2 ** 31 - 1);
}

/**
 * Applies user keys over raw C fields (validated, unknown keys refused).
 * @param {string} what 'config' | 'options' @param {unknown} user
 * @param {Readonly<Record<string, KeySpec>>} keys @param {Record<string, number>} raw
 * @param {Record<string, number>} limits
 */
function applyKeys(what, user, keys, raw, limits) {
  if (user === undefined) return;
  if (!isObject(user)) fail(`${what} must be an object (got ${show(user)})`);
  for (const k of Object.keys(user)) {
    if (!Object.hasOwn(keys, k)) fail(`unknown ${what} key '${k}' (known: ${Object.keys(keys).join(', ')})`);
  }
  // optimizer first: 'nesterov' sets a flag that an explicit options.nesterov may override
  for (const k of Object.keys(keys)) if (user[k] !== undefined) keys[k].set(raw, user[k], limits);
}

/** @param {Readonly<Record<string, KeySpec>>} keys @param {Record<string, number>} raw */
function readKeys(keys, raw) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const k of Object.keys(keys)) out[k] = keys[k].get(raw);
  return Object.freeze(out);
}

// ---- the wasm instance ----

const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]); // (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)

/** Whether this JS engine runs WebAssembly SIMD (fixed-width simd128). */
export function simdSupported() { return WebAssembly.validate(SIMD_PROBE); }


/**
 * @param {URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module} source
 * @returns {Promise<WebAssembly.Module>}
 */
async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(/** @type {BufferSource} */ (source));
  if (!(source instanceof URL) && typeof source !== 'string') {
    fail(`options.wasm must be a URL, string, ArrayBuffer, Uint8Array or WebAssembly.Module (got ${show(source)})`);
  }
  /** @type {URL | string} */
  let where = source;
  if (typeof source === 'string') {
    // Strings with a scheme are URLs; otherwise a file path in Node, a page-relative URL elsewhere.
    if (/^[a-z][a-z0-9+.-]+:/i.test(source)) where = new URL(source);
    else if (!isNode()) where = new URL(source, /** @type {any} */ (globalThis).location?.href ?? import.meta.url);
  }
  if (typeof where === 'string' || where.protocol === 'file:') { // Node: fetch() cannot read files
    // @ts-ignore: Node's types are not part of a browser build
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
    let bytes;
    try { bytes = await readFile(where); }
    catch (e) { fail(`cannot read ${String(where)}: ${/** @type {Error} */ (e).message} (built with 'make'?)`); }
    return WebAssembly.compile(bytes);
  }
  const res = await fetch(where);
  if (!res.ok) fail(`cannot fetch ${where}: HTTP ${res.status}`);
  if ((res.headers.get('content-type') ?? '').startsWith('application/wasm')) return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}

const UTF8 = new TextDecoder();

/** One instantiated module with its memory helpers. Internal. */
class Runtime {
  /** @param {WebAssembly.Instance} instance */
  constructor(instance) {
    /** @type {any} */
    this.ex = instance.exports;
    /** @type {WebAssembly.Memory} */
    this.memory = this.ex.memory;
    /** @type {Readonly<Record<string, number>>} hard limits of core/rnnlab.h, by LIMIT_NAMES */
    this.limits = Object.freeze(Object.fromEntries(LIMIT_NAMES.map((n, i) => [n, this.ex.rnnlab_wasm_limit(i)])));
  }
  // Fresh views only: see the memory rule at the top of this file.
  /** @param {number} ptr @param {number} n */
  u8(ptr, n) { return new Uint8Array(this.memory.buffer, ptr, n); }
  /** @param {number} ptr @param {number} n */
  i32(ptr, n) { return new Int32Array(this.memory.buffer, ptr, n); }
  /** @param {number} ptr @param {number} n */
  u32(ptr, n) { return new Uint32Array(this.memory.buffer, ptr, n); }
  /** @param {number} ptr @param {number} n */
  f32(ptr, n) { return new Float32Array(this.memory.buffer, ptr, n); }

  /** malloc that never returns 0 and never asks for absurd sizes. @param {number} bytes */
  alloc(bytes) {
    if (!(bytes >= 0 && bytes <= MAX_ALLOC)) fail(`cannot allocate ${bytes} bytes in wasm memory (limit ${MAX_ALLOC})`);
    const p = this.ex.malloc(Math.max(bytes, 1)) >>> 0;
    if (p === 0) fail(`out of wasm memory allocating ${bytes} bytes`);
    return p;
  }
  /** @param {number} ptr */
  free(ptr) { if (ptr) this.ex.free(ptr); }

  /** Bytes malloc holds for live allocations. */
  heapUsed() { return this.ex.rnnlab_wasm_heap_used(); }

  /**
   * Refuses, before anything is allocated, a growth of `bytes` that would not fit in the 2 GiB wasm
   * heap beside what is in use. @param {number} bytes @param {string} what what needs them
   */
  fits(bytes, what) {
    if (!(bytes > 0)) return;
    const used = this.heapUsed();
    if (used + bytes + HEAP_SLACK <= HEAP_MAX) return;
    fail(`${what} needs ${bytesText(bytes)} more wasm memory beside the ${bytesText(used)} in use, and the wasm heap holds at most 2 GiB: reduce hiddenSize, batchSize or length, or free other models`);
  }

  /** NUL-terminated UTF-8 string at ptr. @param {number} ptr @param {number} [max] */
  cstr(ptr, max = 4096) {
    ptr >>>= 0;
    if (!ptr) return '';
    const bytes = this.u8(ptr, Math.min(max, this.memory.buffer.byteLength - ptr));
    const end = bytes.indexOf(0);
    return UTF8.decode(bytes.subarray(0, end < 0 ? bytes.length : end));
  }

  /** @param {number} ptr @param {ReadonlyArray<readonly [string, FieldType]>} fields */
  readStruct(ptr, fields) {
    const i32 = this.i32(ptr, fields.length), u32 = this.u32(ptr, fields.length), f32 = this.f32(ptr, fields.length);
    /** @type {Record<string, number>} */
    const raw = {};
    fields.forEach(([name, type], k) => { raw[name] = type === 'f32' ? f32[k] : type === 'u32' ? u32[k] : i32[k]; });
    return raw;
  }
  /** @param {number} ptr @param {ReadonlyArray<readonly [string, FieldType]>} fields @param {Record<string, number>} raw */
  writeStruct(ptr, fields, raw) {
    const i32 = this.i32(ptr, fields.length), u32 = this.u32(ptr, fields.length), f32 = this.f32(ptr, fields.length);
    fields.forEach(([name, type], k) => {
      const v = raw[name] ?? 0;
      if (type === 'f32') f32[k] = v; else if (type === 'u32') u32[k] = v; else i32[k] = v;
    });
  }

  /**
   * THE place where a C status becomes an exception. The message is the C one: the handle's
   * last error (model / trainer), or the err buffer a create/load call wrote, else the status name.
   * @param {number} status
   * @param {'model' | 'trainer' | 'buffer'} kind
   * @param {number} ptr model or trainer handle, or the err buffer
   */
  check(status, kind, ptr) {
    if (status === 0) return;
    let msg = '';
    if (ptr) {
      msg = kind === 'model' ? this.cstr(this.ex.rnnlab_model_error(ptr))
        : kind === 'trainer' ? this.cstr(this.ex.rnnlab_trainer_error(ptr))
          : this.cstr(ptr, ERRLEN);
    }
    if (!msg) msg = this.cstr(this.ex.rnnlab_status_str(status)) || `error status ${status}`;
    msg = jsNames(msg); // C field names (clip_norm) as JS writes them (clipNorm)
    if (status === 2 /* RNNLAB_ENOMEM */) msg += ` (the wasm heap holds at most 2 GiB; ${bytesText(this.heapUsed())} are in use: free other models, or reduce hiddenSize, batchSize or length)`;
    throw new Error(msg.startsWith('rnnlab: ') ? msg : `rnnlab: ${msg}`);
  }
}

/**
 * Loads the engine. In Node, pages and workers alike.
 * @param {LoadOptions} [options]
 * @returns {Promise<import('./rnnlab.d.ts').Lab>} the Lab class below, with the methods search.mjs,
 *   tasks.mjs and seq2seq.mjs install on it (hence the cast)
 */
export async function load(options = {}) {
  if (!isObject(options)) fail(`load options must be an object (got ${show(options)})`);
  for (const k of Object.keys(options)) if (k !== 'simd' && k !== 'wasm') fail(`unknown load option '${k}' (known: simd, wasm)`);
  const supported = simdSupported();
  const simd = options.simd ?? supported;
  if (typeof simd !== 'boolean') fail(`options.simd must be true or false (got ${show(simd)})`);
  if (simd && !supported && options.wasm === undefined) {
    fail('this JavaScript engine has no WebAssembly SIMD; use load({ simd: false })');
  }
  // Literal new URL('...', import.meta.url) so bundlers see and copy the files.
  const source = options.wasm ?? (simd ? new URL('./rnnlab.wasm', import.meta.url)
    : new URL('./rnnlab-scalar.wasm', import.meta.url));
  let module;
  try { module = await compile(source); }
  catch (e) {
    const err = /** @type {Error} */ (e);
    throw err.message.startsWith('rnnlab: ') ? err : new Error(`rnnlab: cannot compile the wasm module: ${err.message}`, { cause: err });
  }

  // The imports of a standalone build: memory growth (views are never cached, so there is
  // nothing to refresh when it fires) and C's way to a JS next function (search.mjs).
  /** @type {Record<string, Record<string, Function>>} */
  const provided = { env: { emscripten_notify_memory_growth: () => {}, ...searchImports } };
  const missing = WebAssembly.Module.imports(module)
    .filter((i) => !(i.kind === 'function' && Object.hasOwn(provided[i.module] ?? {}, i.name)))
    .map((i) => `${i.module}.${i.name}`);
  if (missing.length) fail(`the wasm module imports ${missing.join(', ')}, which a standalone rnnlab build must not (stdio in the C core?)`);
  const instance = await WebAssembly.instantiate(module, provided);
  const ex = instance.exports;
  const absent = REQUIRED_EXPORTS.filter((n) => !(n in ex));
  if (absent.length) fail(`the wasm module lacks exports ${absent.join(', ')} (stale build? run make)`);
  if (typeof ex._initialize === 'function') ex._initialize(); // reactor: C constructors, once
  return /** @type {import('./rnnlab.d.ts').Lab} */ (/** @type {unknown} */ (new Lab(new Runtime(instance))));
}

// ---- Lab ----

/** @type {(m: unknown) => ModelState | undefined} */
let modelState;

/**
 * @typedef {object} ModelState
 * @property {Runtime} rt
 * @property {number} ptr  0 once freed
 * @property {Record<string, number>} raw  normalised C config fields
 * @property {any} config
 * @property {number} G  gate rows per direction
 * @property {number} D  directions
 * @property {{ name: string, rows: number, cols: number }[]} tensors  C's tensor table
 * @property {readonly TensorInfo[]} info  the same as model.tensors shows it
 * @property {Set<TrainerState>} trainers
 */
/**
 * @typedef {object} TrainerState
 * @property {ModelState} model
 * @property {number} ptr  0 once freed
 * @property {() => void} [release]  frees ptr when it is not a trainer (a ridge readout, ridge.mjs)
 */

/**
 * lab.loadLearner's table: every file kind but 'model' (names.mjs FILE_KINDS) -> the lab method its
 * family installs to load it, and what its file holds in place of trainerOptions. A new family
 * is one row here.
 * @type {Readonly<Record<string, { loader: string, holds: string }>>}
 */
const LEARNER_LOADERS = Object.freeze({
  seq2seq: { loader: 'loadSeq2Seq', holds: 'an encoder-decoder file holds its optimizer' }, // seq2seq.mjs
  ridge: { loader: 'loadRidge', holds: 'a ridge readout file holds its statistics' }, // ridge.mjs
  hopfield: { loader: 'loadHopfield', holds: 'a Hopfield network stores patterns in closed form, without an optimizer' }, // hopfield.mjs
  rbm: { loader: 'loadRBM', holds: 'an RBM file holds its training options (rbm.setTrainer changes them)' }, // rbm.mjs
  dbn: { loader: 'loadDBN', holds: 'a DBN file holds its training options (dbn.setTrainer changes them)' }, // dbn.mjs
  boltzmann: { loader: 'loadBoltzmann', holds: 'a Boltzmann machine file holds its trainer' }, // boltzmann.mjs
});
for (const k of new Set(Object.values(FILE_KINDS))) if (k !== 'model' && !LEARNER_LOADERS[k]) throw new Error(`rnnlab: file kind ${k} has no loader row`);

class Lab {
  #rt;
  #defaultConfig;
  #defaultTrain;

  /** @param {Runtime} rt */
  constructor(rt) {
    this.#rt = rt;
    const ex = rt.ex;
    // Layout check: every table field at byte 4*i, the struct exactly that big.
    for (const [what, [cname, fields]] of LAYOUTS.entries()) {
      const size = ex.rnnlab_wasm_layout(what, -1);
      const offsets = fields.map((_, i) => ex.rnnlab_wasm_layout(what, i));
      if (size !== fields.length * 4 || offsets.some((o, i) => o !== 4 * i) || ex.rnnlab_wasm_layout(what, fields.length) !== -1) {
        fail(`${cname} layout mismatch: C says ${size} bytes, offsets [${offsets}]; rnnlab.mjs expects ${fields.length} 4-byte fields`);
      }
    }
    const macros = { RNNLAB_CONFIG_FIELDS: [5, CONFIG_FIELDS.length], RNNLAB_TRAIN_CONFIG_FIELDS: [6, TRAIN_CONFIG_FIELDS.length] };
    for (const [macro, [i, n]] of Object.entries(macros)) {
      if (ex.rnnlab_wasm_limit(i) !== n) fail(`${macro} is ${ex.rnnlab_wasm_limit(i)}, rnnlab.mjs knows ${n} fields`);
    }
    const p = rt.alloc(4 * (CONFIG_FIELDS.length + TRAIN_CONFIG_FIELDS.length));
    try {
      ex.rnnlab_config_default(p);
      ex.rnnlab_train_config_default(p + 4 * CONFIG_FIELDS.length);
      this.#defaultConfig = Object.freeze(rt.readStruct(p, CONFIG_FIELDS));
      this.#defaultTrain = Object.freeze(rt.readStruct(p + 4 * CONFIG_FIELDS.length, TRAIN_CONFIG_FIELDS));
    } finally { rt.free(p); }
    this.version = rt.cstr(ex.rnnlab_version());
    this.simd = ex.rnnlab_wasm_simd() === 1;
    this.cells = CELLS;
    this.lstmVariants = LSTM_VARIANTS;
    this.activations = ACTIVATIONS;
    this.inputKinds = INPUT_KINDS;
    this.outputKinds = OUTPUT_KINDS;
    this.inits = INITS;
    this.optimizers = OPTIMIZERS;
    this.gateNames = GATE_NAMES;
    installSearch(this, rt, { modelPrototype: Model.prototype, modelState: (m) => modelState(m) }); // search.mjs
    installTasks(this, rt, { // tasks.mjs: lab.tasks, createTask, loadCorpus, train
      modelState: (m) => modelState(m), trainerState: (t) => trainerState(t),
      batchFields: BATCH_FIELDS, stepResultFields: STEP_RESULT_FIELDS,
    });
    installSeq2Seq(this, rt, { // seq2seq.mjs: lab.createSeq2Seq
      configRaw: (c) => { const raw = { ...this.#defaultConfig }; applyKeys('config', c, CONFIG_KEYS, raw, rt.limits); return raw; },
      readConfig: (raw) => readKeys(CONFIG_KEYS, raw), configFields: CONFIG_FIELDS,
      trainRaw: (o) => { const raw = { ...this.#defaultTrain }; applyKeys('options', o, TRAIN_KEYS, raw, rt.limits); return raw; },
      trainFields: TRAIN_CONFIG_FIELDS, stepResultFields: STEP_RESULT_FIELDS,
      readTrain: (ptr) => rt.readStruct(ptr, TRAIN_CONFIG_FIELDS), trainOptions: (raw) => readKeys(TRAIN_KEYS, // as the engine stores them: float fields in float32
        Object.fromEntries(TRAIN_CONFIG_FIELDS.map(([n, t]) => [n, t === 'f32' ? Math.fround(raw[n] ?? 0) : raw[n] ?? 0]))),
      readTrace: (ptr, loss, withOutputs) => readTrace(rt, ptr, loss, withOutputs),
    });
    installRidge(this, rt, { // ridge.mjs: lab.createRidge, the closed-form readout
      modelState: (m) => modelState(m), stepResultFields: STEP_RESULT_FIELDS, wrapModel: (ptr) => wrapModel(rt, ptr),
      marshalBatch: (s, b, t, extra) => marshalBatch(s, /** @type {any} */ (b), t, extra),
    });
    installBoltzmann(this, rt, { // boltzmann.mjs: lab.createBoltzmann, lab.loadBoltzmann
      trainRaw: (base, o) => { const raw = { ...base }; applyKeys('trainerOptions', o, TRAIN_KEYS, raw, rt.limits); return raw; },
      trainOptions: (raw) => readKeys(TRAIN_KEYS, Object.fromEntries(TRAIN_CONFIG_FIELDS.map(([n, t]) => [n, t === 'f32' ? Math.fround(raw[n] ?? 0) : raw[n] ?? 0]))),
      trainKeys: Object.keys(TRAIN_KEYS), trainFields: TRAIN_CONFIG_FIELDS, stepResultFields: STEP_RESULT_FIELDS,
    });
    installIsing(this, rt); // ising.mjs: lab.createIsing
    installHopfield(this, rt, {}); // hopfield.mjs: lab.createHopfield, loadHopfield, hopfieldCapacity
    installRBM(this, rt); // rbm.mjs: lab.createRBM, lab.loadRBM
    installPatterns(this, rt); // patterns.mjs: lab.patterns
    installDBN(this, rt); // dbn.mjs: lab.createDBN, lab.loadDBN
    Object.freeze(this);
  }

  /** Hard limits of the engine (core/rnnlab.h). */
  get limits() { return this.#rt.limits; }
  /** Normalised default model config (the C defaults, before any user key). */
  get defaultConfig() { return readKeys(CONFIG_KEYS, { ...this.#defaultConfig }); }
  /** Bytes of wasm memory currently reserved (grows, never shrinks). */
  get memoryBytes() { return this.#rt.memory.buffer.byteLength; }

  /** @param {ModelConfig} config */
  createModel(config) {
    const rt = this.#rt, ex = rt.ex;
    if (!isObject(config)) fail(`config must be an object (got ${show(config)})`);
    if ('attention' in config) fail(`config.attention: attention belongs to encoder-decoders (lab.createSeq2Seq); a plain model attends to nothing`);
    const raw = { ...this.#defaultConfig };
    applyKeys('config', config, CONFIG_KEYS, raw, rt.limits);
    const cfgBytes = 4 * CONFIG_FIELDS.length;
    const p = rt.alloc(cfgBytes + 4 + ERRLEN);
    let handle = 0;
    try {
      rt.writeStruct(p, CONFIG_FIELDS, raw);
      rt.u32(p + cfgBytes, 1)[0] = 0;
      rt.u8(p + cfgBytes + 4, 1)[0] = 0;
      const status = ex.rnnlab_model_create(p, p + cfgBytes, p + cfgBytes + 4, ERRLEN);
      rt.check(status, 'buffer', p + cfgBytes + 4);
      handle = rt.u32(p + cfgBytes, 1)[0];
      if (!handle) fail('rnnlab_model_create returned no model');
    } finally { rt.free(p); }
    return wrapModel(rt, handle);
  }

  /**
   * A trainer for a model of this lab.
   * @param {Model} model @param {import('./rnnlab.d.ts').ModelTrainerOptions} [options]
   */
  createTrainer(model, options = {}) {
    const rt = this.#rt, ex = rt.ex;
    const s = ownModel(rt, model, 'createTrainer');
    if (!isObject(options)) fail(`options must be an object (got ${show(options)})`);
    const { closedLoop, ...optim } = options; // closedLoop: the trainer's, not the optimizer's
    const warmup = checkClosedLoop(closedLoop);
    const raw = { ...this.#defaultTrain };
    applyKeys('options', optim, TRAIN_KEYS, raw, rt.limits);
    const tcBytes = 4 * TRAIN_CONFIG_FIELDS.length;
    const p = rt.alloc(tcBytes + 4 + ERRLEN);
    let handle = 0;
    try {
      rt.writeStruct(p, TRAIN_CONFIG_FIELDS, raw);
      rt.u32(p + tcBytes, 1)[0] = 0;
      rt.u8(p + tcBytes + 4, 1)[0] = 0;
      const status = ex.rnnlab_trainer_create(s.ptr, p, p + tcBytes, p + tcBytes + 4, ERRLEN);
      rt.check(status, 'buffer', p + tcBytes + 4);
      handle = rt.u32(p + tcBytes, 1)[0];
      if (!handle) fail('rnnlab_trainer_create returned no trainer');
      if (warmup) {
        const st = ex.rnnlab_trainer_set_closed_loop(handle, warmup);
        if (st !== 0) { try { rt.check(st, 'trainer', handle); } finally { ex.rnnlab_trainer_free(handle); } }
      }
    } finally { rt.free(p); }
    return new Trainer(model, s, handle);
  }

  /**
   * Rebuilds a model from model.save() bytes (optimizer state in them is ignored).
   * @param {Uint8Array | ArrayBuffer} bytes
   */
  loadModel(bytes) { return this.#load(bytes, false, 'loadModel').model; }

  /**
   * Rebuilds a model and, when the bytes hold optimizer state (model.save({ trainer })),
   * its trainer; trainer is null otherwise.
   * @param {Uint8Array | ArrayBuffer} bytes
   */
  loadTrainer(bytes) { return this.#load(bytes, true, 'loadTrainer'); }

  /**
   * A learner for a model: a Trainer for a plain model (lab.createTrainer), the Seq2Seq itself for
   * an encoder-decoder (its optimizer set with setTrainer). Either way: step, evaluate, trace,
   * save, learningRate, steps, free.
   * @param {Model | import('./rnnlab.d.ts').Seq2Seq} model @param {TrainerOptions} [options] default DEFAULT_TRAINER
   */
  createLearner(model, options = DEFAULT_TRAINER) {
    if (HANDLES.seq2seq.of(model)) {
      const s2s = /** @type {import('./rnnlab.d.ts').Seq2Seq} */ (model);
      s2s.setTrainer(options);
      return s2s;
    }
    if (!modelState(model)) fail(`createLearner: model must be a model from lab.createModel or lab.createSeq2Seq (got ${show(model)})`);
    if (isObject(options) && /** @type {any} */ (options).optimizer === 'ridge') return /** @type {any} */ (this).createRidge(model, options); // ridge.mjs
    return this.createTrainer(/** @type {Model} */ (model), options);
  }

  /**
   * Any file the project writes, as a learner that continues exactly as the saved one would have:
   * a plain model (with its optimizer state: a Trainer that owns its model; without: a fresh
   * trainer with options.trainerOptions, default DEFAULT_TRAINER) or an encoder-decoder (a Seq2Seq).
   * The file's kind is the last byte of its magic (names.mjs FILE_KINDS).
   * @param {Uint8Array | ArrayBuffer} bytes @param {{ trainerOptions?: TrainerOptions }} [options]
   */
  loadLearner(bytes, options = {}) {
    if (!isObject(options)) fail(`loadLearner: options must be an object (got ${show(options)})`);
    for (const k of Object.keys(options)) if (k !== 'trainerOptions') fail(`loadLearner: unknown option '${k}' (known: trainerOptions)`);
    /** @type {Uint8Array} */
    let src;
    if (bytes instanceof ArrayBuffer || isA(bytes, 'ArrayBuffer')) src = new Uint8Array(/** @type {ArrayBuffer} */ (bytes));
    else if (ArrayBuffer.isView(bytes)) src = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else fail(`loadLearner: bytes must be a Uint8Array or ArrayBuffer (got ${show(bytes)})`);
    const kind = fileKind(src);
    if (kind === null) fail(`loadLearner: bytes are not a file rnnlab wrote (${src.length < 8 ? `${src.length} bytes` : 'bad magic'})`);
    const other = LEARNER_LOADERS[kind];
    if (other) { // another family's file: its own loader, which restores its own training state
      if (options.trainerOptions !== undefined) fail(`loadLearner: options.trainerOptions is for plain models; ${other.holds}`);
      return /** @type {any} */ (this)[other.loader](src);
    }
    if (kind !== 'model') fail(`loadLearner: a file of kind ${kind}: saved by a newer rnnlab? (this one reads ${[...new Set(Object.values(FILE_KINDS))].join(', ')})`);
    const { model, trainer } = this.#load(src, true, 'loadLearner');
    const s = /** @type {ModelState} */ (modelState(model));
    if (trainer) {
      if (options.trainerOptions !== undefined) { model.free(); fail('loadLearner: these bytes hold their optimizer state; options.trainerOptions would replace it'); }
      const t = /** @type {TrainerState} */ (trainerState(trainer));
      s.trainers.delete(t);
      return new Trainer(model, s, t.ptr, true); // the same C trainer, now owning its model
    }
    try {
      const fresh = this.createTrainer(model, options.trainerOptions ?? DEFAULT_TRAINER);
      const t = /** @type {TrainerState} */ (trainerState(fresh));
      s.trainers.delete(t);
      return new Trainer(model, s, t.ptr, true);
    } catch (e) { model.free(); throw e; }
  }

  /** @param {unknown} bytes @param {boolean} withTrainer @param {string} fn */
  #load(bytes, withTrainer, fn) {
    const rt = this.#rt, ex = rt.ex;
    /** @type {Uint8Array} */
    let src;
    if (bytes instanceof ArrayBuffer || isA(bytes, 'ArrayBuffer')) src = new Uint8Array(/** @type {ArrayBuffer} */ (bytes));
    else if (ArrayBuffer.isView(bytes)) src = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else fail(`${fn}: bytes must be a Uint8Array or ArrayBuffer (got ${show(bytes)})`);
    if (src.length === 0) fail(`${fn}: bytes is empty, not a saved rnnlab model`);
    const n = src.length, at = align16(n);
    const p = rt.alloc(at + 8 + ERRLEN);
    let m = 0, t = 0;
    try {
      rt.u8(p, n).set(src);
      rt.u32(p + at, 2).fill(0);
      rt.u8(p + at + 8, 1)[0] = 0;
      const status = ex.rnnlab_model_load(p, n, p + at, withTrainer ? p + at + 4 : 0, p + at + 8, ERRLEN);
      const out = rt.u32(p + at, 2);
      m = out[0]; t = out[1];
      if (status !== 0) { // never leak what a failing load may have built
        if (t) ex.rnnlab_trainer_free(t);
        if (m) ex.rnnlab_model_free(m);
        rt.check(status, 'buffer', p + at + 8);
      }
      if (!m) fail(`${fn}: rnnlab_model_load returned no model`);
    } finally { rt.free(p); }
    let model;
    try { model = wrapModel(rt, m); } // frees m if it throws
    catch (e) { if (t) ex.rnnlab_trainer_free(t); throw e; }
    const s = /** @type {ModelState} */ (modelState(model));
    return { model, trainer: t ? new Trainer(model, s, t) : null };
  }
}

/** @param {Runtime} rt @param {unknown} model @param {string} fn @returns {ModelState} */
function ownModel(rt, model, fn) {
  const s = modelState(model);
  if (!s) fail(`${fn}: model must be a model created by lab.createModel or lab.loadModel (got ${show(model)})`);
  if (s.rt !== rt) fail(`${fn}: model belongs to another loaded rnnlab instance`);
  if (!s.ptr) fail('model has been freed');
  return s;
}

/**
 * The memory pre-check of a pass: what a pass of B x T would add to the model's arenas
 * (rnnlab_model_pass_bytes) must fit in the wasm heap beside what is in use; refused before
 * anything is allocated. Beyond the engine's own activation limit C refuses it with its message.
 * @param {ModelState} s @param {number} B @param {number} T
 */
function passFits(s, B, T) {
  const { rt, raw } = s;
  const extra = rt.ex.rnnlab_model_pass_bytes(s.ptr, B, T);
  const fixed = 4 * B * T + 4 * raw.layers * s.D * 6 * B * raw.hidden_size; // tokens and carried state
  if (extra - fixed > 4 * rt.limits.maxElems) return; // "batch too large", from C
  rt.fits(extra, `a pass of batchSize ${B} x length ${T} (hiddenSize ${raw.hidden_size}, layers ${raw.layers})`);
}

/** Reads a new model handle's normalised config and tensor table into a Model. @param {Runtime} rt @param {number} ptr */
function wrapModel(rt, ptr) {
  const ex = rt.ex;
  try {
    const raw = rt.readStruct(ex.rnnlab_model_config(ptr) >>> 0, CONFIG_FIELDS);
    const config = readKeys(CONFIG_KEYS, raw);
    const tensors = [];
    const n = ex.rnnlab_model_tensor_count(ptr);
    for (let i = 0; i < n; i++) {
      tensors.push({ name: rt.cstr(ex.rnnlab_model_tensor_name(ptr, i)), rows: ex.rnnlab_model_tensor_rows(ptr, i), cols: ex.rnnlab_model_tensor_cols(ptr, i) });
    }
    const cell = CELLS[raw.cell] ?? 'rnn';
    /** @type {ModelState} */
    const s = {
      rt, ptr, raw, config, tensors, trainers: new Set(),
      info: Object.freeze(tensors.map((t) => Object.freeze({ name: t.name, shape: torchShape(t) }))),
      G: GATE_NAMES[cell].length * raw.hidden_size, D: raw.bidirectional ? 2 : 1,
    };
    return new Model(s);
  } catch (e) { ex.rnnlab_model_free(ptr); throw e; }
}

/**
 * Everything the engine recorded in the last pass of model handle ptr (rnnlab_model_trace),
 * batch-major; a model's trace and each half of a seq2seq's. outputs: the model's readout (empty
 * when withOutputs is false: a seq2seq encoder's readout is unused).
 * @param {Runtime} rt @param {number} ptr @param {number} loss @param {boolean} withOutputs
 * @returns {import('./rnnlab.d.ts').Trace}
 */
function readTrace(rt, ptr, loss, withOutputs) {
  const ex = rt.ex;
  const raw = rt.readStruct(ex.rnnlab_model_config(ptr) >>> 0, CONFIG_FIELDS);
  const gateNames = GATE_NAMES[CELLS[raw.cell] ?? 'rnn'];
  const B = ex.rnnlab_model_trace_batch(ptr), T = ex.rnnlab_model_trace_length(ptr);
  const H = raw.hidden_size, V = raw.output_size, G = gateNames.length * H, D = raw.bidirectional ? 2 : 1, BT = B * T;
  const p = rt.alloc(4 * Math.max(1, BT * Math.max(G, H, V)));
  try {
    /** @param {number} l @param {number} d @param {number} what @param {number} n */
    const get = (l, d, what, n) => {
      rt.check(ex.rnnlab_model_trace(ptr, l, d, what, p), 'model', ptr);
      return rt.f32(p, n).slice();
    };
    /** @type {TraceLayer[][]} */
    const layers = [];
    for (let l = 0; l < raw.layers; l++) {
      const dirs = [];
      for (let d = 0; d < D; d++) {
        dirs.push({ gates: get(l, d, 0, BT * G), cell: get(l, d, 1, BT * H), hidden: get(l, d, 2, BT * H), gradNorm: get(l, d, 3, BT) });
      }
      layers.push(dirs);
    }
    const outputs = withOutputs ? get(0, 0, 4, BT * V) : new Float32Array(0);
    return { batchSize: B, length: T, hiddenSize: H, gateNames, outputs, loss, layers };
  } finally { rt.free(p); }
}

/**
 * PyTorch shape of a tensor. C reports cols = 1 for vectors, which a matrix with one column
 * (weight_ih with one input) also has; the biases are the vectors.
 * @param {{ name: string, rows: number, cols: number }} t
 */
function torchShape(t) { return Object.freeze(t.name.includes('bias') ? [t.rows] : [t.rows, t.cols]); }

// ---- batches ----

/**
 * Validates a batch against a model config, copies it into one wasm block laid out as
 * [rnnlab_batch][inputs][targets][mask][extra bytes], and returns the block. The caller frees it.
 * Without targets (forward only) the C pointers are NULL and the loss is 0.
 * @param {ModelState} s @param {unknown} batch @param {boolean} needTargets
 * @param {(B: number, T: number) => number} extraBytes bytes the caller needs after the batch
 */
function marshalBatch(s, batch, needTargets, extraBytes) {
  const { rt, raw } = s;
  const maxElems = rt.limits.maxElems;
  if (!isObject(batch)) fail(`batch must be an object (got ${show(batch)})`);
  const B = checkInt('batch.batchSize', batch.batchSize, 1, maxElems);
  const T = checkInt('batch.length', batch.length, 1, maxElems);
  const onehot = raw.input_kind === 0, softmax = raw.output_kind === 0;
  const I = raw.input_size, V = raw.output_size, BT = B * T;
  const widths = { 'batchSize*length': 1, 'batchSize*length*inputSize': onehot ? 1 : I, 'batchSize*length*outputSize': V };
  for (const [what, w] of Object.entries(widths)) {
    if (BT * w > maxElems) fail(`batch too large: ${what} = ${BT * w} exceeds ${maxElems}`);
  }

  const inputs = batch.inputs;
  if (onehot) {
    if (!isA(inputs, 'Int32Array')) fail(`batch.inputs must be an Int32Array of token ids for input 'onehot' (got ${show(inputs)})`);
  } else if (!isA(inputs, 'Float32Array')) fail(`batch.inputs must be a Float32Array for input 'dense' (got ${show(inputs)})`);
  const inArr = /** @type {Int32Array | Float32Array} */ (inputs);
  const inLen = onehot ? BT : BT * I;
  if (inArr.length !== inLen) {
    fail(`batch.inputs must have batchSize*length${onehot ? '' : '*inputSize'} = ${inLen} elements, got ${inArr.length}`);
  }
  if (onehot) {
    for (let i = 0; i < BT; i++) {
      const v = inArr[i];
      if (v < 0 || v >= I) fail(`batch.inputs[${i}] = ${v} is not a token id in 0..${I - 1} (inputSize ${I})`);
    }
  } else checkFinite('batch.inputs', inArr);

  const targets = batch.targets;
  const hasTargets = targets !== undefined && targets !== null;
  if (!hasTargets && needTargets) fail('batch.targets is required');
  const tLen = softmax ? BT : BT * V;
  if (hasTargets) {
    if (softmax) {
      if (!isA(targets, 'Int32Array')) fail(`batch.targets must be an Int32Array of class ids (-1 = none) for output 'softmax' (got ${show(targets)})`);
    } else if (!isA(targets, 'Float32Array')) fail(`batch.targets must be a Float32Array for output '${OUTPUT_KINDS[raw.output_kind]}' (got ${show(targets)})`);
    const tArr = /** @type {Int32Array | Float32Array} */ (targets);
    if (tArr.length !== tLen) {
      fail(`batch.targets must have batchSize*length${softmax ? '' : '*outputSize'} = ${tLen} elements, got ${tArr.length}`);
    }
    if (softmax) {
      for (let i = 0; i < BT; i++) {
        const v = tArr[i];
        if (v < -1 || v >= V) fail(`batch.targets[${i}] = ${v} is not a class id in 0..${V - 1} or -1 (outputSize ${V})`);
      }
    } else checkFinite('batch.targets', tArr);
  }

  const mask = batch.mask;
  const hasMask = mask !== undefined && mask !== null;
  if (hasMask) {
    if (!isA(mask, 'Float32Array')) fail(`batch.mask must be a Float32Array (got ${show(mask)})`);
    const mArr = /** @type {Float32Array} */ (mask);
    if (mArr.length !== BT) fail(`batch.mask must have batchSize*length = ${BT} elements, got ${mArr.length}`);
    for (let i = 0; i < BT; i++) {
      const v = mArr[i];
      if (!(v >= 0) || !Number.isFinite(v)) fail(`batch.mask must be finite and >= 0: batch.mask[${i}] is ${v}`);
    }
  }
  const carry = batch.carryState === undefined ? 0 : checkBool('batch.carryState', batch.carryState);

  const oIn = align16(4 * BATCH_FIELDS.length);
  const oTg = oIn + align16(4 * inLen);
  const oMk = oTg + (hasTargets ? align16(4 * tLen) : 0);
  const oEx = oMk + (hasMask ? align16(4 * BT) : 0);
  const total = oEx + extraBytes(B, T);
  if (total > MAX_ALLOC) fail(`batch needs ${total} bytes of wasm memory, more than the ${MAX_ALLOC} allowed`);
  const p = rt.alloc(total);
  // all views made after the allocation
  (onehot ? rt.i32(p + oIn, inLen) : rt.f32(p + oIn, inLen)).set(inArr);
  if (hasTargets) (softmax ? rt.i32(p + oTg, tLen) : rt.f32(p + oTg, tLen)).set(/** @type {any} */ (targets));
  if (hasMask) rt.f32(p + oMk, BT).set(/** @type {Float32Array} */ (mask));
  rt.writeStruct(p, BATCH_FIELDS, {
    batch: B, length: T,
    tokens: onehot ? p + oIn : 0, inputs: onehot ? 0 : p + oIn,
    target_ids: hasTargets && softmax ? p + oTg : 0, targets: hasTargets && !softmax ? p + oTg : 0,
    mask: hasMask ? p + oMk : 0, carry_state: carry,
  });
  return { ptr: p, extra: p + oEx, B, T };
}

// ---- Model ----

class Model {
  #s;
  static { modelState = (m) => (m !== null && typeof m === 'object' && #s in m ? m.#s : undefined); HANDLES.model.define(modelState); }

  /** @param {ModelState} s */
  constructor(s) { this.#s = s; }

  /** @returns {ModelState} */
  #live() {
    if (!this.#s.ptr) fail('model has been freed');
    return this.#s;
  }

  /** Normalised config as the engine uses it (frozen). */
  get config() { return this.#s.config; }
  /** Trainable parameters (an ESN's fixed reservoir is not counted). */
  get parameterCount() { return this.#s.rt.ex.rnnlab_wasm_param_count(this.#live().ptr); }
  /** Bytes of the model's C arenas: parameters, gradients, activations (sized for the largest
   * batch x length so far), carried state. Constant while the batch shape does not grow. */
  get arenaBytes() {
    const ex = this.#s.rt.ex, p = this.#live().ptr, b = (/** @type {number} */ w) => ex.rnnlab_model_arena_bytes(p, w) >>> 0;
    return { params: b(0), gradients: b(1), activations: b(2), state: b(3) };
  }
  /** @type {readonly TensorInfo[]} named tensors in PyTorch layout */
  get tensors() { return this.#s.info; }
  /** Gate names of the G axis of trace gates, e.g. ['i','f','g','o']. */
  get gateNames() { return GATE_NAMES[this.#s.config.cell]; }
  /** True once free() ran. */
  get freed() { return this.#s.ptr === 0; }

  /**
   * Forward pass. outputs (B*T*V) batch-major; loss 0 when the batch has no targets.
   * @param {Batch} batch
   */
  forward(batch) {
    const s = this.#live(), rt = s.rt;
    const b = marshalBatch(s, batch, false, (B, T) => 4 + 4 * B * T * s.raw.output_size);
    const nOut = b.B * b.T * s.raw.output_size;
    try {
      passFits(s, b.B, b.T);
      const lossPtr = b.extra, outPtr = b.extra + 4;
      rt.check(rt.ex.rnnlab_model_forward(s.ptr, b.ptr, outPtr, lossPtr), 'model', s.ptr);
      return { outputs: rt.f32(outPtr, nOut).slice(), loss: rt.f32(lossPtr, 1)[0] };
    } finally { rt.free(b.ptr); }
  }

  /**
   * Forward + backward: getGradients() then holds exactly this batch's, whatever it held before
   * (the gradient contract of core/rnnlab.h, kept by C).
   * @param {Batch} batch
   */
  backward(batch) {
    const s = this.#live(), rt = s.rt;
    const b = marshalBatch(s, batch, true, () => 4);
    try {
      passFits(s, b.B, b.T);
      rt.check(rt.ex.rnnlab_model_backward(s.ptr, b.ptr, b.extra), 'model', s.ptr);
      return { loss: rt.f32(b.extra, 1)[0] };
    } finally { rt.free(b.ptr); }
  }

  /** Weights by PyTorch name, each a fresh Float32Array (row-major). */
  getWeights() { return this.#tensorsOut(0); }
  /** Gradients of the last backward / trainer step, same names and shapes as getWeights(). */
  getGradients() { return this.#tensorsOut(1); }

  /** @param {0 | 1} which */
  #tensorsOut(which) {
    const s = this.#live(), rt = s.rt;
    const max = Math.max(1, ...s.tensors.map((t) => t.rows * t.cols));
    const p = rt.alloc(4 * max);
    try {
      /** @type {Record<string, Float32Array>} */
      const out = {};
      s.tensors.forEach((t, i) => {
        rt.check(rt.ex.rnnlab_model_get_tensor(s.ptr, i, which, p), 'model', s.ptr);
        out[t.name] = rt.f32(p, t.rows * t.cols).slice();
      });
      return out;
    } finally { rt.free(p); }
  }

  /**
   * Sets some or all tensors (names as getWeights). All are validated before any is written.
   * @param {Record<string, ArrayLike<number>>} weights
   */
  setWeights(weights) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(weights)) fail(`setWeights: weights must be an object {name: Float32Array} (got ${show(weights)})`);
    const known = new Map(s.tensors.map((t, i) => [t.name, i]));
    /** @type {[number, ArrayLike<number>][]} */
    const writes = [];
    for (const [name, arr] of Object.entries(weights)) {
      const i = known.get(name);
      if (i === undefined) fail(`setWeights: unknown tensor '${name}' (known: ${[...known.keys()].join(', ')})`);
      const t = s.tensors[i], n = t.rows * t.cols;
      if (!(Array.isArray(arr) || (ArrayBuffer.isView(arr) && !isA(arr, 'DataView') && !isA(arr, 'BigInt64Array') && !isA(arr, 'BigUint64Array')))) {
        fail(`setWeights: weights['${name}'] must be a Float32Array or an array of numbers (got ${show(arr)})`);
      }
      const a = /** @type {ArrayLike<number>} */ (arr);
      if (a.length !== n) fail(`setWeights: weights['${name}'] must have ${n} elements (shape [${torchShape(t)}]), got ${a.length}`);
      checkFinite(`setWeights: weights['${name}']`, a);
      writes.push([i, a]);
    }
    if (!writes.length) return;
    const max = Math.max(...writes.map(([i]) => s.tensors[i].rows * s.tensors[i].cols));
    const p = rt.alloc(4 * max);
    try {
      for (const [i, a] of writes) {
        rt.f32(p, a.length).set(a);
        rt.check(rt.ex.rnnlab_model_set_tensor(s.ptr, i, p), 'model', s.ptr);
      }
    } finally { rt.free(p); }
  }

  /**
   * Backward on the batch (targets required), then everything the engine recorded, batch-major.
   * Gradients afterwards are this batch's. The
   * carried state (carryState, truncated BPTT over a stream) is left exactly as it was, so a
   * probe traced between training steps does not disturb the training stream.
   * @param {Batch} batch
   */
  trace(batch) {
    const s = this.#live(), rt = s.rt;
    const b = marshalBatch(s, batch, true, () => 4);
    let loss;
    try {
      passFits(s, b.B, b.T);
      rt.check(rt.ex.rnnlab_model_trace_pass(s.ptr, b.ptr, b.extra), 'model', s.ptr);
      loss = rt.f32(b.extra, 1)[0];
    } finally { rt.free(b.ptr); }
    return readTrace(rt, s.ptr, loss, true);
  }

  /** Forgets the carried state (the next carryState pass starts from zeros). */
  resetState() { const s = this.#live(); s.rt.ex.rnnlab_model_reset_state(s.ptr); }

  /**
   * Fixed and slow points of the dynamics at a constant input, distinct, by q ascending
   * (dynamics.mjs). The carried state and the gradients are left as they were.
   * @param {import('./rnnlab.d.ts').FixedPointOptions} [options]
   */
  fixedPoints(options) { return fixedPoints(this.#live(), options); }

  /**
   * The largest Lyapunov exponent of the constant-input dynamics, natural log per step (the
   * issue's contract: a number). lyapunovAnalysis gives the spectrum and the divergence curve too.
   * @param {import('./rnnlab.d.ts').LyapunovOptions} [options] @returns {number}
   */
  lyapunov(options) { return lyapunov(this.#live(), options, 'lyapunov').exponent; }

  /**
   * The largest exponent with the exponents of every trajectory and the divergence of two nearby
   * trajectories (dynamics.mjs).
   * @param {import('./rnnlab.d.ts').LyapunovOptions} [options]
   */
  lyapunovAnalysis(options) { return lyapunov(this.#live(), options, 'lyapunovAnalysis'); }

  /**
   * Closed-loop outputs after a teacher-forced warm-up (dynamics.mjs); steps x outputSize.
   * @param {import('./rnnlab.d.ts').RolloutOptions} options
   */
  rollout(options) { return rollout(this.#live(), options); }

  /**
   * The model (and, with { trainer }, that trainer's optimizer state and the model's carried state,
   * so that a stream saved mid-way resumes exactly) as bytes for lab.loadModel / lab.loadTrainer.
   * @param {{ trainer?: Trainer | null }} [options]
   */
  save(options = {}) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    if (!isObject(options)) fail(`save: options must be an object (got ${show(options)})`);
    for (const k of Object.keys(options)) if (k !== 'trainer') fail(`save: unknown option '${k}' (known: trainer)`);
    let t = 0;
    if (options.trainer !== undefined && options.trainer !== null) {
      const ts = trainerState(options.trainer);
      if (!ts) fail(`save: options.trainer must be a trainer (got ${show(options.trainer)})`);
      if (ts.model !== s) fail('save: options.trainer belongs to another model');
      if (!ts.ptr) fail('trainer has been freed');
      t = ts.ptr;
    }
    const n = ex.rnnlab_model_save_size(s.ptr, t) >>> 0;
    if (n === 0) fail('save: the engine reports a size of 0 bytes');
    const p = rt.alloc(n);
    try {
      rt.check(ex.rnnlab_model_save(s.ptr, t, p, n), 'model', s.ptr);
      return rt.u8(p, n).slice();
    } finally { rt.free(p); }
  }

  /** Frees the model and every trainer of it. Idempotent. */
  free() {
    const s = this.#s;
    if (!s.ptr) return;
    for (const t of s.trainers) { if (t.ptr) (t.release ? t.release() : s.rt.ex.rnnlab_trainer_free(t.ptr)); t.ptr = 0; } // trainers, ridge readouts
    s.trainers.clear();
    s.rt.ex.rnnlab_model_free(s.ptr);
    s.ptr = 0;
  }
}

/** @type {(t: unknown) => TrainerState | undefined} */
let trainerState;

// ---- Trainer ----

class Trainer {
  #t;
  #model;
  /** true when this trainer came from lab.loadLearner: it owns its model and free() frees both */
  #ownsModel;
  static { trainerState = (t) => (t !== null && typeof t === 'object' && #t in t ? t.#t : undefined); HANDLES.trainer.define(trainerState); }

  /** @param {Model} model @param {ModelState} s model's state @param {number} ptr @param {boolean} [ownsModel] */
  constructor(model, s, ptr, ownsModel = false) {
    this.#t = { model: s, ptr };
    this.#model = model;
    this.#ownsModel = ownsModel;
    s.trainers.add(this.#t);
  }

  /** The model this trainer updates. */
  get model() { return this.#model; }
  /** The kind of learner (the kind of file save() writes): a plain model with its optimizer. */
  get kind() { return 'model'; }

  /** @returns {TrainerState} */
  #live() {
    const t = this.#t;
    if (!t.model.ptr) fail('model has been freed (this trainer belonged to it)');
    if (!t.ptr) fail('trainer has been freed');
    return t;
  }

  /**
   * zero_grad, forward, backward, clip, update over the whole batch (in chunks with truncate).
   * batch: a Batch, or a task.nextBatch() batch (read in place, nothing copied).
   * @param {Batch | import('./rnnlab.d.ts').TaskBatch} batch
   */
  step(batch) {
    const t = this.#live(), s = t.model, rt = s.rt;
    const nb = HANDLES.nativeBatch.of(batch);
    if (nb) {
      if (nb.rt !== rt) fail('step: the batch belongs to another loaded rnnlab instance');
      if (nb.seq2seq) fail('step: a sequence-to-sequence batch trains a seq2seq model (lab.createSeq2Seq), not a plain model');
      const at = nb.at();
      const [B, T] = rt.i32(at + NATIVE_BLOCK.batch, 2); // rnnlab_batch: batch, length
      this.#fits(B, T);
      rt.check(rt.ex.rnnlab_trainer_step(t.ptr, at + NATIVE_BLOCK.batch, at + NATIVE_BLOCK.result), 'trainer', t.ptr);
      const r = rt.readStruct(at + NATIVE_BLOCK.result, STEP_RESULT_FIELDS);
      return { loss: r.loss, gradNorm: r.grad_norm, clipped: r.clipped !== 0, chunks: r.chunks };
    }
    const b = marshalBatch(s, /** @type {Batch} */ (batch), true, () => 4 * STEP_RESULT_FIELDS.length);
    try {
      this.#fits(b.B, b.T);
      rt.check(rt.ex.rnnlab_trainer_step(t.ptr, b.ptr, b.extra), 'trainer', t.ptr);
      const r = rt.readStruct(b.extra, STEP_RESULT_FIELDS);
      return { loss: r.loss, gradNorm: r.grad_norm, clipped: r.clipped !== 0, chunks: r.chunks };
    } finally { rt.free(b.ptr); }
  }

  /** The length of each pass of a step of length T: the truncate chunk, if shorter. @param {number} T */
  #chunk(T) {
    const t = this.#t, rt = t.model.rt;
    const truncate = rt.i32(rt.ex.rnnlab_wasm_trainer_config(t.ptr) >>> 0, TRAIN_CONFIG_FIELDS.length)[TRAIN_CONFIG_FIELDS.findIndex(([n]) => n === 'truncate')];
    return truncate > 0 ? Math.min(T, truncate) : T;
  }

  /** The memory pre-check of a step of B x T (passFits). @param {number} B @param {number} T */
  #fits(B, T) { passFits(this.#t.model, B, this.#chunk(T)); }

  /**
   * Grows the model's arenas now for steps of batchSize x length (what the first such step would
   * do), so that a run that cannot fit in the wasm heap fails before it starts (the page's worker
   * builds a run this way while the current one goes on). @param {{ batchSize: number, length: number }} shape
   */
  reserve(shape) {
    const t = this.#live(), rt = t.model.rt;
    if (!isObject(shape)) fail(`reserve: shape must be { batchSize, length } (got ${show(shape)})`);
    const B = checkInt('reserve: batchSize', shape.batchSize, 1, rt.limits.maxElems);
    const T = checkInt('reserve: length', shape.length, 1, rt.limits.maxElems);
    if (B * T > rt.limits.maxElems) fail(`reserve: batchSize*length = ${B * T} exceeds ${rt.limits.maxElems}`);
    const L = this.#chunk(T);
    passFits(t.model, B, L);
    rt.check(rt.ex.rnnlab_model_reserve(t.model.ptr, B, L), 'model', t.model.ptr);
  }

  /**
   * The task's result for the model on fresh held-out data (task.evaluate(trainer.model, options)).
   * @param {any} task a task from lab.createTask (or a csv task) @param {any} [options]
   */
  evaluate(task, options) {
    this.#live();
    if (task === null || typeof task !== 'object' || typeof task.evaluate !== 'function') fail(`evaluate: task must be a task from lab.createTask (got ${show(task)})`);
    return task.evaluate(this.#model, options);
  }

  /** model.trace(batch): gradients and activations of the batch; training is not disturbed. @param {Batch} batch */
  trace(batch) { this.#live(); return this.#model.trace(batch); }

  /**
   * The model, this trainer's optimizer state and the carried state as bytes (model.save({ trainer })):
   * lab.loadLearner continues from them exactly.
   */
  save() { this.#live(); return this.#model.save({ trainer: this }); }

  /** @param {number} lr finite, > 0 */
  setLearningRate(lr) {
    const t = this.#live();
    checkLearningRate('learningRate', lr);
    t.model.rt.check(t.model.rt.ex.rnnlab_trainer_set_learning_rate(t.ptr, lr), 'trainer', t.ptr);
  }

  /** Current learning rate (as the engine stores it, float32); setting it keeps the optimizer state. */
  get learningRate() { return /** @type {number} */ (this.config.learningRate); }
  set learningRate(lr) { this.setLearningRate(/** @type {number} */ (lr)); }
  /** Normalised options as the engine uses them. @returns {Readonly<Record<string, unknown>>} */
  get config() {
    const t = this.#live(), rt = t.model.rt;
    const optim = readKeys(TRAIN_KEYS, rt.readStruct(rt.ex.rnnlab_wasm_trainer_config(t.ptr) >>> 0, TRAIN_CONFIG_FIELDS));
    const warmup = rt.ex.rnnlab_trainer_closed_loop(t.ptr);
    return Object.freeze({ ...optim, closedLoop: warmup > 0 ? Object.freeze({ warmup }) : false });
  }
  /** The optimizer options (the same as config; the name every learner has). */
  get trainerOptions() { return this.config; }
  /** Updates applied so far (restored by lab.loadTrainer / lab.loadLearner). */
  get steps() { const t = this.#live(); return t.model.rt.ex.rnnlab_wasm_trainer_steps(t.ptr); }
  /** Bytes of the optimizer moments in C (0, 1 or 2 parameter-sized arrays). */
  get arenaBytes() { const t = this.#live(); return t.model.rt.ex.rnnlab_trainer_arena_bytes(t.ptr) >>> 0; }
  /** True once this trainer or its model was freed. */
  get freed() { return this.#t.ptr === 0; }

  /** Idempotent. The model stays, unless the trainer came from lab.loadLearner (then it goes too). */
  free() {
    const t = this.#t;
    if (t.ptr) {
      t.model.rt.ex.rnnlab_trainer_free(t.ptr);
      t.ptr = 0;
      t.model.trainers.delete(t);
    }
    if (this.#ownsModel) this.#model.free();
  }
}
