/* energy/hopfield.c - Hopfield networks: storage (Hebb, Storkey), recall dynamics (asynchronous,
 * sequential, synchronous; T = 0 or Glauber), energy, overlaps and what a recall lands in, the
 * capacity curve, and the network's file (kind 4).
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

#define HOP_KIND 4u
#define HOP_VERSION 1u
#define HOP_HEADER_LEN 56u
#define HOP_CRC_LEN 4u

static const uint8_t hop_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, HOP_KIND};

static rnnlab_status hop_fail(rnnlab_hopfield *h, rnnlab_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(h->err, sizeof h->err, st, fmt, ap);
  va_end(ap);
  return st;
}

/* splitmix-style mixing of a seed with two words: independent streams for (what, index). */
static uint64_t hop_mix(uint64_t seed, uint64_t a, uint64_t b) {
  rng_state r;
  rng_seed(&r, seed ^ (a * 0xD1B54A32D192ED03ull) ^ (b * 0x8CB92BA72F3D8DD7ull));
  return rng_u64(&r);
}

/* ---- checks ---- */

/* first index of a value that is not -1 / +1 (allow_zero: or 0), or -1 */
static int64_t hop_bad_value(const float *v, size_t n, int allow_zero) {
  for (size_t i = 0; i < n; i++) {
    const float x = v[i];
    if (!(x == 1.0f || x == -1.0f || (allow_zero && x == 0.0f))) return (int64_t)i;
  }
  return -1;
}

static rnnlab_status hop_check_state(rnnlab_hopfield *h, const char *name, const float *s) {
  if (!s) return hop_fail(h, RNNLAB_EINVAL, "%s is NULL", name);
  const int64_t i = hop_bad_value(s, (size_t)h->N, 1);
  if (i >= 0) {
    if (isnan(s[i])) return hop_fail(h, RNNLAB_ENONFINITE, "%s[%lld] is NaN: a unit is -1 or +1 (or 0 for unknown)", name, (long long)i);
    return hop_fail(h, RNNLAB_EINVAL, "%s[%lld] = %g: a unit is -1 or +1 (or 0 for unknown)", name, (long long)i, (double)s[i]);
  }
  return RNNLAB_OK;
}

