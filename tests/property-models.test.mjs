// property-models.test.mjs - property tests (fast-check, fixed seeds) of models, trainers and
// tasks: random configs, batches, options and call orders, valid and wrong (NaN, Infinity, -0,
// negative, 2^31, non-integers, strings, null, objects, wrong typed arrays and lengths, use
// after free, double free, huge sizes). Every call returns or throws an rnnlab Error naming the
// argument in JS terms, and afterwards the module still trains a sentinel step bit for bit.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { load } from '../wasm/rnnlab.mjs';
import { CELLS, LSTM_VARIANTS, ACTIVATIONS, INITS, OPTIMIZERS } from '../wasm/names.mjs';
import {
  WRONG_BOOLS, WRONG_NAMES, WRONG_NUMBERS, WRONG_SIZES, attempt, configArb, counter, mustFail, params, pick, sentinel,
} from './helpers/property.mjs';

const lab = await load();
const guard = sentinel(lab);
const count = counter();

/** every key of a model config, as JS names it (a failing valid-looking config must name one) */
const CONFIG_NAMES = ['cell', 'variant', 'resetAfter', 'activation', 'inputSize', 'input', 'hiddenSize', 'layers',
  'bidirectional', 'outputSize', 'output', 'init', 'initScale', 'forgetBias', 'gRange', 'hRange', 'alpha',
  'spectralRadius', 'inputScale', 'seed'];
const TRAIN_NAMES = ['optimizer', 'learningRate', 'momentum', 'nesterov', 'beta1', 'beta2', 'eps', 'weightDecay',
  'clipNorm', 'clipValue', 'truncate'];

const range = fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: 0.01, max: 3, noNaN: true }))
  .map(([lo, d]) => [lo, lo + d]);
/** small valid values (so a case allocates little) and the wrong ones of each model config key */
const MODEL_SPEC = {
  cell: [pick(CELLS), WRONG_NAMES],
  variant: [pick(LSTM_VARIANTS), WRONG_NAMES],
  resetAfter: [fc.boolean(), WRONG_BOOLS],
  activation: [pick(ACTIVATIONS), WRONG_NAMES],
  inputSize: [fc.integer({ min: 1, max: 5 }), WRONG_SIZES],
  input: [pick(['onehot', 'dense']), WRONG_NAMES],
  hiddenSize: [fc.integer({ min: 1, max: 6 }), WRONG_SIZES],
  layers: [fc.integer({ min: 1, max: 3 }), [...WRONG_SIZES, 9]],
  bidirectional: [fc.boolean(), WRONG_BOOLS],
  outputSize: [fc.integer({ min: 1, max: 4 }), WRONG_SIZES],
  output: [pick(['softmax', 'sigmoid', 'linear']), WRONG_NAMES],
  init: [pick(INITS), WRONG_NAMES],
  initScale: [fc.double({ min: 0, max: 2, noNaN: true }), [NaN, Infinity, -1, '1', null, 1e39]],
  forgetBias: [fc.double({ min: -3, max: 3, noNaN: true }), [NaN, -Infinity, 'x', null, 1e39]],
  gRange: [range, [[1, 0], [0, 0], [NaN, 1], [0], 'x', null, [0, Infinity]]],
  hRange: [range, [[2, 1], [0, NaN], [0, 1, 2], {}, null]],
  alpha: [fc.double({ min: 0.01, max: 1, noNaN: true }), [0, -0, -0.5, 1.5, NaN, Infinity, '0.5']],
  spectralRadius: [fc.double({ min: 0, max: 1.5, noNaN: true }), [-1, NaN, Infinity, null]],
  inputScale: [fc.double({ min: 0, max: 2, noNaN: true }), [-1, NaN, Infinity, '1']],
  seed: [fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), [-1, 1.5, NaN, Infinity, 2 ** 53, -1n, 2n ** 64n, '1', null]],
};

/** A random valid batch for a model config (onehot ids or dense floats; class ids or floats). */
function batchArb(cfg) {
  const I = cfg.inputSize, V = cfg.outputSize;
  return fc.record({ B: fc.integer({ min: 1, max: 3 }), T: fc.integer({ min: 1, max: 4 }), seed: fc.integer() }).map(({ B, T, seed }) => {
    let x = seed >>> 0;
    const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const BT = B * T;
    const inputs = cfg.input === 'dense' ? Float32Array.from({ length: BT * I }, () => r() * 2 - 1) : Int32Array.from({ length: BT }, () => Math.floor(r() * I));
    const targets = cfg.output === 'softmax' ? Int32Array.from({ length: BT }, () => Math.floor(r() * (V + 1)) - 1)
      : Float32Array.from({ length: BT * V }, () => (cfg.output === 'sigmoid' ? (r() < 0.5 ? 0 : 1) : r()));
    return { inputs, targets, batchSize: B, length: T };
  });
}

