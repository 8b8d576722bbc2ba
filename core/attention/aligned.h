/* attention/aligned.h - the aligned encoder-decoder (rnnlab.h, rnnlab_seq2seq_create_attention):
 * the encoder over each source's symbols only, the decoder stepped one step at a time with the
 * attention layer between them. seq2seq.c hands a seq2seq with s->al to these; serialize.c saves
 * the attention arena after the two model images. */
#ifndef RNNLAB_ALIGNED_H
#define RNNLAB_ALIGNED_H

#include "attention/attention.h"

typedef struct aligned {
  attn_params att;
  optimizer opt;      /* over att's arena; made with the halves' trainers */
  int have_opt;
  int B, S, U;        /* shape of the last pass (0: none) */
  float *f;           /* the float buffers below, one block sized for (cap_B, cap_S, cap_U) */
  size_t f_len;
  int32_t *i;         /* the int buffers */
  size_t i_len;
  float *E, *K, *dE, *dK, *alpha, *ctx, *tc, *cat, *dZ, *carry, *dtop, *dsn, *dx0, *dcat, *dctx, *scr, *gdY, *probs;
  uint8_t *mask;
  int32_t *len, *order, *gtok, *pos;
} aligned;

/* s->enc and s->dec exist (made for the aligned model); builds s->al. */
rnnlab_status aligned_create(rnnlab_seq2seq *s, int form);
void aligned_free(aligned *al);
/* Teacher-forced pass on dec_in (with teacher forcing tf < 1: the model's own argmax where a coin
 * says so, the inputs used left in s->in); backward: gradients added to the halves and the layer. */
rnnlab_status aligned_pass(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, int backward, float tf, float *outputs,
                           float *loss);
rnnlab_status aligned_greedy(rnnlab_seq2seq *s, const int32_t *src, int B, int S, int bos, int eos, int max_len,
                             int32_t *out, int32_t *lengths);
rnnlab_status aligned_decode(rnnlab_seq2seq *s, const int32_t *src, int S, int bos, const rnnlab_decode_config *dc,
                             int32_t *tokens, int32_t *lengths, float *log_probs, float *scores, int32_t *count);
rnnlab_status aligned_align(rnnlab_seq2seq *s, const int32_t *src, int S, int bos, const int32_t *tokens, int len, float *out);
param_arena aligned_arena(aligned *al);

#endif
