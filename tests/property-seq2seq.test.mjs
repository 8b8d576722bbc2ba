// property-seq2seq.test.mjs - property tests (fast-check, fixed seeds) of encoder-decoders and
// decoding search: random seq2seq configs and batches, decode/generate/search options (valid
// and wrong: NaN, Infinity, negative, 2^31, non-integers, strings, null, wrong typed arrays),
// next() callbacks that misbehave, use after free. Every call returns or throws an rnnlab Error
// naming the argument; afterwards the module still trains the sentinel step bit for bit.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { load } from '../wasm/rnnlab.mjs';
import { WRONG_NAMES, WRONG_NUMBERS, WRONG_SIZES, attempt, json, configArb, counter, mustFail, params, pick, sentinel } from './helpers/property.mjs';

const lab = await load();
const guard = sentinel(lab);
const count = counter();

const s2sConfig = fc.record({
  cell: pick(['lstm', 'gru', 'rnn']), hiddenSize: fc.integer({ min: 1, max: 5 }), layers: fc.integer({ min: 1, max: 2 }),
  inputSize: fc.integer({ min: 4, max: 6 }), outputSize: fc.integer({ min: 4, max: 6 }),
  attention: pick(['none', 'additive', 'dot', 'general']), bidirectional: fc.boolean(), seed: fc.nat(100),
});

/** a valid seq2seq batch for a config: PAD 0, BOS 1, EOS 2 */
function s2sBatch(cfg, B, S, U, seed) {
  let x = seed >>> 0;
  const r = (n) => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) % n);
  return {
    batchSize: B, srcLength: S, tgtLength: U,
    src: Int32Array.from({ length: B * S }, () => 3 + r(cfg.inputSize - 3) || 3),
    decIn: Int32Array.from({ length: B * U }, (_, i) => (i % U === 0 ? 1 : 3 + r(cfg.outputSize - 3))),
    decTgt: Int32Array.from({ length: B * U }, (_, i) => (i % U === U - 1 ? 2 : 3 + r(cfg.outputSize - 3))),
  };
}

const SPOIL = [
  ['batchSize', (b) => ({ ...b, batchSize: b.batchSize + 1 })], ['batchSize', (b) => ({ ...b, batchSize: 0 })],
  ['batchSize', (b) => ({ ...b, batchSize: NaN })], ['srcLength', (b) => ({ ...b, srcLength: -1 })],
  ['srcLength', (b) => ({ ...b, srcLength: 1.5 })], ['tgtLength', (b) => ({ ...b, tgtLength: 2 ** 31 })],
  ['tgtLength', (b) => ({ ...b, tgtLength: '2' })], ['src', (b) => ({ ...b, src: Float32Array.from(b.src) })],
  ['src', (b) => ({ ...b, src: b.src.subarray(1) })], ['src', (b) => ({ ...b, src: Int32Array.from(b.src, (v, i) => (i ? v : 999)) })],
  ['src', (b) => ({ ...b, src: Int32Array.from(b.src, (v, i) => (i ? v : -5)) })], ['src', (b) => ({ ...b, src: null })],
  ['decIn', (b) => ({ ...b, decIn: Array.from(b.decIn) })], ['decIn', (b) => ({ ...b, decIn: Int32Array.from(b.decIn, (v, i) => (i ? v : 1e6)) })],
  ['decTgt', (b) => ({ ...b, decTgt: Int32Array.from([...b.decTgt, 2]) })], ['decTgt', (b) => ({ ...b, decTgt: Int32Array.from(b.decTgt, (v, i) => (i ? v : -7)) })],
  ['decTgt', (b) => ({ ...b, decTgt: undefined })], ['batch', () => 'batch'], ['batch', () => null],
];

