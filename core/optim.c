/* optim.c - training: the trainer handle, gradient clipping and the optimizers.
 *
 * Owns: rnnlab_train_config defaults and validation, the trainer (a model pointer, a copy of the
 * train config, the optimizer moment buffers m1/m2 laid out like the parameter arena, the update
 * count), the step (zero_grad, forward+backward per truncated-BPTT chunk, global-norm and value
 * clipping, one optimizer update per chunk) and the two arena helpers optim_zero and
 * optim_grad_norm. Every update is one loop over the trainable range [train_begin, n_params) of
 * the flat arenas.
 *
 * Does not own: the forward/backward pass (model.c, model_pass), batch validation
 * (model_check_batch), saving the optimizer state (serialize.c reads struct rnnlab_trainer).
 * It never allocates inside a step: the moments are allocated once in rnnlab_trainer_create.
 *
 * Numerics. Every optimizer follows torch.optim's documented update (dampening 0, no amsgrad,
 * not maximize, Adagrad lr_decay 0 and initial_accumulator_value 0), computed in float32 in the
 * same operation order (Adam: the paper's form with folded constants, see optim_adam_step), so
 * one step matches PyTorch to float rounding (PyTorch keeps its scalar
 * hyper-parameters in double; ours are the float32 values of the config). The only square root is
 * sqrtf (correctly rounded in IEEE-754, one instruction natively and in wasm); Adam's beta^t is
 * an exact-order product in double (pow by squaring) and the double square roots are two Newton
 * steps seeded by sqrtf, so native and wasm builds give the same bits. No other libm call.
 *
 * Step count. rnnlab_trainer_steps counts optimizer updates: one per truncated-BPTT chunk, as a
 * PyTorch loop calling optimizer.step() per chunk would. It is Adam's t (from 1 at the first
 * update) and is saved with the moments.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- arena helpers (declared in internal.h) ---- */

void optim_zero(float *a, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) a[i] = 0.0f;
}

/* sum of g[i]^2 in double: exact for each square, so no overflow even for FLT_MAX elements.
 * Eight partial sums (element i goes to sum i mod 8), added pairwise at the end: one running sum
 * is a chain of dependent additions, 3-4 cycles each, which made this pass cost as much as the
 * optimizer update; eight independent chains run at the adder's throughput and vectorise. The
 * order is fixed by the code, not by the compiler, so every build gives the same bits. */
