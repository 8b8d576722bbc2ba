// @ts-check
/* main.js - the playground page: routes between the controls (controls.js), the URL hash
 * (state.js), the training worker (worker/worker.js) and the widgets (widgets/). The worker
 * trains and posts snapshots; the widgets redraw from them. What differs between the kinds of
 * learner (a plain sequence model, an encoder-decoder, your own data) is their family's
 * (families/): which controls show, which widgets draw, the texts, what the config message
 * carries; this file branches on none of them.
 *
 * Panels: each reads its part of a snapshot in onSnapshot (a new panel adds a line there and, in
 * worker/worker.js or its family, a snapshot part). For the browser tests (and a curious console)
 * the latest state is mirrored in window.__state; the throughput readouts are #steps-per-sec and
 * #chars-per-sec (plain numbers as text).
 *
 * A family that draws its own page (widgets 'energy': the energy-based nets) gets the main area
 * to itself: the sequence panels hide (body.own-page), its view (widgets/energyview.js) reads its
 * init and snapshot parts, the family's live keys (family.live) post their message on input.
 *
 * Compare runs: "Keep as reference" keeps the current run's curves (loss, the held-out metric,
 * the generalisation curve) under a name (state.js createReferences); every chart draws them
 * dashed under the runs that follow, whatever changes, until they are removed.
 */
import { MAX_REFERENCES, PRESETS, createReferences, describeRun, parse, serialize } from './state.js';
import { EXAMPLES, INPUTS, familyOf } from './families/index.js';
import { createControls } from './controls.js';
import { createChart } from './widgets/charts.js';
import { createMetric } from './widgets/metric.js';
import { createGateMaps } from './widgets/gatemaps.js';
import { createGradBars } from './widgets/gradbars.js';
import { createPCA } from './widgets/pca.js';
import { createProbeTable } from './widgets/probetable.js';
import { createSamples } from './widgets/samples.js';
import { createPredictions } from './widgets/predictions.js';
import { createDataPanel } from './widgets/datapanel.js';
import { createOwnText } from './widgets/owntext.js';
import { CellDiagram } from './widgets/celldiagram.js';
import { WeightView } from './widgets/weights.js';
import { createAttention } from './widgets/attention.js';

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
  /** compare runs: the kept references' names, oldest first */
  references: [],
  /** the attention map: whether it shows, its draws, and the probe's weights as last drawn */
  attention: { shown: false, draws: 0, probe: null, beams: 0 },
};
/** @type {any} */ (window).__state = pub;

const GRAD_CAPTION = 'gradient flowing back in time: |dLoss/dh_t| per step (log scale)';

// ---- embed mode: #...&embed=1 hides the controls ------------------------------------------

