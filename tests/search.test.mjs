// search.test.mjs - decoding search through the JS API (wasm/search.mjs over core/decode.c):
// lab.search with JS next functions and model.generate, checked by invariants, not snapshots
// (beam K=1 == greedy; exhaustive == every sequence scored one by one; beam with K >= V^(L-1) ==
// exhaustive; beam beats greedy on a trap), sampling statistics, SIMD == scalar, reentrant next
// functions, errors that leave the lab working, and a printed (not asserted) generation speed.
// Needs wasm/rnnlab.wasm and wasm/rnnlab-scalar.wasm (make wasm).
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load({ simd: true });
const scalarLab = await load({ simd: false });

// ---- hand-made next functions ----

/** A distribution per prefix, seeded by a hash of the whole prefix; unnormalised (the search
 * renormalises); zero: a token with p = 0 everywhere. */
function table(V, salt, zero = -1) {
  const next = (prefix) => {
    let h = (salt * 2654435761 + prefix.length * 40503) >>> 0;
    for (const t of prefix) h = Math.imul(h ^ (t + 1), 16777619) >>> 0;
    const p = new Float32Array(V);
    for (let v = 0; v < V; v++) {
      h = Math.imul(h ^ (h >>> 13), 1274126177) >>> 0;
      const u = (h >>> 8) / 16777216;
      p[v] = 0.02 + u * u * u;
    }
    if (zero >= 0) p[zero] = 0;
    next.calls++;
    return p;
  };
  next.calls = 0;
  return next;
}

/** Beam beats greedy: 0.6 / 0.4 first; after 0: 0.5 / 0.5; after 1: 0.9 / 0.1. */
const trap = (prefix) => new Float32Array(prefix.length === 0 ? [0.6, 0.4] : prefix[0] === 0 ? [0.5, 0.5] : [0.9, 0.1]);

/** Every complete sequence (length L, or ended at the first eos). */
function* sequences(V, L, eos) {
  const seq = [];
  function* rec(d) {
    for (let v = 0; v < V; v++) {
      seq[d] = v;
      if (v === eos || d + 1 === L) yield seq.slice(0, d + 1);
      else yield* rec(d + 1);
    }
  }
  yield* rec(0);
}

const before = (a, b) => {
  if (a.score !== b.score) return a.score > b.score;
  for (let i = 0; i < Math.min(a.tokens.length, b.tokens.length); i++) if (a.tokens[i] !== b.tokens[i]) return a.tokens[i] < b.tokens[i];
  return a.tokens.length < b.tokens.length;
};

/** The K best of every sequence, each scored on its own by scoreOf(tokens). */
function bruteForce(V, L, eos, K, alpha, scoreOf) {
  const all = [];
  for (const tokens of sequences(V, L, eos)) {
    const logProb = scoreOf(tokens);
    if (logProb > -Infinity) all.push({ tokens, logProb, score: logProb / ((5 + tokens.length) / 6) ** alpha });
  }
  all.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  return all.slice(0, K);
}

const arr = (a) => Array.from(a);

// ---- invariants over next functions ----

test('beam with K = 1 equals greedy', () => {
  for (let salt = 1; salt <= 12; salt++) {
    for (const eos of [null, 0, 2]) {
      const next = table(3 + (salt % 4), salt);
      const V = 3 + (salt % 4);
      const g = lab.search({ next, vocabSize: V, length: 6, eos });
      const b = lab.search({ next, vocabSize: V, length: 6, eos, strategy: 'beam', beamWidth: 1 });
      assert.deepEqual(arr(b.tokens), arr(g.tokens), `salt ${salt} eos ${eos}`);
      assert.equal(b.logProb, g.logProb);
      assert.equal(b.beams.length, 1);
      assert.equal(g.beams, undefined, 'greedy has no beams');
      if (eos !== null) assert.ok(g.tokens.length === 6 || g.tokens.at(-1) === eos, 'ends at eos or length');
    }
  }
});

