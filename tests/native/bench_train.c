/* bench_train.c - native half of `make bench`: trains character-level models (65-symbol one-hot
 * input, softmax over 65, T = 25, Adam) for each cell and batch size and prints one JSON line per
 * run: {"cell","batch","charsPerSec","gflops","seconds"}. Timed with CLOCK_MONOTONIC after a
 * warm-up; the median of several timed repetitions. Not a test: nothing is asserted.
 * Usage: bench_train [seconds_per_run [cell [batch]]]   (default 1.0, every cell and batch; a cell
 * name and a batch size run that one configuration, so bench.mjs can interleave it with wasm) */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/rnnlab.h"
#include "../../core/rng.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* multiply-adds x2 per character for one training step (forward + backward), the matrix products
 * only: recurrent 3 x 2HG (forward, dh, dU), readout 3 x 2HV; one-hot input is a gather. */
static double flops_per_char(int G, int H, int V) { return 6.0 * H * G + 6.0 * H * V; }

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  double budget = argc > 1 ? atof(argv[1]) : 1.0;
  const int V = 65, H = 128, T = 25;
  const int cells[3] = {RNNLAB_CELL_LSTM, RNNLAB_CELL_GRU, RNNLAB_CELL_RNN};
  const char *names[3] = {"lstm", "gru", "rnn"};
  const int gates[3] = {4, 3, 1};
  const int batches[2] = {1, 32};
  const char *only_cell = argc > 2 ? argv[2] : NULL;
  const int only_batch = argc > 3 ? atoi(argv[3]) : 0;
  for (int ci = 0; ci < 3; ci++)
    for (int bi = 0; bi < 2; bi++) {
      const int B = batches[bi];
      if ((only_cell && strcmp(only_cell, names[ci]) != 0) || (only_batch && only_batch != B)) continue;
      rnnlab_config c;
      rnnlab_config_default(&c);
      c.cell = cells[ci], c.input_size = V, c.hidden_size = H, c.output_size = V, c.seed_lo = 1;
      rnnlab_model *m;
      rnnlab_trainer *tr;
      rnnlab_train_config tc;
      rnnlab_train_config_default(&tc);
      if (rnnlab_model_create(&c, &m, NULL, 0) || rnnlab_trainer_create(m, &tc, &tr, NULL, 0)) return 1;
      int32_t *x = malloc(sizeof(int32_t) * B * T), *y = malloc(sizeof(int32_t) * B * T);
      rng_state r;
      rng_seed(&r, 3);
      for (int i = 0; i < B * T; i++) x[i] = (int32_t)rng_below(&r, V), y[i] = (int32_t)rng_below(&r, V);
      rnnlab_batch b = {0};
      b.batch = B, b.length = T, b.tokens = x, b.target_ids = y;
      rnnlab_step_result res;
      for (int i = 0; i < 3; i++) rnnlab_trainer_step(tr, &b, &res); /* warm-up */
      double rates[5];
      for (int rep = 0; rep < 5; rep++) {
        int steps = 0;
        double t0 = now(), t1;
        do {
          rnnlab_trainer_step(tr, &b, &res);
          steps++;
        } while ((t1 = now()) - t0 < budget / 5);
        rates[rep] = (double)steps * B * T / (t1 - t0);
      }
      qsort(rates, 5, sizeof rates[0], cmp);
      const double cps = rates[2];
      printf("{\"cell\":\"%s\",\"batch\":%d,\"charsPerSec\":%.1f,\"gflops\":%.3f}\n", names[ci], B, cps,
             cps * flops_per_char(gates[ci] * H, H, V) / 1e9);
      fflush(stdout);
      free(x), free(y);
      rnnlab_trainer_free(tr);
      rnnlab_model_free(m);
    }
  return 0;
}
