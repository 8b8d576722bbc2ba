/* options.c - a task's options: "key=value,key=value" into the fields of rnnlab_task.
 *
 * Owns: the defaults common to every task (the ones that differ come from the task's row in
 * tasks.c), the parsing and range checks of every option key shared by several kinds (their
 * meanings are documented in rnnlab.h), and the messages that name a bad key or value. A kind
 * with keys of its own parses them in its option hook (systems.c).
 *
 * Does not own: which keys a task accepts (its row's keys), checks that relate two options or an
 * option and the task (length bounds, minLength <= length: tasks.c), what a task does with them.
 */
#include <stdlib.h>
#include <string.h>

#include "task.h"

void options_defaults(rnnlab_task *t) {
  const task_kind *k = t->kind;
  t->seed = 1;
  t->min_length = 1;
  t->relevant = 2;
  t->symbols = 8;
  t->holdout = 0.1f;
  t->vocab_cap = 256;
  t->chars = 100000;
  t->length = k->length, t->eval_length = k->eval_length, t->eval_count = k->eval_count, t->target = k->target;
  if (k->option) k->option(t, NULL, NULL, NULL); /* the kind's own defaults */
}

/* Is key (len bytes) one of the comma-separated keys? */
static int key_allowed(const char *keys, const char *key, size_t len) {
  const char *p = keys;
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

/* Parses "key=value,key=value" (spaces around keys and values ignored; empty items skipped).
 * Unknown keys (for this task), keys without a value, repeated keys and bad values are refused. */
rnnlab_status options_parse(rnnlab_task *t, const char *opts, char *err, size_t errlen) {
  const char *name = t->kind->name, *keys = t->kind->keys;
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
    if (!key_allowed(keys, key, strlen(key)))
      return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': unknown option '%s' (known: %s)", name, key, keys);
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
    else if (!strcmp(key, "corpus")) ok = !strcmp(val, "grammar"), want = "grammar (other text is passed as bytes)", t->corpus_grammar = 1;
    else if (!strcmp(key, "chars")) ok = parse_int(val, 1000, TEXT_MAX_CHARS, &t->chars), want = "an integer in 1000..67108864";
    else if (!strcmp(key, "vocab")) ok = parse_int(val, 2, TEXT_MAX_VOCAB, &t->vocab_cap), want = "an integer in 2..4096";
    else if (!strcmp(key, "holdout")) {
      ok = parse_float(val, 0, 1, &t->holdout) && t->holdout > 0 && t->holdout < 1, want = "a number in (0, 1)";
    } else if (t->kind->option) ok = t->kind->option(t, key, val, &want); /* the kind's own keys */
    if (!ok) return status_fail(err, errlen, RNNLAB_EINVAL, "task '%s': option %s=%s: must be %s", name, key, val, want);
  }
  return RNNLAB_OK;
}
