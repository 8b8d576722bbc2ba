/* attention/aligned.c - the aligned encoder-decoder (rnnlab.h, rnnlab_seq2seq_create_attention).
 *
 * Encoder: the rows of a batch are grouped by their number of symbols n; each group is one
 * model_pass over its symbols alone (PAD removed), so a row's states do not depend on the batch
 * and the reverse direction starts at its last symbol. Its top outputs are scattered back to the
 * rows' source positions: E (B,S,C), C = D*H; the final states, [forward ; reverse] per layer,
 * become the decoder's initial state.
 * Decoder: stepped one step at a time (model_step_forward): the additive form needs the context
 * from s_{u-1} before step u. Readout and loss are the decoder model's own (model_readout) over
 * Z = s_u (additive, none) or ht_u (Luong), so the loss is the classic seq2seq's.
 * Backward: readout, then the steps in reverse (model_step_backward carries dL/d(state)), the
 * attention's gradient to s_{u-1} joining the next step's; then the keys; then the encoder again
 * group by group, its outputs' gradient injected at every step (model->ext_dY) and its final
 * states' from the decoder's initial state (both directions).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attention/aligned.h"
#include "decode.h"
#include "kernels/kernels.h"

static rnnlab_status afail(rnnlab_seq2seq *s, rnnlab_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(s->err, sizeof s->err, st, fmt, ap);
  va_end(ap);
  return st;
}

static rnnlab_status model_failed(rnnlab_seq2seq *s, rnnlab_status st, const char *half, const rnnlab_model *m) {
  return afail(s, st, "%s: %s", half, m->err[0] ? m->err : rnnlab_status_str(st));
}

rnnlab_status aligned_create(rnnlab_seq2seq *s, int form) {
  aligned *al = calloc(1, sizeof *al);
  if (!al) return RNNLAB_ENOMEM;
  const uint64_t seed = ((uint64_t)s->enc->cfg.seed_hi << 32 | s->enc->cfg.seed_lo) ^ SEQ2SEQ_ATTENTION_SALT;
  rnnlab_status st = attn_params_init(&al->att, form, s->dec->cfg.hidden_size, s->enc->D * s->enc->cfg.hidden_size, seed);
  if (st) {
    free(al);
    return st;
  }
  s->al = al;
  return RNNLAB_OK;
}

void aligned_free(aligned *al) {
  if (!al) return;
  attn_params_free(&al->att);
  optimizer_release(&al->opt);
  free(al->f), free(al->i);
  free(al);
}

param_arena aligned_arena(aligned *al) {
  param_arena a = {al->att.params, al->att.grads, al->att.n};
  return a;
}

/* ---- buffers ---- */

