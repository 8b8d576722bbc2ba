// @ts-check
/**
 * csv.mjs - your own numeric sequences: parses CSV or JSON text into sequences of input vectors
 * with targets, splits them into train / held-out by a seed, and standardises them with
 * statistics of the training split only. Pure JS, no wasm and no node: imports, so a page or a
 * Worker can parse a file before any model exists (wasm/csvtask.mjs turns the result into a task).
 *
 * Owns: the two CSV layouts and the JSON one (below), header detection, column selection, target
 * kind (regression or classification), the limits and every message about a bad file (they name
 * the line, or the sequence and step for JSON), the seeded split and the standardisation.
 * Does not own: reading files (the CLI reads, the page's file picker reads), models or training.
 *
 * Layouts (options.format; default: 'json' when the text starts with '[', else 'long' when the
 * header has an id column (id, seq, sequence, series; or options.id is given), else 'wide'):
 *   long  one time step per row; a sequence-id column; rows of a sequence in time order (they need
 *         not be adjacent). Inputs: every column but the id and the target unless options.inputs.
 *           seq,x,y            targetAt 'step' (the default): every row's target is scored;
 *           a,0.1,0.2          targetAt 'end': only the last row's (earlier target fields may be empty)
 *   wide  one sequence per row, one input feature: every field is a time step except the target
 *         column (default the last; 'first' or a name/index). Trailing empty fields are ignored;
 *         without a header rows may have different lengths (variable-length sequences), with one
 *         every row must match it. The target is at the end.
 *   json  an array of sequences; a sequence is either an array of steps or { inputs: steps,
 *         target: y } (one target at the end) or { inputs: steps, targets: [y per step] }.
 *         A step is a number (one input), an array of numbers, or an object of named fields
 *         ({ x: 1, y: 2, label: 'a' }: then options.inputs / target pick fields by name, as for
 *         a CSV with a header; default target: the last key of the first step).
 * Lines that are empty or start with '#' are skipped. Fields may be quoted ("a,b", "" for ").
 * The delimiter is ',' unless the first line has none and has tabs or ';' (or options.delimiter).
 * Header: the first row is a header when none of its fields is a number and a later row has a
 * number in one of those columns (options.header: true / false forces it).
 * Columns are chosen by header name or by 0-based index; messages name them by name, else as
 * "field N" (1-based, as a spreadsheet user counts).
 * Targets: all numbers -> 'regression' (squared error); otherwise 'classification' with the labels
 * sorted (numerically when they all are numbers, else by code unit). options.kind forces either.
 */

import { fail, isObject, show } from './check.mjs';

/** The limits a page can hold comfortably (a file beyond them is refused with the limit stated). */
export const LIMITS = Object.freeze({
  bytes: 5_000_000, sequences: 20_000, steps: 2_000, values: 4_000_000, inputs: 64, classes: 100,
});

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');
/** A decimal number as text: digits, optional point, optional exponent (no hex, no 'Infinity'). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NONFINITE = /^[+-]?(nan|inf|infinity)$/i;
/** the largest float32: a value beyond it cannot reach the engine (and its square overflows the statistics) */
const FLT_MAX = 3.4028234663852886e38;
const ID_NAMES = ['id', 'seq', 'sequence', 'series', 'sequence_id', 'seq_id'];
const KEYS = ['format', 'header', 'delimiter', 'id', 'inputs', 'target', 'targetAt', 'kind'];

/**
 * @typedef {object} Sequence
 * @property {string} id
 * @property {number} length  time steps T
 * @property {Float64Array} x  (T, I) inputs, original units
 * @property {Float64Array} y  targets: (T) with targetAt 'step', (1) with 'end'; regression: the
 *   values, classification: class indices into labels
 * @property {number} line  where it starts (1-based line; JSON: 0)
 */
/**
 * @typedef {object} Dataset  what parseSequences returns (plain data: structured-cloneable)
 * @property {'long' | 'wide' | 'json'} format
 * @property {string[]} inputNames
 * @property {string} targetName
 * @property {'regression' | 'classification'} kind
 * @property {'step' | 'end'} targetAt
 * @property {string[]} labels  classification: the class names, index = class id; regression: []
 * @property {Sequence[]} sequences
 * @property {number} maxLength
 */