test('exhaustive equals the best of all sequences scored one by one; beam with K >= V^(L-1) equals it', () => {
  const cases = [
    { V: 3, L: 4, eos: null, K: 1, alpha: 0 }, { V: 4, L: 3, eos: null, K: 5, alpha: 0 },
    { V: 3, L: 5, eos: 0, K: 1, alpha: 0 }, { V: 3, L: 5, eos: 2, K: 4, alpha: 0 },
    { V: 4, L: 4, eos: 1, K: 3, alpha: 0.7 }, { V: 5, L: 3, eos: 4, K: 2, alpha: 1.5, zero: 1 },
  ];
  for (const [i, c] of cases.entries()) {
    const next = table(c.V, 50 + i, c.zero);
    const what = JSON.stringify(c);
    const x = lab.search({ next, vocabSize: c.V, length: c.L, eos: c.eos, strategy: 'exhaustive', beamWidth: c.K, lengthPenalty: c.alpha });
    const brute = bruteForce(c.V, c.L, c.eos ?? -1, c.K, c.alpha, (tokens) => lab.score({ next, vocabSize: c.V, tokens }));
    assert.equal(x.beams.length, brute.length, what);
    x.beams.forEach((h, k) => {
      assert.deepEqual(arr(h.tokens), brute[k].tokens, `${what}: result ${k}`);
      assert.equal(h.logProb, brute[k].logProb, `${what}: logProb ${k} (same sum, same order: bit-equal)`);
      assert.ok(Math.abs(h.score - brute[k].score) <= 1e-5 * Math.abs(brute[k].score), `${what}: score ${k}`);
    });
    assert.deepEqual(arr(x.tokens), arr(x.beams[0].tokens));
    const K = Math.max(c.V ** (c.L - 1), c.K);
    const b = lab.search({ next, vocabSize: c.V, length: c.L, eos: c.eos, strategy: 'beam', beamWidth: K, lengthPenalty: c.alpha });
    for (let k = 0; k < c.K; k++) {
      assert.deepEqual(arr(b.beams[k].tokens), arr(x.beams[k].tokens), `${what}: beam K=${K} result ${k}`);
      assert.equal(b.beams[k].logProb, x.beams[k].logProb);
    }
  }
});

test('a case where beam beats greedy', () => {
  const g = lab.search({ next: trap, vocabSize: 2, length: 2 });
  const b = lab.search({ next: trap, vocabSize: 2, length: 2, strategy: 'beam', beamWidth: 2 });
  const x = lab.search({ next: trap, vocabSize: 2, length: 2, strategy: 'exhaustive' });
  assert.deepEqual(arr(g.tokens), [0, 0]);
  assert.ok(Math.abs(g.logProb - Math.log(0.3)) < 1e-6);
  assert.deepEqual(arr(b.tokens), [1, 0]);
  assert.ok(Math.abs(b.logProb - Math.log(0.36)) < 1e-6);
  assert.ok(b.logProb > g.logProb);
  assert.deepEqual(arr(x.tokens), [1, 0]);
});

test('beam returns K beams sorted by score', () => {
  const next = table(6, 9);
  for (const alpha of [0, 1]) {
    const r = lab.search({ next, vocabSize: 6, length: 7, strategy: 'beam', beamWidth: 8, eos: 5, lengthPenalty: alpha });
    assert.equal(r.beams.length, 8);
    for (let k = 1; k < 8; k++) assert.ok(r.beams[k].score <= r.beams[k - 1].score, `alpha ${alpha}: sorted`);
    for (const h of r.beams) {
      assert.ok(h.tokens instanceof Int32Array && h.tokens.length >= 1 && h.tokens.length <= 7);
      assert.equal(h.logProb, lab.score({ next, vocabSize: 6, tokens: h.tokens }), 'logProb == score(tokens)');
      if (alpha === 0) assert.equal(h.score, h.logProb);
      else assert.ok(Math.abs(h.score - h.logProb / ((5 + h.tokens.length) / 6)) < 1e-5);
    }
    assert.equal(r.tokens.length, r.beams[0].tokens.length);
  }
  // default beamWidth 4
  assert.equal(lab.search({ next, vocabSize: 6, length: 3, strategy: 'beam' }).beams.length, 4);
});

