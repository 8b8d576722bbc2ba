/* dump_model.c - native half of tests/crossplatform.test.mjs: for a fixed list of configs it
 * creates the model from its seed and prints, as one JSON document, each config, every initial
 * weight (as float32 bit patterns, PyTorch layout), a fixed batch and the forward outputs and loss.
 * The JS test builds the same models in wasm and asserts identical weight bits and outputs within
 * a stated tolerance. Not a test by itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/rnnlab.h"

typedef struct { const char *cell; int c, variant, reset_after, L, bi, dense, init, out; } dump_case;

int main(void) {
  static const char *inits[] = {"default", "uniform", "glorot", "orthogonal"};
  static const char *outs[] = {"softmax", "sigmoid", "linear"};
  static const char *variants[] = {"standard", "vanilla", "1997", "NIG", "NFG", "NOG", "NIAF", "NOAF", "NP", "CIFG", "FGR"};
  const dump_case cases[] = {
    {"lstm", RNNLAB_CELL_LSTM, RNNLAB_LSTM_STANDARD, 1, 2, 1, 0, RNNLAB_INIT_DEFAULT, RNNLAB_OUTPUT_SOFTMAX},
    {"lstm", RNNLAB_CELL_LSTM, RNNLAB_LSTM_FGR, 1, 1, 0, 1, RNNLAB_INIT_GLOROT, RNNLAB_OUTPUT_LINEAR},
    {"lstm", RNNLAB_CELL_LSTM, RNNLAB_LSTM_1997, 1, 1, 0, 0, RNNLAB_INIT_UNIFORM, RNNLAB_OUTPUT_SIGMOID},
    {"gru", RNNLAB_CELL_GRU, 0, 1, 2, 0, 1, RNNLAB_INIT_ORTHOGONAL, RNNLAB_OUTPUT_SOFTMAX},
    {"gru", RNNLAB_CELL_GRU, 0, 0, 1, 1, 0, RNNLAB_INIT_DEFAULT, RNNLAB_OUTPUT_SOFTMAX},
    {"rnn", RNNLAB_CELL_RNN, 0, 1, 1, 0, 0, RNNLAB_INIT_DEFAULT, RNNLAB_OUTPUT_SOFTMAX},
    {"ctrnn", RNNLAB_CELL_CTRNN, 0, 1, 1, 0, 1, RNNLAB_INIT_GLOROT, RNNLAB_OUTPUT_LINEAR},
    {"esn", RNNLAB_CELL_ESN, 0, 1, 1, 0, 1, RNNLAB_INIT_DEFAULT, RNNLAB_OUTPUT_LINEAR},
  };
  const int n = (int)(sizeof cases / sizeof cases[0]), I = 5, H = 9, V = 4, B = 3, T = 7;
  printf("{\"cases\":[");
  for (int k = 0; k < n; k++) {
    const dump_case *d = &cases[k];
    rnnlab_config c;
    rnnlab_config_default(&c);
    c.cell = d->c, c.variant = d->variant, c.reset_after = d->reset_after, c.layers = d->L, c.bidirectional = d->bi;
    c.input_kind = d->dense, c.init = d->init, c.output_kind = d->out, c.input_size = I, c.hidden_size = H;
    c.output_size = V, c.seed_lo = 1000u + (uint32_t)k, c.seed_hi = 7u, c.alpha = d->c == RNNLAB_CELL_CTRNN ? 0.5f : 1.0f;
    rnnlab_model *m;
    char err[256];
    if (rnnlab_model_create(&c, &m, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
    int32_t tok[B * T], ids[B * T];
    float x[B * T * I], y[B * T * V], out[B * T * V], loss;
    for (int i = 0; i < B * T; i++) tok[i] = (i * 7 + 3) % I, ids[i] = (i * 5 + 1) % V;
    for (int i = 0; i < B * T * I; i++) x[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
    for (int i = 0; i < B * T * V; i++) y[i] = d->out == RNNLAB_OUTPUT_SIGMOID ? (float)(i % 3 == 0) : (float)((i * 13) % 29) / 14.0f - 1.0f;
    rnnlab_batch b = {B, T, d->dense ? NULL : tok, d->dense ? x : NULL, ids, y, NULL, 0};
    if (rnnlab_model_forward(m, &b, out, &loss)) return 1;
    printf("%s{\"config\":{\"cell\":\"%s\",\"variant\":\"%s\",\"resetAfter\":%s,\"layers\":%d,\"bidirectional\":%s,"
           "\"input\":\"%s\",\"init\":\"%s\",\"output\":\"%s\",\"inputSize\":%d,\"hiddenSize\":%d,\"outputSize\":%d,"
           "\"seed\":%llu,\"alpha\":%g},\"batchSize\":%d,\"length\":%d,",
           k ? "," : "", d->cell, variants[d->variant], d->reset_after ? "true" : "false", d->L, d->bi ? "true" : "false",
           d->dense ? "dense" : "onehot", inits[d->init], outs[d->out], I, H, V,
           (unsigned long long)c.seed_hi << 32 | c.seed_lo, (double)c.alpha, B, T);
    printf("\"inputs\":[");
    for (int i = 0; i < (d->dense ? B * T * I : B * T); i++) printf(i ? ",%.9g" : "%.9g", d->dense ? x[i] : (double)tok[i]);
    printf("],\"targets\":[");
    for (int i = 0; i < (d->out == RNNLAB_OUTPUT_SOFTMAX ? B * T : B * T * V); i++)
      printf(i ? ",%.9g" : "%.9g", d->out == RNNLAB_OUTPUT_SOFTMAX ? (double)ids[i] : y[i]);
    printf("],\"loss\":%.9g,\"outputs\":[", loss);
    for (int i = 0; i < B * T * V; i++) printf(i ? ",%.9g" : "%.9g", out[i]);
    printf("],\"weights\":{");
    for (int t = 0; t < rnnlab_model_tensor_count(m); t++) {
      int rows = rnnlab_model_tensor_rows(m, t), cols = rnnlab_model_tensor_cols(m, t);
      float *w = malloc(sizeof(float) * rows * cols);
      rnnlab_model_get_tensor(m, t, 0, w);
      printf("%s\"%s\":[", t ? "," : "", rnnlab_model_tensor_name(m, t));
      for (int i = 0; i < rows * cols; i++) {
        uint32_t bits;
        memcpy(&bits, &w[i], 4);
        printf(i ? ",%u" : "%u", bits);
      }
      printf("]");
      free(w);
    }
    printf("}}");
    rnnlab_model_free(m);
  }
  printf("]}\n");
  return 0;
}
