// @ts-check
/* main.js - the playground page: wires the controls, the URL hash, the training worker and the
 * widgets. The worker (worker.js) trains and posts snapshots; the widgets redraw from them.
 * For the browser test it mirrors the latest state in window.__state.
 */
import { PROPS, PRESETS, parse, serialize } from './state.js';
import { createLineChart } from './linechart.js';
import { createHeatmap } from './heatmap.js';
import { createGradBars } from './gradbars.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('controls'));
const tooltip = $('tooltip');
const playBtn = /** @type {HTMLButtonElement} */ ($('play'));

/** @type {any} what the test (and a curious console) can read */
const pub = {
  ready: false, snapshots: 0, step: 0, playing: false, simd: null, accuracy: null, solved: false,
  solvedAt: null, error: null, config: null,
};
/** @type {any} */ (window).__state = pub;

const GATE_TITLES = /** @type {Record<string, string>} */ ({
  i: 'i  input gate', f: 'f  forget gate', g: 'g  cell input', o: 'o  output gate',
  r: 'r  reset gate', z: 'z  update gate', n: 'n  candidate', h: 'h  activation',
});

// ---- controls <-> state ----------------------------------------------------------------------

for (const p of PROPS) {
  if (p.type !== 'enum') continue;
  const sel = /** @type {HTMLSelectElement} */ (form.elements.namedItem(p.name));
  for (const v of p.values) sel.append(new Option(v, v));
}

/** @param {import('./state.js').State} s */
function showState(s) {
  const els = form.elements;
  for (const p of PROPS) {
    const el = /** @type {HTMLInputElement} */ (els.namedItem(p.name));
    const v = /** @type {any} */ (s)[p.name];
    el.value = p.name === 'lr' ? String(Math.log10(v)) : String(v);
  }
  $('lr-value').textContent = formatLr(s.lr);
  for (const l of form.querySelectorAll('[data-for]')) {
    /** @type {HTMLElement} */ (l).hidden = /** @type {HTMLElement} */ (l).dataset.for !== s.cell;
  }
}

/** @returns {import('./state.js').State} the state the controls show (invalid entries: defaults) */
function readState() {
  const els = form.elements;
  const parts = PROPS.map((p) => {
    const el = /** @type {HTMLInputElement} */ (els.namedItem(p.name));
    const v = p.name === 'lr' ? String(+(10 ** Number(el.value)).toPrecision(3)) : el.value;
    return `${p.name}=${encodeURIComponent(v)}`;
  });
  return parse(parts.join('&'));
}

const formatLr = (/** @type {number} */ lr) => String(+lr.toPrecision(3));

/** @type {import('./state.js').State} */
let state = parse(location.hash);

function writeHash() {
  const h = `#${serialize(state)}`;
  if (location.hash !== h) history.replaceState(null, '', h);
}

// ---- widgets ---------------------------------------------------------------------------------

const css = getComputedStyle(document.documentElement);
const color = (/** @type {string} */ name) => css.getPropertyValue(name).trim();
const lossChart = createLineChart(/** @type {HTMLCanvasElement} */ ($('loss-chart')), {
  series: [{ name: 'training', color: color('--c-train') }, { name: 'held-out', color: color('--c-heldout') }],
  log: true,
});
const metricChart = createLineChart(/** @type {HTMLCanvasElement} */ ($('metric-chart')), {
  series: [{ name: 'accuracy', color: color('--c-metric') }], min: 0, max: 1,
});
const gradBars = createGradBars(/** @type {HTMLCanvasElement} */ ($('grad-bars')), tooltip);
/** @type {{ name: string, view: ReturnType<typeof createHeatmap> }[]} */
let heatmaps = [];
/** @type {any} the worker's init message of the current run */
let info = null;

