// rnnlab.d.ts - types of wasm/rnnlab.mjs, the ES-module wrapper of the rnnlab wasm engine.
// Names, shapes and gate orders follow PyTorch; arrays are batch-major float32 / int32.

export type Cell = 'rnn' | 'lstm' | 'gru' | 'ctrnn' | 'esn' | 'cfn';
export type LstmVariant =
  | 'standard' | 'vanilla' | '1997' | 'NIG' | 'NFG' | 'NOG' | 'NIAF' | 'NOAF' | 'NP' | 'CIFG' | 'FGR';
export type Activation = 'tanh' | 'relu' | 'sigmoid';
export type InputKind = 'onehot' | 'dense';
export type OutputKind = 'softmax' | 'sigmoid' | 'linear';
export type Init = 'default' | 'uniform' | 'glorot' | 'orthogonal';
/** 'nesterov' = 'momentum' with nesterov: true */
export type Optimizer = 'sgd' | 'momentum' | 'nesterov' | 'rmsprop' | 'adam' | 'adagrad';

/** Model configuration. Omitted keys take the engine's defaults (lab.defaultConfig);
 * inputSize, hiddenSize and outputSize are required unless the defaults set them.
 * Unknown keys and out-of-range values throw. */
export interface ModelConfig {
  cell?: Cell;
  /** LSTM only. */
  variant?: LstmVariant;
  /** GRU: true = PyTorch form (reset gate applied after W_hh), false = Cho et al. 2014. */
  resetAfter?: boolean;
  /** rnn / ctrnn / esn nonlinearity. */
  activation?: Activation;
  /** I: vocabulary size for 'onehot', vector width for 'dense'. 1..lab.limits.maxIO */
  inputSize?: number;
  input?: InputKind;
  /** H, 1..lab.limits.maxHidden */
  hiddenSize?: number;
  /** 1..lab.limits.maxLayers */
  layers?: number;
  bidirectional?: boolean;
  /** V, 1..lab.limits.maxIO */
  outputSize?: number;
  output?: OutputKind;
  init?: Init;
  /** 'uniform' half-width, > 0 */
  initScale?: number;
  /** added to the LSTM forget-gate bias */
  forgetBias?: number;
  /** LSTM '1997' cell-input squasher range [lo, hi], lo < hi */
  gRange?: [number, number];
  /** LSTM '1997' cell-output squasher range [lo, hi], lo < hi */
  hRange?: [number, number];
  /** CT-RNN dt/tau, ESN leak rate; (0, 1] */
  alpha?: number;
  /** ESN reservoir spectral radius, >= 0 */
  spectralRadius?: number;
  /** ESN input weight half-width, >= 0 */
  inputScale?: number;
  /** 64-bit seed: an integer in 0..2^53-1, or a BigInt in 0..2^64-1 */
  seed?: number | bigint;
}

/** model.config: every key present, as the engine normalised it (floats as float32). */
export interface NormalizedModelConfig {
  readonly cell: Cell;
  readonly variant: LstmVariant;
  readonly resetAfter: boolean;
  readonly activation: Activation;
  readonly inputSize: number;
  readonly input: InputKind;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly bidirectional: boolean;
  readonly outputSize: number;
  readonly output: OutputKind;
  readonly init: Init;
  readonly initScale: number;
  readonly forgetBias: number;
  readonly gRange: readonly [number, number];
  readonly hRange: readonly [number, number];
  readonly alpha: number;
  readonly spectralRadius: number;
  readonly inputScale: number;
  /** a number when <= 2^53-1, else a BigInt */
  readonly seed: number | bigint;
}

/** Trainer options. Omitted keys take the engine's defaults. */
export interface TrainerOptions {
  optimizer?: Optimizer;
  /** finite, > 0 */
  learningRate?: number;
  /** 'momentum' / 'nesterov', in [0, 1) */
  momentum?: number;
  /** Nesterov form of 'momentum' */
  nesterov?: boolean;
  /** Adam, in [0, 1) */
  beta1?: number;
  /** Adam; RMSProp's decay. In [0, 1) */
  beta2?: number;
  /** > 0 */
  eps?: number;
  /** L2 added to the gradient (PyTorch's weight_decay), >= 0 */
  weightDecay?: number;
  /** > 0: rescale gradients to this global L2 norm when larger; 0 = off */
  clipNorm?: number;
  /** > 0: clamp each gradient element to [-v, v] after norm clipping; 0 = off */
  clipValue?: number;
  /** > 0: truncated BPTT in chunks of this many steps, state carried; 0 = full BPTT */
  truncate?: number;
}

/** trainer.config: every key present, as the engine normalised it (floats as float32);
 * optimizer reads 'nesterov' for momentum with nesterov: true. */
export type NormalizedTrainerOptions = { readonly [K in keyof TrainerOptions]-?: Exclude<TrainerOptions[K], undefined> };

/**
 * A batch, batch-major (index = b*length + t, times the width for dense/vector data).
 * inputs: Int32Array of B*T token ids in 0..inputSize-1 ('onehot') or Float32Array of B*T*inputSize ('dense').
 * targets: Int32Array of B*T class ids (-1 = no target at that step) for 'softmax', else Float32Array of
 * B*T*outputSize. Required except for model.forward (which then reports loss 0).
 * mask: optional per-step loss weights, finite and >= 0.
 * carryState: start from the final state of the previous pass (same batchSize) instead of zeros.
 */
export interface Batch {
  inputs: Int32Array | Float32Array;
  targets?: Int32Array | Float32Array | null;
  mask?: Float32Array | null;
  batchSize: number;
  length: number;
  carryState?: boolean;
}

export interface ForwardResult {
  /** B*T*outputSize: probabilities (softmax, sigmoid) or values (linear) */
  outputs: Float32Array;
  /** weighted mean step loss over targeted steps; 0 when nothing is targeted */
  loss: number;
}

