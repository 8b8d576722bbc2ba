// csv.test.mjs - your own sequences: the loader (wasm/csv.mjs: layouts, header detection, targets,
// every error with its line, the limits), the seeded split and the training-split-only
// standardisation, and the task (wasm/csvtask.mjs) through lab.train: each example file of
// web/examples trains from scratch with fixed seeds to a stated held-out error, and a bad file
// throws a line-numbered error while a model trained before gives the same outputs afterwards.
// Needs the wasm builds (make) for the task tests; the parser tests need nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSequences, splitIndices, standardization, createRng, LIMITS } from '../wasm/csv.mjs';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load();
const example = (name) => readFileSync(new URL(`../web/examples/${name}`, import.meta.url), 'utf8');
const arr = (a) => Array.from(a);

// ---- the parser ----

test('long layout: one step per row, sequence ids, header detected, per-step regression', () => {
  const d = parseSequences('seq,a,b,y\ns1,1,10,0.5\ns1,2,20,0.25\ns2,3,30,1\n# a comment\n\ns1,4,40,2\n');
  assert.equal(d.format, 'long');
  assert.deepEqual(d.inputNames, ['a', 'b']);
  assert.equal(d.targetName, 'y');
  assert.equal(d.kind, 'regression');
  assert.equal(d.targetAt, 'step');
  assert.deepEqual(d.sequences.map((s) => [s.id, s.length, s.line]), [['s1', 3, 2], ['s2', 1, 4]]);
  assert.deepEqual(arr(d.sequences[0].x), [1, 10, 2, 20, 4, 40], 'rows of a sequence need not be adjacent');
  assert.deepEqual(arr(d.sequences[0].y), [0.5, 0.25, 2]);
  assert.equal(d.maxLength, 3);
  // input selection by name and by index, target by name, the end target
  const e = parseSequences('id,a,b,y\n1,1,10,\n1,2,20,up\n2,3,30,down\n', { inputs: ['b'], target: 'y', targetAt: 'end' });
  assert.deepEqual(e.inputNames, ['b']);
  assert.deepEqual(arr(e.sequences[0].x), [10, 20]);
  assert.equal(e.kind, 'classification');
  assert.deepEqual(e.labels, ['down', 'up'], 'labels sorted');
  assert.deepEqual(e.sequences.map((s) => arr(s.y)), [[1], [0]], 'only the last row of a sequence is the target; earlier ones may be empty');
  assert.deepEqual(parseSequences('id,a,b,y\n1,1,10,3\n', { inputs: [2, 'a'] }).inputNames, ['b', 'a']);
  // quoted fields, CRLF, semicolons
  const q = parseSequences('id;"x";label\r\n"a";1.5;"x;y"\r\na;2;"he said ""no"""\r\n', { targetAt: 'step' });
  assert.deepEqual(q.labels, ['he said "no"', 'x;y']);
});

test('wide layout: one sequence per line, target last (or first), variable lengths without a header', () => {
  const d = parseSequences('1,2,3,up\n4,5,down\n6,7,8,9,up,,,\n');
  assert.equal(d.format, 'wide');
  assert.equal(d.targetAt, 'end');
  assert.deepEqual(d.sequences.map((s) => s.length), [3, 2, 4]);
  assert.deepEqual(arr(d.sequences[2].x), [6, 7, 8, 9], 'trailing empty fields (spreadsheet padding) ignored');
  assert.deepEqual(d.labels, ['down', 'up']);
  const f = parseSequences('0.5,1,2\n1.5,3,4\n', { target: 'first' });
  assert.equal(f.kind, 'regression');
  assert.deepEqual(f.sequences.map((s) => [arr(s.x), arr(s.y)]), [[[1, 2], [0.5]], [[3, 4], [1.5]]]);
  const h = parseSequences('t1,t2,t3,label\n1,2,3,a\n4,5,6,b\n');
  assert.equal(h.targetName, 'label');
  assert.equal(h.sequences.length, 2, 'header row detected');
  // numeric class labels: classification when forced, sorted numerically
  const n = parseSequences('1,2,10\n3,4,2\n5,6,10\n', { kind: 'classification' });
  assert.deepEqual(n.labels, ['2', '10']);
  assert.deepEqual(n.sequences.map((s) => s.y[0]), [1, 0, 1]);
  assert.throws(() => parseSequences('1,2,3\n', { targetAt: 'step' }), /targetAt 'step' needs the long layout/);
});

