// property-csv.test.mjs - property tests (fast-check, fixed seeds) of the CSV/JSON loader
// (wasm/csv.mjs parseSequences) and the csv task (wasm/csvtask.mjs): random files in every
// layout with random quoting, delimiters, BOMs, CRLF, comments and blank lines; one defect
// planted at a known line (a non-number, NaN/Inf strings, a huge number, an empty field, a
// ragged row, an unclosed quote): the error names that line and, for a field, its column.
// Random garbage either parses to finite numbers or fails with an Error that names a line or
// what is wrong with the file as a whole. The csv task then builds, trains and evaluates.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { load, parseSequences } from '../wasm/rnnlab.mjs';
import { assertApiError, attempt, counter, json, params, pick, sentinel } from './helpers/property.mjs';

const lab = await load();
const guard = sentinel(lab);
const count = counter();

const num = fc.oneof(fc.integer({ min: -1000, max: 1000 }).map(String), fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => String(Math.fround(x))),
  fc.constantFrom('0', '-0', '+1', '.5', '5.', '1e3', '-2.5E-3', '1e30', '-3.4e38'));

/** A file's text assembled line by line, with the physical line of each record. */
function assemble(lines, { bom, crlf, comments }) {
  const out = [];
  const lineOf = [];
  let k = 0;
  for (const l of lines) {
    if (comments && k % 3 === 1) out.push('# a comment, with, commas');
    if (comments && k % 4 === 2) out.push('');
    lineOf.push(out.length + 1);
    out.push(l);
    k++;
  }
  return { text: (bom ? '\uFEFF' : '') + out.join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n'), lineOf };
}

/** defects for a number field: the text, and whether the message says it is not a number */
const DEFECTS = ['abc', 'NaN', 'nan', 'inf', '-Infinity', 'Infinity', '1e999', '-1e400', '0x10', '1,5', '', '12abc', '--1', '1e', '.', 'e5', ' ', '"'];

const longFile = fc.record({
  seqs: fc.integer({ min: 2, max: 5 }), len: fc.integer({ min: 1, max: 4 }), inputs: fc.integer({ min: 1, max: 3 }),
  delim: pick([',', ';', '\t']), quote: fc.boolean(), bom: fc.boolean(), crlf: fc.boolean(), comments: fc.boolean(),
  values: fc.array(num, { minLength: 200, maxLength: 200 }),
});

/** A valid long-layout file: header seq,x1..xI,y; returns the lines (header first) and cells. */
function longLines(f) {
  const names = ['seq', ...Array.from({ length: f.inputs }, (_, i) => `x${i + 1}`), 'y'];
  const rows = [];
  let v = 0;
  for (let s = 0; s < f.seqs; s++) {
    for (let t = 0; t < f.len; t++) rows.push([`s${s}`, ...Array.from({ length: f.inputs + 1 }, () => f.values[v++ % f.values.length])]);
  }
  const q = (c) => (f.quote ? `"${c}"` : c);
  return { names, rows, line: (cells) => cells.map(q).join(f.delim), header: names.join(f.delim) };
}

test('long layout: one planted defect is named by its line and column', () => {
  count.property();
  fc.assert(fc.property(longFile, fc.nat(), fc.nat(), pick(['field', 'ragged-short', 'ragged-long', 'unclosed']), fc.constantFrom(...DEFECTS),
    (f, rowPick, colPick, kind, defect) => {
      const L = longLines(f);
      const r = rowPick % L.rows.length, c = 1 + (colPick % f.inputs); // an input column
      const lines = [L.header, ...L.rows.map((cells, i) => {
        if (i !== r) return L.line(cells);
        if (kind === 'field') return L.line(cells.map((x, j) => (j === c ? defect : x)));
        if (kind === 'ragged-short') return L.line(cells.slice(0, -1));
        if (kind === 'ragged-long') return L.line([...cells, '1']);
        return cells.join(f.delim).replace(/^/, '"'); // an unclosed quote at the start of the record
      })];
      const { text, lineOf } = assemble(lines, f);
      const where = lineOf[r + 1];
      let err = null;
      try { parseSequences(text); } catch (e) { err = e; }
      count.tick(!!err);
      const quotedDefect = f.quote && (defect === '"' || defect === '');
      if ((kind === 'field' && (defect === ' ' || quotedDefect || (defect === '1,5' && f.delim !== ','))) || (kind === 'unclosed' && f.quote)) { // a later quote closes an unclosed one
        // ' ' trims to empty; '"' inside quotes and '"1,5"' with another delimiter are other texts: may fail elsewhere or pass
        if (err) assertApiError(err, ['line'], 'soft defect');
        return;
      }
      assert.ok(err, `no error for ${kind} '${defect}' on line ${where}:\n${text}`);
      assertApiError(err, [`line ${where}`], `${kind} '${defect}'`);
      if (kind === 'field' && defect !== '1,5' && defect !== '"') assert.match(err.message, new RegExp(`column "x${c}"`), err.message);
      if (kind.startsWith('ragged')) assert.match(err.message, /fields/);
    }), params(2001, 400));
});

test('wide layout without a header: defects named by line and field; ragged rows are variable lengths', () => {
  count.property();
  const wide = fc.record({
    rows: fc.array(fc.array(num, { minLength: 2, maxLength: 6 }), { minLength: 2, maxLength: 6 }),
    bom: fc.boolean(), crlf: fc.boolean(), comments: fc.boolean(),
  });
  fc.assert(fc.property(wide, fc.nat(), fc.nat(), fc.option(fc.constantFrom(...DEFECTS.filter((d) => d !== '' && d !== ' ' && d !== '1,5' && d !== '"')), { freq: 3 }), (w, rp, cp, defect) => {
    const r = rp % w.rows.length;
    const c = cp % (w.rows[r].length - 1); // not the target (the last field)
    const rows = w.rows.map((cells, i) => (i === r && defect !== null ? cells.map((x, j) => (j === c ? defect : x)) : cells));
    const { text, lineOf } = assemble(rows.map((cells) => cells.join(',')), w);
    const res = attempt(() => parseSequences(text, { format: 'wide', header: false }), defect === null ? null : [`line ${lineOf[r]}`], `wide ${defect}`);
    count.tick(!res.ok);
    if (defect === null) {
      // numeric targets: a regression, unless a target column of few distinct values... either is fine; must not fail
      assert.ok(res.ok, `a valid wide file failed: ${!res.ok && res.error.message}\n${text}`);
      for (const s of res.value.sequences) assert.ok(Array.from(s.x).every(Number.isFinite) && Array.from(s.y).every(Number.isFinite));
      assert.equal(res.value.sequences.length, w.rows.length);
    } else {
      assert.ok(!res.ok, `no error for '${defect}'`);
      assert.match(res.error.message, new RegExp(`field ${c + 1}\\b`), res.error.message);
    }
  }), params(2002, 300));
});

test('JSON: a planted defect is named by its sequence and step (syntax errors by line)', () => {
  count.property();
  const seqArb = fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 4 });
  const defects = [
    ['step', (st) => [st[0]]], ['step', (st) => [...st, 1]], ['step', () => 'x'], ['step', () => ({})], ['step', (st) => [st[0], 'NaN']],
    ['step', (st) => [st[0], null]], ['step', (st) => [1e309 * 0 || 'Infinity', st[1]]],
  ];
  fc.assert(fc.property(fc.array(seqArb, { minLength: 2, maxLength: 5 }), fc.nat(), fc.nat(), fc.option(fc.nat(defects.length - 1), { freq: 3 }), fc.boolean(),
    (seqs, sp, tp, di, syntax) => {
      const s = sp % seqs.length, t = tp % seqs[s].length;
      const data = seqs.map((steps, i) => steps.map((st, j) => (di !== null && i === s && j === t && !(i === 0 && j === 0) ? defects[di][1](st) : st)));
      let text = JSON.stringify(data, null, 1);
      let syntaxLine = 0;
      if (syntax && di === null) { // break the JSON at a known line
        const lines = text.split('\n');
        syntaxLine = 2 + (sp % (lines.length - 2));
        lines[syntaxLine - 1] = '@' + lines[syntaxLine - 1];
        text = lines.join('\n');
      }
      const planted = di !== null && !(s === 0 && t === 0);
      const res = attempt(() => parseSequences(text), planted ? [`sequence ${s + 1}`] : syntaxLine ? ['json line'] : null, `json ${json(data).slice(0, 200)}`);
      count.tick(!res.ok);
      if (planted) {
        assert.ok(!res.ok, 'a defect was accepted');
        assert.match(res.error.message, new RegExp(`sequence ${s + 1}, step ${t + 1}\\b`), res.error.message);
      } else if (syntaxLine) {
        assert.ok(!res.ok, 'broken JSON was accepted');
        assert.ok(res.error.message.startsWith(`rnnlab: json line ${syntaxLine}:`), res.error.message);
      } else assert.ok(res.ok, `valid JSON failed: ${!res.ok && res.error.message}`);
    }), params(2003, 300));
});

