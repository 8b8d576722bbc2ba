// @ts-check
/**
 * patterns.mjs - binary pattern sets for the energy family (core/energy/patterns.c):
 * lab.patterns(kind, options).
 *
 *   lab.patterns('bars-and-stripes', { n })            all 2^(n+1) - 2 distinct n x n patterns
 *   lab.patterns('digits', { count, noise, seed })     the built-in 5 x 7 font's 0-9, pixels flipped with probability noise
 *   lab.patterns('random', { rows, size, p, seed })    independent bits, each 1 with probability p
 *
 * Every kind returns { kind, rows, size, width, height, data: Float32Array (rows x size, 0/1,
 * row-major: pixel (y, x) of row r at r*size + y*width + x) }; digits also labels (Int32Array,
 * the digit of each row: row r shows r mod 10). Generated in C from the seed, so the same options
 * give the same bits in every build. A set is what rbm.step, rbm.logLikelihood and the other
 * energy learners take as a batch.
 * Your own vectors (pure JS, no wasm: also exported by rnnlab.mjs):
 *   patternsFromText(text, { width, height, binary })   one vector per CSV row, through the
 *                                                         sequence loader (csv.mjs, its 'wide' layout)
 * Owns: the options and their validation. Does not own: the generators (C), parsing (csv.mjs),
 * statuses -> exceptions (rt.check).
 */
import { checkInt, checkSeed, fail, isObject, show } from './check.mjs';
import { parseSequences } from './csv.mjs';
import { defineLab, requireExports } from './energy-common.mjs';
import { ERRLEN } from './names.mjs';

/** the pattern kinds, in rnnlab_patterns_kind order */
export const PATTERN_KINDS = Object.freeze(['bars-and-stripes', 'digits', 'random']);

/** @type {ReadonlyArray<readonly [string, 'i32' | 'u32' | 'f32']>} rnnlab_patterns_config */
const FIELDS = [['kind', 'i32'], ['n', 'i32'], ['count', 'i32'], ['noise', 'f32'], ['rows', 'i32'], ['size', 'i32'],
  ['p', 'f32'], ['seed_lo', 'u32'], ['seed_hi', 'u32']];
/** @type {Readonly<Record<string, readonly string[]>>} the options each kind takes */
const KEYS = Object.freeze({ 'bars-and-stripes': ['n'], digits: ['count', 'noise', 'seed'], random: ['rows', 'size', 'p', 'seed'] });
const EXPORTS = ['rnnlab_patterns_config_default', 'rnnlab_patterns_shape', 'rnnlab_patterns_generate', 'rnnlab_patterns_layout'];

/** @param {string} name @param {unknown} v */
function checkProbability(name, v) {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`${name} must be a number in [0, 1] (got ${show(v)})`);
  return v;
}

/**
 * Visible vectors from CSV text, one vector per row, read by the sequence loader (parseSequences,
 * its 'wide' layout: a row is a sequence of one-value steps, its last field the target, which
 * here is the vector's last value; its messages name the line). Every row must have as many
 * values; a header row is allowed. binary (default: whether every value is 0 or 1): true refuses
 * any other value naming the row and column; false keeps real values (for gaussian visibles).
 * width x height (default size x 1) lays the values out as an image for the page's tiles.
 * @param {string} text
 * @param {{ width?: number, height?: number, binary?: boolean }} [options]
 * @returns {{ kind: 'text', rows: number, size: number, width: number, height: number, binary: boolean, data: Float32Array }}
 */
export function patternsFromText(text, options = {}) {
  if (!isObject(options)) fail(`patternsFromText: options must be an object (got ${show(options)})`);
  for (const k of Object.keys(options)) if (!['width', 'height', 'binary'].includes(k)) fail(`patternsFromText: unknown option '${k}' (known: width, height, binary)`);
  if (options.binary !== undefined && typeof options.binary !== 'boolean') fail(`patternsFromText: options.binary must be true or false (got ${show(options.binary)})`);
  const ds = parseSequences(text, { format: 'wide', kind: 'regression', targetAt: 'end' });
  const seqs = ds.sequences, size = seqs[0].length + 1;
  for (const q of seqs) {
    if (q.length + 1 !== size) fail(`patternsFromText: line ${q.line} has ${q.length + 1} values, line ${seqs[0].line} has ${size}: every vector needs as many`);
  }
  const data = new Float32Array(seqs.length * size);
  seqs.forEach((q, r) => {
    for (let t = 0; t < q.length; t++) data[r * size + t] = q.x[t];
    data[r * size + size - 1] = q.y[0];
  });
  const isBit = (/** @type {number} */ v) => v === 0 || v === 1;
  const binary = options.binary ?? data.every(isBit);
  if (binary) {
    const i = data.findIndex((v) => !isBit(v));
    if (i >= 0) fail(`patternsFromText: binary vectors hold 0 or 1: line ${seqs[Math.floor(i / size)].line}, value ${(i % size) + 1} is ${data[i]}`);
  }
  const width = options.width === undefined ? (options.height === undefined ? size : size / options.height) : options.width;
  const height = options.height ?? size / width;
  checkInt('patternsFromText: options.width', width, 1, size);
  checkInt('patternsFromText: options.height', height, 1, size);
  if (width * height !== size) fail(`patternsFromText: options.width x options.height must be the ${size} values of a row (got ${width} x ${height})`);
  return { kind: 'text', rows: seqs.length, size, width, height, binary, data };
}

