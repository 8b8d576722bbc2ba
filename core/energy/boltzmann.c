/* energy/boltzmann.c - general Boltzmann machines: exact and sampled learning, exact log Z and
 * log-likelihood, Gibbs sampling, save / load (file kind 7). The model and its conventions are in
 * core/rnnlab.h ("Boltzmann machines and the Ising model"). Three files: this one (the machine,
 * weights, energy, Gibbs sampling, learning), boltzmann_exact.c (the exact sums) and
 * boltzmann_file.c (save / load).
 *
 * Owns: the machine, its two phases (exact enumeration, Gibbs sampling with persistent chains),
 * its file format. Does not own: the optimizer (train/optimizer.c: one arena, optimizer_apply),
 * the Ising lattice (ising.c), data sets (the pattern generators), restricted machines (rbm.c:
 * there one layer sums out in closed form; here every unit talks to every other).
 *
 * Exact sums. A state's -E is accumulated along a Gray code: from one state to the next exactly
 * one unit t flips, and -E changes by +-(b_t + sum_j w_tj s_j), the unit's field, which every
 * other field then follows by +-w_it; so a state costs O(n) and the whole model phase O(2^n n)
 * plus the statistics (O(a^2) per state, a = the units that are on). Two passes: the first finds
 * the largest -E, the second sums e^{-E - max} (the stable log-sum-exp) and the weighted
 * statistics; both run the same additions in the same order, so they see the same bits. Every
 * sum is in double with energy_exp / energy_log (boltzmann.h): the same bits in every build.
 *
 * Format 1 of a saved machine. Little-endian, byte by byte; floats by bit pattern (bit-exact).
 *   0    8        magic "RNNLAB\0\7" (7 = boltzmann)
 *   8    4        u32 format version = 1
 *   12   4        u32 flags: bit 0 = optimizer moments present; other bits 0
 *   16   4        u32 visible V
 *   20   4        u32 hidden H
 *   24   4        u32 P = n(n-1)/2 + n parameters (n = V + H)
 *   28   P*4      params: w_ij (i < j) packed row by row, then b (n)
 *   A    11*4     rnnlab_train_config, one word per field in declaration order
 *   A+44 3*4      rnnlab_boltzmann_learn_config
 *   A+56 8        u64 steps (updates applied)
 *   A+64 8        u64 generator state
 *   A+72 4        u32 C persistent chains (0: none yet)
 *   A+76 C*n      chain states, one byte per unit, 0 or 1
 *   -- only when flags bit 0 --
 *   B    8        u64 optimizer updates (Adam's t)
 *   B+8  4        u32 moments present: bit 0 m1, bit 1 m2 (must be the optimizer's)
 *   B+12 P*4      m1 (if bit 0), then m2 (if bit 1)
 *   end-4 4       u32 CRC-32 of all bytes before it (rnnlab_crc32)
 * where A = 28 + 4P. Load checks, in order, each failing with RNNLAB_EFORMAT and a message: length,
 * magic (another kind of rnnlab file is named), version, flags, sizes, total length, CRC, then
 * finite parameters, the configs (as set_trainer checks them), chains of 0/1, the moments mask.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "energy/boltzmann.h"
#include "kernels/kernels.h"

#define BM_RNG_SALT 0xB017B017B017B017ull

typedef char bm_learn_size_check[sizeof(rnnlab_boltzmann_learn_config) == RNNLAB_BOLTZMANN_LEARN_FIELDS * 4 ? 1 : -1];
typedef char bm_train_size_check[sizeof(rnnlab_train_config) == RNNLAB_TRAIN_CONFIG_FIELDS * 4 ? 1 : -1];

rnnlab_status bm_fail(rnnlab_boltzmann *bm, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(bm->err, sizeof bm->err, s, fmt, ap);
  va_end(ap);
  return s;
}

/* ---- defaults, create, free ---- */

void rnnlab_boltzmann_learn_config_default(rnnlab_boltzmann_learn_config *lc) {
  if (!lc) return;
  lc->method = RNNLAB_BOLTZMANN_EXACT;
  lc->sweeps = 10;
  lc->chains = 32;
}

