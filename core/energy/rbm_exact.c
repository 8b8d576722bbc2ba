/* energy/rbm_exact.c - the RBM's exact sums by enumeration (rnnlab.h, "restricted Boltzmann
 * machines"): log Z, free energy, mean log-likelihood, pseudo-likelihood, reconstructions, and the
 * exact gradient (rnnlab_rbm_gradient, which also gives the CD-k estimate for comparison).
 *
 * Owns: the Gray-code enumeration of one layer's 2^m states and the streaming log-sum-exp (the
 * equations are in rbm.c's header). Does not own: the object, the CD/PCD estimate (rbm.c), AIS
 * (rbm_ais.c), the file (rbm_file.c). Moved unchanged from rbm.c.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "energy/rbm.h"
#include "kernels/kernels.h"

/* ---- exact sums by enumeration ---- */

typedef struct { double m, s; } lse_acc; /* running max and the sum of exp(x - max) */

static void lse_add(lse_acc *a, double x) {
  if (x == -INFINITY) return;
  if (x <= a->m) a->s += energy_exp(x - a->m);
  else a->s = a->s * energy_exp(a->m - x) + 1.0, a->m = x;
}

static double lse_result(const lse_acc *a) { return a->s > 0.0 ? a->m + energy_log(a->s) : -INFINITY; }

/* The enumeration of one layer's 2^m states, in double. Wt (m, other): unit s's couplings to
 * the other layer; base (other): the other layer's biases; own (m): this layer's biases.
 * visit(ctx, log p~(state), state (m), act (other): the other layer's input). */
typedef struct {
  int m, other, mode; /* mode 0: over h, binary v; 1: over h, gaussian v; 2: over v, binary h */
  double *Wt, *base, *own;
  double konst;       /* added to every log p~: gaussian (V/2) log 2pi - |b|^2/2 */
} enum_spec;

typedef void (*enum_visit)(void *ctx, double logp, const unsigned char *state, const double *act);

static void enumerate(const enum_spec *e, double *act, unsigned char *state, enum_visit visit, void *ctx) {
  const int m = e->m, O = e->other;
  double ownsum = 0.0;
  for (int t = 0; t < O; t++) act[t] = e->base[t];
  memset(state, 0, (size_t)m);
  const uint64_t count = (uint64_t)1 << m;
  for (uint64_t g = 0; g < count; g++) {
    if (g) { /* Gray code: flip the unit of g's lowest set bit */
      int j = 0;
      while (!((g >> j) & 1u)) j++;
      state[j] ^= 1u;
      const double *w = e->Wt + (size_t)j * O;
      if (state[j]) {
        for (int t = 0; t < O; t++) act[t] += w[t];
        ownsum += e->own[j];
      } else {
        for (int t = 0; t < O; t++) act[t] -= w[t];
        ownsum -= e->own[j];
      }
    }
    double lp = ownsum + e->konst;
    if (e->mode == 1)
      for (int t = 0; t < O; t++) lp += 0.5 * act[t] * act[t];
    else
      for (int t = 0; t < O; t++) lp += energy_softplus(act[t]);
    visit(ctx, lp, state, act);
  }
}

/* Builds the enumeration of the smaller layer (Gaussian: the hidden one) with its buffers. */
typedef struct {
  enum_spec e;
  double *act;
  unsigned char *state;
} enum_job;

static void job_release(enum_job *j) {
  free(j->e.Wt), free(j->e.base), free(j->e.own), free(j->act), free(j->state);
}

static rnnlab_status job_make(rnnlab_rbm *r, enum_job *j, const char *what) {
  memset(j, 0, sizeof *j);
  const int m = rnnlab_rbm_exact_log2(r);
  if (m > RNNLAB_RBM_MAX_EXACT_LOG2)
    return rbm_fail(r, RNNLAB_EINVAL,
                    "%s: the exact sum needs 2^%d states (the %s layer has %d units), the limit is 2^%d = %d states; use AIS (estimateLogPartition)",
                    what, m, r->gaussian ? "hidden" : "smaller", m, RNNLAB_RBM_MAX_EXACT_LOG2, 1 << RNNLAB_RBM_MAX_EXACT_LOG2);
  const int over_h = r->gaussian || r->H <= r->V, V = r->V, H = r->H;
  enum_spec *e = &j->e;
  e->m = m, e->other = over_h ? V : H, e->mode = over_h ? (r->gaussian ? 1 : 0) : 2;
  e->Wt = malloc(sizeof(double) * (size_t)H * V);
  e->base = malloc(sizeof(double) * (size_t)e->other);
  e->own = malloc(sizeof(double) * (size_t)m);
  j->act = malloc(sizeof(double) * (size_t)e->other);
  j->state = malloc((size_t)m);
  if (!e->Wt || !e->base || !e->own || !j->act || !j->state) {
    job_release(j);
    return rbm_fail(r, RNNLAB_ENOMEM, "%s: out of memory", what);
  }
  if (over_h) {
    for (size_t i = 0; i < (size_t)H * V; i++) e->Wt[i] = r->W[i];
    for (int i = 0; i < V; i++) e->base[i] = r->b[i];
    for (int h = 0; h < H; h++) e->own[h] = r->c[h];
  } else {
    for (int h = 0; h < H; h++)
      for (int i = 0; i < V; i++) e->Wt[(size_t)i * H + h] = r->W[(size_t)h * V + i];
    for (int h = 0; h < H; h++) e->base[h] = r->c[h];
    for (int i = 0; i < V; i++) e->own[i] = r->b[i];
  }
  e->konst = 0.0;
  if (r->gaussian) {
    double bb = 0.0;
    for (int i = 0; i < V; i++) bb += (double)r->b[i] * r->b[i];
    e->konst = 0.5 * V * LOG_2PI - 0.5 * bb;
  }
  return RNNLAB_OK;
}

