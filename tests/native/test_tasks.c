/* test_tasks.c - the task generators and scorers of core/tasks/: every generator is
 * deterministic from its seed and obeys its definition (parity and addition targets equal the
 * true parity and sum bits; every embedded Reber string is accepted by an independent matcher and
 * its targets are exactly the legal next symbols; adding and temporal-order sequences follow
 * Hochreiter & Schmidhuber 1997's placement rules), each scorer gives a perfect oracle 1.0 and a
 * wrong one less, text builds its vocabulary with an unknown symbol and streams with carried
 * state, the n-gram baselines improve with order on repetitive text, sequence-to-sequence batches
 * have the documented layout, and bad options or calls are refused with a message naming the
 * problem, after which the task still works. */
#include <stdlib.h>
#include <string.h>

#include "../../core/rnnlab.h"
#include "check.h"

static char err[256];

static rnnlab_task *make(const char *name, const char *opts) {
  rnnlab_task *t = NULL;
  rnnlab_status s = rnnlab_task_create(name, opts, NULL, 0, &t, err, sizeof err);
  CHECK(s == RNNLAB_OK && t, "create %s(%s): %s", name, opts ? opts : "", err);
  return t;
}

static int contains(const char *hay, const char *needle) { return hay && strstr(hay, needle) != NULL; }

/* Bytes of everything a batch points at, for determinism checks. */
static uint64_t batch_hash(const rnnlab_batch *b, int I, int V) {
  uint64_t h = 1469598103934665603ull;
  size_t n = (size_t)b->batch * b->length;
#define MIX(p, bytes)                                                   \
  do {                                                                  \
    const unsigned char *q = (const unsigned char *)(p);                \
    for (size_t k = 0; q && k < (bytes); k++) h = (h ^ q[k]) * 1099511628211ull; \
  } while (0)
  MIX(b->tokens, n * 4);
  MIX(b->inputs, n * I * 4);
  MIX(b->target_ids, n * 4);
  MIX(b->targets, n * V * 4);
  MIX(b->mask, n * 4);
#undef MIX
  return h ^ (uint64_t)b->length;
}

static rnnlab_model *model_for(const rnnlab_task_info *in, int cell, int H) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = cell, c.hidden_size = H;
  c.input_size = in->input_size, c.input_kind = in->input_kind;
  c.output_size = in->output_size, c.output_kind = in->output_kind;
  c.seed_lo = 7;
  rnnlab_model *m = NULL;
  CHECK(rnnlab_model_create(&c, &m, err, sizeof err) == RNNLAB_OK, "model: %s", err);
  return m;
}

/* ---- names, info, determinism ---- */

static void test_names_and_determinism(void) {
  CHECK(rnnlab_task_count() == 16, "%d tasks", rnnlab_task_count());
  CHECK(rnnlab_task_name(16) == NULL && rnnlab_task_name(-1) == NULL, "out of range names");
  for (int k = 0; k < rnnlab_task_count(); k++) {
    const char *name = rnnlab_task_name(k);
    rnnlab_task *a = make(name, "seed=42"), *b = make(name, "seed=42"), *c = make(name, "seed=43");
    if (!a || !b || !c) continue;
    const rnnlab_task_info *in = rnnlab_task_get_info(a);
    CHECK(!strcmp(rnnlab_task_get_name(a), name), "%s: name", name);
    CHECK(in->input_size > 0 && in->output_size > 0 && in->vocab_size > 0, "%s: sizes", name);
    CHECK(in->seed_lo == 42 && in->seed_hi == 0, "%s: seed in info", name);
    CHECK(rnnlab_task_symbol(a, 0, 0) && rnnlab_task_symbol(a, 1, in->output_size - 1), "%s: symbols", name);
    CHECK(rnnlab_task_symbol(a, 0, in->input_size) == NULL, "%s: symbol out of range", name);
    if (in->is_seq2seq) {
      rnnlab_seq2seq_batch x, y, z;
      CHECK(rnnlab_task_seq2seq_batch(a, 5, 0, &x) == RNNLAB_OK, "%s: %s", name, rnnlab_task_error(a));
      CHECK(rnnlab_task_seq2seq_batch(b, 5, 0, &y) == RNNLAB_OK, "%s", name);
      CHECK(x.src_length == y.src_length && x.tgt_length == y.tgt_length &&
                !memcmp(x.src, y.src, 4 * (size_t)5 * x.src_length) && !memcmp(x.dec_tgt, y.dec_tgt, 4 * (size_t)5 * x.tgt_length),
            "%s: same seed, same batch", name);
      CHECK(rnnlab_task_seq2seq_batch(c, 5, 0, &z) == RNNLAB_OK, "%s", name);
      CHECK(z.src_length != x.src_length || memcmp(z.src, x.src, 4 * (size_t)5 * x.src_length), "%s: other seed, other batch", name);
      rnnlab_batch bb;
      CHECK(rnnlab_task_batch(a, 2, 0, &bb) == RNNLAB_ESTATE && contains(rnnlab_task_error(a), "seq2seq"), "%s: plain batch refused: %s",
            name, rnnlab_task_error(a));
    } else {
      const int I = in->input_kind == RNNLAB_INPUT_DENSE ? in->input_size : 0, V = in->output_kind ? in->output_size : 0;
      rnnlab_batch x, y, z;
      uint64_t hx[3], hy[3], hz;
      for (int i = 0; i < 3; i++) {
        CHECK(rnnlab_task_batch(a, 4, 0, &x) == RNNLAB_OK, "%s: %s", name, rnnlab_task_error(a));
        CHECK(rnnlab_task_batch(b, 4, 0, &y) == RNNLAB_OK, "%s: %s", name, rnnlab_task_error(b));
        hx[i] = batch_hash(&x, I, V), hy[i] = batch_hash(&y, I, V);
        CHECK(hx[i] == hy[i], "%s: batch %d: same seed, same batch", name, i);
      }
      CHECK(hx[0] != hx[1], "%s: consecutive batches differ", name);
      CHECK(rnnlab_task_batch(c, 4, 0, &z) == RNNLAB_OK, "%s", name);
      hz = batch_hash(&z, I, V);
      CHECK(hz != hx[0], "%s: other seed, other batch", name);
      rnnlab_task_reset(a);
      CHECK(rnnlab_task_batch(a, 4, 0, &x) == RNNLAB_OK && batch_hash(&x, I, V) == hx[0], "%s: reset restarts the stream", name);
    }
    rnnlab_task_free(a), rnnlab_task_free(b), rnnlab_task_free(c);
  }
}

