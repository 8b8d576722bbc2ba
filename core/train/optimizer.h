/* train/optimizer.h - an optimizer over a parameter arena, for any learner that owns one.
 *
 * A parameter arena is a flat float array of trainable values and a gradient array of the same
 * layout (llm.c's one-allocation parameters). The optimizer keeps its moments in the same layout
 * and applies torch.optim's update rules, global-norm and value clipping to the whole arena in one
 * loop each. The model's trainer (train/trainer.c) owns one over the model's trainable range; the
 * encoder-decoder owns two; an RBM or a Hopfield learner owns one over its own arena.
 */
#ifndef RNNLAB_OPTIMIZER_H
#define RNNLAB_OPTIMIZER_H

#include <stddef.h>
#include <stdint.h>

#include "rnnlab.h"

/* n trainable floats and their gradients, the same layout */
typedef struct {
  float *params;
  float *grads;
  size_t n;
} param_arena;

typedef struct {
  rnnlab_train_config tc; /* validated copy; only learning_rate changes afterwards */
  float *m1, *m2;         /* moments over the arena (n floats each), NULL when the rule keeps none */
  size_t n;               /* arena size the moments were made for */
  int64_t steps;          /* updates applied: Adam's t */
} optimizer;

/* Checks tc, allocates zeroed moments for an arena of n floats. On failure o holds nothing to
 * release and err names the field (in the C config's names). */
rnnlab_status optimizer_init(optimizer *o, const rnnlab_train_config *tc, size_t n, char *err, size_t errlen);
void optimizer_release(optimizer *o);
/* the first problem with tc written into err; RNNLAB_OK when valid */
rnnlab_status optimizer_check_config(const rnnlab_train_config *tc, char *err, size_t errlen);
/* Which moments the rule of optimizer keeps: bit 0 m1 (momentum buffer, Adam's m), bit 1 m2
 * (RMSProp's and Adam's v, Adagrad's sum). serialize.c writes the same bits. */
int optimizer_moments(int32_t optimizer);
/* Takes effect at the next update; moments are kept (as setting param_group['lr'] in PyTorch). */
rnnlab_status optimizer_set_learning_rate(optimizer *o, float lr, char *err, size_t errlen);

/* sum of g[i]^2 in double, in a fixed order (the same bits in every build) */
double arena_sumsq(const float *g, size_t n);
/* sqrt in double from sqrtf and arithmetic only: the same bits natively and in wasm */
double arena_sqrt(double x);
/* the global L2 norm of g, accumulated in double */
float arena_norm(const float *g, size_t n);
void arena_zero(float *a, size_t n);

/* Clips a's gradients given their global norm (which the caller may have taken over several
 * arenas, as the encoder-decoder does over its two halves), then applies one update of a.
 * Returns 1 if anything was clipped. */
int optimizer_apply(optimizer *o, const param_arena *a, double norm);

#endif
