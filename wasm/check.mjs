// @ts-check
/**
 * check.mjs - the small argument helpers every module of the wrapper shares: how an error is
 * thrown (fail, always 'rnnlab: ...'), how a value appears in a message (show), and the two
 * checks every module needs (isObject, checkInt). Turning C statuses into exceptions is not here:
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
