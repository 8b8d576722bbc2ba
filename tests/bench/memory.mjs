// memory.mjs - `make bench-memory`: training runs inside a fixed wasm heap. Not part of make test.
//  1. big: LSTM H = 512, 2 layers, T = 100, batch 32 (65 one-hot symbols in, softmax over 65,
//     Adam). Each step is ~60 GFLOP of matrix products, so it trains only a few steps; it reports
//     wasm memory.buffer.byteLength and the C arena sizes (parameters, gradients, activations,
//     carried state, optimizer moments) after creation and after every step, and checks that
//     nothing changes after the first step.
//  2. long: LSTM H = 128, T = 25, batch 32 in a fresh wasm instance, for --steps steps (default
//     100000) or --minutes minutes (default 4), whichever comes first, sampling
//     memory.buffer.byteLength (and the arenas) every 500 steps: flat means the same bytes from
//     the end of the first step to the last sample.
// Prints the figures and exits 1 if the memory moved. Usage:
//   node tests/bench/memory.mjs [--big-steps 3] [--steps 100000] [--minutes 4] [--simd true|false]
import { parseArgs } from 'node:util';
import { load } from '../../wasm/rnnlab.mjs';
import { lcg } from './measure.mjs';

const { values: opt } = parseArgs({
  options: {
    'big-steps': { type: 'string', default: '3' }, steps: { type: 'string', default: '100000' },
    minutes: { type: 'string', default: '4' }, simd: { type: 'string', default: 'true' },
  },
});
const simd = opt.simd !== 'false';
let lab = await load({ simd });
const V = 65;
const MiB = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;

function data(B, T, seed) {
  const rnd = lcg(seed);
  const inputs = Int32Array.from({ length: B * T }, () => Math.floor(rnd() * V));
  const targets = Int32Array.from({ length: B * T }, () => Math.floor(rnd() * V));
  return { inputs, targets, batchSize: B, length: T };
}

function arenas(model, trainer) {
  const a = model.arenaBytes;
  return { ...a, moments: trainer.arenaBytes, total: a.params + a.gradients + a.activations + a.state + trainer.arenaBytes };
}
const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
let failed = false;

// ---- 1. the big model ----
{
  const H = 512, L = 2, T = 100, B = 32, steps = Number(opt['big-steps']);
  console.log(`big: LSTM H=${H} layers=${L} T=${T} B=${B}, ${V} one-hot in, softmax ${V}, Adam, wasm ${lab.simd ? 'SIMD' : 'scalar'}`);
  const before = lab.memoryBytes;
  const model = lab.createModel({ cell: 'lstm', inputSize: V, input: 'onehot', hiddenSize: H, layers: L, outputSize: V, output: 'softmax', seed: 1 });
  const trainer = lab.createTrainer(model, { optimizer: 'adam', learningRate: 1e-3 });
  const batches = [data(B, T, 1), data(B, T, 2)];
  console.log(`  ${model.parameterCount} parameters; wasm heap ${before} bytes before the model, ${lab.memoryBytes} after creating it`);
  let first = null;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const { loss } = trainer.step(batches[i % 2]);
    const ms = performance.now() - t0;
    const now = { heap: lab.memoryBytes, arenas: arenas(model, trainer) };
    const a = now.arenas;
    console.log(`  step ${i + 1}: loss ${loss.toFixed(4)}, ${(ms / 1000).toFixed(1)} s; wasm heap ${now.heap} bytes (${MiB(now.heap)}); ` +
      `C arenas: params ${a.params}, grads ${a.gradients}, activations ${a.activations}, state ${a.state}, moments ${a.moments} = ${a.total} bytes (${MiB(a.total)})`);
    if (!first) first = now;
    else if (!same(first, now)) { console.log('  MOVED after the first step'); failed = true; }
  }
  if (first) console.log(`  => big model: wasm heap ${first.heap} bytes (${MiB(first.heap)}), C arenas ${first.arenas.total} bytes, ` +
    `${steps > 1 ? (failed ? 'NOT constant' : 'unchanged') : 'one step only'} after the first step`);
  trainer.free(); model.free();
}

// ---- 2. the long run ----
{
  const H = 128, T = 25, B = 32, maxSteps = Number(opt.steps), budget = Number(opt.minutes) * 60e3;
  lab = await load({ simd }); // a fresh instance: its heap holds this model only
  console.log(`long: LSTM H=${H} T=${T} B=${B}, up to ${maxSteps} steps or ${opt.minutes} min, a fresh wasm instance (heap ${lab.memoryBytes} bytes)`);
  const model = lab.createModel({ cell: 'lstm', inputSize: V, input: 'onehot', hiddenSize: H, outputSize: V, output: 'softmax', seed: 1 });
  const trainer = lab.createTrainer(model, { optimizer: 'adam', learningRate: 1e-3 });
  const batches = [data(B, T, 1), data(B, T, 2), data(B, T, 3)];
  trainer.step(batches[0]);
  const heap0 = lab.memoryBytes, arena0 = arenas(model, trainer);
  const samples = [];
  let steps = 1, moved = 0, loss = 0;
  const t0 = performance.now();
  while (steps < maxSteps && performance.now() - t0 < budget) {
    loss = trainer.step(batches[steps % 3]).loss;
    steps++;
    if (steps % 500 === 0) {
      const h = lab.memoryBytes;
      samples.push(h);
      if (h !== heap0 || !same(arenas(model, trainer), arena0)) moved++;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  const lo = Math.min(heap0, ...samples), hi = Math.max(heap0, ...samples);
  console.log(`  ${steps} steps in ${secs.toFixed(0)} s (${(steps / secs).toFixed(0)} steps/s), last loss ${loss.toFixed(4)}; ` +
    `${samples.length} samples of memory.buffer.byteLength: min ${lo}, max ${hi} bytes (${MiB(hi)}); C arenas ${arena0.total} bytes`);
  console.log(`  => long run: memory ${moved || lo !== hi ? 'NOT flat' : 'flat'} over ${steps} steps${steps < maxSteps ? ` (time budget reached before ${maxSteps})` : ''}`);
  if (moved || lo !== hi) failed = true;
  trainer.free(); model.free();
}
process.exit(failed ? 1 : 0);
