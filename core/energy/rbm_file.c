/* energy/rbm_file.c - the RBM file (kind 5): rnnlab_rbm_save_size, rnnlab_rbm_save and
 * rnnlab_rbm_load; the format and the load's checks are in rbm.c's header.
 *
 * Owns: the byte layout (little-endian, floats by bit pattern, CRC-32 last). Does not own: the
 * checks of a config or of training options (rbm.c: rbm_check_config, rbm_check_train). Moved
 * unchanged from rbm.c.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "energy/rbm.h"
#include "kernels/kernels.h"

/* ---- save / load ---- */

#define RBM_VERSION 1u
#define RBM_FLAG_TRAIN 1u
#define RBM_HEADER_LEN 52u

static const uint8_t rbm_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, 5};

static uint8_t *put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
  return p + 4;
}
static uint8_t *put_u64(uint8_t *p, uint64_t v) { return put_u32(put_u32(p, (uint32_t)v), (uint32_t)(v >> 32)); }
static uint32_t f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static float bits_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static uint8_t *put_f32s(uint8_t *p, const float *a, size_t n) {
  for (size_t i = 0; i < n; i++) p = put_u32(p, f32_bits(a[i]));
  return p;
}
static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }
static int32_t bits_i32(uint32_t u) { return u <= 0x7FFFFFFFu ? (int32_t)u : -(int32_t)(~u) - 1; }
/* n floats into a; the index of the first non-finite one, or n */
static size_t get_f32s(float *a, const uint8_t *p, size_t n) {
  size_t bad = n;
  for (size_t i = 0; i < n; i++, p += 4) {
    a[i] = bits_f32(get_u32(p));
    if (bad == n && !isfinite(a[i])) bad = i;
  }
  return bad;
}

size_t rnnlab_rbm_save_size(const rnnlab_rbm *r, int32_t with_training) {
  if (!r) return 0;
  size_t len = RBM_HEADER_LEN + 4 * r->n + 4;
  if (with_training) len += 24 + 8 + 4 + (r->have_opt ? 4 * r->n : 0) + 8 + 4 + 4 * (size_t)r->P * r->V;
  return len;
}

rnnlab_status rnnlab_rbm_save(rnnlab_rbm *r, int32_t with_training, uint8_t *buf, size_t len) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = '\0';
  const size_t need = rnnlab_rbm_save_size(r, with_training);
  if (!buf || len < need)
    return rbm_fail(r, RNNLAB_EINVAL, "save: buffer too small: need %lu bytes, got %lu", (unsigned long)need, (unsigned long)(buf ? len : 0));
  uint8_t *p = buf;
  memcpy(p, rbm_magic, 8), p += 8;
  p = put_u32(p, RBM_VERSION);
  p = put_u32(p, with_training ? RBM_FLAG_TRAIN : 0u);
  p = put_u32(p, RBM_HEADER_LEN);
  p = put_u32(p, (uint32_t)r->cfg.visible), p = put_u32(p, (uint32_t)r->cfg.hidden);
  p = put_u32(p, (uint32_t)r->cfg.visible_units), p = put_u32(p, f32_bits(r->cfg.init_scale));
  p = put_u32(p, r->cfg.seed_lo), p = put_u32(p, r->cfg.seed_hi);
  p = put_u64(p, (uint64_t)r->n);
  p = put_f32s(p, r->params, r->n);
  if (with_training) {
    const rnnlab_rbm_train_config *tc = &r->tc;
    p = put_u32(p, (uint32_t)tc->method), p = put_u32(p, (uint32_t)tc->k);
    p = put_u32(p, f32_bits(tc->learning_rate)), p = put_u32(p, f32_bits(tc->momentum));
    p = put_u32(p, f32_bits(tc->weight_decay)), p = put_u32(p, (uint32_t)tc->chains);
    p = put_u64(p, r->have_opt ? (uint64_t)r->opt.steps : 0u);
    p = put_u32(p, r->have_opt ? 1u : 0u);
    if (r->have_opt) p = put_f32s(p, r->opt.m1, r->n);
    p = put_u64(p, r->rng.s);
    p = put_u32(p, (uint32_t)r->P);
    p = put_f32s(p, r->chain, (size_t)r->P * r->V);
  }
  p = put_u32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  return RNNLAB_OK;
}

