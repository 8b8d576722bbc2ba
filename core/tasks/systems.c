/* systems.c - dynamical systems to learn (issue 14, RNNs as dynamical systems): trajectories of
 * van der Pol, Lorenz, Mackey-Glass and a Hopf limit cycle, integrated by RK4 from seeded starts;
 * a sine generator driven by a frequency input; the 3-bit flip-flop of Sussillo & Barak 2013.
 *
 * Owns: the integrators and each system's constants (step, sampling, transient, normalisation,
 * Lyapunov exponent), the row generators, the option keys of these six tasks, their scorer and
 * their evaluation, which for the four autonomous systems goes on past the teacher-forced part
 * with the model running closed-loop (valid prediction time, RMSE over a horizon).
 *
 * Every task has dense input and linear output, and every step is targeted.
 *   vanderpol     x'' - mu (1 - x^2) x' + x = 0 as (x, y = x'); mu (default 1, 0..10). RK4 step
 *                 0.01 / max(1, ceil(mu)), a sample every 0.1 time units; start x, y uniform in
 *                 [-3, 3], 20 time units discarded. Channels x/2 and y/(2 max(1, mu)): mu = 1, the
 *                 cycle has |x| <= 2.009, |y| <= 2.678 and period 6.6633 (66.6 samples).
 *   lorenz        x' = 10 (y - x), y' = x (28 - z) - y, z' = x y - (8/3) z. RK4 step 0.001, a
 *                 sample every 0.02 (20 steps: a Lyapunov time 1/0.906 = 1.104 is 55.2 samples);
 *                 start x, y uniform in [-20, 20], z in [0, 50], 5 time units discarded. Channels
 *                 x/10, y/10, (z - 25)/10 (the attractor: |x| < 20, |y| < 27, 1 < z < 48).
 *   mackey-glass  x' = 0.2 x(t - tau) / (1 + x(t - tau)^10) - 0.1 x; tau (default 17, a multiple
 *                 of 0.1 in 1..100). RK4 step 0.1 = tau/N; the delayed values come from a ring of
 *                 x and x' at the last N + 1 steps, at the half steps by cubic Hermite
 *                 interpolation (fourth order, like RK4; grid and delay line up, so no step
 *                 straddles a break in x'). History before 0: a constant x0 uniform in [0.5, 1.3];
 *                 a sample every 1 time unit, 500 discarded. Channel (x - 0.9)/0.25 (tau 17:
 *                 x in [0.42, 1.32], mean 0.93, sd 0.23).
 *   limit-cycle   the Hopf normal form r' = r (1 - r^2), theta' = omega as (x, y) = r (cos, sin);
 *                 omega (default 1, 0.1..10). RK4 step 0.01 / max(1, ceil(omega)), a sample every
 *                 0.1 (period 2 pi/omega: 62.8 samples); starts off the cycle, r uniform in
 *                 [0.5, 1.5] and theta in [0, 2 pi), with nothing discarded: the approach to the
 *                 cycle (|r - 1| shrinks as e^-2t) is part of what is learned. Channels as they are.
 *   For these four the input at step t is the state at t and the target the state at t + 1:
 *   one-step prediction with teacher forcing (the input is always the true state). The option
 *   transient (time units discarded before the first sample) changes the default above. From a
 *   row's start, halving every step changes a row of the default length (200 samples) by < 1e-6
 *   in normalised units (tests/native/test_systems.c). Lorenz is chaotic, so past that the
 *   difference grows as chaos does, and depends on the row: < 1e-5 at 400 samples, < 1e-2 at
 *   752 (a row and its closed-loop horizon, 15 time units; measured 3e-7 and 6e-3), still far
 *   below the valid time's threshold 0.4.
 *   sine          input: the frequency omega in radians per step, constant over each of segments
 *                 equal pieces of the row (default 1), each uniform in [0.1, 0.6]; target
 *                 sin(phi_t) with phi_0 = 0 and phi_t = phi_{t-1} + omega_t (one piece: sin(omega t)).
 *   flipflop      bits channels (default 3); at each step and channel a pulse, +1 or -1 equally
 *                 likely, with probability pulse (default 0.05), else 0. Each target holds the
 *                 sign of its channel's last pulse, the pulse's own step included; 0 before the
 *                 channel's first pulse.
 *
 * Scores (rnnlab_task_score and evaluate): loss (1/2)||o - d||^2 per step (evaluate: the model's
 * own loss); accuracy, the criterion: the fraction of steps with ||o - d|| < tolerance (Euclidean
 * over the channels, normalised units; default 0.05); flipflop: the fraction of bits with a
 * +-1 target whose sign(o) equals it (bits still 0 before their first pulse count in the loss and
 * RMSE only). step_accuracy: the same per step (flipflop: the steps whose defined bits are all
 * right, among those with one). The criterion's target (tasks.c) is 0.99, but 0.95 for
 * Mackey-Glass: a row's first steps come before the model has seen a delay's worth of it, so
 * they are guesses. max_error: the largest |o - d|. ngram_bpc[0]: the RMSE per channel
 * and step; [1]: the RMSE of predicting each channel's mean over the scored steps.
 * Evaluate, the four systems with horizon > 0 and a unidirectional model: after the evalLength
 * teacher-forced steps the model runs closed-loop (its output, clamped to +-100, NaN as 100, is
 * its next input) and predicts horizon steps after the last true input (the first of them is the
 * last teacher-forced output). [2]: the RMSE over them; [3]: the valid steps, how many predictions
 * come before the normalised error ||o - d|| / R first exceeds 0.4 (Pathak et al. 2018; R the
 * long-run RMS of ||state||, from a reference run at the task's parameters), the mean over rows;
 * [4]: that in Lyapunov times (lorenz: lambda 0.906; mackey-glass at tau 17: 0.0051 per time unit,
 * measured with this integrator by two-trajectory renormalisation over 2e5 time units; a published
 * RK4 computation at step 0.17 gives 0.0056). NaN where a field is not defined (not a system,
 * horizon 0, a bidirectional model, not chaotic).
 *
 * Does not own: the batch layout (batch.c, rows_batch), the model's check against the task
 * (evaluate.c), rollouts, fixed points or Lyapunov exponents of a model (the dynamics tools).
 * Determinism: rows use only +, -, *, /, sqrt and rounding to integers (exact everywhere); sin
 * and cos are computed here, because glibc and Emscripten's musl round them differently.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"

enum { SYS_VDP, SYS_LORENZ, SYS_MG, SYS_HOPF, SYS_SINE, SYS_FLIPFLOP, SYS_KINDS };

#define SYS_MAX_DIM 3
#define FLIPFLOP_MAX_BITS 16
#define MAX_CHANNELS FLIPFLOP_MAX_BITS
#define HORIZON_MAX 10000
#define TRANSIENT_MAX 1000.0
#define CLAMP 100.0f          /* closed-loop outputs are clamped to +-CLAMP before use */
#define VALID_THRESHOLD 0.4   /* normalised error that ends the valid prediction time */
#define REF_SAMPLES 2000      /* samples of the reference run that gives R */
#define SINE_LO 0.1
#define SINE_HI 0.6
#define MG_DT 0.1
#define TWO_PI 6.283185307179586

