/* decode.c - decoding search: greedy, beam, exhaustive and sampling, and sequence scoring, over
 * one step abstraction (the stepper).
 *
 * A stepper gives next-token log-probabilities: start() for the empty prefix (a model: after its
 * prompt), advance() for n hypotheses each extended by one token, (n,V) log-probs out. Each
 * hypothesis carries S floats of state that the search owns, so reordering hypotheses by beam
 * parent is one row gather on that buffer (gather_rows), the same for every stepper. Two steppers:
 *   next   an embedder's rnnlab_next_fn, given each hypothesis's whole prefix (S = 0);
 *   model  one recurrent state per hypothesis (S = layers * 2 * H, [h c] per layer): the rows are
 *          written into the model's carried state, one model_pass with T = 1 and carry steps them
 *          all, and the new states are read back. A step costs one T = 1 pass over n rows,
 *          whatever the length so far (never a rerun of the prefix).
 * Owns: rnnlab_decode*, rnnlab_model_generate, rnnlab_model_score.
 * Does not own: the forward pass (model.c's model_pass), the PRNG (rng.h), exp (kernels' k_expf).
 * No I/O, no globals. Nothing that decides a token uses libm: the logarithm here is our own
 * (double precision, only + - * / and the exact frexp) and exp is k_expf, so the same
 * probabilities give the same tokens and scores on every platform.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "kernels/kernels.h"

typedef char decode_config_is_all_4_byte_fields[sizeof(rnnlab_decode_config) == RNNLAB_DECODE_CONFIG_FIELDS * 4 ? 1 : -1];

/* Rows one model_pass steps at most: bounds the activation arena an exhaustive search or a very
 * wide beam asks of the model (larger sets are stepped in chunks). */
#define MODEL_CHUNK 256

/* ---- errors ---- */

static rnnlab_status dfail(errbuf e, rnnlab_status s, const char *fmt, ...) {
  if (e.buf && e.len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.buf, e.len, fmt, ap);
    va_end(ap);
  }
  return s;
}

static rnnlab_status oom(errbuf e, const char *what) { return dfail(e, RNNLAB_ENOMEM, "out of memory for %s", what); }

/* ---- arithmetic: the same bits everywhere ---- */

/* ln x for finite x > 0. x = m 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s),
 * s = (m-1)/(m+1), |s| <= 0.1716, whose series to s^23 leaves a relative error below 1e-18. */
static double det_log(double x) {
  int e;
  double m = frexp(x, &e);
  if (m < 0.70710678118654752440) m *= 2.0, e -= 1;
  const double s = (m - 1.0) / (m + 1.0), s2 = s * s;
  double p = 1.0 / 23.0;
  for (int k = 21; k >= 1; k -= 2) p = p * s2 + 1.0 / k;
  return e * 0.69314718055994530942 + 2.0 * s * p;
}

/* score = log_prob / lp(n), lp(n) = ((5 + n) / 6)^alpha (GNMT, Wu et al. 2016) */
static double score_of(double lp, int n, float alpha) {
  if (alpha == 0.0f) return lp;
  return lp / (double)k_expf((float)(alpha * det_log((5.0 + n) / 6.0)));
}

static int finitef(float x) { return x == x && x - x == 0.0f; }

/* Checks a distribution p (V) and writes log(p_v / sum p) into logp (-inf where p_v = 0).
 * who and plen name the source in messages. */
rnnlab_status to_logp(const float *p, int V, float *logp, errbuf e, const char *who, int plen) {
  double sum = 0;
  for (int v = 0; v < V; v++) {
    const float x = p[v];
    if (!finitef(x)) return dfail(e, RNNLAB_ENONFINITE, "%s returned probs[%d] = %g for a prefix of %d tokens: probabilities must be finite", who, v, x, plen);
    if (x < 0) return dfail(e, RNNLAB_EINVAL, "%s returned probs[%d] = %g for a prefix of %d tokens: probabilities must be >= 0", who, v, x, plen);
    sum += x;
  }
  if (!(sum > 0)) return dfail(e, RNNLAB_EINVAL, "%s returned %d probabilities that are all 0 for a prefix of %d tokens", who, V, plen);
  const double ls = det_log(sum);
  for (int v = 0; v < V; v++) logp[v] = p[v] > 0 ? (float)(det_log(p[v]) - ls) : -INFINITY;
  return RNNLAB_OK;
}

/* ---- the stepper ---- */

/* dst row r = src row parent[r], rows of S floats (the beam reorder) */
static void gather_rows(float *dst, const float *src, const int *parent, int n, int S) {
  if (S)
    for (int r = 0; r < n; r++) memcpy(dst + (size_t)r * S, src + (size_t)parent[r] * S, sizeof(float) * S);
}

/* next: an embedder's function, called once per hypothesis with its whole prefix */
typedef struct {
  stepper base;
  rnnlab_next_fn next;
  void *ctx;
  float *probs; /* (V) */
} next_stepper;

