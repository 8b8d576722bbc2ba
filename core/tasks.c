/* tasks.c - task generators and their scorers.
 *
 * Owns: the rnnlab_task handle: option parsing ("key=value,..."), seeded generators that fill
 * task-owned batch buffers in the engine's rnnlab_batch format (or rnnlab_seq2seq_batch), the
 * per-task scorers (each task's own success criterion), evaluation of a model on fresh held-out
 * data generated from a caller's seed, the text task's vocabulary, stream batches and n-gram
 * baselines, and the generated English-like corpus.
 *
 * Does not own: training loops or learning-rate policy (the JS run helper, wasm/run.mjs, and the
 * CLI drive rnnlab_trainer_step), the seq2seq model (core/seq2seq.c: it consumes
 * rnnlab_seq2seq_batch and calls rnnlab_task_seq2seq_score), any I/O (the C-sources corpus is
 * bundled at build time and handed in as bytes), globals (every random draw goes through an
 * explicit rng_state: one for training batches, a fresh one per evaluation seeded by the caller).
 *
 * The tasks, and where they follow or leave Hochreiter & Schmidhuber, "Long Short-Term Memory",
 * Neural Computation 9(8), 1997 (H&S below):
 *   parity          bits in, running parity out at every step (mode=final: only at the end).
 *                   A row of a training batch has a length drawn uniformly in [minLength, length];
 *                   evaluation uses exactly the requested length.
 *   addition        two binary numbers, least significant bit first, one pair of bits per step
 *                   (input token a + 2b), the sum bit out per step; one more step with the pair
 *                   (0,0) outputs the final carry (it is the sum's top bit). length = bits.
 *   text            character-level language model over UTF-8 text; see "text" below.
 *   reber           H&S experiment 1, embedded Reber grammar (Cleeremans et al. 1989): 7 symbols
 *                   B T P S X V E; at every step the target is the set of all legal next symbols
 *                   (multi-hot, sigmoid outputs as in H&S). A step is right when the legal symbols
 *                   are exactly the most active outputs (H&S: "the output unit(s) corresponding to
 *                   the possible next symbol(s) is(are) always the most active ones"); a string is
 *                   right when every step is. Deviation: H&S train on a fixed set of 256 strings;
 *                   here every batch draws fresh strings (evaluation: 256 fresh strings by default,
 *                   the size of H&S's test set). length caps the string length (longer strings
 *                   are redrawn; at the default 100 this practically never happens).
 *   adding          H&S experiment 4: per step (value uniform in [-1,1], marker); sequence length
 *                   uniform in [T, T + T/10]; the first marked pair is one of the first ten, the
 *                   second one of the first T/2 - 1 still unmarked pairs; first and last pair
 *                   carry marker -1 unless marked; a marked first pair's value is set to 0.
 *                   Target at the end only: 0.5 + (X1 + X2)/4. Right when |error| < 0.04; H&S
 *                   test on 2560 sequences. T = length (H&S: 100, 500, 1000; needs T >= 10).
 *                   H&S use logistic sigmoid outputs trained on squared error; here any
 *                   model with float targets works (output linear or sigmoid).
 *   temporal-order  H&S experiment 6a (variant=a: X/Y at t1, t2; 4 classes Q R S U) and 6b
 *                   (variant=b: t1, t2, t3; 8 classes Q R S U V A B C). Symbols a b c d X Y B E;
 *                   a sequence starts with E and ends with the trigger B, the rest random in
 *                   {a,b,c,d}. For length L = 100 (the paper's): sequence length uniform in
 *                   [100, 110], t1 in [10,20], t2 in [50,60] (6a); t1 in [10,20], t2 in [33,43],
 *                   t3 in [66,76] (6b), positions counted from 1 as in the paper. Other L scale
 *                   every bound by L/100 (deviation: shorter instances for fast tests; L >= 20).
 *                   Target at the end only; right when every output is within 0.3 of the
 *                   one-hot target (H&S's criterion), which for softmax means p(class) > 0.7.
 *   copy, reverse, decimal-addition
 *                   sequence-to-sequence: source string in, target string out ("123+45" ->
 *                   "168"); vocabulary PAD=0, BOS=1, EOS=2, then the symbols. Scored by exact
 *                   match from predicted token sequences (rnnlab_task_seq2seq_score).
 *
 * text: the vocabulary is built from the training split (the leading 1 - holdout of the text):
 * its vocab-1 most frequent code points, plus UNK (id 0) for everything else, including invalid
 * UTF-8. rnnlab_task_batch gives B parallel streams over the training split (stream b starts in
 * segment b of B equal segments, at a random phase per pass), length characters each, with
 * carry_state = 1 between consecutive calls (0 on the first call, after a change of B and when
 * the streams wrap). Evaluation scores the held-out tail as one stream in chunks with carried
 * state, in bits per character, and beside it interpolated Witten-Bell n-gram models (orders
 * 1..5, order n = n-1 characters of context) counted on the training split and scored on the
 * same characters with the same history (none before the tail's first character).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "rng.h"

#define TASK_ERRLEN 256
#define EVAL_CHUNK 128                /* sequences per forward pass while evaluating */
#define SYNTH_MAX_LENGTH 100000       /* largest length of a synthetic sequence */
#define SEQ2SEQ_MAX_LENGTH 1000
#define TEXT_MAX_CHARS (64 << 20)     /* code points */
#define NGRAM_ORDERS 5
#define VOCAB_BITS 12                 /* n-gram keys pack 5 symbols of 12 bits */
#define TEXT_MAX_VOCAB (1 << VOCAB_BITS)

typedef enum {
  TASK_PARITY = 0, TASK_ADDITION, TASK_TEXT, TASK_REBER, TASK_ADDING, TASK_TEMPORAL,
  TASK_COPY, TASK_REVERSE, TASK_DECADD, TASK_KINDS
} task_kind;

static const char *const task_names[TASK_KINDS] = {
  "parity", "addition", "text", "reber", "adding", "temporal-order", "copy", "reverse", "decimal-addition"};

/* Option keys each task accepts (documented in rnnlab.h). */
static const char *const task_keys[TASK_KINDS] = {
  "seed,length,minLength,evalLength,evalCount,target,mode",
  "seed,length,minLength,evalLength,evalCount,target",
  "seed,length,evalLength,evalCount,corpus,chars,vocab,holdout",
  "seed,length,evalCount,target",
  "seed,length,evalLength,evalCount,target",
  "seed,length,evalLength,evalCount,target,variant",
  "seed,length,minLength,evalLength,evalCount,target,symbols",
  "seed,length,minLength,evalLength,evalCount,target,symbols",
  "seed,length,minLength,evalLength,evalCount,target"};

/* Salts that keep the independent random streams of one seed apart. */
#define SALT_TRAIN 0x747261696eull  /* "train" */
#define SALT_EVAL 0x6576616cull     /* "eval" */
#define SALT_CORPUS 0x636f727075ull /* "corpu" */

/* Reber symbols, in the order of the one-hot code. */
enum { RB_B = 0, RB_T, RB_P, RB_S, RB_X, RB_V, RB_E, RB_SYMBOLS };
static const char reber_chars[RB_SYMBOLS + 1] = "BTPSXVE";
/* The Reber automaton: from state s, two edges {symbol, next state}; next -1 = accept.
 * 0 -B-> 1; 1 -T-> 2 | -P-> 3; 2 -S-> 2 | -X-> 4; 3 -T-> 3 | -V-> 5; 4 -X-> 3 | -S-> 6;
 * 5 -P-> 4 | -V-> 6; 6 -E-> end. */
static const struct { int sym[2], next[2], n; } reber_fsm[7] = {
  {{RB_B, 0}, {1, 0}, 1}, {{RB_T, RB_P}, {2, 3}, 2}, {{RB_S, RB_X}, {2, 4}, 2}, {{RB_T, RB_V}, {3, 5}, 2},
  {{RB_X, RB_S}, {3, 6}, 2}, {{RB_P, RB_V}, {4, 6}, 2}, {{RB_E, 0}, {-1, 0}, 1}};

/* Temporal order symbols: a b c d X Y B E; classes Q R S U V A B C. */
enum { TO_A = 0, TO_X = 4, TO_Y = 5, TO_B = 6, TO_E = 7, TO_SYMBOLS = 8 };
static const char *const temporal_in[TO_SYMBOLS] = {"a", "b", "c", "d", "X", "Y", "B", "E"};
static const char *const temporal_out[8] = {"Q", "R", "S", "U", "V", "A", "B", "C"};
static const char *const addition_in[4] = {"00", "10", "01", "11"}; /* token a + 2b as "ab" */
static const char *const bits_out[2] = {"0", "1"};

/* ---- buffers ---- */

