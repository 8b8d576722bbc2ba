// Hopfield networks (issue 13): lab.createHopfield, store / recall / energy / getWeights / free,
// the Learner protocol (kind 'hopfield', file kind 4), lab.hopfieldCapacity. The proofs:
// asynchronous T = 0 updates never raise the energy (replayed here from the recorded flips and
// recomputed in double from getWeights, on many random nets); synchronous updates cycle with
// period 2 on the two-unit example; stored patterns are fixed points at small P/N; Hebb's recall
// collapses near alpha = 0.14 and Storkey's holds where Hebb's has failed; Glauber dynamics at a
// high temperature forget the pattern; same seed, same bits (SIMD and scalar builds alike); bad
// input throws naming the argument and changes nothing. Random +-1 patterns throughout.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';
import { fileKind } from '../wasm/names.mjs';

const lab = await load();

/** splitmix-free small LCG for test data: random +-1 patterns, reproducible */
function randomPatterns(rows, size, seed) {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(rows * size);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s & 0x10000 ? 1 : -1;
  }
  return out;
}
/** uniform [0, 1) from an LCG state object */
const uniform = (st) => ((st.s = (Math.imul(st.s, 1664525) + 1013904223) >>> 0) / 2 ** 32);

/** E(s) = -1/2 s W s - b s in double, from getWeights */
function energyOf({ weight, bias }, s) {
  const N = bias.length;
  let e = 0;
  for (let i = 0; i < N; i++) {
    let f = 0;
    for (let j = 0; j < N; j++) f += weight[i * N + j] * s[j];
    e -= 0.5 * s[i] * f + bias[i] * s[i];
  }
  return e;
}

const row = (x, N, r) => x.subarray(r * N, (r + 1) * N);

test('the protocol members of a learner, and learningRate is the fixed storage rate 1/N', () => {
  const hop = lab.createHopfield({ size: 50, seed: 4 });
  try {
    const types = { step: 'function', evaluate: 'function', trace: 'function', save: 'function', free: 'function',
      learningRate: 'number', trainerOptions: 'object', steps: 'number', freed: 'boolean', kind: 'string' };
    for (const [member, type] of Object.entries(types)) assert.equal(typeof /** @type {any} */ (hop)[member], type, member);
    assert.equal(hop.kind, 'hopfield');
    assert.equal(hop.learningRate, Math.fround(1 / 50));
    assert.deepEqual(hop.trainerOptions, { rule: 'hebb', bias: 'none' });
    assert.throws(() => { hop.learningRate = 0.1; }, /^Error: rnnlab: learningRate: a Hopfield network stores patterns in closed form at the rate 1\/N = 1\/50; there is no learning rate to set \(got 0\.1\)$/);
    assert.equal(hop.steps, 0);
    const r = hop.step(randomPatterns(3, 50, 1));
    assert.deepEqual(r, { loss: 0, gradNorm: 0, clipped: false });
    assert.equal(hop.steps, 1);
    assert.equal(hop.stored, 3);
    assert.equal(hop.seed, 4);
    assert.equal(hop.size, 50);
  } finally { hop.free(); }
});

test('Hebb weights are (1/N) sum x x^T with a zero diagonal; a 0/1 pattern set is stored as 2x - 1; mean biases', () => {
  const N = 30, P = 4, x = randomPatterns(P, N, 7);
  const a = lab.createHopfield({ size: N, bias: true }), b = lab.createHopfield({ size: N, bias: true });
  try {
    a.store(x);
    b.store({ rows: P, size: N, data: x.map((v) => (v + 1) / 2) }); // lab.patterns' 0/1 format
    const wa = a.getWeights(), wb = b.getWeights();
    assert.deepEqual(wa, wb);
    for (let i = 0; i < N; i++) {
      let mean = 0;
      for (let mu = 0; mu < P; mu++) mean += x[mu * N + i] / P;
      assert.ok(Math.abs(wa.bias[i] - mean) < 1e-6, `bias ${i}`);
      for (let j = 0; j < N; j++) {
        let w = 0;
        if (i !== j) for (let mu = 0; mu < P; mu++) w += x[mu * N + i] * x[mu * N + j] / N;
        assert.ok(Math.abs(wa.weight[i * N + j] - w) < 1e-6, `W[${i}][${j}]`);
        assert.equal(wa.weight[i * N + j], wa.weight[j * N + i]);
      }
    }
    assert.equal(a.bias, 'mean');
    assert.deepEqual(a.getPatterns(), { rows: P, size: N, data: Int8Array.from(x) });
    a.setWeights({ bias: new Float32Array(N) });
    assert.equal(a.bias, 'fixed');
    a.clear();
    assert.equal(a.stored, 0);
    assert.equal(a.bias, 'mean');
    assert.ok(a.getWeights().weight.every((v) => v === 0));
  } finally { a.free(); b.free(); }
});

