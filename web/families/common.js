// @ts-check
/* common.js - what the playground's families (sequence.js, seq2seq.js, owndata.js) share: the
 * Family and TaskSpec types, the preset every preset starts from, the seeds of the probe, the
 * held-out sets and the samples, the model and trainer keys a playground config sets (and back,
 * from a loaded file), and the predicted class per step of a trace.
 *
 * A family is one kind of learner the page trains (a plain sequence model, an encoder-decoder,
 * a plain model on your own data, ...). Its module declares everything that differs from the
 * other families, for the page (controls, presets, widgets, texts) and for the worker (how a run
 * is assembled, what its probe, samples and snapshot carry); main.js and web/worker/ only route
 * through the registry (index.js). DOM-free: the worker, the page and Node import it.
 * Imports only names.mjs, so every family module can import it without a circle.
 */
import { DEFAULT_TRAINER } from '../names.mjs';

/** the seeds of the held-out evaluations, the probe sequence, and the samples' fresh problems */
export const EVAL_SEED = 1000, PROBE_SEED = 7, SAMPLE_SEED = 99;

/**
 * @typedef {{ task: string, cell: string, variant: string, gru: string, hidden: number, layers: number,
 *   bidir: string, optimizer: string, lr: number, clip: number, batch: number, bptt: number, seed: number,
 *   corpus: string, temp: number, beam: number, data: string, attention: string, length: number,
 *   rule: string, update: string, temperature: number, method: string, k: number, patterns: string,
 *   lattice: number, sampler: string }} Config
 *   a playground config (state.js)
 *
 * @typedef {{
 *   preset: Partial<Config>, intro: string, menu?: string,
 *   taskOptions: Record<string, any>, lstm?: Record<string, any>,
 *   evalEvery: number, evalCount: number, evalLength?: number,
 *   probe: Record<string, any>, probeLength?: number, curve?: number[],
 *   metric?: string, watch?: string, bpttLabel?: string, probeHint?: string,
 *   parseProbe?: (run: any, text: string) => any, chunked?: boolean, samples?: string,
 *   hidden?: readonly string[],
 * }} TaskSpec
 *   One task's row. preset: the settings applied when it is picked (learn within seconds);
 *   menu: its text in the task menu (default: its name); intro: the first screen's "A recurrent network is learning ..."; taskOptions / lstm: options
 *   of its task and extra LSTM model keys; evalEvery / evalCount / evalLength: the held-out
 *   evaluation; probe / probeLength: the probe task's options and length; curve: the lengths of
 *   the generalisation curve; metric: the metric chart's kind (metric.js; default accuracy);
 *   watch: the intro's "the loss falls, ..." clause; bpttLabel: the BPTT control's label;
 *   probeHint and parseProbe: a probe the user can type; chunked: bptt is the length of a
 *   training chunk of a stream, and the trainer does not truncate (text); samples: the kind of
 *   samples the family shows for it; hidden: state keys whose controls this task hides (beside
 *   its family's)
 *
 * @typedef {{ name: string, state: Partial<Config> & { task: string } }} Example
 *   a named run to try (the task fieldset's menu): a task and the settings that show something,
 *   e.g. "reverse with attention"
 *
 * @typedef {import('../rnnlab.d.ts').Trainer | import('../rnnlab.d.ts').Seq2Seq} Learner
 *   the Learner protocol (wasm/rnnlab.d.ts): all the worker drives, whatever the family
 *
 * @typedef {{ task: any, model: any, learner: Learner, probe: any, batchSize: number,
 *   length?: number, note?: string, free: () => void, [more: string]: any }} RunParts
 *   what a family's assemble() returns: the run's task, model, learner, default probe, rows (and
 *   stream chunk length) per training step, a note for the page, free() for all of it, and any
 *   state of the family's own (kept on the run)
 *
 * @typedef {{
 *   name: string,
 *   ownTasks?: boolean,
 *   tasks: Record<string, TaskSpec>,
 *   hidden: readonly string[],
 *   widgets: readonly string[],
 *   inputs: readonly string[],
 *   examples?: readonly Example[],
 *   describe?: (state: Config) => string[],
 *   fileKind: string, fileKinds?: readonly string[], noun: string, pickHint: string,
 *   probeNoun: string, gradCaption?: string,
 *   metricOf: (init: any) => string,
 *   probeDesc: (info: any) => string,
 *   shareNote?: (state: Config) => string | null,
 *   payload: (state: Config, page: any) => Promise<Record<string, any> | null>,
 *   apply?: Record<string, (state: Config, value: any) => { state: Config | null, status: string }>,
 *   prepare?: (lab: any, config: Config) => Promise<void>,
 *   assemble: (lab: any, config: Config, spec: TaskSpec, extra: { inputs: Record<string, any>, loaded?: any }) => RunParts,
 *   load: (lab: any, bytes: Uint8Array, current: Config, spec: TaskSpec) => { learner: Learner, model: any, config: Config },
 *   evalOptions: (spec: TaskSpec) => Record<string, any>,
 *   probeInfo: (run: any) => any,
 *   trace: (run: any) => any,
 *   samples: (run: any) => any,
 *   parts?: ((run: any) => { part: Record<string, any> })[],
 *   initInfo?: (run: any) => Record<string, any>,
 *   messages?: Record<string, (run: any, data: any) => boolean>,
 *   live?: Record<string, string>,
 * }} Family
 *   Page side: tasks (its rows, keyed by task name: a task belongs to one family); hidden: the
 *   state keys whose controls it hides; widgets: the optional widgets it draws (main.js);
 *   examples: its named runs to try; describe: what a run's name (compare runs) says beyond the
 *   cell and its size (seq2seq: the attention); inputs:
 *   what the user hands it that a URL cannot carry ('text', 'csv'), sent with each config message,
 *   and apply[input]: the state an input switches to (null: refused), with a status line;
 *   payload: the config message's extra fields (page: { inputs, widgets, current() }; null:
 *   nothing to send, the current run goes on; { change }: a state change to apply first); probeNoun, gradCaption, probeDesc, metricOf, shareNote: texts
 *   and the metric chart's kind. Files: fileKind (names.mjs FILE_KINDS) of what its learner
 *   saves (fileKinds: every kind it reads, when more than that one: dynamics, a plain model's and a ridge readout's; the energy-based nets, four), load() reads one back (lab.loadLearner) with its model and the config it implies; noun and pickHint word the message
 *   when a file of another family is loaded. Worker side: prepare (async, before assemble),
 *   assemble (the run's parts: a learner from lab.createLearner, or the loaded one), evalOptions, probeInfo, trace (the probe's flat layer-0 trace), samples, parts (more
 *   snapshot parts), initInfo (more of the init message), messages (more message types).
 *   ownTasks: its tasks are not names.mjs TASK_KINDS (runs built from other engine objects than
 *   lab.createTask: the energy-based nets); they follow TASK_KINDS in the task menu. live: state
 *   keys that change without a restart, each with the message type main.js posts ({ type, value }).
 */

