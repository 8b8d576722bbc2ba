/* tasks.c - the table of task kinds and the public task API (rnnlab_task_* in rnnlab.h).
 *
 * Owns: the table (one row per task: its name, option keys, defaults, length bounds and the
 * functions that generate and score it; the ONE place a new task is registered), the rnnlab_task
 * handle's life (create, free, reset, last error), its info, and the public calls, which check
 * their arguments here and dispatch through the task's row.
 *
 * Does not own: any task's definition. Each lives in its family's file, with where it follows or
 * leaves Hochreiter & Schmidhuber, "Long Short-Term Memory", Neural Computation 9(8), 1997:
 *   parity, addition                  bits.c      bit streams, one target per step
 *   text                              text.c      character-level language model over UTF-8
 *                                                 (vocab.c, corpus.c, ngram.c)
 *   reber                             reber.c     H&S experiment 1, embedded Reber grammar
 *   adding                            adding.c    H&S experiment 4
 *   temporal-order                    temporal.c  H&S experiments 6a and 6b
 *   copy, reverse, decimal-addition   pairs.c     sequence-to-sequence pairs, exact match
 *   dates                             dates.c     sequence-to-sequence: a date in 13 formats to ISO
 *   vanderpol, lorenz, mackey-glass,  systems.c   dynamical systems by RK4 (one-step prediction,
 *   limit-cycle, sine, flipflop                   closed-loop scores), a sine generator, the
 *                                                 3-bit flip-flop (Sussillo & Barak 2013)
 * Nor the machinery shared by several kinds: option parsing (options.c), batch buffers and the
 * row-by-row batch builder (batch.c), scoring and evaluation (evaluate.c). Nor training loops,
 * the seq2seq model (core/seq2seq.c), any I/O or globals (every random draw goes through an
 * explicit rng_state: one for training batches, a fresh one per evaluation seeded by the caller).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"

/* The kinds, in the order of rnnlab_task_name's index. Defaults and criteria are documented in
 * rnnlab.h; every kind's row names its own functions (NULL: the kind lacks that capability). */
