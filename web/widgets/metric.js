// @ts-check
/* metric.js - the held-out metric: its chart (charts.js) and its readout in the header.
 *
 *   const metric = createMetric({ chart, caption, name, now }, color);
 *   metric.reset(kind);       // a new run: 'accuracy', 'bpc', 'exact', 'rmse' or 'csvacc' (the family's metricOf)
 *   metric.add(evals);        // the snapshot's held-out evaluations
 *   metric.show(ev);          // the latest one in the readout (null: none yet)
 *   metric.data();            // { kind, xs, ys }: the run's own metric (compare runs keeps it)
 *   metric.setReferences(refs);   // earlier runs' curves ({ kind, label, color, xs, ys }): those
 *                             // of the current kind are drawn, kept across reset()
 * rmse and csvacc draw their baseline dashed beside them (always predicting the training mean,
 * always the majority class); bpc the best n-gram's. Knows nothing of the worker.
 */
import { createChart } from './charts.js';

/** @typedef {{ caption: string, name: string, series: (color: (v: string) => string) => import('./charts.js').Series[],
 *   options?: Partial<import('./charts.js').ChartOptions>, values: (e: any) => (number | null)[] }} Kind */

/** @type {Record<string, Kind>} */
const KINDS = {
  accuracy: { caption: 'held-out accuracy', name: 'held-out acc.', options: { range: [0, 1], percent: true },
    series: (c) => [{ label: 'accuracy', color: c('--c-metric') }], values: (e) => [e.accuracy] },
  exact: { caption: 'held-out exact match', name: 'exact match', options: { range: [0, 1], percent: true },
    series: (c) => [{ label: 'exact match', color: c('--c-metric') }], values: (e) => [e.accuracy] },
  bpc: { caption: 'held-out bits per character', name: 'held-out bpc',
    series: (c) => [{ label: 'bpc', color: c('--c-metric') }, { label: 'best n-gram', color: c('--muted'), dash: [5, 4] }],
    values: (e) => [e.bpc, e.ngramBpc] },
  rmse: { caption: 'held-out RMSE (data units; dashed: always predicting the mean)', name: 'held-out RMSE', options: { zero: true },
    series: (c) => [{ label: 'RMSE', color: c('--c-metric') }, { label: 'mean', color: c('--muted'), dash: [5, 4] }],
    values: (e) => [e.rmse, e.baselineRmse] },
  csvacc: { caption: 'held-out accuracy (dashed: always the majority class)', name: 'held-out acc.', options: { range: [0, 1], percent: true },
    series: (c) => [{ label: 'accuracy', color: c('--c-metric') }, { label: 'majority', color: c('--muted'), dash: [5, 4] }],
    values: (e) => [e.accuracy, e.baselineAccuracy] },
};

/**
 * @param {{ chart: HTMLElement, caption: HTMLElement, name: HTMLElement, now: HTMLElement }} els
 * @param {(name: string) => string} color a CSS custom property's value
 */
export function createMetric(els, color) {
  let kind = 'accuracy';
  /** @type {(import('./charts.js').Reference & { kind: string })[]} */
  let refs = [];
  const make = () => createChart(els.chart, { series: KINDS[kind].series(color), ...KINDS[kind].options });
  let chart = make();
  const showRefs = () => chart.setReferences(refs.filter((r) => r.kind === kind));

  return {
    get kind() { return kind; },
    /** @param {string} next */
    reset(next) {
      if (!KINDS[next]) throw new Error(`metric: unknown kind ${next}`);
      if (next === kind) chart.clear();
      else {
        chart.destroy();
        kind = next;
        els.caption.textContent = KINDS[kind].caption;
        chart = make();
        if (refs.length) showRefs();
      }
      els.name.textContent = KINDS[kind].name;
    },
    /** the run's own metric so far (its first series) */
    data() { return { kind, ...chart.data(0) }; },
    /** @param {(import('./charts.js').Reference & { kind: string })[]} next */
    setReferences(next) { refs = next; showRefs(); },
    /** the chart (tests: its labels) */
    get chart() { return chart; },
    /** @param {any[]} evals */
    add(evals) { for (const e of evals) chart.add(e.step, KINDS[kind].values(e)); },
    /** @param {any} ev */
    show(ev) {
      els.now.textContent = !ev ? '–' : kind === 'bpc' ? (ev.bpc ?? 0).toFixed(3)
        : kind === 'rmse' ? (ev.rmse ?? 0).toPrecision(3) : `${(ev.accuracy * 100).toFixed(1)}%`;
      els.now.title = !ev ? '' : kind === 'rmse' ? `predicting the training mean: ${(ev.baselineRmse ?? 0).toPrecision(3)}`
        : kind === 'csvacc' ? `the majority class: ${((ev.baselineAccuracy ?? 0) * 100).toFixed(1)}%` : '';
    },
  };
}
