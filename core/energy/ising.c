/* energy/ising.c - the 2-D Ising model on an L x L periodic lattice: Metropolis and heat-bath
 * sweeps, measurements with batch-means error bars, exact averages of small lattices. The model
 * and its conventions are in core/rnnlab.h ("Boltzmann machines and the Ising model").
 *
 * Owns: the lattice, its samplers and measurements. Does not own: temperature scans (the wrapper,
 * wasm/ising.mjs, calls rnnlab_ising_measure once per temperature), drawing.
 *
 * Bookkeeping. The magnetisation sum M and the bond sum B = sum_<ij> s_i s_j are integers updated
 * at every flip (flipping s_i changes M by -2 s_i and B by -2 s_i nb_i, nb_i the sum of its four
 * neighbours), so E = -J B - h M and m = M / N are exact at every sweep and cost nothing to
 * measure. Probabilities come from tables over (s_i, nb_i): 2 x 5 entries per sweep call, from
 * k_expf and k_sigmoidf, so every build draws the same lattice from the same seed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "energy/ising.h"
#include "kernels/kernels.h"

#define ISING_RNG_SALT 0x15196ull

static rnnlab_status is_fail(rnnlab_ising *is, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(is->err, sizeof is->err, s, fmt, ap);
  va_end(ap);
  return s;
}

static int finitef(float x) { return x == x && x - x == 0.0f; }

/* M and B recomputed from the spins */
static void recount(rnnlab_ising *is) {
  const int L = is->L;
  int64_t M = 0, B = 0;
  for (int y = 0; y < L; y++)
    for (int x = 0; x < L; x++) {
      const int s = is->s[y * L + x];
      M += s;
      B += s * (is->s[y * L + (x + 1) % L] + is->s[((y + 1) % L) * L + x]);
    }
  is->M = M, is->bonds = B;
}

rnnlab_status rnnlab_ising_create(int32_t L, float J, float h, int32_t start, uint32_t seed_lo, uint32_t seed_hi,
                                  rnnlab_ising **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out must not be NULL");
  *out = NULL;
  if (L < RNNLAB_ISING_MIN_SIZE || L > RNNLAB_ISING_MAX_SIZE)
    return status_fail(err, errlen, RNNLAB_EINVAL, "size must be in %d..%d (got %d)", RNNLAB_ISING_MIN_SIZE, RNNLAB_ISING_MAX_SIZE, (int)L);
  if (!finitef(J)) return status_fail(err, errlen, RNNLAB_ENONFINITE, "coupling must be finite (got %g)", (double)J);
  if (!finitef(h)) return status_fail(err, errlen, RNNLAB_ENONFINITE, "field must be finite (got %g)", (double)h);
  if (start < -1 || start > 1) return status_fail(err, errlen, RNNLAB_EINVAL, "start must be 0 (random), 1 (all up) or -1 (all down), got %d", (int)start);
  rnnlab_ising *is = calloc(1, sizeof *is);
  if (!is) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for an Ising lattice");
  is->L = L, is->N = (size_t)L * L, is->J = J, is->h = h;
  if (!(is->s = malloc(is->N))) {
    free(is);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for a %d x %d lattice", (int)L, (int)L);
  }
  rng_seed(&is->rng, ((uint64_t)seed_hi << 32 | seed_lo) ^ ISING_RNG_SALT);
  for (size_t i = 0; i < is->N; i++) is->s[i] = (int8_t)(start ? start : (rng_u32(&is->rng) >> 31) ? 1 : -1);
  recount(is);
  *out = is;
  return RNNLAB_OK;
}

void rnnlab_ising_free(rnnlab_ising *is) {
  if (!is) return;
  free(is->s);
  free(is);
}

