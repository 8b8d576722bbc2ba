// property-names.test.mjs - JS names in JS: the C engine's messages name C fields (clip_norm,
// learning_rate, hidden_size); an Error in JS must say what a JS caller writes (clipNorm,
// learningRate, hiddenSize). Drives a diverging run through the wrapper, then sweeps every field
// of the C config structs with wrong raw values straight into the engine (bypassing the
// wrapper's own checks) and passes each C message through names.mjs jsNames, as Runtime.check does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { load } from '../wasm/rnnlab.mjs';
import { ERRLEN, jsNames } from '../wasm/names.mjs';
import { assertApiError, counter, params, snakeWords } from './helpers/property.mjs';

const lab = await load();
const count = counter();

test('a diverging run says clipNorm and learningRate, never clip_norm', () => {
  count.property();
  // an unbounded cell with a huge rate, no clipping: the loss overflows within a few steps
  const m = lab.createModel({ cell: 'rnn', activation: 'relu', input: 'dense', inputSize: 2, hiddenSize: 8, outputSize: 2, output: 'linear', seed: 3 });
  const t = lab.createTrainer(m, { optimizer: 'sgd', learningRate: 1e6, clipNorm: 0 });
  const batch = {
    inputs: Float32Array.from({ length: 2 * 6 * 2 }, (_, i) => Math.sin(i) * 50),
    targets: Float32Array.from({ length: 2 * 6 * 2 }, (_, i) => Math.cos(i) * 1e3),
    batchSize: 2, length: 6,
  };
  let err = null;
  for (let k = 0; k < 50 && !err; k++) {
    try { t.step(batch); count.tick(); } catch (e) { err = e; count.tick(true); }
  }
  assert.ok(err, 'the run did not diverge');
  assertApiError(err, ['clipNorm'], 'diverging step');
  assert.match(err.message, /not finite.*lower the learning rate or enable clipNorm/);
  assert.doesNotMatch(err.message, /clip_norm/);
  // the trainer refuses until the rate is lowered: the weights were not updated by the bad step
  m.free();
});

test('jsNames: C field names become JS names, quoted words and PyTorch tensor names stay', () => {
  assert.equal(jsNames('lower the learning rate or enable clip_norm'), 'lower the learning rate or enable clipNorm');
  assert.equal(jsNames('learning_rate must be finite and > 0 (got nan)'), 'learningRate must be finite and > 0 (got nan)');
  assert.equal(jsNames("unknown key 'clip_norm' in weight_ih_l0"), "unknown key 'clip_norm' in weight_ih_l0");
  assert.equal(jsNames('csv line 3, column "hidden_size": empty'), 'csv line 3, column "hidden_size": empty');
});

// ---- the sweep: every field of the C configs, straight into the engine ----

const bytes = await readFile(new URL('../wasm/rnnlab.wasm', import.meta.url));
const { instance } = await WebAssembly.instantiate(bytes, { env: { emscripten_notify_memory_growth() {}, rnnlab_js_next: () => 0 } });
const ex = /** @type {any} */ (instance.exports);
ex._initialize?.();
const mem = () => ex.memory.buffer;
const cstr = (p) => { const u = new Uint8Array(mem(), p, ERRLEN); const e = u.indexOf(0); return new TextDecoder().decode(u.subarray(0, e < 0 ? ERRLEN : e)); };

/** raw 32-bit patterns wrong for some int or float field: negative, huge, NaN, Infinity, -0 */
const BAD_BITS = [-1, -(2 ** 31), 2 ** 31 - 1, 0x7fc00000, 0x7f800000, 0xff800000 | 0, 0x80000000 | 0, 2, 100, 0x4f000000, 0xbf800000 | 0];

/**
 * For each 4-byte field of a struct filled by defaults, each bad pattern: calls create and returns
 * the C messages it wrote. @param {number} nFields @param {(p: number) => void} defaults
 * @param {(p: number, err: number) => { status: number, free: () => void }} create
 */
function sweep(nFields, defaults, create) {
  const msgs = new Set();
  const p = ex.malloc(4 * nFields + ERRLEN + 64);
  try {
    for (let f = 0; f < nFields; f++) {
      for (const bits of BAD_BITS) {
        defaults(p);
        new Int32Array(mem(), p, nFields)[f] = bits;
        new Uint8Array(mem(), p + 4 * nFields, 1)[0] = 0;
        const r = create(p, p + 4 * nFields);
        count.tick(r.status !== 0);
        if (r.status !== 0) msgs.add(cstr(p + 4 * nFields));
        r.free();
      }
    }
  } finally { ex.free(p); }
  return [...msgs].filter(Boolean);
}

/** @param {string[]} msgs @param {string} what */
function noCNames(msgs, what) {
  assert.ok(msgs.length > 0, `${what}: no messages`);
  let translated = 0;
  for (const msg of msgs) {
    if (snakeWords(msg).length) translated++;
    const js = jsNames(msg);
    assert.deepEqual(snakeWords(js), [], `${what}: '${msg}' -> '${js}' still names C fields`);
  }
  return translated;
}

const out = ex.malloc(8);
const u32 = (p) => new Uint32Array(mem(), p, 1)[0];

