/* energy/rbm.c - restricted Boltzmann machines (rnnlab.h, "restricted Boltzmann machines"):
 * binary-binary and Gaussian-binary RBMs trained by CD-k and persistent CD, with exact log Z,
 * log-likelihood and gradient by enumeration, AIS, free energy, pseudo-likelihood, Gibbs
 * sampling, and the RBM file (kind 5).
 *
 * Owns: the RBM object and its arena (energy/rbm.h), the conditionals p(h|v) and p(v|h) over
 * row blocks (float kernels: k_gemm_*, k_sigmoid), the CD/PCD gradient estimate, the exact sums
 * (double, energy_* arithmetic), AIS, the file format below.
 * Does not own: the update rule (train/optimizer.c: SGD with momentum over the arena), pattern
 * data (energy/patterns.c), deep belief nets (a stack of these, later).
 *
 * Numerics. Products over blocks of rows run in float32 through the engine's kernels (the same
 * bits natively and in wasm); everything summed over states or rows for an exact quantity runs in
 * double with energy_exp / energy_log (arithmetic, frexp and ldexp only), so log Z and the
 * log-likelihood are the same bits everywhere too. A step allocates only when a batch larger than
 * any before arrives (the scratch rows) or at the first PCD step (the chains).
 *
 * The exact sums enumerate the 2^m states of one layer in Gray-code order (one unit flips per
 * state, so the other layer's input is updated by one row of W, O(other) per state):
 *   over h, binary v:    log p~(h) = c.h + sum_i softplus(b_i + (W^T h)_i)
 *   over h, gaussian v:  log p~(h) = c.h + (|b + W^T h|^2 - |b|^2) / 2 + (V/2) log(2 pi)
 *   over v, binary h:    log p~(v) = b.v + sum_j softplus(c_j + (W v)_j)
 * log Z = logsumexp over the states (streaming: one running maximum and a rescaled sum).
 *
 * File format 1 (kind 5). Little-endian, written byte by byte; floats by bit pattern.
 *   offset  size        field
 *   0       8           magic "RNNLAB\0\5"
 *   8       4           u32 format version = 1
 *   12      4           u32 flags: bit 0 = training block present; other bits 0
 *   16      4           u32 header length = 52 (offset of the parameters)
 *   20      6*4         rnnlab_rbm_config, one word per field in declaration order
 *   44      8           u64 n = H*V + V + H
 *   52      n*4         parameters: W (H,V) row-major, b (V), c (H)
 *   -- only when flags bit 0 --
 *   T       6*4         rnnlab_rbm_train_config, one word per field
 *   T+24    8           i64 updates applied
 *   T+32    4           u32 1 when the momentum buffer follows (after the first step), else 0
 *   T+36    n*4         momentum buffer, the arena's layout (when present)
 *   M       8           u64 the training generator's state
 *   M+8     4           u32 P, persistent chains (0 = none yet)
 *   M+12    P*V*4       the chains' visible states, row-major
 *   -- always --
 *   end-4   4           u32 CRC-32 (rnnlab_crc32) of every byte before it
 * Load checks in order, each RNNLAB_EFORMAT with a message: length, magic (another rnnlab kind
 * is named), version, header length and flags, n against the config, total length
 * ("truncated"), CRC, then the config (rnnlab_rbm_create's checks), finite parameters, the
 * training options, steps >= 0, finite momentum, the chains' count and values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "energy/rbm.h"
#include "kernels/kernels.h"

/* ---- double arithmetic: the same bits everywhere ---- */

#define LN2_HI 6.93147180369123816490e-01 /* fdlibm's split of ln 2: k * LN2_HI is exact for |k| < 2^21 */
#define LN2_LO 1.90821492927058770002e-10
#define LOG_2PI 1.83787706640934548356
#define LN2 0.69314718055994530942

double energy_exp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return INFINITY;
  if (x < -745.1332191019412) return 0.0;
  const double kd = x * 1.4426950408889634074;
  const int k = (int)(kd + (kd >= 0.0 ? 0.5 : -0.5));
  const double r = (x - k * LN2_HI) - k * LN2_LO; /* |r| <= 0.347 */
  /* e^r by its Taylor series to r^13 (remainder below 5e-18), Horner */
  double p = 1.0 / 6227020800.0;
  static const double inv_fact[13] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                      1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                                      1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                                      1.0};
  for (int i = 0; i < 13; i++) p = p * r + inv_fact[i];
  return ldexp(p, k);
}

/* ln x = e ln 2 + 2 atanh(s), x = m 2^e, m in [sqrt(1/2), sqrt(2)), s = (m-1)/(m+1), |s| <= 0.1716;
 * the series to s^23 leaves a relative error below 1e-18 (decode.c's det_log). */
double energy_log(double x) {
  if (x != x) return x;
  if (!(x > 0.0)) return x == 0.0 ? -INFINITY : NAN;
  if (x == INFINITY) return x;
  int e;
  double m = frexp(x, &e);
  if (m < 0.70710678118654752440) m *= 2.0, e -= 1;
  const double s = (m - 1.0) / (m + 1.0), s2 = s * s;
  double p = 1.0 / 23.0;
  for (int k = 21; k >= 1; k -= 2) p = p * s2 + 1.0 / k;
  return e * LN2 + 2.0 * s * p;
}

/* log(1 + y) for y >= 0, accurate for tiny y (Goldberg's trick: the rounding of 1 + y cancels) */
static double energy_log1p(double y) {
  const double u = 1.0 + y;
  if (u == 1.0) return y;
  return energy_log(u) * (y / (u - 1.0));
}

double energy_softplus(double x) {
  if (x > 0.0) return x + energy_log1p(energy_exp(-x));
  return energy_log1p(energy_exp(x));
}

double energy_sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + energy_exp(-x));
  const double e = energy_exp(x);
  return e / (1.0 + e);
}

void energy_sincos2pi(double u, double *s, double *c) {
  const int q = (int)(4.0 * u + 0.5);             /* nearest quarter turn, 0..4 */
  const double a = (4.0 * u - q) * 1.57079632679489661923; /* |a| <= pi/4 */
  const double a2 = a * a;
  /* Taylor series to a^17 / a^18 (Horner in -a^2): remainder below 1e-17 on |a| <= pi/4 */
  static const double inv_odd[8] = {1.0 / 1307674368000.0, 1.0 / 6227020800.0, 1.0 / 39916800.0, 1.0 / 362880.0,
                                    1.0 / 5040.0, 1.0 / 120.0, 1.0 / 6.0, 1.0};            /* 1/15! .. 1/1! */
  static const double inv_even[9] = {1.0 / 20922789888000.0, 1.0 / 87178291200.0, 1.0 / 479001600.0, 1.0 / 3628800.0,
                                     1.0 / 40320.0, 1.0 / 720.0, 1.0 / 24.0, 0.5, 1.0};   /* 1/16! .. 1/0! */
  double sp = 1.0 / 355687428096000.0, cp = 1.0 / 6402373705728000.0; /* 1/17!, 1/18! */
  for (int k = 0; k < 8; k++) sp = sp * -a2 + inv_odd[k];
  for (int k = 0; k < 9; k++) cp = cp * -a2 + inv_even[k];
  const double sa = a * sp, ca = cp;
  switch (q & 3) {
    case 0: *s = sa, *c = ca; break;
    case 1: *s = ca, *c = -sa; break;
    case 2: *s = -sa, *c = -ca; break;
    default: *s = -ca, *c = sa; break;
  }
}

/* Box-Muller (1958): z0 = R cos(2 pi u2), z1 = R sin(2 pi u2), R = sqrt(-2 ln u1), u1 in (0, 1] */
void energy_add_normal(rng_state *r, float *x, size_t n) {
  for (size_t i = 0; i < n; i += 2) {
    const double u1 = (double)((rng_u64(r) >> 11) + 1) * 0x1p-53;
    const double u2 = (double)(rng_u64(r) >> 11) * 0x1p-53;
    const double R = arena_sqrt(-2.0 * energy_log(u1));
    double s, c;
    energy_sincos2pi(u2, &s, &c);
    x[i] += (float)(R * c);
    if (i + 1 < n) x[i + 1] += (float)(R * s);
  }
}