/* One batch's storage, batch-major, grown on demand. Unused arrays stay NULL. */
typedef struct {
  int32_t *tok;  /* (B,T) one-hot input */
  float *in;     /* (B,T,I) dense input */
  int32_t *id;   /* (B,T) class targets, -1 = none */
  float *tg;     /* (B,T,V) float targets */
  float *mask;   /* (B,T) 1 = targeted step */
  size_t cap;    /* B*T capacity */
} task_buf;

typedef struct {
  int32_t *src, *dec_in, *dec_tgt; /* (B,S), (B,U), (B,U) */
  size_t cap_src, cap_tgt;
} s2s_buf;

/* n-gram table entry: key = ((n + 1) << 60) | symbols (newest in the low 12 bits), never 0. */
typedef struct {
  uint64_t key;
  uint32_t count;     /* occurrences of this n-gram at a predicted position */
  uint32_t ctx_total; /* predictions made with this n-gram as the whole context */
  uint32_t followers; /* distinct symbols seen after it */
} ngram_entry;

struct rnnlab_task {
  task_kind kind;
  rnnlab_task_info info;
  /* options */
  uint64_t seed;
  int length, min_length, eval_length, eval_count;
  float target;
  int final_only;  /* parity mode=final */
  int relevant;    /* temporal order: 2 (6a) or 3 (6b) */
  int symbols;     /* copy/reverse alphabet size */
  float holdout;
  int vocab_cap, chars;

  rng_state rng;   /* training batches */
  task_buf train, eval;
  s2s_buf s2s_train, s2s_eval;
  int32_t *rows;   /* (B) row lengths of the batch being built */
  size_t rows_cap;
  float *out;      /* (B,T,V) model outputs while evaluating */
  size_t out_cap;
  char sym_buf[16];

  /* text */
  int32_t *text;           /* symbol ids, training split then held-out tail */
  int32_t n_text, n_train;
  char (*vocab)[8];        /* UTF-8 of each symbol, NUL-terminated */
  int64_t *stream;         /* (B) positions of the training streams */
  int stream_B, stream_len, stream_fresh;
  ngram_entry *ngram;      /* open addressing, NULL until the first evaluation */
  size_t ngram_cap, ngram_used;

  char err[TASK_ERRLEN];
};

static rnnlab_status task_fail(rnnlab_task *t, rnnlab_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status_vfail(t->err, sizeof t->err, s, fmt, ap);
  va_end(ap);
  return s;
}

static uint64_t mix_seed(uint64_t seed, uint64_t salt) {
  rng_state r;
  rng_seed(&r, seed ^ (salt * 0xD1B54A32D192ED03ull));
  return rng_u64(&r);
}

static int float_targets(task_kind k) { return k == TASK_REBER || k == TASK_ADDING; }

/* Grows *p to hold n elements of size sz (contents not kept). */
static int grow(void **p, size_t *cap, size_t n, size_t sz) {
  if (n <= *cap && *p) return 1;
  void *q = malloc((n ? n : 1) * sz);
  if (!q) return 0;
  free(*p);
  *p = q;
  *cap = n;
  return 1;
}

