// General Boltzmann machines (issue 13): exact log Z, log-likelihood and gradient against brute
// force written here in double, independently of the engine; the exact-gradient machine raises
// the exact log-likelihood; sampled learning (clamped Gibbs phase, persistent free chains) too;
// Gibbs samples follow the machine's distribution; the learner protocol with a bit-exact resume
// through lab.loadLearner (file kind 7); determinism; bad input named, the object still usable.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';
import { FILE_KINDS, fileKind } from '../wasm/names.mjs';

const lab = await load();

// ---- brute force in double, from the weights alone ----

/** -E(s) = sum_{i<j} w_ij s_i s_j + sum_i b_i s_i, s = the bits of state (unit i = bit i) */
function negEnergy(W, b, n, state) {
  let e = 0;
  for (let i = 0; i < n; i++) {
    if (!((state >> i) & 1)) continue;
    e += b[i];
    for (let j = i + 1; j < n; j++) if ((state >> j) & 1) e += W[i * n + j];
  }
  return e;
}

/** log sum exp over a list */
function logSumExp(xs) {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
}

/** { logZ, model: E[s_i s_j] (n x n, diagonal E[s_i]), logLik(data), data: the clamped statistics } */
function bruteForce(bm, data, rows) {
  const { weight: W, visibleBias, hiddenBias } = bm.getWeights();
  const b = [...visibleBias, ...hiddenBias], n = b.length, V = visibleBias.length, H = n - V;
  const all = Array.from({ length: 2 ** n }, (_, s) => negEnergy(W, b, n, s));
  const logZ = logSumExp(all);
  const model = new Float64Array(n * n), clamped = new Float64Array(n * n);
  all.forEach((e, s) => {
    const p = Math.exp(e - logZ);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((s >> i) & 1 && (s >> j) & 1) model[i * n + j] += p;
  });
  let ll = 0;
  for (let r = 0; r < rows; r++) {
    let v = 0;
    for (let i = 0; i < V; i++) if (data[r * V + i]) v |= 1 << i;
    const es = Array.from({ length: 2 ** H }, (_, h) => all[v | (h << V)]);
    const lz = logSumExp(es);
    ll += lz - logZ;
    es.forEach((e, h) => {
      const s = v | (h << V), p = Math.exp(e - lz) / rows;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((s >> i) & 1 && (s >> j) & 1) clamped[i * n + j] += p;
    });
  }
  return { logZ, logLik: ll / rows, model, clamped, n, V };
}

/** a seeded stream of numbers in [0, 1) for test weights */
function stream(seed) {
  let x = seed >>> 0 || 1;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** random symmetric weights of half-width a and biases */
function randomWeights(bm, seed, a) {
  const r = stream(seed), n = bm.units;
  const weight = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) weight[i * n + j] = weight[j * n + i] = (2 * r() - 1) * a;
  const bias = () => Float32Array.from({ length: n }, () => (2 * r() - 1) * a);
  const all = bias();
  bm.setWeights({ weight, visibleBias: all.slice(0, bm.visible), hiddenBias: all.slice(bm.visible) });
}

/** rows of `width` 0/1 values as a pattern set */
function patterns(list) {
  return { rows: list.length, size: list[0].length, data: new Float32Array(list.flat()) };
}

// four patterns of 4 visible units; with 2 hidden units the optimum is -ln 4 = -1.386
const SMALL = patterns([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]]);
// six patterns of 8 visible units for the sampled learner; the optimum is -ln 6 = -1.792
const WIDER = patterns([[1, 0, 0, 1, 0, 0, 1, 1], [0, 1, 0, 0, 1, 1, 0, 0], [0, 0, 1, 1, 0, 0, 1, 0], [1, 1, 0, 0, 1, 0, 0, 1],
  [0, 0, 1, 0, 0, 1, 1, 0], [1, 0, 0, 1, 1, 0, 0, 1]]);

