// close.mjs - the numeric comparison of the reference tests (torch.test.mjs, attention-torch.test.mjs):
// every element within atol + rtol * |expected|, the worst one named when not.
import assert from 'node:assert/strict';

/** @param {ArrayLike<number>} actual @param {ArrayLike<number>} expected @param {number} atol @param {number} rtol @param {string} what */
export function close(actual, expected, atol, rtol, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) - rtol * Math.abs(expected[i]);
    if (err > worst) worst = err, at = i;
  }
  assert.ok(worst <= atol, `${what}: element ${at} is ${actual[at]}, PyTorch ${expected[at]}`);
}
