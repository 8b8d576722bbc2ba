/* fuzz_ridge_load.c - libFuzzer harness for rnnlab_ridge_load (file kind 8: a model with the
 * ridge readout's statistics).
 *
 * Each input is loaded as it is and with both CRCs repaired (the file's and the model image's).
 * A failed load leaves both outputs NULL with a message; a loaded ridge's save y loads again and saves
 * to exactly y; the ridge solves and takes one step on a tiny batch; then both are freed.
 */
#include "fuzz_common.h"

/* the model image at 56, M bytes (length at 48) */
static void fix(uint8_t *b, size_t n) {
  if (n >= 56) fz_reseal_inner(b, n, 56, fz_u64(b + 48));
}

static void exercise(rnnlab_model *m, rnnlab_ridge *r) {
  rnnlab_status s = rnnlab_ridge_solve(r);
  FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_ENONFINITE || s == RNNLAB_ESTATE || s == RNNLAB_EINVAL, "solve: status %d: %s", (int)s,
             rnnlab_ridge_error(r));
  const rnnlab_config *c = rnnlab_model_config(m);
  enum { B = 1, T = 3 };
  const size_t I = (size_t)c->input_size, V = (size_t)c->output_size;
  int32_t tok[B * T] = {0, (int32_t)(I - 1), 0};
  float *x = calloc(B * T * I, sizeof *x), *y = calloc(B * T * V, sizeof *y);
  FUZZ_CHECK(x && y, "out of memory");
  rnnlab_batch b = {.batch = B, .length = T, .targets = y};
  if (c->input_kind == RNNLAB_INPUT_DENSE) x[0] = 1.0f, b.inputs = x;
  else b.tokens = tok;
  rnnlab_step_result res;
  s = rnnlab_ridge_step(r, &b, &res);
  FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_ENONFINITE || s == RNNLAB_EINVAL || s == RNNLAB_ESTATE, "step: status %d: %s", (int)s, rnnlab_ridge_error(r));
  free(x), free(y);
}

static void one(const uint8_t *d, size_t n) {
  rnnlab_model *m = (rnnlab_model *)&m;
  rnnlab_ridge *r = (rnnlab_ridge *)&r;
  char err[256] = "";
  rnnlab_status s = rnnlab_ridge_load(d, n, &m, &r, err, sizeof err);
  if (s != RNNLAB_OK) {
    FUZZ_CHECK(m == NULL && r == NULL, "failed load (%d) left outputs set", (int)s);
    FUZZ_CHECK(err[0] != '\0', "failed load (%d) gave no message", (int)s);
    return;
  }
  uint8_t *y;
  size_t ny;
  FZ_SAVE(y, ny, rnnlab_ridge_save_size(r), rnnlab_ridge_save(r, y, ny));
  FUZZ_CHECK(ny == n, "save(load(x)) has %zu bytes, x %zu", ny, n);
  rnnlab_model *m2 = NULL;
  rnnlab_ridge *r2 = NULL;
  s = rnnlab_ridge_load(y, ny, &m2, &r2, err, sizeof err);
  FUZZ_CHECK(s == RNNLAB_OK, "reload of a saved ridge failed: %s", err);
  uint8_t *z;
  size_t nz;
  FZ_SAVE(z, nz, rnnlab_ridge_save_size(r2), rnnlab_ridge_save(r2, z, nz));
  FUZZ_CHECK(nz == ny && !memcmp(z, y, ny), "save(load(y)) != y for y = save(load(x))");
  rnnlab_ridge_free(r2), rnnlab_model_free(m2);
  free(y), free(z);
  exercise(m, r);
  rnnlab_ridge_free(r), rnnlab_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  one(d, n);
  uint8_t *b = fz_resealed(d, n, fix);
  if (b) one(b, n), free(b);
  return 0;
}
