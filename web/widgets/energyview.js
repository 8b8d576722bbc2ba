// @ts-check
/* energyview.js - the page of the energy-based nets (families/energy.js): one panel per mode,
 * drawn from the worker's `energy` snapshot part, with the controls that talk to the worker
 * (Hopfield: store, recall, presets; Boltzmann: the gradient; Ising: scan).
 *
 *   const view = createEnergyView(root, { send, tooltip, color });
 *   view.init(info.energy);   // a new run: which mode, whether the engine has it, its shape
 *   view.update(snapshot.energy, snapshot);
 *   view.pub                  // what the tests read (window.__state.energy)
 * Hopfield: the grid (patterngrid.js) to draw on, the stored memories (tiles.js; a click picks
 * one, corrupted by the slider), Recall animated flip by flip from the engine's trace with the
 * energy curve (xyplot.js) drawn up to the update shown, the overlaps with every memory, the
 * capacity chart (mean overlap against P/N, Hebb and Storkey, alpha_c marked; the page's own
 * recalls as points). RBM: filters, data, Gibbs samples, reconstructions (tiles.js), the exact
 * log-likelihood (or AIS's estimate, +- 1 standard error) and the reconstruction error (charts.js).
 * DBN: the schedule, the bottom RBM's filters, samples drawn down from the top, each RBM's
 * reconstruction error while it trains, the whole net's up-down error. Boltzmann machine: the
 * exact / sampled switch, W and the clamped and free phases' <s_i s_j>, data and Gibbs samples,
 * the exact log-likelihood and the pseudo-log-likelihood. Ising: the lattice (lattice.js),
 * magnetisation against T (live bins, the scan, Onsager's curve; T_c marked), m and e per sweep.
 * Texts go in with textContent.
 */
import { createPatternGrid } from './patterngrid.js';
import { createTiles } from './tiles.js';
import { createXYPlot } from './xyplot.js';
import { createLattice } from './lattice.js';
import { createChart } from './charts.js';
import { rng } from '../families/common.js';

/** ms per flip shown (async recall), per sweep (sync) */
const FLIP_MS = 45, SWEEP_MS = 400;
/** Ising: the sweeps the m, e chart keeps */
const TRACE_KEEP = 1500;
/** Onsager's spontaneous magnetisation of the infinite lattice @param {number} T */
export const onsager = (T) => (T >= 2 / Math.log(1 + Math.SQRT2) ? 0 : (1 - Math.sinh(2 / T) ** -4) ** 0.125);

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
/** @param {string} text @param {string} [title] */
function button(text, title) {
  const b = /** @type {HTMLButtonElement} */ (el('button', undefined, text));
  b.type = 'button';
  if (title) b.title = title;
  return b;
}
/** a figure with a caption, its body appended by the caller @param {HTMLElement} parent @param {string} caption */
function figure(parent, caption, cls = '') {
  const f = el('figure', `en-fig ${cls}`);
  const c = el('figcaption', undefined, caption);
  f.append(c);
  parent.append(f);
  return { fig: f, cap: c };
}

/** a figure holding a line chart (charts.js) under its caption; opts null: the plot alone (the
 * chart made later) @param {HTMLElement} parent @param {string} caption
 * @param {import('./charts.js').ChartOptions | null} opts */
function chartFigure(parent, caption, opts) {
  const { fig, cap } = figure(parent, caption, 'chart');
  const plot = el('div', 'plot');
  fig.append(plot);
  return { fig, cap, plot, chart: opts ? createChart(plot, opts) : null };
}

/** a figure holding tiles (tiles.js) under its caption @param {HTMLElement} parent @param {string} caption
 * @param {import('./tiles.js').TilesOptions} opts @param {string} [cls] */
function tileFigure(parent, caption, opts, cls = '') {
  const { fig, cap } = figure(parent, caption, cls);
  return { fig, cap, tiles: createTiles(fig, opts) };
}

/** the data set's tiles (the first rows) and their caption @param {{ update: (values: Float32Array, count: number, width: number, height: number, o: { columns: number }) => void }} tiles
 * @param {HTMLElement} cap @param {any} e the init info */
function showData(tiles, cap, e) {
  tiles.update(e.data, e.dataRows, e.width, e.height, { columns: Math.min(e.dataRows, 16) });
  cap.textContent = `the data: ${e.rows} patterns of ${e.width} × ${e.height}${e.dataRows < e.rows ? ` (the first ${e.dataRows})` : ''}`;
}

/** @typedef {ReturnType<typeof createEnergyView>} EnergyView */

/**
 * @param {HTMLElement} root
 * @param {{ send: (msg: any) => void, tooltip: HTMLElement, color: (name: string) => string }} deps
 */
