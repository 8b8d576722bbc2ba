/* kernels/simd.c - the SIMD twins (k_*_simd) of kernels/scalar.c, written with SIMDe's wasm
 * simd128 API: real wasm SIMD under emcc -msimd128, SSE/AVX natively, portable C elsewhere
 * (the scalar wasm build compiles this file without -msimd128; SIMDe then falls back to plain
 * C, and the engine calls the scalar twins anyway).
 *
 * Owns: fast versions of every kernel in kernels.h, same signatures and argument names.
 * Contract with the scalar twin:
 *   - activations and fused LSTM/GRU steps give the SAME BITS: every lane performs exactly the
 *     scalar twin's operations in the same order (same constants, no FMA, no reciprocal
 *     estimates), NaN inputs are handed back unchanged, and tails run the scalar formulas;
 *   - GEMMs give the same result up to float summation order (k_gemm_nn/tn even sum in the
 *     same order; k_gemm_nt sums each dot in 4 interleaved partial sums plus a tree).
 * Does not: allocate, do I/O, read or write outside the operands (vector main loop over full
 * 4-float groups, then a scalar tail), or need aligned pointers (all loads are unaligned).
 * Build natively with -ffp-contract=off: in GNU modes gcc otherwise fuses SIMDe's mul+add into
 * FMAs (clang's default =on is fine: no statement here holds a*b+c in one expression).
 */
#if defined(__clang__)
/* Without -msimd128 SIMDe's portable loops carry "#pragma clang loop vectorize(enable)", which
 * clang cannot honour there (or under -fno-vectorize) and reports as -Wpass-failed. Harmless. */
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>

#include <stdint.h>

#include "kernels/kernels.h"

/* ---------------------------------------------------------------------------------------------
 * Vector exp / sigmoid / tanh. The constants and the operation sequence are those of k_expf and
 * k_tanhf in kernels/scalar.c (read the derivation there); keep the two files in step - the
 * test compares them bit for bit. */
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
#define TANH_SMALL 0.625f
#define TANH_Q0 (-5.70498872745e-3f)
#define TANH_Q1 2.06390887954e-2f
#define TANH_Q2 (-5.37397155531e-2f)
#define TANH_Q3 1.33314422036e-1f
#define TANH_Q4 (-3.33332819422e-1f)

#define VF(c) wasm_f32x4_splat(c)
#define VADD wasm_f32x4_add
#define VSUB wasm_f32x4_sub
#define VMUL wasm_f32x4_mul
#define VLOAD(p) wasm_v128_load(p)
#define VSTORE(p, v) wasm_v128_store((p), (v))

/* Broadcast one float from memory. Real wasm SIMD has v128.load32_splat (V8: one vbroadcastss
 * from memory, no shuffle-port uop); SIMDe's emulation of it goes through the integer domain
 * (movd + pshufd, a shuffle per use), while its f32x4_splat of a loaded float becomes
 * vbroadcastss / movss+shufps. Pick the cheap form for each backend: same bits either way. */
#if defined(SIMDE_WASM_SIMD128_NATIVE)
#define VBCAST(p) wasm_v128_load32_splat(p)
#else
#define VBCAST(p) wasm_f32x4_splat(*(p))
#endif

/* exp(x) per lane = k_expf(x[lane]) bit for bit. */
static inline v128_t exp_v(v128_t x) {
  /* pmax(x, lo) = x < lo ? lo : x ; pmin(x, hi) = hi < x ? hi : x: the scalar clamps, NaN kept */
  x = wasm_f32x4_pmax(x, VF(EXP_LO));
  x = wasm_f32x4_pmin(x, VF(EXP_HI));
  v128_t t = VMUL(x, VF(EXP_LOG2E));
  t = VADD(t, VF(EXP_MAGIC));                 /* n = round(x log2 e) in t's low bits */
  const v128_t n = VSUB(t, VF(EXP_MAGIC));    /* exact */
  v128_t r = VSUB(x, VMUL(n, VF(EXP_C1)));    /* exact */
  r = VSUB(r, VMUL(n, VF(EXP_C2)));
  const v128_t z = VMUL(r, r);
  v128_t p = VF(EXP_P0);
  p = VADD(VMUL(p, r), VF(EXP_P1));
  p = VADD(VMUL(p, r), VF(EXP_P2));
  p = VADD(VMUL(p, r), VF(EXP_P3));
  p = VADD(VMUL(p, r), VF(EXP_P4));
  p = VADD(VMUL(p, r), VF(EXP_P5));
  v128_t y = VMUL(p, z);
  y = VADD(y, r);
  y = VADD(y, VF(1.0f));
  /* 2^n from t's bits: (t_bits << 23) + (127 << 23), see k_expf */
  const v128_t s = wasm_i32x4_add(wasm_i32x4_shl(t, 23), wasm_i32x4_splat(127 << 23));
  return VMUL(y, s);
}

