/* seeds.c - writes the fuzzers' seed corpora: valid saves of small objects of every kind, sample
 * texts and option strings, one file each, into <out>/<harness>/ (make: build/fuzz/corpus/).
 *
 * A native program linking the normal library (built under ASan like the harnesses). Every save
 * is checked to load back before it is written. Deterministic: fixed seeds throughout.
 *
 *   build/fuzz/seeds build/fuzz/corpus
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rnnlab.h"

static const char *root;
static int written, failed;

static void put(const char *harness, const char *name, const void *buf, size_t n) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", root, harness);
  if (mkdir(path, 0777) && errno != EEXIST) {
    perror(path);
    exit(1);
  }
  snprintf(path, sizeof path, "%s/%s/%s", root, harness, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
    perror(path);
    exit(1);
  }
  written++;
}

static void fail(const char *what, const char *err) {
  fprintf(stderr, "seeds: %s: %s\n", what, err);
  failed++;
}

/* ---- models (kind 1) and ridge (kind 8) ---- */

typedef struct {
  const char *name;
  int cell, variant, reset_after, act, dense, layers, bidir, out;
} model_case;

static const model_case models[] = {
  {"rnn_tanh", RNNLAB_CELL_RNN, 0, 1, RNNLAB_ACT_TANH, 0, 1, 0, RNNLAB_OUTPUT_SOFTMAX},
  {"rnn_relu_2layer_dense", RNNLAB_CELL_RNN, 0, 1, RNNLAB_ACT_RELU, 1, 2, 0, RNNLAB_OUTPUT_LINEAR},
  {"lstm", RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, 1, 0, 0, 1, 0, RNNLAB_OUTPUT_SOFTMAX},
  {"lstm_bidir_2layer", RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, 1, 0, 0, 2, 1, RNNLAB_OUTPUT_SOFTMAX},
  {"lstm_vanilla", RNNLAB_CELL_LSTM, RNNLAB_LSTM_VANILLA, 1, 0, 1, 1, 0, RNNLAB_OUTPUT_SIGMOID},
  {"lstm_1997", RNNLAB_CELL_LSTM, RNNLAB_LSTM_1997, 1, 0, 0, 1, 0, RNNLAB_OUTPUT_SOFTMAX},
  {"lstm_cifg", RNNLAB_CELL_LSTM, RNNLAB_LSTM_CIFG, 1, 0, 0, 1, 0, RNNLAB_OUTPUT_SOFTMAX},
  {"gru", RNNLAB_CELL_GRU, 0, 1, 0, 0, 1, 0, RNNLAB_OUTPUT_SOFTMAX},
  {"gru_cho_dense", RNNLAB_CELL_GRU, 0, 0, 0, 1, 1, 1, RNNLAB_OUTPUT_LINEAR},
  {"ctrnn", RNNLAB_CELL_CTRNN, 0, 1, RNNLAB_ACT_TANH, 1, 1, 0, RNNLAB_OUTPUT_LINEAR},
  {"esn", RNNLAB_CELL_ESN, 0, 1, RNNLAB_ACT_TANH, 1, 1, 0, RNNLAB_OUTPUT_LINEAR},
  {"cfn", RNNLAB_CELL_CFN, 0, 1, 0, 0, 1, 0, RNNLAB_OUTPUT_SOFTMAX},
  {"lsm", RNNLAB_CELL_LSM, 0, 1, 0, 1, 1, 0, RNNLAB_OUTPUT_LINEAR},
};

static rnnlab_config model_config(const model_case *k) {
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = k->cell, c.variant = k->variant, c.reset_after = k->reset_after, c.activation = k->act;
  c.input_kind = k->dense ? RNNLAB_INPUT_DENSE : RNNLAB_INPUT_ONEHOT, c.input_size = 3;
  c.hidden_size = 3, c.layers = k->layers, c.bidirectional = k->bidir;
  c.output_size = 2, c.output_kind = k->out;
  if (k->cell == RNNLAB_CELL_CTRNN || k->cell == RNNLAB_CELL_ESN) c.alpha = 0.5f;
  c.seed_lo = 7, c.seed_hi = 1;
  return c;
}