test('asynchronous T = 0 updates never raise the energy: many random nets, every flip replayed in double', () => {
  const st = { s: 12345 };
  let runs = 0, flips = 0;
  for (let trial = 0; trial < 60; trial++) {
    const N = 8 + Math.floor(uniform(st) * 90), kind = trial % 3;
    const hop = lab.createHopfield({ size: N, rule: kind === 1 ? 'storkey' : 'hebb', seed: trial });
    try {
      if (kind < 2) hop.store(randomPatterns(1 + Math.floor(uniform(st) * (N / 4)), N, trial + 1));
      else { // random symmetric weights with a zero diagonal, random biases
        const weight = new Float32Array(N * N), bias = new Float32Array(N);
        for (let i = 0; i < N; i++) {
          bias[i] = uniform(st) - 0.5;
          for (let j = i + 1; j < N; j++) weight[i * N + j] = weight[j * N + i] = 2 * uniform(st) - 1;
        }
        hop.setWeights({ weight, bias });
      }
      const w = hop.getWeights();
      // a random start with some unknown (0) units: a partial pattern
      const start = Float32Array.from({ length: N }, () => { const u = uniform(st); return u < 0.2 ? 0 : u < 0.6 ? 1 : -1; });
      for (const order of /** @type {const} */ (['random', 'sequential'])) {
        const r = hop.recall(start, { order, seed: trial });
        assert.equal(r.updates, r.sweeps * N);
        assert.equal(r.energy.length, r.updates + 1);
        const s = Float64Array.from(start);
        let prev = energyOf(w, s), k = 0;
        assert.ok(Math.abs(r.energy[0] - prev) <= 1e-5 * (1 + Math.abs(prev)), 'energy[0] is E(start)');
        for (let u = 1; u <= r.updates; u++) {
          for (; k < r.flips.update.length && r.flips.update[k] === u; k++) {
            assert.notEqual(s[r.flips.unit[k]], r.flips.value[k], 'a flip changes its unit');
            s[r.flips.unit[k]] = r.flips.value[k];
          }
          const e = energyOf(w, s);
          assert.ok(e <= prev + 1e-9 * (1 + Math.abs(prev)), `trial ${trial} (${order}): E rose from ${prev} to ${e} at update ${u}`);
          assert.ok(r.energy[u] <= r.energy[u - 1], `trial ${trial}: the recorded trace rose at update ${u}`);
          assert.ok(Math.abs(r.energy[u] - e) <= 1e-4 * (1 + Math.abs(e)), `trial ${trial}: trace ${r.energy[u]} vs ${e}`);
          prev = e;
        }
        assert.equal(k, r.flips.update.length);
        assert.deepEqual(Array.from(s), Array.from(r.state), 'the replayed flips end in the final state');
        assert.equal(r.finalEnergy, Math.fround(hop.energy(r.state)));
        assert.ok(r.converged && r.period === 1, `trial ${trial}: T = 0 asynchronous dynamics converge`);
        assert.equal(hop.trace(r.state).unstable, 0, 'a converged state is a fixed point');
        runs++, flips += r.flips.update.length;
      }
    } finally { hop.free(); }
  }
  assert.equal(runs, 120);
  assert.ok(flips > 1000, `${flips} flips replayed`);
});

