// @ts-check
/* main.js - the playground page: wires the controls, the URL hash, the training worker and the
 * widgets (one file each in widgets/). The worker (worker.js) trains and posts snapshots; the
 * widgets redraw from them.
 *
 * Panels: each reads its part of a snapshot in onSnapshot (a new panel adds a line there and,
 * in worker.js, an entry in SNAPSHOT_PARTS). For the browser tests (and a curious console) the
 * latest state is mirrored in window.__state; the throughput readouts are #steps-per-sec and
 * #chars-per-sec (plain numbers as text).
 */
import { PROPS, PRESETS, SEQ2SEQ_TASKS, parse, serialize } from './state.js';
import { createChart } from './widgets/charts.js';
import { createHeatmap } from './widgets/heatmap.js';
import { createGradBars } from './widgets/gradbars.js';
import { createPCA } from './widgets/pca.js';
import { createDataPanel } from './widgets/datapanel.js';
import { parseSequences } from './csv.mjs';
import { CellDiagram } from './widgets/celldiagram.js';
import { WeightView } from './widgets/weights.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('controls'));
const tooltip = $('tooltip');
const playBtn = /** @type {HTMLButtonElement} */ ($('play'));

/** @type {any} what the tests (and a curious console) can read */
const pub = {
  ready: false, snapshots: 0, step: 0, playing: false, simd: null, accuracy: null, solved: false,
  solvedAt: null, error: null, config: null, embed: false, probeOutputs: null, samples: null,
  samplesChanged: 0, saved: 0, loaded: 0, curve: null,
  // task csv: the held-out scores as the page shows them, the predictions chart's data
  rmse: null, baselineRmse: null, baselineAccuracy: null, csv: null, predictions: null, predictionsChanged: 0,
  csvApplied: 0, diagramDraws: 0, weightDraws: 0, loadError: null,
  /** the run's latest training losses as the snapshots carried them, [step, loss] (at most 1000) */
  losses: [],
};
/** @type {any} */ (window).__state = pub;

const GATE_TITLES = /** @type {Record<string, string>} */ ({
  i: 'i  input gate', f: 'f  forget gate', g: 'g  cell input', o: 'o  output gate',
  r: 'r  reset gate', z: 'z  update gate', n: 'n  candidate', h: 'h  activation',
});
/** the first screen's two lines: what the network is learning, and what to watch */
const INTROS = /** @type {Record<string, string>} */ ({
  parity: 'running parity: after each bit, is the count of 1s so far odd?',
  addition: 'binary addition: two numbers arrive bit by bit, lowest first; it writes the sum\'s bits.',
  text: 'to predict the next character of a text.',
  reber: 'the embedded Reber grammar: which symbols may come next.',
  adding: 'the adding problem: the sum of two marked numbers in a long sequence.',
  'temporal-order': 'temporal order: the order of two symbols far apart among distractors.',
  copy: 'to copy: an encoder reads a sequence, a decoder writes it back.',
  reverse: 'to reverse: an encoder reads a sequence, a decoder writes it backwards.',
  'decimal-addition': 'decimal addition: an encoder reads "a+b", a decoder writes the sum.',
  csv: 'your own sequences: the target column from the input columns.',
});
const PROBE_HINTS = /** @type {Record<string, string>} */ ({
  parity: 'bits, e.g. 0110100111', addition: 'a + b, e.g. 1234 + 987', text: 'some characters',
});

// ---- embed mode: #...&embed=1 hides the controls ------------------------------------------

