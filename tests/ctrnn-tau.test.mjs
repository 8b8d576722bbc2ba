// The CT-RNN's learnable time constants (config.learnTau, core/cells/rnn.c): one tensor
// alpha_logit_l<k> per layer, alpha_j = sigmoid(a_j) = 1/tau_j, initialised at config.alpha;
// its gradient against central differences through the JS API; save/load; the errors; and
// learnTau false untouched (tests/trajectory.test.mjs pins its losses).
import test from 'node:test';
import assert from 'node:assert/strict';

import { load } from '../wasm/rnnlab.mjs';

const lab = await load();
const sigmoid = (a) => 1 / (1 + Math.exp(-a));
const base = { cell: 'ctrnn', input: 'dense', output: 'linear', inputSize: 2, outputSize: 2, hiddenSize: 5, alpha: 0.3, seed: 4 };

/** a fixed dense batch from a small generator (no Math.random) */
function batch(B, T, I, V, seed) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return { batchSize: B, length: T, inputs: Float32Array.from({ length: B * T * I }, u), targets: Float32Array.from({ length: B * T * V }, u) };
}

test('learnTau: one alpha_logit tensor per layer, alpha_j starts at config.alpha, the other weights as without it', () => {
  const m = lab.createModel({ ...base, layers: 2, learnTau: true });
  const plain = lab.createModel({ ...base, layers: 2 });
  assert.equal(m.config.learnTau, true);
  assert.equal(plain.config.learnTau, false);
  const names = m.tensors.map((t) => t.name);
  assert.deepEqual(names.filter((n) => n.startsWith('alpha_logit')), ['alpha_logit_l0', 'alpha_logit_l1']);
  assert.ok(!plain.tensors.some((t) => t.name.startsWith('alpha_logit')));
  assert.equal(m.parameterCount, plain.parameterCount + 2 * base.hiddenSize);
  const w = m.getWeights(), wp = plain.getWeights();
  for (const a of w.alpha_logit_l0) assert.ok(Math.abs(sigmoid(a) - 0.3) < 1e-6, `alpha ${sigmoid(a)}`);
  for (const k of Object.keys(wp)) assert.deepEqual(w[k], wp[k], `${k}: the same draws from the seed`);
  // at the start the two models compute the same function (alpha_j = alpha up to rounding)
  const b = batch(2, 6, 2, 2, 9);
  const o = m.forward(b).outputs, op = plain.forward(b).outputs;
  for (let i = 0; i < o.length; i++) assert.ok(Math.abs(o[i] - op[i]) < 1e-5, `output ${i}: ${o[i]} vs ${op[i]}`);
  m.free(), plain.free();
});

test('learnTau: the gradient of alpha_logit matches central differences, and a unit with a larger tau integrates slower', () => {
  const m = lab.createModel({ ...base, init: 'uniform', initScale: 0.6, learnTau: true });
  const w = m.getWeights();
  const a = Float32Array.from(w.alpha_logit_l0, (v, j) => v + 0.4 * (j - 2)); // spread: alpha 0.15 .. 0.5
  m.setWeights({ alpha_logit_l0: a });
  const b = batch(3, 7, 2, 2, 21);
  m.backward(b);
  const g = m.getGradients().alpha_logit_l0;
  const e = 1e-2;
  let worst = 0;
  for (let j = 0; j < a.length; j++) {
    const at = (d) => { const x = Float32Array.from(a); x[j] += d; m.setWeights({ alpha_logit_l0: x }); return m.forward(b).loss; };
    const num = (at(e) - at(-e)) / (2 * e);
    worst = Math.max(worst, Math.abs(g[j] - num) / Math.max(Math.abs(g[j]) + Math.abs(num), 1e-2));
  }
  m.setWeights({ alpha_logit_l0: a });
  assert.ok(worst < 2e-2, `worst relative error ${worst}`);
  assert.ok(g.some((v) => Math.abs(v) > 1e-4), 'a gradient reaches the time constants');
  // dynamics: a unit's potential relaxes towards its input at rate alpha_j (zero recurrence)
  const one = lab.createModel({ cell: 'ctrnn', input: 'dense', output: 'linear', inputSize: 1, outputSize: 1, hiddenSize: 2, alpha: 0.5, learnTau: true, seed: 1 });
  one.setWeights({ weight_ih_l0: [1, 1], weight_hh_l0: [0, 0, 0, 0], bias_ih_l0: [0, 0], bias_hh_l0: [0, 0], alpha_logit_l0: [Math.log(0.5 / 0.5), Math.log(0.1 / 0.9)] });
  const T = 5;
  const tr = one.trace({ batchSize: 1, length: T, inputs: new Float32Array(T).fill(1), targets: new Float32Array(T) });
  const x = tr.layers[0][0].cell; // (T, H): x_t = 1 - (1 - alpha_j)^t
  for (let t = 0; t < T; t++) {
    assert.ok(Math.abs(x[2 * t] - (1 - 0.5 ** (t + 1))) < 1e-5, `unit 0 (tau 2), step ${t}: ${x[2 * t]}`);
    assert.ok(Math.abs(x[2 * t + 1] - (1 - 0.9 ** (t + 1))) < 1e-5, `unit 1 (tau 10), step ${t}: ${x[2 * t + 1]}`);
  }
  m.free(), one.free();
});