/** Ways to spoil a batch, each with the argument the error must name. */
const SPOILERS = [
  ['batch.batchSize', (b) => ({ ...b, batchSize: b.batchSize + 1 })],
  ['batch.batchSize', (b) => ({ ...b, batchSize: 0 })],
  ['batch.batchSize', (b) => ({ ...b, batchSize: NaN })],
  ['batch.batchSize', (b) => ({ ...b, batchSize: '2' })],
  ['batch.batchSize', (b) => ({ ...b, batchSize: 2 ** 31 })],
  ['batch.length', (b) => ({ ...b, length: 1.5 })],
  ['batch.length', (b) => ({ ...b, length: -0 })],
  ['batch.length', (b) => ({ ...b, length: Infinity })],
  ['batch.length', (b) => ({ ...b, length: undefined })],
  ['batch.inputs', (b) => ({ ...b, inputs: undefined })],
  ['batch.inputs', (b) => ({ ...b, inputs: Array.from(b.inputs) })],
  ['batch.inputs', (b) => ({ ...b, inputs: new Float64Array(b.inputs.length) })],
  ['batch.inputs', (b) => ({ ...b, inputs: b.inputs.subarray(1) })],
  ['batch.inputs', (b) => ({ ...b, inputs: b.inputs instanceof Int32Array ? Int32Array.from(b.inputs, (v, i) => (i ? v : -1)) : Float32Array.from(b.inputs, (v, i) => (i ? v : NaN)) })],
  ['batch.inputs', (b) => ({ ...b, inputs: b.inputs instanceof Int32Array ? Int32Array.from(b.inputs, (v, i) => (i ? v : 2 ** 31 - 1)) : Float32Array.from(b.inputs, (v, i) => (i ? v : -Infinity)) })],
  ['batch.targets', (b) => ({ ...b, targets: b.targets instanceof Int32Array ? new Float32Array(b.targets.length) : new Int32Array(b.targets.length) })],
  ['batch.targets', (b) => ({ ...b, targets: b.targets.subarray(0, b.targets.length - 1) })],
  ['batch.targets', (b) => ({ ...b, targets: b.targets instanceof Int32Array ? Int32Array.from(b.targets, (v, i) => (i ? v : -2)) : Float32Array.from(b.targets, (v, i) => (i ? v : NaN)) })],
  ['batch.targets', (b) => ({ ...b, targets: 'none' })],
  ['batch.mask', (b) => ({ ...b, mask: new Float32Array(b.batchSize * b.length + 1) })],
  ['batch.mask', (b) => ({ ...b, mask: Float32Array.from({ length: b.batchSize * b.length }, (_, i) => (i ? 1 : -1)) })],
  ['batch.mask', (b) => ({ ...b, mask: Float32Array.from({ length: b.batchSize * b.length }, (_, i) => (i ? 1 : NaN)) })],
  ['batch.mask', (b) => ({ ...b, mask: [1] })],
  ['batch.carryState', (b) => ({ ...b, carryState: 1 })],
  ['batch', () => null],
  ['batch', () => [1, 2]],
  ['batch', () => new Int32Array(3)],
];

/** a valid small model config (every key chosen, none wrong) */
const validModel = fc.record({
  cell: pick(CELLS), inputSize: fc.integer({ min: 1, max: 4 }), input: pick(['onehot', 'dense']),
  hiddenSize: fc.integer({ min: 1, max: 5 }), layers: fc.integer({ min: 1, max: 2 }), bidirectional: fc.boolean(),
  output: pick(['softmax', 'sigmoid', 'linear']), seed: fc.integer({ min: 0, max: 1000 }),
}).chain((c) => fc.integer({ min: c.output === 'softmax' ? 2 : 1, max: 4 }).map((outputSize) => ({ ...c, outputSize })));