static rnnlab_status next_one(next_stepper *ns, const int32_t *prefix, int len, float *logp) {
  const int V = ns->base.V;
  for (int v = 0; v < V; v++) ns->probs[v] = NAN; /* a value the function leaves unwritten is caught */
  rnnlab_status s = ns->next(ns->ctx, prefix, len, ns->probs);
  if (s) return dfail(ns->base.e, s, "the next function failed (%s) for a prefix of %d tokens", rnnlab_status_str(s), len);
  return to_logp(ns->probs, V, logp, ns->base.e, "next", len);
}

static rnnlab_status next_start(stepper *st, float *state, float *logp) {
  (void)state;
  static const int32_t none[1] = {0};
  return next_one((next_stepper *)st, none, 0, logp);
}

static rnnlab_status next_advance(stepper *st, int n, const int32_t *prefixes, int ld, int plen, float *state, float *logp) {
  (void)state;
  for (int i = 0; i < n; i++) {
    rnnlab_status s = next_one((next_stepper *)st, prefixes + (size_t)i * ld, plen, logp + (size_t)i * st->V);
    if (s) return s;
  }
  return RNNLAB_OK;
}

/* model: the carried state of each (layer, forward direction) holds the hypotheses' rows */
typedef struct {
  stepper base;
  rnnlab_model *m;
  const int32_t *prompt;
  int P, carry;
  int rows;     /* most rows one pass will step (<= MODEL_CHUNK) */
  int32_t *tok; /* (rows) */
} model_stepper;

/* state row layout: [layer][h c][H] */
static void model_state_out(rnnlab_model *m, int rows, float *state) {
  const int H = m->cfg.hidden_size, S = m->cfg.layers * 2 * H;
  for (int l = 0; l < m->cfg.layers; l++)
    for (int i = 0; i < rows; i++) {
      memcpy(state + (size_t)i * S + (size_t)l * 2 * H, m->C[l][0].state_h + (size_t)i * H, sizeof(float) * H);
      memcpy(state + (size_t)i * S + (size_t)l * 2 * H + H, m->C[l][0].state_c + (size_t)i * H, sizeof(float) * H);
    }
}

static void model_state_in(rnnlab_model *m, int rows, const float *state) {
  const int H = m->cfg.hidden_size, S = m->cfg.layers * 2 * H;
  for (int l = 0; l < m->cfg.layers; l++)
    for (int i = 0; i < rows; i++) {
      memcpy(m->C[l][0].state_h + (size_t)i * H, state + (size_t)i * S + (size_t)l * 2 * H, sizeof(float) * H);
      memcpy(m->C[l][0].state_c + (size_t)i * H, state + (size_t)i * S + (size_t)l * 2 * H + H, sizeof(float) * H);
    }
}

static rnnlab_status model_start(stepper *st, float *state, float *logp) {
  model_stepper *ms = (model_stepper *)st;
  rnnlab_model *m = ms->m;
  const int V = st->V;
  rnnlab_batch b = {0};
  b.batch = 1, b.length = ms->P, b.tokens = ms->prompt, b.carry_state = ms->carry;
  rnnlab_status s = model_pass(m, &b, 0, ms->P, ms->carry, 0, NULL, NULL);
  if (s) return s;
  model_state_out(m, 1, state);
  s = to_logp(m->out + (size_t)(ms->P - 1) * V, V, logp, st->e, "the model", ms->P); /* out is (T,1,V) */
  if (s) return s;
  /* The carried-state block holds cap_B rows. Grow it once, now, with a pass of `rows` rows (its
   * result is discarded): afterwards any n <= rows is stepped by setting state_B = n directly. */
  if (m->cap_B < ms->rows) {
    memset(ms->tok, 0, sizeof(int32_t) * ms->rows);
    b.batch = ms->rows, b.length = 1, b.tokens = ms->tok, b.carry_state = 0;
    s = model_pass(m, &b, 0, 1, 0, 0, NULL, NULL);
  }
  return s;
}

static rnnlab_status model_advance(stepper *st, int n, const int32_t *prefixes, int ld, int plen, float *state, float *logp) {
  model_stepper *ms = (model_stepper *)st;
  rnnlab_model *m = ms->m;
  const int V = st->V, S = st->S;
  for (int r0 = 0; r0 < n; r0 += ms->rows) {
    const int B = n - r0 < ms->rows ? n - r0 : ms->rows;
    for (int i = 0; i < B; i++) ms->tok[i] = prefixes[(size_t)(r0 + i) * ld + plen - 1];
    m->state_B = B; /* cap_B >= rows >= B: ensure_acts keeps the block */
    model_state_in(m, B, state + (size_t)r0 * S);
    rnnlab_batch b = {0};
    b.batch = B, b.length = 1, b.tokens = ms->tok, b.carry_state = 1;
    rnnlab_status s = model_pass(m, &b, 0, 1, 1, 0, NULL, NULL);
    if (s) return s;
    model_state_out(m, B, state + (size_t)r0 * S);
    for (int i = 0; i < B; i++) {
      s = to_logp(m->out + (size_t)i * V, V, logp + (size_t)(r0 + i) * V, st->e, "the model", ms->P + plen);
      if (s) return s;
    }
  }
  return RNNLAB_OK;
}

