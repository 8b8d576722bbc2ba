/* cells/lsm.c - the liquid state machine's row of the cell table (Maass, Natschlaeger & Markram
 * 2002): a fixed reservoir of leaky integrate-and-fire neurons, read out from their filtered spike
 * trains. With alpha = dt / tau (config.alpha) and threshold 1, per step t:
 *
 *   I_t = W x_t + U r_{t-1} + b                      input current (the recurrent input is the
 *                                                    neighbours' synaptic trace, current-based)
 *   v_t = (1 - alpha) v_{t-1} + alpha I_t            membrane potential, v_{t-1} already reset
 *   s_t = [v_t >= 1],  then v_t = 0 where s_t        spike and reset
 *   r_t = (1 - alpha) r_{t-1} + alpha s_t            the synaptic trace in [0, 1]: the output h
 *
 * One time constant for membrane and synapse keeps the configuration that of the ESN (alpha,
 * spectralRadius, inputScale; the same reservoir initialisation, esn.c, plus a background current). gates caches the spikes
 * s_t (the page's raster), c the reset potential. Spikes have no derivative: nothing below the
 * readout trains (fixed = 1), so the backward carries no gradient (the readout's own is exact;
 * the ridge readout, train/ridge.c, is the standard fit).
 */
#include <string.h>

#include "cells/rnn.h"
#include "kernels/kernels.h"

#define LSM_THRESHOLD 1.0f

static void lsm_forward(cell_ctx *x) {
  const rnnlab_config *c = &x->m->cfg;
  const int H = c->hidden_size, B = x->B, T = x->T, BH = B * H;
  const float a = c->alpha;
  cell_project_input(x, x->c->gates, 1);
  for (int s = 0; s < T; s++) {
    const int t = x->dir ? T - 1 - s : s;
    float *g = x->c->gates + (size_t)t * BH, *ro = slot_out(x->c->h, x, t), *vo = slot_out(x->c->c, x, t);
    const float *rp = slot_prev(x->c->h, x, t), *vp = slot_prev(x->c->c, x, t);
    k_gemm_nn(B, H, H, rp, H, x->p->Wh, H, g, H); /* I_t */
    for (int i = 0; i < BH; i++) {
      const float v = (1.0f - a) * vp[i] + a * g[i], spike = v >= LSM_THRESHOLD ? 1.0f : 0.0f;
      vo[i] = spike ? 0.0f : v;
      g[i] = spike;
      ro[i] = (1.0f - a) * rp[i] + a * spike;
    }
  }
}

/* No derivative through a spike: dL/d(state) stops here (recorded for the trace as what reaches
 * the trace r from above), and nothing is added to the fixed weights or the input. */
static void lsm_backward(cell_ctx *x, const float *dY, int ldy, float *dX, int ldx) {
  (void)dX, (void)ldx;
  const int H = x->m->cfg.hidden_size, B = x->B, T = x->T, BH = B * H;
  float *dh = x->m->scratch, *dhrec = dh + BH, *dvrec = dhrec + BH;
  cell_backward_start(x, dhrec, dvrec);
  for (int t = 0; t < T; t++) {
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) dh[b * H + j] = dY[((size_t)t * B + b) * ldy + j];
    cell_record_gradnorm(x, t, dh);
  }
  memset(dhrec, 0, sizeof(float) * BH), memset(dvrec, 0, sizeof(float) * BH);
  cell_backward_end(x, dhrec, dvrec);
}

/* The reservoir of the ESN, plus a background current: bias_ih ~ U(0, 1) per neuron, so that at
 * rest some neurons sit just below the threshold and the input moves each across it at its own
 * level (a population code of the input's value rather than only of its sign). */
static int lsm_init_tensor(rnnlab_model *m, rng_state *rng, const tensor_info *t) {
  if (strncmp(t->name, "bias_ih", 7)) return reservoir_init_tensor(m, rng, t);
  for (int r = 0; r < t->rows; r++) *tensor_at(m, t, r, 0) = rng_uniform(rng);
  return 1;
}

const cell_family lsm_cell = {
    .name = "lsm", .gates = 1, .cell_state = 1, .fixed = 1, .init_tensor = lsm_init_tensor,
    .forward = lsm_forward, .backward = lsm_backward,
};
