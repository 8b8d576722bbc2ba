/* energy/ising.h - private to core/energy/: the Ising lattice's layout (never installed). */
#ifndef RNNLAB_ENERGY_ISING_H
#define RNNLAB_ENERGY_ISING_H

#include "energy/boltzmann.h"

struct rnnlab_ising {
  int32_t L;
  size_t N;       /* L * L sites */
  float J, h;     /* coupling, field */
  int8_t *s;      /* (L, L) row-major spins, +-1 */
  int64_t M;      /* sum_i s_i, kept exact through every flip */
  int64_t bonds;  /* sum over the 2N bonds of s_i s_j, kept exact too */
  rng_state rng;  /* every sweep's coins; the random start */
  char err[ERRLEN];
};

#endif
