/* energy/hopfield_file.c - the Hopfield network's file (kind 4): rnnlab_hopfield_save_size,
 * rnnlab_hopfield_save and rnnlab_hopfield_load, with the format below.
 *
 * Owns: the byte layout and the load's checks. Does not own: the network (hopfield.c). Moved
 * unchanged from hopfield.c.
 */

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "energy/hopfield.h"
#include "kernels/kernels.h"

#define HOP_KIND 4u
#define HOP_VERSION 1u
#define HOP_HEADER_LEN 56u
#define HOP_CRC_LEN 4u

static const uint8_t hop_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, HOP_KIND};

/* ---- file (kind 4) ----
 *
 * All integers little-endian, written byte by byte; floats by bit pattern (a round trip is exact).
 *   offset  size      field
 *   0       8         magic "RNNLAB\0\4"
 *   8       4         u32 format version = 1
 *   12      4         u32 flags = 0
 *   16      4         u32 header length = 56 (offset of W)
 *   20      4         i32 N
 *   24      4         i32 rule
 *   28      4         i32 bias mode now
 *   32      4         i32 bias mode at creation (what clear restores)
 *   36      4         u32 P, stored patterns
 *   40      4         u32 steps
 *   44      8         u64 seed
 *   52      4         u32 reserved = 0
 *   56      N*N*4     W, f32, row-major
 *   ..      N*4       b, f32
 *   ..      P*N       stored patterns, one byte per unit: 0x01 = +1, 0xFF = -1
 *   end-4   4         u32 CRC-32 (rnnlab_crc32) of every byte before it
 * Load checks, each RNNLAB_EFORMAT with a message: length, magic (another kind of rnnlab file is
 * named with its loader), version, flags and header length, N, rule and modes, P against the
 * limit, the total length ("truncated"), the CRC, then W (finite, symmetric, zero diagonal),
 * b finite, the patterns +-1. */

static uint8_t *hop_put_u32(uint8_t *p, uint32_t v) {
  for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
  return p + 4;
}
static uint32_t hop_get_u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint32_t hop_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float hop_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

size_t rnnlab_hopfield_save_size(const rnnlab_hopfield *h) {
  if (!h) return 0;
  const size_t N = (size_t)h->N;
  return HOP_HEADER_LEN + 4 * N * N + 4 * N + (size_t)h->P * N + HOP_CRC_LEN;
}

rnnlab_status rnnlab_hopfield_save(rnnlab_hopfield *h, uint8_t *buf, size_t len) {
  if (!h) return RNNLAB_EINVAL;
  h->err[0] = 0;
  const size_t need = rnnlab_hopfield_save_size(h), N = (size_t)h->N;
  if (!buf || len < need) return hop_fail(h, RNNLAB_EINVAL, "save: the buffer holds %zu bytes, the network needs %zu", buf ? len : 0, need);
  uint8_t *p = buf;
  memcpy(p, hop_magic, 8), p += 8;
  p = hop_put_u32(p, HOP_VERSION);
  p = hop_put_u32(p, 0);
  p = hop_put_u32(p, HOP_HEADER_LEN);
  p = hop_put_u32(p, (uint32_t)h->N);
  p = hop_put_u32(p, (uint32_t)h->rule);
  p = hop_put_u32(p, (uint32_t)h->bias_mode);
  p = hop_put_u32(p, (uint32_t)h->bias_initial);
  p = hop_put_u32(p, (uint32_t)h->P);
  p = hop_put_u32(p, (uint32_t)h->steps);
  p = hop_put_u32(p, (uint32_t)h->seed);
  p = hop_put_u32(p, (uint32_t)(h->seed >> 32));
  p = hop_put_u32(p, 0);
  for (size_t i = 0; i < N * N; i++) p = hop_put_u32(p, hop_f32_bits(h->W[i]));
  for (size_t i = 0; i < N; i++) p = hop_put_u32(p, hop_f32_bits(h->b[i]));
  for (size_t i = 0; i < (size_t)h->P * N; i++) *p++ = (uint8_t)h->X[i];
  hop_put_u32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  return RNNLAB_OK;
}

