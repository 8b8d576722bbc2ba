// @ts-check
/* charts.js - the playground's line charts: a thin layer over uPlot (served from this folder,
 * copied from node_modules by `make dist`), streaming points against the training step.
 *
 *   const chart = createChart(parent, { series: [{ label: 'training', color: '#...' }], log: true });
 *   chart.add(step, [loss, heldOutLoss]);   // a value per series; null / non-finite = no point
 *   chart.set(xs, [ys...]);                 // replace everything (the generalisation curve)
 *   chart.clear();  chart.destroy();
 *   const { xs, ys } = chart.data(0);       // one series' points (those with a value), copied
 *   chart.setReferences([{ label, color, dash, xs, ys }]);   // fixed curves of earlier runs
 * References (compare runs) are drawn under the run's series, dashed and faded, each named in the
 * legend after them; clear() leaves them, setReferences([]) removes them. Their points need not
 * be at the run's x values: the data is joined on the union of the x values (a series without
 * a point at some x spans the gap).
 * Redraws at most once per animation frame and follows its container's width. Knows nothing of
 * the model. Needs uPlot.iife.min.js loaded first (index.html does).
 */
// uPlot's minified build (51 KB against 145 KB for its ES module), loaded by index.html as a
// classic script before main.js: it defines the global uPlot (typed with uPlot's own declarations,
// tests/types/globals.d.ts).

const MAX_POINTS = 3000; // older points are thinned (every other one dropped) past this
const REF_DASH = [6, 4];  // a reference's line, unless it names its own dash
const REF_ALPHA = 0.6;    // ... and its opacity: the run's own lines read first

/**
 * @typedef {{ label: string, color: string, dash?: number[], points?: boolean }} Series
 * @typedef {{ label: string, color: string, dash?: number[], points?: boolean, xs: number[],
 *   ys: (number | null)[] }} Reference  an earlier run's curve: its own x values and y values
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
    series: [],
  };
  /** a uPlot series @param {Series} s @param {boolean} ref an earlier run's (dashed, faded) */
  const seriesOf = (s, ref) => ({
    label: s.label, stroke: s.color, width: 1.5, spanGaps: true, dash: ref ? s.dash ?? REF_DASH : s.dash,
    alpha: ref ? REF_ALPHA : 1,
    points: { show: s.points ?? false, size: 4, fill: s.color },
    value: (/** @type {any} */ u, /** @type {number | null} */ v, /** @type {number} */ sidx, /** @type {number | null} */ idx) =>
      (idx != null ? fmtY(/** @type {number} */ (v)) : opts.latest === false ? '' : latest(u.data[sidx])),
  });
  /** @type {Reference[]} */
  let refs = [];
  const box = document.createElement('div');
  box.className = 'uplot-box';
  parent.append(box);

  /** the chart's data: the run's alone, or joined with the references' on the union of x values
   * @returns {uPlot.AlignedData} */
  function aligned() {
    if (!refs.length) return /** @type {uPlot.AlignedData} */ ([xs, ...ys]);
    return /** @type {uPlot.AlignedData} */ (join([...refs.map((r) => ({ xs: r.xs, ys: [r.ys] })), { xs, ys }]));
  }
  /** a uPlot for the current references: theirs first (drawn under the run's), but listed after
   * the run's in the legend */
  function build() {
    const o = { ...options, width: Math.max(200, parent.clientWidth), series: [
      { label: opts.xLabel ?? 'step', value: (/** @type {any} */ _u, /** @type {number} */ v) => (v == null ? '–' : String(v)) },
      ...refs.map((r) => seriesOf(r, true)), ...opts.series.map((s) => seriesOf(s, false)),
    ] };
    const u = new uPlot(o, aligned(), box);
    const rows = [...u.root.querySelectorAll('.u-legend .u-series')];
    for (const row of rows.slice(1, 1 + refs.length)) {
      row.classList.add('u-ref');
      row.parentElement?.append(row);
    }
    return u;
  }
  let plot = build();

  function redraw() {
    pending = false;
    updates++;
    plot.setData(aligned());
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
    /** One series of the run: its points that have a value, copied. @param {number} k */
    data(k) {
      /** @type {number[]} */ const px = [];
      /** @type {number[]} */ const py = [];
      xs.forEach((x, i) => { const v = ys[k]?.[i]; if (v != null) { px.push(x); py.push(v); } });
      return { xs: px, ys: py };
    },
    /** Earlier runs' curves, drawn under the run's (replaces the ones before). @param {Reference[]} next */
    setReferences(next) {
      refs = next.map((r) => ({ ...r, xs: r.xs.slice(), ys: r.ys.slice() }));
      plot.destroy();
      plot = build();
      updates++;
    },
    destroy() { ro.disconnect(); plot.destroy(); box.remove(); },
    /** the legend's labels, in order (the step's first) */
    get labels() { return plot.series.map((s) => String(s.label ?? '')); },
    get updates() { return updates; },
    get points() { return xs.length; },
    /** the chart's canvas (for pixel fingerprints in tests) */
    get canvas() { return /** @type {HTMLCanvasElement} */ (box.querySelector('canvas')); },
  };
}

/**
 * Tables with x values of their own, joined on the union of the x values (ascending): [x, then
 * every table's series in order], null where a table has no point at that x.
 * @param {{ xs: number[], ys: (number | null)[][] }[]} tables each xs ascending
 * @returns {(number | null)[][]}
 */
export function join(tables) {
  const all = [...new Set(tables.flatMap((t) => t.xs))].sort((a, b) => a - b);
  const at = new Map(all.map((x, i) => [x, i]));
  /** @type {(number | null)[][]} */
  const out = [all];
  for (const t of tables) {
    for (const s of t.ys) {
      const col = new Array(all.length).fill(null);
      t.xs.forEach((x, i) => { if (s[i] != null) col[/** @type {number} */ (at.get(x))] = s[i]; });
      out.push(col);
    }
  }
  return out;
}