export interface TensorInfo {
  /** PyTorch name: weight_ih_l0, weight_hh_l0_reverse, bias_ih_l1, fc.weight, fc.bias, ... */
  readonly name: string;
  /** PyTorch shape, e.g. [4*H, I] for an LSTM weight_ih_l0, [V, D*H] for fc.weight, [G] for biases */
  readonly shape: readonly number[];
}

/** One direction of one layer in a trace, batch-major. */
export interface TraceLayer {
  /** B*T*G post-activation gates, G = gateNames.length * H, gate blocks in gateNames order */
  gates: Float32Array;
  /** B*T*H: LSTM cell state c, CT-RNN potential x; zeros for other cells */
  cell: Float32Array;
  /** B*T*H hidden state h_t */
  hidden: Float32Array;
  /** B*T: |dL/dh_t| */
  gradNorm: Float32Array;
}

export interface Trace {
  batchSize: number;
  length: number;
  hiddenSize: number;
  /** ['i','f','g','o'] (LSTM), ['r','z','n'] (GRU), ['h'] (rnn, ctrnn, esn) */
  gateNames: readonly string[];
  /** B*T*outputSize (empty for a seq2seq encoder: its readout is unused) */
  outputs: Float32Array;
  loss: number;
  /** layers[layer][direction], direction 1 = reverse */
  layers: TraceLayer[][];
}

export interface StepResult {
  /** mean loss over chunks */
  loss: number;
  /** global gradient L2 norm before clipping (largest over chunks) */
  gradNorm: number;
  clipped: boolean;
  /** BPTT chunks the batch was split into (1 without truncate) */
  chunks: number;
}

export interface Model {
  readonly config: NormalizedModelConfig;
  /** trainable parameters (an ESN's fixed reservoir excluded) */
  readonly parameterCount: number;
  /** bytes of the C arenas; activations are sized for the largest batch x length so far */
  readonly arenaBytes: { params: number; gradients: number; activations: number; state: number };
  readonly tensors: readonly TensorInfo[];
  readonly gateNames: readonly string[];
  readonly freed: boolean;
  forward(batch: Batch): ForwardResult;
  /** forward + backward. The gradient contract of every backward (C and JS, every family):
   * afterwards getGradients() holds exactly this batch's gradients, whatever it held before */
  backward(batch: Batch): { loss: number };
  /** {name: Float32Array} in PyTorch layout (row-major), fresh copies */
  getWeights(): Record<string, Float32Array>;
  /** partial objects allowed; names, lengths and finiteness are checked before anything is written */
  setWeights(weights: Record<string, Float32Array | ArrayLike<number>>): void;
  getGradients(): Record<string, Float32Array>;
  /** zeroes the gradients, runs backward on the batch (targets required), then returns everything
   * recorded. Leaves the carried state (carryState, truncated BPTT)
   * exactly as it was, so probing between training steps does not disturb the training stream. */
  trace(batch: Batch): Trace;
  resetState(): void;
  /** bytes for lab.loadModel; with { trainer } also its optimizer state and the carried state
   * (truncated BPTT over a stream), for lab.loadTrainer: a run saved mid-stream resumes exactly */
  save(options?: { trainer?: Trainer | null }): Uint8Array;
  /** frees the model and its trainers; idempotent */
  free(): void;
}

/**
 * The Learner protocol: what every trainable object has (a plain model's Trainer, a Seq2Seq, and
 * each family added later). lab.train, the page's worker and the CLI use only these members.
 */
export interface Learner<B = unknown, T = unknown> {
  /** which family, and the kind of file save() writes (lab.loadLearner reads every kind) */
  readonly kind: 'model' | 'seq2seq';
  /** one update: zero the gradients, forward, backward, clip, update. batch: the family's batch,
   * or a task.nextBatch() batch (read in place in wasm memory, nothing copied) */
  step(batch: B | TaskBatch): { loss: number; gradNorm: number; clipped: boolean };
  /** the task's result on fresh held-out data, by the task's own criterion */
  evaluate(task: Task | CsvTask, options?: { count?: number; length?: number; seed?: number | bigint; split?: 'heldout' | 'train' }):
    Pick<TaskResult, 'loss' | 'accuracy' | 'stepAccuracy' | 'sequences' | 'steps' | 'solved'>;
  /** gradients and activations of one batch; training is not disturbed */
  trace(batch: B): T;
  /** bytes that include the optimizer state: lab.loadLearner(bytes) continues exactly */
  save(): Uint8Array;
  /** the learning rate of the next step (float32 as stored); setting it keeps the optimizer state */
  learningRate: number;
  /** the optimizer options the next step uses */
  readonly trainerOptions: NormalizedTrainerOptions;
  /** updates applied so far */
  readonly steps: number;
  readonly freed: boolean;
  /** idempotent */
  free(): void;
}

/** A training batch left in the engine's memory by task.nextBatch: valid until the task makes
 * another batch (nextBatch or batch) or is freed; learner.step refuses a stale one. */
export interface TaskBatch {
  readonly batchSize: number;
  /** a plain batch's steps (undefined for seq2seq) */
  readonly length: number | undefined;
  /** a seq2seq batch's source and target lengths (undefined for a plain batch) */
  readonly srcLength: number | undefined;
  readonly tgtLength: number | undefined;
  readonly isSeq2seq: boolean;
}

export interface Trainer extends Learner<Batch, Trace> {
  readonly kind: 'model';
  readonly model: Model;
  /** current learning rate as stored (float32); setting it = setLearningRate */
  learningRate: number;
  readonly config: NormalizedTrainerOptions;
  /** updates applied so far */
  readonly steps: number;
  /** bytes of the optimizer moments in C */
  readonly arenaBytes: number;
  readonly freed: boolean;
  /** zero_grad, forward, backward, clip, update */
  step(batch: Batch | TaskBatch): StepResult;
  /** task.evaluate(trainer.model, options) */
  evaluate(task: Task | CsvTask, options?: { count?: number; length?: number; seed?: number | bigint; split?: 'heldout' | 'train' }): TaskResult;
  /** model.trace(batch) */
  trace(batch: Batch): Trace;
  /** model.save({ trainer: this }): the model, this optimizer's state and the carried state */
  save(): Uint8Array;
  setLearningRate(lr: number): void;
  /** idempotent; the model stays, unless the trainer came from lab.loadLearner (it owns its model then) */
  free(): void;
}

