/* internal.h - the model's private layout, shared by the engine's .c files (never installed).
 *
 * Three arenas (llm.c's malloc_and_point_parameters): params, grads, activations. params and
 * grads share one layout described by a tensor table, so zeroing, clipping, the optimizers and
 * save/load are each one loop over a flat float array. The trainable parameters are the
 * contiguous range [train_begin, n_params): an ESN's fixed reservoir sits before it.
 *
 * Weights are stored transposed with respect to PyTorch: Wx is (I_l, G), Wh is (H, G), the
 * readout Wy is (D*H, V); so the batched products are row-major C[rows,G] += X[rows,I] Wx[I,G]
 * with the gate axis contiguous (k_gemm_nn). rnnlab_model_get_tensor transposes on the way out.
 */
#ifndef RNNLAB_INTERNAL_H
#define RNNLAB_INTERNAL_H

#include <stdarg.h>

#include "rnnlab.h"
#include "rng.h"
#include "train/optimizer.h"

#define ERRLEN 256

/* LSTM gate blocks, PyTorch order; GRU order [r z n]. */
enum { GATE_I = 0, GATE_F = 1, GATE_G = 2, GATE_O = 3 };
enum { GATE_R = 0, GATE_Z = 1, GATE_N = 2 };

/* Views into one arena for one (layer, direction). Unused pointers are NULL. */
typedef struct {
  float *Wx;   /* (I_l, G) */
  float *Wh;   /* (H, G) */
  float *bx;   /* (G) */
  float *bh;   /* (G) */
  float *peep; /* (3H) [p_i p_f p_o], LSTM variants with peepholes */
  float *R;    /* (3H, 3H) FGR gate-to-gate recurrence, [i f o]_{t-1} rows -> [i f o] pre-act cols */
  float *tau;  /* (H) CT-RNN with learn_tau: a_j, alpha_j = sigmoid(a_j) = 1/tau_j (cells/rnn.c) */
} cell_params;

/* Per (layer, direction) activation caches, time-major. */
typedef struct {
  float *gates;    /* (T,B,G) post-activation gates */
  float *h;        /* (T+1,B,H): slot 0 = initial state, slot t+1 = h_t */
  float *c;        /* (T+1,B,H): LSTM cell state / CT-RNN potential x; NULL for others */
  float *aux;      /* (T,B,H): LSTM squashed cell h(c_t); GRU gh_n (reset after) or r*h_prev (Cho) */
  float *gradnorm; /* (T,B): |dL/dh_t| from the last backward */
  float *state_h;  /* (B,H) final state kept for carry_state */
  float *state_c;  /* (B,H) */
  float *dfinal_h; /* (B,H) dL/d(final state) fed in from outside (encoder of a seq2seq) */
  float *dfinal_c; /* (B,H) */
  float *dinit_h;  /* (B,H) dL/d(initial state) left by the last backward (decoder of a seq2seq) */
  float *dinit_c;  /* (B,H) */
} cell_cache;

typedef struct {
  char name[32];
  size_t offset;   /* floats from the start of the arena */
  int rows, cols;  /* PyTorch shape (cols = 1 for a vector) */
  int transposed;  /* 1: stored as (cols, rows) */
  int init_block;  /* rows per initialisation block (init.c: Glorot, orthogonal); 0 = a bias */
} tensor_info;

#define MAX_TENSORS (RNNLAB_MAX_LAYERS * 2 * 6 + 2)

struct cell_family; /* cells/cell.h */

struct rnnlab_model {
  rnnlab_config cfg;
  const struct cell_family *cell; /* the row of cfg.cell in the cell table */
  int D;           /* directions */
  int G;           /* gate rows per direction */
  int ngates;      /* G / H */
  int I0;          /* input width of layer 0 */
  uint64_t seed;

  /* params and grads */
  size_t n_params, train_begin;
  int64_t trainable; /* reported parameter count (excludes unused gate rows of ablations) */
  float *params, *grads;
  cell_params P[RNNLAB_MAX_LAYERS][2], dP[RNNLAB_MAX_LAYERS][2];
  float *Wy, *by, *dWy, *dby; /* readout (D*H, V), (V) */
  tensor_info tensors[MAX_TENSORS];
  int n_tensors;
  int n_cell_tensors; /* tensors [0, n_cell_tensors) belong to the cell; the readout follows */