test('exact log Z, mean log-likelihood and gradient equal brute force in double (tiny nets)', () => {
  for (const [V, H, a] of [[1, 0, 1], [3, 0, 2], [3, 2, 0.8], [2, 3, 3], [4, 2, 1.5], [5, 4, 0.5]]) {
    const bm = lab.createBoltzmann({ visible: V, hidden: H, seed: 10 * V + H });
    try {
      randomWeights(bm, 7 * V + H, a);
      const r = stream(V * 31 + H), rows = 5;
      const data = new Float32Array(rows * V).map(() => (r() < 0.5 ? 1 : 0));
      const bf = bruteForce(bm, data, rows), n = V + H;
      assert.ok(Math.abs(bm.logPartition() - bf.logZ) < 1e-12 * Math.max(1, Math.abs(bf.logZ)), `log Z (${V}, ${H}): ${bm.logPartition()} vs ${bf.logZ}`);
      assert.ok(Math.abs(bm.logLikelihood(data) - bf.logLik) < 1e-11, `log-likelihood (${V}, ${H})`);
      const tr = bm.trace(data); // the exact gradient, nothing updated
      assert.ok(Math.abs(tr.loss + bf.logLik) < 1e-5, 'trace loss = -mean log p(v)');
      const g = bm.getGradients();
      const gb = [...g.visibleBias, ...g.hiddenBias];
      for (let i = 0; i < n; i++) {
        assert.ok(Math.abs(gb[i] - (bf.model[i * n + i] - bf.clamped[i * n + i])) < 1e-6, `d/db_${i}`);
        assert.equal(g.weight[i * n + i], 0);
        for (let j = 0; j < n; j++) {
          if (i === j) continue;
          assert.ok(Math.abs(g.weight[i * n + j] - (bf.model[i * n + j] - bf.clamped[i * n + j])) < 1e-6, `d/dw_${i}${j} (${V}, ${H})`);
        }
        assert.ok(Math.abs(tr.modelStatistics[i * n + i] - bf.model[i * n + i]) < 1e-6, 'model statistics');
        assert.ok(Math.abs(tr.dataStatistics[i * n + i] - bf.clamped[i * n + i]) < 1e-6, 'data statistics');
      }
      // free energies: log p(v) = -F(v) - log Z
      const F = bm.freeEnergy(data);
      assert.equal(F.length, rows);
      const meanLogP = F.reduce((a, f) => a - f - bf.logZ, 0) / rows;
      assert.ok(Math.abs(meanLogP - bf.logLik) < 1e-11, 'free energy');
      // energies of full states
      const states = new Float32Array(3 * n).map((_, k) => ((k * 7) % 3 === 0 ? 1 : 0));
      const E = bm.energy(states), { weight, visibleBias, hiddenBias } = bm.getWeights();
      for (let s = 0; s < 3; s++) {
        let bits = 0;
        for (let i = 0; i < n; i++) if (states[s * n + i]) bits |= 1 << i;
        assert.ok(Math.abs(E[s] + negEnergy(weight, [...visibleBias, ...hiddenBias], n, bits)) < 1e-12, 'energy');
      }
    } finally { bm.free(); }
  }
});

test('the exact-gradient machine raises the exact log-likelihood (4 visible + 2 hidden, 4 patterns)', () => {
  const bm = lab.createBoltzmann({ visible: 4, hidden: 2, seed: 3 }, { method: 'exact', optimizer: 'sgd', learningRate: 0.5 });
  try {
    const start = bm.logLikelihood(SMALL);
    const curve = [start], losses = [];
    for (let t = 1; t <= 400; t++) {
      losses.push(bm.step(SMALL).loss);
      if (t % 25 === 0) curve.push(bm.logLikelihood(SMALL));
    }
    const end = curve[curve.length - 1];
    // measured: -2.770 -> -1.435 after 400 steps (the optimum is -ln 4 = -1.386)
    assert.ok(Math.abs(losses[0] + start) < 1e-5, 'the first step reports -LL before its update');
    for (let k = 1; k < curve.length; k++) assert.ok(curve[k] > curve[k - 1], `LL rises at every checkpoint: ${curve[k - 1]} -> ${curve[k]}`);
    for (let k = 1; k < losses.length; k++) assert.ok(losses[k] <= losses[k - 1] + 1e-6, `step ${k}: the exact loss never rises`);
    assert.ok(start < -2.7 && end > -1.45 && end < -Math.log(4), `LL ${start.toFixed(3)} -> ${end.toFixed(3)}`);
    assert.equal(bm.steps, 400);
  } finally { bm.free(); }
});