rnnlab_status rnnlab_hopfield_load(const uint8_t *buf, size_t len, rnnlab_hopfield **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out is NULL");
  *out = NULL;
  if (!buf || len < HOP_HEADER_LEN + HOP_CRC_LEN)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "not a saved Hopfield network: %zu bytes, the header alone is %u", buf ? len : 0, HOP_HEADER_LEN + HOP_CRC_LEN);
  if (memcmp(buf, hop_magic, 7) != 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "not a saved rnnlab file (bad magic)");
  if (buf[7] != HOP_KIND) {
    const char *what = buf[7] == 1 ? "a model (lab.loadModel)" : buf[7] == 2 || buf[7] == 3 ? "an encoder-decoder (lab.loadSeq2Seq)" : "another kind";
    return status_fail(err, errlen, RNNLAB_EFORMAT, "a file of kind %u, %s, not a Hopfield network (kind 4); lab.loadLearner reads every kind", buf[7], what);
  }
  const uint32_t version = hop_get_u32(buf + 8), flags = hop_get_u32(buf + 12), hlen = hop_get_u32(buf + 16);
  if (version != HOP_VERSION) return status_fail(err, errlen, RNNLAB_EFORMAT, "saved by a newer rnnlab (Hopfield format %u)", version);
  if (flags != 0 || hlen != HOP_HEADER_LEN) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad header (flags %u, header length %u)", flags, hlen);
  const int32_t N = (int32_t)hop_get_u32(buf + 20), rule = (int32_t)hop_get_u32(buf + 24);
  const int32_t mode = (int32_t)hop_get_u32(buf + 28), initial = (int32_t)hop_get_u32(buf + 32);
  const uint32_t P = hop_get_u32(buf + 36), steps = hop_get_u32(buf + 40);
  if (N < RNNLAB_HOPFIELD_MIN_SIZE || N > RNNLAB_HOPFIELD_MAX_SIZE) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad size %d", N);
  if (rule != RNNLAB_HOPFIELD_HEBB && rule != RNNLAB_HOPFIELD_STORKEY) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad rule %d", rule);
  if (mode < RNNLAB_HOPFIELD_BIAS_NONE || mode > RNNLAB_HOPFIELD_BIAS_FIXED || (initial != RNNLAB_HOPFIELD_BIAS_NONE && initial != RNNLAB_HOPFIELD_BIAS_MEAN))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad bias mode %d / %d", mode, initial);
  if ((uint64_t)P * (uint64_t)N > RNNLAB_HOPFIELD_MAX_STORED || steps > INT32_MAX)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad pattern count %u or steps %u", P, steps);
  const size_t n = (size_t)N, need = HOP_HEADER_LEN + 4 * n * n + 4 * n + (size_t)P * n + HOP_CRC_LEN;
  if (len < need) return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected %zu bytes, got %zu", need, len);
  if (len > need) return status_fail(err, errlen, RNNLAB_EFORMAT, "%zu bytes after the end of the network (expected %zu bytes)", len - need, need);
  if (rnnlab_crc32(buf, len - HOP_CRC_LEN) != hop_get_u32(buf + len - HOP_CRC_LEN))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "checksum mismatch: file is corrupted");
  rnnlab_hopfield *h = NULL;
  rnnlab_status st = rnnlab_hopfield_create(N, rule, initial, hop_get_u32(buf + 44), hop_get_u32(buf + 48), &h, err, errlen);
  if (st) return st;
  const uint8_t *p = buf + HOP_HEADER_LEN;
  for (size_t i = 0; i < n * n; i++, p += 4) h->W[i] = hop_bits_f32(hop_get_u32(p));
  for (size_t i = 0; i < n; i++, p += 4) h->b[i] = hop_bits_f32(hop_get_u32(p));
  if ((st = hop_check_weights(h, h->W, "weight"))) goto fail;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(h->b[i])) { st = hop_fail(h, RNNLAB_EFORMAT, "bias[%zu] is not finite", i); goto fail; }
  if (P) {
    h->X = malloc((size_t)P * n);
    if (!h->X) { st = hop_fail(h, RNNLAB_ENOMEM, "out of memory for %u stored patterns", P); goto fail; }
    h->cap_P = P;
    for (size_t i = 0; i < (size_t)P * n; i++) {
      const int8_t v = (int8_t)p[i];
      if (v != 1 && v != -1) { st = hop_fail(h, RNNLAB_EFORMAT, "stored pattern %zu, unit %zu is not -1 or +1", i / n, i % n); goto fail; }
      h->X[i] = v;
      h->colsum[i % n] += v;
    }
  }
  h->P = (int32_t)P, h->steps = (int32_t)steps, h->bias_mode = mode;
  *out = h;
  return RNNLAB_OK;
fail:
  if (st == RNNLAB_EINVAL || st == RNNLAB_ENONFINITE) st = RNNLAB_EFORMAT;
  status_fail(err, errlen, st, "%s", h->err);
  rnnlab_hopfield_free(h);
  return st;
}