static rnnlab_status hop_check_recall_config(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc) {
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
static void hop_fields(const rnnlab_hopfield *h, const int8_t *s, double *f) {
  const int N = h->N;
  for (int i = 0; i < N; i++) {
    const float *w = h->W + (size_t)i * N;
    double acc = 0.0;
    for (int j = 0; j < N; j++) acc += (double)w[j] * (double)s[j];
    f[i] = acc;
  }
}

/* E = -1/2 s.f - b.s from the fields f = W s */
static double hop_energy_from_fields(const rnnlab_hopfield *h, const int8_t *s, const double *f) {
  double quad = 0.0, lin = 0.0;
  for (int i = 0; i < h->N; i++) {
    quad += (double)s[i] * f[i];
    lin += (double)h->b[i] * (double)s[i];
  }
  return -0.5 * quad - lin;
}

/* f += dv * (row u of W) (= column u: W is symmetric): unit u changed by dv */
static void hop_fields_add(const rnnlab_hopfield *h, double *f, int u, int dv) {
  const float *w = h->W + (size_t)u * h->N;
  const double d = (double)dv;
  for (int j = 0; j < h->N; j++) f[j] += (double)w[j] * d;
}

static void hop_to_int8(const float *v, int8_t *s, int N) {
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
static rnnlab_status hop_check_weights(rnnlab_hopfield *h, const float *w, const char *name) {
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
static rnnlab_status hop_run(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc, int record, int have_fields,
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

/* ---- overlaps and classification ---- */

static void hop_dots(const rnnlab_hopfield *h, const int8_t *s, int32_t *dot) {
  const size_t N = (size_t)h->N;
  for (int32_t mu = 0; mu < h->P; mu++) {
    const int8_t *x = h->X + (size_t)mu * N;
    int32_t d = 0;
    for (size_t i = 0; i < N; i++) d += x[i] * s[i];
    dot[mu] = d;
  }
}

/* units where s differs from sign(sa xa + sb xb + sc xc), stopping once more than limit */
static int hop_mixture_distance(const int8_t *s, const int8_t *xa, const int8_t *xb, const int8_t *xc, int sa, int sb,
                                int sc, int N, int limit) {
  int d = 0;
  for (int i = 0; i < N && d <= limit; i++) {
    const int m = sa * xa[i] + sb * xb[i] + sc * xc[i];
    d += (m > 0 ? 1 : -1) != s[i];
  }
  return d;
}

typedef struct { int32_t abs_dot, index; } hop_rank;
static int hop_rank_cmp(const void *a, const void *b) {
  const hop_rank *x = a, *y = b;
  if (x->abs_dot != y->abs_dot) return x->abs_dot > y->abs_dot ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* s: +-1 (N). dot: the P overlaps times N. */
static rnnlab_status hop_classify(rnnlab_hopfield *h, const int8_t *s, const int32_t *dot, int tol, rnnlab_hopfield_landing *out) {
  const int N = h->N, P = h->P;
  out->landed = RNNLAB_HOPFIELD_LANDED_NONE;
  for (int k = 0; k < 3; k++) out->index[k] = -1, out->sign[k] = 0;
  out->distance = 0;
  if (!P) return RNNLAB_OK;
  /* a pattern or its negation: differing units = (N -+ dot) / 2 for a +-1 state */
  int best = 0;
  for (int mu = 1; mu < P; mu++)
    if (abs(dot[mu]) > abs(dot[best])) best = mu;
  const int dist = (N - abs(dot[best])) / 2;
  if (dist <= tol) {
    out->landed = dot[best] >= 0 ? RNNLAB_HOPFIELD_LANDED_PATTERN : RNNLAB_HOPFIELD_LANDED_NEGATION;
    out->index[0] = best, out->sign[0] = dot[best] >= 0 ? 1 : -1, out->distance = dist;
    return RNNLAB_OK;
  }
  /* a mixture sign(sa xa + sb xb + sc xc) = m: sum_i m_i (sa xa + sb xb + sc xc)_i = sum_i |...| >= N, and
   * each unit where s differs from m lowers sum_i s_i (...)_i by at most 6, so a candidate needs
   * sa dot_a + sb dot_b + sc dot_c >= N - 6 tol. Ranked by |dot|, the loops stop once even the
   * largest remaining |dot|s cannot reach that. */
  if (P >= 3) {
    hop_rank *rank = malloc((size_t)P * sizeof *rank);
    if (!rank) return hop_fail(h, RNNLAB_ENOMEM, "out of memory classifying a state against %d patterns", P);
    for (int mu = 0; mu < P; mu++) rank[mu].abs_dot = abs(dot[mu]), rank[mu].index = mu;
    qsort(rank, (size_t)P, sizeof *rank, hop_rank_cmp);
    const int64_t need = (int64_t)N - 6 * (int64_t)tol;
    int found = 0;
    for (int a = 0; a + 2 < P && !found; a++) {
      if ((int64_t)rank[a].abs_dot + rank[a + 1].abs_dot + rank[a + 2].abs_dot < need) break;
      for (int b = a + 1; b + 1 < P && !found; b++) {
        if ((int64_t)rank[a].abs_dot + rank[b].abs_dot + rank[b + 1].abs_dot < need) break;
        for (int c = b + 1; c < P && !found; c++) {
          if ((int64_t)rank[a].abs_dot + rank[b].abs_dot + rank[c].abs_dot < need) break;
          int idx[3] = {rank[a].index, rank[b].index, rank[c].index};
          /* ascending pattern order */
          for (int p = 0; p < 2; p++)
            for (int q = 0; q < 2 - p; q++)
              if (idx[q] > idx[q + 1]) { const int t = idx[q]; idx[q] = idx[q + 1], idx[q + 1] = t; }
          for (int sg = 0; sg < 8 && !found; sg++) {
            const int sa = sg & 1 ? -1 : 1, sb = sg & 2 ? -1 : 1, sc = sg & 4 ? -1 : 1;
            if ((int64_t)sa * dot[idx[0]] + (int64_t)sb * dot[idx[1]] + (int64_t)sc * dot[idx[2]] < need) continue;
            const int d = hop_mixture_distance(s, h->X + (size_t)idx[0] * N, h->X + (size_t)idx[1] * N,
                                               h->X + (size_t)idx[2] * N, sa, sb, sc, N, tol);
            if (d <= tol) {
              out->landed = RNNLAB_HOPFIELD_LANDED_MIXTURE;
              for (int k = 0; k < 3; k++) out->index[k] = idx[k];
              out->sign[0] = sa, out->sign[1] = sb, out->sign[2] = sc, out->distance = d;
              found = 1;
            }
          }
        }
      }
    }
    free(rank);
    if (found) return RNNLAB_OK;
  }
  out->landed = RNNLAB_HOPFIELD_LANDED_SPURIOUS;
  out->index[0] = best, out->sign[0] = dot[best] >= 0 ? 1 : -1, out->distance = dist;
  return RNNLAB_OK;
}

static rnnlab_status hop_overlaps_and_landing(rnnlab_hopfield *h, const int8_t *s, int tol, float *overlaps,
                                              rnnlab_hopfield_landing *landing) {
  int32_t *dot = h->P ? calloc((size_t)h->P, sizeof *dot) : NULL;
  if (h->P && !dot) return hop_fail(h, RNNLAB_ENOMEM, "out of memory for %d overlaps", h->P);
  hop_dots(h, s, dot);
  if (overlaps)
    for (int mu = 0; mu < h->P; mu++) overlaps[mu] = (float)dot[mu] / (float)h->N;
  rnnlab_status st = landing ? hop_classify(h, s, dot, tol, landing) : RNNLAB_OK;
  free(dot);
  return st;
}

rnnlab_status rnnlab_hopfield_recall(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc, const float *state,
                                     int8_t *out, float *overlaps, rnnlab_hopfield_recall_result *r) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  rnnlab_status st = hop_check_recall_config(h, rc);
  if (!st) st = hop_check_state(h, "state", state);
  if (st) return st;
  if (!out || !r) return hop_fail(h, RNNLAB_EINVAL, "out and result are required");
  hop_to_int8(state, h->s, h->N);
  if ((st = hop_run(h, rc, rc->record, 0, 1, r))) return st;
  memcpy(out, h->s, (size_t)h->N);
  return hop_overlaps_and_landing(h, h->s, rc->tolerance, overlaps, &r->landing);
}

const float *rnnlab_hopfield_trace_energy(const rnnlab_hopfield *h) { return h ? h->tr_energy : NULL; }
const int32_t *rnnlab_hopfield_trace_flips(const rnnlab_hopfield *h) { return h ? h->tr_flips : NULL; }

rnnlab_status rnnlab_hopfield_overlaps(rnnlab_hopfield *h, const float *state, float *out) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  rnnlab_status st = hop_check_state(h, "state", state);
  if (st) return st;
  if (!out && h->P) return hop_fail(h, RNNLAB_EINVAL, "out is NULL");
  hop_to_int8(state, h->s, h->N);
  return hop_overlaps_and_landing(h, h->s, 0, out, NULL);
}

rnnlab_status rnnlab_hopfield_classify(rnnlab_hopfield *h, const float *state, int32_t tolerance, rnnlab_hopfield_landing *out) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  if (!state) return hop_fail(h, RNNLAB_EINVAL, "state is NULL");
  const int64_t bad = hop_bad_value(state, (size_t)h->N, 0);
  if (bad >= 0) return hop_fail(h, isnan(state[bad]) ? RNNLAB_ENONFINITE : RNNLAB_EINVAL, "state[%lld] = %g: a state to classify has units -1 or +1", (long long)bad, (double)state[bad]);
  if (tolerance < 0 || tolerance > h->N) return hop_fail(h, RNNLAB_EINVAL, "tolerance must be in 0..%d units (got %d)", h->N, tolerance);
  if (!out) return hop_fail(h, RNNLAB_EINVAL, "out is NULL");
  hop_to_int8(state, h->s, h->N);
  return hop_overlaps_and_landing(h, h->s, tolerance, NULL, out);
}

/* units of s (N, zeros allowed) a T = 0 update would change, with the fields f (N, bias included) */
static int32_t hop_unstable(const int8_t *s, const double *f, int N) {
  int32_t n = 0;
  for (int i = 0; i < N; i++) n += s[i] == 0 || (f[i] > 0.0 && s[i] < 0) || (f[i] < 0.0 && s[i] > 0);
  return n;
}

rnnlab_status rnnlab_hopfield_stability(rnnlab_hopfield *h, const float *states, int32_t rows, float *fields,
                                        float *energies, int32_t *unstable) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  const int N = h->N;
  if (!states) rows = h->P;
  else if (rows < 1) return hop_fail(h, RNNLAB_EINVAL, "states: need at least one row (rows = %d)", rows);
  if (states) {
    const int64_t bad = hop_bad_value(states, (size_t)rows * (size_t)N, 1);
    if (bad >= 0)
      return hop_fail(h, isnan(states[bad]) ? RNNLAB_ENONFINITE : RNNLAB_EINVAL, "states[%lld] (row %lld, unit %lld) = %g: a unit is -1 or +1 (or 0 for unknown)",
                      (long long)bad, (long long)(bad / N), (long long)(bad % N), (double)states[bad]);
  }
  int64_t total = 0;
  for (int32_t r = 0; r < rows; r++) {
    int8_t *s = h->s;
    if (states) hop_to_int8(states + (size_t)r * N, s, N);
    else memcpy(s, h->X + (size_t)r * N, (size_t)N);
    hop_fields(h, s, h->h);
    if (energies) energies[r] = (float)hop_energy_from_fields(h, s, h->h);
    for (int i = 0; i < N; i++) h->h[i] += (double)h->b[i];
    if (fields)
      for (int i = 0; i < N; i++) fields[(size_t)r * N + i] = (float)h->h[i];
    total += hop_unstable(s, h->h, N);
  }
  if (unstable) *unstable = total > INT32_MAX ? INT32_MAX : (int32_t)total;
  return RNNLAB_OK;
}

/* ---- corruption, evaluation, capacity ---- */

static int hop_count(float frac, int N) { return (int)floor((double)frac * (double)N + 0.5); }

/* flips nflip distinct units of s and erases nerase others, drawn by a partial Fisher-Yates
 * shuffle over perm (N scratch) */
static void hop_corrupt_units(int8_t *s, int N, int nflip, int nerase, int32_t *perm, rng_state *rng) {
  for (int i = 0; i < N; i++) perm[i] = i;
  const int n = nflip + nerase;
  for (int k = 0; k < n && k < N; k++) {
    const int j = k + (int)rng_below(rng, (uint32_t)(N - k));
    const int32_t t = perm[k];
    perm[k] = perm[j], perm[j] = t;
    if (k < nflip) s[perm[k]] = (int8_t)-s[perm[k]];
    else s[perm[k]] = 0;
  }
}

static rnnlab_status hop_check_fractions(rnnlab_hopfield *h, const char *fname, float flip, float erase) {
  if (!(flip >= 0.0f && flip <= 1.0f)) return hop_fail(h, RNNLAB_EINVAL, "%s must be in [0, 1] (got %g)", fname, (double)flip);
  if (!(erase >= 0.0f && erase <= 1.0f)) return hop_fail(h, RNNLAB_EINVAL, "erase must be in [0, 1] (got %g)", (double)erase);
  if (hop_count(flip, h->N) + hop_count(erase, h->N) > h->N)
    return hop_fail(h, RNNLAB_EINVAL, "%s + erase must be at most 1 (got %g + %g)", fname, (double)flip, (double)erase);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_hopfield_corrupt(rnnlab_hopfield *h, const float *state, float flip, float erase, uint32_t seed_lo,
                                      uint32_t seed_hi, int8_t *out) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  rnnlab_status st = hop_check_state(h, "state", state);
  if (!st) st = hop_check_fractions(h, "flip", flip, erase);
  if (st) return st;
  if (!out) return hop_fail(h, RNNLAB_EINVAL, "out is NULL");
  rng_state rng;
  rng_seed(&rng, (uint64_t)seed_hi << 32 | seed_lo);
  hop_to_int8(state, out, h->N);
  hop_corrupt_units(out, h->N, hop_count(flip, h->N), hop_count(erase, h->N), h->order, &rng);
  return RNNLAB_OK;
}

/* probes rows patterns X (rows, N, int8 +-1); the stable fraction is of these rows */
static rnnlab_status hop_evaluate_rows(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc, const int8_t *X,
                                       int32_t rows, float noise, float erase, double acc[5]) {
  const int N = h->N;
  const uint64_t seed = (uint64_t)rc->seed_hi << 32 | rc->seed_lo;
  rnnlab_hopfield_recall_config one = *rc;
  one.record = 0;
  const int nflip = hop_count(noise, N), nerase = hop_count(erase, N);
  int32_t *perm = malloc((size_t)N * sizeof *perm);
  if (!perm) return hop_fail(h, RNNLAB_ENOMEM, "out of memory for an evaluation");
  for (int32_t r = 0; r < rows; r++) {
    const int8_t *x = X + (size_t)r * N;
    int8_t *s = h->s;
    double *f = h->h;
    memcpy(s, x, (size_t)N);
    hop_fields(h, s, f);
    int32_t unstable = 0; /* the pattern's units a T = 0 update would change */
    for (int i = 0; i < N; i++) {
      const double fi = f[i] + (double)h->b[i];
      unstable += (fi > 0.0 && s[i] < 0) || (fi < 0.0 && s[i] > 0);
    }
    acc[4] += N - unstable;
    rng_state rng;
    rng_seed(&rng, hop_mix(seed, 1, (uint64_t)r));
    hop_corrupt_units(s, N, nflip, nerase, perm, &rng);
    for (int i = 0; i < N; i++) /* the corrupted state's fields, unit by unit */
      if (s[i] != x[i]) hop_fields_add(h, f, i, s[i] - x[i]);
    const uint64_t rs = hop_mix(seed, 2, (uint64_t)r);
    one.seed_lo = (uint32_t)rs, one.seed_hi = (uint32_t)(rs >> 32);
    rnnlab_hopfield_recall_result res;
    rnnlab_status st = hop_run(h, &one, 0, 1, 0, &res);
    if (st) { free(perm); return st; }
    int32_t dot = 0, diff = 0;
    for (int i = 0; i < N; i++) dot += x[i] * s[i], diff += x[i] != s[i];
    const double m = (double)dot / N;
    acc[0] += m, acc[1] += m * m, acc[2] += diff == 0, acc[3] += (double)diff / N;
  }
  free(perm);
  return RNNLAB_OK;
}

static void hop_finish_eval(const double acc[5], int64_t probes, int N, rnnlab_hopfield_evaluation *out) {
  const double n = (double)(probes ? probes : 1);
  const double mean = acc[0] / n, var = acc[1] / n - mean * mean;
  out->overlap = (float)mean;
  out->overlap_sd = (float)(var > 0.0 ? sqrt(var) : 0.0);
  out->recalled = (float)(acc[2] / n);
  out->bit_errors = (float)(acc[3] / n);
  out->stable = (float)(acc[4] / (n * N));
  out->probes = (int32_t)probes;
}

rnnlab_status rnnlab_hopfield_evaluate(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc, const float *patterns,
                                       int32_t rows, float noise, float erase, rnnlab_hopfield_evaluation *out) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  rnnlab_status st = hop_check_recall_config(h, rc);
  if (!st) st = hop_check_fractions(h, "noise", noise, erase);
  if (st) return st;
  if (!out) return hop_fail(h, RNNLAB_EINVAL, "out is NULL");
  const size_t N = (size_t)h->N;
  int8_t *X = h->X, *own = NULL;
  if (patterns) {
    if (rows < 1) return hop_fail(h, RNNLAB_EINVAL, "patterns: need at least one pattern (rows = %d)", rows);
    const int64_t bad = hop_bad_value(patterns, (size_t)rows * N, 0);
    if (bad >= 0)
      return hop_fail(h, isnan(patterns[bad]) ? RNNLAB_ENONFINITE : RNNLAB_EINVAL, "patterns[%lld] (pattern %lld, unit %lld) = %g: units are -1 or +1",
                      (long long)bad, (long long)(bad / (int64_t)N), (long long)(bad % (int64_t)N), (double)patterns[bad]);
    own = malloc((size_t)rows * N);
    if (!own) return hop_fail(h, RNNLAB_ENOMEM, "out of memory for %d patterns", rows);
    for (int32_t r = 0; r < rows; r++) hop_to_int8(patterns + (size_t)r * N, own + (size_t)r * N, h->N);
    X = own;
  } else {
    rows = h->P;
    if (!rows) return hop_fail(h, RNNLAB_ESTATE, "evaluate: nothing is stored (store patterns first, or give the patterns to probe)");
  }
  double acc[5] = {0, 0, 0, 0, 0};
  st = hop_evaluate_rows(h, rc, X, rows, noise, erase, acc);
  free(own);
  if (st) return st;
  hop_finish_eval(acc, rows, h->N, out);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_hopfield_capacity(const rnnlab_hopfield_capacity_config *c, const float *alphas, int32_t n_alphas,
                                       rnnlab_hopfield_capacity_point *out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!c || !alphas || !out) return status_fail(err, errlen, RNNLAB_EINVAL, "capacity: config, alphas and out are required");
  if (n_alphas < 1) return status_fail(err, errlen, RNNLAB_EINVAL, "alphas: need at least one (got %d)", n_alphas);
  if (c->trials < 1 || c->trials > 1 << 20) return status_fail(err, errlen, RNNLAB_EINVAL, "trials must be in 1..%d (got %d)", 1 << 20, c->trials);
  if (c->probes < 0) return status_fail(err, errlen, RNNLAB_EINVAL, "probes must be >= 0 (0 = every stored pattern), got %d", c->probes);
  if (!(c->noise >= 0.0f && c->noise <= 0.5f)) return status_fail(err, errlen, RNNLAB_EINVAL, "noise must be in [0, 0.5] (got %g)", (double)c->noise);
  rnnlab_hopfield *h = NULL;
  rnnlab_status st = rnnlab_hopfield_create(c->size, c->rule, RNNLAB_HOPFIELD_BIAS_NONE, c->seed_lo, c->seed_hi, &h, err, errlen);
  if (st) return st;
  const int N = c->size;
  const uint64_t seed = (uint64_t)c->seed_hi << 32 | c->seed_lo;
  rnnlab_hopfield_recall_config rc = {c->update, c->temperature, c->max_sweeps, 0, 0, 0, 0};
  if ((st = hop_check_recall_config(h, &rc))) goto done;
  for (int32_t a = 0; a < n_alphas; a++) {
    const float alpha = alphas[a];
    const double Pd = floor((double)alpha * N + 0.5);
    if (!(alpha > 0.0f) || !isfinite(alpha) || (Pd > 0 && Pd * N > RNNLAB_HOPFIELD_MAX_STORED)) {
      st = hop_fail(h, RNNLAB_EINVAL, "alphas[%d] = %g: alpha = patterns / size must be > 0 and store at most %d units", a,
                    (double)alpha, RNNLAB_HOPFIELD_MAX_STORED);
      goto done;
    }
    const int P = Pd < 1 ? 1 : (int)Pd;
    const int probes = c->probes == 0 || c->probes > P ? P : c->probes;
    double acc[5] = {0, 0, 0, 0, 0};
    float *x = malloc((size_t)P * N * sizeof *x);
    if (!x) { st = hop_fail(h, RNNLAB_ENOMEM, "out of memory for %d patterns of %d units", P, N); goto done; }
    for (int32_t t = 0; t < c->trials && !st; t++) {
      rng_state rng;
      rng_seed(&rng, hop_mix(seed, (uint64_t)N << 32 | (uint32_t)P, 3 * (uint64_t)t));
      for (size_t i = 0; i < (size_t)P * N; i++) x[i] = (rng_u64(&rng) >> 63) ? 1.0f : -1.0f;
      rnnlab_hopfield_clear(h);
      st = rnnlab_hopfield_store(h, x, P);
      const uint64_t rs = hop_mix(seed, (uint64_t)N << 32 | (uint32_t)P, 3 * (uint64_t)t + 1);
      rc.seed_lo = (uint32_t)rs, rc.seed_hi = (uint32_t)(rs >> 32);
      if (!st) st = hop_evaluate_rows(h, &rc, h->X, probes, c->noise, 0.0f, acc);
    }
    free(x);
    if (st) goto done;
    out[a].alpha = alpha, out[a].patterns = P;
    hop_finish_eval(acc, (int64_t)probes * c->trials, N, &out[a].eval);
  }
done:
  if (st && err && errlen && h && h->err[0]) status_fail(err, errlen, st, "%s", h->err);
  rnnlab_hopfield_free(h);
  return st;
}