/* ---- definitions ---- */

static void test_parity(void) {
  for (int final = 0; final <= 1; final++) {
    rnnlab_task *t = make("parity", final ? "mode=final,length=12,minLength=3" : "length=12,minLength=3");
    if (!t) return;
    rnnlab_batch b;
    int seen_short = 0, seen_long = 0;
    for (int rep = 0; rep < 20; rep++) {
      CHECK(rnnlab_task_batch(t, 16, 0, &b) == RNNLAB_OK, "%s", rnnlab_task_error(t));
      CHECK(b.length <= 12 && b.carry_state == 0, "length %d", b.length);
      for (int i = 0; i < b.batch; i++) {
        int p = 0, n = 0, targeted = 0;
        for (int j = 0; j < b.length; j++)
          if (b.mask[i * b.length + j] > 0 || b.target_ids[i * b.length + j] >= 0) n = j + 1;
        if (final) { /* the row ends at its only target */
          for (int j = 0; j < b.length; j++) targeted += b.target_ids[i * b.length + j] >= 0;
          CHECK(targeted == 1, "final mode: one target per row, got %d", targeted);
        }
        CHECK(n >= 3 && n <= 12, "row length %d in 3..12", n);
        seen_short |= n == 3, seen_long |= n == 12;
        for (int j = 0; j < n; j++) {
          const int r = i * b.length + j, bit = b.tokens[r];
          CHECK(bit == 0 || bit == 1, "bit %d", bit);
          p ^= bit;
          if (!final || j == n - 1) CHECK(b.target_ids[r] == p && b.mask[r] == 1, "parity target at %d", j);
          else CHECK(b.target_ids[r] == -1 && b.mask[r] == 0, "no target before the end");
        }
        for (int j = n; j < b.length; j++) CHECK(b.target_ids[i * b.length + j] == -1 && b.mask[i * b.length + j] == 0, "padding");
      }
    }
    CHECK(seen_short && seen_long, "row lengths cover minLength and length");
    rnnlab_task_free(t);
  }
}

static void test_addition(void) {
  rnnlab_task *t = make("addition", "length=40,minLength=1,seed=3");
  if (!t) return;
  rnnlab_batch b;
  for (int rep = 0; rep < 10; rep++) {
    CHECK(rnnlab_task_batch(t, 32, 0, &b) == RNNLAB_OK, "%s", rnnlab_task_error(t));
    for (int i = 0; i < b.batch; i++) {
      int n = 0;
      while (n < b.length && b.mask[i * b.length + n] > 0) n++;
      CHECK(n >= 2 && n <= 41, "row of %d steps (bits + carry)", n);
      uint64_t x = 0, y = 0, s = 0;
      for (int j = 0; j < n; j++) {
        const int tok = b.tokens[i * b.length + j];
        CHECK(tok >= 0 && tok < 4, "token %d", tok);
        x |= (uint64_t)(tok & 1) << j, y |= (uint64_t)(tok >> 1) << j;
        s |= (uint64_t)b.target_ids[i * b.length + j] << j;
      }
      CHECK(b.tokens[i * b.length + n - 1] == 0, "the carry step reads the pair (0,0)");
      CHECK(s == x + y, "sum bits: %llu + %llu = %llu, targets say %llu", (unsigned long long)x, (unsigned long long)y,
            (unsigned long long)(x + y), (unsigned long long)s);
    }
  }
  rnnlab_task_free(t);
}

/* An independent matcher of the embedded Reber grammar over the characters BTPSXVE:
 * B (T|P) B T S* X ... the Reber graph as a table of (state, char) -> state. */
static int reber_next(int s, char c) {
  switch (s) {
    case 0: return c == 'B' ? 1 : -1;
    case 1: return c == 'T' ? 2 : c == 'P' ? 3 : -1;
    case 2: return c == 'S' ? 2 : c == 'X' ? 4 : -1;
    case 3: return c == 'T' ? 3 : c == 'V' ? 5 : -1;
    case 4: return c == 'X' ? 3 : c == 'S' ? 6 : -1;
    case 5: return c == 'P' ? 4 : c == 'V' ? 6 : -1;
    case 6: return c == 'E' ? 7 : -1;
    default: return -1;
  }
}

static int embedded_reber_ok(const char *s, int n) {
  if (n < 9 || s[0] != 'B' || (s[1] != 'T' && s[1] != 'P') || s[n - 2] != s[1] || s[n - 1] != 'E') return 0;
  int st = 0;
  for (int i = 2; i < n - 2; i++)
    if ((st = reber_next(st, s[i])) < 0) return 0;
  return st == 7;
}

