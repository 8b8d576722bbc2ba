/* model.c - the Model: configuration checks, the parameter table and arenas, the forward/backward
 * pass over layers and directions (the readout with its losses: readout.c). Knows no cell by name: what
 * differs between cells comes from the cell table (cells/cell.h).
 *
 * Owns: rnnlab_model_* (but save/load, in serialize.c) and the status strings.
 * Does not own: the cells (cells/), initialisation (init.c), the optimizers (train/), the
 * arithmetic kernels (kernels_*.c). No I/O, no globals; every failure is a returned status with
 * a message in m->err.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells/cell.h"
#include "kernels/kernels.h"

typedef char config_is_all_4_byte_fields[sizeof(rnnlab_config) == RNNLAB_CONFIG_FIELDS * 4 ? 1 : -1];
typedef char train_config_is_all_4_byte_fields[sizeof(rnnlab_train_config) == RNNLAB_TRAIN_CONFIG_FIELDS * 4 ? 1 : -1];

const char *rnnlab_version(void) { return RNNLAB_VERSION; }

const char *rnnlab_status_str(rnnlab_status s) {
  switch (s) {
  case RNNLAB_OK: return "ok";
  case RNNLAB_EINVAL: return "invalid argument";
  case RNNLAB_ENOMEM: return "out of memory";
  case RNNLAB_ENONFINITE: return "non-finite value";
  case RNNLAB_EFORMAT: return "bad model file";
  case RNNLAB_ESTATE: return "invalid state";
  }
  return "unknown status";
}

rnnlab_status status_vfail(char *err, size_t errlen, rnnlab_status s, const char *fmt, va_list ap) {
  if (err && errlen) vsnprintf(err, errlen, fmt, ap);
  return s;
}

rnnlab_status status_fail(char *err, size_t errlen, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(err, errlen, s, fmt, ap);
  va_end(ap);
  return s;
}

rnnlab_status model_fail(rnnlab_model *m, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(m->err, sizeof m->err, s, fmt, ap);
  va_end(ap);
  return s;
}

void rnnlab_config_default(rnnlab_config *c) {
  memset(c, 0, sizeof *c);
  c->cell = RNNLAB_CELL_LSTM;
  c->variant = RNNLAB_LSTM_STANDARD;
  c->reset_after = 1;
  c->activation = RNNLAB_ACT_TANH;
  c->input_size = 1;
  c->input_kind = RNNLAB_INPUT_ONEHOT;
  c->hidden_size = 16;
  c->layers = 1;
  c->output_size = 1;
  c->output_kind = RNNLAB_OUTPUT_SOFTMAX;
  c->init = RNNLAB_INIT_DEFAULT;
  c->init_scale = 0.1f;
  c->forget_bias = 0.0f;
  c->g_lo = -2.0f, c->g_hi = 2.0f; /* 1997: g(x) = 4 sigma(x) - 2 */
  c->h_lo = -1.0f, c->h_hi = 1.0f; /* 1997: h(x) = 2 sigma(x) - 1 */
  c->alpha = 1.0f;
  c->spectral_radius = 0.9f;
  c->input_scale = 1.0f;
  c->seed_lo = 1;
}

/* ---- configuration ---- */

static int finite(float x) { return x == x && x - x == 0.0f; }

rnnlab_status model_check_config(const rnnlab_config *c, char *err, size_t errlen) {
#define BAD(...) return status_fail(err, errlen, RNNLAB_EINVAL, __VA_ARGS__)
  const cell_family *cf = cell_family_of(c->cell);
  if (!cf) BAD("config.cell: unknown cell %d", c->cell);
  if (cf->check) {
    rnnlab_status s = cf->check(c, err, errlen);
    if (s) return s;
  }
  if (c->reset_after != 0 && c->reset_after != 1) BAD("config.resetAfter must be 0 or 1");
  if (c->activation < 0 || c->activation > RNNLAB_ACT_SIGMOID) BAD("config.activation: unknown activation %d", c->activation);
  if (c->input_size < 1 || c->input_size > RNNLAB_MAX_IO) BAD("config.inputSize must be in [1, %d], got %d", RNNLAB_MAX_IO, c->input_size);
  if (c->input_kind != RNNLAB_INPUT_ONEHOT && c->input_kind != RNNLAB_INPUT_DENSE) BAD("config.input: unknown input kind %d", c->input_kind);
  if (c->hidden_size < 1 || c->hidden_size > RNNLAB_MAX_HIDDEN) BAD("config.hiddenSize must be in [1, %d], got %d", RNNLAB_MAX_HIDDEN, c->hidden_size);
  if (c->layers < 1 || c->layers > RNNLAB_MAX_LAYERS) BAD("config.layers must be in [1, %d], got %d", RNNLAB_MAX_LAYERS, c->layers);
  if (c->bidirectional != 0 && c->bidirectional != 1) BAD("config.bidirectional must be 0 or 1");
  if (c->output_size < 1 || c->output_size > RNNLAB_MAX_IO) BAD("config.outputSize must be in [1, %d], got %d", RNNLAB_MAX_IO, c->output_size);
  if (c->output_kind < 0 || c->output_kind > RNNLAB_OUTPUT_LINEAR) BAD("config.output: unknown output kind %d", c->output_kind);
  if (c->output_kind == RNNLAB_OUTPUT_SOFTMAX && c->output_size < 2) BAD("config.outputSize must be >= 2 for softmax output");
  if (c->init < 0 || c->init > RNNLAB_INIT_ORTHOGONAL) BAD("config.init: unknown init %d", c->init);
  if (!finite(c->init_scale) || c->init_scale < 0 || c->init_scale > 100) BAD("config.initScale must be finite in [0, 100]");
  if (!finite(c->forget_bias) || fabsf(c->forget_bias) > 100) BAD("config.forgetBias must be finite in [-100, 100]");
  if (!finite(c->g_lo) || !finite(c->g_hi) || !(c->g_lo < c->g_hi)) BAD("config.gRange must be two finite numbers lo < hi");
  if (!finite(c->h_lo) || !finite(c->h_hi) || !(c->h_lo < c->h_hi)) BAD("config.hRange must be two finite numbers lo < hi");
  if (!finite(c->alpha) || !(c->alpha > 0.0f) || c->alpha > 1.0f) BAD("config.alpha must be in (0, 1]");
  if (!finite(c->spectral_radius) || c->spectral_radius < 0 || c->spectral_radius > 100) BAD("config.spectralRadius must be in [0, 100]");
  if (!finite(c->input_scale) || c->input_scale < 0 || c->input_scale > 100) BAD("config.inputScale must be in [0, 100]");
  if (c->learn_tau != 0 && c->learn_tau != 1) BAD("config.learnTau must be 0 or 1");
  if (c->learn_tau && c->cell != RNNLAB_CELL_CTRNN) BAD("config.learnTau: a learnable time constant is for cell 'ctrnn' only");
#undef BAD
  return RNNLAB_OK;
}

