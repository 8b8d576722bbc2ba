// The 'dates' task (core/tasks/dates.c): human-written dates in 13 formats to ISO 8601. Every
// source is read back by a parser written here, independently of the C formatter: regular
// expressions per format, weekdays from JS Date (UTC), ordinal suffixes from Intl.PluralRules.
// Then the draw itself: every (month, day) that exists occurs (the tfjs-examples date data never
// had a 29th, 30th or 31st), no day that does not exist ever does, every format occurs;
// determinism, a held-out stream apart from training, and a short training run that learns.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load();

// ---- an independent reader of the formats ----

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']; // getUTCDay order
const abbr = (names) => names.map((n) => n.slice(0, 3));
const upper = (names) => abbr(names).map((n) => n.toUpperCase());
const alt = (names) => `(${names.join('|')})`;
const D = '([1-9]|[12]\\d|3[01])', DD = '(0[1-9]|[12]\\d|3[01])', M = '([1-9]|1[0-2])', MM = '(0[1-9]|1[0-2])';
const YYYY = '(\\d{4})', YY = '(\\d{2})', ORD = '(st|nd|rd|th)';
const year2 = (yy) => (Number(yy) >= 50 ? 1900 : 2000) + Number(yy); // the task's documented rule
const ENGLISH_ORDINAL = new Intl.PluralRules('en-US', { type: 'ordinal' });
const SUFFIX = { one: 'st', two: 'nd', few: 'rd', other: 'th' };

/** name, pattern, fields from the match: [year, month, day, weekday index | null, ordinal | null] */
const FORMATS = [
  ['d Month yyyy', `${D} ${alt(MONTHS)} ${YYYY}`, (m) => [m[3], MONTHS.indexOf(m[2]) + 1, m[1], null, null]],
  ['mm/dd/yy', `${MM}/${DD}/${YY}`, (m) => [year2(m[3]), m[1], m[2], null, null]],
  ['dd.mm.yyyy', `${DD}\\.${MM}\\.${YYYY}`, (m) => [m[3], m[2], m[1], null, null]],
  ['yyyy/mm/dd', `${YYYY}/${MM}/${DD}`, (m) => [m[1], m[2], m[3], null, null]],
  ['Month d, yyyy', `${alt(MONTHS)} ${D}, ${YYYY}`, (m) => [m[3], MONTHS.indexOf(m[1]) + 1, m[2], null, null]],
  ['Mon d yyyy', `${alt(abbr(MONTHS))} ${D} ${YYYY}`, (m) => [m[3], abbr(MONTHS).indexOf(m[1]) + 1, m[2], null, null]],
  ['Weekday, Month dth yyyy', `${alt(WEEKDAYS)}, ${alt(MONTHS)} ${D}${ORD} ${YYYY}`,
    (m) => [m[5], MONTHS.indexOf(m[2]) + 1, m[3], WEEKDAYS.indexOf(m[1]), m[4]]],
  ['dth of Month yyyy', `${D}${ORD} of ${alt(MONTHS)} ${YYYY}`, (m) => [m[4], MONTHS.indexOf(m[3]) + 1, m[1], null, m[2]]],
  ['WKD MON dd yyyy', `${alt(upper(WEEKDAYS))} ${alt(upper(MONTHS))} ${DD} ${YYYY}`,
    (m) => [m[4], upper(MONTHS).indexOf(m[2]) + 1, m[3], upper(WEEKDAYS).indexOf(m[1]), null]],
  ['dd-Mon-yy', `${DD}-${alt(abbr(MONTHS))}-${YY}`, (m) => [year2(m[3]), abbr(MONTHS).indexOf(m[2]) + 1, m[1], null, null]],
  ['m/d/yyyy', `${M}/${D}/${YYYY}`, (m) => [m[3], m[1], m[2], null, null]],
  ['yyyymmdd', `${YYYY}${MM}${DD}`, (m) => [m[1], m[2], m[3], null, null]],
  ['Wkd, dd Mon yyyy', `${alt(abbr(WEEKDAYS))}, ${DD} ${alt(abbr(MONTHS))} ${YYYY}`,
    (m) => [m[4], abbr(MONTHS).indexOf(m[3]) + 1, m[2], abbr(WEEKDAYS).indexOf(m[1]), null]],
].map(([name, re, fields]) => ({ name, re: new RegExp(`^${re}$`), fields }));

/**
 * Reads a source: the one format that matches it (exactly one must, so the date follows from the
 * string alone), and the date, checked to exist, with its weekday and ordinal suffix if written.
 * @param {string} s
 */
