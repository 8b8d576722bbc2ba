// rnnlab.d.ts - types of wasm/rnnlab.mjs, the ES-module wrapper of the rnnlab wasm engine.
// Names, shapes and gate orders follow PyTorch; arrays are batch-major float32 / int32.

export type Cell = 'rnn' | 'lstm' | 'gru' | 'ctrnn' | 'esn' | 'cfn' | 'lsm';
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
  /** CT-RNN: a learnable time constant per unit, tau_j = 1/alpha_j with alpha_j = sigmoid(a_j) in
   * the tensor 'alpha_logit_l<k>' (hiddenSize values per layer), initialised at alpha (which must
   * then be < 1); default false */
  learnTau?: boolean;
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
  readonly learnTau: boolean;
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

/** createTrainer's options for a plain model: the optimizer's, and closed-loop training. */
export interface ModelTrainerOptions extends TrainerOptions {
  /** free-running training by BPTT (core/train/closedloop.c), for a model that predicts its next
   * input (input 'dense', output 'linear', outputSize == inputSize, one direction; truncate 0):
   * each step reads the batch's true input for the first warmup steps (default 1), then its own
   * previous output, and backpropagates through that feedback. false: teacher forcing (default) */
  closedLoop?: boolean | { warmup?: number };
}

/** trainer.config: the optimizer's options and the closed-loop setting. */
export type NormalizedModelTrainerOptions = NormalizedTrainerOptions & { readonly closedLoop: false | { readonly warmup: number } };

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
  readonly kind: 'model' | 'seq2seq' | 'ridge' | 'hopfield' | 'rbm' | 'dbn' | 'boltzmann';
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
  readonly config: NormalizedModelTrainerOptions;
  readonly trainerOptions: NormalizedModelTrainerOptions;
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
  /** grows the model's arenas now for steps of batchSize x length (as the first such step would), so
   * a run too large for the 2 GiB wasm heap fails before it starts, with a message naming what to
   * reduce; every step and pass makes the same check before it allocates */
  reserve(shape: { batchSize: number; length: number }): void;
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
  createTrainer(model: Model, options?: ModelTrainerOptions): Trainer;
  /** a model from model.save() bytes; optimizer state in them is ignored */
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  /** a model and, if the bytes hold optimizer state (model.save({ trainer })), its trainer, else null */
  loadTrainer(bytes: Uint8Array | ArrayBuffer): { model: Model; trainer: Trainer | null };
  /** a learner for a model: a Trainer (plain model), or the Seq2Seq itself with its optimizer set
   * (options default: Adam 0.005, clipNorm 1) */
  createLearner(model: Model, options: { optimizer: 'ridge'; ridge?: number; washout?: number }): Ridge;
  createLearner(model: Model, options?: ModelTrainerOptions): Trainer;
  createLearner(model: Seq2Seq, options?: TrainerOptions): Seq2Seq;
  /** any file rnnlab writes (its kind is the magic's last byte) as a learner that continues
   * exactly: a plain model's file with optimizer state gives a Trainer owning its model (free()
   * frees both); without, a fresh trainer with trainerOptions (default Adam 0.005, clipNorm 1);
   * an encoder-decoder's file gives a Seq2Seq */
  loadLearner(bytes: Uint8Array | ArrayBuffer, options?: { trainerOptions?: ModelTrainerOptions }): Trainer | Seq2Seq;
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
  trainerOptions?: ModelTrainerOptions; // closedLoop: plain models on the autonomous systems (names.mjs CLOSED_LOOP_TASKS) or csv
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

/** The closed-form readout (core/train/ridge.c): ridge regression over the top layer's outputs of
 * every batch seen; the rest of the model is untouched. lab.createLearner(model, { optimizer: 'ridge' }) too. */
export interface Ridge extends Learner<Batch, Trace> {
  readonly kind: 'ridge';
  readonly model: Model;
  /** the regularisation; setting it solves again over the data seen */
  ridge: number;
  /** steps skipped at the start of each batch that does not carry its state */
  readonly washout: number;
}

export interface Lab {
  /** a ridge readout for a model with linear output (an ESN's standard readout) */
  createRidge(model: Model, options?: { ridge?: number; washout?: number }): Ridge;
}

export interface Lab {
  /** rebuilds an encoder-decoder from s2s.save() bytes, with the optimizer state when they hold it;
   * a plain model's bytes are refused (lab.loadModel), as seq2seq bytes are by lab.loadModel */
  loadSeq2Seq(bytes: Uint8Array | ArrayBuffer): Seq2Seq;
  /** an encoder-decoder; config as createModel's (input 'onehot', output 'softmax', one direction),
   * e.g. lab.createSeq2Seq({ ...task.modelConfig, cell: 'gru', hiddenSize: 64 }) */
  createSeq2Seq(config: Seq2SeqConfig, trainer?: TrainerOptions): Seq2Seq;
}

