/* test_model.c - the model's contracts other than gradients: configuration checks with their
 * messages, parameter counts (PyTorch's for the standard cells), initialisation (seeded,
 * orthogonal, spectral radius, dead blocks of ablations at zero), batch independence, state
 * carried across chunks equals one long pass, the trace, and bad batches refused while the model
 * keeps working. */
#include <stdlib.h>
#include <string.h>

#include "../../core/internal.h"
#include "../../core/cells/cell.h"
#include "check.h"

static rnnlab_config base(int cell, int I, int H, int V) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = cell, c.input_size = I, c.hidden_size = H, c.output_size = V, c.seed_lo = 11;
  return c;
}

static rnnlab_model *create(const rnnlab_config *c) {
  rnnlab_model *m = NULL;
  char err[256];
  rnnlab_status s = rnnlab_model_create(c, &m, err, sizeof err);
  CHECK(s == RNNLAB_OK, "create: %s", err);
  return m;
}

/* a config mutated one field at a time must be refused with a message naming that field */
static void test_config_errors(void) {
  for (int k = 0; k < 12; k++) {
    rnnlab_config c = base(RNNLAB_CELL_LSTM, 3, 4, 3);
    const char *word = "";
    switch (k) {
    case 0: c.cell = 9, word = "config.cell"; break;
    case 1: c.variant = 99, word = "config.variant"; break;
    case 2: c.hidden_size = 0, word = "config.hiddenSize"; break;
    case 3: c.hidden_size = 1 << 20, word = "config.hiddenSize"; break;
    case 4: c.input_size = -1, word = "config.inputSize"; break;
    case 5: c.layers = 0, word = "config.layers"; break;
    case 6: c.output_size = 1, word = "config.outputSize"; break; /* softmax needs 2 */
    case 7: c.alpha = 0, word = "config.alpha"; break;
    case 8: c.init_scale = 0.0f / 0.0f, word = "config.initScale"; break;
    case 9: c.g_lo = 3, word = "config.gRange"; break;
    case 10: c.hidden_size = 4096, c.input_size = 1 << 20, c.input_kind = RNNLAB_INPUT_DENSE, word = "too large"; break;
    case 11: c.output_kind = 7, word = "config.output"; break;
    }
    rnnlab_model *m = (rnnlab_model *)1;
    char err[256] = "";
    rnnlab_status s = rnnlab_model_create(&c, &m, err, sizeof err);
    CHECK(s == RNNLAB_EINVAL && m == NULL, "case %d: status %d", k, s);
    CHECK(strstr(err, word) != NULL, "case %d: message '%s' does not name '%s'", k, err, word);
  }
  rnnlab_model_free(NULL); /* no-op */
}

