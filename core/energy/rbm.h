/* energy/rbm.h - the restricted Boltzmann machine's private layout and the double-precision
 * arithmetic of the energy family's exact sums (never installed; the public API is the
 * "restricted Boltzmann machines" section of rnnlab.h).
 *
 * One parameter arena (train/optimizer.h param_arena), params and grads in the same layout:
 *   W   (H,V) row-major: W[j*V + i] couples hidden unit j and visible unit i
 *   b   (V)   visible biases
 *   c   (H)   hidden biases
 * Energies (Hinton 2010, "A practical guide to training RBMs"; Cho et al. 2011 for Gaussian):
 *   binary-binary    E(v,h) = -b.v - c.h - h^T W v
 *   gaussian-binary  E(v,h) = |v - b|^2 / 2 - c.h - h^T W v     (unit-variance visibles)
 */
#ifndef RNNLAB_ENERGY_RBM_H
#define RNNLAB_ENERGY_RBM_H

#include "internal.h"

struct rnnlab_rbm {
  rnnlab_rbm_config cfg;       /* validated copy */
  int V, H, gaussian;
  size_t n;                    /* H*V + V + H */
  float *params, *grads;       /* the arena */
  float *W, *b, *c;            /* views into params */
  float *dW, *db, *dc;         /* views into grads: the gradient of the last step */
  rnnlab_rbm_train_config tc;  /* the options of the next step */
  optimizer opt;               /* SGD with momentum over the arena; created by the first step */
  int have_opt;
  rng_state rng;               /* the training stream: hidden and visible samples of each step */
  float *chain;                /* (P,V) persistent chains of PCD, NULL before the first PCD step */
  int P;
  /* scratch of a step or a probe, rows x width, grown to the largest rows seen */
  float *s_ph0, *s_h, *s_v, *s_ph, *s_r;
  size_t cap_rows;
  unsigned version;            /* bumped whenever params change: the exact log Z cache's key */
  int logz_ok;
  unsigned logz_version;
  double logz;
  char err[ERRLEN];
};

/* Double-precision elementary functions from arithmetic, frexp and ldexp only (both exact), so
 * native and wasm builds give the same bits; relative error about 1e-16. */
double energy_exp(double x);   /* 0 below -745, +inf above 709.78; NaN in, NaN out */
double energy_log(double x);   /* x > 0 finite */
double energy_softplus(double x); /* log(1 + e^x), accurate for every finite x */
double energy_sigmoid(double x);
/* sin(2 pi u), cos(2 pi u) for u in [0, 1) */
void energy_sincos2pi(double u, double *s, double *c);
/* n standard normal deviates added to x (Box-Muller: two uniforms per pair) */
void energy_add_normal(rng_state *r, float *x, size_t n);

/* The conditionals over a block of R rows (float kernels), for the stacks built on RBMs (dbn.c):
 *   rbm_hidden_input  x (R,H) = c + v W^T         rbm_hidden_probs  p(h = 1 | v) = sigmoid(x)
 *   rbm_visible_mean  E[v | h] (R,V)               rbm_visible_sample  v ~ p(v | h)
 *   rbm_bernoulli     out[i] = 1 with probability p[i] (out may be p) */
void rbm_hidden_input(const rnnlab_rbm *r, const float *v, int R, float *x);
void rbm_hidden_probs(const rnnlab_rbm *r, const float *v, int R, float *ph);
void rbm_visible_mean(const rnnlab_rbm *r, const float *h, int R, float *m);
void rbm_visible_sample(const rnnlab_rbm *r, rng_state *g, const float *h, int R, float *v);
void rbm_bernoulli(rng_state *g, const float *p, float *out, size_t n);

/* rows x V floats: finite, and 0 or 1 for binary visibles; the message (in r->err) calls them name */
rnnlab_status rbm_check_data(rnnlab_rbm *r, const char *name, const float *data, int32_t rows);

#define RBM_TRAIN_SALT 0x7B3A5C1D9E2F4B6Aull /* the training stream's seed from the RBM's */

#endif