export interface Limits {
  readonly maxHidden: number;
  readonly maxLayers: number;
  readonly maxIO: number;
  readonly maxParams: number;
  /** largest B*T*width of any batch or activation buffer */
  readonly maxElems: number;
}

export interface Lab {
  /** engine version, e.g. '0.1.0' */
  readonly version: string;
  /** true when the SIMD build is running */
  readonly simd: boolean;
  readonly cells: readonly Cell[];
  readonly lstmVariants: readonly LstmVariant[];
  readonly activations: readonly Activation[];
  readonly inputKinds: readonly InputKind[];
  readonly outputKinds: readonly OutputKind[];
  readonly inits: readonly Init[];
  readonly optimizers: readonly Optimizer[];
  readonly gateNames: Readonly<Record<Cell, readonly string[]>>;
  readonly limits: Limits;
  readonly defaultConfig: NormalizedModelConfig;
  /** bytes of wasm memory reserved so far (grows, never shrinks) */
  readonly memoryBytes: number;
  createModel(config: ModelConfig): Model;
  createTrainer(model: Model, options?: TrainerOptions): Trainer;
  /** a model from model.save() bytes; optimizer state in them is ignored */
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  /** a model and, if the bytes hold optimizer state (model.save({ trainer })), its trainer, else null */
  loadTrainer(bytes: Uint8Array | ArrayBuffer): { model: Model; trainer: Trainer | null };
  /** a learner for a model: a Trainer (plain model), or the Seq2Seq itself with its optimizer set
   * (options default: Adam 0.005, clipNorm 1) */
  createLearner(model: Model, options?: TrainerOptions): Trainer;
  createLearner(model: Seq2Seq, options?: TrainerOptions): Seq2Seq;
  /** any file rnnlab writes (its kind is the magic's last byte) as a learner that continues
   * exactly: a plain model's file with optimizer state gives a Trainer owning its model (free()
   * frees both); without, a fresh trainer with trainerOptions (default Adam 0.005, clipNorm 1);
   * an encoder-decoder's file gives a Seq2Seq */
  loadLearner(bytes: Uint8Array | ArrayBuffer, options?: { trainerOptions?: TrainerOptions }): Trainer | Seq2Seq;
}

export interface LoadOptions {
  /** which build to load; default: whether this engine supports WebAssembly SIMD */
  simd?: boolean;
  /** the wasm itself, instead of rnnlab.wasm / rnnlab-scalar.wasm beside rnnlab.mjs.
   * Strings without a scheme are file paths in Node and page-relative URLs elsewhere. */
  wasm?: URL | string | ArrayBuffer | Uint8Array | WebAssembly.Module;
}

export function load(options?: LoadOptions): Promise<Lab>;
/** whether this JavaScript engine runs WebAssembly SIMD */
export function simdSupported(): boolean;

// ---- decoding search (wasm/search.mjs, core/decode.c) ----

/** 'greedy': the most probable token each step. 'beam': beam search of width beamWidth.
 * 'exhaustive': the exact best sequences (refused when vocabSize^length > 1e6 or length > 64).
 * 'sample': ancestral sampling with temperature and topK from seed. */
export type SearchStrategy = 'greedy' | 'beam' | 'exhaustive' | 'sample';

/** Options shared by lab.search and model.generate. Unknown keys and bad values throw. */
export interface DecodeOptions {
  /** default 'greedy' */
  strategy?: SearchStrategy;
  /** tokens to generate, >= 1 (fewer when eos ends a sequence) */
  length: number;
  /** 'beam': the width K (default 4); 'exhaustive': how many best sequences (default 1). 1..65536 */
  beamWidth?: number;
  /** end token: a sequence ends with it (included in tokens). null / -1 / omitted: none */
  eos?: number | null;
  /** alpha in [0, 10], default 0: beam and exhaustive rank by score = logProb / ((5 + n) / 6)^alpha
   * (GNMT length penalty, n = tokens incl. eos); 0 ranks by logProb */
  lengthPenalty?: number;
  /** 'sample': softmax(log p / temperature), finite >= 0, default 1; 0 = argmax */
  temperature?: number;
  /** 'sample': draw only among the topK most probable tokens; 0 (default) = all */
  topK?: number;
  /** 'sample': 64-bit seed, integer in 0..2^53-1 or BigInt; default 1. Same seed, same sample on every build */
  seed?: number | bigint;
}

export interface SearchOptions extends DecodeOptions {
  /** p(next token | prefix): vocabSize probabilities (finite, >= 0, positive sum; renormalised).
   * prefix is a fresh copy of the tokens so far (empty for the first token). It may call into the
   * same lab (model.forward, ...). What it throws is rethrown by lab.search. */
  next(prefix: Int32Array): Float32Array | ArrayLike<number>;
  /** V: the length of what next returns */
  vocabSize: number;
}

export interface GenerateOptions extends DecodeOptions {
  /** token ids the model reads first (>= 1); the result is the continuation after them */
  prompt: Int32Array | ArrayLike<number>;
  /** start the prompt from the model's carried state of batch 1 (e.g. after
   * forward({ batchSize: 1, ... })) instead of zeros. Either way the carried state is left
   * exactly as it was */
  carryState?: boolean;
  /** optional; must equal the model's outputSize */
  vocabSize?: number;
}

export interface Hypothesis {
  /** the generated tokens (eos included when it ended the sequence) */
  tokens: Int32Array;
  /** sum of the tokens' natural-log probabilities (untempered, for samples too) */
  logProb: number;
  /** the ranking score: logProb / lengthPenalty factor (= logProb when lengthPenalty is 0) */
  score: number;
  /** s2s.decode with attention: tokens.length x srcLength weights, the row of each token */
  attention?: Float32Array;
}