/* PyTorch's parameter counts: G(I + H + 2) per layer and direction, plus V(DH + 1) */
static void test_param_counts(void) {
  struct { int cell, gates, L, bi; } k[] = {{RNNLAB_CELL_RNN, 1, 1, 0}, {RNNLAB_CELL_LSTM, 4, 2, 1}, {RNNLAB_CELL_GRU, 3, 2, 0}};
  for (int i = 0; i < 3; i++) {
    rnnlab_config c = base(k[i].cell, 5, 7, 3);
    c.layers = k[i].L, c.bidirectional = k[i].bi;
    rnnlab_model *m = create(&c);
    if (!m) continue;
    const int D = 1 + k[i].bi, G = k[i].gates * 7;
    int64_t want = 0;
    for (int l = 0; l < k[i].L; l++) want += (int64_t)D * G * ((l ? D * 7 : 5) + 7 + 2);
    want += 3 * (D * 7 + 1);
    CHECK(rnnlab_model_param_count(m) == want, "cell %d: %lld parameters, PyTorch has %lld", k[i].cell,
          (long long)rnnlab_model_param_count(m), (long long)want);
    rnnlab_model_free(m);
  }
  /* ablations: dead blocks are zero and not counted; peepholes 3H */
  const int H = 4, I = 3, V = 3;
  const int64_t lstm = 4 * H * (I + H + 2) + V * (H + 1), block = H * (I + H + 2);
  struct { int v; int64_t want; } ab[] = {
    {RNNLAB_LSTM_VANILLA, lstm + 3 * H}, {RNNLAB_LSTM_NIG, lstm - block + 2 * H}, {RNNLAB_LSTM_NFG, lstm - block + 2 * H},
    {RNNLAB_LSTM_CIFG, lstm - block + 2 * H}, {RNNLAB_LSTM_1997, lstm - block}, {RNNLAB_LSTM_NP, lstm},
    {RNNLAB_LSTM_FGR, lstm + 3 * H + 9 * H * H},
  };
  for (int i = 0; i < 7; i++) {
    rnnlab_config c = base(RNNLAB_CELL_LSTM, I, H, V);
    c.variant = ab[i].v, c.forget_bias = 1.0f;
    rnnlab_model *m = create(&c);
    if (!m) continue;
    CHECK(rnnlab_model_param_count(m) == ab[i].want, "variant %d: %lld parameters, expected %lld", ab[i].v,
          (long long)rnnlab_model_param_count(m), (long long)ab[i].want);
    if (ab[i].v == RNNLAB_LSTM_NFG || ab[i].v == RNNLAB_LSTM_CIFG || ab[i].v == RNNLAB_LSTM_1997) {
      float bias[16];
      for (int t = 0; t < rnnlab_model_tensor_count(m); t++)
        if (!strcmp(rnnlab_model_tensor_name(m, t), "bias_ih_l0")) rnnlab_model_get_tensor(m, t, 0, bias);
      int zero = 1;
      for (int j = 0; j < H; j++) zero &= bias[H + j] == 0.0f;
      CHECK(zero, "variant %d: the unused forget-gate bias is not zero", ab[i].v);
    }
    rnnlab_model_free(m);
  }
  rnnlab_config c = base(RNNLAB_CELL_ESN, 3, 10, 2);
  rnnlab_model *m = create(&c);
  if (m) {
    CHECK(rnnlab_model_param_count(m) == 2 * 11, "esn trains only the readout: %lld", (long long)rnnlab_model_param_count(m));
    rnnlab_model_free(m);
  }
}

static void test_init(void) {
  /* same seed, same bits; another seed, other weights */
  rnnlab_config c = base(RNNLAB_CELL_LSTM, 5, 6, 4);
  rnnlab_model *a = create(&c), *b = create(&c);
  c.seed_lo = 12;
  rnnlab_model *d = create(&c);
  if (a && b && d) {
    CHECK(!memcmp(a->params, b->params, a->n_params * sizeof(float)), "same seed gave different weights");
    CHECK(memcmp(a->params, d->params, a->n_params * sizeof(float)) != 0, "another seed gave the same weights");
  }
  rnnlab_model_free(a), rnnlab_model_free(b), rnnlab_model_free(d);
  /* orthogonal: each (H,H) gate block of weight_hh satisfies Q Q^T = I */
  c = base(RNNLAB_CELL_GRU, 3, 8, 3);
  c.init = RNNLAB_INIT_ORTHOGONAL;
  rnnlab_model *m = create(&c);
  if (m) {
    float w[3 * 8 * 8];
    for (int t = 0; t < m->n_tensors; t++)
      if (!strcmp(m->tensors[t].name, "weight_hh_l0")) rnnlab_model_get_tensor(m, t, 0, w);
    double worst = 0;
    for (int g = 0; g < 3; g++)
      for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
          double s = 0;
          for (int k = 0; k < 8; k++) s += (double)w[(g * 8 + i) * 8 + k] * w[(g * 8 + j) * 8 + k];
          worst = fmax(worst, fabs(s - (i == j)));
        }
    CHECK(worst < 1e-5, "orthogonal init: |QQ^T - I| = %g", worst);
    rnnlab_model_free(m);
  }
  /* Glorot on a one-column weight: weight_ih of inputSize 1 is a weight, U(+-sqrt(6 / (1 + H)))
   * per gate block, not a bias left at zero; the biases are zero */
  for (int init = RNNLAB_INIT_GLOROT; init <= RNNLAB_INIT_ORTHOGONAL; init++) {
    c = base(RNNLAB_CELL_LSTM, 1, 6, 2);
    c.input_kind = RNNLAB_INPUT_DENSE, c.init = init;
    m = create(&c);
    if (!m) continue;
    float w[4 * 6], bias[4 * 6];
    int nonzero = 0, inside = 1, bias_zero = 1;
    for (int t = 0; t < m->n_tensors; t++) {
      if (!strcmp(m->tensors[t].name, "weight_ih_l0")) rnnlab_model_get_tensor(m, t, 0, w);
      if (!strcmp(m->tensors[t].name, "bias_ih_l0")) rnnlab_model_get_tensor(m, t, 0, bias);
    }
    const float a = sqrtf(6.0f / (1 + 6));
    for (int i = 0; i < 24; i++) nonzero += w[i] != 0, inside &= fabsf(w[i]) <= a, bias_zero &= bias[i] == 0;
    CHECK(nonzero == 24 && inside && bias_zero, "init %d, inputSize 1: %d of 24 input weights drawn, inside +-%g: %d, biases 0: %d",
          init, nonzero, (double)a, inside, bias_zero);
    rnnlab_model_free(m);
  }
  /* ESN reservoir scaled to the spectral radius: |U^k v|^(1/k) tends to rho */
  c = base(RNNLAB_CELL_ESN, 3, 40, 2);
  c.spectral_radius = 0.8f;
  m = create(&c);
  if (m) {
    const float *U = m->P[0][0].Wh;
    double v[40], w[40], lg = 0;
    for (int i = 0; i < 40; i++) v[i] = 1.0 / sqrt(40.0);
    for (int it = 0; it < 300; it++) {
      double n = 0;
      for (int j = 0; j < 40; j++) {
        w[j] = 0;
        for (int i = 0; i < 40; i++) w[j] += v[i] * U[i * 40 + j];
        n += w[j] * w[j];
      }
      n = sqrt(n);
      if (it >= 100) lg += log(n);
      for (int j = 0; j < 40; j++) v[j] = w[j] / n;
    }
    CHECK_CLOSE(exp(lg / 200), 0.8, 0.1, 0, "ESN spectral radius estimate");
    rnnlab_model_free(m);
  }
}

