/* dynamics/fixedpoints.c - fixed and slow points of a model's constant-input dynamics
 * (rnnlab.h, rnnlab_model_fixed_points; Sussillo & Barak 2013, "Opening the black box").
 *
 *   q(s) = 1/2 |F(s) - s|^2,   grad q = (J - I)^T (F(s) - s)    (J^T r from the cells' backward)
 *
 * 1. starts: given, or generated (trajectory samples and uniform draws over their box);
 * 2. descent, all starts as one batch of rows: Adam directions with a per-start step size that
 *    grows by 5% after a step that lowers q and halves (the step undone) after one that does not
 *    (the adaptive rate of Golub & Sussillo's FixedPointFinder, made monotone: after an undone
 *    step the moments restart from the gradient there, so the next direction is sign(grad q), a
 *    descent direction); a start stops at q <= tolerance / 100 (1e-8 when step 4 follows) or
 *    when its step is below float resolution;
 * 3. the fixed points (q <= tolerance) and the slow points (q <= slow_tolerance where the descent
 *    came to rest: a start still descending at max_iterations is not yet a point), by q
 *    ascending, merged within merge_distance;
 * 4. with refine and N <= 256: Levenberg-Marquardt on the residual F(s) - s with the exact J
 *    (N rows of one backward step), which takes a fixed point to the float32 floor in a few
 *    iterations and a slow point to rest; a slow point must come to rest here; merged again;
 * 5. each point's spectrum (eig.c) and the eigenvectors of its largest unstable eigenvalues.
 * Does not own: the stepping (step.c), the eigen solver (eig.c), classification names (the
 * wrapper reads stable / saddle / unstable off the eigenvalues).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cells/cell.h"
#include "dynamics/dynamics.h"

struct rnnlab_fixed_points {
  int32_t n, N, D, candidates;
  float *states;      /* (n, N) */
  double *q;          /* (n) */
  double *eig;        /* (n, 2N): re then im, by |lambda| descending */
  int32_t *unstable;  /* (n) eigenvalues with |lambda| > 1 */
  int32_t *ndirs;     /* (n) directions computed */
  int32_t *dir_index; /* (n, D) the eigenvalue of each direction */
  float *dirs;        /* (n, D, 2N) real then imaginary part */
};

#define MAX_STARTS 100000
#define MAX_ITERATIONS 1000000
#define REFINE_MAX_N 256
#define TRAJECTORY_STEPS 100

void rnnlab_fixed_point_config_default(rnnlab_fixed_point_config *c) {
  memset(c, 0, sizeof *c);
  c->starts = 64;
  c->max_iterations = 1000;
  c->tolerance = 1e-10f;
  c->slow_tolerance = 1e-4f;
  c->merge_distance = 0;
  c->learning_rate = 0.01f;
  c->token = 0;
  c->directions = 8;
  c->refine = 1;
  c->seed_lo = 1;
}

int32_t rnnlab_dynamics_layout(int32_t what) {
  switch (what) {
  case 0: return (int32_t)sizeof(rnnlab_fixed_point_config);
  case 1: return (int32_t)sizeof(rnnlab_lyapunov_config);
  default: return -1;
  }
}

void rnnlab_fixed_points_free(rnnlab_fixed_points *f) {
  if (!f) return;
  free(f->states), free(f->q), free(f->eig), free(f->unstable), free(f->ndirs), free(f->dir_index), free(f->dirs);
  free(f);
}

