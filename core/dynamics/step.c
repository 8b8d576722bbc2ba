/* dynamics/step.c - a model as a map on its state (dynamics.h): F(s; u) over rows of states, its
 * vector-Jacobian product J^T r, the Jacobian itself, and the speed q = 1/2 |F(s) - s|^2.
 *
 * Built on the model's stepping functions (internal.h): one time step through every layer with
 * the cell table's own forward, and its backward, which with dL/d(top h) = 0 and dL/d(state
 * after) = r leaves dL/d(state before) = J^T r in its carry, the cell state included. Rows are
 * independent, so many states (optimiser starts, the rows of an identity for J) go in one pass.
 * The backward also adds parameter gradients: dyn_open keeps a copy of the gradient arena and
 * dyn_close puts it back, as it puts back the carried state, so an analysis between two training
 * steps disturbs neither.
 * Does not own: the cells, the caches (model.c), anything the analyses do with F.
 */
#include <stdlib.h>
#include <string.h>

#include "cells/cell.h"
#include "dynamics/dynamics.h"

static int finite(float x) { return x == x && x - x == 0.0f; }

rnnlab_status dyn_check(rnnlab_model *m, const char *who) {
  const rnnlab_config *c = &m->cfg;
  if (c->bidirectional)
    return model_fail(m, RNNLAB_EINVAL, "%s: a bidirectional model reads its input backwards in time too: it has no state that steps forward", who);
  if (c->cell == RNNLAB_CELL_LSTM && c->variant == RNNLAB_LSTM_FGR)
    return model_fail(m, RNNLAB_EINVAL, "%s: the FGR LSTM's state includes the previous step's gates, which the analysis does not model", who);
  return RNNLAB_OK;
}

rnnlab_status dyn_open(dyn_model *d, rnnlab_model *m, const float *input, int32_t token, int with_backward, const char *who) {
  memset(d, 0, sizeof *d);
  const rnnlab_config *c = &m->cfg;
  rnnlab_status s = dyn_check(m, who);
  if (s) return s;
  const int onehot = c->input_kind == RNNLAB_INPUT_ONEHOT;
  if (onehot) {
    if (token < 0 || token >= c->input_size)
      return model_fail(m, RNNLAB_EINVAL, "%s: input token %d is out of range for inputSize %d", who, token, c->input_size);
  } else if (input) {
    for (int i = 0; i < c->input_size; i++)
      if (!finite(input[i]))
        return model_fail(m, RNNLAB_ENONFINITE, "%s: input[%d] is %s", who, i, input[i] != input[i] ? "NaN" : "infinite");
  }
  d->m = m, d->L = c->layers, d->H = c->hidden_size, d->has_c = m->cell->cell_state;
  d->N = d->L * d->H * (1 + d->has_c), d->I = c->input_size, d->onehot = onehot;
  d->input = onehot ? NULL : input, d->token = token;
  if (with_backward) {
    d->grads = malloc(sizeof(float) * (m->n_params ? m->n_params : 1));
    if (!d->grads) return model_fail(m, RNNLAB_ENOMEM, "%s: out of memory for a copy of %zu gradients", who, m->n_params);
    memcpy(d->grads, m->grads, sizeof(float) * m->n_params);
  }
  s = rnnlab_model_keep_state(m);
  if (s) {
    free(d->grads);
    d->grads = NULL;
    return s;
  }
  d->kept = 1;
  return RNNLAB_OK;
}

void dyn_close(dyn_model *d) {
  if (!d->m) return;
  if (d->grads) memcpy(d->m->grads, d->grads, sizeof(float) * d->m->n_params);
  if (d->kept) rnnlab_model_restore_state(d->m);
  free(d->grads), free(d->carry), free(d->zeros), free(d->fbuf);
  memset(d, 0, sizeof *d);
}

rnnlab_status dyn_reserve(dyn_model *d, int B) {
  rnnlab_model *m = d->m;
  if ((double)B * d->N > RNNLAB_MAX_ELEMS || (double)B * d->H * 2 * d->L > RNNLAB_MAX_ELEMS)
    return model_fail(m, RNNLAB_EINVAL, "%d rows of a %d-float state are more than the engine's buffers hold", B, d->N);
  rnnlab_status s = model_steps_begin(m, 1, B);
  if (s) return s;
  if (B <= d->B) return RNNLAB_OK;
  float *carry = malloc(sizeof(float) * (size_t)d->L * 2 * B * d->H);
  float *zeros = calloc((size_t)B * d->H, sizeof(float));
  float *fbuf = malloc(sizeof(float) * (size_t)B * d->N);
  if (!carry || !zeros || !fbuf) {
    free(carry), free(zeros), free(fbuf);
    return model_fail(m, RNNLAB_ENOMEM, "out of memory for %d rows of a %d-float state", B, d->N);
  }
  free(d->carry), free(d->zeros), free(d->fbuf);
  d->carry = carry, d->zeros = zeros, d->fbuf = fbuf, d->B = B;
  return RNNLAB_OK;
}

