// @ts-check
/* views-demo.js - a standalone page for the cell diagram and the weight view (and their browser
 * test): trains running parity on the main thread in short slices, and after each slice feeds
 *   weightView.update(snapshotWeights(model))          // gradients of the last training batch
 *   diagram.update(model.trace(probe), undefined, { symbols })
 * in that order (trace runs a backward pass of its own). The cell select rebuilds the model.
 * URL query: ?cell=lstm:NFG (a value of the select) &play=1 (start training) &layers=2 &bidirectional=1.
 * window.__views = { ready, error, playing, step, snapshots, loss, cell } for tests.
 */
import { load } from './rnnlab.mjs';
import { CellDiagram } from './widgets/celldiagram.js';
import { WeightView, snapshotWeights } from './widgets/weights.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const cellSelect = /** @type {HTMLSelectElement} */ ($('vd-cell'));
const playButton = /** @type {HTMLButtonElement} */ ($('vd-play'));
const stepButton = /** @type {HTMLButtonElement} */ ($('vd-step'));
const readout = $('vd-readout');

const HIDDEN = 16, BATCH = 32, PROBE_LENGTH = 14, SLICE_MS = 40;
const query = new URLSearchParams(location.search);
const LAYERS = Math.max(1, Math.min(4, Number(query.get('layers') ?? 1) || 1));
const BIDIRECTIONAL = query.get('bidirectional') === '1';
/** @type {{ ready: boolean, error: string | null, playing: boolean, step: number, snapshots: number,
 *   loss: number | null, cell: string }} */
const state = /** @type {any} */ (window).__views = {
  ready: false, error: null, playing: false, step: 0, snapshots: 0, loss: null, cell: '',
};

const diagram = new CellDiagram($('vd-diagram'), { title: 'Cell, live' });
const weightView = new WeightView($('vd-weights'), { title: 'Weights by gate', maxTile: 128 });

/** @type {any} */ let lab;
/** @type {any} */ let task;
/** @type {any} */ let model = null;
/** @type {any} */ let trainer = null;
/** @type {any} */ let probe;
/** @type {string[]} */ let symbols = [];
let lossSum = 0, lossCount = 0;
/** @type {ReturnType<typeof setTimeout> | null} */ let timer = null;

/** "lstm:NFG" -> a model config */
function configOf(/** @type {string} */ value) {
  const [cell, v] = value.split(':');
  /** @type {Record<string, any>} */
  const c = { ...task.modelConfig, cell, hiddenSize: HIDDEN, seed: 1, layers: LAYERS, bidirectional: BIDIRECTIONAL };
  if (cell === 'lstm') c.variant = v ?? 'standard';
  if (cell === 'gru') c.resetAfter = v !== 'before';
  if (cell === 'ctrnn' || cell === 'esn') c.alpha = 0.5;
  if (cell === 'esn') c.spectralRadius = 0.9;
  return c;
}

function build() {
  trainer?.free(); model?.free();
  model = lab.createModel(configOf(cellSelect.value));
  trainer = lab.createTrainer(model, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  state.step = 0; state.loss = null; state.cell = cellSelect.value;
  diagram.setCell(model.config);
  snapshot(false);
}

/** feeds both widgets; `trained`: the gradients are a training batch's (else none yet) */
function snapshot(/** @type {boolean} */ trained) {
  const w = snapshotWeights(model);          // before trace(): it overwrites the gradients
  weightView.update(trained ? w : { ...w, gradients: null });
  diagram.update(model.trace(probe), undefined, { symbols });
  state.snapshots++;
  const loss = lossCount ? lossSum / lossCount : null;
  if (loss !== null) state.loss = loss;
  lossSum = 0; lossCount = 0;
  readout.textContent = `step ${state.step}${state.loss !== null ? ` · loss ${state.loss.toFixed(4)}` : ''} · ${lab.simd ? 'SIMD' : 'scalar'}`;
}

function trainSlice() {
  const t0 = performance.now();
  do {
    const r = trainer.step(task.batch(BATCH));
    lossSum += r.loss; lossCount++;
    state.step++;
  } while (performance.now() - t0 < SLICE_MS / 2);
  snapshot(true);
}

function loop() {
  timer = null;
  if (!state.playing) return;
  try { trainSlice(); } catch (e) { fail(e); return; }
  timer = setTimeout(loop, SLICE_MS);
}

function setPlaying(/** @type {boolean} */ on) {
  state.playing = on;
  playButton.textContent = on ? 'Pause' : 'Train';
  if (on && !timer) timer = setTimeout(loop, 0);
}

function fail(/** @type {any} */ e) {
  state.error = String(e?.message ?? e);
  state.playing = false;
  readout.textContent = `error: ${state.error}`;
}

try {
  lab = await load();
  task = lab.createTask('parity', { seed: 1 });
  // a fixed probe sequence of exactly PROBE_LENGTH bits, from its own stream
  const probeTask = lab.createTask('parity', { seed: 7, length: PROBE_LENGTH, minLength: PROBE_LENGTH });
  probe = probeTask.batch(1);
  probeTask.free();
  symbols = Array.from(probe.inputs.slice(0, probe.length), (/** @type {number} */ k) => String(task.symbols[k] ?? k));
  const q = query;
  const want = q.get('cell');
  if (want && [...cellSelect.options].some((o) => o.value === want)) cellSelect.value = want;
  build();
  cellSelect.addEventListener('change', () => { try { build(); } catch (e) { fail(e); } });
  playButton.addEventListener('click', () => setPlaying(!state.playing));
  stepButton.addEventListener('click', () => { setPlaying(false); try { trainSlice(); } catch (e) { fail(e); } });
  state.ready = true;
  if (q.get('play') === '1') setPlaying(true);
} catch (e) {
  fail(e);
}
