/* readout.c - the model's readout and its losses over all T*B rows of a pass:
 *   logits = Ytop Wy + by,  softmax + cross-entropy (token targets, -1 = none),
 *   sigmoid + binary cross-entropy from the logit, or linear + squared error / 2,
 * each row weighted by mask (and by whether it has a target), normalised by the weights' sum.
 * The gradient it leaves in dout is dL/dlogits for model_pass's backward.
 */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels.h"

static float logf_safe(float p) { return logf(p > 1e-30f ? p : 1e-30f); }

float model_readout(rnnlab_model *m, const rnnlab_batch *b, int t0, int T, int B, int want_grad) {
  const int V = m->cfg.output_size, DH = m->D * m->cfg.hidden_size, TB = T * B, Tall = b->length;
  const float *Ytop = m->Y[m->cfg.layers - 1];
  for (int r = 0; r < TB; r++) memcpy(m->out + (size_t)r * V, m->by, sizeof(float) * V);
  k_gemm_nn(TB, V, DH, Ytop, DH, m->Wy, V, m->out, V);
  /* weights: mask * (a target exists), normalised by their sum */
  double wsum = 0;
  for (int t = 0; t < T; t++)
    for (int bi = 0; bi < B; bi++) {
      size_t src = (size_t)bi * Tall + t0 + t;
      float w = b->mask ? b->mask[src] : 1.0f;
      if (!model_has_targets(m, b) || (m->cfg.output_kind == RNNLAB_OUTPUT_SOFTMAX && b->target_ids[src] < 0)) w = 0;
      m->tmask[(size_t)t * B + bi] = w;
      wsum += w;
    }
  double loss = 0;
  const float scale = wsum > 0 ? (float)(1.0 / wsum) : 0.0f;
  for (int t = 0; t < T; t++)
    for (int bi = 0; bi < B; bi++) {
      const size_t r = (size_t)t * B + bi, src = (size_t)bi * Tall + t0 + t;
      float *o = m->out + r * V, *g = m->dout + r * V;
      const float w = m->tmask[r];
      double l = 0;
      if (m->cfg.output_kind == RNNLAB_OUTPUT_SOFTMAX) {
        float mx = o[0], s = 0;
        for (int v = 1; v < V; v++) mx = o[v] > mx ? o[v] : mx;
        for (int v = 0; v < V; v++) o[v] -= mx;
        k_exp(o, o, V);
        for (int v = 0; v < V; v++) s += o[v];
        for (int v = 0; v < V; v++) o[v] /= s;
        if (w > 0) l = -logf_safe(o[b->target_ids[src]]);
        if (want_grad)
          for (int v = 0; v < V; v++) g[v] = w * scale * (o[v] - (w > 0 && v == b->target_ids[src]));
      } else if (m->cfg.output_kind == RNNLAB_OUTPUT_SIGMOID) {
        for (int v = 0; v < V; v++) {
          const float z = o[v], d = w > 0 ? b->targets[src * V + v] : 0;
          o[v] = k_sigmoidf(z);
          /* BCE from the logit, stable: max(z,0) - z d + log(1 + e^-|z|) */
          if (w > 0) l += (z > 0 ? z : 0) - z * d + logf(1.0f + k_expf(-fabsf(z)));
          if (want_grad) g[v] = w * scale * (o[v] - d);
        }
      } else {
        for (int v = 0; v < V; v++) {
          const float d = w > 0 ? b->targets[src * V + v] : 0, e = o[v] - d;
          if (w > 0) l += 0.5 * (double)e * e;
          if (want_grad) g[v] = w * scale * e;
        }
      }
      loss += w * l;
    }
  return (float)(loss * scale);
}