/* ---- parameter table ---- */

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

/* Adds a tensor of PyTorch shape (rows, cols) to the table, returns its offset. init_block: rows
 * per initialisation block (H for gate-blocked weights), 0 for a bias. */
static size_t add_tensor(rnnlab_model *m, size_t *off, const char *name, int rows, int cols, int transposed,
                         int init_block) {
  tensor_info *t = &m->tensors[m->n_tensors++];
  snprintf(t->name, sizeof t->name, "%s", name);
  t->offset = *off, t->rows = rows, t->cols = cols, t->transposed = transposed, t->init_block = init_block;
  *off += pad4((size_t)rows * cols);
  return t->offset;
}

typedef struct { size_t Wx, Wh, bx, bh, extra[CELL_MAX_EXTRAS]; } cell_offsets;

rnnlab_status model_build(rnnlab_model *m, const rnnlab_config *cfg) {
  m->cfg = *cfg;
  const rnnlab_config *c = &m->cfg;
  const cell_family *cf = m->cell = cell_family_of(c->cell);
  const int H = c->hidden_size, L = c->layers;
  m->D = c->bidirectional ? 2 : 1;
  m->ngates = cf->gates;
  m->G = m->ngates * H;
  m->I0 = c->input_size;
  m->seed = (uint64_t)c->seed_hi << 32 | c->seed_lo;
  cell_extra extras[CELL_MAX_EXTRAS];
  const int n_extras = cf->extras ? cf->extras(c, extras) : 0;

  /* reject before allocating: the parameter count in doubles cannot overflow */
  double count = 0;
  for (int l = 0; l < L; l++) {
    double I = l ? (double)m->D * H : m->I0;
    count += m->D * (double)m->G * (I + H + 2);
    for (int e = 0; e < n_extras; e++) count += m->D * (double)extras[e].rows * extras[e].cols;
  }
  count += (double)c->output_size * (m->D * H + 1);
  if (count > RNNLAB_MAX_PARAMS)
    return model_fail(m, RNNLAB_EINVAL,
                      "model too large: about %.0f parameters, the limit is %d: reduce hiddenSize (%d), layers (%d), "
                      "inputSize (%d) or outputSize (%d)",
                      count, RNNLAB_MAX_PARAMS, H, L, c->input_size, c->output_size);

  size_t off = 0;
  char name[32];
  cell_offsets co[RNNLAB_MAX_LAYERS][2];
  int64_t unused = 0;
  for (int l = 0; l < L; l++)
    for (int d = 0; d < m->D; d++) {
      const int I = l ? m->D * H : m->I0;
      const char *sfx = d ? "_reverse" : "";
      cell_offsets *o = &co[l][d];
      snprintf(name, sizeof name, "weight_ih_l%d%s", l, sfx);
      o->Wx = add_tensor(m, &off, name, m->G, I, 1, H);
      snprintf(name, sizeof name, "weight_hh_l%d%s", l, sfx);
      o->Wh = add_tensor(m, &off, name, m->G, H, 1, H);
      snprintf(name, sizeof name, "bias_ih_l%d%s", l, sfx);
      o->bx = add_tensor(m, &off, name, m->G, 1, 0, 0);
      snprintf(name, sizeof name, "bias_hh_l%d%s", l, sfx);
      o->bh = add_tensor(m, &off, name, m->G, 1, 0, 0);
      for (int e = 0; e < n_extras; e++) {
        snprintf(name, sizeof name, "%s_l%d%s", extras[e].name, l, sfx);
        o->extra[e] = add_tensor(m, &off, name, extras[e].rows, extras[e].cols, extras[e].transposed,
                                 extras[e].init_block);
      }
      if (cf->unused) unused += cf->unused(c, I);
    }
  /* a fixed cell (ESN): the recurrent part above is fixed; only the readout below trains */
  m->train_begin = cf->fixed ? off : 0;
  m->n_cell_tensors = m->n_tensors;
  size_t oWy = add_tensor(m, &off, "fc.weight", c->output_size, m->D * H, 1, c->output_size);
  size_t oby = add_tensor(m, &off, "fc.bias", c->output_size, 1, 0, 0);
  m->n_params = off;
  m->trainable = (int64_t)(off - m->train_begin) - unused;
  /* padding floats are not parameters */
  for (int i = 0; i < m->n_tensors; i++)
    if (m->tensors[i].offset >= m->train_begin)
      m->trainable -= (int64_t)(pad4((size_t)m->tensors[i].rows * m->tensors[i].cols) -
                                (size_t)m->tensors[i].rows * m->tensors[i].cols);

  m->params = calloc(m->n_params, sizeof(float));
  m->grads = calloc(m->n_params, sizeof(float));
  if (!m->params || !m->grads) return model_fail(m, RNNLAB_ENOMEM, "out of memory for %zu parameters", m->n_params);
  for (int l = 0; l < L; l++)
    for (int d = 0; d < m->D; d++) {
      cell_offsets *o = &co[l][d];
      for (int k = 0; k < 2; k++) {
        float *base = k ? m->grads : m->params;
        cell_params *p = k ? &m->dP[l][d] : &m->P[l][d];
        p->Wx = base + o->Wx, p->Wh = base + o->Wh, p->bx = base + o->bx, p->bh = base + o->bh;
        p->peep = p->R = p->tau = NULL;
        for (int e = 0; e < n_extras; e++) {
          float **view = extras[e].slot == CELL_EXTRA_PEEP ? &p->peep : extras[e].slot == CELL_EXTRA_TAU ? &p->tau : &p->R;
          *view = base + o->extra[e];
        }
      }
    }
  m->Wy = m->params + oWy, m->by = m->params + oby;
  m->dWy = m->grads + oWy, m->dby = m->grads + oby;
  return RNNLAB_OK;
}

