// @ts-check
/* xyplot.js - a small x-y chart on a canvas, for curves whose x is not a training step: the
 * energy during a recall (against the update), mean overlap against P/N, magnetisation against
 * the temperature. Vertical markers name a theoretical value (alpha_c = 0.138, T_c = 2.269).
 *
 *   const plot = createXYPlot(parent, { xLabel: 'P/N', yLabel: 'overlap', x: [0, 0.5], y: [0, 1],
 *     series: [{ label: 'Hebb', color: '--c-train', points: true }], markers: [{ x: 0.138, label: 'αc' }],
 *     tooltip });
 *   plot.set(0, xs, ys);   plot.set(1, xs, ys, errors);   plot.setMarkers([...]);   plot.clear();
 *   plot.draws;   plot.data(0)
 * series: a line through the points (line, default true), dots on them (points), dashed (dash);
 * errors: a bar of +-error through each point (one standard error, say).
 * Colours are CSS custom properties (read at each draw, so both colour schemes work) or colours.
 * x / y: a fixed range, or 'auto' (the data's, padded; y 'auto' keeps 0 in view when zero: true).
 * The legend is HTML text under the canvas (the numbers read by screen readers and the contrast
 * check); hovering shows the nearest point. Redraws at most once a frame.
 */
import { fitCanvas, showTip } from './canvas.js';

/**
 * @typedef {{ label: string, color: string, points?: boolean, line?: boolean, dash?: number[], width?: number,
 *   value?: boolean }} XYSeries  value: false, the legend shows no latest value (a theoretical curve)
 * @typedef {{ x: number, label: string, at?: 'top' | 'bottom' }} Marker  at: where its label sits (default top)
 * @typedef {{ xLabel: string, yLabel: string, x: [number, number] | 'auto', y: [number, number] | 'auto',
 *   series: XYSeries[], markers?: Marker[], tooltip: HTMLElement, height?: number, fmtX?: (v: number) => string,
 *   fmtY?: (v: number) => string, xInteger?: boolean }} XYOptions  xInteger: x ticks at whole numbers only (a count)
 */

/** round tick positions covering [lo, hi], about n of them (whole numbers only when integer)
 * @param {number} lo @param {number} hi @param {number} n @param {boolean} [integer] */
export function ticks(lo, hi, n = 5, integer = false) {
  if (!(hi > lo)) return [lo];
  const raw = Math.max((hi - lo) / n, integer ? 1 : 0), mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).filter((s) => !integer || Number.isInteger(s)).find((s) => s >= raw) ?? 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** @param {HTMLElement} parent @param {XYOptions} opts */