static int in_range(const rnnlab_fixed_points *f, int32_t i) { return f && i >= 0 && i < f->n; }
int32_t rnnlab_fixed_points_count(const rnnlab_fixed_points *f) { return f ? f->n : 0; }
int32_t rnnlab_fixed_points_dim(const rnnlab_fixed_points *f) { return f ? f->N : 0; }
int32_t rnnlab_fixed_points_candidates(const rnnlab_fixed_points *f) { return f ? f->candidates : 0; }
const float *rnnlab_fixed_points_state(const rnnlab_fixed_points *f, int32_t i) {
  return in_range(f, i) ? f->states + (size_t)i * f->N : NULL;
}
double rnnlab_fixed_points_q(const rnnlab_fixed_points *f, int32_t i) { return in_range(f, i) ? f->q[i] : 0; }
const double *rnnlab_fixed_points_eigenvalues(const rnnlab_fixed_points *f, int32_t i) {
  return in_range(f, i) ? f->eig + (size_t)i * 2 * f->N : NULL;
}
int32_t rnnlab_fixed_points_unstable(const rnnlab_fixed_points *f, int32_t i) { return in_range(f, i) ? f->unstable[i] : 0; }
int32_t rnnlab_fixed_points_directions(const rnnlab_fixed_points *f, int32_t i) { return in_range(f, i) ? f->ndirs[i] : 0; }
int32_t rnnlab_fixed_points_direction_index(const rnnlab_fixed_points *f, int32_t i, int32_t k) {
  return in_range(f, i) && k >= 0 && k < f->ndirs[i] ? f->dir_index[(size_t)i * f->D + k] : -1;
}
const float *rnnlab_fixed_points_direction(const rnnlab_fixed_points *f, int32_t i, int32_t k) {
  return in_range(f, i) && k >= 0 && k < f->ndirs[i] ? f->dirs + ((size_t)i * f->D + k) * 2 * f->N : NULL;
}

static int finite_d(double x) { return x - x == 0; }

/* ---- starts ---- */

/* rows [0, S - S/2): states sampled from trajectories; rows [S - S/2, S): uniform over the box the
 * trajectories span. Trajectory r starts at zeros (r even) or uniform in [-1, 1] (r odd) and is
 * driven by the constant input ((r/2) even) or by it plus uniform noise in [-1, 1] (random tokens
 * for one-hot input); it is sampled at a step drawn from [10, TRAJECTORY_STEPS). */
static rnnlab_status generate_starts(dyn_model *d, int S, rng_state *rng, float *starts) {
  const int N = d->N, I = d->I, R = S - S / 2;
  rnnlab_status st = dyn_reserve(d, R);
  if (st) return st;
  float *x = malloc(sizeof(float) * (size_t)R * N), *u = malloc(sizeof(float) * (size_t)R * I);
  int32_t *tok = malloc(sizeof(int32_t) * (size_t)R), *when = malloc(sizeof(int32_t) * (size_t)R);
  double *lo = malloc(sizeof(double) * (size_t)N), *hi = malloc(sizeof(double) * (size_t)N);
  if (!x || !u || !tok || !when || !lo || !hi) {
    st = model_fail(d->m, RNNLAB_ENOMEM, "fixed points: out of memory for %d trajectories", R);
    goto done;
  }
  for (int j = 0; j < N; j++) lo[j] = INFINITY, hi[j] = -INFINITY;
  for (int r = 0; r < R; r++) {
    for (int j = 0; j < N; j++) x[(size_t)r * N + j] = r % 2 ? rng_symmetric(rng, 1.0f) : 0.0f;
    when[r] = 10 + (int32_t)rng_below(rng, TRAJECTORY_STEPS - 10);
  }
  for (int t = 1; t <= TRAJECTORY_STEPS; t++) {
    for (int r = 0; r < R; r++) {
      const int noisy = (r / 2) % 2;
      if (d->onehot) tok[r] = noisy ? (int32_t)rng_below(rng, (uint32_t)I) : d->token;
      else
        for (int k = 0; k < I; k++) u[(size_t)r * I + k] = (d->input ? d->input[k] : 0.0f) + (noisy ? rng_symmetric(rng, 1.0f) : 0.0f);
    }
    dyn_step(d, R, x, x, d->onehot ? NULL : u, d->onehot ? tok : NULL);
    for (int r = 0; r < R; r++) {
      const float *row = x + (size_t)r * N;
      for (int j = 0; j < N; j++)
        if (finite_d(row[j])) {
          if (row[j] < lo[j]) lo[j] = row[j];
          if (row[j] > hi[j]) hi[j] = row[j];
        }
      if (t == when[r]) memcpy(starts + (size_t)r * N, row, sizeof(float) * N);
    }
  }
  for (int j = 0; j < N; j++) { /* the box: each range widened by 10%, [mid - 1, mid + 1] when empty */
    if (!(hi[j] >= lo[j])) lo[j] = hi[j] = 0;
    const double span = hi[j] - lo[j], mid = 0.5 * (lo[j] + hi[j]);
    if (span > 1e-6) lo[j] -= 0.1 * span, hi[j] += 0.1 * span;
    else lo[j] = mid - 1, hi[j] = mid + 1;
  }
  for (int r = 0; r < S; r++) {
    float *row = starts + (size_t)r * N;
    int bad = r >= R;
    for (int j = 0; j < N && !bad; j++) bad = !finite_d(row[j]);
    if (bad)
      for (int j = 0; j < N; j++) row[j] = (float)(lo[j] + (hi[j] - lo[j]) * rng_uniform(rng));
  }
done:
  free(x), free(u), free(tok), free(when), free(lo), free(hi);
  return st;
}

