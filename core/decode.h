/* decode.h - the search's step abstraction, for steppers outside decode.c (the attention
 * decoder, attention/aligned.c). decode.c owns the searches; a stepper owns how one step is taken.
 */
#ifndef RNNLAB_DECODE_H
#define RNNLAB_DECODE_H

#include "internal.h"

typedef struct { char *buf; size_t len; } errbuf;

typedef struct stepper stepper;
struct stepper {
  int V, S;  /* vocabulary, floats of state per hypothesis */
  errbuf e;
  /* log-probs after the empty prefix (V) and the initial state (S) */
  rnnlab_status (*start)(stepper *st, float *state, float *logp);
  /* n hypotheses, row i = prefixes + i*ld (plen >= 1 tokens, the last one new), state (n,S) of
   * each before its last token, updated in place; logp (n,V) out */
  rnnlab_status (*advance)(stepper *st, int n, const int32_t *prefixes, int ld, int plen, float *state, float *logp);
};

/* Checks a distribution p (V) and writes log(p_v / sum p) into logp (-inf where p_v = 0);
 * who and plen name the source in messages. The same log everywhere (no libm). */
rnnlab_status to_logp(const float *p, int V, float *logp, errbuf e, const char *who, int plen);
/* Everything of a decode config but the vocabulary's own limits; S = floats of state per hypothesis. */
rnnlab_status check_decode(const rnnlab_decode_config *dc, int S, errbuf e);
/* Runs dc's search over st; results as rnnlab_model_generate's. */
rnnlab_status run_search(stepper *st, const rnnlab_decode_config *dc, int32_t *tokens, int32_t *lengths,
                         float *log_probs, float *scores, int32_t *count);

#endif