// ---- Boltzmann machines and the Ising model (wasm/boltzmann.mjs, wasm/ising.mjs) ----

/** 0/1 rows: a pattern set (lab.patterns) or a bare Float32Array of rows x width values */
export type BoltzmannData = Float32Array | { readonly rows: number; readonly size: number; readonly data: Float32Array };

/** how a Boltzmann machine learns: the method and the optimizer (createTrainer's options, no truncate) */
export interface BoltzmannTrainerOptions extends Omit<TrainerOptions, 'truncate'> {
  /** 'exact': both phases by enumerating states (visible + hidden <= 20); 'sampled': Gibbs sampling
   * of the clamped phase, persistent chains for the free phase */
  method?: 'exact' | 'sampled';
  /** sampled: Gibbs sweeps per phase per update, statistics over the last half (default 10) */
  sweeps?: number;
  /** sampled: persistent free-phase chains (default 32) */
  chains?: number;
}

export type NormalizedBoltzmannTrainerOptions = { readonly [K in keyof BoltzmannTrainerOptions]-?: Exclude<BoltzmannTrainerOptions[K], undefined> };

/** { weight: units x units row-major, symmetric, zero diagonal; visibleBias; hiddenBias } */
export interface BoltzmannWeights {
  weight: Float32Array;
  visibleBias: Float32Array;
  hiddenBias: Float32Array;
}

/** bm.trace(batch): the gradient of one batch and the two phases' statistics; nothing updated */
export interface BoltzmannTrace {
  loss: number;
  gradNorm: number;
  gradients: BoltzmannWeights;
  /** units x units: <s_i s_j> with the visible units clamped to the data, <s_i> on the diagonal */
  dataStatistics: Float32Array;
  /** units x units: the same under the machine's own distribution */
  modelStatistics: Float32Array;
}

/**
 * A general Boltzmann machine (lab.createBoltzmann): units 0/1, visible first, then hidden;
 * E(s) = -1/2 s^T W s - b^T s, p(s) = e^{-E(s)} / Z. A learner of its own (kind 'boltzmann', file kind 7).
 */
export interface BoltzmannMachine extends Omit<Learner<BoltzmannData, BoltzmannTrace>, 'kind' | 'evaluate' | 'trainerOptions'> {
  readonly kind: 'boltzmann';
  readonly visible: number;
  readonly hidden: number;
  /** visible + hidden */
  readonly units: number;
  /** n(n-1)/2 weights + n biases */
  readonly parameterCount: number;
  /** exact sums are possible: units <= 20 */
  readonly exact: boolean;
  getWeights(): BoltzmannWeights;
  /** the gradients of the last step or trace */
  getGradients(): BoltzmannWeights;
  /** any of the three; weight symmetric with a zero diagonal, all finite */
  setWeights(weights: Partial<BoltzmannWeights>): void;
  /** E(s) of full states (rows of units 0/1 values) */
  energy(states: BoltzmannData): Float64Array;
  /** log Z, exact (units <= 20; refused above with both numbers) */
  logPartition(): number;
  /** F(v) = -log sum_h e^{-E(v,h)} of each row, exact (hidden <= 20, any visible) */
  freeEnergy(data: BoltzmannData): Float64Array;
  /** the mean exact log-likelihood of the rows (nats; units <= 20) */
  logLikelihood(data: BoltzmannData): number;
  /** the visible units' mean pseudo-log-likelihood given sampled hidden states (any size) */
  pseudoLogLikelihood(data: BoltzmannData, options?: { sweeps?: number; seed?: number | bigint }): number;
  /** Gibbs sampling at a temperature, its own generator; states: chains x units, visible: chains x visible */
  sample(options?: { chains?: number; sweeps?: number; temperature?: number; seed?: number | bigint; init?: Float32Array }):
    { chains: number; states: Float32Array; visible: Float32Array };
  /** the options of the next steps (keys left out keep their values) */
  setTrainer(options: BoltzmannTrainerOptions): void;
  readonly trainerOptions: NormalizedBoltzmannTrainerOptions;
  setLearningRate(lr: number): void;
  /** loss: 'exact' -mean log p(v) of the batch before the update; 'sampled' the negative pseudo-log-likelihood */
  step(batch: BoltzmannData): { loss: number; gradNorm: number; clipped: boolean };
  /** exact (units <= 20): logLikelihood, logPartition, loss = -logLikelihood; larger: those null, loss = -pseudoLogLikelihood */
  evaluate(data: BoltzmannData, options?: { seed?: number | bigint }): {
    loss: number; logLikelihood: number | null; logPartition: number | null; pseudoLogLikelihood: number; rows: number; exact: boolean };
}

