// @ts-check
/**
 * reproduce.mjs - `rnnlab reproduce 1997`: reruns the four experiments of Hochreiter &
 * Schmidhuber, Long Short-Term Memory (1997) that lab.recipes measured, over seeds 1..N, and prints
 * per experiment the seeds solved, the median and range of sequences seen until the criterion was
 * met, and the paper's number beside them (a table, or --json). Ctrl-C stops after the current
 * run: the table so far is printed and the exit code is 130.
 *
 * Owns: the paper's numbers and the reduced (--quick) instances, the verdict against the paper.
 * Does not own: the settings of a run (lab.recipes), training (lab.train), number formats and the
 * progress bar (progress.mjs).
 */

import { UsageError, kebab } from '../options.mjs';
import { Progress, describeBuild, fmtInt, fmtSec, progressStream, toJSON } from '../progress.mjs';
import { BOTTLENECK_OPTIONS, cmdBottleneck } from './bottleneck.mjs';
import { cmdChaos } from './chaos.mjs';

/**
 * Hochreiter & Schmidhuber (1997), Long Short-Term Memory, Neural Computation 9(8): the published
 * number of training sequences until success of the best LSTM setup (Reber: the range over the
 * LSTM setups of table 2, all with 100% success; adding: table 7, T = 100; temporal order:
 * table 8). `quick` is a reduced instance for smoke tests.
 */
