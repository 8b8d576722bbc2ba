// @ts-check
/**
 * hopfield.mjs - Hopfield networks for the rnnlab wrapper (core/energy/hopfield.c):
 * lab.createHopfield, lab.loadHopfield, lab.hopfieldCapacity and the Hopfield class.
 *
 * Owns: the Hopfield object (store, recall with its energy trace and flips, energy, overlaps,
 * where a state lands, corruption, weights, save) as a Learner (kind 'hopfield': step stores the
 * batch's patterns, evaluate recalls from corrupted copies, trace reads the fields), and the
 * capacity sweep. Does not own: statuses -> exceptions (rnnlab.mjs Runtime.check, the one place),
 * pattern data sets (lab.patterns), lab.loadLearner (rnnlab.mjs routes file kind 4 here).
 * Views of wasm memory are made after every allocation and C call, never kept.
 *
 * Units are -1 / +1. store() takes -1/+1 values (a Float32Array, Int8Array or array, patterns x
 * size row-major), or a pattern set { rows, size, data } whose data is 0/1 (as lab.patterns makes
 * them: converted by 2x - 1) or already -1/+1. A recall state may also hold 0 for an unknown unit
 * (a partial pattern): its first update sets it.
 *
 * The learning rate: storing is closed-form (W += x x^T / N, or Storkey's rule), so there is
 * nothing to tune. learningRate reads the storage rate 1/N the rules use; setting it throws.
 * trainerOptions reads { rule, bias }.
 */
import { checkInt, checkSeed, fail, isObject, show } from './check.mjs';
import { live, checkStatus, saveBytes, loadHandle, defineLab, requireExports, release } from './energy-common.mjs';
import { HANDLES } from './handles.mjs';
import { ERRLEN } from './names.mjs';

const HOP_EXPORTS = ['rnnlab_hopfield_create', 'rnnlab_hopfield_free', 'rnnlab_hopfield_error', 'rnnlab_hopfield_size',
  'rnnlab_hopfield_get_rule', 'rnnlab_hopfield_bias_mode', 'rnnlab_hopfield_stored', 'rnnlab_hopfield_steps',
  'rnnlab_hopfield_seed', 'rnnlab_hopfield_store', 'rnnlab_hopfield_clear', 'rnnlab_hopfield_get_weights',
  'rnnlab_hopfield_set_weights', 'rnnlab_hopfield_get_patterns', 'rnnlab_hopfield_energy', 'rnnlab_hopfield_recall',
  'rnnlab_hopfield_trace_energy', 'rnnlab_hopfield_trace_flips', 'rnnlab_hopfield_overlaps', 'rnnlab_hopfield_classify',
  'rnnlab_hopfield_stability', 'rnnlab_hopfield_corrupt', 'rnnlab_hopfield_evaluate', 'rnnlab_hopfield_capacity',
  'rnnlab_hopfield_save_size', 'rnnlab_hopfield_save', 'rnnlab_hopfield_load', 'rnnlab_hopfield_layout'];

/** rnnlab_hopfield_rule, rnnlab_hopfield_bias, rnnlab_hopfield_landed: the index is the C enum value */
export const HOPFIELD_RULES = Object.freeze(['hebb', 'storkey']);
const BIAS_MODES = Object.freeze(['none', 'mean', 'fixed']);
const LANDED = Object.freeze(['none', 'pattern', 'negation', 'mixture', 'spurious']);
/** the capacity of the Hebb rule at T = 0 for N -> infinity (Amit, Gutfreund & Sompolinsky 1985) */
export const HOPFIELD_ALPHA_C = 0.138;
const MIN_SIZE = 2, MAX_SIZE = 4096, MAX_SWEEPS = 1000000;

/** @typedef {'i32' | 'u32' | 'f32'} FieldType */
/** @typedef {ReadonlyArray<readonly [string, FieldType]>} Fields */
/** @type {Fields} rnnlab_hopfield_recall_config */
const RECALL_CONFIG = [['update', 'i32'], ['temperature', 'f32'], ['max_sweeps', 'i32'], ['seed_lo', 'u32'], ['seed_hi', 'u32'],
  ['record', 'i32'], ['tolerance', 'i32']];
/** @type {Fields} rnnlab_hopfield_landing */
const LANDING = [['landed', 'i32'], ['index0', 'i32'], ['index1', 'i32'], ['index2', 'i32'], ['sign0', 'i32'], ['sign1', 'i32'],
  ['sign2', 'i32'], ['distance', 'i32']];
/** @type {Fields} rnnlab_hopfield_recall_result */
const RECALL_RESULT = [['sweeps', 'i32'], ['converged', 'i32'], ['period', 'i32'], ['updates', 'i32'], ['flips', 'i32'],
  ['energy', 'f32'], ...LANDING];
/** @type {Fields} rnnlab_hopfield_evaluation */
const EVALUATION = [['overlap', 'f32'], ['overlap_sd', 'f32'], ['recalled', 'f32'], ['bit_errors', 'f32'], ['stable', 'f32'],
  ['probes', 'i32']];