/** A message about a place in the input. @param {string} where @param {string} msg @returns {never} */
const bad = (where, msg) => fail(`${where}: ${msg}`);

/**
 * Records of a CSV text: fields per record with the line the record starts on.
 * @param {string} text @param {string} delim
 * @returns {{ line: number, fields: string[] }[]}
 */
function records(text, delim) {
  /** @type {{ line: number, fields: string[] }[]} */
  const out = [];
  const n = text.length;
  let i = 0, line = 1;
  while (i < n) {
    const start = line;
    // skip comment lines and blank lines
    if (text[i] === '#') { while (i < n && text[i] !== '\n') i++; i++, line++; continue; }
    /** @type {string[]} */
    const fields = [];
    let field = '', quoted = false, endOfRecord = false;
    while (i < n && !endOfRecord) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          quoted = false; i++; continue;
        }
        if (c === '\n') line++;
        field += c; i++; continue;
      }
      if (c === '"' && field.trim() === '') { quoted = true; field = ''; i++; continue; }
      if (c === delim) { fields.push(field); field = ''; i++; continue; }
      if (c === '\r' && text[i + 1] === '\n') { i++; continue; }
      if (c === '\n' || c === '\r') { endOfRecord = true; i++; line++; continue; }
      field += c; i++;
    }
    if (quoted) bad(`csv line ${start}`, 'a quoted field is not closed');
    fields.push(field);
    if (fields.length === 1 && fields[0].trim() === '') continue; // blank line
    out.push({ line: start, fields: fields.map((f) => f.trim()) });
  }
  return out;
}

/** @param {string} s */
const isNumber = (s) => NUMBER.test(s) && Number.isFinite(Number(s));

/**
 * A field as a finite number, or a message naming where it is.
 * @param {string | number | unknown} v @param {string} where
 */
function toNumber(v, where) {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) bad(where, `${v} is not a finite number`);
    if (Math.abs(v) > FLT_MAX) bad(where, `${v} is too large for the engine's 32-bit floats (at most ${FLT_MAX.toPrecision(5)} in magnitude)`);
    return v;
  }
  if (typeof v !== 'string') bad(where, `${show(v)} is not a number`);
  const s = /** @type {string} */ (v);
  if (s === '') bad(where, 'empty where a number is needed');
  if (NONFINITE.test(s)) bad(where, `"${s}" is not a finite number (NaN and infinities are refused)`);
  if (!NUMBER.test(s)) bad(where, `"${s.length > 40 ? s.slice(0, 40) + '...' : s}" is not a number`);
  const x = Number(s);
  if (!Number.isFinite(x)) bad(where, `"${s}" is too large (not a finite number)`);
  if (Math.abs(x) > FLT_MAX) bad(where, `"${s}" is too large for the engine's 32-bit floats (at most ${FLT_MAX.toPrecision(5)} in magnitude)`);
  return x;
}

/**
 * Resolves a column given by name or 0-based index.
 * @param {unknown} spec @param {string[] | null} names @param {number} width @param {string} what
 */
function column(spec, names, width, what) {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0 || spec >= width) fail(`${what} must be a column index in 0..${width - 1} or a name (got ${show(spec)})`);
    return spec;
  }
  if (typeof spec === 'string') {
    if (names) {
      const i = names.indexOf(spec);
      if (i >= 0) return i;
      if (/^\d+$/.test(spec) && Number(spec) < width) return Number(spec); // an index, as text (the CLI)
      fail(`${what}: no column named ${show(spec)} (columns: ${names.join(', ')})`);
    }
    if (/^\d+$/.test(spec) && Number(spec) < width) return Number(spec);
    fail(`${what}: ${show(spec)} names a column but the data has no header row; give a 0-based index`);
  }
  return fail(`${what} must be a column name or a 0-based index (got ${show(spec)})`);
}

/** 'field N' or the column's name. @param {string[] | null} names @param {number} c */
const colName = (names, c) => (names ? `column "${names[c]}"` : `field ${c + 1}`);