void rnnlab_boltzmann_train_config_default(rnnlab_train_config *tc) {
  if (!tc) return;
  rnnlab_train_config_default(tc);
  tc->optimizer = RNNLAB_OPT_SGD;
  tc->learning_rate = 0.1f;
}

/* the rebuilt full matrix W from the packed weights */
void bm_unpack(rnnlab_boltzmann *bm) {
  const int n = bm->n;
  for (int i = 0; i < n; i++) {
    bm->W[(size_t)i * n + i] = 0.0f;
    for (int j = i + 1; j < n; j++) {
      const float w = bm->params[bm_widx(n, i, j)];
      bm->W[(size_t)i * n + j] = w, bm->W[(size_t)j * n + i] = w;
    }
  }
}

rnnlab_status bm_check_learn(const rnnlab_boltzmann_learn_config *lc, char *err, size_t errlen) {
  if (lc->method != RNNLAB_BOLTZMANN_EXACT && lc->method != RNNLAB_BOLTZMANN_SAMPLED)
    return status_fail(err, errlen, RNNLAB_EINVAL, "method: unknown method %d (0 exact, 1 sampled)", (int)lc->method);
  if (lc->sweeps < 1 || lc->sweeps > RNNLAB_BOLTZMANN_MAX_SWEEPS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "sweeps must be in 1..%d (got %d)", RNNLAB_BOLTZMANN_MAX_SWEEPS, (int)lc->sweeps);
  if (lc->chains < 1 || lc->chains > RNNLAB_BOLTZMANN_MAX_CHAINS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "chains must be in 1..%d (got %d)", RNNLAB_BOLTZMANN_MAX_CHAINS, (int)lc->chains);
  return RNNLAB_OK;
}

