// api.test.mjs - the JS API of wasm/rnnlab.mjs against both wasm builds (node --test tests/).
// Needs wasm/rnnlab.wasm and wasm/rnnlab-scalar.wasm (make wasm).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { load, simdSupported } from '../wasm/rnnlab.mjs';

const simdLab = await load({ simd: true });
const scalarLab = await load({ simd: false });
const lab = simdLab;

// ---- helpers ----

/** mulberry32: a tiny seeded PRNG for test data */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random batch that fits config c (normalised or user config with the same keys). */
function makeBatch(c, B, T, seed = 1) {
  const r = rng(seed);
  const I = c.inputSize, V = c.outputSize;
  const inputs = (c.input ?? 'onehot') === 'onehot'
    ? Int32Array.from({ length: B * T }, () => Math.floor(r() * I))
    : Float32Array.from({ length: B * T * I }, () => r() * 2 - 1);
  const out = c.output ?? 'softmax';
  const targets = out === 'softmax'
    ? Int32Array.from({ length: B * T }, (_, i) => (i % 5 === 4 ? -1 : Math.floor(r() * V)))
    : Float32Array.from({ length: B * T * V }, () => (out === 'sigmoid' ? (r() < 0.5 ? 0 : 1) : r() * 2 - 1));
  return { inputs, targets, batchSize: B, length: T };
}

const allFinite = (a) => a.every((x) => Number.isFinite(x));
const norm = (a) => Math.hypot(...a);
const maxAbsDiff = (a, b) => { assert.equal(a.length, b.length); let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };
const bits = (f32) => new Uint32Array(f32.buffer, f32.byteOffset, f32.length);
const sigmoid = (x) => 1 / (1 + Math.exp(-x));

/** The 16 bit strings of length 4; target = running parity. */
function parityBatch() {
  const T = 4, B = 16, inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let p = 0;
    for (let t = 0; t < T; t++) { const bit = (b >> t) & 1; p ^= bit; inputs[b * T + t] = bit; targets[b * T + t] = p; }
  }
  return { inputs, targets, batchSize: B, length: T };
}

/**
 * Independent reference of a one-layer unidirectional PyTorch RNN/LSTM/GRU + linear + softmax,
 * computed in float64 from getWeights() (PyTorch names and layouts). Returns outputs (B,T,V).
 */
function reference(cell, w, { inputs, batchSize: B, length: T }, I, H, V, onehot) {
  const Wih = w.weight_ih_l0, Whh = w.weight_hh_l0, bih = w.bias_ih_l0, bhh = w.bias_hh_l0;
  const G = Wih.length / I, out = new Float64Array(B * T * V);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H), c = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const gx = new Float64Array(G), gh = new Float64Array(G);
      for (let g = 0; g < G; g++) {
        let sx = bih[g], sh = bhh[g];
        if (onehot) sx += Wih[g * I + inputs[b * T + t]];
        else for (let i = 0; i < I; i++) sx += Wih[g * I + i] * inputs[(b * T + t) * I + i];
        for (let j = 0; j < H; j++) sh += Whh[g * H + j] * h[j];
        gx[g] = sx; gh[g] = sh;
      }
      const hn = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        if (cell === 'rnn') hn[j] = Math.tanh(gx[j] + gh[j]);
        else if (cell === 'lstm') { // [i f g o]
          const ig = sigmoid(gx[j] + gh[j]), fg = sigmoid(gx[H + j] + gh[H + j]);
          const gg = Math.tanh(gx[2 * H + j] + gh[2 * H + j]), og = sigmoid(gx[3 * H + j] + gh[3 * H + j]);
          c[j] = fg * c[j] + ig * gg;
          hn[j] = og * Math.tanh(c[j]);
        } else { // gru [r z n], reset after
          const r = sigmoid(gx[j] + gh[j]), z = sigmoid(gx[H + j] + gh[H + j]);
          const n = Math.tanh(gx[2 * H + j] + r * gh[2 * H + j]);
          hn[j] = (1 - z) * n + z * h[j];
        }
      }
      h = hn;
      const logits = new Float64Array(V);
      for (let v = 0; v < V; v++) {
        logits[v] = w['fc.bias'][v];
        for (let j = 0; j < H; j++) logits[v] += w['fc.weight'][v * H + j] * h[j];
      }
      const mx = Math.max(...logits), e = logits.map((x) => Math.exp(x - mx)), s = e.reduce((a, x) => a + x, 0);
      for (let v = 0; v < V; v++) out[(b * T + t) * V + v] = e[v] / s;
    }
  }
  return out;
}

