/* reber.c - the embedded Reber grammar: Hochreiter & Schmidhuber 1997 (H&S), experiment 1.
 *
 * Owns: the grammar's automaton (Cleeremans et al. 1989), the string generator, the row layout
 * and the criterion.
 *   7 symbols B T P S X V E; at every step the target is the set of all legal next symbols
 *   (multi-hot, sigmoid outputs as in H&S). A step is right when the legal symbols are exactly
 *   the most active outputs (H&S: "the output unit(s) corresponding to the possible next
 *   symbol(s) is(are) always the most active ones"); a string is right when every step is.
 *   Deviation: H&S train on a fixed set of 256 strings; here every batch draws fresh strings
 *   (evaluation: 256 fresh strings by default, the size of H&S's test set). length caps the
 *   string length (longer strings are redrawn; at the default 100 this practically never
 *   happens); the shortest embedded string has 9 symbols.
 *
 * Does not own: batch layout and padding (batch.c), the accumulation of steps into a result
 * (evaluate.c).
 */
#include "task.h"

/* Reber symbols, in the order of the one-hot code. */
enum { RB_B = 0, RB_T, RB_P, RB_S, RB_X, RB_V, RB_E, RB_SYMBOLS };
static const char reber_chars[RB_SYMBOLS + 1] = "BTPSXVE";
/* The Reber automaton: from state s, two edges {symbol, next state}; next -1 = accept.
 * 0 -B-> 1; 1 -T-> 2 | -P-> 3; 2 -S-> 2 | -X-> 4; 3 -T-> 3 | -V-> 5; 4 -X-> 3 | -S-> 6;
 * 5 -P-> 4 | -V-> 6; 6 -E-> end. */
static const struct { int sym[2], next[2], n; } reber_fsm[7] = {
  {{RB_B, 0}, {1, 0}, 1}, {{RB_T, RB_P}, {2, 3}, 2}, {{RB_S, RB_X}, {2, 4}, 2}, {{RB_T, RB_V}, {3, 5}, 2},
  {{RB_X, RB_S}, {3, 6}, 2}, {{RB_P, RB_V}, {4, 6}, 2}, {{RB_E, 0}, {-1, 0}, 1}};

void reber_describe(const rnnlab_task *t, rnnlab_task_info *in) {
  (void)t;
  in->input_size = in->output_size = RB_SYMBOLS, in->output_kind = RNNLAB_OUTPUT_SIGMOID;
}

const char *reber_symbol(rnnlab_task *t, int which, int id) {
  (void)which;
  t->sym_buf[0] = reber_chars[id], t->sym_buf[1] = 0;
  return t->sym_buf;
}

int reber_max_row(int L) { return L - 1; } /* the last symbol E is no input */

/* One embedded string of at most cap symbols into sym, and after each symbol its legal
 * successors as a bit mask over the 7 symbols into legal. Returns its length. */
static int reber_string(rng_state *r, int cap, int32_t *sym, int32_t *legal) {
  for (;;) {
    int n = 0, outer = rng_below(r, 2) ? RB_P : RB_T, s = 0;
    sym[n] = RB_B, legal[n++] = 1 << RB_T | 1 << RB_P;
    sym[n] = outer, legal[n++] = 1 << RB_B;
    while (s >= 0 && n < cap) { /* the inner Reber string, from state 0 */
      int e = reber_fsm[s].n == 2 ? (int)rng_below(r, 2) : 0, ns = reber_fsm[s].next[e];
      sym[n] = reber_fsm[s].sym[e];
      legal[n++] = ns < 0 ? 1 << outer : (1 << reber_fsm[ns].sym[0]) | (reber_fsm[ns].n == 2 ? 1 << reber_fsm[ns].sym[1] : 0);
      s = ns;
    }
    if (s >= 0 || n + 2 > cap) continue; /* too long: redraw */
    sym[n] = outer, legal[n++] = 1 << RB_E;
    sym[n] = RB_E, legal[n++] = 0;
    return n;
  }
}

/* scratch: 2 (L + 1) ints, the string and its legal successors. */
int reber_row(const rnnlab_task *t, rng_state *r, int L, int32_t *scratch, row_view v) {
  (void)t;
  int32_t *sym = scratch, *legal = scratch + L + 1;
  int n = reber_string(r, L, sym, legal);
  for (int i = 0; i + 1 < n; i++) { /* input symbols 0..n-2, targets their legal successors */
    v.tok[i] = sym[i];
    for (int k = 0; k < RB_SYMBOLS; k++) v.tg[i * RB_SYMBOLS + k] = (float)((legal[i] >> k) & 1);
    v.mask[i] = 1;
  }
  return n - 1;
}

/* Right when the legal symbols are the most active outputs; loss (1/2)||o - d||^2. */
int reber_score_step(const float *o, int V, int32_t id, const float *d, double *loss, float *err) {
  (void)id, (void)err;
  float lo_legal = 1e30f, hi_illegal = -1e30f;
  double l = 0;
  for (int k = 0; k < V; k++) {
    if (d[k] > 0.5f) lo_legal = o[k] < lo_legal ? o[k] : lo_legal;
    else hi_illegal = o[k] > hi_illegal ? o[k] : hi_illegal;
    l += 0.5 * (double)(o[k] - d[k]) * (o[k] - d[k]);
  }
  *loss = l;
  return lo_legal > hi_illegal;
}
