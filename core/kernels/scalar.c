/* kernels/scalar.c - the plain-C reference twins (k_*_scalar) and the scalar math helpers
 * k_expf / k_tanhf.
 *
 * Owns: the DEFINITION of every kernel's result. The SIMD twins in kernels/simd.c must give the
 * same bits for the activations and fused cell steps (same operations in the same order, no
 * FMA), and the same GEMM result up to float summation order.
 * Does not: allocate, do I/O, or call libm's exp/tanh (their bits differ between glibc and
 * Emscripten's musl). Speed is secondary, but the scalar wasm build runs these as its hot loops,
 * so the GEMMs are unrolled in ways that leave each element's summation order unchanged.
 *
 * Bit-exactness needs IEEE single arithmetic without contraction into FMAs. Every statement
 * here holds at most one rounding operation feeding the next (never a*b+c in one expression),
 * so clang's default -ffp-contract=on cannot fuse anything. gcc fuses across statements when
 * -ffp-contract=fast, its default in GNU modes (-std=gnu99, or no -std); -std=c99 implies off;
 * pass -ffp-contract=off explicitly anyway. wasm has no FMA. Never -ffast-math. The test pins a
 * hash of the activation bits, so a contracted or fast-math build fails it.
 */
#include "kernels/kernels.h"

#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * k_expf: exp(x) for float, Cephes-style.
 *
 *   x is clamped to [EXP_LO, EXP_HI] so that the result is a normal float (exp(-87.3) =
 *   1.2e-38 > FLT_MIN, exp(88.3) = 2.2e38 < FLT_MAX): no overflow to inf, no denormal scale.
 *   n = round(x * log2(e))   exactly, by the magic add t = x*log2e + 1.5*2^23: in [2^22, 2^24)
 *                            the float spacing is 1, so the add rounds to nearest (ties even)
 *                            and n = t - 1.5*2^23 is exact; the low mantissa bits of t hold n.
 *   r = (x - n*C1) - n*C2    Cody-Waite: C1 = 0.693359375 has 9 significant bits, so n*C1 is
 *                            exact for |n| <= 127 and so is the subtraction; C1 + C2 = ln 2.
 *   exp(r) ~ 1 + r + r^2 * P(r),  |r| <= 0.35, P of degree 5 (Cephes expf coefficients).
 *   exp(x) = exp(r) * 2^n    2^n is built directly as float bits ((n + 127) << 23): exact.
 *
 * The SIMD twin (kernels/simd.c, exp_v) performs exactly these operations in this order.
 * Measured (tests/native/test_kernels.c, 2.4M points of [-87, 88] against double exp): max
 * relative error 8.0e-8 (glibc expf on the same points: 6.0e-8), i.e. within 1 ulp.
 * NaN: the clamps compare false for NaN, so NaN flows through the arithmetic and comes out as
 * some NaN; the sigmoid/tanh kernels return the input NaN's exact bits (see nan_pass). */
#define EXP_LO (-87.3f)
#define EXP_HI 88.3f
#define EXP_LOG2E 1.44269504088896341f
#define EXP_MAGIC 12582912.0f /* 1.5 * 2^23 */
#define EXP_C1 0.693359375f
#define EXP_C2 (-2.12194440e-4f)
#define EXP_P0 1.9875691500e-4f
#define EXP_P1 1.3981999507e-3f
#define EXP_P2 8.3334519073e-3f
#define EXP_P3 4.1665795894e-2f
#define EXP_P4 1.6666665459e-1f
#define EXP_P5 5.0000001201e-1f

