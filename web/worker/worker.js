// @ts-check
/* worker.js - the playground's training loop, run as a module Web Worker. No DOM here.
 *
 * Owns: the current run (run.js: assembled by its task's family, trained through the Learner
 * protocol) and the loop that trains it in time slices (so control messages get through between
 * slices). Knows nothing of the view, and branches on no family: what differs is the family's
 * (web/families/). It only posts messages; the page's widgets redraw from them.
 *
 * Messages in:
 *   { type: 'config', config, keepPlaying?, text?, csv? }  build a fresh run from a playground config
 *                                    (state.js); with it what the user handed the page, kept for
 *                                    Reset and config changes (families' inputs): text, the user's
 *                                    own text for corpus 'own'; csv: { data, heldOut }, the user's
 *                                    sequences, parsed and checked by the page (wasm/csv.mjs)
 *   { type: 'play' } / { type: 'pause' } / { type: 'step' }   run, stop, or do one training step
 *   { type: 'setLearningRate', lr }  change the learning rate without restarting
 *   { type: 'setSampling', temp, beam }  text samples: temperature and beam width (redrawn at once)
 *   { type: 'probe', text }          the probe sequence, typed by the user ('' = the task's own)
 *   { type: 'save' }                 -> { type: 'saved', bytes, name }
 *   { type: 'want', parts }          also put these in each snapshot: 'weights' (model.getWeights()),
 *                                    'gradients' (the last training step's, model.getGradients())
 *   { type: 'load', bytes }          a saved learner (lab.loadLearner) replaces the current one, for the current task
 *                                    -> 'init', then 'loaded' with its config and step; or 'loadError'
 *                                    (not a model file, or it does not fit the task: the current run
 *                                    goes on). A file with optimizer state resumes training: its
 *                                    optimizer, the step count, and the task's training stream
 *                                    advanced past the batches already trained on
 *   a family's own messages (families' messages), e.g. { type: 'csvIndex', index } (owndata: which
 *                                    held-out sequence the probe and the predictions chart show)
 * Messages out:
 *   { type: 'init', version, simd, task, family, gateNames, hiddenSize, config, probe, curveLengths,
 *     editable, split, note, modelConfig (the model's, or an encoder-decoder's, which both halves
 *     share: the cell diagram and weight view), ...the family's initInfo (owndata: csv; seq2seq:
 *     unavailable, the config keys the engine cannot build) }
 *   { type: 'snapshot', step, ...progress, trace (layer 0; encoder-decoders: the encoder's steps
 *     then the decoder's, trace.split the first decoder step, trace.attention the probe pair's
 *     attention rows when the model attends), samples, curve, weights?, gradients?, ...the
 *     family's parts (owndata: predictions; seq2seq: beams, the probe source's beam hypotheses
 *     with their attention rows, when the model attends) }  (~5 per second)
 *   { type: 'probe', probe } / { type: 'probeError', error }
 *   { type: 'error', error }
 * A snapshot is assembled from SNAPSHOT_PARTS and the family's parts: one function per panel.
 */
import { load } from '../rnnlab.mjs';
import { fileKind, gateNamesOf } from '../names.mjs';
import { EDITABLE, FAMILIES, FAMILY_MESSAGES, familyOf } from '../families/index.js';
import { bucket, createRun, loadBytes, tokens, trainingBatch } from './run.js';
import { probeInfo, probeTrace, setProbe } from './probes.js';
import { createSlowParts } from './samples.js';

const SLICE_MS = 25;      // work between yields to the event loop
const SNAPSHOT_MS = 200;  // ~5 snapshots per second

/** what the user hands the page that a URL cannot carry, one key per family input */
const INPUT_KEYS = FAMILIES.flatMap((f) => f.inputs);

const ready = load();
ready.catch(() => {}); // reported by the message handler
/** @type {ReturnType<typeof createRun> | null} */
let run = null;
/** @type {Record<string, any>} the latest of each input (text, csv), kept for Reset and config changes */
let inputs = {};
let playing = false;
let pendingPlay = false; // 'play' arrived before the first run was built
let resuming = false; // a config message is rebuilding the run and will play on: snapshots say so
let lossSum = 0, lossCount = 0;
/** training losses and gradient norms since the last snapshot, [step, value] */
/** @type {[number, number][]} */ let losses = [];
/** @type {[number, number][]} */ let gradNorms = [];
/** held-out evaluations since the last snapshot */
/** @type {any[]} */ let evals = [];
let lastSnapshot = 0;
const slow = createSlowParts();
// steps/s over a sliding window of (time, step) samples
/** @type {[number, number][]} */
let rate = [];
/** optional snapshot parts a panel asked for: 'weights', 'gradients' */
const wanted = new Set();
const tick = new MessageChannel(); // a zero-delay yield (setTimeout(0) is clamped when nested)

