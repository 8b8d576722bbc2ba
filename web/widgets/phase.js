// @ts-check
/* phase.js - the phase portrait of a dynamics run (families/dynamics.js, the part worker/dynparts.js
 * computes): the true trajectory and the model's closed-loop rollout after a warm-up from the
 * same start, with the valid-prediction time marked (a ring where the normalised error first
 * exceeds 0.4; for Lorenz the number in Lyapunov times). 2-D for two channels (van der Pol x vs x',
 * the limit cycle x vs y), 3-D for three (Lorenz), rotatable by dragging; one channel (Mackey-Glass)
 * is drawn against itself 17 steps earlier (a delay embedding).
 * Also the scatter of points in a cube (createCube: the flip-flop's memories, read out as 3 bits).
 *
 *   const phase = createPhase(canvas, color);   phase.update(part.phase);   phase.draws
 *   const cube = createCube(canvas, color);     cube.update(points);
 * Orthographic projection on a 2-D canvas, no library: yaw about the vertical axis (the third
 * channel), then pitch; the view angles are kept across updates. Colours from the page's CSS
 * variables (color(name)): --muted the warm-up, --c-train the truth, --c-heldout the rollout.
 */
import { fitCanvas } from './canvas.js';

/** the delay (samples) of the one-channel embedding: Mackey-Glass's tau 17 at a sample per time unit */
const EMBED_LAG = 17;

/**
 * Drag to rotate: yaw and pitch of a 3-D view, redrawn by redraw().
 * @param {HTMLCanvasElement} canvas @param {() => void} redraw
 */
function rotatable(canvas, redraw) {
  const view = { yaw: -0.6, pitch: 0.35, drags: 0 };
  /** @type {{ x: number, y: number } | null} */
  let from = null;
  canvas.addEventListener('pointerdown', (e) => { from = { x: e.clientX, y: e.clientY }; canvas.setPointerCapture?.(e.pointerId); });
  canvas.addEventListener('pointermove', (e) => {
    if (!from) return;
    view.yaw += (e.clientX - from.x) * 0.01;
    view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + (e.clientY - from.y) * 0.01));
    from = { x: e.clientX, y: e.clientY };
    view.drags++;
    redraw();
  });
  const end = () => { from = null; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return view;
}

/**
 * An orthographic projection of 3-D points: yaw about the third axis, then pitch, scaled so that
 * the box [lo, hi] fits the canvas.
 * @param {{ yaw: number, pitch: number }} view @param {number[]} lo @param {number[]} hi
 * @param {number} w @param {number} h @param {number} pad
 */
function projector(view, lo, hi, w, h, pad) {
  const c = lo.map((v, i) => (v + hi[i]) / 2);
  const r = Math.max(...lo.map((v, i) => (hi[i] - v) / 2), 1e-6);
  const cy = Math.cos(view.yaw), sy = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
  const s = (Math.min(w, h) / 2 - pad) / (r * Math.sqrt(3));
  /** @param {number} x @param {number} y @param {number} z @returns {[number, number]} */
  return (x, y, z) => {
    x -= c[0]; y -= c[1]; z -= c[2];
    const x1 = x * cy - y * sy, y1 = x * sy + y * cy;
    return [w / 2 + s * x1, h / 2 - s * (z * cp - y1 * sp)];
  };
}

/**
 * The points of a trajectory as 2-D or 3-D rows: D = 2 or 3 as they are, D = 1 embedded as
 * (x_t, x_{t-lag}), more than 3 channels: the first three.
 * @param {ArrayLike<number>} flat (n x D) @param {number} D @returns {number[][]}
 */
export function rowsOf(flat, D) {
  const n = Math.floor(flat.length / D), out = [];
  if (D === 1) { for (let t = EMBED_LAG; t < n; t++) out.push([flat[t], flat[t - EMBED_LAG]]); return out; }
  for (let t = 0; t < n; t++) out.push(Array.from({ length: Math.min(D, 3) }, (_, c) => flat[t * D + c]));
  return out;
}