test('sampled learning (clamped Gibbs phase, persistent free chains) raises the exact log-likelihood (8 visible + 4 hidden)', () => {
  const bm = lab.createBoltzmann({ visible: 8, hidden: 4, seed: 5 }, { method: 'sampled', learningRate: 0.1, sweeps: 10, chains: 32 });
  try {
    const start = bm.logLikelihood(WIDER);
    const curve = [];
    for (let t = 1; t <= 600; t++) {
      const r = bm.step(WIDER);
      assert.ok(Number.isFinite(r.loss) && r.loss > 0 && Number.isFinite(r.gradNorm), 'a sampled step reports a pseudo-likelihood loss');
      if (t % 100 === 0) curve.push(bm.logLikelihood(WIDER));
    }
    const end = curve[curve.length - 1];
    // measured: -5.548 -> -2.08 after 600 steps (-3.03 -2.52 -2.31 -2.21 -2.12 -2.08); the optimum is -ln 6 = -1.792
    assert.ok(start < -5.5 && end > -2.4, `LL ${start.toFixed(3)} -> ${end.toFixed(3)} (${curve.map((x) => x.toFixed(2)).join(' ')})`);
    for (let k = 1; k < curve.length; k++) assert.ok(curve[k] > curve[k - 1] - 0.1, 'rises, up to sampling noise');
    const ev = bm.evaluate(WIDER);
    assert.deepEqual([ev.exact, ev.rows], [true, 6]);
    assert.equal(ev.logLikelihood, end);
    assert.equal(ev.loss, -end);
  } finally { bm.free(); }
});

test('Gibbs samples follow the machine\'s distribution; low temperature settles in the ground state', () => {
  const bm = lab.createBoltzmann({ visible: 2, hidden: 1, seed: 1 });
  try {
    bm.setWeights({ weight: new Float32Array([0, 1.5, -1, 1.5, 0, 0.5, -1, 0.5, 0]), visibleBias: new Float32Array([-0.5, 0.3]), hiddenBias: new Float32Array([0.2]) });
    const bf = bruteForce(bm, new Float32Array(2), 1);
    const { weight, visibleBias, hiddenBias } = bm.getWeights(), b = [...visibleBias, ...hiddenBias];
    const chains = 4000, { visible, states } = bm.sample({ chains, sweeps: 30, seed: 9 });
    assert.equal(states.length, chains * 3);
    const count = [0, 0, 0, 0];
    for (let c = 0; c < chains; c++) count[visible[2 * c] + 2 * visible[2 * c + 1]]++;
    for (let v = 0; v < 4; v++) {
      const p = Math.exp(logSumExp([0, 1].map((h) => negEnergy(weight, b, 3, v | (h << 2)))) - bf.logZ);
      assert.ok(Math.abs(count[v] / chains - p) < 0.03, `p(v = ${v}): sampled ${count[v] / chains}, exact ${p.toFixed(4)}`);
    }
    // T = 0.05: every chain ends in the lowest-energy state
    const cold = bm.sample({ chains: 50, sweeps: 40, temperature: 0.05, seed: 2 });
    const E = bm.energy(cold.states);
    let best = Infinity;
    for (let s = 0; s < 8; s++) best = Math.min(best, -negEnergy(weight, b, 3, s));
    for (const e of E) assert.ok(Math.abs(e - best) < 1e-9, `cold chain energy ${e} vs ground ${best}`);
    // from a given state: 0 sweeps return it unchanged
    const init = new Float32Array([1, 0, 1, 0, 1, 1]);
    assert.deepEqual(bm.sample({ chains: 2, sweeps: 0, init }).states, init);
  } finally { bm.free(); }
});

