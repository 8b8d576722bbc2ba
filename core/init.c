/* init.c - the model's weight initialisation: one generator from the model's seed, drawn over
 * the parameter table in order, so a seed gives the same weights in every build.
 *
 *   default:    U(+-1/sqrt(H)) for every cell tensor (PyTorch's nn.RNN/LSTM/GRU), U(+-1/sqrt(fan_in))
 *               for the readout (nn.Linear)
 *   uniform:    U(+-initScale) everywhere
 *   glorot:     per gate block, U(+-sqrt(6 / (fan_in + fan_out))); biases 0
 *   orthogonal: glorot, with each H x H recurrent gate block orthogonal
 * A cell family may initialise its own tensors instead (cells/cell.h, init_tensor: the ESN's
 * reservoir) and adjust after (after_init: the LSTM's forget-gate bias and ablated blocks).
 * Which tensor is a bias is data of the parameter table (tensor_info.init_block 0), never its
 * shape: a weight_ih of inputSize 1 is a weight (before, Glorot and orthogonal left such
 * one-column weights at zero, a defect found while moving this code).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cells/cell.h"

float *tensor_at(rnnlab_model *m, const tensor_info *t, int r, int c) {
  size_t i = t->transposed ? (size_t)c * t->rows + r : (size_t)r * t->cols + c;
  return m->params + t->offset + i;
}

/* Fills rows [r0, r0+n) of t with U(-a, a), drawing in PyTorch row-major order. */
void fill_uniform(rnnlab_model *m, rng_state *rng, const tensor_info *t, int r0, int n, float a) {
  for (int r = r0; r < r0 + n; r++)
    for (int c = 0; c < t->cols; c++) *tensor_at(m, t, r, c) = rng_symmetric(rng, a);
}

/* Orthogonal (n x n) block at rows [r0, r0+n) of t: modified Gram-Schmidt of a uniform random
 * matrix, in double (deterministic: only +, *, / and sqrt, all correctly rounded). */
static rnnlab_status fill_orthogonal(rnnlab_model *m, rng_state *rng, const tensor_info *t, int r0, int n) {
  double *q = malloc(sizeof(double) * (size_t)n * n);
  if (!q) return RNNLAB_ENOMEM;
  for (int i = 0; i < n * n; i++) q[i] = rng_symmetric(rng, 1.0f);
  for (int i = 0; i < n; i++) {
    double *qi = q + (size_t)i * n;
    for (int pass = 0; pass < 2; pass++) /* twice is enough (Giraud et al.) */
      for (int j = 0; j < i; j++) {
        const double *qj = q + (size_t)j * n;
        double dot = 0;
        for (int k = 0; k < n; k++) dot += qi[k] * qj[k];
        for (int k = 0; k < n; k++) qi[k] -= dot * qj[k];
      }
    double norm = 0;
    for (int k = 0; k < n; k++) norm += qi[k] * qi[k];
    norm = sqrt(norm);
    if (norm < 1e-12) norm = 1; /* measure-zero degenerate draw */
    for (int k = 0; k < n; k++) qi[k] /= norm;
  }
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) *tensor_at(m, t, r0 + i, k) = (float)q[(size_t)i * n + k];
  free(q);
  return RNNLAB_OK;
}

void model_init_weights(rnnlab_model *m) {
  const rnnlab_config *c = &m->cfg;
  const cell_family *cf = m->cell;
  const int H = c->hidden_size;
  rng_state rng;
  rng_seed(&rng, m->seed);
  memset(m->params, 0, m->n_params * sizeof(float));
  for (int i = 0; i < m->n_tensors; i++) {
    const tensor_info *t = &m->tensors[i];
    const int is_fc = i >= m->n_cell_tensors, is_bias = t->init_block == 0;
    const int is_hh = !strncmp(t->name, "weight_hh", 9);
    if (!is_fc && cf->init_tensor && cf->init_tensor(m, &rng, t)) continue;
    if (c->init == RNNLAB_INIT_DEFAULT) { /* PyTorch: U(+-1/sqrt(H)); Linear: U(+-1/sqrt(fan_in)) */
      float a = 1.0f / sqrtf((float)(is_fc ? m->D * H : H));
      fill_uniform(m, &rng, t, 0, t->rows, a);
    } else if (c->init == RNNLAB_INIT_UNIFORM) {
      fill_uniform(m, &rng, t, 0, t->rows, c->init_scale);
    } else if (!is_bias) { /* Glorot per gate block: U(+-sqrt(6 / (fan_in + fan_out))) */
      const int block = t->init_block;
      for (int r0 = 0; r0 < t->rows; r0 += block) {
        if (c->init == RNNLAB_INIT_ORTHOGONAL && is_hh) {
          if (fill_orthogonal(m, &rng, t, r0, H) != RNNLAB_OK) fill_uniform(m, &rng, t, r0, block, 1.0f / sqrtf((float)H));
        } else {
          fill_uniform(m, &rng, t, r0, block, sqrtf(6.0f / (float)(t->cols + block)));
        }
      }
    }
  }
  if (cf->after_init) cf->after_init(m);
}
