/* energy/hopfield.h - the Hopfield network's private layout (core/energy/hopfield.c only; never
 * installed). The public API is the hopfield section of rnnlab.h.
 *
 * One block of weights W (N,N), symmetric with a zero diagonal, and the biases b (N); the stored
 * patterns are kept (P,N) as int8 +-1, so recall can report overlaps with each and name the
 * state it landed in. Fields h = W s are accumulated in double: for Hebbian weights (multiples of
 * float(1/N) within a few binades) every such sum is exact, so the fields updated flip by flip
 * equal the fields computed from scratch, bit for bit, on every platform.
 */
#ifndef RNNLAB_ENERGY_HOPFIELD_H
#define RNNLAB_ENERGY_HOPFIELD_H

#include "internal.h"

struct rnnlab_hopfield {
  int32_t N;            /* units */
  int32_t rule;         /* rnnlab_hopfield_rule */
  int32_t bias_mode;    /* rnnlab_hopfield_bias: what b is now */
  int32_t bias_initial; /* the mode at creation, which rnnlab_hopfield_clear restores */
  uint64_t seed;        /* the default recall seed */
  int32_t steps;        /* store calls that stored at least one pattern */

  float *W;       /* (N,N) row-major, W[i*N+j] = W[j*N+i], W[i*N+i] = 0 */
  float *b;       /* (N) */
  int32_t *colsum;/* (N) sum over the stored patterns of x_i: the mean bias, exactly */
  int8_t *X;      /* (P,N) stored patterns, +-1 */
  int32_t P;      /* patterns stored */
  size_t cap_P;   /* rows allocated in X */

  /* scratch of one recall, sized N at creation: nothing allocates inside a sweep */
  double *h;      /* (N) fields W s */
  double *h2;     /* (N) Storkey's fields of the pattern being stored */
  int8_t *s, *s1, *s2; /* (N) state; sync: the states one and two sweeps back */
  int32_t *order; /* (N) the visiting order of an asynchronous sweep */

  /* the record of the last recall with record = 1 (grown by doubling, never shrunk) */
  float *tr_energy;  /* (1 + updates) energy before the first update, then after each */
  size_t cap_energy;
  int32_t n_energy;
  int32_t *tr_flips; /* (n_flips, 3): [update index, unit, new value] of every unit that changed */
  size_t cap_flips;
  int32_t n_flips;

  char err[ERRLEN];
};

#endif
