// property-energy.test.mjs - property tests (fast-check, fixed seeds) of the energy-based
// families: Hopfield networks, RBMs, deep belief nets, Boltzmann machines, Ising lattices.
// Random configs, data (wrong sizes and types, NaN, Infinity, values outside the units' range),
// options and call orders (step, evaluate, save/load, free, use after free). Every call returns
// or throws an rnnlab Error naming the argument; afterwards the sentinel step is bit for bit.
// These families read an option given as null as left out (its default), so null is not
// among their wrong values (the model config keys of rnnlab.mjs refuse it).
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { load } from '../wasm/rnnlab.mjs';
import { WRONG_BOOLS, WRONG_NAMES, WRONG_NUMBERS, WRONG_SIZES, attempt, configArb, counter, json, mustFail, params, pick, sentinel } from './helpers/property.mjs';

const lab = await load();
const guard = sentinel(lab);
const count = counter();

/** data for n units: valid (0/1 or +-1 floats) or spoiled; { v, ok, what } */
function dataArb(n, { pm = false, gaussian = false } = {}) {
  const unit = pm ? fc.constantFrom(-1, 1) : gaussian ? fc.double({ min: -3, max: 3, noNaN: true }) : fc.constantFrom(0, 1);
  const good = fc.integer({ min: 1, max: 4 }).chain((rows) => fc.array(unit, { minLength: rows * n, maxLength: rows * n })
    .map((a) => ({ ok: true, v: { rows, size: n, data: Float32Array.from(a) } })));
  const bad = fc.constantFrom(
    { rows: 1, size: n + 1, data: new Float32Array(n + 1) }, { rows: 2, size: n, data: new Float32Array(n) },
    { rows: 1, size: n, data: Float32Array.from({ length: n }, (_, i) => (i ? 0 : NaN)) },
    { rows: 1, size: n, data: Float32Array.from({ length: n }, (_, i) => (i ? 0 : Infinity)) },
    { rows: 0, size: n, data: new Float32Array(0) }, { rows: -1, size: n, data: new Float32Array(n) },
    { rows: 1.5, size: n, data: new Float32Array(n) }, { rows: 1, size: n, data: 'data' }, { rows: 1, size: n, data: null },
    null, 'x', 42, n > 1 ? new Float32Array(n + 1) : new Float32Array(0), // a bare array: rows of n values
  ).map((v) => ({ ok: false, v }));
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: bad });
}

const DATA_NAMES = ['data', 'rows', 'size', 'batch', 'patterns', 'states', 'visible', 'finite', 'elements', 'units'];