/** @param {HTMLCanvasElement} canvas @param {(name: string) => string} color */
export function createPhase(canvas, color) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {any} */
  let last = null;
  let draws = 0;
  const view = rotatable(canvas, () => draw());

  function draw() {
    if (!last) return;
    const { w, h, dpr } = fitCanvas(canvas);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const muted = color('--muted') || '#666';
    const D = last.dim;
    // the embedding of one channel joins the warm-up to what follows, so the lag spans both
    const all = D === 1 ? [...last.warmup, ...last.truth] : null;
    const warm = D === 1 ? [] : rowsOf(last.warmup, D);
    const truth = D === 1 ? rowsOf(/** @type {number[]} */ (all), 1).slice(last.warmup.length - EMBED_LAG) : rowsOf(last.truth, D);
    const gen = last.generated
      ? (D === 1 ? rowsOf([...last.warmup, ...last.generated], 1).slice(last.warmup.length - EMBED_LAG) : rowsOf(last.generated, D))
      : [];
    const dims = truth[0]?.length ?? 2;
    const box = [...warm, ...truth];
    const lo = Array.from({ length: dims }, (_, c) => Math.min(...box.map((p) => p[c])));
    const hi = Array.from({ length: dims }, (_, c) => Math.max(...box.map((p) => p[c])));
    const pad = 18;
    /** @type {(p: number[]) => [number, number]} */
    let P;
    if (dims === 3) {
      // projected, then the projected box of the truth fitted to the canvas
      const proj = projector(view, lo, hi, w, h, pad);
      // (the axes too: they start at the box's low corner)
      const corner = [lo, [hi[0], lo[1], lo[2]], [lo[0], hi[1], lo[2]], [lo[0], lo[1], hi[2]]];
      const q = [...box, ...corner].map((p) => proj(p[0], p[1], p[2]));
      const qx = q.map((v) => v[0]), qy = q.map((v) => v[1]);
      const x0 = Math.min(...qx), x1 = Math.max(...qx), y0 = Math.min(...qy), y1 = Math.max(...qy);
      const k = Math.min((w - 2 * pad) / Math.max(x1 - x0, 1e-6), (h - 2 * pad) / Math.max(y1 - y0, 1e-6));
      const mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
      P = (p) => { const [x, y] = proj(p[0], p[1], p[2]); return [w / 2 + k * (x - mx), h / 2 + k * (y - my)]; };
    } else {
      const r = Math.max(hi[0] - lo[0], hi[1] - lo[1], 1e-6) / 2, cx = (lo[0] + hi[0]) / 2, cy = (lo[1] + hi[1]) / 2;
      const s = (Math.min(w, h) / 2 - pad) / r;
      P = (p) => [w / 2 + s * (p[0] - cx), h / 2 - s * (p[1] - cy)];
    }
    // the generated trajectory may leave the attractor's box: clip to the canvas
    const clip = (/** @type {[number, number]} */ q) => /** @type {[number, number]} */ ([Math.max(-w, Math.min(2 * w, q[0])), Math.max(-h, Math.min(2 * h, q[1]))]);
    const line = (/** @type {number[][]} */ pts, /** @type {string} */ c, /** @type {number} */ width, /** @type {number} */ alpha) => {
      if (pts.length < 2) return;
      ctx.strokeStyle = c; ctx.lineWidth = width; ctx.globalAlpha = alpha;
      ctx.beginPath();
      pts.forEach((p, i) => { const [x, y] = clip(P(p)); if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y); });
      ctx.stroke();
      ctx.globalAlpha = 1;
    };
    if (dims === 3) axes(ctx, P, lo, hi, muted, last.symbols);
    else {
      ctx.fillStyle = muted; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'right'; ctx.textBaseline = 'bottom';
      ctx.fillText(D === 1 ? `${last.symbols[0]}(t) →` : `${last.symbols[0]} →`, w - 4, h - 2);
      ctx.textAlign = 'left'; ctx.textBaseline = 'top';
      ctx.fillText(D === 1 ? `↑ ${last.symbols[0]}(t − ${EMBED_LAG})` : `↑ ${last.symbols[1]}`, 4, 18);
    }
    line(warm, muted, 1, 0.6);
    line(truth, color('--c-train') || '#2f6fb0', 1.5, 0.9);
    const valid = Math.min(last.validSteps, gen.length);
    line(gen.slice(0, valid + 1), color('--c-heldout') || '#e07b00', 2, 1);
    line(gen.slice(valid), color('--c-heldout') || '#e07b00', 1, 0.45);
    // the start of the rollout, and where it stops being valid
    if (truth.length) {
      const [x, y] = P(truth[0]);
      ctx.fillStyle = muted; ctx.beginPath(); ctx.arc(x, y, 3, 0, 2 * Math.PI); ctx.fill();
    }
    if (gen.length && valid < gen.length) {
      const [x, y] = clip(P(gen[valid]));
      ctx.strokeStyle = color('--accent') || '#c0392b'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI); ctx.stroke();
      const [tx, ty] = P(truth[valid]);
      ctx.fillStyle = color('--accent') || '#c0392b'; ctx.beginPath(); ctx.arc(tx, ty, 3, 0, 2 * Math.PI); ctx.fill();
    }
    draws++;
  }

  return {
    /** @param {any} part the snapshot's dynamics.phase (null: the task has no closed loop) */
    update(part) { last = part; if (part) draw(); },
    redraw: draw,
    get draws() { return draws; },
    get view() { return view; },
  };
}