/* ---- file (kind 4) ----
 *
 * All integers little-endian, written byte by byte; floats by bit pattern (a round trip is exact).
 *   offset  size      field
 *   0       8         magic "RNNLAB\0\4"
 *   8       4         u32 format version = 1
 *   12      4         u32 flags = 0
 *   16      4         u32 header length = 56 (offset of W)
 *   20      4         i32 N
 *   24      4         i32 rule
 *   28      4         i32 bias mode now
 *   32      4         i32 bias mode at creation (what clear restores)
 *   36      4         u32 P, stored patterns
 *   40      4         u32 steps
 *   44      8         u64 seed
 *   52      4         u32 reserved = 0
 *   56      N*N*4     W, f32, row-major
 *   ..      N*4       b, f32
 *   ..      P*N       stored patterns, one byte per unit: 0x01 = +1, 0xFF = -1
 *   end-4   4         u32 CRC-32 (rnnlab_crc32) of every byte before it
 * Load checks, each RNNLAB_EFORMAT with a message: length, magic (another kind of rnnlab file is
 * named with its loader), version, flags and header length, N, rule and modes, P against the
 * limit, the total length ("truncated"), the CRC, then W (finite, symmetric, zero diagonal),
 * b finite, the patterns +-1. */

static uint8_t *hop_put_u32(uint8_t *p, uint32_t v) {
  for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
  return p + 4;
}
static uint32_t hop_get_u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint32_t hop_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float hop_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

