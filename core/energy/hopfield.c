/* energy/hopfield.c - Hopfield networks: storage (Hebb, Storkey), recall dynamics (asynchronous,
 * sequential, synchronous; T = 0 or Glauber), energy, overlaps and what a recall lands in, the
 * capacity curve, and the network's file (kind 4), in three files: this one (the network,
 * storage, the dynamics), hopfield_recall.c (overlaps, landings, corruption, evaluation, capacity)
 * and hopfield_file.c (save / load).
 *
 *   E(s) = -1/2 s^T W s - b^T s                       (Hopfield 1982)
 *   Hebb:    W += (1/N) x x^T, zero diagonal
 *   Storkey: W_ij += (1/N)(x_i x_j - x_i h_ji - h_ij x_j),  h_ij = sum_{k != i,j} W_ik x_k   (Storkey 1997)
 *   Glauber: P(s_i = +1) = sigmoid(2 f_i / T),  f_i = (W s)_i + b_i
 *
 * Owns: everything in the hopfield section of rnnlab.h. Does not own: pattern data sets
 * (lab.patterns, energy/patterns.c), drawing, the JS checks (wasm/hopfield.mjs names the JS
 * arguments; this file checks everything again with the same names). No learning rate and no
 * optimizer: storing is the learning, in closed form.
 *
 * Numbers: W and b are float; fields and energies are accumulated in double (see hopfield.h for
 * why the incremental fields are exact for Hebbian weights); random numbers only from rng.h
 * seeded by the caller's seed; the sigmoid is the engine's k_sigmoidf, so native and wasm runs give
 * the same bits.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "energy/hopfield.h"
#include "kernels/kernels.h"

rnnlab_status hop_fail(rnnlab_hopfield *h, rnnlab_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(h->err, sizeof h->err, st, fmt, ap);
  va_end(ap);
  return st;
}

/* splitmix-style mixing of a seed with two words: independent streams for (what, index). */
uint64_t hop_mix(uint64_t seed, uint64_t a, uint64_t b) {
  rng_state r;
  rng_seed(&r, seed ^ (a * 0xD1B54A32D192ED03ull) ^ (b * 0x8CB92BA72F3D8DD7ull));
  return rng_u64(&r);
}

/* ---- checks ---- */

/* first index of a value that is not -1 / +1 (allow_zero: or 0), or -1 */
int64_t hop_bad_value(const float *v, size_t n, int allow_zero) {
  for (size_t i = 0; i < n; i++) {
    const float x = v[i];
    if (!(x == 1.0f || x == -1.0f || (allow_zero && x == 0.0f))) return (int64_t)i;
  }
  return -1;
}

rnnlab_status hop_check_state(rnnlab_hopfield *h, const char *name, const float *s) {
  if (!s) return hop_fail(h, RNNLAB_EINVAL, "%s is NULL", name);
  const int64_t i = hop_bad_value(s, (size_t)h->N, 1);
  if (i >= 0) {
    if (isnan(s[i])) return hop_fail(h, RNNLAB_ENONFINITE, "%s[%lld] is NaN: a unit is -1 or +1 (or 0 for unknown)", name, (long long)i);
    return hop_fail(h, RNNLAB_EINVAL, "%s[%lld] = %g: a unit is -1 or +1 (or 0 for unknown)", name, (long long)i, (double)s[i]);
  }
  return RNNLAB_OK;
}

