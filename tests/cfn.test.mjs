// The chaos-free network cell (core/cells/cfn.c; Laurent & von Brecht 2017): its autonomous
// dynamics decay to 0 from any start (h_t = theta * tanh(h_{t-1}) with no input; slowly where theta
// is near 1, since tanh(h) ~ h - h^3/3 near 0: 1480 steps here), its unused floats
// (the candidate's recurrent rows and biases) are not parameters and stay zero, and it learns.
// Gradients: tests/native/test_gradcheck.c (cfn, 1 and 2 layers, uni- and bidirectional).
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load();

test('without input every CFN trajectory decays to 0, monotonically, from any start', () => {
  const T0 = 20, T = 1500, B = 8;
  for (const [seed, scale] of [[1, 1], [2, 3], [3, 6]]) {
    const H = 16;
    const model = lab.createModel({ cell: 'cfn', input: 'dense', inputSize: 3, hiddenSize: H, outputSize: 1, output: 'linear', init: 'uniform', initScale: scale, seed });
    // T0 steps of strong random input (the start), then T - T0 steps of no input
    const inputs = new Float32Array(B * T * 3);
    let r = seed * 7919;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T0; t++)
        for (let k = 0; k < 3; k++) r = (r * 1103515245 + 12345) % 2 ** 31, inputs[(b * T + t) * 3 + k] = (r / 2 ** 31) * 8 - 4;
    const tr = model.trace({ batchSize: B, length: T, inputs, targets: new Float32Array(B * T) });
    const h = tr.layers[0][0].hidden;
    const norm = (b, t) => { let m = 0; for (let j = 0; j < H; j++) m = Math.max(m, Math.abs(h[(b * T + t) * H + j])); return m; };
    for (let b = 0; b < B; b++) {
      assert.ok(norm(b, T0 - 1) > 0.05, `seed ${seed}: the start is not already at rest (${norm(b, T0 - 1)})`);
      for (let t = T0; t < T; t++) assert.ok(norm(b, t) <= norm(b, t - 1) + 1e-7, `seed ${seed} row ${b}: |h| grew at step ${t}`);
      assert.ok(norm(b, T - 1) < 3e-2, `seed ${seed} row ${b}: |h| = ${norm(b, T - 1)} after ${T - T0} steps without input`);
    }
    model.free();
  }
});

test("the candidate's recurrent rows and biases are zero and are not parameters", () => {
  const I = 4, H = 5, V = 3;
  const model = lab.createModel({ cell: 'cfn', inputSize: I, hiddenSize: H, outputSize: V, seed: 3 });
  assert.equal(model.parameterCount, 3 * H * I + 2 * H * H + 2 * 2 * H + V * (H + 1));
  const w = model.getWeights();
  assert.ok(w.weight_hh_l0.subarray(2 * H * H).every((x) => x === 0), 'the c rows of weight_hh');
  assert.ok(w.bias_ih_l0.subarray(2 * H).every((x) => x === 0) && w.bias_hh_l0.subarray(2 * H).every((x) => x === 0), 'the c biases');
  model.setWeights({ bias_ih_l0: new Float32Array(3 * H).fill(1) });
  assert.ok(model.getWeights().bias_ih_l0.subarray(2 * H).every((x) => x === 0), 'set_tensor keeps them zero');
  model.free();
});

test('a CFN learns parity (and generalises to length 100) through the Learner protocol', () => {
  const task = lab.createTask('parity', { seed: 4 });
  const model = lab.createModel({ ...task.modelConfig, cell: 'cfn', hiddenSize: 16, seed: 5 });
  const learner = lab.createLearner(model, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  for (let i = 0; i < 400; i++) learner.step(task.nextBatch(32));
  const r = learner.evaluate(task, { count: 500, length: 100 });
  assert.ok(r.accuracy >= 0.99, `parity at length 100: ${r.accuracy}`);
  learner.free(), model.free(), task.free();
});
