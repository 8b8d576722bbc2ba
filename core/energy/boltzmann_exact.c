/* energy/boltzmann_exact.c - a Boltzmann machine's exact sums by enumeration over its 2^n states
 * (n <= RNNLAB_BOLTZMANN_MAX_EXACT): log Z, the mean log-likelihood, the free energy and the
 * exact phases' statistics, by the Gray-code walk and the two-pass log-sum-exp of boltzmann.c's
 * header.
 *
 * Owns: the enumeration (bm_enumerate), the clamped sums (bm_clamped_logsum) and the statistics
 * -> gradient step (bm_stats_to_grads). Does not own: the machine, sampling or learning
 * (boltzmann.c), the file (boltzmann_file.c). Moved unchanged from boltzmann.c.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "energy/boltzmann.h"
#include "kernels/kernels.h"

/* ---- exact enumeration ---- */

static int ctz32(uint32_t x) {
  int k = 0;
  while (!(x & 1u)) x >>= 1, k++;
  return k;
}

/* One Gray-code pass over the 2^nf states of the free units F = [f0, f0 + nf) with the others
 * fixed at s (s is modified during the pass; the free units end at 0). Pass 1 (sum = 0) returns
 * the largest -E; pass 2 (sum = 1) returns sum_states e^{-E - shift}, adding each state's weight
 * times s_a s_b for free a <= b into acc (nf, nf) when acc is not NULL (upper triangle, indices
 * relative to f0). */
static double gray_pass(const rnnlab_boltzmann *bm, float *s, int f0, int nf, int want_sum, double shift, double *acc) {
  const int n = bm->n;
  const float *b = bm->params + bm->nw;
  double *f = bm->fld; /* fields of the free units: b_i + sum_j w_ij s_j */
  for (int a = 0; a < nf; a++) s[f0 + a] = 0.0f;
  double e = bm_neg_energy(bm, s);
  for (int a = 0; a < nf; a++) {
    const int i = f0 + a;
    const float *w = bm->W + (size_t)i * n;
    double x = (double)b[i];
    for (int j = 0; j < n; j++)
      if (s[j] != 0.0f) x += (double)w[j];
    f[a] = x;
  }
  const uint32_t count = nf >= 32 ? 0u : (uint32_t)1 << nf;
  double best = e, sum = 0.0;
  uint32_t g = 0;
  for (uint32_t k = 0;;) {
    if (want_sum) {
      const double p = energy_exp(e - shift);
      sum += p;
      for (uint32_t x = acc ? g : 0u; x;) {
        const int a = ctz32(x);
        x &= x - 1;
        double *row = acc + (size_t)a * nf;
        row[a] += p;
        for (uint32_t y = x; y;) {
          const int c = ctz32(y);
          y &= y - 1;
          row[c] += p;
        }
      }
    } else if (e > best) best = e;
    if (++k == count) break;
    const int t = ctz32(k); /* the free unit that flips */
    const int i = f0 + t;
    const double sign = s[i] != 0.0f ? -1.0 : 1.0;
    e += sign * f[t];
    s[i] = sign > 0.0 ? 1.0f : 0.0f;
    g ^= (uint32_t)1 << t;
    const float *w = bm->W + (size_t)i * n;
    for (int a = 0; a < nf; a++) f[a] += sign * (double)w[f0 + a];
  }
  for (int a = 0; a < nf; a++) s[f0 + a] = 0.0f;
  return want_sum ? sum : best;
}

/* log sum over the free units [f0, f0 + nf) of e^{-E}, the others fixed at s. When stats is not
 * NULL, adds weight * E_p[s_i s_j] (p the conditional distribution of the free units) into stats
 * (n, n) upper triangle, i <= j, for every pair (free and fixed alike). */