/** The text's size in UTF-8 bytes (as the file was), counted without encoding it. @param {string} text */
function utf8Bytes(text) {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 ? 1 : c >= 0xd800 && c < 0xdc00 ? 2 : c >= 0xdc00 && c < 0xe000 ? 0 : 2; // a surrogate pair: 2 units, 4 bytes
  }
  return n;
}

/** @param {string} text */
function checkBytes(text) {
  if (text.length <= LIMITS.bytes / 3) return; // at most 3 bytes per UTF-16 unit
  const bytes = utf8Bytes(text);
  if (bytes > LIMITS.bytes) fail(`csv: ${fmt(bytes)} bytes is more than the ${fmt(LIMITS.bytes)}-byte limit`);
}

/**
 * Header detection: none of the first row's fields is a number, and a later row has a number in
 * one of those columns. @param {{ fields: string[] }[]} recs
 */
function looksLikeHeader(recs) {
  const first = recs[0].fields;
  if (first.some(isNumber)) return false;
  if (recs.length < 2) return true;
  return recs.slice(1, 20).some((r) => r.fields.some((f, c) => c < first.length && isNumber(f)));
}

/** @param {Record<string, any>} o */
function checkOptions(o) {
  if (!isObject(o)) fail(`parseSequences: options must be an object (got ${show(o)})`);
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`parseSequences: unknown option '${k}' (known: ${KEYS.join(', ')})`);
  if (o.format !== undefined && !['long', 'wide', 'json'].includes(o.format)) fail(`format must be 'long', 'wide' or 'json' (got ${show(o.format)})`);
  if (o.header !== undefined && typeof o.header !== 'boolean') fail(`header must be true or false (got ${show(o.header)})`);
  if (o.delimiter !== undefined && !(typeof o.delimiter === 'string' && o.delimiter.length === 1 && o.delimiter !== '"' && o.delimiter !== '\n')) {
    fail(`delimiter must be one character (got ${show(o.delimiter)})`);
  }
  if (o.targetAt !== undefined && o.targetAt !== 'step' && o.targetAt !== 'end') fail(`targetAt must be 'step' or 'end' (got ${show(o.targetAt)})`);
  if (o.kind !== undefined && o.kind !== 'regression' && o.kind !== 'classification') fail(`kind must be 'regression' or 'classification' (got ${show(o.kind)})`);
  if (o.inputs !== undefined && !(Array.isArray(o.inputs) && o.inputs.length > 0) && typeof o.inputs !== 'string' && typeof o.inputs !== 'number') {
    fail(`inputs must be a column name or index, or a non-empty array of them (got ${show(o.inputs)})`);
  }
}

/**
 * Parses CSV or JSON text into sequences (see the top of this file for the layouts).
 * @param {string} text
 * @param {{ format?: 'long' | 'wide' | 'json', header?: boolean, delimiter?: string, id?: string | number,
 *           inputs?: string | number | (string | number)[], target?: string | number, targetAt?: 'step' | 'end',
 *           kind?: 'regression' | 'classification' }} [options]
 * @returns {Dataset}
 */