float k_expf(float x) {
  x = x < EXP_LO ? EXP_LO : x; /* NaN compares false: passes through */
  x = x > EXP_HI ? EXP_HI : x;
  float t = x * EXP_LOG2E;
  t = t + EXP_MAGIC;           /* round to nearest integer, kept in t's low mantissa bits */
  float n = t - EXP_MAGIC;     /* exact */
  float nc = n * EXP_C1;       /* exact: C1 has 9 significant bits, |n| <= 127 */
  float r = x - nc;            /* exact (Cody-Waite high part) */
  nc = n * EXP_C2;
  r = r - nc;
  float z = r * r;
  float p = EXP_P0;
  p = p * r;
  p = p + EXP_P1;
  p = p * r;
  p = p + EXP_P2;
  p = p * r;
  p = p + EXP_P3;
  p = p * r;
  p = p + EXP_P4;
  p = p * r;
  p = p + EXP_P5;
  float y = p * z;
  y = y + r;
  y = y + 1.0f;
  /* 2^n: t's bit pattern is 0x4B400000 + n; shifting left by 23 drops the 0x4B400000 part
   * (its low 22 bits are zero) and leaves n << 23 modulo 2^32; add the exponent bias. */
  uint32_t tb;
  memcpy(&tb, &t, sizeof tb);
  uint32_t sb = (tb << 23) + (127u << 23);
  float s;
  memcpy(&s, &sb, sizeof s);
  return y * s;
}

/* Returns the input's exact bits when it is NaN, else y. Every backend must agree on the bits
 * of a NaN result, and IEEE/wasm leave a computed NaN's sign and payload unspecified, so the
 * activations hand back the input NaN itself. The SIMD twin selects the same way. */
static inline float nan_pass(float x, float y) { return x != x ? x : y; }

/* |x| and copysign by bit manipulation: exact and identical on every backend (the SIMD twin
 * uses v128 and/or with the same masks). */
static inline float abs_bits(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  u &= 0x7fffffffu;
  memcpy(&x, &u, sizeof x);
  return x;
}
static inline float with_sign_of(float mag, float x) {
  uint32_t m, s;
  memcpy(&m, &mag, sizeof m);
  memcpy(&s, &x, sizeof s);
  m |= s & 0x80000000u; /* mag is >= 0 (or +0) here, so OR sets the sign */
  memcpy(&mag, &m, sizeof mag);
  return mag;
}

/* ---------------------------------------------------------------------------------------------
 * k_tanhf, for a = |x|, sign restored at the end (tanh is odd, so tanh(-0) = -0):
 *   a <  0.625:  tanh(a) ~ a + a^3 * Q(a^2)      (Cephes tanhf polynomial, degree 4 in a^2)
 *   a >= 0.625:  tanh(a) = 1 - 2 / (exp(2a) + 1)  (with k_expf; exp saturates at 2.2e38, so
 *                                                  tanh -> exactly 1 for a >= ~9)
 * The polynomial branch exists because 1 - 2/(e+1) cancels catastrophically near 0 (it would
 * give tanh(1e-8) = 0 and an absolute error ~6e-8 for small a, i.e. a poor relative error).
 * (The plain formula everywhere, as first specified, would be fine for absolute error but not
 * for relative error near 0.) The SIMD twin computes both branches and selects per lane; the
 * branch taken gives the same bits either way.
 * Measured against double tanh (tests/native/test_kernels.c, 4.1M points of [-20, 20] plus a
 * log sweep of [1e-30, 1]): max absolute error 7.7e-8, max relative error 1.4e-7. */
#define TANH_SMALL 0.625f
#define TANH_Q0 (-5.70498872745e-3f)
#define TANH_Q1 2.06390887954e-2f
#define TANH_Q2 (-5.37397155531e-2f)
#define TANH_Q3 1.33314422036e-1f
#define TANH_Q4 (-3.33332819422e-1f)

float k_tanhf(float x) {
  float a = abs_bits(x), y;
  if (a < TANH_SMALL) { /* small branch: a + (a * z) * Q(z), z = a^2 */
    float z = a * a;
    float q = TANH_Q0;
    q = q * z;
    q = q + TANH_Q1;
    q = q * z;
    q = q + TANH_Q2;
    q = q * z;
    q = q + TANH_Q3;
    q = q * z;
    q = q + TANH_Q4;
    float az = a * z;
    y = az * q;
    y = y + a;
  } else { /* large branch (and NaN): 1 - 2 / (exp(2a) + 1) */
    float e = k_expf(a + a);
    y = 2.0f / (e + 1.0f);
    y = 1.0f - y;
  }
  return nan_pass(x, with_sign_of(y, x));
}

