/* rnnlab.h - the public C API of the rnnlab engine.
 *
 * Owns: configuration structs, status codes, opaque handles for models and trainers, and every
 * function another program (or the wasm export list) may call. Does not own: I/O of any kind,
 * printing, threads or globals; every call reports failure through its return value and a
 * per-handle message (rnnlab_model_error / rnnlab_trainer_error).
 *
 * Conventions
 *   - Sizes: B batch, T time, I input, H hidden, G gate rows (H rnn/ctrnn/esn, 4H lstm, 3H gru),
 *     V output size.
 *   - Batches cross this API batch-major: tokens (B,T), inputs (B,T,I), targets (B,T,V),
 *     outputs (B,T,V). Internally everything is time-major.
 *   - Weights cross this API in PyTorch's names, shapes and gate orders: weight_ih_l{k}[_reverse]
 *     (G,I_k), weight_hh_l{k} (G,H), bias_ih_l{k} (G), bias_hh_l{k} (G), fc.weight (V,D*H),
 *     fc.bias (V). LSTM gates [i f g o], GRU gates [r z n].
 *   - All float32. Every struct field is 4 bytes wide so a JS host can fill it through an
 *     Int32Array/Float32Array pair at fixed indices (see wasm/rnnlab.mjs CONFIG_FIELDS).
 */
#ifndef RNNLAB_H
#define RNNLAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RNNLAB_VERSION "0.1.0"

/* Hard limits: a config beyond these is refused with RNNLAB_EINVAL, never allocated. */
#define RNNLAB_MAX_HIDDEN 4096
#define RNNLAB_MAX_LAYERS 8
#define RNNLAB_MAX_IO (1 << 20)      /* input_size, output_size */
#define RNNLAB_MAX_PARAMS (64 << 20) /* 64 Mi floats = 256 MiB */
#define RNNLAB_MAX_ELEMS (256 << 20) /* B*T*width of any activation buffer */

typedef enum {
  RNNLAB_OK = 0,
  RNNLAB_EINVAL = 1,  /* an argument is out of range or inconsistent */
  RNNLAB_ENOMEM = 2,  /* allocation failed */
  RNNLAB_ENONFINITE = 3, /* NaN or Inf in inputs/targets, or a non-finite loss */
  RNNLAB_EFORMAT = 4, /* a saved model is corrupt, truncated or of another version */
  RNNLAB_ESTATE = 5   /* the call does not fit the object's state */
} rnnlab_status;

const char *rnnlab_status_str(rnnlab_status s);
const char *rnnlab_version(void);

typedef enum { RNNLAB_CELL_RNN = 0, RNNLAB_CELL_LSTM, RNNLAB_CELL_GRU, RNNLAB_CELL_CTRNN, RNNLAB_CELL_ESN, RNNLAB_CELL_CFN, RNNLAB_CELL_LSM } rnnlab_cell;

/* LSTM variants. STANDARD = PyTorch nn.LSTM; VANILLA = Greff et al. 2017 (peepholes);
 * V1997 = Hochreiter & Schmidhuber 1997 (no forget gate, scaled sigmoid squashers);
 * the rest are Greff's ablations of VANILLA. */
typedef enum {
  RNNLAB_LSTM_STANDARD = 0, RNNLAB_LSTM_VANILLA, RNNLAB_LSTM_1997,
  RNNLAB_LSTM_NIG, RNNLAB_LSTM_NFG, RNNLAB_LSTM_NOG, RNNLAB_LSTM_NIAF, RNNLAB_LSTM_NOAF,
  RNNLAB_LSTM_NP, RNNLAB_LSTM_CIFG, RNNLAB_LSTM_FGR,
  RNNLAB_LSTM_VARIANT_COUNT
} rnnlab_lstm_variant;

typedef enum { RNNLAB_ACT_TANH = 0, RNNLAB_ACT_RELU, RNNLAB_ACT_SIGMOID } rnnlab_activation;
typedef enum { RNNLAB_INPUT_ONEHOT = 0, RNNLAB_INPUT_DENSE } rnnlab_input_kind;
typedef enum { RNNLAB_OUTPUT_SOFTMAX = 0, RNNLAB_OUTPUT_SIGMOID, RNNLAB_OUTPUT_LINEAR } rnnlab_output_kind;

/* Initialisation. DEFAULT = PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for every tensor;
 * UNIFORM = U(-init_scale, init_scale); GLOROT = Glorot/Xavier uniform per matrix, zero biases;
 * ORTHOGONAL = Glorot input weights, orthogonal recurrent blocks (one per gate), zero biases.
 * forget_bias is added to the LSTM forget-gate bias_ih after any of these. */
typedef enum { RNNLAB_INIT_DEFAULT = 0, RNNLAB_INIT_UNIFORM, RNNLAB_INIT_GLOROT, RNNLAB_INIT_ORTHOGONAL } rnnlab_init;

typedef struct {
  int32_t cell;          /* rnnlab_cell */
  int32_t variant;       /* rnnlab_lstm_variant (LSTM only) */
  int32_t reset_after;   /* GRU: 1 = PyTorch form, 0 = Cho et al. 2014 */
  int32_t activation;    /* rnn/ctrnn/esn nonlinearity */
  int32_t input_size;    /* I: vocabulary size for one-hot, vector width for dense */
  int32_t input_kind;    /* rnnlab_input_kind */
  int32_t hidden_size;   /* H */
  int32_t layers;        /* L >= 1 */
  int32_t bidirectional; /* 0 or 1 */
  int32_t output_size;   /* V */
  int32_t output_kind;   /* rnnlab_output_kind */
  int32_t init;          /* rnnlab_init */
  float init_scale;      /* UNIFORM half-width (the 1997 experiments: 0.1, 0.2) */
  float forget_bias;     /* added to LSTM forget-gate bias */
  float g_lo, g_hi;      /* 1997 cell-input squasher g(x) = g_lo + (g_hi-g_lo) sigma(x); paper: -2, 2 */
  float h_lo, h_hi;      /* 1997 cell-output squasher h(x) = h_lo + (h_hi-h_lo) sigma(x); paper: -1, 1 */
  float alpha;           /* CT-RNN Euler step dt/tau, ESN leak rate; (0, 1] */
  float spectral_radius; /* ESN reservoir scaling */
  float input_scale;     /* ESN input weight half-width */
  uint32_t seed_lo, seed_hi; /* 64-bit seed */
  int32_t learn_tau;     /* CT-RNN: 1 = a learnable time constant per unit (cells/rnn.c), alpha its initial 1/tau */
} rnnlab_config;

#define RNNLAB_CONFIG_FIELDS 24 /* 4-byte fields in rnnlab_config, checked by a static assert */

void rnnlab_config_default(rnnlab_config *cfg);

/* A batch, batch-major. Exactly one of tokens (one-hot input) / inputs (dense) is set,
 * matching the model's input_kind. For softmax output target_ids is used (-1 = no target at
 * that step); for sigmoid/linear output targets is used. mask (optional) weights each (b,t)
 * step's loss, 0 = ignore; any finite value >= 0 is accepted.
 * carry_state: 1 = start from the final state of the previous forward pass, for truncated BPTT
 * over a stream; 0 = start from zeros. A state belongs to a batch size: when the previous pass had
 * another B (or after rnnlab_model_reset_state) there is none, and the pass starts from zeros. */
typedef struct {
  int32_t batch, length;
  const int32_t *tokens;     /* (B,T) */
  const float *inputs;       /* (B,T,I) */
  const int32_t *target_ids; /* (B,T) */
  const float *targets;      /* (B,T,V) */
  const float *mask;         /* (B,T) or NULL */
  int32_t carry_state;
} rnnlab_batch;

typedef struct rnnlab_model rnnlab_model;
typedef struct rnnlab_trainer rnnlab_trainer;

/* ---- model ---- */

/* Creates a model with initialised weights. On failure *out is NULL and err (if given) holds the
 * message. */
rnnlab_status rnnlab_model_create(const rnnlab_config *cfg, rnnlab_model **out, char *err, size_t errlen);
void rnnlab_model_free(rnnlab_model *m); /* NULL is a no-op */
const char *rnnlab_model_error(const rnnlab_model *m); /* last error message, "" after success */
const rnnlab_config *rnnlab_model_config(const rnnlab_model *m); /* normalised */
int64_t rnnlab_model_param_count(const rnnlab_model *m); /* trainable parameters */
/* Bytes a model holds in its arenas, which: 0 parameters, 1 gradients, 2 activations (sized for
 * the largest batch x length seen so far: regrown only when a larger one arrives, never inside a
 * step of a known shape), 3 carried state and its gradients. 0 for NULL or another which. */
size_t rnnlab_model_arena_bytes(const rnnlab_model *m, int which);
/* Bytes a pass of batch B x length T would add to the arenas (0 when they already fit; the
 * increase at the peak, as new activations are allocated before the old are freed), so a host
 * with a bounded heap (wasm32: 2 GiB) can refuse a pass before anything is allocated. */
double rnnlab_model_pass_bytes(const rnnlab_model *m, int32_t B, int32_t T);
/* Grows the arenas for passes of batch B x length T now (what the first such pass would do),
 * so that a host learns at once whether they fit. RNNLAB_EINVAL beyond RNNLAB_MAX_ELEMS,
 * RNNLAB_ENOMEM when the memory is not there. The weights are untouched, and so is the carried
 * state unless B is larger than every batch so far (then it is dropped, as such a pass drops it). */
rnnlab_status rnnlab_model_reserve(rnnlab_model *m, int32_t B, int32_t T);

/* Forward over the batch. outputs (B,T,V) batch-major, may be NULL; probabilities for
 * softmax/sigmoid, values for linear. loss (may be NULL) = sum over targeted steps of the step
 * loss times its mask weight, divided by the sum of the weights (0 when nothing is targeted).
 * Step losses: cross-entropy -log p[y]; binary cross-entropy summed over V; (1/2)||d-o||^2. */
rnnlab_status rnnlab_model_forward(rnnlab_model *m, const rnnlab_batch *b, float *outputs, float *loss);
/* Forward then backward. The gradient contract, the same for every public backward in C and JS
 * (rnnlab_model_backward, rnnlab_seq2seq_backward, model.backward, s2s.backward, and every family
 * added later): afterwards the gradient arena holds exactly this batch's gradients, dL/dtheta of
 * the batch's loss; whatever it held before is replaced (backward zeroes, then accumulates over
 * time, layers and rows). Accumulating over several batches is the caller's sum of copies. */
rnnlab_status rnnlab_model_backward(rnnlab_model *m, const rnnlab_batch *b, float *loss);
void rnnlab_model_zero_grad(rnnlab_model *m);
void rnnlab_model_reset_state(rnnlab_model *m);
/* The carried state set aside: keep_state copies the carried state (every layer, or "none") into
 * a side buffer the model owns (grown only when a larger state is kept; no allocation per call
 * after that); restore_state makes it the carried state again, exactly (or none). A probe between
 * two truncated-BPTT training steps (trace, generate, score, evaluate) brackets itself with the
 * pair so the training stream continues bit for bit. One level: a second keep replaces the first.
 * keep_state fails only with RNNLAB_ENOMEM. */
rnnlab_status rnnlab_model_keep_state(rnnlab_model *m);
void rnnlab_model_restore_state(rnnlab_model *m);

/* Named tensors in PyTorch layout. idx in [0, tensor_count). */
int rnnlab_model_tensor_count(const rnnlab_model *m);
const char *rnnlab_model_tensor_name(const rnnlab_model *m, int idx); /* NULL if out of range */
int rnnlab_model_tensor_rows(const rnnlab_model *m, int idx);
int rnnlab_model_tensor_cols(const rnnlab_model *m, int idx); /* 1 for vectors */
/* which: 0 = weights, 1 = gradients. out holds rows*cols floats. */
rnnlab_status rnnlab_model_get_tensor(rnnlab_model *m, int idx, int which, float *out);
rnnlab_status rnnlab_model_set_tensor(rnnlab_model *m, int idx, const float *in); /* rejects NaN/Inf */

/* Trace of the last rnnlab_model_backward (or forward: then gradnorm is all zero), batch-major.
 * what: 0 gates (B,T,G) post-activation, 1 cell state (B,T,H) (LSTM c, CT-RNN x; zeros else),
 *       2 hidden (B,T,H), 3 |dL/dh_t| (B,T), 4 outputs (B,T,V) (layer/dir ignored).
 * Returns RNNLAB_ESTATE before any pass. */
typedef enum { RNNLAB_TRACE_GATES = 0, RNNLAB_TRACE_CELL, RNNLAB_TRACE_HIDDEN, RNNLAB_TRACE_GRADNORM, RNNLAB_TRACE_OUTPUTS } rnnlab_trace_what;
rnnlab_status rnnlab_model_trace(rnnlab_model *m, int layer, int dir, int what, float *out);
/* The pass a trace is read from, for probing a model in training: zeroes the gradients, then
 * backward over b (forward only when b has no targets: gradnorm all zero), starting from zeros or,
 * with b->carry_state, from the carried state; and leaves the carried state exactly as it was
 * (rnnlab_model_keep_state / restore_state around the pass). Gradients afterwards are b's. */
rnnlab_status rnnlab_model_trace_pass(rnnlab_model *m, const rnnlab_batch *b, float *loss);
int rnnlab_model_trace_batch(const rnnlab_model *m);  /* B of the last pass, 0 before */
int rnnlab_model_trace_length(const rnnlab_model *m); /* T of the last pass */

