/* test_seq2seq.c - the encoder-decoder: central-difference gradients through the context (every
 * encoder weight gets its gradient only through the decoder's dL/d(initial state)), for each
 * cell family and two layers; teacher forcing 1 equals the plain step; greedy decoding agrees
 * with step-by-step teacher-forced outputs; a tiny reversal task is learned; bad arguments;
 * save / load: a bit-exact round trip that resumes training exactly, every single-byte corruption
 * and every truncation refused, the other kind of file refused by name; evaluation, decoding and
 * trace passes between steps leave the training trajectory bit-identical. */
#include <stdlib.h>
#include <string.h>

#include "../../core/internal.h"
#include "check.h"

enum { SV = 5, TV = 6, B = 3, S = 4, U = 5, PAD = 0, BOS = 4, EOS = 5 };

static rnnlab_seq2seq *create(int cell, int variant, int layers, int H, uint32_t seed) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = cell, c.variant = variant, c.layers = layers, c.hidden_size = H, c.input_size = SV, c.output_size = TV;
  c.init = RNNLAB_INIT_UNIFORM, c.init_scale = 0.5f, c.seed_lo = seed, c.alpha = cell == RNNLAB_CELL_CTRNN ? 0.5f : 1.0f;
  rnnlab_seq2seq *s = NULL;
  char err[256];
  CHECK(rnnlab_seq2seq_create(&c, &s, err, sizeof err) == RNNLAB_OK, "create: %s", err);
  return s;
}

/* sources: random symbols 1..3, left-padded; target: the source reversed, then EOS */
static void reverse_batch(int n, int maxlen, uint64_t seed, int32_t *src, int32_t *in, int32_t *tgt, int Sx, int Ux) {
  rng_state r;
  rng_seed(&r, seed);
  for (int i = 0; i < n; i++) {
    int len = 1 + (int)rng_below(&r, (uint32_t)maxlen);
    int32_t sym[16];
    for (int k = 0; k < len; k++) sym[k] = 1 + (int32_t)rng_below(&r, 3);
    for (int k = 0; k < Sx; k++) src[i * Sx + k] = k < Sx - len ? PAD : sym[k - (Sx - len)];
    for (int u = 0; u < Ux; u++) {
      in[i * Ux + u] = u == 0 ? BOS : u <= len ? sym[len - u] : PAD;
      tgt[i * Ux + u] = u < len ? sym[len - 1 - u] : u == len ? EOS : -1;
    }
  }
}

static float loss_of(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b) {
  float l = 0;
  if (rnnlab_seq2seq_forward(s, b, NULL, &l)) CHECK(0, "forward: %s", rnnlab_seq2seq_error(s));
  return l;
}

static void gradcheck(int cell, int variant, const char *name) {
  rnnlab_seq2seq *s = create(cell, variant, 2, 3, 3);
  if (!s) return;
  int32_t src[B * S], in[B * U], tgt[B * U];
  reverse_batch(B, S, 7, src, in, tgt, S, U);
  rnnlab_seq2seq_batch b = {B, S, U, src, in, tgt};
  rnnlab_model *models[2] = {rnnlab_seq2seq_encoder(s), rnnlab_seq2seq_decoder(s)};
  rnnlab_model_zero_grad(models[0]), rnnlab_model_zero_grad(models[1]);
  float l0;
  CHECK(rnnlab_seq2seq_backward(s, &b, &l0) == RNNLAB_OK, "%s: backward: %s", name, rnnlab_seq2seq_error(s));
  const float e = 1e-2f;
  for (int k = 0; k < 2; k++) {
    rnnlab_model *m = models[k];
    double worst = 0, gsum = 0;
    const size_t end = k == 0 ? (size_t)(m->Wy - m->params) : m->n_params; /* the encoder's readout is unused */
    for (size_t i = m->train_begin; i < end; i++) {
      const float w = m->params[i], a = m->grads[i];
      m->params[i] = w + e;
      const float lp = loss_of(s, &b);
      m->params[i] = w - e;
      const float lm = loss_of(s, &b);
      m->params[i] = w;
      const double num = ((double)lp - lm) / (2.0 * e), den = fabs(a) + fabs(num);
      worst = fmax(worst, fabs(a - num) / (den > 1e-2 ? den : 1e-2));
      gsum += fabs(a);
    }
    CHECK(worst <= 2e-2, "%s %s: worst gradient error %.3g", name, k ? "decoder" : "encoder", worst);
    CHECK(gsum > 1e-3, "%s %s: no gradient arrived", name, k ? "decoder" : "encoder");
  }
  rnnlab_seq2seq_free(s);
}

