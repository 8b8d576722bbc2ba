// @ts-check
/* weights.js - the recurrent layer's weight (or last-gradient) matrices, one heatmap per gate.
 *
 *   const wv = new WeightView(container, { title: 'Weights' });
 *   wv.update({ weights: model.getWeights(), gradients: model.getGradients(), config: model.config });
 *   // in a worker: post snapshotWeights(model) BEFORE model.trace(probe): trace runs a backward
 *   // pass on the probe and so replaces the training batch's gradients.
 *
 * Owns: for one layer and direction (a select when there are several) of one model (an
 * encoder-decoder's tensors come prefixed 'encoder.' / 'decoder.': a select picks the half), the PyTorch tensors
 * weight_ih_l{k}[_reverse] (G x I) and weight_hh_l{k}[_reverse] (G x H) split by gate rows
 * (LSTM [i f g o], GRU [r z n], one block for rnn/ctrnn/esn), the two biases side by side, and
 * the LSTM extras: peephole_l{k} (p_i p_f p_o, drawn units x 3) and FGR's weight_fgr_l{k} (3H x 3H),
 * and with the last layer the readout fc.weight (V x D*H; an ESN's only trained matrix).
 * Each matrix is an ImageData at one pixel per entry, scaled up without smoothing; the colours are
 * heatmap.js's diverging map (blue - white - orange) symmetric about 0, scaled per matrix or shared
 * over the layer. A radio switches weights <-> last gradients; hover shows tensor, gate, row,
 * column and value. Blocks a variant does not use (NIG/NFG/NOG/1997/CIFG) are greyed "unused",
 * the ESN's input and reservoir matrices "fixed, not trained".
 * The root element carries data-mode, data-part ('encoder' / 'decoder', '' for a plain model),
 * data-layer, data-scale, data-tiles, data-unused and data-draws.
 * Does not: compute anything from the model, or keep history.
 */

import { gateNamesOf, UNUSED_GATES } from '../names.mjs';
import { fillLayerSelect, labelledSelect, showTip, widgetFrame } from './canvas.js';
import { signedColor } from './colors.js';

/** @typedef {Record<string, Float32Array | number[]>} Tensors
 *  @typedef {{ cell?: string, variant?: string, inputSize: number, hiddenSize: number, layers?: number,
 *    bidirectional?: boolean }} WeightConfig */

/**
 * What the view needs from a model: call it before model.trace() (see above).
 * @param {{ getWeights(): Tensors, getGradients(): Tensors, config: any }} model
 * @returns {{ weights: Tensors, gradients: Tensors, config: WeightConfig }}
 */
export function snapshotWeights(model) {
  return { weights: model.getWeights(), gradients: model.getGradients(), config: { ...model.config } };
}

/** The halves of an encoder-decoder (s2s.getWeights() names, 'encoder.weight_ih_l0', ...) */
export const PARTS = ['encoder', 'decoder'];

/** The halves whose tensors are present ([] for a plain model's). @param {Tensors} tensors */
export function partsOf(tensors) {
  const names = Object.keys(tensors);
  return PARTS.filter((p) => names.some((k) => k.startsWith(`${p}.`)));
}

/** One half's tensors, without its prefix ('decoder.fc.weight' -> 'fc.weight').
 * @param {Tensors} tensors @param {string} part @returns {Tensors} */
export function partTensors(tensors, part) {
  const pre = `${part}.`;
  return Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(pre)).map(([k, v]) => [k.slice(pre.length), v]));
}

/** LSTM gates whose rows the variant does not use (their weights stay 0), with why.
 * @param {WeightConfig} c @returns {Readonly<Record<string, string>>} */
export function unusedGates(c) {
  return (c.cell ?? 'lstm') === 'lstm' ? UNUSED_GATES[/** @type {keyof typeof UNUSED_GATES} */ (c.variant ?? 'standard')] ?? {} : {};
}

/**
 * The tiles of one layer/direction: a flat list of matrices with their place and meaning.
 * Pure (no DOM), so the worker or a test can use it.
 * @param {Tensors} tensors getWeights() or getGradients()
 * @param {WeightConfig} config model.config
 * @param {number} [layer] @param {number} [direction] 1 = reverse
 * @returns {{ tensor: string, label: string, gate: string, rows: number, cols: number, row0: number,
 *   data: Float32Array, transpose?: boolean, colNames?: string[], note?: string }[]}
 */