typedef struct {
  const char *name;
  int dim;             /* state channels (autonomous systems); 0: not one */
  double sample;       /* time units between samples */
  int substeps;        /* RK4 steps per sample at the default parameters */
  double transient;    /* default time discarded */
  double lyapunov;     /* largest exponent per time unit at the default parameters, 0: not chaotic */
  double settle;       /* time the reference run discards (R) */
  int horizon;         /* default closed-loop steps */
  const char *channels[SYS_MAX_DIM];
} sys_def;

static const sys_def DEFS[SYS_KINDS] = {
  [SYS_VDP] = {"vanderpol", 2, 0.1, 10, 20, 0, 50, 200, {"x", "y"}},
  [SYS_LORENZ] = {"lorenz", 3, 0.02, 20, 5, 0.906, 20, 552, {"x", "y", "z"}}, /* 552: 10 Lyapunov times */
  [SYS_MG] = {"mackey-glass", 1, 1.0, 10, 500, 0.0051, 1000, 1000, {"x"}},
  [SYS_HOPF] = {"limit-cycle", 2, 0.1, 10, 0, 0, 50, 200, {"x", "y"}},
  [SYS_SINE] = {"sine", 0, 0, 0, 0, 0, 0, 0, {NULL}},
  [SYS_FLIPFLOP] = {"flipflop", 0, 0, 0, 0, 0, 0, 0, {NULL}},
};

static int sys_which(const rnnlab_task *t) {
  for (int i = 0; i < SYS_KINDS; i++)
    if (!strcmp(t->kind->name, DEFS[i].name)) return i;
  return -1;
}

static int is_autonomous(int w) { return w >= 0 && DEFS[w].dim > 0; }

/* ---- sin and cos without libm (range reduction to [-pi/4, pi/4], Taylor to x^17) ---- */

static double poly_sin(double x) {
  const double x2 = x * x;
  double s = 1.0 / 355687428096000.0; /* 1/17! */
  s = s * x2 - 1.0 / 1307674368000.0;
  s = s * x2 + 1.0 / 6227020800.0;
  s = s * x2 - 1.0 / 39916800.0;
  s = s * x2 + 1.0 / 362880.0;
  s = s * x2 - 1.0 / 5040.0;
  s = s * x2 + 1.0 / 120.0;
  s = s * x2 - 1.0 / 6.0;
  return x + x * x2 * s;
}

static double poly_cos(double x) {
  const double x2 = x * x;
  double c = 1.0 / 6402373705728000.0; /* 1/18! */
  c = c * x2 - 1.0 / 20922789888000.0;
  c = c * x2 + 1.0 / 87178291200.0;
  c = c * x2 - 1.0 / 479001600.0;
  c = c * x2 + 1.0 / 3628800.0;
  c = c * x2 - 1.0 / 40320.0;
  c = c * x2 + 1.0 / 720.0;
  c = c * x2 - 1.0 / 24.0;
  c = c * x2 + 0.5;
  return 1.0 - x2 * c;
}

