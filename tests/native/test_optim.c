/* test_optim.c - the trainer: defaults and validation, each optimizer against torch.optim's
 * equations, clipping and its statistics, learning-rate changes, truncated BPTT chunking, the
 * non-finite guard, the untouched ESN reservoir, and a small problem that must be learned.
 *
 * Reference updates are computed here in double from the documented PyTorch equations, starting
 * each step from the engine's own weights and (clipped) gradients, with the moments kept in
 * double across steps. Tolerance per element: |w - w_ref| <= 1e-7 + 1e-4 |w_ref - w_before|
 * (float32 rounding of the weight plus float32 rounding of the moments over a few steps). */
#include <stdlib.h>
#include <string.h>

#include "../../core/internal.h"
#include "check.h"

/* ---- fixtures ---- */

static rnnlab_config make_config(int cell, int dense, int I, int H, int out, int V, uint32_t seed) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = cell, c.variant = RNNLAB_LSTM_STANDARD, c.reset_after = 1, c.activation = RNNLAB_ACT_TANH;
  c.input_kind = dense ? RNNLAB_INPUT_DENSE : RNNLAB_INPUT_ONEHOT, c.input_size = I;
  c.hidden_size = H, c.layers = 1, c.bidirectional = 0, c.output_size = V, c.output_kind = out;
  c.init = RNNLAB_INIT_DEFAULT, c.init_scale = 0.1f, c.forget_bias = 0.0f;
  c.g_lo = -2.0f, c.g_hi = 2.0f, c.h_lo = -1.0f, c.h_hi = 1.0f;
  c.alpha = 1.0f, c.spectral_radius = 0.9f, c.input_scale = 1.0f;
  c.seed_lo = seed, c.seed_hi = 0;
  return c;
}

static rnnlab_model *new_model(const rnnlab_config *c) {
  rnnlab_model *m = NULL;
  char err[ERRLEN];
  rnnlab_status s = rnnlab_model_create(c, &m, err, sizeof err);
  CHECK(s == RNNLAB_OK && m, "model_create: %s", err);
  return m;
}

static rnnlab_trainer *new_trainer(rnnlab_model *m, const rnnlab_train_config *tc) {
  rnnlab_trainer *t = NULL;
  char err[ERRLEN];
  rnnlab_status s = rnnlab_trainer_create(m, tc, &t, err, sizeof err);
  CHECK(s == RNNLAB_OK && t, "trainer_create: %s", err);
  return t;
}

/* Random batch storage, batch-major (B,T): tokens, target ids, dense inputs and targets. */
typedef struct {
  int B, T, I, V;
  int32_t *tok, *ids;
  float *x, *y;
  rnnlab_batch b;
} batch_buf;

static void batch_make(batch_buf *bb, const rnnlab_config *c, int B, int T, uint64_t seed) {
  rng_state r;
  rng_seed(&r, seed);
  bb->B = B, bb->T = T, bb->I = c->input_size, bb->V = c->output_size;
  bb->tok = malloc(sizeof(int32_t) * B * T);
  bb->ids = malloc(sizeof(int32_t) * B * T);
  bb->x = malloc(sizeof(float) * B * T * bb->I);
  bb->y = malloc(sizeof(float) * B * T * bb->V);
  for (int i = 0; i < B * T; i++) {
    bb->tok[i] = (int32_t)rng_below(&r, (uint32_t)bb->I);
    bb->ids[i] = (int32_t)rng_below(&r, (uint32_t)bb->V);
  }
  for (int i = 0; i < B * T * bb->I; i++) bb->x[i] = rng_symmetric(&r, 1.0f);
  for (int i = 0; i < B * T * bb->V; i++) bb->y[i] = rng_symmetric(&r, 1.0f);
  memset(&bb->b, 0, sizeof bb->b);
  bb->b.batch = B, bb->b.length = T;
  if (c->input_kind == RNNLAB_INPUT_DENSE) bb->b.inputs = bb->x;
  else bb->b.tokens = bb->tok;
  if (c->output_kind == RNNLAB_OUTPUT_SOFTMAX) bb->b.target_ids = bb->ids;
  else bb->b.targets = bb->y;
}

/* The steps [t0, t0+len) of src as a batch of its own (copied into dst's storage). */
static void batch_slice(batch_buf *dst, const batch_buf *src, int t0, int len, int carry) {
  const int B = src->B, T = src->T, I = src->I, V = src->V;
  *dst = *src;
  dst->T = len;
  dst->tok = malloc(sizeof(int32_t) * B * len);
  dst->ids = malloc(sizeof(int32_t) * B * len);
  dst->x = malloc(sizeof(float) * B * len * I);
  dst->y = malloc(sizeof(float) * B * len * V);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < len; t++) {
      dst->tok[b * len + t] = src->tok[b * T + t0 + t];
      dst->ids[b * len + t] = src->ids[b * T + t0 + t];
      memcpy(dst->x + ((size_t)b * len + t) * I, src->x + ((size_t)b * T + t0 + t) * I, sizeof(float) * I);
      memcpy(dst->y + ((size_t)b * len + t) * V, src->y + ((size_t)b * T + t0 + t) * V, sizeof(float) * V);
    }
  dst->b.length = len;
  dst->b.carry_state = carry;
  if (src->b.tokens) dst->b.tokens = dst->tok;
  if (src->b.inputs) dst->b.inputs = dst->x;
  if (src->b.target_ids) dst->b.target_ids = dst->ids;
  if (src->b.targets) dst->b.targets = dst->y;
}

static void batch_free(batch_buf *bb) {
  free(bb->tok), free(bb->ids), free(bb->x), free(bb->y);
}

