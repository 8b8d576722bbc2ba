/* energy/dbn.c - deep belief nets (rnnlab.h, "deep belief nets"): stacks of RBMs trained greedily
 * layer by layer (Hinton, Osindero & Teh 2006), mean-field up and up-down passes, sampling down
 * from the top RBM, and the DBN file (kind 6).
 *
 * Owns: the stack and its greedy schedule, the binary states carried up for training (the DBN's
 * own generator), the passes through the stack, the file format below.
 * Does not own: anything one RBM does (energy/rbm.c trains, saves and measures each RBM);
 * fine-tuning (up-down / wake-sleep, backpropagation) is not here.
 *
 * File format 1 (kind 6). Little-endian, written byte by byte.
 *   offset     size     field
 *   0          8        magic "RNNLAB\0\6"
 *   8          4        u32 format version = 1
 *   12         4        u32 flags: bit 0 = training state present (in each RBM image, and the fields below)
 *   16         4        u32 L, layer sizes (2..RNNLAB_DBN_MAX_LAYERS)
 *   20         4L       u32 sizes, visible first
 *   20+4L      4        u32 visible units of RBM 0 (rnnlab_rbm_units)
 *   +4         4        f32 init_scale
 *   +8         8        u32 seed_lo, u32 seed_hi
 *   +16        4        u32 current RBM (0 without training state)
 *   +20        4        u32 steps per layer
 *   +24        8        u64 the up-pass generator's state
 *   52+4L      ...      per RBM l = 0..L-2: u64 length n_l, then n_l bytes: RBM l's own file (kind 5)
 *   end-4      4        u32 CRC-32 of every byte before it
 * Load checks: length, magic (another kind is named), version, flags, L, sizes, each RBM image
 * (its own checks, and that it joins the right layers with the right units), the schedule, the
 * total length and the CRC; any failure frees everything.
 */
#include <stdlib.h>
#include <string.h>

#include "energy/dbn.h"
#include "kernels/kernels.h"

static rnnlab_status dbn_fail(rnnlab_dbn *d, rnnlab_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(d->err, sizeof d->err, st, fmt, ap);
  va_end(ap);
  return st;
}

/* copies RBM l's message, prefixed with which RBM */
static rnnlab_status dbn_fail_rbm(rnnlab_dbn *d, rnnlab_status st, int l) {
  return dbn_fail(d, st, "layer %d (RBM %d-%d): %s", l, (int)d->sizes[l], (int)d->sizes[l + 1], rnnlab_rbm_error(d->rbm[l]));
}

static int widest(const rnnlab_dbn *d) {
  int w = 0;
  for (int l = 0; l < d->L; l++) w = d->sizes[l] > w ? d->sizes[l] : w;
  return w;
}

rnnlab_status rnnlab_dbn_create(const int32_t *sizes, int32_t layers, int32_t visible_units, float init_scale,
                                uint32_t seed_lo, uint32_t seed_hi, rnnlab_dbn **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = '\0';
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out must not be NULL");
  *out = NULL;
  if (!sizes) return status_fail(err, errlen, RNNLAB_EINVAL, "layers is NULL");
  if (layers < 2 || layers > RNNLAB_DBN_MAX_LAYERS)
    return status_fail(err, errlen, RNNLAB_EINVAL, "layers must list 2..%d sizes, the visible one first (got %d)", RNNLAB_DBN_MAX_LAYERS,
                       (int)layers);
  rnnlab_dbn *d = calloc(1, sizeof *d);
  if (!d) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for a DBN");
  d->L = layers, d->visible_units = visible_units, d->init_scale = init_scale, d->seed_lo = seed_lo, d->seed_hi = seed_hi;
  memcpy(d->sizes, sizes, sizeof(int32_t) * (size_t)layers);
  const uint64_t seed = (uint64_t)seed_hi << 32 | seed_lo;
  for (int l = 0; l + 1 < layers; l++) {
    rnnlab_rbm_config c;
    rnnlab_rbm_config_default(&c);
    c.visible = sizes[l], c.hidden = sizes[l + 1];
    c.visible_units = l == 0 ? visible_units : RNNLAB_RBM_BINARY;
    c.init_scale = init_scale;
    const uint64_t s = seed + (uint64_t)l; /* RBM 0 is the RBM of the DBN's seed */
    c.seed_lo = (uint32_t)s, c.seed_hi = (uint32_t)(s >> 32);
    char rerr[ERRLEN];
    rnnlab_status st = rnnlab_rbm_create(&c, &d->rbm[l], rerr, sizeof rerr);
    if (st) {
      status_fail(err, errlen, st, "layers[%d] -> layers[%d] (%d x %d): %s", l, l + 1, (int)sizes[l], (int)sizes[l + 1], rerr);
      rnnlab_dbn_free(d);
      return st;
    }
  }
  rng_seed(&d->rng, seed ^ DBN_UP_SALT);
  *out = d;
  return RNNLAB_OK;
}