static rnnlab_status buf_reserve(rnnlab_task *t, task_buf *b, size_t n) {
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

static void buf_free(task_buf *b) { free(b->tok), free(b->id), free(b->in), free(b->tg), free(b->mask); }

/* ---- options ---- */

static int key_allowed(task_kind k, const char *key, size_t len) {
  const char *p = task_keys[k];
  while (*p) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == len && !strncmp(p, key, len)) return 1;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

static int parse_int(const char *v, long lo, long hi, int *out) {
  char *end;
  long x;
  if (!*v) return 0;
  x = strtol(v, &end, 10);
  if (*end || x < lo || x > hi) return 0;
  *out = (int)x;
  return 1;
}

static int parse_float(const char *v, double lo, double hi, float *out) {
  char *end;
  double x;
  if (!*v) return 0;
  x = strtod(v, &end);
  if (*end || !(x >= lo && x <= hi)) return 0;
  *out = (float)x;
  return 1;
}

static int parse_u64(const char *v, uint64_t *out) {
  uint64_t x = 0;
  if (!*v) return 0;
  for (; *v; v++) {
    if (*v < '0' || *v > '9') return 0;
    if (x > (UINT64_MAX - (uint64_t)(*v - '0')) / 10) return 0;
    x = x * 10 + (uint64_t)(*v - '0');
  }
  *out = x;
  return 1;
}

static void set_defaults(rnnlab_task *t) {
  t->seed = 1;
  t->min_length = 1;
  t->target = 1.0f;
  t->relevant = 2;
  t->symbols = 8;
  t->holdout = 0.1f;
  t->vocab_cap = 256;
  t->chars = 100000;
  switch (t->kind) {
    case TASK_PARITY: t->length = 16, t->eval_length = 100, t->eval_count = 1000, t->target = 0.99f; break;
    case TASK_ADDITION: t->length = 8, t->eval_length = 64, t->eval_count = 1000; break;
    case TASK_TEXT: t->length = 64, t->eval_length = 256, t->eval_count = 0, t->target = 0; break;
    case TASK_REBER: t->length = 100, t->eval_length = 0, t->eval_count = 256; break;
    case TASK_ADDING: t->length = 100, t->eval_length = 0, t->eval_count = 2560; break;
    case TASK_TEMPORAL: t->length = 100, t->eval_length = 0, t->eval_count = 2560; break;
    case TASK_COPY:
    case TASK_REVERSE: t->length = 10, t->eval_length = 10, t->eval_count = 1000, t->target = 0.99f; break;
    case TASK_DECADD: t->length = 3, t->eval_length = 3, t->eval_count = 1000, t->target = 0.99f; break;
    default: break;
  }
}

/* Parses "key=value,key=value" (spaces around keys and values ignored). */
static rnnlab_status parse_options(rnnlab_task *t, const char *opts, int *corpus_grammar, char *err, size_t errlen) {
  const char *name = task_names[t->kind];
  char key[32], val[64];
  char seen[16][32];
  int nseen = 0;
  const char *p = opts ? opts : "";
  while (*p) {
    const char *e = strchr(p, ','), *end = e ? e : p + strlen(p), *eq = memchr(p, '=', (size_t)(end - p));
    const char *k0 = p, *k1 = eq ? eq : end, *v0 = eq ? eq + 1 : end, *v1 = end;
    while (k0 < k1 && *k0 == ' ') k0++;
    while (k1 > k0 && k1[-1] == ' ') k1--;
    while (v0 < v1 && *v0 == ' ') v0++;
    while (v1 > v0 && v1[-1] == ' ') v1--;
    p = e ? e + 1 : end;
    if (k0 == k1 && !eq) continue; /* empty item, e.g. a trailing comma */
    if ((size_t)(k1 - k0) >= sizeof key || (size_t)(v1 - v0) >= sizeof val)
      return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': option '%.*s' is too long", name, (int)(k1 - k0), k0);
    memcpy(key, k0, (size_t)(k1 - k0)), key[k1 - k0] = 0;
    memcpy(val, v0, (size_t)(v1 - v0)), val[v1 - v0] = 0;
    if (!key_allowed(t->kind, key, strlen(key)))
      return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': unknown option '%s' (known: %s)", name, key, task_keys[t->kind]);
    if (!eq) return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': option '%s' needs a value (key=value)", name, key);
    for (int i = 0; i < nseen; i++)
      if (!strcmp(seen[i], key)) return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': option '%s' is given twice", name, key);
    if (nseen < 16) strcpy(seen[nseen++], key);
    int ok = 1;
    const char *want = "";
    if (!strcmp(key, "seed")) ok = parse_u64(val, &t->seed), want = "an integer in 0..2^64-1";
    else if (!strcmp(key, "length")) ok = parse_int(val, 1, SYNTH_MAX_LENGTH, &t->length), want = "an integer in 1..100000";
    else if (!strcmp(key, "minLength")) ok = parse_int(val, 1, SYNTH_MAX_LENGTH, &t->min_length), want = "an integer in 1..100000";
    else if (!strcmp(key, "evalLength")) ok = parse_int(val, 1, SYNTH_MAX_LENGTH, &t->eval_length), want = "an integer in 1..100000";
    else if (!strcmp(key, "evalCount")) ok = parse_int(val, 1, 1 << 24, &t->eval_count), want = "an integer in 1..16777216";
    else if (!strcmp(key, "target")) ok = parse_float(val, 0, 1, &t->target), want = "a number in [0, 1]";
    else if (!strcmp(key, "mode")) {
      ok = !strcmp(val, "running") || !strcmp(val, "final"), want = "running or final";
      t->final_only = !strcmp(val, "final");
    } else if (!strcmp(key, "variant")) {
      ok = !strcmp(val, "a") || !strcmp(val, "b"), want = "a (6a: 2 relevant symbols) or b (6b: 3)";
      t->relevant = !strcmp(val, "b") ? 3 : 2;
    } else if (!strcmp(key, "symbols")) ok = parse_int(val, 2, 26, &t->symbols), want = "an integer in 2..26";
    else if (!strcmp(key, "corpus")) ok = !strcmp(val, "grammar"), want = "grammar (other text is passed as bytes)", *corpus_grammar = 1;
    else if (!strcmp(key, "chars")) ok = parse_int(val, 1000, TEXT_MAX_CHARS, &t->chars), want = "an integer in 1000..67108864";
    else if (!strcmp(key, "vocab")) ok = parse_int(val, 2, TEXT_MAX_VOCAB, &t->vocab_cap), want = "an integer in 2..4096";
    else if (!strcmp(key, "holdout")) {
      ok = parse_float(val, 0, 1, &t->holdout) && t->holdout > 0 && t->holdout < 1, want = "a number in (0, 1)";
    }
    if (!ok) return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': option %s=%s: must be %s", name, key, val, want);
  }
  return RNNLAB_OK;
}

/* Smallest and largest nominal length each task accepts. */
static void length_bounds(const rnnlab_task *t, int *lo, int *hi) {
  *lo = 1, *hi = SYNTH_MAX_LENGTH;
  switch (t->kind) {
    case TASK_REBER: *lo = 9; break;         /* the shortest embedded Reber string */
    case TASK_ADDING: *lo = 10; break;       /* the first marker is one of the first ten pairs */
    case TASK_TEMPORAL: *lo = 20; break;     /* scaled positions stay distinct and inside */
    case TASK_COPY: case TASK_REVERSE: case TASK_DECADD: *hi = SEQ2SEQ_MAX_LENGTH; break;
    default: break;
  }
}

static rnnlab_status check_length(rnnlab_task *t, const char *what, int L) {
  int lo, hi;
  length_bounds(t, &lo, &hi);
  if (L < lo || L > hi) return task_fail(t, RNNLAB_EINVAL, "task '%s': %s must be in %d..%d, got %d", task_names[t->kind], what, lo, hi, L);
  return RNNLAB_OK;
}

/* ---- the generated corpus: English-like sentences from a small grammar ---- */

static const char *const g_det[] = {"the", "a", "every", "some", "this", "that", "my", "our"};
static const char *const g_noun[] = {"cat", "dog", "child", "teacher", "river", "garden", "house", "bird", "farmer",
                                     "king", "song", "letter", "window", "storm", "apple", "owl", "island", "engine"};
static const char *const g_adj[] = {"small", "old", "green", "quiet", "happy", "bright", "cold", "tired", "strange", "early", "empty"};
static const char *const g_name[] = {"Anna", "Tom", "Maria", "Peter", "Lucy", "Sam", "Omar", "Ines"};
static const char *const g_vt[] = {"sees", "finds", "likes", "follows", "carries", "paints", "opens", "hears", "remembers", "watches"};
static const char *const g_vi[] = {"sleeps", "runs", "sings", "waits", "laughs", "falls", "smiles", "arrives"};
static const char *const g_adv[] = {"quickly", "slowly", "today", "again", "softly", "at night", "in the morning"};
static const char *const g_prep[] = {"near", "under", "behind", "with", "across", "beside", "above"};
static const char *const g_conj[] = {"and", "but", "while", "because"};
#define PICK(r, a) (a[rng_below(r, (uint32_t)(sizeof a / sizeof *a))])

typedef struct { char *s; size_t n, cap; } sbuf;

static void sb_put(sbuf *b, const char *w) {
  size_t k = strlen(w);
  if (b->n + k + 1 > b->cap) return; /* the caller sized the buffer with slack */
  memcpy(b->s + b->n, w, k), b->n += k;
}

static void sb_word(sbuf *b, const char *w) {
  if (b->n && b->s[b->n - 1] != ' ' && b->s[b->n - 1] != '\n') sb_put(b, " ");
  sb_put(b, w);
}

static int starts_vowel(const char *w) { return strchr("aeiou", w[0]) != NULL; }

static void g_np(sbuf *b, rng_state *r, int depth) {
  uint32_t k = rng_below(r, 10);
  if (k < 2) { sb_word(b, PICK(r, g_name)); return; }
  const char *det = PICK(r, g_det), *adj = k >= 6 ? PICK(r, g_adj) : NULL, *noun = PICK(r, g_noun);
  const char *next = adj ? adj : noun;
  sb_word(b, !strcmp(det, "a") && starts_vowel(next) ? "an" : det);
  if (adj) sb_word(b, adj);
  sb_word(b, noun);
  if (k == 9 && depth < 2) { sb_word(b, PICK(r, g_prep)); g_np(b, r, depth + 1); }
}

static void g_clause(sbuf *b, rng_state *r) {
  g_np(b, r, 0);
  uint32_t k = rng_below(r, 8);
  if (k < 3) { sb_word(b, PICK(r, g_vt)); g_np(b, r, 1); }
  else if (k < 5) { sb_word(b, PICK(r, g_vi)); if (k == 4) sb_word(b, PICK(r, g_adv)); }
  else if (k < 7) { sb_word(b, "is"); sb_word(b, PICK(r, g_adj)); }
  else { sb_word(b, PICK(r, g_vi)); sb_word(b, PICK(r, g_prep)); g_np(b, r, 1); }
}

/* About `chars` bytes of sentences: "The old owl sees Anna near the river." Capitalised, a
 * space between sentences, a newline after every few. Returns the length, or 0 on ENOMEM. */
static size_t grammar_corpus(rng_state *r, size_t chars, char **out) {
  sbuf b = {malloc(chars + 512), 0, chars + 512};
  if (!b.s) return 0;
  while (b.n < chars) {
    size_t start = b.n;
    if (b.n && b.s[b.n - 1] != '\n') sb_put(&b, " ");
    size_t cap_at = b.n;
    g_clause(&b, r);
    if (rng_below(r, 4) == 0) {
      sb_put(&b, ",");
      sb_word(&b, PICK(r, g_conj));
      g_clause(&b, r);
    }
    sb_put(&b, rng_below(r, 8) == 0 ? "?" : ".");
    if (rng_below(r, 5) == 0) sb_put(&b, "\n");
    if (b.n >= b.cap - 1) { b.n = start; break; }
    if (b.s[cap_at] >= 'a' && b.s[cap_at] <= 'z') b.s[cap_at] = (char)(b.s[cap_at] - 'a' + 'A');
  }
  *out = b.s;
  return b.n;
}

/* ---- text: UTF-8, vocabulary ---- */

#define CP_INVALID 0xFFFFFFFFu

/* Decodes UTF-8 into code points; malformed bytes become CP_INVALID (one per byte). */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp) {
  size_t i = 0, k = 0;
  while (i < n) {
    uint32_t c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    uint32_t v = len == 1 ? c : len == 2 ? c & 31 : len == 3 ? c & 15 : c & 7;
    int ok = len > 0 && i + (size_t)len <= n;
    for (int j = 1; ok && j < len; j++) {
      if ((s[i + j] & 0xC0) != 0x80) ok = 0;
      else v = (v << 6) | (s[i + j] & 63);
    }
    /* overlong forms, surrogates and values past U+10FFFF are malformed too */
    if (ok && ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
               (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)) ok = 0;
    cp[k++] = ok ? v : CP_INVALID;
    i += ok ? (size_t)len : 1;
  }
  return k;
}