const EXPERIMENTS_1997 = [
  { id: 'reber', name: 'embedded Reber grammar', recipe: 'reber', paper: { low: 8440, high: 39740, success: '100%' },
    quick: { recipe: 'reber' } },
  { id: 'adding', name: 'adding, T = 100', recipe: 'adding', paper: { low: 74000, high: 74000, success: null },
    quick: { recipe: 'adding-30', name: 'adding, T = 30' } },
  { id: '6a', name: 'temporal order 6a', recipe: 'temporal-order-6a', paper: { low: 31390, high: 31390, success: null },
    quick: { recipe: 'temporal-order-6a', name: 'temporal order 6a, T = 50', taskOptions: { length: 50 } } },
  { id: '6b', name: 'temporal order 6b', recipe: 'temporal-order-6b', paper: { low: 571100, high: 571100, success: null },
    quick: { recipe: 'temporal-order-6b-50', name: 'temporal order 6b, T = 50' } },
];

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** @param {any} lab @param {Record<string, any>} v the parsed options @param {string[]} positionals */
export async function cmdReproduce(lab, v, positionals) {
  if (positionals[0] === 'bottleneck' && positionals.length === 1) return cmdBottleneck(lab, v);
  if (positionals[0] === 'chaos' && positionals.length === 1) return cmdChaos(lab, v);
  if (positionals[0] !== '1997' || positionals.length > 1) {
    throw new UsageError(positionals.length ? `nothing to reproduce for '${positionals.join(' ')}' (known: 1997, bottleneck, chaos)`
      : 'what to reproduce? rnnlab reproduce 1997 | rnnlab reproduce bottleneck | rnnlab reproduce chaos');
  }
  const other = BOTTLENECK_OPTIONS.find((k) => v[k] !== undefined);
  if (other) throw new UsageError(`--${kebab(other)} is an option of 'rnnlab reproduce bottleneck'`);
  if (typeof v.json === 'string') throw new UsageError(`reproduce 1997 prints its JSON on stdout: --json takes no FILE (got '${v.json}')`);
  const seeds = v.seeds ?? 3;
  if (!Number.isInteger(seeds) || seeds < 1) throw new UsageError(`--seeds must be a positive integer (got ${seeds})`);
  const quick = !!v.quick;
  const out = progressStream(v);
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const t0 = performance.now();
  const say = (/** @type {string} */ s) => { if (!v.json) console.log(s); };
  say(`rnnlab reproduce 1997: Hochreiter & Schmidhuber, Long Short-Term Memory (1997); ${seeds} seed${seeds > 1 ? 's' : ''} each` +
    `${quick ? ', --quick: reduced instances, not comparable with the paper' : ''}` +
    `${v.maxSteps !== undefined ? `, --max-steps ${v.maxSteps}` : ''} (rnnlab ${lab.version}, ${describeBuild(lab)})`);
  const experiments = [];
  try {
    for (const e of EXPERIMENTS_1997) {
      const recipeName = quick ? e.quick.recipe : e.recipe;
      const name = quick ? e.quick.name ?? e.name : e.name;
      const r = lab.recipes[recipeName];
      const runs = [];
      for (let seed = 1; seed <= seeds && !ac.signal.aborted; seed++) {
        const task = lab.createTask(r.task, { ...r.taskOptions, ...(quick && e.quick.taskOptions), seed });
        const model = lab.createModel({ ...task.modelConfig, ...r.model, seed });
        try {
          const train = { ...r.train, ...(v.maxSteps !== undefined && { maxSteps: v.maxSteps }) };
          const progress = new Progress(out?.isTTY ? out : null, `${name}, seed ${seed}: `, train.maxSteps ?? 5000, false);
          const res = await lab.train({ task, model, ...train, signal: ac.signal, onProgress: (/** @type {any} */ q) => { progress.update(q); } });
          progress.done();
          const run = { seed, solved: res.solved, stop: res.stop, steps: res.steps, sequences: res.solvedAt?.sequences ?? null,
            seenSequences: res.sequences, seconds: res.seconds, testAccuracy: res.test.accuracy, testSolved: res.test.solved,
            ...(r.task === 'adding' && { testMaxError: res.test.maxError }) };
          runs.push(run);
          out?.write(`  ${name}, seed ${seed}: ${res.solved ? `solved after ${fmtInt(run.sequences ?? 0)} sequences` : `${res.stop === 'aborted' ? 'stopped' : 'not solved'} after ${fmtInt(res.sequences)} sequences`}` +
            ` (${fmtInt(res.steps)} steps, ${fmtSec(res.seconds)}); test accuracy ${res.test.accuracy.toFixed(4)}` +
            `${r.task === 'adding' ? `, max error ${res.test.maxError.toFixed(3)}` : ''}\n`);
        } finally {
          model.free();
          task.free();
        }
      }
      const solved = runs.filter((q) => q.solved).map((q) => /** @type {number} */ (q.sequences));
      const med = solved.length ? median(solved) : null;
      // the median of the solved seeds against the paper's best; a seed left unsolved is a 'no'
      let verdict;
      if (med === null) verdict = 'no: not solved';
      else {
        verdict = med < e.paper.low ? `${Math.round((100 * med) / e.paper.low)}% of the paper's`
          : med <= e.paper.high ? 'within the paper\'s range' : `${(med / e.paper.low).toFixed(1)}x the paper's`;
        const unsolved = runs.length - solved.length;
        if (unsolved) verdict = `no: ${unsolved} of ${runs.length} unsolved (solved: ${verdict})`;
        else verdict = `${med < e.paper.low ? 'yes' : 'no'}, ${verdict}`;
      }
      if (quick) verdict = `(quick: ${verdict})`;
      experiments.push({ id: e.id, name, recipe: recipeName, seeds: runs.length, solved: solved.length,
        successRate: runs.length ? solved.length / runs.length : 0,
        sequencesMedian: med, sequencesMin: solved.length ? Math.min(...solved) : null, sequencesMax: solved.length ? Math.max(...solved) : null,
        paper: e.paper, fewer: med !== null && med < e.paper.low && solved.length === runs.length, verdict, runs });
      if (ac.signal.aborted) break;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (v.json) {
    console.log(toJSON({ command: 'reproduce', paper: 'Hochreiter & Schmidhuber 1997', version: lab.version, simd: lab.simd,
      seeds, quick, maxSteps: v.maxSteps ?? null, seconds, aborted: ac.signal.aborted, experiments }));
  } else {
    const rows = [['experiment', 'solved', 'median sequences', 'range', 'paper (H&S 1997)', 'fewer than the paper?']];
    for (const x of experiments) {
      const paper = (x.paper.success ? `${x.paper.success} after ` : '') +
        (x.paper.low === x.paper.high ? fmtInt(x.paper.low) : `${fmtInt(x.paper.low)}-${fmtInt(x.paper.high)}`);
      rows.push([x.name, `${x.solved}/${x.seeds} (${Math.round(100 * x.successRate)}%)`,
        x.sequencesMedian === null ? '-' : fmtInt(x.sequencesMedian),
        x.sequencesMin === null ? '-' : x.sequencesMin === x.sequencesMax ? fmtInt(x.sequencesMin) : `${fmtInt(x.sequencesMin)}-${fmtInt(/** @type {number} */ (x.sequencesMax))}`,
        paper, x.verdict]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    console.log('');
    for (const row of rows) console.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
    console.log(`\nsequences to success: training sequences seen when the validation met the criterion; wall time ${fmtSec(seconds)}` +
      `${ac.signal.aborted ? ' (stopped by Ctrl-C)' : ''}`);
  }
  if (ac.signal.aborted) process.exitCode = 130;
}