enum { B = 2, T = 4 };
typedef struct {
  int32_t tok[B * T], ids[B * T];
  float x[B * T * 3], y[B * T * 2];
  rnnlab_batch b;
} batch_buf;

static void batch_fill(batch_buf *bb, const rnnlab_config *c, int carry) {
  for (int i = 0; i < B * T; i++) bb->tok[i] = i % 3, bb->ids[i] = (i + 1) % 2;
  for (int i = 0; i < B * T * 3; i++) bb->x[i] = (float)((i * 7) % 5) / 5.0f - 0.4f;
  for (int i = 0; i < B * T * 2; i++) bb->y[i] = (float)(i % 2);
  memset(&bb->b, 0, sizeof bb->b);
  bb->b.batch = B, bb->b.length = T, bb->b.carry_state = carry;
  if (c->input_kind == RNNLAB_INPUT_DENSE) bb->b.inputs = bb->x;
  else bb->b.tokens = bb->tok;
  if (c->output_kind == RNNLAB_OUTPUT_SOFTMAX) bb->b.target_ids = bb->ids;
  else bb->b.targets = bb->y;
}

static void put_model(const char *name, rnnlab_model *m, rnnlab_trainer *t) {
  size_t n = rnnlab_model_save_size(m, t);
  uint8_t *buf = malloc(n);
  rnnlab_model *m2 = NULL;
  rnnlab_trainer *t2 = NULL;
  char err[256];
  if (rnnlab_model_save(m, t, buf, n)) fail(name, rnnlab_model_error(m));
  else if (rnnlab_model_load(buf, n, &m2, &t2, err, sizeof err)) fail(name, err);
  else put("fuzz_model_load", name, buf, n);
  rnnlab_trainer_free(t2), rnnlab_model_free(m2), free(buf);
}

static void seed_models(void) {
  static const char *const opt_names[] = {"sgd", "momentum", "rmsprop", "adam", "adagrad"};
  char name[128], err[256];
  for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
    const model_case *k = &models[i];
    rnnlab_config c = model_config(k);
    rnnlab_model *m = NULL;
    if (rnnlab_model_create(&c, &m, err, sizeof err)) {
      fail(k->name, err);
      continue;
    }
    put_model(k->name, m, NULL); /* plain */
    const int opt = (int)(i % 5);
    rnnlab_train_config tc;
    rnnlab_train_config_default(&tc);
    tc.optimizer = opt, tc.learning_rate = 0.01f, tc.clip_norm = 1.0f, tc.truncate = i % 2 ? 2 : 0;
    rnnlab_trainer *t = NULL;
    if (rnnlab_trainer_create(m, &tc, &t, err, sizeof err)) {
      fail(k->name, err);
      rnnlab_model_free(m);
      continue;
    }
    batch_buf bb;
    for (int s = 0; s < 2; s++) {
      batch_fill(&bb, &c, s > 0);
      if (rnnlab_trainer_step(t, &bb.b, NULL)) fail(k->name, rnnlab_trainer_error(t));
    }
    snprintf(name, sizeof name, "%s_%s_state", k->name, opt_names[opt]);
    put_model(name, m, t); /* optimizer and carried state */
    rnnlab_model_reset_state(m);
    snprintf(name, sizeof name, "%s_%s", k->name, opt_names[opt]);
    put_model(name, m, t); /* optimizer, no carried state */
    rnnlab_trainer_free(t), rnnlab_model_free(m);
  }
}

