/* test_hopfield.c - the Hopfield engine (core/energy/hopfield.c) under ASan/UBSan, through the
 * public API only:
 *   - Hebb weights equal (1/N) sum x x^T (zero diagonal) computed here in double; Storkey weights
 *     equal a direct double implementation of Storkey 1997 (h_ij summed over k != i, j, O(N^3));
 *     both exactly symmetric with a zero diagonal;
 *   - energy never increases under asynchronous T = 0 updates (random and sequential order), on
 *     many random nets (Hebb, Storkey, random symmetric weights with biases, partial states): the
 *     recorded flips are replayed here and E is recomputed from scratch in double after every one;
 *     the recorded trace agrees, and a converged state is a fixed point;
 *   - synchronous updates cycle with period 2 on W = [[0,-1],[-1,0]] from s = [1,1];
 *   - stored patterns are fixed points at N = 200, P = 5; mixtures and negations are named;
 *   - bad input is refused with a message and changes nothing; save / load is bit-exact, every
 *     truncation and a flipped byte are refused, other kinds of file are named.
 */
#include <stdlib.h>
#include <string.h>

#include "../../core/rnnlab.h"
#include "../../core/rng.h"
#include "check.h"

static rnnlab_hopfield *make(int N, int rule, int bias) {
  rnnlab_hopfield *h = NULL;
  char err[256] = "";
  CHECK(rnnlab_hopfield_create(N, rule, bias, 7, 0, &h, err, sizeof err) == RNNLAB_OK, "create %d: %s", N, err);
  return h;
}

static void random_patterns(float *x, int P, int N, rng_state *r) {
  for (int i = 0; i < P * N; i++) x[i] = (rng_u64(r) >> 63) ? 1.0f : -1.0f;
}

/* E(s) = -1/2 s W s - b s, from scratch in double */
static double energy_of(const float *W, const float *b, const float *s, int N) {
  double e = 0.0;
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) e -= 0.5 * (double)W[i * N + j] * s[i] * s[j];
    e -= (double)b[i] * s[i];
  }
  return e;
}

static int symmetric_zero_diagonal(const float *W, int N) {
  for (int i = 0; i < N; i++) {
    if (W[i * N + i] != 0.0f) return 0;
    for (int j = 0; j < N; j++)
      if (W[i * N + j] != W[j * N + i]) return 0;
  }
  return 1;
}

static void test_create_errors(void) {
  rnnlab_hopfield *h = (rnnlab_hopfield *)1;
  char err[256];
  CHECK(rnnlab_hopfield_create(1, 0, 0, 0, 0, &h, err, sizeof err) == RNNLAB_EINVAL && h == NULL, "size 1 refused");
  CHECK(strstr(err, "size must be in 2..4096 units (got 1)") != NULL, "message: %s", err);
  CHECK(rnnlab_hopfield_create(4097, 0, 0, 0, 0, &h, err, sizeof err) == RNNLAB_EINVAL, "size 4097 refused");
  CHECK(rnnlab_hopfield_create(8, 2, 0, 0, 0, &h, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "rule") != NULL, "rule 2: %s", err);
  CHECK(rnnlab_hopfield_create(8, 0, 2, 0, 0, &h, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "bias") != NULL, "bias 2: %s", err);
  rnnlab_hopfield_free(NULL);
}

