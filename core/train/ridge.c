/* train/ridge.c - the reservoir-computing readout: ridge regression in closed form (Jaeger 2001;
 * Lukosevicius 2012, "A practical guide to applying echo state networks", section 4.1).
 *
 *   x~ = [x ; 1] the top layer's output at a step (D*H + 1), y its target (V)
 *   A = sum w x~ x~^T,  C = sum w x~ y^T        over the steps seen (weight w: mask, 0 without target)
 *   W = (A + ridge * diag(1, ..., 1, 0))^-1 C    the bias row unregularised
 *
 * Each step adds a batch's statistics (in double) and solves again by Cholesky, so the readout is
 * always the least-squares fit of everything seen so far; nothing else of the model changes (the
 * ridge readout of an ESN, or a frozen network's readout). washout: the first steps of each
 * batch are skipped (the reservoir's transient), unless the batch carries the state on. The
 * statistics take RIDGE_BLOCK rows at a time (ridge.h): a rank-16 update instead of 16 rank-1.
 * Owns: rnnlab_ridge_* but save/load (serialize.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "train/ridge.h"

static rnnlab_status rfail(rnnlab_ridge *r, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(r->err, sizeof r->err, s, fmt, ap);
  va_end(ap);
  return s;
}

rnnlab_status ridge_check(const rnnlab_model *m, float ridge, int32_t washout, char *err, size_t errlen) {
  if (m->cfg.output_kind != RNNLAB_OUTPUT_LINEAR)
    return status_fail(err, errlen, RNNLAB_EINVAL, "a ridge readout fits a linear output (config.output 'linear'), this model's is not");
  if (!(ridge >= 0.0f) || !(ridge <= 1e6f)) return status_fail(err, errlen, RNNLAB_EINVAL, "ridge must be in [0, 1e6], got %g", ridge);
  if (washout < 0 || washout > 1 << 20) return status_fail(err, errlen, RNNLAB_EINVAL, "washout must be in [0, 1048576], got %d", washout);
  const double D1 = (double)m->D * m->cfg.hidden_size + 1;
  if (D1 * D1 * 3 > RNNLAB_MAX_ELEMS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "a ridge readout over %.0f features needs %.0f doubles; the limit is %d", D1 - 1,
                       D1 * D1 * 3, RNNLAB_MAX_ELEMS);
  return RNNLAB_OK;
}

rnnlab_status ridge_alloc(rnnlab_model *m, float ridge, int32_t washout, rnnlab_ridge **out, char *err, size_t errlen) {
  *out = NULL;
  rnnlab_status s = ridge_check(m, ridge, washout, err, errlen);
  if (s) return s;
  rnnlab_ridge *r = calloc(1, sizeof *r);
  if (!r) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for the ridge readout");
  r->model = m, r->ridge = ridge, r->washout = washout;
  r->D1 = m->D * m->cfg.hidden_size + 1, r->V = m->cfg.output_size;
  r->A = calloc((size_t)r->D1 * r->D1, sizeof(double));
  r->C = calloc((size_t)r->D1 * r->V, sizeof(double));
  r->L = calloc((size_t)r->D1 * r->D1, sizeof(double));
  r->Xt = malloc(sizeof(double) * (size_t)r->D1 * RIDGE_BLOCK);
  r->XWt = malloc(sizeof(double) * (size_t)r->D1 * RIDGE_BLOCK);
  r->Yb = malloc(sizeof(double) * (size_t)r->V * RIDGE_BLOCK);
  if (!r->A || !r->C || !r->L || !r->Xt || !r->XWt || !r->Yb) {
    const int D1 = r->D1;
    rnnlab_ridge_free(r);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for the ridge readout's %d x %d statistics", D1, D1);
  }
  *out = r;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_ridge_create(rnnlab_model *m, float ridge, int32_t washout, rnnlab_ridge **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!m || !out) return status_fail(err, errlen, RNNLAB_EINVAL, "ridge_create: model and out must not be NULL");
  return ridge_alloc(m, ridge, washout, out, err, errlen);
}

void rnnlab_ridge_free(rnnlab_ridge *r) {
  if (!r) return;
  free(r->A), free(r->C), free(r->L), free(r->Xt), free(r->XWt), free(r->Yb);
  free(r);
}

const char *rnnlab_ridge_error(const rnnlab_ridge *r) { return r ? r->err : "ridge is NULL"; }
double rnnlab_ridge_weight(const rnnlab_ridge *r) { return r ? r->weight : 0; }
int64_t rnnlab_ridge_steps(const rnnlab_ridge *r) { return r ? r->steps : 0; }
float rnnlab_ridge_value(const rnnlab_ridge *r) { return r ? r->ridge : 0; }
int32_t rnnlab_ridge_washout(const rnnlab_ridge *r) { return r ? r->washout : 0; }

/* A, C += the n rows gathered in Xt, XWt, Yb: A[p][q] += sum_k w_k x_k[p] x_k[q] (q <= p). The
 * sum over the block is formed first, then added: one pass over A per block. */
