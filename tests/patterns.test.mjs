// lab.patterns (wasm/patterns.mjs, core/energy/patterns.c): bars-and-stripes has every one of its
// 2^(n+1) - 2 patterns exactly once; the digits are the font drawn below when noise is 0 and stay
// recognisable with noise; random bits have the asked density; everything is a function of its
// seed; bad options are refused by name. patternsFromText: your own vectors from CSV, through the
// sequence loader, are the same bits as the built-in sets and train an RBM alike.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load, patternsFromText } from '../wasm/rnnlab.mjs';

const lab = await load();

/** The 5 x 7 digits as they should look (the HD44780 character set's), transcribed by hand. */
const FONT = [
  ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
].map((rows) => Float32Array.from(rows.join(''), (ch) => (ch === '#' ? 1 : 0)));

/** row r of a set as a string of 0/1 @param {{ data: Float32Array, size: number }} set @param {number} r */
const rowKey = (set, r) => Array.from(set.data.subarray(r * set.size, (r + 1) * set.size)).join('');

test('bars-and-stripes: 2^(n+1) - 2 distinct patterns, each all-rows-equal or all-columns-equal, stripes first', () => {
  for (let n = 1; n <= 5; n++) {
    const set = lab.patterns('bars-and-stripes', { n });
    assert.deepEqual([set.kind, set.rows, set.size, set.width, set.height], ['bars-and-stripes', 2 ** (n + 1) - 2, n * n, n, n], `n = ${n}`);
    assert.equal(set.labels, undefined);
    const keys = new Set();
    for (let r = 0; r < set.rows; r++) {
      const px = (/** @type {number} */ y, /** @type {number} */ x) => set.data[r * set.size + y * n + x];
      let stripe = true, bar = true; // stripe: each row uniform (horizontal lines); bar: each column uniform
      for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) { stripe &&= px(y, x) === px(y, 0); bar &&= px(y, x) === px(0, x); }
      assert.ok(stripe || bar, `n = ${n}, row ${r} is neither bars nor stripes`);
      if (r < 2 ** n) assert.ok(stripe, `n = ${n}: the first 2^n rows are the stripes (row ${r})`);
      else assert.ok(bar && !stripe, `n = ${n}: then the bars that are not stripes (row ${r})`);
      keys.add(rowKey(set, r));
    }
    assert.equal(keys.size, set.rows, `n = ${n}: all distinct`);
    for (const v of set.data) assert.ok(v === 0 || v === 1);
  }
  // the 3 x 3 set by hand: 8 stripes + 6 bars = 14, each bit on in exactly half of the patterns
  const bas = lab.patterns('bars-and-stripes', { n: 3 });
  assert.equal(bas.rows, 14);
  for (let i = 0; i < 9; i++) {
    let on = 0;
    for (let r = 0; r < 14; r++) on += bas.data[r * 9 + i];
    assert.equal(on, 7, `unit ${i}`);
  }
  assert.deepEqual(lab.patterns('bars-and-stripes').rows, 14, 'n defaults to 3');
});