/* sigmoid(x) = 1 / (1 + exp(-x)); k_sigmoidf in kernels.h is this formula, plus the NaN rule.
 * Saturates to exactly 1 for x > ~17 and to ~4.5e-39 (denormal, not 0) for x <= -88.3.
 * Measured vs double on [-30, 30]: max absolute error 8.9e-8, max relative error 1.5e-7. */
static inline float sigmoid1(float x) { return nan_pass(x, 1.0f / (1.0f + k_expf(-x))); }
static inline float tanh1(float x) { return k_tanhf(x); }

void k_sigmoid_scalar(float *y, const float *x, int n) {
  for (int i = 0; i < n; i++) y[i] = sigmoid1(x[i]);
}

void k_tanh_scalar(float *y, const float *x, int n) {
  for (int i = 0; i < n; i++) y[i] = tanh1(x[i]);
}

void k_exp_scalar(float *y, const float *x, int n) {
  for (int i = 0; i < n; i++) y[i] = nan_pass(x[i], k_expf(x[i]));
}

/* pre[r] = (W[tok[r]] + b1) + b2: one rounding per added bias, in that order */
void k_onehot_gather_scalar(float *pre, const int32_t *tok, const float *W, const float *b1, const float *b2, int R, int G) {
  for (int r = 0; r < R; r++) {
    float *row = pre + (size_t)r * G;
    const float *w = W + (size_t)tok[r] * G;
    for (int j = 0; j < G; j++) row[j] = w[j] + b1[j];
    if (b2)
      for (int j = 0; j < G; j++) row[j] += b2[j];
  }
}

/* ---------------------------------------------------------------------------------------------
 * GEMMs, row-major, C accumulated. These are also the hot loops of the scalar wasm build, so
 * they are unrolled where that keeps each element's summation order (the definition) intact:
 * nn/tn add A(i,k) B(k,j) into C(i,j) for k = 0, 1, ...; nt sums each dot from 0 in k order
 * and then adds it to C. Innermost loops run along contiguous rows of B and C. */

/* C[M,N] += A(i,k) B[K,N] with A(i,k) = A[i*ai + k*ak]: the loop shared by nn (ai = lda, ak = 1)
 * and tn (ai = 1, ak = lda). Products are added into C[i,j] in k order; four k at a time per pass
 * over the row of C (one load/store of C[i,j] per four products; the per-element order stays k
 * ascending, so the result is that of the plain triple loop). */
static void gemm_rows(int M, int N, int K, const float *A, size_t ai, size_t ak, const float *B, int ldb, float *C, int ldc) {
  for (int i = 0; i < M; i++) {
    float *c = C + (size_t)i * ldc;
    const float *a = A + (size_t)i * ai;
    int k = 0;
    for (; k + 4 <= K; k += 4) {
      const float a0 = a[k * ak], a1 = a[(k + 1) * ak], a2 = a[(k + 2) * ak], a3 = a[(k + 3) * ak];
      const float *b0 = B + (size_t)k * ldb;
      const float *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
      for (int j = 0; j < N; j++) {
        float t = c[j], p;
        p = a0 * b0[j];
        t += p;
        p = a1 * b1[j];
        t += p;
        p = a2 * b2[j];
        t += p;
        p = a3 * b3[j];
        t += p;
        c[j] = t;
      }
    }
    for (; k < K; k++) {
      const float a0 = a[k * ak];
      const float *b0 = B + (size_t)k * ldb;
      for (int j = 0; j < N; j++) {
        const float p = a0 * b0[j];
        c[j] += p;
      }
    }
  }
}

/* C[M,N] += A[M,K] * B[K,N]:  C[i,j] += sum_k A[i,k] B[k,j]. */
void k_gemm_nn_scalar(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  gemm_rows(M, N, K, A, (size_t)lda, 1, B, ldb, C, ldc);
}

/* C[M,N] += A[M,K] * B[N,K]^T:  C[i,j] += dot(A[i,:], B[j,:]), each dot summed in k order from
 * 0, then added to C. Four dots at a time (four independent add chains instead of one long
 * latency-bound chain; each dot's own order is unchanged). */
