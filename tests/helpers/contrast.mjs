// @ts-check
/* contrast.mjs - WCAG 2 contrast of every piece of text on a page, computed in the browser.
 *
 *   const { checked, low } = await lowContrast(page); // low: the texts under their minimum
 *
 * For each element that directly holds visible text: its computed colour over its effective
 * background (the ancestors' background colours composited, alpha included, down to the first
 * opaque one, else the canvas colour of the current colour scheme), contrast ratio
 * (L1 + 0.05) / (L2 + 0.05) with relative luminance L = 0.2126 R + 0.7152 G + 0.0722 B of the
 * linearised sRGB channels; the minimum is 4.5:1, 3:1 for large text (>= 24 px, or >= 18.66 px
 * bold; WCAG 1.4.3). Skipped, as WCAG does or because no single background colour exists:
 * disabled controls, text over a background image or gradient. Canvas drawings are not text.
 */

/** @typedef {{ text: string, tag: string, id: string, color: string, background: string, ratio: number, need: number }} LowText */

/** @param {import('playwright-core').Page} page @returns {Promise<{ checked: number, low: LowText[] }>} */
export function lowContrast(page) {
  return page.evaluate(() => {
    /** @typedef {{ r: number, g: number, b: number, a: number }} RGBA */
    /** @param {string} c @returns {RGBA | null} */
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1 };
    };
    /** @param {RGBA} top @param {RGBA} bottom @returns {RGBA} */
    const over = (top, bottom) => ({
      r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
      b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
    });
    /** @param {RGBA} c */
    const luminance = (c) => {
      const f = (/** @type {number} */ x) => ((x /= 255) <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    /** @param {Element} el @returns {RGBA | null} */
    const background = (el) => {
      /** @type {RGBA[]} */
      const layers = [];
      for (let e = /** @type {Element | null} */ (el); e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.backgroundImage !== 'none') return null;
        const c = parse(cs.backgroundColor);
        if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
      }
      const canvas = matchMedia('(prefers-color-scheme: dark)').matches ? { r: 0, g: 0, b: 0, a: 1 } : { r: 255, g: 255, b: 255, a: 1 };
      let base = layers.length && layers[layers.length - 1].a >= 1 ? /** @type {RGBA} */ (layers.pop()) : canvas;
      for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
      return base;
    };
    /** @type {LowText[]} */
    const low = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !n.textContent?.trim()) continue;
      if (!el.getClientRects().length || el.closest('script, style, noscript, :disabled')) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility !== 'visible' || Number(cs.opacity) === 0) continue;
      const bg = background(el), fg = parse(cs.color);
      if (!bg || !fg) continue;
      seen.add(el);
      const [l1, l2] = [luminance(over(fg, bg)), luminance(bg)].sort((x, y) => y - x);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const px = parseFloat(cs.fontSize), need = px >= 24 || (Number(cs.fontWeight) >= 700 && px >= 18.66) ? 3 : 4.5;
      if (ratio < need) {
        low.push({ text: n.textContent.trim().slice(0, 40), tag: el.tagName, id: el.id, color: cs.color,
          background: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`, ratio: Math.round(ratio * 100) / 100, need });
      }
    }
    return { checked: seen.size, low };
  });
}