static void test_hebb_weights(void) {
  enum { N = 17, P = 4 };
  rnnlab_hopfield *h = make(N, RNNLAB_HOPFIELD_HEBB, RNNLAB_HOPFIELD_BIAS_MEAN);
  if (!h) return;
  rng_state r;
  rng_seed(&r, 11);
  float x[P * N], W[N * N], b[N];
  random_patterns(x, P, N, &r);
  CHECK(rnnlab_hopfield_store(h, x, 2) == RNNLAB_OK, "store: %s", rnnlab_hopfield_error(h));
  CHECK(rnnlab_hopfield_store(h, x + 2 * N, 2) == RNNLAB_OK, "store: %s", rnnlab_hopfield_error(h));
  CHECK(rnnlab_hopfield_stored(h) == P && rnnlab_hopfield_steps(h) == 2, "stored %d steps %d", rnnlab_hopfield_stored(h), rnnlab_hopfield_steps(h));
  rnnlab_hopfield_get_weights(h, W, b);
  double worst = 0, worst_b = 0;
  for (int i = 0; i < N; i++) {
    double mean = 0;
    for (int mu = 0; mu < P; mu++) mean += x[mu * N + i] / P;
    worst_b = fmax(worst_b, fabs(b[i] - mean));
    for (int j = 0; j < N; j++) {
      double w = 0;
      if (i != j)
        for (int mu = 0; mu < P; mu++) w += (double)x[mu * N + i] * x[mu * N + j] / N;
      worst = fmax(worst, fabs(W[i * N + j] - w));
    }
  }
  CHECK(worst < 1e-6, "hebb: max |W - (1/N) sum x x^T| = %g", worst);
  CHECK(worst_b < 1e-6, "mean bias: max error %g", worst_b);
  CHECK(symmetric_zero_diagonal(W, N), "hebb: W symmetric, zero diagonal");
  /* a bad value anywhere refuses the whole call and changes nothing */
  float bad[2 * N];
  memcpy(bad, x, sizeof bad);
  bad[N + 3] = 0.5f;
  CHECK(rnnlab_hopfield_store(h, bad, 2) == RNNLAB_EINVAL, "0.5 refused");
  CHECK(strstr(rnnlab_hopfield_error(h), "patterns[20] (pattern 1, unit 3) = 0.5") != NULL, "message: %s", rnnlab_hopfield_error(h));
  bad[N + 3] = 0.0f;
  CHECK(rnnlab_hopfield_store(h, bad, 2) == RNNLAB_EINVAL && strstr(rnnlab_hopfield_error(h), "2x - 1") != NULL, "0: %s", rnnlab_hopfield_error(h));
  bad[N + 3] = NAN;
  CHECK(rnnlab_hopfield_store(h, bad, 2) == RNNLAB_ENONFINITE && strstr(rnnlab_hopfield_error(h), "NaN") != NULL, "NaN: %s", rnnlab_hopfield_error(h));
  float W2[N * N];
  rnnlab_hopfield_get_weights(h, W2, NULL);
  CHECK(memcmp(W, W2, sizeof W) == 0 && rnnlab_hopfield_stored(h) == P && rnnlab_hopfield_steps(h) == 2, "refused stores change nothing");
  rnnlab_hopfield_free(h);
}

/* Storkey 1997 directly: W_ij += (1/N)(x_i x_j - x_i h_ji - h_ij x_j), h_ij = sum_{k != i,j} W_ik x_k, in double */
static void storkey_reference(double *W, const float *x, int N) {
  double *dW = calloc((size_t)N * N, sizeof *dW);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      if (i == j) continue;
      double hij = 0, hji = 0;
      for (int k = 0; k < N; k++) {
        if (k != i && k != j) hij += W[i * N + k] * x[k], hji += W[j * N + k] * x[k];
      }
      dW[i * N + j] = ((double)x[i] * x[j] - x[i] * hji - hij * x[j]) / N;
    }
  for (int i = 0; i < N * N; i++) W[i] += dW[i];
  free(dW);
}