function parseDate(s) {
  const hits = FORMATS.filter((f) => f.re.test(s));
  assert.equal(hits.length, 1, `${JSON.stringify(s)} matches ${hits.length} formats (${hits.map((f) => f.name)})`);
  const f = hits[0];
  const [y, mo, d, wd, ord] = f.fields(s.match(f.re));
  const year = Number(y), month = Number(mo), day = Number(d);
  const at = new Date(Date.UTC(year, month - 1, day));
  const exists = at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
  assert.ok(exists, `${JSON.stringify(s)}: ${year}-${month}-${day} does not exist`);
  if (wd !== null) assert.equal(WEEKDAYS[wd], WEEKDAYS[at.getUTCDay()], `${JSON.stringify(s)}: weekday`);
  if (ord !== null) assert.equal(ord, SUFFIX[ENGLISH_ORDINAL.select(day)], `${JSON.stringify(s)}: ordinal suffix`);
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { format: f.name, year, month, day, iso, ord, weekday: wd };
}

// ---- batches as strings ----

/**
 * Each pair of a batch as { src, tgt } strings, with the layout checked: sources left-padded
 * (PAD, then symbols only), decIn = BOS y1..y10, decTgt = y1..y10 EOS.
 * @param {any} task @param {any} b
 */
function pairs(task, b) {
  const { pad, bos, eos } = task.specials, S = b.srcLength, U = b.tgtLength;
  assert.equal(U, 11, 'ten characters, then EOS');
  const out = [];
  for (let i = 0; i < b.batchSize; i++) {
    const src = Array.from(b.src.subarray(i * S, (i + 1) * S)), first = src.findIndex((x) => x !== pad);
    assert.ok(first >= 0 && src.slice(first).every((x) => x > eos), `row ${i}: PAD on the left, then symbols`);
    const tgt = Array.from(b.decTgt.subarray(i * U, (i + 1) * U)), decIn = Array.from(b.decIn.subarray(i * U, (i + 1) * U));
    assert.equal(tgt[10], eos);
    assert.deepEqual(decIn, [bos, ...tgt.slice(0, 10)]);
    const str = (ids) => ids.map((x) => task.symbols[x]).join('');
    out.push({ src: str(src.slice(first)), tgt: str(tgt.slice(0, 10)), length: S - first });
  }
  return out;
}

const key = (b) => [b.srcLength, ...b.src, ...b.decTgt].join(',');

// ---- the tests ----

test('dates: defaults fit lab.createSeq2Seq; a 60-symbol vocabulary of characters; length is the longest source', () => {
  const task = lab.createTask('dates');
  try {
    assert.equal(task.isSeq2seq, true);
    assert.deepEqual(task.modelConfig, { inputSize: 60, input: 'onehot', outputSize: 60, output: 'softmax' });
    assert.equal(task.vocabSize, 60);
    assert.deepEqual(task.specials, { pad: 0, bos: 1, eos: 2, unk: null });
    assert.deepEqual(task.symbols.slice(0, 3), ['<pad>', '<s>', '</s>']);
    assert.deepEqual(task.outputSymbols, task.symbols, 'one vocabulary for source and target');
    // symbols round-trip: one character each, all distinct, so ids <-> characters both ways
    const chars = task.symbols.slice(3);
    assert.ok(chars.every((c) => c.length === 1));
    assert.equal(new Set(chars).size, chars.length);
    assert.equal(chars.join(''), ' ,-./0123456789ABCDEFGHIJLMNOPRSTUVWYabcdefghilmnoprstuvy');
    for (const [id, c] of task.symbols.entries()) assert.equal(task.symbols.indexOf(c), id);
    assert.equal(task.length, 30);
    assert.equal(task.maxLength, 30);
    assert.deepEqual({ ...task.criterion }, { length: 30, count: 1000, target: Math.fround(0.99) });
    assert.equal(task.seed, 1);
    // length: the only one is 30 (the default, 0 or omitted); the task has no length options
    assert.equal(task.batch(3, { length: 30 }).tgtLength, 11);
    assert.throws(() => task.batch(3, { length: 12 }), /task 'dates': length must be in 30\.\.30, got 12/);
    assert.throws(() => lab.createTask('dates', { length: 20 }), /task 'dates': unknown option 'length' \(known: seed,evalCount,target\)/);
    assert.throws(() => lab.createTask('dates', { symbols: 4 }), /unknown option 'symbols'/);
    assert.throws(() => task.maxBatchSize(), /sequence-to-sequence/);
    assert.equal(task.batch(2).batchSize, 2, 'the task works after the errors');
    const custom = lab.createTask('dates', { seed: 9, evalCount: 50, target: 0.5 });
    assert.deepEqual({ ...custom.criterion }, { length: 30, count: 50, target: 0.5 });
    assert.equal(custom.evalSet().batchSize, 50);
    custom.free();
  } finally { task.free(); }
});