/* ---- training ---- */

typedef enum { RNNLAB_OPT_SGD = 0, RNNLAB_OPT_MOMENTUM, RNNLAB_OPT_RMSPROP, RNNLAB_OPT_ADAM, RNNLAB_OPT_ADAGRAD } rnnlab_optimizer;

typedef struct {
  int32_t optimizer;  /* rnnlab_optimizer */
  float learning_rate;
  float momentum;     /* MOMENTUM (and RMSProp's optional momentum is not used) */
  int32_t nesterov;   /* MOMENTUM: Nesterov form */
  float beta1, beta2; /* ADAM; RMSPROP uses beta2 as its decay (alpha in PyTorch) */
  float eps;
  float weight_decay; /* L2 added to the gradient: g += wd * w (PyTorch's weight_decay) */
  float clip_norm;    /* > 0: rescale gradients to this global L2 norm when larger */
  float clip_value;   /* > 0: clamp each gradient element to [-v, v] (after norm clipping) */
  int32_t truncate;   /* > 0: truncated BPTT, chunks of this many steps, state carried */
} rnnlab_train_config;

#define RNNLAB_TRAIN_CONFIG_FIELDS 11

typedef struct {
  float loss;      /* mean over chunks */
  float grad_norm; /* global L2 norm before clipping (largest over chunks) */
  int32_t clipped; /* 1 if any chunk was clipped */
  int32_t chunks;
} rnnlab_step_result;

void rnnlab_train_config_default(rnnlab_train_config *tc);
rnnlab_status rnnlab_trainer_create(rnnlab_model *m, const rnnlab_train_config *tc, rnnlab_trainer **out, char *err, size_t errlen);
void rnnlab_trainer_free(rnnlab_trainer *t);
const char *rnnlab_trainer_error(const rnnlab_trainer *t);
/* zero_grad, forward, backward, clip, update - one call for the whole batch. */
rnnlab_status rnnlab_trainer_step(rnnlab_trainer *t, const rnnlab_batch *b, rnnlab_step_result *r);
rnnlab_status rnnlab_trainer_set_learning_rate(rnnlab_trainer *t, float lr);
int64_t rnnlab_trainer_steps(const rnnlab_trainer *t);
/* Bytes of the trainer's optimizer moments (0, 1 or 2 parameter-sized arrays); 0 for NULL. */
size_t rnnlab_trainer_arena_bytes(const rnnlab_trainer *t);
const rnnlab_train_config *rnnlab_trainer_config(const rnnlab_trainer *t); /* as normalised; NULL for NULL */
/* Closed-loop (free-running) training by BPTT (core/train/closedloop.c), for a model that predicts
 * its next input (the autonomous systems: dense input, linear output, inputSize == outputSize, one
 * direction). warmup > 0: each rnnlab_trainer_step reads the batch's true input for the first
 * warmup steps and the model's own previous output after (y_{t-1} as the input of t), and
 * backpropagates through that feedback (dL/dy_t also gets the gradient of step t+1's input);
 * every step's target counts in the loss. The whole batch is one pass: truncate must be 0, and
 * b->carry_state starts it from the carried state as a teacher-forced step would.
 * warmup = 0: teacher forcing (the default). Refused (RNNLAB_EINVAL, the reason in the trainer's
 * error) for other models, warmup < 0 or > RNNLAB_MAX_ELEMS, or truncate > 0. Saved with the
 * optimizer state. */
rnnlab_status rnnlab_trainer_set_closed_loop(rnnlab_trainer *t, int32_t warmup);
int32_t rnnlab_trainer_closed_loop(const rnnlab_trainer *t); /* warmup, 0 = teacher forcing */

/* ---- decoding ---- */

/* Decoding search (core/decode.c) over any next-token distribution: a model's predictions, or
 * an embedder's next-function that maps a prefix to probabilities (so the search works with
 * someone else's model, and tests run it on hand-made tables).
 *
 *   GREEDY      the most probable token at each step (ties: the lowest id).
 *   BEAM        beam search over log-probabilities, width K = beam_width: at each step the K best
 *               of all one-token extensions of the live hypotheses (ranked by log-probability;
 *               ties: lower parent, then lower token) are kept; an extension by eos is finished
 *               and leaves the beam. The result is the K best finished or full-length hypotheses
 *               by score. K = 1 is greedy; K >= V^(length-1) is exhaustive.
 *   EXHAUSTIVE  the exact best sequences: every sequence is enumerated (a sequence ends at eos or
 *               at `length` tokens). Refused (RNNLAB_EINVAL, the message states both numbers) when
 *               V^length > RNNLAB_DECODE_MAX_EXHAUSTIVE or length > RNNLAB_DECODE_MAX_EXHAUSTIVE_LENGTH.
 *               Returns the beam_width best (usually 1).
 *   SAMPLE      ancestral sampling: token ~ softmax(log p / temperature) over the top_k most
 *               probable tokens (0 = all), from the seeded generator of core/rng.h. Same seed, same
 *               probabilities -> the same sample on every platform (no libm in the draw: exp is
 *               the engine's own k_expf). temperature 0 = argmax.
 *
 * Log-probabilities: a distribution p (V values) is renormalised, log p_v = log(p_v / sum p), with
 * the engine's own logarithm (double precision, no libm, so every platform gives the same bits);
 * p_v = 0 gives -inf, and such a token is never chosen. logProb of a sequence = the sum of its
 * tokens' log-probabilities (eos included), summed in double, reported as float.
 * Score (the ranking of beam and exhaustive): log_prob / lp(n), with GNMT's length penalty
 * lp(n) = ((5 + n) / 6)^alpha (Wu et al. 2016), n = tokens in the sequence including eos,
 * alpha = length_penalty; alpha = 0 ranks by log_prob. Without eos every sequence has n = length.
 * Equal scores are ordered by token sequence (lexicographic, a prefix first).
 */
typedef enum { RNNLAB_DECODE_GREEDY = 0, RNNLAB_DECODE_BEAM, RNNLAB_DECODE_EXHAUSTIVE, RNNLAB_DECODE_SAMPLE } rnnlab_decode_strategy;

#define RNNLAB_DECODE_MAX_EXHAUSTIVE 1000000 /* complete sequences an exhaustive search may enumerate (V^length) */
#define RNNLAB_DECODE_MAX_EXHAUSTIVE_LENGTH 64
#define RNNLAB_DECODE_MAX_BEAM 65536 /* beam_width; also beam_width * V <= RNNLAB_MAX_ELEMS */

typedef struct {
  int32_t strategy;     /* rnnlab_decode_strategy */
  int32_t vocab_size;   /* V >= 1; for rnnlab_model_generate 0 or the model's output_size */
  int32_t length;       /* >= 1: tokens to generate (fewer when eos ends a sequence) */
  int32_t beam_width;   /* K >= 1: BEAM width; EXHAUSTIVE: how many best sequences; else unused */
  int32_t eos;          /* end token in [0, V) (kept as a sequence's last token), or -1 = none */
  float length_penalty; /* alpha in [0, 10] (see Score above) */
  float temperature;    /* SAMPLE: >= 0, finite; 0 = argmax */
  int32_t top_k;        /* SAMPLE: 0 = every token, else only the top_k most probable (ties: lower id) */
  uint32_t seed_lo, seed_hi; /* SAMPLE: 64-bit seed */
} rnnlab_decode_config;

#define RNNLAB_DECODE_CONFIG_FIELDS 10

/* greedy, V = 0 (unset), length 1, K 1, no eos, alpha 0, temperature 1, top_k 0, seed 1 */
void rnnlab_decode_config_default(rnnlab_decode_config *dc);

/* An embedder's distribution: probs (V) receives p(next token | prefix) for the prefix of len
 * tokens (len = 0: the first token). Values must be finite and >= 0 with a positive sum; they are
 * renormalised. A status other than RNNLAB_OK aborts the search and is returned as is. The prefix
 * and probs buffers belong to the search and stay valid only during the call. */
typedef rnnlab_status (*rnnlab_next_fn)(void *ctx, const int32_t *prefix, int32_t len, float *probs);

/* Results (all caller buffers): tokens (K, length) row i = hypothesis i, best first, -1 after its
 * end; lengths (K); log_probs (K); scores (K, may be NULL); *count = rows written: 1 for greedy
 * and sample, at most K for beam and exhaustive (fewer when fewer sequences have p > 0).
 * K = dc->beam_width for BEAM/EXHAUSTIVE, else 1. On failure err holds the message. */
rnnlab_status rnnlab_decode(const rnnlab_decode_config *dc, rnnlab_next_fn next, void *ctx,
                            int32_t *tokens, int32_t *lengths, float *log_probs, float *scores, int32_t *count,
                            char *err, size_t errlen);
/* *log_prob = sum_t log p(tokens[t] | tokens[<t]) under next (len >= 1; -inf when a token has p = 0). */
rnnlab_status rnnlab_decode_score(int32_t vocab_size, rnnlab_next_fn next, void *ctx, const int32_t *tokens,
                                  int32_t len, float *log_prob, char *err, size_t errlen);

/* The same search over a model's predictions. The model must have one-hot input, softmax output,
 * input_size == output_size (its outputs are fed back) and one direction. The prompt (>= 1
 * tokens) is read first in one pass of batch 1, starting from zeros, or with carry_state = 1 from
 * the model's carried state of batch 1 (RNNLAB_ESTATE when there is none); the returned tokens
 * and log-probabilities are those of the continuation only.
 * Each hypothesis keeps its own recurrent state: the live hypotheses are one batch of rows
 * stepped with T = 1 and carried state, reordered by beam parent after each step, so a step costs
 * one T = 1 pass of K rows whatever the length so far.
 * Starting from a given state (the decoder of a sequence-to-sequence model): make that state the
 * model's carried state of batch 1 (a pass with batch 1, or internal.h's state_h / state_c rows
 * with state_B = 1), then call with carry_state = 1 and prompt = { BOS }; every hypothesis starts
 * from a copy of it.
 * Overwrites the model's activations (trace) and leaves it without carried state (the wasm
 * wrapper brackets it with rnnlab_model_keep_state / restore_state, so model.generate leaves the
 * carried state as it was). Errors in rnnlab_model_error. */
rnnlab_status rnnlab_model_generate(rnnlab_model *m, const rnnlab_decode_config *dc, const int32_t *prompt,
                                    int32_t prompt_len, int32_t carry_state, int32_t *tokens, int32_t *lengths,
                                    float *log_probs, float *scores, int32_t *count);
/* *log_prob = log p(tokens | prompt) = sum_t log p(tokens[t] | prompt, tokens[<t]) as
 * rnnlab_model_generate computes it (len >= 1, prompt_len >= 1, carry_state as there), from one
 * forward pass of batch 1 over prompt then tokens; afterwards the model's carried state (batch 1)
 * is the state after the last token, so a stream can be scored piece by piece (model.score in the
 * wasm wrapper keeps and restores the carried state around a call without carry_state). */
rnnlab_status rnnlab_model_score(rnnlab_model *m, const int32_t *prompt, int32_t prompt_len, const int32_t *tokens,
                                 int32_t len, int32_t carry_state, float *log_prob);

/* ---- save / load ---- */

/* Bytes needed to save m (and, when t is not NULL, t's optimizer state and the model's carried
 * state, so that a run saved mid-stream resumes exactly; t must belong to m). */
size_t rnnlab_model_save_size(const rnnlab_model *m, const rnnlab_trainer *t);
rnnlab_status rnnlab_model_save(rnnlab_model *m, const rnnlab_trainer *t, uint8_t *buf, size_t len);
/* Rebuilds a model (bit-exact weights, and the carried state when the data holds one). If the
 * data holds optimizer state and t_out is not NULL, a trainer with that state is created too
 * (else *t_out = NULL). */
rnnlab_status rnnlab_model_load(const uint8_t *buf, size_t len, rnnlab_model **m_out, rnnlab_trainer **t_out, char *err, size_t errlen);

/* ---- sequence to sequence ---- */

/* A batch for an encoder-decoder, batch-major. Sources are left-padded with the PAD symbol
 * (the encoder reads it like any symbol); the decoder reads BOS y1..yn (then PAD) and is trained
 * to output y1..yn EOS (then -1 = no target). Token ids index the source / target vocabularies. */
typedef struct {
  int32_t batch, src_length, tgt_length; /* B, S, U */
  const int32_t *src;     /* (B,S) */
  const int32_t *dec_in;  /* (B,U) */
  const int32_t *dec_tgt; /* (B,U), -1 = no target */
} rnnlab_seq2seq_batch;

typedef struct rnnlab_seq2seq rnnlab_seq2seq;

/* An encoder and a decoder of the same cell settings (cfg: cell, variant, hidden_size, layers,
 * init, seed, ...). The encoder reads one-hot source tokens (input_size = source vocabulary);
 * its final state (every layer, h and c) is the decoder's initial state: the context. The decoder
 * reads one-hot target tokens and predicts the next one (output_size = target vocabulary,
 * softmax). Input/output kinds are set by this call. This is rnnlab_seq2seq_create_attention
 * with RNNLAB_ATTENTION_NONE; cfg.bidirectional = 1 then gives a bidirectional encoder. */