static void test_storkey_reference(void) {
  enum { N = 23, P = 9 };
  rnnlab_hopfield *h = make(N, RNNLAB_HOPFIELD_STORKEY, RNNLAB_HOPFIELD_BIAS_NONE);
  if (!h) return;
  rng_state r;
  rng_seed(&r, 5);
  float x[P * N], W[N * N];
  double ref[N * N];
  memset(ref, 0, sizeof ref);
  random_patterns(x, P, N, &r);
  for (int mu = 0; mu < P; mu++) {
    storkey_reference(ref, x + mu * N, N);
    CHECK(rnnlab_hopfield_store(h, x + mu * N, 1) == RNNLAB_OK, "store: %s", rnnlab_hopfield_error(h));
    rnnlab_hopfield_get_weights(h, W, NULL);
    double worst = 0, scale = 0;
    for (int i = 0; i < N * N; i++) worst = fmax(worst, fabs(W[i] - ref[i])), scale = fmax(scale, fabs(ref[i]));
    CHECK(worst <= 1e-6 * scale, "storkey after %d patterns: max |W - reference| = %g (max |W| %g)", mu + 1, worst, scale);
    CHECK(symmetric_zero_diagonal(W, N), "storkey: W symmetric, zero diagonal");
    if (mu == 0) { /* from W = 0 the first pattern is stored as Hebb would */
      double d = 0;
      for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) d = fmax(d, fabs(W[i * N + j] - (i == j ? 0.0 : (double)x[i] * x[j] / N)));
      CHECK(d < 1e-7, "storkey's first pattern is Hebbian: %g", d);
    }
  }
  rnnlab_hopfield_free(h);
}

/* replays a recorded async recall and checks every energy from scratch */
static void check_run(rnnlab_hopfield *h, const float *start, const rnnlab_hopfield_recall_config *rc, const char *what,
                      int *runs, double *worst_rise) {
  const int N = rnnlab_hopfield_size(h);
  float *W = malloc(sizeof(float) * N * N), *b = malloc(sizeof(float) * N), *s = malloc(sizeof(float) * N), *fs = malloc(sizeof(float) * N);
  int8_t *out = malloc((size_t)N);
  rnnlab_hopfield_get_weights(h, W, b);
  rnnlab_hopfield_recall_result res;
  if (rnnlab_hopfield_recall(h, rc, start, out, NULL, &res) != RNNLAB_OK) {
    CHECK(0, "%s: recall: %s", what, rnnlab_hopfield_error(h));
    goto done;
  }
  const float *tr = rnnlab_hopfield_trace_energy(h);
  const int32_t *fl = rnnlab_hopfield_trace_flips(h);
  CHECK(res.updates == res.sweeps * N, "%s: %d updates in %d sweeps", what, res.updates, res.sweeps);
  memcpy(s, start, sizeof(float) * N);
  double prev = energy_of(W, b, s, N);
  CHECK(fabs(tr[0] - prev) <= 1e-5 * (1 + fabs(prev)), "%s: trace[0] %g vs %g", what, tr[0], prev);
  int k = 0, ok_mono = 1, ok_trace = 1;
  for (int u = 1; u <= res.updates; u++) {
    while (k < res.flips && fl[3 * k] == u) {
      CHECK((float)fl[3 * k + 2] != s[fl[3 * k + 1]], "%s: a recorded flip changes its unit", what);
      s[fl[3 * k + 1]] = (float)fl[3 * k + 2];
      k++;
    }
    const double e = energy_of(W, b, s, N);
    if (e > prev + 1e-9 * (1 + fabs(prev))) ok_mono = 0, *worst_rise = fmax(*worst_rise, e - prev);
    if (fabs(tr[u] - e) > 1e-4 * (1 + fabs(e))) ok_trace = 0;
    if (tr[u] > tr[u - 1]) ok_mono = 0;
    prev = e;
  }
  CHECK(ok_mono, "%s: energy rose during an asynchronous T = 0 recall", what);
  CHECK(ok_trace, "%s: the recorded trace differs from the replayed energies", what);
  CHECK(k == res.flips, "%s: flips replayed %d of %d", what, k, res.flips);
  int same = 1;
  for (int i = 0; i < N; i++) same &= (float)out[i] == s[i];
  CHECK(same, "%s: the replayed flips give the final state", what);
  CHECK(fabs(res.energy - prev) <= 1e-5 * (1 + fabs(prev)), "%s: final energy %g vs %g", what, res.energy, prev);
  if (res.converged) { /* a fixed point: no unit would change */
    for (int i = 0; i < N; i++) fs[i] = (float)out[i];
    int32_t unstable = -1;
    rnnlab_hopfield_stability(h, fs, 1, NULL, NULL, &unstable);
    CHECK(unstable == 0, "%s: converged but %d units unstable", what, unstable);
  }
  (*runs)++;
done:
  free(W), free(b), free(s), free(fs), free(out);
}

