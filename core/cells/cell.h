/* cells/cell.h - the cell table: everything a recurrent cell family tells the model.
 *
 * model.c knows no cell by name. It asks the family of cfg.cell (cell_family_of) for the gate
 * count, which state caches to allocate, the extra tensors to add to the parameter table, how
 * many arena floats never act, the family's part of initialisation, and the forward and backward
 * over the whole sequence of one (layer, direction). Each family defines its row in its own file
 * (rnn.c, esn.c, lstm.c, gru.c); cells.c lists the rows in rnnlab_cell order, the one place a new
 * cell is registered.
 *
 * Every common tensor (weight_ih, weight_hh, bias_ih, bias_hh; G = gates * H rows) comes first for
 * each (layer, dir), then the family's extras in the order it gives them; the readout last. The
 * common initialisation (PyTorch's uniform, the uniform of initScale, Glorot or orthogonal per
 * gate block) runs on every tensor the family's init_tensor leaves alone.
 */
#ifndef RNNLAB_CELL_H
#define RNNLAB_CELL_H

#include "internal.h"

#define CELL_MAX_EXTRAS 2

/* An extra per-(layer, dir) tensor: the table name is "<name>_l<layer>[_reverse]". */
typedef enum { CELL_EXTRA_PEEP, CELL_EXTRA_R, CELL_EXTRA_TAU } cell_extra_slot; /* which cell_params pointer views it */
typedef struct {
  const char *name;
  int rows, cols;  /* PyTorch shape */
  int transposed;  /* 1: stored as (cols, rows), like the weights (internal.h) */
  int init_block;  /* rows per initialisation block; 0 = initialised as a bias */
  cell_extra_slot slot;
} cell_extra;

typedef struct cell_family {
  const char *name;   /* as wasm/names.mjs CELLS */
  int gates;          /* gate blocks per direction: G = gates * H */
  int cell_state;     /* 1: a second (T+1,B,H) state cache c (LSTM cell, CT-RNN potential) */
  int aux;            /* 1: a (T,B,H) aux cache (internal.h, cell_cache.aux) */
  int fixed;          /* 1: nothing below the readout trains (the arena's trainable range starts at fc) */
  /* Family-specific configuration checks after the common ones; NULL: none. Writes err. */
  rnnlab_status (*check)(const rnnlab_config *c, char *err, size_t errlen);
  /* The extra tensors of one (layer, dir), at most CELL_MAX_EXTRAS; returns how many. NULL: none. */
  int (*extras)(const rnnlab_config *c, cell_extra out[CELL_MAX_EXTRAS]);
  /* Arena floats of one (layer, dir) with input width I that never act (kept at zero, not
   * counted as parameters). NULL: none. */
  int64_t (*unused)(const rnnlab_config *c, int I);
  /* Initialises tensor t itself and returns 1, or returns 0 for the common initialisation.
   * Called in table order with the one generator of the model's seed. NULL: always common. */
  int (*init_tensor)(rnnlab_model *m, rng_state *rng, const tensor_info *t);
  /* After every tensor is initialised (forget-gate bias, ...). NULL: nothing. */
  void (*after_init)(rnnlab_model *m);
  /* Restores what must hold whatever weights were set (ablated blocks stay zero). NULL: nothing. */
  void (*fix)(rnnlab_model *m);
  void (*forward)(cell_ctx *x);
  /* ADDS into the parameter gradients and dX (internal.h, cell_ctx). */
  void (*backward)(cell_ctx *x, const float *dY, int ldy, float *dX, int ldx);
} cell_family;

/* The row of cell (an rnnlab_cell value), NULL for an unknown one. */
const cell_family *cell_family_of(int cell);

/* The rows (cells.c lists them). */
extern const cell_family rnn_cell, lstm_cell, gru_cell, ctrnn_cell, esn_cell, cfn_cell, lsm_cell;

/* init.c: the common initialisation's fills, for families that initialise a tensor themselves. */
float *tensor_at(rnnlab_model *m, const tensor_info *t, int r, int c); /* element (r, c), PyTorch layout */
void fill_uniform(rnnlab_model *m, rng_state *rng, const tensor_info *t, int r0, int n, float a);

#endif