/* ---- errors ---- */

static rnnlab_status rbm_fail(rnnlab_rbm *r, rnnlab_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(r->err, sizeof r->err, st, fmt, ap);
  va_end(ap);
  return st;
}

/* ---- config ---- */

void rnnlab_rbm_config_default(rnnlab_rbm_config *c) {
  if (!c) return;
  memset(c, 0, sizeof *c);
  c->visible_units = RNNLAB_RBM_BINARY;
  c->init_scale = 0.01f;
  c->seed_lo = 1, c->seed_hi = 0;
}

void rnnlab_rbm_train_config_default(rnnlab_rbm_train_config *tc) {
  if (!tc) return;
  memset(tc, 0, sizeof *tc);
  tc->method = RNNLAB_RBM_CD;
  tc->k = 1;
  tc->learning_rate = 0.1f;
  tc->momentum = 0.5f;
  tc->weight_decay = 0.0001f;
  tc->chains = 0;
}

static rnnlab_status check_config(const rnnlab_rbm_config *c, char *err, size_t errlen) {
  if (c->visible < 1 || c->visible > RNNLAB_RBM_MAX_UNITS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "visible must be in 1..%d (got %d)", RNNLAB_RBM_MAX_UNITS, (int)c->visible);
  if (c->hidden < 1 || c->hidden > RNNLAB_RBM_MAX_UNITS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "hidden must be in 1..%d (got %d)", RNNLAB_RBM_MAX_UNITS, (int)c->hidden);
  if (c->visible_units != RNNLAB_RBM_BINARY && c->visible_units != RNNLAB_RBM_GAUSSIAN)
    return status_fail(err, errlen, RNNLAB_EINVAL, "visible_units must be 0 (binary) or 1 (gaussian) (got %d)", (int)c->visible_units);
  if (!isfinite(c->init_scale) || !(c->init_scale >= 0.0f))
    return status_fail(err, errlen, RNNLAB_EINVAL, "init_scale must be finite and >= 0 (got %g)", (double)c->init_scale);
  const double n = (double)c->visible * c->hidden + c->visible + c->hidden;
  if (n > RNNLAB_MAX_PARAMS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "RBM too large: %d x %d has %.0f parameters, the limit is %d", (int)c->visible,
                       (int)c->hidden, n, RNNLAB_MAX_PARAMS);
  return RNNLAB_OK;
}

/* wide: the larger layer (a chain's rows hold both) */
static rnnlab_status check_train(const rnnlab_rbm_train_config *tc, int wide, char *err, size_t errlen) {
  if (tc->method != RNNLAB_RBM_CD && tc->method != RNNLAB_RBM_PCD)
    return status_fail(err, errlen, RNNLAB_EINVAL, "method must be 0 (cd) or 1 (pcd) (got %d)", (int)tc->method);
  if (tc->k < 1 || tc->k > RNNLAB_RBM_MAX_K)
    return status_fail(err, errlen, RNNLAB_EINVAL, "k must be in 1..%d (got %d)", RNNLAB_RBM_MAX_K, (int)tc->k);
  if (!isfinite(tc->learning_rate) || !(tc->learning_rate > 0.0f))
    return status_fail(err, errlen, RNNLAB_EINVAL, "learning_rate must be finite and > 0 (got %g)", (double)tc->learning_rate);
  if (!(tc->momentum >= 0.0f && tc->momentum < 1.0f))
    return status_fail(err, errlen, RNNLAB_EINVAL, "momentum must be in [0, 1) (got %g)", (double)tc->momentum);
  if (!isfinite(tc->weight_decay) || !(tc->weight_decay >= 0.0f))
    return status_fail(err, errlen, RNNLAB_EINVAL, "weight_decay must be finite and >= 0 (got %g)", (double)tc->weight_decay);
  if (tc->chains < 0 || tc->chains > RNNLAB_RBM_MAX_CHAINS || (int64_t)tc->chains * wide > RNNLAB_MAX_ELEMS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "chains must be in 0..%d, and chains x units at most %d (got %d)",
                       RNNLAB_RBM_MAX_CHAINS, RNNLAB_MAX_ELEMS, (int)tc->chains);
  return RNNLAB_OK;
}

/* ---- create / free ---- */

static void rbm_views(rnnlab_rbm *r) {
  const size_t HV = (size_t)r->H * r->V;
  r->W = r->params, r->b = r->params + HV, r->c = r->params + HV + r->V;
  r->dW = r->grads, r->db = r->grads + HV, r->dc = r->grads + HV + r->V;
}

rnnlab_status rnnlab_rbm_create(const rnnlab_rbm_config *c, rnnlab_rbm **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = '\0';
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out must not be NULL");
  *out = NULL;
  if (!c) return status_fail(err, errlen, RNNLAB_EINVAL, "config is NULL");
  rnnlab_status s = check_config(c, err, errlen);
  if (s) return s;
  rnnlab_rbm *r = calloc(1, sizeof *r);
  if (!r) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for an RBM");
  r->cfg = *c;
  r->V = c->visible, r->H = c->hidden, r->gaussian = c->visible_units == RNNLAB_RBM_GAUSSIAN;
  r->n = (size_t)r->H * r->V + r->V + r->H;
  r->params = calloc(r->n, sizeof(float));
  r->grads = calloc(r->n, sizeof(float));
  if (!r->params || !r->grads) {
    rnnlab_rbm_free(r);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for %lu RBM parameters", (unsigned long)r->n);
  }
  rbm_views(r);
  /* W ~ N(0, init_scale^2), b = c = 0 (the guide, section 8) */
  const uint64_t seed = (uint64_t)c->seed_hi << 32 | c->seed_lo;
  rng_state init;
  rng_seed(&init, seed);
  energy_add_normal(&init, r->W, (size_t)r->H * r->V);
  for (size_t i = 0; i < (size_t)r->H * r->V; i++) r->W[i] *= c->init_scale;
  rng_seed(&r->rng, seed ^ RBM_TRAIN_SALT);
  rnnlab_rbm_train_config_default(&r->tc);
  *out = r;
  return RNNLAB_OK;
}

void rnnlab_rbm_free(rnnlab_rbm *r) {
  if (!r) return;
  optimizer_release(&r->opt);
  free(r->params), free(r->grads), free(r->chain);
  free(r->s_ph0), free(r->s_h), free(r->s_v), free(r->s_ph), free(r->s_r);
  free(r);
}

const char *rnnlab_rbm_error(const rnnlab_rbm *r) { return r ? r->err : "rbm is NULL"; }
const rnnlab_rbm_config *rnnlab_rbm_get_config(const rnnlab_rbm *r) { return r ? &r->cfg : NULL; }
const rnnlab_rbm_train_config *rnnlab_rbm_get_train_config(const rnnlab_rbm *r) { return r ? &r->tc : NULL; }
double rnnlab_rbm_steps(const rnnlab_rbm *r) { return r && r->have_opt ? (double)r->opt.steps : 0.0; }
int32_t rnnlab_rbm_chains(const rnnlab_rbm *r) { return r ? r->P : 0; }
int32_t rnnlab_rbm_exact_log2(const rnnlab_rbm *r) {
  if (!r) return 0;
  return r->gaussian || r->H <= r->V ? r->H : r->V;
}

#define OFF(T, f) (short)offsetof(T, f)
int32_t rnnlab_rbm_layout(int32_t what, int32_t field) {
  static const short cfg[] = {OFF(rnnlab_rbm_config, visible), OFF(rnnlab_rbm_config, hidden),
                              OFF(rnnlab_rbm_config, visible_units), OFF(rnnlab_rbm_config, init_scale),
                              OFF(rnnlab_rbm_config, seed_lo), OFF(rnnlab_rbm_config, seed_hi)};
  static const short train[] = {OFF(rnnlab_rbm_train_config, method), OFF(rnnlab_rbm_train_config, k),
                                OFF(rnnlab_rbm_train_config, learning_rate), OFF(rnnlab_rbm_train_config, momentum),
                                OFF(rnnlab_rbm_train_config, weight_decay), OFF(rnnlab_rbm_train_config, chains)};
  static const struct { const short *off; int n, size; } t[] = {
    {cfg, 6, sizeof(rnnlab_rbm_config)}, {train, 6, sizeof(rnnlab_rbm_train_config)}};
  if (what < 0 || what > 1) return -1;
  if (field < 0) return t[what].size;
  return field < t[what].n ? t[what].off[field] : -1;
}
#undef OFF

