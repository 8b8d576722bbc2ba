/* pairs.c - the sequence-to-sequence tasks: copy, reverse, decimal-addition.
 *
 * Owns: the three kinds' pair generators, sizes and symbols, the layout of a
 * rnnlab_seq2seq_batch, and exact-match scoring of predicted token sequences.
 *   A source string in, a target string out ("123+45" -> "168"); vocabulary PAD=0, BOS=1,
 *   EOS=2, then the symbols.
 *   copy, reverse     symbols a.. (symbols=, default 8), the target the source or its reverse;
 *                     source lengths uniform in [minLength, length] in training, exactly
 *                     length in evaluation
 *   decimal-addition  digits 0..9 and '+'; two operands of uniform digit counts in [minLength,
 *                     length] (exactly length in evaluation), no leading zeros; the target is
 *                     their sum ("0" for 0+0)
 *   Scored by exact match from predicted token sequences (rnnlab_task_seq2seq_score).
 *
 * Does not own: the seq2seq model or its decoding (core/seq2seq.c: it consumes
 * rnnlab_seq2seq_batch and calls rnnlab_task_seq2seq_score), the argument checks (tasks.c).
 */
#include <string.h>

#include "task.h"

enum { PAIR_PAD = 0, PAIR_BOS = 1, PAIR_EOS = 2, PAIR_FIRST = 3 };
enum { DEC_PLUS = PAIR_FIRST + 10 }; /* digits 3..12, '+' 13 */

static void pair_specials(rnnlab_task_info *in, int symbols) {
  in->vocab_size = PAIR_FIRST + symbols;
  in->input_size = in->output_size = in->vocab_size;
  in->pad_id = PAIR_PAD, in->bos_id = PAIR_BOS, in->eos_id = PAIR_EOS;
}

void copy_describe(const rnnlab_task *t, rnnlab_task_info *in) { pair_specials(in, t->symbols); }
void decadd_describe(const rnnlab_task *t, rnnlab_task_info *in) { (void)t, pair_specials(in, 11); }

static const char *special_symbol(int id) { return id == PAIR_PAD ? "<pad>" : id == PAIR_BOS ? "<s>" : "</s>"; }

const char *copy_symbol(rnnlab_task *t, int which, int id) {
  (void)which;
  if (id < PAIR_FIRST) return special_symbol(id);
  t->sym_buf[0] = (char)('a' + id - PAIR_FIRST), t->sym_buf[1] = 0;
  return t->sym_buf;
}

const char *decadd_symbol(rnnlab_task *t, int which, int id) {
  (void)which;
  if (id < PAIR_FIRST) return special_symbol(id);
  t->sym_buf[0] = id < DEC_PLUS ? (char)('0' + id - PAIR_FIRST) : '+', t->sym_buf[1] = 0;
  return t->sym_buf;
}

void copy_pair_max(int L, int *S, int *U) { *S = L, *U = L; }
void decadd_pair_max(int L, int *S, int *U) { *S = 2 * L + 1, *U = L + 1; }

static void string_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int reverse, int32_t *src, int *ns, int32_t *tgt,
                        int *nt) {
  int lo = t->min_length < L ? t->min_length : L;
  int n = exact ? L : task_uniform(r, lo, L);
  for (int i = 0; i < n; i++) src[i] = PAIR_FIRST + (int)rng_below(r, (uint32_t)t->symbols);
  for (int i = 0; i < n; i++) tgt[i] = reverse ? src[n - 1 - i] : src[i];
  *ns = *nt = n;
}

void copy_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt) {
  string_pair(t, r, L, exact, 0, src, ns, tgt, nt);
}

void reverse_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt) {
  string_pair(t, r, L, exact, 1, src, ns, tgt, nt);
}

/* digits of a, "+", digits of b -> the digits of a + b, most significant first. */
void decadd_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt) {
  int lo = t->min_length < L ? t->min_length : L;
  int da = exact ? L : task_uniform(r, lo, L), db = exact ? L : task_uniform(r, lo, L);
  int a[SEQ2SEQ_MAX_LENGTH], b[SEQ2SEQ_MAX_LENGTH], n = 0;
  for (int i = 0; i < da; i++) a[i] = i == 0 && da > 1 ? 1 + (int)rng_below(r, 9) : (int)rng_below(r, 10);
  for (int i = 0; i < db; i++) b[i] = i == 0 && db > 1 ? 1 + (int)rng_below(r, 9) : (int)rng_below(r, 10);
  for (int i = 0; i < da; i++) src[n++] = PAIR_FIRST + a[i];
  src[n++] = DEC_PLUS;
  for (int i = 0; i < db; i++) src[n++] = PAIR_FIRST + b[i];
  *ns = n;
  int carry = 0, k = 0, rev[SEQ2SEQ_MAX_LENGTH + 1];
  for (int i = 0; i < da || i < db || carry; i++) { /* least significant first */
    int s = carry + (i < da ? a[da - 1 - i] : 0) + (i < db ? b[db - 1 - i] : 0);
    rev[k++] = s % 10, carry = s / 10;
  }
  while (k > 1 && rev[k - 1] == 0) k--; /* 0+0 = "0" */
  for (int i = 0; i < k; i++) tgt[i] = PAIR_FIRST + rev[k - 1 - i];
  *nt = k;
}