test('synchronous updates cycle with period 2 on W = [[0,-1],[-1,0]] from s = [1,1]; asynchronous ones converge', () => {
  const hop = lab.createHopfield({ size: 2 });
  try {
    hop.setWeights({ weight: new Float32Array([0, -1, -1, 0]) });
    const r = hop.recall(new Int8Array([1, 1]), { update: 'sync', maxSweeps: 50 });
    assert.equal(r.period, 2);
    assert.equal(r.converged, false);
    assert.equal(r.sweeps, 2); // [1,1] -> [-1,-1] -> [1,1]: detected, nothing else can follow
    assert.deepEqual(Array.from(r.state), [1, 1]);
    assert.deepEqual(Array.from(r.energy), [1, 1, 1]);
    assert.deepEqual([...r.flips.update], [1, 1, 2, 2]);
    assert.deepEqual([...r.flips.value], [-1, -1, 1, 1]);
    const one = hop.recall(new Int8Array([1, 1]), { update: 'sync', maxSweeps: 1 });
    assert.deepEqual([Array.from(one.state), one.period, one.converged], [[-1, -1], 0, false]);
    const seq = hop.recall(new Int8Array([1, 1]), { order: 'sequential' });
    assert.deepEqual(Array.from(seq.state), [-1, 1]);
    assert.deepEqual(Array.from(seq.energy), [1, -1, -1, -1, -1]); // two sweeps of two updates: the second changes nothing
    assert.equal(seq.converged, true);
    assert.equal(seq.sweeps, 2);
  } finally { hop.free(); }
});

test('stored patterns are fixed points at N = 200, P = 5; negations and mixtures are named; partial patterns complete', () => {
  const N = 200, P = 5, x = randomPatterns(P, N, 99);
  const hop = lab.createHopfield({ size: N, seed: 5 });
  try {
    assert.equal(hop.step(x).loss, 0);
    assert.equal(hop.trace(x).loss, 0);
    for (let mu = 0; mu < P; mu++) {
      const r = hop.recall(row(x, N, mu), { seed: mu });
      assert.deepEqual(Array.from(r.state), Array.from(row(x, N, mu)), `pattern ${mu}`);
      assert.deepEqual([r.sweeps, r.converged, r.flips.update.length], [1, true, 0]);
      assert.equal(r.overlaps[mu], 1);
      assert.deepEqual(r.landedIn, { kind: 'pattern', index: mu, distance: 0 });
      assert.ok(r.energy.every((e) => e === r.energy[0]));
    }
    const neg = hop.recall(row(x, N, 2).map((v) => -v));
    assert.deepEqual(neg.landedIn, { kind: 'negation', index: 2, distance: 0 });
    assert.equal(neg.overlaps[2], -1);
    // the symmetric 3-mixture sign(x1 - x3 + x4) is a fixed point at this load (Amit et al. 1985)
    const mix = Float32Array.from({ length: N }, (_, i) => Math.sign(x[1 * N + i] - x[3 * N + i] + x[4 * N + i]));
    const rm = hop.recall(mix);
    assert.equal(rm.landedIn.kind, 'mixture');
    assert.deepEqual(rm.landedIn, { kind: 'mixture', patterns: [1, 3, 4], signs: [1, -1, 1], distance: 0 });
    for (const mu of [1, 3, 4]) assert.ok(Math.abs(rm.overlaps[mu]) > 0.3, 'a mixture overlaps each of its three');
    const random = hop.classify(randomPatterns(1, N, 1234));
    assert.equal(random.kind, 'spurious');
    // a partial pattern: half the units unknown (0) fill in
    const half = hop.corrupt(row(x, N, 0), { erase: 0.5, seed: 3 });
    assert.equal(half.filter((v) => v === 0).length, 100);
    assert.deepEqual(hop.recall(half).landedIn, { kind: 'pattern', index: 0, distance: 0 });
    // 20% flipped: recalled
    const noisy = hop.corrupt(row(x, N, 4), { flip: 0.2, seed: 8 });
    assert.equal(noisy.reduce((n, v, i) => n + (v !== x[4 * N + i] ? 1 : 0), 0), 40);
    const rn = hop.recall(noisy);
    assert.deepEqual(rn.landedIn, { kind: 'pattern', index: 4, distance: 0 });
    assert.ok(rn.energy[rn.energy.length - 1] < rn.energy[0]);
    const ev = hop.evaluate(null, { noise: 0.2, seed: 2 });
    assert.deepEqual([ev.accuracy, ev.loss, ev.overlap, ev.sequences, ev.steps, ev.solved, ev.stable], [1, 0, 1, 5, 1000, true, 1]);
  } finally { hop.free(); }
});