/** one temperature of an Ising measurement (errors: one standard error by batch means; 0 when exact) */
export interface IsingMeasurement {
  readonly temperature: number;
  readonly absMagnetization: number;
  readonly absMagnetizationError: number;
  readonly magnetization: number;
  readonly magnetizationError: number;
  /** per site */
  readonly energy: number;
  readonly energyError: number;
  /** N (<m^2> - <|m|>^2) / T */
  readonly susceptibility: number;
  /** N (<e^2> - <e>^2) / T^2 */
  readonly specificHeat: number;
  /** fraction of single-spin updates that changed a spin */
  readonly acceptance: number;
  readonly sweeps: number;
}

export type IsingMethod = 'metropolis' | 'heatbath';

/** An L x L periodic Ising lattice (lab.createIsing): spins +-1, E = -J sum_<ij> s_i s_j - h sum_i s_i */
export interface Ising {
  /** L */
  readonly size: number;
  readonly sites: number;
  /** J */
  readonly coupling: number;
  /** h */
  readonly field: number;
  /** Onsager's 2J / ln(1 + sqrt 2) = 2.269 for J = 1 */
  readonly criticalTemperature: number;
  /** m per site of the current lattice */
  readonly magnetization: number;
  /** e per site of the current lattice */
  readonly energy: number;
  /** a copy of the spins, L x L row-major */
  readonly lattice: Int8Array;
  readonly freed: boolean;
  setLattice(spins: Int8Array): void;
  sweep(options: { temperature: number; sweeps?: number; method?: IsingMethod }): { magnetization: number; energy: number; acceptance: number };
  measure(options: { temperature: number; sweeps?: number; burnIn?: number; blocks?: number; method?: IsingMethod }): IsingMeasurement;
  /** measure() at each temperature in order, on this lattice */
  scan(options: { temperatures: ArrayLike<number>; sweeps?: number; burnIn?: number; blocks?: number; method?: IsingMethod }): IsingMeasurement[];
  /** exact averages by enumerating all 2^(L^2) states (L <= 4) */
  exact(options: { temperature: number }): IsingMeasurement;
  /** (1 - sinh(2J/T)^-4)^(1/8) below T_c, 0 above: the infinite lattice */
  onsagerMagnetization(temperature: number): number;
  free(): void;
}

export interface Lab {
  /** visible + hidden <= 2048; weights about N(0, 0.01^2); trainer default { method: 'exact' (above 20 units
   * 'sampled'), optimizer: 'sgd', learningRate: 0.1, sweeps: 10, chains: 32 } */
  createBoltzmann(options: { visible: number; hidden?: number; seed?: number | bigint }, trainer?: BoltzmannTrainerOptions): BoltzmannMachine;
  /** bm.save() bytes back into a machine that continues bit for bit (lab.loadLearner routes file kind 7 here) */
  loadBoltzmann(bytes: Uint8Array | ArrayBuffer): BoltzmannMachine;
  createIsing(options: { size: number; coupling?: number; field?: number; seed?: number | bigint; start?: 'random' | 'up' | 'down' }): Ising;
}

// ---- Hopfield networks (wasm/hopfield.mjs, core/energy/hopfield.c) ----

export type HopfieldRule = 'hebb' | 'storkey';

/** Patterns for store / step / evaluate / trace: -1/+1 values, patterns x size row-major (a
 * Float32Array, Int8Array or array; trace also takes 0 = unknown), or a pattern set
 * { rows, size, data } whose data is 0/1 (lab.patterns: converted by 2x - 1) or -1/+1. */
export type HopfieldPatterns = Float32Array | Int8Array | ArrayLike<number> | { rows: number; size: number; data: ArrayLike<number> };

export interface HopfieldOptions {
  /** units N, 2..4096 (the weights are N x N floats) */
  size: number;
  /** 'hebb' (default): W += x x^T / N; 'storkey': Storkey's 1997 rule (higher capacity) */
  rule?: HopfieldRule;
  /** true: b = the stored patterns' mean, after each store; default false (b = 0); set b with setWeights({ bias }) */
  bias?: boolean;
  /** the default recall seed (default 1) */
  seed?: number | bigint;
}

export interface HopfieldRecallOptions {
  /** 'async' (default): one unit at a time; 'sync': every unit at once from the previous state */
  update?: 'async' | 'sync';
  /** async only: 'random' (default, a fresh order each sweep from the seed) or 'sequential' (0..N-1) */
  order?: 'random' | 'sequential';
  /** 0 (default): s_i = sign(f_i), a tie keeps s_i; > 0: Glauber, P(s_i = +1) = sigmoid(2 f_i / T) */
  temperature?: number;
  /** default 100 */
  maxSweeps?: number;
  /** default: the network's seed */
  seed?: number | bigint;
}