/* Legal next characters after the prefix s[0..i] of an embedded Reber string. */
static void reber_legal(const char *s, int i, char *out) {
  const char *all = "BTPSXVE";
  int k = 0;
  for (int c = 0; c < 7; c++) {
    char buf[128];
    memcpy(buf, s, (size_t)i + 1);
    buf[i + 1] = all[c];
    /* is buf[0..i+1] a prefix of some embedded Reber string? */
    int n = i + 2, ok;
    if (n == 1) ok = buf[0] == 'B';
    else if (buf[0] != 'B') ok = 0;
    else if (n == 2) ok = buf[1] == 'T' || buf[1] == 'P';
    else {
      int st = 0, j = 2;
      ok = buf[1] == 'T' || buf[1] == 'P';
      for (; ok && j < n && st != 7; j++) ok = (st = reber_next(st, buf[j])) >= 0;
      if (ok && j < n) ok = buf[j++] == buf[1];
      if (ok && j < n) ok = buf[j++] == 'E';
      if (ok && j < n) ok = 0;
    }
    if (ok) out[k++] = all[c];
  }
  out[k] = 0;
}

static void test_reber(void) {
  rnnlab_task *t = make("reber", "seed=5");
  if (!t) return;
  const char *sym = "BTPSXVE";
  for (int v = 0; v < 7; v++) CHECK(rnnlab_task_symbol(t, 0, v)[0] == sym[v], "symbol %d", v);
  rnnlab_batch b;
  int strings = 0, longest = 0, outer_t = 0;
  for (int rep = 0; rep < 16; rep++) {
    CHECK(rnnlab_task_batch(t, 32, 0, &b) == RNNLAB_OK, "%s", rnnlab_task_error(t));
    for (int i = 0; i < b.batch; i++) {
      char s[128];
      int n = 0;
      while (n < b.length && b.mask[i * b.length + n] > 0) s[n] = sym[b.tokens[i * b.length + n]], n++;
      s[n] = 'E', n++; /* inputs are all symbols but the final E */
      CHECK(n < 128, "string length %d", n);
      CHECK(embedded_reber_ok(s, n), "accepted by the grammar: %.*s", n, s);
      outer_t += s[1] == 'T';
      for (int j = 0; j + 1 < n; j++) {
        char legal[8], got[8];
        int k = 0;
        reber_legal(s, j, legal);
        for (int v = 0; v < 7; v++)
          if (b.targets[((size_t)i * b.length + j) * 7 + v] == 1.0f) got[k++] = sym[v];
        got[k] = 0;
        /* the order of "BTPSXVE" is the same in both */
        CHECK(!strcmp(legal, got), "%.*s step %d: legal %s, targets %s", n, s, j, legal, got);
      }
      strings++, longest = n > longest ? n : longest;
    }
  }
  CHECK(strings == 512 && longest > 12, "%d strings, longest %d", strings, longest);
  CHECK(outer_t > 200 && outer_t < 312, "outer T in %d of 512", outer_t);
  rnnlab_task_free(t);
}

static void test_adding(void) {
  rnnlab_task *t = make("adding", "length=40,seed=9");
  if (!t) return;
  rnnlab_batch b;
  int first_marked_first = 0, total = 0;
  for (int rep = 0; rep < 30; rep++) {
    CHECK(rnnlab_task_batch(t, 64, 0, &b) == RNNLAB_OK, "%s", rnnlab_task_error(t));
    CHECK(b.length >= 40 && b.length <= 44 && b.inputs && b.targets && !b.tokens, "shape");
    for (int i = 0; i < b.batch; i++) {
      const float *x = b.inputs + (size_t)i * b.length * 2;
      int n = 0, marks[3], nm = 0;
      for (int j = 0; j < b.length; j++)
        if (b.mask[i * b.length + j] > 0) n = j + 1;
      CHECK(n >= 40 && n <= 44, "sequence length %d in [T, T + T/10]", n);
      for (int j = 0; j < n; j++) {
        CHECK(x[2 * j] >= -1 && x[2 * j] <= 1, "value in [-1, 1]");
        const float mk = x[2 * j + 1];
        if (mk == 1 && nm < 3) marks[nm++] = j;
        else if (j == 0 || j == n - 1) CHECK(mk == -1, "first and last unmarked pairs carry -1 (%d: %g)", j, mk);
        else CHECK(mk == 0, "marker 0 elsewhere");
        if (j < n - 1) CHECK(b.mask[i * b.length + j] == 0, "target only at the end");
      }
      CHECK(nm == 2, "two marked pairs, got %d", nm);
      if (nm != 2) continue;
      /* the first mark (one of the first ten) may come after the second (one of the first T/2 - 1
       * unmarked pairs): only the placement of both together is checked */
      const int m1 = marks[0], m2 = marks[1];
      CHECK(m1 < 10, "one mark among the first ten");
      CHECK(m2 < 20, "both marks in the first T/2 (%d, %d)", m1, m2);
      if (m1 == 0) {
        first_marked_first++;
        CHECK(x[0] == 0, "a marked first pair's value is 0");
      }
      const float want = 0.5f + (x[2 * m1] + x[2 * m2]) / 4.0f, got = b.targets[(size_t)i * b.length + n - 1];
      CHECK(fabsf(got - want) < 1e-6f && got >= 0 && got <= 1, "target %g = 0.5 + (X1 + X2)/4 = %g", got, want);
      total++;
    }
  }
  CHECK(first_marked_first > 0 && first_marked_first < total / 5, "the first pair is marked sometimes: %d of %d", first_marked_first, total);
  rnnlab_task_free(t);
}