/** One heatmap per gate, then the cell state (LSTM, CT-RNN) and the hidden state. */
function buildHeatmaps(/** @type {readonly string[]} */ gateNames, /** @type {string} */ cell) {
  for (const h of heatmaps) h.view.remove();
  const parent = $('heatmaps');
  heatmaps = gateNames.map((g) => ({
    name: g,
    view: createHeatmap(parent, {
      title: GATE_TITLES[g] ?? g, tooltip,
      range: g === 'g' || g === 'n' || g === 'h' ? 'signed' : [0, 1],
    }),
  }));
  if (cell === 'lstm' || cell === 'ctrnn') {
    heatmaps.push({ name: 'cell', view: createHeatmap(parent, { title: 'c  cell state', range: 'signed', tooltip }) });
  }
  heatmaps.push({ name: 'hidden', view: createHeatmap(parent, { title: 'h  hidden state', range: 'signed', tooltip }) });
}

/** @param {any} trace */
function showTrace(trace) {
  const { length: T, hiddenSize: H, gateNames } = trace;
  const G = gateNames.length * H;
  const symbols = info?.probe.symbols ?? [];
  for (const { name, view } of heatmaps) {
    let values;
    if (name === 'cell') values = trace.cell;
    else if (name === 'hidden') values = trace.hidden;
    else {
      const k = gateNames.indexOf(name);
      values = new Float32Array(T * H);
      for (let t = 0; t < T; t++) values.set(trace.gates.subarray(t * G + k * H, t * G + k * H + H), t * H);
    }
    view.update(values, T, H, symbols);
  }
  gradBars.update(trace.gradNorm, symbols);
  showSamples(trace);
}

/** The probe's rows: input, target and the model's prediction per step (class-target tasks);
 * the last MAX_COLUMNS steps when the probe is longer. */
const MAX_COLUMNS = 56;
function showSamples(/** @type {any} */ trace) {
  const body = /** @type {HTMLTableSectionElement} */ ($('samples').querySelector('tbody'));
  const p = info?.probe;
  const T = p?.symbols.length ?? 0;
  const first = Math.max(0, T - MAX_COLUMNS);
  $('samples-desc').textContent = first ? `(steps ${first}..${T - 1} of ${T})` : '';
  /** @type {[string, string[], ((t: number) => string) | null][]} */
  const rows = [['input', p?.symbols ?? [], null]];
  if (p?.targets && trace.predicted) {
    const shown = trace.predicted.map((/** @type {string} */ v, /** @type {number} */ t) => (p.targets[t] ? v : ''));
    rows.push(['target', p.targets, null]);
    rows.push(['model', shown, (t) => (!p.targets[t] ? '' : trace.predicted[t] === p.targets[t] ? 'right' : 'wrong')]);
  }
  body.replaceChildren(...rows.map(([name, vals, cls]) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = name;
    tr.append(th);
    for (let t = first; t < T; t++) {
      const td = document.createElement('td');
      const v = vals[t] ?? '';
      td.textContent = v === '\n' ? '⏎' : v === ' ' ? '·' : v.length > 6 ? `${v.slice(0, 5)}…` : v;
      if (cls) td.className = cls(t);
      tr.append(td);
    }
    return tr;
  }));
}

/** addition: fresh problems with the model's answer, marked right or wrong */
function showProblems(/** @type {{ a: number, b: number, sum: number, model: number, right: boolean }[] | null} */ problems) {
  const list = $('problems');
  list.hidden = !problems;
  if (!problems) return;
  list.replaceChildren(...problems.map((p) => {
    const li = document.createElement('li');
    li.className = p.right ? 'right' : 'wrong';
    li.textContent = `${p.a} + ${p.b} = ${p.model} ${p.right ? '✓' : `✗ (${p.sum})`}`;
    return li;
  }));
}

// ---- the worker ------------------------------------------------------------------------------

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let lastEvalStep = -1;

