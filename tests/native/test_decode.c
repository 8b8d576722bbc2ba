/* test_decode.c - decoding search (core/decode.c): invariants, not snapshots.
 *
 *   next tables  hand-made next functions (a distribution that depends on the whole prefix):
 *                beam K = 1 == greedy; exhaustive == brute force over every sequence scored one by
 *                one with rnnlab_decode_score (with and without eos, with a length penalty, the K
 *                best in order); beam with K >= V^(L-1) == exhaustive; a table where beam beats greedy
 *   sampling     frequencies match the distribution (chi-square, fixed seed), temperature, top-k never
 *                leaves the top k, p = 0 never drawn, same seed same sample
 *   model        greedy generation == argmax of step-by-step full forward passes; model score == the
 *                sum of log-probs of a full forward; the invariants above over a model (incl. more
 *                rows than one pass steps); carried state; generate's logProb == score's
 *   errors       every refusal with its message; ASan/UBSan/LSan clean
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rng.h"
#include "rnnlab.h"

/* ---- hand-made next functions ---- */

/* A pseudo-random distribution per prefix (a hash of the whole prefix seeds it), unnormalised
 * (sums to ~V/2: the search renormalises). zero >= 0: that token has p = 0 everywhere. */
typedef struct {
  int V;
  uint64_t salt;
  int zero;
  long calls;
} table_ctx;

static rnnlab_status table_next(void *ctx, const int32_t *prefix, int32_t len, float *probs) {
  table_ctx *c = ctx;
  uint64_t h = c->salt * 0x9E3779B97F4A7C15ull + (uint64_t)len;
  for (int t = 0; t < len; t++) h = (h ^ (uint64_t)(prefix[t] + 1)) * 0x100000001B3ull;
  rng_state r;
  rng_seed(&r, h);
  for (int v = 0; v < c->V; v++) {
    float u = rng_uniform(&r);
    probs[v] = 0.02f + u * u * u; /* peaky-ish */
  }
  if (c->zero >= 0) probs[c->zero] = 0.0f;
  c->calls++;
  return RNNLAB_OK;
}

/* The same distribution after every prefix. */
typedef struct { int V; const float *p; } fixed_ctx;
static rnnlab_status fixed_next(void *ctx, const int32_t *prefix, int32_t len, float *probs) {
  (void)prefix, (void)len;
  const fixed_ctx *c = ctx;
  memcpy(probs, c->p, sizeof(float) * c->V);
  return RNNLAB_OK;
}

/* Beam beats greedy: first token 0.6 / 0.4; after 0 the next is 0.5 / 0.5, after 1 it is
 * 0.9 / 0.1. Greedy: 0 then 0 = 0.30; best: 1 then 0 = 0.36. */
static rnnlab_status trap_next(void *ctx, const int32_t *prefix, int32_t len, float *probs) {
  (void)ctx;
  if (len == 0) probs[0] = 0.6f, probs[1] = 0.4f;
  else if (prefix[0] == 0) probs[0] = 0.5f, probs[1] = 0.5f;
  else probs[0] = 0.9f, probs[1] = 0.1f;
  return RNNLAB_OK;
}

/* misbehaving next functions: mode 0 NaN, 1 negative, 2 all zero, 3 fails, 4 writes nothing */
static rnnlab_status bad_next(void *ctx, const int32_t *prefix, int32_t len, float *probs) {
  (void)prefix;
  const int mode = *(int *)ctx;
  if (len < 1 && mode != 4) { probs[0] = probs[1] = probs[2] = 1.0f; return RNNLAB_OK; } /* fine at first */
  switch (mode) {
  case 0: probs[0] = 0.5f, probs[1] = NAN, probs[2] = 0.5f; return RNNLAB_OK;
  case 1: probs[0] = 0.5f, probs[1] = -0.25f, probs[2] = 0.5f; return RNNLAB_OK;
  case 2: probs[0] = probs[1] = probs[2] = 0.0f; return RNNLAB_OK;
  case 3: return RNNLAB_ESTATE;
  default: probs[0] = 1.0f; return RNNLAB_OK;
  }
}

/* ---- helpers ---- */

static rnnlab_decode_config dconf(int strategy, int V, int L, int K, int eos, float alpha) {
  rnnlab_decode_config dc;
  rnnlab_decode_config_default(&dc);
  dc.strategy = strategy, dc.vocab_size = V, dc.length = L, dc.beam_width = K, dc.eos = eos;
  dc.length_penalty = alpha;
  return dc;
}

typedef struct {
  int K, L, count;
  int32_t *tok, *len;
  float *lp, *score;
  char err[256];
  rnnlab_status status;
} result;

static void result_alloc(result *r, int K, int L) {
  memset(r, 0, sizeof *r);
  r->K = K, r->L = L;
  r->tok = malloc(sizeof(int32_t) * (size_t)K * L);
  r->len = malloc(sizeof(int32_t) * K);
  r->lp = malloc(sizeof(float) * K);
  r->score = malloc(sizeof(float) * K);
}
static void result_free(result *r) { free(r->tok), free(r->len), free(r->lp), free(r->score); }