/* ---- create / free ---- */

rnnlab_status rnnlab_model_create(const rnnlab_config *cfg, rnnlab_model **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "out pointer is NULL");
  *out = NULL;
  if (!cfg) return status_fail(err, errlen, RNNLAB_EINVAL, "config is NULL");
  rnnlab_status s = model_check_config(cfg, err, errlen);
  if (s) return s;
  rnnlab_model *m = calloc(1, sizeof *m);
  if (!m) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory");
  s = model_build(m, cfg);
  if (s) {
    status_fail(err, errlen, s, "%s", m->err);
    rnnlab_model_free(m);
    return s;
  }
  model_init_weights(m);
  *out = m;
  return RNNLAB_OK;
}

void rnnlab_model_free(rnnlab_model *m) {
  if (!m) return;
  free(m->params);
  free(m->grads);
  free(m->acts);
  free(m->tok);
  free(m->C[0][0].state_h); /* the state block, allocated once for all (layer, dir) */
  free(m->kept);
  free(m);
}

const char *rnnlab_model_error(const rnnlab_model *m) { return m ? m->err : "model is NULL"; }
const rnnlab_config *rnnlab_model_config(const rnnlab_model *m) { return m ? &m->cfg : NULL; }
int64_t rnnlab_model_param_count(const rnnlab_model *m) { return m ? m->trainable : 0; }
size_t rnnlab_model_arena_bytes(const rnnlab_model *m, int which) {
  if (!m) return 0;
  switch (which) {
  case 0:
  case 1: return m->n_params * sizeof(float);
  case 2: return m->acts ? m->acts_len * sizeof(float) + (size_t)m->cap_T * m->cap_B * sizeof(int32_t) : 0;
  case 3: return m->C[0][0].state_h ? (size_t)m->cfg.layers * m->D * 6 * m->cap_B * m->cfg.hidden_size * sizeof(float) : 0;
  default: return 0;
  }
}
void rnnlab_model_zero_grad(rnnlab_model *m) {
  if (m) memset(m->grads, 0, m->n_params * sizeof(float));
}
void rnnlab_model_reset_state(rnnlab_model *m) {
  if (m) m->state_B = 0;
}

/* ---- activation arena ---- */

static int uses_c(const rnnlab_model *m) { return m->cell->cell_state; }
static int uses_aux(const rnnlab_model *m) { return m->cell->aux; }

/* floats needed for a pass of shape (T, B) */
static double acts_size(const rnnlab_model *m, double T, double B) {
  const double H = m->cfg.hidden_size, G = m->G, DH = m->D * H, V = m->cfg.output_size;
  double per_cell = T * B * G + (T + 1) * B * H * (1 + uses_c(m)) + T * B * H * uses_aux(m) + T * B;
  double n = m->cfg.layers * m->D * per_cell;
  n += T * B * (m->cfg.input_kind == RNNLAB_INPUT_DENSE ? m->I0 : 0);
  n += m->cfg.layers * T * B * DH + 2 * T * B * DH + 2 * T * B * V + T * B + 2 * T * B * G + B * 8 * G;
  return n;
}