test('dates: every source reads back (one format each) as the date of its ISO target; weekdays and ordinals right', () => {
  const task = lab.createTask('dates', { seed: 2 });
  try {
    const b = task.batch(6000), ev = task.evalSet({ count: 2000, seed: 5 });
    const all = [...pairs(task, b), ...pairs(task, ev)];
    const suffixes = new Map(), weekdaysSeen = new Set();
    let longest = 0;
    for (const p of all) {
      const d = parseDate(p.src);
      assert.equal(p.tgt, d.iso, `${JSON.stringify(p.src)} -> ${p.tgt}`);
      assert.match(p.tgt, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(p.length >= 8 && p.length <= 30, `${JSON.stringify(p.src)}: length ${p.length}`);
      longest = Math.max(longest, p.length);
      if (d.ord) suffixes.set(d.day, d.ord);
      if (d.weekday !== null) weekdaysSeen.add(d.weekday);
    }
    assert.equal(longest, 30, 'the longest source ("Wednesday, September 23rd 1998") is 30 characters');
    assert.equal(b.srcLength, Math.max(...pairs(task, b).map((p) => p.length)), 'srcLength: the batch\'s longest source');
    const expected = { 1: 'st', 2: 'nd', 3: 'rd', 4: 'th', 11: 'th', 12: 'th', 13: 'th', 21: 'st', 22: 'nd', 23: 'rd', 31: 'st' };
    for (const [day, s] of Object.entries(expected)) assert.equal(suffixes.get(Number(day)), s, `${day}${s}`);
    assert.equal(suffixes.size, 31, 'every day of the month written as an ordinal');
    assert.equal(weekdaysSeen.size, 7);
  } finally { task.free(); }
});

test('dates: weekdays agree with JS Date and with a known calendar', () => {
  // the reference first: JS Date (UTC) against days everyone can look up
  const known = [['1950-01-01', 'Sunday'], ['1969-07-20', 'Sunday'], ['1989-11-09', 'Thursday'], ['2000-01-01', 'Saturday'],
    ['2000-02-29', 'Tuesday'], ['2001-09-11', 'Tuesday'], ['2049-12-31', 'Friday']];
  for (const [iso, wd] of known) assert.equal(WEEKDAYS[new Date(`${iso}T00:00:00Z`).getUTCDay()], wd, iso);
  // then every source with a weekday in it: Saturday, July 4th 1998 / SAT JUL 04 1998 / Sat, 04 Jul 1998
  const task = lab.createTask('dates', { seed: 3 });
  try {
    let withWeekday = 0;
    for (const p of pairs(task, task.batch(8000))) {
      const d = parseDate(p.src);
      if (d.weekday === null) continue;
      withWeekday++;
      assert.equal(d.weekday, new Date(`${p.tgt}T00:00:00Z`).getUTCDay(), p.src);
    }
    assert.ok(withWeekday > 1500, `${withWeekday} sources with a weekday (3 formats of 13)`);
  } finally { task.free(); }
});

test('dates: every (month, day) that exists appears within 10,000 pairs, Feb 29 included; no day that does not exist', () => {
  const task = lab.createTask('dates', { seed: 1 });
  try {
    const seen = new Map(), years = new Set();
    let min = '9999', max = '0000';
    for (let i = 0; i < 10; i++) {
      for (const p of pairs(task, task.batch(1000))) {
        const [y, m, d] = p.tgt.split('-').map(Number);
        const at = new Date(Date.UTC(y, m - 1, d));
        assert.ok(at.getUTCMonth() === m - 1 && at.getUTCDate() === d, `${p.tgt} (${p.src}) does not exist`);
        if (m === 2 && d === 29) assert.ok(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0), `Feb 29 of ${y}`);
        const md = `${m}-${d}`;
        seen.set(md, (seen.get(md) ?? 0) + 1);
        years.add(y);
        if (p.tgt < min) min = p.tgt;
        if (p.tgt > max) max = p.tgt;
      }
    }
    for (let m = 1; m <= 12; m++) {
      const days = new Date(Date.UTC(2000, m, 0)).getUTCDate(); // 2000 is a leap year: Feb has 29
      for (let d = 1; d <= days; d++) assert.ok(seen.has(`${m}-${d}`), `month ${m} day ${d} never appeared`);
    }
    assert.equal(seen.size, 366);
    assert.ok(min >= '1950-01-01' && max <= '2049-12-31', `${min}..${max}`);
    assert.equal(years.size, 100, 'every year of 1950..2049');
    // uniform over days: the 31st (7 months of 12) about 7/12 as often as the 1st
    const firsts = [...seen].filter(([k]) => k.endsWith('-1')).reduce((n, [, c]) => n + c, 0);
    const thirtyFirsts = [...seen].filter(([k]) => k.endsWith('-31')).reduce((n, [, c]) => n + c, 0);
    assert.ok(thirtyFirsts / firsts > 0.45 && thirtyFirsts / firsts < 0.72, `31st / 1st = ${thirtyFirsts} / ${firsts}`);
  } finally { task.free(); }
});