static result run(const rnnlab_decode_config *dc, rnnlab_next_fn next, void *ctx) {
  result r;
  const int K = dc->strategy == RNNLAB_DECODE_BEAM || dc->strategy == RNNLAB_DECODE_EXHAUSTIVE ? dc->beam_width : 1;
  result_alloc(&r, K, dc->length);
  r.status = rnnlab_decode(dc, next, ctx, r.tok, r.len, r.lp, r.score, &r.count, r.err, sizeof r.err);
  return r;
}

static result run_model(rnnlab_model *m, const rnnlab_decode_config *dc, const int32_t *prompt, int P, int carry) {
  result r;
  const int K = dc->strategy == RNNLAB_DECODE_BEAM || dc->strategy == RNNLAB_DECODE_EXHAUSTIVE ? dc->beam_width : 1;
  result_alloc(&r, K, dc->length);
  r.status = rnnlab_model_generate(m, dc, prompt, P, carry, r.tok, r.len, r.lp, r.score, &r.count);
  snprintf(r.err, sizeof r.err, "%s", rnnlab_model_error(m));
  return r;
}

/* row i of a and b: same tokens and length */
static int same_row(const result *a, int i, const result *b, int j) {
  if (a->len[i] != b->len[j]) return 0;
  return !memcmp(a->tok + (size_t)i * a->L, b->tok + (size_t)j * b->L, sizeof(int32_t) * a->len[i]);
}

static double penalty(int n, double alpha) { return pow((5.0 + n) / 6.0, alpha); }

/* Every complete sequence: length L without eos before the last token, or ending at the first eos.
 * Calls f(seq, n) for each. */
typedef void (*visit_fn)(void *ctx, const int32_t *seq, int n);
static void enumerate(int V, int L, int eos, int32_t *seq, int d, visit_fn f, void *ctx) {
  for (int v = 0; v < V; v++) {
    seq[d] = v;
    if (v == eos || d + 1 == L) f(ctx, seq, d + 1);
    else enumerate(V, L, eos, seq, d + 1, f, ctx);
  }
}

/* the K best by (score desc, tokens lexicographic) of everything visited */
typedef struct {
  int V, K, L;
  double alpha;
  rnnlab_next_fn next;
  void *next_ctx;
  rnnlab_model *m;
  const int32_t *prompt;
  int P;
  int n;
  int32_t tok[16][16];
  int len[16];
  double score[16];
  float lp[16];
  long visited;
} brute;

static int brute_before(double sa, const int32_t *ta, int la, double sb, const int32_t *tb, int lb) {
  if (sa != sb) return sa > sb;
  const int n = la < lb ? la : lb;
  for (int t = 0; t < n; t++)
    if (ta[t] != tb[t]) return ta[t] < tb[t];
  return la < lb;
}

static void brute_visit(void *ctx, const int32_t *seq, int n) {
  brute *b = ctx;
  float lp;
  rnnlab_status s = b->m ? rnnlab_model_score(b->m, b->prompt, b->P, seq, n, 0, &lp)
                         : rnnlab_decode_score(b->V, b->next, b->next_ctx, seq, n, &lp, NULL, 0);
  if (s) { CHECK(0, "score failed: %s", rnnlab_status_str(s)); return; }
  b->visited++;
  if (!(lp > -INFINITY)) return; /* impossible sequences are not results */
  const double sc = (double)lp / penalty(n, b->alpha);
  int at = b->n;
  while (at > 0 && brute_before(sc, seq, n, b->score[at - 1], b->tok[at - 1], b->len[at - 1])) at--;
  if (at >= b->K) return;
  const int last = b->n < b->K ? b->n : b->K - 1;
  for (int i = last; i > at; i--) {
    memcpy(b->tok[i], b->tok[i - 1], sizeof b->tok[i]);
    b->len[i] = b->len[i - 1], b->score[i] = b->score[i - 1], b->lp[i] = b->lp[i - 1];
  }
  memcpy(b->tok[at], seq, sizeof(int32_t) * n);
  b->len[at] = n, b->score[at] = sc, b->lp[at] = lp;
  if (b->n < b->K) b->n++;
}

static brute brute_force(int V, int L, int eos, int K, double alpha, rnnlab_next_fn next, void *ctx, rnnlab_model *m,
                         const int32_t *prompt, int P) {
  brute b;
  memset(&b, 0, sizeof b);
  b.V = V, b.K = K, b.L = L, b.alpha = alpha, b.next = next, b.next_ctx = ctx, b.m = m, b.prompt = prompt, b.P = P;
  int32_t seq[16];
  enumerate(V, L, eos, seq, 0, brute_visit, &b);
  return b;
}