test('createSeq2Seq + forward/step/trace: random configs and spoiled batches', () => {
  count.property();
  fc.assert(fc.property(s2sConfig, fc.option(fc.nat(SPOIL.length - 1), { freq: 2 }), pick(['forward', 'backward', 'step', 'trace']),
    fc.record({ B: fc.integer({ min: 1, max: 3 }), S: fc.integer({ min: 1, max: 4 }), U: fc.integer({ min: 1, max: 4 }), seed: fc.nat() }),
    (cfg, spoil, call, { B, S, U, seed }) => {
      const r0 = attempt(() => lab.createSeq2Seq(cfg), ['attention', 'bidirectional', 'hiddenSize', 'cell', 'inputSize', 'outputSize'], `createSeq2Seq(${json(cfg)})`);
      count.tick(!r0.ok);
      if (!r0.ok) { guard.alive(); return; }
      const s = r0.value;
      try {
        if (call === 'step') s.setTrainer({ optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
        const good = s2sBatch(cfg, B, S, U, seed);
        const run = (b) => s[call](b);
        if (spoil === null) {
          const r = attempt(() => run(good), null, `${call} valid`);
          assert.ok(r.ok, `${call}: a valid batch failed: ${!r.ok && r.error.message}`);
          count.tick();
          return;
        }
        const [name, f] = SPOIL[spoil];
        const r = attempt(() => run(f(good)), [name], `${call} with ${name} spoiled`);
        count.tick(!r.ok);
        const optional = name === 'decTgt' && call === 'forward';
        if (!optional) assert.ok(!r.ok, `${call} accepted a spoiled ${name}`);
        if (!r.ok) { assert.ok(attempt(() => run(good), null, 'after').ok); guard.alive(); }
      } finally { s.free(); s.free(); }
      mustFail(() => s.forward(s2sBatch(cfg, 1, 1, 1, 1)), ['freed'], 'forward after free');
    }), params(1701, 200));
});

test('createSeq2Seq: wrong config keys are named', () => {
  count.property();
  const spec = {
    cell: [pick(['lstm', 'gru']), WRONG_NAMES], hiddenSize: [fc.integer({ min: 1, max: 4 }), WRONG_SIZES],
    inputSize: [fc.integer({ min: 3, max: 5 }), WRONG_SIZES], outputSize: [fc.integer({ min: 3, max: 5 }), WRONG_SIZES],
    attention: [pick(['none', 'dot', 'additive', 'general']), WRONG_NAMES], layers: [fc.integer({ min: 1, max: 2 }), [0, 9, NaN, '1']],
  };
  fc.assert(fc.property(configArb(spec, 0.2), ({ config, wrong }) => {
    const r = attempt(() => lab.createSeq2Seq(config), wrong.length ? wrong : Object.keys(spec), `createSeq2Seq(${json(config)})`);
    count.tick(!r.ok);
    if (wrong.length) assert.ok(!r.ok, `accepted wrong ${wrong}`);
    if (r.ok) r.value.free(); else guard.alive();
  }), params(1702, 200));
});

/** decode options, valid and wrong */
const DECODE_SPEC = {
  strategy: [pick(['greedy', 'beam', 'exhaustive', 'sample']), WRONG_NAMES.filter((v) => v !== null)], // null: the default, as eos: null
  length: [fc.integer({ min: 1, max: 4 }), WRONG_SIZES],
  beamWidth: [fc.integer({ min: 1, max: 4 }), [0, -1, 65537, 1.5, NaN, '2', null]],
  eos: [fc.constantFrom(2, null, -1), [1.5, NaN, '2', 999, -2, {}]],
  lengthPenalty: [fc.double({ min: 0, max: 2, noNaN: true }), [-1, 11, NaN, Infinity, '1']],
  temperature: [fc.double({ min: 0, max: 2, noNaN: true }), [-1, NaN, Infinity, '1']],
  topK: [fc.integer({ min: 0, max: 3 }), [-1, 1.5, NaN, '1']],
  seed: [fc.nat(), [-1, 1.5, NaN, 'x']],
};

test('s2s.decode and model.generate: random decode options', () => {
  count.property();
  const s = lab.createSeq2Seq({ cell: 'gru', hiddenSize: 4, inputSize: 5, outputSize: 5, attention: 'dot', seed: 2 });
  const m = lab.createModel({ cell: 'lstm', inputSize: 5, hiddenSize: 4, outputSize: 5, seed: 3 });
  const srcArb = fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.integer({ min: 3, max: 4 }), { minLength: 1, maxLength: 4 }).map((a) => ({ ok: true, v: Int32Array.from(a) })) },
    { weight: 1, arbitrary: fc.constantFrom(new Int32Array(0), new Float32Array([3]), [3, 4], Int32Array.of(9), Int32Array.of(-1), null, 'abc').map((v) => ({ ok: false, v })) },
  );
  fc.assert(fc.property(configArb(DECODE_SPEC, 0.08), srcArb, fc.option(fc.constantFrom(1, 7, -1, NaN, 'x'), { freq: 6 }), ({ config, wrong }, src, bos) => {
    const opts = { length: 3, ...config, bos: bos ?? 1 };
    const badBos = bos !== null && bos !== 1;
    const names = [...wrong, ...(badBos ? ['bos'] : []), ...(src.ok ? [] : ['src'])];
    const r = attempt(() => s.decode(src.v, opts), names.length ? names : Object.keys(DECODE_SPEC), `decode(${json(opts)})`);
    count.tick(!r.ok);
    if (wrong.length && !(wrong.length === 1 && ['beamWidth', 'temperature', 'topK', 'lengthPenalty', 'seed'].includes(wrong[0]))) {
      assert.ok(!r.ok, `decode accepted wrong ${wrong}`);
    }
    if (r.ok) {
      assert.ok(r.value.tokens instanceof Int32Array && r.value.tokens.length <= opts.length);
      assert.ok(r.value.tokens.every((t) => t >= 0 && t < 5));
      assert.ok(Number.isFinite(r.value.logProb) || r.value.logProb === -Infinity);
    }
    const { bos: _, ...gen } = opts;
    const prompt = src.ok ? src.v : src.v;
    const g = attempt(() => m.generate({ ...gen, prompt }), names.filter((n) => n !== 'bos').map((n) => (n === 'src' ? 'prompt' : n)).concat(names.length ? [] : Object.keys(DECODE_SPEC)), 'generate');
    count.tick(!g.ok);
    if (!r.ok || !g.ok) guard.alive();
  }), params(1703, 300));
  s.free(); m.free();
  mustFail(() => m.generate({ prompt: [1], length: 1 }), ['freed'], 'generate after free');
});