const embed = new URLSearchParams(location.hash.replace(/^#/, '')).get('embed') === '1';
pub.embed = embed;
document.body.classList.toggle('embed', embed);

// ---- controls <-> state ----------------------------------------------------------------------

for (const p of PROPS) {
  if (p.type !== 'enum') continue;
  const sel = /** @type {HTMLSelectElement} */ (form.elements.namedItem(p.name));
  for (const v of p.values) {
    const text = p.name === 'corpus' && v === 'own' ? 'your own text'
      : p.name === 'task' && v === 'csv' ? 'your own data (csv)'
      : p.name === 'data' ? (v === 'own' ? 'your own (paste, load or drop)' : `example: ${v}.csv`) : v;
    sel.append(new Option(text, v));
  }
}

const LOG_SLIDERS = ['lr'];
const formatNum = (/** @type {number} */ v) => String(+v.toPrecision(3));
/** a slider's value beside it and for screen readers (the lr slider's own value is a log10) */
function showSlider(/** @type {string} */ name, /** @type {number} */ v) {
  $(`${name}-value`).textContent = formatNum(v);
  /** @type {HTMLElement} */ (document.querySelector(`input[name=${name}]`)).setAttribute('aria-valuetext', formatNum(v));
}

/** @param {import('./state.js').State} s */
function showState(s) {
  const els = form.elements;
  for (const p of PROPS) {
    const el = /** @type {HTMLInputElement} */ (els.namedItem(p.name));
    const v = /** @type {any} */ (s)[p.name];
    el.value = LOG_SLIDERS.includes(p.name) ? String(Math.log10(v)) : String(v);
  }
  showSlider('lr', s.lr);
  showSlider('temp', s.temp);
  const s2s = SEQ2SEQ_TASKS.includes(s.task);
  for (const el of document.querySelectorAll('[data-for]')) {
    /** @type {HTMLElement} */ (el).hidden = /** @type {HTMLElement} */ (el).dataset.for !== s.cell;
  }
  for (const el of document.querySelectorAll('[data-task]')) {
    /** @type {HTMLElement} */ (el).hidden = /** @type {HTMLElement} */ (el).dataset.task !== s.task;
  }
  for (const el of document.querySelectorAll('[data-not-seq2seq]')) /** @type {HTMLElement} */ (el).hidden = s2s;
  $('bptt-label').textContent = s.task === 'text' ? 'BPTT chunk (0 = 64)' : 'BPTT length (0 = all)';
}

/** @returns {import('./state.js').State} the state the controls show (invalid entries: defaults) */
function readState() {
  const els = form.elements;
  const parts = PROPS.map((p) => {
    const el = /** @type {HTMLInputElement} */ (els.namedItem(p.name));
    const v = LOG_SLIDERS.includes(p.name) ? formatNum(10 ** Number(el.value)) : el.value;
    return `${p.name}=${encodeURIComponent(v)}`;
  });
  return parse(parts.join('&'));
}

/** @type {import('./state.js').State} */
let state = parse(location.hash);

const hashOf = (/** @type {import('./state.js').State} */ s) => `#${serialize(s)}${embed ? '&embed=1' : ''}`;
function writeHash() {
  const h = hashOf(state);
  if (location.hash !== h) history.replaceState(null, '', h);
}

// ---- widgets ---------------------------------------------------------------------------------

const css = getComputedStyle(document.documentElement);
const color = (/** @type {string} */ name) => css.getPropertyValue(name).trim();
const lossChart = createChart($('loss-chart'), {
  series: [{ label: 'training', color: color('--c-train') }, { label: 'held-out', color: color('--c-heldout'), points: true }],
  log: true,
});
const gradChart = createChart($('grad-chart'), {
  series: [{ label: '‖g‖', color: color('--accent') }, { label: 'clip', color: color('--muted'), dash: [4, 4] }],
  log: true,
});
const curveChart = createChart($('curve-chart'), {
  series: [{ label: 'accuracy at this test length', color: color('--c-metric'), points: true }],
  range: [0, 1], xLog: true, xLabel: 'length', percent: true, latest: false,
});
/** @type {ReturnType<typeof createChart>} */
let metricChart = createChart($('metric-chart'), { series: [{ label: 'accuracy', color: color('--c-metric') }], range: [0, 1], percent: true });
/** what the metric chart shows: 'accuracy', 'bpc' or 'exact' */
let metricKind = 'accuracy';

const gradBars = createGradBars(/** @type {HTMLCanvasElement} */ ($('grad-bars')), tooltip);
const pca = createPCA(/** @type {HTMLCanvasElement} */ ($('pca')), tooltip);
/** @type {{ name: string, view: ReturnType<typeof createHeatmap> }[]} */
let heatmaps = [];
const diagram = new CellDiagram($('cell-diagram'), { title: '' });
const weightView = new WeightView($('weight-view'), { title: '', tooltip, maxTile: 112 });
const cellDetails = /** @type {HTMLDetailsElement} */ ($('cell-details'));
const weightsDetails = /** @type {HTMLDetailsElement} */ ($('weights-details'));
/** @type {ReturnType<typeof createChart> | null} predictions against the truth (task csv) */
let predChart = null;
/** @type {any} the worker's init message of the current run (probe updated by 'probe') */
let info = null;

/** @param {string} kind */
function setMetricChart(kind) {
  if (kind === metricKind) { metricChart.clear(); return; }
  metricChart.destroy();
  metricKind = kind;
  const caption = { accuracy: 'held-out accuracy', bpc: 'held-out bits per character', exact: 'held-out exact match',
    rmse: 'held-out RMSE (data units; dashed: always predicting the mean)',
    csvacc: 'held-out accuracy (dashed: always the majority class)' }[kind] ?? kind;
  $('metric-caption').textContent = caption;
  metricChart = kind === 'bpc'
    ? createChart($('metric-chart'), { series: [{ label: 'bpc', color: color('--c-metric') },
      { label: 'best n-gram', color: color('--muted'), dash: [5, 4] }] })
    : kind === 'rmse'
      ? createChart($('metric-chart'), { series: [{ label: 'RMSE', color: color('--c-metric') },
        { label: 'mean', color: color('--muted'), dash: [5, 4] }], zero: true })
      : kind === 'csvacc'
        ? createChart($('metric-chart'), { series: [{ label: 'accuracy', color: color('--c-metric') },
          { label: 'majority', color: color('--muted'), dash: [5, 4] }], range: [0, 1], percent: true })
        : createChart($('metric-chart'), { series: [{ label: kind === 'exact' ? 'exact match' : 'accuracy', color: color('--c-metric') }],
          range: [0, 1], percent: true });
}

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
    view.update(values, T, H, symbols, trace.split);
  }
  gradBars.update(trace.gradNorm, symbols, trace.split);
  pca.update(trace.hidden, T, H, symbols, info?.probe.targets ?? null);
  if (cellDetails.open) {
    diagram.update(trace, undefined, { symbols });
    pub.diagramDraws = diagram.draws;
  }
  pub.probeOutputs = Array.from(trace.outputs);
  showProbeTable(trace);
}