void rnnlab_dbn_free(rnnlab_dbn *d) {
  if (!d) return;
  for (int l = 0; l + 1 < d->L; l++) rnnlab_rbm_free(d->rbm[l]);
  free(d->buf[0]), free(d->buf[1]);
  free(d);
}

const char *rnnlab_dbn_error(const rnnlab_dbn *d) { return d ? d->err : "dbn is NULL"; }
int32_t rnnlab_dbn_layers(const rnnlab_dbn *d) { return d ? d->L : 0; }
int32_t rnnlab_dbn_size(const rnnlab_dbn *d, int32_t layer) { return d && layer >= 0 && layer < d->L ? d->sizes[layer] : 0; }
rnnlab_rbm *rnnlab_dbn_rbm(rnnlab_dbn *d, int32_t l) { return d && l >= 0 && l + 1 < d->L ? d->rbm[l] : NULL; }
int32_t rnnlab_dbn_current(const rnnlab_dbn *d) { return d ? d->current : 0; }
int32_t rnnlab_dbn_steps_per_layer(const rnnlab_dbn *d) { return d ? d->steps_per_layer : 0; }

double rnnlab_dbn_steps(const rnnlab_dbn *d) {
  double n = 0.0;
  if (d)
    for (int l = 0; l + 1 < d->L; l++) n += rnnlab_rbm_steps(d->rbm[l]);
  return n;
}

