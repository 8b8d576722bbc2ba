/* test_systems.c - the dynamical systems of core/tasks/systems.c against what is known of them:
 * RK4 accuracy (halving every step changes a row by < 1e-6), van der Pol's period (mu = 1:
 * 6.6633) and amplitude from zero crossings, the Hopf cycle's radius 1 and period 2 pi / omega,
 * Lorenz inside its attractor's bounds, Mackey-Glass (tau 17) bounded in [0.2, 1.4] and chaotic
 * (an integration difference grows exponentially, near the documented exponent) while van der
 * Pol's does not; the sine and flip-flop definitions checked step by step by an independent
 * reading; the teacher-forced layout (target t is input t + 1); determinism, an evaluation
 * stream apart from the training stream, scores of an oracle and of spoiled outputs, the
 * closed-loop fields, and options refused by name. White box: includes the tasks' private header
 * for systems_trajectory. */
#include <stdlib.h>
#include <string.h>

#include "../../core/rnnlab.h"
#include "../../core/tasks/task.h"
#include "check.h"

static char err[256];

static rnnlab_task *make(const char *name, const char *opts) {
  rnnlab_task *t = NULL;
  rnnlab_status s = rnnlab_task_create(name, opts, NULL, 0, &t, err, sizeof err);
  CHECK(s == RNNLAB_OK && t, "create %s(%s): %s", name, opts ? opts : "", err);
  return t;
}

static int contains(const char *hay, const char *needle) { return hay && strstr(hay, needle) != NULL; }

/* n samples of dim channels with the task's step and with half of it: the largest difference. */
static double halving_difference(const rnnlab_task *t, uint64_t seed, int n, int dim) {
  double *a = malloc(sizeof(double) * n * dim), *b = malloc(sizeof(double) * n * dim), m = 0;
  CHECK(systems_trajectory(t, seed, 1, n, a) == RNNLAB_OK && systems_trajectory(t, seed, 2, n, b) == RNNLAB_OK, "trajectories");
  for (int i = 0; i < n * dim; i++) m = fmax(m, fabs(a[i] - b[i]));
  free(a), free(b);
  return m;
}

/* Upward zero crossings of channel c (linear interpolation between samples, in sample units). */
static int crossings(const double *z, int n, int dim, int c, double *at, int most) {
  int k = 0;
  for (int i = 1; i < n && k < most; i++) {
    const double a = z[(i - 1) * dim + c], b = z[i * dim + c];
    if (a < 0 && b >= 0) at[k++] = i - 1 + a / (a - b);
  }
  return k;
}

static void test_accuracy(void) {
  /* every system at its defaults over a row of the default length (200 samples) */
  const char *names[] = {"vanderpol", "lorenz", "mackey-glass", "limit-cycle"};
  const int dims[] = {2, 3, 1, 2};
  for (int k = 0; k < 4; k++) {
    rnnlab_task *t = make(names[k], NULL);
    if (!t) continue;
    for (uint64_t seed = 1; seed <= 3; seed++) {
      const double d = halving_difference(t, seed, 201, dims[k]);
      CHECK(d < 1e-6, "%s seed %llu: halving the step changes 201 samples by %.3g", names[k], (unsigned long long)seed, d);
      if (seed == 1) printf("  %s: halving the step changes a 200-step row by %.2g\n", names[k], d);
    }
    rnnlab_task_free(t);
  }
  /* Lorenz is chaotic: past the row the difference grows as chaos does, yet over a row and its
   * closed-loop horizon (200 + 552 samples, 15 time units) it stays far below the valid time's 0.4 */
  rnnlab_task *t = make("lorenz", NULL);
  if (t) {
    double d400 = 0, d752 = 0;
    for (uint64_t seed = 1; seed <= 3; seed++)
      d400 = fmax(d400, halving_difference(t, seed, 401, 3)), d752 = fmax(d752, halving_difference(t, seed, 753, 3));
    CHECK(d400 < 1e-5, "lorenz: 400 samples %.3g", d400);
    CHECK(d752 < 1e-2, "lorenz: evalLength + horizon = 752 samples %.3g", d752);
    printf("  lorenz: 400 samples %.2g, 752 samples %.2g (largest of 3 rows)\n", d400, d752);
    rnnlab_task_free(t);
  }
  /* larger mu and omega take smaller steps */
  const char *more[][2] = {{"vanderpol", "mu=5"}, {"vanderpol", "mu=10"}, {"limit-cycle", "omega=10"}, {"mackey-glass", "tau=30"}};
  for (int k = 0; k < 4; k++) {
    if (!(t = make(more[k][0], more[k][1]))) continue;
    const double d = halving_difference(t, 1, 201, more[k][0][0] == 'm' ? 1 : 2);
    CHECK(d < 1e-6, "%s %s: %.3g", more[k][0], more[k][1], d);
    rnnlab_task_free(t);
  }
}