/* result rows == brute force rows: tokens exactly, log-probs within tol (0 = bit-equal) */
static void check_vs_brute(const result *r, const brute *b, double tol, const char *what) {
  CHECK(r->status == RNNLAB_OK, "%s: %s", what, r->err);
  CHECK(r->count == b->n, "%s: %d results, brute force %d", what, r->count, b->n);
  for (int i = 0; i < r->count && i < b->n; i++) {
    int same = r->len[i] == b->len[i] && !memcmp(r->tok + (size_t)i * r->L, b->tok[i], sizeof(int32_t) * b->len[i]);
    CHECK(same, "%s: result %d differs from brute force (length %d vs %d, first token %d vs %d)", what, i, r->len[i],
          b->len[i], r->tok[(size_t)i * r->L], b->tok[i][0]);
    if (tol == 0) CHECK(r->lp[i] == b->lp[i], "%s: result %d logProb %.9g vs brute force %.9g", what, i, r->lp[i], b->lp[i]);
    else CHECK_CLOSE(r->lp[i], b->lp[i], tol, 0, what);
    CHECK_CLOSE(r->score[i], b->score[i], 1e-5, 1e-5, what);
  }
}

/* ---- tests over next tables ---- */

static void test_beam1_is_greedy(void) {
  for (int salt = 1; salt <= 20; salt++)
    for (int eos = -1; eos < 2; eos++) {
      table_ctx t = {4 + salt % 5, (uint64_t)salt, -1, 0};
      rnnlab_decode_config g = dconf(RNNLAB_DECODE_GREEDY, t.V, 7, 1, eos, 0), b = dconf(RNNLAB_DECODE_BEAM, t.V, 7, 1, eos, 0);
      result rg = run(&g, table_next, &t), rb = run(&b, table_next, &t);
      CHECK(rg.status == 0 && rb.status == 0, "greedy / beam: %s %s", rg.err, rb.err);
      CHECK(rb.count == 1 && same_row(&rg, 0, &rb, 0), "salt %d eos %d: beam K=1 tokens differ from greedy", salt, eos);
      CHECK(rg.lp[0] == rb.lp[0], "salt %d: beam K=1 logProb %.9g vs greedy %.9g", salt, rb.lp[0], rg.lp[0]);
      for (int i = rg.len[0]; i < 7; i++) CHECK(rg.tok[i] == -1, "greedy pads with -1");
      if (eos >= 0)
        for (int i = 0; i + 1 < rg.len[0]; i++) CHECK(rg.tok[i] != eos, "greedy continues past eos");
      result_free(&rg), result_free(&rb);
    }
}

static void test_exhaustive_is_brute_force(void) {
  struct { int V, L, eos, K; float alpha; int zero; } cases[] = {
    {3, 4, -1, 1, 0, -1}, {4, 3, -1, 5, 0, -1}, {3, 5, 0, 1, 0, -1}, {3, 5, 2, 6, 0, -1},
    {4, 4, 1, 4, 0.8f, -1}, {2, 8, -1, 3, 0, -1}, {5, 3, 4, 2, 1.5f, 1}, {1, 6, -1, 1, 0, -1},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    table_ctx t = {cases[c].V, 100 + c, cases[c].zero, 0};
    rnnlab_decode_config dc = dconf(RNNLAB_DECODE_EXHAUSTIVE, t.V, cases[c].L, cases[c].K, cases[c].eos, cases[c].alpha);
    result r = run(&dc, table_next, &t);
    brute b = brute_force(t.V, cases[c].L, cases[c].eos, cases[c].K, cases[c].alpha, table_next, &t, NULL, NULL, 0);
    char what[96];
    snprintf(what, sizeof what, "exhaustive V=%d L=%d eos=%d K=%d alpha=%g", t.V, cases[c].L, cases[c].eos, cases[c].K, cases[c].alpha);
    check_vs_brute(&r, &b, 0, what);
    /* ... and beam with K >= V^(L-1) finds the same K best */
    int K = 1;
    for (int i = 1; i < cases[c].L; i++) K *= t.V;
    if (K < cases[c].K) K = cases[c].K;
    rnnlab_decode_config bc = dconf(RNNLAB_DECODE_BEAM, t.V, cases[c].L, K, cases[c].eos, cases[c].alpha);
    result rb = run(&bc, table_next, &t);
    CHECK(rb.status == 0, "%s", rb.err);
    for (int i = 0; i < r.count && i < rb.count; i++) {
      CHECK(same_row(&r, i, &rb, i), "%s: beam K=%d result %d differs from exhaustive", what, K, i);
      CHECK(r.lp[i] == rb.lp[i], "%s: beam logProb %.9g vs exhaustive %.9g", what, rb.lp[i], r.lp[i]);
    }
    result_free(&r), result_free(&rb);
  }
}

