// @ts-check
/**
 * ising.mjs - the 2-D Ising model for the rnnlab wrapper (core/energy/ising.c):
 * lab.createIsing({ size, coupling, field, seed, start }) and the Ising class.
 *
 * An L x L periodic lattice of spins +-1 (not 0/1), E = -J sum_<ij> s_i s_j - h sum_i s_i over
 * the 2 L^2 nearest-neighbour bonds; names: size = L, coupling = J (default 1), field = h
 * (default 0). Samplers 'metropolis' and 'heatbath' (Glauber), a sweep = L^2 single-spin updates
 * (Metropolis at sites drawn at random, heat bath in typewriter order: core/energy/ising.c says
 * why). Per site: magnetisation m, energy e. Onsager's T_c = 2J / ln(1 + sqrt 2)
 * (2.269 for J = 1) is ising.criticalTemperature.
 *
 * Owns: the object, argument checks, the temperature scan (one rnnlab_ising_measure per
 * temperature, on the same lattice, in the order given). Does not own: statuses -> exceptions
 * (rnnlab.mjs Runtime.check). Views of wasm memory are never kept across calls.
 */
import { checkInt, checkSeed, fail, isObject, show } from './check.mjs';
import { live, checkStatus, defineLab, requireExports, release } from './energy-common.mjs';
import { HANDLES } from './handles.mjs';
import { ERRLEN } from './names.mjs';

const ISING_EXPORTS = ['rnnlab_ising_create', 'rnnlab_ising_free', 'rnnlab_ising_error', 'rnnlab_ising_size', 'rnnlab_ising_get_spins',
  'rnnlab_ising_set_spins', 'rnnlab_ising_magnetization', 'rnnlab_ising_energy', 'rnnlab_ising_sweep', 'rnnlab_ising_measure',
  'rnnlab_ising_exact'];

/** Onsager's critical temperature of the square lattice for J = 1: 2 / ln(1 + sqrt 2) */
export const ISING_TC = 2 / Math.log(1 + Math.SQRT2);
/** rnnlab_ising_method */
export const ISING_METHODS = Object.freeze(['metropolis', 'heatbath']);
/** the lattice sizes the engine takes (RNNLAB_ISING_MIN_SIZE, _MAX_SIZE) and the exact limit (L^2 <= 20) */
export const ISING_LIMITS = Object.freeze({ minSize: 2, maxSize: 2048, maxExactSites: 20 });
/** start: the 3rd argument of rnnlab_ising_create */
const STARTS = Object.freeze({ random: 0, up: 1, down: -1 });
/** rnnlab_ising_result */
const RESULT_FIELDS = /** @type {const} */ ([['temperature', 'f32'], ['abs_magnetization', 'f32'], ['abs_magnetization_error', 'f32'],
  ['magnetization', 'f32'], ['magnetization_error', 'f32'], ['energy', 'f32'], ['energy_error', 'f32'], ['susceptibility', 'f32'],
  ['specific_heat', 'f32'], ['acceptance', 'f32'], ['sweeps', 'i32']]);

/** @param {string} fn @param {Record<string, unknown>} o @param {string[]} known */
function onlyKeys(fn, o, known) {
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(`${fn}: unknown option '${k}' (known: ${known.join(', ')})`);
}

/** @param {string} name @param {unknown} v */
function checkTemperature(name, v) {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(Math.fround(v)) || Math.fround(v) === 0) fail(`${name} must be a finite number > 0 (got ${show(v)})`);
  return v;
}

/** @param {string} name @param {unknown} v */
function checkMethod(name, v) {
  const m = ISING_METHODS.indexOf(/** @type {any} */ (v ?? 'metropolis'));
  if (m < 0) fail(`${name} must be ${ISING_METHODS.map((x) => `'${x}'`).join(' or ')} (got ${show(v)})`);
  return m;
}

/** @param {Record<string, number>} r @returns {import('./rnnlab.d.ts').IsingMeasurement} */
const readResult = (r) => Object.freeze({
  temperature: r.temperature, absMagnetization: r.abs_magnetization, absMagnetizationError: r.abs_magnetization_error,
  magnetization: r.magnetization, magnetizationError: r.magnetization_error, energy: r.energy, energyError: r.energy_error,
  susceptibility: r.susceptibility, specificHeat: r.specific_heat, acceptance: r.acceptance, sweeps: r.sweeps,
});

/** @typedef {{ rt: any, ptr: number, L: number, J: number, h: number }} IsingState */

