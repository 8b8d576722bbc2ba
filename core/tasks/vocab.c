/* vocab.c - the text task's vocabulary: UTF-8 decoding, the symbol table, text as symbol ids.
 *
 * Owns: strict UTF-8 decoding (malformed bytes, overlong forms, surrogates and values past
 * U+10FFFF each become one invalid code point), the split of the text into a training part and
 * a held-out tail, and the vocabulary built from the training split alone: its vocab-1 most
 * frequent code points (ties: the smaller code point), in code point order, after UNK (id 0) for
 * everything else, including invalid UTF-8. UNK shows as U+FFFD.
 *
 * Does not own: where the bytes come from (text.c: given, or the grammar of corpus.c), streams,
 * evaluation or the n-gram baselines (text.c, ngram.c).
 */
#include <stdlib.h>
#include <string.h>

#include "task.h"

#define CP_INVALID 0xFFFFFFFFu

/* Decodes UTF-8 into code points; malformed bytes become CP_INVALID (one per byte). */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp) {
  size_t i = 0, k = 0;
  while (i < n) {
    uint32_t c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    uint32_t v = len == 1 ? c : len == 2 ? c & 31 : len == 3 ? c & 15 : c & 7;
    int ok = len > 0 && i + (size_t)len <= n;
    for (int j = 1; ok && j < len; j++) {
      if ((s[i + j] & 0xC0) != 0x80) ok = 0;
      else v = (v << 6) | (s[i + j] & 63);
    }
    /* overlong forms, surrogates and values past U+10FFFF are malformed too */
    if (ok && ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
               (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)) ok = 0;
    cp[k++] = ok ? v : CP_INVALID;
    i += ok ? (size_t)len : 1;
  }
  return k;
}

static int utf8_encode(uint32_t c, char *o) {
  if (c < 0x80) { o[0] = (char)c; return 1; }
  if (c < 0x800) { o[0] = (char)(0xC0 | c >> 6); o[1] = (char)(0x80 | (c & 63)); return 2; }
  if (c < 0x10000) { o[0] = (char)(0xE0 | c >> 12); o[1] = (char)(0x80 | ((c >> 6) & 63)); o[2] = (char)(0x80 | (c & 63)); return 3; }
  o[0] = (char)(0xF0 | c >> 18); o[1] = (char)(0x80 | ((c >> 12) & 63)); o[2] = (char)(0x80 | ((c >> 6) & 63)); o[3] = (char)(0x80 | (c & 63));
  return 4;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct { uint32_t cp, count; } cp_count;
static int cmp_count_desc(const void *a, const void *b) {
  const cp_count *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return x->cp < y->cp ? -1 : x->cp > y->cp;
}
static int cmp_cp(const void *a, const void *b) {
  const cp_count *x = a, *y = b;
  return x->cp < y->cp ? -1 : x->cp > y->cp;
}

/* Builds the vocabulary from the training split (the leading 1 - holdout of the text) and maps
 * the whole text to ids: t->text, t->vocab, the split sizes, and the info's sizes. */
rnnlab_status vocab_build(rnnlab_task *t, const uint8_t *bytes, size_t n, char *err, size_t errlen) {
  uint32_t *cp = malloc((n ? n : 1) * sizeof *cp);
  if (!cp) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory decoding %zu bytes of text", n);
  size_t m = utf8_decode(bytes, n, cp);
  if (m > TEXT_MAX_CHARS) {
    free(cp);
    return status_fail(err, errlen, RNNLAB_EINVAL, "task 'text': the text has %zu characters, more than %d", m, TEXT_MAX_CHARS);
  }
  size_t n_tail = (size_t)((double)m * t->holdout);
  size_t n_train = m - n_tail;
  if (n_tail < 2 || n_train < 2) {
    free(cp);
    return status_fail(err, errlen, RNNLAB_EINVAL,
                    "task 'text': the text is too short (%zu characters): holdout=%g leaves %zu for training and %zu held out (need >= 2 each)",
                    m, (double)t->holdout, n_train, n_tail);
  }
  uint32_t *sorted = malloc(n_train * sizeof *sorted);
  cp_count *cc = malloc(n_train * sizeof *cc);
  t->text = malloc(m * sizeof(int32_t));
  if (!sorted || !cc || !t->text) {
    free(cp), free(sorted), free(cc);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for %zu characters of text", m);
  }
  memcpy(sorted, cp, n_train * sizeof *sorted);
  qsort(sorted, n_train, sizeof *sorted, cmp_u32);
  size_t nd = 0;
  for (size_t i = 0; i < n_train;) {
    size_t j = i;
    while (j < n_train && sorted[j] == sorted[i]) j++;
    if (sorted[i] != CP_INVALID) cc[nd].cp = sorted[i], cc[nd].count = (uint32_t)(j - i), nd++;
    i = j;
  }
  free(sorted);
  if (nd == 0) { /* UNK alone: no model (softmax needs 2 outputs) could learn it (fuzz_text_corpus) */
    free(cp), free(cc);
    return status_fail(err, errlen, RNNLAB_EINVAL,
                       "task 'text': the training split (%zu characters) holds no valid UTF-8 character, only bytes that become UNK",
                       n_train);
  }
  qsort(cc, nd, sizeof *cc, cmp_count_desc);
  size_t keep = nd < (size_t)t->vocab_cap - 1 ? nd : (size_t)t->vocab_cap - 1;
  qsort(cc, keep, sizeof *cc, cmp_cp);
  int V = (int)keep + 1;
  t->vocab = calloc((size_t)V, sizeof *t->vocab);
  if (!t->vocab) {
    free(cp), free(cc);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for the vocabulary");
  }
  utf8_encode(0xFFFD, t->vocab[0]); /* UNK shows as the replacement character */
  for (int v = 1; v < V; v++) utf8_encode(cc[v - 1].cp, t->vocab[v]);
  for (size_t i = 0; i < m; i++) { /* binary search among the kept code points */
    size_t lo = 0, hi = keep;
    int32_t id = 0;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (cc[mid].cp == cp[i]) { id = (int32_t)mid + 1; break; }
      if (cc[mid].cp < cp[i]) lo = mid + 1; else hi = mid;
    }
    t->text[i] = id;
  }
  free(cp), free(cc);
  t->n_text = (int32_t)m, t->n_train = (int32_t)n_train;
  t->info.vocab_size = V;
  t->info.input_size = t->info.output_size = V;
  t->info.unk_id = 0;
  t->info.train_chars = (int32_t)n_train;
  t->info.heldout_chars = (int32_t)n_tail;
  return RNNLAB_OK;
}
