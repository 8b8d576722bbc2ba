/* check.h - the native tests' tiny harness: CHECK records a failure with file:line and goes on;
 * each test program ends with check_summary(), which prints "N passed, N failed" and returns the
 * exit code. No framework, no globals beyond this file's two counters. */
#ifndef RNNLAB_CHECK_H
#define RNNLAB_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_pass_, check_fail_;

#define CHECK(cond, ...)                                                     \
  do {                                                                       \
    if (cond) check_pass_++;                                                 \
    else {                                                                   \
      check_fail_++;                                                         \
      fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                          \
      fputc('\n', stderr);                                                   \
    }                                                                        \
  } while (0)

/* |a-b| <= atol + rtol*|b|; what is a plain string naming the quantity */
#define CHECK_CLOSE(a, b, atol, rtol, what)                                            \
  do {                                                                                 \
    double a_ = (a), b_ = (b);                                                         \
    CHECK(fabs(a_ - b_) <= (atol) + (rtol) * fabs(b_), "%s: %.9g vs %.9g", what, a_, b_); \
  } while (0)

static inline int check_summary(const char *name) {
  printf("%s: %d passed, %d failed\n", name, check_pass_, check_fail_);
  return check_fail_ ? 1 : 0;
}

#endif
