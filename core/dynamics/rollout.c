/* dynamics/rollout.c - closed-loop generation (rnnlab.h, rnnlab_model_rollout): a model trained to
 * predict its next input (one-step prediction of a trajectory) runs on its own outputs.
 *
 *   warm-up: x_0 .. x_{W-1} teacher-forced in one pass  -> y_1 = prediction of x_W
 *   then:    x_{W-1+k} := y_k, one step with the carried state  -> y_{k+1}
 *
 * Each step is the model's own pass (model_pass) over batch 1 with carry_state, so a rollout is
 * exactly what the same forward calls made by hand give, bit for bit. The carried state the
 * model had (truncated BPTT over a stream) is set aside and put back.
 * Does not own: the stepping of the analyses (step.c), scoring a rollout against the truth
 * (tasks), anything with one-hot input or softmax output (rnnlab_model_generate).
 */
#include <string.h>

#include "cells/cell.h"
#include "dynamics/dynamics.h"

#define MAX_STEPS 10000000

static int finite(float x) { return x == x && x - x == 0.0f; }

static const char *input_name(int k) { return k == RNNLAB_INPUT_DENSE ? "dense" : "onehot"; }
static const char *output_name(int k) { return k == RNNLAB_OUTPUT_LINEAR ? "linear" : k == RNNLAB_OUTPUT_SIGMOID ? "sigmoid" : "softmax"; }

rnnlab_status rnnlab_model_rollout(rnnlab_model *m, const float *warmup, int32_t W, const float *state, int32_t steps,
                                   float *out) {
  if (!m) return RNNLAB_EINVAL;
  m->err[0] = 0;
  const rnnlab_config *c = &m->cfg;
  const int I = c->input_size, V = c->output_size, H = c->hidden_size, L = c->layers;
  if (c->input_kind != RNNLAB_INPUT_DENSE || c->output_kind != RNNLAB_OUTPUT_LINEAR || V != I)
    return model_fail(m, RNNLAB_EINVAL,
                      "rollout feeds each output back as the next input: it needs input 'dense', output 'linear' and "
                      "outputSize == inputSize (this model: input '%s', output '%s', inputSize %d, outputSize %d)",
                      input_name(c->input_kind), output_name(c->output_kind), I, V);
  rnnlab_status st = dyn_check(m, "rollout");
  if (st) return st;
  if (!warmup || W < 1) return model_fail(m, RNNLAB_EINVAL, "rollout: the warm-up needs at least 1 input step, got %d", W);
  if ((double)W * I > RNNLAB_MAX_ELEMS) return model_fail(m, RNNLAB_EINVAL, "rollout: a warm-up of %d steps is too long", W);
  if (steps < 1 || steps > MAX_STEPS || (double)steps * V > RNNLAB_MAX_ELEMS)
    return model_fail(m, RNNLAB_EINVAL, "rollout: steps must be 1..%d with steps * outputSize <= %d, got %d", MAX_STEPS,
                      RNNLAB_MAX_ELEMS, steps);
  if (!out) return model_fail(m, RNNLAB_EINVAL, "rollout: out is NULL");
  for (size_t i = 0; i < (size_t)W * I; i++)
    if (!finite(warmup[i]))
      return model_fail(m, RNNLAB_ENONFINITE, "rollout: warmup[%zu] is %s", i, warmup[i] != warmup[i] ? "NaN" : "infinite");
  const int N = L * H * (1 + m->cell->cell_state);
  if (state)
    for (int i = 0; i < N; i++)
      if (!finite(state[i]))
        return model_fail(m, RNNLAB_ENONFINITE, "rollout: state[%d] is %s", i, state[i] != state[i] ? "NaN" : "infinite");

  if ((st = rnnlab_model_keep_state(m))) return st;
  int carry = 0;
  if (state) { /* the given state becomes the carried state of batch 1 */
    if ((st = model_reserve_state(m, 1))) goto done;
    for (int l = 0; l < L; l++) {
      memcpy(m->C[l][0].state_h, state + (size_t)l * H, sizeof(float) * H);
      if (m->cell->cell_state) memcpy(m->C[l][0].state_c, state + (size_t)(L + l) * H, sizeof(float) * H);
    }
    m->state_B = 1, carry = 1;
  }
  rnnlab_batch b = {1, W, NULL, warmup, NULL, NULL, NULL, carry};
  if ((st = model_pass(m, &b, 0, W, carry, 0, NULL, NULL))) goto done;
  memcpy(out, m->out + (size_t)(W - 1) * V, sizeof(float) * V);
  for (int k = 1; k < steps; k++) {
    for (int v = 0; v < V; v++)
      if (!finite(out[(size_t)(k - 1) * V + v])) {
        st = model_fail(m, RNNLAB_ENONFINITE, "rollout: the output became non-finite at step %d: the closed loop diverges", k - 1);
        goto done;
      }
    rnnlab_batch one = {1, 1, NULL, out + (size_t)(k - 1) * V, NULL, NULL, NULL, 1};
    if ((st = model_pass(m, &one, 0, 1, 1, 0, NULL, NULL))) goto done;
    memcpy(out + (size_t)k * V, m->out, sizeof(float) * V);
  }
  for (int v = 0; v < V; v++)
    if (!finite(out[(size_t)(steps - 1) * V + v])) {
      st = model_fail(m, RNNLAB_ENONFINITE, "rollout: the output became non-finite at step %d: the closed loop diverges", steps - 1);
      break;
    }
done:
  rnnlab_model_restore_state(m);
  return st;
}