rnnlab_status rnnlab_seq2seq_create(const rnnlab_config *cfg, rnnlab_seq2seq **out, char *err, size_t errlen);
/* Attention (Bahdanau et al. 2014; Luong et al. 2015) over every encoder output. Every form but
 * NONE, and NONE with cfg.bidirectional = 1, is the aligned model (core/attention/):
 *   - the encoder reads each source's symbols only (PAD = token 0 is skipped, wherever it is),
 *     from a zero state, so a row gives the same results in any batch; a source of PAD only is
 *     refused. Its outputs h_j (D*H wide, [forward ; reverse]) are what the decoder attends to.
 *   - the decoder has hidden size Hd = D*H and starts from the encoder's final states
 *     concatenated per layer ([forward ; reverse], h and c).
 *   - ADDITIVE: e_j = v . tanh(W_a s_{u-1} + U_a h_j) (A = Hd), ctx_u = sum_j alpha_j h_j read with
 *     the symbol: decoder input [onehot(y_{u-1}) ; ctx_u], readout from s_u.
 *     DOT: e_j = s_u . h_j; GENERAL: e_j = s_u . (W_a h_j); both read ht_u = tanh(W_c [ctx_u ; s_u]) out.
 *   - alpha_u = softmax over the source's symbols: exactly 0 at PAD positions.
 * Tensors: rnnlab_seq2seq_attention_tensor_*. */
typedef enum { RNNLAB_ATTENTION_NONE = 0, RNNLAB_ATTENTION_ADDITIVE, RNNLAB_ATTENTION_DOT, RNNLAB_ATTENTION_GENERAL } rnnlab_attention;
rnnlab_status rnnlab_seq2seq_create_attention(const rnnlab_config *cfg, int32_t attention, rnnlab_seq2seq **out, char *err,
                                              size_t errlen);
int32_t rnnlab_seq2seq_attention(const rnnlab_seq2seq *s); /* rnnlab_attention; -1 for NULL */
int32_t rnnlab_seq2seq_aligned(const rnnlab_seq2seq *s);   /* 1: the aligned model above */
/* The attention weights of the last forward/backward/step: out (B,U,S) batch-major, row (b,u)
 * over the source positions of b. RNNLAB_ESTATE without attention or before a pass. */
rnnlab_status rnnlab_seq2seq_attention_trace(rnnlab_seq2seq *s, float *out);
/* Where the model looks while writing tokens (len) for src (S): out (len, S) = alpha of each
 * step of the teacher-forced pass BOS, tokens[0..len-2] (the beam's alignment of a hypothesis). */
rnnlab_status rnnlab_seq2seq_align(rnnlab_seq2seq *s, const int32_t *src, int32_t S, int32_t bos, const int32_t *tokens,
                                   int32_t len, float *out);
/* The attention layer's tensors ('W_a', 'U_a', 'v', 'W_c' as the form has them), PyTorch layout;
 * which: 0 weights, 1 gradients. */
int32_t rnnlab_seq2seq_attention_tensor_count(const rnnlab_seq2seq *s);
const char *rnnlab_seq2seq_attention_tensor_name(const rnnlab_seq2seq *s, int32_t i);
int32_t rnnlab_seq2seq_attention_tensor_rows(const rnnlab_seq2seq *s, int32_t i);
int32_t rnnlab_seq2seq_attention_tensor_cols(const rnnlab_seq2seq *s, int32_t i);
rnnlab_status rnnlab_seq2seq_attention_get_tensor(rnnlab_seq2seq *s, int32_t i, int32_t which, float *out);
rnnlab_status rnnlab_seq2seq_attention_set_tensor(rnnlab_seq2seq *s, int32_t i, const float *in);
void rnnlab_seq2seq_free(rnnlab_seq2seq *s);
const char *rnnlab_seq2seq_error(const rnnlab_seq2seq *s);
rnnlab_model *rnnlab_seq2seq_encoder(rnnlab_seq2seq *s); /* owned by s: weights, trace */
rnnlab_model *rnnlab_seq2seq_decoder(rnnlab_seq2seq *s);
int64_t rnnlab_seq2seq_param_count(const rnnlab_seq2seq *s); /* both, without the encoder's unused readout */
/* Teacher-forced pass: outputs (B,U,V) may be NULL; loss as rnnlab_model_forward over the
 * decoder's targeted steps. */
rnnlab_status rnnlab_seq2seq_forward(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, float *outputs, float *loss);
/* Teacher-forced forward and backward; both models' gradient arenas then hold exactly this
 * batch's gradients (the gradient contract of rnnlab_model_backward). */
rnnlab_status rnnlab_seq2seq_backward(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, float *loss);
/* One training step over encoder and decoder together (one optimizer config, gradients clipped
 * by their joint norm). teacher_forcing in [0,1]: the probability that the decoder reads the true
 * previous symbol; otherwise it reads its own previous prediction (argmax), drawn per symbol from
 * the seq2seq's own seeded generator. Creates the optimizer state on first use (from tc; a later
 * call with another tc keeps the state and takes the new learning rate). */
rnnlab_status rnnlab_seq2seq_step(rnnlab_seq2seq *s, const rnnlab_train_config *tc, const rnnlab_seq2seq_batch *b,
                                  float teacher_forcing, rnnlab_step_result *r);
/* Greedy decoding of B sources: out (B,max_len) receives tokens (after the final EOS or at
 * max_len the row stops; the rest is -1), lengths (B) the number of tokens before EOS. */
rnnlab_status rnnlab_seq2seq_greedy(rnnlab_seq2seq *s, const int32_t *src, int32_t B, int32_t S, int32_t bos,
                                    int32_t eos, int32_t max_len, int32_t *out, int32_t *lengths);
/* The optimizer state of the encoder (which = 0) or the decoder (1), owned by s: NULL before the
 * first step (and after a load without optimizer state). rnnlab_trainer_config gives the
 * learning rate, rnnlab_trainer_steps the updates done. */
rnnlab_trainer *rnnlab_seq2seq_trainer(rnnlab_seq2seq *s, int which);
/* Save / load an encoder-decoder (core/serialize.c): the model format's family with its own kind
 * (a seq2seq file given to rnnlab_model_load, or a model file given to rnnlab_seq2seq_load, is
 * refused with RNNLAB_EFORMAT and a message naming the right loader), CRC-32, bit-exact.
 * with_optimizer: also the optimizer state of both halves and the teacher-forcing generator, so
 * training resumes exactly (RNNLAB_ESTATE before the first step). Loading with with_optimizer = 0
 * ignores any optimizer state in the data; the next step then creates a fresh one. */
size_t rnnlab_seq2seq_save_size(const rnnlab_seq2seq *s, int with_optimizer);
rnnlab_status rnnlab_seq2seq_save(rnnlab_seq2seq *s, int with_optimizer, uint8_t *buf, size_t len);
rnnlab_status rnnlab_seq2seq_load(const uint8_t *buf, size_t len, int with_optimizer, rnnlab_seq2seq **out, char *err,
                                  size_t errlen);

/* ---- the ridge readout (core/train/ridge.c) ----
 *
 * Reservoir computing's standard readout: ridge regression in closed form over the top layer's
 * outputs, W = (A + ridge I)^-1 C with A = sum w [x;1][x;1]^T, C = sum w [x;1] y^T in double over
 * every targeted step seen (the bias unregularised). Each step adds a batch and solves again
 * (Cholesky), so the readout is the least-squares fit of everything so far; the rest of the model
 * is untouched (an ESN's readout, or a frozen network's). Linear output only. washout: the first
 * steps of each batch are skipped (the transient), unless the batch carries its state. The ridge
 * borrows its model. */
typedef struct rnnlab_ridge rnnlab_ridge;
rnnlab_status rnnlab_ridge_create(rnnlab_model *m, float ridge, int32_t washout, rnnlab_ridge **out, char *err, size_t errlen);
void rnnlab_ridge_free(rnnlab_ridge *r);
const char *rnnlab_ridge_error(const rnnlab_ridge *r);
/* forward over b, add its statistics, solve; r->loss = b's loss under the new readout */
rnnlab_status rnnlab_ridge_step(rnnlab_ridge *r, const rnnlab_batch *b, rnnlab_step_result *res);
rnnlab_status rnnlab_ridge_solve(rnnlab_ridge *r);
rnnlab_status rnnlab_ridge_set(rnnlab_ridge *r, float ridge); /* and solve again when data was seen */
float rnnlab_ridge_value(const rnnlab_ridge *r);
int32_t rnnlab_ridge_washout(const rnnlab_ridge *r);
int64_t rnnlab_ridge_steps(const rnnlab_ridge *r);
double rnnlab_ridge_weight(const rnnlab_ridge *r); /* the sum of the weights of the steps seen */
/* Save / load the model with the ridge's statistics (file kind 8): loading gives a new model and
 * a ridge over it that continues exactly. */
size_t rnnlab_ridge_save_size(const rnnlab_ridge *r);
rnnlab_status rnnlab_ridge_save(rnnlab_ridge *r, uint8_t *buf, size_t len);
rnnlab_status rnnlab_ridge_load(const uint8_t *buf, size_t len, rnnlab_model **m_out, rnnlab_ridge **r_out, char *err, size_t errlen);

/* ---- tasks ---- */

/* Tasks (core/tasks/): seeded generators of training batches in the engine's formats, each with
 * its own scorer and success criterion. Names (rnnlab_task_name): parity, addition, text, reber,
 * adding, temporal-order, copy, reverse, decimal-addition, dates, and the dynamical systems
 * vanderpol, lorenz, mackey-glass, limit-cycle, sine, flipflop (core/tasks/systems.c: RK4
 * trajectories, one-step prediction with teacher forcing; its header has every constant); what
 * each generates, and where it follows or leaves Hochreiter & Schmidhuber 1997, is in each task's
 * own file under core/tasks/.
 *
 * Options: "key=value,key=value" (NULL or "" = defaults; unknown keys, repeated keys and bad
 * values are refused with a message naming the key). Keys (rnnlab_task_option_keys lists each
 * task's):
 *   seed        training stream seed, 0..2^64-1 (default 1); evaluation has its own seed
 *   length      nominal length of a training batch: parity/addition: the longest row (bits);
 *               adding/temporal-order: T (rows are T..T+T/10); reber: the longest string;
 *               text: the BPTT chunk; copy/reverse: the longest source; decimal-addition: the
 *               most digits of an operand
 *   minLength   the shortest row of a training batch (rows are uniform in minLength..length)
 *   evalLength  the criterion's test length (parity 100, addition 64, seq2seq 10/10/3; default
 *               for the others: length; text: the evaluation chunk, 256)
 *   evalCount   the criterion's number of test sequences (text: characters, default all)
 *   target      the criterion: accuracy >= target (parity 0.99, seq2seq 0.99, others 1)
 *   mode        parity: running (target at every step, default) | final (at the end only)
 *   variant     temporal-order: a (experiment 6a, default) | b (6b)
 *   symbols     copy/reverse: alphabet size 2..26 (default 8)
 *   corpus      text: grammar (the generated corpus; the default when no text bytes are given)
 *   chars       text: size of the generated corpus (default 100000)
 *   vocab       text: vocabulary cap including the unknown symbol, 2..4096 (default 256)
 *   holdout     text: held-out fraction at the end of the text (default 0.1)
 *   mu          vanderpol: x'' - mu (1 - x^2) x' + x = 0, 0..10 (default 1)
 *   tau         mackey-glass: the delay, a multiple of 0.1 in 1..100 (default 17)
 *   omega       limit-cycle: angular speed of the Hopf cycle, 0.1..10 (default 1)
 *   transient   vanderpol, lorenz, mackey-glass, limit-cycle: time units discarded before a row
 *               (default 20, 5, 500, 0)
 *   horizon     the same four: closed-loop predictions evaluate makes after the teacher-forced
 *               steps, 0..10000 (default 200; lorenz 552 = 10 Lyapunov times; mackey-glass 1000)
 *   tolerance   the four and sine: a step is right when ||output - target|| < tolerance (0.05)
 *   segments    sine: pieces of constant frequency per row, 1..1000 (default 1)
 *   bits        flipflop: channels, 1..16 (default 3)
 *   pulse       flipflop: probability of a pulse per step and channel, (0, 1] (default 0.05)
 * Defaults and criteria: parity length 16, evalLength 100, evalCount 1000, target 0.99;
 * addition length 8, evalLength 64, evalCount 1000; reber evalCount 256 (all strings right);
 * adding T = 100, evalCount 2560 (all |error| < 0.04); temporal-order L = 100, evalCount 2560;
 * the systems length 200 (sine 50, flipflop 100), evalCount 64 (sine, flipflop 256), target 0.99 of
 * steps within tolerance (mackey-glass 0.95: a row's first steps precede a delay's memory;
 * flipflop: of bits with the right sign).
 */
typedef struct rnnlab_task rnnlab_task;

