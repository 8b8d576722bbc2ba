// @ts-check
/**
 * check.mjs - the small argument helpers every module of the wrapper shares: how an error is
 * thrown (fail, always 'rnnlab: ...'), how a value appears in a message (show), and the two
 * checks every module needs (isObject, checkInt, checkSeed), and where the module runs (isNode). Turning C statuses into exceptions is not here:
 * that is rnnlab.mjs Runtime.check, the one place.
 */

/** @param {string} msg @returns {never} */
export function fail(msg) { throw new Error(`rnnlab: ${msg}`); }

/** A value as it appears in a message. @param {unknown} v @returns {string} */
export function show(v) {
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '...' : v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `[${v.slice(0, 4).map(show).join(', ')}${v.length > 4 ? ', ...' : ''}]`;
  if (v !== null && typeof v === 'object') return Object.prototype.toString.call(v).slice(8, -1);
  return String(v);
}

/** A plain options-like object (not an array or typed array). @param {unknown} v @returns {v is Record<string, any>} */
export const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

/** @param {string} name @param {unknown} v @param {number} lo @param {number} hi @returns {number} */
export function checkInt(name, v, lo, hi) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) fail(`${name} must be an integer in ${lo}..${hi} (got ${show(v)})`);
  return v;
}

/** seed -> [lo, hi] 32-bit words. @param {string} name @param {unknown} v @returns {[number, number]} */
export function checkSeed(name, v) {
  if (typeof v === 'bigint') {
    if (v < 0n || v >= 1n << 64n) fail(`${name} must be in 0..2^64-1 (got ${show(v)})`);
    return [Number(v & 0xffffffffn), Number(v >> 32n)];
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    fail(`${name} must be an integer in 0..2^53-1 or a BigInt (got ${show(v)})`);
  }
  return [v % 2 ** 32, Math.floor(v / 2 ** 32)];
}

/** Running under Node (file URLs are read from disk there). */
export const isNode = () => typeof (/** @type {any} */ (globalThis).process?.versions?.node) === 'string';
