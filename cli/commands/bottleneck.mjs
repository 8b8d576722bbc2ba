// @ts-check
/**
 * bottleneck.mjs - `rnnlab reproduce bottleneck`: the toy version of Bahdanau, Cho & Bengio,
 * Neural Machine Translation by Jointly Learning to Align and Translate (2014), Figure 2. The
 * same LSTM encoder-decoder, one size for all, the same training stream and step budget, once
 * without attention (the whole source squeezed into the encoder's final state) and once with
 * attention (Bahdanau's additive form; --forms adds Luong's dot and general), on reverse and copy
 * (strings of 1..30 symbols) and dates (human-written dates to ISO). Prints exact match on
 * held-out data against the source length, the mean and the minimum over seeds 1..N, the
 * criterion (attention >= 99% on reverse up to length 20 and on dates, every seed) and where the
 * model without attention falls below 50%. --json prints one JSON object instead of the table,
 * --json FILE writes it there as well as the table. Progress goes to stderr. Ctrl-C stops the
 * current run: the table of the runs finished so far is printed and the exit code is 130.
 *
 * Owns: the experiment's settings and the --quick instance, the table, the criterion.
 * Does not own: the model and its training step (lab.createSeq2Seq), the tasks and exact match
 * (lab.createTask, s2s.evaluate), number formats and the progress bar (progress.mjs).
 */

import { writeFile } from 'node:fs/promises';
import { CliError, UsageError, kebab } from '../options.mjs';
import { Progress, describeBuild, fmtSec, toJSON } from '../progress.mjs';

/** the options only this experiment takes (reproduce 1997 refuses them) */
export const BOTTLENECK_OPTIONS = ['steps', 'hidden', 'tasks', 'forms'];
export const BOTTLENECK_TASKS = ['reverse', 'copy', 'dates'];
export const BOTTLENECK_FORMS = ['none', 'additive', 'dot', 'general'];

/**
 * The settings. Reverse and copy train on every length 1..trainLength (so every length of the
 * table is one the models saw: the figure is about the bottleneck, not about extrapolation) and
 * are tested at `lengths`; dates has one natural length (sources of 8..30 characters, the ISO
 * target 10). The learning rate falls exponentially to decay x its start over the last decayFrom
 * fraction of the steps. The training stream and the initial weights of seed s are the same for
 * every form, and every test set is the same for every model (evalSeed).
 */
export const BOTTLENECK_DEFAULTS = {
  cell: 'lstm', hiddenSize: 64, steps: 2000, batchSize: 32, seeds: 3, tasks: BOTTLENECK_TASKS, forms: ['none', 'additive'],
  trainer: { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 }, lrDecay: 0.1, decayFrom: 0.5,
  trainLength: 30, symbols: 8, lengths: [5, 10, 15, 20, 25, 30], evalCount: 500, datesEvalCount: 1000, evalSeed: 1000,
};
/** --quick: a smoke test of a few seconds, not the experiment */
export const BOTTLENECK_QUICK = {
  ...BOTTLENECK_DEFAULTS, hiddenSize: 24, steps: 400, seeds: 1, trainLength: 10, lengths: [5, 10], evalCount: 200, datesEvalCount: 100,
};
/** the criterion: attention reaches this exact match on reverse up to this length and on dates */
const CRITERION = { target: 0.99, reverseUpTo: 20 };
/** where the model without attention is said to fail */
const FAIL_BELOW = 0.5;

const pct = (/** @type {number} */ x) => (100 * x).toFixed(1) + '%';
/** @param {string | undefined} text @param {string[]} known @param {string} flag @param {string[]} fallback */
function listOption(text, known, flag, fallback) {
  if (text === undefined) return fallback;
  const items = text.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = items.find((x) => !known.includes(x));
  if (bad !== undefined || !items.length) throw new UsageError(`${flag}: ${bad === undefined ? 'an empty list' : `unknown '${bad}'`} (known: ${known.join(', ')})`);
  if (new Set(items).size !== items.length) throw new UsageError(`${flag}: '${text}' names one twice`);
  return items;
}

