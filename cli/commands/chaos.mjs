// @ts-check
/**
 * chaos.mjs - `rnnlab reproduce chaos`: RNNs as dynamical systems (issue 14), in three parts.
 *  (a) random networks h = tanh(W h), W ~ N(0, g^2/N): the largest Lyapunov exponent against g,
 *      which changes sign near g = 1 (Sompolinsky, Crisanti & Sommers 1988; in discrete time the
 *      origin loses stability at g = 1, the spectral radius of W being g for large N);
 *  (b) LSTM, GRU and CFN trained on the same task (the 3-bit flip-flop of Sussillo & Barak 2013,
 *      which all three learn in about a second), then their input-free trajectories from two
 *      starts 1e-7 apart: the distance at several horizons, the fitted exponent (least-squares
 *      slope of ln distance) and the tangent estimate; the chaos-free network's must converge
 *      (Laurent & von Brecht 2017);
 *  (c) an echo-state network with the ridge readout forecasting Lorenz: teacher-forced one-step
 *      training, then a closed-loop rollout from held-out starts; the valid prediction time in
 *      Lyapunov times (the normalised error first above 0.4, Pathak et al. 2018), min, median and
 *      mean over the starts. The reservoir's biases are drawn U(-bias, bias) from the seed (the
 *      ESN cell initialises them to 0): a zero-bias tanh reservoir is odd, and so is the closed
 *      loop it makes with a linear readout ((r, u) -> (-r, -u) maps trajectories to trajectories),
 *      while Lorenz in these coordinates is not invariant under (x, y, z) -> (-x, -y, -z); the
 *      biases break that symmetry (Herteux & Raeth 2020; Pathak et al. square half the units
 *      instead). Measured at 300 units: mean valid time 3.7 Lyapunov times without, 9.4 with
 *      (10 held-out starts, tests/esn-lorenz.test.mjs).
 * Prints a table per part (or --json; --json FILE writes the JSON there as well as the tables),
 * progress on stderr. --quick: small instances for a smoke test of seconds. Ctrl-C stops between
 * runs: what finished is printed and the exit code is 130.
 *
 * Owns: the experiment's settings and the --quick instance, the random matrices, the tables and
 * criteria. Does not own: the Lyapunov estimator (model.lyapunov, core/dynamics/lyapunov.c), the
 * closed-loop score (the lorenz task's evaluate, core/tasks/systems.c), the ridge fit
 * (lab.createRidge, core/train/ridge.c), number formats (progress.mjs).
 */

import { writeFile } from 'node:fs/promises';
import { CliError, UsageError, kebab } from '../options.mjs';
import { describeBuild, fmtSec, toJSON } from '../progress.mjs';

/** the options of reproduce that this experiment refuses (they belong to the others) */
const OTHER_OPTIONS = ['maxSteps', 'steps', 'hidden', 'tasks', 'forms'];

const range = (/** @type {number} */ lo, /** @type {number} */ hi, /** @type {number} */ step) =>
  Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => Math.round((lo + i * step) * 1000) / 1000);

/**
 * The settings. random: N units, the exponent after `transient` steps averaged over `steps`
 * (model.lyapunov's tangent renormalisation, `trajectories` random starts). trained: the flipflop
 * task (3 channels, pulses with probability 0.05), rows of `length`, Adam; the divergence from a
 * uniform random start in [-1, 1] (hidden and cell state), `divergenceSteps` steps. esn: the
 * reservoir and its ridge readout, trained on `rows` rows of `length` steps of the lorenz task
 * (normalised units, a sample every 0.02 time units: a Lyapunov time is 55.2 samples), the first
 * `washout` steps of each row unused; each held-out start is a fresh row: `warmup` teacher-forced
 * steps, then up to `horizon` closed-loop predictions (1104 = 20 Lyapunov times).
 */