test('sampling: frequencies follow the distribution, temperature, top-k, seeds', () => {
  const p = [0.1, 0.2, 0.3, 0.15, 0.25], V = 5, N = 20000;
  const fixed = () => Float32Array.from(p);
  // chi-square critical values at p = 0.001: df 4 -> 18.47, df 1 -> 10.83 (fixed seeds: no flakes)
  for (const [temperature, topK, crit] of [[1, 0, 18.47], [0.5, 0, 18.47], [2, 0, 18.47], [1, 2, 10.83]]) {
    const r = lab.search({ next: fixed, vocabSize: V, length: N, strategy: 'sample', temperature, topK, seed: 77 });
    const count = new Array(V).fill(0);
    for (const t of r.tokens) count[t]++;
    let q = p.map((x) => x ** (1 / temperature));
    if (topK === 2) {
      assert.equal(count[0] + count[1] + count[3], 0, 'top-2 never leaves {2, 4}');
      q = q.map((x, i) => (i === 2 || i === 4 ? x : 0));
    }
    const s = q.reduce((a, b) => a + b);
    let chi = 0;
    q.forEach((x, i) => { if (x > 0) chi += (count[i] - N * x / s) ** 2 / (N * x / s); });
    assert.ok(chi < crit, `T=${temperature} topK=${topK}: chi-square ${chi.toFixed(2)} >= ${crit}`);
    const lp = arr(r.tokens).reduce((a, t) => a + Math.log(p[t]), 0);
    assert.ok(Math.abs(r.logProb - lp) < 1e-3 * Math.abs(lp), 'logProb is the untempered log-probability');
  }
  const argmax = lab.search({ next: fixed, vocabSize: V, length: 50, strategy: 'sample', temperature: 0 });
  assert.ok(argmax.tokens.every((t) => t === 2), 'temperature 0 = argmax');
  const next = table(6, 3, 4);
  const a = lab.search({ next, vocabSize: 6, length: 300, strategy: 'sample', seed: 5 });
  const b = lab.search({ next, vocabSize: 6, length: 300, strategy: 'sample', seed: 5n });
  const c = lab.search({ next, vocabSize: 6, length: 300, strategy: 'sample', seed: 2n ** 63n + 5n });
  assert.deepEqual(a, b, 'same seed (number or BigInt), same sample');
  assert.notDeepEqual(arr(a.tokens), arr(c.tokens), 'another seed, another sample');
  assert.ok(!a.tokens.includes(4) && !c.tokens.includes(4), 'p = 0 is never drawn');
  assert.equal(a.logProb, lab.score({ next, vocabSize: 6, tokens: a.tokens }));
  const e = lab.search({ next: table(3, 8), vocabSize: 3, length: 500, strategy: 'sample', eos: 1 });
  assert.ok(e.tokens.length < 500 && e.tokens.at(-1) === 1 && !e.tokens.slice(0, -1).includes(1), 'a sample ends at eos');
});

// ---- reentrancy ----

test('next may call into the same module: model.forward, memory growth, a nested search', () => {
  const m = lab.createModel({ cell: 'gru', inputSize: 6, hiddenSize: 12, outputSize: 6, seed: 4, init: 'uniform', initScale: 0.7 });
  const viaForward = (prefix) => {
    const inputs = Int32Array.from([3, ...prefix]);
    const { outputs } = m.forward({ inputs, batchSize: 1, length: inputs.length });
    return outputs.slice(-6);
  };
  const memory0 = lab.memoryBytes;
  let grown = null;
  const growing = (prefix) => {
    if (prefix.length === 2 && !grown) { // a large allocation mid-search: memory grows, C's buffers stay
      grown = lab.createModel({ cell: 'lstm', inputSize: 4, hiddenSize: 1024, outputSize: 4 });
    }
    return viaForward(prefix);
  };
  for (const strategy of ['greedy', 'beam', 'exhaustive', 'sample']) {
    const opts = { length: 4, strategy, beamWidth: 3, seed: 9 };
    const viaNext = lab.search({ next: strategy === 'beam' ? growing : viaForward, vocabSize: 6, ...opts });
    const viaModel = m.generate({ prompt: [3], ...opts });
    assert.deepEqual(arr(viaNext.tokens), arr(viaModel.tokens), strategy);
    assert.ok(Math.abs(viaNext.logProb - viaModel.logProb) < 1e-5, `${strategy}: ${viaNext.logProb} vs ${viaModel.logProb}`);
  }
  assert.ok(grown && lab.memoryBytes > memory0, 'memory grew during a search');
  grown.free();
  // a search inside next: the inner one's result decides the outer distribution
  const inner = table(3, 21);
  const nested = (prefix) => {
    const r = lab.search({ next: inner, vocabSize: 3, length: 2 + prefix.length, strategy: 'beam', beamWidth: 2 });
    const p = new Float32Array(3).fill(0.1);
    p[r.tokens.at(-1)] = 1;
    return p;
  };
  const r = lab.search({ next: nested, vocabSize: 3, length: 3, strategy: 'beam', beamWidth: 2 });
  assert.equal(r.tokens.length, 3);
  m.free();
});

// ---- models ----

