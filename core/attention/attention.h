/* attention/attention.h - the attention layer of an encoder-decoder: its parameters (an arena of
 * their own) and one decoder step's scores, weights and context, forward and backward.
 *
 *   additive (Bahdanau et al. 2014):  e_j = v . tanh(W_a q + U_a h_j),  q = s_{u-1}
 *   dot (Luong et al. 2015):          e_j = q . h_j,                    q = s_u
 *   general (Luong):                  e_j = q . (W_a h_j)
 *   alpha = softmax over the source's symbols (PAD positions: exactly 0),  ctx = sum_j alpha_j h_j
 *   Luong's attentional state:        ht = tanh(W_c [ctx ; s_u])
 * The parts of e_j that do not depend on q are the keys K_j, made once per batch (U_a h_j,
 * W_a h_j, or h_j itself). Weights are stored transposed (internal.h): the products are
 * row-major GEMMs with the output axis contiguous.
 */
#ifndef RNNLAB_ATTENTION_H
#define RNNLAB_ATTENTION_H

#include "internal.h"

typedef struct {
  int form;     /* rnnlab_attention */
  int Hd, C, A; /* decoder state, encoder output, additive attention widths */
  size_t n;     /* floats in the arena (0 for none) */
  float *params, *grads;
  /* views (NULL when the form has none): WaT (Hd,A) additive / (C,Hd) general, UaT (C,A), v (A), WcT (C+Hd,Hd) */
  float *Wa, *Ua, *v, *Wc, *dWa, *dUa, *dv, *dWc;
  tensor_info tensors[3];
  int n_tensors;
} attn_params;

/* Builds the arena and initialises it like PyTorch's nn.Linear, U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
 * from seed. Returns RNNLAB_ENOMEM (nothing to free) on failure. */
rnnlab_status attn_params_init(attn_params *a, int form, int Hd, int C, uint64_t seed);
void attn_params_free(attn_params *a);
int attn_key_width(const attn_params *a); /* floats per key: A, Hd, or C (dot: the keys are E) */
int attn_is_luong(const attn_params *a);  /* dot or general: scores from s_u, output through W_c */

/* K (R, key width) = the keys of R encoder outputs E (R, C); not for dot. */
void attn_keys(const attn_params *a, const float *E, int R, float *K);
/* dK -> dE (R, C) += and the key weights' gradients += */
void attn_keys_backward(const attn_params *a, const float *E, int R, const float *dK, float *dE);

/* One step over B rows. Row b attends to source row b (or to row 0 of E/K/mask when shared: the
 * hypotheses of one source in a beam). q (B, Hd); K (rows, key width); mask (rows, S), 1 = a
 * symbol. Writes alpha (B,S) and ctx (B,C); tc (B,S,A) keeps the additive form's tanh for the
 * backward; scratch (B, A). */
void attn_forward(const attn_params *a, int B, int S, int shared, const float *q, const float *E, const float *K,
                  const uint8_t *mask, float *alpha, float *ctx, float *tc, float *scratch);
/* The step's backward from dctx (B,C): dq (B,Hd) +=, dE (B,S,C) +=, dK (B,S,key width) +=, the
 * weights' gradients +=. Not shared. scratch (B, S + A). */
void attn_backward(const attn_params *a, int B, int S, const float *q, const float *E, const float *K,
                   const uint8_t *mask, const float *alpha, const float *tc, const float *dctx, float *dq, float *dE,
                   float *dK, float *scratch);

/* Luong's output: ht (B,Hd) = tanh(cat WcT), cat (B, C+Hd) = [ctx ; s]. */
void attn_output(const attn_params *a, int B, const float *cat, float *ht);
/* dht (B,Hd) -> dcat (B, C+Hd) (overwritten), dWc +=; scratch (B,Hd) */
void attn_output_backward(const attn_params *a, int B, const float *cat, const float *ht, const float *dht,
                          float *dcat, float *scratch);

#endif