test('header detection: a numeric first row is data; header: false forces it', () => {
  assert.equal(parseSequences('1,2,3\n4,5,6\n').sequences.length, 2);
  assert.throws(() => parseSequences('a,b,c\n1,2,x\n', { header: false }), /^Error: rnnlab: csv line 1, field 1: "a" is not a number$/);
  const d = parseSequences('1,2,3\n4,5,6\n', { header: true });
  assert.equal(d.sequences.length, 1);
  assert.equal(d.targetName, '3');
  assert.equal(parseSequences('x,y,z\n1,2,3\n').sequences.length, 1, 'a header over numbers');
});

test('JSON: arrays of steps, { inputs, target(s) }, steps as numbers, arrays or named objects', () => {
  const a = parseSequences('[[[1, 2, 0.5], [3, 4, 1]], [[5, 6, 2]]]');
  assert.equal(a.format, 'json');
  assert.deepEqual(a.inputNames, ['0', '1']);
  assert.deepEqual(a.sequences.map((s) => [arr(s.x), arr(s.y)]), [[[1, 2, 3, 4], [0.5, 1]], [[5, 6], [2]]]);
  const b = parseSequences('[{"inputs": [1, 2, 3], "target": "up"}, {"inputs": [3, 2], "target": "down"}]');
  assert.equal(b.targetAt, 'end');
  assert.deepEqual(b.labels, ['down', 'up']);
  assert.deepEqual(b.sequences.map((s) => s.length), [3, 2]);
  const c = parseSequences('[{"inputs": [[1, 0], [2, 0]], "targets": [0.1, 0.2]}, {"inputs": [[3, 1]], "targets": [0.3]}]');
  assert.equal(c.targetAt, 'step');
  assert.deepEqual(arr(c.sequences[0].y), [0.1, 0.2]);
  const d = parseSequences('[[{"x": 1, "y": 2, "label": "a"}, {"x": 2, "y": 3, "label": "b"}], [{"x": 0, "y": 0, "label": "a"}]]',
    { inputs: ['y'], target: 'label', targetAt: 'end' });
  assert.deepEqual(d.inputNames, ['y']);
  assert.deepEqual(d.sequences.map((s) => arr(s.y)), [[1], [0]]);
  assert.throws(() => parseSequences('[[[1, 2], [3]]]'), /json sequence 1, step 2: expected 2 values as in the first step, found 1/);
  assert.throws(() => parseSequences('[{"inputs": [1, "x"], "target": 1}, {"inputs": [1], "target": 2}]'),
    /json sequence 1, step 2: "x" is not a number/);
  assert.throws(() => parseSequences('[[1, 2],\n [3, }'), /^Error: rnnlab: json/);
  assert.throws(() => parseSequences('{"a": 1}', { format: 'json' }), /json: expected an array of sequences/);
  assert.throws(() => parseSequences('[]'), /json: empty/);
});

