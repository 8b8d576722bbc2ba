/* test_rbm.c - restricted Boltzmann machines and pattern sets (core/energy/), under ASan/UBSan.
 *
 * References are computed here independently, in double with libm: log Z by brute force over
 * BOTH layers (binary), by numerical integration over the visibles (Gaussian); the exact gradient
 * against central differences of the exact log-likelihood; the engine's own double arithmetic
 * against libm. Then: CD-k with large k against the exact gradient, AIS against exact log Z,
 * bit-exact resume through save/load, refusals that name the argument, and the patterns. */
#include <stdlib.h>
#include <string.h>

#include "../../core/energy/patterns.h"
#include "../../core/energy/dbn.h"
#include "../../core/energy/rbm.h"
#include "check.h"

static rnnlab_rbm *make_rbm(int V, int H, int gaussian, uint32_t seed) {
  rnnlab_rbm_config c;
  rnnlab_rbm_config_default(&c);
  c.visible = V, c.hidden = H, c.visible_units = gaussian, c.seed_lo = seed;
  rnnlab_rbm *r = NULL;
  char err[ERRLEN];
  rnnlab_status s = rnnlab_rbm_create(&c, &r, err, sizeof err);
  CHECK(s == RNNLAB_OK && r, "create %dx%d: %s", V, H, err);
  return r;
}

/* weights ~ U(-scale, scale), biases ~ U(-bscale, bscale), from seed */
static void randomise(rnnlab_rbm *r, float scale, float bscale, uint64_t seed) {
  rng_state g;
  rng_seed(&g, seed);
  const int V = r->V, H = r->H;
  float *w = malloc(sizeof(float) * (size_t)H * V), *b = malloc(sizeof(float) * V), *c = malloc(sizeof(float) * H);
  for (int i = 0; i < H * V; i++) w[i] = rng_symmetric(&g, scale);
  for (int i = 0; i < V; i++) b[i] = rng_symmetric(&g, bscale);
  for (int i = 0; i < H; i++) c[i] = rng_symmetric(&g, bscale);
  CHECK(rnnlab_rbm_set(r, 0, w) == RNNLAB_OK && rnnlab_rbm_set(r, 1, b) == RNNLAB_OK && rnnlab_rbm_set(r, 2, c) == RNNLAB_OK,
        "set: %s", rnnlab_rbm_error(r));
  free(w), free(b), free(c);
}

/* log sum_v sum_h exp(b.v + c.h + h^T W v): both layers, libm, two passes */
static double brute_logz_binary(const rnnlab_rbm *r) {
  const int V = r->V, H = r->H;
  const long nv = 1L << V, nh = 1L << H;
  double mx = -INFINITY, sum = 0.0;
  for (int pass = 0; pass < 2; pass++)
    for (long a = 0; a < nv; a++)
      for (long z = 0; z < nh; z++) {
        double e = 0.0;
        for (int i = 0; i < V; i++) e += ((a >> i) & 1) * (double)r->b[i];
        for (int j = 0; j < H; j++) {
          if (!((z >> j) & 1)) continue;
          e += r->c[j];
          for (int i = 0; i < V; i++) e += ((a >> i) & 1) * (double)r->W[(size_t)j * V + i];
        }
        if (pass == 0) mx = e > mx ? e : mx;
        else sum += exp(e - mx);
      }
  return mx + log(sum);
}

/* log sum_h exp(c.h) integral exp(-|v-b|^2/2 + h^T W v) dv for V = 1 or 2, by the trapezoid rule
 * on [-L, L]^V (spectrally accurate for these Gaussian-shaped integrands) */
static double numeric_logz_gaussian(const rnnlab_rbm *r, double L, double step) {
  const int V = r->V, H = r->H, n = (int)(2 * L / step) + 1;
  double total = 0.0;
  for (long z = 0; z < (1L << H); z++) {
    double ch = 0.0, a[2] = {0, 0};
    for (int j = 0; j < H; j++)
      if ((z >> j) & 1) {
        ch += r->c[j];
        for (int i = 0; i < V; i++) a[i] += r->W[(size_t)j * V + i];
      }
    double integral = 0.0;
    for (int p = 0; p < n; p++) {
      const double x = -L + p * step;
      if (V == 1) integral += exp(-0.5 * (x - r->b[0]) * (x - r->b[0]) + a[0] * x) * step;
      else
        for (int q = 0; q < n; q++) {
          const double y = -L + q * step;
          integral += exp(-0.5 * ((x - r->b[0]) * (x - r->b[0]) + (y - r->b[1]) * (y - r->b[1])) + a[0] * x + a[1] * y) * step * step;
        }
    }
    total += exp(ch) * integral;
  }
  return log(total);
}