static void test_beam_beats_greedy(void) {
  rnnlab_decode_config g = dconf(RNNLAB_DECODE_GREEDY, 2, 2, 1, -1, 0), b = dconf(RNNLAB_DECODE_BEAM, 2, 2, 2, -1, 0);
  rnnlab_decode_config x = dconf(RNNLAB_DECODE_EXHAUSTIVE, 2, 2, 1, -1, 0);
  result rg = run(&g, trap_next, NULL), rb = run(&b, trap_next, NULL), rx = run(&x, trap_next, NULL);
  CHECK(rg.tok[0] == 0 && rg.tok[1] == 0, "greedy takes 0 then 0, got %d %d", rg.tok[0], rg.tok[1]);
  CHECK_CLOSE(rg.lp[0], log(0.30), 1e-6, 0, "greedy logProb");
  CHECK(rb.count == 2 && rb.tok[0] == 1 && rb.tok[1] == 0, "beam K=2 finds 1 then 0, got %d %d", rb.tok[0], rb.tok[1]);
  CHECK_CLOSE(rb.lp[0], log(0.36), 1e-6, 0, "beam logProb");
  CHECK(rb.lp[0] > rg.lp[0], "beam beats greedy");
  CHECK(rb.lp[1] <= rb.lp[0], "beams sorted");
  CHECK(same_row(&rb, 0, &rx, 0), "beam K=2 == exhaustive here");
  result_free(&rg), result_free(&rb), result_free(&rx);
}

/* ---- sampling ---- */

/* chi-square of counts against probabilities q (sum 1) over V cells with q > 0 */
static double chi2(const long *count, const double *q, int V, long n) {
  double x = 0;
  for (int v = 0; v < V; v++)
    if (q[v] > 0) x += (count[v] - n * q[v]) * (count[v] - n * q[v]) / (n * q[v]);
  return x;
}

static void test_sampling(void) {
  enum { V = 5, N = 20000 };
  const float p[V] = {0.1f, 0.2f, 0.3f, 0.15f, 0.25f};
  fixed_ctx f = {V, p};
  /* chi-square critical values at p = 0.001: df 4 -> 18.47, df 1 -> 10.83 */
  const struct { float temperature; int top_k; double crit; } cases[] = {{1, 0, 18.47}, {0.5f, 0, 18.47}, {2, 0, 18.47}, {1, 2, 10.83}};
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    rnnlab_decode_config dc = dconf(RNNLAB_DECODE_SAMPLE, V, N, 1, -1, 0);
    dc.temperature = cases[c].temperature, dc.top_k = cases[c].top_k, dc.seed_lo = 12345 + (uint32_t)c;
    result r = run(&dc, fixed_next, &f);
    CHECK(r.status == 0 && r.len[0] == N, "sample: %s", r.err);
    long count[V] = {0};
    for (int i = 0; i < N; i++) count[r.tok[i]]++;
    double q[V], s = 0;
    for (int v = 0; v < V; v++) s += q[v] = pow(p[v], 1.0 / cases[c].temperature);
    if (cases[c].top_k == 2) { /* the two best: 0.3 (2) and 0.25 (4) */
      CHECK(count[0] == 0 && count[1] == 0 && count[3] == 0, "top-2 drew outside {2, 4}: %ld %ld %ld", count[0], count[1], count[3]);
      q[0] = q[1] = q[3] = 0, s = q[2] + q[4];
    }
    for (int v = 0; v < V; v++) q[v] /= s;
    double x = chi2(count, q, V, N);
    CHECK(x < cases[c].crit, "sample T=%g top_k=%d: chi-square %.2f >= %.2f", cases[c].temperature, cases[c].top_k, x, cases[c].crit);
    /* the reported logProb is the untempered log-probability of the drawn tokens */
    double lp = 0;
    for (int i = 0; i < N; i++) lp += log(p[r.tok[i]]);
    CHECK_CLOSE(r.lp[0], lp, 1e-3 * fabs(lp), 0, "sample logProb");
    result_free(&r);
  }
  /* top-k = 1 and temperature 0 are argmax */
  for (int mode = 0; mode < 2; mode++) {
    rnnlab_decode_config dc = dconf(RNNLAB_DECODE_SAMPLE, V, 100, 1, -1, 0);
    if (mode) dc.temperature = 0; else dc.top_k = 1;
    result r = run(&dc, fixed_next, &f);
    int all = 1;
    for (int i = 0; i < 100; i++) all &= r.tok[i] == 2;
    CHECK(all, "%s always draws the argmax", mode ? "temperature 0" : "top_k 1");
    result_free(&r);
  }
  /* same seed, same sample; another seed, another; p = 0 never drawn */
  table_ctx t = {6, 7, 3, 0};
  rnnlab_decode_config dc = dconf(RNNLAB_DECODE_SAMPLE, 6, 400, 1, -1, 0);
  result a = run(&dc, table_next, &t), b = run(&dc, table_next, &t);
  dc.seed_lo = 2;
  result c = run(&dc, table_next, &t);
  CHECK(same_row(&a, 0, &b, 0) && a.lp[0] == b.lp[0], "same seed, same sample");
  CHECK(!same_row(&a, 0, &c, 0), "another seed, another sample");
  int zero = 0;
  for (int i = 0; i < 400; i++) zero += a.tok[i] == 3 || c.tok[i] == 3;
  CHECK(zero == 0, "a token with p = 0 was drawn %d times", zero);
  float lp;
  CHECK(rnnlab_decode_score(6, table_next, &t, a.tok, 400, &lp, NULL, 0) == 0 && lp == a.lp[0],
        "score of the sample == its logProb (%.9g vs %.9g)", lp, a.lp[0]);
  result_free(&a), result_free(&b), result_free(&c);
  /* eos ends a sample, eos included */
  table_ctx t2 = {3, 9, -1, 0};
  dc = dconf(RNNLAB_DECODE_SAMPLE, 3, 500, 1, 1, 0);
  result e = run(&dc, table_next, &t2);
  CHECK(e.status == 0 && e.len[0] < 500 && e.tok[e.len[0] - 1] == 1, "sample stops at eos (length %d)", e.len[0]);
  result_free(&e);
}

