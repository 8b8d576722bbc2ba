// @ts-check
/* heatmap.js - one units x steps heatmap (a gate, the cell state or the hidden state) on a canvas.
 *
 *   const hm = createHeatmap(parent, { title: 'f  forget gate', range: [0, 1] });
 *   hm.update(values, T, H, symbols);   // values[t*H + j]; symbols[t] = the input symbol at step t
 *   hm.update(values, T, H, symbols, S); // an encoder-decoder: steps 0..S-1 the encoder's, then the
 *                                        // decoder's, with a line between them
 * Pixels go through ImageData (one pixel per cell, scaled up without smoothing). Hovering shows
 * the value, the unit, the step and the input symbol. range: [0, 1] (sigmoid gates, white->dark)
 * or 'signed' (symmetric about 0, blue-white-orange, scaled to max |value| but at least 1).
 */

import { fitCanvas, showTip } from './canvas.js';
import { gateColor, signedColor } from './colors.js';

/**
 * @param {HTMLElement} parent
 * @param {{ title: string, range: [number, number] | 'signed', tooltip: HTMLElement }} opts
 */
export function createHeatmap(parent, opts) {
  const box = document.createElement('figure');
  box.className = 'heatmap';
  const cap = document.createElement('figcaption');
  cap.textContent = opts.title;
  const canvas = document.createElement('canvas');
  box.append(cap, canvas);
  parent.append(box);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const cell = document.createElement('canvas'); // T x H, one pixel per value
  const cctx = /** @type {CanvasRenderingContext2D} */ (cell.getContext('2d'));
  /** @type {{ values: Float32Array, T: number, H: number, symbols: string[], scale: number, split: number | null } | null} */
  let last = null;
  let updates = 0;

  /** @param {number} v @param {number} scale @returns {[number, number, number]} */
  function color(v, scale) {
    if (opts.range === 'signed') return signedColor(v / scale); // orange (+) / white (0) / blue (-)
    const [lo, hi] = opts.range;
    return gateColor((v - lo) / (hi - lo)); // white -> deep teal-blue
  }

  function draw() {
    if (!last) return;
    const { values, T, H, scale } = last;
    if (cell.width !== T || cell.height !== H) { cell.width = T; cell.height = H; }
    const img = cctx.createImageData(T, H);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < H; j++) {
        const [r, g, b] = color(values[t * H + j], scale);
        const k = (j * T + t) * 4;
        img.data[k] = r; img.data[k + 1] = g; img.data[k + 2] = b; img.data[k + 3] = 255;
      }
    }
    cctx.putImageData(img, 0, 0);
    const { dpr } = fitCanvas(canvas);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(cell, 0, 0, canvas.width, canvas.height);
    if (last.split) {
      // encoder | decoder: a near-black line on a white halo, so it reads on every cell colour
      // (the palettes are light in both colour schemes)
      const x = Math.round((last.split / T) * canvas.width);
      ctx.fillStyle = '#fff';
      ctx.fillRect(x - 2 * dpr, 0, 4 * dpr, canvas.height);
      ctx.fillStyle = '#1b1f24';
      ctx.fillRect(x - dpr, 0, 2 * dpr, canvas.height);
    }
  }

  canvas.addEventListener('mousemove', (e) => {
    if (!last) return;
    const r = canvas.getBoundingClientRect();
    const t = Math.min(last.T - 1, Math.floor(((e.clientX - r.left) / r.width) * last.T));
    const j = Math.min(last.H - 1, Math.floor(((e.clientY - r.top) / r.height) * last.H));
    const v = last.values[t * last.H + j];
    const where = last.split === null ? `step ${t}` : t < last.split ? `encoder step ${t}` : `decoder step ${t - last.split}`;
    showTip(opts.tooltip, `${opts.title.split(' ')[0]}: unit ${j}, ${where}, input ${JSON.stringify(last.symbols[t] ?? '')}: ${v.toFixed(4)}`, e);
  });
  canvas.addEventListener('mouseleave', () => { opts.tooltip.hidden = true; });

  return {
    /**
     * @param {Float32Array} values (T*H, step-major) @param {number} T @param {number} H @param {string[]} symbols
     * @param {number | null} [split] the first decoder step of an encoder-decoder's trace
     */
    update(values, T, H, symbols, split = null) {
      let scale = 1;
      if (opts.range === 'signed') for (const v of values) scale = Math.max(scale, Math.abs(v));
      last = { values, T, H, symbols, scale, split: split || null };
      updates++;
      draw();
    },
    get updates() { return updates; },
    canvas,
    remove() { box.remove(); },
  };
}
