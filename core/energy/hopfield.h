/* energy/hopfield.h - the Hopfield network's private layout (core/energy/hopfield.c only; never
 * installed). The public API is the hopfield section of rnnlab.h.
 *
 * One block of weights W (N,N), symmetric with a zero diagonal, and the biases b (N); the stored
 * patterns are kept (P,N) as int8 +-1, so recall can report overlaps with each and name the
 * state it landed in. Fields h = W s are accumulated in double: for Hebbian weights (multiples of
 * float(1/N) within a few binades) every such sum is exact, so the fields updated flip by flip
 * equal the fields computed from scratch, bit for bit, on every platform.
 */
#ifndef RNNLAB_ENERGY_HOPFIELD_H
#define RNNLAB_ENERGY_HOPFIELD_H

#include "internal.h"

struct rnnlab_hopfield {
  int32_t N;            /* units */
  int32_t rule;         /* rnnlab_hopfield_rule */
  int32_t bias_mode;    /* rnnlab_hopfield_bias: what b is now */
  int32_t bias_initial; /* the mode at creation, which rnnlab_hopfield_clear restores */
  uint64_t seed;        /* the default recall seed */
  int32_t steps;        /* store calls that stored at least one pattern */

  float *W;       /* (N,N) row-major, W[i*N+j] = W[j*N+i], W[i*N+i] = 0 */
  float *b;       /* (N) */
  int32_t *colsum;/* (N) sum over the stored patterns of x_i: the mean bias, exactly */
  int8_t *X;      /* (P,N) stored patterns, +-1 */
  int32_t P;      /* patterns stored */
  size_t cap_P;   /* rows allocated in X */

  /* scratch of one recall, sized N at creation: nothing allocates inside a sweep */
  double *h;      /* (N) fields W s */
  double *h2;     /* (N) Storkey's fields of the pattern being stored */
  int8_t *s, *s1, *s2; /* (N) state; sync: the states one and two sweeps back */
  int32_t *order; /* (N) the visiting order of an asynchronous sweep */

  /* the record of the last recall with record = 1 (grown by doubling, never shrunk) */
  float *tr_energy;  /* (1 + updates) energy before the first update, then after each */
  size_t cap_energy;
  int32_t n_energy;
  int32_t *tr_flips; /* (n_flips, 3): [update index, unit, new value] of every unit that changed */
  size_t cap_flips;
  int32_t n_flips;

  char err[ERRLEN];
};

/* Shared by hopfield.c, hopfield_recall.c and hopfield_file.c (one network split by idea):
 *   hop_fail       the message into h->err, returns st
 *   hop_mix        a seed mixed with two words: independent streams for (what, index)
 *   hop_bad_value  the first index whose value is not +-1 (or 0 when allowed), else -1
 *   hop_check_state / hop_check_recall_config / hop_check_weights   argument checks by name
 *   hop_fields     f = W s + b in double;  hop_fields_add  f += W[u] * dv
 *   hop_energy_from_fields  E(s) from its fields;  hop_to_int8  the signs of v as int8
 *   hop_run        the recall dynamics of the config into r (hopfield.c) */
rnnlab_status hop_fail(rnnlab_hopfield *h, rnnlab_status st, const char *fmt, ...);
uint64_t hop_mix(uint64_t seed, uint64_t a, uint64_t b);
int64_t hop_bad_value(const float *v, size_t n, int allow_zero);
rnnlab_status hop_check_state(rnnlab_hopfield *h, const char *name, const float *s);
rnnlab_status hop_check_recall_config(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc);
void hop_fields(const rnnlab_hopfield *h, const int8_t *s, double *f);
double hop_energy_from_fields(const rnnlab_hopfield *h, const int8_t *s, const double *f);
void hop_fields_add(const rnnlab_hopfield *h, double *f, int u, int dv);
void hop_to_int8(const float *v, int8_t *s, int N);
rnnlab_status hop_check_weights(rnnlab_hopfield *h, const float *w, const char *name);
rnnlab_status hop_run(rnnlab_hopfield *h, const rnnlab_hopfield_recall_config *rc, int record, int have_fields,
                      int exact_final, rnnlab_hopfield_recall_result *r);

#endif