/* the machine with zero weights, default trainer, no chains; V, H checked */
rnnlab_status bm_alloc(int32_t V, int32_t H, rnnlab_boltzmann **out, char *err, size_t errlen) {
  *out = NULL;
  if (V < 1 || V > RNNLAB_BOLTZMANN_MAX_UNITS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "visible must be in 1..%d (got %d)", RNNLAB_BOLTZMANN_MAX_UNITS, (int)V);
  if (H < 0 || H > RNNLAB_BOLTZMANN_MAX_UNITS - V)
    return status_fail(err, errlen, RNNLAB_EINVAL, "hidden must be in 0..%d for %d visible units (visible + hidden <= %d; got %d)",
                       RNNLAB_BOLTZMANN_MAX_UNITS - V, (int)V, RNNLAB_BOLTZMANN_MAX_UNITS, (int)H);
  rnnlab_boltzmann *bm = calloc(1, sizeof *bm);
  if (!bm) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for a Boltzmann machine");
  const size_t n = (size_t)(V + H);
  bm->V = V, bm->H = H, bm->n = (int32_t)n;
  bm->nw = n * (n - 1) / 2, bm->np = bm->nw + n;
  bm->params = calloc(2 * bm->np, sizeof(float));
  bm->W = calloc(n * n, sizeof(float));
  bm->stats[0] = calloc(2 * n * n, sizeof(double));
  bm->acc = calloc(n * n, sizeof(double));
  bm->fld = calloc(n, sizeof(double));
  bm->state = calloc(n, sizeof(float));
  if (!bm->params || !bm->W || !bm->stats[0] || !bm->acc || !bm->fld || !bm->state) {
    rnnlab_boltzmann_free(bm);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for a Boltzmann machine of %lu units", (unsigned long)n);
  }
  bm->grads = bm->params + bm->np;
  bm->stats[1] = bm->stats[0] + n * n;
  rnnlab_boltzmann_train_config_default(&bm->tc);
  rnnlab_boltzmann_learn_config_default(&bm->lc);
  *out = bm;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_boltzmann_create(int32_t visible, int32_t hidden, uint32_t seed_lo, uint32_t seed_hi,
                                      rnnlab_boltzmann **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out must not be NULL");
  rnnlab_boltzmann *bm;
  rnnlab_status s = bm_alloc(visible, hidden, &bm, err, errlen);
  if (s) return s;
  rng_seed(&bm->rng, ((uint64_t)seed_hi << 32 | seed_lo) ^ BM_RNG_SALT);
  /* w ~ 0.01 (sum of 12 U[0,1) - 6): mean 0, variance 0.01^2, no libm */
  for (size_t k = 0; k < bm->nw; k++) {
    float u = 0.0f;
    for (int i = 0; i < 12; i++) u += rng_uniform(&bm->rng);
    bm->params[k] = 0.01f * (u - 6.0f);
  }
  bm_unpack(bm);
  *out = bm;
  return RNNLAB_OK;
}

void rnnlab_boltzmann_free(rnnlab_boltzmann *bm) {
  if (!bm) return;
  if (bm->have_opt) optimizer_release(&bm->opt);
  free(bm->params), free(bm->W), free(bm->stats[0]), free(bm->acc), free(bm->fld), free(bm->state), free(bm->chains);
  free(bm);
}

const char *rnnlab_boltzmann_error(const rnnlab_boltzmann *bm) { return bm ? bm->err : "Boltzmann machine is NULL"; }
int32_t rnnlab_boltzmann_visible(const rnnlab_boltzmann *bm) { return bm ? bm->V : 0; }
int32_t rnnlab_boltzmann_hidden(const rnnlab_boltzmann *bm) { return bm ? bm->H : 0; }
int32_t rnnlab_boltzmann_param_count(const rnnlab_boltzmann *bm) { return bm ? (int32_t)bm->np : 0; }
double rnnlab_boltzmann_steps(const rnnlab_boltzmann *bm) { return bm ? (double)bm->steps : 0.0; }
const rnnlab_train_config *rnnlab_boltzmann_train_config(const rnnlab_boltzmann *bm) { return bm ? &bm->tc : NULL; }
const rnnlab_boltzmann_learn_config *rnnlab_boltzmann_learn_config_of(const rnnlab_boltzmann *bm) { return bm ? &bm->lc : NULL; }

/* ---- weights ---- */

rnnlab_status rnnlab_boltzmann_get_weights(rnnlab_boltzmann *bm, int32_t which, float *weight, float *bias) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  if (which != 0 && which != 1) return bm_fail(bm, RNNLAB_EINVAL, "which must be 0 (weights) or 1 (gradients), got %d", (int)which);
  const int n = bm->n;
  const float *a = which ? bm->grads : bm->params;
  if (weight)
    for (int i = 0; i < n; i++) {
      weight[(size_t)i * n + i] = 0.0f;
      for (int j = i + 1; j < n; j++) weight[(size_t)i * n + j] = weight[(size_t)j * n + i] = a[bm_widx(n, i, j)];
    }
  if (bias) memcpy(bias, a + bm->nw, sizeof(float) * (size_t)n);
  return RNNLAB_OK;
}

int bm_finitef(float x) { return x == x && x - x == 0.0f; }

rnnlab_status rnnlab_boltzmann_set_weights(rnnlab_boltzmann *bm, const float *weight, const float *bias) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  const int n = bm->n;
  if (weight)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        const float w = weight[(size_t)i * n + j];
        if (!bm_finitef(w)) return bm_fail(bm, RNNLAB_ENONFINITE, "weight[%d] (row %d, column %d) is not finite", i * n + j, i, j);
        if (i == j && w != 0.0f) return bm_fail(bm, RNNLAB_EINVAL, "weight[%d] (row %d, column %d) = %g: the diagonal must be 0", i * n + j, i, j, (double)w);
        if (j > i && w != weight[(size_t)j * n + i])
          return bm_fail(bm, RNNLAB_EINVAL, "weight must be symmetric: weight[%d] = %g but weight[%d] = %g (rows %d and %d)", i * n + j,
                         (double)w, j * n + i, (double)weight[(size_t)j * n + i], i, j);
      }
  if (bias)
    for (int i = 0; i < n; i++)
      if (!bm_finitef(bias[i])) return bm_fail(bm, RNNLAB_ENONFINITE, "bias[%d] is not finite", i);
  if (weight)
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) bm->params[bm_widx(n, i, j)] = weight[(size_t)i * n + j];
  if (bias) memcpy(bm->params + bm->nw, bias, sizeof(float) * (size_t)n);
  bm_unpack(bm);
  return RNNLAB_OK;
}