/** where a state lies: a stored pattern, its negation, a mixture sign(s_a x^a + s_b x^b + s_c x^c)
 * of three stored patterns, or spurious (none of these; nearest = the stored pattern with the
 * largest |overlap|); distance = units off (within the tolerance asked; spurious: from the nearest
 * pattern or its negation); 'none' when nothing is stored */
export type HopfieldLanding =
  | { readonly kind: 'pattern' | 'negation'; readonly index: number; readonly distance: number }
  | { readonly kind: 'mixture'; readonly patterns: readonly number[]; readonly signs: readonly number[]; readonly distance: number }
  | { readonly kind: 'spurious'; readonly nearest: number; readonly distance: number }
  | { readonly kind: 'none' };

export interface HopfieldRecall {
  /** the final state, -1/+1 */
  state: Int8Array;
  /** 1 + updates entries: E of the start, then E after each unit update (async: N per sweep,
   * changed or not) or each sweep (sync) */
  energy: Float32Array;
  sweeps: number;
  /** the last sweep changed nothing */
  converged: boolean;
  /** 1 converged, 2 a synchronous 2-cycle at T = 0 (the run stops there), 0 neither (maxSweeps reached) */
  period: number;
  /** unit updates (async) or sweeps (sync) */
  updates: number;
  /** every unit change in order: unit[k] became value[k] in update update[k] (energy[update[k]] is E after
   * it); replayed from the start state they give the state after every update */
  flips: { update: Int32Array; unit: Int32Array; value: Int8Array };
  /** E of the final state, computed from scratch */
  finalEnergy: number;
  /** m_mu = (1/N) x^mu . state for every stored pattern */
  overlaps: Float32Array;
  landedIn: HopfieldLanding;
}

/** recall from corrupted copies (the Learner's evaluate) */
export interface HopfieldEvaluation {
  /** mean fraction of units wrong at the end */
  loss: number;
  /** fraction of patterns recalled exactly */
  accuracy: number;
  /** 1 - loss */
  stepAccuracy: number;
  /** mean final overlap with the pattern, and its standard deviation */
  overlap: number;
  overlapSd: number;
  /** fraction of the probed patterns' units that are fixed points */
  stable: number;
  /** patterns probed, units scored */
  sequences: number;
  steps: number;
  /** every pattern recalled exactly */
  solved: boolean;
}

export interface HopfieldTrace {
  /** fraction of units a T = 0 update would change (an unknown unit always would) */
  loss: number;
  unstable: number;
  /** rows x size fields f_i = (W s)_i + b_i */
  fields: Float32Array;
  /** E of each row */
  energies: Float32Array;
}

/** A Hopfield network (lab.createHopfield), also a learner: step stores the batch (loss = the
 * fraction of stored units that are not fixed points, gradNorm 0), evaluate recalls from
 * corrupted copies, trace reads the fields, save/lab.loadLearner round-trip bit-exactly (file
 * kind 4). Storing is closed-form: learningRate reads the rate 1/N and cannot be set. */
export interface Hopfield {
  readonly kind: 'hopfield';
  readonly size: number;
  readonly rule: HopfieldRule;
  /** 'none', 'mean' (the stored patterns' mean) or 'fixed' (setWeights({ bias })) */
  readonly bias: 'none' | 'mean' | 'fixed';
  /** patterns stored */
  readonly stored: number;
  /** store/step calls that stored something */
  readonly steps: number;
  readonly seed: number | bigint;
  readonly freed: boolean;
  /** the storage rate 1/N (float32); setting it throws: there is no learning rate */
  learningRate: number;
  readonly trainerOptions: Readonly<{ rule: HopfieldRule; bias: 'none' | 'mean' | 'fixed' }>;
  /** stores patterns with the network's rule; a bad value stores nothing; returns the count stored */
  store(patterns: HopfieldPatterns): number;
  step(batch: HopfieldPatterns): { loss: number; gradNorm: number; clipped: boolean };
  /** recall from state (-1/+1, 0 = unknown) */
  recall(state: Float32Array | Int8Array | ArrayLike<number>, options?: HopfieldRecallOptions & {
    /** units allowed to differ when naming landedIn (default 0) */
    tolerance?: number;
    /** default true; false: energy and flips are left empty (a recorded run is limited to 2^24 updates) */
    record?: boolean }): HopfieldRecall;
  /** E(s) = -1/2 s^T W s - b^T s, in double */
  energy(state: Float32Array | Int8Array | ArrayLike<number>): number;
  overlaps(state: Float32Array | Int8Array | ArrayLike<number>): Float32Array;
  classify(state: Float32Array | Int8Array | ArrayLike<number>, options?: { tolerance?: number }): HopfieldLanding;
  /** exactly round(flip N) units change sign, then round(erase N) others become 0; seeded */
  corrupt(state: Float32Array | Int8Array | ArrayLike<number>, options?: { flip?: number; erase?: number; seed?: number | bigint }): Int8Array;
  /** recall from copies with round(noise N) units flipped (default 0.1) of data (default: the stored patterns) */
  evaluate(data?: HopfieldPatterns | null, options?: HopfieldRecallOptions & { noise?: number; erase?: number }): HopfieldEvaluation;
  trace(batch: HopfieldPatterns): HopfieldTrace;
  /** weight: size x size row-major, symmetric, zero diagonal; bias: size */
  getWeights(): { weight: Float32Array; bias: Float32Array };
  /** weight must be exactly symmetric with a zero diagonal; setting bias makes the bias mode 'fixed' */
  setWeights(weights: { weight?: Float32Array | ArrayLike<number>; bias?: Float32Array | ArrayLike<number> }): void;
  getPatterns(): { rows: number; size: number; data: Int8Array };
  /** W = 0, b = 0, nothing stored (seed and steps stay) */
  clear(): void;
  save(): Uint8Array;
  free(): void;
}