static const task_kind kinds[] = {
  {.name = "parity", .keys = "seed,length,minLength,evalLength,evalCount,target,mode",
   .length = 16, .eval_length = 100, .eval_count = 1000, .target = 0.99f,
   .min_len = 1, .max_len = SYNTH_MAX_LENGTH, .rows_vary = 1,
   .describe = parity_describe, .symbol = parity_symbol,
   .batch = rows_batch, .evaluate = rows_evaluate, .gen_row = parity_row, .score_step = score_argmax},
  {.name = "addition", .keys = "seed,length,minLength,evalLength,evalCount,target",
   .length = 8, .eval_length = 64, .eval_count = 1000, .target = 1.0f,
   .min_len = 1, .max_len = SYNTH_MAX_LENGTH, .rows_vary = 1,
   .describe = addition_describe, .symbol = addition_symbol, .max_row = addition_max_row,
   .batch = rows_batch, .evaluate = rows_evaluate, .gen_row = addition_row, .score_step = score_argmax},
  {.name = "text", .keys = "seed,length,evalLength,evalCount,corpus,chars,vocab,holdout",
   .length = 64, .eval_length = 256, .eval_count = 0, .target = 0.0f,
   .min_len = 1, .max_len = SYNTH_MAX_LENGTH, .stream = 1,
   .describe = text_describe, .symbol = text_symbol, .prepare = text_prepare, .batch_limit = text_batch_limit,
   .batch = text_batch, .evaluate = text_evaluate, .score_step = score_argmax},
  {.name = "reber", .keys = "seed,length,evalCount,target",
   .length = 100, .eval_length = 0, .eval_count = 256, .target = 1.0f,
   .min_len = 9, .max_len = SYNTH_MAX_LENGTH, /* 9: the shortest embedded Reber string */
   .describe = reber_describe, .symbol = reber_symbol, .max_row = reber_max_row,
   .batch = rows_batch, .evaluate = rows_evaluate, .gen_row = reber_row, .score_step = reber_score_step},
  {.name = "adding", .keys = "seed,length,evalLength,evalCount,target",
   .length = 100, .eval_length = 0, .eval_count = 2560, .target = 1.0f,
   .min_len = 10, .max_len = SYNTH_MAX_LENGTH, /* 10: the first marker is one of the first ten pairs */
   .describe = adding_describe, .symbol = adding_symbol, .max_row = adding_max_row,
   .batch = rows_batch, .evaluate = rows_evaluate, .gen_row = adding_row, .score_step = adding_score_step},
  {.name = "temporal-order", .keys = "seed,length,evalLength,evalCount,target,variant",
   .length = 100, .eval_length = 0, .eval_count = 2560, .target = 1.0f,
   .min_len = 20, .max_len = SYNTH_MAX_LENGTH, /* 20: scaled positions stay distinct and inside */
   .describe = temporal_describe, .symbol = temporal_symbol, .max_row = temporal_max_row,
   .batch = rows_batch, .evaluate = rows_evaluate, .gen_row = temporal_row, .score_step = temporal_score_step},
  {.name = "copy", .keys = "seed,length,minLength,evalLength,evalCount,target,symbols",
   .length = 10, .eval_length = 10, .eval_count = 1000, .target = 0.99f,
   .min_len = 1, .max_len = SEQ2SEQ_MAX_LENGTH,
   .describe = copy_describe, .symbol = copy_symbol, .pair_max = copy_pair_max, .gen_pair = copy_pair},
  {.name = "reverse", .keys = "seed,length,minLength,evalLength,evalCount,target,symbols",
   .length = 10, .eval_length = 10, .eval_count = 1000, .target = 0.99f,
   .min_len = 1, .max_len = SEQ2SEQ_MAX_LENGTH,
   .describe = copy_describe, .symbol = copy_symbol, .pair_max = copy_pair_max, .gen_pair = reverse_pair},
  {.name = "decimal-addition", .keys = "seed,length,minLength,evalLength,evalCount,target",
   .length = 3, .eval_length = 3, .eval_count = 1000, .target = 0.99f,
   .min_len = 1, .max_len = SEQ2SEQ_MAX_LENGTH,
   .describe = decadd_describe, .symbol = decadd_symbol, .pair_max = decadd_pair_max, .gen_pair = decadd_pair},
  /* no length keys: a source has its natural length, so the only length is the longest source */
  {.name = "dates", .keys = "seed,evalCount,target",
   .length = DATES_MAX_SOURCE, .eval_length = DATES_MAX_SOURCE, .eval_count = 1000, .target = 0.99f,
   .min_len = DATES_MAX_SOURCE, .max_len = DATES_MAX_SOURCE,
   .describe = dates_describe, .symbol = dates_symbol, .pair_max = dates_pair_max, .gen_pair = dates_pair},
  /* the dynamical systems: dense input, linear output, every step targeted, scored by systems.c */
#define SYSTEM_ROW .min_len = 1, .max_len = SYNTH_MAX_LENGTH, .describe = systems_describe, .symbol = systems_symbol, \
    .prepare = systems_prepare, .option = systems_option, .batch = rows_batch, .evaluate = systems_evaluate,      \
    .gen_row = systems_row, .score = systems_score
  {.name = "vanderpol", .keys = "seed,length,evalLength,evalCount,target,mu,transient,horizon,tolerance",
   .length = 200, .eval_length = 0, .eval_count = 64, .target = 0.99f, SYSTEM_ROW},
  {.name = "lorenz", .keys = "seed,length,evalLength,evalCount,target,transient,horizon,tolerance",
   .length = 200, .eval_length = 0, .eval_count = 64, .target = 0.99f, SYSTEM_ROW},
  /* 0.95: a row's first steps come before a delay's worth of memory, so they are guesses */
  {.name = "mackey-glass", .keys = "seed,length,evalLength,evalCount,target,tau,transient,horizon,tolerance",
   .length = 200, .eval_length = 0, .eval_count = 64, .target = 0.95f, SYSTEM_ROW},
  {.name = "limit-cycle", .keys = "seed,length,evalLength,evalCount,target,omega,transient,horizon,tolerance",
   .length = 200, .eval_length = 0, .eval_count = 64, .target = 0.99f, SYSTEM_ROW},
  {.name = "sine", .keys = "seed,length,evalLength,evalCount,target,segments,tolerance",
   .length = 50, .eval_length = 0, .eval_count = 256, .target = 0.99f, SYSTEM_ROW},
  {.name = "flipflop", .keys = "seed,length,evalLength,evalCount,target,bits,pulse",
   .length = 100, .eval_length = 0, .eval_count = 256, .target = 0.99f, SYSTEM_ROW},
#undef SYSTEM_ROW
};
#define N_KINDS ((int)(sizeof kinds / sizeof *kinds))

