// property.mjs - what the property suites (tests/property-*.test.mjs) share: the invariant every
// call of the JS API must keep (it returns, or throws a plain rnnlab Error that names the
// argument in JS terms, never a wasm trap, a RangeError from wasm memory or a string), the
// values that are wrong for nearly every argument, and a sentinel model that proves the module
// still works after each failure. fast-check (pinned in package.json) generates the cases.
import assert from 'node:assert/strict';
import fc from 'fast-check';

/** snake_case words that are JS names too: PyTorch's tensor names and the engine's own labels */
const SNAKE_OK = /^((weight_ih|weight_hh|bias_ih|bias_hh|weight_fgr|weight_peep|fc|log_z)(_l\d+)?(_reverse)?|sequence_id|seq_id)$/; // + csv id column names

/** The snake_case words of a message that are not JS names (C field names leaking into JS). */
export function snakeWords(msg) {
  const unquoted = msg.replace(/'[^']*'|"[^"]*"/g, ''); // quoted: the caller's own words
  return (unquoted.match(/\b[a-z][a-z0-9]*_[a-z0-9_]+\b/g) ?? []).filter((w) => !SNAKE_OK.test(w) && !/^[a-z]+_l\d+/.test(w));
}

/**
 * Asserts that e is what the API throws: an Error (not a subclass from the engine: no
 * WebAssembly.RuntimeError, no RangeError from a typed array over wasm memory), 'rnnlab: ...',
 * naming one of names (when given), and with no C field name in it.
 * @param {unknown} e @param {readonly string[] | null} names @param {string} what
 */
export function assertApiError(e, names, what) {
  assert.ok(e instanceof Error, `${what}: threw a non-Error: ${String(e)}`);
  assert.ok(!(e instanceof WebAssembly.RuntimeError), `${what}: wasm trap: ${e.message}`);
  assert.ok(!(e instanceof RangeError), `${what}: RangeError: ${e.message}`);
  assert.ok(!(e instanceof TypeError), `${what}: TypeError (unchecked argument): ${e.message}`);
  assert.equal(e.constructor, Error, `${what}: ${e.constructor.name}: ${e.message}`);
  assert.match(e.message, /^rnnlab: /, what);
  assert.deepEqual(snakeWords(e.message), [], `${what}: C names in '${e.message}'`);
  if (names && names.length) {
    assert.ok(names.some((n) => e.message.includes(n)), `${what}: '${e.message}' names none of ${names.join(', ')}`);
  }
}

/**
 * Runs fn; returns { ok: true, value } or { ok: false, error } after checking the error.
 * @template T @param {() => T} fn @param {readonly string[] | null} names @param {string} what
 * @returns {{ ok: true, value: T } | { ok: false, error: Error }}
 */
export function attempt(fn, names, what) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    assertApiError(e, names, what);
    return { ok: false, error: /** @type {Error} */ (e) };
  }
}

/** fn must throw an API error naming one of names. @param {() => unknown} fn @param {readonly string[]} names @param {string} what */
export function mustFail(fn, names, what) {
  const r = attempt(fn, names, what);
  assert.ok(!r.ok, `${what}: expected an error naming ${names.join(' or ')}, got a result`);
  return r.error;
}

/** Values wrong for a number argument of nearly any kind (sizes, rates, seeds excepted where noted). */
export const WRONG_NUMBERS = Object.freeze([NaN, Infinity, -Infinity, -1, 2 ** 31, 2 ** 53, 1e300, 1.5, '3', null, {}, [], [1], true, () => 1, 3n]);
/** Values wrong for a size (an integer >= 1): WRONG_NUMBERS and 0, -0. */
export const WRONG_SIZES = Object.freeze([...WRONG_NUMBERS, 0, -0]);
/** Values wrong for an enum-like string argument. */
export const WRONG_NAMES = Object.freeze(['', 'LSTM ', 'nope', 0, null, {}, ['lstm'], NaN, true]);
/** Values wrong for a boolean. */
export const WRONG_BOOLS = Object.freeze([0, 1, 'true', null, {}, NaN]);

