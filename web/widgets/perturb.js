// @ts-check
/* perturb.js - the perturbation plot of a dynamics run: the distance between two trajectories
 * of the model's constant-input dynamics that start 1e-5 apart (model.lyapunov's divergence), on
 * a log scale against the step, with the line of the estimated largest exponent through the first
 * distance, d_0 e^(lambda t), and its value. A positive exponent: nearby states separate
 * (chaos); negative: they converge onto an attractor.
 *
 *   const plot = createPerturb(canvas, color);   plot.update(part.perturb);   plot.draws
 * Colours: --c-train the distance, --accent the exponent's line, --muted the axes.
 */
import { fitCanvas } from './canvas.js';

/** distances below this are drawn at it (a collapsed tangent reaches exactly 0) */
const FLOOR = 1e-12;

/** @param {HTMLCanvasElement} canvas @param {(name: string) => string} color */
export function createPerturb(canvas, color) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {{ exponent: number | null, divergence: number[], error: string | null } | null} */
  let last = null;
  let draws = 0;

  function draw() {
    if (!last) return;
    const { w, h, dpr } = fitCanvas(canvas);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const muted = color('--muted') || '#666';
    ctx.font = '11px system-ui, sans-serif';
    // trajectories that meet (the distance reaches 0 in float32) end the curve a few steps later
    const all = last.divergence;
    let end = all.length;
    while (end > 10 && !(all[end - 1] > FLOOR)) end--;
    end = Math.min(all.length, end + 5);
    const d = all.slice(0, end).map((v) => Math.log10(Math.max(v, FLOOR)));
    if (d.length < 2) {
      ctx.fillStyle = muted; ctx.textAlign = 'left'; ctx.textBaseline = 'top';
      ctx.fillText(last.error ?? 'no divergence curve', 4, 4);
      draws++;
      return;
    }
    const n = d.length - 1, lam = last.exponent;
    const fit = lam !== null && Number.isFinite(lam) ? d.map((_, t) => d[0] + (lam * t) / Math.LN10) : null;
    let lo = Math.floor(Math.min(...d)), hi = Math.ceil(Math.max(...d));
    if (hi - lo < 2) { lo -= 1; hi += 1; }
    const L = 38, R = 8, T = 18, B = 22;
    const X = (/** @type {number} */ t) => L + ((w - L - R) * t) / n;
    const Y = (/** @type {number} */ v) => T + ((h - T - B) * (hi - Math.max(lo, Math.min(hi, v)))) / (hi - lo);
    // axes: a tick per decade (every other when crowded)
    ctx.strokeStyle = muted; ctx.fillStyle = muted; ctx.lineWidth = 1;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    const every = hi - lo > 8 ? 2 : 1;
    for (let e = lo; e <= hi; e += every) {
      ctx.globalAlpha = 0.25; ctx.beginPath(); ctx.moveTo(L, Y(e)); ctx.lineTo(w - R, Y(e)); ctx.stroke();
      ctx.globalAlpha = 1; ctx.fillText(`1e${e}`, L - 3, Y(e));
    }
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (const t of [0, Math.round(n / 2), n]) ctx.fillText(t === n ? `${t} steps` : String(t), Math.min(X(t), w - R - 18), h - B + 4);
    // the exponent's line, then the distance
    if (fit) {
      ctx.strokeStyle = color('--accent') || '#c0392b'; ctx.setLineDash([5, 4]); ctx.lineWidth = 1.5;
      ctx.beginPath();
      fit.forEach((v, t) => (t ? ctx.lineTo(X(t), Y(v)) : ctx.moveTo(X(t), Y(v))));
      ctx.stroke(); ctx.setLineDash([]);
    }
    ctx.strokeStyle = color('--c-train') || '#2f6fb0'; ctx.lineWidth = 2;
    ctx.beginPath();
    d.forEach((v, t) => (t ? ctx.lineTo(X(t), Y(v)) : ctx.moveTo(X(t), Y(v))));
    ctx.stroke();
    ctx.fillStyle = muted; ctx.textAlign = 'left'; ctx.textBaseline = 'top';
    ctx.fillText(lam === null ? 'λ: –' : `λ = ${Number.isFinite(lam) ? lam.toFixed(3) : '−∞'} per step`, L + 2, 3);
    draws++;
  }

  return {
    /** @param {any} part the snapshot's dynamics.perturb */
    update(part) { last = part; if (part) draw(); },
    get draws() { return draws; },
  };
}

/** @param {number | null} lam */
export function exponentText(lam) {
  if (lam === null) return 'largest Lyapunov exponent: –';
  if (!Number.isFinite(lam)) return 'largest Lyapunov exponent: −∞ (the trajectories meet)';
  return `largest Lyapunov exponent λ = ${lam.toFixed(3)} per step (dashed: d₀ e^(λt)): ${lam > 0 ? 'nearby states separate' : 'nearby states converge'}`;
}