/** @type {Fields} rnnlab_hopfield_capacity_config */
const CAPACITY_CONFIG = [['size', 'i32'], ['rule', 'i32'], ['trials', 'i32'], ['probes', 'i32'], ['update', 'i32'],
  ['max_sweeps', 'i32'], ['noise', 'f32'], ['temperature', 'f32'], ['seed_lo', 'u32'], ['seed_hi', 'u32']];
/** @type {Fields} rnnlab_hopfield_capacity_point */
const CAPACITY_POINT = [['alpha', 'f32'], ['patterns', 'i32'], ...EVALUATION];
/** rnnlab_hopfield_layout(what, ...) order */
const LAYOUTS = /** @type {const} */ ([['rnnlab_hopfield_recall_config', RECALL_CONFIG], ['rnnlab_hopfield_recall_result', RECALL_RESULT],
  ['rnnlab_hopfield_evaluation', EVALUATION], ['rnnlab_hopfield_capacity_config', CAPACITY_CONFIG],
  ['rnnlab_hopfield_capacity_point', CAPACITY_POINT]]);

/** @param {number} n */
const align16 = (n) => Math.ceil(n / 16) * 16;

/** @param {string} fn @param {Record<string, unknown>} o @param {readonly string[]} known */
function onlyKeys(fn, o, known) {
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(`${fn}: unknown option '${k}' (known: ${known.join(', ')})`);
}

/** An array of numbers (a typed array other than BigInt ones, or an Array). @param {unknown} v @returns {v is ArrayLike<number>} */
const isNumbers = (v) => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) &&
  !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));

/** @param {string} name @param {unknown} v */
function checkFraction(name, v) {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`${name} must be a number in [0, 1] (got ${show(v)})`);
  return v;
}

/** @param {string} name @param {unknown} v */
function checkTemperature(name, v) {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(Math.fround(v))) fail(`${name} must be a finite number >= 0 (got ${show(v)})`);
  return v;
}

/**
 * Values of a state or pattern as a Float32Array, checked: each -1 or +1 (or 0 when allowZero).
 * @param {string} name @param {ArrayLike<number>} a @param {boolean} allowZero
 */
function unitValues(name, a, allowZero) {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v === 1 || v === -1 || (allowZero && v === 0)) { out[i] = v; continue; }
    const what = allowZero ? 'a unit is -1 or +1 (or 0 for unknown)' : 'Hopfield units are -1 or +1';
    if (typeof v === 'number' && Number.isNaN(v)) fail(`${name}[${i}] is NaN: ${what}`);
    if (v === 0) fail(`${name}[${i}] is 0: ${what} (map 0/1 data with 2x - 1, or pass a pattern set { rows, size, data } of 0/1, which is converted)`);
    fail(`${name}[${i}] = ${show(v)}: ${what}`);
  }
  return out;
}

/**
 * Patterns as (rows, N) -1/+1 floats: an array of -1/+1 values (patterns x N, row-major) or a
 * pattern set { rows, size, data } of 0/1 (converted by 2x - 1) or -1/+1.
 * @param {string} name @param {unknown} p @param {number} N @param {boolean} allowZero states may hold 0 (unknown)
 * @returns {{ rows: number, values: Float32Array }}
 */
function patternRows(name, p, N, allowZero = false) {
  if (isNumbers(p)) {
    if (p.length === 0 || p.length % N !== 0) fail(`${name} must hold a whole number of patterns of ${N} units (got ${p.length} values)`);
    return { rows: p.length / N, values: unitValues(name, p, allowZero) };
  }
  if (!isObject(p) || !('data' in p)) fail(`${name} must be a Float32Array or Int8Array of -1/+1 values (patterns x ${N}) or a pattern set { rows, size, data } (got ${show(p)})`);
  const set = /** @type {Record<string, unknown>} */ (p);
  const rows = checkInt(`${name}.rows`, set.rows, 1, 2 ** 26);
  const size = checkInt(`${name}.size`, set.size, 1, 2 ** 26);
  if (size !== N) fail(`${name}.size is ${size}, but the network has ${N} units`);
  const data = set.data;
  if (!isNumbers(data)) fail(`${name}.data must be a Float32Array (or another array of numbers), got ${show(data)}`);
  if (data.length !== rows * size) fail(`${name}.data must have rows x size = ${rows * size} values, got ${data.length}`);
  let zero = -1, minus = -1;
  for (let i = 0; i < data.length && (zero < 0 || minus < 0); i++) {
    if (data[i] === 0 && zero < 0) zero = i;
    if (data[i] === -1 && minus < 0) minus = i;
  }
  if (zero >= 0 && minus >= 0) fail(`${name}.data mixes 0 (${name}.data[${zero}]) and -1 (${name}.data[${minus}]): a pattern set is 0/1 or -1/+1`);
  if (zero < 0) return { rows, values: unitValues(`${name}.data`, data, false) };
  const values = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== 0 && v !== 1) fail(`${name}.data[${i}] = ${show(v)}: a 0/1 pattern set holds 0 and 1 only`);
    values[i] = 2 * v - 1;
  }
  return { rows, values };
}

/**
 * @typedef {object} HopState
 * @property {any} rt
 * @property {number} ptr  0 once freed
 * @property {number} N
 */

