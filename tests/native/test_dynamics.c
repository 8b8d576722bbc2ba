/* test_dynamics.c - the analysis tools under the sanitizers (core/dynamics/):
 *   - the eigen solver against matrices with known spectra: diagonal, triangular, rotation-scaling
 *     blocks (complex pairs) hidden by orthogonal and by non-orthogonal similarities, companion
 *     matrices of polynomials with known roots, a Jordan block, zeros; eigenvectors by residual;
 *   - J^T r (the cells' backward) against central differences of F, and grad q likewise, for every
 *     cell family, 1 and 2 layers, dense and one-hot input (the state layout h... then c...);
 *   - the Lyapunov estimator on linear maps with known exponents and on the Lorenz equations
 *     (RK4, dt 0.01): 0.906 per unit time (Sprott 2003, Table A.1: 0.9056);
 *   - fixed points of a 1-unit tanh RNN h = tanh(w h + b), known in closed form, end to end;
 *   - the carried state and the gradient arena are left exactly as they were. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/cells/cell.h"
#include "../../core/dynamics/dynamics.h"
#include "check.h"

/* ---- eigenvalues ---- */

static int same_spectrum(int n, const double *wr, const double *wi, double *er, double *ei, double tol, const char *what) {
  double *r = malloc(sizeof(double) * n), *im = malloc(sizeof(double) * n);
  memcpy(r, wr, sizeof(double) * n), memcpy(im, wi, sizeof(double) * n);
  eig_sort(n, r, im);
  eig_sort(n, er, ei);
  int ok = 1;
  for (int i = 0; i < n; i++) {
    const double d = hypot(r[i] - er[i], im[i] - ei[i]);
    if (!(d <= tol * (1 + hypot(er[i], ei[i])))) {
      ok = 0;
      fprintf(stderr, "%s: eigenvalue %d: %.12g%+.12gi, expected %.12g%+.12gi\n", what, i, r[i], im[i], er[i], ei[i]);
    }
  }
  CHECK(ok, "%s: spectra differ", what);
  free(r), free(im);
  return ok;
}

/* eigenvalues of a copy of A (n x n) against the expected (er, ei) */
static void check_eig(int n, const double *A, double *er, double *ei, double tol, const char *what) {
  double *a = malloc(sizeof(double) * n * n), *wr = malloc(sizeof(double) * n), *wi = malloc(sizeof(double) * n);
  double *work = malloc(sizeof(double) * n);
  memcpy(a, A, sizeof(double) * n * n);
  int rc = eig_values(n, a, wr, wi, work);
  CHECK(rc == 0, "%s: QR did not converge", what);
  if (rc == 0) same_spectrum(n, wr, wi, er, ei, tol, what);
  /* every eigenvector: |A v - lambda v| small */
  double *vr = malloc(sizeof(double) * n), *vi = malloc(sizeof(double) * n);
  double *vw = malloc(sizeof(double) * eig_vector_work(n));
  int *ipiv = malloc(sizeof(int) * 2 * n);
  double anorm = 0;
  for (int i = 0; i < n * n; i++) anorm = fabs(A[i]) > anorm ? fabs(A[i]) : anorm;
  for (int k = 0; k < n && rc == 0; k++) {
    double res = eig_vector(n, A, wr[k], wi[k], vr, vi, vw, ipiv);
    double len = 0;
    for (int i = 0; i < n; i++) len += vr[i] * vr[i] + vi[i] * vi[i];
    CHECK(fabs(len - 1) < 1e-9, "%s: eigenvector %d has norm^2 %g", what, k, len);
    CHECK(res <= 1e-7 * (1 + anorm), "%s: eigenvector %d of %g%+gi: residual %g", what, k, wr[k], wi[k], res);
  }
  free(a), free(wr), free(wi), free(work), free(vr), free(vi), free(vw), free(ipiv);
}

static void matmul(int n, const double *A, const double *B, double *C) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += A[i * n + k] * B[k * n + j];
      C[i * n + j] = s;
    }
}

/* a random orthogonal matrix: the product of n Householder reflectors */
static void random_orthogonal(int n, rng_state *r, double *Q) {
  double *v = malloc(sizeof(double) * n), *T = malloc(sizeof(double) * n * n), *P = malloc(sizeof(double) * n * n);
  for (int i = 0; i < n * n; i++) Q[i] = i % (n + 1) == 0;
  for (int k = 0; k < n; k++) {
    double s = 0;
    for (int i = 0; i < n; i++) v[i] = rng_symmetric(r, 1.0f), s += v[i] * v[i];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) P[i * n + j] = (i == j) - 2 * v[i] * v[j] / s;
    matmul(n, Q, P, T);
    memcpy(Q, T, sizeof(double) * n * n);
  }
  free(v), free(T), free(P);
}

