// bench.mjs - `make bench`: one table of training throughput for the same C compiled three ways
// (wasm SIMD, wasm scalar, native), character-level LSTM/GRU/RNN, 65 one-hot inputs, H = 128,
// T = 25, softmax over 65, Adam, batch 1 and 32. Each measurement is the median of 5 timed
// repetitions after a warm-up; the three builds of one configuration are measured back to back
// (native, SIMD, scalar), --rounds times (default 3) over the whole table, and the table prints
// the medians over rounds: throughput and the ratios of each round (a load change on a shared
// machine then hits all three columns of a round alike instead of one column).
// Prints characters/second, GFLOP/s (matrix products only: 6HG + 6HV flop per character) and the
// ratios SIMD/scalar and SIMD/native. Then, at batch 32, the step against the project's own GEMM
// kernels on the same shapes (wasm SIMD, build/wasm/bench_kernels.cjs): the step's matrix-product
// GFLOP/s (6HG + 6HV flop per character over the step's time) over the kernels' GFLOP/s on the
// step's products (each product timed alone, best of 5 runs; summed as time, so the big products
// weigh most), once for the kernels the engine calls (step/kernels is then the share of the step's
// time the GEMMs would take at microbenchmark speed) and once for the fastest of gemm nn/nt/tn on
// each product's M, N, K (the project's best matrix-product kernel for that shape).
// Then the attention encoder-decoder (lab.createSeq2Seq, tests/bench/measure.mjs measureSeq2Seq):
// LSTM H = 128, 11 one-hot symbols, source length 20, target 20 + EOS (decoder 21 steps), batch 32,
// Adam, attention 'none' (the reference), 'dot' and 'additive': training steps/second (and
// sequences/second = 32 x steps/s), wasm SIMD and scalar back to back, --rounds times, medians; no
// native column (build/native/bench_train trains the character model only).
// Then the reservoirs (issue 14): time per reservoir step of the ESN and the LSM (cell 'esn',
// 'lsm'; 3 dense inputs, a linear readout of 3; one sequence of 200 steps per model.forward) at
// N = 100, 500, 1000, microseconds per step, median of 5; and the ridge readout's fit (lab.createRidge)
// of a 1000-unit ESN on 4 rows of 1000 steps (4000 samples, no washout): the whole ridge.step
// (the reservoir's forward pass, the statistics A += x x^T in double, the Cholesky solve), its
// samples/second, and the solve alone (setting ridge.ridge solves again from the same statistics);
// wasm SIMD and scalar back to back, --rounds times, medians.
// Measured, never asserted.
// Usage: node tests/bench/bench.mjs [--seconds 1] [--rounds 3] [--native build/native/bench_train]
//                                   [--kernels build/wasm/bench_kernels.cjs] [--only chars,attention,kernels,reservoir]
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { load } from '../../wasm/rnnlab.mjs';
import { V, H, T, GATES, flopsPerChar, measure, S2S, measureSeq2Seq, lcg } from './measure.mjs';

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1' }, rounds: { type: 'string', default: '3' }, native: { type: 'string', default: 'build/native/bench_train' },
    kernels: { type: 'string', default: 'build/wasm/bench_kernels.cjs' },
    only: { type: 'string', default: 'chars,attention,kernels,reservoir' },
  },
});
const budget = Number(opt.seconds);
const only = new Set(opt.only.split(','));