static double optim_sumsq(const float *g, size_t n) {
  double s[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  size_t i = 0, l;
  for (; i + 8 <= n; i += 8)
    for (l = 0; l < 8; l++) s[l] += (double)g[i + l] * (double)g[i + l];
  for (l = 0; i < n; i++, l++) s[l] += (double)g[i] * (double)g[i];
  return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

/* sqrt in double with only sqrtf and arithmetic: scale by an even power of two into float range
 * (exact), seed with sqrtf, two Newton steps y = (y + x/y)/2 (error 6e-8 -> 1e-15 -> ~1 ulp).
 * Deterministic bits everywhere. x <= 0 gives 0, NaN gives NaN, +Inf gives +Inf. */
static double optim_dsqrt(double x) {
  double scale = 1.0, y;
  if (!(x > 0.0)) return x != x ? x : 0.0;
  if (!isfinite(x)) return x;
  while (x > 0x1p100) { x *= 0x1p-100; scale *= 0x1p50; }
  while (x < 0x1p-100) { x *= 0x1p100; scale *= 0x1p-50; }
  y = (double)sqrtf((float)x);
  y = 0.5 * (y + x / y);
  y = 0.5 * (y + x / y);
  return y * scale;
}

/* Global L2 norm of g (n floats), accumulated in double. */
float optim_grad_norm(const float *g, size_t n) { return (float)optim_dsqrt(optim_sumsq(g, n)); }

/* beta^t by squaring in double; the multiplication order depends only on t. t >= 0. */
static double optim_powi(double beta, int64_t t) {
  double r = 1.0;
  while (t > 0) {
    if (t & 1) r *= beta;
    beta *= beta;
    t >>= 1;
  }
  return r;
}

/* ---- optimizers over a contiguous range; w, g and the moments are offset to train_begin ----
 * Weight decay is L2 added to the gradient first, as torch.optim's weight_decay (not AdamW):
 *   g' = g + wd * w
 * g itself (the gradient arena, after clipping) is not modified. */

/* SGD:  w <- w - lr * g' */
static void optim_sgd_step(float *w, const float *g, size_t n, float lr, float wd) {
  size_t i;
  for (i = 0; i < n; i++) {
    float gi = g[i] + wd * w[i];
    w[i] = w[i] - lr * gi;
  }
}

/* SGD with momentum (torch.optim.SGD, dampening 0; buf starts at 0 so step 1 gives buf = g'):
 *   buf <- mu * buf + g'
 *   classic:  w <- w - lr * buf
 *   Nesterov: w <- w - lr * (g' + mu * buf)   (Sutskever et al. 2013, PyTorch's form) */
static void optim_momentum_step(float *w, const float *g, float *buf, size_t n, float lr, float mu,
                                int nesterov, float wd) {
  size_t i;
  for (i = 0; i < n; i++) {
    float gi = g[i] + wd * w[i];
    float b = mu * buf[i] + gi;
    buf[i] = b;
    w[i] = w[i] - lr * (nesterov ? gi + mu * b : b);
  }
}

/* RMSProp (torch.optim.RMSprop, not centered, no momentum; alpha = beta2; Tieleman & Hinton 2012):
 *   v <- alpha * v + (1 - alpha) * g'^2
 *   w <- w - lr * g' / (sqrt(v) + eps) */
static void optim_rmsprop_step(float *w, const float *g, float *v, size_t n, float lr, float alpha,
                               float eps, float wd) {
  const float one_minus = 1.0f - alpha;
  size_t i;
  for (i = 0; i < n; i++) {
    float gi = g[i] + wd * w[i];
    float vi = alpha * v[i] + one_minus * (gi * gi);
    v[i] = vi;
    w[i] = w[i] - lr * (gi / (sqrtf(vi) + eps));
  }
}

/* Adam (torch.optim.Adam, Kingma & Ba 2015), t = 1, 2, ...:
 *   m <- b1 * m + (1 - b1) * g'
 *   v <- b2 * v + (1 - b2) * g'^2
 *   w <- w - lr * (m / (1 - b1^t)) / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * PyTorch's update (eps added after the bias correction of v), computed as in section 2 of the
 * paper with the bias corrections folded into two constants, so a weight costs one division and
 * one square root (the division is the dearest operation of the loop, in wasm most of all):
 *   w <- w - a_t * m / (sqrt(v) + eps_t),   a_t = lr * sqrt(1 - b2^t) / (1 - b1^t),
 *                                           eps_t = eps * sqrt(1 - b2^t)
 * The same value up to float rounding (a few ulp); a_t and eps_t are computed in double. */
static void optim_adam_step(float *w, const float *g, float *m1, float *m2, size_t n, float lr,
                            float b1, float b2, float eps, float wd, int64_t t) {
  const double bc1 = 1.0 - optim_powi((double)b1, t);
  const double bc2_sqrt = optim_dsqrt(1.0 - optim_powi((double)b2, t));
  const float a_t = (float)((double)lr * bc2_sqrt / bc1), eps_t = (float)((double)eps * bc2_sqrt);
  const float c1 = 1.0f - b1, c2 = 1.0f - b2;
  size_t i;
  for (i = 0; i < n; i++) {
    float gi = g[i] + wd * w[i];
    float mi = b1 * m1[i] + c1 * gi;
    float vi = b2 * m2[i] + c2 * (gi * gi);
    m1[i] = mi;
    m2[i] = vi;
    w[i] = w[i] - a_t * mi / (sqrtf(vi) + eps_t);
  }
}

/* Adagrad (torch.optim.Adagrad, lr_decay 0, initial accumulator 0; Duchi et al. 2011):
 *   s <- s + g'^2
 *   w <- w - lr * g' / (sqrt(s) + eps) */
static void optim_adagrad_step(float *w, const float *g, float *s, size_t n, float lr, float eps,
                               float wd) {
  size_t i;
  for (i = 0; i < n; i++) {
    float gi = g[i] + wd * w[i];
    float si = s[i] + gi * gi;
    s[i] = si;
    w[i] = w[i] - lr * (gi / (sqrtf(si) + eps));
  }
}

/* Which moment buffers an optimizer keeps: bit 0 m1 (momentum buffer / Adam's m), bit 1 m2
 * (RMSProp's and Adam's v, Adagrad's sum). serialize.c writes the same bits. */
static int optim_moments(int32_t optimizer) {
  switch (optimizer) {
    case RNNLAB_OPT_MOMENTUM: return 1;
    case RNNLAB_OPT_RMSPROP: return 2;
    case RNNLAB_OPT_ADAM: return 3;
    case RNNLAB_OPT_ADAGRAD: return 2;
    default: return 0;
  }
}

/* ---- errors ---- */

static rnnlab_status optim_fail(rnnlab_trainer *t, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(t->err, sizeof t->err, s, fmt, ap);
  va_end(ap);
  return s;
}

/* Writes the first problem with tc into err (errlen bytes); returns 0 when tc is valid. */
static int optim_check_config(const rnnlab_train_config *tc, char *err, size_t errlen) {
  if (tc->optimizer < RNNLAB_OPT_SGD || tc->optimizer > RNNLAB_OPT_ADAGRAD) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "optimizer: unknown optimizer %d (0 sgd, 1 momentum, 2 rmsprop, 3 adam, 4 adagrad)",
                  (int)tc->optimizer);
    return 1;
  }
  if (!isfinite(tc->learning_rate) || !(tc->learning_rate > 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "learning_rate must be finite and > 0 (got %g)", (double)tc->learning_rate);
    return 1;
  }
  if (!(tc->momentum >= 0.0f && tc->momentum < 1.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "momentum must be in [0, 1) (got %g)", (double)tc->momentum);
    return 1;
  }
  if (tc->nesterov != 0 && tc->nesterov != 1) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "nesterov must be 0 or 1 (got %d)", (int)tc->nesterov);
    return 1;
  }
  if (!(tc->beta1 >= 0.0f && tc->beta1 < 1.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "beta1 must be in [0, 1) (got %g)", (double)tc->beta1);
    return 1;
  }
  if (!(tc->beta2 >= 0.0f && tc->beta2 < 1.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "beta2 must be in [0, 1) (got %g)", (double)tc->beta2);
    return 1;
  }
  if (!isfinite(tc->eps) || !(tc->eps > 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "eps must be finite and > 0 (got %g)", (double)tc->eps);
    return 1;
  }
  if (!isfinite(tc->weight_decay) || !(tc->weight_decay >= 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "weight_decay must be finite and >= 0 (got %g)", (double)tc->weight_decay);
    return 1;
  }
  if (!isfinite(tc->clip_norm) || !(tc->clip_norm >= 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "clip_norm must be finite and >= 0, 0 = off (got %g)", (double)tc->clip_norm);
    return 1;
  }
  if (!isfinite(tc->clip_value) || !(tc->clip_value >= 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "clip_value must be finite and >= 0, 0 = off (got %g)", (double)tc->clip_value);
    return 1;
  }
  if (tc->truncate < 0) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "truncate must be >= 0, 0 = full BPTT (got %d)", (int)tc->truncate);
    return 1;
  }
  return 0;
}

