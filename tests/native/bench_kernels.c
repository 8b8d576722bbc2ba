/* bench_kernels.c - kernel microbenchmark, llm.c dev/ style: every kernel of kernels.h is first
 * checked against its scalar twin on the benchmarked inputs, then both twins are timed.
 * Not part of the test run (tests/native/test_kernels.c is the test); nothing is asserted, but a
 * check that fails is printed as FAIL and the exit status is 1.
 *
 *   GEMMs nn/nt/tn   on the shapes a training step of the bench model hits (H = 128, V = 65,
 *                    T = 25, B = 32 and 1: recurrent step, weight gradients over T*B rows,
 *                    readout); check: nn/tn bit-identical, nt within (K+2) 2^-23 (|C0| + sum|a||b|)
 *   sigmoid/tanh/exp vectors (n = 4096), fused LSTM and GRU step forward/backward (B = 32,
 *                    H = 128), one-hot gather (T*B = 800 rows of G = 512): bit-identical
 * Rates: GFLOP/s for GEMMs (2 M N K per call), M elements/s otherwise; best of 5 timed runs of
 * >= min_ms each after a warm-up.
 *
 * Usage: bench_kernels [min_ms] [--json] [--gemm M,N,K]...
 *   --gemm   time only the SIMD GEMMs (nn, nt, tn) on the given shapes (still checked)
 *   --json   one JSON object per line instead of the table (what tests/bench/bench.mjs reads)
 * Builds natively (make bench: build/native/bench_kernels) and with emcc for wasm SIMD
 * (make bench: build/wasm/bench_kernels.cjs, run under node). */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/kernels.h"

typedef void (*gemm_fn)(int, int, int, const float *, int, const float *, int, float *, int);

static double min_s = 0.1;
static int json = 0, failures = 0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fill(float *p, size_t n, uint32_t *s, float scale) {
  for (size_t i = 0; i < n; i++) {
    *s = *s * 1664525u + 1013904223u;
    p[i] = ((float)(*s >> 8) / 16777216.0f - 0.5f) * scale;
  }
}

