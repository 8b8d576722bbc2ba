/* serialize.c - saving and loading a model (and optionally its trainer) as one byte buffer, and
 * an encoder-decoder (two model images in one envelope, at the end of this file).
 *
 * Owns: the file formats below, CRC-32 (rnnlab_crc32), rnnlab_model_save_size / _save / _load,
 * rnnlab_seq2seq_save_size / _save / _load.
 * Does not own: files or any other I/O (the host writes and reads the bytes), config validation
 * (rnnlab_model_create and rnnlab_trainer_create do it on load), weight initialisation.
 *
 * Format 1. All integers little-endian, written byte by byte (no struct is ever memcpy'd, so the
 * bytes do not depend on the compiler's layout or the host's endianness); floats are IEEE-754
 * binary32 stored by bit pattern, so a round trip is bit-exact (NaN payloads included).
 *
 *   offset  size          field
 *   0       8             magic "RNNLAB\0\1"
 *   8       4             u32 format version = 1
 *   12      4             u32 flags: bit 0 = optimizer state present; bit 1 = carried state
 *                         present (only with bit 0); bit 2 = config.learn_tau (the config's 24th
 *                         field travels here, so the header keeps its 23 words and files without
 *                         the bit load as before); bit 3 = closed-loop training (only with bit 0:
 *                         one more word before the CRC); other bits 0
 *   16      4             u32 header length = 120 (offset of the first parameter)
 *   20      23*4          rnnlab_config, one u32 word per field in declaration order
 *                         (int32 fields two's complement, float fields by bit pattern)
 *   112     8             u64 n_params (whole arena, including an ESN's fixed reservoir)
 *   120     n_params*4    params, f32, in the arena's internal layout (see internal.h)
 *   -- only when flags bit 0 --
 *   P       11*4          rnnlab_train_config (RNNLAB_TRAIN_CONFIG_FIELDS words), one u32 word
 *                         per field in declaration order
 *   P+44    8             i64 steps (optimizer updates done; Adam's t)
 *   P+52    4             u32 moments present: bit 0 = m1, bit 1 = m2
 *   P+56    n_params*4    m1 (if bit 0), f32, same layout as params (zeros over an ESN's
 *                         reservoir: the optimizer's arena is the trainable range only)
 *   ...     n_params*4    m2 (if bit 1)
 *   -- only when flags bit 1: the carried state (truncated BPTT over a stream), so that a run
 *      saved mid-stream resumes exactly; written with the optimizer state when the model has one --
 *   S       4             u32 B: the batch the state belongs to (the model's state_B)
 *   S+4     L*2*B*H*4     per layer l = 0..L-1: h (B x H), then c (B x H), f32: the forward
 *                         direction's final state of the last pass (c is zeros for cells without)
 *   -- only when flags bit 3: the trainer's closed-loop training (train/closedloop.c) --
 *   C       4             u32 warm-up steps >= 1 (rnnlab_trainer_set_closed_loop)
 *   -- always --
 *   end-4   4             u32 CRC-32 (IEEE 802.3, reflected poly 0xEDB88320) of all bytes before it
 *   where P = 120 + 4*n_params and S the end of the optimizer block.
 *
 * Load checks, in this order, each failing with RNNLAB_EFORMAT and a message: minimum length,
 * magic, version ("saved by a newer rnnlab (format N)"), header length and flags, n_params
 * limit, total length against the header ("truncated: expected N bytes, got M"; checked before
 * the CRC so a cut-off download is named as such), CRC ("checksum mismatch: file is corrupted"),
 * then the config through rnnlab_model_create (its status and message), the parameter count
 * against the created model, finite parameters; with optimizer state and t_out, the train config
 * through rnnlab_trainer_create, steps >= 0, the moments against the optimizer, finite moments
 * (without t_out the optimizer block is only length- and CRC-checked); the carried state's batch
 * against the config's limits (before the length check, which it sizes) and its values finite.
 * The carried state is restored with or without t_out: it belongs to the model. On any failure everything allocated is freed and *m_out / *t_out are NULL.
 */
#include <stdlib.h>
#include <string.h>

#include "attention/aligned.h"
#include "train/ridge.h"

#define SER_VERSION 1u
#define SER_FLAG_OPTIM 1u
#define SER_FLAG_STATE 2u
#define SER_FLAG_LEARN_TAU 4u
#define SER_FLAG_CLOSED_LOOP 8u
#define SER_CONFIG_WORDS 23
#define SER_TRAIN_WORDS 11
#define SER_HEADER_LEN (8 + 4 + 4 + 4 + SER_CONFIG_WORDS * 4 + 8) /* 120 */
#define SER_OPTIM_LEN (SER_TRAIN_WORDS * 4 + 8 + 4)               /* 56, before the moments */
#define SER_CRC_LEN 4
#define SER_MIN_LEN (SER_HEADER_LEN + SER_CRC_LEN)

static const uint8_t ser_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, 1}; /* last byte: the kind, 1 = model */
static const uint8_t s2s_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, 2}; /* 2 = seq2seq (end of this file) */
static const uint8_t s2s_aligned_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, 3}; /* 3 = seq2seq with attention */

/* The word lists below name every field; these fail to compile when a field is added. */
typedef char ser_config_size_check[sizeof(rnnlab_config) == (SER_CONFIG_WORDS + 1) * 4 ? 1 : -1]; /* + learn_tau, a flag */
typedef char ser_train_size_check[sizeof(rnnlab_train_config) == SER_TRAIN_WORDS * 4 ? 1 : -1];

/* ---- CRC-32 ---- */

