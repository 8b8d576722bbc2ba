// property-dynamics.test.mjs - property tests (fast-check, fixed seeds) of the dynamics tools
// (model.fixedPoints, model.lyapunov, model.rollout) and the ridge readout: random models and
// options, valid and wrong (NaN, Infinity, -0, negative, 2^31, non-integers, strings, null,
// wrong-length and wrong-type arrays), use after free. Every call returns or throws an rnnlab
// Error naming the option; afterwards the model and the sentinel compute exactly as before.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { load } from '../wasm/rnnlab.mjs';
import { WRONG_BOOLS, WRONG_NUMBERS, WRONG_SIZES, attempt, configArb, counter, json, mustFail, params, pick, sentinel } from './helpers/property.mjs';

const lab = await load();
const guard = sentinel(lab);
const count = counter();

const denseModel = fc.record({
  cell: pick(['rnn', 'gru', 'lstm', 'ctrnn', 'esn', 'cfn']), inputSize: fc.integer({ min: 1, max: 3 }),
  hiddenSize: fc.integer({ min: 1, max: 5 }), layers: fc.integer({ min: 1, max: 2 }), seed: fc.nat(1000),
}).map((c) => ({ ...c, input: 'dense', output: 'linear', outputSize: c.inputSize }));

/** wrong values for a vector argument of n floats */
const wrongVector = (n) => [new Float32Array(n + 1), Float32Array.from({ length: n }, (_, i) => (i ? 0 : NaN)), Array(n).fill(Infinity), 'x', {}, n === 1 ? [1, 2] : [1], [NaN]];

/** a model's outputs on a fixed probe, to check a dynamics call left it as it was */
function fingerprint(m) {
  const I = m.config.inputSize, T = 3;
  return m.forward({ inputs: Float32Array.from({ length: T * I }, (_, i) => Math.sin(i + 1)), batchSize: 1, length: T }).outputs;
}

test('fixedPoints: random options on random models', () => {
  count.property();
  fc.assert(fc.property(denseModel, fc.nat(), (cfg, seed) => {
    const m = lab.createModel(cfg);
    const N = cfg.layers * cfg.hiddenSize * (cfg.cell === 'lstm' ? 2 : 1), I = cfg.inputSize;
    const spec = {
      input: [fc.constant(Array(I).fill(0.1)), wrongVector(I)],
      starts: [fc.integer({ min: 1, max: 4 }), [0, -1, 1.5, NaN, 2 ** 31, 'x', null, new Float32Array(N + 1)]],
      seed: [fc.nat(), [-1, 1.5, 'x']], tolerance: [fc.double({ min: 1e-6, max: 1e-2, noNaN: true }), [0, -1, NaN, Infinity]],
      maxIterations: [fc.integer({ min: 0, max: 50 }), [-1, 1.5, NaN, 2 ** 31]],
      mergeDistance: [fc.double({ min: 1e-4, max: 0.1, noNaN: true }), [0, -0, NaN]],
      learningRate: [fc.double({ min: 1e-3, max: 0.1, noNaN: true }), [0, NaN, -1, '0.1']],
      directions: [fc.integer({ min: 0, max: N }), [-1, N + 1, 1.5]], refine: [fc.boolean(), WRONG_BOOLS],
    };
    const [o] = fc.sample(configArb(spec, 0.12), { seed, numRuns: 1 });
    const before = fingerprint(m);
    try {
      const r = attempt(() => m.fixedPoints(o.config), o.wrong.length ? o.wrong.map((k) => `options.${k}`) : Object.keys(spec), `fixedPoints(${json(o.config)})`);
      count.tick(!r.ok);
      if (o.wrong.length) assert.ok(!r.ok, `fixedPoints accepted wrong ${o.wrong}`);
      if (r.ok) for (const p of r.value.points ?? r.value) assert.ok(Array.from(p.state ?? []).every(Number.isFinite));
      assert.deepEqual(fingerprint(m), before, 'fixedPoints changed the model');
    } finally { m.free(); }
    mustFail(() => m.fixedPoints({}), ['freed'], 'fixedPoints after free');
    if (o.wrong.length) guard.alive();
  }), params(1901, 80));
});