static void test_vanderpol(void) {
  rnnlab_task *t = make("vanderpol", "mu=1");
  if (!t) return;
  enum { N = 2000 }; /* 200 time units, 30 periods */
  double *z = malloc(sizeof(double) * N * 2), at[64];
  CHECK(systems_trajectory(t, 5, 1, N, z) == RNNLAB_OK, "trajectory");
  const int n = crossings(z, N, 2, 0, at, 64);
  CHECK(n >= 25, "%d crossings", n);
  const double period = (at[n - 1] - at[0]) / (n - 1) * 0.1; /* samples every 0.1 */
  CHECK_CLOSE(period, 6.6633, 1e-3, 0, "van der Pol mu = 1 period");
  double xmax = 0, ymax = 0;
  for (int i = 0; i < N; i++) xmax = fmax(xmax, fabs(z[2 * i])), ymax = fmax(ymax, fabs(z[2 * i + 1]));
  CHECK_CLOSE(2 * xmax, 2.0086, 2e-3, 0, "van der Pol amplitude |x|"); /* channel x/2 */
  CHECK_CLOSE(2 * ymax, 2.6784, 5e-3, 0, "van der Pol |x'| peak");
  printf("  van der Pol mu = 1: period %.5f, amplitude %.4f\n", period, 2 * xmax);
  free(z);
  rnnlab_task_free(t);
  /* mu = 4: period about 10.20, y scaled by 1/(2 mu) */
  if (!(t = make("vanderpol", "mu=4"))) return;
  z = malloc(sizeof(double) * N * 2);
  CHECK(systems_trajectory(t, 5, 1, N, z) == RNNLAB_OK, "trajectory");
  const int n4 = crossings(z, N, 2, 0, at, 64);
  CHECK_CLOSE((at[n4 - 1] - at[0]) / (n4 - 1) * 0.1, 10.2035, 2e-3, 0, "van der Pol mu = 4 period");
  ymax = 0;
  for (int i = 0; i < N; i++) ymax = fmax(ymax, fabs(z[2 * i + 1]));
  CHECK(ymax < 1 && ymax > 0.7, "mu = 4: |y|/(2 mu) peaks at %g", ymax);
  free(z);
  rnnlab_task_free(t);
}

static void test_limit_cycle(void) {
  const double omegas[] = {1, 2.5};
  for (int k = 0; k < 2; k++) {
    char opts[64];
    snprintf(opts, sizeof opts, "omega=%g,transient=20", omegas[k]);
    rnnlab_task *t = make("limit-cycle", opts);
    if (!t) continue;
    enum { N = 1000 };
    double *z = malloc(sizeof(double) * N * 2), at[64], rerr = 0;
    CHECK(systems_trajectory(t, 9, 1, N, z) == RNNLAB_OK, "trajectory");
    for (int i = 0; i < N; i++) rerr = fmax(rerr, fabs(sqrt(z[2 * i] * z[2 * i] + z[2 * i + 1] * z[2 * i + 1]) - 1));
    CHECK(rerr < 1e-6, "omega %g: radius off 1 by %.3g", omegas[k], rerr);
    const int n = crossings(z, N, 2, 0, at, 64);
    const double period = (at[n - 1] - at[0]) / (n - 1) * 0.1;
    CHECK_CLOSE(period, 6.283185307179586 / omegas[k], 2e-4, 0, "Hopf period 2 pi / omega");
    free(z);
    rnnlab_task_free(t);
  }
  /* the default keeps the approach: rows start off the cycle and end on it */
  rnnlab_task *t = make("limit-cycle", NULL);
  if (!t) return;
  double z[2 * 200];
  double off = 0;
  for (uint64_t seed = 1; seed <= 20; seed++) {
    CHECK(systems_trajectory(t, seed, 1, 200, z) == RNNLAB_OK, "trajectory");
    const double r0 = sqrt(z[0] * z[0] + z[1] * z[1]), r1 = sqrt(z[398] * z[398] + z[399] * z[399]);
    CHECK(r0 >= 0.5 && r0 <= 1.5, "start radius %g in [0.5, 1.5]", r0);
    CHECK(fabs(r1 - 1) < 1e-6, "on the cycle after 20 time units (%g)", r1);
    off = fmax(off, fabs(r0 - 1));
  }
  CHECK(off > 0.3, "starts off the cycle (largest |r - 1| %g)", off);
  rnnlab_task_free(t);
}

