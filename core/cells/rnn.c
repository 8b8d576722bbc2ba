/* cells/rnn.c - the single-gate family: Elman RNN, continuous-time RNN and echo-state network.
 *
 *   rnn:   h_t = f(W x_t + U h_{t-1} + b)                                   (Elman 1990)
 *   ctrnn: tau dx/dt = -x + U f(x) + W u + b, Euler step alpha = dt/tau:
 *          x_t = (1 - alpha) x_{t-1} + alpha (W u_t + U h_{t-1} + b),  h_t = f(x_t)
 *          learn_tau: a time constant per unit j, learned with the weights, from one more
 *          tensor alpha_logit_l<k>[_reverse] (H) per (layer, dir) holding a_j:
 *            alpha_j = sigmoid(a_j) = 1 / tau_j,   tau_j = 1 + e^{-a_j}  (in steps of dt)
 *          so tau_j > 1 after any gradient step, whatever its size (in float32 alpha_j saturates
 *          to 0 or 1 for |a_j| beyond about 17 and 88: x_t stays a convex combination, never
 *          unstable).
 *          Initialised at a_j = logit(config.alpha) (no draw from the generator: the other
 *          weights are those of learn_tau 0 with the same seed); alpha = 1 is refused (a_j
 *          would be infinite). Backward: with pre_j the bracket above and dx_t the gradient
 *          wrt x_t (both paths), dx_t/da_j = (pre_j - x_{t-1}) alpha_j (1 - alpha_j), where
 *          pre_j - x_{t-1} = (x_t - x_{t-1}) / alpha_j, so no extra cache is needed:
 *            dL/da_j += sum_t dx_t,j (x_t,j - x_{t-1},j) (1 - alpha_j).
 *          learn_tau 0 runs the same code with one alpha for every unit, as before.
 *   esn:   h_t = (1 - alpha) h_{t-1} + alpha f(W u_t + U h_{t-1} + b)     (leaky ESN, Jaeger 2007)
 *          W, U fixed (U scaled to a spectral radius, esn.c); only the readout learns, so the
 *          backward here only carries dL/dh for the trace and accumulates no weight gradients.
 * f is tanh, relu or sigmoid. G = H. gates caches f(.) (the firing rate) for every form.
 * Owns the rnn and ctrnn rows of the cell table and the step all three forms share (esn.c holds
 * the esn row and its reservoir initialisation).
 * Does not own: the input projection and its backward (model.c), the kernels.
 */
#include <math.h>
#include <string.h>

#include "cells/rnn.h"
#include "kernels/kernels.h"

/* the per-unit steps alpha_j = sigmoid(a_j) of a learn_tau layer into a (H) */
static void ctrnn_alphas(const cell_ctx *x, float *a) {
  const int H = x->m->cfg.hidden_size;
  for (int j = 0; j < H; j++) a[j] = k_sigmoidf(x->p->tau[j]); /* the engine's own exp: the same bits in every build */
}

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
  float *aj = NULL; /* learn_tau: alpha_j in the per-step scratch, which forward does not otherwise use */
  if (form == SINGLE_GATE_CTRNN && c->learn_tau) ctrnn_alphas(x, aj = x->m->scratch);
  cell_project_input(x, x->c->gates, 1);
  for (int s = 0; s < T; s++) {
    const int t = x->dir ? T - 1 - s : s;
    float *g = x->c->gates + (size_t)t * BH, *ho = slot_out(x->c->h, x, t);
    const float *hp = slot_prev(x->c->h, x, t);
    k_gemm_nn(B, H, H, hp, H, x->p->Wh, H, g, H); /* + U h_{t-1} */
    if (form == SINGLE_GATE_CTRNN) {
      float *xo = slot_out(x->c->c, x, t);
      const float *xp = slot_prev(x->c->c, x, t);
      if (aj) /* learn_tau: alpha_j per unit */
        for (int b = 0; b < B; b++)
          for (int j = 0; j < H; j++) {
            const int i = b * H + j;
            g[i] = xo[i] = (1.0f - aj[j]) * xp[i] + aj[j] * g[i];
          }
      else
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
  float *dh = x->m->scratch, *dhrec = dh + BH, *dxrec = dhrec + BH, *aj = NULL;
  if (form == SINGLE_GATE_CTRNN && c->learn_tau) ctrnn_alphas(x, aj = dxrec + BH); /* scratch is (B, 8G): 3BH + H fit */
  cell_backward_start(x, dhrec, form == SINGLE_GATE_CTRNN ? dxrec : NULL);
  for (int s = T - 1; s >= 0; s--) {
    const int t = x->dir ? T - 1 - s : s;
    const float *g = x->c->gates + (size_t)t * BH;
    float *dp = x->m->dpre + (size_t)t * BH;
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) dh[b * H + j] = dY[((size_t)t * B + b) * ldy + j] + dhrec[b * H + j];
    cell_record_gradnorm(x, t, dh);
    if (form == SINGLE_GATE_CTRNN && aj) { /* as below with alpha_j; da_j += dx_t (x_t - x_{t-1}) (1 - alpha_j) */
      const float *xo = slot_out(x->c->c, x, t), *xp = slot_prev(x->c->c, x, t);
      for (int b = 0; b < B; b++)
        for (int j = 0; j < H; j++) {
          const int i = b * H + j;
          float dxt = dh[i] * dact(act, g[i]) + dxrec[i];
          dp[i] = aj[j] * dxt;
          dxrec[i] = (1.0f - aj[j]) * dxt;
          x->dp->tau[j] += dxt * (xo[i] - xp[i]) * (1.0f - aj[j]);
        }
      memset(dhrec, 0, sizeof(float) * BH);
    } else if (form == SINGLE_GATE_CTRNN) { /* dx_t = dh_t f'(x_t) + (1-alpha) dx_{t+1};  dpre = alpha dx_t */
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

static rnnlab_status ctrnn_check(const rnnlab_config *c, char *err, size_t errlen) {
  if (c->learn_tau == 1 && c->alpha >= 1.0f)
    return status_fail(err, errlen, RNNLAB_EINVAL,
                       "config.learnTau needs config.alpha < 1 (the initial 1/tau of every unit; alpha_j = sigmoid(a_j) "
                       "never reaches 1), got %g",
                       (double)c->alpha);
  return RNNLAB_OK;
}

static int ctrnn_extras(const rnnlab_config *c, cell_extra out[CELL_MAX_EXTRAS]) {
  if (!c->learn_tau) return 0;
  out[0] = (cell_extra){"alpha_logit", c->hidden_size, 1, 0, 0, CELL_EXTRA_TAU};
  return 1;
}

/* a_j = logit(alpha), so alpha_j = config.alpha at the start (to float rounding); draws nothing.
 * log in double, rounded to float: libms that differ in the last bit of a double agree here
 * but for a double within an ulp of a float rounding boundary. */
static int ctrnn_init_tensor(rnnlab_model *m, rng_state *rng, const tensor_info *t) {
  (void)rng;
  if (strncmp(t->name, "alpha_logit", 11) != 0) return 0;
  const double a = m->cfg.alpha;
  const float logit = (float)log(a / (1.0 - a));
  for (int r = 0; r < t->rows; r++) *tensor_at(m, t, r, 0) = logit;
  return 1;
}

/* the potential x is the second state */
const cell_family ctrnn_cell = {
    .name = "ctrnn", .gates = 1, .cell_state = 1, .check = ctrnn_check, .extras = ctrnn_extras,
    .init_tensor = ctrnn_init_tensor, .forward = ctrnn_forward, .backward = ctrnn_backward,
};