static int utf8_encode(uint32_t c, char *o) {
  if (c < 0x80) { o[0] = (char)c; return 1; }
  if (c < 0x800) { o[0] = (char)(0xC0 | c >> 6); o[1] = (char)(0x80 | (c & 63)); return 2; }
  if (c < 0x10000) { o[0] = (char)(0xE0 | c >> 12); o[1] = (char)(0x80 | ((c >> 6) & 63)); o[2] = (char)(0x80 | (c & 63)); return 3; }
  o[0] = (char)(0xF0 | c >> 18); o[1] = (char)(0x80 | ((c >> 12) & 63)); o[2] = (char)(0x80 | ((c >> 6) & 63)); o[3] = (char)(0x80 | (c & 63));
  return 4;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct { uint32_t cp, count; } cp_count;
static int cmp_count_desc(const void *a, const void *b) {
  const cp_count *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return x->cp < y->cp ? -1 : x->cp > y->cp;
}
static int cmp_cp(const void *a, const void *b) {
  const cp_count *x = a, *y = b;
  return x->cp < y->cp ? -1 : x->cp > y->cp;
}

/* Builds the vocabulary from the training split and maps the text to ids. */
static rnnlab_status text_build(rnnlab_task *t, const uint8_t *bytes, size_t n, char *err, size_t errlen) {
  uint32_t *cp = malloc((n ? n : 1) * sizeof *cp);
  if (!cp) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory decoding %zu bytes of text", n);
  size_t m = utf8_decode(bytes, n, cp);
  if (m > TEXT_MAX_CHARS) {
    free(cp);
    return status_fail(err, errlen, RNNLAB_EINVAL, "task 'text': the text has %zu characters, more than %d", m, TEXT_MAX_CHARS);
  }
  size_t n_tail = (size_t)((double)m * t->holdout);
  size_t n_train = m - n_tail;
  if (n_tail < 2 || n_train < 2) {
    free(cp);
    return status_fail(err, errlen, RNNLAB_EINVAL,
                    "task 'text': the text is too short (%zu characters): holdout=%g leaves %zu for training and %zu held out (need >= 2 each)",
                    m, (double)t->holdout, n_train, n_tail);
  }
  uint32_t *sorted = malloc(n_train * sizeof *sorted);
  cp_count *cc = malloc(n_train * sizeof *cc);
  t->text = malloc(m * sizeof(int32_t));
  if (!sorted || !cc || !t->text) {
    free(cp), free(sorted), free(cc);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for %zu characters of text", m);
  }
  memcpy(sorted, cp, n_train * sizeof *sorted);
  qsort(sorted, n_train, sizeof *sorted, cmp_u32);
  size_t nd = 0;
  for (size_t i = 0; i < n_train;) {
    size_t j = i;
    while (j < n_train && sorted[j] == sorted[i]) j++;
    if (sorted[i] != CP_INVALID) cc[nd].cp = sorted[i], cc[nd].count = (uint32_t)(j - i), nd++;
    i = j;
  }
  free(sorted);
  qsort(cc, nd, sizeof *cc, cmp_count_desc);
  size_t keep = nd < (size_t)t->vocab_cap - 1 ? nd : (size_t)t->vocab_cap - 1;
  qsort(cc, keep, sizeof *cc, cmp_cp);
  int V = (int)keep + 1;
  t->vocab = calloc((size_t)V, sizeof *t->vocab);
  if (!t->vocab) {
    free(cp), free(cc);
    return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for the vocabulary");
  }
  utf8_encode(0xFFFD, t->vocab[0]); /* UNK shows as the replacement character */
  for (int v = 1; v < V; v++) utf8_encode(cc[v - 1].cp, t->vocab[v]);
  for (size_t i = 0; i < m; i++) { /* binary search among the kept code points */
    size_t lo = 0, hi = keep;
    int32_t id = 0;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (cc[mid].cp == cp[i]) { id = (int32_t)mid + 1; break; }
      if (cc[mid].cp < cp[i]) lo = mid + 1; else hi = mid;
    }
    t->text[i] = id;
  }
  free(cp), free(cc);
  t->n_text = (int32_t)m, t->n_train = (int32_t)n_train;
  t->info.vocab_size = V;
  t->info.input_size = t->info.output_size = V;
  t->info.unk_id = 0;
  t->info.train_chars = (int32_t)n_train;
  t->info.heldout_chars = (int32_t)n_tail;
  return RNNLAB_OK;
}

/* ---- n-gram baselines (interpolated Witten-Bell) ---- */

static uint64_t ngram_key(int n, uint64_t syms) { return ((uint64_t)(n + 1) << 60) | syms; }
static uint64_t ngram_mask(int n) { return n >= 5 ? (1ull << 60) - 1 : (1ull << (VOCAB_BITS * n)) - 1; }

static size_t ngram_slot(const rnnlab_task *t, uint64_t key) {
  uint64_t h = key * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  size_t i = (size_t)h & (t->ngram_cap - 1);
  while (t->ngram[i].key && t->ngram[i].key != key) i = (i + 1) & (t->ngram_cap - 1);
  return i;
}

static const ngram_entry *ngram_find(const rnnlab_task *t, uint64_t key) {
  size_t i = ngram_slot(t, key);
  return t->ngram[i].key ? &t->ngram[i] : NULL;
}

/* The entry of key, inserted (zeroed) when absent; NULL when out of memory. Inserting may move
 * every entry: pointers from earlier calls are then stale. */
static ngram_entry *ngram_get(rnnlab_task *t, uint64_t key) {
  if (t->ngram) {
    size_t i = ngram_slot(t, key);
    if (t->ngram[i].key) return &t->ngram[i];
  }
  if (2 * (t->ngram_used + 1) > t->ngram_cap) { /* keep the load at most 1/2 */
    size_t old_cap = t->ngram_cap, cap = old_cap ? 2 * old_cap : 1024;
    ngram_entry *old = t->ngram, *nw = calloc(cap, sizeof *nw);
    if (!nw) return NULL;
    t->ngram = nw, t->ngram_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].key) t->ngram[ngram_slot(t, old[i].key)] = old[i];
    free(old);
  }
  size_t i = ngram_slot(t, key);
  if (!t->ngram[i].key) t->ngram[i].key = key, t->ngram_used++;
  return &t->ngram[i];
}

/* Counts every n-gram (n = 1..5) of the training split: for each position i, the gram
 * x[i-n+1..i] and its context x[i-n+1..i-1]. */
static rnnlab_status ngram_build(rnnlab_task *t) {
  if (t->ngram) return RNNLAB_OK;
  uint64_t hist = 0; /* the last symbols, newest lowest */
  for (int32_t i = 0; i < t->n_train; i++) {
    hist = (hist << VOCAB_BITS) | (uint64_t)t->text[i];
    for (int n = 1; n <= NGRAM_ORDERS && n <= i + 1; n++) {
      /* insert both first, then take pointers (an insertion may move the table) */
      ngram_entry *g = ngram_get(t, ngram_key(n, hist & ngram_mask(n)));
      ngram_entry *c = g ? ngram_get(t, ngram_key(n - 1, (hist >> VOCAB_BITS) & ngram_mask(n - 1))) : NULL;
      if (c) g = ngram_get(t, ngram_key(n, hist & ngram_mask(n))); /* present: no insertion */
      if (!c || !g) {
        free(t->ngram), t->ngram = NULL, t->ngram_cap = t->ngram_used = 0;
        return task_fail(t, RNNLAB_ENOMEM, "out of memory for the n-gram tables");
      }
      if (g->count++ == 0) c->followers++;
      c->ctx_total++;
    }
  }
  return RNNLAB_OK;
}

/* P(x | the `avail` previous symbols in hist) under the order-`order` model:
 *   p_0 = 1/V;  p_n = (C(h,x) + N1+(h) p_{n-1}) / (C(h) + N1+(h))  with h the last n-1 symbols,
 * kept at p_{n-1} when h was never seen (Witten & Bell 1991, interpolated). */
static double ngram_prob(const rnnlab_task *t, int order, uint64_t hist, int avail, int32_t x) {
  double p = 1.0 / t->info.vocab_size;
  for (int n = 1; n <= order && n - 1 <= avail; n++) {
    const ngram_entry *c = ngram_find(t, ngram_key(n - 1, hist & ngram_mask(n - 1)));
    if (!c || !c->ctx_total) break; /* longer contexts are unseen too */
    const ngram_entry *g = ngram_find(t, ngram_key(n, ((hist << VOCAB_BITS) | (uint64_t)x) & ngram_mask(n)));
    double cnt = g ? g->count : 0;
    p = (cnt + c->followers * p) / (c->ctx_total + (double)c->followers);
  }
  return p;
}

/* Bits per character of each order on text[from+1 .. from+n] (history starts at text[from]). */
static void ngram_score(const rnnlab_task *t, int32_t from, int32_t n, float *bpc) {
  double bits[NGRAM_ORDERS] = {0};
  uint64_t hist = 0;
  for (int32_t i = 0; i < n; i++) {
    hist = (hist << VOCAB_BITS) | (uint64_t)t->text[from + i];
    int avail = i + 1 < NGRAM_ORDERS ? i + 1 : NGRAM_ORDERS;
    for (int k = 0; k < NGRAM_ORDERS; k++) bits[k] -= log2(ngram_prob(t, k + 1, hist, avail, t->text[from + i + 1]));
  }
  for (int k = 0; k < NGRAM_ORDERS; k++) bpc[k] = n ? (float)(bits[k] / n) : 0.0f;
}

/* ---- create / free ---- */

int rnnlab_task_count(void) { return TASK_KINDS; }
const char *rnnlab_task_name(int idx) { return idx >= 0 && idx < TASK_KINDS ? task_names[idx] : NULL; }
const char *rnnlab_task_option_keys(int idx) { return idx >= 0 && idx < TASK_KINDS ? task_keys[idx] : NULL; }

