// @ts-check
/* gradbars.js - the gradient flowing back in time: one bar per step of |dLoss/dh_t|, log scale.
 *
 *   const bars = createGradBars(canvas, tooltip);  bars.update(gradNorm, symbols);
 *   bars.update(gradNorm, symbols, S);   // an encoder-decoder: the encoder's S steps, then the decoder's
 */

import { fitCanvas, showTip } from './canvas.js';

/** @param {HTMLCanvasElement} canvas @param {HTMLElement} tooltip */
export function createGradBars(canvas, tooltip) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {{ g: Float32Array, symbols: string[], split: number | null } | null} */
  let last = null;
  const LO = -8; // log10 floor

  function draw() {
    if (!last) return;
    const { g } = last;
    const { w, h, dpr } = fitCanvas(canvas);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    // log scale from a decade under the smallest value to the largest (at most 8 decades)
    let mn = Infinity, mx = 0;
    for (const v of g) if (v > 0) { mn = Math.min(mn, v); mx = Math.max(mx, v); }
    const hi = mx > 0 ? Math.log10(mx) : 0;
    const lo = mx > 0 ? Math.max(hi - 8, Math.log10(mn) - 1) : LO;
    const bw = w / g.length;
    ctx.fillStyle = getComputedStyle(canvas).getPropertyValue('--accent').trim() || '#c0392b';
    for (let t = 0; t < g.length; t++) {
      const v = g[t] > 0 ? (Math.log10(g[t]) - lo) / (hi - lo) : 0;
      const bh = Math.max(0, Math.min(1, v)) * (h - 2);
      ctx.fillRect(t * bw + 0.5, h - bh, Math.max(1, bw - 1), bh);
    }
    const style = getComputedStyle(canvas);
    const muted = style.getPropertyValue('--muted').trim() || '#666';
    ctx.font = '11px system-ui, sans-serif';
    if (last.split) {
      // encoder | decoder: the encoder's bars are what reaches it back through the context
      const x = Math.round(last.split * bw);
      ctx.fillStyle = style.color || '#000';
      ctx.fillRect(x - 1, 0, 2, h);
      ctx.textAlign = 'left'; ctx.textBaseline = 'top';
      for (const [text, at] of [['encoder', 4], ['decoder', x + 5]]) {
        const tw = ctx.measureText(/** @type {string} */ (text)).width;
        ctx.fillStyle = style.getPropertyValue('--panel').trim() || '#fff';
        ctx.fillRect(/** @type {number} */ (at) - 2, 2, tw + 4, 14);
        ctx.fillStyle = muted;
        ctx.fillText(/** @type {string} */ (text), /** @type {number} */ (at), 3);
      }
    }
    if (mx > 0) {
      ctx.font = '11px system-ui, sans-serif';
      ctx.textAlign = 'right'; ctx.textBaseline = 'top';
      const label = `max ${mx.toExponential(1)}  min ${mn.toExponential(1)}`;
      const tw = ctx.measureText(label).width;
      ctx.fillStyle = style.getPropertyValue('--panel').trim() || '#fff';
      ctx.fillRect(w - tw - 8, 2, tw + 6, 14);
      ctx.fillStyle = muted;
      ctx.fillText(label, w - 4, 3);
    }
  }

  canvas.addEventListener('mousemove', (e) => {
    if (!last) return;
    const r = canvas.getBoundingClientRect();
    const t = Math.min(last.g.length - 1, Math.floor(((e.clientX - r.left) / r.width) * last.g.length));
    const sp = last.split;
    const where = sp === null ? `step ${t}` : t < sp ? `encoder step ${t}` : `decoder step ${t - sp}`;
    showTip(tooltip, `|dL/dh| ${where}, input ${JSON.stringify(last.symbols[t] ?? '')}: ${last.g[t].toExponential(3)}`, e);
  });
  canvas.addEventListener('mouseleave', () => { tooltip.hidden = true; });

  return {
    /** @param {Float32Array} gradNorm one per step @param {string[]} symbols @param {number | null} [split] */
    update(gradNorm, symbols, split = null) { last = { g: gradNorm, symbols, split: split || null }; draw(); },
  };
}