test('digits: noise 0 gives the font exactly; row r shows r mod 10; with noise they stay recognisable', () => {
  const clean = lab.patterns('digits', { count: 30 });
  assert.deepEqual([clean.rows, clean.size, clean.width, clean.height], [30, 35, 5, 7]);
  for (let r = 0; r < 30; r++) {
    assert.equal(/** @type {Int32Array} */ (clean.labels)[r], r % 10);
    assert.deepEqual(clean.data.subarray(r * 35, (r + 1) * 35), FONT[r % 10], `digit ${r % 10}`);
  }
  // the font's digits are far apart: the smallest Hamming distance between two of them
  let closest = Infinity;
  for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) closest = Math.min(closest, FONT[a].reduce((s, v, i) => s + (v !== FONT[b][i] ? 1 : 0), 0));
  assert.ok(closest >= 3, `closest pair of digits differs in ${closest} pixels`);
  // nearest-template classification of noisy digits: 5% noise flips ~1.75 of 35 pixels
  const noisy = lab.patterns('digits', { count: 2000, noise: 0.05, seed: 7 });
  let right = 0, flipped = 0;
  for (let r = 0; r < noisy.rows; r++) {
    const img = noisy.data.subarray(r * 35, (r + 1) * 35);
    const dist = FONT.map((f) => f.reduce((s, v, i) => s + (v !== img[i] ? 1 : 0), 0));
    flipped += dist[r % 10];
    if (dist.indexOf(Math.min(...dist)) === r % 10) right++;
  }
  const accuracy = right / noisy.rows, rate = flipped / (noisy.rows * 35);
  assert.ok(Math.abs(rate - 0.05) < 0.005, `flip rate ${rate}`);
  assert.ok(accuracy > 0.9, `nearest-template accuracy at noise 0.05: ${accuracy}`);
  // noise 1 flips every pixel
  const inverted = lab.patterns('digits', { count: 10, noise: 1 });
  for (let r = 0; r < 10; r++) assert.deepEqual(inverted.data.subarray(r * 35, (r + 1) * 35), FONT[r].map((v) => 1 - v));
});

test('random: the density is p; the same seed gives the same bits, another seed others', () => {
  const set = lab.patterns('random', { rows: 200, size: 50, p: 0.3, seed: 5 });
  assert.deepEqual([set.rows, set.size, set.width, set.height], [200, 50, 50, 1]);
  const mean = set.data.reduce((s, v) => s + v, 0) / set.data.length;
  assert.ok(Math.abs(mean - 0.3) < 0.02, `density ${mean}`); // 10000 bits: sd 0.0046
  assert.deepEqual(lab.patterns('random', { rows: 200, size: 50, p: 0.3, seed: 5 }).data, set.data);
  assert.notDeepEqual(lab.patterns('random', { rows: 200, size: 50, p: 0.3, seed: 6 }).data, set.data);
  assert.deepEqual(lab.patterns('digits', { count: 50, noise: 0.2, seed: 3n }).data, lab.patterns('digits', { count: 50, noise: 0.2, seed: 3 }).data);
  assert.ok(lab.patterns('random', { rows: 3, size: 4, p: 0 }).data.every((v) => v === 0));
  assert.ok(lab.patterns('random', { rows: 3, size: 4, p: 1 }).data.every((v) => v === 1));
  const d = lab.patterns('random');
  assert.deepEqual([d.rows, d.size], [10, 16], 'defaults');
});

test('bad options are refused by name', () => {
  assert.throws(() => lab.patterns(/** @type {any} */ ('stripes')), /patterns: kind must be one of 'bars-and-stripes', 'digits', 'random' \(got 'stripes'\)/);
  assert.throws(() => lab.patterns('bars-and-stripes', /** @type {any} */ ({ size: 3 })), /patterns\('bars-and-stripes'\): unknown option 'size' \(known: n\)/);
  assert.throws(() => lab.patterns('bars-and-stripes', { n: 0 }), /options\.n must be an integer in 1\.\.12 \(got 0\)/);
  assert.throws(() => lab.patterns('bars-and-stripes', { n: 13 }), /options\.n must be an integer in 1\.\.12/);
  assert.throws(() => lab.patterns('digits', { noise: 1.5 }), /patterns\('digits'\): options\.noise must be a number in \[0, 1\] \(got 1\.5\)/);
  assert.throws(() => lab.patterns('digits', { count: 0 }), /options\.count must be an integer/);
  assert.throws(() => lab.patterns('random', { p: NaN }), /options\.p must be a number in \[0, 1\] \(got NaN\)/);
  assert.throws(() => lab.patterns('random', { rows: 2 ** 20, size: 2 ** 10 }), /rows x size = 1073741824 is more than the limit/);
  assert.throws(() => lab.patterns('random', { seed: -1 }), /options\.seed must be an integer/);
  assert.throws(() => lab.patterns('digits', /** @type {any} */ ('noisy')), /options must be an object/);
  assert.equal(lab.patterns('bars-and-stripes', { n: 2 }).rows, 6, 'still works');
  assert.deepEqual(lab.patternKinds, ['bars-and-stripes', 'digits', 'random']);
});

