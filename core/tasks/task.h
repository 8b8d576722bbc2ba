/* task.h - the tasks' private header: the task handle, the kind descriptor, and what the task
 * files share (never installed; the public API is rnnlab.h's rnnlab_task_*).
 *
 * Owns: struct rnnlab_task (options, the training stream, task-owned batch buffers, the text
 * task's state), the task_kind descriptor (one row per task in tasks.c's table), and the
 * prototypes of the helpers one task file lends another.
 *
 * Does not own: any task's definition (each family's file: bits.c, reber.c, adding.c,
 * temporal.c, text.c, pairs.c, dates.c, systems.c), the table itself (tasks.c), the public
 * contracts (rnnlab.h).
 *
 * A new task: a file with its generator (gen_row for a batch built row by row, or gen_pair for
 * a sequence-to-sequence task), its scorer and its describe/symbol functions, its row in
 * tasks.c's table, and its option keys in options.c when it brings new ones that other kinds may
 * share (keys only it has: its own option hook, as systems.c does). A criterion that is not one
 * per step (bit accuracy over channels, RMSE) comes in its own score hook.
 */
#ifndef RNNLAB_TASK_H
#define RNNLAB_TASK_H

#include <stddef.h>
#include <stdint.h>

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

/* Salts that keep the independent random streams of one seed apart. */
#define SALT_TRAIN 0x747261696eull  /* "train" */
#define SALT_EVAL 0x6576616cull     /* "eval" */
#define SALT_CORPUS 0x636f727075ull /* "corpu" */

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

/* A row view: pointers at the row's first step; padding is pre-filled by the caller
 * (tok 0, in 0, id -1, tg 0, mask 0). Unused pointers are NULL. */
typedef struct { int32_t *tok; float *in; int32_t *id; float *tg; float *mask; } row_view;

/* n-gram table entry: key = ((n + 1) << 60) | symbols (newest in the low 12 bits), never 0. */
typedef struct {
  uint64_t key;
  uint32_t count;     /* occurrences of this n-gram at a predicted position */
  uint32_t ctx_total; /* predictions made with this n-gram as the whole context */
  uint32_t followers; /* distinct symbols seen after it */
} ngram_entry;

/* Running totals of a scoring pass (evaluate.c). */
typedef struct {
  double loss, bits;
  int64_t seqs, seqs_ok, steps, steps_ok;
  float max_err;
} score_acc;

typedef struct task_kind task_kind;

struct rnnlab_task {
  const task_kind *kind; /* its row of tasks.c's table */
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
  int corpus_grammar; /* text: corpus=grammar was given */

  rng_state rng;   /* training batches */
  task_buf train, eval;
  s2s_buf s2s_train, s2s_eval;
  int32_t *rows;   /* (B) row lengths of the batch being built, then the generators' scratch */
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

  /* the dynamical systems (systems.c): their options, the valid time's scale, the delay line */
  struct {
    int which;         /* row of systems.c's table (set by its option hook) */
    double param;      /* vanderpol mu, mackey-glass tau, limit-cycle omega */
    double transient;  /* time units discarded before a row's first sample */
    int horizon;       /* evaluate: closed-loop predictions after the teacher-forced part */
    float tolerance;   /* a step is right when ||o - d|| < tolerance */
    int segments;      /* sine: constant-frequency pieces per row */
    int bits;          /* flipflop: channels */
    float pulse;       /* flipflop: probability of a pulse per step and channel */
    double rms;        /* the long-run RMS of ||state|| (normalised units) */
    double *hx, *hf;   /* mackey-glass: x and x' at the last tau/dt + 1 steps (one block, hx owns it) */
  } sys;

  char err[TASK_ERRLEN];
};

/* ---- the kind descriptor: everything the common API asks of a task ---- */

struct task_kind {
  const char *name;  /* rnnlab_task_name */
  const char *keys;  /* the option keys it accepts, "seed,length,..." (parsed by options.c) */
  /* defaults of the options that differ between tasks (the others: options.c) */
  int length, eval_length, eval_count; /* eval_length 0: test at the training length */
  float target;
  int min_len, max_len;  /* the nominal lengths batch and evaluate accept */
  int rows_vary;     /* training rows' lengths are uniform in [minLength, length]; evaluation
                        uses exactly length (parity, addition) */
  int stream;        /* one stream of characters: accuracy per step, bits per character, never
                        solved by rnnlab_task_score (text) */

  /* The kind's sizes, input/output kinds and special ids into in, which holds the common
   * defaults (one-hot in, softmax out, no specials); the rest of in is filled around it. */
  void (*describe)(const rnnlab_task *t, rnnlab_task_info *in);
  /* UTF-8 name of input (which 0) or output (which 1) symbol id, id already in range. */
  const char *(*symbol)(rnnlab_task *t, int which, int id);
  /* After the options: the kind's own data from text bytes (NULL: no bytes given) or from the
   * options. NULL: the kind has none and takes no text. */
  rnnlab_status (*prepare)(rnnlab_task *t, const uint8_t *text, size_t n, char *err, size_t errlen);
  /* A key of the kind's own (one of its keys that options.c does not parse) with its value: 1 =
   * parsed, 0 = a bad value (*want: what it must be). Called once with key NULL before the
   * options are parsed, to set the kind's own defaults. NULL: the kind has no keys of its own. */
  int (*option)(rnnlab_task *t, const char *key, const char *val, const char **want);