static void random_batch(rnnlab_batch *b, int B, int T, int I, int V, int32_t *tok, int32_t *tgt, uint64_t seed) {
  rng_state r;
  rng_seed(&r, seed);
  memset(b, 0, sizeof *b);
  for (int i = 0; i < B * T; i++) tok[i] = (int32_t)rng_below(&r, I), tgt[i] = (int32_t)rng_below(&r, V);
  b->batch = B, b->length = T, b->tokens = tok, b->target_ids = tgt;
}

/* the rows of a batch do not see each other; chunks with carried state equal one long pass */
static void test_batch_and_carry(void) {
  const int cells[4] = {RNNLAB_CELL_LSTM, RNNLAB_CELL_GRU, RNNLAB_CELL_RNN, RNNLAB_CELL_CTRNN};
  for (int ci = 0; ci < 4; ci++) {
    rnnlab_config c = base(cells[ci], 5, 6, 4);
    c.layers = 2, c.alpha = ci == 3 ? 0.5f : 1.0f;
    rnnlab_model *m = create(&c);
    if (!m) continue;
    enum { B = 3, T = 8, V = 4 };
    int32_t tok[B * T], tgt[B * T];
    float full[B * T * V], part[B * T * V], one[T * V];
    rnnlab_batch b;
    random_batch(&b, B, T, 5, V, tok, tgt, 2);
    CHECK(rnnlab_model_forward(m, &b, full, NULL) == RNNLAB_OK, "forward");
    /* row 1 alone */
    rnnlab_batch b1 = b;
    b1.batch = 1, b1.tokens = tok + T, b1.target_ids = tgt + T;
    CHECK(rnnlab_model_forward(m, &b1, one, NULL) == RNNLAB_OK, "forward B=1");
    double worst = 0;
    for (int i = 0; i < T * V; i++) worst = fmax(worst, fabs(one[i] - full[T * V + i]));
    CHECK(worst < 1e-6, "cell %d: row 1 alone differs from row 1 in the batch by %g", cells[ci], worst);
    /* two chunks: steps [0,3) then [3,8) with carry_state, batch-major sub-arrays */
    int32_t t1[B * 3], g1[B * 3], t2[B * 5], g2[B * 5];
    float o1[B * 3 * V], o2[B * 5 * V];
    for (int r = 0; r < B; r++) {
      memcpy(t1 + r * 3, tok + r * T, sizeof(int32_t) * 3), memcpy(g1 + r * 3, tgt + r * T, sizeof(int32_t) * 3);
      memcpy(t2 + r * 5, tok + r * T + 3, sizeof(int32_t) * 5), memcpy(g2 + r * 5, tgt + r * T + 3, sizeof(int32_t) * 5);
    }
    rnnlab_batch c1 = {B, 3, t1, NULL, g1, NULL, NULL, 0}, c2 = {B, 5, t2, NULL, g2, NULL, NULL, 1};
    CHECK(rnnlab_model_forward(m, &c1, o1, NULL) == RNNLAB_OK && rnnlab_model_forward(m, &c2, o2, NULL) == RNNLAB_OK, "chunks");
    for (int r = 0; r < B; r++) {
      memcpy(part + (r * T) * V, o1 + r * 3 * V, sizeof(float) * 3 * V);
      memcpy(part + (r * T + 3) * V, o2 + r * 5 * V, sizeof(float) * 5 * V);
    }
    worst = 0;
    for (int i = 0; i < B * T * V; i++) worst = fmax(worst, fabs(part[i] - full[i]));
    CHECK(worst < 1e-6, "cell %d: chunked pass with carried state differs by %g", cells[ci], worst);
    /* without carry the second chunk starts from zeros and must differ */
    c2.carry_state = 0;
    rnnlab_model_forward(m, &c2, o2, NULL);
    worst = 0;
    for (int r = 0; r < B; r++)
      for (int i = 0; i < 5 * V; i++) worst = fmax(worst, fabs(o2[r * 5 * V + i] - full[(r * T + 3) * V + i]));
    CHECK(worst > 1e-4, "cell %d: reset state made no difference", cells[ci]);
    rnnlab_model_free(m);
  }
}

