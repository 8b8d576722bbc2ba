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
import { V, H, T, flopsPerChar, measure } from './measure.mjs';

const { values: opt } = parseArgs({
  options: { seconds: { type: 'string', default: '1' }, native: { type: 'string', default: 'build/native/bench_train' } },
});
const budget = Number(opt.seconds);

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
    const s = measure(simd, cell, B, budget), sc = measure(scalar, cell, B, budget), n = native.get(`${cell}/${B}`);
    rows.push({ cell, B, s, sc, n });
  }
const f = (x, w = 9) => (x === undefined ? '-' : x >= 100 ? Math.round(x).toString() : x.toFixed(2)).padStart(w);
console.log(`rnnlab ${simd.version} training throughput, characters/second (GFLOP/s), V=${V} H=${H} T=${T}, Adam, one thread`);
console.log(`${'cell'.padEnd(5)} ${'B'.padStart(3)} | ${'wasm SIMD'.padStart(18)} | ${'wasm scalar'.padStart(18)} | ${'native'.padStart(18)} | SIMD/scalar | SIMD/native`);
for (const { cell, B, s, sc, n } of rows) {
  const g = (x) => (x === undefined ? '' : `(${(x * flopsPerChar(cell) / 1e9).toFixed(2)})`);
  console.log(`${cell.padEnd(5)} ${String(B).padStart(3)} | ${f(s)} ${g(s).padStart(8)} | ${f(sc)} ${g(sc).padStart(8)} | ${f(n)} ${g(n).padStart(8)} | ${f(s / sc, 11)} | ${n ? f(s / n, 11) : '-'.padStart(11)}`);
}