/* ---- ranked sets ---- */

/* A candidate extension: v its log-prob so far, i its index (parent*V + token, or a token). */
typedef struct { double v; int i; } cand;

/* a before b: higher v, then lower i */
static int cand_before(const cand *a, const cand *b) { return a->v > b->v || (a->v == b->v && a->i < b->i); }
static int cand_cmp(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  return cand_before(a, b) ? -1 : cand_before(b, a) ? 1 : 0;
}

/* The best cap candidates seen so far: a heap with the worst at the root. */
typedef struct { cand *h; int n, cap; } cand_heap;

static void cand_push(cand_heap *q, double v, int i) {
  cand c = {v, i};
  int k;
  if (q->n < q->cap) {
    for (k = q->n++; k > 0 && cand_before(&q->h[(k - 1) / 2], &c); k = (k - 1) / 2) q->h[k] = q->h[(k - 1) / 2];
    q->h[k] = c;
    return;
  }
  if (!cand_before(&c, &q->h[0])) return;
  for (k = 0;;) { /* sift the new root down: children are better, so move the worse child up */
    int w = 2 * k + 1;
    if (w >= q->n) break;
    if (w + 1 < q->n && cand_before(&q->h[w], &q->h[w + 1])) w++;
    if (!cand_before(&c, &q->h[w])) break;
    q->h[k] = q->h[w], k = w;
  }
  q->h[k] = c;
}

/* Complete sequences, the best cap kept by score (ties: token order). Slots of L tokens; one
 * spare slot receives a candidate before it is compared. */
typedef struct {
  int cap, L, n;
  int32_t *tok, *len; /* (cap+1, L), (cap+1) */
  double *lp, *score;
  int *heap;          /* slot ids, worst at [0] */
  int spare;
} pool;

static void pool_free(pool *p) { free(p->tok), free(p->len), free(p->lp), free(p->score), free(p->heap); }

static int pool_init(pool *p, int cap, int L) {
  memset(p, 0, sizeof *p);
  p->cap = cap, p->L = L, p->spare = cap;
  p->tok = malloc(sizeof(int32_t) * (size_t)(cap + 1) * L);
  p->len = malloc(sizeof(int32_t) * (size_t)(cap + 1));
  p->lp = malloc(sizeof(double) * (size_t)(cap + 1));
  p->score = malloc(sizeof(double) * (size_t)(cap + 1));
  p->heap = malloc(sizeof(int) * (size_t)cap);
  if (!p->tok || !p->len || !p->lp || !p->score || !p->heap) return pool_free(p), 0;
  return 1;
}

/* slot a ranks before slot b */
static int pool_before(const pool *p, int a, int b) {
  if (p->score[a] != p->score[b]) return p->score[a] > p->score[b];
  const int32_t *ta = p->tok + (size_t)a * p->L, *tb = p->tok + (size_t)b * p->L;
  const int n = p->len[a] < p->len[b] ? p->len[a] : p->len[b];
  for (int t = 0; t < n; t++)
    if (ta[t] != tb[t]) return ta[t] < tb[t];
  return p->len[a] < p->len[b];
}

static void pool_sift_down(pool *p, int k, int n) {
  const int x = p->heap[k];
  for (;;) {
    int w = 2 * k + 1;
    if (w >= n) break;
    if (w + 1 < n && pool_before(p, p->heap[w], p->heap[w + 1])) w++;
    if (!pool_before(p, x, p->heap[w])) break;
    p->heap[k] = p->heap[w], k = w;
  }
  p->heap[k] = x;
}

/* adds prefix[0..plen) + last, unless cap better ones are already in */
static void pool_add(pool *p, const int32_t *prefix, int plen, int32_t last, double lp, double score) {
  const int filling = p->n < p->cap;
  const int s = filling ? p->n : p->spare; /* slots 0..cap-1 fill in order; then one is spare */
  int32_t *t = p->tok + (size_t)s * p->L;
  memcpy(t, prefix, sizeof(int32_t) * plen);
  t[plen] = last;
  p->len[s] = plen + 1, p->lp[s] = lp, p->score[s] = score;
  if (filling) {
    int k = p->n++;
    for (; k > 0 && pool_before(p, p->heap[(k - 1) / 2], s); k = (k - 1) / 2) p->heap[k] = p->heap[(k - 1) / 2];
    p->heap[k] = s;
    return;
  }
  const int root = p->heap[0];
  if (!pool_before(p, s, root)) return;
  p->heap[0] = s, p->spare = root;
  pool_sift_down(p, 0, p->n);
}

/* Writes the pool best first into the caller's buffers (K rows of L; rows past the count get
 * tokens -1, length 0, log-prob -inf). Empties the heap. */