/* the trace holds what the pass computed, and the gradient flowing back in time */
static void test_trace(void) {
  rnnlab_config c = base(RNNLAB_CELL_LSTM, 4, 5, 4);
  c.bidirectional = 1;
  rnnlab_model *m = create(&c);
  if (!m) return;
  enum { B = 2, T = 6, H = 5, V = 4 };
  float g[B * T * 4 * H], h[B * T * H], cs[B * T * H], gn[B * T], out[B * T * V], fo[B * T * V];
  CHECK(rnnlab_model_trace(m, 0, 0, RNNLAB_TRACE_GATES, g) == RNNLAB_ESTATE, "trace before any pass");
  CHECK(strstr(rnnlab_model_error(m), "forward") != NULL, "message: %s", rnnlab_model_error(m));
  int32_t tok[B * T], tgt[B * T];
  rnnlab_batch b;
  random_batch(&b, B, T, 4, V, tok, tgt, 9);
  rnnlab_model_forward(m, &b, fo, NULL);
  rnnlab_model_zero_grad(m);
  CHECK(rnnlab_model_backward(m, &b, NULL) == RNNLAB_OK, "backward");
  CHECK(rnnlab_model_trace_batch(m) == B && rnnlab_model_trace_length(m) == T, "trace shape");
  for (int d = 0; d < 2; d++) {
    CHECK(rnnlab_model_trace(m, 0, d, RNNLAB_TRACE_GATES, g) == RNNLAB_OK, "gates");
    rnnlab_model_trace(m, 0, d, RNNLAB_TRACE_HIDDEN, h);
    rnnlab_model_trace(m, 0, d, RNNLAB_TRACE_CELL, cs);
    rnnlab_model_trace(m, 0, d, RNNLAB_TRACE_GRADNORM, gn);
    double worst = 0;
    int gates_in_range = 1, grad_positive = 1;
    for (int bt = 0; bt < B * T; bt++) {
      for (int j = 0; j < H; j++) { /* h = o * tanh(c) */
        const float o = g[bt * 4 * H + 3 * H + j];
        worst = fmax(worst, fabs(h[bt * H + j] - o * tanhf(cs[bt * H + j])));
      }
      for (int j = 0; j < 4 * H; j++) {
        const float v = g[bt * 4 * H + j];
        gates_in_range &= (j / H == 2) ? (v >= -1 && v <= 1) : (v >= 0 && v <= 1);
      }
      grad_positive &= gn[bt] > 0;
    }
    CHECK(worst < 1e-5, "dir %d: traced h differs from o*tanh(c) by %g", d, worst);
    CHECK(gates_in_range, "dir %d: gate values outside their ranges", d);
    CHECK(grad_positive, "dir %d: |dL/dh_t| should be positive everywhere", d);
  }
  rnnlab_model_trace(m, 0, 0, RNNLAB_TRACE_OUTPUTS, out);
  CHECK(!memcmp(out, fo, sizeof out), "traced outputs differ from forward outputs");
  CHECK(rnnlab_model_trace(m, 1, 0, RNNLAB_TRACE_GATES, g) == RNNLAB_EINVAL, "layer out of range");
  rnnlab_model_free(m);
}