/* block diagonal of 1 x 1 reals and 2 x 2 [[a, -b], [b, a]] (eigenvalues a +- ib) */
static void block_diag(int n, const double *er, const double *ei, double *D) {
  memset(D, 0, sizeof(double) * n * n);
  for (int i = 0; i < n; i++) {
    if (ei[i] != 0 && i + 1 < n) {
      D[i * n + i] = D[(i + 1) * n + i + 1] = er[i];
      D[i * n + i + 1] = -fabs(ei[i]), D[(i + 1) * n + i] = fabs(ei[i]);
      i++;
    } else D[i * n + i] = er[i];
  }
}

static void test_eig(void) {
  rng_state r;
  rng_seed(&r, 5);
  { /* diagonal, triangular, zeros, 1 x 1 */
    double A[16] = {3, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 2}, er[4] = {3, -1, 0.5, 2}, ei[4] = {0};
    check_eig(4, A, er, ei, 1e-12, "diagonal");
    double U[25], ur[5] = {4, -3, 2, 1e-3, -0.5}, ui[5] = {0};
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 5; j++) U[i * 5 + j] = j > i ? rng_symmetric(&r, 5.0f) : j == i ? ur[i] : 0;
    check_eig(5, U, ur, ui, 1e-10, "upper triangular");
    double Z[9] = {0}, zr[3] = {0}, zi[3] = {0};
    check_eig(3, Z, zr, zi, 0, "zeros");
    double one[1] = {-7.5}, o_r[1] = {-7.5}, o_i[1] = {0};
    check_eig(1, one, o_r, o_i, 0, "1 x 1");
    double rot[4] = {0, -1, 1, 0}, rr[2] = {0, 0}, ri[2] = {1, -1};
    check_eig(2, rot, rr, ri, 1e-14, "rotation by 90 degrees");
  }
  { /* a Jordan block: a double eigenvalue, accurate to about sqrt(eps) */
    double J[9] = {2, 1, 0, 0, 2, 1, 0, 0, 2}, jr[3] = {2, 2, 2}, ji[3] = {0};
    double a[9], wr[3], wi[3], w[3];
    memcpy(a, J, sizeof a);
    CHECK(eig_values(3, a, wr, wi, w) == 0, "Jordan: converged");
    same_spectrum(3, wr, wi, jr, ji, 1e-4, "Jordan block (cube root of eps)");
  }
  { /* orthogonal similarity of blocks with complex pairs, n = 40, moduli spread over decades */
    const int n = 40;
    double *er = malloc(sizeof(double) * n), *ei = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++) {
      const double mod = pow(10.0, rng_symmetric(&r, 1.5f)), ang = 3.14159265358979 * rng_uniform(&r);
      if (i % 3 == 0 && i + 1 < n) {
        er[i] = er[i + 1] = mod * cos(ang), ei[i] = mod * sin(ang) + 0.01, ei[i + 1] = -ei[i];
        i++;
      } else er[i] = (i % 2 ? -1 : 1) * mod, ei[i] = 0;
    }
    double *D = malloc(sizeof(double) * n * n), *Q = malloc(sizeof(double) * n * n), *T = malloc(sizeof(double) * n * n);
    double *A = malloc(sizeof(double) * n * n), *Qt = malloc(sizeof(double) * n * n);
    block_diag(n, er, ei, D);
    random_orthogonal(n, &r, Q);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) Qt[i * n + j] = Q[j * n + i];
    matmul(n, Q, D, T), matmul(n, T, Qt, A);
    check_eig(n, A, er, ei, 1e-9, "Q D Q^T, 40 x 40 with complex pairs");
    free(er), free(ei), free(D), free(Q), free(T), free(A), free(Qt);
  }
  { /* a non-normal similarity P D P^-1, P = I + strictly upper (unit triangular: exact inverse by
     * back substitution), n = 12, eigenvalues 0.1..10 with pairs */
    const int n = 12;
    double er[12] = {5, 5, -2, 0.3, 0.3, 1, -1, 0.9, 0.9, 7, 0.1, -4}, ei[12] = {1, -1, 0, 0.4, -0.4, 0, 0, 0.5, -0.5, 0, 0, 0};
    double D[144], P[144], Pi[144], T[144], A[144];
    block_diag(n, er, ei, D);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) P[i * n + j] = i == j ? 1 : j > i ? rng_symmetric(&r, 1.0f) : 0;
    for (int j = 0; j < n; j++) /* columns of P^-1: solve P x = e_j by back substitution */
      for (int i = n - 1; i >= 0; i--) {
        double s = i == j;
        for (int k = i + 1; k < n; k++) s -= P[i * n + k] * Pi[k * n + j];
        Pi[i * n + j] = s;
      }
    matmul(n, P, D, T), matmul(n, T, Pi, A);
    check_eig(n, A, er, ei, 1e-8, "P D P^-1, non-normal 12 x 12");
  }
  { /* companion matrix of prod (x - root): roots 1, 2, 3, -1 +- 2i, 0.5 +- 0.5i */
    const int n = 7;
    double rr[7] = {1, 2, 3, -1, -1, 0.5, 0.5}, ri[7] = {0, 0, 0, 2, -2, 0.5, -0.5};
    double cr[8] = {1}, ci[8] = {0}; /* coefficients, highest first, built in complex */
    for (int k = 0; k < n; k++)
      for (int i = k + 1; i >= 1; i--) {
        const double ar = cr[i] - (rr[k] * cr[i - 1] - ri[k] * ci[i - 1]), ai = ci[i] - (rr[k] * ci[i - 1] + ri[k] * cr[i - 1]);
        cr[i] = ar, ci[i] = ai;
      }
    double C[49] = {0};
    for (int j = 0; j < n; j++) C[j] = -cr[j + 1];
    for (int i = 1; i < n; i++) C[i * n + i - 1] = 1;
    check_eig(n, C, rr, ri, 1e-9, "companion matrix");
  }
  { /* a random 60 x 60: trace = sum of eigenvalues, and every eigenvector checked in check_eig */
    const int n = 60;
    double *A = malloc(sizeof(double) * n * n), *a = malloc(sizeof(double) * n * n);
    double *wr = malloc(sizeof(double) * n), *wi = malloc(sizeof(double) * n), *w = malloc(sizeof(double) * n);
    double tr = 0;
    for (int i = 0; i < n * n; i++) A[i] = rng_symmetric(&r, 1.0f);
    for (int i = 0; i < n; i++) tr += A[i * n + i];
    memcpy(a, A, sizeof(double) * n * n);
    CHECK(eig_values(n, a, wr, wi, w) == 0, "random 60: converged");
    double sr = 0, si = 0;
    for (int i = 0; i < n; i++) sr += wr[i], si += wi[i];
    CHECK_CLOSE(sr, tr, 1e-9, 0, "random 60: sum of eigenvalues = trace");
    CHECK_CLOSE(si, 0, 1e-9, 0, "random 60: imaginary parts cancel");
    check_eig(n, A, wr, wi, 1e-12, "random 60 (against itself; eigenvectors)");
    free(A), free(a), free(wr), free(wi), free(w);
  }
  { /* a Jacobian at a saturated GRU state: many units with the update gate near 1 give rows
     * e_i + eps_i * noise, eps_i from 1e-3 down to 1e-16, a tight cluster at 1 (the exceptional
     * shift must sit near it: shifted around 0 this never converged) */
    const int n = 32;
    double *A = malloc(sizeof(double) * n * n), *a = malloc(sizeof(double) * n * n), wr[32], wi[32], w[32];
    for (int trial = 0; trial < 20; trial++) {
      const int k = 8 + trial;
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          const double eps = i < k ? pow(10.0, -3.0 - 13.0 * i / (k - 1)) : 0.3;
          A[i * n + j] = (i < k && i == j ? 1.0 : 0) + eps * rng_symmetric(&r, 1.0f);
        }
      memcpy(a, A, sizeof(double) * n * n);
      const int rc = eig_values(n, a, wr, wi, w);
      CHECK(rc == 0, "saturated cluster of %d: converged", k);
      double tr = 0, tr2 = 0, s1 = 0, s2 = 0;
      for (int i = 0; i < n; i++) tr += A[i * n + i], s1 += wr[i], s2 += wr[i] * wr[i] - wi[i] * wi[i];
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) tr2 += A[i * n + j] * A[j * n + i];
      CHECK_CLOSE(s1, tr, 1e-10, 0, "saturated cluster: sum of eigenvalues = trace");
      CHECK_CLOSE(s2, tr2, 1e-10, 0, "saturated cluster: sum of squares = trace of A^2");
      int near1 = 0;
      for (int i = 0; i < n; i++) near1 += hypot(wr[i] - 1, wi[i]) < 1e-2;
      CHECK(near1 >= k - 1, "saturated cluster: %d of %d eigenvalues near 1", near1, k);
    }
    free(A), free(a);
  }
  { /* non-finite input is refused */
    double a[4] = {1, NAN, 0, 1}, wr[2], wi[2], w[2];
    CHECK(eig_values(2, a, wr, wi, w) == -1, "NaN matrix refused");
  }
}