export const CHAOS_DEFAULTS = {
  seeds: 3,
  random: { N: 200, gs: range(0.5, 2.0, 0.1), steps: 2000, transient: 1000, trajectories: 2 },
  trained: { task: 'flipflop', cells: ['lstm', 'gru', 'cfn'], hiddenSize: 32, steps: 1000, batchSize: 32, length: 60,
    trainer: { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 }, evalCount: 200, evalLength: 200,
    perturbation: 1e-7, divergenceSteps: 500, horizons: [0, 10, 50, 100, 200, 500], lyapunovSteps: 2000 },
  esn: { units: 1000, spectralRadius: 0.6, inputScale: 0.6, alpha: 1, bias: 2, ridge: 1e-6, washout: 100, rows: 4, length: 2000,
    warmup: 300, horizon: 1104, starts: 20, evalSeed: 10000 },
};
/** --quick: a smoke test of a few seconds, not the experiment */
export const CHAOS_QUICK = {
  seeds: 1,
  random: { N: 100, gs: [0.5, 0.8, 1.2, 1.6, 2.0], steps: 400, transient: 300, trajectories: 1 },
  trained: { ...CHAOS_DEFAULTS.trained, hiddenSize: 16, steps: 250, evalCount: 50, divergenceSteps: 200, horizons: [0, 10, 50, 100, 200], lyapunovSteps: 500 },
  esn: { ...CHAOS_DEFAULTS.esn, units: 200, rows: 2, length: 1500, starts: 4 },
};
/** the ESN forecast's criterion: the median valid time over the held-out starts, every seed */
export const ESN_TARGET = 5;
/** a CFN's two trajectories converge: the last distance below this fraction of the first */
const CONVERGED = 1e-2;
/** |exponent| below this is reported as zero (marginal) beside the sign change */
const MARGINAL = 0.005;

/** seeded standard normals (Box-Muller over a 32-bit LCG), the same as tests/dynamics.test.mjs's @param {number} seed */
export function normals(seed) {
  let s = seed >>> 0;
  const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s + 0.5) / 2 ** 32; };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}
/** seeded uniforms in [-1, 1) over another LCG stream @param {number} seed */
export function uniforms(seed) {
  let s = (Math.imul(seed >>> 0, 2654435761) + 12345) >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 2 ** 32) * 2 - 1; };
}

const mean = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * An Elman tanh network h' = tanh(W h) with no input and no bias, W ~ N(0, g^2/N) from the seed.
 * @param {any} lab @param {number} N @param {number} g @param {number} seed
 */
export function randomNetwork(lab, N, g, seed) {
  const r = normals(seed);
  const W = new Float32Array(N * N).map(() => (r() * g) / Math.sqrt(N));
  const m = lab.createModel({ cell: 'rnn', input: 'dense', inputSize: 1, hiddenSize: N, outputSize: 1, output: 'linear', seed });
  m.setWeights({ weight_ih_l0: new Float32Array(N), weight_hh_l0: W, bias_ih_l0: new Float32Array(N), bias_hh_l0: new Float32Array(N) });
  return m;
}

/**
 * An echo-state network for Lorenz (3 in, 3 out, linear readout) with its biases drawn
 * U(-bias, bias) from the seed (see the file's comment: they break the reservoir's odd symmetry).
 * @param {any} lab @param {typeof CHAOS_DEFAULTS.esn} e @param {number} seed
 */
export function lorenzESN(lab, e, seed) {
  const m = lab.createModel({ cell: 'esn', input: 'dense', inputSize: 3, hiddenSize: e.units, outputSize: 3, output: 'linear',
    spectralRadius: e.spectralRadius, inputScale: e.inputScale, alpha: e.alpha, seed });
  const u = uniforms(seed);
  m.setWeights({ bias_ih_l0: Float32Array.from({ length: e.units }, () => e.bias * u()) });
  return m;
}

/**
 * The least-squares slope of ln d(t) over the curve, up to where it leaves (1e-30, 0.5): below, float32
 * underflow is near; above, the trajectories have separated to the attractor's size.
 * @param {ArrayLike<number>} d
 */
export function fittedExponent(d) {
  let n = 0, st = 0, sy = 0, stt = 0, sty = 0;
  for (let t = 0; t < d.length; t++) {
    if (!(d[t] > 1e-30 && d[t] < 0.5)) break;
    const y = Math.log(d[t]);
    n++, st += t, sy += y, stt += t * t, sty += t * y;
  }
  if (n < 2) return NaN;
  return (n * sty - st * sy) / (n * stt - st * st);
}

/** where a row of means changes sign from negative to positive (linear interpolation), or null
 * @param {number[]} gs @param {(number | null)[]} ys */
export function signChange(gs, ys) {
  for (let i = 1; i < gs.length; i++) {
    const a = ys[i - 1], b = ys[i];
    if (a !== null && b !== null && a < 0 && b > 0) return gs[i - 1] + ((0 - a) * (gs[i] - gs[i - 1])) / (b - a);
  }
  return null;
}

