/* seq2seq.c - encoder-decoder over any cell (Sutskever et al. 2014; Cho et al. 2014).
 *
 *   encoder: h^e_t = cell(x_t, h^e_{t-1}) over the (left-padded) source, from zeros
 *   context: the encoder's final state, every layer (h, and c for LSTM / x for CT-RNN)
 *   decoder: h^d_0 = context;  h^d_u = cell(y_{u-1}, h^d_{u-1});  p(y_u | y_<u, x) = softmax(W h^d_u + b)
 *
 * Backward runs the decoder first; its gradient with respect to its initial state is fed into the
 * encoder as the gradient of the encoder's final state (model.c's dinit/dfinal buffers), so one
 * loss trains both. The encoder's forward runs twice per training step (once to make the context,
 * once inside its backward pass), a cost of about one sixth of a step that keeps model_pass whole.
 * Owns: the pairing, teacher forcing and greedy decoding. Does not own: beam search (decode.c
 * starts from a carried state), task data (tasks.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attention/aligned.h"

static rnnlab_status s2s_fail(rnnlab_seq2seq *s, rnnlab_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(s->err, sizeof s->err, st, fmt, ap);
  va_end(ap);
  return st;
}

/* copies a model's message, prefixed with which half failed */
static rnnlab_status s2s_fail_model(rnnlab_seq2seq *s, rnnlab_status st, const char *half, const rnnlab_model *m) {
  return s2s_fail(s, st, "%s: %s", half, m->err[0] ? m->err : rnnlab_status_str(st));
}

rnnlab_status rnnlab_seq2seq_create(const rnnlab_config *cfg, rnnlab_seq2seq **out, char *err, size_t errlen) {
  return rnnlab_seq2seq_create_attention(cfg, RNNLAB_ATTENTION_NONE, out, err, errlen);
}

rnnlab_status rnnlab_seq2seq_create_attention(const rnnlab_config *cfg, int32_t attention, rnnlab_seq2seq **out, char *err,
                                              size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out || !cfg) return RNNLAB_EINVAL;
  *out = NULL;
  if (attention < RNNLAB_ATTENTION_NONE || attention > RNNLAB_ATTENTION_GENERAL)
    return status_fail(err, errlen, RNNLAB_EINVAL, "attention: unknown form %d (0 none, 1 additive, 2 dot, 3 general)", attention);
  if (cfg->bidirectional != 0 && cfg->bidirectional != 1) return status_fail(err, errlen, RNNLAB_EINVAL, "config.bidirectional must be 0 or 1");
  const int aligned_model = attention != RNNLAB_ATTENTION_NONE || cfg->bidirectional;
  rnnlab_seq2seq *s = calloc(1, sizeof *s);
  if (!s) return RNNLAB_ENOMEM;
  rnnlab_config ce = *cfg, cd = *cfg;
  ce.input_kind = cd.input_kind = RNNLAB_INPUT_ONEHOT;
  ce.output_kind = cd.output_kind = RNNLAB_OUTPUT_SOFTMAX;
  ce.output_size = 2; /* the encoder's readout is never used: the smallest softmax */
  cd.input_size = cfg->output_size;
  cd.bidirectional = 0;
  if (aligned_model) { /* the decoder starts from [forward ; reverse] and may read the context */
    const int C = (cfg->bidirectional ? 2 : 1) * cfg->hidden_size;
    cd.hidden_size = C;
    if (attention == RNNLAB_ATTENTION_ADDITIVE) cd.input_kind = RNNLAB_INPUT_DENSE, cd.input_size = cfg->output_size + C;
  }
  /* distinct weights for the two halves, both from the one seed */
  uint64_t seed = (uint64_t)cfg->seed_hi << 32 | cfg->seed_lo, sd = seed ^ SEQ2SEQ_DECODER_SALT;
  cd.seed_lo = (uint32_t)sd, cd.seed_hi = (uint32_t)(sd >> 32);
  rnnlab_status st = rnnlab_model_create(&ce, &s->enc, err, errlen);
  if (!st) {
    char derr[ERRLEN];
    st = rnnlab_model_create(&cd, &s->dec, derr, sizeof derr);
    if (st) status_fail(err, errlen, st, "decoder: %s", derr);
  }
  s->attention = attention;
  if (!st && aligned_model) {
    st = aligned_create(s, attention);
    if (st) status_fail(err, errlen, st, "out of memory for the attention layer");
  }
  if (st) {
    rnnlab_seq2seq_free(s);
    return st;
  }
  rng_seed(&s->rng, seed ^ 0x5EC25EC2ull);
  *out = s;
  return RNNLAB_OK;
}

