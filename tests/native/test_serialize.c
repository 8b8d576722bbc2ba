/* test_serialize.c - save/load: bit-exact round trips (weights, config, optimizer moments, step
 * count, and training continuing identically afterwards) for every cell family and optimizer;
 * CRC-32 reference values; and rejection, with RNNLAB_EFORMAT (or the create status) and a
 * message and nothing leaked (ASan/LSan), of every single-byte corruption, every truncation,
 * trailing data, an empty buffer, a wrong magic, a future version and crafted files whose
 * checksum is right but whose contents are not. */
#include <stdlib.h>
#include <string.h>

#include "../../core/internal.h"
#include "check.h"

typedef struct {
  const char *name;
  int cell, variant, reset_after, act, dense, layers, bidir, out, opt;
  float alpha;
} ser_case;

static const ser_case cases[] = {
  {"lstm 2-layer bidir adam", RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, 1, 0, 0, 2, 1, RNNLAB_OUTPUT_SOFTMAX, RNNLAB_OPT_ADAM, 1},
  {"lstm vanilla adagrad", RNNLAB_CELL_LSTM, RNNLAB_LSTM_VANILLA, 1, 0, 1, 1, 0, RNNLAB_OUTPUT_LINEAR, RNNLAB_OPT_ADAGRAD, 1},
  {"lstm fgr momentum", RNNLAB_CELL_LSTM, RNNLAB_LSTM_FGR, 1, 0, 0, 1, 0, RNNLAB_OUTPUT_SOFTMAX, RNNLAB_OPT_MOMENTUM, 1},
  {"gru cho sigmoid momentum", RNNLAB_CELL_GRU, 0, 0, 0, 1, 1, 0, RNNLAB_OUTPUT_SIGMOID, RNNLAB_OPT_MOMENTUM, 1},
  {"gru bidir rmsprop", RNNLAB_CELL_GRU, 0, 1, 0, 0, 1, 1, RNNLAB_OUTPUT_SOFTMAX, RNNLAB_OPT_RMSPROP, 1},
  {"rnn relu linear rmsprop", RNNLAB_CELL_RNN, 0, 1, RNNLAB_ACT_RELU, 1, 2, 0, RNNLAB_OUTPUT_LINEAR, RNNLAB_OPT_RMSPROP, 1},
  {"ctrnn adam", RNNLAB_CELL_CTRNN, 0, 1, 0, 1, 1, 0, RNNLAB_OUTPUT_LINEAR, RNNLAB_OPT_ADAM, 0.5f},
  {"esn sgd", RNNLAB_CELL_ESN, 0, 1, 0, 1, 1, 0, RNNLAB_OUTPUT_LINEAR, RNNLAB_OPT_SGD, 0.3f},
};

static rnnlab_config case_config(const ser_case *k, int H, uint32_t seed) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = k->cell, c.variant = k->variant, c.reset_after = k->reset_after, c.activation = k->act;
  c.input_kind = k->dense ? RNNLAB_INPUT_DENSE : RNNLAB_INPUT_ONEHOT, c.input_size = 3;
  c.hidden_size = H, c.layers = k->layers, c.bidirectional = k->bidir;
  c.output_size = 4, c.output_kind = k->out;
  c.init = RNNLAB_INIT_DEFAULT, c.init_scale = 0.1f, c.forget_bias = 1.0f;
  c.g_lo = -2.0f, c.g_hi = 2.0f, c.h_lo = -1.0f, c.h_hi = 1.0f;
  c.alpha = k->alpha, c.spectral_radius = 0.9f, c.input_scale = 1.0f;
  c.seed_lo = seed, c.seed_hi = 0x12345678u;
  return c;
}

enum { B = 2, T = 5 };
typedef struct {
  int32_t tok[B * T], ids[B * T];
  float x[B * T * 3], y[B * T * 4];
  rnnlab_batch b;
} batch_buf;

