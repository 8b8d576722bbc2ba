/* dates.c - the sequence-to-sequence task 'dates': a date as people write it, to ISO 8601.
 *
 * Owns: the calendar it needs (days of the range to year/month/day, leap years, weekdays), the
 * thirteen source formats, the task's vocabulary and symbols, and its pair generator.
 *   Source: a day drawn uniformly from the 36525 days of 1950-01-01..2049-12-31, written in a
 *   format drawn uniformly from the enum of formats below ("Saturday, July 4th 1998", "07/04/98", ...).
 *   Target: "1998-07-04", always 10 symbols (then EOS).
 *   Vocabulary, shared by source and target: PAD=0, BOS=1, EOS=2, then the characters of
 *   SYMBOLS in ASCII order (id 3 is the space).
 *   Two-digit years (formats mm/dd/yy, dd-Mon-yy): 50..99 are 1950..1999, 00..49 are 2000..2049,
 *   which is exactly the range, so every two-digit year names one day.
 *   Each source determines its date without being told the format: the slash formats differ in
 *   their groups' widths (mm/dd/yy, m/d/yyyy, yyyy/mm/dd), the only '.' format is day first
 *   (dd.mm.yyyy), the only '-' format names its month, the only all-digit one is yyyymmdd, and
 *   the rest spell the month. So a model can learn the mapping exactly.
 *   Unlike the date-conversion data of tfjs-examples, whose day was drawn in 1..28 per month
 *   (no 29th, 30th or 31st ever occurred), the draw is over days, so every (month, day) that
 *   exists occurs (Feb 29 once in 1461 pairs) and no day that does not exist can.
 * The `length` of a batch is the longest source any format writes (DATES_MAX_SOURCE, the only
 * length the task accepts): the row in tasks.c fixes it so pairs_batch sizes its buffers from
 * dates_pair_max; a batch's srcLength is still its longest source. Evaluation pairs come from the
 * same distribution on the caller's seed (tasks.c seeds a separate stream); `exact` changes
 * nothing here, as every source already has its natural length.
 *
 * Does not own: the batch layout, left-padding and exact-match scoring (pairs.c), argument checks
 * and the random streams' seeds (tasks.c), options (options.c: none of its own).
 */
#include <stdio.h>
#include <string.h>

#include "task.h"

enum { DATES_PAD = 0, DATES_BOS = 1, DATES_EOS = 2, DATES_FIRST = 3 };
enum { FIRST_YEAR = 1950, DAYS = 36525 }; /* 100 years, 25 of them leap */
enum { SUNDAY_1950 = 0 };                   /* 1950-01-01 was a Sunday (weekday 0) */
enum { DATES_TARGET = 10 };                 /* "1998-09-23"; DATES_MAX_SOURCE is in task.h */

/* Every character a format writes, in ASCII order; its id is DATES_FIRST + its index. */
static const char SYMBOLS[] = " ,-./0123456789ABCDEFGHIJLMNOPRSTUVWYabcdefghilmnoprstuvy";
#define N_SYMBOLS ((int)sizeof SYMBOLS - 1)

