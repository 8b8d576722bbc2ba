// @ts-check
/* raster.js - the spike raster of a liquid state machine (cell 'lsm'): units (rows) against time
 * (columns), a dot where a unit spiked, read from the probe trace's gates (the LSM's one gate 's'
 * caches the spikes s_t, 0 or 1; core/cells/lsm.c). At most MAX_UNITS rows (the first units),
 * with the spike count per step drawn as a bar under them (the population rate).
 *
 *   const raster = createRaster(canvas, color);   raster.update(gates, T, H);   raster.spikes
 * Colours: --fg the spikes, --c-train the population rate.
 */
import { fitCanvas } from './canvas.js';

const MAX_UNITS = 100;

/** @param {HTMLCanvasElement} canvas @param {(name: string) => string} color */
export function createRaster(canvas, color) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  let draws = 0, spikes = 0;

  return {
    /**
     * @param {Float32Array} gates (T x H) step-major, 1 where a unit spiked
     * @param {number} T @param {number} H
     */
    update(gates, T, H) {
      const { w, h, dpr } = fitCanvas(canvas);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const U = Math.min(H, MAX_UNITS), L = 30, top = 16, rateH = 24, B = 16;
      const cw = (w - L - 4) / Math.max(T, 1), rh = (h - top - rateH - B) / Math.max(U, 1);
      const muted = color('--muted') || '#666';
      ctx.fillStyle = color('--fg') || '#1b1f24';
      const counts = new Array(T).fill(0);
      spikes = 0;
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) {
          if (!(gates[t * H + j] > 0.5)) continue;
          counts[t]++; spikes++;
          if (j < U) ctx.fillRect(L + t * cw, top + j * rh, Math.max(1.5, cw * 0.8), Math.max(1.5, rh * 0.8));
        }
      }
      // the population rate: spikes per step over all H units
      const maxC = Math.max(1, ...counts), base = h - B;
      ctx.fillStyle = color('--c-train') || '#2f6fb0';
      for (let t = 0; t < T; t++) {
        const bh = (rateH - 4) * (counts[t] / maxC);
        ctx.fillRect(L + t * cw, base - bh, Math.max(1, cw * 0.8), bh);
      }
      ctx.fillStyle = muted; ctx.font = '10px system-ui, sans-serif';
      ctx.textAlign = 'right'; ctx.textBaseline = 'top';
      ctx.fillText('unit 0', L - 3, top);
      ctx.fillText(String(U - 1), L - 3, top + (U - 1) * rh);
      ctx.textBaseline = 'bottom'; ctx.fillText('rate', L - 3, base);
      ctx.textAlign = 'left'; ctx.textBaseline = 'top';
      ctx.fillText(`${spikes} spikes over ${T} steps × ${H} units (${((100 * spikes) / Math.max(1, T * H)).toFixed(1)}%)${H > U ? `, the first ${U} units drawn` : ''}`, L, 2);
      ctx.textAlign = 'right'; ctx.fillText('step →', w - 4, h - B + 3);
      draws++;
    },
    get draws() { return draws; },
    get spikes() { return spikes; },
  };
}