/* ---- descent ---- */

typedef struct {
  int S, N;
  float *best, *grad, *try_, *pack, *pgrad, *pr; /* (S, N) */
  double *m1, *m2, *q, *lr;                     /* m1, m2 (S, N); q, lr (S) */
  int32_t *steps, *active, *idx;                /* (S) */
} descent;

static void descent_free(descent *a) {
  free(a->best), free(a->grad), free(a->try_), free(a->pack), free(a->pgrad), free(a->pr);
  free(a->m1), free(a->m2), free(a->q), free(a->lr), free(a->steps), free(a->active), free(a->idx);
}

static int descent_alloc(descent *a, int S, int N) {
  memset(a, 0, sizeof *a);
  a->S = S, a->N = N;
  const size_t SN = (size_t)S * N;
  a->best = malloc(sizeof(float) * SN), a->grad = malloc(sizeof(float) * SN), a->try_ = malloc(sizeof(float) * SN);
  a->pack = malloc(sizeof(float) * SN), a->pgrad = malloc(sizeof(float) * SN), a->pr = malloc(sizeof(float) * SN);
  a->m1 = calloc(SN, sizeof(double)), a->m2 = calloc(SN, sizeof(double));
  a->q = malloc(sizeof(double) * S), a->lr = malloc(sizeof(double) * S);
  a->steps = calloc((size_t)S, sizeof(int32_t)), a->active = malloc(sizeof(int32_t) * S), a->idx = malloc(sizeof(int32_t) * S);
  return a->best && a->grad && a->try_ && a->pack && a->pgrad && a->pr && a->m1 && a->m2 && a->q && a->lr &&
         a->steps && a->active && a->idx;
}

/* Adam's moments with the gradient at the newly accepted point of row s */
static void adam_moments(descent *a, int s) {
  const int N = a->N;
  a->steps[s]++;
  for (int j = 0; j < N; j++) {
    const size_t i = (size_t)s * N + j;
    const double g = a->grad[i];
    a->m1[i] = 0.9 * a->m1[i] + 0.1 * g;
    a->m2[i] = 0.999 * a->m2[i] + 0.001 * g * g;
  }
}

/* moments whose bias-corrected values are g and g^2 at the current point of row s */
static void adam_restart(descent *a, int s) {
  const int N = a->N, t = a->steps[s];
  const double c1 = 1 - pow(0.9, t), c2 = 1 - pow(0.999, t);
  for (int j = 0; j < N; j++) {
    const size_t i = (size_t)s * N + j;
    const double g = a->grad[i];
    a->m1[i] = c1 * g, a->m2[i] = c2 * g * g;
  }
}

/* row s's trial point: try_ = best - lr * mhat / (sqrt(vhat) + eps) */
static void adam_try(descent *a, int s) {
  const int N = a->N, t = a->steps[s];
  const double c1 = 1 - pow(0.9, t), c2 = 1 - pow(0.999, t);
  for (int j = 0; j < N; j++) {
    const size_t i = (size_t)s * N + j;
    const double step = (a->m1[i] / c1) / (sqrt(a->m2[i] / c2) + 1e-16);
    a->try_[i] = (float)(a->best[i] - a->lr[s] * step);
  }
}

