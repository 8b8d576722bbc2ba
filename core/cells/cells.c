/* cells/cells.c - the table of cell families, in rnnlab_cell order (rnnlab.h): the one place a
 * new cell is registered. Each row is defined in its family's file. */
#include "cells/cell.h"

static const cell_family *const cell_table[] = {
    [RNNLAB_CELL_RNN] = &rnn_cell,     [RNNLAB_CELL_LSTM] = &lstm_cell, [RNNLAB_CELL_GRU] = &gru_cell,
    [RNNLAB_CELL_CTRNN] = &ctrnn_cell, [RNNLAB_CELL_ESN] = &esn_cell, [RNNLAB_CELL_CFN] = &cfn_cell,
    [RNNLAB_CELL_LSM] = &lsm_cell,
};

const cell_family *cell_family_of(int cell) {
  return cell >= 0 && cell < (int)(sizeof cell_table / sizeof cell_table[0]) ? cell_table[cell] : NULL;
}