export function layerTiles(tensors, config, layer = 0, direction = 0) {
  const sfx = `_l${layer}${direction ? '_reverse' : ''}`;
  const Hn = config.hiddenSize;
  const gates = gateNamesOf(config.cell);
  const unused = unusedGates(config);
  const esn = config.cell === 'esn';
  const out = [];
  const ih = tensors[`weight_ih${sfx}`], hh = tensors[`weight_hh${sfx}`];
  const bih = tensors[`bias_ih${sfx}`], bhh = tensors[`bias_hh${sfx}`];
  const I = ih ? ih.length / (gates.length * Hn) : 0;
  for (let k = 0; k < gates.length; k++) {
    const g = gates[k];
    const note = unused[g] ?? (esn ? 'fixed, not trained' : undefined);
    if (ih) out.push({ tensor: `weight_ih${sfx}`, label: 'W_ih', gate: g, rows: Hn, cols: I, row0: k * Hn,
      data: Float32Array.from(ih.slice(k * Hn * I, (k + 1) * Hn * I)), note });
    if (hh) out.push({ tensor: `weight_hh${sfx}`, label: 'W_hh', gate: g, rows: Hn, cols: Hn, row0: k * Hn,
      data: Float32Array.from(hh.slice(k * Hn * Hn, (k + 1) * Hn * Hn)), note });
    if (bih && bhh) {
      const b = new Float32Array(Hn * 2);
      for (let j = 0; j < Hn; j++) { b[j * 2] = bih[k * Hn + j]; b[j * 2 + 1] = bhh[k * Hn + j]; }
      out.push({ tensor: `bias_ih${sfx} | bias_hh${sfx}`, label: 'b', gate: g, rows: Hn, cols: 2, row0: k * Hn, data: b,
        colNames: ['bias_ih', 'bias_hh'], note: unused[g] ?? (esn ? 'fixed, not trained' : undefined) });
    }
  }
  const peep = tensors[`peephole${sfx}`];
  if (peep) { // (3, H) -> units x [p_i p_f p_o]
    const d = new Float32Array(Hn * 3);
    for (let r = 0; r < 3; r++) for (let j = 0; j < Hn; j++) d[j * 3 + r] = peep[r * Hn + j];
    out.push({ tensor: `peephole${sfx}`, label: 'peephole', gate: 'p', rows: Hn, cols: 3, row0: 0, data: d,
      transpose: true, colNames: ['p_i', 'p_f', 'p_o'] });
  }
  const fgr = tensors[`weight_fgr${sfx}`];
  if (fgr) out.push({ tensor: `weight_fgr${sfx}`, label: 'R (FGR)', gate: 'R', rows: 3 * Hn, cols: 3 * Hn, row0: 0,
    data: Float32Array.from(fgr) });
  // the readout (V x D*H) with the last layer; for an ESN it is all that learns
  const fc = tensors['fc.weight'];
  if (fc && layer === (config.layers ?? 1) - 1 && direction === 0) {
    const cols = Hn * (config.bidirectional ? 2 : 1);
    out.push({ tensor: 'fc.weight', label: 'readout', gate: 'fc', rows: fc.length / cols, cols, row0: 0,
      data: Float32Array.from(fc) });
  }
  return out;
}

const GATE_TITLE = /** @type {Record<string, string>} */ ({
  i: 'i input gate', f: 'f forget gate', g: 'g cell input', o: 'o output gate',
  r: 'r reset gate', z: 'z update gate', n: 'n candidate', h: 'h (single block)',
});

