/* fuzz_energy_load.c - libFuzzer harness for the energy models' loaders: rnnlab_hopfield_load
 * (kind 4), rnnlab_rbm_load (5), rnnlab_dbn_load (6, whose RBM images are kind-5 files) and
 * rnnlab_boltzmann_load (7).
 *
 * The magic's kind byte (offset 7) picks the loader; any other value picks one by value mod 4, so
 * every loader also meets other kinds' files. Each input is loaded as it is and with its CRCs
 * repaired (a DBN's inner RBM images too). A failed load leaves *out NULL with a message; a loaded
 * object's save y loads again and saves to exactly y (y differs from the input only where the
 * loader ignores it: a DBN's schedule and generator without training state), its state is in
 * range, and it computes one energy; then it is freed.
 */
#include "fuzz_common.h"

/* DBN: RBM images after the header (52 + 4L bytes), each behind its u64 length */
static void fix_dbn(uint8_t *b, size_t n) {
  if (n < 20) return;
  const uint32_t L = fz_u32(b + 16);
  if (L < 2 || L > 16) return;
  uint64_t at = 52 + 4 * (uint64_t)L;
  for (uint32_t l = 0; l + 1 < L && n >= 4 && at + 8 <= n - 4; l++) {
    const uint64_t len = fz_u64(b + at);
    if (len > n - 4 - at - 8) break;
    fz_reseal_inner(b, n, at + 8, len);
    at += 8 + len;
  }
}

#define EXPECT_FAIL(s, obj, err)                                                       \
  do {                                                                                 \
    FUZZ_CHECK((obj) == NULL, "failed load (%d) left *out set", (int)(s));             \
    FUZZ_CHECK((err)[0] != '\0', "failed load (%d) gave no message", (int)(s));        \
  } while (0)
#define EXPECT_SAME(z, nz, y, ny) FUZZ_CHECK((nz) == (ny) && !memcmp((z), (y), (ny)), "save(load(y)) != y for y = save(load(x))")

static void hopfield(const uint8_t *d, size_t n) {
  rnnlab_hopfield *h = (rnnlab_hopfield *)&h, *h2 = NULL;
  char err[256] = "";
  rnnlab_status s = rnnlab_hopfield_load(d, n, &h, err, sizeof err);
  if (s) {
    EXPECT_FAIL(s, h, err);
    return;
  }
  uint8_t *y;
  size_t ny;
  FZ_SAVE(y, ny, rnnlab_hopfield_save_size(h), rnnlab_hopfield_save(h, y, ny));
  FUZZ_CHECK(rnnlab_hopfield_load(y, ny, &h2, err, sizeof err) == RNNLAB_OK, "reload failed: %s", err);
  uint8_t *z;
  size_t nz;
  FZ_SAVE(z, nz, rnnlab_hopfield_save_size(h2), rnnlab_hopfield_save(h2, z, nz));
  EXPECT_SAME(z, nz, y, ny);
  rnnlab_hopfield_free(h2), free(y), free(z);
  const int32_t N = rnnlab_hopfield_size(h);
  float *state = malloc((size_t)N * sizeof *state);
  FUZZ_CHECK(state, "out of memory");
  for (int32_t i = 0; i < N; i++) state[i] = i & 1 ? -1.0f : 1.0f;
  double e;
  s = rnnlab_hopfield_energy(h, state, &e);
  FUZZ_CHECK(s == RNNLAB_OK, "energy: status %d: %s", (int)s, rnnlab_hopfield_error(h));
  free(state);
  rnnlab_hopfield_free(h);
}

static void rbm(const uint8_t *d, size_t n) {
  rnnlab_rbm *r = (rnnlab_rbm *)&r, *r2 = NULL;
  char err[256] = "";
  rnnlab_status s = rnnlab_rbm_load(d, n, &r, err, sizeof err);
  if (s) {
    EXPECT_FAIL(s, r, err);
    return;
  }
  const int32_t training = (int32_t)(fz_u32(d + 12) & 1);
  uint8_t *y;
  size_t ny;
  FZ_SAVE(y, ny, rnnlab_rbm_save_size(r, training), rnnlab_rbm_save(r, training, y, ny));
  FUZZ_CHECK(rnnlab_rbm_load(y, ny, &r2, err, sizeof err) == RNNLAB_OK, "reload failed: %s", err);
  uint8_t *z;
  size_t nz;
  FZ_SAVE(z, nz, rnnlab_rbm_save_size(r2, training), rnnlab_rbm_save(r2, training, z, nz));
  EXPECT_SAME(z, nz, y, ny);
  rnnlab_rbm_free(r2), free(y), free(z);
  const rnnlab_rbm_config *c = rnnlab_rbm_get_config(r);
  float *v = calloc((size_t)c->visible, sizeof *v);
  FUZZ_CHECK(v, "out of memory");
  v[0] = 1.0f;
  double fe;
  s = rnnlab_rbm_free_energy(r, v, 1, &fe);
  FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_ENONFINITE, "free energy: status %d: %s", (int)s, rnnlab_rbm_error(r));
  free(v);
  rnnlab_rbm_free(r);
}

