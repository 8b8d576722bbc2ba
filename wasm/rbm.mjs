// @ts-check
/**
 * rbm.mjs - restricted Boltzmann machines for the rnnlab wrapper (core/energy/rbm.c):
 * lab.createRBM(config, trainerOptions), lab.loadRBM(bytes) and the RBM class.
 *
 * Owns: the RBM object (a Learner of kind 'rbm': step, evaluate, trace, save, learningRate,
 * trainerOptions, steps, free), its exact and estimated quantities (logPartition,
 * logLikelihood, freeEnergy, pseudoLikelihood, estimateLogPartition), sampling, weights and
 * gradients, and the validation of everything handed to C, with messages that name the argument.
 * Does not own: the numerics (C), statuses -> exceptions (rt.check, the one place), pattern
 * data (patterns.mjs). Views of wasm memory are made after every allocation, never kept.
 *
 * Data: a pattern set { rows, size, data: Float32Array } (lab.patterns gives one; size must be
 * the RBM's visible units) or a plain Float32Array of rows x visible values, row-major. Binary
 * RBMs take exactly 0 or 1, Gaussian ones any finite value. A step's batch is the whole set it
 * is given: pass a mini-batch as its own set, e.g. { rows: 10, size, data: set.data.subarray(10 *
 * size * i, 10 * size * (i + 1)) }.
 */
import { checkInt, checkSeed, fail, isObject, show } from './check.mjs';
import { live, checkStatus, saveBytes, loadHandle, defineLab, requireExports, release, trainingOption } from './energy-common.mjs';
import { HANDLES } from './handles.mjs';
import { ERRLEN, jsNames } from './names.mjs';

/** @typedef {'i32' | 'u32' | 'f32'} FieldType */
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_rbm_config */
const CONFIG_FIELDS = [['visible', 'i32'], ['hidden', 'i32'], ['visible_units', 'i32'], ['init_scale', 'f32'],
  ['seed_lo', 'u32'], ['seed_hi', 'u32']];
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_rbm_train_config */
export const TRAIN_FIELDS = [['method', 'i32'], ['k', 'i32'], ['learning_rate', 'f32'], ['momentum', 'f32'],
  ['weight_decay', 'f32'], ['chains', 'i32']];
/** @type {ReadonlyArray<readonly [string, FieldType]>} rnnlab_step_result */
export const RESULT_FIELDS = [['loss', 'f32'], ['grad_norm', 'f32'], ['clipped', 'i32'], ['chunks', 'i32']];

/** rnnlab_rbm_units and rnnlab_rbm_method */
export const RBM_UNITS = Object.freeze(['binary', 'gaussian']);
export const RBM_METHODS = Object.freeze(['cd', 'pcd']);
/** core/rnnlab.h RNNLAB_RBM_MAX_* */
export const MAX_UNITS = 1 << 20, MAX_K = 100000, MAX_CHAINS = 1 << 20, MAX_EXACT_LOG2 = 24;
export const TENSORS = /** @type {const} */ (['weight', 'visibleBias', 'hiddenBias']);

const RBM_EXPORTS = ['rnnlab_rbm_config_default', 'rnnlab_rbm_train_config_default', 'rnnlab_rbm_create', 'rnnlab_rbm_free',
  'rnnlab_rbm_error', 'rnnlab_rbm_get_config', 'rnnlab_rbm_layout', 'rnnlab_rbm_get', 'rnnlab_rbm_set',
  'rnnlab_rbm_init_visible_bias', 'rnnlab_rbm_base_rates', 'rnnlab_rbm_set_train_config', 'rnnlab_rbm_get_train_config',
  'rnnlab_rbm_step', 'rnnlab_rbm_steps', 'rnnlab_rbm_chains', 'rnnlab_rbm_exact_log2', 'rnnlab_rbm_log_partition',
  'rnnlab_rbm_log_likelihood', 'rnnlab_rbm_free_energy', 'rnnlab_rbm_pseudo_likelihood', 'rnnlab_rbm_reconstruct',
  'rnnlab_rbm_gradient', 'rnnlab_rbm_ais', 'rnnlab_rbm_sample', 'rnnlab_rbm_save_size', 'rnnlab_rbm_save', 'rnnlab_rbm_load'];

export const isA = (/** @type {unknown} */ v, /** @type {string} */ type) => Object.prototype.toString.call(v) === `[object ${type}]`;

/** @param {string} fn @param {Record<string, unknown>} o @param {readonly string[]} known */
export function onlyKeys(fn, o, known) {
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(`${fn}: unknown option '${k}' (known: ${known.join(', ')})`);
}