static rnnlab_status ensure_acts(rnnlab_model *m, int T, int B) {
  const int H = m->cfg.hidden_size, G = m->G, DH = m->D * H, V = m->cfg.output_size;
  if (B != m->state_B || !m->C[0][0].state_h) { /* carried state and its gradients: (L, D, 6, B, H), survive regrowth */
    if (B > m->cap_B || !m->C[0][0].state_h) {
      float *st = calloc((size_t)m->cfg.layers * m->D * 6 * B * H, sizeof(float));
      if (!st) return model_fail(m, RNNLAB_ENOMEM, "out of memory for the state of batch %d", B);
      free(m->C[0][0].state_h);
      for (int l = 0; l < m->cfg.layers; l++)
        for (int d = 0; d < m->D; d++) {
          cell_cache *cc = &m->C[l][d];
          float *k = st + (size_t)(l * m->D + d) * 6 * B * H;
          const size_t BH = (size_t)B * H;
          cc->state_h = k, cc->state_c = k + BH, cc->dfinal_h = k + 2 * BH, cc->dfinal_c = k + 3 * BH;
          cc->dinit_h = k + 4 * BH, cc->dinit_c = k + 5 * BH;
        }
    }
  }
  if (T <= m->cap_T && B <= m->cap_B && m->acts) return RNNLAB_OK;
  int nT = T > m->cap_T ? T : m->cap_T, nB = B > m->cap_B ? B : m->cap_B;
  double need = acts_size(m, nT, nB);
  if (need > RNNLAB_MAX_ELEMS) { /* retry at exactly the requested shape before refusing */
    nT = T, nB = B, need = acts_size(m, nT, nB);
    if (need > RNNLAB_MAX_ELEMS)
      return model_fail(m, RNNLAB_EINVAL, "batch too large: batchSize %d x length %d needs %.0f MB of activations (limit %d MB)",
                        B, T, need * 4 / 1e6, (int)((double)RNNLAB_MAX_ELEMS * 4 / 1e6));
  }
  float *a = malloc((size_t)need * sizeof(float));
  int32_t *tok = malloc(sizeof(int32_t) * (size_t)nT * nB);
  if (!a || !tok) {
    free(a), free(tok);
    return model_fail(m, RNNLAB_ENOMEM, "out of memory for activations of batch %d x length %d", B, T);
  }
  /* the carried state lives elsewhere; states for a smaller B remain valid */
  cell_cache keep[RNNLAB_MAX_LAYERS][2];
  memcpy(keep, m->C, sizeof keep);
  free(m->acts), free(m->tok);
  m->acts = a, m->tok = tok, m->acts_len = (size_t)need;
  m->cap_T = nT, m->cap_B = nB;
  const size_t TB = (size_t)nT * nB;
  float *p = a;
#define TAKE(n) (p += (n), p - (n))
  for (int l = 0; l < m->cfg.layers; l++)
    for (int d = 0; d < m->D; d++) {
      cell_cache *c = &m->C[l][d];
      c->gates = TAKE(TB * G);
      c->h = TAKE((nT + 1) * (size_t)nB * H);
      c->c = uses_c(m) ? TAKE((nT + 1) * (size_t)nB * H) : NULL;
      c->aux = uses_aux(m) ? TAKE(TB * H) : NULL;
      c->gradnorm = TAKE(TB);
      c->state_h = keep[l][d].state_h, c->state_c = keep[l][d].state_c;
      c->dfinal_h = keep[l][d].dfinal_h, c->dfinal_c = keep[l][d].dfinal_c;
      c->dinit_h = keep[l][d].dinit_h, c->dinit_c = keep[l][d].dinit_c;
    }
  m->X0 = m->cfg.input_kind == RNNLAB_INPUT_DENSE ? TAKE(TB * m->I0) : NULL;
  for (int l = 0; l < m->cfg.layers; l++) m->Y[l] = TAKE(TB * DH);
  m->dY = TAKE(TB * DH);
  m->dYlow = TAKE(TB * DH);
  m->out = TAKE(TB * V);
  m->dout = TAKE(TB * V);
  m->tmask = TAKE(TB);
  m->dpre = TAKE(TB * G);
  m->dpre2 = TAKE(TB * G);
  m->scratch = TAKE((size_t)nB * 8 * G);
#undef TAKE
  m->last_T = m->last_B = 0; /* caches were lost */
  return RNNLAB_OK;
}

/* Room for a carried state of batch B (and a pass of (1, B)); serialize.c's load then writes the
 * rows and sets state_B. */
rnnlab_status model_reserve_state(rnnlab_model *m, int B) { return ensure_acts(m, 1, B); }

/* What a pass of (B, T) would add to the arenas (ensure_acts, same growth rule): the activations
 * and tokens at the grown capacity, the carried-state block when B passes the capacity. The
 * activations are allocated before the old ones are freed, so this is also the peak increase. */
double rnnlab_model_pass_bytes(const rnnlab_model *m, int32_t B, int32_t T) {
  if (!m || B < 1 || T < 1) return 0;
  double bytes = 0;
  if (B > m->cap_B || !m->C[0][0].state_h) bytes += (double)m->cfg.layers * m->D * 6 * B * m->cfg.hidden_size * sizeof(float);
  if (!(T <= m->cap_T && B <= m->cap_B && m->acts)) {
    double nT = T > m->cap_T ? T : m->cap_T, nB = B > m->cap_B ? B : m->cap_B;
    double need = acts_size(m, nT, nB);
    if (need > RNNLAB_MAX_ELEMS) nT = T, nB = B, need = acts_size(m, nT, nB);
    bytes += need * sizeof(float) + nT * nB * sizeof(int32_t);
  }
  return bytes;
}

rnnlab_status rnnlab_model_reserve(rnnlab_model *m, int32_t B, int32_t T) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
  if (B < 1 || T < 1 || (double)B * T > RNNLAB_MAX_ELEMS)
    return model_fail(m, RNNLAB_EINVAL, "reserve: batchSize %d x length %d is out of range", (int)B, (int)T);
  const int regrown = B > m->cap_B || !m->C[0][0].state_h; /* the state block is made anew */
  rnnlab_status s = ensure_acts(m, T, B);
  if (s == RNNLAB_OK && regrown) m->state_B = 0;
  return s;
}

