/* test_boltzmann.c - the Boltzmann machine's exact sums and the Ising lattice's bookkeeping,
 * under ASan/UBSan: the energy family's exp/log against libm; log Z, the exact log-likelihood and
 * the exact gradient against brute force written here independently (every state's energy from
 * the full matrix, summed in long double with libm); the gradient against central differences of
 * the exact log-likelihood; the sampled gradient near the exact one; the enumeration limit's
 * message; save / load bit for bit with a resumed run; corrupt files; the Ising sums. */
#include <stdlib.h>
#include <string.h>

#include "../../core/energy/ising.h"
#include "check.h"

/* ---- brute force, independent of boltzmann.c ---- */

/* -E(s) = 1/2 s^T W s + b^T s over the full matrix */
static long double brute_negE(const float *W, const float *b, int n, unsigned s) {
  long double e = 0;
  for (int i = 0; i < n; i++) {
    if (!(s >> i & 1u)) continue;
    e += b[i];
    for (int j = 0; j < n; j++)
      if (s >> j & 1u) e += 0.5L * W[i * n + j];
  }
  return e;
}

/* log Z, and the model statistics E[s_i s_j] (n x n, diagonal E[s_i]) when ms is not NULL */
static double brute_logZ(const float *W, const float *b, int n, double *ms) {
  long double Z = 0, *acc = calloc((size_t)n * n, sizeof(long double));
  for (unsigned s = 0; s < (1u << n); s++) {
    const long double p = expl(brute_negE(W, b, n, s));
    Z += p;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        if ((s >> i & 1u) && (s >> j & 1u)) acc[i * n + j] += p;
  }
  if (ms)
    for (int k = 0; k < n * n; k++) ms[k] = (double)(acc[k] / Z);
  free(acc);
  return (double)logl(Z);
}

/* mean log p(v) over rows, and the data statistics when ds is not NULL */
static double brute_loglik(const float *W, const float *b, int V, int H, const float *data, int rows, double *ds) {
  const int n = V + H;
  const double logZ = brute_logZ(W, b, n, NULL);
  long double total = 0, *acc = calloc((size_t)n * n, sizeof(long double));
  for (int r = 0; r < rows; r++) {
    unsigned v = 0;
    for (int i = 0; i < V; i++)
      if (data[r * V + i] != 0.0f) v |= 1u << i;
    long double Zv = 0, *row = calloc((size_t)n * n, sizeof(long double));
    for (unsigned h = 0; h < (1u << H); h++) {
      const unsigned s = v | h << V;
      const long double p = expl(brute_negE(W, b, n, s));
      Zv += p;
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
          if ((s >> i & 1u) && (s >> j & 1u)) row[i * n + j] += p;
    }
    total += logl(Zv) - logZ;
    for (int k = 0; k < n * n; k++) acc[k] += row[k] / Zv / rows;
    free(row);
  }
  if (ds)
    for (int k = 0; k < n * n; k++) ds[k] = (double)acc[k];
  free(acc);
  return (double)(total / rows);
}

/* ---- fixtures ---- */

static rnnlab_boltzmann *make(int V, int H, uint32_t seed, float scale) {
  rnnlab_boltzmann *bm = NULL;
  char err[ERRLEN];
  rnnlab_status s = rnnlab_boltzmann_create(V, H, seed, 0, &bm, err, sizeof err);
  CHECK(s == RNNLAB_OK && bm, "create: %s", err);
  if (!bm) return NULL;
  const int n = V + H;
  float *W = calloc((size_t)n * n, sizeof(float)), *b = calloc((size_t)n, sizeof(float));
  rng_state r;
  rng_seed(&r, seed * 7919u + 1u);
  for (int i = 0; i < n; i++) {
    b[i] = rng_symmetric(&r, scale);
    for (int j = i + 1; j < n; j++) W[i * n + j] = W[j * n + i] = rng_symmetric(&r, scale);
  }
  s = rnnlab_boltzmann_set_weights(bm, W, b);
  CHECK(s == RNNLAB_OK, "set_weights: %s", rnnlab_boltzmann_error(bm));
  free(W), free(b);
  return bm;
}

