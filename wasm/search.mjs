// @ts-check
/**
 * search.mjs - decoding search for the rnnlab wrapper (core/decode.c): lab.search and lab.score
 * over an embedder's next function, model.generate and model.score over a model's predictions.
 *
 * Owns: the decode options (validated here so messages name the option; C checks them again),
 * the JS side of the C import env.rnnlab_js_next, and those four methods, which rnnlab.mjs
 * installs (installSearch) on each lab and on the Model prototype.
 * Does not own: loading, models, or turning statuses into exceptions (rnnlab.mjs Runtime.check,
 * the one place, is used for every C status here).
 *
 * How a JS next function is called from C: lab.search registers the search under an id and
 * calls rnnlab_wasm_search(config, id, ...). For every prefix, C calls the import
 * rnnlab_js_next(id, prefixPtr, len, probsPtr, V) (searchImports below), which copies the prefix
 * out, calls next(prefix), checks the length and writes the V probabilities through a view made
 * after next returned. next may itself call into the same module (model.forward, another
 * lab.search): C's buffers stay where they are when memory grows, and nothing here keeps a
 * typed-array view across the call. When next throws (or returns the wrong length), the import
 * keeps the error and returns a nonzero status; C stops the search and frees what it allocated;
 * once the C call has returned, that error is rethrown as is. The module stays usable.
 */

import { checkInt, fail, isObject, show } from './check.mjs';
import { ERRLEN, STRATEGIES } from './names.mjs';

/** @typedef {import('./rnnlab.d.ts').SearchOptions} SearchOptions */
/** @typedef {import('./rnnlab.d.ts').GenerateOptions} GenerateOptions */
/** @typedef {import('./rnnlab.d.ts').SearchResult} SearchResult */
/** @typedef {import('./rnnlab.d.ts').Hypothesis} Hypothesis */

/** rnnlab_decode_strategy: the index is the C enum value */
/** @type {ReadonlyArray<readonly [string, 'i32' | 'u32' | 'f32']>} rnnlab_decode_config, C field order */
export const DECODE_FIELDS = [
  ['strategy', 'i32'], ['vocab_size', 'i32'], ['length', 'i32'], ['beam_width', 'i32'], ['eos', 'i32'],
  ['length_penalty', 'f32'], ['temperature', 'f32'], ['top_k', 'i32'], ['seed_lo', 'u32'], ['seed_hi', 'u32'],
];
/** option keys shared by lab.search and model.generate */
export const DECODE_KEYS = ['strategy', 'length', 'beamWidth', 'eos', 'lengthPenalty', 'temperature', 'topK', 'seed'];
/** core/rnnlab.h RNNLAB_DECODE_MAX_BEAM */
const MAX_BEAM = 65536;
/** beamWidth when not given */
const DEFAULT_BEAM = 4;
const SEARCH_EXPORTS = ['rnnlab_decode_config_default', 'rnnlab_wasm_model_generate', 'rnnlab_wasm_model_score',
  'rnnlab_wasm_search', 'rnnlab_wasm_search_score', 'rnnlab_wasm_decode_layout'];




/** An array or a numeric typed array (not BigInt, not DataView). @param {unknown} v @returns {v is ArrayLike<number>} */
function isNumbers(v) {
  if (Array.isArray(v)) return true;
  if (!ArrayBuffer.isView(v)) return false;
  const tag = Object.prototype.toString.call(v);
  return tag !== '[object DataView]' && tag !== '[object BigInt64Array]' && tag !== '[object BigUint64Array]';
}


/** @param {string} name @param {unknown} v @param {number} lo @param {number} hi @returns {number} */
function checkRange(name, v, lo, hi) {
  if (typeof v !== 'number' || !Number.isFinite(Math.fround(v)) || v < lo || v > hi) {
    fail(`${name} must be a finite number in [${lo}, ${hi}] (got ${show(v)})`);
  }
  return v;
}

/** @param {string} fn @param {unknown} user @param {readonly string[]} known */
function checkKeys(fn, user, known) {
  if (!isObject(user)) fail(`${fn}: options must be an object (got ${show(user)})`);
  for (const k of Object.keys(user)) {
    if (!known.includes(k)) fail(`${fn}: unknown option '${k}' (known: ${known.join(', ')})`);
  }
  return user;
}