/* ---- helpers lent to the task files (task.h) ---- */

rnnlab_status task_fail(rnnlab_task *t, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(t->err, sizeof t->err, s, fmt, ap);
  va_end(ap);
  return s;
}

uint64_t task_mix_seed(uint64_t seed, uint64_t salt) {
  rng_state r;
  rng_seed(&r, seed ^ (salt * 0xD1B54A32D192ED03ull));
  return rng_u64(&r);
}

rnnlab_status task_check_length(rnnlab_task *t, const char *what, int L) {
  const task_kind *k = t->kind;
  if (L < k->min_len || L > k->max_len)
    return task_fail(t, RNNLAB_EINVAL, "task '%s': %s must be in %d..%d, got %d", k->name, what, k->min_len, k->max_len, L);
  return RNNLAB_OK;
}

int task_max_row(const rnnlab_task *t, int L) { return t->kind->max_row ? t->kind->max_row(L) : L; }

/* ---- names ---- */

int rnnlab_task_count(void) { return N_KINDS; }
const char *rnnlab_task_name(int idx) { return idx >= 0 && idx < N_KINDS ? kinds[idx].name : NULL; }
const char *rnnlab_task_option_keys(int idx) { return idx >= 0 && idx < N_KINDS ? kinds[idx].keys : NULL; }

/* "parity, addition, ..." into out (n bytes), for the unknown-task message. */
static void kind_list(char *out, size_t n) {
  size_t used = 0;
  out[0] = 0;
  for (int i = 0; i < N_KINDS && used + 1 < n; i++) {
    size_t len = strlen(kinds[i].name), sep = i ? 2 : 0;
    if (used + sep + len + 1 > n) break;
    memcpy(out + used, ", ", sep);
    memcpy(out + used + sep, kinds[i].name, len + 1);
    used += sep + len;
  }
}

/* ---- create / free ---- */

static void fill_info(rnnlab_task *t) {
  const task_kind *k = t->kind;
  rnnlab_task_info *in = &t->info;
  in->pad_id = in->bos_id = in->eos_id = in->unk_id = -1;
  in->input_kind = RNNLAB_INPUT_ONEHOT;
  in->output_kind = RNNLAB_OUTPUT_SOFTMAX;
  in->is_seq2seq = k->gen_pair != NULL;
  k->describe(t, in); /* text: its sizes are already there (vocab_build) */
  if (!in->vocab_size) in->vocab_size = in->input_size;
  in->length = t->length;
  in->min_length = t->min_length;
  /* adding, temporal order and reber test at the training length unless told otherwise */
  in->eval_length = t->eval_length ? t->eval_length : t->length;
  in->eval_count = t->eval_count;
  in->target_accuracy = t->target;
  in->max_length = k->max_len;
  in->seed_lo = (uint32_t)t->seed, in->seed_hi = (uint32_t)(t->seed >> 32);
}

rnnlab_status rnnlab_task_create(const char *name, const char *options, const uint8_t *text, size_t text_len,
                                 rnnlab_task **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "task_create: out is NULL");
  *out = NULL;
  if (!name) return status_fail(err, errlen, RNNLAB_EINVAL, "task name is NULL");
  const task_kind *k = NULL;
  for (int i = 0; i < N_KINDS; i++)
    if (!strcmp(name, kinds[i].name)) k = &kinds[i];
  if (!k) {
    char known[256];
    kind_list(known, sizeof known);
    return status_fail(err, errlen, RNNLAB_EINVAL, "unknown task '%.40s' (known: %s)", name, known);
  }
  if (text && !k->prepare) return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s' takes no text (only 'text' does)", name);
  rnnlab_task *t = calloc(1, sizeof *t);
  if (!t) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for a task");
  t->kind = k;
  options_defaults(t);
  rnnlab_status s = options_parse(t, options, err, errlen);
  if (!s && t->min_length > t->length)
    s = status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': minLength=%d is larger than length=%d", name, t->min_length, t->length);
  if (!s) {
    const int lo = k->min_len, hi = k->max_len;
    if (t->length < lo || t->length > hi)
      s = status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': length must be in %d..%d, got %d", name, lo, hi, t->length);
    else if (t->eval_length && (t->eval_length < lo || t->eval_length > hi))
      s = status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': evalLength must be in %d..%d, got %d", name, lo, hi, t->eval_length);
  }
  if (!s && k->prepare) s = k->prepare(t, text, text_len, err, errlen);
  if (s) {
    rnnlab_task_free(t);
    return s;
  }
  fill_info(t);
  rnnlab_task_reset(t);
  *out = t;
  return RNNLAB_OK;
}

