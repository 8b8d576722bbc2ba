/* train/trainer.c - the model's trainer (rnnlab_trainer_* in rnnlab.h): an optimizer
 * (train/optimizer.h) over the model's trainable range, and the training step over truncated-BPTT
 * chunks.
 *
 * The trainer borrows its model; its optimizer's arena is [train_begin, n_params) of the model's
 * params and grads (an ESN's fixed reservoir sits before it), so the moments cover only what
 * trains. serialize.c saves them at their place in the full arena.
 *
 * Step count. rnnlab_trainer_steps counts optimizer updates: one per truncated-BPTT chunk, as a
 * PyTorch loop calling optimizer.step() per chunk would. It is Adam's t (from 1 at the first
 * update) and is saved with the moments.
 *
 * Does not own: the forward/backward pass (model.c, model_pass), batch validation
 * (model_check_batch), the update rules (optimizer.c), saving (serialize.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static rnnlab_status optim_fail(rnnlab_trainer *t, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(t->err, sizeof t->err, s, fmt, ap);
  va_end(ap);
  return s;
}

param_arena trainer_arena(rnnlab_model *m) {
  param_arena a = {m->params + m->train_begin, m->grads + m->train_begin, m->n_params - m->train_begin};
  return a;
}

/* Creates a trainer for m with a copy of tc; moments start at zero and the update count at 0.
 * The trainer borrows m: free the trainer before the model. On failure *out is NULL and err
 * (if given) names the offending field. */
rnnlab_status rnnlab_trainer_create(rnnlab_model *m, const rnnlab_train_config *tc, rnnlab_trainer **out,
                                    char *err, size_t errlen) {
  if (err && errlen > 0) err[0] = '\0';
  if (out) *out = NULL;
  if (!m || !tc || !out)
    return status_fail(err, errlen, RNNLAB_EINVAL, "trainer_create: model, config and out must not be NULL");
  rnnlab_status s = optimizer_check_config(tc, err, errlen);
  if (s) return s;
  rnnlab_trainer *t = (rnnlab_trainer *)calloc(1, sizeof *t);
  if (!t) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory allocating the trainer");
  t->model = m;
  s = optimizer_init(&t->opt, tc, m->n_params - m->train_begin, err, errlen);
  if (s) {
    free(t);
    return s;
  }
  *out = t;
  return RNNLAB_OK;
}

void rnnlab_trainer_free(rnnlab_trainer *t) {
  if (!t) return;
  optimizer_release(&t->opt);
  free(t->cl_buf);
  free(t);
}

/* Last error message, "" after a successful call (and for NULL). */
const char *rnnlab_trainer_error(const rnnlab_trainer *t) { return t ? t->err : ""; }

rnnlab_status rnnlab_trainer_set_learning_rate(rnnlab_trainer *t, float lr) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = '\0';
  return optimizer_set_learning_rate(&t->opt, lr, t->err, sizeof t->err);
}

int64_t rnnlab_trainer_steps(const rnnlab_trainer *t) { return t ? t->opt.steps : 0; }
size_t rnnlab_trainer_arena_bytes(const rnnlab_trainer *t) {
  return t ? ((t->opt.m1 != NULL) + (t->opt.m2 != NULL)) * t->opt.n * sizeof(float) : 0;
}
const rnnlab_train_config *rnnlab_trainer_config(const rnnlab_trainer *t) { return t ? &t->opt.tc : NULL; }

/* Copies the model's message after a failed model call. */
static rnnlab_status optim_fail_model(rnnlab_trainer *t, rnnlab_status s) {
  const char *msg = t->model->err;
  return optim_fail(t, s, "%s", msg[0] ? msg : rnnlab_status_str(s));
}

