/* test_kernels.c - every SIMD twin against its scalar twin, and both against independent
 * references (libm in double, finite differences).
 *
 *   activations   sigmoid, tanh, exp: SIMD == scalar bit for bit (memcmp) for n = 1..33, edge values included
 *                 (0, -0, +-1e-8, +-20, +-100, +-1e30, +-inf, NaN, -NaN): NaN in -> same NaN out
 *   k_expf        relative error vs double exp over a dense sweep of [-87, 88]     <= 2e-7
 *   k_tanhf       absolute error vs double tanh over [-20, 20]                     <= 2e-7
 *                 relative error for |x| in [1e-30, 20]                              <= 3e-7
 *   sigmoid       absolute error vs double 1/(1+exp(-x)) over [-30, 30]            <= 1e-7
 *   GEMMs         C += ... with random C, row strides ld > N (padding filled with NaN, so a
 *                 read of padding poisons the result; padding of C must stay untouched), all
 *                 of M, N in 1..33 for a set of K, all K in 1..33, and big shapes; error vs a
 *                 double reference <= (K + 2) * 2^-23 * (|C0| + sum |a||b|), SIMD vs scalar
 *                 the same bound; nn and tn are expected bit-identical (same summation order)
 *   one-hot       gather (W[tok] + b1) + b2: SIMD == scalar == the definition, bit for bit
 *   fused cells   LSTM/GRU forward and backward: SIMD == scalar bit for bit for B in
 *                 {1,2,3,5}, H in 1..33; backward vs central differences of a double
 *                 reference forward (eps 1e-6; |an - fd| <= 2e-6 + 2e-5 |fd|) and of the float
 *                 kernel forward itself (eps 1e-2; loose); GRU dh_prev accumulates.
 * Buffers are malloc'ed to their exact size so ASan catches any read past the end.
 * Build: see the comment in core/kernels/simd.c; run with and without -DRNNLAB_SCALAR. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernels/kernels.h"

/* ---- small helpers ---------------------------------------------------------------------- */

static float rnd(uint64_t *s) { /* uniform in [-1, 1) */
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return (float)((double)(*s >> 40) / (double)(1ull << 23) - 1.0);
}

