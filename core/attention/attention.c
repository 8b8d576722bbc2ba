/* attention/attention.c - the attention layer's parameters and one step's math (attention.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attention/attention.h"
#include "kernels/kernels.h"

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

static void add(attn_params *a, size_t *off, const char *name, int rows, int cols, int transposed) {
  tensor_info *t = &a->tensors[a->n_tensors++];
  snprintf(t->name, sizeof t->name, "%s", name);
  t->offset = *off, t->rows = rows, t->cols = cols, t->transposed = transposed, t->init_block = 0;
  *off += pad4((size_t)rows * cols);
}

rnnlab_status attn_params_init(attn_params *a, int form, int Hd, int C, uint64_t seed) {
  memset(a, 0, sizeof *a);
  a->form = form, a->Hd = Hd, a->C = C, a->A = Hd;
  size_t off = 0;
  if (form == RNNLAB_ATTENTION_ADDITIVE) {
    add(a, &off, "W_a", a->A, Hd, 1);
    add(a, &off, "U_a", a->A, C, 1);
    add(a, &off, "v", a->A, 1, 0);
  } else if (form == RNNLAB_ATTENTION_GENERAL) {
    add(a, &off, "W_a", Hd, C, 1);
  }
  if (form == RNNLAB_ATTENTION_DOT || form == RNNLAB_ATTENTION_GENERAL) add(a, &off, "W_c", Hd, C + Hd, 1);
  a->n = off;
  if (!off) return RNNLAB_OK;
  a->params = calloc(off, sizeof(float));
  a->grads = calloc(off, sizeof(float));
  if (!a->params || !a->grads) {
    attn_params_free(a);
    return RNNLAB_ENOMEM;
  }
  rng_state rng;
  rng_seed(&rng, seed);
  for (int i = 0; i < a->n_tensors; i++) {
    const tensor_info *t = &a->tensors[i];
    const float bound = 1.0f / sqrtf((float)(t->cols > 1 ? t->cols : t->rows));
    for (size_t k = 0; k < (size_t)t->rows * t->cols; k++) a->params[t->offset + k] = (2.0f * rng_uniform(&rng) - 1.0f) * bound;
    float *p = a->params + t->offset, *g = a->grads + t->offset;
    if (!strcmp(t->name, "W_a")) a->Wa = p, a->dWa = g;
    else if (!strcmp(t->name, "U_a")) a->Ua = p, a->dUa = g;
    else if (!strcmp(t->name, "v")) a->v = p, a->dv = g;
    else a->Wc = p, a->dWc = g;
  }
  return RNNLAB_OK;
}

void attn_params_free(attn_params *a) {
  free(a->params), free(a->grads);
  a->params = a->grads = NULL;
}

int attn_key_width(const attn_params *a) {
  return a->form == RNNLAB_ATTENTION_ADDITIVE ? a->A : a->form == RNNLAB_ATTENTION_GENERAL ? a->Hd : a->C;
}
int attn_is_luong(const attn_params *a) { return a->form == RNNLAB_ATTENTION_DOT || a->form == RNNLAB_ATTENTION_GENERAL; }

/* additive K = E U_a^T (UaT is (C,A)); general K = E W_a^T (WaT is (C,Hd)) */
void attn_keys(const attn_params *a, const float *E, int R, float *K) {
  const int W = attn_key_width(a);
  const float *WT = a->form == RNNLAB_ATTENTION_ADDITIVE ? a->Ua : a->Wa;
  memset(K, 0, sizeof(float) * R * W);
  k_gemm_nn(R, W, a->C, E, a->C, WT, W, K, W);
}

void attn_keys_backward(const attn_params *a, const float *E, int R, const float *dK, float *dE) {
  const int W = attn_key_width(a);
  if (a->form == RNNLAB_ATTENTION_DOT) {
    for (size_t i = 0; i < (size_t)R * W; i++) dE[i] += dK[i];
    return;
  }
  const float *WT = a->form == RNNLAB_ATTENTION_ADDITIVE ? a->Ua : a->Wa;
  float *dWT = a->form == RNNLAB_ATTENTION_ADDITIVE ? a->dUa : a->dWa;
  k_gemm_tn(a->C, W, R, E, a->C, dK, W, dWT, W); /* dW^T += E^T dK */
  k_gemm_nt(R, a->C, W, dK, W, WT, W, dE, a->C); /* dE += dK W */
}

/* alpha = softmax of e over the row's symbols, exactly 0 elsewhere. exp is k_expf: the same
 * bits on every platform. */
static void masked_softmax(float *e, const uint8_t *mask, int S) {
  float mx = -INFINITY;
  for (int j = 0; j < S; j++)
    if (mask[j] && e[j] > mx) mx = e[j];
  float sum = 0;
  for (int j = 0; j < S; j++) {
    e[j] = mask[j] ? k_expf(e[j] - mx) : 0.0f;
    sum += e[j];
  }
  const float inv = 1.0f / sum;
  for (int j = 0; j < S; j++) e[j] *= inv;
}

