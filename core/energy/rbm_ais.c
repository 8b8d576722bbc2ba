/* energy/rbm_ais.c - annealed importance sampling of an RBM's log Z (rnnlab_rbm_ais; Salakhutdinov
 * & Murray 2008), for RBMs too large for the exact sums of rbm_exact.c.
 *
 * Owns: the annealing path from the base-rate RBM to the model and the chains' log-weights. Does
 * not own: the object or its conditionals (rbm.c). Moved unchanged from rbm.c.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "energy/rbm.h"
#include "kernels/kernels.h"

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
