// @ts-check
/* pca.js - the hidden-state trajectory of the probe, projected on its first two principal
 * components: where the network's state goes step by step (a parity network settles into two
 * attractor states, one per running parity; an addition network into carry / no-carry states).
 *
 *   const view = createPCA(canvas, tooltip);  view.update(hidden, T, H, symbols, targets);
 * hidden is (T*H), step-major. The axes are the top two eigenvectors of the states' covariance
 * (power iteration with deflation), their signs kept from one update to the next so the picture
 * does not flip. Points are coloured by time (light = early); hovering shows the step and input.
 *
 *   view.setFixedPoints(points, color);   // the dynamics family: fixed points on the same axes
 * Fixed points (worker/dynparts.js: layer 0's hidden part of each, its type, its unstable
 * directions) are projected on the trajectory's axes and drawn coloured by type (stable, saddle,
 * unstable), with a short two-headed segment along each unstable direction (an eigenvector's sign
 * is arbitrary). Those far outside the trajectory's box (beyond 3 times its radius) are counted
 * in the caption, not drawn. null clears them.
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
  /** @type {{ px: number[], py: number[], symbols: string[], targets: string[] | null, explained: number,
   *   mean: Float64Array, axes: Float64Array[] } | null} */
  let last = null;
  let updates = 0;
  /** @type {{ points: { state: ArrayLike<number>, type: string, unstable: ArrayLike<number>[] }[], color: (type: string) => string } | null} */
  let fixed = null;
  /** fixed points drawn at the last draw, and those outside the view */
  let fixedDrawn = 0, fixedOutside = 0;

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
    drawFixed(X, Y, cx, cy, r, muted);
  }

  /**
   * The fixed points on the trajectory's axes, with their unstable directions.
   * @param {(v: number) => number} X @param {(v: number) => number} Y @param {number} cx @param {number} cy
   * @param {number} r the trajectory's half-span @param {string} muted
   */
  function drawFixed(X, Y, cx, cy, r, muted) {
    fixedDrawn = 0; fixedOutside = 0;
    if (!fixed || !last) return;
    const { mean, axes } = last, H = mean.length;
    const proj = (/** @type {ArrayLike<number>} */ v, /** @type {boolean} */ centred) => {
      let a = 0, b = 0;
      for (let j = 0; j < H; j++) { const x = v[j] - (centred ? mean[j] : 0); a += x * axes[0][j]; b += x * axes[1][j]; }
      return [a, b];
    };
    // saddles and unstable points under the stable ones
    const order = [...fixed.points].sort((p, q) => (p.type === 'stable' ? 1 : 0) - (q.type === 'stable' ? 1 : 0));
    for (const p of order) {
      const [a, b] = proj(p.state, true);
      if (Math.abs(a - cx) > 3 * r || Math.abs(b - cy) > 3 * r) { fixedOutside++; continue; }
      const x = X(a), y = Y(b), c = fixed.color(p.type);
      ctx.strokeStyle = c; ctx.fillStyle = c; ctx.lineWidth = 1.5;
      for (const v of p.unstable) {
        const [da, db] = proj(v, false);
        const len = Math.hypot(da, db);
        if (!(len > 1e-6)) continue;
        // 16 px along the projected direction, both ways
        const ux = (da / len) * 16, uy = (-db / len) * 16;
        ctx.beginPath(); ctx.moveTo(x - ux, y - uy); ctx.lineTo(x + ux, y + uy); ctx.stroke();
        for (const sgn of [1, -1]) {
          const hx = x + sgn * ux, hy = y + sgn * uy, bx = -sgn * ux * 0.3, by = -sgn * uy * 0.3;
          ctx.beginPath(); ctx.moveTo(hx, hy); ctx.lineTo(hx + bx - by * 0.6, hy + by + bx * 0.6);
          ctx.lineTo(hx + bx + by * 0.6, hy + by - bx * 0.6); ctx.closePath(); ctx.fill();
        }
      }
      ctx.beginPath(); ctx.arc(x, y, p.type === 'stable' ? 5.5 : 4.5, 0, 2 * Math.PI);
      if (p.type === 'stable') ctx.fill();
      else { ctx.fillStyle = getComputedStyle(canvas).getPropertyValue('--panel').trim() || '#fff'; ctx.fill(); ctx.stroke(); }
      fixedDrawn++;
    }
    // the key
    ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
    let kx = 4;
    const hgt = canvas.clientHeight;
    for (const t of ['stable', 'saddle', 'unstable']) {
      ctx.fillStyle = fixed.color(t); ctx.beginPath(); ctx.arc(kx + 4, hgt - 8, 4, 0, 2 * Math.PI); ctx.fill();
      ctx.fillStyle = muted; ctx.fillText(t, kx + 11, hgt - 2);
      kx += 16 + ctx.measureText(t).width;
    }
    if (fixedOutside) ctx.fillText(`(${fixedOutside} outside the view)`, kx, hgt - 2);
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
      last = { px, py, symbols, targets, explained: total > 0 ? (variance[0] + variance[1]) / total : 0, mean, axes };
      updates++;
      draw();
    },
    get updates() { return updates; },
    /**
     * Fixed points to draw on the axes of the last update (null: none), redrawn now.
     * @param {{ state: ArrayLike<number>, type: string, unstable: ArrayLike<number>[] }[] | null} points
     * @param {(type: string) => string} [color] a type's colour
     */
    setFixedPoints(points, color = () => '#666') {
      fixed = points ? { points, color } : null;
      draw();
    },
    /** fixed points drawn at the last draw, and those outside the view */
    get fixedDrawn() { return fixedDrawn; },
    get fixedOutside() { return fixedOutside; },
  };
}