const char *rnnlab_ising_error(const rnnlab_ising *is) { return is ? is->err : "Ising lattice is NULL"; }
int32_t rnnlab_ising_size(const rnnlab_ising *is) { return is ? is->L : 0; }
double rnnlab_ising_magnetization(const rnnlab_ising *is) { return is ? (double)is->M / (double)is->N : 0.0; }
double rnnlab_ising_energy(const rnnlab_ising *is) {
  return is ? (-(double)is->J * (double)is->bonds - (double)is->h * (double)is->M) / (double)is->N : 0.0;
}

rnnlab_status rnnlab_ising_get_spins(rnnlab_ising *is, int8_t *out) {
  if (!is) return RNNLAB_EINVAL;
  is->err[0] = 0;
  if (!out) return is_fail(is, RNNLAB_EINVAL, "out is NULL");
  memcpy(out, is->s, is->N);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_ising_set_spins(rnnlab_ising *is, const int8_t *in) {
  if (!is) return RNNLAB_EINVAL;
  is->err[0] = 0;
  if (!in) return is_fail(is, RNNLAB_EINVAL, "spins is NULL");
  for (size_t i = 0; i < is->N; i++)
    if (in[i] != 1 && in[i] != -1) return is_fail(is, RNNLAB_EINVAL, "spins[%lu] = %d: spins must be +1 or -1", (unsigned long)i, (int)in[i]);
  memcpy(is->s, in, is->N);
  recount(is);
  return RNNLAB_OK;
}

static rnnlab_status check_run(rnnlab_ising *is, float T, int32_t method) {
  if (!finitef(T) || !(T > 0.0f)) return is_fail(is, RNNLAB_EINVAL, "temperature must be finite and > 0 (got %g)", (double)T);
  if (method != RNNLAB_ISING_METROPOLIS && method != RNNLAB_ISING_HEATBATH)
    return is_fail(is, RNNLAB_EINVAL, "method: unknown sampler %d (0 metropolis, 1 heat bath)", (int)method);
  return RNNLAB_OK;
}

/* sum of the four neighbours of (y, x), periodic */
static int neighbours(const rnnlab_ising *is, int y, int x) {
  const int L = is->L;
  const int8_t *s = is->s;
  return s[((y + L - 1) % L) * L + x] + s[((y + 1) % L) * L + x] + s[y * L + (x + L - 1) % L] + s[y * L + (x + 1) % L];
}

static void flip_at(rnnlab_ising *is, size_t i, int old, int nb) {
  is->s[i] = (int8_t)-old;
  is->M -= 2 * old;
  is->bonds -= 2 * old * nb;
}

/* One sweep with the table p[(s_i + 1) / 2][(nb_i + 4) / 2]: Metropolis, the probability of
 * flipping (1 = flip without a coin); heat bath, the probability of s_i = +1. Returns the flips.
 * Metropolis visits N sites drawn uniformly at random: in typewriter order it can lock into a
 * deterministic cycle in which every flip costs nothing and no coin is ever drawn (a 3 x 3
 * lattice at T = 3.5 flipping all its spins every sweep, forever: test_boltzmann.c keeps that
 * state), which makes the chain reducible. Heat bath draws every spin afresh from its coin, so it
 * can keep the cache-friendly typewriter order. */
static int64_t sweep_once(rnnlab_ising *is, const float p[2][5], int heatbath) {
  const int L = is->L;
  int64_t flips = 0;
  if (heatbath) {
    for (int y = 0; y < L; y++)
      for (int x = 0; x < L; x++) {
        const int nb = neighbours(is, y, x), old = is->s[y * L + x];
        const int now = rng_uniform(&is->rng) < p[0][(nb + 4) / 2] ? 1 : -1;
        if (now != old) flip_at(is, (size_t)y * L + x, old, nb), flips++;
      }
    return flips;
  }
  for (size_t k = 0; k < is->N; k++) {
    const uint32_t i = rng_below(&is->rng, (uint32_t)is->N);
    const int y = (int)(i / (uint32_t)L), x = (int)(i % (uint32_t)L);
    const int nb = neighbours(is, y, x), old = is->s[i];
    const float q = p[(old + 1) / 2][(nb + 4) / 2];
    if (q >= 1.0f || rng_uniform(&is->rng) < q) flip_at(is, i, old, nb), flips++;
  }
  return flips;
}

static void make_table(const rnnlab_ising *is, float T, int heatbath, float p[2][5]) {
  const float beta = 1.0f / T;
  for (int a = 0; a < 2; a++)
    for (int k = 0; k < 5; k++) {
      const float local = is->J * (float)(2 * k - 4) + is->h; /* J nb + h */
      if (heatbath) p[a][k] = k_sigmoidf(2.0f * beta * local);
      else {
        const float dE = 2.0f * (float)(2 * a - 1) * local;
        p[a][k] = dE <= 0.0f ? 1.0f : k_expf(-dE * beta);
      }
    }
}

rnnlab_status rnnlab_ising_sweep(rnnlab_ising *is, float temperature, int32_t sweeps, int32_t method, float *acceptance) {
  if (!is) return RNNLAB_EINVAL;
  is->err[0] = 0;
  rnnlab_status s = check_run(is, temperature, method);
  if (s) return s;
  if (sweeps < 1) return is_fail(is, RNNLAB_EINVAL, "sweeps must be >= 1 (got %d)", (int)sweeps);
  float p[2][5];
  make_table(is, temperature, method == RNNLAB_ISING_HEATBATH, p);
  int64_t flips = 0;
  for (int32_t t = 0; t < sweeps; t++) flips += sweep_once(is, p, method == RNNLAB_ISING_HEATBATH);
  if (acceptance) *acceptance = (float)((double)flips / ((double)sweeps * (double)is->N));
  return RNNLAB_OK;
}

/* sqrt in double for the error bars: the optimizer's (same bits everywhere) */
static double err_of(double sum, double sumsq, int k) {
  const double mean = sum / k, var = (sumsq - k * mean * mean) / (k - 1);
  return arena_sqrt(var > 0.0 ? var / k : 0.0);
}

rnnlab_status rnnlab_ising_measure(rnnlab_ising *is, float temperature, int32_t method, int32_t burn_in,
                                   int32_t sweeps, int32_t blocks, rnnlab_ising_result *r) {
  if (!is) return RNNLAB_EINVAL;
  is->err[0] = 0;
  rnnlab_status s = check_run(is, temperature, method);
  if (s) return s;
  if (burn_in < 0) return is_fail(is, RNNLAB_EINVAL, "burnIn must be >= 0 (got %d)", (int)burn_in);
  if (blocks < 2) return is_fail(is, RNNLAB_EINVAL, "blocks must be >= 2 (got %d)", (int)blocks);
  if (sweeps < blocks) return is_fail(is, RNNLAB_EINVAL, "sweeps must be >= blocks (%d), got %d", (int)blocks, (int)sweeps);
  if (!r) return is_fail(is, RNNLAB_EINVAL, "result is NULL");
  const int heatbath = method == RNNLAB_ISING_HEATBATH;
  float p[2][5];
  make_table(is, temperature, heatbath, p);
  for (int32_t t = 0; t < burn_in; t++) sweep_once(is, p, heatbath);
  const double N = (double)is->N;
  double sa = 0, sm = 0, se = 0, sa2 = 0, se2 = 0;     /* over sweeps: |m|, m, e, m^2, e^2 */
  double ba = 0, bm = 0, be = 0, ba2 = 0, bm2 = 0, be2 = 0; /* over block means and their squares */
  double ka = 0, km = 0, ke = 0;                        /* the current block's sums */
  int64_t flips = 0;
  int32_t block = 0, in_block = 0;
  for (int32_t t = 0; t < sweeps; t++) {
    flips += sweep_once(is, p, heatbath);
    const double m = (double)is->M / N, a = m < 0 ? -m : m;
    const double e = (-(double)is->J * (double)is->bonds - (double)is->h * (double)is->M) / N;
    sa += a, sm += m, se += e, sa2 += m * m, se2 += e * e;
    ka += a, km += m, ke += e, in_block++;
    /* block b holds sweeps [b S / K, (b + 1) S / K) */
    if ((int64_t)(t + 1) * blocks >= (int64_t)(block + 1) * sweeps) {
      const double ma = ka / in_block, mm = km / in_block, me = ke / in_block;
      ba += ma, bm += mm, be += me, ba2 += ma * ma, bm2 += mm * mm, be2 += me * me;
      ka = km = ke = 0, in_block = 0, block++;
    }
  }
  const double S = (double)sweeps, A = sa / S, E = se / S;
  r->temperature = temperature;
  r->abs_magnetization = (float)A;
  r->abs_magnetization_error = (float)err_of(ba, ba2, blocks);
  r->magnetization = (float)(sm / S);
  r->magnetization_error = (float)err_of(bm, bm2, blocks);
  r->energy = (float)E;
  r->energy_error = (float)err_of(be, be2, blocks);
  r->susceptibility = (float)(N * (sa2 / S - A * A) / temperature);
  r->specific_heat = (float)(N * (se2 / S - E * E) / ((double)temperature * temperature));
  r->acceptance = (float)((double)flips / (S * N));
  r->sweeps = sweeps;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_ising_exact(rnnlab_ising *is, float temperature, rnnlab_ising_result *r) {
  if (!is) return RNNLAB_EINVAL;
  is->err[0] = 0;
  rnnlab_status s = check_run(is, temperature, RNNLAB_ISING_METROPOLIS);
  if (s) return s;
  if (is->N > RNNLAB_ISING_MAX_EXACT_SITES)
    return is_fail(is, RNNLAB_EINVAL, "a %d x %d lattice: exact enumeration needs 2^%lu states, the limit is 2^%d", (int)is->L, (int)is->L,
                   (unsigned long)is->N, RNNLAB_ISING_MAX_EXACT_SITES);
  if (!r) return is_fail(is, RNNLAB_EINVAL, "result is NULL");
  const int L = is->L, N = (int)is->N;
  const uint32_t count = (uint32_t)1 << N;
  const double beta = 1.0 / temperature, J = is->J, h = is->h;
  /* two passes: the largest -beta E, then the weighted sums (the stable log-sum-exp) */
  double best = -HUGE_VAL, Z = 0, se = 0, se2 = 0, sa = 0, sm = 0, sm2 = 0;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t k = 0; k < count; k++) {
      int M = 0, B = 0;
      for (int y = 0; y < L; y++)
        for (int x = 0; x < L; x++) {
          const int si = (k >> (y * L + x) & 1u) ? 1 : -1;
          const int sr = (k >> (y * L + (x + 1) % L) & 1u) ? 1 : -1, sd = (k >> (((y + 1) % L) * L + x) & 1u) ? 1 : -1;
          M += si, B += si * (sr + sd);
        }
      const double E = -J * B - h * M, lw = -beta * E;
      if (pass == 0) {
        if (lw > best) best = lw;
        continue;
      }
      const double w = energy_exp(lw - best), e = E / N, m = (double)M / N;
      Z += w, se += w * e, se2 += w * e * e, sa += w * (m < 0 ? -m : m), sm += w * m, sm2 += w * m * m;
    }
  const double E = se / Z, A = sa / Z;
  memset(r, 0, sizeof *r);
  r->temperature = temperature;
  r->abs_magnetization = (float)A;
  r->magnetization = (float)(sm / Z);
  r->energy = (float)E;
  r->susceptibility = (float)(N * (sm2 / Z - A * A) / temperature);
  r->specific_heat = (float)(N * (se2 / Z - E * E) / ((double)temperature * temperature));
  return RNNLAB_OK;
}
