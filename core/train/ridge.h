/* train/ridge.h - the ridge readout's state (ridge.c; saved by serialize.c). */
#ifndef RNNLAB_RIDGE_H
#define RNNLAB_RIDGE_H

#include "internal.h"

struct rnnlab_ridge {
  rnnlab_model *model; /* borrowed */
  float ridge;
  int32_t washout;
  int D1, V;           /* features + 1 (the bias), outputs */
  double *A;           /* (D1, D1) lower triangle: sum w x~ x~^T */
  double *C;           /* (D1, V): sum w x~ y^T */
  double *L;           /* (D1, D1) the Cholesky factor of the last solve */
  double weight;       /* sum of the weights seen */
  int64_t steps;
  char err[ERRLEN];
};

rnnlab_status ridge_check(const rnnlab_model *m, float ridge, int32_t washout, char *err, size_t errlen);
rnnlab_status ridge_alloc(rnnlab_model *m, float ridge, int32_t washout, rnnlab_ridge **out, char *err, size_t errlen);

#endif