static float *patterns(int rows, int V, uint32_t seed) {
  float *d = malloc(sizeof(float) * (size_t)rows * V);
  rng_state r;
  rng_seed(&r, seed);
  for (int k = 0; k < rows * V; k++) d[k] = (float)(rng_u32(&r) >> 31);
  return d;
}

/* ---- tests ---- */

static void test_exp_log(void) {
  double worst_exp = 0, worst_log = 0;
  for (int k = -700000; k <= 700000; k += 7) {
    const double x = k / 1000.0 + 1e-4, a = energy_exp(x), b = exp(x);
    const double rel = fabs(a - b) / b;
    if (rel > worst_exp) worst_exp = rel;
  }
  for (int k = 1; k <= 200000; k++) {
    const double x = k * 0.013 * (k % 3 ? 1.0 : 1e-5), a = energy_log(x), b = log(x);
    const double rel = fabs(a - b) / (fabs(b) > 1 ? fabs(b) : 1.0);
    if (rel > worst_log) worst_log = rel;
  }
  printf("energy_exp: max relative error %.3g on [-700, 700]; energy_log: %.3g\n", worst_exp, worst_log);
  CHECK(worst_exp < 1e-14, "energy_exp relative error %g", worst_exp);
  CHECK(worst_log < 1e-15, "energy_log error %g", worst_log);
  CHECK(energy_exp(-800) == 0.0 && energy_exp(800) == HUGE_VAL && energy_exp(0) == 1.0, "exp edges");
  CHECK(energy_log(1.0) == 0.0 && energy_log(0.0) == -HUGE_VAL, "log edges");
  CHECK(fabs(energy_softplus(-800) - 0.0) < 1e-300 && fabs(energy_softplus(800) - 800) < 1e-12, "softplus edges");
}

static void test_exact_sums(void) {
  const int sizes[][2] = {{1, 0}, {2, 1}, {3, 0}, {4, 2}, {3, 4}, {5, 3}};
  for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
    const int V = sizes[c][0], H = sizes[c][1], n = V + H, rows = 5;
    for (int big = 0; big < 2; big++) {
      rnnlab_boltzmann *bm = make(V, H, 10 + (uint32_t)c, big ? 6.0f : 0.7f);
      if (!bm) continue;
      float *W = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n), *data = patterns(rows, V, 99 + c);
      rnnlab_boltzmann_get_weights(bm, 0, W, b);
      double logZ = 0, ll = 0, *ms = malloc(sizeof(double) * n * n), *ds = malloc(sizeof(double) * n * n);
      CHECK(rnnlab_boltzmann_log_partition(bm, &logZ) == RNNLAB_OK, "log_partition");
      CHECK_CLOSE(logZ, brute_logZ(W, b, n, ms), 1e-12, 1e-12, "log Z vs brute force");
      CHECK(rnnlab_boltzmann_log_likelihood(bm, data, rows, &ll) == RNNLAB_OK, "log_likelihood");
      const double bll = brute_loglik(W, b, V, H, data, rows, ds);
      CHECK_CLOSE(ll, bll, 1e-11, 1e-12, "mean log p(v) vs brute force");
      float loss = 0;
      CHECK(rnnlab_boltzmann_backward(bm, data, rows, 1, &loss) == RNNLAB_OK, "backward: %s", rnnlab_boltzmann_error(bm));
      CHECK_CLOSE(loss, -bll, 1e-5, 1e-6, "exact loss = -mean log p(v)");
      float *gW = malloc(sizeof(float) * n * n), *gb = malloc(sizeof(float) * n), *st = malloc(sizeof(float) * n * n);
      rnnlab_boltzmann_get_weights(bm, 1, gW, gb);
      double worst = 0;
      for (int i = 0; i < n; i++) {
        worst = fmax(worst, fabs(gb[i] - (ms[i * n + i] - ds[i * n + i])));
        for (int j = 0; j < n; j++)
          if (i != j) worst = fmax(worst, fabs(gW[i * n + j] - (ms[i * n + j] - ds[i * n + j])));
          else CHECK(gW[i * n + i] == 0.0f, "gradient diagonal");
      }
      CHECK(worst < 1e-6, "exact gradient vs brute force (V %d H %d, scale %d): worst %g", V, H, big, worst);
      CHECK(rnnlab_boltzmann_statistics(bm, 1, st) == RNNLAB_OK, "statistics");
      CHECK_CLOSE(st[0], ms[0], 1e-6, 0, "model statistics <s_0>");
      free(gW), free(gb), free(st), free(W), free(b), free(data), free(ms), free(ds);
      rnnlab_boltzmann_free(bm);
    }
  }
}

