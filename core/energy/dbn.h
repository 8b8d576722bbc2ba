/* energy/dbn.h - the deep belief net's private layout (the public API is the "deep belief nets"
 * section of rnnlab.h): a stack of RBMs (energy/rbm.h), the greedy schedule, the up-pass
 * generator and the scratch rows of the passes. */
#ifndef RNNLAB_ENERGY_DBN_H
#define RNNLAB_ENERGY_DBN_H

#include "energy/rbm.h"

struct rnnlab_dbn {
  int L;                                     /* layer sizes, the visible one included */
  int32_t sizes[RNNLAB_DBN_MAX_LAYERS];
  int32_t visible_units;                     /* RBM 0's */
  float init_scale;
  uint32_t seed_lo, seed_hi;
  rnnlab_rbm *rbm[RNNLAB_DBN_MAX_LAYERS - 1]; /* RBM l joins layers l and l+1 */
  int current;                               /* the RBM the next step trains */
  int32_t steps_per_layer;                   /* > 0: move up after this many updates of the current RBM */
  rng_state rng;                             /* the binary states carried up in training */
  float *buf[2];                             /* ping-pong scratch, rows x the widest layer */
  size_t cap;                                /* floats in each */
  char err[ERRLEN];
};

#define DBN_UP_SALT 0x3C6EF372FE94F82Bull   /* the up-pass generator's seed from the DBN's */
#define DBN_DOWN_SALT 0xA54FF53A5F1D36F1ull /* sampling down: the directed layers' generator */

#endif