static double norm_of(const float *g, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += (double)g[i] * g[i];
  return sqrt(s);
}

/* ---- defaults, validation, arena helpers ---- */

static void test_defaults(void) {
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  CHECK(tc.optimizer == RNNLAB_OPT_ADAM, "default optimizer %d", tc.optimizer);
  CHECK(tc.learning_rate == 1e-3f && tc.momentum == 0.9f && tc.nesterov == 0, "default lr/momentum");
  CHECK(tc.beta1 == 0.9f && tc.beta2 == 0.999f && tc.eps == 1e-8f, "default betas/eps");
  CHECK(tc.weight_decay == 0 && tc.clip_norm == 0 && tc.clip_value == 0 && tc.truncate == 0, "default off switches");

  rnnlab_config c = make_config(RNNLAB_CELL_LSTM, 0, 5, 4, RNNLAB_OUTPUT_SOFTMAX, 5, 1);
  rnnlab_model *m = new_model(&c);
  if (!m) return;
  /* which moments each optimizer keeps */
  const int want[5][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 1}};
  for (int o = 0; o <= RNNLAB_OPT_ADAGRAD; o++) {
    tc.optimizer = o;
    rnnlab_trainer *t = new_trainer(m, &tc);
    if (!t) continue;
    CHECK((t->opt.m1 != NULL) == want[o][0] && (t->opt.m2 != NULL) == want[o][1], "optimizer %d moments %p %p", o,
          (void *)t->opt.m1, (void *)t->opt.m2);
    for (size_t i = 0; t->opt.m1 && i < m->n_params; i++)
      if (t->opt.m1[i] != 0) { CHECK(0, "m1 not zeroed"); break; }
    for (size_t i = 0; t->opt.m2 && i < m->n_params; i++)
      if (t->opt.m2[i] != 0) { CHECK(0, "m2 not zeroed"); break; }
    CHECK(rnnlab_trainer_steps(t) == 0, "fresh trainer steps");
    CHECK(strcmp(rnnlab_trainer_error(t), "") == 0, "fresh trainer error '%s'", rnnlab_trainer_error(t));
    rnnlab_trainer_free(t);
  }
  rnnlab_trainer_free(NULL);
  CHECK(rnnlab_trainer_steps(NULL) == 0, "steps(NULL)");
  rnnlab_model_free(m);
}

static void test_validation(void) {
  rnnlab_config c = make_config(RNNLAB_CELL_GRU, 0, 4, 3, RNNLAB_OUTPUT_SOFTMAX, 4, 2);
  rnnlab_model *m = new_model(&c);
  if (!m) return;
  const float nan = NAN, inf = INFINITY;
  struct { const char *field; int which; float v; } bad[] = {
    {"optimizer", 0, 5}, {"optimizer", 0, -1},
    {"learning_rate", 1, 0}, {"learning_rate", 1, -1e-3f}, {"learning_rate", 1, nan}, {"learning_rate", 1, inf},
    {"momentum", 2, 1}, {"momentum", 2, -0.1f}, {"momentum", 2, nan},
    {"nesterov", 3, 2},
    {"beta1", 4, 1}, {"beta1", 4, -0.5f}, {"beta1", 4, nan},
    {"beta2", 5, 1}, {"beta2", 5, 1.5f}, {"beta2", 5, nan},
    {"eps", 6, 0}, {"eps", 6, -1e-8f}, {"eps", 6, nan}, {"eps", 6, inf},
    {"weight_decay", 7, -1e-4f}, {"weight_decay", 7, nan}, {"weight_decay", 7, inf},
    {"clip_norm", 8, -1}, {"clip_norm", 8, nan},
    {"clip_value", 9, -1}, {"clip_value", 9, inf},
    {"truncate", 10, -1},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    rnnlab_train_config tc;
    rnnlab_train_config_default(&tc);
    switch (bad[k].which) {
    case 0: tc.optimizer = (int32_t)bad[k].v; break;
    case 1: tc.learning_rate = bad[k].v; break;
    case 2: tc.momentum = bad[k].v; break;
    case 3: tc.nesterov = (int32_t)bad[k].v; break;
    case 4: tc.beta1 = bad[k].v; break;
    case 5: tc.beta2 = bad[k].v; break;
    case 6: tc.eps = bad[k].v; break;
    case 7: tc.weight_decay = bad[k].v; break;
    case 8: tc.clip_norm = bad[k].v; break;
    case 9: tc.clip_value = bad[k].v; break;
    case 10: tc.truncate = (int32_t)bad[k].v; break;
    }
    rnnlab_trainer *t = (rnnlab_trainer *)1;
    char err[ERRLEN] = "unchanged";
    rnnlab_status s = rnnlab_trainer_create(m, &tc, &t, err, sizeof err);
    CHECK(s == RNNLAB_EINVAL, "%s = %g: status %d", bad[k].field, (double)bad[k].v, s);
    CHECK(t == NULL, "%s: out not NULL on failure", bad[k].field);
    CHECK(strstr(err, bad[k].field) != NULL, "%s = %g: message '%s' does not name the field", bad[k].field,
          (double)bad[k].v, err);
  }
  /* edge values that are allowed */
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.momentum = 0, tc.beta1 = 0, tc.beta2 = 0, tc.nesterov = 1, tc.truncate = 1000;
  rnnlab_trainer *t = new_trainer(m, &tc);
  rnnlab_trainer_free(t);
  /* NULL arguments; a short err buffer is truncated, not overrun */
  char err[8];
  t = (rnnlab_trainer *)1;
  CHECK(rnnlab_trainer_create(NULL, &tc, &t, err, sizeof err) == RNNLAB_EINVAL && t == NULL, "NULL model");
  CHECK(strlen(err) < sizeof err, "short err buffer");
  CHECK(rnnlab_trainer_create(m, NULL, &t, NULL, 0) == RNNLAB_EINVAL, "NULL config");
  CHECK(rnnlab_trainer_create(m, &tc, NULL, NULL, 0) == RNNLAB_EINVAL, "NULL out");
  CHECK(rnnlab_trainer_step(NULL, NULL, NULL) == RNNLAB_EINVAL, "step(NULL)");
  CHECK(rnnlab_trainer_set_learning_rate(NULL, 1) == RNNLAB_EINVAL, "set_lr(NULL)");
  rnnlab_model_free(m);
}

