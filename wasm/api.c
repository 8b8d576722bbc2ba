/* api.c - the little C glue the JS wrapper (wasm/rnnlab.mjs) needs beyond rnnlab.h.
 *
 * Owns: struct layout facts for the JS marshalling tables (sizes and field offsets, so the
 * wrapper checks its CONFIG_FIELDS / TRAIN_CONFIG_FIELDS / BATCH_FIELDS / STEP_RESULT_FIELDS
 * against the compiler at load time), the hard limits of rnnlab.h as numbers, which build is
 * running (SIMD or scalar), and int64 results as doubles (a standalone wasm exports i64 as a
 * BigInt, which the wrapper would rather not juggle).
 * Does not own: anything that rnnlab.h already offers with 32-bit arguments. Those functions
 * (create, forward, tensors, trace, save, load, ...) are exported unchanged, listed in
 * wasm/exports.txt; on wasm32 pointers and size_t are 4 bytes, so JS calls them directly.
 * No stdio, no globals, no allocation here.
 */
#include <malloc.h>
#include <stddef.h>

#include "rnnlab.h"

/* 1 in the SIMD build, 0 in the scalar build (-DRNNLAB_SCALAR): what is really running,
 * whatever file name or WebAssembly.Module the host handed to the loader. */
int rnnlab_wasm_simd(void) {
#ifdef RNNLAB_SCALAR
  return 0;
#else
  return 1;
#endif
}

/* Hard limits and field counts of rnnlab.h, by index (the wrapper names them in LIMITS);
 * -1 for an unknown index. */
double rnnlab_wasm_limit(int which) {
  switch (which) {
  case 0: return RNNLAB_MAX_HIDDEN;
  case 1: return RNNLAB_MAX_LAYERS;
  case 2: return RNNLAB_MAX_IO;
  case 3: return RNNLAB_MAX_PARAMS;
  case 4: return RNNLAB_MAX_ELEMS;
  case 5: return RNNLAB_CONFIG_FIELDS;
  case 6: return RNNLAB_TRAIN_CONFIG_FIELDS;
  default: return -1;
  }
}

/* Layout of the structs the wrapper fills or reads field by field.
 * what: 0 rnnlab_config, 1 rnnlab_train_config, 2 rnnlab_batch, 3 rnnlab_step_result.
 * field < 0: sizeof the struct. field >= 0: offsetof the field-th member in declaration order,
 * -1 past the last member. The wrapper expects member i at byte 4*i. */
#define OFF(T, f) (int)offsetof(T, f)
int rnnlab_wasm_layout(int what, int field) {
  static const short config[] = {
    OFF(rnnlab_config, cell), OFF(rnnlab_config, variant), OFF(rnnlab_config, reset_after),
    OFF(rnnlab_config, activation), OFF(rnnlab_config, input_size), OFF(rnnlab_config, input_kind),
    OFF(rnnlab_config, hidden_size), OFF(rnnlab_config, layers), OFF(rnnlab_config, bidirectional),
    OFF(rnnlab_config, output_size), OFF(rnnlab_config, output_kind), OFF(rnnlab_config, init),
    OFF(rnnlab_config, init_scale), OFF(rnnlab_config, forget_bias), OFF(rnnlab_config, g_lo),
    OFF(rnnlab_config, g_hi), OFF(rnnlab_config, h_lo), OFF(rnnlab_config, h_hi),
    OFF(rnnlab_config, alpha), OFF(rnnlab_config, spectral_radius), OFF(rnnlab_config, input_scale),
    OFF(rnnlab_config, seed_lo), OFF(rnnlab_config, seed_hi), OFF(rnnlab_config, learn_tau)};
  static const short train[] = {
    OFF(rnnlab_train_config, optimizer), OFF(rnnlab_train_config, learning_rate),
    OFF(rnnlab_train_config, momentum), OFF(rnnlab_train_config, nesterov),
    OFF(rnnlab_train_config, beta1), OFF(rnnlab_train_config, beta2), OFF(rnnlab_train_config, eps),
    OFF(rnnlab_train_config, weight_decay), OFF(rnnlab_train_config, clip_norm),
    OFF(rnnlab_train_config, clip_value), OFF(rnnlab_train_config, truncate)};
  static const short batch[] = {
    OFF(rnnlab_batch, batch), OFF(rnnlab_batch, length), OFF(rnnlab_batch, tokens),
    OFF(rnnlab_batch, inputs), OFF(rnnlab_batch, target_ids), OFF(rnnlab_batch, targets),
    OFF(rnnlab_batch, mask), OFF(rnnlab_batch, carry_state)};
  static const short result[] = {
    OFF(rnnlab_step_result, loss), OFF(rnnlab_step_result, grad_norm),
    OFF(rnnlab_step_result, clipped), OFF(rnnlab_step_result, chunks)};
  static const struct { const short *off; int n; int size; } t[] = {
    {config, sizeof config / sizeof *config, sizeof(rnnlab_config)},
    {train, sizeof train / sizeof *train, sizeof(rnnlab_train_config)},
    {batch, sizeof batch / sizeof *batch, sizeof(rnnlab_batch)},
    {result, sizeof result / sizeof *result, sizeof(rnnlab_step_result)}};
  if (what < 0 || what >= (int)(sizeof t / sizeof *t)) return -1;
  if (field < 0) return t[what].size;
  return field < t[what].n ? t[what].off[field] : -1;
}
#undef OFF