/** The valid-time line. @param {any} p */
export function validText(p) {
  if (!p.generated) return `no rollout: ${p.error ?? 'the model diverged'}`;
  const n = p.truth.length / p.dim;
  const lt = p.lyapunovTimes === null ? '' : ` = ${p.lyapunovTimes.toFixed(2)} Lyapunov times`;
  return p.validSteps >= n ? `valid for all ${n} generated steps${lt}` : `valid for ${p.validSteps} steps${lt} (error > 0.4 at the ring)`;
}

/**
 * The three axes from the box's low corner, labelled.
 * @param {CanvasRenderingContext2D} ctx @param {(p: number[]) => [number, number]} P
 * @param {number[]} lo @param {number[]} hi @param {string} muted @param {string[]} names
 */
function axes(ctx, P, lo, hi, muted, names) {
  ctx.strokeStyle = muted; ctx.fillStyle = muted; ctx.lineWidth = 1; ctx.globalAlpha = 0.5;
  ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  const o = P(lo);
  for (let c = 0; c < 3; c++) {
    const end = lo.slice(); end[c] = hi[c];
    const e = P(end);
    ctx.beginPath(); ctx.moveTo(o[0], o[1]); ctx.lineTo(e[0], e[1]); ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillText(names[c] ?? String(c), e[0] + (e[0] - o[0]) * 0.06, e[1] + (e[1] - o[1]) * 0.06);
    ctx.globalAlpha = 0.5;
  }
  ctx.globalAlpha = 1;
}

/** the colour of a fixed point's type @param {(name: string) => string} color @param {string} type */
export function typeColor(color, type) {
  return type === 'stable' ? color('--c-metric') || '#2a9d5c' : type === 'saddle' ? color('--c-heldout') || '#e07b00'
    : type === 'unstable' ? color('--accent') || '#c0392b' : color('--muted') || '#666';
}

/**
 * Points in the cube [-1, 1]^3, rotatable (the flip-flop's fixed points, read out as 3 bits:
 * each stable one near a corner is a memory).
 * @param {HTMLCanvasElement} canvas @param {(name: string) => string} color
 */
export function createCube(canvas, color) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {{ at: number[], type: string }[] | null} */
  let last = null;
  let draws = 0;
  const view = rotatable(canvas, () => draw());

  function draw() {
    if (!last) return;
    const { w, h, dpr } = fitCanvas(canvas);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const muted = color('--muted') || '#666';
    const P = projector(view, [-1, -1, -1], [1, 1, 1], w, h, 14);
    // the cube's edges, and its corners' bit patterns
    ctx.strokeStyle = muted; ctx.globalAlpha = 0.4; ctx.lineWidth = 1;
    const corners = [];
    for (let k = 0; k < 8; k++) corners.push([(k & 1) ? 1 : -1, (k & 2) ? 1 : -1, (k & 4) ? 1 : -1]);
    ctx.beginPath();
    for (let a = 0; a < 8; a++) {
      for (let b = a + 1; b < 8; b++) {
        const d = a ^ b;
        if (d !== 1 && d !== 2 && d !== 4) continue;
        const [x0, y0] = P(corners[a][0], corners[a][1], corners[a][2]), [x1, y1] = P(corners[b][0], corners[b][1], corners[b][2]);
        ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
      }
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillStyle = muted; ctx.font = '10px ui-monospace, monospace'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    for (const c of corners) {
      const [x, y] = P(c[0] * 1.18, c[1] * 1.18, c[2] * 1.18);
      ctx.fillText(c.map((v) => (v > 0 ? '+' : '−')).join(''), x, y);
    }
    // saddles first, the stable points on top
    const order = [...last].sort((a, b) => (a.type === 'stable' ? 1 : 0) - (b.type === 'stable' ? 1 : 0));
    for (const p of order) {
      const q = p.at.map((v) => Math.max(-1.3, Math.min(1.3, v)));
      const [x, y] = P(q[0], q[1], q[2]);
      ctx.fillStyle = typeColor(color, p.type);
      ctx.beginPath(); ctx.arc(x, y, p.type === 'stable' ? 5 : 3, 0, 2 * Math.PI); ctx.fill();
    }
    draws++;
  }

  return {
    /** @param {{ at: number[], type: string }[] | null} points */
    update(points) { last = points; if (points) draw(); },
    get draws() { return draws; },
  };
}