/* ---- checks ---- */

/* rows (rows, width) of 0/1 values; what names them in the message */
rnnlab_status bm_check_binary(rnnlab_boltzmann *bm, const char *what, const float *x, int32_t rows, int width) {
  if (!x) return bm_fail(bm, RNNLAB_EINVAL, "%s is NULL", what);
  if (rows < 1) return bm_fail(bm, RNNLAB_EINVAL, "%s: rows must be >= 1 (got %d)", what, (int)rows);
  if ((int64_t)rows * width > (int64_t)RNNLAB_MAX_ELEMS)
    return bm_fail(bm, RNNLAB_EINVAL, "%s: %d rows of %d is more than %d values", what, (int)rows, width, RNNLAB_MAX_ELEMS);
  const size_t total = (size_t)rows * (size_t)width;
  for (size_t k = 0; k < total; k++)
    if (x[k] != 0.0f && x[k] != 1.0f) {
      if (x[k] != x[k]) return bm_fail(bm, RNNLAB_ENONFINITE, "%s[%lu] is NaN (row %lu): values must be 0 or 1", what, (unsigned long)k, (unsigned long)(k / width));
      return bm_fail(bm, RNNLAB_EINVAL, "%s[%lu] = %g (row %lu): values must be 0 or 1", what, (unsigned long)k, (double)x[k],
                     (unsigned long)(k / width));
    }
  return RNNLAB_OK;
}

rnnlab_status bm_check_exact(rnnlab_boltzmann *bm, int units) {
  if (units > RNNLAB_BOLTZMANN_MAX_EXACT)
    return bm_fail(bm, RNNLAB_EINVAL, "n = %d units: exact enumeration needs 2^%d states, the limit is 2^%d", units, units,
                   RNNLAB_BOLTZMANN_MAX_EXACT);
  return RNNLAB_OK;
}

/* ---- energy ---- */

/* -E(s) in double, s (n) of 0/1 */
double bm_neg_energy(const rnnlab_boltzmann *bm, const float *s) {
  const int n = bm->n;
  const float *b = bm->params + bm->nw;
  double e = 0.0;
  for (int i = 0; i < n; i++) {
    if (s[i] == 0.0f) continue;
    e += (double)b[i];
    const float *w = bm->W + (size_t)i * n;
    for (int j = i + 1; j < n; j++)
      if (s[j] != 0.0f) e += (double)w[j];
  }
  return e;
}

rnnlab_status rnnlab_boltzmann_energy(rnnlab_boltzmann *bm, const float *states, int32_t rows, double *out) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  rnnlab_status s = bm_check_binary(bm, "states", states, rows, bm->n);
  if (s) return s;
  if (!out) return bm_fail(bm, RNNLAB_EINVAL, "out is NULL");
  for (int32_t r = 0; r < rows; r++) out[r] = -bm_neg_energy(bm, states + (size_t)r * bm->n);
  return RNNLAB_OK;
}

/* ---- Gibbs sampling ---- */

/* b_i + sum_j w_ij s_j, in float in a fixed order */
static float field_of(const rnnlab_boltzmann *bm, const float *s, int i) {
  const int n = bm->n;
  const float *w = bm->W + (size_t)i * n;
  float x = bm->params[bm->nw + i];
  for (int j = 0; j < n; j++) x += w[j] * s[j];
  return x;
}

/* one sweep over the units [from, to) in index order at 1/T = beta */
static void gibbs_sweep(const rnnlab_boltzmann *bm, float *s, int from, int to, float beta, rng_state *r) {
  for (int i = from; i < to; i++) {
    const float p = k_sigmoidf(field_of(bm, s, i) * beta);
    s[i] = rng_uniform(r) < p ? 1.0f : 0.0f;
  }
}

static void random_units(float *s, int from, int to, rng_state *r) {
  for (int i = from; i < to; i++) s[i] = (float)(rng_u32(r) >> 31);
}