rnnlab_status rnnlab_dbn_set_current(rnnlab_dbn *d, int32_t l) {
  if (!d) return RNNLAB_EINVAL;
  d->err[0] = '\0';
  if (l < 0 || l + 1 >= d->L) return dbn_fail(d, RNNLAB_EINVAL, "layer must be in 0..%d, one of the %d RBMs (got %d)", d->L - 2, d->L - 1, (int)l);
  d->current = l;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_dbn_set_steps_per_layer(rnnlab_dbn *d, int32_t steps) {
  if (!d) return RNNLAB_EINVAL;
  d->err[0] = '\0';
  if (steps < 0) return dbn_fail(d, RNNLAB_EINVAL, "stepsPerLayer must be >= 0, 0 = move up by hand (got %d)", (int)steps);
  d->steps_per_layer = steps;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_dbn_set_train_config(rnnlab_dbn *d, const rnnlab_rbm_train_config *tc) {
  if (!d) return RNNLAB_EINVAL;
  d->err[0] = '\0';
  rnnlab_rbm_train_config old[RNNLAB_DBN_MAX_LAYERS - 1];
  for (int l = 0; l + 1 < d->L; l++) old[l] = *rnnlab_rbm_get_train_config(d->rbm[l]);
  for (int l = 0; l + 1 < d->L; l++) {
    rnnlab_status s = rnnlab_rbm_set_train_config(d->rbm[l], tc);
    if (s) { /* all or nothing */
      dbn_fail_rbm(d, s, l);
      for (int k = 0; k < l; k++) rnnlab_rbm_set_train_config(d->rbm[k], &old[k]);
      return s;
    }
  }
  return RNNLAB_OK;
}

/* the two scratch blocks for rows x the widest layer */
static rnnlab_status ensure_buf(rnnlab_dbn *d, int32_t rows) {
  const size_t need = (size_t)rows * widest(d);
  if (need <= d->cap) return RNNLAB_OK;
  for (int i = 0; i < 2; i++) {
    float *p = realloc(d->buf[i], sizeof(float) * need);
    if (!p) return dbn_fail(d, RNNLAB_ENOMEM, "out of memory for %d rows", (int)rows);
    d->buf[i] = p;
  }
  d->cap = need;
  return RNNLAB_OK;
}

/* checks data as RBM 0's visibles and sizes the scratch */
static rnnlab_status dbn_check(rnnlab_dbn *d, const float *data, int32_t rows) {
  rnnlab_status s = rbm_check_data(d->rbm[0], "data", data, rows);
  if (s) return dbn_fail(d, s, "%s", rnnlab_rbm_error(d->rbm[0]));
  if ((int64_t)rows * widest(d) > RNNLAB_MAX_ELEMS)
    return dbn_fail(d, RNNLAB_EINVAL, "data: %d rows x %d units is more than the limit %d", (int)rows, widest(d), RNNLAB_MAX_ELEMS);
  return ensure_buf(d, rows);
}

rnnlab_status rnnlab_dbn_step(rnnlab_dbn *d, const float *data, int32_t rows, rnnlab_step_result *res) {
  if (!d) return RNNLAB_EINVAL;
  d->err[0] = '\0';
  rnnlab_status s = dbn_check(d, data, rows);
  if (s) return s;
  while (d->steps_per_layer > 0 && d->current + 2 < d->L && rnnlab_rbm_steps(d->rbm[d->current]) >= d->steps_per_layer)
    d->current++;
  /* carry the batch up: binary states h ~ p(h | layer below) of each RBM below the current one */
  const float *x = data;
  for (int l = 0; l < d->current; l++) {
    float *y = d->buf[l & 1];
    rbm_hidden_probs(d->rbm[l], x, rows, y);
    rbm_bernoulli(&d->rng, y, y, (size_t)rows * d->sizes[l + 1]);
    x = y;
  }
  s = rnnlab_rbm_step(d->rbm[d->current], x, rows, res);
  return s ? dbn_fail_rbm(d, s, d->current) : RNNLAB_OK;
}

/* mean-field up to layer; returns the block holding it (data itself for layer 0) */
static const float *up(rnnlab_dbn *d, const float *data, int32_t rows, int layer) {
  const float *x = data;
  for (int l = 0; l < layer; l++) {
    float *y = d->buf[l & 1];
    rbm_hidden_probs(d->rbm[l], x, rows, y);
    x = y;
  }
  return x;
}

rnnlab_status rnnlab_dbn_up(rnnlab_dbn *d, const float *data, int32_t rows, int32_t layer, float *out) {
  if (!d) return RNNLAB_EINVAL;
  d->err[0] = '\0';
  if (layer < 0 || layer >= d->L) return dbn_fail(d, RNNLAB_EINVAL, "layer must be in 0..%d (got %d)", d->L - 1, (int)layer);
  rnnlab_status s = dbn_check(d, data, rows);
  if (s) return s;
  if (!out) return dbn_fail(d, RNNLAB_EINVAL, "out is NULL");
  memcpy(out, up(d, data, rows, layer), sizeof(float) * (size_t)rows * d->sizes[layer]);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_dbn_reconstruct(rnnlab_dbn *d, const float *data, int32_t rows, float *recon, double *error,
                                     double *accuracy) {
  if (!d) return RNNLAB_EINVAL;
  d->err[0] = '\0';
  rnnlab_status s = dbn_check(d, data, rows);
  if (s) return s;
  const int T = d->L - 1;
  const float *x = up(d, data, rows, T);
  int at = (T - 1) & 1; /* the block x is in */
  for (int l = T - 1; l >= 0; l--) { /* down with expectations */
    float *y = d->buf[at ^ 1];
    rbm_visible_mean(d->rbm[l], x, rows, y);
    x = y, at ^= 1;
  }
  const size_t n = (size_t)rows * d->sizes[0];
  double e = 0.0;
  size_t ok = 0;
  for (size_t i = 0; i < n; i++) {
    const double diff = (double)data[i] - (double)x[i];
    e += diff * diff;
    ok += diff < 0.5 && diff > -0.5;
  }
  if (error) *error = e / (double)n;
  if (accuracy) *accuracy = (double)ok / (double)n;
  if (recon) memcpy(recon, x, sizeof(float) * n);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_dbn_sample(rnnlab_dbn *d, int32_t chains, int32_t steps, uint32_t seed_lo, uint32_t seed_hi,
                                float *visible, float *probs) {
  if (!d) return RNNLAB_EINVAL;
  d->err[0] = '\0';
  if (!visible) return dbn_fail(d, RNNLAB_EINVAL, "visible is NULL");
  const int T = d->L - 2; /* the top RBM */
  if (T == 0) {
    rnnlab_status s = rnnlab_rbm_sample(d->rbm[0], chains, steps, NULL, seed_lo, seed_hi, visible, probs, NULL);
    return s ? dbn_fail_rbm(d, s, 0) : RNNLAB_OK;
  }
  if (chains < 1 || (int64_t)chains * widest(d) > RNNLAB_MAX_ELEMS)
    return dbn_fail(d, RNNLAB_EINVAL, "chains must be in 1..%d for these layers (got %d)", RNNLAB_MAX_ELEMS / widest(d), (int)chains);
  rnnlab_status s = ensure_buf(d, chains);
  if (s) return s;
  s = rnnlab_rbm_sample(d->rbm[T], chains, steps, NULL, seed_lo, seed_hi, d->buf[0], NULL, NULL);
  if (s) return dbn_fail_rbm(d, s, T);
  rng_state g;
  rng_seed(&g, ((uint64_t)seed_hi << 32 | seed_lo) ^ DBN_DOWN_SALT);
  int at = 0;
  for (int l = T - 1; l >= 1; l--) { /* the directed layers: h_l ~ p(h_l | h_{l+1}), binary */
    rbm_visible_sample(d->rbm[l], &g, d->buf[at], chains, d->buf[at ^ 1]);
    at ^= 1;
  }
  const size_t n = (size_t)chains * d->sizes[0];
  rbm_visible_mean(d->rbm[0], d->buf[at], chains, visible);
  if (probs) memcpy(probs, visible, sizeof(float) * n);
  if (d->visible_units == RNNLAB_RBM_GAUSSIAN) energy_add_normal(&g, visible, n);
  else rbm_bernoulli(&g, visible, visible, n);
  return RNNLAB_OK;
}

/* ---- save / load ---- */

#define DBN_VERSION 1u
#define DBN_FLAG_TRAIN 1u

static const uint8_t dbn_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, 6};

static uint8_t *put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
  return p + 4;
}
static uint8_t *put64(uint8_t *p, uint64_t v) { return put32(put32(p, (uint32_t)v), (uint32_t)(v >> 32)); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

static size_t header_len(int L) { return 52 + 4 * (size_t)L; }

size_t rnnlab_dbn_save_size(const rnnlab_dbn *d, int32_t with_training) {
  if (!d) return 0;
  size_t n = header_len(d->L) + 4;
  for (int l = 0; l + 1 < d->L; l++) n += 8 + rnnlab_rbm_save_size(d->rbm[l], with_training);
  return n;
}

rnnlab_status rnnlab_dbn_save(rnnlab_dbn *d, int32_t with_training, uint8_t *buf, size_t len) {
  if (!d) return RNNLAB_EINVAL;
  d->err[0] = '\0';
  const size_t need = rnnlab_dbn_save_size(d, with_training);
  if (!buf || len < need)
    return dbn_fail(d, RNNLAB_EINVAL, "save: buffer too small: need %lu bytes, got %lu", (unsigned long)need, (unsigned long)(buf ? len : 0));
  uint8_t *p = buf;
  memcpy(p, dbn_magic, 8), p += 8;
  p = put32(p, DBN_VERSION);
  p = put32(p, with_training ? DBN_FLAG_TRAIN : 0u);
  p = put32(p, (uint32_t)d->L);
  for (int l = 0; l < d->L; l++) p = put32(p, (uint32_t)d->sizes[l]);
  uint32_t scale;
  memcpy(&scale, &d->init_scale, 4);
  p = put32(p, (uint32_t)d->visible_units), p = put32(p, scale);
  p = put32(p, d->seed_lo), p = put32(p, d->seed_hi);
  rng_state fresh;
  rng_seed(&fresh, ((uint64_t)d->seed_hi << 32 | d->seed_lo) ^ DBN_UP_SALT);
  p = put32(p, with_training ? (uint32_t)d->current : 0u);
  p = put32(p, (uint32_t)d->steps_per_layer);
  p = put64(p, with_training ? d->rng.s : fresh.s);
  for (int l = 0; l + 1 < d->L; l++) {
    const size_t n = rnnlab_rbm_save_size(d->rbm[l], with_training);
    p = put64(p, (uint64_t)n);
    rnnlab_status s = rnnlab_rbm_save(d->rbm[l], with_training, p, n);
    if (s) return dbn_fail_rbm(d, s, l);
    p += n;
  }
  p = put32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  return RNNLAB_OK;
}

#define DLOAD_FAIL(...) do { s = status_fail(err, errlen, RNNLAB_EFORMAT, __VA_ARGS__); goto fail; } while (0)

rnnlab_status rnnlab_dbn_load(const uint8_t *buf, size_t len, rnnlab_dbn **out, char *err, size_t errlen) {
  rnnlab_dbn *d = NULL;
  rnnlab_status s = RNNLAB_OK;
  if (err && errlen) err[0] = '\0';
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "load: out must not be NULL");
  *out = NULL;
  if (!buf || len == 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "empty buffer: no saved DBN");
  if (len >= 8 && memcmp(buf, dbn_magic, 7) == 0 && buf[7] != 6)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "file kind %d is not a deep belief net (6)%s", buf[7],
                       buf[7] == 5 ? ": it is an RBM (lab.loadRBM)" : "");
  if (len < 8 || memcmp(buf, dbn_magic, 8) != 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "not an rnnlab DBN (bad magic)");
  if (len < 20 + 4) return status_fail(err, errlen, RNNLAB_EFORMAT, "too short: %lu bytes", (unsigned long)len);
  const uint32_t version = get32(buf + 8), flags = get32(buf + 12), L = get32(buf + 16);
  if (version > DBN_VERSION)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "saved by a newer rnnlab (DBN format %lu); this build reads format %u",
                       (unsigned long)version, DBN_VERSION);
  if (version != DBN_VERSION) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown DBN format version %lu", (unsigned long)version);
  if (flags & ~DBN_FLAG_TRAIN) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown flags 0x%lx", (unsigned long)flags);
  if (L < 2 || L > RNNLAB_DBN_MAX_LAYERS) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad layer count %lu", (unsigned long)L);
  const size_t H = header_len((int)L);
  if (len < H + 4) return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: %lu bytes, the header alone has %lu", (unsigned long)len, (unsigned long)H);
  if (rnnlab_crc32(buf, len - 4) != get32(buf + len - 4)) {
    /* name a cut-off file as such: walk the RBM blocks' lengths first */
    /* in 64 bits, saturating: a wrapped sum read before buf (found by fuzz_energy_load) */
    uint64_t at = H;
    for (uint32_t l = 0; l + 1 < L && at <= len - 8; l++) {
      const uint64_t n = get64(buf + at);
      at = n > UINT64_MAX - 12 - at ? UINT64_MAX - 4 : at + 8 + n;
    }
    if (at + 4 > len)
      return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected at least %llu bytes, got %lu", (unsigned long long)(at + 4),
                         (unsigned long)len);
    return status_fail(err, errlen, RNNLAB_EFORMAT, "checksum mismatch: file is corrupted");
  }
  int32_t sizes[RNNLAB_DBN_MAX_LAYERS];
  for (uint32_t l = 0; l < L; l++) sizes[l] = (int32_t)get32(buf + 20 + 4 * l);
  /* Each RBM image must be able to hold its weights before rnnlab_dbn_create allocates and
   * initialises them: else a file of a few hundred bytes claiming large layers costs seconds and
   * gigabytes (found by fuzz_energy_load). A kind-5 image is 52 header bytes, n floats, 4 CRC. */
  for (size_t l = 0, at = H; l + 1 < L; l++) {
    const uint64_t a = get32(buf + 20 + 4 * l), b = get32(buf + 24 + 4 * l);
    if (at + 8 > len - 4) return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: RBM %d is missing", (int)l);
    const uint64_t n = get64(buf + at);
    if (n > len - 4 - at - 8) return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: RBM %d needs %llu bytes", (int)l, (unsigned long long)n);
    if (a <= RNNLAB_RBM_MAX_UNITS && b <= RNNLAB_RBM_MAX_UNITS && n < 56 + 4 * (a * b + a + b)) /* else create names the size */
      return status_fail(err, errlen, RNNLAB_EFORMAT, "RBM %d: %llu bytes cannot hold %lu x %lu weights: the file is corrupted", (int)l,
                         (unsigned long long)n, (unsigned long)a, (unsigned long)b);
    at += 8 + (size_t)n;
  }
  const uint8_t *q = buf + 20 + 4 * L;
  float scale;
  const uint32_t su = get32(q + 4);
  memcpy(&scale, &su, 4);
  char cerr[ERRLEN];
  s = rnnlab_dbn_create(sizes, (int32_t)L, (int32_t)get32(q), scale, get32(q + 8), get32(q + 12), &d, cerr, sizeof cerr);
  if (s) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad DBN: %s", cerr);
  const uint32_t current = get32(q + 16), spl = get32(q + 20);
  /* current > L - 2, not current + 2 > L: that wraps for current >= 2^32 - 2 (fuzz_energy_load) */
  if (current > L - 2 || spl > 0x7FFFFFFFu) DLOAD_FAIL("bad schedule: current RBM %lu of %lu", (unsigned long)current, (unsigned long)(L - 1));
  d->steps_per_layer = (int32_t)spl;
  /* the current RBM and the generator are training state: without it save writes 0 and the fresh
   * generator (what create made), so a file holding other values loads as save writes it */
  if (flags & DBN_FLAG_TRAIN) d->current = (int)current, d->rng.s = get64(q + 24);
  size_t at = H;
  for (int l = 0; l + 1 < (int)L; l++) {
    if (at + 8 > len - 4) DLOAD_FAIL("truncated: RBM %d is missing", l);
    const uint64_t n = get64(buf + at);
    if (n > len - 4 - at - 8) DLOAD_FAIL("truncated: RBM %d needs %llu bytes", l, (unsigned long long)n);
    rnnlab_rbm *r = NULL;
    s = rnnlab_rbm_load(buf + at + 8, (size_t)n, &r, cerr, sizeof cerr);
    if (s) DLOAD_FAIL("RBM %d: %s", l, cerr);
    const rnnlab_rbm_config *c = rnnlab_rbm_get_config(r);
    if (c->visible != sizes[l] || c->hidden != sizes[l + 1] || c->visible_units != (l == 0 ? d->visible_units : RNNLAB_RBM_BINARY)) {
      /* the message first: c points into r (a use after free, found by fuzz_energy_load) */
      s = status_fail(err, errlen, RNNLAB_EFORMAT, "RBM %d is %d x %d, the layers say %d x %d", l, (int)c->visible, (int)c->hidden,
                      (int)sizes[l], (int)sizes[l + 1]);
      rnnlab_rbm_free(r);
      goto fail;
    }
    rnnlab_rbm_free(d->rbm[l]);
    d->rbm[l] = r;
    at += 8 + (size_t)n;
  }
  if (at + 4 != len) DLOAD_FAIL("%lu bytes after the last RBM", (unsigned long)(len - 4 - at));
  *out = d;
  return RNNLAB_OK;
fail:
  rnnlab_dbn_free(d);
  return s;
}