test('createModel: random configs either build a working model or name a wrong key', () => {
  count.property();
  fc.assert(fc.property(configArb(MODEL_SPEC), fc.option(fc.constantFrom('hidden', 'hidden_size', 'Cell', '__proto__x'), { freq: 8 }),
    ({ config, wrong }, extra) => {
      const c = extra ? { ...config, [extra]: 1 } : config;
      const names = extra ? [extra] : wrong.length ? wrong.map((k) => `config.${k}`) : CONFIG_NAMES;
      const r = attempt(() => lab.createModel(c), names, `createModel(${JSON.stringify(c, (k, v) => (typeof v === 'bigint' ? `${v}n` : v))})`);
      count.tick(!r.ok);
      if (extra || wrong.length) {
        assert.ok(!r.ok, `a wrong key (${extra ?? wrong}) was accepted`);
      } else if (r.ok) {
        const m = r.value;
        const cfg = m.config;
        const b = fc.sample(batchArb(cfg), { seed: 1, numRuns: 1 })[0];
        const out = attempt(() => m.forward(b), null, 'forward of a valid batch');
        assert.ok(out.ok, `a valid batch failed: ${!out.ok && out.error.message}`);
        assert.equal(out.value.outputs.length, b.batchSize * b.length * cfg.outputSize);
        assert.ok(out.value.outputs.every(Number.isFinite));
        m.free();
      }
      if (!r.ok) guard.alive();
    }), params(1501, 400));
});

test('huge sizes are refused before anything is allocated, naming the sizes', () => {
  count.property();
  const before = lab.memoryBytes;
  const huge = fc.record({
    cell: pick(['lstm', 'gru', 'rnn']), hiddenSize: fc.constantFrom(4096, 3000, 2 ** 12), layers: fc.constantFrom(4, 8),
    inputSize: fc.constantFrom(2 ** 20, 65536), bidirectional: fc.boolean(), outputSize: fc.constantFrom(2 ** 20, 2),
  });
  fc.assert(fc.property(huge, (c) => {
    mustFail(() => lab.createModel(c), ['hiddenSize', 'layers', 'inputSize', 'outputSize'], `createModel huge ${JSON.stringify(c)}`);
    count.tick(true);
  }), params(1502, 30));
  assert.ok(lab.memoryBytes - before < 64 << 20, `refusals grew memory by ${lab.memoryBytes - before} bytes`);
  guard.alive();
});

test('forward/backward/trace/step: random valid and spoiled batches', () => {
  count.property();
  const spoil = fc.option(fc.integer({ min: 0, max: SPOILERS.length - 1 }), { freq: 2 });
  fc.assert(fc.property(validModel, spoil, pick(['forward', 'backward', 'trace', 'step']), fc.integer({ min: 1, max: 1e6 }), (cfg, which, call, seed) => {
    const m = lab.createModel(cfg);
    const t = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
    try {
      const good = fc.sample(batchArb(cfg), { seed, numRuns: 1 })[0];
      const run = (b) => (call === 'step' ? t.step(b) : m[call](b));
      if (which === null) {
        const r = attempt(() => run(good), null, `${call} on a valid batch`);
        assert.ok(r.ok, `${call}: a valid batch failed: ${!r.ok && r.error.message}`);
        count.tick();
        return;
      }
      const [name, f] = SPOILERS[which];
      const bad = f(good);
      // a spoiled batch may still be valid (carryState on a fresh model, targets not needed by forward)
      const r = attempt(() => run(bad), [name.replace(/^batch\.(?=.)/, '')], `${call} with ${name} spoiled`);
      count.tick(!r.ok);
      const mustThrow = !(name === 'batch.targets' && call === 'forward' && bad.targets === undefined);
      if (mustThrow && name !== 'batch.carryState') assert.ok(!r.ok, `${call} accepted a spoiled ${name}`);
      if (!r.ok) {
        // the same model still computes a valid batch, and so does the module
        assert.ok(attempt(() => run(good), null, 'after a failure').ok);
        guard.alive();
      }
    } finally { m.free(); t.free(); }
  }), params(1503, 400));
});

/** small valid values and the wrong ones of each trainer option */
const TRAIN_SPEC = {
  optimizer: [pick(OPTIMIZERS), WRONG_NAMES],
  learningRate: [fc.double({ min: 1e-4, max: 0.5, noNaN: true }), [0, -0, -0.1, NaN, Infinity, '0.1', null, 1e39]],
  momentum: [fc.double({ min: 0, max: 0.99, noNaN: true }), [1, -0.1, NaN, Infinity, '0.9']],
  nesterov: [fc.boolean(), WRONG_BOOLS],
  beta1: [fc.double({ min: 0, max: 0.99, noNaN: true }), [1, -1, NaN]],
  beta2: [fc.double({ min: 0, max: 0.999, noNaN: true }), [1, 2, NaN, null]],
  eps: [fc.double({ min: 1e-8, max: 1e-2, noNaN: true }), [0, -1e-8, NaN, Infinity]],
  weightDecay: [fc.double({ min: 0, max: 0.1, noNaN: true }), [-1, NaN, Infinity]],
  clipNorm: [fc.double({ min: 0, max: 5, noNaN: true }), [-1, NaN, Infinity, '1']],
  clipValue: [fc.double({ min: 0, max: 5, noNaN: true }), [-0.5, NaN, Infinity]],
  truncate: [fc.integer({ min: 0, max: 5 }), [-1, 1.5, NaN, 2 ** 31, '2', null]],
};

