// @ts-check
/* main.js - the playground page: wires the controls, the URL hash, the training worker and the
 * widgets. The worker (worker.js) trains and posts snapshots; the widgets redraw from them.
 *
 * Panels: each reads its part of a snapshot in onSnapshot (a new panel adds a line there and,
 * in worker.js, an entry in SNAPSHOT_PARTS). For the browser tests (and a curious console) the
 * latest state is mirrored in window.__state; the throughput readouts are #steps-per-sec and
 * #chars-per-sec (plain numbers as text).
 */
import { PROPS, PRESETS, SEQ2SEQ_TASKS, parse, serialize } from './state.js';
import { createChart } from './charts.js';
import { createHeatmap } from './heatmap.js';
import { createGradBars } from './gradbars.js';
import { createPCA } from './pca.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('controls'));
const tooltip = $('tooltip');
const playBtn = /** @type {HTMLButtonElement} */ ($('play'));

/** @type {any} what the tests (and a curious console) can read */
const pub = {
  ready: false, snapshots: 0, step: 0, playing: false, simd: null, accuracy: null, solved: false,
  solvedAt: null, error: null, config: null, embed: false, probeOutputs: null, samples: null,
  samplesChanged: 0, saved: 0, loaded: 0, curve: null,
};
/** @type {any} */ (window).__state = pub;

const GATE_TITLES = /** @type {Record<string, string>} */ ({
  i: 'i  input gate', f: 'f  forget gate', g: 'g  cell input', o: 'o  output gate',
  r: 'r  reset gate', z: 'z  update gate', n: 'n  candidate', h: 'h  activation',
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
  for (const v of p.values) sel.append(new Option(p.name === 'corpus' && v === 'own' ? 'your own text' : v, v));
}

const LOG_SLIDERS = ['lr'];
const formatNum = (/** @type {number} */ v) => String(+v.toPrecision(3));

/** @param {import('./state.js').State} s */
function showState(s) {
  const els = form.elements;
  for (const p of PROPS) {
    const el = /** @type {HTMLInputElement} */ (els.namedItem(p.name));
    const v = /** @type {any} */ (s)[p.name];
    el.value = LOG_SLIDERS.includes(p.name) ? String(Math.log10(v)) : String(v);
  }
  $('lr-value').textContent = formatNum(s.lr);
  $('temp-value').textContent = formatNum(s.temp);
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
  range: [0, 1], xLog: true, xLabel: 'length', percent: true,
});
/** @type {ReturnType<typeof createChart>} */
let metricChart = createChart($('metric-chart'), { series: [{ label: 'accuracy', color: color('--c-metric') }], range: [0, 1], percent: true });
/** what the metric chart shows: 'accuracy', 'bpc' or 'exact' */
let metricKind = 'accuracy';

const gradBars = createGradBars(/** @type {HTMLCanvasElement} */ ($('grad-bars')), tooltip);
const pca = createPCA(/** @type {HTMLCanvasElement} */ ($('pca')), tooltip);
/** @type {{ name: string, view: ReturnType<typeof createHeatmap> }[]} */
let heatmaps = [];
/** @type {any} the worker's init message of the current run (probe updated by 'probe') */
let info = null;

/** @param {string} kind */
function setMetricChart(kind) {
  if (kind === metricKind) { metricChart.clear(); return; }
  metricChart.destroy();
  metricKind = kind;
  const caption = { accuracy: 'held-out accuracy', bpc: 'held-out bits per character', exact: 'held-out exact match' }[kind] ?? kind;
  $('metric-caption').textContent = caption;
  metricChart = kind === 'bpc'
    ? createChart($('metric-chart'), { series: [{ label: 'bpc', color: color('--c-metric') },
      { label: 'best n-gram', color: color('--muted'), dash: [5, 4] }] })
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
    view.update(values, T, H, symbols);
  }
  if (!info?.seq2seq) gradBars.update(trace.gradNorm, symbols);
  pca.update(trace.hidden, T, H, symbols, info?.probe.targets ?? null);
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

const fmtLoss = (/** @type {number | null} */ v) => (v === null ? '–' : v < 0.01 ? v.toExponential(2) : v.toFixed(4));

// ---- the worker ------------------------------------------------------------------------------

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

