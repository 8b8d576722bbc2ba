/* dynamics/eig.c - eigenvalues and eigenvectors of a general real matrix, in double.
 *
 * Eigenvalues (Golub & Van Loan, Matrix Computations, 4th ed., sections 7.4-7.5):
 *   1. balancing: a diagonal similarity D^-1 A D by powers of 2 that makes each row and column
 *      of comparable norm (Parlett & Reinsch 1969); exact in binary, it only improves accuracy;
 *   2. Householder reduction to upper Hessenberg form H = Q^T A Q;
 *   3. Francis's implicit double-shift QR on H: each sweep chases a 3 x 3 bulge down the active
 *      block with Householder reflectors, the two shifts being the eigenvalues of the trailing
 *      2 x 2 block (so a complex pair never needs complex arithmetic); a subdiagonal entry below
 *      eps (|h_kk| + |h_k-1,k-1|) is set to 0 and the problem splits; 1 x 1 and 2 x 2 blocks at
 *      the bottom give the eigenvalues. Ad hoc (exceptional) shifts every 10 sweeps without
 *      deflation break the rare cycles of the standard shift; after 100 sweeps without one (a
 *      cluster of nearly defective eigenvalues, which converges only linearly) the block is
 *      split at its smallest subdiagonal.
 * Only eigenvalues are kept, so each sweep works on the active diagonal block alone: the
 * eigenvalues of a block triangular matrix are those of its diagonal blocks.
 * Eigenvectors: inverse iteration on the original matrix, (A - lambda I) x_{k+1} = x_k, with a
 * complex lambda = a + ib done in real arithmetic as the 2n system
 *   [A - aI   bI  ] [x]   [p]
 *   [ -bI   A - aI] [y] = [q]      for (A - lambda I)(x + iy) = p + iq,
 * whose null space is {v, iv} for the eigenvector v: any null vector is an eigenvector.
 * Does not own: symmetric solvers, Schur vectors, condition numbers. No allocation: the caller
 * gives the workspace.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "dynamics/dynamics.h"

#define A_(i, j) a[(size_t)(i) * n + (j)]

/* Parlett & Reinsch balancing with radix 2: until no row/column pair changes by more than 5%,
 * scale row i by 1/f and column i by f, f the power of 2 that best equalises their norms. */
static void balance(int n, double *a) {
  int done = 0;
  while (!done) {
    done = 1;
    for (int i = 0; i < n; i++) {
      double c = 0, r = 0;
      for (int j = 0; j < n; j++)
        if (j != i) c += fabs(A_(j, i)), r += fabs(A_(i, j));
      if (c == 0 || r == 0) continue;
      const double s = c + r;
      double f = 1, g = r / 2;
      while (c < g) f *= 2, c *= 4;
      g = r * 2;
      while (c > g) f /= 2, c /= 4;
      if ((c + r) / f < 0.95 * s) {
        done = 0;
        for (int j = 0; j < n; j++) A_(i, j) /= f;
        for (int j = 0; j < n; j++) A_(j, i) *= f;
      }
    }
  }
}

/* A -> H = P A P, P = I - 2 v v^T / v^T v zeroing column k below row k + 1, for every k. v: n. */
static void hessenberg(int n, double *a, double *v) {
  for (int k = 0; k + 2 < n; k++) {
    double scale = 0;
    for (int i = k + 1; i < n; i++) scale += fabs(A_(i, k));
    if (scale == 0) continue;
    double norm2 = 0;
    for (int i = k + 1; i < n; i++) v[i] = A_(i, k) / scale, norm2 += v[i] * v[i];
    const double alpha = v[k + 1] > 0 ? -sqrt(norm2) : sqrt(norm2); /* P x = alpha e1, no cancellation */
    v[k + 1] -= alpha;
    double vtv = 0;
    for (int i = k + 1; i < n; i++) vtv += v[i] * v[i];
    for (int j = k; j < n; j++) { /* from the left: rows k+1..n-1 */
      double d = 0;
      for (int i = k + 1; i < n; i++) d += v[i] * A_(i, j);
      d *= 2 / vtv;
      for (int i = k + 1; i < n; i++) A_(i, j) -= d * v[i];
    }
    for (int i = 0; i < n; i++) { /* from the right: columns k+1..n-1 */
      double d = 0;
      for (int j = k + 1; j < n; j++) d += A_(i, j) * v[j];
      d *= 2 / vtv;
      for (int j = k + 1; j < n; j++) A_(i, j) -= d * v[j];
    }
    A_(k + 1, k) = alpha * scale;
    for (int i = k + 2; i < n; i++) A_(i, k) = 0;
  }
}

