/* fuzz_seq2seq_load.c - libFuzzer harness for rnnlab_seq2seq_load (file kinds 2 and 3: an
 * encoder-decoder without and with attention, with and without optimizer state).
 *
 * Each input is loaded as it is and with its three CRCs repaired (the envelope's and both model
 * images'). A failed load leaves *out NULL with a message; a loaded seq2seq's save y loads again
 * and saves to exactly y, the input loads also without its optimizer state, and the seq2seq
 * decodes a two-symbol source greedily and takes one teacher-forced forward pass; then it is freed (LeakSanitizer is on).
 */
#include "fuzz_common.h"

/* the images at 44 (E bytes) and 44 + E (D bytes), lengths at 28 and 36 */
static void fix(uint8_t *b, size_t n) {
  if (n < 44) return;
  const uint64_t E = fz_u64(b + 28), D = fz_u64(b + 36);
  fz_reseal_inner(b, n, 44, E);
  if (E <= n) fz_reseal_inner(b, n, 44 + E, D);
}

static void exercise(rnnlab_seq2seq *s) {
  const rnnlab_config *ec = rnnlab_model_config(rnnlab_seq2seq_encoder(s));
  const rnnlab_config *dc = rnnlab_model_config(rnnlab_seq2seq_decoder(s));
  const int32_t Vs = ec->input_size, Vt = dc->output_size;
  int32_t src[2] = {Vs > 1 ? 1 : 0, Vs - 1}, out[3], lengths[1];
  rnnlab_status st = rnnlab_seq2seq_greedy(s, src, 1, 2, 0, Vt - 1, 3, out, lengths);
  FUZZ_CHECK(st == RNNLAB_OK || st == RNNLAB_EINVAL || st == RNNLAB_ENONFINITE, "greedy: status %d: %s", (int)st,
             rnnlab_seq2seq_error(s));
  if (st == RNNLAB_OK) FUZZ_CHECK(lengths[0] >= 0 && lengths[0] <= 3, "greedy length %d", (int)lengths[0]);
  int32_t dec_in[2] = {0, Vt - 1}, dec_tgt[2] = {Vt - 1, -1};
  rnnlab_seq2seq_batch b = {.batch = 1, .src_length = 2, .tgt_length = 2, .src = src, .dec_in = dec_in, .dec_tgt = dec_tgt};
  float loss;
  st = rnnlab_seq2seq_forward(s, &b, NULL, &loss);
  FUZZ_CHECK(st == RNNLAB_OK || st == RNNLAB_EINVAL || st == RNNLAB_ENONFINITE, "forward: status %d: %s", (int)st,
             rnnlab_seq2seq_error(s));
}

static void one(const uint8_t *d, size_t n) {
  rnnlab_seq2seq *s = (rnnlab_seq2seq *)&s;
  char err[256] = "";
  rnnlab_status st = rnnlab_seq2seq_load(d, n, 1, &s, err, sizeof err);
  if (st != RNNLAB_OK) {
    FUZZ_CHECK(s == NULL, "failed load (%d) left *out set", (int)st);
    FUZZ_CHECK(err[0] != '\0', "failed load (%d) gave no message", (int)st);
    return;
  }
  const int opt = rnnlab_seq2seq_trainer(s, 0) != NULL;
  FUZZ_CHECK(opt == (rnnlab_seq2seq_trainer(s, 1) != NULL), "one half has optimizer state, the other not");
  uint8_t *y;
  size_t ny;
  FZ_SAVE(y, ny, rnnlab_seq2seq_save_size(s, opt), rnnlab_seq2seq_save(s, opt, y, ny));
  FUZZ_CHECK(ny == n, "save(load(x)) has %zu bytes, x %zu", ny, n);
  rnnlab_seq2seq *s2 = NULL;
  st = rnnlab_seq2seq_load(y, ny, 1, &s2, err, sizeof err);
  FUZZ_CHECK(st == RNNLAB_OK, "reload of a saved seq2seq failed: %s", err);
  uint8_t *z;
  size_t nz;
  FZ_SAVE(z, nz, rnnlab_seq2seq_save_size(s2, opt), rnnlab_seq2seq_save(s2, opt, z, nz));
  FUZZ_CHECK(nz == ny && !memcmp(z, y, ny), "save(load(y)) != y for y = save(load(x))");
  rnnlab_seq2seq_free(s2);
  free(y), free(z);
  st = rnnlab_seq2seq_load(d, n, 0, &s2, err, sizeof err);
  FUZZ_CHECK(st == RNNLAB_OK, "load without optimizer failed where load with it passed: %s", err);
  FUZZ_CHECK(rnnlab_seq2seq_trainer(s2, 0) == NULL, "load without optimizer kept one");
  rnnlab_seq2seq_free(s2);
  exercise(s);
  rnnlab_seq2seq_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  one(d, n);
  uint8_t *b = fz_resealed(d, n, fix);
  if (b) one(b, n), free(b);
  return 0;
}
