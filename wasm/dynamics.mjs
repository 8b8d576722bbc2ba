// @ts-check
/**
 * dynamics.mjs - a trained model as a dynamical system (core/dynamics/): model.fixedPoints,
 * model.lyapunov and model.rollout, which the Model class (rnnlab.mjs) delegates to.
 *
 * Owns: their options (validated here so messages name the option; C checks them again), the
 * C structs rnnlab_fixed_point_config / rnnlab_lyapunov_config (checked against C once per
 * module), reading a fixed-point result out of wasm memory into plain objects, and naming the
 * stability of each point from its eigenvalues.
 * Does not own: the arithmetic (all in C), models, or turning statuses into exceptions
 * (rnnlab.mjs Runtime.check, the one place).
 *
 * The state layout (every call): every layer's hidden state h, layer 0 first, then every layer's
 * cell state c for the cells that have one (LSTM cell, CT-RNN potential):
 *   [h^0 ... h^{L-1} | c^0 ... c^{L-1}],  L * hiddenSize * (1 or 2) floats.
 * Every call leaves the model's carried state and its gradients as they were; the trace of the
 * last pass is overwritten.
 */

import { checkInt, checkSeed, fail, isObject, show } from './check.mjs';
import { INPUT_KINDS, OUTPUT_KINDS } from './names.mjs';

/** @typedef {import('./rnnlab.d.ts').FixedPoint} FixedPoint */
/** @typedef {import('./rnnlab.d.ts').FixedPointOptions} FixedPointOptions */
/** @typedef {import('./rnnlab.d.ts').LyapunovOptions} LyapunovOptions */
/** @typedef {import('./rnnlab.d.ts').LyapunovResult} LyapunovResult */
/** @typedef {import('./rnnlab.d.ts').RolloutOptions} RolloutOptions */

/**
 * What of a model this module needs (rnnlab.mjs ModelState).
 * @typedef {{ rt: any, ptr: number, raw: Record<string, number> }} DynModel
 */

/** @type {ReadonlyArray<readonly [string, 'i32' | 'u32' | 'f32']>} rnnlab_fixed_point_config, C field order */
const FIXED_POINT_FIELDS = [
  ['starts', 'i32'], ['max_iterations', 'i32'], ['tolerance', 'f32'], ['slow_tolerance', 'f32'],
  ['merge_distance', 'f32'], ['learning_rate', 'f32'], ['token', 'i32'], ['directions', 'i32'],
  ['refine', 'i32'], ['seed_lo', 'u32'], ['seed_hi', 'u32'],
];
/** @type {ReadonlyArray<readonly [string, 'i32' | 'u32' | 'f32']>} rnnlab_lyapunov_config, C field order */
const LYAPUNOV_FIELDS = [
  ['steps', 'i32'], ['transient', 'i32'], ['trajectories', 'i32'], ['token', 'i32'], ['epsilon', 'f32'],
  ['perturbation', 'f32'], ['divergence_steps', 'i32'], ['seed_lo', 'u32'], ['seed_hi', 'u32'],
];
const EXPORTS = [
  'rnnlab_model_state_size', 'rnnlab_fixed_point_config_default', 'rnnlab_model_fixed_points', 'rnnlab_fixed_points_free',
  'rnnlab_fixed_points_count', 'rnnlab_fixed_points_state',
  'rnnlab_fixed_points_q', 'rnnlab_fixed_points_eigenvalues', 'rnnlab_fixed_points_unstable', 'rnnlab_fixed_points_directions',
  'rnnlab_fixed_points_direction_index', 'rnnlab_fixed_points_direction', 'rnnlab_lyapunov_config_default',
  'rnnlab_model_lyapunov', 'rnnlab_model_rollout', 'rnnlab_dynamics_layout',
];
/** core/dynamics: the C limits, restated so a message can name the option */
const MAX_STARTS = 100000, MAX_ITERATIONS = 1000000, MAX_STEPS = 10000000, MAX_TRAJECTORIES = 64;

/** runtimes whose exports and struct layouts were checked */
const checked = new WeakSet();

/** @param {any} rt */
function ready(rt) {
  if (checked.has(rt)) return;
  const absent = EXPORTS.filter((n) => typeof rt.ex[n] !== 'function');
  if (absent.length) fail(`the wasm module lacks exports ${absent.join(', ')} (stale build? run make)`);
  for (const [what, fields, name] of /** @type {const} */ ([[0, FIXED_POINT_FIELDS, 'rnnlab_fixed_point_config'], [1, LYAPUNOV_FIELDS, 'rnnlab_lyapunov_config']])) {
    const size = rt.ex.rnnlab_dynamics_layout(what);
    if (size !== 4 * fields.length) fail(`${name} layout mismatch: C says ${size} bytes; dynamics.mjs expects ${fields.length} 4-byte fields`);
  }
  checked.add(rt);
}