test('the learner protocol: kind boltzmann, trainerOptions, learningRate; lab.loadLearner(bm.save()) continues bit for bit', () => {
  assert.equal(FILE_KINDS[7], 'boltzmann');
  for (const method of ['exact', 'sampled']) {
    const bm = lab.createBoltzmann({ visible: 5, hidden: 3, seed: 11 }, { method, optimizer: 'adam', learningRate: 0.03, sweeps: 4, chains: 6 });
    try {
      for (const [member, type] of Object.entries({ step: 'function', evaluate: 'function', trace: 'function', save: 'function', free: 'function',
        learningRate: 'number', trainerOptions: 'object', steps: 'number', freed: 'boolean', kind: 'string' })) assert.equal(typeof bm[member], type, member);
      assert.equal(bm.kind, 'boltzmann');
      assert.deepEqual({ ...bm.trainerOptions, learningRate: 0 }, { method, sweeps: 4, chains: 6, optimizer: 'adam', learningRate: 0, momentum: Math.fround(0.9),
        nesterov: false, beta1: Math.fround(0.9), beta2: Math.fround(0.999), eps: Math.fround(1e-8), weightDecay: 0, clipNorm: 0, clipValue: 0 });
      assert.equal(bm.learningRate, Math.fround(0.03));
      const data = patterns([[1, 0, 1, 0, 1], [0, 1, 0, 1, 0], [1, 1, 0, 0, 1]]);
      for (let t = 0; t < 5; t++) bm.step(data);
      const tr = bm.trace(data); // does not move the chains or the generator
      assert.ok(Number.isFinite(tr.loss) && tr.gradNorm > 0);
      bm.learningRate = 0.02;
      const bytes = bm.save();
      assert.equal(fileKind(bytes), 'boltzmann');
      const back = /** @type {any} */ (lab.loadLearner(bytes));
      try {
        assert.equal(back.kind, 'boltzmann');
        assert.equal(back.steps, 5);
        assert.deepEqual(back.trainerOptions, bm.trainerOptions);
        assert.deepEqual(back.getWeights(), bm.getWeights());
        for (let t = 0; t < 4; t++) {
          const a = bm.step(data), b = back.step(data);
          assert.equal(b.loss, a.loss, `${method}: loss of step ${t + 1} after the load`);
          assert.equal(b.gradNorm, a.gradNorm);
        }
        assert.deepEqual(back.save(), bm.save(), `${method}: the two machines are in the same state`);
      } finally { back.free(); }
      assert.ok(back.freed);
      back.free(); // idempotent
      assert.throws(() => lab.loadLearner(bytes, { trainerOptions: { learningRate: 1 } }), /a Boltzmann machine file holds its trainer/);
      const bad = bm.save();
      bad[40] ^= 4;
      assert.throws(() => lab.loadLearner(bad), /checksum mismatch: file is corrupted/);
      assert.throws(() => lab.loadBoltzmann(bytes.slice(0, bytes.length - 5)), /truncated/);
    } finally { bm.free(); }
  }
});

