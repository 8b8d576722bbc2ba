// A pinned loss trajectory (llm.c's expected_losses): from a fixed seed and fixed data, the first
// 8 training losses of an LSTM (Adam), a GRU (RMSProp) and an RNN (momentum) with gradient
// clipping, in both wasm builds. Any change to initialisation, the PRNG, a cell, the loss or an
// optimizer shows up here. Tolerance 1e-6 relative (the two builds sum matrix products in
// different orders, which moves the 7th-8th digit).
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const PINNED = {
  lstm: { optimizer: 'adam', learningRate: 0.05, losses: [0.7194137, 0.69977683, 0.69389027, 0.69432867, 0.69127464, 0.6856128, 0.67950737, 0.67366689] },
  gru: { optimizer: 'rmsprop', learningRate: 0.01, losses: [0.69196737, 0.96023643, 1.6410754, 0.66217238, 0.63937968, 0.59480721, 0.51363176, 0.53987342] },
  rnn: { optimizer: 'momentum', learningRate: 0.05, losses: [0.76453966, 0.75774223, 0.74611104, 0.73224688, 0.71876222, 0.70772469, 0.70028263, 0.69655895] },
};

// running parity of a fixed bit pattern, B = 4 sequences of T = 6
const B = 4, T = 6;
const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
for (let b = 0; b < B; b++) {
  let p = 0;
  for (let t = 0; t < T; t++) {
    const x = (b * 7 + t * 3 + b * t) % 2;
    p ^= x;
    inputs[b * T + t] = x, targets[b * T + t] = p;
  }
}

for (const simd of [true, false])
  for (const [cell, { optimizer, learningRate, losses }] of Object.entries(PINNED))
    test(`pinned loss trajectory: ${cell} + ${optimizer} (${simd ? 'SIMD' : 'scalar'})`, async () => {
      const lab = await load({ simd });
      const model = lab.createModel({ cell, inputSize: 2, input: 'onehot', hiddenSize: 8, outputSize: 2, output: 'softmax', seed: 42 });
      const trainer = lab.createTrainer(model, { optimizer, learningRate, clipNorm: 5 });
      const got = losses.map(() => trainer.step({ inputs, targets, batchSize: B, length: T }).loss);
      got.forEach((l, i) => assert.ok(Math.abs(l - losses[i]) <= 1e-6 * losses[i], `step ${i}: loss ${l}, pinned ${losses[i]}`));
      trainer.free();
      model.free();
    });