/* Eigenvalues of [[p, q], [r, s]]: the mean plus or minus sqrt(((p - s)/2)^2 + q r); the root
 * farther from the mean first, its partner from the determinant (no cancellation). */
static void eig2(double p, double q, double r, double s, double *re1, double *im1, double *re2, double *im2) {
  const double mean = 0.5 * (p + s), half = 0.5 * (p - s), disc = half * half + q * r;
  if (disc >= 0) {
    const double root = sqrt(disc), far = mean + (half >= 0 ? root : -root), det = p * s - q * r;
    *re1 = far, *im1 = 0;
    *re2 = far != 0 ? det / far : mean - (half >= 0 ? root : -root), *im2 = 0;
  } else {
    const double root = sqrt(-disc);
    *re1 = *re2 = mean, *im1 = root, *im2 = -root;
  }
}

/* Householder reflector P = I - beta v v^T with P u = alpha e1 for u of length len (2 or 3);
 * returns 0 when u = 0 (nothing to do). */
static int reflector(const double *u, int len, double *v, double *beta) {
  double scale = 0;
  for (int i = 0; i < len; i++) scale += fabs(u[i]);
  if (scale == 0) return 0;
  double norm2 = 0;
  for (int i = 0; i < len; i++) v[i] = u[i] / scale, norm2 += v[i] * v[i];
  const double alpha = v[0] > 0 ? -sqrt(norm2) : sqrt(norm2);
  v[0] -= alpha;
  double vtv = 0;
  for (int i = 0; i < len; i++) vtv += v[i] * v[i];
  *beta = 2 / vtv;
  return 1;
}

/* P from the left on rows r0..r0+len-1, columns c0..c1; from the right on columns r0..r0+len-1,
 * rows c2..c3. */
static void reflect(int n, double *a, const double *v, double beta, int len, int r0, int c0, int c1, int c2, int c3) {
  for (int j = c0; j <= c1; j++) {
    double d = 0;
    for (int i = 0; i < len; i++) d += v[i] * A_(r0 + i, j);
    d *= beta;
    for (int i = 0; i < len; i++) A_(r0 + i, j) -= d * v[i];
  }
  for (int i = c2; i <= c3; i++) {
    double d = 0;
    for (int j = 0; j < len; j++) d += A_(i, r0 + j) * v[j];
    d *= beta;
    for (int j = 0; j < len; j++) A_(i, r0 + j) -= d * v[j];
  }
}