/* bad batches: the status and a message naming the argument; the model still works after */
static void test_bad_batches(void) {
  rnnlab_config c = base(RNNLAB_CELL_GRU, 4, 5, 3);
  rnnlab_model *m = create(&c);
  if (!m) return;
  int32_t tok[6] = {0, 1, 2, 3, 0, 1}, tgt[6] = {0, 1, 2, 0, -1, 1};
  rnnlab_batch ok = {2, 3, tok, NULL, tgt, NULL, NULL, 0};
  float before[18], after[18];
  CHECK(rnnlab_model_forward(m, &ok, before, NULL) == RNNLAB_OK, "forward");
  float nan_in[24] = {0};
  nan_in[5] = 0.0f / 0.0f;
  int32_t bad_tok[6] = {0, 1, 9, 3, 0, 1}, bad_tgt[6] = {0, 1, 2, 0, 3, 1};
  struct { rnnlab_batch b; rnnlab_status s; const char *word; } k[] = {
    {{0, 3, tok, NULL, tgt, NULL, NULL, 0}, RNNLAB_EINVAL, "batchSize"},
    {{2, 0, tok, NULL, tgt, NULL, NULL, 0}, RNNLAB_EINVAL, "length"},
    {{2, 3, bad_tok, NULL, tgt, NULL, NULL, 0}, RNNLAB_EINVAL, "batch.inputs[2] = 9"},
    {{2, 3, tok, NULL, bad_tgt, NULL, NULL, 0}, RNNLAB_EINVAL, "batch.targets[4] = 3"},
    {{2, 3, NULL, nan_in, tgt, NULL, NULL, 0}, RNNLAB_EINVAL, "token ids"},
    {{1 << 20, 1 << 20, tok, NULL, tgt, NULL, NULL, 0}, RNNLAB_EINVAL, "too large"},
  };
  for (int i = 0; i < 6; i++) {
    rnnlab_status s = rnnlab_model_forward(m, &k[i].b, NULL, NULL);
    CHECK(s == k[i].s, "case %d: status %d", i, s);
    CHECK(strstr(rnnlab_model_error(m), k[i].word) != NULL, "case %d: '%s' does not name '%s'", i, rnnlab_model_error(m), k[i].word);
  }
  CHECK(rnnlab_model_forward(m, &ok, after, NULL) == RNNLAB_OK && !memcmp(before, after, sizeof before), "model changed by errors");
  CHECK(rnnlab_model_error(m)[0] == 0, "error message not cleared after success");
  /* dense NaN */
  rnnlab_config cd = base(RNNLAB_CELL_RNN, 4, 5, 3);
  cd.input_kind = RNNLAB_INPUT_DENSE;
  rnnlab_model *md = create(&cd);
  if (md) {
    rnnlab_batch bn = {2, 3, NULL, nan_in, tgt, NULL, NULL, 0};
    CHECK(rnnlab_model_forward(md, &bn, NULL, NULL) == RNNLAB_ENONFINITE, "NaN input");
    CHECK(strstr(rnnlab_model_error(md), "batch.inputs[5] is NaN") != NULL, "%s", rnnlab_model_error(md));
    rnnlab_model_free(md);
  }
  /* NaN weights are refused by set_tensor */
  float w[15 * 4];
  for (int i = 0; i < 60; i++) w[i] = 0.1f;
  w[3] = 1.0f / 0.0f;
  CHECK(rnnlab_model_set_tensor(m, 0, w) == RNNLAB_ENONFINITE, "Inf weight accepted");
  CHECK(rnnlab_model_forward(m, &ok, after, NULL) == RNNLAB_OK && !memcmp(before, after, sizeof before), "weights changed by a refused set");
  rnnlab_model_free(m);
}