/* ---- J^T r and grad q against central differences ---- */

typedef struct {
  const char *name;
  int cell, variant, layers, dense, act;
} dyn_case;

static rnnlab_model *make_model(const dyn_case *k, int I, int H, uint64_t seed) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = k->cell, c.variant = k->variant, c.layers = k->layers, c.activation = k->act;
  c.input_size = I, c.input_kind = k->dense ? RNNLAB_INPUT_DENSE : RNNLAB_INPUT_ONEHOT;
  c.hidden_size = H, c.output_size = 2, c.output_kind = RNNLAB_OUTPUT_LINEAR;
  c.init = RNNLAB_INIT_UNIFORM, c.init_scale = 0.8f, c.alpha = 0.4f, c.seed_lo = (uint32_t)seed;
  rnnlab_model *m = NULL;
  char err[256];
  CHECK(rnnlab_model_create(&c, &m, err, sizeof err) == RNNLAB_OK, "%s: %s", k->name, err);
  return m;
}

static void test_gradients(void) {
  const dyn_case cases[] = {
      {"rnn tanh", RNNLAB_CELL_RNN, 0, 1, 1, RNNLAB_ACT_TANH},
      {"rnn sigmoid 2 layers", RNNLAB_CELL_RNN, 0, 2, 1, RNNLAB_ACT_SIGMOID},
      {"lstm", RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, 1, 1, 0},
      {"lstm 2 layers one-hot", RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, 2, 0, 0},
      {"lstm vanilla (peepholes)", RNNLAB_CELL_LSTM, RNNLAB_LSTM_VANILLA, 1, 1, 0},
      {"gru", RNNLAB_CELL_GRU, 0, 2, 1, 0},
      {"ctrnn", RNNLAB_CELL_CTRNN, 0, 2, 1, RNNLAB_ACT_TANH},
      {"esn", RNNLAB_CELL_ESN, 0, 1, 1, RNNLAB_ACT_TANH},
      {"cfn", RNNLAB_CELL_CFN, 0, 1, 1, 0},
  };
  const int I = 3, H = 4;
  for (size_t ci = 0; ci < sizeof cases / sizeof *cases; ci++) {
    const dyn_case *k = &cases[ci];
    rnnlab_model *m = make_model(k, I, H, 7 + ci);
    if (!m) continue;
    const float input[3] = {0.3f, -0.7f, 0.2f};
    dyn_model d;
    CHECK(dyn_open(&d, m, k->dense ? input : NULL, 1, 1, "test") == RNNLAB_OK, "%s: open: %s", k->name, m->err);
    const int N = d.N, has_c = m->cell->cell_state;
    CHECK(N == k->layers * H * (1 + has_c), "%s: N = %d", k->name, N);
    CHECK(rnnlab_model_state_size(m) == N, "%s: state size", k->name);
    rng_state r;
    rng_seed(&r, 100 + ci);
    float *s = malloc(sizeof(float) * N), *sp = malloc(sizeof(float) * N), *tmp = malloc(sizeof(float) * 2 * N * N);
    float *g = malloc(sizeof(float) * N), *res = malloc(sizeof(float) * N), *fp = malloc(sizeof(float) * N), *fm = malloc(sizeof(float) * N);
    double *J = malloc(sizeof(double) * N * N);
    for (int i = 0; i < N; i++) s[i] = rng_symmetric(&r, 1.0f);
    CHECK(dyn_jacobian(&d, s, J, tmp) == RNNLAB_OK, "%s: jacobian", k->name);
    CHECK(dyn_reserve(&d, 1) == RNNLAB_OK, "reserve");
    /* columns of J by central differences of F */
    const float e = 1e-2f;
    double worst = 0;
    for (int j = 0; j < N; j++) {
      memcpy(sp, s, sizeof(float) * N), sp[j] += e;
      dyn_step(&d, 1, sp, fp, NULL, NULL);
      memcpy(sp, s, sizeof(float) * N), sp[j] -= e;
      dyn_step(&d, 1, sp, fm, NULL, NULL);
      for (int i = 0; i < N; i++) {
        const double num = ((double)fp[i] - fm[i]) / (2.0 * e), an = J[(size_t)i * N + j];
        const double err = fabs(an - num) / fmax(fabs(an) + fabs(num), 1e-2);
        worst = err > worst ? err : worst;
      }
    }
    CHECK(worst <= 5e-3, "%s: J vs central differences: worst error %g", k->name, worst);
    /* grad q, elementwise and along a random direction */
    double q;
    dyn_speed(&d, 1, s, &q, g, res);
    worst = 0;
    double slope = 0, dir_an = 0;
    float *v = malloc(sizeof(float) * N);
    for (int j = 0; j < N; j++) v[j] = rng_symmetric(&r, 1.0f);
    for (int j = 0; j < N; j++) {
      double qp, qm;
      memcpy(sp, s, sizeof(float) * N), sp[j] += e;
      dyn_speed(&d, 1, sp, &qp, NULL, res);
      memcpy(sp, s, sizeof(float) * N), sp[j] -= e;
      dyn_speed(&d, 1, sp, &qm, NULL, res);
      const double num = (qp - qm) / (2.0 * e);
      const double err = fabs(g[j] - num) / fmax(fabs(g[j]) + fabs(num), 1e-2);
      worst = err > worst ? err : worst;
      dir_an += g[j] * v[j];
    }
    {
      double qp, qm;
      const double h = 1e-2;
      for (int j = 0; j < N; j++) sp[j] = (float)(s[j] + h * v[j]);
      dyn_speed(&d, 1, sp, &qp, NULL, res);
      for (int j = 0; j < N; j++) sp[j] = (float)(s[j] - h * v[j]);
      dyn_speed(&d, 1, sp, &qm, NULL, res);
      slope = (qp - qm) / (2 * h);
    }
    CHECK(worst <= 5e-3, "%s: grad q vs central differences: worst error %g", k->name, worst);
    CHECK(fabs(slope - dir_an) <= 2e-3 * (fabs(slope) + 1e-3), "%s: directional: %g vs %g", k->name, dir_an, slope);
    dyn_close(&d);
    free(s), free(sp), free(tmp), free(g), free(res), free(fp), free(fm), free(J), free(v);
    rnnlab_model_free(m);
  }
}