test('Hopfield: random sizes, patterns, recall options and call orders', () => {
  count.property();
  const spec = {
    size: [fc.integer({ min: 2, max: 12 }), [...WRONG_SIZES, 1, 4097]],
    rule: [pick(['hebb', 'storkey']), [...WRONG_NAMES.filter((v) => v !== null), 'pseudoinverse']],
    bias: [fc.boolean(), WRONG_BOOLS.filter((v) => v !== null)],
    seed: [fc.nat(), [-1, 1.5, NaN, 'x']],
  };
  fc.assert(fc.property(configArb(spec, 0.15), fc.nat(), (cfg, seed) => {
    const config = { size: 6, ...cfg.config };
    const r = attempt(() => lab.createHopfield(config), cfg.wrong.length ? cfg.wrong : Object.keys(spec), `createHopfield(${json(config)})`);
    count.tick(!r.ok);
    if (cfg.wrong.length) assert.ok(!r.ok, `accepted wrong ${cfg.wrong}`);
    if (!r.ok) { guard.alive(); return; }
    const h = r.value, n = h.size;
    try {
      const [d] = fc.sample(dataArb(n, { pm: true }), { seed, numRuns: 1 });
      const st = attempt(() => h.store(d.v), DATA_NAMES, `store ${json(d.v)}`);
      count.tick(!st.ok);
      if (!d.ok) assert.ok(!st.ok, `store accepted ${json(d.v)}`);
      const [opts] = fc.sample(configArb({
        update: [pick(['async', 'sync']), WRONG_NAMES.filter((v) => v !== null)], order: [pick(['random', 'sequential']), WRONG_NAMES.filter((v) => v !== null)],
        temperature: [fc.double({ min: 0, max: 2, noNaN: true }), [-1, NaN, Infinity, '1']],
        maxSweeps: [fc.integer({ min: 1, max: 20 }), [0, -1, 1.5, 2 ** 31, NaN]], seed: [fc.nat(), [-1, 'x']],
      }, 0.15), { seed: seed + 1, numRuns: 1 });
      const probe = Int8Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 3 ? 1 : -1));
      const conflict = opts.config.update === 'sync' && opts.config.order !== undefined ? ['order'] : []; // order is for async updates
      const rc = attempt(() => h.recall(probe, opts.config), opts.wrong.length || conflict.length ? [...opts.wrong, ...conflict] : null, `recall ${json(opts.config)}`);
      count.tick(!rc.ok);
      if (opts.wrong.length || conflict.length) assert.ok(!rc.ok, `recall accepted wrong ${opts.wrong} ${conflict}`);
      if (rc.ok) assert.ok(rc.value.state.every((s) => s === 1 || s === -1));
      for (const bad of [new Int8Array(n + 1), Float32Array.from({ length: n }, () => NaN), 'x', null]) {
        mustFail(() => h.energy(bad), ['state'], 'energy of a bad state');
        count.tick(true);
      }
      const back = lab.loadLearner(h.save());
      assert.equal(back.energy(probe), h.energy(probe));
      back.free();
    } finally { h.free(); h.free(); }
    mustFail(() => h.store({ rows: 1, size: n, data: new Float32Array(n).fill(1) }), ['freed'], 'store after free');
    guard.alive();
  }), params(1801, 150));
});

test('RBM and DBN: random configs, trainer options and data', () => {
  count.property();
  const rbmSpec = {
    visible: [fc.integer({ min: 1, max: 8 }), [...WRONG_SIZES, 2 ** 20 + 1]],
    hidden: [fc.integer({ min: 1, max: 6 }), WRONG_SIZES],
    visibleUnits: [pick(['binary', 'gaussian']), WRONG_NAMES],
    initScale: [fc.double({ min: 0, max: 0.5, noNaN: true }), [-1, NaN, Infinity, 'x']],
    seed: [fc.nat(), [-1, 1.5, 'x']],
  };
  const trainSpec = {
    method: [pick(['cd', 'pcd']), WRONG_NAMES], k: [fc.integer({ min: 1, max: 3 }), [0, -1, 1.5, 100001, NaN]],
    learningRate: [fc.double({ min: 1e-3, max: 0.2, noNaN: true }), [0, -1, NaN, Infinity, '0.1']],
    momentum: [fc.double({ min: 0, max: 0.9, noNaN: true }), [1, -0.5, NaN]],
    weightDecay: [fc.double({ min: 0, max: 0.01, noNaN: true }), [-1, NaN, Infinity]],
  };
  fc.assert(fc.property(configArb(rbmSpec, 0.12), configArb(trainSpec, 0.1), fc.nat(), fc.boolean(), (c, t, seed, dbn) => {
    const config = { visible: 5, hidden: 3, ...c.config };
    const wrong = [...c.wrong, ...t.wrong];
    const make = dbn
      ? () => lab.createDBN({ layers: [config.visible, config.hidden, 2], visibleUnits: config.visibleUnits, initScale: config.initScale, seed: config.seed }, t.config)
      : () => lab.createRBM(config, t.config);
    const names = wrong.length ? wrong.map((k) => (dbn && (k === 'visible' || k === 'hidden') ? 'layers' : k)) : [...Object.keys(rbmSpec), ...Object.keys(trainSpec), 'layers'];
    const r = attempt(make, names, `${dbn ? 'createDBN' : 'createRBM'}(${json(config)}, ${json(t.config)})`);
    count.tick(!r.ok);
    if (wrong.length) assert.ok(!r.ok, `accepted wrong ${wrong}`);
    if (!r.ok) { guard.alive(); return; }
    const m = r.value, V = config.visible;
    try {
      const [d] = fc.sample(dataArb(V, { gaussian: config.visibleUnits === 'gaussian' }), { seed, numRuns: 1 });
      for (const call of ['step', 'evaluate', 'reconstruct', 'trace']) {
        const s = attempt(() => m[call](d.v), DATA_NAMES, `${call} ${json(d.v)}`);
        count.tick(!s.ok);
        if (!d.ok) assert.ok(!s.ok, `${call} accepted ${json(d.v)}`);
        if (s.ok && call === 'step') assert.ok(Number.isFinite(s.value.loss));
      }
      const lr = attempt(() => m.setLearningRate([0.05, NaN, -1, 0, 'x'][seed % 5]), ['learningRate', 'lr'], 'setLearningRate');
      assert.equal(lr.ok, seed % 5 === 0);
      const back = lab.loadLearner(m.save());
      back.free();
    } finally { m.free(); m.free(); }
    mustFail(() => m.step(new Float32Array(V)), ['freed'], 'step after free');
    guard.alive();
  }), params(1802, 150));
});