static void visit_lse(void *ctx, double lp, const unsigned char *state, const double *act) {
  (void)state, (void)act;
  lse_add((lse_acc *)ctx, lp);
}

rnnlab_status rnnlab_rbm_log_partition(rnnlab_rbm *r, double *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  if (r->logz_ok && r->logz_version == r->version) {
    *out = r->logz;
    return RNNLAB_OK;
  }
  enum_job j;
  rnnlab_status s = job_make(r, &j, "logPartition");
  if (s) return s;
  lse_acc a = {-INFINITY, 0.0};
  enumerate(&j.e, j.act, j.state, visit_lse, &a);
  job_release(&j);
  r->logz = lse_result(&a);
  r->logz_ok = 1, r->logz_version = r->version;
  *out = r->logz;
  return RNNLAB_OK;
}

/* F(v) in double: -b.v - sum_j softplus(c_j + W_j v) (binary), |v - b|^2/2 - sum_j ... (gaussian) */
static double free_energy_row(const rnnlab_rbm *r, const float *v) {
  const int V = r->V, H = r->H;
  double f = 0.0;
  if (r->gaussian)
    for (int i = 0; i < V; i++) {
      const double d = (double)v[i] - r->b[i];
      f += 0.5 * d * d;
    }
  else
    for (int i = 0; i < V; i++) f -= (double)r->b[i] * v[i];
  for (int j = 0; j < H; j++) {
    const float *w = r->W + (size_t)j * V;
    double x = r->c[j];
    for (int i = 0; i < V; i++) x += (double)w[i] * v[i];
    f -= energy_softplus(x);
  }
  return f;
}

