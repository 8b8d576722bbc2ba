// @ts-check
/**
 * dbn.mjs - deep belief nets for the rnnlab wrapper (core/energy/dbn.c): lab.createDBN(config,
 * trainerOptions), lab.loadDBN(bytes) and the DBN class.
 *
 * A DBN is a stack of RBMs over layers [visible, h1, h2, ...] (Hinton, Osindero & Teh 2006),
 * trained greedily: step(batch) trains the current RBM (dbn.layer) on the batch carried up
 * through the RBMs below it as sampled binary states; those below stay as they are.
 * trainerOptions.stepsPerLayer > 0 moves dbn.layer up by itself after that many updates of the
 * current RBM (the top RBM then keeps training); 0 (the default) leaves it to `dbn.layer = l`.
 * sample() samples down from the top RBM: Gibbs sweeps there, then one directed pass down.
 * Owns: the DBN object (a Learner of kind 'dbn') and its validation. Does not own: the numerics
 * (C), one RBM's API (rbm.mjs), statuses -> exceptions (rt.check).
 */
import { checkInt, checkSeed, fail, isObject, show } from './check.mjs';
import { live, checkStatus, saveBytes, loadHandle, defineLab, requireExports, release, trainingOption } from './energy-common.mjs';
import { HANDLES } from './handles.mjs';
import { ERRLEN } from './names.mjs';
import { MAX_CHAINS, MAX_K, MAX_UNITS, RBM_METHODS, RBM_UNITS, RESULT_FIELDS, TENSORS, TRAIN_FIELDS, checkNumber, isA, onlyKeys, trainRaw,
  visibleRows } from './rbm.mjs';

/** @typedef {import('./rnnlab.d.ts').PatternData} PatternData */
/** @typedef {import('./rnnlab.d.ts').DBNTrainerOptions} DBNTrainerOptions */

const MAX_LAYERS = 16; // RNNLAB_DBN_MAX_LAYERS
const DBN_EXPORTS = ['rnnlab_dbn_create', 'rnnlab_dbn_free', 'rnnlab_dbn_error', 'rnnlab_dbn_layers', 'rnnlab_dbn_size', 'rnnlab_dbn_rbm',
  'rnnlab_dbn_current', 'rnnlab_dbn_set_current', 'rnnlab_dbn_steps_per_layer', 'rnnlab_dbn_set_steps_per_layer',
  'rnnlab_dbn_set_train_config', 'rnnlab_dbn_step', 'rnnlab_dbn_steps', 'rnnlab_dbn_up', 'rnnlab_dbn_reconstruct', 'rnnlab_dbn_sample',
  'rnnlab_dbn_save_size', 'rnnlab_dbn_save', 'rnnlab_dbn_load'];

/**
 * @typedef {object} DBNState
 * @property {any} rt
 * @property {number} ptr  0 once freed
 * @property {readonly number[]} sizes
 * @property {boolean} gaussian  RBM 0's visibles
 * @property {any} config
 */