/* stats (n,n) upper triangle += weight * s s^T */
static void add_outer(double *stats, const float *s, int n, double weight) {
  for (int i = 0; i < n; i++) {
    if (s[i] == 0.0f) continue;
    double *row = stats + (size_t)i * n;
    for (int j = i; j < n; j++)
      if (s[j] != 0.0f) row[j] += weight;
  }
}

/* sum_i log p(v_i | rest) over the visible units of s */
static double visible_pseudo_loglik(const rnnlab_boltzmann *bm, const float *s) {
  double lp = 0.0;
  for (int i = 0; i < bm->V; i++) {
    const double x = (double)field_of(bm, s, i);
    lp -= energy_softplus(s[i] != 0.0f ? -x : x);
  }
  return lp;
}

/* the sampled-phase sample schedule: `sweeps` sweeps, statistics from the last ceil(sweeps/2) */
static int kept_sweeps(int sweeps) { return (sweeps + 1) / 2; }

/* clamped phase by sampling: returns the mean pseudo-log-likelihood of the rows at their final
 * hidden states; stats (when not NULL) += the rows' statistics, weight 1/rows each */
static double clamped_sampled(rnnlab_boltzmann *bm, const float *data, int32_t rows, int sweeps, rng_state *r, double *stats) {
  const int n = bm->n, keep = kept_sweeps(sweeps);
  double pl = 0.0;
  float *s = bm->state;
  for (int32_t row = 0; row < rows; row++) {
    memcpy(s, data + (size_t)row * bm->V, sizeof(float) * (size_t)bm->V);
    if (bm->H == 0) {
      if (stats) add_outer(stats, s, n, 1.0 / rows);
    } else {
      random_units(s, bm->V, n, r);
      for (int t = 0; t < sweeps; t++) {
        gibbs_sweep(bm, s, bm->V, n, 1.0f, r);
        if (stats && t >= sweeps - keep) add_outer(stats, s, n, 1.0 / ((double)rows * keep));
      }
    }
    pl += visible_pseudo_loglik(bm, s);
  }
  return pl / rows;
}

rnnlab_status rnnlab_boltzmann_pseudo_log_likelihood(rnnlab_boltzmann *bm, const float *data, int32_t rows,
                                                     int32_t sweeps, uint32_t seed_lo, uint32_t seed_hi, double *out) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  rnnlab_status s = bm_check_binary(bm, "data", data, rows, bm->V);
  if (s) return s;
  if (sweeps < 1 || sweeps > RNNLAB_BOLTZMANN_MAX_SWEEPS)
    return bm_fail(bm, RNNLAB_EINVAL, "sweeps must be in 1..%d (got %d)", RNNLAB_BOLTZMANN_MAX_SWEEPS, (int)sweeps);
  if (!out) return bm_fail(bm, RNNLAB_EINVAL, "out is NULL");
  rng_state r;
  rng_seed(&r, (uint64_t)seed_hi << 32 | seed_lo);
  *out = clamped_sampled(bm, data, rows, sweeps, &r, NULL);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_boltzmann_sample(rnnlab_boltzmann *bm, int32_t chains, int32_t sweeps, float temperature,
                                      uint32_t seed_lo, uint32_t seed_hi, const float *init, float *out) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  if (chains < 1 || chains > RNNLAB_BOLTZMANN_MAX_CHAINS)
    return bm_fail(bm, RNNLAB_EINVAL, "chains must be in 1..%d (got %d)", RNNLAB_BOLTZMANN_MAX_CHAINS, (int)chains);
  if (sweeps < 0 || sweeps > RNNLAB_BOLTZMANN_MAX_SWEEPS)
    return bm_fail(bm, RNNLAB_EINVAL, "sweeps must be in 0..%d (got %d)", RNNLAB_BOLTZMANN_MAX_SWEEPS, (int)sweeps);
  if (!(temperature > 0.0f) || !bm_finitef(temperature))
    return bm_fail(bm, RNNLAB_EINVAL, "temperature must be finite and > 0 (got %g)", (double)temperature);
  if ((int64_t)chains * bm->n > (int64_t)RNNLAB_MAX_ELEMS)
    return bm_fail(bm, RNNLAB_EINVAL, "%d chains of %d units is more than %d values", (int)chains, (int)bm->n, RNNLAB_MAX_ELEMS);
  if (!out) return bm_fail(bm, RNNLAB_EINVAL, "out is NULL");
  if (init) {
    rnnlab_status s = bm_check_binary(bm, "init", init, chains, bm->n);
    if (s) return s;
  }
  rng_state r;
  rng_seed(&r, (uint64_t)seed_hi << 32 | seed_lo);
  const float beta = 1.0f / temperature;
  for (int32_t c = 0; c < chains; c++) {
    float *s = out + (size_t)c * bm->n;
    if (init) memmove(s, init + (size_t)c * bm->n, sizeof(float) * (size_t)bm->n);
    else random_units(s, 0, bm->n, &r);
    for (int t = 0; t < sweeps; t++) gibbs_sweep(bm, s, 0, bm->n, beta, &r);
  }
  return RNNLAB_OK;
}