/* B pairs for length L into sb: src (B,S) right-aligned with PAD on the left; dec_in (B,U)
 * BOS y1..yn PAD...; dec_tgt (B,U) y1..yn EOS -1...; S, U the longest source and target + 1. */
rnnlab_status pairs_batch(rnnlab_task *t, rng_state *r, s2s_buf *sb, int B, int L, int exact, rnnlab_seq2seq_batch *out) {
  int Sm, Um;
  t->kind->pair_max(L, &Sm, &Um);
  Um += 1; /* EOS */
  if (!task_grow((void **)&sb->src, &sb->cap_src, (size_t)B * Sm, sizeof(int32_t)) ||
      !task_grow((void **)&t->rows, &t->rows_cap, (size_t)2 * B + Sm + Um, sizeof(int32_t)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch");
  size_t cap = sb->cap_tgt;
  if (!task_grow((void **)&sb->dec_in, &cap, (size_t)B * Um, sizeof(int32_t)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch");
  if (!task_grow((void **)&sb->dec_tgt, &sb->cap_tgt, (size_t)B * Um, sizeof(int32_t)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch");
  int32_t *ns = t->rows, *nt = t->rows + B, *tmp_s = t->rows + 2 * B, *tmp_t = tmp_s + Sm;
  /* pass 1 at stride (Sm, Um), sources right-aligned later once S is known */
  int S = 1, U = 1;
  for (int i = 0; i < B; i++) {
    int a, b;
    t->kind->gen_pair(t, r, L, exact, tmp_s, &a, tmp_t, &b);
    memcpy(sb->src + (size_t)i * Sm, tmp_s, (size_t)a * sizeof(int32_t));
    memcpy(sb->dec_tgt + (size_t)i * Um, tmp_t, (size_t)b * sizeof(int32_t));
    ns[i] = a, nt[i] = b;
    if (a > S) S = a;
    if (b + 1 > U) U = b + 1;
  }
  /* pass 2: re-lay at strides (S, U), front to back (stride never grows) */
  for (int i = 0; i < B; i++) {
    int32_t *s_from = sb->src + (size_t)i * Sm, *s_to = sb->src + (size_t)i * S;
    int32_t *y_from = sb->dec_tgt + (size_t)i * Um, *y_to = sb->dec_tgt + (size_t)i * U, *d = sb->dec_in + (size_t)i * U;
    memmove(tmp_s, s_from, (size_t)ns[i] * sizeof(int32_t));
    memmove(tmp_t, y_from, (size_t)nt[i] * sizeof(int32_t));
    for (int j = 0; j < S - ns[i]; j++) s_to[j] = PAIR_PAD; /* PAD on the left */
    memcpy(s_to + S - ns[i], tmp_s, (size_t)ns[i] * sizeof(int32_t));
    d[0] = PAIR_BOS; /* BOS y1..yn PAD... */
    for (int j = 0; j < nt[i]; j++) d[j + 1] = tmp_t[j];
    for (int j = nt[i] + 1; j < U; j++) d[j] = PAIR_PAD;
    for (int j = 0; j < nt[i]; j++) y_to[j] = tmp_t[j]; /* y1..yn EOS -1... */
    y_to[nt[i]] = PAIR_EOS;
    for (int j = nt[i] + 1; j < U; j++) y_to[j] = -1;
  }
  out->batch = B, out->src_length = S, out->tgt_length = U;
  out->src = sb->src, out->dec_in = sb->dec_in, out->dec_tgt = sb->dec_tgt;
  return RNNLAB_OK;
}

/* Exact match of pred (ref->batch, pred_length) against ref: a row ends at its first EOS or
 * negative token; it is right when it ends right after exactly y1..yn. Steps: y1..yn, then the
 * stop. */
void pairs_score(const rnnlab_task *t, const rnnlab_seq2seq_batch *ref, const int32_t *pred, int32_t pred_length,
                 rnnlab_task_result *r) {
  const int U = ref->tgt_length, eos = t->info.eos_id;
  score_acc a = {0};
  for (int i = 0; i < ref->batch; i++) {
    const int32_t *y = ref->dec_tgt + (size_t)i * U, *p = pred + (size_t)i * pred_length;
    int n = 0, end = 0;
    while (n < U && y[n] >= 0 && y[n] != eos) n++;                    /* reference y1..yn */
    while (end < pred_length && p[end] >= 0 && p[end] != eos) end++; /* prediction's end */
    int ok = end == n;
    for (int j = 0; j <= n; j++) { /* y1..yn then the stop */
      int right = j < n ? j < end && p[j] == y[j] : end == n;
      a.steps++, a.steps_ok += right, ok &= right;
    }
    a.seqs++, a.seqs_ok += ok;
  }
  memset(r, 0, sizeof *r);
  r->sequences = (int32_t)a.seqs, r->steps = (int32_t)a.steps;
  r->accuracy = a.seqs ? (float)((double)a.seqs_ok / a.seqs) : 0;
  r->step_accuracy = a.steps ? (float)((double)a.steps_ok / a.steps) : 0;
  r->solved = a.seqs > 0 && r->accuracy >= t->info.target_accuracy;
}
