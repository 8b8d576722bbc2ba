/* fuzz_common.h - what the libFuzzer harnesses share: a failing check that aborts (libFuzzer
 * records the input), little-endian reads, and checksum repair.
 *
 * Every rnnlab file ends in a CRC-32 of the bytes before it (seq2seq, ridge and DBN files also hold
 * whole inner images with their own CRCs). A mutated input would almost always stop at "checksum
 * mismatch", so each harness loads the input as it is (the checks before and at the CRC) and then
 * a copy whose CRCs it has recomputed (everything after the CRC). Nothing here is part of the
 * library: the core is compiled unchanged.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* rnnlab.h and rnnlab_crc32 */

#define FUZZ_CHECK(cond, ...)                                                        \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "fuzz check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                                  \
      fputc('\n', stderr);                                                           \
      abort();                                                                       \
    }                                                                                \
  } while (0)

static inline uint32_t fz_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t fz_u64(const uint8_t *p) { return (uint64_t)fz_u32(p) | (uint64_t)fz_u32(p + 4) << 32; }

/* Rewrites the last 4 bytes of b[0..n) as the CRC-32 of the bytes before them. */
static inline void fz_reseal(uint8_t *b, size_t n) {
  if (n < 4) return;
  const uint32_t c = rnnlab_crc32(b, n - 4);
  b[n - 4] = (uint8_t)c, b[n - 3] = (uint8_t)(c >> 8), b[n - 2] = (uint8_t)(c >> 16), b[n - 1] = (uint8_t)(c >> 24);
}

/* Reseals the inner image at b[at .. at + len) when it lies inside the outer file's body. */
static inline void fz_reseal_inner(uint8_t *b, size_t n, uint64_t at, uint64_t len) {
  if (n >= 4 && at <= n - 4 && len <= n - 4 - at) fz_reseal(b + at, (size_t)len);
}

/* A copy of d with its checksums repaired by fix (NULL: only the outer one); the caller frees it.
 * Returns NULL when the copy equals d (nothing new to try) or on allocation failure. */
static inline uint8_t *fz_resealed(const uint8_t *d, size_t n, void (*fix)(uint8_t *, size_t)) {
  if (n < 4) return NULL;
  uint8_t *b = malloc(n);
  if (!b) return NULL;
  memcpy(b, d, n);
  if (fix) fix(b, n);
  fz_reseal(b, n);
  if (!memcmp(b, d, n)) {
    free(b);
    return NULL;
  }
  return b;
}

/* Saves with save_fn into a fresh buffer of the size size_fn gave; the caller frees it. */
#define FZ_SAVE(buf, len, size_expr, save_expr)                   \
  do {                                                            \
    (len) = (size_expr);                                          \
    (buf) = malloc((len) ? (len) : 1);                            \
    FUZZ_CHECK((buf) != NULL, "out of memory for %zu bytes", (size_t)(len)); \
    rnnlab_status fz_s_ = (save_expr);                            \
    FUZZ_CHECK(fz_s_ == RNNLAB_OK, "save failed with status %d", (int)fz_s_); \
  } while (0)

#endif