interface HopfieldCapacityCommon {
  /** alpha = P / N values, each > 0: P = max(1, round(alpha N)) random -1/+1 patterns */
  alphas: number[];
  /** networks per point (default 5) */
  trials?: number;
  /** stored patterns probed per network (default 0 = every one) */
  probes?: number;
  /** fraction of units flipped in each probe, [0, 0.5] (default 0.1) */
  noise?: number;
  rule?: HopfieldRule;
  update?: 'async' | 'sync';
  order?: 'random' | 'sequential';
  temperature?: number;
  maxSweeps?: number;
  seed?: number | bigint;
}
export type HopfieldCapacityOptions = HopfieldCapacityCommon & ({ size: number; sizes?: undefined } | { sizes: number[]; size?: undefined });

export interface HopfieldCapacityPoint {
  readonly size: number;
  readonly alpha: number;
  readonly patterns: number;
  /** mean final overlap with the probed pattern, its standard deviation over probes */
  readonly overlap: number;
  readonly overlapSd: number;
  /** fraction of probes recalled exactly */
  readonly recalled: number;
  readonly bitErrors: number;
  /** fraction of the probed patterns' units that are fixed points */
  readonly stable: number;
  readonly probes: number;
}

export interface HopfieldCapacity {
  readonly rule: HopfieldRule;
  readonly noise: number;
  readonly trials: number;
  /** 0.138: the Hebb rule's capacity at T = 0 as N -> infinity (Amit, Gutfreund & Sompolinsky 1985), the line a chart marks */
  readonly alphaC: number;
  /** one per (size, alpha), sizes in the order given, alphas in the order given */
  readonly points: readonly HopfieldCapacityPoint[];
}

export interface Lab {
  /** a Hopfield network of options.size units, nothing stored */
  createHopfield(options: HopfieldOptions): Hopfield;
  /** rebuilds a network from hop.save() bytes (lab.loadLearner does the same for a kind-4 file) */
  loadHopfield(bytes: Uint8Array | ArrayBuffer): Hopfield;
  /** the capacity curve: mean overlap after recall from noisy stored patterns against alpha = P/N */
  hopfieldCapacity(options: HopfieldCapacityOptions): HopfieldCapacity;
}

// ---- restricted Boltzmann machines and patterns (wasm/rbm.mjs, wasm/patterns.mjs; core/energy/) ----

export type PatternKind = 'bars-and-stripes' | 'digits' | 'random';

/** A set of rows x size values, row-major: what lab.patterns returns and the energy learners take. */
export interface PatternSet {
  readonly rows: number;
  readonly size: number;
  readonly data: Float32Array;
}

/** lab.patterns: 0/1 images, pixel (y, x) of row r at r*size + y*width + x. */
export interface Patterns extends PatternSet {
  readonly kind: PatternKind;
  readonly width: number;
  readonly height: number;
  /** digits only: the digit each row shows (row r shows r mod 10) */
  readonly labels?: Int32Array;
}

export interface PatternOptions {
  /** bars-and-stripes: the side, 1..12 (default 3): all 2^(n+1) - 2 distinct n x n patterns, stripes first */
  n?: number;
  /** digits: how many images (default 10) of the built-in 5 x 7 font */
  count?: number;
  /** digits: the probability that each pixel is flipped, [0, 1] (default 0) */
  noise?: number;
  /** random: rows (default 10) */
  rows?: number;
  /** random: bits per row (default 16) */
  size?: number;
  /** random: the probability of a 1, [0, 1] (default 0.5) */
  p?: number;
  /** digits and random (default 1) */
  seed?: number | bigint;
}

/** rows of visible vectors: a pattern set whose size is the RBM's visible units, or a Float32Array of rows x visible */
export type PatternData = PatternSet | Float32Array;