static void test_energy_monotone(void) {
  rng_state r;
  rng_seed(&r, 2024);
  int runs = 0;
  double worst_rise = 0;
  for (int trial = 0; trial < 120; trial++) {
    const int N = 3 + (int)rng_below(&r, 60), kind = trial % 3;
    rnnlab_hopfield *h = make(N, kind == 1 ? RNNLAB_HOPFIELD_STORKEY : RNNLAB_HOPFIELD_HEBB, RNNLAB_HOPFIELD_BIAS_NONE);
    if (!h) return;
    float *x = malloc(sizeof(float) * N * (N / 3 + 1)), *start = malloc(sizeof(float) * N);
    if (kind < 2) {
      const int P = 1 + (int)rng_below(&r, (uint32_t)(N / 3 + 1));
      random_patterns(x, P, N, &r);
      CHECK(rnnlab_hopfield_store(h, x, P) == RNNLAB_OK, "store: %s", rnnlab_hopfield_error(h));
    } else { /* random symmetric weights, zero diagonal, random biases */
      float *W = calloc((size_t)N * N, sizeof *W), *b = malloc(sizeof(float) * N);
      for (int i = 0; i < N; i++) {
        b[i] = rng_symmetric(&r, 0.5f);
        for (int j = i + 1; j < N; j++) W[i * N + j] = W[j * N + i] = rng_symmetric(&r, 1.0f);
      }
      CHECK(rnnlab_hopfield_set_weights(h, W, b) == RNNLAB_OK, "set_weights: %s", rnnlab_hopfield_error(h));
      free(W), free(b);
    }
    for (int i = 0; i < N; i++) { /* random start with some unknown units */
      const uint32_t v = rng_below(&r, 5);
      start[i] = v == 0 ? 0.0f : v < 3 ? 1.0f : -1.0f;
    }
    for (int order = 0; order < 2; order++) {
      rnnlab_hopfield_recall_config rc = {order, 0.0f, 200, (uint32_t)trial, 0, 1, 0};
      char what[64];
      snprintf(what, sizeof what, "trial %d (N %d, kind %d, order %d)", trial, N, kind, order);
      check_run(h, start, &rc, what, &runs, &worst_rise);
    }
    free(x), free(start);
    rnnlab_hopfield_free(h);
  }
  CHECK(runs == 240, "runs %d", runs);
  printf("energy: %d asynchronous runs replayed, largest rise %g\n", runs, worst_rise);
}