void rnnlab_seq2seq_free(rnnlab_seq2seq *s) {
  if (!s) return;
  rnnlab_trainer_free(s->tenc);
  rnnlab_trainer_free(s->tdec);
  rnnlab_model_free(s->enc);
  rnnlab_model_free(s->dec);
  aligned_free(s->al);
  free(s->in), free(s->col), free(s->pred), free(s->probs);
  free(s);
}

const char *rnnlab_seq2seq_error(const rnnlab_seq2seq *s) { return s ? s->err : "seq2seq is NULL"; }
rnnlab_model *rnnlab_seq2seq_encoder(rnnlab_seq2seq *s) { return s ? s->enc : NULL; }
rnnlab_model *rnnlab_seq2seq_decoder(rnnlab_seq2seq *s) { return s ? s->dec : NULL; }
rnnlab_trainer *rnnlab_seq2seq_trainer(rnnlab_seq2seq *s, int which) { return !s ? NULL : which ? s->tdec : s->tenc; }
int64_t rnnlab_seq2seq_param_count(const rnnlab_seq2seq *s) {
  if (!s) return 0;
  const int64_t readout = 2 * ((int64_t)s->enc->D * s->enc->cfg.hidden_size + 1);
  int64_t att = 0;
  if (s->al)
    for (int i = 0; i < s->al->att.n_tensors; i++) att += (int64_t)s->al->att.tensors[i].rows * s->al->att.tensors[i].cols;
  return rnnlab_model_param_count(s->enc) - readout + rnnlab_model_param_count(s->dec) + att;
}

static rnnlab_status ensure_buffers(rnnlab_seq2seq *s, int B, int U) {
  const size_t BU = (size_t)B * U, V = (size_t)s->dec->cfg.output_size;
  if (BU > s->cap_BU) {
    int32_t *in = realloc(s->in, sizeof(int32_t) * BU);
    if (!in) return s2s_fail(s, RNNLAB_ENOMEM, "out of memory for a batch of %d x %d", B, U);
    s->in = in, s->cap_BU = BU;
  }
  if ((size_t)B > s->cap_B) {
    int32_t *col = realloc(s->col, sizeof(int32_t) * B), *pred = col ? realloc(s->pred, sizeof(int32_t) * B) : NULL;
    if (col) s->col = col;
    if (pred) s->pred = pred;
    float *probs = pred ? realloc(s->probs, sizeof(float) * B * V) : NULL;
    if (!probs) return s2s_fail(s, RNNLAB_ENOMEM, "out of memory for a batch of %d", B);
    s->probs = probs, s->cap_B = B;
  }
  return RNNLAB_OK;
}

static rnnlab_status check_batch(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b) {
  if (!b) return s2s_fail(s, RNNLAB_EINVAL, "batch is NULL");
  if (b->batch < 1) return s2s_fail(s, RNNLAB_EINVAL, "batch.batchSize must be >= 1, got %d", b->batch);
  if (b->src_length < 1) return s2s_fail(s, RNNLAB_EINVAL, "batch.srcLength must be >= 1, got %d", b->src_length);
  if (b->tgt_length < 1) return s2s_fail(s, RNNLAB_EINVAL, "batch.tgtLength must be >= 1, got %d", b->tgt_length);
  if (!b->src || !b->dec_in || !b->dec_tgt) return s2s_fail(s, RNNLAB_EINVAL, "batch: src, decIn and decTgt are required");
  return ensure_buffers(s, b->batch, b->tgt_length);
}