test('bad files: each error names the line (and column) and the problem', () => {
  const E = (text, re, o) => assert.throws(() => parseSequences(text, o), (e) => e instanceof Error && re.test(e.message), re.source);
  E('seq,x,y,z\na,1,2,3\na,1,2,3\nb,1,2\n', /^rnnlab: csv line 4: expected 4 fields as on the header \(line 1\), found 3$/);
  E('seq,x,y\na,1,2\n\n# comment\na,abc,3\n', /^rnnlab: csv line 5, column "x": "abc" is not a number$/);
  E('seq,x,y\na,1,2\na,NaN,3\n', /^rnnlab: csv line 3, column "x": "NaN" is not a finite number/);
  E('seq,x,y\na,1,-Infinity\n', /^rnnlab: csv line 2, column "y": "-Infinity" is not a finite number/);
  E('seq,x,y\na,1e999,2\n', /^rnnlab: csv line 2, column "x": "1e999" is too large/);
  E('seq,x,y\na,1,2\nb,2,nan\n', /^rnnlab: csv line 3, column "y": "nan" is not a finite number/);
  E('seq,x,y\na,0x10,2\n', /"0x10" is not a number/);
  E('seq,x,y\na,,2\n', /^rnnlab: csv line 2, column "x": empty where a number is needed$/);
  E('', /^rnnlab: csv: empty \(no rows\)$/);
  E('\n\n# only comments\n', /^rnnlab: csv: empty/);
  E('seq,x,y\n', /^rnnlab: csv: empty \(a header on line 1 and no data rows\)$/);
  E('1,2,3\n1,x,4\n', /^rnnlab: csv line 2, field 2: "x" is not a number$/, { format: 'long' });
  E('1,2,a\n3,4,b\n5,6\n', /^rnnlab: csv line 3: expected 3 fields as on line 1, found 2$/, { format: 'long' });
  E('t1,t2,label\n1,2,a\n1,2,3,b\n', /^rnnlab: csv line 3: expected 3 fields as in the header, found 4$/);
  E('seq,x,y\na,1,"open\n', /^rnnlab: csv line 2: a quoted field is not closed$/);
  E('seq,x,y\na,1,2\n', /^rnnlab: inputs\[0\]: no column named 'q' \(columns: seq, x, y\)$/, { inputs: ['q'] });
  E('seq,x,y\na,1,2\n', /^rnnlab: target: no column named 'z'/, { target: 'z' });
  E('seq,x,y\na,1,2\n', /^rnnlab: inputs: column "y" is also the target$/, { inputs: ['x', 'y'] });
  E('seq,x,y\na,1,up\nb,2,up\n', /classification needs at least 2 classes/);
  E('seq,x,y\na,1,up\nb,2,3\n', /^rnnlab: csv line 2, column "y": "up" is not a number$/, { kind: 'regression' });
  E('seq,x,y\na,1,2\n', /^rnnlab: parseSequences: unknown option 'colums'/, { colums: 1 });
  E('seq,x,y\na,1,2\n', /^rnnlab: targetAt must be 'step' or 'end'/, { targetAt: 'last' });
});

test('limits: bytes, sequences, steps, classes, each stated in the message', () => {
  assert.throws(() => parseSequences('1'.repeat(LIMITS.bytes + 1)), /^Error: rnnlab: csv: 5,000,001 bytes is more than the 5,000,000-byte limit$/);
  assert.throws(() => parseSequences('é'.repeat(2_500_001)), /^Error: rnnlab: csv: 5,000,002 bytes is more than the 5,000,000-byte limit$/, 'UTF-8 bytes, not characters');
  assert.equal(parseSequences('# ' + '😀'.repeat(1_000_000) + '\n1,2\n3,4\n').sequences.length, 2, '4,000,003 bytes: under the limit');
  const manySeqs = 'seq,x,y\n' + Array.from({ length: LIMITS.sequences + 1 }, (_, i) => `${i},1,2`).join('\n');
  assert.throws(() => parseSequences(manySeqs), new RegExp(`csv line ${LIMITS.sequences + 2}: more than the 20,000-sequence limit`));
  const longSeq = 'seq,x,y\n' + Array.from({ length: LIMITS.steps + 1 }, () => 'a,1,2').join('\n');
  assert.throws(() => parseSequences(longSeq), new RegExp(`csv line ${LIMITS.steps + 2}: sequence "a" is longer than the 2,000-step limit`));
  const wideRow = Array.from({ length: LIMITS.steps + 1 }, () => '1').join(',') + ',a\n1,b\n';
  assert.throws(() => parseSequences(wideRow), /csv line 1: 2,001 time steps is more than the 2,000-step limit/);
  const classes = 'seq,x,y\n' + Array.from({ length: LIMITS.classes + 1 }, (_, i) => `${i},1,c${i}`).join('\n');
  assert.throws(() => parseSequences(classes), /101 classes in 'y' is more than the 100-class limit/);
});