/** @param {string} name @param {unknown} v @param {{ min: number, max?: number, minOpen?: boolean, maxOpen?: boolean }} r */
export function checkNumber(name, v, r) {
  const ok = typeof v === 'number' && Number.isFinite(Math.fround(v)) && (r.minOpen ? v > r.min : v >= r.min) &&
    (r.max === undefined || (r.maxOpen ? v < r.max : v <= r.max));
  if (!ok) {
    const hi = r.max === undefined ? '' : ` and ${r.maxOpen ? '<' : '<='} ${r.max}`;
    fail(`${name} must be a finite number ${r.minOpen ? '>' : '>='} ${r.min}${hi} (got ${show(v)})`);
  }
  return /** @type {number} */ (v);
}

/**
 * Rows of visible vectors from a pattern set or a Float32Array, validated (finite; 0/1 when binary).
 * @param {string} fn @param {string} name @param {unknown} x @param {number} V @param {boolean} binary
 * @param {string} [owner] what the size message calls the learner
 * @returns {{ data: Float32Array, rows: number }}
 */
export function visibleRows(fn, name, x, V, binary, owner = 'this RBM has') {
  /** @type {Float32Array} */
  let data;
  let rows, at = name;
  if (isA(x, 'Float32Array')) {
    data = /** @type {Float32Array} */ (x);
    if (data.length === 0 || data.length % V !== 0) fail(`${fn}: ${name} must hold whole rows of ${V} visible values (got ${data.length} values)`);
    rows = data.length / V;
  } else if (isObject(x) && 'data' in x) {
    rows = checkInt(`${fn}: ${name}.rows`, x.rows, 1, 2 ** 31 - 1);
    const size = checkInt(`${fn}: ${name}.size`, x.size, 1, 2 ** 31 - 1);
    if (size !== V) fail(`${fn}: ${name}.size is ${size}, but ${owner} ${V} visible units`);
    if (!isA(x.data, 'Float32Array') || x.data.length !== rows * size) {
      fail(`${fn}: ${name}.data must be a Float32Array of rows x size = ${rows * size} values (got ${show(x.data)}${isA(x.data, 'Float32Array') ? ` of ${x.data.length}` : ''})`);
    }
    data = x.data;
    at = `${name}.data`;
  } else {
    fail(`${fn}: ${name} must be a pattern set { rows, size, data } or a Float32Array of rows x ${V} values (got ${show(x)})`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) fail(`${fn}: ${name} must be finite: ${at}[${i}] (row ${Math.floor(i / V)}, unit ${i % V}) is ${v}`);
    if (binary && v !== 0 && v !== 1) {
      fail(`${fn}: ${at}[${i}] (row ${Math.floor(i / V)}, unit ${i % V}) = ${v}, but a binary RBM's visible values are 0 or 1 (visibleUnits: 'gaussian' takes real values)`);
    }
  }
  return { data, rows };
}

/**
 * @typedef {object} RBMState
 * @property {any} rt
 * @property {number} ptr  0 once freed
 * @property {number} V
 * @property {number} H
 * @property {boolean} gaussian
 * @property {number} n  parameters
 * @property {any} config  normalised, frozen
 */

/** @type {(x: unknown) => RBMState | undefined} */
let rbmState;

