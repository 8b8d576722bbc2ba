/* cells/cfn.c - the chaos-free network (Laurent & von Brecht 2017), gate order [theta eta c]:
 *
 *   theta_t = sig(U_theta h_{t-1} + V_theta x_t + b_theta)      the forget-like gate
 *   eta_t   = sig(U_eta h_{t-1}   + V_eta x_t   + b_eta)        the input gate
 *   h_t     = theta_t * tanh(h_{t-1}) + eta_t * tanh(W x_t)
 *
 * The candidate tanh(W x_t) reads the input only: no recurrent weights and no bias in its block
 * (the c rows of weight_hh, bias_ih and bias_hh are kept at zero and not counted), so with no
 * input h_t = theta_t * tanh(h_{t-1}), |h_t| < |h_{t-1}|, and every trajectory decays to 0: the
 * dynamics cannot be chaotic, which is the paper's point against LSTM and GRU.
 * gates caches the three post-activations, aux caches tanh(h_{t-1}).
 */
#include <string.h>

#include "cells/cell.h"
#include "kernels/kernels.h"

enum { CFN_THETA = 0, CFN_ETA = 1, CFN_C = 2 };

static void cfn_forward(cell_ctx *x) {
  const int H = x->m->cfg.hidden_size, G = 3 * H, B = x->B, T = x->T;
  cell_project_input(x, x->c->gates, 1); /* the c block's biases are zero: W x alone */
  for (int s = 0; s < T; s++) {
    const int t = x->dir ? T - 1 - s : s;
    float *g = x->c->gates + (size_t)t * B * G, *th = x->c->aux + (size_t)t * B * H, *ho = slot_out(x->c->h, x, t);
    const float *hp = slot_prev(x->c->h, x, t);
    k_gemm_nn(B, 2 * H, H, hp, H, x->p->Wh, G, g, G); /* + U h_{t-1} for theta and eta */
    k_tanh(th, hp, B * H);
    for (int b = 0; b < B; b++) {
      float *gr = g + (size_t)b * G;
      k_sigmoid(gr, gr, 2 * H);
      k_tanh(gr + 2 * H, gr + 2 * H, H);
      for (int j = 0; j < H; j++) ho[b * H + j] = gr[j] * th[b * H + j] + gr[H + j] * gr[2 * H + j];
    }
  }
}

/* the candidate block's recurrent rows and biases, which never act (params and grads) */
static void cfn_zero_unused(rnnlab_model *m) {
  const int H = m->cfg.hidden_size, G = m->G;
  for (int l = 0; l < m->cfg.layers; l++)
    for (int d = 0; d < m->D; d++)
      for (int k = 0; k < 2; k++) {
        cell_params *cp = k ? &m->dP[l][d] : &m->P[l][d];
        for (int r = 0; r < H; r++) memset(cp->Wh + (size_t)r * G + CFN_C * H, 0, sizeof(float) * H);
        memset(cp->bx + CFN_C * H, 0, sizeof(float) * H);
        memset(cp->bh + CFN_C * H, 0, sizeof(float) * H);
      }
}

static void cfn_backward(cell_ctx *x, const float *dY, int ldy, float *dX, int ldx) {
  const int H = x->m->cfg.hidden_size, G = 3 * H, B = x->B, T = x->T, BH = B * H, TB = T * B;
  float *dh = x->m->scratch, *dhrec = dh + BH;
  cell_backward_start(x, dhrec, NULL);
  for (int s = T - 1; s >= 0; s--) {
    const int t = x->dir ? T - 1 - s : s;
    const float *g = x->c->gates + (size_t)t * B * G, *th = x->c->aux + (size_t)t * BH;
    float *dp = x->m->dpre + (size_t)t * B * G;
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) dh[b * H + j] = dY[((size_t)t * B + b) * ldy + j] + dhrec[b * H + j];
    cell_record_gradnorm(x, t, dh);
    for (int b = 0; b < B; b++) {
      const float *gr = g + (size_t)b * G;
      float *d = dp + (size_t)b * G;
      for (int j = 0; j < H; j++) {
        const float dhj = dh[b * H + j], theta = gr[j], eta = gr[H + j], c = gr[2 * H + j], tj = th[b * H + j];
        d[j] = dhj * tj * theta * (1.0f - theta);              /* dL/d theta pre-activation */
        d[H + j] = dhj * c * eta * (1.0f - eta);               /* dL/d eta pre-activation */
        d[2 * H + j] = dhj * eta * (1.0f - c * c);             /* dL/d (W x) */
        dhrec[b * H + j] = dhj * theta * (1.0f - tj * tj);     /* through tanh(h_{t-1}) */
      }
    }
    k_gemm_nt(B, H, 2 * H, dp, G, x->p->Wh, G, dhrec, H); /* + through the gates' U h_{t-1} */
  }
  cell_backward_end(x, dhrec, NULL);
  k_gemm_tn(H, 2 * H, TB, x->c->h + (x->dir ? BH : 0), H, x->m->dpre, G, x->dp->Wh, G); /* dU += h_{t-1}^T dpre */
  cell_project_input_backward(x, x->m->dpre, 1, dX, ldx);
  /* the c block's bias gradients: never acting, never moving */
  memset(x->dp->bx + CFN_C * H, 0, sizeof(float) * H);
  memset(x->dp->bh + CFN_C * H, 0, sizeof(float) * H);
}

static int64_t cfn_unused(const rnnlab_config *c, int I) {
  (void)I;
  const int64_t H = c->hidden_size;
  return H * H + 2 * H; /* the c block of weight_hh, bias_ih, bias_hh */
}

const cell_family cfn_cell = {
    .name = "cfn", .gates = 3, .aux = 1, .unused = cfn_unused,
    .after_init = cfn_zero_unused, .fix = cfn_zero_unused,
    .forward = cfn_forward, .backward = cfn_backward,
};