size_t rnnlab_hopfield_save_size(const rnnlab_hopfield *h) {
  if (!h) return 0;
  const size_t N = (size_t)h->N;
  return HOP_HEADER_LEN + 4 * N * N + 4 * N + (size_t)h->P * N + HOP_CRC_LEN;
}

rnnlab_status rnnlab_hopfield_save(rnnlab_hopfield *h, uint8_t *buf, size_t len) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  const size_t need = rnnlab_hopfield_save_size(h), N = (size_t)h->N;
  if (!buf || len < need) return hop_fail(h, RNNLAB_EINVAL, "save: the buffer holds %zu bytes, the network needs %zu", buf ? len : 0, need);
  uint8_t *p = buf;
  memcpy(p, hop_magic, 8), p += 8;
  p = hop_put_u32(p, HOP_VERSION);
  p = hop_put_u32(p, 0);
  p = hop_put_u32(p, HOP_HEADER_LEN);
  p = hop_put_u32(p, (uint32_t)h->N);
  p = hop_put_u32(p, (uint32_t)h->rule);
  p = hop_put_u32(p, (uint32_t)h->bias_mode);
  p = hop_put_u32(p, (uint32_t)h->bias_initial);
  p = hop_put_u32(p, (uint32_t)h->P);
  p = hop_put_u32(p, (uint32_t)h->steps);
  p = hop_put_u32(p, (uint32_t)h->seed);
  p = hop_put_u32(p, (uint32_t)(h->seed >> 32));
  p = hop_put_u32(p, 0);
  for (size_t i = 0; i < N * N; i++) p = hop_put_u32(p, hop_f32_bits(h->W[i]));
  for (size_t i = 0; i < N; i++) p = hop_put_u32(p, hop_f32_bits(h->b[i]));
  for (size_t i = 0; i < (size_t)h->P * N; i++) *p++ = (uint8_t)h->X[i];
  hop_put_u32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  return RNNLAB_OK;
}