static void test_helpers(void) {
  float a[5] = {3, 4, 0, 0, 0};
  CHECK(arena_norm(a, 2) == 5.0f, "norm(3,4) = %g", (double)arena_norm(a, 2));
  CHECK(arena_norm(a, 0) == 0.0f, "norm of nothing");
  float big[2] = {3e37f, 4e37f}; /* squares overflow float, not the double accumulator */
  CHECK_CLOSE(arena_norm(big, 2), 5e37, 0, 1e-6, "norm(3e37, 4e37)");
  float tiny[2] = {3e-30f, 4e-30f};
  CHECK_CLOSE(arena_norm(tiny, 2), 5e-30, 0, 1e-6, "norm(3e-30, 4e-30)");
  float odd[3] = {1, 1, 1};
  CHECK(arena_norm(odd, 3) == 1.7320508f, "norm(1,1,1) = %.9g", (double)arena_norm(odd, 3));
  float nan2[2] = {1, NAN}, inf2[2] = {INFINITY, 1};
  CHECK(isnan(arena_norm(nan2, 2)), "norm with NaN");
  CHECK(isinf(arena_norm(inf2, 2)), "norm with Inf");
  arena_zero(a, 2);
  CHECK(a[0] == 0 && a[1] == 0, "arena_zero");
}

/* ---- the update equations ---- */

typedef struct {
  const char *name;
  int opt, nesterov;
  float lr, mu, b1, b2, eps, wd;
} upd_case;

/* One reference update in double (torch.optim's equations), moments kept by the caller. */
static void ref_update(const upd_case *k, double *wref, const float *w0, const float *g, double *m1, double *m2,
                       size_t n, long t) {
  const double lr = k->lr, mu = k->mu, b1 = k->b1, b2 = k->b2, eps = k->eps, wd = k->wd;
  for (size_t i = 0; i < n; i++) {
    const double w = w0[i], gi = (double)g[i] + wd * w;
    double d = 0;
    switch (k->opt) {
    case RNNLAB_OPT_SGD: d = gi; break;
    case RNNLAB_OPT_MOMENTUM:
      m1[i] = mu * m1[i] + gi;
      d = k->nesterov ? gi + mu * m1[i] : m1[i];
      break;
    case RNNLAB_OPT_RMSPROP:
      m2[i] = b2 * m2[i] + (1 - b2) * gi * gi;
      d = gi / (sqrt(m2[i]) + eps);
      break;
    case RNNLAB_OPT_ADAM:
      m1[i] = b1 * m1[i] + (1 - b1) * gi;
      m2[i] = b2 * m2[i] + (1 - b2) * gi * gi;
      d = (m1[i] / (1 - pow(b1, (double)t))) / (sqrt(m2[i] / (1 - pow(b2, (double)t))) + eps);
      break;
    case RNNLAB_OPT_ADAGRAD:
      m2[i] += gi * gi;
      d = gi / (sqrt(m2[i]) + eps);
      break;
    }
    wref[i] = w - lr * d;
  }
}

