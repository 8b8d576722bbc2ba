// @ts-check
/* lattice.js - an Ising lattice of +-1 spins on a canvas, one pixel per spin scaled up without
 * smoothing: up spins dark, down spins light, so ordered domains read as patches.
 *
 *   const lat = createLattice(parent, { label: 'the lattice', tooltip });
 *   lat.update(spins, side);   // Int8Array (or any +-1 array) side x side, row-major
 * Hovering names the spin and its row and column.
 */
import { fitCanvas, showTip } from './canvas.js';
import { inkColor } from './tiles.js';

/** @param {HTMLElement} parent @param {{ label: string, tooltip: HTMLElement }} opts */
export function createLattice(parent, opts) {
  const canvas = document.createElement('canvas');
  canvas.className = 'lattice';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', opts.label);
  parent.append(canvas);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const cells = document.createElement('canvas');
  const cctx = /** @type {CanvasRenderingContext2D} */ (cells.getContext('2d'));
  const up = inkColor(0.92), down = inkColor(0.04);
  /** @type {{ spins: Int8Array, side: number } | null} */
  let last = null;
  let draws = 0;

  function draw() {
    if (!last) return;
    draws++;
    const { spins, side } = last;
    if (cells.width !== side) { cells.width = side; cells.height = side; }
    const img = cctx.createImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const c = spins[i] > 0 ? up : down;
      img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
    }
    cctx.putImageData(img, 0, 0);
    fitCanvas(canvas);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
  }
  new ResizeObserver(draw).observe(canvas);

  canvas.addEventListener('mousemove', (e) => {
    if (!last) return;
    const r = canvas.getBoundingClientRect();
    const x = Math.min(last.side - 1, Math.floor(((e.clientX - r.left) / r.width) * last.side));
    const y = Math.min(last.side - 1, Math.floor(((e.clientY - r.top) / r.height) * last.side));
    showTip(opts.tooltip, `spin (row ${y}, column ${x}): ${last.spins[y * last.side + x] > 0 ? 'up, +1' : 'down, −1'}`, e);
  });
  canvas.addEventListener('mouseleave', () => { opts.tooltip.hidden = true; });

  return {
    /** @param {ArrayLike<number>} spins +-1, side x side @param {number} side */
    update(spins, side) {
      last = { spins: Int8Array.from(spins), side };
      draw();
    },
    get draws() { return draws; },
    canvas,
  };
}
