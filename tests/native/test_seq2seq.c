/* test_seq2seq.c - the encoder-decoder: central-difference gradients through the context (every
 * encoder weight gets its gradient only through the decoder's dL/d(initial state)), for each
 * cell family and two layers; teacher forcing 1 equals the plain step; greedy decoding agrees
 * with step-by-step teacher-forced outputs; a tiny reversal task is learned; bad arguments. */
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
  rnnlab_seq2seq *none = (rnnlab_seq2seq *)1;
  CHECK(rnnlab_seq2seq_create(&c, &none, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "bidirectional"), "%s", err);
}

int main(void) {
  gradcheck(RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, "lstm");
  gradcheck(RNNLAB_CELL_LSTM, RNNLAB_LSTM_VANILLA, "lstm-vanilla");
  gradcheck(RNNLAB_CELL_GRU, 0, "gru");
  gradcheck(RNNLAB_CELL_RNN, 0, "rnn");
  gradcheck(RNNLAB_CELL_CTRNN, 0, "ctrnn");
  test_greedy_and_learning();
  return check_summary("seq2seq");
}