/** Every model the engine offers, small. */
function allConfigs() {
  const list = [];
  for (const cell of lab.cells) {
    const variants = cell === 'lstm' ? lab.lstmVariants : [undefined];
    for (const variant of variants) list.push({ cell, ...(variant ? { variant } : {}), inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 11 });
  }
  list.push({ cell: 'gru', resetAfter: false, inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 11 });
  list.push({ cell: 'lstm', layers: 2, bidirectional: true, inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 11 });
  list.push({ cell: 'gru', input: 'dense', inputSize: 2, hiddenSize: 5, output: 'sigmoid', outputSize: 3, seed: 11 });
  list.push({ cell: 'rnn', activation: 'relu', input: 'dense', inputSize: 2, hiddenSize: 5, output: 'linear', outputSize: 2, seed: 11 });
  list.push({ cell: 'ctrnn', alpha: 0.5, inputSize: 3, hiddenSize: 4, outputSize: 3, layers: 2, seed: 11 });
  list.push({ cell: 'esn', spectralRadius: 0.9, inputScale: 0.5, bidirectional: true, inputSize: 3, hiddenSize: 6, outputSize: 3, seed: 11 });
  return list;
}

// ---- tests ----

test('load: both builds, and the default follows SIMD support', async () => {
  assert.equal(simdLab.simd, true);
  assert.equal(scalarLab.simd, false);
  assert.match(lab.version, /^\d+\.\d+\.\d+/);
  assert.equal(scalarLab.version, lab.version);
  const def = await load();
  assert.equal(def.simd, simdSupported());
  assert.deepEqual(lab.cells, ['rnn', 'lstm', 'gru', 'ctrnn', 'esn', 'cfn', 'lsm']);
  assert.equal(lab.lstmVariants.length, 11);
  assert.deepEqual(lab.optimizers, ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adagrad']);
  assert.deepEqual(lab.gateNames.lstm, ['i', 'f', 'g', 'o']);
  assert.equal(lab.limits.maxHidden, 4096);
  assert.equal(lab.limits.maxLayers, 8);
});

test('load: from bytes, a WebAssembly.Module, a URL and a file path', async () => {
  const url = new URL('../wasm/rnnlab-scalar.wasm', import.meta.url);
  const bytes = await readFile(url);
  const cfg = { cell: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 5 };
  const batch = makeBatch(cfg, 2, 3);
  const expected = scalarLab.createModel(cfg).forward(batch).outputs;
  for (const wasm of [bytes, new Uint8Array(bytes).buffer, new WebAssembly.Module(bytes), url, url.href, url.pathname]) {
    const l = await load({ wasm });
    assert.equal(l.simd, false, `source ${Object.prototype.toString.call(wasm)}`);
    const m = l.createModel(cfg);
    assert.deepEqual(m.forward(batch).outputs, expected);
    m.free();
  }
});

test('every cell and variant runs forward and backward with finite, well-shaped results', () => {
  for (const cfg of allConfigs()) {
    const what = JSON.stringify(cfg);
    const m = lab.createModel(cfg);
    const c = m.config, B = 3, T = 5;
    const batch = makeBatch(c, B, T, 2);
    const f = m.forward(batch);
    assert.ok(f.outputs instanceof Float32Array, what);
    assert.equal(f.outputs.length, B * T * c.outputSize, what);
    assert.ok(allFinite(f.outputs), what);
    assert.ok(Number.isFinite(f.loss) && f.loss > 0, `${what}: loss ${f.loss}`);
    if (c.output === 'softmax') {
      for (let r = 0; r < B * T; r++) {
        const row = f.outputs.subarray(r * c.outputSize, (r + 1) * c.outputSize);
        assert.ok(Math.abs(row.reduce((a, x) => a + x, 0) - 1) < 1e-5, `${what}: softmax row ${r} sums to 1`);
        assert.ok(row.every((p) => p > 0 && p < 1), what);
      }
    }
    if (c.output === 'sigmoid') assert.ok(f.outputs.every((p) => p > 0 && p < 1), what);
    const { loss } = m.backward(batch);
    assert.equal(loss, f.loss, `${what}: backward loss equals forward loss`);
    const g = m.getGradients();
    assert.deepEqual(Object.keys(g), m.tensors.map((t) => t.name), what);
    for (const [name, arr] of Object.entries(g)) assert.ok(allFinite(arr), `${what}: ${name} finite`);
    assert.ok(norm(g['fc.weight']) > 0 && norm(g['fc.bias']) > 0, `${what}: readout gradients`);
    if (c.cell === 'esn' || c.cell === 'lsm') assert.equal(norm(g.weight_hh_l0), 0, `${what}: the reservoir is fixed`);
    else assert.ok(norm(g.weight_ih_l0) > 0, `${what}: weight_ih_l0 gradient`);
    // backward twice gives the same gradients: backward zeroes first
    m.backward(batch);
    assert.deepEqual(m.getGradients(), g, what);
    m.free();
  }
});

test('config normalisation: every key, C floats, seeds as number or BigInt', () => {
  const m = lab.createModel({ cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2, initScale: 0.1, forgetBias: 1, gRange: [-3, 3], seed: 42 });
  const c = m.config;
  assert.deepEqual(Object.keys(c), Object.keys(lab.defaultConfig));
  assert.equal(c.cell, 'lstm');
  assert.equal(c.variant, 'standard');
  assert.equal(c.input, 'onehot');
  assert.equal(c.output, 'softmax');
  assert.equal(c.layers, 1);
  assert.equal(c.bidirectional, false);
  assert.equal(c.resetAfter, true);
  assert.equal(c.initScale, Math.fround(0.1));
  assert.equal(c.forgetBias, 1);
  assert.deepEqual(c.gRange, [-3, 3]);
  assert.equal(c.seed, 42);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.gRange));
  // defaults fill what the user left out
  for (const k of ['activation', 'init', 'alpha', 'spectralRadius', 'inputScale', 'hRange']) assert.deepEqual(c[k], lab.defaultConfig[k], k);
  const big = 2n ** 63n + 12345n;
  const mb = lab.createModel({ cell: 'rnn', inputSize: 2, hiddenSize: 2, outputSize: 2, seed: big });
  assert.equal(mb.config.seed, big);
  const top = lab.createModel({ cell: 'rnn', inputSize: 2, hiddenSize: 2, outputSize: 2, seed: Number.MAX_SAFE_INTEGER });
  assert.equal(top.config.seed, Number.MAX_SAFE_INTEGER);
  // a BigInt and a number of the same value are the same seed
  const mn = lab.createModel({ cell: 'rnn', inputSize: 2, hiddenSize: 2, outputSize: 2, seed: 7 });
  const mn2 = lab.createModel({ cell: 'rnn', inputSize: 2, hiddenSize: 2, outputSize: 2, seed: 7n });
  assert.deepEqual(mn.getWeights(), mn2.getWeights());
  for (const x of [m, mb, top, mn, mn2]) x.free();
});