static void pool_write(pool *p, int K, int L, int32_t *tokens, int32_t *lengths, float *log_probs, float *scores, int32_t *count) {
  const int n = p->n;
  int *order = p->heap; /* heap sort in place: pop the worst to the end */
  for (int end = n - 1; end > 0; end--) {
    const int w = order[0];
    order[0] = order[end], order[end] = w;
    pool_sift_down(p, 0, end);
  }
  for (int r = 0; r < K; r++) {
    int32_t *row = tokens + (size_t)r * L;
    for (int t = 0; t < L; t++) row[t] = -1;
    if (r < n) {
      const int s = order[r];
      memcpy(row, p->tok + (size_t)s * p->L, sizeof(int32_t) * p->len[s]);
      lengths[r] = p->len[s], log_probs[r] = (float)p->lp[s];
      if (scores) scores[r] = (float)p->score[s];
    } else {
      lengths[r] = 0, log_probs[r] = -INFINITY;
      if (scores) scores[r] = -INFINITY;
    }
  }
  *count = n;
}

/* ---- the searches ---- */

typedef struct {
  int32_t *tokens, *lengths, *count;
  float *log_probs, *scores;
} outputs;

/* the argmax (lowest id among equals); logp has a finite entry */
static int argmax(const float *logp, int V) {
  int best = 0;
  for (int v = 1; v < V; v++)
    if (logp[v] > logp[best]) best = v;
  return best;
}

/* One draw from softmax(logp / temperature) restricted to the top_k best (0 = all). Exactly one
 * uniform from the generator per call. w (V) and q (top_k) are scratch. */
static int draw(const float *logp, int V, float temperature, int top_k, rng_state *rng, float *w, cand *q) {
  const int best = argmax(logp, V);
  if (temperature == 0.0f) return best;
  for (int v = 0; v < V; v++) w[v] = logp[v] > -INFINITY ? 1.0f : 0.0f; /* allowed */
  if (top_k > 0 && top_k < V) {
    cand_heap h = {q, 0, top_k};
    for (int v = 0; v < V; v++)
      if (w[v] > 0) cand_push(&h, logp[v], v);
    for (int v = 0; v < V; v++) w[v] = 0;
    for (int k = 0; k < h.n; k++) w[h.h[k].i] = 1.0f;
  }
  float sum = 0;
  for (int v = 0; v < V; v++) { /* exp((log p_v - log p_max) / T) */
    if (w[v] > 0) w[v] = k_expf((logp[v] - logp[best]) / temperature);
    sum += w[v];
  }
  const float r = rng_uniform(rng) * sum;
  float cum = 0;
  int last = best;
  for (int v = 0; v < V; v++) {
    if (w[v] <= 0) continue;
    cum += w[v], last = v;
    if (r < cum) return v;
  }
  return last; /* rounding: r reached the sum */
}

/* greedy and sampling: one hypothesis */
static rnnlab_status search_single(stepper *st, const rnnlab_decode_config *dc, const outputs *o) {
  const int V = st->V, S = st->S, L = dc->length;
  const int sample = dc->strategy == RNNLAB_DECODE_SAMPLE;
  float *state = malloc(sizeof(float) * (S ? S : 1)), *logp = malloc(sizeof(float) * V);
  float *w = sample ? malloc(sizeof(float) * V) : NULL;
  cand *q = sample ? malloc(sizeof(cand) * (size_t)(dc->top_k > 0 && dc->top_k < V ? dc->top_k : 1)) : NULL;
  rnnlab_status s = RNNLAB_OK;
  if (!state || !logp || (sample && (!w || !q))) {
    s = oom(st->e, "the search");
    goto done;
  }
  rng_state rng;
  rng_seed(&rng, (uint64_t)dc->seed_hi << 32 | dc->seed_lo);
  int32_t *tok = o->tokens;
  for (int t = 0; t < L; t++) tok[t] = -1;
  s = st->start(st, state, logp);
  double lp = 0;
  int n = 0;
  for (int t = 0; !s && t < L; t++) {
    const int v = sample ? draw(logp, V, dc->temperature, dc->top_k, &rng, w, q) : argmax(logp, V);
    tok[t] = v, lp += logp[v], n = t + 1;
    if (v == dc->eos || t + 1 == L) break;
    s = st->advance(st, 1, tok, L, t + 1, state, logp);
  }
  if (!s) {
    o->lengths[0] = n, o->log_probs[0] = (float)lp, *o->count = 1;
    if (o->scores) o->scores[0] = (float)score_of(lp, n, dc->length_penalty);
  }
done:
  free(state), free(logp), free(w), free(q);
  return s;
}