static void test_temporal(void) {
  for (int variant = 0; variant < 2; variant++) {
    rnnlab_task *t = make("temporal-order", variant ? "variant=b,seed=4" : "seed=4");
    if (!t) return;
    const rnnlab_task_info *in = rnnlab_task_get_info(t);
    CHECK(in->input_size == 8 && in->output_size == (variant ? 8 : 4), "sizes");
    static const int lo2[2] = {10, 50}, hi2[2] = {20, 60}, lo3[3] = {10, 33, 66}, hi3[3] = {20, 43, 76};
    const int m = variant ? 3 : 2, *lo = variant ? lo3 : lo2, *hi = variant ? hi3 : hi2;
    int classes[8] = {0};
    rnnlab_batch b;
    for (int rep = 0; rep < 8; rep++) {
      CHECK(rnnlab_task_batch(t, 64, 0, &b) == RNNLAB_OK, "%s", rnnlab_task_error(t));
      for (int i = 0; i < b.batch; i++) {
        const int32_t *s = b.tokens + (size_t)i * b.length;
        int n = 0;
        for (int j = 0; j < b.length; j++)
          if (b.mask[i * b.length + j] > 0) n = j + 1;
        CHECK(n >= 100 && n <= 110, "length %d in 100..110", n);
        CHECK(!strcmp(rnnlab_task_symbol(t, 0, s[0]), "E") && !strcmp(rnnlab_task_symbol(t, 0, s[n - 1]), "B"), "starts with E, ends with B");
        int k = 0, cls = 0;
        for (int j = 1; j < n - 1; j++) {
          const char *c = rnnlab_task_symbol(t, 0, s[j]);
          if (c[0] == 'X' || c[0] == 'Y') {
            CHECK(k < m && j + 1 >= lo[k] && j + 1 <= hi[k], "relevant symbol %d at position %d in [%d, %d]", k, j + 1, k < m ? lo[k] : 0,
                  k < m ? hi[k] : 0);
            cls = cls * 2 + (c[0] == 'Y'), k++;
          } else CHECK(c[0] >= 'a' && c[0] <= 'd', "distractor %s", c);
        }
        CHECK(k == m, "%d relevant symbols", k);
        CHECK(b.target_ids[(size_t)i * b.length + n - 1] == cls, "class %d", cls);
        classes[cls]++;
      }
    }
    for (int c = 0; c < (variant ? 8 : 4); c++) CHECK(classes[c] > 20, "class %s occurs (%d)", rnnlab_task_symbol(t, 1, c), classes[c]);
    rnnlab_task_free(t);
  }
  /* shorter instances scale every bound */
  rnnlab_task *t = make("temporal-order", "length=40");
  rnnlab_batch b;
  if (t && rnnlab_task_batch(t, 8, 0, &b) == RNNLAB_OK) CHECK(b.length >= 40 && b.length <= 44, "scaled length %d", b.length);
  rnnlab_task_free(t);
}

/* ---- scorers ---- */

/* Oracle outputs for a batch: the target itself (one-hot probabilities / multi-hot / value). */
static float *oracle(const rnnlab_task_info *in, const rnnlab_batch *b) {
  const size_t n = (size_t)b->batch * b->length, V = (size_t)in->output_size;
  float *o = calloc(n * V, sizeof(float));
  for (size_t r = 0; r < n; r++) {
    if (in->output_kind == RNNLAB_OUTPUT_SOFTMAX) {
      if (b->target_ids[r] >= 0) o[r * V + b->target_ids[r]] = 1;
      else o[r * V] = 1;
    } else {
      for (size_t v = 0; v < V; v++) o[r * V + v] = b->targets[r * V + v];
      if (in->output_kind == RNNLAB_OUTPUT_SIGMOID) /* reber: legal 0.99, others 0.01 */
        for (size_t v = 0; v < V; v++) o[r * V + v] = o[r * V + v] > 0.5f ? 0.99f : 0.01f;
    }
  }
  return o;
}