static const uint32_t ser_crc_table[256] = {
  0x00000000u, 0x77073096u, 0xEE0E612Cu, 0x990951BAu, 0x076DC419u, 0x706AF48Fu,
  0xE963A535u, 0x9E6495A3u, 0x0EDB8832u, 0x79DCB8A4u, 0xE0D5E91Eu, 0x97D2D988u,
  0x09B64C2Bu, 0x7EB17CBDu, 0xE7B82D07u, 0x90BF1D91u, 0x1DB71064u, 0x6AB020F2u,
  0xF3B97148u, 0x84BE41DEu, 0x1ADAD47Du, 0x6DDDE4EBu, 0xF4D4B551u, 0x83D385C7u,
  0x136C9856u, 0x646BA8C0u, 0xFD62F97Au, 0x8A65C9ECu, 0x14015C4Fu, 0x63066CD9u,
  0xFA0F3D63u, 0x8D080DF5u, 0x3B6E20C8u, 0x4C69105Eu, 0xD56041E4u, 0xA2677172u,
  0x3C03E4D1u, 0x4B04D447u, 0xD20D85FDu, 0xA50AB56Bu, 0x35B5A8FAu, 0x42B2986Cu,
  0xDBBBC9D6u, 0xACBCF940u, 0x32D86CE3u, 0x45DF5C75u, 0xDCD60DCFu, 0xABD13D59u,
  0x26D930ACu, 0x51DE003Au, 0xC8D75180u, 0xBFD06116u, 0x21B4F4B5u, 0x56B3C423u,
  0xCFBA9599u, 0xB8BDA50Fu, 0x2802B89Eu, 0x5F058808u, 0xC60CD9B2u, 0xB10BE924u,
  0x2F6F7C87u, 0x58684C11u, 0xC1611DABu, 0xB6662D3Du, 0x76DC4190u, 0x01DB7106u,
  0x98D220BCu, 0xEFD5102Au, 0x71B18589u, 0x06B6B51Fu, 0x9FBFE4A5u, 0xE8B8D433u,
  0x7807C9A2u, 0x0F00F934u, 0x9609A88Eu, 0xE10E9818u, 0x7F6A0DBBu, 0x086D3D2Du,
  0x91646C97u, 0xE6635C01u, 0x6B6B51F4u, 0x1C6C6162u, 0x856530D8u, 0xF262004Eu,
  0x6C0695EDu, 0x1B01A57Bu, 0x8208F4C1u, 0xF50FC457u, 0x65B0D9C6u, 0x12B7E950u,
  0x8BBEB8EAu, 0xFCB9887Cu, 0x62DD1DDFu, 0x15DA2D49u, 0x8CD37CF3u, 0xFBD44C65u,
  0x4DB26158u, 0x3AB551CEu, 0xA3BC0074u, 0xD4BB30E2u, 0x4ADFA541u, 0x3DD895D7u,
  0xA4D1C46Du, 0xD3D6F4FBu, 0x4369E96Au, 0x346ED9FCu, 0xAD678846u, 0xDA60B8D0u,
  0x44042D73u, 0x33031DE5u, 0xAA0A4C5Fu, 0xDD0D7CC9u, 0x5005713Cu, 0x270241AAu,
  0xBE0B1010u, 0xC90C2086u, 0x5768B525u, 0x206F85B3u, 0xB966D409u, 0xCE61E49Fu,
  0x5EDEF90Eu, 0x29D9C998u, 0xB0D09822u, 0xC7D7A8B4u, 0x59B33D17u, 0x2EB40D81u,
  0xB7BD5C3Bu, 0xC0BA6CADu, 0xEDB88320u, 0x9ABFB3B6u, 0x03B6E20Cu, 0x74B1D29Au,
  0xEAD54739u, 0x9DD277AFu, 0x04DB2615u, 0x73DC1683u, 0xE3630B12u, 0x94643B84u,
  0x0D6D6A3Eu, 0x7A6A5AA8u, 0xE40ECF0Bu, 0x9309FF9Du, 0x0A00AE27u, 0x7D079EB1u,
  0xF00F9344u, 0x8708A3D2u, 0x1E01F268u, 0x6906C2FEu, 0xF762575Du, 0x806567CBu,
  0x196C3671u, 0x6E6B06E7u, 0xFED41B76u, 0x89D32BE0u, 0x10DA7A5Au, 0x67DD4ACCu,
  0xF9B9DF6Fu, 0x8EBEEFF9u, 0x17B7BE43u, 0x60B08ED5u, 0xD6D6A3E8u, 0xA1D1937Eu,
  0x38D8C2C4u, 0x4FDFF252u, 0xD1BB67F1u, 0xA6BC5767u, 0x3FB506DDu, 0x48B2364Bu,
  0xD80D2BDAu, 0xAF0A1B4Cu, 0x36034AF6u, 0x41047A60u, 0xDF60EFC3u, 0xA867DF55u,
  0x316E8EEFu, 0x4669BE79u, 0xCB61B38Cu, 0xBC66831Au, 0x256FD2A0u, 0x5268E236u,
  0xCC0C7795u, 0xBB0B4703u, 0x220216B9u, 0x5505262Fu, 0xC5BA3BBEu, 0xB2BD0B28u,
  0x2BB45A92u, 0x5CB36A04u, 0xC2D7FFA7u, 0xB5D0CF31u, 0x2CD99E8Bu, 0x5BDEAE1Du,
  0x9B64C2B0u, 0xEC63F226u, 0x756AA39Cu, 0x026D930Au, 0x9C0906A9u, 0xEB0E363Fu,
  0x72076785u, 0x05005713u, 0x95BF4A82u, 0xE2B87A14u, 0x7BB12BAEu, 0x0CB61B38u,
  0x92D28E9Bu, 0xE5D5BE0Du, 0x7CDCEFB7u, 0x0BDBDF21u, 0x86D3D2D4u, 0xF1D4E242u,
  0x68DDB3F8u, 0x1FDA836Eu, 0x81BE16CDu, 0xF6B9265Bu, 0x6FB077E1u, 0x18B74777u,
  0x88085AE6u, 0xFF0F6A70u, 0x66063BCAu, 0x11010B5Cu, 0x8F659EFFu, 0xF862AE69u,
  0x616BFFD3u, 0x166CCF45u, 0xA00AE278u, 0xD70DD2EEu, 0x4E048354u, 0x3903B3C2u,
  0xA7672661u, 0xD06016F7u, 0x4969474Du, 0x3E6E77DBu, 0xAED16A4Au, 0xD9D65ADCu,
  0x40DF0B66u, 0x37D83BF0u, 0xA9BCAE53u, 0xDEBB9EC5u, 0x47B2CF7Fu, 0x30B5FFE9u,
  0xBDBDF21Cu, 0xCABAC28Au, 0x53B39330u, 0x24B4A3A6u, 0xBAD03605u, 0xCDD70693u,
  0x54DE5729u, 0x23D967BFu, 0xB3667A2Eu, 0xC4614AB8u, 0x5D681B02u, 0x2A6F2B94u,
  0xB40BBE37u, 0xC30C8EA1u, 0x5A05DF1Bu, 0x2D02EF8Du,
};

/* Standard CRC-32 (zlib's crc32(0, p, n)): init 0xFFFFFFFF, reflected, final xor 0xFFFFFFFF.
 * crc32("123456789") = 0xCBF43926. n = 0 gives 0; p may be NULL then. */
uint32_t rnnlab_crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  size_t i;
  for (i = 0; i < n; i++) c = ser_crc_table[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

/* ---- little-endian byte access ---- */

static uint8_t *ser_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
  return p + 4;
}

static uint8_t *ser_put_u64(uint8_t *p, uint64_t v) {
  p = ser_put_u32(p, (uint32_t)v);
  return ser_put_u32(p, (uint32_t)(v >> 32));
}

static uint32_t ser_f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4); /* one scalar, not a struct: the bit pattern */
  return u;
}

static float ser_bits_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static uint8_t *ser_put_f32s(uint8_t *p, const float *a, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) p = ser_put_u32(p, ser_f32_bits(a[i]));
  return p;
}

static uint32_t ser_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t ser_get_u64(const uint8_t *p) { return (uint64_t)ser_get_u32(p) | (uint64_t)ser_get_u32(p + 4) << 32; }

/* Reads n floats into a; returns the index of the first non-finite one, or n. */
static size_t ser_get_f32s(float *a, const uint8_t *p, size_t n) {
  size_t i, bad = n;
  for (i = 0; i < n; i++, p += 4) {
    uint32_t u = ser_get_u32(p);
    a[i] = ser_bits_f32(u);
    if (bad == n && (u & 0x7F800000u) == 0x7F800000u) bad = i; /* exponent all ones: Inf or NaN */
  }
  return bad;
}

/* int32 <-> u32 two's complement without implementation-defined conversions */
static uint32_t ser_i32_bits(int32_t v) { return (uint32_t)v; }
static int32_t ser_bits_i32(uint32_t u) { return u <= 0x7FFFFFFFu ? (int32_t)u : -(int32_t)(~u) - 1; }

/* ---- the two configs as word lists, one line per field in declaration order ---- */

static void ser_config_words(uint32_t w[SER_CONFIG_WORDS], const rnnlab_config *c) {
  int k = 0;
  w[k++] = ser_i32_bits(c->cell);
  w[k++] = ser_i32_bits(c->variant);
  w[k++] = ser_i32_bits(c->reset_after);
  w[k++] = ser_i32_bits(c->activation);
  w[k++] = ser_i32_bits(c->input_size);
  w[k++] = ser_i32_bits(c->input_kind);
  w[k++] = ser_i32_bits(c->hidden_size);
  w[k++] = ser_i32_bits(c->layers);
  w[k++] = ser_i32_bits(c->bidirectional);
  w[k++] = ser_i32_bits(c->output_size);
  w[k++] = ser_i32_bits(c->output_kind);
  w[k++] = ser_i32_bits(c->init);
  w[k++] = ser_f32_bits(c->init_scale);
  w[k++] = ser_f32_bits(c->forget_bias);
  w[k++] = ser_f32_bits(c->g_lo);
  w[k++] = ser_f32_bits(c->g_hi);
  w[k++] = ser_f32_bits(c->h_lo);
  w[k++] = ser_f32_bits(c->h_hi);
  w[k++] = ser_f32_bits(c->alpha);
  w[k++] = ser_f32_bits(c->spectral_radius);
  w[k++] = ser_f32_bits(c->input_scale);
  w[k++] = c->seed_lo;
  w[k++] = c->seed_hi;
}