/* Francis double-shift QR on the Hessenberg matrix a. */
static int hqr(int n, double *a, double *wr, double *wi) {
  double norm = 0;
  for (int i = 0; i < n; i++)
    for (int j = i > 0 ? i - 1 : 0; j < n; j++) norm += fabs(A_(i, j));
  int hi = n - 1, iter = 0;
  while (hi >= 0) {
    int lo = hi;
    for (; lo > 0; lo--) { /* the active block [lo, hi]: the first negligible subdiagonal above hi */
      double s = fabs(A_(lo - 1, lo - 1)) + fabs(A_(lo, lo));
      if (s == 0) s = norm;
      if (fabs(A_(lo, lo - 1)) <= DBL_EPSILON * s) {
        A_(lo, lo - 1) = 0;
        break;
      }
    }
    if (lo == hi) {
      wr[hi] = A_(hi, hi), wi[hi] = 0;
      hi--, iter = 0;
      continue;
    }
    if (lo == hi - 1) {
      eig2(A_(hi - 1, hi - 1), A_(hi - 1, hi), A_(hi, hi - 1), A_(hi, hi), &wr[hi - 1], &wi[hi - 1], &wr[hi], &wi[hi]);
      hi -= 2, iter = 0;
      continue;
    }
    if (++iter > 100) {
      /* a cluster of (nearly) defective eigenvalues converges only linearly: split the block at
       * its smallest subdiagonal, whose size bounds the error this makes */
      int k = lo + 1;
      for (int j = lo + 2; j <= hi; j++)
        if (fabs(A_(j, j - 1)) * (fabs(A_(k, k)) + fabs(A_(k - 1, k - 1))) <
            fabs(A_(k, k - 1)) * (fabs(A_(j, j)) + fabs(A_(j - 1, j - 1))))
          k = j;
      A_(k, k - 1) = 0;
      iter = 0;
      continue;
    }
    /* the shifts' sum s and product t: the trailing 2 x 2 block's trace and determinant, or
     * (every 10 sweeps) ad hoc ones, h + mu with mu^2 - 1.5 e mu + e^2 = 0 around the last
     * diagonal entry h, e the size of the last two subdiagonals (EISPACK's exceptional shift) */
    double s, t;
    if (iter % 10 == 0) {
      const double e = fabs(A_(hi, hi - 1)) + fabs(A_(hi - 1, hi - 2)), h = A_(hi, hi);
      s = 2 * h + 1.5 * e, t = h * h + 1.5 * e * h + e * e;
    } else {
      s = A_(hi - 1, hi - 1) + A_(hi, hi);
      t = A_(hi - 1, hi - 1) * A_(hi, hi) - A_(hi - 1, hi) * A_(hi, hi - 1);
    }
    /* the first column of (H - s1 I)(H - s2 I) = H^2 - s H + t I, nonzero in 3 rows */
    double u[3], v[3], beta;
    u[0] = A_(lo, lo) * A_(lo, lo) + A_(lo, lo + 1) * A_(lo + 1, lo) - s * A_(lo, lo) + t;
    u[1] = A_(lo + 1, lo) * (A_(lo, lo) + A_(lo + 1, lo + 1) - s);
    u[2] = A_(lo + 1, lo) * A_(lo + 2, lo + 1);
    for (int k = lo; k <= hi - 2; k++) {
      if (reflector(u, 3, v, &beta)) {
        const int c0 = k > lo ? k - 1 : lo, r1 = k + 3 < hi ? k + 3 : hi;
        reflect(n, a, v, beta, 3, k, c0, hi, lo, r1);
        if (k > lo) A_(k + 1, k - 1) = A_(k + 2, k - 1) = 0; /* the bulge moved down */
      }
      u[0] = A_(k + 1, k), u[1] = A_(k + 2, k), u[2] = k + 3 <= hi ? A_(k + 3, k) : 0;
    }
    if (reflector(u, 2, v, &beta)) { /* the last step: a 2-reflector on rows hi-1, hi */
      reflect(n, a, v, beta, 2, hi - 1, hi - 2, hi, lo, hi);
      A_(hi, hi - 2) = 0;
    }
  }
  return 0;
}

int eig_values(int n, double *a, double *wr, double *wi, double *work) {
  if (n <= 0) return 0;
  for (size_t i = 0; i < (size_t)n * n; i++)
    if (!(a[i] - a[i] == 0)) return -1; /* NaN or Inf: no spectrum */
  balance(n, a);
  hessenberg(n, a, work);
  return hqr(n, a, wr, wi);
}

/* a before b in the order of eig_sort */
static int eig_before(double ra, double ia, double rb, double ib) {
  const double ma = hypot(ra, ia), mb = hypot(rb, ib);
  if (ma != mb) return ma > mb;
  if (ra != rb) return ra > rb;
  return ia > ib;
}

void eig_sort(int n, double *wr, double *wi) {
  for (int i = 1; i < n; i++) { /* insertion sort: n is at most a few thousand, sorted once */
    const double r = wr[i], im = wi[i];
    int k = i;
    while (k > 0 && eig_before(r, im, wr[k - 1], wi[k - 1])) wr[k] = wr[k - 1], wi[k] = wi[k - 1], k--;
    wr[k] = r, wi[k] = im;
  }
}

#undef A_

