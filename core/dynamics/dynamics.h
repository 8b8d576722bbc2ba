/* dynamics/dynamics.h - the analysis tools' private interface (never installed): a general real
 * eigen solver (eig.c), a model seen as a map on its state (step.c), and the Lyapunov estimator
 * over any map (lyapunov.c), so the native tests can run the same estimator on the Lorenz ODE.
 *
 * The state of a model (rnnlab.h, "dynamics"): every layer's h, layer 0 first, then every layer's
 * c for the families with a second state (LSTM cell state, CT-RNN potential):
 *   s = [h^0 (H) ... h^{L-1} (H) | c^0 (H) ... c^{L-1} (H)],   N = L H (1 + has_c).
 * F(s; u) is one step of every layer with the constant input u (model_step_forward).
 */
#ifndef RNNLAB_DYNAMICS_H
#define RNNLAB_DYNAMICS_H

#include "internal.h"

/* ---- eig.c: dense general real matrices, row-major, double ---- */

/* Eigenvalues of the n x n matrix a (overwritten: balanced, reduced to Hessenberg form, then to
 * quasi-triangular form) by Householder reduction and Francis double-shift QR. wr, wi (n): real
 * and imaginary parts; a complex pair appears as two entries (+im, -im). work: n doubles.
 * Returns 0, or -1 for a matrix with a NaN or infinite entry (wr, wi undefined). */
int eig_values(int n, double *a, double *wr, double *wi, double *work);

/* Orders (wr, wi) by |lambda| descending; equal moduli: larger real part first, then +im first. */
void eig_sort(int n, double *wr, double *wi);

/* The eigenvector of a (n x n, unchanged) for the eigenvalue re + i im by inverse iteration:
 * vr, vi (n) its real and imaginary parts (vi all 0 for a real eigenvalue), scaled to unit norm
 * (|vr|^2 + |vi|^2 = 1) with its largest component real and positive. work: eig_vector_work(n)
 * doubles, ipiv: 2n ints. Returns the residual |A v - lambda v|. */
double eig_vector(int n, const double *a, double re, double im, double *vr, double *vi, double *work, int *ipiv);
size_t eig_vector_work(int n);

/* LU with partial pivoting of the n x n matrix a in place (zero pivots replaced by tiny ones, so
 * a nearly singular matrix still solves: what inverse iteration wants), then solves a x = b in
 * place of b. */
void lu_factor(int n, double *a, int *ipiv);
void lu_solve(int n, const double *lu, const int *ipiv, double *b);

/* ---- step.c: a model as a map on its state ---- */

typedef struct {
  rnnlab_model *m;
  int N, L, H, has_c, I, onehot;
  int B;               /* rows the caches and buffers below hold */
  const float *input;  /* (I) the constant dense input, or NULL for zeros */
  int32_t token;       /* the constant one-hot input */
  float *carry;        /* (L, 2, B, H) [h c] per layer: model_step_backward's state gradient */
  float *zeros;        /* (B, H) dL/d(top h) from outside: none */
  float *fbuf;         /* (B, N) the float states of dyn_model_step */
  float *grads;        /* the gradient arena as it was (restored by dyn_close), NULL without backward */
  int kept;            /* 1: the carried state was set aside (rnnlab_model_keep_state) */
} dyn_model;

/* 0 when m has forward-in-time dynamics (one direction, not FGR), else the status with a message
 * naming `who`. */
rnnlab_status dyn_check(rnnlab_model *m, const char *who);
/* Checks that m has forward-in-time dynamics (one direction, not the FGR variant, whose state
 * holds the previous step's gates) and the input (dense: I finite values or NULL; one-hot: token
 * in [0, I)); sets the carried state aside, and with_backward the gradient arena too. Messages
 * name `who`. On failure nothing is left to close. */
rnnlab_status dyn_open(dyn_model *d, rnnlab_model *m, const float *input, int32_t token, int with_backward, const char *who);
/* Puts back the carried state and the gradients; frees the buffers. The model's trace is gone
 * (its caches were used). Safe on a zeroed dyn_model. */
void dyn_close(dyn_model *d);
/* Caches and buffers for B rows. */
rnnlab_status dyn_reserve(dyn_model *d, int B);
/* out (B, N) = F(in (B, N)); inputs (B, I) per row (dense) or NULL for the constant input;
 * tokens (B) per row (one-hot) or NULL. in and out may be the same. */
void dyn_step(dyn_model *d, int B, const float *in, float *out, const float *inputs, const int32_t *tokens);
/* After dyn_step over B rows: out (B, N) = J^T r per row, J = dF/ds at that row's state. */
void dyn_vjp(dyn_model *d, int B, const float *r, float *out);
/* J (N x N, row-major, J[i][j] = dF_i/ds_j) at state s, in double. tmp: 2 N^2 floats. */
rnnlab_status dyn_jacobian(dyn_model *d, const float *s, double *J, float *tmp);
/* q = 1/2 |F(s) - s|^2 per row (B), in double; with grad (B, N) = (J - I)^T (F(s) - s). r (B, N)
 * scratch, left holding F(s) - s. */
void dyn_speed(dyn_model *d, int B, const float *s, double *q, float *grad, float *r);

/* ---- lyapunov.c: the largest exponent of any map ---- */

/* A map s -> F(s) on n doubles, evaluated on rows at once. */
typedef struct {
  int n;
  void *ctx;
  /* out (rows, n) = F(in (rows, n)) */
  rnnlab_status (*step)(void *ctx, int rows, const double *in, double *out);
  /* Rounds states (rows, n) in place to what the map represents (float32 for a model); NULL:
   * exact. The estimator measures its perturbations after this rounding. */
  void (*represent)(void *ctx, int rows, double *s);
} dyn_map;

/* The largest Lyapunov exponent of f (natural log per step) from R trajectories at once, each
 * starting at its row of s (R, n) with its own random unit tangent v (from rng):
 *   v_{t+1} = J(s_t) v_t / |J(s_t) v_t|,  J v by central differences (F(s + eps v) - F(s - eps v)) / 2 eps,
 *   exponents[r] = mean over the `steps` steps after `transient` of ln |J v|.
 * Leaves s at the trajectories' last states; with keep not NULL, keep (n) receives trajectory 0's
 * state right after the transient (transient >= 1). A tangent that collapses to exactly 0 gives -INFINITY.
 * work: dyn_lyapunov_work(n, R) doubles. */
rnnlab_status dyn_lyapunov(const dyn_map *f, int R, double *s, int transient, int steps, double eps, rng_state *rng,
                           double *exponents, double *keep, double *work);
size_t dyn_lyapunov_work(int n, int R);

/* The divergence of two trajectories: a from s, b from s with coordinate k moved by
 * `perturbation` (then represented); out[t] = |a_t - b_t| for t = 0..steps. work: 4n doubles. */
rnnlab_status dyn_divergence(const dyn_map *f, const double *s, int k, double perturbation, int steps, double *out, double *work);

/* The map of an opened model: ctx = the dyn_model (caches for the rows reserved by the caller
 * with dyn_reserve), converting through its float buffer fbuf. */
rnnlab_status dyn_model_step(void *ctx, int rows, const double *in, double *out);
void dyn_model_represent(void *ctx, int rows, double *s);

#endif