/* What a task needs of a model, and its criterion. Every field 4 bytes. */
typedef struct {
  int32_t input_size;      /* I: the model's inputSize */
  int32_t input_kind;      /* rnnlab_input_kind */
  int32_t output_size;     /* V: the model's outputSize */
  int32_t output_kind;     /* rnnlab_output_kind the task's targets fit (sigmoid and linear both
                              take float targets) */
  int32_t is_seq2seq;      /* 1: rnnlab_task_seq2seq_batch; source and target vocabulary = vocab_size */
  int32_t vocab_size;      /* symbols including the specials below (= input_size for plain tasks) */
  int32_t pad_id, bos_id, eos_id, unk_id; /* special symbols, -1 when absent */
  int32_t length;          /* default length of rnnlab_task_batch */
  int32_t min_length;
  int32_t max_length;      /* largest length batch and evaluate accept */
  int32_t eval_length;     /* the criterion: eval_count fresh sequences of eval_length ... */
  int32_t eval_count;      /* (text: characters of the held-out split, 0 = all) */
  float target_accuracy;   /* ... scored accuracy >= target_accuracy */
  int32_t train_chars, heldout_chars; /* text: split sizes in characters; else 0 */
  uint32_t seed_lo, seed_hi;          /* the training stream seed */
} rnnlab_task_info;

#define RNNLAB_TASK_INFO_FIELDS 20
#define RNNLAB_NGRAM_ORDERS 5

/* An evaluation. Every field 4 bytes. */
typedef struct {
  float loss;          /* mean loss per targeted step (evaluate: as the model computes it) */
  float accuracy;      /* the task's criterion: the fraction of sequences entirely right (parity,
                          addition, reber, adding, temporal order; exact match for seq2seq);
                          text: next-character accuracy; systems: of steps within tolerance
                          (flipflop: of bits with the right sign) */
  float step_accuracy; /* the fraction of targeted steps right */
  float bpc;           /* text: the model's bits per character on the held-out split */
  float max_error;     /* adding, the systems: the largest |output - target| */
  int32_t sequences;   /* sequences scored */
  int32_t steps;       /* targeted steps scored (text: characters) */
  int32_t solved;      /* accuracy >= target_accuracy; text: bpc below every n-gram baseline */
  float ngram_bpc[RNNLAB_NGRAM_ORDERS]; /* text: interpolated Witten-Bell n-gram baselines, orders
                          1..5, counted on the training split, scored on the same characters.
                          The systems (core/tasks/systems.c): [0] RMSE, [1] the RMSE of predicting
                          each channel's mean, then from evaluate's closed loop [2] the RMSE over
                          the horizon, [3] valid steps (normalised error <= 0.4), [4] those in
                          Lyapunov times (lorenz, mackey-glass at tau 17); NaN where undefined */
} rnnlab_task_result;

#define RNNLAB_TASK_RESULT_FIELDS 13

int rnnlab_task_count(void);
const char *rnnlab_task_name(int idx);        /* NULL out of range */
const char *rnnlab_task_option_keys(int idx); /* "seed,length,..." for task idx; NULL out of range */

/* Creates a task. text (UTF-8, any bytes; copied) is for 'text' only: without it 'text' uses the
 * generated corpus. On failure *out is NULL and err (if given) holds the message. */
rnnlab_status rnnlab_task_create(const char *name, const char *options, const uint8_t *text, size_t text_len,
                                 rnnlab_task **out, char *err, size_t errlen);
void rnnlab_task_free(rnnlab_task *t); /* NULL is a no-op */
const char *rnnlab_task_error(const rnnlab_task *t); /* last error message, "" after success */
const rnnlab_task_info *rnnlab_task_get_info(const rnnlab_task *t);
const char *rnnlab_task_get_name(const rnnlab_task *t);
/* Restarts the training stream (random draws and text streams) from the seed. */
void rnnlab_task_reset(rnnlab_task *t);
/* UTF-8 name of input (which = 0) or output (which = 1) symbol id: "0"/"1", "10" (a=1, b=0),
 * "B", "X", "Q", a text character, "<pad>", ...; NULL out of range. Valid until the next call. */
const char *rnnlab_task_symbol(rnnlab_task *t, int which, int id);

/* The next training batch from the task's own stream, in task-owned buffers valid until the
 * next call (or free). length 0 = the task's length. Rows of different lengths are padded at
 * the end (tokens/inputs 0, target ids -1, float targets 0, mask 0); mask is 1 at every targeted
 * step. text: B parallel streams, carry_state = 1 between consecutive calls with the same B and
 * length (see core/tasks/). Sequence-to-sequence tasks: RNNLAB_ESTATE. */
rnnlab_status rnnlab_task_batch(rnnlab_task *t, int32_t B, int32_t length, rnnlab_batch *out);
/* The largest B rnnlab_task_batch accepts for length (0 = the task's length): text: the training
 * split holds B streams of at least 2 (length + 1) characters each, B = floor(train_chars /
 * (2 (length + 1))) (0: the text is too short for one); every task also within the batch limits
 * (B <= 2^20, B * row * width <= RNNLAB_MAX_ELEMS). -1 with the message in rnnlab_task_error for
 * a bad length or a sequence-to-sequence task. */
int32_t rnnlab_task_max_batch(rnnlab_task *t, int32_t length);

/* Evaluates m on count fresh sequences of length (0, 0 = the task's criterion) generated from
 * seed (a stream separate from training: the same seed gives the same test set), scored by the
 * task's criterion. Parity and addition test at exactly `length`; adding, temporal order and
 * reber draw lengths as in training. text: the held-out split as one stream in chunks of
 * `length` with carried state (count 0 = all of it), plus the n-gram baselines; seed unused.
 * The model's input/output must fit rnnlab_task_get_info. Leaves the model's carried state
 * exactly as it was (rnnlab_model_keep_state / restore_state), so evaluating between two
 * truncated-BPTT training steps does not disturb the training stream. Sequence-to-sequence tasks: RNNLAB_ESTATE ("needs a seq2seq model"). */
rnnlab_status rnnlab_task_evaluate(rnnlab_task *t, rnnlab_model *m, int32_t count, int32_t length, uint64_t seed,
                                   rnnlab_task_result *r);
/* Scores outputs (B,T,V) (probabilities, or values for float targets) against a batch of this
 * task (targeted steps: mask > 0, else target id >= 0) with the task's criterion. loss: mean
 * cross-entropy (nats) for class targets, mean (1/2)||o - d||^2 for float targets. */
rnnlab_status rnnlab_task_score(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, rnnlab_task_result *r);

/* Sequence-to-sequence tasks (copy, reverse, decimal-addition): the vocabulary is PAD = 0,
 * BOS = 1, EOS = 2, then the symbols (rnnlab_task_symbol). */
/* The next training batch (task-owned buffers, valid until the next call). */
rnnlab_status rnnlab_task_seq2seq_batch(rnnlab_task *t, int32_t B, int32_t length, rnnlab_seq2seq_batch *out);
/* count held-out pairs at exactly length (0, 0 = the criterion) from seed, in task-owned buffers
 * separate from the training batch's, valid until the next rnnlab_task_seq2seq_eval. */
rnnlab_status rnnlab_task_seq2seq_eval(rnnlab_task *t, int32_t count, int32_t length, uint64_t seed,
                                       rnnlab_seq2seq_batch *out);
/* Exact match of predictions against ref (a batch of this task): pred (ref->batch, pred_length)
 * row-major; a row ends at its first EOS or negative token (or at pred_length). A row is right
 * when it ends right after exactly y1..yn. step_accuracy: positions y1..yn EOS predicted right. */
rnnlab_status rnnlab_task_seq2seq_score(rnnlab_task *t, const rnnlab_seq2seq_batch *ref, const int32_t *pred,
                                        int32_t pred_length, rnnlab_task_result *r);


/* ---- sequence to sequence with decoding and tasks ---- */

/* Decodes one source (S tokens) with any strategy of rnnlab_decode: the encoder's final state
 * starts every hypothesis of the decoder, whose first input is bos. Results as rnnlab_decode
 * (tokens (K, dc->length), best first; dc->eos ends a hypothesis). */
rnnlab_status rnnlab_seq2seq_decode(rnnlab_seq2seq *s, const int32_t *src, int32_t S, int32_t bos,
                                    const rnnlab_decode_config *dc, int32_t *tokens, int32_t *lengths,
                                    float *log_probs, float *scores, int32_t *count);
/* Exact match on count held-out pairs of a sequence-to-sequence task at length (0 = the task's
 * criterion), from seed: greedy decoding when beam_width <= 1, else beam search of that width
 * (one source at a time). r->loss is the teacher-forced loss on the same pairs. */
rnnlab_status rnnlab_seq2seq_evaluate(rnnlab_seq2seq *s, rnnlab_task *t, int32_t count, int32_t length, uint64_t seed,
                                      int32_t beam_width, rnnlab_task_result *r);

/* ---- Boltzmann machines and the Ising model (core/energy/boltzmann.c, core/energy/ising.c) ---- */

/* A Boltzmann machine (Ackley, Hinton & Sejnowski 1985): n = V + H fully connected stochastic
 * binary units, units 0..V-1 visible, V..n-1 hidden. States are 0/1 (not +-1). A symmetric weight
 * matrix W with zero diagonal and biases b give the energy and the distribution
 *   E(s) = -1/2 s^T W s - b^T s = -sum_{i<j} w_ij s_i s_j - sum_i b_i s_i,   p(s) = e^{-E(s)} / Z
 * and Gibbs sampling at temperature T sets s_i = 1 with probability sigmoid((b_i + sum_j w_ij s_j) / T).
 * Parameters: the n(n-1)/2 weights w_ij (i < j) packed row by row, then the n biases, in one
 * parameter arena (train/optimizer.h) trained by optimizer_apply on the gradient of the mean
 * negative log-likelihood of the visible data,
 *   d(-log p(v))/dw_ij = <s_i s_j>_model - <s_i s_j>_data,   d/db_i = <s_i>_model - <s_i>_data
 * (data: visible units clamped to a data row, hidden units from p(h | v)). Two ways to get them:
 *   EXACT    both phases by enumerating states: the model phase all 2^n, the clamped phase 2^H per
 *            data row, weighted in double with a stable log-sum-exp. Refused (RNNLAB_EINVAL) when
 *            n > RNNLAB_BOLTZMANN_MAX_EXACT: "n = 24 units: exact enumeration needs 2^24 states,
 *            the limit is 2^20". The exact log-likelihood and log Z have the same limit.
 *   SAMPLED  the clamped phase by Gibbs sampling the hidden units of each data row (from a random
 *            start), the free phase by persistent chains (Tieleman 2008) of all units that carry
 *            over from step to step; `sweeps` sweeps per phase and update, the statistics averaged
 *            over the last ceil(sweeps / 2) sweeps. A sweep updates every free unit once, in index
 *            order. Learning is at T = 1.
 * Randomness: the machine's own generator (seeded at create, saved with it), used by the initial
 * weights and the sampled phases only; rnnlab_boltzmann_sample and the pseudo-log-likelihood take
 * their own seed and leave it untouched. Initial weights: w_ij ~ 0.01 x (sum of 12 uniforms - 6),
 * about N(0, 0.01^2) (Irwin-Hall, no libm); biases 0. */
typedef struct rnnlab_boltzmann rnnlab_boltzmann;

#define RNNLAB_BOLTZMANN_MAX_UNITS 2048 /* n = visible + hidden */
#define RNNLAB_BOLTZMANN_MAX_EXACT 20   /* exact enumeration up to 2^20 states */
#define RNNLAB_BOLTZMANN_MAX_SWEEPS 100000
#define RNNLAB_BOLTZMANN_MAX_CHAINS 65536

typedef enum { RNNLAB_BOLTZMANN_EXACT = 0, RNNLAB_BOLTZMANN_SAMPLED = 1 } rnnlab_boltzmann_method;

/* How a step gets its gradient. Every field 4 bytes. */
typedef struct {
  int32_t method; /* rnnlab_boltzmann_method */
  int32_t sweeps; /* SAMPLED: Gibbs sweeps per phase per update, 1..RNNLAB_BOLTZMANN_MAX_SWEEPS */
  int32_t chains; /* SAMPLED: persistent free-phase chains, 1..RNNLAB_BOLTZMANN_MAX_CHAINS */
} rnnlab_boltzmann_learn_config;

#define RNNLAB_BOLTZMANN_LEARN_FIELDS 3

/* exact, 10 sweeps, 32 chains */
void rnnlab_boltzmann_learn_config_default(rnnlab_boltzmann_learn_config *lc);
/* The optimizer a new machine starts with: SGD, learning rate 0.1, no momentum, decay or clipping. */
void rnnlab_boltzmann_train_config_default(rnnlab_train_config *tc);

/* visible >= 1, hidden >= 0, visible + hidden <= RNNLAB_BOLTZMANN_MAX_UNITS. */
rnnlab_status rnnlab_boltzmann_create(int32_t visible, int32_t hidden, uint32_t seed_lo, uint32_t seed_hi,
                                      rnnlab_boltzmann **out, char *err, size_t errlen);
void rnnlab_boltzmann_free(rnnlab_boltzmann *bm); /* NULL is a no-op */
const char *rnnlab_boltzmann_error(const rnnlab_boltzmann *bm); /* last error message, "" after success */
int32_t rnnlab_boltzmann_visible(const rnnlab_boltzmann *bm);
int32_t rnnlab_boltzmann_hidden(const rnnlab_boltzmann *bm);
int32_t rnnlab_boltzmann_param_count(const rnnlab_boltzmann *bm); /* n(n-1)/2 + n */
/* which 0: weights, 1: gradients of the last backward/step (0 before). weight (n,n) row-major,
 * symmetric with zero diagonal; bias (n), visible units first. Either may be NULL. */
