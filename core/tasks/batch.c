/* batch.c - task-owned batch buffers, and batches built one row (one sequence) at a time.
 *
 * Owns: the task_buf storage behind every rnnlab_batch a task hands out (grown on demand, never
 * shrunk), the view of it as an rnnlab_batch, and the row builder shared by the synthetic tasks
 * (parity, addition, reber, adding, temporal order): B rows from the kind's gen_row, padded at
 * the end to the longest, then packed at that stride.
 *
 * Does not own: what a row holds (each kind's gen_row), text streams (text.c), seq2seq pairs
 * (pairs.c), scoring (evaluate.c).
 */
#include <stdlib.h>
#include <string.h>

#include "task.h"

/* Grows *p to hold n elements of size sz (contents not kept). */
int task_grow(void **p, size_t *cap, size_t n, size_t sz) {
  if (n <= *cap && *p) return 1;
  void *q = malloc((n ? n : 1) * sz);
  if (!q) return 0;
  free(*p);
  *p = q;
  *cap = n;
  return 1;
}

/* Room for n steps in the arrays the task's info asks for (tokens or dense inputs, class ids or
 * float targets, and the mask). */
rnnlab_status batch_reserve(rnnlab_task *t, task_buf *b, size_t n) {
  if (n <= b->cap && b->mask) return RNNLAB_OK;
  const rnnlab_task_info *in = &t->info;
  int32_t *tok = NULL, *id = NULL;
  float *inp = NULL, *tg = NULL, *mask = malloc(n * sizeof(float));
  int ok = mask != NULL;
  if (in->input_kind == RNNLAB_INPUT_ONEHOT) ok = ok && (tok = malloc(n * sizeof(int32_t)));
  else ok = ok && (inp = malloc(n * in->input_size * sizeof(float)));
  if (in->output_kind == RNNLAB_OUTPUT_SOFTMAX) ok = ok && (id = malloc(n * sizeof(int32_t)));
  else ok = ok && (tg = malloc(n * in->output_size * sizeof(float)));
  if (!ok) {
    free(tok), free(id), free(inp), free(tg), free(mask);
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch of %zu steps", n);
  }
  free(b->tok), free(b->id), free(b->in), free(b->tg), free(b->mask);
  b->tok = tok, b->id = id, b->in = inp, b->tg = tg, b->mask = mask, b->cap = n;
  return RNNLAB_OK;
}

void batch_free(task_buf *b) { free(b->tok), free(b->id), free(b->in), free(b->tg), free(b->mask); }

void batch_view(const task_buf *b, int B, int T, int carry, rnnlab_batch *out) {
  memset(out, 0, sizeof *out);
  out->batch = B, out->length = T;
  out->tokens = b->tok, out->inputs = b->in;
  out->target_ids = b->id, out->targets = b->tg;
  out->mask = b->mask;
  out->carry_state = carry;
}

int task_uniform(rng_state *r, int lo, int hi) { return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1)); }

/* Fills b with B rows for nominal length L (exact: every row of length L where the kind varies
 * lengths in training) and sets *T_out to the longest row. Per row, the draws are: its length
 * (kinds with rows_vary, unless exact), then the kind's gen_row. */
rnnlab_status rows_fill(rnnlab_task *t, rng_state *r, task_buf *b, int B, int L, int exact, int *T_out) {
  const task_kind *k = t->kind;
  if (!k->gen_row) return task_fail(t, RNNLAB_ESTATE, "task '%s' has no batches of this kind", k->name);
  const int Tm = task_max_row(t, L), I = t->info.input_size, V = t->info.output_size;
  const size_t n = (size_t)B * Tm;
  rnnlab_status s = batch_reserve(t, b, n);
  if (s) return s;
  if (!task_grow((void **)&t->rows, &t->rows_cap, (size_t)B + 2 * (size_t)L + 2, sizeof(int32_t)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch");
  int32_t *rows = t->rows, *scratch = t->rows + B; /* 2 L + 2 for the generators (Reber) */
  if (b->tok) memset(b->tok, 0, n * sizeof(int32_t));
  if (b->in) memset(b->in, 0, n * I * sizeof(float));
  if (b->id) for (size_t i = 0; i < n; i++) b->id[i] = -1;
  if (b->tg) memset(b->tg, 0, n * V * sizeof(float));
  memset(b->mask, 0, n * sizeof(float));
  int T = 1;
  for (int i = 0; i < B; i++) {
    size_t o = (size_t)i * Tm;
    row_view v = {b->tok ? b->tok + o : NULL, b->in ? b->in + o * I : NULL, b->id ? b->id + o : NULL,
                  b->tg ? b->tg + o * V : NULL, b->mask + o};
    int len = L; /* only kinds with rows_vary draw a row length; the others have their own */
    if (!exact && k->rows_vary) len = task_uniform(r, t->min_length < L ? t->min_length : L, L);
    rows[i] = k->gen_row(t, r, len, scratch, v);
    if (rows[i] > T) T = rows[i];
  }
  if (T < Tm) /* compact rows from stride Tm to stride T (front to back: never overlaps ahead) */
    for (int i = 1; i < B; i++) {
      size_t from = (size_t)i * Tm, to = (size_t)i * T;
      if (b->tok) memmove(b->tok + to, b->tok + from, T * sizeof(int32_t));
      if (b->in) memmove(b->in + to * I, b->in + from * I, (size_t)T * I * sizeof(float));
      if (b->id) memmove(b->id + to, b->id + from, T * sizeof(int32_t));
      if (b->tg) memmove(b->tg + to * V, b->tg + from * V, (size_t)T * V * sizeof(float));
      memmove(b->mask + to, b->mask + from, T * sizeof(float));
    }
  *T_out = T;
  return RNNLAB_OK;
}

/* The next training batch of a row-built kind, from the task's own stream. */
rnnlab_status rows_batch(rnnlab_task *t, int B, int L, rnnlab_batch *out) {
  int T;
  rnnlab_status s = rows_fill(t, &t->rng, &t->train, B, L, 0, &T);
  if (s) return s;
  batch_view(&t->train, B, T, 0, out);
  return RNNLAB_OK;
}