/* beam search: K live hypotheses, each step keeps the K best extensions */
static rnnlab_status search_beam(stepper *st, const rnnlab_decode_config *dc, const outputs *o) {
  const int V = st->V, S = st->S, L = dc->length, K = dc->beam_width, eos = dc->eos;
  int32_t *tokA = malloc(sizeof(int32_t) * (size_t)K * L), *tokB = malloc(sizeof(int32_t) * (size_t)K * L);
  double *lpA = malloc(sizeof(double) * K), *lpB = malloc(sizeof(double) * K);
  float *stA = malloc(sizeof(float) * ((size_t)K * S + 1)), *stB = malloc(sizeof(float) * ((size_t)K * S + 1));
  float *logp = malloc(sizeof(float) * (size_t)K * V);
  int *parent = malloc(sizeof(int) * K);
  cand *q = malloc(sizeof(cand) * K);
  pool fin;
  int have_pool = pool_init(&fin, K, L);
  rnnlab_status s = RNNLAB_OK;
  if (!tokA || !tokB || !lpA || !lpB || !stA || !stB || !logp || !parent || !q || !have_pool) {
    s = oom(st->e, "the beam");
    goto done;
  }
  s = st->start(st, stA, logp);
  lpA[0] = 0;
  for (int t = 0, n = 1; !s && t < L; t++) {
    cand_heap h = {q, 0, K};
    for (int i = 0; i < n; i++)
      for (int v = 0; v < V; v++) {
        const float x = logp[(size_t)i * V + v];
        if (x > -INFINITY) cand_push(&h, lpA[i] + x, i * V + v);
      }
    qsort(q, h.n, sizeof *q, cand_cmp);
    int m = 0;
    for (int c = 0; c < h.n; c++) {
      const int i = q[c].i / V, v = q[c].i % V;
      if (v == eos || t + 1 == L) {
        pool_add(&fin, tokA + (size_t)i * L, t, v, q[c].v, score_of(q[c].v, t + 1, dc->length_penalty));
      } else {
        memcpy(tokB + (size_t)m * L, tokA + (size_t)i * L, sizeof(int32_t) * t);
        tokB[(size_t)m * L + t] = v, lpB[m] = q[c].v, parent[m] = i, m++;
      }
    }
    if (!m) break;
    gather_rows(stB, stA, parent, m, S);
    int32_t *ti = tokA; tokA = tokB, tokB = ti;
    double *li = lpA; lpA = lpB, lpB = li;
    float *si = stA; stA = stB, stB = si;
    n = m;
    s = st->advance(st, n, tokA, L, t + 1, stA, logp);
  }
  if (!s) pool_write(&fin, K, L, o->tokens, o->lengths, o->log_probs, o->scores, o->count);
done:
  free(tokA), free(tokB), free(lpA), free(lpB), free(stA), free(stB), free(logp), free(parent), free(q);
  if (have_pool) pool_free(&fin);
  return s;
}

/* exhaustive: depth-first over every prefix; a node's children are stepped as one batch, so
 * memory is one frame (V rows) per depth */
static rnnlab_status search_exhaustive(stepper *st, const rnnlab_decode_config *dc, const outputs *o) {
  const int V = st->V, S = st->S, L = dc->length, K = dc->beam_width, eos = dc->eos;
  /* frames 0..L-1: frame d holds the children of the current node at depth d-1 (frame 0: the root) */
  int32_t *ftok = malloc(sizeof(int32_t) * (size_t)L * V), *pre = malloc(sizeof(int32_t) * (size_t)V * L);
  int32_t *path = malloc(sizeof(int32_t) * L);
  double *flp = malloc(sizeof(double) * (size_t)L * V);
  float *fst = malloc(sizeof(float) * ((size_t)L * V * S + 1)), *flogp = malloc(sizeof(float) * (size_t)L * V * V);
  int *fm = malloc(sizeof(int) * L), *fj = malloc(sizeof(int) * L);
  pool best;
  int have_pool = pool_init(&best, K, L);
  rnnlab_status s = RNNLAB_OK;
  if (!ftok || !pre || !path || !flp || !fst || !flogp || !fm || !fj || !have_pool) {
    s = oom(st->e, "the exhaustive search");
    goto done;
  }
#define FST(d) (fst + (size_t)(d) * V * S)
#define FLOGP(d) (flogp + (size_t)(d) * V * V)
  s = st->start(st, FST(0), FLOGP(0));
  fm[0] = 1, fj[0] = 0, flp[0] = 0;
  for (int d = 0; !s && d >= 0;) {
    if (fj[d] >= fm[d]) { /* every child at this depth visited: back to the parent's next sibling */
      if (--d >= 0) fj[d]++;
      continue;
    }
    const int r = fj[d];
    if (d > 0) path[d - 1] = ftok[(size_t)d * V + r];
    const double base = flp[(size_t)d * V + r];
    const float *lg = FLOGP(d) + (size_t)r * V;
    int c = 0;
    for (int v = 0; v < V; v++) {
      if (!(lg[v] > -INFINITY)) continue;
      const double total = base + lg[v];
      if (v == eos || d + 1 == L) {
        pool_add(&best, path, d, v, total, score_of(total, d + 1, dc->length_penalty));
      } else {
        ftok[(size_t)(d + 1) * V + c] = v, flp[(size_t)(d + 1) * V + c] = total;
        if (S) memcpy(FST(d + 1) + (size_t)c * S, FST(d) + (size_t)r * S, sizeof(float) * S);
        memcpy(pre + (size_t)c * L, path, sizeof(int32_t) * d);
        pre[(size_t)c * L + d] = v;
        c++;
      }
    }
    if (c) {
      s = st->advance(st, c, pre, L, d + 1, FST(d + 1), FLOGP(d + 1));
      fm[d + 1] = c, fj[d + 1] = 0, d++;
    } else {
      fj[d]++;
    }
  }
#undef FST
#undef FLOGP
  if (!s) pool_write(&best, K, L, o->tokens, o->lengths, o->log_probs, o->scores, o->count);
done:
  free(ftok), free(pre), free(path), free(flp), free(fst), free(flogp), free(fm), free(fj);
  if (have_pool) pool_free(&best);
  return s;
}

