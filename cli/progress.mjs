// @ts-check
/**
 * progress.mjs - how the command line prints: progress of a run and the results, as text or JSON.
 *
 * Owns: number formats, JSON with BigInt seeds and typed arrays, the stream progress goes to
 * (stdout, or stderr on a terminal with --json, or nowhere), the progress bar on a terminal and
 * one line per validation otherwise, and the sentences that describe a held-out result.
 * Does not own: any number it prints (they come from lab.train's result or task.evaluate), which
 * lines a command prints in which order (cli/commands/*.mjs).
 */

export const fmtInt = (/** @type {number} */ n) => Math.round(n).toLocaleString('en-US');
export const fmtSec = (/** @type {number} */ s) => (s < 10 ? s.toFixed(2) : s < 100 ? s.toFixed(1) : s.toFixed(0)) + ' s';
/** JSON with BigInt seeds as strings and typed arrays as arrays. */
export const toJSON = (/** @type {unknown} */ x) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : ArrayBuffer.isView(v) ? Array.from(/** @type {any} */ (v)) : v), 2);
/** Which build of the engine runs, in words. @param {any} lab */
export const describeBuild = (lab) => (lab.simd ? 'wasm SIMD' : 'wasm scalar');

/**
 * Where progress goes: nowhere with --quiet; with --json stdout holds the JSON, so stderr if it
 * is a terminal; else stdout.
 * @param {Record<string, any>} v the parsed options
 * @returns {NodeJS.WriteStream | null}
 */
export const progressStream = (v) => (v.quiet ? null : v.json ? (process.stderr.isTTY ? process.stderr : null) : process.stdout);

/**
 * Progress of one run: a bar redrawn in place on a terminal (at most 10 times a second), else
 * one line per validation. Both on the given stream.
 */
export class Progress {
  /** @param {NodeJS.WriteStream | null} out @param {string} label @param {number} maxSteps @param {boolean} isText @param {string} [metricName] */
  constructor(out, label, maxSteps, isText, metricName = 'accuracy') {
    this.out = out, this.label = label, this.maxSteps = maxSteps, this.isText = isText, this.metricName = metricName;
    this.tty = !!out?.isTTY;
    this.last = 0, this.drawn = false;
  }

  /** @param {import('../wasm/rnnlab.d.ts').TrainProgress} p */
  update(p) {
    if (!this.out) return;
    const metric = p.metric === null ? '' : this.isText ? `bpc ${p.metric.toFixed(3)}` : `${this.metricName} ${p.metric.toFixed(4)}`;
    const rate = p.seconds > 0 ? `${fmtInt(p.step / p.seconds)} steps/s` : '';
    const stats = [`loss ${p.loss.toFixed(4)}`, metric, `${fmtInt(p.sequences)} seq`, rate, fmtSec(p.seconds)].filter(Boolean).join('  ');
    if (!this.tty) {
      if (p.evaluation) this.out.write(`${this.label}step ${p.step}/${this.maxSteps}  ${stats}\n`);
      return;
    }
    const t = performance.now();
    if (t - this.last < 100 && !p.evaluation) return;
    this.last = t;
    const head = `${this.label}${p.step}/${this.maxSteps} `;
    const cols = this.out.columns || 100;
    const width = Math.max(8, Math.min(24, cols - head.length - 72)); // fixed, so the bar does not jitter
    const fill = Math.round(width * Math.min(1, p.step / Math.max(1, this.maxSteps)));
    const line = `${head}[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${stats}`;
    this.out.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** clears the bar */
  done() { if (this.drawn) this.out?.write('\r\x1b[K'); this.drawn = false; }
}

/** The held-out result as text. @param {any} r TaskResult @param {string} taskName @param {{ length: number, count: number }} where */
export function describeResult(r, taskName, where) {
  if (taskName === 'text') {
    const ng = r.ngramBpc.map((/** @type {number} */ x) => x.toFixed(3)).join(' ');
    return `${r.bpc.toFixed(3)} bits per character on ${fmtInt(r.steps)} held-out characters ` +
      `(n-gram baselines, orders 1-5: ${ng}); next-character accuracy ${r.accuracy.toFixed(4)}`;
  }
  let s = `accuracy ${r.accuracy.toFixed(4)} on ${fmtInt(r.sequences)} sequences` + (where.length ? ` of length ${where.length}` : '') +
    ` (step accuracy ${r.stepAccuracy.toFixed(4)}, loss ${r.loss.toPrecision(3)}`;
  if (taskName === 'adding') s += `, max error ${r.maxError.toFixed(4)}`;
  return s + ')';
}

/** What a csv task learns, in a line. @param {any} task @param {string} file @param {number | undefined} target */
export function describeCsv(task, file, target) {
  const what = task.kind === 'regression' ? `regression of '${task.targetName}' (squared error)`
    : `classification of '${task.targetName}' into ${task.labels.length} classes (${task.labels.slice(0, 6).join(', ')}${task.labels.length > 6 ? ', ...' : ''})`;
  return `data: ${file}: ${fmtInt(task.split.train + task.split.heldout)} sequences of ${task.minLength === task.maxLength ? task.maxLength : `up to ${task.maxLength}`} steps ` +
    `(${fmtInt(task.split.train)} train, ${fmtInt(task.split.heldout)} held out); inputs ${task.inputNames.join(', ')}; ${what} ` +
    `${task.targetAt === 'end' ? 'at the end of each sequence' : 'at every step'}` +
    (target !== undefined ? `; stops when held-out ${task.kind === 'regression' ? 'R^2' : 'accuracy'} >= ${target}` : '');
}

/** A csv task's held-out result as text. @param {any} task @param {any} r */
export function describeCsvResult(task, r) {
  const where = `on ${fmtInt(r.sequences)} sequences (${fmtInt(r.steps)} targeted steps)`;
  if (task.kind === 'regression') {
    return `RMSE ${r.rmse.toPrecision(4)} ${where}; predicting the training mean: ${r.baselineRmse.toPrecision(4)} ` +
      `(ratio ${r.ratio.toFixed(3)}, R^2 ${r.accuracy.toFixed(4)}); max error ${r.maxError.toPrecision(3)}`;
  }
  return `accuracy ${r.stepAccuracy.toFixed(4)} ${where}${task.targetAt === 'step' ? `, whole sequences right ${r.accuracy.toFixed(4)}` : ''}; ` +
    `the majority class: ${r.baselineAccuracy.toFixed(4)}; loss ${r.loss.toPrecision(3)}`;
}

/** Accuracy at each test length (task.generalization), in a line. @param {{ length: number, accuracy: number }[]} curve */
export const describeCurve = (curve) => `accuracy by test length: ${curve.map((q) => `${q.length}: ${q.accuracy.toFixed(4)}`).join(', ')}`;

/** What the --json report says about a csv task. @param {any} task @param {string | undefined} file */
export const csvJSON = (task, file) => ({ file, kind: task.kind, targetAt: task.targetAt, inputs: task.inputNames, target: task.targetName,
  labels: task.labels, split: task.split, stats: task.stats });
