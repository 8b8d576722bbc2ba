// Restricted Boltzmann machines (wasm/rbm.mjs, core/energy/rbm.c), proved against references
// written here in plain JS double precision: log Z by brute force over BOTH layers (binary) and by
// numerical integration over the visibles (Gaussian); free energy, pseudo-likelihood and the exact
// gradient by enumeration; then CD-k with large k against the exact gradient, AIS against the
// exact log Z of a trained RBM, 3 x 3 bars-and-stripes against its optimum -ln 14 with CD-1,
// CD-10 and PCD at the same budget, determinism, bit-exact resume through save/load, and every
// refusal naming its argument while the RBM stays usable.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';
import { existsSync } from 'node:fs';
import { fileKind } from '../wasm/names.mjs';

const lab = await load();

/** mulberry32: the tests' own generator @param {number} seed */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RBM with weights ~ U(-scale, scale), biases ~ U(-bscale, bscale). */
function randomRBM(/** @type {number} */ V, /** @type {number} */ H, /** @type {'binary' | 'gaussian'} */ units, /** @type {number} */ scale, /** @type {number} */ bscale, /** @type {number} */ seed) {
  const rnd = prng(seed), u = (/** @type {number} */ s) => (2 * rnd() - 1) * s;
  const rbm = lab.createRBM({ visible: V, hidden: H, visibleUnits: units, seed });
  rbm.setWeights({ weight: Float32Array.from({ length: H * V }, () => u(scale)), visibleBias: Float32Array.from({ length: V }, () => u(bscale)),
    hiddenBias: Float32Array.from({ length: H }, () => u(bscale)) });
  return rbm;
}

const bit = (/** @type {number} */ x, /** @type {number} */ i) => (x >> i) & 1;
const logSumExp = (/** @type {number[]} */ xs) => { const m = Math.max(...xs); return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0)); };

/** Everything of a binary RBM by brute force over every (v, h): log Z, log p(v) of each v, and the model's expectations. */
function bruteBinary(/** @type {any} */ rbm) {
  const { weight: W, visibleBias: b, hiddenBias: c } = rbm.getWeights(), V = rbm.visible, H = rbm.hidden;
  const neg = []; // -E(v, h) for every pair, v-major
  for (let v = 0; v < 1 << V; v++) for (let h = 0; h < 1 << H; h++) {
    let e = 0;
    for (let i = 0; i < V; i++) e += bit(v, i) * b[i];
    for (let j = 0; j < H; j++) if (bit(h, j)) { e += c[j]; for (let i = 0; i < V; i++) e += bit(v, i) * W[j * V + i]; }
    neg.push(e);
  }
  const logZ = logSumExp(neg);
  const logp = Array.from({ length: 1 << V }, (_, v) => logSumExp(neg.slice(v << H, (v + 1) << H)) - logZ);
  const Evh = new Float64Array(H * V), Ev = new Float64Array(V), Eh = new Float64Array(H);
  neg.forEach((e, k) => {
    const v = k >> H, h = k & ((1 << H) - 1), p = Math.exp(e - logZ);
    for (let i = 0; i < V; i++) Ev[i] += p * bit(v, i);
    for (let j = 0; j < H; j++) if (bit(h, j)) { Eh[j] += p; for (let i = 0; i < V; i++) Evh[j * V + i] += p * bit(v, i); }
  });
  return { logZ, logp, Evh, Ev, Eh, W, b, c, V, H };
}

/** the index of a 0/1 row as an integer (unit i = bit i) @param {ArrayLike<number>} row */
const indexOf = (row) => Array.from(row).reduce((s, x, i) => s + (x ? 1 << i : 0), 0);
const sigmoid = (/** @type {number} */ x) => 1 / (1 + Math.exp(-x));