test('tensor names and shapes follow PyTorch', () => {
  const I = 5, H = 3, V = 4;
  const m = lab.createModel({ cell: 'lstm', inputSize: I, hiddenSize: H, outputSize: V, layers: 2, bidirectional: true });
  const G = 4 * H, D = 2;
  const expected = [];
  for (let l = 0; l < 2; l++) {
    for (const sfx of ['', '_reverse']) {
      const In = l ? D * H : I;
      expected.push({ name: `weight_ih_l${l}${sfx}`, shape: [G, In] }, { name: `weight_hh_l${l}${sfx}`, shape: [G, H] },
        { name: `bias_ih_l${l}${sfx}`, shape: [G] }, { name: `bias_hh_l${l}${sfx}`, shape: [G] });
    }
  }
  expected.push({ name: 'fc.weight', shape: [V, D * H] }, { name: 'fc.bias', shape: [V] });
  assert.deepEqual(m.tensors.map((t) => ({ name: t.name, shape: [...t.shape] })), expected);
  const w = m.getWeights();
  let total = 0;
  for (const t of m.tensors) {
    const n = t.shape.reduce((a, x) => a * x, 1);
    assert.equal(w[t.name].length, n, t.name);
    total += n;
  }
  assert.equal(m.parameterCount, total);
  m.free();

  const gru = lab.createModel({ cell: 'gru', input: 'dense', inputSize: 1, hiddenSize: 2, outputSize: 3, output: 'linear' });
  assert.deepEqual(gru.tensors.map((t) => [t.name, [...t.shape]]), [
    ['weight_ih_l0', [6, 1]], ['weight_hh_l0', [6, 2]], ['bias_ih_l0', [6]], ['bias_hh_l0', [6]], ['fc.weight', [3, 2]], ['fc.bias', [3]]]);
  assert.deepEqual(gru.gateNames, ['r', 'z', 'n']);
  gru.free();
  const rnn = lab.createModel({ cell: 'rnn', inputSize: 7, hiddenSize: 2, outputSize: 3 });
  assert.deepEqual(rnn.tensors.map((t) => [...t.shape]), [[2, 7], [2, 2], [2], [2], [3, 2], [3]]);
  assert.equal(rnn.parameterCount, 2 * 7 + 4 + 2 + 2 + 6 + 3);
  rnn.free();
});