rnnlab_status model_copy_state(rnnlab_model *dst, const rnnlab_model *src, int B) {
  if (src->state_B != B) return model_fail(dst, RNNLAB_ESTATE, "no carried state of batch %d to copy", B);
  rnnlab_status s = ensure_acts(dst, 1, B);
  if (s) return s;
  const size_t BH = (size_t)B * dst->cfg.hidden_size;
  for (int l = 0; l < dst->cfg.layers; l++) {
    memcpy(dst->C[l][0].state_h, src->C[l][0].state_h, sizeof(float) * BH);
    memcpy(dst->C[l][0].state_c, src->C[l][0].state_c, sizeof(float) * BH);
  }
  dst->state_B = B;
  return RNNLAB_OK;
}

/* The carried state set aside and put back (rnnlab.h). Only the forward direction carries a
 * state (model_pass), so only its (h, c) rows per layer are kept. The state block may be
 * reallocated for a larger batch between keep and restore (ensure_acts); it only ever grows, so
 * its rows still hold kept_B rows. */
rnnlab_status rnnlab_model_keep_state(rnnlab_model *m) {
  if (!m) return RNNLAB_EINVAL;
  m->kept_B = 0;
  if (!m->state_B || !m->C[0][0].state_h) return RNNLAB_OK; /* nothing carried: restore clears */
  const size_t BH = (size_t)m->state_B * m->cfg.hidden_size, need = (size_t)m->cfg.layers * 2 * BH;
  if (need > m->kept_cap) {
    float *k = realloc(m->kept, sizeof(float) * need);
    if (!k) return model_fail(m, RNNLAB_ENOMEM, "out of memory keeping the carried state of batch %d", m->state_B);
    m->kept = k, m->kept_cap = need;
  }
  for (int l = 0; l < m->cfg.layers; l++) {
    memcpy(m->kept + (size_t)l * 2 * BH, m->C[l][0].state_h, sizeof(float) * BH);
    memcpy(m->kept + (size_t)l * 2 * BH + BH, m->C[l][0].state_c, sizeof(float) * BH);
  }
  m->kept_B = m->state_B;
  return RNNLAB_OK;
}

void rnnlab_model_restore_state(rnnlab_model *m) {
  if (!m) return;
  m->state_B = 0;
  if (!m->kept_B || !m->C[0][0].state_h) return;
  const size_t BH = (size_t)m->kept_B * m->cfg.hidden_size;
  for (int l = 0; l < m->cfg.layers; l++) {
    memcpy(m->C[l][0].state_h, m->kept + (size_t)l * 2 * BH, sizeof(float) * BH);
    memcpy(m->C[l][0].state_c, m->kept + (size_t)l * 2 * BH + BH, sizeof(float) * BH);
  }
  m->state_B = m->kept_B;
}

/* ---- batches ---- */

rnnlab_status model_check_batch(rnnlab_model *m, const rnnlab_batch *b) {
  const rnnlab_config *c = &m->cfg;
  if (!b) return model_fail(m, RNNLAB_EINVAL, "batch is NULL");
  if (b->batch < 1) return model_fail(m, RNNLAB_EINVAL, "batch.batchSize must be >= 1, got %d", b->batch);
  if (b->length < 1) return model_fail(m, RNNLAB_EINVAL, "batch.length must be >= 1, got %d", b->length);
  if ((double)b->batch * b->length > RNNLAB_MAX_ELEMS)
    return model_fail(m, RNNLAB_EINVAL, "batch too large: batchSize %d x length %d", b->batch, b->length);
  const size_t n = (size_t)b->batch * b->length;
  if (c->input_kind == RNNLAB_INPUT_ONEHOT) {
    if (!b->tokens) return model_fail(m, RNNLAB_EINVAL, "batch.inputs: token ids are required for one-hot input");
    for (size_t i = 0; i < n; i++)
      if (b->tokens[i] < 0 || b->tokens[i] >= c->input_size)
        return model_fail(m, RNNLAB_EINVAL, "batch.inputs[%zu] = %d is out of range for inputSize %d", i, b->tokens[i], c->input_size);
  } else {
    if (!b->inputs) return model_fail(m, RNNLAB_EINVAL, "batch.inputs: float vectors are required for dense input");
    for (size_t i = 0; i < n * c->input_size; i++)
      if (!finite(b->inputs[i])) return model_fail(m, RNNLAB_ENONFINITE, "batch.inputs[%zu] is %s", i, b->inputs[i] != b->inputs[i] ? "NaN" : "infinite");
  }
  if (c->output_kind == RNNLAB_OUTPUT_SOFTMAX) {
    if (b->target_ids)
      for (size_t i = 0; i < n; i++)
        if (b->target_ids[i] < -1 || b->target_ids[i] >= c->output_size)
          return model_fail(m, RNNLAB_EINVAL, "batch.targets[%zu] = %d is out of range for outputSize %d (-1 = no target)", i, b->target_ids[i], c->output_size);
  } else if (b->targets) {
    for (size_t i = 0; i < n * c->output_size; i++)
      if (!finite(b->targets[i])) return model_fail(m, RNNLAB_ENONFINITE, "batch.targets[%zu] is %s", i, b->targets[i] != b->targets[i] ? "NaN" : "infinite");
  }
  if (b->mask)
    for (size_t i = 0; i < n; i++)
      if (!finite(b->mask[i]) || b->mask[i] < 0) return model_fail(m, RNNLAB_EINVAL, "batch.mask[%zu] must be finite and >= 0", i);
  return RNNLAB_OK;
}

int model_has_targets(const rnnlab_model *m, const rnnlab_batch *b) {
  return m->cfg.output_kind == RNNLAB_OUTPUT_SOFTMAX ? b->target_ids != NULL : b->targets != NULL;
}

/* ---- shared cell helpers ---- */