const rows = [];
const simd = await load({ simd: true }), scalar = await load({ simd: false });
const rounds = Math.max(1, Number(opt.rounds) | 0);
const haveNative = existsSync(opt.native);
if (!haveNative) console.error(`(native bench ${opt.native} not built: run make bench)`);
/** one native measurement of one configuration (a fresh process, like the wasm side's fresh model) */
const nativeRun = (cell, B) => {
  const out = execFileSync(opt.native, [String(budget), cell, String(B)], { encoding: 'utf8' });
  return JSON.parse(out.trim()).charsPerSec;
};
const median = (a) => { const b = a.filter((x) => x !== undefined).sort((x, y) => x - y); return b.length ? b[b.length >> 1] : undefined; };
const f = (x, w = 9) => (x === undefined ? '-' : x >= 100 ? Math.round(x).toString() : x.toFixed(2)).padStart(w);
if (only.has('chars')) {
  const configs = [];
  for (const cell of ['lstm', 'gru', 'rnn']) for (const B of [1, 32]) configs.push({ cell, B, runs: [] });
  for (let r = 0; r < rounds; r++)
    for (const c of configs) {
      const n = haveNative ? nativeRun(c.cell, c.B) : undefined;
      c.runs.push({ n, s: measure(simd, c.cell, c.B, budget), sc: measure(scalar, c.cell, c.B, budget) });
    }
  for (const { cell, B, runs } of configs)
    rows.push({
      cell, B, s: median(runs.map((x) => x.s)), sc: median(runs.map((x) => x.sc)), n: median(runs.map((x) => x.n)),
      sOverSc: median(runs.map((x) => x.s / x.sc)), sOverN: median(runs.map((x) => (x.n ? x.s / x.n : undefined))),
      spread: runs.map((x) => (x.n ? x.s / x.n : NaN)),
    });
  console.log(`rnnlab ${simd.version} training throughput, characters/second (GFLOP/s), V=${V} H=${H} T=${T}, Adam, one thread`);
  console.log(`${'cell'.padEnd(5)} ${'B'.padStart(3)} | ${'wasm SIMD'.padStart(18)} | ${'wasm scalar'.padStart(18)} | ${'native'.padStart(18)} | SIMD/scalar | SIMD/native`);
  for (const { cell, B, s, sc, n, sOverSc, sOverN, spread } of rows) {
    const g = (x) => (x === undefined ? '' : `(${(x * flopsPerChar(cell) / 1e9).toFixed(2)})`);
    console.log(`${cell.padEnd(5)} ${String(B).padStart(3)} | ${f(s)} ${g(s).padStart(8)} | ${f(sc)} ${g(sc).padStart(8)} | ${f(n)} ${g(n).padStart(8)} | ${f(sOverSc, 11)} | ${sOverN ? f(sOverN, 11) : '-'.padStart(11)}   ${spread.every(Number.isFinite) ? `(${spread.map((x) => x.toFixed(2)).join(' ')})` : ''}`);
  }
  console.log(`medians over ${rounds} rounds; each round measures native, SIMD and scalar of a row back to back; in brackets: SIMD/native of each round`);
}

// ---- the attention encoder-decoder: steps/second, SIMD and scalar back to back ----
if (only.has('attention')) {
  const forms = ['none', 'dot', 'additive'].map((attention) => ({ attention, runs: [] }));
  for (let r = 0; r < rounds; r++)
    for (const c of forms) c.runs.push({ s: measureSeq2Seq(simd, c.attention, S2S.B, budget), sc: measureSeq2Seq(scalar, c.attention, S2S.B, budget) });
  // x none: each round's SIMD steps/s over that round's 'none' (the same build, earlier in the round)
  const base = forms[0].runs;
  const spb = (x) => (x === undefined ? '' : `(${Math.round(x * S2S.B)})`);
  console.log(`\nattention seq2seq training, steps/second (sequences/second), LSTM H=${S2S.H}, ${S2S.V} one-hot symbols, source ${S2S.S}, ` +
    `target ${S2S.S} + EOS, batch ${S2S.B}, Adam, one thread`);
  console.log(`${'attention'.padEnd(9)} | ${'wasm SIMD'.padStart(16)} | ${'wasm scalar'.padStart(16)} | SIMD/scalar | SIMD x none`);
  for (const { attention, runs } of forms) {
    const s = median(runs.map((x) => x.s)), sc = median(runs.map((x) => x.sc));
    console.log(`${attention.padEnd(9)} | ${f(s, 7)} ${spb(s).padStart(8)} | ${f(sc, 7)} ${spb(sc).padStart(8)} | ${f(median(runs.map((x) => x.s / x.sc)), 11)} | ` +
      `${f(median(runs.map((x, i) => x.s / base[i].s)), 11)}`);
  }
  console.log(`medians over ${rounds} rounds; each round measures SIMD and scalar of a row back to back; x none: SIMD steps/s over the same round's 'none'`);
}