static rnnlab_status ensure(rnnlab_seq2seq *s, int B, int S, int U) {
  aligned *al = s->al;
  const attn_params *a = &al->att;
  const int C = a->C, Hd = a->Hd, A = a->A, V = s->dec->cfg.output_size, I0 = s->dec->I0, L = s->dec->cfg.layers;
  const int W = attn_key_width(a), CH = C + Hd, keyed = a->form == RNNLAB_ATTENTION_ADDITIVE || a->form == RNNLAB_ATTENTION_GENERAL;
  const double b = B, sz = S, u = U;
  const double nE = b * sz * C, nK = keyed ? b * sz * W : 0, nA = u * b * sz, nC = u * b * C;
  const double nT = a->form == RNNLAB_ATTENTION_ADDITIVE ? nA * A : 0, nCat = attn_is_luong(a) ? u * b * CH : 0;
  const double nscr = sz + b * (A + Hd + 1);
  const double nf = 2 * nE + 2 * nK + nA + nC + nT + nCat + u * b * Hd + L * 2.0 * b * Hd + 2 * b * Hd + b * I0 + b * CH + b * C +
                    nscr + sz * b * C + b * V;
  const double ni = 2 * b + 2 * b * sz + (b * sz + 3) / 4 + 1;
  if (nf > RNNLAB_MAX_ELEMS || ni > RNNLAB_MAX_ELEMS)
    return afail(s, RNNLAB_EINVAL, "batch too large for attention: batchSize %d x srcLength %d x tgtLength %d needs %.0f MB", B, S,
                 U, nf * 4 / 1e6);
  if ((size_t)nf > al->f_len) {
    float *f = realloc(al->f, sizeof(float) * (size_t)nf);
    if (!f) return afail(s, RNNLAB_ENOMEM, "out of memory for attention over a batch of %d x %d", B, S);
    al->f = f, al->f_len = (size_t)nf;
  }
  if ((size_t)ni > al->i_len) {
    int32_t *i = realloc(al->i, sizeof(int32_t) * (size_t)ni);
    if (!i) return afail(s, RNNLAB_ENOMEM, "out of memory for attention over a batch of %d x %d", B, S);
    al->i = i, al->i_len = (size_t)ni;
  }
  float *p = al->f;
#define TAKE(n) (p += (size_t)(n), p - (size_t)(n))
  al->E = TAKE(nE), al->dE = TAKE(nE), al->K = TAKE(nK), al->dK = TAKE(nK);
  al->alpha = TAKE(nA), al->ctx = TAKE(nC), al->tc = TAKE(nT), al->cat = TAKE(nCat);
  al->dZ = TAKE(u * b * Hd), al->carry = TAKE(L * 2.0 * b * Hd), al->dtop = TAKE(b * Hd), al->dsn = TAKE(b * Hd);
  al->dx0 = TAKE(b * I0), al->dcat = TAKE(b * CH), al->dctx = TAKE(b * C), al->scr = TAKE(nscr), al->gdY = TAKE(sz * b * C);
  al->probs = TAKE(b * V);
#undef TAKE
  if (!keyed) al->K = al->E, al->dK = al->dE; /* dot: the keys are the outputs themselves */
  al->len = al->i, al->order = al->i + B, al->gtok = al->i + 2 * B, al->pos = al->gtok + (size_t)B * S;
  al->mask = (uint8_t *)(al->pos + (size_t)B * S);
  al->B = 0; /* the buffers' last pass is gone */
  return RNNLAB_OK;
}

/* ---- encoder ---- */

/* mask, lengths, positions of the symbols, and the rows ordered by length (stable) */
static rnnlab_status prepare_sources(rnnlab_seq2seq *s, const int32_t *src, int B, int S, const char *name) {
  aligned *al = s->al;
  for (int b = 0; b < B; b++) {
    int n = 0;
    for (int j = 0; j < S; j++) {
      const int sym = src[(size_t)b * S + j] != 0;
      al->mask[(size_t)b * S + j] = (uint8_t)sym;
      if (sym) al->pos[(size_t)b * S + n++] = j;
    }
    if (!n) return afail(s, RNNLAB_EINVAL, "%s row %d is only PAD (token 0): an attention model needs a source symbol to attend to", name, b);
    al->len[b] = n;
  }
  for (int b = 0; b < B; b++) { /* insertion sort: batches are small, and it is stable */
    int k = b;
    while (k > 0 && al->len[al->order[k - 1]] > al->len[b]) al->order[k] = al->order[k - 1], k--;
    al->order[k] = b;
  }
  return RNNLAB_OK;
}