static float *falloc(size_t n) { /* exact size: ASan flags reads past the end */
  float *p = (float *)malloc((n ? n : 1) * sizeof(float));
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static float *fdup(const float *x, size_t n) {
  float *p = falloc(n);
  memcpy(p, x, n * sizeof(float));
  return p;
}

static uint32_t fbits(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

static float bits_f(uint32_t u) {
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* index of the first differing float, or -1 */
static long first_diff(const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fbits(a[i]) != fbits(b[i])) return (long)i;
  return -1;
}

/* ---- activations ------------------------------------------------------------------------ */

static void test_activations(uint64_t *s) {
  const float edges[] = {0.0f,    -0.0f,  1e-8f,  -1e-8f,   20.0f,    -20.0f,   100.0f,
                         -100.0f, 1e30f,  -1e30f, INFINITY, -INFINITY, NAN,     -NAN,
                         1.0f,    -1.0f,  0.625f, -0.625f,  0.62499997f, 88.3f, -87.3f,
                         17.0f,   -9.0f,  1e-30f, bits_f(0x7fc12345u) /* NaN with payload */};
  const int ne = (int)(sizeof edges / sizeof edges[0]);
  int bad_sig = 0, bad_tanh = 0, bad_exp = 0, bad_alias = 0, bad_nan = 0;
  for (int n = 1; n <= 33; n++) {
    for (int rep = 0; rep < 4; rep++) {
      float *x = falloc((size_t)n), *ys = falloc((size_t)n), *yv = falloc((size_t)n);
      for (int i = 0; i < n; i++) {
        const float u = rnd(s);
        if (rep == 0) x[i] = edges[(i + n) % ne];            /* every edge in every lane */
        else if (rep == 1) x[i] = u * 12.0f;                  /* the interesting range */
        else if (rep == 2) x[i] = (i % 3 == 0) ? edges[(i * 7 + n) % ne] : u * 100.0f;
        else x[i] = u * 0.7f;                                 /* tanh small branch */
      }
      k_sigmoid_scalar(ys, x, n);
      k_sigmoid_simd(yv, x, n);
      long d = first_diff(ys, yv, (size_t)n);
      if (d >= 0 && bad_sig++ < 5)
        fprintf(stderr, "sigmoid n=%d i=%ld x=%.9g: scalar %.9g (%08x) simd %.9g (%08x)\n", n, d, x[d], ys[d],
                fbits(ys[d]), yv[d], fbits(yv[d]));
      for (int i = 0; i < n; i++) {
        if (isnan(x[i]) && fbits(ys[i]) != fbits(x[i])) bad_nan++;
        if (!isnan(x[i]) && fbits(ys[i]) != fbits(k_sigmoidf(x[i]))) bad_nan++; /* header helper agrees */
      }
      k_tanh_scalar(ys, x, n);
      k_tanh_simd(yv, x, n);
      d = first_diff(ys, yv, (size_t)n);
      if (d >= 0 && bad_tanh++ < 5)
        fprintf(stderr, "tanh n=%d i=%ld x=%.9g: scalar %.9g (%08x) simd %.9g (%08x)\n", n, d, x[d], ys[d],
                fbits(ys[d]), yv[d], fbits(yv[d]));
      for (int i = 0; i < n; i++) {
        if (isnan(x[i]) && fbits(ys[i]) != fbits(x[i])) bad_nan++;
        if (fbits(ys[i]) != fbits(k_tanhf(x[i]))) bad_nan++;
      }
      k_exp_scalar(ys, x, n);
      k_exp_simd(yv, x, n);
      d = first_diff(ys, yv, (size_t)n);
      if (d >= 0 && bad_exp++ < 5)
        fprintf(stderr, "exp n=%d i=%ld x=%.9g: scalar %.9g (%08x) simd %.9g (%08x)\n", n, d, x[d], ys[d],
                fbits(ys[d]), yv[d], fbits(yv[d]));
      for (int i = 0; i < n; i++) {
        if (isnan(x[i]) && fbits(ys[i]) != fbits(x[i])) bad_nan++;
        if (!isnan(x[i]) && fbits(ys[i]) != fbits(k_expf(x[i]))) bad_nan++;
      }
      /* in place (y aliases x) gives the same bits */
      float *xa = fdup(x, (size_t)n);
      k_exp_simd(xa, xa, n);
      if (first_diff(xa, yv, (size_t)n) >= 0) bad_alias++;
      memcpy(xa, x, (size_t)n * sizeof(float));
      k_tanh_simd(yv, x, n);
      k_tanh_simd(xa, xa, n);
      if (first_diff(xa, yv, (size_t)n) >= 0) bad_alias++;
      memcpy(xa, x, (size_t)n * sizeof(float));
      k_sigmoid_simd(xa, xa, n);
      k_sigmoid_scalar(ys, x, n);
      if (first_diff(xa, ys, (size_t)n) >= 0) bad_alias++;
      memcpy(xa, x, (size_t)n * sizeof(float));
      k_sigmoid_scalar(xa, xa, n);
      if (first_diff(xa, ys, (size_t)n) >= 0) bad_alias++;
      free(xa);
      free(x);
      free(ys);
      free(yv);
    }
  }
  CHECK(bad_sig == 0, "sigmoid SIMD vs scalar: %d arrays differ", bad_sig);
  CHECK(bad_tanh == 0, "tanh SIMD vs scalar: %d arrays differ", bad_tanh);
  CHECK(bad_exp == 0, "exp SIMD vs scalar: %d arrays differ", bad_exp);
  CHECK(bad_alias == 0, "in-place activations differ: %d", bad_alias);
  CHECK(bad_nan == 0, "NaN pass-through / helper agreement: %d bad", bad_nan);

  /* exact values at the edges */
  float x[8] = {0.0f, -0.0f, 20.0f, -20.0f, 100.0f, -100.0f, 1e30f, -1e30f}, y[8];
  k_tanh_simd(y, x, 8);
  CHECK(fbits(y[0]) == 0u && fbits(y[1]) == 0x80000000u, "tanh(+-0) = +-0: %08x %08x", fbits(y[0]), fbits(y[1]));
  CHECK(y[2] == 1.0f && y[3] == -1.0f && y[4] == 1.0f && y[5] == -1.0f && y[6] == 1.0f && y[7] == -1.0f,
        "tanh saturates to exactly +-1");
  k_sigmoid_simd(y, x, 8);
  CHECK(y[0] == 0.5f && y[1] == 0.5f, "sigmoid(+-0) = 0.5");
  CHECK(y[4] == 1.0f && y[6] == 1.0f, "sigmoid(large) = 1");
  CHECK(y[5] >= 0.0f && y[5] < 1e-37f && y[7] >= 0.0f && y[7] < 1e-37f, "sigmoid(-large) ~ 0: %g %g", y[5], y[7]);
  CHECK(fabsf(y[2] - 1.0f) < 1e-8f && y[3] > 0.0f && y[3] < 3e-9f, "sigmoid(+-20): %.9g %.9g", y[2], y[3]);
  x[0] = 1e-8f;
  x[1] = -1e-8f;
  k_tanh_simd(y, x, 2);
  CHECK(y[0] == 1e-8f && y[1] == -1e-8f, "tanh(+-1e-8) = +-1e-8: %.9g %.9g", y[0], y[1]);
  CHECK(isnan(k_expf(NAN)) && isnan(k_tanhf(NAN)) && isnan(k_sigmoidf(NAN)), "NaN in, NaN out (scalar helpers)");
  CHECK(k_expf(0.0f) == 1.0f && k_expf(-0.0f) == 1.0f, "exp(0) = 1");
  CHECK(isfinite(k_expf(1e30f)) && k_expf(1e30f) > 2e38f && k_expf(INFINITY) == k_expf(88.3f), "exp clamps high");
  CHECK(k_expf(-1e30f) > 0.0f && k_expf(-INFINITY) == k_expf(-87.3f) && k_expf(-87.3f) >= 1.17549435e-38f,
        "exp clamps low to a normal float");
}

/* ---- accuracy of the scalar helpers against libm ------------------------------------------ */

static void test_accuracy(void) {
  double max_rel = 0.0, max_rel_libm = 0.0, at = 0.0;
  for (double xd = -87.0; xd <= 88.0; xd += 7.3e-5) { /* ~2.4M points, misaligned with ln 2 */
    const float x = (float)xd;
    const double ref = exp((double)x);
    const double rel = fabs((double)k_expf(x) - ref) / ref;
    const double rel_libm = fabs((double)expf(x) - ref) / ref;
    if (rel > max_rel) {
      max_rel = rel;
      at = x;
    }
    if (rel_libm > max_rel_libm) max_rel_libm = rel_libm;
  }
  /* around 0, where r is tiny and n = 0 */
  for (double xd = -1e-3; xd <= 1e-3; xd += 1.1e-8) {
    const float x = (float)xd;
    const double ref = exp((double)x);
    const double rel = fabs((double)k_expf(x) - ref) / ref;
    if (rel > max_rel) {
      max_rel = rel;
      at = x;
    }
  }
  printf("k_expf:  max rel error %.3g (at %.7g) vs double exp; libm expf: %.3g\n", max_rel, at, max_rel_libm);
  CHECK(max_rel <= 2e-7, "k_expf relative error %.3g at %.9g", max_rel, at);

  double max_abs = 0.0, max_trel = 0.0, at_abs = 0.0, at_rel = 0.0;
  for (double xd = -20.0; xd <= 20.0; xd += 9.7e-6) {
    const float x = (float)xd;
    const double ref = tanh((double)x);
    const double e = fabs((double)k_tanhf(x) - ref);
    if (e > max_abs) {
      max_abs = e;
      at_abs = x;
    }
    if (ref != 0.0 && e / fabs(ref) > max_trel) {
      max_trel = e / fabs(ref);
      at_rel = x;
    }
  }
  for (double xd = 1e-30; xd <= 1.0; xd *= 1.0001) { /* tiny arguments, relative */
    const float x = (float)xd;
    const double ref = tanh((double)x);
    const double e = fabs((double)k_tanhf(x) - ref);
    if (e / ref > max_trel) {
      max_trel = e / ref;
      at_rel = x;
    }
  }
  printf("k_tanhf: max abs error %.3g (at %.7g), max rel error %.3g (at %.7g) vs double tanh\n", max_abs, at_abs,
         max_trel, at_rel);
  CHECK(max_abs <= 2e-7, "k_tanhf absolute error %.3g at %.9g", max_abs, at_abs);
  CHECK(max_trel <= 3e-7, "k_tanhf relative error %.3g at %.9g", max_trel, at_rel);

  double max_sabs = 0.0, max_srel = 0.0;
  for (double xd = -30.0; xd <= 30.0; xd += 1.3e-5) {
    const float x = (float)xd;
    const double ref = 1.0 / (1.0 + exp(-(double)x));
    const double e = fabs((double)k_sigmoidf(x) - ref);
    if (e > max_sabs) max_sabs = e;
    if (e / ref > max_srel) max_srel = e / ref;
  }
  printf("sigmoid: max abs error %.3g, max rel error %.3g on [-30, 30] vs double\n", max_sabs, max_srel);
  CHECK(max_sabs <= 1e-7, "sigmoid absolute error %.3g", max_sabs);
  CHECK(max_srel <= 4e-7, "sigmoid relative error %.3g", max_srel);
}

/* ---- cross-platform fingerprint -----------------------------------------------------------
 * kernels.h promises the same activation bits from scalar, SIMD, native and wasm. Hash the
 * outputs over a fixed input set (a decimal sweep of [-100, 100] plus 2^20 scattered bit
 * patterns: every exponent, denormals, infinities, NaNs) and compare with the value pinned
 * here, which was produced identically by gcc/clang native (SSE/AVX2, portable SIMDe) and by
 * emcc -msimd128 / scalar under Node. A change of constants or operation order, -ffast-math,
 * FMA contraction or flush-to-zero all show up as a different hash. */
static uint32_t fnv1a(uint32_t h, const float *y, int n) {
  for (int i = 0; i < n; i++) {
    uint32_t u = fbits(y[i]);
    for (int b = 0; b < 4; b++, u >>= 8) h = (h ^ (u & 0xffu)) * 16777619u;
  }
  return h;
}

static void test_fingerprint(void) {
  enum { CHUNK = 4096, NSWEEP = 200001, NBITS = 1 << 20 };
  float *x = falloc(CHUNK), *y = falloc(CHUNK);
  uint32_t h[4] = {2166136261u, 2166136261u, 2166136261u, 2166136261u};
  for (int base = 0; base < NSWEEP + NBITS; base += CHUNK) {
    const int n = base + CHUNK <= NSWEEP + NBITS ? CHUNK : NSWEEP + NBITS - base;
    for (int i = 0; i < n; i++) {
      const int t = base + i;
      x[i] = t < NSWEEP ? (float)(t - 100000) / 1000.0f : bits_f((uint32_t)(t - NSWEEP) * 2654435761u);
    }
    k_sigmoid_scalar(y, x, n);
    h[0] = fnv1a(h[0], y, n);
    k_sigmoid_simd(y, x, n);
    h[1] = fnv1a(h[1], y, n);
    k_tanh_scalar(y, x, n);
    h[2] = fnv1a(h[2], y, n);
    k_tanh_simd(y, x, n);
    h[3] = fnv1a(h[3], y, n);
  }
  free(x);
  free(y);
  const uint32_t want_sigmoid = 0xf6585151u, want_tanh = 0x6676c41fu;
  printf("fingerprint: sigmoid %08x/%08x tanh %08x/%08x (scalar/simd)\n", h[0], h[1], h[2], h[3]);
  CHECK(h[0] == want_sigmoid && h[1] == want_sigmoid, "sigmoid fingerprint %08x/%08x, pinned %08x", h[0], h[1],
        want_sigmoid);
  CHECK(h[2] == want_tanh && h[3] == want_tanh, "tanh fingerprint %08x/%08x, pinned %08x", h[2], h[3], want_tanh);
}

/* ---- GEMMs -------------------------------------------------------------------------------- */

typedef void (*gemm_fn)(int, int, int, const float *, int, const float *, int, float *, int);
enum { NN, NT, TN };

/* element (r, c) of op(X) for the three variants */
static double gemm_ref_elem(int kind, const float *A, int lda, const float *B, int ldb, int i, int j, int K,
                            double *absum) {
  double s = 0.0, sa = 0.0;
  for (int k = 0; k < K; k++) {
    const double a = kind == TN ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
    const double b = kind == NT ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
    s += a * b;
    sa += fabs(a * b);
  }
  *absum = sa;
  return s;
}

/* One shape, one variant: random A, B, C (with NaN in every row's padding of A and B and a
 * sentinel in C's padding), run scalar and SIMD on copies of C, compare. Returns failures. */
static int gemm_case(int kind, int M, int N, int K, int pad, uint64_t *s, int verbose) {
  static const gemm_fn fs[3][2] = {{k_gemm_nn_scalar, k_gemm_nn_simd},
                                   {k_gemm_nt_scalar, k_gemm_nt_simd},
                                   {k_gemm_tn_scalar, k_gemm_tn_simd}};
  static const char *names[3] = {"nn", "nt", "tn"};
  const int ar = kind == TN ? K : M, ac = kind == TN ? M : K; /* stored shape of A */
  const int br = kind == NT ? N : K, bc = kind == NT ? K : N; /* stored shape of B */
  const int lda = ac + pad, ldb = bc + 2 * pad, ldc = N + 3 * pad;
  const size_t na = (size_t)(ar - 1) * lda + ac, nb = (size_t)(br - 1) * ldb + bc, nc = (size_t)(M - 1) * ldc + N;
  float *A = falloc(na), *B = falloc(nb), *C0 = falloc(nc);
  for (size_t t = 0; t < na; t++) A[t] = ((int)(t % (size_t)lda) < ac) ? rnd(s) : NAN;
  for (size_t t = 0; t < nb; t++) B[t] = ((int)(t % (size_t)ldb) < bc) ? rnd(s) : NAN;
  for (size_t t = 0; t < nc; t++) C0[t] = ((int)(t % (size_t)ldc) < N) ? rnd(s) : 12345.0f;
  float *Cs = fdup(C0, nc), *Cv = fdup(C0, nc);
  fs[kind][0](M, N, K, A, lda, B, ldb, Cs, ldc);
  fs[kind][1](M, N, K, A, lda, B, ldb, Cv, ldc);
  int fails = 0;
  const double u = 1.0 / 8388608.0; /* 2^-23 = 2 ulp(1)/2: each of scalar/SIMD within gamma_K */
  for (int i = 0; i < M && fails < 3; i++) {
    for (int j = 0; j < ldc && (size_t)i * ldc + j < nc; j++) {
      const size_t t = (size_t)i * ldc + j;
      if (j >= N) {
        if (fbits(Cs[t]) != fbits(C0[t]) || fbits(Cv[t]) != fbits(C0[t])) {
          if (verbose) fprintf(stderr, "gemm_%s %dx%dx%d: padding of C written at (%d,%d)\n", names[kind], M, N, K, i, j);
          fails++;
        }
        continue;
      }
      double absum;
      const double ref = C0[t] + gemm_ref_elem(kind, A, lda, B, ldb, i, j, K, &absum);
      const double tol = (K + 2) * u * (fabs(C0[t]) + absum);
      const int ok = isfinite(Cs[t]) && isfinite(Cv[t]) && fabs(Cs[t] - ref) <= tol && fabs(Cv[t] - ref) <= tol &&
                     fabs((double)Cv[t] - Cs[t]) <= tol;
      if (!ok) {
        if (verbose)
          fprintf(stderr, "gemm_%s M=%d N=%d K=%d pad=%d (%d,%d): scalar %.9g simd %.9g ref %.9g tol %.3g\n",
                  names[kind], M, N, K, pad, i, j, Cs[t], Cv[t], ref, tol);
        fails++;
      }
    }
  }
  /* nn and tn add the products into C in k order in both twins: expect the same bits */
  if (kind != NT && first_diff(Cs, Cv, nc) >= 0) fails += 0x10000;
  free(A);
  free(B);
  free(C0);
  free(Cs);
  free(Cv);
  return fails;
}

static void test_gemm(uint64_t *s) {
  static const char *names[3] = {"nn", "nt", "tn"};
  static const int Ks[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33};
  for (int kind = 0; kind < 3; kind++) {
    int fails = 0, cases = 0, bitdiff = 0;
    for (int M = 1; M <= 33; M++)
      for (int N = 1; N <= 33; N++)
        for (size_t q = 0; q < sizeof Ks / sizeof Ks[0]; q++) {
          const int f = gemm_case(kind, M, N, Ks[q], (M + N) % 3 == 0 ? 0 : (M + N) % 3 + 2, s, fails < 3);
          fails += f & 0xffff;
          bitdiff += f >> 16;
          cases++;
        }
    for (int K = 1; K <= 33; K++)
      for (int M = 1; M <= 9; M += 4)
        for (int N = 1; N <= 33; N += 8) {
          const int f = gemm_case(kind, M, N, K, K % 2 ? 5 : 0, s, fails < 3);
          fails += f & 0xffff;
          bitdiff += f >> 16;
          cases++;
        }
    static const int big[][3] = {{32, 512, 128}, {1, 512, 128}, {512, 128, 32}, {37, 259, 131}, {6, 100, 300}, {9, 65, 257}};
    for (size_t q = 0; q < sizeof big / sizeof big[0]; q++)
      for (int pad = 0; pad <= 7; pad += 7) {
        const int f = gemm_case(kind, big[q][0], big[q][1], big[q][2], pad, s, fails < 3);
        fails += f & 0xffff;
        bitdiff += f >> 16;
        cases++;
      }
    CHECK(fails == 0, "gemm_%s: %d bad elements over %d shapes", names[kind], fails, cases);
    CHECK(bitdiff == 0, "gemm_%s: SIMD and scalar differ in bits on %d shapes (same summation order expected)",
          names[kind], bitdiff);
  }

  /* degenerate sizes are no-ops; K = 0 leaves C alone */
  float A[4] = {1, 2, 3, 4}, Bm[4] = {1, 2, 3, 4}, C[4] = {5, 6, 7, 8};
  const gemm_fn all[6] = {k_gemm_nn_scalar, k_gemm_nn_simd, k_gemm_nt_scalar,
                          k_gemm_nt_simd,   k_gemm_tn_scalar, k_gemm_tn_simd};
  int moved = 0;
  for (int q = 0; q < 6; q++) {
    all[q](2, 2, 0, A, 2, Bm, 2, C, 2);
    all[q](0, 2, 2, A, 2, Bm, 2, C, 2);
    all[q](2, 0, 2, A, 2, Bm, 2, C, 2);
    moved += C[0] != 5 || C[1] != 6 || C[2] != 7 || C[3] != 8;
  }
  CHECK(moved == 0, "GEMM with a zero size changed C");
  /* accumulation, exactly: C = [1 1; 1 1] + A B with small integers */
  float Cn[4] = {1, 1, 1, 1};
  k_gemm_nn_simd(2, 2, 2, A, 2, Bm, 2, Cn, 2); /* [1 2;3 4][1 2;3 4] = [7 10; 15 22] */
  CHECK(Cn[0] == 8 && Cn[1] == 11 && Cn[2] == 16 && Cn[3] == 23, "gemm_nn accumulates: %g %g %g %g", Cn[0], Cn[1],
        Cn[2], Cn[3]);
  float Ct[4] = {1, 1, 1, 1};
  k_gemm_nt_simd(2, 2, 2, A, 2, Bm, 2, Ct, 2); /* A B^T = [5 11; 11 25] */
  CHECK(Ct[0] == 6 && Ct[1] == 12 && Ct[2] == 12 && Ct[3] == 26, "gemm_nt accumulates: %g %g %g %g", Ct[0], Ct[1],
        Ct[2], Ct[3]);
  float Cm[4] = {1, 1, 1, 1};
  k_gemm_tn_simd(2, 2, 2, A, 2, Bm, 2, Cm, 2); /* A^T B = [10 14; 14 20] */
  CHECK(Cm[0] == 11 && Cm[1] == 15 && Cm[2] == 15 && Cm[3] == 21, "gemm_tn accumulates: %g %g %g %g", Cm[0], Cm[1],
        Cm[2], Cm[3]);
}

/* ---- fused LSTM ----------------------------------------------------------------------------- */

/* one-hot gather: SIMD == scalar bit for bit, both == the definition (W[tok] + b1) + b2, for
 * every width G in 1..33 (vector body and tail), with and without b2 */
static void test_onehot_gather(uint64_t *s) {
  int bad = 0, cases = 0;
  for (int G = 1; G <= 33; G++)
    for (int with_b2 = 0; with_b2 <= 1; with_b2++) {
      const int V = 5, R = 7;
      float *W = falloc((size_t)V * G), *b1 = falloc((size_t)G), *b2 = falloc((size_t)G);
      float *ps = falloc((size_t)R * G), *pv = falloc((size_t)R * G);
      int32_t tok[7];
      for (int t = 0; t < V * G; t++) W[t] = rnd(s) * 3.0f;
      for (int j = 0; j < G; j++) b1[j] = rnd(s), b2[j] = rnd(s) * 1e-3f;
      for (int r = 0; r < R; r++) tok[r] = (int32_t)((r * 3 + G) % V);
      k_onehot_gather_scalar(ps, tok, W, b1, with_b2 ? b2 : NULL, R, G);
      k_onehot_gather_simd(pv, tok, W, b1, with_b2 ? b2 : NULL, R, G);
      if (first_diff(ps, pv, (size_t)R * G) >= 0) bad++;
      for (int r = 0; r < R; r++)
        for (int j = 0; j < G; j++) {
          float e = W[(size_t)tok[r] * G + j] + b1[j];
          if (with_b2) e += b2[j];
          if (fbits(ps[(size_t)r * G + j]) != fbits(e)) bad++;
        }
      cases++;
      free(W), free(b1), free(b2), free(ps), free(pv);
    }
  CHECK(bad == 0, "onehot_gather: %d mismatches over %d shapes (SIMD vs scalar vs definition)", bad, cases);
}

static void test_lstm_twins(uint64_t *s) {
  static const int Bs[] = {1, 2, 3, 5};
  int bad_f = 0, bad_b = 0;
  for (size_t qb = 0; qb < sizeof Bs / sizeof Bs[0]; qb++)
    for (int H = 1; H <= 33; H++) {
      const int B = Bs[qb];
      const size_t nh = (size_t)B * H, ng = 4 * nh;
      float *pre = falloc(ng), *cp = falloc(nh);
      for (size_t t = 0; t < ng; t++) pre[t] = 4.0f * rnd(s);
      for (size_t t = 0; t < nh; t++) cp[t] = 2.0f * rnd(s);
      if (H == 7) pre[3] = 60.0f, pre[4] = -60.0f; /* saturated gates */
      float *gs = fdup(pre, ng), *gv = fdup(pre, ng);
      float *cs = falloc(nh), *cv = falloc(nh), *tcs = falloc(nh), *tcv = falloc(nh), *hs = falloc(nh), *hv = falloc(nh);
      k_lstm_forward_scalar(gs, cs, tcs, hs, cp, B, H);
      k_lstm_forward_simd(gv, cv, tcv, hv, cp, B, H);
      if (first_diff(gs, gv, ng) >= 0 || first_diff(cs, cv, nh) >= 0 || first_diff(tcs, tcv, nh) >= 0 ||
          first_diff(hs, hv, nh) >= 0) {
        if (bad_f++ < 3) fprintf(stderr, "lstm forward B=%d H=%d: SIMD and scalar differ\n", B, H);
      }
      float *dh = falloc(nh), *dc0 = falloc(nh);
      for (size_t t = 0; t < nh; t++) dh[t] = rnd(s), dc0[t] = rnd(s);
      float *dcs = fdup(dc0, nh), *dcv = fdup(dc0, nh), *dgs = falloc(ng), *dgv = falloc(ng);
      k_lstm_backward_scalar(dgs, dcs, dh, gs, cp, tcs, B, H);
      k_lstm_backward_simd(dgv, dcv, dh, gs, cp, tcs, B, H);
      if (first_diff(dgs, dgv, ng) >= 0 || first_diff(dcs, dcv, nh) >= 0) {
        if (bad_b++ < 3) fprintf(stderr, "lstm backward B=%d H=%d: SIMD and scalar differ\n", B, H);
      }
      free(pre), free(cp), free(gs), free(gv), free(cs), free(cv), free(tcs), free(tcv), free(hs), free(hv);
      free(dh), free(dc0), free(dcs), free(dcv), free(dgs), free(dgv);
    }
  CHECK(bad_f == 0, "lstm forward SIMD vs scalar bits: %d shapes differ", bad_f);
  CHECK(bad_b == 0, "lstm backward SIMD vs scalar bits: %d shapes differ", bad_b);
}

/* L = sum wh*h + sum wc*c in double, from pre-activations and c_prev */
static double lstm_loss_d(const double *pre, const double *cp, const float *wh, const float *wc, int B, int H) {
  double L = 0.0;
  for (int b = 0; b < B; b++)
    for (int j = 0; j < H; j++) {
      const double *g = pre + (size_t)b * 4 * H;
      const double i = 1.0 / (1.0 + exp(-g[j])), f = 1.0 / (1.0 + exp(-g[H + j]));
      const double gg = tanh(g[2 * H + j]), o = 1.0 / (1.0 + exp(-g[3 * H + j]));
      const double c = f * cp[b * H + j] + i * gg;
      L += wh[b * H + j] * o * tanh(c) + wc[b * H + j] * c;
    }
  return L;
}

static double lstm_loss_f(int simd, const double *pre, const double *cp, const float *wh, const float *wc, int B,
                          int H) {
  const size_t nh = (size_t)B * H, ng = 4 * nh;
  float *g = falloc(ng), *c = falloc(nh), *tc = falloc(nh), *h = falloc(nh), *cpf = falloc(nh);
  for (size_t t = 0; t < ng; t++) g[t] = (float)pre[t];
  for (size_t t = 0; t < nh; t++) cpf[t] = (float)cp[t];
  (simd ? k_lstm_forward_simd : k_lstm_forward_scalar)(g, c, tc, h, cpf, B, H);
  double L = 0.0;
  for (size_t t = 0; t < nh; t++) L += (double)wh[t] * h[t] + (double)wc[t] * c[t];
  free(g), free(c), free(tc), free(h), free(cpf);
  return L;
}

static void test_lstm_gradcheck(uint64_t *s) {
  const int B = 2, H = 6; /* H = 6: one vector of 4 and a scalar tail of 2 */
  const size_t nh = (size_t)B * H, ng = 4 * nh;
  for (int simd = 0; simd <= 1; simd++) {
    double pre[2 * 4 * 6], cp[2 * 6];
    float wh[2 * 6], wc[2 * 6];
    for (size_t t = 0; t < ng; t++) pre[t] = (float)(2.0f * rnd(s)); /* float-representable */
    for (size_t t = 0; t < nh; t++) cp[t] = (float)rnd(s), wh[t] = rnd(s), wc[t] = rnd(s);
    /* analytic: forward then backward of the kernel, dh = wh, dc = wc */
    float g[2 * 4 * 6], c[2 * 6], tc[2 * 6], h[2 * 6], cpf[2 * 6], dg[2 * 4 * 6], dc[2 * 6];
    for (size_t t = 0; t < ng; t++) g[t] = (float)pre[t];
    for (size_t t = 0; t < nh; t++) cpf[t] = (float)cp[t], dc[t] = wc[t];
    (simd ? k_lstm_forward_simd : k_lstm_forward_scalar)(g, c, tc, h, cpf, B, H);
    (simd ? k_lstm_backward_simd : k_lstm_backward_scalar)(dg, dc, wh, g, cpf, tc, B, H);
    double worst_d = 0.0, worst_f = 0.0;
    for (size_t t = 0; t < ng + nh; t++) {
      double *p = t < ng ? &pre[t] : &cp[t - ng];
      const double an = t < ng ? dg[t] : dc[t - ng];
      const double keep = *p;
      *p = keep + 1e-6;
      double Lp = lstm_loss_d(pre, cp, wh, wc, B, H);
      *p = keep - 1e-6;
      double Lm = lstm_loss_d(pre, cp, wh, wc, B, H);
      const double fd = (Lp - Lm) / 2e-6;
      *p = keep + 1e-2;
      Lp = lstm_loss_f(simd, pre, cp, wh, wc, B, H);
      *p = keep - 1e-2;
      Lm = lstm_loss_f(simd, pre, cp, wh, wc, B, H);
      const double ff = (Lp - Lm) / 2e-2;
      *p = keep;
      const double ed = fabs(an - fd) / (2e-6 + 2e-5 * fabs(fd));
      const double ef = fabs(an - ff) / (2e-4 + 2e-3 * fabs(ff));
      if (ed > worst_d) worst_d = ed;
      if (ef > worst_f) worst_f = ef;
      CHECK(ed <= 1.0, "lstm %s d/d%s[%zu]: analytic %.9g vs fd(double) %.9g", simd ? "simd" : "scalar",
            t < ng ? "gates" : "c_prev", t < ng ? t : t - ng, an, fd);
      CHECK(ef <= 1.0, "lstm %s d/d%s[%zu]: analytic %.9g vs fd(float kernel) %.9g", simd ? "simd" : "scalar",
            t < ng ? "gates" : "c_prev", t < ng ? t : t - ng, an, ff);
    }
    printf("lstm %-6s gradcheck: worst error / tolerance = %.3f (double fd), %.3f (float kernel fd)\n",
           simd ? "simd" : "scalar", worst_d, worst_f);
  }
}

/* ---- fused GRU ------------------------------------------------------------------------------ */

static void test_gru_twins(uint64_t *s) {
  static const int Bs[] = {1, 2, 3, 5};
  int bad_f = 0, bad_b = 0;
  for (size_t qb = 0; qb < sizeof Bs / sizeof Bs[0]; qb++)
    for (int H = 1; H <= 33; H++) {
      const int B = Bs[qb];
      const size_t nh = (size_t)B * H, ng = 3 * nh;
      float *gx = falloc(ng), *gh = falloc(ng), *hp = falloc(nh);
      for (size_t t = 0; t < ng; t++) gx[t] = 3.0f * rnd(s), gh[t] = 3.0f * rnd(s);
      for (size_t t = 0; t < nh; t++) hp[t] = rnd(s);
      if (H == 9) gx[2] = 80.0f, gx[5] = -80.0f;
      float *gs = falloc(ng), *gv = falloc(ng), *hns = falloc(nh), *hnv = falloc(nh), *hs = falloc(nh), *hv = falloc(nh);
      k_gru_forward_scalar(gs, hns, hs, gx, gh, hp, B, H);
      k_gru_forward_simd(gv, hnv, hv, gx, gh, hp, B, H);
      if (first_diff(gs, gv, ng) >= 0 || first_diff(hns, hnv, nh) >= 0 || first_diff(hs, hv, nh) >= 0) {
        if (bad_f++ < 3) fprintf(stderr, "gru forward B=%d H=%d: SIMD and scalar differ\n", B, H);
      }
      float *dh = falloc(nh), *dhp0 = falloc(nh);
      for (size_t t = 0; t < nh; t++) dh[t] = rnd(s), dhp0[t] = rnd(s);
      float *dhps = fdup(dhp0, nh), *dhpv = fdup(dhp0, nh);
      float *dgxs = falloc(ng), *dgxv = falloc(ng), *dghs = falloc(ng), *dghv = falloc(ng);
      k_gru_backward_scalar(dgxs, dghs, dhps, dh, gs, hns, hp, B, H);
      k_gru_backward_simd(dgxv, dghv, dhpv, dh, gs, hns, hp, B, H);
      if (first_diff(dgxs, dgxv, ng) >= 0 || first_diff(dghs, dghv, ng) >= 0 || first_diff(dhps, dhpv, nh) >= 0) {
        if (bad_b++ < 3) fprintf(stderr, "gru backward B=%d H=%d: SIMD and scalar differ\n", B, H);
      }
      free(gx), free(gh), free(hp), free(gs), free(gv), free(hns), free(hnv), free(hs), free(hv);
      free(dh), free(dhp0), free(dhps), free(dhpv), free(dgxs), free(dgxv), free(dghs), free(dghv);
    }
  CHECK(bad_f == 0, "gru forward SIMD vs scalar bits: %d shapes differ", bad_f);
  CHECK(bad_b == 0, "gru backward SIMD vs scalar bits: %d shapes differ", bad_b);
}

/* L = sum wh*h in double, from gx, gh, h_prev (all independent inputs of the step) */
static double gru_loss_d(const double *gx, const double *gh, const double *hp, const float *wh, int B, int H) {
  double L = 0.0;
  for (int b = 0; b < B; b++)
    for (int j = 0; j < H; j++) {
      const size_t g3 = (size_t)b * 3 * H;
      const double r = 1.0 / (1.0 + exp(-(gx[g3 + j] + gh[g3 + j])));
      const double z = 1.0 / (1.0 + exp(-(gx[g3 + H + j] + gh[g3 + H + j])));
      const double n = tanh(gx[g3 + 2 * H + j] + r * gh[g3 + 2 * H + j]);
      L += wh[b * H + j] * ((1.0 - z) * n + z * hp[b * H + j]);
    }
  return L;
}

static double gru_loss_f(int simd, const double *gx, const double *gh, const double *hp, const float *wh, int B,
                         int H) {
  const size_t nh = (size_t)B * H, ng = 3 * nh;
  float *gxf = falloc(ng), *ghf = falloc(ng), *hpf = falloc(nh), *g = falloc(ng), *hn = falloc(nh), *h = falloc(nh);
  for (size_t t = 0; t < ng; t++) gxf[t] = (float)gx[t], ghf[t] = (float)gh[t];
  for (size_t t = 0; t < nh; t++) hpf[t] = (float)hp[t];
  (simd ? k_gru_forward_simd : k_gru_forward_scalar)(g, hn, h, gxf, ghf, hpf, B, H);
  double L = 0.0;
  for (size_t t = 0; t < nh; t++) L += (double)wh[t] * h[t];
  free(gxf), free(ghf), free(hpf), free(g), free(hn), free(h);
  return L;
}

static void test_gru_gradcheck(uint64_t *s) {
  enum { B = 2, H = 6, NH = B * H, NG = 3 * B * H };
  for (int simd = 0; simd <= 1; simd++) {
    double gx[NG], gh[NG], hp[NH];
    float wh[NH];
    for (int t = 0; t < NG; t++) gx[t] = (float)(2.0f * rnd(s)), gh[t] = (float)(2.0f * rnd(s));
    for (int t = 0; t < NH; t++) hp[t] = (float)rnd(s), wh[t] = rnd(s);
    float gxf[NG], ghf[NG], hpf[NH], g[NG], hn[NH], h[NH], dgx[NG], dgh[NG], dhp[NH];
    for (int t = 0; t < NG; t++) gxf[t] = (float)gx[t], ghf[t] = (float)gh[t];
    for (int t = 0; t < NH; t++) hpf[t] = (float)hp[t], dhp[t] = 0.0f;
    (simd ? k_gru_forward_simd : k_gru_forward_scalar)(g, hn, h, gxf, ghf, hpf, B, H);
    (simd ? k_gru_backward_simd : k_gru_backward_scalar)(dgx, dgh, dhp, wh, g, hn, hpf, B, H);
    double worst_d = 0.0, worst_f = 0.0;
    for (int t = 0; t < 2 * NG + NH; t++) {
      double *p = t < NG ? &gx[t] : t < 2 * NG ? &gh[t - NG] : &hp[t - 2 * NG];
      const double an = t < NG ? dgx[t] : t < 2 * NG ? dgh[t - NG] : dhp[t - 2 * NG];
      const char *what = t < NG ? "gx" : t < 2 * NG ? "gh" : "h_prev";
      const int idx = t < NG ? t : t < 2 * NG ? t - NG : t - 2 * NG;
      const double keep = *p;
      *p = keep + 1e-6;
      double Lp = gru_loss_d(gx, gh, hp, wh, B, H);
      *p = keep - 1e-6;
      double Lm = gru_loss_d(gx, gh, hp, wh, B, H);
      const double fd = (Lp - Lm) / 2e-6;
      *p = keep + 1e-2;
      Lp = gru_loss_f(simd, gx, gh, hp, wh, B, H);
      *p = keep - 1e-2;
      Lm = gru_loss_f(simd, gx, gh, hp, wh, B, H);
      const double ff = (Lp - Lm) / 2e-2;
      *p = keep;
      const double ed = fabs(an - fd) / (2e-6 + 2e-5 * fabs(fd));
      const double ef = fabs(an - ff) / (2e-4 + 2e-3 * fabs(ff));
      if (ed > worst_d) worst_d = ed;
      if (ef > worst_f) worst_f = ef;
      CHECK(ed <= 1.0, "gru %s d/d%s[%d]: analytic %.9g vs fd(double) %.9g", simd ? "simd" : "scalar", what, idx, an,
            fd);
      CHECK(ef <= 1.0, "gru %s d/d%s[%d]: analytic %.9g vs fd(float kernel) %.9g", simd ? "simd" : "scalar", what, idx,
            an, ff);
    }
    printf("gru  %-6s gradcheck: worst error / tolerance = %.3f (double fd), %.3f (float kernel fd)\n",
           simd ? "simd" : "scalar", worst_d, worst_f);
    /* dh_prev accumulates: a second backward adds the same amount again */
    float dhp2[NH];
    memcpy(dhp2, dhp, sizeof dhp2);
    (simd ? k_gru_backward_simd : k_gru_backward_scalar)(dgx, dgh, dhp2, wh, g, hn, hpf, B, H);
    int acc_bad = 0;
    for (int t = 0; t < NH; t++) acc_bad += dhp2[t] != dhp[t] + dhp[t];
    CHECK(acc_bad == 0, "gru %s backward accumulates into dh_prev: %d wrong", simd ? "simd" : "scalar", acc_bad);
  }
}

int main(void) {
  uint64_t s = 0x9e3779b97f4a7c15ull;
#ifdef RNNLAB_SCALAR
  printf("(built with RNNLAB_SCALAR: the engine would call the scalar twins; both are tested)\n");
#endif
  test_activations(&s);
  test_accuracy();
  test_fingerprint();
  test_gemm(&s);
  test_onehot_gather(&s);
  test_lstm_twins(&s);
  test_lstm_gradcheck(&s);
  test_gru_twins(&s);
  test_gru_gradcheck(&s);
  return check_summary("kernels");
}