rnnlab_status rnnlab_boltzmann_get_weights(rnnlab_boltzmann *bm, int32_t which, float *weight, float *bias);
/* weight (n,n) must be finite, symmetric (w_ij == w_ji; -0 equals 0, the upper triangle is
 * kept) with a zero diagonal; bias (n) finite.
 * Either may be NULL (kept). Checked whole before anything changes. */
rnnlab_status rnnlab_boltzmann_set_weights(rnnlab_boltzmann *bm, const float *weight, const float *bias);
/* out (rows) = E(s) of each full state (rows, n) of 0/1, in double. */
rnnlab_status rnnlab_boltzmann_energy(rnnlab_boltzmann *bm, const float *states, int32_t rows, double *out);
/* *out = log Z = log sum_s e^{-E(s)} over all 2^n states (exact, double). */
rnnlab_status rnnlab_boltzmann_log_partition(rnnlab_boltzmann *bm, double *out);
/* out (rows) = F(v_r) = -log sum_h e^{-E(v_r, h)}, the free energy of each data row (rows, V), so
 * p(v) = e^{-F(v)} / Z; exact, refused when hidden > RNNLAB_BOLTZMANN_MAX_EXACT (any visible). */
rnnlab_status rnnlab_boltzmann_free_energy(rnnlab_boltzmann *bm, const float *data, int32_t rows, double *out);
/* *out = (1/rows) sum_r log p(v_r), v_r = data row r (rows, V) of 0/1, in nats: exact, with
 * p(v) = sum_h e^{-E(v,h)} / Z. */
rnnlab_status rnnlab_boltzmann_log_likelihood(rnnlab_boltzmann *bm, const float *data, int32_t rows, double *out);
/* *out = (1/rows) sum_r sum_i log p(v_ri | v_r,-i, h_r): the visible units' pseudo-log-likelihood
 * given a hidden state h_r drawn by `sweeps` Gibbs sweeps of the hidden units with v_r clamped
 * (from a random start, generator seeded by seed; exact for H = 0). Any size. */
rnnlab_status rnnlab_boltzmann_pseudo_log_likelihood(rnnlab_boltzmann *bm, const float *data, int32_t rows,
                                                     int32_t sweeps, uint32_t seed_lo, uint32_t seed_hi, double *out);
/* Gibbs sampling at temperature T > 0: `chains` chains of all units, `sweeps` sweeps each (>= 0),
 * from init (chains, n) of 0/1 when not NULL, else from random states; out (chains, n) receives
 * the final states (out may be init). Its own generator, seeded by seed. */
rnnlab_status rnnlab_boltzmann_sample(rnnlab_boltzmann *bm, int32_t chains, int32_t sweeps, float temperature,
                                      uint32_t seed_lo, uint32_t seed_hi, const float *init, float *out);
/* The optimizer (tc, checked as rnnlab_trainer_create does) and method (lc) of the next steps.
 * After the first step the optimizer state is kept when only the learning rate changed, and
 * started afresh otherwise; a new chain count restarts the chains. */
rnnlab_status rnnlab_boltzmann_set_trainer(rnnlab_boltzmann *bm, const rnnlab_train_config *tc,
                                           const rnnlab_boltzmann_learn_config *lc);
const rnnlab_train_config *rnnlab_boltzmann_train_config(const rnnlab_boltzmann *bm);
const rnnlab_boltzmann_learn_config *rnnlab_boltzmann_learn_config_of(const rnnlab_boltzmann *bm);
rnnlab_status rnnlab_boltzmann_set_learning_rate(rnnlab_boltzmann *bm, float lr);
double rnnlab_boltzmann_steps(const rnnlab_boltzmann *bm); /* updates applied (a double: exact to 2^53) */
/* The gradient of the batch's mean negative log-likelihood by the configured method; afterwards the
 * gradient arena holds exactly this batch's gradient (the gradient contract of
 * rnnlab_model_backward). *loss: EXACT the batch's mean negative log-likelihood (nats); SAMPLED the
 * negative pseudo-log-likelihood of the visible units given the clamped phase's hidden samples
 * (nats per row). advance 0: the persistent chains and the generator are left as they were (a
 * trace); 1: they move on (what a step does). Data (rows, V) of 0/1. */
rnnlab_status rnnlab_boltzmann_backward(rnnlab_boltzmann *bm, const float *data, int32_t rows, int32_t advance,
                                        float *loss);
/* The phases' statistics of the last backward/step: which 0 data (clamped), 1 model (free); out
 * (n,n) symmetric, <s_i s_j> off the diagonal, <s_i> on it. RNNLAB_ESTATE before any. */
rnnlab_status rnnlab_boltzmann_statistics(rnnlab_boltzmann *bm, int32_t which, float *out);
/* backward with advance = 1, then one update of the arena (clipping by the train config). loss as
 * backward; grad_norm the gradient's global L2 norm before clipping; chunks 1. Creates the
 * optimizer state on first use. */
rnnlab_status rnnlab_boltzmann_step(rnnlab_boltzmann *bm, const float *data, int32_t rows, rnnlab_step_result *r);
/* Save / load (file kind 7, "RNNLAB\0\7", CRC-32; the format is described in boltzmann.c): the
 * weights, the train and learn configs, the steps, the generator, the persistent chains and the
 * optimizer state when there is one, so a loaded machine continues bit for bit. */
size_t rnnlab_boltzmann_save_size(const rnnlab_boltzmann *bm);
rnnlab_status rnnlab_boltzmann_save(rnnlab_boltzmann *bm, uint8_t *buf, size_t len);
rnnlab_status rnnlab_boltzmann_load(const uint8_t *buf, size_t len, rnnlab_boltzmann **out, char *err, size_t errlen);

/* The 2-D Ising model: a Boltzmann machine without hidden units or learning, on an L x L periodic
 * square lattice of spins s = +-1 (not 0/1), each bonded to its 4 neighbours:
 *   E(s) = -J sum_<ij> s_i s_j - h sum_i s_i   (each of the 2 L^2 bonds counted once)
 * Samplers, at temperature T > 0, one sweep = L^2 single-spin updates:
 *   METROPOLIS  at L^2 sites drawn uniformly at random, flip s_i with probability min(1, e^{-dE/T}),
 *               dE = 2 s_i (J sum_nb s_j + h) (in typewriter order Metropolis can lock into a cycle
 *               of free flips: ising.c)
 *   HEATBATH    in typewriter order, s_i = +1 with probability 1 / (1 + e^{-2 (J sum_nb s_j + h) / T})
 *               (Glauber)
 * Per site: magnetisation m = (1/N) sum s_i, energy e = E / N, N = L^2. For J = 1, h = 0 the
 * infinite lattice orders below Onsager's T_c = 2 / ln(1 + sqrt 2) = 2.269185 (RNNLAB_ISING_TC):
 * |m| = (1 - sinh(2/T)^-4)^(1/8) there, 0 above. */
typedef struct rnnlab_ising rnnlab_ising;

#define RNNLAB_ISING_MIN_SIZE 2
#define RNNLAB_ISING_MAX_SIZE 2048
#define RNNLAB_ISING_MAX_EXACT_SITES 20 /* exact enumeration: L^2 <= 20 (L <= 4, 2^16 states) */
#define RNNLAB_ISING_TC 2.26918531421302196811 /* 2 / ln(1 + sqrt 2), for J = 1 */

typedef enum { RNNLAB_ISING_METROPOLIS = 0, RNNLAB_ISING_HEATBATH = 1 } rnnlab_ising_method;

/* A measurement at one temperature. Every field 4 bytes. Errors are one standard error of the mean
 * by batch means (the sweeps split into `blocks` consecutive blocks; so autocorrelation within a
 * block does not make the error bar too small); 0 for exact results. */
typedef struct {
  float temperature;
  float abs_magnetization, abs_magnetization_error; /* <|m|> */
  float magnetization, magnetization_error;         /* <m> */
  float energy, energy_error;                       /* <e> */
  float susceptibility; /* N (<m^2> - <|m|>^2) / T */
  float specific_heat;  /* N (<e^2> - <e>^2) / T^2 */
  float acceptance;     /* fraction of single-spin updates that changed a spin (0 exact) */
  int32_t sweeps;       /* measured sweeps (0 exact) */
} rnnlab_ising_result;

#define RNNLAB_ISING_RESULT_FIELDS 11

/* L in RNNLAB_ISING_MIN_SIZE..RNNLAB_ISING_MAX_SIZE, J and h finite; start 0: random spins from
 * the seed, 1: all +1, -1: all -1. The seed also drives every sweep. */
rnnlab_status rnnlab_ising_create(int32_t L, float J, float h, int32_t start, uint32_t seed_lo, uint32_t seed_hi,
                                  rnnlab_ising **out, char *err, size_t errlen);
void rnnlab_ising_free(rnnlab_ising *is); /* NULL is a no-op */
const char *rnnlab_ising_error(const rnnlab_ising *is);
int32_t rnnlab_ising_size(const rnnlab_ising *is); /* L */
/* spins (L*L) row-major, +-1 */
rnnlab_status rnnlab_ising_get_spins(rnnlab_ising *is, int8_t *out);
rnnlab_status rnnlab_ising_set_spins(rnnlab_ising *is, const int8_t *in); /* every value +-1, checked first */
double rnnlab_ising_magnetization(const rnnlab_ising *is); /* m per site of the current lattice */
double rnnlab_ising_energy(const rnnlab_ising *is);        /* e per site of the current lattice */
/* `sweeps` (>= 1) sweeps at T; *acceptance (may be NULL) = fraction of updates that changed a spin. */
rnnlab_status rnnlab_ising_sweep(rnnlab_ising *is, float temperature, int32_t sweeps, int32_t method, float *acceptance);
/* burn_in sweeps (>= 0), then `sweeps` sweeps measured after each (sweeps >= blocks >= 2). */
rnnlab_status rnnlab_ising_measure(rnnlab_ising *is, float temperature, int32_t method, int32_t burn_in,
                                   int32_t sweeps, int32_t blocks, rnnlab_ising_result *r);
/* The exact averages at T by enumerating all 2^(L^2) states (L^2 <= RNNLAB_ISING_MAX_EXACT_SITES). */
rnnlab_status rnnlab_ising_exact(rnnlab_ising *is, float temperature, rnnlab_ising_result *r);

/* ---- hopfield (core/energy/hopfield.c) ---- */

/* Hopfield networks (Hopfield 1982): N units s_i in {-1, +1}, symmetric weights W with a zero
 * diagonal, biases b, energy E(s) = -1/2 s^T W s - b^T s (computed in double).
 *
 * Storage (rnnlab_hopfield_store), one pattern x at a time, in order:
 *   HEBB     W_ij += (1/N) x_i x_j                                   (i != j)
 *   STORKEY  W_ij += (1/N) (x_i x_j - x_i h_ji - h_ij x_j),  h_ij = sum_{k != i,j} W_ik x_k
 *            (Storkey 1997; with the zero diagonal h_ij = h_i - W_ij x_j, h_i = sum_k W_ik x_k,
 *            so a pattern costs O(N^2): W_ij += (1/N)(x_i x_j - (x_i h_j + h_i x_j) + 2 W_ij))
 * W stays exactly symmetric with a zero diagonal. Biases: NONE (b = 0), MEAN (b_i = the mean of
 * x_i over every stored pattern, recomputed after each store) or FIXED (set by
 * rnnlab_hopfield_set_weights; stores leave it alone).
 *
 * Dynamics (rnnlab_hopfield_recall), from a state of -1, +1 and 0 (unknown, a partial pattern):
 * the field of unit i is f_i = sum_j W_ij s_j + b_i.
 *   T = 0: s_i = sign(f_i); f_i = 0 keeps s_i (an unknown unit becomes +1).
 *   T > 0: Glauber: s_i = +1 with probability sigmoid(2 f_i / T), else -1.
 *   ASYNC      one unit at a time, a fresh random order each sweep (from the recall's seed);
 *   SEQUENTIAL one unit at a time, 0..N-1; SYNC every unit at once from the previous state.
 * A sweep is N unit updates (async) or one parallel update (sync). The run stops after a sweep
 * that changed nothing (converged; period 1), at a 2-cycle of synchronous T = 0 dynamics (a state
 * equal to the one two sweeps back: with symmetric W nothing else can follow; period 2), or after
 * max_sweeps. With T = 0 and the zero diagonal an asynchronous update never raises E (a flip
 * changes it by -|2 f_i|). The recorded energy trace has 1 + updates entries: E of the start, then
 * E after every unit update (async: N per sweep, whether or not the unit changed) or every sweep
 * (sync), each updated incrementally in double and stored as float.
 *
 * Where a recall lands (rnnlab_hopfield_classify; tolerance = units allowed to differ):
 *   PATTERN  the state is stored pattern index[0];  NEGATION  it is -x^index[0];
 *   MIXTURE  it is sign(sign[0] x^a + sign[1] x^b + sign[2] x^c) for three distinct stored
 *            patterns a < b < c (index[0..2]);
 *   SPURIOUS none of these; index[0] is the nearest stored pattern (largest |overlap|);
 *   NONE     nothing is stored.
 * distance = the units that differ from the state named (SPURIOUS: from the nearest pattern or
 * its negation, whichever is closer). Overlaps m_mu = (1/N) x^mu . s.
 */