class RBM {
  #s;
  static { rbmState = (x) => (x !== null && typeof x === 'object' && #s in x ? x.#s : undefined); HANDLES.rbm.define(rbmState); }

  /** @param {RBMState} s */
  constructor(s) { this.#s = s; }

  #live() { return live(this.#s, 'rbm'); }

  /** @param {number} status */
  #check(status) { checkStatus(this.#s, status, 'rnnlab_rbm_error'); }

  /** @param {string} fn @param {unknown} x @param {string} [name] */
  #rows(fn, x, name = 'data') { const s = this.#live(); return visibleRows(fn, name, x, s.V, !s.gaussian); }

  /**
   * Copies rows into a new wasm block followed by extra bytes (8-aligned); calls f(dataPtr, rows,
   * extraPtr) and frees the block afterwards.
   * @template T @param {{ data: Float32Array, rows: number }} d @param {number} extra @param {(p: number, rows: number, x: number) => T} f @returns {T}
   */
  #withRows(d, extra, f) {
    const rt = this.#s.rt, at = Math.ceil((4 * d.data.length) / 8) * 8;
    const p = rt.alloc(at + extra);
    try {
      rt.f32(p, d.data.length).set(d.data);
      return f(p, d.rows, p + at);
    } finally { rt.free(p); }
  }

  /** @param {number} p @param {number} n */
  #f64(p, n) { return new Float64Array(this.#s.rt.memory.buffer, p, n); }

  /** The kind of learner (and of file save() writes). */
  get kind() { return 'rbm'; }
  /** { visible, hidden, visibleUnits, initScale, seed } as normalised */
  get config() { return this.#s.config; }
  get visible() { return this.#s.V; }
  get hidden() { return this.#s.H; }
  get visibleUnits() { return this.#s.config.visibleUnits; }
  /** H*V + V + H */
  get parameterCount() { return this.#s.n; }
  get freed() { return this.#s.ptr === 0; }
  /** m of the exact sums (2^m states): the smaller layer's units (binary), the hidden units (gaussian) */
  get exactStatesLog2() { const s = this.#live(); return s.rt.ex.rnnlab_rbm_exact_log2(s.ptr); }
  /** whether logPartition / logLikelihood / gradient({ method: 'exact' }) are within the 2^24-state limit */
  get exact() { return this.exactStatesLog2 <= MAX_EXACT_LOG2; }
  /** persistent chains of PCD (0 before the first PCD step) */
  get chains() { const s = this.#live(); return s.rt.ex.rnnlab_rbm_chains(s.ptr); }
  /** updates applied (restored by a load) */
  get steps() { const s = this.#live(); return s.rt.ex.rnnlab_rbm_steps(s.ptr); }

  // ---- weights ----

  /** @param {number} grads */
  #tensors(grads) {
    const s = this.#live(), rt = s.rt;
    const sizes = [s.H * s.V, s.V, s.H], p = rt.alloc(4 * s.n);
    try {
      /** @type {Record<string, Float32Array>} */
      const out = {};
      let at = p;
      for (let i = 0; i < 3; i++) {
        this.#check(rt.ex.rnnlab_rbm_get(s.ptr, i, grads, at));
        out[TENSORS[i]] = rt.f32(at, sizes[i]).slice();
        at += 4 * sizes[i];
      }
      return /** @type {{ weight: Float32Array, visibleBias: Float32Array, hiddenBias: Float32Array }} */ (out);
    } finally { rt.free(p); }
  }

  /** { weight (hidden x visible, row-major: weight[j*visible + i] couples hidden j and visible i), visibleBias, hiddenBias } */
  getWeights() { return this.#tensors(0); }
  /** The gradient the last step applied (d(-log p)/dtheta as estimated, weight decay included), same names; zeros before the first step. */
  getGradients() { return this.#tensors(1); }

  /**
   * Sets any of weight, visibleBias, hiddenBias (all checked before any is set: lengths, finite).
   * @param {{ weight?: Float32Array | ArrayLike<number>, visibleBias?: Float32Array | ArrayLike<number>, hiddenBias?: Float32Array | ArrayLike<number> }} weights
   */
  setWeights(weights) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(weights)) fail(`setWeights: weights must be an object (got ${show(weights)})`);
    onlyKeys('setWeights', weights, TENSORS);
    const sizes = { weight: s.H * s.V, visibleBias: s.V, hiddenBias: s.H };
    /** @type {[number, Float32Array][]} */
    const checked = []; // every tensor validated before any is written
    for (const [i, name] of TENSORS.entries()) {
      const w = weights[name];
      if (w === undefined) continue;
      if (!(isA(w, 'Float32Array') || Array.isArray(w)) || w.length !== sizes[name]) {
        fail(`setWeights: ${name} must be a Float32Array of ${sizes[name]} values${name === 'weight' ? ` (hidden x visible = ${s.H} x ${s.V})` : ''} (got ${show(w)}${w && typeof w.length === 'number' ? ` of ${w.length}` : ''})`);
      }
      const f = Float32Array.from(w);
      for (let k = 0; k < f.length; k++) if (!Number.isFinite(f[k])) fail(`setWeights: ${name} must be finite: ${name}[${k}] is ${w[k]}`);
      checked.push([i, f]);
    }
    for (const [i, f] of checked) {
      const p = rt.alloc(4 * f.length);
      try {
        rt.f32(p, f.length).set(f);
        this.#check(rt.ex.rnnlab_rbm_set(s.ptr, i, p));
      } finally { rt.free(p); }
    }
  }

  /** Visible biases from the data (Hinton's guide, section 8): log(p_i / (1 - p_i)) of each unit's proportion of 1s, p clamped to [0.001, 0.999] (binary); each unit's mean (gaussian). @param {PatternData} data */
  initVisibleBias(data) {
    const s = this.#live(), d = this.#rows('initVisibleBias', data);
    this.#withRows(d, 0, (p, rows) => this.#check(s.rt.ex.rnnlab_rbm_init_visible_bias(s.ptr, p, rows)));
  }

  // ---- exact quantities ----

  /** @param {string} fn */
  #needExact(fn) {
    const m = this.exactStatesLog2;
    if (m > MAX_EXACT_LOG2) {
      fail(`${fn}: the exact sum needs 2^${m} states (the ${this.#s.gaussian ? 'hidden' : 'smaller'} layer has ${m} units), the limit is 2^${MAX_EXACT_LOG2} = ${2 ** MAX_EXACT_LOG2} states; use estimateLogPartition (AIS)`);
    }
  }

  /** log Z exactly (nats, double): a sum over the smaller layer's 2^m states in closed form over the other. Throws beyond 2^24 states. */
  logPartition() {
    const s = this.#live(), rt = s.rt;
    this.#needExact('logPartition');
    const p = rt.alloc(8);
    try {
      this.#check(rt.ex.rnnlab_rbm_log_partition(s.ptr, p));
      return this.#f64(p, 1)[0];
    } finally { rt.free(p); }
  }

  /** Mean exact log p(v) over the rows, nats (a log density for gaussian visibles). @param {PatternData} data */
  logLikelihood(data) {
    const s = this.#live(), d = this.#rows('logLikelihood', data);
    this.#needExact('logLikelihood');
    return this.#withRows(d, 8, (p, rows, x) => { this.#check(s.rt.ex.rnnlab_rbm_log_likelihood(s.ptr, p, rows, x)); return this.#f64(x, 1)[0]; });
  }

  /** F(v) = -log sum_h exp(-E(v, h)) of each row (Float64Array, one per row). @param {PatternData} v */
  freeEnergy(v) {
    const s = this.#live(), d = this.#rows('freeEnergy', v, 'v');
    return this.#withRows(d, 8 * d.rows, (p, rows, x) => { this.#check(s.rt.ex.rnnlab_rbm_free_energy(s.ptr, p, rows, x)); return this.#f64(x, rows).slice(); });
  }

  /** Binary RBMs: mean over rows of sum_i log p(v_i | v_-i), every unit (Besag's pseudo-likelihood), nats. @param {PatternData} data */
  pseudoLikelihood(data) {
    const s = this.#live();
    if (s.gaussian) fail('pseudoLikelihood: defined for binary visibles only (a Gaussian unit\'s conditional is a mixture of 2^hidden Gaussians)');
    const d = this.#rows('pseudoLikelihood', data);
    return this.#withRows(d, 8, (p, rows, x) => { this.#check(s.rt.ex.rnnlab_rbm_pseudo_likelihood(s.ptr, p, rows, x)); return this.#f64(x, 1)[0]; });
  }

  /**
   * Deterministic mean-field reconstruction: hiddenProbabilities = p(h = 1 | v) (rows x hidden),
   * reconstructions = E[v | h = hiddenProbabilities] (rows x visible); error = mean over rows and
   * units of (v - reconstruction)^2; accuracy = the fraction of units within 0.5 of their value.
   * @param {PatternData} data
   */
  reconstruct(data) {
    const s = this.#live(), rt = s.rt, d = this.#rows('reconstruct', data);
    const nh = d.rows * s.H, nv = d.rows * s.V;
    return this.#withRows(d, 16 + 4 * (nh + nv), (p, rows, x) => {
      this.#check(rt.ex.rnnlab_rbm_reconstruct(s.ptr, p, rows, x + 16, x + 16 + 4 * nh, x, x + 8));
      const [error, accuracy] = this.#f64(x, 2);
      return { rows, error, accuracy, hiddenProbabilities: rt.f32(x + 16, nh).slice(), reconstructions: rt.f32(x + 16 + 4 * nh, nv).slice() };
    });
  }

  /** The mean-field reconstruction error of reconstruct(data). @param {PatternData} data */
  reconstructionError(data) { return this.reconstruct(data).error; }

  /**
   * The gradient of the mean negative log-likelihood of data (no weight decay), named as
   * getWeights: method 'exact' (enumeration, within the exact limit) or 'cd' (the CD-k estimate
   * from its own generator, seeded here; training is not disturbed).
   * @param {PatternData} data @param {{ method?: 'exact' | 'cd', k?: number, seed?: number | bigint }} [options]
   */
  gradient(data, options = {}) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`gradient: options must be an object (got ${show(options)})`);
    onlyKeys('gradient', options, ['method', 'k', 'seed']);
    const method = options.method ?? 'cd';
    if (method !== 'exact' && method !== 'cd') fail(`gradient: options.method must be 'exact' or 'cd' (got ${show(method)})`);
    if (method === 'exact' && (options.k !== undefined || options.seed !== undefined)) fail("gradient: options.k and options.seed are for method 'cd'");
    const k = method === 'exact' ? 0 : options.k === undefined ? 1 : checkInt('gradient: options.k', options.k, 1, MAX_K);
    const [lo, hi] = checkSeed('gradient: options.seed', options.seed ?? 1);
    const d = this.#rows('gradient', data);
    if (method === 'exact') this.#needExact('gradient');
    return this.#withRows(d, 4 * s.n, (p, rows, x) => {
      this.#check(rt.ex.rnnlab_rbm_gradient(s.ptr, p, rows, k, lo, hi, x));
      const g = rt.f32(x, s.n), HV = s.H * s.V;
      return { weight: g.slice(0, HV), visibleBias: g.slice(HV, HV + s.V), hiddenBias: g.slice(HV + s.V) };
    });
  }

  /**
   * log Z by annealed importance sampling (Salakhutdinov & Murray 2008) from the base-rate RBM
   * (W = 0, hidden biases 0, visible biases from options.data's base rates, or this RBM's own
   * visible biases), through betas intermediate distributions (a number: linear spacing 0..1; or
   * the increasing values themselves, from 0 to 1), one Gibbs sweep each, in chains independent
   * runs. stdError: the delta-method standard error of log mean exp of the chains' log-weights.
   * @param {{ chains?: number, betas?: number | ArrayLike<number>, seed?: number | bigint, data?: PatternData }} [options]
   */
  estimateLogPartition(options = {}) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    if (!isObject(options)) fail(`estimateLogPartition: options must be an object (got ${show(options)})`);
    onlyKeys('estimateLogPartition', options, ['chains', 'betas', 'seed', 'data']);
    const chains = checkInt('estimateLogPartition: options.chains', options.chains ?? 100, 2, MAX_CHAINS);
    const [lo, hi] = checkSeed('estimateLogPartition: options.seed', options.seed ?? 1);
    const b = options.betas ?? 1000;
    /** @type {Float64Array | null} */
    let betas = null;
    let K;
    if (typeof b === 'number') K = checkInt('estimateLogPartition: options.betas', b, 1, 10 * MAX_K);
    else if (isObject(b) || ArrayBuffer.isView(b) || Array.isArray(b)) {
      betas = Float64Array.from(/** @type {ArrayLike<number>} */ (b));
      K = betas.length - 1;
      if (K < 1 || K > 10 * MAX_K) fail(`estimateLogPartition: options.betas must hold 2..${10 * MAX_K + 1} values (got ${betas.length})`);
      if (betas[0] !== 0 || betas[K] !== 1) fail(`estimateLogPartition: options.betas must start at 0 and end at 1 (got ${betas[0]} .. ${betas[K]})`);
      for (let i = 1; i <= K; i++) if (!(betas[i] >= betas[i - 1])) fail(`estimateLogPartition: options.betas must be non-decreasing: betas[${i}] = ${betas[i]} after ${betas[i - 1]}`);
    } else fail(`estimateLogPartition: options.betas must be a count or an array of temperatures (got ${show(b)})`);
    const d = options.data === undefined ? null : visibleRows('estimateLogPartition', 'options.data', options.data, s.V, !s.gaussian);
    const nb = betas ? 8 * betas.length : 0, db = d ? 4 * d.data.length : 0;
    const p = rt.alloc(16 + nb + 4 * s.V + db);
    try {
      const bp = p + 16, base = bp + nb, dp = base + 4 * s.V;
      if (betas) this.#f64(bp, betas.length).set(betas);
      if (d) {
        rt.f32(dp, d.data.length).set(d.data);
        this.#check(ex.rnnlab_rbm_base_rates(s.ptr, dp, d.rows, base));
      }
      this.#check(ex.rnnlab_rbm_ais(s.ptr, chains, K, betas ? bp : 0, d ? base : 0, lo, hi, p, p + 8));
      const [logZ, stdError] = this.#f64(p, 2);
      return { logZ, stdError, chains, betas: K };
    } finally { rt.free(p); }
  }

  /**
   * Block Gibbs sampling from the model: chains rows started at options.start (a pattern set or
   * Float32Array of chains x visible) or at a sample of the visible biases alone, steps sweeps
   * h ~ p(h|v), v ~ p(v|h). Returns a pattern set of the last samples { rows, size, data } with
   * probabilities (the last E[v|h], chains x visible) and hiddenProbabilities (p(h = 1 | last v)).
   * @param {{ chains?: number, steps?: number, seed?: number | bigint, start?: PatternData }} [options]
   */
  sample(options = {}) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`sample: options must be an object (got ${show(options)})`);
    onlyKeys('sample', options, ['chains', 'steps', 'seed', 'start']);
    const start = options.start === undefined ? null : visibleRows('sample', 'options.start', options.start, s.V, !s.gaussian);
    const chains = options.chains === undefined ? (start ? start.rows : 1) : checkInt('sample: options.chains', options.chains, 1, MAX_CHAINS);
    if (start && start.rows !== chains) fail(`sample: options.start has ${start.rows} rows but options.chains is ${chains}`);
    const steps = checkInt('sample: options.steps', options.steps ?? 100, 1, MAX_K);
    const [lo, hi] = checkSeed('sample: options.seed', options.seed ?? 1);
    const nv = chains * s.V, nh = chains * s.H;
    const p = rt.alloc(4 * (3 * nv + nh));
    try {
      const st = p + 12 * nv;
      if (start) rt.f32(st, nv).set(start.data);
      this.#check(rt.ex.rnnlab_rbm_sample(s.ptr, chains, steps, start ? st : 0, lo, hi, p, p + 4 * nv, p + 8 * nv));
      return { rows: chains, size: s.V, data: rt.f32(p, nv).slice(), probabilities: rt.f32(p + 4 * nv, nv).slice(), hiddenProbabilities: rt.f32(p + 8 * nv, nh).slice() };
    } finally { rt.free(p); }
  }