rnnlab_status hop_check_recall_config(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc) {
  if (!rc) return hop_fail(h, RNNLAB_EINVAL, "recall config is NULL");
  if (rc->update < RNNLAB_HOPFIELD_ASYNC || rc->update > RNNLAB_HOPFIELD_SYNC)
    return hop_fail(h, RNNLAB_EINVAL, "update must be 0 (async), 1 (sequential) or 2 (sync), got %d", rc->update);
  if (!(rc->temperature >= 0.0f) || !isfinite(rc->temperature))
    return hop_fail(h, RNNLAB_EINVAL, "temperature must be a finite number >= 0 (got %g)", (double)rc->temperature);
  if (rc->max_sweeps < 1 || rc->max_sweeps > RNNLAB_HOPFIELD_MAX_SWEEPS)
    return hop_fail(h, RNNLAB_EINVAL, "maxSweeps must be in 1..%d (got %d)", RNNLAB_HOPFIELD_MAX_SWEEPS, rc->max_sweeps);
  if (rc->record != 0 && rc->record != 1) return hop_fail(h, RNNLAB_EINVAL, "record must be 0 or 1 (got %d)", rc->record);
  const int64_t most = (int64_t)rc->max_sweeps * (rc->update == RNNLAB_HOPFIELD_SYNC ? 1 : h->N);
  if (rc->record && most > RNNLAB_HOPFIELD_MAX_TRACE)
    return hop_fail(h, RNNLAB_EINVAL, "maxSweeps: a recorded recall of up to %lld updates exceeds the trace limit of %d (fewer sweeps, or record: false)",
                    (long long)most, RNNLAB_HOPFIELD_MAX_TRACE);
  if (rc->tolerance < 0 || rc->tolerance > h->N)
    return hop_fail(h, RNNLAB_EINVAL, "tolerance must be in 0..%d units (got %d)", h->N, rc->tolerance);
  return RNNLAB_OK;
}

/* ---- create, free, accessors ---- */

rnnlab_status rnnlab_hopfield_create(int32_t size, int32_t rule, int32_t bias, uint32_t seed_lo, uint32_t seed_hi,
                                     rnnlab_hopfield **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out is NULL");
  *out = NULL;
  if (size < RNNLAB_HOPFIELD_MIN_SIZE || size > RNNLAB_HOPFIELD_MAX_SIZE)
    return status_fail(err, errlen, RNNLAB_EINVAL, "size must be in %d..%d units (got %d): the weights are size x size floats",
                       RNNLAB_HOPFIELD_MIN_SIZE, RNNLAB_HOPFIELD_MAX_SIZE, size);
  if (rule != RNNLAB_HOPFIELD_HEBB && rule != RNNLAB_HOPFIELD_STORKEY)
    return status_fail(err, errlen, RNNLAB_EINVAL, "rule must be 0 (hebb) or 1 (storkey), got %d", rule);
  if (bias != RNNLAB_HOPFIELD_BIAS_NONE && bias != RNNLAB_HOPFIELD_BIAS_MEAN)
    return status_fail(err, errlen, RNNLAB_EINVAL, "bias must be 0 (none) or 1 (the patterns' mean), got %d", bias);
  rnnlab_hopfield *h = calloc(1, sizeof *h);
  if (!h) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for a Hopfield network");
  const size_t N = (size_t)size;
  h->N = size, h->rule = rule, h->bias_mode = h->bias_initial = bias;
  h->seed = (uint64_t)seed_hi << 32 | seed_lo;
  h->W = calloc(N * N, sizeof *h->W);
  h->b = calloc(N, sizeof *h->b);
  h->colsum = calloc(N, sizeof *h->colsum);
  h->h = malloc(N * sizeof *h->h);
  h->h2 = malloc(N * sizeof *h->h2);
  h->s = malloc(3 * N);
  h->order = malloc(N * sizeof *h->order);
  if (!h->W || !h->b || !h->colsum || !h->h || !h->h2 || !h->s || !h->order) {
    rnnlab_hopfield_free(h);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for %d x %d weights", size, size);
  }
  h->s1 = h->s + N, h->s2 = h->s + 2 * N;
  *out = h;
  return RNNLAB_OK;
}

void rnnlab_hopfield_free(rnnlab_hopfield *h) {
  if (!h) return;
  free(h->W), free(h->b), free(h->colsum), free(h->X), free(h->h), free(h->h2), free(h->s), free(h->order);
  free(h->tr_energy), free(h->tr_flips);
  free(h);
}