static void test_scorers(void) {
  const char *names[] = {"parity", "addition", "reber", "adding", "temporal-order"};
  for (int k = 0; k < 5; k++) {
    rnnlab_task *t = make(names[k], k == 4 ? "length=30" : NULL);
    if (!t) continue;
    const rnnlab_task_info *in = rnnlab_task_get_info(t);
    rnnlab_batch b;
    rnnlab_task_result r;
    CHECK(rnnlab_task_batch(t, 10, 0, &b) == RNNLAB_OK, "%s", rnnlab_task_error(t));
    float *o = oracle(in, &b);
    CHECK(rnnlab_task_score(t, &b, o, &r) == RNNLAB_OK, "%s: %s", names[k], rnnlab_task_error(t));
    CHECK(r.accuracy == 1.0f && r.step_accuracy == 1.0f && r.solved == 1 && r.sequences == 10, "%s: oracle scores %g (steps %g)", names[k],
          r.accuracy, r.step_accuracy);
    CHECK(r.loss >= 0 && r.loss < 0.01f, "%s: oracle loss %g", names[k], r.loss);
    /* spoil one targeted step of row 3 */
    const size_t V = (size_t)in->output_size;
    size_t at = 0;
    for (int j = b.length - 1; j >= 0; j--)
      if (b.mask[3 * b.length + j] > 0) { at = (size_t)3 * b.length + j; break; }
    if (in->output_kind == RNNLAB_OUTPUT_SOFTMAX) {
      const int y = b.target_ids[at];
      o[at * V + y] = 0.2f, o[at * V + (y + 1) % V] = 0.8f;
    } else if (in->output_kind == RNNLAB_OUTPUT_SIGMOID) {
      for (size_t v = 0; v < V; v++) o[at * V + v] = 1.0f - o[at * V + v]; /* legal least active */
    } else o[at] += 0.05f; /* adding: |error| 0.05 >= 0.04 */
    CHECK(rnnlab_task_score(t, &b, o, &r) == RNNLAB_OK, "%s", names[k]);
    CHECK(fabsf(r.accuracy - 0.9f) < 1e-6f && r.step_accuracy < 1.0f && !r.solved, "%s: one wrong row scores %g", names[k], r.accuracy);
    if (k == 3) CHECK(fabsf(r.max_error - 0.05f) < 1e-5f, "adding: max error %g", r.max_error);
    if (k == 4) { /* temporal order: p = 0.65 is argmax-right but not within 0.3 of 1 */
      const int y = b.target_ids[at];
      for (size_t v = 0; v < V; v++) o[at * V + v] = v == (size_t)y ? 0.65f : 0.35f / (float)(V - 1);
      CHECK(rnnlab_task_score(t, &b, o, &r) == RNNLAB_OK && fabsf(r.accuracy - 0.9f) < 1e-6f && r.step_accuracy == 0.9f,
            "temporal: 0.65 fails H&S's 0.3 rule (%g)", r.accuracy);
    }
    free(o);
    rnnlab_task_free(t);
  }
}

static void test_evaluate(void) {
  rnnlab_task *t = make("parity", NULL);
  if (!t) return;
  const rnnlab_task_info *in = rnnlab_task_get_info(t);
  CHECK(in->eval_length == 100 && in->eval_count == 1000 && fabsf(in->target_accuracy - 0.99f) < 1e-6f, "parity criterion");
  rnnlab_model *m = model_for(in, RNNLAB_CELL_LSTM, 8);
  rnnlab_task_result r1, r2, r3;
  CHECK(rnnlab_task_evaluate(t, m, 300, 20, 11, &r1) == RNNLAB_OK, "%s", rnnlab_task_error(t));
  CHECK(rnnlab_task_evaluate(t, m, 300, 20, 11, &r2) == RNNLAB_OK, "%s", rnnlab_task_error(t));
  CHECK(rnnlab_task_evaluate(t, m, 300, 20, 12, &r3) == RNNLAB_OK, "%s", rnnlab_task_error(t));
  CHECK(!memcmp(&r1, &r2, sizeof r1), "same seed, same evaluation");
  CHECK(r1.sequences == 300 && r1.steps == 300 * 20, "counts %d %d", r1.sequences, r1.steps);
  CHECK(r1.accuracy < 0.05f && r1.step_accuracy > 0.3f && r1.step_accuracy < 0.7f && r1.loss > 0.5f && !r1.solved,
        "an untrained model: accuracy %g, steps %g, loss %g", r1.accuracy, r1.step_accuracy, r1.loss);
  CHECK(r3.loss != r1.loss, "another seed, another test set");
  /* the training stream is untouched by evaluation */
  rnnlab_task *u = make("parity", NULL);
  rnnlab_batch x, y;
  rnnlab_task_batch(t, 4, 0, &x);
  uint64_t hx = batch_hash(&x, 0, 0);
  rnnlab_task_batch(u, 4, 0, &y);
  CHECK(hx == batch_hash(&y, 0, 0), "evaluation draws from its own stream");
  rnnlab_task_free(u);
  /* a model that does not fit */
  rnnlab_task *a = make("addition", NULL);
  CHECK(rnnlab_task_evaluate(a, m, 10, 8, 1, &r1) == RNNLAB_EINVAL && contains(rnnlab_task_error(a), "input 'onehot' of size 4"),
        "wrong model: %s", rnnlab_task_error(a));
  rnnlab_task *ad = make("adding", "length=10");
  CHECK(rnnlab_task_evaluate(ad, m, 10, 0, 1, &r1) == RNNLAB_EINVAL && contains(rnnlab_task_error(ad), "dense"), "%s",
        rnnlab_task_error(ad));
  rnnlab_model *md = model_for(rnnlab_task_get_info(ad), RNNLAB_CELL_GRU, 4);
  CHECK(rnnlab_task_evaluate(ad, md, 100, 0, 1, &r1) == RNNLAB_OK && r1.sequences == 100 && r1.max_error > 0, "adding evaluate: %s",
        rnnlab_task_error(ad));
  rnnlab_model_free(md);
  rnnlab_task_free(a), rnnlab_task_free(ad);
  rnnlab_model_free(m);
  rnnlab_task_free(t);
}

/* ---- text ---- */

static rnnlab_task *make_text(const char *text, const char *opts) {
  rnnlab_task *t = NULL;
  rnnlab_status s = rnnlab_task_create("text", opts, (const uint8_t *)text, strlen(text), &t, err, sizeof err);
  CHECK(s == RNNLAB_OK && t, "create text(%s): %s", opts ? opts : "", err);
  return t;
}

