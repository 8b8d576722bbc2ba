/* energy/boltzmann.h - private to core/energy/: the Boltzmann machine's layout, and the
 * double-precision exp / log the energy family's exact sums use (never installed).
 *
 * Why our own exp and log in double: log Z is a log-sum-exp over up to 2^20 states, summed in
 * double, and the saved numbers, the tests and the page must agree bit for bit between the
 * native build (glibc) and wasm (musl), whose libm results may differ in the last bit. These use
 * only + - * /, floor and the exact frexp / ldexp, so every build gives the same bits.
 */
#ifndef RNNLAB_ENERGY_BOLTZMANN_H
#define RNNLAB_ENERGY_BOLTZMANN_H

#include <math.h>

#include "internal.h"

/* e^x for double x (relative error 2.2e-16 at most on [-700, 700], measured by test_boltzmann.c
 * against libm); 0 below -745.2, +inf above 709.78, NaN -> NaN.
 * x = k ln2 + r with |r| <= ln2/2 (Cody-Waite: ln2 split in a high part with 11 zero low bits
 * and a low part, so k * LN2_HI is exact), e^r by its Taylor series to r^14 (|term| < 4e-18). */
static inline double energy_exp(double x) {
  if (x != x) return x;
  if (x < -745.2) return 0.0;
  if (x > 709.78) return HUGE_VAL;
  const double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
  const double k = floor(x * 1.44269504088896338700 + 0.5);
  const double r = (x - k * LN2_HI) - k * LN2_LO;
  double p = 1.0;
  for (int i = 14; i >= 1; i--) p = 1.0 + p * r / i;
  return ldexp(p, (int)k);
}

/* ln x for finite x > 0 (decode.c's det_log): x = m 2^e, m in [sqrt(1/2), sqrt(2)); ln m =
 * 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716, series to s^23 (relative error below 1e-18).
 * x = 0 gives -inf, x < 0 or NaN gives NaN, +inf gives +inf. */
static inline double energy_log(double x) {
  if (!(x > 0.0)) return x == 0.0 ? -HUGE_VAL : NAN;
  if (x == HUGE_VAL) return x;
  int e;
  double m = frexp(x, &e);
  if (m < 0.70710678118654752440) m *= 2.0, e -= 1;
  const double s = (m - 1.0) / (m + 1.0), s2 = s * s;
  double p = 1.0 / 23.0;
  for (int k = 21; k >= 1; k -= 2) p = p * s2 + 1.0 / k;
  return e * 0.69314718055994530942 + 2.0 * s * p;
}

/* log(1 + e^x), stable for any finite x */
static inline double energy_softplus(double x) {
  const double a = x < 0.0 ? -x : x;
  return (x > 0.0 ? x : 0.0) + energy_log(1.0 + energy_exp(-a));
}

/* A Boltzmann machine (boltzmann.c; saved and loaded there too, file kind 7). Units 0..V-1 are
 * the visible ones, V..n-1 the hidden ones; every state is 0/1. */
struct rnnlab_boltzmann {
  int32_t V, H, n;
  size_t nw;             /* n(n-1)/2 weights w_ij, i < j, packed row by row */
  size_t np;             /* nw + n: the arena */
  float *params, *grads; /* (np) [w packed | b (n)], one layout: the parameter arena */
  float *W;              /* (n,n) the full symmetric matrix rebuilt from params, zero diagonal */
  double *stats[2];      /* (n,n) upper triangle: <s_i s_j> (i < j), <s_i> (i = j); 0 data, 1 model */
  int have_stats;
  rnnlab_train_config tc;           /* the next step's optimizer settings */
  rnnlab_boltzmann_learn_config lc; /* the next step's method */
  optimizer opt;                    /* created by the first step */
  int have_opt;
  int64_t steps;                    /* updates applied */
  rng_state rng;                    /* sampled learning: chains and Gibbs coins */
  float *chains;                    /* (C,n) persistent free-phase chains, 0/1; NULL before */
  int32_t n_chains;
  float *state;                     /* (n) scratch state */
  double *acc;                      /* (n,n) scratch accumulator */
  double *fld;                      /* (n) scratch fields */
  char err[ERRLEN];
};

/* index of w_ij (i < j) in the packed upper triangle of n units */
static inline size_t bm_widx(int n, int i, int j) {
  return (size_t)i * (size_t)n - (size_t)i * (size_t)(i + 1) / 2 + (size_t)(j - i - 1);
}

/* Shared by boltzmann.c, boltzmann_exact.c and boltzmann_file.c (one machine split by idea):
 *   bm_fail            the message into bm->err, returns s
 *   bm_alloc           a machine of V + H units, zeroed; bm_unpack: the packed weights into the full W
 *   bm_check_learn     the learn config's checks;  bm_check_binary: rows x width of 0/1 named what
 *   bm_check_exact     refuses more than RNNLAB_BOLTZMANN_MAX_EXACT units with both numbers
 *   bm_finitef         x finite;  bm_neg_energy: -E(s) in double
 *   bm_enumerate       the Gray-code walk over units f0..f0+nf-1 (log-sum-exp, weighted statistics)
 *   bm_clamped_logsum  the data phase summed over the hidden states of each row
 *   bm_stats_to_grads  the two phases' statistics -> the gradient in the arena */
rnnlab_status bm_fail(rnnlab_boltzmann *bm, rnnlab_status s, const char *fmt, ...);
void bm_unpack(rnnlab_boltzmann *bm);
rnnlab_status bm_check_learn(const rnnlab_boltzmann_learn_config *lc, char *err, size_t errlen);
rnnlab_status bm_alloc(int32_t V, int32_t H, rnnlab_boltzmann **out, char *err, size_t errlen);
int bm_finitef(float x);
rnnlab_status bm_check_binary(rnnlab_boltzmann *bm, const char *what, const float *x, int32_t rows, int width);
rnnlab_status bm_check_exact(rnnlab_boltzmann *bm, int units);
double bm_neg_energy(const rnnlab_boltzmann *bm, const float *s);
double bm_enumerate(rnnlab_boltzmann *bm, float *s, int f0, int nf, double *stats, double weight);
void bm_stats_to_grads(rnnlab_boltzmann *bm);
double bm_clamped_logsum(rnnlab_boltzmann *bm, const float *data, int32_t rows, double *stats);

#endif
