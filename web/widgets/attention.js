// @ts-check
/* attention.js - an encoder-decoder's attention: decoder steps (rows, labelled with the symbol
 * each one emits) x source positions (columns, labelled with the source symbols), one cell per
 * weight, coloured 0 -> 1 (white -> deep teal-blue, as the gates: colors.js gateColor).
 *
 *   const view = createAttention(parent, tooltip);
 *   view.update(probe, beams);   // probe: the probe pair's rows (teacher forcing), or null;
 *                                // beams: each beam hypothesis's rows, or null
 * Rows: { weights (rows x cols, row-major), rows, cols, source[cols], output[rows] } and, for the
 * probe, predicted[rows] (the model's symbol at that step: a row label turns red where it is not
 * the target); for a hypothesis, logProb and right. A menu above the map picks the probe or one
 * hypothesis (kept across updates while it exists). Drawn on a canvas, axes labelled; hovering
 * shows the weight, the step and the source position. Knows nothing of the worker.
 */
import { fitCanvas, showTip } from './canvas.js';
import { gateColor, rgb } from './colors.js';

/**
 * @typedef {{ weights: Float32Array, rows: number, cols: number, source: string[], output: string[],
 *   predicted?: string[], logProb?: number, right?: boolean }} AttentionRows
 */

const FONT = '11px system-ui, sans-serif';
const SYMBOL_FONT = '12px ui-monospace, monospace';
const AXIS = 14;       // the axis titles' band, CSS px
const COL_LABELS = 16; // the source symbols' band
const GAP = 6;         // between labels and cells
const MIN_CELL = 12, MAX_CELL = 28;

/** @param {HTMLElement} parent @param {HTMLElement} tooltip */
export function createAttention(parent, tooltip) {
  const head = document.createElement('div');
  head.className = 'att-head';
  const label = document.createElement('label');
  label.append('map ');
  const select = document.createElement('select');
  select.name = 'att-map';
  label.append(select);
  const sub = document.createElement('span');
  sub.className = 'att-sub';
  head.append(label, sub);
  const canvas = document.createElement('canvas');
  canvas.className = 'att-map';
  parent.append(head, canvas);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));

  /** @type {AttentionRows | null} */ let probe = null;
  /** @type {AttentionRows[]} */ let beams = [];
  /** what the menu shows: 'probe' or 'beam k' */
  let choice = 'probe';
  let draws = 0;
  /** the drawn map's geometry, for hovering */
  let geo = { left: 0, top: 0, cell: 0 };

  /** the map the menu picks @returns {AttentionRows | null} */
  const current = () => (choice === 'probe' ? probe : beams[Number(choice.split(' ')[1])] ?? null);
  const word = (/** @type {AttentionRows} */ h) => h.output.filter((s) => s !== '</s>').join('');

  function fillMenu() {
    const opts = [['probe', 'probe pair (teacher forcing)'],
      ...beams.map((h, k) => [`beam ${k}`, `beam ${k + 1}: ${word(h) || '∅'} ${h.right ? '✓' : '✗'} (log p ${(h.logProb ?? 0).toFixed(2)})`])];
    const key = opts.map((o) => o.join('=')).join('|');
    if (select.dataset.key !== key) {
      select.replaceChildren(...opts.map(([v, t]) => new Option(t, v)));
      select.dataset.key = key;
    }
    if (!opts.some(([v]) => v === choice)) choice = 'probe';
    select.value = choice;
    label.hidden = beams.length === 0;
  }

  function draw() {
    const m = current();
    if (!m) return;
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--fg').trim() || '#1b1f24';
    const muted = css.getPropertyValue('--muted').trim() || '#5b6470';
    const wrong = css.getPropertyValue('--wrong').trim() || '#c0392b';
    ctx.font = SYMBOL_FONT;
    const rowLabel = Math.max(16, ...m.output.map((s) => ctx.measureText(s).width)) + GAP;
    const left = AXIS + rowLabel, top = AXIS + COL_LABELS;
    const avail = Math.max(200, parent.clientWidth) - left - 4;
    const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(avail / Math.max(1, m.cols))));
    const w = left + m.cols * cell + 4, h = top + m.rows * cell + 4;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    const { dpr } = fitCanvas(canvas, w, h);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    geo = { left, top, cell };

    for (let u = 0; u < m.rows; u++) {
      for (let j = 0; j < m.cols; j++) {
        ctx.fillStyle = rgb(gateColor(m.weights[u * m.cols + j]));
        ctx.fillRect(left + j * cell, top + u * cell, cell, cell);
      }
    }
    ctx.strokeStyle = muted;
    ctx.lineWidth = 1;
    ctx.strokeRect(left - 0.5, top - 0.5, m.cols * cell + 1, m.rows * cell + 1);

    // the source symbols above their columns, the emitted ones left of their rows
    ctx.font = SYMBOL_FONT;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.fillStyle = fg;
    m.source.forEach((s, j) => ctx.fillText(s, left + (j + 0.5) * cell, AXIS + COL_LABELS / 2));
    ctx.textAlign = 'right';
    m.output.forEach((s, u) => {
      ctx.fillStyle = m.predicted && m.predicted[u] !== s ? wrong : fg;
      ctx.fillText(s, left - GAP, top + (u + 0.5) * cell);
    });
    // axis titles
    ctx.font = FONT;
    ctx.fillStyle = muted;
    ctx.textAlign = 'left';
    ctx.fillText('source position →', left, AXIS / 2);
    ctx.save();
    ctx.translate(AXIS / 2, top);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'right';
    ctx.fillText('← decoder step', 0, 0);
    ctx.restore();
    draws++;
  }

  function describe() {
    const m = current();
    if (!m) { sub.textContent = ''; return; }
    sub.textContent = choice === 'probe'
      ? `${m.rows} decoder steps × ${m.cols} source symbols; rows: the target (red where the model says otherwise)`
      : `${m.rows} decoded symbols × ${m.cols} source symbols, beam search from the probe's source`;
  }

  select.addEventListener('change', () => { choice = select.value; describe(); draw(); });

  canvas.addEventListener('mousemove', (e) => {
    const m = current();
    if (!m || !geo.cell) return;
    const r = canvas.getBoundingClientRect();
    const j = Math.floor((e.clientX - r.left - geo.left) / geo.cell);
    const u = Math.floor((e.clientY - r.top - geo.top) / geo.cell);
    if (j < 0 || u < 0 || j >= m.cols || u >= m.rows) { tooltip.hidden = true; return; }
    const said = m.predicted && m.predicted[u] !== m.output[u] ? ` (the model: ${JSON.stringify(m.predicted[u])})` : '';
    showTip(tooltip, `decoder step ${u}, output ${JSON.stringify(m.output[u])}${said} ← source position ${j}, `
      + `${JSON.stringify(m.source[j])}: ${m.weights[u * m.cols + j].toFixed(3)}`, e);
  });
  canvas.addEventListener('mouseleave', () => { tooltip.hidden = true; });

  return {
    /** @param {AttentionRows | null} nextProbe @param {AttentionRows[] | null} nextBeams */
    update(nextProbe, nextBeams) {
      probe = nextProbe;
      beams = nextBeams ?? [];
      fillMenu();
      describe();
      draw();
    },
    /** which map is drawn: 'probe' or 'beam k' (0-based) */
    get choice() { return choice; },
    /** the weights drawn last (tests) */
    get values() { return current()?.weights ?? null; },
    get draws() { return draws; },
    canvas,
    select,
  };
}