/** d(-mean log p)/dtheta from the brute-force expectations and the data's (rows of 0/1) */
function bruteGradient(/** @type {ReturnType<typeof bruteBinary>} */ B, /** @type {Float32Array} */ data) {
  const { V, H, W, c } = B, rows = data.length / V;
  const gW = Float64Array.from(B.Evh), gb = Float64Array.from(B.Ev), gc = Float64Array.from(B.Eh);
  for (let n = 0; n < rows; n++) {
    const v = data.subarray(n * V, (n + 1) * V);
    for (let i = 0; i < V; i++) gb[i] -= v[i] / rows;
    for (let j = 0; j < H; j++) {
      let x = c[j];
      for (let i = 0; i < V; i++) x += W[j * V + i] * v[i];
      const ph = sigmoid(x);
      gc[j] -= ph / rows;
      for (let i = 0; i < V; i++) gW[j * V + i] -= (ph * v[i]) / rows;
    }
  }
  return { weight: gW, visibleBias: gb, hiddenBias: gc };
}

const maxDiff = (/** @type {any} */ a, /** @type {any} */ b) => Math.max(...['weight', 'visibleBias', 'hiddenBias'].flatMap((k) => Array.from(a[k], (x, i) => Math.abs(x - b[k][i]))));

test('exact log Z equals brute force over both layers: binary, summing over h (H <= V) and over v (V < H)', () => {
  for (const [V, H] of [[5, 4], [3, 6], [4, 4], [1, 6], [7, 1], [2, 9]]) {
    for (let s = 1; s <= 4; s++) {
      const rbm = randomRBM(V, H, 'binary', 2, 1, 100 * V + 10 * H + s);
      const B = bruteBinary(rbm);
      const logZ = rbm.logPartition();
      assert.ok(Math.abs(logZ - B.logZ) <= 1e-12 * Math.max(1, Math.abs(B.logZ)), `${V}x${H} seed ${s}: ${logZ} vs ${B.logZ}`);
      // every visible state: exact log p(v) and the free energy F(v) = -log p(v) - log Z
      const all = new Float32Array((1 << V) * V);
      for (let v = 0; v < 1 << V; v++) for (let i = 0; i < V; i++) all[v * V + i] = bit(v, i);
      const F = rbm.freeEnergy(all);
      for (let v = 0; v < 1 << V; v++) {
        const ll = rbm.logLikelihood(all.subarray(v * V, (v + 1) * V));
        assert.ok(Math.abs(ll - B.logp[v]) < 1e-11, `log p(v = ${v}): ${ll} vs ${B.logp[v]}`);
        assert.ok(Math.abs(-F[v] - logZ - B.logp[v]) < 1e-11, `F(v = ${v})`);
      }
      assert.ok(Math.abs(rbm.logLikelihood(all) - B.logp.reduce((x, y) => x + y, 0) / (1 << V)) < 1e-11, 'mean over rows');
      rbm.free();
    }
  }
});

test('exact log Z of a Gaussian-binary RBM equals numerical integration over the visibles', () => {
  // Z = sum_h exp(c.h) * integral exp(-|v - b|^2 / 2 + v . W^T h) dv, trapezoid rule on [-14, 14]^V
  // (spectrally accurate for these Gaussian-shaped integrands)
  for (const V of [1, 2]) {
    for (let s = 1; s <= 3; s++) {
      const H = 3, rbm = randomRBM(V, H, 'gaussian', 0.8, 0.8, 7 * V + s);
      const { weight: W, visibleBias: b, hiddenBias: c } = rbm.getWeights();
      const step = V === 1 ? 0.005 : 0.04, n = Math.round(28 / step) + 1;
      let Z = 0;
      for (let h = 0; h < 1 << H; h++) {
        let ch = 0;
        const a = [0, 0];
        for (let j = 0; j < H; j++) if (bit(h, j)) { ch += c[j]; for (let i = 0; i < V; i++) a[i] += W[j * V + i]; }
        let integral = 0;
        for (let p = 0; p < n; p++) {
          const x = -14 + p * step;
          if (V === 1) integral += Math.exp(-0.5 * (x - b[0]) ** 2 + a[0] * x) * step;
          else for (let q = 0; q < n; q++) {
            const y = -14 + q * step;
            integral += Math.exp(-0.5 * ((x - b[0]) ** 2 + (y - b[1]) ** 2) + a[0] * x + a[1] * y) * step * step;
          }
        }
        Z += Math.exp(ch) * integral;
      }
      assert.ok(Math.abs(rbm.logPartition() - Math.log(Z)) < 1e-9, `V = ${V} seed ${s}: ${rbm.logPartition()} vs ${Math.log(Z)}`);
      rbm.free();
    }
  }
});