worker.onmessage = ({ data }) => {
  if (data.type === 'init') {
    info = data;
    pub.simd = data.simd;
    lossChart.clear(); metricChart.clear();
    lastEvalStep = -1;
    buildHeatmaps(data.gateNames, data.config.cell);
    const T = data.probe.length;
    $('probe-desc').textContent = `probe: one ${data.task} sequence of ${T} steps, layer 0, `
      + `${data.hiddenSize} units (rows) × ${T} steps (columns); hover for values`;
    pub.ready = true;
  } else if (data.type === 'snapshot') {
    pub.snapshots++;
    pub.step = data.step;
    pub.playing = data.playing;
    playBtn.textContent = data.playing ? 'Pause' : 'Play';
    for (const [step, loss] of data.losses) lossChart.add(step, [loss, null]);
    for (const e of data.evals) {
      if (e.step === lastEvalStep) continue;
      lastEvalStep = e.step;
      lossChart.add(e.step, [null, e.loss]);
      metricChart.add(e.step, [e.accuracy]);
    }
    const ev = data.eval;
    if (ev) pub.accuracy = ev.accuracy;
    pub.solved = data.solvedAt !== null;
    pub.solvedAt = data.solvedAt;
    document.body.dataset.solved = String(pub.solved);
    $('solved').textContent = pub.solved ? `solved at step ${data.solvedAt}` : '';
    const parts = [
      `step ${data.step}`,
      `${Math.round(data.stepsPerSec)} steps/s`,
      data.loss !== null ? `loss ${data.loss < 0.01 ? data.loss.toExponential(2) : data.loss.toFixed(4)}` : null,
      ev ? `held-out accuracy ${(ev.accuracy * 100).toFixed(1)}%${ev.bpc !== null ? `, ${ev.bpc.toFixed(3)} bpc` : ''}` : null,
      `lr ${formatLr(data.lr)}`,
      `${info?.simd ? 'WebAssembly SIMD' : 'scalar wasm (no SIMD)'}`,
    ];
    $('readout').textContent = parts.filter(Boolean).join('  ·  ');
    showTrace(data.trace);
    showProblems(data.problems);
  } else if (data.type === 'error') {
    pub.error = data.error;
    pub.playing = false;
    playBtn.textContent = 'Play';
    $('readout').textContent = `error: ${String(data.error).split('\n')[0]}`;
    console.error(data.error);
  }
};
worker.onerror = (e) => {
  pub.error = e.message;
  $('readout').textContent = `worker error: ${e.message}`;
};

function sendConfig(keepPlaying = false) {
  pub.config = { ...state };
  pub.ready = false;
  pub.solved = false;
  worker.postMessage({ type: 'config', config: state, keepPlaying });
}

function togglePlay() {
  const play = !pub.playing;
  worker.postMessage({ type: play ? 'play' : 'pause' });
  pub.playing = play;
  playBtn.textContent = play ? 'Pause' : 'Play';
}

playBtn.addEventListener('click', togglePlay);
$('step').addEventListener('click', () => worker.postMessage({ type: 'step' }));
$('reset').addEventListener('click', () => sendConfig());

form.addEventListener('submit', (e) => e.preventDefault());
form.addEventListener('input', (e) => {
  const el = /** @type {HTMLInputElement} */ (e.target);
  if (el.name === 'lr') {
    state = { ...state, lr: readState().lr };
    $('lr-value').textContent = formatLr(state.lr);
    worker.postMessage({ type: 'setLearningRate', lr: state.lr });
    writeHash();
  }
});
form.addEventListener('change', (e) => {
  const el = /** @type {HTMLInputElement} */ (e.target);
  if (el.name === 'lr') return;
  let next = readState();
  if (el.name === 'task') next = { ...next, ...PRESETS[next.task] };
  state = next;
  showState(state);
  writeHash();
  sendConfig(pub.playing);
});

window.addEventListener('hashchange', () => {
  const next = parse(location.hash);
  if (serialize(next) === serialize(state)) return;
  state = next;
  showState(state);
  sendConfig();
});

document.addEventListener('keydown', (e) => {
  if (e.key !== ' ' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = /** @type {HTMLElement} */ (e.target);
  if (t.closest('input, select, textarea, button')) return; // the control handles space itself
  e.preventDefault();
  togglePlay();
});

showState(state);
writeHash();
sendConfig();