// ---- the batch-32 step against the GEMM microbenchmark on the same shapes ----
// The matrix products of one training step (B sequences of T, one-hot input: no input product):
// per time step the recurrent forward nn(B,G,H) and dh_{t-1} nt(B,H,G); once per step the
// weight gradient over all T*B rows tn(H,G,TB) and the readout nn(TB,V,H), tn(H,V,TB), nt(TB,H,V).
function stepProducts(cell, B) {
  const G = GATES[cell] * H, TB = T * B;
  return [
    { kind: 'nn', M: B, N: G, K: H, count: T }, { kind: 'nt', M: B, N: H, K: G, count: T },
    { kind: 'tn', M: H, N: G, K: TB, count: 1 },
    { kind: 'nn', M: TB, N: V, K: H, count: 1 }, { kind: 'tn', M: H, N: V, K: TB, count: 1 },
    { kind: 'nt', M: TB, N: H, K: V, count: 1 },
  ];
}
// Machines shared with other work move both numbers; so each cell's step and its kernels are
// measured back to back, three times, and the medians of the ratios are printed.
function kernelRates(cell) {
  const shapes = [...new Set(stepProducts(cell, 32).map((p) => `${p.M},${p.N},${p.K}`))];
  const args = [opt.kernels, String(Math.max(20, budget * 30)), '--json', ...shapes.flatMap((x) => ['--gemm', x])];
  const rate = new Map(); // 'nn:M,N,K' -> GFLOP/s (best of 5 runs)
  for (const line of execFileSync(process.execPath, args, { encoding: 'utf8' }).trim().split('\n')) {
    const r = JSON.parse(line);
    rate.set(`${r.kernel.slice(5)}:${r.shape}`, r.simd);
  }
  return rate;
}
if (!only.has('kernels')) {
  // not asked for
} else if (existsSync(opt.kernels)) {
  console.log(`\nbatch 32, wasm SIMD: the training step vs the project's GEMM kernels on the step's shapes (${opt.kernels}), median of 3`);
  console.log(`${'cell'.padEnd(5)} | step GFLOP/s | kernels as used: GFLOP/s  step/kernels | fastest of nn/nt/tn per shape: GFLOP/s  step/kernels`);
  for (const cell of ['lstm', 'gru', 'rnn']) {
    const B = 32, got = { step: [], kern: [], ratio: [], used: [], share: [] };
    for (let rep = 0; rep < 3; rep++) {
      const cps = measure(simd, cell, B, budget), rate = kernelRates(cell);
      let flops = 0, tBest = 0, tUsed = 0;
      for (const p of stepProducts(cell, B)) {
        const f = 2 * p.M * p.N * p.K * p.count, shape = `${p.M},${p.N},${p.K}`;
        const best = Math.max(...['nn', 'nt', 'tn'].map((k) => rate.get(`${k}:${shape}`)));
        flops += f, tBest += f / (best * 1e9), tUsed += f / (rate.get(`${p.kind}:${shape}`) * 1e9);
      }
      const stepTime = (B * T) / cps, stepGF = flops / stepTime / 1e9, kernGF = flops / tBest / 1e9;
      got.step.push(stepGF), got.kern.push(kernGF), got.ratio.push(stepGF / kernGF);
      got.used.push(flops / tUsed / 1e9), got.share.push(tUsed / stepTime);
    }
    const pct = (x) => `${(100 * median(x)).toFixed(1)}%`;
    console.log(`${cell.padEnd(5)} | ${median(got.step).toFixed(2).padStart(12)} | ${median(got.used).toFixed(2).padStart(24)} ${pct(got.share).padStart(13)} | ` +
      `${median(got.kern).toFixed(2).padStart(38)} ${pct(got.ratio).padStart(13)}`);
  }
} else {
  console.error(`(wasm kernel bench ${opt.kernels} not built: run make bench)`);
}

// ---- reservoirs: ESN / LSM stepping, the ridge readout's fit ----
/** 3 dense inputs in [-1, 1) from a fixed LCG, targets the same shifted (B, T, 3) */
function reservoirBatch(B, T) {
  const rnd = lcg(5);
  const inputs = Float32Array.from({ length: B * T * 3 }, () => 2 * rnd() - 1);
  return { batchSize: B, length: T, inputs, targets: inputs.map((_, i, a) => a[(i + 3) % a.length]) };
}
const reservoir = (lab, cell, N) => lab.createModel({ cell, input: 'dense', inputSize: 3, hiddenSize: N, outputSize: 3, output: 'linear',
  spectralRadius: 0.9, inputScale: cell === 'lsm' ? 4 : 0.5, alpha: cell === 'lsm' ? 0.3 : 1, seed: 1 });