static const char *kind_name(uint8_t k) {
  switch (k) {
    case 1: return "model (lab.loadModel)";
    case 2: case 3: return "seq2seq model (lab.loadSeq2Seq)";
    case 4: return "Hopfield network";
    case 6: return "deep belief net";
    case 7: return "Boltzmann machine";
    default: return NULL;
  }
}

#define LOAD_FAIL(...) do { s = status_fail(err, errlen, RNNLAB_EFORMAT, __VA_ARGS__); goto fail; } while (0)

rnnlab_status rnnlab_rbm_load(const uint8_t *buf, size_t len, rnnlab_rbm **out, char *err, size_t errlen) {
  rnnlab_rbm *r = NULL;
  rnnlab_status s = RNNLAB_OK;
  if (err && errlen) err[0] = '\0';
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "load: out must not be NULL");
  *out = NULL;
  if (!buf || len == 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "empty buffer: no saved RBM");
  if (len >= 8 && memcmp(buf, rbm_magic, 7) == 0 && buf[7] != 5) {
    const char *k = kind_name(buf[7]);
    if (k) return status_fail(err, errlen, RNNLAB_EFORMAT, "this is a saved %s (file kind %d), not an RBM", k, buf[7]);
    return status_fail(err, errlen, RNNLAB_EFORMAT, "file kind %d is not an RBM (5): saved by a newer rnnlab?", buf[7]);
  }
  if (len < RBM_HEADER_LEN + 4)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "too short: %lu bytes, a saved RBM has at least %u", (unsigned long)len, RBM_HEADER_LEN + 4);
  if (memcmp(buf, rbm_magic, 8) != 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "not an rnnlab RBM (bad magic)");
  const uint32_t version = get_u32(buf + 8), flags = get_u32(buf + 12), hlen = get_u32(buf + 16);
  if (version > RBM_VERSION)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "saved by a newer rnnlab (RBM format %lu); this build reads format %u",
                       (unsigned long)version, RBM_VERSION);
  if (version != RBM_VERSION) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown RBM format version %lu", (unsigned long)version);
  if (hlen != RBM_HEADER_LEN) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad header length %lu", (unsigned long)hlen);
  if (flags & ~RBM_FLAG_TRAIN) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown flags 0x%lx", (unsigned long)flags);
  rnnlab_rbm_config cfg;
  cfg.visible = bits_i32(get_u32(buf + 20)), cfg.hidden = bits_i32(get_u32(buf + 24));
  cfg.visible_units = bits_i32(get_u32(buf + 28)), cfg.init_scale = bits_f32(get_u32(buf + 32));
  cfg.seed_lo = get_u32(buf + 36), cfg.seed_hi = get_u32(buf + 40);
  char cerr[ERRLEN];
  if (rbm_check_config(&cfg, cerr, sizeof cerr)) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad config: %s", cerr);
  const uint64_t n = get_u64(buf + 44);
  const uint64_t V = (uint64_t)cfg.visible, H = (uint64_t)cfg.hidden;
  if (n != H * V + V + H)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "parameter count %llu does not fit %d x %d", (unsigned long long)n,
                       (int)cfg.visible, (int)cfg.hidden);
  /* the expected length, block by block, before reading any of them */
  uint64_t expect = RBM_HEADER_LEN + 4 * n, tpos = expect, mpos = 0;
  uint32_t moments = 0, P = 0;
  if (flags & RBM_FLAG_TRAIN) {
    if (len < tpos + 36 + 4) LOAD_FAIL("truncated: the training block is cut off (%lu bytes)", (unsigned long)len);
    moments = get_u32(buf + tpos + 32);
    if (moments > 1) LOAD_FAIL("bad momentum flag %lu", (unsigned long)moments);
    mpos = tpos + 36 + (moments ? 4 * n : 0);
    if (len < mpos + 12 + 4) LOAD_FAIL("truncated: the training block is cut off (%lu bytes)", (unsigned long)len);
    P = get_u32(buf + mpos + 8);
    if (P > RNNLAB_RBM_MAX_CHAINS || (uint64_t)P * V > RNNLAB_MAX_ELEMS) LOAD_FAIL("bad persistent chain count %lu", (unsigned long)P);
    expect = mpos + 12 + 4 * (uint64_t)P * V;
  }
  expect += 4;
  if ((uint64_t)len < expect) LOAD_FAIL("truncated: expected %llu bytes, got %lu", (unsigned long long)expect, (unsigned long)len);
  if ((uint64_t)len > expect) LOAD_FAIL("%lu bytes after the end of the RBM", (unsigned long)(len - expect));
  if (rnnlab_crc32(buf, len - 4) != get_u32(buf + len - 4)) LOAD_FAIL("checksum mismatch: file is corrupted");
  s = rnnlab_rbm_create(&cfg, &r, cerr, sizeof cerr);
  if (s) {
    s = status_fail(err, errlen, s, "%s", cerr);
    goto fail;
  }
  size_t bad = get_f32s(r->params, buf + RBM_HEADER_LEN, r->n);
  if (bad < r->n) LOAD_FAIL("parameter %lu is not finite", (unsigned long)bad);
  if (flags & RBM_FLAG_TRAIN) {
    const uint8_t *q = buf + tpos;
    rnnlab_rbm_train_config tc;
    tc.method = bits_i32(get_u32(q)), tc.k = bits_i32(get_u32(q + 4));
    tc.learning_rate = bits_f32(get_u32(q + 8)), tc.momentum = bits_f32(get_u32(q + 12));
    tc.weight_decay = bits_f32(get_u32(q + 16)), tc.chains = bits_i32(get_u32(q + 20));
    if (rbm_check_train(&tc, r->V > r->H ? r->V : r->H, cerr, sizeof cerr)) LOAD_FAIL("bad training options: %s", cerr);
    if (P && tc.chains != (int32_t)P) LOAD_FAIL("the training options say %d chains, the file holds %lu", (int)tc.chains, (unsigned long)P);
    r->tc = tc;
    const uint64_t steps = get_u64(q + 24);
    if (steps > (uint64_t)INT64_MAX) LOAD_FAIL("bad update count");
    if (moments) {
      rnnlab_train_config oc;
      rbm_optimizer_config(&tc, &oc);
      s = optimizer_init(&r->opt, &oc, r->n, cerr, sizeof cerr);
      if (s) {
        s = status_fail(err, errlen, s, "%s", cerr);
        goto fail;
      }
      r->have_opt = 1;
      r->opt.steps = (int64_t)steps;
      bad = get_f32s(r->opt.m1, q + 36, r->n);
      if (bad < r->n) LOAD_FAIL("momentum %lu is not finite", (unsigned long)bad);
    } else if (steps) LOAD_FAIL("%llu updates but no momentum buffer", (unsigned long long)steps);
    r->rng.s = get_u64(buf + mpos);
    if (P) {
      r->chain = malloc(sizeof(float) * (size_t)P * r->V);
      if (!r->chain) {
        s = status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory for %lu persistent chains", (unsigned long)P);
        goto fail;
      }
      bad = get_f32s(r->chain, buf + mpos + 12, (size_t)P * r->V);
      if (bad < (size_t)P * r->V) LOAD_FAIL("persistent chain value %lu is not finite", (unsigned long)bad);
      if (!r->gaussian)
        for (size_t i = 0; i < (size_t)P * r->V; i++)
          if (r->chain[i] != 0.0f && r->chain[i] != 1.0f) LOAD_FAIL("persistent chain value %lu is %g, not 0 or 1", (unsigned long)i, (double)r->chain[i]);
      r->P = (int)P;
    }
  }
  *out = r;
  return RNNLAB_OK;
fail:
  rnnlab_rbm_free(r);
  return s;
}