/* Adam's part ends at q <= tolerance / 100, or at 1e-8 when Levenberg-Marquardt polishes after
 * it (its Newton-like steps finish in a few iterations what first-order steps do in hundreds). */
static rnnlab_status descend(dyn_model *d, descent *a, const rnnlab_fixed_point_config *c, int polished) {
  const int S = a->S;
  rnnlab_status st = dyn_reserve(d, S);
  if (st) return st;
  dyn_speed(d, S, a->best, a->q, a->grad, a->pr);
  int n_active = 0;
  const double stop_q = fmax((double)c->tolerance * 1e-2, polished ? 1e-8 : 0);
  for (int s = 0; s < S; s++) {
    a->lr[s] = c->learning_rate;
    a->active[s] = finite_d(a->q[s]) && a->q[s] > stop_q;
    if (!finite_d(a->q[s])) a->q[s] = INFINITY;
    if (a->active[s]) adam_moments(a, s), n_active++;
  }
  double *qnew = malloc(sizeof(double) * S);
  if (!qnew) return model_fail(d->m, RNNLAB_ENOMEM, "fixed points: out of memory");
  for (int it = 0; it < c->max_iterations && n_active; it++) {
    int n = 0;
    for (int s = 0; s < S; s++)
      if (a->active[s]) adam_try(a, s), a->idx[n++] = s;
    /* the active rows packed, evaluated, and kept where q went down */
    const int N = a->N;
    for (int k = 0; k < n; k++) memcpy(a->pack + (size_t)k * N, a->try_ + (size_t)a->idx[k] * N, sizeof(float) * N);
    dyn_speed(d, n, a->pack, qnew, a->pgrad, a->pr);
    n_active = 0;
    for (int k = 0; k < n; k++) {
      const int s = a->idx[k];
      if (finite_d(qnew[k]) && qnew[k] < a->q[s]) {
        memcpy(a->best + (size_t)s * N, a->pack + (size_t)k * N, sizeof(float) * N);
        memcpy(a->grad + (size_t)s * N, a->pgrad + (size_t)k * N, sizeof(float) * N);
        a->q[s] = qnew[k];
        a->lr[s] *= 1.05;
        adam_moments(a, s);
      } else { /* undo, halve the step, and restart the moments from the gradient here: the
                * direction becomes sign(grad q), a descent direction, which momentum need not be */
        a->lr[s] *= 0.5;
        adam_restart(a, s);
      }
      a->active[s] = a->q[s] > stop_q && a->lr[s] > 1e-9;
      n_active += a->active[s];
    }
  }
  free(qnew);
  return RNNLAB_OK;
}

/* ---- Levenberg-Marquardt polishing ---- */

typedef struct {
  double *J, *M, *g, *delta, *r; /* J, M (N, N); g, delta, r (N) */
  float *tmp, *s1, *fr;          /* tmp (2 N^2); s1, fr (N) */
  int *ipiv;                     /* (2N): eig_vector needs 2N */
} lm_work;

/* s (N) moves downhill in q, *q updated: Levenberg-Marquardt steps (M + lambda (diag M + 1)) delta
 * = -A^T r with A = J - I, M = A^T A. *converged: it stopped because no step lowers q any more
 * (or q reached the float32 floor), not at the iteration cap. */