static void fill_info(rnnlab_task *t) {
  rnnlab_task_info *in = &t->info;
  in->pad_id = in->bos_id = in->eos_id = in->unk_id = -1;
  in->input_kind = RNNLAB_INPUT_ONEHOT;
  in->output_kind = RNNLAB_OUTPUT_SOFTMAX;
  switch (t->kind) {
    case TASK_PARITY: in->input_size = 2, in->output_size = 2; break;
    case TASK_ADDITION: in->input_size = 4, in->output_size = 2; break;
    case TASK_REBER: in->input_size = in->output_size = RB_SYMBOLS, in->output_kind = RNNLAB_OUTPUT_SIGMOID; break;
    case TASK_ADDING:
      in->input_size = 2, in->input_kind = RNNLAB_INPUT_DENSE, in->output_size = 1, in->output_kind = RNNLAB_OUTPUT_LINEAR;
      break;
    case TASK_TEMPORAL: in->input_size = TO_SYMBOLS, in->output_size = t->relevant == 3 ? 8 : 4; break;
    case TASK_COPY:
    case TASK_REVERSE:
    case TASK_DECADD:
      in->is_seq2seq = 1;
      in->vocab_size = 3 + (t->kind == TASK_DECADD ? 11 : t->symbols);
      in->input_size = in->output_size = in->vocab_size;
      in->pad_id = 0, in->bos_id = 1, in->eos_id = 2;
      break;
    default: break; /* text: text_build */
  }
  if (t->kind == TASK_TEXT) in->unk_id = 0;
  if (!in->vocab_size) in->vocab_size = in->input_size;
  in->length = t->length;
  in->min_length = t->min_length;
  /* adding, temporal order and reber test at the training length unless told otherwise */
  in->eval_length = t->eval_length ? t->eval_length : t->length;
  in->eval_count = t->eval_count;
  in->target_accuracy = t->target;
  int lo, hi;
  length_bounds(t, &lo, &hi);
  in->max_length = hi;
  in->seed_lo = (uint32_t)t->seed, in->seed_hi = (uint32_t)(t->seed >> 32);
}

rnnlab_status rnnlab_task_create(const char *name, const char *options, const uint8_t *text, size_t text_len,
                                 rnnlab_task **out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "task_create: out is NULL");
  *out = NULL;
  if (!name) return status_fail(err, errlen, RNNLAB_EINVAL, "task name is NULL");
  int kind = -1;
  for (int i = 0; i < TASK_KINDS; i++)
    if (!strcmp(name, task_names[i])) kind = i;
  if (kind < 0)
    return status_fail(err, errlen, RNNLAB_EINVAL,
                    "unknown task '%.40s' (known: parity, addition, text, reber, adding, temporal-order, copy, reverse, decimal-addition)", name);
  if (text && kind != TASK_TEXT) return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s' takes no text (only 'text' does)", name);
  rnnlab_task *t = calloc(1, sizeof *t);
  if (!t) return status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for a task");
  t->kind = (task_kind)kind;
  set_defaults(t);
  int corpus_grammar = 0;
  rnnlab_status s = parse_options(t, options, &corpus_grammar, err, errlen);
  if (!s && t->kind != TASK_TEXT && t->min_length > t->length)
    s = status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': minLength=%d is larger than length=%d", name, t->min_length, t->length);
  if (!s && t->kind != TASK_TEXT) {
    int lo, hi;
    length_bounds(t, &lo, &hi);
    if (t->length < lo || t->length > hi)
      s = status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': length must be in %d..%d, got %d", name, lo, hi, t->length);
    else if (t->eval_length && (t->eval_length < lo || t->eval_length > hi))
      s = status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': evalLength must be in %d..%d, got %d", name, lo, hi, t->eval_length);
  }
  if (!s && t->kind == TASK_TEXT) {
    if (text && corpus_grammar) s = status_fail(err, errlen, RNNLAB_EINVAL, "task 'text': both corpus=grammar and text bytes given");
    else if (text) s = text_build(t, text, text_len, err, errlen);
    else {
      rng_state r;
      char *g = NULL;
      rng_seed(&r, mix_seed(t->seed, SALT_CORPUS));
      size_t n = grammar_corpus(&r, (size_t)t->chars, &g);
      s = n ? text_build(t, (const uint8_t *)g, n, err, errlen) : status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for the corpus");
      free(g);
    }
  }
  if (s) {
    rnnlab_task_free(t);
    return s;
  }
  fill_info(t);
  rnnlab_task_reset(t);
  *out = t;
  return RNNLAB_OK;
}

void rnnlab_task_free(rnnlab_task *t) {
  if (!t) return;
  buf_free(&t->train), buf_free(&t->eval);
  free(t->s2s_train.src), free(t->s2s_train.dec_in), free(t->s2s_train.dec_tgt);
  free(t->s2s_eval.src), free(t->s2s_eval.dec_in), free(t->s2s_eval.dec_tgt);
  free(t->rows), free(t->out), free(t->text), free(t->vocab), free(t->stream), free(t->ngram);
  free(t);
}

const char *rnnlab_task_error(const rnnlab_task *t) { return t ? t->err : "task is NULL"; }
const rnnlab_task_info *rnnlab_task_get_info(const rnnlab_task *t) { return t ? &t->info : NULL; }
const char *rnnlab_task_get_name(const rnnlab_task *t) { return t ? task_names[t->kind] : NULL; }

void rnnlab_task_reset(rnnlab_task *t) {
  if (!t) return;
  rng_seed(&t->rng, mix_seed(t->seed, SALT_TRAIN));
  t->stream_B = 0;
}

const char *rnnlab_task_symbol(rnnlab_task *t, int which, int id) {
  if (!t) return NULL;
  const rnnlab_task_info *in = &t->info;
  if (id < 0 || id >= (which ? in->output_size : in->input_size)) return NULL;
  switch (t->kind) {
    case TASK_PARITY: return bits_out[id];
    case TASK_ADDITION: return which ? bits_out[id] : addition_in[id];
    case TASK_TEXT: return t->vocab[id];
    case TASK_REBER: t->sym_buf[0] = reber_chars[id], t->sym_buf[1] = 0; return t->sym_buf;
    case TASK_ADDING: return which ? "sum" : id ? "marker" : "value";
    case TASK_TEMPORAL: return which ? temporal_out[id] : temporal_in[id];
    default: /* seq2seq */
      if (id == 0) return "<pad>";
      if (id == 1) return "<s>";
      if (id == 2) return "</s>";
      if (t->kind == TASK_DECADD) t->sym_buf[0] = id - 3 < 10 ? (char)('0' + id - 3) : '+';
      else t->sym_buf[0] = (char)('a' + id - 3);
      t->sym_buf[1] = 0;
      return t->sym_buf;
  }
}

/* ---- synthetic sequences: one row each ---- */

/* A row view: pointers at the row's first step; padding is pre-filled by the caller
 * (tok 0, in 0, id -1, tg 0, mask 0). Returns the row's length. */
typedef struct { int32_t *tok; float *in; int32_t *id; float *tg; float *mask; } row_view;

static int uniform_int(rng_state *r, int lo, int hi) { return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1)); }

static int gen_parity(const rnnlab_task *t, rng_state *r, int n, row_view v) {
  int p = 0;
  for (int i = 0; i < n; i++) {
    int bit = (int)rng_below(r, 2);
    p ^= bit;
    v.tok[i] = bit;
    if (!t->final_only || i == n - 1) v.id[i] = p, v.mask[i] = 1;
  }
  return n;
}

/* n bit pairs, LSB first, then the pair (0,0) whose sum bit is the carry out. */
static int gen_addition(rng_state *r, int n, row_view v) {
  int carry = 0;
  for (int i = 0; i <= n; i++) {
    int a = i < n ? (int)rng_below(r, 2) : 0, b = i < n ? (int)rng_below(r, 2) : 0, s = a + b + carry;
    v.tok[i] = a + 2 * b;
    v.id[i] = s & 1, v.mask[i] = 1;
    carry = s >> 1;
  }
  return n + 1;
}

/* Legal next-symbol sets of the embedded automaton, as bit masks over the 7 symbols. */
static int reber_string(rng_state *r, int cap, int *sym, int *legal) {
  for (;;) {
    int n = 0, outer = rng_below(r, 2) ? RB_P : RB_T, s = 0;
    sym[n] = RB_B, legal[n++] = 1 << RB_T | 1 << RB_P;
    sym[n] = outer, legal[n++] = 1 << RB_B;
    while (s >= 0 && n < cap) { /* the inner Reber string, from state 0 */
      int e = reber_fsm[s].n == 2 ? (int)rng_below(r, 2) : 0, ns = reber_fsm[s].next[e];
      sym[n] = reber_fsm[s].sym[e];
      legal[n++] = ns < 0 ? 1 << outer : (1 << reber_fsm[ns].sym[0]) | (reber_fsm[ns].n == 2 ? 1 << reber_fsm[ns].sym[1] : 0);
      s = ns;
    }
    if (s >= 0 || n + 2 > cap) continue; /* too long: redraw */
    sym[n] = outer, legal[n++] = 1 << RB_E;
    sym[n] = RB_E, legal[n++] = 0;
    return n;
  }
}

static int gen_reber(rng_state *r, int cap, int *sym, int *legal, row_view v) {
  int n = reber_string(r, cap, sym, legal);
  for (int i = 0; i + 1 < n; i++) { /* input symbols 0..n-2, targets their legal successors */
    v.tok[i] = sym[i];
    for (int k = 0; k < RB_SYMBOLS; k++) v.tg[i * RB_SYMBOLS + k] = (float)((legal[i] >> k) & 1);
    v.mask[i] = 1;
  }
  return n - 1;
}