/* NaN lanes of x are returned unchanged (the scalar nan_pass). */
static inline v128_t nan_pass_v(v128_t x, v128_t y) {
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));
}

#define SIGN_MASK ((int32_t)0x80000000u)

static inline v128_t sigmoid_v(v128_t x) {
  /* -x as a sign flip (bit-exact everywhere, like C's unary minus) */
  const v128_t e = exp_v(wasm_v128_xor(x, wasm_i32x4_splat(SIGN_MASK)));
  const v128_t y = wasm_f32x4_div(VF(1.0f), VADD(VF(1.0f), e));
  return nan_pass_v(x, y);
}

static inline v128_t tanh_v(v128_t x) {
  const v128_t sign = wasm_v128_and(x, wasm_i32x4_splat(SIGN_MASK));
  const v128_t a = wasm_v128_andnot(x, wasm_i32x4_splat(SIGN_MASK)); /* |x| by bits */
  /* small branch: a + (a*z) * Q(z) */
  const v128_t z = VMUL(a, a);
  v128_t q = VF(TANH_Q0);
  q = VADD(VMUL(q, z), VF(TANH_Q1));
  q = VADD(VMUL(q, z), VF(TANH_Q2));
  q = VADD(VMUL(q, z), VF(TANH_Q3));
  q = VADD(VMUL(q, z), VF(TANH_Q4));
  v128_t ys = VMUL(VMUL(a, z), q);
  ys = VADD(ys, a);
  /* large branch: 1 - 2 / (exp(2a) + 1) */
  const v128_t e = exp_v(VADD(a, a));
  v128_t yl = wasm_f32x4_div(VF(2.0f), VADD(e, VF(1.0f)));
  yl = VSUB(VF(1.0f), yl);
  v128_t y = wasm_v128_bitselect(ys, yl, wasm_f32x4_lt(a, VF(TANH_SMALL)));
  y = wasm_v128_or(y, sign);
  return nan_pass_v(x, y);
}

/* Scalar element helpers for the tails: the scalar twin's formulas (k_expf, k_tanhf live in
 * kernels/scalar.c; the sigmoid adds the same NaN rule as its nan_pass). */
static inline float sigmoid1(float x) { return x != x ? x : 1.0f / (1.0f + k_expf(-x)); }
static inline float tanh1(float x) { return k_tanhf(x); }

void k_sigmoid_simd(float *y, const float *x, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) VSTORE(y + i, sigmoid_v(VLOAD(x + i)));
  for (; i < n; i++) y[i] = sigmoid1(x[i]);
}

void k_tanh_simd(float *y, const float *x, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) VSTORE(y + i, tanh_v(VLOAD(x + i)));
  for (; i < n; i++) y[i] = tanh1(x[i]);
}

void k_exp_simd(float *y, const float *x, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = VLOAD(x + i);
    VSTORE(y + i, nan_pass_v(v, exp_v(v)));
  }
  for (; i < n; i++) y[i] = x[i] != x[i] ? x[i] : k_expf(x[i]);
}

