// @ts-check
/**
 * ridge.mjs - the ridge readout (core/train/ridge.c) for the rnnlab wrapper: lab.createRidge(model,
 * { ridge, washout }), and lab.createLearner(model, { optimizer: 'ridge', ... }) routes here. A
 * Learner like a trainer: step(batch) adds the batch's states and solves the readout again in
 * closed form; evaluate and trace are the model's; save() writes file kind 8 (the model with the
 * statistics), which lab.loadLearner continues from exactly.
 *
 * Owns: the Ridge class. Does not own: batches (rnnlab.mjs marshalBatch), statuses -> exceptions
 * (Runtime.check), the model.
 */
import { checkInt, fail, isObject, show } from './check.mjs';
import { HANDLES, NATIVE_BLOCK } from './handles.mjs';
import { ERRLEN } from './names.mjs';

const RIDGE_EXPORTS = ['rnnlab_ridge_create', 'rnnlab_ridge_free', 'rnnlab_ridge_error', 'rnnlab_ridge_step', 'rnnlab_ridge_set',
  'rnnlab_ridge_value', 'rnnlab_ridge_washout', 'rnnlab_wasm_ridge_steps', 'rnnlab_ridge_save_size', 'rnnlab_ridge_save', 'rnnlab_ridge_load'];

/** @param {string} name @param {unknown} v */
function checkRidge(name, v) {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1e6)) fail(`${name} must be a number in [0, 1e6] (got ${show(v)})`);
  return v;
}