export type RBMUnits = 'binary' | 'gaussian';
export type RBMMethod = 'cd' | 'pcd';

export interface RBMConfig {
  visible: number;
  hidden: number;
  /** 'binary' (default): 0/1 visibles; 'gaussian': real, unit-variance visibles (scale the data to unit variance per unit) */
  visibleUnits?: RBMUnits;
  /** standard deviation of the initial weights (default 0.01, Hinton's practical guide) */
  initScale?: number;
  seed?: number | bigint;
  /** sets the visible biases from this data: log(p / (1 - p)) per unit (binary), the mean (gaussian) */
  data?: PatternData;
}

export interface RBMTrainerOptions {
  /** 'cd' (default): the chain starts at the data; 'pcd': persistent chains (Tieleman 2008) */
  method?: RBMMethod;
  /** Gibbs steps per update (default 1) */
  k?: number;
  /** default 0.1 */
  learningRate?: number;
  /** SGD momentum, [0, 1) (default 0.5) */
  momentum?: number;
  /** L2 on the weights only, never the biases (default 0.0001) */
  weightDecay?: number;
  /** pcd: persistent chains; 0 (default) = the rows of the first PCD batch. Fixed once they exist. */
  chains?: number;
}

export interface NormalizedRBMTrainerOptions {
  readonly method: RBMMethod;
  readonly k: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly chains: number;
}

export interface RBMTensors {
  /** hidden x visible, row-major: weight[j * visible + i] couples hidden j and visible i */
  weight: Float32Array;
  visibleBias: Float32Array;
  hiddenBias: Float32Array;
}

export interface RBMEvaluation {
  /** -logLikelihood when exact, else reconstructionError */
  loss: number;
  /** the fraction of units the mean-field reconstruction gets within 0.5 */
  accuracy: number;
  /** whether the exact sums are within the 2^24-state limit */
  exact: boolean;
  logLikelihood: number | null;
  logPartition: number | null;
  reconstructionError: number;
  /** null for gaussian visibles */
  pseudoLikelihood: number | null;
  rows: number;
}

export interface RBMTrace {
  /** the reconstruction error */
  loss: number;
  rows: number;
  /** rows x hidden: p(h = 1 | v) */
  hiddenProbabilities: Float32Array;
  /** rows x visible: E[v | h = p(h | v)] */
  reconstructions: Float32Array;
  /** F(v) of each row */
  freeEnergy: Float64Array;
}

/** A restricted Boltzmann machine: a Learner of kind 'rbm' whose batches are pattern sets. */
export interface RBM {
  readonly kind: 'rbm';
  readonly config: { readonly visible: number; readonly hidden: number; readonly visibleUnits: RBMUnits; readonly initScale: number; readonly seed: number | bigint };
  readonly visible: number;
  readonly hidden: number;
  readonly visibleUnits: RBMUnits;
  readonly parameterCount: number;
  /** m of the exact sums' 2^m states */
  readonly exactStatesLog2: number;
  /** exactStatesLog2 <= 24 */
  readonly exact: boolean;
  /** persistent chains (0 before the first PCD step) */
  readonly chains: number;
  getWeights(): RBMTensors;
  /** the gradient the last step applied (weight decay included) */
  getGradients(): RBMTensors;
  setWeights(weights: Partial<Record<keyof RBMTensors, Float32Array | ArrayLike<number>>>): void;
  initVisibleBias(data: PatternData): void;
  /** log Z exactly (throws beyond 2^24 states) */
  logPartition(): number;
  /** mean exact log p(v), nats */
  logLikelihood(data: PatternData): number;
  freeEnergy(v: PatternData): Float64Array;
  /** binary visibles only */
  pseudoLikelihood(data: PatternData): number;
  reconstruct(data: PatternData): { rows: number; error: number; accuracy: number; hiddenProbabilities: Float32Array; reconstructions: Float32Array };
  reconstructionError(data: PatternData): number;
  gradient(data: PatternData, options?: { method?: 'exact' | 'cd'; k?: number; seed?: number | bigint }): RBMTensors;
  /** AIS: betas a count (linear 0..1) or the temperatures themselves */
  estimateLogPartition(options?: { chains?: number; betas?: number | ArrayLike<number>; seed?: number | bigint; data?: PatternData }):
    { logZ: number; stdError: number; chains: number; betas: number };
  sample(options?: { chains?: number; steps?: number; seed?: number | bigint; start?: PatternData }):
    PatternSet & { probabilities: Float32Array; hiddenProbabilities: Float32Array };
  step(batch: PatternData): { loss: number; gradNorm: number; clipped: boolean };
  evaluate(patterns: PatternData): RBMEvaluation;
  trace(batch: PatternData): RBMTrace;
  readonly trainerOptions: NormalizedRBMTrainerOptions;
  setTrainer(options: RBMTrainerOptions): void;
  learningRate: number;
  setLearningRate(lr: number): void;
  readonly steps: number;
  /** file kind 5; { training: false }: the parameters only */
  save(options?: { training?: boolean }): Uint8Array;
  readonly freed: boolean;
  free(): void;
}