/* the gradient is the derivative of the exact mean negative log-likelihood (central differences) */
static void test_gradient_fd(void) {
  const int V = 4, H = 2, n = 6, rows = 6;
  rnnlab_boltzmann *bm = make(V, H, 5, 0.8f);
  float *data = patterns(rows, V, 3), *W = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n);
  float *gW = malloc(sizeof(float) * n * n), *gb = malloc(sizeof(float) * n);
  rnnlab_boltzmann_backward(bm, data, rows, 0, NULL);
  rnnlab_boltzmann_get_weights(bm, 1, gW, gb);
  rnnlab_boltzmann_get_weights(bm, 0, W, b);
  const float eps = 1.0f / 4096;
  double worst = 0;
  for (int i = 0; i < n; i++)
    for (int j = i; j < n; j++) {
      double f[2];
      for (int side = 0; side < 2; side++) {
        const float d = side ? -eps : eps;
        float *Wc = malloc(sizeof(float) * n * n), *bc = malloc(sizeof(float) * n);
        memcpy(Wc, W, sizeof(float) * n * n), memcpy(bc, b, sizeof(float) * n);
        if (i == j) bc[i] += d;
        else Wc[i * n + j] += d, Wc[j * n + i] += d;
        rnnlab_boltzmann_set_weights(bm, Wc, bc);
        const double step = i == j ? (double)(bc[i] - b[i]) : (double)(Wc[i * n + j] - W[i * n + j]);
        rnnlab_boltzmann_log_likelihood(bm, data, rows, &f[side]);
        f[side] /= step; /* step is +-eps exactly */
        free(Wc), free(bc);
      }
      const double fd = -(f[0] + f[1]) / 2; /* (-LL(+e) + LL(-e)) / 2e with the signs folded in */
      const double g = i == j ? gb[i] : gW[i * n + j];
      worst = fmax(worst, fabs(fd - g));
    }
  CHECK(worst < 2e-5, "gradient vs central differences: worst %g", worst);
  rnnlab_boltzmann_set_weights(bm, W, b);
  free(data), free(W), free(b), free(gW), free(gb);
  rnnlab_boltzmann_free(bm);
}