test('Boltzmann machines: random sizes, trainer options, sampling options', () => {
  count.property();
  const spec = {
    visible: [fc.integer({ min: 1, max: 5 }), [...WRONG_SIZES, 4000]], hidden: [fc.integer({ min: 0, max: 3 }), [-1, 1.5, NaN, 'x', 2 ** 31]],
    seed: [fc.nat(), [-1, 'x', NaN]],
  };
  const trainSpec = {
    method: [pick(['exact', 'sampled']), WRONG_NAMES], optimizer: [pick(['sgd', 'adam', 'momentum']), WRONG_NAMES],
    learningRate: [fc.double({ min: 1e-3, max: 0.5, noNaN: true }), [0, NaN, -1]], sweeps: [fc.integer({ min: 1, max: 3 }), [0, -1, 1.5, 100001]],
    chains: [fc.integer({ min: 1, max: 8 }), [0, 65537, NaN]], clipNorm: [fc.double({ min: 0, max: 2, noNaN: true }), [-1, NaN]],
  };
  fc.assert(fc.property(configArb(spec, 0.12), configArb(trainSpec, 0.1), fc.nat(), (c, t, seed) => {
    const config = { visible: 3, hidden: 1, ...c.config };
    const wrong = [...c.wrong, ...t.wrong];
    const r = attempt(() => lab.createBoltzmann(config, t.config), wrong.length ? wrong : [...Object.keys(spec), ...Object.keys(trainSpec)], `createBoltzmann(${json(config)}, ${json(t.config)})`);
    count.tick(!r.ok);
    if (wrong.length) assert.ok(!r.ok, `accepted wrong ${wrong}`);
    if (!r.ok) { guard.alive(); return; }
    const bm = r.value;
    try {
      const [d] = fc.sample(dataArb(config.visible), { seed, numRuns: 1 });
      for (const call of ['step', 'evaluate', 'freeEnergy']) {
        const s = attempt(() => bm[call](d.v), DATA_NAMES, `${call} ${json(d.v)}`);
        count.tick(!s.ok);
        if (!d.ok) assert.ok(!s.ok, `${call} accepted ${json(d.v)}`);
      }
      const [so] = fc.sample(configArb({
        chains: [fc.integer({ min: 1, max: 4 }), [0, -1, 1.5, 65537]], sweeps: [fc.integer({ min: 0, max: 3 }), [-1, NaN, 1.5]],
        temperature: [fc.double({ min: 0.1, max: 3, noNaN: true }), [0, -1, NaN, Infinity]], seed: [fc.nat(), ['x', -1]],
      }, 0.15), { seed: seed + 2, numRuns: 1 });
      const s = attempt(() => bm.sample(so.config), so.wrong.length ? so.wrong : null, `sample ${json(so.config)}`);
      count.tick(!s.ok);
      if (so.wrong.length) assert.ok(!s.ok, `sample accepted wrong ${so.wrong}`);
    } finally { bm.free(); bm.free(); }
    guard.alive();
  }), params(1803, 120));
});