/** A small LSTM trained on a repeating string: peaky, deterministic predictions. */
function trainedModel(l) {
  const text = 'abcab cbacb abcab cbacb ';
  const chars = [...new Set(text)];
  const V = chars.length;
  const ids = [...text].map((c) => chars.indexOf(c));
  const m = l.createModel({ cell: 'lstm', inputSize: V, hiddenSize: 24, outputSize: V, seed: 11 });
  const t = l.createTrainer(m, { optimizer: 'adam', learningRate: 0.02 });
  const T = ids.length;
  const inputs = Int32Array.from(ids), targets = Int32Array.from(ids.map((_, i) => ids[(i + 1) % T]));
  for (let i = 0; i < 150; i++) t.step({ inputs, targets, batchSize: 1, length: T });
  t.free();
  return { m, V, ids };
}

test('model.generate: greedy is the argmax of step-by-step forward passes; score is the sum of log-probs', () => {
  for (const cell of ['lstm', 'gru', 'rnn']) {
    const V = 5, P = 3, L = 8;
    const m = lab.createModel({ cell, inputSize: V, hiddenSize: 10, outputSize: V, layers: 2, seed: 6, init: 'uniform', initScale: 0.8 });
    const prompt = [4, 0, 2];
    const g = m.generate({ prompt, length: L });
    const seq = [...prompt];
    let lp = 0;
    for (let t = 0; t < L; t++) {
      const { outputs } = m.forward({ inputs: Int32Array.from(seq), batchSize: 1, length: seq.length });
      const probs = outputs.slice(-V);
      const best = probs.indexOf(Math.max(...probs));
      assert.equal(g.tokens[t], best, `${cell}: token ${t}`);
      lp += Math.log(probs[best]);
      seq.push(best);
    }
    assert.ok(Math.abs(g.logProb - lp) < 1e-5, `${cell}: logProb ${g.logProb} vs ${lp}`);
    const sc = m.score({ prompt, tokens: g.tokens });
    assert.ok(Math.abs(sc - lp) < 1e-5, `${cell}: score ${sc} vs ${lp}`);
    // exhaustive == every sequence scored by the model; beam K >= V^(L-1) == exhaustive
    const x = m.generate({ prompt, length: 3, strategy: 'exhaustive', beamWidth: 2, eos: 1 });
    const brute = bruteForce(V, 3, 1, 2, 0, (tokens) => m.score({ prompt, tokens }));
    x.beams.forEach((h, k) => {
      assert.deepEqual(arr(h.tokens), brute[k].tokens, `${cell}: exhaustive ${k}`);
      assert.ok(Math.abs(h.logProb - brute[k].logProb) < 2e-6);
    });
    const b = m.generate({ prompt, length: 3, strategy: 'beam', beamWidth: 25, eos: 1 });
    assert.deepEqual(b.beams.slice(0, 2).map((h) => arr(h.tokens)), x.beams.map((h) => arr(h.tokens)), `${cell}: beam K=25`);
    // beam K = 1 == greedy
    const b1 = m.generate({ prompt, length: L, strategy: 'beam', beamWidth: 1 });
    assert.deepEqual(arr(b1.tokens), arr(g.tokens));
    m.free();
  }
});