#define RNNLAB_HOPFIELD_MIN_SIZE 2
#define RNNLAB_HOPFIELD_MAX_SIZE 4096          /* W is 4096 x 4096 floats = 64 MiB */
#define RNNLAB_HOPFIELD_MAX_STORED (1 << 26)   /* patterns x size of the stored copy (int8) */
#define RNNLAB_HOPFIELD_MAX_SWEEPS 1000000
#define RNNLAB_HOPFIELD_MAX_TRACE (1 << 24)     /* updates a recorded recall may run (max_sweeps x N async, max_sweeps sync) */
#define RNNLAB_HOPFIELD_ALPHA_C 0.138          /* Amit, Gutfreund & Sompolinsky 1985 (Hebb, T = 0) */

typedef enum { RNNLAB_HOPFIELD_HEBB = 0, RNNLAB_HOPFIELD_STORKEY } rnnlab_hopfield_rule;
typedef enum { RNNLAB_HOPFIELD_BIAS_NONE = 0, RNNLAB_HOPFIELD_BIAS_MEAN, RNNLAB_HOPFIELD_BIAS_FIXED } rnnlab_hopfield_bias;
typedef enum { RNNLAB_HOPFIELD_ASYNC = 0, RNNLAB_HOPFIELD_SEQUENTIAL, RNNLAB_HOPFIELD_SYNC } rnnlab_hopfield_update;
typedef enum {
  RNNLAB_HOPFIELD_LANDED_NONE = 0, RNNLAB_HOPFIELD_LANDED_PATTERN, RNNLAB_HOPFIELD_LANDED_NEGATION,
  RNNLAB_HOPFIELD_LANDED_MIXTURE, RNNLAB_HOPFIELD_LANDED_SPURIOUS
} rnnlab_hopfield_landed;

typedef struct rnnlab_hopfield rnnlab_hopfield;

/* Every field 4 bytes (rnnlab_hopfield_layout gives the offsets to a JS host). */
typedef struct {
  int32_t update;        /* rnnlab_hopfield_update */
  float temperature;     /* T >= 0, finite */
  int32_t max_sweeps;    /* 1..RNNLAB_HOPFIELD_MAX_SWEEPS */
  uint32_t seed_lo, seed_hi; /* the random order and Glauber coins */
  int32_t record;        /* 1: keep the energy trace and the flips (rnnlab_hopfield_trace_*) */
  int32_t tolerance;     /* units allowed to differ when classifying the final state, 0..N */
} rnnlab_hopfield_recall_config;

typedef struct {
  int32_t landed;        /* rnnlab_hopfield_landed */
  int32_t index[3];      /* see above; -1 when unused */
  int32_t sign[3];       /* +-1 for the patterns named, 0 when unused */
  int32_t distance;
} rnnlab_hopfield_landing;

typedef struct {
  int32_t sweeps;        /* sweeps run */
  int32_t converged;     /* 1: the last sweep changed nothing */
  int32_t period;        /* 1 converged, 2 a synchronous 2-cycle, 0 neither (max_sweeps reached) */
  int32_t updates;       /* unit updates (async) or sweeps (sync): entries after the first of the trace */
  int32_t flips;         /* unit changes */
  float energy;          /* E(final state) from scratch, double rounded to float */
  rnnlab_hopfield_landing landing; /* the final state, classified with the config's tolerance */
} rnnlab_hopfield_recall_result;

/* evaluation of recall from corrupted copies of patterns */
typedef struct {
  float overlap;         /* mean final overlap with the uncorrupted pattern */
  float overlap_sd;      /* its standard deviation over the probes */
  float recalled;        /* fraction of probes that ended exactly on their pattern */
  float bit_errors;      /* mean fraction of units that differ from the pattern at the end */
  float stable;          /* fraction of the probed patterns' units that are fixed points (T = 0, before any probe) */
  int32_t probes;
} rnnlab_hopfield_evaluation;

/* a capacity sweep (rnnlab_hopfield_capacity); every field 4 bytes */
typedef struct {
  int32_t size;          /* N */
  int32_t rule;          /* rnnlab_hopfield_rule */
  int32_t trials;        /* independent networks per alpha, >= 1 */
  int32_t probes;        /* stored patterns probed per network (0 = every one) */
  int32_t update;        /* recall dynamics (rnnlab_hopfield_update) */
  int32_t max_sweeps;
  float noise;           /* fraction of units flipped in each probe, in [0, 0.5] (exactly round(noise N) units) */
  float temperature;
  uint32_t seed_lo, seed_hi;
} rnnlab_hopfield_capacity_config;

typedef struct {
  float alpha;           /* as asked */
  int32_t patterns;      /* P = max(1, round(alpha N)) */
  rnnlab_hopfield_evaluation eval; /* over trials x probes recalls */
} rnnlab_hopfield_capacity_point;

/* size in RNNLAB_HOPFIELD_MIN_SIZE..MAX_SIZE, rule and bias (NONE or MEAN) as above; seed = the
 * default recall seed. W = 0, b = 0, nothing stored. On failure *out is NULL and err holds the message. */
rnnlab_status rnnlab_hopfield_create(int32_t size, int32_t rule, int32_t bias, uint32_t seed_lo, uint32_t seed_hi,
                                     rnnlab_hopfield **out, char *err, size_t errlen);
void rnnlab_hopfield_free(rnnlab_hopfield *h); /* NULL is a no-op */
const char *rnnlab_hopfield_error(const rnnlab_hopfield *h); /* last error message */
int32_t rnnlab_hopfield_size(const rnnlab_hopfield *h);
int32_t rnnlab_hopfield_get_rule(const rnnlab_hopfield *h);
int32_t rnnlab_hopfield_bias_mode(const rnnlab_hopfield *h);
int32_t rnnlab_hopfield_stored(const rnnlab_hopfield *h); /* P */
int32_t rnnlab_hopfield_steps(const rnnlab_hopfield *h);  /* store calls that stored something */
void rnnlab_hopfield_seed(const rnnlab_hopfield *h, uint32_t *lo_hi); /* [lo, hi] */
/* Stores rows patterns (rows, N) row-major, every value exactly -1 or +1 (checked before anything
 * changes: a bad value leaves the net as it was). rows >= 1. */
rnnlab_status rnnlab_hopfield_store(rnnlab_hopfield *h, const float *patterns, int32_t rows);
/* W = 0, nothing stored, b = 0 and the bias mode of creation; the seed and steps stay. */
void rnnlab_hopfield_clear(rnnlab_hopfield *h);
/* weight (N,N) and bias (N), either may be NULL. */
rnnlab_status rnnlab_hopfield_get_weights(const rnnlab_hopfield *h, float *weight, float *bias);
/* Replaces W (when weight is not NULL: finite, exactly symmetric, zero diagonal) and/or b (when
 * bias is not NULL: finite; the bias mode becomes FIXED). The stored patterns stay (overlaps are
 * still measured against them, and later stores add to the new W). */
rnnlab_status rnnlab_hopfield_set_weights(rnnlab_hopfield *h, const float *weight, const float *bias);
/* out (P,N): the stored patterns, +-1. */
rnnlab_status rnnlab_hopfield_get_patterns(const rnnlab_hopfield *h, int8_t *out);
/* E(state) in double; state (N) of -1, 0, +1. */
rnnlab_status rnnlab_hopfield_energy(rnnlab_hopfield *h, const float *state, double *out);
/* Runs the dynamics from state (N: -1, 0, +1) into out (N, +-1, may alias nothing); overlaps (P, may be
 * NULL) = m_mu of the final state. With rc->record the trace is kept (rnnlab_hopfield_trace_*). */
rnnlab_status rnnlab_hopfield_recall(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc, const float *state,
                                     int8_t *out, float *overlaps, rnnlab_hopfield_recall_result *r);
/* The last recorded recall: 1 + updates energies; flips as (flips, 3) rows [k, unit, value]: unit
 * changed to value (+-1) in update k (energy[k] is E after it), in order. Replaying the flips from
 * the start state gives the state after every update. Valid until the next recall with record = 1 or free. */
const float *rnnlab_hopfield_trace_energy(const rnnlab_hopfield *h);
const int32_t *rnnlab_hopfield_trace_flips(const rnnlab_hopfield *h);
/* Overlaps (P) of a state (N: -1, 0, +1) with every stored pattern. */
rnnlab_status rnnlab_hopfield_overlaps(rnnlab_hopfield *h, const float *state, float *out);
/* What a state (N, +-1) is, as rnnlab_hopfield_recall_result.landing. */
rnnlab_status rnnlab_hopfield_classify(rnnlab_hopfield *h, const float *state, int32_t tolerance, rnnlab_hopfield_landing *out);
/* For rows states (rows, N: -1, 0, +1): fields (rows, N, may be NULL) f_i = (W s)_i + b_i, energies
 * (rows, may be NULL) E(s), *unstable (may be NULL) = units that a T = 0 update would change (an
 * unknown unit always counts). states NULL: the stored patterns (rows ignored, P rows). */
rnnlab_status rnnlab_hopfield_stability(rnnlab_hopfield *h, const float *states, int32_t rows, float *fields,
                                        float *energies, int32_t *unstable);
/* A corrupted copy of state (N: -1, 0, +1): exactly round(flip N) units, distinct, drawn from the
 * seed, change sign (0 stays 0), then exactly round(erase N) of the others become 0 (unknown).
 * flip, erase in [0, 1], flip + erase <= 1. */
rnnlab_status rnnlab_hopfield_corrupt(rnnlab_hopfield *h, const float *state, float flip, float erase, uint32_t seed_lo,
                                      uint32_t seed_hi, int8_t *out);
/* Recall from a corrupted copy of each of rows patterns (rows, N, +-1; NULL = the stored ones):
 * probe r flips round(noise N) units and erases round(erase N) (rnnlab_hopfield_corrupt), then
 * recalls with rc (record ignored); seeds of probe r derived from rc's seed and r. */
rnnlab_status rnnlab_hopfield_evaluate(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc, const float *patterns,
                                       int32_t rows, float noise, float erase, rnnlab_hopfield_evaluation *out);
/* The capacity curve: for each alpha (n_alphas of them, alpha > 0), trials networks of c->size
 * units, each storing P = max(1, round(alpha N)) random +-1 patterns (fair coins) with c->rule and
 * probed by recall from c->noise-corrupted copies of its first probes patterns (0 = all P). Point
 * (N, P, trial) is drawn from the seed, N, P and the trial only, so it does not depend on the other
 * alphas asked. out: n_alphas points. */
rnnlab_status rnnlab_hopfield_capacity(const rnnlab_hopfield_capacity_config *c, const float *alphas, int32_t n_alphas,
                                       rnnlab_hopfield_capacity_point *out, char *err, size_t errlen);
/* Save / load (file kind 4, CRC-32, bit-exact: W, b, stored patterns, modes, seed, steps). Another
 * kind of rnnlab file is refused with RNNLAB_EFORMAT and a message naming its loader. */
size_t rnnlab_hopfield_save_size(const rnnlab_hopfield *h);
rnnlab_status rnnlab_hopfield_save(rnnlab_hopfield *h, uint8_t *buf, size_t len);
rnnlab_status rnnlab_hopfield_load(const uint8_t *buf, size_t len, rnnlab_hopfield **out, char *err, size_t errlen);
/* Struct layouts for a JS host: what 0 recall_config, 1 recall_result, 2 evaluation,
 * 3 capacity_config, 4 capacity_point; field < 0: sizeof; else the byte offset of the field-th
 * 4-byte word (-1 past the end). */
int32_t rnnlab_hopfield_layout(int32_t what, int32_t field);
/* ---- restricted Boltzmann machines (core/energy/rbm.c) ---- */

/* A restricted Boltzmann machine (Smolensky 1986; Hinton 2002): V visible and H hidden units,
 * weights W (H,V) row-major, visible biases b (V), hidden biases c (H), in one parameter arena
 * trained by SGD with momentum (train/optimizer.h) from contrastive-divergence gradients.
 *   binary visibles:   E(v,h) = -b.v - c.h - h^T W v,            v in {0,1}^V, h in {0,1}^H
 *   gaussian visibles: E(v,h) = |v - b|^2 / 2 - c.h - h^T W v,   v in R^V (unit variance)
 * Initialisation (Hinton 2010, "A practical guide to training RBMs", section 8): W ~ N(0,
 * init_scale^2) (0.01), b = c = 0; rnnlab_rbm_init_visible_bias sets b_i = log(p_i / (1 - p_i))
 * from the data's proportions p_i (clamped to [0.001, 0.999]) for binary visibles, b_i = the
 * data's mean for Gaussian ones (which expects data scaled to unit variance per unit).
 * Data everywhere: rows x V floats, row-major; binary visibles take exactly 0 or 1, Gaussian any
 * finite value; anything else is refused (RNNLAB_EINVAL / RNNLAB_ENONFINITE naming the element).
 * Exact quantities (log Z, log-likelihood, the exact gradient) sum over the 2^m states of the
 * smaller layer in closed form over the other (Gaussian: always over the hidden layer, the
 * Gaussian integral over v in closed form), in double with a streaming log-sum-exp; m is
 * rnnlab_rbm_exact_log2; refused (RNNLAB_EINVAL, the message names 2^m and the limit) when m >
 * RNNLAB_RBM_MAX_EXACT_LOG2. Random numbers only from core/rng.h: the RBM's seed drives the
 * initial weights and (salted) the training stream; AIS, sampling and the CD gradient probe
 * take their own seed and leave the training stream alone. */
