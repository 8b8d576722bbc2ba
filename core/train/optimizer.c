/* train/optimizer.c - the optimizer over a parameter arena (train/optimizer.h): torch.optim's
 * update rules, clipping, the train config's defaults and validation.
 *
 * Numerics. Every optimizer follows torch.optim's documented update (dampening 0, no amsgrad,
 * not maximize, Adagrad lr_decay 0 and initial_accumulator_value 0), computed in float32 in the
 * same operation order (Adam: the paper's form with folded constants, see optim_adam_step), so
 * one step matches PyTorch to float rounding (PyTorch keeps its scalar
 * hyper-parameters in double; ours are the float32 values of the config). The only square root is
 * sqrtf (correctly rounded in IEEE-754, one instruction natively and in wasm); Adam's beta^t is
 * an exact-order product in double (pow by squaring) and the double square roots are two Newton
 * steps seeded by sqrtf, so native and wasm builds give the same bits. No other libm call.
 * It never allocates after optimizer_init.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "train/optimizer.h"

/* ---- arena helpers ---- */

void arena_zero(float *a, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) a[i] = 0.0f;
}

/* sum of g[i]^2 in double: exact for each square, so no overflow even for FLT_MAX elements.
 * Eight partial sums (element i goes to sum i mod 8), added pairwise at the end: one running sum
 * is a chain of dependent additions, 3-4 cycles each, which made this pass cost as much as the
 * optimizer update; eight independent chains run at the adder's throughput and vectorise. The
 * order is fixed by the code, not by the compiler, so every build gives the same bits. */
double arena_sumsq(const float *g, size_t n) {
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
double arena_sqrt(double x) {
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
float arena_norm(const float *g, size_t n) { return (float)arena_sqrt(arena_sumsq(g, n)); }

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
  const double bc2_sqrt = arena_sqrt(1.0 - optim_powi((double)b2, t));
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

int optimizer_moments(int32_t optimizer) {
  switch (optimizer) {
    case RNNLAB_OPT_MOMENTUM: return 1;
    case RNNLAB_OPT_RMSPROP: return 2;
    case RNNLAB_OPT_ADAM: return 3;
    case RNNLAB_OPT_ADAGRAD: return 2;
    default: return 0;
  }
}

/* ---- the train config ---- */

rnnlab_status optimizer_check_config(const rnnlab_train_config *tc, char *err, size_t errlen) {
  if (tc->optimizer < RNNLAB_OPT_SGD || tc->optimizer > RNNLAB_OPT_ADAGRAD) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "optimizer: unknown optimizer %d (0 sgd, 1 momentum, 2 rmsprop, 3 adam, 4 adagrad)",
                  (int)tc->optimizer);
    return RNNLAB_EINVAL;
  }
  if (!isfinite(tc->learning_rate) || !(tc->learning_rate > 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "learning_rate must be finite and > 0 (got %g)", (double)tc->learning_rate);
    return RNNLAB_EINVAL;
  }
  if (!(tc->momentum >= 0.0f && tc->momentum < 1.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "momentum must be in [0, 1) (got %g)", (double)tc->momentum);
    return RNNLAB_EINVAL;
  }
  if (tc->nesterov != 0 && tc->nesterov != 1) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "nesterov must be 0 or 1 (got %d)", (int)tc->nesterov);
    return RNNLAB_EINVAL;
  }
  if (!(tc->beta1 >= 0.0f && tc->beta1 < 1.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "beta1 must be in [0, 1) (got %g)", (double)tc->beta1);
    return RNNLAB_EINVAL;
  }
  if (!(tc->beta2 >= 0.0f && tc->beta2 < 1.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "beta2 must be in [0, 1) (got %g)", (double)tc->beta2);
    return RNNLAB_EINVAL;
  }
  if (!isfinite(tc->eps) || !(tc->eps > 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "eps must be finite and > 0 (got %g)", (double)tc->eps);
    return RNNLAB_EINVAL;
  }
  if (!isfinite(tc->weight_decay) || !(tc->weight_decay >= 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "weight_decay must be finite and >= 0 (got %g)", (double)tc->weight_decay);
    return RNNLAB_EINVAL;
  }
  if (!isfinite(tc->clip_norm) || !(tc->clip_norm >= 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "clip_norm must be finite and >= 0, 0 = off (got %g)", (double)tc->clip_norm);
    return RNNLAB_EINVAL;
  }
  if (!isfinite(tc->clip_value) || !(tc->clip_value >= 0.0f)) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "clip_value must be finite and >= 0, 0 = off (got %g)", (double)tc->clip_value);
    return RNNLAB_EINVAL;
  }
  if (tc->truncate < 0) {
    (void)status_fail(err, errlen, RNNLAB_EINVAL, "truncate must be >= 0, 0 = full BPTT (got %d)", (int)tc->truncate);
    return RNNLAB_EINVAL;
  }
  return RNNLAB_OK;
}

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