static void test_greedy_and_learning(void) {
  rnnlab_seq2seq *s = create(RNNLAB_CELL_GRU, 0, 1, 24, 5);
  if (!s) return;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.learning_rate = 0.02f, tc.clip_norm = 5.0f;
  enum { NB = 32, Sx = 4, Ux = 5 };
  int32_t src[NB * Sx], in[NB * Ux], tgt[NB * Ux];
  rnnlab_step_result r = {0};
  float first = 0;
  for (int step = 0; step < 400; step++) {
    reverse_batch(NB, Sx, 100 + step, src, in, tgt, Sx, Ux);
    rnnlab_seq2seq_batch b = {NB, Sx, Ux, src, in, tgt};
    CHECK(rnnlab_seq2seq_step(s, &tc, &b, step < 200 ? 1.0f : 0.5f, &r) == RNNLAB_OK, "step: %s", rnnlab_seq2seq_error(s));
    if (!step) first = r.loss;
  }
  CHECK(r.loss < 0.2f * first, "reversal loss went from %g to %g", first, r.loss);
  /* held-out exact match with greedy decoding */
  enum { NT = 200 };
  static int32_t ts[NT * Sx], ti[NT * Ux], tt[NT * Ux], out[NT * Ux], len[NT];
  reverse_batch(NT, Sx, 999, ts, ti, tt, Sx, Ux);
  CHECK(rnnlab_seq2seq_greedy(s, ts, NT, Sx, BOS, EOS, Ux, out, len) == RNNLAB_OK, "greedy: %s", rnnlab_seq2seq_error(s));
  int exact = 0;
  for (int i = 0; i < NT; i++) {
    int ok = 1;
    for (int u = 0; u < Ux && tt[i * Ux + u] >= 0; u++) ok &= out[i * Ux + u] == tt[i * Ux + u];
    exact += ok;
  }
  CHECK(exact >= NT * 95 / 100, "reversal exact match %d of %d", exact, NT);
  /* greedy's first symbol equals the argmax of the teacher-forced first output */
  float probs[NT * Ux * TV];
  rnnlab_seq2seq_batch tb = {NT, Sx, Ux, ts, ti, tt};
  rnnlab_seq2seq_forward(s, &tb, probs, NULL);
  int agree = 1;
  for (int i = 0; i < NT; i++) {
    int k = 0;
    for (int v = 1; v < TV; v++) k = probs[(i * Ux) * TV + v] > probs[(i * Ux) * TV + k] ? v : k;
    agree &= k == out[i * Ux];
  }
  CHECK(agree, "greedy's first symbol differs from the teacher-forced argmax");
  /* bad arguments, then still working */
  rnnlab_seq2seq_batch bad = {NT, Sx, Ux, ts, ti, tt};
  bad.batch = 0;
  CHECK(rnnlab_seq2seq_forward(s, &bad, NULL, NULL) == RNNLAB_EINVAL && strstr(rnnlab_seq2seq_error(s), "batchSize"), "%s", rnnlab_seq2seq_error(s));
  ts[3] = 9;
  CHECK(rnnlab_seq2seq_forward(s, &tb, NULL, NULL) == RNNLAB_EINVAL && strstr(rnnlab_seq2seq_error(s), "source: batch.inputs[3] = 9"), "%s", rnnlab_seq2seq_error(s));
  ts[3] = 1;
  CHECK(rnnlab_seq2seq_step(s, &tc, &tb, 1.5f, NULL) == RNNLAB_EINVAL && strstr(rnnlab_seq2seq_error(s), "teacherForcing"), "%s", rnnlab_seq2seq_error(s));
  CHECK(rnnlab_seq2seq_forward(s, &tb, NULL, NULL) == RNNLAB_OK, "still works");
  rnnlab_seq2seq_free(s);
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.bidirectional = 1, c.input_size = 3, c.output_size = 3;
  char err[256];
  rnnlab_seq2seq *bi = NULL; /* a bidirectional encoder: the aligned model (test_attention.c) */
  CHECK(rnnlab_seq2seq_create(&c, &bi, err, sizeof err) == RNNLAB_OK && rnnlab_seq2seq_aligned(bi), "%s", err);
  rnnlab_seq2seq_free(bi);
  c.bidirectional = 2;
  rnnlab_seq2seq *none = (rnnlab_seq2seq *)1;
  CHECK(rnnlab_seq2seq_create(&c, &none, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "bidirectional") && !none, "%s", err);
  c.bidirectional = 0;
  CHECK(rnnlab_seq2seq_create_attention(&c, 4, &none, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "attention"), "%s", err);
}