/* zero_grad, forward, backward, clip, update, per chunk of the batch:
 *   chunks: [t0, t0 + truncate) when 0 < truncate < T (the last one shorter), else one of T;
 *           chunk k > 0 starts from the state chunk k-1 ended in, chunk 0 from b->carry_state.
 *   clip:   norm = ||g||_2 over the trainable range (double accumulation);
 *           if clip_norm > 0 and norm > clip_norm: g *= clip_norm / norm   (PyTorch's
 *           clip_grad_norm_ without its +1e-6 in the denominator, so the norm becomes clip_norm);
 *           then if clip_value > 0: g = clamp(g, -clip_value, clip_value).
 * r (may be NULL): mean chunk loss, largest pre-clip norm, whether anything was clipped, chunks
 * done. A chunk whose loss or gradient norm is not finite stops the step with
 * RNNLAB_ENONFINITE before its update: that chunk changes neither weights nor moments (earlier
 * chunks of the same call have been applied, as separate PyTorch steps would be). */
rnnlab_status rnnlab_trainer_step(rnnlab_trainer *t, const rnnlab_batch *b, rnnlab_step_result *r) {
  rnnlab_model *m;
  rnnlab_status s = RNNLAB_OK;
  int T, len, t0, chunk = 0, clipped = 0;
  double loss_sum = 0.0, norm_max = 0.0;
  param_arena a;
  if (r) memset(r, 0, sizeof *r);
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = '\0';
  if (!b) return optim_fail(t, RNNLAB_EINVAL, "trainer_step: batch is NULL");
  m = t->model;
  m->err[0] = '\0'; /* as the model's own calls: "" after success */
  s = model_check_batch(m, b);
  if (s != RNNLAB_OK) return optim_fail_model(t, s);
  if (m->cfg.output_kind == RNNLAB_OUTPUT_SOFTMAX ? !b->target_ids : !b->targets)
    return optim_fail(t, RNNLAB_EINVAL, "batch.targets are required for training");
  if (t->closed_warmup > 0) return closedloop_step(t, b, r); /* train/closedloop.c */
  T = b->length;
  len = (t->opt.tc.truncate > 0 && t->opt.tc.truncate < T) ? t->opt.tc.truncate : T;
  a = trainer_arena(m);
  for (t0 = 0; t0 < T; t0 += len, chunk++) {
    const int cl = (T - t0 < len) ? T - t0 : len;
    float loss = 0.0f;
    double norm;
    rnnlab_model_zero_grad(m);
    s = model_pass(m, b, t0, cl, chunk > 0 ? 1 : b->carry_state, 1, NULL, &loss);
    if (s != RNNLAB_OK) { /* e.g. a non-finite loss: nothing of this chunk is applied */
      const char *msg = m->err[0] ? m->err : rnnlab_status_str(s);
      const char *note = s == RNNLAB_ENONFINITE ? " (weights not updated; lower the learning rate or enable clip_norm)" : "";
      if (chunk > 0) optim_fail(t, s, "chunk %d (steps %d..%d): %s%s", chunk, t0, t0 + cl - 1, msg, note);
      else optim_fail(t, s, "%s%s", msg, note);
      break;
    }
    if (!isfinite(loss)) {
      s = optim_fail(t, RNNLAB_ENONFINITE,
                     "loss is not finite (%g) at chunk %d (steps %d..%d): weights not updated; lower the "
                     "learning rate or enable clip_norm",
                     (double)loss, chunk, t0, t0 + cl - 1);
      break;
    }
    norm = arena_sqrt(arena_sumsq(a.grads, a.n));
    if (!isfinite(norm)) {
      s = optim_fail(t, RNNLAB_ENONFINITE,
                     "gradient norm is not finite at chunk %d (steps %d..%d): weights not updated; lower "
                     "the learning rate or enable clip_norm",
                     chunk, t0, t0 + cl - 1);
      break;
    }
    if (norm > norm_max) norm_max = norm;
    loss_sum += (double)loss;
    clipped |= optimizer_apply(&t->opt, &a, norm);
  }
  if (r) {
    r->loss = chunk > 0 ? (float)(loss_sum / chunk) : 0.0f;
    r->grad_norm = (float)norm_max;
    r->clipped = clipped;
    r->chunks = chunk;
  }
  return s;
}