/** The probe's rows: input, target and the model's prediction per step (class-target tasks);
 * the last MAX_COLUMNS steps when the probe is longer. */
const MAX_COLUMNS = 56;
function showProbeTable(/** @type {any} */ trace) {
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

/** Text samples side by side, or fresh problems marked right / wrong. @param {any} samples */
function showSamples(samples) {
  const list = $('problems');
  const text = $('text-samples');
  list.hidden = samples?.kind !== 'problems';
  $('problems-title').hidden = list.hidden;
  text.hidden = samples?.kind !== 'text';
  if (!samples) return;
  const key = JSON.stringify(samples);
  if (key !== pub.samples) { pub.samples = key; pub.samplesChanged++; }
  if (samples.kind === 'problems') {
    list.replaceChildren(...samples.problems.map((/** @type {{ text: string, right: boolean }} */ p) => {
      const li = document.createElement('li');
      li.className = p.right ? 'right' : 'wrong';
      li.textContent = p.text;
      return li;
    }));
  } else if (samples.note) {
    for (const id of ['sample-greedy', 'sample-beam', 'sample-temp']) $(id).textContent = samples.note;
  } else {
    $('prompt-desc').textContent = `each continues the prompt ${JSON.stringify(samples.prompt)}`;
    $('sample-greedy').textContent = samples.greedy;
    $('sample-beam').textContent = samples.beam;
    $('sample-temp').textContent = samples.sample;
    $('beam-caption').textContent = `beam, K = ${samples.beamWidth}`;
    $('temp-caption').textContent = `sampled, temperature ${formatNum(samples.temp)}`;
  }
}

// ---- task csv: predictions against the truth ---------------------------------------------------

const PALETTE = ['--c-train', '--c-heldout', '--c-metric', '--accent'];
const classColor = (/** @type {number} */ k) => (k < PALETTE.length ? color(PALETTE[k]) : `hsl(${(k * 67) % 360} 55% 50%)`);

/** A fresh predictions chart for the run's kind of target. @param {any} csv the worker's init.csv */
function buildPredChart(csv) {
  predChart?.destroy();
  predChart = null;
  $('pred-figure').hidden = !csv;
  if (!csv) return;
  const idx = /** @type {HTMLInputElement} */ ($('pred-index'));
  idx.max = String(csv.heldOut - 1);
  if (Number(idx.value) > csv.heldOut - 1) idx.value = '0';
  if (csv.kind === 'regression') {
    predChart = createChart($('pred-chart'), { xLabel: 't', height: 150, latest: false, series: [
      { label: `truth (${csv.targetName})`, color: color('--fg'), points: csv.targetAt === 'end' },
      { label: 'model', color: color('--c-train') },
      { label: `input ${csv.inputNames[0]}`, color: color('--muted'), dash: [3, 3] },
    ] });
    $('pred-caption').textContent = csv.targetAt === 'end'
      ? 'the model\'s running prediction against the final target, one held-out sequence (data units)'
      : 'predictions against the truth at every step, one held-out sequence (data units)';
  } else {
    predChart = createChart($('pred-chart'), { xLabel: 't', height: 150, latest: false, range: [0, 1], percent: true,
      series: csv.labels.slice(0, 8).map((/** @type {string} */ l, /** @type {number} */ k) => ({ label: `p(${l})`, color: classColor(k) })) });
    $('pred-caption').textContent = 'the model\'s class probabilities step by step, one held-out sequence';
  }
}

/** @param {any} p the worker's csvPredictions */
function showPredictions(p) {
  if (!p || !predChart) return;
  const T = p.length;
  const xs = Array.from({ length: T }, (_, t) => t);
  let ys;
  let note = '';
  if (p.kind === 'regression') {
    const truth = p.targetAt === 'end' ? xs.map((t) => (t === T - 1 ? p.truth[0] : null)) : p.truth;
    const I = p.inputNames.length;
    ys = [truth, p.every, xs.map((t) => p.inputs[t * I])];
    let se = 0;
    p.steps.forEach((/** @type {number} */ t, /** @type {number} */ k) => { se += (p.every[t] - p.truth[k]) ** 2; });
    note = `id ${p.id}: RMSE ${Math.sqrt(se / p.steps.length).toPrecision(3)}`;
  } else {
    const K = Math.min(8, p.labels.length);
    ys = Array.from({ length: K }, (_, k) => xs.map((t) => p.probabilities[t * p.labels.length + k]));
    if (p.targetAt === 'end') {
      const truth = p.labels[p.truth[0]], got = p.labels[p.prediction[0]];
      note = `id ${p.id}: truth ${truth}, model at the end ${got} ${truth === got ? '✓' : '✗'}`;
    } else {
      const right = p.steps.filter((/** @type {number} */ t, /** @type {number} */ k) => p.every[t] === p.truth[k]).length;
      note = `id ${p.id}: ${right} of ${p.steps.length} steps right`;
    }
  }
  predChart.set(xs, ys);
  const idx = /** @type {HTMLInputElement} */ ($('pred-index'));
  if (document.activeElement !== idx) idx.value = String(p.index); // the worker clamps to the split
  $('pred-note').textContent = note;
  $('pred-note').className = `pred-note ${/✗/.test(note) ? 'wrong' : /✓/.test(note) ? 'right' : ''}`;
  const key = JSON.stringify(p.every);
  if (key !== pub.predictions) { pub.predictions = key; pub.predictionsChanged++; }
}

const fmtLoss = (/** @type {number | null} */ v) => (v === null ? '–' : v < 0.01 ? v.toExponential(2) : v.toFixed(4));

// ---- the worker ------------------------------------------------------------------------------

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

function onInit(/** @type {any} */ data) {
  info = data;
  pub.simd = data.simd;
  $('simd').textContent = data.simd ? 'wasm SIMD' : 'wasm scalar (no SIMD)';
  $('simd').title = `rnnlab ${data.version}`;
  lossChart.clear(); gradChart.clear(); curveChart.clear();
  const csvKind = data.csv ? (data.csv.kind === 'regression' ? 'rmse' : 'csvacc') : null;
  setMetricChart(csvKind ?? (data.task === 'text' ? 'bpc' : data.seq2seq ? 'exact' : 'accuracy'));
  $('metric-name').textContent = csvKind === 'rmse' ? 'held-out RMSE' : data.task === 'text' ? 'held-out bpc' : data.seq2seq ? 'exact match' : 'held-out acc.';
  pub.csv = data.csv;
  pub.rmse = null; pub.baselineRmse = null; pub.baselineAccuracy = null; pub.predictions = null;
  pub.losses = [];
  buildPredChart(data.csv);
  diagram.setCell(data.modelConfig);
  weightView.data = null;
  $('curve-figure').hidden = !data.curveLengths;
  buildHeatmaps(data.gateNames, data.config.cell);
  showProbeDesc();
  $('intro-task').textContent = `A recurrent network is learning ${INTROS[data.task] ?? data.task}`;
  $('intro-watch').textContent = `Press Play: the loss falls${data.csv ? '' : data.task === 'text' ? ', bits per character drop'
    : ', held-out accuracy rises'}; below, every gate and state on one ${data.seq2seq ? 'problem' : 'probe sequence'}.`;
  $('gradbars-caption').textContent = data.seq2seq
    ? 'gradient flowing back in time: |dLoss/dh_t| per step (log scale); the encoder\'s is what reaches it back through the context'
    : 'gradient flowing back in time: |dLoss/dh_t| per step (log scale)';
  $('split-note').hidden = !data.seq2seq;
  const input = /** @type {HTMLInputElement} */ ($('probe-input'));
  $('probe-form').hidden = !data.editable;
  input.placeholder = PROBE_HINTS[data.task] ?? '';
  $('probe-status').textContent = '';
  showSamples(null);
  // text: the samples right under the charts (the first thing to watch); else beside the probe
  if (data.task === 'text') $('charts').after($('text-samples'));
  else $('samples-panel').append($('text-samples'));
  if (data.note) $('files-status').textContent = [ownTextStatus, data.note].filter(Boolean).join('; ');
  pub.ready = true;
}

function showProbeDesc() {
  const T = info.probe.length;
  $('probe-desc').textContent = info.csv
    ? `probe: held-out sequence ${info.probe.index ?? 0} (${T} steps), layer 0, ${info.hiddenSize} units (rows) × ${T} steps (columns); hover for values`
    : info.seq2seq
    ? `one source of ${info.probe.split} symbols, then the answer fed to the decoder (${T - info.probe.split} steps), layer 0, ${info.hiddenSize} units (rows); hover for values`
    : `probe: one ${info.task} sequence of ${T} steps, layer 0, ${info.hiddenSize} units (rows) × ${T} steps (columns); hover for values`;
}

function onSnapshot(/** @type {any} */ data) {
  pub.snapshots++;
  pub.step = data.step;
  pub.playing = data.playing;
  playBtn.textContent = data.playing ? 'Pause' : 'Play';
  // training and held-out loss, merged in step order
  /** @type {Map<number, [number | null, number | null]>} */
  const pts = new Map();
  for (const [step, loss] of data.losses) pts.set(step, [loss, null]);
  pub.losses.push(...data.losses);
  if (pub.losses.length > 1000) pub.losses.splice(0, pub.losses.length - 1000);
  for (const e of data.evals) pts.set(e.step, [pts.get(e.step)?.[0] ?? null, e.loss]);
  for (const step of [...pts.keys()].sort((a, b) => a - b)) lossChart.add(step, /** @type {any} */ (pts.get(step)));
  for (const [step, g] of data.gradNorms) gradChart.add(step, [g, state.clip > 0 ? state.clip : null]);
  for (const e of data.evals) {
    metricChart.add(e.step, metricKind === 'bpc' ? [e.bpc, e.ngramBpc] : metricKind === 'rmse' ? [e.rmse, e.baselineRmse]
      : metricKind === 'csvacc' ? [e.accuracy, e.baselineAccuracy] : [e.accuracy]);
  }
  if (data.curve) {
    curveChart.set(data.curve.points.map((/** @type {any} */ p) => p.length), [data.curve.points.map((/** @type {any} */ p) => p.accuracy)]);
    pub.curve = data.curve;
    $('curve-caption').textContent = `generalisation at step ${data.curve.step}`;
  }
  const ev = data.eval;
  if (ev) {
    pub.accuracy = ev.accuracy;
    pub.rmse = ev.rmse; pub.baselineRmse = ev.baselineRmse; pub.baselineAccuracy = ev.baselineAccuracy;
  }
  pub.solved = data.solvedAt !== null;
  pub.solvedAt = data.solvedAt;
  document.body.dataset.solved = String(pub.solved);
  $('solved').textContent = pub.solved ? `✓ solved at step ${data.solvedAt}` : '';
  $('step-count').textContent = String(data.step);
  $('loss-now').textContent = fmtLoss(data.loss);
  $('metric-now').textContent = !ev ? '–' : metricKind === 'bpc' ? (ev.bpc ?? 0).toFixed(3)
    : metricKind === 'rmse' ? (ev.rmse ?? 0).toPrecision(3) : `${(ev.accuracy * 100).toFixed(1)}%`;
  $('metric-now').title = !ev ? '' : metricKind === 'rmse' ? `predicting the training mean: ${(ev.baselineRmse ?? 0).toPrecision(3)}`
    : metricKind === 'csvacc' ? `the majority class: ${((ev.baselineAccuracy ?? 0) * 100).toFixed(1)}%` : '';
  $('steps-per-sec').textContent = String(Math.round(data.stepsPerSec));
  $('chars-per-sec').textContent = String(Math.round(data.charsPerSec));
  showTrace(data.trace);
  showSamples(data.samples);
  showPredictions(data.predictions);
  if (data.weights && weightsDetails.open && info) {
    weightView.update({ weights: data.weights, gradients: data.gradients ?? null, config: info.modelConfig });
    pub.weightDraws = weightView.draws;
  }
}

worker.onmessage = (/** @type {MessageEvent<any>} */ { data }) => {
  switch (data.type) {
    case 'init': onInit(data); break;
    case 'snapshot': onSnapshot(data); break;
    case 'probe':
      info.probe = data.probe;
      showProbeDesc();
      $('probe-status').textContent = '';
      break;
    case 'probeError': $('probe-status').textContent = data.error; break;
    case 'saved': {
      const url = URL.createObjectURL(new Blob([data.bytes], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url; a.download = data.name;
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      $('files-status').textContent = `saved ${data.name} (${data.bytes.byteLength} bytes)`;
      pub.saved++;
      break;
    }
    case 'loadError':
      // the file did not load or does not fit the task: the current run goes on
      pub.loadError = data.error;
      pub.ready = true;
      $('files-alert').textContent = `could not load the model: ${data.error}`;
      $('files-alert').hidden = false;
      $('files-status').textContent = '';
      break;
    case 'loaded':
      $('files-alert').hidden = true;
      state = parse(serialize(data.config));
      showState(state);
      writeHash();
      pub.config = { ...state };
      $('files-status').textContent = data.step > 0
        ? `model loaded: training resumes at step ${data.step}, with its optimizer state`
        : 'model loaded: training continues from its weights';
      pub.loaded++;
      break;
    case 'error':
      pub.error = data.error;
      pub.playing = false;
      playBtn.textContent = 'Play';
      $('solved').textContent = `error: ${String(data.error).split('\n')[0]}`;
      $('files-status').textContent = String(data.error).split('\n')[0];
      // shown on the page; a console.error would read as a page fault in the logs
      break;
    default: break;
  }
};
worker.onerror = (/** @type {ErrorEvent} */ e) => {
  pub.error = e.message;
  $('solved').textContent = `worker error: ${e.message}`;
};

/** own text for corpus 'own' */
let ownText = '';
let ownTextStatus = '';

function sendConfig(keepPlaying = false) {
  if (state.task === 'csv') { sendCsvConfig(keepPlaying); return; }
  pub.config = { ...state };
  pub.ready = false;
  pub.solved = false;
  worker.postMessage({ type: 'config', config: state, keepPlaying, text: state.corpus === 'own' ? ownText : null });
}

// ---- task csv: your own data ------------------------------------------------------------------

/** the example files (web/examples/, written by generate.mjs), read with the loader's defaults */
const EXAMPLES = /** @type {Record<string, string>} */ ({ 'sine-phase': 'examples/sine-phase.csv', 'two-class': 'examples/two-class.csv' });
/** @type {Record<string, { data: any, heldOut: number, name: string, text: string }>} parsed examples */
const exampleCache = {};
/** @type {import('./widgets/datapanel.js').Choice | null} the user's own data (never in the URL) */
let ownCsv = null;
let csvRequest = 0;

/** The data set for state.data: an example (fetched and parsed once) or the user's own. */
async function csvData(/** @type {string} */ name) {
  if (name === 'own') return ownCsv;
  if (!exampleCache[name]) {
    const res = await fetch(EXAMPLES[name]);
    if (!res.ok) throw new Error(`${EXAMPLES[name]}: HTTP ${res.status}`);
    const text = await res.text();
    exampleCache[name] = { data: parseSequences(text), heldOut: 0.2, name: `${name}.csv`, text };
  }
  return exampleCache[name];
}

async function sendCsvConfig(/** @type {boolean} */ keepPlaying) {
  const req = ++csvRequest;
  const wasReady = pub.ready;
  pub.ready = false;
  let set;
  try {
    set = await csvData(state.data);
  } catch (err) {
    dataPanel.error(String(/** @type {Error} */ (err).message));
    pub.ready = wasReady; // the current run goes on
    return;
  }
  if (req !== csvRequest) return; // a later choice won
  if (!set) {
    // 'own' from a link: the data itself cannot travel in a URL
    dataPanel.error('a link carries only an example\'s name, not your own data: paste, load or drop your file again (showing the sine-phase example meanwhile)');
    state = { ...state, data: 'sine-phase' };
    showState(state); writeHash();
    sendCsvConfig(keepPlaying);
    return;
  }
  if (state.data !== 'own' && 'text' in set) dataPanel.show(/** @type {any} */ (set).text, set.name);
  pub.config = { ...state };
  pub.ready = false;
  pub.solved = false;
  worker.postMessage({ type: 'config', config: state, keepPlaying, csv: { data: set.data, heldOut: set.heldOut } });
}

const dataPanel = createDataPanel($('datapanel'), {
  onApply(choice) {
    ownCsv = choice;
    pub.csvApplied++;
    const fresh = state.task !== 'csv';
    state = { ...state, task: 'csv', data: 'own', ...(fresh ? PRESETS.csv : {}) };
    showState(state); writeHash();
    $('files-status').textContent = `training on ${choice.name} (not part of the share link: a URL cannot carry the data)`;
    sendConfig(pub.playing);
  },
});

$('pred-index').addEventListener('change', () => {
  worker.postMessage({ type: 'csvIndex', index: Number(/** @type {HTMLInputElement} */ ($('pred-index')).value) });
});

/** weights and gradients cost bandwidth (and a copy each snapshot): only while their panel is
 * open and on screen (or nearly) */
let weightsOnScreen = false;
let wantedKey = '';
function wantParts() {
  const parts = weightsDetails.open && weightsOnScreen ? ['weights', 'gradients'] : [];
  if (parts.join() === wantedKey) return;
  wantedKey = parts.join();
  worker.postMessage({ type: 'want', parts });
}
weightsDetails.addEventListener('toggle', wantParts);
new IntersectionObserver((entries) => {
  weightsOnScreen = entries[entries.length - 1].isIntersecting;
  wantParts();
}, { rootMargin: '300px 0px' }).observe(weightsDetails);

function togglePlay() {
  const play = !pub.playing;
  worker.postMessage({ type: play ? 'play' : 'pause' });
  pub.playing = play;
  playBtn.textContent = play ? 'Pause' : 'Play';
}

playBtn.addEventListener('click', togglePlay);
$('step').addEventListener('click', () => worker.postMessage({ type: 'step' }));
$('reset').addEventListener('click', () => sendConfig());
$('preset').addEventListener('click', () => {
  state = { ...state, ...PRESETS[state.task] };
  showState(state); writeHash(); sendConfig(pub.playing);
});

form.addEventListener('submit', (e) => e.preventDefault());
/** live changes: learning rate, temperature, beam width (no restart) */
document.addEventListener('input', (e) => {
  const el = /** @type {HTMLInputElement} */ (e.target);
  if (el.form !== form) return;
  if (el.name === 'lr') {
    state = { ...state, lr: readState().lr };
    showSlider('lr', state.lr);
    worker.postMessage({ type: 'setLearningRate', lr: state.lr });
    writeHash();
  } else if (el.name === 'temp') {
    state = { ...state, temp: readState().temp };
    showSlider('temp', state.temp);
    worker.postMessage({ type: 'setSampling', temp: state.temp, beam: state.beam });
    writeHash();
  }
});
document.addEventListener('change', (e) => {
  const el = /** @type {HTMLInputElement} */ (e.target);
  if (el.form !== form || !el.name || el.name === 'lr' || el.name === 'temp') return;
  let next = readState();
  if (el.name === 'beam') {
    state = { ...state, beam: next.beam };
    worker.postMessage({ type: 'setSampling', temp: state.temp, beam: state.beam });
    writeHash();
    return;
  }
  if (el.name === 'task') next = { ...next, ...PRESETS[next.task] };
  state = next;
  showState(state);
  writeHash();
  sendConfig(pub.playing);
});

// ---- own text, save / load, share --------------------------------------------------------------

const ownTextArea = /** @type {HTMLTextAreaElement} */ ($('own-text'));
$('text-file').addEventListener('change', async (e) => {
  const f = /** @type {HTMLInputElement} */ (e.target).files?.[0];
  if (!f) return;
  ownTextArea.value = await f.text();
  useOwnText();
});
$('use-text').addEventListener('click', useOwnText);
function useOwnText() {
  ownText = ownTextArea.value;
  if (ownText.length < 200) { $('files-status').textContent = 'the text needs at least 200 characters'; return; }
  state = { ...state, corpus: 'own' };
  showState(state); writeHash(); sendConfig(pub.playing);
  ownTextStatus = `training on your text (${ownText.length} characters; not part of the share link)`;
  $('files-status').textContent = ownTextStatus;
}

$('save').addEventListener('click', () => worker.postMessage({ type: 'save' }));
$('load-file').addEventListener('change', async (e) => {
  const input = /** @type {HTMLInputElement} */ (e.target);
  const f = input.files?.[0];
  if (!f) return;
  const bytes = await f.arrayBuffer();
  input.value = '';
  $('files-alert').hidden = true;
  pub.loadError = null;
  pub.ready = false;
  worker.postMessage({ type: 'load', bytes, config: state }, [bytes]);
});
$('share').addEventListener('click', async () => {
  const link = location.href;
  try {
    await navigator.clipboard.writeText(link);
    $('files-status').textContent = state.task === 'csv' && state.data === 'own'
      ? 'link copied: it holds every setting but not your data (a URL cannot carry it; the link opens an example)'
      : 'link copied: it reproduces this run';
  } catch {
    $('files-status').textContent = `share this link: ${link}`;
  }
});

// ---- probe ------------------------------------------------------------------------------------

$('probe-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = /** @type {HTMLInputElement} */ ($('probe-input')).value.trim();
  if (text) worker.postMessage({ type: 'probe', text });
});
$('probe-default').addEventListener('click', () => {
  /** @type {HTMLInputElement} */ ($('probe-input')).value = '';
  worker.postMessage({ type: 'probe', text: '' });
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
