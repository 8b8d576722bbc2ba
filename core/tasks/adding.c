/* adding.c - the adding problem: Hochreiter & Schmidhuber 1997 (H&S), experiment 4.
 *
 * Owns: the sequence generator, sizes, symbol names and criterion.
 *   Per step a pair (value uniform in [-1,1], marker); sequence length uniform in
 *   [T, T + T/10]; the first marked pair is one of the first ten, the second one of the first
 *   T/2 - 1 still unmarked pairs; first and last pair carry marker -1 unless marked; a marked
 *   first pair's value is set to 0. Target at the end only: 0.5 + (X1 + X2)/4. Right when
 *   |error| < 0.04; H&S test on 2560 sequences. T = length (H&S: 100, 500, 1000; needs T >= 10).
 *   H&S use logistic sigmoid outputs trained on squared error; here any model with float
 *   targets works (output linear or sigmoid).
 *
 * Does not own: batch layout and padding (batch.c), the accumulation of steps into a result
 * (evaluate.c).
 */
#include <math.h>

#include "task.h"

void adding_describe(const rnnlab_task *t, rnnlab_task_info *in) {
  (void)t;
  in->input_size = 2, in->input_kind = RNNLAB_INPUT_DENSE, in->output_size = 1, in->output_kind = RNNLAB_OUTPUT_LINEAR;
}

const char *adding_symbol(rnnlab_task *t, int which, int id) {
  (void)t;
  return which ? "sum" : id ? "marker" : "value";
}

int adding_max_row(int L) { return L + L / 10; }

int adding_row(const rnnlab_task *t, rng_state *r, int T, int32_t *scratch, row_view v) {
  (void)t, (void)scratch;
  int n = T + (int)rng_below(r, (uint32_t)(T / 10 + 1));
  for (int i = 0; i < n; i++) v.in[2 * i] = rng_symmetric(r, 1.0f), v.in[2 * i + 1] = 0;
  v.in[1] = -1, v.in[2 * (n - 1) + 1] = -1;
  int m1 = (int)rng_below(r, 10);
  int k = (int)rng_below(r, (uint32_t)(T / 2 - 1)), m2 = 0; /* k-th of the first T/2-1 unmarked pairs */
  for (int i = 0;; i++) {
    if (i == m1) continue;
    if (k-- == 0) { m2 = i; break; }
  }
  if (m1 == 0 || m2 == 0) v.in[0] = 0; /* H&S: "X1 is set to zero" when the first pair is marked */
  v.in[2 * m1 + 1] = 1, v.in[2 * m2 + 1] = 1;
  v.tg[n - 1] = 0.5f + (v.in[2 * m1] + v.in[2 * m2]) / 4.0f;
  v.mask[n - 1] = 1;
  return n;
}

/* Right when |o - d| < 0.04 (H&S); loss (1/2)(o - d)^2; *err keeps the largest |o - d|. */
int adding_score_step(const float *o, int V, int32_t id, const float *d, double *loss, float *err) {
  (void)V, (void)id;
  float e = fabsf(o[0] - d[0]);
  *loss = 0.5 * (double)e * e;
  if (e > *err) *err = e;
  return e < 0.04f;
}