test('garbage text: parses to finite numbers or fails naming a line or the file-level problem', () => {
  count.property();
  const chars = fc.constantFrom(...'0123456789,;\t"\n\r#.eE-+ aN\uFEFFxy[]{}:'.split(''));
  const FILE_LEVEL = /empty|limit|classes|no sequence-id|^rnnlab: (target|inputs|id|json)\b|need at least|header|sequence \d+/;
  fc.assert(fc.property(fc.array(chars, { minLength: 0, maxLength: 120 }).map((a) => a.join('')), pick([undefined, 'long', 'wide', 'json']), (text, format) => {
    const res = attempt(() => parseSequences(text, format ? { format } : {}), null, `garbage ${json(text)}`);
    count.tick(!res.ok);
    if (res.ok) {
      for (const s of res.value.sequences) assert.ok(Array.from(s.x).every(Number.isFinite) && Array.from(s.y).every(Number.isFinite), 'non-finite values parsed');
    } else {
      assert.ok(/line \d+/.test(res.error.message) || FILE_LEVEL.test(res.error.message), `names no line: ${res.error.message}\n${json(text)}`);
    }
  }), params(2004, 600));
});

test('huge numbers and limits: refused with the limit or the line', () => {
  count.property();
  fc.assert(fc.property(fc.constantFrom('1e308', '1.7976931348623157e308', '1e309', '-1e999', '4e38', '1e-400'), fc.integer({ min: 2, max: 4 }), (big, n) => {
    const text = ['seq,x,y', ...Array.from({ length: n }, (_, i) => `s${i},${i === 1 ? big : i},${i}`)].join('\n');
    const res = attempt(() => parseSequences(text), ['line 3'], `huge ${big}`);
    count.tick(!res.ok);
    const fits = Math.abs(Number(big)) <= 3.4028234663852886e38; // float32
    assert.equal(res.ok, fits, `${big}: ${res.ok ? 'accepted' : res.error.message}`);
    if (!fits) assert.match(res.error.message, /csv line 3, column "x": .* too large/);
    if (res.ok) {
      // a finite number beyond float32 must not become Infinity in a task
      const r = attempt(() => lab.createTask('csv', { text, heldOut: 0.5, seed: 1 }), ['line', 'x', 'finite', 'large'], 'csv task of huge values');
      if (r.ok) r.value.free();
    }
  }), params(2005, 40));
  const tooMany = 'seq,x,y\n' + Array.from({ length: 2001 }, (_, t) => `a,${t},1`).join('\n');
  const res = attempt(() => parseSequences(tooMany), ['limit'], 'too many steps');
  assert.ok(!res.ok);
  count.tick(true);
});