/**
 * Token ids: an Int32Array or an array of integers in 0..V-1, at least one.
 * @param {string} name @param {unknown} v @param {number} V @param {number} max
 */
function checkTokens(name, v, V, max) {
  if (!isNumbers(v)) fail(`${name} must be an Int32Array or an array of token ids (got ${show(v)})`);
  const a = /** @type {ArrayLike<number>} */ (v);
  if (a.length < 1) fail(`${name} must hold at least one token`);
  if (a.length > max) fail(`${name} holds ${a.length} tokens, more than ${max}`);
  for (let i = 0; i < a.length; i++) {
    const t = a[i];
    if (!Number.isInteger(t) || t < 0 || t >= V) fail(`${name}[${i}] = ${show(t)} is not a token id in 0..${V - 1}`);
  }
  return a;
}

/**
 * The decode options as rnnlab_decode_config fields.
 * @param {string} fn @param {Record<string, unknown>} o @param {number} V vocabulary @param {Record<string, number>} defaults C defaults
 * @param {number} maxElems
 */
export function decodeRaw(fn, o, V, defaults, maxElems) {
  const raw = { ...defaults };
  const strategy = o.strategy ?? 'greedy';
  raw.strategy = typeof strategy === 'string' ? STRATEGIES.indexOf(strategy) : -1;
  if (raw.strategy < 0) fail(`${fn}: options.strategy must be one of ${STRATEGIES.join(', ')} (got ${show(strategy)})`);
  if (o.length === undefined) fail(`${fn}: options.length (the number of tokens to generate) is required`);
  raw.length = checkInt(`${fn}: options.length`, o.length, 1, maxElems);
  const many = strategy === 'beam' || strategy === 'exhaustive';
  raw.beam_width = o.beamWidth === undefined ? (strategy === 'beam' ? DEFAULT_BEAM : 1) : checkInt(`${fn}: options.beamWidth`, o.beamWidth, 1, MAX_BEAM);
  if (many && raw.beam_width * raw.length > maxElems) fail(`${fn}: beamWidth ${raw.beam_width} x length ${raw.length} exceeds ${maxElems} tokens of results`);
  if (o.eos === undefined || o.eos === null || o.eos === -1) raw.eos = -1;
  else if (typeof o.eos !== 'number' || !Number.isInteger(o.eos) || o.eos < 0 || o.eos >= V) {
    fail(`${fn}: options.eos must be a token id in 0..${V - 1}, or null for none (got ${show(o.eos)})`);
  } else raw.eos = o.eos;
  raw.length_penalty = o.lengthPenalty === undefined ? 0 : checkRange(`${fn}: options.lengthPenalty`, o.lengthPenalty, 0, 10);
  raw.temperature = o.temperature === undefined ? 1 : checkRange(`${fn}: options.temperature`, o.temperature, 0, 3.4e38);
  raw.top_k = o.topK === undefined ? 0 : checkInt(`${fn}: options.topK`, o.topK, 0, 2 ** 31 - 1);
  const seed = o.seed ?? 1;
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 1n << 64n) fail(`${fn}: options.seed must be in 0..2^64-1 (got ${show(seed)})`);
    raw.seed_lo = Number(seed & 0xffffffffn), raw.seed_hi = Number(seed >> 32n);
  } else if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) {
    raw.seed_lo = seed % 2 ** 32, raw.seed_hi = Math.floor(seed / 2 ** 32);
  } else fail(`${fn}: options.seed must be an integer in 0..2^53-1 or a BigInt (got ${show(seed)})`);
  return raw;
}

// ---- the C import ----

/**
 * @typedef {object} Run  one lab.search / lab.score in progress
 * @property {any} rt  rnnlab.mjs Runtime
 * @property {(prefix: Int32Array) => unknown} next
 * @property {string} fn
 * @property {unknown} error  what next threw, or the length error; rethrown after C returns
 * @property {boolean} failed
 */
/** @type {Map<number, Run>} */
const runs = new Map();
let lastId = 0;