/* ---- configuration ---- */

void rnnlab_decode_config_default(rnnlab_decode_config *dc) {
  memset(dc, 0, sizeof *dc);
  dc->strategy = RNNLAB_DECODE_GREEDY;
  dc->vocab_size = 0;
  dc->length = 1;
  dc->beam_width = 1;
  dc->eos = -1;
  dc->length_penalty = 0.0f;
  dc->temperature = 1.0f;
  dc->top_k = 0;
  dc->seed_lo = 1;
}

/* K: rows of results */
static int result_rows(const rnnlab_decode_config *dc) {
  return dc->strategy == RNNLAB_DECODE_BEAM || dc->strategy == RNNLAB_DECODE_EXHAUSTIVE ? dc->beam_width : 1;
}

/* Everything but the vocabulary's own limits; S = floats of state per hypothesis. */
rnnlab_status check_decode(const rnnlab_decode_config *dc, int S, errbuf e) {
  if (!dc) return dfail(e, RNNLAB_EINVAL, "the decode config is NULL");
  const int V = dc->vocab_size;
  if (dc->strategy < RNNLAB_DECODE_GREEDY || dc->strategy > RNNLAB_DECODE_SAMPLE)
    return dfail(e, RNNLAB_EINVAL, "strategy: unknown decoding strategy %d (0 greedy, 1 beam, 2 exhaustive, 3 sample)", dc->strategy);
  if (V < 1 || V > RNNLAB_MAX_IO) return dfail(e, RNNLAB_EINVAL, "vocabSize must be in [1, %d], got %d", RNNLAB_MAX_IO, V);
  if (dc->length < 1) return dfail(e, RNNLAB_EINVAL, "length must be >= 1, got %d", dc->length);
  const int many = dc->strategy == RNNLAB_DECODE_BEAM || dc->strategy == RNNLAB_DECODE_EXHAUSTIVE;
  if (many && (dc->beam_width < 1 || dc->beam_width > RNNLAB_DECODE_MAX_BEAM))
    return dfail(e, RNNLAB_EINVAL, "beamWidth must be in [1, %d], got %d", RNNLAB_DECODE_MAX_BEAM, dc->beam_width);
  const double K = result_rows(dc);
  if (K * dc->length > RNNLAB_MAX_ELEMS)
    return dfail(e, RNNLAB_EINVAL, "beamWidth %d x length %d exceeds %d tokens of results", (int)K, dc->length, RNNLAB_MAX_ELEMS);
  if (dc->strategy == RNNLAB_DECODE_BEAM && (K * V > RNNLAB_MAX_ELEMS || K * S > RNNLAB_MAX_ELEMS))
    return dfail(e, RNNLAB_EINVAL, "beamWidth %d is too wide for vocabSize %d (beamWidth x vocabSize and the states must stay within %d floats)",
                 (int)K, V, RNNLAB_MAX_ELEMS);
  if (dc->eos < -1 || dc->eos >= V) return dfail(e, RNNLAB_EINVAL, "eos must be a token in [0, %d) or -1 for none, got %d", V, dc->eos);
  if (!finitef(dc->length_penalty) || dc->length_penalty < 0 || dc->length_penalty > 10)
    return dfail(e, RNNLAB_EINVAL, "lengthPenalty must be in [0, 10], got %g", dc->length_penalty);
  if (!finitef(dc->temperature) || dc->temperature < 0)
    return dfail(e, RNNLAB_EINVAL, "temperature must be finite and >= 0, got %g", dc->temperature);
  if (dc->top_k < 0) return dfail(e, RNNLAB_EINVAL, "topK must be >= 0 (0 = every token), got %d", dc->top_k);
  if (dc->strategy == RNNLAB_DECODE_EXHAUSTIVE) {
    double n = 1;
    for (int t = 0; t < dc->length && n <= RNNLAB_DECODE_MAX_EXHAUSTIVE; t++) n *= V;
    if (n > RNNLAB_DECODE_MAX_EXHAUSTIVE || dc->length > RNNLAB_DECODE_MAX_EXHAUSTIVE_LENGTH) {
      double all = pow((double)V, (double)dc->length); /* for the message only */
      return dfail(e, RNNLAB_EINVAL,
                   "exhaustive search refused: vocabSize^length = %d^%d = %.4g sequences, the limit is %d sequences "
                   "(and length <= %d); use beam search",
                   V, dc->length, all, RNNLAB_DECODE_MAX_EXHAUSTIVE, RNNLAB_DECODE_MAX_EXHAUSTIVE_LENGTH);
    }
    const double frames = (double)dc->length * V * ((double)S + V);
    if (frames > RNNLAB_MAX_ELEMS)
      return dfail(e, RNNLAB_EINVAL, "exhaustive search refused: it would hold %.4g floats of frames (limit %d)", frames, RNNLAB_MAX_ELEMS);
  }
  return RNNLAB_OK;
}

