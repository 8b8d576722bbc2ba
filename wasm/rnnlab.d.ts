// rnnlab.d.ts - types of wasm/rnnlab.mjs, the ES-module wrapper of the rnnlab wasm engine.
// Names, shapes and gate orders follow PyTorch; arrays are batch-major float32 / int32.

export type Cell = 'rnn' | 'lstm' | 'gru' | 'ctrnn' | 'esn';
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
  /** B*T*outputSize */
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
  readonly tensors: readonly TensorInfo[];
  readonly gateNames: readonly string[];
  readonly freed: boolean;
  forward(batch: Batch): ForwardResult;
  /** zeroes the gradients, then forward + backward: getGradients() holds exactly this batch's */
  backward(batch: Batch): { loss: number };
  /** {name: Float32Array} in PyTorch layout (row-major), fresh copies */
  getWeights(): Record<string, Float32Array>;
  /** partial objects allowed; names, lengths and finiteness are checked before anything is written */
  setWeights(weights: Record<string, Float32Array | ArrayLike<number>>): void;
  getGradients(): Record<string, Float32Array>;
  /** runs backward on the batch, then returns everything recorded */
  trace(batch: Batch): Trace;
  resetState(): void;
  /** bytes for lab.loadModel; with { trainer } also its optimizer state, for lab.loadTrainer */
  save(options?: { trainer?: Trainer | null }): Uint8Array;
  /** frees the model and its trainers; idempotent */
  free(): void;
}

export interface Trainer {
  readonly model: Model;
  /** current learning rate as stored (float32) */
  readonly learningRate: number;
  readonly config: NormalizedTrainerOptions;
  /** updates applied so far */
  readonly steps: number;
  readonly freed: boolean;
  /** zero_grad, forward, backward, clip, update */
  step(batch: Batch): StepResult;
  setLearningRate(lr: number): void;
  /** idempotent; the model stays */
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
