// @ts-check
/**
 * names.mjs - every name the engine, the page and the command line share, written once.
 *
 * Owns: the lists whose index is a C enum value (core/rnnlab.h), the gate blocks of each cell,
 * the LSTM variant table (which parts a variant has: the JS twin of core/recurrent/lstm.c's
 * table), the optimizers, the built-in task kinds, the trainer defaults of `lab.train` and the
 * CLI, and the file kinds of saved files (the last byte of the 8-byte magic).
 * Does not own: anything that needs the wasm module. Imports nothing, so every module of wasm/,
 * web/ and cli/ can import it without forming a circle.
 */

// ---- names whose index is the C enum value ----

/** rnnlab_cell */
export const CELLS = Object.freeze(['rnn', 'lstm', 'gru', 'ctrnn', 'esn', 'cfn', 'lsm']);
/** rnnlab_lstm_variant */
export const LSTM_VARIANTS = Object.freeze(['standard', 'vanilla', '1997', 'NIG', 'NFG', 'NOG', 'NIAF', 'NOAF', 'NP', 'CIFG', 'FGR']);
/** rnnlab_activation (rnn and ctrnn) */
export const ACTIVATIONS = Object.freeze(['tanh', 'relu', 'sigmoid']);
/** rnnlab_input_kind */
export const INPUT_KINDS = Object.freeze(['onehot', 'dense']);
/** rnnlab_output_kind */
export const OUTPUT_KINDS = Object.freeze(['softmax', 'sigmoid', 'linear']);
/** rnnlab_init */
export const INITS = Object.freeze(['default', 'uniform', 'glorot', 'orthogonal']);
/** rnnlab_optimizer (the C enum; 'nesterov' below is MOMENTUM with nesterov = 1) */
export const C_OPTIMIZERS = Object.freeze(['sgd', 'momentum', 'rmsprop', 'adam', 'adagrad']);

// ---- names of the JS surface ----

/** every optimizer a trainer accepts */
export const OPTIMIZERS = Object.freeze(['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adagrad']);
/** GRU forms: PyTorch's (reset after the recurrent product) and Cho et al. 2014's (before) */
export const GRU_FORMS = Object.freeze(['pytorch', 'cho']);

/** @type {Readonly<Record<string, readonly string[]>>} gate blocks of the G axis, in PyTorch row order */
export const GATE_NAMES = Object.freeze({
  rnn: Object.freeze(['h']), lstm: Object.freeze(['i', 'f', 'g', 'o']), gru: Object.freeze(['r', 'z', 'n']),
  ctrnn: Object.freeze(['h']), esn: Object.freeze(['h']), cfn: Object.freeze(['theta', 'eta', 'c']), lsm: Object.freeze(['s']),
});
/** The gate names of a cell. @param {string} [cell] @returns {readonly string[]} */
export const gateNamesOf = (cell = 'lstm') => GATE_NAMES[cell] ?? GATE_NAMES.rnn;

/**
 * @typedef {{ inGate: boolean, forgetGate: boolean, outGate: boolean, cifg: boolean, peep: boolean,
 *   fgr: boolean, gAct: 'tanh' | 'id' | 'ssig', hAct: 'tanh' | 'id' | 'ssig' }} LstmParts
 * g/h activation: 'tanh', 'id' (NIAF/NOAF) or 'ssig' (1997's scaled sigmoids).
 */
/** @type {LstmParts} the vanilla LSTM of Greff et al. 2017: every gate, peepholes, tanh */
const VANILLA = Object.freeze({ inGate: true, forgetGate: true, outGate: true, cifg: false, peep: true, fgr: false,
  gAct: 'tanh', hAct: 'tanh' });
/** @type {Readonly<Record<string, Readonly<LstmParts>>>} variant -> what it changes from vanilla */
export const LSTM_PARTS = Object.freeze({
  standard: Object.freeze({ ...VANILLA, peep: false }), // PyTorch's nn.LSTM
  vanilla: VANILLA,
  1997: Object.freeze({ ...VANILLA, forgetGate: false, peep: false, gAct: 'ssig', hAct: 'ssig' }),
  NIG: Object.freeze({ ...VANILLA, inGate: false }),
  NFG: Object.freeze({ ...VANILLA, forgetGate: false }),
  NOG: Object.freeze({ ...VANILLA, outGate: false }),
  NIAF: Object.freeze({ ...VANILLA, gAct: 'id' }),
  NOAF: Object.freeze({ ...VANILLA, hAct: 'id' }),
  NP: Object.freeze({ ...VANILLA, peep: false }),
  CIFG: Object.freeze({ ...VANILLA, cifg: true }),
  FGR: Object.freeze({ ...VANILLA, fgr: true }),
});
/** Which parts an LSTM variant has (a fresh copy). @param {string} [variant] @returns {LstmParts} */
export const lstmParts = (variant = 'standard') => ({ ...(LSTM_PARTS[variant] ?? VANILLA) });

/** LSTM gate blocks whose rows a variant leaves unused (their weights stay 0), with why. */
export const UNUSED_GATES = Object.freeze({
  NIG: Object.freeze({ i: 'unused: i = 1 (NIG)' }),
  NFG: Object.freeze({ f: 'unused: f = 1 (NFG)' }),
  1997: Object.freeze({ f: 'unused: no forget gate (1997)' }),
  NOG: Object.freeze({ o: 'unused: o = 1 (NOG)' }),
  CIFG: Object.freeze({ f: 'unused: f = 1 − i (CIFG)' }),
});

