/* fuzz_task_options.c - libFuzzer harness for rnnlab_task_create's option strings
 * ("key=value,...", core/tasks/options.c and each kind's own keys) over every task.
 *
 * Input: byte 0 picks the task (mod rnnlab_task_count()), the rest up to the first NUL is the
 * options string. The text task gets a small fixed text (so no grammar corpus of up to 64 Mi
 * characters is generated per input; fuzz_text_corpus covers the corpus). A refusal must be
 * RNNLAB_EINVAL with a message and no task; a task must report sane sizes and give a batch of
 * the shape it says it accepts.
 */
#include "fuzz_common.h"

static const char text[] = "The old owl sees Anna near the river. A small dog runs quickly; the king sings again.";

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  if (n < 1) return 0;
  const int count = rnnlab_task_count();
  const char *name = rnnlab_task_name(d[0] % count);
  FUZZ_CHECK(name && rnnlab_task_option_keys(d[0] % count), "task %d has no name or keys", d[0] % count);
  char *opts = malloc(n);
  FUZZ_CHECK(opts, "out of memory");
  memcpy(opts, d + 1, n - 1), opts[n - 1] = '\0';
  const int is_text = !strcmp(name, "text");
  rnnlab_task *t = (rnnlab_task *)&t;
  char err[256] = "";
  rnnlab_status s = rnnlab_task_create(name, opts, is_text ? (const uint8_t *)text : NULL, is_text ? sizeof text - 1 : 0, &t, err,
                                       sizeof err);
  if (s) {
    FUZZ_CHECK(t == NULL, "failed create (%d) left *out set", (int)s);
    FUZZ_CHECK(s == RNNLAB_EINVAL && err[0] != '\0', "create %s '%s': status %d, message '%s'", name, opts, (int)s, err);
    free(opts);
    return 0;
  }
  const rnnlab_task_info *in = rnnlab_task_get_info(t);
  FUZZ_CHECK(!strcmp(rnnlab_task_get_name(t), name), "name");
  FUZZ_CHECK(in->input_size >= 1 && in->output_size >= 1, "sizes %d, %d", in->input_size, in->output_size);
  FUZZ_CHECK(in->min_length >= 1 && in->min_length <= in->length && in->length <= in->max_length, "lengths %d <= %d <= %d",
             in->min_length, in->length, in->max_length);
  const int32_t L = in->length < 64 ? in->length : (in->min_length > 64 ? in->min_length : 64);
  if (in->is_seq2seq) {
    rnnlab_seq2seq_batch b;
    s = rnnlab_task_seq2seq_batch(t, 2, L, &b);
    FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_EINVAL, "seq2seq batch: status %d: %s", (int)s, rnnlab_task_error(t));
    if (!s)
      for (int i = 0; i < b.batch * b.src_length; i++) FUZZ_CHECK(b.src[i] >= 0 && b.src[i] < in->vocab_size, "source id %d", b.src[i]);
  } else {
    const int32_t maxB = rnnlab_task_max_batch(t, L);
    rnnlab_batch b;
    if (maxB >= 1) {
      s = rnnlab_task_batch(t, maxB < 2 ? maxB : 2, L, &b);
      FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_EINVAL, "batch: status %d: %s", (int)s, rnnlab_task_error(t));
      if (!s && b.tokens)
        for (int i = 0; i < b.batch * b.length; i++)
          FUZZ_CHECK(b.tokens[i] >= 0 && b.tokens[i] < in->input_size, "token %d of %d", b.tokens[i], in->input_size);
      if (!s && b.targets)
        for (int i = 0; i < b.batch * b.length * in->output_size; i++) FUZZ_CHECK(b.targets[i] == b.targets[i], "NaN target");
    }
  }
  rnnlab_task_free(t);
  free(opts);
  return 0;
}