/** @param {any} lab @param {Record<string, any>} v the parsed options */
export async function cmdChaos(lab, v) {
  const other = OTHER_OPTIONS.find((k) => v[k] !== undefined);
  if (other) throw new UsageError(`--${kebab(other)} is not an option of 'rnnlab reproduce chaos' (it takes --seeds, --quick, --json [FILE], --quiet)`);
  const base = v.quick ? CHAOS_QUICK : CHAOS_DEFAULTS;
  const seedCount = v.seeds ?? base.seeds;
  if (!Number.isInteger(seedCount) || seedCount < 1 || seedCount > 100) throw new UsageError(`--seeds must be an integer in 1..100 (got ${seedCount})`);
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const { random: R, trained: T, esn: E } = base;
  const jsonFile = typeof v.json === 'string' ? v.json : null;
  const jsonOnly = v.json === true;
  const err = v.quiet ? null : process.stderr;
  const say = (/** @type {string} */ line) => { if (!jsonOnly) console.log(line); };
  const q = v.quick ? '(quick) ' : '';

  say(`rnnlab reproduce chaos: RNNs as dynamical systems; ${seedCount} seed${seedCount > 1 ? 's' : ''}` +
    `${v.quick ? ', --quick: a smoke test, not the experiment' : ''} (rnnlab ${lab.version}, ${describeBuild(lab)})`);

  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const pause = async () => { await new Promise((resolve) => setImmediate(resolve)); return ac.signal.aborted; };
  const t0 = performance.now();
  /** @type {{ g: number, seed: number, exponent: number }[]} */
  const randomRuns = [];
  /** @type {any[]} */
  const trainedRuns = [];
  /** @type {any[]} */
  const esnRuns = [];
  try {
    // (a) random networks
    outer: for (const g of R.gs) {
      for (const seed of seeds) {
        const m = randomNetwork(lab, R.N, g, seed);
        try {
          const exponent = m.lyapunov({ steps: R.steps, transient: R.transient, trajectories: R.trajectories, divergenceSteps: 0, seed });
          randomRuns.push({ g, seed, exponent });
        } finally { m.free(); }
        if (await pause()) break outer;
      }
      err?.write(`  random N = ${R.N}, g = ${g.toFixed(2)}: exponent ${mean(randomRuns.filter((r) => r.g === g).map((r) => r.exponent)).toFixed(4)}\n`);
    }
    // (b) trained cells, input-free
    if (!ac.signal.aborted) {
      outer: for (const cell of T.cells) {
        for (const seed of seeds) {
          const task = lab.createTask(T.task, { seed, length: T.length });
          const m = lab.createModel({ ...task.modelConfig, cell, hiddenSize: T.hiddenSize, seed });
          const tr = lab.createTrainer(m, T.trainer);
          try {
            const start = performance.now();
            let loss = 0;
            for (let i = 0; i < T.steps; i++) {
              loss = tr.step(task.nextBatch(T.batchSize)).loss;
              if (i % 100 === 99 && await pause()) break outer;
            }
            const ev = task.evaluate(m, { count: T.evalCount, length: T.evalLength, seed: 1000 });
            const N = T.hiddenSize * (cell === 'lstm' ? 2 : 1); // [h | c] for the LSTM
            const u = uniforms(100 + seed);
            const s0 = Float32Array.from({ length: N }, u);
            const L = m.lyapunovAnalysis({ start: s0, transient: 0, steps: T.lyapunovSteps, trajectories: 1, perturbation: T.perturbation,
              divergenceSteps: T.divergenceSteps, seed });
            const d = Array.from(L.divergence);
            const run = { cell, seed, trainSteps: T.steps, finalLoss: loss, bitAccuracy: ev.accuracy, seconds: (performance.now() - start) / 1000,
              exponent: L.exponent, fitted: fittedExponent(d), distance: T.horizons.map((k) => d[k]), divergence: d,
              converged: d[d.length - 1] < CONVERGED * d[0] };
            trainedRuns.push(run);
            err?.write(`  ${cell} on ${T.task}, seed ${seed}: bit accuracy ${ev.accuracy.toFixed(4)}; input-free exponent ${L.exponent.toFixed(4)}, ` +
              `fitted ${run.fitted.toFixed(4)}; distance ${d[0].toExponential(1)} -> ${d[d.length - 1].toExponential(1)} (${fmtSec(run.seconds)})\n`);
          } finally { tr.free(), m.free(), task.free(); }
          if (await pause()) break outer;
        }
      }
    }
    // (c) the ESN forecast of Lorenz
    if (!ac.signal.aborted) {
      for (const seed of seeds) {
        const m = lorenzESN(lab, E, seed);
        const task = lab.createTask('lorenz', { seed, length: E.length, horizon: E.horizon });
        const ridge = lab.createRidge(m, { ridge: E.ridge, washout: E.washout });
        try {
          const start = performance.now();
          const fit = ridge.step(task.nextBatch(E.rows));
          const fitSeconds = (performance.now() - start) / 1000;
          const valid = [];
          for (let k = 0; k < E.starts; k++) {
            valid.push(/** @type {number} */ (task.evaluate(m, { count: 1, length: E.warmup, seed: E.evalSeed + k }).validTime));
            if (await pause()) break;
          }
          const run = { seed, trainLoss: fit.loss, fitSeconds, samples: E.rows * (E.length - E.washout), validTime: valid,
            min: Math.min(...valid), median: median(valid), mean: mean(valid), seconds: (performance.now() - start) / 1000 };
          esnRuns.push(run);
          err?.write(`  ESN ${E.units} on lorenz, seed ${seed}: fit ${fmtSec(fitSeconds)}; valid time min ${run.min.toFixed(2)}, ` +
            `median ${run.median.toFixed(2)}, mean ${run.mean.toFixed(2)} Lyapunov times over ${valid.length} held-out starts\n`);
        } finally { ridge.free(), m.free(), task.free(); }
        if (ac.signal.aborted) break;
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = (performance.now() - t0) / 1000;

  // (a) the table: g, the mean (min, max) over seeds
  const randomRows = R.gs.map((g) => {
    const xs = randomRuns.filter((r) => r.g === g).map((r) => r.exponent);
    return { g, mean: xs.length ? mean(xs) : null, min: xs.length ? Math.min(...xs) : null, max: xs.length ? Math.max(...xs) : null, bySeed: xs };
  });
  const means = randomRows.map((r) => r.mean);
  const lo = randomRows[0], hi = randomRows[randomRows.length - 1];
  const crossing = signChange(R.gs, means);
  // the marginal band: past g = 1 a finite network's origin is unstable, but its attractor is
  // first a fixed point, a cycle or a torus (exponent 0 up to the estimator's noise), then chaos
  const lastNegative = [...randomRows].reverse().find((r) => r.mean !== null && r.mean < -MARGINAL)?.g ?? null;
  const firstPositive = randomRows.find((r) => r.mean !== null && r.mean > MARGINAL)?.g ?? null;
  const randomCriterion = { negativeAt: lo.g, positiveAt: hi.g, met: lo.max !== null && hi.min !== null ? lo.max < 0 && hi.min > 0 : null,
    crossing, marginal: MARGINAL, lastNegative, firstPositive };
  // (b) per cell: means over seeds; the CFN's criterion
  const trainedRows = T.cells.map((cell) => {
    const rs = trainedRuns.filter((r) => r.cell === cell);
    return { cell, seeds: rs.length, bitAccuracy: rs.length ? mean(rs.map((r) => r.bitAccuracy)) : null,
      exponent: rs.length ? mean(rs.map((r) => r.exponent)) : null, fitted: rs.length ? mean(rs.map((r) => r.fitted)) : null,
      // geometric mean; 0 when a pair met exactly (float32 states equal)
      distance: T.horizons.map((_, k) => (!rs.length ? null : rs.some((r) => r.distance[k] === 0) ? 0
        : Math.exp(mean(rs.map((r) => Math.log(r.distance[k])))))),
      converged: rs.length ? rs.every((r) => r.converged) : null };
  });
  const cfn = trainedRows.find((r) => r.cell === 'cfn');
  const cfnCriterion = { below: CONVERGED, met: cfn ? cfn.converged : null };
  // (c) over every start of every seed
  const allValid = esnRuns.flatMap((r) => r.validTime);
  const esnSummary = { min: allValid.length ? Math.min(...allValid) : null, median: allValid.length ? median(allValid) : null,
    mean: allValid.length ? mean(allValid) : null, starts: allValid.length };
  const esnCriterion = { target: ESN_TARGET, met: esnRuns.length === seeds.length ? esnRuns.every((r) => r.median >= ESN_TARGET) : null };

  const settings = { seeds, quick: !!v.quick, random: R, trained: T, esn: { ...E, note: 'reservoir biases U(-bias, bias) from the seed; ridge readout over the states and a bias' } };
  const report = { command: 'reproduce', experiment: 'chaos', version: lab.version, simd: lab.simd, settings,
    random: { rows: randomRows, criterion: randomCriterion, runs: randomRuns },
    trained: { task: T.task, horizons: T.horizons, rows: trainedRows, criterion: cfnCriterion, runs: trainedRuns },
    esn: { runs: esnRuns, summary: esnSummary, criterion: esnCriterion }, seconds, aborted: ac.signal.aborted };
  if (jsonFile !== null) {
    try { await writeFile(jsonFile, toJSON(report) + '\n'); } catch (e) { throw new CliError(`cannot write --json ${jsonFile}: ${/** @type {Error} */ (e).message}`); }
  }
  if (jsonOnly) console.log(toJSON(report));
  else {
    /** @param {string[][]} rows @param {number} left columns left-aligned */
    const table = (rows, left) => {
      const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
      for (const row of rows) console.log(row.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
    };
    const f = (/** @type {number | null} */ x, d = 4) => (x === null || !Number.isFinite(x) ? (x === null ? '-' : String(x)) : x.toFixed(d));
    const e = (/** @type {number | null} */ x) => (x === null ? '-' : x === 0 ? '0' : x.toExponential(1));
    console.log(`\n(a) random networks h = tanh(W h), W ~ N(0, g^2/N), N = ${R.N}: the largest Lyapunov exponent (ln per step) over ` +
      `${R.steps} steps after ${R.transient}, mean (min, max) over ${seedCount} matri${seedCount > 1 ? 'ces' : 'x'}`);
    table([['g', 'exponent', 'min', 'max'], ...randomRows.map((r) => [r.g.toFixed(2), f(r.mean), f(r.min), f(r.max)])], 1);
    console.log(`${q}the exponent changes sign ${crossing === null ? 'nowhere in the range' : `at g = ${crossing.toFixed(3)}`} ` +
      `(Sompolinsky, Crisanti & Sommers 1988: g = 1); negative at g = ${lo.g} and positive at g = ${hi.g} for every matrix: ` +
      `${randomCriterion.met === null ? 'not measured' : randomCriterion.met ? 'yes' : 'NO'}`);
    console.log(`${q}below -${MARGINAL} up to g = ${lastNegative ?? '-'}, above ${MARGINAL} from g = ${firstPositive ?? '-'}` +
      ' (between: the origin is unstable but the attractor is not yet chaotic, a finite-N effect)');
    console.log(`\n(b) ${T.cells.map((c) => c.toUpperCase()).join(', ')} (H = ${T.hiddenSize}) trained on the ${T.task} (${T.steps} steps of ${T.batchSize} rows of ${T.length}, ` +
      `${T.trainer.optimizer} ${T.trainer.learningRate}), then without input from two starts ${T.perturbation} apart: distance after t steps ` +
      `(geometric mean over seeds), the exponent fitted to ln distance and the tangent estimate over ${T.lyapunovSteps} steps`);
    table([['cell', 'bit acc', ...T.horizons.map((k) => `t=${k}`), 'fitted', 'exponent', 'converge'],
      ...trainedRows.map((r) => [r.cell, f(r.bitAccuracy), ...r.distance.map(e), f(r.fitted), f(r.exponent), r.converged === null ? '-' : r.converged ? 'yes' : 'no'])], 1);
    console.log(`${q}the CFN's two trajectories converge (last distance < ${CONVERGED} x the first, every seed): ` +
      `${cfnCriterion.met === null ? 'not measured' : cfnCriterion.met ? 'yes' : 'NO'}; LSTM and GRU need not`);
    console.log(`\n(c) ESN of ${E.units} units (spectral radius ${E.spectralRadius}, input scale ${E.inputScale}, leak ${E.alpha}, biases U(-${E.bias}, ${E.bias})), ` +
      `ridge readout (ridge ${E.ridge}) on ${E.rows} Lorenz rows of ${E.length} steps (washout ${E.washout}), teacher-forced one-step; ` +
      `closed loop after ${E.warmup} teacher-forced steps: valid prediction time in Lyapunov times over ${E.starts} held-out starts`);
    table([['seed', 'fit', 'min', 'median', 'mean'],
      ...esnRuns.map((r) => [String(r.seed), fmtSec(r.fitSeconds), f(r.min, 2), f(r.median, 2), f(r.mean, 2)]),
      ['all', '', f(esnSummary.min, 2), f(esnSummary.median, 2), f(esnSummary.mean, 2)]], 1);
    console.log(`${q}the median valid time >= ${ESN_TARGET} Lyapunov times for every seed: ${esnCriterion.met === null ? 'not measured' : esnCriterion.met ? 'yes' : 'NO'}` +
      ` (horizon ${E.horizon} steps = ${(E.horizon * 0.02 * 0.906).toFixed(1)} Lyapunov times)`);
    console.log(`wall time ${fmtSec(seconds)}${ac.signal.aborted ? ' (stopped by Ctrl-C)' : ''}${jsonFile !== null ? `; JSON written to ${jsonFile}` : ''}`);
  }
  if (ac.signal.aborted) process.exitCode = 130;
}
