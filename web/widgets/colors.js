// @ts-check
/* colors.js - the two colour maps every heatmap-like widget shares (heatmap.js, celldiagram.js,
 * weights.js), so a gate or a weight reads the same colour everywhere:
 *
 *   gateColor(x)    x in [0, 1] (a sigmoid gate): white -> deep teal-blue
 *   signedColor(x)  x in [-1, 1] (already divided by its scale): blue - white (0) - orange
 *   rgb(c)          'rgb(r,g,b)' for a canvas fill;  ink(c)  a text colour that reads on c
 *
 * Inputs outside the range are clamped. Both palettes are light enough for dark text at the
 * middle and in both colour schemes.
 */

/** @param {number} x in [0, 1] @returns {[number, number, number]} */
export function gateColor(x) {
  x = Math.max(0, Math.min(1, x));
  return [255 - 225 * x, 255 - 170 * x, 255 - 105 * x];
}

/** @param {number} x in [-1, 1] @returns {[number, number, number]} */
export function signedColor(x) {
  x = Math.max(-1, Math.min(1, x));
  return x >= 0 ? [255 - 25 * x, 255 - 120 * x, 255 - 230 * x] : [255 + 215 * x, 255 + 130 * x, 255 + 35 * x];
}

/** @param {number[]} c @returns {string} */
export const rgb = (c) => `rgb(${c.map((v) => Math.round(v)).join(',')})`;

/** dark or white text, whichever reads on the fill c @param {number[]} c */
export const ink = (c) => (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 140 ? '#fff' : '#1b1f24');
