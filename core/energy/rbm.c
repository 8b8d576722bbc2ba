/* energy/rbm.c - restricted Boltzmann machines (rnnlab.h, "restricted Boltzmann machines"):
 * binary-binary and Gaussian-binary RBMs trained by CD-k and persistent CD, with exact log Z,
 * log-likelihood and gradient by enumeration, AIS, free energy, pseudo-likelihood, Gibbs
 * sampling, and the RBM file (kind 5), in four files: this one (the object, its parameters,
 * the conditionals, CD/PCD training, Gibbs sampling), rbm_exact.c (the exact sums and gradient),
 * rbm_ais.c (AIS) and rbm_file.c (save / load).
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

rnnlab_status rbm_fail(rnnlab_rbm *r, rnnlab_status st, const char *fmt, ...) {
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

rnnlab_status rbm_check_config(const rnnlab_rbm_config *c, char *err, size_t errlen) {
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
rnnlab_status rbm_check_train(const rnnlab_rbm_train_config *tc, int wide, char *err, size_t errlen) {
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
  rnnlab_status s = rbm_check_config(c, err, errlen);
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
rnnlab_status rbm_ensure_rows(rnnlab_rbm *r, size_t R) {
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
void rbm_recon_stats(const float *v, const float *m, size_t n, double *err, double *acc) {
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
void rbm_estimate(rnnlab_rbm *r, const float *v0, int B, int k, rng_state *g, float *chain, int P, float *grad,
                         double *recon) {
  const int V = r->V, H = r->H;
  float *ph0 = r->s_ph0, *h = r->s_h, *ph = r->s_ph, *vn;
  int N;
  rbm_hidden_probs(r, v0, B, ph0);
  if (recon) {
    rbm_visible_mean(r, ph0, B, r->s_r);
    rbm_recon_stats(v0, r->s_r, (size_t)B * V, recon, NULL);
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
  rnnlab_status s = rbm_check_train(tc, r->V > r->H ? r->V : r->H, r->err, sizeof r->err);
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
void rbm_optimizer_config(const rnnlab_rbm_train_config *tc, rnnlab_train_config *oc) {
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
  s = rbm_ensure_rows(r, (size_t)(rows > P ? rows : P));
  if (s) return s;
  if (!r->have_opt) {
    rnnlab_train_config oc;
    rbm_optimizer_config(tc, &oc);
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