function onInit(/** @type {any} */ data) {
  info = data;
  pub.simd = data.simd;
  $('simd').textContent = data.simd ? 'wasm SIMD' : 'wasm scalar (no SIMD)';
  $('simd').title = `rnnlab ${data.version}`;
  lossChart.clear(); gradChart.clear(); curveChart.clear();
  setMetricChart(data.task === 'text' ? 'bpc' : data.seq2seq ? 'exact' : 'accuracy');
  $('metric-name').textContent = data.task === 'text' ? 'held-out bpc' : data.seq2seq ? 'exact match' : 'held-out acc.';
  $('curve-figure').hidden = !data.curveLengths;
  buildHeatmaps(data.gateNames, data.config.cell);
  showProbeDesc();
  $('gradbars-caption').textContent = data.seq2seq
    ? 'gradient flowing back in time: not traced for encoder-decoders (the heatmaps show the encoder over one source)'
    : 'gradient flowing back in time: |dLoss/dh_t| per step (log scale)';
  /** @type {HTMLElement} */ ($('grad-bars')).hidden = data.seq2seq;
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
  $('probe-desc').textContent = info.seq2seq
    ? `the encoder over one source of ${T} symbols, layer 0, ${info.hiddenSize} units (rows) × ${T} steps; hover for values`
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
  for (const e of data.evals) pts.set(e.step, [pts.get(e.step)?.[0] ?? null, e.loss]);
  for (const step of [...pts.keys()].sort((a, b) => a - b)) lossChart.add(step, /** @type {any} */ (pts.get(step)));
  for (const [step, g] of data.gradNorms) gradChart.add(step, [g, state.clip > 0 ? state.clip : null]);
  for (const e of data.evals) {
    metricChart.add(e.step, metricKind === 'bpc' ? [e.bpc, e.ngramBpc] : [e.accuracy]);
  }
  if (data.curve) {
    curveChart.set(data.curve.points.map((/** @type {any} */ p) => p.length), [data.curve.points.map((/** @type {any} */ p) => p.accuracy)]);
    pub.curve = data.curve;
    $('curve-caption').textContent = `generalisation at step ${data.curve.step}`;
  }
  const ev = data.eval;
  if (ev) pub.accuracy = ev.accuracy;
  pub.solved = data.solvedAt !== null;
  pub.solvedAt = data.solvedAt;
  document.body.dataset.solved = String(pub.solved);
  $('solved').textContent = pub.solved ? `✓ solved at step ${data.solvedAt}` : '';
  $('step-count').textContent = String(data.step);
  $('loss-now').textContent = fmtLoss(data.loss);
  $('metric-now').textContent = !ev ? '–' : metricKind === 'bpc' ? (ev.bpc ?? 0).toFixed(3) : `${(ev.accuracy * 100).toFixed(1)}%`;
  $('steps-per-sec').textContent = String(Math.round(data.stepsPerSec));
  $('chars-per-sec').textContent = String(Math.round(data.charsPerSec));
  showTrace(data.trace);
  showSamples(data.samples);
}

worker.onmessage = ({ data }) => {
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
    case 'loaded':
      state = parse(serialize(data.config));
      showState(state);
      writeHash();
      pub.config = { ...state };
      $('files-status').textContent = 'model loaded: training continues from its weights';
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
worker.onerror = (e) => {
  pub.error = e.message;
  $('solved').textContent = `worker error: ${e.message}`;
};

/** own text for corpus 'own' */
let ownText = '';
let ownTextStatus = '';

function sendConfig(keepPlaying = false) {
  pub.config = { ...state };
  pub.ready = false;
  pub.solved = false;
  worker.postMessage({ type: 'config', config: state, keepPlaying, text: state.corpus === 'own' ? ownText : null });
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
    $('lr-value').textContent = formatNum(state.lr);
    worker.postMessage({ type: 'setLearningRate', lr: state.lr });
    writeHash();
  } else if (el.name === 'temp') {
    state = { ...state, temp: readState().temp };
    $('temp-value').textContent = formatNum(state.temp);
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
  pub.ready = false;
  worker.postMessage({ type: 'load', bytes, config: state }, [bytes]);
});
$('share').addEventListener('click', async () => {
  const link = location.href;
  try {
    await navigator.clipboard.writeText(link);
    $('files-status').textContent = 'link copied: it reproduces this run';
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