  /* activations arena, sized for (cap_T, cap_B); regrown only when a larger batch arrives */
  int cap_T, cap_B;
  float *acts;
  size_t acts_len;
  cell_cache C[RNNLAB_MAX_LAYERS][2];
  float *X0;     /* (T,B,I) dense layer-0 input, time-major */
  int32_t *tok;  /* (T,B) layer-0 tokens, time-major */
  float *Y[RNNLAB_MAX_LAYERS]; /* (T,B,D*H) layer outputs */
  float *dY;     /* (T,B,D*H) gradient wrt current layer's output */
  float *dYlow;  /* (T,B,D*H) gradient wrt the layer below's output */
  float *out;    /* (T,B,V) probabilities / values */
  float *dout;   /* (T,B,V) dL/dlogits */
  float *tmask;  /* (T,B) loss weights */
  float *dpre;   /* (T,B,G) scratch: dL/d pre-activations of one (layer, dir) */
  float *dpre2;  /* (T,B,G) scratch: GRU dL/d(gh) */
  float *scratch;/* (B, 4G) per-step scratch */
  int state_B;   /* batch size the carried state belongs to; 0 = none */
  int last_T, last_B; /* shape of the last pass, for trace */
  int have_backward;
  int inject_final_grad; /* bit d: direction d's backward starts from dfinal_h/c instead of zero (seq2seq encoder) */
  const float *ext_dY;   /* (T,B,D*H) time-major: added to dL/d(top outputs) by model_pass's backward (attention's encoder) */
  float *kept;     /* (L, 2, kept_B, H) carried state set aside by rnnlab_model_keep_state, [h c] per layer */
  size_t kept_cap; /* floats allocated in kept: grows to the largest state kept, never per call */
  int kept_B;      /* batch of the kept state; 0 = none was carried */

  char err[ERRLEN];
};

struct rnnlab_trainer {
  rnnlab_model *model;
  optimizer opt; /* over trainer_arena(model) */
  int32_t closed_warmup; /* > 0: closed-loop training after this many true inputs (train/closedloop.c) */
  float *cl_buf;         /* closed-loop scratch, grown to the largest batch seen, never per step */
  size_t cl_cap;
  char err[ERRLEN];
};

/* An encoder-decoder (seq2seq.c; saved and loaded by serialize.c). */
struct rnnlab_seq2seq {
  rnnlab_model *enc, *dec;
  rnnlab_trainer *tenc, *tdec; /* created by the first step (or a load with optimizer state) */
  rng_state rng;               /* teacher-forcing coins */
  int32_t *in;                 /* (B,U) decoder inputs actually used */
  int32_t *col, *pred;         /* (B) one step's inputs and predictions */
  float *probs;                /* (B,V) one step's outputs */
  size_t cap_BU, cap_B;
  int32_t attention;           /* rnnlab_attention */
  struct aligned *al;          /* the aligned model (attention/aligned.h), NULL for the classic one */
  char err[ERRLEN];
};
/* the decoder's seed from the seq2seq's (one seed, distinct weights for the two halves) */
#define SEQ2SEQ_DECODER_SALT 0xD1B54A32D192ED03ull
#define SEQ2SEQ_ATTENTION_SALT 0xA77E5710A77E5710ull /* the attention layer's seed */

/* model.c: every error message of the core is written by these two. err may be NULL or errlen 0
 * (nothing is written); the message is truncated to errlen - 1 bytes; returns s. */
rnnlab_status status_fail(char *err, size_t errlen, rnnlab_status s, const char *fmt, ...);
rnnlab_status status_vfail(char *err, size_t errlen, rnnlab_status s, const char *fmt, va_list ap);
rnnlab_status model_fail(rnnlab_model *m, rnnlab_status s, const char *fmt, ...);
rnnlab_status model_check_batch(rnnlab_model *m, const rnnlab_batch *b);
int model_has_targets(const rnnlab_model *m, const rnnlab_batch *b); /* token ids or values, as the output needs */
/* readout.c: out = act(Ytop Wy + by) over the pass's rows; returns the weighted mean loss and,
 * when want_grad, writes dL/dlogits into dout. */
float model_readout(rnnlab_model *m, const rnnlab_batch *b, int t0, int T, int B, int want_grad);
/* One pass over steps [t0, t0+len) of b: forward, and backward too when do_backward.
 * carry: initial state from the model's kept state (else zeros). Loss as rnnlab_model_forward. */
rnnlab_status model_pass(rnnlab_model *m, const rnnlab_batch *b, int t0, int len, int carry,
                         int do_backward, float *outputs, float *loss);
rnnlab_status model_build(rnnlab_model *m, const rnnlab_config *cfg); /* tables + arenas, no init */
rnnlab_status model_check_config(const rnnlab_config *c, char *err, size_t errlen);
/* Makes src's carried state (forward direction, every layer) dst's carried state for batch B;
 * both models must have the same cell, hidden size and layers. */
rnnlab_status model_copy_state(rnnlab_model *dst, const rnnlab_model *src, int B);
rnnlab_status model_reserve_state(rnnlab_model *m, int B);
/* Stepping one time step at a time through every layer (a unidirectional model whose input at
 * step t depends on its output at t-1: the attention decoder). model_steps_begin sizes the caches
 * for (T, B); the caller writes the initial state into model_slot(m, l, c, 0, B) and step t's
 * input into m->X0 + t*B*I0 (dense) or m->tok + t*B (one-hot); model_step_forward then leaves
 * h_t of layer l in model_slot(m, l, 0, t + 1, B). model_step_backward runs step t backward
 * through the layers: dtop (B,H) = dL/d(top h_t) from outside, carry (L,2,B,H) [h c] per layer =
 * dL/d(state after t) from step t+1 in, dL/d(state before t) out; dx0 (B,I0) += dL/d(input)
 * when not NULL (dense input). Parameter gradients are added. */
