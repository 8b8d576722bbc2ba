// @ts-check
/**
 * boltzmann.mjs - general Boltzmann machines for the rnnlab wrapper (core/energy/boltzmann.c):
 * lab.createBoltzmann({ visible, hidden, seed }), lab.loadBoltzmann(bytes) and the
 * BoltzmannMachine class, a learner of its own (kind 'boltzmann', file kind 7).
 *
 * Units are 0/1 (not +-1): visible units first, then hidden. E(s) = -1/2 s^T W s - b^T s with W
 * symmetric, zero diagonal; p(s) = e^{-E(s)} / Z (core/rnnlab.h says it all). Data is a pattern
 * set { rows, size, data: Float32Array } of 0/1 (lab.patterns makes them) or a bare Float32Array
 * of rows x visible values.
 *
 * Owns: the object, its argument checks (errors name the argument in JS terms), the trainer
 * options { method: 'exact' | 'sampled', sweeps, chains, ...the optimizer options of createTrainer }.
 * Does not own: statuses -> exceptions (rnnlab.mjs Runtime.check, the one place), the optimizer
 * keys (rnnlab.mjs TRAIN_KEYS through hooks). Views of wasm memory are made after every
 * allocation, never kept across calls.
 */
import { checkInt, checkSeed, fail, isObject, show } from './check.mjs';
import { live, checkStatus, saveBytes, loadHandle, defineLab, requireExports, release } from './energy-common.mjs';
import { HANDLES } from './handles.mjs';
import { ERRLEN } from './names.mjs';

const BM_EXPORTS = ['rnnlab_boltzmann_learn_config_default', 'rnnlab_boltzmann_train_config_default', 'rnnlab_boltzmann_create',
  'rnnlab_boltzmann_free', 'rnnlab_boltzmann_error', 'rnnlab_boltzmann_visible', 'rnnlab_boltzmann_hidden',
  'rnnlab_boltzmann_param_count', 'rnnlab_boltzmann_get_weights', 'rnnlab_boltzmann_set_weights', 'rnnlab_boltzmann_energy',
  'rnnlab_boltzmann_log_partition', 'rnnlab_boltzmann_log_likelihood', 'rnnlab_boltzmann_free_energy', 'rnnlab_boltzmann_pseudo_log_likelihood',
  'rnnlab_boltzmann_sample', 'rnnlab_boltzmann_set_trainer', 'rnnlab_boltzmann_train_config', 'rnnlab_boltzmann_learn_config_of',
  'rnnlab_boltzmann_set_learning_rate', 'rnnlab_boltzmann_steps', 'rnnlab_boltzmann_backward', 'rnnlab_boltzmann_statistics',
  'rnnlab_boltzmann_step', 'rnnlab_boltzmann_save_size', 'rnnlab_boltzmann_save', 'rnnlab_boltzmann_load'];

/** the enumeration limit of core/rnnlab.h: exact sums over up to 2^20 states */
export const BOLTZMANN_MAX_EXACT = 20;
/** visible + hidden, RNNLAB_BOLTZMANN_MAX_UNITS */
export const BOLTZMANN_MAX_UNITS = 2048;
/** rnnlab_boltzmann_method */
export const BOLTZMANN_METHODS = Object.freeze(['exact', 'sampled']);
/** rnnlab_boltzmann_learn_config */
const LEARN_FIELDS = /** @type {const} */ ([['method', 'i32'], ['sweeps', 'i32'], ['chains', 'i32']]);
/** the trainer options a Boltzmann machine adds to the optimizer's */
const LEARN_KEYS = ['method', 'sweeps', 'chains'];

/** @param {string} fn @param {Record<string, unknown>} o @param {string[]} known */
function onlyKeys(fn, o, known) {
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(`${fn}: unknown option '${k}' (known: ${known.join(', ')})`);
}

/**
 * 0/1 rows of `width` values: a pattern set { rows, size, data } or a bare Float32Array. Returns
 * the Float32Array and its rows; every value is checked (the message names the argument).
 * @param {string} name @param {unknown} x @param {number} width @param {string} widthName
 * @returns {{ data: Float32Array, rows: number }}
 */
