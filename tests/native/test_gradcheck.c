/* test_gradcheck.c - central-difference gradient checks for every cell, LSTM variant, GRU form,
 * chaos-free network, 1 and 2 layers, uni- and bidirectional, each loss, dense and one-hot input.
 *
 * For every trainable parameter w: numeric = (L(w+e) - L(w-e)) / 2e with e = 1e-2 (float32
 * engine: a smaller step drowns in rounding), compared with the analytic gradient by
 *   err = |a - n| / max(|a| + |n|, 1e-2)       asserted <= 2e-2 for every element,
 * plus one directional check over all parameters at once (g . v against the slope along v),
 * asserted to 1e-3 relative, which catches small systematic errors a per-element bound lets by.
 * The same checks cover the CT-RNN's learnable time constants (learn_tau: alpha_logit_l<k>) and
 * the closed-loop loss of train/closedloop.c, whose gradient flows through the fed-back outputs. */
#include <stdlib.h>
#include <string.h>

#include "../../core/cells/cell.h"
#include "check.h"

typedef struct {
  const char *name;
  int cell, variant, reset_after, act, dense, layers, bidir, out;
  float alpha;
  int learn_tau; /* ctrnn: a time constant per unit */
  int warmup;    /* > 0: the closed-loop loss (train/closedloop.c) after this many true inputs */
} gc_case;

static void make_batch(rnnlab_model *m, rnnlab_batch *b, int B, int T, int32_t *tok, float *x, int32_t *ids, float *y,
                       float *mask, uint64_t seed) {
  const rnnlab_config *c = rnnlab_model_config(m);
  rng_state r;
  rng_seed(&r, seed);
  memset(b, 0, sizeof *b);
  b->batch = B, b->length = T;
  for (int i = 0; i < B * T; i++) {
    tok[i] = (int32_t)rng_below(&r, (uint32_t)c->input_size);
    ids[i] = (int32_t)rng_below(&r, (uint32_t)c->output_size);
    mask[i] = rng_uniform(&r) < 0.75f ? 1.0f : 0.0f;
  }
  ids[1] = -1, mask[0] = 1, mask[2] = 0;
  for (int i = 0; i < B * T * c->input_size; i++) x[i] = rng_symmetric(&r, 1.0f);
  for (int i = 0; i < B * T * c->output_size; i++)
    y[i] = c->output_kind == RNNLAB_OUTPUT_SIGMOID ? (float)(rng_uniform(&r) < 0.5f) : rng_symmetric(&r, 1.0f);
  if (c->input_kind == RNNLAB_INPUT_DENSE) b->inputs = x;
  else b->tokens = tok;
  if (c->output_kind == RNNLAB_OUTPUT_SOFTMAX) b->target_ids = ids;
  else b->targets = y, b->mask = mask;
}

static float *cl_buf;
static size_t cl_cap;
static int cl_warmup; /* the case's warmup: 0 = the model's teacher-forced loss */

static float loss_of(rnnlab_model *m, const rnnlab_batch *b) {
  float l = 0;
  rnnlab_status s = cl_warmup ? closedloop_pass(m, b, cl_warmup, 0, NULL, &l, &cl_buf, &cl_cap)
                              : rnnlab_model_forward(m, b, NULL, &l);
  if (s) CHECK(0, "forward: %s", rnnlab_model_error(m));
  return l;
}