/* ---- public API ---- */

/* Adam, lr 1e-3, momentum 0.9 (classic), betas (0.9, 0.999), eps 1e-8, no weight decay, no
 * clipping, full BPTT: torch.optim.Adam's defaults. */
void rnnlab_train_config_default(rnnlab_train_config *tc) {
  if (!tc) return;
  memset(tc, 0, sizeof *tc);
  tc->optimizer = RNNLAB_OPT_ADAM;
  tc->learning_rate = 1e-3f;
  tc->momentum = 0.9f;
  tc->nesterov = 0;
  tc->beta1 = 0.9f;
  tc->beta2 = 0.999f;
  tc->eps = 1e-8f;
  tc->weight_decay = 0.0f;
  tc->clip_norm = 0.0f;
  tc->clip_value = 0.0f;
  tc->truncate = 0;
}

/* Creates a trainer for m with a copy of tc; moments start at zero and the update count at 0.
 * The trainer borrows m: free the trainer before the model. On failure *out is NULL and err
 * (if given) names the offending field. */
rnnlab_status rnnlab_trainer_create(rnnlab_model *m, const rnnlab_train_config *tc, rnnlab_trainer **out,
                                    char *err, size_t errlen) {
  rnnlab_trainer *t;
  int moments;
  if (err && errlen > 0) err[0] = '\0';
  if (out) *out = NULL;
  if (!m || !tc || !out) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "trainer_create: model, config and out must not be NULL");
    return RNNLAB_EINVAL;
  }
  if (optim_check_config(tc, err, errlen)) return RNNLAB_EINVAL;
  t = (rnnlab_trainer *)calloc(1, sizeof *t);
  if (!t) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "out of memory allocating the trainer");
    return RNNLAB_ENOMEM;
  }
  t->model = m;
  t->tc = *tc;
  moments = optim_moments(tc->optimizer);
  if (moments & 1) t->m1 = (float *)calloc(m->n_params ? m->n_params : 1, sizeof(float));
  if (moments & 2) t->m2 = (float *)calloc(m->n_params ? m->n_params : 1, sizeof(float));
  if (((moments & 1) && !t->m1) || ((moments & 2) && !t->m2)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "out of memory allocating optimizer state (%lu floats per moment)",
                  (unsigned long)m->n_params);
    rnnlab_trainer_free(t);
    return RNNLAB_ENOMEM;
  }
  *out = t;
  return RNNLAB_OK;
}