/* sin and cos of x (|x| < 1e6; phases here stay far below), to about 1e-15. */
static void det_sincos(double x, double *s, double *c) {
  const double quarter = TWO_PI / 4;
  double q = floor(x / quarter + 0.5); /* floor: exactly rounded */
  double r = x - q * quarter;
  long k = (long)q & 3;
  double sr = poly_sin(r), cr = poly_cos(r);
  switch (k) {
    case 0: *s = sr, *c = cr; break;
    case 1: *s = cr, *c = -sr; break;
    case 2: *s = -sr, *c = -cr; break;
    default: *s = -cr, *c = sr; break;
  }
}

/* ---- the autonomous systems: right-hand sides and RK4 ---- */

typedef struct {
  int which;
  double p;          /* mu (vanderpol), omega (limit-cycle), tau (mackey-glass) */
  double dt;         /* integration step */
  int sub;           /* steps per sample */
  double x[SYS_MAX_DIM];
  /* mackey-glass: x and x' at the steps k - N .. k, slot j mod (N + 1); x0 the history before 0 */
  double *hx, *hf, x0;
  int N;
  long k;            /* steps done */
} sys_state;

/* x' = y, y' = mu (1 - x^2) y - x */
static inline void rhs_vdp(const sys_state *s, const double *x, double *f) {
  f[0] = x[1], f[1] = s->p * (1 - x[0] * x[0]) * x[1] - x[0];
}

/* sigma 10, rho 28, beta 8/3 */
static inline void rhs_lorenz(const sys_state *s, const double *x, double *f) {
  (void)s;
  f[0] = 10 * (x[1] - x[0]), f[1] = x[0] * (28 - x[2]) - x[1], f[2] = x[0] * x[1] - (8.0 / 3.0) * x[2];
}

/* r' = r (1 - r^2), theta' = omega, in Cartesian form */
static inline void rhs_hopf(const sys_state *s, const double *x, double *f) {
  const double g = 1 - (x[0] * x[0] + x[1] * x[1]);
  f[0] = x[0] * g - s->p * x[1], f[1] = x[1] * g + s->p * x[0];
}

typedef void (*rhs_fn)(const sys_state *s, const double *x, double *f);

/* One classical RK4 step of n channels. Inlined with a constant n and f at each call site, so
 * each system's loop is straight-line code. */