static void test_sync_two_cycle(void) {
  rnnlab_hopfield *h = make(2, RNNLAB_HOPFIELD_HEBB, RNNLAB_HOPFIELD_BIAS_NONE);
  if (!h) return;
  const float W[4] = {0, -1, -1, 0}, s0[2] = {1, 1};
  CHECK(rnnlab_hopfield_set_weights(h, W, NULL) == RNNLAB_OK, "set_weights: %s", rnnlab_hopfield_error(h));
  int8_t out[2];
  rnnlab_hopfield_recall_result res;
  rnnlab_hopfield_recall_config sync = {RNNLAB_HOPFIELD_SYNC, 0.0f, 50, 1, 0, 1, 0};
  CHECK(rnnlab_hopfield_recall(h, &sync, s0, out, NULL, &res) == RNNLAB_OK, "sync: %s", rnnlab_hopfield_error(h));
  CHECK(res.period == 2 && !res.converged && res.sweeps == 2, "sync: period %d converged %d sweeps %d", res.period, res.converged, res.sweeps);
  CHECK(out[0] == 1 && out[1] == 1, "sync: back at [1, 1] after two sweeps");
  const float *tr = rnnlab_hopfield_trace_energy(h);
  CHECK(tr[0] == 1.0f && tr[1] == 1.0f && tr[2] == 1.0f, "sync energies %g %g %g", tr[0], tr[1], tr[2]);
  CHECK(res.flips == 4, "sync: both units flip every sweep (%d flips)", res.flips);
  sync.max_sweeps = 1;
  CHECK(rnnlab_hopfield_recall(h, &sync, s0, out, NULL, &res) == RNNLAB_OK && out[0] == -1 && out[1] == -1 && res.period == 0,
        "one sync sweep: [-1, -1]");
  rnnlab_hopfield_recall_config async = {RNNLAB_HOPFIELD_SEQUENTIAL, 0.0f, 50, 1, 0, 1, 0};
  CHECK(rnnlab_hopfield_recall(h, &async, s0, out, NULL, &res) == RNNLAB_OK, "async: %s", rnnlab_hopfield_error(h));
  CHECK(res.converged && res.period == 1 && out[0] == -1 && out[1] == 1 && res.energy == -1.0f,
        "sequential: converges to [-1, 1] at E = -1 (got [%d, %d], E %g)", out[0], out[1], res.energy);
  rnnlab_hopfield_free(h);
}

static void test_fixed_points_and_landing(void) {
  enum { N = 200, P = 5 };
  rnnlab_hopfield *h = make(N, RNNLAB_HOPFIELD_HEBB, RNNLAB_HOPFIELD_BIAS_NONE);
  if (!h) return;
  rng_state r;
  rng_seed(&r, 99);
  static float x[P * N], y[N];
  random_patterns(x, P, N, &r);
  CHECK(rnnlab_hopfield_store(h, x, P) == RNNLAB_OK, "store: %s", rnnlab_hopfield_error(h));
  int32_t unstable = -1;
  CHECK(rnnlab_hopfield_stability(h, NULL, 0, NULL, NULL, &unstable) == RNNLAB_OK && unstable == 0, "stored patterns stable: %d units unstable", unstable);
  int8_t out[N];
  float m[P];
  rnnlab_hopfield_recall_result res;
  for (int mu = 0; mu < P; mu++) {
    rnnlab_hopfield_recall_config rc = {RNNLAB_HOPFIELD_ASYNC, 0.0f, 10, (uint32_t)mu, 0, 0, 0};
    CHECK(rnnlab_hopfield_recall(h, &rc, x + mu * N, out, m, &res) == RNNLAB_OK, "recall: %s", rnnlab_hopfield_error(h));
    int same = 1;
    for (int i = 0; i < N; i++) same &= out[i] == (int8_t)x[mu * N + i];
    CHECK(same && res.sweeps == 1 && res.converged && res.flips == 0, "pattern %d is a fixed point (sweeps %d, flips %d)", mu, res.sweeps, res.flips);
    CHECK(m[mu] == 1.0f && res.landing.landed == RNNLAB_HOPFIELD_LANDED_PATTERN && res.landing.index[0] == mu, "pattern %d: landed %d at %d", mu,
          res.landing.landed, res.landing.index[0]);
  }
  /* the negation, and a mixture of three with signs */
  rnnlab_hopfield_landing land;
  for (int i = 0; i < N; i++) y[i] = -x[3 * N + i];
  CHECK(rnnlab_hopfield_classify(h, y, 0, &land) == RNNLAB_OK && land.landed == RNNLAB_HOPFIELD_LANDED_NEGATION && land.index[0] == 3, "negation: %d %d", land.landed, land.index[0]);
  for (int i = 0; i < N; i++) y[i] = (x[0 * N + i] - x[2 * N + i] + x[4 * N + i]) > 0 ? 1.0f : -1.0f;
  CHECK(rnnlab_hopfield_classify(h, y, 0, &land) == RNNLAB_OK && land.landed == RNNLAB_HOPFIELD_LANDED_MIXTURE, "mixture: landed %d", land.landed);
  CHECK(land.index[0] == 0 && land.index[1] == 2 && land.index[2] == 4 && land.sign[0] * land.sign[1] == -1 && land.sign[0] * land.sign[2] == 1,
        "mixture of 0, -2, 4: got %d %d %d signs %d %d %d", land.index[0], land.index[1], land.index[2], land.sign[0], land.sign[1], land.sign[2]);
  y[7] = -y[7];
  CHECK(rnnlab_hopfield_classify(h, y, 0, &land) == RNNLAB_OK && land.landed == RNNLAB_HOPFIELD_LANDED_SPURIOUS, "a mixture with a unit off: spurious");
  CHECK(rnnlab_hopfield_classify(h, y, 1, &land) == RNNLAB_OK && land.landed == RNNLAB_HOPFIELD_LANDED_MIXTURE && land.distance == 1, "... a mixture at tolerance 1");
  /* Glauber at a high temperature forgets: overlaps near 0 */
  rnnlab_hopfield_recall_config hot = {RNNLAB_HOPFIELD_ASYNC, 50.0f, 20, 3, 0, 0, 0};
  CHECK(rnnlab_hopfield_recall(h, &hot, x, out, m, &res) == RNNLAB_OK && !res.converged && res.sweeps == 20, "hot recall runs every sweep");
  CHECK(fabsf(m[0]) < 0.25f, "T = 50: overlap with the start pattern %g", m[0]);
  /* evaluation from 10% noise: all recalled at this load */
  rnnlab_hopfield_recall_config rc = {RNNLAB_HOPFIELD_ASYNC, 0.0f, 50, 1, 0, 0, 0};
  rnnlab_hopfield_evaluation ev;
  CHECK(rnnlab_hopfield_evaluate(h, &rc, NULL, 0, 0.1f, 0.0f, &ev) == RNNLAB_OK, "evaluate: %s", rnnlab_hopfield_error(h));
  CHECK(ev.probes == P && ev.recalled == 1.0f && ev.overlap == 1.0f && ev.stable == 1.0f, "evaluate: %d probes, recalled %g, overlap %g", ev.probes, ev.recalled, ev.overlap);
  rnnlab_hopfield_free(h);
}

