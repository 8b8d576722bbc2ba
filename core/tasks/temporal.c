/* temporal.c - the temporal order problem: Hochreiter & Schmidhuber 1997 (H&S), experiment 6.
 *
 * Owns: the sequence generator, sizes, symbol names and criterion.
 *   6a (variant=a: X/Y at t1, t2; 4 classes Q R S U) and 6b (variant=b: t1, t2, t3; 8 classes
 *   Q R S U V A B C). Symbols a b c d X Y B E; a sequence starts with E and ends with the
 *   trigger B, the rest random in {a,b,c,d}. For length L = 100 (the paper's): sequence length
 *   uniform in [100, 110], t1 in [10,20], t2 in [50,60] (6a); t1 in [10,20], t2 in [33,43],
 *   t3 in [66,76] (6b), positions counted from 1 as in the paper. Other L scale every bound by
 *   L/100 (deviation: shorter instances for fast tests; L >= 20). Target at the end only; right
 *   when every output is within 0.3 of the one-hot target (H&S's criterion), which for softmax
 *   means p(class) > 0.7.
 *
 * Does not own: batch layout and padding (batch.c), the accumulation of steps into a result
 * (evaluate.c).
 */
#include <math.h>

#include "task.h"

/* Temporal order symbols: a b c d X Y B E; classes Q R S U V A B C. */
enum { TO_A = 0, TO_X = 4, TO_Y = 5, TO_B = 6, TO_E = 7, TO_SYMBOLS = 8 };
static const char *const temporal_in[TO_SYMBOLS] = {"a", "b", "c", "d", "X", "Y", "B", "E"};
static const char *const temporal_out[8] = {"Q", "R", "S", "U", "V", "A", "B", "C"};

void temporal_describe(const rnnlab_task *t, rnnlab_task_info *in) {
  in->input_size = TO_SYMBOLS, in->output_size = t->relevant == 3 ? 8 : 4;
}

const char *temporal_symbol(rnnlab_task *t, int which, int id) {
  (void)t;
  return which ? temporal_out[id] : temporal_in[id];
}

int temporal_max_row(int L) { return L + L / 10; }

/* Paper positions (1-based, at L = 100) scaled by L/100. */
static int scaled(int L, int p) { return (p * L + 50) / 100; }

/* The class is the relevant symbols read as bits, the first most significant (X = 0, Y = 1). */
int temporal_row(const rnnlab_task *t, rng_state *r, int L, int32_t *scratch, row_view v) {
  (void)scratch;
  static const int lo2[2] = {10, 50}, hi2[2] = {20, 60}, lo3[3] = {10, 33, 66}, hi3[3] = {20, 43, 76};
  const int m = t->relevant, *lo = m == 3 ? lo3 : lo2, *hi = m == 3 ? hi3 : hi2;
  int n = L + (int)rng_below(r, (uint32_t)(L / 10 + 1)), cls = 0;
  v.tok[0] = TO_E;
  for (int i = 1; i < n - 1; i++) v.tok[i] = TO_A + (int)rng_below(r, 4);
  v.tok[n - 1] = TO_B;
  for (int k = 0; k < m; k++) {
    int pos = task_uniform(r, scaled(L, lo[k]), scaled(L, hi[k])), y = (int)rng_below(r, 2);
    v.tok[pos - 1] = y ? TO_Y : TO_X;
    cls = cls * 2 + y;
  }
  v.id[n - 1] = cls, v.mask[n - 1] = 1;
  return n;
}

/* Right when every output is within 0.3 of the one-hot target; loss -log p(class). */
int temporal_score_step(const float *o, int V, int32_t id, const float *d, double *loss, float *err) {
  (void)d, (void)err;
  *loss = -log((double)safe_p(o[id]));
  for (int k = 0; k < V; k++)
    if (fabsf(o[k] - (k == id ? 1.0f : 0.0f)) >= 0.3f) return 0;
  return 1;
}