static void ser_words_config(rnnlab_config *c, const uint32_t w[SER_CONFIG_WORDS]) {
  int k = 0;
  memset(c, 0, sizeof *c);
  c->cell = ser_bits_i32(w[k++]);
  c->variant = ser_bits_i32(w[k++]);
  c->reset_after = ser_bits_i32(w[k++]);
  c->activation = ser_bits_i32(w[k++]);
  c->input_size = ser_bits_i32(w[k++]);
  c->input_kind = ser_bits_i32(w[k++]);
  c->hidden_size = ser_bits_i32(w[k++]);
  c->layers = ser_bits_i32(w[k++]);
  c->bidirectional = ser_bits_i32(w[k++]);
  c->output_size = ser_bits_i32(w[k++]);
  c->output_kind = ser_bits_i32(w[k++]);
  c->init = ser_bits_i32(w[k++]);
  c->init_scale = ser_bits_f32(w[k++]);
  c->forget_bias = ser_bits_f32(w[k++]);
  c->g_lo = ser_bits_f32(w[k++]);
  c->g_hi = ser_bits_f32(w[k++]);
  c->h_lo = ser_bits_f32(w[k++]);
  c->h_hi = ser_bits_f32(w[k++]);
  c->alpha = ser_bits_f32(w[k++]);
  c->spectral_radius = ser_bits_f32(w[k++]);
  c->input_scale = ser_bits_f32(w[k++]);
  c->seed_lo = w[k++];
  c->seed_hi = w[k++];
}

static void ser_train_words(uint32_t w[SER_TRAIN_WORDS], const rnnlab_train_config *tc) {
  int k = 0;
  w[k++] = ser_i32_bits(tc->optimizer);
  w[k++] = ser_f32_bits(tc->learning_rate);
  w[k++] = ser_f32_bits(tc->momentum);
  w[k++] = ser_i32_bits(tc->nesterov);
  w[k++] = ser_f32_bits(tc->beta1);
  w[k++] = ser_f32_bits(tc->beta2);
  w[k++] = ser_f32_bits(tc->eps);
  w[k++] = ser_f32_bits(tc->weight_decay);
  w[k++] = ser_f32_bits(tc->clip_norm);
  w[k++] = ser_f32_bits(tc->clip_value);
  w[k++] = ser_i32_bits(tc->truncate);
}

static void ser_words_train(rnnlab_train_config *tc, const uint32_t w[SER_TRAIN_WORDS]) {
  int k = 0;
  memset(tc, 0, sizeof *tc);
  tc->optimizer = ser_bits_i32(w[k++]);
  tc->learning_rate = ser_bits_f32(w[k++]);
  tc->momentum = ser_bits_f32(w[k++]);
  tc->nesterov = ser_bits_i32(w[k++]);
  tc->beta1 = ser_bits_f32(w[k++]);
  tc->beta2 = ser_bits_f32(w[k++]);
  tc->eps = ser_bits_f32(w[k++]);
  tc->weight_decay = ser_bits_f32(w[k++]);
  tc->clip_norm = ser_bits_f32(w[k++]);
  tc->clip_value = ser_bits_f32(w[k++]);
  tc->truncate = ser_bits_i32(w[k++]);
}

static uint32_t ser_moments(const rnnlab_trainer *t) { return (t->opt.m1 ? 1u : 0u) | (t->opt.m2 ? 2u : 0u); }

/* A moment over the trainable range, written at its place in the whole arena (n floats). */
static uint8_t *ser_put_moment(uint8_t *p, const rnnlab_trainer *t, const float *moment, size_t n) {
  const size_t skip = n - t->opt.n;
  size_t i;
  for (i = 0; i < skip; i++) p = ser_put_u32(p, 0u);
  return ser_put_f32s(p, moment, t->opt.n);
}

/* Reads a moment written by ser_put_moment; returns the index of the first non-finite float of
 * the n in the file, or n. */
static size_t ser_get_moment(float *moment, const rnnlab_trainer *t, const uint8_t *p, size_t n) {
  const size_t skip = n - t->opt.n;
  size_t i, bad;
  for (i = 0; i < skip; i++, p += 4)
    if ((ser_get_u32(p) & 0x7F800000u) == 0x7F800000u) return i;
  bad = ser_get_f32s(moment, p, t->opt.n);
  return bad == t->opt.n ? n : skip + bad;
}

static size_t ser_popcount2(uint32_t mask) { return (size_t)(mask & 1u) + (size_t)((mask >> 1) & 1u); }

/* ---- save ---- */

/* Floats of the carried state saved with a trainer: L x (h, c) x state_B x H, or 0 without one. */
static size_t ser_state_floats(const rnnlab_model *m) {
  if (m->state_B <= 0 || !m->C[0][0].state_h) return 0;
  return (size_t)m->cfg.layers * 2 * (size_t)m->state_B * (size_t)m->cfg.hidden_size;
}

/* Bytes rnnlab_model_save writes for m (and t's state when t is not NULL); 0 for a NULL model. */
size_t rnnlab_model_save_size(const rnnlab_model *m, const rnnlab_trainer *t) {
  size_t n, len, st;
  if (!m) return 0;
  n = m->n_params;
  len = SER_HEADER_LEN + 4 * n + SER_CRC_LEN;
  if (t) {
    len += SER_OPTIM_LEN + 4 * n * ser_popcount2(ser_moments(t));
    st = ser_state_floats(m);
    if (st) len += 4 + 4 * st;
    if (t->closed_warmup > 0) len += 4;
  }
  return len;
}

/* Writes the format above into buf (len >= rnnlab_model_save_size(m, t) bytes; only that many
 * are written). t may be NULL (weights only); otherwise it must be m's trainer. Does not change
 * the model or the trainer. */