static inline void rk4_step(sys_state *s, const int n, rhs_fn f) {
  const double h = s->dt;
  double k1[SYS_MAX_DIM], k2[SYS_MAX_DIM], k3[SYS_MAX_DIM], k4[SYS_MAX_DIM], y[SYS_MAX_DIM];
  f(s, s->x, k1);
  for (int i = 0; i < n; i++) y[i] = s->x[i] + h / 2 * k1[i];
  f(s, y, k2);
  for (int i = 0; i < n; i++) y[i] = s->x[i] + h / 2 * k2[i];
  f(s, y, k3);
  for (int i = 0; i < n; i++) y[i] = s->x[i] + h * k3[i];
  f(s, y, k4);
  for (int i = 0; i < n; i++) s->x[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}

/* Mackey-Glass: x' = beta xd / (1 + xd^n) - gamma x, beta 0.2, gamma 0.1, n 10 (x^10 by products). */
static double mg_rhs(double x, double xd) {
  double p = xd * xd; /* xd^2 */
  p = p * p;          /* xd^4 */
  p = p * p * xd * xd; /* xd^10 */
  return 0.2 * xd / (1 + p) - 0.1 * x;
}

/* The delayed x at step j (j <= 0: the constant history, exactly x0). */
static double mg_x(const sys_state *s, long j) { return j <= 0 ? s->x0 : s->hx[j % (s->N + 1)]; }

/* One step from t_k to t_{k+1}: RK4 whose delayed arguments are x at t_k - tau, at t_k - tau + h/2
 * (cubic Hermite between steps j = k - N and j + 1 from x and x' there: its midpoint value is
 * (x_j + x_{j+1})/2 + h (x'_j - x'_{j+1})/8) and at t_{k+1} - tau. */
static void mg_step(sys_state *s) {
  const long j = s->k - s->N;
  const int R = s->N + 1;
  const double h = s->dt;
  double xa, xm, xb;
  if (j + 1 <= 0) xa = xm = xb = s->x0; /* all inside the constant history */
  else {
    xa = s->hx[j % R], xb = s->hx[(j + 1) % R];
    xm = (xa + xb) / 2 + h * (s->hf[j % R] - s->hf[(j + 1) % R]) / 8;
  }
  const double x = s->x[0];
  const double k1 = mg_rhs(x, xa), k2 = mg_rhs(x + h / 2 * k1, xm), k3 = mg_rhs(x + h / 2 * k2, xm), k4 = mg_rhs(x + h * k3, xb);
  const double xn = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  s->k++;
  s->x[0] = xn;
  s->hx[s->k % R] = xn;
  s->hf[s->k % R] = mg_rhs(xn, mg_x(s, s->k - s->N)); /* x' at t_{k+1}, for later interpolation */
}

/* steps integration steps. */
static void sys_run(sys_state *s, long steps) {
  switch (s->which) {
    case SYS_VDP: for (long i = 0; i < steps; i++) rk4_step(s, 2, rhs_vdp); break;
    case SYS_LORENZ: for (long i = 0; i < steps; i++) rk4_step(s, 3, rhs_lorenz); break;
    case SYS_HOPF: for (long i = 0; i < steps; i++) rk4_step(s, 2, rhs_hopf); break;
    default: for (long i = 0; i < steps; i++) mg_step(s); /* its own step counter */
  }
  if (s->which != SYS_MG) s->k += steps;
}

/* Steps per sample of system w with parameter p. */
static int sys_substeps(int w, double p) {
  int sub = DEFS[w].substeps;
  if ((w == SYS_VDP || w == SYS_HOPF) && p > 1) sub *= (int)ceil(p); /* stiffer / faster: smaller steps */
  return sub;
}

/* A row's start: the state drawn from r, then transient time units integrated and discarded.
 * hx, hf: mackey-glass ring buffers of N + 1 doubles each (N = tau / dt). */
static void sys_start(const rnnlab_task *t, int w, rng_state *r, double transient, double *hx, double *hf, sys_state *s) {
  memset(s, 0, sizeof *s);
  s->which = w, s->p = t->sys.param;
  s->sub = sys_substeps(w, s->p);
  s->dt = DEFS[w].sample / s->sub;
  switch (w) {
    case SYS_VDP:
      s->x[0] = 6.0 * rng_uniform(r) - 3.0, s->x[1] = 6.0 * rng_uniform(r) - 3.0;
      break;
    case SYS_LORENZ:
      s->x[0] = 40.0 * rng_uniform(r) - 20.0, s->x[1] = 40.0 * rng_uniform(r) - 20.0, s->x[2] = 50.0 * rng_uniform(r);
      break;
    case SYS_MG:
      s->x0 = s->x[0] = 0.5 + 0.8 * rng_uniform(r);
      s->N = (int)lround(s->p / MG_DT);
      s->hx = hx, s->hf = hf;
      s->hx[0] = s->x0, s->hf[0] = mg_rhs(s->x0, s->x0);
      break;
    default: { /* SYS_HOPF */
      const double rad = 0.5 + rng_uniform(r), th = TWO_PI * rng_uniform(r);
      double sn, cs;
      det_sincos(th, &sn, &cs);
      s->x[0] = rad * cs, s->x[1] = rad * sn;
    }
  }
  sys_run(s, lround(transient / s->dt));
}

static void sys_advance(sys_state *s) { sys_run(s, s->sub); }

/* The state in normalised units (the header's channel scales). */
static void sys_observe(const sys_state *s, double *z) {
  switch (s->which) {
    case SYS_VDP: z[0] = s->x[0] / 2, z[1] = s->x[1] / (2 * (s->p > 1 ? s->p : 1)); break;
    case SYS_LORENZ: z[0] = s->x[0] / 10, z[1] = s->x[1] / 10, z[2] = (s->x[2] - 25) / 10; break;
    case SYS_MG: z[0] = (s->x[0] - 0.9) / 0.25; break;
    default: z[0] = s->x[0], z[1] = s->x[1];
  }
}

/* ---- options ---- */

static int parse_num(const char *v, double lo, double hi, double *out) {
  char *end;
  if (!*v) return 0;
  double x = strtod(v, &end);
  if (*end || !(x >= lo && x <= hi)) return 0;
  *out = x;
  return 1;
}

/* The option hook (task.h): key NULL sets the defaults (and which system t is), else parses one of
 * mu, omega, tau, transient, horizon, tolerance, segments, bits, pulse; 1 = taken, 0 = bad value. */
int systems_option(rnnlab_task *t, const char *key, const char *val, const char **want) {
  const int w = sys_which(t);
  if (!key) { /* the defaults */
    memset(&t->sys, 0, sizeof t->sys);
    t->sys.which = w;
    t->sys.param = w == SYS_MG ? 17 : 1;
    t->sys.transient = w >= 0 ? DEFS[w].transient : 0;
    t->sys.horizon = w >= 0 ? DEFS[w].horizon : 0;
    t->sys.tolerance = 0.05f;
    t->sys.segments = 1;
    t->sys.bits = 3;
    t->sys.pulse = 0.05f;
    return 1;
  }
  double x = 0;
  int ok = 0;
  if (!strcmp(key, "mu")) ok = parse_num(val, 0, 10, &t->sys.param), *want = "a number in [0, 10]";
  else if (!strcmp(key, "omega")) ok = parse_num(val, 0.1, 10, &t->sys.param), *want = "a number in [0.1, 10]";
  else if (!strcmp(key, "tau")) {
    *want = "a multiple of 0.1 in [1, 100] (the integration step is 0.1)";
    ok = parse_num(val, 1, 100, &x) && fabs(x / MG_DT - (double)lround(x / MG_DT)) < 1e-6;
    if (ok) t->sys.param = (double)lround(x / MG_DT) * MG_DT;
  } else if (!strcmp(key, "transient")) ok = parse_num(val, 0, TRANSIENT_MAX, &t->sys.transient), *want = "a number of time units in [0, 1000]";
  else if (!strcmp(key, "horizon")) {
    *want = "an integer in 0..10000";
    ok = parse_num(val, 0, HORIZON_MAX, &x) && x == floor(x);
    if (ok) t->sys.horizon = (int)x;
  } else if (!strcmp(key, "tolerance")) {
    *want = "a number in (0, 10]";
    ok = parse_num(val, 0, 10, &x) && x > 0;
    if (ok) t->sys.tolerance = (float)x;
  } else if (!strcmp(key, "segments")) {
    *want = "an integer in 1..1000";
    ok = parse_num(val, 1, 1000, &x) && x == floor(x);
    if (ok) t->sys.segments = (int)x;
  } else if (!strcmp(key, "bits")) {
    *want = "an integer in 1..16";
    ok = parse_num(val, 1, FLIPFLOP_MAX_BITS, &x) && x == floor(x);
    if (ok) t->sys.bits = (int)x;
  } else if (!strcmp(key, "pulse")) {
    *want = "a probability in (0, 1]";
    ok = parse_num(val, 0, 1, &x) && x > 0;
    if (ok) t->sys.pulse = (float)x;
  }
  return ok;
}

/* The long-run RMS of ||state|| in normalised units (the valid time's scale), from a reference
 * run at the task's parameters: a fixed start, settle time units discarded, REF_SAMPLES samples. */
static double reference_rms(const rnnlab_task *t, int w) {
  rng_state r;
  rng_seed(&r, 0x726566ull); /* "ref" */
  sys_state s;
  sys_start(t, w, &r, DEFS[w].settle, t->sys.hx, t->sys.hf, &s);
  double sum = 0, z[SYS_MAX_DIM];
  for (int i = 0; i < REF_SAMPLES; i++) {
    sys_advance(&s);
    sys_observe(&s, z);
    for (int c = 0; c < DEFS[w].dim; c++) sum += z[c] * z[c];
  }
  return sqrt(sum / REF_SAMPLES);
}

/* After the options: refuses text, allocates Mackey-Glass's delay line (freed with the task), and
 * measures R, the valid time's scale. */
rnnlab_status systems_prepare(rnnlab_task *t, const uint8_t *text, size_t n, char *err, size_t errlen) {
  (void)n;
  const int w = t->sys.which;
  if (text) return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s' takes no text (only 'text' does)", t->kind->name);
  if (w == SYS_MG) {
    const int N = (int)lround(t->sys.param / MG_DT);
    t->sys.hx = malloc(2 * (size_t)(N + 1) * sizeof(double));
    if (!t->sys.hx) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for the delay line");
    t->sys.hf = t->sys.hx + N + 1;
  }
  t->sys.rms = is_autonomous(w) ? reference_rms(t, w) : 0;
  return RNNLAB_OK;
}

/* ---- sizes and names ---- */

void systems_describe(const rnnlab_task *t, rnnlab_task_info *in) {
  const int w = t->sys.which;
  const int n = w == SYS_SINE ? 1 : w == SYS_FLIPFLOP ? t->sys.bits : DEFS[w].dim;
  in->input_size = w == SYS_SINE ? 1 : n, in->input_kind = RNNLAB_INPUT_DENSE;
  in->output_size = n, in->output_kind = RNNLAB_OUTPUT_LINEAR;
}

const char *systems_symbol(rnnlab_task *t, int which, int id) {
  const int w = t->sys.which;
  if (w == SYS_SINE) return which ? "sin" : "omega";
  if (w == SYS_FLIPFLOP) {
    /* "in1".."in16", "out1".."out16" */
    const char *pre = which ? "out" : "in";
    size_t p = strlen(pre);
    memcpy(t->sym_buf, pre, p);
    if (id + 1 >= 10) t->sym_buf[p++] = (char)('0' + (id + 1) / 10);
    t->sym_buf[p++] = (char)('0' + (id + 1) % 10);
    t->sym_buf[p] = 0;
    return t->sym_buf;
  }
  return DEFS[w].channels[id]; /* the state at t as input, at t + 1 as output */
}

/* ---- rows ---- */

/* A row of an autonomous system: inputs s_0 .. s_{len-1}, targets s_1 .. s_len; then, when
 * truth is not NULL, extra samples s_{len} .. s_{len+extra-1} into truth (extra, dim). */
static void system_row(const rnnlab_task *t, rng_state *r, int len, row_view v, float *truth, int extra) {
  const int w = t->sys.which, d = DEFS[w].dim;
  sys_state s;
  double z[SYS_MAX_DIM];
  sys_start(t, w, r, t->sys.transient, t->sys.hx, t->sys.hf, &s);
  sys_observe(&s, z);
  for (int c = 0; c < d; c++) v.in[c] = (float)z[c];
  for (int i = 0; i < len; i++) {
    sys_advance(&s);
    sys_observe(&s, z);
    for (int c = 0; c < d; c++) {
      v.tg[(size_t)i * d + c] = (float)z[c];
      if (i + 1 < len) v.in[(size_t)(i + 1) * d + c] = (float)z[c];
    }
    v.mask[i] = 1;
  }
  if (!truth) return;
  for (int c = 0; c < d; c++) truth[c] = v.tg[(size_t)(len - 1) * d + c]; /* s_len */
  for (int k = 1; k < extra; k++) {
    sys_advance(&s);
    sys_observe(&s, z);
    for (int c = 0; c < d; c++) truth[(size_t)k * d + c] = (float)z[c];
  }
}

static void sine_row(const rnnlab_task *t, rng_state *r, int len, row_view v) {
  const int P = t->sys.segments;
  double phi = 0, omega = 0;
  for (int i = 0, piece = -1; i < len; i++) {
    const int p = (int)((long long)i * P / len); /* piece of step i: equal pieces */
    /* the phase adds up the inputs as the model sees them (float), so the target is exact */
    if (p != piece) piece = p, omega = (float)(SINE_LO + (SINE_HI - SINE_LO) * rng_uniform(r));
    if (i) phi += omega;
    double sn, cs;
    det_sincos(phi, &sn, &cs);
    v.in[i] = (float)omega, v.tg[i] = (float)sn, v.mask[i] = 1;
  }
}

static void flipflop_row(const rnnlab_task *t, rng_state *r, int len, row_view v) {
  const int n = t->sys.bits;
  float held[FLIPFLOP_MAX_BITS] = {0};
  for (int i = 0; i < len; i++) {
    for (int c = 0; c < n; c++) {
      float u = 0;
      if (rng_uniform(r) < t->sys.pulse) u = (rng_u32(r) & 1) ? 1.0f : -1.0f;
      if (u != 0) held[c] = u;
      v.in[(size_t)i * n + c] = u, v.tg[(size_t)i * n + c] = held[c];
    }
    v.mask[i] = 1;
  }
}

/* gen_row (task.h): one row of len steps from r; returns len. */
int systems_row(const rnnlab_task *t, rng_state *r, int len, int32_t *scratch, row_view v) {
  (void)scratch;
  switch (t->sys.which) {
    case SYS_SINE: sine_row(t, r, len, v); break;
    case SYS_FLIPFLOP: flipflop_row(t, r, len, v); break;
    default: system_row(t, r, len, v, NULL, 0);
  }
  return len;
}

/* ---- scoring ---- */

typedef struct {
  int64_t steps, steps_ok, steps_defined, bits, bits_ok, rows;
  double loss, sq;                /* (1/2)||o - d||^2 summed; squared errors summed */
  double sum[MAX_CHANNELS], sum2[MAX_CHANNELS]; /* the targets', per channel */
  float max_err;
} sys_acc;

/* Adds B rows of T steps (outputs and targets (B,T,V), mask (B,T) or NULL) to a. */
static void score_batch(const rnnlab_task *t, int B, int T, const float *o, const float *d, const float *mask, sys_acc *a) {
  const int V = t->info.output_size, ff = t->sys.which == SYS_FLIPFLOP;
  const double tol = t->sys.tolerance;
  for (int i = 0; i < B; i++) {
    int any = 0;
    for (int j = 0; j < T; j++) {
      const size_t r = (size_t)i * T + j;
      if (mask && !(mask[r] > 0)) continue;
      const float *oo = o + r * V, *dd = d + r * V;
      double se = 0;
      int defined = 0, right = 1;
      for (int c = 0; c < V; c++) {
        const double e = (double)oo[c] - dd[c];
        se += e * e;
        if (fabs(e) > a->max_err) a->max_err = (float)fabs(e);
        a->sum[c] += dd[c], a->sum2[c] += (double)dd[c] * dd[c];
        if (ff && dd[c] != 0) { /* a defined bit: right when sign(o) equals it */
          const int ok = dd[c] > 0 ? oo[c] > 0 : oo[c] < 0;
          defined = 1, right &= ok, a->bits++, a->bits_ok += ok;
        }
      }
      if (!ff) defined = 1, right = sqrt(se) < tol;
      any = 1;
      a->steps++, a->sq += se, a->loss += 0.5 * se;
      if (defined) a->steps_defined++, a->steps_ok += right;
    }
    a->rows += any;
  }
}

static void score_result(const rnnlab_task *t, const sys_acc *a, rnnlab_task_result *r) {
  const int V = t->info.output_size, ff = t->sys.which == SYS_FLIPFLOP;
  memset(r, 0, sizeof *r);
  r->steps = (int32_t)a->steps, r->sequences = (int32_t)a->rows;
  r->loss = a->steps ? (float)(a->loss / a->steps) : 0;
  r->step_accuracy = a->steps_defined ? (float)((double)a->steps_ok / a->steps_defined) : 0;
  r->accuracy = ff ? (a->bits ? (float)((double)a->bits_ok / a->bits) : 0) : r->step_accuracy;
  r->max_error = a->max_err;
  r->solved = a->steps > 0 && r->accuracy >= t->info.target_accuracy;
  const double n = (double)a->steps * V;
  double var = 0;
  for (int c = 0; c < V; c++)
    if (a->steps) var += a->sum2[c] - a->sum[c] * a->sum[c] / (double)a->steps;
  r->ngram_bpc[0] = n > 0 ? (float)sqrt(a->sq / n) : 0;
  r->ngram_bpc[1] = n > 0 ? (float)sqrt(var > 0 ? var / n : 0) : 0;
  for (int k = 2; k < RNNLAB_NGRAM_ORDERS; k++) r->ngram_bpc[k] = NAN;
}

/* The score hook: b's targeted steps (mask > 0, or every step without a mask) against outputs
 * (B,T,V), as the header says; no closed loop (fields [2..4] NaN). */
rnnlab_status systems_score(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, rnnlab_task_result *r) {
  if (!b->targets) return task_fail(t, RNNLAB_EINVAL, "task_score: the batch has no float targets");
  sys_acc a;
  memset(&a, 0, sizeof a);
  score_batch(t, b->batch, b->length, outputs, b->targets, b->mask, &a);
  score_result(t, &a, r);
  return RNNLAB_OK;
}

/* ---- evaluation ---- */

static float clamp_out(float v) { return v != v ? CLAMP : v > CLAMP ? CLAMP : v < -CLAMP ? -CLAMP : v; }

/* Closed-loop part of a chunk: B rows whose teacher-forced pass over L steps just ran (outputs in
 * t->out, the model's carried state after it); truth (B, Hz, V) holds s_L .. s_{L+Hz-1}. Adds
 * the squared errors, their count and the rows' valid steps. io: 2 B V floats of scratch. */
static rnnlab_status closed_loop(rnnlab_task *t, rnnlab_model *m, int B, int L, int Hz, const float *truth, float *io,
                                 double *sq, double *valid) {
  const int V = t->info.output_size;
  const double R = t->sys.rms > 0 ? t->sys.rms : 1;
  float *in = io, *out = io + (size_t)B * V;
  int *ended = calloc((size_t)B, sizeof(int));
  if (!ended) return task_fail(t, RNNLAB_ENOMEM, "out of memory for the closed-loop evaluation");
  for (int i = 0; i < B; i++)
    for (int c = 0; c < V; c++) out[(size_t)i * V + c] = clamp_out(t->out[((size_t)i * L + L - 1) * V + c]);
  rnnlab_status s = RNNLAB_OK;
  for (int k = 0; k < Hz && !s; k++) {
    if (k > 0) { /* the last prediction is the next input */
      memcpy(in, out, (size_t)B * V * sizeof(float));
      rnnlab_batch b = {.batch = B, .length = 1, .inputs = in, .carry_state = 1};
      s = eval_forward(t, m, &b, NULL);
      if (s) break;
      for (int i = 0; i < B * V; i++) out[i] = clamp_out(t->out[i]);
    }
    for (int i = 0; i < B; i++) {
      const float *p = out + (size_t)i * V, *y = truth + ((size_t)i * Hz + k) * V;
      double se = 0;
      for (int c = 0; c < V; c++) se += ((double)p[c] - y[c]) * ((double)p[c] - y[c]);
      *sq += se;
      if (!ended[i] && sqrt(se) / R > VALID_THRESHOLD) ended[i] = 1;
      if (!ended[i]) *valid += 1;
    }
  }
  free(ended);
  return s;
}

/* The evaluate hook: count (0: the criterion's) fresh rows of L steps from seed's stream, in
 * chunks of EVAL_CHUNK; each chunk teacher-forced, then (the four systems, horizon > 0, one
 * direction) closed-loop from the model's state after it. Restores the model's carried state. */
rnnlab_status systems_evaluate(rnnlab_task *t, rnnlab_model *m, int count, int L, uint64_t seed, rnnlab_task_result *r) {
  rnnlab_status s = task_check_length(t, "length", L);
  if (s) return s;
  const int w = t->sys.which, V = t->info.output_size, I = t->info.input_size;
  const int N = count ? count : t->info.eval_count;
  const int Hz = is_autonomous(w) && !rnnlab_model_config(m)->bidirectional ? t->sys.horizon : 0;
  const int Bmax = N < EVAL_CHUNK ? N : EVAL_CHUNK;
  rng_state rng;
  rng_seed(&rng, task_mix_seed(seed, SALT_EVAL));
  float *truth = Hz ? malloc(((size_t)Bmax * Hz + 2 * (size_t)Bmax) * V * sizeof(float)) : NULL;
  if (Hz && !truth) s = task_fail(t, RNNLAB_ENOMEM, "out of memory for the evaluation horizon");
  sys_acc a;
  memset(&a, 0, sizeof a);
  double model_loss = 0, weight = 0, hz_sq = 0, valid = 0;
  for (int done = 0; done < N && !s; done += EVAL_CHUNK) {
    const int B = N - done < EVAL_CHUNK ? N - done : EVAL_CHUNK;
    const size_t n = (size_t)B * L;
    s = batch_reserve(t, &t->eval, n);
    if (s) break;
    if (!task_grow((void **)&t->out, &t->out_cap, n * V, sizeof(float))) {
      s = task_fail(t, RNNLAB_ENOMEM, "out of memory for evaluation outputs");
      break;
    }
    for (int i = 0; i < B; i++) {
      row_view v = {NULL, t->eval.in + (size_t)i * L * I, NULL, t->eval.tg + (size_t)i * L * V, t->eval.mask + (size_t)i * L};
      if (is_autonomous(w)) system_row(t, &rng, L, v, Hz ? truth + (size_t)i * Hz * V : NULL, Hz);
      else systems_row(t, &rng, L, NULL, v);
    }
    rnnlab_batch b;
    float loss = 0;
    batch_view(&t->eval, B, L, 0, &b);
    s = eval_forward(t, m, &b, &loss);
    if (s) break;
    model_loss += (double)loss * n, weight += (double)n;
    score_batch(t, B, L, t->out, b.targets, NULL, &a);
    if (Hz) s = closed_loop(t, m, B, L, Hz, truth, truth + (size_t)Bmax * Hz * V, &hz_sq, &valid);
  }
  free(truth);
  rnnlab_model_restore_state(m); /* the training stream's carried state, as it was */
  if (s) return s;
  score_result(t, &a, r);
  r->loss = weight > 0 ? (float)(model_loss / weight) : 0;
  if (Hz && a.rows) {
    const double steps = valid / (double)a.rows;
    r->ngram_bpc[2] = (float)sqrt(hz_sq / ((double)a.rows * Hz * V));
    r->ngram_bpc[3] = (float)steps;
    const int chaotic = DEFS[w].lyapunov > 0 && (w != SYS_MG || fabs(t->sys.param - 17) < 1e-9);
    r->ngram_bpc[4] = chaotic ? (float)(steps * DEFS[w].sample * DEFS[w].lyapunov) : NAN;
  }
  return RNNLAB_OK;
}

/* ---- for tests ---- */

/* Continues s with every step divided by refine. Mackey-Glass: the delay line is resampled onto
 * the finer grid (into h2: N refine + 1 values of x, then as many of x') by the same cubic Hermite
 * interpolation the steps use, and its derivative. */
static void sys_refine(sys_state *s, int refine, double *h2) {
  s->sub *= refine, s->dt /= refine;
  if (s->which != SYS_MG) return;
  const int N = s->N, R = N + 1, N2 = N * refine, R2 = N2 + 1;
  const long k2 = s->k * refine;
  const double h = s->dt * refine;
  for (long m = k2 - N2 > 0 ? k2 - N2 : 0; m <= k2; m++) {
    const long j = m / refine;
    const double th = (double)(m % refine) / refine;
    double x, f;
    if (m % refine == 0) x = s->hx[j % R], f = s->hf[j % R];
    else {
      const double x0 = s->hx[j % R], f0 = s->hf[j % R], x1 = s->hx[(j + 1) % R], f1 = s->hf[(j + 1) % R];
      const double t2 = th * th, t3 = t2 * th;
      x = (2 * t3 - 3 * t2 + 1) * x0 + (t3 - 2 * t2 + th) * h * f0 + (-2 * t3 + 3 * t2) * x1 + (t3 - t2) * h * f1;
      f = ((6 * t2 - 6 * th) * x0 + (-6 * t2 + 6 * th) * x1) / h + (3 * t2 - 4 * th + 1) * f0 + (3 * t2 - 2 * th) * f1;
    }
    h2[m % R2] = x, h2[R2 + m % R2] = f;
  }
  s->hx = h2, s->hf = h2 + R2, s->N = N2, s->k = k2;
}

rnnlab_status systems_trajectory(const rnnlab_task *t, uint64_t seed, int refine, int n, double *out) {
  const int w = t->sys.which;
  if (!is_autonomous(w) || refine < 1 || n < 1 || !out) return RNNLAB_EINVAL;
  const size_t R = w == SYS_MG ? (size_t)lround(t->sys.param / MG_DT) + 1 : 0; /* the delay line */
  double *h = R ? malloc((2 * R + 2 * ((R - 1) * refine + 1)) * sizeof(double)) : NULL;
  if (R && !h) return RNNLAB_ENOMEM;
  rng_state r;
  rng_seed(&r, seed);
  sys_state s;
  sys_start(t, w, &r, t->sys.transient, h, h ? h + R : NULL, &s); /* the row's start as the task has it */
  sys_refine(&s, refine, h ? h + 2 * R : NULL);
  for (int i = 0; i < n; i++) {
    sys_observe(&s, out + (size_t)i * DEFS[w].dim);
    sys_advance(&s);
  }
  free(h);
  return RNNLAB_OK;
}