  // ---- the Learner protocol ----

  /** The options of the next step: { method, k, learningRate, momentum, weightDecay, chains }, floats as stored (float32). */
  get trainerOptions() {
    const s = this.#live(), raw = s.rt.readStruct(s.rt.ex.rnnlab_rbm_get_train_config(s.ptr) >>> 0, TRAIN_FIELDS);
    return Object.freeze({ method: RBM_METHODS[raw.method], k: raw.k, learningRate: raw.learning_rate, momentum: raw.momentum,
      weightDecay: raw.weight_decay, chains: raw.chains });
  }

  /**
   * Sets the options of the next steps (unset keys keep their value). The momentum buffer, the
   * generator and the persistent chains are kept; the number of chains is fixed once they exist.
   * @param {RBMTrainerOptions} options
   */
  setTrainer(options) {
    const s = this.#live(), rt = s.rt;
    const raw = trainRaw(options, s.rt.readStruct(rt.ex.rnnlab_rbm_get_train_config(s.ptr) >>> 0, TRAIN_FIELDS), 'setTrainer');
    const p = rt.alloc(4 * TRAIN_FIELDS.length);
    try {
      rt.writeStruct(p, TRAIN_FIELDS, raw);
      this.#check(rt.ex.rnnlab_rbm_set_train_config(s.ptr, p));
    } finally { rt.free(p); }
  }