// ---- split and standardisation ----

test('the split is deterministic for a seed, differs across seeds, and keeps every sequence once', () => {
  const a = splitIndices(50, 0.2, 7), b = splitIndices(50, 0.2, 7), c = splitIndices(50, 0.2, 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.heldout, c.heldout);
  assert.equal(a.heldout.length, 10);
  assert.deepEqual([...a.train, ...a.heldout].sort((x, y) => x - y), [...Array(50).keys()]);
  assert.deepEqual(splitIndices(2, 0.01, 1).heldout.length, 1, 'at least one held out');
  // the PRNG is core/rng.h's splitmix64: same first draws for seed 1
  const r = createRng(1);
  assert.deepEqual([r.u32(), r.u32()], [createRng(1).u32(), (() => { const q = createRng(1); q.u32(); return q.u32(); })()]);
});

test('standardisation uses the training split only (held-out values do not move it; std 0 becomes 1)', () => {
  const text = 'seq,x,c,y\n' + ['a,1,5,10', 'a,3,5,20', 'b,5,5,30', 'c,1000,5,9999', 'd,7,5,40'].join('\n');
  const d = parseSequences(text);
  const st = standardization(d, [0, 1, 3]); // sequences a, b, d
  assert.deepEqual(Array.from(st.inputMean), [4, 5]);
  assert.equal(st.inputStd[0], Math.sqrt(((1 - 4) ** 2 + (3 - 4) ** 2 + (5 - 4) ** 2 + (7 - 4) ** 2) / 4));
  assert.equal(st.inputStd[1], 1, 'a constant column gets std 1');
  assert.equal(st.targetMean, 25);
  // through the task: the held-out sequence's extreme value is not in the statistics
  for (const seed of [1, 2, 3]) {
    const task = lab.createTask('csv', { text, heldOut: 0.25, seed });
    const trainSeqs = task.splitIndices.train.map((j) => d.sequences[j]);
    const xs = trainSeqs.flatMap((s) => Array.from(s.x).filter((_, k) => k % 2 === 0));
    const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
    assert.ok(Math.abs(task.stats.inputMean[0] - mean) < 1e-9, `seed ${seed}: mean of the training split`);
    const ys = trainSeqs.flatMap((s) => Array.from(s.y));
    assert.ok(Math.abs(task.stats.targetMean - ys.reduce((p, q) => p + q, 0) / ys.length) < 1e-9);
    // batches carry standardised values of training sequences only
    const b = task.batch(4);
    const I = 2;
    for (let k = 0; k < b.inputs.length; k += I) {
      if (b.mask[k / I] === 0) continue;
      const raw = b.inputs[k] * task.stats.inputStd[0] + task.stats.inputMean[0];
      assert.ok(xs.some((x) => Math.abs(x - raw) < 1e-3), `batch input ${raw} comes from the training split`);
    }
    task.free();
  }
});