export function binaryRows(name, x, width, widthName) {
  /** @type {Float32Array} */
  let data;
  let at = name;
  if (isObject(x)) {
    const o = /** @type {any} */ (x);
    const rows = checkInt(`${name}.rows`, o.rows, 1, 2 ** 31 - 1);
    const size = checkInt(`${name}.size`, o.size, 1, 2 ** 31 - 1);
    if (size !== width) fail(`${name}.size is ${size}, but this machine has ${width} ${widthName} units`);
    if (Object.prototype.toString.call(o.data) !== '[object Float32Array]') fail(`${name}.data must be a Float32Array (got ${show(o.data)})`);
    data = o.data;
    if (data.length !== rows * size) fail(`${name}.data has ${data.length} values, rows x size = ${rows} x ${size} = ${rows * size}`);
    at = `${name}.data`;
  } else if (Object.prototype.toString.call(x) === '[object Float32Array]') {
    data = /** @type {Float32Array} */ (x);
    if (data.length === 0 || data.length % width !== 0) fail(`${name} must hold rows of ${width} ${widthName} values (got ${data.length} values)`);
  } else fail(`${name} must be a pattern set { rows, size, data } or a Float32Array (got ${show(x)})`);
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v !== 0 && v !== 1) {
      fail(`${at}[${k}] = ${Number.isNaN(v) ? 'NaN' : v} (row ${Math.floor(k / width)}): a Boltzmann machine's units are 0 or 1`);
    }
  }
  return { data, rows: data.length / width };
}

/**
 * @typedef {object} BMState
 * @property {any} rt
 * @property {number} ptr  0 once freed
 * @property {number} V
 * @property {number} H
 * @property {number} n
 */

