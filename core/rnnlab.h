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

typedef enum { RNNLAB_CELL_RNN = 0, RNNLAB_CELL_LSTM, RNNLAB_CELL_GRU, RNNLAB_CELL_CTRNN, RNNLAB_CELL_ESN, RNNLAB_CELL_CFN } rnnlab_cell;

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
} rnnlab_config;

#define RNNLAB_CONFIG_FIELDS 23 /* 4-byte fields in rnnlab_config, checked by a static assert */

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

#ifdef __cplusplus
}
#endif
#endif