test('createTask csv: shapes, padding and mask for variable lengths, deterministic batches, argument errors', () => {
  const text = 'id,x,y\n' + ['a,1,1', 'a,2,2', 'a,3,3', 'b,1,1', 'c,4,4', 'c,5,5', 'd,1,0', 'e,2,2'].join('\n');
  const t1 = lab.createTask('csv', { text, seed: 3 }), t2 = lab.createTask('csv', { text, seed: 3 });
  assert.deepEqual(t1.modelConfig, { inputSize: 1, input: 'dense', outputSize: 1, output: 'linear' });
  assert.equal(t1.name, 'csv');
  assert.deepEqual(t1.split, { train: 4, heldout: 1 });
  for (let i = 0; i < 5; i++) assert.deepEqual(t1.batch(3), t2.batch(3));
  const b = t1.batch(8);
  assert.equal(b.inputs.length, 8 * b.length);
  for (let r = 0; r < 8; r++) { // mask: a prefix of ones, then zeros
    const m = Array.from(b.mask.subarray(r * b.length, (r + 1) * b.length));
    const L = m.lastIndexOf(1) + 1;
    assert.ok(L >= 1 && m.slice(0, L).every((v) => v === 1) && m.slice(L).every((v) => v === 0), String(m));
  }
  t1.reset();
  const again = lab.createTask('csv', { text, seed: 3 });
  assert.deepEqual(t1.batch(5), again.batch(5), 'reset restarts the stream');
  const cls = lab.createTask('csv', { text: '1,2,3,up\n3,2,down\n4,5,6,7,up\n', heldOut: 0.34 });
  assert.deepEqual(cls.modelConfig, { inputSize: 1, input: 'dense', outputSize: 2, output: 'softmax' });
  const cb = cls.batch(2);
  for (let r = 0; r < 2; r++) { // end target: exactly one masked step with a class id, -1 elsewhere
    const m = Array.from(cb.mask.subarray(r * cb.length, (r + 1) * cb.length)), tg = Array.from(cb.targets.subarray(r * cb.length, (r + 1) * cb.length));
    assert.equal(m.filter((v) => v === 1).length, 1);
    assert.deepEqual(tg.filter((v) => v !== -1).length, 1);
    assert.equal(tg.indexOf(tg.find((v) => v !== -1)), m.indexOf(1));
  }
  assert.throws(() => lab.createTask('csv', {}), /give either text \(CSV or JSON\) or data/);
  assert.throws(() => lab.createTask('csv', { text, heldOut: 1 }), /heldOut must be a fraction in \(0, 1\)/);
  assert.throws(() => lab.createTask('csv', { text, seed: -1 }), /seed must be an integer/);
  assert.throws(() => lab.createTask('csv', { text, colour: 1 }), /unknown option 'colour'/);
  assert.throws(() => lab.createTask('csv', { text: 'id,x,y\na,1,2\n' }), /1 sequence: need at least 2/);
  assert.throws(() => lab.createTask('csv', { text: new Uint8Array(3) }), /text must be a string/);
  // the data form: parse once (e.g. in a worker), create the task from the result
  const parsed = parseSequences(text);
  const t3 = lab.createTask('csv', { data: structuredClone(parsed), seed: 3 });
  assert.deepEqual(t3.batch(4), lab.createTask('csv', { text, seed: 3 }).batch(4));
  assert.throws(() => lab.createTask('csv', { data: { ...parsed, kind: 'ranking' } }), /data.kind must be/);
  assert.throws(() => lab.createTask('csv', { data: parsed, inputs: ['x'] }), /option inputs is for text/);
  const model = lab.createModel({ cell: 'gru', inputSize: 3, input: 'dense', hiddenSize: 4, outputSize: 1, output: 'linear' });
  assert.throws(() => t3.evaluate(model), /does not fit this csv task/);
  t3.free();
  t3.free();
  assert.throws(() => t3.batch(1), /task has been freed/);
  for (const t of [t1, t2, again, cls]) t.free();
  model.free();
});

// ---- learning: the two example files ----

/** Trains a fresh LSTM on an example file; returns the task, model and run. */
async function trainExample(file, train) {
  const task = lab.createTask('csv', { text: example(file), seed: 1 });
  const model = lab.createModel({ ...task.modelConfig, cell: 'lstm', hiddenSize: 16, seed: 1 });
  const t0 = performance.now();
  const result = await lab.train({ task, model, batchSize: 16, evalEvery: 100, trainerOptions: { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 }, ...train });
  return { task, model, result, seconds: (performance.now() - t0) / 1000 };
}