static void test_arithmetic(void) {
  double worst = 0.0;
  for (double x = -708.0; x <= 709.0; x += 0.0137) /* normal results; subnormals lose relative precision */ {
    const double e = energy_exp(x), ref = exp(x);
    const double rel = fabs(e - ref) / ref;
    worst = rel > worst ? rel : worst;
  }
  CHECK(worst < 4e-16, "energy_exp: worst relative error %.3g", worst);
  worst = 0.0;
  for (double x = 1e-300; x < 1e300; x *= 1.7) {
    const double rel = fabs(energy_log(x) - log(x)) / fabs(log(x) ? log(x) : 1.0);
    worst = rel > worst ? rel : worst;
  }
  CHECK(worst < 4e-16, "energy_log: worst relative error %.3g", worst);
  worst = 0.0;
  for (double x = -700.0; x <= 700.0; x += 0.113) {
    const double ref = x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
    const double rel = fabs(energy_softplus(x) - ref) / ref;
    worst = rel > worst ? rel : worst;
  }
  CHECK(worst < 1e-15, "energy_softplus: worst relative error %.3g", worst);
  worst = 0.0;
  for (double u = 0.0; u < 1.0; u += 1.0 / 4099) {
    double s, c;
    energy_sincos2pi(u, &s, &c);
    const double es = fabs(s - sin(6.283185307179586476925 * u)), ec = fabs(c - cos(6.283185307179586476925 * u));
    worst = es > worst ? es : worst;
    worst = ec > worst ? ec : worst;
  }
  CHECK(worst < 1e-15, "energy_sincos2pi: worst absolute error %.3g", worst);
  /* Box-Muller deviates: mean 0, variance 1, fourth moment 3 (200000 draws: sd of the mean 0.0022) */
  enum { N = 200000 };
  float *z = calloc(N, sizeof(float));
  rng_state g;
  rng_seed(&g, 42);
  energy_add_normal(&g, z, N);
  double m1 = 0, m2 = 0, m4 = 0;
  for (int i = 0; i < N; i++) m1 += z[i], m2 += (double)z[i] * z[i], m4 += (double)z[i] * z[i] * z[i] * z[i];
  m1 /= N, m2 /= N, m4 /= N;
  CHECK(fabs(m1) < 0.012 && fabs(m2 - 1) < 0.02 && fabs(m4 - 3) < 0.1, "normal moments: mean %g, var %g, m4 %g", m1, m2, m4);
  free(z);
}

static void test_exact_logz(void) {
  /* binary: the sum over h (H <= V) and over v (V < H) against both layers by brute force */
  const int shapes[][2] = {{5, 4}, {3, 6}, {4, 4}, {1, 7}, {6, 1}};
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
    for (uint64_t seed = 1; seed <= 4; seed++) {
      rnnlab_rbm *r = make_rbm(shapes[s][0], shapes[s][1], 0, 7);
      randomise(r, 1.5f, 1.0f, seed * 31 + s);
      double lz = 0;
      CHECK(rnnlab_rbm_log_partition(r, &lz) == RNNLAB_OK, "log_partition: %s", rnnlab_rbm_error(r));
      CHECK_CLOSE(lz, brute_logz_binary(r), 1e-12, 1e-13, "binary log Z vs brute force over both layers");
      rnnlab_rbm_free(r);
    }
  /* gaussian: the closed form over v against numerical integration, V = 1 and 2 */
  for (int V = 1; V <= 2; V++)
    for (uint64_t seed = 1; seed <= 3; seed++) {
      rnnlab_rbm *r = make_rbm(V, 3, 1, 9);
      randomise(r, 0.8f, 0.8f, seed + 100 * V);
      double lz = 0;
      CHECK(rnnlab_rbm_log_partition(r, &lz) == RNNLAB_OK, "gaussian log_partition: %s", rnnlab_rbm_error(r));
      CHECK_CLOSE(lz, numeric_logz_gaussian(r, 14.0, V == 1 ? 0.005 : 0.03), 1e-9, 1e-10, "gaussian log Z vs numerical integration");
      rnnlab_rbm_free(r);
    }
  /* log-likelihood of every visible state sums to 1 (binary) */
  rnnlab_rbm *r = make_rbm(4, 3, 0, 3);
  randomise(r, 2.0f, 1.0f, 5);
  float all[16 * 4];
  for (int a = 0; a < 16; a++)
    for (int i = 0; i < 4; i++) all[a * 4 + i] = (float)((a >> i) & 1);
  double p = 0.0;
  for (int a = 0; a < 16; a++) {
    double ll;
    CHECK(rnnlab_rbm_log_likelihood(r, all + a * 4, 1, &ll) == RNNLAB_OK, "ll");
    p += exp(ll);
  }
  CHECK_CLOSE(p, 1.0, 1e-13, 0, "sum of p(v) over every v");
  rnnlab_rbm_free(r);
}