/* ---- errors ---- */

static void expect_error(const result *r, rnnlab_status s, const char *needle, const char *what) {
  CHECK(r->status == s, "%s: status %d (%s), expected %d", what, r->status, r->err, s);
  CHECK(strstr(r->err, needle) != NULL, "%s: message '%s' lacks '%s'", what, r->err, needle);
}

static void test_errors(void) {
  table_ctx t = {3, 1, -1, 0};
  rnnlab_decode_config dc = dconf(7, 3, 4, 1, -1, 0);
  result r = run(&dc, table_next, &t);
  expect_error(&r, RNNLAB_EINVAL, "unknown decoding strategy 7", "strategy");
  result_free(&r);
  dc = dconf(RNNLAB_DECODE_EXHAUSTIVE, 10, 7, 1, -1, 0);
  t.calls = 0;
  r = run(&dc, table_next, &t);
  expect_error(&r, RNNLAB_EINVAL, "10^7 = 1e+07 sequences, the limit is 1000000", "exhaustive too large");
  CHECK(t.calls == 0, "a refused search calls nothing");
  result_free(&r);
  table_ctx t10 = {10, 1, -1, 0};
  dc = dconf(RNNLAB_DECODE_EXHAUSTIVE, 10, 6, 1, -1, 0); /* exactly the limit: allowed */
  r = run(&dc, table_next, &t10);
  CHECK(r.status == 0 && t10.calls == 111111, "exhaustive at the limit: %s, %ld calls", r.err, t10.calls);
  result_free(&r);
  struct { rnnlab_decode_config dc; const char *needle; } bad[] = {
    {dconf(RNNLAB_DECODE_GREEDY, 0, 4, 1, -1, 0), "vocabSize must be in [1,"},
    {dconf(RNNLAB_DECODE_GREEDY, 3, 0, 1, -1, 0), "length must be >= 1"},
    {dconf(RNNLAB_DECODE_BEAM, 3, 4, 0, -1, 0), "beamWidth must be in [1,"},
    {dconf(RNNLAB_DECODE_GREEDY, 3, 4, 1, 3, 0), "eos must be a token in [0, 3)"},
    {dconf(RNNLAB_DECODE_BEAM, 3, 4, 2, -1, -1), "lengthPenalty must be in [0, 10]"},
    {dconf(RNNLAB_DECODE_BEAM, 3, 4, 2, -1, NAN), "lengthPenalty"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    r = run(&bad[i].dc, table_next, &t);
    expect_error(&r, RNNLAB_EINVAL, bad[i].needle, bad[i].needle);
    result_free(&r);
  }
  dc = dconf(RNNLAB_DECODE_SAMPLE, 3, 4, 1, -1, 0);
  dc.temperature = -1;
  r = run(&dc, table_next, &t);
  expect_error(&r, RNNLAB_EINVAL, "temperature must be finite and >= 0", "temperature");
  result_free(&r);
  dc.temperature = 1, dc.top_k = -2;
  r = run(&dc, table_next, &t);
  expect_error(&r, RNNLAB_EINVAL, "topK must be >= 0", "topK");
  result_free(&r);
  dc = dconf(RNNLAB_DECODE_GREEDY, 3, 4, 1, -1, 0);
  r = run(&dc, NULL, NULL);
  expect_error(&r, RNNLAB_EINVAL, "next function is NULL", "null next");
  result_free(&r);
  const struct { int mode; rnnlab_status s; const char *needle; } misbehave[] = {
    {0, RNNLAB_ENONFINITE, "next returned probs[1] = nan for a prefix of 1 tokens: probabilities must be finite"},
    {1, RNNLAB_EINVAL, "next returned probs[1] = -0.25 for a prefix of 1 tokens: probabilities must be >= 0"},
    {2, RNNLAB_EINVAL, "next returned 3 probabilities that are all 0 for a prefix of 1 tokens"},
    {3, RNNLAB_ESTATE, "the next function failed (invalid state) for a prefix of 1 tokens"},
    {4, RNNLAB_ENONFINITE, "probs[1] = nan for a prefix of 0 tokens"},
  };
  for (int strategy = 0; strategy < 4; strategy++)
    for (size_t i = 0; i < sizeof misbehave / sizeof *misbehave; i++) {
      int mode = misbehave[i].mode;
      dc = dconf(strategy, 3, 3, 2, -1, 0);
      r = run(&dc, bad_next, &mode);
      expect_error(&r, misbehave[i].s, misbehave[i].needle, misbehave[i].needle);
      result_free(&r);
    }
  float lp;
  char err[256];
  CHECK(rnnlab_decode_score(3, table_next, &t, (const int32_t[]){0, 3}, 2, &lp, err, sizeof err) == RNNLAB_EINVAL &&
            strstr(err, "tokens[1] = 3 is not a token in [0, 3)"),
        "score: bad token: %s", err);
  /* renormalisation: a table and twice it give the same log-probabilities */
  const float p1[3] = {0.2f, 0.3f, 0.5f}, p2[3] = {0.4f, 0.6f, 1.0f};
  fixed_ctx f1 = {3, p1}, f2 = {3, p2};
  float l1, l2;
  const int32_t seq[3] = {2, 0, 1};
  rnnlab_decode_score(3, fixed_next, &f1, seq, 3, &l1, NULL, 0);
  rnnlab_decode_score(3, fixed_next, &f2, seq, 3, &l2, NULL, 0);
  CHECK(l1 == l2, "renormalised: %.9g vs %.9g", l1, l2);
  CHECK_CLOSE(l1, log(0.5) + log(0.2) + log(0.3), 1e-6, 0, "score of a fixed table");
}

/* ---- model ---- */

static rnnlab_model *make_model(int cell, int V, int H, int layers, uint32_t seed) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = cell, c.input_size = c.output_size = V, c.hidden_size = H, c.layers = layers, c.seed_lo = seed;
  c.init = RNNLAB_INIT_UNIFORM, c.init_scale = 0.8f; /* peaky distributions: no near-ties */
  rnnlab_model *m = NULL;
  char err[256];
  if (rnnlab_model_create(&c, &m, err, sizeof err)) CHECK(0, "create: %s", err);
  return m;
}

