/* evaluate.c - scoring outputs against a plain task's batch, and evaluating a model on fresh
 * held-out batches of the row-built tasks.
 *
 * Owns: the accumulation of per-step criteria into an rnnlab_task_result (loss, step and
 * sequence accuracy, bits, the largest error), the argmax criterion the class-target tasks share,
 * the check that a model fits a task, the forward pass of an evaluation, and the evaluation loop
 * of the row-built tasks (EVAL_CHUNK sequences per pass from a stream seeded by the caller).
 *
 * Does not own: each kind's own step criterion (its score_step, e.g. reber.c), the text task's
 * evaluation over its held-out split (text.c), exact-match scoring of seq2seq pairs (pairs.c).
 */
#include <math.h>
#include <string.h>

#include "task.h"

/* The class with the largest output (the first on ties) is the target; loss -log p(target). */
int score_argmax(const float *o, int V, int32_t id, const float *d, double *loss, float *err) {
  (void)d, (void)err;
  *loss = -log((double)safe_p(o[id]));
  int best = 0;
  for (int k = 1; k < V; k++) if (o[k] > o[best]) best = k;
  return best == id;
}

/* Adds every targeted step of b (mask > 0; without a mask, class id >= 0) to a; a sequence is
 * right when every targeted step is. outputs (B,T,V). */
rnnlab_status score_rows(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, score_acc *a) {
  const int V = t->info.output_size, B = b->batch, T = b->length, cls = t->info.output_kind == RNNLAB_OUTPUT_SOFTMAX;
  if (cls ? !b->target_ids : !b->targets)
    return task_fail(t, RNNLAB_EINVAL, "task_score: the batch has no %s targets", cls ? "class" : "float");
  for (int i = 0; i < B; i++) {
    int any = 0, ok = 1;
    for (int j = 0; j < T; j++) {
      const size_t r = (size_t)i * T + j;
      const int32_t id = cls ? b->target_ids[r] : 0;
      if (b->mask ? !(b->mask[r] > 0) : (cls && id < 0)) continue;
      if (cls && (id < 0 || id >= V)) continue;
      double l = 0;
      int right = t->kind->score_step(outputs + r * V, V, id, cls ? NULL : b->targets + r * V, &l, &a->max_err);
      any = 1, ok &= right;
      a->steps++, a->steps_ok += right, a->loss += l;
      if (cls) a->bits -= log2((double)safe_p(outputs[r * V + id]));
    }
    if (any) a->seqs++, a->seqs_ok += ok;
  }
  return RNNLAB_OK;
}

/* The result of a; a stream (text) counts steps, not sequences, and adds bits per character. */
void score_finish(const rnnlab_task *t, const score_acc *a, rnnlab_task_result *r) {
  const int stream = t->kind->stream;
  memset(r, 0, sizeof *r);
  r->steps = (int32_t)a->steps, r->sequences = (int32_t)a->seqs;
  r->loss = a->steps ? (float)(a->loss / a->steps) : 0;
  r->step_accuracy = a->steps ? (float)((double)a->steps_ok / a->steps) : 0;
  r->accuracy = stream ? r->step_accuracy : a->seqs ? (float)((double)a->seqs_ok / a->seqs) : 0;
  if (stream) r->bpc = a->steps ? (float)(a->bits / a->steps) : 0;
  r->max_error = a->max_err;
  r->solved = !stream && a->seqs > 0 && r->accuracy >= t->info.target_accuracy;
}

rnnlab_status eval_check_model(rnnlab_task *t, const rnnlab_model *m) {
  const rnnlab_config *c = rnnlab_model_config(m);
  const rnnlab_task_info *in = &t->info;
  const char *name = t->kind->name;
  static const char *const ik[] = {"onehot", "dense"}, *const ok[] = {"softmax", "sigmoid", "linear"};
  if (c->input_kind != in->input_kind || c->input_size != in->input_size)
    return task_fail(t, RNNLAB_EINVAL, "task '%s' needs a model with input '%s' of size %d (the model has '%s' of size %d)", name,
                     ik[in->input_kind], in->input_size, ik[c->input_kind & 1], c->input_size);
  if (c->output_size != in->output_size)
    return task_fail(t, RNNLAB_EINVAL, "task '%s' needs a model with outputSize %d (the model has %d)", name, in->output_size, c->output_size);
  int want_cls = in->output_kind == RNNLAB_OUTPUT_SOFTMAX, has_cls = c->output_kind == RNNLAB_OUTPUT_SOFTMAX;
  if (want_cls != has_cls)
    return task_fail(t, RNNLAB_EINVAL, "task '%s' needs a model with output %s (the model has '%s')", name,
                     want_cls ? "'softmax'" : "'sigmoid' or 'linear'", ok[c->output_kind % 3]);
  return RNNLAB_OK;
}

/* The model's outputs for b into t->out (sized by the caller); the model's message on failure. */
rnnlab_status eval_forward(rnnlab_task *t, rnnlab_model *m, const rnnlab_batch *b, float *loss) {
  rnnlab_status s = rnnlab_model_forward(m, b, t->out, loss);
  if (s) {
    const char *msg = rnnlab_model_error(m);
    return task_fail(t, s, "evaluate: %s", msg && msg[0] ? msg : rnnlab_status_str(s));
  }
  return RNNLAB_OK;
}

/* count (0: the criterion's) fresh sequences at exactly length L (kinds with their own length
 * draws keep them), from the stream of the caller's seed; the model's state was kept by
 * rnnlab_task_evaluate and is restored here. loss: the model's, per targeted step. */
rnnlab_status rows_evaluate(rnnlab_task *t, rnnlab_model *m, int count, int L, uint64_t seed, rnnlab_task_result *r) {
  rnnlab_status s = task_check_length(t, "length", L);
  if (s) return s;
  const int N = count ? count : t->info.eval_count, V = t->info.output_size;
  rng_state rng;
  rng_seed(&rng, task_mix_seed(seed, SALT_EVAL));
  score_acc a = {0};
  double model_loss = 0, weight = 0;
  for (int done = 0; done < N && !s; done += EVAL_CHUNK) {
    int B = N - done < EVAL_CHUNK ? N - done : EVAL_CHUNK, T;
    s = rows_fill(t, &rng, &t->eval, B, L, 1, &T);
    if (s) break;
    if (!task_grow((void **)&t->out, &t->out_cap, (size_t)B * T * V, sizeof(float))) {
      s = task_fail(t, RNNLAB_ENOMEM, "out of memory for evaluation outputs");
      break;
    }
    rnnlab_batch b;
    float loss = 0;
    batch_view(&t->eval, B, T, 0, &b);
    s = eval_forward(t, m, &b, &loss);
    if (s) break;
    double w = 0;
    for (size_t i = 0; i < (size_t)B * T; i++) w += t->eval.mask[i];
    model_loss += (double)loss * w, weight += w;
    score_rows(t, &b, t->out, &a);
  }
  rnnlab_model_restore_state(m); /* the training stream's carried state, as it was */
  if (s) return s;
  score_finish(t, &a, r);
  r->loss = weight > 0 ? (float)(model_loss / weight) : 0;
  return RNNLAB_OK;
}