void rnnlab_trainer_free(rnnlab_trainer *t) {
  if (!t) return;
  free(t->m1);
  free(t->m2);
  free(t);
}

/* Last error message, "" after a successful call (and for NULL). */
const char *rnnlab_trainer_error(const rnnlab_trainer *t) { return t ? t->err : ""; }

/* Takes effect at the next update; moments are kept (as setting param_group['lr'] in PyTorch). */
rnnlab_status rnnlab_trainer_set_learning_rate(rnnlab_trainer *t, float lr) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = '\0';
  if (!isfinite(lr) || !(lr > 0.0f))
    return optim_fail(t, RNNLAB_EINVAL, "learning_rate must be finite and > 0 (got %g)", (double)lr);
  t->tc.learning_rate = lr;
  return RNNLAB_OK;
}

int64_t rnnlab_trainer_steps(const rnnlab_trainer *t) { return t ? t->steps : 0; }
size_t rnnlab_trainer_arena_bytes(const rnnlab_trainer *t) {
  return t ? ((t->m1 != NULL) + (t->m2 != NULL)) * t->model->n_params * sizeof(float) : 0;
}
const rnnlab_train_config *rnnlab_trainer_config(const rnnlab_trainer *t) { return t ? &t->tc : NULL; }

/* Copies the model's message after a failed model call. */
static rnnlab_status optim_fail_model(rnnlab_trainer *t, rnnlab_status s) {
  const char *msg = t->model->err;
  return optim_fail(t, s, "%s", msg[0] ? msg : rnnlab_status_str(s));
}

/* One optimizer update of the trainable range from the gradient arena. */
static void optim_update(rnnlab_trainer *t) {
  rnnlab_model *m = t->model;
  const rnnlab_train_config *tc = &t->tc;
  const size_t o = m->train_begin, n = m->n_params - m->train_begin;
  float *w = m->params + o;
  const float *g = m->grads + o;
  const int64_t step = t->steps + 1;
  switch (tc->optimizer) {
    case RNNLAB_OPT_SGD:
      optim_sgd_step(w, g, n, tc->learning_rate, tc->weight_decay);
      break;
    case RNNLAB_OPT_MOMENTUM:
      optim_momentum_step(w, g, t->m1 + o, n, tc->learning_rate, tc->momentum, tc->nesterov, tc->weight_decay);
      break;
    case RNNLAB_OPT_RMSPROP:
      optim_rmsprop_step(w, g, t->m2 + o, n, tc->learning_rate, tc->beta2, tc->eps, tc->weight_decay);
      break;
    case RNNLAB_OPT_ADAM:
      optim_adam_step(w, g, t->m1 + o, t->m2 + o, n, tc->learning_rate, tc->beta1, tc->beta2, tc->eps,
                      tc->weight_decay, step);
      break;
    case RNNLAB_OPT_ADAGRAD:
      optim_adagrad_step(w, g, t->m2 + o, n, tc->learning_rate, tc->eps, tc->weight_decay);
      break;
  }
  t->steps = step;
}

double optim_trainable_sumsq(const rnnlab_model *m) {
  return optim_sumsq(m->grads + m->train_begin, m->n_params - m->train_begin);
}

/* Clips the trainable gradients of t's model given their norm (which the caller may have taken
 * over several models, as a seq2seq does over encoder and decoder), then applies one update.
 * Returns 1 if anything was clipped. */
int optim_clip_and_update(rnnlab_trainer *t, double norm) {
  rnnlab_model *m = t->model;
  const size_t o = m->train_begin, n = m->n_params - m->train_begin;
  float *g = m->grads + o;
  int clipped = 0;
  if (t->tc.clip_norm > 0.0f && norm > (double)t->tc.clip_norm) {
    const float scale = (float)((double)t->tc.clip_norm / norm);
    for (size_t i = 0; i < n; i++) g[i] *= scale;
    clipped = 1;
  }
  if (t->tc.clip_value > 0.0f) {
    const float v = t->tc.clip_value;
    for (size_t i = 0; i < n; i++) {
      if (g[i] > v) { g[i] = v; clipped = 1; }
      else if (g[i] < -v) { g[i] = -v; clipped = 1; }
    }
  }
  optim_update(t);
  return clipped;
}