void rnnlab_task_free(rnnlab_task *t) {
  if (!t) return;
  batch_free(&t->train), batch_free(&t->eval);
  free(t->s2s_train.src), free(t->s2s_train.dec_in), free(t->s2s_train.dec_tgt);
  free(t->s2s_eval.src), free(t->s2s_eval.dec_in), free(t->s2s_eval.dec_tgt);
  free(t->rows), free(t->out), free(t->text), free(t->vocab), free(t->stream), free(t->ngram);
  free(t->sys.hx);
  free(t);
}

const char *rnnlab_task_error(const rnnlab_task *t) { return t ? t->err : "task is NULL"; }
const rnnlab_task_info *rnnlab_task_get_info(const rnnlab_task *t) { return t ? &t->info : NULL; }
const char *rnnlab_task_get_name(const rnnlab_task *t) { return t ? t->kind->name : NULL; }

void rnnlab_task_reset(rnnlab_task *t) {
  if (!t) return;
  rng_seed(&t->rng, task_mix_seed(t->seed, SALT_TRAIN));
  t->stream_B = 0; /* text: the streams start a new pass */
}

const char *rnnlab_task_symbol(rnnlab_task *t, int which, int id) {
  if (!t) return NULL;
  const rnnlab_task_info *in = &t->info;
  if (id < 0 || id >= (which ? in->output_size : in->input_size)) return NULL;
  return t->kind->symbol(t, which, id);
}

/* ---- plain tasks: batches, scores, evaluation ---- */

int32_t rnnlab_task_max_batch(rnnlab_task *t, int32_t length) {
  if (!t) return -1;
  t->err[0] = 0;
  if (t->info.is_seq2seq) {
    task_fail(t, RNNLAB_ESTATE, "task '%s' is sequence-to-sequence: its batches have no stream limit", t->kind->name);
    return -1;
  }
  const int L = length ? length : t->length;
  if (task_check_length(t, "length", L)) return -1;
  double most = 1 << 20; /* rnnlab_task_batch's own bound */
  const double row = task_max_row(t, L), in = t->info.input_kind ? t->info.input_size : 1, out = t->info.output_size;
  const double w = in > out ? in : out;
  if (most * row * w > RNNLAB_MAX_ELEMS) most = floor(RNNLAB_MAX_ELEMS / (row * w));
  if (t->kind->batch_limit) {
    const double own = t->kind->batch_limit(t, L);
    if (own < most) most = own;
  }
  return (int32_t)most;
}

rnnlab_status rnnlab_task_batch(rnnlab_task *t, int32_t B, int32_t length, rnnlab_batch *out) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!out) return task_fail(t, RNNLAB_EINVAL, "task_batch: out is NULL");
  if (t->info.is_seq2seq)
    return task_fail(t, RNNLAB_ESTATE, "task '%s' is sequence-to-sequence: use rnnlab_task_seq2seq_batch", t->kind->name);
  if (B < 1 || B > (1 << 20)) return task_fail(t, RNNLAB_EINVAL, "task_batch: batch size must be in 1..1048576, got %d", B);
  int L = length ? length : t->length;
  rnnlab_status s = task_check_length(t, "length", L);
  if (s) return s;
  const int row = task_max_row(t, L);
  if ((double)B * row * (t->info.input_kind ? t->info.input_size : 1) > RNNLAB_MAX_ELEMS ||
      (double)B * row * t->info.output_size > RNNLAB_MAX_ELEMS)
    return task_fail(t, RNNLAB_EINVAL, "task_batch: batch %d x length %d is too large", B, L);
  return t->kind->batch(t, B, L, out);
}