static void test_text_vocab(void) {
  /* training split: 90 chars of a/b/c plus one "é" and one invalid byte; tail: "aaz..." */
  char text[256];
  int n = 0;
  for (int i = 0; i < 40; i++) text[n++] = 'a';
  for (int i = 0; i < 30; i++) text[n++] = 'b';
  for (int i = 0; i < 17; i++) text[n++] = 'c';
  memcpy(text + n, "\xc3\xa9", 2), n += 2; /* é, once */
  text[n++] = (char)0xff;                   /* invalid UTF-8 */
  text[n++] = 'c';
  for (int i = 0; i < 5; i++) text[n++] = 'a', text[n++] = 'z';
  text[n] = 0; /* 90 + 10 characters, holdout 0.1 -> the tail is the a/z part */
  rnnlab_task *t = make_text(text, "vocab=4,length=4");
  if (!t) return;
  const rnnlab_task_info *in = rnnlab_task_get_info(t);
  CHECK(in->vocab_size == 4 && in->input_size == 4 && in->unk_id == 0, "vocab %d", in->vocab_size);
  CHECK(in->train_chars == 90 && in->heldout_chars == 10, "split %d / %d", in->train_chars, in->heldout_chars);
  CHECK(!strcmp(rnnlab_task_symbol(t, 0, 0), "\xef\xbf\xbd"), "UNK is U+FFFD");
  CHECK(!strcmp(rnnlab_task_symbol(t, 0, 1), "a") && !strcmp(rnnlab_task_symbol(t, 0, 2), "b") && !strcmp(rnnlab_task_symbol(t, 1, 3), "c"),
        "the most frequent, in code point order");
  rnnlab_task_free(t);
  t = make_text(text, NULL); /* no cap: é is a symbol, the invalid byte and z are not */
  if (!t) return;
  in = rnnlab_task_get_info(t);
  CHECK(in->vocab_size == 5 && !strcmp(rnnlab_task_symbol(t, 0, 4), "\xc3\xa9"), "vocab %d, é kept", in->vocab_size);
  rnnlab_task_free(t);
  /* too short, and text for a task that takes none */
  rnnlab_task *bad = NULL;
  CHECK(rnnlab_task_create("text", NULL, (const uint8_t *)"abc", 3, &bad, err, sizeof err) == RNNLAB_EINVAL && !bad &&
            contains(err, "too short"), "short text: %s", err);
  CHECK(rnnlab_task_create("parity", NULL, (const uint8_t *)"abc", 3, &bad, err, sizeof err) == RNNLAB_EINVAL && contains(err, "takes no text"),
        "%s", err);
  CHECK(rnnlab_task_create("text", "corpus=grammar", (const uint8_t *)"abc", 3, &bad, err, sizeof err) == RNNLAB_EINVAL, "%s", err);
}

static void test_text_streams(void) {
  rnnlab_task *t = make("text", "chars=20000,length=16,seed=2");
  if (!t) return;
  const rnnlab_task_info *in = rnnlab_task_get_info(t);
  CHECK(in->vocab_size > 20 && in->vocab_size < 60 && in->train_chars + in->heldout_chars >= 20000, "grammar corpus: vocab %d, %d chars",
        in->vocab_size, in->train_chars + in->heldout_chars);
  enum { B = 4, L = 16 };
  int32_t prev_tgt[B];
  rnnlab_batch b;
  for (int call = 0; call < 5; call++) {
    CHECK(rnnlab_task_batch(t, B, 0, &b) == RNNLAB_OK, "%s", rnnlab_task_error(t));
    CHECK(b.length == L && b.carry_state == (call > 0), "call %d: carry %d", call, b.carry_state);
    for (int i = 0; i < B; i++) {
      for (int j = 0; j + 1 < L; j++) CHECK(b.target_ids[i * L + j] == b.tokens[i * L + j + 1], "targets are the next character");
      if (call > 0) CHECK(b.tokens[i * L] == prev_tgt[i], "stream %d continues", i);
      prev_tgt[i] = b.target_ids[i * L + L - 1];
    }
  }
  CHECK(rnnlab_task_batch(t, B + 1, 0, &b) == RNNLAB_OK && b.carry_state == 0, "another B starts fresh streams");
  CHECK(rnnlab_task_batch(t, 1000, 64, &b) == RNNLAB_EINVAL && contains(rnnlab_task_error(t), "training characters"), "%s",
        rnnlab_task_error(t));
  /* a sentence of the corpus */
  CHECK(rnnlab_task_batch(t, 1, 200, &b) == RNNLAB_OK, "%s", rnnlab_task_error(t));
  char s[201];
  for (int j = 0; j < 200; j++) s[j] = rnnlab_task_symbol(t, 0, b.tokens[j])[0];
  s[200] = 0;
  const char *dot = strstr(s, ". ");
  CHECK(dot && dot[2] >= 'A' && dot[2] <= 'Z' && strchr(s, ','), "English-like sentences: %s", s);
  rnnlab_task_free(t);
}