/* ---- learning ---- */

rnnlab_status rnnlab_boltzmann_set_trainer(rnnlab_boltzmann *bm, const rnnlab_train_config *tc,
                                           const rnnlab_boltzmann_learn_config *lc) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  if (!tc || !lc) return bm_fail(bm, RNNLAB_EINVAL, "tc and lc must not be NULL");
  rnnlab_status s = optimizer_check_config(tc, bm->err, sizeof bm->err);
  if (s) return s;
  if ((s = bm_check_learn(lc, bm->err, sizeof bm->err))) return s;
  if (bm->have_opt) {
    rnnlab_train_config a = bm->opt.tc, b = *tc;
    a.learning_rate = b.learning_rate = 0.0f;
    if (memcmp(&a, &b, sizeof a) != 0) optimizer_release(&bm->opt), bm->have_opt = 0; /* a new optimizer: fresh state */
    else bm->opt.tc.learning_rate = tc->learning_rate;
  }
  if (lc->chains != bm->lc.chains) free(bm->chains), bm->chains = NULL, bm->n_chains = 0;
  bm->tc = *tc, bm->lc = *lc;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_boltzmann_set_learning_rate(rnnlab_boltzmann *bm, float lr) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  if (!bm_finitef(lr) || !(lr > 0.0f)) return bm_fail(bm, RNNLAB_EINVAL, "learning_rate must be finite and > 0 (got %g)", (double)lr);
  bm->tc.learning_rate = lr;
  if (bm->have_opt) bm->opt.tc.learning_rate = lr;
  return RNNLAB_OK;
}