test('example sine-phase.csv: next clean value, held-out RMSE < 0.2 and < 0.3x predicting the mean', async (t) => {
  const { task, model, result, seconds } = await trainExample('sine-phase.csv', { maxSteps: 400 });
  const r = result.test;
  t.diagnostic(`sine-phase: ${result.steps} steps, ${seconds.toFixed(2)} s; held-out RMSE ${r.rmse.toFixed(4)}, mean baseline ${r.baselineRmse.toFixed(4)}, ratio ${r.ratio.toFixed(3)}`);
  assert.equal(task.kind, 'regression');
  assert.deepEqual(task.split, { train: 64, heldout: 16 });
  assert.ok(r.rmse < 0.2, `RMSE ${r.rmse}`);
  assert.ok(r.ratio < 0.3, `ratio ${r.ratio}`);
  assert.ok(r.baselineRmse > 0.5, `baseline ${r.baselineRmse}`);
  // predictions against the truth for one held-out sequence, in the data's units
  const p = task.predict(model, 0);
  assert.equal(p.truth.length, p.length);
  assert.equal(p.prediction.length, p.length);
  assert.equal(p.every.length, p.length);
  const rmse0 = Math.sqrt(p.truth.reduce((s, y, k) => s + (y - p.prediction[k]) ** 2, 0) / p.length);
  assert.ok(rmse0 < 0.3, `sequence 0 RMSE ${rmse0}`);
  const seq = task.data.sequences[task.splitIndices.heldout[0]];
  assert.deepEqual(p.truth, Array.from(seq.y), 'truth in original units');
  assert.throws(() => task.predict(model, 16), /index must be an integer in 0\.\.15/);
  task.free();
  model.free();
});

test('example two-class.csv: rising vs falling chirp, >= 95% held-out accuracy', async (t) => {
  const { task, model, result, seconds } = await trainExample('two-class.csv', { maxSteps: 600 });
  const r = result.test;
  t.diagnostic(`two-class: ${result.stop} after ${result.steps} steps, ${seconds.toFixed(2)} s; held-out accuracy ${r.accuracy.toFixed(4)} (majority ${r.baselineAccuracy.toFixed(3)}) on ${r.sequences}`);
  assert.deepEqual(task.labels, ['falling', 'rising']);
  assert.equal(task.targetAt, 'end');
  assert.equal(r.sequences, 40);
  assert.ok(r.accuracy >= 0.95, `accuracy ${r.accuracy}`);
  const p = task.predict(model, 3);
  assert.equal(p.truth.length, 1);
  assert.equal(p.probabilities.length, p.length * 2);
  task.free();
  model.free();
});

test('a malformed CSV throws a line-numbered error and leaves a trained model in the same lab intact', async () => {
  const { task, model } = await trainExample('sine-phase.csv', { maxSteps: 50 });
  const probe = task.batch(4);
  const before = model.forward(probe).outputs;
  const weights = model.getWeights();
  const good = example('sine-phase.csv').split('\n');
  good[9] = '2,0.5'; // line 10: a field short
  assert.throws(() => lab.createTask('csv', { text: good.join('\n') }), /^Error: rnnlab: csv line 10: expected 3 fields as on the header \(line 2\), found 2$/);
  good[9] = '2,0.5,oops';
  assert.throws(() => lab.createTask('csv', { text: good.join('\n'), kind: 'regression' }), /^Error: rnnlab: csv line 10, column "next": "oops" is not a number$/);
  assert.deepEqual(model.forward(probe).outputs, before, 'same outputs');
  assert.deepEqual(model.getWeights(), weights, 'same weights');
  assert.ok(task.evaluate(model).rmse > 0, 'the task still works');
  task.free();
  model.free();
});