/* many long chains: the sampled gradient is close to the exact one */
static void test_sampled_gradient(void) {
  const int V = 3, H = 2, n = 5, rows = 4;
  rnnlab_boltzmann *bm = make(V, H, 8, 1.0f);
  float *data = patterns(rows, V, 4), *ge = malloc(sizeof(float) * n * n), *gs = malloc(sizeof(float) * n * n);
  rnnlab_boltzmann_backward(bm, data, rows, 1, NULL);
  rnnlab_boltzmann_get_weights(bm, 1, ge, NULL);
  rnnlab_train_config tc;
  rnnlab_boltzmann_train_config_default(&tc);
  rnnlab_boltzmann_learn_config lc = {RNNLAB_BOLTZMANN_SAMPLED, 400, 2000};
  CHECK(rnnlab_boltzmann_set_trainer(bm, &tc, &lc) == RNNLAB_OK, "set_trainer");
  float loss = 0;
  CHECK(rnnlab_boltzmann_backward(bm, data, rows, 1, &loss) == RNNLAB_OK, "sampled backward: %s", rnnlab_boltzmann_error(bm));
  rnnlab_boltzmann_get_weights(bm, 1, gs, NULL);
  double worst = 0;
  for (int k = 0; k < n * n; k++) worst = fmax(worst, fabs(ge[k] - gs[k]));
  printf("sampled vs exact gradient (400 sweeps, 2000 chains): worst %.4f\n", worst);
  CHECK(worst < 0.03, "sampled gradient vs exact: worst %g", worst);
  CHECK(loss > 0 && isfinite(loss), "pseudo-likelihood loss %g", loss);
  free(data), free(ge), free(gs);
  rnnlab_boltzmann_free(bm);
}

static void test_limits(void) {
  char err[ERRLEN];
  rnnlab_boltzmann *bm = NULL;
  CHECK(rnnlab_boltzmann_create(0, 2, 1, 0, &bm, err, sizeof err) == RNNLAB_EINVAL && !bm, "visible 0");
  CHECK(strstr(err, "visible must be in 1..") != NULL, "message: %s", err);
  CHECK(rnnlab_boltzmann_create(2, -1, 1, 0, &bm, err, sizeof err) == RNNLAB_EINVAL && !bm, "hidden -1");
  CHECK(rnnlab_boltzmann_create(20, 4, 1, 0, &bm, err, sizeof err) == RNNLAB_OK && bm, "24 units");
  double z = 0;
  CHECK(rnnlab_boltzmann_log_partition(bm, &z) == RNNLAB_EINVAL, "exact refused");
  CHECK(strcmp(rnnlab_boltzmann_error(bm), "n = 24 units: exact enumeration needs 2^24 states, the limit is 2^20") == 0, "message: %s",
        rnnlab_boltzmann_error(bm));
  float *data = patterns(2, 20, 1);
  data[5] = 0.5f;
  CHECK(rnnlab_boltzmann_backward(bm, data, 2, 1, NULL) == RNNLAB_EINVAL, "0.5 refused");
  CHECK(strstr(rnnlab_boltzmann_error(bm), "data[5] = 0.5 (row 0): values must be 0 or 1") != NULL, "message: %s", rnnlab_boltzmann_error(bm));
  data[5] = NAN;
  CHECK(rnnlab_boltzmann_backward(bm, data, 2, 1, NULL) == RNNLAB_ENONFINITE, "NaN refused");
  free(data);
  rnnlab_boltzmann_free(bm);
  bm = make(3, 1, 2, 0.5f);
  float W[16] = {0}, b[4] = {0};
  W[1] = 1.0f;
  CHECK(rnnlab_boltzmann_set_weights(bm, W, b) == RNNLAB_EINVAL, "asymmetric refused");
  CHECK(strstr(rnnlab_boltzmann_error(bm), "weight must be symmetric") != NULL, "message: %s", rnnlab_boltzmann_error(bm));
  W[4] = 1.0f, W[0] = 2.0f;
  CHECK(rnnlab_boltzmann_set_weights(bm, W, b) == RNNLAB_EINVAL, "diagonal refused");
  rnnlab_boltzmann_free(bm);
  rnnlab_boltzmann_free(NULL);
}