export function createEnergyView(root, { send, tooltip, color }) {
  const note = el('p', 'alert en-note');
  note.setAttribute('role', 'status');
  note.hidden = true;
  root.append(note);
  /** @type {Record<string, HTMLElement>} */
  const panels = {};
  for (const m of ['hopfield', 'rbm', 'dbn', 'boltzmann', 'ising']) {
    panels[m] = el('div', `en-panel en-${m}`);
    panels[m].dataset.mode = m;
    panels[m].hidden = true;
    root.append(panels[m]);
  }
  /** @type {any} */
  const pub = { mode: null, available: false, updates: 0 };
  /** @type {any} the init info of the run */
  let info = null;

  // ---- Hopfield -------------------------------------------------------------------------------
  const hp = panels.hopfield;
  const hTop = el('div', 'hop-top');
  hp.append(hTop);
  const gridBox = el('div', 'hop-gridbox');
  hTop.append(gridBox);
  const gridTitle = el('h3', undefined, 'the network\'s state');
  gridBox.append(gridTitle);
  const grid = createPatternGrid(gridBox, { label: 'the Hopfield network\'s state', tooltip, onDraw: () => { base = null; } });
  const tools = el('div', 'hop-tools');
  gridBox.append(tools);
  const storeBtn = button('Store this pattern', 'Add the grid\'s pattern to the memories');
  const clearGridBtn = button('Clear the grid');
  const noiseLabel = /** @type {HTMLLabelElement} */ (el('label', 'hop-noise'));
  const noiseOut = el('output', undefined, '20%');
  const noise = /** @type {HTMLInputElement} */ (el('input'));
  Object.assign(noise, { type: 'range', min: '0', max: '50', step: '1', value: '20' });
  noise.setAttribute('aria-label', 'corruption: the percentage of units flipped');
  noiseLabel.append('corruption ', noiseOut, noise);
  const recallBtn = button('Recall', 'Run the dynamics from the grid\'s state: one unit at a time (async) or all at once (sync)');
  recallBtn.classList.add('primary');
  const skipBtn = button('Skip to the end');
  skipBtn.disabled = true;
  tools.append(storeBtn, clearGridBtn, noiseLabel, recallBtn, skipBtn);
  const landed = el('p', 'hop-status');
  landed.setAttribute('role', 'status');
  gridBox.append(landed);

  const hSide = el('div', 'hop-side');
  hTop.append(hSide);
  const eFig = figure(hSide, 'energy E(s) = −½ sᵀWs − bᵀs after every update');
  const energyPlot = createXYPlot(eFig.fig, { xLabel: 'update', yLabel: 'energy', x: 'auto', y: 'auto', tooltip, height: 170, xInteger: true,
    series: [{ label: 'E', color: '--c-train' }, { label: 'now', color: '--accent', points: true, line: false }] });
  const oFig = figure(hSide, 'overlap m = x·s / N with each memory, as recall goes');
  const overlapList = el('ol', 'hop-overlaps');
  oFig.fig.append(overlapList);

  const memBox = el('div', 'hop-memories');
  hp.append(memBox);
  const memTitle = el('h3', undefined, 'stored memories');
  memBox.append(memTitle);
  const memTools = el('div', 'hop-tools');
  memBox.append(memTools);
  const digitsBtn = button('Digits 0–2', 'Store the digits 0, 1 and 2 of the built-in font (replacing the memories)');
  const digits5Btn = button('Digits 0–4', 'Store the digits 0 to 4 (replacing the memories)');
  const randomBtn = button('6 random patterns', 'Store 6 random patterns (replacing the memories)');
  const forgetBtn = button('Forget all');
  memTools.append(digitsBtn, digits5Btn, randomBtn, forgetBtn);
  const memHint = el('p', 'hint', 'click a memory to put it on the grid, corrupted by the slider; then Recall');
  memBox.append(memHint);
  const memTiles = createTiles(memBox, { label: 'the stored memories: pick one to corrupt and recall', kind: 'spin', tooltip, tile: 60,
    onPick: (i) => pick(i) });

  const cFig = figure(hp, 'capacity: mean overlap after recall against P/N; Play runs trials on fresh random patterns', 'hop-capacity');
  const capPlot = createXYPlot(cFig.fig, { xLabel: 'P/N', yLabel: 'mean overlap', x: [0, 0.5], y: [0, 1.02], tooltip, height: 190,
    series: [{ label: 'Hebb', color: '--c-train', points: true }, { label: 'Storkey', color: '--c-heldout', points: true },
      { label: 'your recalls', color: '--c-metric', points: true, line: false }],
    markers: [{ x: 0.138, label: 'αc ≈ 0.138 (Amit, Gutfreund & Sompolinsky)', at: 'bottom' }] });
  const capNote = el('p', 'hint');
  cFig.fig.append(capNote);

  /** @type {Float32Array} the stored memories as last posted */
  let stored = new Float32Array(0);
  let storedCount = 0, storedVersion = -1, picks = 0;
  /** @type {{ pattern: Float32Array, order: number[] } | null} the memory (or drawing) the slider corrupts */
  let base = null;
  /** @type {any} the recall being shown */
  let anim = null;
  let lastRecallId = 0;

  /** @param {number} i */
  function pick(i) {
    const N = grid.width * grid.height;
    if (i < 0 || i >= storedCount) return;
    memTiles.select(i);
    setBase(stored.slice(i * N, (i + 1) * N));
  }
  /** @param {Float32Array} pattern */
  function setBase(pattern) {
    const rand = rng(1 + 7919 * ++picks);
    const order = Array.from(pattern, (_, k) => k);
    for (let j = order.length - 1; j > 0; j--) { const k = Math.floor(rand() * (j + 1)); [order[j], order[k]] = [order[k], order[j]]; }
    base = { pattern, order };
    corrupt();
  }
  function corrupt() {
    if (!base) return;
    const s = base.pattern.slice();
    const n = Math.round((Number(noise.value) / 100) * s.length);
    for (let j = 0; j < n; j++) s[base.order[j]] = -s[base.order[j]];
    stopAnim();
    grid.set(s);
  }
  noise.addEventListener('input', () => {
    noiseOut.textContent = `${noise.value}%`;
    if (!base) setBase(grid.get()); else corrupt();
  });
  storeBtn.addEventListener('click', () => send({ type: 'hopfield', op: 'store', pattern: grid.get() }));
  clearGridBtn.addEventListener('click', () => { stopAnim(); base = null; grid.set(new Float32Array(grid.width * grid.height).fill(-1)); });
  recallBtn.addEventListener('click', () => { stopAnim(); send({ type: 'hopfield', op: 'recall', state: grid.get() }); });
  skipBtn.addEventListener('click', () => { if (anim) finishAnim(); });
  digitsBtn.addEventListener('click', () => send({ type: 'hopfield', op: 'preset', kind: 'digits', count: 3 }));
  digits5Btn.addEventListener('click', () => send({ type: 'hopfield', op: 'preset', kind: 'digits', count: 5 }));
  randomBtn.addEventListener('click', () => send({ type: 'hopfield', op: 'preset', kind: 'random', count: 6 }));
  forgetBtn.addEventListener('click', () => send({ type: 'hopfield', op: 'clear' }));

  function stopAnim() {
    if (!anim) return;
    cancelAnimationFrame(anim.frame);
    anim = null;
    skipBtn.disabled = true;
    grid.mark(null);
  }
  /** the recall's trace: the state after update k (flips applied up to it) */
  function showUpTo(/** @type {number} */ k, /** @type {number} */ flipsShown) {
    const r = anim.rec;
    const N = r.start.length;
    const s = anim.state;
    for (let f = anim.applied; f < flipsShown; f++) { const u = r.flips[2 * f + 1]; s[u] = -s[u]; }
    anim.applied = flipsShown;
    grid.set(s);
    const last = flipsShown > 0 ? r.flips[2 * (flipsShown - 1) + 1] : null;
    grid.mark(k < r.energy.length - 1 ? last : null, true);
    const xs = [], ys = [];
    for (let i = 0; i <= k && i < r.energy.length; i++) { xs.push(i); ys.push(r.energy[i]); }
    energyPlot.set(0, xs, ys);
    energyPlot.set(1, [xs[xs.length - 1]], [ys[ys.length - 1]]);
    showOverlaps(r, s, N);
    pub.hopfield.shownUpdate = k;
    pub.hopfield.shownEnergies = ys;
    pub.hopfield.flipsShown = flipsShown;
  }
  /** @param {any} r @param {Float32Array} s @param {number} N */
  function showOverlaps(r, s, N) {
    const items = [];
    for (let i = 0; i < storedCount; i++) {
      let d = 0;
      for (let j = 0; j < N; j++) d += stored[i * N + j] * s[j];
      const m = d / N;
      const li = el('li', i === r.target ? 'target' : '');
      const bar = el('span', 'bar');
      bar.style.width = `${Math.abs(m) * 100}%`;
      if (m < 0) bar.classList.add('neg');
      li.append(el('span', 'lab', `memory ${i + 1}${i === r.target ? ' (the start\'s nearest)' : ''}`), el('span', 'track'), el('span', 'num', m.toFixed(2)));
      /** @type {HTMLElement} */ (li.children[1]).append(bar);
      items.push(li);
    }
    overlapList.replaceChildren(...items);
  }
  function finishAnim() {
    const r = anim.rec;
    showUpTo(r.energy.length - 1, r.flips.length / 2);
    cancelAnimationFrame(anim.frame);
    grid.mark(null);
    anim = null;
    skipBtn.disabled = true;
    const how = r.update === 'sync' ? `${r.sweeps} parallel update${r.sweeps === 1 ? '' : 's'}` : `${r.sweeps} sweep${r.sweeps === 1 ? '' : 's'} of one unit at a time`;
    const end = r.converged ? 'converged' : r.period === 2 ? 'caught in a 2-cycle (synchronous updates can oscillate)' : 'stopped at the sweep limit';
    landed.textContent = `${r.flips.length / 2} flips, ${how}, ${end}: it landed on ${r.landing.text}. E ${fmt(r.energy[0])} → ${fmt(r.energy[r.energy.length - 1])}.`;
    pub.hopfield.done = true;
    pub.hopfield.landing = r.landing;
    base = null;
  }
  const fmt = (/** @type {number} */ v) => String(+v.toFixed(3));
  /** @param {any} r */
  function startAnim(r) {
    stopAnim();
    anim = { rec: r, state: Float32Array.from(r.start), applied: 0, sweep: 0, t0: performance.now(), frame: 0 };
    skipBtn.disabled = false;
    landed.textContent = `recall from the grid (${r.update}, T = ${r.temperature}) …`;
    Object.assign(pub.hopfield, { recallId: r.id, done: false, energies: Array.from(r.energy), flips: r.flips.length / 2,
      update: r.update, converged: r.converged, landing: null });
    // async: a line where each sweep of N updates ends (the last one changed nothing when it converged)
    const sweepMarks = r.update === 'async' && r.sweeps <= 8 ? Array.from({ length: r.sweeps }, (_, i) => (i + 1) * r.start.length) : [];
    energyPlot.setMarkers(sweepMarks.map((x, i) => ({ x, label: `sweep ${i + 1}` })));
    energyPlot.setXLabel(r.update === 'sync' ? 'parallel update (every unit at once)' : `unit update (${r.start.length} a sweep)`);
    energyPlot.set(0, [], []); energyPlot.set(1, [], []);
    pub.hopfield.sweepMarks = sweepMarks;
    const F = r.flips.length / 2;
    const tick = () => {
      if (!anim) return;
      const t = performance.now() - anim.t0;
      if (r.update === 'sync') {
        const k = Math.min(r.energy.length - 1, anim.sweep + 1, Math.floor(t / SWEEP_MS));
        anim.sweep = k;
        let f = 0;
        while (f < F && r.flips[2 * f] <= k) f++;
        if (k >= r.energy.length - 1) { finishAnim(); return; }
        showUpTo(k, f);
      } else {
        // one flip a frame at most: unit by unit even when frames come late
        const f = Math.min(F, anim.applied + 1, Math.floor(t / FLIP_MS));
        if (f >= F) { finishAnim(); return; }
        showUpTo(f > 0 ? r.flips[2 * (f - 1)] : 0, f);
      }
      anim.frame = requestAnimationFrame(tick);
    };
    anim.frame = requestAnimationFrame(tick);
  }

  /** @param {any} e */
  function updateHopfield(e) {
    const N = e.N;
    if (grid.width !== e.width || grid.height !== e.height) grid.size(e.width, e.height);
    gridTitle.textContent = `the network's state: ${e.width} × ${e.height} = ${N} units of ±1 (draw on it)`;
    if (e.storedVersion !== storedVersion) {
      storedVersion = e.storedVersion;
      stored = e.stored; storedCount = e.storedCount;
      memTiles.update(stored, storedCount, e.width, e.height, { columns: 10, names: Array.from({ length: storedCount }, (_, i) => `memory ${i + 1}`) });
      memTiles.select(null);
    }
    memTitle.textContent = `stored memories (${e.rule === 'storkey' ? 'Storkey' : 'Hebb'} rule): P = ${e.storedCount}, P/N = ${(e.storedCount / N).toFixed(3)}`;
    digitsBtn.disabled = digits5Btn.disabled = !e.digits;
    if (!e.digits) digitsBtn.title = digits5Btn.title = 'this engine has no digits yet (lab.patterns)';
    recallBtn.disabled = false;
    if (e.recall && e.recall.id !== lastRecallId) { lastRecallId = e.recall.id; startAnim(e.recall); }
    // the capacity chart: the mean over the trials at each alpha
    const series = (/** @type {number[][]} */ cells) => {
      /** @type {number[]} */ const xs = [];
      /** @type {number[]} */ const ys = [];
      cells.forEach(([sum, n], i) => { if (n) { xs.push(e.capacity.alphas[i]); ys.push(sum / n); } });
      return [xs, ys];
    };
    const [hx, hy] = series(e.capacity.hebb), [sx, sy] = series(e.capacity.storkey);
    capPlot.set(0, hx, hy);
    capPlot.set(1, sx, sy);
    capPlot.set(2, e.yours.map((/** @type {any} */ p) => p.alpha), e.yours.map((/** @type {any} */ p) => p.overlap));
    capNote.textContent = `${e.trials} trials so far: each a fresh net of N = ${e.capacity.size} units storing P = αN random patterns, `
      + `recalled from ${info?.capacity?.probes ?? 4} of them with ${Math.round((info?.capacity?.noise ?? 0.05) * 100)}% of the units flipped; `
      + 'your recalls: the overlap with the memory nearest the start, at the grid\'s P/N.';
    Object.assign(pub.hopfield, { storedCount, trials: e.trials, hebb: [hx, hy], storkey: [sx, sy], yours: e.yours.length,
      N, width: e.width, height: e.height, gridDraws: grid.draws, capacityDraws: capPlot.draws });
  }

  // ---- RBM ------------------------------------------------------------------------------------
  const rp = panels.rbm;
  const rTop = el('div', 'rbm-top');
  rp.append(rTop);
  const rLeft = el('div', 'rbm-left');
  rTop.append(rLeft);
  const fFig = tileFigure(rLeft, 'filters: each hidden unit\'s weights to the visible units (orange +, blue −, each scaled to its largest |w|)', { label: 'the RBM\'s filters, one per hidden unit', kind: 'signed', tooltip, tile: 40 }, 'rbm-filters');
  const filters = fFig.tiles;
  const rCharts = el('div', 'rbm-charts');
  rTop.append(rCharts);
  const llFig = chartFigure(rCharts, 'exact mean log-likelihood of the data (nats)', { series: [{ label: 'log p(v)', color: color('--c-metric') }, { label: 'optimum', color: color('--muted'), dash: [4, 4] }] });
  const llChart = /** @type {ReturnType<typeof createChart>} */ (llFig.chart);
  const aisFig = chartFigure(rCharts, 'mean log-likelihood by AIS (nats): too many states for the exact log Z, so annealed importance sampling estimates it, ± 1 standard error', { series: [{ label: 'AIS log p(v)', color: color('--c-metric') },
    { label: '+1 s.e.', color: color('--muted'), dash: [3, 3] }, { label: '−1 s.e.', color: color('--muted'), dash: [3, 3] }] });
  const aisChart = /** @type {ReturnType<typeof createChart>} */ (aisFig.chart);
  const reFig = chartFigure(rCharts, 'reconstruction error (mean-field, squared, per unit; log scale)', { series: [{ label: 'error', color: color('--c-train') }], log: true });
  const reChart = /** @type {ReturnType<typeof createChart>} */ (reFig.chart);
  const rRow = el('div', 'rbm-row');
  rLeft.append(rRow);
  const dFig = tileFigure(rRow, 'the data', { label: 'the training data', kind: 'unit', tooltip, tile: 34 });
  const dataTiles = dFig.tiles;
  const sFig = tileFigure(rRow, 'Gibbs samples', { label: 'Gibbs samples of the RBM', kind: 'unit', tooltip, tile: 34 });
  const sampleTiles = sFig.tiles;
  const cFigR = tileFigure(rRow, 'reconstructions: data (top row), p(v | h) (below)', { label: 'data and their reconstructions', kind: 'unit', tooltip, tile: 34 });
  const reconTiles = cFigR.tiles;
  const rStatus = el('p', 'hint');
  rStatus.setAttribute('role', 'status');
  rLeft.append(rStatus);

  /** @param {any} e */
  function updateRBM(e) {
    const { V, H, width, height } = e;
    // tiles about 56 px, as many a row as fit the filters' column
    const side = Math.max(28, Math.min(64, Math.round(480 / Math.sqrt(H))));
    const columns = Math.max(1, Math.min(H, Math.floor((fFig.fig.clientWidth || 600) / (side + 4))));
    filters.update(e.weight, H, width, height, { columns, side, names: Array.from({ length: H }, (_, j) => `hidden unit ${j}`) });
    sampleTiles.update(e.samples, e.chains, width, height, { columns: e.chains, names: Array.from({ length: e.chains }, (_, i) => `chain ${i}`) });
    sFig.cap.textContent = `Gibbs samples: ${e.chains} fresh chains, ${e.gibbs} block Gibbs steps each, p(v | h) of the last`;
    if (e.recon) {
      const both = new Float32Array(2 * e.reconRows * V);
      both.set(e.reconData); both.set(e.recon, e.reconRows * V);
      reconTiles.update(both, 2 * e.reconRows, width, height, { columns: e.reconRows,
        names: [...Array.from({ length: e.reconRows }, (_, i) => `data ${i}`), ...Array.from({ length: e.reconRows }, (_, i) => `reconstruction of data ${i}`)] });
    }
    for (const h of e.history) {
      if (h.ll !== null) llChart.add(h.step, [h.ll, e.optimum]);
      if (h.ais) {
        aisChart.add(h.step, [h.ais[0], h.ais[0] + h.ais[1], h.ais[0] - h.ais[1]]);
        pub.rbm.ais = h.ais;
      }
      if (h.recon !== null && h.recon > 0) reChart.add(h.step, [h.recon]);
      pub.rbm.ll = h.ll; pub.rbm.recon = h.recon;
      pub.rbm.history.push([h.step, h.ll, h.recon]);
    }
    llFig.fig.hidden = !e.exact;
    aisFig.fig.hidden = e.exact;
    const fp = e.weight.slice(0, Math.min(e.weight.length, 64));
    pub.rbm.filterKey = Array.from(fp, (v) => v.toFixed(4)).join(',');
    pub.rbm.filterDraws = filters.draws;
    pub.rbm.sampleDraws = sampleTiles.draws;
    const ll = pub.rbm.ll;
    rStatus.textContent = `${V} visible, ${H} hidden; ${e.method === 'pcd' ? 'persistent CD' : 'CD'}-${e.k}, learning rate ${+e.lr.toPrecision(3)}, `
      + `momentum ${e.momentum}, weight decay ${e.decay}; ${e.steps} updates. `
      + (e.exact ? `Exact mean log-likelihood ${ll === null || ll === undefined ? '–' : ll.toFixed(3)} nats`
        + (e.optimum !== null ? ` (the best any model can do: −ln ${info?.rows} = ${e.optimum.toFixed(3)})` : '') + '.'
        : `Too many states for the exact log-likelihood (2^${Math.min(V, H)}): AIS estimates log Z, mean log p(v) ≈ `
          + (pub.rbm.ais ? `${pub.rbm.ais[0].toFixed(2)} ± ${pub.rbm.ais[1].toFixed(2)} nats.` : '– (the first estimate is on its way).'));
  }

  // ---- DBN ------------------------------------------------------------------------------------
  const dp = panels.dbn;
  const dTop = el('div', 'rbm-top');
  dp.append(dTop);
  const dLeft = el('div', 'rbm-left');
  dTop.append(dLeft);
  const dSched = el('p', 'hint dbn-schedule');
  dSched.setAttribute('role', 'status');
  dLeft.append(dSched);
  const dfFig = tileFigure(dLeft, 'filters of the bottom RBM: each first-layer hidden unit\'s weights to the pixels (orange +, blue −)', { label: 'the bottom RBM\'s filters, one per first-layer hidden unit', kind: 'signed', tooltip, tile: 40 }, 'rbm-filters');
  const dFilters = dfFig.tiles;
  const dRow = el('div', 'rbm-row');
  dLeft.append(dRow);
  const ddFig = tileFigure(dRow, 'the data', { label: 'the training data', kind: 'unit', tooltip, tile: 34 });
  const dData = ddFig.tiles;
  const dsFig = tileFigure(dRow, 'samples drawn down from the top RBM', { label: 'samples of the deep belief net, drawn down from its top RBM', kind: 'unit', tooltip, tile: 34 });
  const dSamples = dsFig.tiles;
  const dCharts = el('div', 'rbm-charts');
  dTop.append(dCharts);
  const dlFig = chartFigure(dCharts, 'greedy layer-wise training: each RBM\'s reconstruction error of its own input while it trains (log scale)', null);
  /** @type {ReturnType<typeof createChart> | null} one series per RBM, made at init (the layers vary) */
  let dLayerChart = null;
  const deFig = chartFigure(dCharts, 'the whole net: up to the top and down again, reconstruction error of the data (log scale)', { series: [{ label: 'up-down error', color: color('--c-heldout') }], log: true });
  const dEvalChart = /** @type {ReturnType<typeof createChart>} */ (deFig.chart);
  const LAYER_COLORS = ['--c-train', '--c-metric', '--c-heldout', '--accent'];

  /** @param {any} e */
  function updateDBN(e) {
    const L = e.layers.length - 1, H1 = e.layers[1];
    const side = Math.max(28, Math.min(56, Math.round(420 / Math.sqrt(H1))));
    const columns = Math.max(1, Math.min(H1, Math.floor((dfFig.fig.clientWidth || 600) / (side + 4))));
    dFilters.update(e.filters, H1, e.width, e.height, { columns, side, names: Array.from({ length: H1 }, (_, j) => `first-layer unit ${j}`) });
    dSamples.update(e.samples, e.chains, e.width, e.height, { columns: Math.min(e.chains, 12), names: Array.from({ length: e.chains }, (_, i) => `sample ${i}`) });
    dsFig.cap.textContent = `samples drawn down from the top RBM: ${e.gibbs} Gibbs sweeps there, then one pass down through the ${L - 1} directed layer${L - 1 === 1 ? '' : 's'}; p(v | h₁) shown`;
    for (const [step, layer, loss] of e.losses) {
      if (loss > 0) dLayerChart?.add(step, Array.from({ length: L }, (_, l) => (l === layer ? loss : null)));
      pub.dbn.losses.push([step, layer, loss]);
    }
    for (const [step, err] of e.evals) { if (err > 0) dEvalChart.add(step, [err]); pub.dbn.evals.push([step, err]); }
    const done = e.layerSteps.map((/** @type {number} */ n, /** @type {number} */ l) => `RBM ${l + 1} (${e.layers[l]} → ${e.layers[l + 1]}): ${n} updates`);
    const top = e.layer === L - 1;
    dSched.textContent = `Layers ${e.layers.join(' – ')}; ${e.method === 'pcd' ? 'persistent CD' : 'CD'}-${e.k}, learning rate ${+e.lr.toPrecision(3)}. `
      + `Training RBM ${e.layer + 1} of ${L}${top ? ' (the top one: it keeps training)' : `, on samples of the layer below; RBM ${e.layer + 2} starts after ${e.stepsPerLayer} updates`}. `
      + `${done.join('; ')}.`;
    Object.assign(pub.dbn, { layer: e.layer, layerSteps: e.layerSteps, steps: e.steps, sampleDraws: dSamples.draws, layers: e.layers,
      sampleKey: Array.from(e.samples.slice(0, 64), (/** @type {number} */ v) => v.toFixed(3)).join(',') });
  }

  // ---- Boltzmann machine ----------------------------------------------------------------------
  const bp = panels.boltzmann;
  const bTop = el('div', 'rbm-top');
  bp.append(bTop);
  const bLeft = el('div', 'rbm-left');
  bTop.append(bLeft);
  const bTools = el('div', 'hop-tools');
  bLeft.append(bTools);
  const bMethodLabel = el('label', 'hop-noise');
  const bMethod = /** @type {HTMLSelectElement} */ (el('select'));
  bMethod.setAttribute('aria-label', 'the gradient: exact (every state enumerated) or sampled phases');
  bMethod.append(new Option('exact gradient (both phases enumerated)', 'exact'), new Option('sampled clamped and free phases (Gibbs)', 'sampled'));
  bMethodLabel.append('learning by ', bMethod);
  bTools.append(bMethodLabel);
  bMethod.addEventListener('change', () => send({ type: 'boltzmann', op: 'method', method: bMethod.value }));
  const bStatus = el('p', 'hint');
  bStatus.setAttribute('role', 'status');
  bLeft.append(bStatus);
  const bRow = el('div', 'rbm-row');
  bLeft.append(bRow);
  const bwFig = tileFigure(bRow, 'weights W (symmetric, zero diagonal): visible units first, then hidden', { label: 'the Boltzmann machine\'s weight matrix', kind: 'signed', tooltip, tile: 150 });
  const bWeights = bwFig.tiles;
  const bdFig = tileFigure(bRow, 'clamped phase ⟨sᵢsⱼ⟩ with the data', { label: 'the clamped phase: unit co-activations with the visible units held at the data', kind: 'unit', tooltip, tile: 150 });
  const bData = bdFig.tiles;
  const bmFig = tileFigure(bRow, 'free phase ⟨sᵢsⱼ⟩ of the model', { label: 'the free phase: unit co-activations of the model running freely', kind: 'unit', tooltip, tile: 150 });
  const bModel = bmFig.tiles;
  const bRow2 = el('div', 'rbm-row');
  bLeft.append(bRow2);
  const bxFig = tileFigure(bRow2, 'the data', { label: 'the training data', kind: 'unit', tooltip, tile: 34 });
  const bX = bxFig.tiles;
  const bsFig = tileFigure(bRow2, 'Gibbs samples (visible units)', { label: 'Gibbs samples of the Boltzmann machine', kind: 'unit', tooltip, tile: 34 });
  const bSamples = bsFig.tiles;
  const bCharts = el('div', 'rbm-charts');
  bTop.append(bCharts);
  const blFig = chartFigure(bCharts, 'exact mean log-likelihood of the data (nats)', { series: [{ label: 'log p(v)', color: color('--c-metric') }, { label: 'optimum', color: color('--muted'), dash: [4, 4] }] });
  const bLLChart = /** @type {ReturnType<typeof createChart>} */ (blFig.chart);
  const bpFig = chartFigure(bCharts, 'pseudo-log-likelihood of the data (nats; Gibbs-sampled hiddens)', { series: [{ label: 'pseudo log p(v)', color: color('--c-train') }] });
  const bPLChart = /** @type {ReturnType<typeof createChart>} */ (bpFig.chart);

  /** @param {any} e */
  function updateBoltzmann(e) {
    const n = e.n;
    bWeights.update(e.weight, 1, n, n, { columns: 1, names: ['W (row i, column j)'] });
    bData.update(e.dataStatistics, 1, n, n, { columns: 1, names: ['⟨sᵢsⱼ⟩ clamped'] });
    bModel.update(e.modelStatistics, 1, n, n, { columns: 1, names: ['⟨sᵢsⱼ⟩ free'] });
    bSamples.update(e.samples, e.chains, e.width, e.height, { columns: Math.min(e.chains, 12), names: Array.from({ length: e.chains }, (_, i) => `chain ${i}`) });
    for (const [step, ll, pl] of e.evals) {
      if (ll !== null) { bLLChart.add(step, [ll, e.optimum]); pub.boltzmann.ll = ll; }
      bPLChart.add(step, [pl]);
      pub.boltzmann.evals.push([step, ll, pl]);
    }
    if (document.activeElement !== bMethod) bMethod.value = e.method;
    /** @type {HTMLOptionElement} */ (bMethod.options[0]).disabled = !e.canExact;
    blFig.fig.hidden = !e.canExact;
    const ll = pub.boltzmann.ll;
    const how = e.method === 'exact'
      ? `the exact gradient: both phases summed over all 2^${n} = ${2 ** n} states each update`
      : 'sampled phases: the clamped phase Gibbs-samples the hidden units given each data row, the free phase runs persistent chains of every unit';
    bStatus.textContent = `${e.V} visible + ${e.H} hidden = ${n} units, fully connected; learning by ${how}; ${e.optimizer === 'adam' ? 'Adam' : e.optimizer === 'sgd' ? 'SGD' : e.optimizer}, learning rate ${+e.lr.toPrecision(3)}; ${e.steps} updates. `
      + (e.canExact ? `Exact mean log-likelihood ${ll === null || ll === undefined ? '–' : ll.toFixed(3)} nats`
        + (e.optimum !== null ? ` (the best any model can do: −ln ${info?.rows} = ${e.optimum.toFixed(3)})` : '') + '.'
        : `Beyond 2^${info?.maxExact ?? 20} states: no exact log-likelihood, the pseudo-log-likelihood instead.`);
    Object.assign(pub.boltzmann, { method: e.method, steps: e.steps, sampleDraws: bSamples.draws, weightDraws: bWeights.draws, canExact: e.canExact });
  }

  // ---- Ising ----------------------------------------------------------------------------------
  const ip = panels.ising;
  const iTop = el('div', 'ising-top');
  ip.append(iTop);
  const latFig = figure(iTop, 'the lattice (up spins dark), periodic', 'ising-lattice');
  const lattice = createLattice(latFig.fig, { label: 'the Ising lattice', tooltip });
  const iRead = el('p', 'ising-read');
  iRead.setAttribute('role', 'status');
  latFig.fig.append(iRead);
  const iSide = el('div', 'ising-side');
  iTop.append(iSide);
  const mFig = figure(iSide, '⟨|m|⟩, the mean |magnetisation| per site, against the temperature');
  const mPlot = createXYPlot(mFig.fig, { xLabel: 'T', yLabel: '⟨|m|⟩', x: [0.8, 4], y: [0, 1.02], tooltip, height: 200,
    series: [{ label: 'Onsager (infinite lattice)', color: '--muted', dash: [4, 3], width: 1, value: false },
      { label: 'live sweeps', color: '--c-train', points: true, line: false }, { label: 'scan (± 1 s.e.)', color: '--c-heldout', points: true }],
    markers: [{ x: 2 / Math.log(1 + Math.SQRT2), label: 'Tc = 2.269 (Onsager)' }] });
  const onsagerT = Array.from({ length: 161 }, (_, i) => 0.8 + i * 0.02);
  mPlot.set(0, onsagerT, onsagerT.map(onsager));
  const iTools = el('div', 'hop-tools');
  mFig.fig.append(iTools);
  const rateLabel = el('label', 'hop-noise');
  const rate = /** @type {HTMLSelectElement} */ (el('select'));
  rate.setAttribute('aria-label', 'sweeps per second');
  for (const [v, t] of [['20', '20 sweeps/s'], ['200', '200 sweeps/s'], ['2000', '2000 sweeps/s'], ['0', 'as fast as it goes']]) rate.append(new Option(t, v));
  rate.value = '200';
  rateLabel.append('pace ', rate);
  rate.addEventListener('change', () => send({ type: 'ising', op: 'rate', rate: Number(rate.value) }));
  const scanBtn = button('Scan T from 1.0 to 3.6', 'Heat the lattice from all spins up, measuring ⟨|m|⟩ at each temperature with its standard error (press Play)');
  const stopBtn = button('Stop the scan');
  const upBtn = button('All spins up', 'The ordered state: watch it melt above T_c');
  const randomBtn2 = button('Random spins', 'A quench from infinite temperature: watch domains grow below T_c');
  upBtn.addEventListener('click', () => send({ type: 'ising', op: 'fill', spins: 'up' }));
  randomBtn2.addEventListener('click', () => send({ type: 'ising', op: 'fill', spins: 'random' }));
  iTools.append(rateLabel, upBtn, randomBtn2, scanBtn, stopBtn);
  const scanNote = el('span', 'hint');
  iTools.append(scanNote);
  scanBtn.addEventListener('click', () => send({ type: 'ising', op: 'scan' }));
  stopBtn.addEventListener('click', () => send({ type: 'ising', op: 'stop' }));
  const tFig = chartFigure(iSide, 'per sweep: magnetisation m and energy e per site', { series: [{ label: 'm', color: color('--c-train') }, { label: 'e', color: color('--c-heldout') }], range: [-2, 1], xLabel: 'sweep' });
  const traceChart = /** @type {ReturnType<typeof createChart>} */ (tFig.chart);

  /** @type {number[][]} [sweep, m, e] as drawn */
  let trace = [];
  /** @param {any} e */
  function updateIsing(e) {
    lattice.update(e.spins, e.L);
    latFig.cap.textContent = `the lattice, ${e.L} × ${e.L} spins (up dark), periodic, at T = ${e.T.toFixed(2)}`;
    iRead.textContent = `T = ${e.T.toFixed(2)}   m = ${e.m.toFixed(3)}   e = ${e.e.toFixed(3)}   ${e.sweeps} sweeps`;
    mPlot.set(1, e.live.map((/** @type {number[]} */ p) => p[0]), e.live.map((/** @type {number[]} */ p) => p[1]));
    mPlot.set(2, e.scan.map((/** @type {number[]} */ p) => p[0]), e.scan.map((/** @type {number[]} */ p) => p[1]),
      e.scan.map((/** @type {number[]} */ p) => p[2]));
    // the last TRACE_KEEP points, set whole (the chart thins what is added one by one)
    for (const p of e.trace) trace.push(p);
    if (trace.length > TRACE_KEEP) trace.splice(0, trace.length - TRACE_KEEP);
    if (e.trace.length) traceChart.set(trace.map((p) => p[0]), [trace.map((p) => p[1]), trace.map((p) => p[2])]);
    if (document.activeElement !== rate) rate.value = String(e.rate);
    scanNote.textContent = e.scanning ? `scanning: ${e.scanning.i + 1} of ${e.scanning.n} temperatures${pub.playing ? '' : ' (press Play)'}`
      : e.scan.length ? `scan: ${e.scan.length} temperatures` : '';
    stopBtn.disabled = !e.scanning;
    Object.assign(pub.ising, { T: e.T, m: e.m, e: e.e, sweeps: e.sweeps, L: e.L, latticeDraws: lattice.draws,
      live: e.live, scan: e.scan, scanning: !!e.scanning });
  }

  return {
    /** a new run @param {any} e the init message's energy part */
    init(e) {
      info = e;
      stopAnim();
      for (const [m, p] of Object.entries(panels)) p.hidden = m !== e.mode || !e.available;
      note.hidden = e.available;
      note.textContent = e.available ? '' : e.note;
      Object.assign(pub, { mode: e.mode, available: e.available, note: e.note, updates: 0,
        hopfield: { recallId: 0, done: false }, rbm: { history: [], ll: null, recon: null, ais: null },
        dbn: { losses: [], evals: [] }, boltzmann: { evals: [], ll: null, method: null }, ising: {} });
      if (e.mode === 'hopfield' && e.available) {
        storedVersion = -1; lastRecallId = 0; base = null;
        energyPlot.clear(); capPlot.clear(); overlapList.replaceChildren(); landed.textContent = '';
        grid.size(e.width, e.height);
      }
      if (e.mode === 'rbm' && e.available) {
        llChart.clear(); reChart.clear(); aisChart.clear();
        showData(dataTiles, dFig.cap, e);
      }
      if (e.mode === 'dbn' && e.available) {
        const L = e.layers.length - 1;
        dLayerChart?.destroy();
        dLayerChart = createChart(dlFig.plot, { log: true, series: Array.from({ length: L }, (_, l) => ({ label: `RBM ${l + 1} (${e.layers[l]} → ${e.layers[l + 1]})`,
          color: color(LAYER_COLORS[l % LAYER_COLORS.length]) })) });
        dEvalChart.clear();
        showData(dData, ddFig.cap, e);
      }
      if (e.mode === 'boltzmann' && e.available) {
        bLLChart.clear(); bPLChart.clear();
        showData(bX, bxFig.cap, e);
      }
      if (e.mode === 'ising' && e.available) { traceChart.clear(); trace = []; mPlot.set(1, [], []); mPlot.set(2, [], []); }
    },
    /** @param {any} e the snapshot's energy part @param {any} snap the snapshot */
    update(e, snap) {
      if (!e || !info || e.mode !== info.mode || !info.available) return;
      pub.updates++;
      pub.playing = !!snap.playing;
      if (e.mode === 'hopfield') updateHopfield(e);
      else if (e.mode === 'rbm') updateRBM(e);
      else if (e.mode === 'dbn') updateDBN(e);
      else if (e.mode === 'boltzmann') updateBoltzmann(e);
      else if (e.mode === 'ising') updateIsing(e);
    },
    get pub() { return pub; },
  };
}
