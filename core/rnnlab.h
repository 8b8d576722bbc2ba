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

typedef enum { RNNLAB_CELL_RNN = 0, RNNLAB_CELL_LSTM, RNNLAB_CELL_GRU, RNNLAB_CELL_CTRNN, RNNLAB_CELL_ESN } rnnlab_cell;

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
 * step's loss, 0 = ignore; it must be 0 or 1... any finite value >= 0 is accepted.
 * carry_state: 1 = start from the final state of the previous forward pass (same B), for
 * truncated BPTT over a stream; 0 = start from zeros. */
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

/* Forward over the batch. outputs (B,T,V) batch-major, may be NULL; probabilities for
 * softmax/sigmoid, values for linear. loss (may be NULL) = sum over targeted steps of the step
 * loss times its mask weight, divided by the sum of the weights (0 when nothing is targeted).
 * Step losses: cross-entropy -log p[y]; binary cross-entropy summed over V; (1/2)||d-o||^2. */
rnnlab_status rnnlab_model_forward(rnnlab_model *m, const rnnlab_batch *b, float *outputs, float *loss);
/* Forward then backward; gradients are ADDED to the gradient arena (see zero_grad). */
rnnlab_status rnnlab_model_backward(rnnlab_model *m, const rnnlab_batch *b, float *loss);
void rnnlab_model_zero_grad(rnnlab_model *m);
void rnnlab_model_reset_state(rnnlab_model *m);

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

/* ---- save / load ---- */

/* Bytes needed to save m (and t's optimizer state when t is not NULL; t must belong to m). */
size_t rnnlab_model_save_size(const rnnlab_model *m, const rnnlab_trainer *t);
rnnlab_status rnnlab_model_save(rnnlab_model *m, const rnnlab_trainer *t, uint8_t *buf, size_t len);
/* Rebuilds a model (bit-exact weights). If the data holds optimizer state and t_out is not
 * NULL, a trainer with that state is created too (else *t_out = NULL). */
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
 * softmax). cfg.bidirectional must be 0; input/output kinds are set by this call. */
rnnlab_status rnnlab_seq2seq_create(const rnnlab_config *cfg, rnnlab_seq2seq **out, char *err, size_t errlen);
void rnnlab_seq2seq_free(rnnlab_seq2seq *s);
const char *rnnlab_seq2seq_error(const rnnlab_seq2seq *s);
rnnlab_model *rnnlab_seq2seq_encoder(rnnlab_seq2seq *s); /* owned by s: weights, trace */
rnnlab_model *rnnlab_seq2seq_decoder(rnnlab_seq2seq *s);
int64_t rnnlab_seq2seq_param_count(const rnnlab_seq2seq *s); /* both, without the encoder's unused readout */
/* Teacher-forced pass: outputs (B,U,V) may be NULL; loss as rnnlab_model_forward over the
 * decoder's targeted steps. */
rnnlab_status rnnlab_seq2seq_forward(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, float *outputs, float *loss);
/* Teacher-forced forward and backward; gradients are ADDED to both models' arenas (zero them with
 * rnnlab_model_zero_grad on the encoder and the decoder). */
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

#ifdef __cplusplus
}
#endif
#endif