typedef struct rnnlab_rbm rnnlab_rbm;

typedef enum { RNNLAB_RBM_BINARY = 0, RNNLAB_RBM_GAUSSIAN } rnnlab_rbm_units;
typedef enum { RNNLAB_RBM_CD = 0, RNNLAB_RBM_PCD } rnnlab_rbm_method;

#define RNNLAB_RBM_MAX_UNITS (1 << 20)  /* visible, hidden; also H*V + V + H <= RNNLAB_MAX_PARAMS */
#define RNNLAB_RBM_MAX_EXACT_LOG2 24    /* exact sums over at most 2^24 = 16777216 states */
#define RNNLAB_RBM_MAX_K 100000         /* Gibbs steps of CD-k / PCD-k, sampling and AIS steps */
#define RNNLAB_RBM_MAX_CHAINS (1 << 20) /* persistent chains, AIS chains, sampling chains */

typedef struct {
  int32_t visible;       /* V in 1..RNNLAB_RBM_MAX_UNITS */
  int32_t hidden;        /* H in 1..RNNLAB_RBM_MAX_UNITS */
  int32_t visible_units; /* rnnlab_rbm_units */
  float init_scale;      /* standard deviation of the initial weights, finite, >= 0 (0.01) */
  uint32_t seed_lo, seed_hi;
} rnnlab_rbm_config;
#define RNNLAB_RBM_CONFIG_FIELDS 6

/* Training options. The update is torch.optim.SGD with momentum (dampening 0) over the whole
 * arena, with the weight decay (L2, Hinton's "weight-cost") added to the weights' gradient only,
 * never to the biases (the guide, section 10): g_W += weight_decay * W. */
typedef struct {
  int32_t method;      /* rnnlab_rbm_method: CD-k (Hinton 2002) or persistent CD (Tieleman 2008) */
  int32_t k;           /* Gibbs steps per update, 1..RNNLAB_RBM_MAX_K */
  float learning_rate; /* > 0 */
  float momentum;      /* [0, 1) */
  float weight_decay;  /* >= 0 */
  int32_t chains;      /* PCD: persistent chains; 0 = as many as the rows of the first PCD step */
} rnnlab_rbm_train_config;
#define RNNLAB_RBM_TRAIN_FIELDS 6

/* V 0, H 0 (must be set), binary, init_scale 0.01, seed 1 */
void rnnlab_rbm_config_default(rnnlab_rbm_config *c);
/* CD-1, learning rate 0.1, momentum 0.5, weight decay 0.0001, chains 0 (the guide's starting values) */
void rnnlab_rbm_train_config_default(rnnlab_rbm_train_config *tc);

rnnlab_status rnnlab_rbm_create(const rnnlab_rbm_config *c, rnnlab_rbm **out, char *err, size_t errlen);
void rnnlab_rbm_free(rnnlab_rbm *r); /* NULL is a no-op */
const char *rnnlab_rbm_error(const rnnlab_rbm *r); /* last error message, "" after success */
const rnnlab_rbm_config *rnnlab_rbm_get_config(const rnnlab_rbm *r);
/* The struct layout for a host that fills the structs field by field (wasm/rbm.mjs): what 0
 * rnnlab_rbm_config, 1 rnnlab_rbm_train_config; field < 0: sizeof; else the offset of the
 * field-th member, -1 past the last. */
int32_t rnnlab_rbm_layout(int32_t what, int32_t field);

/* Tensors: which 0 weight (H,V) row-major, 1 visible bias (V), 2 hidden bias (H).
 * grads 0: the parameters; 1: the gradient the last step applied (d(-log p)/dtheta as estimated,
 * weight decay included), zeros before the first step. set rejects NaN/Inf. */
rnnlab_status rnnlab_rbm_get(rnnlab_rbm *r, int32_t which, int32_t grads, float *out);
rnnlab_status rnnlab_rbm_set(rnnlab_rbm *r, int32_t which, const float *in);
rnnlab_status rnnlab_rbm_init_visible_bias(rnnlab_rbm *r, const float *data, int32_t rows);
/* out (V): the visible biases rnnlab_rbm_init_visible_bias would set from data (AIS's base rates) */
rnnlab_status rnnlab_rbm_base_rates(rnnlab_rbm *r, const float *data, int32_t rows, float *out);

/* The options of the next steps (validated; momentum buffer, chains and generator are kept).
 * A changed chains count once the persistent chains exist is refused (RNNLAB_ESTATE). */
rnnlab_status rnnlab_rbm_set_train_config(rnnlab_rbm *r, const rnnlab_rbm_train_config *tc);
const rnnlab_rbm_train_config *rnnlab_rbm_get_train_config(const rnnlab_rbm *r);
/* One update from the mini-batch data (rows x V): positive statistics from the data with hidden
 * probabilities; negative ones from a Gibbs chain of k steps started at the data (CD) or
 * continued from the persistent chains (PCD, initialised from the rows of the first PCD batch,
 * cycled), visibles sampled, hidden probabilities at the end (the guide, section 3). r->loss is
 * the mean-field reconstruction error of the batch before the update (rnnlab_rbm_reconstruct),
 * grad_norm the L2 norm of the applied gradient, clipped 0, chunks 1. */
rnnlab_status rnnlab_rbm_step(rnnlab_rbm *r, const float *data, int32_t rows, rnnlab_step_result *res);
double rnnlab_rbm_steps(const rnnlab_rbm *r);  /* updates applied (exact below 2^53); 0 for NULL */
int32_t rnnlab_rbm_chains(const rnnlab_rbm *r); /* persistent chains, 0 before the first PCD step */

/* m of the exact sums: min(V, H) for binary visibles, H for Gaussian ones. */
int32_t rnnlab_rbm_exact_log2(const rnnlab_rbm *r);
/* log Z exactly (cached until the parameters change). */
rnnlab_status rnnlab_rbm_log_partition(rnnlab_rbm *r, double *out);
/* mean over rows of log p(v) = -F(v) - log Z, nats (a log density for Gaussian visibles) */
rnnlab_status rnnlab_rbm_log_likelihood(rnnlab_rbm *r, const float *data, int32_t rows, double *out);
/* out (rows): the free energy F(v) = -log sum_h exp(-E(v,h)), in double */
rnnlab_status rnnlab_rbm_free_energy(rnnlab_rbm *r, const float *data, int32_t rows, double *out);
/* binary visibles only: mean over rows of sum_i log p(v_i | v_-i) (Besag 1975), every unit, exact */
rnnlab_status rnnlab_rbm_pseudo_likelihood(rnnlab_rbm *r, const float *data, int32_t rows, double *out);
/* Mean-field reconstruction, deterministic (no sampling): hidden (rows,H) = p(h = 1 | v),
 * recon (rows,V) = E[v | h = hidden] (sigmoid for binary visibles, b + W^T h for Gaussian ones);
 * either may be NULL. error = mean over rows and units of (v - recon)^2; accuracy = the fraction
 * of units with |v - recon| < 0.5. Either may be NULL. */
rnnlab_status rnnlab_rbm_reconstruct(rnnlab_rbm *r, const float *data, int32_t rows, float *hidden, float *recon,
                                     double *error, double *accuracy);
/* The gradient of the mean negative log-likelihood of data, without weight decay, in the arena
 * layout (H*V weights, V visible biases, H hidden biases): k = 0 exact (enumeration, within the
 * limit above); k > 0 the CD-k estimate from a generator seeded here (the training stream and
 * the parameters are untouched). */
rnnlab_status rnnlab_rbm_gradient(rnnlab_rbm *r, const float *data, int32_t rows, int32_t k, uint32_t seed_lo,
                                  uint32_t seed_hi, float *out);
/* Annealed importance sampling of log Z (Neal 2001; Salakhutdinov & Murray 2008) from the
 * base-rate RBM A (W = 0, c = 0, visible biases base_bias, or the RBM's own b when NULL)
 * through p_k(v) ~ exp((1-beta_k) b_A.v + beta_k b.v) prod_j (1 + exp(beta_k (W_j v + c_j)))
 * (Gaussian: the visible terms are those of the interpolated energy), betas[0] = 0 < ... <=
 * betas[nbetas] = 1 (nbetas + 1 values; NULL: linear), chains >= 2 independent runs, each with
 * one Gibbs transition per intermediate distribution. logz = log Z_A + log mean_i exp(w_i);
 * std_error = the delta-method standard error of that log mean: sd(exp(w - max)) / (sqrt(N) *
 * mean(exp(w - max))). */
rnnlab_status rnnlab_rbm_ais(rnnlab_rbm *r, int32_t chains, int32_t nbetas, const double *betas, const float *base_bias,
                             uint32_t seed_lo, uint32_t seed_hi, double *logz, double *std_error);
/* Block Gibbs sampling: chains rows started at start (chains x V) or, when NULL, at a sample
 * of the visible biases alone; steps >= 1 sweeps h ~ p(h|v), v ~ p(v|h). visible (chains,V) the
 * last sample, probs (chains,V) the last E[v|h], hidden (chains,H) p(h = 1 | last v); probs and
 * hidden may be NULL. */
rnnlab_status rnnlab_rbm_sample(rnnlab_rbm *r, int32_t chains, int32_t steps, const float *start, uint32_t seed_lo,
                                uint32_t seed_hi, float *visible, float *probs, float *hidden);

/* Save / load (file kind 5, "RNNLAB\0\5", CRC-32; the layout is at the top of core/energy/rbm.c).
 * with_training: also the training options, the momentum buffer and update count, the training
 * generator and the persistent chains, so training resumes bit for bit; 0: parameters only (a
 * load then starts from default training options). */
size_t rnnlab_rbm_save_size(const rnnlab_rbm *r, int32_t with_training);
rnnlab_status rnnlab_rbm_save(rnnlab_rbm *r, int32_t with_training, uint8_t *buf, size_t len);
rnnlab_status rnnlab_rbm_load(const uint8_t *buf, size_t len, rnnlab_rbm **out, char *err, size_t errlen);

/* ---- patterns (core/energy/patterns.c) ---- */

/* Binary pattern sets for the energy family, generated from seeds (rows x size, 0/1 floats,
 * row-major; a pattern is an image of height x width, size = width * height):
 *   BARS_AND_STRIPES  every n x n image whose rows are all equal (bars: vertical lines) or whose
 *                     columns are all equal (stripes: horizontal lines), each once: 2^(n+1) - 2
 *                     patterns (MacKay 2003, ch. 43), stripes first (row masks 0..2^n-1, bit y =
 *                     row y on), then the bars that are not also stripes (column masks 1..2^n-2).
 *   DIGITS            count images of the digits 0-9 (row r shows digit r mod 10, the label) in
 *                     the built-in 5 x 7 bitmap font, each pixel flipped with probability noise.
 *   RANDOM            rows x size independent bits, each 1 with probability p.
 */
typedef enum { RNNLAB_PATTERNS_BARS_AND_STRIPES = 0, RNNLAB_PATTERNS_DIGITS, RNNLAB_PATTERNS_RANDOM } rnnlab_patterns_kind;

#define RNNLAB_PATTERNS_MAX_BAS_N 12
#define RNNLAB_DIGIT_WIDTH 5
#define RNNLAB_DIGIT_HEIGHT 7

typedef struct {
  int32_t kind;   /* rnnlab_patterns_kind */
  int32_t n;      /* bars-and-stripes: side, 1..RNNLAB_PATTERNS_MAX_BAS_N (default 3) */
  int32_t count;  /* digits: images, >= 1 (default 10) */
  float noise;    /* digits: flip probability in [0, 1] (default 0) */
  int32_t rows;   /* random: rows >= 1 (default 10) */
  int32_t size;   /* random: bits per row >= 1 (default 16) */
  float p;        /* random: probability of a 1, in [0, 1] (default 0.5) */
  uint32_t seed_lo, seed_hi; /* digits, random (default 1) */
} rnnlab_patterns_config;
#define RNNLAB_PATTERNS_CONFIG_FIELDS 9

void rnnlab_patterns_config_default(rnnlab_patterns_config *pc);
/* The shape of the set pc describes (rows x width*height floats); also validates pc. */
rnnlab_status rnnlab_patterns_shape(const rnnlab_patterns_config *pc, int32_t *rows, int32_t *width, int32_t *height,
                                    char *err, size_t errlen);
/* Writes the set into data (rows x size) and, when labels is not NULL, each row's label
 * (digits: the digit; bars-and-stripes: 0 stripe, 1 bar; random: -1). Same config, same bits. */
rnnlab_status rnnlab_patterns_generate(const rnnlab_patterns_config *pc, float *data, int32_t *labels, char *err,
                                       size_t errlen);
/* The struct layout, as rnnlab_rbm_layout: field < 0 sizeof, else the field-th member's offset. */
int32_t rnnlab_patterns_layout(int32_t field);

/* ---- deep belief nets (core/energy/dbn.c) ---- */