static void train_steps(rnnlab_seq2seq *s, const rnnlab_train_config *tc, int from, int n, float *losses) {
  int32_t src[B * S], in[B * U], tgt[B * U];
  for (int k = 0; k < n; k++) {
    reverse_batch(B, S, 500 + from + k, src, in, tgt, S, U);
    rnnlab_seq2seq_batch b = {B, S, U, src, in, tgt};
    rnnlab_step_result r;
    CHECK(rnnlab_seq2seq_step(s, tc, &b, 0.5f, &r) == RNNLAB_OK, "step: %s", rnnlab_seq2seq_error(s));
    if (losses) losses[k] = r.loss;
  }
}

static uint8_t *save_s2s(rnnlab_seq2seq *s, int opt, size_t *len) {
  *len = rnnlab_seq2seq_save_size(s, opt);
  uint8_t *buf = malloc(*len + 1);
  CHECK(rnnlab_seq2seq_save(s, opt, buf, *len) == RNNLAB_OK, "save: %s", rnnlab_seq2seq_error(s));
  return buf;
}

static int same_floats(const float *a, const float *b, size_t n) { return !n || memcmp(a, b, n * sizeof(float)) == 0; }

/* Loads and expects failure with RNNLAB_EFORMAT, *out NULL and a message containing what (if given). */
static void expect_s2s_fail(const uint8_t *buf, size_t len, const char *what, const char *ctx) {
  rnnlab_seq2seq *o = (rnnlab_seq2seq *)1;
  char err[ERRLEN] = "";
  rnnlab_status st = rnnlab_seq2seq_load(buf, len, 1, &o, err, sizeof err);
  CHECK(st == RNNLAB_EFORMAT, "%s: status %d (%s)", ctx, st, err);
  CHECK(o == NULL && err[0], "%s: output not NULL or no message", ctx);
  if (what) CHECK(strstr(err, what) != NULL, "%s: message '%s' lacks '%s'", ctx, err, what);
  if (st == RNNLAB_OK) rnnlab_seq2seq_free(o);
}