/**
 * Called by rnnlab.mjs for each new lab, before it is frozen: defines lab.patterns.
 * @param {object} lab @param {any} rt
 */
export function installPatterns(lab, rt) {
  const ex = rt.ex;
  requireExports(ex, EXPORTS);
  if (ex.rnnlab_patterns_layout(-1) !== 4 * FIELDS.length || FIELDS.some((_, i) => ex.rnnlab_patterns_layout(i) !== 4 * i)) {
    fail('rnnlab_patterns_config layout mismatch between patterns.mjs and the C core');
  }
  const bytes = 4 * FIELDS.length;
  /** @type {Readonly<Record<string, number>>} */
  let defaults;
  {
    const p = rt.alloc(bytes);
    try { ex.rnnlab_patterns_config_default(p); defaults = Object.freeze(rt.readStruct(p, FIELDS)); } finally { rt.free(p); }
  }

  /**
   * @param {'bars-and-stripes' | 'digits' | 'random'} kind
   * @param {{ n?: number, count?: number, noise?: number, seed?: number | bigint, rows?: number, size?: number, p?: number }} [options]
   */
  const patterns = (kind, options = {}) => {
    const k = PATTERN_KINDS.indexOf(/** @type {any} */ (kind));
    if (k < 0) fail(`patterns: kind must be one of ${PATTERN_KINDS.map((x) => `'${x}'`).join(', ')} (got ${show(kind)})`);
    if (!isObject(options)) fail(`patterns: options must be an object (got ${show(options)})`);
    const fn = `patterns('${kind}')`, known = KEYS[kind];
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) fail(`${fn}: unknown option '${key}' (known: ${known.join(', ')})`);
    }
    const o = /** @type {Record<string, unknown>} */ (options);
    /** @type {Record<string, number>} */
    const raw = { ...defaults, kind: k };
    if (o.n !== undefined) raw.n = checkInt(`${fn}: options.n`, o.n, 1, 12);
    if (o.count !== undefined) raw.count = checkInt(`${fn}: options.count`, o.count, 1, 2 ** 31 - 1);
    if (o.noise !== undefined) raw.noise = checkProbability(`${fn}: options.noise`, o.noise);
    if (o.rows !== undefined) raw.rows = checkInt(`${fn}: options.rows`, o.rows, 1, 2 ** 31 - 1);
    if (o.size !== undefined) raw.size = checkInt(`${fn}: options.size`, o.size, 1, 2 ** 31 - 1);
    if (o.p !== undefined) raw.p = checkProbability(`${fn}: options.p`, o.p);
    if (o.seed !== undefined) [raw.seed_lo, raw.seed_hi] = checkSeed(`${fn}: options.seed`, o.seed);
    const p = rt.alloc(bytes + 12 + ERRLEN);
    let rows, width, height;
    try {
      rt.writeStruct(p, FIELDS, raw);
      rt.u8(p + bytes + 12, 1)[0] = 0;
      rt.check(ex.rnnlab_patterns_shape(p, p + bytes, p + bytes + 4, p + bytes + 8, p + bytes + 12, ERRLEN), 'buffer', p + bytes + 12);
      [rows, width, height] = rt.i32(p + bytes, 3);
    } finally { rt.free(p); }
    const size = width * height;
    const q = rt.alloc(bytes + 4 * rows * size + 4 * rows + ERRLEN);
    try {
      rt.writeStruct(q, FIELDS, raw);
      const d = q + bytes, l = d + 4 * rows * size, e = l + 4 * rows;
      rt.u8(e, 1)[0] = 0;
      rt.check(ex.rnnlab_patterns_generate(q, d, l, e, ERRLEN), 'buffer', e);
      /** @type {any} */
      const out = { kind, rows, size, width, height, data: rt.f32(d, rows * size).slice() };
      if (kind === 'digits') out.labels = rt.i32(l, rows).slice();
      return out;
    } finally { rt.free(q); }
  };
  defineLab(lab, { patterns, patternKinds: PATTERN_KINDS, patternsFromText });
}