static void test_save_load(void) {
  enum { N = 12 };
  rnnlab_hopfield *h = make(N, RNNLAB_HOPFIELD_STORKEY, RNNLAB_HOPFIELD_BIAS_MEAN);
  if (!h) return;
  rng_state r;
  rng_seed(&r, 3);
  float x[3 * N];
  random_patterns(x, 3, N, &r);
  rnnlab_hopfield_store(h, x, 3);
  const size_t n = rnnlab_hopfield_save_size(h);
  uint8_t *a = malloc(n + N), *b = malloc(n + N); /* room for one more pattern */
  CHECK(rnnlab_hopfield_save(h, a, n) == RNNLAB_OK, "save: %s", rnnlab_hopfield_error(h));
  CHECK(a[7] == 4, "file kind 4");
  rnnlab_hopfield *g = NULL;
  char err[256];
  CHECK(rnnlab_hopfield_load(a, n, &g, err, sizeof err) == RNNLAB_OK, "load: %s", err);
  if (g) {
    CHECK(rnnlab_hopfield_save(g, b, n) == RNNLAB_OK && memcmp(a, b, n) == 0, "save(load(save)) is the same bytes");
    CHECK(rnnlab_hopfield_stored(g) == 3 && rnnlab_hopfield_steps(g) == 1 && rnnlab_hopfield_get_rule(g) == RNNLAB_HOPFIELD_STORKEY &&
          rnnlab_hopfield_bias_mode(g) == RNNLAB_HOPFIELD_BIAS_MEAN, "header restored");
    /* both continue alike */
    random_patterns(x, 1, N, &r);
    rnnlab_hopfield_store(h, x, 1), rnnlab_hopfield_store(g, x, 1);
    rnnlab_hopfield_save(h, a, rnnlab_hopfield_save_size(h));
    rnnlab_hopfield_save(g, b, rnnlab_hopfield_save_size(g));
    CHECK(memcmp(a, b, rnnlab_hopfield_save_size(h)) == 0, "the loaded net stores the next pattern bit for bit alike");
    rnnlab_hopfield_free(g), g = NULL;
  }
  const size_t m = rnnlab_hopfield_save_size(h);
  int refused = 1;
  for (size_t len = 0; len < m; len++) {
    if (rnnlab_hopfield_load(a, len, &g, err, sizeof err) == RNNLAB_OK || g) refused = 0;
  }
  CHECK(refused, "every truncation refused");
  a[100] ^= 0x10;
  CHECK(rnnlab_hopfield_load(a, m, &g, err, sizeof err) == RNNLAB_EFORMAT && strstr(err, "checksum") != NULL, "flipped byte: %s", err);
  a[100] ^= 0x10;
  a[7] = 1;
  CHECK(rnnlab_hopfield_load(a, m, &g, err, sizeof err) == RNNLAB_EFORMAT && strstr(err, "a model (lab.loadModel)") != NULL, "kind 1: %s", err);
  free(a), free(b);
  rnnlab_hopfield_free(h);
}