test('forward matches an independent float64 reference built from getWeights (PyTorch layout)', () => {
  for (const cell of ['rnn', 'lstm', 'gru']) {
    for (const input of ['onehot', 'dense']) {
      const cfg = { cell, input, inputSize: 3, hiddenSize: 5, outputSize: 4, seed: 9, init: 'uniform', initScale: 0.8 };
      for (const l of [simdLab, scalarLab]) {
        const m = l.createModel(cfg);
        const batch = makeBatch(cfg, 3, 6, 4);
        const got = m.forward(batch).outputs;
        const ref = reference(cell, m.getWeights(), batch, 3, 5, 4, input === 'onehot');
        assert.ok(maxAbsDiff(got, ref) < 2e-6, `${cell} ${input} simd=${l.simd}: max diff ${maxAbsDiff(got, ref)}`);
        m.free();
      }
    }
  }
});

test('setWeights / getWeights round trip, partial updates, and outputs that follow the weights', () => {
  const cfg = { cell: 'gru', inputSize: 4, hiddenSize: 3, outputSize: 3, seed: 1 };
  const m = lab.createModel(cfg);
  const r = rng(99), before = m.getWeights(), next = {};
  for (const [k, v] of Object.entries(before)) next[k] = Float32Array.from(v, () => r() - 0.5);
  m.setWeights(next);
  assert.deepEqual(m.getWeights(), next);
  // partial: one tensor, a plain array of numbers
  const bias = [0, Math.log(2), Math.log(4)];
  m.setWeights({ 'fc.weight': new Float32Array(9), 'fc.bias': bias });
  const w = m.getWeights();
  assert.deepEqual(w.weight_hh_l0, next.weight_hh_l0);
  assert.deepEqual([...w['fc.bias']], bias.map(Math.fround));
  // zero readout: every step's output is softmax(fc.bias) = [1, 2, 4] / 7
  const { outputs } = m.forward(makeBatch(cfg, 2, 3));
  for (let i = 0; i < outputs.length; i += 3) {
    assert.ok(maxAbsDiff(outputs.subarray(i, i + 3), [1 / 7, 2 / 7, 4 / 7]) < 1e-6);
  }
  // getWeights returns copies
  w['fc.bias'][0] = 123;
  assert.notEqual(m.getWeights()['fc.bias'][0], 123);
  m.free();
});

test('same seed gives identical weights, a different seed different ones', () => {
  const cfg = { cell: 'lstm', variant: 'vanilla', inputSize: 3, hiddenSize: 4, outputSize: 3, layers: 2 };
  const a = lab.createModel({ ...cfg, seed: 5 }), b = lab.createModel({ ...cfg, seed: 5 }), c = lab.createModel({ ...cfg, seed: 6 });
  const wa = a.getWeights(), wb = b.getWeights(), wc = c.getWeights();
  assert.deepEqual(wa, wb);
  for (const name of Object.keys(wa)) {
    if (name.startsWith('bias') && wa[name].every((x) => x === 0)) continue;
    assert.notDeepEqual(wa[name], wc[name], name);
  }
  // the scalar build initialises identically
  const s = scalarLab.createModel({ ...cfg, seed: 5 });
  assert.deepEqual(s.getWeights(), wa);
  for (const x of [a, b, c, s]) x.free();
});

test('SIMD and scalar builds agree within 1e-5 for every cell', () => {
  for (const cfg of allConfigs()) {
    const big = { ...cfg, hiddenSize: 13, seed: 21 }; // odd sizes exercise the vector tails
    const batch = makeBatch(big, 3, 7, 8);
    const a = simdLab.createModel(big), b = scalarLab.createModel(big);
    const fa = a.forward(batch), fb = b.forward(batch);
    assert.ok(maxAbsDiff(fa.outputs, fb.outputs) < 1e-5, `${JSON.stringify(cfg)}: ${maxAbsDiff(fa.outputs, fb.outputs)}`);
    assert.ok(Math.abs(fa.loss - fb.loss) < 1e-5);
    a.backward(batch); b.backward(batch);
    const ga = a.getGradients(), gb = b.getGradients();
    for (const k of Object.keys(ga)) {
      const scale = Math.max(1, ...ga[k].map(Math.abs));
      assert.ok(maxAbsDiff(ga[k], gb[k]) < 1e-4 * scale, `${JSON.stringify(cfg)} ${k}`);
    }
    a.free(); b.free();
  }
});