rnnlab_status rnnlab_hopfield_load(const uint8_t *buf, size_t len, rnnlab_hopfield **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out is NULL");
  *out = NULL;
  if (!buf || len < HOP_HEADER_LEN + HOP_CRC_LEN)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "not a saved Hopfield network: %zu bytes, the header alone is %u", buf ? len : 0, HOP_HEADER_LEN + HOP_CRC_LEN);
  if (memcmp(buf, hop_magic, 7) != 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "not a saved rnnlab file (bad magic)");
  if (buf[7] != HOP_KIND) {
    const char *what = buf[7] == 1 ? "a model (lab.loadModel)" : buf[7] == 2 || buf[7] == 3 ? "an encoder-decoder (lab.loadSeq2Seq)" : "another kind";
    return status_fail(err, errlen, RNNLAB_EFORMAT, "a file of kind %u, %s, not a Hopfield network (kind 4); lab.loadLearner reads every kind", buf[7], what);
  }
  const uint32_t version = hop_get_u32(buf + 8), flags = hop_get_u32(buf + 12), hlen = hop_get_u32(buf + 16);
  if (version != HOP_VERSION) return status_fail(err, errlen, RNNLAB_EFORMAT, "saved by a newer rnnlab (Hopfield format %u)", version);
  if (flags != 0 || hlen != HOP_HEADER_LEN) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad header (flags %u, header length %u)", flags, hlen);
  const int32_t N = (int32_t)hop_get_u32(buf + 20), rule = (int32_t)hop_get_u32(buf + 24);
  const int32_t mode = (int32_t)hop_get_u32(buf + 28), initial = (int32_t)hop_get_u32(buf + 32);
  const uint32_t P = hop_get_u32(buf + 36), steps = hop_get_u32(buf + 40);
  if (N < RNNLAB_HOPFIELD_MIN_SIZE || N > RNNLAB_HOPFIELD_MAX_SIZE) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad size %d", N);
  if (rule != RNNLAB_HOPFIELD_HEBB && rule != RNNLAB_HOPFIELD_STORKEY) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad rule %d", rule);
  if (mode < RNNLAB_HOPFIELD_BIAS_NONE || mode > RNNLAB_HOPFIELD_BIAS_FIXED || (initial != RNNLAB_HOPFIELD_BIAS_NONE && initial != RNNLAB_HOPFIELD_BIAS_MEAN))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad bias mode %d / %d", mode, initial);
  if ((uint64_t)P * (uint64_t)N > RNNLAB_HOPFIELD_MAX_STORED || steps > INT32_MAX)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad pattern count %u or steps %u", P, steps);
  const size_t n = (size_t)N, need = HOP_HEADER_LEN + 4 * n * n + 4 * n + (size_t)P * n + HOP_CRC_LEN;
  if (len < need) return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected %zu bytes, got %zu", need, len);
  if (len > need) return status_fail(err, errlen, RNNLAB_EFORMAT, "%zu bytes after the end of the network (expected %zu bytes)", len - need, need);
  if (rnnlab_crc32(buf, len - HOP_CRC_LEN) != hop_get_u32(buf + len - HOP_CRC_LEN))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "checksum mismatch: file is corrupted");
  rnnlab_hopfield *h = NULL;
  rnnlab_status st = rnnlab_hopfield_create(N, rule, initial, hop_get_u32(buf + 44), hop_get_u32(buf + 48), &h, err, errlen);
  if (st) return st;
  const uint8_t *p = buf + HOP_HEADER_LEN;
  for (size_t i = 0; i < n * n; i++, p += 4) h->W[i] = hop_bits_f32(hop_get_u32(p));
  for (size_t i = 0; i < n; i++, p += 4) h->b[i] = hop_bits_f32(hop_get_u32(p));
  if ((st = hop_check_weights(h, h->W, "weight"))) goto fail;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(h->b[i])) { st = hop_fail(h, RNNLAB_EFORMAT, "bias[%zu] is not finite", i); goto fail; }
  if (P) {
    h->X = malloc((size_t)P * n);
    if (!h->X) { st = hop_fail(h, RNNLAB_ENOMEM, "out of memory for %u stored patterns", P); goto fail; }
    h->cap_P = P;
    for (size_t i = 0; i < (size_t)P * n; i++) {
      const int8_t v = (int8_t)p[i];
      if (v != 1 && v != -1) { st = hop_fail(h, RNNLAB_EFORMAT, "stored pattern %zu, unit %zu is not -1 or +1", i / n, i % n); goto fail; }
      h->X[i] = v;
      h->colsum[i % n] += v;
    }
  }
  h->P = (int32_t)P, h->steps = (int32_t)steps, h->bias_mode = mode;
  *out = h;
  return RNNLAB_OK;
fail:
  if (st == RNNLAB_EINVAL || st == RNNLAB_ENONFINITE) st = RNNLAB_EFORMAT;
  status_fail(err, errlen, st, "%s", h->err);
  rnnlab_hopfield_free(h);
  return st;
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
