/* test_attention.c - the aligned encoder-decoder (core/attention/): central-difference gradient
 * checks for every attention form (and none with a bidirectional encoder), every cell, 1 layer
 * one direction and 2 layers bidirectional, over every trainable float of the encoder, the decoder
 * and the attention layer (the criterion of test_gradcheck.c: e = 1e-2,
 * |a - n| / max(|a| + |n|, 1e-2) <= 2e-2); then masks (exactly 0 at PAD, rows summing to 1),
 * a batch against each row alone at its own length, and beam alignments against the trace. */
#include <stdlib.h>
#include <string.h>

#include "../../core/attention/aligned.h"
#include "check.h"

enum { B = 3, S = 6, U = 4, V = 7, H = 3 };

/* rows with 0, 2 and 3 PADs (one of them inside the row), targets with -1 after EOS */
static const int32_t SRC[B * S] = {3, 4, 5, 6, 3, 4, 0, 0, 5, 6, 6, 3, 0, 4, 0, 0, 5, 3};
static const int32_t DEC_IN[B * U] = {1, 3, 4, 5, 1, 6, 3, 0, 1, 5, 0, 0};
static const int32_t DEC_TGT[B * U] = {3, 4, 5, 2, 6, 3, 2, -1, 5, 2, -1, -1};

static rnnlab_seq2seq *make(int cell, int form, int layers, int bidir) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = cell, c.hidden_size = H, c.layers = layers, c.bidirectional = bidir;
  c.input_size = V, c.output_size = V, c.init = RNNLAB_INIT_UNIFORM, c.init_scale = 0.6f, c.seed_lo = 11;
  if (cell == RNNLAB_CELL_CTRNN) c.alpha = 0.5f;
  rnnlab_seq2seq *s = NULL;
  char err[256];
  rnnlab_status st = rnnlab_seq2seq_create_attention(&c, form, &s, err, sizeof err);
  CHECK(!st, "create: %s", err);
  if (s && s->al) /* attention weights large enough that their gradients are not lost in rounding */
    for (size_t i = 0; i < s->al->att.n; i++) s->al->att.params[i] *= 3.0f;
  return s;
}

static const rnnlab_seq2seq_batch batch = {B, S, U, SRC, DEC_IN, DEC_TGT};

static float loss_of(rnnlab_seq2seq *s) {
  float l = 0;
  rnnlab_status st = rnnlab_seq2seq_forward(s, &batch, NULL, &l);
  CHECK(!st, "forward: %s", rnnlab_seq2seq_error(s));
  return l;
}

/* every float of [begin, n) of one arena */
static int check_arena(rnnlab_seq2seq *s, float *p, const float *g, size_t begin, size_t n, const char *what, const char *name) {
  const float e = 1e-2f;
  int bad = 0;
  for (size_t i = begin; i < n; i++) {
    const float w = p[i], a = g[i];
    p[i] = w + e;
    const double lp = loss_of(s);
    p[i] = w - e;
    const double lm = loss_of(s);
    p[i] = w;
    const double num = (lp - lm) / (2.0 * e), den = fabs(a) + fabs(num) > 1e-2 ? fabs(a) + fabs(num) : 1e-2;
    if (fabs(a - num) / den > 2e-2) {
      if (bad++ < 3) fprintf(stderr, "%s %s[%zu]: analytic %.6g numeric %.6g\n", name, what, i, a, num);
    }
  }
  return bad;
}