test('pseudo-likelihood and reconstruction match their definitions', () => {
  const rbm = randomRBM(5, 3, 'binary', 1.5, 1, 9), B = bruteBinary(rbm);
  const data = new Float32Array([1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  let pl = 0;
  for (let n = 0; n < 3; n++) {
    const v = data.subarray(n * 5, n * 5 + 5), k = indexOf(v);
    for (let i = 0; i < 5; i++) pl += B.logp[k] - logSumExp([B.logp[k], B.logp[k ^ (1 << i)]]); // log p(v_i | v_-i)
  }
  assert.ok(Math.abs(rbm.pseudoLikelihood(data) - pl / 3) < 1e-11, `${rbm.pseudoLikelihood(data)} vs ${pl / 3}`);
  const rec = rbm.reconstruct(data);
  let err = 0;
  for (let n = 0; n < 3; n++) {
    const ph = Array.from({ length: 3 }, (_, j) => sigmoid(B.c[j] + B.W.subarray(j * 5, j * 5 + 5).reduce((s, w, i) => s + w * data[n * 5 + i], 0)));
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(rec.hiddenProbabilities[n * 3 + j] - ph[j]) < 1e-6);
    for (let i = 0; i < 5; i++) {
      const r = sigmoid(B.b[i] + ph.reduce((s, p, j) => s + p * B.W[j * 5 + i], 0));
      assert.ok(Math.abs(rec.reconstructions[n * 5 + i] - r) < 1e-6);
      err += (data[n * 5 + i] - r) ** 2;
    }
  }
  assert.ok(Math.abs(rec.error - err / 15) < 1e-6 && rbm.reconstructionError(data) === rec.error);
  rbm.free();
});

test('the exact gradient equals brute force; CD-k with large k approaches it, CD-1 does not', (t) => {
  const rbm = randomRBM(4, 3, 'binary', 1.5, 0.5, 8), B = bruteGradient(bruteBinary(rbm), new Float32Array(0));
  const pats = [0x3, 0xc, 0x5, 0xf], R = 4000, data = new Float32Array(R * 4);
  for (let n = 0; n < R; n++) for (let i = 0; i < 4; i++) data[n * 4 + i] = bit(pats[n % 4], i);
  const ref = bruteGradient(bruteBinary(rbm), data);
  const exact = rbm.gradient(data, { method: 'exact' });
  assert.ok(maxDiff(exact, ref) < 1e-6, `exact vs brute force: ${maxDiff(exact, ref)}`);
  void B;
  const d = Object.fromEntries([1, 10, 100].map((k) => [k, maxDiff(rbm.gradient(data, { method: 'cd', k, seed: 3 }), ref)]));
  t.diagnostic(`max |CD-k - exact| over the 19 parameters, 4000 rows: k=1 ${d[1].toFixed(4)}, k=10 ${d[10].toFixed(4)}, k=100 ${d[100].toFixed(4)}`);
  // 4000 chains: each CD-100 mean is within a few sd (<= 0.5/sqrt(4000) = 0.008) of the model's expectation
  assert.ok(d[100] < 0.03, `CD-100: ${d[100]}`);
  assert.ok(d[1] > 2 * d[100], `CD-1 is biased: ${d[1]} vs CD-100 ${d[100]}`);
  // the probe used its own generator: the same seed gives the same estimate, training is untouched
  assert.deepEqual(rbm.gradient(data, { method: 'cd', k: 5, seed: 9 }), rbm.gradient(data, { method: 'cd', k: 5, seed: 9 }));
  assert.equal(rbm.steps, 0);
  rbm.free();
});

/**
 * Trains a 9-16 RBM on the 14 patterns of 3 x 3 bars-and-stripes, full batch, learning rate 0.02
 * decayed linearly to 0 over the run, momentum 0.5, no weight decay, visible biases from the data.
 * @param {object} trainer @param {number} updates @param {number} seed
 */
function trainBAS(trainer, updates, seed) {
  const bas = lab.patterns('bars-and-stripes', { n: 3 });
  const rbm = lab.createRBM({ visible: 9, hidden: 16, seed, data: bas }, { learningRate: 0.02, momentum: 0.5, weightDecay: 0, ...trainer });
  for (let i = 0; i < updates; i++) {
    rbm.learningRate = 0.02 * (1 - i / updates);
    rbm.step(bas);
  }
  return { rbm, bas };
}

test('3 x 3 bars-and-stripes: the exact log-likelihood approaches -ln 14; PCD at least as close as CD-1; AIS agrees with the exact log Z', (t) => {
  const optimum = -Math.log(14), updates = 20000;
  /** @type {Record<string, number>} */
  const ll = {};
  /** @type {any} */
  let pcd;
  for (const [name, trainer] of /** @type {const} */ ([['CD-1', { method: 'cd', k: 1 }], ['CD-10', { method: 'cd', k: 10 }], ['PCD-1', { method: 'pcd', k: 1, chains: 100 }]])) {
    const { rbm, bas } = trainBAS(trainer, updates, 1);
    ll[name] = rbm.logLikelihood(bas);
    if (name === 'PCD-1') pcd = { rbm, bas };
    else rbm.free();
  }
  t.diagnostic(`exact mean log-likelihood after ${updates} updates (optimum ${optimum.toFixed(4)}): ` +
    Object.entries(ll).map(([k, v]) => `${k} ${v.toFixed(4)} (gap ${(v - optimum).toFixed(4)})`).join(', '));
  // measured with seeds 1..6: CD-1 -3.10..-3.17, CD-10 -2.75..-2.78, PCD-1 -2.74..-2.77
  assert.ok(ll['CD-10'] > -2.9 && ll['PCD-1'] > -2.9, 'CD-10 and PCD within 0.26 nats of the optimum');
  assert.ok(ll['CD-1'] > -3.3, 'CD-1 within 0.66 nats');
  assert.ok(ll['PCD-1'] >= ll['CD-1'], 'PCD at least as close as CD-1');

  // AIS on the trained (sharply multimodal) RBM, from the data's base rates and from its own visible biases
  const { rbm, bas } = pcd;
  const exact = rbm.logPartition();
  for (const options of [{ chains: 200, betas: 2000, seed: 4, data: bas }, { chains: 200, betas: 2000, seed: 5 }]) {
    const ais = rbm.estimateLogPartition(options);
    t.diagnostic(`AIS ${options.data ? '(data base rates)' : '(own biases)'}: ${ais.logZ.toFixed(4)} +- ${ais.stdError.toFixed(4)}, exact ${exact.toFixed(4)}`);
    assert.ok(Math.abs(ais.logZ - exact) < 3 * ais.stdError, `AIS ${ais.logZ} +- ${ais.stdError} vs exact ${exact}`);
    assert.ok(ais.stdError < 0.1, `a usable error bar: ${ais.stdError}`);
  }
  // the model's own samples are mostly bars and stripes
  const valid = new Set(Array.from({ length: 14 }, (_, r) => indexOf(bas.data.subarray(r * 9, r * 9 + 9))));
  const s = rbm.sample({ chains: 500, steps: 200, seed: 2 });
  let hits = 0;
  for (let r = 0; r < 500; r++) hits += valid.has(indexOf(s.data.subarray(r * 9, r * 9 + 9))) ? 1 : 0;
  const share = Math.exp(rbm.logLikelihood(bas)) * 14; // the model's probability mass on the 14 patterns
  t.diagnostic(`samples that are bars or stripes: ${hits / 500} (the model's mass on them: ${share.toFixed(3)})`);
  assert.ok(Math.abs(hits / 500 - share) < 0.06, `${hits / 500} vs ${share}`);
  const ev = rbm.evaluate(bas);
  assert.equal(ev.loss, -ev.logLikelihood);
  assert.ok(ev.exact && ev.accuracy === 1 && ev.rows === 14 && ev.logPartition === exact && /** @type {number} */ (ev.pseudoLikelihood) < 0);
  rbm.free();
});

test('determinism: the same seed and data give the same bits; another seed other weights', () => {
  const bas = lab.patterns('bars-and-stripes', { n: 3 });
  const digits = lab.patterns('digits', { count: 20, noise: 0.1, seed: 1 });
  for (const [set, trainer] of /** @type {const} */ ([[bas, { method: 'pcd', k: 3 }], [digits, { method: 'cd', k: 2 }]])) {
    const run = (/** @type {number} */ seed) => {
      const rbm = lab.createRBM({ visible: set.size, hidden: 7, seed }, { ...trainer, learningRate: 0.1, momentum: 0.9 });
      const losses = Array.from({ length: 30 }, () => rbm.step(set).loss);
      const out = { losses, w: rbm.getWeights(), bytes: rbm.save() };
      rbm.free();
      return out;
    };
    const [a, b, c] = [run(3), run(3), run(4)];
    assert.deepEqual(a.losses, b.losses);
    assert.deepEqual(a.w, b.w);
    assert.deepEqual(a.bytes, b.bytes);
    assert.notDeepEqual(a.w.weight, c.w.weight);
  }
  // initialisation: W ~ N(0, 0.01^2), hidden biases 0, visible biases log(p / (1 - p))
  const big = lab.createRBM({ visible: 50, hidden: 200, seed: 1, data: lab.patterns('random', { rows: 40, size: 50, p: 0.2, seed: 2 }) });
  const { weight, visibleBias, hiddenBias } = big.getWeights();
  const mean = weight.reduce((s, x) => s + x, 0) / weight.length, sd = Math.sqrt(weight.reduce((s, x) => s + (x - mean) ** 2, 0) / weight.length);
  assert.ok(Math.abs(mean) < 0.0005 && Math.abs(sd - 0.01) < 0.0005, `weights: mean ${mean}, sd ${sd}`);
  assert.ok(hiddenBias.every((x) => x === 0));
  const data = lab.patterns('random', { rows: 40, size: 50, p: 0.2, seed: 2 }).data;
  for (let i = 0; i < 50; i++) {
    let p = 0;
    for (let n = 0; n < 40; n++) p += data[n * 50 + i] / 40;
    p = Math.min(0.999, Math.max(0.001, p));
    assert.ok(Math.abs(visibleBias[i] - Math.log(p / (1 - p))) < 1e-5, `visible bias ${i}`);
  }
  big.free();
});

test('save / lab.loadLearner: training resumes bit for bit (momentum, update count, generator, persistent chains)', () => {
  const bas = lab.patterns('bars-and-stripes', { n: 3 });
  const rbm = lab.createRBM({ visible: 9, hidden: 6, seed: 2 }, { method: 'pcd', k: 2, chains: 25, learningRate: 0.05, momentum: 0.9, weightDecay: 0.001 });
  for (let i = 0; i < 40; i++) rbm.step(bas);
  const bytes = rbm.save();
  assert.equal(fileKind(bytes), 'rbm');
  assert.equal(bytes[7], 5);
  const back = /** @type {any} */ (lab.loadLearner(bytes));
  assert.equal(back.kind, 'rbm');
  assert.equal(back.steps, 40);
  assert.equal(back.chains, 25);
  assert.deepEqual(back.trainerOptions, rbm.trainerOptions);
  assert.deepEqual(back.config, rbm.config);
  for (let i = 0; i < 10; i++) assert.equal(back.step(bas).loss, rbm.step(bas).loss, `step ${i + 1} after the load`);
  assert.deepEqual(back.save(), rbm.save());
  assert.deepEqual(back.getWeights(), rbm.getWeights());
  back.free();
  // parameters only: default training options, no updates, the same model
  const weightsOnly = lab.loadRBM(rbm.save({ training: false }));
  assert.equal(weightsOnly.steps, 0);
  assert.equal(weightsOnly.trainerOptions.method, 'cd');
  assert.equal(weightsOnly.logPartition(), rbm.logPartition());
  weightsOnly.free();
  // damaged files are named
  const bad = rbm.save();
  bad[60] ^= 1;
  assert.throws(() => lab.loadRBM(bad), /checksum mismatch: file is corrupted/);
  assert.throws(() => lab.loadRBM(bytes.subarray(0, bytes.length - 10)), /truncated/);
  const model = lab.createModel({ cell: 'rnn', inputSize: 2, hiddenSize: 2, outputSize: 2 });
  assert.throws(() => lab.loadRBM(model.save()), /this is a saved model \(lab\.loadModel\) \(file kind 1\), not an RBM/);
  assert.throws(() => lab.loadLearner(bytes, { trainerOptions: { learningRate: 1 } }), /an RBM file holds its training options/);
  model.free();
  rbm.free();
});

test('the Learner protocol: the members every learner has, and a Gaussian-binary RBM that learns', () => {
  const rbm = lab.createRBM({ visible: 2, hidden: 4, visibleUnits: 'gaussian', seed: 3 }, { learningRate: 0.01, momentum: 0.5, weightDecay: 0 });
  const PROTOCOL = { step: 'function', evaluate: 'function', trace: 'function', save: 'function', free: 'function',
    learningRate: 'number', trainerOptions: 'object', steps: 'number', freed: 'boolean', kind: 'string' };
  for (const [member, type] of Object.entries(PROTOCOL)) assert.equal(typeof (/** @type {any} */ (rbm))[member], type, member);
  // two unit-variance clusters at (2, 2) and (-2, -1): a mixture an RBM with one active hidden unit can hold
  const rnd = prng(5), normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const R = 400, data = new Float32Array(2 * R);
  for (let n = 0; n < R; n++) { const k = n % 2; data[2 * n] = (k ? 2 : -2) + normal(); data[2 * n + 1] = (k ? 2 : -1) + normal(); }
  const set = { rows: R, size: 2, data };
  rbm.initVisibleBias(set);
  const before = rbm.logLikelihood(set);
  let last;
  for (let i = 0; i < 3000; i++) last = rbm.step({ rows: 40, size: 2, data: data.subarray(80 * (i % 10), 80 * (i % 10 + 1)) });
  const after = rbm.logLikelihood(set);
  assert.ok(after > before + 0.5, `gaussian log-likelihood ${before} -> ${after}`);
  assert.ok(last && Number.isFinite(last.loss) && last.gradNorm > 0 && last.clipped === false);
  assert.equal(rbm.steps, 3000);
  const tr = rbm.trace(set);
  assert.ok(tr.hiddenProbabilities.length === R * 4 && tr.reconstructions.length === R * 2 && tr.freeEnergy.length === R);
  const ev = rbm.evaluate(set);
  assert.ok(ev.exact && ev.loss === -after && ev.pseudoLikelihood === null);
  assert.throws(() => rbm.pseudoLikelihood(set), /pseudoLikelihood: defined for binary visibles only/);
  const s = rbm.sample({ chains: 3, steps: 10 });
  assert.ok(s.rows === 3 && s.size === 2 && s.data.length === 6 && s.data.every(Number.isFinite));
  rbm.learningRate = 0.002;
  assert.equal(rbm.learningRate, Math.fround(0.002));
  const ais = rbm.estimateLogPartition({ chains: 100, betas: 500, seed: 1 });
  assert.ok(Math.abs(ais.logZ - rbm.logPartition()) < 3 * ais.stdError + 1e-3, `gaussian AIS ${ais.logZ} +- ${ais.stdError} vs ${rbm.logPartition()}`);
  rbm.free();
  assert.ok(rbm.freed);
  rbm.free(); // idempotent
});

test('bad input throws naming the argument, and the RBM stays usable (nothing is lost)', () => {
  const bas = lab.patterns('bars-and-stripes', { n: 2 });
  const rbm = lab.createRBM({ visible: 4, hidden: 3, seed: 1 }), twin = lab.createRBM({ visible: 4, hidden: 3, seed: 1 });
  const nan = Float32Array.from(bas.data);
  nan[5] = NaN;
  const half = Float32Array.from(bas.data);
  half[6] = 0.5;
  const refusals = [
    [() => rbm.step({ rows: 6, size: 4, data: nan }), /step: batch must be finite: batch\.data\[5\] \(row 1, unit 1\) is NaN/],
    [() => rbm.step(half), /step: batch\[6\] \(row 1, unit 2\) = 0\.5, but a binary RBM's visible values are 0 or 1/],
    [() => rbm.logLikelihood({ rows: 2, size: 9, data: new Float32Array(18) }), /logLikelihood: data\.size is 9, but this RBM has 4 visible units/],
    [() => rbm.freeEnergy(new Float32Array(6)), /freeEnergy: v must hold whole rows of 4 visible values \(got 6 values\)/],
    [() => rbm.step(/** @type {any} */ ([0, 1, 0, 1])), /step: batch must be a pattern set \{ rows, size, data \} or a Float32Array/],
    [() => rbm.setTrainer({ k: 0 }), /setTrainer: options\.k must be an integer in 1\.\.100000 \(got 0\)/],
    [() => rbm.setTrainer({ momentum: 1 }), /setTrainer: options\.momentum must be a finite number >= 0 and < 1/],
    [() => rbm.setTrainer(/** @type {any} */ ({ method: 'cd-1' })), /options\.method must be 'cd' or 'pcd'/],
    [() => { rbm.learningRate = -1; }, /learningRate must be a finite number > 0 \(got -1\)/],
    [() => rbm.setWeights({ weight: new Float32Array(11) }), /setWeights: weight must be a Float32Array of 12 values \(hidden x visible = 3 x 4\)/],
    [() => rbm.setWeights({ visibleBias: [0, 0, Infinity, 0] }), /setWeights: visibleBias must be finite: visibleBias\[2\] is Infinity/],
    [() => rbm.sample({ chains: 0 }), /sample: options\.chains must be an integer in 1\.\.1048576 \(got 0\)/],
    [() => rbm.estimateLogPartition({ chains: 1 }), /estimateLogPartition: options\.chains must be an integer in 2\.\./],
    [() => rbm.estimateLogPartition({ betas: [0, 0.5, 0.4, 1] }), /options\.betas must be non-decreasing: betas\[2\] = 0\.4 after 0\.5/],
    [() => rbm.gradient(bas, /** @type {any} */ ({ method: 'pcd' })), /gradient: options\.method must be 'exact' or 'cd'/],
  ];
  for (const [call, message] of /** @type {[() => unknown, RegExp][]} */ (refusals)) {
    assert.throws(call, message);
    assert.deepEqual(rbm.step(bas), twin.step(bas), `still in step with its twin after ${message}`);
  }
  assert.deepEqual(rbm.getWeights(), twin.getWeights());
  // sizes out of range, and the exact sums beyond their limit (both numbers in the message)
  assert.throws(() => lab.createRBM({ visible: 0, hidden: 3 }), /createRBM: config\.visible must be an integer in 1\.\.1048576 \(got 0\)/);
  assert.throws(() => lab.createRBM({ visible: 3, hidden: 2 ** 21 }), /createRBM: config\.hidden must be an integer in 1\.\.1048576/);
  assert.throws(() => lab.createRBM({ visible: 10000, hidden: 10000 }), /createRBM: 10000 x 10000 has 100020000 parameters, the limit is 67108864/);
  assert.throws(() => lab.createRBM({ visible: 3, hidden: 2, visibleUnits: /** @type {any} */ ('real') }), /config\.visibleUnits must be 'binary' or 'gaussian'/);
  assert.throws(() => lab.createRBM(/** @type {any} */ ({ visible: 3, hidden: 2, units: 'binary' })), /createRBM: unknown option 'units'/);
  const wide = lab.createRBM({ visible: 30, hidden: 26, seed: 1 });
  const limit = /the exact sum needs 2\^26 states \(the smaller layer has 26 units\), the limit is 2\^24 = 16777216 states; use estimateLogPartition/;
  assert.throws(() => wide.logPartition(), limit);
  assert.throws(() => wide.logLikelihood(new Float32Array(30)), limit);
  assert.throws(() => wide.gradient(new Float32Array(30), { method: 'exact' }), limit);
  assert.equal(wide.exact, false);
  const ev = wide.evaluate(new Float32Array(60));
  assert.ok(!ev.exact && ev.logLikelihood === null && ev.loss === ev.reconstructionError, 'evaluate falls back to the reconstruction error');
  assert.ok(Number.isFinite(wide.estimateLogPartition({ chains: 10, betas: 50 }).logZ), 'AIS has no such limit');
  wide.free();
  // a freed RBM refuses everything by name; free stays idempotent
  twin.free();
  for (const call of [() => twin.step(bas), () => twin.logPartition(), () => twin.getWeights(), () => twin.save(), () => twin.trainerOptions]) {
    assert.throws(call, /rbm has been freed/);
  }
  twin.free();
  rbm.free();
});

// ---- the page's energy runs (web/families/energyruns.js as make dist serves them) ----
const dist = new URL('../dist/', import.meta.url);
const page = existsSync(new URL('families/energyruns.js', dist)) ? {
  lab: await (await import(new URL('rnnlab.mjs', dist).href)).load(),
  runs: await import(new URL('families/energyruns.js', dist).href),
  run: await import(new URL('worker/run.js', dist).href),
  state: await import(new URL('state.js', dist).href),
  families: await import(new URL('families/index.js', dist).href),
} : null;
const noDist = page ? false : 'dist/ is not built (make dist)';

test('the page\'s AIS log-likelihood (aisOf) agrees with the exact one on a trained RBM, within 3 standard errors', { skip: noDist }, (t) => {
  const P = /** @type {NonNullable<typeof page>} */ (page);
  const bas = P.lab.patterns('bars-and-stripes', { n: 3 });
  const rbm = P.lab.createRBM({ visible: 9, hidden: 16, seed: 2, data: bas }, { method: 'pcd', k: 1, learningRate: 0.02, momentum: 0.5, weightDecay: 0, chains: 100 });
  for (let i = 0; i < 3000; i++) rbm.step(bas);
  const exact = rbm.logLikelihood(bas);
  const [ais, se] = P.runs.aisOf(rbm, bas, 7);
  t.diagnostic(`after 3000 PCD-1 updates: exact ${exact.toFixed(4)}, AIS ${ais.toFixed(4)} +- ${se.toFixed(4)} (${P.runs.RBM_AIS.chains} chains, ${P.runs.RBM_AIS.betas} temperatures)`);
  assert.ok(se > 0 && se < 0.2, `standard error ${se}`);
  assert.ok(Math.abs(ais - exact) < 3 * se, `AIS ${ais} +- ${se} vs exact ${exact}`);
  rbm.free();
});

test('the page\'s RBM, DBN and Boltzmann runs save and load (file kinds 5-7): the task and sizes follow the file, training resumes loss for loss', { skip: noDist }, async () => {
  const P = /** @type {NonNullable<typeof page>} */ (page);
  for (const task of ['rbm', 'dbn', 'boltzmann']) {
    const config = { ...P.state.defaults(), ...P.state.PRESETS[task], task };
    await P.families.familyOf(task).prepare(P.lab, config); // the worker does this before every run
    const a = P.run.createRun(P.lab, config);
    for (let i = 0; i < 200; i++) a.learner.step(P.run.trainingBatch(a));
    const bytes = a.learner.save();
    const loaded = P.run.loadBytes(P.lab, bytes, { ...P.state.defaults(), task: 'parity' });
    assert.equal(loaded.kind, task);
    assert.equal(loaded.config.task, task);
    assert.equal(loaded.config.hidden, a.config.hidden);
    assert.equal(loaded.config.patterns, a.config.patterns);
    const b = P.run.createRun(P.lab, loaded.config, { loaded });
    assert.equal(b.step, 200, `${task}: resumes at update 200`);
    for (let i = 0; i < 20; i++) {
      const la = a.learner.step(P.run.trainingBatch(a)).loss, lb = b.learner.step(P.run.trainingBatch(b)).loss;
      assert.equal(lb, la, `${task}: update ${201 + i} alike`);
    }
    a.free(); b.free();
  }
  // a file of another family on an energy task is refused by name
  assert.throws(() => P.run.loadBytes(P.lab, new Uint8Array([1, 2, 3]), { ...P.state.defaults(), task: 'rbm' }), /not an rnnlab model file/);
});