/* A deep belief net (Hinton, Osindero & Teh 2006): layer sizes n_0 (visible), n_1, ..., n_{L-1},
 * a stack of L-1 RBMs, RBM l joining layer l (its visibles) and layer l+1. RBM 0's visibles are
 * binary or Gaussian; every other RBM is binary-binary. RBM l is created with seed + l (so a DBN
 * of two layers is, bit for bit, the RBM of the same seed). The generative model: the top RBM is
 * an undirected prior over layers L-2 and L-1; below it, directed sigmoid layers
 * p(h_l | h_{l+1}) given by RBM l's visible conditional.
 * Greedy layer-wise training: a step trains the current RBM on the batch carried up through the
 * RBMs below it, each layer's binary states sampled from p(h | layer below) (the DBN's own
 * generator, saved with it), so every RBM's data is 0/1 as a binary RBM wants. The RBMs below
 * the current one are left as they are. steps_per_layer > 0 moves the current RBM up by itself
 * once it has had that many updates (the top one then keeps training); 0 leaves it to
 * rnnlab_dbn_set_current. Training options are shared by all RBMs (rnnlab_dbn_set_train_config). */
typedef struct rnnlab_dbn rnnlab_dbn;

#define RNNLAB_DBN_MAX_LAYERS 16 /* layer sizes, the visible one included */

rnnlab_status rnnlab_dbn_create(const int32_t *sizes, int32_t layers, int32_t visible_units, float init_scale,
                                uint32_t seed_lo, uint32_t seed_hi, rnnlab_dbn **out, char *err, size_t errlen);
void rnnlab_dbn_free(rnnlab_dbn *d); /* NULL is a no-op */
const char *rnnlab_dbn_error(const rnnlab_dbn *d);
int32_t rnnlab_dbn_layers(const rnnlab_dbn *d);              /* L, the number of layer sizes */
int32_t rnnlab_dbn_size(const rnnlab_dbn *d, int32_t layer); /* n_layer, 0 out of range */
/* RBM l in 0..L-2, owned by the DBN (never free it): its weights, exact quantities, AIS, ... */
rnnlab_rbm *rnnlab_dbn_rbm(rnnlab_dbn *d, int32_t l);
int32_t rnnlab_dbn_current(const rnnlab_dbn *d); /* the RBM the next step trains */
rnnlab_status rnnlab_dbn_set_current(rnnlab_dbn *d, int32_t l);
int32_t rnnlab_dbn_steps_per_layer(const rnnlab_dbn *d);
rnnlab_status rnnlab_dbn_set_steps_per_layer(rnnlab_dbn *d, int32_t steps); /* >= 0, 0 = manual */
/* the options of every RBM's next steps (rnnlab_rbm_set_train_config on each) */
rnnlab_status rnnlab_dbn_set_train_config(rnnlab_dbn *d, const rnnlab_rbm_train_config *tc);
/* One update of the current RBM (after the schedule's move, if any) from data (rows x n_0).
 * res as rnnlab_rbm_step's, for the current RBM's input. */
rnnlab_status rnnlab_dbn_step(rnnlab_dbn *d, const float *data, int32_t rows, rnnlab_step_result *res);
double rnnlab_dbn_steps(const rnnlab_dbn *d); /* updates of all RBMs together */
/* Mean-field up pass: out (rows, n_layer) = the probabilities of layer `layer` (0: the data). */
rnnlab_status rnnlab_dbn_up(rnnlab_dbn *d, const float *data, int32_t rows, int32_t layer, float *out);
/* Up to the top with probabilities and down again with expectations: recon (rows, n_0), may be
 * NULL; error and accuracy as rnnlab_rbm_reconstruct's. */
rnnlab_status rnnlab_dbn_reconstruct(rnnlab_dbn *d, const float *data, int32_t rows, float *recon, double *error,
                                     double *accuracy);
/* Sampling down from the top RBM: steps Gibbs sweeps in the top RBM (rnnlab_rbm_sample with
 * this seed, started at a sample of its visible biases), then one pass down, layer l ~ p(h_l |
 * h_{l+1}) of RBM l. visible (chains, n_0) the samples; probs (chains, n_0) the last E[v | h_1],
 * may be NULL. */
rnnlab_status rnnlab_dbn_sample(rnnlab_dbn *d, int32_t chains, int32_t steps, uint32_t seed_lo, uint32_t seed_hi,
                                float *visible, float *probs);
/* File kind 6 ("RNNLAB\0\6", CRC-32; the layout is at the top of core/energy/dbn.c): the sizes,
 * the schedule and, per RBM, its own kind-5 image (with_training: their training state and the
 * DBN's generator too, so training resumes bit for bit). */
size_t rnnlab_dbn_save_size(const rnnlab_dbn *d, int32_t with_training);
rnnlab_status rnnlab_dbn_save(rnnlab_dbn *d, int32_t with_training, uint8_t *buf, size_t len);
rnnlab_status rnnlab_dbn_load(const uint8_t *buf, size_t len, rnnlab_dbn **out, char *err, size_t errlen);
/* ---- dynamics: fixed points, Lyapunov exponents, closed-loop rollout (core/dynamics/) ---- */

/* A model as a dynamical system. Its state s is every layer's hidden state h, layer 0 first, then
 * every layer's second state c for the families that have one (LSTM cell state, CT-RNN potential):
 *   s = [h^0 ... h^{L-1} | c^0 ... c^{L-1}],  N = L * H * (1 + has_c)  (rnnlab_model_state_size).
 * F(s; u) is one time step of every layer with the constant input u (dense: I floats, NULL =
 * zeros; one-hot: a token). Only models with forward-in-time dynamics qualify: one direction, and
 * not the FGR LSTM variant (its state holds the previous step's gates). These calls overwrite the
 * model's activations (the trace) and leave its carried state and gradient arena exactly as they
 * were, so they may run between two training steps. Errors in rnnlab_model_error. */
int32_t rnnlab_model_state_size(rnnlab_model *m); /* N; 0 (with a message) for a model without such dynamics */

/* Fixed and slow points: local minima of q(s) = 1/2 |F(s; u) - s|^2 (Sussillo & Barak 2013).
 * Starts: the given ones, or `starts` generated from the seed, half sampled from trajectories
 * the model runs from zeros and from random states, driven by u and by u plus uniform noise in
 * [-1, 1] (random tokens for one-hot input), and half uniform over the box those trajectories span
 * (each coordinate's range widened by 10%; [-1, 1] where it is empty). Each start descends q by
 * Adam on the gradient (J - I)^T (F(s) - s), J = dF/ds from the cells' own backward, with a step
 * size adapted per start (x1.05 after a step that lowers q, x0.5 and undo after one that does not);
 * then, with refine and N <= 256, Levenberg-Marquardt on the residual F(s) - s polishes each
 * distinct minimum to the float32 floor. Kept: the points with q <= tolerance, and those with
 * q <= slow_tolerance where the descent came to rest (a start still descending after
 * max_iterations is not yet a point); points closer than merge_distance are one (the lower q stays). Each point is classified by the eigenvalues of
 * J at it (general real eigen solver in double): stable when every |lambda| < 1, unstable when
 * every |lambda| > 1, a saddle otherwise; the eigenvectors of its `directions` largest unstable
 * eigenvalues (a complex pair once, with +im) are its unstable directions. q <= tolerance: a fixed
 * point; above: a slow point. Cost per point: one N-row step for J and O(N^3) for its spectrum. */
typedef struct {
  int32_t starts;         /* generated starts when none are given, 1..100000 (default 64) */
  int32_t max_iterations; /* Adam iterations per start, 0..1000000 (default 1000) */
  float tolerance;        /* q <= tolerance: a fixed point (default 1e-10) */
  float slow_tolerance;   /* tolerance < q <= slow_tolerance: a slow point; higher minima are dropped (default 1e-4) */
  float merge_distance;   /* |a - b| below this: the same point; 0 = 1e-3 sqrt(N) (default 0) */
  float learning_rate;    /* Adam's first step size, adapted per start (default 0.01) */
  int32_t token;          /* one-hot input: the constant token (default 0) */
  int32_t directions;     /* unstable eigenvectors per point, 0..N (default 8) */
  int32_t refine;         /* 1: Levenberg-Marquardt polishing when N <= 256 (default 1) */
  uint32_t seed_lo, seed_hi; /* the starts' generator (default 1) */
} rnnlab_fixed_point_config;
#define RNNLAB_FIXED_POINT_CONFIG_FIELDS 11
void rnnlab_fixed_point_config_default(rnnlab_fixed_point_config *c);

typedef struct rnnlab_fixed_points rnnlab_fixed_points; /* a result, owned by the caller */
/* starts: (n_starts, N) or NULL (then c->starts are generated); input as above. *out receives the
 * distinct points, by q ascending (NULL on failure). */
rnnlab_status rnnlab_model_fixed_points(rnnlab_model *m, const rnnlab_fixed_point_config *c, const float *input,
                                        const float *starts, int32_t n_starts, rnnlab_fixed_points **out);
void rnnlab_fixed_points_free(rnnlab_fixed_points *f); /* NULL is a no-op */
int32_t rnnlab_fixed_points_count(const rnnlab_fixed_points *f);
int32_t rnnlab_fixed_points_dim(const rnnlab_fixed_points *f);        /* N */
int32_t rnnlab_fixed_points_candidates(const rnnlab_fixed_points *f); /* minima below slow_tolerance before merging */
/* Point i (NULL / 0 out of range): its state (N floats); q; its eigenvalues (2N doubles: N real
 * parts then N imaginary parts, by |lambda| descending, a complex pair +im first); how many have
 * |lambda| > 1; its unstable directions k < directions(i): 2N floats, the eigenvector's real then
 * imaginary part (unit norm, largest component real and positive), for eigenvalue number
 * direction_index(i, k). Pointers into f, valid until rnnlab_fixed_points_free. */
const float *rnnlab_fixed_points_state(const rnnlab_fixed_points *f, int32_t i);
double rnnlab_fixed_points_q(const rnnlab_fixed_points *f, int32_t i);
const double *rnnlab_fixed_points_eigenvalues(const rnnlab_fixed_points *f, int32_t i);
int32_t rnnlab_fixed_points_unstable(const rnnlab_fixed_points *f, int32_t i);
int32_t rnnlab_fixed_points_directions(const rnnlab_fixed_points *f, int32_t i);
int32_t rnnlab_fixed_points_direction_index(const rnnlab_fixed_points *f, int32_t i, int32_t k);
const float *rnnlab_fixed_points_direction(const rnnlab_fixed_points *f, int32_t i, int32_t k);

/* The largest Lyapunov exponent of s -> F(s; u), natural log per time step, by tangent
 * propagation with renormalisation (Benettin et al. 1980): from each start, `transient` steps
 * let the state reach its attractor and the tangent v align, then over `steps` steps
 *   lambda = mean ln |J v_t|,  v_{t+1} = J v_t / |J v_t|,
 * with J v by central differences of F, (F(s + eps v) - F(s - eps v)) / 2 eps, the perturbations
 * measured after float32 rounding. `trajectories` independent runs from uniform random states in
 * [-1, 1]^N (or all from `start`) with random tangents; *exponent is their mean, exponents[r] each
 * (-INFINITY when a tangent collapses to exactly 0, as when every ReLU unit is off).
 * divergence (divergence_steps + 1 doubles, may be NULL when divergence_steps is 0): the distance
 * |a_t - b_t| of two trajectories from the first run's state after the transient, b's coordinate
 * k (drawn from the seed) moved by `perturbation`; divergence[0] is the distance after float32
 * rounding. */
typedef struct {
  int32_t steps;            /* averaged steps, 1..10000000 (default 2000) */
  int32_t transient;        /* steps discarded first, 0..10000000 (default 500) */
  int32_t trajectories;     /* independent runs averaged, 1..64 (default 4) */
  int32_t token;            /* one-hot input: the constant token (default 0) */
  float epsilon;            /* the central differences' step (default 1e-3) */
  float perturbation;       /* the divergence curve's first separation (default 1e-7) */
  int32_t divergence_steps; /* the divergence curve's steps, 0..10000000 (default 200) */
  uint32_t seed_lo, seed_hi; /* starts, tangents and the perturbed coordinate (default 1) */
} rnnlab_lyapunov_config;
#define RNNLAB_LYAPUNOV_CONFIG_FIELDS 9
void rnnlab_lyapunov_config_default(rnnlab_lyapunov_config *c);
/* start: (N) or NULL; exponents (trajectories) may be NULL. */
rnnlab_status rnnlab_model_lyapunov(rnnlab_model *m, const rnnlab_lyapunov_config *c, const float *input,
                                    const float *start, double *exponent, double *exponents, double *divergence);

/* Closed-loop generation for a model whose output is its next input (dense input, linear output,
 * output_size == input_size; any cell, layers, one direction): from zeros, or from `state` (N
 * floats, the layout above), the model reads the warm-up inputs (W, I) teacher-forced in one
 * pass; then each output is fed back as the next input. out (steps, V): the output after the last
 * warm-up input, then after each fed-back output; exactly what model forward passes of batch 1
 * give (the warm-up, then one step at a time with carry_state). steps in 1..10000000 with
 * steps * V <= RNNLAB_MAX_ELEMS; W >= 1. RNNLAB_ENONFINITE when an output becomes non-finite. */
rnnlab_status rnnlab_model_rollout(rnnlab_model *m, const float *warmup, int32_t W, const float *state, int32_t steps,
                                   float *out);
/* sizeof the config struct: what 0 rnnlab_fixed_point_config, 1 rnnlab_lyapunov_config; -1 else
 * (the wasm wrapper checks its field tables against it). */
int32_t rnnlab_dynamics_layout(int32_t what);

#ifdef __cplusplus
}
#endif
#endif
