// @ts-check
/**
 * energy-common.mjs - what the wrappers of the energy-based nets (hopfield.mjs, rbm.mjs, dbn.mjs,
 * boltzmann.mjs, ising.mjs, patterns.mjs) share, so each says only what is its own:
 *
 *   live(s, 'rbm')                          // the handle's state, or throws 'rbm has been freed'
 *   checkStatus(s, status, 'rnnlab_rbm_error')   // a C status -> rt.check with the object's message
 *   saveBytes(rt, n, (p) => status)          // n bytes written at p by C, copied out
 *   loadHandle(rt, 'loadRBM', bytes, {...})  // bytes in, a C pointer out (or an Error)
 *   fileBytes('loadRBM', bytes)              // Uint8Array | ArrayBuffer -> Uint8Array, or throws
 *   defineLab(lab, { createRBM, loadRBM })   // non-enumerable lab methods
 *   requireExports(ex, NAMES); release(s, 'rnnlab_rbm_free'); trainingOption(options, onlyKeys)
 *
 * Owns: the handle lifetime and bytes-in / bytes-out patterns. Does not own: any public name or
 * message (the callers pass theirs, unchanged), statuses -> exceptions (rt.check, the one
 * place), the argument checks (check.mjs, rbm.mjs). No view of wasm memory outlives a call.
 */
import { fail, isObject, show } from './check.mjs';
import { ERRLEN } from './names.mjs';

/**
 * The live state of a handle (its C pointer not yet freed), else an Error `${what} has been freed`.
 * @template {{ ptr: number }} S @param {S} s @param {string} what @returns {S}
 */
export function live(s, what) {
  if (!s.ptr) fail(`${what} has been freed`);
  return s;
}

/**
 * A C status of the object: 0 passes; anything else throws through rt.check with the object's
 * last-error message (read by the export errorExport, e.g. 'rnnlab_rbm_error').
 * @param {{ rt: any, ptr: number }} s @param {number} status @param {string} errorExport
 */
export function checkStatus(s, status, errorExport) {
  s.rt.check(status, 'buffer', status ? s.rt.ex[errorExport](s.ptr) >>> 0 : 0);
}

/**
 * Bytes out of C: n bytes allocated, write(p) fills them (it throws on a bad status), then copied
 * out before the block is freed. @param {any} rt @param {number} n @param {(p: number) => void} write
 * @returns {Uint8Array}
 */
export function saveBytes(rt, n, write) {
  const p = rt.alloc(n);
  try {
    write(p);
    return rt.u8(p, n).slice();
  } finally { rt.free(p); }
}

/**
 * A load's argument as bytes: a Uint8Array (or any view) or an ArrayBuffer, else an Error naming fn.
 * @param {string} fn @param {unknown} bytes @returns {Uint8Array}
 */
export function fileBytes(fn, bytes) {
  if (bytes instanceof ArrayBuffer || Object.prototype.toString.call(bytes) === '[object ArrayBuffer]') return new Uint8Array(/** @type {ArrayBuffer} */ (bytes));
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return fail(`${fn}: bytes must be a Uint8Array or ArrayBuffer (got ${show(bytes)})`);
}

/**
 * Bytes in, a C object out: the bytes copied into wasm memory with a pointer slot and an error
 * buffer after them, load(p, n, out, err, ERRLEN) called, a pointer it left despite a failing
 * status freed (o.free), the status checked (its message from the error buffer), and a zero
 * pointer refused with o.none. o.empty: the message for zero bytes (null: C judges them).
 * @param {any} rt @param {string} fn
 * @param {unknown} bytes
 * @param {{ empty: string | null, none: string, load: (p: number, n: number, out: number, err: number, errlen: number) => number,
 *   free?: (ptr: number) => void }} o
 * @returns {number} the pointer
 */
export function loadHandle(rt, fn, bytes, o) {
  const src = fileBytes(fn, bytes);
  if (src.length === 0 && o.empty !== null) fail(o.empty);
  const n = src.length, at = Math.ceil(n / 16) * 16;
  const p = rt.alloc(at + 4 + ERRLEN);
  let ptr = 0;
  try {
    rt.u8(p, n).set(src);
    rt.u32(p + at, 1)[0] = 0;
    rt.u8(p + at + 4, 1)[0] = 0;
    const status = o.load(p, n, p + at, p + at + 4, ERRLEN);
    ptr = rt.u32(p + at, 1)[0];
    if (status !== 0 && ptr) { o.free?.(ptr); ptr = 0; }
    rt.check(status, 'buffer', p + at + 4);
    if (!ptr) fail(o.none);
  } finally { rt.free(p); }
  return ptr;
}

/** Defines each value as a lab method: writable, configurable, not enumerable (the lab is frozen after).
 * @param {object} lab @param {Record<string, unknown>} methods */
export function defineLab(lab, methods) {
  for (const [name, value] of Object.entries(methods)) Object.defineProperty(lab, name, { value, writable: true, configurable: true, enumerable: false });
}

/** Refuses a wasm module without every export a wrapper calls (a stale build).
 * @param {Record<string, unknown>} ex @param {readonly string[]} names */
export function requireExports(ex, names) {
  const absent = names.filter((n) => !(n in ex));
  if (absent.length) fail(`the wasm module lacks exports ${absent.join(', ')} (stale build? run make)`);
}

/** Frees a handle's C object once (free() is idempotent): freeExport names the C function.
 * @param {{ rt: any, ptr: number }} s @param {string} freeExport */
export function release(s, freeExport) {
  if (!s.ptr) return;
  s.rt.ex[freeExport](s.ptr);
  s.ptr = 0;
}

/** save()'s options of the RBM-like nets: { training?: boolean } (default true), checked by name.
 * @param {unknown} options @param {(fn: string, o: Record<string, unknown>, known: readonly string[]) => void} onlyKeys
 * @returns {boolean} */
export function trainingOption(options, onlyKeys) {
  if (!isObject(options)) fail(`save: options must be an object (got ${show(options)})`);
  const o = /** @type {Record<string, unknown>} */ (options);
  onlyKeys('save', o, ['training']);
  const training = o.training ?? true;
  if (typeof training !== 'boolean') fail(`save: options.training must be true or false (got ${show(training)})`);
  return training;
}