/* probabilities after seq (T tokens) from one full forward pass from zeros */
static void forward_last(rnnlab_model *m, const int32_t *seq, int T, float *probs) {
  const int V = rnnlab_model_config(m)->output_size;
  float *out = malloc(sizeof(float) * (size_t)T * V);
  rnnlab_batch b = {0};
  b.batch = 1, b.length = T, b.tokens = seq;
  CHECK(rnnlab_model_forward(m, &b, out, NULL) == 0, "forward: %s", rnnlab_model_error(m));
  memcpy(probs, out + (size_t)(T - 1) * V, sizeof(float) * V);
  free(out);
}

static void test_model(void) {
  const int cells[] = {RNNLAB_CELL_LSTM, RNNLAB_CELL_GRU, RNNLAB_CELL_RNN, RNNLAB_CELL_CTRNN};
  for (int ci = 0; ci < 4; ci++)
    for (int layers = 1; layers <= 2; layers++) {
      const int V = 5, L = 6, P = 3;
      rnnlab_model *m = make_model(cells[ci], V, 8, layers, 3 + ci);
      const int32_t prompt[3] = {1, 4, 2};
      char what[64];
      snprintf(what, sizeof what, "cell %d layers %d", cells[ci], layers);
      /* greedy == argmax of step-by-step full forward passes */
      rnnlab_decode_config g = dconf(RNNLAB_DECODE_GREEDY, 0, L, 1, -1, 0);
      result rg = run_model(m, &g, prompt, P, 0);
      CHECK(rg.status == 0 && rg.len[0] == L, "%s: generate: %s", what, rg.err);
      int32_t seq[16];
      memcpy(seq, prompt, sizeof prompt);
      double lp = 0;
      float probs[8];
      for (int t = 0; t < L; t++) {
        forward_last(m, seq, P + t, probs);
        int best = 0;
        for (int v = 1; v < V; v++)
          if (probs[v] > probs[best]) best = v;
        float s = 0;
        for (int v = 0; v < V; v++) s += probs[v];
        lp += log(probs[best] / s);
        CHECK(rg.tok[t] == best, "%s: greedy token %d is %d, step-by-step argmax %d", what, t, rg.tok[t], best);
        seq[P + t] = best;
      }
      CHECK_CLOSE(rg.lp[0], lp, 1e-5, 1e-5, what);
      /* model score == sum of log-probs from one full forward, and == generate's logProb */
      float sc;
      CHECK(rnnlab_model_score(m, prompt, P, rg.tok, L, 0, &sc) == 0, "%s: score: %s", what, rnnlab_model_error(m));
      CHECK_CLOSE(sc, lp, 1e-5, 1e-5, what);
      CHECK_CLOSE(sc, rg.lp[0], 1e-6, 1e-6, what);
      float *out = malloc(sizeof(float) * (P + L) * V);
      rnnlab_batch b = {0};
      b.batch = 1, b.length = P + L, b.tokens = seq;
      rnnlab_model_forward(m, &b, out, NULL);
      double full = 0;
      for (int t = 0; t < L; t++) full += log(out[(P - 1 + t) * V + seq[P + t]]);
      CHECK_CLOSE(sc, full, 1e-5, 1e-5, what);
      free(out);
      /* beam K = 1 == greedy */
      rnnlab_decode_config b1 = dconf(RNNLAB_DECODE_BEAM, V, L, 1, -1, 0);
      result rb1 = run_model(m, &b1, prompt, P, 0);
      CHECK(rb1.status == 0 && same_row(&rb1, 0, &rg, 0) && rb1.lp[0] == rg.lp[0], "%s: beam K=1 == greedy", what);
      /* exhaustive == brute force scored one sequence at a time; beam K >= V^(L-1) == exhaustive */
      const int Lx = 4, eos = ci % 2 ? 3 : -1;
      rnnlab_decode_config x = dconf(RNNLAB_DECODE_EXHAUSTIVE, V, Lx, 3, eos, 0.5f);
      result rx = run_model(m, &x, prompt, P, 0);
      brute bf = brute_force(V, Lx, eos, 3, 0.5, NULL, NULL, m, prompt, P);
      check_vs_brute(&rx, &bf, 2e-6, what);
      rnnlab_decode_config bx = dconf(RNNLAB_DECODE_BEAM, V, Lx, 125, eos, 0.5f);
      result rbx = run_model(m, &bx, prompt, P, 0);
      CHECK(rbx.status == 0, "%s: %s", what, rbx.err);
      for (int i = 0; i < 3; i++)
        CHECK(same_row(&rx, i, &rbx, i) && rx.lp[i] == rbx.lp[i], "%s: beam K=125 result %d != exhaustive", what, i);
      /* beams sorted by score */
      rnnlab_decode_config b4 = dconf(RNNLAB_DECODE_BEAM, V, L, 4, -1, 0);
      result rb4 = run_model(m, &b4, prompt, P, 0);
      CHECK(rb4.count == 4, "%s: 4 beams", what);
      for (int i = 1; i < rb4.count; i++) CHECK(rb4.score[i] <= rb4.score[i - 1], "%s: beams sorted", what);
      CHECK(rb4.lp[0] >= rg.lp[0], "%s: beam K=4 no worse than greedy", what);
      for (int i = 0; i < rb4.count; i++) {
        CHECK(rnnlab_model_score(m, prompt, P, rb4.tok + i * L, L, 0, &sc) == 0, "score");
        CHECK_CLOSE(sc, rb4.lp[i], 1e-6, 1e-6, "beam logProb == score");
      }
      /* sampling: deterministic per seed */
      rnnlab_decode_config sm = dconf(RNNLAB_DECODE_SAMPLE, V, 40, 1, -1, 0);
      result s1 = run_model(m, &sm, prompt, P, 0), s2 = run_model(m, &sm, prompt, P, 0);
      CHECK(s1.status == 0 && same_row(&s1, 0, &s2, 0), "%s: same seed, same sample", what);
      CHECK(rnnlab_model_score(m, prompt, P, s1.tok, 40, 0, &sc) == 0, "score");
      CHECK_CLOSE(sc, s1.lp[0], 1e-5, 1e-6, "sample logProb == score");
      /* carried state: prompt split in two == the whole prompt */
      rnnlab_batch head = {0};
      head.batch = 1, head.length = 2, head.tokens = prompt;
      rnnlab_model_forward(m, &head, NULL, NULL);
      result rc = run_model(m, &g, prompt + 2, 1, 1);
      CHECK(rc.status == 0 && same_row(&rc, 0, &rg, 0), "%s: carry_state: %s", what, rc.err);
      CHECK_CLOSE(rc.lp[0], rg.lp[0], 1e-5, 1e-5, what);
      result rc2 = run_model(m, &g, prompt, 1, 1); /* generate left no carried state */
      CHECK(rc2.status == RNNLAB_ESTATE && strstr(rc2.err, "no carried state of batch 1"), "%s: %s", what, rc2.err);
      result_free(&rg), result_free(&rb1), result_free(&rx), result_free(&rbx), result_free(&rb4);
      result_free(&s1), result_free(&s2), result_free(&rc), result_free(&rc2);
      rnnlab_model_free(m);
    }
}