  /* Plain tasks (rnnlab_batch); NULL for sequence-to-sequence kinds. */
  int (*max_row)(int L); /* longest row a nominal length L gives; NULL: L */
  /* a tighter bound than the batch limits on rnnlab_task_max_batch's B; NULL: none */
  double (*batch_limit)(const rnnlab_task *t, int L);
  /* the next training batch, B and L checked */
  rnnlab_status (*batch)(rnnlab_task *t, int B, int L, rnnlab_batch *out);
  /* evaluation of m (checked to fit, its state kept) at length L (not yet checked), count 0 =
   * the default, data from seed; restores the model's state once it has run it */
  rnnlab_status (*evaluate)(rnnlab_task *t, rnnlab_model *m, int count, int L, uint64_t seed, rnnlab_task_result *r);
  /* one row for length len (rows_vary: the row's drawn length; else the nominal length) into
   * v, whose pointers are the ones the task's info asks for; returns the row's length, at most
   * max_row(len). scratch: 2 len + 2 int32 the generator may use (Reber's string) */
  int (*gen_row)(const rnnlab_task *t, rng_state *r, int len, int32_t *scratch, row_view v);
  /* one targeted step: right or not, and its loss (cross-entropy in nats for class targets,
   * (1/2)||o - d||^2 for float targets); o (V) outputs, id the class target (0 for float
   * targets), d (V) float targets (NULL for class targets); *err: the largest |error| so far */
  int (*score_step)(const float *o, int V, int32_t id, const float *d, double *loss, float *err);
  /* rnnlab_task_score with a criterion that is not per step (arguments checked); NULL: every
   * step scored by score_step (score_rows, score_finish) */
  rnnlab_status (*score)(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, rnnlab_task_result *r);

  /* Sequence-to-sequence tasks (pairs.c); NULL for plain kinds (is_seq2seq = gen_pair != NULL). */
  void (*pair_max)(int L, int *S, int *U); /* longest source and target (without EOS) for L */
  /* one pair of symbol ids; lengths through *ns, *nt; exact: every length exactly L */
  void (*gen_pair)(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt);
};

/* ---- tasks.c ---- */
rnnlab_status task_fail(rnnlab_task *t, rnnlab_status s, const char *fmt, ...);
uint64_t task_mix_seed(uint64_t seed, uint64_t salt);
rnnlab_status task_check_length(rnnlab_task *t, const char *what, int L);
int task_max_row(const rnnlab_task *t, int L);

/* ---- options.c ---- */
void options_defaults(rnnlab_task *t);
rnnlab_status options_parse(rnnlab_task *t, const char *opts, char *err, size_t errlen);

/* ---- batch.c ---- */
int task_grow(void **p, size_t *cap, size_t n, size_t sz);
rnnlab_status batch_reserve(rnnlab_task *t, task_buf *b, size_t n);
void batch_free(task_buf *b);
void batch_view(const task_buf *b, int B, int T, int carry, rnnlab_batch *out);
int task_uniform(rng_state *r, int lo, int hi); /* uniform integer in [lo, hi] */
rnnlab_status rows_fill(rnnlab_task *t, rng_state *r, task_buf *b, int B, int L, int exact, int *T_out);
rnnlab_status rows_batch(rnnlab_task *t, int B, int L, rnnlab_batch *out);

/* ---- evaluate.c ---- */
/* A probability floored at 1e-30, so a log of it stays finite. */
static inline float safe_p(float p) { return p > 1e-30f ? p : 1e-30f; }
rnnlab_status score_rows(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, score_acc *a);
void score_finish(const rnnlab_task *t, const score_acc *a, rnnlab_task_result *r);
int score_argmax(const float *o, int V, int32_t id, const float *d, double *loss, float *err);
rnnlab_status eval_check_model(rnnlab_task *t, const rnnlab_model *m);
rnnlab_status eval_forward(rnnlab_task *t, rnnlab_model *m, const rnnlab_batch *b, float *loss);
rnnlab_status rows_evaluate(rnnlab_task *t, rnnlab_model *m, int count, int L, uint64_t seed, rnnlab_task_result *r);

/* ---- corpus.c, vocab.c, ngram.c ---- */
size_t corpus_grammar(rng_state *r, size_t chars, char **out);
rnnlab_status vocab_build(rnnlab_task *t, const uint8_t *bytes, size_t n, char *err, size_t errlen);
rnnlab_status ngram_build(rnnlab_task *t);
void ngram_score(const rnnlab_task *t, int32_t from, int32_t n, float *bpc);