const post = (/** @type {any} */ msg, /** @type {Transferable[]} */ transfer = []) => self.postMessage(msg, transfer);
const fail = (/** @type {unknown} */ err) =>
  post({ type: 'error', error: String(/** @type {Error} */ (err)?.stack ?? err) });

function evaluate() {
  if (!run) return;
  // the task's own result: text adds bits per character, a csv task its baselines
  const r = /** @type {Record<string, any>} */ (run.learner.evaluate(run.task, run.family.evalOptions(run.spec)));
  const ngram = r.ngramBpc ? Math.min(...r.ngramBpc) : null;
  run.lastEval = { step: run.step, loss: r.loss, accuracy: r.accuracy, bpc: r.bpc ?? null, ngramBpc: ngram, solved: r.solved,
    // task csv: regression in the data's units, beside predicting the training mean; classification's majority class
    rmse: r.rmse ?? null, baselineRmse: r.baselineRmse ?? null, baselineAccuracy: r.baselineAccuracy ?? null };
  if (r.solved && run.solvedAt === null) {
    run.solvedAt = run.step;
    slow.soon(); // the curve and samples of the solved model at the next snapshot
  }
  evals.push(run.lastEval);
}

function trainStep() {
  if (!run) return;
  const batch = trainingBatch(run);
  run.tokensPerStep = tokens(batch);
  const r = run.learner.step(batch);
  run.step++; run.stepsHere++;
  lossSum += r.loss; lossCount++;
  losses.push([run.step, r.loss]);
  gradNorms.push([run.step, r.gradNorm]);
  if (run.step % run.spec.evalEvery === 0) evaluate();
}

/**
 * The parts of a snapshot, one per panel: each returns an object merged into the message (and
 * optionally buffers to transfer). A new panel adds an entry here, or in its family's parts.
 * @type {((run: any, now: number) => { part: Record<string, any>, transfer?: Transferable[] })[]}
 */
const SNAPSHOT_PARTS = [
  // progress, throughput and the training curves
  (r, now) => {
    rate.push([now, r.step]);
    while (rate.length > 2 && now - rate[0][0] > 2000) rate.shift();
    const [t0, s0] = rate[0];
    const stepsPerSec = playing && now > t0 ? ((r.step - s0) * 1000) / (now - t0) : 0;
    const part = {
      step: r.step, loss: lossCount ? lossSum / lossCount : null,
      losses: bucket(losses, 100), gradNorms: bucket(gradNorms, 100), evals,
      eval: r.lastEval, solvedAt: r.solvedAt, stepsPerSec, charsPerSec: stepsPerSec * r.tokensPerStep,
      playing: playing || resuming, lr: r.learner.learningRate,
    };
    lossSum = 0; lossCount = 0; losses = []; gradNorms = []; evals = [];
    return { part };
  },
  // weights and the last training step's gradients, for panels that ask ({ type: 'want', parts })
  // (before the trace, which runs a backward pass of its own). Encoder-decoders: both halves,
  // named as s2s.getWeights() names them ('encoder.weight_ih_l0', 'decoder.fc.weight', ...); the
  // weight view picks one (they share one model config)
  (r) => {
    if (!wanted.has('weights') && !wanted.has('gradients')) return { part: {} };
    return { part: {
      weights: wanted.has('weights') ? r.model.getWeights() : undefined,
      gradients: wanted.has('gradients') && r.stepsHere > 0 ? r.model.getGradients() : undefined,
    } };
  },
  // inside the network: the probe's trace
  (r) => {
    const { trace, transfer } = probeTrace(r);
    return { part: { trace }, transfer };
  },
  // samples (text, problems) and the generalisation curve
  () => ({ part: { samples: slow.samples, curve: slow.curve } }),
];

