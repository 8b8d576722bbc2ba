/* train/ridge.h - the ridge readout's state (ridge.c; saved by serialize.c). */
#ifndef RNNLAB_RIDGE_H
#define RNNLAB_RIDGE_H

#include "internal.h"

/* rows added to the statistics at once: A is read and written once per block instead of once per
 * row (at 1000 features A is 8 MB of doubles, so a row at a time is bound by memory traffic) */
#define RIDGE_BLOCK 16

struct rnnlab_ridge {
  rnnlab_model *model; /* borrowed */
  float ridge;
  int32_t washout;
  int D1, V;           /* features + 1 (the bias), outputs */
  double *A;           /* (D1, D1) lower triangle: sum w x~ x~^T */
  double *C;           /* (D1, V): sum w x~ y^T */
  double *L;           /* (D1, D1) the Cholesky factor of the last solve */
  double *Xt, *XWt;    /* (D1, RIDGE_BLOCK) scratch: a block of rows x~ and w x~, transposed */
  double *Yb;          /* (RIDGE_BLOCK, V) scratch: their targets */
  double weight;       /* sum of the weights seen */
  int64_t steps;
  char err[ERRLEN];
};

rnnlab_status ridge_check(const rnnlab_model *m, float ridge, int32_t washout, char *err, size_t errlen);
rnnlab_status ridge_alloc(rnnlab_model *m, float ridge, int32_t washout, rnnlab_ridge **out, char *err, size_t errlen);

#endif