export interface SearchResult extends Hypothesis {
  /** 'beam' and 'exhaustive': up to beamWidth best hypotheses, best first (beams[0] is the result) */
  beams?: Hypothesis[];
}

export interface Lab {
  /** decoding search over an embedder's next-token distribution */
  search(options: SearchOptions): SearchResult;
  /** log p(tokens) = sum_t log p(tokens[t] | tokens[<t]) under next, as lab.search computes it */
  score(options: { next(prefix: Int32Array): Float32Array | ArrayLike<number>; vocabSize: number; tokens: Int32Array | ArrayLike<number> }): number;
}

export interface Model {
  /** decoding search over this model's predictions (one-hot input, softmax output,
   * inputSize == outputSize, unidirectional); one recurrent state per hypothesis, so each token
   * costs one step of K rows. Overwrites the trace; leaves the carried state (truncated BPTT
   * training) exactly as it was. */
  generate(options: GenerateOptions): SearchResult;
  /** log p(tokens | prompt), as model.generate computes it, from one forward pass of batch 1.
   * Without carryState the carried state is left exactly as it was; with carryState: true the
   * pass continues the carried state (batch 1) and leaves the state after the last token, so a
   * stream can be scored piece by piece */
  score(options: { prompt: Int32Array | ArrayLike<number>; tokens: Int32Array | ArrayLike<number>; carryState?: boolean }): number;
}
// ---- end of decoding search ----

// ---- tasks and training runs (wasm/tasks.mjs, wasm/run.mjs, core/tasks/) ----

export type TaskName =
  | 'parity' | 'addition' | 'text' | 'reber' | 'adding' | 'temporal-order' | 'copy' | 'reverse' | 'decimal-addition'
  | 'dates' | 'vanderpol' | 'lorenz' | 'mackey-glass' | 'limit-cycle' | 'sine' | 'flipflop';

/** lab.createTask options. Unknown keys and bad values throw with the key named (core/rnnlab.h
 * lists every key and default). Values are numbers, BigInt (seed) or words. */
export interface TaskOptions {
  /** training stream seed, 0..2^64-1 (default 1) */
  seed?: number | bigint;
  /** nominal length of a training batch: parity/addition: the longest row (bits); adding and
   * temporal-order: T (rows T..T+T/10); reber: the longest string; text: the BPTT chunk;
   * copy/reverse: the longest source; decimal-addition: the most digits of an operand */
  length?: number;
  /** shortest row of a training batch (parity, addition, seq2seq) */
  minLength?: number;
  /** the criterion's test length (default: parity 100, addition 64, else length; text: the chunk) */
  evalLength?: number;
  /** the criterion's number of test sequences (text: characters, default all of the held-out split) */
  evalCount?: number;
  /** the criterion: accuracy >= target on held-out data (parity 0.99, seq2seq 0.99, else 1) */
  target?: number;
  /** parity: target at every step (default) or only at the end */
  mode?: 'running' | 'final';
  /** temporal-order: 'a' = H&S experiment 6a (2 relevant symbols, 4 classes), 'b' = 6b (3, 8) */
  variant?: 'a' | 'b';
  /** copy, reverse: alphabet size 2..26 (default 8) */
  symbols?: number;
  /** text: your own UTF-8 text */
  text?: string | Uint8Array;
  /** text: a built-in corpus: 'grammar' (generated English-like sentences, the default) or 'c'
   * (the project's own C sources; await lab.loadCorpus('c') first) */
  corpus?: 'grammar' | 'c';
  /** text, corpus 'grammar': characters to generate (default 100000) */
  chars?: number;
  /** text: vocabulary cap including the unknown symbol, 2..4096 (default 256) */
  vocab?: number;
  /** text: the held-out fraction at the end of the text (default 0.1) */
  holdout?: number;
  /** vanderpol: x'' - mu (1 - x^2) x' + x = 0, 0..10 (default 1) */
  mu?: number;
  /** mackey-glass: the delay, a multiple of 0.1 in 1..100 (default 17) */
  tau?: number;
  /** limit-cycle: the Hopf cycle's angular speed, 0.1..10 (default 1; period 2 pi / omega) */
  omega?: number;
  /** vanderpol, lorenz, mackey-glass, limit-cycle: time units discarded before a row (default 20,
   * 5, 500, 0: a limit-cycle row starts off the cycle) */
  transient?: number;
  /** the same four: closed-loop predictions evaluate makes after the teacher-forced steps, 0..10000
   * (default 200; lorenz 552 = 10 Lyapunov times; mackey-glass 1000) */
  horizon?: number;
  /** the same four and sine: a step is right when ||output - target|| < tolerance (default 0.05,
   * normalised units) */
  tolerance?: number;
  /** sine: pieces of constant frequency per row, 1..1000 (default 1) */
  segments?: number;
  /** flipflop: channels, 1..16 (default 3) */
  bits?: number;
  /** flipflop: probability of a pulse per step and channel, (0, 1] (default 0.05) */
  pulse?: number;
}