static rnnlab_status refine_point(dyn_model *d, lm_work *w, float *s, double *q, double floor_q, int *converged) {
  const int N = d->N;
  double lambda = 1e-3;
  *converged = 0;
  for (int it = 0; it < 100; it++) {
    rnnlab_status st = dyn_jacobian(d, s, w->J, w->tmp);
    if (st) return st;
    double q0;
    dyn_speed(d, 1, s, &q0, NULL, w->fr); /* fr = F(s) - s */
    *q = q0;
    if (q0 <= floor_q) break;
    for (int i = 0; i < N; i++) w->r[i] = w->fr[i], w->J[(size_t)i * N + i] -= 1; /* A = J - I */
    for (int j = 0; j < N; j++) w->g[j] = 0; /* g = A^T r, M = A^T A */
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) w->g[j] += w->J[(size_t)i * N + j] * w->r[i];
    memset(w->M, 0, sizeof(double) * (size_t)N * N);
    for (int k = 0; k < N; k++) {
      const double *ak = w->J + (size_t)k * N;
      for (int i = 0; i < N; i++) {
        const double aki = ak[i];
        if (aki == 0) continue;
        double *mi = w->M + (size_t)i * N;
        for (int j = 0; j < N; j++) mi[j] += aki * ak[j];
      }
    }
    int accepted = 0;
    double q1 = q0;
    for (int tries = 0; tries < 12 && !accepted; tries++) {
      double *K = w->J; /* A is no longer needed */
      for (size_t i = 0; i < (size_t)N * N; i++) K[i] = w->M[i];
      for (int i = 0; i < N; i++) K[(size_t)i * N + i] += lambda * (w->M[(size_t)i * N + i] + 1);
      for (int i = 0; i < N; i++) w->delta[i] = -w->g[i];
      lu_factor(N, K, w->ipiv);
      lu_solve(N, K, w->ipiv, w->delta);
      for (int i = 0; i < N; i++) w->s1[i] = (float)(s[i] + w->delta[i]);
      dyn_speed(d, 1, w->s1, &q1, NULL, w->fr);
      if (finite_d(q1) && q1 < q0) {
        memcpy(s, w->s1, sizeof(float) * N);
        *q = q1, accepted = 1;
        lambda = lambda / 3 > 1e-12 ? lambda / 3 : 1e-12;
      } else {
        lambda *= 4;
      }
    }
    /* nothing lowers q (a minimum to float resolution), or the gain has become negligible */
    if (!accepted || q1 > (1 - 1e-6) * q0 || *q <= floor_q) {
      *converged = 1;
      return RNNLAB_OK;
    }
  }
  *converged = *q <= floor_q;
  return RNNLAB_OK;
}

/* ---- merging ---- */

/* order (n) indices of rows of states sorted by q ascending; keeps those farther than dist from
 * every kept one; returns how many, in order[0..) */
static int merge(const float *states, const double *q, int N, int32_t *order, int n, double dist) {
  for (int i = 1; i < n; i++) { /* insertion sort by q */
    const int32_t v = order[i];
    int k = i;
    while (k > 0 && q[order[k - 1]] > q[v]) order[k] = order[k - 1], k--;
    order[k] = v;
  }
  int kept = 0;
  for (int i = 0; i < n; i++) {
    const float *a = states + (size_t)order[i] * N;
    int dup = 0;
    for (int k = 0; k < kept && !dup; k++) {
      const float *b = states + (size_t)order[k] * N;
      double s = 0;
      for (int j = 0; j < N; j++) s += ((double)a[j] - b[j]) * ((double)a[j] - b[j]);
      dup = sqrt(s) <= dist;
    }
    if (!dup) order[kept++] = order[i];
  }
  return kept;
}

/* ---- the call ---- */

static rnnlab_status check_config(rnnlab_model *m, const rnnlab_fixed_point_config *c, const float *starts, int32_t n_starts) {
#define BAD(...) return model_fail(m, RNNLAB_EINVAL, __VA_ARGS__)
  if (starts) {
    if (n_starts < 1 || n_starts > MAX_STARTS) BAD("fixed points: %d starts given, must be 1..%d", n_starts, MAX_STARTS);
  } else if (c->starts < 1 || c->starts > MAX_STARTS) BAD("fixed points: starts must be 1..%d, got %d", MAX_STARTS, c->starts);
  if (c->max_iterations < 0 || c->max_iterations > MAX_ITERATIONS)
    BAD("fixed points: maxIterations must be 0..%d, got %d", MAX_ITERATIONS, c->max_iterations);
  if (!finite_d(c->tolerance) || !(c->tolerance > 0)) BAD("fixed points: tolerance must be a finite number > 0");
  if (!finite_d(c->slow_tolerance) || !(c->slow_tolerance >= c->tolerance))
    BAD("fixed points: slowTolerance must be finite and >= tolerance");
  if (!finite_d(c->merge_distance) || c->merge_distance < 0) BAD("fixed points: mergeDistance must be finite and >= 0");
  if (!finite_d(c->learning_rate) || !(c->learning_rate > 0)) BAD("fixed points: learningRate must be a finite number > 0");
  if (c->directions < 0) BAD("fixed points: directions must be >= 0, got %d", c->directions);
  if (c->refine != 0 && c->refine != 1) BAD("fixed points: refine must be 0 or 1");
#undef BAD
  return RNNLAB_OK;
}