test('dates: every format occurs, about equally often', () => {
  const task = lab.createTask('dates', { seed: 4 });
  try {
    const count = new Map(FORMATS.map((f) => [f.name, 0]));
    for (const p of pairs(task, task.batch(6500))) count.set(parseDate(p.src).format, count.get(parseDate(p.src).format) + 1);
    for (const [name, n] of count) assert.ok(n > 400 && n < 600, `${name}: ${n} of 6500 (expected 500)`);
  } finally { task.free(); }
});

test('dates: same seed, same batches; other seeds differ; reset restarts; the held-out stream is its own', () => {
  const a = lab.createTask('dates', { seed: 5 }), b = lab.createTask('dates', { seed: 5 }), c = lab.createTask('dates', { seed: 6 });
  try {
    const first = [key(a.batch(16)), key(a.batch(16)), key(a.batch(16))];
    assert.deepEqual([key(b.batch(16)), key(b.batch(16)), key(b.batch(16))], first, 'same seed, same batches');
    assert.notEqual(first[0], first[1], 'consecutive batches differ');
    assert.notEqual(key(c.batch(16)), first[0], 'another seed, another stream');
    a.reset();
    assert.equal(key(a.batch(16)), first[0], 'reset restarts the stream');
    // evaluation pairs: reproducible from their seed, apart from training (also from the task's own seed)
    const e1 = a.evalSet({ count: 500, seed: 7 }), e2 = b.evalSet({ count: 500, seed: 7 }), e3 = a.evalSet({ count: 500, seed: 8 });
    assert.equal(key(e1), key(e2));
    assert.notEqual(key(e3), key(e1));
    a.reset();
    const train = new Set(pairs(a, a.batch(500)).map((p) => p.src));
    for (const ev of [e1, a.evalSet({ count: 500, seed: 5 })]) {
      const held = pairs(a, ev).map((p) => p.src), shared = held.filter((s) => train.has(s)).length;
      assert.ok(shared < 10, `${shared} of 500 held-out sources also in the training batch`);
    }
    // the same distribution: every held-out source reads back too (the test above), every format occurs
    const formats = new Set(pairs(a, a.evalSet({ count: 1000, seed: 9 })).map((p) => parseDate(p.src).format));
    assert.equal(formats.size, FORMATS.length);
    // scoring: the references themselves are an exact match
    const rows = Array.from({ length: 500 }, (_, i) => Array.from(e1.decTgt.subarray(i * 11, (i + 1) * 11)));
    assert.equal(a.scoreSequences(e1, rows).accuracy, 1);
    rows[0][3] = rows[0][3] === 3 ? 4 : 3;
    assert.equal(a.scoreSequences(e1, rows).accuracy, Math.fround(499 / 500));
  } finally { a.free(); b.free(); c.free(); }
});

test('dates: a short run of the encoder-decoder (no attention) lowers the loss', () => {
  const task = lab.createTask('dates', { seed: 1 });
  const model = lab.createSeq2Seq({ ...task.modelConfig, cell: 'gru', hiddenSize: 64, seed: 1 },
    { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  try {
    const held = task.evalSet({ count: 200, seed: 11 });
    const before = model.forward(held).loss;
    assert.ok(Math.abs(before - Math.log(60)) < 0.5, `an untrained model is near uniform: ${before} vs ln 60 = ${Math.log(60)}`);
    for (let i = 0; i < 150; i++) model.step(task.nextBatch(32));
    const after = model.forward(held).loss;
    assert.ok(after < 0.5 * before, `held-out loss ${before} -> ${after}`);
    const r = model.evaluate(task, { count: 200, seed: 11 });
    assert.ok(r.stepAccuracy > 0.4, `greedy step accuracy ${r.stepAccuracy} after 150 steps`);
  } finally { model.free(); task.free(); }
});
