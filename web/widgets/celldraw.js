// @ts-check
/* celldraw.js - the cell diagram's drawing primitives (celldiagram.js): a node (gate box, state
 * box, constant, fixed reservoir, junction) and a wire (polyline with an arrowhead and a label),
 * on a 2D context already scaled to the scene's logical 700 x 366 frame.
 * No state: what to draw comes from the scene (scenes/), the values from the diagram.
 */
import { gateColor, ink, rgb, signedColor } from './colors.js';
import { CONST } from './scenes/layout.js';

/** @typedef {import('./scenes/layout.js').Node} Node @typedef {import('./scenes/layout.js').Wire} Wire */

/**
 * One node at its value v (NaN: no trace yet, drawn unfilled): a box coloured by the gate map
 * (gates) or the signed map scaled by look.scale (look.cscale for the cell state / potential),
 * its label and value, or a junction circle.
 * @param {CanvasRenderingContext2D} ctx @param {Node} n @param {number} v
 * @param {{ fg: string, muted: string, panel: string, scale: number, cscale: number }} look
 */
export function drawNode(ctx, n, v, look) {
  const { fg, muted, panel } = look;
  ctx.save();
  ctx.lineWidth = 1.5;
  ctx.setLineDash(n.dashed ? [4, 3] : []);
  if (n.kind === 'junction') {
    ctx.beginPath();
    ctx.arc(n.x, n.y, 12, 0, 2 * Math.PI);
    ctx.fillStyle = panel; ctx.fill();
    ctx.strokeStyle = muted; ctx.stroke();
    ctx.fillStyle = fg;
    ctx.font = '600 16px system-ui, sans-serif';
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    ctx.fillText(n.label, n.x, n.y + 1);
    if (n.small) {
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillStyle = muted;
      ctx.textAlign = 'left';
      ctx.fillText(n.small, n.x + 15, n.y - 12);
    }
    ctx.restore();
    return;
  }
  const w = n.w ?? 62, h = n.h ?? 40;
  const x0 = n.x - w / 2, y0 = n.y - h / 2;
  /** @type {number[]} */
  let fill = [255, 255, 255];
  let hasFill = Number.isFinite(v);
  const cellNode = n.id === 'c' || n.id === 'cprev' || n.id === 'x' || n.id === 'xprev';
  if (hasFill) fill = n.kind === 'gate' ? gateColor(v) : signedColor(v / (cellNode ? look.cscale : look.scale));
  roundRect(ctx, x0, y0, w, h, n.kind === 'io' ? h / 2 : 7);
  if (n.kind === 'fixed') {
    ctx.fillStyle = panel; ctx.fill();
    ctx.save(); ctx.clip();
    ctx.strokeStyle = 'rgba(128,128,128,0.35)'; ctx.lineWidth = 1; ctx.setLineDash([]);
    for (let k = -h; k < w; k += 7) { ctx.beginPath(); ctx.moveTo(x0 + k, y0 + h); ctx.lineTo(x0 + k + h, y0); ctx.stroke(); }
    ctx.restore();
    roundRect(ctx, x0, y0, w, h, 7);
  } else {
    ctx.fillStyle = hasFill ? rgb(fill) : panel;
    ctx.fill();
  }
  ctx.strokeStyle = n.kind === 'const' || n.kind === 'fixed' ? CONST : n.kind === 'gate' || n.kind === 'signed' ? fg : muted;
  ctx.lineWidth = n.kind === 'gate' ? 1.8 : 1.3;
  ctx.stroke();
  ctx.setLineDash([]);
  const txt = hasFill ? ink(fill) : n.kind === 'const' || n.kind === 'fixed' ? CONST : fg;
  ctx.fillStyle = txt;
  ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  const big = n.kind === 'gate' || n.kind === 'signed' || n.kind === 'const' || n.kind === 'io';
  const line2 = [n.act, hasFill ? fmt(v) : ''].filter(Boolean).join('  ');
  if (line2 && h >= 34) {
    ctx.font = big ? 'italic 600 16px Georgia, "Times New Roman", serif' : '600 12px system-ui, sans-serif';
    ctx.fillText(n.label, n.x, n.y - 8);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(line2, n.x, n.y + 10);
  } else {
    ctx.font = big ? 'italic 600 16px Georgia, "Times New Roman", serif' : '600 12px system-ui, sans-serif';
    ctx.fillText(n.label, n.x, n.y + 1);
  }
  if (n.small) {
    ctx.font = '10.5px system-ui, sans-serif';
    ctx.fillStyle = n.kind === 'fixed' ? CONST : muted;
    ctx.fillText(n.small, n.x, y0 - 9);
  }
  ctx.restore();
}

/** @param {number} v */
function fmt(v) { return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2); }

/** @param {CanvasRenderingContext2D} ctx */
function roundRect(ctx, /** @type {number} */ x, /** @type {number} */ y, /** @type {number} */ w, /** @type {number} */ h, /** @type {number} */ r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/** @param {CanvasRenderingContext2D} ctx @param {Wire} w @param {string} color */
export function drawWire(ctx, w, color) {
  const p = w.pts;
  ctx.save();
  ctx.strokeStyle = color; ctx.fillStyle = color;
  ctx.lineWidth = w.width ?? 1.6;
  ctx.lineJoin = 'round';
  ctx.setLineDash(w.dashed ? [5, 4] : []);
  ctx.beginPath();
  ctx.moveTo(p[0][0], p[0][1]);
  for (let k = 1; k < p.length; k++) ctx.lineTo(p[k][0], p[k][1]);
  ctx.stroke();
  ctx.setLineDash([]);
  if (w.arrow !== false && p.length >= 2) {
    const [x1, y1] = p[p.length - 2], [x2, y2] = p[p.length - 1];
    const a = Math.atan2(y2 - y1, x2 - x1), L = 7;
    ctx.beginPath();
    ctx.moveTo(x2, y2);
    ctx.lineTo(x2 - L * Math.cos(a - 0.42), y2 - L * Math.sin(a - 0.42));
    ctx.lineTo(x2 - L * Math.cos(a + 0.42), y2 - L * Math.sin(a + 0.42));
    ctx.closePath();
    ctx.fill();
  }
  if (w.label) {
    ctx.font = '10.5px system-ui, sans-serif';
    ctx.textAlign = w.la ?? 'left'; ctx.textBaseline = 'middle';
    ctx.fillText(w.label, w.lx ?? p[0][0], w.ly ?? p[0][1]);
  }
  ctx.restore();
}