rnnlab_status rnnlab_model_fixed_points(rnnlab_model *m, const rnnlab_fixed_point_config *c, const float *input,
                                        const float *starts, int32_t n_starts, rnnlab_fixed_points **out) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
  if (!out) return model_fail(m, RNNLAB_EINVAL, "fixed points: out pointer is NULL");
  *out = NULL;
  if (!c) return model_fail(m, RNNLAB_EINVAL, "fixed points: config is NULL");
  rnnlab_status st = check_config(m, c, starts, n_starts);
  if (st) return st;
  dyn_model d;
  st = dyn_open(&d, m, input, c->token, 1, "fixed points");
  if (st) return st;
  const int N = d.N, S = starts ? n_starts : c->starts;
  if ((double)S * N > RNNLAB_MAX_ELEMS) {
    dyn_close(&d);
    return model_fail(m, RNNLAB_EINVAL, "fixed points: %d starts of a %d-float state are too many", S, N);
  }
  if (starts)
    for (size_t i = 0; i < (size_t)S * N; i++)
      if (!finite_d(starts[i])) {
        dyn_close(&d);
        return model_fail(m, RNNLAB_ENONFINITE, "fixed points: starts[%zu][%zu] is %s", i / N, i % N,
                          starts[i] != starts[i] ? "NaN" : "infinite");
      }
  descent a;
  lm_work w;
  memset(&w, 0, sizeof w);
  rnnlab_fixed_points *f = NULL;
  int32_t *order = malloc(sizeof(int32_t) * S);
  double *eig_a = NULL, *wr = NULL, *wi = NULL, *ework = NULL;
  if (!descent_alloc(&a, S, N) || !order) {
    st = model_fail(m, RNNLAB_ENOMEM, "fixed points: out of memory for %d starts of %d floats", S, N);
    goto done;
  }
  rng_state rng;
  rng_seed(&rng, (uint64_t)c->seed_hi << 32 | c->seed_lo);
  if (starts) memcpy(a.best, starts, sizeof(float) * (size_t)S * N);
  else if ((st = generate_starts(&d, S, &rng, a.best))) goto done;
  const int polish = c->refine && N <= REFINE_MAX_N;
  if ((st = descend(&d, &a, c, polish))) goto done;

  /* candidates: every descent that reached a fixed point, or a slow point where it came to rest
   * (a start still descending at maxIterations is no point yet); a->active now marks those */
  const double dist = c->merge_distance > 0 ? c->merge_distance : 1e-3 * sqrt((double)N);
  int n = 0;
  for (int s = 0; s < S; s++)
    if (a.q[s] <= c->tolerance || (a.q[s] <= c->slow_tolerance && (polish || !a.active[s]))) order[n++] = s;
  const int candidates = n;
  n = merge(a.best, a.q, N, order, n, dist);

  /* the Jacobian and spectrum buffers, shared by polishing and classification */
  const size_t NN = (size_t)N * N;
  w.J = malloc(sizeof(double) * NN), w.M = malloc(sizeof(double) * NN);
  w.g = malloc(sizeof(double) * N), w.delta = malloc(sizeof(double) * N), w.r = malloc(sizeof(double) * N);
  w.tmp = malloc(sizeof(float) * 2 * NN), w.s1 = malloc(sizeof(float) * N), w.fr = malloc(sizeof(float) * N);
  w.ipiv = malloc(sizeof(int) * 2 * N);
  eig_a = malloc(sizeof(double) * NN), wr = malloc(sizeof(double) * N), wi = malloc(sizeof(double) * N);
  ework = malloc(sizeof(double) * (eig_vector_work(N) > (size_t)N ? eig_vector_work(N) : (size_t)N));
  if (!w.J || !w.M || !w.g || !w.delta || !w.r || !w.tmp || !w.s1 || !w.fr || !w.ipiv || !eig_a || !wr || !wi || !ework) {
    st = model_fail(m, RNNLAB_ENOMEM, "fixed points: out of memory for the Jacobian of a %d-float state", N);
    goto done;
  }
  if (polish && n > 0) {
    int kept = 0;
    for (int k = 0; k < n; k++) {
      const int s = order[k];
      int converged;
      if ((st = refine_point(&d, &w, a.best + (size_t)s * N, &a.q[s], c->tolerance * 1e-6, &converged))) goto done;
      if (a.q[s] <= c->tolerance || (converged && a.q[s] <= c->slow_tolerance)) order[kept++] = s;
    }
    n = merge(a.best, a.q, N, order, kept, dist);
  }

  f = calloc(1, sizeof *f);
  const int D = c->directions < N ? c->directions : N;
  if (!f) {
    st = model_fail(m, RNNLAB_ENOMEM, "fixed points: out of memory");
    goto done;
  }
  f->n = n, f->N = N, f->D = D, f->candidates = candidates;
  const size_t nn = n ? (size_t)n : 1, DD = D ? (size_t)D : 1;
  f->states = malloc(sizeof(float) * nn * N), f->q = malloc(sizeof(double) * nn), f->eig = malloc(sizeof(double) * nn * 2 * N);
  f->unstable = calloc(nn, sizeof(int32_t)), f->ndirs = calloc(nn, sizeof(int32_t));
  f->dir_index = calloc(nn * DD, sizeof(int32_t)), f->dirs = calloc(nn * DD * 2 * N, sizeof(float));
  if (!f->states || !f->q || !f->eig || !f->unstable || !f->ndirs || !f->dir_index || !f->dirs) {
    st = model_fail(m, RNNLAB_ENOMEM, "fixed points: out of memory for %d points", n);
    goto done;
  }
  double *vr = w.delta, *vi = w.r; /* N each, free after polishing */
  for (int k = 0; k < n; k++) {
    const float *s = a.best + (size_t)order[k] * N;
    memcpy(f->states + (size_t)k * N, s, sizeof(float) * N);
    f->q[k] = a.q[order[k]];
    if ((st = dyn_jacobian(&d, s, w.J, w.tmp))) goto done;
    memcpy(eig_a, w.J, sizeof(double) * NN);
    if (eig_values(N, eig_a, wr, wi, ework)) {
      st = model_fail(m, RNNLAB_ENONFINITE, "fixed points: the eigenvalues of the Jacobian at point %d did not converge", k);
      goto done;
    }
    eig_sort(N, wr, wi);
    double *e = f->eig + (size_t)k * 2 * N;
    memcpy(e, wr, sizeof(double) * N), memcpy(e + N, wi, sizeof(double) * N);
    int unstable = 0, nd = 0;
    for (int j = 0; j < N; j++) {
      if (!(hypot(wr[j], wi[j]) > 1)) continue;
      unstable++;
      if (wi[j] < 0 || nd >= D) continue; /* a complex pair once, by its +im member */
      eig_vector(N, w.J, wr[j], wi[j], vr, vi, ework, w.ipiv);
      float *v = f->dirs + ((size_t)k * D + nd) * 2 * N;
      for (int i = 0; i < N; i++) v[i] = (float)vr[i], v[N + i] = (float)vi[i];
      f->dir_index[(size_t)k * D + nd] = j;
      nd++;
    }
    f->unstable[k] = unstable, f->ndirs[k] = nd;
  }
  *out = f;
  f = NULL;
done:
  rnnlab_fixed_points_free(f);
  descent_free(&a);
  free(order), free(eig_a), free(wr), free(wi), free(ework);
  free(w.J), free(w.M), free(w.g), free(w.delta), free(w.r), free(w.tmp), free(w.s1), free(w.fr), free(w.ipiv);
  dyn_close(&d);
  return st;
}

int32_t rnnlab_model_state_size(rnnlab_model *m) {
  if (!m) return 0;
  if (dyn_check(m, "dynamics")) return 0;
  return m->cfg.layers * m->cfg.hidden_size * (1 + m->cell->cell_state);
}