/* a CT-RNN with learnable time constants (flags bit 2), trained closed-loop (bit 3 + its warm-up) */
static void seed_closed_loop(void) {
  char err[256];
  rnnlab_config c;
  rnnlab_config_default(&c);
  c.cell = RNNLAB_CELL_CTRNN, c.input_kind = RNNLAB_INPUT_DENSE, c.input_size = 2, c.hidden_size = 4;
  c.output_size = 2, c.output_kind = RNNLAB_OUTPUT_LINEAR, c.alpha = 0.5f, c.learn_tau = 1, c.seed_lo = 5;
  rnnlab_model *m = NULL;
  rnnlab_trainer *t = NULL;
  rnnlab_train_config tc;
  rnnlab_train_config_default(&tc);
  tc.optimizer = RNNLAB_OPT_ADAM, tc.learning_rate = 0.01f;
  if (rnnlab_model_create(&c, &m, err, sizeof err) || rnnlab_trainer_create(m, &tc, &t, err, sizeof err)) {
    fail("ctrnn_learn_tau", err);
    rnnlab_model_free(m);
    return;
  }
  put_model("ctrnn_learn_tau", m, NULL);
  if (rnnlab_trainer_set_closed_loop(t, 2)) fail("ctrnn_closed_loop", rnnlab_trainer_error(t));
  batch_buf bb;
  batch_fill(&bb, &c, 0);
  for (int s = 0; s < 2; s++)
    if (rnnlab_trainer_step(t, &bb.b, NULL)) fail("ctrnn_closed_loop", rnnlab_trainer_error(t));
  put_model("ctrnn_closed_loop", m, t);
  rnnlab_trainer_free(t), rnnlab_model_free(m);
}

static void seed_ridge(void) {
  static const int cells[] = {RNNLAB_CELL_ESN, RNNLAB_CELL_RNN, RNNLAB_CELL_LSTM};
  char err[256], name[64];
  for (int i = 0; i < 3; i++) {
    rnnlab_config c;
    rnnlab_config_default(&c);
    c.cell = cells[i], c.input_kind = RNNLAB_INPUT_DENSE, c.input_size = 3, c.hidden_size = 4;
    c.output_size = 2, c.output_kind = RNNLAB_OUTPUT_LINEAR, c.alpha = 0.5f, c.seed_lo = 3;
    rnnlab_model *m = NULL, *m2 = NULL;
    rnnlab_ridge *r = NULL, *r2 = NULL;
    snprintf(name, sizeof name, "ridge_%d", i);
    if (rnnlab_model_create(&c, &m, err, sizeof err) || rnnlab_ridge_create(m, 1e-3f, i, &r, err, sizeof err)) {
      fail(name, err);
      rnnlab_model_free(m);
      continue;
    }
    batch_buf bb;
    batch_fill(&bb, &c, 0);
    if (i > 0 && rnnlab_ridge_step(r, &bb.b, NULL)) fail(name, rnnlab_ridge_error(r));
    size_t n = rnnlab_ridge_save_size(r);
    uint8_t *buf = malloc(n);
    if (rnnlab_ridge_save(r, buf, n)) fail(name, rnnlab_ridge_error(r));
    else if (rnnlab_ridge_load(buf, n, &m2, &r2, err, sizeof err)) fail(name, err);
    else put("fuzz_ridge_load", name, buf, n);
    rnnlab_ridge_free(r2), rnnlab_model_free(m2), free(buf);
    rnnlab_ridge_free(r), rnnlab_model_free(m);
  }
}

/* ---- seq2seq (kinds 2 and 3) ---- */