void k_gemm_nt_scalar(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  if (K <= 0) return; /* leave C untouched (adding +0 would turn -0 into +0) */
  for (int i = 0; i < M; i++) {
    const float *a = A + (size_t)i * lda;
    float *c = C + (size_t)i * ldc;
    int j = 0;
    for (; j + 4 <= N; j += 4) {
      const float *b0 = B + (size_t)j * ldb;
      const float *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
      float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f, p;
      for (int k = 0; k < K; k++) {
        const float ak = a[k];
        p = ak * b0[k];
        s0 += p;
        p = ak * b1[k];
        s1 += p;
        p = ak * b2[k];
        s2 += p;
        p = ak * b3[k];
        s3 += p;
      }
      c[j] += s0;
      c[j + 1] += s1;
      c[j + 2] += s2;
      c[j + 3] += s3;
    }
    for (; j < N; j++) {
      const float *b = B + (size_t)j * ldb;
      float s = 0.0f;
      for (int k = 0; k < K; k++) {
        const float p = a[k] * b[k];
        s += p;
      }
      c[j] += s;
    }
  }
}

/* C[M,N] += A[K,M]^T * B[K,N]:  C[i,j] += sum_k A[k,i] B[k,j] (sum of outer products, the
 * weight gradient X^T dG), products added into C in k order, as nn. */
void k_gemm_tn_scalar(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  gemm_rows(M, N, K, A, 1, (size_t)lda, B, ldb, C, ldc);
}

/* ---------------------------------------------------------------------------------------------
 * Fused LSTM step. Per element (b, j), with gates row g = gates + b*4H, order [i f g o]:
 *   i = sig(g[j]), f = sig(g[H+j]), gg = tanh(g[2H+j]), o = sig(g[3H+j])
 *   c  = f * c_prev + i * gg          (rounded as (f*c_prev) + (i*gg))
 *   tc = tanh(c) ;  h = o * tc
 * All inputs of an element are read before its outputs are written, so in-place use of
 * matching positions is safe. */
void k_lstm_forward_scalar(float *gates, float *c, float *tc, float *h, const float *c_prev, int B, int H) {
  for (int b = 0; b < B; b++) {
    float *g = gates + (size_t)b * 4 * H;
    const size_t o = (size_t)b * H;
    for (int j = 0; j < H; j++) {
      const float gi = sigmoid1(g[j]);
      const float gf = sigmoid1(g[H + j]);
      const float gg = tanh1(g[2 * H + j]);
      const float go = sigmoid1(g[3 * H + j]);
      const float cp = c_prev[o + j];
      const float fc = gf * cp;
      const float ig = gi * gg;
      const float cn = fc + ig;
      const float t = tanh1(cn);
      g[j] = gi;
      g[H + j] = gf;
      g[2 * H + j] = gg;
      g[3 * H + j] = go;
      c[o + j] = cn;
      tc[o + j] = t;
      h[o + j] = go * t;
    }
  }
}

/* Backward of the step above (post-activation gates and tc from the forward):
 *   dc_total = dc + dh * o * (1 - tc^2)      rounded as dc + ((dh*o) * (1 - tc*tc))
 *   do = dh * tc * o(1-o)                    ((dh*tc) * (o*(1-o)))
 *   di = dc_total * g * i(1-i)               ((dc_total*g) * (i*(1-i)))
 *   df = dc_total * c_prev * f(1-f)          ((dc_total*c_prev) * (f*(1-f)))
 *   dg = dc_total * i * (1-g^2)              ((dc_total*i) * (1 - g*g))
 *   dc <- dc_total * f                       (gradient wrt c_prev)
 * dgates is written, dc overwritten. */