/* The gradient contract (rnnlab.h): rnnlab_model_backward leaves exactly this batch's gradients,
 * whatever the arena held before: b1, then b2, then b1 again gives b1's gradients bit for bit. */
static void test_gradient_contract(void) {
  const int cells[] = {RNNLAB_CELL_RNN, RNNLAB_CELL_LSTM, RNNLAB_CELL_GRU, RNNLAB_CELL_CTRNN, RNNLAB_CELL_ESN};
  for (int ci = 0; ci < 5; ci++) {
    rnnlab_config c = base(cells[ci], 3, 4, 3);
    rnnlab_model *m = create(&c);
    if (!m) return;
    enum { B = 2, T = 5 };
    int32_t tok1[B * T], tgt1[B * T], tok2[B * T], tgt2[B * T];
    rnnlab_batch b1, b2;
    random_batch(&b1, B, T, 3, 3, tok1, tgt1, 1);
    random_batch(&b2, B, T, 3, 3, tok2, tgt2, 2);
    const int n = rnnlab_model_tensor_count(m);
    size_t total = 0;
    for (int i = 0; i < n; i++) total += (size_t)rnnlab_model_tensor_rows(m, i) * rnnlab_model_tensor_cols(m, i);
    float *first = calloc(total, sizeof(float)), *again = calloc(total, sizeof(float));
    CHECK(first && again, "alloc");
    if (!first || !again) return;
    float *dst[2] = {first, again};
    for (int round = 0; round < 2; round++) {
      if (round) CHECK(rnnlab_model_backward(m, &b2, NULL) == RNNLAB_OK, "backward b2");
      CHECK(rnnlab_model_backward(m, &b1, NULL) == RNNLAB_OK, "backward b1");
      size_t at = 0;
      for (int i = 0; i < n; i++) {
        CHECK(rnnlab_model_get_tensor(m, i, 1, dst[round] + at) == RNNLAB_OK, "gradient %d", i);
        at += (size_t)rnnlab_model_tensor_rows(m, i) * rnnlab_model_tensor_cols(m, i);
      }
    }
    double nonzero = 0;
    for (size_t i = 0; i < total; i++) nonzero += fabs(first[i]);
    CHECK(nonzero > 0, "cell %d: no gradient at all", cells[ci]);
    CHECK(memcmp(first, again, total * sizeof(float)) == 0, "cell %d: backward added to the gradients it found", cells[ci]);
    free(first), free(again);
    rnnlab_model_free(m);
  }
}

/* Every rnnlab_cell has a complete row in the cell table, named as wasm/names.mjs CELLS. */
static void test_cell_table(void) {
  static const char *const names[] = {"rnn", "lstm", "gru", "ctrnn", "esn"}; /* rnnlab_cell order */
  for (int i = 0; i < 5; i++) {
    const cell_family *f = cell_family_of(i);
    CHECK(f && !strcmp(f->name, names[i]), "cell %d is '%s'", i, f ? f->name : "(none)");
    if (!f) continue;
    CHECK(f->gates >= 1 && f->forward && f->backward, "%s: gates %d, forward and backward", f->name, f->gates);
    rnnlab_config c;
    rnnlab_config_default(&c);
    c.cell = i, c.hidden_size = 3, c.input_size = 2, c.output_size = 2;
    rnnlab_model *m = NULL;
    CHECK(rnnlab_model_create(&c, &m, NULL, 0) == RNNLAB_OK && m->cell == f && m->G == f->gates * 3,
          "%s: the model takes its row", f->name);
    CHECK(m && (m->train_begin > 0) == f->fixed, "%s: only a fixed cell starts training at the readout", f->name);
    rnnlab_model_free(m);
  }
  CHECK(cell_family_of(-1) == NULL && cell_family_of(7) == NULL, "no row outside the table");
}

int main(void) {
  test_config_errors();
  test_param_counts();
  test_init();
  test_batch_and_carry();
  test_trace();
  test_bad_batches();
  test_gradient_contract();
  test_cell_table();
  return check_summary("model");
}