static int gen_adding(rng_state *r, int T, row_view v) {
  int n = T + (int)rng_below(r, (uint32_t)(T / 10 + 1));
  for (int i = 0; i < n; i++) v.in[2 * i] = rng_symmetric(r, 1.0f), v.in[2 * i + 1] = 0;
  v.in[1] = -1, v.in[2 * (n - 1) + 1] = -1;
  int m1 = (int)rng_below(r, 10);
  int k = (int)rng_below(r, (uint32_t)(T / 2 - 1)), m2 = 0; /* k-th of the first T/2-1 unmarked pairs */
  for (int i = 0;; i++) {
    if (i == m1) continue;
    if (k-- == 0) { m2 = i; break; }
  }
  if (m1 == 0 || m2 == 0) v.in[0] = 0; /* H&S: "X1 is set to zero" when the first pair is marked */
  v.in[2 * m1 + 1] = 1, v.in[2 * m2 + 1] = 1;
  v.tg[n - 1] = 0.5f + (v.in[2 * m1] + v.in[2 * m2]) / 4.0f;
  v.mask[n - 1] = 1;
  return n;
}

/* Paper positions (1-based, at L = 100) scaled by L/100. */
static int scaled(int L, int p) { return (p * L + 50) / 100; }

static int gen_temporal(const rnnlab_task *t, rng_state *r, int L, row_view v) {
  static const int lo2[2] = {10, 50}, hi2[2] = {20, 60}, lo3[3] = {10, 33, 66}, hi3[3] = {20, 43, 76};
  const int m = t->relevant, *lo = m == 3 ? lo3 : lo2, *hi = m == 3 ? hi3 : hi2;
  int n = L + (int)rng_below(r, (uint32_t)(L / 10 + 1)), cls = 0;
  v.tok[0] = TO_E;
  for (int i = 1; i < n - 1; i++) v.tok[i] = TO_A + (int)rng_below(r, 4);
  v.tok[n - 1] = TO_B;
  for (int k = 0; k < m; k++) {
    int pos = uniform_int(r, scaled(L, lo[k]), scaled(L, hi[k])), y = (int)rng_below(r, 2);
    v.tok[pos - 1] = y ? TO_Y : TO_X;
    cls = cls * 2 + y;
  }
  v.id[n - 1] = cls, v.mask[n - 1] = 1;
  return n;
}

/* Longest row a nominal length L can give. */
static int max_row(const rnnlab_task *t, int L) {
  switch (t->kind) {
    case TASK_ADDITION: return L + 1;
    case TASK_REBER: return L - 1;
    case TASK_ADDING:
    case TASK_TEMPORAL: return L + L / 10;
    default: return L;
  }
}

/* Fills b with B rows for nominal length L (exact: every row of length L where the task
 * varies lengths in training) and sets *T to the longest row. */
static rnnlab_status gen_batch(rnnlab_task *t, rng_state *r, task_buf *b, int B, int L, int exact, int *T_out) {
  const int Tm = max_row(t, L), I = t->info.input_size, V = t->info.output_size;
  const size_t n = (size_t)B * Tm;
  rnnlab_status s = buf_reserve(t, b, n);
  if (s) return s;
  if (!grow((void **)&t->rows, &t->rows_cap, (size_t)B + 2 * (size_t)L + 2, sizeof(int32_t)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch");
  int32_t *rows = t->rows, *sym = t->rows + B, *legal = t->rows + B + L + 1; /* Reber scratch */
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
    int len = L; /* only parity and addition draw a row length; the others have their own */
    if (!exact && (t->kind == TASK_PARITY || t->kind == TASK_ADDITION)) len = uniform_int(r, t->min_length < L ? t->min_length : L, L);
    switch (t->kind) {
      case TASK_PARITY: rows[i] = gen_parity(t, r, len, v); break;
      case TASK_ADDITION: rows[i] = gen_addition(r, len, v); break;
      case TASK_REBER: rows[i] = gen_reber(r, L, sym, legal, v); break;
      case TASK_ADDING: rows[i] = gen_adding(r, L, v); break;
      case TASK_TEMPORAL: rows[i] = gen_temporal(t, r, L, v); break;
      default: return task_fail(t, RNNLAB_ESTATE, "task '%s' has no batches of this kind", task_names[t->kind]);
    }
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

static void batch_view(const task_buf *b, int B, int T, int carry, rnnlab_batch *out) {
  memset(out, 0, sizeof *out);
  out->batch = B, out->length = T;
  out->tokens = b->tok, out->inputs = b->in;
  out->target_ids = b->id, out->targets = b->tg;
  out->mask = b->mask;
  out->carry_state = carry;
}

/* ---- text batches ---- */

static rnnlab_status text_batch(rnnlab_task *t, int B, int L, rnnlab_batch *out) {
  const int64_t seg = t->n_train / B;
  if (seg < 2 * (int64_t)L + 2)
    return task_fail(t, RNNLAB_EINVAL,
                     "task 'text': %d streams of chunk length %d need at least %lld training characters, the split has %d",
                     B, L, (long long)B * (2 * L + 2), t->n_train);
  rnnlab_status s = buf_reserve(t, &t->train, (size_t)B * L);
  if (s) return s;
  int carry = 1;
  if (t->stream_B != B || t->stream_len != L || !t->stream) {
    int64_t *st = realloc(t->stream, (size_t)B * sizeof *st);
    if (!st) return task_fail(t, RNNLAB_ENOMEM, "out of memory for %d streams", B);
    t->stream = st, t->stream_B = B, t->stream_len = L, t->stream_fresh = 1;
  }
  for (int i = 0; i < B && !t->stream_fresh; i++) /* a stream at its segment's end: new pass */
    if (t->stream[i] + L + 1 > (i + 1) * seg) t->stream_fresh = 1;
  if (t->stream_fresh) {
    int64_t phase = (int64_t)rng_below(&t->rng, (uint32_t)L);
    for (int i = 0; i < B; i++) t->stream[i] = i * seg + phase;
    t->stream_fresh = 0, carry = 0;
  }
  for (int i = 0; i < B; i++) {
    const int32_t *x = t->text + t->stream[i];
    for (int j = 0; j < L; j++) {
      t->train.tok[(size_t)i * L + j] = x[j];
      t->train.id[(size_t)i * L + j] = x[j + 1];
      t->train.mask[(size_t)i * L + j] = 1;
    }
    t->stream[i] += L;
  }
  batch_view(&t->train, B, L, carry, out);
  return RNNLAB_OK;
}

int32_t rnnlab_task_max_batch(rnnlab_task *t, int32_t length) {
  if (!t) return -1;
  t->err[0] = 0;
  if (t->info.is_seq2seq) {
    task_fail(t, RNNLAB_ESTATE, "task '%s' is sequence-to-sequence: its batches have no stream limit", task_names[t->kind]);
    return -1;
  }
  const int L = length ? length : t->length;
  if (check_length(t, "length", L)) return -1;
  double most = 1 << 20; /* rnnlab_task_batch's own bound */
  const double row = max_row(t, L), in = t->info.input_kind ? t->info.input_size : 1, out = t->info.output_size;
  const double w = in > out ? in : out;
  if (most * row * w > RNNLAB_MAX_ELEMS) most = floor(RNNLAB_MAX_ELEMS / (row * w));
  if (t->kind == TASK_TEXT) { /* text_batch: each stream's segment n_train / B holds 2 (L + 1) characters */
    const double streams = floor((double)t->n_train / (2.0 * L + 2.0));
    if (streams < most) most = streams;
  }
  return (int32_t)most;
}

rnnlab_status rnnlab_task_batch(rnnlab_task *t, int32_t B, int32_t length, rnnlab_batch *out) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!out) return task_fail(t, RNNLAB_EINVAL, "task_batch: out is NULL");
  if (t->info.is_seq2seq)
    return task_fail(t, RNNLAB_ESTATE, "task '%s' is sequence-to-sequence: use rnnlab_task_seq2seq_batch", task_names[t->kind]);
  if (B < 1 || B > (1 << 20)) return task_fail(t, RNNLAB_EINVAL, "task_batch: batch size must be in 1..1048576, got %d", B);
  int L = length ? length : t->length;
  rnnlab_status s = check_length(t, "length", L);
  if (s) return s;
  if ((double)B * max_row(t, L) * (t->info.input_kind ? t->info.input_size : 1) > RNNLAB_MAX_ELEMS ||
      (double)B * max_row(t, L) * t->info.output_size > RNNLAB_MAX_ELEMS)
    return task_fail(t, RNNLAB_EINVAL, "task_batch: batch %d x length %d is too large", B, L);
  if (t->kind == TASK_TEXT) return text_batch(t, B, L, out);
  int T;
  s = gen_batch(t, &t->rng, &t->train, B, L, 0, &T);
  if (s) return s;
  batch_view(&t->train, B, T, 0, out);
  return RNNLAB_OK;
}

/* ---- scoring ---- */

typedef struct {
  double loss, bits;
  int64_t seqs, seqs_ok, steps, steps_ok;
  float max_err;
} score_acc;

static float safe_p(float p) { return p > 1e-30f ? p : 1e-30f; }

/* One targeted step: right or not, and its loss (cross-entropy in nats for class targets,
 * (1/2)||o - d||^2 for float targets). */
static int score_step(const rnnlab_task *t, const float *o, int V, int32_t id, const float *d, double *loss, float *err) {
  if (t->kind == TASK_REBER) { /* legal symbols = the most active outputs */
    float lo_legal = 1e30f, hi_illegal = -1e30f;
    double l = 0;
    for (int k = 0; k < V; k++) {
      if (d[k] > 0.5f) lo_legal = o[k] < lo_legal ? o[k] : lo_legal;
      else hi_illegal = o[k] > hi_illegal ? o[k] : hi_illegal;
      l += 0.5 * (double)(o[k] - d[k]) * (o[k] - d[k]);
    }
    *loss = l;
    return lo_legal > hi_illegal;
  }
  if (t->kind == TASK_ADDING) {
    float e = fabsf(o[0] - d[0]);
    *loss = 0.5 * (double)e * e;
    if (e > *err) *err = e;
    return e < 0.04f;
  }
  *loss = -log((double)safe_p(o[id]));
  if (t->kind == TASK_TEMPORAL) { /* every output within 0.3 of the one-hot target */
    for (int k = 0; k < V; k++)
      if (fabsf(o[k] - (k == id ? 1.0f : 0.0f)) >= 0.3f) return 0;
    return 1;
  }
  int best = 0; /* argmax, the first on ties */
  for (int k = 1; k < V; k++) if (o[k] > o[best]) best = k;
  return best == id;
}

static rnnlab_status score_rows(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, score_acc *a) {
  const int V = t->info.output_size, B = b->batch, T = b->length, cls = !float_targets(t->kind);
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
      int right = score_step(t, outputs + r * V, V, id, cls ? NULL : b->targets + r * V, &l, &a->max_err);
      any = 1, ok &= right;
      a->steps++, a->steps_ok += right, a->loss += l;
      if (cls) a->bits -= log2((double)safe_p(outputs[r * V + id]));
    }
    if (any) a->seqs++, a->seqs_ok += ok;
  }
  return RNNLAB_OK;
}