static void run_case(const gc_case *k) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = k->cell, c.variant = k->variant, c.reset_after = k->reset_after, c.activation = k->act;
  c.input_kind = k->dense ? RNNLAB_INPUT_DENSE : RNNLAB_INPUT_ONEHOT;
  c.input_size = 3, c.hidden_size = 3, c.output_size = 4, c.layers = k->layers, c.bidirectional = k->bidir;
  c.output_kind = k->out, c.init = RNNLAB_INIT_UNIFORM, c.init_scale = 0.6f, c.alpha = k->alpha;
  c.learn_tau = k->learn_tau;
  if (k->warmup) c.output_size = c.input_size; /* the outputs are fed back as inputs */
  c.seed_lo = 7;
  rnnlab_model *m;
  char err[256];
  rnnlab_status s = rnnlab_model_create(&c, &m, err, sizeof err);
  CHECK(s == RNNLAB_OK, "%s: create: %s", k->name, err);
  if (s) return;
  enum { B = 2, T = 4 };
  int32_t tok[B * T], ids[B * T];
  float x[B * T * 3], y[B * T * 4], mask[B * T];
  rnnlab_batch b;
  make_batch(m, &b, B, T, tok, x, ids, y, mask, 99);
  if (k->learn_tau) { /* spread the time constants, so each unit's gradient differs */
    for (int l = 0; l < c.layers; l++)
      for (int d = 0; d < (c.bidirectional ? 2 : 1); d++)
        for (int j = 0; j < c.hidden_size; j++) m->P[l][d].tau[j] += 0.5f * (float)(j - 1) - 0.3f * (float)d;
  }
  cl_warmup = k->warmup;
  rnnlab_model_zero_grad(m);
  float l0;
  s = k->warmup ? closedloop_pass(m, &b, k->warmup, 1, NULL, &l0, &cl_buf, &cl_cap) : rnnlab_model_backward(m, &b, &l0);
  CHECK(s == RNNLAB_OK, "%s: backward: %s", k->name, rnnlab_model_error(m));
  const size_t n = m->n_params;
  float *g = malloc(n * sizeof(float)), *v = malloc(n * sizeof(float));
  memcpy(g, m->grads, n * sizeof(float));
  const float e = 1e-2f;
  double worst = 0;
  size_t worst_i = 0;
  int nonzero = 0;
  for (size_t i = m->train_begin; i < n; i++) {
    float w = m->params[i];
    /* as rnnlab_model_set_tensor does: the family's fix keeps floats that never act at zero */
    m->params[i] = w + e;
    if (m->cell->fix) m->cell->fix(m);
    float lp = loss_of(m, &b);
    m->params[i] = w - e;
    if (m->cell->fix) m->cell->fix(m);
    float lm = loss_of(m, &b);
    m->params[i] = w;
    double num = ((double)lp - lm) / (2.0 * e), a = g[i];
    double den = fabs(a) + fabs(num);
    double err_i = fabs(a - num) / (den > 1e-2 ? den : 1e-2);
    if (err_i > worst) worst = err_i, worst_i = i;
    nonzero += fabs(a) > 1e-6;
  }
  CHECK(worst <= 2e-2, "%s: worst per-element error %.3g at parameter %zu (analytic %.6g)", k->name, worst, worst_i, g[worst_i]);
  CHECK(nonzero > 0, "%s: all gradients are zero", k->name);
  /* directional: slope along a random +-1 direction over every trainable parameter */
  rng_state r;
  rng_seed(&r, 5);
  double gv = 0;
  for (size_t i = 0; i < n; i++) v[i] = i >= m->train_begin ? (rng_uniform(&r) < 0.5f ? -1.0f : 1.0f) : 0.0f;
  for (size_t i = 0; i < n; i++) gv += (double)g[i] * v[i];
  const float ed = 2e-3f;
  for (size_t i = 0; i < n; i++) m->params[i] += ed * v[i];
  if (m->cell->fix) m->cell->fix(m);
  double lp = loss_of(m, &b);
  for (size_t i = 0; i < n; i++) m->params[i] -= 2 * ed * v[i];
  if (m->cell->fix) m->cell->fix(m);
  double lm = loss_of(m, &b);
  for (size_t i = 0; i < n; i++) m->params[i] += ed * v[i];
  if (m->cell->fix) m->cell->fix(m);
  double slope = (lp - lm) / (2.0 * ed);
  CHECK(fabs(slope - gv) <= 2e-3 * (fabs(gv) + 1e-2) + 1e-3, "%s: directional %.6g vs g.v %.6g", k->name, slope, gv);
  if (k->warmup) { /* the feedback matters: the closed-loop gradient is not the teacher-forced one */
    rnnlab_model_backward(m, &b, NULL);
    double diff = 0;
    for (size_t i = m->train_begin; i < n; i++) diff += fabs((double)m->grads[i] - g[i]);
    CHECK(diff > 1e-3, "%s: the closed-loop gradient equals the teacher-forced one (sum |diff| %.3g)", k->name, diff);
  }
  cl_warmup = 0;
  free(g), free(v);
  rnnlab_model_free(m);
}