static rnnlab_status encode(rnnlab_seq2seq *s, const int32_t *src, int B, int S, int backward) {
  aligned *al = s->al;
  rnnlab_model *e = s->enc, *d = s->dec;
  const int H = e->cfg.hidden_size, D = e->D, C = D * H, L = e->cfg.layers, Hd = d->cfg.hidden_size;
  const size_t BHd = (size_t)B * Hd;
  if (!backward) memset(al->E, 0, sizeof(float) * (size_t)B * S * C);
  for (int g0 = 0, g1; g0 < B; g0 = g1) {
    const int n = al->len[al->order[g0]];
    for (g1 = g0; g1 < B && al->len[al->order[g1]] == n;) g1++;
    const int Bg = g1 - g0;
    for (int k = 0; k < Bg; k++) {
      const int r = al->order[g0 + k];
      for (int t = 0; t < n; t++) al->gtok[(size_t)k * n + t] = src[(size_t)r * S + al->pos[(size_t)r * S + t]];
    }
    rnnlab_batch eb = {Bg, n, al->gtok, NULL, NULL, NULL, NULL, 0};
    rnnlab_status st;
    if (backward) {
      st = model_reserve_state(e, Bg); /* the dfinal rows written now survive the pass */
      if (st) return model_failed(s, st, "encoder", e);
      for (int k = 0; k < Bg; k++) {
        const int r = al->order[g0 + k];
        for (int t = 0; t < n; t++)
          memcpy(al->gdY + ((size_t)t * Bg + k) * C, al->dE + ((size_t)r * S + al->pos[(size_t)r * S + t]) * C, sizeof(float) * C);
        for (int l = 0; l < L; l++)
          for (int dir = 0; dir < D; dir++) {
            const float *ch = al->carry + (size_t)l * 2 * BHd + (size_t)r * Hd + (size_t)dir * H;
            memcpy(e->C[l][dir].dfinal_h + (size_t)k * H, ch, sizeof(float) * H);
            memcpy(e->C[l][dir].dfinal_c + (size_t)k * H, ch + BHd, sizeof(float) * H);
          }
      }
      e->ext_dY = al->gdY;
      e->inject_final_grad = D == 2 ? 3 : 1;
    }
    st = model_pass(e, &eb, 0, n, 0, backward, NULL, NULL);
    e->ext_dY = NULL, e->inject_final_grad = 0;
    if (st) return model_failed(s, st, "encoder", e);
    if (backward) continue;
    const float *top = e->Y[L - 1];
    const size_t BgH = (size_t)Bg * H;
    for (int k = 0; k < Bg; k++) {
      const int r = al->order[g0 + k];
      for (int t = 0; t < n; t++)
        memcpy(al->E + ((size_t)r * S + al->pos[(size_t)r * S + t]) * C, top + ((size_t)t * Bg + k) * C, sizeof(float) * C);
      for (int l = 0; l < L; l++)
        for (int dir = 0; dir < D; dir++) { /* final: forward after slot n, reverse after reading back to slot 0 */
          const cell_cache *cc = &e->C[l][dir];
          const size_t at = (dir ? 0 : (size_t)n * BgH) + (size_t)k * H;
          memcpy(model_slot(d, l, 0, 0, B) + (size_t)r * Hd + (size_t)dir * H, cc->h + at, sizeof(float) * H);
          float *c0 = model_slot(d, l, 1, 0, B);
          if (c0) memcpy(c0 + (size_t)r * Hd + (size_t)dir * H, cc->c + at, sizeof(float) * H);
        }
    }
  }
  return RNNLAB_OK;
}

/* Sources in, keys made: everything a decoder step needs. The decoder's caches are sized for
 * (T, B) first (its initial state is written by encode). */
static rnnlab_status begin(rnnlab_seq2seq *s, const int32_t *src, int B, int S, int T, int rows, int U, const char *name) {
  rnnlab_status st = ensure(s, rows > B ? rows : B, S, U);
  if (!st) st = prepare_sources(s, src, B, S, name);
  if (st) return st;
  st = model_steps_begin(s->dec, T, rows > B ? rows : B);
  if (st) return model_failed(s, st, "decoder", s->dec);
  st = encode(s, src, B, S, 0);
  if (st) return st;
  aligned *al = s->al;
  if (al->att.form == RNNLAB_ATTENTION_ADDITIVE || al->att.form == RNNLAB_ATTENTION_GENERAL) attn_keys(&al->att, al->E, B * S, al->K);
  return RNNLAB_OK;
}

/* ---- decoder steps ---- */

/* Step t of the decoder for B rows reading tokens tok (B): attention before (additive) or after
 * (Luong) the cell; leaves Z_t (the readout's input) in the decoder's top Y at t. alpha (B,S)
 * and ctx (B,C) of this step, tc (B,S,A) and cat (B,C+Hd) for its backward. */
