// @ts-check
/* celldiagram.js - the chosen recurrent cell drawn as a data-flow diagram, coloured live.
 *
 *   const cd = new CellDiagram(container, { title: 'Cell, live' });
 *   cd.setCell(model.config);                    // cell, variant, resetAfter, alpha, gRange, hRange, ...
 *   cd.update(model.trace(probe), undefined, { symbols: ['0', '1', ...] });
 *   cd.update(snapshot.trace);                   // or the worker's flat layer-0 trace (see pickLayer)
 *
 * Owns: one canvas (device-pixel-ratio aware, redrawn on resize), a time-step scrubber, a unit
 * selector (mean over units or one unit), a layer/direction selector for deep or bidirectional
 * models, a colour legend and the cell's equations as text. Every gate is a node filled by its
 * post-activation value at the scrubbed step; x_t and h_{t-1} enter through the bus at the bottom;
 * the LSTM cell state (CT-RNN potential, ESN/GRU hidden state) runs along the top.
 * The cell's parts and where they sit come from its scene (scenes/: lstm.js, gru.js, rnn.js, and
 * leaky.js for the CT-RNN and the ESN; scenes/index.js maps a cell to its scene); this file
 * draws any scene: the frame, the controls, the colours (colors.js, heatmap.js's maps) and the
 * nodes and wires.
 * The root element carries data-cell, data-variant, data-gates (trained gates drawn),
 * data-constant, data-derived, data-peepholes, data-fgr, data-activations, data-timeline (its rows),
 * data-step, data-unit and data-draws, for tests and for the page.
 * Under the diagram a timeline shows the same colours for every step (one row per gate, c, h);
 * clicking or dragging it scrubs.
 * Does not: run the model, keep history, or know about the worker.
 */

import { fillLayerSelect, fitCanvas, labelledSelect, widgetFrame } from './canvas.js';
import { drawNode, drawWire } from './celldraw.js';
import { gateColor, rgb, signedColor } from './colors.js';
import { sceneOf } from './scenes/index.js';

const W = 700, H = 366; // logical drawing size; the canvas scales it to its CSS width

/** @typedef {import('./scenes/layout.js').CellConfig} CellConfig
 * @typedef {import('./scenes/layout.js').Node} Node
 * @typedef {import('./scenes/layout.js').Wire} Wire
 * @typedef {import('./scenes/layout.js').Scene} Scene */

/** A flat one-layer, one-direction, one-sequence trace: what the diagram reads.
 * @typedef {{ length: number, hiddenSize: number, gates: Float32Array | number[],
 *   cell: Float32Array | number[], hidden: Float32Array | number[], gateNames?: readonly string[],
 *   reverse?: boolean }} FlatTrace */

/**
 * One layer, direction and batch row of a model.trace() result, as a flat trace. Also accepts
 * an already flat trace (the worker's snapshot.trace: { length, hiddenSize, gates, cell, hidden }
 * of layer 0, batch row 0), returned with only batch row `batch` kept.
 * @param {any} trace model.trace(batch) or a flat trace
 * @param {number} [layer] @param {number} [direction] 1 = reverse @param {number} [batch] row
 * @returns {FlatTrace}
 */
export function pickLayer(trace, layer = 0, direction = 0, batch = 0) {
  const T = trace.length, Hn = trace.hiddenSize;
  const L = Array.isArray(trace.layers) ? trace.layers[Math.min(layer, trace.layers.length - 1)] : null;
  const dir = L ? Math.min(direction, L.length - 1) : 0;
  const src = L ? L[dir] : trace;
  const G = src.gates.length / Math.max(1, T * Hn * (trace.batchSize ?? (src.hidden.length / (T * Hn))));
  const gw = Math.round(G) * Hn;
  const b = Math.min(batch, Math.max(0, Math.round(src.hidden.length / (T * Hn)) - 1));
  return {
    length: T, hiddenSize: Hn, gateNames: trace.gateNames, reverse: dir === 1,
    gates: src.gates.slice(b * T * gw, (b + 1) * T * gw),
    cell: src.cell.slice(b * T * Hn, (b + 1) * T * Hn),
    hidden: src.hidden.slice(b * T * Hn, (b + 1) * T * Hn),
  };
}