void k_onehot_gather_simd(float *pre, const int32_t *tok, const float *W, const float *b1, const float *b2, int R, int G) {
  for (int r = 0; r < R; r++) {
    float *row = pre + (size_t)r * G;
    const float *w = W + (size_t)tok[r] * G;
    int j = 0;
    if (b2) {
      for (; j + 4 <= G; j += 4) VSTORE(row + j, VADD(VADD(VLOAD(w + j), VLOAD(b1 + j)), VLOAD(b2 + j)));
      for (; j < G; j++) {
        const float a = w[j] + b1[j];
        row[j] = a + b2[j];
      }
    } else {
      for (; j + 4 <= G; j += 4) VSTORE(row + j, VADD(VLOAD(w + j), VLOAD(b1 + j)));
      for (; j < G; j++) row[j] = w[j] + b1[j];
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * GEMMs.
 *
 * k_gemm_nn and k_gemm_tn share one register-blocked kernel, gemm_bcast: C[i,j] += sum_k
 * A(i,k) B[k,j] where A(i,k) = A[i*sa + k*sk] (nn: sa = lda, sk = 1; tn: sa = 1, sk = lda).
 * Tile: 4 rows x 8 columns of C live in 8 vector registers for the whole K loop; per k it
 * broadcasts 4 A elements, loads 8 B floats (2 vectors) and does 8 mul + 8 add. That is 15
 * live vectors at most, which fits the 16 xmm registers V8 and SSE give wasm/x86 without
 * spilling (4 x 16 would need 16 accumulators alone). C is loaded first and the products are
 * added in k order, exactly as the scalar twin does, so nn/tn agree with it bit for bit.
 * Edges: a 4 x 4 tile, then the leftover columns row by row; leftover rows (M % 4) go one at a
 * time through gemm_bcast_row. Loop order and blocking (gemm_bcast_panel, gemm_bcast): column
 * panels of 8 outside the row blocks, and a long K (> 256: the weight gradients, which sum over
 * all T*B rows) in panels of GEMM_KC rows; neither changes any element's summation order.
 * Measured in wasm SIMD (build/wasm/bench_kernels.cjs, make bench): the K panels took the
 * weight-gradient products tn(128, 3H, 800) from ~15 to ~22 GFLOP/s, and batch-32 training got
 * 8-34% faster (RNN, LSTM, GRU; README); 2 x 16 / 6 x 8 tiles were no clear win at these sizes. */

/* one row of C, columns [j, N): C[j..] += sum_k a(k) B[k, j..]. 1 x 32 first: 8 independent
 * add chains per broadcast (a single row has no other reuse to exploit; this is the M = 1
 * decode-step shape), then 1 x 16, 1 x 4 and scalar. */
static void gemm_bcast_row(int j, int N, int K, const float *a, size_t sk, const float *B, int ldb, float *c) {
  for (; j + 32 <= N; j += 32) {
    v128_t c0 = VLOAD(c + j), c1 = VLOAD(c + j + 4), c2 = VLOAD(c + j + 8), c3 = VLOAD(c + j + 12);
    v128_t c4 = VLOAD(c + j + 16), c5 = VLOAD(c + j + 20), c6 = VLOAD(c + j + 24), c7 = VLOAD(c + j + 28);
    const float *b = B + j;
    const float *ak = a;
    for (int k = 0; k < K; k++, b += ldb, ak += sk) {
      const v128_t x = VBCAST(ak);
      c0 = VADD(c0, VMUL(x, VLOAD(b)));
      c1 = VADD(c1, VMUL(x, VLOAD(b + 4)));
      c2 = VADD(c2, VMUL(x, VLOAD(b + 8)));
      c3 = VADD(c3, VMUL(x, VLOAD(b + 12)));
      c4 = VADD(c4, VMUL(x, VLOAD(b + 16)));
      c5 = VADD(c5, VMUL(x, VLOAD(b + 20)));
      c6 = VADD(c6, VMUL(x, VLOAD(b + 24)));
      c7 = VADD(c7, VMUL(x, VLOAD(b + 28)));
    }
    VSTORE(c + j, c0);
    VSTORE(c + j + 4, c1);
    VSTORE(c + j + 8, c2);
    VSTORE(c + j + 12, c3);
    VSTORE(c + j + 16, c4);
    VSTORE(c + j + 20, c5);
    VSTORE(c + j + 24, c6);
    VSTORE(c + j + 28, c7);
  }
  for (; j + 16 <= N; j += 16) {
    v128_t c0 = VLOAD(c + j), c1 = VLOAD(c + j + 4), c2 = VLOAD(c + j + 8), c3 = VLOAD(c + j + 12);
    const float *b = B + j;
    const float *ak = a;
    for (int k = 0; k < K; k++, b += ldb, ak += sk) {
      const v128_t x = VBCAST(ak);
      c0 = VADD(c0, VMUL(x, VLOAD(b)));
      c1 = VADD(c1, VMUL(x, VLOAD(b + 4)));
      c2 = VADD(c2, VMUL(x, VLOAD(b + 8)));
      c3 = VADD(c3, VMUL(x, VLOAD(b + 12)));
    }
    VSTORE(c + j, c0);
    VSTORE(c + j + 4, c1);
    VSTORE(c + j + 8, c2);
    VSTORE(c + j + 12, c3);
  }
  for (; j + 4 <= N; j += 4) {
    v128_t c0 = VLOAD(c + j);
    const float *b = B + j;
    const float *ak = a;
    for (int k = 0; k < K; k++, b += ldb, ak += sk) c0 = VADD(c0, VMUL(VBCAST(ak), VLOAD(b)));
    VSTORE(c + j, c0);
  }
  for (; j < N; j++) {
    float s = c[j];
    const float *b = B + j;
    const float *ak = a;
    for (int k = 0; k < K; k++, b += ldb, ak += sk) {
      const float p = *ak * *b; /* separate statement: no contraction into an FMA */
      s += p;
    }
    c[j] = s;
  }
}

/* 4 x 8 tile of C at rows a0.. (A rows sa apart), columns b.. / r0.. */
static inline void tile4x8(int K, const float *a0, size_t sa, size_t sk, const float *b, int ldb, float *r0, int ldc) {
  const float *a1 = a0 + sa, *a2 = a1 + sa, *a3 = a2 + sa;
  float *r1 = r0 + ldc, *r2 = r1 + ldc, *r3 = r2 + ldc;
  v128_t c00 = VLOAD(r0), c01 = VLOAD(r0 + 4);
  v128_t c10 = VLOAD(r1), c11 = VLOAD(r1 + 4);
  v128_t c20 = VLOAD(r2), c21 = VLOAD(r2 + 4);
  v128_t c30 = VLOAD(r3), c31 = VLOAD(r3 + 4);
  size_t ka = 0;
  for (int k = 0; k < K; k++, b += ldb, ka += sk) {
    const v128_t b0 = VLOAD(b), b1 = VLOAD(b + 4);
    v128_t x = VBCAST(a0 + ka);
    c00 = VADD(c00, VMUL(x, b0));
    c01 = VADD(c01, VMUL(x, b1));
    x = VBCAST(a1 + ka);
    c10 = VADD(c10, VMUL(x, b0));
    c11 = VADD(c11, VMUL(x, b1));
    x = VBCAST(a2 + ka);
    c20 = VADD(c20, VMUL(x, b0));
    c21 = VADD(c21, VMUL(x, b1));
    x = VBCAST(a3 + ka);
    c30 = VADD(c30, VMUL(x, b0));
    c31 = VADD(c31, VMUL(x, b1));
  }
  VSTORE(r0, c00);
  VSTORE(r0 + 4, c01);
  VSTORE(r1, c10);
  VSTORE(r1 + 4, c11);
  VSTORE(r2, c20);
  VSTORE(r2 + 4, c21);
  VSTORE(r3, c30);
  VSTORE(r3 + 4, c31);
}

static inline void tile4x4(int K, const float *a0, size_t sa, size_t sk, const float *b, int ldb, float *r0, int ldc) {
  const float *a1 = a0 + sa, *a2 = a1 + sa, *a3 = a2 + sa;
  float *r1 = r0 + ldc, *r2 = r1 + ldc, *r3 = r2 + ldc;
  v128_t c0 = VLOAD(r0), c1 = VLOAD(r1), c2 = VLOAD(r2), c3 = VLOAD(r3);
  size_t ka = 0;
  for (int k = 0; k < K; k++, b += ldb, ka += sk) {
    const v128_t b0 = VLOAD(b);
    c0 = VADD(c0, VMUL(VBCAST(a0 + ka), b0));
    c1 = VADD(c1, VMUL(VBCAST(a1 + ka), b0));
    c2 = VADD(c2, VMUL(VBCAST(a2 + ka), b0));
    c3 = VADD(c3, VMUL(VBCAST(a3 + ka), b0));
  }
  VSTORE(r0, c0);
  VSTORE(r1, c1);
  VSTORE(r2, c2);
  VSTORE(r3, c3);
}

/* Column panels outside, row blocks inside: one K x 8 panel of B (4 KB at K = 128) stays in L1
 * while every 4-row block of A passes over it, so B streams from L2 once per call instead of
 * once per row block (at M = 32, N = 3H: 8 times). */
static void gemm_bcast_panel(int M, int N, int K, const float *A, size_t sa, size_t sk, const float *B, int ldb, float *C, int ldc) {
  const int M4 = M & ~3;
  int j = 0;
  for (; j + 8 <= N; j += 8)
    for (int i = 0; i < M4; i += 4) tile4x8(K, A + (size_t)i * sa, sa, sk, B + j, ldb, C + (size_t)i * ldc + j, ldc);
  for (; j + 4 <= N; j += 4)
    for (int i = 0; i < M4; i += 4) tile4x4(K, A + (size_t)i * sa, sa, sk, B + j, ldb, C + (size_t)i * ldc + j, ldc);
  if (j < N)
    for (int i = 0; i < M4; i++) gemm_bcast_row(j, N, K, A + (size_t)i * sa, sk, B, ldb, C + (size_t)i * ldc);
  for (int i = M4; i < M; i++) gemm_bcast_row(0, N, K, A + (size_t)i * sa, sk, B, ldb, C + (size_t)i * ldc);
}

/* A long K (the weight gradients sum over all T*B rows) runs in panels of GEMM_KC rows: the
 * KC x M panel of A (32 KB at KC = 64, M = H = 128) stays in L1 and the KC x N panel of B in L2
 * while every tile passes over them, instead of all of B (1.2 MB at T*B = 800, N = 3H) streaming
 * from L3 once per column panel. C is stored after each panel and reloaded for the next, so each
 * element still adds its products in k order: the same bits as one pass. Short K (the per-step
 * products, K = H) runs in one pass. */
#ifndef GEMM_KC
#define GEMM_KC 64
#endif
#define GEMM_KC_FROM 256
static void gemm_bcast(int M, int N, int K, const float *A, size_t sa, size_t sk, const float *B, int ldb, float *C, int ldc) {
  if (K <= GEMM_KC_FROM) {
    gemm_bcast_panel(M, N, K, A, sa, sk, B, ldb, C, ldc);
    return;
  }
  for (int k0 = 0; k0 < K; k0 += GEMM_KC) {
    const int kc = K - k0 < GEMM_KC ? K - k0 : GEMM_KC;
    gemm_bcast_panel(M, N, kc, A + (size_t)k0 * sk, sa, sk, B + (size_t)k0 * ldb, ldb, C, ldc);
  }
}

/* C[M,N] += A[M,K] * B[K,N] */
void k_gemm_nn_simd(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return;
  gemm_bcast(M, N, K, A, (size_t)lda, 1, B, ldb, C, ldc);
}

/* C[M,N] += A[K,M]^T * B[K,N] */
void k_gemm_tn_simd(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return;
  gemm_bcast(M, N, K, A, 1, (size_t)lda, B, ldb, C, ldc);
}

/* k_gemm_nt: C[i,j] += dot(A[i,:], B[j,:]); both operands are contiguous along K, so the
 * kernel vectorises along K. Tile: 2 rows of A x 4 rows of B = 8 vector accumulators (8
 * independent add chains), 6 loads per 16 flops-vectors; at the end the 4 accumulators of a
 * row are reduced and transposed in one go (hsum4) into the 4 adjacent C entries. The K tail
 * (K % 4) is added to the reduced sums; leftover rows/columns use 1 x 4 and 1 x 1 tiles. */

/* [sum(v0), sum(v1), sum(v2), sum(v3)] */
static inline v128_t hsum4(v128_t v0, v128_t v1, v128_t v2, v128_t v3) {
  const v128_t s01 = VADD(wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5), wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7));
  const v128_t s23 = VADD(wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5), wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7));
  /* s01 = [v0_0+v0_2, v1_0+v1_2, v0_1+v0_3, v1_1+v1_3], s23 likewise for v2, v3 */
  return VADD(wasm_i32x4_shuffle(s01, s23, 0, 1, 4, 5), wasm_i32x4_shuffle(s01, s23, 2, 3, 6, 7));
}