rnnlab_status rnnlab_model_save(rnnlab_model *m, const rnnlab_trainer *t, uint8_t *buf, size_t len) {
  uint32_t w[SER_CONFIG_WORDS], tw[SER_TRAIN_WORDS];
  size_t need, n, k;
  uint8_t *p;
  if (!m) return RNNLAB_EINVAL;
  if (t && t->model != m) return model_fail(m, RNNLAB_EINVAL, "save: the trainer belongs to another model");
  need = rnnlab_model_save_size(m, t);
  if (!buf || len < need)
    return model_fail(m, RNNLAB_EINVAL, "save: buffer too small: need %lu bytes, got %lu", (unsigned long)need,
                      (unsigned long)(buf ? len : 0));
  n = m->n_params;
  p = buf;
  memcpy(p, ser_magic, 8);
  p += 8;
  p = ser_put_u32(p, SER_VERSION);
  p = ser_put_u32(p, (t ? (SER_FLAG_OPTIM | (ser_state_floats(m) ? SER_FLAG_STATE : 0u) |
                           (t->closed_warmup > 0 ? SER_FLAG_CLOSED_LOOP : 0u))
                        : 0u) |
                       (m->cfg.learn_tau ? SER_FLAG_LEARN_TAU : 0u));
  p = ser_put_u32(p, SER_HEADER_LEN);
  ser_config_words(w, &m->cfg);
  for (k = 0; k < SER_CONFIG_WORDS; k++) p = ser_put_u32(p, w[k]);
  p = ser_put_u64(p, (uint64_t)n);
  p = ser_put_f32s(p, m->params, n);
  if (t) {
    ser_train_words(tw, &t->opt.tc);
    for (k = 0; k < SER_TRAIN_WORDS; k++) p = ser_put_u32(p, tw[k]);
    p = ser_put_u64(p, (uint64_t)t->opt.steps);
    p = ser_put_u32(p, ser_moments(t));
    if (t->opt.m1) p = ser_put_moment(p, t, t->opt.m1, n);
    if (t->opt.m2) p = ser_put_moment(p, t, t->opt.m2, n);
    if (ser_state_floats(m)) {
      const size_t BH = (size_t)m->state_B * (size_t)m->cfg.hidden_size;
      int l;
      p = ser_put_u32(p, (uint32_t)m->state_B);
      for (l = 0; l < m->cfg.layers; l++) {
        p = ser_put_f32s(p, m->C[l][0].state_h, BH);
        p = ser_put_f32s(p, m->C[l][0].state_c, BH);
      }
    }
    if (t->closed_warmup > 0) p = ser_put_u32(p, (uint32_t)t->closed_warmup);
  }
  p = ser_put_u32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  m->err[0] = '\0';
  return RNNLAB_OK;
}

/* ---- load ---- */

/* Rebuilds a model from bytes written by rnnlab_model_save (see the format and the order of the
 * checks at the top). m_out is required; t_out may be NULL. On success *m_out owns a new model
 * and *t_out a new trainer for it when the data holds optimizer state (else NULL). */
