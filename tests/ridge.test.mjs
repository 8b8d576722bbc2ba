// The ridge readout (core/train/ridge.c, wasm/ridge.mjs): the closed-form fit equals the normal
// equations solved independently in double from the same states; batches accumulate; save and
// lab.loadLearner continue exactly; an ESN with it learns a delay-line memory; bad input is
// refused by name and nothing is lost.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load();
const H = 40, DELAY = 3;

/** u_t uniform in [-1, 1], target u_{t - DELAY} (0 before). @param {number} B @param {number} T @param {number} seed */
function delayBatch(B, T, seed) {
  let r = seed * 2654435761 % 2 ** 32;
  const rand = () => ((r = (r * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32) * 2 - 1;
  const inputs = new Float32Array(B * T), targets = new Float32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) inputs[b * T + t] = rand();
  for (let b = 0; b < B; b++) for (let t = DELAY; t < T; t++) targets[b * T + t] = inputs[b * T + t - DELAY];
  return { batchSize: B, length: T, inputs, targets };
}

// inputScale 0.2 keeps the reservoir near its linear regime, where a delay line is easy to read out
const esn = (seed = 3) => lab.createModel({ cell: 'esn', input: 'dense', inputSize: 1, hiddenSize: H, outputSize: 1, output: 'linear',
  spectralRadius: 0.9, inputScale: 0.2, alpha: 1, seed });

/** Solves (X^T X + ridge diag(1..1, 0)) W = X^T y in double by Gaussian elimination with pivoting. */
function normalEquations(X, y, rows, D1, ridge) {
  const A = Array.from({ length: D1 }, () => new Float64Array(D1 + 1));
  for (let i = 0; i < rows; i++)
    for (let p = 0; p < D1; p++) {
      for (let q = 0; q < D1; q++) A[p][q] += X[i * D1 + p] * X[i * D1 + q];
      A[p][D1] += X[i * D1 + p] * y[i];
    }
  for (let p = 0; p < D1 - 1; p++) A[p][p] += ridge;
  for (let c = 0; c < D1; c++) {
    let best = c;
    for (let r = c + 1; r < D1; r++) if (Math.abs(A[r][c]) > Math.abs(A[best][c])) best = r;
    [A[c], A[best]] = [A[best], A[c]];
    for (let r = 0; r < D1; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= D1; k++) A[r][k] -= f * A[c][k];
    }
  }
  return Array.from({ length: D1 }, (_, p) => A[p][D1] / A[p][p]);
}

test('the readout is the normal-equation solution in double, over every batch seen', () => {
  const model = esn(), ridge = lab.createRidge(model, { ridge: 1e-3, washout: 5 });
  const b1 = delayBatch(4, 60, 1), b2 = delayBatch(3, 60, 2);
  ridge.step(b1);
  const r2 = ridge.step(b2);
  assert.equal(ridge.steps, 2);
  // the same states through model.trace (the readout does not change them), washout and bias as documented
  const X = [], y = [];
  for (const b of [b1, b2]) {
    const hid = model.trace(b).layers[0][0].hidden;
    for (let i = 0; i < b.batchSize; i++)
      for (let t = 5; t < b.length; t++) {
        for (let j = 0; j < H; j++) X.push(hid[(i * b.length + t) * H + j]);
        X.push(1), y.push(b.targets[i * b.length + t]);
      }
  }
  const w = normalEquations(Float64Array.from(X), Float64Array.from(y), y.length, H + 1, 1e-3);
  const got = model.getWeights();
  const scale = Math.max(...w.map(Math.abs));
  for (let j = 0; j < H; j++) assert.ok(Math.abs(got['fc.weight'][j] - w[j]) <= 1e-5 * scale, `weight ${j}: ${got['fc.weight'][j]} vs ${w[j]}`);
  assert.ok(Math.abs(got['fc.bias'][0] - w[H]) <= 1e-5 * scale);
  // the reported loss is b2's under the new readout
  assert.ok(Math.abs(r2.loss - model.forward(b2).loss) < 1e-6);
  assert.equal(r2.gradNorm, 0);
  model.free();
});

test('an echo-state network with the ridge readout remembers a delay line', () => {
  const model = esn(5), ridge = lab.createLearner(model, { optimizer: 'ridge', ridge: 1e-6, washout: 10 });
  for (let k = 0; k < 4; k++) ridge.step(delayBatch(8, 200, 10 + k));
  const test = delayBatch(4, 200, 99);
  const out = model.forward(test).outputs;
  let se = 0, n = 0, v = 0;
  for (let i = 0; i < 4; i++) for (let t = 10; t < 200; t++) se += (out[i * 200 + t] - test.targets[i * 200 + t]) ** 2, v += test.targets[i * 200 + t] ** 2, n++;
  const nrmse = Math.sqrt(se / v);
  assert.ok(nrmse < 0.05, `normalised RMSE on held-out data: ${nrmse}`); // measured 0.029
  assert.deepEqual(ridge.trainerOptions, { optimizer: 'ridge', ridge: Math.fround(1e-6), washout: 10 });
  model.free();
  assert.equal(ridge.freed, true, 'model.free() frees its ridge readout too');
});

test('save and lab.loadLearner continue exactly; bad input is refused by name', () => {
  const model = esn(7), a = lab.createRidge(model, { ridge: 1e-4 });
  a.step(delayBatch(4, 50, 1));
  const bytes = a.save();
  assert.equal(bytes[7], 8, 'file kind 8');
  const b = lab.loadLearner(bytes);
  assert.equal(b.kind, 'ridge');
  const next = delayBatch(4, 50, 2);
  assert.equal(a.step(next).loss, b.step(next).loss);
  assert.deepEqual(a.model.getWeights(), b.model.getWeights());
  assert.throws(() => { a.learningRate = 0.1; }, /learningRate: a ridge readout is solved in closed form/);
  assert.throws(() => lab.createRidge(model, { ridge: -1 }), /options\.ridge must be a number in \[0, 1e6\]/);
  assert.throws(() => lab.createRidge(model, { lambda: 1 }), /unknown option 'lambda'/);
  const cls = lab.createModel({ cell: 'esn', inputSize: 3, hiddenSize: 8, outputSize: 3, seed: 1 });
  assert.throws(() => lab.createRidge(cls), /a ridge readout fits a linear output/);
  cls.free();
  assert.throws(() => a.step({ ...next, targets: undefined }), /targets/);
  const bad = bytes.slice(); bad[bad.length - 9] ^= 1;
  assert.throws(() => lab.loadLearner(bad), /checksum mismatch/);
  assert.ok(Number.isFinite(a.step(next).loss), 'still usable after every refusal');
  a.free(), b.free(), model.free();
  assert.throws(() => a.step(next), /freed/);
});