void cell_project_input(const cell_ctx *x, float *pre, int add_bh) {
  const int G = x->m->G, TB = x->T * x->B;
  if (x->tok) { /* one-hot: a row gather */
    k_onehot_gather(pre, x->tok, x->p->Wx, x->p->bx, add_bh ? x->p->bh : NULL, TB, G);
    return;
  }
  for (int r = 0; r < TB; r++) {
    float *row = pre + (size_t)r * G;
    memset(row, 0, sizeof(float) * G);
    for (int j = 0; j < G; j++) row[j] += x->p->bx[j];
    if (add_bh)
      for (int j = 0; j < G; j++) row[j] += x->p->bh[j];
  }
  k_gemm_nn(TB, G, x->I, x->X, x->I, x->p->Wx, G, pre, G);
}

void cell_project_input_backward(const cell_ctx *x, const float *dpre, int add_bh, float *dX, int ldx) {
  const int G = x->m->G, TB = x->T * x->B;
  for (int r = 0; r < TB; r++) {
    const float *row = dpre + (size_t)r * G;
    for (int j = 0; j < G; j++) x->dp->bx[j] += row[j];
    if (add_bh)
      for (int j = 0; j < G; j++) x->dp->bh[j] += row[j];
    if (x->tok) {
      float *w = x->dp->Wx + (size_t)x->tok[r] * G;
      for (int j = 0; j < G; j++) w[j] += row[j];
    }
  }
  if (!x->tok) k_gemm_tn(x->I, G, TB, x->X, x->I, dpre, G, x->dp->Wx, G);
  if (dX) k_gemm_nt(TB, x->I, G, dpre, G, x->p->Wx, G, dX, ldx);
}

void cell_record_gradnorm(const cell_ctx *x, int t, const float *dh) {
  const int H = x->m->cfg.hidden_size;
  for (int b = 0; b < x->B; b++) {
    float s = 0;
    for (int j = 0; j < H; j++) s += dh[(size_t)b * H + j] * dh[(size_t)b * H + j];
    x->c->gradnorm[(size_t)t * x->B + b] = sqrtf(s);
  }
}

/* ---- the pass ---- */

rnnlab_status model_pass(rnnlab_model *m, const rnnlab_batch *b, int t0, int T, int carry, int do_backward,
                         float *outputs, float *loss_out) {
  const rnnlab_config *c = &m->cfg;
  const int B = b->batch, H = c->hidden_size, D = m->D, DH = D * H, V = c->output_size, Tall = b->length;
  if (carry && m->state_B != B) carry = 0; /* no state for this batch size yet: start from zeros */
  rnnlab_status s = ensure_acts(m, T, B);
  if (s) return s;
  const size_t TB = (size_t)T * B, BH = (size_t)B * H;

  /* layer-0 input, time-major */
  for (int t = 0; t < T; t++)
    for (int bi = 0; bi < B; bi++) {
      size_t src = (size_t)bi * Tall + t0 + t, dst = (size_t)t * B + bi;
      if (c->input_kind == RNNLAB_INPUT_ONEHOT) m->tok[dst] = b->tokens[src];
      else memcpy(m->X0 + dst * m->I0, b->inputs + src * m->I0, sizeof(float) * m->I0);
    }

  cell_ctx ctx[RNNLAB_MAX_LAYERS][2];
  for (int l = 0; l < c->layers; l++) {
    for (int d = 0; d < D; d++) {
      cell_ctx *x = &ctx[l][d];
      cell_cache *cc = &m->C[l][d];
      x->m = m, x->layer = l, x->dir = d, x->T = T, x->B = B;
      x->I = l ? DH : m->I0;
      x->X = l ? m->Y[l - 1] : m->X0;
      x->tok = (l == 0 && c->input_kind == RNNLAB_INPUT_ONEHOT) ? m->tok : NULL;
      x->p = &m->P[l][d], x->dp = &m->dP[l][d], x->c = cc;
      /* initial state: carried (forward direction only; the reverse pass starts at the end) */
      float *h0 = cc->h + (size_t)(d ? T : 0) * BH, *c0 = cc->c ? cc->c + (size_t)(d ? T : 0) * BH : NULL;
      if (carry && d == 0) {
        memcpy(h0, cc->state_h, sizeof(float) * BH);
        if (c0) memcpy(c0, cc->state_c, sizeof(float) * BH);
      } else {
        memset(h0, 0, sizeof(float) * BH);
        if (c0) memset(c0, 0, sizeof(float) * BH);
      }
      m->cell->forward(x);
      if (d == 0) { /* keep the final state for carry_state */
        memcpy(cc->state_h, cc->h + (size_t)T * BH, sizeof(float) * BH);
        if (cc->c) memcpy(cc->state_c, cc->c + (size_t)T * BH, sizeof(float) * BH);
      }
      for (int t = 0; t < T; t++)
        for (int bi = 0; bi < B; bi++)
          memcpy(m->Y[l] + ((size_t)t * B + bi) * DH + (size_t)d * H, slot_out(cc->h, x, t) + (size_t)bi * H, sizeof(float) * H);
    }
  }
  m->state_B = B;

  float loss = model_readout(m, b, t0, T, B, do_backward);
  if (!(loss == loss) || loss - loss != 0) {
    m->last_T = m->last_B = 0;
    return model_fail(m, RNNLAB_ENONFINITE, "the loss is not finite (%g): the weights or the learning rate have diverged", loss);
  }
  if (loss_out) *loss_out = loss;
  if (outputs)
    for (int t = 0; t < T; t++)
      for (int bi = 0; bi < B; bi++)
        memcpy(outputs + ((size_t)bi * Tall + t0 + t) * V, m->out + ((size_t)t * B + bi) * V, sizeof(float) * V);
  m->last_T = T, m->last_B = B, m->have_backward = 0;
  if (!do_backward) {
    for (int l = 0; l < c->layers; l++)
      for (int d = 0; d < D; d++) memset(m->C[l][d].gradnorm, 0, sizeof(float) * TB);
    return RNNLAB_OK;
  }

  /* readout backward: dWy += Ytop^T dout, dby += colsum(dout), dY = dout Wy^T */
  const float *Ytop = m->Y[c->layers - 1];
  k_gemm_tn(DH, V, (int)TB, Ytop, DH, m->dout, V, m->dWy, V);
  for (size_t r = 0; r < TB; r++)
    for (int v = 0; v < V; v++) m->dby[v] += m->dout[r * V + v];
  memset(m->dY, 0, sizeof(float) * TB * DH);
  k_gemm_nt((int)TB, DH, V, m->dout, V, m->Wy, V, m->dY, DH);
  if (m->ext_dY)
    for (size_t i = 0; i < TB * DH; i++) m->dY[i] += m->ext_dY[i];

  for (int l = c->layers - 1; l >= 0; l--) {
    float *dX = NULL;
    if (l > 0) {
      dX = m->dYlow;
      memset(dX, 0, sizeof(float) * TB * DH);
    }
    for (int d = 0; d < D; d++) m->cell->backward(&ctx[l][d], m->dY + (size_t)d * H, DH, dX, DH);
    if (l > 0) {
      float *tmp = m->dY;
      m->dY = m->dYlow, m->dYlow = tmp;
    }
  }
  m->have_backward = 1;
  return RNNLAB_OK;
}

