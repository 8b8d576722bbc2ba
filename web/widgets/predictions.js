// @ts-check
/* predictions.js - your own data (task csv): the model's predictions on one held-out sequence
 * against the truth (regression: truth, model and the first input; classification: the class
 * probabilities step by step), with a note (its RMSE, or right / wrong) and a picker of the
 * held-out sequence.
 *
 *   const pred = createPredictions($, color, send);
 *   pred.build(init.csv);        // a new run: null hides the chart (not a csv run)
 *   pred.show(snapshot.predictions);
 *   pred.key, pred.changes       // the predictions last shown (JSON), how often they changed
 * Picking a sequence sends { type: 'csvIndex', index } (families/owndata.js handles it).
 */
import { createChart } from './charts.js';

const PALETTE = ['--c-train', '--c-heldout', '--c-metric', '--accent'];

/**
 * @param {(id: string) => HTMLElement} $ @param {(name: string) => string} color a CSS custom property's value
 * @param {(msg: any) => void} send a message to the worker
 */
export function createPredictions($, color, send) {
  const idx = /** @type {HTMLInputElement} */ ($('pred-index'));
  const classColor = (/** @type {number} */ k) => (k < PALETTE.length ? color(PALETTE[k]) : `hsl(${(k * 67) % 360} 55% 50%)`);
  /** @type {ReturnType<typeof createChart> | null} */
  let chart = null;
  let key = /** @type {string | null} */ (null);
  let changes = 0;
  idx.addEventListener('change', () => send({ type: 'csvIndex', index: Number(idx.value) }));

  return {
    get key() { return key; },
    get changes() { return changes; },
    /** A fresh chart for the run's kind of target. @param {any} csv the worker's init.csv */
    build(csv) {
      chart?.destroy();
      chart = null;
      key = null;
      $('pred-figure').hidden = !csv;
      if (!csv) return;
      idx.max = String(csv.heldOut - 1);
      if (Number(idx.value) > csv.heldOut - 1) idx.value = '0';
      if (csv.kind === 'regression') {
        chart = createChart($('pred-chart'), { xLabel: 't', height: 150, latest: false, series: [
          { label: `truth (${csv.targetName})`, color: color('--fg'), points: csv.targetAt === 'end' },
          { label: 'model', color: color('--c-train') },
          { label: `input ${csv.inputNames[0]}`, color: color('--muted'), dash: [3, 3] },
        ] });
        $('pred-caption').textContent = csv.targetAt === 'end'
          ? 'the model\'s running prediction against the final target, one held-out sequence (data units)'
          : 'predictions against the truth at every step, one held-out sequence (data units)';
      } else {
        chart = createChart($('pred-chart'), { xLabel: 't', height: 150, latest: false, range: [0, 1], percent: true,
          series: csv.labels.slice(0, 8).map((/** @type {string} */ l, /** @type {number} */ k) => ({ label: `p(${l})`, color: classColor(k) })) });
        $('pred-caption').textContent = 'the model\'s class probabilities step by step, one held-out sequence';
      }
    },
    /** @param {any} p the worker's predictions (families/owndata.js csvPredictions) */
    show(p) {
      if (!p || !chart) return;
      const T = p.length;
      const xs = Array.from({ length: T }, (_, t) => t);
      let ys;
      let note = '';
      if (p.kind === 'regression') {
        const truth = p.targetAt === 'end' ? xs.map((t) => (t === T - 1 ? p.truth[0] : null)) : p.truth;
        const I = p.inputNames.length;
        ys = [truth, p.every, xs.map((t) => p.inputs[t * I])];
        let se = 0;
        p.steps.forEach((/** @type {number} */ t, /** @type {number} */ k) => { se += (p.every[t] - p.truth[k]) ** 2; });
        note = `id ${p.id}: RMSE ${Math.sqrt(se / p.steps.length).toPrecision(3)}`;
      } else {
        const K = Math.min(8, p.labels.length);
        ys = Array.from({ length: K }, (_, k) => xs.map((t) => p.probabilities[t * p.labels.length + k]));
        if (p.targetAt === 'end') {
          const truth = p.labels[p.truth[0]], got = p.labels[p.prediction[0]];
          note = `id ${p.id}: truth ${truth}, model at the end ${got} ${truth === got ? '✓' : '✗'}`;
        } else {
          const right = p.steps.filter((/** @type {number} */ t, /** @type {number} */ k) => p.every[t] === p.truth[k]).length;
          note = `id ${p.id}: ${right} of ${p.steps.length} steps right`;
        }
      }
      chart.set(xs, ys);
      if (document.activeElement !== idx) idx.value = String(p.index); // the worker clamps to the split
      $('pred-note').textContent = note;
      $('pred-note').className = `pred-note ${/✗/.test(note) ? 'wrong' : /✓/.test(note) ? 'right' : ''}`;
      const k = JSON.stringify(p.every);
      if (k !== key) { key = k; changes++; }
    },
  };
}