rnnlab_status rnnlab_model_load(const uint8_t *buf, size_t len, rnnlab_model **m_out, rnnlab_trainer **t_out,
                                char *err, size_t errlen) {
  uint32_t version, flags, hlen, moments = 0, state_B = 0, w[SER_CONFIG_WORDS], tw[SER_TRAIN_WORDS];
  uint64_t n64;
  size_t n, expected, optim_at, state_at = 0, closed_at, k, bad;
  rnnlab_config cfg;
  rnnlab_model *m = NULL;
  rnnlab_trainer *t = NULL;
  rnnlab_status s;
  char cerr[ERRLEN];

  if (err && errlen > 0) err[0] = '\0';
  if (m_out) *m_out = NULL;
  if (t_out) *t_out = NULL;
  if (!m_out) return status_fail(err, errlen, RNNLAB_EINVAL, "load: m_out must not be NULL");
  if (!buf || len == 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "empty buffer: no saved model");
  if (len >= 8 && memcmp(buf, s2s_magic, 8) == 0)
    return status_fail(err, errlen, RNNLAB_EFORMAT,
                    "this is a saved seq2seq model, not a model: load it with rnnlab_seq2seq_load (lab.loadSeq2Seq)");
  if (len < SER_MIN_LEN)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "too short: %lu bytes, a saved rnnlab model has at least %d",
                    (unsigned long)len, SER_MIN_LEN);
  if (memcmp(buf, ser_magic, 8) != 0)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "not an rnnlab model (bad magic)");
  version = ser_get_u32(buf + 8);
  if (version > SER_VERSION)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "saved by a newer rnnlab (format %lu); this build reads format %u",
                    (unsigned long)version, SER_VERSION);
  if (version != SER_VERSION)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown format version %lu", (unsigned long)version);
  flags = ser_get_u32(buf + 12);
  if (flags & ~(SER_FLAG_OPTIM | SER_FLAG_STATE | SER_FLAG_LEARN_TAU | SER_FLAG_CLOSED_LOOP))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown flags 0x%lx", (unsigned long)flags);
  if ((flags & SER_FLAG_CLOSED_LOOP) && !(flags & SER_FLAG_OPTIM))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad flags 0x%lx: closed-loop training is saved only with optimizer state",
                    (unsigned long)flags);
  if ((flags & SER_FLAG_STATE) && !(flags & SER_FLAG_OPTIM))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad flags 0x%lx: a carried state is saved only with optimizer state",
                    (unsigned long)flags);
  hlen = ser_get_u32(buf + 16);
  if (hlen != SER_HEADER_LEN)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad header length %lu (format 1 has %d)", (unsigned long)hlen,
                    SER_HEADER_LEN);
  n64 = ser_get_u64(buf + 20 + SER_CONFIG_WORDS * 4);
  if (n64 == 0 || n64 > (uint64_t)RNNLAB_MAX_PARAMS)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad parameter count %llu (limit %d)", (unsigned long long)n64,
                    RNNLAB_MAX_PARAMS);
  n = (size_t)n64;

  /* lengths: everything below is bounded by 200 + 12 * RNNLAB_MAX_PARAMS bytes, no overflow */
  optim_at = SER_HEADER_LEN + 4 * n;
  expected = optim_at;
  if (flags & SER_FLAG_OPTIM) {
    if (len < optim_at + SER_OPTIM_LEN) /* the moments mask is not there to size the rest */
      return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected at least %lu bytes, got %lu",
                      (unsigned long)(optim_at + SER_OPTIM_LEN + SER_CRC_LEN), (unsigned long)len);
    moments = ser_get_u32(buf + optim_at + SER_OPTIM_LEN - 4);
    if (moments & ~3u)
      return status_fail(err, errlen, RNNLAB_EFORMAT, "bad optimizer moments mask 0x%lx: the file is corrupted",
                      (unsigned long)moments);
    expected += SER_OPTIM_LEN + 4 * n * ser_popcount2(moments);
  }
  if (flags & SER_FLAG_STATE) {
    /* sized by the config's layers and hidden size, read raw here (the model is created below) */
    const uint32_t H = ser_get_u32(buf + 20 + 4 * 6), L = ser_get_u32(buf + 20 + 4 * 7);
    uint64_t bytes;
    if (len < expected + 4 + SER_CRC_LEN)
      return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected at least %lu bytes, got %lu",
                      (unsigned long)(expected + 4 + SER_CRC_LEN), (unsigned long)len);
    state_B = ser_get_u32(buf + expected);
    if (L < 1 || L > RNNLAB_MAX_LAYERS || H < 1 || H > RNNLAB_MAX_HIDDEN)
      bytes = len - SER_CRC_LEN - expected; /* rnnlab_model_create rejects this config by name below */
    else if (state_B < 1 || (uint64_t)state_B * H > (uint64_t)RNNLAB_MAX_ELEMS)
      return status_fail(err, errlen, RNNLAB_EFORMAT, "bad carried state: batch %lu for %lu layers of %lu: the file is corrupted",
                      (unsigned long)state_B, (unsigned long)L, (unsigned long)H);
    else
      bytes = 4 + 4 * (uint64_t)L * 2 * state_B * H; /* <= 4 + 2^37: no overflow in 64 bits */
    if (bytes > (uint64_t)(len - expected))
      return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected %llu bytes, got %lu",
                      (unsigned long long)(expected + bytes + SER_CRC_LEN), (unsigned long)len);
    state_at = expected;
    expected += (size_t)bytes;
  }
  closed_at = expected;
  if (flags & SER_FLAG_CLOSED_LOOP) expected += 4;
  expected += SER_CRC_LEN;
  if (len < expected)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected %lu bytes, got %lu", (unsigned long)expected,
                    (unsigned long)len);
  if (len > expected)
    return status_fail(err, errlen, RNNLAB_EFORMAT,
                    "length mismatch: expected %lu bytes, got %lu (trailing data or a corrupted header)",
                    (unsigned long)expected, (unsigned long)len);
  if (rnnlab_crc32(buf, len - SER_CRC_LEN) != ser_get_u32(buf + len - SER_CRC_LEN))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "checksum mismatch: file is corrupted");

  /* the model: create validates the config; then overwrite its fresh weights */
  for (k = 0; k < SER_CONFIG_WORDS; k++) w[k] = ser_get_u32(buf + 20 + 4 * k);
  { /* Before rnnlab_model_create allocates and initialises the config's parameters: every cell has
     * a (G >= H) x I and a G x H matrix per layer and direction, then the V x D*H readout. A file
     * holding fewer is refused here, so a short file cannot claim a large model (found by
     * fuzz_model_load); sizes out of range are left to create's messages. */
    const uint64_t I0 = w[4], H = w[6], L = w[7], D = w[8] == 1 ? 2 : 1, V = w[9];
    if (I0 <= RNNLAB_MAX_IO && V <= RNNLAB_MAX_IO && H <= RNNLAB_MAX_HIDDEN && L <= RNNLAB_MAX_LAYERS) {
      uint64_t need = V * D * H, l;
      for (l = 0; l < L; l++) need += D * H * ((l ? D * H : I0) + H);
      if (need > n)
        return status_fail(err, errlen, RNNLAB_EFORMAT, "parameter count mismatch: the file has %lu, its config needs at least %llu",
                           (unsigned long)n, (unsigned long long)need);
    }
  }
  ser_words_config(&cfg, w);
  cfg.learn_tau = (flags & SER_FLAG_LEARN_TAU) ? 1 : 0;
  cerr[0] = '\0';
  s = rnnlab_model_create(&cfg, &m, cerr, sizeof cerr);
  if (s != RNNLAB_OK) {
    rnnlab_model_free(m);
    return status_fail(err, errlen, s, "saved config rejected: %s", cerr[0] ? cerr : rnnlab_status_str(s));
  }
  if (m->n_params != n) {
    s = status_fail(err, errlen, RNNLAB_EFORMAT, "parameter count mismatch: the file has %lu, its config needs %lu",
                 (unsigned long)n, (unsigned long)m->n_params);
    goto fail;
  }
  bad = ser_get_f32s(m->params, buf + SER_HEADER_LEN, n);
  if (bad != n) {
    s = status_fail(err, errlen, RNNLAB_EFORMAT, "parameter %lu is not finite", (unsigned long)bad);
    goto fail;
  }

  if ((flags & SER_FLAG_OPTIM) && t_out) {
    const uint8_t *p = buf + optim_at;
    int64_t steps;
    rnnlab_train_config tc;
    uint64_t su;
    for (k = 0; k < SER_TRAIN_WORDS; k++, p += 4) tw[k] = ser_get_u32(p);
    ser_words_train(&tc, tw);
    su = ser_get_u64(p);
    p += 8 + 4; /* steps, moments mask (read above) */
    if (su > (uint64_t)INT64_MAX) {
      s = status_fail(err, errlen, RNNLAB_EFORMAT, "bad optimizer step count");
      goto fail;
    }
    steps = (int64_t)su;
    cerr[0] = '\0';
    s = rnnlab_trainer_create(m, &tc, &t, cerr, sizeof cerr);
    if (s != RNNLAB_OK) {
      s = status_fail(err, errlen, s, "saved train config rejected: %s", cerr[0] ? cerr : rnnlab_status_str(s));
      goto fail;
    }
    if (ser_moments(t) != moments) {
      s = status_fail(err, errlen, RNNLAB_EFORMAT, "optimizer state mismatch: the file has moments 0x%lx, optimizer %d uses 0x%lx",
                   (unsigned long)moments, (int)tc.optimizer, (unsigned long)ser_moments(t));
      goto fail;
    }
    if (t->opt.m1) {
      bad = ser_get_moment(t->opt.m1, t, p, n);
      p += 4 * n;
      if (bad != n) {
        s = status_fail(err, errlen, RNNLAB_EFORMAT, "optimizer moment m1[%lu] is not finite", (unsigned long)bad);
        goto fail;
      }
    }
    if (t->opt.m2) {
      bad = ser_get_moment(t->opt.m2, t, p, n);
      p += 4 * n;
      if (bad != n) {
        s = status_fail(err, errlen, RNNLAB_EFORMAT, "optimizer moment m2[%lu] is not finite", (unsigned long)bad);
        goto fail;
      }
    }
    t->opt.steps = steps;
    if (flags & SER_FLAG_CLOSED_LOOP) {
      const uint32_t wu = ser_get_u32(buf + closed_at);
      if (wu == 0) { /* 0 means off, which save writes as no flag: a flag with 0 is no file save writes */
        s = status_fail(err, errlen, RNNLAB_EFORMAT, "closed-loop flag with warm-up 0 (save writes >= 1, or no flag)");
        goto fail;
      }
      s = rnnlab_trainer_set_closed_loop(t, wu > 0x7FFFFFFFu ? -1 : (int32_t)wu);
      if (s != RNNLAB_OK) {
        s = status_fail(err, errlen, RNNLAB_EFORMAT, "saved closed-loop training rejected: %s", t->err);
        goto fail;
      }
    }
  }
  if (flags & SER_FLAG_STATE) {
    const size_t BH = (size_t)state_B * (size_t)m->cfg.hidden_size;
    const uint8_t *p = buf + state_at + 4;
    int l;
    s = model_reserve_state(m, (int)state_B);
    if (s != RNNLAB_OK) {
      s = status_fail(err, errlen, s, "carried state: %s", m->err[0] ? m->err : rnnlab_status_str(s));
      goto fail;
    }
    for (l = 0; l < m->cfg.layers; l++, p += 8 * BH)
      if (ser_get_f32s(m->C[l][0].state_h, p, BH) != BH || ser_get_f32s(m->C[l][0].state_c, p + 4 * BH, BH) != BH) {
        s = status_fail(err, errlen, RNNLAB_EFORMAT, "carried state of layer %d is not finite", l);
        goto fail;
      }
    m->state_B = (int)state_B;
  }
  *m_out = m;
  if (t_out) *t_out = t;
  return RNNLAB_OK;

fail:
  rnnlab_trainer_free(t);
  rnnlab_model_free(m);
  return s;
}

/* ---- sequence to sequence ----
 *
 * A seq2seq file is two model images (the format above, complete with their own CRCs) in one
 * envelope of the same family: the magic's last byte is the kind (1 a model, 2 a seq2seq), so
 * each loader names the other when handed the wrong kind.
 *
 *   offset  size   field
 *   0       8      magic "RNNLAB\0\2"
 *   8       4      u32 format version = 1
 *   12      4      u32 flags: bit 0 = optimizer state present (in both images); other bits 0
 *   16      4      u32 header length = 44 (offset of the encoder image)
 *   20      8      u64 teacher-forcing generator state (rng_state.s)
 *   28      8      u64 E: encoder image length
 *   36      8      u64 D: decoder image length
 *   44      E      encoder image (rnnlab_model_save, with its trainer when flags bit 0)
 *   44+E    D      decoder image
 *   end-4   4      u32 CRC-32 of all bytes before it
 *
 * Load checks, in order: minimum length, magic (kind), version, flags, header length, the image
 * lengths, total length ("truncated: expected N bytes, got M"), CRC, then each image through
 * rnnlab_model_load (message prefixed "encoder: " / "decoder: "), then that the two halves are
 * an encoder and a decoder of one seq2seq (configs as rnnlab_seq2seq_create makes them).
 */

#define S2S_HEADER_LEN (8 + 4 + 4 + 4 + 8 + 8 + 8) /* 44 */
#define S2S_MIN_LEN (S2S_HEADER_LEN + 2 * SER_MIN_LEN + SER_CRC_LEN)