/** What rnnlab.mjs passes as the env imports besides its own: C's way to a JS next function. */
export const searchImports = Object.freeze({
  /**
   * @param {number} id @param {number} prefixPtr @param {number} len @param {number} probsPtr @param {number} V
   * @returns {number} 0, or 1 when next threw or returned something unusable (kept in run.error)
   */
  rnnlab_js_next(id, prefixPtr, len, probsPtr, V) {
    const run = runs.get(id);
    if (!run || run.failed) return 1;
    try {
      const prefix = run.rt.i32(prefixPtr >>> 0, len).slice();
      const p = run.next(prefix); // may call into the module, grow memory, even search again
      if (!isNumbers(p)) {
        fail(`${run.fn}: next(prefix) must return a Float32Array of vocabSize = ${V} probabilities (got ${show(p)} for a prefix of ${len} tokens)`);
      }
      if (p.length !== V) {
        fail(`${run.fn}: next(prefix) returned ${p.length} probabilities for a prefix of ${len} tokens, expected vocabSize = ${V}`);
      }
      run.rt.f32(probsPtr >>> 0, V).set(p); // a view made now: memory may have grown during next
      return 0;
    } catch (e) {
      run.error = e, run.failed = true;
      return 1;
    }
  },
});

/**
 * Runs call(id) with next registered under id; rethrows next's error if there was one.
 * @template T @param {any} rt @param {string} fn @param {(prefix: Int32Array) => unknown} next @param {(id: number) => T} call
 */
function withNext(rt, fn, next, call) {
  const id = ++lastId;
  /** @type {Run} */
  const run = { rt, next, fn, error: undefined, failed: false };
  runs.set(id, run);
  let result;
  try { result = call(id); } finally { runs.delete(id); }
  if (run.failed) throw run.error;
  return result;
}

// ---- results ----

/**
 * Bytes for K result rows of L tokens: tokens, lengths, log-probs, scores, count.
 * @param {number} K @param {number} L
 */
const resultBytes = (K, L) => 4 * (K * L + 3 * K + 1);

/**
 * @param {any} rt @param {number} p start of the result block @param {number} K @param {number} L
 * @param {number} strategy @returns {SearchResult}
 */
function readResult(rt, p, K, L, strategy) {
  const lenPtr = p + 4 * K * L, lpPtr = lenPtr + 4 * K, scPtr = lpPtr + 4 * K, countPtr = scPtr + 4 * K;
  const count = rt.i32(countPtr, 1)[0];
  const lengths = rt.i32(lenPtr, K).slice(), lp = rt.f32(lpPtr, K).slice(), sc = rt.f32(scPtr, K).slice();
  /** @type {Hypothesis[]} */
  const beams = [];
  for (let i = 0; i < count; i++) {
    beams.push({ tokens: rt.i32(p + 4 * i * L, lengths[i]).slice(), logProb: lp[i], score: sc[i] });
  }
  if (!beams.length) fail('search: no sequence has a probability above 0');
  /** @type {SearchResult} */
  const out = { tokens: beams[0].tokens.slice(), logProb: beams[0].logProb, score: beams[0].score };
  if (STRATEGIES[strategy] === 'beam' || STRATEGIES[strategy] === 'exhaustive') out.beams = beams;
  return out;
}

/** @param {Record<string, number>} raw */
const resultRows = (raw) => (raw.strategy === 1 || raw.strategy === 2 ? raw.beam_width : 1);

/**
 * One decode call into wasm, in the layout every decoder shares (lab.search, model.generate,
 * s2s.decode): the decode config, then ids (a prompt or a source; may be empty), then the result
 * block (K x L tokens, lengths, log-probs, scores, count), then `extra` bytes. call makes the C
 * call and checks its status; rows are the five result pointers in the C functions' order.
 * @param {any} rt @param {Record<string, number>} raw checked decode config (decodeRaw)
 * @param {ArrayLike<number>} ids @param {number} extra
 * @param {(cfg: number, ids: number, n: number, rows: number[], extra: number) => void} call
 * @returns {SearchResult}
 */