/* sum of lanes, same tree as hsum4 for lane 0: (v0 + v2) + (v1 + v3) */
static inline float hsum1(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 2)) +
         (wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 3));
}

/* dot(a, b) over K floats: 2 accumulators along K, then the K tail */
static inline float dot_v(const float *a, const float *b, int K) {
  v128_t s0 = VF(0.0f), s1 = VF(0.0f);
  int k = 0;
  for (; k + 8 <= K; k += 8) {
    s0 = VADD(s0, VMUL(VLOAD(a + k), VLOAD(b + k)));
    s1 = VADD(s1, VMUL(VLOAD(a + k + 4), VLOAD(b + k + 4)));
  }
  if (k + 4 <= K) {
    s0 = VADD(s0, VMUL(VLOAD(a + k), VLOAD(b + k)));
    k += 4;
  }
  float s = hsum1(VADD(s0, s1));
  for (; k < K; k++) {
    const float p = a[k] * b[k];
    s += p;
  }
  return s;
}

/* one row of C (a = A[i,:]), columns [0, N) */
static void gemm_nt_row(int N, int K, const float *a, const float *B, int ldb, float *c) {
  int j = 0;
  for (; j + 4 <= N; j += 4) {
    const float *b0 = B + (size_t)j * ldb;
    const float *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
    v128_t s0 = VF(0.0f), s1 = VF(0.0f), s2 = VF(0.0f), s3 = VF(0.0f);
    int k = 0;
    for (; k + 8 <= K; k += 8) { /* two steps per trip, same order: fewer loop and address ops */
      const v128_t x = VLOAD(a + k), x4 = VLOAD(a + k + 4);
      s0 = VADD(VADD(s0, VMUL(x, VLOAD(b0 + k))), VMUL(x4, VLOAD(b0 + k + 4)));
      s1 = VADD(VADD(s1, VMUL(x, VLOAD(b1 + k))), VMUL(x4, VLOAD(b1 + k + 4)));
      s2 = VADD(VADD(s2, VMUL(x, VLOAD(b2 + k))), VMUL(x4, VLOAD(b2 + k + 4)));
      s3 = VADD(VADD(s3, VMUL(x, VLOAD(b3 + k))), VMUL(x4, VLOAD(b3 + k + 4)));
    }
    for (; k + 4 <= K; k += 4) {
      const v128_t x = VLOAD(a + k);
      s0 = VADD(s0, VMUL(x, VLOAD(b0 + k)));
      s1 = VADD(s1, VMUL(x, VLOAD(b1 + k)));
      s2 = VADD(s2, VMUL(x, VLOAD(b2 + k)));
      s3 = VADD(s3, VMUL(x, VLOAD(b3 + k)));
    }
    v128_t s = hsum4(s0, s1, s2, s3);
    for (; k < K; k++) s = VADD(s, VMUL(wasm_f32x4_splat(a[k]), wasm_f32x4_make(b0[k], b1[k], b2[k], b3[k])));
    VSTORE(c + j, VADD(VLOAD(c + j), s));
  }
  for (; j < N; j++) c[j] += dot_v(a, B + (size_t)j * ldb, K);
}