static void decoder_step(rnnlab_seq2seq *s, int t, int B, int S, int shared, const int32_t *tok, float *alpha, float *ctx,
                         float *tc, float *cat) {
  aligned *al = s->al;
  const attn_params *a = &al->att;
  rnnlab_model *d = s->dec;
  const int L = d->cfg.layers, Hd = a->Hd, C = a->C, V = d->cfg.output_size, I0 = d->I0;
  if (a->form == RNNLAB_ATTENTION_ADDITIVE) {
    attn_forward(a, B, S, shared, model_slot(d, L - 1, 0, t, B), al->E, al->K, al->mask, alpha, ctx, tc, al->scr);
    float *x = d->X0 + (size_t)t * B * I0;
    for (int b = 0; b < B; b++) {
      memset(x + (size_t)b * I0, 0, sizeof(float) * V);
      x[(size_t)b * I0 + tok[b]] = 1.0f;
      memcpy(x + (size_t)b * I0 + V, ctx + (size_t)b * C, sizeof(float) * C);
    }
  } else {
    memcpy(d->tok + (size_t)t * B, tok, sizeof(int32_t) * B);
  }
  model_step_forward(d, t, B);
  if (attn_is_luong(a)) {
    const float *st = model_slot(d, L - 1, 0, t + 1, B);
    attn_forward(a, B, S, shared, st, al->E, al->K, al->mask, alpha, ctx, NULL, al->scr);
    const int CH = C + Hd;
    for (int b = 0; b < B; b++) {
      memcpy(cat + (size_t)b * CH, ctx + (size_t)b * C, sizeof(float) * C);
      memcpy(cat + (size_t)b * CH + C, st + (size_t)b * Hd, sizeof(float) * Hd);
    }
    attn_output(a, B, cat, d->Y[L - 1] + (size_t)t * B * Hd);
  }
}

/* probs (B,V) = softmax(Z_t Wy + by), the readout's arithmetic (readout.c) */
static void step_probs(rnnlab_model *d, const float *z, int B, float *probs) {
  const int V = d->cfg.output_size, Hd = d->cfg.hidden_size;
  for (int b = 0; b < B; b++) memcpy(probs + (size_t)b * V, d->by, sizeof(float) * V);
  k_gemm_nn(B, V, Hd, z, Hd, d->Wy, V, probs, V);
  for (int b = 0; b < B; b++) {
    float *o = probs + (size_t)b * V, mx = o[0], sum = 0;
    for (int v = 1; v < V; v++) mx = o[v] > mx ? o[v] : mx;
    for (int v = 0; v < V; v++) o[v] -= mx;
    k_exp(o, o, V);
    for (int v = 0; v < V; v++) sum += o[v];
    for (int v = 0; v < V; v++) o[v] /= sum;
  }
}

static int32_t argmax(const float *p, int V) {
  int32_t k = 0;
  for (int v = 1; v < V; v++)
    if (p[v] > p[k]) k = v;
  return k;
}

/* ---- the teacher-forced pass ---- */

static void backward_pass(rnnlab_seq2seq *s, int B, int S, int U) {
  aligned *al = s->al;
  attn_params *a = &al->att;
  rnnlab_model *d = s->dec;
  const int L = d->cfg.layers, Hd = a->Hd, C = a->C, V = d->cfg.output_size, I0 = d->I0, CH = C + Hd, W = attn_key_width(a);
  const int UB = U * B;
  const float *Z = d->Y[L - 1];
  /* readout: dWy += Z^T dout, dby += colsum(dout), dZ = dout Wy^T */
  memset(al->dZ, 0, sizeof(float) * UB * Hd);
  k_gemm_nt(UB, Hd, V, d->dout, V, d->Wy, V, al->dZ, Hd);
  k_gemm_tn(Hd, V, UB, Z, Hd, d->dout, V, d->dWy, V);
  for (int r = 0; r < UB; r++)
    for (int v = 0; v < V; v++) d->dby[v] += d->dout[(size_t)r * V + v];
  memset(al->carry, 0, sizeof(float) * L * 2 * B * Hd);
  memset(al->dsn, 0, sizeof(float) * B * Hd);
  memset(al->dE, 0, sizeof(float) * (size_t)B * S * C);
  if (al->dK != al->dE) memset(al->dK, 0, sizeof(float) * (size_t)B * S * W);
  for (int u = U - 1; u >= 0; u--) {
    const float *alpha = al->alpha + (size_t)u * B * S, *dZ = al->dZ + (size_t)u * B * Hd;
    if (attn_is_luong(a)) {
      const float *cat = al->cat + (size_t)u * B * CH;
      attn_output_backward(a, B, cat, Z + (size_t)u * B * Hd, dZ, al->dcat, al->scr);
      for (int b = 0; b < B; b++) {
        memcpy(al->dctx + (size_t)b * C, al->dcat + (size_t)b * CH, sizeof(float) * C);
        memcpy(al->dtop + (size_t)b * Hd, al->dcat + (size_t)b * CH + C, sizeof(float) * Hd);
      }
      attn_backward(a, B, S, model_slot(d, L - 1, 0, u + 1, B), al->E, al->K, al->mask, alpha, NULL, al->dctx, al->dtop,
                    al->dE, al->dK, al->scr);
      model_step_backward(d, u, B, al->dtop, al->carry, NULL);
    } else {
      for (int i = 0; i < B * Hd; i++) al->dtop[i] = dZ[i] + al->dsn[i];
      if (a->form != RNNLAB_ATTENTION_ADDITIVE) {
        model_step_backward(d, u, B, al->dtop, al->carry, NULL);
        continue;
      }
      memset(al->dx0, 0, sizeof(float) * B * I0);
      model_step_backward(d, u, B, al->dtop, al->carry, al->dx0);
      for (int b = 0; b < B; b++) memcpy(al->dctx + (size_t)b * C, al->dx0 + (size_t)b * I0 + V, sizeof(float) * C);
      memset(al->dsn, 0, sizeof(float) * B * Hd);
      attn_backward(a, B, S, model_slot(d, L - 1, 0, u, B), al->E, al->K, al->mask, alpha, al->tc + (size_t)u * B * S * a->A,
                    al->dctx, al->dsn, al->dE, al->dK, al->scr);
    }
  }
  if (a->form == RNNLAB_ATTENTION_ADDITIVE) /* s_{-1} is the top layer's initial h */
    for (int i = 0; i < B * Hd; i++) al->carry[(size_t)(L - 1) * 2 * B * Hd + i] += al->dsn[i];
  if (al->dK != al->dE) attn_keys_backward(a, al->E, B * S, al->dK, al->dE);
}