const embed = new URLSearchParams(location.hash.replace(/^#/, '')).get('embed') === '1';
pub.embed = embed;
document.body.classList.toggle('embed', embed);

// ---- controls <-> state ----------------------------------------------------------------------

const controls = createControls(form);

/** @type {import('./state.js').State} */
let state = parse(location.hash);

const hashOf = (/** @type {import('./state.js').State} */ s) => `#${serialize(s)}${embed ? '&embed=1' : ''}`;
function writeHash() {
  const h = hashOf(state);
  if (location.hash !== h) history.replaceState(null, '', h);
}
/** a new state from the page (not from the worker): shown, in the hash */
function setState(/** @type {import('./state.js').State} */ next) {
  state = next;
  controls.show(state);
  writeHash();
}

// ---- widgets ---------------------------------------------------------------------------------

const css = getComputedStyle(document.documentElement);
const color = (/** @type {string} */ name) => css.getPropertyValue(name).trim();
const send = (/** @type {any} */ msg) => worker.postMessage(msg);
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
const metric = createMetric({ chart: $('metric-chart'), caption: $('metric-caption'), name: $('metric-name'), now: $('metric-now') }, color);
const gradBars = createGradBars(/** @type {HTMLCanvasElement} */ ($('grad-bars')), tooltip);
const pca = createPCA(/** @type {HTMLCanvasElement} */ ($('pca')), tooltip);
const gateMaps = createGateMaps($('heatmaps'), tooltip);
const diagram = new CellDiagram($('cell-diagram'), { title: '' });
const weightView = new WeightView($('weight-view'), { title: '', tooltip, maxTile: 112 });
const cellDetails = /** @type {HTMLDetailsElement} */ ($('cell-details'));
const weightsDetails = /** @type {HTMLDetailsElement} */ ($('weights-details'));
const attention = createAttention($('attention'), tooltip);
/** @type {import('./widgets/energyview.js').EnergyView | null} the energy-based nets' view, loaded
 * the first time a run of theirs starts (the sequence pages never load it) */
let energyView = null;
/** @type {Promise<void> | null} */
let energyLoad = null;
/** f(view), now or once the view has loaded; calls keep their order @param {(v: NonNullable<typeof energyView>) => void} f */
function withEnergyView(f) {
  if (energyView) { f(energyView); return; }
  energyLoad ??= import('./widgets/energyview.js').then(({ createEnergyView }) => {
    energyView = createEnergyView($('energy'), { send: (msg) => send(msg), tooltip, color });
  });
  energyLoad.then(() => f(/** @type {NonNullable<typeof energyView>} */ (energyView))).catch((err) => {
    pub.error = String(err);
    $('solved').textContent = `error: ${err}`;
  });
}
/** @type {ReturnType<typeof import('./widgets/dynview.js').createDynView> | null} the dynamics
 * family's panels (phase portrait, perturbation, raster, fixed points), loaded the first time a
 * dynamics run starts */
let dynView = null;
/** @type {Promise<void> | null} */
let dynLoad = null;
/** f(view), now or once the dynamics view has loaded; calls keep their order @param {(v: NonNullable<typeof dynView>) => void} f */
function withDynView(f) {
  if (dynView) { f(dynView); return; }
  dynLoad ??= import('./widgets/dynview.js').then(({ createDynView }) => { dynView = createDynView($('dynamics'), { color, pca, send }); });
  dynLoad.then(() => f(/** @type {NonNullable<typeof dynView>} */ (dynView))).catch((err) => {
    pub.error = String(err);
    $('solved').textContent = `error: ${err}`;
  });
}
const probeTable = createProbeTable(/** @type {HTMLTableSectionElement} */ ($('samples').querySelector('tbody')), $('samples-desc'));
const samples = createSamples($);
const predictions = createPredictions($, color, send);
/** @type {Record<string, string>} what the user handed the page that a URL cannot carry: own text, own data */
const inputs = {};
/** @type {Record<string, string>} each input's status line (own text: "training on your text ...") */
const statuses = {};
const dataPanel = createDataPanel($('datapanel'), {
  onApply(choice) { pub.csvApplied++; useInput('csv', choice); },
});
createOwnText({ area: /** @type {HTMLTextAreaElement} */ ($('own-text')), file: /** @type {HTMLInputElement} */ ($('text-file')),
  button: $('use-text') }, (text) => useInput('text', text));
/** the widgets a family's hooks may talk to (owndata: the data panel) */
const widgets = { dataPanel };

/** @type {any} the worker's init message of the current run (probe updated by 'probe') */
let info = null;
/** the current run's family */
let family = familyOf(state.task);

/** @param {any} trace */
function showTrace(trace) {
  const symbols = info?.probe.symbols ?? [];
  gateMaps.update(trace, symbols);
  gradBars.update(trace.gradNorm, symbols, trace.split);
  pca.update(trace.hidden, trace.length, trace.hiddenSize, symbols, info?.probe.targets ?? null);
  if (cellDetails.open) {
    diagram.update(trace, undefined, { symbols });
    pub.diagramDraws = diagram.draws;
  }
  pub.probeOutputs = Array.from(trace.outputs);
  probeTable.update(info?.probe, trace);
}

/** the attention map, when the family draws one and the snapshot carries its rows
 * @param {any} probe @param {any[] | null} beams */
function showAttention(probe, beams) {
  const shown = family.widgets.includes('attention') && !!probe;
  $('attention-figure').hidden = !shown;
  if (!shown) return;
  attention.update(probe, beams);
  pub.attention = { shown, draws: attention.draws, probe: Array.from(probe.weights), rows: probe.rows, cols: probe.cols,
    source: probe.source, output: probe.output, beams: beams?.length ?? 0 };
}

const fmtLoss = (/** @type {number | null} */ v) => (v === null ? '–' : v < 0.01 ? v.toExponential(2) : v.toFixed(4));

// ---- the worker ------------------------------------------------------------------------------

const worker = new Worker(new URL('./worker/worker.js', import.meta.url), { type: 'module' });

/** the current run's family draws its own page (the energy-based nets) */
let ownPage = false;

function onInit(/** @type {any} */ data) {
  info = data;
  family = familyOf(data.task);
  const spec = family.tasks[data.task];
  const draws = (/** @type {string} */ w) => family.widgets.includes(w);
  pub.simd = data.simd;
  $('simd').textContent = data.simd ? 'wasm SIMD' : 'wasm scalar (no SIMD)';
  $('simd').title = `rnnlab ${data.version}`;
  ownPage = draws('energy');
  document.body.classList.toggle('own-page', ownPage);
  $('energy').hidden = !ownPage;
  playBtn.disabled = ownPage && !data.energy?.available;
  /** @type {HTMLButtonElement} */ ($('step')).disabled = playBtn.disabled;
  $('steps-label').textContent = ownPage ? ({ hopfield: 'trials/s', ising: 'sweeps/s' })[/** @type {'hopfield'} */ (data.task)] ?? 'updates/s' : 'steps/s';
  if (ownPage) {
    $('intro-task').textContent = spec.intro;
    $('intro-watch').textContent = '';
    $('files-status').textContent = '';
    if (data.unavailable) { controls.unavailable(family.name, data.unavailable); controls.show(state); }
    withEnergyView((v) => {
      v.init(data.energy);
      pub.energy = v.pub;
      pub.ready = true;
    });
    return;
  }
  lossChart.clear(); gradChart.clear(); curveChart.clear();
  pca.setFixedPoints(null);
  $('dynamics').hidden = true;
  if (draws('dynamics')) withDynView((v) => { v.init(data); pub.dynamics = v.pub; });
  showRefName();
  $('attention-figure').hidden = true;
  pub.attention = { shown: false, draws: attention.draws, probe: null, beams: 0 };
  metric.reset(family.metricOf(data));
  pub.csv = data.csv ?? null;
  pub.rmse = null; pub.baselineRmse = null; pub.baselineAccuracy = null;
  pub.losses = [];
  predictions.build(draws('predictions') ? data.csv : null);
  pub.predictions = predictions.key;
  diagram.setCell(data.modelConfig);
  weightView.data = null;
  $('curve-figure').hidden = !(draws('curve') && data.curveLengths);
  gateMaps.build(data.gateNames, data.config.cell);
  showProbeDesc();
  if (data.unavailable) { controls.unavailable(family.name, data.unavailable); controls.show(state); }
  $('intro-task').textContent = `A recurrent network is learning ${spec.intro}`;
  $('intro-watch').textContent = `Press Play: the loss falls${spec.watch ?? ', held-out accuracy rises'}; `
    + `below, every gate and state on one ${family.probeNoun}.`;
  $('gradbars-caption').textContent = family.gradCaption ?? GRAD_CAPTION;
  $('split-note').hidden = !draws('splitNote');
  $('probe-form').hidden = !data.editable;
  /** @type {HTMLInputElement} */ ($('probe-input')).placeholder = spec.probeHint ?? '';
  $('probe-status').textContent = '';
  samples.show(null);
  samples.place(spec.samples === 'text'); // text: right under the charts (the first thing to watch)
  if (data.note) $('files-status').textContent = [...family.inputs.map((k) => statuses[k]), data.note].filter(Boolean).join('; ');
  pub.ready = true;
}

function showProbeDesc() {
  $('probe-desc').textContent = family.probeDesc(info);
}

function onSnapshot(/** @type {any} */ data) {
  pub.snapshots++;
  pub.step = data.step;
  pub.playing = data.playing;
  playBtn.textContent = data.playing ? 'Pause' : 'Play';
  if (ownPage) {
    $('step-count').textContent = String(data.step);
    $('steps-per-sec').textContent = String(Math.round(data.stepsPerSec));
    withEnergyView((v) => v.update(data.energy, data));
    return;
  }
  // training and held-out loss, merged in step order
  /** @type {Map<number, [number | null, number | null]>} */
  const pts = new Map();
  for (const [step, loss] of data.losses) pts.set(step, [loss, null]);
  pub.losses.push(...data.losses);
  if (pub.losses.length > 1000) pub.losses.splice(0, pub.losses.length - 1000);
  for (const e of data.evals) pts.set(e.step, [pts.get(e.step)?.[0] ?? null, e.loss]);
  for (const step of [...pts.keys()].sort((a, b) => a - b)) lossChart.add(step, /** @type {any} */ (pts.get(step)));
  for (const [step, g] of data.gradNorms) gradChart.add(step, [g, state.clip > 0 ? state.clip : null]);
  metric.add(data.evals);
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
  metric.show(ev);
  $('steps-per-sec').textContent = String(Math.round(data.stepsPerSec));
  $('chars-per-sec').textContent = String(Math.round(data.charsPerSec));
  showTrace(data.trace);
  if (family.widgets.includes('dynamics')) withDynView((v) => { v.update(data.dynamics, data.trace); pub.dynamics = v.pub; });
  showAttention(data.trace.attention ?? null, data.beams ?? null);
  samples.show(data.samples);
  pub.samples = samples.key; pub.samplesChanged = samples.changes;
  predictions.show(data.predictions);
  pub.predictions = predictions.key; pub.predictionsChanged = predictions.changes;
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
      controls.show(state);
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

let configRequest = 0;
/**
 * A fresh run for the current state: the config, with what the task's family adds (its
 * payload: own text, own data; null when there is nothing to train on yet, or a change of state
 * to apply first). The latest request wins.
 */
async function sendConfig(keepPlaying = false) {
  const req = ++configRequest;
  const wasReady = pub.ready;
  pub.ready = false;
  const extra = await familyOf(state.task).payload(state, { inputs, widgets, current: () => req === configRequest });
  if (req !== configRequest) return; // a later choice won
  if (!extra) { pub.ready = wasReady; return; } // the current run goes on
  if (extra.change) { setState({ ...state, ...extra.change }); sendConfig(keepPlaying); return; }
  pub.config = { ...state };
  pub.ready = false;
  pub.solved = false;
  worker.postMessage({ type: 'config', config: state, keepPlaying, ...extra });
}

/** Something the user handed the page (families' inputs: own text, own data): the state it
 * switches to (its family's apply), then a fresh run. @param {string} key @param {any} value */
function useInput(key, value) {
  inputs[key] = value;
  const r = /** @type {NonNullable<import('./families/common.js').Family['apply']>} */ (INPUTS[key].apply)[key](state, value);
  $('files-status').textContent = r.status;
  if (!r.state) return;
  statuses[key] = r.status;
  setState(r.state);
  sendConfig(pub.playing);
}

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
  if (playBtn.disabled) return; // the engine has no such net yet
  const play = !pub.playing;
  worker.postMessage({ type: play ? 'play' : 'pause' });
  pub.playing = play;
  playBtn.textContent = play ? 'Pause' : 'Play';
}

playBtn.addEventListener('click', togglePlay);
$('step').addEventListener('click', () => worker.postMessage({ type: 'step' }));
$('reset').addEventListener('click', () => sendConfig());
$('preset').addEventListener('click', () => {
  setState({ ...state, ...PRESETS[state.task] });
  sendConfig(pub.playing);
});

form.addEventListener('submit', (e) => e.preventDefault());
/** live changes: learning rate, temperature, beam width (no restart) */
document.addEventListener('input', (e) => {
  const el = /** @type {HTMLInputElement} */ (e.target);
  if (el.form !== form) return;
  const live = familyOf(state.task).live?.[el.name];
  if (live) {
    const v = /** @type {any} */ (controls.read())[el.name];
    state = { ...state, [el.name]: v };
    controls.showSlider(el.name, v);
    worker.postMessage({ type: live, value: v });
    writeHash();
  } else if (el.name === 'lr') {
    state = { ...state, lr: controls.read().lr };
    controls.showSlider('lr', state.lr);
    worker.postMessage({ type: 'setLearningRate', lr: state.lr });
    writeHash();
  } else if (el.name === 'temp') {
    state = { ...state, temp: controls.read().temp };
    controls.showSlider('temp', state.temp);
    worker.postMessage({ type: 'setSampling', temp: state.temp, beam: state.beam });
    writeHash();
  }
});
document.addEventListener('change', (e) => {
  const el = /** @type {HTMLInputElement} */ (e.target);
  if (el.form !== form || !el.name || el.name === 'lr' || el.name === 'temp' || familyOf(state.task).live?.[el.name]) return;
  const next = controls.read();
  if (el.name === 'beam') {
    state = { ...state, beam: next.beam };
    worker.postMessage({ type: 'setSampling', temp: state.temp, beam: state.beam });
    writeHash();
    return;
  }
  setState(el.name === 'task' ? { ...next, ...PRESETS[next.task] } : next);
  sendConfig(pub.playing);
});

const exampleMenu = /** @type {HTMLSelectElement} */ ($('example'));
for (const [k, e] of EXAMPLES.entries()) exampleMenu.append(new Option(e.name, String(k)));
exampleMenu.addEventListener('change', () => {
  const e = EXAMPLES[Number(exampleMenu.value)];
  exampleMenu.value = '';
  if (!e) return;
  setState({ ...state, ...PRESETS[e.state.task], ...e.state });
  sendConfig(pub.playing);
});

// ---- compare runs --------------------------------------------------------------------------------

const references = createReferences();
const refName = /** @type {HTMLInputElement} */ ($('ref-name'));
/** the user typed a name for the run: a new run does not overwrite it */
let refNameTyped = false;
refName.addEventListener('input', () => { refNameTyped = refName.value.trim() !== ''; });
/** the name field: a description of the current run, unless the user typed one */
function showRefName() {
  if (!refNameTyped && info) refName.value = describeRun(parse(serialize(info.config)));
}
/** a reference's colour and dash, by its slot */
const REF_DASHES = [[6, 4], [2, 3], [10, 3, 2, 3]];
const refStyle = (/** @type {import('./state.js').Reference} */ r) => ({ color: color(`--c-ref${r.slot + 1}`), dash: REF_DASHES[r.slot] });

/** every chart's references, the list under the name field */
function showReferences() {
  const list = references.list;
  lossChart.setReferences(list.map((r) => ({ label: r.name, ...refStyle(r), ...r.loss })));
  metric.setReferences(list.map((r) => ({ label: r.name, ...refStyle(r), ...r.metric })));
  curveChart.setReferences(list.filter((r) => r.curve).map((r) => ({ label: r.name, ...refStyle(r), points: true,
    .../** @type {import('./state.js').Curve} */ (r.curve) })));
  $('ref-list').replaceChildren(...list.map((r) => {
    const li = document.createElement('li');
    const key = document.createElement('span');
    key.className = 'ref-key';
    const { color: c, dash } = refStyle(r);
    key.style.borderTopColor = c;
    key.style.borderTopStyle = dash[0] > 4 ? 'dashed' : 'dotted';
    const name = document.createElement('span');
    name.textContent = r.name;
    const small = document.createElement('small');
    small.textContent = ` ${r.task}, step ${r.step}`;
    const x = document.createElement('button');
    x.type = 'button';
    x.textContent = '×';
    x.title = `remove the reference ${r.name}`;
    x.setAttribute('aria-label', x.title);
    x.addEventListener('click', () => { references.remove(r.id); showReferences(); });
    li.append(key, name, small, x);
    return li;
  }));
  const clear = $('clear-ref');
  clear.hidden = list.length === 0;
  clear.textContent = list.length > 1 ? 'Clear references' : 'Clear reference';
  pub.references = list.map((r) => r.name);
}

$('keep-ref').addEventListener('click', () => {
  const loss = lossChart.data(0);
  if (!loss.xs.length || !info) { $('ref-status').textContent = 'nothing to keep yet: train a little first'; return; }
  const dropped = references.list.length >= MAX_REFERENCES ? references.list[0].name : null;
  const ref = references.keep({
    name: refName.value.trim() || describeRun(parse(serialize(info.config))), task: info.task, step: pub.step,
    loss, metric: metric.data(), curve: $('curve-figure').hidden ? null : curveChart.data(0),
  });
  $('ref-status').textContent = `kept ${ref.name}${dropped ? ` (${dropped} made room)` : ''}: change anything, train again, compare`;
  refNameTyped = false;
  showRefName();
  showReferences();
});
$('clear-ref').addEventListener('click', () => {
  references.clear();
  $('ref-status').textContent = '';
  showReferences();
});

// ---- save / load, share ------------------------------------------------------------------------

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
    $('files-status').textContent = familyOf(state.task).shareNote?.(state) ?? 'link copied: it reproduces this run';
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
  controls.show(state);
  sendConfig();
});

document.addEventListener('keydown', (e) => {
  if (e.key !== ' ' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = /** @type {HTMLElement} */ (e.target);
  if (t.closest('input, select, textarea, button')) return; // the control handles space itself
  e.preventDefault();
  togglePlay();
});

controls.show(state);
writeHash();
sendConfig();