export function createXYPlot(parent, opts) {
  const box = document.createElement('div');
  box.className = 'xy';
  const canvas = document.createElement('canvas');
  canvas.className = 'xy-canvas';
  canvas.style.height = `${opts.height ?? 150}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${opts.yLabel} against ${opts.xLabel}`);
  const legend = document.createElement('div');
  legend.className = 'xy-legend';
  box.append(canvas, legend);
  parent.append(box);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {{ xs: number[], ys: number[], errs: number[] | null }[]} */
  let data = opts.series.map(() => ({ xs: [], ys: [], errs: null }));
  let pending = false, draws = 0;
  const fmtX = opts.fmtX ?? ((v) => String(+v.toPrecision(3)));
  const fmtY = opts.fmtY ?? ((v) => String(+v.toPrecision(3)));
  /** @type {Marker[]} */
  let markers = opts.markers ?? [];
  /** @type {HTMLSpanElement[]} */
  const values = opts.series.map((s) => {
    const item = document.createElement('span');
    item.className = 'xy-item';
    const key = document.createElement('span');
    key.className = `xy-key${s.line === false ? ' dot' : ''}`;
    key.dataset.color = s.color;
    const v = document.createElement('span');
    v.className = 'xy-value';
    item.append(key, `${s.label} `, v);
    legend.append(item);
    return v;
  });
  /** the plot area's mapping, as last drawn */
  let frame = { x0: 0, x1: 1, y0: 0, y1: 1, left: 0, right: 1, top: 0, bottom: 1 };

  const cssColor = (/** @type {string} */ c) => (c.startsWith('--') ? getComputedStyle(canvas).getPropertyValue(c).trim() || '#888' : c);

  /** @param {'x' | 'y'} axis */
  function range(axis) {
    const fixed = opts[axis];
    if (fixed !== 'auto') return fixed;
    let lo = Infinity, hi = -Infinity;
    for (const d of data) for (const v of axis === 'x' ? d.xs : d.ys) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (axis === 'x') for (const m of markers) { lo = Math.min(lo, m.x); hi = Math.max(hi, m.x); }
    if (!Number.isFinite(lo)) return [0, 1];
    if (hi - lo < 1e-9) { const pad = Math.max(1, Math.abs(lo) * 0.1); return [lo - pad, hi + pad]; }
    const pad = axis === 'y' ? (hi - lo) * 0.06 : 0;
    return [lo - pad, hi + pad];
  }

  function draw() {
    pending = false;
    draws++;
    const { w, h, dpr } = fitCanvas(canvas);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const muted = cssColor('--muted'), rule = cssColor('--rule');
    const [x0, x1] = range('x'), [y0, y1] = range('y');
    const left = 40, right = w - 8, top = 8, bottom = h - 30;
    frame = { x0, x1, y0, y1, left, right, top, bottom };
    const px = (/** @type {number} */ x) => left + ((x - x0) / (x1 - x0)) * (right - left);
    const py = (/** @type {number} */ y) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    // grid and tick labels
    ctx.fillStyle = muted;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (const v of ticks(y0, y1, 4)) {
      const y = Math.round(py(v)) + 0.5;
      ctx.strokeStyle = rule;
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(right, y); ctx.stroke();
      ctx.fillText(fmtY(v), left - 4, y);
    }
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (const v of ticks(x0, x1, Math.max(2, Math.floor((right - left) / 60)), opts.xInteger)) {
      const x = Math.round(px(v)) + 0.5;
      ctx.strokeStyle = rule;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
      ctx.fillText(fmtX(v), x, bottom + 3);
    }
    ctx.fillText(opts.xLabel, (left + right) / 2, bottom + 16);
    // markers: a dashed vertical line and its label at the top
    for (const m of markers) {
      if (m.x < x0 || m.x > x1) continue;
      const x = Math.round(px(m.x)) + 0.5;
      ctx.strokeStyle = cssColor('--accent');
      ctx.setLineDash([4, 3]);
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
      ctx.setLineDash([]);
      // the label on a patch of the panel's colour, so a curve under it does not hide it
      const tw = ctx.measureText(m.label).width, left0 = x > right - tw - 8;
      const lx = left0 ? x - 4 - tw : x + 4, ly = m.at === 'bottom' ? bottom - 15 : top + 1;
      ctx.fillStyle = cssColor('--panel');
      ctx.fillRect(lx - 2, ly - 1, tw + 4, 14);
      ctx.fillStyle = cssColor('--accent');
      ctx.textAlign = 'left'; ctx.textBaseline = 'top';
      ctx.fillText(m.label, lx, ly);
    }
    // the series, clipped to the plot area
    ctx.save();
    ctx.beginPath(); ctx.rect(left, top - 2, right - left, bottom - top + 4); ctx.clip();
    opts.series.forEach((s, k) => {
      const { xs, ys } = data[k];
      const c = cssColor(s.color);
      ctx.strokeStyle = c; ctx.fillStyle = c; ctx.lineWidth = s.width ?? 1.5;
      if (s.line !== false && xs.length > 1) {
        ctx.setLineDash(s.dash ?? []);
        ctx.beginPath();
        let open = false;
        for (let i = 0; i < xs.length; i++) {
          if (!Number.isFinite(ys[i])) { open = false; continue; }
          if (open) ctx.lineTo(px(xs[i]), py(ys[i])); else ctx.moveTo(px(xs[i]), py(ys[i]));
          open = true;
        }
        ctx.stroke();
        ctx.setLineDash([]);
      }
      const errs = data[k].errs;
      if (errs) {
        ctx.lineWidth = 1;
        for (let i = 0; i < xs.length; i++) {
          if (!(errs[i] > 0)) continue;
          const x = px(xs[i]);
          ctx.beginPath(); ctx.moveTo(x, py(ys[i] - errs[i])); ctx.lineTo(x, py(ys[i] + errs[i]));
          ctx.moveTo(x - 3, py(ys[i] - errs[i])); ctx.lineTo(x + 3, py(ys[i] - errs[i]));
          ctx.moveTo(x - 3, py(ys[i] + errs[i])); ctx.lineTo(x + 3, py(ys[i] + errs[i]));
          ctx.stroke();
        }
      }
      if (s.points || (s.line !== false && xs.length === 1)) {
        for (let i = 0; i < xs.length; i++) {
          if (!Number.isFinite(ys[i])) continue;
          ctx.beginPath(); ctx.arc(px(xs[i]), py(ys[i]), 2.5, 0, 2 * Math.PI); ctx.fill();
        }
      }
      values[k].textContent = ys.length && s.value !== false ? fmtY(ys[ys.length - 1]) : '';
    });
    ctx.restore();
    for (const key of legend.querySelectorAll('.xy-key')) {
      /** @type {HTMLElement} */ (key).style.background = cssColor(/** @type {HTMLElement} */ (key).dataset.color ?? '');
    }
  }
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(draw);
  }
  new ResizeObserver(schedule).observe(canvas);
  schedule();

  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const mx = e.clientX - r.left, my = e.clientY - r.top;
    const { x0, x1, y0, y1, left, right, top, bottom } = frame;
    let best = null, bestD = 100;
    data.forEach((d, k) => {
      for (let i = 0; i < d.xs.length; i++) {
        const dx = left + ((d.xs[i] - x0) / (x1 - x0)) * (right - left) - mx;
        const dy = bottom - ((d.ys[i] - y0) / (y1 - y0)) * (bottom - top) - my;
        const dd = dx * dx + dy * dy;
        if (dd < bestD) { bestD = dd; best = { k, i }; }
      }
    });
    if (!best) { opts.tooltip.hidden = true; return; }
    const { k, i } = best;
    showTip(opts.tooltip, `${opts.series[k].label}: ${opts.xLabel} ${fmtX(data[k].xs[i])}, ${opts.yLabel} ${fmtY(data[k].ys[i])}`, e);
  });
  canvas.addEventListener('mouseleave', () => { opts.tooltip.hidden = true; });

  return {
    /** One series' points (copied), with error bars when errs is given.
     * @param {number} k @param {ArrayLike<number>} xs @param {ArrayLike<number>} ys @param {ArrayLike<number>} [errs] */
    set(k, xs, ys, errs) { data[k] = { xs: Array.from(xs), ys: Array.from(ys), errs: errs ? Array.from(errs) : null }; schedule(); },
    clear() { data = opts.series.map(() => ({ xs: [], ys: [], errs: null })); schedule(); },
    /** Names the x axis anew. @param {string} label */
    setXLabel(label) { opts.xLabel = label; schedule(); },
    /** Replaces the vertical markers. @param {Marker[]} next */
    setMarkers(next) { markers = next.slice(); schedule(); },
    /** @param {number} k */
    data(k) { return { xs: data[k].xs.slice(), ys: data[k].ys.slice() }; },
    get draws() { return draws; },
    canvas,
  };
}