static float dot(const float *x, const float *y, int n) {
  float s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

void attn_forward(const attn_params *a, int B, int S, int shared, const float *q, const float *E, const float *K,
                  const uint8_t *mask, float *alpha, float *ctx, float *tc, float *scratch) {
  const int C = a->C, A = a->A, Hd = a->Hd, W = attn_key_width(a);
  if (a->form == RNNLAB_ATTENTION_ADDITIVE) { /* W_a q, once per row */
    memset(scratch, 0, sizeof(float) * B * A);
    k_gemm_nn(B, A, Hd, q, Hd, a->Wa, A, scratch, A);
  }
  for (int b = 0; b < B; b++) {
    const int sb = shared ? 0 : b;
    const float *Kb = K + (size_t)sb * S * W, *Eb = E + (size_t)sb * S * C;
    const uint8_t *mb = mask + (size_t)sb * S;
    float *al = alpha + (size_t)b * S;
    if (a->form == RNNLAB_ATTENTION_ADDITIVE) {
      float *t = tc + (size_t)b * S * A;
      const float *wq = scratch + (size_t)b * A;
      for (int j = 0; j < S; j++)
        for (int k = 0; k < A; k++) t[(size_t)j * A + k] = mb[j] ? wq[k] + Kb[(size_t)j * A + k] : 0.0f;
      k_tanh(t, t, S * A);
      for (int j = 0; j < S; j++) al[j] = mb[j] ? dot(a->v, t + (size_t)j * A, A) : 0.0f;
    } else {
      const float *qb = q + (size_t)b * Hd;
      for (int j = 0; j < S; j++) al[j] = mb[j] ? dot(qb, Kb + (size_t)j * W, W) : 0.0f;
    }
    masked_softmax(al, mb, S);
    float *cb = ctx + (size_t)b * C;
    memset(cb, 0, sizeof(float) * C);
    for (int j = 0; j < S; j++)
      if (al[j] != 0.0f)
        for (int k = 0; k < C; k++) cb[k] += al[j] * Eb[(size_t)j * C + k];
  }
}

void attn_backward(const attn_params *a, int B, int S, const float *q, const float *E, const float *K,
                   const uint8_t *mask, const float *alpha, const float *tc, const float *dctx, float *dq, float *dE,
                   float *dK, float *scratch) {
  const int C = a->C, A = a->A, Hd = a->Hd, W = attn_key_width(a);
  float *de = scratch, *dwq = scratch + S; /* dwq: (B, A) after the S floats of de */
  if (a->form == RNNLAB_ATTENTION_ADDITIVE) memset(dwq, 0, sizeof(float) * B * A);
  for (int b = 0; b < B; b++) {
    const float *Eb = E + (size_t)b * S * C, *Kb = K + (size_t)b * S * W, *al = alpha + (size_t)b * S;
    const float *dc = dctx + (size_t)b * C;
    const uint8_t *mb = mask + (size_t)b * S;
    float *dEb = dE + (size_t)b * S * C, *dKb = dK + (size_t)b * S * W;
    /* ctx = sum alpha_j E_j: dalpha_j = dctx . E_j, dE_j += alpha_j dctx */
    float sum = 0;
    for (int j = 0; j < S; j++) {
      de[j] = mb[j] ? dot(dc, Eb + (size_t)j * C, C) : 0.0f;
      sum += al[j] * de[j];
      if (mb[j])
        for (int k = 0; k < C; k++) dEb[(size_t)j * C + k] += al[j] * dc[k];
    }
    /* softmax: de_j = alpha_j (dalpha_j - sum_k alpha_k dalpha_k) */
    for (int j = 0; j < S; j++) de[j] = mb[j] ? al[j] * (de[j] - sum) : 0.0f;
    if (a->form == RNNLAB_ATTENTION_ADDITIVE) { /* e_j = v . t_j, t_j = tanh(W_a q + K_j) */
      const float *t = tc + (size_t)b * S * A;
      float *dw = dwq + (size_t)b * A;
      for (int j = 0; j < S; j++) {
        if (!mb[j]) continue;
        const float *tj = t + (size_t)j * A;
        for (int k = 0; k < A; k++) {
          a->dv[k] += de[j] * tj[k];
          const float g = de[j] * a->v[k] * (1.0f - tj[k] * tj[k]);
          dw[k] += g;
          dKb[(size_t)j * A + k] += g;
        }
      }
    } else { /* e_j = q . K_j */
      const float *qb = q + (size_t)b * Hd;
      float *dqb = dq + (size_t)b * Hd;
      for (int j = 0; j < S; j++) {
        if (!mb[j]) continue;
        for (int k = 0; k < W; k++) dqb[k] += de[j] * Kb[(size_t)j * W + k], dKb[(size_t)j * W + k] += de[j] * qb[k];
      }
    }
  }
  if (a->form == RNNLAB_ATTENTION_ADDITIVE) {
    k_gemm_tn(Hd, A, B, q, Hd, dwq, A, a->dWa, A); /* dW_a^T += q^T d(W_a q) */
    k_gemm_nt(B, Hd, A, dwq, A, a->Wa, A, dq, Hd); /* dq += d(W_a q) W_a */
  }
}

void attn_output(const attn_params *a, int B, const float *cat, float *ht) {
  const int Hd = a->Hd, CH = a->C + Hd;
  memset(ht, 0, sizeof(float) * B * Hd);
  k_gemm_nn(B, Hd, CH, cat, CH, a->Wc, Hd, ht, Hd);
  k_tanh(ht, ht, B * Hd);
}

void attn_output_backward(const attn_params *a, int B, const float *cat, const float *ht, const float *dht,
                          float *dcat, float *scratch) {
  const int Hd = a->Hd, CH = a->C + Hd;
  for (int i = 0; i < B * Hd; i++) scratch[i] = dht[i] * (1.0f - ht[i] * ht[i]);
  k_gemm_tn(CH, Hd, B, cat, CH, scratch, Hd, a->dWc, Hd);
  memset(dcat, 0, sizeof(float) * B * CH);
  k_gemm_nt(B, CH, Hd, scratch, Hd, a->Wc, Hd, dcat, CH);
}