void lu_factor(int n, double *a, int *ipiv) {
  double norm = 0;
  for (size_t i = 0; i < (size_t)n * n; i++) norm = fabs(a[i]) > norm ? fabs(a[i]) : norm;
  const double tiny = (norm > 0 ? norm : 1) * DBL_EPSILON;
  for (int k = 0; k < n; k++) {
    int p = k;
    for (int i = k + 1; i < n; i++)
      if (fabs(a[(size_t)i * n + k]) > fabs(a[(size_t)p * n + k])) p = i;
    ipiv[k] = p;
    if (p != k)
      for (int j = 0; j < n; j++) {
        const double t = a[(size_t)k * n + j];
        a[(size_t)k * n + j] = a[(size_t)p * n + j], a[(size_t)p * n + j] = t;
      }
    double *row = a + (size_t)k * n;
    if (fabs(row[k]) < tiny) row[k] = row[k] < 0 ? -tiny : tiny;
    for (int i = k + 1; i < n; i++) {
      double *ri = a + (size_t)i * n;
      const double l = ri[k] / row[k];
      ri[k] = l;
      if (l != 0)
        for (int j = k + 1; j < n; j++) ri[j] -= l * row[j];
    }
  }
}

void lu_solve(int n, const double *lu, const int *ipiv, double *b) {
  for (int k = 0; k < n; k++) {
    const double t = b[ipiv[k]];
    b[ipiv[k]] = b[k], b[k] = t;
  }
  for (int i = 1; i < n; i++) {
    double s = b[i];
    for (int j = 0; j < i; j++) s -= lu[(size_t)i * n + j] * b[j];
    b[i] = s;
  }
  for (int i = n - 1; i >= 0; i--) {
    double s = b[i];
    for (int j = i + 1; j < n; j++) s -= lu[(size_t)i * n + j] * b[j];
    b[i] = s / lu[(size_t)i * n + i];
  }
}

size_t eig_vector_work(int n) { return (size_t)4 * n * n + 4 * (size_t)n; }

double eig_vector(int n, const double *a, double re, double im, double *vr, double *vi, double *work, int *ipiv) {
  const int cplx = im != 0, m = cplx ? 2 * n : n;
  double *M = work, *x = work + (size_t)m * m;
  memset(M, 0, sizeof(double) * (size_t)m * m);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      const double v = a[(size_t)i * n + j] - (i == j ? re : 0);
      M[(size_t)i * m + j] = v;
      if (cplx) M[(size_t)(n + i) * m + n + j] = v;
    }
  if (cplx)
    for (int i = 0; i < n; i++) M[(size_t)i * m + n + i] = im, M[(size_t)(n + i) * m + i] = -im;
  lu_factor(m, M, ipiv);
  /* a start with every component nonzero and no symmetry the eigenvector could be orthogonal to */
  for (int i = 0; i < m; i++) x[i] = 1.0 + 0.37 * ((i * 7919) % 13) / 13.0;
  for (int it = 0; it < 3; it++) {
    lu_solve(m, M, ipiv, x);
    double s = 0;
    for (int i = 0; i < m; i++) s += x[i] * x[i];
    s = sqrt(s);
    if (!(s > 0) || !(s - s == 0)) break;
    for (int i = 0; i < m; i++) x[i] /= s;
  }
  /* unit norm with the largest component real and positive: multiply by conj(z) / |z| */
  int big = 0;
  double bm = -1;
  for (int i = 0; i < n; i++) {
    const double mag = hypot(x[i], cplx ? x[n + i] : 0);
    if (mag > bm) bm = mag, big = i;
  }
  const double zr = x[big], zi = cplx ? x[n + big] : 0, zm = hypot(zr, zi);
  double norm = 0;
  for (int i = 0; i < n; i++) {
    const double xr = x[i], xi = cplx ? x[n + i] : 0;
    vr[i] = zm > 0 ? (xr * zr + xi * zi) / zm : xr;
    vi[i] = zm > 0 ? (xi * zr - xr * zi) / zm : 0;
    norm += vr[i] * vr[i] + vi[i] * vi[i];
  }
  norm = sqrt(norm);
  if (norm > 0)
    for (int i = 0; i < n; i++) vr[i] /= norm, vi[i] /= norm;
  if (!cplx)
    for (int i = 0; i < n; i++) vi[i] = 0;
  vi[big] = 0;
  /* residual |A v - lambda v| */
  double res = 0;
  for (int i = 0; i < n; i++) {
    double sr = 0, si = 0;
    for (int j = 0; j < n; j++) sr += a[(size_t)i * n + j] * vr[j], si += a[(size_t)i * n + j] * vi[j];
    sr -= re * vr[i] - im * vi[i];
    si -= re * vi[i] + im * vr[i];
    res += sr * sr + si * si;
  }
  return sqrt(res);
}