/** @param {string} fn @param {unknown} options @param {readonly string[]} known @returns {Record<string, any>} */
function checkOptions(fn, options, known) {
  if (options === undefined) return {};
  if (!isObject(options)) fail(`${fn}: options must be an object (got ${show(options)})`);
  for (const k of Object.keys(options)) if (!known.includes(k)) fail(`${fn}: unknown option '${k}' (known: ${known.join(', ')})`);
  return options;
}

/** An array or a numeric typed array (not BigInt, not DataView). @param {unknown} v @returns {v is ArrayLike<number>} */
function isNumbers(v) {
  if (Array.isArray(v)) return true;
  if (!ArrayBuffer.isView(v)) return false;
  const tag = Object.prototype.toString.call(v);
  return tag !== '[object DataView]' && tag !== '[object BigInt64Array]' && tag !== '[object BigUint64Array]';
}

/** A value as float32 in words: 'NaN', 'infinite', or null when finite. @param {unknown} x */
function nonFinite(x) {
  const f = typeof x === 'number' ? Math.fround(x) : NaN;
  return Number.isNaN(f) ? 'NaN' : Number.isFinite(f) ? null : 'infinite';
}

/** numbers of length n (or any multiple of n when multiple), all finite as float32 @param {string} name @param {unknown} v @param {number} n @param {boolean} [multiple] */
function checkVector(name, v, n, multiple = false) {
  if (!isNumbers(v)) fail(`${name} must be a Float32Array or an array of numbers (got ${show(v)})`);
  const a = /** @type {ArrayLike<number>} */ (v);
  if (multiple ? a.length === 0 || a.length % n !== 0 : a.length !== n) {
    fail(`${name} must have ${multiple ? `a positive multiple of ${n}` : n} elements, got ${a.length}`);
  }
  for (let i = 0; i < a.length; i++) {
    const bad = nonFinite(a[i]);
    if (bad) fail(`${name}[${i}] is ${bad}`);
  }
  return a;
}

/** @param {string} name @param {unknown} v @param {{ min?: number, minOpen?: boolean, max?: number }} r */
function checkFloat(name, v, r) {
  const ok = typeof v === 'number' && Number.isFinite(Math.fround(v)) && (r.min === undefined || (r.minOpen ? v > r.min : v >= r.min)) &&
    (r.max === undefined || v <= r.max);
  if (!ok) fail(`${name} must be a finite number${r.min !== undefined ? ` ${r.minOpen ? '>' : '>='} ${r.min}` : ''}${r.max !== undefined ? ` and <= ${r.max}` : ''} (got ${show(v)})`);
  return /** @type {number} */ (v);
}

/** The state size N, or the engine's reason why the model has no such state. @param {DynModel} s */
function stateSize(s) {
  const N = s.rt.ex.rnnlab_model_state_size(s.ptr);
  if (N === 0) s.rt.check(1, 'model', s.ptr);
  return N;
}

/**
 * The constant input: dense, I numbers (default zeros, as null); one-hot, a token id (default 0).
 * @param {string} fn @param {DynModel} s @param {unknown} input
 * @returns {{ dense: ArrayLike<number> | null, token: number }}
 */
function constantInput(fn, s, input) {
  const I = s.raw.input_size;
  if (INPUT_KINDS[s.raw.input_kind] === 'onehot') {
    if (input === undefined) return { dense: null, token: 0 };
    if (typeof input !== 'number') fail(`${fn}: options.input must be a token id in 0..${I - 1} for input 'onehot' (got ${show(input)})`);
    return { dense: null, token: checkInt(`${fn}: options.input`, input, 0, I - 1) };
  }
  if (input === undefined) return { dense: null, token: 0 };
  return { dense: checkVector(`${fn}: options.input`, input, I), token: 0 };
}

/**
 * Stability from the eigenvalues (discrete time): stable when every |lambda| < 1, unstable when
 * every |lambda| > 1, marginal when none is above 1 but some is exactly 1, a saddle otherwise.
 * @param {Float64Array} re @param {Float64Array} im @returns {FixedPoint['type']}
 */
function stabilityOf(re, im) {
  let above = 0, below = 0;
  for (let i = 0; i < re.length; i++) {
    const m = Math.hypot(re[i], im[i]);
    if (m > 1) above++;
    else if (m < 1) below++;
  }
  if (above === 0) return below === re.length ? 'stable' : 'marginal';
  return above === re.length ? 'unstable' : 'saddle';
}