test('each optimizer learns running parity', () => {
  const batch = parityBatch();
  const lrs = { sgd: 1, momentum: 0.3, nesterov: 0.3, rmsprop: 0.01, adam: 0.03, adagrad: 0.3 };
  for (const [optimizer, learningRate] of Object.entries(lrs)) {
    const m = lab.createModel({ cell: 'gru', inputSize: 2, hiddenSize: 8, outputSize: 2, seed: 3 });
    const tr = lab.createTrainer(m, { optimizer, learningRate });
    assert.equal(tr.config.optimizer, optimizer);
    assert.equal(tr.learningRate, Math.fround(learningRate));
    const first = m.forward(batch).loss;
    let r;
    for (let i = 0; i < 150; i++) r = tr.step(batch);
    assert.equal(tr.steps, 150);
    assert.ok(Number.isFinite(r.gradNorm) && r.gradNorm >= 0);
    assert.equal(r.clipped, false);
    assert.equal(r.chunks, 1);
    const { loss, outputs } = m.forward(batch);
    assert.ok(loss < 0.25 * first && loss < 0.2, `${optimizer}: ${first} -> ${loss}`);
    if (optimizer !== 'sgd') {
      let correct = 0;
      for (let i = 0; i < batch.targets.length; i++) correct += (outputs[2 * i + 1] > outputs[2 * i]) === (batch.targets[i] === 1) ? 1 : 0;
      assert.equal(correct, batch.targets.length, `${optimizer}: every step right`);
    }
    m.free();
    assert.equal(tr.freed, true);
  }
});

test('trainer options: normalised read-back, learning rate, clipping, truncation', () => {
  const m = lab.createModel({ cell: 'lstm', inputSize: 2, hiddenSize: 4, outputSize: 2, seed: 1 });
  const tr = lab.createTrainer(m, { optimizer: 'nesterov', learningRate: 0.05, momentum: 0.5, clipNorm: 1e-3, weightDecay: 0.01 });
  const c = tr.config;
  assert.equal(c.optimizer, 'nesterov');
  assert.equal(c.nesterov, true);
  assert.equal(c.momentum, 0.5);
  assert.equal(c.clipNorm, Math.fround(1e-3));
  assert.equal(c.weightDecay, Math.fround(0.01));
  assert.equal(tr.model, m);
  tr.setLearningRate(0.25);
  assert.equal(tr.learningRate, 0.25);
  const batch = parityBatch();
  const r = tr.step(batch);
  assert.equal(r.clipped, true);
  assert.ok(r.gradNorm > 1e-3);
  const t2 = lab.createTrainer(m, { optimizer: 'sgd', learningRate: 0.1, truncate: 3 });
  const r2 = t2.step(batch); // T = 4 in chunks of 3 -> 2 chunks, one update each
  assert.equal(r2.chunks, 2);
  assert.equal(t2.steps, 2);
  m.free();
});

test('save -> loadModel is bit-exact; saving again gives the same bytes', () => {
  for (const cfg of allConfigs()) {
    const m = lab.createModel(cfg);
    const tr = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.01 });
    const batch = makeBatch(m.config, 2, 4, 3);
    tr.step(batch); // weights no longer the seed's
    const bytes = m.save();
    assert.ok(bytes instanceof Uint8Array && bytes.length > 0);
    const m2 = lab.loadModel(bytes);
    assert.deepEqual(m2.config, m.config);
    const w = m.getWeights(), w2 = m2.getWeights();
    for (const k of Object.keys(w)) assert.deepEqual(bits(w2[k]), bits(w[k]), k);
    assert.deepEqual(m2.forward(batch), m.forward(batch));
    assert.deepEqual(m2.save(), bytes);
    // across builds and from an ArrayBuffer
    const m3 = scalarLab.loadModel(bytes.slice().buffer);
    assert.deepEqual(m3.getWeights(), w);
    for (const x of [m, m2, m3]) x.free();
  }
});