export function parseSequences(text, options = {}) {
  checkOptions(options);
  if (typeof text !== 'string') fail(`parseSequences: text must be a string (got ${show(text)})`);
  checkBytes(text);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') fail('csv: empty (no rows)');
  const format = options.format ?? (/^\s*\[/.test(body) ? 'json' : undefined);
  if (format === 'json') return fromJson(body, options);
  const firstLine = body.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  const delim = options.delimiter ?? (!firstLine.includes(',') && firstLine.includes('\t') ? '\t'
    : !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',');
  const recs = records(body, delim);
  if (!recs.length) fail('csv: empty (no rows)');
  const header = options.header ?? looksLikeHeader(recs);
  const names = header ? recs[0].fields : null;
  if (names) {
    const seen = new Set();
    for (const [c, n] of names.entries()) {
      if (n === '') bad(`csv line ${recs[0].line}`, `header field ${c + 1} is empty`);
      if (seen.has(n)) bad(`csv line ${recs[0].line}`, `column "${n}" appears twice in the header`);
      seen.add(n);
    }
  }
  const rows = header ? recs.slice(1) : recs;
  if (!rows.length) fail(`csv: empty (a header on line ${recs[0].line} and no data rows)`);
  const hasId = options.id !== undefined || (names !== null && names.some((n) => ID_NAMES.includes(n.toLowerCase())));
  const fmtName = format ?? (hasId ? 'long' : 'wide');
  return fmtName === 'long' ? fromLong(rows, names, recs[0].line, options) : fromWide(rows, names, options);
}

/**
 * long: one row per time step. @param {{ line: number, fields: string[] }[]} rows
 * @param {string[] | null} names @param {number} headerLine @param {Record<string, any>} o
 */
function fromLong(rows, names, headerLine, o) {
  const width = names ? names.length : rows[0].fields.length;
  const widthFrom = names ? `the header (line ${headerLine})` : `line ${rows[0].line}`;
  for (const r of rows) {
    if (r.fields.length !== width) bad(`csv line ${r.line}`, `expected ${width} fields as on ${widthFrom}, found ${r.fields.length}`);
  }
  const idCol = o.id !== undefined ? column(o.id, names, width, 'id')
    : names ? names.findIndex((n) => ID_NAMES.includes(n.toLowerCase())) : 0;
  if (idCol < 0) fail(`id: no sequence-id column (name one of ${ID_NAMES.join(', ')}, or give options.id)`);
  const cols = pickColumns(o, names, width, [idCol]);
  /** @type {Map<string, { line: number, rows: { line: number, fields: string[] }[] }>} */
  const groups = new Map();
  for (const r of rows) {
    const id = r.fields[idCol];
    if (id === '') bad(`csv line ${r.line}`, `the sequence id (${colName(names, idCol)}) is empty`);
    let g = groups.get(id);
    if (!g) {
      if (groups.size >= LIMITS.sequences) bad(`csv line ${r.line}`, `more than the ${fmt(LIMITS.sequences)}-sequence limit`);
      groups.set(id, g = { line: r.line, rows: [] });
    }
    if (g.rows.length >= LIMITS.steps) bad(`csv line ${r.line}`, `sequence "${id}" is longer than the ${fmt(LIMITS.steps)}-step limit`);
    g.rows.push(r);
  }
  const targetAt = o.targetAt ?? 'step';
  return build('long', names, cols, targetAt, o.kind, [...groups].map(([id, g]) => ({
    id, line: g.line,
    steps: g.rows.map((r) => ({ where: (/** @type {number} */ c) => `csv line ${r.line}, ${colName(names, c)}`, get: (/** @type {number} */ c) => r.fields[c] })),
  })));
}

/**
 * Input and target columns. @param {Record<string, any>} o @param {string[] | null} names
 * @param {number} width @param {number[]} exclude
 */
function pickColumns(o, names, width, exclude) {
  const target = o.target === undefined ? width - 1 : column(o.target, names, width, 'target');
  if (exclude.includes(target)) fail(`target: ${colName(names, target)} is the sequence id`);
  /** @type {number[]} */
  let inputs;
  if (o.inputs === undefined) inputs = [...Array(width).keys()].filter((c) => c !== target && !exclude.includes(c));
  else {
    const list = Array.isArray(o.inputs) ? o.inputs : [o.inputs];
    inputs = list.map((/** @type {unknown} */ s, /** @type {number} */ k) => column(s, names, width, `inputs[${k}]`));
    for (const c of inputs) {
      if (c === target) fail(`inputs: ${colName(names, c)} is also the target`);
      if (exclude.includes(c)) fail(`inputs: ${colName(names, c)} is the sequence id`);
    }
    if (new Set(inputs).size !== inputs.length) fail(`inputs: a column is listed twice (${show(o.inputs)})`);
  }
  if (!inputs.length) fail('inputs: no input columns left (the file has only the id and the target)');
  if (inputs.length > LIMITS.inputs) fail(`inputs: ${inputs.length} input columns is more than the ${LIMITS.inputs}-column limit`);
  return { inputs, target, inputNames: inputs.map((c) => (names ? names[c] : String(c))), targetName: names ? names[target] : String(target) };
}

/**
 * wide: one sequence per row, one input. @param {{ line: number, fields: string[] }[]} rows
 * @param {string[] | null} names @param {Record<string, any>} o
 */
function fromWide(rows, names, o) {
  if (o.targetAt === 'step') fail("targetAt 'step' needs the long layout (one time step per row); a wide row has one target, at the end");
  if (o.inputs !== undefined) fail('inputs: the wide layout has one input per time step (every field but the target); use the long layout to choose input columns');
  if (o.id !== undefined) fail("id: the wide layout has no id column (format 'long' has)");
  if (rows.length > LIMITS.sequences) bad(`csv line ${rows[LIMITS.sequences].line}`, `more than the ${fmt(LIMITS.sequences)}-sequence limit`);
  const spec = o.target ?? 'last';
  const seqs = rows.map((r, k) => {
    let f = r.fields;
    while (f.length > 1 && f[f.length - 1] === '') f = f.slice(0, -1); // spreadsheet padding
    if (names && f.length !== names.length) bad(`csv line ${r.line}`, `expected ${names.length} fields as in the header, found ${f.length}`);
    if (f.length < 2) bad(`csv line ${r.line}`, `expected at least 2 fields (a time step and the target), found ${f.length}`);
    const t = spec === 'last' ? f.length - 1 : spec === 'first' ? 0 : column(spec, names, f.length, 'target');
    if (f.length - 1 > LIMITS.steps) bad(`csv line ${r.line}`, `${fmt(f.length - 1)} time steps is more than the ${fmt(LIMITS.steps)}-step limit`);
    // step accessor: column 0 is the step's own field, column 1 the row's target
    const steps = [];
    for (let c = 0; c < f.length; c++) {
      if (c === t) continue;
      const cc = c;
      steps.push({ where: (/** @type {number} */ q) => `csv line ${r.line}, ${colName(names, q === 1 ? t : cc)}`, get: (/** @type {number} */ q) => f[q === 1 ? t : cc] });
    }
    return { id: String(k + 1), line: r.line, steps };
  });
  const targetName = !names ? 'target' : names[spec === 'last' ? names.length - 1 : spec === 'first' ? 0 : column(spec, names, names.length, 'target')];
  return build('wide', names, { inputs: [0], target: 1, inputNames: ['x'], targetName }, 'end', o.kind, seqs);
}

/**
 * Where JSON text first breaks the grammar (RFC 8259), as an offset; -1 when it does not (or is
 * nested too deeply to scan). Only for the message of a text JSON.parse refused.
 * @param {string} s @returns {number}
 */
function jsonErrorAt(s) {
  let i = 0;
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const ws = () => { while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++; };
  const expect = (/** @type {string} */ c) => { if (s[i] !== c) throw i; i++; };
  const string = () => {
    expect('"');
    while (i < s.length) {
      const c = s[i];
      if (c === '"') { i++; return; }
      if (c === '\\') {
        if (s[i + 1] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) throw i; i += 6; } else if ('"\\/bfnrt'.includes(s[i + 1] ?? 'x')) i += 2; else throw i;
      } else if (c < ' ') throw i;
      else i++;
    }
    throw i;
  };
  /** @returns {void} */
  const value = () => {
    ws();
    const c = s[i];
    if (c === '[' || c === '{') {
      const close = c === '[' ? ']' : '}';
      i++; ws();
      if (s[i] === close) { i++; return; }
      for (;;) {
        if (close === '}') { ws(); string(); ws(); expect(':'); }
        value(); ws();
        if (s[i] === ',') { i++; continue; }
        expect(close);
        return;
      }
    }
    if (c === '"') return string();
    NUM.lastIndex = i;
    if (NUM.test(s)) { i = NUM.lastIndex; return; }
    for (const w of ['true', 'false', 'null']) if (s.startsWith(w, i)) { i += w.length; return; }
    throw i;
  };
  try { value(); ws(); return i < s.length ? i : -1; } catch (e) { return typeof e === 'number' ? e : -1; }
}