static void test_ngram(void) {
  /* repetitive text: a few sentences repeated with variation */
  const char *sent[] = {"the cat sat on the mat. ", "a dog ran to the park. ", "the bird sang a song. "};
  char *text = malloc(40000);
  size_t n = 0;
  unsigned x = 1;
  while (n < 39000) {
    x = x * 1103515245u + 12345u;
    const char *s = sent[(x >> 16) % 3];
    memcpy(text + n, s, strlen(s)), n += strlen(s);
  }
  text[n] = 0;
  rnnlab_task *t = make_text(text, "length=32");
  free(text);
  if (!t) return;
  rnnlab_model *m = model_for(rnnlab_task_get_info(t), RNNLAB_CELL_GRU, 4);
  rnnlab_task_result r;
  CHECK(rnnlab_task_evaluate(t, m, 0, 0, 0, &r) == RNNLAB_OK, "%s", rnnlab_task_error(t));
  CHECK(r.steps == rnnlab_task_get_info(t)->heldout_chars - 1, "every held-out character scored (%d)", r.steps);
  for (int k = 0; k + 1 < RNNLAB_NGRAM_ORDERS; k++)
    CHECK(r.ngram_bpc[k + 1] <= r.ngram_bpc[k], "order %d (%g) <= order %d (%g)", k + 2, r.ngram_bpc[k + 1], k + 1, r.ngram_bpc[k]);
  CHECK(r.ngram_bpc[0] > 3 && r.ngram_bpc[0] < 4.5f, "unigram %g bits", r.ngram_bpc[0]);
  CHECK(r.ngram_bpc[4] < 0.6f, "5-gram on repetitive text %g bits", r.ngram_bpc[4]);
  CHECK(r.bpc > r.ngram_bpc[0] && !r.solved, "an untrained model is worse than the unigram (%g vs %g)", r.bpc, r.ngram_bpc[0]);
  CHECK(r.accuracy == r.step_accuracy, "text accuracy is next-character accuracy");
  rnnlab_task_result r2;
  CHECK(rnnlab_task_evaluate(t, m, 100, 16, 0, &r2) == RNNLAB_OK && r2.steps == 100, "count limits the characters (%d)", r2.steps);
  rnnlab_model_free(m);
  rnnlab_task_free(t);
}

/* ---- sequence to sequence ---- */

static void test_seq2seq(void) {
  const char *names[] = {"copy", "reverse", "decimal-addition"};
  for (int k = 0; k < 3; k++) {
    rnnlab_task *t = make(names[k], k == 2 ? "length=6,seed=8" : "length=9,minLength=2,seed=8");
    if (!t) continue;
    const rnnlab_task_info *in = rnnlab_task_get_info(t);
    CHECK(in->is_seq2seq && in->pad_id == 0 && in->bos_id == 1 && in->eos_id == 2, "%s: specials", names[k]);
    CHECK(!strcmp(rnnlab_task_symbol(t, 0, 0), "<pad>") && !strcmp(rnnlab_task_symbol(t, 1, 2), "</s>"), "special names");
    rnnlab_seq2seq_batch b;
    CHECK(rnnlab_task_seq2seq_batch(t, 50, 0, &b) == RNNLAB_OK, "%s: %s", names[k], rnnlab_task_error(t));
    const int S = b.src_length, U = b.tgt_length;
    for (int i = 0; i < b.batch; i++) {
      const int32_t *s = b.src + (size_t)i * S, *d = b.dec_in + (size_t)i * U, *y = b.dec_tgt + (size_t)i * U;
      int p = 0, n = 0;
      while (p < S && s[p] == 0) p++; /* left padding */
      for (int j = p; j < S; j++) CHECK(s[j] >= 3 && s[j] < in->vocab_size, "source symbol %d", s[j]);
      while (n < U && y[n] != 2) n++;
      CHECK(n < U && d[0] == 1, "BOS first, EOS present");
      for (int j = 0; j < n; j++) CHECK(d[j + 1] == y[j] && y[j] >= 3, "dec_in is dec_tgt shifted by BOS");
      for (int j = n + 1; j < U; j++) CHECK(y[j] == -1 && d[j] == 0, "padding: -1 targets, PAD inputs");
      const int ns = S - p;
      if (k < 2) {
        CHECK(ns == n && ns >= 2 && ns <= 9, "%s: lengths %d %d", names[k], ns, n);
        for (int j = 0; j < n; j++) CHECK(y[j] == (k == 0 ? s[p + j] : s[S - 1 - j]), "%s target", names[k]);
      } else { /* "a+b" -> digits of the sum */
        unsigned long long a = 0, c = 0, sum = 0;
        int plus = 0;
        for (int j = p; j < S; j++) {
          const char ch = rnnlab_task_symbol(t, 0, s[j])[0];
          if (ch == '+') plus++;
          else if (plus) c = c * 10 + (unsigned)(ch - '0');
          else a = a * 10 + (unsigned)(ch - '0');
        }
        for (int j = 0; j < n; j++) sum = sum * 10 + (unsigned)(rnnlab_task_symbol(t, 1, y[j])[0] - '0');
        CHECK(plus == 1 && sum == a + c, "%llu + %llu = %llu", a, c, sum);
        CHECK(n == 1 || y[0] != 3, "no leading zero");
      }
      if (i < 3 && k == 0) CHECK(S >= ns, "S is the longest source");
    }
    /* evaluation set: exact length, own seed; score an oracle, a wrong and an overlong row */
    rnnlab_seq2seq_batch e;
    CHECK(rnnlab_task_seq2seq_eval(t, 20, 0, 77, &e) == RNNLAB_OK, "%s", rnnlab_task_error(t));
    CHECK(e.batch == 20 && e.src_length == (k == 2 ? 2 * in->eval_length + 1 : in->eval_length), "eval at exactly evalLength");
    const int P = e.tgt_length + 2;
    int32_t *pred = malloc(sizeof(int32_t) * (size_t)e.batch * P);
    for (int i = 0; i < e.batch; i++)
      for (int j = 0; j < P; j++) pred[i * P + j] = j < e.tgt_length ? e.dec_tgt[i * e.tgt_length + j] : -1;
    rnnlab_task_result r;
    CHECK(rnnlab_task_seq2seq_score(t, &e, pred, P, &r) == RNNLAB_OK && r.accuracy == 1 && r.step_accuracy == 1 && r.solved,
          "%s: oracle %g", names[k], r.accuracy);
    for (int i = 0; i < e.batch; i++) /* rows ending at -1 without EOS are fine too */
      for (int j = 0; j < P; j++)
        if (pred[i * P + j] == 2) pred[i * P + j] = -1;
    CHECK(rnnlab_task_seq2seq_score(t, &e, pred, P, &r) == RNNLAB_OK && r.accuracy == 1, "%s: rows ending at -1 %g", names[k], r.accuracy);
    pred[0] = pred[0] == 3 ? 4 : 3; /* row 0: a wrong first symbol */
    int n1 = 0;
    while (pred[P + n1] >= 0) n1++;
    pred[P + n1] = 5; /* row 1: one symbol too many */
    CHECK(rnnlab_task_seq2seq_score(t, &e, pred, P, &r) == RNNLAB_OK && fabsf(r.accuracy - 0.9f) < 1e-6f && !r.solved,
          "%s: two wrong rows %g", names[k], r.accuracy);
    free(pred);
    rnnlab_model *m = NULL;
    rnnlab_config c;
    rnnlab_config_default(&c);
    c.input_size = c.output_size = in->vocab_size, c.hidden_size = 4;
    rnnlab_model_create(&c, &m, err, sizeof err);
    CHECK(rnnlab_task_evaluate(t, m, 0, 0, 1, &r) == RNNLAB_ESTATE && contains(rnnlab_task_error(t), "needs a seq2seq model"), "%s: %s",
          names[k], rnnlab_task_error(t));
    rnnlab_model_free(m);
    rnnlab_task_free(t);
  }
}