test('lyapunov and rollout: random options on random models', () => {
  count.property();
  fc.assert(fc.property(denseModel, fc.nat(), pick(['lyapunov', 'rollout']), (cfg, seed, which) => {
    const m = lab.createModel(cfg);
    const I = cfg.inputSize, N = cfg.layers * cfg.hiddenSize * (cfg.cell === 'lstm' ? 2 : 1);
    const spec = which === 'lyapunov' ? {
      input: [fc.constant(Array(I).fill(0)), wrongVector(I)], steps: [fc.integer({ min: 1, max: 40 }), [0, -1, 1.5, NaN, 2 ** 31, '5']],
      transient: [fc.integer({ min: 0, max: 20 }), [-1, 1.5, NaN]], trajectories: [fc.integer({ min: 1, max: 3 }), [0, -1, 2 ** 31]],
      divergenceSteps: [fc.integer({ min: 0, max: 10 }), [-1, NaN]], epsilon: [fc.double({ min: 1e-6, max: 1e-2, noNaN: true }), [0, 2, NaN, -1]],
      perturbation: [fc.double({ min: 1e-6, max: 1e-2, noNaN: true }), [0, 1.5, NaN]], seed: [fc.nat(), [-1, 'x']],
      start: [fc.constant(Array(N).fill(0.05)), wrongVector(N)],
    } : {
      warmup: [fc.integer({ min: 1, max: 4 }).map((W) => Float32Array.from({ length: W * I }, (_, i) => Math.cos(i))), [...(I > 1 ? [new Float32Array(I + 1)] : []), new Float32Array(0), Float32Array.from({ length: I }, () => NaN), 'x', null, 0, -1]],
      steps: [fc.integer({ min: 1, max: 10 }), [0, -1, 1.5, NaN, 2 ** 31, '3']],
      state: [fc.constant(Array(N).fill(0)), wrongVector(N)],
    };
    const [o] = fc.sample(configArb(spec, 0.12), { seed, numRuns: 1 });
    const options = which === 'rollout' ? { warmup: new Float32Array(2 * I), steps: 3, ...o.config } : o.config;
    const before = fingerprint(m);
    try {
      const r = attempt(() => m[which](options), o.wrong.length ? o.wrong.map((k) => `options.${k}`) : Object.keys(spec), `${which}(${json(options)})`);
      count.tick(!r.ok);
      if (o.wrong.length && !(which === 'rollout' && o.wrong.includes('warmup') && Array.isArray(options.warmup))) assert.ok(!r.ok, `${which} accepted wrong ${o.wrong}`);
      if (r.ok && which === 'rollout') {
        const out = r.value.outputs ?? r.value;
        assert.equal(out.length, options.steps * cfg.outputSize);
      }
      if (r.ok && which === 'lyapunov') assert.ok(typeof r.value === 'number' && Number.isFinite(r.value), `lyapunov returned ${r.value}`);
      assert.deepEqual(fingerprint(m), before, `${which} changed the model`);
    } finally { m.free(); }
    if (o.wrong.length) guard.alive();
  }), params(1902, 150));
});

test('dynamics on models they do not fit are refused by name', () => {
  count.property();
  const onehot = lab.createModel({ cell: 'lstm', inputSize: 3, hiddenSize: 2, outputSize: 2, seed: 1 });
  const bidir = lab.createModel({ cell: 'gru', input: 'dense', inputSize: 2, hiddenSize: 2, outputSize: 2, output: 'linear', bidirectional: true, seed: 1 });
  fc.assert(fc.property(pick(['fixedPoints', 'lyapunov', 'rollout']), fc.constantFrom(...WRONG_NUMBERS, -1, 3, 0.5), (which, input) => {
    const r1 = attempt(() => onehot[which]({ input, warmup: [0], steps: 2 }), ['input', 'warmup', 'onehot', 'inputSize', 'outputSize'], `${which} onehot input ${String(input)}`);
    const r2 = attempt(() => bidir[which](which === 'rollout' ? { steps: 2, warmup: new Float32Array(2) } : {}), ['bidirectional'], `${which} on a bidirectional model`);
    count.tick(!r1.ok); count.tick(!r2.ok);
    assert.ok(!r2.ok, `${which} ran on a bidirectional model`);
  }), params(1903, 60));
  onehot.free(); bidir.free();
  guard.alive();
});

test('ridge readout: random options, batches and call orders', () => {
  count.property();
  fc.assert(fc.property(denseModel, fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(-1, NaN, Infinity, 1e7, '1', {})),
    fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(-1, 1.5, NaN, 2 ** 31, 'x')), fc.nat(), (cfg, ridge, washout, seed) => {
      const m = lab.createModel(cfg);
      try {
        const wrongRidge = !(typeof ridge === 'number' && ridge >= 0 && ridge <= 1e6), wrongWash = !(Number.isInteger(washout) && washout >= 0 && washout < 2 ** 31);
        const names = [...(wrongRidge ? ['ridge'] : []), ...(wrongWash ? ['washout'] : [])];
        const r = attempt(() => lab.createRidge(m, { ridge, washout }), names.length ? names : ['ridge', 'washout'], `createRidge(${json({ ridge, washout })})`);
        count.tick(!r.ok);
        if (names.length) { assert.ok(!r.ok, `createRidge accepted wrong ${names}`); guard.alive(); return; }
        const rr = r.value;
        const B = 1 + (seed % 3), T = 4 + (seed % 4), I = cfg.inputSize;
        const batch = { inputs: Float32Array.from({ length: B * T * I }, (_, i) => Math.sin(i * 0.7)), targets: Float32Array.from({ length: B * T * I }, (_, i) => Math.cos(i * 0.7)), batchSize: B, length: T };
        const bad = [{ ...batch, targets: undefined }, { ...batch, inputs: new Float32Array(1) }, { ...batch, batchSize: 0 }][seed % 3];
        const s = attempt(() => rr.step(seed % 2 ? batch : bad), ['batch', 'targets', 'inputs', 'batchSize', 'washout', 'length', 'ridge'], 'ridge step');
        count.tick(!s.ok);
        if (seed % 2 === 0) assert.ok(!s.ok, 'ridge step accepted a bad batch');
        mustFail(() => { rr.learningRate = 0.1; }, ['ridge'], 'ridge learningRate');
        const back = attempt(() => lab.loadLearner(rr.save()), null, 'ridge save/load');
        if (back.ok) back.value.free();
        rr.free(); rr.free();
        mustFail(() => rr.step(batch), ['freed'], 'ridge step after free');
      } finally { m.free(); }
      guard.alive();
    }), params(1904, 120));
});

test('summary', (t) => {
  guard.alive();
  guard.free();
  t.diagnostic(count.summary('property-dynamics'));
});
