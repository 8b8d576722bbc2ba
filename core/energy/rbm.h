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

#define LOG_2PI 1.83787706640934548356 /* log(2 pi) */
#define LN2 0.69314718055994530942     /* log 2 */

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

/* Shared by rbm.c, rbm_exact.c, rbm_ais.c and rbm_file.c (one object split by idea):
 *   rbm_fail             the message into r->err, returns st
 *   rbm_ensure_rows      the scratch blocks for R rows (grown only past the largest seen)
 *   rbm_recon_stats      mean (v - m)^2 and the fraction with |v - m| < 0.5 over n values
 *   rbm_estimate         the CD-k (chain NULL) or PCD-k gradient estimate into grad (rbm.c)
 *   rbm_check_config / rbm_check_train   rnnlab_rbm_create's and the trainer's checks
 *   rbm_optimizer_config the optimizer's config of the training options (SGD with momentum) */
rnnlab_status rbm_fail(rnnlab_rbm *r, rnnlab_status st, const char *fmt, ...);
rnnlab_status rbm_ensure_rows(rnnlab_rbm *r, size_t R);
void rbm_recon_stats(const float *v, const float *m, size_t n, double *err, double *acc);
void rbm_estimate(rnnlab_rbm *r, const float *v0, int B, int k, rng_state *g, float *chain, int P, float *grad, double *recon);
rnnlab_status rbm_check_config(const rnnlab_rbm_config *c, char *err, size_t errlen);
rnnlab_status rbm_check_train(const rnnlab_rbm_train_config *tc, int wide, char *err, size_t errlen);
void rbm_optimizer_config(const rnnlab_rbm_train_config *tc, rnnlab_train_config *oc);

#define RBM_TRAIN_SALT 0x7B3A5C1D9E2F4B6Aull /* the training stream's seed from the RBM's */

#endif
