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
 * The variant decides the drawing, following core/lstm.c: a missing gate (NIG, NFG, NOG, 1997's f)
 * is a dashed constant-1 box; CIFG's f is a dashed "1 - i" node fed by i; peepholes (vanilla and
 * its ablations except NP) are violet c -> i, f, o wires; FGR adds the orange R [i f o]_{t-1}
 * loop; NIAF/NOAF draw the missing squashing function as a dashed "id" node; 1997 draws the
 * scaled sigmoids with their ranges. GRU reset-after (PyTorch) multiplies r after U_n h, Cho's
 * form before. The ESN reservoir is grey and hatched: fixed, not trained.
 * The root element carries data-cell, data-variant, data-gates (trained gates drawn),
 * data-constant, data-derived, data-peepholes, data-fgr, data-activations, data-timeline (its rows),
 * data-step, data-unit and data-draws, for tests and for the page.
 * Under the diagram a timeline shows the same colours for every step (one row per gate, c, h);
 * clicking or dragging it scrubs.
 * Does not: run the model, keep history, or know about the worker.
 */

import { fillLayerSelect, fitCanvas, labelledSelect, widgetFrame } from './canvas.js';

const W = 700, H = 366; // logical drawing size; the canvas scales it to its CSS width

/** @typedef {{ cell?: string, variant?: string, resetAfter?: boolean, gruResetAfter?: boolean,
 *   activation?: string, alpha?: number, gRange?: readonly number[], hRange?: readonly number[],
 *   hiddenSize?: number, layers?: number, bidirectional?: boolean }} CellConfig */

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

/** LSTM variant -> which parts it has (the table of core/model.c lstm_parts_of).
 * g/h activation: 'tanh', 'id' (NIAF/NOAF) or 'ssig' (1997's scaled sigmoid). */
export function lstmParts(variant = 'standard') {
  const p = { inGate: true, forgetGate: true, outGate: true, cifg: false, peep: true, fgr: false,
    gAct: 'tanh', hAct: 'tanh' };
  switch (variant) {
    case 'standard': case 'NP': p.peep = false; break;
    case '1997': p.forgetGate = false; p.peep = false; p.gAct = 'ssig'; p.hAct = 'ssig'; break;
    case 'NIG': p.inGate = false; break;
    case 'NFG': p.forgetGate = false; break;
    case 'NOG': p.outGate = false; break;
    case 'NIAF': p.gAct = 'id'; break;
    case 'NOAF': p.hAct = 'id'; break;
    case 'CIFG': p.cifg = true; break;
    case 'FGR': p.fgr = true; break;
    default: break; // vanilla
  }
  return p;
}

// ---- colours (the same maps as heatmap.js: gates white -> teal-blue, signed blue-white-orange)

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
const rgb = (/** @type {number[]} */ c) => `rgb(${c.map((v) => Math.round(v)).join(',')})`;
const ink = (/** @type {number[]} */ c) => (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 140 ? '#fff' : '#1b1f24');

const PEEP = '#8e44ad', FGRC = '#d35400', CONST = '#7a828c';