void dyn_step(dyn_model *d, int B, const float *in, float *out, const float *inputs, const int32_t *tokens) {
  rnnlab_model *m = d->m;
  const int H = d->H, L = d->L, N = d->N, I = d->I;
  for (int l = 0; l < L; l++) {
    float *h0 = model_slot(m, l, 0, 0, B), *c0 = d->has_c ? model_slot(m, l, 1, 0, B) : NULL;
    for (int b = 0; b < B; b++) {
      memcpy(h0 + (size_t)b * H, in + (size_t)b * N + (size_t)l * H, sizeof(float) * H);
      if (c0) memcpy(c0 + (size_t)b * H, in + (size_t)b * N + (size_t)(L + l) * H, sizeof(float) * H);
    }
  }
  if (d->onehot) {
    for (int b = 0; b < B; b++) m->tok[b] = tokens ? tokens[b] : d->token;
  } else {
    for (int b = 0; b < B; b++) {
      float *x = m->X0 + (size_t)b * I;
      if (inputs) memcpy(x, inputs + (size_t)b * I, sizeof(float) * I);
      else if (d->input) memcpy(x, d->input, sizeof(float) * I);
      else memset(x, 0, sizeof(float) * I);
    }
  }
  model_step_forward(m, 0, B);
  for (int l = 0; l < L; l++) {
    const float *h1 = model_slot(m, l, 0, 1, B), *c1 = d->has_c ? model_slot(m, l, 1, 1, B) : NULL;
    for (int b = 0; b < B; b++) {
      memcpy(out + (size_t)b * N + (size_t)l * H, h1 + (size_t)b * H, sizeof(float) * H);
      if (c1) memcpy(out + (size_t)b * N + (size_t)(L + l) * H, c1 + (size_t)b * H, sizeof(float) * H);
    }
  }
}

void dyn_vjp(dyn_model *d, int B, const float *r, float *out) {
  const int H = d->H, L = d->L, N = d->N;
  const size_t BH = (size_t)B * H;
  /* carry (L, 2, B, H): [h c] of each layer, from the rows' [h^0..h^{L-1} | c^0..c^{L-1}] */
  for (int l = 0; l < L; l++)
    for (int b = 0; b < B; b++) {
      float *ch = d->carry + (size_t)l * 2 * BH + (size_t)b * H;
      memcpy(ch, r + (size_t)b * N + (size_t)l * H, sizeof(float) * H);
      if (d->has_c) memcpy(ch + BH, r + (size_t)b * N + (size_t)(L + l) * H, sizeof(float) * H);
      else memset(ch + BH, 0, sizeof(float) * H);
    }
  model_step_backward(d->m, 0, B, d->zeros, d->carry, NULL);
  for (int l = 0; l < L; l++)
    for (int b = 0; b < B; b++) {
      const float *ch = d->carry + (size_t)l * 2 * BH + (size_t)b * H;
      memcpy(out + (size_t)b * N + (size_t)l * H, ch, sizeof(float) * H);
      if (d->has_c) memcpy(out + (size_t)b * N + (size_t)(L + l) * H, ch + BH, sizeof(float) * H);
    }
}

rnnlab_status dyn_jacobian(dyn_model *d, const float *s, double *J, float *tmp) {
  const int N = d->N;
  rnnlab_status st = dyn_reserve(d, N);
  if (st) return st;
  float *rows = tmp, *eye = tmp + (size_t)N * N;
  for (int b = 0; b < N; b++) memcpy(rows + (size_t)b * N, s, sizeof(float) * N);
  dyn_step(d, N, rows, rows, NULL, NULL);
  memset(eye, 0, sizeof(float) * (size_t)N * N);
  for (int b = 0; b < N; b++) eye[(size_t)b * N + b] = 1.0f;
  dyn_vjp(d, N, eye, rows); /* row b = J^T e_b = row b of J */
  for (size_t i = 0; i < (size_t)N * N; i++) J[i] = rows[i];
  return RNNLAB_OK;
}

void dyn_speed(dyn_model *d, int B, const float *s, double *q, float *grad, float *r) {
  const int N = d->N;
  dyn_step(d, B, s, r, NULL, NULL);
  for (int b = 0; b < B; b++) {
    double acc = 0;
    for (int j = 0; j < N; j++) {
      const size_t i = (size_t)b * N + j;
      r[i] -= s[i];
      acc += (double)r[i] * r[i];
    }
    q[b] = 0.5 * acc;
  }
  if (!grad) return;
  dyn_vjp(d, B, r, grad); /* grad = J^T r - r */
  for (size_t i = 0; i < (size_t)B * N; i++) grad[i] -= r[i];
}

rnnlab_status dyn_model_step(void *ctx, int rows, const double *in, double *out) {
  dyn_model *d = ctx;
  const size_t n = (size_t)rows * d->N;
  for (size_t i = 0; i < n; i++) d->fbuf[i] = (float)in[i];
  dyn_step(d, rows, d->fbuf, d->fbuf, NULL, NULL);
  for (size_t i = 0; i < n; i++) {
    if (!finite(d->fbuf[i]))
      return model_fail(d->m, RNNLAB_ENONFINITE, "the state became non-finite: the dynamics diverge (weights too large?)");
    out[i] = d->fbuf[i];
  }
  return RNNLAB_OK;
}

void dyn_model_represent(void *ctx, int rows, double *s) {
  const dyn_model *d = ctx;
  for (size_t i = 0; i < (size_t)rows * d->N; i++) s[i] = (float)s[i];
}