/* The attention section of kind 3, after the decoder image:
 *   u32 attention form; u64 n floats; n floats (the layer's arena);
 *   with the optimizer flag: u32 moments (bit 0 m1, bit 1 m2), those arrays of n floats, u64 steps.
 * Kind 3 is also a seq2seq with a bidirectional encoder and no attention (n = 0). */
static size_t aligned_section_size(const rnnlab_seq2seq *s, int opt) {
  if (!s->al) return 0;
  const size_t n = s->al->att.n;
  const int k = (s->al->opt.m1 ? 1 : 0) + (s->al->opt.m2 ? 1 : 0);
  return 4 + 8 + 4 * n + (opt ? 4 + 4 * n * k + 8 : 0);
}

static uint8_t *aligned_section_put(uint8_t *p, const rnnlab_seq2seq *s, int opt) {
  const aligned *al = s->al;
  p = ser_put_u32(p, (uint32_t)s->attention);
  p = ser_put_u64(p, (uint64_t)al->att.n);
  p = ser_put_f32s(p, al->att.params, al->att.n);
  if (!opt) return p;
  p = ser_put_u32(p, (al->opt.m1 ? 1u : 0u) | (al->opt.m2 ? 2u : 0u));
  if (al->opt.m1) p = ser_put_f32s(p, al->opt.m1, al->att.n);
  if (al->opt.m2) p = ser_put_f32s(p, al->opt.m2, al->att.n);
  return ser_put_u64(p, (uint64_t)al->opt.steps);
}

size_t rnnlab_seq2seq_save_size(const rnnlab_seq2seq *s, int with_optimizer) {
  if (!s) return 0;
  const int opt = with_optimizer && s->tenc && s->tdec;
  return S2S_HEADER_LEN + rnnlab_model_save_size(s->enc, opt ? s->tenc : NULL) +
         rnnlab_model_save_size(s->dec, opt ? s->tdec : NULL) + aligned_section_size(s, opt) + SER_CRC_LEN;
}

rnnlab_status rnnlab_seq2seq_save(rnnlab_seq2seq *s, int with_optimizer, uint8_t *buf, size_t len) {
  if (!s) return RNNLAB_EINVAL;
  s->err[0] = '\0';
  if (with_optimizer && (!s->tenc || !s->tdec))
    return status_fail(s->err, sizeof s->err, RNNLAB_ESTATE,
                    "save: no optimizer state yet (it is created by the first training step); save without it");
  const size_t need = rnnlab_seq2seq_save_size(s, with_optimizer);
  if (!buf || len < need)
    return status_fail(s->err, sizeof s->err, RNNLAB_EINVAL, "save: buffer too small: need %lu bytes, got %lu",
                    (unsigned long)need, (unsigned long)(buf ? len : 0));
  const rnnlab_trainer *te = with_optimizer ? s->tenc : NULL, *td = with_optimizer ? s->tdec : NULL;
  const size_t E = rnnlab_model_save_size(s->enc, te), D = rnnlab_model_save_size(s->dec, td);
  uint8_t *p = buf;
  memcpy(p, s->al ? s2s_aligned_magic : s2s_magic, 8);
  p += 8;
  p = ser_put_u32(p, SER_VERSION);
  p = ser_put_u32(p, with_optimizer ? SER_FLAG_OPTIM : 0u);
  p = ser_put_u32(p, S2S_HEADER_LEN);
  p = ser_put_u64(p, s->rng.s);
  p = ser_put_u64(p, (uint64_t)E);
  p = ser_put_u64(p, (uint64_t)D);
  rnnlab_status st = rnnlab_model_save(s->enc, te, p, E);
  if (!st) st = rnnlab_model_save(s->dec, td, p + E, D);
  if (st)
    return status_fail(s->err, sizeof s->err, st, "save: %s", s->enc->err[0] ? s->enc->err : s->dec->err);
  p += E + D;
  if (s->al) p = aligned_section_put(p, s, with_optimizer);
  ser_put_u32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  return RNNLAB_OK;
}

/* The seeds and cell settings of two halves (a, b: their configs with the fields that differ by
 * design already cleared): NULL, or what differs. */
static const char *s2s_same_cells(const rnnlab_config *e, const rnnlab_config *d, rnnlab_config a, rnnlab_config b) {
  const uint64_t es = (uint64_t)e->seed_hi << 32 | e->seed_lo, ds = (uint64_t)d->seed_hi << 32 | d->seed_lo;
  if ((es ^ SEQ2SEQ_DECODER_SALT) != ds) return "the halves come from different seeds";
  a.seed_lo = b.seed_lo = a.seed_hi = b.seed_hi = 0;
  uint32_t wa[SER_CONFIG_WORDS], wb[SER_CONFIG_WORDS];
  ser_config_words(wa, &a);
  ser_config_words(wb, &b);
  return memcmp(wa, wb, sizeof wa) || a.learn_tau != b.learn_tau ? "the halves have different cell settings" : NULL;
}

/* The two halves as rnnlab_seq2seq_create makes them from one config: NULL, or what differs. */
static const char *s2s_mismatch(const rnnlab_config *e, const rnnlab_config *d) {
  if (e->input_kind != RNNLAB_INPUT_ONEHOT || e->output_kind != RNNLAB_OUTPUT_SOFTMAX || e->output_size != 2 || e->bidirectional)
    return "the encoder is not a seq2seq encoder (one-hot in, unused 2-symbol readout, one direction)";
  if (d->input_kind != RNNLAB_INPUT_ONEHOT || d->output_kind != RNNLAB_OUTPUT_SOFTMAX || d->input_size != d->output_size ||
      d->bidirectional)
    return "the decoder is not a seq2seq decoder (one-hot in, softmax out over the same symbols, one direction)";
  rnnlab_config a = *e, b = *d;
  a.input_size = b.input_size = 0, a.output_size = b.output_size = 0;
  return s2s_same_cells(e, d, a, b);
}

/* The halves as rnnlab_seq2seq_create_attention makes them for form: NULL, or what differs. */
static const char *s2s_aligned_mismatch(const rnnlab_config *e, const rnnlab_config *d, uint32_t form) {
  if (form > RNNLAB_ATTENTION_GENERAL) return "unknown attention form";
  if (form == RNNLAB_ATTENTION_NONE && !e->bidirectional) return "without attention and a bidirectional encoder it is not a kind 3 file";
  const int C = (e->bidirectional ? 2 : 1) * e->hidden_size, additive = form == RNNLAB_ATTENTION_ADDITIVE;
  if (e->input_kind != RNNLAB_INPUT_ONEHOT || e->output_kind != RNNLAB_OUTPUT_SOFTMAX || e->output_size != 2)
    return "the encoder is not a seq2seq encoder (one-hot in, unused 2-symbol readout)";
  if (d->input_kind != (additive ? RNNLAB_INPUT_DENSE : RNNLAB_INPUT_ONEHOT) || d->output_kind != RNNLAB_OUTPUT_SOFTMAX ||
      d->input_size != d->output_size + (additive ? C : 0) || d->bidirectional || d->hidden_size != C)
    return "the decoder does not fit the encoder and the attention form";
  rnnlab_config a = *e, b = *d;
  a.input_size = b.input_size = a.output_size = b.output_size = 0;
  a.input_kind = b.input_kind = 0, a.hidden_size = b.hidden_size = 0, a.bidirectional = b.bidirectional = 0;
  return s2s_same_cells(e, d, a, b);
}

