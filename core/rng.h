/* rng.h - seeded PRNG with explicit state (splitmix64). Header-only, no globals.
 *
 * Same seed, same bits on every platform: only integer arithmetic and exact float conversions
 * (the top 24 bits of a draw become a float in [0,1) exactly). No libm here, because glibc and
 * Emscripten's musl round some transcendental results differently.
 */
#ifndef RNNLAB_RNG_H
#define RNNLAB_RNG_H

#include <stdint.h>

typedef struct { uint64_t s; } rng_state;

static inline void rng_seed(rng_state *r, uint64_t seed) { r->s = seed ^ 0x9E3779B97F4A7C15ull; }

static inline uint64_t rng_u64(rng_state *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline uint32_t rng_u32(rng_state *r) { return (uint32_t)(rng_u64(r) >> 32); }

/* uniform float in [0, 1), exactly representable */
static inline float rng_uniform(rng_state *r) { return (float)(rng_u64(r) >> 40) * (1.0f / 16777216.0f); }

/* uniform float in [-a, a) */
static inline float rng_symmetric(rng_state *r, float a) { return (2.0f * rng_uniform(r) - 1.0f) * a; }

/* uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < 2^-32 for n < 2^32) */
static inline uint32_t rng_below(rng_state *r, uint32_t n) { return (uint32_t)(((uint64_t)rng_u32(r) * n) >> 32); }

#endif