/* int64 results as doubles (exact below 2^53). */
double rnnlab_wasm_param_count(const rnnlab_model *m) { return (double)rnnlab_model_param_count(m); }
double rnnlab_wasm_trainer_steps(const rnnlab_trainer *t) { return (double)rnnlab_trainer_steps(t); }
double rnnlab_wasm_ridge_steps(const rnnlab_ridge *r) { return (double)rnnlab_ridge_steps(r); }

/* The trainer's normalised train config (a loaded trainer's learning rate is known only here).
 * Valid until the trainer is freed. */
const rnnlab_train_config *rnnlab_wasm_trainer_config(const rnnlab_trainer *t) { return rnnlab_trainer_config(t); }

/* ---- decoding search (wasm/search.mjs, core/decode.c) ----
 * lab.search and lab.score run the C search over a JS next function. C reaches it through the
 * import env.rnnlab_js_next, which JS supplies at instantiation (wasm/search.mjs searchImports;
 * declared to the linker by wasm/imports.js): it finds the search by id, calls next(prefix) and
 * writes V probabilities into probs. It returns 0, or a nonzero status when next threw or
 * returned the wrong length; JS keeps that error and rethrows it once the C call has returned. */
__attribute__((import_module("env"), import_name("rnnlab_js_next")))
extern int32_t rnnlab_js_next(int32_t id, const int32_t *prefix, int32_t len, float *probs, int32_t V);

typedef struct { int32_t id, V; } js_next_ctx;

static rnnlab_status js_next(void *ctx, const int32_t *prefix, int32_t len, float *probs) {
  const js_next_ctx *c = ctx;
  return rnnlab_js_next(c->id, prefix, len, probs, c->V) ? RNNLAB_EINVAL : RNNLAB_OK;
}

/* rnnlab_decode over the JS next function of search `id` */
rnnlab_status rnnlab_wasm_search(const rnnlab_decode_config *dc, int32_t id, int32_t *tokens, int32_t *lengths,
                                 float *log_probs, float *scores, int32_t *count, char *err, size_t errlen) {
  js_next_ctx c = {id, dc ? dc->vocab_size : 0};
  return rnnlab_decode(dc, js_next, &c, tokens, lengths, log_probs, scores, count, err, errlen);
}

/* model.generate and model.score: rnnlab_model_generate / rnnlab_model_score with the model's
 * carried state kept aside and put back (rnnlab_model_keep_state), so a page that samples text
 * between truncated-BPTT training steps does not break the training stream. score with
 * carry_state = 1 is the exception the caller asked for: it continues the carried stream and
 * leaves the state after its last token (rnnlab.h), for scoring a stream piece by piece. */