/* the exact gradient against central differences of the exact mean log-likelihood */
static void test_exact_gradient(int gaussian) {
  const int V = gaussian ? 2 : 4, H = 3, R = 5;
  rnnlab_rbm *r = make_rbm(V, H, gaussian, 11);
  randomise(r, 1.0f, 0.5f, 77);
  float data[5 * 4];
  rng_state g;
  rng_seed(&g, 3);
  for (int i = 0; i < R * V; i++) data[i] = gaussian ? rng_symmetric(&g, 2.0f) : (float)(rng_uniform(&g) < 0.5f);
  const size_t n = r->n;
  float *grad = malloc(sizeof(float) * n);
  CHECK(rnnlab_rbm_gradient(r, data, R, 0, 0, 0, grad) == RNNLAB_OK, "exact gradient: %s", rnnlab_rbm_error(r));
  double worst = 0.0;
  for (size_t i = 0; i < n; i++) {
    const float w0 = r->params[i], hstep = 0x1p-9f;
    double lp, lm;
    r->params[i] = w0 + hstep, r->version++;
    rnnlab_rbm_log_likelihood(r, data, R, &lp);
    r->params[i] = w0 - hstep, r->version++;
    rnnlab_rbm_log_likelihood(r, data, R, &lm);
    r->params[i] = w0, r->version++;
    const double fd = -(lp - lm) / (2.0 * hstep), d = fabs(fd - grad[i]);
    worst = d > worst ? d : worst;
  }
  CHECK(worst < 2e-5, "%s: exact gradient vs central differences: worst |diff| %.3g", gaussian ? "gaussian" : "binary", worst);
  free(grad);
  rnnlab_rbm_free(r);
}

/* CD-k with large k approaches the exact gradient; CD-1 is biased on a strongly coupled RBM */
static void test_cd_gradient(void) {
  const int V = 4, H = 3, R = 4000;
  rnnlab_rbm *r = make_rbm(V, H, 0, 5);
  randomise(r, 1.5f, 0.5f, 8);
  float *data = malloc(sizeof(float) * R * V);
  const unsigned pats[4] = {0x3, 0xC, 0x5, 0xF};
  for (int n = 0; n < R; n++)
    for (int i = 0; i < V; i++) data[n * V + i] = (float)((pats[n % 4] >> i) & 1);
  float *exact = malloc(sizeof(float) * r->n), *cd = malloc(sizeof(float) * r->n), *cd1 = malloc(sizeof(float) * r->n);
  CHECK(rnnlab_rbm_gradient(r, data, R, 0, 0, 0, exact) == RNNLAB_OK, "exact");
  CHECK(rnnlab_rbm_gradient(r, data, R, 100, 1, 0, cd) == RNNLAB_OK, "cd-100");
  CHECK(rnnlab_rbm_gradient(r, data, R, 1, 1, 0, cd1) == RNNLAB_OK, "cd-1");
  double d100 = 0.0, d1 = 0.0;
  for (size_t i = 0; i < r->n; i++) {
    d100 = fmax(d100, fabs(cd[i] - exact[i]));
    d1 = fmax(d1, fabs(cd1[i] - exact[i]));
  }
  printf("cd gradient: max |CD-100 - exact| = %.4f, max |CD-1 - exact| = %.4f\n", d100, d1);
  CHECK(d100 < 0.04, "CD-100 vs exact: %.4f", d100); /* 4000 chains: each mean has sd <= 0.008 */
  CHECK(d1 > d100, "CD-1 (%.4f) should be further from the exact gradient than CD-100 (%.4f)", d1, d100);
  free(data), free(exact), free(cd), free(cd1);
  rnnlab_rbm_free(r);
}