/* ---- tensors ---- */

static rnnlab_status tensor_at(rnnlab_rbm *r, int32_t which, size_t *off, size_t *len) {
  const size_t HV = (size_t)r->H * r->V;
  switch (which) {
    case 0: *off = 0, *len = HV; return RNNLAB_OK;
    case 1: *off = HV, *len = (size_t)r->V; return RNNLAB_OK;
    case 2: *off = HV + r->V, *len = (size_t)r->H; return RNNLAB_OK;
    default: return rbm_fail(r, RNNLAB_EINVAL, "tensor %d: 0 weight, 1 visible bias, 2 hidden bias", (int)which);
  }
}

rnnlab_status rnnlab_rbm_get(rnnlab_rbm *r, int32_t which, int32_t grads, float *out) {
  size_t off = 0, len = 0;
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = tensor_at(r, which, &off, &len);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  memcpy(out, (grads ? r->grads : r->params) + off, len * sizeof(float));
  return RNNLAB_OK;
}

static const char *tensor_name(int32_t which) { return which == 0 ? "weight" : which == 1 ? "visibleBias" : "hiddenBias"; }

rnnlab_status rnnlab_rbm_set(rnnlab_rbm *r, int32_t which, const float *in) {
  size_t off = 0, len = 0;
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = tensor_at(r, which, &off, &len);
  if (s) return s;
  if (!in) return rbm_fail(r, RNNLAB_EINVAL, "%s is NULL", tensor_name(which));
  for (size_t i = 0; i < len; i++)
    if (!isfinite(in[i])) return rbm_fail(r, RNNLAB_ENONFINITE, "%s[%lu] is %g: weights must be finite", tensor_name(which), (unsigned long)i, (double)in[i]);
  memcpy(r->params + off, in, len * sizeof(float));
  r->version++;
  return RNNLAB_OK;
}

/* ---- data ---- */

/* rows x V floats: finite, and 0 or 1 for binary visibles. name: what the message calls it. */
rnnlab_status rbm_check_data(rnnlab_rbm *r, const char *name, const float *data, int32_t rows) {
  if (!data) return rbm_fail(r, RNNLAB_EINVAL, "%s is NULL", name);
  if (rows < 1) return rbm_fail(r, RNNLAB_EINVAL, "%s: rows must be >= 1 (got %d)", name, (int)rows);
  const int wide = r->V > r->H ? r->V : r->H;
  if ((int64_t)rows * wide > RNNLAB_MAX_ELEMS)
    return rbm_fail(r, RNNLAB_EINVAL, "%s: %d rows x %d units is more than the limit %d", name, (int)rows, wide, RNNLAB_MAX_ELEMS);
  const size_t n = (size_t)rows * r->V;
  for (size_t i = 0; i < n; i++) {
    const float x = data[i];
    if (!isfinite(x))
      return rbm_fail(r, RNNLAB_ENONFINITE, "%s[%lu] (row %lu, unit %lu) is %g: data must be finite", name, (unsigned long)i,
                      (unsigned long)(i / r->V), (unsigned long)(i % r->V), (double)x);
    if (!r->gaussian && x != 0.0f && x != 1.0f)
      return rbm_fail(r, RNNLAB_EINVAL, "%s[%lu] (row %lu, unit %lu) = %g: a binary RBM's visible values are 0 or 1", name,
                      (unsigned long)i, (unsigned long)(i / r->V), (unsigned long)(i % r->V), (double)x);
  }
  return RNNLAB_OK;
}

/* the scratch blocks for R rows; grown only when more rows arrive than ever before */
static rnnlab_status ensure_rows(rnnlab_rbm *r, size_t R) {
  if (R <= r->cap_rows) return RNNLAB_OK;
  const size_t RH = R * r->H, RV = R * r->V;
  float *p[5] = {realloc(r->s_ph0, RH * sizeof(float)), NULL, NULL, NULL, NULL};
  if (p[0]) r->s_ph0 = p[0];
  p[1] = p[0] ? realloc(r->s_h, RH * sizeof(float)) : NULL;
  if (p[1]) r->s_h = p[1];
  p[2] = p[1] ? realloc(r->s_v, RV * sizeof(float)) : NULL;
  if (p[2]) r->s_v = p[2];
  p[3] = p[2] ? realloc(r->s_ph, RH * sizeof(float)) : NULL;
  if (p[3]) r->s_ph = p[3];
  p[4] = p[3] ? realloc(r->s_r, RV * sizeof(float)) : NULL;
  if (p[4]) r->s_r = p[4];
  if (!p[4]) return rbm_fail(r, RNNLAB_ENOMEM, "out of memory for %lu rows of scratch", (unsigned long)R);
  r->cap_rows = R;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_rbm_base_rates(rnnlab_rbm *r, const float *data, int32_t rows, float *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  for (int i = 0; i < r->V; i++) {
    double m = 0.0;
    for (int32_t n = 0; n < rows; n++) m += data[(size_t)n * r->V + i];
    m /= rows;
    if (r->gaussian) {
      out[i] = (float)m;
    } else { /* b_i = log(p_i / (1 - p_i)), the guide's section 8; p clamped so b stays finite */
      const double p = m < 0.001 ? 0.001 : m > 0.999 ? 0.999 : m;
      out[i] = (float)(energy_log(p) - energy_log(1.0 - p));
    }
  }
  return RNNLAB_OK;
}

rnnlab_status rnnlab_rbm_init_visible_bias(rnnlab_rbm *r, const float *data, int32_t rows) {
  if (!r) return RNNLAB_EINVAL;
  rnnlab_status s = rnnlab_rbm_base_rates(r, data, rows, r->b);
  if (!s) r->version++;
  return s;
}

/* ---- the conditionals over a block of R rows (float kernels) ---- */

/* x (R,H) = c + v W^T: the hidden units' inputs */
void rbm_hidden_input(const rnnlab_rbm *r, const float *v, int R, float *x) {
  for (int n = 0; n < R; n++) memcpy(x + (size_t)n * r->H, r->c, sizeof(float) * r->H);
  k_gemm_nt(R, r->H, r->V, v, r->V, r->W, r->V, x, r->H);
}

/* ph (R,H) = p(h = 1 | v) = sigmoid(c + W v) */
void rbm_hidden_probs(const rnnlab_rbm *r, const float *v, int R, float *ph) {
  rbm_hidden_input(r, v, R, ph);
  k_sigmoid(ph, ph, R * r->H);
}

/* m (R,V) = E[v | h] = sigmoid(b + W^T h) (binary) or b + W^T h (gaussian) */
void rbm_visible_mean(const rnnlab_rbm *r, const float *h, int R, float *m) {
  for (int n = 0; n < R; n++) memcpy(m + (size_t)n * r->V, r->b, sizeof(float) * r->V);
  k_gemm_nn(R, r->V, r->H, h, r->H, r->W, r->V, m, r->V);
  if (!r->gaussian) k_sigmoid(m, m, R * r->V);
}

/* out[i] = 1 with probability p[i] (out may be p) */
void rbm_bernoulli(rng_state *g, const float *p, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = rng_uniform(g) < p[i] ? 1.0f : 0.0f;
}

/* v (R,V) ~ p(v | h) */
void rbm_visible_sample(const rnnlab_rbm *r, rng_state *g, const float *h, int R, float *v) {
  rbm_visible_mean(r, h, R, v);
  if (r->gaussian) energy_add_normal(g, v, (size_t)R * r->V);
  else rbm_bernoulli(g, v, v, (size_t)R * r->V);
}

/* mean over rows and units of (v - m)^2, and the fraction with |v - m| < 0.5 */
static void recon_stats(const float *v, const float *m, size_t n, double *err, double *acc) {
  double e = 0.0;
  size_t ok = 0;
  for (size_t i = 0; i < n; i++) {
    const double d = (double)v[i] - (double)m[i];
    e += d * d;
    ok += fabs(d) < 0.5;
  }
  if (err) *err = e / (double)n;
  if (acc) *acc = (double)ok / (double)n;
}

/* ---- the CD / PCD estimate ---- */

/* g (arena layout) = the estimate of d(-mean log p(v0))/dtheta over B rows v0:
 *   positive: <v h>_data with h = p(h|v0);  negative: <v h> at the end of a k-step Gibbs chain,
 *   visibles sampled, hidden probabilities at the end (the guide, section 3.2-3.3)
 * chain NULL: CD-k, the chain starts at v0 (h0 sampled). Otherwise PCD-k: the P persistent
 * chains (P,V) are advanced k sweeps in place. recon (may be NULL): the mean-field reconstruction
 * error of v0. Scratch for max(B, P) rows must be there. */
static void rbm_estimate(rnnlab_rbm *r, const float *v0, int B, int k, rng_state *g, float *chain, int P, float *grad,
                         double *recon) {
  const int V = r->V, H = r->H;
  float *ph0 = r->s_ph0, *h = r->s_h, *ph = r->s_ph, *vn;
  int N;
  rbm_hidden_probs(r, v0, B, ph0);
  if (recon) {
    rbm_visible_mean(r, ph0, B, r->s_r);
    recon_stats(v0, r->s_r, (size_t)B * V, recon, NULL);
  }
  if (!chain) {
    vn = r->s_v, N = B;
    rbm_bernoulli(g, ph0, h, (size_t)B * H);
    for (int s = 1; s <= k; s++) {
      rbm_visible_sample(r, g, h, B, vn);
      rbm_hidden_probs(r, vn, B, ph);
      if (s < k) rbm_bernoulli(g, ph, h, (size_t)B * H);
    }
  } else {
    vn = chain, N = P;
    for (int s = 1; s <= k; s++) {
      rbm_hidden_probs(r, chain, P, ph);
      rbm_bernoulli(g, ph, h, (size_t)P * H);
      rbm_visible_sample(r, g, h, P, chain);
    }
    rbm_hidden_probs(r, chain, P, ph);
  }
  float *gW = grad, *gb = grad + (size_t)H * V, *gc = gb + V;
  arena_zero(grad, r->n);
  /* biases: <x>_model - <x>_data, column means in double */
  for (int i = 0; i < V; i++) {
    double pos = 0.0, neg = 0.0;
    for (int n = 0; n < B; n++) pos += v0[(size_t)n * V + i];
    for (int n = 0; n < N; n++) neg += vn[(size_t)n * V + i];
    gb[i] = (float)(neg / N - pos / B);
  }
  for (int j = 0; j < H; j++) {
    double pos = 0.0, neg = 0.0;
    for (int n = 0; n < B; n++) pos += ph0[(size_t)n * H + j];
    for (int n = 0; n < N; n++) neg += ph[(size_t)n * H + j];
    gc[j] = (float)(neg / N - pos / B);
  }
  /* weights: gW (H,V) = ph^T vn / N - ph0^T v0 / B */
  const float sp = -1.0f / (float)B, sn = 1.0f / (float)N;
  for (size_t i = 0; i < (size_t)B * H; i++) ph0[i] *= sp;
  for (size_t i = 0; i < (size_t)N * H; i++) ph[i] *= sn;
  k_gemm_tn(H, V, B, ph0, H, v0, V, gW, V);
  k_gemm_tn(H, V, N, ph, H, vn, V, gW, V);
}

/* ---- training ---- */

rnnlab_status rnnlab_rbm_set_train_config(rnnlab_rbm *r, const rnnlab_rbm_train_config *tc) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  if (!tc) return rbm_fail(r, RNNLAB_EINVAL, "train config is NULL");
  rnnlab_status s = check_train(tc, r->V > r->H ? r->V : r->H, r->err, sizeof r->err);
  if (s) return s;
  if (r->P && tc->chains && tc->chains != r->P)
    return rbm_fail(r, RNNLAB_ESTATE, "chains: the %d persistent chains exist already; cannot change them to %d", r->P,
                    (int)tc->chains);
  r->tc = *tc;
  if (r->P) r->tc.chains = r->P;
  return RNNLAB_OK;
}