static void score_finish(const rnnlab_task *t, const score_acc *a, rnnlab_task_result *r) {
  memset(r, 0, sizeof *r);
  r->steps = (int32_t)a->steps, r->sequences = (int32_t)a->seqs;
  r->loss = a->steps ? (float)(a->loss / a->steps) : 0;
  r->step_accuracy = a->steps ? (float)((double)a->steps_ok / a->steps) : 0;
  r->accuracy = t->kind == TASK_TEXT ? r->step_accuracy : a->seqs ? (float)((double)a->seqs_ok / a->seqs) : 0;
  if (t->kind == TASK_TEXT) r->bpc = a->steps ? (float)(a->bits / a->steps) : 0;
  r->max_error = a->max_err;
  r->solved = t->kind != TASK_TEXT && a->seqs > 0 && r->accuracy >= t->info.target_accuracy;
}

rnnlab_status rnnlab_task_score(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, rnnlab_task_result *r) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!b || !outputs || !r) return task_fail(t, RNNLAB_EINVAL, "task_score: batch, outputs and result are required");
  if (t->info.is_seq2seq) return task_fail(t, RNNLAB_ESTATE, "task '%s' is scored with rnnlab_task_seq2seq_score", task_names[t->kind]);
  if (b->batch < 1 || b->length < 1) return task_fail(t, RNNLAB_EINVAL, "task_score: empty batch");
  score_acc a = {0};
  rnnlab_status s = score_rows(t, b, outputs, &a);
  if (s) return s;
  score_finish(t, &a, r);
  return RNNLAB_OK;
}

/* ---- evaluation ---- */