void k_gemm_nt_simd(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return;
  int i = 0;
  for (; i + 2 <= M; i += 2) {
    const float *a0 = A + (size_t)i * lda, *a1 = a0 + lda;
    float *r0 = C + (size_t)i * ldc, *r1 = r0 + ldc;
    int j = 0;
    for (; j + 4 <= N; j += 4) {
      const float *b0 = B + (size_t)j * ldb;
      const float *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
      v128_t s00 = VF(0.0f), s01 = VF(0.0f), s02 = VF(0.0f), s03 = VF(0.0f);
      v128_t s10 = VF(0.0f), s11 = VF(0.0f), s12 = VF(0.0f), s13 = VF(0.0f);
      int k = 0;
      for (; k + 4 <= K; k += 4) {
        const v128_t x0 = VLOAD(a0 + k), x1 = VLOAD(a1 + k);
        v128_t y = VLOAD(b0 + k);
        s00 = VADD(s00, VMUL(x0, y));
        s10 = VADD(s10, VMUL(x1, y));
        y = VLOAD(b1 + k);
        s01 = VADD(s01, VMUL(x0, y));
        s11 = VADD(s11, VMUL(x1, y));
        y = VLOAD(b2 + k);
        s02 = VADD(s02, VMUL(x0, y));
        s12 = VADD(s12, VMUL(x1, y));
        y = VLOAD(b3 + k);
        s03 = VADD(s03, VMUL(x0, y));
        s13 = VADD(s13, VMUL(x1, y));
      }
      v128_t t0 = hsum4(s00, s01, s02, s03), t1 = hsum4(s10, s11, s12, s13);
      for (; k < K; k++) {
        const v128_t y = wasm_f32x4_make(b0[k], b1[k], b2[k], b3[k]);
        t0 = VADD(t0, VMUL(wasm_f32x4_splat(a0[k]), y));
        t1 = VADD(t1, VMUL(wasm_f32x4_splat(a1[k]), y));
      }
      VSTORE(r0 + j, VADD(VLOAD(r0 + j), t0));
      VSTORE(r1 + j, VADD(VLOAD(r1 + j), t1));
    }
    for (; j < N; j++) {
      const float *b = B + (size_t)j * ldb;
      r0[j] += dot_v(a0, b, K);
      r1[j] += dot_v(a1, b, K);
    }
  }
  if (i < M) gemm_nt_row(N, K, A + (size_t)i * lda, B, ldb, C + (size_t)i * ldc);
}

