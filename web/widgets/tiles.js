// @ts-check
/* tiles.js - many small images in one canvas: an RBM's filters (each hidden unit's weights to
 * the visible units, as the visible layer's picture), its Gibbs samples and reconstructions, a
 * data set, a Hopfield net's stored memories.
 *
 *   const t = createTiles(parent, { label: 'filters', kind: 'signed', tooltip, onPick });
 *   t.update(values, count, width, height, { columns, names });   // values[i*width*height + y*width + x]
 * kind: 'signed' (each tile scaled to its largest |value|: blue - white - orange, as every
 * weight on the page), 'unit' (values in [0, 1]: probabilities or 0/1 pixels, light -> dark) or
 * 'spin' (+-1: +1 dark, -1 light). onPick(i): a click (or Enter on the focused canvas, arrows
 * move) on tile i. Hover names the tile (names[i]) and the pixel's value.
 */
import { fitCanvas, showTip } from './canvas.js';
import { signedColor } from './colors.js';

/**
 * @typedef {{ label: string, kind: 'signed' | 'unit' | 'spin', tooltip: HTMLElement, onPick?: (i: number) => void,
 *   tile?: number, gap?: number }} TilesOptions  tile: the largest tile side in CSS pixels (default 48)
 */

/** light -> dark for a value in [0, 1] (a pixel that is on reads dark, as ink) @param {number} x @returns {[number, number, number]} */
export function inkColor(x) {
  x = Math.max(0, Math.min(1, x));
  return [248 - 220 * x, 248 - 212 * x, 246 - 196 * x];
}

/** @param {HTMLElement} parent @param {TilesOptions} opts */
export function createTiles(parent, opts) {
  const canvas = document.createElement('canvas');
  canvas.className = 'tiles';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', opts.label);
  if (opts.onPick) { canvas.tabIndex = 0; canvas.classList.add('pick'); canvas.setAttribute('role', 'listbox'); }
  parent.append(canvas);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const gap = opts.gap ?? 4;
  /** @type {{ values: Float32Array, count: number, width: number, height: number, columns: number, side: number,
   *   names: string[], scales: number[] } | null} */
  let last = null;
  let draws = 0, focus = 0;
  /** @type {number | null} */
  let selected = null;

  /** @param {number} v @param {number} scale @returns {[number, number, number]} */
  function color(v, scale) {
    if (opts.kind === 'signed') return signedColor(v / scale);
    if (opts.kind === 'spin') return inkColor((v + 1) / 2);
    return inkColor(v);
  }

  function draw() {
    if (!last) return;
    draws++;
    const { values, count, width, height, columns, side, scales } = last;
    const rows = Math.ceil(count / columns);
    const cw = side * width / Math.max(width, height), ch = side * height / Math.max(width, height);
    const cssW = columns * (cw + gap) - gap + 2, cssH = Math.max(1, rows * (ch + gap) - gap + 2);
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    const { dpr } = fitCanvas(canvas, cssW, cssH);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const img = new ImageData(width, height);
    const tmp = new OffscreenCanvas(width, height);
    const tctx = /** @type {OffscreenCanvasRenderingContext2D} */ (tmp.getContext('2d'));
    ctx.imageSmoothingEnabled = false;
    const border = getComputedStyle(canvas).getPropertyValue('--rule').trim() || '#ccc';
    const mark = getComputedStyle(canvas).getPropertyValue('--focus').trim() || '#2f6fb0';
    for (let i = 0; i < count; i++) {
      const base = i * width * height;
      for (let p = 0; p < width * height; p++) {
        const [r, g, b] = color(values[base + p], scales[i]);
        img.data[4 * p] = r; img.data[4 * p + 1] = g; img.data[4 * p + 2] = b; img.data[4 * p + 3] = 255;
      }
      tctx.putImageData(img, 0, 0);
      const x = (1 + (i % columns) * (cw + gap)) * dpr, y = (1 + Math.floor(i / columns) * (ch + gap)) * dpr;
      ctx.drawImage(tmp, x, y, cw * dpr, ch * dpr);
      ctx.strokeStyle = i === selected ? mark : border;
      ctx.lineWidth = (i === selected ? 2 : 1) * dpr;
      ctx.strokeRect(x - 0.5 * dpr, y - 0.5 * dpr, cw * dpr + dpr, ch * dpr + dpr);
    }
  }

  /** the tile and pixel under a pointer, or null @param {MouseEvent} e */
  function at(e) {
    if (!last) return null;
    const r = canvas.getBoundingClientRect();
    const { width, height, columns, side, count } = last;
    const cw = side * width / Math.max(width, height), ch = side * height / Math.max(width, height);
    const mx = e.clientX - r.left - 1, my = e.clientY - r.top - 1;
    const col = Math.floor(mx / (cw + gap)), row = Math.floor(my / (ch + gap));
    const i = row * columns + col;
    if (col < 0 || col >= columns || i < 0 || i >= count) return null;
    const px = Math.floor(((mx - col * (cw + gap)) / cw) * width), py = Math.floor(((my - row * (ch + gap)) / ch) * height);
    if (px < 0 || px >= width || py < 0 || py >= height) return { i, p: -1 };
    return { i, p: py * width + px };
  }
  canvas.addEventListener('mousemove', (e) => {
    const hit = at(e);
    if (!hit || !last) { opts.tooltip.hidden = true; return; }
    const name = last.names[hit.i] ?? `${hit.i}`;
    const v = hit.p >= 0 ? last.values[hit.i * last.width * last.height + hit.p] : null;
    const where = hit.p >= 0 ? `, pixel (${hit.p % last.width}, ${Math.floor(hit.p / last.width)}): ${(/** @type {number} */ (v)).toFixed(3)}` : '';
    showTip(opts.tooltip, `${name}${where}${opts.onPick ? ' (click to use it)' : ''}`, e);
  });
  canvas.addEventListener('mouseleave', () => { opts.tooltip.hidden = true; });
  canvas.addEventListener('click', (e) => {
    const hit = at(e);
    if (hit && opts.onPick) opts.onPick(hit.i);
  });
  canvas.addEventListener('keydown', (e) => {
    if (!last || !opts.onPick || !last.count) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') focus = Math.min(last.count - 1, focus + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') focus = Math.max(0, focus - 1);
    else if (e.key === 'Enter' || e.key === ' ') opts.onPick(focus);
    else return;
    e.preventDefault();
    selected = focus;
    draw();
  });

  return {
    /**
     * @param {ArrayLike<number>} values count tiles of width x height, row-major, tile after tile
     * @param {number} count @param {number} width @param {number} height
     * @param {{ columns?: number, names?: string[], side?: number }} [o] columns (default: all in one row up to 16)
     */
    update(values, count, width, height, o = {}) {
      const v = Float32Array.from(values);
      const scales = [];
      for (let i = 0; i < count; i++) {
        let s = 1e-6;
        if (opts.kind === 'signed') for (let p = 0; p < width * height; p++) s = Math.max(s, Math.abs(v[i * width * height + p]));
        scales.push(s);
      }
      const columns = Math.max(1, Math.min(count, o.columns ?? 16));
      last = { values: v, count, width, height, columns, side: o.side ?? opts.tile ?? 48, names: o.names ?? [], scales };
      if (selected !== null && selected >= count) selected = null;
      draw();
    },
    /** the tile drawn with a ring (the one in use), or null @param {number | null} i */
    select(i) { selected = i; if (i !== null) focus = i; draw(); },
    get draws() { return draws; },
    canvas,
  };
}
