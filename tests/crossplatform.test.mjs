// Native vs wasm: the same seed gives the same initial weights to the bit in the native build
// (gcc, SIMDe on SSE/AVX) and in both wasm builds; forward outputs agree within 1e-5 (the builds
// share our own exp/tanh, so differences can only come from summation order in the products).
// The native side is build/native/dump_model (tests/native/dump_model.c), built by make.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { load } from '../wasm/rnnlab.mjs';

const exe = new URL('../build/native/dump_model', import.meta.url).pathname;

test('same seed, same weights and outputs: native, wasm SIMD, wasm scalar', { skip: !existsSync(exe) && !process.env.CI && 'build/native/dump_model not built (make test builds it)' }, async () => {
  const native = JSON.parse(execFileSync(exe, { encoding: 'utf8', maxBuffer: 64 << 20 }));
  assert.ok(native.cases.length >= 8);
  for (const simd of [true, false]) {
    const lab = await load({ simd });
    for (const c of native.cases) {
      const what = `${c.config.cell}/${c.config.variant}/${c.config.init} (${simd ? 'SIMD' : 'scalar'})`;
      const model = lab.createModel(c.config);
      try {
        const w = model.getWeights();
        assert.deepEqual(Object.keys(w), Object.keys(c.weights), `${what}: tensor names`);
        for (const [name, bits] of Object.entries(c.weights)) {
          const got = new Uint32Array(w[name].buffer, w[name].byteOffset, w[name].length);
          assert.deepEqual(Array.from(got), bits, `${what}: ${name} differs from native`);
        }
        const batch = {
          batchSize: c.batchSize, length: c.length,
          inputs: c.config.input === 'onehot' ? Int32Array.from(c.inputs) : Float32Array.from(c.inputs),
          targets: c.config.output === 'softmax' ? Int32Array.from(c.targets) : Float32Array.from(c.targets),
        };
        const { outputs, loss } = model.forward(batch);
        let worst = 0;
        for (let i = 0; i < outputs.length; i++) worst = Math.max(worst, Math.abs(outputs[i] - c.outputs[i]));
        assert.ok(worst <= 1e-5, `${what}: outputs differ from native by ${worst}`);
        assert.ok(Math.abs(loss - c.loss) <= 1e-5 * (1 + Math.abs(c.loss)), `${what}: loss ${loss} vs native ${c.loss}`);
      } finally {
        model.free();
      }
    }
  }
});