/* ---------------------------------------------------------------------------------------------
 * Fused LSTM step: see kernels.h and k_lstm_forward_scalar for the equations; vectorised along
 * H within each batch row (the gate blocks of a row are H apart), scalar tail per row. */

static inline void lstm_fwd1(float *g, float *c, float *tc, float *h, const float *c_prev, int H, int j) {
  const float gi = sigmoid1(g[j]);
  const float gf = sigmoid1(g[H + j]);
  const float gg = tanh1(g[2 * H + j]);
  const float go = sigmoid1(g[3 * H + j]);
  const float cp = c_prev[j];
  const float fc = gf * cp;
  const float ig = gi * gg;
  const float cn = fc + ig;
  const float t = tanh1(cn);
  g[j] = gi;
  g[H + j] = gf;
  g[2 * H + j] = gg;
  g[3 * H + j] = go;
  c[j] = cn;
  tc[j] = t;
  h[j] = go * t;
}

void k_lstm_forward_simd(float *gates, float *c, float *tc, float *h, const float *c_prev, int B, int H) {
  for (int b = 0; b < B; b++) {
    float *g = gates + (size_t)b * 4 * H;
    const size_t o = (size_t)b * H;
    int j = 0;
    for (; j + 4 <= H; j += 4) {
      const v128_t gi = sigmoid_v(VLOAD(g + j));
      const v128_t gf = sigmoid_v(VLOAD(g + H + j));
      const v128_t gg = tanh_v(VLOAD(g + 2 * H + j));
      const v128_t go = sigmoid_v(VLOAD(g + 3 * H + j));
      const v128_t cp = VLOAD(c_prev + o + j);
      const v128_t cn = VADD(VMUL(gf, cp), VMUL(gi, gg)); /* c = f c_prev + i g */
      const v128_t t = tanh_v(cn);
      VSTORE(g + j, gi);
      VSTORE(g + H + j, gf);
      VSTORE(g + 2 * H + j, gg);
      VSTORE(g + 3 * H + j, go);
      VSTORE(c + o + j, cn);
      VSTORE(tc + o + j, t);
      VSTORE(h + o + j, VMUL(go, t)); /* h = o tanh(c) */
    }
    for (; j < H; j++) lstm_fwd1(g, c + o, tc + o, h + o, c_prev + o, H, j);
  }
}