class Ising {
  #s;
  static { HANDLES.ising.define((x) => (x !== null && typeof x === 'object' && #s in x ? x.#s : undefined)); }

  /** @param {IsingState} s */
  constructor(s) { this.#s = s; }

  #live() { return live(this.#s, 'the Ising lattice'); }

  /** @param {number} status */
  #check(status) { checkStatus(this.#s, status, 'rnnlab_ising_error'); }

  /** L: the lattice is L x L */
  get size() { return this.#live().L; }
  /** L^2 */
  get sites() { return this.#live().L ** 2; }
  /** J (float32 as stored) */
  get coupling() { return this.#live().J; }
  /** h (float32 as stored) */
  get field() { return this.#live().h; }
  get freed() { return this.#s.ptr === 0; }
  /** Onsager's T_c = 2J / ln(1 + sqrt 2) of the infinite lattice (h = 0); 2.269 for J = 1 */
  get criticalTemperature() { return Math.abs(this.#live().J) * ISING_TC; }
  /** m per site of the current lattice */
  get magnetization() { return this.#s.rt.ex.rnnlab_ising_magnetization(this.#live().ptr); }
  /** e per site of the current lattice */
  get energy() { return this.#s.rt.ex.rnnlab_ising_energy(this.#live().ptr); }

  /** A copy of the spins, L x L row-major, +-1 (for drawing: one byte per site). */
  get lattice() {
    const s = this.#live(), rt = s.rt, N = s.L * s.L;
    const p = rt.alloc(N);
    try {
      this.#check(rt.ex.rnnlab_ising_get_spins(s.ptr, p));
      return new Int8Array(rt.memory.buffer.slice(p, p + N));
    } finally { rt.free(p); }
  }

  /** Sets every spin (L x L, +-1). @param {Int8Array} spins */
  setLattice(spins) {
    const s = this.#live(), rt = s.rt, N = s.L * s.L;
    if (Object.prototype.toString.call(spins) !== '[object Int8Array]') fail(`setLattice: spins must be an Int8Array of ${N} values +1 or -1 (got ${show(spins)})`);
    if (spins.length !== N) fail(`setLattice: spins has ${spins.length} values, the ${s.L} x ${s.L} lattice has ${N}`);
    for (let i = 0; i < N; i++) if (spins[i] !== 1 && spins[i] !== -1) fail(`setLattice: spins[${i}] = ${spins[i]}: spins must be +1 or -1`);
    const p = rt.alloc(N);
    try {
      new Int8Array(rt.memory.buffer, p, N).set(spins);
      this.#check(rt.ex.rnnlab_ising_set_spins(s.ptr, p));
    } finally { rt.free(p); }
  }

  /**
   * `sweeps` sweeps at a temperature. Returns the lattice's m and e per site afterwards and the
   * fraction of single-spin updates that changed a spin.
   * @param {{ temperature: number, sweeps?: number, method?: 'metropolis' | 'heatbath' }} options
   */
  sweep(options) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`sweep: options must be an object (got ${show(options)})`);
    onlyKeys('sweep', options, ['temperature', 'sweeps', 'method']);
    const T = checkTemperature('sweep: options.temperature', options.temperature);
    const sweeps = checkInt('sweep: options.sweeps', options.sweeps ?? 1, 1, 1 << 24);
    const method = checkMethod('sweep: options.method', options.method);
    const p = rt.alloc(4);
    try {
      this.#check(rt.ex.rnnlab_ising_sweep(s.ptr, T, sweeps, method, p));
      return { magnetization: this.magnetization, energy: this.energy, acceptance: rt.f32(p, 1)[0] };
    } finally { rt.free(p); }
  }

  /**
   * burnIn sweeps, then `sweeps` sweeps each measured: means of |m|, m and e with one standard
   * error by batch means over `blocks` blocks, susceptibility, specific heat, acceptance.
   * @param {{ temperature: number, sweeps?: number, burnIn?: number, blocks?: number, method?: 'metropolis' | 'heatbath' }} options
   */
  measure(options) {
    this.#live();
    if (!isObject(options)) fail(`measure: options must be an object (got ${show(options)})`);
    onlyKeys('measure', options, ['temperature', 'sweeps', 'burnIn', 'blocks', 'method']);
    return this.#measure('measure', checkTemperature('measure: options.temperature', options.temperature), options);
  }

  /** @param {string} fn @param {number} T @param {Record<string, unknown>} o */
  #measure(fn, T, o) {
    const s = this.#live(), rt = s.rt;
    const blocks = checkInt(`${fn}: options.blocks`, o.blocks ?? 10, 2, 1 << 20);
    const sweeps = checkInt(`${fn}: options.sweeps`, o.sweeps ?? 1000, blocks, 1 << 24);
    const burnIn = checkInt(`${fn}: options.burnIn`, o.burnIn ?? 200, 0, 1 << 24);
    const method = checkMethod(`${fn}: options.method`, o.method);
    const p = rt.alloc(4 * RESULT_FIELDS.length);
    try {
      this.#check(rt.ex.rnnlab_ising_measure(s.ptr, T, method, burnIn, sweeps, blocks, p));
      return readResult(rt.readStruct(p, RESULT_FIELDS));
    } finally { rt.free(p); }
  }

  /**
   * A temperature scan: measure() at each temperature in the order given, on this lattice (each
   * starts from where the last one left it: give them from low to high from an ordered start, or
   * from high to low to anneal). Returns one measurement per temperature.
   * @param {{ temperatures: ArrayLike<number>, sweeps?: number, burnIn?: number, blocks?: number, method?: 'metropolis' | 'heatbath' }} options
   */
  scan(options) {
    this.#live();
    if (!isObject(options)) fail(`scan: options must be an object (got ${show(options)})`);
    onlyKeys('scan', options, ['temperatures', 'sweeps', 'burnIn', 'blocks', 'method']);
    const Ts = /** @type {unknown} */ (options.temperatures);
    if (!Array.isArray(Ts) && !(ArrayBuffer.isView(Ts) && !(Ts instanceof DataView))) fail(`scan: options.temperatures must be an array of temperatures (got ${show(Ts)})`);
    const list = Array.from(/** @type {ArrayLike<number>} */ (Ts));
    if (list.length === 0) fail('scan: options.temperatures is empty');
    list.forEach((T, i) => checkTemperature(`scan: options.temperatures[${i}]`, T));
    return list.map((T) => this.#measure('scan', T, options));
  }

  /**
   * The exact averages at a temperature by enumerating all 2^(L^2) states (L <= 4); errors 0.
   * @param {{ temperature: number }} options
   */
  exact(options) {
    const s = this.#live(), rt = s.rt;
    if (!isObject(options)) fail(`exact: options must be an object (got ${show(options)})`);
    onlyKeys('exact', options, ['temperature']);
    const T = checkTemperature('exact: options.temperature', options.temperature);
    if (s.L * s.L > ISING_LIMITS.maxExactSites) fail(`exact: a ${s.L} x ${s.L} lattice: exact enumeration needs 2^${s.L * s.L} states, the limit is 2^${ISING_LIMITS.maxExactSites}`);
    const p = rt.alloc(4 * RESULT_FIELDS.length);
    try {
      this.#check(rt.ex.rnnlab_ising_exact(s.ptr, T, p));
      return readResult(rt.readStruct(p, RESULT_FIELDS));
    } finally { rt.free(p); }
  }

  /**
   * Onsager's spontaneous magnetisation of the infinite lattice at T (h = 0):
   * (1 - sinh(2J/T)^-4)^(1/8) below T_c, 0 above. @param {number} temperature
   */
  onsagerMagnetization(temperature) {
    const T = checkTemperature('onsagerMagnetization: temperature', temperature), J = Math.abs(this.#live().J);
    if (T >= J * ISING_TC) return 0;
    return (1 - Math.sinh(2 * J / T) ** -4) ** 0.125;
  }

  /** Frees the C object (idempotent). */
  free() { release(this.#s, 'rnnlab_ising_free'); }
}

/**
 * Called by rnnlab.mjs for each new lab, before it is frozen: defines lab.createIsing.
 * @param {object} lab @param {any} rt
 */
export function installIsing(lab, rt) {
  const ex = rt.ex;
  requireExports(ex, ISING_EXPORTS);
  /**
   * An L x L periodic Ising lattice. start: 'random' (default, from the seed), 'up' or 'down'.
   * @param {{ size: number, coupling?: number, field?: number, seed?: number | bigint, start?: 'random' | 'up' | 'down' }} options
   */
  const createIsing = (options) => {
    if (!isObject(options)) fail(`createIsing: options must be an object (got ${show(options)})`);
    onlyKeys('createIsing', options, ['size', 'coupling', 'field', 'seed', 'start']);
    const L = checkInt('createIsing: options.size', options.size, ISING_LIMITS.minSize, ISING_LIMITS.maxSize);
    const J = options.coupling ?? 1, h = options.field ?? 0;
    if (typeof J !== 'number' || !Number.isFinite(Math.fround(J))) fail(`createIsing: options.coupling must be a finite number (got ${show(J)})`);
    if (typeof h !== 'number' || !Number.isFinite(Math.fround(h))) fail(`createIsing: options.field must be a finite number (got ${show(h)})`);
    const [lo, hi] = checkSeed('createIsing: options.seed', options.seed ?? 1);
    const start = options.start ?? 'random';
    if (typeof start !== 'string' || !Object.hasOwn(STARTS, start)) fail(`createIsing: options.start must be 'random', 'up' or 'down' (got ${show(start)})`);
    const p = rt.alloc(4 + ERRLEN);
    let ptr = 0;
    try {
      rt.u32(p, 1)[0] = 0;
      rt.u8(p + 4, 1)[0] = 0;
      rt.check(ex.rnnlab_ising_create(L, J, h, STARTS[/** @type {'random' | 'up' | 'down'} */ (start)], lo, hi, p, p + 4, ERRLEN), 'buffer', p + 4);
      ptr = rt.u32(p, 1)[0];
      if (!ptr) fail('rnnlab_ising_create returned no lattice');
    } finally { rt.free(p); }
    return new Ising({ rt, ptr, L, J: Math.fround(J), h: Math.fround(h) });
  };
  defineLab(lab, { createIsing });
}