static void gradcheck(int cell, int form, int layers, int bidir) {
  static const char *forms[] = {"none", "additive", "dot", "general"}, *cells[] = {"rnn", "lstm", "gru", "ctrnn", "esn"};
  char name[64];
  snprintf(name, sizeof name, "%s-%s-L%d-%s", forms[form], cells[cell], layers, bidir ? "bi" : "uni");
  rnnlab_seq2seq *s = make(cell, form, layers, bidir);
  if (!s) return;
  CHECK(rnnlab_seq2seq_aligned(s) == 1, "%s: aligned", name);
  float loss = 0;
  CHECK(!rnnlab_seq2seq_backward(s, &batch, &loss), "%s: backward: %s", name, rnnlab_seq2seq_error(s));
  /* the analytic gradients, kept: every forward below leaves the gradient arenas alone, but copy anyway */
  rnnlab_model *e = s->enc, *d = s->dec;
  float *ge = malloc(sizeof(float) * e->n_params), *gd = malloc(sizeof(float) * d->n_params);
  float *ga = malloc(sizeof(float) * (s->al->att.n + 1));
  memcpy(ge, e->grads, sizeof(float) * e->n_params), memcpy(gd, d->grads, sizeof(float) * d->n_params);
  if (s->al->att.n) memcpy(ga, s->al->att.grads, sizeof(float) * s->al->att.n);
  double gnorm = 0;
  for (size_t i = e->train_begin; i < e->n_params; i++) gnorm += ge[i] * ge[i];
  int bad = check_arena(s, e->params, ge, e->train_begin, e->n_params, "encoder", name);
  bad += check_arena(s, d->params, gd, d->train_begin, d->n_params, "decoder", name);
  bad += check_arena(s, s->al->att.params, ga, 0, s->al->att.n, "attention", name);
  CHECK(bad == 0, "%s: %d gradient elements disagree", name, bad);
  if (cell != RNNLAB_CELL_ESN) CHECK(gnorm > 1e-8, "%s: the encoder receives gradient (%g)", name, gnorm);
  free(ge), free(gd), free(ga);
  rnnlab_seq2seq_free(s);
}

/* PAD weights exactly 0, rows sum to 1; each row alone (its symbols only) equals its row in the batch */
static void masks_and_rows(int cell, int form, int bidir) {
  rnnlab_seq2seq *s = make(cell, form, 2, bidir);
  if (!s) return;
  float out[B * U * V], att[B * U * S], loss;
  CHECK(!rnnlab_seq2seq_forward(s, &batch, out, &loss), "forward: %s", rnnlab_seq2seq_error(s));
  CHECK(!rnnlab_seq2seq_attention_trace(s, att), "trace: %s", rnnlab_seq2seq_error(s));
  for (int b = 0; b < B; b++)
    for (int u = 0; u < U; u++) {
      double sum = 0;
      for (int j = 0; j < S; j++) {
        const float a = att[(b * U + u) * S + j];
        if (SRC[b * S + j] == 0) CHECK(a == 0.0f, "row %d step %d: PAD %d has weight %g", b, u, j, a);
        else CHECK(a > 0.0f, "row %d step %d: symbol %d has weight %g", b, u, j, a);
        sum += a;
      }
      CHECK_CLOSE(sum, 1.0, 1e-6, 0, "attention row sum");
    }
  for (int b = 0; b < B; b++) {
    int32_t src[S];
    int n = 0;
    for (int j = 0; j < S; j++)
      if (SRC[b * S + j]) src[n++] = SRC[b * S + j];
    rnnlab_seq2seq_batch one = {1, n, U, src, DEC_IN + b * U, DEC_TGT + b * U};
    float o1[U * V], a1[U * S];
    CHECK(!rnnlab_seq2seq_forward(s, &one, o1, &loss), "alone: %s", rnnlab_seq2seq_error(s));
    CHECK(!rnnlab_seq2seq_attention_trace(s, a1), "alone trace");
    double worst = 0;
    for (int i = 0; i < U * V; i++) worst = fmax(worst, fabs(o1[i] - out[b * U * V + i]));
    for (int u = 0; u < U; u++)
      for (int j = 0, k = 0; j < S; j++)
        if (SRC[b * S + j]) worst = fmax(worst, fabs(a1[u * n + k++] - att[(b * U + u) * S + j]));
    CHECK(worst <= 1e-6, "row %d alone differs from its row in the batch by %g", b, worst);
  }
  /* a beam hypothesis's alignment = the teacher-forced trace of the same tokens */
  rnnlab_decode_config dc;
  rnnlab_decode_config_default(&dc);
  dc.strategy = RNNLAB_DECODE_BEAM, dc.beam_width = 3, dc.length = U, dc.eos = 2;
  int32_t tok[3 * U], len[3], count = 0;
  float lp[3];
  CHECK(!rnnlab_seq2seq_decode(s, SRC, S, 1, &dc, tok, len, lp, NULL, &count), "decode: %s", rnnlab_seq2seq_error(s));
  CHECK(count >= 1, "decode: %d hypotheses", count);
  float al[U * S];
  const int n = len[0] < U ? len[0] + 1 : U; /* the tokens and the EOS that ended them */
  int32_t hyp[U];
  for (int u = 0; u < n; u++) hyp[u] = u < len[0] ? tok[u] : 2;
  CHECK(!rnnlab_seq2seq_align(s, SRC, S, 1, hyp, n, al), "align: %s", rnnlab_seq2seq_error(s));
  int32_t din[U], dtg[U];
  for (int u = 0; u < n; u++) din[u] = u ? hyp[u - 1] : 1, dtg[u] = hyp[u];
  rnnlab_seq2seq_batch hb = {1, S, n, SRC, din, dtg};
  CHECK(!rnnlab_seq2seq_forward(s, &hb, NULL, &loss), "forward: %s", rnnlab_seq2seq_error(s));
  CHECK(!rnnlab_seq2seq_attention_trace(s, att), "trace");
  double worst = 0;
  for (int i = 0; i < n * S; i++) worst = fmax(worst, fabs(al[i] - att[i]));
  CHECK(worst <= 1e-6, "align vs trace: %g", worst);
  rnnlab_seq2seq_free(s);
}

