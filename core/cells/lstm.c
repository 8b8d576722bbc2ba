/* cells/lstm.c - the LSTM family, gate order [i f g o] (PyTorch nn.LSTM), one generic form:
 *
 *   a_i = W_i x + U_i h_{t-1} + b_i + p_i * c_{t-1} + R_i [i f o]_{t-1}
 *   a_f = W_f x + U_f h_{t-1} + b_f + p_f * c_{t-1} + R_f [i f o]_{t-1}
 *   a_g = W_g x + U_g h_{t-1} + b_g
 *   i = sig(a_i)   f = sig(a_f) (CIFG: f = 1 - i)   g = G(a_g)
 *   c_t = f * c_{t-1} + i * g                 (forget gate: Gers et al. 2000; 1997: f = 1)
 *   a_o = W_o x + U_o h_{t-1} + b_o + p_o * c_t + R_o [i f o]_{t-1}
 *   o = sig(a_o)   h_t = o * Hs(c_t)
 * with G = Hs = tanh (standard, Greff's vanilla), G = identity (NIAF), Hs = identity (NOAF),
 * and the 1997 scaled sigmoids G(x) = g_lo + (g_hi - g_lo) sig(x), Hs(x) = h_lo + (h_hi - h_lo)
 * sig(x). A missing gate (NIG, NFG, NOG) is the constant 1. Peepholes p (Gers & Schmidhuber
 * 2000) in vanilla and its ablations except NP; R (3H x 3H) only in FGR.
 * STANDARD and NP are the same equations and run the fused SIMD kernels; the other variants run
 * the scalar generic step below, with the same products around it.
 * gates caches [i f g o] post-activation (constants for missing gates); aux caches Hs(c_t).
 */
#include <string.h>

#include "cells/lstm.h"
#include "kernels/kernels.h"

typedef struct {
  int in_gate, forget_gate, out_gate, cifg, peep, fgr, g_act, h_act;
  float glo, gspan, hlo, hspan;
} parts;

static parts parts_of(const rnnlab_config *c) {
  const lstm_parts lp = lstm_parts_of(c->variant);
  parts p;
  p.in_gate = lp.in_gate, p.forget_gate = lp.forget_gate, p.out_gate = lp.out_gate, p.cifg = lp.cifg;
  p.peep = lp.peep, p.fgr = lp.fgr, p.g_act = lp.g_act, p.h_act = lp.h_act;
  p.glo = c->g_lo, p.gspan = c->g_hi - c->g_lo, p.hlo = c->h_lo, p.hspan = c->h_hi - c->h_lo;
  return p;
}

static int fused(const rnnlab_config *c) { return c->variant == RNNLAB_LSTM_STANDARD || c->variant == RNNLAB_LSTM_NP; }

static float squash(int kind, float lo, float span, float a) {
  return kind == 0 ? k_tanhf(a) : kind == 1 ? a : lo + span * k_sigmoidf(a);
}
/* derivative of squash through its output y */
static float dsquash(int kind, float lo, float span, float y) {
  return kind == 0 ? 1.0f - y * y : kind == 1 ? 1.0f : (y - lo) * (lo + span - y) / span;
}

/* packs [i f o] of a (B,4H) gate block into (B,3H) */
static void pack_ifo(float *dst, const float *g, int B, int H) {
  for (int b = 0; b < B; b++) {
    memcpy(dst + (size_t)b * 3 * H, g + (size_t)b * 4 * H, sizeof(float) * 2 * H);
    memcpy(dst + (size_t)b * 3 * H + 2 * H, g + (size_t)b * 4 * H + 3 * H, sizeof(float) * H);
  }
}

static void lstm_forward(cell_ctx *x) {
  const rnnlab_config *c = &x->m->cfg;
  const int H = c->hidden_size, G = 4 * H, B = x->B, T = x->T, BH = B * H;
  const parts p = parts_of(c);
  const float *pi = x->p->peep, *pf = pi ? pi + H : NULL, *po = pi ? pi + 2 * H : NULL;
  float *gprev = x->m->scratch, *rec = gprev + (size_t)B * 3 * H;
  cell_project_input(x, x->c->gates, 1);
  for (int s = 0; s < T; s++) {
    const int t = x->dir ? T - 1 - s : s;
    float *g = x->c->gates + (size_t)t * B * G, *hc = x->c->aux + (size_t)t * BH;
    float *co = slot_out(x->c->c, x, t), *ho = slot_out(x->c->h, x, t);
    const float *cp = slot_prev(x->c->c, x, t), *hp = slot_prev(x->c->h, x, t);
    k_gemm_nn(B, G, H, hp, H, x->p->Wh, G, g, G); /* + U h_{t-1} */
    if (fused(c)) {
      k_lstm_forward(g, co, hc, ho, cp, B, H);
      continue;
    }
    if (p.fgr) { /* rec = [i f o]_{t-1} R, zero at the first step */
      memset(rec, 0, sizeof(float) * B * 3 * H);
      if (s > 0) {
        pack_ifo(gprev, x->c->gates + (size_t)(x->dir ? t + 1 : t - 1) * B * G, B, H);
        k_gemm_nn(B, 3 * H, 3 * H, gprev, 3 * H, x->p->R, 3 * H, rec, 3 * H);
      }
    }
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) {
        float *gr = g + (size_t)b * G;
        const int k = b * H + j;
        float ai = gr[j], af = gr[H + j], ag = gr[2 * H + j], ao = gr[3 * H + j];
        if (p.fgr) ai += rec[b * 3 * H + j], af += rec[b * 3 * H + H + j], ao += rec[b * 3 * H + 2 * H + j];
        if (p.peep) ai += pi[j] * cp[k], af += pf[j] * cp[k];
        const float i = p.in_gate ? k_sigmoidf(ai) : 1.0f;
        const float f = p.cifg ? 1.0f - i : p.forget_gate ? k_sigmoidf(af) : 1.0f;
        const float gg = squash(p.g_act, p.glo, p.gspan, ag);
        const float cn = f * cp[k] + i * gg;
        if (p.peep) ao += po[j] * cn;
        const float o = p.out_gate ? k_sigmoidf(ao) : 1.0f;
        const float hs = squash(p.h_act, p.hlo, p.hspan, cn);
        gr[j] = i, gr[H + j] = f, gr[2 * H + j] = gg, gr[3 * H + j] = o;
        co[k] = cn, hc[k] = hs, ho[k] = o * hs;
      }
  }
}