/**
 * Fixed and slow points of the model's dynamics at a constant input (core/rnnlab.h,
 * rnnlab_model_fixed_points), distinct, by q ascending.
 * @param {DynModel} s @param {FixedPointOptions} [options] @returns {FixedPoint[]}
 */
export function fixedPoints(s, options) {
  const fn = 'fixedPoints', rt = s.rt, ex = rt.ex;
  ready(rt);
  const o = checkOptions(fn, options, ['input', 'starts', 'seed', 'tolerance', 'slowTolerance', 'maxIterations', 'mergeDistance',
    'learningRate', 'directions', 'refine']);
  const N = stateSize(s);
  const { dense, token } = constantInput(fn, s, o.input);
  /** @type {Record<string, number>} */
  const raw = {};
  const p0 = rt.alloc(4 * FIXED_POINT_FIELDS.length);
  try { ex.rnnlab_fixed_point_config_default(p0); Object.assign(raw, rt.readStruct(p0, FIXED_POINT_FIELDS)); } finally { rt.free(p0); }
  /** @type {Float32Array | null} */
  let starts = null;
  if (typeof o.starts === 'number') raw.starts = checkInt(`${fn}: options.starts`, o.starts, 1, MAX_STARTS);
  else if (Array.isArray(o.starts) && o.starts.length > 0 && o.starts.every((x) => isNumbers(x))) {
    if (o.starts.length > MAX_STARTS) fail(`${fn}: options.starts holds ${o.starts.length} states, at most ${MAX_STARTS}`);
    starts = new Float32Array(o.starts.length * N);
    o.starts.forEach((x, i) => starts?.set(checkVector(`${fn}: options.starts[${i}]`, x, N), i * N));
  } else if (o.starts !== undefined) {
    if (!isNumbers(o.starts)) fail(`${fn}: options.starts must be a count, a Float32Array of k * ${N} floats, or an array of states of ${N} floats (got ${show(o.starts)})`);
    const a = /** @type {ArrayLike<number>} */ (o.starts);
    if (a.length === 0 || a.length % N !== 0) fail(`${fn}: options.starts must have a positive multiple of ${N} elements (the state size), got ${a.length}`);
    for (let i = 0; i < a.length; i++) {
      const bad = nonFinite(a[i]);
      if (bad) fail(`${fn}: options.starts[${Math.floor(i / N)}][${i % N}] is ${bad}`);
    }
    if (a.length / N > MAX_STARTS) fail(`${fn}: options.starts holds ${a.length / N} states, at most ${MAX_STARTS}`);
    starts = Float32Array.from(a);
  }
  if (o.seed !== undefined) [raw.seed_lo, raw.seed_hi] = checkSeed(`${fn}: options.seed`, o.seed);
  if (o.tolerance !== undefined) raw.tolerance = checkFloat(`${fn}: options.tolerance`, o.tolerance, { min: 0, minOpen: true });
  if (o.slowTolerance !== undefined) raw.slow_tolerance = checkFloat(`${fn}: options.slowTolerance`, o.slowTolerance, { min: 0 });
  if (Math.fround(raw.slow_tolerance) < Math.fround(raw.tolerance)) {
    if (o.slowTolerance !== undefined) fail(`${fn}: options.slowTolerance (${raw.slow_tolerance}) must be >= tolerance (${raw.tolerance})`);
    raw.slow_tolerance = raw.tolerance;
  }
  if (o.maxIterations !== undefined) raw.max_iterations = checkInt(`${fn}: options.maxIterations`, o.maxIterations, 0, MAX_ITERATIONS);
  if (o.mergeDistance !== undefined) raw.merge_distance = checkFloat(`${fn}: options.mergeDistance`, o.mergeDistance, { min: 0, minOpen: true });
  if (o.learningRate !== undefined) raw.learning_rate = checkFloat(`${fn}: options.learningRate`, o.learningRate, { min: 0, minOpen: true });
  if (o.directions !== undefined) raw.directions = checkInt(`${fn}: options.directions`, o.directions, 0, N);
  if (o.refine !== undefined) {
    if (typeof o.refine !== 'boolean') fail(`${fn}: options.refine must be true or false (got ${show(o.refine)})`);
    raw.refine = o.refine ? 1 : 0;
  }
  raw.token = token;
  const I = s.raw.input_size, S = starts ? starts.length / N : 0;
  const oCfg = 0, oIn = 4 * FIXED_POINT_FIELDS.length, oStarts = oIn + 4 * I, oOut = oStarts + 4 * S * N;
  const p = rt.alloc(oOut + 4);
  let handle = 0;
  try {
    rt.writeStruct(p + oCfg, FIXED_POINT_FIELDS, raw);
    if (dense) rt.f32(p + oIn, I).set(dense);
    if (starts) rt.f32(p + oStarts, S * N).set(starts);
    rt.u32(p + oOut, 1)[0] = 0;
    const status = ex.rnnlab_model_fixed_points(s.ptr, p + oCfg, dense ? p + oIn : 0, starts ? p + oStarts : 0, S, p + oOut);
    rt.check(status, 'model', s.ptr);
    handle = rt.u32(p + oOut, 1)[0];
    /** @type {FixedPoint[]} */
    const points = [];
    const n = ex.rnnlab_fixed_points_count(handle), tol = Math.fround(raw.tolerance);
    for (let i = 0; i < n; i++) {
      const state = rt.f32(ex.rnnlab_fixed_points_state(handle, i) >>> 0, N).slice();
      const q = ex.rnnlab_fixed_points_q(handle, i);
      const eig = new Float64Array(rt.memory.buffer, ex.rnnlab_fixed_points_eigenvalues(handle, i) >>> 0, 2 * N).slice();
      const re = eig.slice(0, N), im = eig.slice(N);
      const unstableDirections = [];
      for (let k = 0; k < ex.rnnlab_fixed_points_directions(handle, i); k++) {
        const j = ex.rnnlab_fixed_points_direction_index(handle, i, k);
        const v = rt.f32(ex.rnnlab_fixed_points_direction(handle, i, k) >>> 0, 2 * N).slice();
        unstableDirections.push({ re: re[j], im: im[j], vector: v.slice(0, N), vectorIm: im[j] === 0 ? null : v.slice(N) });
      }
      const type = stabilityOf(re, im);
      points.push({
        state, q, slow: q > tol, stable: type === 'stable', type, eigenvalues: { re, im },
        unstableCount: ex.rnnlab_fixed_points_unstable(handle, i), unstableDirections,
      });
    }
    return points;
  } finally {
    if (handle) ex.rnnlab_fixed_points_free(handle);
    rt.free(p);
  }
}