/* ---- pairs.c ---- */
rnnlab_status pairs_batch(rnnlab_task *t, rng_state *r, s2s_buf *sb, int B, int L, int exact, rnnlab_seq2seq_batch *out);
void pairs_score(const rnnlab_task *t, const rnnlab_seq2seq_batch *ref, const int32_t *pred, int32_t pred_length,
                 rnnlab_task_result *r);

/* ---- the kinds' own functions, named in tasks.c's table ---- */
/* bits.c: parity, addition */
void parity_describe(const rnnlab_task *t, rnnlab_task_info *in);
void addition_describe(const rnnlab_task *t, rnnlab_task_info *in);
const char *parity_symbol(rnnlab_task *t, int which, int id);
const char *addition_symbol(rnnlab_task *t, int which, int id);
int addition_max_row(int L);
int parity_row(const rnnlab_task *t, rng_state *r, int len, int32_t *scratch, row_view v);
int addition_row(const rnnlab_task *t, rng_state *r, int len, int32_t *scratch, row_view v);
/* text.c */
void text_describe(const rnnlab_task *t, rnnlab_task_info *in);
const char *text_symbol(rnnlab_task *t, int which, int id);
rnnlab_status text_prepare(rnnlab_task *t, const uint8_t *text, size_t n, char *err, size_t errlen);
double text_batch_limit(const rnnlab_task *t, int L);
rnnlab_status text_batch(rnnlab_task *t, int B, int L, rnnlab_batch *out);
rnnlab_status text_evaluate(rnnlab_task *t, rnnlab_model *m, int count, int L, uint64_t seed, rnnlab_task_result *r);
/* reber.c */
void reber_describe(const rnnlab_task *t, rnnlab_task_info *in);
const char *reber_symbol(rnnlab_task *t, int which, int id);
int reber_max_row(int L);
int reber_row(const rnnlab_task *t, rng_state *r, int len, int32_t *scratch, row_view v);
int reber_score_step(const float *o, int V, int32_t id, const float *d, double *loss, float *err);
/* adding.c */
void adding_describe(const rnnlab_task *t, rnnlab_task_info *in);
const char *adding_symbol(rnnlab_task *t, int which, int id);
int adding_max_row(int L);
int adding_row(const rnnlab_task *t, rng_state *r, int len, int32_t *scratch, row_view v);
int adding_score_step(const float *o, int V, int32_t id, const float *d, double *loss, float *err);
/* temporal.c */
void temporal_describe(const rnnlab_task *t, rnnlab_task_info *in);
const char *temporal_symbol(rnnlab_task *t, int which, int id);
int temporal_max_row(int L);
int temporal_row(const rnnlab_task *t, rng_state *r, int len, int32_t *scratch, row_view v);
int temporal_score_step(const float *o, int V, int32_t id, const float *d, double *loss, float *err);
/* pairs.c: copy, reverse, decimal-addition */
void copy_describe(const rnnlab_task *t, rnnlab_task_info *in);
void decadd_describe(const rnnlab_task *t, rnnlab_task_info *in);
const char *copy_symbol(rnnlab_task *t, int which, int id);
const char *decadd_symbol(rnnlab_task *t, int which, int id);
void copy_pair_max(int L, int *S, int *U);
void decadd_pair_max(int L, int *S, int *U);
void copy_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt);
void reverse_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt);
void decadd_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt);
/* dates.c: a date in one of 13 formats to ISO 8601 */
#define DATES_MAX_SOURCE 30 /* the longest source, "Wednesday, September 23rd 1998": the task's only length */
void dates_describe(const rnnlab_task *t, rnnlab_task_info *in);
const char *dates_symbol(rnnlab_task *t, int which, int id);
void dates_pair_max(int L, int *S, int *U);
void dates_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt);

/* systems.c: vanderpol, lorenz, mackey-glass, limit-cycle, sine, flipflop */
int systems_option(rnnlab_task *t, const char *key, const char *val, const char **want);
rnnlab_status systems_prepare(rnnlab_task *t, const uint8_t *text, size_t n, char *err, size_t errlen);
void systems_describe(const rnnlab_task *t, rnnlab_task_info *in);
const char *systems_symbol(rnnlab_task *t, int which, int id);
int systems_row(const rnnlab_task *t, rng_state *r, int len, int32_t *scratch, row_view v);
rnnlab_status systems_score(rnnlab_task *t, const rnnlab_batch *b, const float *outputs, rnnlab_task_result *r);
rnnlab_status systems_evaluate(rnnlab_task *t, rnnlab_model *m, int count, int L, uint64_t seed, rnnlab_task_result *r);
/* For tests: n samples (n, channels) in normalised units of an autonomous system's row whose start
 * is drawn from a generator seeded with seed, after the task's transient, with every integration
 * step divided by refine (1: the task's own); the first sample is the row's first input. */
rnnlab_status systems_trajectory(const rnnlab_task *t, uint64_t seed, int refine, int n, double *out);

#endif