rnnlab_status rnnlab_seq2seq_load(const uint8_t *buf, size_t len, int with_optimizer, rnnlab_seq2seq **out, char *err,
                                  size_t errlen) {
  char cerr[ERRLEN];
  if (err && errlen > 0) err[0] = '\0';
  if (out) *out = NULL;
  if (!out) return status_fail(err, errlen, RNNLAB_EINVAL, "load: out must not be NULL");
  if (!buf || len == 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "empty buffer: no saved seq2seq model");
  if (len >= 8 && memcmp(buf, ser_magic, 8) == 0)
    return status_fail(err, errlen, RNNLAB_EFORMAT,
                    "this is a saved model, not a seq2seq model: load it with rnnlab_model_load (lab.loadModel)");
  if (len < S2S_MIN_LEN)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "too short: %lu bytes, a saved rnnlab seq2seq model has at least %d",
                    (unsigned long)len, S2S_MIN_LEN);
  const int kind3 = memcmp(buf, s2s_aligned_magic, 8) == 0;
  if (!kind3 && memcmp(buf, s2s_magic, 8) != 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "not an rnnlab seq2seq model (bad magic)");
  const uint32_t version = ser_get_u32(buf + 8), flags = ser_get_u32(buf + 12), hlen = ser_get_u32(buf + 16);
  if (version > SER_VERSION)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "saved by a newer rnnlab (format %lu); this build reads format %u",
                    (unsigned long)version, SER_VERSION);
  if (version != SER_VERSION) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown format version %lu", (unsigned long)version);
  if (flags & ~SER_FLAG_OPTIM) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown flags 0x%lx", (unsigned long)flags);
  if (hlen != S2S_HEADER_LEN)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad header length %lu (format 1 has %d)", (unsigned long)hlen, S2S_HEADER_LEN);
  const uint64_t rng = ser_get_u64(buf + 20), E = ser_get_u64(buf + 28), D = ser_get_u64(buf + 36);
  const uint64_t max_image = SER_HEADER_LEN + SER_OPTIM_LEN + SER_CRC_LEN + 12ull * RNNLAB_MAX_PARAMS;
  if (E < SER_MIN_LEN || D < SER_MIN_LEN || E > max_image || D > max_image)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad image lengths %llu and %llu: the file is corrupted",
                    (unsigned long long)E, (unsigned long long)D);
  /* kind 3: the attention section's length, from its own header, read within bounds */
  uint64_t A_len = 0, n_att = 0;
  uint32_t form = 0, moments = 0;
  if (kind3) {
    const uint64_t at = S2S_HEADER_LEN + E + D;
    if ((uint64_t)len < at + 12 + SER_CRC_LEN)
      return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: the attention section is missing (%lu bytes)", (unsigned long)len);
    form = ser_get_u32(buf + at), n_att = ser_get_u64(buf + at + 4);
    if (n_att > RNNLAB_MAX_PARAMS) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad attention size %llu: the file is corrupted", (unsigned long long)n_att);
    A_len = 12 + 4 * n_att;
    if (flags & SER_FLAG_OPTIM) {
      if ((uint64_t)len < at + A_len + 4 + SER_CRC_LEN)
        return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: the attention optimizer state is missing");
      moments = ser_get_u32(buf + at + A_len);
      if (moments > 3) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad attention moments 0x%lx", (unsigned long)moments);
      A_len += 4 + 4 * n_att * ((moments & 1) + (moments >> 1)) + 8;
    }
  }
  const uint64_t expected = S2S_HEADER_LEN + E + D + A_len + SER_CRC_LEN;
  if ((uint64_t)len < expected)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "truncated: expected %llu bytes, got %lu", (unsigned long long)expected,
                    (unsigned long)len);
  if ((uint64_t)len > expected)
    return status_fail(err, errlen, RNNLAB_EFORMAT,
                    "length mismatch: expected %llu bytes, got %lu (trailing data or a corrupted header)",
                    (unsigned long long)expected, (unsigned long)len);
  if (rnnlab_crc32(buf, len - SER_CRC_LEN) != ser_get_u32(buf + len - SER_CRC_LEN))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "checksum mismatch: file is corrupted");

  rnnlab_model *m[2] = {NULL, NULL};
  rnnlab_trainer *t[2] = {NULL, NULL};
  const uint8_t *img[2] = {buf + S2S_HEADER_LEN, buf + S2S_HEADER_LEN + E};
  const size_t n[2] = {(size_t)E, (size_t)D};
  static const char *const half[2] = {"encoder", "decoder"};
  rnnlab_status st = RNNLAB_OK;
  for (int k = 0; k < 2 && !st; k++) {
    cerr[0] = '\0';
    st = rnnlab_model_load(img[k], n[k], &m[k], &t[k], cerr, sizeof cerr);
    if (st) st = status_fail(err, errlen, st, "%s: %s", half[k], cerr[0] ? cerr : rnnlab_status_str(st));
    else if (!t[k] != !(flags & SER_FLAG_OPTIM))
      st = status_fail(err, errlen, RNNLAB_EFORMAT, "%s: optimizer state %s, the header says otherwise", half[k],
                    t[k] ? "present" : "absent");
  }
  const char *why = st ? NULL : kind3 ? s2s_aligned_mismatch(&m[0]->cfg, &m[1]->cfg, form) : s2s_mismatch(&m[0]->cfg, &m[1]->cfg);
  if (why) st = status_fail(err, errlen, RNNLAB_EFORMAT, "not one seq2seq model: %s", why);
  rnnlab_seq2seq *s = st ? NULL : calloc(1, sizeof *s);
  if (!st && !s) st = status_fail(err, errlen, RNNLAB_ENOMEM, "out of memory");
  if (!st && kind3) { /* the attention layer: its arena, then its optimizer state */
    s->enc = m[0], s->dec = m[1], s->attention = (int32_t)form;
    st = aligned_create(s, (int)form);
    if (st) st = status_fail(err, errlen, st, "out of memory for the attention layer");
    else if (s->al->att.n != n_att)
      st = status_fail(err, errlen, RNNLAB_EFORMAT, "attention: %llu floats, this model has %lu", (unsigned long long)n_att,
                       (unsigned long)s->al->att.n);
    const uint8_t *q = buf + S2S_HEADER_LEN + E + D + 12;
    if (!st) ser_get_f32s(s->al->att.params, q, n_att), q += 4 * n_att;
    if (!st && (flags & SER_FLAG_OPTIM) && t[0]) {
      char oerr[ERRLEN];
      st = optimizer_init(&s->al->opt, &t[0]->opt.tc, n_att, oerr, sizeof oerr);
      if (st) st = status_fail(err, errlen, st, "attention optimizer: %s", oerr);
      else if ((moments & 1) != (s->al->opt.m1 ? 1u : 0u) || (moments >> 1) != (s->al->opt.m2 ? 1u : 0u))
        st = status_fail(err, errlen, RNNLAB_EFORMAT, "attention: optimizer moments 0x%lx do not fit the optimizer", (unsigned long)moments);
      else {
        q += 4;
        if (s->al->opt.m1) ser_get_f32s(s->al->opt.m1, q, n_att), q += 4 * n_att;
        if (s->al->opt.m2) ser_get_f32s(s->al->opt.m2, q, n_att), q += 4 * n_att;
        s->al->opt.steps = (int64_t)ser_get_u64(q);
        s->al->have_opt = 1;
      }
    }
    if (!st)
      for (size_t i = 0; i < s->al->att.n; i++)
        if (!(s->al->att.params[i] == s->al->att.params[i] && s->al->att.params[i] - s->al->att.params[i] == 0.0f)) {
          st = status_fail(err, errlen, RNNLAB_EFORMAT, "attention: weight %lu is not finite", (unsigned long)i);
          break;
        }
    if (st) {
      aligned_free(s->al), free(s);
      s = NULL;
    }
  }
  if (st) {
    for (int k = 0; k < 2; k++) rnnlab_trainer_free(t[k]), rnnlab_model_free(m[k]);
    return st;
  }
  s->enc = m[0], s->dec = m[1];
  if (with_optimizer) s->tenc = t[0], s->tdec = t[1];
  else {
    rnnlab_trainer_free(t[0]), rnnlab_trainer_free(t[1]);
    if (s->al && s->al->have_opt) optimizer_release(&s->al->opt), s->al->have_opt = 0;
  }
  s->rng.s = rng;
  *out = s;
  return RNNLAB_OK;
}