static float *falloc(size_t n) {
  float *p = malloc(sizeof(float) * (n ? n : 1));
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static int same_bits(const float *a, const float *b, size_t n) { return memcmp(a, b, n * sizeof(float)) == 0; }

/* Times run(ctx) (one call = `work` units); best rate of 5 runs, units per second. */
typedef void (*run_fn)(void *ctx);
static double time_best(run_fn run, void *ctx, double work) {
  for (int w = 0; w < 3; w++) run(ctx);
  double best = 0.0;
  for (int rep = 0; rep < 5; rep++) {
    long calls = 0;
    const double t0 = now_s();
    double t;
    do {
      run(ctx);
      calls++;
      t = now_s() - t0;
    } while (t < min_s);
    const double r = work * (double)calls / t;
    if (r > best) best = r;
  }
  return best;
}

static void report(const char *kernel, const char *shape, const char *check, int ok, double scalar, double simd,
                   const char *unit) {
  if (!ok) failures++;
  if (json)
    printf("{\"kernel\":\"%s\",\"shape\":\"%s\",\"check\":\"%s\",\"ok\":%s,\"scalar\":%.4f,\"simd\":%.4f,\"unit\":\"%s\"}\n",
           kernel, shape, check, ok ? "true" : "false", scalar, simd, unit);
  else
    printf("%-14s %-14s %-22s %9.2f %9.2f %-5s %7.2fx\n", kernel, shape, ok ? check : "FAIL", scalar, simd, unit,
           scalar > 0 ? simd / scalar : 0.0);
  fflush(stdout);
}

/* ---- GEMMs ---- */

typedef struct {
  gemm_fn f;
  int M, N, K, lda, ldb;
  const float *A, *B;
  float *C;
} gemm_ctx;

static void run_gemm(void *p) {
  gemm_ctx *g = p;
  g->f(g->M, g->N, g->K, g->A, g->lda, g->B, g->ldb, g->C, g->N);
}

static const char *gemm_names[3] = {"gemm_nn", "gemm_nt", "gemm_tn"};
static const gemm_fn gemm_fns[3][2] = {{k_gemm_nn_scalar, k_gemm_nn_simd},
                                       {k_gemm_nt_scalar, k_gemm_nt_simd},
                                       {k_gemm_tn_scalar, k_gemm_tn_simd}};

/* kind 0 nn, 1 nt, 2 tn; checks SIMD against scalar, then times (scalar only when time_scalar) */
static void bench_gemm(int kind, int M, int N, int K, int time_scalar) {
  const int ar = kind == 2 ? K : M, ac = kind == 2 ? M : K, br = kind == 1 ? N : K, bc = kind == 1 ? K : N;
  float *A = falloc((size_t)ar * ac), *B = falloc((size_t)br * bc), *C0 = falloc((size_t)M * N);
  float *Cs = falloc((size_t)M * N), *Cv = falloc((size_t)M * N);
  uint32_t s = 12345u;
  fill(A, (size_t)ar * ac, &s, 1.0f);
  fill(B, (size_t)br * bc, &s, 1.0f);
  fill(C0, (size_t)M * N, &s, 1.0f);
  memcpy(Cs, C0, sizeof(float) * M * N);
  memcpy(Cv, C0, sizeof(float) * M * N);
  gemm_fns[kind][0](M, N, K, A, ac, B, bc, Cs, N);
  gemm_fns[kind][1](M, N, K, A, ac, B, bc, Cv, N);
  int ok;
  char check[32];
  if (kind != 1) {
    ok = same_bits(Cs, Cv, (size_t)M * N);
    snprintf(check, sizeof check, "bit-identical");
  } else { /* nt: different summation order; worst |simd - scalar| / bound */
    double worst = 0.0;
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) {
        double absum = fabs(C0[(size_t)i * N + j]);
        for (int k = 0; k < K; k++) absum += fabs((double)A[(size_t)i * K + k] * B[(size_t)j * K + k]);
        const double tol = (K + 2) / 8388608.0 * absum, e = fabs((double)Cv[(size_t)i * N + j] - Cs[(size_t)i * N + j]);
        if (e / tol > worst) worst = e / tol;
      }
    ok = worst <= 1.0;
    snprintf(check, sizeof check, "err/bound %.3f", worst);
  }
  const double work = 2.0 * M * N * K * 1e-9;
  gemm_ctx g = {gemm_fns[kind][0], M, N, K, ac, bc, A, B, Cs};
  const double gs = time_scalar ? time_best(run_gemm, &g, work) : 0.0;
  g.f = gemm_fns[kind][1], g.C = Cv;
  const double gv = time_best(run_gemm, &g, work);
  char shape[40];
  snprintf(shape, sizeof shape, "%d,%d,%d", M, N, K);
  report(gemm_names[kind], shape, check, ok, gs, gv, "GF/s");
  free(A), free(B), free(C0), free(Cs), free(Cv);
}

/* ---- element-wise kernels ---- */

typedef struct {
  void (*f)(float *, const float *, int);
  float *y;
  const float *x;
  int n;
} act_ctx;

static void run_act(void *p) {
  act_ctx *a = p;
  a->f(a->y, a->x, a->n);
}

static void bench_act(const char *name, void (*fs)(float *, const float *, int), void (*fv)(float *, const float *, int),
                      float scale) {
  const int n = 4096;
  float *x = falloc(n), *ys = falloc(n), *yv = falloc(n);
  uint32_t s = 777u;
  fill(x, n, &s, scale);
  fs(ys, x, n);
  fv(yv, x, n);
  const int ok = same_bits(ys, yv, n);
  act_ctx a = {fs, ys, x, n};
  const double rs = time_best(run_act, &a, n * 1e-6);
  a.f = fv, a.y = yv;
  const double rv = time_best(run_act, &a, n * 1e-6);
  report(name, "n=4096", "bit-identical", ok, rs, rv, "Me/s");
  free(x), free(ys), free(yv);
}

enum { BB = 32, HH = 128 };

typedef struct {
  int simd, gru, bwd;
  float *buf[10];
} cell_ctx_b;

