/* fuzz_text_corpus.c - libFuzzer harness for the text task built from user bytes: UTF-8
 * decoding, the train / held-out split and the vocabulary (core/tasks/vocab.c), the streams and
 * evaluation with the n-gram baselines (text.c, ngram.c) and the generated grammar corpus
 * (corpus.c).
 *
 * Input: byte 0 picks the vocabulary cap, byte 1 the holdout; with byte 1's top bit the task uses
 * the grammar corpus instead (chars and seed from bytes 2..5), else the rest is the text. A
 * refusal must come with a message and no task; a task's symbols must be valid NUL-terminated
 * UTF-8 (U+FFFD for UNK; U+0000's name is ""), its split sizes must add up, and a batch and an evaluation of a tiny
 * model must succeed whenever the task says they fit.
 */
#include "fuzz_common.h"

static const int caps[8] = {2, 3, 5, 16, 64, 256, 1000, 4096};
static const char *const holdouts[8] = {"0.1", "0.5", "0.01", "0.9", "0.25", "0.001", "0.999", "0.3333"};

/* 1 when s is one well-formed UTF-8 character (shortest form, no surrogate, <= U+10FFFF) */
static int one_utf8_char(const char *s) {
  const uint8_t *u = (const uint8_t *)s;
  const size_t n = strlen(s);
  uint32_t v;
  if (n == 1) return u[0] < 0x80;
  if (n == 2) return (u[0] >> 5) == 6 && (u[1] & 0xC0) == 0x80 && ((u[0] & 31u) << 6 | (u[1] & 63u)) >= 0x80;
  if (n == 3) {
    if ((u[0] >> 4) != 14 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80) return 0;
    v = (u[0] & 15u) << 12 | (u[1] & 63u) << 6 | (u[2] & 63u);
    return v >= 0x800 && (v < 0xD800 || v > 0xDFFF);
  }
  if (n == 4) {
    if ((u[0] >> 3) != 30 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 || (u[3] & 0xC0) != 0x80) return 0;
    v = (u[0] & 7u) << 18 | (u[1] & 63u) << 12 | (u[2] & 63u) << 6 | (u[3] & 63u);
    return v >= 0x10000 && v <= 0x10FFFF;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  if (n < 2) return 0;
  char opts[160];
  const int grammar = d[1] >> 7;
  int k = snprintf(opts, sizeof opts, "vocab=%d,holdout=%s,length=4", caps[d[0] & 7], holdouts[d[1] & 7]);
  if (grammar) {
    const unsigned chars = n >= 4 ? 1000u + (fz_u32((uint8_t[4]){d[2], d[3], 0, 0}) & 0x3FF) : 1000u;
    const unsigned seed = n >= 6 ? (unsigned)d[4] | (unsigned)d[5] << 8 : 1u;
    snprintf(opts + k, sizeof opts - (size_t)k, ",corpus=grammar,chars=%u,seed=%u", chars, seed);
  }
  rnnlab_task *t = (rnnlab_task *)&t;
  char err[256] = "";
  rnnlab_status s = rnnlab_task_create("text", opts, grammar ? NULL : d + 2, grammar ? 0 : n - 2, &t, err, sizeof err);
  if (s) {
    FUZZ_CHECK(t == NULL, "failed create (%d) left *out set", (int)s);
    FUZZ_CHECK(err[0] != '\0', "failed create (%d) gave no message", (int)s);
    FUZZ_CHECK(s == RNNLAB_EINVAL, "create '%s' failed (%d): %s", opts, (int)s, err);
    return 0;
  }
  const rnnlab_task_info *in = rnnlab_task_get_info(t);
  const int V = in->vocab_size;
  FUZZ_CHECK(V >= 2 && V <= caps[d[0] & 7], "vocabulary %d for cap %d", V, caps[d[0] & 7]);
  FUZZ_CHECK(in->input_size == V && in->output_size == V && in->unk_id == 0, "sizes %d %d for vocabulary %d", in->input_size,
             in->output_size, V);
  FUZZ_CHECK(in->train_chars >= 2 && in->heldout_chars >= 2, "split %d + %d", in->train_chars, in->heldout_chars);
  if (!grammar) FUZZ_CHECK((size_t)in->train_chars + (size_t)in->heldout_chars <= n - 2, "split %d + %d over %zu bytes",
                           in->train_chars, in->heldout_chars, n - 2);
  FUZZ_CHECK(!strcmp(rnnlab_task_symbol(t, 0, 0), "\xEF\xBF\xBD"), "UNK is not U+FFFD");
  int empty = 0; /* U+0000 is a symbol too; its NUL-terminated name is "" */
  for (int id = 0; id < V; id++) {
    const char *sym = rnnlab_task_symbol(t, 1, id);
    FUZZ_CHECK(sym && (one_utf8_char(sym) || (!sym[0] && id > 0 && !empty++)), "symbol %d is not one UTF-8 character", id);
  }
  FUZZ_CHECK(rnnlab_task_symbol(t, 0, V) == NULL && rnnlab_task_symbol(t, 0, -1) == NULL, "symbol out of range not NULL");

  const int32_t maxB = rnnlab_task_max_batch(t, 4);
  FUZZ_CHECK(maxB >= 0, "max batch %d: %s", (int)maxB, rnnlab_task_error(t));
  rnnlab_batch b;
  if (maxB > 0) {
    const int32_t B = maxB < 3 ? maxB : 3;
    for (int rep = 0; rep < 3; rep++) {
      s = rnnlab_task_batch(t, B, 4, &b);
      FUZZ_CHECK(s == RNNLAB_OK, "batch %d x 4 (max %d): %s", (int)B, (int)maxB, rnnlab_task_error(t));
      for (int i = 0; i < B * 4; i++)
        FUZZ_CHECK(b.tokens[i] >= 0 && b.tokens[i] < V && b.target_ids[i] >= 0 && b.target_ids[i] < V, "id out of range");
    }
  } else {
    s = rnnlab_task_batch(t, 1, 4, &b);
    FUZZ_CHECK(s == RNNLAB_EINVAL, "batch beyond the limit: status %d", (int)s);
  }

  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = RNNLAB_CELL_GRU, c.input_size = V, c.hidden_size = 2, c.output_size = V, c.output_kind = RNNLAB_OUTPUT_SOFTMAX;
  rnnlab_model *m = NULL;
  s = rnnlab_model_create(&c, &m, err, sizeof err);
  FUZZ_CHECK(s == RNNLAB_OK, "model for vocabulary %d: %s", V, err);
  rnnlab_task_result r;
  s = rnnlab_task_evaluate(t, m, 64, 4, 0, &r);
  FUZZ_CHECK(s == RNNLAB_OK, "evaluate: %s", rnnlab_task_error(t));
  FUZZ_CHECK(r.steps >= 1 && r.steps <= 64, "evaluate scored %d steps", (int)r.steps);
  for (int o = 0; o < RNNLAB_NGRAM_ORDERS; o++)
    FUZZ_CHECK(r.ngram_bpc[o] == r.ngram_bpc[o] && r.ngram_bpc[o] >= 0, "n-gram order %d: %g bits", o + 1, (double)r.ngram_bpc[o]);
  rnnlab_model_free(m);
  rnnlab_task_free(t);
  return 0;
}