class DBN {
  #s;
  static { HANDLES.dbn.define((x) => (x !== null && typeof x === 'object' && #s in x ? x.#s : undefined)); }

  /** @param {DBNState} s */
  constructor(s) { this.#s = s; }

  #live() { return live(this.#s, 'dbn'); }

  /** @param {number} status */
  #check(status) { checkStatus(this.#s, status, 'rnnlab_dbn_error'); }

  /** @param {number} status @param {number} l */
  #checkRBM(status, l) {
    const s = this.#s, ex = s.rt.ex;
    s.rt.check(status, 'buffer', status ? ex.rnnlab_rbm_error(ex.rnnlab_dbn_rbm(s.ptr, l)) >>> 0 : 0);
  }

  /** @param {string} fn @param {unknown} x @param {string} [name] */
  #rows(fn, x, name = 'data') { const s = this.#live(); return visibleRows(fn, name, x, s.sizes[0], !s.gaussian, 'this DBN has'); }

  /** @template T @param {{ data: Float32Array, rows: number }} d @param {number} extra @param {(p: number, rows: number, x: number) => T} f @returns {T} */
  #withRows(d, extra, f) {
    const rt = this.#s.rt, at = Math.ceil((4 * d.data.length) / 8) * 8, p = rt.alloc(at + extra);
    try {
      rt.f32(p, d.data.length).set(d.data);
      return f(p, d.rows, p + at);
    } finally { rt.free(p); }
  }

  get kind() { return 'dbn'; }
  /** { layers, visibleUnits, initScale, seed } */
  get config() { return this.#s.config; }
  /** the layer sizes, visible first */
  get layers() { return this.#s.sizes; }
  get freed() { return this.#s.ptr === 0; }
  /** updates of all RBMs together */
  get steps() { const s = this.#live(); return s.rt.ex.rnnlab_dbn_steps(s.ptr); }
  /** the RBM the next step trains, 0..layers.length-2 (RBM l joins layers l and l+1) */
  get layer() { const s = this.#live(); return s.rt.ex.rnnlab_dbn_current(s.ptr); }
  set layer(l) {
    const s = this.#live();
    checkInt('layer', l, 0, s.sizes.length - 2);
    this.#check(s.rt.ex.rnnlab_dbn_set_current(s.ptr, l));
  }
  /** updates each RBM has had */
  get layerSteps() {
    const s = this.#live(), ex = s.rt.ex;
    return s.sizes.slice(1).map((_, l) => ex.rnnlab_rbm_steps(ex.rnnlab_dbn_rbm(s.ptr, l)));
  }

  /** Each RBM's { weight, visibleBias, hiddenBias }, bottom first. */
  getWeights() {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    return s.sizes.slice(1).map((H, l) => {
      const V = s.sizes[l], r = ex.rnnlab_dbn_rbm(s.ptr, l), sizes = [H * V, V, H], p = rt.alloc(4 * (H * V + V + H));
      try {
        /** @type {Record<string, Float32Array>} */
        const out = {};
        let at = p;
        for (let i = 0; i < 3; i++) {
          this.#checkRBM(ex.rnnlab_rbm_get(r, i, 0, at), l);
          out[TENSORS[i]] = rt.f32(at, sizes[i]).slice();
          at += 4 * sizes[i];
        }
        return /** @type {import('./rnnlab.d.ts').RBMTensors} */ (/** @type {unknown} */ (out));
      } finally { rt.free(p); }
    });
  }

  /**
   * Sets any RBM's tensors: an array, bottom first, of { weight?, visibleBias?, hiddenBias? }
   * (or null to leave one alone); all checked before any is set.
   * @param {ReadonlyArray<Partial<Record<'weight' | 'visibleBias' | 'hiddenBias', ArrayLike<number>>> | null>} weights
   */
  setWeights(weights) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    if (!Array.isArray(weights) || weights.length > s.sizes.length - 1) fail(`setWeights: weights must be an array of at most ${s.sizes.length - 1} entries, one per RBM (got ${show(weights)})`);
    /** @type {[number, number, Float32Array][]} */
    const checked = []; // every tensor validated before any is written
    weights.forEach((w, l) => {
      if (w === null || w === undefined) return;
      if (!isObject(w)) fail(`setWeights: weights[${l}] must be an object or null (got ${show(w)})`);
      onlyKeys(`setWeights: weights[${l}]`, w, TENSORS);
      const V = s.sizes[l], H = s.sizes[l + 1], sizes = { weight: H * V, visibleBias: V, hiddenBias: H };
      for (const [i, name] of TENSORS.entries()) {
        const t = w[name];
        if (t === undefined) continue;
        if (!(isA(t, 'Float32Array') || Array.isArray(t)) || t.length !== sizes[name]) fail(`setWeights: weights[${l}].${name} must hold ${sizes[name]} values (got ${show(t)})`);
        const f = Float32Array.from(t);
        for (let k = 0; k < f.length; k++) if (!Number.isFinite(f[k])) fail(`setWeights: weights[${l}].${name} must be finite: [${k}] is ${t[k]}`);
        checked.push([l, i, f]);
      }
    });
    for (const [l, i, f] of checked) {
      const p = rt.alloc(4 * f.length);
      try {
        rt.f32(p, f.length).set(f);
        this.#checkRBM(ex.rnnlab_rbm_set(ex.rnnlab_dbn_rbm(s.ptr, l), i, p), l);
      } finally { rt.free(p); }
    }
  }

  /** The mean-field probabilities of layer `layer` (0: the data itself), rows x layers[layer]. @param {PatternData} data @param {number} layer */
  up(data, layer) {
    const s = this.#live(), rt = s.rt, d = this.#rows('up', data);
    checkInt('up: layer', layer, 0, s.sizes.length - 1);
    const n = d.rows * s.sizes[layer];
    return this.#withRows(d, 4 * n, (p, rows, x) => { this.#check(rt.ex.rnnlab_dbn_up(s.ptr, p, rows, layer, x)); return rt.f32(x, n).slice(); });
  }

  /** Up to the top with probabilities, down again with expectations: { error, accuracy, reconstructions }. @param {PatternData} data */
  reconstruct(data) {
    const s = this.#live(), rt = s.rt, d = this.#rows('reconstruct', data), n = d.data.length;
    return this.#withRows(d, 16 + 4 * n, (p, rows, x) => {
      this.#check(rt.ex.rnnlab_dbn_reconstruct(s.ptr, p, rows, x + 16, x, x + 8));
      const [error, accuracy] = new Float64Array(rt.memory.buffer, x, 2);
      return { rows, error, accuracy, reconstructions: rt.f32(x + 16, n).slice() };
    });
  }

  /**
   * Samples down from the top RBM: steps Gibbs sweeps there (from a sample of its visible biases),
   * then one pass down through the directed layers. { rows, size, data, probabilities }.
   * @param {{ chains?: number, steps?: number, seed?: number | bigint }} [options]
   */
  sample(options = {}) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`sample: options must be an object (got ${show(options)})`);
    onlyKeys('sample', options, ['chains', 'steps', 'seed']);
    const chains = checkInt('sample: options.chains', options.chains ?? 1, 1, MAX_CHAINS);
    const steps = checkInt('sample: options.steps', options.steps ?? 100, 1, MAX_K);
    const [lo, hi] = checkSeed('sample: options.seed', options.seed ?? 1);
    const n = chains * s.sizes[0], p = rt.alloc(8 * n);
    try {
      this.#check(rt.ex.rnnlab_dbn_sample(s.ptr, chains, steps, lo, hi, p, p + 4 * n));
      return { rows: chains, size: s.sizes[0], data: rt.f32(p, n).slice(), probabilities: rt.f32(p + 4 * n, n).slice() };
    } finally { rt.free(p); }
  }

  // ---- the Learner protocol ----

  /** The current RBM's options and the schedule: { method, k, learningRate, momentum, weightDecay, chains, stepsPerLayer }. */
  get trainerOptions() {
    const s = this.#live(), ex = s.rt.ex;
    const raw = s.rt.readStruct(ex.rnnlab_rbm_get_train_config(ex.rnnlab_dbn_rbm(s.ptr, ex.rnnlab_dbn_current(s.ptr))) >>> 0, TRAIN_FIELDS);
    return Object.freeze({ method: RBM_METHODS[raw.method], k: raw.k, learningRate: raw.learning_rate, momentum: raw.momentum,
      weightDecay: raw.weight_decay, chains: raw.chains, stepsPerLayer: ex.rnnlab_dbn_steps_per_layer(s.ptr) });
  }

  /** Sets the options of every RBM's next steps and the schedule (unset keys keep their value). @param {DBNTrainerOptions} options */
  setTrainer(options) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    if (!isObject(options)) fail(`setTrainer: options must be an object (got ${show(options)})`);
    const { stepsPerLayer, ...rest } = /** @type {any} */ (options);
    if (stepsPerLayer !== undefined) checkInt('setTrainer: options.stepsPerLayer', stepsPerLayer, 0, 2 ** 31 - 1);
    const current = rt.readStruct(ex.rnnlab_rbm_get_train_config(ex.rnnlab_dbn_rbm(s.ptr, ex.rnnlab_dbn_current(s.ptr))) >>> 0, TRAIN_FIELDS);
    const raw = trainRaw(rest, current, 'setTrainer');
    if (Object.keys(rest).length) {
      const p = rt.alloc(4 * TRAIN_FIELDS.length);
      try {
        rt.writeStruct(p, TRAIN_FIELDS, raw);
        this.#check(ex.rnnlab_dbn_set_train_config(s.ptr, p));
      } finally { rt.free(p); }
    }
    if (stepsPerLayer !== undefined) this.#check(ex.rnnlab_dbn_set_steps_per_layer(s.ptr, stepsPerLayer));
  }

  get learningRate() { return this.trainerOptions.learningRate; }
  set learningRate(lr) { this.setLearningRate(lr); }
  /** @param {number} lr */
  setLearningRate(lr) {
    checkNumber('learningRate', lr, { min: 0, minOpen: true });
    this.setTrainer({ learningRate: lr });
  }

  /**
   * One update of the current RBM (after the schedule's move, if any) from the batch carried up
   * to it. { loss: that RBM's reconstruction error of its input, gradNorm, clipped: false, layer }.
   * @param {PatternData} batch
   */
  step(batch) {
    const s = this.#live(), rt = s.rt, d = this.#rows('step', batch, 'batch');
    return this.#withRows(d, 4 * RESULT_FIELDS.length, (p, rows, x) => {
      this.#check(rt.ex.rnnlab_dbn_step(s.ptr, p, rows, x));
      const r = rt.readStruct(x, RESULT_FIELDS);
      return { loss: r.loss, gradNorm: r.grad_norm, clipped: false, layer: rt.ex.rnnlab_dbn_current(s.ptr) };
    });
  }

  /** { loss: the up-down reconstruction error, accuracy: its accuracy, reconstructionError, rows }. @param {PatternData} patterns */
  evaluate(patterns) {
    const rec = this.reconstruct(this.#rows('evaluate', patterns, 'patterns').data);
    return { loss: rec.error, accuracy: rec.accuracy, reconstructionError: rec.error, rows: rec.rows };
  }

  /** Without disturbing training: every layer's mean-field probabilities (layers[0] is the batch) and the up-down reconstructions. @param {PatternData} batch */
  trace(batch) {
    const s = this.#live(), d = this.#rows('trace', batch, 'batch');
    const rec = this.reconstruct(d.data);
    return { loss: rec.error, rows: d.rows, layers: s.sizes.map((_, l) => this.up(d.data, l)), reconstructions: rec.reconstructions };
  }

  /** Bytes for lab.loadDBN / lab.loadLearner (file kind 6); { training: false }: the parameters only. @param {{ training?: boolean }} [options] */
  save(options = {}) {
    const s = this.#live(), rt = s.rt, ex = rt.ex;
    const training = trainingOption(options, onlyKeys);
    const n = ex.rnnlab_dbn_save_size(s.ptr, training ? 1 : 0) >>> 0;
    return saveBytes(rt, n, (p) => this.#check(ex.rnnlab_dbn_save(s.ptr, training ? 1 : 0, p, n)));
  }

  free() { release(this.#s, 'rnnlab_dbn_free'); }
}

/**
 * Called by rnnlab.mjs for each new lab, before it is frozen: defines lab.createDBN and lab.loadDBN.
 * @param {object} lab @param {any} rt
 */
export function installDBN(lab, rt) {
  const ex = rt.ex;
  requireExports(ex, DBN_EXPORTS);

  /** @param {number} ptr frees ptr if it throws */
  const wrap = (ptr) => {
    try {
      const L = ex.rnnlab_dbn_layers(ptr), sizes = Object.freeze(Array.from({ length: L }, (_, l) => ex.rnnlab_dbn_size(ptr, l)));
      const c = rt.readStruct(ex.rnnlab_rbm_get_config(ex.rnnlab_dbn_rbm(ptr, 0)) >>> 0, [['visible', 'i32'], ['hidden', 'i32'], ['visible_units', 'i32'],
        ['init_scale', 'f32'], ['seed_lo', 'u32'], ['seed_hi', 'u32']]);
      const seed = (BigInt(c.seed_hi) << 32n) | BigInt(c.seed_lo);
      const config = Object.freeze({ layers: sizes, visibleUnits: RBM_UNITS[c.visible_units], initScale: c.init_scale,
        seed: seed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seed) : seed });
      return new DBN({ rt, ptr, sizes, gaussian: c.visible_units === 1, config });
    } catch (e) { ex.rnnlab_dbn_free(ptr); throw e; }
  };

  /**
   * @param {import('./rnnlab.d.ts').DBNConfig} config @param {DBNTrainerOptions} [trainer]
   */
  const createDBN = (config, trainer) => {
    if (!isObject(config)) fail(`createDBN: config must be an object (got ${show(config)})`);
    onlyKeys('createDBN', /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (config)), ['layers', 'visibleUnits', 'initScale', 'seed', 'data']);
    const layers = config.layers;
    if (!Array.isArray(layers) || layers.length < 2 || layers.length > MAX_LAYERS) {
      fail(`createDBN: config.layers must be an array of 2..${MAX_LAYERS} layer sizes, the visible one first (got ${show(layers)})`);
    }
    layers.forEach((n, i) => checkInt(`createDBN: config.layers[${i}]`, n, 1, MAX_UNITS));
    for (let l = 0; l + 1 < layers.length; l++) {
      const n = layers[l] * layers[l + 1] + layers[l] + layers[l + 1];
      if (n > rt.limits.maxParams) fail(`createDBN: layers[${l}] x layers[${l + 1}] = ${layers[l]} x ${layers[l + 1]} has ${n} parameters, the limit is ${rt.limits.maxParams}`);
    }
    let units = 0;
    if (config.visibleUnits !== undefined) {
      units = RBM_UNITS.indexOf(/** @type {any} */ (config.visibleUnits));
      if (units < 0) fail(`createDBN: config.visibleUnits must be 'binary' or 'gaussian' (got ${show(config.visibleUnits)})`);
    }
    const scale = config.initScale === undefined ? 0.01 : checkNumber('createDBN: config.initScale', config.initScale, { min: 0 });
    const [lo, hi] = checkSeed('createDBN: config.seed', config.seed ?? 1);
    const data = config.data === undefined ? null : visibleRows('createDBN', 'config.data', config.data, layers[0], units === 0);
    if (trainer !== undefined && !isObject(trainer)) fail(`createDBN: trainer options must be an object (got ${show(trainer)})`);
    const p = rt.alloc(4 * layers.length + 4 + ERRLEN);
    let ptr = 0;
    try {
      rt.i32(p, layers.length).set(layers);
      const o = p + 4 * layers.length;
      rt.u32(o, 1)[0] = 0;
      rt.u8(o + 4, 1)[0] = 0;
      rt.check(ex.rnnlab_dbn_create(p, layers.length, units, scale, lo, hi, o, o + 4, ERRLEN), 'buffer', o + 4);
      ptr = rt.u32(o, 1)[0];
      if (!ptr) fail('createDBN: rnnlab_dbn_create returned no DBN');
    } finally { rt.free(p); }
    const dbn = wrap(ptr);
    try {
      if (trainer !== undefined) dbn.setTrainer(trainer);
      if (data) {
        const q = rt.alloc(4 * data.data.length);
        try {
          rt.f32(q, data.data.length).set(data.data);
          const r0 = ex.rnnlab_dbn_rbm(ptr, 0);
          rt.check(ex.rnnlab_rbm_init_visible_bias(r0, q, data.rows), 'buffer', ex.rnnlab_rbm_error(r0) >>> 0);
        } finally { rt.free(q); }
      }
    } catch (e) { dbn.free(); throw e; }
    return dbn;
  };

  /** @param {Uint8Array | ArrayBuffer} bytes */
  const loadDBN = (bytes) => wrap(loadHandle(rt, 'loadDBN', bytes, { empty: 'loadDBN: bytes is empty, not a saved rnnlab DBN', none: 'loadDBN: rnnlab_dbn_load returned no DBN',
    load: ex.rnnlab_dbn_load, free: ex.rnnlab_dbn_free }));
  defineLab(lab, { createDBN, loadDBN });
}