double bm_enumerate(rnnlab_boltzmann *bm, float *s, int f0, int nf, double *stats, double weight) {
  const int n = bm->n;
  double *acc = bm->acc;
  const double best = gray_pass(bm, s, f0, nf, 0, 0.0, NULL);
  if (stats) memset(acc, 0, sizeof(double) * (size_t)nf * nf);
  const double sum = gray_pass(bm, s, f0, nf, 1, best, stats ? acc : NULL);
  const double logsum = best + energy_log(sum);
  if (stats) {
    const double c = weight / sum;
    for (int i = 0; i < n; i++) {
      const int fi = i >= f0 && i < f0 + nf;
      for (int j = i; j < n; j++) {
        const int fj = j >= f0 && j < f0 + nf;
        double v;
        if (fi && fj) v = acc[(size_t)(i - f0) * nf + (j - f0)] * c;                              /* E[s_i s_j] */
        else if (fi) v = s[j] != 0.0f ? acc[(size_t)(i - f0) * nf + (i - f0)] * c : 0.0;          /* E[s_i] s_j */
        else if (fj) v = s[i] != 0.0f ? acc[(size_t)(j - f0) * nf + (j - f0)] * c : 0.0;          /* s_i E[s_j] */
        else v = s[i] != 0.0f && s[j] != 0.0f ? weight : 0.0;                                      /* s_i s_j */
        stats[(size_t)i * n + j] += v;
      }
    }
  }
  return logsum;
}

/* gradient of the mean negative log-likelihood from the two phases' statistics */
void bm_stats_to_grads(rnnlab_boltzmann *bm) {
  const int n = bm->n;
  const double *d = bm->stats[0], *m = bm->stats[1];
  for (int i = 0; i < n; i++) {
    bm->grads[bm->nw + i] = (float)(m[(size_t)i * n + i] - d[(size_t)i * n + i]);
    for (int j = i + 1; j < n; j++) bm->grads[bm_widx(n, i, j)] = (float)(m[(size_t)i * n + j] - d[(size_t)i * n + j]);
  }
}

rnnlab_status rnnlab_boltzmann_log_partition(rnnlab_boltzmann *bm, double *out) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  if (!out) return bm_fail(bm, RNNLAB_EINVAL, "out is NULL");
  rnnlab_status s = bm_check_exact(bm, bm->n);
  if (s) return s;
  *out = bm_enumerate(bm, bm->state, 0, bm->n, NULL, 0.0);
  return RNNLAB_OK;
}

/* mean over rows of log sum_h e^{-E(v_r, h)}; stats (data phase, weight 1/rows each) when not NULL */
double bm_clamped_logsum(rnnlab_boltzmann *bm, const float *data, int32_t rows, double *stats) {
  double total = 0.0;
  for (int32_t r = 0; r < rows; r++) {
    memcpy(bm->state, data + (size_t)r * bm->V, sizeof(float) * (size_t)bm->V);
    total += bm_enumerate(bm, bm->state, bm->V, bm->H, stats, 1.0 / rows);
  }
  return total / rows;
}

rnnlab_status rnnlab_boltzmann_free_energy(rnnlab_boltzmann *bm, const float *data, int32_t rows, double *out) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  rnnlab_status s = bm_check_binary(bm, "data", data, rows, bm->V);
  if (s) return s;
  if (!out) return bm_fail(bm, RNNLAB_EINVAL, "out is NULL");
  if (bm->H > RNNLAB_BOLTZMANN_MAX_EXACT)
    return bm_fail(bm, RNNLAB_EINVAL, "hidden = %d units: exact enumeration needs 2^%d states, the limit is 2^%d", (int)bm->H, (int)bm->H,
                   RNNLAB_BOLTZMANN_MAX_EXACT);
  for (int32_t r = 0; r < rows; r++) {
    memcpy(bm->state, data + (size_t)r * bm->V, sizeof(float) * (size_t)bm->V);
    out[r] = -bm_enumerate(bm, bm->state, bm->V, bm->H, NULL, 0.0);
  }
  return RNNLAB_OK;
}

rnnlab_status rnnlab_boltzmann_log_likelihood(rnnlab_boltzmann *bm, const float *data, int32_t rows, double *out) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  rnnlab_status s = bm_check_binary(bm, "data", data, rows, bm->V);
  if (s) return s;
  if (!out) return bm_fail(bm, RNNLAB_EINVAL, "out is NULL");
  if ((s = bm_check_exact(bm, bm->n))) return s;
  const double logZ = bm_enumerate(bm, bm->state, 0, bm->n, NULL, 0.0);
  *out = bm_clamped_logsum(bm, data, rows, NULL) - logZ;
  return RNNLAB_OK;
}