/** An evaluation with the task's own criterion. */
export interface TaskResult {
  /** mean loss per targeted step (evaluate: as the model computes it; score: cross-entropy in nats
   * for class targets, (1/2)||o - d||^2 for float targets) */
  loss: number;
  /** the criterion: the fraction of sequences entirely right (parity, addition; reber: every
   * next-symbol set predicted as the most active outputs; adding: |error| < 0.04; temporal order:
   * every output within 0.3 of the target; seq2seq: exact match); text: next-character accuracy;
   * the systems: the fraction of steps with ||output - target|| < tolerance (flipflop: of bits with
   * a +-1 target whose output has its sign) */
  accuracy: number;
  /** the fraction of targeted steps right */
  stepAccuracy: number;
  /** sequences scored (text: 1, the held-out stream) */
  sequences: number;
  /** targeted steps scored (text: characters) */
  steps: number;
  /** accuracy >= the criterion's target; text: bpc below every n-gram baseline */
  solved: boolean;
  /** adding, the systems: the largest |output - target|; else 0 */
  maxError: number;
  /** text: the model's bits per character on the held-out split */
  bpc?: number;
  /** text: interpolated Witten-Bell n-gram baselines, orders 1..5 (order n = n-1 characters of
   * context), counted on the training split and scored on the same characters */
  ngramBpc?: number[];
  /** csv regression: root mean squared error in the data's units (accuracy is then R^2); the
   * systems (vanderpol, lorenz, mackey-glass, limit-cycle, sine, flipflop): per channel and step,
   * in the task's normalised units */
  rmse?: number;
  /** csv regression: the RMSE of always predicting the training split's mean target; the systems:
   * of predicting each channel's mean over the scored steps */
  baselineRmse?: number;
  /** vanderpol, lorenz, mackey-glass, limit-cycle, evaluate with horizon > 0 and a unidirectional
   * model: the RMSE of the closed-loop predictions (the model's output fed back as its next input)
   * over the horizon after the teacher-forced steps */
  horizonRmse?: number;
  /** the same: predictions (mean over rows) before the normalised error ||o - d|| / RMS||d||
   * first exceeds 0.4 (valid prediction time in steps) */
  validSteps?: number;
  /** lorenz, mackey-glass (tau 17): validSteps in Lyapunov times (lambda 0.906 per time unit and
   * 0.02 per step; 0.0051 and 1) */
  validTime?: number;
  /** csv regression: rmse / baselineRmse */
  ratio?: number;
  /** csv classification: the accuracy of always predicting the training split's majority class */
  baselineAccuracy?: number;
}

/** A sequence-to-sequence batch (rnnlab_seq2seq_batch), batch-major. Vocabulary: PAD 0, BOS 1,
 * EOS 2, then the task's symbols. */
export interface Seq2SeqBatch {
  batchSize: number;
  srcLength: number;
  tgtLength: number;
  /** (B, srcLength), left-padded with PAD */
  src: Int32Array;
  /** (B, tgtLength): BOS y1..yn then PAD */
  decIn: Int32Array;
  /** (B, tgtLength): y1..yn EOS then -1 */
  decTgt: Int32Array;
}

export interface Task {
  readonly name: TaskName;
  /** what a model needs: lab.createModel({ ...task.modelConfig, hiddenSize }) */
  readonly modelConfig: { inputSize: number; input: InputKind; outputSize: number; output: OutputKind };
  readonly inputSize: number;
  readonly input: InputKind;
  readonly outputSize: number;
  /** the output the targets fit: 'softmax' (class ids), 'sigmoid' (reber: multi-hot) or 'linear'
   * (adding); a float-target task takes either 'sigmoid' or 'linear' */
  readonly output: OutputKind;
  readonly isSeq2seq: boolean;
  readonly vocabSize: number;
  /** names of the input symbols (text: the characters, UNK '\uFFFD' at 0; seq2seq: '<pad>', '<s>', '</s>', ...) */
  readonly symbols: readonly string[];
  /** names of the output classes / units (temporal order: Q R S U V A B C) */
  readonly outputSymbols: readonly string[];
  readonly specials: { pad: number | null; bos: number | null; eos: number | null; unk: number | null };
  /** default training length, the shortest row, the largest length batch/evaluate accept */
  readonly length: number;
  readonly minLength: number;
  readonly maxLength: number;
  /** the success criterion: accuracy >= target on count fresh sequences of length (text: count 0 = all) */
  readonly criterion: { length: number; count: number; target: number };
  readonly seed: number | bigint;
  /** text: characters in the training split and the held-out tail */
  readonly split?: { train: number; heldout: number };
  readonly freed: boolean;
  /** The next training batch from the task's own seeded stream, copied out, in the engine's format
   * (trainer.step takes it as is). Rows of different lengths are padded at the end, with mask 0
   * and target -1. text: batchSize parallel streams, carryState true between consecutive calls.
   * Seq2seq tasks return a Seq2SeqBatch. */
  batch(batchSize: number, options?: { length?: number }): Batch | Seq2SeqBatch;
  /** The next training batch as batch() makes it, left in the engine's memory for learner.step
   * (nothing copied: what lab.train uses). Valid until this task makes another batch or is freed. */
  nextBatch(batchSize: number, options?: { length?: number }): TaskBatch;
  /** The largest batchSize batch() accepts at length (default: the task's length). text: the
   * training split holds that many parallel streams of at least 2 (length + 1) characters each,
   * floor(split.train / (2 (length + 1))), 0 when the text is too short for one; other tasks: the
   * engine's batch limits. Seq2seq tasks throw. */
  maxBatchSize(length?: number): number;
  /** Fresh held-out data from seed (separate from the training stream; the same seed gives the same
   * test set), scored by the task's criterion. Defaults: the criterion's count and length, seed 0.
   * text: the held-out split as one stream. Leaves the model's carried state (truncated BPTT
   * training) exactly as it was.
   * Seq2seq tasks throw (they need a seq2seq model: use evalSet + scoreSequences). */
  evaluate(model: Model, options?: { count?: number; length?: number; seed?: number | bigint }): TaskResult;
  /** evaluate at each length: accuracy against test length */
  generalization(model: Model, options: { lengths: number[]; count?: number; seed?: number | bigint }):
    { length: number; accuracy: number; stepAccuracy: number; loss: number }[];
  /** scores outputs (B*T*V, e.g. model.forward(batch).outputs) against a batch of this task */
  score(batch: Batch, outputs: Float32Array): TaskResult;
  /** seq2seq: count held-out pairs at exactly length, from seed */
  evalSet(options?: { count?: number; length?: number; seed?: number | bigint }): Seq2SeqBatch;
  /** seq2seq: exact match of predicted rows (Int32Array of batchSize*width, or one array per row; a
   * row ends at its first EOS or negative token) against ref */
  scoreSequences(ref: Seq2SeqBatch, predictions: Int32Array | ArrayLike<number>[], width?: number): TaskResult;
  /** restarts the training stream from the seed */
  reset(): void;
  /** idempotent */
  free(): void;
}