static void test_lorenz(void) {
  rnnlab_task *t = make("lorenz", NULL);
  if (!t) return;
  enum { N = 5000 };
  double *z = malloc(sizeof(double) * N * 3), lo[3] = {1e9, 1e9, 1e9}, hi[3] = {-1e9, -1e9, -1e9}, zmean = 0;
  for (uint64_t seed = 1; seed <= 8; seed++) {
    CHECK(systems_trajectory(t, seed, 1, N, z) == RNNLAB_OK, "trajectory");
    for (int i = 0; i < N; i++)
      for (int c = 0; c < 3; c++) lo[c] = fmin(lo[c], z[3 * i + c]), hi[c] = fmax(hi[c], z[3 * i + c]);
    for (int i = 0; i < N; i++) zmean += z[3 * i + 2] / (8.0 * N);
  }
  /* raw units: |x| < 20, |y| < 27, 1 < z < 48 (the attractor's box), and it fills most of it */
  CHECK(lo[0] > -2.0 && hi[0] < 2.0 && lo[0] < -1.6 && hi[0] > 1.6, "x/10 in [%g, %g]", lo[0], hi[0]);
  CHECK(lo[1] > -2.7 && hi[1] < 2.7 && lo[1] < -2.2 && hi[1] > 2.2, "y/10 in [%g, %g]", lo[1], hi[1]);
  CHECK(lo[2] > -2.4 && hi[2] < 2.3 && hi[2] > 1.8, "(z - 25)/10 in [%g, %g]", lo[2], hi[2]);
  CHECK_CLOSE(zmean * 10 + 25, 23.55, 0.5, 0, "mean z");
  printf("  lorenz: x/10 [%.3f, %.3f], y/10 [%.3f, %.3f], (z-25)/10 [%.3f, %.3f], mean z %.2f\n", lo[0], hi[0], lo[1], hi[1], lo[2],
         hi[2], zmean * 10 + 25);
  free(z);
  rnnlab_task_free(t);
}

static void test_mackey_glass(void) {
  rnnlab_task *t = make("mackey-glass", NULL);
  if (!t) return;
  enum { N = 6000 };
  double *a = malloc(sizeof(double) * N), *b = malloc(sizeof(double) * N), lo = 1e9, hi = -1e9;
  for (uint64_t seed = 1; seed <= 4; seed++) {
    CHECK(systems_trajectory(t, seed, 1, N, a) == RNNLAB_OK, "trajectory");
    for (int i = 0; i < N; i++) lo = fmin(lo, a[i] * 0.25 + 0.9), hi = fmax(hi, a[i] * 0.25 + 0.9);
  }
  CHECK(lo > 0.2 && hi < 1.4 && lo < 0.5 && hi > 1.25, "x in [%g, %g] inside [0.2, 1.4]", lo, hi);
  /* chaotic: the integration difference (halved step) grows exponentially, near 0.0051 per time unit */
  CHECK(systems_trajectory(t, 1, 1, N, a) == RNNLAB_OK && systems_trajectory(t, 1, 2, N, b) == RNNLAB_OK, "trajectories");
  double d1 = 0, d2 = 0;
  for (int i = 0; i < N; i++) {
    const double d = fabs(a[i] - b[i]);
    if (i < 1000) d1 = fmax(d1, d);
    else if (i < 2500) d2 = fmax(d2, d);
  }
  double late = 0;
  for (int i = 4000; i < N; i++) late = fmax(late, fabs(a[i] - b[i]));
  const double rate = log(d2 / d1) / 1500;
  CHECK(d1 < 1e-6 && late > 1e-2, "mackey-glass differences %.3g (t < 1000), %.3g (t > 4000)", d1, late);
  CHECK(rate > 0.002 && rate < 0.012, "growth rate %g per time unit", rate);
  printf("  mackey-glass: x in [%.3f, %.3f]; halved-step difference %.2g by t = 1000, %.2g by 2500, %.2g after 4000 (rate %.4f)\n", lo,
         hi, d1, d2, late, rate);
  free(a), free(b);
  rnnlab_task_free(t);
  /* van der Pol is not chaotic: the same difference stays small */
  if (!(t = make("vanderpol", NULL))) return;
  const double dv = halving_difference(t, 1, 6000, 2);
  CHECK(dv < 1e-5, "van der Pol over 6000 samples: %.3g", dv);
  rnnlab_task_free(t);
}