/* ---- errors ---- */

static void expect_create_fail(const char *name, const char *opts, const char *needle) {
  rnnlab_task *t = (rnnlab_task *)&err; /* must be reset to NULL */
  rnnlab_status s = rnnlab_task_create(name, opts, NULL, 0, &t, err, sizeof err);
  CHECK(s == RNNLAB_EINVAL && t == NULL && contains(err, needle), "%s(%s): status %d, message '%s' should name '%s'", name, opts, s, err,
        needle);
}

static void test_errors(void) {
  expect_create_fail("parity", "lenght=5", "unknown option 'lenght'");
  expect_create_fail("parity", "lenght=5", "known: seed,length");
  expect_create_fail("parity", "length=abc", "length=abc");
  expect_create_fail("parity", "length=0", "1..100000");
  expect_create_fail("parity", "length=5,length=6", "given twice");
  expect_create_fail("parity", "length", "needs a value");
  expect_create_fail("parity", "mode=sometimes", "running or final");
  expect_create_fail("parity", "length=4,minLength=5", "minLength=5");
  expect_create_fail("parity", "seed=-1", "seed");
  expect_create_fail("parity", "seed=18446744073709551616", "seed");
  expect_create_fail("parity", "target=1.5", "[0, 1]");
  expect_create_fail("addition", "mode=final", "unknown option 'mode'");
  expect_create_fail("temporal-order", "variant=c", "variant=c");
  expect_create_fail("temporal-order", "length=10", "length must be in 20..");
  expect_create_fail("adding", "length=5", "length must be in 10..");
  expect_create_fail("text", "holdout=1", "holdout");
  expect_create_fail("text", "vocab=5000", "2..4096");
  expect_create_fail("copy", "symbols=30", "2..26");
  expect_create_fail("sorting", NULL, "unknown task 'sorting'");
  rnnlab_task *t = make("parity", " length = 8 , seed=18446744073709551615, ");
  if (!t) return;
  CHECK(rnnlab_task_get_info(t)->length == 8 && rnnlab_task_get_info(t)->seed_hi == 0xFFFFFFFFu, "spaces, max seed, trailing comma");
  rnnlab_batch b;
  CHECK(rnnlab_task_batch(t, 0, 0, &b) == RNNLAB_EINVAL && contains(rnnlab_task_error(t), "batch size"), "B = 0: %s", rnnlab_task_error(t));
  CHECK(rnnlab_task_batch(t, 2, 200000, &b) == RNNLAB_EINVAL && contains(rnnlab_task_error(t), "length"), "%s", rnnlab_task_error(t));
  CHECK(rnnlab_task_batch(t, 2, 0, &b) == RNNLAB_OK && rnnlab_task_error(t)[0] == 0, "still works, message cleared");
  rnnlab_seq2seq_batch sb;
  CHECK(rnnlab_task_seq2seq_batch(t, 2, 0, &sb) == RNNLAB_ESTATE && contains(rnnlab_task_error(t), "not sequence-to-sequence"), "%s",
        rnnlab_task_error(t));
  CHECK(rnnlab_task_evaluate(t, NULL, 0, 0, 0, NULL) == RNNLAB_EINVAL, "NULL model");
  rnnlab_task_free(t);
  rnnlab_task_free(NULL);
  CHECK(rnnlab_task_batch(NULL, 1, 1, &b) == RNNLAB_EINVAL && !strcmp(rnnlab_task_error(NULL), "task is NULL"), "NULL task");
}

int main(void) {
  test_names_and_determinism();
  test_parity();
  test_addition();
  test_reber();
  test_adding();
  test_temporal();
  test_scorers();
  test_evaluate();
  test_text_vocab();
  test_text_streams();
  test_ngram();
  test_seq2seq();
  test_errors();
  return check_summary("tasks");
}