test('save with trainer state round-trips: the loaded trainer continues identically', () => {
  const cfg = { cell: 'gru', inputSize: 2, hiddenSize: 6, outputSize: 2, seed: 4 };
  const batch = parityBatch();
  for (const optimizer of ['momentum', 'rmsprop', 'adam', 'adagrad']) {
    const m = lab.createModel(cfg);
    const tr = lab.createTrainer(m, { optimizer, learningRate: 0.02, clipNorm: 5 });
    for (let i = 0; i < 5; i++) tr.step(batch);
    const bytes = m.save({ trainer: tr });
    assert.ok(bytes.length > m.save().length, 'optimizer state makes the file larger');
    const { model: m2, trainer: t2 } = lab.loadTrainer(bytes);
    assert.ok(t2 !== null);
    assert.equal(t2.steps, 5);
    assert.equal(t2.model, m2);
    assert.deepEqual(t2.config, tr.config);
    const a = tr.step(batch), b = t2.step(batch);
    assert.deepEqual(b, a, optimizer);
    assert.deepEqual(m2.getWeights(), m.getWeights(), optimizer);
    // loadModel ignores the state; loadTrainer of a plain save has no trainer
    const m3 = lab.loadModel(bytes);
    const plain = lab.loadTrainer(m.save());
    assert.equal(plain.trainer, null);
    for (const x of [m, m2, m3, plain.model]) x.free();
    assert.equal(t2.freed, true);
  }
});

test('a text stream saved mid-way (truncated BPTT, carried state) resumes exactly after loadTrainer', () => {
  const task = lab.createTask('text', { seed: 3 });
  const m = lab.createModel({ ...task.modelConfig, cell: 'lstm', hiddenSize: 12, layers: 2, seed: 5 });
  const tr = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  const batches = Array.from({ length: 6 }, () => task.batch(4, { length: 16 }));
  assert.ok(!batches[0].carryState && batches.slice(1).every((b) => b.carryState), 'text batches continue each row\'s stream');
  for (const b of batches.slice(0, 3)) tr.step(b);
  const bytes = m.save({ trainer: tr });
  const withState = lab.loadModel(bytes), without = lab.loadModel(m.save());
  const lossWith = withState.forward(batches[3]).loss, lossWithout = without.forward(batches[3]).loss;
  const { model: m2, trainer: t2 } = lab.loadTrainer(bytes);
  const steps = batches.slice(3).map((b) => [tr.step(b), t2.step(b)]);
  for (const [a, b] of steps) assert.deepEqual(b, a, 'the same step results: the stream goes on from the saved state');
  assert.deepEqual(m2.getWeights(), m.getWeights());
  assert.equal(lossWith, steps[0][0].loss, 'loadModel restores the carried state too');
  assert.notEqual(lossWithout, lossWith, 'a weights-only file restarts the stream from zeros');
  for (const x of [m, m2, withState, without]) x.free();
  task.free();
});

test('trace: shapes, ranges, and batch-major layout', () => {
  const cfg = { cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 3, layers: 2, bidirectional: true, seed: 2 };
  const m = lab.createModel(cfg);
  const B = 2, T = 3, H = 4, batch = makeBatch(cfg, B, T, 6);
  const f = m.forward(batch);
  const tr = m.trace(batch);
  assert.equal(tr.batchSize, B);
  assert.equal(tr.length, T);
  assert.equal(tr.hiddenSize, H);
  assert.deepEqual(tr.gateNames, ['i', 'f', 'g', 'o']);
  assert.deepEqual(tr.outputs, f.outputs);
  assert.equal(tr.loss, f.loss);
  assert.equal(tr.layers.length, 2);
  for (const layer of tr.layers) {
    assert.equal(layer.length, 2);
    for (const d of layer) {
      assert.equal(d.gates.length, B * T * 4 * H);
      assert.equal(d.cell.length, B * T * H);
      assert.equal(d.hidden.length, B * T * H);
      assert.equal(d.gradNorm.length, B * T);
      for (let r = 0; r < B * T; r++) {
        for (let j = 0; j < 4 * H; j++) {
          const x = d.gates[r * 4 * H + j], isG = j >= 2 * H && j < 3 * H;
          assert.ok(isG ? x >= -1 && x <= 1 : x >= 0 && x <= 1, `gate ${j} = ${x}`);
        }
      }
      for (let r = 0; r < B * T; r++) {
        for (let j = 0; j < H; j++) { // h = o * tanh(c)
          const o = d.gates[r * 4 * H + 3 * H + j];
          assert.ok(Math.abs(d.hidden[r * H + j] - o * Math.tanh(d.cell[r * H + j])) < 1e-5);
        }
      }
      assert.ok(d.gradNorm.every((x) => x >= 0) && d.gradNorm.some((x) => x > 0));
    }
  }
  // row b of a batch traces like a batch of that row alone
  const row1 = { inputs: batch.inputs.slice(T, 2 * T), targets: batch.targets.slice(T, 2 * T), batchSize: 1, length: T };
  const t1 = m.trace(row1);
  assert.ok(maxAbsDiff(t1.layers[1][0].hidden, tr.layers[1][0].hidden.subarray(T * H)) < 1e-6);
  assert.ok(maxAbsDiff(t1.layers[0][1].gates, tr.layers[0][1].gates.subarray(T * 4 * H)) < 1e-6);
  m.free();

  const g = lab.createModel({ cell: 'gru', inputSize: 3, hiddenSize: 2, outputSize: 3 });
  const tg = g.trace(makeBatch(g.config, 1, 4));
  assert.deepEqual(tg.gateNames, ['r', 'z', 'n']);
  assert.equal(tg.layers[0][0].gates.length, 4 * 3 * 2);
  assert.ok(tg.layers[0][0].cell.every((x) => x === 0), 'GRU has no cell state');
  g.free();
});