/**
 * @typedef {{ id: string, x: number, y: number, w?: number, h?: number, label: string, act?: string,
 *   kind: 'gate' | 'signed' | 'neutral' | 'const' | 'junction' | 'io' | 'fixed',
 *   dashed?: boolean, value?: (t: number, j: number) => number, small?: string }} Node
 * @typedef {{ pts: number[][], color?: string, dashed?: boolean, arrow?: boolean, width?: number,
 *   label?: string, lx?: number, ly?: number, la?: CanvasTextAlign }} Wire
 * @typedef {{ nodes: Node[], wires: Wire[], dots: number[][], texts: { x: number, y: number, s: string,
 *   color?: string, align?: CanvasTextAlign, size?: number }[],
 *   gates: string[], constant: string[], derived: string[], peep: boolean, fgr: boolean,
 *   acts: string[], title: string, eq: string[] }} Scene
 */

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
    this.scene = buildScene(this.config);
    const s = this.scene;
    const d = this.root.dataset;
    d.cell = this.config.cell ?? 'lstm';
    d.variant = d.cell === 'lstm' ? (this.config.variant ?? 'standard') : d.cell === 'gru'
      ? (resetAfter(this.config) ? 'reset-after' : 'reset-before') : '';
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
    const cell = this.config.cell ?? 'lstm';
    if (cell === 'lstm') { // g is signed
      const Hn = f.hiddenSize;
      for (let t = 0; t < f.length; t++) for (let j = 0; j < Hn; j++) s = Math.max(s, Math.abs(f.gates[t * 4 * Hn + 2 * Hn + j]));
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
    const cellName = { lstm: 'cell c', ctrnn: 'potential x' }[this.config.cell ?? 'lstm'];
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
    if ((this.config.cell ?? 'lstm') === 'esn') items.push(line('cd-fixed', 'fixed, not trained'));
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
    for (const n of s.nodes) this.drawNode(ctx, n, fg, muted, panel);
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
    const kind = this.config.cell ?? 'lstm';
    const ids = kind === 'lstm' ? ['i', 'f', 'g', 'o', 'c', 'h'] : kind === 'gru' ? ['r', 'z', 'n', 'h']
      : kind === 'ctrnn' ? ['x', 'h'] : ['h'];
    return ids.map((id) => s.nodes.find((n) => n.id === id))
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
    const c = this.config, kind = c.cell ?? 'lstm';
    const alpha = c.alpha ?? 1;
    const hr = c.hRange ?? [-1, 1];
    /** @type {Record<string, (t: number, j: number) => number>} */
    const src = {
      cprev: (t, j) => cell(prev(t), j), c: cell, hprev: (t, j) => hid(prev(t), j), h: hid,
      xprev: (t, j) => cell(prev(t), j), x: cell,
    };
    if (kind === 'lstm') {
      const p = lstmParts(c.variant);
      Object.assign(src, { i: gate(0), f: gate(1), g: gate(2), o: gate(3) });
      src.hs = p.hAct === 'id' ? cell : p.hAct === 'ssig'
        ? (t, j) => hr[0] + (hr[1] - hr[0]) / (1 + Math.exp(-cell(t, j))) : (t, j) => Math.tanh(cell(t, j));
    } else if (kind === 'gru') {
      Object.assign(src, { r: gate(0), z: gate(1), n: gate(2) });
      src.omz = (t, j) => 1 - gate(1)(t, j);
    } else {
      src.act = gate(0);
      if (kind === 'ctrnn') src.drive = (t, j) => (cell(t, j) - (1 - alpha) * cell(prev(t), j)) / alpha;
    }
    for (const n of s.nodes) if (src[n.id]) n.value = src[n.id];
  }

  /** @param {CanvasRenderingContext2D} ctx @param {Node} n @param {string} fg @param {string} muted @param {string} panel */
  drawNode(ctx, n, fg, muted, panel) {
    const v = this.nodeValue(n);
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
    if (hasFill) fill = n.kind === 'gate' ? gateColor(v) : signedColor(v / (cellNode ? this.cscale : this.scale));
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
}

/** @param {number} v */
function fmt(v) { return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2); }