static void flush_block(rnnlab_ridge *r, int n) {
  const int D1 = r->D1, V = r->V;
  for (int p = 0; p < D1; p++) {
    const double *xw = r->XWt + (size_t)p * RIDGE_BLOCK;
    double *Ap = r->A + (size_t)p * D1;
    for (int q = 0; q <= p; q++) { /* lower triangle */
      const double *xq = r->Xt + (size_t)q * RIDGE_BLOCK;
      double s = 0;
      for (int k = 0; k < n; k++) s += xw[k] * xq[k];
      Ap[q] += s;
    }
    for (int v = 0; v < V; v++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += xw[k] * r->Yb[(size_t)k * V + v];
      r->C[(size_t)p * V + v] += s;
    }
  }
}

/* A, C += the pass's rows (time-major Ytop, readout weights in tmask), RIDGE_BLOCK at a time */
static void accumulate(rnnlab_ridge *r, const rnnlab_batch *b, int T, int B) {
  rnnlab_model *m = r->model;
  const int D1 = r->D1, DH = D1 - 1, V = r->V, t0 = b->carry_state ? 0 : r->washout;
  const float *Y = m->Y[m->cfg.layers - 1];
  int n = 0;
  for (int t = t0; t < T; t++)
    for (int i = 0; i < B; i++) {
      const size_t row = (size_t)t * B + i;
      const double w = m->tmask[row];
      if (!(w > 0)) continue;
      const float *x = Y + row * DH, *y = b->targets + ((size_t)i * b->length + t) * V;
      for (int p = 0; p < D1; p++) {
        const double xp = p < DH ? x[p] : 1.0;
        r->Xt[(size_t)p * RIDGE_BLOCK + n] = xp, r->XWt[(size_t)p * RIDGE_BLOCK + n] = w * xp;
      }
      for (int v = 0; v < V; v++) r->Yb[(size_t)n * V + v] = y[v];
      r->weight += w;
      if (++n == RIDGE_BLOCK) flush_block(r, n), n = 0;
    }
  if (n) flush_block(r, n);
}

rnnlab_status rnnlab_ridge_solve(rnnlab_ridge *r) {
  if (!r) return RNNLAB_EINVAL;
  const int D1 = r->D1, V = r->V;
  if (!(r->weight > 0)) return rfail(r, RNNLAB_ESTATE, "no targeted steps seen yet: step on a batch with targets first");
  /* Cholesky of A + ridge I (bias unregularised), lower triangle of A */
  double *L = r->L;
  for (int p = 0; p < D1; p++)
    for (int q = 0; q <= p; q++) {
      double s = r->A[(size_t)p * D1 + q] + (p == q && p < D1 - 1 ? (double)r->ridge : 0.0);
      for (int k = 0; k < q; k++) s -= L[(size_t)p * D1 + k] * L[(size_t)q * D1 + k];
      if (p == q) {
        if (!(s > 1e-12 * (1.0 + fabs(r->A[(size_t)p * D1 + p]))))
          return rfail(r, RNNLAB_ENONFINITE, "the states' covariance is singular (feature %d): raise ridge above %g or give more varied data", p, r->ridge);
        L[(size_t)p * D1 + p] = sqrt(s);
      } else {
        L[(size_t)p * D1 + q] = s / L[(size_t)q * D1 + q];
      }
    }
  /* W = L^-T L^-1 C, column by column, written into the readout: Wy (DH, V) and by (V) */
  rnnlab_model *m = r->model;
  double *col = malloc(sizeof(double) * D1);
  if (!col) return rfail(r, RNNLAB_ENOMEM, "out of memory solving the ridge readout");
  for (int v = 0; v < V; v++) {
    for (int p = 0; p < D1; p++) { /* L c = C[:, v] */
      double s = r->C[(size_t)p * V + v];
      for (int k = 0; k < p; k++) s -= L[(size_t)p * D1 + k] * col[k];
      col[p] = s / L[(size_t)p * D1 + p];
    }
    for (int p = D1 - 1; p >= 0; p--) { /* L^T w = c */
      double s = col[p];
      for (int k = p + 1; k < D1; k++) s -= L[(size_t)k * D1 + p] * col[k];
      col[p] = s / L[(size_t)p * D1 + p];
    }
    for (int p = 0; p < D1 - 1; p++) m->Wy[(size_t)p * V + v] = (float)col[p];
    m->by[v] = (float)col[D1 - 1];
  }
  free(col);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_ridge_step(rnnlab_ridge *r, const rnnlab_batch *b, rnnlab_step_result *res) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = 0;
  if (res) memset(res, 0, sizeof *res);
  rnnlab_model *m = r->model;
  rnnlab_status s = model_check_batch(m, b);
  if (s) return rfail(r, s, "%s", m->err);
  if (!b->targets) return rfail(r, RNNLAB_EINVAL, "batch.targets are required for the ridge readout");
  s = model_pass(m, b, 0, b->length, b->carry_state, 0, NULL, NULL);
  if (s) return rfail(r, s, "%s", m->err);
  accumulate(r, b, b->length, b->batch);
  s = rnnlab_ridge_solve(r);
  if (s) return s;
  r->steps++;
  const float loss = model_readout(m, b, 0, b->length, b->batch, 0); /* this batch, under the new readout */
  if (res) res->loss = loss, res->chunks = 1;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_ridge_set(rnnlab_ridge *r, float ridge) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = 0;
  rnnlab_status s = ridge_check(r->model, ridge, r->washout, r->err, sizeof r->err);
  if (s) return s;
  r->ridge = ridge;
  return r->weight > 0 ? rnnlab_ridge_solve(r) : RNNLAB_OK;
}