static void dbn(const uint8_t *d, size_t n) {
  rnnlab_dbn *b = (rnnlab_dbn *)&b, *b2 = NULL;
  char err[256] = "";
  rnnlab_status s = rnnlab_dbn_load(d, n, &b, err, sizeof err);
  if (s) {
    EXPECT_FAIL(s, b, err);
    return;
  }
  const int32_t training = (int32_t)(fz_u32(d + 12) & 1);
  uint8_t *y;
  size_t ny;
  FZ_SAVE(y, ny, rnnlab_dbn_save_size(b, training), rnnlab_dbn_save(b, training, y, ny));
  FUZZ_CHECK(rnnlab_dbn_load(y, ny, &b2, err, sizeof err) == RNNLAB_OK, "reload failed: %s", err);
  uint8_t *z;
  size_t nz;
  FZ_SAVE(z, nz, rnnlab_dbn_save_size(b2, training), rnnlab_dbn_save(b2, training, z, nz));
  EXPECT_SAME(z, nz, y, ny);
  rnnlab_dbn_free(b2), free(y), free(z);
  const int32_t L = rnnlab_dbn_layers(b), n0 = rnnlab_dbn_size(b, 0), top = rnnlab_dbn_size(b, L - 1);
  const int32_t cur = rnnlab_dbn_current(b);
  FUZZ_CHECK(L >= 2 && cur >= 0 && cur <= L - 2 && rnnlab_dbn_rbm(b, cur) != NULL, "current RBM %d of %d layers", (int)cur, (int)L);
  float *v = calloc((size_t)n0, sizeof *v), *out = malloc((size_t)top * sizeof *out);
  FUZZ_CHECK(v && out, "out of memory");
  s = rnnlab_dbn_up(b, v, 1, L - 1, out);
  FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_ENONFINITE, "up pass: status %d: %s", (int)s, rnnlab_dbn_error(b));
  free(v), free(out);
  rnnlab_dbn_free(b);
}

static void boltzmann(const uint8_t *d, size_t n) {
  rnnlab_boltzmann *bm = (rnnlab_boltzmann *)&bm, *bm2 = NULL;
  char err[256] = "";
  rnnlab_status s = rnnlab_boltzmann_load(d, n, &bm, err, sizeof err);
  if (s) {
    EXPECT_FAIL(s, bm, err);
    return;
  }
  uint8_t *y;
  size_t ny;
  FZ_SAVE(y, ny, rnnlab_boltzmann_save_size(bm), rnnlab_boltzmann_save(bm, y, ny));
  FUZZ_CHECK(rnnlab_boltzmann_load(y, ny, &bm2, err, sizeof err) == RNNLAB_OK, "reload failed: %s", err);
  uint8_t *z;
  size_t nz;
  FZ_SAVE(z, nz, rnnlab_boltzmann_save_size(bm2), rnnlab_boltzmann_save(bm2, z, nz));
  EXPECT_SAME(z, nz, y, ny);
  rnnlab_boltzmann_free(bm2), free(y), free(z);
  const int32_t units = rnnlab_boltzmann_visible(bm) + rnnlab_boltzmann_hidden(bm);
  float *st = calloc((size_t)units, sizeof *st);
  FUZZ_CHECK(st, "out of memory");
  st[0] = 1.0f;
  double e;
  s = rnnlab_boltzmann_energy(bm, st, 1, &e);
  FUZZ_CHECK(s == RNNLAB_OK || s == RNNLAB_ENONFINITE, "energy: status %d: %s", (int)s, rnnlab_boltzmann_error(bm));
  free(st);
  rnnlab_boltzmann_free(bm);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  const int kind = n >= 8 ? (d[7] >= 4 && d[7] <= 7 ? d[7] : 4 + d[7] % 4) : 4 + (int)(n % 4);
  void (*load)(const uint8_t *, size_t) = kind == 4 ? hopfield : kind == 5 ? rbm : kind == 6 ? dbn : boltzmann;
  load(d, n);
  uint8_t *b = fz_resealed(d, n, kind == 6 ? fix_dbn : NULL);
  if (b) load(b, n), free(b);
  return 0;
}
