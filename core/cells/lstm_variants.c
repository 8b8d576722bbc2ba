/* cells/lstm_variants.c - the LSTM variant table (Greff et al. 2017) and what each variant does
 * to the parameter table: peepholes and the FGR gate recurrence as extra tensors, the gate
 * blocks an ablated variant never reads (kept at exactly zero and not counted, so that weights
 * shown, saved and counted are the ones that act), and the forget-gate bias at initialisation.
 * The equations that read the parts are in lstm.c.
 */
#include <string.h>

#include "cells/lstm.h"

lstm_parts lstm_parts_of(int variant) {
  lstm_parts p = {1, 1, 1, 0, 1, 0, 0, 0};
  switch (variant) {
  case RNNLAB_LSTM_STANDARD: p.peep = 0; break;
  case RNNLAB_LSTM_VANILLA: break;
  case RNNLAB_LSTM_1997: p.forget_gate = 0, p.peep = 0, p.g_act = 2, p.h_act = 2; break;
  case RNNLAB_LSTM_NIG: p.in_gate = 0; break;
  case RNNLAB_LSTM_NFG: p.forget_gate = 0; break;
  case RNNLAB_LSTM_NOG: p.out_gate = 0; break;
  case RNNLAB_LSTM_NIAF: p.g_act = 1; break;
  case RNNLAB_LSTM_NOAF: p.h_act = 1; break;
  case RNNLAB_LSTM_NP: p.peep = 0; break;
  case RNNLAB_LSTM_CIFG: p.cifg = 1; break;
  case RNNLAB_LSTM_FGR: p.fgr = 1; break;
  }
  return p;
}

rnnlab_status lstm_check(const rnnlab_config *c, char *err, size_t errlen) {
  if (c->variant < 0 || c->variant >= RNNLAB_LSTM_VARIANT_COUNT)
    return status_fail(err, errlen, RNNLAB_EINVAL, "config.variant: unknown LSTM variant %d", c->variant);
  return RNNLAB_OK;
}

int lstm_extras(const rnnlab_config *c, cell_extra out[CELL_MAX_EXTRAS]) {
  const lstm_parts p = lstm_parts_of(c->variant);
  const int H = c->hidden_size;
  int n = 0;
  if (p.peep) out[n++] = (cell_extra){"peephole", 3, H, 0, 0, CELL_EXTRA_PEEP};           /* rows [p_i p_f p_o] */
  if (p.fgr) out[n++] = (cell_extra){"weight_fgr", 3 * H, 3 * H, 1, 3 * H, CELL_EXTRA_R}; /* (out [i f o], in [i f o]_{t-1}) */
  return n;
}

/* the gate blocks [i f g o] a variant never reads */
static void dead_gates(const lstm_parts *p, int dead[4]) {
  dead[GATE_I] = !p->in_gate, dead[GATE_F] = !p->forget_gate || p->cifg, dead[GATE_G] = 0, dead[GATE_O] = !p->out_gate;
}

int64_t lstm_unused(const rnnlab_config *c, int I) {
  const lstm_parts p = lstm_parts_of(c->variant);
  const int H = c->hidden_size;
  int dead[4];
  dead_gates(&p, dead);
  const int nd = dead[GATE_I] + dead[GATE_F] + dead[GATE_O];
  int64_t unused = (int64_t)nd * H * (I + H + 2);
  if (p.peep) unused += (int64_t)nd * H; /* one peephole row per dead sigmoid gate */
  return unused;
}

void lstm_zero_dead_blocks(rnnlab_model *m) {
  const rnnlab_config *c = &m->cfg;
  const lstm_parts p = lstm_parts_of(c->variant);
  const int H = c->hidden_size, G = m->G;
  int dead[4];
  dead_gates(&p, dead);
  for (int l = 0; l < c->layers; l++)
    for (int d = 0; d < m->D; d++)
      for (int k = 0; k < 2; k++) {
        cell_params *cp = k ? &m->dP[l][d] : &m->P[l][d];
        const int I = l ? m->D * H : m->I0;
        for (int g = 0; g < 4; g++) {
          if (!dead[g]) continue;
          for (int r = 0; r < I; r++) memset(cp->Wx + (size_t)r * G + g * H, 0, sizeof(float) * H);
          for (int r = 0; r < H; r++) memset(cp->Wh + (size_t)r * G + g * H, 0, sizeof(float) * H);
          memset(cp->bx + g * H, 0, sizeof(float) * H);
          memset(cp->bh + g * H, 0, sizeof(float) * H);
          if (cp->peep && g != GATE_G) memset(cp->peep + (g == GATE_O ? 2 : g) * H, 0, sizeof(float) * H);
        }
      }
}

/* forget-gate bias (Gers et al. 2000; Jozefowicz et al. 2015 use 1), then the dead blocks */
void lstm_after_init(rnnlab_model *m) {
  const rnnlab_config *c = &m->cfg;
  const int H = c->hidden_size;
  if (c->forget_bias != 0.0f)
    for (int l = 0; l < c->layers; l++)
      for (int d = 0; d < m->D; d++)
        for (int j = 0; j < H; j++) m->P[l][d].bx[GATE_F * H + j] += c->forget_bias;
  lstm_zero_dead_blocks(m);
}
