/* energy/patterns.h - the pattern generators' private helpers (the public API is the "patterns"
 * section of rnnlab.h): the built-in digit font, for other energy-family files and the tests. */
#ifndef RNNLAB_ENERGY_PATTERNS_H
#define RNNLAB_ENERGY_PATTERNS_H

#include "rnnlab.h"

/* Pixel (y, x) of digit d in the 5 x 7 font: 1 ink, 0 paper. d in 0..9, y in 0..6, x in 0..4. */
int patterns_digit_pixel(int d, int y, int x);

#endif