rnnlab_status aligned_pass(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, int backward, float tf, float *outputs,
                           float *loss_out) {
  aligned *al = s->al;
  rnnlab_model *d = s->dec;
  const int B = b->batch, S = b->src_length, U = b->tgt_length, V = d->cfg.output_size, L = d->cfg.layers, Hd = al->att.Hd;
  for (size_t i = 0; i < (size_t)B * U; i++)
    if (b->dec_in[i] < 0 || b->dec_in[i] >= V)
      return afail(s, RNNLAB_EINVAL, "batch.decIn[%zu] = %d is out of range for %d target symbols", i, b->dec_in[i], V);
  for (size_t i = 0; i < (size_t)B * S; i++)
    if (b->src[i] < 0 || b->src[i] >= s->enc->cfg.input_size)
      return afail(s, RNNLAB_EINVAL, "batch.src[%zu] = %d is out of range for %d source symbols", i, b->src[i], s->enc->cfg.input_size);
  for (size_t i = 0; i < (size_t)B * U; i++)
    if (b->dec_tgt[i] < -1 || b->dec_tgt[i] >= V)
      return afail(s, RNNLAB_EINVAL, "batch.decTgt[%zu] = %d is out of range for %d target symbols (-1 = no target)", i, b->dec_tgt[i], V);
  rnnlab_status st = begin(s, b->src, B, S, U, B, U, "batch.src");
  if (st) return st;
  if (backward && al->att.n) memset(al->att.grads, 0, sizeof(float) * al->att.n);
  const int32_t *in = b->dec_in;
  if (tf < 1.0f) memcpy(s->in, b->dec_in, sizeof(int32_t) * B * U), in = s->in;
  int32_t *col = s->col;
  for (int u = 0; u < U; u++) {
    for (int i = 0; i < B; i++) col[i] = in[(size_t)i * U + u];
    decoder_step(s, u, B, S, 0, col, al->alpha + (size_t)u * B * S, al->ctx + (size_t)u * B * al->att.C,
                 al->tc ? al->tc + (size_t)u * B * S * al->att.A : NULL, al->cat ? al->cat + (size_t)u * B * (al->att.C + Hd) : NULL);
    if (tf < 1.0f && u + 1 < U) { /* the coins of classic seq2seq's mix_inputs, in its order */
      step_probs(d, d->Y[L - 1] + (size_t)u * B * Hd, B, al->probs);
      for (int i = 0; i < B; i++)
        if (b->dec_tgt[(size_t)i * U + u + 1] >= 0 && rng_uniform(&s->rng) >= tf) s->in[(size_t)i * U + u + 1] = argmax(al->probs + (size_t)i * V, V);
    }
  }
  rnnlab_batch db = {B, U, in, NULL, b->dec_tgt, NULL, NULL, 0};
  const float loss = model_readout(d, &db, 0, U, B, backward);
  if (!(loss == loss) || loss - loss != 0)
    return afail(s, RNNLAB_ENONFINITE, "decoder: the loss is not finite (%g): the weights or the learning rate have diverged", loss);
  if (loss_out) *loss_out = loss;
  if (outputs)
    for (int u = 0; u < U; u++)
      for (int i = 0; i < B; i++) memcpy(outputs + ((size_t)i * U + u) * V, d->out + ((size_t)u * B + i) * V, sizeof(float) * V);
  d->last_T = U, d->last_B = B, d->have_backward = backward;
  if (!backward) {
    for (int l = 0; l < L; l++) memset(d->C[l][0].gradnorm, 0, sizeof(float) * U * B);
  } else {
    backward_pass(s, B, S, U);
    st = encode(s, b->src, B, S, 1);
    if (st) return st;
  }
  al->B = B, al->S = S, al->U = U;
  return RNNLAB_OK;
}