const char *rnnlab_hopfield_error(const rnnlab_hopfield *h) { return h ? h->err : "hopfield is NULL"; }
int32_t rnnlab_hopfield_size(const rnnlab_hopfield *h) { return h ? h->N : 0; }
int32_t rnnlab_hopfield_get_rule(const rnnlab_hopfield *h) { return h ? h->rule : -1; }
int32_t rnnlab_hopfield_bias_mode(const rnnlab_hopfield *h) { return h ? h->bias_mode : -1; }
int32_t rnnlab_hopfield_stored(const rnnlab_hopfield *h) { return h ? h->P : 0; }
int32_t rnnlab_hopfield_steps(const rnnlab_hopfield *h) { return h ? h->steps : 0; }
void rnnlab_hopfield_seed(const rnnlab_hopfield *h, uint32_t *lo_hi) {
  if (!h || !lo_hi) return;
  lo_hi[0] = (uint32_t)h->seed, lo_hi[1] = (uint32_t)(h->seed >> 32);
}

/* ---- fields and energy ---- */

/* f (N) = W s in double (no bias). s may hold zeros. */
void hop_fields(const rnnlab_hopfield *h, const int8_t *s, double *f) {
  const int N = h->N;
  for (int i = 0; i < N; i++) {
    const float *w = h->W + (size_t)i * N;
    double acc = 0.0;
    for (int j = 0; j < N; j++) acc += (double)w[j] * (double)s[j];
    f[i] = acc;
  }
}

/* E = -1/2 s.f - b.s from the fields f = W s */
double hop_energy_from_fields(const rnnlab_hopfield *h, const int8_t *s, const double *f) {
  double quad = 0.0, lin = 0.0;
  for (int i = 0; i < h->N; i++) {
    quad += (double)s[i] * f[i];
    lin += (double)h->b[i] * (double)s[i];
  }
  return -0.5 * quad - lin;
}

/* f += dv * (row u of W) (= column u: W is symmetric): unit u changed by dv */
void hop_fields_add(const rnnlab_hopfield *h, double *f, int u, int dv) {
  const float *w = h->W + (size_t)u * h->N;
  const double d = (double)dv;
  for (int j = 0; j < h->N; j++) f[j] += (double)w[j] * d;
}

void hop_to_int8(const float *v, int8_t *s, int N) {
  for (int i = 0; i < N; i++) s[i] = (int8_t)(v[i] > 0.0f ? 1 : v[i] < 0.0f ? -1 : 0);
}

rnnlab_status rnnlab_hopfield_energy(rnnlab_hopfield *h, const float *state, double *out) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  rnnlab_status st = hop_check_state(h, "state", state);
  if (st) return st;
  if (!out) return hop_fail(h, RNNLAB_EINVAL, "out is NULL");
  hop_to_int8(state, h->s, h->N);
  hop_fields(h, h->s, h->h);
  *out = hop_energy_from_fields(h, h->s, h->h);
  return RNNLAB_OK;
}

/* ---- storage ---- */

static void hop_update_bias(rnnlab_hopfield *h) {
  if (h->bias_mode != RNNLAB_HOPFIELD_BIAS_MEAN) return;
  for (int i = 0; i < h->N; i++) h->b[i] = h->P ? (float)h->colsum[i] / (float)h->P : 0.0f;
}

/* Hebb: W_ij += x_i x_j / N for j != i. Each (i, j) and (j, i) get the same operation on the same
 * old value, so W stays exactly symmetric. */
static void hop_store_hebb(rnnlab_hopfield *h, const int8_t *x) {
  const int N = h->N;
  const float inv = 1.0f / (float)N;
  for (int i = 0; i < N; i++) {
    float *w = h->W + (size_t)i * N;
    const float xi = (float)x[i] * inv;
    for (int j = 0; j < N; j++) w[j] += xi * (float)x[j];
    w[i] = 0.0f;
  }
}

/* Storkey 1997 with the zero diagonal:
 *   h_i = sum_k W_ik x_k,  h_ij = h_i - W_ij x_j,
 *   W_ij += (1/N) (x_i x_j - x_i h_ji - h_ij x_j) = (1/N) (x_i x_j - (x_i h_j + h_i x_j) + 2 W_ij).
 * Computed in double from the old float W_ij and rounded once; the expression is symmetric in
 * (i, j) operation by operation (x_i h_j + h_i x_j commutes exactly), so W stays exactly symmetric. */