export class WeightView {
  /**
   * @param {HTMLElement} container the widget appends itself here
   * @param {{ title?: string, maxTile?: number, tooltip?: HTMLElement }} [opts] maxTile: largest tile
   *   side in CSS pixels (default 150); tooltip: an element to reuse (default: one of its own)
   */
  constructor(container, opts = {}) {
    this.opts = opts;
    const { root, head, title, sub } = widgetFrame('wv', opts.title ?? 'Weights by gate');
    this.root = root;
    this.sub = sub;

    const controls = document.createElement('div');
    controls.className = 'wv-controls';
    const modes = document.createElement('fieldset');
    modes.className = 'wv-modes';
    const legend = document.createElement('legend');
    legend.textContent = 'show';
    modes.append(legend);
    /** @type {Record<string, HTMLInputElement>} */
    this.radios = {};
    for (const [v, text] of [['weights', 'weights'], ['gradients', 'last gradients']]) {
      const l = document.createElement('label');
      const r = document.createElement('input');
      r.type = 'radio'; r.name = `wv-mode-${Math.random().toString(36).slice(2, 8)}`; r.value = v;
      r.dataset.mode = v;
      r.checked = v === 'weights';
      r.addEventListener('change', () => { if (r.checked) { this.mode = v; this.draw(); } });
      this.radios[v] = r;
      l.append(r, ` ${text}`);
      modes.append(l);
    }
    for (const r of Object.values(this.radios)) r.name = this.radios.weights.name;
    // an encoder-decoder: which half (shown only for prefixed tensors)
    const part = labelledSelect('half ', 'wv-part');
    this.partLabel = part.label;
    this.partSelect = part.select;
    for (const v of PARTS) {
      const o = document.createElement('option'); o.value = v; o.textContent = v; this.partSelect.append(o);
    }
    this.partLabel.hidden = true;
    const layer = labelledSelect('layer ', 'wv-layer');
    this.layerLabel = layer.label;
    this.layerSelect = layer.select;
    this.layerLabel.hidden = true;
    const { label: scaleLabel, select: scaleSelect } = labelledSelect('colour scale ', 'wv-scale');
    this.scaleSelect = scaleSelect;
    for (const [v, t] of [['matrix', 'per matrix'], ['shared', 'shared']]) {
      const o = document.createElement('option'); o.value = v; o.textContent = t; this.scaleSelect.append(o);
    }
    controls.append(modes, this.partLabel, this.layerLabel, scaleLabel);
    head.append(title, controls);

    this.key = document.createElement('p');
    this.key.className = 'wv-key';
    this.grid = document.createElement('div');
    this.grid.className = 'wv-grid';
    this.tip = opts.tooltip ?? document.createElement('div');
    if (!opts.tooltip) { this.tip.className = 'wv-tip'; this.tip.hidden = true; document.body.append(this.tip); }
    this.root.append(head, this.key, this.grid);
    container.append(this.root);

    this.mode = 'weights';
    /** the half shown of an encoder-decoder ('' for a plain model) */
    this.part = '';
    this.layer = 0; this.direction = 0;
    this.draws = 0;
    /** @type {{ weights: Tensors, gradients?: Tensors | null, config: WeightConfig } | null} */
    this.data = null;
    /** @type {string} */ this.layout = '';
    /** @type {ReturnType<typeof layerTiles> | null} */ this.current = null;
    /** @type {{ canvas: HTMLCanvasElement, cap: HTMLElement, scaleOut: HTMLElement, box: HTMLElement }[]} */
    this.tiles = [];
    this.layerSelect.addEventListener('change', () => {
      const [l, d] = this.layerSelect.value.split(':').map(Number);
      this.layer = l; this.direction = d; this.draw();
    });
    this.scaleSelect.addEventListener('change', () => this.draw());
    this.partSelect.addEventListener('change', () => { this.part = this.partSelect.value; this.draw(); });
  }

  /**
   * @param {{ weights: Tensors, gradients?: Tensors | null, config: WeightConfig }} data
   *   weights = model.getWeights(), gradients = model.getGradients() (null: none yet), config = model.config;
   *   an encoder-decoder's (s2s.getWeights(), names prefixed by half) with its config (both halves share it)
   */
  update(data) {
    const c = data.config;
    const parts = partsOf(data.weights);
    for (const o of this.partSelect.options) o.disabled = !parts.includes(o.value);
    this.part = !parts.length ? '' : parts.includes(this.part) ? this.part
      : parts.includes(this.partSelect.value) ? this.partSelect.value : parts[0];
    if (this.part) this.partSelect.value = this.part;
    this.partLabel.hidden = !parts.length;
    const L = c.layers ?? 1, D = c.bidirectional ? 2 : 1;
    const key = `${L}:${D}`;
    if (this.layerSelect.dataset.key !== key) {
      this.layerSelect.dataset.key = key;
      [this.layer, this.direction] = fillLayerSelect(this.layerLabel, this.layerSelect, L, D, [this.layer, this.direction]);
    }
    this.data = data;
    this.radios.gradients.disabled = !data.gradients;
    if (!data.gradients && this.mode === 'gradients') { this.mode = 'weights'; this.radios.weights.checked = true; }
    this.draw();
  }

