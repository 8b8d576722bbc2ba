// Deep belief nets (wasm/dbn.mjs, core/energy/dbn.c): greedy layer-wise training of stacked RBMs
// and sampling down from the top RBM, proved on small nets by enumeration: a DBN whose top RBM is
// the transpose of the one below is the same model as that RBM (Hinton, Osindero & Teh 2006's
// complementary prior), and training the top RBM greedily raises the variational bound on log p(v)
// (and here log p(v) itself). Then: a two-layer DBN is the RBM of its seed bit for bit, the
// schedule, the passes, digit-like samples from a deeper net, resume, refusals.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';
import { fileKind } from '../wasm/names.mjs';

const lab = await load();
const sigmoid = (/** @type {number} */ x) => 1 / (1 + Math.exp(-x));
const logSumExp = (/** @type {number[]} */ xs) => { const m = Math.max(...xs); return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0)); };

/**
 * The exact mean log p(v) of a two-RBM DBN [V, H1, H2] over data, and the variational bound
 * E_Q[log p(h1) + log p(v | h1)] + H(Q) with Q = RBM 0's factorial posterior, by enumerating h1.
 * p(h1) is the top RBM's marginal (its own exact free energy and log Z), p(v | h1) RBM 0's
 * directed conditional. @param {any} dbn @param {{ rows: number, size: number, data: Float32Array }} set
 */
function exactDBN(dbn, set) {
  const [V, H1, H2] = dbn.layers, [r0, r1] = dbn.getWeights();
  const states = new Float32Array((1 << H1) * H1);
  for (let h = 0; h < 1 << H1; h++) for (let j = 0; j < H1; j++) states[h * H1 + j] = (h >> j) & 1;
  const top = lab.createRBM({ visible: H1, hidden: H2 });
  top.setWeights(r1);
  const F = top.freeEnergy(states), logZ = top.logPartition();
  top.free();
  let ll = 0, bound = 0;
  for (let n = 0; n < set.rows; n++) {
    const v = set.data.subarray(n * V, (n + 1) * V);
    const q = Array.from({ length: H1 }, (_, j) => sigmoid(r0.hiddenBias[j] + v.reduce((s, x, i) => s + x * r0.weight[j * V + i], 0)));
    const joint = [];
    for (let h = 0; h < 1 << H1; h++) {
      let lpv = 0, lq = 0;
      for (let i = 0; i < V; i++) {
        let a = r0.visibleBias[i];
        for (let j = 0; j < H1; j++) if ((h >> j) & 1) a += r0.weight[j * V + i];
        lpv += v[i] ? Math.log(sigmoid(a)) : Math.log(1 - sigmoid(a));
      }
      for (let j = 0; j < H1; j++) lq += (h >> j) & 1 ? Math.log(q[j]) : Math.log(1 - q[j]);
      const lj = -F[h] - logZ + lpv; // log p(h1) + log p(v | h1)
      joint.push(lj);
      bound += Math.exp(lq) * (lj - lq);
    }
    ll += logSumExp(joint);
  }
  return { ll: ll / set.rows, bound: bound / set.rows };
}

test('the complementary prior: a DBN with its top RBM tied to the transpose of the one below is that RBM; greedy training of the top raises the bound', (t) => {
  const bas = lab.patterns('bars-and-stripes', { n: 3 });
  const V = 9, H1 = 12;
  const dbn = lab.createDBN({ layers: [V, H1, V], seed: 3, data: bas }, { learningRate: 0.05, momentum: 0.5, weightDecay: 0 });
  for (let i = 0; i < 5000; i++) dbn.step(bas);
  assert.deepEqual(dbn.layerSteps, [5000, 0]);
  const [w0] = dbn.getWeights();
  const rbm = lab.createRBM({ visible: V, hidden: H1 });
  rbm.setWeights(w0);
  const llRBM = rbm.logLikelihood(bas);
  rbm.free();
  // tie: W2 = W1^T, the top's visible biases = RBM 0's hidden biases and vice versa
  const WT = new Float32Array(V * H1);
  for (let j = 0; j < H1; j++) for (let i = 0; i < V; i++) WT[i * H1 + j] = w0.weight[j * V + i];
  dbn.setWeights([null, { weight: WT, visibleBias: w0.hiddenBias, hiddenBias: w0.visibleBias }]);
  const tied = exactDBN(dbn, bas);
  assert.ok(Math.abs(tied.ll - llRBM) < 1e-9, `tied DBN ${tied.ll} vs its RBM ${llRBM}`);
  assert.ok(Math.abs(tied.bound - tied.ll) < 1e-9, 'the bound is tight: RBM 0 posterior is exact there');
  dbn.layer = 1; // greedy: RBM 0 stays as it is
  for (let i = 0; i < 2000; i++) dbn.step(bas);
  const after = exactDBN(dbn, bas);
  t.diagnostic(`3x3 bars-and-stripes, [9, 12, 9]: RBM ${llRBM.toFixed(4)} = tied DBN ${tied.ll.toFixed(4)}; after 2000 greedy updates of the top RBM: bound ${after.bound.toFixed(4)}, log p ${after.ll.toFixed(4)}`);
  // measured with seeds 1..5: +0.19..+0.38 nats
  assert.ok(after.bound > tied.bound + 0.1, `the variational bound rises: ${tied.bound} -> ${after.bound}`);
  assert.ok(after.ll >= after.bound - 1e-9 && after.ll > tied.ll, `log p(v) ${tied.ll} -> ${after.ll}`);
  assert.deepEqual(dbn.getWeights()[0], w0, 'greedy: the RBM below is untouched');
  dbn.free();
});

