/* dynamics/lyapunov.c - the largest Lyapunov exponent of a map, and the divergence of two nearby
 * trajectories (rnnlab.h, rnnlab_model_lyapunov; dynamics.h, dyn_lyapunov for any map).
 *
 * Tangent propagation with renormalisation (Benettin, Galgani, Giorgilli & Strelcyn 1980):
 *   v_{t+1} = J(s_t) v_t / |J(s_t) v_t|,   lambda_1 = lim (1/T) sum_t ln |J(s_t) v_t|,
 * the growth of a generic tangent aligning with the most expanding direction. J v comes from
 * central differences of the map itself, (F(s + eps v) - F(s - eps v)) / 2 eps, so the same
 * estimator runs on a model (float32) and on an ODE's RK4 map (double; the native tests check it
 * on Lorenz's equations against the published 0.906). For a float map the perturbed states are
 * rounded first and the growth is measured against the perturbation actually applied, so the
 * rounding of s + eps v is not mistaken for expansion.
 * Does not own: the model's stepping (step.c), the full spectrum (only the largest exponent).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dynamics/dynamics.h"

#define MAX_STEPS 10000000
#define MAX_TRAJECTORIES 64

size_t dyn_lyapunov_work(int n, int R) { return (size_t)3 * R * n * 2 + (size_t)R * n; }

static double norm(const double *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += v[i] * v[i];
  return sqrt(s);
}

rnnlab_status dyn_lyapunov(const dyn_map *f, int R, double *s, int transient, int steps, double eps, rng_state *rng,
                           double *exponents, double *keep, double *work) {
  const int n = f->n;
  const size_t Rn = (size_t)R * n;
  double *rows = work, *next = work + 3 * Rn, *v = work + 6 * Rn; /* rows, next (3R, n): [s | s + eps v | s - eps v] */
  for (int r = 0; r < R; r++) {
    double *vr = v + (size_t)r * n;
    for (int i = 0; i < n; i++) vr[i] = rng_symmetric(rng, 1.0f);
    double len = norm(vr, n);
    if (!(len > 0)) vr[0] = 1, len = 1;
    for (int i = 0; i < n; i++) vr[i] /= len;
    exponents[r] = 0;
  }
  if (f->represent) f->represent(f->ctx, R, s);
  for (int t = 0; t < transient + steps; t++) {
    for (int r = 0; r < R; r++)
      for (int i = 0; i < n; i++) {
        const double x = s[(size_t)r * n + i], dv = eps * v[(size_t)r * n + i];
        rows[(size_t)r * n + i] = x;
        rows[Rn + (size_t)r * n + i] = x + dv;
        rows[2 * Rn + (size_t)r * n + i] = x - dv;
      }
    if (f->represent) f->represent(f->ctx, 2 * R, rows + Rn);
    rnnlab_status st = f->step(f->ctx, 3 * R, rows, next);
    if (st) return st;
    for (int r = 0; r < R; r++) {
      const double *p = rows + Rn + (size_t)r * n, *m = rows + 2 * Rn + (size_t)r * n;
      const double *fp = next + Rn + (size_t)r * n, *fm = next + 2 * Rn + (size_t)r * n;
      double *vr = v + (size_t)r * n;
      double din = 0, dout = 0;
      for (int i = 0; i < n; i++) din += (p[i] - m[i]) * (p[i] - m[i]);
      for (int i = 0; i < n; i++) vr[i] = fp[i] - fm[i], dout += vr[i] * vr[i];
      din = sqrt(din), dout = sqrt(dout);
      if (dout > 0) {
        for (int i = 0; i < n; i++) vr[i] /= dout;
        if (t >= transient && exponents[r] != -INFINITY) exponents[r] += log(dout / din);
      } else { /* collapsed to exactly 0: -infinity, and a fresh tangent to go on with */
        if (t >= transient) exponents[r] = -INFINITY;
        for (int i = 0; i < n; i++) vr[i] = 0;
        vr[t % n] = 1;
      }
      memcpy(s + (size_t)r * n, next + (size_t)r * n, sizeof(double) * n);
    }
    if (keep && t + 1 == transient) memcpy(keep, s, sizeof(double) * n);
  }
  for (int r = 0; r < R; r++)
    if (exponents[r] != -INFINITY) exponents[r] /= steps;
  return RNNLAB_OK;
}

rnnlab_status dyn_divergence(const dyn_map *f, const double *s, int k, double perturbation, int steps, double *out, double *work) {
  const int n = f->n;
  double *ab = work, *next = work + 2 * (size_t)n;
  memcpy(ab, s, sizeof(double) * n);
  memcpy(ab + n, s, sizeof(double) * n);
  ab[n + k] += perturbation;
  if (f->represent) f->represent(f->ctx, 2, ab);
  for (int t = 0;; t++) {
    double d = 0;
    for (int i = 0; i < n; i++) d += (ab[i] - ab[n + i]) * (ab[i] - ab[n + i]);
    out[t] = sqrt(d);
    if (t == steps) break;
    rnnlab_status st = f->step(f->ctx, 2, ab, next);
    if (st) return st;
    memcpy(ab, next, sizeof(double) * 2 * n);
  }
  return RNNLAB_OK;
}