/* ---- the definitions, step by step ---- */

static void test_layout(void) {
  const char *names[] = {"vanderpol", "lorenz", "mackey-glass", "limit-cycle"};
  const int dims[] = {2, 3, 1, 2};
  for (int k = 0; k < 4; k++) {
    rnnlab_task *t = make(names[k], "length=50");
    if (!t) continue;
    const rnnlab_task_info *in = rnnlab_task_get_info(t);
    CHECK(in->input_size == dims[k] && in->output_size == dims[k] && in->input_kind == RNNLAB_INPUT_DENSE &&
              in->output_kind == RNNLAB_OUTPUT_LINEAR,
          "%s: sizes %d %d", names[k], in->input_size, in->output_size);
    rnnlab_batch b;
    CHECK(rnnlab_task_batch(t, 3, 0, &b) == RNNLAB_OK && b.length == 50 && b.inputs && b.targets && !b.tokens, "%s: batch", names[k]);
    const int d = dims[k];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j + 1 < 50; j++) {
        CHECK(b.mask[i * 50 + j] == 1, "mask");
        for (int c = 0; c < d; c++)
          CHECK(b.targets[(i * 50 + j) * d + c] == b.inputs[(i * 50 + j + 1) * d + c], "%s: target %d is input %d", names[k], j, j + 1);
      }
    /* the row is the trajectory from a seeded start: rows differ */
    CHECK(memcmp(b.inputs, b.inputs + 50 * d, sizeof(float) * d) != 0, "%s: rows start apart", names[k]);
    rnnlab_task_free(t);
  }
}

static void test_sine(void) {
  rnnlab_task *t = make("sine", "length=120,segments=3");
  if (!t) return;
  const rnnlab_task_info *in = rnnlab_task_get_info(t);
  CHECK(in->input_size == 1 && in->output_size == 1, "sizes");
  CHECK(!strcmp(rnnlab_task_symbol(t, 0, 0), "omega") && !strcmp(rnnlab_task_symbol(t, 1, 0), "sin"), "symbols");
  rnnlab_batch b;
  CHECK(rnnlab_task_batch(t, 20, 0, &b) == RNNLAB_OK && b.length == 120, "batch");
  double worst = 0;
  int changes = 0;
  for (int i = 0; i < 20; i++) {
    double phi = 0;
    for (int j = 0; j < 120; j++) {
      const float w = b.inputs[i * 120 + j];
      CHECK(w >= 0.1f && w <= 0.6f, "omega %g in [0.1, 0.6]", w);
      if (j && w != b.inputs[i * 120 + j - 1]) {
        changes++;
        CHECK(j == 40 || j == 80, "a piece starts at %d (40, 80)", j);
      }
      if (j) phi += w;
      worst = fmax(worst, fabs(b.targets[i * 120 + j] - sin(phi)));
    }
  }
  CHECK(changes >= 35, "%d frequency changes in 20 rows of 3 pieces", changes);
  CHECK(worst < 1e-6, "target = sin(phase): off by %.3g", worst);
  rnnlab_task_free(t);
}