  /** The learning rate of the next step (float32 as stored); setting it keeps the momentum buffer. */
  get learningRate() { return this.trainerOptions.learningRate; }
  set learningRate(lr) { this.setLearningRate(lr); }
  /** @param {number} lr finite, > 0 */
  setLearningRate(lr) {
    checkNumber('learningRate', lr, { min: 0, minOpen: true });
    this.setTrainer({ learningRate: lr });
  }

  /**
   * One update (SGD with momentum) from the batch: a CD-k or PCD-k gradient (trainerOptions),
   * weight decay on the weights only. loss: the batch's mean-field reconstruction error before
   * the update; gradNorm: the applied gradient's L2 norm; clipped: always false.
   * @param {PatternData} batch
   */
  step(batch) {
    const s = this.#live(), rt = s.rt, d = this.#rows('step', batch, 'batch');
    return this.#withRows(d, 4 * RESULT_FIELDS.length, (p, rows, x) => {
      this.#check(rt.ex.rnnlab_rbm_step(s.ptr, p, rows, x));
      const r = rt.readStruct(x, RESULT_FIELDS);
      return { loss: r.loss, gradNorm: r.grad_norm, clipped: false };
    });
  }

  /**
   * How well the RBM models a pattern set. loss: -logLikelihood (exact, nats) when the exact sum
   * is within its limit, else the reconstruction error; accuracy: the reconstruction accuracy (the
   * fraction of units the mean-field reconstruction gets within 0.5); logLikelihood and
   * logPartition: exact values or null beyond the limit; pseudoLikelihood: null for gaussian.
   * @param {PatternData} patterns
   */
  evaluate(patterns) {
    const s = this.#live(), d = this.#rows('evaluate', patterns, 'patterns');
    const rec = this.reconstruct(d.data);
    const exact = this.exact;
    const logLikelihood = exact ? this.logLikelihood(d.data) : null;
    return {
      loss: logLikelihood === null ? rec.error : -logLikelihood, accuracy: rec.accuracy, exact, logLikelihood,
      logPartition: exact ? this.logPartition() : null, reconstructionError: rec.error,
      pseudoLikelihood: s.gaussian ? null : this.pseudoLikelihood(d.data), rows: d.rows,
    };
  }

  /**
   * What the RBM does with a batch, without disturbing training (no random draws): the hidden
   * probabilities, the mean-field reconstructions and each row's free energy; loss = the
   * reconstruction error.
   * @param {PatternData} batch
   */
  trace(batch) {
    const d = this.#rows('trace', batch, 'batch');
    const rec = this.reconstruct(d.data);
    return { loss: rec.error, rows: d.rows, hiddenProbabilities: rec.hiddenProbabilities, reconstructions: rec.reconstructions,
      freeEnergy: this.freeEnergy(d.data) };
  }

  /**
   * Bytes for lab.loadRBM / lab.loadLearner (file kind 5): the parameters and, unless
   * { training: false }, the training options, the momentum buffer, the update count, the
   * training generator and the persistent chains, so training resumes bit for bit.
   * @param {{ training?: boolean }} [options]
   */
  save(options = {}) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    const training = trainingOption(options, onlyKeys);
    const n = ex.rnnlab_rbm_save_size(s.ptr, training ? 1 : 0) >>> 0;
    return saveBytes(rt, n, (p) => this.#check(ex.rnnlab_rbm_save(s.ptr, training ? 1 : 0, p, n)));
  }

  /** Frees the C object (idempotent). */
  free() { release(this.#s, 'rnnlab_rbm_free'); }
}

/** @typedef {import('./rnnlab.d.ts').PatternData} PatternData */
/** @typedef {import('./rnnlab.d.ts').RBMTrainerOptions} RBMTrainerOptions */

/**
 * trainer options over raw C fields (validated, unknown keys refused)
 * @param {unknown} o @param {Record<string, number>} raw @param {string} fn
 */
export function trainRaw(o, raw, fn) {
  if (o === undefined) return { ...raw };
  if (!isObject(o)) fail(`${fn}: options must be an object (got ${show(o)})`);
  onlyKeys(fn, o, ['method', 'k', 'learningRate', 'momentum', 'weightDecay', 'chains']);
  const out = { ...raw };
  if (o.method !== undefined) {
    const m = RBM_METHODS.indexOf(/** @type {any} */ (o.method));
    if (m < 0) fail(`${fn}: options.method must be 'cd' or 'pcd' (got ${show(o.method)})`);
    out.method = m;
  }
  if (o.k !== undefined) out.k = checkInt(`${fn}: options.k`, o.k, 1, MAX_K);
  if (o.learningRate !== undefined) out.learning_rate = checkNumber(`${fn}: options.learningRate`, o.learningRate, { min: 0, minOpen: true });
  if (o.momentum !== undefined) out.momentum = checkNumber(`${fn}: options.momentum`, o.momentum, { min: 0, max: 1, maxOpen: true });
  if (o.weightDecay !== undefined) out.weight_decay = checkNumber(`${fn}: options.weightDecay`, o.weightDecay, { min: 0 });
  if (o.chains !== undefined) out.chains = checkInt(`${fn}: options.chains`, o.chains, 0, MAX_CHAINS);
  return out;
}

/** @param {Record<string, number>} raw */
function readConfig(raw) {
  const seed = (BigInt(raw.seed_hi) << 32n) | BigInt(raw.seed_lo);
  return Object.freeze({ visible: raw.visible, hidden: raw.hidden, visibleUnits: RBM_UNITS[raw.visible_units],
    initScale: raw.init_scale, seed: seed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seed) : seed });
}