/* ---- a model's ---- */

void rnnlab_lyapunov_config_default(rnnlab_lyapunov_config *c) {
  memset(c, 0, sizeof *c);
  c->steps = 2000;
  c->transient = 500;
  c->trajectories = 4;
  c->token = 0;
  c->epsilon = 1e-3f;
  c->perturbation = 1e-7f;
  c->divergence_steps = 200;
  c->seed_lo = 1;
}

static int finite_d(double x) { return x - x == 0; }

rnnlab_status rnnlab_model_lyapunov(rnnlab_model *m, const rnnlab_lyapunov_config *c, const float *input,
                                    const float *start, double *exponent, double *exponents, double *divergence) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
#define BAD(...) return model_fail(m, RNNLAB_EINVAL, __VA_ARGS__)
  if (!c) BAD("lyapunov: config is NULL");
  if (!exponent) BAD("lyapunov: exponent pointer is NULL");
  if (c->steps < 1 || c->steps > MAX_STEPS) BAD("lyapunov: steps must be 1..%d, got %d", MAX_STEPS, c->steps);
  if (c->transient < 0 || c->transient > MAX_STEPS) BAD("lyapunov: transient must be 0..%d, got %d", MAX_STEPS, c->transient);
  if (c->trajectories < 1 || c->trajectories > MAX_TRAJECTORIES)
    BAD("lyapunov: trajectories must be 1..%d, got %d", MAX_TRAJECTORIES, c->trajectories);
  if (!finite_d(c->epsilon) || !(c->epsilon > 0) || c->epsilon > 1) BAD("lyapunov: epsilon must be in (0, 1]");
  if (!finite_d(c->perturbation) || !(c->perturbation > 0) || c->perturbation > 1) BAD("lyapunov: perturbation must be in (0, 1]");
  if (c->divergence_steps < 0 || c->divergence_steps > MAX_STEPS)
    BAD("lyapunov: divergenceSteps must be 0..%d, got %d", MAX_STEPS, c->divergence_steps);
  if (c->divergence_steps > 0 && !divergence) BAD("lyapunov: divergence buffer is NULL");
#undef BAD
  dyn_model d;
  rnnlab_status st = dyn_open(&d, m, input, c->token, 0, "lyapunov");
  if (st) return st;
  const int N = d.N, R = c->trajectories;
  if (start)
    for (int i = 0; i < N; i++)
      if (!finite_d(start[i])) {
        dyn_close(&d);
        return model_fail(m, RNNLAB_ENONFINITE, "lyapunov: start[%d] is %s", i, start[i] != start[i] ? "NaN" : "infinite");
      }
  double *s = malloc(sizeof(double) * (size_t)R * N), *keep = malloc(sizeof(double) * N);
  double *work = malloc(sizeof(double) * (dyn_lyapunov_work(N, R) + 4 * (size_t)N)), *ex = malloc(sizeof(double) * R);
  if (!s || !keep || !work || !ex) {
    st = model_fail(m, RNNLAB_ENOMEM, "lyapunov: out of memory for %d trajectories of a %d-float state", R, N);
    goto done;
  }
  if ((st = dyn_reserve(&d, 3 * R))) goto done;
  rng_state rng;
  rng_seed(&rng, (uint64_t)c->seed_hi << 32 | c->seed_lo);
  for (int r = 0; r < R; r++)
    for (int i = 0; i < N; i++) s[(size_t)r * N + i] = start ? start[i] : rng_symmetric(&rng, 1.0f);
  if (c->transient == 0) memcpy(keep, s, sizeof(double) * N), dyn_model_represent(&d, 1, keep);
  const dyn_map f = {N, &d, dyn_model_step, dyn_model_represent};
  if ((st = dyn_lyapunov(&f, R, s, c->transient, c->steps, c->epsilon, &rng, ex, c->transient ? keep : NULL, work))) goto done;
  double sum = 0;
  for (int r = 0; r < R; r++) sum += ex[r];
  *exponent = sum / R;
  if (exponents) memcpy(exponents, ex, sizeof(double) * R);
  if (c->divergence_steps > 0) {
    const int k = (int)rng_below(&rng, (uint32_t)N);
    if ((st = dyn_divergence(&f, keep, k, c->perturbation, c->divergence_steps, divergence, work))) goto done;
  }
done:
  free(s), free(keep), free(work), free(ex);
  dyn_close(&d);
  return st;
}