/* ---- stepping (internal.h) ---- */

rnnlab_status model_steps_begin(rnnlab_model *m, int T, int B) {
  rnnlab_status s = ensure_acts(m, T, B);
  m->last_T = m->last_B = 0;
  return s;
}

float *model_slot(rnnlab_model *m, int layer, int cell_state, int t, int B) {
  cell_cache *cc = &m->C[layer][0];
  float *base = cell_state ? cc->c : cc->h;
  return base ? base + (size_t)t * B * m->cfg.hidden_size : NULL;
}

/* the (layer, forward direction) context of the one step t: a cache whose slot 0 is the state
 * before t, so the cell's own loop over T = 1 reads and writes the right rows */
static void step_ctx(rnnlab_model *m, int l, int t, int B, cell_ctx *x, cell_cache *cc) {
  const int H = m->cfg.hidden_size, G = m->G, onehot = m->cfg.input_kind == RNNLAB_INPUT_ONEHOT;
  const cell_cache *full = &m->C[l][0];
  *cc = *full;
  cc->gates = full->gates + (size_t)t * B * G;
  cc->h = full->h + (size_t)t * B * H;
  cc->c = full->c ? full->c + (size_t)t * B * H : NULL;
  cc->aux = full->aux ? full->aux + (size_t)t * B * H : NULL;
  cc->gradnorm = full->gradnorm + (size_t)t * B;
  memset(x, 0, sizeof *x);
  x->m = m, x->layer = l, x->dir = 0, x->T = 1, x->B = B;
  x->I = l ? H : m->I0;
  x->X = l ? m->Y[l - 1] + (size_t)t * B * H : onehot ? NULL : m->X0 + (size_t)t * B * m->I0;
  x->tok = l == 0 && onehot ? m->tok + (size_t)t * B : NULL;
  x->p = &m->P[l][0], x->dp = &m->dP[l][0], x->c = cc;
}

void model_step_forward(rnnlab_model *m, int t, int B) {
  const int H = m->cfg.hidden_size;
  for (int l = 0; l < m->cfg.layers; l++) {
    cell_ctx x;
    cell_cache cc;
    step_ctx(m, l, t, B, &x, &cc);
    m->cell->forward(&x);
    memcpy(m->Y[l] + (size_t)t * B * H, cc.h + (size_t)B * H, sizeof(float) * B * H);
  }
}

void model_step_backward(rnnlab_model *m, int t, int B, const float *dtop, float *carry, float *dx0) {
  const int H = m->cfg.hidden_size, L = m->cfg.layers;
  const size_t BH = (size_t)B * H;
  float *dY = m->dY, *dX = m->dYlow; /* (B,H) each: this layer's output gradient, the one below's */
  memcpy(dY, dtop, sizeof(float) * BH);
  m->inject_final_grad = 1;
  for (int l = L - 1; l >= 0; l--) {
    cell_ctx x;
    cell_cache cc;
    step_ctx(m, l, t, B, &x, &cc);
    cc.dfinal_h = cc.dinit_h = carry + (size_t)l * 2 * BH; /* read at the start, written at the end */
    cc.dfinal_c = cc.dinit_c = carry + (size_t)l * 2 * BH + BH;
    float *dx = l ? dX : dx0;
    if (l) memset(dX, 0, sizeof(float) * BH);
    m->cell->backward(&x, dY, H, dx, x.I);
    if (l) {
      float *tmp = dY;
      dY = dX, dX = tmp;
    }
  }
  m->inject_final_grad = 0;
}

/* ---- public passes ---- */

rnnlab_status rnnlab_model_forward(rnnlab_model *m, const rnnlab_batch *b, float *outputs, float *loss) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
  rnnlab_status s = model_check_batch(m, b);
  if (s) return s;
  return model_pass(m, b, 0, b->length, b->carry_state, 0, outputs, loss);
}