static rnnlab_status ensure_chains(rnnlab_boltzmann *bm, rng_state *r) {
  if (bm->chains && bm->n_chains == bm->lc.chains) return RNNLAB_OK;
  if ((int64_t)bm->lc.chains * bm->n > (int64_t)RNNLAB_MAX_ELEMS)
    return bm_fail(bm, RNNLAB_EINVAL, "%d chains of %d units is more than %d values", (int)bm->lc.chains, (int)bm->n, RNNLAB_MAX_ELEMS);
  float *c = realloc(bm->chains, sizeof(float) * (size_t)bm->lc.chains * bm->n);
  if (!c) return bm_fail(bm, RNNLAB_ENOMEM, "out of memory for %d chains of %d units", (int)bm->lc.chains, (int)bm->n);
  bm->chains = c, bm->n_chains = bm->lc.chains;
  random_units(c, 0, bm->n_chains * bm->n, r);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_boltzmann_backward(rnnlab_boltzmann *bm, const float *data, int32_t rows, int32_t advance, float *loss) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  rnnlab_status s = bm_check_binary(bm, "data", data, rows, bm->V);
  if (s) return s;
  const int n = bm->n;
  double value = 0.0;
  if (bm->lc.method == RNNLAB_BOLTZMANN_EXACT) {
    if ((s = bm_check_exact(bm, n))) return s;
    memset(bm->stats[0], 0, sizeof(double) * 2 * (size_t)n * n);
    const double logZ = bm_enumerate(bm, bm->state, 0, n, bm->stats[1], 1.0);
    value = logZ - bm_clamped_logsum(bm, data, rows, bm->stats[0]);
  } else {
    /* a trace works on copies of the generator and the chains; a step on the real ones */
    rng_state r = bm->rng;
    float *saved_chains = bm->chains;
    const int32_t saved_count = bm->n_chains;
    if (!advance && bm->chains) {
      bm->chains = malloc(sizeof(float) * (size_t)bm->n_chains * n);
      if (!bm->chains) {
        bm->chains = saved_chains;
        return bm_fail(bm, RNNLAB_ENOMEM, "out of memory for a copy of the chains");
      }
      memcpy(bm->chains, saved_chains, sizeof(float) * (size_t)bm->n_chains * n);
    } else if (!advance) saved_chains = NULL;
    s = ensure_chains(bm, &r);
    if (!s) {
      memset(bm->stats[0], 0, sizeof(double) * 2 * (size_t)n * n);
      const int sweeps = bm->lc.sweeps, keep = kept_sweeps(sweeps);
      value = -clamped_sampled(bm, data, rows, sweeps, &r, bm->stats[0]);
      for (int32_t c = 0; c < bm->n_chains; c++) {
        float *x = bm->chains + (size_t)c * n;
        for (int t = 0; t < sweeps; t++) {
          gibbs_sweep(bm, x, 0, n, 1.0f, &r);
          if (t >= sweeps - keep) add_outer(bm->stats[1], x, n, 1.0 / ((double)bm->n_chains * keep));
        }
      }
    }
    if (advance) bm->rng = r;
    else {
      free(bm->chains);
      bm->chains = saved_chains, bm->n_chains = saved_chains ? saved_count : 0;
    }
    if (s) return s;
  }
  bm->have_stats = 1;
  bm_stats_to_grads(bm);
  if (loss) *loss = (float)value;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_boltzmann_statistics(rnnlab_boltzmann *bm, int32_t which, float *out) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  if (which != 0 && which != 1) return bm_fail(bm, RNNLAB_EINVAL, "which must be 0 (data) or 1 (model), got %d", (int)which);
  if (!bm->have_stats) return bm_fail(bm, RNNLAB_ESTATE, "no statistics yet: they come from a backward or a step");
  if (!out) return bm_fail(bm, RNNLAB_EINVAL, "out is NULL");
  const int n = bm->n;
  const double *st = bm->stats[which];
  for (int i = 0; i < n; i++)
    for (int j = i; j < n; j++) out[(size_t)i * n + j] = out[(size_t)j * n + i] = (float)st[(size_t)i * n + j];
  return RNNLAB_OK;
}

rnnlab_status rnnlab_boltzmann_step(rnnlab_boltzmann *bm, const float *data, int32_t rows, rnnlab_step_result *r) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  rnnlab_status s;
  float loss = 0.0f;
  if ((s = rnnlab_boltzmann_backward(bm, data, rows, 1, &loss))) return s;
  if (!bm->have_opt) { /* after the backward: a refused batch leaves no optimizer state behind */
    if ((s = optimizer_init(&bm->opt, &bm->tc, bm->np, bm->err, sizeof bm->err))) return s;
    bm->have_opt = 1;
  }
  const double norm = arena_sqrt(arena_sumsq(bm->grads, bm->np));
  if (!(norm == norm) || norm > 1e300 || !bm_finitef(loss))
    return bm_fail(bm, RNNLAB_ENONFINITE, "non-finite gradient or loss (%g): the weights are unchanged", (double)loss);
  const param_arena a = {bm->params, bm->grads, bm->np};
  const int clipped = optimizer_apply(&bm->opt, &a, norm);
  for (size_t k = 0; k < bm->np; k++)
    if (!bm_finitef(bm->params[k])) return bm_fail(bm, RNNLAB_ENONFINITE, "the update made parameter %lu non-finite", (unsigned long)k);
  bm_unpack(bm);
  bm->steps++;
  if (r) r->loss = loss, r->grad_norm = (float)norm, r->clipped = clipped, r->chunks = 1;
  return RNNLAB_OK;
}