static void test_ais(void) {
  for (int gaussian = 0; gaussian <= 1; gaussian++) {
    rnnlab_rbm *r = make_rbm(gaussian ? 6 : 12, 8, gaussian, 2);
    randomise(r, gaussian ? 0.3f : 0.6f, 0.5f, 13);
    double exact, est, se;
    CHECK(rnnlab_rbm_log_partition(r, &exact) == RNNLAB_OK, "exact");
    CHECK(rnnlab_rbm_ais(r, 200, 1000, NULL, NULL, 3, 0, &est, &se) == RNNLAB_OK, "ais: %s", rnnlab_rbm_error(r));
    printf("ais (%s): exact %.5f, AIS %.5f +- %.5f\n", gaussian ? "gaussian" : "binary", exact, est, se);
    CHECK(fabs(est - exact) < 3 * se + 1e-3 && se < 0.05, "AIS %.5f +- %.5f vs exact %.5f", est, se, exact);
    rnnlab_rbm_free(r);
  }
}

static int same_bits(const float *a, const float *b, size_t n) { return memcmp(a, b, n * sizeof(float)) == 0; }

static void test_training_and_resume(void) {
  rnnlab_patterns_config pc;
  rnnlab_patterns_config_default(&pc);
  pc.n = 3;
  int32_t rows, w, h;
  CHECK(rnnlab_patterns_shape(&pc, &rows, &w, &h, NULL, 0) == RNNLAB_OK && rows == 14, "bas 3 rows %d", rows);
  float data[14 * 9];
  CHECK(rnnlab_patterns_generate(&pc, data, NULL, NULL, 0) == RNNLAB_OK, "bas");
  for (int method = 0; method <= 1; method++) {
    rnnlab_rbm *a = make_rbm(9, 6, 0, 4);
    rnnlab_rbm_train_config tc;
    rnnlab_rbm_train_config_default(&tc);
    tc.method = method, tc.k = 2, tc.momentum = 0.9f, tc.learning_rate = 0.1f, tc.chains = method ? 20 : 0;
    CHECK(rnnlab_rbm_set_train_config(a, &tc) == RNNLAB_OK, "set train");
    rnnlab_step_result res;
    double ll0, ll1;
    rnnlab_rbm_log_likelihood(a, data, 14, &ll0);
    for (int s = 0; s < 300; s++) CHECK(rnnlab_rbm_step(a, data, 14, &res) == RNNLAB_OK, "step: %s", rnnlab_rbm_error(a));
    rnnlab_rbm_log_likelihood(a, data, 14, &ll1);
    CHECK(ll1 > ll0 + 0.2, "%s: log-likelihood %.4f -> %.4f after 300 steps", method ? "pcd" : "cd", ll0, ll1);
    CHECK(rnnlab_rbm_steps(a) == 300 && rnnlab_rbm_chains(a) == (method ? 20 : 0), "steps %g chains %d", rnnlab_rbm_steps(a), rnnlab_rbm_chains(a));
    /* save, load, and both continue bit for bit */
    const size_t len = rnnlab_rbm_save_size(a, 1);
    uint8_t *buf = malloc(len);
    CHECK(rnnlab_rbm_save(a, 1, buf, len) == RNNLAB_OK, "save");
    rnnlab_rbm *b = NULL;
    char err[ERRLEN];
    CHECK(rnnlab_rbm_load(buf, len, &b, err, sizeof err) == RNNLAB_OK && b, "load: %s", err);
    if (b) {
      rnnlab_step_result ra, rb;
      for (int s = 0; s < 20; s++) {
        rnnlab_rbm_step(a, data, 14, &ra);
        rnnlab_rbm_step(b, data, 14, &rb);
      }
      CHECK(ra.loss == rb.loss && same_bits(a->params, b->params, a->n), "resume: the two RBMs diverged");
      CHECK(rnnlab_rbm_steps(b) == 320, "steps after load %g", rnnlab_rbm_steps(b));
      /* corruption and truncation are named */
      buf[len / 2] ^= 1;
      rnnlab_rbm *c = NULL;
      CHECK(rnnlab_rbm_load(buf, len, &c, err, sizeof err) == RNNLAB_EFORMAT && !c && strstr(err, "checksum"), "corrupt: %s", err);
      CHECK(rnnlab_rbm_load(buf, len - 9, &c, err, sizeof err) == RNNLAB_EFORMAT && strstr(err, "truncated"), "truncated: %s", err);
      buf[7] = 1;
      CHECK(rnnlab_rbm_load(buf, len, &c, err, sizeof err) == RNNLAB_EFORMAT && strstr(err, "not an RBM"), "kind: %s", err);
    }
    free(buf);
    rnnlab_rbm_free(a);
    rnnlab_rbm_free(b);
  }
}