test('carryState continues a sequence; resetState forgets it', () => {
  const cfg = { cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 8 };
  const m = lab.createModel(cfg);
  const whole = makeBatch(cfg, 2, 6, 5);
  const half = (k) => ({
    inputs: Int32Array.from({ length: 6 }, (_, i) => whole.inputs[Math.floor(i / 3) * 6 + k * 3 + (i % 3)]),
    batchSize: 2, length: 3,
  });
  const all = m.forward(whole).outputs;
  const first = m.forward(half(0)).outputs;
  const second = m.forward({ ...half(1), carryState: true }).outputs;
  const V = 3;
  for (let b = 0; b < 2; b++) {
    assert.ok(maxAbsDiff(first.subarray(b * 3 * V, (b + 1) * 3 * V), all.subarray(b * 6 * V, b * 6 * V + 3 * V)) < 1e-6);
    assert.ok(maxAbsDiff(second.subarray(b * 3 * V, (b + 1) * 3 * V), all.subarray(b * 6 * V + 3 * V, (b + 1) * 6 * V)) < 1e-6);
  }
  m.resetState();
  const fresh = m.forward(half(1)).outputs;
  assert.deepEqual(m.forward({ ...half(1), carryState: true }).outputs.length, fresh.length);
  assert.notDeepEqual(fresh, second);
  m.free();
});

test('memory growth mid-call: results stay right, and repeated calls do not grow memory', async () => {
  const l = await load({ simd: true });
  const cfg = { cell: 'gru', inputSize: 5, hiddenSize: 64, outputSize: 5, seed: 3 };
  const m = l.createModel(cfg);
  const small = makeBatch(cfg, 1, 8, 7);
  const expected = m.forward(small).outputs;
  const before = l.memoryBytes;
  const B = 256, T = 64, big = makeBatch(cfg, B, T, 1);
  big.inputs.set(small.inputs, 5 * T); // row 5 = the small batch's row
  const out = m.forward(big).outputs; // the views made before this call's growth are detached
  assert.ok(l.memoryBytes > before, 'the big batch grew the memory');
  assert.ok(maxAbsDiff(out.subarray(5 * T * 5, 5 * T * 5 + 8 * 5), expected) < 1e-6);
  m.free();

  // leaks: each forward copies out 4 MB of outputs; 20 leaked copies would outgrow the heap's slack
  const wide = { cell: 'gru', inputSize: 5, hiddenSize: 8, outputSize: 2000, seed: 3 };
  const w = l.createModel(wide), wb = makeBatch(wide, 16, 32, 2);
  const tr = l.createTrainer(w, { optimizer: 'adam', learningRate: 0.001 });
  const round = () => { w.forward(wb); tr.step(wb); w.trace(wb); w.getWeights(); w.save({ trainer: tr }); };
  round(); // the first round sizes the engine's own buffers
  const grown = l.memoryBytes;
  for (let i = 0; i < 20; i++) round();
  assert.equal(l.memoryBytes, grown, 'temporaries are freed');
  w.free();
});

test('arena sizes: parameter-sized arenas, activations fixed for a shape, regrown only for a larger one', () => {
  const cfg = { cell: 'lstm', inputSize: 5, hiddenSize: 16, outputSize: 5, seed: 3 };
  const m = lab.createModel(cfg), t = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.01 });
  const a0 = m.arenaBytes;
  assert.ok(a0.params >= 4 * m.parameterCount && a0.gradients === a0.params, JSON.stringify(a0));
  assert.equal(a0.activations, 0, 'no activations before the first pass');
  assert.equal(t.arenaBytes, 2 * a0.params, 'Adam: two moments');
  const b = makeBatch(cfg, 4, 10, 1);
  t.step(b);
  const a1 = m.arenaBytes;
  assert.ok(a1.activations > 0 && a1.state > 0, JSON.stringify(a1));
  for (let i = 0; i < 5; i++) t.step(b);
  m.forward(makeBatch(cfg, 2, 6, 2)); // smaller: fits
  assert.deepEqual(m.arenaBytes, a1, 'unchanged for the same or a smaller shape');
  t.step(makeBatch(cfg, 8, 10, 3));
  assert.ok(m.arenaBytes.activations > a1.activations, 'regrown for a larger batch');
  assert.equal(lab.createTrainer(m, { optimizer: 'sgd', learningRate: 0.1 }).arenaBytes, 0, 'plain SGD keeps no moments');
  m.free();
});