  draw() {
    const data = this.data;
    if (!data) return;
    const c = data.config;
    const all = this.mode === 'gradients' && data.gradients ? data.gradients : data.weights;
    const src = this.part ? partTensors(all, this.part) : all;
    const tiles = layerTiles(src, c, this.layer, this.direction);
    const gates = gateNamesOf(c.cell);
    const sfx = `l${this.layer}${this.direction ? ' reverse' : ''}`;
    this.sub.textContent = `${this.part ? `${this.part}, ` : ''}${(c.cell ?? 'lstm').toUpperCase()}${c.cell === 'lstm' ? ` ${c.variant ?? 'standard'}` : ''}, ${sfx}: ${this.mode === 'gradients' ? 'dL/dW of the last batch' : 'weights'}`;
    // (re)build the DOM when the set of tiles changes
    const layout = tiles.map((t) => `${t.label}/${t.gate}/${t.rows}x${t.cols}`).join(',') + `|${gates.join('')}`;
    if (layout !== this.layout) this.build(tiles, gates);
    this.layout = layout;
    let shared = 0;
    for (const t of tiles) if (!t.note) for (const v of t.data) shared = Math.max(shared, Math.abs(v));
    const perMatrix = this.scaleSelect.value === 'matrix';
    const dpr = window.devicePixelRatio || 1;
    tiles.forEach((t, n) => {
      const { canvas, scaleOut, box } = this.tiles[n];
      let m = 0;
      for (const v of t.data) m = Math.max(m, Math.abs(v));
      // a fixed (ESN) matrix is still drawn, dimmed, when it holds anything; unused rows are grey
      const shown = !t.note || m > 0;
      const scale = (perMatrix || t.note ? m : shared) || 1e-12;
      box.classList.toggle('wv-unused', !!t.note);
      scaleOut.textContent = t.note ? (t.note.startsWith('fixed') ? `fixed${m > 0 ? ` ±${fmtScale(m)}` : ''}` : 'unused')
        : `±${fmtScale(perMatrix ? m : shared)}`;
      box.title = t.note ?? '';
      const cw = canvas.clientWidth, ch = canvas.clientHeight;
      const pw = Math.max(1, Math.round(cw * dpr)), ph = Math.max(1, Math.round(ch * dpr));
      if (canvas.width !== pw || canvas.height !== ph) { canvas.width = pw; canvas.height = ph; }
      const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
      const off = document.createElement('canvas');
      off.width = t.cols; off.height = t.rows;
      const octx = /** @type {CanvasRenderingContext2D} */ (off.getContext('2d'));
      const img = octx.createImageData(t.cols, t.rows);
      for (let k = 0; k < t.rows * t.cols; k++) {
        const [r, g, b] = t.note && !shown ? [220, 222, 226] : signedColor(t.data[k] / scale);
        img.data[k * 4] = r; img.data[k * 4 + 1] = g; img.data[k * 4 + 2] = b; img.data[k * 4 + 3] = 255;
      }
      octx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, pw, ph);
      ctx.drawImage(off, 0, 0, pw, ph);
      // faint grid when cells are big enough to read
      const cx = pw / t.cols, cy = ph / t.rows;
      if (cx >= 6 * dpr && cy >= 6 * dpr) {
        ctx.strokeStyle = 'rgba(0,0,0,0.07)'; ctx.lineWidth = 1;
        ctx.beginPath();
        for (let k = 1; k < t.cols; k++) { const x = Math.round(k * cx) + 0.5; ctx.moveTo(x, 0); ctx.lineTo(x, ph); }
        for (let k = 1; k < t.rows; k++) { const y = Math.round(k * cy) + 0.5; ctx.moveTo(0, y); ctx.lineTo(pw, y); }
        ctx.stroke();
      }
      if (t.note && !shown && pw >= 48 * dpr) {
        ctx.fillStyle = '#6b737d';
        ctx.font = `${11 * dpr}px system-ui, sans-serif`;
        ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
        ctx.fillText(t.note.startsWith('fixed') ? 'fixed' : 'unused', pw / 2, ph / 2);
      }
    });
    this.current = tiles;
    this.draws++;
    const d = this.root.dataset;
    d.mode = this.mode;
    d.part = this.part;
    d.layer = `${this.layer}:${this.direction}`;
    d.scale = perMatrix ? 'matrix' : 'shared';
    d.tiles = String(tiles.length);
    d.unused = tiles.filter((t) => t.note).map((t) => `${t.label}/${t.gate}`).join(',');
    d.draws = String(this.draws);
    this.key.textContent = '';
    const sw = document.createElement('span'); sw.className = 'wv-swatch';
    this.key.append('−', sw, '+  ', perMatrix ? 'each matrix scaled to its own max |value|' : `one scale for the layer: ±${fmtScale(shared)}`,
      '; hover for values');
  }

  /** @param {ReturnType<typeof layerTiles>} tiles @param {readonly string[]} gates */
  build(tiles, gates) {
    this.grid.replaceChildren();
    this.tiles = [];
    const max = this.opts.maxTile ?? 150;
    const byGate = new Map();
    for (const t of tiles) {
      const k = gates.includes(t.gate) ? t.gate : t.gate === 'fc' ? 'fc' : 'extra';
      if (!byGate.has(k)) byGate.set(k, []);
      byGate.get(k).push(t);
    }
    // one cell size per matrix shape family so gates line up: fit the largest of W_ih, W_hh in max px
    const Hn = tiles[0]?.rows ?? 1;
    // one cell size for the layer's gate tiles (so they line up): H rows fit in max px, and the
    // input matrix may grow to twice that wide (a deeper layer reads D*H inputs)
    const I = tiles.find((t) => t.label === 'W_ih')?.cols ?? 1;
    const unit = Math.max(2, Math.min(14, Math.floor(max / Hn), Math.floor((2 * max) / I)));
    for (const [g, list] of byGate) {
      const row = document.createElement('div');
      row.className = 'wv-row';
      const name = document.createElement('div');
      name.className = 'wv-gate';
      name.textContent = g === 'extra' ? 'extras' : g === 'fc' ? 'readout' : (GATE_TITLE[g] ?? g);
      row.append(name);
      for (const t of list) {
        const box = document.createElement('figure');
        box.className = 'wv-tile';
        const cap = document.createElement('figcaption');
        const nm = document.createElement('span');
        nm.className = 'wv-name';
        nm.textContent = t.label === 'b' ? 'b_ih | b_hh' : t.label;
        const scaleOut = document.createElement('span');
        scaleOut.className = 'wv-scale';
        cap.append(nm, scaleOut);
        const canvas = document.createElement('canvas');
        canvas.dataset.tensor = t.tensor; canvas.dataset.gate = t.gate;
        const u = t.label === 'R (FGR)' || t.label === 'readout'
          ? Math.max(1, Math.min(unit, Math.floor((2 * max) / t.cols), Math.floor(max / t.rows))) : unit;
        canvas.style.width = `${Math.max(u * t.cols, 6)}px`;
        canvas.style.height = `${u * t.rows}px`;
        const idx = this.tiles.length;
        canvas.addEventListener('mousemove', (e) => this.hover(e, idx));
        canvas.addEventListener('mouseleave', () => { this.tip.hidden = true; });
        box.append(cap, canvas);
        row.append(box);
        this.tiles.push({ canvas, cap, scaleOut, box });
      }
      this.grid.append(row);
    }
  }

  /** @param {MouseEvent} e @param {number} idx */
  hover(e, idx) {
    const t = this.current?.[idx];
    if (!t) return;
    const r = this.tiles[idx].canvas.getBoundingClientRect();
    const col = Math.min(t.cols - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * t.cols)));
    const row = Math.min(t.rows - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * t.rows)));
    const v = t.data[row * t.cols + col];
    const what = this.mode === 'gradients' ? 'gradient' : 'weight';
    let where;
    const pre = this.part ? `${this.part}.` : '';
    if (t.label === 'b') where = `${pre}${t.colNames?.[col]}_${this.layerSuffix()}[${t.row0 + row}]  (unit ${row})`;
    else if (t.transpose) where = `${pre}${t.tensor}[${col}, ${row}]  (${t.colNames?.[col]}, unit ${row})`;
    else where = `${pre}${t.tensor}[${t.row0 + row}, ${col}]`;
    const gate = GATE_TITLE[t.gate] ? `gate ${t.gate}` : t.gate === 'fc' ? 'output' : t.label;
    const text = `${t.label === 'b' ? 'bias' : t.label} · ${gate} · row ${row}, col ${col} · ${what} ${v >= 0 ? '+' : ''}${v.toPrecision(4)}\n${where}${t.note ? `\n${t.note}` : ''}`;
    showTip(this.tip, text, e, 14);
  }

  layerSuffix() { return `l${this.layer}${this.direction ? '_reverse' : ''}`; }

  /** takes the widget (and its own tooltip) off the page */
  remove() {
    this.root.remove();
    if (!this.opts.tooltip) this.tip.remove();
  }
}

/** @param {number} v */
function fmtScale(v) { return v === 0 ? '0' : v >= 0.01 ? v.toPrecision(2) : v.toExponential(1); }