/* LSTM fwd: gates(B,4H) c tc h c_prev ; LSTM bwd: dgates dc dh gates c_prev tc
 * GRU fwd: gates hn h gx gh h_prev ; GRU bwd: dgx dgh dh_prev dh gates hn h_prev.
 * The forward kernels overwrite their gate input, so each call restores it from a copy
 * (buf[9]); the copy is part of both twins' timing alike. */
static void run_cell(void *p) {
  cell_ctx_b *c = p;
  float **b = c->buf;
  if (!c->gru && !c->bwd) {
    memcpy(b[0], b[9], sizeof(float) * BB * 4 * HH);
    (c->simd ? k_lstm_forward_simd : k_lstm_forward_scalar)(b[0], b[1], b[2], b[3], b[4], BB, HH);
  } else if (!c->gru) {
    memcpy(b[1], b[9], sizeof(float) * BB * HH);
    (c->simd ? k_lstm_backward_simd : k_lstm_backward_scalar)(b[0], b[1], b[2], b[3], b[4], b[5], BB, HH);
  } else if (!c->bwd) {
    (c->simd ? k_gru_forward_simd : k_gru_forward_scalar)(b[0], b[1], b[2], b[3], b[4], b[5], BB, HH);
  } else {
    memcpy(b[2], b[9], sizeof(float) * BB * HH);
    (c->simd ? k_gru_backward_simd : k_gru_backward_scalar)(b[0], b[1], b[2], b[3], b[4], b[5], b[6], BB, HH);
  }
}

static void bench_cell(int gru, int bwd) {
  const size_t G = (size_t)(gru ? 3 : 4) * HH, BG = BB * G, BH = BB * HH;
  /* buffer sizes per argument position (see run_cell) */
  size_t len[10] = {0};
  if (!gru && !bwd) len[0] = BG, len[1] = len[2] = len[3] = len[4] = BH, len[9] = BG;
  else if (!gru) len[0] = BG, len[1] = len[2] = BH, len[3] = BG, len[4] = len[5] = BH, len[9] = BH;
  else if (!bwd) len[0] = BG, len[1] = len[2] = BH, len[3] = len[4] = BG, len[5] = BH;
  else len[0] = len[1] = BG, len[2] = len[3] = BH, len[4] = BG, len[5] = len[6] = BH, len[9] = BH;
  cell_ctx_b c[2];
  uint32_t s = 99u;
  for (int t = 0; t < 2; t++) {
    c[t].simd = t, c[t].gru = gru, c[t].bwd = bwd;
    for (int i = 0; i < 10; i++) c[t].buf[i] = len[i] ? falloc(len[i]) : NULL;
  }
  for (int i = 0; i < 10; i++)
    if (len[i]) {
      fill(c[0].buf[i], len[i], &s, 4.0f);
      memcpy(c[1].buf[i], c[0].buf[i], sizeof(float) * len[i]);
    }
  if (bwd) { /* backward reads post-activation gates in (0, 1) (g, n in (-1, 1)) */
    const int gi = gru ? 4 : 3;
    for (size_t i = 0; i < len[gi]; i++) c[0].buf[gi][i] = c[0].buf[gi][i] * 0.2f + 0.5f;
    memcpy(c[1].buf[gi], c[0].buf[gi], sizeof(float) * len[gi]);
  }
  run_cell(&c[0]);
  run_cell(&c[1]);
  int ok = 1;
  for (int i = 0; i < 9; i++)
    if (len[i]) ok &= same_bits(c[0].buf[i], c[1].buf[i], len[i]);
  const double work = (double)BH * 1e-6;
  const double rs = time_best(run_cell, &c[0], work), rv = time_best(run_cell, &c[1], work);
  static const char *names[2][2] = {{"lstm_forward", "lstm_backward"}, {"gru_forward", "gru_backward"}};
  report(names[gru][bwd], "B=32,H=128", "bit-identical", ok, rs, rv, "Me/s");
  for (int t = 0; t < 2; t++)
    for (int i = 0; i < 10; i++) free(c[t].buf[i]);
}

typedef struct {
  int simd;
  float *pre, *W, *b1, *b2;
  int32_t *tok;
  int R, G;
} gather_ctx;