int main(void) {
  enum { SM = RNNLAB_OUTPUT_SOFTMAX, SG = RNNLAB_OUTPUT_SIGMOID, LN = RNNLAB_OUTPUT_LINEAR };
  static const char *vnames[] = {"standard", "vanilla", "1997", "NIG", "NFG", "NOG", "NIAF", "NOAF", "NP", "CIFG", "FGR"};
  gc_case cases[128];
  int n = 0;
  char names[128][64];
  for (int shape = 0; shape < 2; shape++) { /* 0: 1 layer, one-hot; 1: 2 layers bidirectional dense */
    const int dense = shape, L = shape ? 2 : 1, bi = shape;
    const char *sh = shape ? "L2-bi-dense" : "L1-onehot";
#define ADD(nm, cell_, var_, ra_, act_, out_, alpha_)                                                          \
  do {                                                                                                        \
    snprintf(names[n], sizeof names[n], "%s %s", nm, sh);                                                     \
    cases[n] = (gc_case){names[n], cell_, var_, ra_, act_, dense, L, bi, out_, alpha_, 0, 0};                \
    n++;                                                                                                      \
  } while (0)
    ADD("rnn-tanh", RNNLAB_CELL_RNN, 0, 1, RNNLAB_ACT_TANH, SM, 1.0f);
    ADD("rnn-relu", RNNLAB_CELL_RNN, 0, 1, RNNLAB_ACT_RELU, SM, 1.0f);
    ADD("rnn-sigmoid", RNNLAB_CELL_RNN, 0, 1, RNNLAB_ACT_SIGMOID, SM, 1.0f);
    ADD("ctrnn", RNNLAB_CELL_CTRNN, 0, 1, RNNLAB_ACT_TANH, SM, 0.4f);
    ADD("esn", RNNLAB_CELL_ESN, 0, 1, RNNLAB_ACT_TANH, SM, 0.7f);
    ADD("gru-after", RNNLAB_CELL_GRU, 0, 1, 0, SM, 1.0f);
    ADD("gru-before", RNNLAB_CELL_GRU, 0, 0, 0, SM, 1.0f);
    ADD("cfn", RNNLAB_CELL_CFN, 0, 1, 0, SM, 1.0f);
    ADD("cfn-linear-mse", RNNLAB_CELL_CFN, 0, 1, 0, LN, 1.0f);
    ADD("lsm-linear-mse", RNNLAB_CELL_LSM, 0, 1, 0, LN, 0.5f); /* fixed reservoir: the readout's gradient */
    for (int v = 0; v < RNNLAB_LSTM_VARIANT_COUNT; v++) {
      char nm[32];
      snprintf(nm, sizeof nm, "lstm-%s", vnames[v]);
      ADD(nm, RNNLAB_CELL_LSTM, v, 1, 0, SM, 1.0f);
    }
    ADD("lstm-standard-sigmoid-bce", RNNLAB_CELL_LSTM, 0, 1, 0, SG, 1.0f);
    ADD("lstm-standard-linear-mse", RNNLAB_CELL_LSTM, 0, 1, 0, LN, 1.0f);
    ADD("gru-after-linear-mse", RNNLAB_CELL_GRU, 0, 1, 0, LN, 1.0f);
    ADD("rnn-tanh-sigmoid-bce", RNNLAB_CELL_RNN, 0, 1, RNNLAB_ACT_TANH, SG, 1.0f);
    ADD("ctrnn-learntau", RNNLAB_CELL_CTRNN, 0, 1, RNNLAB_ACT_TANH, SM, 0.4f);
    cases[n - 1].learn_tau = 1;
    ADD("ctrnn-learntau-sigmoid-linear-mse", RNNLAB_CELL_CTRNN, 0, 1, RNNLAB_ACT_SIGMOID, LN, 0.2f);
    cases[n - 1].learn_tau = 1;
  }
  /* closed loop: dense, linear, inputSize == outputSize, one direction; 1 and 2 layers */
  for (int L = 1; L <= 2; L++) {
    const int dense = 1, bi = 0;
    const char *sh = L == 1 ? "closed-loop L1" : "closed-loop L2";
    ADD("ctrnn-learntau", RNNLAB_CELL_CTRNN, 0, 1, RNNLAB_ACT_TANH, LN, 0.5f);
    cases[n - 1].learn_tau = 1, cases[n - 1].warmup = 2;
    ADD("rnn-tanh", RNNLAB_CELL_RNN, 0, 1, RNNLAB_ACT_TANH, LN, 1.0f);
    cases[n - 1].warmup = 1;
    ADD("gru-after", RNNLAB_CELL_GRU, 0, 1, 0, LN, 1.0f);
    cases[n - 1].warmup = 2;
    ADD("lstm-standard", RNNLAB_CELL_LSTM, 0, 1, 0, LN, 1.0f);
    cases[n - 1].warmup = 3;
  }
  for (int i = 0; i < n; i++) run_case(&cases[i]);
  free(cl_buf);
  return check_summary("gradcheck");
}