static void seed_seq2seq(void) {
  static const struct { const char *name; int cell, attention, bidir; } cases[] = {
    {"gru_plain", RNNLAB_CELL_GRU, RNNLAB_ATTENTION_NONE, 0},
    {"lstm_plain_2layer", RNNLAB_CELL_LSTM, RNNLAB_ATTENTION_NONE, 0},
    {"gru_bidir", RNNLAB_CELL_GRU, RNNLAB_ATTENTION_NONE, 1},
    {"lstm_additive", RNNLAB_CELL_LSTM, RNNLAB_ATTENTION_ADDITIVE, 0},
    {"gru_dot", RNNLAB_CELL_GRU, RNNLAB_ATTENTION_DOT, 0},
    {"rnn_general_bidir", RNNLAB_CELL_RNN, RNNLAB_ATTENTION_GENERAL, 1},
  };
  char err[256], name[128];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    rnnlab_config c;
    rnnlab_config_default(&c);
    c.cell = cases[i].cell, c.input_size = 5, c.output_size = 5, c.hidden_size = 3, c.bidirectional = cases[i].bidir;
    c.layers = i == 1 ? 2 : 1, c.seed_lo = 11;
    rnnlab_seq2seq *s = NULL;
    if (rnnlab_seq2seq_create_attention(&c, cases[i].attention, &s, err, sizeof err)) {
      fail(cases[i].name, err);
      continue;
    }
    for (int opt = 0; opt < 2; opt++) {
      if (opt) {
        int32_t src[2 * 3] = {1, 2, 3, 0, 4, 1}, dec_in[2 * 3] = {1, 2, 3, 1, 4, 0}, dec_tgt[2 * 3] = {2, 3, 2, 4, 2, -1};
        rnnlab_seq2seq_batch b = {.batch = 2, .src_length = 3, .tgt_length = 3, .src = src, .dec_in = dec_in, .dec_tgt = dec_tgt};
        rnnlab_train_config tc;
        rnnlab_train_config_default(&tc);
        tc.optimizer = i % 2 ? RNNLAB_OPT_ADAM : RNNLAB_OPT_MOMENTUM, tc.learning_rate = 0.01f;
        if (rnnlab_seq2seq_step(s, &tc, &b, 0.5f, NULL)) fail(cases[i].name, rnnlab_seq2seq_error(s));
      }
      size_t n = rnnlab_seq2seq_save_size(s, opt);
      uint8_t *buf = malloc(n);
      rnnlab_seq2seq *s2 = NULL;
      snprintf(name, sizeof name, "%s%s", cases[i].name, opt ? "_optim" : "");
      if (rnnlab_seq2seq_save(s, opt, buf, n)) fail(name, rnnlab_seq2seq_error(s));
      else if (rnnlab_seq2seq_load(buf, n, 1, &s2, err, sizeof err)) fail(name, err);
      else put("fuzz_seq2seq_load", name, buf, n);
      rnnlab_seq2seq_free(s2), free(buf);
    }
    rnnlab_seq2seq_free(s);
  }
}

/* ---- energy models (kinds 4 to 7) ---- */