rnnlab_status run_search(stepper *st, const rnnlab_decode_config *dc, int32_t *tokens, int32_t *lengths,
                                float *log_probs, float *scores, int32_t *count) {
  outputs o = {tokens, lengths, count, log_probs, scores};
  *count = 0;
  switch (dc->strategy) {
  case RNNLAB_DECODE_BEAM: return search_beam(st, dc, &o);
  case RNNLAB_DECODE_EXHAUSTIVE: return search_exhaustive(st, dc, &o);
  default: return search_single(st, dc, &o);
  }
}

/* ---- public: next-function ---- */

rnnlab_status rnnlab_decode(const rnnlab_decode_config *dc, rnnlab_next_fn next, void *ctx,
                            int32_t *tokens, int32_t *lengths, float *log_probs, float *scores, int32_t *count,
                            char *err, size_t errlen) {
  errbuf e = {err, errlen};
  if (err && errlen) err[0] = 0;
  rnnlab_status s = check_decode(dc, 0, e);
  if (s) return s;
  if (!next) return dfail(e, RNNLAB_EINVAL, "the next function is NULL");
  if (!tokens || !lengths || !log_probs || !count) return dfail(e, RNNLAB_EINVAL, "a result buffer is NULL");
  next_stepper ns = {{dc->vocab_size, 0, e, next_start, next_advance}, next, ctx, malloc(sizeof(float) * dc->vocab_size)};
  if (!ns.probs) return oom(e, "the probabilities");
  s = run_search(&ns.base, dc, tokens, lengths, log_probs, scores, count);
  free(ns.probs);
  return s;
}

rnnlab_status rnnlab_decode_score(int32_t V, rnnlab_next_fn next, void *ctx, const int32_t *tokens, int32_t len,
                                  float *log_prob, char *err, size_t errlen) {
  errbuf e = {err, errlen};
  if (err && errlen) err[0] = 0;
  if (V < 1 || V > RNNLAB_MAX_IO) return dfail(e, RNNLAB_EINVAL, "vocabSize must be in [1, %d], got %d", RNNLAB_MAX_IO, V);
  if (!next) return dfail(e, RNNLAB_EINVAL, "the next function is NULL");
  if (!tokens || len < 1) return dfail(e, RNNLAB_EINVAL, "tokens must hold at least one token, got %d", len);
  if (!log_prob) return dfail(e, RNNLAB_EINVAL, "log_prob is NULL");
  for (int t = 0; t < len; t++)
    if (tokens[t] < 0 || tokens[t] >= V) return dfail(e, RNNLAB_EINVAL, "tokens[%d] = %d is not a token in [0, %d)", t, tokens[t], V);
  next_stepper ns = {{V, 0, e, next_start, next_advance}, next, ctx, malloc(sizeof(float) * V)};
  float *logp = malloc(sizeof(float) * V);
  rnnlab_status s = RNNLAB_OK;
  double lp = 0;
  if (!ns.probs || !logp) s = oom(e, "the probabilities");
  for (int t = 0; !s && t < len; t++) { /* the same sum, in the same order, as the searches */
    s = next_one(&ns, tokens, t, logp);
    if (!s) lp += logp[tokens[t]];
  }
  if (!s) *log_prob = (float)lp;
  free(ns.probs), free(logp);
  return s;
}

/* ---- public: model ---- */

static rnnlab_status check_model(rnnlab_model *m, const char *fn) {
  const rnnlab_config *c = &m->cfg;
  if (c->input_kind != RNNLAB_INPUT_ONEHOT) return model_fail(m, RNNLAB_EINVAL, "%s needs a model with one-hot input (its outputs are fed back as tokens)", fn);
  if (c->output_kind != RNNLAB_OUTPUT_SOFTMAX) return model_fail(m, RNNLAB_EINVAL, "%s needs a model with softmax output (a distribution over tokens)", fn);
  if (c->input_size != c->output_size)
    return model_fail(m, RNNLAB_EINVAL, "%s needs inputSize == outputSize (outputs are fed back as inputs), got %d and %d", fn, c->input_size, c->output_size);
  if (m->D != 1) return model_fail(m, RNNLAB_EINVAL, "%s needs a unidirectional model (a bidirectional one reads the future)", fn);
  return RNNLAB_OK;
}

