/* test_ridge.c - the ridge readout under ASan/UBSan: a fit on an ESN equals the normal equations
 * (solved here by Gauss-Jordan in double from the same states), save/load resumes to the bit,
 * every truncation and a flipped byte are refused, and the errors name the problem. */
#include <stdlib.h>
#include <string.h>

#include "../../core/train/ridge.h"
#include "check.h"

enum { B = 3, T = 30, H = 6 };

static rnnlab_model *esn(void) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = RNNLAB_CELL_ESN, c.input_kind = RNNLAB_INPUT_DENSE, c.input_size = 1, c.hidden_size = H, c.output_size = 1;
  c.output_kind = RNNLAB_OUTPUT_LINEAR, c.input_scale = 0.5f, c.seed_lo = 9;
  rnnlab_model *m = NULL;
  char err[256];
  CHECK(!rnnlab_model_create(&c, &m, err, sizeof err), "create: %s", err);
  return m;
}

int main(void) {
  float x[B * T], y[B * T];
  rng_state r;
  rng_seed(&r, 4);
  for (int i = 0; i < B * T; i++) x[i] = rng_symmetric(&r, 1.0f);
  for (int i = 0; i < B * T; i++) y[i] = i % T ? x[i - 1] : 0.0f; /* a delay of one */
  rnnlab_batch b = {B, T, NULL, x, NULL, y, NULL, 0};
  rnnlab_model *m = esn();
  rnnlab_ridge *rd = NULL;
  char err[256];
  CHECK(!rnnlab_ridge_create(m, 1e-3f, 2, &rd, err, sizeof err), "ridge: %s", err);
  rnnlab_step_result res;
  CHECK(!rnnlab_ridge_step(rd, &b, &res), "step: %s", rnnlab_ridge_error(rd));
  /* the normal equations from the states of a trace pass */
  float hid[B * T * H];
  CHECK(!rnnlab_model_trace_pass(m, &b, NULL) && !rnnlab_model_trace(m, 0, 0, RNNLAB_TRACE_HIDDEN, hid), "trace");
  double A[H + 1][H + 2];
  memset(A, 0, sizeof A);
  for (int i = 0; i < B; i++)
    for (int t = 2; t < T; t++) {
      double f[H + 1];
      for (int j = 0; j < H; j++) f[j] = hid[(i * T + t) * H + j];
      f[H] = 1;
      for (int p = 0; p <= H; p++) {
        for (int q = 0; q <= H; q++) A[p][q] += f[p] * f[q];
        A[p][H + 1] += f[p] * y[i * T + t];
      }
    }
  for (int p = 0; p < H; p++) A[p][p] += 1e-3;
  for (int c = 0; c <= H; c++) /* no pivoting needed: A is positive definite */
    for (int q = 0; q <= H; q++) {
      if (q == c) continue;
      const double f = A[q][c] / A[c][c];
      for (int k = c; k <= H + 1; k++) A[q][k] -= f * A[c][k];
    }
  for (int j = 0; j < H; j++) CHECK_CLOSE(m->Wy[j], A[j][H + 1] / A[j][j], 1e-5, 1e-5, "readout weight");
  CHECK_CLOSE(m->by[0], A[H][H + 1] / A[H][H], 1e-5, 1e-5, "readout bias");
  /* save, load, step on: the same bits */
  const size_t n = rnnlab_ridge_save_size(rd);
  uint8_t *buf = malloc(n);
  CHECK(!rnnlab_ridge_save(rd, buf, n), "save: %s", rnnlab_ridge_error(rd));
  rnnlab_model *m2 = NULL;
  rnnlab_ridge *rd2 = NULL;
  CHECK(!rnnlab_ridge_load(buf, n, &m2, &rd2, err, sizeof err), "load: %s", err);
  rnnlab_step_result a, c2;
  CHECK(!rnnlab_ridge_step(rd, &b, &a) && !rnnlab_ridge_step(rd2, &b, &c2), "steps after load");
  CHECK(a.loss == c2.loss && !memcmp(m->params, m2->params, sizeof(float) * m->n_params), "resumed to the bit");
  rnnlab_ridge_free(rd2), rnnlab_model_free(m2);
  m2 = NULL, rd2 = NULL;
  for (size_t k = 0; k < n; k += n / 17 + 1) {
    rnnlab_model *mm = NULL;
    rnnlab_ridge *rr = NULL;
    CHECK(rnnlab_ridge_load(buf, k, &mm, &rr, err, sizeof err) == RNNLAB_EFORMAT && !mm && !rr, "truncated at %zu: %s", k, err);
  }
  buf[n / 2] ^= 0x10;
  CHECK(rnnlab_ridge_load(buf, n, &m2, &rd2, err, sizeof err) == RNNLAB_EFORMAT && strstr(err, "checksum"), "%s", err);
  free(buf);
  /* errors */
  CHECK(rnnlab_ridge_set(rd, -1.0f) == RNNLAB_EINVAL && strstr(rnnlab_ridge_error(rd), "ridge must be"), "%s", rnnlab_ridge_error(rd));
  rnnlab_ridge *z = NULL;
  CHECK(!rnnlab_ridge_create(m, 0.0f, 0, &z, err, sizeof err), "ridge 0");
  float ones[B * T];
  for (int i = 0; i < B * T; i++) ones[i] = 0.0f;
  rnnlab_batch flat = {B, T, NULL, ones, NULL, y, NULL, 0};
  CHECK(rnnlab_ridge_step(z, &flat, NULL) != RNNLAB_OK && strstr(rnnlab_ridge_error(z), "singular"), "%s", rnnlab_ridge_error(z));
  rnnlab_ridge_free(z);
  rnnlab_ridge_free(rd);
  rnnlab_model_free(m);
  return check_summary("ridge");
}