rnnlab_status rnnlab_wasm_model_generate(rnnlab_model *m, const rnnlab_decode_config *dc, const int32_t *prompt,
                                         int32_t prompt_len, int32_t carry_state, int32_t *tokens, int32_t *lengths,
                                         float *log_probs, float *scores, int32_t *count) {
  rnnlab_status s = rnnlab_model_keep_state(m);
  if (s) return s;
  s = rnnlab_model_generate(m, dc, prompt, prompt_len, carry_state, tokens, lengths, log_probs, scores, count);
  rnnlab_model_restore_state(m);
  return s;
}

rnnlab_status rnnlab_wasm_model_score(rnnlab_model *m, const int32_t *prompt, int32_t prompt_len, const int32_t *tokens,
                                      int32_t len, int32_t carry_state, float *log_prob) {
  if (carry_state) return rnnlab_model_score(m, prompt, prompt_len, tokens, len, carry_state, log_prob);
  rnnlab_status s = rnnlab_model_keep_state(m);
  if (s) return s;
  s = rnnlab_model_score(m, prompt, prompt_len, tokens, len, carry_state, log_prob);
  rnnlab_model_restore_state(m);
  return s;
}

/* rnnlab_decode_score over the JS next function of search `id` */
rnnlab_status rnnlab_wasm_search_score(int32_t V, int32_t id, const int32_t *tokens, int32_t len, float *log_prob,
                                       char *err, size_t errlen) {
  js_next_ctx c = {id, V};
  return rnnlab_decode_score(V, js_next, &c, tokens, len, log_prob, err, errlen);
}

/* Layout of rnnlab_decode_config, as rnnlab_wasm_layout: field < 0 sizeof, else the offset of the
 * field-th member, -1 past the last. */
int rnnlab_wasm_decode_layout(int field) {
  static const short off[] = {
    offsetof(rnnlab_decode_config, strategy), offsetof(rnnlab_decode_config, vocab_size),
    offsetof(rnnlab_decode_config, length), offsetof(rnnlab_decode_config, beam_width),
    offsetof(rnnlab_decode_config, eos), offsetof(rnnlab_decode_config, length_penalty),
    offsetof(rnnlab_decode_config, temperature), offsetof(rnnlab_decode_config, top_k),
    offsetof(rnnlab_decode_config, seed_lo), offsetof(rnnlab_decode_config, seed_hi)};
  if (field < 0) return (int)sizeof(rnnlab_decode_config);
  return field < (int)(sizeof off / sizeof *off) ? off[field] : -1;
}
/* ---- end of decoding search ---- */

/* ---- tasks (wasm/tasks.mjs, core/tasks/) ----
 * 64-bit seeds as two 32-bit halves (a standalone wasm passes i64 as BigInt), and the layout of
 * the task structs the wrapper reads field by field. */

/* rnnlab_task_evaluate with seed = seed_hi * 2^32 + seed_lo */
rnnlab_status rnnlab_wasm_task_evaluate(rnnlab_task *t, rnnlab_model *m, int32_t count, int32_t length, uint32_t seed_lo,
                                        uint32_t seed_hi, rnnlab_task_result *r) {
  return rnnlab_task_evaluate(t, m, count, length, (uint64_t)seed_hi << 32 | seed_lo, r);
}

/* rnnlab_task_seq2seq_eval with seed = seed_hi * 2^32 + seed_lo */
rnnlab_status rnnlab_wasm_task_seq2seq_eval(rnnlab_task *t, int32_t count, int32_t length, uint32_t seed_lo, uint32_t seed_hi,
                                            rnnlab_seq2seq_batch *out) {
  return rnnlab_task_seq2seq_eval(t, count, length, (uint64_t)seed_hi << 32 | seed_lo, out);
}

/* Layout, as rnnlab_wasm_layout: what 0 rnnlab_task_info, 1 rnnlab_task_result (ngram_bpc as its
 * 5 elements), 2 rnnlab_seq2seq_batch. field < 0: sizeof; else the offset of the field-th
 * member, -1 past the last. */