static void test_updates(void) {
  const upd_case cases[] = {
    {"sgd", RNNLAB_OPT_SGD, 0, 0.1f, 0, 0, 0, 1e-8f, 0},
    {"sgd+wd", RNNLAB_OPT_SGD, 0, 0.1f, 0, 0, 0, 1e-8f, 0.01f},
    {"momentum", RNNLAB_OPT_MOMENTUM, 0, 0.05f, 0.9f, 0, 0, 1e-8f, 0},
    {"nesterov", RNNLAB_OPT_MOMENTUM, 1, 0.05f, 0.9f, 0, 0, 1e-8f, 0},
    {"momentum+wd", RNNLAB_OPT_MOMENTUM, 0, 0.05f, 0.5f, 0, 0, 1e-8f, 0.1f},
    {"rmsprop", RNNLAB_OPT_RMSPROP, 0, 1e-3f, 0, 0, 0.99f, 1e-8f, 0},
    {"rmsprop+wd", RNNLAB_OPT_RMSPROP, 0, 1e-3f, 0, 0, 0.9f, 1e-6f, 0.01f},
    {"adam", RNNLAB_OPT_ADAM, 0, 0.01f, 0, 0.9f, 0.999f, 1e-8f, 0},
    {"adam+wd", RNNLAB_OPT_ADAM, 0, 0.01f, 0, 0.8f, 0.99f, 1e-3f, 0.05f},
    {"adagrad", RNNLAB_OPT_ADAGRAD, 0, 0.05f, 0, 0, 0, 1e-10f, 0},
    {"adagrad+wd", RNNLAB_OPT_ADAGRAD, 0, 0.05f, 0, 0, 0, 1e-3f, 0.02f},
  };
  rnnlab_config c = make_config(RNNLAB_CELL_LSTM, 0, 5, 6, RNNLAB_OUTPUT_SOFTMAX, 5, 3);
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const upd_case *u = &cases[k];
    rnnlab_model *m = new_model(&c);
    if (!m) return;
    rnnlab_train_config tc;
    rnnlab_train_config_default(&tc);
    tc.optimizer = u->opt, tc.nesterov = u->nesterov, tc.learning_rate = u->lr, tc.momentum = u->mu;
    tc.beta1 = u->b1, tc.beta2 = u->b2, tc.eps = u->eps, tc.weight_decay = u->wd;
    rnnlab_trainer *t = new_trainer(m, &tc);
    if (!t) { rnnlab_model_free(m); return; }
    const size_t n = m->n_params;
    float *w0 = malloc(n * sizeof(float));
    double *wref = malloc(n * sizeof(double)), *m1 = calloc(n, sizeof(double)), *m2 = calloc(n, sizeof(double));
    batch_buf bb;
    for (long step = 1; step <= 4; step++) {
      batch_make(&bb, &c, 3, 7, 100 + step);
      memcpy(w0, m->params, n * sizeof(float));
      rnnlab_step_result r;
      rnnlab_status s = rnnlab_trainer_step(t, &bb.b, &r);
      CHECK(s == RNNLAB_OK, "%s step %ld: %s", u->name, step, rnnlab_trainer_error(t));
      CHECK(r.chunks == 1 && r.clipped == 0 && r.loss > 0 && r.grad_norm > 0, "%s: result %g %g %d %d", u->name,
            (double)r.loss, (double)r.grad_norm, r.clipped, r.chunks);
      CHECK(rnnlab_trainer_steps(t) == step, "%s: steps %lld", u->name, (long long)rnnlab_trainer_steps(t));
      ref_update(u, wref, w0, m->grads, m1, m2, n, step);
      double worst = 0;
      size_t wi = 0;
      int moved = 0;
      for (size_t i = 0; i < n; i++) {
        const double err = fabs(m->params[i] - wref[i]) / (1e-7 + 1e-4 * fabs(wref[i] - w0[i]));
        if (err > worst) worst = err, wi = i;
        moved += m->params[i] != w0[i];
      }
      CHECK(worst <= 1, "%s step %ld: param %zu is %.9g, reference %.9g (from %.9g, g %.9g)", u->name, step, wi,
            (double)m->params[wi], wref[wi], (double)w0[wi], (double)m->grads[wi]);
      CHECK(moved > (int)(n / 2), "%s: only %d of %zu weights moved", u->name, moved, n);
      /* exact first-step identities */
      if (step == 1) {
        size_t fails = 0;
        for (size_t i = 0; i < n; i++) {
          const float g = m->grads[i] + u->wd * w0[i], d = w0[i] - m->params[i];
          if (u->opt == RNNLAB_OPT_SGD || u->opt == RNNLAB_OPT_MOMENTUM) {
            /* SGD, and momentum's first step (buf = g): w - lr g (Nesterov: w - lr (g + mu g)) */
            const float want = u->nesterov ? w0[i] - u->lr * (g + u->mu * g) : w0[i] - u->lr * g;
            fails += m->params[i] != want;
          } else {
            /* closed forms from zero moments: Adam (bias correction cancels) and Adagrad move
             * lr g / (|g| + eps), i.e. lr sign(g) when |g| >> eps; RMSProp lr g / (sqrt(1-alpha)|g| + eps) */
            const double a = u->opt == RNNLAB_OPT_RMSPROP ? sqrt(1.0 - u->b2) : 1.0;
            const double want = u->lr * (double)g / (a * fabs((double)g) + u->eps);
            fails += fabs(d - want) > 1e-5 * fabs(want) + 1e-7;
          }
        }
        CHECK(fails == 0, "%s: first-step identity fails for %zu weights", u->name, fails);
      }
      batch_free(&bb);
    }
    free(w0), free(wref), free(m1), free(m2);
    rnnlab_trainer_free(t);
    rnnlab_model_free(m);
  }
}

