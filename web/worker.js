// @ts-check
/* worker.js - the playground's training loop, run as a module Web Worker. No DOM here.
 *
 * Owns: the task, model and trainer of one run, and the loop that trains them in time slices
 * (so control messages get through between slices). Knows nothing of the view: it only posts
 * messages, and the page's widgets redraw from them.
 *
 * Messages in:
 *   { type: 'config', config }       build a fresh run from a playground config (see state.js)
 *   { type: 'play' } / { type: 'pause' } / { type: 'step' }   run, stop, or do one training step
 *   { type: 'reset' }                rebuild the current config from its seed
 *   { type: 'setLearningRate', lr }  change the learning rate without restarting
 * Messages out:
 *   { type: 'init', version, simd, task, gateNames, hiddenSize, probe: { length, symbols, targets } }
 *   { type: 'snapshot', step, loss, eval, solvedAt, stepsPerSec, simd, playing, trace }  (~5 per second)
 *   { type: 'error', error }
 */
import { load } from './rnnlab.mjs';

/**
 * Per-task settings that are not playground controls (from lab.recipes, measured to learn fast):
 * task options, extra model keys (LSTM only), training length, held-out evaluation, probe.
 * @type {Record<string, { taskOptions: Record<string, any>, lstm?: Record<string, any>, length?: number,
 *   evalEvery: number, evalCount: number, evalLength?: number, probe: Record<string, any>, probeLength?: number }>}
 */
export const TASKS = {
  parity: { taskOptions: {}, evalEvery: 25, evalCount: 200, evalLength: 100,
    probe: { length: 24, minLength: 24 } },
  addition: { taskOptions: {}, evalEvery: 25, evalCount: 200, evalLength: 32,
    probe: { length: 12, minLength: 12 } },
  text: { taskOptions: {}, length: 64, evalEvery: 100, evalCount: 4000,
    probe: {}, probeLength: 48 },
  reber: { taskOptions: {}, evalEvery: 50, evalCount: 256, probe: {} },
  adding: { taskOptions: { length: 30 }, lstm: { forgetBias: 3 }, evalEvery: 100, evalCount: 500,
    probe: { length: 30 } },
  'temporal-order': { taskOptions: {}, lstm: { forgetBias: 3 }, evalEvery: 100, evalCount: 500,
    probe: { length: 50 } },
};

const SLICE_MS = 25;     // work between yields to the event loop
const SNAPSHOT_MS = 200; // ~5 snapshots per second
const EVAL_SEED = 1000;
const PROBE_SEED = 7;
const SAMPLE_SEED = 99;

/**
 * Fresh binary additions, with the model's answer: inputs are bit pairs (id = a + 2b), least
 * significant first, targets the sum's bits (-1 past the end of a row).
 * @param {any} run
 * @returns {{ a: number, b: number, sum: number, model: number, right: boolean }[] | null}
 */
export function additionProblems(run, count = 4, bits = 8) {
  if (!run.sampler) return null;
  const batch = run.sampler.batch(count, { length: bits });
  const { outputs } = run.model.forward({ ...batch, carryState: false });
  const T = batch.length, V = run.task.outputSize;
  const out = [];
  for (let r = 0; r < count; r++) {
    let a = 0, b = 0, sum = 0, model = 0, right = true;
    for (let t = 0; t < T; t++) {
      const k = r * T + t;
      if (batch.targets[k] < 0) break;
      const id = batch.inputs[k], bit = 2 ** t;
      a += (id & 1) * bit; b += (id >> 1) * bit;
      const p1 = outputs[k * V + 1] > outputs[k * V];
      sum += batch.targets[k] * bit; model += (p1 ? 1 : 0) * bit;
      if ((p1 ? 1 : 0) !== batch.targets[k]) right = false;
    }
    out.push({ a, b, sum, model, right });
  }
  return out;
}

/** @typedef {{ task: string, cell: string, variant: string, gru: string, hidden: number, layers: number,
 *   optimizer: string, lr: number, batch: number, seed: number }} Config */

/**
 * One training run: task, model, trainer, and what has been measured so far.
 * @param {any} lab
 * @param {Config} config
 */