/** fc arbitrary: one of a fixed list. @template T @param {readonly T[]} list */
export const pick = (list) => fc.constantFrom(...list);

/**
 * A config arbitrary from a spec { key: [validArb, wrongList] }: each key is left out, valid or
 * wrong (wrongRate of the time); gives { config, wrong: keys set to a wrong value }.
 * @param {Record<string, [fc.Arbitrary<any>, readonly any[]]>} spec @param {number} [wrongRate] 0..1
 */
export function configArb(spec, wrongRate = 0.15) {
  const keys = Object.keys(spec);
  const per = keys.map((k) => {
    const [valid, wrong] = spec[k];
    const w = Math.max(1, Math.round(100 * wrongRate)), v = 100 - w;
    return fc.oneof(
      { weight: 25, arbitrary: fc.constant({ kind: 'absent' }) },
      { weight: v, arbitrary: valid.map((value) => ({ kind: 'valid', value })) },
      { weight: w, arbitrary: fc.constantFrom(...wrong).map((value) => ({ kind: 'wrong', value })) },
    );
  });
  return fc.tuple(...per).map((vals) => {
    /** @type {Record<string, unknown>} */
    const config = {};
    const wrong = [];
    vals.forEach((v, i) => {
      if (v.kind === 'absent') return;
      config[keys[i]] = v.value;
      if (v.kind === 'wrong') wrong.push(keys[i]);
    });
    return { config, wrong };
  });
}

/**
 * The sentinel: a small model and trainer made before any case, and one training step from a
 * fixed state; alive() checks the same step still gives the same loss and the lab still builds
 * models, so a failure that corrupted the module shows up right after the case that did it.
 * @param {any} lab
 */
export function sentinel(lab) {
  const config = { cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 11 };
  const batch = {
    inputs: Int32Array.from({ length: 10 }, (_, i) => (i * 2) % 3),
    targets: Int32Array.from({ length: 10 }, (_, i) => (i * 5 + 1) % 3),
    batchSize: 2, length: 5,
  };
  const stepOnce = () => {
    const m = lab.createModel(config);
    const t = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.01 });
    const r = t.step(batch);
    const out = m.forward(batch).outputs;
    m.free();
    return { loss: r.loss, out };
  };
  const ref = stepOnce();
  const kept = lab.createModel(config);
  const keptOut = kept.forward(batch).outputs;
  return {
    ref,
    stepOnce,
    /** the module still works: the kept model computes the same, a fresh one trains the same */
    alive() {
      assert.deepEqual(kept.forward(batch).outputs, keptOut, 'the sentinel model changed');
      const now = stepOnce();
      assert.equal(now.loss, ref.loss, 'a fresh sentinel step gives another loss');
      assert.deepEqual(now.out, ref.out);
    },
    free() { kept.free(); },
  };
}

/** fast-check parameters for a suite: a fixed seed and the run count. For a longer local hunt,
 * RNNLAB_PROPERTY_RUNS multiplies the runs and RNNLAB_PROPERTY_SEED shifts every seed.
 * @param {number} seed @param {number} numRuns */
export function params(seed, numRuns) {
  const k = Number(process.env.RNNLAB_PROPERTY_RUNS ?? 1), shift = Number(process.env.RNNLAB_PROPERTY_SEED ?? 0);
  return {
    seed: seed + (Number.isSafeInteger(shift) ? shift : 0),
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(k) && k > 0 ? k : 1))), endOnFailure: true,
  };
}

/** Counts cases per file for the one-line summary. */
export function counter() {
  let cases = 0, failures = 0, properties = 0;
  return {
    /** one generated case ran; failed: it ended in an (acceptable) error */
    tick(failed = false) { cases++; if (failed) failures++; },
    property() { properties++; },
    /** @param {string} file */
    summary(file) { return `${file}: ${cases} property cases in ${properties} properties (${failures} ended in a checked error)`; },
  };
}

/** JSON for a message: BigInt as 12n, NaN and Infinity by name. @param {unknown} v */
export const json = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