class BoltzmannMachine {
  #s;
  #hooks;
  static { HANDLES.boltzmann.define((x) => (x !== null && typeof x === 'object' && #s in x ? x.#s : undefined)); }

  /** @param {BMState} s @param {any} hooks */
  constructor(s, hooks) { this.#s = s; this.#hooks = hooks; }

  #live() { return live(this.#s, 'the Boltzmann machine'); }

  /** @param {number} status */
  #check(status) { checkStatus(this.#s, status, 'rnnlab_boltzmann_error'); }

  /** Copies 0/1 rows into wasm memory; returns the pointer (free it) and the rows. @param {string} name @param {unknown} x @param {number} width @param {string} what @param {number} [extra] */
  #rows(name, x, width, what, extra = 0) {
    const rt = this.#live().rt;
    const { data, rows } = binaryRows(name, x, width, what);
    if (data.length > rt.limits.maxElems) fail(`${name}: ${rows} rows of ${width} is more than ${rt.limits.maxElems} values`);
    const at = Math.ceil(data.length / 2) * 8; // extra starts 8-aligned: C writes doubles there
    const p = rt.alloc(at + extra);
    rt.f32(p, data.length).set(data);
    return { p, rows, extra: p + at };
  }

  /** The kind of learner (the kind of file save() writes). */
  get kind() { return 'boltzmann'; }
  get visible() { return this.#live().V; }
  get hidden() { return this.#live().H; }
  /** visible + hidden */
  get units() { return this.#live().n; }
  /** n(n-1)/2 weights + n biases */
  get parameterCount() { return this.#s.rt.ex.rnnlab_boltzmann_param_count(this.#live().ptr); }
  get freed() { return this.#s.ptr === 0; }
  /** Exact sums (log Z, log-likelihood, the 'exact' method) are possible: units <= 20. */
  get exact() { return this.#live().n <= BOLTZMANN_MAX_EXACT; }

  /** @param {number} which 0 weights, 1 gradients */
  #params(which) {
    const s = this.#live(), rt = s.rt, n = s.n;
    const p = rt.alloc(4 * (n * n + n));
    try {
      this.#check(rt.ex.rnnlab_boltzmann_get_weights(s.ptr, which, p, p + 4 * n * n));
      const bias = rt.f32(p + 4 * n * n, n);
      return { weight: rt.f32(p, n * n).slice(), visibleBias: bias.slice(0, s.V), hiddenBias: bias.slice(s.V) };
    } finally { rt.free(p); }
  }

  /** { weight: n x n row-major (symmetric, zero diagonal), visibleBias (visible), hiddenBias (hidden) } */
  getWeights() { return this.#params(0); }
  /** The gradients of the last step or trace (zeros before), the same shapes. */
  getGradients() { return this.#params(1); }

  /**
   * Sets any of { weight, visibleBias, hiddenBias } (the others stay). weight must be symmetric
   * (w_ij === w_ji) with a zero diagonal; everything finite; checked whole before anything changes.
   * @param {{ weight?: Float32Array, visibleBias?: Float32Array, hiddenBias?: Float32Array }} weights
   */
  setWeights(weights) {
    const s = this.#live(), rt = s.rt, n = s.n;
    if (!isObject(weights)) fail(`setWeights: weights must be an object (got ${show(weights)})`);
    onlyKeys('setWeights', weights, ['weight', 'visibleBias', 'hiddenBias']);
    const lengths = { weight: n * n, visibleBias: s.V, hiddenBias: s.H };
    for (const [k, len] of Object.entries(lengths)) {
      const w = /** @type {any} */ (weights)[k];
      if (w === undefined) continue;
      if (Object.prototype.toString.call(w) !== '[object Float32Array]' || w.length !== len) fail(`setWeights: ${k} must be a Float32Array of ${len} values (got ${show(w)}${ArrayBuffer.isView(w) ? ` of ${/** @type {any} */ (w).length}` : ''})`);
      for (let i = 0; i < len; i++) if (!Number.isFinite(w[i])) fail(`setWeights: ${k}[${i}] is ${w[i]}: weights must be finite`);
    }
    const cur = this.getWeights();
    const weight = weights.weight ?? cur.weight;
    for (let i = 0; i < n; i++) {
      if (weight[i * n + i] !== 0) fail(`setWeights: weight[${i * n + i}] (row ${i}, column ${i}) = ${weight[i * n + i]}: the diagonal must be 0`);
      for (let j = i + 1; j < n; j++) {
        if (weight[i * n + j] !== weight[j * n + i]) fail(`setWeights: weight must be symmetric: weight[${i * n + j}] = ${weight[i * n + j]} but weight[${j * n + i}] = ${weight[j * n + i]}`);
      }
    }
    const p = rt.alloc(4 * (n * n + n));
    try {
      rt.f32(p, n * n).set(weight);
      rt.f32(p + 4 * n * n, s.V).set(weights.visibleBias ?? cur.visibleBias);
      rt.f32(p + 4 * (n * n + s.V), s.H).set(weights.hiddenBias ?? cur.hiddenBias);
      this.#check(rt.ex.rnnlab_boltzmann_set_weights(s.ptr, p, p + 4 * n * n));
    } finally { rt.free(p); }
  }

  /** E(s) of full states (rows of visible + hidden 0/1 values), as a Float64Array. @param {Float32Array | { rows: number, size: number, data: Float32Array }} states */
  energy(states) {
    const s = this.#live(), rt = s.rt;
    const m = this.#rows('energy: states', states, s.n, 'visible + hidden');
    const q = rt.alloc(8 * m.rows);
    try {
      this.#check(rt.ex.rnnlab_boltzmann_energy(s.ptr, m.p, m.rows, q));
      return new Float64Array(rt.memory.buffer.slice(q, q + 8 * m.rows));
    } finally { rt.free(q), rt.free(m.p); }
  }

  #refuseLarge(/** @type {string} */ fn) {
    const n = this.#live().n;
    if (n > BOLTZMANN_MAX_EXACT) fail(`${fn}: n = ${n} units: exact enumeration needs 2^${n} states, the limit is 2^${BOLTZMANN_MAX_EXACT}`);
  }

  /** log Z (nats), exact by enumerating all 2^units states (units <= 20). */
  logPartition() {
    const s = this.#live(), rt = s.rt;
    this.#refuseLarge('logPartition');
    const q = rt.alloc(8);
    try {
      this.#check(rt.ex.rnnlab_boltzmann_log_partition(s.ptr, q));
      return new Float64Array(rt.memory.buffer.slice(q, q + 8))[0];
    } finally { rt.free(q); }
  }

  /**
   * F(v) = -log sum_h e^{-E(v, h)} of each row (nats, a Float64Array), so p(v) = e^{-F(v)} / Z:
   * exact, any number of visible units, hidden <= 20.
   * @param {Float32Array | { rows: number, size: number, data: Float32Array }} data
   */
  freeEnergy(data) {
    const s = this.#live(), rt = s.rt;
    if (s.H > BOLTZMANN_MAX_EXACT) fail(`freeEnergy: hidden = ${s.H} units: exact enumeration needs 2^${s.H} states, the limit is 2^${BOLTZMANN_MAX_EXACT}`);
    const m = this.#rows('freeEnergy: data', data, s.V, 'visible');
    const q = rt.alloc(8 * m.rows);
    try {
      this.#check(rt.ex.rnnlab_boltzmann_free_energy(s.ptr, m.p, m.rows, q));
      return new Float64Array(rt.memory.buffer.slice(q, q + 8 * m.rows));
    } finally { rt.free(q), rt.free(m.p); }
  }

  /** The mean exact log-likelihood (nats) of the data's rows (units <= 20). @param {Float32Array | { rows: number, size: number, data: Float32Array }} data */
  logLikelihood(data) {
    const s = this.#live(), rt = s.rt;
    this.#refuseLarge('logLikelihood');
    const m = this.#rows('logLikelihood: data', data, s.V, 'visible', 8);
    try {
      this.#check(rt.ex.rnnlab_boltzmann_log_likelihood(s.ptr, m.p, m.rows, m.extra));
      return new Float64Array(rt.memory.buffer.slice(m.extra, m.extra + 8))[0];
    } finally { rt.free(m.p); }
  }

  /**
   * The visible units' mean pseudo-log-likelihood (nats per row), given hidden states drawn by
   * `sweeps` Gibbs sweeps with the row clamped (exact without hidden units). Any size.
   * @param {Float32Array | { rows: number, size: number, data: Float32Array }} data @param {{ sweeps?: number, seed?: number | bigint }} [options]
   */
  pseudoLogLikelihood(data, options = {}) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`pseudoLogLikelihood: options must be an object (got ${show(options)})`);
    onlyKeys('pseudoLogLikelihood', options, ['sweeps', 'seed']);
    const sweeps = checkInt('pseudoLogLikelihood: options.sweeps', options.sweeps ?? 10, 1, 100000);
    const [lo, hi] = checkSeed('pseudoLogLikelihood: options.seed', options.seed ?? 1);
    const m = this.#rows('pseudoLogLikelihood: data', data, s.V, 'visible', 8);
    try {
      this.#check(rt.ex.rnnlab_boltzmann_pseudo_log_likelihood(s.ptr, m.p, m.rows, sweeps, lo, hi, m.extra));
      return new Float64Array(rt.memory.buffer.slice(m.extra, m.extra + 8))[0];
    } finally { rt.free(m.p); }
  }

  /**
   * Gibbs sampling at a temperature: `chains` chains of every unit, `sweeps` sweeps (each unit
   * once, in index order) from random states or from init (chains x units of 0/1), with its own
   * generator (training is not disturbed). Returns the final states and their visible part.
   * @param {{ chains?: number, sweeps?: number, temperature?: number, seed?: number | bigint, init?: Float32Array }} [options]
   */
  sample(options = {}) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`sample: options must be an object (got ${show(options)})`);
    onlyKeys('sample', options, ['chains', 'sweeps', 'temperature', 'seed', 'init']);
    const chains = checkInt('sample: options.chains', options.chains ?? 1, 1, 65536);
    const sweeps = checkInt('sample: options.sweeps', options.sweeps ?? 100, 0, 100000);
    const T = options.temperature ?? 1;
    if (typeof T !== 'number' || !(T > 0) || !Number.isFinite(Math.fround(T)) || Math.fround(T) === 0) fail(`sample: options.temperature must be a finite number > 0 (got ${show(T)})`);
    const [lo, hi] = checkSeed('sample: options.seed', options.seed ?? 1);
    if (chains * s.n > rt.limits.maxElems) fail(`sample: ${chains} chains of ${s.n} units is more than ${rt.limits.maxElems} values`);
    let p = 0;
    if (options.init !== undefined) {
      const m = this.#rows('sample: options.init', options.init, s.n, 'visible + hidden');
      if (m.rows !== chains) { rt.free(m.p); fail(`sample: options.init has ${m.rows} rows, options.chains is ${chains}`); }
      p = m.p;
    } else p = rt.alloc(4 * chains * s.n);
    try {
      this.#check(rt.ex.rnnlab_boltzmann_sample(s.ptr, chains, sweeps, T, lo, hi, options.init !== undefined ? p : 0, p));
      const states = rt.f32(p, chains * s.n).slice();
      const visible = new Float32Array(chains * s.V);
      for (let c = 0; c < chains; c++) visible.set(states.subarray(c * s.n, c * s.n + s.V), c * s.V);
      return { chains, states, visible };
    } finally { rt.free(p); }
  }

  // ---- the learner protocol ----

  /** The raw optimizer fields and the learn config the C object holds. */
  #trainer() {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    return {
      train: rt.readStruct(ex.rnnlab_boltzmann_train_config(s.ptr) >>> 0, this.#hooks.trainFields),
      learn: rt.readStruct(ex.rnnlab_boltzmann_learn_config_of(s.ptr) >>> 0, LEARN_FIELDS),
    };
  }

  /**
   * The options of the next steps: { method, sweeps, chains } and the optimizer's (as
   * createTrainer takes them). Keys left out keep their current values; after the first step the
   * optimizer state is kept when only the learning rate changes, started afresh otherwise.
   * @param {import('./rnnlab.d.ts').BoltzmannTrainerOptions} options
   */
  setTrainer(options) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`trainerOptions must be an object (got ${show(options)})`);
    const { train, learn } = this.#trainer();
    const { method, sweeps, chains, ...optim } = /** @type {any} */ (options);
    if ('truncate' in optim) fail('trainerOptions.truncate: a Boltzmann machine has no time steps to truncate');
    for (const k of Object.keys(optim)) if (!this.#hooks.trainKeys.includes(k)) fail(`unknown trainerOptions key '${k}' (known: ${[...LEARN_KEYS, ...this.#hooks.trainKeys.filter((/** @type {string} */ x) => x !== 'truncate')].join(', ')})`);
    const raw = this.#hooks.trainRaw(train, optim);
    if (method !== undefined) {
      const m = BOLTZMANN_METHODS.indexOf(method);
      if (m < 0) fail(`trainerOptions.method must be ${BOLTZMANN_METHODS.map((x) => `'${x}'`).join(' or ')} (got ${show(method)})`);
      learn.method = m;
    }
    if (sweeps !== undefined) learn.sweeps = checkInt('trainerOptions.sweeps', sweeps, 1, 100000);
    if (chains !== undefined) learn.chains = checkInt('trainerOptions.chains', chains, 1, 65536);
    if (learn.method === 0 && s.n > BOLTZMANN_MAX_EXACT) fail(`trainerOptions.method 'exact': n = ${s.n} units: exact enumeration needs 2^${s.n} states, the limit is 2^${BOLTZMANN_MAX_EXACT} (use method: 'sampled')`);
    const tf = this.#hooks.trainFields;
    const p = rt.alloc(4 * (tf.length + LEARN_FIELDS.length));
    try {
      rt.writeStruct(p, tf, raw);
      rt.writeStruct(p + 4 * tf.length, LEARN_FIELDS, learn);
      this.#check(rt.ex.rnnlab_boltzmann_set_trainer(s.ptr, p, p + 4 * tf.length));
    } finally { rt.free(p); }
  }

  /** The options the next step uses (optimizer keys as the engine stores them, in float32). */
  get trainerOptions() {
    const { train, learn } = this.#trainer();
    const { truncate, ...optim } = this.#hooks.trainOptions(train);
    return Object.freeze({ method: BOLTZMANN_METHODS[learn.method], sweeps: learn.sweeps, chains: learn.chains, ...optim });
  }

  /** The learning rate of the next step (float32 as stored); setting it keeps the optimizer state. */
  get learningRate() { return this.#trainer().train.learning_rate; }
  set learningRate(lr) { this.setLearningRate(lr); }
  /** @param {number} lr finite, > 0 */
  setLearningRate(lr) {
    const s = this.#live();
    if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(Math.fround(lr)) || Math.fround(lr) === 0) fail(`learningRate must be a finite number > 0 (got ${show(lr)})`);
    this.#check(s.rt.ex.rnnlab_boltzmann_set_learning_rate(s.ptr, lr));
  }

  /** Updates applied so far (restored by lab.loadLearner). */
  get steps() { return this.#s.rt.ex.rnnlab_boltzmann_steps(this.#live().ptr); }

  /**
   * One update on a batch of visible rows: the gradient of the mean negative log-likelihood by
   * the method, then the optimizer. loss: 'exact' the batch's mean negative log-likelihood before
   * the update (nats); 'sampled' the negative pseudo-log-likelihood of the visible units given the
   * clamped phase's hidden samples (nats per row). gradNorm: before clipping.
   * @param {import('./rnnlab.d.ts').BoltzmannData} batch
   */
  step(batch) {
    const s = this.#live(), rt = s.rt, rf = this.#hooks.stepResultFields;
    const m = this.#rows('batch', batch, s.V, 'visible', 4 * rf.length);
    try {
      this.#check(rt.ex.rnnlab_boltzmann_step(s.ptr, m.p, m.rows, m.extra));
      const r = rt.readStruct(m.extra, rf);
      return { loss: r.loss, gradNorm: r.grad_norm, clipped: r.clipped !== 0 };
    } finally { rt.free(m.p); }
  }

  /**
   * The gradient of a batch by the current method, and the two phases' statistics, without
   * updating anything (the sampled method works on copies of the chains and the generator).
   * getGradients() afterwards holds this batch's gradient.
   * @param {import('./rnnlab.d.ts').BoltzmannData} batch
   */
  trace(batch) {
    const s = this.#live(), rt = s.rt, n = s.n;
    const m = this.#rows('batch', batch, s.V, 'visible', 4 + 8 * n * n);
    try {
      this.#check(rt.ex.rnnlab_boltzmann_backward(s.ptr, m.p, m.rows, 0, m.extra));
      const loss = rt.f32(m.extra, 1)[0], st = m.extra + 4;
      this.#check(rt.ex.rnnlab_boltzmann_statistics(s.ptr, 0, st));
      this.#check(rt.ex.rnnlab_boltzmann_statistics(s.ptr, 1, st + 4 * n * n));
      const dataStatistics = rt.f32(st, n * n).slice(), modelStatistics = rt.f32(st + 4 * n * n, n * n).slice();
      const gradients = this.getGradients();
      let sq = 0;
      for (const a of [gradients.visibleBias, gradients.hiddenBias]) for (const g of a) sq += g * g;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sq += gradients.weight[i * n + j] ** 2;
      return { loss, gradNorm: Math.sqrt(sq), gradients, dataStatistics, modelStatistics };
    } finally { rt.free(m.p); }
  }

  /**
   * How well the machine models the data. With at most 20 units: the exact mean log-likelihood
   * and log Z (loss = -logLikelihood). Larger: logLikelihood and logPartition are null and loss is
   * the negative pseudo-log-likelihood (10 sweeps, seed options.seed, default 1).
   * @param {import('./rnnlab.d.ts').BoltzmannData} data @param {{ seed?: number | bigint }} [options]
   */
  evaluate(data, options = {}) {
    const s = this.#live();
    if (!isObject(options)) fail(`evaluate: options must be an object (got ${show(options)})`);
    onlyKeys('evaluate', options, ['seed']);
    const { rows } = binaryRows('evaluate: data', data, s.V, 'visible');
    const pseudo = this.pseudoLogLikelihood(data, { sweeps: 10, seed: options.seed ?? 1 });
    if (s.n > BOLTZMANN_MAX_EXACT) return { loss: -pseudo, logLikelihood: null, logPartition: null, pseudoLogLikelihood: pseudo, rows, exact: false };
    const logLikelihood = this.logLikelihood(data);
    return { loss: -logLikelihood, logLikelihood, logPartition: this.logPartition(), pseudoLogLikelihood: pseudo, rows, exact: true };
  }

  /** Bytes for lab.loadLearner / lab.loadBoltzmann: weights, trainer options, steps, the generator,
   * the persistent chains and the optimizer state, so a loaded machine continues bit for bit. */
  save() {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    const n = ex.rnnlab_boltzmann_save_size(s.ptr) >>> 0;
    return saveBytes(rt, n, (p) => this.#check(ex.rnnlab_boltzmann_save(s.ptr, p, n)));
  }

  /** Frees the C object (idempotent). */
  free() { release(this.#s, 'rnnlab_boltzmann_free'); }
}

/**
 * Called by rnnlab.mjs for each new lab, before it is frozen: defines lab.createBoltzmann and
 * lab.loadBoltzmann.
 * @param {object} lab @param {any} rt
 * @param {{ trainRaw: (base: Record<string, number>, o: Record<string, unknown>) => Record<string, number>,
 *           trainOptions: (raw: Record<string, number>) => any, trainKeys: string[], trainFields: any,
 *           stepResultFields: any }} hooks
 */
export function installBoltzmann(lab, rt, hooks) {
  const ex = rt.ex;
  requireExports(ex, BM_EXPORTS);
  /** @param {number} ptr */
  const wrap = (ptr) => {
    const V = ex.rnnlab_boltzmann_visible(ptr), H = ex.rnnlab_boltzmann_hidden(ptr);
    return new BoltzmannMachine({ rt, ptr, V, H, n: V + H }, hooks);
  };
  /**
   * A Boltzmann machine of visible + hidden units (<= 2048), weights about N(0, 0.01^2), biases 0.
   * trainer: the trainerOptions of its steps (default { method: 'exact', optimizer: 'sgd',
   * learningRate: 0.1, sweeps: 10, chains: 32 }; 'sampled' is the default above 20 units).
   * @param {{ visible: number, hidden?: number, seed?: number | bigint }} options
   * @param {import('./rnnlab.d.ts').BoltzmannTrainerOptions} [trainer]
   */
  const createBoltzmann = (options, trainer) => {
    if (!isObject(options)) fail(`createBoltzmann: options must be an object (got ${show(options)})`);
    onlyKeys('createBoltzmann', options, ['visible', 'hidden', 'seed']);
    const V = checkInt('createBoltzmann: options.visible', options.visible, 1, BOLTZMANN_MAX_UNITS);
    const H = checkInt('createBoltzmann: options.hidden', options.hidden ?? 0, 0, BOLTZMANN_MAX_UNITS - V);
    const [lo, hi] = checkSeed('createBoltzmann: options.seed', options.seed ?? 1);
    if (trainer !== undefined && !isObject(trainer)) fail(`createBoltzmann: trainer must be an object (got ${show(trainer)})`);
    const p = rt.alloc(4 + ERRLEN);
    let ptr = 0;
    try {
      rt.u32(p, 1)[0] = 0;
      rt.u8(p + 4, 1)[0] = 0;
      rt.check(ex.rnnlab_boltzmann_create(V, H, lo, hi, p, p + 4, ERRLEN), 'buffer', p + 4);
      ptr = rt.u32(p, 1)[0];
      if (!ptr) fail('rnnlab_boltzmann_create returned no machine');
    } finally { rt.free(p); }
    const bm = wrap(ptr);
    try {
      const big = V + H > BOLTZMANN_MAX_EXACT;
      if (big || trainer !== undefined) bm.setTrainer({ ...(big ? { method: 'sampled' } : {}), ...(trainer ?? {}) });
    } catch (e) { bm.free(); throw e; }
    return bm;
  };
  /**
   * Rebuilds a machine from bm.save() bytes: it continues exactly as the saved one would have.
   * @param {Uint8Array | ArrayBuffer} bytes
   */
  const loadBoltzmann = (bytes) => wrap(loadHandle(rt, 'loadBoltzmann', bytes, { empty: 'loadBoltzmann: bytes is empty, not a saved Boltzmann machine', none: 'loadBoltzmann: rnnlab_boltzmann_load returned no machine',
    load: ex.rnnlab_boltzmann_load }));
  defineLab(lab, { createBoltzmann, loadBoltzmann });
}