export function decodeCall(rt, raw, ids, extra, call) {
  const K = resultRows(raw), L = raw.length, N = ids.length, cfg = 4 * DECODE_FIELDS.length;
  const p = rt.alloc(cfg + 4 * N + resultBytes(K, L) + extra);
  try {
    const pi = p + cfg, res = pi + 4 * N;
    rt.writeStruct(p, DECODE_FIELDS, raw);
    if (N) rt.i32(pi, N).set(ids);
    const rows = [res, res + 4 * K * L, res + 4 * (K * L + K), res + 4 * (K * L + 2 * K), res + 4 * (K * L + 3 * K)];
    call(p, pi, N, rows, res + resultBytes(K, L));
    return readResult(rt, res, K, L, raw.strategy);
  } finally { rt.free(p); }
}

// ---- the methods ----

/**
 * @param {any} rt @param {Record<string, number>} defaults @param {unknown} options
 * @returns {SearchResult}
 */
function search(rt, defaults, options) {
  const o = checkKeys('search', options, ['next', 'vocabSize', ...DECODE_KEYS]);
  if (typeof o.next !== 'function') fail(`search: options.next must be a function (prefix: Int32Array) => Float32Array (got ${show(o.next)})`);
  if (o.vocabSize === undefined) fail('search: options.vocabSize (the length of what next returns) is required');
  const V = checkInt('search: options.vocabSize', o.vocabSize, 1, rt.limits.maxIO);
  const raw = decodeRaw('search', o, V, defaults, rt.limits.maxElems);
  raw.vocab_size = V;
  const next = /** @type {(prefix: Int32Array) => unknown} */ (o.next);
  return decodeCall(rt, raw, new Int32Array(0), ERRLEN, (cfg, _ids, _n, rows, err) => {
    rt.u8(err, 1)[0] = 0;
    const status = withNext(rt, 'search', next, (id) => rt.ex.rnnlab_wasm_search(cfg, id, ...rows, err, ERRLEN));
    rt.check(status, 'buffer', err);
  });
}

/** @param {any} rt @param {unknown} options @returns {number} */
function scoreNext(rt, options) {
  const o = checkKeys('score', options, ['next', 'vocabSize', 'tokens']);
  if (typeof o.next !== 'function') fail(`score: options.next must be a function (prefix: Int32Array) => Float32Array (got ${show(o.next)})`);
  if (o.vocabSize === undefined) fail('score: options.vocabSize is required');
  const V = checkInt('score: options.vocabSize', o.vocabSize, 1, rt.limits.maxIO);
  const tokens = checkTokens('score: options.tokens', o.tokens, V, rt.limits.maxElems);
  const n = tokens.length;
  const p = rt.alloc(4 * n + 4 + ERRLEN);
  try {
    rt.i32(p, n).set(tokens);
    rt.u8(p + 4 * n + 4, 1)[0] = 0;
    const next = /** @type {(prefix: Int32Array) => unknown} */ (o.next);
    const status = withNext(rt, 'score', next, (id) => rt.ex.rnnlab_wasm_search_score(V, id, p, n, p + 4 * n, p + 4 * n + 4, ERRLEN));
    rt.check(status, 'buffer', p + 4 * n + 4);
    return rt.f32(p + 4 * n, 1)[0];
  } finally { rt.free(p); }
}

/**
 * @param {any} s rnnlab.mjs ModelState @param {string} fn
 * @returns {any}
 */
function live(s, fn) {
  if (!s) fail(`${fn}: must be called on a model`);
  if (!s.ptr) fail('model has been freed');
  return s;
}

/**
 * @param {any} s ModelState @param {Record<string, number>} defaults @param {unknown} options
 * @returns {SearchResult}
 */
function generate(s, defaults, options) {
  const rt = s.rt, V = s.raw.output_size;
  const o = checkKeys('generate', options, ['prompt', 'carryState', 'vocabSize', ...DECODE_KEYS]);
  if (o.vocabSize !== undefined && o.vocabSize !== V) fail(`generate: options.vocabSize ${show(o.vocabSize)} does not match the model's outputSize ${V}`);
  if (o.prompt === undefined) fail('generate: options.prompt (at least one token id the model reads first) is required');
  const prompt = checkTokens('generate: options.prompt', o.prompt, s.raw.input_size, rt.limits.maxElems);
  if (o.carryState !== undefined && typeof o.carryState !== 'boolean') fail(`generate: options.carryState must be true or false (got ${show(o.carryState)})`);
  const raw = decodeRaw('generate', o, V, defaults, rt.limits.maxElems);
  raw.vocab_size = V;
  return decodeCall(rt, raw, prompt, 0, (cfg, ids, n, rows) =>
    rt.check(rt.ex.rnnlab_wasm_model_generate(s.ptr, cfg, ids, n, o.carryState ? 1 : 0, ...rows), 'model', s.ptr));
}