class Ridge {
  #r;
  #model;
  #hooks;
  #ownsModel;
  static { HANDLES.ridge.define((x) => (x !== null && typeof x === 'object' && #r in x ? x.#r : undefined)); }

  /** @param {any} model @param {any} ms the model's state @param {number} ptr @param {any} hooks @param {boolean} ownsModel */
  constructor(model, ms, ptr, hooks, ownsModel) {
    this.#r = { model: ms, ptr, release: () => ms.rt.ex.rnnlab_ridge_free(ptr) };
    this.#model = model, this.#hooks = hooks, this.#ownsModel = ownsModel;
    ms.trainers.add(this.#r); // model.free() releases it too
  }

  #live() {
    const r = this.#r;
    if (!r.model.ptr) fail('model has been freed (this ridge readout belonged to it)');
    if (!r.ptr) fail('ridge readout has been freed');
    return r;
  }

  /** @param {number} status */
  #check(status) {
    const r = this.#r, rt = r.model.rt;
    if (status) rt.check(status, 'buffer', rt.ex.rnnlab_ridge_error(r.ptr) >>> 0);
  }

  get kind() { return 'ridge'; }
  /** The model whose readout this fits. */
  get model() { return this.#model; }

  /**
   * Adds the batch's top-layer states and targets, and solves the readout again (closed form).
   * Returns the batch's loss under the new readout; gradNorm 0, nothing clipped.
   * @param {any} batch a Batch or a task.nextBatch() batch
   */
  step(batch) {
    const r = this.#live(), rt = r.model.rt, rf = this.#hooks.stepResultFields;
    const nb = HANDLES.nativeBatch.of(batch);
    if (nb) {
      if (nb.rt !== rt) fail('step: the batch belongs to another loaded rnnlab instance');
      if (nb.seq2seq) fail('step: a sequence-to-sequence batch is not for a ridge readout');
      const at = nb.at();
      this.#check(rt.ex.rnnlab_ridge_step(r.ptr, at + NATIVE_BLOCK.batch, at + NATIVE_BLOCK.result));
      const out = rt.readStruct(at + NATIVE_BLOCK.result, rf);
      return { loss: out.loss, gradNorm: 0, clipped: false, chunks: 1 };
    }
    const b = this.#hooks.marshalBatch(r.model, batch, true, () => 4 * rf.length);
    try {
      this.#check(rt.ex.rnnlab_ridge_step(r.ptr, b.ptr, b.extra));
      const out = rt.readStruct(b.extra, rf);
      return { loss: out.loss, gradNorm: 0, clipped: false, chunks: 1 };
    } finally { rt.free(b.ptr); }
  }

  /** task.evaluate(ridge.model, options). @param {any} task @param {any} [options] */
  evaluate(task, options) {
    this.#live();
    if (task === null || typeof task !== 'object' || typeof task.evaluate !== 'function') fail(`evaluate: task must be a task from lab.createTask (got ${show(task)})`);
    return task.evaluate(this.#model, options);
  }

  /** model.trace(batch). @param {any} batch */
  trace(batch) { this.#live(); return this.#model.trace(batch); }

  /** The ridge (regularisation) parameter; setting it solves again over the data seen. */
  get ridge() { const r = this.#live(); return r.model.rt.ex.rnnlab_ridge_value(r.ptr); }
  set ridge(v) { const r = this.#live(); this.#check(r.model.rt.ex.rnnlab_ridge_set(r.ptr, checkRidge('ridge', v))); }
  /** Steps skipped at the start of each batch (the reservoir's transient). */
  get washout() { const r = this.#live(); return r.model.rt.ex.rnnlab_ridge_washout(r.ptr); }

  /** A closed-form fit has no learning rate: 0; setting one throws. */
  get learningRate() { this.#live(); return 0; }
  set learningRate(_lr) { fail('learningRate: a ridge readout is solved in closed form; set ridge instead'); }
  get trainerOptions() { return { optimizer: 'ridge', ridge: this.ridge, washout: this.washout }; }
  /** Batches added (each one solve). */
  get steps() { const r = this.#live(); return r.model.rt.ex.rnnlab_wasm_ridge_steps(r.ptr); }
  get freed() { return this.#r.ptr === 0; }

  /** The model and the statistics as bytes (file kind 8) for lab.loadLearner. */
  save() {
    const r = this.#live(), rt = r.model.rt, ex = rt.ex;
    const n = ex.rnnlab_ridge_save_size(r.ptr) >>> 0, p = rt.alloc(n);
    try {
      this.#check(ex.rnnlab_ridge_save(r.ptr, p, n));
      return rt.u8(p, n).slice();
    } finally { rt.free(p); }
  }

  /** Idempotent. The model stays, unless this came from lab.loadLearner (then it goes too). */
  free() {
    const r = this.#r;
    if (r.ptr) {
      r.release();
      r.ptr = 0;
      r.model.trainers.delete(r);
    }
    if (this.#ownsModel) this.#model.free();
  }
}

/**
 * Called by rnnlab.mjs for each new lab: defines lab.createRidge and lab.loadRidge (used by loadLearner).
 * @param {object} lab @param {any} rt
 * @param {{ modelState: (m: unknown) => any, marshalBatch: (s: any, b: unknown, t: boolean, extra: () => number) => any,
 *           stepResultFields: any, wrapModel: (ptr: number) => any }} hooks
 */
export function installRidge(lab, rt, hooks) {
  const ex = rt.ex;
  const absent = RIDGE_EXPORTS.filter((n) => !(n in ex));
  if (absent.length) fail(`the wasm module lacks exports ${absent.join(', ')} (stale build? run make)`);
  /** @param {any} model @param {{ ridge?: number, washout?: number, optimizer?: string }} [options] */
  const createRidge = (model, options = {}) => {
    const ms = hooks.modelState(model);
    if (!ms) fail(`createRidge: model must be a model created by lab.createModel or lab.loadModel (got ${show(model)})`);
    if (ms.rt !== rt) fail('createRidge: model belongs to another loaded rnnlab instance');
    if (!ms.ptr) fail('model has been freed');
    if (!isObject(options)) fail(`createRidge: options must be an object (got ${show(options)})`);
    for (const k of Object.keys(options)) if (!['ridge', 'washout', 'optimizer'].includes(k)) fail(`createRidge: unknown option '${k}' (known: ridge, washout)`);
    const ridge = checkRidge('options.ridge', options.ridge ?? 1e-6);
    const washout = options.washout === undefined ? 0 : checkInt('options.washout', options.washout, 0, 1 << 20);
    const p = rt.alloc(4 + ERRLEN);
    try {
      rt.u32(p, 1)[0] = 0, rt.u8(p + 4, 1)[0] = 0;
      rt.check(ex.rnnlab_ridge_create(ms.ptr, ridge, washout, p, p + 4, ERRLEN), 'buffer', p + 4);
      return new Ridge(model, ms, rt.u32(p, 1)[0], hooks, false);
    } finally { rt.free(p); }
  };
  /** @param {Uint8Array} src */
  const loadRidge = (src) => {
    const n = src.length, at = Math.ceil(n / 16) * 16, p = rt.alloc(at + 8 + ERRLEN);
    let m = 0, r = 0;
    try {
      rt.u8(p, n).set(src);
      rt.u32(p + at, 2).fill(0), rt.u8(p + at + 8, 1)[0] = 0;
      const status = ex.rnnlab_ridge_load(p, n, p + at, p + at + 4, p + at + 8, ERRLEN);
      [m, r] = rt.u32(p + at, 2);
      if (status) { if (r) ex.rnnlab_ridge_free(r); if (m) ex.rnnlab_model_free(m); rt.check(status, 'buffer', p + at + 8); }
    } finally { rt.free(p); }
    let model;
    try { model = hooks.wrapModel(m); } catch (e) { ex.rnnlab_ridge_free(r); throw e; }
    return new Ridge(model, hooks.modelState(model), r, hooks, true);
  };
  Object.defineProperty(lab, 'createRidge', { value: createRidge, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(lab, 'loadRidge', { value: loadRidge, writable: true, configurable: true, enumerable: false });
}