/** @param {any} lab @param {Record<string, any>} v the parsed options */
export async function cmdBottleneck(lab, v) {
  if (v.maxSteps !== undefined) throw new UsageError('--max-steps is for reproduce 1997; the step budget of reproduce bottleneck is --steps N');
  const base = v.quick ? BOTTLENECK_QUICK : BOTTLENECK_DEFAULTS;
  /** @param {string} name @param {number} fallback */
  const positive = (name, fallback) => {
    const x = v[name] ?? fallback;
    if (!Number.isInteger(x) || x < 1) throw new UsageError(`--${kebab(name)} must be a positive integer (got ${x})`);
    return x;
  };
  const seedCount = positive('seeds', base.seeds), steps = positive('steps', base.steps), hiddenSize = positive('hidden', base.hiddenSize);
  const inOrder = (/** @type {string[]} */ known) => (/** @type {string} */ a, /** @type {string} */ b) => known.indexOf(a) - known.indexOf(b);
  const tasks = [...listOption(v.tasks, BOTTLENECK_TASKS, '--tasks', base.tasks)].sort(inOrder(BOTTLENECK_TASKS));
  const forms = [...listOption(v.forms, BOTTLENECK_FORMS, '--forms', base.forms)].sort(inOrder(BOTTLENECK_FORMS));
  const jsonFile = typeof v.json === 'string' ? v.json : null;
  const jsonOnly = v.json === true; // --json alone: the JSON on stdout instead of the table
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const s = { ...base, hiddenSize, steps, seeds, tasks, forms };
  /** the task options of seed `seed` @param {string} name @param {number} seed */
  const taskOptions = (name, seed) => (name === 'dates' ? { seed } : { seed, length: s.trainLength, minLength: 1, symbols: s.symbols });
  const lengthsOf = (/** @type {string} */ name) => (name === 'dates' ? [null] : s.lengths);
  const settings = {
    cell: s.cell, hiddenSize, bidirectional: false, trainer: s.trainer, batchSize: s.batchSize, steps, teacherForcing: 1,
    lrSchedule: { decay: s.lrDecay, from: s.decayFrom, note: `learning rate x${s.lrDecay} (exponentially) over the last ${100 * s.decayFrom}% of the steps` },
    tasks: tasks.map((name) => ({ name, options: { ...taskOptions(name, 0), seed: 'the run\'s seed' }, lengths: lengthsOf(name),
      evalCount: name === 'dates' ? s.datesEvalCount : s.evalCount, evalSeed: s.evalSeed })),
    forms, seeds, decoding: 'greedy', metric: 'exact match (the whole target right, EOS included)', quick: !!v.quick,
  };

  const err = v.quiet ? null : process.stderr;
  const say = (/** @type {string} */ line) => { if (!jsonOnly) console.log(line); };
  const head = `rnnlab reproduce bottleneck: Bahdanau, Cho & Bengio 2014, Figure 2, as a toy: exact match against source length, ` +
    `with and without attention; ${seedCount} seed${seedCount > 1 ? 's' : ''}${v.quick ? ', --quick: a smoke test, not the experiment' : ''} ` +
    `(rnnlab ${lab.version}, ${describeBuild(lab)})`;
  const what = `${s.cell.toUpperCase()} encoder-decoder, H = ${hiddenSize} for every form; ${s.trainer.optimizer} ${s.trainer.learningRate} ` +
    `(x${s.lrDecay} over the last ${100 * s.decayFrom}% of the steps), clip-norm ${s.trainer.clipNorm}, batch ${s.batchSize}, ${steps} steps per model; ` +
    `${tasks.filter((t) => t !== 'dates').map((t) => t).join(' and ') || 'no string task'}${tasks.some((t) => t !== 'dates') ? ` trained on lengths 1..${s.trainLength} (${s.symbols} symbols), ${s.evalCount} held-out strings per length` : ''}` +
    `${tasks.includes('dates') ? `; dates ${s.datesEvalCount} held-out dates` : ''}; greedy decoding`;
  say(head);
  say(`settings: ${what}`);

  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const t0 = performance.now();
  /** @type {{ task: string, form: string, seed: number, steps: number, seconds: number, finalLoss: number, accuracy: number[] }[]} */
  const runs = [];
  try {
    outer: for (const name of tasks) {
      for (const seed of seeds) {
        for (const form of forms) {
          const task = lab.createTask(name, taskOptions(name, seed));
          const model = lab.createSeq2Seq({ ...task.modelConfig, cell: s.cell, hiddenSize, seed, attention: form }, s.trainer);
          try {
            const label = `${name}, ${form}, seed ${seed}: `;
            const bar = err?.isTTY ? new Progress(err, label, steps, false) : null;
            const start = performance.now(), decayStart = Math.floor(steps * (1 - s.decayFrom));
            let lastYield = start, lossSum = 0, lossN = 0, lossWindow = Math.max(1, Math.min(100, steps >> 2));
            for (let i = 0; i < steps; i++) {
              if (i >= decayStart && s.lrDecay !== 1) {
                const lr = s.trainer.learningRate * s.lrDecay ** ((i - decayStart) / Math.max(1, steps - decayStart));
                model.setTrainer({ ...s.trainer, learningRate: lr });
              }
              const r = model.step(task.nextBatch(s.batchSize));
              if (i >= steps - lossWindow) lossSum += r.loss, lossN++;
              const now = performance.now();
              if (now - lastYield > 100) { // let Ctrl-C in, redraw the bar
                lastYield = now;
                bar?.update(/** @type {any} */ ({ step: i + 1, loss: r.loss, metric: null, sequences: (i + 1) * s.batchSize, seconds: (now - start) / 1000, evaluation: false }));
                await new Promise((resolve) => setImmediate(resolve));
                if (ac.signal.aborted) break outer;
              }
            }
            bar?.done();
            const accuracy = lengthsOf(name).map((length) => model.evaluate(task, length === null
              ? { count: s.datesEvalCount, seed: s.evalSeed } : { count: s.evalCount, length, seed: s.evalSeed }).accuracy);
            const seconds = (performance.now() - start) / 1000;
            runs.push({ task: name, form, seed, steps, seconds, finalLoss: lossSum / lossN, accuracy });
            err?.write(`  ${label}${steps} steps, ${fmtSec(seconds)}; loss ${(lossSum / lossN).toFixed(4)}; exact match ` +
              `${lengthsOf(name).map((l, k) => `${l === null ? '' : `${l}: `}${accuracy[k].toFixed(3)}`).join(', ')}\n`);
          } finally {
            model.free();
            task.free();
          }
        }
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = (performance.now() - t0) / 1000;

  // the table: one row per task and length, one cell per form (over the seeds finished)
  /** @typedef {{ mean: number | null, min: number | null, max: number | null, bySeed: number[] }} Cell */
  /** @type {{ task: string, length: number | null, forms: Record<string, Cell> }[]} */
  const results = [];
  for (const name of tasks) {
    lengthsOf(name).forEach((length, k) => {
      /** @type {Record<string, Cell>} */
      const cells = {};
      for (const form of forms) {
        const xs = runs.filter((r) => r.task === name && r.form === form).map((r) => r.accuracy[k]);
        cells[form] = xs.length ? { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs), bySeed: xs }
          : { mean: null, min: null, max: null, bySeed: [] };
      }
      results.push({ task: name, length, forms: cells });
    });
  }
  const rowOf = (/** @type {string} */ name, /** @type {number | null} */ length) => results.find((r) => r.task === name && r.length === length);
  const complete = runs.length === tasks.length * seeds.length * forms.length;

  // the criterion, per attention form: every seed >= target on reverse up to the length and on dates
  const criterion = forms.filter((f) => f !== 'none').map((form) => {
    const parts = [];
    if (tasks.includes('reverse')) {
      const rows = results.filter((r) => r.task === 'reverse' && r.length !== null && r.length <= CRITERION.reverseUpTo);
      const mins = rows.map((r) => r.forms[form].min).filter((x) => x !== null);
      const worst = mins.length === rows.length && rows.length ? Math.min(.../** @type {number[]} */ (mins)) : null;
      // the longest length tested up to the criterion's (--quick tests shorter strings only)
      const upTo = Math.max(...rows.map((r) => /** @type {number} */ (r.length)));
      parts.push({ task: 'reverse', upTo, min: worst, met: worst !== null && worst >= CRITERION.target });
    }
    if (tasks.includes('dates')) {
      const worst = rowOf('dates', null)?.forms[form].min ?? null;
      parts.push({ task: 'dates', upTo: null, min: worst, met: worst !== null && worst >= CRITERION.target });
    }
    const measured = tasks.includes('reverse') && tasks.includes('dates') && complete && s.lengths.includes(CRITERION.reverseUpTo);
    return { form, target: CRITERION.target, parts, met: measured ? parts.every((p) => p.met) : null };
  });
  // where the model without attention falls below 50% (mean over seeds)
  const failures = forms.includes('none') ? tasks.map((name) => {
    const rows = results.filter((r) => r.task === name && r.forms.none.mean !== null);
    const row = rows.find((r) => /** @type {number} */ (r.forms.none.mean) < FAIL_BELOW);
    const lowest = Math.min(...rows.map((r) => /** @type {number} */ (r.forms.none.mean)));
    return { task: name, below: FAIL_BELOW, falls: !!row, length: row ? row.length : null, mean: row ? row.forms.none.mean : null, lowestMean: rows.length ? lowest : null };
  }) : [];

  const report = { command: 'reproduce', experiment: 'bottleneck', paper: 'Bahdanau, Cho & Bengio 2014, Figure 2', version: lab.version, simd: lab.simd,
    settings, tasks, forms, seeds, lengths: Object.fromEntries(tasks.map((t) => [t, lengthsOf(t)])), results, criterion, noAttentionBelow50: failures,
    runs, seconds, aborted: ac.signal.aborted };
  if (jsonFile !== null) {
    try { await writeFile(jsonFile, toJSON(report) + '\n'); } catch (e) { throw new CliError(`cannot write --json ${jsonFile}: ${/** @type {Error} */ (e).message}`); }
  }
  if (jsonOnly) console.log(toJSON(report));
  else {
    const cell = (/** @type {{ mean: number | null, min: number | null }} */ c) => (c.mean === null ? '-' : `${pct(c.mean)} (${pct(/** @type {number} */ (c.min))})`);
    const rows = [['task', 'length', ...forms]];
    for (const r of results) rows.push([r.task, r.length === null ? 'natural' : String(r.length), ...forms.map((f) => cell(r.forms[f]))]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    console.log('');
    for (const row of rows) console.log(row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
    const q = v.quick ? '(quick) ' : '';
    console.log(`\nexact match on held-out data: mean over ${runs.length ? Math.max(...results.map((r) => r.forms[forms[0]].bySeed.length)) : 0} ` +
      `seed${seedCount > 1 ? 's' : ''} (minimum); reverse and copy trained on lengths 1..${s.trainLength}`);
    for (const c of criterion) {
      const detail = c.parts.map((p) => `${p.task}${p.upTo === null ? '' : ` up to length ${p.upTo}`}: min ${p.min === null ? '-' : pct(p.min)}`).join(', ');
      console.log(`${q}criterion, ${c.form} attention >= ${100 * c.target}% exact match on reverse up to length ${CRITERION.reverseUpTo} and on dates, every seed: ` +
        `${c.met === null ? 'not measured' : c.met ? 'met' : 'NOT met'}${detail ? ` (${detail})` : ''}`);
    }
    if (failures.length) {
      const falls = failures.map((f) => `${f.task} ${f.falls ? (f.length === null ? `(${pct(/** @type {number} */ (f.mean))})` : `from length ${f.length} (${pct(/** @type {number} */ (f.mean))})`)
        : `never (lowest ${f.lowestMean === null ? '-' : pct(f.lowestMean)})`}`);
      console.log(`${q}without attention, the mean exact match falls below ${100 * FAIL_BELOW}%: ${falls.join('; ')}`);
    }
    console.log(`wall time ${fmtSec(seconds)}${ac.signal.aborted ? ' (stopped by Ctrl-C)' : ''}${jsonFile !== null ? `; JSON written to ${jsonFile}` : ''}`);
  }
  if (ac.signal.aborted) process.exitCode = 130;
}