static void seed_energy(void) {
  char err[256];
  const char *H = "fuzz_energy_load";
  /* Hopfield: both rules, each bias mode, with stored patterns */
  for (int rule = 0; rule < 2; rule++)
    for (int bias = 0; bias < 2; bias++) {
      rnnlab_hopfield *h = NULL, *h2 = NULL;
      char name[64];
      snprintf(name, sizeof name, "hopfield_rule%d_bias%d", rule, bias);
      if (rnnlab_hopfield_create(6, rule, bias, 5, 0, &h, err, sizeof err)) {
        fail(name, err);
        continue;
      }
      float p[2 * 6] = {1, -1, 1, -1, 1, -1, 1, 1, -1, -1, 1, 1};
      if (rnnlab_hopfield_store(h, p, 1 + bias % 2)) fail(name, rnnlab_hopfield_error(h));
      size_t n = rnnlab_hopfield_save_size(h);
      uint8_t *buf = malloc(n);
      if (rnnlab_hopfield_save(h, buf, n)) fail(name, rnnlab_hopfield_error(h));
      else if (rnnlab_hopfield_load(buf, n, &h2, err, sizeof err)) fail(name, err);
      else put(H, name, buf, n);
      rnnlab_hopfield_free(h2), rnnlab_hopfield_free(h), free(buf);
    }
  /* RBM: binary and Gaussian visibles, CD and PCD, with and without the training block */
  float data[3 * 4] = {1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0};
  for (int k = 0; k < 4; k++) {
    rnnlab_rbm_config c;
    rnnlab_rbm_config_default(&c);
    c.visible = 4, c.hidden = 3, c.visible_units = k & 1 ? RNNLAB_RBM_GAUSSIAN : RNNLAB_RBM_BINARY, c.seed_lo = 9;
    rnnlab_rbm *r = NULL;
    char name[64];
    snprintf(name, sizeof name, "rbm_%d", k);
    if (rnnlab_rbm_create(&c, &r, err, sizeof err)) {
      fail(name, err);
      continue;
    }
    rnnlab_rbm_train_config tc;
    rnnlab_rbm_train_config_default(&tc);
    tc.method = k & 2 ? RNNLAB_RBM_PCD : RNNLAB_RBM_CD, tc.chains = k & 2 ? 2 : 0;
    if (rnnlab_rbm_set_train_config(r, &tc)) fail(name, rnnlab_rbm_error(r));
    if (k) rnnlab_rbm_step(r, data, 3, NULL);
    for (int training = 0; training < 2; training++) {
      size_t n = rnnlab_rbm_save_size(r, training);
      uint8_t *buf = malloc(n);
      rnnlab_rbm *r2 = NULL;
      char nm[96];
      snprintf(nm, sizeof nm, "%s_training%d", name, training);
      if (rnnlab_rbm_save(r, training, buf, n)) fail(nm, rnnlab_rbm_error(r));
      else if (rnnlab_rbm_load(buf, n, &r2, err, sizeof err)) fail(nm, err);
      else put(H, nm, buf, n);
      rnnlab_rbm_free(r2), free(buf);
    }
    rnnlab_rbm_free(r);
  }
  /* DBN: 3 and 4 layer sizes, trained a step or not */
  for (int k = 0; k < 2; k++) {
    const int32_t sizes[4] = {4, 3, 2, 2};
    rnnlab_dbn *d = NULL;
    char name[64];
    snprintf(name, sizeof name, "dbn_%d", k);
    if (rnnlab_dbn_create(sizes, 3 + k, k ? RNNLAB_RBM_GAUSSIAN : RNNLAB_RBM_BINARY, 0.01f, 4, 0, &d, err, sizeof err)) {
      fail(name, err);
      continue;
    }
    if (k) rnnlab_dbn_set_steps_per_layer(d, 1), rnnlab_dbn_step(d, data, 3, NULL), rnnlab_dbn_step(d, data, 3, NULL);
    for (int training = 0; training < 2; training++) {
      size_t n = rnnlab_dbn_save_size(d, training);
      uint8_t *buf = malloc(n);
      rnnlab_dbn *d2 = NULL;
      char nm[96];
      snprintf(nm, sizeof nm, "%s_training%d", name, training);
      if (rnnlab_dbn_save(d, training, buf, n)) fail(nm, rnnlab_dbn_error(d));
      else if (rnnlab_dbn_load(buf, n, &d2, err, sizeof err)) fail(nm, err);
      else put(H, nm, buf, n);
      rnnlab_dbn_free(d2), free(buf);
    }
    rnnlab_dbn_free(d);
  }
  /* Boltzmann machine: exact and sampled, SGD and Adam (moments) */
  for (int k = 0; k < 3; k++) {
    rnnlab_boltzmann *bm = NULL, *bm2 = NULL;
    char name[64];
    snprintf(name, sizeof name, "boltzmann_%d", k);
    if (rnnlab_boltzmann_create(3, k, 6, 0, &bm, err, sizeof err)) {
      fail(name, err);
      continue;
    }
    if (k) {
      rnnlab_train_config tc;
      rnnlab_boltzmann_train_config_default(&tc);
      rnnlab_boltzmann_learn_config lc;
      rnnlab_boltzmann_learn_config_default(&lc);
      if (k == 2) tc.optimizer = RNNLAB_OPT_ADAM, tc.learning_rate = 0.01f, lc.method = RNNLAB_BOLTZMANN_SAMPLED, lc.chains = 2, lc.sweeps = 2;
      if (rnnlab_boltzmann_set_trainer(bm, &tc, &lc)) fail(name, rnnlab_boltzmann_error(bm));
      float v[2 * 3] = {1, 0, 1, 0, 1, 1};
      if (rnnlab_boltzmann_step(bm, v, 2, NULL)) fail(name, rnnlab_boltzmann_error(bm));
    }
    size_t n = rnnlab_boltzmann_save_size(bm);
    uint8_t *buf = malloc(n);
    if (rnnlab_boltzmann_save(bm, buf, n)) fail(name, rnnlab_boltzmann_error(bm));
    else if (rnnlab_boltzmann_load(buf, n, &bm2, err, sizeof err)) fail(name, err);
    else put(H, name, buf, n);
    rnnlab_boltzmann_free(bm2), rnnlab_boltzmann_free(bm), free(buf);
  }
}