/* the optimizer's config: SGD with momentum; weight decay is added to the weights' gradient by
 * the step itself (never to the biases), so the optimizer's own is 0 */
static void optimizer_config(const rnnlab_rbm_train_config *tc, rnnlab_train_config *oc) {
  rnnlab_train_config_default(oc);
  oc->optimizer = RNNLAB_OPT_MOMENTUM;
  oc->learning_rate = tc->learning_rate;
  oc->momentum = tc->momentum;
  oc->nesterov = 0;
  oc->weight_decay = 0.0f;
}

rnnlab_status rnnlab_rbm_step(rnnlab_rbm *r, const float *data, int32_t rows, rnnlab_step_result *res) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (s) return s;
  const rnnlab_rbm_train_config *tc = &r->tc;
  const int pcd = tc->method == RNNLAB_RBM_PCD;
  const int P = pcd ? (r->P ? r->P : tc->chains ? tc->chains : rows) : 0;
  s = ensure_rows(r, (size_t)(rows > P ? rows : P));
  if (s) return s;
  if (!r->have_opt) {
    rnnlab_train_config oc;
    optimizer_config(tc, &oc);
    s = optimizer_init(&r->opt, &oc, r->n, r->err, sizeof r->err);
    if (s) return s;
    r->have_opt = 1;
  }
  if (pcd && !r->chain) { /* the persistent chains start at the first PCD batch's rows, cycled */
    r->chain = malloc(sizeof(float) * (size_t)P * r->V);
    if (!r->chain) return rbm_fail(r, RNNLAB_ENOMEM, "out of memory for %d persistent chains", P);
    for (int p = 0; p < P; p++) memcpy(r->chain + (size_t)p * r->V, data + (size_t)(p % rows) * r->V, sizeof(float) * r->V);
    r->P = P;
    r->tc.chains = P;
  }
  r->opt.tc.learning_rate = tc->learning_rate;
  r->opt.tc.momentum = tc->momentum;
  double recon = 0.0;
  rbm_estimate(r, data, rows, tc->k, &r->rng, pcd ? r->chain : NULL, P, r->grads, &recon);
  const size_t HV = (size_t)r->H * r->V;
  if (tc->weight_decay > 0.0f)
    for (size_t i = 0; i < HV; i++) r->dW[i] += tc->weight_decay * r->W[i];
  const double norm = arena_sqrt(arena_sumsq(r->grads, r->n));
  if (!isfinite(norm))
    return rbm_fail(r, RNNLAB_ENONFINITE, "the gradient is not finite (norm %g): the weights diverged; lower the learning rate", norm);
  param_arena a = {r->params, r->grads, r->n};
  optimizer_apply(&r->opt, &a, norm);
  r->version++;
  if (res) {
    res->loss = (float)recon;
    res->grad_norm = (float)norm;
    res->clipped = 0;
    res->chunks = 1;
  }
  return RNNLAB_OK;
}

/* ---- exact sums by enumeration ---- */

typedef struct { double m, s; } lse_acc; /* running max and the sum of exp(x - max) */

static void lse_add(lse_acc *a, double x) {
  if (x == -INFINITY) return;
  if (x <= a->m) a->s += energy_exp(x - a->m);
  else a->s = a->s * energy_exp(a->m - x) + 1.0, a->m = x;
}

static double lse_result(const lse_acc *a) { return a->s > 0.0 ? a->m + energy_log(a->s) : -INFINITY; }

/* The enumeration of one layer's 2^m states, in double. Wt (m, other): unit s's couplings to
 * the other layer; base (other): the other layer's biases; own (m): this layer's biases.
 * visit(ctx, log p~(state), state (m), act (other): the other layer's input). */
typedef struct {
  int m, other, mode; /* mode 0: over h, binary v; 1: over h, gaussian v; 2: over v, binary h */
  double *Wt, *base, *own;
  double konst;       /* added to every log p~: gaussian (V/2) log 2pi - |b|^2/2 */
} enum_spec;

typedef void (*enum_visit)(void *ctx, double logp, const unsigned char *state, const double *act);