static inline void lstm_bwd1(float *dg, float *dc, const float *dh, const float *g, const float *c_prev, const float *tc, int H, int j) {
  const float gi = g[j], gf = g[H + j], gg = g[2 * H + j], go = g[3 * H + j];
  const float t = tc[j], cp = c_prev[j], d = dh[j];
  const float dto = d * go;
  const float tt = t * t;
  const float omt = 1.0f - tt;
  const float dtc = dto * omt;
  const float dct = dc[j] + dtc;
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
  dc[j] = dct * gf;
}

void k_lstm_backward_simd(float *dgates, float *dc, const float *dh, const float *gates, const float *c_prev, const float *tc, int B, int H) {
  const v128_t one = VF(1.0f);
  for (int b = 0; b < B; b++) {
    const float *g = gates + (size_t)b * 4 * H;
    float *dg = dgates + (size_t)b * 4 * H;
    const size_t o = (size_t)b * H;
    int j = 0;
    for (; j + 4 <= H; j += 4) {
      const v128_t gi = VLOAD(g + j), gf = VLOAD(g + H + j), gg = VLOAD(g + 2 * H + j), go = VLOAD(g + 3 * H + j);
      const v128_t t = VLOAD(tc + o + j), cp = VLOAD(c_prev + o + j), d = VLOAD(dh + o + j);
      /* dc_total = dc + dh o (1 - tc^2) */
      const v128_t dct = VADD(VLOAD(dc + o + j), VMUL(VMUL(d, go), VSUB(one, VMUL(t, t))));
      const v128_t d_o = VMUL(VMUL(d, t), VMUL(go, VSUB(one, go)));     /* dh tc o(1-o) */
      const v128_t d_i = VMUL(VMUL(dct, gg), VMUL(gi, VSUB(one, gi)));  /* dc_total g i(1-i) */
      const v128_t d_f = VMUL(VMUL(dct, cp), VMUL(gf, VSUB(one, gf)));  /* dc_total c_prev f(1-f) */
      const v128_t d_g = VMUL(VMUL(dct, gi), VSUB(one, VMUL(gg, gg))); /* dc_total i (1-g^2) */
      VSTORE(dg + j, d_i);
      VSTORE(dg + H + j, d_f);
      VSTORE(dg + 2 * H + j, d_g);
      VSTORE(dg + 3 * H + j, d_o);
      VSTORE(dc + o + j, VMUL(dct, gf)); /* dL/dc_prev = dc_total f */
    }
    for (; j < H; j++) lstm_bwd1(dg, dc + o, dh + o, g, c_prev + o, tc + o, H, j);
  }
}

/* ---------------------------------------------------------------------------------------------
 * Fused GRU step (reset after): see kernels.h and k_gru_forward_scalar. */

static inline void gru_fwd1(float *gates, float *hn, float *h, const float *gx, const float *gh, const float *h_prev, int H, int j) {
  const float xr = gx[j], xz = gx[H + j], xn = gx[2 * H + j];
  const float hr = gh[j], hz = gh[H + j], hnn = gh[2 * H + j];
  const float hp = h_prev[j];
  const float r = sigmoid1(xr + hr);
  const float z = sigmoid1(xz + hz);
  const float rh = r * hnn;
  const float n = tanh1(xn + rh);
  const float omz = 1.0f - z;
  const float a = omz * n;
  const float zh = z * hp;
  gates[j] = r;
  gates[H + j] = z;
  gates[2 * H + j] = n;
  hn[j] = hnn;
  h[j] = a + zh;
}

