// Attention against PyTorch: fixtures from tests/fixtures/gen_torch_attention.py (every form x
// rnn/lstm/gru x {1 layer one direction, 2 layers bidirectional}, plus none with a bidirectional
// encoder; float64 reference of float32 weights). For every case, in both wasm builds: the
// probabilities, the attention weights, the loss and the gradient of every tensor.
// Tolerances: forward values 2e-5 absolute; loss 1e-5 relative; gradients min(2e-5, 1e-3 x the tensor's
// largest entry) absolute + 1e-3 relative (the additive form's gradients are ~1e-8 at this size, so an
// absolute bound alone would test nothing: the fixture README).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load } from '../wasm/rnnlab.mjs';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/attention.json', import.meta.url), 'utf8'));

function close(actual, expected, atol, rtol, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) - rtol * Math.abs(expected[i]);
    if (err > worst) worst = err, at = i;
  }
  assert.ok(worst <= atol, `${what}: element ${at} is ${actual[at]}, PyTorch ${expected[at]}`);
}

const batchOf = (b) => ({ batchSize: b.batchSize, srcLength: b.srcLength, tgtLength: b.tgtLength,
  src: Int32Array.from(b.src), decIn: Int32Array.from(b.decIn), decTgt: Int32Array.from(b.decTgt) });

for (const simd of [true, false]) {
  test(`attention: PyTorch fixtures (${simd ? 'SIMD' : 'scalar'} build)`, async (t) => {
    const lab = await load({ simd });
    assert.ok(fixture.cases.length >= 19);
    for (const c of fixture.cases) {
      await t.test(c.name, () => {
        const s2s = lab.createSeq2Seq({ ...c.config, seed: 1 });
        try {
          const names = s2s.tensors.map((x) => x.name).filter((n) => !n.startsWith('encoder.fc.'));
          assert.deepEqual([...names].sort(), Object.keys(c.weights).sort(), 'the tensor names are PyTorch\'s');
          for (const x of s2s.tensors) if (c.shapes[x.name]) assert.deepEqual(x.shape, c.shapes[x.name], x.name);
          s2s.setWeights(Object.fromEntries(Object.entries(c.weights).map(([k, v]) => [k, Float32Array.from(v)])));
          const batch = batchOf(c.batch);
          const { outputs, loss } = s2s.forward(batch);
          close(outputs, c.outputs, 2e-5, 0, 'outputs');
          close([loss], [c.loss], 0, 1e-5, 'loss');
          const tr = s2s.trace(batch);
          if (c.attention) close(tr.attention, c.attention, 2e-5, 0, 'attention');
          else assert.equal(tr.attention, undefined);
          const grads = s2s.getGradients();
          for (const [name, want] of Object.entries(c.gradients)) {
            const scale = Math.max(...want.map(Math.abs), 1e-30);
            close(grads[name], want, Math.min(2e-5, 1e-3 * scale), 1e-3, `gradient ${name}`);
          }
        } finally { s2s.free(); }
      });
    }
  });
}