// ---- tasks ----

/** the built-in task kinds of core/tasks (rnnlab_task_name order), then 'csv' (your own sequences) */
export const TASK_KINDS = Object.freeze(['parity', 'addition', 'text', 'reber', 'adding', 'temporal-order',
  'copy', 'reverse', 'decimal-addition', 'dates', 'vanderpol', 'lorenz', 'mackey-glass', 'limit-cycle', 'sine', 'flipflop', 'csv']);
/** the sequence-to-sequence tasks: trained by an encoder-decoder, scored by exact match */
export const SEQ2SEQ_TASKS = Object.freeze(['copy', 'reverse', 'decimal-addition', 'dates']);
/** Attention forms of an encoder-decoder, in rnnlab_attention order (core/rnnlab.h). */
export const ATTENTION_FORMS = Object.freeze(['none', 'additive', 'dot', 'general']);
/** decoding strategies of seq2seq.decode */
export const STRATEGIES = Object.freeze(['greedy', 'beam', 'exhaustive', 'sample']);

// ---- training ----

/** the trainer `lab.train`, the page and the CLI use unless told otherwise */
export const DEFAULT_TRAINER = Object.freeze({ optimizer: 'adam', learningRate: 0.005, clipNorm: 1 });

// ---- files ----

/** Every file the project writes starts with these 7 bytes; the 8th is the kind. */
export const FILE_MAGIC = Object.freeze([0x52, 0x4e, 0x4e, 0x4c, 0x41, 0x42, 0]); // "RNNLAB\0"
/** @type {Readonly<Record<number, string>>} the 8th byte -> the kind of learner the file holds */
export const FILE_KINDS = Object.freeze({ 1: 'model', 2: 'seq2seq', 3: 'seq2seq', // 3: with attention or a bidirectional encoder
  4: 'hopfield', // a Hopfield network (core/energy/hopfield.c)
  5: 'rbm', // a restricted Boltzmann machine (core/energy/rbm.c)
  6: 'dbn', // a deep belief net (core/energy/dbn.c)
  7: 'boltzmann', // a general Boltzmann machine (core/energy/boltzmann.c)
  8: 'ridge', // a ridge readout with its statistics (core/train/ridge.c)
});
/**
 * The kind of an rnnlab file, or null when the bytes are not one (too short or other magic).
 * An unknown kind byte gives 'unknown (N)' so a message can say a newer rnnlab wrote it.
 * @param {Uint8Array} bytes @returns {string | null}
 */
export function fileKind(bytes) {
  if (bytes.length < 8 || FILE_MAGIC.some((b, i) => bytes[i] !== b)) return null;
  return FILE_KINDS[bytes[7]] ?? `unknown (${bytes[7]})`;
}

// ---- the wasm boundary ----

/** bytes of every error-message buffer handed to C (status messages are shorter) */
export const ERRLEN = 256;

// ---- C names in messages ----

/**
 * C field names (core/rnnlab.h) that C messages use -> the names a JS caller writes (the config,
 * option and batch keys of the wrapper). The one table jsNames() reads.
 * @type {Readonly<Record<string, string>>}
 */
export const C_TO_JS_NAMES = Object.freeze({
  // rnnlab_config
  reset_after: 'resetAfter', input_size: 'inputSize', input_kind: 'input', hidden_size: 'hiddenSize',
  output_size: 'outputSize', output_kind: 'output', init_scale: 'initScale', forget_bias: 'forgetBias',
  g_lo: 'gRange', g_hi: 'gRange', h_lo: 'hRange', h_hi: 'hRange', spectral_radius: 'spectralRadius',
  input_scale: 'inputScale', seed_lo: 'seed', seed_hi: 'seed',
  // rnnlab_train_config
  learning_rate: 'learningRate', weight_decay: 'weightDecay', clip_norm: 'clipNorm', clip_value: 'clipValue',
  // rnnlab_batch and the batch functions
  carry_state: 'carryState', batch_size: 'batchSize', target_ids: 'targets', src_length: 'srcLength',
  tgt_length: 'tgtLength', dec_in: 'decIn', dec_tgt: 'decTgt', pred_length: 'predLength',
  // other families' configs
  visible_units: 'visibleUnits', max_sweeps: 'maxSweeps', beam_width: 'beamWidth', max_length: 'maxLength',
});

/**
 * A message from C with its C field names (learning_rate, clip_norm, hidden_size, ...) in the JS
 * names of C_TO_JS_NAMES, so that an Error in JS says what a JS caller writes ('enable clipNorm').
 * Quoted text ('...' or "...": values the caller gave) is left as it is.
 * @param {string} msg @returns {string}
 */
export function jsNames(msg) {
  return msg.split(/('[^']*'|"[^"]*")/).map((part, i) => (i % 2 ? part
    : part.replace(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g, (w) => C_TO_JS_NAMES[w] ?? w))).join('');
}

/** the tasks whose input at step t+1 is the target at step t (autonomous systems): the ones
 * closed-loop training (createTrainer's closedLoop) makes sense for; lab.train refuses the others
 * (a csv task, the user's own trajectories, is left to the user) */
export const CLOSED_LOOP_TASKS = Object.freeze(['vanderpol', 'lorenz', 'mackey-glass', 'limit-cycle']);