static const char *const MONTHS[12] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
static const char *const MON[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const MON_UP[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
static const char *const WEEKDAYS[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
static const char *const WDAY[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const WDAY_UP[7] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

/* The formats, with 1998-07-04 (a Saturday) written in each. */
enum {
  F_D_MONTH_Y,     /* 4 July 1998                                      */
  F_MM_DD_YY,      /* 07/04/98       US order, two-digit year           */
  F_DD_MM_Y,       /* 04.07.1998     day first, dots                    */
  F_Y_MM_DD,       /* 1998/07/04                                        */
  F_MONTH_D_Y,     /* July 4, 1998                                      */
  F_MON_D_Y,       /* Jul 4 1998                                        */
  F_WEEKDAY_LONG,  /* Saturday, July 4th 1998                           */
  F_DTH_OF_MONTH,  /* 4th of July 1998                                  */
  F_UPPER,         /* SAT JUL 04 1998   JavaScript's toDateString, upper case */
  F_DD_MON_YY,     /* 04-Jul-98      two-digit year                     */
  F_M_D_Y,         /* 7/4/1998       US order, no zero padding          */
  F_YYYYMMDD,      /* 19980704                                          */
  F_RFC2822,       /* Sat, 04 Jul 1998   the date of an RFC 2822 header */
  N_FORMATS
};

typedef struct { int year, month, day, weekday; } civil; /* month 1..12, weekday 0 = Sunday */

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m) {
  static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Day n of the range (0 = 1950-01-01) as a date: whole years off, then whole months. */
static civil civil_of(int n) {
  civil c = {FIRST_YEAR, 1, 1, (n + SUNDAY_1950) % 7};
  while (n >= (is_leap(c.year) ? 366 : 365)) n -= is_leap(c.year) ? 366 : 365, c.year++;
  while (n >= month_days(c.year, c.month)) n -= month_days(c.year, c.month), c.month++;
  c.day = 1 + n;
  return c;
}

/* 1st 2nd 3rd 4th ... 11th 12th 13th ... 21st 22nd 23rd ... 31st */
static const char *ordinal(int d) {
  if (d % 100 >= 11 && d % 100 <= 13) return "th";
  return d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th";
}

/* The date in format f into out (WRITE_CAP bytes: room for any int, so snprintf never truncates
 * whatever the compiler assumes of the fields); returns its length, at most DATES_MAX_SOURCE. */
enum { WRITE_CAP = 64 };
static int date_write(int f, civil c, char *out) {
  const size_t n = WRITE_CAP;
  const int y = c.year, m = c.month, d = c.day, yy = c.year % 100, w = c.weekday;
  const char *month = MONTHS[m - 1];
  switch (f) {
  case F_D_MONTH_Y: return snprintf(out, n, "%d %s %d", d, month, y);
  case F_MM_DD_YY: return snprintf(out, n, "%02d/%02d/%02d", m, d, yy);
  case F_DD_MM_Y: return snprintf(out, n, "%02d.%02d.%d", d, m, y);
  case F_Y_MM_DD: return snprintf(out, n, "%d/%02d/%02d", y, m, d);
  case F_MONTH_D_Y: return snprintf(out, n, "%s %d, %d", month, d, y);
  case F_MON_D_Y: return snprintf(out, n, "%s %d %d", MON[m - 1], d, y);
  case F_WEEKDAY_LONG: return snprintf(out, n, "%s, %s %d%s %d", WEEKDAYS[w], month, d, ordinal(d), y);
  case F_DTH_OF_MONTH: return snprintf(out, n, "%d%s of %s %d", d, ordinal(d), month, y);
  case F_UPPER: return snprintf(out, n, "%s %s %02d %d", WDAY_UP[w], MON_UP[m - 1], d, y);
  case F_DD_MON_YY: return snprintf(out, n, "%02d-%s-%02d", d, MON[m - 1], yy);
  case F_M_D_Y: return snprintf(out, n, "%d/%d/%d", m, d, y);
  case F_YYYYMMDD: return snprintf(out, n, "%d%02d%02d", y, m, d);
  default: return snprintf(out, n, "%s, %02d %s %d", WDAY[w], d, MON[m - 1], y); /* F_RFC2822 */
  }
}

/* Characters to ids. Every character a format writes is in SYMBOLS, so strchr never misses;
 * were one missing, it would become a PAD inside the source, which tests/dates.test.mjs (it
 * parses every source back) would catch. */
static void to_ids(const char *s, int len, int32_t *ids) {
  for (int i = 0; i < len; i++) {
    const char *at = s[i] ? strchr(SYMBOLS, s[i]) : NULL;
    ids[i] = at ? DATES_FIRST + (int32_t)(at - SYMBOLS) : DATES_PAD;
  }
}

void dates_describe(const rnnlab_task *t, rnnlab_task_info *in) {
  (void)t;
  in->vocab_size = DATES_FIRST + N_SYMBOLS;
  in->input_size = in->output_size = in->vocab_size;
  in->pad_id = DATES_PAD, in->bos_id = DATES_BOS, in->eos_id = DATES_EOS;
}

const char *dates_symbol(rnnlab_task *t, int which, int id) {
  (void)which;
  if (id < DATES_FIRST) return id == DATES_PAD ? "<pad>" : id == DATES_BOS ? "<s>" : "</s>";
  t->sym_buf[0] = SYMBOLS[id - DATES_FIRST], t->sym_buf[1] = 0;
  return t->sym_buf;
}

/* The sizes do not depend on L: the row in tasks.c accepts only L = DATES_MAX_SOURCE. */
void dates_pair_max(int L, int *S, int *U) { (void)L, *S = DATES_MAX_SOURCE, *U = DATES_TARGET; }

/* One day uniform over the range, then one format uniform over the N_FORMATS: two draws per pair. */
void dates_pair(const rnnlab_task *t, rng_state *r, int L, int exact, int32_t *src, int *ns, int32_t *tgt, int *nt) {
  (void)t, (void)L, (void)exact;
  const civil c = civil_of((int)rng_below(r, DAYS));
  const int f = (int)rng_below(r, N_FORMATS);
  char s[WRITE_CAP], iso[WRITE_CAP];
  int n = date_write(f, c, s);
  if (n > DATES_MAX_SOURCE) n = DATES_MAX_SOURCE; /* never: the longest source is 30 (the test checks) */
  to_ids(s, n, src);
  snprintf(iso, sizeof iso, "%04d-%02d-%02d", c.year, c.month, c.day);
  to_ids(iso, DATES_TARGET, tgt);
  *ns = n, *nt = DATES_TARGET;
}