/* ---- decoding ---- */

/* One step from the state in slot 0 (B rows), probs (B,V) out, the new state moved to slot 0. */
static void step_from_slot0(rnnlab_seq2seq *s, int B, int S, int shared, const int32_t *tok, float *probs, float *alpha_out) {
  aligned *al = s->al;
  rnnlab_model *d = s->dec;
  const int L = d->cfg.layers, Hd = al->att.Hd;
  decoder_step(s, 0, B, S, shared, tok, al->alpha, al->ctx, al->tc, al->cat);
  step_probs(d, d->Y[L - 1], B, probs);
  for (int l = 0; l < L; l++) {
    memcpy(model_slot(d, l, 0, 0, B), model_slot(d, l, 0, 1, B), sizeof(float) * B * Hd);
    float *c0 = model_slot(d, l, 1, 0, B);
    if (c0) memcpy(c0, model_slot(d, l, 1, 1, B), sizeof(float) * B * Hd);
  }
  if (alpha_out) memcpy(alpha_out, al->alpha, sizeof(float) * B * S);
}

rnnlab_status aligned_greedy(rnnlab_seq2seq *s, const int32_t *src, int B, int S, int bos, int eos, int max_len,
                             int32_t *out, int32_t *lengths) {
  rnnlab_status st = begin(s, src, B, S, 1, B, 1, "src");
  if (st) return st;
  const int V = s->dec->cfg.output_size;
  for (int i = 0; i < B; i++) s->col[i] = bos, lengths[i] = -1;
  for (size_t i = 0; i < (size_t)B * max_len; i++) out[i] = -1;
  for (int u = 0; u < max_len; u++) {
    step_from_slot0(s, B, S, 0, s->col, s->al->probs, NULL);
    int running = 0;
    for (int i = 0; i < B; i++) {
      const int32_t y = argmax(s->al->probs + (size_t)i * V, V);
      if (lengths[i] < 0) {
        out[(size_t)i * max_len + u] = y;
        if (y == eos) lengths[i] = u;
        else running++;
      }
      s->col[i] = y;
    }
    if (!running) break;
  }
  for (int i = 0; i < B; i++)
    if (lengths[i] < 0) lengths[i] = max_len;
  return RNNLAB_OK;
}

rnnlab_status aligned_align(rnnlab_seq2seq *s, const int32_t *src, int S, int bos, const int32_t *tokens, int len, float *out) {
  rnnlab_status st = begin(s, src, 1, S, 1, 1, 1, "src");
  if (st) return st;
  int32_t tok = bos;
  for (int u = 0; u < len; u++) {
    step_from_slot0(s, 1, S, 0, &tok, s->al->probs, out + (size_t)u * S);
    tok = tokens[u];
  }
  return RNNLAB_OK;
}

/* the search's stepper: one source shared by every hypothesis; state [layer][h c][Hd] */
typedef struct {
  stepper base;
  rnnlab_seq2seq *s;
  int S, bos, rows;
  int32_t *tok;
} aligned_stepper;

static void state_out(rnnlab_model *d, int n, float *state) {
  const int Hd = d->cfg.hidden_size, L = d->cfg.layers, SS = L * 2 * Hd;
  for (int l = 0; l < L; l++) {
    const float *h = model_slot(d, l, 0, 0, n), *c = model_slot(d, l, 1, 0, n);
    for (int i = 0; i < n; i++) {
      memcpy(state + (size_t)i * SS + (size_t)l * 2 * Hd, h + (size_t)i * Hd, sizeof(float) * Hd);
      if (c) memcpy(state + (size_t)i * SS + (size_t)l * 2 * Hd + Hd, c + (size_t)i * Hd, sizeof(float) * Hd);
      else memset(state + (size_t)i * SS + (size_t)l * 2 * Hd + Hd, 0, sizeof(float) * Hd);
    }
  }
}