test('csv task: random options on random files; it trains and evaluates', () => {
  count.property();
  fc.assert(fc.property(longFile, fc.oneof(fc.double({ min: 0.2, max: 0.6, noNaN: true }), fc.constantFrom(0, 1, -0.5, NaN, '0.5', null)),
    fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, 'x')), fc.option(fc.constantFrom('nope', 'heldout'), { freq: 8 }), (f, heldOut, seed, extra) => {
      const L = longLines({ ...f, seqs: Math.max(f.seqs, 3) });
      const { text } = assemble([L.header, ...L.rows.map(L.line)], f);
      const options = { text, heldOut, seed, ...(extra ? { [extra]: 1 } : {}) };
      const wrongH = !(typeof heldOut === 'number' && heldOut > 0 && heldOut < 1), wrongS = !(Number.isInteger(seed) && seed >= 0);
      const names = [...(extra ? [extra] : []), ...(wrongH ? ['heldOut'] : []), ...(wrongS ? ['seed'] : [])];
      const r = attempt(() => lab.createTask('csv', options), names.length ? names : null, `csv task ${json({ heldOut, seed, extra })}`);
      count.tick(!r.ok);
      if (names.length) { assert.ok(!r.ok, `accepted ${names}`); guard.alive(); return; }
      assert.ok(r.ok, `a valid file failed: ${!r.ok && r.error.message}`);
      const task = r.value;
      const m = lab.createModel({ ...task.modelConfig, hiddenSize: 3, seed: 1 });
      try {
        const t = lab.createTrainer(m, { learningRate: 0.01 });
        const b = task.batch(2);
        const s = t.step(b);
        assert.ok(Number.isFinite(s.loss));
        const ev = task.evaluate(m);
        assert.ok(Number.isFinite(ev.loss));
        // (options.length is accepted and ignored: a csv batch has its sequences' own lengths)
        for (const [B, o] of [[0, undefined], [-1, undefined], [1.5, undefined], ['2', undefined], [2 ** 31, undefined], [2, { nope: 1 }], [2, 'x']]) {
          const e = attempt(() => task.batch(B, o), ['batchSize', 'length', 'nope', 'batch'], `csv batch(${B}, ${json(o)})`);
          assert.ok(!e.ok, `csv batch(${B}, ${json(o)}) accepted`);
          count.tick(true);
        }
      } finally { m.free(); task.free(); task.free(); }
      guard.alive();
    }), params(2006, 80));
});

test('summary', (t) => {
  guard.alive();
  guard.free();
  t.diagnostic(count.summary('property-csv'));
});