static void run_gather(void *p) {
  gather_ctx *g = p;
  (g->simd ? k_onehot_gather_simd : k_onehot_gather_scalar)(g->pre, g->tok, g->W, g->b1, g->b2, g->R, g->G);
}

static void bench_gather(void) {
  const int V = 65, R = 800, G = 512;
  gather_ctx g[2];
  uint32_t s = 5u;
  float *W = falloc((size_t)V * G), *b1 = falloc(G), *b2 = falloc(G);
  int32_t *tok = malloc(sizeof(int32_t) * R);
  fill(W, (size_t)V * G, &s, 1.0f);
  fill(b1, G, &s, 1.0f);
  fill(b2, G, &s, 1.0f);
  for (int r = 0; r < R; r++) tok[r] = (int32_t)((r * 17 + 3) % V);
  for (int t = 0; t < 2; t++) g[t] = (gather_ctx){t, falloc((size_t)R * G), W, b1, b2, tok, R, G};
  run_gather(&g[0]);
  run_gather(&g[1]);
  const int ok = same_bits(g[0].pre, g[1].pre, (size_t)R * G);
  const double work = (double)R * G * 1e-6;
  const double rs = time_best(run_gather, &g[0], work), rv = time_best(run_gather, &g[1], work);
  report("onehot_gather", "R=800,G=512", "bit-identical", ok, rs, rv, "Me/s");
  free(g[0].pre), free(g[1].pre), free(W), free(b1), free(b2), free(tok);
}

int main(int argc, char **argv) {
  int shapes[64][3], nshapes = 0, only_gemm = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (!strcmp(argv[i], "--gemm") && i + 1 < argc) {
      only_gemm = 1;
      if (nshapes < 64 && sscanf(argv[++i], "%d,%d,%d", &shapes[nshapes][0], &shapes[nshapes][1], &shapes[nshapes][2]) == 3)
        nshapes++;
    } else min_s = atof(argv[i]) * 1e-3;
  }
  if (!json) printf("%-14s %-14s %-22s %9s %9s %-5s %8s\n", "kernel", "shape", "check vs scalar", "scalar", "simd", "unit", "speedup");
  if (only_gemm) {
    for (int q = 0; q < nshapes; q++)
      for (int kind = 0; kind < 3; kind++) bench_gemm(kind, shapes[q][0], shapes[q][1], shapes[q][2], 0);
    return failures ? 1 : 0;
  }
  /* the shapes of one training step of the bench model (H = 128, V = 65, T = 25), with the
   * kernel the engine uses for each: recurrent forward (nn, M = B), dh (nt), dW over T*B rows
   * (tn), readout forward (nn), dWy (tn), dY (nt) */
  static const int step[][4] = {
      {0, 32, 512, 128}, {1, 32, 128, 512}, {2, 128, 512, 800}, /* LSTM B = 32 */
      {0, 32, 384, 128}, {1, 32, 128, 384}, {2, 128, 384, 800}, /* GRU B = 32 */
      {0, 32, 128, 128}, {1, 32, 128, 128}, {2, 128, 128, 800}, /* RNN B = 32 */
      {0, 800, 65, 128}, {2, 128, 65, 800}, {1, 800, 128, 65},  /* readout B = 32 */
      {0, 1, 512, 128},  {1, 1, 128, 512},  {2, 128, 512, 25},  /* LSTM B = 1 */
  };
  for (size_t q = 0; q < sizeof step / sizeof step[0]; q++) bench_gemm(step[q][0], step[q][1], step[q][2], step[q][3], 1);
  bench_act("sigmoid", k_sigmoid_scalar, k_sigmoid_simd, 16.0f);
  bench_act("tanh", k_tanh_scalar, k_tanh_simd, 16.0f);
  bench_act("exp", k_exp_scalar, k_exp_simd, 16.0f);
  bench_cell(0, 0);
  bench_cell(0, 1);
  bench_cell(1, 0);
  bench_cell(1, 1);
  bench_gather();
  if (failures) fprintf(stderr, "bench_kernels: %d check(s) FAILED\n", failures);
  return failures ? 1 : 0;
}