/**
 * The largest Lyapunov exponent of the model's constant-input dynamics, natural log per step, and
 * the divergence of two trajectories `perturbation` apart (core/rnnlab.h, rnnlab_model_lyapunov).
 * @param {DynModel} s @param {LyapunovOptions} [options] @param {string} [fn] the method the messages name
 * @returns {LyapunovResult}
 */
export function lyapunov(s, options, fn = 'lyapunovAnalysis') {
  const rt = s.rt, ex = rt.ex;
  ready(rt);
  const o = checkOptions(fn, options, ['input', 'steps', 'seed', 'transient', 'trajectories', 'epsilon', 'perturbation',
    'divergenceSteps', 'start']);
  const N = stateSize(s);
  const { dense, token } = constantInput(fn, s, o.input);
  /** @type {Record<string, number>} */
  const raw = {};
  const p0 = rt.alloc(4 * LYAPUNOV_FIELDS.length);
  try { ex.rnnlab_lyapunov_config_default(p0); Object.assign(raw, rt.readStruct(p0, LYAPUNOV_FIELDS)); } finally { rt.free(p0); }
  if (o.steps !== undefined) raw.steps = checkInt(`${fn}: options.steps`, o.steps, 1, MAX_STEPS);
  if (o.transient !== undefined) raw.transient = checkInt(`${fn}: options.transient`, o.transient, 0, MAX_STEPS);
  if (o.trajectories !== undefined) raw.trajectories = checkInt(`${fn}: options.trajectories`, o.trajectories, 1, MAX_TRAJECTORIES);
  if (o.divergenceSteps !== undefined) raw.divergence_steps = checkInt(`${fn}: options.divergenceSteps`, o.divergenceSteps, 0, MAX_STEPS);
  if (o.epsilon !== undefined) raw.epsilon = checkFloat(`${fn}: options.epsilon`, o.epsilon, { min: 0, minOpen: true, max: 1 });
  if (o.perturbation !== undefined) raw.perturbation = checkFloat(`${fn}: options.perturbation`, o.perturbation, { min: 0, minOpen: true, max: 1 });
  if (o.seed !== undefined) [raw.seed_lo, raw.seed_hi] = checkSeed(`${fn}: options.seed`, o.seed);
  const start = o.start === undefined ? null : checkVector(`${fn}: options.start`, o.start, N);
  raw.token = token;
  const I = s.raw.input_size, R = raw.trajectories, D = raw.divergence_steps;
  // doubles first (8-byte aligned: malloc's blocks are), then the 4-byte fields
  const oEx = 0, oExs = 8, oDiv = oExs + 8 * R, oCfg = oDiv + 8 * (D + 1), oIn = oCfg + 4 * LYAPUNOV_FIELDS.length, oStart = oIn + 4 * I;
  const p = rt.alloc(oStart + 4 * N);
  try {
    rt.writeStruct(p + oCfg, LYAPUNOV_FIELDS, raw);
    if (dense) rt.f32(p + oIn, I).set(dense);
    if (start) rt.f32(p + oStart, N).set(start);
    const status = ex.rnnlab_model_lyapunov(s.ptr, p + oCfg, dense ? p + oIn : 0, start ? p + oStart : 0, p + oEx, p + oExs, D ? p + oDiv : 0);
    rt.check(status, 'model', s.ptr);
    const f64 = (/** @type {number} */ at, /** @type {number} */ n) => new Float64Array(rt.memory.buffer, p + at, n).slice();
    return {
      exponent: f64(oEx, 1)[0], exponents: f64(oExs, R), divergence: D ? f64(oDiv, D + 1) : new Float64Array(0),
      steps: raw.steps, transient: raw.transient,
    };
  } finally { rt.free(p); }
}