static void batch_make(batch_buf *bb, const rnnlab_config *c, uint64_t seed) {
  rng_state r;
  rng_seed(&r, seed);
  for (int i = 0; i < B * T; i++) bb->tok[i] = (int32_t)rng_below(&r, 3), bb->ids[i] = (int32_t)rng_below(&r, 4);
  for (int i = 0; i < B * T * 3; i++) bb->x[i] = rng_symmetric(&r, 1.0f);
  for (int i = 0; i < B * T * 4; i++) bb->y[i] = c->output_kind == RNNLAB_OUTPUT_SIGMOID ? rng_uniform(&r) : rng_symmetric(&r, 1.0f);
  memset(&bb->b, 0, sizeof bb->b);
  bb->b.batch = B, bb->b.length = T;
  if (c->input_kind == RNNLAB_INPUT_DENSE) bb->b.inputs = bb->x;
  else bb->b.tokens = bb->tok;
  if (c->output_kind == RNNLAB_OUTPUT_SOFTMAX) bb->b.target_ids = bb->ids;
  else bb->b.targets = bb->y;
}

/* A trained model and trainer for case k (a few steps, so weights and moments are not initial). */
static int make_trained(const ser_case *k, int H, rnnlab_model **m, rnnlab_trainer **t) {
  rnnlab_config c = case_config(k, H, 77);
  char err[ERRLEN];
  *m = NULL, *t = NULL;
  rnnlab_status s = rnnlab_model_create(&c, m, err, sizeof err);
  CHECK(s == RNNLAB_OK, "%s: create: %s", k->name, err);
  if (s) return 0;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.optimizer = k->opt, tc.learning_rate = 0.01f, tc.weight_decay = 1e-3f, tc.clip_norm = 2.0f, tc.nesterov = 1;
  tc.truncate = 3;
  s = rnnlab_trainer_create(*m, &tc, t, err, sizeof err);
  CHECK(s == RNNLAB_OK, "%s: trainer: %s", k->name, err);
  if (s) return 0;
  batch_buf bb;
  for (int i = 0; i < 3; i++) {
    batch_make(&bb, &c, 500 + i);
    s = rnnlab_trainer_step(*t, &bb.b, NULL);
    CHECK(s == RNNLAB_OK, "%s: step: %s", k->name, rnnlab_trainer_error(*t));
  }
  return s == RNNLAB_OK;
}

static uint8_t *save_alloc(rnnlab_model *m, const rnnlab_trainer *t, size_t *len) {
  *len = rnnlab_model_save_size(m, t);
  uint8_t *buf = malloc(*len);
  rnnlab_status s = rnnlab_model_save(m, t, buf, *len);
  CHECK(s == RNNLAB_OK, "save: %s", rnnlab_model_error(m));
  return buf;
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void put_le32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24); }
static void reseal(uint8_t *buf, size_t len) { put_le32(buf + len - 4, rnnlab_crc32(buf, len - 4)); }

/* Loads and expects failure with status want and a message containing what (if not NULL). */
static void expect_fail(const uint8_t *buf, size_t len, rnnlab_status want, const char *what, const char *ctx) {
  rnnlab_model *m = (rnnlab_model *)1;
  rnnlab_trainer *t = (rnnlab_trainer *)1;
  char err[ERRLEN] = "";
  rnnlab_status s = rnnlab_model_load(buf, len, &m, &t, err, sizeof err);
  CHECK(s == want, "%s: status %d, want %d (%s)", ctx, s, want, err);
  CHECK(m == NULL && t == NULL, "%s: outputs not NULL on failure", ctx);
  CHECK(err[0] != '\0', "%s: no message", ctx);
  if (what) CHECK(strstr(err, what) != NULL, "%s: message '%s' lacks '%s'", ctx, err, what);
  if (s == RNNLAB_OK) rnnlab_trainer_free(t), rnnlab_model_free(m);
}

/* ---- CRC ---- */

static void test_crc(void) {
  CHECK(rnnlab_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u, "crc32 check value %08x",
        rnnlab_crc32((const uint8_t *)"123456789", 9));
  CHECK(rnnlab_crc32(NULL, 0) == 0, "crc32 of nothing");
  CHECK(rnnlab_crc32((const uint8_t *)"a", 1) == 0xE8B7BE43u, "crc32('a')");
  CHECK(rnnlab_crc32((const uint8_t *)"The quick brown fox jumps over the lazy dog", 43) == 0x414FA339u, "crc32(fox)");
}

/* ---- round trips ---- */