rnnlab_status rnnlab_rbm_free_energy(rnnlab_rbm *r, const float *data, int32_t rows, double *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "v", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  for (int32_t n = 0; n < rows; n++) out[n] = free_energy_row(r, data + (size_t)n * r->V);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_rbm_log_likelihood(rnnlab_rbm *r, const float *data, int32_t rows, double *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  double logz;
  s = rnnlab_rbm_log_partition(r, &logz);
  if (s) return s;
  double sum = 0.0;
  for (int32_t n = 0; n < rows; n++) sum += -free_energy_row(r, data + (size_t)n * r->V);
  *out = sum / rows - logz;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_rbm_pseudo_likelihood(rnnlab_rbm *r, const float *data, int32_t rows, double *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  if (r->gaussian)
    return rbm_fail(r, RNNLAB_ESTATE, "pseudoLikelihood is defined here for binary visibles only (a Gaussian unit's conditional is a mixture of 2^H Gaussians)");
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  const int V = r->V, H = r->H;
  double *x = malloc(sizeof(double) * (size_t)H);
  if (!x) return rbm_fail(r, RNNLAB_ENOMEM, "pseudoLikelihood: out of memory");
  double total = 0.0;
  for (int32_t n = 0; n < rows; n++) {
    const float *v = data + (size_t)n * V;
    double bv = 0.0, f0;
    for (int i = 0; i < V; i++) bv += (double)r->b[i] * v[i];
    f0 = -bv;
    for (int j = 0; j < H; j++) {
      const float *w = r->W + (size_t)j * V;
      double a = r->c[j];
      for (int i = 0; i < V; i++) a += (double)w[i] * v[i];
      x[j] = a;
      f0 -= energy_softplus(a);
    }
    /* log p(v_i | v_-i) = -softplus(F(v) - F(v with unit i flipped)) */
    for (int i = 0; i < V; i++) {
      const double d = v[i] != 0.0f ? -1.0 : 1.0;
      double fi = -(bv + d * r->b[i]);
      for (int j = 0; j < H; j++) fi -= energy_softplus(x[j] + d * r->W[(size_t)j * V + i]);
      total -= energy_softplus(f0 - fi);
    }
  }
  free(x);
  *out = total / rows;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_rbm_reconstruct(rnnlab_rbm *r, const float *data, int32_t rows, float *hidden, float *recon,
                                     double *error, double *accuracy) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (!s) s = rbm_ensure_rows(r, (size_t)rows);
  if (s) return s;
  rbm_hidden_probs(r, data, rows, r->s_ph0);
  rbm_visible_mean(r, r->s_ph0, rows, r->s_r);
  rbm_recon_stats(data, r->s_r, (size_t)rows * r->V, error, accuracy);
  if (hidden) memcpy(hidden, r->s_ph0, sizeof(float) * (size_t)rows * r->H);
  if (recon) memcpy(recon, r->s_r, sizeof(float) * (size_t)rows * r->V);
  return RNNLAB_OK;
}

/* ---- the exact gradient ---- */

typedef struct {
  const rnnlab_rbm *r;
  int over_h, m, O;
  double logz;
  double *Es, *Eo, *Eso; /* (m), (O), (m,O): model expectations of the enumerated layer, the other, their products */
} grad_acc;

static void visit_grad(void *ctx, double lp, const unsigned char *state, const double *act) {
  grad_acc *g = ctx;
  const double p = energy_exp(lp - g->logz);
  const int O = g->O, gauss = g->r->gaussian;
  /* E[other | state]: sigmoid of its input, or the input itself for Gaussian visibles */
  for (int t = 0; t < O; t++) {
    const double mo = gauss ? act[t] : energy_sigmoid(act[t]);
    g->Eo[t] += p * mo;
    for (int s = 0; s < g->m; s++)
      if (state[s]) g->Eso[(size_t)s * O + t] += p * mo;
  }
  for (int s = 0; s < g->m; s++)
    if (state[s]) g->Es[s] += p;
}

static rnnlab_status exact_gradient(rnnlab_rbm *r, const float *data, int32_t rows, float *out) {
  const int V = r->V, H = r->H;
  double logz;
  rnnlab_status s = rnnlab_rbm_log_partition(r, &logz);
  if (s) return s;
  enum_job j;
  s = job_make(r, &j, "gradient");
  if (s) return s;
  grad_acc g = {r, r->gaussian || H <= V, j.e.m, j.e.other, logz, NULL, NULL, NULL};
  double *Evh = calloc((size_t)H * V, sizeof(double)), *Ev = calloc((size_t)V, sizeof(double)),
         *Eh = calloc((size_t)H, sizeof(double));
  g.Es = calloc((size_t)g.m, sizeof(double)), g.Eo = calloc((size_t)g.O, sizeof(double));
  g.Eso = calloc((size_t)g.m * g.O, sizeof(double));
  if (!Evh || !Ev || !Eh || !g.Es || !g.Eo || !g.Eso) {
    s = rbm_fail(r, RNNLAB_ENOMEM, "gradient: out of memory");
    goto done;
  }
  enumerate(&j.e, j.act, j.state, visit_grad, &g);
  /* the data's expectations: <v>, <p(h|v)>, <p(h|v) v^T> in double */
  for (int32_t n = 0; n < rows; n++) {
    const float *v = data + (size_t)n * V;
    for (int i = 0; i < V; i++) Ev[i] += v[i];
    for (int h = 0; h < H; h++) {
      const float *w = r->W + (size_t)h * V;
      double x = r->c[h];
      for (int i = 0; i < V; i++) x += (double)w[i] * v[i];
      const double ph = energy_sigmoid(x);
      Eh[h] += ph;
      for (int i = 0; i < V; i++) Evh[(size_t)h * V + i] += ph * v[i];
    }
  }
  /* d(-mean log p)/dtheta = <.>_model - <.>_data */
  float *gW = out, *gb = out + (size_t)H * V, *gc = gb + V;
  for (int h = 0; h < H; h++)
    for (int i = 0; i < V; i++) {
      const double model = g.over_h ? g.Eso[(size_t)h * V + i] : g.Eso[(size_t)i * H + h];
      gW[(size_t)h * V + i] = (float)(model - Evh[(size_t)h * V + i] / rows);
    }
  for (int i = 0; i < V; i++) gb[i] = (float)((g.over_h ? g.Eo[i] : g.Es[i]) - Ev[i] / rows);
  for (int h = 0; h < H; h++) gc[h] = (float)((g.over_h ? g.Es[h] : g.Eo[h]) - Eh[h] / rows);
done:
  free(Evh), free(Ev), free(Eh), free(g.Es), free(g.Eo), free(g.Eso);
  job_release(&j);
  return s;
}

rnnlab_status rnnlab_rbm_gradient(rnnlab_rbm *r, const float *data, int32_t rows, int32_t k, uint32_t seed_lo,
                                  uint32_t seed_hi, float *out) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  rnnlab_status s = rbm_check_data(r, "data", data, rows);
  if (s) return s;
  if (!out) return rbm_fail(r, RNNLAB_EINVAL, "out is NULL");
  if (k < 0 || k > RNNLAB_RBM_MAX_K) return rbm_fail(r, RNNLAB_EINVAL, "k must be in 0..%d, 0 = exact (got %d)", RNNLAB_RBM_MAX_K, (int)k);
  if (k == 0) return exact_gradient(r, data, rows, out);
  s = rbm_ensure_rows(r, (size_t)rows);
  if (s) return s;
  rng_state g;
  rng_seed(&g, (uint64_t)seed_hi << 32 | seed_lo);
  rbm_estimate(r, data, rows, k, &g, NULL, 0, out, NULL);
  return RNNLAB_OK;
}