/* lr changes take effect at the next update and keep the moments */
static void test_learning_rate(void) {
  rnnlab_config c = make_config(RNNLAB_CELL_RNN, 1, 3, 5, RNNLAB_OUTPUT_LINEAR, 2, 4);
  rnnlab_model *m = new_model(&c);
  if (!m) return;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.optimizer = RNNLAB_OPT_SGD, tc.learning_rate = 0.1f;
  rnnlab_trainer *t = new_trainer(m, &tc);
  const size_t n = m->n_params;
  float *w0 = malloc(n * sizeof(float));
  batch_buf bb;
  batch_make(&bb, &c, 2, 5, 7);
  const float lrs[3] = {0.1f, 0.01f, 0.5f};
  for (int k = 0; k < 3; k++) {
    if (k > 0) CHECK(rnnlab_trainer_set_learning_rate(t, lrs[k]) == RNNLAB_OK, "set lr %g", (double)lrs[k]);
    CHECK(t->opt.tc.learning_rate == lrs[k], "lr stored");
    memcpy(w0, m->params, n * sizeof(float));
    CHECK(rnnlab_trainer_step(t, &bb.b, NULL) == RNNLAB_OK, "step: %s", rnnlab_trainer_error(t));
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += m->params[i] != w0[i] - lrs[k] * m->grads[i];
    CHECK(bad == 0, "lr %g: %zu weights differ from w - lr g", (double)lrs[k], bad);
  }
  const float bad_lr[4] = {0, -1, NAN, INFINITY};
  for (int k = 0; k < 4; k++) {
    CHECK(rnnlab_trainer_set_learning_rate(t, bad_lr[k]) == RNNLAB_EINVAL, "bad lr %g accepted", (double)bad_lr[k]);
    CHECK(strstr(rnnlab_trainer_error(t), "learning_rate") != NULL, "bad lr message '%s'", rnnlab_trainer_error(t));
    CHECK(t->opt.tc.learning_rate == 0.5f, "bad lr changed the rate");
  }
  /* the trainer still works and the error is cleared */
  CHECK(rnnlab_trainer_step(t, &bb.b, NULL) == RNNLAB_OK, "step after errors");
  CHECK(strcmp(rnnlab_trainer_error(t), "") == 0, "error not cleared: '%s'", rnnlab_trainer_error(t));
  /* Adam: a new rate scales the next update, moments untouched by the call */
  rnnlab_trainer_free(t);
  tc.optimizer = RNNLAB_OPT_ADAM, tc.learning_rate = 1e-3f;
  t = new_trainer(m, &tc);
  CHECK(rnnlab_trainer_step(t, &bb.b, NULL) == RNNLAB_OK, "adam step");
  float *m1 = malloc(n * sizeof(float));
  memcpy(m1, t->opt.m1, n * sizeof(float));
  CHECK(rnnlab_trainer_set_learning_rate(t, 2e-3f) == RNNLAB_OK, "adam set lr");
  CHECK(memcmp(m1, t->opt.m1, n * sizeof(float)) == 0, "set_learning_rate touched the moments");
  CHECK(rnnlab_trainer_steps(t) == 1, "set_learning_rate changed steps");
  free(m1), free(w0);
  batch_free(&bb);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

/* ---- clipping ---- */

/* gradient of a fresh backward on b with the current weights, trainable range */
static float *grads_of(rnnlab_model *m, const rnnlab_batch *b) {
  float *g = malloc(m->n_params * sizeof(float));
  rnnlab_model_zero_grad(m);
  rnnlab_status s = rnnlab_model_backward(m, b, NULL);
  CHECK(s == RNNLAB_OK, "backward: %s", rnnlab_model_error(m));
  memcpy(g, m->grads, m->n_params * sizeof(float));
  return g;
}

static void test_clipping(void) {
  rnnlab_config c = make_config(RNNLAB_CELL_GRU, 0, 4, 5, RNNLAB_OUTPUT_SOFTMAX, 4, 5);
  batch_buf bb;
  batch_make(&bb, &c, 3, 6, 11);
  for (int mode = 0; mode < 6; mode++) {
    /* 0 norm clip active, 1 norm clip inactive, 2 value clip active, 3 value inactive,
     * 4 both (norm then value), 5 both, with weight decay (decay is not clipped) */
    rnnlab_model *m = new_model(&c);
    if (!m) break;
    const size_t n = m->n_params;
    float *g = grads_of(m, &bb.b);
    const double norm = norm_of(g, n);
    float gmax = 0;
    for (size_t i = 0; i < n; i++) gmax = fabsf(g[i]) > gmax ? fabsf(g[i]) : gmax;
    rnnlab_train_config tc;
    rnnlab_train_config_default(&tc);
    tc.optimizer = RNNLAB_OPT_SGD, tc.learning_rate = 0.1f;
    if (mode == 0 || mode >= 4) tc.clip_norm = (float)(0.25 * norm);
    if (mode == 1) tc.clip_norm = (float)(2 * norm);
    if (mode == 2) tc.clip_value = 0.5f * gmax;
    if (mode == 3) tc.clip_value = 2 * gmax;
    if (mode >= 4) tc.clip_value = 0.15f * gmax;
    if (mode == 5) tc.weight_decay = 0.1f;
    rnnlab_trainer *t = new_trainer(m, &tc);
    float *w0 = malloc(n * sizeof(float));
    memcpy(w0, m->params, n * sizeof(float));
    rnnlab_step_result r;
    CHECK(rnnlab_trainer_step(t, &bb.b, &r) == RNNLAB_OK, "clip step: %s", rnnlab_trainer_error(t));
    CHECK_CLOSE(r.grad_norm, norm, 0, 1e-6, "reported pre-clip norm");
    CHECK(r.clipped == (mode != 1 && mode != 3), "mode %d: clipped = %d", mode, r.clipped);
    /* expected clipped gradient, computed here */
    size_t bad = 0, badw = 0;
    int clamped = 0;
    for (size_t i = 0; i < n; i++) {
      float e = g[i];
      if (tc.clip_norm > 0 && norm > tc.clip_norm) e *= (float)(tc.clip_norm / norm);
      if (tc.clip_value > 0 && fabsf(e) > tc.clip_value) e = e > 0 ? tc.clip_value : -tc.clip_value, clamped++;
      bad += fabsf(m->grads[i] - e) > 1e-6f * fabsf(e);
      badw += m->params[i] != w0[i] - tc.learning_rate * (m->grads[i] + tc.weight_decay * w0[i]);
    }
    CHECK(bad == 0, "mode %d: %zu clipped gradient elements differ", mode, bad);
    CHECK(badw == 0, "mode %d: %zu weights are not w - lr (clipped g + wd w)", mode, badw);
    if (mode == 0) CHECK_CLOSE(norm_of(m->grads, n), tc.clip_norm, 0, 1e-5, "norm after clipping");
    if (mode == 1 || mode == 3) CHECK(memcmp(g, m->grads, n * sizeof(float)) == 0, "mode %d: gradient changed", mode);
    if (mode >= 4) CHECK(clamped > 0, "mode %d: the value clip should bite after the norm clip", mode);
    if (mode == 2 || mode >= 4)
      for (size_t i = 0; i < n; i++)
        if (fabsf(m->grads[i]) > tc.clip_value) { CHECK(0, "mode %d: |g[%zu]| > clip_value", mode, i); break; }
    free(g), free(w0);
    rnnlab_trainer_free(t);
    rnnlab_model_free(m);
  }
  batch_free(&bb);
}

/* ---- truncated BPTT ---- */

/* A trainer with truncate k over T steps must equal a plain trainer stepping over the chunks
 * one by one, the first from b's carry_state and the rest carrying state: bit for bit. */
static void test_truncate(void) {
  const int T = 10;
  const int truncs[] = {0, 1, 3, 4, 5, 9, 10, 11, 100};
  for (size_t k = 0; k < sizeof truncs / sizeof truncs[0]; k++) {
    const int tr = truncs[k];
    const int chunk = tr > 0 && tr < T ? tr : T, want_chunks = (T + chunk - 1) / chunk;
    rnnlab_config c = make_config(k % 2 ? RNNLAB_CELL_LSTM : RNNLAB_CELL_GRU, 0, 4, 5, RNNLAB_OUTPUT_SOFTMAX, 4, 6);
    rnnlab_model *a = new_model(&c), *b = new_model(&c);
    if (!a || !b) { rnnlab_model_free(a), rnnlab_model_free(b); return; }
    rnnlab_train_config tc;
    rnnlab_train_config_default(&tc);
    tc.learning_rate = 0.01f, tc.clip_norm = 0.5f;
    rnnlab_trainer *tb = new_trainer(b, &tc);
    tc.truncate = tr;
    rnnlab_trainer *ta = new_trainer(a, &tc);
    batch_buf bb;
    batch_make(&bb, &c, 2, T, 21);
    for (int rep = 0; rep < 2; rep++) { /* twice: the second call starts Adam at t > 1 */
      rnnlab_step_result r;
      CHECK(rnnlab_trainer_step(ta, &bb.b, &r) == RNNLAB_OK, "truncate %d: %s", tr, rnnlab_trainer_error(ta));
      CHECK(r.chunks == want_chunks, "truncate %d: %d chunks, want %d", tr, r.chunks, want_chunks);
      double lsum = 0, nmax = 0;
      int any = 0;
      for (int t0 = 0, i = 0; t0 < T; t0 += chunk, i++) {
        const int len = T - t0 < chunk ? T - t0 : chunk;
        batch_buf sl;
        batch_slice(&sl, &bb, t0, len, i > 0);
        rnnlab_step_result q;
        CHECK(rnnlab_trainer_step(tb, &sl.b, &q) == RNNLAB_OK, "chunk step: %s", rnnlab_trainer_error(tb));
        lsum += q.loss, nmax = q.grad_norm > nmax ? q.grad_norm : nmax, any |= q.clipped;
        batch_free(&sl);
      }
      CHECK(r.loss == (float)(lsum / want_chunks), "truncate %d: loss %.9g vs mean of chunks %.9g", tr,
            (double)r.loss, lsum / want_chunks);
      CHECK(r.grad_norm == (float)nmax && r.clipped == any, "truncate %d: norm/clipped", tr);
      CHECK(memcmp(a->params, b->params, a->n_params * sizeof(float)) == 0, "truncate %d: weights differ from chunk-by-chunk training", tr);
      CHECK(memcmp(ta->opt.m2, tb->opt.m2, a->n_params * sizeof(float)) == 0, "truncate %d: moments differ", tr);
      CHECK(rnnlab_trainer_steps(ta) == (int64_t)want_chunks * (rep + 1), "truncate %d: steps %lld", tr,
            (long long)rnnlab_trainer_steps(ta));
    }
    batch_free(&bb);
    rnnlab_trainer_free(ta), rnnlab_trainer_free(tb);
    rnnlab_model_free(a), rnnlab_model_free(b);
  }
}

/* ---- failures leave everything untouched ---- */

static void test_nonfinite_and_bad_batches(void) {
  rnnlab_config c = make_config(RNNLAB_CELL_LSTM, 1, 3, 4, RNNLAB_OUTPUT_LINEAR, 2, 8);
  rnnlab_model *m = new_model(&c);
  if (!m) return;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.learning_rate = 0.01f;
  rnnlab_trainer *t = new_trainer(m, &tc);
  batch_buf bb;
  batch_make(&bb, &c, 2, 6, 31);
  CHECK(rnnlab_trainer_step(t, &bb.b, NULL) == RNNLAB_OK, "warm-up step: %s", rnnlab_trainer_error(t));
  const size_t n = m->n_params;
  float *w = malloc(n * sizeof(float)), *m1 = malloc(n * sizeof(float)), *m2 = malloc(n * sizeof(float));
  memcpy(w, m->params, n * sizeof(float));
  memcpy(m1, t->opt.m1, n * sizeof(float));
  memcpy(m2, t->opt.m2, n * sizeof(float));
  int64_t steps0 = rnnlab_trainer_steps(t);
#define UNTOUCHED(what)                                                                      \
  CHECK(memcmp(w, m->params, n * sizeof(float)) == 0 && memcmp(m1, t->opt.m1, n * sizeof(float)) == 0 && \
            memcmp(m2, t->opt.m2, n * sizeof(float)) == 0 && rnnlab_trainer_steps(t) == steps0, \
        "%s: weights, moments or steps changed", what)

  /* finite targets whose squared error overflows float: the loss is +Inf */
  float *y = malloc(sizeof(float) * 2 * 6 * 2);
  for (int i = 0; i < 2 * 6 * 2; i++) y[i] = 3e38f;
  rnnlab_batch huge = bb.b;
  huge.targets = y;
  rnnlab_step_result r;
  rnnlab_status s = rnnlab_trainer_step(t, &huge, &r);
  CHECK(s == RNNLAB_ENONFINITE, "infinite loss: status %d", s);
  CHECK(strstr(rnnlab_trainer_error(t), "not finite") != NULL && strstr(rnnlab_trainer_error(t), "not updated") != NULL,
        "infinite loss message '%s'", rnnlab_trainer_error(t));
  CHECK(r.chunks == 0, "no chunk applied");
  UNTOUCHED("infinite loss");

  /* the same with truncation: the first chunk already fails */
  t->opt.tc.truncate = 2;
  s = rnnlab_trainer_step(t, &huge, &r);
  CHECK(s == RNNLAB_ENONFINITE && r.chunks == 0, "infinite loss, truncated: %d %d", s, r.chunks);
  UNTOUCHED("infinite loss, truncated");
  /* ... and when only the second chunk diverges, the first chunk's update stays, the second's is not made */
  for (int bi = 0; bi < 2; bi++)
    for (int ti = 0; ti < 6; ti++)
      for (int v = 0; v < 2; v++) y[(bi * 6 + ti) * 2 + v] = ti < 2 ? bb.y[(bi * 6 + ti) * 2 + v] : 3e38f;
  s = rnnlab_trainer_step(t, &huge, &r);
  CHECK(s == RNNLAB_ENONFINITE && r.chunks == 1 && rnnlab_trainer_steps(t) == 2, "second chunk diverges: %d %d", s,
        r.chunks);
  CHECK(strstr(rnnlab_trainer_error(t), "chunk 1") != NULL, "message names the chunk: '%s'", rnnlab_trainer_error(t));
  t->opt.tc.truncate = 0;
  memcpy(w, m->params, n * sizeof(float));
  memcpy(m1, t->opt.m1, n * sizeof(float));
  memcpy(m2, t->opt.m2, n * sizeof(float));
  steps0 = rnnlab_trainer_steps(t);

  /* bad batches: the model's message comes through */
  rnnlab_batch bad = bb.b;
  float *x = malloc(sizeof(float) * 2 * 6 * 3);
  memcpy(x, bb.x, sizeof(float) * 2 * 6 * 3);
  x[5] = NAN;
  bad.inputs = x;
  s = rnnlab_trainer_step(t, &bad, NULL);
  CHECK(s == RNNLAB_ENONFINITE && strstr(rnnlab_trainer_error(t), "inputs") != NULL, "NaN input: %d '%s'", s,
        rnnlab_trainer_error(t));
  UNTOUCHED("NaN input");
  bad = bb.b;
  bad.length = 0;
  s = rnnlab_trainer_step(t, &bad, NULL);
  CHECK(s == RNNLAB_EINVAL && strstr(rnnlab_trainer_error(t), "length") != NULL, "length 0: %d '%s'", s,
        rnnlab_trainer_error(t));
  bad = bb.b;
  bad.targets = NULL;
  s = rnnlab_trainer_step(t, &bad, NULL);
  CHECK(s == RNNLAB_EINVAL && strstr(rnnlab_trainer_error(t), "targets") != NULL, "no targets: %d '%s'", s,
        rnnlab_trainer_error(t));
  s = rnnlab_trainer_step(t, NULL, NULL);
  CHECK(s == RNNLAB_EINVAL && rnnlab_trainer_error(t)[0], "NULL batch");
  UNTOUCHED("bad batches");
#undef UNTOUCHED

  /* and the trainer still works */
  s = rnnlab_trainer_step(t, &bb.b, &r);
  CHECK(s == RNNLAB_OK && r.chunks == 1 && rnnlab_trainer_steps(t) == steps0 + 1, "step after failures: %s",
        rnnlab_trainer_error(t));
  CHECK(strcmp(rnnlab_trainer_error(t), "") == 0, "error cleared after success");
  free(w), free(m1), free(m2), free(y), free(x);
  batch_free(&bb);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

/* ESN: only the readout trains, the reservoir stays bit-identical even under weight decay */
static void test_esn_reservoir(void) {
  rnnlab_config c = make_config(RNNLAB_CELL_ESN, 1, 2, 8, RNNLAB_OUTPUT_LINEAR, 1, 9);
  c.alpha = 0.5f;
  rnnlab_model *m = new_model(&c);
  if (!m) return;
  CHECK(m->train_begin > 0, "ESN train_begin %zu", m->train_begin);
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.learning_rate = 0.05f, tc.weight_decay = 0.1f;
  rnnlab_trainer *t = new_trainer(m, &tc);
  float *res = malloc(m->train_begin * sizeof(float));
  memcpy(res, m->params, m->train_begin * sizeof(float));
  batch_buf bb;
  batch_make(&bb, &c, 2, 5, 41);
  float first = 0, last = 0;
  for (int i = 0; i < 50; i++) {
    rnnlab_step_result r;
    CHECK(rnnlab_trainer_step(t, &bb.b, &r) == RNNLAB_OK, "esn step: %s", rnnlab_trainer_error(t));
    if (i == 0) first = r.loss;
    last = r.loss;
  }
  CHECK(memcmp(res, m->params, m->train_begin * sizeof(float)) == 0, "ESN reservoir changed");
  CHECK(last < first, "ESN readout did not train: %g -> %g", (double)first, (double)last);
  /* the optimizer's arena is the trainable range: no moments for the fixed reservoir at all */
  CHECK(t->opt.n == m->n_params - m->train_begin, "ESN moments cover %zu floats, trainable %zu", t->opt.n,
        m->n_params - m->train_begin);
  CHECK(rnnlab_trainer_arena_bytes(t) == 2 * t->opt.n * sizeof(float), "ESN Adam moments: %zu bytes",
        rnnlab_trainer_arena_bytes(t));
  free(res);
  batch_free(&bb);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

/* ---- a small problem that must be learned: echo the previous token ---- */

static void learn_echo(int cell, int opt, float lr, int truncate, const char *name) {
  enum { V = 4, B = 16, T = 12 };
  rnnlab_config c = make_config(cell, 0, V, 16, RNNLAB_OUTPUT_SOFTMAX, V, 10);
  rnnlab_model *m = new_model(&c);
  if (!m) return;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.optimizer = opt, tc.learning_rate = lr, tc.clip_norm = 5.0f, tc.truncate = truncate, tc.nesterov = 1;
  rnnlab_trainer *t = new_trainer(m, &tc);
  int32_t tok[B * T], ids[B * T];
  rnnlab_batch b = {0};
  b.batch = B, b.length = T, b.tokens = tok, b.target_ids = ids;
  rng_state r;
  rng_seed(&r, 12345);
  float first = 0, last = 0;
  for (int it = 0; it < 300; it++) {
    for (int i = 0; i < B; i++)
      for (int j = 0; j < T; j++) {
        tok[i * T + j] = (int32_t)rng_below(&r, V);
        ids[i * T + j] = j ? tok[i * T + j - 1] : -1;
      }
    rnnlab_step_result res;
    rnnlab_status s = rnnlab_trainer_step(t, &b, &res);
    if (s != RNNLAB_OK) { CHECK(0, "%s: step %d: %s", name, it, rnnlab_trainer_error(t)); break; }
    if (it == 0) first = res.loss;
    last = res.loss;
  }
  printf("  %s: loss %.4f -> %.4f\n", name, (double)first, (double)last);
  CHECK(first > 1.2f && last < 0.1f, "%s did not learn to echo: loss %g -> %g", name, (double)first, (double)last);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

/* ---- the optimizer over an arena no model owns ---- */

/* An arena of its own (as an RBM or a Hopfield learner will own): Adam on f(w) = 1/2 |w - c|^2
 * converges to c; and for the same gradients it gives the same bits as the model's trainer. */
static void test_own_arena(void) {
  enum { N = 37 };
  float w[N], g[N], target[N];
  for (int i = 0; i < N; i++) w[i] = 0, target[i] = (float)(i % 7) - 3.0f;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.learning_rate = 0.1f, tc.clip_norm = 5.0f;
  optimizer o;
  char err[256];
  CHECK(optimizer_init(&o, &tc, N, err, sizeof err) == RNNLAB_OK, "optimizer_init: %s", err);
  CHECK(o.m1 && o.m2 && o.n == N && o.steps == 0, "Adam keeps two moments of N floats");
  param_arena a = {w, g, N};
  int clipped_any = 0;
  for (int it = 0; it < 500; it++) {
    for (int i = 0; i < N; i++) g[i] = w[i] - target[i];
    clipped_any |= optimizer_apply(&o, &a, arena_norm(g, N));
  }
  double worst = 0;
  for (int i = 0; i < N; i++) worst = fmax(worst, fabs(w[i] - target[i]));
  CHECK(worst < 1e-3, "Adam on a quadratic: max |w - c| = %g after 500 steps", worst);
  CHECK(clipped_any && o.steps == 500, "clipped at the start (norm > 5), %lld steps", (long long)o.steps);
  optimizer_release(&o);
  CHECK(o.m1 == NULL && o.m2 == NULL, "released");
  tc.learning_rate = -1;
  CHECK(optimizer_init(&o, &tc, N, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "learning_rate"), "bad config: %s", err);

  /* the trainer is this optimizer over the model's trainable range */
  rnnlab_config c = make_config(RNNLAB_CELL_GRU, 0, 3, 5, RNNLAB_OUTPUT_SOFTMAX, 3, 12);
  rnnlab_model *m = new_model(&c);
  rnnlab_train_config_default(&tc);
  tc.optimizer = RNNLAB_OPT_MOMENTUM, tc.learning_rate = 0.05f, tc.nesterov = 1, tc.weight_decay = 0.01f;
  rnnlab_trainer *t = new_trainer(m, &tc);
  batch_buf bb;
  batch_make(&bb, &c, 3, 6, 19);
  const size_t n = m->n_params;
  float *wcopy = malloc(n * sizeof(float)), *gcopy = malloc(n * sizeof(float));
  CHECK(optimizer_init(&o, &tc, n, err, sizeof err) == RNNLAB_OK, "optimizer_init: %s", err);
  memcpy(wcopy, m->params, n * sizeof(float));
  for (int step = 0; step < 3; step++) {
    float *gm = grads_of(m, &bb.b); /* the gradient at the trainer's current weights */
    memcpy(gcopy, gm, n * sizeof(float));
    free(gm);
    rnnlab_step_result r;
    CHECK(rnnlab_trainer_step(t, &bb.b, &r) == RNNLAB_OK, "trainer step: %s", rnnlab_trainer_error(t));
    param_arena own = {wcopy, gcopy, n};
    optimizer_apply(&o, &own, arena_norm(gcopy, n));
    CHECK(memcmp(wcopy, m->params, n * sizeof(float)) == 0, "step %d: own-arena update differs from the trainer's", step);
  }
  optimizer_release(&o);
  free(wcopy), free(gcopy);
  batch_free(&bb);
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
}

int main(void) {
  test_defaults();
  test_validation();
  test_helpers();
  test_updates();
  test_learning_rate();
  test_clipping();
  test_truncate();
  test_nonfinite_and_bad_batches();
  test_esn_reservoir();
  test_own_arena();
  learn_echo(RNNLAB_CELL_LSTM, RNNLAB_OPT_ADAM, 0.02f, 0, "lstm adam");
  learn_echo(RNNLAB_CELL_GRU, RNNLAB_OPT_RMSPROP, 0.01f, 4, "gru rmsprop truncate 4");
  learn_echo(RNNLAB_CELL_RNN, RNNLAB_OPT_MOMENTUM, 0.1f, 0, "rnn nesterov");
  return check_summary("optim");
}