test('a trace between steps changes nothing; the same seed gives the same machine and run', () => {
  const make = () => lab.createBoltzmann({ visible: 6, hidden: 3, seed: 42 }, { method: 'sampled', learningRate: 0.1, sweeps: 3, chains: 5 });
  const a = make(), b = make(), c = lab.createBoltzmann({ visible: 6, hidden: 3, seed: 43 });
  try {
    assert.deepEqual(a.getWeights(), b.getWeights());
    assert.notDeepEqual(a.getWeights().weight, c.getWeights().weight);
    const data = patterns([[1, 0, 0, 1, 1, 0], [0, 1, 1, 0, 0, 1]]);
    for (let t = 0; t < 6; t++) {
      if (t % 2) a.trace(data);
      assert.equal(a.step(data).loss, b.step(data).loss, `step ${t + 1}`);
    }
    assert.deepEqual(a.save(), b.save());
    assert.deepEqual(a.sample({ chains: 3, seed: 5 }), b.sample({ chains: 3, seed: 5 }));
    assert.notDeepEqual(a.sample({ chains: 3, seed: 5 }).states, a.sample({ chains: 3, seed: 6 }).states);
    assert.equal(a.pseudoLogLikelihood(data, { seed: 3 }), b.pseudoLogLikelihood(data, { seed: 3 }));
  } finally { a.free(); b.free(); c.free(); }
});

test('larger machines: exact sums refused with both numbers, sampled learning and evaluate work', () => {
  const bm = lab.createBoltzmann({ visible: 20, hidden: 4, seed: 1 });
  try {
    assert.equal(bm.trainerOptions.method, 'sampled', 'above 20 units the default method is sampled');
    assert.equal(bm.exact, false);
    const msg = /^Error: rnnlab: logPartition: n = 24 units: exact enumeration needs 2\^24 states, the limit is 2\^20$/;
    assert.throws(() => bm.logPartition(), msg);
    const data = { rows: 2, size: 20, data: new Float32Array(40).map((_, k) => k % 3 === 0 ? 1 : 0) };
    assert.throws(() => bm.logLikelihood(data), /n = 24 units: exact enumeration needs 2\^24 states, the limit is 2\^20/);
    assert.equal(bm.freeEnergy(data).length, 2, 'the free energy needs 2^hidden states only');
    assert.throws(() => bm.setTrainer({ method: 'exact' }), /trainerOptions.method 'exact': n = 24 units: exact enumeration needs 2\^24 states, the limit is 2\^20/);
    assert.throws(() => lab.createBoltzmann({ visible: 20, hidden: 4 }, { method: 'exact' }), /n = 24 units/);
    const r = bm.step(data);
    assert.ok(Number.isFinite(r.loss));
    const ev = bm.evaluate(data);
    assert.deepEqual([ev.exact, ev.logLikelihood, ev.logPartition], [false, null, null]);
    assert.ok(Number.isFinite(ev.loss) && ev.loss === -ev.pseudoLogLikelihood);
  } finally { bm.free(); }
});