/* more rows than one model pass steps (MODEL_CHUNK = 256): exhaustive over V = 300 */
static void test_model_chunks(void) {
  const int V = 300;
  rnnlab_model *m = make_model(RNNLAB_CELL_LSTM, V, 6, 1, 9);
  const int32_t prompt[1] = {7};
  rnnlab_decode_config x = dconf(RNNLAB_DECODE_EXHAUSTIVE, V, 2, 2, -1, 0), b = dconf(RNNLAB_DECODE_BEAM, V, 2, V, -1, 0);
  result rx = run_model(m, &x, prompt, 1, 0), rb = run_model(m, &b, prompt, 1, 0);
  CHECK(rx.status == 0 && rb.status == 0, "chunks: %s %s", rx.err, rb.err);
  CHECK(same_row(&rx, 0, &rb, 0) && same_row(&rx, 1, &rb, 1), "chunks: beam K=V == exhaustive");
  float sc;
  rnnlab_model_score(m, prompt, 1, rx.tok, 2, 0, &sc);
  CHECK_CLOSE(sc, rx.lp[0], 1e-6, 1e-6, "chunks: score");
  /* the true best by brute force over the 300 x 300 sequences */
  double best = -INFINITY;
  for (int a = 0; a < V; a++) {
    float *out = malloc(sizeof(float) * 3 * V);
    int32_t in[3] = {7, a, 0};
    rnnlab_batch bb = {0};
    bb.batch = 1, bb.length = 3, bb.tokens = in;
    rnnlab_model_forward(m, &bb, out, NULL);
    for (int c = 0; c < V; c++) {
      double lp = log(out[a]) + log(out[V + c]);
      if (lp > best) best = lp;
    }
    free(out);
  }
  CHECK_CLOSE(rx.lp[0], best, 1e-5, 1e-5, "chunks: the best of all 90000");
  result_free(&rx), result_free(&rb);
  rnnlab_model_free(m);
}