static void hop_store_storkey(rnnlab_hopfield *h, const int8_t *x) {
  const int N = h->N;
  const double inv = 1.0 / (double)N;
  double *f = h->h2;
  hop_fields(h, x, f);
  for (int i = 0; i < N; i++) {
    float *w = h->W + (size_t)i * N;
    const double xi = (double)x[i], fi = f[i];
    for (int j = 0; j < N; j++) {
      const double xj = (double)x[j], wij = (double)w[j];
      const double d = (xi * xj - (xi * f[j] + fi * xj) + 2.0 * wij) * inv;
      w[j] = (float)(wij + d);
    }
    w[i] = 0.0f;
  }
}

rnnlab_status rnnlab_hopfield_store(rnnlab_hopfield *h, const float *patterns, int32_t rows) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  const size_t N = (size_t)h->N;
  if (rows < 1) return hop_fail(h, RNNLAB_EINVAL, "patterns: need at least one pattern (rows = %d)", rows);
  if (!patterns) return hop_fail(h, RNNLAB_EINVAL, "patterns is NULL");
  if ((int64_t)(h->P + (int64_t)rows) * (int64_t)N > RNNLAB_HOPFIELD_MAX_STORED)
    return hop_fail(h, RNNLAB_EINVAL, "patterns: %d stored + %d new patterns of %d units exceed the limit of %d stored units",
                    h->P, rows, h->N, RNNLAB_HOPFIELD_MAX_STORED);
  const int64_t bad = hop_bad_value(patterns, (size_t)rows * N, 0);
  if (bad >= 0) {
    const float v = patterns[bad];
    const long long r = (long long)(bad / (int64_t)N), u = (long long)(bad % (int64_t)N);
    if (isnan(v)) return hop_fail(h, RNNLAB_ENONFINITE, "patterns[%lld] (pattern %lld, unit %lld) is NaN: units are -1 or +1", (long long)bad, r, u);
    return hop_fail(h, RNNLAB_EINVAL, "patterns[%lld] (pattern %lld, unit %lld) = %g: units are -1 or +1%s", (long long)bad, r, u,
                    (double)v, v == 0.0f ? " (map 0/1 data with 2x - 1)" : "");
  }
  const size_t need = (size_t)h->P + (size_t)rows;
  if (need > h->cap_P) {
    size_t cap = h->cap_P ? h->cap_P : 8;
    while (cap < need) cap *= 2;
    int8_t *X = realloc(h->X, cap * N);
    if (!X) return hop_fail(h, RNNLAB_ENOMEM, "out of memory for %zu stored patterns of %d units", need, h->N);
    h->X = X, h->cap_P = cap;
  }
  for (int32_t r = 0; r < rows; r++) {
    int8_t *x = h->X + (size_t)h->P * N;
    hop_to_int8(patterns + (size_t)r * N, x, h->N);
    if (h->rule == RNNLAB_HOPFIELD_STORKEY) hop_store_storkey(h, x);
    else hop_store_hebb(h, x);
    for (size_t i = 0; i < N; i++) h->colsum[i] += x[i];
    h->P++;
  }
  hop_update_bias(h);
  if (h->steps < INT32_MAX) h->steps++;
  return RNNLAB_OK;
}

void rnnlab_hopfield_clear(rnnlab_hopfield *h) {
  if (!h) return;
  const size_t N = (size_t)h->N;
  memset(h->W, 0, N * N * sizeof *h->W);
  memset(h->b, 0, N * sizeof *h->b);
  memset(h->colsum, 0, N * sizeof *h->colsum);
  h->P = 0;
  h->bias_mode = h->bias_initial;
  h->err[0] = 0;
}

rnnlab_status rnnlab_hopfield_get_weights(const rnnlab_hopfield *h, float *weight, float *bias) {
  if (!h) return RNNLAB_EINVAL;
  if (weight) memcpy(weight, h->W, (size_t)h->N * (size_t)h->N * sizeof *weight);
  if (bias) memcpy(bias, h->b, (size_t)h->N * sizeof *bias);
  return RNNLAB_OK;
}

/* NULL when W is a Hopfield net's weights (finite, symmetric, zero diagonal), else writes the
 * message into h and returns the status */