test('Ising lattices: random sizes, couplings, temperatures and methods', () => {
  count.property();
  const spec = {
    size: [fc.integer({ min: 2, max: 10 }), [...WRONG_SIZES, 1, 2049]], coupling: [fc.double({ min: -2, max: 2, noNaN: true }), [NaN, Infinity, 'x']],
    field: [fc.double({ min: -1, max: 1, noNaN: true }), [NaN, -Infinity, {}]], start: [pick(['random', 'up', 'down']), WRONG_NAMES.filter((v) => v !== null)],
    seed: [fc.nat(), [-1, 1.5, 'x']],
  };
  fc.assert(fc.property(configArb(spec, 0.12), fc.oneof(fc.double({ min: 0.1, max: 5, noNaN: true }), fc.constantFrom(0, -1, NaN, Infinity, '2', null)),
    fc.oneof(pick(['metropolis', 'heat-bath', 'wolff']), fc.constantFrom('glauber', '', 3)), fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -1, 1.5, 2 ** 31)), (c, T, method, sweeps) => {
      const config = { size: 4, ...c.config };
      const r = attempt(() => lab.createIsing(config), c.wrong.length ? c.wrong : Object.keys(spec), `createIsing(${json(config)})`);
      count.tick(!r.ok);
      if (c.wrong.length) assert.ok(!r.ok, `accepted wrong ${c.wrong}`);
      if (!r.ok) { guard.alive(); return; }
      const is = r.value;
      try {
        const wrongT = !(typeof T === 'number' && T > 0 && Number.isFinite(T));
        const wrongM = !['metropolis', 'heat-bath', 'wolff'].includes(/** @type {any} */ (method));
        const wrongS = !(Number.isInteger(sweeps) && sweeps >= 1 && sweeps < 2 ** 31);
        const names = [...(wrongT ? ['temperature'] : []), ...(wrongM ? ['method'] : []), ...(wrongS ? ['sweeps'] : [])];
        const s = attempt(() => is.sweep({ temperature: T, method, sweeps }), names.length ? names : null, `sweep T=${T} ${method} ${sweeps}`);
        count.tick(!s.ok);
        if (names.length) assert.ok(!s.ok, `sweep accepted wrong ${names}`);
        if (s.ok) assert.ok(Math.abs(s.value.magnetization) <= 1);
        for (const bad of [new Int8Array(is.sites + 1), Int8Array.from({ length: is.sites }, (_, i) => (i ? 1 : 0)), new Float32Array(is.sites), null]) {
          mustFail(() => is.setLattice(bad), ['spins', 'lattice'], 'setLattice');
          count.tick(true);
        }
      } finally { is.free(); is.free(); }
      mustFail(() => is.sweep({ temperature: 1 }), ['freed'], 'sweep after free');
      guard.alive();
    }), params(1804, 150));
});

test('loadLearner on random bytes and truncated or flipped files of every family', () => {
  count.property();
  const files = [
    lab.createHopfield({ size: 5, seed: 1 }), lab.createRBM({ visible: 4, hidden: 2, seed: 1 }),
    lab.createDBN({ layers: [4, 3, 2], seed: 1 }), lab.createBoltzmann({ visible: 3, hidden: 1, seed: 1 }),
  ].map((o) => { const b = o.save(); o.free(); return b; });
  fc.assert(fc.property(fc.nat(files.length - 1), fc.nat(), fc.integer({ min: 0, max: 255 }), pick(['truncate', 'flip', 'extend']), (f, at, byte, how) => {
    const src = files[f];
    const i = at % src.length;
    const bytes = how === 'truncate' ? src.slice(0, i) : how === 'extend' ? Uint8Array.from([...src, byte]) : Uint8Array.from(src, (b, k) => (k === i ? b ^ (byte | 1) : b));
    const r = attempt(() => lab.loadLearner(bytes), null, `${how} at ${i}`);
    count.tick(!r.ok);
    if (how === 'truncate') assert.ok(!r.ok, 'a truncated file loaded');
    if (r.ok) r.value.free(); else guard.alive();
  }), params(1805, 200));
});

test('summary', (t) => {
  guard.alive();
  guard.free();
  t.diagnostic(count.summary('property-energy'));
});