/* Encoder forward over the sources, leaving its final state carried. backward: also the
 * encoder's backward from the decoder's dL/d(initial state). */
static rnnlab_status encode(rnnlab_seq2seq *s, const int32_t *src, int B, int S, int backward) {
  rnnlab_batch eb = {B, S, src, NULL, NULL, NULL, NULL, 0};
  rnnlab_status st = model_check_batch(s->enc, &eb);
  if (st) return s2s_fail_model(s, st, "source", s->enc);
  if (backward) {
    const size_t BH = (size_t)B * s->enc->cfg.hidden_size;
    for (int l = 0; l < s->enc->cfg.layers; l++) {
      memcpy(s->enc->C[l][0].dfinal_h, s->dec->C[l][0].dinit_h, sizeof(float) * BH);
      memcpy(s->enc->C[l][0].dfinal_c, s->dec->C[l][0].dinit_c, sizeof(float) * BH);
    }
    s->enc->inject_final_grad = 1;
  }
  st = model_pass(s->enc, &eb, 0, S, 0, backward, NULL, NULL);
  s->enc->inject_final_grad = 0;
  if (st) return s2s_fail_model(s, st, "encoder", s->enc);
  st = model_copy_state(s->dec, s->enc, B);
  if (st) return s2s_fail_model(s, st, "decoder", s->dec);
  return RNNLAB_OK;
}

/* One decoder step from the carried state: probs (B,V) for the tokens in s->col. */
static rnnlab_status decode_step(rnnlab_seq2seq *s, int B) {
  rnnlab_batch db = {B, 1, s->col, NULL, NULL, NULL, NULL, 1};
  rnnlab_status st = model_check_batch(s->dec, &db);
  if (!st) st = model_pass(s->dec, &db, 0, 1, 1, 0, s->probs, NULL);
  return st ? s2s_fail_model(s, st, "decoder", s->dec) : RNNLAB_OK;
}

static int32_t argmax(const float *p, int V) {
  int32_t k = 0;
  for (int v = 1; v < V; v++)
    if (p[v] > p[k]) k = v;
  return k;
}

/* The pass: encoder, decoder on b->dec_in (or s->in when own_inputs), and when backward the
 * decoder's then the encoder's backward. Gradients are added to both models. */