/**
 * JSON: an array of sequences. @param {string} text @param {Record<string, any>} o
 */
function fromJson(text, o) {
  let data;
  try { data = JSON.parse(text); } catch (e) {
    // V8 gives the position for some syntax errors only ("Unexpected token '@', ..." has none)
    const m = /position (\d+)/.exec(/** @type {Error} */ (e).message);
    const at = m ? Number(m[1]) : jsonErrorAt(text);
    const line = at >= 0 ? text.slice(0, at).split('\n').length : null;
    fail(`json${line ? ` line ${line}` : ''}: ${/** @type {Error} */ (e).message}`);
  }
  if (!Array.isArray(data)) fail(`json: expected an array of sequences, found ${show(data)}`);
  if (!data.length) fail('json: empty (no sequences)');
  if (data.length > LIMITS.sequences) fail(`json: ${fmt(data.length)} sequences is more than the ${fmt(LIMITS.sequences)}-sequence limit`);
  if (o.id !== undefined) fail('id: JSON sequences are the array elements; there is no id column');
  if (o.header !== undefined || o.delimiter !== undefined) fail('header and delimiter are for CSV text, not JSON');
  // the first step decides the shape of every step
  const first = data[0], firstSteps = Array.isArray(first) ? first : first?.inputs;
  if (!Array.isArray(firstSteps) || !firstSteps.length) fail('json sequence 1: expected an array of steps or { inputs: [steps], target | targets }');
  const s0 = firstSteps[0];
  const named = isObject(s0);
  const wrapped = !Array.isArray(first);
  /** @type {string[] | null} */
  const names = named ? Object.keys(s0) : null;
  const width = named ? /** @type {string[]} */ (names).length : Array.isArray(s0) ? s0.length : 1;
  if (!width) fail('json sequence 1, step 1: a step needs at least one value');
  /** @type {{ inputs: number[], target: number, inputNames: string[], targetName: string }} */
  let cols;
  let targetAt = o.targetAt;
  if (wrapped) {
    // { inputs, target | targets }: the target is outside the steps, at column index `width`
    if (o.target !== undefined) fail('target: JSON sequences of the form { inputs, target(s) } carry their own targets');
    const inputs = o.inputs === undefined ? [...Array(width).keys()]
      : (Array.isArray(o.inputs) ? o.inputs : [o.inputs]).map((s, k) => column(s, names, width, `inputs[${k}]`));
    cols = { inputs, target: width, inputNames: inputs.map((c) => (names ? names[c] : String(c))), targetName: 'target' };
    const perStep = 'targets' in first;
    if (targetAt === undefined) targetAt = perStep ? 'step' : 'end';
    if ((targetAt === 'step') !== perStep) fail(`targetAt '${targetAt}' needs sequences with ${targetAt === 'step' ? "'targets' (one per step)" : "'target' (one value)"}`);
  } else {
    if (width < 2) fail('json sequence 1, step 1: a step needs inputs and a target (at least 2 values), or use { inputs, target }');
    cols = pickColumns(o, names, width, []);
    if (targetAt === undefined) targetAt = 'step';
  }
  const seqs = data.map((seq, k) => {
    const where = `json sequence ${k + 1}`;
    const steps = wrapped ? (isObject(seq) ? seq.inputs : undefined) : seq;
    if (!Array.isArray(steps)) bad(where, wrapped ? 'expected { inputs: [steps], target | targets }' : `expected an array of steps, found ${show(seq)}`);
    if (!steps.length) bad(where, 'no steps');
    if (steps.length > LIMITS.steps) bad(where, `${fmt(steps.length)} steps is more than the ${fmt(LIMITS.steps)}-step limit`);
    /** @type {unknown[] | null} */
    let tg = null;
    if (wrapped) {
      if (targetAt === 'step') {
        tg = seq.targets;
        if (!Array.isArray(tg) || tg.length !== steps.length) bad(where, `targets must be an array of ${steps.length} values, one per step (got ${show(tg)})`);
      } else {
        if (!('target' in seq)) bad(where, 'no target');
        tg = [seq.target];
      }
    }
    const T = steps.length;
    return {
      id: String(k + 1), line: 0,
      steps: steps.map((/** @type {unknown} */ st, /** @type {number} */ t) => {
        const sw = `${where}, step ${t + 1}`;
        /** @type {(c: number) => unknown} */
        let get;
        if (named) {
          if (!isObject(st)) bad(sw, `expected an object like the first step's, found ${show(st)}`);
          const rec = /** @type {Record<string, unknown>} */ (st);
          get = (c) => (c === width ? (tg ? tg[targetAt === 'step' ? t : 0] : undefined) : /** @type {string[]} */ (names)[c] in rec ? rec[/** @type {string[]} */ (names)[c]] : '');
        } else if (width === 1 && !Array.isArray(s0)) {
          if (Array.isArray(st) || isObject(st)) bad(sw, `expected a number like the first step's, found ${show(st)}`);
          get = (c) => (c === 1 ? (tg ? tg[targetAt === 'step' ? t : 0] : undefined) : st);
        } else {
          if (!Array.isArray(st) || st.length !== width) bad(sw, `expected ${width} values as in the first step, found ${Array.isArray(st) ? st.length : show(st)}`);
          get = (c) => (c === width && wrapped ? (tg ? tg[targetAt === 'step' ? t : 0] : undefined) : /** @type {unknown[]} */ (st)[c]);
        }
        const last = t === T - 1;
        return {
          where: (/** @type {number} */ c) => `${wrapped && c === width ? (targetAt === 'step' ? `${where}, targets[${t}]` : `${where}, target`) : sw}${names && c < width ? `, "${names[c]}"` : ''}`,
          get: (/** @type {number} */ c) => (wrapped && c === width && targetAt === 'end' && !last ? '' : get(c)),
        };
      }),
    };
  });
  return build('json', names, cols, targetAt, o.kind, seqs);
}