static void enumerate(const enum_spec *e, double *act, unsigned char *state, enum_visit visit, void *ctx) {
  const int m = e->m, O = e->other;
  double ownsum = 0.0;
  for (int t = 0; t < O; t++) act[t] = e->base[t];
  memset(state, 0, (size_t)m);
  const uint64_t count = (uint64_t)1 << m;
  for (uint64_t g = 0; g < count; g++) {
    if (g) { /* Gray code: flip the unit of g's lowest set bit */
      int j = 0;
      while (!((g >> j) & 1u)) j++;
      state[j] ^= 1u;
      const double *w = e->Wt + (size_t)j * O;
      if (state[j]) {
        for (int t = 0; t < O; t++) act[t] += w[t];
        ownsum += e->own[j];
      } else {
        for (int t = 0; t < O; t++) act[t] -= w[t];
        ownsum -= e->own[j];
      }
    }
    double lp = ownsum + e->konst;
    if (e->mode == 1)
      for (int t = 0; t < O; t++) lp += 0.5 * act[t] * act[t];
    else
      for (int t = 0; t < O; t++) lp += energy_softplus(act[t]);
    visit(ctx, lp, state, act);
  }
}

/* Builds the enumeration of the smaller layer (Gaussian: the hidden one) with its buffers. */
typedef struct {
  enum_spec e;
  double *act;
  unsigned char *state;
} enum_job;

static void job_release(enum_job *j) {
  free(j->e.Wt), free(j->e.base), free(j->e.own), free(j->act), free(j->state);
}

static rnnlab_status job_make(rnnlab_rbm *r, enum_job *j, const char *what) {
  memset(j, 0, sizeof *j);
  const int m = rnnlab_rbm_exact_log2(r);
  if (m > RNNLAB_RBM_MAX_EXACT_LOG2)
    return rbm_fail(r, RNNLAB_EINVAL,
                    "%s: the exact sum needs 2^%d states (the %s layer has %d units), the limit is 2^%d = %d states; use AIS (estimateLogPartition)",
                    what, m, r->gaussian ? "hidden" : "smaller", m, RNNLAB_RBM_MAX_EXACT_LOG2, 1 << RNNLAB_RBM_MAX_EXACT_LOG2);
  const int over_h = r->gaussian || r->H <= r->V, V = r->V, H = r->H;
  enum_spec *e = &j->e;
  e->m = m, e->other = over_h ? V : H, e->mode = over_h ? (r->gaussian ? 1 : 0) : 2;
  e->Wt = malloc(sizeof(double) * (size_t)H * V);
  e->base = malloc(sizeof(double) * (size_t)e->other);
  e->own = malloc(sizeof(double) * (size_t)m);
  j->act = malloc(sizeof(double) * (size_t)e->other);
  j->state = malloc((size_t)m);
  if (!e->Wt || !e->base || !e->own || !j->act || !j->state) {
    job_release(j);
    return rbm_fail(r, RNNLAB_ENOMEM, "%s: out of memory", what);
  }
  if (over_h) {
    for (size_t i = 0; i < (size_t)H * V; i++) e->Wt[i] = r->W[i];
    for (int i = 0; i < V; i++) e->base[i] = r->b[i];
    for (int h = 0; h < H; h++) e->own[h] = r->c[h];
  } else {
    for (int h = 0; h < H; h++)
      for (int i = 0; i < V; i++) e->Wt[(size_t)i * H + h] = r->W[(size_t)h * V + i];
    for (int h = 0; h < H; h++) e->base[h] = r->c[h];
    for (int i = 0; i < V; i++) e->own[i] = r->b[i];
  }
  e->konst = 0.0;
  if (r->gaussian) {
    double bb = 0.0;
    for (int i = 0; i < V; i++) bb += (double)r->b[i] * r->b[i];
    e->konst = 0.5 * V * LOG_2PI - 0.5 * bb;
  }
  return RNNLAB_OK;
}

static void visit_lse(void *ctx, double lp, const unsigned char *state, const double *act) {
  (void)state, (void)act;
  lse_add((lse_acc *)ctx, lp);
}

rnnlab_status rnnlab_rbm_log_partition(rnnlab_rbm *r, double *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  if (r->logz_ok && r->logz_version == r->version) {
    *out = r->logz;
    return RNNLAB_OK;
  }
  enum_job j;
  rnnlab_status s = job_make(r, &j, "logPartition");
  if (s) return s;
  lse_acc a = {-INFINITY, 0.0};
  enumerate(&j.e, j.act, j.state, visit_lse, &a);
  job_release(&j);
  r->logz = lse_result(&a);
  r->logz_ok = 1, r->logz_version = r->version;
  *out = r->logz;
  return RNNLAB_OK;
}

/* F(v) in double: -b.v - sum_j softplus(c_j + W_j v) (binary), |v - b|^2/2 - sum_j ... (gaussian) */
static double free_energy_row(const rnnlab_rbm *r, const float *v) {
  const int V = r->V, H = r->H;
  double f = 0.0;
  if (r->gaussian)
    for (int i = 0; i < V; i++) {
      const double d = (double)v[i] - r->b[i];
      f += 0.5 * d * d;
    }
  else
    for (int i = 0; i < V; i++) f -= (double)r->b[i] * v[i];
  for (int j = 0; j < H; j++) {
    const float *w = r->W + (size_t)j * V;
    double x = r->c[j];
    for (int i = 0; i < V; i++) x += (double)w[i] * v[i];
    f -= energy_softplus(x);
  }
  return f;
}

