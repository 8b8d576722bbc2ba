/* train/closedloop.c - free-running (closed-loop) training by backpropagation through time, for a
 * model that predicts its next input (rnnlab_trainer_set_closed_loop in rnnlab.h).
 *
 * One pass over a batch of T steps with warm-up W >= 1, o_t the readout at step t:
 *   u_t = x_t (the batch's input)   for t < W        (teacher forcing: the warm-up)
 *   u_t = o_{t-1}                    for t >= W       (the model's own prediction fed back)
 *   L   = the model's loss over every targeted step (readout.c), as a teacher-forced pass
 * Backward, t = T-1 .. 0, with dout_t = dL/do_t from the readout alone:
 *   g_t = dout_t + du_{t+1}   (du_{t+1} = dL/du_{t+1} when step t+1 read o_t, else 0)
 *   dWy += h_t^T g_t, dby += g_t, dL/dh_t = g_t Wy^T, then the step's backward through the
 *   layers (model_step_backward), which also leaves du_t = dL/du_t when t >= W.
 * So the gradient is that of the loss as a function of the weights with the feedback included:
 * the errors a free-running model compounds are what it learns to avoid (teacher forcing alone
 * never sees its own outputs as inputs).
 *
 * Owns: the pass and its trainer step (an optimizer update per batch, clipping as
 * rnnlab_trainer_step), the model check, the trainer's warm-up setting.
 * Does not own: the cells' step forward/backward and the caches (model.c's stepping functions),
 * the readout's loss (readout.c), the update rules (optimizer.c), closed-loop generation after
 * training (dynamics/rollout.c) or its scores (tasks/systems.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels.h"

static const char *kind_in(int k) { return k == RNNLAB_INPUT_DENSE ? "dense" : "onehot"; }
static const char *kind_out(int k) { return k == RNNLAB_OUTPUT_LINEAR ? "linear" : k == RNNLAB_OUTPUT_SIGMOID ? "sigmoid" : "softmax"; }

rnnlab_status closedloop_check(const rnnlab_model *m, int warmup, char *err, size_t errlen) {
  const rnnlab_config *c = &m->cfg;
  if (warmup < 1 || warmup > RNNLAB_MAX_ELEMS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "closedLoop.warmup must be an integer in [1, %d], got %d", RNNLAB_MAX_ELEMS, warmup);
  if (c->input_kind != RNNLAB_INPUT_DENSE || c->output_kind != RNNLAB_OUTPUT_LINEAR || c->input_size != c->output_size)
    return status_fail(err, errlen, RNNLAB_EINVAL,
                       "closedLoop feeds each output back as the next input: it needs input 'dense', output 'linear' and "
                       "outputSize == inputSize (this model: input '%s', output '%s', inputSize %d, outputSize %d)",
                       kind_in(c->input_kind), kind_out(c->output_kind), c->input_size, c->output_size);
  if (c->bidirectional)
    return status_fail(err, errlen, RNNLAB_EINVAL, "closedLoop: a bidirectional model reads its input backwards in time too: "
                                                  "its outputs cannot be fed forward as its inputs");
  if (c->cell == RNNLAB_CELL_LSM)
    return status_fail(err, errlen, RNNLAB_EINVAL, "closedLoop: the LSM's spikes pass no gradient back to its input, so the "
                                                  "feedback cannot be backpropagated (fit its readout teacher-forced or by ridge)");
  if (c->cell == RNNLAB_CELL_LSTM && c->variant == RNNLAB_LSTM_FGR)
    return status_fail(err, errlen, RNNLAB_EINVAL, "closedLoop: the FGR LSTM's gate recurrence is not stepped one step at a time");
  return RNNLAB_OK;
}

rnnlab_status closedloop_pass(rnnlab_model *m, const rnnlab_batch *b, int warmup, int do_backward, float *outputs,
                              float *loss_out, float **buf, size_t *cap) {
  const rnnlab_config *c = &m->cfg;
  rnnlab_status s = closedloop_check(m, warmup, m->err, sizeof m->err);
  if (s) return s;
  const int B = b->batch, T = b->length, H = c->hidden_size, L = c->layers, I = c->input_size, V = c->output_size;
  const size_t BH = (size_t)B * H;
  /* scratch: carry (L,2,B,H), dtop (B,H), du of steps t and t+1 (B,I) each */
  const size_t need = (size_t)L * 2 * BH + BH + 2 * (size_t)B * I;
  if (need > *cap) {
    float *nb = realloc(*buf, need * sizeof(float));
    if (!nb) return model_fail(m, RNNLAB_ENOMEM, "closedLoop: out of memory for %zu floats of scratch", need);
    *buf = nb, *cap = need;
  }
  float *carry = *buf, *dtop = carry + (size_t)L * 2 * BH, *du = dtop + BH, *du_next = du + (size_t)B * I;
  const int carry_in = b->carry_state && m->state_B == B;
  s = model_steps_begin(m, T, B);
  if (s) return s;
  for (int l = 0; l < L; l++) { /* the initial state: carried or zeros */
    float *h0 = model_slot(m, l, 0, 0, B), *c0 = model_slot(m, l, 1, 0, B);
    const cell_cache *cc = &m->C[l][0];
    if (carry_in) memcpy(h0, cc->state_h, sizeof(float) * BH);
    else memset(h0, 0, sizeof(float) * BH);
    if (c0) {
      if (carry_in) memcpy(c0, cc->state_c, sizeof(float) * BH);
      else memset(c0, 0, sizeof(float) * BH);
    }
  }
  const float *Ytop = m->Y[L - 1];
  for (int t = 0; t < T; t++) {
    float *x = m->X0 + (size_t)t * B * I;
    for (int bi = 0; bi < B; bi++) {
      const float *src = t < warmup ? b->inputs + ((size_t)bi * T + t) * I : m->out + ((size_t)(t - 1) * B + bi) * V;
      memcpy(x + (size_t)bi * I, src, sizeof(float) * I);
    }
    model_step_forward(m, t, B);
    float *o = m->out + (size_t)t * B * V; /* o_t = h_t Wy + by, as model_readout computes every row */
    for (int bi = 0; bi < B; bi++) memcpy(o + (size_t)bi * V, m->by, sizeof(float) * V);
    k_gemm_nn(B, V, H, Ytop + (size_t)t * BH, H, m->Wy, V, o, V); /* a diverging feedback ends as a non-finite loss below */
  }
  for (int l = 0; l < L; l++) { /* the final state becomes the carried state, as model_pass leaves it */
    cell_cache *cc = &m->C[l][0];
    memcpy(cc->state_h, model_slot(m, l, 0, T, B), sizeof(float) * BH);
    const float *cT = model_slot(m, l, 1, T, B);
    if (cT) memcpy(cc->state_c, cT, sizeof(float) * BH);
  }
  m->state_B = B;
  /* the loss over every row: recomputes o_t from the same rows by the same kernel (row by row
   * the same sums), so what was fed back is exactly what is scored */
  float loss = model_readout(m, b, 0, T, B, do_backward);
  if (!(loss == loss) || loss - loss != 0)
    return model_fail(m, RNNLAB_ENONFINITE, "closedLoop: the loss is not finite (%g): the free-running outputs diverged", loss);
  if (loss_out) *loss_out = loss;
  if (outputs)
    for (int t = 0; t < T; t++)
      for (int bi = 0; bi < B; bi++)
        memcpy(outputs + ((size_t)bi * T + t) * V, m->out + ((size_t)t * B + bi) * V, sizeof(float) * V);
  m->last_T = T, m->last_B = B, m->have_backward = 0;
  if (!do_backward) return RNNLAB_OK;

  memset(carry, 0, sizeof(float) * (size_t)L * 2 * BH);
  for (int t = T - 1; t >= 0; t--) {
    float *g = m->dout + (size_t)t * B * V; /* g_t = dout_t + du_{t+1} */
    if (t + 1 < T && t + 1 >= warmup)
      for (size_t i = 0; i < (size_t)B * V; i++) g[i] += du_next[i];
    const float *ht = Ytop + (size_t)t * BH;
    k_gemm_tn(H, V, B, ht, H, g, V, m->dWy, V);
    for (int bi = 0; bi < B; bi++)
      for (int v = 0; v < V; v++) m->dby[v] += g[(size_t)bi * V + v];
    memset(dtop, 0, sizeof(float) * BH);
    k_gemm_nt(B, H, V, g, V, m->Wy, V, dtop, H);
    if (t >= warmup) memset(du, 0, sizeof(float) * (size_t)B * I);
    model_step_backward(m, t, B, dtop, carry, t >= warmup ? du : NULL);
    float *tmp = du;
    du = du_next, du_next = tmp; /* du_next now holds du_t for step t-1 */
  }
  m->have_backward = 1;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_trainer_set_closed_loop(rnnlab_trainer *t, int32_t warmup) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = '\0';
  if (warmup == 0) {
    t->closed_warmup = 0;
    return RNNLAB_OK;
  }
  rnnlab_status s = closedloop_check(t->model, warmup, t->err, sizeof t->err);
  if (s) return s;
  if (t->opt.tc.truncate > 0)
    return status_fail(t->err, sizeof t->err, RNNLAB_EINVAL,
                       "closedLoop backpropagates through the whole feedback: it needs truncate 0 (got %d)", t->opt.tc.truncate);
  t->closed_warmup = warmup;
  return RNNLAB_OK;
}

