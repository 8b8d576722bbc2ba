/* text.c - the text task: a character-level language model over UTF-8 text.
 *
 * Owns: the text kind's row functions: its data (text bytes handed in, or the generated grammar
 * corpus), its symbols (each a UTF-8 character), its training streams and its evaluation.
 *
 * The vocabulary is built from the training split (the leading 1 - holdout of the text): its
 * vocab-1 most frequent code points, plus UNK (id 0) for everything else, including invalid
 * UTF-8 (vocab.c). rnnlab_task_batch gives B parallel streams over the training split (stream b
 * starts in segment b of B equal segments, at a random phase per pass), length characters each,
 * with carry_state = 1 between consecutive calls (0 on the first call, after a change of B and
 * when the streams wrap). Evaluation scores the held-out tail as one stream in chunks with
 * carried state, in bits per character, and beside it interpolated Witten-Bell n-gram models
 * (orders 1..5, order n = n-1 characters of context; ngram.c) counted on the training split and
 * scored on the same characters with the same history (none before the tail's first character).
 * The task is solved when the model's bits per character are below every baseline's.
 *
 * Does not own: UTF-8 and the vocabulary (vocab.c), the grammar (corpus.c), the baselines
 * (ngram.c), the per-step criterion (evaluate.c's argmax), any I/O (the C-sources corpus is
 * bundled at build time and handed in as bytes).
 */
#include <math.h>
#include <stdlib.h>

#include "task.h"

void text_describe(const rnnlab_task *t, rnnlab_task_info *in) {
  (void)t; /* sizes: vocab_build */
  in->unk_id = 0;
}

const char *text_symbol(rnnlab_task *t, int which, int id) {
  (void)which;
  return t->vocab[id];
}

/* The text: the bytes given, else the grammar corpus of `chars` bytes from the task's seed. */
rnnlab_status text_prepare(rnnlab_task *t, const uint8_t *text, size_t n, char *err, size_t errlen) {
  if (text && t->corpus_grammar) return status_fail(err, errlen, RNNLAB_EINVAL, "task 'text': both corpus=grammar and text bytes given");
  if (text) return vocab_build(t, text, n, err, errlen);
  rng_state r;
  char *g = NULL;
  rng_seed(&r, task_mix_seed(t->seed, SALT_CORPUS));
  size_t len = corpus_grammar(&r, (size_t)t->chars, &g);
  rnnlab_status s = len ? vocab_build(t, (const uint8_t *)g, len, err, errlen)
                        : status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for the corpus");
  free(g);
  return s;
}

/* Each stream's segment n_train / B holds 2 (L + 1) characters. */
double text_batch_limit(const rnnlab_task *t, int L) { return floor((double)t->n_train / (2.0 * L + 2.0)); }

rnnlab_status text_batch(rnnlab_task *t, int B, int L, rnnlab_batch *out) {
  const int64_t seg = t->n_train / B;
  if (seg < 2 * (int64_t)L + 2)
    return task_fail(t, RNNLAB_EINVAL,
                     "task 'text': %d streams of chunk length %d need at least %lld training characters, the split has %d",
                     B, L, (long long)B * (2 * L + 2), t->n_train);
  rnnlab_status s = batch_reserve(t, &t->train, (size_t)B * L);
  if (s) return s;
  int carry = 1;
  if (t->stream_B != B || t->stream_len != L || !t->stream) {
    int64_t *st = realloc(t->stream, (size_t)B * sizeof *st);
    if (!st) return task_fail(t, RNNLAB_ENOMEM, "out of memory for %d streams", B);
    t->stream = st, t->stream_B = B, t->stream_len = L, t->stream_fresh = 1;
  }
  for (int i = 0; i < B && !t->stream_fresh; i++) /* a stream at its segment's end: new pass */
    if (t->stream[i] + L + 1 > (i + 1) * seg) t->stream_fresh = 1;
  if (t->stream_fresh) {
    int64_t phase = (int64_t)rng_below(&t->rng, (uint32_t)L);
    for (int i = 0; i < B; i++) t->stream[i] = i * seg + phase;
    t->stream_fresh = 0, carry = 0;
  }
  for (int i = 0; i < B; i++) {
    const int32_t *x = t->text + t->stream[i];
    for (int j = 0; j < L; j++) {
      t->train.tok[(size_t)i * L + j] = x[j];
      t->train.id[(size_t)i * L + j] = x[j + 1];
      t->train.mask[(size_t)i * L + j] = 1;
    }
    t->stream[i] += L;
  }
  batch_view(&t->train, B, L, carry, out);
  return RNNLAB_OK;
}

/* The held-out tail (count > 0: its first count predicted characters) as one stream in chunks of
 * L; seed unused (the tail is fixed). */
rnnlab_status text_evaluate(rnnlab_task *t, rnnlab_model *m, int count, int L, uint64_t seed, rnnlab_task_result *r) {
  (void)seed;
  if (L < 1 || L > SYNTH_MAX_LENGTH) return task_fail(t, RNNLAB_EINVAL, "task 'text': length (the chunk) must be in 1..100000, got %d", L);
  if (!count) count = t->eval_count;
  const int V = t->info.output_size;
  int32_t n = t->n_text - t->n_train - 1; /* predicted characters of the tail */
  if (count > 0 && count < n) n = count;
  rnnlab_status s = batch_reserve(t, &t->eval, (size_t)L);
  if (s) return s;
  if (!task_grow((void **)&t->out, &t->out_cap, (size_t)L * V, sizeof(float)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for evaluation outputs");
  score_acc a = {0};
  double model_loss = 0;
  for (int32_t p = 0; p < n; p += L) {
    int len = n - p < L ? n - p : L;
    const int32_t *x = t->text + t->n_train + p;
    for (int j = 0; j < len; j++) t->eval.tok[j] = x[j], t->eval.id[j] = x[j + 1], t->eval.mask[j] = 1;
    rnnlab_batch b;
    float loss = 0;
    batch_view(&t->eval, 1, len, p > 0, &b);
    s = eval_forward(t, m, &b, &loss);
    if (s) break;
    model_loss += (double)loss * len;
    score_rows(t, &b, t->out, &a);
  }
  rnnlab_model_restore_state(m); /* the training stream's carried state, as it was */
  if (s) return s;
  score_finish(t, &a, r);
  r->sequences = n > 0; /* one stream */
  r->loss = n ? (float)(model_loss / n) : 0;
  s = ngram_build(t);
  if (s) return s;
  ngram_score(t, t->n_train, n, r->ngram_bpc);
  float best = r->ngram_bpc[0];
  for (int k = 1; k < NGRAM_ORDERS; k++) best = r->ngram_bpc[k] < best ? r->ngram_bpc[k] : best;
  r->solved = n > 0 && r->bpc < best;
  return RNNLAB_OK;
}
