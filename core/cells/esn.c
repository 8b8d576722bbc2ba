/* cells/esn.c - the echo-state network's row of the cell table: a leaky single-gate reservoir
 * (rnn.c's step) that never trains, initialised as Jaeger's reservoir:
 *   W (input) ~ U(-inputScale, inputScale),  U (recurrent) ~ U(-1, 1) scaled to spectral radius rho,
 *   biases 0. Only the readout learns (fixed = 1).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cells/rnn.h"

/* Scales the (H,H) reservoir W to spectral radius rho. The radius estimate is the geometric mean
 * growth of a random vector under 64 applications of W: (|W^64 v| / |v|)^(1/64), the 64th root
 * taken as six square roots so native and wasm agree to the bit. */
static rnnlab_status scale_spectral_radius(float *W, int n, float rho, rng_state *rng) {
  double *v = malloc(sizeof(double) * 2 * (size_t)n);
  if (!v) return RNNLAB_ENOMEM;
  double *w = v + n, growth = 1.0, norm = 0;
  for (int i = 0; i < n; i++) v[i] = rng_symmetric(rng, 1.0f), norm += v[i] * v[i];
  norm = sqrt(norm);
  for (int i = 0; i < n; i++) v[i] /= norm;
  for (int it = 0; it < 64; it++) {
    for (int j = 0; j < n; j++) w[j] = 0;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) w[j] += v[i] * W[(size_t)i * n + j];
    norm = 0;
    for (int j = 0; j < n; j++) norm += w[j] * w[j];
    norm = sqrt(norm);
    if (norm < 1e-30) { growth = 0; break; }
    growth *= norm;
    for (int j = 0; j < n; j++) v[j] = w[j] / norm;
  }
  for (int k = 0; k < 6; k++) growth = sqrt(growth);
  if (growth > 1e-12)
    for (size_t i = 0; i < (size_t)n * n; i++) W[i] = (float)(W[i] * (rho / growth));
  free(v);
  return RNNLAB_OK;
}

int reservoir_init_tensor(rnnlab_model *m, rng_state *rng, const tensor_info *t) {
  const rnnlab_config *c = &m->cfg;
  if (!strncmp(t->name, "weight_ih", 9)) fill_uniform(m, rng, t, 0, t->rows, c->input_scale);
  else if (!strncmp(t->name, "weight_hh", 9)) {
    fill_uniform(m, rng, t, 0, t->rows, 1.0f);
    scale_spectral_radius(m->params + t->offset, c->hidden_size, c->spectral_radius, rng);
  }
  return 1; /* the biases stay 0 */
}

static void esn_forward(cell_ctx *x) { single_gate_forward(x, SINGLE_GATE_ESN); }
static void esn_backward(cell_ctx *x, const float *dY, int ldy, float *dX, int ldx) {
  single_gate_backward(x, SINGLE_GATE_ESN, dY, ldy, dX, ldx);
}

const cell_family esn_cell = {
    .name = "esn", .gates = 1, .fixed = 1, .init_tensor = reservoir_init_tensor,
    .forward = esn_forward, .backward = esn_backward,
};
