/* cells/rnn.h - the single-gate step that the rnn, ctrnn (rnn.c) and esn (esn.c) rows share, and
 * the reservoir initialisation of esn and lsm. */
#ifndef RNNLAB_CELLS_RNN_H
#define RNNLAB_CELLS_RNN_H

#include "cells/cell.h"

typedef enum { SINGLE_GATE_ELMAN, SINGLE_GATE_CTRNN, SINGLE_GATE_ESN } single_gate_form;

void single_gate_forward(cell_ctx *x, single_gate_form form);
void single_gate_backward(cell_ctx *x, single_gate_form form, const float *dY, int ldy, float *dX, int ldx);
/* esn.c: Jaeger's reservoir (input U(-inputScale, inputScale), recurrent U(-1, 1) scaled to the
 * spectral radius, biases 0), for the esn and lsm rows */
int reservoir_init_tensor(rnnlab_model *m, rng_state *rng, const tensor_info *t);

#endif
