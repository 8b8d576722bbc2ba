/* energy/hopfield_recall.c - what a Hopfield network's recall is measured by: overlaps with the
 * stored patterns and what a state lands in (a pattern, its negation, a mixture of three, or
 * spurious), corruption of a pattern, the evaluation of a data set, and the capacity curve
 * (mean overlap after recall against alpha = P/N; Amit, Gutfreund & Sompolinsky 1985).
 *
 * Owns: rnnlab_hopfield_overlaps, _classify, _corrupt, _evaluate and _capacity. Does not own: the
 * network, storage or the dynamics (hopfield.c: hop_run), the file (hopfield_file.c). Moved
 * unchanged from hopfield.c.
 */

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "energy/hopfield.h"
#include "kernels/kernels.h"

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