static void lstm_backward(cell_ctx *x, const float *dY, int ldy, float *dX, int ldx) {
  const rnnlab_config *c = &x->m->cfg;
  const int H = c->hidden_size, G = 4 * H, B = x->B, T = x->T, BH = B * H, TB = T * B;
  const parts p = parts_of(c);
  const float *pi = x->p->peep, *pf = pi ? pi + H : NULL, *po = pi ? pi + 2 * H : NULL;
  float *dpi = x->dp->peep, *dpf = dpi ? dpi + H : NULL, *dpo = dpi ? dpi + 2 * H : NULL;
  float *dh = x->m->scratch, *dc = dh + BH, *dhrec = dc + BH;
  float *dgrec = dhrec + BH, *gprev = dgrec + (size_t)B * 3 * H, *da = gprev + (size_t)B * 3 * H;
  cell_backward_start(x, dhrec, dc);
  memset(dgrec, 0, sizeof(float) * B * 3 * H);
  for (int s = T - 1; s >= 0; s--) {
    const int t = x->dir ? T - 1 - s : s;
    const float *g = x->c->gates + (size_t)t * B * G, *hc = x->c->aux + (size_t)t * BH;
    const float *co = slot_out(x->c->c, x, t), *cp = slot_prev(x->c->c, x, t);
    float *dp = x->m->dpre + (size_t)t * B * G;
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) dh[b * H + j] = dY[((size_t)t * B + b) * ldy + j] + dhrec[b * H + j];
    cell_record_gradnorm(x, t, dh);
    if (fused(c)) {
      k_lstm_backward(dp, dc, dh, g, cp, hc, B, H);
    } else {
      for (int b = 0; b < B; b++)
        for (int j = 0; j < H; j++) {
          const float *gr = g + (size_t)b * G;
          const int k = b * H + j;
          const float i = gr[j], f = gr[H + j], gg = gr[2 * H + j], o = gr[3 * H + j];
          const float *rg = dgrec + (size_t)b * 3 * H; /* dL/d[i f o]_t from step t+1's R */
          const float d_o = dh[k] * hc[k] + (p.fgr ? rg[2 * H + j] : 0.0f);
          const float dao = p.out_gate ? d_o * o * (1.0f - o) : 0.0f;
          float dct = dc[k] + dh[k] * o * dsquash(p.h_act, p.hlo, p.hspan, hc[k]);
          if (p.peep) dct += dao * po[j];
          float di = dct * gg + (p.fgr ? rg[j] : 0.0f);
          const float dgg = dct * i;
          const float df = dct * cp[k] + (p.fgr ? rg[H + j] : 0.0f);
          float daf = 0.0f;
          if (p.cifg) di -= df; /* f = 1 - i */
          else if (p.forget_gate) daf = df * f * (1.0f - f);
          const float dai = p.in_gate ? di * i * (1.0f - i) : 0.0f;
          const float dag = dgg * dsquash(p.g_act, p.glo, p.gspan, gg);
          float dcp = dct * f;
          if (p.peep) {
            dcp += dai * pi[j] + daf * pf[j];
            dpi[j] += dai * cp[k], dpf[j] += daf * cp[k], dpo[j] += dao * co[k];
          }
          dc[k] = dcp;
          float *dr = dp + (size_t)b * G;
          dr[j] = dai, dr[H + j] = daf, dr[2 * H + j] = dag, dr[3 * H + j] = dao;
        }
      if (p.fgr) { /* a_ifo(t) += [i f o]_{t-1} R:  dR += gprev^T da,  dL/d[i f o]_{t-1} = da R^T */
        memset(dgrec, 0, sizeof(float) * B * 3 * H);
        if (s > 0) {
          pack_ifo(da, dp, B, H);
          pack_ifo(gprev, x->c->gates + (size_t)(x->dir ? t + 1 : t - 1) * B * G, B, H);
          k_gemm_tn(3 * H, 3 * H, B, gprev, 3 * H, da, 3 * H, x->dp->R, 3 * H);
          k_gemm_nt(B, 3 * H, 3 * H, da, 3 * H, x->p->R, 3 * H, dgrec, 3 * H);
        }
      }
    }
    memset(dhrec, 0, sizeof(float) * BH);
    k_gemm_nt(B, H, G, dp, G, x->p->Wh, G, dhrec, H); /* dh_{t-1} = dpre U^T */
  }
  cell_backward_end(x, dhrec, dc);
  k_gemm_tn(H, G, TB, x->c->h + (x->dir ? BH : 0), H, x->m->dpre, G, x->dp->Wh, G);
  cell_project_input_backward(x, x->m->dpre, 1, dX, ldx);
}

/* cell state c and aux Hs(c_t) */
const cell_family lstm_cell = {
    .name = "lstm", .gates = 4, .cell_state = 1, .aux = 1,
    .check = lstm_check, .extras = lstm_extras, .unused = lstm_unused,
    .after_init = lstm_after_init, .fix = lstm_zero_dead_blocks,
    .forward = lstm_forward, .backward = lstm_backward,
};