static void state_in(rnnlab_model *d, int n, const float *state) {
  const int Hd = d->cfg.hidden_size, L = d->cfg.layers, SS = L * 2 * Hd;
  for (int l = 0; l < L; l++) {
    float *h = model_slot(d, l, 0, 0, n), *c = model_slot(d, l, 1, 0, n);
    for (int i = 0; i < n; i++) {
      memcpy(h + (size_t)i * Hd, state + (size_t)i * SS + (size_t)l * 2 * Hd, sizeof(float) * Hd);
      if (c) memcpy(c + (size_t)i * Hd, state + (size_t)i * SS + (size_t)l * 2 * Hd + Hd, sizeof(float) * Hd);
    }
  }
}

static rnnlab_status as_start(stepper *st, float *state, float *logp) {
  aligned_stepper *as = (aligned_stepper *)st;
  int32_t tok = as->bos;
  step_from_slot0(as->s, 1, as->S, 1, &tok, as->s->al->probs, NULL);
  state_out(as->s->dec, 1, state);
  return to_logp(as->s->al->probs, st->V, logp, st->e, "the decoder", 1);
}

static rnnlab_status as_advance(stepper *st, int n, const int32_t *prefixes, int ld, int plen, float *state, float *logp) {
  aligned_stepper *as = (aligned_stepper *)st;
  const int V = st->V;
  for (int r0 = 0; r0 < n; r0 += as->rows) {
    const int B = n - r0 < as->rows ? n - r0 : as->rows;
    for (int i = 0; i < B; i++) as->tok[i] = prefixes[(size_t)(r0 + i) * ld + plen - 1];
    state_in(as->s->dec, B, state + (size_t)r0 * st->S);
    step_from_slot0(as->s, B, as->S, 1, as->tok, as->s->al->probs, NULL);
    state_out(as->s->dec, B, state + (size_t)r0 * st->S);
    for (int i = 0; i < B; i++) {
      rnnlab_status e = to_logp(as->s->al->probs + (size_t)i * V, V, logp + (size_t)(r0 + i) * V, st->e, "the decoder", plen + 1);
      if (e) return e;
    }
  }
  return RNNLAB_OK;
}

rnnlab_status aligned_decode(rnnlab_seq2seq *s, const int32_t *src, int S, int bos, const rnnlab_decode_config *dc_in,
                             int32_t *tokens, int32_t *lengths, float *log_probs, float *scores, int32_t *count) {
  rnnlab_model *d = s->dec;
  const int V = d->cfg.output_size, SS = d->cfg.layers * 2 * d->cfg.hidden_size;
  rnnlab_decode_config dc = *dc_in;
  if (dc.vocab_size != 0 && dc.vocab_size != V)
    return afail(s, RNNLAB_EINVAL, "decode: vocabSize %d does not match the %d target symbols", dc.vocab_size, V);
  dc.vocab_size = V;
  rnnlab_status st = check_decode(&dc, SS, (errbuf){s->err, sizeof s->err});
  if (st) return st;
  if (!tokens || !lengths || !log_probs || !count) return afail(s, RNNLAB_EINVAL, "decode: a result buffer is NULL");
  int rows = dc.strategy == RNNLAB_DECODE_BEAM ? dc.beam_width : dc.strategy == RNNLAB_DECODE_EXHAUSTIVE ? V : 1;
  if (rows > 256) rows = 256;
  st = begin(s, src, 1, S, 1, rows, 1, "src"); /* the source is row 0; buffers for rows hypotheses */
  if (st) return st;
  aligned_stepper as = {{V, SS, {s->err, sizeof s->err}, as_start, as_advance}, s, S, bos, rows, malloc(sizeof(int32_t) * rows)};
  if (!as.tok) return afail(s, RNNLAB_ENOMEM, "decode: out of memory");
  st = run_search(&as.base, &dc, tokens, lengths, log_probs, scores, count);
  free(as.tok);
  return st;
}