test('a two-layer DBN is the RBM of its seed, bit for bit; the up pass is the RBMs\' p(h | v)', () => {
  const digits = lab.patterns('digits', { count: 40, noise: 0.05, seed: 4 });
  const options = { method: /** @type {const} */ ('pcd'), k: 2, learningRate: 0.05, momentum: 0.9 };
  const dbn = lab.createDBN({ layers: [35, 20], seed: 9 }, options), rbm = lab.createRBM({ visible: 35, hidden: 20, seed: 9 }, options);
  for (let i = 0; i < 30; i++) assert.equal(dbn.step(digits).loss, rbm.step(digits).loss);
  assert.deepEqual(dbn.getWeights()[0], rbm.getWeights());
  const a = dbn.sample({ chains: 5, steps: 20, seed: 2 }), b = rbm.sample({ chains: 5, steps: 20, seed: 2 });
  assert.deepEqual([a.data, a.probabilities], [b.data, b.probabilities]);
  assert.deepEqual(dbn.up(digits, 1), rbm.reconstruct(digits).hiddenProbabilities);
  assert.deepEqual(dbn.reconstruct(digits).reconstructions, rbm.reconstruct(digits).reconstructions);
  dbn.free();
  rbm.free();
});

test('greedy schedule: stepsPerLayer moves up, the top keeps training; a deeper net samples digits', (t) => {
  const train = lab.patterns('digits', { count: 500, noise: 0.03, seed: 1 }), clean = lab.patterns('digits', { count: 10 });
  const dbn = lab.createDBN({ layers: [35, 60, 40, 20], seed: 1, data: train },
    { method: 'cd', k: 1, learningRate: 0.05, momentum: 0.5, weightDecay: 0.0001, stepsPerLayer: 3000 });
  /** the share of samples within 2 pixels of a font digit @param {{ rows: number, data: Float32Array }} s */
  const digitLike = (s) => {
    let hits = 0;
    for (let r = 0; r < s.rows; r++) {
      let best = Infinity;
      for (let d = 0; d < 10; d++) {
        let h = 0;
        for (let i = 0; i < 35; i++) h += s.data[r * 35 + i] !== clean.data[d * 35 + i] ? 1 : 0;
        best = Math.min(best, h);
      }
      hits += best <= 2 ? 1 : 0;
    }
    return hits / s.rows;
  };
  const before = digitLike(dbn.sample({ chains: 500, steps: 200, seed: 2 }));
  const seen = new Set();
  for (let i = 0; i < 9500; i++) {
    const j = i % 10;
    seen.add(dbn.step({ rows: 50, size: 35, data: train.data.subarray(j * 50 * 35, (j + 1) * 50 * 35) }).layer);
  }
  assert.deepEqual([...seen], [0, 1, 2]);
  assert.deepEqual(dbn.layerSteps, [3000, 3000, 3500]);
  assert.equal(dbn.steps, 9500);
  const after = digitLike(dbn.sample({ chains: 500, steps: 200, seed: 2 }));
  const ev = dbn.evaluate(train);
  t.diagnostic(`[35, 60, 40, 20] on noisy digits: samples within 2 pixels of a digit ${before} -> ${after}; up-down reconstruction error ${ev.loss.toFixed(4)}, accuracy ${ev.accuracy.toFixed(4)}`);
  assert.ok(before < 0.05 && after > 0.5, `digit-like samples ${before} -> ${after}`); // measured 0 -> 0.79
  assert.ok(ev.loss < 0.05 && ev.accuracy > 0.95);
  const tr = dbn.trace(clean);
  assert.deepEqual(tr.layers.map((x) => x.length), [350, 600, 400, 200]);
  assert.deepEqual(tr.layers[0], clean.data);
  dbn.free();
});