test('createTrainer + step: random options either train or name a wrong option', () => {
  count.property();
  fc.assert(fc.property(validModel, configArb(TRAIN_SPEC, 0.1), fc.integer({ min: 1, max: 1e6 }), (cfg, { config: options, wrong }, seed) => {
    const m = lab.createModel(cfg);
    try {
      const names = wrong.length ? wrong.map((k) => `options.${k}`) : TRAIN_NAMES;
      const r = attempt(() => lab.createTrainer(m, options), names, `createTrainer(${JSON.stringify(options)})`);
      count.tick(!r.ok);
      if (wrong.length) { assert.ok(!r.ok, `accepted wrong ${wrong}`); guard.alive(); return; }
      assert.ok(r.ok, `valid options refused: ${!r.ok && r.error.message}`);
      const t = r.value;
      const b = fc.sample(batchArb(cfg), { seed, numRuns: 1 })[0];
      for (let k = 0; k < 3; k++) {
        // a step may diverge (huge rates): then the message names the JS options to change
        const s = attempt(() => t.step(b), ['learningRate', 'clipNorm'], 'step');
        if (!s.ok) { guard.alive(); break; }
        assert.ok(Number.isFinite(s.value.loss) && s.value.loss >= 0);
      }
      const lr = attempt(() => { t.learningRate = /** @type {any} */ ([0.1, NaN, -1, '1', 0][seed % 5]); }, ['learningRate'], 'learningRate =');
      assert.equal(lr.ok, seed % 5 === 0);
    } finally { m.free(); }
  }), params(1504, 250));
});

/**
 * Random call orders over a few models and trainers: create, step, forward, save/load,
 * getWeights/setWeights, free (twice), use after free. A shadow state says what must happen.
 */
test('random call orders: use after free and double free are clean errors; live objects keep working', () => {
  count.property();
  const op = fc.oneof(
    fc.record({ op: fc.constant('model'), cfg: validModel }),
    fc.record({ op: fc.constant('trainer'), i: fc.nat(4), lr: fc.constantFrom(0.01, 0.1) }),
    fc.record({ op: pick(['step', 'forward', 'backward', 'trace', 'getWeights', 'save', 'freeModel', 'freeTrainer', 'load', 'config', 'resetState', 'setWeights', 'params', 'lr']), i: fc.nat(4), seed: fc.nat(1000) }),
  );
  fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 14 }), (ops) => {
    /** @type {{ m: any, cfg: any, freed: boolean }[]} */
    const models = [];
    /** @type {{ t: any, model: number, freed: boolean }[]} */
    const trainers = [];
    const dead = (t) => t.freed || models[t.model].freed;
    try {
      for (const o of ops) {
        count.tick();
        if (o.op === 'model') { models.push({ m: lab.createModel(o.cfg), cfg: o.cfg, freed: false }); continue; }
        if (o.op === 'trainer') {
          const mm = models[o.i % Math.max(1, models.length)];
          if (!mm) continue;
          const r = attempt(() => lab.createTrainer(mm.m, { learningRate: o.lr }), ['freed'], 'createTrainer');
          assert.equal(r.ok, !mm.freed);
          if (r.ok) trainers.push({ t: r.value, model: models.indexOf(mm), freed: false });
          continue;
        }
        if (['step', 'freeTrainer', 'lr'].includes(o.op)) {
          const tt = trainers[o.i % Math.max(1, trainers.length)];
          if (!tt) continue;
          const mm = models[tt.model];
          const b = fc.sample(batchArb(mm.cfg), { seed: o.seed, numRuns: 1 })[0];
          if (o.op === 'freeTrainer') { tt.t.free(); tt.t.free(); tt.freed = true; continue; }
          const wasDead = dead(tt);
          const r = attempt(() => (o.op === 'step' ? tt.t.step(b) : tt.t.setLearningRate(0.02)), ['freed'], `${o.op} (trainer ${wasDead ? 'dead' : 'live'})`);
          assert.equal(r.ok, !wasDead, `${o.op}: ${!r.ok ? r.error.message : 'ok'}`);
          continue;
        }
        const mm = models[o.i % Math.max(1, models.length)];
        if (!mm) continue;
        const b = fc.sample(batchArb(mm.cfg), { seed: o.seed, numRuns: 1 })[0];
        if (o.op === 'freeModel') { mm.m.free(); mm.m.free(); mm.freed = true; continue; }
        const calls = {
          step: () => 0, forward: () => mm.m.forward(b), backward: () => mm.m.backward(b), trace: () => mm.m.trace(b),
          getWeights: () => mm.m.getWeights(), save: () => mm.m.save(), config: () => mm.m.arenaBytes,
          resetState: () => mm.m.resetState(), params: () => mm.m.parameterCount,
          setWeights: () => mm.m.setWeights({ 'fc.bias': new Float32Array(mm.m.tensors.find((x) => x.name === 'fc.bias')?.shape[0] ?? 1) }),
          load: () => { const c = lab.loadModel(mm.m.save()); const same = c.forward(b).outputs; c.free(); assert.deepEqual(same, mm.m.forward(b).outputs); },
        };
        const r = attempt(calls[o.op], ['freed'], `${o.op} (model ${mm.freed ? 'freed' : 'live'})`);
        assert.equal(r.ok, !mm.freed, `${o.op}: ${!r.ok ? r.error.message : 'ok'}`);
      }
    } finally {
      for (const t of trainers) t.t.free();
      for (const m of models) m.m.free();
    }
    guard.alive();
  }), params(1505, 120));
});