test('model.generate on a trained model: greedy continues the pattern; deterministic; SIMD == scalar', () => {
  const { m, ids } = trainedModel(lab);
  const prompt = ids.slice(0, 6);
  const g = m.generate({ prompt, length: 12 });
  assert.deepEqual(arr(g.tokens), ids.slice(6, 18), 'the trained continuation');
  const bytes = m.save();
  const s = scalarLab.loadModel(bytes);
  const runs = [
    { strategy: 'greedy', length: 30 },
    { strategy: 'beam', beamWidth: 8, length: 30 },
    { strategy: 'beam', beamWidth: 5, length: 20, eos: 3, lengthPenalty: 0.6 },
    { strategy: 'sample', length: 200, seed: 1234, temperature: 1.3 },
    { strategy: 'sample', length: 200, seed: 99, topK: 3 },
    { strategy: 'exhaustive', length: 3, beamWidth: 3 },
  ];
  for (const opts of runs) {
    const a = m.generate({ prompt, ...opts }), a2 = m.generate({ prompt, ...opts }), c = s.generate({ prompt, ...opts });
    assert.deepEqual(a, a2, `${opts.strategy}: deterministic`);
    assert.deepEqual(arr(c.tokens), arr(a.tokens), `${opts.strategy}: SIMD and scalar builds agree`);
    assert.ok(Math.abs(c.logProb - a.logProb) <= 1e-5 * Math.max(1, Math.abs(a.logProb)), `${opts.strategy}: logProb`);
    if (a.beams) assert.deepEqual(c.beams.map((h) => arr(h.tokens)), a.beams.map((h) => arr(h.tokens)));
  }
  const s1 = m.generate({ prompt, length: 100, strategy: 'sample', seed: 1, temperature: 2 });
  const s2 = m.generate({ prompt, length: 100, strategy: 'sample', seed: 2, temperature: 2 });
  assert.notDeepEqual(arr(s1.tokens), arr(s2.tokens), 'seeds differ');
  // carried state: the prompt split in two gives the same continuation
  m.forward({ inputs: Int32Array.from(prompt.slice(0, 4)), batchSize: 1, length: 4 });
  const carried = m.generate({ prompt: prompt.slice(4), length: 12, carryState: true });
  assert.deepEqual(arr(carried.tokens), arr(g.tokens));
  // generate leaves the carried state as it was: the same carried continuation again
  assert.deepEqual(arr(m.generate({ prompt: prompt.slice(4), length: 12, carryState: true }).tokens), arr(g.tokens));
  m.resetState();
  assert.throws(() => m.generate({ prompt, length: 2, carryState: true }), /no carried state of batch 1/);
  m.free();
  s.free();
});

// ---- errors ----

