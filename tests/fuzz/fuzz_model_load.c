/* fuzz_model_load.c - libFuzzer harness for rnnlab_model_load (file kind 1: a plain model, with
 * optimizer state, with carried state).
 *
 * Each input is loaded as it is and with its CRC repaired (fuzz_common.h). A failed load must
 * leave both outputs NULL and give a message; a loaded model's save y must load again and save to
 * exactly y (y may differ from the input only in bytes the loader ignores: optimizer moments over
 * an ESN's or LSM's fixed reservoir), then run one forward pass on a tiny batch and, with a
 * trainer, take one training step; then everything is freed (LeakSanitizer is on).
 */
#include "fuzz_common.h"

static void exercise(rnnlab_model *m, rnnlab_trainer *t) {
  const rnnlab_config *c = rnnlab_model_config(m);
  enum { B = 1, T = 2 };
  const size_t I = (size_t)c->input_size, V = (size_t)c->output_size;
  int32_t tok[B * T] = {0, (int32_t)(I - 1)}, ids[B * T] = {(int32_t)(V - 1), -1};
  float *x = calloc(B * T * I, sizeof *x), *y = calloc(B * T * V, sizeof *y), *out = malloc(B * T * V * sizeof *out);
  FUZZ_CHECK(x && y && out, "out of memory");
  rnnlab_batch b = {.batch = B, .length = T};
  if (c->input_kind == RNNLAB_INPUT_DENSE) {
    x[0] = 1.0f, b.inputs = x;
  } else b.tokens = tok;
  if (c->output_kind == RNNLAB_OUTPUT_SOFTMAX) b.target_ids = ids;
  else b.targets = y;
  float loss = -1;
  rnnlab_status s = rnnlab_model_forward(m, &b, out, &loss);
  FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_ENONFINITE, "forward: status %d: %s", (int)s, rnnlab_model_error(m));
  /* the loaded carried state, when there is one and it fits the batch */
  b.carry_state = 1;
  s = rnnlab_model_forward(m, &b, NULL, &loss);
  FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_ENONFINITE, "forward with carried state: status %d: %s", (int)s, rnnlab_model_error(m));
  if (t) {
    rnnlab_step_result r;
    s = rnnlab_trainer_step(t, &b, &r);
    FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_ENONFINITE || s == RNNLAB_EINVAL, "trainer step: status %d: %s", (int)s,
               rnnlab_trainer_error(t));
  }
  free(x), free(y), free(out);
}

static void one(const uint8_t *d, size_t n) {
  rnnlab_model *m = (rnnlab_model *)&m;
  rnnlab_trainer *t = (rnnlab_trainer *)&t;
  char err[256] = "";
  rnnlab_status s = rnnlab_model_load(d, n, &m, &t, err, sizeof err);
  if (s != RNNLAB_OK) {
    FUZZ_CHECK(m == NULL && t == NULL, "failed load (%d) left outputs set", (int)s);
    FUZZ_CHECK(err[0] != '\0', "failed load (%d) gave no message", (int)s);
    return;
  }
  uint8_t *y;
  size_t ny;
  FZ_SAVE(y, ny, rnnlab_model_save_size(m, t), rnnlab_model_save(m, t, y, ny));
  FUZZ_CHECK(ny == n, "save(load(x)) has %zu bytes, x %zu", ny, n);
  rnnlab_model *m2 = NULL;
  rnnlab_trainer *t2 = NULL;
  s = rnnlab_model_load(y, ny, &m2, &t2, err, sizeof err);
  FUZZ_CHECK(s == RNNLAB_OK, "reload of a saved model failed: %s", err);
  FUZZ_CHECK(!t2 == !t, "reload: trainer %s", t2 ? "appeared" : "vanished");
  uint8_t *z;
  size_t nz;
  FZ_SAVE(z, nz, rnnlab_model_save_size(m2, t2), rnnlab_model_save(m2, t2, z, nz));
  FUZZ_CHECK(nz == ny && !memcmp(z, y, ny), "save(load(y)) != y for y = save(load(x))");
  rnnlab_trainer_free(t2), rnnlab_model_free(m2);
  free(y), free(z);
  /* without t_out: the optimizer block is only length- and CRC-checked */
  s = rnnlab_model_load(d, n, &m2, NULL, err, sizeof err);
  FUZZ_CHECK(s == RNNLAB_OK, "load without t_out failed where load with it passed: %s", err);
  rnnlab_model_free(m2);
  exercise(m, t);
  rnnlab_trainer_free(t), rnnlab_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  one(d, n);
  uint8_t *b = fz_resealed(d, n, NULL);
  if (b) one(b, n), free(b);
  return 0;
}