function snapshot(force = false) {
  if (!run) return;
  const now = performance.now();
  slow.update(run, force);
  // a family's parts may do their slow work on a forced snapshot only (pause, a step): the
  // dynamics family's fixed-point search
  run.forcedSnapshot = force;
  /** @type {Record<string, any>} */
  const msg = { type: 'snapshot' };
  /** @type {Transferable[]} */
  const transfer = [];
  for (const f of [...SNAPSHOT_PARTS, ...(run.family.parts ?? [])]) {
    const { part, transfer: t } = /** @type {{ part: Record<string, any>, transfer?: Transferable[] }} */ (f(run, now));
    Object.assign(msg, part);
    if (t) transfer.push(...t);
  }
  post(msg, transfer);
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

/** @param {import('../families/common.js').Config} config @param {any} [loaded] a file's learner
 * (loadBytes) to train instead of a fresh one */
async function build(config, loaded) {
  const lab = await ready;
  await familyOf(config.task).prepare?.(lab, config); // e.g. text: the C corpus, fetched once
  const next = createRun(lab, config, { inputs, loaded });
  run?.free();
  run = next;
  lossSum = 0; lossCount = 0; rate = []; losses = []; gradNorms = []; evals = [];
  slow.reset();
  evaluate();
  post({
    type: 'init', version: lab.version, simd: lab.simd, task: config.task, family: run.family.name,
    gateNames: gateNamesOf(run.model.config.cell), hiddenSize: config.hidden, config,
    probe: probeInfo(run),
    curveLengths: run.spec.curve ?? null, editable: !!run.spec.parseProbe,
    split: run.task.split ?? null, note: run.note ?? '',
    // the cell diagram and the weight view: the normalised model config (an encoder-decoder's halves share it)
    modelConfig: { ...run.model.config },
    ...run.family.initInfo?.(run),
  });
  snapshot(true);
}

const startPlaying = () => { playing = true; rate = [[performance.now(), run?.step ?? 0]]; loop(); };

/** after the probe changed: tell the page, and redraw now when paused */
function probeChanged() {
  if (!run) return;
  post({ type: 'probe', probe: probeInfo(run) });
  if (!playing) snapshot(true);
}

self.onmessage = async ({ data }) => {
  try {
    switch (data.type) {
      case 'config': {
        const wasPlaying = playing;
        playing = false;
        const before = inputs;
        inputs = { ...inputs };
        for (const k of INPUT_KEYS) if (data[k] != null) inputs[k] = data[k];
        resuming = (wasPlaying && data.keepPlaying) || pendingPlay;
        try {
          await build(data.config);
        } catch (err) {
          // the current run (if any) is untouched: carry on as before
          inputs = before;
          if (wasPlaying && run) startPlaying();
          throw err;
        } finally {
          resuming = false;
        }
        if ((wasPlaying && data.keepPlaying) || pendingPlay) { pendingPlay = false; startPlaying(); }
        break;
      }
      case 'play':
        if (!run) pendingPlay = true;
        else if (!playing) startPlaying();
        break;
      case 'pause':
        playing = false; pendingPlay = false;
        snapshot(true);
        break;
      case 'step':
        if (run) { playing = false; trainStep(); snapshot(true); }
        break;
      case 'setLearningRate':
        // a closed-form learner (the ridge readout) has no learning rate
        if (run && data.lr > 0 && Number.isFinite(data.lr) && /** @type {{ kind: string }} */ (run.learner).kind !== 'ridge') {
          run.config = { ...run.config, lr: data.lr };
          run.learner.learningRate = data.lr;
        }
        break;
      case 'setSampling':
        if (run) {
          run.config = { ...run.config, temp: data.temp, beam: data.beam };
          if (!playing) snapshot(true); else slow.soon();
        }
        break;
      case 'probe': {
        if (!run) break;
        const error = setProbe(run, data.text, EDITABLE);
        if (error) post({ type: 'probeError', error });
        else probeChanged();
        break;
      }
      case 'want':
        wanted.clear();
        for (const k of data.parts ?? []) wanted.add(String(k));
        // paused: the panel that asked gets its data now, not at the next Play
        if (run && !playing && wanted.size) snapshot(true);
        break;
      case 'save':
        if (run) {
          // with the optimizer state, so that Load resumes exactly (an encoder-decoder has none
          // before its first step)
          const bytes = run.learner.save();
          // named by what it holds: the cell for a sequence model, else the learner's kind (rbm, dbn, hopfield, ...)
          const kind = fileKind(bytes), what = kind === 'model' || kind === 'seq2seq' ? run.config.cell : kind;
          post({ type: 'saved', bytes, name: `${run.config.task}-${what}-step${run.step}.rnnlab` }, [bytes.buffer]);
        }
        break;
      case 'load': {
        // a file that does not load, or does not fit the task, leaves the current run as it was
        const lab = await ready;
        const wasPlaying = playing;
        playing = false;
        let loaded = null;
        try {
          const current = run?.config ?? data.config;
          loaded = loadBytes(lab, new Uint8Array(data.bytes), current);
          await build(loaded.config, loaded);
        } catch (err) {
          loaded?.learner.free(); // idempotent: the run may have freed it already
          post({ type: 'loadError', error: String(/** @type {Error} */ (err)?.message ?? err) });
          if (wasPlaying && run) startPlaying();
          break;
        }
        post({ type: 'loaded', config: loaded.config, step: run?.step ?? 0 });
        break;
      }
      default: {
        // a family's own message: handled when the run is of that family, else ignored
        const handle = run?.family.messages?.[data.type];
        if (handle) { if (handle(run, data)) probeChanged(); }
        else if (!FAMILY_MESSAGES.includes(data?.type)) throw new Error(`worker: unknown message type ${data?.type}`);
      }
    }
  } catch (err) {
    playing = false;
    fail(err);
  }
};