static void test_model_errors(void) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.input_size = 4, c.output_size = 4, c.hidden_size = 3;
  const int32_t prompt[2] = {0, 1};
  rnnlab_decode_config g = dconf(RNNLAB_DECODE_GREEDY, 0, 3, 1, -1, 0);
  for (int k = 0; k < 4; k++) {
    rnnlab_config cc = c;
    const char *needle = "";
    if (k == 0) cc.input_kind = RNNLAB_INPUT_DENSE, needle = "one-hot input";
    if (k == 1) cc.output_kind = RNNLAB_OUTPUT_SIGMOID, needle = "softmax output";
    if (k == 2) cc.input_size = 5, needle = "inputSize == outputSize";
    if (k == 3) cc.bidirectional = 1, needle = "unidirectional";
    rnnlab_model *m = NULL;
    CHECK(rnnlab_model_create(&cc, &m, NULL, 0) == 0, "create %d", k);
    result r = run_model(m, &g, prompt, 2, 0);
    expect_error(&r, RNNLAB_EINVAL, needle, needle);
    float lp;
    CHECK(rnnlab_model_score(m, prompt, 2, prompt, 2, 0, &lp) == RNNLAB_EINVAL && strstr(rnnlab_model_error(m), needle), "score: %s", needle);
    result_free(&r);
    rnnlab_model_free(m);
  }
  rnnlab_model *m = NULL;
  rnnlab_model_create(&c, &m, NULL, 0);
  result r = run_model(m, &g, prompt, 0, 0);
  expect_error(&r, RNNLAB_EINVAL, "prompt must hold at least one token", "empty prompt");
  result_free(&r);
  const int32_t badp[2] = {0, 4};
  r = run_model(m, &g, badp, 2, 0);
  expect_error(&r, RNNLAB_EINVAL, "prompt[1] = 4 is not a token in [0, 4)", "bad prompt");
  result_free(&r);
  g.vocab_size = 5;
  r = run_model(m, &g, prompt, 2, 0);
  expect_error(&r, RNNLAB_EINVAL, "vocabSize 5 does not match the model's outputSize 4", "vocab mismatch");
  result_free(&r);
  g.vocab_size = 0;
  r = run_model(m, &g, prompt, 2, 1);
  expect_error(&r, RNNLAB_ESTATE, "no carried state of batch 1", "carry without state");
  result_free(&r);
  g = dconf(RNNLAB_DECODE_EXHAUSTIVE, 0, 11, 1, -1, 0);
  r = run_model(m, &g, prompt, 2, 0);
  expect_error(&r, RNNLAB_EINVAL, "4^11 = 4.194e+06 sequences, the limit is 1000000", "model exhaustive too large");
  result_free(&r);
  /* still works after every error */
  g = dconf(RNNLAB_DECODE_BEAM, 0, 3, 2, -1, 0);
  r = run_model(m, &g, prompt, 2, 0);
  CHECK(r.status == 0 && r.count == 2, "works after errors: %s", r.err);
  result_free(&r);
  rnnlab_model_free(m);
}

int main(void) {
  test_beam1_is_greedy();
  test_exhaustive_is_brute_force();
  test_beam_beats_greedy();
  test_sampling();
  test_errors();
  test_model();
  test_model_chunks();
  test_model_errors();
  return check_summary("test_decode");
}
