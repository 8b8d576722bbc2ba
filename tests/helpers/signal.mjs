// helpers/signal.mjs - measuring oscillations in rows of T steps x d channels (the systems tests).

/** Upward zero crossings of channel c, interpolated between steps, in steps.
 * @param {ArrayLike<number>} x @param {number} T @param {number} d @param {number} c */
export function crossings(x, T, d, c) {
  const at = [];
  for (let t = 1; t < T; t++) {
    const a = x[(t - 1) * d + c], b = x[t * d + c];
    if (a < 0 && b >= 0) at.push(t - 1 + a / (a - b));
  }
  return at;
}

/** the mean period over every whole cycle between the first and the last crossing, in steps
 * @param {number[]} at */
export const period = (at) => (at.at(-1) - at[0]) / (at.length - 1);