rnnlab_status hop_check_weights(rnnlab_hopfield *h, const float *w, const char *name) {
  const int N = h->N;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      const float v = w[(size_t)i * N + j];
      if (!isfinite(v)) return hop_fail(h, RNNLAB_ENONFINITE, "%s[%lld] (row %d, column %d) is not finite (%g)", name, (long long)i * N + j, i, j, (double)v);
      if (i == j && v != 0.0f) return hop_fail(h, RNNLAB_EINVAL, "%s[%lld] = %g: the diagonal of a Hopfield net's weights is 0 (no self-coupling)", name, (long long)i * N + j, (double)v);
      if (j > i && v != w[(size_t)j * N + i])
        return hop_fail(h, RNNLAB_EINVAL, "%s is not symmetric: %s[%d][%d] = %g but %s[%d][%d] = %g (a Hopfield net's weights are symmetric)",
                        name, name, i, j, (double)v, name, j, i, (double)w[(size_t)j * N + i]);
    }
  return RNNLAB_OK;
}

rnnlab_status rnnlab_hopfield_set_weights(rnnlab_hopfield *h, const float *weight, const float *bias) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  const size_t N = (size_t)h->N;
  if (weight) {
    rnnlab_status st = hop_check_weights(h, weight, "weight");
    if (st) return st;
  }
  if (bias)
    for (size_t i = 0; i < N; i++)
      if (!isfinite(bias[i])) return hop_fail(h, RNNLAB_ENONFINITE, "bias[%zu] is not finite (%g)", i, (double)bias[i]);
  if (weight) memcpy(h->W, weight, N * N * sizeof *h->W);
  if (bias) {
    memcpy(h->b, bias, N * sizeof *h->b);
    h->bias_mode = RNNLAB_HOPFIELD_BIAS_FIXED;
  }
  return RNNLAB_OK;
}

rnnlab_status rnnlab_hopfield_get_patterns(const rnnlab_hopfield *h, int8_t *out) {
  if (!h || (!out && h->P)) return RNNLAB_EINVAL;
  if (h->P) memcpy(out, h->X, (size_t)h->P * (size_t)h->N);
  return RNNLAB_OK;
}

/* ---- dynamics ---- */

/* The new value of a unit with field f (bias included), from s: T = 0 sign with ties kept (an
 * unknown unit becomes +1), T > 0 a Glauber coin. */
static int hop_decide(double f, int s, float T, rng_state *rng) {
  if (T == 0.0f) return f > 0.0 ? 1 : f < 0.0 ? -1 : (s ? s : 1);
  double a = 2.0 * f / (double)T;
  a = a > 88.0 ? 88.0 : a < -88.0 ? -88.0 : a;
  return rng_uniform(rng) < k_sigmoidf((float)a) ? 1 : -1;
}

static rnnlab_status hop_grow(rnnlab_hopfield *h, void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return RNNLAB_OK;
  size_t c = *cap ? *cap : 1024;
  while (c < need) c *= 2;
  void *q = realloc(*p, c * elem);
  if (!q) return hop_fail(h, RNNLAB_ENOMEM, "out of memory for a recall trace of %zu entries", need);
  *p = q, *cap = c;
  return RNNLAB_OK;
}

static rnnlab_status hop_record_energy(rnnlab_hopfield *h, double E) {
  rnnlab_status st = hop_grow(h, (void **)&h->tr_energy, &h->cap_energy, (size_t)h->n_energy + 1, sizeof *h->tr_energy);
  if (st) return st;
  h->tr_energy[h->n_energy++] = (float)E;
  return RNNLAB_OK;
}

static rnnlab_status hop_record_flip(rnnlab_hopfield *h, int32_t at, int32_t unit, int32_t value) {
  rnnlab_status st = hop_grow(h, (void **)&h->tr_flips, &h->cap_flips, 3 * ((size_t)h->n_flips + 1), sizeof *h->tr_flips);
  if (st) return st;
  int32_t *f = h->tr_flips + 3 * (size_t)h->n_flips;
  f[0] = at, f[1] = unit, f[2] = value;
  h->n_flips++;
  return RNNLAB_OK;
}

/* The dynamics on h->s (int8, may hold zeros) in place. Uses h->h (fields W s, already computed
 * when have_fields), and h->s1/s2 for the synchronous update. record: append to the trace.
 * exact_final: r->energy from scratch (else from the fields kept along the way). */