export function createRun(lab, config) {
  const spec = TASKS[config.task] ?? TASKS.parity;
  const task = lab.createTask(config.task, { ...spec.taskOptions, seed: config.seed });
  const probeTask = lab.createTask(config.task, { ...spec.taskOptions, ...spec.probe, seed: PROBE_SEED });
  /** @type {Record<string, any>} */
  const modelConfig = {
    ...task.modelConfig, cell: config.cell, hiddenSize: config.hidden, layers: config.layers, seed: config.seed,
  };
  if (config.cell === 'lstm') Object.assign(modelConfig, { variant: config.variant }, spec.lstm ?? {});
  if (config.cell === 'gru') modelConfig.resetAfter = config.gru !== 'cho';
  let model, trainer;
  try {
    model = lab.createModel(modelConfig);
    trainer = lab.createTrainer(model, { optimizer: config.optimizer, learningRate: config.lr, clipNorm: 1 });
  } catch (err) {
    model?.free(); task.free(); probeTask.free();
    throw err;
  }
  const raw = probeTask.batch(1, spec.probeLength ? { length: spec.probeLength } : undefined);
  probeTask.free();
  const probe = { ...raw, carryState: false };
  // addition: a stream of fresh problems for the samples list
  const sampler = config.task === 'addition' ? lab.createTask('addition', { seed: SAMPLE_SEED }) : null;
  return {
    config, spec, task, model, trainer, probe, sampler,
    step: 0,
    /** @type {any} */ lastEval: null,
    /** @type {number | null} */ solvedAt: null,
    free() { trainer.free(); model.free(); task.free(); sampler?.free(); },
  };
}

/** The probe's input symbols, one string per step (dense inputs: the values). */
function probeSymbols(run) {
  const { task, probe } = run;
  const T = probe.length;
  const out = [];
  for (let t = 0; t < T; t++) {
    if (task.input === 'onehot') out.push(String(task.symbols[probe.inputs[t]] ?? probe.inputs[t]));
    else {
      const w = task.inputSize;
      const v = Array.from(probe.inputs.subarray(t * w, t * w + w));
      // adding: the value, '*' when the marker is on
      out.push(task.name === 'adding' ? `${v[0].toFixed(2)}${v[1] ? '*' : ''}` : v.join(','));
    }
  }
  return out;
}

/** The probe's targets as class names per step ('' where there is none), for class-target tasks. */
function probeTargets(run) {
  const { task, probe } = run;
  if (task.output !== 'softmax') return null;
  return Array.from(probe.targets, (c) => (c < 0 ? '' : String(task.outputSymbols[c] ?? c)));
}

/**
 * At most n points: consecutive [step, loss] pairs averaged in equal buckets (last step of each).
 * @param {[number, number][]} pts @param {number} n
 * @returns {[number, number][]}
 */