rnnlab_status model_steps_begin(rnnlab_model *m, int T, int B);
float *model_slot(rnnlab_model *m, int layer, int cell_state, int t, int B);
void model_step_forward(rnnlab_model *m, int t, int B);
void model_step_backward(rnnlab_model *m, int t, int B, const float *dtop, float *carry, float *dx0);
void model_init_weights(rnnlab_model *m); /* init.c */

/* cells (cells/cell.h: the table): one family per file, forward then backward over the whole sequence of one (layer, dir).
 * X is the layer input (T,B,I) time-major, or NULL with tok (T,B) for one-hot layer 0.
 * rev: process t = T-1 .. 0. Backward reads dY (T,B,H) row stride ldy (gradient wrt this
 * direction's outputs, already offset to the direction's column block) and ADDS into the
 * cell's parameter gradients and into dX (T,B,I) (NULL for layer 0). */
typedef struct {
  const rnnlab_model *m;
  int layer, dir, T, B, I;
  const float *X; const int32_t *tok; /* input */
  const cell_params *p; cell_params *dp;
  cell_cache *c;
} cell_ctx;

/* Slot of the state after / before processing time t in a (T+1,B,H) cache: forward runs
 * slots 0 -> T, reverse runs T -> 0, so both keep h_t in time order. */
static inline float *slot_out(float *base, const cell_ctx *x, int t) {
  return base + (size_t)(x->dir ? t : t + 1) * x->B * x->m->cfg.hidden_size;
}
static inline float *slot_prev(float *base, const cell_ctx *x, int t) {
  return base + (size_t)(x->dir ? t + 1 : t) * x->B * x->m->cfg.hidden_size;
}
/* pre (T*B, G) = X Wx + bx (+ bh when add_bh): the whole sequence's input projection at once. */
void cell_project_input(const cell_ctx *x, float *pre, int add_bh);
/* The backward of the projection: dWx += X^T dpre, dbx (+ dbh when add_bh) += colsum(dpre),
 * dX (T*B, ldx) += dpre Wx^T when dX is not NULL. */
void cell_project_input_backward(const cell_ctx *x, const float *dpre, int add_bh, float *dX, int ldx);
/* gradnorm[t,b] = |dh[b]| for the (B,H) gradient at time t */
void cell_record_gradnorm(const cell_ctx *x, int t, const float *dh);


/* the first backward state of a cell: dL/dh (and dL/dc) after the last step */
static inline void cell_backward_start(const cell_ctx *x, float *dh, float *dc) {
  const size_t BH = (size_t)x->B * x->m->cfg.hidden_size;
  const int inject = (x->m->inject_final_grad >> x->dir) & 1;
  for (size_t i = 0; i < BH; i++) dh[i] = inject ? x->c->dfinal_h[i] : 0.0f;
  if (dc)
    for (size_t i = 0; i < BH; i++) dc[i] = inject ? x->c->dfinal_c[i] : 0.0f;
}
/* the last backward state: dL/d(initial state), kept for the caller */
static inline void cell_backward_end(const cell_ctx *x, const float *dh, const float *dc) {
  const size_t BH = (size_t)x->B * x->m->cfg.hidden_size;
  for (size_t i = 0; i < BH; i++) x->c->dinit_h[i] = dh[i];
  for (size_t i = 0; i < BH; i++) x->c->dinit_c[i] = dc ? dc[i] : 0.0f;
}

/* train/trainer.c: the model's trainable range [train_begin, n_params) as a parameter arena */
param_arena trainer_arena(rnnlab_model *m);

/* train/closedloop.c: one pass over all of b where step t reads the true input for t < warmup and
 * the model's own output y_{t-1} after (dense input, linear output, inputSize == outputSize, one
 * direction); loss as model_pass. do_backward: the gradient arena gets dL/dtheta through the
 * feedback (the caller zeroes it first). outputs (B,T,V) batch-major or NULL. buf/cap: scratch
 * grown as needed (freed by the owner). Checks the model, not the batch (model_check_batch). */
rnnlab_status closedloop_pass(rnnlab_model *m, const rnnlab_batch *b, int warmup, int do_backward, float *outputs,
                              float *loss, float **buf, size_t *cap);
rnnlab_status closedloop_check(const rnnlab_model *m, int warmup, char *err, size_t errlen);
rnnlab_status closedloop_step(rnnlab_trainer *t, const rnnlab_batch *b, rnnlab_step_result *r);

/* serialize.c */
uint32_t rnnlab_crc32(const uint8_t *p, size_t n);

#endif