static void test_flipflop(void) {
  rnnlab_task *t = make("flipflop", "length=200,pulse=0.1");
  if (!t) return;
  const rnnlab_task_info *in = rnnlab_task_get_info(t);
  CHECK(in->input_size == 3 && in->output_size == 3, "3 bits");
  CHECK(!strcmp(rnnlab_task_symbol(t, 0, 2), "in3") && !strcmp(rnnlab_task_symbol(t, 1, 0), "out1"), "symbols");
  rnnlab_batch b;
  CHECK(rnnlab_task_batch(t, 50, 0, &b) == RNNLAB_OK && b.length == 200, "batch");
  long pulses = 0, plus = 0, zeros = 0, wrong = 0;
  for (int i = 0; i < 50; i++)
    for (int c = 0; c < 3; c++) {
      float last = 0;
      for (int j = 0; j < 200; j++) {
        const float u = b.inputs[(i * 200 + j) * 3 + c], y = b.targets[(i * 200 + j) * 3 + c];
        CHECK(u == 0 || u == 1 || u == -1, "input %g", u);
        if (u != 0) pulses++, plus += u > 0, last = u;
        wrong += y != last;
        zeros += y == 0;
      }
    }
  CHECK(wrong == 0, "%ld targets differ from the sign of the last pulse", wrong);
  CHECK(fabs(pulses / (50.0 * 3 * 200) - 0.1) < 0.01, "pulse rate %g", pulses / (50.0 * 3 * 200));
  CHECK(fabs((double)plus / pulses - 0.5) < 0.05, "+1 share %g", (double)plus / pulses);
  CHECK(zeros > 0, "0 before the first pulse");
  /* scores: the oracle is right everywhere; one flipped bit costs exactly one bit */
  float *o = malloc(sizeof(float) * 50 * 200 * 3);
  for (int i = 0; i < 50 * 200 * 3; i++) o[i] = b.targets[i] ? b.targets[i] * 0.7f : 0.3f;
  rnnlab_task_result r;
  CHECK(rnnlab_task_score(t, &b, o, &r) == RNNLAB_OK, "%s", rnnlab_task_error(t));
  long defined = 50 * 200 * 3 - zeros;
  CHECK(r.accuracy == 1 && r.step_accuracy == 1 && r.solved && r.steps == 50 * 200 && r.sequences == 50, "oracle %g %g", r.accuracy,
        r.step_accuracy);
  int at = -1;
  for (int i = 0; i < 50 * 200 * 3 && at < 0; i++)
    if (b.targets[i] != 0) at = i;
  o[at] = -o[at];
  CHECK(rnnlab_task_score(t, &b, o, &r) == RNNLAB_OK, "score");
  CHECK_CLOSE(r.accuracy, 1.0 - 1.0 / defined, 1e-6, 0, "one bit wrong");
  CHECK(r.step_accuracy < 1 && r.solved, "step accuracy %g", r.step_accuracy);
  free(o);
  rnnlab_task_free(t);
}

static void test_scores(void) {
  rnnlab_task *t = make("lorenz", "length=40");
  if (!t) return;
  rnnlab_batch b;
  CHECK(rnnlab_task_batch(t, 10, 0, &b) == RNNLAB_OK, "batch");
  const size_t n = 10 * 40 * 3;
  float *o = malloc(sizeof(float) * n);
  memcpy(o, b.targets, sizeof(float) * n);
  rnnlab_task_result r;
  CHECK(rnnlab_task_score(t, &b, o, &r) == RNNLAB_OK, "%s", rnnlab_task_error(t));
  CHECK(r.accuracy == 1 && r.loss == 0 && r.ngram_bpc[0] == 0 && r.ngram_bpc[1] > 0.5f && r.solved, "oracle: acc %g rmse %g mean %g",
        r.accuracy, r.ngram_bpc[0], r.ngram_bpc[1]);
  CHECK(isnan(r.ngram_bpc[2]) && isnan(r.ngram_bpc[3]) && isnan(r.ngram_bpc[4]), "no closed loop in a score");
  /* persistence (the input as the prediction): RMSE of the one-step change, most steps beyond 0.05 */
  double sq = 0;
  for (size_t i = 0; i < n; i++) sq += (double)(b.inputs[i] - b.targets[i]) * (b.inputs[i] - b.targets[i]);
  CHECK(rnnlab_task_score(t, &b, b.inputs, &r) == RNNLAB_OK, "score");
  CHECK_CLOSE(r.ngram_bpc[0], sqrt(sq / n), 1e-6, 1e-5, "persistence RMSE");
  CHECK_CLOSE(r.loss, 0.5 * sq / 400, 1e-6, 1e-5, "loss (1/2)||o - d||^2 per step");
  CHECK(r.accuracy < 0.5f && !r.solved, "persistence accuracy %g", r.accuracy);
  printf("  lorenz one-step persistence: RMSE %.4f, accuracy %.3f, mean predictor %.3f\n", r.ngram_bpc[0], r.accuracy, r.ngram_bpc[1]);
  /* one step off by 0.06 on one channel: not right with the default tolerance 0.05 */
  memcpy(o, b.targets, sizeof(float) * n);
  o[3 * 17 + 1] += 0.06f;
  CHECK(rnnlab_task_score(t, &b, o, &r) == RNNLAB_OK, "score");
  CHECK_CLOSE(r.accuracy, 1.0 - 1.0 / 400, 1e-6, 0, "one step off");
  CHECK_CLOSE(r.max_error, 0.06, 1e-5, 0, "max error");
  free(o);
  rnnlab_task_free(t);
}