/** options of createTask, valid and wrong (the C options parser answers with the option's name) */
test('createTask + batch + evaluate: random task options and batch requests', () => {
  count.property();
  const tasks = ['parity', 'addition', 'reber', 'adding', 'temporal-order', 'sine', 'flipflop', 'vanderpol'];
  const opt = fc.record({
    length: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, -3, 1.5, NaN, Infinity, 2 ** 31, 'x', null, 1e6)),
    seed: fc.oneof(fc.nat(1000), fc.constantFrom(-1, 1.5, 'abc', 2n ** 64n)),
    nope: fc.constantFrom(1, 'x'),
  }, { requiredKeys: [] });
  fc.assert(fc.property(pick(tasks), opt, fc.integer({ min: -2, max: 40 }), fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 10 })), (name, options, B, length) => {
    const r = attempt(() => lab.createTask(name, options), [...Object.keys(options), 'options'], `createTask('${name}', ${JSON.stringify(options, (k, v) => (typeof v === 'bigint' ? `${v}n` : v))})`);
    count.tick(!r.ok);
    const wrongLength = options.length !== undefined && !(Number.isInteger(options.length) && options.length >= 1 && options.length <= 100000);
    const wrongSeed = options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0);
    if ('nope' in options || wrongLength || wrongSeed) { assert.ok(!r.ok, 'a wrong task option was accepted'); guard.alive(); return; }
    if (!r.ok) { guard.alive(); return; } // e.g. a length the task does not take: named above
    const task = r.value;
    try {
      const bo = length === undefined ? undefined : { length };
      const bt = attempt(() => task.batch(B, bo), ['batchSize', 'length', 'batch'], `task.batch(${B}, ${JSON.stringify(bo)})`);
      count.tick(!bt.ok);
      if (B < 1 || (length !== undefined && length < 1)) assert.ok(!bt.ok, `task.batch(${B}, ${length}) accepted`);
      if (!bt.ok) { guard.alive(); return; }
      const m = lab.createModel({ ...task.modelConfig, hiddenSize: 3, seed: 1 });
      try {
        const ev = attempt(() => task.evaluate(m, { count: [8, 0, -1, 1.5][B & 3] }), ['count'], 'task.evaluate');
        count.tick(!ev.ok);
        if ((B & 3) >= 2) assert.ok(!ev.ok, 'evaluate accepted a wrong count');
        const st = attempt(() => lab.createTrainer(m).step(bt.value), null, 'step on a task batch');
        assert.ok(st.ok, !st.ok ? st.error.message : '');
      } finally { m.free(); }
    } finally { task.free(); }
  }), params(1506, 150));
});

test('summary', (t) => {
  guard.alive();
  guard.free();
  t.diagnostic(count.summary('property-models'));
});
