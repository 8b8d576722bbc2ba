// @ts-check
/* patterngrid.js - a grid of +-1 units to draw on: the Hopfield net's state, drawn with the mouse
 * (or a finger, or the keyboard), shown unit by unit while it recalls.
 *
 *   const grid = createPatternGrid(parent, { label: 'the network's state', tooltip, onDraw });
 *   grid.size(width, height);   grid.set(state);   grid.get();   // Float32Array of +-1, row-major
 *   grid.mark(unit, flipped);   // a ring on the unit being updated (null: none); flipped: it changed
 * Drawing: press on a unit to flip it, drag to paint the value it took; onDraw(state) after each
 * stroke. Keyboard: the arrows move a cursor, Space or Enter flips the unit under it.
 * +1 draws dark (ink), -1 light.
 */
import { fitCanvas, showTip } from './canvas.js';
import { inkColor } from './tiles.js';
import { rgb } from './colors.js';

/** @param {HTMLElement} parent @param {{ label: string, tooltip: HTMLElement, onDraw?: (state: Float32Array) => void }} opts */
export function createPatternGrid(parent, opts) {
  const canvas = document.createElement('canvas');
  canvas.className = 'pattern-grid';
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-label', `${opts.label}: press or drag to draw, arrows and Space from the keyboard`);
  parent.append(canvas);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  let W = 8, H = 8;
  let state = new Float32Array(W * H).fill(-1);
  /** @type {{ unit: number, flipped: boolean } | null} */
  let marked = null;
  let cursor = -1; // the keyboard's unit, -1 until the keyboard is used
  /** @type {number | null} the value a drag paints */
  let paint = null;
  let draws = 0;

  function draw() {
    draws++;
    const { w, h, dpr } = fitCanvas(canvas);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const cw = w / W, ch = h / H;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        ctx.fillStyle = rgb(inkColor((state[y * W + x] + 1) / 2));
        ctx.fillRect(x * cw, y * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
    const css = getComputedStyle(canvas);
    ctx.strokeStyle = css.getPropertyValue('--rule').trim() || '#ccc';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = 1; x < W; x++) { ctx.moveTo(Math.round(x * cw) + 0.5, 0); ctx.lineTo(Math.round(x * cw) + 0.5, h); }
    for (let y = 1; y < H; y++) { ctx.moveTo(0, Math.round(y * ch) + 0.5); ctx.lineTo(w, Math.round(y * ch) + 0.5); }
    ctx.stroke();
    const ring = (/** @type {number} */ u, /** @type {string} */ color, /** @type {number} */ width) => {
      ctx.strokeStyle = color; ctx.lineWidth = width;
      ctx.strokeRect((u % W) * cw + width / 2, Math.floor(u / W) * ch + width / 2, cw - width, ch - width);
    };
    if (marked) ring(marked.unit, marked.flipped ? css.getPropertyValue('--accent').trim() : css.getPropertyValue('--c-heldout').trim(), 3);
    if (cursor >= 0 && document.activeElement === canvas) ring(cursor, css.getPropertyValue('--focus').trim(), 2);
  }
  new ResizeObserver(draw).observe(canvas);

  /** the unit under a pointer @param {MouseEvent} e */
  function unitAt(e) {
    const r = canvas.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * W), y = Math.floor(((e.clientY - r.top) / r.height) * H);
    return x < 0 || y < 0 || x >= W || y >= H ? -1 : y * W + x;
  }
  canvas.addEventListener('pointerdown', (e) => {
    const u = unitAt(e);
    if (u < 0) return;
    canvas.setPointerCapture(e.pointerId);
    paint = -state[u];
    state[u] = paint;
    marked = null;
    draw();
  });
  canvas.addEventListener('pointermove', (e) => {
    const u = unitAt(e);
    if (u >= 0) showTip(opts.tooltip, `unit ${u} (row ${Math.floor(u / W)}, column ${u % W}): ${state[u] > 0 ? '+1' : '−1'}`, e);
    if (paint === null || u < 0 || state[u] === paint) return;
    state[u] = paint;
    draw();
  });
  const end = () => {
    if (paint === null) return;
    paint = null;
    opts.onDraw?.(state.slice());
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('mouseleave', () => { opts.tooltip.hidden = true; });
  canvas.addEventListener('keydown', (e) => {
    const moves = /** @type {Record<string, number>} */ ({ ArrowLeft: -1, ArrowRight: 1, ArrowUp: -W, ArrowDown: W });
    if (cursor < 0) cursor = 0;
    if (e.key in moves) {
      const next = cursor + moves[e.key];
      if (next >= 0 && next < W * H && !(Math.abs(moves[e.key]) === 1 && Math.floor(next / W) !== Math.floor(cursor / W))) cursor = next;
    } else if (e.key === ' ' || e.key === 'Enter') {
      state[cursor] = -state[cursor];
      opts.onDraw?.(state.slice());
    } else return;
    e.preventDefault();
    draw();
  });
  canvas.addEventListener('blur', draw);

  return {
    /** a new shape (the state is cleared to -1) @param {number} width @param {number} height */
    size(width, height) {
      if (width === W && height === H) return;
      W = width; H = height;
      state = new Float32Array(W * H).fill(-1);
      canvas.style.aspectRatio = `${W} / ${H}`;
      marked = null; cursor = -1;
      draw();
    },
    /** @param {ArrayLike<number>} s +-1 per unit */
    set(s) {
      for (let i = 0; i < W * H; i++) state[i] = s[i] > 0 ? 1 : -1;
      draw();
    },
    /** @returns {Float32Array} a copy of the state */
    get() { return state.slice(); },
    /** @param {number | null} unit @param {boolean} [flipped] */
    mark(unit, flipped = false) { marked = unit === null ? null : { unit, flipped }; draw(); },
    get width() { return W; },
    get height() { return H; },
    get draws() { return draws; },
    canvas,
  };
}