/** lab.train options. */
export interface TrainOptions {
  task: Task | CsvTask;
  /** a model that fits task.modelConfig (a Seq2Seq for copy, reverse, decimal-addition); or give learner */
  model?: Model | Seq2Seq;
  /** exponential learning-rate decay: the rate reaches lrDecay times the trainer's at maxSteps */
  lrDecay?: number;
  /** seq2seq: probability the decoder reads the true previous symbol (default 1) */
  teacherForcing?: number;
  /** seq2seq: evaluate with beam search of this width (default 1 = greedy) */
  beamWidth?: number;
  /** a trainer of model (it stays alive), or ... */
  trainer?: Trainer;
  /** instead of model (+ trainer): any learner (lab.createLearner, lab.loadLearner); it keeps its
   * optimizer and stays alive */
  learner?: Trainer | Seq2Seq;
  /** ... options for a trainer lab.train creates and frees (default adam, 0.005, clipNorm 1) */
  trainerOptions?: TrainerOptions;
  /** sequences per step (text: parallel streams), default 32 */
  batchSize?: number;
  /** training length (default task.length) */
  length?: number;
  /** the budget, default 5000 steps */
  maxSteps?: number;
  /** validate every this many steps (default 100) on evalCount sequences of evalLength from evalSeed
   * (defaults: the task's criterion; text: 4000 characters; evalSeed 1000). With a Seq2Seq model
   * evalSeed and testSeed are numbers (no BigInt) */
  evalEvery?: number;
  evalCount?: number;
  evalLength?: number;
  evalSeed?: number | bigint;
  /** stop when validation accuracy >= target (default: the task's criterion, result.solved) */
  target?: number;
  /** validations in a row that must meet the criterion before stopping (default 1) */
  confirm?: number;
  /** the final test on fresh data: testCount sequences of testLength (default evalLength) from
   * testSeed (default evalSeed + 1) */
  testCount?: number;
  testLength?: number;
  testSeed?: number | bigint;
  /** lengths for the generalisation curve after training (curveCount sequences each, seed testSeed + 2);
   * refused for a Seq2Seq model, and a csv task throws it (task.generalization) once training is done */
  curve?: number[];
  curveCount?: number;
  /** learning rate for each step (0-based), set on the trainer when it changes */
  lrSchedule?: (step: number) => number;
  /** called every progressEvery steps (default 10) and after each validation; return false to stop */
  onProgress?: (progress: TrainProgress) => boolean | void;
  progressEvery?: number;
  /** stops the run (checked before every step) */
  signal?: AbortSignal;
  /** yield to the event loop at least every yieldMs of work (default 50; 0 = never) */
  yieldMs?: number;
}

export interface TrainProgress {
  step: number;
  /** mean training loss over the steps since the last report */
  loss: number;
  /** gradient norm (before clipping) of the last step */
  gradNorm: number;
  /** any step since the last report was clipped */
  clipped: boolean;
  /** sequences seen (text: streams x steps) */
  sequences: number;
  /** time steps seen (batchSize x length per step) */
  tokens: number;
  seconds: number;
  /** the last validation's accuracy (text: bits per character); null before the first */
  metric: number | null;
  /** the validation done at this step, if any */
  evaluation?: TaskResult;
}

export interface TrainResult {
  /** the criterion was met on validation data (confirm times in a row) */
  solved: boolean;
  stop: 'solved' | 'budget' | 'aborted' | 'stopped';
  steps: number;
  sequences: number;
  tokens: number;
  seconds: number;
  /** when the criterion was met */
  solvedAt: { step: number; sequences: number; seconds: number } | null;
  /** the last validation (a Seq2Seq model: seq2seq.evaluate's fields, so no maxError) */
  validation: TaskResult | null;
  /** the final test on fresh held-out data (a Seq2Seq model: as validation) */
  test: TaskResult;
  /** accuracy against test length, when options.curve was given */
  curve: { length: number; accuracy: number; stepAccuracy: number; loss: number }[] | null;
  /** every progress report */
  history: TrainProgress[];
}

export interface Lab {
  /** the task names */
  readonly tasks: readonly TaskName[];
  /** built-in text corpora: 'grammar' (generated) and 'c' (the project's C sources, via loadCorpus) */
  readonly corpora: readonly ('grammar' | 'c')[];
  createTask(name: TaskName, options?: TaskOptions): Task;
  /** your own sequences (wasm/csvtask.mjs): CSV or JSON text, or data from parseSequences */
  createTask(name: 'csv', options: CsvTaskOptions): CsvTask;
  /** the text of a built-in corpus file beside rnnlab.mjs (Node: from disk; else fetched), cached
   * per lab; afterwards createTask('text', { corpus: name }) uses it */
  loadCorpus(name: 'c'): Promise<string>;
  /** Trains until the task's criterion is met on held-out data or maxSteps run out, then tests on
   * fresh held-out data (and measures the generalisation curve). Batches go from the task's C
   * buffers straight to the trainer. Seq2seq tasks are refused. */
  train(options: TrainOptions): Promise<TrainResult>;
  /** Settings measured to meet each task's criterion from scratch (parity, parity-final, addition,
   * reber, adding (T = 100), adding-30, temporal-order-6a, temporal-order-6b, temporal-order-6b-50,
   * text): createTask(r.task, r.taskOptions), createModel({ ...task.modelConfig, ...r.model }),
   * train({ task, model, ...r.train }); measured says what it took. */
  readonly recipes: Readonly<Record<string, Readonly<{ task: TaskName; taskOptions: TaskOptions; model: ModelConfig;
    train: Omit<TrainOptions, 'task' | 'model'>; measured: string }>>>;
}
// ---- end of tasks ----

// ---- your own sequences (wasm/csv.mjs: the loader, no wasm needed; wasm/csvtask.mjs: the task) ----