/** what every preset sets unless it says otherwise */
export const BASE_PRESET = /** @type {Partial<Config>} */ (Object.freeze({
  cell: 'lstm', variant: 'standard', layers: 1, bidir: 'no', optimizer: DEFAULT_TRAINER.optimizer,
  clip: DEFAULT_TRAINER.clipNorm, bptt: 0, attention: 'none', length: 0,
  // the energy-based nets' keys at their defaults (state.js), so that no preset inherits them
  rule: 'hebb', update: 'async', temperature: 0, method: 'cd', k: 1, patterns: 'bars-3x3', lattice: 64, sampler: 'metropolis',
}));

/**
 * The model keys a playground config sets. @param {Config} config @param {TaskSpec} spec
 * @param {boolean} bidirectional whether the family's model has the option
 */
export function modelKeys(config, spec, bidirectional) {
  /** @type {Record<string, any>} */
  const m = { cell: config.cell, hiddenSize: config.hidden, layers: config.layers, seed: config.seed };
  if (bidirectional) m.bidirectional = config.bidir === 'yes';
  if (config.cell === 'lstm') Object.assign(m, { variant: config.variant }, spec.lstm ?? {});
  if (config.cell === 'gru') m.resetAfter = config.gru !== 'cho';
  return m;
}

/** The trainer options of a config. @param {Config} config @param {TaskSpec} spec */
export function trainerOptions(config, spec) {
  return {
    optimizer: config.optimizer, learningRate: config.lr, clipNorm: config.clip,
    truncate: spec.chunked ? 0 : config.bptt,
  };
}

/** The held-out evaluation of a task row: its count and length, a fixed seed. @param {TaskSpec} spec */
export function heldOutOptions(spec) {
  /** @type {Record<string, any>} */
  const o = { count: spec.evalCount, seed: EVAL_SEED };
  if (spec.evalLength) o.length = spec.evalLength;
  return o;
}

/** The playground keys of a normalised model config (a loaded file's). @param {any} c */
export function fromModelConfig(c) {
  return { cell: c.cell, variant: c.variant, gru: c.resetAfter ? 'pytorch' : 'cho', hidden: c.hiddenSize, layers: c.layers };
}

/** The playground keys of a learner's optimizer (learner.trainerOptions). @param {any} o */
export function fromTrainer(o) {
  return { optimizer: o.optimizer, lr: +o.learningRate.toPrecision(6), clip: +o.clipNorm.toPrecision(6) };
}

/** A task's name for a symbol id (the id itself when it has none). @param {any} task @param {number} id */
export const symbolOf = (task, id) => String(task.symbols[id] ?? id);

/**
 * The predicted class of each step as a symbol (outputs are T x V, row-major).
 * @param {any} task @param {Float32Array} outputs @param {number} T @param {number} V
 * @returns {string[]}
 */
export function predicted(task, outputs, T, V) {
  const out = [];
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let v = 1; v < V; v++) if (outputs[t * V + v] > outputs[t * V + best]) best = v;
    out.push(String(task.outputSymbols?.[best] ?? task.symbols?.[best] ?? best));
  }
  return out;
}

/** a seeded uniform generator in [0, 1) (mulberry32) @param {number} seed */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