test('save / lab.loadLearner: greedy training resumes bit for bit', () => {
  const digits = lab.patterns('digits', { count: 30, noise: 0.05, seed: 5 });
  const dbn = lab.createDBN({ layers: [35, 16, 8], seed: 2 }, { method: 'pcd', chains: 12, k: 2, learningRate: 0.05, momentum: 0.9, stepsPerLayer: 20 });
  for (let i = 0; i < 30; i++) dbn.step(digits);
  const bytes = dbn.save();
  assert.equal(fileKind(bytes), 'dbn');
  const back = /** @type {any} */ (lab.loadLearner(bytes));
  assert.equal(back.kind, 'dbn');
  assert.deepEqual([back.layer, back.steps, back.layerSteps, back.trainerOptions], [dbn.layer, dbn.steps, dbn.layerSteps, dbn.trainerOptions]);
  for (let i = 0; i < 10; i++) assert.equal(back.step(digits).loss, dbn.step(digits).loss, `step ${i + 1} after the load`);
  assert.deepEqual(back.save(), dbn.save());
  back.free();
  const weightsOnly = lab.loadDBN(dbn.save({ training: false }));
  assert.deepEqual([weightsOnly.layer, weightsOnly.steps], [0, 0]);
  assert.deepEqual(weightsOnly.getWeights(), dbn.getWeights());
  weightsOnly.free();
  const bad = dbn.save();
  bad[100] ^= 1;
  assert.throws(() => lab.loadDBN(bad), /checksum mismatch/);
  assert.throws(() => lab.loadDBN(bytes.subarray(0, 300)), /truncated/);
  const rbm = lab.createRBM({ visible: 4, hidden: 2 });
  assert.throws(() => lab.loadDBN(rbm.save()), /file kind 5 is not a deep belief net \(6\): it is an RBM \(lab\.loadRBM\)/);
  assert.throws(() => lab.loadRBM(bytes), /this is a saved deep belief net \(file kind 6\), not an RBM/);
  rbm.free();
  dbn.free();
});

test('the Learner protocol, and refusals by name with the DBN still usable', () => {
  const digits = lab.patterns('digits', { count: 20 });
  const dbn = lab.createDBN({ layers: [35, 10, 5], seed: 1 }), twin = lab.createDBN({ layers: [35, 10, 5], seed: 1 });
  const PROTOCOL = { step: 'function', evaluate: 'function', trace: 'function', save: 'function', free: 'function',
    learningRate: 'number', trainerOptions: 'object', steps: 'number', freed: 'boolean', kind: 'string' };
  for (const [member, type] of Object.entries(PROTOCOL)) assert.equal(typeof (/** @type {any} */ (dbn))[member], type, member);
  const half = Float32Array.from(digits.data);
  half[40] = 0.5;
  const refusals = [
    [() => dbn.step(half), /step: batch\[40\] \(row 1, unit 5\) = 0\.5, but a binary RBM's visible values are 0 or 1/],
    [() => dbn.step({ rows: 1, size: 9, data: new Float32Array(9) }), /step: batch\.size is 9, but this DBN has 35 visible units/],
    [() => { dbn.layer = 2; }, /layer must be an integer in 0\.\.1 \(got 2\)/],
    [() => dbn.up(digits, 3), /up: layer must be an integer in 0\.\.2/],
    [() => dbn.setTrainer({ stepsPerLayer: -1 }), /setTrainer: options\.stepsPerLayer must be an integer in 0\.\./],
    [() => dbn.setTrainer({ k: 0 }), /setTrainer: options\.k must be an integer in 1\.\.100000/],
    [() => dbn.setWeights([{ weight: new Float32Array(3) }]), /setWeights: weights\[0\]\.weight must hold 350 values/],
    [() => dbn.sample({ chains: 0 }), /sample: options\.chains must be an integer in 1\.\./],
  ];
  for (const [call, message] of /** @type {[() => unknown, RegExp][]} */ (refusals)) {
    assert.throws(call, message);
    assert.deepEqual(dbn.step(digits), twin.step(digits));
  }
  assert.throws(() => lab.createDBN({ layers: [35] }), /createDBN: config\.layers must be an array of 2\.\.16 layer sizes/);
  assert.throws(() => lab.createDBN({ layers: [35, 0] }), /createDBN: config\.layers\[1\] must be an integer in 1\.\.1048576 \(got 0\)/);
  assert.throws(() => lab.createDBN(/** @type {any} */ ({ layers: [4, 2], hidden: 3 })), /createDBN: unknown option 'hidden'/);
  dbn.learningRate = 0.03;
  assert.equal(dbn.learningRate, Math.fround(0.03));
  twin.free();
  assert.throws(() => twin.step(digits), /dbn has been freed/);
  twin.free();
  dbn.free();
});