static rnnlab_model *model_for(const rnnlab_task *t, int cell, int H, int bidir) {
  const rnnlab_task_info *in = rnnlab_task_get_info(t);
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = cell, c.hidden_size = H, c.bidirectional = bidir;
  c.input_size = in->input_size, c.input_kind = in->input_kind;
  c.output_size = in->output_size, c.output_kind = in->output_kind;
  c.seed_lo = 3;
  rnnlab_model *m = NULL;
  CHECK(rnnlab_model_create(&c, &m, err, sizeof err) == RNNLAB_OK, "model: %s", err);
  return m;
}

static uint64_t hash(const float *x, size_t n) {
  uint64_t h = 1469598103934665603ull;
  const unsigned char *p = (const unsigned char *)x;
  for (size_t i = 0; i < n * sizeof(float); i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static void test_evaluate(void) {
  rnnlab_task *t = make("vanderpol", "length=30,horizon=25");
  rnnlab_task *u = make("vanderpol", "length=30,horizon=25");
  if (!t || !u) return;
  rnnlab_model *m = model_for(t, RNNLAB_CELL_GRU, 8, 0), *bi = model_for(t, RNNLAB_CELL_GRU, 8, 1);
  rnnlab_task_result r1, r2;
  CHECK(rnnlab_task_evaluate(t, m, 20, 0, 5, &r1) == RNNLAB_OK, "evaluate: %s", rnnlab_task_error(t));
  CHECK(rnnlab_task_evaluate(t, m, 20, 0, 5, &r2) == RNNLAB_OK && !memcmp(&r1, &r2, sizeof r1), "same seed, same result");
  CHECK(r1.sequences == 20 && r1.steps == 600 && r1.loss > 0, "counts %d %d", r1.sequences, r1.steps);
  for (int k = 0; k < 4; k++) CHECK(isfinite(r1.ngram_bpc[k]) && r1.ngram_bpc[k] >= 0, "field %d = %g", k, r1.ngram_bpc[k]);
  CHECK(r1.ngram_bpc[3] <= 25, "valid steps %g of 25", r1.ngram_bpc[3]);
  CHECK(isnan(r1.ngram_bpc[4]), "van der Pol is not chaotic: no Lyapunov times");
  CHECK(rnnlab_task_evaluate(t, m, 20, 0, 6, &r2) == RNNLAB_OK && r2.loss != r1.loss, "another seed, other data");
  /* the evaluation stream is apart from the training stream, which it leaves where it was */
  rnnlab_batch b;
  CHECK(rnnlab_task_batch(t, 4, 0, &b) == RNNLAB_OK, "batch");
  const uint64_t ht = hash(b.inputs, 4 * 30 * 2);
  CHECK(rnnlab_task_batch(u, 4, 0, &b) == RNNLAB_OK && hash(b.inputs, 4 * 30 * 2) == ht, "evaluate does not move the training stream");
  CHECK(rnnlab_task_evaluate(t, m, 4, 0, 1, &r2) == RNNLAB_OK, "evaluate");
  CHECK(hash(t->eval.in, 4 * 30 * 2) != ht, "evaluation rows (seed 1) are not the training rows (seed 1)");
  /* a bidirectional model has no closed loop */
  CHECK(rnnlab_task_evaluate(t, bi, 10, 0, 5, &r2) == RNNLAB_OK && isnan(r2.ngram_bpc[2]) && isfinite(r2.ngram_bpc[0]), "bidirectional");
  rnnlab_model_free(bi);
  rnnlab_task_free(u);
  /* horizon 0: none; lorenz: Lyapunov times = valid steps x 0.02 x 0.906 */
  rnnlab_task_free(t);
  t = make("lorenz", "length=20,horizon=0");
  rnnlab_model_free(m);
  m = model_for(t, RNNLAB_CELL_LSTM, 8, 0);
  CHECK(rnnlab_task_evaluate(t, m, 5, 0, 5, &r2) == RNNLAB_OK && isnan(r2.ngram_bpc[2]) && isnan(r2.ngram_bpc[3]), "horizon 0");
  rnnlab_task_free(t);
  t = make("lorenz", "length=20,horizon=30");
  CHECK(rnnlab_task_evaluate(t, m, 5, 0, 5, &r2) == RNNLAB_OK, "lorenz: %s", rnnlab_task_error(t));
  CHECK_CLOSE(r2.ngram_bpc[4], r2.ngram_bpc[3] * 0.02 * 0.906, 1e-6, 1e-5, "Lyapunov times");
  rnnlab_task_free(t);
  /* mackey-glass: Lyapunov times only at tau 17 */
  rnnlab_model_free(m);
  t = make("mackey-glass", "length=20,horizon=10,tau=20");
  m = model_for(t, RNNLAB_CELL_GRU, 4, 0);
  CHECK(rnnlab_task_evaluate(t, m, 3, 0, 5, &r2) == RNNLAB_OK && isfinite(r2.ngram_bpc[3]) && isnan(r2.ngram_bpc[4]), "tau 20");
  rnnlab_task_free(t);
  /* flip-flop and sine: no closed loop */
  rnnlab_model_free(m);
  t = make("flipflop", "length=20");
  m = model_for(t, RNNLAB_CELL_GRU, 4, 0);
  CHECK(rnnlab_task_evaluate(t, m, 30, 0, 5, &r2) == RNNLAB_OK && r2.sequences == 30 && isnan(r2.ngram_bpc[2]), "flipflop evaluate");
  CHECK(r2.accuracy >= 0 && r2.accuracy <= 1, "bit accuracy %g", r2.accuracy);
  rnnlab_model_free(m);
  rnnlab_task_free(t);
}

/* A ReLU RNN that outputs its input (h = [relu(x), relu(-x)], y = h+ - h-): persistence. */
static rnnlab_model *persistence_model(const rnnlab_task *t) {
  const int d = rnnlab_task_get_info(t)->input_size, H = 2 * d;
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = RNNLAB_CELL_RNN, c.activation = RNNLAB_ACT_RELU, c.hidden_size = H;
  c.input_size = d, c.input_kind = RNNLAB_INPUT_DENSE, c.output_size = d, c.output_kind = RNNLAB_OUTPUT_LINEAR;
  rnnlab_model *m = NULL;
  CHECK(rnnlab_model_create(&c, &m, err, sizeof err) == RNNLAB_OK, "model: %s", err);
  if (!m) return NULL;
  float buf[64];
  for (int k = 0; k < rnnlab_model_tensor_count(m); k++) {
    const char *name = rnnlab_model_tensor_name(m, k);
    const int rows = rnnlab_model_tensor_rows(m, k), cols = rnnlab_model_tensor_cols(m, k);
    memset(buf, 0, sizeof buf);
    if (!strcmp(name, "weight_ih_l0")) /* (H, d) */
      for (int i = 0; i < d; i++) buf[i * cols + i] = 1, buf[(d + i) * cols + i] = -1;
    if (!strcmp(name, "fc.weight")) /* (d, H) */
      for (int i = 0; i < d; i++) buf[i * cols + i] = 1, buf[i * cols + d + i] = -1;
    CHECK(rows * cols <= 64 && rnnlab_model_set_tensor(m, k, buf) == RNNLAB_OK, "set %s", name);
  }
  return m;
}

/* evaluate's closed loop, replayed by hand on its one row: the same valid steps and RMSE. */
static void test_closed_loop(void) {
  const char *names[] = {"vanderpol", "lorenz", "limit-cycle"};
  for (int k = 0; k < 3; k++) {
    rnnlab_task *t = make(names[k], "length=30,horizon=40");
    if (!t) continue;
    rnnlab_model *m = persistence_model(t);
    const int d = rnnlab_task_get_info(t)->input_size, L = 30, Hz = 40;
    for (uint64_t seed = 1; seed <= 3; seed++) {
      rnnlab_task_result r;
      CHECK(rnnlab_task_evaluate(t, m, 1, 0, seed, &r) == RNNLAB_OK, "%s", rnnlab_task_error(t));
      CHECK(r.ngram_bpc[0] > 0 && r.ngram_bpc[0] < 0.2f, "%s: persistence one-step RMSE %g", names[k], r.ngram_bpc[0]);
      /* the row: evaluate's first row is drawn first from the evaluation stream */
      double z[(30 + 40) * 3];
      CHECK(systems_trajectory(t, task_mix_seed(seed, SALT_EVAL), 1, L + Hz, z) == RNNLAB_OK, "row");
      /* persistence: every prediction after the last true input s_{L-1} is s_{L-1} */
      double sq = 0, valid = 0;
      int ended = 0;
      for (int j = 1; j <= Hz; j++) {
        double se = 0;
        for (int c = 0; c < d; c++) {
          const double e = (double)(float)z[(L - 1) * d + c] - (double)(float)z[(L - 1 + j) * d + c];
          se += e * e;
        }
        sq += se;
        if (!ended && sqrt(se) / t->sys.rms > 0.4) ended = 1;
        valid += !ended;
      }
      CHECK_CLOSE(r.ngram_bpc[2], sqrt(sq / (Hz * d)), 1e-6, 1e-5, "horizon RMSE");
      CHECK(r.ngram_bpc[3] == (float)valid, "%s seed %llu: valid steps %g, by hand %g", names[k], (unsigned long long)seed, r.ngram_bpc[3], valid);
      CHECK(valid > 0 && valid < Hz, "%s: persistence is valid for %g steps", names[k], valid);
    }
    rnnlab_model_free(m);
    rnnlab_task_free(t);
  }
}

static void test_options(void) {
  struct { const char *name, *opts, *says; } bad[] = {
    {"vanderpol", "mu=11", "mu=11: must be a number in [0, 10]"},
    {"vanderpol", "tau=17", "unknown option 'tau'"},
    {"mackey-glass", "tau=17.05", "a multiple of 0.1"},
    {"mackey-glass", "tau=0.5", "tau=0.5"},
    {"limit-cycle", "omega=0", "omega=0"},
    {"lorenz", "horizon=2.5", "horizon=2.5: must be an integer"},
    {"lorenz", "horizon=10001", "horizon"},
    {"lorenz", "transient=-1", "transient"},
    {"lorenz", "tolerance=0", "tolerance"},
    {"lorenz", "mu=1", "unknown option 'mu'"},
    {"sine", "segments=0", "segments"},
    {"sine", "horizon=5", "unknown option 'horizon'"},
    {"flipflop", "bits=17", "bits=17: must be an integer in 1..16"},
    {"flipflop", "pulse=0", "pulse=0: must be a probability"},
    {"flipflop", "pulse=x", "pulse=x"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    rnnlab_task *t = NULL;
    CHECK(rnnlab_task_create(bad[k].name, bad[k].opts, NULL, 0, &t, err, sizeof err) == RNNLAB_EINVAL && !t, "%s %s accepted",
          bad[k].name, bad[k].opts);
    CHECK(contains(err, bad[k].says), "%s %s: message '%s'", bad[k].name, bad[k].opts, err);
  }
  rnnlab_task *t = NULL;
  const uint8_t text[] = "abc";
  CHECK(rnnlab_task_create("lorenz", NULL, text, 3, &t, err, sizeof err) == RNNLAB_EINVAL && contains(err, "takes no text"), "text: %s", err);
  /* good values are taken; the task still works after a refused call */
  t = make("flipflop", "bits=5,pulse=0.2,seed=3");
  if (!t) return;
  CHECK(rnnlab_task_get_info(t)->input_size == 5 && rnnlab_task_get_info(t)->output_size == 5, "5 bits");
  rnnlab_batch b;
  CHECK(rnnlab_task_batch(t, 0, 0, &b) == RNNLAB_EINVAL, "batch 0 refused");
  CHECK(rnnlab_task_batch(t, 2, 0, &b) == RNNLAB_OK && b.length == 100, "still works");
  rnnlab_task_free(t);
  t = make("mackey-glass", "tau=23.4");
  CHECK(t && fabs(t->sys.param - 23.4) < 1e-12, "tau 23.4");
  rnnlab_task_free(t);
}

int main(void) {
  test_accuracy();
  test_vanderpol();
  test_limit_cycle();
  test_lorenz();
  test_mackey_glass();
  test_layout();
  test_sine();
  test_flipflop();
  test_scores();
  test_evaluate();
  test_closed_loop();
  test_options();
  return check_summary("test_systems");
}