void k_gru_forward_simd(float *gates, float *hn, float *h, const float *gx, const float *gh, const float *h_prev, int B, int H) {
  for (int b = 0; b < B; b++) {
    const size_t g3 = (size_t)b * 3 * H, o = (size_t)b * H;
    int j = 0;
    for (; j + 4 <= H; j += 4) {
      const v128_t xr = VLOAD(gx + g3 + j), xz = VLOAD(gx + g3 + H + j), xn = VLOAD(gx + g3 + 2 * H + j);
      const v128_t hr = VLOAD(gh + g3 + j), hz = VLOAD(gh + g3 + H + j), hnn = VLOAD(gh + g3 + 2 * H + j);
      const v128_t hp = VLOAD(h_prev + o + j);
      const v128_t r = sigmoid_v(VADD(xr, hr));
      const v128_t z = sigmoid_v(VADD(xz, hz));
      const v128_t n = tanh_v(VADD(xn, VMUL(r, hnn)));                 /* n = tanh(gx_n + r gh_n) */
      const v128_t hv = VADD(VMUL(VSUB(VF(1.0f), z), n), VMUL(z, hp)); /* (1-z) n + z h_prev */
      VSTORE(gates + g3 + j, r);
      VSTORE(gates + g3 + H + j, z);
      VSTORE(gates + g3 + 2 * H + j, n);
      VSTORE(hn + o + j, hnn);
      VSTORE(h + o + j, hv);
    }
    for (; j < H; j++) gru_fwd1(gates + g3, hn + o, h + o, gx + g3, gh + g3, h_prev + o, H, j);
  }
}

static inline void gru_bwd1(float *dgx, float *dgh, float *dh_prev, const float *dh, const float *gates, const float *hn, const float *h_prev, int H, int j) {
  const float r = gates[j], z = gates[H + j], n = gates[2 * H + j];
  const float hnn = hn[j], hp = h_prev[j], d = dh[j];
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
  dgx[j] = dpr;
  dgx[H + j] = dpz;
  dgx[2 * H + j] = dpn;
  dgh[j] = dpr;
  dgh[H + j] = dpz;
  dgh[2 * H + j] = dhn;
  dh_prev[j] += dhp;
}

void k_gru_backward_simd(float *dgx, float *dgh, float *dh_prev, const float *dh, const float *gates, const float *hn, const float *h_prev, int B, int H) {
  const v128_t one = VF(1.0f);
  for (int b = 0; b < B; b++) {
    const size_t g3 = (size_t)b * 3 * H, o = (size_t)b * H;
    int j = 0;
    for (; j + 4 <= H; j += 4) {
      const v128_t r = VLOAD(gates + g3 + j), z = VLOAD(gates + g3 + H + j), n = VLOAD(gates + g3 + 2 * H + j);
      const v128_t hnn = VLOAD(hn + o + j), hp = VLOAD(h_prev + o + j), d = VLOAD(dh + o + j);
      const v128_t dn = VMUL(d, VSUB(one, z));                 /* dh (1-z) */
      const v128_t dz = VMUL(d, VSUB(hp, n));                  /* dh (h_prev - n) */
      const v128_t dpn = VMUL(dn, VSUB(one, VMUL(n, n)));      /* through tanh */
      const v128_t dhn = VMUL(dpn, r);                         /* dgh_n = dpn r */
      const v128_t dpr = VMUL(VMUL(dpn, hnn), VMUL(r, VSUB(one, r))); /* dpn gh_n r(1-r) */
      const v128_t dpz = VMUL(dz, VMUL(z, VSUB(one, z)));      /* dz z(1-z) */
      VSTORE(dgx + g3 + j, dpr);
      VSTORE(dgx + g3 + H + j, dpz);
      VSTORE(dgx + g3 + 2 * H + j, dpn);
      VSTORE(dgh + g3 + j, dpr);
      VSTORE(dgh + g3 + H + j, dpz);
      VSTORE(dgh + g3 + 2 * H + j, dhn);
      VSTORE(dh_prev + o + j, VADD(VLOAD(dh_prev + o + j), VMUL(d, z))); /* += dh z */
    }
    for (; j < H; j++) gru_bwd1(dgx + g3, dgh + g3, dh_prev + o, dh + o, gates + g3, hn + o, h_prev + o, H, j);
  }
}