/* ---- Lyapunov ---- */

typedef struct { double a[4]; } lin2;
static rnnlab_status lin_step(void *ctx, int rows, const double *in, double *out) {
  const lin2 *L = ctx;
  for (int r = 0; r < rows; r++) {
    const double x = in[2 * r], y = in[2 * r + 1];
    out[2 * r] = L->a[0] * x + L->a[1] * y;
    out[2 * r + 1] = L->a[2] * x + L->a[3] * y;
  }
  return RNNLAB_OK;
}

/* Lorenz (sigma 10, rho 28, beta 8/3), one RK4 step of dt */
typedef struct { double dt; } lorenz;
static void lorenz_f(const double *s, double *ds) {
  ds[0] = 10.0 * (s[1] - s[0]);
  ds[1] = s[0] * (28.0 - s[2]) - s[1];
  ds[2] = s[0] * s[1] - (8.0 / 3.0) * s[2];
}
static rnnlab_status lorenz_step(void *ctx, int rows, const double *in, double *out) {
  const double dt = ((const lorenz *)ctx)->dt;
  for (int r = 0; r < rows; r++) {
    const double *s = in + 3 * r;
    double k1[3], k2[3], k3[3], k4[3], t[3];
    lorenz_f(s, k1);
    for (int i = 0; i < 3; i++) t[i] = s[i] + 0.5 * dt * k1[i];
    lorenz_f(t, k2);
    for (int i = 0; i < 3; i++) t[i] = s[i] + 0.5 * dt * k2[i];
    lorenz_f(t, k3);
    for (int i = 0; i < 3; i++) t[i] = s[i] + dt * k3[i];
    lorenz_f(t, k4);
    for (int i = 0; i < 3; i++) out[3 * r + i] = s[i] + dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  return RNNLAB_OK;
}

static void test_lyapunov(void) {
  rng_state r;
  rng_seed(&r, 3);
  double ex[4], keep[3], *work = malloc(sizeof(double) * dyn_lyapunov_work(3, 4));
  { /* [[2, 1], [0, 0.5]]: ln 2; a rotation by 1 rad scaled by 0.9: ln 0.9 */
    lin2 A = {{2, 1, 0, 0.5}};
    dyn_map f = {2, &A, lin_step, NULL};
    double s[4] = {0, 0, 0, 0};
    CHECK(dyn_lyapunov(&f, 2, s, 30, 200, 1e-6, &r, ex, NULL, work) == RNNLAB_OK, "linear");
    CHECK_CLOSE(ex[0], log(2.0), 1e-9, 0, "[[2,1],[0,.5]] exponent");
    CHECK_CLOSE(ex[1], log(2.0), 1e-9, 0, "[[2,1],[0,.5]] exponent, second run");
    lin2 B = {{0.9 * cos(1.0), -0.9 * sin(1.0), 0.9 * sin(1.0), 0.9 * cos(1.0)}};
    dyn_map g = {2, &B, lin_step, NULL};
    double s2[2] = {1, 1};
    CHECK(dyn_lyapunov(&g, 1, s2, 0, 100, 1e-6, &r, ex, NULL, work) == RNNLAB_OK, "rotation");
    CHECK_CLOSE(ex[0], log(0.9), 1e-9, 0, "0.9 R(1) exponent");
    double dv[11], s3[2] = {0, 0}, w4[8];
    CHECK(dyn_divergence(&f, s3, 0, 1e-7, 10, dv, w4) == RNNLAB_OK, "divergence");
    CHECK_CLOSE(dv[0], 1e-7, 0, 1e-12, "divergence starts at the perturbation");
    CHECK_CLOSE(dv[10], 1e-7 * 1024, 0, 1e-9, "a perturbation along x doubles each step");
  }
  { /* Lorenz: transient t = 50, then t = 1000, two trajectories */
    lorenz L = {0.01};
    dyn_map f = {3, &L, lorenz_step, NULL};
    double s[6] = {1, 1, 1, -5, 3, 20};
    CHECK(dyn_lyapunov(&f, 2, s, 5000, 100000, 1e-7, &r, ex, keep, work) == RNNLAB_OK, "lorenz");
    const double l0 = ex[0] / L.dt, l1 = ex[1] / L.dt;
    printf("lorenz: largest exponent %.4f and %.4f per unit time (published 0.906)\n", l0, l1);
    CHECK(fabs(l0 - 0.906) < 0.05 * 0.906 && fabs(l1 - 0.906) < 0.05 * 0.906, "Lorenz exponent %g, %g vs 0.906", l0, l1);
    CHECK(fabs(keep[0]) < 30 && fabs(keep[2] - 25) < 30, "kept state on the attractor (%g %g %g)", keep[0], keep[1], keep[2]);
    double dv[2001], w[12];
    CHECK(dyn_divergence(&f, keep, 1, 1e-9, 2000, dv, w) == RNNLAB_OK, "lorenz divergence");
    /* the separation grows about e^(0.906 t) until it saturates at the attractor's size */
    const double slope = log(dv[1500] / dv[0]) / 15.0;
    printf("lorenz: divergence from 1e-9, ln(d(15)/d(0))/15 = %.3f\n", slope);
    CHECK(slope > 0.5 && slope < 1.4, "Lorenz divergence slope %g", slope);
  }
  free(work);
}

/* ---- fixed points end to end ---- */

static rnnlab_model *tanh_unit(double w, double b) {
  const dyn_case k = {"tanh unit", RNNLAB_CELL_RNN, 0, 1, 1, RNNLAB_ACT_TANH};
  rnnlab_model *m = make_model(&k, 1, 1, 1);
  float zero = 0, wf = (float)w, bf = (float)b;
  for (int t = 0; t < rnnlab_model_tensor_count(m); t++) {
    const char *name = rnnlab_model_tensor_name(m, t);
    if (!strcmp(name, "weight_ih_l0") || !strcmp(name, "bias_hh_l0")) rnnlab_model_set_tensor(m, t, &zero);
    if (!strcmp(name, "weight_hh_l0")) rnnlab_model_set_tensor(m, t, &wf);
    if (!strcmp(name, "bias_ih_l0")) rnnlab_model_set_tensor(m, t, &bf);
  }
  return m;
}

/* the root of h = tanh(w h + b) by bisection on [lo, hi] */
static double tanh_root(double w, double b, double lo, double hi) {
  for (int i = 0; i < 200; i++) {
    const double mid = 0.5 * (lo + hi), flo = tanh(w * lo + b) - lo, fm = tanh(w * mid + b) - mid;
    if ((flo < 0) == (fm < 0)) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

static void test_fixed_points(void) {
  rnnlab_fixed_point_config c;
  rnnlab_fixed_point_config_default(&c);
  c.starts = 24;
  { /* w = 0.5, b = 0.3: one stable point, eigenvalue w (1 - h*^2) */
    rnnlab_model *m = tanh_unit(0.5, 0.3);
    rnnlab_fixed_points *f = NULL;
    CHECK(rnnlab_model_fixed_points(m, &c, NULL, NULL, 0, &f) == RNNLAB_OK, "w 0.5: %s", rnnlab_model_error(m));
    const double h = tanh_root(0.5, 0.3, -1, 1);
    CHECK(rnnlab_fixed_points_count(f) == 1, "w 0.5: %d points", rnnlab_fixed_points_count(f));
    if (rnnlab_fixed_points_count(f) == 1) {
      CHECK_CLOSE(rnnlab_fixed_points_state(f, 0)[0], h, 1e-6, 0, "w 0.5: h*");
      CHECK(rnnlab_fixed_points_q(f, 0) <= c.tolerance, "w 0.5: q %g", rnnlab_fixed_points_q(f, 0));
      CHECK_CLOSE(rnnlab_fixed_points_eigenvalues(f, 0)[0], 0.5 * (1 - h * h), 1e-6, 0, "w 0.5: eigenvalue");
      CHECK(rnnlab_fixed_points_unstable(f, 0) == 0, "w 0.5: stable");
    }
    rnnlab_fixed_points_free(f);
    rnnlab_model_free(m);
  }
  { /* w = 2, b = 0: 0 unstable (eigenvalue 2) and +-h*, h* = tanh(2 h*), stable (2 (1 - h*^2)) */
    rnnlab_model *m = tanh_unit(2, 0);
    rnnlab_fixed_points *f = NULL;
    CHECK(rnnlab_model_fixed_points(m, &c, NULL, NULL, 0, &f) == RNNLAB_OK, "w 2: %s", rnnlab_model_error(m));
    const double h = tanh_root(2, 0, 0.5, 1);
    const int n = rnnlab_fixed_points_count(f);
    CHECK(n == 3, "w 2: %d points", n);
    int seen[3] = {0};
    for (int i = 0; i < n; i++) {
      const double x = rnnlab_fixed_points_state(f, i)[0], lam = rnnlab_fixed_points_eigenvalues(f, i)[0];
      const int which = fabs(x) < 1e-5 ? 0 : fabs(x - h) < 1e-5 ? 1 : fabs(x + h) < 1e-5 ? 2 : -1;
      CHECK(which >= 0, "w 2: unexpected point %g", x);
      if (which < 0) continue;
      seen[which]++;
      CHECK_CLOSE(lam, which ? 2 * (1 - h * h) : 2.0, 1e-5, 0, "w 2: eigenvalue");
      CHECK(rnnlab_fixed_points_unstable(f, i) == (which == 0), "w 2: stability of %g", x);
      CHECK(rnnlab_fixed_points_directions(f, i) == (which == 0), "w 2: unstable directions of %g", x);
      if (which == 0) CHECK_CLOSE(rnnlab_fixed_points_direction(f, i, 0)[0], 1.0, 1e-6, 0, "w 2: the direction at 0");
    }
    CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1, "w 2: each point once (%d %d %d)", seen[0], seen[1], seen[2]);
    printf("tanh unit w = 2: %d points, h* = %.7f\n", n, h);
    rnnlab_fixed_points_free(f);
    rnnlab_model_free(m);
  }
  { /* errors: NaN starts, a bidirectional model; the model keeps working */
    rnnlab_model *m = tanh_unit(2, 0);
    rnnlab_fixed_points *f = (rnnlab_fixed_points *)1;
    float starts[2] = {0.5f, NAN};
    CHECK(rnnlab_model_fixed_points(m, &c, NULL, starts, 2, &f) == RNNLAB_ENONFINITE && f == NULL, "NaN start refused");
    CHECK(strstr(rnnlab_model_error(m), "starts[1][0] is NaN") != NULL, "message: %s", rnnlab_model_error(m));
    starts[1] = -0.6f;
    CHECK(rnnlab_model_fixed_points(m, &c, NULL, starts, 2, &f) == RNNLAB_OK, "given starts: %s", rnnlab_model_error(m));
    CHECK(rnnlab_fixed_points_count(f) == 2, "two starts, two stable points: %d", rnnlab_fixed_points_count(f));
    rnnlab_fixed_points_free(f);
    rnnlab_fixed_points_free(NULL);
    rnnlab_model_free(m);
    rnnlab_config bc;
    rnnlab_config_default(&bc);
    bc.bidirectional = 1, bc.output_size = 2;
    rnnlab_model *bm = NULL;
    rnnlab_model_create(&bc, &bm, NULL, 0);
    CHECK(rnnlab_model_state_size(bm) == 0 && strstr(rnnlab_model_error(bm), "bidirectional"), "bidirectional refused: %s",
          rnnlab_model_error(bm));
    rnnlab_model_free(bm);
  }
}

/* the carried state and the gradients survive every analysis */
static void test_undisturbed(void) {
  const dyn_case k = {"lstm", RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, 2, 1, 0};
  rnnlab_model *m = make_model(&k, 2, 3, 9);
  const int B = 2, T = 5;
  float x[20], y[20], out[20], out2[20];
  for (int i = 0; i < 20; i++) x[i] = 0.1f * i - 1, y[i] = 0.05f * i;
  rnnlab_batch b = {B, T, NULL, x, NULL, y, NULL, 0};
  CHECK(rnnlab_model_backward(m, &b, NULL) == RNNLAB_OK, "backward");
  const size_t n = m->n_params;
  float *g0 = malloc(sizeof(float) * n);
  memcpy(g0, m->grads, sizeof(float) * n);
  rnnlab_fixed_point_config c;
  rnnlab_fixed_point_config_default(&c);
  c.starts = 6, c.max_iterations = 50;
  rnnlab_fixed_points *f = NULL;
  CHECK(rnnlab_model_fixed_points(m, &c, NULL, NULL, 0, &f) == RNNLAB_OK, "lstm fixed points: %s", rnnlab_model_error(m));
  CHECK(rnnlab_fixed_points_dim(f) == 2 * 2 * 3, "lstm state: h of both layers, then c: %d", rnnlab_fixed_points_dim(f));
  rnnlab_fixed_points_free(f);
  rnnlab_lyapunov_config lc;
  rnnlab_lyapunov_config_default(&lc);
  lc.steps = 50, lc.transient = 10, lc.divergence_steps = 5;
  double ex, dv[6];
  CHECK(rnnlab_model_lyapunov(m, &lc, NULL, NULL, &ex, NULL, dv) == RNNLAB_OK, "lyapunov: %s", rnnlab_model_error(m));
  CHECK(memcmp(g0, m->grads, sizeof(float) * n) == 0, "the gradient arena is unchanged");
  /* carried: the next carry_state pass continues as if nothing ran in between */
  rnnlab_model *twin = make_model(&k, 2, 3, 9);
  rnnlab_batch b2 = {B, T, NULL, x, NULL, NULL, NULL, 0};
  rnnlab_model_forward(twin, &b2, NULL, NULL);
  b2.carry_state = 1;
  rnnlab_model_forward(twin, &b2, out2, NULL);
  b2.carry_state = 0;
  rnnlab_model_forward(m, &b2, NULL, NULL);
  CHECK(rnnlab_model_fixed_points(m, &c, NULL, NULL, 0, &f) == RNNLAB_OK, "again");
  rnnlab_fixed_points_free(f);
  CHECK(rnnlab_model_lyapunov(m, &lc, NULL, NULL, &ex, NULL, dv) == RNNLAB_OK, "again");
  b2.carry_state = 1;
  rnnlab_model_forward(m, &b2, out, NULL);
  CHECK(memcmp(out, out2, sizeof out) == 0, "the carried state is unchanged");
  free(g0);
  rnnlab_model_free(m), rnnlab_model_free(twin);
}

int main(void) {
  test_eig();
  test_gradients();
  test_lyapunov();
  test_fixed_points();
  test_undisturbed();
  return check_summary("test_dynamics");
}