/** How to read the text (wasm/csv.mjs describes the layouts). Columns by header name or 0-based index. */
export interface ParseOptions {
  /** 'long': one time step per row with a sequence-id column; 'wide': one sequence per row, one input,
   * the target in one column; 'json': an array of sequences. Default: 'json' when the text starts
   * with '[', 'long' when the header has an id column (id, seq, sequence, series), else 'wide'. */
  format?: 'long' | 'wide' | 'json';
  /** the first row is a header (default: detected: no field of it is a number, and a later row has numbers) */
  header?: boolean;
  /** one character (default ',', or tab or ';' when the first line has those and no comma) */
  delimiter?: string;
  /** long: the sequence-id column (default: the header's id/seq/sequence/series column; without a header, field 0) */
  id?: string | number;
  /** long and JSON: input columns (default: every column but the id and the target) */
  inputs?: string | number | (string | number)[];
  /** the target column (default: the last; wide: also 'first') */
  target?: string | number;
  /** a target at every step (long and JSON default) or one at the end of each sequence (wide: always) */
  targetAt?: 'step' | 'end';
  /** default: 'regression' when every target is a number, else 'classification' with sorted labels */
  kind?: 'regression' | 'classification';
}

export interface CsvSequence {
  id: string;
  /** time steps T */
  length: number;
  /** (T, inputs), the data's units */
  x: Float64Array;
  /** targetAt 'step': T targets, 'end': 1; regression: values, classification: indices into labels */
  y: Float64Array;
  /** the line it starts on (JSON: 0) */
  line: number;
}

/** What parseSequences returns: plain data (structured-cloneable: parse in a Worker, post it). */
export interface CsvDataset {
  format: 'long' | 'wide' | 'json';
  inputNames: string[];
  targetName: string;
  kind: 'regression' | 'classification';
  targetAt: 'step' | 'end';
  labels: string[];
  sequences: CsvSequence[];
  maxLength: number;
}

export interface CsvTaskOptions extends ParseOptions {
  /** CSV or JSON text (at most 5,000,000 bytes as UTF-8) */
  text?: string;
  /** already parsed (parseSequences); give text or data */
  data?: CsvDataset;
  /** fraction of the sequences held out, in (0, 1) (default 0.2; at least one each side) */
  heldOut?: number;
  /** seeds the split and the order of training batches (default 1) */
  seed?: number | bigint;
}

/** lab.createTask('csv', ...): trains with lab.train like the built-in tasks; evaluation is on the held-out split. */
export interface CsvTask {
  readonly name: 'csv';
  readonly modelConfig: { inputSize: number; input: 'dense'; outputSize: number; output: 'linear' | 'softmax' };
  readonly inputSize: number;
  readonly input: 'dense';
  /** 1 (regression) or the number of classes */
  readonly outputSize: number;
  readonly output: 'linear' | 'softmax';
  readonly isSeq2seq: false;
  /** 0: the inputs are dense vectors, not symbols */
  readonly vocabSize: 0;
  /** no special tokens: every field null */
  readonly specials: { pad: null; bos: null; eos: null; unk: null };
  readonly kind: 'regression' | 'classification';
  readonly targetAt: 'step' | 'end';
  readonly inputNames: readonly string[];
  readonly targetName: string;
  /** classification: class names, index = class id; regression: [] */
  readonly labels: readonly string[];
  readonly symbols: readonly string[];
  readonly outputSymbols: readonly string[];
  /** the parsed data, the data's units */
  readonly data: CsvDataset;
  /** longest and shortest training sequence, longest of all */
  readonly length: number;
  readonly minLength: number;
  readonly maxLength: number;
  readonly split: { train: number; heldout: number };
  /** indices into data.sequences, ascending */
  readonly splitIndices: { train: readonly number[]; heldout: readonly number[] };
  /** the training split's statistics: inputs are standardised with them, and regression targets
   * (NaN for classification); every reported error is back in the data's units */
  readonly stats: { inputMean: number[]; inputStd: number[]; targetMean: number; targetStd: number };
  /** lab.train stops when held-out accuracy (regression: R^2) >= target (default 1; lab.train's target overrides) */
  readonly criterion: { length: number; count: number; target: number };
  readonly seed: number | bigint;
  readonly freed: boolean;
  /** batchSize training sequences in a seeded epoch order, standardised, padded at the end (mask 0,
   * class target -1); mask 1 on every real step (targetAt 'step') or on each sequence's last */
  batch(batchSize: number, options?: { length?: number }): Batch;
  /** scores a model on the held-out split (or 'train'; count: its first count sequences); length and
   * seed are accepted for lab.train and ignored. Regression: rmse, baselineRmse, ratio, maxError in the
   * data's units, accuracy = R^2 = max(0, 1 - ratio^2); classification: accuracy (sequences right at
   * every targeted step), stepAccuracy, baselineAccuracy */
  evaluate(model: Model, options?: { count?: number; length?: number; seed?: number | bigint; split?: 'heldout' | 'train' }): TaskResult;
  /** one sequence (index in the split, default the held-out one) for a predictions-vs-truth chart */
  predict(model: Model, index?: number, options?: { split?: 'heldout' | 'train' }): CsvPrediction;
  /** always throws: the sequences are fixed, there is no length to vary (so lab.train with options.curve
   * throws once training is done) */
  generalization(model?: Model, options?: object): never;
  /** always throws: use evaluate(model) */
  score(batch?: Batch, outputs?: Float32Array): never;
  /** restarts the batch order from the seed */
  reset(): void;
  /** idempotent */
  free(): void;
}

/** The loader of lab.createTask('csv') on its own (pure JS; also wasm/csv.mjs, which needs no wasm):
 * throws an Error naming the line and the problem ('rnnlab: csv line 17: expected 4 fields as on the
 * header (line 1), found 3'). Limits: 5,000,000 bytes (UTF-8), 20,000 sequences, 2,000 steps per
 * sequence, 4,000,000 input values, 64 input columns, 100 classes. */
export function parseSequences(text: string, options?: ParseOptions): CsvDataset;