test('sweep: every rnnlab_config field, wrong, gives a message in JS names', () => {
  count.property();
  const n = ex.rnnlab_wasm_limit(5);
  const msgs = sweep(n, (p) => ex.rnnlab_config_default(p), (p, err) => {
    new Uint32Array(mem(), out, 1)[0] = 0;
    const status = ex.rnnlab_model_create(p, out, err, ERRLEN);
    const m = u32(out);
    return { status, free: () => { if (m) ex.rnnlab_model_free(m); } };
  });
  noCNames(msgs, 'rnnlab_model_create');
  const s2s = sweep(n, (p) => ex.rnnlab_config_default(p), (p, err) => {
    new Uint32Array(mem(), out, 1)[0] = 0;
    const status = ex.rnnlab_seq2seq_create(p, out, err, ERRLEN);
    const s = u32(out);
    return { status, free: () => { if (s) ex.rnnlab_seq2seq_free(s); } };
  });
  noCNames(s2s, 'rnnlab_seq2seq_create');
});

test('sweep: every rnnlab_train_config field, wrong, gives a message in JS names', () => {
  count.property();
  const cfg = ex.malloc(4 * ex.rnnlab_wasm_limit(5));
  ex.rnnlab_config_default(cfg);
  const fields = new Int32Array(mem(), cfg, 10);
  fields[4] = 2; fields[6] = 2; fields[9] = 2; // input_size, hidden_size, output_size (rnnlab.mjs CONFIG_FIELDS)
  const mp = ex.malloc(4);
  const ERR = ex.malloc(ERRLEN);
  assert.equal(ex.rnnlab_model_create(cfg, mp, ERR, ERRLEN), 0, cstr(ERR));
  const model = u32(mp);
  const msgs = sweep(ex.rnnlab_wasm_limit(6), (p) => ex.rnnlab_train_config_default(p), (p, err) => {
    new Uint32Array(mem(), out, 1)[0] = 0;
    const status = ex.rnnlab_trainer_create(model, p, out, err, ERRLEN);
    const t = u32(out);
    return { status, free: () => { if (t) ex.rnnlab_trainer_free(t); } };
  });
  assert.ok(noCNames(msgs, 'rnnlab_trainer_create') >= 4, 'the C trainer messages name learning_rate, weight_decay, clip_norm, clip_value');
  ex.rnnlab_model_free(model);
  [cfg, mp, ERR].forEach((p) => ex.free(p));
});

test('sweep: every rnnlab_rbm_config and rnnlab_rbm_train_config field, wrong, gives a message in JS names', () => {
  count.property();
  const msgs = sweep(6, (p) => { ex.rnnlab_rbm_config_default(p); new Int32Array(mem(), p, 2).set([4, 3]); }, (p, err) => {
    new Uint32Array(mem(), out, 1)[0] = 0;
    const status = ex.rnnlab_rbm_create(p, out, err, ERRLEN);
    const r = u32(out);
    return { status, free: () => { if (r) ex.rnnlab_rbm_free(r); } };
  });
  noCNames(msgs, 'rnnlab_rbm_create');
  const cfg = ex.malloc(24);
  ex.rnnlab_rbm_config_default(cfg);
  new Int32Array(mem(), cfg, 2).set([4, 3]);
  const ERR = ex.malloc(ERRLEN);
  assert.equal(ex.rnnlab_rbm_create(cfg, out, ERR, ERRLEN), 0, cstr(ERR));
  const rbm = u32(out);
  const train = new Set();
  const tp = ex.malloc(24);
  for (let f = 0; f < 6; f++) {
    for (const bits of BAD_BITS) {
      ex.rnnlab_rbm_train_config_default(tp);
      new Int32Array(mem(), tp, 6)[f] = bits;
      const status = ex.rnnlab_rbm_set_train_config(rbm, tp);
      count.tick(status !== 0);
      if (status) train.add(cstr(ex.rnnlab_rbm_error(rbm)));
    }
  }
  noCNames([...train], 'rnnlab_rbm_set_train_config');
  ex.rnnlab_rbm_free(rbm);
  [cfg, ERR, tp].forEach((p) => ex.free(p));
});

test('sweep through the wrapper: wrong values of every JS key, every family, say JS names', () => {
  count.property();
  const WRONG = [NaN, Infinity, -1, 0, 2 ** 31, 1.5, 'x', null, {}, -0];
  const families = [
    [(c) => lab.createModel({ inputSize: 2, hiddenSize: 2, outputSize: 2, ...c }), ['cell', 'variant', 'inputSize', 'hiddenSize', 'layers', 'outputSize', 'initScale', 'alpha', 'seed', 'gRange']],
    [(c) => lab.createSeq2Seq({ inputSize: 3, hiddenSize: 2, outputSize: 3, ...c }), ['cell', 'hiddenSize', 'layers', 'attention', 'inputSize']],
    [(c) => lab.createRBM({ visible: 3, hidden: 2, ...c }), ['visible', 'hidden', 'visibleUnits', 'initScale', 'seed']],
    [(c) => lab.createHopfield({ size: 4, ...c }), ['size', 'rule', 'bias', 'seed']],
    [(c) => lab.createBoltzmann({ visible: 2, hidden: 1, ...c }), ['visible', 'hidden', 'seed']],
    [(c) => lab.createIsing({ size: 4, ...c }), ['size', 'coupling', 'field', 'start', 'seed']],
    [(c) => lab.createDBN({ layers: [3, 2], ...c }), ['layers', 'visibleUnits', 'initScale', 'seed']],
  ];
  fc.assert(fc.property(fc.nat(families.length - 1), fc.nat(20), fc.constantFrom(...WRONG), (f, k, v) => {
    const [create, keys] = families[f];
    const key = keys[k % keys.length];
    let obj = null;
    try { obj = create({ [key]: v }); count.tick(); } catch (e) { assertApiError(e, [key], `${key} = ${String(v)}`); count.tick(true); }
    obj?.free();
  }), params(1601, 300));
});

test('summary', (t) => { t.diagnostic(count.summary('property-names')); });
