/* cells/lstm.h - the LSTM variants' parts (lstm_variants.c), read by the equations (lstm.c). */
#ifndef RNNLAB_CELLS_LSTM_H
#define RNNLAB_CELLS_LSTM_H

#include "cells/cell.h"

/* Which parts an LSTM variant has. Greff et al. 2017, Table 1 / section 3. */
typedef struct {
  int in_gate, forget_gate, out_gate; /* 0 = the gate is fixed at 1 (NIG, NFG, NOG, 1997's f) */
  int cifg;                           /* f = 1 - i */
  int peep, fgr;
  int g_act, h_act;                   /* 0 tanh, 1 identity (NIAF/NOAF), 2 scaled sigmoid (1997) */
} lstm_parts;

lstm_parts lstm_parts_of(int variant);

/* the variant-dependent parts of the lstm row (lstm_variants.c) */
rnnlab_status lstm_check(const rnnlab_config *c, char *err, size_t errlen);
int lstm_extras(const rnnlab_config *c, cell_extra out[CELL_MAX_EXTRAS]);
int64_t lstm_unused(const rnnlab_config *c, int I);
void lstm_after_init(rnnlab_model *m);
void lstm_zero_dead_blocks(rnnlab_model *m);

#endif
