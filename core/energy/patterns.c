/* energy/patterns.c - binary pattern sets for the energy family (rnnlab.h, "patterns"):
 * bars-and-stripes, digits from a built-in bitmap font with noise, random bits.
 *
 * Owns: the generators, their validation and the 5 x 7 digit font. Does not own: any learner,
 * file I/O, or patterns drawn by hand (the page makes those). Every random draw comes from
 * core/rng.h seeded by the config's seed, so a config gives the same bits on every platform.
 */
#include <string.h>

#include "energy/patterns.h"
#include "internal.h"

/* The digits 0-9 of the classic 5 x 7 dot-matrix font (the HD44780 LCD character set's), one
 * byte per row, bit 4 = the leftmost column. */
static const unsigned char digit_font[10][RNNLAB_DIGIT_HEIGHT] = {
  {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, /* 0 */
  {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}, /* 1 */
  {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, /* 2 */
  {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}, /* 3 */
  {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, /* 4 */
  {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}, /* 5 */
  {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, /* 6 */
  {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, /* 7 */
  {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, /* 8 */
  {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}, /* 9 */
};

int patterns_digit_pixel(int d, int y, int x) {
  return (digit_font[d][y] >> (RNNLAB_DIGIT_WIDTH - 1 - x)) & 1;
}

void rnnlab_patterns_config_default(rnnlab_patterns_config *pc) {
  if (!pc) return;
  memset(pc, 0, sizeof *pc);
  pc->kind = RNNLAB_PATTERNS_BARS_AND_STRIPES;
  pc->n = 3;
  pc->count = 10;
  pc->noise = 0.0f;
  pc->rows = 10;
  pc->size = 16;
  pc->p = 0.5f;
  pc->seed_lo = 1, pc->seed_hi = 0;
}

rnnlab_status rnnlab_patterns_shape(const rnnlab_patterns_config *pc, int32_t *rows, int32_t *width, int32_t *height,
                                    char *err, size_t errlen) {
  int32_t R = 0, Wd = 0, Ht = 0;
  if (err && errlen) err[0] = '\0';
  if (!pc) return status_fail(err, errlen, RNNLAB_EINVAL, "patterns: config is NULL");
  switch (pc->kind) {
    case RNNLAB_PATTERNS_BARS_AND_STRIPES:
      if (pc->n < 1 || pc->n > RNNLAB_PATTERNS_MAX_BAS_N)
        return status_fail(err, errlen, RNNLAB_EINVAL, "n must be in 1..%d for bars-and-stripes (got %d)",
                           RNNLAB_PATTERNS_MAX_BAS_N, (int)pc->n);
      R = (int32_t)((2u << pc->n) - 2u), Wd = Ht = pc->n;
      break;
    case RNNLAB_PATTERNS_DIGITS:
      if (pc->count < 1 || (int64_t)pc->count * RNNLAB_DIGIT_WIDTH * RNNLAB_DIGIT_HEIGHT > RNNLAB_MAX_ELEMS)
        return status_fail(err, errlen, RNNLAB_EINVAL, "count must be in 1..%d for digits (got %d)",
                           RNNLAB_MAX_ELEMS / (RNNLAB_DIGIT_WIDTH * RNNLAB_DIGIT_HEIGHT), (int)pc->count);
      if (!(pc->noise >= 0.0f && pc->noise <= 1.0f))
        return status_fail(err, errlen, RNNLAB_EINVAL, "noise must be in [0, 1] (got %g)", (double)pc->noise);
      R = pc->count, Wd = RNNLAB_DIGIT_WIDTH, Ht = RNNLAB_DIGIT_HEIGHT;
      break;
    case RNNLAB_PATTERNS_RANDOM:
      if (pc->rows < 1) return status_fail(err, errlen, RNNLAB_EINVAL, "rows must be >= 1 (got %d)", (int)pc->rows);
      if (pc->size < 1) return status_fail(err, errlen, RNNLAB_EINVAL, "size must be >= 1 (got %d)", (int)pc->size);
      if ((int64_t)pc->rows * pc->size > RNNLAB_MAX_ELEMS)
        return status_fail(err, errlen, RNNLAB_EINVAL, "rows x size = %lld is more than the limit %d",
                           (long long)pc->rows * pc->size, RNNLAB_MAX_ELEMS);
      if (!(pc->p >= 0.0f && pc->p <= 1.0f))
        return status_fail(err, errlen, RNNLAB_EINVAL, "p must be in [0, 1] (got %g)", (double)pc->p);
      R = pc->rows, Wd = pc->size, Ht = 1;
      break;
    default:
      return status_fail(err, errlen, RNNLAB_EINVAL,
                         "kind: unknown pattern kind %d (0 bars-and-stripes, 1 digits, 2 random)", (int)pc->kind);
  }
  if (rows) *rows = R;
  if (width) *width = Wd;
  if (height) *height = Ht;
  return RNNLAB_OK;
}

/* a coin that is 1 with probability p: the top 24 bits of a draw against p, exact for p = 0, 1 */
static int coin(rng_state *r, float p) { return rng_uniform(r) < p; }

rnnlab_status rnnlab_patterns_generate(const rnnlab_patterns_config *pc, float *data, int32_t *labels, char *err,
                                       size_t errlen) {
  int32_t R, Wd, Ht;
  rnnlab_status s = rnnlab_patterns_shape(pc, &R, &Wd, &Ht, err, errlen);
  if (s) return s;
  if (!data) return status_fail(err, errlen, RNNLAB_EINVAL, "patterns: data is NULL");
  const size_t size = (size_t)Wd * Ht;
  rng_state rng;
  rng_seed(&rng, (uint64_t)pc->seed_hi << 32 | pc->seed_lo);
  if (pc->kind == RNNLAB_PATTERNS_BARS_AND_STRIPES) {
    const int n = pc->n;
    const uint32_t all = (1u << n) - 1u;
    int32_t r = 0;
    /* stripes: row y is on when bit y of the mask is; every mask, 0 (blank) and all (full) too */
    for (uint32_t mask = 0; mask <= all; mask++, r++) {
      for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) data[(size_t)r * size + (size_t)y * n + x] = (float)((mask >> y) & 1u);
      if (labels) labels[r] = 0;
    }
    /* bars: column x is on when bit x is; blank and full are stripes already */
    for (uint32_t mask = 1; mask < all; mask++, r++) {
      for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) data[(size_t)r * size + (size_t)y * n + x] = (float)((mask >> x) & 1u);
      if (labels) labels[r] = 1;
    }
  } else if (pc->kind == RNNLAB_PATTERNS_DIGITS) {
    for (int32_t r = 0; r < R; r++) {
      const int d = (int)(r % 10);
      for (int y = 0; y < Ht; y++)
        for (int x = 0; x < Wd; x++) {
          const int ink = patterns_digit_pixel(d, y, x) ^ coin(&rng, pc->noise);
          data[(size_t)r * size + (size_t)y * Wd + x] = (float)ink;
        }
      if (labels) labels[r] = d;
    }
  } else {
    for (size_t i = 0; i < (size_t)R * size; i++) data[i] = (float)coin(&rng, pc->p);
    if (labels)
      for (int32_t r = 0; r < R; r++) labels[r] = -1;
  }
  return RNNLAB_OK;
}

int32_t rnnlab_patterns_layout(int32_t field) {
  static const short off[] = {
    (short)offsetof(rnnlab_patterns_config, kind), (short)offsetof(rnnlab_patterns_config, n),
    (short)offsetof(rnnlab_patterns_config, count), (short)offsetof(rnnlab_patterns_config, noise),
    (short)offsetof(rnnlab_patterns_config, rows), (short)offsetof(rnnlab_patterns_config, size),
    (short)offsetof(rnnlab_patterns_config, p), (short)offsetof(rnnlab_patterns_config, seed_lo),
    (short)offsetof(rnnlab_patterns_config, seed_hi)};
  if (field < 0) return (int32_t)sizeof(rnnlab_patterns_config);
  return field < (int32_t)(sizeof off / sizeof *off) ? off[field] : -1;
}