rnnlab_status rnnlab_rbm_free_energy(rnnlab_rbm *r, const float *data, int32_t rows, double *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "v", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  for (int32_t n = 0; n < rows; n++) out[n] = free_energy_row(r, data + (size_t)n * r->V);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_rbm_log_likelihood(rnnlab_rbm *r, const float *data, int32_t rows, double *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  double logz;
  s = rnnlab_rbm_log_partition(r, &logz);
  if (s) return s;
  double sum = 0.0;
  for (int32_t n = 0; n < rows; n++) sum += -free_energy_row(r, data + (size_t)n * r->V);
  *out = sum / rows - logz;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_rbm_pseudo_likelihood(rnnlab_rbm *r, const float *data, int32_t rows, double *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  if (r->gaussian)
    return rbm_fail(r, RNNLAB_ESTATE, "pseudoLikelihood is defined here for binary visibles only (a Gaussian unit's conditional is a mixture of 2^H Gaussians)");
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  const int V = r->V, H = r->H;
  double *x = malloc(sizeof(double) * (size_t)H);
  if (!x) return rbm_fail(r, RNNLAB_ENOMEM, "pseudoLikelihood: out of memory");
  double total = 0.0;
  for (int32_t n = 0; n < rows; n++) {
    const float *v = data + (size_t)n * V;
    double bv = 0.0, f0;
    for (int i = 0; i < V; i++) bv += (double)r->b[i] * v[i];
    f0 = -bv;
    for (int j = 0; j < H; j++) {
      const float *w = r->W + (size_t)j * V;
      double a = r->c[j];
      for (int i = 0; i < V; i++) a += (double)w[i] * v[i];
      x[j] = a;
      f0 -= energy_softplus(a);
    }
    /* log p(v_i | v_-i) = -softplus(F(v) - F(v with unit i flipped)) */
    for (int i = 0; i < V; i++) {
      const double d = v[i] != 0.0f ? -1.0 : 1.0;
      double fi = -(bv + d * r->b[i]);
      for (int j = 0; j < H; j++) fi -= energy_softplus(x[j] + d * r->W[(size_t)j * V + i]);
      total -= energy_softplus(f0 - fi);
    }
  }
  free(x);
  *out = total / rows;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_rbm_reconstruct(rnnlab_rbm *r, const float *data, int32_t rows, float *hidden, float *recon,
                                     double *error, double *accuracy) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (!s) s = ensure_rows(r, (size_t)rows);
  if (s) return s;
  rbm_hidden_probs(r, data, rows, r->s_ph0);
  rbm_visible_mean(r, r->s_ph0, rows, r->s_r);
  recon_stats(data, r->s_r, (size_t)rows * r->V, error, accuracy);
  if (hidden) memcpy(hidden, r->s_ph0, sizeof(float) * (size_t)rows * r->H);
  if (recon) memcpy(recon, r->s_r, sizeof(float) * (size_t)rows * r->V);
  return RNNLAB_OK;
}

/* ---- the exact gradient ---- */

typedef struct {
  const rnnlab_rbm *r;
  int over_h, m, O;
  double logz;
  double *Es, *Eo, *Eso; /* (m), (O), (m,O): model expectations of the enumerated layer, the other, their products */
} grad_acc;

static void visit_grad(void *ctx, double lp, const unsigned char *state, const double *act) {
  grad_acc *g = ctx;
  const double p = energy_exp(lp - g->logz);
  const int O = g->O, gauss = g->r->gaussian;
  /* E[other | state]: sigmoid of its input, or the input itself for Gaussian visibles */
  for (int t = 0; t < O; t++) {
    const double mo = gauss ? act[t] : energy_sigmoid(act[t]);
    g->Eo[t] += p * mo;
    for (int s = 0; s < g->m; s++)
      if (state[s]) g->Eso[(size_t)s * O + t] += p * mo;
  }
  for (int s = 0; s < g->m; s++)
    if (state[s]) g->Es[s] += p;
}

static rnnlab_status exact_gradient(rnnlab_rbm *r, const float *data, int32_t rows, float *out) {
  const int V = r->V, H = r->H;
  double logz;
  rnnlab_status s = rnnlab_rbm_log_partition(r, &logz);
  if (s) return s;
  enum_job j;
  s = job_make(r, &j, "gradient");
  if (s) return s;
  grad_acc g = {r, r->gaussian || H <= V, j.e.m, j.e.other, logz, NULL, NULL, NULL};
  double *Evh = calloc((size_t)H * V, sizeof(double)), *Ev = calloc((size_t)V, sizeof(double)),
         *Eh = calloc((size_t)H, sizeof(double));
  g.Es = calloc((size_t)g.m, sizeof(double)), g.Eo = calloc((size_t)g.O, sizeof(double));
  g.Eso = calloc((size_t)g.m * g.O, sizeof(double));
  if (!Evh || !Ev || !Eh || !g.Es || !g.Eo || !g.Eso) {
    s = rbm_fail(r, RNNLAB_ENOMEM, "gradient: out of memory");
    goto done;
  }
  enumerate(&j.e, j.act, j.state, visit_grad, &g);
  /* the data's expectations: <v>, <p(h|v)>, <p(h|v) v^T> in double */
  for (int32_t n = 0; n < rows; n++) {
    const float *v = data + (size_t)n * V;
    for (int i = 0; i < V; i++) Ev[i] += v[i];
    for (int h = 0; h < H; h++) {
      const float *w = r->W + (size_t)h * V;
      double x = r->c[h];
      for (int i = 0; i < V; i++) x += (double)w[i] * v[i];
      const double ph = energy_sigmoid(x);
      Eh[h] += ph;
      for (int i = 0; i < V; i++) Evh[(size_t)h * V + i] += ph * v[i];
    }
  }
  /* d(-mean log p)/dtheta = <.>_model - <.>_data */
  float *gW = out, *gb = out + (size_t)H * V, *gc = gb + V;
  for (int h = 0; h < H; h++)
    for (int i = 0; i < V; i++) {
      const double model = g.over_h ? g.Eso[(size_t)h * V + i] : g.Eso[(size_t)i * H + h];
      gW[(size_t)h * V + i] = (float)(model - Evh[(size_t)h * V + i] / rows);
    }
  for (int i = 0; i < V; i++) gb[i] = (float)((g.over_h ? g.Eo[i] : g.Es[i]) - Ev[i] / rows);
  for (int h = 0; h < H; h++) gc[h] = (float)((g.over_h ? g.Es[h] : g.Eo[h]) - Eh[h] / rows);
done:
  free(Evh), free(Ev), free(Eh), free(g.Es), free(g.Eo), free(g.Eso);
  job_release(&j);
  return s;
}

rnnlab_status rnnlab_rbm_gradient(rnnlab_rbm *r, const float *data, int32_t rows, int32_t k, uint32_t seed_lo,
                                  uint32_t seed_hi, float *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  if (k < 0 || k > RNNLAB_RBM_MAX_K) return rbm_fail(r, RNNLAB_EINVAL, "k must be in 0..%d, 0 = exact (got %d)", RNNLAB_RBM_MAX_K, (int)k);
  if (k == 0) return exact_gradient(r, data, rows, out);
  s = ensure_rows(r, (size_t)rows);
  if (s) return s;
  rng_state g;
  rng_seed(&g, (uint64_t)seed_hi << 32 | seed_lo);
  rbm_estimate(r, data, rows, k, &g, NULL, 0, out, NULL);
  return RNNLAB_OK;
}

/* ---- annealed importance sampling ---- */

rnnlab_status rnnlab_rbm_ais(rnnlab_rbm *r, int32_t chains, int32_t nbetas, const double *betas, const float *base_bias,
                             uint32_t seed_lo, uint32_t seed_hi, double *logz, double *std_error) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  const int V = r->V, H = r->H, N = chains, K = nbetas;
  if (chains < 2 || chains > RNNLAB_RBM_MAX_CHAINS || (int64_t)chains * (V > H ? V : H) > RNNLAB_MAX_ELEMS)
    return rbm_fail(r, RNNLAB_EINVAL, "chains must be in 2..%d, and chains x units at most %d (got %d)", RNNLAB_RBM_MAX_CHAINS,
                    RNNLAB_MAX_ELEMS, (int)chains);
  if (nbetas < 1 || nbetas > 10 * RNNLAB_RBM_MAX_K)
    return rbm_fail(r, RNNLAB_EINVAL, "betas: the number of intermediate distributions must be in 1..%d (got %d)",
                    10 * RNNLAB_RBM_MAX_K, (int)nbetas);
  if (betas) {
    if (betas[0] != 0.0 || betas[K] != 1.0)
      return rbm_fail(r, RNNLAB_EINVAL, "betas must start at 0 and end at 1 (got %g .. %g)", betas[0], betas[K]);
    for (int k = 1; k <= K; k++)
      if (!(betas[k] >= betas[k - 1]))
        return rbm_fail(r, RNNLAB_EINVAL, "betas must be non-decreasing: betas[%d] = %g after %g", k, betas[k], betas[k - 1]);
  }
  if (base_bias)
    for (int i = 0; i < V; i++)
      if (!isfinite(base_bias[i])) return rbm_fail(r, RNNLAB_ENONFINITE, "baseVisibleBias[%d] is %g: it must be finite", i, (double)base_bias[i]);
  if (!logz || !std_error) return rbm_fail(r, RNNLAB_EINVAL, "logz and std_error must not be NULL");
  float *bA = malloc(sizeof(float) * V), *v = malloc(sizeof(float) * (size_t)N * V), *x = malloc(sizeof(float) * (size_t)N * H),
        *h = malloc(sizeof(float) * (size_t)N * H);
  double *w = calloc((size_t)N, sizeof(double));
  if (!bA || !v || !x || !h || !w) {
    free(bA), free(v), free(x), free(h), free(w);
    return rbm_fail(r, RNNLAB_ENOMEM, "estimateLogPartition: out of memory for %d chains", N);
  }
  memcpy(bA, base_bias ? base_bias : r->b, sizeof(float) * V);
  rng_state g;
  rng_seed(&g, (uint64_t)seed_hi << 32 | seed_lo);
  /* log Z_A of the base-rate RBM (W = 0, c = 0): H log 2 + sum_i softplus(bA_i) or (V/2) log 2pi */
  double logza = H * LN2, dbb = 0.0;
  if (r->gaussian) {
    logza += 0.5 * V * LOG_2PI;
    for (int i = 0; i < V; i++) dbb += 0.5 * ((double)r->b[i] * r->b[i] - (double)bA[i] * bA[i]);
  } else {
    for (int i = 0; i < V; i++) logza += energy_softplus(bA[i]);
  }
  /* v_1 ~ p_A exactly */
  for (int n = 0; n < N; n++) memcpy(v + (size_t)n * V, bA, sizeof(float) * V);
  if (r->gaussian) energy_add_normal(&g, v, (size_t)N * V);
  else {
    k_sigmoid(v, v, N * V);
    rbm_bernoulli(&g, v, v, (size_t)N * V);
  }
  double prev = 0.0;
  for (int k = 1; k <= K; k++) {
    const double bk = betas ? betas[k] : (double)k / K;
    /* w += log p~_k(v) - log p~_{k-1}(v) at the current v */
    rbm_hidden_input(r, v, N, x);
    for (int n = 0; n < N; n++) {
      const float *vn = v + (size_t)n * V, *xn = x + (size_t)n * H;
      double d = 0.0;
      for (int i = 0; i < V; i++) d += ((double)r->b[i] - bA[i]) * vn[i];
      d = (bk - prev) * (d - dbb);
      for (int j = 0; j < H; j++) d += energy_softplus(bk * xn[j]) - energy_softplus(prev * xn[j]);
      w[n] += d;
    }
    if (k < K) { /* one Gibbs sweep that leaves p_k invariant */
      const float fb = (float)bk, fa = (float)(1.0 - bk);
      for (size_t t = 0; t < (size_t)N * H; t++) h[t] = fb * x[t];
      k_sigmoid(h, h, N * H);
      rbm_bernoulli(&g, h, h, (size_t)N * H);
      memset(v, 0, sizeof(float) * (size_t)N * V);
      k_gemm_nn(N, V, H, h, H, r->W, V, v, V);
      for (int n = 0; n < N; n++)
        for (int i = 0; i < V; i++) {
          float *vi = v + (size_t)n * V + i;
          *vi = fa * bA[i] + fb * (r->b[i] + *vi);
        }
      if (r->gaussian) energy_add_normal(&g, v, (size_t)N * V);
      else {
        k_sigmoid(v, v, N * V);
        rbm_bernoulli(&g, v, v, (size_t)N * V);
      }
    }
    prev = bk;
  }
  /* log mean exp(w) and its delta-method standard error */
  double wmax = w[0], mean = 0.0, var = 0.0;
  for (int n = 1; n < N; n++) wmax = w[n] > wmax ? w[n] : wmax;
  for (int n = 0; n < N; n++) mean += energy_exp(w[n] - wmax);
  mean /= N;
  for (int n = 0; n < N; n++) {
    const double d = energy_exp(w[n] - wmax) - mean;
    var += d * d;
  }
  var /= (N - 1);
  *logz = logza + wmax + energy_log(mean);
  *std_error = arena_sqrt(var / N) / mean;
  free(bA), free(v), free(x), free(h), free(w);
  return RNNLAB_OK;
}

/* ---- sampling ---- */

rnnlab_status rnnlab_rbm_sample(rnnlab_rbm *r, int32_t chains, int32_t steps, const float *start, uint32_t seed_lo,
                                uint32_t seed_hi, float *visible, float *probs, float *hidden) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  const int V = r->V, H = r->H, N = chains;
  if (chains < 1 || chains > RNNLAB_RBM_MAX_CHAINS || (int64_t)chains * (V > H ? V : H) > RNNLAB_MAX_ELEMS)
    return rbm_fail(r, RNNLAB_EINVAL, "chains must be in 1..%d, and chains x units at most %d (got %d)", RNNLAB_RBM_MAX_CHAINS,
                    RNNLAB_MAX_ELEMS, (int)chains);
  if (steps < 1 || steps > RNNLAB_RBM_MAX_K)
    return rbm_fail(r, RNNLAB_EINVAL, "steps must be in 1..%d (got %d)", RNNLAB_RBM_MAX_K, (int)steps);
  if (start) {
    rnnlab_status s = rbm_check_data(r, "start", start, chains);
    if (s) return s;
  }
  if (!visible) return rbm_fail(r, RNNLAB_EINVAL, "visible is NULL");
  float *h = malloc(sizeof(float) * (size_t)N * H), *m = malloc(sizeof(float) * (size_t)N * V);
  if (!h || !m) {
    free(h), free(m);
    return rbm_fail(r, RNNLAB_ENOMEM, "sample: out of memory for %d chains", N);
  }
  rng_state g;
  rng_seed(&g, (uint64_t)seed_hi << 32 | seed_lo);
  if (start) memcpy(visible, start, sizeof(float) * (size_t)N * V);
  else { /* a sample of the visible biases alone */
    for (int n = 0; n < N; n++) memcpy(visible + (size_t)n * V, r->b, sizeof(float) * V);
    if (r->gaussian) energy_add_normal(&g, visible, (size_t)N * V);
    else {
      k_sigmoid(visible, visible, N * V);
      rbm_bernoulli(&g, visible, visible, (size_t)N * V);
    }
  }
  for (int s = 0; s < steps; s++) {
    rbm_hidden_probs(r, visible, N, h);
    rbm_bernoulli(&g, h, h, (size_t)N * H);
    rbm_visible_mean(r, h, N, m);
    memcpy(visible, m, sizeof(float) * (size_t)N * V);
    if (r->gaussian) energy_add_normal(&g, visible, (size_t)N * V);
    else rbm_bernoulli(&g, visible, visible, (size_t)N * V);
  }
  if (probs) memcpy(probs, m, sizeof(float) * (size_t)N * V);
  if (hidden) rbm_hidden_probs(r, visible, N, hidden);
  free(h), free(m);
  return RNNLAB_OK;
}