export class CellDiagram {
  /**
   * @param {HTMLElement} container the widget appends itself here
   * @param {{ title?: string, config?: CellConfig }} [opts]
   */
  constructor(container, opts = {}) {
    const { root, head, title, sub } = widgetFrame('cd', opts.title ?? 'Cell, live');
    this.root = root;
    this.subtitle = sub;
    head.append(title);

    this.canvas = document.createElement('canvas');
    this.canvas.className = 'cd-canvas';
    this.canvas.setAttribute('role', 'img');

    const controls = document.createElement('div');
    controls.className = 'cd-controls';
    // scrubber
    const scrub = document.createElement('label');
    scrub.className = 'cd-scrub';
    const scrubText = document.createElement('span');
    scrubText.textContent = 'time step';
    this.scrubber = document.createElement('input');
    this.scrubber.type = 'range';
    this.scrubber.name = 'cd-step';
    this.scrubber.min = '0'; this.scrubber.max = '0'; this.scrubber.step = '1'; this.scrubber.value = '0';
    this.stepOut = document.createElement('output');
    scrub.append(scrubText, this.scrubber, this.stepOut);
    // unit
    const { label: unitLabel, select: unitSelect } = labelledSelect('units ', 'cd-unit');
    unitLabel.className = 'cd-unit';
    this.unitSelect = unitSelect;
    // layer / direction
    const layer = labelledSelect('layer ', 'cd-layer');
    this.layerLabel = layer.label;
    this.layerLabel.className = 'cd-layer';
    this.layerSelect = layer.select;
    this.layerLabel.hidden = true;
    controls.append(scrub, unitLabel, this.layerLabel);

    this.legend = document.createElement('div');
    this.legend.className = 'cd-legend';
    this.eq = document.createElement('p');
    this.eq.className = 'cd-eq';
    // the timeline: the same node colours for every step, one row per part; click to scrub
    this.timeline = document.createElement('canvas');
    this.timeline.className = 'cd-timeline';
    this.timeline.title = 'every step at once: click or drag to move the time step';
    this.root.append(head, this.canvas, controls, this.timeline, this.legend, this.eq);
    container.append(this.root);

    /** @type {FlatTrace | null} */ this.flat = null;
    /** @type {any} */ this.full = null;
    /** @type {string[] | null} */ this.symbols = null;
    this.step = 0;
    this.unit = -1; // -1 = mean over units
    this.layer = 0; this.direction = 0;
    this.scale = 1; this.cscale = 1;
    this.draws = 0;
    /** @type {CellConfig} */ this.config = {};
    /** @type {Scene | null} */ this.scene = null;
    /** the cell's scene module */ this.kind = sceneOf('lstm');
    /** @type {{ x0: number, w: number } | null} */ this.tl = null; // timeline geometry, CSS px

    this.scrubber.addEventListener('input', () => { this.step = Number(this.scrubber.value); this.draw(); });
    const seek = (/** @type {PointerEvent} */ e) => {
      if (!this.flat || !this.tl) return;
      const r = this.timeline.getBoundingClientRect();
      const x = e.clientX - r.left - this.tl.x0;
      const t = Math.floor((x / this.tl.w) * this.flat.length);
      if (t < 0 || t >= this.flat.length || t === this.step) return;
      this.step = t; this.scrubber.value = String(t); this.draw();
    };
    this.timeline.addEventListener('pointerdown', (e) => { this.timeline.setPointerCapture(e.pointerId); seek(e); });
    this.timeline.addEventListener('pointermove', (e) => { if (e.buttons & 1) seek(e); });
    this.unitSelect.addEventListener('change', () => { this.unit = Number(this.unitSelect.value); this.draw(); });
    this.layerSelect.addEventListener('change', () => {
      const [l, d] = this.layerSelect.value.split(':').map(Number);
      this.layer = l; this.direction = d;
      if (this.full) this.flat = pickLayer(this.full, l, d, 0);
      this.computeScale();
      this.draw();
    });
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.draw()).observe(this.canvas);
    this.setCell(opts.config ?? { cell: 'lstm', variant: 'standard' });
  }

  /** Chooses the cell to draw; takes model.config (or any object with these keys).
   * @param {CellConfig} config */
  setCell(config) {
    this.config = { ...config };
    this.kind = sceneOf(this.config.cell);
    this.scene = this.kind.build(this.config);
    const s = this.scene;
    const d = this.root.dataset;
    d.cell = this.config.cell ?? 'lstm';
    d.variant = this.kind.variant(this.config);
    d.gates = s.gates.join(',');
    d.constant = s.constant.join(',');
    d.derived = s.derived.join(',');
    d.peepholes = String(s.peep);
    d.fgr = String(s.fgr);
    d.activations = s.acts.join(',');
    this.subtitle.textContent = s.title;
    this.canvas.setAttribute('aria-label', `${s.title}: ${s.eq.join('; ')}`);
    this.eq.replaceChildren(...s.eq.map((e) => { const c = document.createElement('code'); c.textContent = e; return c; }));
    // layers / directions
    const L = this.config.layers ?? 1, D = this.config.bidirectional ? 2 : 1;
    [this.layer, this.direction] = fillLayerSelect(this.layerLabel, this.layerSelect, L, D, [this.layer, this.direction]);
    this.flat = null; this.full = null;
    this.renderLegend();
    this.draw();
  }

  /**
   * Redraws from a trace: model.trace(batch) (the selected layer/direction, batch row 0) or a flat
   * trace { length, hiddenSize, gates (T*G), cell (T*H), hidden (T*H) } as the worker posts it.
   * @param {any} trace
   * @param {number} [step] move the scrubber here (default: keep it, clamped to the new length)
   * @param {{ symbols?: string[] }} [opts] symbols[t] = the input symbol at step t, shown with the step
   */
  update(trace, step, opts = {}) {
    const full = Array.isArray(trace.layers); // else flat (its `layers` may be a count, as the worker posts)
    this.full = full ? trace : null;
    this.layerLabel.hidden = !full || this.layerSelect.options.length <= 1; // a flat trace is one layer
    this.flat = full ? pickLayer(trace, this.layer, this.direction, 0) : pickLayer(trace);
    if (opts.symbols) this.symbols = opts.symbols;
    const T = this.flat.length, Hn = this.flat.hiddenSize;
    if (this.scrubber.max !== String(T - 1)) this.scrubber.max = String(Math.max(0, T - 1));
    if (step !== undefined) this.step = step;
    this.step = Math.max(0, Math.min(T - 1, this.step));
    this.scrubber.value = String(this.step);
    if (this.unitSelect.options.length !== Hn + 1) {
      this.unitSelect.replaceChildren();
      const m = document.createElement('option');
      m.value = '-1'; m.textContent = `mean of ${Hn}`;
      this.unitSelect.append(m);
      for (let j = 0; j < Hn; j++) {
        const o = document.createElement('option');
        o.value = String(j); o.textContent = `unit ${j}`;
        this.unitSelect.append(o);
      }
      if (this.unit >= Hn) this.unit = -1;
      this.unitSelect.value = String(this.unit);
    }
    this.computeScale();
    this.draw();
  }

  /** the signed colour scales, at least 1: max |value| of the cell state / CT-RNN potential
   * (cscale), and of the hidden state and the signed gates (scale) over the whole trace */
  computeScale() {
    const f = this.flat;
    if (!f) return;
    let s = 1, cs = 1;
    for (const v of f.cell) cs = Math.max(cs, Math.abs(v));
    for (const v of f.hidden) s = Math.max(s, Math.abs(v));
    const Hn = f.hiddenSize, G = f.gates.length / f.length; // gate values per step
    for (const k of this.kind.signedGates) { // LSTM's g is signed
      for (let t = 0; t < f.length; t++) for (let j = 0; j < Hn; j++) s = Math.max(s, Math.abs(f.gates[t * G + k * Hn + j]));
    }
    this.scale = s; this.cscale = cs;
    this.renderLegend();
  }

  renderLegend() {
    const s = this.scene;
    if (!s) return;
    const items = [];
    const sw = (/** @type {string} */ cls, /** @type {string} */ lo, /** @type {string} */ text, /** @type {string} */ hi) => {
      const span = document.createElement('span');
      span.className = 'cd-key';
      const a = document.createElement('span'); a.textContent = lo;
      const g = document.createElement('span'); g.className = `cd-swatch ${cls}`;
      const b = document.createElement('span'); b.textContent = hi;
      const t = document.createElement('span'); t.className = 'cd-keytext'; t.textContent = text;
      span.append(t, a, g, b);
      return span;
    };
    items.push(sw('cd-gate', '0', 'gate', '1'));
    const sc = +this.scale.toPrecision(2), cc = +this.cscale.toPrecision(2);
    const cellName = this.kind.cellState;
    items.push(sw('cd-signed', `−${sc}`, cellName ? 'h, g' : 'state', `+${sc}`));
    if (cellName) items.push(sw('cd-signed', `−${cc}`, cellName, `+${cc}`));
    const line = (/** @type {string} */ cls, /** @type {string} */ text) => {
      const span = document.createElement('span');
      span.className = 'cd-key';
      const l = document.createElement('span'); l.className = `cd-line ${cls}`;
      span.append(l, text);
      return span;
    };
    if (s.constant.length || s.derived.length || s.acts.some((a) => a.endsWith(':id'))) items.push(line('cd-dash', 'dashed: constant, derived or missing'));
    if (s.peep) items.push(line('cd-peep', 'peephole'));
    if (s.fgr) items.push(line('cd-fgr', 'gate recurrence (t−1)'));
    if (s.nodes.some((n) => n.kind === 'fixed')) items.push(line('cd-fixed', 'fixed, not trained'));
    this.legend.replaceChildren(...items);
  }

  /** takes the widget off the page */
  remove() { this.root.remove(); }

  /** value of node n at the current step for the selected unit (or the mean over units) */
  /** @param {Node} n @param {number} [t] default: the scrubbed step */
  nodeValue(n, t = this.step) {
    const f = this.flat;
    if (!f || !n.value) return NaN;
    if (this.unit >= 0) return n.value(t, this.unit);
    let s = 0;
    for (let j = 0; j < f.hiddenSize; j++) s += n.value(t, j);
    return s / f.hiddenSize;
  }

  draw() {
    const s = this.scene;
    if (!s) return;
    const canvas = this.canvas;
    const cssW = canvas.clientWidth || W;
    const cssH = Math.round((cssW * H) / W);
    if (canvas.style.height !== `${cssH}px`) canvas.style.height = `${cssH}px`;
    fitCanvas(canvas, cssW, cssH);
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    ctx.setTransform(canvas.width / W, 0, 0, canvas.height / H, 0, 0);
    const css = getComputedStyle(this.root);
    const fg = css.getPropertyValue('--cd-fg').trim() || '#1b1f24';
    const muted = css.getPropertyValue('--cd-muted').trim() || '#5b6470';
    const panel = css.getPropertyValue('--cd-panel').trim() || '#fff';
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = panel;
    ctx.fillRect(0, 0, W, H);
    this.bindValues();

    // wires under nodes
    for (const w of s.wires) drawWire(ctx, w, w.color ?? muted);
    ctx.fillStyle = muted;
    for (const [x, y] of s.dots) { ctx.beginPath(); ctx.arc(x, y, 3, 0, 2 * Math.PI); ctx.fill(); }
    const look = { fg, muted, panel, scale: this.scale, cscale: this.cscale };
    for (const n of s.nodes) drawNode(ctx, n, this.nodeValue(n), look);
    for (const t of s.texts) {
      ctx.fillStyle = t.color ?? muted;
      ctx.font = `${t.size ?? 11}px system-ui, sans-serif`;
      ctx.textAlign = t.align ?? 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(t.s, t.x, t.y);
    }
    // step readout, top left
    const f = this.flat;
    ctx.textAlign = 'left';
    ctx.fillStyle = fg;
    ctx.font = '600 12px system-ui, sans-serif';
    const sym = this.symbols?.[this.step];
    const head = f ? `t = ${this.step}${sym !== undefined ? `   x = ${JSON.stringify(sym)}` : ''}` : 'no trace yet';
    ctx.fillText(head, 10, 14);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = muted;
    ctx.textAlign = 'right';
    ctx.fillText(this.unit >= 0 ? `unit ${this.unit}` : f ? `mean over ${f.hiddenSize} units` : '', W - 10, 14);

    if (f) {
      this.stepOut.textContent = `${this.step} / ${f.length - 1}${sym !== undefined ? `  x=${sym}` : ''}`;
    } else this.stepOut.textContent = '–';
    this.drawTimeline(fg, muted, panel);
    this.draws++;
    const d = this.root.dataset;
    d.step = String(this.step);
    d.unit = String(this.unit);
    d.draws = String(this.draws);
  }

  /** the parts shown in the timeline, top to bottom */
  timelineRows() {
    const s = this.scene;
    if (!s) return [];
    return this.kind.timeline.map((id) => s.nodes.find((n) => n.id === id))
      .filter(/** @param {Node | undefined} n @returns {n is Node} */ (n) => !!n?.value);
  }

  /** @param {string} fg @param {string} muted @param {string} panel */
  drawTimeline(fg, muted, panel) {
    const cv = this.timeline, f = this.flat;
    const rows = this.timelineRows();
    const rh = 16, top = 4, x0 = 34, cssW = cv.clientWidth || 600;
    const cssH = top + Math.max(1, rows.length) * rh + 16;
    if (cv.style.height !== `${cssH}px`) cv.style.height = `${cssH}px`;
    const { dpr } = fitCanvas(cv, cssW, cssH);
    const ctx = /** @type {CanvasRenderingContext2D} */ (cv.getContext('2d'));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.fillStyle = panel; ctx.fillRect(0, 0, cssW, cssH);
    const w = cssW - x0 - 6;
    this.tl = { x0, w };
    this.root.dataset.timeline = rows.map((n) => n.id).join(',');
    if (!f || !rows.length) return;
    const T = f.length, cw = w / T;
    ctx.font = 'italic 600 13px Georgia, "Times New Roman", serif';
    ctx.textBaseline = 'middle';
    rows.forEach((n, r) => {
      const y = top + r * rh;
      ctx.fillStyle = fg; ctx.textAlign = 'right';
      ctx.fillText(n.id === 'act' ? 'h' : n.id, x0 - 8, y + rh / 2);
      const cellNode = n.id === 'c' || n.id === 'x';
      for (let t = 0; t < T; t++) {
        const v = this.nodeValue(n, t);
        const c = n.kind === 'gate' ? gateColor(v) : signedColor(v / (cellNode ? this.cscale : this.scale));
        ctx.fillStyle = rgb(c);
        ctx.fillRect(x0 + t * cw, y, Math.ceil(cw), rh - 1);
      }
    });
    // step ticks with the input symbols, and the cursor
    const yb = top + rows.length * rh;
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillStyle = muted;
    const every = Math.max(1, Math.ceil(22 / cw));
    for (let t = 0; t < T; t += every) ctx.fillText(this.symbols?.[t] ?? String(t), x0 + (t + 0.5) * cw, yb + 8);
    ctx.strokeStyle = fg; ctx.lineWidth = 2;
    ctx.strokeRect(x0 + this.step * cw + 1, top - 2, Math.max(2, cw - 2), rows.length * rh + 3);
  }

  /** attaches value functions to the scene's nodes for the current flat trace */
  bindValues() {
    const s = this.scene, f = this.flat;
    if (!s) return;
    for (const n of s.nodes) n.value = undefined;
    if (!f) return;
    const T = f.length, Hn = f.hiddenSize, G = f.gates.length / (T * Hn) * Hn;
    const rev = !!f.reverse;
    const prev = (/** @type {number} */ t) => (rev ? t + 1 : t - 1);
    const ok = (/** @type {number} */ t) => t >= 0 && t < T;
    const gate = (/** @type {number} */ k) => (/** @type {number} */ t, /** @type {number} */ j) => f.gates[t * G + k * Hn + j];
    const cell = (/** @type {number} */ t, /** @type {number} */ j) => (ok(t) ? f.cell[t * Hn + j] : 0);
    const hid = (/** @type {number} */ t, /** @type {number} */ j) => (ok(t) ? f.hidden[t * Hn + j] : 0);
    /** @type {Record<string, (t: number, j: number) => number>} */
    const src = {
      cprev: (t, j) => cell(prev(t), j), c: cell, hprev: (t, j) => hid(prev(t), j), h: hid,
      xprev: (t, j) => cell(prev(t), j), x: cell,
      ...this.kind.values({ gate, cell, hid, prev }, this.config),
    };
    for (const n of s.nodes) if (src[n.id]) n.value = src[n.id];
  }
}
