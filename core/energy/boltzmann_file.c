/* energy/boltzmann_file.c - a Boltzmann machine's file (kind 7): rnnlab_boltzmann_save_size,
 * rnnlab_boltzmann_save and rnnlab_boltzmann_load; the format and the load's checks are in
 * boltzmann.c's header.
 *
 * Owns: the byte layout. Does not own: the machine or its checks (boltzmann.c: bm_alloc,
 * bm_check_learn). Moved unchanged from boltzmann.c.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "energy/boltzmann.h"
#include "kernels/kernels.h"

#define BM_VERSION 1u
#define BM_HEADER 28
#define BM_TAIL 76 /* train + learn configs, steps, generator, chain count */

static const uint8_t bm_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, 7};

/* ---- save / load ---- */

static uint8_t *put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
  return p + 4;
}
static uint8_t *put_u64(uint8_t *p, uint64_t v) { return put_u32(put_u32(p, (uint32_t)v), (uint32_t)(v >> 32)); }
static uint32_t get_u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }
static uint8_t *put_f32s(uint8_t *p, const float *a, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t u;
    memcpy(&u, &a[i], 4);
    p = put_u32(p, u);
  }
  return p;
}
static const uint8_t *get_f32s(float *a, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++, p += 4) {
    const uint32_t u = get_u32(p);
    memcpy(&a[i], &u, 4);
  }
  return p;
}
/* a 4-byte config struct as words, by bit pattern (int32 and float fields alike) */
static uint8_t *put_words(uint8_t *p, const void *st, int words) {
  for (int k = 0; k < words; k++) {
    uint32_t u;
    memcpy(&u, (const uint8_t *)st + 4 * k, 4);
    p = put_u32(p, u);
  }
  return p;
}
static const uint8_t *get_words(void *st, const uint8_t *p, int words) {
  for (int k = 0; k < words; k++, p += 4) {
    const uint32_t u = get_u32(p);
    memcpy((uint8_t *)st + 4 * k, &u, 4);
  }
  return p;
}

static int moments_mask(const rnnlab_boltzmann *bm) { return bm->have_opt ? (bm->opt.m1 ? 1 : 0) | (bm->opt.m2 ? 2 : 0) : 0; }
static int popcount2(uint32_t m) { return (int)(m & 1u) + (int)((m >> 1) & 1u); }

size_t rnnlab_boltzmann_save_size(const rnnlab_boltzmann *bm) {
  if (!bm) return 0;
  size_t len = BM_HEADER + 4 * bm->np + BM_TAIL + (size_t)bm->n_chains * bm->n + 4;
  if (bm->have_opt) len += 12 + 4 * bm->np * (size_t)popcount2((uint32_t)moments_mask(bm));
  return len;
}

rnnlab_status rnnlab_boltzmann_save(rnnlab_boltzmann *bm, uint8_t *buf, size_t len) {
  if (!bm) return RNNLAB_EINVAL;
  bm->err[0] = 0;
  const size_t need = rnnlab_boltzmann_save_size(bm);
  if (!buf || len < need) return bm_fail(bm, RNNLAB_EINVAL, "save: the buffer holds %lu bytes, %lu are needed", (unsigned long)len, (unsigned long)need);
  uint8_t *p = buf;
  memcpy(p, bm_magic, 8), p += 8;
  p = put_u32(p, BM_VERSION);
  p = put_u32(p, bm->have_opt ? 1u : 0u);
  p = put_u32(p, (uint32_t)bm->V);
  p = put_u32(p, (uint32_t)bm->H);
  p = put_u32(p, (uint32_t)bm->np);
  p = put_f32s(p, bm->params, bm->np);
  p = put_words(p, &bm->tc, RNNLAB_TRAIN_CONFIG_FIELDS);
  p = put_words(p, &bm->lc, RNNLAB_BOLTZMANN_LEARN_FIELDS);
  p = put_u64(p, (uint64_t)bm->steps);
  p = put_u64(p, bm->rng.s);
  p = put_u32(p, (uint32_t)bm->n_chains);
  for (size_t k = 0; k < (size_t)bm->n_chains * bm->n; k++) *p++ = bm->chains[k] != 0.0f ? 1 : 0;
  if (bm->have_opt) {
    const uint32_t mask = (uint32_t)moments_mask(bm);
    p = put_u64(p, (uint64_t)bm->opt.steps);
    p = put_u32(p, mask);
    if (mask & 1u) p = put_f32s(p, bm->opt.m1, bm->np);
    if (mask & 2u) p = put_f32s(p, bm->opt.m2, bm->np);
  }
  p = put_u32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  return RNNLAB_OK;
}

static rnnlab_status load_fail(rnnlab_boltzmann *bm, char *err, size_t errlen, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(err, errlen, s, fmt, ap);
  va_end(ap);
  rnnlab_boltzmann_free(bm);
  return s;
}

