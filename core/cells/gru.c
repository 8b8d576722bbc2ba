/* cells/gru.c - gated recurrent unit, gate order [r z n] (PyTorch nn.GRU).
 *
 * reset after (PyTorch, resetAfter = 1):
 *   r = sig(W_r x + b_ir + U_r h + b_hr),  z = sig(W_z x + b_iz + U_z h + b_hz)
 *   n = tanh(W_n x + b_in + r * (U_n h + b_hn)),  h' = (1 - z) * n + z * h
 * reset before (Cho et al. 2014, resetAfter = 0):
 *   n = tanh(W_n x + b_in + U_n (r * h) + b_hn)
 * The first form runs the fused kernel; the second needs the reset gate before the second
 * recurrent product, so it runs in two products with a scalar pointwise step between.
 * aux caches U_n h + b_hn (reset after) or r * h (reset before).
 */
#include <string.h>

#include "cells/cell.h"
#include "kernels/kernels.h"

static void gru_forward(cell_ctx *x) {
  const rnnlab_config *c = &x->m->cfg;
  const int H = c->hidden_size, G = 3 * H, B = x->B, T = x->T;
  const int after = c->reset_after;
  cell_project_input(x, x->c->gates, !after); /* reset before: both biases sit outside r */
  float *gx = x->m->scratch, *gh = gx + (size_t)B * G;
  for (int s = 0; s < T; s++) {
    const int t = x->dir ? T - 1 - s : s;
    float *g = x->c->gates + (size_t)t * B * G, *aux = x->c->aux + (size_t)t * B * H, *ho = slot_out(x->c->h, x, t);
    const float *hp = slot_prev(x->c->h, x, t);
    if (after) {
      memcpy(gx, g, sizeof(float) * B * G);
      for (int b = 0; b < B; b++) memcpy(gh + (size_t)b * G, x->p->bh, sizeof(float) * G);
      k_gemm_nn(B, G, H, hp, H, x->p->Wh, G, gh, G);
      k_gru_forward(g, aux, ho, gx, gh, hp, B, H);
      continue;
    }
    k_gemm_nn(B, 2 * H, H, hp, H, x->p->Wh, G, g, G); /* r, z pre-activations */
    for (int b = 0; b < B; b++) {
      float *gr = g + (size_t)b * G;
      for (int j = 0; j < 2 * H; j++) gr[j] = k_sigmoidf(gr[j]);
      for (int j = 0; j < H; j++) aux[b * H + j] = gr[j] * hp[b * H + j]; /* r * h */
    }
    k_gemm_nn(B, H, H, aux, H, x->p->Wh + 2 * H, G, g + 2 * H, G); /* + U_n (r * h) */
    for (int b = 0; b < B; b++) {
      float *gr = g + (size_t)b * G;
      for (int j = 0; j < H; j++) {
        float n = gr[2 * H + j] = k_tanhf(gr[2 * H + j]), z = gr[H + j];
        ho[b * H + j] = (1.0f - z) * n + z * hp[b * H + j];
      }
    }
  }
}

static void gru_backward(cell_ctx *x, const float *dY, int ldy, float *dX, int ldx) {
  const rnnlab_config *c = &x->m->cfg;
  const int H = c->hidden_size, G = 3 * H, B = x->B, T = x->T, BH = B * H, TB = T * B;
  const int after = c->reset_after;
  float *dh = x->m->scratch, *dhrec = dh + BH, *drh = dhrec + BH;
  cell_backward_start(x, dhrec, NULL);
  for (int s = T - 1; s >= 0; s--) {
    const int t = x->dir ? T - 1 - s : s;
    const float *g = x->c->gates + (size_t)t * B * G, *aux = x->c->aux + (size_t)t * BH;
    const float *hp = slot_prev(x->c->h, x, t);
    float *dp = x->m->dpre + (size_t)t * B * G;
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) dh[b * H + j] = dY[((size_t)t * B + b) * ldy + j] + dhrec[b * H + j];
    cell_record_gradnorm(x, t, dh);
    memset(dhrec, 0, sizeof(float) * BH);
    if (after) {
      float *dgh = x->m->dpre2 + (size_t)t * B * G;
      k_gru_backward(dp, dgh, dhrec, dh, g, aux, hp, B, H);
      k_gemm_nt(B, H, G, dgh, G, x->p->Wh, G, dhrec, H);
      continue;
    }
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) {
        const int i = b * H + j;
        const float z = g[b * G + H + j], n = g[b * G + 2 * H + j];
        const float dn = dh[i] * (1.0f - z), dz = dh[i] * (hp[i] - n);
        dp[b * G + 2 * H + j] = dn * (1.0f - n * n);
        dp[b * G + H + j] = dz * z * (1.0f - z);
        dhrec[i] += dh[i] * z;
      }
    memset(drh, 0, sizeof(float) * BH);
    k_gemm_nt(B, H, H, dp + 2 * H, G, x->p->Wh + 2 * H, G, drh, H); /* dL/d(r*h) */
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) {
        const int i = b * H + j;
        const float r = g[b * G + j];
        dp[b * G + j] = drh[i] * hp[i] * r * (1.0f - r);
        dhrec[i] += drh[i] * r;
      }
    k_gemm_nt(B, H, 2 * H, dp, G, x->p->Wh, G, dhrec, H); /* through U_r, U_z */
  }
  cell_backward_end(x, dhrec, NULL);
  const float *hprev_all = x->c->h + (x->dir ? BH : 0);
  if (after) {
    const float *dgh = x->m->dpre2;
    k_gemm_tn(H, G, TB, hprev_all, H, dgh, G, x->dp->Wh, G);
    for (int r = 0; r < TB; r++)
      for (int j = 0; j < G; j++) x->dp->bh[j] += dgh[(size_t)r * G + j];
    cell_project_input_backward(x, x->m->dpre, 0, dX, ldx);
  } else {
    k_gemm_tn(H, 2 * H, TB, hprev_all, H, x->m->dpre, G, x->dp->Wh, G);
    k_gemm_tn(H, H, TB, x->c->aux, H, x->m->dpre + 2 * H, G, x->dp->Wh + 2 * H, G);
    cell_project_input_backward(x, x->m->dpre, 1, dX, ldx);
  }
}

/* aux: gh_n (reset after) or r * h_{t-1} (reset before) */
const cell_family gru_cell = {
    .name = "gru", .gates = 3, .aux = 1, .forward = gru_forward, .backward = gru_backward,
};