/**
 * Common end of every layout: numbers, targets, kind, labels and limits.
 * @param {'long' | 'wide' | 'json'} format @param {string[] | null} names
 * @param {{ inputs: number[], target: number, inputNames: string[], targetName: string }} cols
 * @param {'step' | 'end'} targetAt @param {'regression' | 'classification' | undefined} kind
 * @param {{ id: string, line: number, steps: { where: (c: number) => string, get: (c: number) => unknown }[] }[]} seqs
 * @returns {Dataset}
 */
function build(format, names, cols, targetAt, kind, seqs) {
  const I = cols.inputs.length;
  let values = 0;
  for (const s of seqs) {
    values += s.steps.length * I;
    if (values > LIMITS.values) fail(`${format === 'json' ? 'json' : 'csv'}: more than ${fmt(LIMITS.values)} input values (time steps x inputs), the limit`);
  }
  // the raw targets, with where each came from
  /** @type {{ v: unknown, where: string }[][]} */
  const raw = seqs.map((s) => (targetAt === 'end' ? [s.steps[s.steps.length - 1]] : s.steps).map((st) => ({ v: st.get(cols.target), where: st.where(cols.target) })));
  const asString = (/** @type {unknown} */ v) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : v === undefined || v === null ? '' : show(v));
  for (const rs of raw) {
    for (const r of rs) {
      const v = asString(r.v);
      if (v === '') bad(r.where, 'the target is empty');
      // NaN and infinities are broken numbers, not class names
      if (NONFINITE.test(v) || (typeof r.v === 'number' && !Number.isFinite(r.v)) || (NUMBER.test(v) && !Number.isFinite(Number(v)))) toNumber(v, r.where);
    }
  }
  const allNumbers = raw.every((rs) => rs.every((r) => (typeof r.v === 'number' ? Number.isFinite(r.v) : isNumber(asString(r.v)))));
  const k = kind ?? (allNumbers ? 'regression' : 'classification');
  /** @type {string[]} */
  let labels = [];
  /** @type {Map<string, number>} */
  const index = new Map();
  if (k === 'classification') {
    const set = new Set();
    for (const rs of raw) for (const r of rs) set.add(asString(r.v));
    labels = [...set];
    if (allNumbers) labels.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
    else labels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (labels.length < 2) fail(`target: classification needs at least 2 classes; ${show(cols.targetName)} has only ${show(labels[0])}`);
    if (labels.length > LIMITS.classes) fail(`target: ${fmt(labels.length)} classes in ${show(cols.targetName)} is more than the ${LIMITS.classes}-class limit (is it a number column? kind: 'regression')`);
    labels.forEach((l, i) => index.set(l, i));
  }
  let maxLength = 0;
  const sequences = seqs.map((s, j) => {
    const T = s.steps.length;
    const x = new Float64Array(T * I);
    s.steps.forEach((st, t) => cols.inputs.forEach((c, i) => { x[t * I + i] = toNumber(st.get(c), st.where(c)); }));
    const y = new Float64Array(raw[j].length);
    raw[j].forEach((r, t) => { y[t] = k === 'regression' ? toNumber(r.v, r.where) : /** @type {number} */ (index.get(asString(r.v))); });
    maxLength = Math.max(maxLength, T);
    return { id: s.id, length: T, x, y, line: s.line };
  });
  return { format, inputNames: cols.inputNames, targetName: cols.targetName, kind: k, targetAt, labels, sequences, maxLength };
}