rnnlab_status rnnlab_model_backward(rnnlab_model *m, const rnnlab_batch *b, float *loss) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
  rnnlab_status s = model_check_batch(m, b);
  if (s) return s;
  if (!model_has_targets(m, b)) return model_fail(m, RNNLAB_EINVAL, "batch.targets are required for backward");
  rnnlab_model_zero_grad(m); /* the gradient contract (rnnlab.h): exactly this batch's gradients */
  return model_pass(m, b, 0, b->length, b->carry_state, 1, NULL, loss);
}

rnnlab_status rnnlab_model_trace_pass(rnnlab_model *m, const rnnlab_batch *b, float *loss) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
  rnnlab_status s = model_check_batch(m, b);
  if (s) return s;
  s = rnnlab_model_keep_state(m);
  if (s) return s;
  rnnlab_model_zero_grad(m);
  s = model_pass(m, b, 0, b->length, b->carry_state, model_has_targets(m, b), NULL, loss);
  rnnlab_model_restore_state(m);
  return s;
}

/* ---- tensors ---- */

int rnnlab_model_tensor_count(const rnnlab_model *m) { return m ? m->n_tensors : 0; }
const char *rnnlab_model_tensor_name(const rnnlab_model *m, int i) {
  return m && i >= 0 && i < m->n_tensors ? m->tensors[i].name : NULL;
}
int rnnlab_model_tensor_rows(const rnnlab_model *m, int i) { return m && i >= 0 && i < m->n_tensors ? m->tensors[i].rows : 0; }
int rnnlab_model_tensor_cols(const rnnlab_model *m, int i) { return m && i >= 0 && i < m->n_tensors ? m->tensors[i].cols : 0; }

rnnlab_status rnnlab_model_get_tensor(rnnlab_model *m, int idx, int which, float *out) {
  if (!m) return RNNLAB_EINVAL;
  if (idx < 0 || idx >= m->n_tensors) return model_fail(m, RNNLAB_EINVAL, "tensor index %d out of range [0, %d)", idx, m->n_tensors);
  if (which != 0 && which != 1) return model_fail(m, RNNLAB_EINVAL, "which must be 0 (weights) or 1 (gradients)");
  const tensor_info *t = &m->tensors[idx];
  const float *src = (which ? m->grads : m->params) + t->offset;
  for (int r = 0; r < t->rows; r++)
    for (int c = 0; c < t->cols; c++)
      out[(size_t)r * t->cols + c] = t->transposed ? src[(size_t)c * t->rows + r] : src[(size_t)r * t->cols + c];
  return RNNLAB_OK;
}

rnnlab_status rnnlab_model_set_tensor(rnnlab_model *m, int idx, const float *in) {
  if (!m) return RNNLAB_EINVAL;
  if (idx < 0 || idx >= m->n_tensors) return model_fail(m, RNNLAB_EINVAL, "tensor index %d out of range [0, %d)", idx, m->n_tensors);
  const tensor_info *t = &m->tensors[idx];
  const size_t n = (size_t)t->rows * t->cols;
  for (size_t i = 0; i < n; i++)
    if (!finite(in[i])) return model_fail(m, RNNLAB_ENONFINITE, "%s[%zu] is not finite", t->name, i);
  float *dst = m->params + t->offset;
  for (int r = 0; r < t->rows; r++)
    for (int c = 0; c < t->cols; c++)
      dst[t->transposed ? (size_t)c * t->rows + r : (size_t)r * t->cols + c] = in[(size_t)r * t->cols + c];
  if (m->cell->fix) m->cell->fix(m);
  return RNNLAB_OK;
}

/* ---- trace ---- */

int rnnlab_model_trace_batch(const rnnlab_model *m) { return m ? m->last_B : 0; }
int rnnlab_model_trace_length(const rnnlab_model *m) { return m ? m->last_T : 0; }

rnnlab_status rnnlab_model_trace(rnnlab_model *m, int layer, int dir, int what, float *out) {
  if (!m) return RNNLAB_EINVAL;
  if (!m->last_T) return model_fail(m, RNNLAB_ESTATE, "no pass to trace: run forward or backward first");
  if (layer < 0 || layer >= m->cfg.layers) return model_fail(m, RNNLAB_EINVAL, "layer %d out of range [0, %d)", layer, m->cfg.layers);
  if (dir < 0 || dir >= m->D) return model_fail(m, RNNLAB_EINVAL, "dir %d out of range [0, %d)", dir, m->D);
  const int T = m->last_T, B = m->last_B, H = m->cfg.hidden_size;
  cell_cache *cc = &m->C[layer][dir];
  cell_ctx x = {0};
  x.m = m, x.dir = dir, x.T = T, x.B = B;
  int w;
  for (int t = 0; t < T; t++)
    for (int b = 0; b < B; b++) {
      const size_t r = (size_t)t * B + b, o = (size_t)b * T + t;
      switch (what) {
      case RNNLAB_TRACE_GATES: w = m->G; memcpy(out + o * w, cc->gates + r * w, sizeof(float) * w); break;
      case RNNLAB_TRACE_CELL:
        if (cc->c) memcpy(out + o * H, slot_out(cc->c, &x, t) + (size_t)b * H, sizeof(float) * H);
        else memset(out + o * H, 0, sizeof(float) * H);
        break;
      case RNNLAB_TRACE_HIDDEN: memcpy(out + o * H, slot_out(cc->h, &x, t) + (size_t)b * H, sizeof(float) * H); break;
      case RNNLAB_TRACE_GRADNORM: out[o] = cc->gradnorm[r]; break;
      case RNNLAB_TRACE_OUTPUTS: w = m->cfg.output_size; memcpy(out + o * w, m->out + r * w, sizeof(float) * w); break;
      default: return model_fail(m, RNNLAB_EINVAL, "unknown trace quantity %d", what);
      }
    }
  return RNNLAB_OK;
}
