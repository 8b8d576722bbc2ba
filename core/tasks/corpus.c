/* corpus.c - the generated corpus of the text task: English-like sentences from a small grammar.
 *
 * Owns: the grammar (word lists, noun phrases, clauses, sentences) and the seeded generator of
 * about `chars` bytes of it, e.g. "The old owl sees Anna near the river."
 *
 * Does not own: the text task (text.c turns the bytes into a task), the seed (the task's seed
 * salted with SALT_CORPUS, so the corpus is independent of the training stream), other corpora
 * (passed in as bytes: the C sources corpus is bundled at build time).
 */
#include <stdlib.h>
#include <string.h>

#include "task.h"

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

/* name | det [adj] noun [prep NP] (at most two nested phrases) */
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

/* NP (vt NP | vi [adv] | is adj | vi prep NP) */
static void g_clause(sbuf *b, rng_state *r) {
  g_np(b, r, 0);
  uint32_t k = rng_below(r, 8);
  if (k < 3) { sb_word(b, PICK(r, g_vt)); g_np(b, r, 1); }
  else if (k < 5) { sb_word(b, PICK(r, g_vi)); if (k == 4) sb_word(b, PICK(r, g_adv)); }
  else if (k < 7) { sb_word(b, "is"); sb_word(b, PICK(r, g_adj)); }
  else { sb_word(b, PICK(r, g_vi)); sb_word(b, PICK(r, g_prep)); g_np(b, r, 1); }
}

/* About `chars` bytes of sentences: "The old owl sees Anna near the river." Capitalised, a
 * space between sentences, a newline after every few. *out is malloc'ed (the caller frees it).
 * Returns the length, or 0 on ENOMEM. */
size_t corpus_grammar(rng_state *r, size_t chars, char **out) {
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