static void test_save_load(void) {
  const int V = 5, H = 3, rows = 6;
  float *data = patterns(rows, V, 12);
  for (int method = 0; method < 2; method++) {
    rnnlab_boltzmann *a = make(V, H, 21, 0.3f), *b = NULL;
    rnnlab_train_config tc;
    rnnlab_boltzmann_train_config_default(&tc);
    tc.optimizer = RNNLAB_OPT_ADAM, tc.learning_rate = 0.05f;
    rnnlab_boltzmann_learn_config lc = {method, 6, 7};
    CHECK(rnnlab_boltzmann_set_trainer(a, &tc, &lc) == RNNLAB_OK, "set_trainer");
    rnnlab_step_result r;
    for (int t = 0; t < 3; t++) CHECK(rnnlab_boltzmann_step(a, data, rows, &r) == RNNLAB_OK, "step: %s", rnnlab_boltzmann_error(a));
    const size_t len = rnnlab_boltzmann_save_size(a);
    uint8_t *buf = malloc(len), *again = malloc(len);
    CHECK(rnnlab_boltzmann_save(a, buf, len) == RNNLAB_OK, "save");
    char err[ERRLEN];
    CHECK(rnnlab_boltzmann_load(buf, len, &b, err, sizeof err) == RNNLAB_OK && b, "load: %s", err);
    if (!b) continue;
    CHECK(rnnlab_boltzmann_steps(b) == 3.0, "steps restored");
    CHECK(rnnlab_boltzmann_save(b, again, len) == RNNLAB_OK && memcmp(buf, again, len) == 0, "a loaded machine saves the same bytes");
    for (int t = 0; t < 3; t++) {
      rnnlab_step_result ra, rb;
      rnnlab_boltzmann_step(a, data, rows, &ra), rnnlab_boltzmann_step(b, data, rows, &rb);
      CHECK(memcmp(&ra.loss, &rb.loss, 4) == 0 && memcmp(&ra.grad_norm, &rb.grad_norm, 4) == 0, "method %d step %d after load: %g vs %g", method, t,
            (double)ra.loss, (double)rb.loss);
    }
    /* corrupt, truncated, other kinds */
    rnnlab_boltzmann *c = NULL;
    buf[40] ^= 1;
    CHECK(rnnlab_boltzmann_load(buf, len, &c, err, sizeof err) == RNNLAB_EFORMAT && !c && strstr(err, "checksum"), "corrupt: %s", err);
    buf[40] ^= 1;
    CHECK(rnnlab_boltzmann_load(buf, len - 3, &c, err, sizeof err) == RNNLAB_EFORMAT && !c && strstr(err, "truncated"), "truncated: %s", err);
    buf[7] = 5;
    CHECK(rnnlab_boltzmann_load(buf, len, &c, err, sizeof err) == RNNLAB_EFORMAT && strstr(err, "kind 5"), "kind: %s", err);
    free(buf), free(again);
    rnnlab_boltzmann_free(a), rnnlab_boltzmann_free(b);
  }
  free(data);
}

/* a trace (advance 0) leaves the sampled learner exactly where it was */
static void test_trace_keeps_state(void) {
  const int V = 4, H = 2, rows = 3;
  float *data = patterns(rows, V, 5);
  rnnlab_boltzmann *a = make(V, H, 3, 0.3f), *b = make(V, H, 3, 0.3f);
  rnnlab_train_config tc;
  rnnlab_boltzmann_train_config_default(&tc);
  rnnlab_boltzmann_learn_config lc = {RNNLAB_BOLTZMANN_SAMPLED, 4, 5};
  rnnlab_boltzmann_set_trainer(a, &tc, &lc), rnnlab_boltzmann_set_trainer(b, &tc, &lc);
  rnnlab_step_result ra, rb;
  rnnlab_boltzmann_step(a, data, rows, &ra), rnnlab_boltzmann_step(b, data, rows, &rb);
  CHECK(rnnlab_boltzmann_backward(a, data, rows, 0, NULL) == RNNLAB_OK, "trace");
  rnnlab_boltzmann_step(a, data, rows, &ra), rnnlab_boltzmann_step(b, data, rows, &rb);
  CHECK(memcmp(&ra, &rb, sizeof ra) == 0, "a trace between steps changes nothing");
  free(data);
  rnnlab_boltzmann_free(a), rnnlab_boltzmann_free(b);
}

