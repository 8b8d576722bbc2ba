// Numerics against PyTorch: fixtures from tests/fixtures/gen_torch.py (nn.RNN/LSTM/GRU + Linear,
// float64 reference of float32 weights). For every case: outputs, loss, every weight gradient,
// final states h_n/c_n and the top layer's hidden sequence, in both wasm builds.
// Tolerances: forward values 2e-5 absolute; loss 1e-5 relative; gradients 2e-5 + 1e-3 relative.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load } from '../wasm/rnnlab.mjs';
import { close } from './helpers/close.mjs';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch.json', import.meta.url), 'utf8'));

function batchOf(c, config) {
  const onehot = config.input === 'onehot', softmax = config.output === 'softmax';
  return {
    batchSize: c.batchSize, length: c.length,
    inputs: onehot ? Int32Array.from(c.inputs) : Float32Array.from(c.inputs),
    targets: softmax ? Int32Array.from(c.targets) : Float32Array.from(c.targets),
    ...(c.mask ? { mask: Float32Array.from(c.mask) } : {}),
  };
}

for (const simd of [true, false]) {
  test(`PyTorch fixtures (${simd ? 'SIMD' : 'scalar'} build)`, async (t) => {
    const lab = await load({ simd });
    assert.equal(lab.simd, simd);
    assert.ok(fixture.cases.length >= 10);
    for (const c of fixture.cases) {
      await t.test(c.name, () => {
        const model = lab.createModel({ ...c.config, seed: 1 });
        try {
          const weights = Object.fromEntries(Object.entries(c.weights).map(([k, v]) => [k, Float32Array.from(v.data)]));
          model.setWeights(weights);
          const batch = batchOf(c, c.config);
          const { outputs, loss } = model.forward(batch);
          close(outputs, c.outputs, 2e-5, 0, 'outputs');
          assert.ok(Math.abs(loss - c.loss) <= 1e-5 * Math.abs(c.loss) + 1e-6, `loss ${loss} vs PyTorch ${c.loss}`);
          const tr = model.trace(batch);
          assert.ok(Math.abs(tr.loss - c.loss) <= 1e-5 * Math.abs(c.loss) + 1e-6);
          const grads = model.getGradients();
          for (const [name, g] of Object.entries(c.grads)) close(grads[name], g.data, 2e-5, 1e-3, `grad ${name}`);
          // final states: forward direction ends at t = T-1, the reverse direction at t = 0
          const { batchSize: B, length: T } = c, H = c.config.hiddenSize, L = c.config.layers;
          const D = c.config.bidirectional ? 2 : 1;
          const hN = [], cN = [];
          for (let l = 0; l < L; l++)
            for (let d = 0; d < D; d++) {
              const tEnd = d ? 0 : T - 1, lay = tr.layers[l][d];
              for (let b = 0; b < B; b++)
                for (let j = 0; j < H; j++) {
                  hN.push(lay.hidden[(b * T + tEnd) * H + j]);
                  cN.push(lay.cell[(b * T + tEnd) * H + j]);
                }
            }
          close(hN, c.h_n, 2e-5, 0, 'h_n');
          if (c.c_n) close(cN, c.c_n, 2e-5, 0, 'c_n');
          const top = tr.layers[L - 1], hidden = [];
          for (let b = 0; b < B; b++)
            for (let s = 0; s < T; s++)
              for (let d = 0; d < D; d++)
                for (let j = 0; j < H; j++) hidden.push(top[d].hidden[(b * T + s) * H + j]);
          close(hidden, c.hidden, 2e-5, 0, 'hidden');
        } finally {
          model.free();
        }
      });
    }
  });
}
