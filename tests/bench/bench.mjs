// bench.mjs - `make bench`: one table of training throughput for the same C compiled three ways
// (wasm SIMD, wasm scalar, native), character-level LSTM/GRU/RNN, 65 one-hot inputs, H = 128,
// T = 25, softmax over 65, Adam, batch 1 and 32. Median of 5 timed repetitions after a warm-up.
// Prints characters/second, GFLOP/s (matrix products only: 6HG + 6HV flop per character) and the
// ratios SIMD/scalar and SIMD/native. Measured, never asserted.
// Usage: node tests/bench/bench.mjs [--seconds 1] [--native build/native/bench_train]
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { load } from '../../wasm/rnnlab.mjs';

const { values: opt } = parseArgs({
  options: { seconds: { type: 'string', default: '1' }, native: { type: 'string', default: 'build/native/bench_train' } },
});
const budget = Number(opt.seconds);
const V = 65, H = 128, T = 25;
const GATES = { lstm: 4, gru: 3, rnn: 1 };
const flopsPerChar = (cell) => 6 * H * GATES[cell] * H + 6 * H * V;

function lcg(seed) { let s = seed >>> 0; return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32; }

function measure(lab, cell, B) {
  const model = lab.createModel({ cell, inputSize: V, input: 'onehot', hiddenSize: H, outputSize: V, output: 'softmax', seed: 1 });
  const trainer = lab.createTrainer(model, { optimizer: 'adam', learningRate: 1e-3 });
  const rnd = lcg(3);
  const inputs = Int32Array.from({ length: B * T }, () => Math.floor(rnd() * V));
  const targets = Int32Array.from({ length: B * T }, () => Math.floor(rnd() * V));
  const batch = { inputs, targets, batchSize: B, length: T };
  for (let i = 0; i < 3; i++) trainer.step(batch);
  const rates = [];
  for (let rep = 0; rep < 5; rep++) {
    let steps = 0;
    const t0 = performance.now();
    let t1;
    do { trainer.step(batch); steps++; } while ((t1 = performance.now()) - t0 < (budget * 1000) / 5);
    rates.push((steps * B * T) / ((t1 - t0) / 1000));
  }
  trainer.free(); model.free();
  rates.sort((a, b) => a - b);
  return rates[2];
}

const rows = [];
const simd = await load({ simd: true }), scalar = await load({ simd: false });
let native = new Map();
if (existsSync(opt.native)) {
  const out = execFileSync(opt.native, [String(budget)], { encoding: 'utf8' });
  for (const line of out.trim().split('\n')) { const r = JSON.parse(line); native.set(`${r.cell}/${r.batch}`, r.charsPerSec); }
} else {
  console.error(`(native bench ${opt.native} not built: run make bench)`);
}
for (const cell of ['lstm', 'gru', 'rnn'])
  for (const B of [1, 32]) {
    const s = measure(simd, cell, B), sc = measure(scalar, cell, B), n = native.get(`${cell}/${B}`);
    rows.push({ cell, B, s, sc, n });
  }
const f = (x, w = 9) => (x === undefined ? '-' : x >= 100 ? Math.round(x).toString() : x.toFixed(2)).padStart(w);
console.log(`rnnlab ${simd.version} training throughput, characters/second (GFLOP/s), V=${V} H=${H} T=${T}, Adam, one thread`);
console.log(`${'cell'.padEnd(5)} ${'B'.padStart(3)} | ${'wasm SIMD'.padStart(18)} | ${'wasm scalar'.padStart(18)} | ${'native'.padStart(18)} | SIMD/scalar | SIMD/native`);
for (const { cell, B, s, sc, n } of rows) {
  const g = (x) => (x === undefined ? '' : `(${(x * flopsPerChar(cell) / 1e9).toFixed(2)})`);
  console.log(`${cell.padEnd(5)} ${String(B).padStart(3)} | ${f(s)} ${g(s).padStart(8)} | ${f(sc)} ${g(sc).padStart(8)} | ${f(n)} ${g(n).padStart(8)} | ${f(s / sc, 11)} | ${n ? f(s / n, 11) : '-'.padStart(11)}`);
}