static rnnlab_status check_model(rnnlab_task *t, const rnnlab_model *m) {
  const rnnlab_config *c = rnnlab_model_config(m);
  const rnnlab_task_info *in = &t->info;
  const char *name = task_names[t->kind];
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

static rnnlab_status model_call(rnnlab_task *t, rnnlab_model *m, const rnnlab_batch *b, float *loss) {
  rnnlab_status s = rnnlab_model_forward(m, b, t->out, loss);
  if (s) {
    const char *msg = rnnlab_model_error(m);
    return task_fail(t, s, "evaluate: %s", msg && msg[0] ? msg : rnnlab_status_str(s));
  }
  return RNNLAB_OK;
}

static rnnlab_status text_evaluate(rnnlab_task *t, rnnlab_model *m, int count, int L, rnnlab_task_result *r) {
  const int V = t->info.output_size;
  int32_t n = t->n_text - t->n_train - 1; /* predicted characters of the tail */
  if (count > 0 && count < n) n = count;
  rnnlab_status s = buf_reserve(t, &t->eval, (size_t)L);
  if (s) return s;
  if (!grow((void **)&t->out, &t->out_cap, (size_t)L * V, sizeof(float)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for evaluation outputs");
  score_acc a = {0};
  double model_loss = 0;
  for (int32_t p = 0; p < n; p += L) {
    int len = n - p < L ? n - p : L;
    const int32_t *x = t->text + t->n_train + p;
    for (int j = 0; j < len; j++) t->eval.tok[j] = x[j], t->eval.id[j] = x[j + 1], t->eval.mask[j] = 1;
    rnnlab_batch b;
    float loss = 0;
    batch_view(&t->eval, 1, len, p > 0, &b);
    s = model_call(t, m, &b, &loss);
    if (s) break;
    model_loss += (double)loss * len;
    score_rows(t, &b, t->out, &a);
  }
  rnnlab_model_restore_state(m); /* the training stream's carried state, as it was */
  if (s) return s;
  score_finish(t, &a, r);
  r->sequences = n > 0; /* one stream */
  r->loss = n ? (float)(model_loss / n) : 0;
  s = ngram_build(t);
  if (s) return s;
  ngram_score(t, t->n_train, n, r->ngram_bpc);
  float best = r->ngram_bpc[0];
  for (int k = 1; k < NGRAM_ORDERS; k++) best = r->ngram_bpc[k] < best ? r->ngram_bpc[k] : best;
  r->solved = n > 0 && r->bpc < best;
  return RNNLAB_OK;
}

rnnlab_status rnnlab_task_evaluate(rnnlab_task *t, rnnlab_model *m, int32_t count, int32_t length, uint64_t seed,
                                   rnnlab_task_result *r) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!m || !r) return task_fail(t, RNNLAB_EINVAL, "task_evaluate: model and result are required");
  memset(r, 0, sizeof *r);
  if (t->info.is_seq2seq)
    return task_fail(t, RNNLAB_ESTATE,
                     "task '%s' needs a seq2seq model: generate data with rnnlab_task_seq2seq_eval and score predictions with rnnlab_task_seq2seq_score",
                     task_names[t->kind]);
  rnnlab_status s = check_model(t, m);
  if (s) return s;
  s = rnnlab_model_keep_state(m); /* put back by the restore at the end of either evaluation */
  if (s) return task_fail(t, s, "evaluate: %s", rnnlab_model_error(m));
  if (count < 0) return task_fail(t, RNNLAB_EINVAL, "task_evaluate: count must be >= 0 (0 = the task's default), got %d", count);
  int L = length ? length : t->info.eval_length;
  if (t->kind == TASK_TEXT) {
    if (L < 1 || L > SYNTH_MAX_LENGTH) return task_fail(t, RNNLAB_EINVAL, "task 'text': length (the chunk) must be in 1..100000, got %d", L);
    return text_evaluate(t, m, count ? count : t->eval_count, L, r);
  }
  s = check_length(t, "length", L);
  if (s) return s;
  const int N = count ? count : t->info.eval_count, V = t->info.output_size;
  const int exact = t->kind == TASK_PARITY || t->kind == TASK_ADDITION;
  rng_state rng;
  rng_seed(&rng, mix_seed(seed, SALT_EVAL));
  score_acc a = {0};
  double model_loss = 0, weight = 0;
  for (int done = 0; done < N && !s; done += EVAL_CHUNK) {
    int B = N - done < EVAL_CHUNK ? N - done : EVAL_CHUNK, T;
    s = gen_batch(t, &rng, &t->eval, B, L, exact, &T);
    if (s) break;
    if (!grow((void **)&t->out, &t->out_cap, (size_t)B * T * V, sizeof(float))) {
      s = task_fail(t, RNNLAB_ENOMEM, "out of memory for evaluation outputs");
      break;
    }
    rnnlab_batch b;
    float loss = 0;
    batch_view(&t->eval, B, T, 0, &b);
    s = model_call(t, m, &b, &loss);
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

/* ---- sequence-to-sequence ---- */

/* One (source, target) pair into src/tgt (symbol ids); returns lengths through *ns, *nt. */
static void gen_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt) {
  int lo = t->min_length < L ? t->min_length : L;
  if (t->kind == TASK_DECADD) { /* digits 3..12, '+' 13; operands without leading zeros */
    int da = exact ? L : uniform_int(r, lo, L), db = exact ? L : uniform_int(r, lo, L);
    int a[SEQ2SEQ_MAX_LENGTH], b[SEQ2SEQ_MAX_LENGTH], n = 0;
    for (int i = 0; i < da; i++) a[i] = i == 0 && da > 1 ? 1 + (int)rng_below(r, 9) : (int)rng_below(r, 10);
    for (int i = 0; i < db; i++) b[i] = i == 0 && db > 1 ? 1 + (int)rng_below(r, 9) : (int)rng_below(r, 10);
    for (int i = 0; i < da; i++) src[n++] = 3 + a[i];
    src[n++] = 13;
    for (int i = 0; i < db; i++) src[n++] = 3 + b[i];
    *ns = n;
    int carry = 0, k = 0, rev[SEQ2SEQ_MAX_LENGTH + 1];
    for (int i = 0; i < da || i < db || carry; i++) { /* least significant first */
      int s = carry + (i < da ? a[da - 1 - i] : 0) + (i < db ? b[db - 1 - i] : 0);
      rev[k++] = s % 10, carry = s / 10;
    }
    while (k > 1 && rev[k - 1] == 0) k--; /* 0+0 = "0" */
    for (int i = 0; i < k; i++) tgt[i] = 3 + rev[k - 1 - i];
    *nt = k;
    return;
  }
  int n = exact ? L : uniform_int(r, lo, L);
  for (int i = 0; i < n; i++) src[i] = 3 + (int)rng_below(r, (uint32_t)t->symbols);
  for (int i = 0; i < n; i++) tgt[i] = t->kind == TASK_REVERSE ? src[n - 1 - i] : src[i];
  *ns = *nt = n;
}

static rnnlab_status gen_s2s(rnnlab_task *t, rng_state *r, s2s_buf *sb, int B, int L, int exact, rnnlab_seq2seq_batch *out) {
  const int Sm = t->kind == TASK_DECADD ? 2 * L + 1 : L, Um = (t->kind == TASK_DECADD ? L + 1 : L) + 1;
  if (!grow((void **)&sb->src, &sb->cap_src, (size_t)B * Sm, sizeof(int32_t)) ||
      !grow((void **)&t->rows, &t->rows_cap, (size_t)2 * B + Sm + Um, sizeof(int32_t)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch");
  size_t cap = sb->cap_tgt;
  if (!grow((void **)&sb->dec_in, &cap, (size_t)B * Um, sizeof(int32_t)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch");
  if (!grow((void **)&sb->dec_tgt, &sb->cap_tgt, (size_t)B * Um, sizeof(int32_t)))
    return task_fail(t, RNNLAB_ENOMEM, "out of memory for a batch");
  int32_t *ns = t->rows, *nt = t->rows + B, *tmp_s = t->rows + 2 * B, *tmp_t = tmp_s + Sm;
  /* pass 1 at stride (Sm, Um), sources right-aligned later once S is known */
  int S = 1, U = 1;
  for (int i = 0; i < B; i++) {
    int a, b;
    gen_pair(t, r, L, exact, tmp_s, &a, tmp_t, &b);
    memcpy(sb->src + (size_t)i * Sm, tmp_s, (size_t)a * sizeof(int32_t));
    memcpy(sb->dec_tgt + (size_t)i * Um, tmp_t, (size_t)b * sizeof(int32_t));
    ns[i] = a, nt[i] = b;
    if (a > S) S = a;
    if (b + 1 > U) U = b + 1;
  }
  /* pass 2: re-lay at strides (S, U), front to back (stride never grows) */
  for (int i = 0; i < B; i++) {
    int32_t *s_from = sb->src + (size_t)i * Sm, *s_to = sb->src + (size_t)i * S;
    int32_t *y_from = sb->dec_tgt + (size_t)i * Um, *y_to = sb->dec_tgt + (size_t)i * U, *d = sb->dec_in + (size_t)i * U;
    memmove(tmp_s, s_from, (size_t)ns[i] * sizeof(int32_t));
    memmove(tmp_t, y_from, (size_t)nt[i] * sizeof(int32_t));
    for (int j = 0; j < S - ns[i]; j++) s_to[j] = 0; /* PAD on the left */
    memcpy(s_to + S - ns[i], tmp_s, (size_t)ns[i] * sizeof(int32_t));
    d[0] = 1; /* BOS y1..yn PAD... */
    for (int j = 0; j < nt[i]; j++) d[j + 1] = tmp_t[j];
    for (int j = nt[i] + 1; j < U; j++) d[j] = 0;
    for (int j = 0; j < nt[i]; j++) y_to[j] = tmp_t[j]; /* y1..yn EOS -1... */
    y_to[nt[i]] = 2;
    for (int j = nt[i] + 1; j < U; j++) y_to[j] = -1;
  }
  out->batch = B, out->src_length = S, out->tgt_length = U;
  out->src = sb->src, out->dec_in = sb->dec_in, out->dec_tgt = sb->dec_tgt;
  return RNNLAB_OK;
}

static rnnlab_status s2s_check(rnnlab_task *t, int B, int L, const char *fn) {
  if (!t->info.is_seq2seq)
    return task_fail(t, RNNLAB_ESTATE, "%s: task '%s' is not sequence-to-sequence (use rnnlab_task_batch)", fn, task_names[t->kind]);
  if (B < 1 || B > (1 << 20)) return task_fail(t, RNNLAB_EINVAL, "%s: batch size must be in 1..1048576, got %d", fn, B);
  return check_length(t, "length", L);
}

rnnlab_status rnnlab_task_seq2seq_batch(rnnlab_task *t, int32_t B, int32_t length, rnnlab_seq2seq_batch *out) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!out) return task_fail(t, RNNLAB_EINVAL, "task_seq2seq_batch: out is NULL");
  int L = length ? length : t->length;
  rnnlab_status s = s2s_check(t, B, L, "task_seq2seq_batch");
  return s ? s : gen_s2s(t, &t->rng, &t->s2s_train, B, L, 0, out);
}

rnnlab_status rnnlab_task_seq2seq_eval(rnnlab_task *t, int32_t count, int32_t length, uint64_t seed, rnnlab_seq2seq_batch *out) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!out) return task_fail(t, RNNLAB_EINVAL, "task_seq2seq_eval: out is NULL");
  int N = count ? count : t->info.eval_count, L = length ? length : t->info.eval_length;
  rnnlab_status s = s2s_check(t, N, L, "task_seq2seq_eval");
  if (s) return s;
  rng_state rng;
  rng_seed(&rng, mix_seed(seed, SALT_EVAL));
  return gen_s2s(t, &rng, &t->s2s_eval, N, L, 1, out);
}

rnnlab_status rnnlab_task_seq2seq_score(rnnlab_task *t, const rnnlab_seq2seq_batch *ref, const int32_t *pred, int32_t pred_length,
                                        rnnlab_task_result *r) {
  if (!t) return RNNLAB_EINVAL;
  t->err[0] = 0;
  if (!ref || !pred || !r) return task_fail(t, RNNLAB_EINVAL, "task_seq2seq_score: reference, predictions and result are required");
  if (!t->info.is_seq2seq) return task_fail(t, RNNLAB_ESTATE, "task '%s' is not sequence-to-sequence", task_names[t->kind]);
  if (pred_length < 1) return task_fail(t, RNNLAB_EINVAL, "task_seq2seq_score: pred_length must be >= 1, got %d", pred_length);
  const int U = ref->tgt_length, eos = t->info.eos_id;
  score_acc a = {0};
  for (int i = 0; i < ref->batch; i++) {
    const int32_t *y = ref->dec_tgt + (size_t)i * U, *p = pred + (size_t)i * pred_length;
    int n = 0, end = 0;
    while (n < U && y[n] >= 0 && y[n] != eos) n++;                    /* reference y1..yn */
    while (end < pred_length && p[end] >= 0 && p[end] != eos) end++; /* prediction's end */
    int ok = end == n;
    for (int j = 0; j <= n; j++) { /* y1..yn then the stop */
      int right = j < n ? j < end && p[j] == y[j] : end == n;
      a.steps++, a.steps_ok += right, ok &= right;
    }
    a.seqs++, a.seqs_ok += ok;
  }
  memset(r, 0, sizeof *r);
  r->sequences = (int32_t)a.seqs, r->steps = (int32_t)a.steps;
  r->accuracy = a.seqs ? (float)((double)a.seqs_ok / a.seqs) : 0;
  r->step_accuracy = a.steps ? (float)((double)a.steps_ok / a.steps) : 0;
  r->solved = a.seqs > 0 && r->accuracy >= t->info.target_accuracy;
  return RNNLAB_OK;
}