/** @type {(x: unknown) => HopState | undefined} */
let hopState;

/** @param {Record<string, number>} raw rnnlab_hopfield_landing words */
function readLanding(raw) {
  const kind = LANDED[raw.landed] ?? 'none';
  if (kind === 'pattern' || kind === 'negation') return Object.freeze({ kind, index: raw.index0, distance: raw.distance });
  if (kind === 'mixture') {
    return Object.freeze({ kind, patterns: Object.freeze([raw.index0, raw.index1, raw.index2]),
      signs: Object.freeze([raw.sign0, raw.sign1, raw.sign2]), distance: raw.distance });
  }
  if (kind === 'spurious') return Object.freeze({ kind, nearest: raw.index0, distance: raw.distance });
  return Object.freeze({ kind: 'none' });
}

class Hopfield {
  #s;
  static { hopState = (x) => (x !== null && typeof x === 'object' && #s in x ? x.#s : undefined); HANDLES.hopfield.define(hopState); }

  /** @param {HopState} s */
  constructor(s) { this.#s = s; }

  #live() { return live(this.#s, 'Hopfield network'); }

  /** @param {number} status */
  #check(status) { checkStatus(this.#s, status, 'rnnlab_hopfield_error'); }

  /** The kind of learner (and of file save() writes). */
  get kind() { return 'hopfield'; }
  /** Units N. */
  get size() { return this.#live().N; }
  /** 'hebb' or 'storkey'. */
  get rule() { const s = this.#live(); return HOPFIELD_RULES[s.rt.ex.rnnlab_hopfield_get_rule(s.ptr)]; }
  /** 'none', 'mean' (the stored patterns' mean, after each store) or 'fixed' (set by setWeights). */
  get bias() { const s = this.#live(); return BIAS_MODES[s.rt.ex.rnnlab_hopfield_bias_mode(s.ptr)]; }
  /** Patterns stored so far. */
  get stored() { const s = this.#live(); return s.rt.ex.rnnlab_hopfield_stored(s.ptr); }
  /** store() / step() calls that stored something (restored by lab.loadHopfield). */
  get steps() { const s = this.#live(); return s.rt.ex.rnnlab_hopfield_steps(s.ptr); }
  /** The default recall seed (createHopfield's seed). */
  get seed() {
    const s = this.#live(), rt = s.rt, p = rt.alloc(8);
    try {
      rt.ex.rnnlab_hopfield_seed(s.ptr, p);
      const [lo, hi] = rt.u32(p, 2);
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    } finally { rt.free(p); }
  }
  get freed() { return this.#s.ptr === 0; }

  /** The storage rate 1/N of the Hebb and Storkey rules (float32). Fixed: setting it throws. */
  get learningRate() { return Math.fround(1 / this.#live().N); }
  set learningRate(v) {
    this.#live();
    fail(`learningRate: a Hopfield network stores patterns in closed form at the rate 1/N = 1/${this.#s.N}; there is no learning rate to set (got ${show(v)})`);
  }
  /** What storing does: the rule and the bias mode (there is no optimizer). */
  get trainerOptions() { return Object.freeze({ rule: this.rule, bias: this.bias }); }

  /**
   * Stores patterns (the rule of the network, one pattern after another). patterns: -1/+1 values
   * (patterns x size, row-major) or a pattern set { rows, size, data } of 0/1 or -1/+1. A bad value
   * anywhere stores nothing. Returns the number of patterns now stored.
   * @param {ArrayLike<number> | { rows: number, size: number, data: ArrayLike<number> }} patterns
   */
  store(patterns) {
    const s = this.#live(), rt = s.rt;
    const { rows, values } = patternRows('patterns', patterns, s.N);
    const p = rt.alloc(4 * values.length);
    try {
      rt.f32(p, values.length).set(values);
      this.#check(rt.ex.rnnlab_hopfield_store(s.ptr, p, rows));
    } finally { rt.free(p); }
    return rt.ex.rnnlab_hopfield_stored(s.ptr);
  }

  /**
   * Units a T = 0 update would change: of the stored patterns (states null), or of states.
   * @param {Float32Array | null} states @param {number} rows @param {boolean} withFields also the fields and energies
   */
  #stability(states, rows, withFields) {
    const s = this.#live(), rt = s.rt;
    const n = states ? rows : rt.ex.rnnlab_hopfield_stored(s.ptr);
    const oF = 16, oE = oF + align16(withFields ? 4 * n * s.N : 0), oS = oE + align16(withFields ? 4 * n : 0);
    const p = rt.alloc(oS + (states ? 4 * states.length : 0));
    try {
      if (states) rt.f32(p + oS, states.length).set(states);
      this.#check(rt.ex.rnnlab_hopfield_stability(s.ptr, states ? p + oS : 0, rows, withFields ? p + oF : 0, withFields ? p + oE : 0, p));
      const unstable = rt.i32(p, 1)[0];
      return { unstable, units: n * s.N, fields: withFields ? rt.f32(p + oF, n * s.N).slice() : null, energies: withFields ? rt.f32(p + oE, n).slice() : null };
    } finally { rt.free(p); }
  }

  /**
   * The Learner step: stores the batch's patterns. loss = the fraction of all stored units that
   * are not fixed points (a T = 0 update would change them); gradNorm 0 (no gradient).
   * @param {ArrayLike<number> | { rows: number, size: number, data: ArrayLike<number> }} batch
   */
  step(batch) {
    this.store(batch);
    const { unstable, units } = this.#stability(null, 0, false);
    return { loss: units ? unstable / units : 0, gradNorm: 0, clipped: false };
  }

  /**
   * Fields, energies and stability of states (or patterns), without changing anything.
   * loss = the fraction of units a T = 0 update would change (an unknown unit, 0, always would).
   * @param {ArrayLike<number> | { rows: number, size: number, data: ArrayLike<number> }} batch
   */
  trace(batch) {
    const s = this.#live();
    const { rows, values } = patternRows('batch', batch, s.N, true);
    const r = this.#stability(values, rows, true);
    return { loss: r.unstable / r.units, unstable: r.unstable, fields: /** @type {Float32Array} */ (r.fields), energies: /** @type {Float32Array} */ (r.energies) };
  }

  /**
   * Recall options -> raw rnnlab_hopfield_recall_config.
   * @param {string} fn @param {unknown} options @param {readonly string[]} known the keys fn accepts
   */
  #recallRaw(fn, options, known) {
    const s = this.#s;
    if (!isObject(options)) fail(`${fn}: options must be an object (got ${show(options)})`);
    const o = /** @type {Record<string, unknown>} */ (options);
    onlyKeys(fn, o, known);
    const update = o.update ?? 'async';
    if (update !== 'async' && update !== 'sync') fail(`${fn}: options.update must be 'async' or 'sync' (got ${show(update)})`);
    if (update === 'sync' && o.order !== undefined) fail(`${fn}: options.order is for asynchronous updates (update: 'async')`);
    const order = o.order ?? 'random';
    if (order !== 'random' && order !== 'sequential') fail(`${fn}: options.order must be 'random' or 'sequential' (got ${show(order)})`);
    const temperature = o.temperature === undefined ? 0 : checkTemperature(`${fn}: options.temperature`, o.temperature);
    const maxSweeps = o.maxSweeps === undefined ? 100 : checkInt(`${fn}: options.maxSweeps`, o.maxSweeps, 1, MAX_SWEEPS);
    const tolerance = o.tolerance === undefined ? 0 : checkInt(`${fn}: options.tolerance`, o.tolerance, 0, s.N);
    const [lo, hi] = o.seed === undefined ? [-1, -1] : checkSeed(`${fn}: options.seed`, o.seed);
    const record = o.record ?? true;
    if (typeof record !== 'boolean') fail(`${fn}: options.record must be true or false (got ${show(record)})`);
    return { update: update === 'sync' ? 2 : order === 'sequential' ? 1 : 0, temperature, max_sweeps: maxSweeps, seed_lo: lo, seed_hi: hi,
      record: record ? 1 : 0, tolerance };
  }

  /** the network's seed into raw seed fields left at -1 @param {Record<string, number>} raw @returns {Record<string, number>} */
  #defaultSeed(raw) {
    if (raw.seed_lo !== -1) return raw;
    const s = this.#s, rt = s.rt, p = rt.alloc(8);
    try {
      rt.ex.rnnlab_hopfield_seed(s.ptr, p);
      const [lo, hi] = rt.u32(p, 2);
      return { ...raw, seed_lo: lo, seed_hi: hi };
    } finally { rt.free(p); }
  }

  /**
   * Runs the dynamics from state (N values -1, +1, or 0 for unknown) until a sweep changes
   * nothing, a synchronous 2-cycle, or maxSweeps.
   * options: update 'async' (default) | 'sync'; order 'random' (default, a fresh order each sweep
   * from the seed) | 'sequential' (async only); temperature (0: sign; > 0: Glauber,
   * P(+1) = sigmoid(2 f / T)); maxSweeps (100); seed (default: the network's); tolerance (units
   * allowed to differ when naming landedIn, 0); record (true: the energy trace and the flips; false:
   * both empty, for long sampling runs: a recorded run is limited to 2^24 updates).
   * @param {ArrayLike<number>} state
   * @param {{ update?: 'async' | 'sync', order?: 'random' | 'sequential', temperature?: number, maxSweeps?: number, seed?: number | bigint, tolerance?: number, record?: boolean }} [options]
   */
  recall(state, options = {}) {
    const s = this.#live(), rt = s.rt, ex = rt.ex, N = s.N;
    const raw = this.#defaultSeed(this.#recallRaw('recall', options, ['update', 'order', 'temperature', 'maxSweeps', 'seed', 'tolerance', 'record']));
    if (!isNumbers(state)) fail(`state must be a Float32Array, Int8Array or array of ${N} values -1/+1 (0 = unknown), got ${show(state)}`);
    if (state.length !== N) fail(`state must have ${N} values (the network's size), got ${state.length}`);
    const values = unitValues('state', state, true);
    const P = ex.rnnlab_hopfield_stored(s.ptr);
    const oR = align16(4 * RECALL_CONFIG.length), oS = oR + align16(4 * RECALL_RESULT.length), oO = oS + align16(4 * N), oM = oO + align16(N);
    const p = rt.alloc(oM + 4 * P);
    try {
      rt.writeStruct(p, RECALL_CONFIG, raw);
      rt.f32(p + oS, N).set(values);
      this.#check(ex.rnnlab_hopfield_recall(s.ptr, p, p + oS, p + oO, p + oM, p + oR));
      const r = rt.readStruct(p + oR, RECALL_RESULT);
      const n = raw.record ? r.flips : 0;
      const energy = raw.record ? rt.f32(ex.rnnlab_hopfield_trace_energy(s.ptr) >>> 0, r.updates + 1).slice() : new Float32Array(0);
      const rows = n ? rt.i32(ex.rnnlab_hopfield_trace_flips(s.ptr) >>> 0, 3 * n).slice() : new Int32Array(0);
      const flips = { update: new Int32Array(n), unit: new Int32Array(n), value: new Int8Array(n) };
      for (let k = 0; k < n; k++) flips.update[k] = rows[3 * k], flips.unit[k] = rows[3 * k + 1], flips.value[k] = rows[3 * k + 2];
      const overlaps = rt.f32(p + oM, P).slice();
      return {
        state: new Int8Array(rt.u8(p + oO, N)), energy, sweeps: r.sweeps, converged: r.converged === 1, period: r.period,
        updates: r.updates, flips, finalEnergy: r.energy, overlaps, landedIn: readLanding(r),
      };
    } finally { rt.free(p); }
  }

  /**
   * E(s) = -1/2 s^T W s - b^T s, in double. @param {ArrayLike<number>} state N values -1, +1 (0 = unknown)
   */
  energy(state) {
    const s = this.#live(), rt = s.rt;
    const values = this.#state('energy', state, true);
    const p = rt.alloc(8 + 4 * s.N);
    try {
      rt.f32(p + 8, s.N).set(values);
      this.#check(rt.ex.rnnlab_hopfield_energy(s.ptr, p + 8, p));
      return new Float64Array(rt.memory.buffer, p, 1)[0];
    } finally { rt.free(p); }
  }

  /** @param {string} fn @param {unknown} state @param {boolean} allowZero */
  #state(fn, state, allowZero) {
    const N = this.#s.N;
    if (!isNumbers(state)) fail(`${fn}: state must be a Float32Array, Int8Array or array of ${N} values -1/+1${allowZero ? ' (0 = unknown)' : ''}, got ${show(state)}`);
    if (state.length !== N) fail(`${fn}: state must have ${N} values (the network's size), got ${state.length}`);
    return unitValues('state', state, allowZero);
  }

  /** m_mu = (1/N) x^mu . s for every stored pattern. @param {ArrayLike<number>} state */
  overlaps(state) {
    const s = this.#live(), rt = s.rt;
    const values = this.#state('overlaps', state, true), P = rt.ex.rnnlab_hopfield_stored(s.ptr);
    const p = rt.alloc(4 * s.N + 4 * P);
    try {
      rt.f32(p, s.N).set(values);
      this.#check(rt.ex.rnnlab_hopfield_overlaps(s.ptr, p, p + 4 * s.N));
      return rt.f32(p + 4 * s.N, P).slice();
    } finally { rt.free(p); }
  }

  /**
   * What a state (-1/+1) is: a stored pattern, its negation, a mixture sign(+-x^a +- x^b +- x^c)
   * of three stored patterns, or spurious (with the nearest pattern); up to tolerance units off.
   * @param {ArrayLike<number>} state @param {{ tolerance?: number }} [options]
   */
  classify(state, options = {}) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`classify: options must be an object (got ${show(options)})`);
    onlyKeys('classify', options, ['tolerance']);
    const tol = options.tolerance === undefined ? 0 : checkInt('classify: options.tolerance', options.tolerance, 0, s.N);
    const values = this.#state('classify', state, false);
    const p = rt.alloc(4 * LANDING.length + 4 * s.N);
    try {
      rt.f32(p + 4 * LANDING.length, s.N).set(values);
      this.#check(rt.ex.rnnlab_hopfield_classify(s.ptr, p + 4 * LANDING.length, tol, p));
      return readLanding(rt.readStruct(p, LANDING));
    } finally { rt.free(p); }
  }

  /**
   * A corrupted copy of state: exactly round(flip N) distinct units change sign, then
   * round(erase N) others become 0 (unknown), drawn from the seed (default: the network's).
   * @param {ArrayLike<number>} state @param {{ flip?: number, erase?: number, seed?: number | bigint }} [options]
   */
  corrupt(state, options = {}) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`corrupt: options must be an object (got ${show(options)})`);
    onlyKeys('corrupt', options, ['flip', 'erase', 'seed']);
    const flip = options.flip === undefined ? 0 : checkFraction('corrupt: options.flip', options.flip);
    const erase = options.erase === undefined ? 0 : checkFraction('corrupt: options.erase', options.erase);
    if (Math.round(flip * s.N) + Math.round(erase * s.N) > s.N) fail(`corrupt: options.flip + options.erase must be at most 1 (got ${flip} + ${erase})`);
    const [lo, hi] = options.seed === undefined ? [-1, -1] : checkSeed('corrupt: options.seed', options.seed);
    const seed = this.#defaultSeed({ seed_lo: lo, seed_hi: hi });
    const values = this.#state('corrupt', state, true);
    const p = rt.alloc(4 * s.N + s.N);
    try {
      rt.f32(p, s.N).set(values);
      this.#check(rt.ex.rnnlab_hopfield_corrupt(s.ptr, p, flip, erase, seed.seed_lo, seed.seed_hi, p + 4 * s.N));
      return new Int8Array(rt.u8(p + 4 * s.N, s.N));
    } finally { rt.free(p); }
  }

  /**
   * The Learner evaluation: recall from a corrupted copy of each pattern (default: every stored
   * one), by the recall options. loss = the mean fraction of units wrong at the end; accuracy =
   * the fraction of patterns recalled exactly; overlap = the mean final overlap with the pattern.
   * @param {ArrayLike<number> | { rows: number, size: number, data: ArrayLike<number> } | null} [data]
   * @param {{ noise?: number, erase?: number, update?: 'async' | 'sync', order?: 'random' | 'sequential', temperature?: number, maxSweeps?: number, seed?: number | bigint }} [options]
   */
  evaluate(data, options = {}) {
    const s = this.#live(), rt = s.rt;
    const raw = this.#defaultSeed(this.#recallRaw('evaluate', options, ['update', 'order', 'temperature', 'maxSweeps', 'seed', 'noise', 'erase']));
    const o = /** @type {Record<string, unknown>} */ (options);
    const noise = o.noise === undefined ? 0.1 : checkFraction('evaluate: options.noise', o.noise);
    const erase = o.erase === undefined ? 0 : checkFraction('evaluate: options.erase', o.erase);
    if (Math.round(noise * s.N) + Math.round(erase * s.N) > s.N) fail(`evaluate: options.noise + options.erase must be at most 1 (got ${noise} + ${erase})`);
    const probe = data === undefined || data === null ? null : patternRows('data', data, s.N);
    const oE = align16(4 * RECALL_CONFIG.length), oP = oE + align16(4 * EVALUATION.length);
    const p = rt.alloc(oP + (probe ? 4 * probe.values.length : 0));
    try {
      rt.writeStruct(p, RECALL_CONFIG, { ...raw, record: 0 });
      if (probe) rt.f32(p + oP, probe.values.length).set(probe.values);
      this.#check(rt.ex.rnnlab_hopfield_evaluate(s.ptr, p, probe ? p + oP : 0, probe ? probe.rows : 0, noise, erase, p + oE));
      const e = rt.readStruct(p + oE, EVALUATION);
      return {
        loss: e.bit_errors, accuracy: e.recalled, stepAccuracy: 1 - e.bit_errors, overlap: e.overlap, overlapSd: e.overlap_sd,
        stable: e.stable, sequences: e.probes, steps: e.probes * s.N, solved: e.recalled === 1,
      };
    } finally { rt.free(p); }
  }

  /** { weight: Float32Array (size x size, row-major, symmetric, zero diagonal), bias: Float32Array (size) } */
  getWeights() {
    const s = this.#live(), rt = s.rt, N = s.N;
    const p = rt.alloc(4 * N * N + 4 * N);
    try {
      this.#check(rt.ex.rnnlab_hopfield_get_weights(s.ptr, p, p + 4 * N * N));
      return { weight: rt.f32(p, N * N).slice(), bias: rt.f32(p + 4 * N * N, N).slice() };
    } finally { rt.free(p); }
  }

  /**
   * Replaces the weights (finite, exactly symmetric, zero diagonal) and/or the biases (finite; the
   * bias mode becomes 'fixed'). The stored patterns stay.
   * @param {{ weight?: ArrayLike<number>, bias?: ArrayLike<number> }} weights
   */
  setWeights(weights) {
    const s = this.#live(), rt = s.rt, N = s.N;
    if (!isObject(weights)) fail(`setWeights: weights must be an object (got ${show(weights)})`);
    onlyKeys('setWeights', weights, ['weight', 'bias']);
    const { weight, bias } = /** @type {Record<string, unknown>} */ (weights);
    for (const [name, v, n] of /** @type {const} */ ([['weight', weight, N * N], ['bias', bias, N]])) {
      if (v === undefined) continue;
      if (!isNumbers(v)) fail(`setWeights: ${name} must be a Float32Array or array of ${n} numbers (got ${show(v)})`);
      if (v.length !== n) fail(`setWeights: ${name} must have ${n} values, got ${v.length}`);
      for (let i = 0; i < n; i++) if (!Number.isFinite(Math.fround(v[i]))) fail(`setWeights: ${name}[${i}] must be finite (got ${show(v[i])})`);
    }
    const p = rt.alloc(4 * N * N + 4 * N);
    try {
      if (weight !== undefined) rt.f32(p, N * N).set(/** @type {ArrayLike<number>} */ (weight));
      if (bias !== undefined) rt.f32(p + 4 * N * N, N).set(/** @type {ArrayLike<number>} */ (bias));
      this.#check(rt.ex.rnnlab_hopfield_set_weights(s.ptr, weight === undefined ? 0 : p, bias === undefined ? 0 : p + 4 * N * N));
    } finally { rt.free(p); }
  }

  /** The stored patterns as a pattern set of -1/+1: { rows, size, data: Int8Array (rows x size) }. */
  getPatterns() {
    const s = this.#live(), rt = s.rt, P = rt.ex.rnnlab_hopfield_stored(s.ptr);
    const p = rt.alloc(P * s.N);
    try {
      this.#check(rt.ex.rnnlab_hopfield_get_patterns(s.ptr, p));
      return { rows: P, size: s.N, data: new Int8Array(rt.u8(p, P * s.N)) };
    } finally { rt.free(p); }
  }

  /** Forgets everything stored: W = 0, b = 0, the bias mode of creation; seed and steps stay. */
  clear() { const s = this.#live(); s.rt.ex.rnnlab_hopfield_clear(s.ptr); }

  /** The network as bytes (file kind 4) for lab.loadHopfield / lab.loadLearner: bit-exact. */
  save() {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    const n = ex.rnnlab_hopfield_save_size(s.ptr) >>> 0;
    return saveBytes(rt, n, (p) => this.#check(ex.rnnlab_hopfield_save(s.ptr, p, n)));
  }

  /** Frees the C object (idempotent). */
  free() { release(this.#s, 'rnnlab_hopfield_free'); }
}

/**
 * Called by rnnlab.mjs for each new lab, before it is frozen: defines lab.createHopfield,
 * lab.loadHopfield and lab.hopfieldCapacity.
 * @param {object} lab @param {any} rt @param {object} [hooks] none needed
 */
export function installHopfield(lab, rt, hooks = {}) {
  void hooks;
  const ex = rt.ex;
  requireExports(ex, HOP_EXPORTS);
  for (const [what, [cname, fields]] of LAYOUTS.entries()) {
    const size = ex.rnnlab_hopfield_layout(what, -1), offsets = fields.map((_, i) => ex.rnnlab_hopfield_layout(what, i));
    if (size !== 4 * fields.length || offsets.some((o, i) => o !== 4 * i) || ex.rnnlab_hopfield_layout(what, fields.length) !== -1) {
      fail(`${cname} layout mismatch: C says ${size} bytes, offsets [${offsets}]; hopfield.mjs expects ${fields.length} 4-byte fields`);
    }
  }

  /** @param {number} ptr */
  const wrap = (ptr) => new Hopfield({ rt, ptr, N: ex.rnnlab_hopfield_size(ptr) });

  /**
   * A Hopfield network of size units (2..4096), nothing stored.
   * @param {{ size: number, rule?: 'hebb' | 'storkey', bias?: boolean, seed?: number | bigint }} options
   */
  const createHopfield = (options) => {
    if (!isObject(options)) fail(`createHopfield: options must be an object (got ${show(options)})`);
    onlyKeys('createHopfield', options, ['size', 'rule', 'bias', 'seed']);
    if (options.size === undefined) fail('createHopfield: options.size (the number of units) is required');
    const size = checkInt('createHopfield: options.size', options.size, MIN_SIZE, MAX_SIZE);
    const rule = HOPFIELD_RULES.indexOf(options.rule ?? 'hebb');
    if (rule < 0) fail(`createHopfield: options.rule must be 'hebb' or 'storkey' (got ${show(options.rule)})`);
    const bias = options.bias ?? false;
    if (typeof bias !== 'boolean') fail(`createHopfield: options.bias must be true (the stored patterns' mean) or false (got ${show(bias)}); set biases with setWeights({ bias })`);
    const [lo, hi] = checkSeed('createHopfield: options.seed', options.seed ?? 1);
    const p = rt.alloc(4 + ERRLEN);
    let ptr = 0;
    try {
      rt.u32(p, 1)[0] = 0;
      rt.u8(p + 4, 1)[0] = 0;
      rt.check(ex.rnnlab_hopfield_create(size, rule, bias ? 1 : 0, lo, hi, p, p + 4, ERRLEN), 'buffer', p + 4);
      ptr = rt.u32(p, 1)[0];
      if (!ptr) fail('rnnlab_hopfield_create returned no network');
    } finally { rt.free(p); }
    return wrap(ptr);
  };

  /**
   * Rebuilds a network from hop.save() bytes (file kind 4), bit-exact.
   * @param {Uint8Array | ArrayBuffer} bytes
   */
  const loadHopfield = (bytes) => wrap(loadHandle(rt, 'loadHopfield', bytes, { empty: null, none: 'loadHopfield: rnnlab_hopfield_load returned no network',
    load: ex.rnnlab_hopfield_load }));

  /**
   * The capacity curve: mean overlap after recall from a noisy stored pattern against alpha = P/N,
   * for one size or several. Each (size, alpha) runs trials fresh networks of random -1/+1
   * patterns (P = max(1, round(alpha N))), probing probes of them (0 = every one) from copies
   * with round(noise N) units flipped. Every point depends only on (seed, size, P, trial).
   * @param {{ size?: number, sizes?: number[], alphas: number[], trials?: number, probes?: number, noise?: number,
   *   rule?: 'hebb' | 'storkey', update?: 'async' | 'sync', order?: 'random' | 'sequential', temperature?: number,
   *   maxSweeps?: number, seed?: number | bigint }} options
   */
  const hopfieldCapacity = (options) => {
    const fn = 'hopfieldCapacity';
    if (!isObject(options)) fail(`${fn}: options must be an object (got ${show(options)})`);
    onlyKeys(fn, options, ['size', 'sizes', 'alphas', 'trials', 'probes', 'noise', 'rule', 'update', 'order', 'temperature', 'maxSweeps', 'seed']);
    if ((options.size === undefined) === (options.sizes === undefined)) fail(`${fn}: give options.size (one network size) or options.sizes (a list), one of them`);
    const sizes = options.sizes === undefined ? [options.size] : options.sizes;
    if (!Array.isArray(sizes) || sizes.length === 0 || sizes.length > 64) fail(`${fn}: options.sizes must be an array of 1..64 sizes (got ${show(sizes)})`);
    sizes.forEach((n, i) => checkInt(options.sizes === undefined ? `${fn}: options.size` : `${fn}: options.sizes[${i}]`, n, MIN_SIZE, MAX_SIZE));
    const alphas = options.alphas;
    if (!Array.isArray(alphas) || alphas.length === 0 || alphas.length > 1000) fail(`${fn}: options.alphas must be an array of 1..1000 numbers (got ${show(alphas)})`);
    alphas.forEach((a, i) => { if (typeof a !== 'number' || !(a > 0) || !Number.isFinite(Math.fround(a))) fail(`${fn}: options.alphas[${i}] must be a finite number > 0 (got ${show(a)})`); });
    const trials = options.trials === undefined ? 5 : checkInt(`${fn}: options.trials`, options.trials, 1, 1 << 20);
    const probes = options.probes === undefined ? 0 : checkInt(`${fn}: options.probes`, options.probes, 0, 1 << 26);
    const noise = options.noise === undefined ? 0.1 : options.noise;
    if (typeof noise !== 'number' || !(noise >= 0 && noise <= 0.5)) fail(`${fn}: options.noise must be a number in [0, 0.5] (got ${show(noise)})`);
    const rule = HOPFIELD_RULES.indexOf(options.rule ?? 'hebb');
    if (rule < 0) fail(`${fn}: options.rule must be 'hebb' or 'storkey' (got ${show(options.rule)})`);
    const update = options.update ?? 'async';
    if (update !== 'async' && update !== 'sync') fail(`${fn}: options.update must be 'async' or 'sync' (got ${show(update)})`);
    if (update === 'sync' && options.order !== undefined) fail(`${fn}: options.order is for asynchronous updates (update: 'async')`);
    const order = options.order ?? 'random';
    if (order !== 'random' && order !== 'sequential') fail(`${fn}: options.order must be 'random' or 'sequential' (got ${show(order)})`);
    const temperature = options.temperature === undefined ? 0 : checkTemperature(`${fn}: options.temperature`, options.temperature);
    const maxSweeps = options.maxSweeps === undefined ? 100 : checkInt(`${fn}: options.maxSweeps`, options.maxSweeps, 1, MAX_SWEEPS);
    const [lo, hi] = checkSeed(`${fn}: options.seed`, options.seed ?? 1);
    const oA = align16(4 * CAPACITY_CONFIG.length), oP = oA + align16(4 * alphas.length), oE = oP + 4 * CAPACITY_POINT.length * alphas.length;
    const p = rt.alloc(oE + ERRLEN);
    /** @type {any[]} */
    const points = [];
    try {
      rt.f32(p + oA, alphas.length).set(alphas);
      for (const size of sizes) {
        rt.writeStruct(p, CAPACITY_CONFIG, { size, rule, trials, probes, update: update === 'sync' ? 2 : order === 'sequential' ? 1 : 0,
          max_sweeps: maxSweeps, noise, temperature, seed_lo: lo, seed_hi: hi });
        rt.u8(p + oE, 1)[0] = 0;
        rt.check(ex.rnnlab_hopfield_capacity(p, p + oA, alphas.length, p + oP, p + oE, ERRLEN), 'buffer', p + oE);
        for (let i = 0; i < alphas.length; i++) {
          const r = rt.readStruct(p + oP + 4 * CAPACITY_POINT.length * i, CAPACITY_POINT);
          points.push(Object.freeze({ size, alpha: alphas[i], patterns: r.patterns, overlap: r.overlap, overlapSd: r.overlap_sd,
            recalled: r.recalled, bitErrors: r.bit_errors, stable: r.stable, probes: r.probes }));
        }
      }
    } finally { rt.free(p); }
    return Object.freeze({ rule: HOPFIELD_RULES[rule], noise, trials, alphaC: HOPFIELD_ALPHA_C, points: Object.freeze(points) });
  };

  defineLab(lab, { createHopfield, loadHopfield, hopfieldCapacity });
}