export interface CsvPrediction {
  id: string;
  index: number;
  length: number;
  targetAt: 'step' | 'end';
  kind: 'regression' | 'classification';
  labels: readonly string[];
  /** (T, inputs), the data's units */
  inputs: Float64Array;
  inputNames: readonly string[];
  /** the targeted steps: 0..T-1, or [T-1] */
  steps: number[];
  /** at the targeted steps: values (regression) or class ids */
  truth: number[];
  prediction: number[];
  /** the prediction at every step (regression: values; classification: class ids) */
  every: Float64Array | Int32Array;
  /** classification: (T, classes) probabilities; regression: null */
  probabilities: Float32Array | null;
}


// ---- sequence to sequence (wasm/seq2seq.mjs) ----

/** An encoder-decoder: the encoder's final state (every layer) is the decoder's initial state. */
export type AttentionForm = 'none' | 'additive' | 'dot' | 'general';

/** createSeq2Seq's config: a model's, plus the attention form; bidirectional is the encoder's */
export interface Seq2SeqConfig extends ModelConfig {
  /** 'none' (default: the context bottleneck, today's model bit for bit), 'additive' (Bahdanau),
   * 'dot' or 'general' (Luong). Any form, or bidirectional: true, is the aligned model: the encoder
   * reads each source's symbols only (PAD skipped), the decoder (hidden size D*H) starts from
   * [forward ; reverse] final states (core/rnnlab.h). */
  attention?: AttentionForm;
}

export interface Seq2Seq extends Learner<Seq2SeqBatch, Seq2SeqTrace> {
  readonly kind: 'seq2seq';
  /** normalised config, every key present as in model.config (input 'onehot', output 'softmax'),
   * plus attention: inputSize = source vocabulary, outputSize = target vocabulary */
  readonly config: NormalizedModelConfig & { attention: AttentionForm };
  /** the attention form */
  readonly attention: AttentionForm;
  /** where the model looks while writing tokens for src: tokens.length x src.length rows (teacher-forced) */
  align(src: Int32Array, tokens: Int32Array, options: { bos: number }): Float32Array;
  readonly parameterCount: number;
  readonly freed: boolean;
  /** 'encoder.<PyTorch name>', 'decoder.<PyTorch name>' and 'attention.W_a' / 'U_a' / 'v' / 'W_c' as the form has them */
  readonly tensors: { name: string; shape: number[] }[];
  /** teacher-forced pass: outputs (B*U*V) probabilities, loss over the targeted steps */
  forward(batch: Seq2SeqBatch): { outputs: Float32Array; loss: number };
  /** forward + backward; getGradients() then holds exactly this batch's (the gradient contract) */
  backward(batch: Seq2SeqBatch): { loss: number };
  /** the optimizer for step() (made on the first step; later only the learning rate changes) */
  setTrainer(options: TrainerOptions): void;
  /** one training step of encoder and decoder together (no truncated BPTT, so no chunks) */
  step(batch: Seq2SeqBatch | TaskBatch, options?: { teacherForcing?: number }): Omit<StepResult, 'chunks'>;
  /** greedy decoding of B sources: one token row per source, without the final EOS */
  greedy(sources: { src: Int32Array; batchSize: number; srcLength: number }, options: { bos: number; eos: number; maxLength: number }): Int32Array[];
  /** one source decoded with any strategy (beam, sample, exhaustive, greedy); with attention the
   * result and each beam carry attention: tokens.length x src.length rows */
  decode(src: Int32Array, options: DecodeOptions & { bos: number }): SearchResult;
  /** exact match on held-out pairs of a sequence-to-sequence task */
  evaluate(task: Task, options?: { count?: number; length?: number; seed?: number; beamWidth?: number }):
    { loss: number; accuracy: number; stepAccuracy: number; sequences: number; steps: number; solved: boolean };
  getWeights(): Record<string, Float32Array>;
  getGradients(): Record<string, Float32Array>;
  setWeights(weights: Record<string, Float32Array>): void;
  /** zeroes the gradients, backward on the batch (teacher-forced), then model.trace's record of
   * each half; training is not disturbed (a seq2seq carries no state from step to step) */
  trace(batch: Seq2SeqBatch): Seq2SeqTrace;
  /** the learning rate the next step uses (float32); setting it = setLearningRate */
  learningRate: number;
  /** sets the learning rate of the next steps; the optimizer state is kept */
  setLearningRate(lr: number): void;
  /** the optimizer options the next step uses */
  readonly trainerOptions: NormalizedTrainerOptions;
  /** optimizer updates done (0 before the first step and after a load without optimizer state) */
  readonly steps: number;
  /** bytes for lab.loadSeq2Seq / lab.loadLearner: with the optimizer state and the
   * teacher-forcing generator once there is one (after the first step), so training resumes
   * exactly; { optimizer: false } the weights only; { optimizer: true } throws before the first step */
  save(options?: { optimizer?: boolean }): Uint8Array;
  free(): void;
}

/** s2s.trace: what model.trace gives, for each half of an encoder-decoder */
export interface Seq2SeqTrace {
  /** the decoder's teacher-forced loss */
  loss: number;
  /** over the sources (batchSize x srcLength); gradNorm = |dL/dh_t| arriving through the context;
   * outputs empty (the encoder's readout is unused). An aligned model's (attention or a
   * bidirectional encoder) covers one source's symbols: null for a batch of more than one */
  encoder: Trace | null;
  /** with attention: batchSize x tgtLength x srcLength weights, each row sums to 1, 0 at PAD */
  attention?: Float32Array;
  /** over decIn (batchSize x tgtLength); outputs: the predicted distributions (B*U*V) */
  decoder: Trace;
}

export interface Lab {
  /** rebuilds an encoder-decoder from s2s.save() bytes, with the optimizer state when they hold it;
   * a plain model's bytes are refused (lab.loadModel), as seq2seq bytes are by lab.loadModel */
  loadSeq2Seq(bytes: Uint8Array | ArrayBuffer): Seq2Seq;
  /** an encoder-decoder; config as createModel's (input 'onehot', output 'softmax', one direction),
   * e.g. lab.createSeq2Seq({ ...task.modelConfig, cell: 'gru', hiddenSize: 64 }) */
  createSeq2Seq(config: Seq2SeqConfig, trainer?: TrainerOptions): Seq2Seq;
}