/** patternsFromText: your own vectors, one per CSV row (through parseSequences' 'wide' layout). */
export interface TextPatterns extends PatternSet {
  readonly kind: 'text';
  readonly width: number;
  readonly height: number;
  /** every value 0 or 1 (checked when asked for) */
  readonly binary: boolean;
}

/** One vector per CSV row (a header row allowed), every row as many values; binary (default: every
 * value 0 or 1) refuses other values naming the line; width x height (default size x 1) the image. */
export function patternsFromText(text: string, options?: { width?: number; height?: number; binary?: boolean }): TextPatterns;

export interface Lab {
  patterns(kind: PatternKind, options?: PatternOptions): Patterns;
  readonly patternKinds: readonly PatternKind[];
  patternsFromText(text: string, options?: { width?: number; height?: number; binary?: boolean }): TextPatterns;
  createRBM(config: RBMConfig, trainer?: RBMTrainerOptions): RBM;
  loadRBM(bytes: Uint8Array | ArrayBuffer): RBM;
  /** a deep belief net over layers [visible, h1, h2, ...], trained greedily layer by layer */
  createDBN(config: DBNConfig, trainer?: DBNTrainerOptions): DBN;
  loadDBN(bytes: Uint8Array | ArrayBuffer): DBN;
}

// ---- deep belief nets (wasm/dbn.mjs; core/energy/dbn.c) ----

export interface DBNConfig {
  /** layer sizes, the visible one first: 2..16 of them; RBM l joins layers l and l+1 (RBM l's seed is seed + l) */
  layers: number[];
  /** RBM 0's visible units (every other RBM is binary-binary) */
  visibleUnits?: RBMUnits;
  initScale?: number;
  seed?: number | bigint;
  /** sets RBM 0's visible biases from this data */
  data?: PatternData;
}

export interface DBNTrainerOptions extends RBMTrainerOptions {
  /** > 0: dbn.layer moves up by itself after that many updates of the current RBM; 0 (default): by hand */
  stepsPerLayer?: number;
}

/** A deep belief net: a Learner of kind 'dbn' whose step trains the current RBM (greedy, layer by layer). */
export interface DBN {
  readonly kind: 'dbn';
  readonly config: { readonly layers: readonly number[]; readonly visibleUnits: RBMUnits; readonly initScale: number; readonly seed: number | bigint };
  readonly layers: readonly number[];
  /** the RBM the next step trains (0..layers.length-2) */
  layer: number;
  /** updates each RBM has had */
  readonly layerSteps: number[];
  getWeights(): RBMTensors[];
  setWeights(weights: ReadonlyArray<Partial<Record<keyof RBMTensors, ArrayLike<number>>> | null>): void;
  /** mean-field probabilities of one layer (0: the data) */
  up(data: PatternData, layer: number): Float32Array;
  /** up with probabilities, down with expectations */
  reconstruct(data: PatternData): { rows: number; error: number; accuracy: number; reconstructions: Float32Array };
  /** sampling down from the top RBM */
  sample(options?: { chains?: number; steps?: number; seed?: number | bigint }): PatternSet & { probabilities: Float32Array };
  step(batch: PatternData): { loss: number; gradNorm: number; clipped: boolean; layer: number };
  evaluate(patterns: PatternData): { loss: number; accuracy: number; reconstructionError: number; rows: number };
  /** every layer's mean-field probabilities (layers[0] is the batch) and the up-down reconstructions */
  trace(batch: PatternData): { loss: number; rows: number; layers: Float32Array[]; reconstructions: Float32Array };
  readonly trainerOptions: NormalizedRBMTrainerOptions & { readonly stepsPerLayer: number };
  setTrainer(options: DBNTrainerOptions): void;
  learningRate: number;
  setLearningRate(lr: number): void;
  readonly steps: number;
  /** file kind 6; { training: false }: the parameters only */
  save(options?: { training?: boolean }): Uint8Array;
  readonly freed: boolean;
  free(): void;
}

// ---- dynamics: fixed points, Lyapunov exponents, rollout (wasm/dynamics.mjs, core/dynamics/) ----
// The state of a model, in every option and result below: every layer's hidden state h, layer 0
// first, then every layer's cell state c for the cells that have one (LSTM cell, CT-RNN
// potential): [h^0 ... h^{L-1} | c^0 ... c^{L-1}], layers * hiddenSize * (1 or 2) floats. The
// model must step forward in time: one direction, not the FGR LSTM variant. Each call leaves the
// carried state and the gradients as they were; the trace of the last pass is overwritten.