static rnnlab_status pass(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, const int32_t *dec_in, int backward,
                          float *outputs, float *loss) {
  if (s->al) return aligned_pass(s, b, backward, 1.0f, outputs, loss);
  const int B = b->batch, U = b->tgt_length;
  rnnlab_status st = encode(s, b->src, B, b->src_length, 0);
  if (st) return st;
  rnnlab_batch db = {B, U, dec_in, NULL, b->dec_tgt, NULL, NULL, 1};
  st = model_check_batch(s->dec, &db);
  if (!st) st = model_pass(s->dec, &db, 0, U, 1, backward, outputs, loss);
  if (st) return s2s_fail_model(s, st, "decoder", s->dec);
  if (backward) return encode(s, b->src, B, b->src_length, 1);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_seq2seq_forward(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, float *outputs, float *loss) {
  if (!s) return RNNLAB_EINVAL;
  s->err[0] = 0;
  rnnlab_status st = check_batch(s, b);
  return st ? st : pass(s, b, b->dec_in, 0, outputs, loss);
}

rnnlab_status rnnlab_seq2seq_backward(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, float *loss) {
  if (!s) return RNNLAB_EINVAL;
  s->err[0] = 0;
  rnnlab_status st = check_batch(s, b);
  if (st) return st;
  rnnlab_model_zero_grad(s->enc); /* the gradient contract (rnnlab.h): exactly this batch's */
  rnnlab_model_zero_grad(s->dec);
  return pass(s, b, b->dec_in, 1, NULL, loss); /* the aligned pass zeroes the attention's own */
}

/* Decoder inputs under teacher forcing ratio r: position u+1 (inside the target) reads the
 * model's own argmax at u with probability 1 - r. Needs one step-by-step decoder pass. */
static rnnlab_status mix_inputs(rnnlab_seq2seq *s, const rnnlab_seq2seq_batch *b, float r) {
  const int B = b->batch, U = b->tgt_length, V = s->dec->cfg.output_size;
  memcpy(s->in, b->dec_in, sizeof(int32_t) * B * U);
  if (r >= 1.0f) return RNNLAB_OK;
  rnnlab_status st = encode(s, b->src, B, b->src_length, 0);
  for (int u = 0; u < U && !st; u++) {
    for (int i = 0; i < B; i++) s->col[i] = s->in[i * U + u];
    st = decode_step(s, B);
    if (st || u + 1 == U) break;
    for (int i = 0; i < B; i++)
      if (b->dec_tgt[i * U + u + 1] >= 0 && rng_uniform(&s->rng) >= r) s->in[i * U + u + 1] = argmax(s->probs + (size_t)i * V, V);
  }
  return st;
}

rnnlab_status rnnlab_seq2seq_step(rnnlab_seq2seq *s, const rnnlab_train_config *tc, const rnnlab_seq2seq_batch *b,
                                  float teacher_forcing, rnnlab_step_result *r) {
  if (!s) return RNNLAB_EINVAL;
  s->err[0] = 0;
  if (r) memset(r, 0, sizeof *r);
  if (!tc) return s2s_fail(s, RNNLAB_EINVAL, "train config is NULL");
  if (!(teacher_forcing >= 0.0f && teacher_forcing <= 1.0f)) return s2s_fail(s, RNNLAB_EINVAL, "teacherForcing must be in [0, 1]");
  rnnlab_status st = check_batch(s, b);
  if (st) return st;
  char err[ERRLEN];
  if (!s->tenc) {
    st = rnnlab_trainer_create(s->enc, tc, &s->tenc, err, sizeof err);
    if (!st) st = rnnlab_trainer_create(s->dec, tc, &s->tdec, err, sizeof err);
    if (!st && s->al && !s->al->have_opt) {
      st = optimizer_init(&s->al->opt, tc, s->al->att.n, err, sizeof err);
      s->al->have_opt = !st;
    }
    if (st) {
      rnnlab_trainer_free(s->tenc), s->tenc = NULL;
      rnnlab_trainer_free(s->tdec), s->tdec = NULL;
      return s2s_fail(s, st, "%s", err);
    }
  } else if (tc->learning_rate != s->tenc->opt.tc.learning_rate) {
    st = rnnlab_trainer_set_learning_rate(s->tenc, tc->learning_rate);
    if (!st) st = rnnlab_trainer_set_learning_rate(s->tdec, tc->learning_rate);
    if (!st && s->al) st = optimizer_set_learning_rate(&s->al->opt, tc->learning_rate, err, sizeof err);
    if (st) return s2s_fail(s, st, "%s", s->tenc->err[0] ? s->tenc->err : err);
  }
  float loss = 0;
  if (s->al) {
    rnnlab_model_zero_grad(s->enc);
    rnnlab_model_zero_grad(s->dec);
    st = aligned_pass(s, b, 1, teacher_forcing, NULL, &loss);
  } else {
    st = mix_inputs(s, b, teacher_forcing);
    if (st) return st;
    rnnlab_model_zero_grad(s->enc);
    rnnlab_model_zero_grad(s->dec);
    st = pass(s, b, s->in, 1, NULL, &loss);
  }
  if (st) return st;
  const param_arena ae = trainer_arena(s->enc), ad = trainer_arena(s->dec);
  const param_arena aa = s->al ? aligned_arena(s->al) : (param_arena){NULL, NULL, 0};
  /* one global norm over every part */
  const double norm = sqrt(arena_sumsq(ae.grads, ae.n) + arena_sumsq(ad.grads, ad.n) + (aa.n ? arena_sumsq(aa.grads, aa.n) : 0.0));
  if (!isfinite(norm)) return s2s_fail(s, RNNLAB_ENONFINITE, "gradient norm is not finite: weights not updated; lower the learning rate or enable clipNorm");
  int clipped = optimizer_apply(&s->tenc->opt, &ae, norm);
  clipped |= optimizer_apply(&s->tdec->opt, &ad, norm);
  if (aa.n) clipped |= optimizer_apply(&s->al->opt, &aa, norm);
  if (r) r->loss = loss, r->grad_norm = (float)norm, r->clipped = clipped, r->chunks = 1;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_seq2seq_greedy(rnnlab_seq2seq *s, const int32_t *src, int32_t B, int32_t S, int32_t bos,
                                    int32_t eos, int32_t max_len, int32_t *out, int32_t *lengths) {
  if (!s) return RNNLAB_EINVAL;
  s->err[0] = 0;
  const int V = s->dec->cfg.output_size;
  if (B < 1 || S < 1) return s2s_fail(s, RNNLAB_EINVAL, "batchSize and srcLength must be >= 1");
  if (max_len < 1 || max_len > 1 << 16) return s2s_fail(s, RNNLAB_EINVAL, "maxLength must be in [1, 65536], got %d", max_len);
  if (bos < 0 || bos >= V || eos < 0 || eos >= V) return s2s_fail(s, RNNLAB_EINVAL, "bos and eos must be target symbols in [0, %d)", V);
  rnnlab_status st = ensure_buffers(s, B, 1);
  if (st) return st;
  if (s->al) return aligned_greedy(s, src, B, S, bos, eos, max_len, out, lengths);
  st = encode(s, src, B, S, 0);
  if (st) return st;
  for (int i = 0; i < B; i++) s->col[i] = bos, lengths[i] = -1;
  for (size_t i = 0; i < (size_t)B * max_len; i++) out[i] = -1;
  for (int u = 0; u < max_len; u++) {
    st = decode_step(s, B);
    if (st) return st;
    int running = 0;
    for (int i = 0; i < B; i++) {
      const int32_t y = argmax(s->probs + (size_t)i * V, V);
      if (lengths[i] < 0) {
        out[(size_t)i * max_len + u] = y;
        if (y == eos) lengths[i] = u;
        else running++;
      }
      s->col[i] = y; /* finished rows keep stepping; their output is ignored */
    }
    if (!running) break;
  }
  for (int i = 0; i < B; i++)
    if (lengths[i] < 0) lengths[i] = max_len;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_seq2seq_decode(rnnlab_seq2seq *s, const int32_t *src, int32_t S, int32_t bos,
                                    const rnnlab_decode_config *dc, int32_t *tokens, int32_t *lengths,
                                    float *log_probs, float *scores, int32_t *count) {
  if (!s || !dc) return RNNLAB_EINVAL;
  s->err[0] = 0;
  if (S < 1) return s2s_fail(s, RNNLAB_EINVAL, "srcLength must be >= 1, got %d", S);
  const int V = s->dec->cfg.output_size;
  if (bos < 0 || bos >= V) return s2s_fail(s, RNNLAB_EINVAL, "bos must be a target symbol in [0, %d), got %d", V, bos);
  rnnlab_status st = ensure_buffers(s, 1, 1);
  if (st) return st;
  if (s->al) return aligned_decode(s, src, S, bos, dc, tokens, lengths, log_probs, scores, count);
  st = encode(s, src, 1, S, 0);
  if (st) return st;
  const int32_t prompt[1] = {bos};
  st = rnnlab_model_generate(s->dec, dc, prompt, 1, 1, tokens, lengths, log_probs, scores, count);
  return st ? s2s_fail_model(s, st, "decoder", s->dec) : RNNLAB_OK;
}

rnnlab_status rnnlab_seq2seq_evaluate(rnnlab_seq2seq *s, rnnlab_task *t, int32_t count, int32_t length, uint64_t seed,
                                      int32_t beam_width, rnnlab_task_result *r) {
  if (!s || !t || !r) return RNNLAB_EINVAL;
  s->err[0] = 0;
  const rnnlab_task_info *info = rnnlab_task_get_info(t);
  if (!info->is_seq2seq) return s2s_fail(s, RNNLAB_EINVAL, "task is not sequence-to-sequence");
  if (info->vocab_size != s->enc->cfg.input_size || info->vocab_size != s->dec->cfg.output_size)
    return s2s_fail(s, RNNLAB_EINVAL, "the seq2seq's vocabularies (%d in, %d out) do not fit the task's %d symbols",
                    s->enc->cfg.input_size, s->dec->cfg.output_size, info->vocab_size);
  rnnlab_seq2seq_batch ref;
  rnnlab_status st = rnnlab_task_seq2seq_eval(t, count, length, seed, &ref);
  if (st) return s2s_fail(s, st, "%s", rnnlab_task_error(t));
  const int B = ref.batch, S = ref.src_length, U = ref.tgt_length;
  int32_t *pred = malloc(sizeof(int32_t) * (size_t)B * U), *len = malloc(sizeof(int32_t) * (size_t)B * (beam_width > 1 ? beam_width : 1));
  int32_t *beams = beam_width > 1 ? malloc(sizeof(int32_t) * (size_t)beam_width * U) : NULL;
  float *lp = beam_width > 1 ? malloc(sizeof(float) * (size_t)beam_width) : NULL;
  if (!pred || !len || (beam_width > 1 && (!beams || !lp))) {
    st = s2s_fail(s, RNNLAB_ENOMEM, "out of memory decoding %d sequences", B);
    goto done;
  }
  if (beam_width <= 1) {
    st = rnnlab_seq2seq_greedy(s, ref.src, B, S, info->bos_id, info->eos_id, U, pred, len);
  } else {
    rnnlab_decode_config dc;
    rnnlab_decode_config_default(&dc);
    dc.strategy = RNNLAB_DECODE_BEAM, dc.length = U, dc.beam_width = beam_width, dc.eos = info->eos_id;
    for (int i = 0; i < B && !st; i++) {
      int32_t n = 0;
      st = rnnlab_seq2seq_decode(s, ref.src + (size_t)i * S, S, info->bos_id, &dc, beams, len, lp, NULL, &n);
      memcpy(pred + (size_t)i * U, beams, sizeof(int32_t) * U);
    }
  }
  if (st) goto done;
  st = rnnlab_task_seq2seq_score(t, &ref, pred, U, r);
  if (st) {
    st = s2s_fail(s, st, "%s", rnnlab_task_error(t));
    goto done;
  }
  float loss = 0;
  st = pass(s, &ref, ref.dec_in, 0, NULL, &loss);
  r->loss = loss;
done:
  free(pred), free(len), free(beams), free(lp);
  return st;
}

/* ---- attention (the aligned model: attention/aligned.c) ---- */

int32_t rnnlab_seq2seq_attention(const rnnlab_seq2seq *s) { return s ? s->attention : -1; }
int32_t rnnlab_seq2seq_aligned(const rnnlab_seq2seq *s) { return s && s->al ? 1 : 0; }

rnnlab_status rnnlab_seq2seq_attention_trace(rnnlab_seq2seq *s, float *out) {
  if (!s) return RNNLAB_EINVAL;
  s->err[0] = 0;
  if (!s->al || s->attention == RNNLAB_ATTENTION_NONE) return s2s_fail(s, RNNLAB_ESTATE, "this seq2seq model has no attention");
  const aligned *al = s->al;
  if (!al->B) return s2s_fail(s, RNNLAB_ESTATE, "no pass to trace: run forward or backward first");
  const int B = al->B, S = al->S, U = al->U;
  for (int u = 0; u < U; u++)
    for (int b = 0; b < B; b++) memcpy(out + ((size_t)b * U + u) * S, al->alpha + ((size_t)u * B + b) * S, sizeof(float) * S);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_seq2seq_align(rnnlab_seq2seq *s, const int32_t *src, int32_t S, int32_t bos, const int32_t *tokens,
                                   int32_t len, float *out) {
  if (!s) return RNNLAB_EINVAL;
  s->err[0] = 0;
  if (!s->al || s->attention == RNNLAB_ATTENTION_NONE) return s2s_fail(s, RNNLAB_ESTATE, "this seq2seq model has no attention");
  const int V = s->dec->cfg.output_size;
  if (S < 1) return s2s_fail(s, RNNLAB_EINVAL, "srcLength must be >= 1, got %d", S);
  if (len < 0 || len > 1 << 16) return s2s_fail(s, RNNLAB_EINVAL, "tokens: length must be in [0, 65536], got %d", len);
  if (bos < 0 || bos >= V) return s2s_fail(s, RNNLAB_EINVAL, "bos must be a target symbol in [0, %d), got %d", V, bos);
  for (int i = 0; i < S; i++)
    if (src[i] < 0 || src[i] >= s->enc->cfg.input_size) return s2s_fail(s, RNNLAB_EINVAL, "src[%d] = %d is not a source symbol", i, src[i]);
  for (int i = 0; i < len; i++)
    if (tokens[i] < 0 || tokens[i] >= V) return s2s_fail(s, RNNLAB_EINVAL, "tokens[%d] = %d is not a target symbol", i, tokens[i]);
  rnnlab_status st = ensure_buffers(s, 1, 1);
  return st ? st : len ? aligned_align(s, src, S, bos, tokens, len, out) : RNNLAB_OK;
}

static const tensor_info *att_tensor(const rnnlab_seq2seq *s, int32_t i) {
  return s && s->al && i >= 0 && i < s->al->att.n_tensors ? &s->al->att.tensors[i] : NULL;
}
int32_t rnnlab_seq2seq_attention_tensor_count(const rnnlab_seq2seq *s) { return s && s->al ? s->al->att.n_tensors : 0; }
const char *rnnlab_seq2seq_attention_tensor_name(const rnnlab_seq2seq *s, int32_t i) {
  const tensor_info *t = att_tensor(s, i);
  return t ? t->name : NULL;
}
int32_t rnnlab_seq2seq_attention_tensor_rows(const rnnlab_seq2seq *s, int32_t i) {
  const tensor_info *t = att_tensor(s, i);
  return t ? t->rows : 0;
}
int32_t rnnlab_seq2seq_attention_tensor_cols(const rnnlab_seq2seq *s, int32_t i) {
  const tensor_info *t = att_tensor(s, i);
  return t ? t->cols : 0;
}

rnnlab_status rnnlab_seq2seq_attention_get_tensor(rnnlab_seq2seq *s, int32_t i, int32_t which, float *out) {
  if (!s) return RNNLAB_EINVAL;
  const tensor_info *t = att_tensor(s, i);
  if (!t) return s2s_fail(s, RNNLAB_EINVAL, "attention tensor index %d out of range [0, %d)", i, rnnlab_seq2seq_attention_tensor_count(s));
  if (which != 0 && which != 1) return s2s_fail(s, RNNLAB_EINVAL, "which must be 0 (weights) or 1 (gradients)");
  const float *src = (which ? s->al->att.grads : s->al->att.params) + t->offset;
  for (int r = 0; r < t->rows; r++)
    for (int c = 0; c < t->cols; c++)
      out[(size_t)r * t->cols + c] = t->transposed ? src[(size_t)c * t->rows + r] : src[(size_t)r * t->cols + c];
  return RNNLAB_OK;
}

rnnlab_status rnnlab_seq2seq_attention_set_tensor(rnnlab_seq2seq *s, int32_t i, const float *in) {
  if (!s) return RNNLAB_EINVAL;
  const tensor_info *t = att_tensor(s, i);
  if (!t) return s2s_fail(s, RNNLAB_EINVAL, "attention tensor index %d out of range [0, %d)", i, rnnlab_seq2seq_attention_tensor_count(s));
  const size_t n = (size_t)t->rows * t->cols;
  for (size_t k = 0; k < n; k++)
    if (!(in[k] == in[k] && in[k] - in[k] == 0.0f)) return s2s_fail(s, RNNLAB_ENONFINITE, "attention.%s[%zu] is not finite", t->name, k);
  float *dst = s->al->att.params + t->offset;
  for (int r = 0; r < t->rows; r++)
    for (int c = 0; c < t->cols; c++)
      dst[t->transposed ? (size_t)c * t->rows + r : (size_t)r * t->cols + c] = in[(size_t)r * t->cols + c];
  return RNNLAB_OK;
}