rnnlab_status hop_run(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc, int record, int have_fields,
                             int exact_final, rnnlab_hopfield_recall_result *r) {
  const int N = h->N;
  const float T = rc->temperature;
  int8_t *s = h->s;
  double *f = h->h;
  rng_state rng;
  rng_seed(&rng, (uint64_t)rc->seed_hi << 32 | rc->seed_lo);
  if (!have_fields) hop_fields(h, s, f);
  double E = hop_energy_from_fields(h, s, f);
  rnnlab_status st = RNNLAB_OK;
  if (record) {
    h->n_energy = 0, h->n_flips = 0;
    if ((st = hop_record_energy(h, E))) return st;
  }
  int32_t updates = 0, flips = 0, sweep = 0, converged = 0, period = 0;
  for (int i = 0; i < N; i++) h->order[i] = i;
  while (sweep < rc->max_sweeps && !converged && !period) {
    sweep++;
    int changed = 0;
    if (rc->update != RNNLAB_HOPFIELD_SYNC) {
      if (rc->update == RNNLAB_HOPFIELD_ASYNC) /* a fresh Fisher-Yates permutation of 0..N-1 */
        for (int i = N - 1; i > 0; i--) {
          const int j = (int)rng_below(&rng, (uint32_t)i + 1);
          const int32_t t = h->order[i];
          h->order[i] = h->order[j], h->order[j] = t;
        }
      for (int k = 0; k < N; k++) {
        const int i = h->order[k];
        const double fi = f[i] + (double)h->b[i];
        const int v = hop_decide(fi, s[i], T, &rng);
        updates++;
        if (v != s[i]) {
          const int dv = v - s[i];
          E -= (double)dv * fi; /* dE = -dv (W s + b)_i: the zero diagonal keeps s_i out of its own field */
          hop_fields_add(h, f, i, dv);
          s[i] = (int8_t)v;
          changed++, flips++;
          if (record && (st = hop_record_flip(h, updates, i, v))) return st;
        }
        if (record && (st = hop_record_energy(h, E))) return st;
      }
    } else {
      /* s: the state after sweep t - 1; s1: after t - 2 (set by the previous sweep); next: after t */
      int8_t *next = h->s2;
      for (int i = 0; i < N; i++) next[i] = (int8_t)hop_decide(f[i] + (double)h->b[i], s[i], T, &rng);
      const int check_cycle = T == 0.0f && sweep >= 2;
      int same_as_two_back = check_cycle;
      if (check_cycle)
        for (int i = 0; i < N && same_as_two_back; i++) same_as_two_back = next[i] == h->s1[i];
      /* s1 <- the state after t - 1: two sweeps back when sweep t + 1 compares */
      memcpy(h->s1, s, (size_t)N);
      updates++;
      for (int i = 0; i < N; i++)
        if (next[i] != s[i]) {
          hop_fields_add(h, f, i, next[i] - s[i]);
          s[i] = next[i];
          changed++, flips++;
          if (record && (st = hop_record_flip(h, updates, i, next[i]))) return st;
        }
      E = hop_energy_from_fields(h, s, f);
      if (record && (st = hop_record_energy(h, E))) return st;
      if (changed && same_as_two_back) period = 2;
    }
    if (!changed) converged = 1, period = 1;
  }
  r->sweeps = sweep, r->converged = converged, r->period = period, r->updates = updates, r->flips = flips;
  if (exact_final) hop_fields(h, s, f); /* the final energy from scratch */
  r->energy = (float)hop_energy_from_fields(h, s, f);
  return RNNLAB_OK;
}

/* ---- layouts ---- */