test('free is idempotent and frees the trainers too', () => {
  const m = lab.createModel({ cell: 'rnn', inputSize: 2, hiddenSize: 2, outputSize: 2 });
  const t = lab.createTrainer(m, { learningRate: 0.1 });
  const t2 = lab.createTrainer(m, { learningRate: 0.1 });
  t2.free();
  t2.free();
  assert.equal(t2.freed, true);
  assert.equal(m.freed, false);
  m.free();
  m.free();
  assert.equal(m.freed, true);
  assert.equal(t.freed, true);
  t.free();
  assert.equal(t.freed, true);
});

test('probes between truncated-BPTT steps leave the carried training state alone: the loss trajectory is bit-identical', () => {
  const task = lab.createTask('text', { seed: 2, chars: 20000 });
  const cfg = { ...task.modelConfig, cell: 'lstm', hiddenSize: 16, layers: 2, seed: 4 };
  const probe = { ...task.batch(4, { length: 12 }), carryState: false }; // the same B as training, another length
  const prompt = probe.inputs.slice(0, 6);
  /** @param {'none' | 'probes' | 'reset'} between */
  const run = (between) => {
    task.reset();
    const m = lab.createModel(cfg), tr = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.01, truncate: 8 });
    const losses = [];
    try {
      for (let k = 0; k < 8; k++) {
        const b = task.batch(4, { length: 24 });
        assert.equal(b.carryState, k > 0, 'the text stream carries state between batches');
        losses.push(tr.step(b).loss);
        if (between === 'reset') m.resetState();
        if (between !== 'probes') continue;
        m.trace(probe);
        m.trace({ ...probe, batchSize: 1, length: 12, inputs: probe.inputs.slice(0, 12), targets: probe.targets.slice(0, 12), mask: null, carryState: true });
        m.generate({ prompt, length: 8, strategy: 'beam', beamWidth: 3 });
        m.generate({ prompt, length: 8, strategy: 'sample', seed: k });
        m.score({ prompt, tokens: probe.inputs.slice(6, 12) });
        task.evaluate(m, { count: 300, length: 32 });
      }
    } finally { m.free(); }
    return losses;
  };
  const plain = run('none');
  assert.deepEqual(run('probes'), plain);
  assert.notDeepEqual(run('reset'), plain, 'the test is sensitive to the carried state');
  task.free();
});

test('task.maxBatchSize: the text stream rule, every length; other tasks the batch limits', () => {
  const text = lab.createTask('text', { seed: 1, chars: 5000 });
  const train = text.split.train;
  for (const L of [1, 16, 100, 200]) {
    const most = text.maxBatchSize(L);
    assert.equal(most, Math.floor(train / (2 * (L + 1))), `length ${L}`);
    if (most >= 1) assert.equal(text.batch(most, { length: L }).batchSize, most);
    assert.throws(() => text.batch(most + 1, { length: L }), /need at least/);
  }
  assert.equal(text.maxBatchSize(), text.maxBatchSize(text.length));
  assert.equal(text.maxBatchSize(train), 0, 'too short for one stream');
  assert.throws(() => text.maxBatchSize(0), /length must be an integer/);
  text.free();
  const parity = lab.createTask('parity');
  assert.equal(parity.maxBatchSize(), 1 << 20);
  parity.free();
  const rev = lab.createTask('reverse');
  assert.throws(() => rev.maxBatchSize(), /sequence-to-sequence/);
  rev.free();
});

test('lab.train refuses curve for a csv task before training', async () => {
  const text = 'x,y\n' + Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5}`).join('\n') + '\n';
  const task = lab.createTask('csv', { text, seed: 1 });
  const model = lab.createModel({ ...task.modelConfig, hiddenSize: 4 });
  let steps = 0;
  await assert.rejects(lab.train({ task, model, maxSteps: 50, curve: [4, 8], onProgress: () => { steps++; } }),
    /^Error: rnnlab: train: option curve is not available for task 'csv'/);
  await assert.rejects(lab.train({ task, model, maxSteps: 50, curveCount: 10 }), /option curveCount is not available/);
  assert.equal(steps, 0, 'refused before any step');
  model.free();
  task.free();
});