static rnnlab_status check_prompt(rnnlab_model *m, const char *fn, const int32_t *prompt, int32_t P, int32_t carry) {
  const int V = m->cfg.output_size;
  if (!prompt || P < 1) return model_fail(m, RNNLAB_EINVAL, "%s: prompt must hold at least one token (the model predicts from an input), got %d", fn, P);
  if (P > RNNLAB_MAX_ELEMS) return model_fail(m, RNNLAB_EINVAL, "%s: prompt of %d tokens is too long", fn, P);
  for (int t = 0; t < P; t++)
    if (prompt[t] < 0 || prompt[t] >= V) return model_fail(m, RNNLAB_EINVAL, "%s: prompt[%d] = %d is not a token in [0, %d)", fn, t, prompt[t], V);
  if (carry != 0 && carry != 1) return model_fail(m, RNNLAB_EINVAL, "%s: carry_state must be 0 or 1", fn);
  if (carry && m->state_B != 1)
    return model_fail(m, RNNLAB_ESTATE, "%s: carryState: the model has no carried state of batch 1 (run a pass with batchSize 1 first)", fn);
  return RNNLAB_OK;
}

rnnlab_status rnnlab_model_generate(rnnlab_model *m, const rnnlab_decode_config *dc_in, const int32_t *prompt,
                                    int32_t prompt_len, int32_t carry_state, int32_t *tokens, int32_t *lengths,
                                    float *log_probs, float *scores, int32_t *count) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
  rnnlab_status s = check_model(m, "generate");
  if (s) return s;
  if (!dc_in) return model_fail(m, RNNLAB_EINVAL, "generate: the decode config is NULL");
  const int V = m->cfg.output_size, S = m->cfg.layers * 2 * m->cfg.hidden_size;
  if (dc_in->vocab_size != 0 && dc_in->vocab_size != V)
    return model_fail(m, RNNLAB_EINVAL, "generate: vocabSize %d does not match the model's outputSize %d", dc_in->vocab_size, V);
  rnnlab_decode_config dc = *dc_in;
  dc.vocab_size = V;
  s = check_decode(&dc, S, (errbuf){m->err, sizeof m->err});
  if (s) return s;
  s = check_prompt(m, "generate", prompt, prompt_len, carry_state);
  if (s) return s;
  if (!tokens || !lengths || !log_probs || !count) return model_fail(m, RNNLAB_EINVAL, "generate: a result buffer is NULL");
  /* rows stepped at once: 1 (greedy, sample), the beam, or one node's children (exhaustive) */
  int rows = dc.strategy == RNNLAB_DECODE_BEAM ? dc.beam_width : dc.strategy == RNNLAB_DECODE_EXHAUSTIVE ? V : 1;
  if (rows > MODEL_CHUNK) rows = MODEL_CHUNK;
  model_stepper ms = {{V, S, {m->err, sizeof m->err}, model_start, model_advance}, m, prompt, prompt_len, carry_state, rows,
                      malloc(sizeof(int32_t) * rows)};
  if (!ms.tok) return model_fail(m, RNNLAB_ENOMEM, "generate: out of memory");
  s = run_search(&ms.base, &dc, tokens, lengths, log_probs, scores, count);
  free(ms.tok);
  m->state_B = 0; /* the carried state now holds hypotheses' rows: forget it */
  return s;
}

rnnlab_status rnnlab_model_score(rnnlab_model *m, const int32_t *prompt, int32_t prompt_len, const int32_t *tokens,
                                 int32_t len, int32_t carry_state, float *log_prob) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
  rnnlab_status s = check_model(m, "score");
  if (s) return s;
  s = check_prompt(m, "score", prompt, prompt_len, carry_state);
  if (s) return s;
  const int V = m->cfg.output_size;
  if (!tokens || len < 1) return model_fail(m, RNNLAB_EINVAL, "score: tokens must hold at least one token, got %d", len);
  if ((double)prompt_len + len > RNNLAB_MAX_ELEMS) return model_fail(m, RNNLAB_EINVAL, "score: prompt and tokens are too long");
  if (!log_prob) return model_fail(m, RNNLAB_EINVAL, "score: log_prob is NULL");
  for (int t = 0; t < len; t++)
    if (tokens[t] < 0 || tokens[t] >= V) return model_fail(m, RNNLAB_EINVAL, "score: tokens[%d] = %d is not a token in [0, %d)", t, tokens[t], V);
  const int T = prompt_len + len;
  int32_t *seq = malloc(sizeof(int32_t) * T);
  float *logp = malloc(sizeof(float) * V);
  if (!seq || !logp) {
    free(seq), free(logp);
    return model_fail(m, RNNLAB_ENOMEM, "score: out of memory");
  }
  memcpy(seq, prompt, sizeof(int32_t) * prompt_len);
  memcpy(seq + prompt_len, tokens, sizeof(int32_t) * len);
  rnnlab_batch b = {0};
  b.batch = 1, b.length = T, b.tokens = seq, b.carry_state = carry_state;
  s = model_pass(m, &b, 0, T, carry_state, 0, NULL, NULL);
  double lp = 0;
  for (int t = 0; !s && t < len; t++) { /* out is (T,1,V): row P-1+t predicts tokens[t] */
    s = to_logp(m->out + (size_t)(prompt_len - 1 + t) * V, V, logp, (errbuf){m->err, sizeof m->err}, "the model", prompt_len + t);
    if (!s) lp += logp[tokens[t]];
  }
  if (!s) *log_prob = (float)lp;
  free(seq), free(logp);
  return s;
}