test('patternsFromText: CSV rows through the sequence loader are the pattern set itself; an RBM trains on them alike; real values; refusals name the line', () => {
  const bas = lab.patterns('bars-and-stripes', { n: 3 });
  const csv = ['p0,p1,p2,p3,p4,p5,p6,p7,p8',
    ...Array.from({ length: bas.rows }, (_, r) => Array.from(bas.data.subarray(r * 9, r * 9 + 9)).join(','))].join('\n');
  const mine = patternsFromText(csv, { width: 3 });
  assert.deepEqual([mine.kind, mine.rows, mine.size, mine.width, mine.height, mine.binary], ['text', 14, 9, 3, 3, true]);
  assert.deepEqual(mine.data, bas.data, 'the same bits as lab.patterns, header row skipped');
  assert.deepEqual(lab.patternsFromText(csv, { height: 3 }).data, bas.data, 'also a lab method');
  // the same seed on the same bits: the same trained RBM
  const train = (/** @type {any} */ data) => {
    const rbm = lab.createRBM({ visible: 9, hidden: 16, seed: 4, data }, { method: 'cd', k: 1, learningRate: 0.1, momentum: 0.5, weightDecay: 0 });
    for (let i = 0; i < 2000; i++) rbm.step(data);
    const out = { w: rbm.getWeights().weight, ll: rbm.logLikelihood(data) };
    rbm.free();
    return out;
  };
  const a = train(bas), b = train(mine);
  assert.deepEqual(b.w, a.w);
  assert.ok(b.ll > -4, `it learns (-ln 14 = -2.64 the best): ${b.ll} nats against the uniform ${-Math.log(512)}`);
  // real vectors: kept as they are, for gaussian visibles
  const real = patternsFromText('0.5,-1.25,3\n2,0,1e-3\n', {});
  assert.deepEqual([real.rows, real.size, real.width, real.height, real.binary], [2, 3, 3, 1, false]);
  assert.deepEqual(Array.from(real.data), [0.5, -1.25, 3, 2, 0, 0.001].map(Math.fround));
  const g = lab.createRBM({ visible: 3, hidden: 2, visibleUnits: 'gaussian', seed: 1, data: real });
  assert.ok(Number.isFinite(g.logLikelihood(real)));
  g.free();
  // refusals: by line and value, or the loader's own message
  assert.throws(() => patternsFromText('0,1,1\n1,2,0\n', { binary: true }), /patternsFromText: binary vectors hold 0 or 1: line 2, value 2 is 2/);
  assert.throws(() => patternsFromText('0,1,1\n1,0\n'), /patternsFromText: line 2 has 2 values, line 1 has 3: every vector needs as many/);
  assert.throws(() => patternsFromText('0,1,1,0\n', { width: 3 }), /patternsFromText: options.height must be an integer in 1..4 \(got 1.33/);
  assert.throws(() => patternsFromText('0,1,1,0\n', { width: 2, height: 3 }), /patternsFromText: options.width x options.height must be the 4 values of a row \(got 2 x 3\)/);
  assert.throws(() => patternsFromText('0,1\n', /** @type {any} */ ({ side: 2 })), /patternsFromText: unknown option 'side' \(known: width, height, binary\)/);
  assert.throws(() => patternsFromText('0,1\n', /** @type {any} */ ({ binary: 'yes' })), /options.binary must be true or false \(got 'yes'\)/);
  assert.throws(() => patternsFromText('0,x\n1,0\n'), /csv line 1/);
  assert.throws(() => patternsFromText(''), /csv: empty \(no rows\)/);
});