/* save with the optimizer mid-run, load, train on: the same losses to the bit; weights-only too */
static void save_load(int form, int bidir) {
  rnnlab_seq2seq *s = make(RNNLAB_CELL_LSTM, form, 1, bidir);
  if (!s) return;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.optimizer = RNNLAB_OPT_ADAM, tc.learning_rate = 0.01f;
  rnnlab_step_result r;
  for (int k = 0; k < 3; k++) CHECK(!rnnlab_seq2seq_step(s, &tc, &batch, 0.5f, &r), "step: %s", rnnlab_seq2seq_error(s));
  const size_t n = rnnlab_seq2seq_save_size(s, 1);
  uint8_t *buf = malloc(n);
  CHECK(!rnnlab_seq2seq_save(s, 1, buf, n), "save: %s", rnnlab_seq2seq_error(s));
  rnnlab_seq2seq *t = NULL;
  char err[256];
  CHECK(!rnnlab_seq2seq_load(buf, n, 1, &t, err, sizeof err), "load: %s", err);
  if (t) {
    CHECK(rnnlab_seq2seq_attention(t) == form && rnnlab_seq2seq_aligned(t), "load: form %d", rnnlab_seq2seq_attention(t));
    for (int k = 0; k < 3; k++) {
      rnnlab_step_result a, b;
      CHECK(!rnnlab_seq2seq_step(s, &tc, &batch, 0.5f, &a) && !rnnlab_seq2seq_step(t, &tc, &batch, 0.5f, &b), "steps after load");
      CHECK(a.loss == b.loss && a.grad_norm == b.grad_norm, "resumed step %d: %.9g vs %.9g", k, a.loss, b.loss);
    }
    rnnlab_seq2seq_free(t);
  }
  buf[n / 2] ^= 1;
  CHECK(rnnlab_seq2seq_load(buf, n, 1, &t, err, sizeof err) == RNNLAB_EFORMAT, "a flipped bit is refused");
  CHECK(rnnlab_seq2seq_load(buf, n - 7, 1, &t, err, sizeof err) == RNNLAB_EFORMAT, "a truncated file is refused");
  free(buf);
  rnnlab_seq2seq_free(s);
}

int main(void) {
  static const int cells[] = {RNNLAB_CELL_RNN, RNNLAB_CELL_LSTM, RNNLAB_CELL_GRU, RNNLAB_CELL_CTRNN, RNNLAB_CELL_ESN};
  for (int f = RNNLAB_ATTENTION_ADDITIVE; f <= RNNLAB_ATTENTION_GENERAL; f++)
    for (int c = 0; c < 5; c++) {
      gradcheck(cells[c], f, 1, 0);
      gradcheck(cells[c], f, 2, 1);
    }
  gradcheck(RNNLAB_CELL_LSTM, RNNLAB_ATTENTION_NONE, 1, 1);
  gradcheck(RNNLAB_CELL_GRU, RNNLAB_ATTENTION_NONE, 2, 1);
  for (int f = RNNLAB_ATTENTION_ADDITIVE; f <= RNNLAB_ATTENTION_GENERAL; f++) {
    masks_and_rows(RNNLAB_CELL_LSTM, f, 1);
    masks_and_rows(RNNLAB_CELL_GRU, f, 0);
  }
  for (int f = RNNLAB_ATTENTION_ADDITIVE; f <= RNNLAB_ATTENTION_GENERAL; f++) save_load(f, f == RNNLAB_ATTENTION_DOT);
  save_load(RNNLAB_ATTENTION_NONE, 1);
  return check_summary("test_attention");
}