test('learnTau: every tau stays > 1 whatever the parameter; training moves them; save and load keep them', () => {
  const m = lab.createModel({ ...base, learnTau: true });
  const t = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.2 }); // large steps
  const b = batch(4, 10, 2, 2, 3);
  for (let i = 0; i < 20; i++) t.step(b);
  const a = m.getWeights().alpha_logit_l0;
  assert.ok(a.some((v) => Math.abs(sigmoid(v) - 0.3) > 0.05), 'the time constants trained');
  for (const v of a) assert.ok(Number.isFinite(v) && sigmoid(v) > 0 && sigmoid(v) < 1, `alpha ${sigmoid(v)}`);
  // any value of a_j is a valid unit: x_t is a convex combination of x_{t-1} and its input
  const wild = lab.createModel({ ...base, learnTau: true });
  wild.setWeights({ alpha_logit_l0: [-1000, -20, 0, 20, 1000] });
  const r = wild.backward(b);
  assert.ok(Number.isFinite(r.loss) && Object.values(wild.getGradients()).every((g) => g.every(Number.isFinite)), 'finite loss and gradients');
  wild.free();
  const bytes = m.save({ trainer: t });
  const { model: back, trainer } = lab.loadTrainer(bytes);
  assert.equal(back.config.learnTau, true);
  assert.deepEqual(back.getWeights(), m.getWeights());
  assert.deepEqual(back.forward(b).outputs, m.forward(b).outputs);
  assert.deepEqual(trainer.step(b), t.step(b), 'training resumes step for step');
  // a model saved without learnTau loads without it
  const plain = lab.createModel(base);
  const again = lab.loadModel(plain.save());
  assert.equal(again.config.learnTau, false);
  assert.equal(again.tensors.length, plain.tensors.length);
  m.free(), back.free(), plain.free(), again.free();
});

test('learnTau: bad settings throw naming the key; the lab still works', () => {
  assert.throws(() => lab.createModel({ ...base, alpha: 1, learnTau: true }), /config\.learnTau needs config\.alpha < 1/);
  assert.throws(() => lab.createModel({ ...base, learnTau: true, alpha: undefined }), /config\.learnTau needs config\.alpha < 1/); // the default alpha is 1
  assert.throws(() => lab.createModel({ ...base, cell: 'gru', learnTau: true }), /config\.learnTau: a learnable time constant is for cell 'ctrnn' only/);
  assert.throws(() => lab.createModel({ ...base, learnTau: 1 }), /config\.learnTau must be true or false/);
  const m = lab.createModel({ ...base, learnTau: true });
  assert.throws(() => m.setWeights({ alpha_logit_l0: [NaN, 0, 0, 0, 0] }), /alpha_logit_l0/);
  assert.ok(Number.isFinite(m.forward(batch(1, 3, 2, 2, 1)).loss));
  m.free();
});

test('learnTau: the dynamics tools see each unit\'s own time constant (Jacobian eigenvalues 1 - alpha_j)', () => {
  // no recurrence: the one fixed point is x* = W u + b, h* = tanh(x*); the state map's Jacobian
  // over [h | x] has the eigenvalues 1 - alpha_j (the potentials) and 0 (h follows x at once)
  const alphas = [0.1, 0.25, 0.6];
  const m = lab.createModel({ cell: 'ctrnn', input: 'dense', output: 'linear', inputSize: 1, outputSize: 1, hiddenSize: 3, alpha: 0.5, learnTau: true, seed: 2 });
  m.setWeights({ weight_ih_l0: [0.5, -1, 2], weight_hh_l0: new Float32Array(9), bias_ih_l0: [0.1, 0, 0], bias_hh_l0: [0, 0.2, 0],
    alpha_logit_l0: alphas.map((a) => Math.log(a / (1 - a))) });
  const pts = m.fixedPoints({ input: [0.4], starts: 8, maxIterations: 5000 });
  assert.equal(pts.length, 1);
  const p = pts[0];
  const xs = [0.5 * 0.4 + 0.1, -0.4 + 0.2, 0.8];
  for (let j = 0; j < 3; j++) {
    assert.ok(Math.abs(p.state[3 + j] - xs[j]) < 1e-4, `x*_${j} ${p.state[3 + j]} vs ${xs[j]}`);
    assert.ok(Math.abs(p.state[j] - Math.tanh(xs[j])) < 1e-4, `h*_${j}`);
  }
  const re = Array.from(p.eigenvalues.re).sort((a, b) => b - a);
  const want = [...alphas.map((a) => 1 - a), 0, 0, 0].sort((a, b) => b - a);
  for (let k = 0; k < 6; k++) assert.ok(Math.abs(re[k] - want[k]) < 1e-4, `eigenvalue ${k}: ${re[k]} vs ${want[k]}`);
  assert.ok(p.eigenvalues.im.every((v) => Math.abs(v) < 1e-6));
  assert.equal(p.type, 'stable');
  m.free();
});
