/* cells/rnn.c - the single-gate family: Elman RNN, continuous-time RNN and echo-state network.
 *
 *   rnn:   h_t = f(W x_t + U h_{t-1} + b)                                   (Elman 1990)
 *   ctrnn: tau dx/dt = -x + U f(x) + W u + b, Euler step alpha = dt/tau:
 *          x_t = (1 - alpha) x_{t-1} + alpha (W u_t + U h_{t-1} + b),  h_t = f(x_t)
 *   esn:   h_t = (1 - alpha) h_{t-1} + alpha f(W u_t + U h_{t-1} + b)     (leaky ESN, Jaeger 2007)
 *          W, U fixed (U scaled to a spectral radius, esn.c); only the readout learns, so the
 *          backward here only carries dL/dh for the trace and accumulates no weight gradients.
 * f is tanh, relu or sigmoid. G = H. gates caches f(.) (the firing rate) for every form.
 * Owns the rnn and ctrnn rows of the cell table and the step all three forms share (esn.c holds
 * the esn row and its reservoir initialisation).
 * Does not own: the input projection and its backward (model.c), the kernels.
 */
#include <string.h>

#include "cells/rnn.h"
#include "kernels/kernels.h"

static void activate(int act, float *y, int n) {
  if (act == RNNLAB_ACT_TANH) k_tanh(y, y, n);
  else if (act == RNNLAB_ACT_SIGMOID) k_sigmoid(y, y, n);
  else
    for (int i = 0; i < n; i++) y[i] = y[i] > 0 ? y[i] : 0;
}

/* f'(.) expressed through y = f(.) */
static float dact(int act, float y) {
  if (act == RNNLAB_ACT_TANH) return 1.0f - y * y;
  if (act == RNNLAB_ACT_SIGMOID) return y * (1.0f - y);
  return y > 0 ? 1.0f : 0.0f;
}

void single_gate_forward(cell_ctx *x, single_gate_form form) {
  const rnnlab_config *c = &x->m->cfg;
  const int H = c->hidden_size, B = x->B, T = x->T, BH = B * H, act = c->activation;
  const float a = c->alpha;
  cell_project_input(x, x->c->gates, 1);
  for (int s = 0; s < T; s++) {
    const int t = x->dir ? T - 1 - s : s;
    float *g = x->c->gates + (size_t)t * BH, *ho = slot_out(x->c->h, x, t);
    const float *hp = slot_prev(x->c->h, x, t);
    k_gemm_nn(B, H, H, hp, H, x->p->Wh, H, g, H); /* + U h_{t-1} */
    if (form == SINGLE_GATE_CTRNN) {
      float *xo = slot_out(x->c->c, x, t);
      const float *xp = slot_prev(x->c->c, x, t);
      for (int i = 0; i < BH; i++) g[i] = xo[i] = (1.0f - a) * xp[i] + a * g[i];
      activate(act, g, BH);
      memcpy(ho, g, sizeof(float) * BH);
    } else if (form == SINGLE_GATE_ESN) {
      activate(act, g, BH);
      for (int i = 0; i < BH; i++) ho[i] = (1.0f - a) * hp[i] + a * g[i];
    } else {
      activate(act, g, BH);
      memcpy(ho, g, sizeof(float) * BH);
    }
  }
}

void single_gate_backward(cell_ctx *x, single_gate_form form, const float *dY, int ldy, float *dX, int ldx) {
  const rnnlab_config *c = &x->m->cfg;
  const int H = c->hidden_size, B = x->B, T = x->T, BH = B * H, act = c->activation;
  const float a = c->alpha;
  float *dh = x->m->scratch, *dhrec = dh + BH, *dxrec = dhrec + BH;
  cell_backward_start(x, dhrec, form == SINGLE_GATE_CTRNN ? dxrec : NULL);
  for (int s = T - 1; s >= 0; s--) {
    const int t = x->dir ? T - 1 - s : s;
    const float *g = x->c->gates + (size_t)t * BH;
    float *dp = x->m->dpre + (size_t)t * BH;
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) dh[b * H + j] = dY[((size_t)t * B + b) * ldy + j] + dhrec[b * H + j];
    cell_record_gradnorm(x, t, dh);
    if (form == SINGLE_GATE_CTRNN) { /* dx_t = dh_t f'(x_t) + (1-alpha) dx_{t+1};  dpre = alpha dx_t */
      for (int i = 0; i < BH; i++) {
        float dxt = dh[i] * dact(act, g[i]) + dxrec[i];
        dp[i] = a * dxt;
        dxrec[i] = (1.0f - a) * dxt;
      }
      memset(dhrec, 0, sizeof(float) * BH);
    } else if (form == SINGLE_GATE_ESN) { /* dh_{t-1} gets (1-alpha) dh_t directly */
      for (int i = 0; i < BH; i++) {
        dp[i] = a * dh[i] * dact(act, g[i]);
        dhrec[i] = (1.0f - a) * dh[i];
      }
    } else {
      for (int i = 0; i < BH; i++) dp[i] = dh[i] * dact(act, g[i]);
      memset(dhrec, 0, sizeof(float) * BH);
    }
    k_gemm_nt(B, H, H, dp, H, x->p->Wh, H, dhrec, H); /* dh_{t-1} += dpre U^T */
  }
  cell_backward_end(x, dhrec, form == SINGLE_GATE_CTRNN ? dxrec : NULL);
  const int TB = T * B;
  if (form == SINGLE_GATE_ESN) { /* fixed reservoir: no weight gradients; the input's still flows (to a layer below, an attention context) */
    if (dX) k_gemm_nt(TB, x->I, H, x->m->dpre, H, x->p->Wx, H, dX, ldx);
    return;
  }
  k_gemm_tn(H, H, TB, x->c->h + (x->dir ? BH : 0), H, x->m->dpre, H, x->dp->Wh, H); /* dU += sum h_{t-1}^T dpre_t */
  cell_project_input_backward(x, x->m->dpre, 1, dX, ldx);
}

static void rnn_forward(cell_ctx *x) { single_gate_forward(x, SINGLE_GATE_ELMAN); }
static void rnn_backward(cell_ctx *x, const float *dY, int ldy, float *dX, int ldx) {
  single_gate_backward(x, SINGLE_GATE_ELMAN, dY, ldy, dX, ldx);
}
static void ctrnn_forward(cell_ctx *x) { single_gate_forward(x, SINGLE_GATE_CTRNN); }
static void ctrnn_backward(cell_ctx *x, const float *dY, int ldy, float *dX, int ldx) {
  single_gate_backward(x, SINGLE_GATE_CTRNN, dY, ldy, dX, ldx);
}

const cell_family rnn_cell = {
    .name = "rnn", .gates = 1, .forward = rnn_forward, .backward = rnn_backward,
};

/* the potential x is the second state */
const cell_family ctrnn_cell = {
    .name = "ctrnn", .gates = 1, .cell_state = 1, .forward = ctrnn_forward, .backward = ctrnn_backward,
};