#define TOFF(T, f) (short)offsetof(T, f)
int rnnlab_wasm_task_layout(int what, int field) {
  static const short info[] = {
    TOFF(rnnlab_task_info, input_size), TOFF(rnnlab_task_info, input_kind), TOFF(rnnlab_task_info, output_size),
    TOFF(rnnlab_task_info, output_kind), TOFF(rnnlab_task_info, is_seq2seq), TOFF(rnnlab_task_info, vocab_size),
    TOFF(rnnlab_task_info, pad_id), TOFF(rnnlab_task_info, bos_id), TOFF(rnnlab_task_info, eos_id),
    TOFF(rnnlab_task_info, unk_id), TOFF(rnnlab_task_info, length), TOFF(rnnlab_task_info, min_length),
    TOFF(rnnlab_task_info, max_length), TOFF(rnnlab_task_info, eval_length), TOFF(rnnlab_task_info, eval_count),
    TOFF(rnnlab_task_info, target_accuracy), TOFF(rnnlab_task_info, train_chars), TOFF(rnnlab_task_info, heldout_chars),
    TOFF(rnnlab_task_info, seed_lo), TOFF(rnnlab_task_info, seed_hi)};
  static const short result[] = {
    TOFF(rnnlab_task_result, loss), TOFF(rnnlab_task_result, accuracy), TOFF(rnnlab_task_result, step_accuracy),
    TOFF(rnnlab_task_result, bpc), TOFF(rnnlab_task_result, max_error), TOFF(rnnlab_task_result, sequences),
    TOFF(rnnlab_task_result, steps), TOFF(rnnlab_task_result, solved), TOFF(rnnlab_task_result, ngram_bpc[0]),
    TOFF(rnnlab_task_result, ngram_bpc[1]), TOFF(rnnlab_task_result, ngram_bpc[2]), TOFF(rnnlab_task_result, ngram_bpc[3]),
    TOFF(rnnlab_task_result, ngram_bpc[4])};
  static const short s2s[] = {
    TOFF(rnnlab_seq2seq_batch, batch), TOFF(rnnlab_seq2seq_batch, src_length), TOFF(rnnlab_seq2seq_batch, tgt_length),
    TOFF(rnnlab_seq2seq_batch, src), TOFF(rnnlab_seq2seq_batch, dec_in), TOFF(rnnlab_seq2seq_batch, dec_tgt)};
  static const struct { const short *off; int n; int size; } t[] = {
    {info, sizeof info / sizeof *info, sizeof(rnnlab_task_info)},
    {result, sizeof result / sizeof *result, sizeof(rnnlab_task_result)},
    {s2s, sizeof s2s / sizeof *s2s, sizeof(rnnlab_seq2seq_batch)}};
  if (what < 0 || what >= (int)(sizeof t / sizeof *t)) return -1;
  if (field < 0) return t[what].size;
  return field < t[what].n ? t[what].off[field] : -1;
}
#undef TOFF
/* ---- end of tasks ---- */

/* ---- sequence to sequence (core/seq2seq.c, wasm/seq2seq.mjs) ---- */

/* parameter count as a double: JS never sees a 64-bit integer */
double rnnlab_wasm_seq2seq_param_count(const rnnlab_seq2seq *s) { return (double)rnnlab_seq2seq_param_count(s); }

/* rnnlab_seq2seq_evaluate with the 64-bit seed as two 32-bit halves */
int rnnlab_wasm_seq2seq_evaluate(rnnlab_seq2seq *s, rnnlab_task *t, int32_t count, int32_t length, uint32_t seed_lo,
                                 uint32_t seed_hi, int32_t beam_width, rnnlab_task_result *r) {
  return rnnlab_seq2seq_evaluate(s, t, count, length, (uint64_t)seed_hi << 32 | seed_lo, beam_width, r);
}
/* ---- end of sequence to sequence ---- */

/* Bytes malloc holds for live allocations (dlmalloc's mallinfo: uordblks): with
 * -sMAXIMUM_MEMORY=2GiB the wrapper refuses a pass or a model that would not fit beside them. */
double rnnlab_wasm_heap_used(void) {
  struct mallinfo mi = mallinfo();
  return (double)(size_t)mi.uordblks;
}