/* ---- save / load ---- */

#define RBM_VERSION 1u
#define RBM_FLAG_TRAIN 1u
#define RBM_HEADER_LEN 52u

static const uint8_t rbm_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, 5};

static uint8_t *put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
  return p + 4;
}
static uint8_t *put_u64(uint8_t *p, uint64_t v) { return put_u32(put_u32(p, (uint32_t)v), (uint32_t)(v >> 32)); }
static uint32_t f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static float bits_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static uint8_t *put_f32s(uint8_t *p, const float *a, size_t n) {
  for (size_t i = 0; i < n; i++) p = put_u32(p, f32_bits(a[i]));
  return p;
}
static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }
static int32_t bits_i32(uint32_t u) { return u <= 0x7FFFFFFFu ? (int32_t)u : -(int32_t)(~u) - 1; }
/* n floats into a; the index of the first non-finite one, or n */
static size_t get_f32s(float *a, const uint8_t *p, size_t n) {
  size_t bad = n;
  for (size_t i = 0; i < n; i++, p += 4) {
    a[i] = bits_f32(get_u32(p));
    if (bad == n && !isfinite(a[i])) bad = i;
  }
  return bad;
}

size_t rnnlab_rbm_save_size(const rnnlab_rbm *r, int32_t with_training) {
  if (!r) return 0;
  size_t len = RBM_HEADER_LEN + 4 * r->n + 4;
  if (with_training) len += 24 + 8 + 4 + (r->have_opt ? 4 * r->n : 0) + 8 + 4 + 4 * (size_t)r->P * r->V;
  return len;
}

rnnlab_status rnnlab_rbm_save(rnnlab_rbm *r, int32_t with_training, uint8_t *buf, size_t len) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  const size_t need = rnnlab_rbm_save_size(r, with_training);
  if (!buf || len < need)
    return rbm_fail(r, RNNLAB_EINVAL, "save: buffer too small: need %lu bytes, got %lu", (unsigned long)need, (unsigned long)(buf ? len : 0));
  uint8_t *p = buf;
  memcpy(p, rbm_magic, 8), p += 8;
  p = put_u32(p, RBM_VERSION);
  p = put_u32(p, with_training ? RBM_FLAG_TRAIN : 0u);
  p = put_u32(p, RBM_HEADER_LEN);
  p = put_u32(p, (uint32_t)r->cfg.visible), p = put_u32(p, (uint32_t)r->cfg.hidden);
  p = put_u32(p, (uint32_t)r->cfg.visible_units), p = put_u32(p, f32_bits(r->cfg.init_scale));
  p = put_u32(p, r->cfg.seed_lo), p = put_u32(p, r->cfg.seed_hi);
  p = put_u64(p, (uint64_t)r->n);
  p = put_f32s(p, r->params, r->n);
  if (with_training) {
    const rnnlab_rbm_train_config *tc = &r->tc;
    p = put_u32(p, (uint32_t)tc->method), p = put_u32(p, (uint32_t)tc->k);
    p = put_u32(p, f32_bits(tc->learning_rate)), p = put_u32(p, f32_bits(tc->momentum));
    p = put_u32(p, f32_bits(tc->weight_decay)), p = put_u32(p, (uint32_t)tc->chains);
    p = put_u64(p, r->have_opt ? (uint64_t)r->opt.steps : 0u);
    p = put_u32(p, r->have_opt ? 1u : 0u);
    if (r->have_opt) p = put_f32s(p, r->opt.m1, r->n);
    p = put_u64(p, r->rng.s);
    p = put_u32(p, (uint32_t)r->P);
    p = put_f32s(p, r->chain, (size_t)r->P * r->V);
  }
  p = put_u32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  return RNNLAB_OK;
}