/**
 * Called by rnnlab.mjs for each new lab, before it is frozen: defines lab.createRBM and lab.loadRBM.
 * @param {object} lab @param {any} rt
 */
export function installRBM(lab, rt) {
  const ex = rt.ex;
  requireExports(ex, RBM_EXPORTS);
  for (const [what, fields, name] of /** @type {const} */ ([[0, CONFIG_FIELDS, 'rnnlab_rbm_config'], [1, TRAIN_FIELDS, 'rnnlab_rbm_train_config']])) {
    if (ex.rnnlab_rbm_layout(what, -1) !== 4 * fields.length || fields.some((_, i) => ex.rnnlab_rbm_layout(what, i) !== 4 * i)) {
      fail(`${name} layout mismatch between rbm.mjs and the C core`);
    }
  }
  const cb = 4 * CONFIG_FIELDS.length, tb = 4 * TRAIN_FIELDS.length;
  /** @type {Record<string, number>} */
  let cfgDefaults, trainDefaults;
  {
    const p = rt.alloc(cb + tb);
    try {
      ex.rnnlab_rbm_config_default(p);
      ex.rnnlab_rbm_train_config_default(p + cb);
      cfgDefaults = Object.freeze(rt.readStruct(p, CONFIG_FIELDS));
      trainDefaults = Object.freeze(rt.readStruct(p + cb, TRAIN_FIELDS));
    } finally { rt.free(p); }
  }

  /** @param {number} ptr frees ptr if it throws */
  const wrap = (ptr) => {
    try {
      const raw = rt.readStruct(ex.rnnlab_rbm_get_config(ptr) >>> 0, CONFIG_FIELDS);
      const V = raw.visible, H = raw.hidden;
      return new RBM({ rt, ptr, V, H, gaussian: raw.visible_units === 1, n: H * V + V + H, config: readConfig(raw) });
    } catch (e) { ex.rnnlab_rbm_free(ptr); throw e; }
  };

  /**
   * @param {import('./rnnlab.d.ts').RBMConfig} config
   * @param {RBMTrainerOptions} [trainer] the options of step() (default CD-1, learning rate 0.1,
   *   momentum 0.5, weight decay 0.0001: the practical guide's starting values)
   */
  const createRBM = (config, trainer) => {
    if (!isObject(config)) fail(`createRBM: config must be an object (got ${show(config)})`);
    onlyKeys('createRBM', /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (config)), ['visible', 'hidden', 'visibleUnits', 'initScale', 'seed', 'data']);
    const raw = { ...cfgDefaults };
    raw.visible = checkInt('createRBM: config.visible', config.visible, 1, MAX_UNITS);
    raw.hidden = checkInt('createRBM: config.hidden', config.hidden, 1, MAX_UNITS);
    if (config.visibleUnits !== undefined) {
      const u = RBM_UNITS.indexOf(/** @type {any} */ (config.visibleUnits));
      if (u < 0) fail(`createRBM: config.visibleUnits must be 'binary' or 'gaussian' (got ${show(config.visibleUnits)})`);
      raw.visible_units = u;
    }
    if (config.initScale !== undefined) raw.init_scale = checkNumber('createRBM: config.initScale', config.initScale, { min: 0 });
    if (config.seed !== undefined) [raw.seed_lo, raw.seed_hi] = checkSeed('createRBM: config.seed', config.seed);
    const n = raw.visible * raw.hidden + raw.visible + raw.hidden;
    if (n > rt.limits.maxParams) fail(`createRBM: ${raw.visible} x ${raw.hidden} has ${n} parameters, the limit is ${rt.limits.maxParams}`);
    const data = config.data === undefined ? null : visibleRows('createRBM', 'config.data', config.data, raw.visible, raw.visible_units === 0);
    const train = trainRaw(trainer, trainDefaults, 'createRBM');
    const p = rt.alloc(cb + tb + 4 + ERRLEN);
    let ptr = 0;
    try {
      rt.writeStruct(p, CONFIG_FIELDS, raw);
      rt.u32(p + cb + tb, 1)[0] = 0;
      rt.u8(p + cb + tb + 4, 1)[0] = 0;
      rt.check(ex.rnnlab_rbm_create(p, p + cb + tb, p + cb + tb + 4, ERRLEN), 'buffer', p + cb + tb + 4);
      ptr = rt.u32(p + cb + tb, 1)[0];
      if (!ptr) fail('createRBM: rnnlab_rbm_create returned no RBM');
      rt.writeStruct(p + cb, TRAIN_FIELDS, train);
      if (ex.rnnlab_rbm_set_train_config(ptr, p + cb) !== 0) {
        const msg = rt.cstr(ex.rnnlab_rbm_error(ptr));
        ex.rnnlab_rbm_free(ptr);
        fail(`createRBM: ${jsNames(msg)}`);
      }
    } finally { rt.free(p); }
    const rbm = wrap(ptr);
    if (data) {
      try { rbm.initVisibleBias(data.data); } catch (e) { rbm.free(); throw e; }
    }
    return rbm;
  };

  /**
   * Rebuilds an RBM from rbm.save() bytes: with the training state when they hold it (training
   * then continues bit for bit), else default trainer options.
   * @param {Uint8Array | ArrayBuffer} bytes
   */
  const loadRBM = (bytes) => wrap(loadHandle(rt, 'loadRBM', bytes, { empty: 'loadRBM: bytes is empty, not a saved rnnlab RBM', none: 'loadRBM: rnnlab_rbm_load returned no RBM',
    load: ex.rnnlab_rbm_load, free: ex.rnnlab_rbm_free }));
  defineLab(lab, { createRBM, loadRBM });
}