static void test_capacity(void) {
  const float alphas[3] = {0.05f, 0.1f, 0.3f};
  rnnlab_hopfield_capacity_point pt[3];
  rnnlab_hopfield_capacity_config c = {100, RNNLAB_HOPFIELD_HEBB, 3, 5, RNNLAB_HOPFIELD_ASYNC, 50, 0.1f, 0.0f, 1, 0};
  char err[256] = "";
  CHECK(rnnlab_hopfield_capacity(&c, alphas, 3, pt, err, sizeof err) == RNNLAB_OK, "capacity: %s", err);
  CHECK(pt[0].patterns == 5 && pt[1].patterns == 10 && pt[2].patterns == 30 && pt[0].eval.probes == 15, "patterns %d %d %d", pt[0].patterns, pt[1].patterns, pt[2].patterns);
  CHECK(pt[0].eval.overlap > 0.95f && pt[2].eval.overlap < pt[0].eval.overlap, "overlaps %g %g %g", pt[0].eval.overlap, pt[1].eval.overlap, pt[2].eval.overlap);
  /* a point does not depend on the other alphas asked */
  rnnlab_hopfield_capacity_point one;
  CHECK(rnnlab_hopfield_capacity(&c, alphas + 2, 1, &one, err, sizeof err) == RNNLAB_OK && memcmp(&one, &pt[2], sizeof one) == 0, "point independent of the list");
  const float bad = -0.1f;
  CHECK(rnnlab_hopfield_capacity(&c, &bad, 1, &one, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "alphas[0]") != NULL, "alpha < 0: %s", err);
  c.size = 1;
  CHECK(rnnlab_hopfield_capacity(&c, alphas, 1, &one, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "size must be in") != NULL, "size 1: %s", err);
}

static void test_layout(void) {
  CHECK(rnnlab_hopfield_layout(0, -1) == 28 && rnnlab_hopfield_layout(1, -1) == 56 && rnnlab_hopfield_layout(2, -1) == 24 &&
        rnnlab_hopfield_layout(3, -1) == 40 && rnnlab_hopfield_layout(4, -1) == 32, "struct sizes");
  for (int what = 0; what < 5; what++) {
    const int n = rnnlab_hopfield_layout(what, -1) / 4;
    int ok = rnnlab_hopfield_layout(what, n) == -1;
    for (int f = 0; f < n; f++) ok &= rnnlab_hopfield_layout(what, f) == 4 * f;
    CHECK(ok, "layout %d: 4-byte words in order", what);
  }
}

int main(void) {
  test_create_errors();
  test_hebb_weights();
  test_storkey_reference();
  test_energy_monotone();
  test_sync_two_cycle();
  test_fixed_points_and_landing();
  test_save_load();
  test_capacity();
  test_layout();
  return check_summary("test_hopfield");
}
