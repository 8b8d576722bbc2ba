/* ngram.c - the text task's baselines: interpolated Witten-Bell n-gram models, orders 1..5.
 *
 * Owns: the counts (one open-addressing hash table of every n-gram of the training split,
 * n = 0..5, built on the first evaluation and kept), the interpolated probability, and the bits
 * per character of each order on a stretch of the text. Order n conditions on n-1 characters.
 *
 * Does not own: the text or its vocabulary (vocab.c), the model's score on the same characters
 * or the comparison that makes the task solved (text.c).
 */
#include <math.h>
#include <stdlib.h>

#include "task.h"

static uint64_t ngram_key(int n, uint64_t syms) { return ((uint64_t)(n + 1) << 60) | syms; }
static uint64_t ngram_mask(int n) { return n >= 5 ? (1ull << 60) - 1 : (1ull << (VOCAB_BITS * n)) - 1; }

static size_t ngram_slot(const rnnlab_task *t, uint64_t key) {
  uint64_t h = key * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  size_t i = (size_t)h & (t->ngram_cap - 1);
  while (t->ngram[i].key && t->ngram[i].key != key) i = (i + 1) & (t->ngram_cap - 1);
  return i;
}

static const ngram_entry *ngram_find(const rnnlab_task *t, uint64_t key) {
  size_t i = ngram_slot(t, key);
  return t->ngram[i].key ? &t->ngram[i] : NULL;
}

/* The entry of key, inserted (zeroed) when absent; NULL when out of memory. Inserting may move
 * every entry: pointers from earlier calls are then stale. */
static ngram_entry *ngram_get(rnnlab_task *t, uint64_t key) {
  if (t->ngram) {
    size_t i = ngram_slot(t, key);
    if (t->ngram[i].key) return &t->ngram[i];
  }
  if (2 * (t->ngram_used + 1) > t->ngram_cap) { /* keep the load at most 1/2 */
    size_t old_cap = t->ngram_cap, cap = old_cap ? 2 * old_cap : 1024;
    ngram_entry *old = t->ngram, *nw = calloc(cap, sizeof *nw);
    if (!nw) return NULL;
    t->ngram = nw, t->ngram_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].key) t->ngram[ngram_slot(t, old[i].key)] = old[i];
    free(old);
  }
  size_t i = ngram_slot(t, key);
  if (!t->ngram[i].key) t->ngram[i].key = key, t->ngram_used++;
  return &t->ngram[i];
}

/* Counts every n-gram (n = 1..5) of the training split: for each position i, the gram
 * x[i-n+1..i] and its context x[i-n+1..i-1]. Once per task; later calls return at once. */
rnnlab_status ngram_build(rnnlab_task *t) {
  if (t->ngram) return RNNLAB_OK;
  uint64_t hist = 0; /* the last symbols, newest lowest */
  for (int32_t i = 0; i < t->n_train; i++) {
    hist = (hist << VOCAB_BITS) | (uint64_t)t->text[i];
    for (int n = 1; n <= NGRAM_ORDERS && n <= i + 1; n++) {
      /* insert both first, then take pointers (an insertion may move the table) */
      ngram_entry *g = ngram_get(t, ngram_key(n, hist & ngram_mask(n)));
      ngram_entry *c = g ? ngram_get(t, ngram_key(n - 1, (hist >> VOCAB_BITS) & ngram_mask(n - 1))) : NULL;
      if (c) g = ngram_get(t, ngram_key(n, hist & ngram_mask(n))); /* present: no insertion */
      if (!c || !g) {
        free(t->ngram), t->ngram = NULL, t->ngram_cap = t->ngram_used = 0;
        return task_fail(t, RNNLAB_ENOMEM, "out of memory for the n-gram tables");
      }
      if (g->count++ == 0) c->followers++;
      c->ctx_total++;
    }
  }
  return RNNLAB_OK;
}

/* P(x | the `avail` previous symbols in hist) under the order-`order` model:
 *   p_0 = 1/V;  p_n = (C(h,x) + N1+(h) p_{n-1}) / (C(h) + N1+(h))  with h the last n-1 symbols,
 * kept at p_{n-1} when h was never seen (Witten & Bell 1991, interpolated). */
static double ngram_prob(const rnnlab_task *t, int order, uint64_t hist, int avail, int32_t x) {
  double p = 1.0 / t->info.vocab_size;
  for (int n = 1; n <= order && n - 1 <= avail; n++) {
    const ngram_entry *c = ngram_find(t, ngram_key(n - 1, hist & ngram_mask(n - 1)));
    if (!c || !c->ctx_total) break; /* longer contexts are unseen too */
    const ngram_entry *g = ngram_find(t, ngram_key(n, ((hist << VOCAB_BITS) | (uint64_t)x) & ngram_mask(n)));
    double cnt = g ? g->count : 0;
    p = (cnt + c->followers * p) / (c->ctx_total + (double)c->followers);
  }
  return p;
}

/* Bits per character of each order on text[from+1 .. from+n] (history starts at text[from]),
 * into bpc (NGRAM_ORDERS). ngram_build first. */
void ngram_score(const rnnlab_task *t, int32_t from, int32_t n, float *bpc) {
  double bits[NGRAM_ORDERS] = {0};
  uint64_t hist = 0;
  for (int32_t i = 0; i < n; i++) {
    hist = (hist << VOCAB_BITS) | (uint64_t)t->text[from + i];
    int avail = i + 1 < NGRAM_ORDERS ? i + 1 : NGRAM_ORDERS;
    for (int k = 0; k < NGRAM_ORDERS; k++) bits[k] -= log2(ngram_prob(t, k + 1, hist, avail, t->text[from + i + 1]));
  }
  for (int k = 0; k < NGRAM_ORDERS; k++) bpc[k] = n ? (float)(bits[k] / n) : 0.0f;
}
