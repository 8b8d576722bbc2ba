// @ts-check
/* pca.js - the hidden-state trajectory of the probe, projected on its first two principal
 * components: where the network's state goes step by step (a parity network settles into two
 * attractor states, one per running parity; an addition network into carry / no-carry states).
 *
 *   const view = createPCA(canvas, tooltip);  view.update(hidden, T, H, symbols, targets);
 * hidden is (T*H), step-major. The axes are the top two eigenvectors of the states' covariance
 * (power iteration with deflation), their signs kept from one update to the next so the picture
 * does not flip. Points are coloured by time (light = early); hovering shows the step and input.
 */

import { fitCanvas, showTip } from './canvas.js';

/**
 * The first k principal directions of rows x (n rows of d values), by power iteration.
 * @param {Float32Array} x @param {number} n @param {number} d @param {number} k
 * @returns {{ mean: Float64Array, axes: Float64Array[], variance: number[] }}
 */
export function principalAxes(x, n, d, k = 2) {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const va = x[i * d + a] - mean[a];
      for (let b = a; b < d; b++) cov[a * d + b] += (va * (x[i * d + b] - mean[b])) / n;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a];
  /** @type {Float64Array[]} */
  const axes = [];
  const variance = [];
  for (let c = 0; c < k; c++) {
    let v = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = 1 + ((j * 7919 + c * 104729) % 13) / 13; // fixed start
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) { let s = 0; for (let b = 0; b < d; b++) s += cov[a * d + b] * v[b]; w[a] = s; }
      const norm = Math.hypot(...w);
      if (!(norm > 1e-12)) { lambda = 0; break; }
      for (let a = 0; a < d; a++) w[a] /= norm;
      const change = w.reduce((s, wa, a) => s + Math.abs(wa - v[a]), 0);
      v = w; lambda = norm;
      if (change < 1e-9) break;
    }
    axes.push(v);
    variance.push(lambda);
    // deflate: cov -= lambda v v^T
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] -= lambda * v[a] * v[b];
  }
  return { mean, axes, variance };
}

/** @param {HTMLCanvasElement} canvas @param {HTMLElement} tooltip */
export function createPCA(canvas, tooltip) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {Float64Array[] | null} the previous axes, for sign continuity */
  let prevAxes = null;
  /** @type {{ px: number[], py: number[], symbols: string[], targets: string[] | null, explained: number } | null} */
  let last = null;
  let updates = 0;

  function draw() {
    if (!last) return;
    const { w, h, dpr } = fitCanvas(canvas);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const style = getComputedStyle(canvas);
    const muted = style.getPropertyValue('--muted').trim() || '#666';
    const { px, py, symbols } = last;
    const T = px.length;
    const span = (/** @type {number[]} */ a) => [Math.min(...a), Math.max(...a)];
    let [x0, x1] = span(px), [y0, y1] = span(py);
    const r = Math.max(x1 - x0, y1 - y0, 1e-6) / 2;
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    x0 = cx - r; x1 = cx + r; y0 = cy - r; y1 = cy + r;
    const pad = 14;
    const s = Math.min(w, h) - 2 * pad;
    const ox = (w - s) / 2, oy = (h - s) / 2;
    const X = (/** @type {number} */ v) => ox + ((v - x0) / (x1 - x0)) * s;
    const Y = (/** @type {number} */ v) => oy + s - ((v - y0) / (y1 - y0)) * s;
    ctx.strokeStyle = muted; ctx.globalAlpha = 0.35; ctx.lineWidth = 1;
    ctx.beginPath();
    for (let t = 0; t < T; t++) (t ? ctx.lineTo : ctx.moveTo).call(ctx, X(px[t]), Y(py[t]));
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.font = '10px ui-monospace, monospace'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
    for (let t = 0; t < T; t++) {
      const f = T > 1 ? t / (T - 1) : 1;
      ctx.fillStyle = `rgb(${Math.round(120 - 90 * f)}, ${Math.round(170 - 85 * f)}, ${Math.round(225 - 75 * f)})`;
      ctx.beginPath(); ctx.arc(X(px[t]), Y(py[t]), t === T - 1 ? 4.5 : 3, 0, 2 * Math.PI); ctx.fill();
      if (T <= 64) { ctx.fillStyle = muted; ctx.fillText(symbols[t] ?? '', X(px[t]) + 4, Y(py[t]) - 2); }
    }
    ctx.fillStyle = muted; ctx.textAlign = 'right'; ctx.textBaseline = 'top'; ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`PC1, PC2: ${(last.explained * 100).toFixed(0)}% of the variance`, w - 4, 3);
  }

  canvas.addEventListener('mousemove', (e) => {
    if (!last) return;
    const rc = canvas.getBoundingClientRect();
    // the nearest point, in screen space
    const w = canvas.clientWidth, h = canvas.clientHeight;
    const { px, py } = last;
    const span = (/** @type {number[]} */ a) => [Math.min(...a), Math.max(...a)];
    const [ax0, ax1] = span(px), [ay0, ay1] = span(py);
    const r = Math.max(ax1 - ax0, ay1 - ay0, 1e-6) / 2, cx = (ax0 + ax1) / 2, cy = (ay0 + ay1) / 2;
    const s = Math.min(w, h) - 28, ox = (w - s) / 2, oy = (h - s) / 2;
    const mx = e.clientX - rc.left, my = e.clientY - rc.top;
    let best = -1, bd = 144;
    for (let t = 0; t < px.length; t++) {
      const X = ox + ((px[t] - (cx - r)) / (2 * r)) * s, Y = oy + s - ((py[t] - (cy - r)) / (2 * r)) * s;
      const d = (X - mx) ** 2 + (Y - my) ** 2;
      if (d < bd) { bd = d; best = t; }
    }
    if (best < 0) { tooltip.hidden = true; return; }
    const tgt = last.targets?.[best];
    showTip(tooltip, `step ${best}, input ${JSON.stringify(last.symbols[best] ?? '')}${tgt ? `, target ${tgt}` : ''}: (${px[best].toFixed(3)}, ${py[best].toFixed(3)})`, e);
  });
  canvas.addEventListener('mouseleave', () => { tooltip.hidden = true; });

  return {
    /** @param {Float32Array} hidden (T*H) @param {number} T @param {number} H @param {string[]} symbols @param {string[] | null} [targets] */
    update(hidden, T, H, symbols, targets = null) {
      const { mean, axes, variance } = principalAxes(hidden, T, H, 2);
      if (prevAxes && prevAxes[0].length === H) {
        for (let c = 0; c < 2; c++) {
          let dot = 0;
          for (let j = 0; j < H; j++) dot += axes[c][j] * prevAxes[c][j];
          if (dot < 0) for (let j = 0; j < H; j++) axes[c][j] = -axes[c][j];
        }
      }
      prevAxes = axes;
      let total = 0;
      for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) total += (hidden[t * H + j] - mean[j]) ** 2 / T;
      const px = [], py = [];
      for (let t = 0; t < T; t++) {
        let a = 0, b = 0;
        for (let j = 0; j < H; j++) { const v = hidden[t * H + j] - mean[j]; a += v * axes[0][j]; b += v * axes[1][j]; }
        px.push(a); py.push(b);
      }
      last = { px, py, symbols, targets, explained: total > 0 ? (variance[0] + variance[1]) / total : 0 };
      updates++;
      draw();
    },
    get updates() { return updates; },
  };
}