static void test_save_load(void) {
  rnnlab_seq2seq *s = create(RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, 2, 3, 11);
  if (!s) return;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.optimizer = RNNLAB_OPT_ADAM, tc.learning_rate = 0.01f, tc.clip_norm = 1.0f;
  size_t len;
  CHECK(rnnlab_seq2seq_save(s, 1, (uint8_t[8]){0}, 8) == RNNLAB_ESTATE && strstr(rnnlab_seq2seq_error(s), "no optimizer state"),
        "save with optimizer before a step: %s", rnnlab_seq2seq_error(s));
  CHECK(rnnlab_seq2seq_trainer(s, 0) == NULL, "no trainer before a step");
  train_steps(s, &tc, 0, 4, NULL);
  uint8_t *buf = save_s2s(s, 1, &len);
  rnnlab_seq2seq *r = NULL;
  char err[ERRLEN] = "";
  CHECK(rnnlab_seq2seq_load(buf, len, 1, &r, err, sizeof err) == RNNLAB_OK, "load: %s", err);
  if (!r) { free(buf), rnnlab_seq2seq_free(s); return; }
  /* bit-exact: weights, moments, steps, the teacher-forcing generator; then the same bytes again */
  rnnlab_model *ms[2] = {s->enc, s->dec}, *mr[2] = {r->enc, r->dec};
  rnnlab_trainer *ts[2] = {s->tenc, s->tdec}, *tr[2] = {r->tenc, r->tdec};
  for (int k = 0; k < 2; k++) {
    CHECK(ms[k]->n_params == mr[k]->n_params && same_floats(ms[k]->params, mr[k]->params, ms[k]->n_params), "half %d: weights", k);
    CHECK(tr[k] && same_floats(ts[k]->opt.m1, tr[k]->opt.m1, ts[k]->opt.n) && same_floats(ts[k]->opt.m2, tr[k]->opt.m2, ts[k]->opt.n) &&
          ts[k]->opt.steps == tr[k]->opt.steps, "half %d: optimizer state", k);
  }
  CHECK(rnnlab_seq2seq_trainer(r, 1) == r->tdec && r->rng.s == s->rng.s, "trainer accessor, generator state");
  size_t len2;
  uint8_t *buf2 = save_s2s(r, 1, &len2);
  CHECK(len2 == len && memcmp(buf, buf2, len) == 0, "save(load(bytes)) == bytes");
  free(buf2);
  /* training resumes exactly (teacher forcing 0.5 draws from the saved generator) */
  float la[3], lb[3];
  train_steps(s, &tc, 4, 3, la);
  train_steps(r, &tc, 4, 3, lb);
  CHECK(memcmp(la, lb, sizeof la) == 0, "resumed losses %.9g %.9g vs %.9g %.9g", la[2], lb[2], la[0], lb[0]);
  CHECK(same_floats(s->dec->params, r->dec->params, s->dec->n_params), "resumed weights");
  rnnlab_seq2seq_free(r), r = NULL;
  /* without the optimizer: weights only, a fresh optimizer on the next step */
  CHECK(rnnlab_seq2seq_load(buf, len, 0, &r, err, sizeof err) == RNNLAB_OK && r && !r->tenc && !r->tdec, "load weights only: %s", err);
  rnnlab_seq2seq_free(r), r = NULL;
  size_t wlen;
  uint8_t *w = save_s2s(s, 0, &wlen);
  CHECK(wlen < len && rnnlab_seq2seq_load(w, wlen, 1, &r, err, sizeof err) == RNNLAB_OK && r && !r->tenc, "weights-only file: %s", err);
  if (r) { /* it decodes as the original does */
    int32_t src[S] = {0, 1, 2, 3}, o1[U], o2[U], n1, n2;
    CHECK(rnnlab_seq2seq_greedy(s, src, 1, S, BOS, EOS, U, o1, &n1) == RNNLAB_OK &&
          rnnlab_seq2seq_greedy(r, src, 1, S, BOS, EOS, U, o2, &n2) == RNNLAB_OK && n1 == n2 && !memcmp(o1, o2, sizeof o1),
          "greedy decoding of the loaded model");
  }
  rnnlab_seq2seq_free(r), r = NULL;

  /* the other kind */
  rnnlab_model *m = (rnnlab_model *)1;
  rnnlab_trainer *t = NULL;
  CHECK(rnnlab_model_load(buf, len, &m, &t, err, sizeof err) == RNNLAB_EFORMAT && !m && strstr(err, "seq2seq model, not a model") &&
        strstr(err, "rnnlab_seq2seq_load"), "model_load(seq2seq file): %s", err);
  size_t mlen = rnnlab_model_save_size(s->dec, NULL);
  uint8_t *mbuf = malloc(mlen);
  CHECK(rnnlab_model_save(s->dec, NULL, mbuf, mlen) == RNNLAB_OK, "save a model");
  expect_s2s_fail(mbuf, mlen, "a saved model, not a seq2seq model: load it with rnnlab_model_load", "seq2seq_load(model file)");
  free(mbuf);

  /* every single-byte corruption (two flips per byte), every truncation, a trailing byte */
  uint8_t *bad = malloc(len + 1);
  char ctx[96];
  for (size_t off = 0; off < len; off++)
    for (int flip = 0; flip < 2; flip++) {
      memcpy(bad, buf, len);
      bad[off] ^= flip ? 0xFF : (uint8_t)(1u << (off % 8));
      snprintf(ctx, sizeof ctx, "byte %zu of %zu ^ %s", off, len, flip ? "0xff" : "1 bit");
      expect_s2s_fail(bad, len, NULL, ctx);
    }
  for (size_t l = 0; l < len; l++) {
    snprintf(ctx, sizeof ctx, "truncated to %zu of %zu", l, len);
    expect_s2s_fail(buf, l, l == 0 ? "empty" : l < 296 ? "too short" : "truncated: expected", ctx); /* 296 = 44 + 2 * 124 + 4 */
  }
  memcpy(bad, buf, len);
  bad[len] = 0;
  expect_s2s_fail(bad, len + 1, "length mismatch", "trailing byte");
  memcpy(bad, buf, len);
  bad[100] ^= 4;
  expect_s2s_fail(bad, len, "checksum mismatch", "an encoder byte");
  free(bad), free(buf), free(w);
  CHECK(rnnlab_seq2seq_forward(s, &(rnnlab_seq2seq_batch){1, S, U, (int32_t[S]){1, 2, 3, 1}, (int32_t[U]){BOS, 1, 2, 3, 0},
                                                          (int32_t[U]){1, 2, 3, EOS, -1}}, NULL, NULL) == RNNLAB_OK, "still works");
  rnnlab_seq2seq_free(s);
}