#define HOP_OFF(T, f) (int32_t) offsetof(T, f)
int32_t rnnlab_hopfield_layout(int32_t what, int32_t field) {
  static const int32_t recall_config[] = {
    HOP_OFF(rnnlab_hopfield_recall_config, update), HOP_OFF(rnnlab_hopfield_recall_config, temperature),
    HOP_OFF(rnnlab_hopfield_recall_config, max_sweeps), HOP_OFF(rnnlab_hopfield_recall_config, seed_lo),
    HOP_OFF(rnnlab_hopfield_recall_config, seed_hi), HOP_OFF(rnnlab_hopfield_recall_config, record),
    HOP_OFF(rnnlab_hopfield_recall_config, tolerance)};
  static const int32_t recall_result[] = {
    HOP_OFF(rnnlab_hopfield_recall_result, sweeps), HOP_OFF(rnnlab_hopfield_recall_result, converged),
    HOP_OFF(rnnlab_hopfield_recall_result, period), HOP_OFF(rnnlab_hopfield_recall_result, updates),
    HOP_OFF(rnnlab_hopfield_recall_result, flips), HOP_OFF(rnnlab_hopfield_recall_result, energy),
    HOP_OFF(rnnlab_hopfield_recall_result, landing.landed), HOP_OFF(rnnlab_hopfield_recall_result, landing.index[0]),
    HOP_OFF(rnnlab_hopfield_recall_result, landing.index[1]), HOP_OFF(rnnlab_hopfield_recall_result, landing.index[2]),
    HOP_OFF(rnnlab_hopfield_recall_result, landing.sign[0]), HOP_OFF(rnnlab_hopfield_recall_result, landing.sign[1]),
    HOP_OFF(rnnlab_hopfield_recall_result, landing.sign[2]), HOP_OFF(rnnlab_hopfield_recall_result, landing.distance)};
  static const int32_t evaluation[] = {
    HOP_OFF(rnnlab_hopfield_evaluation, overlap), HOP_OFF(rnnlab_hopfield_evaluation, overlap_sd),
    HOP_OFF(rnnlab_hopfield_evaluation, recalled), HOP_OFF(rnnlab_hopfield_evaluation, bit_errors),
    HOP_OFF(rnnlab_hopfield_evaluation, stable), HOP_OFF(rnnlab_hopfield_evaluation, probes)};
  static const int32_t capacity_config[] = {
    HOP_OFF(rnnlab_hopfield_capacity_config, size), HOP_OFF(rnnlab_hopfield_capacity_config, rule),
    HOP_OFF(rnnlab_hopfield_capacity_config, trials), HOP_OFF(rnnlab_hopfield_capacity_config, probes),
    HOP_OFF(rnnlab_hopfield_capacity_config, update), HOP_OFF(rnnlab_hopfield_capacity_config, max_sweeps),
    HOP_OFF(rnnlab_hopfield_capacity_config, noise), HOP_OFF(rnnlab_hopfield_capacity_config, temperature),
    HOP_OFF(rnnlab_hopfield_capacity_config, seed_lo), HOP_OFF(rnnlab_hopfield_capacity_config, seed_hi)};
  static const int32_t capacity_point[] = {
    HOP_OFF(rnnlab_hopfield_capacity_point, alpha), HOP_OFF(rnnlab_hopfield_capacity_point, patterns),
    HOP_OFF(rnnlab_hopfield_capacity_point, eval.overlap), HOP_OFF(rnnlab_hopfield_capacity_point, eval.overlap_sd),
    HOP_OFF(rnnlab_hopfield_capacity_point, eval.recalled), HOP_OFF(rnnlab_hopfield_capacity_point, eval.bit_errors),
    HOP_OFF(rnnlab_hopfield_capacity_point, eval.stable), HOP_OFF(rnnlab_hopfield_capacity_point, eval.probes)};
  static const struct { const int32_t *off; int32_t n, size; } tables[] = {
    {recall_config, 7, (int32_t)sizeof(rnnlab_hopfield_recall_config)},
    {recall_result, 14, (int32_t)sizeof(rnnlab_hopfield_recall_result)},
    {evaluation, 6, (int32_t)sizeof(rnnlab_hopfield_evaluation)},
    {capacity_config, 10, (int32_t)sizeof(rnnlab_hopfield_capacity_config)},
    {capacity_point, 8, (int32_t)sizeof(rnnlab_hopfield_capacity_point)},
  };
  if (what < 0 || what >= (int32_t)(sizeof tables / sizeof tables[0])) return -1;
  if (field < 0) return tables[what].size;
  return field < tables[what].n ? tables[what].off[field] : -1;
}