/* zero_grad, forward, backward, clip, update, per chunk of the batch:
 *   chunks: [t0, t0 + truncate) when 0 < truncate < T (the last one shorter), else one of T;
 *           chunk k > 0 starts from the state chunk k-1 ended in, chunk 0 from b->carry_state.
 *   clip:   norm = ||g||_2 over the trainable range (double accumulation);
 *           if clip_norm > 0 and norm > clip_norm: g *= clip_norm / norm   (PyTorch's
 *           clip_grad_norm_ without its +1e-6 in the denominator, so the norm becomes clip_norm);
 *           then if clip_value > 0: g = clamp(g, -clip_value, clip_value).
 * r (may be NULL): mean chunk loss, largest pre-clip norm, whether anything was clipped, chunks
 * done. A chunk whose loss or gradient norm is not finite stops the step with
 * RNNLAB_ENONFINITE before its update: that chunk changes neither weights nor moments (earlier
 * chunks of the same call have been applied, as separate PyTorch steps would be). */
rnnlab_status rnnlab_trainer_step(rnnlab_trainer *t, const rnnlab_batch *b, rnnlab_step_result *r) {
  rnnlab_model *m;
  rnnlab_status s = RNNLAB_OK;
  int T, len, t0, chunk = 0, clipped = 0;
  double loss_sum = 0.0, norm_max = 0.0;
  size_t o, n;
  if (r) memset(r, 0, sizeof *r);
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = '\0';
  if (!b) return optim_fail(t, RNNLAB_EINVAL, "trainer_step: batch is NULL");
  m = t->model;
  m->err[0] = '\0'; /* as the model's own calls: "" after success */
  s = model_check_batch(m, b);
  if (s != RNNLAB_OK) return optim_fail_model(t, s);
  if (m->cfg.output_kind == RNNLAB_OUTPUT_SOFTMAX ? !b->target_ids : !b->targets)
    return optim_fail(t, RNNLAB_EINVAL, "batch.targets are required for training");
  T = b->length;
  len = (t->tc.truncate > 0 && t->tc.truncate < T) ? t->tc.truncate : T;
  o = m->train_begin;
  n = m->n_params - m->train_begin;
  for (t0 = 0; t0 < T; t0 += len, chunk++) {
    const int cl = (T - t0 < len) ? T - t0 : len;
    float loss = 0.0f;
    double norm;
    float *g = m->grads + o;
    rnnlab_model_zero_grad(m);
    s = model_pass(m, b, t0, cl, chunk > 0 ? 1 : b->carry_state, 1, NULL, &loss);
    if (s != RNNLAB_OK) { /* e.g. a non-finite loss: nothing of this chunk is applied */
      const char *msg = m->err[0] ? m->err : rnnlab_status_str(s);
      const char *note = s == RNNLAB_ENONFINITE ? " (weights not updated)" : "";
      if (chunk > 0) optim_fail(t, s, "chunk %d (steps %d..%d): %s%s", chunk, t0, t0 + cl - 1, msg, note);
      else optim_fail(t, s, "%s%s", msg, note);
      break;
    }
    if (!isfinite(loss)) {
      s = optim_fail(t, RNNLAB_ENONFINITE,
                     "loss is not finite (%g) at chunk %d (steps %d..%d): weights not updated; lower the "
                     "learning rate or enable clip_norm",
                     (double)loss, chunk, t0, t0 + cl - 1);
      break;
    }
    norm = optim_dsqrt(optim_sumsq(g, n));
    if (!isfinite(norm)) {
      s = optim_fail(t, RNNLAB_ENONFINITE,
                     "gradient norm is not finite at chunk %d (steps %d..%d): weights not updated; lower "
                     "the learning rate or enable clip_norm",
                     chunk, t0, t0 + cl - 1);
      break;
    }
    if (norm > norm_max) norm_max = norm;
    loss_sum += (double)loss;
    clipped |= optim_clip_and_update(t, norm);
  }
  if (r) {
    r->loss = chunk > 0 ? (float)(loss_sum / chunk) : 0.0f;
    r->grad_norm = (float)norm_max;
    r->clipped = clipped;
    r->chunks = chunk;
  }
  return s;
}