/* ---- the optimizer ---- */

rnnlab_status optimizer_init(optimizer *o, const rnnlab_train_config *tc, size_t n, char *err, size_t errlen) {
  memset(o, 0, sizeof *o);
  rnnlab_status s = optimizer_check_config(tc, err, errlen);
  if (s) return s;
  const int moments = optimizer_moments(tc->optimizer);
  if (moments & 1) o->m1 = (float *)calloc(n ? n : 1, sizeof(float));
  if (moments & 2) o->m2 = (float *)calloc(n ? n : 1, sizeof(float));
  if (((moments & 1) && !o->m1) || ((moments & 2) && !o->m2)) {
    optimizer_release(o);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory allocating optimizer state (%lu floats per moment)",
                       (unsigned long)n);
  }
  o->tc = *tc, o->n = n;
  return RNNLAB_OK;
}

void optimizer_release(optimizer *o) {
  free(o->m1);
  free(o->m2);
  o->m1 = o->m2 = NULL;
}

rnnlab_status optimizer_set_learning_rate(optimizer *o, float lr, char *err, size_t errlen) {
  if (!isfinite(lr) || !(lr > 0.0f))
    return status_fail(err, errlen, RNNLAB_EINVAL, "learning_rate must be finite and > 0 (got %g)", (double)lr);
  o->tc.learning_rate = lr;
  return RNNLAB_OK;
}

/* One update of the arena from its gradients. */
static void optimizer_update(optimizer *o, const param_arena *a) {
  const rnnlab_train_config *tc = &o->tc;
  const size_t n = a->n;
  float *w = a->params;
  const float *g = a->grads;
  const int64_t step = o->steps + 1;
  switch (tc->optimizer) {
    case RNNLAB_OPT_SGD:
      optim_sgd_step(w, g, n, tc->learning_rate, tc->weight_decay);
      break;
    case RNNLAB_OPT_MOMENTUM:
      optim_momentum_step(w, g, o->m1, n, tc->learning_rate, tc->momentum, tc->nesterov, tc->weight_decay);
      break;
    case RNNLAB_OPT_RMSPROP:
      optim_rmsprop_step(w, g, o->m2, n, tc->learning_rate, tc->beta2, tc->eps, tc->weight_decay);
      break;
    case RNNLAB_OPT_ADAM:
      optim_adam_step(w, g, o->m1, o->m2, n, tc->learning_rate, tc->beta1, tc->beta2, tc->eps,
                      tc->weight_decay, step);
      break;
    case RNNLAB_OPT_ADAGRAD:
      optim_adagrad_step(w, g, o->m2, n, tc->learning_rate, tc->eps, tc->weight_decay);
      break;
  }
  o->steps = step;
}

int optimizer_apply(optimizer *o, const param_arena *a, double norm) {
  float *g = a->grads;
  const size_t n = a->n;
  int clipped = 0;
  if (o->tc.clip_norm > 0.0f && norm > (double)o->tc.clip_norm) {
    const float scale = (float)((double)o->tc.clip_norm / norm);
    for (size_t i = 0; i < n; i++) g[i] *= scale;
    clipped = 1;
  }
  if (o->tc.clip_value > 0.0f) {
    const float v = o->tc.clip_value;
    for (size_t i = 0; i < n; i++) {
      if (g[i] > v) { g[i] = v; clipped = 1; }
      else if (g[i] < -v) { g[i] = -v; clipped = 1; }
    }
  }
  optimizer_update(o, a);
  return clipped;
}
