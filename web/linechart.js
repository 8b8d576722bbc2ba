// @ts-check
/* linechart.js - a plain canvas line chart of one or more series against the training step.
 *
 *   const chart = createLineChart(canvas, { series: [{ name: 'train', color: '#...' }], log: true });
 *   chart.add(step, [loss, heldOutLoss]);   // a value per series; null / non-finite = no point
 *   chart.clear();
 * Redraws at most once per animation frame. Knows nothing of the model.
 */

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{ series: { name: string, color: string }[], log?: boolean, min?: number, max?: number }} opts
 */
export function createLineChart(canvas, opts) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {{ x: number, y: number }[][]} */
  let data = opts.series.map(() => []);
  let pending = false;
  const MAX_POINTS = 2000;

  const tf = (/** @type {number} */ y) => (opts.log ? Math.log10(Math.max(y, 1e-6)) : y);

  function draw() {
    pending = false;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const style = getComputedStyle(canvas);
    const fg = style.getPropertyValue('--muted').trim() || '#666';
    const rule = style.getPropertyValue('--rule').trim() || '#ddd';
    const pad = { l: 44, r: 8, t: 8, b: 18 };
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const s of data) for (const p of s) {
      x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x);
      const y = tf(p.y); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    if (opts.min !== undefined) y0 = tf(opts.min);
    if (opts.max !== undefined) y1 = tf(opts.max);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = fg;
    if (!Number.isFinite(x0)) {
      ctx.fillText('no data yet', pad.l, h / 2);
      return;
    }
    if (opts.log) { y0 = Math.floor(y0); y1 = Math.max(Math.ceil(y1), y0 + 1); }
    if (y1 <= y0) y1 = y0 + 1;
    if (x1 <= x0) x1 = x0 + 1;
    const X = (/** @type {number} */ x) => pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
    const Y = (/** @type {number} */ y) => h - pad.b - ((y - y0) / (y1 - y0)) * (h - pad.t - pad.b);
    // grid and y labels
    ctx.strokeStyle = rule; ctx.lineWidth = 1;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    const ticks = opts.log ? Array.from({ length: y1 - y0 + 1 }, (_, i) => y0 + i)
      : [0, 0.25, 0.5, 0.75, 1].map((f) => y0 + f * (y1 - y0));
    for (const t of ticks) {
      const y = Math.round(Y(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(w - pad.r, y); ctx.stroke();
      ctx.fillText(opts.log ? formatPow(t) : String(+t.toFixed(2)), pad.l - 4, y);
    }
    ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic';
    ctx.fillText(`step ${x0}`, pad.l, h - 4);
    ctx.textAlign = 'right';
    ctx.fillText(`${x1}`, w - pad.r, h - 4);
    // series
    opts.series.forEach((s, i) => {
      const pts = data[i];
      if (!pts.length) return;
      ctx.strokeStyle = s.color; ctx.lineWidth = 1.5;
      ctx.beginPath();
      pts.forEach((p, k) => (k ? ctx.lineTo(X(p.x), Y(tf(p.y))) : ctx.moveTo(X(p.x), Y(tf(p.y)))));
      if (pts.length === 1) ctx.arc(X(pts[0].x), Y(tf(pts[0].y)), 1.5, 0, 2 * Math.PI);
      ctx.stroke();
    });
  }

  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  return {
    /** @param {number} step @param {(number | null | undefined)[]} values one per series */
    add(step, values) {
      values.forEach((v, i) => {
        if (v === null || v === undefined || !Number.isFinite(v) || !data[i]) return;
        const s = data[i];
        s.push({ x: step, y: v });
        if (s.length > MAX_POINTS) data[i] = s.filter((_, k) => k % 2 === 0 || k === s.length - 1);
      });
      schedule();
    },
    clear() { data = opts.series.map(() => []); schedule(); },
    /** number of points of each series */
    get counts() { return data.map((s) => s.length); },
    redraw: schedule,
  };
}

/** 10^t as a short label: 1, 0.1, 0.01, 1e-3 ... */
function formatPow(/** @type {number} */ t) {
  if (t >= 0 && t <= 3) return String(10 ** t);
  if (t < 0 && t >= -2) return (10 ** t).toFixed(-t);
  return `1e${t}`;
}