/* ---- texts and option strings ---- */

static void put_text(const char *name, uint8_t cap, uint8_t holdout, const char *text, size_t n) {
  uint8_t *buf = malloc(n + 2);
  buf[0] = cap, buf[1] = holdout;
  memcpy(buf + 2, text, n);
  put("fuzz_text_corpus", name, buf, n + 2);
  free(buf);
}

static void seed_texts(void) {
  static const char ascii[] = "The old owl sees Anna near the river. A small dog runs quickly, and the king sings again.\n";
  static const char utf8[] = "Grüße aus Köln: naïve café, Ελληνικά, русский, 日本語のテキスト, emoji \xF0\x9F\x98\x80 and \xE2\x82\xAC 5.";
  static const char bad[] = "ok \xC0\xAF overlong \xED\xA0\x80 surrogate \xF4\x90\x80\x80 too big \xFF\xFE lone \xE2\x82 cut";
  put_text("ascii", 5, 0, ascii, sizeof ascii - 1);
  put_text("ascii_vocab3", 1, 4, ascii, sizeof ascii - 1);
  put_text("utf8", 6, 1, utf8, sizeof utf8 - 1);
  put_text("utf8_vocab2", 0, 3, utf8, sizeof utf8 - 1);
  put_text("invalid", 4, 0, bad, sizeof bad - 1);
  put_text("short", 2, 1, "abcd", 4);
  put_text("grammar", 5, 0x80, "\x10\x00\x07\x00", 4);
  put_text("grammar_small_vocab", 1, 0x84, "\xff\x1f\x01\x02", 4);
}

static void seed_options(void) {
  static const char *const opts[] = {
    "", "seed=3,length=10", "seed=18446744073709551615,length=5,minLength=2,evalLength=20,evalCount=10,target=0.5",
    "length=12, evalCount = 4 ,", "mode=final", "variant=b,length=60", "symbols=4,length=6,minLength=3",
    "corpus=grammar", "vocab=8,holdout=0.3,evalCount=5", "seed=1,,target=1",
  };
  const int count = rnnlab_task_count();
  char name[128];
  for (int i = 0; i < count; i++)
    for (size_t k = 0; k < sizeof opts / sizeof *opts; k++) {
      const size_t n = strlen(opts[k]);
      uint8_t *buf = malloc(n + 1);
      buf[0] = (uint8_t)i;
      memcpy(buf + 1, opts[k], n);
      snprintf(name, sizeof name, "%s_%zu", rnnlab_task_name(i), k);
      put("fuzz_task_options", name, buf, n + 1);
      free(buf);
    }
  /* each task's own keys, with a plausible value each */
  for (int i = 0; i < count; i++) {
    char o[512] = "";
    const char *keys = rnnlab_task_option_keys(i);
    size_t at = 0;
    while (*keys && at < sizeof o - 40) {
      const char *e = strchr(keys, ',');
      const size_t n = e ? (size_t)(e - keys) : strlen(keys);
      at += (size_t)snprintf(o + at, sizeof o - at, "%s%.*s=1", at ? "," : "", (int)n, keys);
      keys += n + (e ? 1 : 0);
    }
    uint8_t buf[600];
    buf[0] = (uint8_t)i;
    memcpy(buf + 1, o, at);
    snprintf(name, sizeof name, "%s_keys", rnnlab_task_name(i));
    put("fuzz_task_options", name, buf, at + 1);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  root = argv[1];
  if (mkdir(root, 0777) && errno != EEXIST) {
    perror(root);
    return 1;
  }
  seed_models();
  seed_closed_loop();
  seed_ridge();
  seed_seq2seq();
  seed_energy();
  seed_texts();
  seed_options();
  printf("seeds: %d files in %s/<harness>/%s\n", written, root, failed ? " (some cases failed, see above)" : "");
  return failed ? 1 : 0;
}