static const char *kind_name(uint8_t k) {
  switch (k) {
    case 1: return "model (lab.loadModel)";
    case 2: case 3: return "seq2seq model (lab.loadSeq2Seq)";
    case 4: return "Hopfield network";
    case 6: return "deep belief net";
    case 7: return "Boltzmann machine";
    default: return NULL;
  }
}

#define LOAD_FAIL(...) do { s = status_fail(err, errlen, RNNLAB_EFORMAT, __VA_ARGS__); goto fail; } while (0)

rnnlab_status rnnlab_rbm_load(const uint8_t *buf, size_t len, rnnlab_rbm **out, char *err, size_t errlen) {
  rnnlab_rbm *r = NULL;
  rnnlab_status s = RNNLAB_OK;
  if (err && errlen) err[0] = '\0';
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "load: out must not be NULL");
  *out = NULL;
  if (!buf || len == 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "empty buffer: no saved RBM");
  if (len >= 8 && memcmp(buf, rbm_magic, 7) == 0 && buf[7] != 5) {
    const char *k = kind_name(buf[7]);
    if (k) return status_fail(err, errlen, RNNLAB_EFORMAT, "this is a saved %s (file kind %d), not an RBM", k, buf[7]);
    return status_fail(err, errlen, RNNLAB_EFORMAT, "file kind %d is not an RBM (5): saved by a newer rnnlab?", buf[7]);
  }
  if (len < RBM_HEADER_LEN + 4)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "too short: %lu bytes, a saved RBM has at least %u", (unsigned long)len, RBM_HEADER_LEN + 4);
  if (memcmp(buf, rbm_magic, 8) != 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "not an rnnlab RBM (bad magic)");
  const uint32_t version = get_u32(buf + 8), flags = get_u32(buf + 12), hlen = get_u32(buf + 16);
  if (version > RBM_VERSION)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "saved by a newer rnnlab (RBM format %lu); this build reads format %u",
                       (unsigned long)version, RBM_VERSION);
  if (version != RBM_VERSION) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown RBM format version %lu", (unsigned long)version);
  if (hlen != RBM_HEADER_LEN) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad header length %lu", (unsigned long)hlen);
  if (flags & ~RBM_FLAG_TRAIN) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown flags 0x%lx", (unsigned long)flags);
  rnnlab_rbm_config cfg;
  cfg.visible = bits_i32(get_u32(buf + 20)), cfg.hidden = bits_i32(get_u32(buf + 24));
  cfg.visible_units = bits_i32(get_u32(buf + 28)), cfg.init_scale = bits_f32(get_u32(buf + 32));
  cfg.seed_lo = get_u32(buf + 36), cfg.seed_hi = get_u32(buf + 40);
  char cerr[ERRLEN];
  if (check_config(&cfg, cerr, sizeof cerr)) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad config: %s", cerr);
  const uint64_t n = get_u64(buf + 44);
  const uint64_t V = (uint64_t)cfg.visible, H = (uint64_t)cfg.hidden;
  if (n != H * V + V + H)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "parameter count %llu does not fit %d x %d", (unsigned long long)n,
                       (int)cfg.visible, (int)cfg.hidden);
  /* the expected length, block by block, before reading any of them */
  uint64_t expect = RBM_HEADER_LEN + 4 * n, tpos = expect, mpos = 0;
  uint32_t moments = 0, P = 0;
  if (flags & RBM_FLAG_TRAIN) {
    if (len < tpos + 36 + 4) LOAD_FAIL("truncated: the training block is cut off (%lu bytes)", (unsigned long)len);
    moments = get_u32(buf + tpos + 32);
    if (moments > 1) LOAD_FAIL("bad momentum flag %lu", (unsigned long)moments);
    mpos = tpos + 36 + (moments ? 4 * n : 0);
    if (len < mpos + 12 + 4) LOAD_FAIL("truncated: the training block is cut off (%lu bytes)", (unsigned long)len);
    P = get_u32(buf + mpos + 8);
    if (P > RNNLAB_RBM_MAX_CHAINS || (uint64_t)P * V > RNNLAB_MAX_ELEMS) LOAD_FAIL("bad persistent chain count %lu", (unsigned long)P);
    expect = mpos + 12 + 4 * (uint64_t)P * V;
  }
  expect += 4;
  if ((uint64_t)len < expect) LOAD_FAIL("truncated: expected %llu bytes, got %lu", (unsigned long long)expect, (unsigned long)len);
  if ((uint64_t)len > expect) LOAD_FAIL("%lu bytes after the end of the RBM", (unsigned long)(len - expect));
  if (rnnlab_crc32(buf, len - 4) != get_u32(buf + len - 4)) LOAD_FAIL("checksum mismatch: file is corrupted");
  s = rnnlab_rbm_create(&cfg, &r, cerr, sizeof cerr);
  if (s) {
    s = status_fail(err, errlen, s, "%s", cerr);
    goto fail;
  }
  size_t bad = get_f32s(r->params, buf + RBM_HEADER_LEN, r->n);
  if (bad < r->n) LOAD_FAIL("parameter %lu is not finite", (unsigned long)bad);
  if (flags & RBM_FLAG_TRAIN) {
    const uint8_t *q = buf + tpos;
    rnnlab_rbm_train_config tc;
    tc.method = bits_i32(get_u32(q)), tc.k = bits_i32(get_u32(q + 4));
    tc.learning_rate = bits_f32(get_u32(q + 8)), tc.momentum = bits_f32(get_u32(q + 12));
    tc.weight_decay = bits_f32(get_u32(q + 16)), tc.chains = bits_i32(get_u32(q + 20));
    if (check_train(&tc, r->V > r->H ? r->V : r->H, cerr, sizeof cerr)) LOAD_FAIL("bad training options: %s", cerr);
    if (P && tc.chains != (int32_t)P) LOAD_FAIL("the training options say %d chains, the file holds %lu", (int)tc.chains, (unsigned long)P);
    r->tc = tc;
    const uint64_t steps = get_u64(q + 24);
    if (steps > (uint64_t)INT64_MAX) LOAD_FAIL("bad update count");
    if (moments) {
      rnnlab_train_config oc;
      optimizer_config(&tc, &oc);
      s = optimizer_init(&r->opt, &oc, r->n, cerr, sizeof cerr);
      if (s) {
        s = status_fail(err, errlen, s, "%s", cerr);
        goto fail;
      }
      r->have_opt = 1;
      r->opt.steps = (int64_t)steps;
      bad = get_f32s(r->opt.m1, q + 36, r->n);
      if (bad < r->n) LOAD_FAIL("momentum %lu is not finite", (unsigned long)bad);
    } else if (steps) LOAD_FAIL("%llu updates but no momentum buffer", (unsigned long long)steps);
    r->rng.s = get_u64(buf + mpos);
    if (P) {
      r->chain = malloc(sizeof(float) * (size_t)P * r->V);
      if (!r->chain) {
        s = status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for %lu persistent chains", (unsigned long)P);
        goto fail;
      }
      bad = get_f32s(r->chain, buf + mpos + 12, (size_t)P * r->V);
      if (bad < (size_t)P * r->V) LOAD_FAIL("persistent chain value %lu is not finite", (unsigned long)bad);
      if (!r->gaussian)
        for (size_t i = 0; i < (size_t)P * r->V; i++)
          if (r->chain[i] != 0.0f && r->chain[i] != 1.0f) LOAD_FAIL("persistent chain value %lu is %g, not 0 or 1", (unsigned long)i, (double)r->chain[i]);
      r->P = (int)P;
    }
  }
  *out = r;
  return RNNLAB_OK;
fail:
  rnnlab_rbm_free(r);
  return s;
}