int32_t rnnlab_trainer_closed_loop(const rnnlab_trainer *t) { return t ? t->closed_warmup : 0; }

/* As rnnlab_trainer_step's one chunk (the batch is checked there): zero_grad, the closed-loop
 * pass with backward, the norm, clipping and the update; nothing is applied when the loss or the
 * norm is not finite. */
rnnlab_status closedloop_step(rnnlab_trainer *t, const rnnlab_batch *b, rnnlab_step_result *r) {
  rnnlab_model *m = t->model;
  float loss = 0.0f;
  rnnlab_model_zero_grad(m);
  rnnlab_status s = closedloop_pass(m, b, t->closed_warmup, 1, NULL, &loss, &t->cl_buf, &t->cl_cap);
  if (s) {
    status_fail(t->err, sizeof t->err, s, "%s%s", m->err[0] ? m->err : rnnlab_status_str(s),
                s == RNNLAB_ENONFINITE ? " (weights not updated)" : "");
    return s;
  }
  param_arena a = trainer_arena(m);
  const double norm = arena_sqrt(arena_sumsq(a.grads, a.n));
  if (!isfinite(norm))
    return status_fail(t->err, sizeof t->err, RNNLAB_ENONFINITE,
                       "closedLoop: gradient norm is not finite: weights not updated; lower the learning rate or enable clip_norm");
  const int clipped = optimizer_apply(&t->opt, &a, norm);
  if (r) r->loss = loss, r->grad_norm = (float)norm, r->clipped = clipped, r->chunks = 1;
  return RNNLAB_OK;
}