static void test_round_trip(const ser_case *k) {
  rnnlab_model *m;
  rnnlab_trainer *t;
  if (!make_trained(k, 5, &m, &t)) { rnnlab_trainer_free(t), rnnlab_model_free(m); return; }
  const size_t n = m->n_params;
  const int nmom = (t->opt.m1 != NULL) + (t->opt.m2 != NULL);
  /* training with truncate 3 over T = 5 carried a state of batch B: saved with the trainer */
  const size_t BH = (size_t)B * 5, st = (size_t)k->layers * 2 * BH;
  CHECK(m->state_B == B, "%s: carried state of batch %d after training", k->name, m->state_B);
  size_t len, len2, wlen;
  uint8_t *buf = save_alloc(m, t, &len);
  uint8_t *again = save_alloc(m, t, &len2);
  uint8_t *wonly = save_alloc(m, NULL, &wlen);
  float *saved = malloc(n * sizeof(float));
  memcpy(saved, m->params, n * sizeof(float));

  /* layout facts */
  CHECK(len == 120 + 4 * n + 56 + 4 * n * nmom + 4 + 4 * st + 4, "%s: size %zu for n %zu", k->name, len, n);
  CHECK(wlen == 120 + 4 * n + 4, "%s: weights-only size %zu", k->name, wlen);
  CHECK(len == len2 && memcmp(buf, again, len) == 0, "%s: save is not deterministic", k->name);
  CHECK(memcmp(buf, "RNNLAB\0\1", 8) == 0, "%s: magic", k->name);
  CHECK(le32(buf + 8) == 1 && le32(buf + 12) == 3 && le32(buf + 16) == 120, "%s: version/flags/header", k->name);
  CHECK(le32(buf + len - 4 - 4 * st - 4) == B, "%s: the carried state's batch field", k->name);
  CHECK(le32(wonly + 12) == 0, "%s: weights-only flags", k->name);
  CHECK(le32(buf + 112) == (uint32_t)n && le32(buf + 116) == 0, "%s: n_params field", k->name);
  CHECK(le32(buf + 20 + 4 * 6) == 5, "%s: hidden_size word", k->name);
  CHECK(le32(buf + len - 4) == rnnlab_crc32(buf, len - 4), "%s: trailing CRC", k->name);
  uint32_t w0;
  memcpy(&w0, &m->params[0], 4);
  CHECK(le32(buf + 120) == w0, "%s: first parameter's bits", k->name);
  CHECK(le32(buf + 120 + 4 * n + 44) == (uint32_t)rnnlab_trainer_steps(t), "%s: steps field", k->name);
  CHECK(le32(buf + 120 + 4 * n + 52) == (uint32_t)((t->opt.m1 ? 1 : 0) | (t->opt.m2 ? 2 : 0)), "%s: moments mask", k->name);

  /* load with the trainer */
  rnnlab_model *m2 = NULL;
  rnnlab_trainer *t2 = NULL;
  char err[ERRLEN];
  rnnlab_status s = rnnlab_model_load(buf, len, &m2, &t2, err, sizeof err);
  CHECK(s == RNNLAB_OK && m2 && t2, "%s: load: %s", k->name, err);
  if (s == RNNLAB_OK && m2 && t2) {
    CHECK(memcmp(&m->cfg, &m2->cfg, sizeof m->cfg) == 0, "%s: config differs", k->name);
    CHECK(m2->n_params == n && memcmp(m->params, m2->params, n * sizeof(float)) == 0, "%s: params differ", k->name);
    CHECK(t2->model == m2, "%s: loaded trainer's model", k->name);
    CHECK(memcmp(&t->opt.tc, &t2->opt.tc, sizeof t->opt.tc) == 0, "%s: train config differs", k->name);
    CHECK(rnnlab_trainer_steps(t2) == rnnlab_trainer_steps(t) && t2->opt.steps > 0, "%s: steps %lld vs %lld", k->name,
          (long long)t2->opt.steps, (long long)t->opt.steps);
    CHECK((t2->opt.m1 != NULL) == (t->opt.m1 != NULL) && (t2->opt.m2 != NULL) == (t->opt.m2 != NULL), "%s: moment presence", k->name);
    if (t->opt.m1 && t2->opt.m1) CHECK(memcmp(t->opt.m1, t2->opt.m1, t->opt.n * sizeof(float)) == 0, "%s: m1 differs", k->name);
    if (t->opt.m2 && t2->opt.m2) CHECK(memcmp(t->opt.m2, t2->opt.m2, t->opt.n * sizeof(float)) == 0, "%s: m2 differs", k->name);
    CHECK(m2->state_B == B, "%s: loaded carried state of batch %d", k->name, m2->state_B);
    for (int l = 0; l < k->layers && m2->state_B == B; l++)
      CHECK(memcmp(m->C[l][0].state_h, m2->C[l][0].state_h, BH * sizeof(float)) == 0 &&
            memcmp(m->C[l][0].state_c, m2->C[l][0].state_c, BH * sizeof(float)) == 0, "%s: layer %d state differs", k->name, l);
    /* the weights are the trained ones, not a re-initialisation from the saved seed */
    rnnlab_model *fresh = NULL;
    if (rnnlab_model_create(&m->cfg, &fresh, err, sizeof err) == RNNLAB_OK)
      CHECK(memcmp(fresh->params + fresh->train_begin, m2->params + m2->train_begin,
                   (n - m2->train_begin) * sizeof(float)) != 0, "%s: loaded weights equal a fresh init", k->name);
    rnnlab_model_free(fresh);
    /* saving the loaded pair gives the same bytes */
    size_t len3;
    uint8_t *re = save_alloc(m2, t2, &len3);
    CHECK(len3 == len && memcmp(re, buf, len) == 0, "%s: re-save differs", k->name);
    free(re);
    /* training continues identically, from the carried state (a stream saved mid-way) */
    batch_buf bb;
    batch_make(&bb, &m->cfg, 999);
    bb.b.carry_state = 1;
    rnnlab_step_result r1, r2;
    CHECK(rnnlab_trainer_step(t, &bb.b, &r1) == RNNLAB_OK, "%s: continue original", k->name);
    CHECK(rnnlab_trainer_step(t2, &bb.b, &r2) == RNNLAB_OK, "%s: continue loaded: %s", k->name, rnnlab_trainer_error(t2));
    CHECK(memcmp(&r1, &r2, sizeof r1) == 0, "%s: step results differ (loss %.9g vs %.9g)", k->name, (double)r1.loss,
          (double)r2.loss);
    CHECK(memcmp(m->params, m2->params, n * sizeof(float)) == 0, "%s: weights diverge after one more step", k->name);
    float *o1 = malloc(sizeof(float) * B * T * 4), *o2 = malloc(sizeof(float) * B * T * 4);
    CHECK(rnnlab_model_forward(m, &bb.b, o1, NULL) == RNNLAB_OK && rnnlab_model_forward(m2, &bb.b, o2, NULL) == RNNLAB_OK,
          "%s: forward", k->name);
    CHECK(memcmp(o1, o2, sizeof(float) * B * T * 4) == 0, "%s: outputs differ", k->name);
    free(o1), free(o2);
  }
  rnnlab_trainer_free(t2);
  rnnlab_model_free(m2);

  /* optimizer state present but not wanted; weights only with a trainer wanted */
  m2 = NULL;
  s = rnnlab_model_load(buf, len, &m2, NULL, err, sizeof err);
  CHECK(s == RNNLAB_OK && m2, "%s: load without t_out: %s", k->name, err);
  if (m2) CHECK(m2->state_B == B, "%s: the carried state is the model's: loaded without t_out too", k->name);
  rnnlab_model_free(m2);
  t2 = (rnnlab_trainer *)1;
  s = rnnlab_model_load(wonly, wlen, &m2, &t2, err, sizeof err);
  CHECK(s == RNNLAB_OK && m2 && t2 == NULL, "%s: load weights-only: %s", k->name, err);
  if (m2) CHECK(m2->state_B == 0, "%s: a weights-only file has no carried state", k->name);
  if (m2) CHECK(memcmp(saved, m2->params, n * sizeof(float)) == 0, "%s: weights-only params differ", k->name);
  rnnlab_model_free(m2);
  free(buf), free(again), free(wonly), free(saved);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

/* ---- corruption, truncation, junk ---- */

static void test_corruption(const ser_case *k, int H, size_t stride) {
  rnnlab_model *m;
  rnnlab_trainer *t;
  if (!make_trained(k, H, &m, &t)) { rnnlab_trainer_free(t), rnnlab_model_free(m); return; }
  size_t len;
  uint8_t *buf = save_alloc(m, t, &len);
  uint8_t *bad = malloc(len + 1);
  char ctx[128];
  size_t tried = 0;
  /* every byte of the header, then every stride-th byte, then the last 64 */
  for (size_t off = 0; off < len; off++) {
    if (off >= 160 && off + 64 < len && (off - 160) % stride != 0) continue;
    for (int flip = 0; flip < 2; flip++) {
      memcpy(bad, buf, len);
      bad[off] ^= flip ? 0xFF : (uint8_t)(1u << (off % 8));
      snprintf(ctx, sizeof ctx, "%s: byte %zu ^ %s", k->name, off, flip ? "0xff" : "1 bit");
      expect_fail(bad, len, RNNLAB_EFORMAT, NULL, ctx);
      tried++;
    }
  }
  CHECK(tried > 2 * 160, "%s: only %zu corruptions tried", k->name, tried);
  /* the messages for a few well-known places */
  memcpy(bad, buf, len);
  bad[200] ^= 0x10;
  expect_fail(bad, len, RNNLAB_EFORMAT, "checksum mismatch: file is corrupted", "param byte");
  memcpy(bad, buf, len);
  bad[len - 1] ^= 0x80;
  expect_fail(bad, len, RNNLAB_EFORMAT, "checksum mismatch", "crc byte");

  /* every truncation length up to the first parameters and then every stride-th */
  for (size_t l = 0; l < len; l = l < 200 ? l + 1 : l + stride) {
    snprintf(ctx, sizeof ctx, "%s: truncated to %zu", k->name, l);
    expect_fail(buf, l, RNNLAB_EFORMAT, NULL, ctx);
  }
  for (size_t l = len - 8; l < len; l++) {
    snprintf(ctx, sizeof ctx, "%s: truncated to %zu of %zu", k->name, l, len);
    expect_fail(buf, l, RNNLAB_EFORMAT, "truncated: expected", ctx);
  }
  snprintf(ctx, sizeof ctx, "truncated: expected %zu bytes, got %zu", len, len - 1);
  expect_fail(buf, len - 1, RNNLAB_EFORMAT, ctx, "exact truncation message");
  /* trailing byte */
  memcpy(bad, buf, len);
  bad[len] = 0;
  expect_fail(bad, len + 1, RNNLAB_EFORMAT, "expected", "trailing byte");

  free(buf), free(bad);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

/* files whose checksum is right but whose contents are not */
static void test_crafted(void) {
  rnnlab_model *m;
  rnnlab_trainer *t;
  if (!make_trained(&cases[0], 4, &m, &t)) { rnnlab_trainer_free(t), rnnlab_model_free(m); return; }
  const size_t n = m->n_params, P = 120 + 4 * n;
  /* cases[0]: H = 4, batch B; the carried state block after Adam's two moments, layer 0 first */
  const size_t S = P + 56 + 8 * n, BH = (size_t)B * 4;
  size_t len;
  uint8_t *buf = save_alloc(m, t, &len);
  uint8_t *bad = malloc(len + 64);
  uint8_t small[16];

  expect_fail(NULL, 0, RNNLAB_EFORMAT, "empty", "NULL buffer");
  expect_fail(buf, 0, RNNLAB_EFORMAT, "empty", "zero length");
  memset(small, 0, sizeof small);
  expect_fail(small, sizeof small, RNNLAB_EFORMAT, "too short", "16 zero bytes");

#define CRAFT(edit, status, msg, ctx) \
  do {                                \
    memcpy(bad, buf, len);            \
    edit;                             \
    reseal(bad, len);                 \
    expect_fail(bad, len, status, msg, ctx); \
  } while (0)

  CRAFT(bad[7] = 9, RNNLAB_EFORMAT, "bad magic", "wrong magic");
  CRAFT(memcpy(bad, "PK\3\4RNNL", 8), RNNLAB_EFORMAT, "not an rnnlab model", "zip magic");
  CRAFT(put_le32(bad + 8, 2), RNNLAB_EFORMAT, "saved by a newer rnnlab (format 2)", "future version");
  CRAFT(put_le32(bad + 8, 0x01000000u), RNNLAB_EFORMAT, "newer", "big-endian version");
  CRAFT(put_le32(bad + 8, 0), RNNLAB_EFORMAT, "version 0", "version 0");
  CRAFT(put_le32(bad + 12, 0x13), RNNLAB_EFORMAT, "unknown flags", "unknown flag");
  CRAFT(put_le32(bad + 12, 2), RNNLAB_EFORMAT, "a carried state is saved only with optimizer state", "state without optimizer");
  CRAFT(put_le32(bad + 16, 124), RNNLAB_EFORMAT, "header length", "header length");
  CRAFT(put_le32(bad + 112, 0), RNNLAB_EFORMAT, "parameter count", "n_params 0");
  CRAFT(put_le32(bad + 116, 1), RNNLAB_EFORMAT, "parameter count", "n_params 2^32");
  CRAFT(put_le32(bad + 112, (uint32_t)n + 1), RNNLAB_EFORMAT, NULL, "n_params + 1");
  CRAFT(put_le32(bad + 12, 0), RNNLAB_EFORMAT, "length mismatch", "flag cleared, state still there");
  CRAFT(put_le32(bad + 12, 1), RNNLAB_EFORMAT, "length mismatch", "state flag cleared, state still there");
  /* the carried state: its batch sizes the block (checked before the length), its values finite */
  CRAFT(put_le32(bad + S, 0), RNNLAB_EFORMAT, "bad carried state: batch 0", "state batch 0");
  CRAFT(put_le32(bad + S, 0x7FFFFFFFu), RNNLAB_EFORMAT, "bad carried state", "state batch 2^31");
  CRAFT(put_le32(bad + S, B + 1), RNNLAB_EFORMAT, "truncated: expected", "state batch + 1");
  CRAFT(put_le32(bad + S, 1), RNNLAB_EFORMAT, "length mismatch", "state batch 1");
  CRAFT(put_le32(bad + S + 4 + 4 * 1, 0x7FC00000u), RNNLAB_EFORMAT, "carried state of layer 0 is not finite", "NaN in h");
  CRAFT(put_le32(bad + S + 4 + 4 * (2 * BH - 1), 0x7F800000u), RNNLAB_EFORMAT, "not finite", "Inf in c");
  CRAFT(put_le32(bad + P + 52, 7), RNNLAB_EFORMAT, "moments", "moments mask 7");
  /* one moment fewer: the carried state's batch is read from inside m2 */
  CRAFT(put_le32(bad + P + 52, 1), RNNLAB_EFORMAT, "bad carried state", "moments mask 1 (lengths)");
  /* the config goes through rnnlab_model_create: its status and message */
  CRAFT(put_le32(bad + 20 + 4 * 6, 0), RNNLAB_EINVAL, "saved config rejected", "hidden_size 0");
  CRAFT(put_le32(bad + 20 + 4 * 0, 99), RNNLAB_EINVAL, "cell", "unknown cell");
  /* the carried state is sized by the hidden size, so the length check sees this first */
  CRAFT(put_le32(bad + 20 + 4 * 6, 3), RNNLAB_EFORMAT, "length mismatch", "hidden_size 3 (other n_params)");
  CRAFT(put_le32(bad + 20 + 4 * 18, 0x7FC00000u), RNNLAB_EINVAL, "alpha", "alpha NaN");
  /* weights and moments must be finite */
  CRAFT(put_le32(bad + 120 + 4 * 3, 0x7FC00000u), RNNLAB_EFORMAT, "parameter 3 is not finite", "NaN weight");
  CRAFT(put_le32(bad + 120 + 4 * (n - 1), 0xFF800000u), RNNLAB_EFORMAT, "not finite", "-Inf weight");
  CRAFT(put_le32(bad + P + 56 + 4 * 2, 0x7F800000u), RNNLAB_EFORMAT, "m1[2] is not finite", "Inf in m1");
  CRAFT(put_le32(bad + P + 56 + 4 * n + 4, 0xFFFFFFFFu), RNNLAB_EFORMAT, "m2[1] is not finite", "NaN in m2");
  /* the train config goes through rnnlab_trainer_create */
  CRAFT(put_le32(bad + P + 4, 0xBF800000u), RNNLAB_EINVAL, "learning_rate", "lr -1");
  CRAFT(put_le32(bad + P + 0, 9), RNNLAB_EINVAL, "optimizer", "optimizer 9");
  CRAFT(put_le32(bad + P + 0, RNNLAB_OPT_RMSPROP), RNNLAB_EFORMAT, "optimizer state mismatch", "adam state as rmsprop");
  CRAFT(put_le32(bad + P + 48, 0x80000000u), RNNLAB_EFORMAT, "step count", "negative steps");
#undef CRAFT

  /* the same crafted train config is not looked at when no trainer is wanted */
  memcpy(bad, buf, len);
  put_le32(bad + P + 4, 0xBF800000u);
  reseal(bad, len);
  rnnlab_model *m2 = NULL;
  char err[ERRLEN];
  CHECK(rnnlab_model_load(bad, len, &m2, NULL, err, sizeof err) == RNNLAB_OK, "weights from a file with a bad train config: %s", err);
  rnnlab_model_free(m2);

  /* load argument checks; a tiny err buffer is not overrun */
  CHECK(rnnlab_model_load(buf, len, NULL, NULL, err, sizeof err) == RNNLAB_EINVAL, "NULL m_out");
  char tiny[4];
  m2 = (rnnlab_model *)1;
  CHECK(rnnlab_model_load(buf, 10, &m2, NULL, tiny, sizeof tiny) == RNNLAB_EFORMAT && m2 == NULL && strlen(tiny) == 3,
        "tiny err buffer");
  CHECK(rnnlab_model_load(buf, 10, &m2, NULL, NULL, 0) == RNNLAB_EFORMAT, "NULL err buffer");

  /* save errors, then the model still saves */
  CHECK(rnnlab_model_save_size(NULL, NULL) == 0, "save_size(NULL)");
  CHECK(rnnlab_model_save(NULL, NULL, buf, len) == RNNLAB_EINVAL, "save(NULL)");
  CHECK(rnnlab_model_save(m, t, buf, len - 1) == RNNLAB_EINVAL, "short buffer accepted");
  CHECK(strstr(rnnlab_model_error(m), "too small") != NULL, "short buffer message '%s'", rnnlab_model_error(m));
  CHECK(rnnlab_model_save(m, t, NULL, len) == RNNLAB_EINVAL, "NULL buffer accepted");
  rnnlab_model *other;
  rnnlab_trainer *t_other;
  if (make_trained(&cases[0], 4, &other, &t_other)) {
    CHECK(rnnlab_model_save(m, t_other, buf, len) == RNNLAB_EINVAL, "foreign trainer accepted");
    CHECK(strstr(rnnlab_model_error(m), "another model") != NULL, "foreign trainer message '%s'", rnnlab_model_error(m));
  }
  rnnlab_trainer_free(t_other), rnnlab_model_free(other);
  CHECK(rnnlab_model_save(m, t, buf, len) == RNNLAB_OK, "save after errors: %s", rnnlab_model_error(m));
  CHECK(strcmp(rnnlab_model_error(m), "") == 0, "error cleared after a good save");
  CHECK(rnnlab_model_load(buf, len, &m2, NULL, err, sizeof err) == RNNLAB_OK, "load after errors: %s", err);
  rnnlab_model_free(m2);

  free(buf), free(bad);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

/* The kind byte: a model file is refused by the seq2seq loader and a seq2seq file by the model
 * loader, each naming the right one (test_seq2seq.c covers the seq2seq format itself). */
static void test_kinds(void) {
  rnnlab_model *m;
  rnnlab_trainer *t;
  if (!make_trained(&cases[3], 3, &m, &t)) { rnnlab_trainer_free(t), rnnlab_model_free(m); return; }
  size_t len;
  uint8_t *buf = save_alloc(m, t, &len);
  rnnlab_seq2seq *s = (rnnlab_seq2seq *)1;
  char err[ERRLEN] = "";
  CHECK(rnnlab_seq2seq_load(buf, len, 1, &s, err, sizeof err) == RNNLAB_EFORMAT && s == NULL &&
        strstr(err, "a saved model, not a seq2seq model: load it with rnnlab_model_load"), "seq2seq_load(model): %s", err);
  buf[7] = 2; /* the kind byte of a seq2seq file */
  expect_fail(buf, len, RNNLAB_EFORMAT, "a saved seq2seq model, not a model: load it with rnnlab_seq2seq_load", "kind 2");
  buf[7] = 3;
  expect_fail(buf, len, RNNLAB_EFORMAT, "bad magic", "kind 3");
  free(buf);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

/* flags bit 2 (config.learn_tau) and bit 3 (the trainer's closed-loop warm-up, one word before
 * the CRC): a CT-RNN with learnable time constants trained closed-loop round-trips; the bits are
 * what they say (a file without bit 2 is a config with fewer parameters); bit 3 needs bit 0. */
static void test_dynamics_flags(void) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = RNNLAB_CELL_CTRNN, c.alpha = 0.4f, c.learn_tau = 1, c.input_kind = RNNLAB_INPUT_DENSE, c.input_size = 3;
  c.output_size = 3, c.output_kind = RNNLAB_OUTPUT_LINEAR, c.hidden_size = 4, c.seed_lo = 11;
  rnnlab_model *m = NULL, *back = NULL;
  rnnlab_trainer *t = NULL, *tb = NULL;
  char err[ERRLEN];
  CHECK(rnnlab_model_create(&c, &m, err, sizeof err) == RNNLAB_OK, "learn_tau create: %s", err);
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.optimizer = RNNLAB_OPT_ADAM;
  CHECK(rnnlab_trainer_create(m, &tc, &t, err, sizeof err) == RNNLAB_OK, "trainer: %s", err);
  CHECK(rnnlab_trainer_set_closed_loop(t, 2) == RNNLAB_OK, "closed loop: %s", rnnlab_trainer_error(t));
  float x[B * T * 3], y[B * T * 3];
  for (int i = 0; i < B * T * 3; i++) x[i] = 0.1f * (float)(i % 7) - 0.3f, y[i] = 0.05f * (float)(i % 5);
  rnnlab_batch b = {B, T, NULL, x, NULL, y, NULL, 0};
  rnnlab_step_result r;
  CHECK(rnnlab_trainer_step(t, &b, &r) == RNNLAB_OK, "closed-loop step: %s", rnnlab_trainer_error(t));
  size_t len, wlen;
  uint8_t *buf = save_alloc(m, t, &len), *wonly = save_alloc(m, NULL, &wlen);
  CHECK(le32(buf + 12) == 15u && le32(wonly + 12) == 4u, "flags 0x%x and 0x%x", le32(buf + 12), le32(wonly + 12));
  CHECK(le32(buf + len - 8) == 2u, "the warm-up word before the CRC: %u", le32(buf + len - 8));
  CHECK(rnnlab_model_load(buf, len, &back, &tb, err, sizeof err) == RNNLAB_OK, "load: %s", err);
  if (back && tb) {
    CHECK(back->cfg.learn_tau == 1 && back->n_params == m->n_params, "learn_tau after load");
    CHECK(memcmp(back->params, m->params, m->n_params * sizeof(float)) == 0, "the parameters after load");
    CHECK(rnnlab_trainer_closed_loop(tb) == 2, "the warm-up after load: %d", rnnlab_trainer_closed_loop(tb));
    rnnlab_step_result r1, r2;
    rnnlab_trainer_step(t, &b, &r1), rnnlab_trainer_step(tb, &b, &r2);
    CHECK(r1.loss == r2.loss, "resumed closed-loop step: %g vs %g", (double)r1.loss, (double)r2.loss);
  }
  rnnlab_trainer_free(tb), rnnlab_model_free(back);
  put_le32(wonly + 12, 0), reseal(wonly, wlen);
  expect_fail(wonly, wlen, RNNLAB_EFORMAT, "parameter count mismatch", "learn_tau bit cleared");
  put_le32(wonly + 12, 4u | 8u), reseal(wonly, wlen);
  expect_fail(wonly, wlen, RNNLAB_EFORMAT, "closed-loop training is saved only with optimizer state", "bit 3 without bit 0");
  free(buf), free(wonly);
  rnnlab_trainer_free(t), rnnlab_model_free(m);
}

int main(void) {
  test_crc();
  test_dynamics_flags();
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) test_round_trip(&cases[k]);
  test_corruption(&cases[3], 2, 1);  /* small GRU: every byte, every length */
  test_corruption(&cases[0], 6, 37); /* bigger bidirectional LSTM with Adam: a sample */
  test_corruption(&cases[7], 4, 13); /* ESN with a fixed reservoir, SGD (no moments) */
  test_crafted();
  test_kinds();
  return check_summary("serialize");
}