export function bucket(pts, n) {
  if (pts.length <= n) return pts;
  /** @type {[number, number][]} */
  const out = [];
  const size = pts.length / n;
  for (let b = 0; b < n; b++) {
    const lo = Math.floor(b * size), hi = Math.floor((b + 1) * size);
    let sum = 0;
    for (let k = lo; k < hi; k++) sum += pts[k][1];
    out.push([pts[hi - 1][0], sum / (hi - lo)]);
  }
  return out;
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  const ready = load();
  ready.catch(() => {}); // reported by the message handler
  /** @type {ReturnType<typeof createRun> | null} */
  let run = null;
  let playing = false;
  let pendingPlay = false; // 'play' arrived before the first run was built
  let lossSum = 0, lossCount = 0;
  /** training losses since the last snapshot, [step, loss] */
  let losses = [];
  /** held-out evaluations since the last snapshot */
  let evals = [];
  let lastSnapshot = 0;
  // steps/s over a sliding window of (time, step) samples
  /** @type {[number, number][]} */
  let rate = [];
  const tick = new MessageChannel(); // a zero-delay yield (setTimeout(0) is clamped when nested)

  const post = (/** @type {any} */ msg, /** @type {Transferable[]} */ transfer = []) => self.postMessage(msg, transfer);
  const fail = (/** @type {unknown} */ err) =>
    post({ type: 'error', error: String(/** @type {Error} */ (err)?.stack ?? err) });

  function evaluate() {
    if (!run) return;
    const { spec, task, model } = run;
    /** @type {Record<string, any>} */
    const opts = { count: spec.evalCount, seed: EVAL_SEED };
    if (spec.evalLength) opts.length = spec.evalLength;
    const r = task.evaluate(model, opts);
    run.lastEval = { step: run.step, loss: r.loss, accuracy: r.accuracy, bpc: r.bpc ?? null, solved: r.solved };
    if (r.solved && run.solvedAt === null) run.solvedAt = run.step;
    evals.push(run.lastEval);
  }

  function trainStep() {
    if (!run) return;
    const { trainer, task, spec, config } = run;
    const batch = task.batch(config.batch, spec.length ? { length: spec.length } : undefined);
    const r = trainer.step(batch);
    run.step++;
    lossSum += r.loss; lossCount++;
    losses.push([run.step, r.loss]);
    if (run.step % spec.evalEvery === 0) evaluate();
  }

  function snapshot() {
    if (!run) return;
    const lab = /** @type {any} */ (run).lab;
    const now = performance.now();
    rate.push([now, run.step]);
    while (rate.length > 2 && now - rate[0][0] > 2000) rate.shift();
    const [t0, s0] = rate[0];
    const stepsPerSec = playing && now > t0 ? ((run.step - s0) * 1000) / (now - t0) : 0;
    const tr = run.model.trace(run.probe);
    const l0 = tr.layers[0][0];
    const V = run.task.outputSize;
    /** predicted class per probe step (softmax tasks), for the samples strip */
    let predicted = null;
    if (run.task.output === 'softmax') {
      predicted = new Int32Array(tr.length);
      for (let t = 0; t < tr.length; t++) {
        let best = 0;
        for (let v = 1; v < V; v++) if (tr.outputs[t * V + v] > tr.outputs[t * V + best]) best = v;
        predicted[t] = best;
      }
    }
    const trace = {
      length: tr.length, hiddenSize: tr.hiddenSize, gateNames: tr.gateNames,
      gates: l0.gates.slice(), cell: l0.cell.slice(), hidden: l0.hidden.slice(), gradNorm: l0.gradNorm.slice(),
      predicted: predicted ? Array.from(predicted, (c) => String(run?.task.outputSymbols[c] ?? c)) : null,
    };
    post({
      type: 'snapshot', step: run.step,
      loss: lossCount ? lossSum / lossCount : null,
      losses: bucket(losses, 100), evals, problems: additionProblems(run),
      eval: run.lastEval, solvedAt: run.solvedAt,
      stepsPerSec, simd: lab?.simd ?? null, playing, lr: run.trainer.learningRate, trace,
    }, [trace.gates.buffer, trace.cell.buffer, trace.hidden.buffer, trace.gradNorm.buffer]);
    lossSum = 0; lossCount = 0; losses = []; evals = [];
    lastSnapshot = now;
  }

  function loop() {
    if (!playing || !run) return;
    try {
      const t0 = performance.now();
      do trainStep(); while (performance.now() - t0 < SLICE_MS);
      if (performance.now() - lastSnapshot >= SNAPSHOT_MS) snapshot();
      tick.port2.postMessage(0);
    } catch (err) {
      playing = false;
      fail(err);
    }
  }
  tick.port1.onmessage = loop;

  /** @param {Config} config */
  async function build(config) {
    const lab = await ready;
    const next = createRun(lab, config);
    run?.free();
    run = next;
    /** @type {any} */ (run).lab = lab;
    lossSum = 0; lossCount = 0; rate = []; losses = []; evals = [];
    evaluate();
    post({
      type: 'init', version: lab.version, simd: lab.simd, task: config.task,
      gateNames: run.model.gateNames, hiddenSize: config.hidden, config,
      probe: { length: run.probe.length, symbols: probeSymbols(run), targets: probeTargets(run) },
    });
    snapshot();
  }

  self.onmessage = async ({ data }) => {
    try {
      switch (data.type) {
        case 'config': {
          const wasPlaying = playing;
          playing = false;
          await build(data.config);
          if ((wasPlaying && data.keepPlaying) || pendingPlay) {
            pendingPlay = false;
            playing = true; rate = [[performance.now(), 0]]; loop();
          }
          break;
        }
        case 'reset':
          if (run) { playing = false; await build(run.config); }
          break;
        case 'play':
          if (!run) pendingPlay = true;
          else if (!playing) { playing = true; rate = [[performance.now(), run.step]]; loop(); }
          break;
        case 'pause':
          playing = false; pendingPlay = false;
          snapshot();
          break;
        case 'step':
          if (run) { playing = false; trainStep(); snapshot(); }
          break;
        case 'setLearningRate':
          if (run && data.lr > 0 && Number.isFinite(data.lr)) {
            run.trainer.setLearningRate(data.lr);
            run.config = { ...run.config, lr: data.lr };
          }
          break;
        default:
          throw new Error(`worker: unknown message type ${data?.type}`);
      }
    } catch (err) {
      playing = false;
      fail(err);
    }
  };
}
