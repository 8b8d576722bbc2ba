// @ts-check
/* canvas.js - what the canvas widgets share (heatmap, gradbars, pca, celldiagram, weights):
 *
 *   const { w, h, dpr } = fitCanvas(canvas);   // backing store = CSS box x devicePixelRatio
 *   showTip(tooltip, text, e);                 // the hover tooltip, by the pointer, kept on screen
 *   const { root, head, sub } = widgetFrame('cd', 'Cell, live');   // <section> + title + subtitle
 *   const { label, select } = labelledSelect('layer ', 'cd-layer'); // a <select> in its <label>
 *   [layer, direction] = fillLayerSelect(label, select, L, D, [layer, direction]);
 *
 * No drawing and no state: each widget keeps its own context, scales, controls and listeners.
 */

/**
 * Sizes a canvas's backing store to w x h CSS pixels times the device pixel ratio, so lines stay
 * sharp on a high-density screen. Only a change of size is written: setting width or height
 * clears the canvas and reallocates it, even to the same value.
 * @param {HTMLCanvasElement} canvas
 * @param {number} [w] CSS width (default: its laid-out width)
 * @param {number} [h] CSS height (default: its laid-out height)
 * @returns {{ w: number, h: number, dpr: number }} the CSS size and the ratio used
 */
export function fitCanvas(canvas, w = canvas.clientWidth, h = canvas.clientHeight) {
  const dpr = window.devicePixelRatio || 1;
  const pw = Math.round(w * dpr), ph = Math.round(h * dpr);
  if (canvas.width !== pw || canvas.height !== ph) { canvas.width = pw; canvas.height = ph; }
  return { w, h, dpr };
}

/**
 * Shows the tooltip element with text (plain text), offset px below and right of the pointer, and
 * kept 4 px inside the window's right edge. The caller hides it (tip.hidden = true) on mouseleave.
 * @param {HTMLElement} tip @param {string} text @param {MouseEvent} e @param {number} [offset]
 */
export function showTip(tip, text, e, offset = 12) {
  tip.textContent = text;
  tip.hidden = false;
  tip.style.left = `${Math.max(4, Math.min(e.clientX + offset, window.innerWidth - tip.offsetWidth - 4))}px`;
  tip.style.top = `${e.clientY + offset}px`;
}

/**
 * A widget's frame: <section class="P-root"> for the caller to fill, and its head
 * <div class="P-head"><h3 class="P-title">title <span class="P-sub"></span></h3></div>, not yet
 * appended, so the caller can add its controls to the head and order the parts.
 * @param {string} prefix the widget's class prefix ('cd', 'wv') @param {string} title plain text
 * @returns {{ root: HTMLElement, head: HTMLDivElement, title: HTMLHeadingElement, sub: HTMLSpanElement }}
 *   sub: the subtitle, for the widget to fill as it redraws
 */
export function widgetFrame(prefix, title) {
  const root = document.createElement('section');
  root.className = `${prefix}-root`;
  const head = document.createElement('div');
  head.className = `${prefix}-head`;
  const h3 = document.createElement('h3');
  h3.className = `${prefix}-title`;
  h3.textContent = title;
  const sub = document.createElement('span');
  sub.className = `${prefix}-sub`;
  h3.append(' ', sub);
  return { root, head, title: h3, sub };
}

/**
 * An empty <select name=name> inside a <label> that reads text (its accessible name).
 * @param {string} text @param {string} name
 * @returns {{ label: HTMLLabelElement, select: HTMLSelectElement }}
 */
export function labelledSelect(text, name) {
  const label = document.createElement('label');
  label.append(text);
  const select = document.createElement('select');
  select.name = name;
  label.append(select);
  return { label, select };
}

/**
 * Fills a layer <select> with one option per layer and direction of a deep or bidirectional
 * model: value 'l:d', text 'l', or 'l forward' / 'l reverse'. The choice is kept, clamped to what
 * exists, and selected; the label is hidden when there is nothing to choose.
 * @param {HTMLLabelElement} label @param {HTMLSelectElement} select
 * @param {number} L layers @param {number} D directions (1, or 2 when bidirectional)
 * @param {[number, number]} choice the layer and direction chosen so far
 * @returns {[number, number]} the layer and direction now selected
 */
export function fillLayerSelect(label, select, L, D, [layer, direction]) {
  select.replaceChildren();
  for (let l = 0; l < L; l++) {
    for (let d = 0; d < D; d++) {
      const o = document.createElement('option');
      o.value = `${l}:${d}`;
      o.textContent = `${l}${D > 1 ? (d ? ' reverse' : ' forward') : ''}`;
      select.append(o);
    }
  }
  layer = Math.min(layer, L - 1); direction = Math.min(direction, D - 1);
  select.value = `${layer}:${direction}`;
  label.hidden = L * D === 1;
  return [layer, direction];
}