rnnlab_status rnnlab_boltzmann_load(const uint8_t *buf, size_t len, rnnlab_boltzmann **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out must not be NULL");
  *out = NULL;
  if (!buf || len == 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "empty buffer: no saved Boltzmann machine");
  if (len >= 8 && memcmp(buf, bm_magic, 7) == 0 && buf[7] != 7)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "this rnnlab file is of kind %d, not a Boltzmann machine (kind 7)", (int)buf[7]);
  if (len < BM_HEADER + BM_TAIL + 4)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "too short: %lu bytes, a saved Boltzmann machine has at least %d", (unsigned long)len,
                       BM_HEADER + BM_TAIL + 4);
  if (memcmp(buf, bm_magic, 8) != 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "not an rnnlab Boltzmann machine (bad magic)");
  const uint32_t version = get_u32(buf + 8), flags = get_u32(buf + 12);
  if (version > BM_VERSION)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "saved by a newer rnnlab (format %lu); this build reads format %u", (unsigned long)version, BM_VERSION);
  if (version != BM_VERSION) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown format version %lu", (unsigned long)version);
  if (flags & ~1u) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown flags 0x%lx", (unsigned long)flags);
  const uint32_t V = get_u32(buf + 16), H = get_u32(buf + 20), P = get_u32(buf + 24);
  if (V < 1 || V > RNNLAB_BOLTZMANN_MAX_UNITS || H > RNNLAB_BOLTZMANN_MAX_UNITS - V)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad sizes: %lu visible and %lu hidden units (the limit is %d in all): the file is corrupted",
                       (unsigned long)V, (unsigned long)H, RNNLAB_BOLTZMANN_MAX_UNITS);
  const size_t n = V + H, np = n * (n - 1) / 2 + n;
  if (P != np)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "parameter count mismatch: the file has %lu, %lu units need %lu", (unsigned long)P,
                       (unsigned long)n, (unsigned long)np);
  const size_t at = BM_HEADER + 4 * np; /* the tail */
  if (len < at + BM_TAIL + 4)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected at least %lu bytes, got %lu", (unsigned long)(at + BM_TAIL + 4), (unsigned long)len);
  const uint32_t C = get_u32(buf + at + 72);
  if (C > RNNLAB_BOLTZMANN_MAX_CHAINS || (uint64_t)C * n > (uint64_t)RNNLAB_MAX_ELEMS)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad chain count %lu: the file is corrupted", (unsigned long)C);
  size_t expected = at + BM_TAIL + (size_t)C * n, opt_at = expected;
  uint32_t mask = 0;
  if (flags & 1u) {
    if (len < expected + 12 + 4)
      return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected at least %lu bytes, got %lu", (unsigned long)(expected + 16), (unsigned long)len);
    mask = get_u32(buf + expected + 8);
    if (mask & ~3u) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad optimizer moments mask 0x%lx: the file is corrupted", (unsigned long)mask);
    expected += 12 + 4 * np * (size_t)popcount2(mask);
  }
  expected += 4;
  if (len < expected) return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected %lu bytes, got %lu", (unsigned long)expected, (unsigned long)len);
  if (len > expected)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "length mismatch: expected %lu bytes, got %lu (trailing data or a corrupted header)",
                       (unsigned long)expected, (unsigned long)len);
  if (rnnlab_crc32(buf, len - 4) != get_u32(buf + len - 4)) return status_fail(err, errlen, RNNLAB_EFORMAT, "checksum mismatch: file is corrupted");

  rnnlab_boltzmann *bm;
  rnnlab_status s = bm_alloc((int32_t)V, (int32_t)H, &bm, err, errlen);
  if (s) return s;
  get_f32s(bm->params, buf + BM_HEADER, np);
  for (size_t k = 0; k < np; k++)
    if (!bm_finitef(bm->params[k])) return load_fail(bm, err, errlen, RNNLAB_EFORMAT, "parameter %lu is not finite: the file is corrupted", (unsigned long)k);
  bm_unpack(bm);
  rnnlab_train_config tc;
  rnnlab_boltzmann_learn_config lc;
  const uint8_t *p = get_words(&tc, buf + at, RNNLAB_TRAIN_CONFIG_FIELDS);
  p = get_words(&lc, p, RNNLAB_BOLTZMANN_LEARN_FIELDS);
  char cerr[ERRLEN];
  if ((s = optimizer_check_config(&tc, cerr, sizeof cerr)) || (s = bm_check_learn(&lc, cerr, sizeof cerr)))
    return load_fail(bm, err, errlen, RNNLAB_EFORMAT, "saved trainer rejected: %s", cerr);
  bm->tc = tc, bm->lc = lc;
  const uint64_t steps = get_u64(p);
  if (steps > (uint64_t)INT64_MAX) return load_fail(bm, err, errlen, RNNLAB_EFORMAT, "bad step count: the file is corrupted");
  bm->steps = (int64_t)steps;
  bm->rng.s = get_u64(p + 8);
  p += 20;
  if (C) {
    if (!(bm->chains = malloc(sizeof(float) * (size_t)C * n))) return load_fail(bm, err, errlen, RNNLAB_ENOMEM, "out of memory for %lu chains", (unsigned long)C);
    bm->n_chains = (int32_t)C;
    for (size_t k = 0; k < (size_t)C * n; k++) {
      if (p[k] > 1) return load_fail(bm, err, errlen, RNNLAB_EFORMAT, "chain unit %lu is %d, not 0 or 1: the file is corrupted", (unsigned long)k, (int)p[k]);
      bm->chains[k] = (float)p[k];
    }
  }
  if (flags & 1u) {
    p = buf + opt_at;
    if ((s = optimizer_init(&bm->opt, &tc, np, cerr, sizeof cerr))) return load_fail(bm, err, errlen, s, "%s", cerr);
    bm->have_opt = 1;
    if ((int)mask != moments_mask(bm))
      return load_fail(bm, err, errlen, RNNLAB_EFORMAT, "optimizer moments mask %lu does not fit the optimizer (%d): the file is corrupted",
                       (unsigned long)mask, moments_mask(bm));
    const uint64_t t = get_u64(p);
    if (t > (uint64_t)INT64_MAX) return load_fail(bm, err, errlen, RNNLAB_EFORMAT, "bad optimizer step count: the file is corrupted");
    bm->opt.steps = (int64_t)t;
    p += 12;
    if (mask & 1u) p = get_f32s(bm->opt.m1, p, np);
    if (mask & 2u) p = get_f32s(bm->opt.m2, p, np);
  }
  *out = bm;
  return RNNLAB_OK;
}