// ---- split and standardisation ----

const M64 = (1n << 64n) - 1n;

/**
 * Seeded PRNG with explicit state: splitmix64, the same sequence as core/rng.h (rng_seed,
 * rng_u32, rng_below). @param {number | bigint} seed
 */
export function createRng(seed) {
  let s = (BigInt(seed) ^ 0x9E3779B97F4A7C15n) & M64;
  const u64 = () => {
    s = (s + 0x9E3779B97F4A7C15n) & M64;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & M64;
    return z ^ (z >> 31n);
  };
  const u32 = () => Number(u64() >> 32n);
  return {
    u32,
    /** uniform integer in [0, n) (Lemire's multiply-shift, as rng_below) @param {number} n */
    below: (n) => Number((BigInt(u32()) * BigInt(n)) >> 32n),
    /** uniform in [0, 1) with 24 bits, as rng_uniform */
    uniform: () => Number(u64() >> 40n) / 16777216,
  };
}

/** Fisher-Yates with the rng. @param {number[]} a @param {ReturnType<typeof createRng>} rng */
export function shuffle(a, rng) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Splits n sequences into train and held-out indices by a seeded shuffle: round(heldOut * n)
 * held out (at least 1, leaving at least 1 to train on). Both lists sorted ascending.
 * @param {number} n @param {number} heldOut fraction in [0, 1) @param {number | bigint} seed
 */