test('bad input throws naming the argument; nothing is lost and the machine stays usable', () => {
  const bm = lab.createBoltzmann({ visible: 3, hidden: 2, seed: 4 });
  const data = patterns([[1, 0, 1], [0, 1, 1]]);
  try {
    bm.step(data);
    const before = bm.save();
    const cases = [
      [() => bm.step({ rows: 2, size: 3, data: new Float32Array([1, 0, NaN, 0, 1, 1]) }), /batch\.data\[2\] = NaN \(row 0\): a Boltzmann machine's units are 0 or 1/],
      [() => bm.step(new Float32Array([1, 0, 0.5])), /batch\[2\] = 0.5 \(row 0\): a Boltzmann machine's units are 0 or 1/],
      [() => bm.step(new Float32Array([1, 0, -1, 1, 1, 1])), /batch\[2\] = -1 \(row 0\)/],
      [() => bm.step({ rows: 2, size: 4, data: new Float32Array(8) }), /batch\.size is 4, but this machine has 3 visible units/],
      [() => bm.step({ rows: 3, size: 3, data: new Float32Array(6) }), /batch\.data has 6 values, rows x size = 3 x 3 = 9/],
      [() => bm.step(new Float32Array(4)), /batch must hold rows of 3 visible values \(got 4 values\)/],
      [() => bm.step([1, 0, 1]), /batch must be a pattern set \{ rows, size, data \} or a Float32Array/],
      [() => bm.logLikelihood(new Float32Array([1, 2, 0])), /logLikelihood: data\[1\] = 2/],
      [() => bm.energy(new Float32Array(4)), /energy: states must hold rows of 5 visible \+ hidden values/],
      [() => bm.setWeights({ weight: new Float32Array(25).fill(1) }), /setWeights: weight\[0\] \(row 0, column 0\) = 1: the diagonal must be 0/],
      [() => { const w = new Float32Array(25); w[1] = 1; bm.setWeights({ weight: w }); }, /setWeights: weight must be symmetric: weight\[1\] = 1 but weight\[5\] = 0/],
      [() => bm.freeEnergy(new Float32Array([1, 0])), /freeEnergy: data must hold rows of 3 visible values/],
      [() => bm.setWeights({ visibleBias: new Float32Array([0, NaN, 0]) }), /setWeights: visibleBias\[1\] is NaN: weights must be finite/],
      [() => bm.setWeights({ hiddenBias: new Float32Array(3) }), /setWeights: hiddenBias must be a Float32Array of 2 values/],
      [() => bm.setWeights({ bias: new Float32Array(5) }), /setWeights: unknown option 'bias'/],
      [() => bm.setTrainer({ method: 'cd' }), /trainerOptions.method must be 'exact' or 'sampled' \(got 'cd'\)/],
      [() => bm.setTrainer({ sweeps: 0 }), /trainerOptions.sweeps must be an integer in 1..100000 \(got 0\)/],
      [() => bm.setTrainer({ learningRate: -1 }), /learningRate must be a finite number > 0/],
      [() => bm.setTrainer({ truncate: 5 }), /trainerOptions.truncate: a Boltzmann machine has no time steps/],
      [() => bm.setTrainer({ k: 5 }), /unknown trainerOptions key 'k' \(known: method, sweeps, chains, optimizer, learningRate/],
      [() => { bm.learningRate = NaN; }, /learningRate must be a finite number > 0 \(got NaN\)/],
      [() => bm.sample({ temperature: 0 }), /sample: options.temperature must be a finite number > 0 \(got 0\)/],
      [() => bm.sample({ chains: 0 }), /sample: options.chains must be an integer in 1..65536/],
      [() => bm.sample({ chains: 2, init: new Float32Array(5) }), /sample: options.init has 1 rows, options.chains is 2/],
      [() => lab.createBoltzmann({ visible: 0 }), /createBoltzmann: options.visible must be an integer in 1..2048 \(got 0\)/],
      [() => lab.createBoltzmann({ visible: 3, hidden: 2046 }), /createBoltzmann: options.hidden must be an integer in 0..2045 \(got 2046\)/],
      [() => lab.createBoltzmann({ visible: 2.5 }), /options.visible must be an integer/],
      [() => lab.createBoltzmann({ visible: 3, seed: -1 }), /createBoltzmann: options.seed must be an integer/],
      [() => lab.createBoltzmann({ visible: 3, layers: 2 }), /createBoltzmann: unknown option 'layers' \(known: visible, hidden, seed\)/],
      [() => lab.loadBoltzmann(new Uint8Array(0)), /loadBoltzmann: bytes is empty/],
    ];
    for (const [f, re] of cases) {
      assert.throws(f, (e) => e instanceof Error && re.test(e.message) && e.message.startsWith('rnnlab: '), String(re));
      assert.deepEqual(bm.save(), before, `nothing changed after ${re}`);
    }
    assert.ok(Number.isFinite(bm.step(data).loss), 'still trains');
  } finally { bm.free(); }
  assert.ok(bm.freed);
  for (const f of [() => bm.step(data), () => bm.logPartition(), () => bm.getWeights(), () => bm.save(), () => bm.trainerOptions, () => bm.steps])
    assert.throws(f, /the Boltzmann machine has been freed/);
  bm.free(); // idempotent
});