/* ---- the ridge readout (core/train/ridge.c) ----
 *
 *   offset  size   field
 *   0       8      magic "RNNLAB\0\x08"
 *   8       4      u32 format version = 1
 *   12      4      u32 header length = 56
 *   16      4      f32 ridge
 *   20      4      u32 washout
 *   24      4      u32 D1 (features + 1)
 *   28      4      u32 V
 *   32      8      u64 steps
 *   40      8      f64 the weights' sum
 *   48      8      u64 M: model image length
 *   56      M      the model image (rnnlab_model_save, without a trainer)
 *   56+M    8 n    f64 A's lower triangle, row by row (n = D1 (D1 + 1) / 2), then C (D1 x V)
 *   end-4   4      u32 CRC-32 of all bytes before it
 */
static const uint8_t ridge_magic[8] = {'R', 'N', 'N', 'L', 'A', 'B', 0, 8};
#define RIDGE_HEADER_LEN 56

static uint64_t f64_bits(double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}
static double bits_f64(uint64_t u) {
  double d;
  memcpy(&d, &u, 8);
  return d;
}

size_t rnnlab_ridge_save_size(const rnnlab_ridge *r) {
  if (!r) return 0;
  const size_t n = (size_t)r->D1 * (r->D1 + 1) / 2 + (size_t)r->D1 * r->V;
  return RIDGE_HEADER_LEN + rnnlab_model_save_size(r->model, NULL) + 8 * n + SER_CRC_LEN;
}

rnnlab_status rnnlab_ridge_save(rnnlab_ridge *r, uint8_t *buf, size_t len) {
  if (!r) return RNNLAB_EINVAL;
  r->err[0] = 0;
  const size_t need = rnnlab_ridge_save_size(r), M = rnnlab_model_save_size(r->model, NULL);
  if (!buf || len < need)
    return status_fail(r->err, sizeof r->err, RNNLAB_EINVAL, "save: buffer too small: need %lu bytes, got %lu", (unsigned long)need,
                       (unsigned long)(buf ? len : 0));
  uint8_t *p = buf;
  memcpy(p, ridge_magic, 8), p += 8;
  p = ser_put_u32(p, SER_VERSION);
  p = ser_put_u32(p, RIDGE_HEADER_LEN);
  p = ser_put_u32(p, ser_f32_bits(r->ridge));
  p = ser_put_u32(p, (uint32_t)r->washout);
  p = ser_put_u32(p, (uint32_t)r->D1);
  p = ser_put_u32(p, (uint32_t)r->V);
  p = ser_put_u64(p, (uint64_t)r->steps);
  p = ser_put_u64(p, f64_bits(r->weight));
  p = ser_put_u64(p, (uint64_t)M);
  rnnlab_status s = rnnlab_model_save(r->model, NULL, p, M);
  if (s) return status_fail(r->err, sizeof r->err, s, "save: %s", r->model->err);
  p += M;
  for (int i = 0; i < r->D1; i++)
    for (int j = 0; j <= i; j++) p = ser_put_u64(p, f64_bits(r->A[(size_t)i * r->D1 + j]));
  for (size_t i = 0; i < (size_t)r->D1 * r->V; i++) p = ser_put_u64(p, f64_bits(r->C[i]));
  ser_put_u32(p, rnnlab_crc32(buf, (size_t)(p - buf)));
  return RNNLAB_OK;
}

rnnlab_status rnnlab_ridge_load(const uint8_t *buf, size_t len, rnnlab_model **m_out, rnnlab_ridge **r_out, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!m_out || !r_out) return status_fail(err, errlen, RNNLAB_EINVAL, "load: m_out and r_out must not be NULL");
  *m_out = NULL, *r_out = NULL;
  if (!buf || len < RIDGE_HEADER_LEN + SER_MIN_LEN + SER_CRC_LEN)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "too short: %lu bytes, a saved ridge readout has at least %d", (unsigned long)len,
                       RIDGE_HEADER_LEN + SER_MIN_LEN + SER_CRC_LEN);
  if (memcmp(buf, ridge_magic, 8) != 0) return status_fail(err, errlen, RNNLAB_EFORMAT, "not a saved rnnlab ridge readout (bad magic)");
  if (ser_get_u32(buf + 8) != SER_VERSION) return status_fail(err, errlen, RNNLAB_EFORMAT, "unknown format version %lu", (unsigned long)ser_get_u32(buf + 8));
  if (ser_get_u32(buf + 12) != RIDGE_HEADER_LEN) return status_fail(err, errlen, RNNLAB_EFORMAT, "bad header length %lu", (unsigned long)ser_get_u32(buf + 12));
  const float ridge = ser_bits_f32(ser_get_u32(buf + 16));
  const uint32_t washout = ser_get_u32(buf + 20), D1 = ser_get_u32(buf + 24), V = ser_get_u32(buf + 28);
  const uint64_t steps = ser_get_u64(buf + 32), M = ser_get_u64(buf + 48);
  const double weight = bits_f64(ser_get_u64(buf + 40));
  if (D1 < 2 || D1 > 1u << 16 || V < 1 || V > RNNLAB_MAX_IO || M > len)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "bad sizes (features %lu, outputs %lu): the file is corrupted", (unsigned long)D1, (unsigned long)V);
  const uint64_t n = (uint64_t)D1 * (D1 + 1) / 2 + (uint64_t)D1 * V, expected = RIDGE_HEADER_LEN + M + 8 * n + SER_CRC_LEN;
  if ((uint64_t)len != expected)
    return status_fail(err, errlen, RNNLAB_EFORMAT, "%s: expected %llu bytes, got %lu", (uint64_t)len < expected ? "truncated" : "length mismatch",
                       (unsigned long long)expected, (unsigned long)len);
  if (rnnlab_crc32(buf, len - SER_CRC_LEN) != ser_get_u32(buf + len - SER_CRC_LEN))
    return status_fail(err, errlen, RNNLAB_EFORMAT, "checksum mismatch: file is corrupted");
  char merr[ERRLEN];
  rnnlab_model *m = NULL;
  rnnlab_trainer *t = NULL;
  rnnlab_status s = rnnlab_model_load(buf + RIDGE_HEADER_LEN, (size_t)M, &m, &t, merr, sizeof merr);
  rnnlab_trainer_free(t);
  if (s) return status_fail(err, errlen, s, "model: %s", merr);
  rnnlab_ridge *r = NULL;
  s = ridge_alloc(m, ridge, (int32_t)washout, &r, err, errlen);
  if (!s && (r->D1 != (int)D1 || r->V != (int)V)) s = status_fail(err, errlen, RNNLAB_EFORMAT, "the statistics do not fit the model");
  if (s) {
    rnnlab_ridge_free(r), rnnlab_model_free(m);
    return s;
  }
  const uint8_t *p = buf + RIDGE_HEADER_LEN + M;
  for (uint32_t i = 0; i < D1; i++)
    for (uint32_t j = 0; j <= i; j++, p += 8) r->A[(size_t)i * D1 + j] = bits_f64(ser_get_u64(p));
  for (size_t i = 0; i < (size_t)D1 * V; i++, p += 8) r->C[i] = bits_f64(ser_get_u64(p));
  r->steps = (int64_t)steps, r->weight = weight;
  *m_out = m, *r_out = r;
  return RNNLAB_OK;
}