test('lab.search: next() callbacks returning wrong lengths, NaN, negatives, or throwing', () => {
  count.property();
  const V = 4;
  const behaviours = [
    ['ok', () => [0.1, 0.2, 0.3, 0.4]], ['ok', () => new Float32Array([1, 1, 1, 1])],
    ['next', () => [0.5, 0.5]], ['next', () => [NaN, 1, 1, 1]], ['next', () => [-1, 1, 1, 1]], ['next', () => [0, 0, 0, 0]],
    ['next', () => [Infinity, 1, 1, 1]], ['next', () => 'abcd'], ['next', () => null], ['next', () => new Float32Array(5)],
    ['boom', () => { throw new Error('boom from next'); }],
  ];
  fc.assert(fc.property(fc.nat(behaviours.length - 1), fc.nat(3), pick(['greedy', 'beam', 'exhaustive', 'sample']), fc.integer({ min: 1, max: 4 }), (bi, when, strategy, length) => {
    const [kind, fn] = behaviours[bi];
    let calls = 0;
    const next = () => (calls++ >= when ? fn() : [0.25, 0.25, 0.25, 0.25]);
    const search = () => lab.search({ next, vocabSize: V, strategy, length, beamWidth: 2 });
    if (kind === 'boom') { // what next throws is rethrown as it is
      try { search(); assert.ok(calls <= when, 'a throwing next() was swallowed'); } catch (e) { assert.equal(/** @type {Error} */ (e).message, 'boom from next'); }
      count.tick(true);
      guard.alive();
      return;
    }
    const r = attempt(search, ['next'], `search ${strategy} ${kind}`);
    count.tick(!r.ok);
    if (kind !== 'ok' && calls > when) assert.ok(!r.ok, `search accepted a bad next() (${bi})`);
    if (!r.ok) guard.alive();
  }), params(1704, 200));
  for (const [vocabSize, name] of [[0, 'vocabSize'], [NaN, 'vocabSize'], [2 ** 31, 'vocabSize'], ['4', 'vocabSize']]) {
    mustFail(() => lab.search({ next: () => [1], vocabSize, length: 1 }), [name], `vocabSize ${vocabSize}`);
    count.tick(true);
  }
  mustFail(() => lab.search({ next: 'no', vocabSize: 2, length: 1 }), ['next'], 'next not a function');
  guard.alive();
});

test('an oversized exhaustive search is refused naming both numbers, before any work', () => {
  count.property();
  const m = lab.createModel({ cell: 'gru', inputSize: 50, hiddenSize: 2, outputSize: 50, seed: 1 });
  fc.assert(fc.property(fc.integer({ min: 4, max: 70 }), fc.constantFrom(...WRONG_NUMBERS.filter((v) => typeof v !== 'number')), (length) => {
    mustFail(() => m.generate({ prompt: [1], length, strategy: 'exhaustive' }), ['length', 'sequences'], `exhaustive length ${length}`);
    count.tick(true);
  }), params(1705, 40));
  m.free();
  guard.alive();
});

test('summary', (t) => {
  guard.alive();
  guard.free();
  t.diagnostic(count.summary('property-seq2seq'));
});
