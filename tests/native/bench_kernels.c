/* bench_kernels.c - microbenchmark of the GEMM twins (and the activations), scalar vs SIMD.
 * Not part of the test run. Prints GFLOP/s (2*M*N*K flops per call) for the shapes the engine
 * hits: a batch step (M=32,N=512,K=128), a single-sequence step (M=1,...), and a tall-skinny
 * product (M=512,N=128,K=32); best of 5 timed runs of >= min_ms each, after a warm-up.
 *   gcc -std=c99 -O3 -march=native -ffp-contract=off -isystem include -Icore \
 *       tests/native/bench_kernels.c core/kernels_scalar.c core/kernels_simd.c -lm -o bench && ./bench [min_ms]
 * It also builds with emcc (-O3 -msimd128 ... -o bench.js) and runs under node for wasm numbers. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kernels.h"

typedef void (*gemm_fn)(int, int, int, const float *, int, const float *, int, float *, int);

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fill(float *p, size_t n, uint32_t *s) {
  for (size_t i = 0; i < n; i++) {
    *s = *s * 1664525u + 1013904223u;
    p[i] = (float)(*s >> 8) / 16777216.0f - 0.5f;
  }
}

/* best GFLOP/s of one GEMM on one shape; C is reset now and then so it stays bounded */
static double bench_gemm(gemm_fn f, int transA, int transB, int M, int N, int K, double min_s, double *chk) {
  const int ar = transA ? K : M, ac = transA ? M : K, br = transB ? N : K, bc = transB ? K : N;
  float *A = malloc(sizeof(float) * (size_t)ar * ac), *B = malloc(sizeof(float) * (size_t)br * bc);
  float *C = malloc(sizeof(float) * (size_t)M * N);
  if (!A || !B || !C) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  uint32_t s = 12345u;
  fill(A, (size_t)ar * ac, &s);
  fill(B, (size_t)br * bc, &s);
  fill(C, (size_t)M * N, &s);
  for (int w = 0; w < 3; w++) f(M, N, K, A, ac, B, bc, C, N);
  double best = 0.0;
  for (int run = 0; run < 5; run++) {
    long calls = 0;
    const double t0 = now_s();
    double t;
    do {
      for (int r = 0; r < 8; r++) f(M, N, K, A, ac, B, bc, C, N);
      calls += 8;
      t = now_s() - t0;
    } while (t < min_s);
    const double gf = 2.0 * M * N * K * (double)calls / t * 1e-9;
    if (gf > best) best = gf;
  }
  *chk += C[0] + C[(size_t)M * N - 1];
  free(A);
  free(B);
  free(C);
  return best;
}

static double bench_act(void (*f)(float *, const float *, int), int n, double min_s, double *chk) {
  float *x = malloc(sizeof(float) * (size_t)n), *y = malloc(sizeof(float) * (size_t)n);
  if (!x || !y) exit(2);
  uint32_t s = 777u;
  fill(x, (size_t)n, &s);
  for (int i = 0; i < n; i++) x[i] *= 16.0f;
  double best = 0.0;
  for (int run = 0; run < 5; run++) {
    long calls = 0;
    const double t0 = now_s();
    double t;
    do {
      f(y, x, n);
      calls++;
      t = now_s() - t0;
    } while (t < min_s);
    const double me = (double)n * (double)calls / t * 1e-6;
    if (me > best) best = me;
  }
  *chk += y[0];
  free(x);
  free(y);
  return best;
}

int main(int argc, char **argv) {
  const double min_s = (argc > 1 ? atof(argv[1]) : 100.0) * 1e-3;
  static const int shapes[][3] = {{32, 512, 128}, {1, 512, 128}, {512, 128, 32}};
  const struct {
    const char *name;
    gemm_fn f[2];
    int ta, tb;
  } g[3] = {{"gemm_nn", {k_gemm_nn_scalar, k_gemm_nn_simd}, 0, 0},
            {"gemm_nt", {k_gemm_nt_scalar, k_gemm_nt_simd}, 0, 1},
            {"gemm_tn", {k_gemm_tn_scalar, k_gemm_tn_simd}, 1, 0}};
  double chk = 0.0;
  printf("%-8s %-16s %10s %10s %8s\n", "kernel", "M,N,K", "scalar", "simd", "speedup");
  for (int q = 0; q < 3; q++)
    for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
      const int M = shapes[sh][0], N = shapes[sh][1], K = shapes[sh][2];
      const double a = bench_gemm(g[q].f[0], g[q].ta, g[q].tb, M, N, K, min_s, &chk);
      const double b = bench_gemm(g[q].f[1], g[q].ta, g[q].tb, M, N, K, min_s, &chk);
      char shape[32];
      snprintf(shape, sizeof shape, "%d,%d,%d", M, N, K);
      printf("%-8s %-16s %7.2f GF %7.2f GF %7.2fx\n", g[q].name, shape, a, b, b / a);
    }
  const int n = 4096;
  const double ss = bench_act(k_sigmoid_scalar, n, min_s, &chk), sv = bench_act(k_sigmoid_simd, n, min_s, &chk);
  const double ts = bench_act(k_tanh_scalar, n, min_s, &chk), tv = bench_act(k_tanh_simd, n, min_s, &chk);
  printf("%-8s %-16s %7.0f Me/s %5.0f Me/s %5.2fx\n", "sigmoid", "n=4096", ss, sv, sv / ss);
  printf("%-8s %-16s %7.0f Me/s %5.0f Me/s %5.2fx\n", "tanh", "n=4096", ts, tv, tv / ts);
  printf("(checksum %g)\n", chk);
  return 0;
}