/** @param {any} s ModelState @param {unknown} options @returns {number} */
function scoreModel(s, options) {
  const rt = s.rt, V = s.raw.output_size;
  const o = checkKeys('score', options, ['prompt', 'tokens', 'carryState']);
  if (o.prompt === undefined) fail('score: options.prompt (at least one token id read before tokens) is required');
  const prompt = checkTokens('score: options.prompt', o.prompt, s.raw.input_size, rt.limits.maxElems);
  const tokens = checkTokens('score: options.tokens', o.tokens, V, rt.limits.maxElems);
  if (o.carryState !== undefined && typeof o.carryState !== 'boolean') fail(`score: options.carryState must be true or false (got ${show(o.carryState)})`);
  const P = prompt.length, n = tokens.length;
  const p = rt.alloc(4 * (P + n + 1));
  try {
    rt.i32(p, P).set(prompt);
    rt.i32(p + 4 * P, n).set(tokens);
    const status = rt.ex.rnnlab_wasm_model_score(s.ptr, p, P, p + 4 * P, n, o.carryState ? 1 : 0, p + 4 * (P + n));
    rt.check(status, 'model', s.ptr);
    return rt.f32(p + 4 * (P + n), 1)[0];
  } finally { rt.free(p); }
}

/** @type {WeakSet<object>} Model prototypes already given generate / score */
const patched = new WeakSet();

/**
 * Called by rnnlab.mjs for each new lab, before the lab is frozen: checks the module's search
 * exports and layout, defines lab.search and lab.score, and (once) model.generate and
 * model.score on the Model prototype.
 * @param {object} lab @param {any} rt rnnlab.mjs Runtime
 * @param {{ modelPrototype: object, modelState: (m: unknown) => any }} hooks
 */
export function installSearch(lab, rt, { modelPrototype, modelState }) {
  const ex = rt.ex;
  const absent = SEARCH_EXPORTS.filter((n) => !(n in ex));
  if (absent.length) fail(`the wasm module lacks exports ${absent.join(', ')} (stale build? run make)`);
  const size = ex.rnnlab_wasm_decode_layout(-1);
  const offsets = DECODE_FIELDS.map((_, i) => ex.rnnlab_wasm_decode_layout(i));
  if (size !== 4 * DECODE_FIELDS.length || offsets.some((o, i) => o !== 4 * i) || ex.rnnlab_wasm_decode_layout(DECODE_FIELDS.length) !== -1) {
    fail(`rnnlab_decode_config layout mismatch: C says ${size} bytes, offsets [${offsets}]; search.mjs expects ${DECODE_FIELDS.length} 4-byte fields`);
  }
  const p = rt.alloc(size);
  /** @type {Record<string, number>} */
  let defaults;
  try {
    ex.rnnlab_decode_config_default(p);
    defaults = Object.freeze(rt.readStruct(p, DECODE_FIELDS));
  } finally { rt.free(p); }
  const method = (/** @type {Function} */ value) => ({ value, writable: true, configurable: true, enumerable: false });
  Object.defineProperties(lab, {
    search: method(/** @param {SearchOptions} options */ (options) => search(rt, defaults, options)),
    score: method(/** @param {{ next: (prefix: Int32Array) => ArrayLike<number>, vocabSize: number, tokens: ArrayLike<number> }} options */
      (options) => scoreNext(rt, options)),
  });
  if (patched.has(modelPrototype)) return;
  patched.add(modelPrototype);
  // The C defaults are the same in every build: the first lab's serve every model.
  Object.defineProperties(modelPrototype, {
    generate: method(/** @this {object} @param {GenerateOptions} options */ function (options) {
      return generate(live(modelState(this), 'generate'), defaults, options);
    }),
    score: method(/** @this {object} @param {{ prompt: ArrayLike<number>, tokens: ArrayLike<number>, carryState?: boolean }} options */
      function (options) { return scoreModel(live(modelState(this), 'score'), options); }),
  });
}