static void test_refusals(void) {
  rnnlab_rbm *r = make_rbm(4, 3, 0, 1);
  float bad[8] = {0, 1, 0, 1, 1, 0, NAN, 0};
  rnnlab_step_result res;
  CHECK(rnnlab_rbm_step(r, bad, 2, &res) == RNNLAB_ENONFINITE && strstr(rnnlab_rbm_error(r), "data[6] (row 1, unit 2) is nan"),
        "NaN: %s", rnnlab_rbm_error(r));
  bad[6] = 0.5f;
  CHECK(rnnlab_rbm_step(r, bad, 2, &res) == RNNLAB_EINVAL && strstr(rnnlab_rbm_error(r), "0 or 1"), "0.5: %s", rnnlab_rbm_error(r));
  bad[6] = 1.0f;
  CHECK(rnnlab_rbm_step(r, bad, 2, &res) == RNNLAB_OK && rnnlab_rbm_steps(r) == 1, "usable after refusals: %s", rnnlab_rbm_error(r));
  rnnlab_rbm_train_config tc;
  rnnlab_rbm_train_config_default(&tc);
  tc.k = 0;
  CHECK(rnnlab_rbm_set_train_config(r, &tc) == RNNLAB_EINVAL && strstr(rnnlab_rbm_error(r), "k must be"), "k: %s", rnnlab_rbm_error(r));
  rnnlab_rbm_free(r);
  r = make_rbm(30, 25, 0, 1);
  double lz;
  CHECK(rnnlab_rbm_log_partition(r, &lz) == RNNLAB_EINVAL && strstr(rnnlab_rbm_error(r), "2^25 states") &&
            strstr(rnnlab_rbm_error(r), "2^24 = 16777216"),
        "limit: %s", rnnlab_rbm_error(r));
  rnnlab_rbm_free(r);
  rnnlab_rbm_config c;
  rnnlab_rbm_config_default(&c);
  c.visible = 0, c.hidden = 3;
  char err[ERRLEN];
  CHECK(rnnlab_rbm_create(&c, &r, err, sizeof err) == RNNLAB_EINVAL && !r && strstr(err, "visible must be"), "visible 0: %s", err);
}

static void test_patterns(void) {
  rnnlab_patterns_config pc;
  rnnlab_patterns_config_default(&pc);
  for (int n = 1; n <= 5; n++) {
    pc.kind = RNNLAB_PATTERNS_BARS_AND_STRIPES, pc.n = n;
    int32_t rows, w, h;
    CHECK(rnnlab_patterns_shape(&pc, &rows, &w, &h, NULL, 0) == RNNLAB_OK, "shape");
    CHECK(rows == (2 << n) - 2 && w == n && h == n, "bas n=%d: rows %d", n, rows);
    float *d = malloc(sizeof(float) * rows * n * n);
    int32_t *lab = malloc(sizeof(int32_t) * rows);
    CHECK(rnnlab_patterns_generate(&pc, d, lab, NULL, 0) == RNNLAB_OK, "bas generate");
    int dup = 0, shape_ok = 1;
    for (int a = 0; a < rows; a++) {
      for (int b = a + 1; b < rows; b++) dup += memcmp(d + a * n * n, d + b * n * n, sizeof(float) * n * n) == 0;
      int rows_eq = 1, cols_eq = 1; /* every row the same (bars) or every column the same (stripes) */
      for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
          rows_eq &= d[a * n * n + y * n + x] == d[a * n * n + x];
          cols_eq &= d[a * n * n + y * n + x] == d[a * n * n + y * n];
        }
      shape_ok &= rows_eq || cols_eq;
    }
    CHECK(dup == 0 && shape_ok, "bas n=%d: %d duplicates, shapes ok %d", n, dup, shape_ok);
    free(d), free(lab);
  }
  pc.kind = RNNLAB_PATTERNS_DIGITS, pc.count = 20, pc.noise = 0.0f;
  float dg[20 * 35];
  int32_t lab[20];
  CHECK(rnnlab_patterns_generate(&pc, dg, lab, NULL, 0) == RNNLAB_OK, "digits");
  int exact = 1;
  for (int r = 0; r < 20; r++)
    for (int y = 0; y < 7; y++)
      for (int x = 0; x < 5; x++) exact &= dg[r * 35 + y * 5 + x] == (float)patterns_digit_pixel(r % 10, y, x) && lab[r] == r % 10;
  CHECK(exact, "noiseless digits are the font");
  pc.kind = RNNLAB_PATTERNS_RANDOM, pc.rows = 3, pc.size = 0;
  char err[ERRLEN];
  CHECK(rnnlab_patterns_shape(&pc, NULL, NULL, NULL, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "size must be"), "size 0: %s", err);
}