/**
 * Closed-loop generation (core/rnnlab.h, rnnlab_model_rollout): the warm-up inputs teacher-forced,
 * then each output fed back as the next input. Float32Array (steps x outputSize).
 * @param {DynModel} s @param {RolloutOptions} options @returns {Float32Array}
 */
export function rollout(s, options) {
  const fn = 'rollout', rt = s.rt, ex = rt.ex, raw = s.raw;
  ready(rt);
  if (options === undefined) fail(`${fn}: options { warmup, steps } are required`);
  const o = checkOptions(fn, options, ['warmup', 'steps', 'warmupInputs', 'state']);
  const I = raw.input_size, V = raw.output_size;
  if (INPUT_KINDS[raw.input_kind] !== 'dense' || OUTPUT_KINDS[raw.output_kind] !== 'linear' || V !== I) {
    fail(`${fn} feeds each output back as the next input: it needs input 'dense', output 'linear' and outputSize == inputSize ` +
      `(this model: input '${INPUT_KINDS[raw.input_kind]}', output '${OUTPUT_KINDS[raw.output_kind]}', inputSize ${I}, outputSize ${V})`);
  }
  const N = stateSize(s);
  /** @type {ArrayLike<number>} */
  let warm;
  if (typeof o.warmup === 'number') {
    const W = checkInt(`${fn}: options.warmup`, o.warmup, 1, Math.floor(rt.limits.maxElems / I));
    if (o.warmupInputs === undefined) fail(`${fn}: options.warmup = ${W} steps needs options.warmupInputs (at least ${W} x ${I} numbers)`);
    const all = checkVector(`${fn}: options.warmupInputs`, o.warmupInputs, I, true);
    if (all.length < W * I) fail(`${fn}: options.warmupInputs holds ${all.length / I} steps, fewer than warmup = ${W}`);
    warm = Array.prototype.slice.call(all, 0, W * I);
  } else {
    if (o.warmupInputs !== undefined) fail(`${fn}: options.warmupInputs goes with a step count in options.warmup; options.warmup holds the inputs here`);
    if (o.warmup === undefined) fail(`${fn}: options.warmup is required: the teacher-forced inputs (W x ${I} numbers) or their count with options.warmupInputs`);
    warm = checkVector(`${fn}: options.warmup`, o.warmup, I, true);
  }
  const W = warm.length / I;
  if (W * I > rt.limits.maxElems) fail(`${fn}: the warm-up of ${W} steps is too long`);
  const steps = checkInt(`${fn}: options.steps`, o.steps, 1, Math.min(MAX_STEPS, Math.floor(rt.limits.maxElems / V)));
  const state = o.state === undefined ? null : checkVector(`${fn}: options.state`, o.state, N);
  const oWarm = 0, oState = 4 * W * I, oOut = oState + 4 * N;
  const p = rt.alloc(oOut + 4 * steps * V);
  try {
    rt.f32(p + oWarm, W * I).set(warm);
    if (state) rt.f32(p + oState, N).set(state);
    rt.check(ex.rnnlab_model_rollout(s.ptr, p + oWarm, W, state ? p + oState : 0, steps, p + oOut), 'model', s.ptr);
    return rt.f32(p + oOut, steps * V).slice();
  } finally { rt.free(p); }
}
