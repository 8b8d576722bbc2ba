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
#include <stddef.h>

#include "internal.h" /* struct rnnlab_trainer: its train config (rnnlab.h has no getter) */
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
    OFF(rnnlab_config, seed_lo), OFF(rnnlab_config, seed_hi)};
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

/* The trainer's normalised train config (a loaded trainer's learning rate is known only here).
 * Valid until the trainer is freed. */
const rnnlab_train_config *rnnlab_wasm_trainer_config(const rnnlab_trainer *t) { return t ? &t->tc : NULL; }