export function splitIndices(n, heldOut, seed) {
  if (!Number.isInteger(n) || n < 2) fail(`need at least 2 sequences to keep one held out (got ${n})`);
  if (typeof heldOut !== 'number' || !(heldOut > 0 && heldOut < 1)) fail(`heldOut must be a fraction in (0, 1) (got ${show(heldOut)})`);
  const k = Math.min(n - 1, Math.max(1, Math.round(heldOut * n)));
  const order = shuffle([...Array(n).keys()], createRng(seed));
  return { train: order.slice(k).sort((a, b) => a - b), heldout: order.slice(0, k).sort((a, b) => a - b) };
}

/**
 * Mean and standard deviation (population) of each input column over the given sequences' steps,
 * and of the targets for regression (NaN for classification). std 0 becomes 1.
 * @param {Dataset} data @param {number[]} indices the training split
 */
export function standardization(data, indices) {
  const I = data.inputNames.length;
  const mean = new Float64Array(I), m2 = new Float64Array(I);
  let n = 0, tn = 0, tmean = 0, tm2 = 0;
  for (const j of indices) { // Welford, one pass, stable
    const s = data.sequences[j];
    for (let t = 0; t < s.length; t++) {
      n++;
      for (let i = 0; i < I; i++) {
        const v = s.x[t * I + i], d = v - mean[i];
        mean[i] += d / n;
        m2[i] += d * (v - mean[i]);
      }
    }
    if (data.kind === 'regression') {
      for (const v of s.y) { tn++; const d = v - tmean; tmean += d / tn; tm2 += d * (v - tmean); }
    }
  }
  const sd = (/** @type {number} */ q, /** @type {number} */ c) => { const v = c ? Math.sqrt(q / c) : 0; return v > 1e-12 ? v : 1; };
  const inputStd = Float64Array.from(m2, (q) => sd(q, n));
  const reg = data.kind === 'regression';
  return { inputMean: mean, inputStd, targetMean: reg ? tmean : NaN, targetStd: reg ? sd(tm2, tn) : NaN };
}