/* deep belief nets: a two-layer DBN is the RBM of its seed; greedy training leaves the RBMs
 * below alone; the schedule moves up; save/load resumes bit for bit */
static void test_dbn(void) {
  rnnlab_patterns_config pc;
  rnnlab_patterns_config_default(&pc);
  pc.kind = RNNLAB_PATTERNS_DIGITS, pc.count = 30, pc.noise = 0.05f, pc.seed_lo = 2;
  float data[30 * 35];
  CHECK(rnnlab_patterns_generate(&pc, data, NULL, NULL, 0) == RNNLAB_OK, "digits");
  rnnlab_rbm_train_config tc;
  rnnlab_rbm_train_config_default(&tc);
  tc.k = 2, tc.learning_rate = 0.05f, tc.momentum = 0.9f;
  char err[ERRLEN];
  /* [35, 20] against the RBM of the same seed */
  const int32_t two[2] = {35, 20};
  rnnlab_dbn *d = NULL;
  CHECK(rnnlab_dbn_create(two, 2, 0, 0.01f, 5, 0, &d, err, sizeof err) == RNNLAB_OK, "dbn create: %s", err);
  rnnlab_rbm *r = make_rbm(35, 20, 0, 5);
  CHECK(rnnlab_dbn_set_train_config(d, &tc) == RNNLAB_OK && rnnlab_rbm_set_train_config(r, &tc) == RNNLAB_OK, "train config");
  rnnlab_step_result a, b;
  for (int i = 0; i < 25; i++) {
    rnnlab_dbn_step(d, data, 30, &a);
    rnnlab_rbm_step(r, data, 30, &b);
  }
  CHECK(a.loss == b.loss && same_bits(rnnlab_dbn_rbm(d, 0)->params, r->params, r->n), "a 2-layer DBN is the RBM of its seed");
  rnnlab_dbn_free(d);
  rnnlab_rbm_free(r);
  /* [35, 24, 12, 6] greedily, 40 updates per layer */
  const int32_t sizes[4] = {35, 24, 12, 6};
  CHECK(rnnlab_dbn_create(sizes, 4, 0, 0.01f, 7, 0, &d, err, sizeof err) == RNNLAB_OK, "dbn create: %s", err);
  CHECK(rnnlab_dbn_set_train_config(d, &tc) == RNNLAB_OK && rnnlab_dbn_set_steps_per_layer(d, 40) == RNNLAB_OK, "schedule");
  float *w0 = malloc(sizeof(float) * rnnlab_dbn_rbm(d, 0)->n);
  for (int i = 0; i < 40; i++) rnnlab_dbn_step(d, data, 30, &a);
  CHECK(rnnlab_dbn_current(d) == 0 && rnnlab_dbn_steps(d) == 40, "still on RBM 0 after 40 updates: %d", rnnlab_dbn_current(d));
  memcpy(w0, rnnlab_dbn_rbm(d, 0)->params, sizeof(float) * rnnlab_dbn_rbm(d, 0)->n);
  for (int i = 0; i < 40; i++) CHECK(rnnlab_dbn_step(d, data, 30, &a) == RNNLAB_OK, "step: %s", rnnlab_dbn_error(d));
  CHECK(rnnlab_dbn_current(d) == 1 && rnnlab_rbm_steps(rnnlab_dbn_rbm(d, 1)) == 40, "moved to RBM 1");
  CHECK(same_bits(w0, rnnlab_dbn_rbm(d, 0)->params, rnnlab_dbn_rbm(d, 0)->n), "training RBM 1 leaves RBM 0 alone");
  for (int i = 0; i < 100; i++) rnnlab_dbn_step(d, data, 30, &a);
  CHECK(rnnlab_dbn_current(d) == 2 && rnnlab_rbm_steps(rnnlab_dbn_rbm(d, 2)) == 100 && rnnlab_dbn_steps(d) == 180, "the top RBM keeps training");
  float up1[30 * 24], ph[30 * 24], rec[30 * 35];
  CHECK(rnnlab_dbn_up(d, data, 30, 1, up1) == RNNLAB_OK, "up");
  rbm_hidden_probs(rnnlab_dbn_rbm(d, 0), data, 30, ph);
  CHECK(same_bits(up1, ph, 30 * 24), "the up pass to layer 1 is RBM 0's p(h | v)");
  double e, acc;
  CHECK(rnnlab_dbn_reconstruct(d, data, 30, rec, &e, &acc) == RNNLAB_OK && e >= 0 && e < 0.3, "up-down reconstruction error %g", e);
  float vis[8 * 35], pr[8 * 35];
  CHECK(rnnlab_dbn_sample(d, 8, 20, 3, 0, vis, pr) == RNNLAB_OK, "sample: %s", rnnlab_dbn_error(d));
  int binary = 1;
  for (int i = 0; i < 8 * 35; i++) binary &= (vis[i] == 0.0f || vis[i] == 1.0f) && pr[i] >= 0.0f && pr[i] <= 1.0f;
  CHECK(binary, "samples are 0/1, probabilities in [0, 1]");
  /* save, load, continue bit for bit */
  const size_t len = rnnlab_dbn_save_size(d, 1);
  uint8_t *buf = malloc(len);
  CHECK(rnnlab_dbn_save(d, 1, buf, len) == RNNLAB_OK, "save");
  rnnlab_dbn *d2 = NULL;
  CHECK(rnnlab_dbn_load(buf, len, &d2, err, sizeof err) == RNNLAB_OK && d2, "load: %s", err);
  if (d2) {
    for (int i = 0; i < 10; i++) {
      rnnlab_dbn_step(d, data, 30, &a);
      rnnlab_dbn_step(d2, data, 30, &b);
    }
    CHECK(a.loss == b.loss && same_bits(rnnlab_dbn_rbm(d, 2)->params, rnnlab_dbn_rbm(d2, 2)->params, rnnlab_dbn_rbm(d, 2)->n), "resume");
    rnnlab_dbn_free(d2);
  }
  buf[len - 20] ^= 4;
  CHECK(rnnlab_dbn_load(buf, len, &d2, err, sizeof err) == RNNLAB_EFORMAT && strstr(err, "checksum"), "corrupt: %s", err);
  CHECK(rnnlab_dbn_load(buf, len / 2, &d2, err, sizeof err) == RNNLAB_EFORMAT && strstr(err, "truncated"), "truncated: %s", err);
  free(buf), free(w0);
  /* refusals */
  CHECK(rnnlab_dbn_set_current(d, 3) == RNNLAB_EINVAL && strstr(rnnlab_dbn_error(d), "layer must be in 0..2"), "%s", rnnlab_dbn_error(d));
  data[3] = 0.5f;
  CHECK(rnnlab_dbn_step(d, data, 30, &a) == RNNLAB_EINVAL && strstr(rnnlab_dbn_error(d), "0 or 1"), "%s", rnnlab_dbn_error(d));
  rnnlab_dbn_free(d);
  const int32_t one[1] = {4}, bad[3] = {4, 0, 2};
  CHECK(rnnlab_dbn_create(one, 1, 0, 0.01f, 1, 0, &d, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "2..16 sizes"), "%s", err);
  CHECK(rnnlab_dbn_create(bad, 3, 0, 0.01f, 1, 0, &d, err, sizeof err) == RNNLAB_EINVAL && strstr(err, "layers[0] -> layers[1]"), "%s", err);
}

int main(void) {
  test_arithmetic();
  test_exact_logz();
  test_exact_gradient(0);
  test_exact_gradient(1);
  test_cd_gradient();
  test_ais();
  test_training_and_resume();
  test_refusals();
  test_patterns();
  test_dbn();
  return check_summary("test_rbm");
}
