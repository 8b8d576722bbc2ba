// @ts-check
/* charts.js - the playground's line charts: a thin layer over uPlot (served from this folder,
 * copied from node_modules by `make dist`), streaming points against the training step.
 *
 *   const chart = createChart(parent, { series: [{ label: 'training', color: '#...' }], log: true });
 *   chart.add(step, [loss, heldOutLoss]);   // a value per series; null / non-finite = no point
 *   chart.set(xs, [ys...]);                 // replace everything (the generalisation curve)
 *   chart.clear();  chart.destroy();
 * Redraws at most once per animation frame and follows its container's width. Knows nothing of
 * the model. Needs uPlot.iife.min.js loaded first (index.html does).
 */
// uPlot's minified build (51 KB against 145 KB for its ES module), loaded by index.html as a
// classic script before main.js: it defines the global uPlot (typed with uPlot's own declarations,
// tests/types/globals.d.ts).

const MAX_POINTS = 3000; // older points are thinned (every other one dropped) past this

/**
 * @typedef {{ label: string, color: string, dash?: number[], points?: boolean }} Series
 * @typedef {{ series: Series[], log?: boolean, range?: [number, number], xLog?: boolean,
 *   xLabel?: string, height?: number, percent?: boolean, zero?: boolean, latest?: boolean }} ChartOptions
 * zero: a linear y axis from 0 to the largest value (RMSE beside its baseline)
 * latest: the legend shows each series' latest value while the cursor is off the chart (default
 *   true: streaming charts); false: no value until the cursor points at one
 */

/** log axes: grid lines and labels at powers of ten only (at least the ends when the range is
 * under two decades) @param {any} _u @param {number} _axis @param {number} min @param {number} max */
const decades = (_u, _axis, min, max) => {
  const out = [];
  for (let e = Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++) out.push(10 ** e);
  return out.length >= 2 ? out : [min, Math.sqrt(min * max), max];
};

/** @param {HTMLElement} parent @param {ChartOptions} opts */
export function createChart(parent, opts) {
  const css = getComputedStyle(document.documentElement);
  const muted = css.getPropertyValue('--muted').trim() || '#666';
  const rule = css.getPropertyValue('--rule').trim() || '#ddd';
  /** @type {number[]} */
  let xs = [];
  /** @type {(number | null)[][]} */
  let ys = opts.series.map(() => []);
  let pending = false;
  let updates = 0;
  const height = opts.height ?? 130;
  const axis = {
    stroke: muted, grid: { stroke: rule, width: 1 }, ticks: { stroke: rule, width: 1, size: 4 },
    font: '11px system-ui, sans-serif', gap: 3,
  };
  /** the last value of a series, formatted ('' when it has none) @param {(number | null)[]} s */
  const latest = (s) => {
    for (let i = (s?.length ?? 0) - 1; i >= 0; i--) if (s[i] != null) return fmtY(/** @type {number} */ (s[i]));
    return '';
  };
  const fmtY = (/** @type {number} */ v) => (v == null ? '–' : opts.percent ? `${(v * 100).toFixed(1)}%`
    : Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(3)));
  /** @type {uPlot.Options} */
  const options = {
    width: Math.max(200, parent.clientWidth), height,
    pxAlign: 0,
    cursor: { drag: { x: false, y: false }, points: { size: 5 } },
    legend: { live: true },
    scales: {
      x: { time: false, ...(opts.xLog ? { distr: 3, log: 2 } : {}) },
      y: opts.log ? { distr: 3, log: 10 } : opts.range ? { range: opts.range }
        : opts.zero ? { range: (/** @type {any} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [0, max > 0 ? max * 1.08 : 1] }
          : { auto: true },
    },
    axes: [
      { ...axis, size: 26, label: undefined, values: (/** @type {any} */ _u, /** @type {number[]} */ v) => v.map((x) => (x == null ? '' : x >= 10000 ? `${x / 1000}k` : String(x))) },
      { ...axis, size: 46, ...(opts.log ? { splits: decades } : {}), values: (/** @type {any} */ _u, /** @type {number[]} */ v) => v.map((x) => (x == null ? '' : opts.percent ? `${Math.round(x * 100)}%` : fmtY(x))) },
    ],
    series: [
      { label: opts.xLabel ?? 'step', value: (/** @type {any} */ _u, /** @type {number} */ v) => (v == null ? '–' : String(v)) },
      ...opts.series.map((s) => ({
        label: s.label, stroke: s.color, width: 1.5, spanGaps: true, dash: s.dash,
        points: { show: s.points ?? false, size: 4, fill: s.color },
        value: (/** @type {any} */ u, /** @type {number | null} */ v, /** @type {number} */ sidx, /** @type {number | null} */ idx) =>
          (idx != null ? fmtY(/** @type {number} */ (v)) : opts.latest === false ? '' : latest(u.data[sidx])),
      })),
    ],
  };
  const box = document.createElement('div');
  box.className = 'uplot-box';
  parent.append(box);
  const plot = new uPlot(options, /** @type {uPlot.AlignedData} */ ([xs, ...ys]), box);

  function redraw() {
    pending = false;
    updates++;
    plot.setData(/** @type {uPlot.AlignedData} */ ([xs, ...ys]));
  }
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(redraw);
  }
  const ro = new ResizeObserver(() => {
    const w = Math.max(200, parent.clientWidth);
    if (Math.abs(w - plot.width) > 1) plot.setSize({ width: w, height });
  });
  ro.observe(parent);

  return {
    /** @param {number} x @param {(number | null)[]} values one per series */
    add(x, values) {
      const ok = (/** @type {number | null} */ v) => v !== null && Number.isFinite(v) && (!opts.log || v > 0);
      const last = xs.length - 1;
      if (last >= 0 && xs[last] === x) {
        // the same step again (a held-out point at a training step): fill in
        values.forEach((v, k) => { if (ok(v)) ys[k][last] = v; });
      } else {
        if (last >= 0 && x < xs[last]) return; // out of order: ignored
        xs.push(x);
        values.forEach((v, k) => ys[k].push(ok(v) ? v : null));
      }
      if (xs.length > MAX_POINTS) {
        // keep every other point of the older half; points with a held-out value survive
        const keep = (/** @type {number} */ i) => i >= xs.length / 2 || i % 2 === 0 || ys.slice(1).some((s) => s[i] !== null);
        const idx = xs.map((_, i) => i).filter(keep);
        xs = idx.map((i) => xs[i]);
        ys = ys.map((s) => idx.map((i) => s[i]));
      }
      schedule();
    },
    /** @param {number[]} x @param {(number | null)[][]} y */
    set(x, y) { xs = x.slice(); ys = y.map((s) => s.slice()); schedule(); },
    clear() { xs = []; ys = opts.series.map(() => []); schedule(); },
    destroy() { ro.disconnect(); plot.destroy(); box.remove(); },
    get updates() { return updates; },
    get points() { return xs.length; },
    /** the chart's canvas (for pixel fingerprints in tests) */
    get canvas() { return /** @type {HTMLCanvasElement} */ (box.querySelector('canvas')); },
  };
}
