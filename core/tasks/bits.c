/* bits.c - the bit-stream tasks: parity and binary addition.
 *
 * Owns: both kinds' row generators, sizes and symbol names.
 *   parity    bits in, running parity out at every step (mode=final: only at the end).
 *             A row of a training batch has a length drawn uniformly in [minLength, length];
 *             evaluation uses exactly the requested length.
 *   addition  two binary numbers, least significant bit first, one pair of bits per step
 *             (input token a + 2b), the sum bit out per step; one more step with the pair
 *             (0,0) outputs the final carry (it is the sum's top bit). length = bits; row
 *             lengths vary as parity's.
 * Both are scored by the argmax of the two outputs at every targeted step; a sequence is right
 * when every step is.
 *
 * Does not own: the length draw (batch.c draws it for kinds with rows_vary), padding, the scorer
 * (evaluate.c's score_argmax).
 */
#include "task.h"

static const char *const addition_in[4] = {"00", "10", "01", "11"}; /* token a + 2b as "ab" */
static const char *const bits_out[2] = {"0", "1"};

void parity_describe(const rnnlab_task *t, rnnlab_task_info *in) {
  (void)t;
  in->input_size = 2, in->output_size = 2;
}

void addition_describe(const rnnlab_task *t, rnnlab_task_info *in) {
  (void)t;
  in->input_size = 4, in->output_size = 2;
}

const char *parity_symbol(rnnlab_task *t, int which, int id) {
  (void)t, (void)which;
  return bits_out[id];
}

const char *addition_symbol(rnnlab_task *t, int which, int id) {
  (void)t;
  return which ? bits_out[id] : addition_in[id];
}

int addition_max_row(int L) { return L + 1; } /* the carry step */

/* n random bits; the target after bit i is the parity of bits 0..i (mode=final: at i = n-1). */
int parity_row(const rnnlab_task *t, rng_state *r, int n, int32_t *scratch, row_view v) {
  (void)scratch;
  int p = 0;
  for (int i = 0; i < n; i++) {
    int bit = (int)rng_below(r, 2);
    p ^= bit;
    v.tok[i] = bit;
    if (!t->final_only || i == n - 1) v.id[i] = p, v.mask[i] = 1;
  }
  return n;
}

/* n bit pairs, LSB first, then the pair (0,0) whose sum bit is the carry out. */
int addition_row(const rnnlab_task *t, rng_state *r, int n, int32_t *scratch, row_view v) {
  (void)t, (void)scratch;
  int carry = 0;
  for (int i = 0; i <= n; i++) {
    int a = i < n ? (int)rng_below(r, 2) : 0, b = i < n ? (int)rng_below(r, 2) : 0, s = a + b + carry;
    v.tok[i] = a + 2 * b;
    v.id[i] = s & 1, v.mask[i] = 1;
    carry = s >> 1;
  }
  return n + 1;
}