/* Evaluation-like calls between steps (greedy, beam decoding, forward, a trace pass) do not touch
 * what training carries from step to step: the loss trajectory is bit-identical. */
static void test_probes_leave_training_alone(void) {
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.optimizer = RNNLAB_OPT_ADAM, tc.learning_rate = 0.01f;
  float la[6], lb[6];
  for (int probe = 0; probe < 2; probe++) {
    rnnlab_seq2seq *s = create(RNNLAB_CELL_GRU, 0, 2, 4, 21);
    if (!s) return;
    for (int k = 0; k < 6; k++) {
      train_steps(s, &tc, k, 1, (probe ? lb : la) + k);
      if (!probe) continue;
      int32_t src[2 * S] = {1, 2, 3, 1, 0, 0, 2, 3}, out[2 * U], n[2], tok[3 * U], lens[3], cnt;
      float lp[3], l;
      CHECK(rnnlab_seq2seq_greedy(s, src, 2, S, BOS, EOS, U, out, n) == RNNLAB_OK, "greedy");
      rnnlab_decode_config dc;
      rnnlab_decode_config_default(&dc);
      dc.strategy = RNNLAB_DECODE_BEAM, dc.beam_width = 3, dc.length = U, dc.eos = EOS;
      CHECK(rnnlab_seq2seq_decode(s, src, S, BOS, &dc, tok, lens, lp, NULL, &cnt) == RNNLAB_OK, "beam: %s", rnnlab_seq2seq_error(s));
      int32_t in[U] = {BOS, 1, 3, 2, 1}, tgt[U] = {1, 3, 2, 1, EOS};
      rnnlab_seq2seq_batch pb = {1, S, U, src, in, tgt};
      rnnlab_model_zero_grad(s->enc), rnnlab_model_zero_grad(s->dec);
      CHECK(rnnlab_seq2seq_backward(s, &pb, &l) == RNNLAB_OK, "trace pass");
    }
    rnnlab_seq2seq_free(s);
  }
  CHECK(memcmp(la, lb, sizeof la) == 0, "losses with probes differ: %.9g vs %.9g", lb[5], la[5]);
}

int main(void) {
  gradcheck(RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, "lstm");
  gradcheck(RNNLAB_CELL_LSTM, RNNLAB_LSTM_VANILLA, "lstm-vanilla");
  gradcheck(RNNLAB_CELL_GRU, 0, "gru");
  gradcheck(RNNLAB_CELL_RNN, 0, "rnn");
  gradcheck(RNNLAB_CELL_CTRNN, 0, "ctrnn");
  test_greedy_and_learning();
  test_save_load();
  test_probes_leave_training_alone();
  return check_summary("seq2seq");
}