test('errors name the problem and the lab still works after them', () => {
  const m = lab.createModel({ cell: 'lstm', inputSize: 4, hiddenSize: 6, outputSize: 4, seed: 2 });
  const batch = { inputs: new Int32Array([0, 1, 2, 3]), batchSize: 1, length: 4 };
  const baseline = m.forward(batch);
  const next = table(4, 1);
  const reference = lab.search({ next, vocabSize: 4, length: 5, strategy: 'beam', beamWidth: 3 });
  const stillWorks = () => {
    assert.deepEqual(m.forward(batch), baseline);
    assert.deepEqual(lab.search({ next, vocabSize: 4, length: 5, strategy: 'beam', beamWidth: 3 }), reference);
    assert.equal(m.generate({ prompt: [1], length: 3 }).tokens.length, 3);
  };
  const rejects = (fn, re) => {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof Error && !(e instanceof WebAssembly.RuntimeError), `not a trap: ${e}`);
      assert.match(e.message, re);
      return true;
    });
    stillWorks();
  };
  const base = { next, vocabSize: 4, length: 3 };
  rejects(() => lab.search({ ...base, strategy: 'viterbi' }), /^rnnlab: search: options\.strategy must be one of greedy, beam, exhaustive, sample \(got 'viterbi'\)/);
  rejects(() => lab.search({ ...base, beamwidth: 2 }), /unknown option 'beamwidth'/);
  rejects(() => lab.search({ vocabSize: 4, length: 3 }), /options\.next must be a function/);
  rejects(() => lab.search({ next, length: 3 }), /options\.vocabSize .* is required/);
  rejects(() => lab.search({ next, vocabSize: 4 }), /options\.length .* is required/);
  rejects(() => lab.search({ ...base, length: 0 }), /options\.length must be an integer in 1\.\./);
  rejects(() => lab.search({ ...base, eos: 4 }), /options\.eos must be a token id in 0\.\.3/);
  rejects(() => lab.search({ ...base, strategy: 'beam', beamWidth: 0 }), /options\.beamWidth must be an integer in 1\.\.65536/);
  rejects(() => lab.search({ ...base, lengthPenalty: -1 }), /options\.lengthPenalty must be a finite number in \[0, 10\]/);
  rejects(() => lab.search({ ...base, temperature: NaN }), /options\.temperature/);
  rejects(() => lab.search({ ...base, seed: -1 }), /options\.seed/);
  rejects(() => lab.search({ ...base, next: table(5, 1) }), /next\(prefix\) returned 5 probabilities for a prefix of 0 tokens, expected vocabSize = 4/);
  rejects(() => lab.search({ ...base, next: (p) => (p.length === 2 ? [1, 2] : [1, 1, 1, 1]) }), /returned 2 probabilities for a prefix of 2 tokens/);
  rejects(() => lab.search({ ...base, next: () => 'abcd' }), /must return a Float32Array of vocabSize = 4 probabilities \(got 'abcd'/);
  rejects(() => lab.search({ ...base, next: (p) => (p.length ? [1, NaN, 1, 1] : [1, 1, 1, 1]) }), /^rnnlab: next returned probs\[1\] = nan for a prefix of 1 tokens: probabilities must be finite/);
  rejects(() => lab.search({ ...base, next: () => [1, -1, 1, 1] }), /probs\[1\] = -1 .*must be >= 0/);
  rejects(() => lab.search({ ...base, next: () => [0, 0, 0, 0] }), /4 probabilities that are all 0/);
  rejects(() => lab.search({ next: table(10, 1), vocabSize: 10, length: 7, strategy: 'exhaustive' }),
    /exhaustive search refused: vocabSize\^length = 10\^7 = 1e\+07 sequences, the limit is 1000000 sequences/);
  rejects(() => lab.score({ next, vocabSize: 4, tokens: [0, 4] }), /options\.tokens\[1\] = 4 is not a token id in 0\.\.3/);
  // what next throws is rethrown as is, for every strategy, also from deep inside a search
  for (const strategy of ['greedy', 'beam', 'exhaustive', 'sample']) {
    const boom = new RangeError(`boom in ${strategy}`);
    let calls = 0;
    const thrower = (p) => { if (++calls === 3) throw boom; return next(p); };
    assert.throws(() => lab.search({ ...base, strategy, next: thrower }), (e) => e === boom);
    stillWorks();
    calls = 0;
    assert.throws(() => lab.score({ next: thrower, vocabSize: 4, tokens: [1, 2, 3] }), (e) => e === boom);
    stillWorks();
  }
  // models that cannot generate
  for (const [config, re] of [
    [{ input: 'dense', inputSize: 4, outputSize: 4 }, /generate needs a model with one-hot input/],
    [{ inputSize: 4, outputSize: 4, output: 'sigmoid' }, /generate needs a model with softmax output/],
    [{ inputSize: 5, outputSize: 4 }, /generate needs inputSize == outputSize .* got 5 and 4/],
    [{ inputSize: 4, outputSize: 4, bidirectional: true }, /generate needs a unidirectional model/],
  ]) {
    const bad = lab.createModel({ cell: 'gru', hiddenSize: 3, ...config });
    rejects(() => bad.generate({ prompt: [0], length: 2 }), re);
    bad.free();
  }
  rejects(() => m.generate({ prompt: [], length: 2 }), /generate: options\.prompt must hold at least one token/);
  rejects(() => m.generate({ prompt: [0, 9], length: 2 }), /options\.prompt\[1\] = 9 is not a token id in 0\.\.3/);
  rejects(() => m.generate({ prompt: [0], length: 2, vocabSize: 5 }), /vocabSize 5 does not match the model's outputSize 4/);
  rejects(() => m.generate({ prompt: [0], length: 12, strategy: 'exhaustive' }), /4\^12 = 1\.678e\+07 sequences, the limit is 1000000/);
  rejects(() => m.generate({ prompt: [0], length: 2, carryState: 1 }), /carryState must be true or false/);
  rejects(() => m.score({ prompt: [0], tokens: [] }), /options\.tokens must hold at least one token/);
  const freed = lab.createModel({ cell: 'rnn', inputSize: 3, hiddenSize: 2, outputSize: 3 });
  freed.free();
  rejects(() => freed.generate({ prompt: [0], length: 2 }), /model has been freed/);
  m.free();
});

// ---- speed (printed, not asserted) ----

test('generation speed, H = 128, V = 65 (SIMD build)', (t) => {
  const V = 65, m = lab.createModel({ cell: 'lstm', inputSize: V, hiddenSize: 128, outputSize: V, seed: 1 });
  const rows = [];
  for (const [name, opts] of [['greedy', { strategy: 'greedy' }], ['sample', { strategy: 'sample', seed: 3 }], ['beam K=8', { strategy: 'beam', beamWidth: 8 }]]) {
    const length = 2000;
    m.generate({ prompt: [0], length: 50, ...opts }); // warm-up
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const g = m.generate({ prompt: [0], length, ...opts });
      best = Math.min(best, performance.now() - t0);
      assert.equal(g.tokens.length, length);
    }
    rows.push(`${name}: ${Math.round(length / (best / 1000))} characters/s`);
  }
  m.free();
  const line = `model.generate, LSTM H=128 V=65, ${lab.simd ? 'wasm SIMD' : 'wasm scalar'}: ${rows.join(', ')}`;
  t.diagnostic(line);
});