void k_lstm_backward_scalar(float *dgates, float *dc, const float *dh, const float *gates, const float *c_prev, const float *tc, int B, int H) {
  for (int b = 0; b < B; b++) {
    const float *g = gates + (size_t)b * 4 * H;
    float *dg = dgates + (size_t)b * 4 * H;
    const size_t o = (size_t)b * H;
    for (int j = 0; j < H; j++) {
      const float gi = g[j], gf = g[H + j], gg = g[2 * H + j], go = g[3 * H + j];
      const float t = tc[o + j], cp = c_prev[o + j], d = dh[o + j];
      const float dto = d * go;
      const float tt = t * t;
      const float omt = 1.0f - tt;
      const float dtc = dto * omt;
      const float dct = dc[o + j] + dtc;
      const float dt = d * t;
      const float so = go * (1.0f - go);
      const float d_o = dt * so;
      const float dcg = dct * gg;
      const float si = gi * (1.0f - gi);
      const float d_i = dcg * si;
      const float dcc = dct * cp;
      const float sf = gf * (1.0f - gf);
      const float d_f = dcc * sf;
      const float dci = dct * gi;
      const float gg2 = gg * gg;
      const float sg = 1.0f - gg2;
      const float d_g = dci * sg;
      dg[j] = d_i;
      dg[H + j] = d_f;
      dg[2 * H + j] = d_g;
      dg[3 * H + j] = d_o;
      dc[o + j] = dct * gf;
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * Fused GRU step, reset gate applied after the hidden matmul (PyTorch, cuDNN):
 *   r = sig(gx_r + gh_r) ; z = sig(gx_z + gh_z) ; n = tanh(gx_n + r * gh_n)
 *   h = (1 - z) * n + z * h_prev             rounded as ((1-z)*n) + (z*h_prev)
 * gates <- [r z n] post-activation, hn <- gh_n (needed for dr). */
void k_gru_forward_scalar(float *gates, float *hn, float *h, const float *gx, const float *gh, const float *h_prev, int B, int H) {
  for (int b = 0; b < B; b++) {
    const size_t g3 = (size_t)b * 3 * H, o = (size_t)b * H;
    for (int j = 0; j < H; j++) {
      const float xr = gx[g3 + j], xz = gx[g3 + H + j], xn = gx[g3 + 2 * H + j];
      const float hr = gh[g3 + j], hz = gh[g3 + H + j], hnn = gh[g3 + 2 * H + j];
      const float hp = h_prev[o + j];
      const float r = sigmoid1(xr + hr);
      const float z = sigmoid1(xz + hz);
      const float rh = r * hnn;
      const float n = tanh1(xn + rh);
      const float omz = 1.0f - z;
      const float a = omz * n;
      const float zh = z * hp;
      gates[g3 + j] = r;
      gates[g3 + H + j] = z;
      gates[g3 + 2 * H + j] = n;
      hn[o + j] = hnn;
      h[o + j] = a + zh;
    }
  }
}

/* Backward of the GRU step (d = dL/dh_t):
 *   dn = d * (1-z) ;  dz = d * (h_prev - n)
 *   dpn = dn * (1 - n^2)                     gradient wrt n's pre-activation
 *   dgx_n = dpn ;  dgh_n = dpn * r
 *   dr = dpn * gh_n ;  dgx_r = dgh_r = dr * r(1-r)
 *   dgx_z = dgh_z = dz * z(1-z)
 *   dh_prev += d * z                         (accumulated: the other path comes via dgh) */
void k_gru_backward_scalar(float *dgx, float *dgh, float *dh_prev, const float *dh, const float *gates, const float *hn, const float *h_prev, int B, int H) {
  for (int b = 0; b < B; b++) {
    const size_t g3 = (size_t)b * 3 * H, o = (size_t)b * H;
    for (int j = 0; j < H; j++) {
      const float r = gates[g3 + j], z = gates[g3 + H + j], n = gates[g3 + 2 * H + j];
      const float hnn = hn[o + j], hp = h_prev[o + j], d = dh[o + j];
      const float dn = d * (1.0f - z);
      const float dz = d * (hp - n);
      const float n2 = n * n;
      const float dpn = dn * (1.0f - n2);
      const float dhn = dpn * r;
      const float dr = dpn * hnn;
      const float sr = r * (1.0f - r);
      const float dpr = dr * sr;
      const float sz = z * (1.0f - z);
      const float dpz = dz * sz;
      const float dhp = d * z;
      dgx[g3 + j] = dpr;
      dgx[g3 + H + j] = dpz;
      dgx[g3 + 2 * H + j] = dpn;
      dgh[g3 + j] = dpr;
      dgh[g3 + H + j] = dpz;
      dgh[g3 + 2 * H + j] = dhn;
      dh_prev[o + j] += dhp;
    }
  }
}