static void test_ising(void) {
  rnnlab_ising *is = NULL;
  char err[ERRLEN];
  CHECK(rnnlab_ising_create(5, 1.0f, 0.3f, 0, 7, 0, &is, err, sizeof err) == RNNLAB_OK, "create: %s", err);
  for (int method = 0; method < 2; method++) {
    CHECK(rnnlab_ising_sweep(is, 2.0f, 13, method, NULL) == RNNLAB_OK, "sweep");
    int8_t s[25];
    rnnlab_ising_get_spins(is, s);
    long M = 0, B = 0;
    for (int y = 0; y < 5; y++)
      for (int x = 0; x < 5; x++) M += s[y * 5 + x], B += s[y * 5 + x] * (s[y * 5 + (x + 1) % 5] + s[((y + 1) % 5) * 5 + x]);
    CHECK_CLOSE(rnnlab_ising_magnetization(is), M / 25.0, 1e-15, 0, "kept magnetisation");
    CHECK_CLOSE(rnnlab_ising_energy(is), (-1.0 * B - (double)0.3f * M) / 25.0, 1e-12, 0, "kept energy");
  }
  rnnlab_ising_result r;
  /* the state typewriter-order Metropolis never left on a 3 x 3 lattice at T = 3.5: every flip of
   * a sweep cost nothing, so every spin flipped every sweep and no coin was ever drawn */
  rnnlab_ising *c3 = NULL;
  CHECK(rnnlab_ising_create(3, 1.0f, 0.0f, 0, 16, 0, &c3, err, sizeof err) == RNNLAB_OK, "3 x 3");
  const int8_t cycle[9] = {-1, 1, 1, -1, -1, 1, -1, -1, -1};
  rnnlab_ising_set_spins(c3, cycle);
  rnnlab_ising_result ex3;
  CHECK(rnnlab_ising_measure(c3, 3.5f, RNNLAB_ISING_METROPOLIS, 0, 40000, 20, &r) == RNNLAB_OK && rnnlab_ising_exact(c3, 3.5f, &ex3) == RNNLAB_OK, "measure");
  CHECK(r.acceptance < 0.9f, "Metropolis leaves the free-flip cycle: acceptance %g", (double)r.acceptance);
  CHECK(fabs(r.energy - ex3.energy) < 4 * r.energy_error + 1e-3, "3 x 3 at T = 3.5 from the cycle state: %g +- %g vs exact %g", (double)r.energy,
        (double)r.energy_error, (double)ex3.energy);
  rnnlab_ising_free(c3);
  CHECK(rnnlab_ising_exact(is, 2.0f, &r) == RNNLAB_EINVAL && strstr(rnnlab_ising_error(is), "2^25 states, the limit is 2^20"), "exact limit: %s",
        rnnlab_ising_error(is));
  rnnlab_ising_free(is);
  CHECK(rnnlab_ising_create(2, 1.0f, 0.0f, 1, 7, 0, &is, err, sizeof err) == RNNLAB_OK, "2 x 2");
  CHECK(rnnlab_ising_exact(is, 1.0f, &r) == RNNLAB_OK, "exact 2 x 2");
  /* 2 x 2 periodic: every bond twice; states: all equal (E = -8, 2 of them), one flipped (E = 0, 8),
   * two flipped in a row (E = 0, 4), diagonal pair (E = +8, 2) */
  const double w8 = exp(8.0), wm8 = exp(-8.0), Z = 2 * w8 + 12 + 2 * wm8;
  CHECK_CLOSE(r.energy, (2 * -8 * w8 + 2 * 8 * wm8) / Z / 4, 1e-6, 1e-6, "2 x 2 exact energy");
  rnnlab_ising_free(is);
}

int main(void) {
  test_exp_log();
  test_exact_sums();
  test_gradient_fd();
  test_sampled_gradient();
  test_limits();
  test_save_load();
  test_trace_keeps_state();
  test_ising();
  return check_summary("test_boltzmann");
}