/** the standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7) @param {number} x */
function phi(x) {
  const z = Math.abs(x) / Math.SQRT2, t = 1 / (1 + 0.3275911 * z);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** overlap at alpha in a capacity result @param {any} c @param {number} alpha */
const at = (c, alpha) => c.points.find((p) => p.alpha === alpha).overlap;

test('capacity: Hebb recall collapses near alpha_c = 0.138 at N = 400; Storkey still recalls where Hebb fails', () => {
  const alphas = [0.05, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.25, 0.3];
  const opts = { size: 400, alphas, trials: 4, noise: 0.1, seed: 1 };
  const hebb = lab.hopfieldCapacity({ ...opts, rule: 'hebb' });
  const storkey = lab.hopfieldCapacity({ ...opts, rule: 'storkey', alphas: [0.1, 0.2, 0.25] });
  const table = hebb.points.map((p) => `${p.alpha}: ${p.overlap.toFixed(3)}`).join(', ');
  assert.equal(hebb.alphaC, 0.138);
  assert.deepEqual(hebb.points.map((p) => p.patterns), [20, 40, 48, 56, 64, 72, 80, 100, 120]);
  assert.deepEqual(hebb.points.map((p) => p.probes), hebb.points.map((p) => 4 * p.patterns));
  // below alpha_c: recalled; above: collapsed (finite N smears the transition over ~0.14..0.25)
  for (const a of [0.05, 0.1, 0.12]) assert.ok(at(hebb, a) > 0.97, `Hebb at ${a}: ${table}`);
  assert.ok(at(hebb, 0.2) < 0.7, `Hebb at 0.2: ${table}`);
  for (const a of [0.25, 0.3]) assert.ok(at(hebb, a) < 0.5, `Hebb at ${a}: ${table}`);
  const first = hebb.points.find((p) => p.overlap < 0.9);
  assert.ok(first && first.alpha >= 0.14 && first.alpha <= 0.2, `the collapse (overlap < 0.9) begins at ${first?.alpha}: ${table}`);
  for (let i = 2; i < hebb.points.length; i++) assert.ok(hebb.points[i].overlap <= hebb.points[i - 1].overlap + 0.01, `falls: ${table}`);
  // the stored bits that are not fixed points: the crosstalk of P - 1 other patterns is about
  // N(0, (P - 1)/N), so a bit flips with probability Phi(-1/sqrt((P - 1)/N)) (Hertz, Krogh & Palmer 1991, 2.2)
  for (const p of hebb.points) {
    const theory = phi(-1 / Math.sqrt((p.patterns - 1) / 400));
    assert.ok(Math.abs(1 - p.stable - theory) < 0.003, `alpha ${p.alpha}: unstable ${(1 - p.stable).toFixed(5)}, theory ${theory.toFixed(5)}`);
  }
  // Storkey: full recall at 0.25, where Hebb's overlap is below 0.5
  const s = storkey.points.map((p) => `${p.alpha}: ${p.overlap.toFixed(3)}`).join(', ');
  for (const a of [0.1, 0.2, 0.25]) assert.ok(at(storkey, a) > 0.98, `Storkey at ${a}: ${s}`);
  assert.ok(at(storkey, 0.25) - at(hebb, 0.25) > 0.4, `Storkey vs Hebb at 0.25: ${s} / ${table}`);
  assert.equal(storkey.rule, 'storkey');
});

test('Glauber dynamics: at a high temperature the overlap falls to about 0; at a low one the pattern stays', () => {
  const N = 200, x = randomPatterns(5, N, 21);
  const hop = lab.createHopfield({ size: N });
  try {
    hop.store(x);
    let sum = 0;
    for (let seed = 0; seed < 10; seed++) {
      const r = hop.recall(row(x, N, 0), { temperature: 20, maxSweeps: 20, seed });
      assert.equal(r.sweeps, 20);
      for (const m of r.overlaps) assert.ok(Math.abs(m) < 0.3, `T = 20: overlap ${m}`);
      sum += r.overlaps[0];
    }
    assert.ok(Math.abs(sum / 10) < 0.1, `T = 20: mean overlap ${sum / 10}`);
    const cold = hop.recall(row(x, N, 0), { temperature: 0.1, maxSweeps: 20, seed: 1 });
    assert.ok(cold.overlaps[0] > 0.9, `T = 0.1: overlap ${cold.overlaps[0]}`);
    // a long sampling run without the record (a recorded run is limited to 2^24 updates)
    assert.throws(() => hop.recall(row(x, N, 0), { temperature: 20, maxSweeps: 100000 }), /maxSweeps: a recorded recall of up to 20000000 updates exceeds the trace limit of 16777216 \(fewer sweeps, or record: false\)/);
    const long = hop.recall(row(x, N, 0), { temperature: 20, maxSweeps: 2000, record: false });
    assert.deepEqual([long.sweeps, long.updates, long.energy.length, long.flips.unit.length], [2000, 400000, 0, 0]);
    assert.equal(long.finalEnergy, Math.fround(hop.energy(long.state)));
    const sync = hop.recall(row(x, N, 0), { update: 'sync', temperature: 20, maxSweeps: 10, seed: 1 });
    assert.ok(Math.abs(sync.overlaps[0]) < 0.3 && sync.energy.length === 11);
  } finally { hop.free(); }
});

test('same seed, same bits: recalls, stores, capacity; the SIMD and scalar builds agree', async () => {
  const scalar = await load({ simd: false });
  const N = 120, x = randomPatterns(20, N, 5);
  const make = (/** @type {any} */ l) => { const h = l.createHopfield({ size: N, rule: 'storkey', seed: 77 }); h.store(x); return h; };
  const [a, b, c] = [make(lab), make(lab), make(scalar)];
  try {
    assert.deepEqual(a.save(), b.save());
    assert.deepEqual(a.save(), c.save());
    const start = a.corrupt(row(x, N, 3), { flip: 0.3, seed: 9 });
    assert.deepEqual(start, c.corrupt(row(x, N, 3), { flip: 0.3, seed: 9 }));
    for (const options of [{}, { seed: 3 }, { temperature: 0.5, seed: 4, maxSweeps: 5 }, { update: 'sync', temperature: 1, seed: 2, maxSweeps: 5 }]) {
      const [ra, rb, rc] = [a.recall(start, options), b.recall(start, options), c.recall(start, options)];
      assert.deepEqual(ra, rb);
      assert.deepEqual(ra, rc, `scalar build: ${JSON.stringify(options)}`);
    }
    assert.notDeepEqual(a.recall(start, { seed: 1, temperature: 0.5, maxSweeps: 3 }).flips, a.recall(start, { seed: 2, temperature: 0.5, maxSweeps: 3 }).flips);
    assert.deepEqual(a.recall(start).flips, a.recall(start, { seed: 77 }).flips, 'the default seed is the network\'s');
    const opts = { size: 64, alphas: [0.1, 0.3], trials: 2, seed: 9 };
    assert.deepEqual(lab.hopfieldCapacity(opts), scalar.hopfieldCapacity(opts));
    assert.notDeepEqual(lab.hopfieldCapacity(opts), lab.hopfieldCapacity({ ...opts, seed: 10 }));
    // a point does not depend on the other alphas or sizes asked
    const both = lab.hopfieldCapacity({ ...opts, size: undefined, sizes: [32, 64] });
    assert.deepEqual(both.points.slice(2), lab.hopfieldCapacity(opts).points);
  } finally { a.free(); b.free(); c.free(); }
});

test('save -> lab.loadLearner: file kind 4, bit-exact, the next store and recall alike; bad bytes refused', () => {
  const N = 40, x = randomPatterns(6, N, 3);
  const hop = lab.createHopfield({ size: N, rule: 'storkey', bias: true, seed: 12 });
  try {
    hop.step(row(x, N, 0)), hop.step(x.subarray(N, 4 * N));
    const bytes = hop.save();
    assert.equal(fileKind(bytes), 'hopfield');
    assert.equal(bytes[7], 4);
    const back = /** @type {any} */ (lab.loadLearner(bytes));
    try {
      assert.equal(back.kind, 'hopfield');
      assert.deepEqual([back.size, back.rule, back.bias, back.stored, back.steps, back.seed], [N, 'storkey', 'mean', 4, 2, 12]);
      assert.deepEqual(back.getWeights(), hop.getWeights());
      assert.deepEqual(back.save(), bytes);
      const next = x.subarray(4 * N);
      assert.equal(back.step(next).loss, hop.step(next).loss);
      assert.deepEqual(back.save(), hop.save());
      const probe = hop.corrupt(row(x, N, 1), { flip: 0.2, seed: 1 });
      assert.deepEqual(back.recall(probe), hop.recall(probe));
      assert.deepEqual(back.evaluate(null, { seed: 4 }), hop.evaluate(null, { seed: 4 }));
    } finally { back.free(); }
    assert.ok(back.freed);
    assert.deepEqual(lab.loadHopfield(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).getWeights().bias.length, N);
    assert.throws(() => lab.loadLearner(bytes, { trainerOptions: { learningRate: 0.1 } }), /loadLearner: options\.trainerOptions is for plain models; a Hopfield network stores patterns in closed form/);
    const bad = bytes.slice();
    bad[100] ^= 1;
    assert.throws(() => lab.loadHopfield(bad), /^Error: rnnlab: checksum mismatch: file is corrupted$/);
    assert.throws(() => lab.loadHopfield(bytes.subarray(0, bytes.length - 1)), /truncated: expected \d+ bytes, got \d+/);
    const model = lab.createModel({ inputSize: 2, hiddenSize: 3, outputSize: 2 });
    assert.throws(() => lab.loadHopfield(model.save()), /a file of kind 1, a model \(lab\.loadModel\), not a Hopfield network \(kind 4\)/);
    model.free();
    assert.throws(() => lab.loadHopfield(/** @type {any} */ ('x')), /loadHopfield: bytes must be a Uint8Array or ArrayBuffer/);
  } finally { hop.free(); }
});

test('bad input throws naming the argument, and the network stays as it was and usable', () => {
  const N = 20, x = randomPatterns(2, N, 8);
  assert.throws(() => lab.createHopfield({ size: 1 }), /^Error: rnnlab: createHopfield: options\.size must be an integer in 2\.\.4096 \(got 1\)$/);
  assert.throws(() => lab.createHopfield({ size: 4097 }), /options\.size must be an integer in 2\.\.4096 \(got 4097\)/);
  assert.throws(() => lab.createHopfield({ size: 2.5 }), /options\.size must be an integer/);
  assert.throws(() => lab.createHopfield(/** @type {any} */ ({})), /createHopfield: options\.size \(the number of units\) is required/);
  assert.throws(() => lab.createHopfield(/** @type {any} */ ({ size: 8, rule: 'oja' })), /options\.rule must be 'hebb' or 'storkey' \(got 'oja'\)/);
  assert.throws(() => lab.createHopfield(/** @type {any} */ ({ size: 8, bias: 'mean' })), /options\.bias must be true/);
  assert.throws(() => lab.createHopfield(/** @type {any} */ ({ size: 8, units: 8 })), /createHopfield: unknown option 'units'/);
  const hop = lab.createHopfield({ size: N });
  try {
    hop.store(x);
    const before = hop.save();
    const bad = (/** @type {number} */ i, /** @type {number} */ v) => { const p = x.slice(); p[i] = v; return p; };
    assert.throws(() => hop.store(bad(25, 0.5)), /^Error: rnnlab: patterns\[25\] = 0\.5: Hopfield units are -1 or \+1$/);
    assert.throws(() => hop.store(bad(3, NaN)), /^Error: rnnlab: patterns\[3\] is NaN: Hopfield units are -1 or \+1$/);
    assert.throws(() => hop.store(bad(3, 0)), /patterns\[3\] is 0: Hopfield units are -1 or \+1 \(map 0\/1 data with 2x - 1, or pass a pattern set/);
    assert.throws(() => hop.store(x.subarray(0, 30)), /patterns must hold a whole number of patterns of 20 units \(got 30 values\)/);
    assert.throws(() => hop.store(new Float32Array(0)), /patterns must hold a whole number of patterns/);
    assert.throws(() => hop.store(/** @type {any} */ ('abc')), /patterns must be a Float32Array or Int8Array of -1\/\+1 values/);
    assert.throws(() => hop.store({ rows: 1, size: 21, data: new Float32Array(21) }), /patterns\.size is 21, but the network has 20 units/);
    assert.throws(() => hop.store({ rows: 2, size: 20, data: new Float32Array(20) }), /patterns\.data must have rows x size = 40 values, got 20/);
    assert.throws(() => hop.store({ rows: 1, size: 20, data: new Float32Array(20).fill(0.5) }), /patterns\.data\[0\] = 0\.5/);
    assert.throws(() => hop.store({ rows: 1, size: 20, data: Float32Array.from({ length: 20 }, (_, i) => i % 3 - 1) }), /patterns\.data mixes 0 .* and -1/);
    assert.throws(() => hop.recall(new Float32Array(19)), /^Error: rnnlab: state must have 20 values \(the network's size\), got 19$/);
    assert.throws(() => hop.recall(bad(0, 0.5).subarray(0, N)), /state\[0\] = 0\.5: a unit is -1 or \+1 \(or 0 for unknown\)/);
    assert.throws(() => hop.recall(bad(1, NaN).subarray(0, N)), /state\[1\] is NaN/);
    assert.throws(() => hop.recall(row(x, N, 0), { temperature: -1 }), /recall: options\.temperature must be a finite number >= 0 \(got -1\)/);
    assert.throws(() => hop.recall(row(x, N, 0), { temperature: NaN }), /recall: options\.temperature must be a finite number >= 0 \(got NaN\)/);
    assert.throws(() => hop.recall(row(x, N, 0), { maxSweeps: 0 }), /recall: options\.maxSweeps must be an integer in 1\.\.1000000 \(got 0\)/);
    assert.throws(() => hop.recall(row(x, N, 0), /** @type {any} */ ({ update: 'parallel' })), /options\.update must be 'async' or 'sync'/);
    assert.throws(() => hop.recall(row(x, N, 0), { update: 'sync', order: 'sequential' }), /options\.order is for asynchronous updates/);
    assert.throws(() => hop.recall(row(x, N, 0), /** @type {any} */ ({ steps: 3 })), /recall: unknown option 'steps'/);
    assert.throws(() => hop.energy(new Int8Array(3)), /energy: state must have 20 values/);
    assert.throws(() => hop.classify(new Float32Array(N)), /state\[0\] is 0: Hopfield units are -1 or \+1/);
    assert.throws(() => hop.corrupt(row(x, N, 0), { flip: 0.7, erase: 0.5 }), /corrupt: options\.flip \+ options\.erase must be at most 1/);
    assert.throws(() => hop.evaluate(null, { noise: 2 }), /evaluate: options\.noise must be a number in \[0, 1\] \(got 2\)/);
    const w = hop.getWeights().weight;
    const asym = w.slice();
    asym[1] += 1;
    assert.throws(() => hop.setWeights({ weight: asym }), /^Error: rnnlab: weight is not symmetric: weight\[0\]\[1\] = .* but weight\[1\]\[0\] = .* \(a Hopfield net's weights are symmetric\)$/);
    const diag = w.slice();
    diag[0] = 1;
    assert.throws(() => hop.setWeights({ weight: diag }), /weight\[0\] = 1: the diagonal of a Hopfield net's weights is 0/);
    assert.throws(() => hop.setWeights({ weight: w.subarray(1) }), /setWeights: weight must have 400 values, got 399/);
    assert.throws(() => hop.setWeights({ bias: new Float32Array(N).fill(Infinity) }), /setWeights: bias\[0\] must be finite \(got Infinity\)/);
    assert.throws(() => lab.hopfieldCapacity({ size: 50, alphas: [0.1, -0.2] }), /hopfieldCapacity: options\.alphas\[1\] must be a finite number > 0 \(got -0\.2\)/);
    assert.throws(() => lab.hopfieldCapacity(/** @type {any} */ ({ alphas: [0.1] })), /give options\.size \(one network size\) or options\.sizes/);
    assert.throws(() => lab.hopfieldCapacity({ sizes: [50, 1], alphas: [0.1] }), /options\.sizes\[1\] must be an integer in 2\.\.4096 \(got 1\)/);
    assert.throws(() => lab.hopfieldCapacity({ size: 50, alphas: [0.1], noise: 0.6 }), /options\.noise must be a number in \[0, 0\.5\]/);
    // nothing changed, and it still works
    assert.deepEqual(hop.save(), before);
    assert.equal(hop.stored, 2);
    assert.deepEqual(hop.recall(row(x, N, 1)).landedIn, { kind: 'pattern', index: 1, distance: 0 });
    assert.equal(hop.store(x), 4);
  } finally { hop.free(); }
  assert.ok(hop.freed);
  hop.free(); // idempotent
  assert.throws(() => hop.recall(row(x, N, 0)), /^Error: rnnlab: Hopfield network has been freed$/);
  assert.throws(() => hop.store(x), /Hopfield network has been freed/);
  assert.throws(() => hop.stored, /Hopfield network has been freed/);
  assert.throws(() => hop.save(), /Hopfield network has been freed/);
  // the lab works after every refusal
  const again = lab.createHopfield({ size: N });
  assert.equal(again.store(x), 2);
  again.free();
});