/** microseconds per reservoir step: model.forward of one sequence of T steps, median of 5 timed repetitions */
function measureStep(lab, cell, N, budget, T = 200) {
  const model = reservoir(lab, cell, N), batch = reservoirBatch(1, T);
  model.forward(batch);
  const us = [];
  for (let rep = 0; rep < 5; rep++) {
    let n = 0;
    const t0 = performance.now();
    let t1;
    do { model.forward(batch); n++; } while ((t1 = performance.now()) - t0 < (budget * 1000) / 5);
    us.push(((t1 - t0) * 1000) / (n * T));
  }
  model.free();
  return median(us);
}
/** seconds of one ridge.step (forward, statistics, solve) and of the solve alone, best of 3 */
function measureRidge(lab, N, B, T) {
  const model = reservoir(lab, 'esn', N), batch = reservoirBatch(B, T);
  const ridge = lab.createRidge(model, { ridge: 1e-6, washout: 0 });
  const step = [], solve = [], fwd = [];
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now();
    ridge.step(batch);
    step.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    ridge.ridge = rep % 2 ? 1e-6 : 2e-6; // a new value: the solve runs again
    solve.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    model.forward(batch);
    fwd.push((performance.now() - t0) / 1000);
  }
  ridge.free(), model.free();
  return { step: Math.min(...step), solve: Math.min(...solve), forward: Math.min(...fwd) };
}
if (only.has('reservoir')) {
  const Ns = [100, 500, 1000];
  const steps = ['esn', 'lsm'].flatMap((cell) => Ns.map((N) => ({ cell, N, runs: [] })));
  for (let r = 0; r < rounds; r++) for (const c of steps) c.runs.push({ s: measureStep(simd, c.cell, c.N, budget), sc: measureStep(scalar, c.cell, c.N, budget) });
  console.log(`\nreservoir stepping, microseconds per step (model.forward, one sequence of 200 steps, 3 dense inputs, linear readout of 3), one thread`);
  console.log(`${'cell'.padEnd(4)} ${'N'.padStart(5)} | ${'wasm SIMD'.padStart(10)} | ${'wasm scalar'.padStart(11)} | SIMD/scalar (speed-up)`);
  for (const { cell, N, runs } of steps) {
    const s = median(runs.map((x) => x.s)), sc = median(runs.map((x) => x.sc));
    console.log(`${cell.padEnd(4)} ${String(N).padStart(5)} | ${s.toFixed(2).padStart(10)} | ${sc.toFixed(2).padStart(11)} | ${f(median(runs.map((x) => x.sc / x.s)), 11)}`);
  }
  const RN = 1000, RB = 4, RT = 1000, samples = RB * RT;
  const fits = { s: [], sc: [] };
  for (let r = 0; r < rounds; r++) fits.s.push(measureRidge(simd, RN, RB, RT)), fits.sc.push(measureRidge(scalar, RN, RB, RT));
  const m = (xs, k) => median(xs.map((x) => x[k]));
  console.log(`\nridge readout fit (lab.createRidge), ESN N = ${RN}, ${RB} rows of ${RT} steps = ${samples} samples, ${RN + 1} features, double statistics`);
  console.log(`${'build'.padEnd(11)} | ridge.step s | samples/s | forward s | statistics s | Cholesky + solve s`);
  for (const [name, xs] of [['wasm SIMD', fits.s], ['wasm scalar', fits.sc]]) {
    const st = m(xs, 'step'), so = m(xs, 'solve'), fw = m(xs, 'forward');
    console.log(`${name.padEnd(11)} | ${st.toFixed(3).padStart(12)} | ${Math.round(samples / st).toString().padStart(9)} | ${fw.toFixed(3).padStart(9)} | ` +
      `${Math.max(0, st - so - fw).toFixed(3).padStart(12)} | ${so.toFixed(3).padStart(18)}`);
  }
  console.log(`best of 3 per round, medians over ${rounds} rounds; statistics = ridge.step - forward - solve`);
}