export interface FixedPointOptions {
  /** the constant input: inputSize numbers for dense input (default zeros), a token id for one-hot (default 0) */
  input?: ArrayLike<number> | number;
  /** a count of generated starts (default 64: half sampled from trajectories, half uniform over
   * the box they span), or the starts themselves: a Float32Array of k x stateSize, or k states */
  starts?: number | ArrayLike<number> | ArrayLike<number>[];
  /** the generated starts' seed (default 1) */
  seed?: number | bigint;
  /** q <= tolerance: a fixed point (default 1e-10) */
  tolerance?: number;
  /** tolerance < q <= slowTolerance: a slow point; higher minima are dropped (default 1e-4) */
  slowTolerance?: number;
  /** Adam iterations per start, 0..1000000 (default 1000) */
  maxIterations?: number;
  /** points closer than this (Euclidean) are one (default 1e-3 sqrt(stateSize)) */
  mergeDistance?: number;
  /** Adam's first step size, adapted per start (default 0.01) */
  learningRate?: number;
  /** unstable eigenvectors computed per point, largest |lambda| first (default 8) */
  directions?: number;
  /** Levenberg-Marquardt polishing when stateSize <= 256 (default true) */
  refine?: boolean;
}

/** one distinct fixed or slow point */
export interface FixedPoint {
  state: Float32Array;
  /** 1/2 |F(state) - state|^2 */
  q: number;
  /** q > tolerance: a slow point */
  slow: boolean;
  /** every |lambda| < 1 */
  stable: boolean;
  /** discrete time: stable (every |lambda| < 1), unstable (every |lambda| > 1), saddle (some of
   * each), marginal (none above 1, some exactly 1) */
  type: 'stable' | 'saddle' | 'unstable' | 'marginal';
  /** the Jacobian's eigenvalues at the point, by |lambda| descending (a complex pair +im first) */
  eigenvalues: { re: Float64Array; im: Float64Array };
  /** how many eigenvalues have |lambda| > 1 */
  unstableCount: number;
  /** eigenvectors of the largest unstable eigenvalues (a complex pair once, with +im): unit
   * norm over vector and vectorIm together, largest component real and positive */
  unstableDirections: { re: number; im: number; vector: Float32Array; vectorIm: Float32Array | null }[];
}

export interface LyapunovOptions {
  /** the constant input, as FixedPointOptions.input */
  input?: ArrayLike<number> | number;
  /** steps averaged after the transient, 1..10000000 (default 2000) */
  steps?: number;
  /** steps discarded first (default 500) */
  transient?: number;
  /** independent runs averaged, from uniform random states in [-1, 1] (default 4, at most 64) */
  trajectories?: number;
  /** every run starts here instead (stateSize floats) */
  start?: ArrayLike<number>;
  /** the central differences' step of J v (default 1e-3) */
  epsilon?: number;
  /** the divergence curve's first separation (default 1e-7) */
  perturbation?: number;
  /** the divergence curve's steps (default 200; 0 = none) */
  divergenceSteps?: number;
  /** starts, tangents and the perturbed coordinate (default 1) */
  seed?: number | bigint;
}

export interface LyapunovResult {
  /** the largest exponent, natural log per time step (mean over the runs; -Infinity when a
   * tangent collapses to exactly 0) */
  exponent: number;
  /** each run's */
  exponents: Float64Array;
  /** |a_t - b_t| for t = 0..divergenceSteps: two trajectories from the first run's state after
   * the transient, one coordinate of b moved by perturbation (divergence[0]: after float32 rounding) */
  divergence: Float64Array;
  steps: number;
  transient: number;
}

export interface RolloutOptions {
  /** the teacher-forced inputs (W x inputSize numbers, W >= 1), or W with warmupInputs */
  warmup: ArrayLike<number> | number;
  /** closed-loop outputs to generate, 1..10000000 */
  steps: number;
  /** with warmup = W: inputs of which the first W steps are read */
  warmupInputs?: ArrayLike<number>;
  /** the state to start from (default zeros) */
  state?: ArrayLike<number>;
}

export interface Model {
  /** fixed and slow points of the dynamics at a constant input, distinct, by q ascending */
  fixedPoints(options?: FixedPointOptions): FixedPoint[];
  /** the largest Lyapunov exponent of the constant-input dynamics, natural log per step */
  lyapunov(options?: LyapunovOptions): number;
  /** the same exponent with every trajectory's and the divergence of two nearby trajectories */
  lyapunovAnalysis(options?: LyapunovOptions): LyapunovResult;
  /** closed loop (dense input, linear output, outputSize == inputSize): the output after the
   * warm-up, then after each fed-back output; steps x outputSize */
  rollout(options: RolloutOptions): Float32Array;
}