rnnlab_status rnnlab_task_score(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, rnnlab_task_result *r) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!b || !outputs || !r) return task_fail(t, RNNLAB_EINVAL, "task_score: batch, outputs and result are required");
  if (t->info.is_seq2seq) return task_fail(t, RNNLAB_ESTATE, "task '%s' is scored with rnnlab_task_seq2seq_score", t->kind->name);
  if (b->batch < 1 || b->length < 1) return task_fail(t, RNNLAB_EINVAL, "task_score: empty batch");
  if (t->kind->score) return t->kind->score(t, b, outputs, r);
  score_acc a = {0};
  rnnlab_status s = score_rows(t, b, outputs, &a);
  if (s) return s;
  score_finish(t, &a, r);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_task_evaluate(rnnlab_task *t, rnnlab_model *m, int32_t count, int32_t length, uint64_t seed,
                                   rnnlab_task_result *r) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!m || !r) return task_fail(t, RNNLAB_EINVAL, "task_evaluate: model and result are required");
  memset(r, 0, sizeof *r);
  if (t->info.is_seq2seq)
    return task_fail(t, RNNLAB_ESTATE,
                     "task '%s' needs a seq2seq model: generate data with rnnlab_task_seq2seq_eval and score predictions with rnnlab_task_seq2seq_score",
                     t->kind->name);
  rnnlab_status s = eval_check_model(t, m);
  if (s) return s;
  s = rnnlab_model_keep_state(m); /* put back by the restore at the end of either evaluation */
  if (s) return task_fail(t, s, "evaluate: %s", rnnlab_model_error(m));
  if (count < 0) return task_fail(t, RNNLAB_EINVAL, "task_evaluate: count must be >= 0 (0 = the task's default), got %d", count);
  const int L = length ? length : t->info.eval_length;
  return t->kind->evaluate(t, m, count, L, seed, r);
}

/* ---- sequence-to-sequence tasks ---- */

static rnnlab_status s2s_check(rnnlab_task *t, int B, int L, const char *fn) {
  if (!t->info.is_seq2seq)
    return task_fail(t, RNNLAB_ESTATE, "%s: task '%s' is not sequence-to-sequence (use rnnlab_task_batch)", fn, t->kind->name);
  if (B < 1 || B > (1 << 20)) return task_fail(t, RNNLAB_EINVAL, "%s: batch size must be in 1..1048576, got %d", fn, B);
  return task_check_length(t, "length", L);
}

rnnlab_status rnnlab_task_seq2seq_batch(rnnlab_task *t, int32_t B, int32_t length, rnnlab_seq2seq_batch *out) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!out) return task_fail(t, RNNLAB_EINVAL, "task_seq2seq_batch: out is NULL");
  int L = length ? length : t->length;
  rnnlab_status s = s2s_check(t, B, L, "task_seq2seq_batch");
  return s ? s : pairs_batch(t, &t->rng, &t->s2s_train, B, L, 0, out);
}

rnnlab_status rnnlab_task_seq2seq_eval(rnnlab_task *t, int32_t count, int32_t length, uint64_t seed, rnnlab_seq2seq_batch *out) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!out) return task_fail(t, RNNLAB_EINVAL, "task_seq2seq_eval: out is NULL");
  int N = count ? count : t->info.eval_count, L = length ? length : t->info.eval_length;
  rnnlab_status s = s2s_check(t, N, L, "task_seq2seq_eval");
  if (s) return s;
  rng_state rng;
  rng_seed(&rng, task_mix_seed(seed, SALT_EVAL));
  return pairs_batch(t, &rng, &t->s2s_eval, N, L, 1, out);
}

rnnlab_status rnnlab_task_seq2seq_score(rnnlab_task *t, const rnnlab_seq2seq_batch *ref, const int32_t *pred, int32_t pred_length,
                                        rnnlab_task_result *r) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!ref || !pred || !r) return task_fail(t, RNNLAB_EINVAL, "task_seq2seq_score: reference, predictions and result are required");
  if (!t->info.is_seq2seq) return task_fail(t, RNNLAB_ESTATE, "task '%s' is not sequence-to-sequence", t->kind->name);
  if (pred_length < 1) return task_fail(t, RNNLAB_EINVAL, "task_seq2seq_score: pred_length must be >= 1, got %d", pred_length);
  pairs_score(t, ref, pred, pred_length, r);
  return RNNLAB_OK;
}