/** @param {CellConfig} c */
function resetAfter(c) { return c.resetAfter ?? c.gruResetAfter ?? true; }

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
function drawWire(ctx, w, color) {
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

// ---- scenes: where each cell's parts sit (logical 700 x 366 coordinates)

const BUS = 334, GY = 272, TOP = 64, GH = 40; // bus, gate row, highway y; gate height
const gTop = GY - GH / 2, gBot = GY + GH / 2;

/** @param {CellConfig} c @returns {Scene} */
export function buildScene(c) {
  const kind = c.cell ?? 'lstm';
  /** @type {Scene} */
  const s = { nodes: [], wires: [], dots: [], texts: [], gates: [], constant: [], derived: [], peep: false,
    fgr: false, acts: [], title: '', eq: [] };
  const act = c.activation ?? 'tanh';
  const actName = act === 'sigmoid' ? 'σ' : act;
  /** bus at the bottom: x_t and h_{t-1} feed every consumer at the given x positions */
  const bus = (/** @type {number[]} */ taps, /** @type {{ hprevNode?: boolean, fixed?: boolean }} */ o = {}) => {
    const right = Math.max(...taps);
    s.nodes.push({ id: 'xin', x: 52, y: BUS, w: 56, h: 28, label: 'x_t'.replace('_t', 'ₜ'), kind: 'io' });
    if (o.hprevNode) s.nodes.push({ id: 'hprev', x: 52, y: 196, w: 66, h: 40, label: 'hₜ₋₁', kind: 'signed' });
    s.wires.push({ pts: [[80, BUS], [right, BUS]], arrow: false, width: 2.2 });
    s.wires.push({ pts: [[52, o.hprevNode ? 216 : TOP + 20], [52, 296], [108, 296], [108, BUS]], arrow: false, width: 1.6 });
    s.dots.push([108, BUS]);
    for (const x of taps) { s.wires.push({ pts: [[x, BUS], [x, gBot + 1]] }); s.dots.push([x, BUS]); }
    s.texts.push({ x: 120, y: BUS + 14, s: '[xₜ, hₜ₋₁]  →  W x + U h + b  per gate' });
  };

  if (kind === 'lstm') {
    const v = c.variant ?? 'standard';
    const p = lstmParts(v);
    s.peep = p.peep; s.fgr = p.fgr;
    const gr = c.gRange ?? [-2, 2], hr = c.hRange ?? [-1, 1];
    const gActLabel = p.gAct === 'tanh' ? 'tanh' : p.gAct === 'id' ? 'id' : `σ[${gr[0]},${gr[1]}]`;
    const hActLabel = p.hAct === 'tanh' ? 'tanh' : p.hAct === 'id' ? 'id' : `σ[${hr[0]},${hr[1]}]`;
    s.acts = [`g:${p.gAct}`, `h:${p.hAct}`];
    s.title = `LSTM · ${v}` + ({ standard: ' (PyTorch)', vanilla: ' (peepholes)', '1997': ' (no forget gate)',
      NIG: ' (no input gate)', NFG: ' (no forget gate)', NOG: ' (no output gate)', NIAF: ' (no input activation)',
      NOAF: ' (no output activation)', NP: ' (no peepholes)', CIFG: ' (coupled input-forget)', FGR: ' (full gate recurrence)' }[v] ?? '');
    const X = { f: 190, i: 290, g: 396, o: 486, fx: 190, plus: 343, hs: 560, hx: 560, cprev: 52, cout: 650 };
    // highway
    s.nodes.push({ id: 'cprev', x: X.cprev, y: TOP, w: 66, h: 40, label: 'cₜ₋₁', kind: 'signed' });
    s.nodes.push({ id: 'c', x: X.cout, y: TOP, w: 66, h: 40, label: 'cₜ', kind: 'signed' });
    s.wires.push({ pts: [[X.cprev + 33, TOP], [X.fx - 13, TOP]], width: 3 });
    s.wires.push({ pts: [[X.fx + 13, TOP], [X.plus - 13, TOP]], width: 3 });
    s.wires.push({ pts: [[X.plus + 13, TOP], [X.cout - 33, TOP]], width: 3 });
    s.texts.push({ x: 250, y: TOP - 14, s: 'cell state', align: 'center' });
    s.nodes.push({ id: 'fx', x: X.fx, y: TOP, label: '×', kind: 'junction' });
    s.nodes.push({ id: 'plus', x: X.plus, y: TOP, label: '+', kind: 'junction' });
    // output path: c_t -> Hs -> x o -> h_t
    s.dots.push([X.hs, TOP]);
    s.wires.push({ pts: [[X.hs, TOP], [X.hs, 126]] });
    const hsDashed = p.hAct === 'id';
    s.nodes.push({ id: 'hs', x: X.hs, y: 146, w: 76, h: 40, label: hsDashed ? 'id' : p.hAct === 'ssig' ? 'h(c)' : 'tanh',
      act: hsDashed ? 'no act.' : p.hAct === 'ssig' ? hActLabel : '', kind: 'signed', dashed: hsDashed });
    s.wires.push({ pts: [[X.hs, 166], [X.hs, 206]] });
    s.nodes.push({ id: 'hx', x: X.hx, y: 219, label: '×', kind: 'junction' });
    s.nodes.push({ id: 'h', x: X.cout, y: 219, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
    s.wires.push({ pts: [[X.hx + 13, 219], [X.cout - 33, 219]] });
    s.wires.push({ pts: [[X.cout, 239], [X.cout, BUS - 28]], dashed: true, label: 'to t+1, readout', lx: X.cout, ly: BUS - 18, la: 'center' });
    // i x g
    s.nodes.push({ id: 'ix', x: X.plus, y: 172, label: '×', kind: 'junction' });
    s.wires.push({ pts: [[X.plus, 159], [X.plus, TOP + 13]] });
    /** @type {number[]} */
    const taps = [];
    /** a gate node or, when missing, a dashed constant 1 */
    const gateNode = (/** @type {string} */ id, /** @type {number} */ x, /** @type {boolean} */ has, /** @type {string} */ actLabel, /** @type {'gate'|'signed'} */ k) => {
      if (has) {
        s.nodes.push({ id, x, y: GY, w: actLabel.length > 5 ? 80 : 62, h: GH, label: id, act: actLabel, kind: k, dashed: actLabel === 'id' });
        s.gates.push(id); taps.push(x);
      } else {
        s.nodes.push({ id: `${id}1`, x, y: GY, w: 46, h: 30, label: `${id} = 1`, kind: 'const', dashed: true });
        s.constant.push(id);
      }
    };
    gateNode('i', X.i, p.inGate, 'σ', 'gate');
    if (p.cifg) {
      s.nodes.push({ id: 'f', x: X.f, y: GY, w: 62, h: GH, label: 'f', act: '1−i', kind: 'gate', dashed: true });
      s.derived.push('f');
      s.wires.push({ pts: [[X.i - 31, GY], [X.f + 32, GY]], dashed: true, color: CONST });
    } else gateNode('f', X.f, p.forgetGate, 'σ', 'gate');
    gateNode('g', X.g, true, p.gAct === 'id' ? 'id' : gActLabel, 'signed');
    gateNode('o', X.o, p.outGate, 'σ', 'gate');
    const fOK = p.forgetGate || p.cifg, iOK = p.inGate, oOK = p.outGate;
    for (const n of s.nodes) { // a junction multiplying by a constant 1 is drawn dashed
      if ((n.id === 'fx' && !fOK) || (n.id === 'ix' && !iOK) || (n.id === 'hx' && !oOK)) n.dashed = true;
    }
    // gate outputs up to their junctions
    s.wires.push({ pts: [[X.f, fOK ? gTop : GY - 15], [X.f, TOP + 13]], dashed: !fOK || p.cifg, color: fOK ? undefined : CONST });
    s.wires.push({ pts: [[X.i, iOK ? gTop : GY - 15], [X.i, 172], [X.plus - 13, 172]], dashed: !iOK, color: iOK ? undefined : CONST });
    s.wires.push({ pts: [[X.g, gTop], [X.g, 172], [X.plus + 13, 172]] });
    s.wires.push({ pts: [[X.o, oOK ? gTop : GY - 15], [X.o, 219], [X.hx - 13, 219]], dashed: !oOK, color: oOK ? undefined : CONST });
    if (p.peep) {
      const ry = 232;
      const peepIn = [];
      if (iOK) peepIn.push(X.i - 20);
      if (p.forgetGate && !p.cifg) peepIn.push(X.f - 20);
      if (peepIn.length) {
        s.dots.push([118, TOP]);
        s.wires.push({ pts: [[118, TOP], [118, ry], [Math.max(...peepIn), ry]], color: PEEP, arrow: false, width: 1.3,
          label: 'cₜ₋₁', lx: 122, ly: 150 });
        for (const x of peepIn) s.wires.push({ pts: [[x, ry], [x, gTop]], color: PEEP, width: 1.3 });
      }
      if (oOK) {
        s.dots.push([610, TOP]);
        s.wires.push({ pts: [[610, TOP], [610, 100], [X.o + 20, 100], [X.o + 20, gTop]], color: PEEP, width: 1.3,
          label: 'cₜ', lx: 592, ly: 92 });
      }
      s.texts.push({ x: 122, y: 223, s: 'peepholes', color: PEEP, size: 10.5 });
    }
    if (p.fgr) {
      const fy = 305;
      const fx = [X.f, X.i, X.o];
      s.wires.push({ pts: [[X.f - 14, gBot], [X.f - 14, fy], [X.o + 14, fy], [X.o + 14, gBot]], color: FGRC, dashed: true, width: 1.4 });
      s.wires.push({ pts: [[X.i + 14, fy], [X.i + 14, gBot]], color: FGRC, dashed: true, width: 1.4 });
      s.wires.push({ pts: [[X.f - 14, fy], [X.f - 14, gBot]], color: FGRC, dashed: true, width: 1.4, arrow: true });
      s.texts.push({ x: (fx[1] + fx[2]) / 2 + 8, y: fy + 9, s: 'R · [i f o]ₜ₋₁', color: FGRC, size: 10.5, align: 'center' });
    }
    bus(taps, { hprevNode: true });
    // equations, following core/lstm.c
    const I = iOK ? 'i' : '1', F = p.cifg ? '(1−i)' : fOK ? 'f' : '1', O = oOK ? 'o' : '1';
    const peepTerm = (/** @type {string} */ cc) => (p.peep ? ` + p⊙${cc}` : '');
    const rTerm = p.fgr ? ' + R[i f o]ₜ₋₁' : '';
    const eq = [];
    if (iOK) eq.push(`i = σ(Wᵢx + Uᵢh${peepTerm('cₜ₋₁')}${rTerm} + b)`);
    if (p.forgetGate && !p.cifg) eq.push(`f = σ(W_f x + U_f h${peepTerm('cₜ₋₁')}${rTerm} + b)`);
    if (p.cifg) eq.push('f = 1 − i');
    eq.push(`g = ${p.gAct === 'tanh' ? 'tanh' : p.gAct === 'id' ? '' : gActLabel}(W_g x + U_g h + b)`);
    if (oOK) eq.push(`o = σ(W_o x + U_o h${peepTerm('cₜ')}${rTerm} + b)`);
    eq.push(`cₜ = ${F === '1' ? '' : `${F}⊙`}cₜ₋₁ + ${I === '1' ? '' : 'i⊙'}g`);
    eq.push(`hₜ = ${O === '1' ? '' : 'o⊙'}${p.hAct === 'tanh' ? 'tanh(cₜ)' : p.hAct === 'id' ? 'cₜ' : `${hActLabel}(cₜ)`}`);
    s.eq = eq;
  } else if (kind === 'gru') {
    const after = resetAfter(c);
    s.title = `GRU · reset ${after ? 'after (PyTorch)' : 'before (Cho et al. 2014)'}`;
    s.gates = ['r', 'z', 'n'];
    s.acts = [`reset:${after ? 'after' : 'before'}`];
    const X = { r: 170, z: 290, n: 560, zx: 290, plus: 560, omz: 420, nx: 560, a: 400, b: 482 };
    s.nodes.push({ id: 'hprev', x: 52, y: TOP, w: 66, h: 40, label: 'hₜ₋₁', kind: 'signed' });
    s.nodes.push({ id: 'h', x: 650, y: TOP, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
    s.wires.push({ pts: [[85, TOP], [X.zx - 13, TOP]], width: 3 });
    s.wires.push({ pts: [[X.zx + 13, TOP], [X.plus - 13, TOP]], width: 3 });
    s.wires.push({ pts: [[X.plus + 13, TOP], [617, TOP]], width: 3 });
    s.texts.push({ x: 190, y: TOP - 14, s: 'hidden state', align: 'center' });
    s.nodes.push({ id: 'zx', x: X.zx, y: TOP, label: '×', kind: 'junction' });
    s.nodes.push({ id: 'plus', x: X.plus, y: TOP, label: '+', kind: 'junction' });
    // z: up to z x h, and through 1 - z to (1 - z) x n
    s.wires.push({ pts: [[X.z, gTop], [X.z, TOP + 13]] });
    s.dots.push([X.z, 150]);
    s.wires.push({ pts: [[X.z, 150], [X.omz - 28, 150]] });
    s.nodes.push({ id: 'omz', x: X.omz, y: 150, w: 56, h: 30, label: '1 − z', kind: 'gate' });
    s.wires.push({ pts: [[X.omz + 28, 150], [X.nx - 13, 150]] });
    s.nodes.push({ id: 'nx', x: X.nx, y: 150, label: '×', kind: 'junction' });
    s.wires.push({ pts: [[X.nx, 137], [X.plus, TOP + 13]] });
    s.wires.push({ pts: [[X.n, gTop], [X.n, 163]] });
    for (const [id, x, a, k] of /** @type {[string, number, string, 'gate'|'signed'][]} */ ([['r', X.r, 'σ', 'gate'], ['z', X.z, 'σ', 'gate'], ['n', X.n, 'tanh', 'signed']])) {
      s.nodes.push({ id, x, y: GY, w: 62, h: GH, label: id, act: a, kind: k });
    }
    // the reset chain into n: after = r x (U_n h + b_hn); before = U_n (r x h)
    const A = { x: X.a, y: GY }, B = { x: X.b, y: GY };
    if (after) {
      s.nodes.push({ id: 'un', x: A.x, y: A.y, w: 74, h: 30, label: 'U_n h + b', kind: 'neutral' });
      s.nodes.push({ id: 'rx', x: B.x, y: B.y, label: '×', kind: 'junction' });
      s.texts.push({ x: B.x - 6, y: 236, s: 'r ⊙ (U_n h + b_hn)', align: 'right', size: 10.5 });
      s.wires.push({ pts: [[A.x + 37, GY], [B.x - 13, GY]] });
      s.wires.push({ pts: [[B.x + 13, GY], [X.n - 31, GY]] });
      s.wires.push({ pts: [[X.r, gTop], [X.r, 212], [B.x, 212], [B.x, GY - 13]] });
    } else {
      s.nodes.push({ id: 'rx', x: A.x, y: A.y, label: '×', kind: 'junction' });
      s.texts.push({ x: A.x - 6, y: 236, s: 'r ⊙ hₜ₋₁', align: 'right', size: 10.5 });
      s.nodes.push({ id: 'un', x: B.x, y: B.y, w: 46, h: 30, label: 'U_n ·', kind: 'neutral' });
      s.wires.push({ pts: [[A.x + 13, GY], [B.x - 23, GY]] });
      s.wires.push({ pts: [[B.x + 23, GY], [X.n - 31, GY]] });
      s.wires.push({ pts: [[X.r, gTop], [X.r, 212], [A.x, 212], [A.x, GY - 13]] });
    }
    s.wires.push({ pts: [[A.x, BUS], [A.x, after ? GY + 15 : GY + 13]] });
    s.dots.push([A.x, BUS]);
    s.texts.push({ x: A.x + 5, y: 310, s: 'h', size: 10 });
    bus([X.r, X.z, X.n]);
    s.eq = ['r = σ(W_r x + U_r h + b)', 'z = σ(W_z x + U_z h + b)',
      after ? 'n = tanh(W_n x + b + r⊙(U_n h + b_hn))' : 'n = tanh(W_n x + U_n(r⊙h) + b)',
      'hₜ = (1 − z)⊙n + z⊙hₜ₋₁'];
  } else if (kind === 'rnn') {
    s.title = `Elman RNN · ${act}`;
    s.gates = ['h'];
    s.acts = [`h:${act}`];
    s.nodes.push({ id: 'sum', x: 290, y: GY, w: 112, h: 34, label: 'W x + U h + b', kind: 'neutral' });
    s.nodes.push({ id: 'act', x: 460, y: GY, w: 66, h: GH, label: actName, act: '', kind: act === 'sigmoid' ? 'gate' : 'signed' });
    s.nodes.push({ id: 'h', x: 630, y: GY, w: 66, h: GH, label: 'hₜ', kind: 'signed' });
    s.wires.push({ pts: [[346, GY], [427, GY]] });
    s.wires.push({ pts: [[493, GY], [597, GY]] });
    s.wires.push({ pts: [[630, gTop], [630, 130], [52, 130], [52, 176]], dashed: true, label: 'hₜ becomes hₜ₋₁ at the next step', lx: 340, ly: 120, la: 'center' });
    bus([290], { hprevNode: true });
    s.eq = [`hₜ = ${act}(W xₜ + U hₜ₋₁ + b)`];
  } else {
    // ctrnn and esn: a leaky integrator along the top
    const a = c.alpha ?? 1, esn = kind === 'esn';
    s.title = esn ? `Echo-state network · leak α = ${+a.toFixed(3)}` : `Continuous-time RNN · α = dt/τ = ${+a.toFixed(3)}`;
    s.gates = esn ? [] : ['h'];
    s.acts = [`h:${act}`];
    const st = esn ? 'h' : 'x';
    s.nodes.push({ id: esn ? 'hprev' : 'xprev', x: 52, y: TOP, w: 66, h: 40, label: `${st}ₜ₋₁`, kind: 'signed' });
    s.nodes.push({ id: 'lx', x: 200, y: TOP, label: '×', kind: 'junction', small: `1 − α = ${+(1 - a).toFixed(3)}` });
    s.nodes.push({ id: 'plus', x: 400, y: TOP, label: '+', kind: 'junction' });
    s.wires.push({ pts: [[85, TOP], [187, TOP]], width: 3 });
    s.wires.push({ pts: [[213, TOP], [387, TOP]], width: 3 });
    s.nodes.push({ id: 'sum', x: 260, y: GY, w: 118, h: 36, label: 'W u + U h + b', kind: esn ? 'fixed' : 'neutral',
      small: esn ? 'fixed reservoir · not trained' : '' });
    s.nodes.push({ id: 'ax', x: 400, y: 180, label: '×', kind: 'junction', small: `α = ${+a.toFixed(3)}` });
    s.wires.push({ pts: [[400, 167], [400, TOP + 13]] });
    if (esn) {
      s.nodes.push({ id: 'act', x: 400, y: GY, w: 62, h: GH, label: actName, kind: act === 'sigmoid' ? 'gate' : 'signed' });
      s.wires.push({ pts: [[319, GY], [369, GY]] });
      s.wires.push({ pts: [[400, gTop], [400, 193]] });
      s.nodes.push({ id: 'h', x: 640, y: TOP, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
      s.wires.push({ pts: [[413, TOP], [607, TOP]], width: 3 });
      s.texts.push({ x: 300, y: TOP + 14, s: 'hidden state (leaky)', align: 'center' });
      s.wires.push({ pts: [[640, TOP + 20], [640, 180]], label: 'readout W_out h: the only trained part', lx: 690, ly: 194, la: 'right' });
      bus([260]);
    } else {
      s.wires.push({ pts: [[319, GY], [400, GY], [400, 193]] });
      s.nodes.push({ id: 'x', x: 510, y: TOP, w: 66, h: 40, label: 'xₜ', kind: 'signed' });
      s.wires.push({ pts: [[413, TOP], [477, TOP]], width: 3 });
      s.texts.push({ x: 300, y: TOP + 14, s: 'membrane potential x', align: 'center' });
      s.nodes.push({ id: 'act', x: 510, y: 172, w: 62, h: GH, label: actName, act: '', kind: act === 'sigmoid' ? 'gate' : 'signed' });
      s.wires.push({ pts: [[510, TOP + 20], [510, 152]] });
      s.nodes.push({ id: 'h', x: 640, y: 172, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
      s.wires.push({ pts: [[541, 172], [607, 172]] });
      bus([260], { hprevNode: true });
    }
    s.eq = esn
      ? [`hₜ = (1 − α) hₜ₋₁ + α ${act}(W uₜ + U hₜ₋₁ + b)`, 'W, U fixed (U scaled to the spectral radius); only the readout learns']
      : [`xₜ = (1 − α) xₜ₋₁ + α (W uₜ + U hₜ₋₁ + b)`, `hₜ = ${act}(xₜ)`];
  }
  return s;
}
