// The analysis tools for any trained cell (wasm/dynamics.mjs, core/dynamics/; issue 14):
// model.fixedPoints on hand-set networks whose fixed points are known in closed form (a tanh unit
// h = tanh(w h + b) on both sides of w = 1, the ghost of a saddle-node as a slow point, 2-unit
// networks with known spectra and unstable directions, an LSTM's [h | c] state layout),
// duplicates merged, and on a GRU trained on the 3-bit flip-flop the 8 memories; model.lyapunov on random networks h = tanh(W h), W ~ N(0, g^2/N), N = 200:
// negative below g = 1 (and then ln of the spectral radius at the stable origin), positive for
// large g (Sompolinsky, Crisanti & Sommers 1988); model.rollout equal to the same loop of
// model.forward calls with carried state; bad input named; the carried state and the gradients
// untouched. The eigen solver, J^T r and grad q against central differences, and the same
// Lyapunov estimator on the Lorenz equations (0.906): tests/native/test_dynamics.c.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load();

/** An Elman tanh RNN h' = tanh(W h + b) with no input (weight_ih = 0). W row-major (H x H). */
function tanhNet(H, W, b = new Float32Array(H)) {
  const m = lab.createModel({ cell: 'rnn', input: 'dense', inputSize: 1, hiddenSize: H, outputSize: 1, output: 'linear' });
  m.setWeights({ weight_ih_l0: new Float32Array(H), weight_hh_l0: Float32Array.from(W), bias_ih_l0: Float32Array.from(b), bias_hh_l0: new Float32Array(H) });
  return m;
}

/** the root of f on [lo, hi] by bisection (f(lo), f(hi) of opposite signs) */
function bisect(f, lo, hi) {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if ((f(lo) < 0) === (f(mid) < 0)) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** seeded standard normals (Box-Muller over a 32-bit LCG) */
function normals(seed) {
  let s = seed >>> 0;
  const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s + 0.5) / 2 ** 32; };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const modulus = (p, k = 0) => Math.hypot(p.eigenvalues.re[k], p.eigenvalues.im[k]);

test('a tanh unit h = tanh(w h + b): one stable point for w < 1; for w > 1, b = 0: 0 unstable and +-h* stable', () => {
  const a = tanhNet(1, [0.5], [0.3]);
  const one = a.fixedPoints({ seed: 2 });
  const h1 = bisect((h) => Math.tanh(0.5 * h + 0.3) - h, -1, 1);
  assert.equal(one.length, 1);
  assert.ok(Math.abs(one[0].state[0] - h1) < 1e-6, `h* ${one[0].state[0]} vs ${h1}`);
  assert.ok(one[0].q <= 1e-10 && !one[0].slow);
  assert.equal(one[0].type, 'stable');
  assert.equal(one[0].stable, true);
  assert.ok(Math.abs(one[0].eigenvalues.re[0] - 0.5 * (1 - h1 * h1)) < 1e-6, 'eigenvalue w (1 - h*^2)');
  assert.deepEqual(one[0].unstableDirections, []);

  const m = tanhNet(1, [2]);
  const pts = m.fixedPoints({ starts: 200, seed: 3 }); // many starts, each point once
  const hs = bisect((h) => Math.tanh(2 * h) - h, 0.5, 1);
  assert.equal(pts.length, 3, `points ${pts.map((p) => p.state[0])}`);
  const at = (x) => pts.find((p) => Math.abs(p.state[0] - x) < 1e-5);
  const zero = at(0), plus = at(hs), minus = at(-hs);
  assert.ok(zero && plus && minus, `0, +-${hs}: ${pts.map((p) => p.state[0])}`);
  assert.equal(zero.type, 'unstable');
  assert.equal(zero.stable, false);
  assert.ok(Math.abs(zero.eigenvalues.re[0] - 2) < 1e-6);
  assert.equal(zero.unstableCount, 1);
  assert.equal(zero.unstableDirections.length, 1);
  assert.ok(Math.abs(zero.unstableDirections[0].vector[0] - 1) < 1e-6 && zero.unstableDirections[0].vectorIm === null);
  for (const p of [plus, minus]) {
    assert.equal(p.type, 'stable');
    assert.ok(Math.abs(p.eigenvalues.re[0] - 2 * (1 - hs * hs)) < 1e-5, `eigenvalue ${p.eigenvalues.re[0]}`);
  }
  // duplicates merged: starts that all reach the same point give one point
  const same = m.fixedPoints({ starts: [[0.5], [0.6], [0.9], [0.99]] });
  assert.equal(same.length, 1);
  assert.ok(Math.abs(same[0].state[0] - hs) < 1e-6);
  a.free(), m.free();
});

test('the ghost of a saddle-node bifurcation is a slow point, labelled as such', () => {
  // h = tanh(2h + b): the negative pair of points merges at h = -sqrt(1/2), b = atanh(-sqrt(1/2)) + 2 sqrt(1/2);
  // just past it the pair is gone and a slow point (q small, > 0) remains
  const bc = Math.atanh(-Math.SQRT1_2) + 2 * Math.SQRT1_2, b = 0.54;
  assert.ok(b > bc);
  const m = tanhNet(1, [2], [b]);
  const pts = m.fixedPoints({ starts: 64, seed: 1 });
  const fixed = pts.filter((p) => !p.slow), slow = pts.filter((p) => p.slow);
  assert.equal(fixed.length, 1);
  assert.ok(fixed[0].state[0] > 0.9 && fixed[0].type === 'stable');
  assert.equal(slow.length, 1, `slow points: ${slow.map((p) => [p.state[0], p.q])}`);
  // the slow point: the minimum of q(h) = 1/2 (tanh(2h + b) - h)^2 near -0.7, by a fine grid
  let best = 0, qbest = Infinity;
  for (let h = -0.8; h <= -0.6; h += 1e-6) {
    const q = 0.5 * (Math.tanh(2 * h + b) - h) ** 2;
    if (q < qbest) qbest = q, best = h;
  }
  assert.ok(Math.abs(slow[0].state[0] - best) < 2e-3, `slow point at ${slow[0].state[0]}, q minimum at ${best}`);
  assert.ok(Math.abs(slow[0].q - qbest) < 0.05 * qbest, `q ${slow[0].q} vs ${qbest}`);
  assert.ok(Math.abs(slow[0].eigenvalues.re[0] - 1) < 1e-2, 'the slow direction has an eigenvalue near 1');
  // a tighter slowTolerance drops it
  assert.equal(m.fixedPoints({ starts: 64, seed: 1, slowTolerance: 1e-6 }).length, 1);
  m.free();
});

test('two units: a saddle with its unstable direction, and complex pairs', () => {
  // W = diag(0.5, 3): the origin is a saddle (eigenvalues 3, 0.5, unstable along e2);
  // (0, +-h3), h3 = tanh(3 h3), are stable with eigenvalues 0.5 and 3 (1 - h3^2)
  const d = tanhNet(2, [0.5, 0, 0, 3]);
  const pts = d.fixedPoints({ seed: 4 });
  const h3 = bisect((h) => Math.tanh(3 * h) - h, 0.5, 1);
  assert.equal(pts.length, 3);
  const origin = pts.find((p) => Math.hypot(...p.state) < 1e-5);
  assert.ok(origin);
  assert.equal(origin.type, 'saddle');
  assert.deepEqual(Array.from(origin.eigenvalues.re).map((x) => +x.toFixed(6)), [3, 0.5]);
  assert.equal(origin.unstableDirections.length, 1);
  const v = origin.unstableDirections[0].vector;
  assert.ok(Math.abs(v[0]) < 1e-6 && Math.abs(v[1] - 1) < 1e-6, `direction ${v}`);
  for (const p of pts.filter((x) => x !== origin)) {
    assert.ok(Math.abs(p.state[0]) < 1e-6 && Math.abs(Math.abs(p.state[1]) - h3) < 1e-5, `point ${p.state}`);
    assert.equal(p.type, 'stable');
    assert.ok(Math.abs(p.eigenvalues.re[0] - 0.5) < 1e-6 && Math.abs(p.eigenvalues.re[1] - 3 * (1 - h3 * h3)) < 1e-5);
  }
  // W = r [[cos t, -sin t], [sin t, cos t]] at the origin: eigenvalues a +- ib
  for (const [a, b, type] of [[0.5, 0.5, 'stable'], [1.2, 0.5, 'unstable']]) {
    const m = tanhNet(2, [a, -b, b, a]);
    const o = m.fixedPoints({ seed: 5 }).find((p) => Math.hypot(...p.state) < 1e-5);
    assert.ok(o, `origin of ${a} +- ${b}i`);
    assert.equal(o.type, type);
    assert.ok(Math.abs(o.eigenvalues.re[0] - a) < 1e-6 && Math.abs(o.eigenvalues.im[0] - b) < 1e-6 && Math.abs(o.eigenvalues.im[1] + b) < 1e-6);
    if (type === 'unstable') { // one direction for the pair: W (x + iy) = (a + ib)(x + iy)
      assert.equal(o.unstableCount, 2);
      assert.equal(o.unstableDirections.length, 1);
      const { vector: x, vectorIm: y, re, im } = o.unstableDirections[0];
      assert.ok(y !== null && im === b && Math.abs(re - a) < 1e-6);
      const Wm = [[a, -b], [b, a]];
      for (let i = 0; i < 2; i++) {
        const lr = Wm[i][0] * x[0] + Wm[i][1] * x[1], li = Wm[i][0] * y[0] + Wm[i][1] * y[1];
        assert.ok(Math.abs(lr - (a * x[i] - b * y[i])) < 1e-6 && Math.abs(li - (a * y[i] + b * x[i])) < 1e-6, 'W v = lambda v');
      }
      assert.ok(Math.abs(x[0] ** 2 + x[1] ** 2 + y[0] ** 2 + y[1] ** 2 - 1) < 1e-6, 'unit norm');
    }
    m.free();
  }
  d.free();
});

test("an LSTM's state is [h of every layer | c of every layer]; its fixed point in closed form", () => {
  // two layers, H = 1, gates from biases alone (no recurrent weights); layer 1's g reads h^0.
  // c* = i g / (1 - f), h* = o tanh(c*); the Jacobian's eigenvalues are f^0, f^1 and two zeros
  const sig = (x) => 1 / (1 + Math.exp(-x));
  const m = lab.createModel({ cell: 'lstm', input: 'dense', inputSize: 1, hiddenSize: 1, layers: 2, outputSize: 1, output: 'linear' });
  const z4 = new Float32Array(4), b0 = [0.4, 0.8, -0.6, 0.2], b1 = [-0.3, 1.1, 0.5, 0.7], wg = 1.5;
  m.setWeights({
    weight_ih_l0: z4, weight_hh_l0: z4, bias_ih_l0: Float32Array.from(b0), bias_hh_l0: z4,
    weight_ih_l1: Float32Array.from([0, 0, wg, 0]), weight_hh_l1: z4, bias_ih_l1: Float32Array.from(b1), bias_hh_l1: z4,
  });
  const c0 = sig(b0[0]) * Math.tanh(b0[2]) / (1 - sig(b0[1])), h0 = sig(b0[3]) * Math.tanh(c0);
  const c1 = sig(b1[0]) * Math.tanh(wg * h0 + b1[2]) / (1 - sig(b1[1])), h1 = sig(b1[3]) * Math.tanh(c1);
  const pts = m.fixedPoints({ seed: 6 });
  assert.equal(pts.length, 1);
  const s = pts[0].state;
  assert.equal(s.length, 4);
  [h0, h1, c0, c1].forEach((x, i) => assert.ok(Math.abs(s[i] - x) < 1e-5, `state[${i}] = ${s[i]}, expected ${x}`));
  const mods = Array.from(pts[0].eigenvalues.re, (r, i) => Math.hypot(r, pts[0].eigenvalues.im[i]));
  const expected = [sig(b1[1]), sig(b0[1]), 0, 0].sort((a, b) => b - a);
  mods.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-5, `|lambda_${i}| = ${x}, expected ${expected[i]}`));
  assert.equal(pts[0].type, 'stable');
  m.free();
});

test('a GRU trained on the 3-bit flip-flop has 8 stable fixed points, one per memory (Sussillo & Barak 2013)', () => {
  // the task, generated here: three channels of sparse +-1 pulses (one at t = 0 on each), each
  // target holds the sign of its channel's last pulse
  let seed = 12345;
  const rnd = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 2 ** 32; };
  const batch = (B, T) => {
    const inputs = new Float32Array(B * T * 3), targets = new Float32Array(B * T * 3);
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < 3; k++) {
        let cur = 0;
        for (let t = 0; t < T; t++) {
          const i = (b * T + t) * 3 + k;
          if (t === 0 || rnd() < 0.05) inputs[i] = cur = rnd() < 0.5 ? -1 : 1;
          targets[i] = cur;
        }
      }
    }
    return { batchSize: B, length: T, inputs, targets };
  };
  const H = 32;
  const m = lab.createModel({ cell: 'gru', input: 'dense', inputSize: 3, hiddenSize: H, outputSize: 3, output: 'linear', seed: 1 });
  const tr = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  for (let i = 0; i < 2000; i++) tr.step(batch(32, 60));
  assert.ok(m.forward(batch(64, 200)).loss < 1e-3, 'the flip-flop is learned');
  const pts = m.fixedPoints({ input: [0, 0, 0], starts: 256 });
  const stable = pts.filter((p) => p.type === 'stable' && !p.slow);
  const w = m.getWeights();
  const readout = (p) => [0, 1, 2].map((v) => { let y = w['fc.bias'][v]; for (let j = 0; j < H; j++) y += w['fc.weight'][v * H + j] * p.state[j]; return y; });
  const memories = new Set(stable.map((p) => readout(p).map((y) => (y > 0.8 ? '+' : y < -0.8 ? '-' : '?')).join('')));
  assert.equal(stable.length, 8, `stable points: ${stable.map((p) => readout(p).map((y) => y.toFixed(2)))}`);
  assert.deepEqual([...memories].sort(), ['+++', '++-', '+-+', '+--', '-++', '-+-', '--+', '---']);
  assert.ok(pts.some((p) => p.type === 'saddle'), 'saddles between the memories');
  tr.free(), m.free();
});

test('one-hot input: the constant input is a token', () => {
  const m = lab.createModel({ cell: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 2 });
  const a = m.fixedPoints({ input: 2, starts: 8 }), b = m.fixedPoints({ input: 0, starts: 8 });
  assert.ok(a.length >= 1 && b.length >= 1);
  assert.ok(Math.hypot(...a[0].state.map((x, i) => x - b[0].state[i])) > 1e-3, 'another input, another point');
  assert.throws(() => m.fixedPoints({ input: [0, 1, 0] }), /fixedPoints: options\.input must be a token id in 0\.\.2/);
  assert.throws(() => m.fixedPoints({ input: 3 }), /options\.input must be an integer in 0\.\.2/);
  m.free();
});

test('the largest Lyapunov exponent of h = tanh(W h), W ~ N(0, g^2/N), N = 200: negative below g = 1, positive above', () => {
  const N = 200;
  /** @type {Record<string, number>} */
  const got = {};
  for (const g of [0.5, 0.8, 0.95, 1.05, 1.7, 2, 3]) {
    const r = normals(7);
    const W = new Float32Array(N * N).map(() => (r() * g) / Math.sqrt(N));
    const m = tanhNet(N, W);
    const L = m.lyapunovAnalysis({ steps: 2000, transient: 1000, seed: 1 });
    got[g] = L.exponent;
    assert.equal(m.lyapunov({ steps: 2000, transient: 1000, seed: 1 }), L.exponent, 'lyapunov is the analysis\'s exponent, a number');
    assert.equal(L.exponents.length, 4);
    assert.equal(L.divergence.length, 201);
    assert.ok(L.divergence[0] > 5e-8 && L.divergence[0] < 2e-7, `first separation ${L.divergence[0]}`);
    if (g < 1) {
      // the origin is the attractor: the exponent is ln of the spectral radius of J(0) = W,
      // which fixedPoints finds (its eigenvalues by the Hessenberg-QR solver)
      const origin = m.fixedPoints({ starts: 4, seed: 1 }).find((p) => Math.hypot(...p.state) < 1e-6);
      assert.ok(origin && origin.type === 'stable');
      assert.ok(Math.abs(L.exponent - Math.log(modulus(origin))) < 1e-3, `g ${g}: ${L.exponent} vs ln rho ${Math.log(modulus(origin))}`);
      assert.ok(L.exponent < -0.01, `g ${g}: ${L.exponent}`);
    }
    if (g > 1.5) {
      assert.ok(L.exponent > 0.05, `g ${g}: ${L.exponent}`);
      assert.ok(L.divergence[200] > 1e3 * L.divergence[0], `g ${g}: nearby trajectories separate (${L.divergence[200]})`);
    }
    m.free();
  }
  assert.ok(got[0.5] < -0.5 && got[0.5] > -0.8, `g 0.5: ${got[0.5]} (ln 0.5 = -0.69 for large N)`);
  assert.ok(got[1.05] > -2e-3, `g 1.05: the origin has lost stability, the exponent is no longer negative (${got[1.05]})`);
  const gs = Object.keys(got).map(Number).sort((a, b) => a - b);
  for (let i = 1; i < gs.length; i++) assert.ok(got[gs[i]] >= got[gs[i - 1]] - 2e-3, `the exponent grows with g: ${JSON.stringify(got)}`);
  assert.ok(got[3] > 0.2, `g 3: ${got[3]}`);
});

test('a chaos-free network without input has a negative exponent; the divergence curve shrinks', () => {
  const m = lab.createModel({ cell: 'cfn', input: 'dense', inputSize: 2, hiddenSize: 16, outputSize: 2, output: 'linear', init: 'uniform', initScale: 3, seed: 4 });
  const L = m.lyapunovAnalysis({ steps: 500, transient: 200, perturbation: 1e-3, divergenceSteps: 50 });
  assert.ok(L.exponent < 0, `CFN exponent ${L.exponent}`);
  assert.ok(L.divergence[50] < L.divergence[0], `CFN divergence ${L.divergence[0]} -> ${L.divergence[50]}`);
  m.free();
});

/** the same rollout by hand: the warm-up in one forward pass, then one step at a time with carryState */
function manualRollout(model, warm, I, steps) {
  const W = warm.length / I;
  let { outputs } = model.forward({ batchSize: 1, length: W, inputs: Float32Array.from(warm) });
  const out = new Float32Array(steps * I);
  out.set(outputs.subarray((W - 1) * I, W * I), 0);
  for (let k = 1; k < steps; k++) {
    ({ outputs } = model.forward({ batchSize: 1, length: 1, inputs: out.slice((k - 1) * I, k * I), carryState: true }));
    out.set(outputs, k * I);
  }
  return out;
}

test('rollout equals the step-by-step loop of model.forward with carried state, and leaves the carried state alone', () => {
  for (const cell of ['gru', 'lstm', 'ctrnn']) {
    const I = 2, cfg = { cell, input: 'dense', inputSize: I, hiddenSize: 6, layers: 2, outputSize: I, output: 'linear', seed: 3 };
    const m = lab.createModel(cfg), twin = lab.createModel(cfg);
    const warm = Float32Array.from({ length: 5 * I }, (_, i) => Math.sin(0.7 * i));
    // a carried state of batch 3, as truncated BPTT leaves one
    const stream = { batchSize: 3, length: 4, inputs: Float32Array.from({ length: 24 }, (_, i) => Math.cos(i)) };
    m.forward(stream), twin.forward(stream);
    const roll = m.rollout({ warmup: warm, steps: 30 });
    assert.equal(roll.length, 30 * I);
    const ref = lab.createModel(cfg);
    assert.deepEqual(roll, manualRollout(ref, warm, I, 30), `${cell}: rollout = the manual loop`);
    assert.deepEqual(m.rollout({ warmup: 5, warmupInputs: Float32Array.from([...warm, 9, 9]), steps: 30 }), roll, 'warmup as a count');
    assert.deepEqual(m.rollout({ warmup: warm, steps: 30, state: new Float32Array(6 * 2 * (cell === 'gru' ? 1 : 2)) }), roll, 'from zeros given');
    const other = m.rollout({ warmup: warm, steps: 30, state: new Float32Array(6 * 2 * (cell === 'gru' ? 1 : 2)).fill(0.5) });
    assert.notDeepEqual(other, roll, 'from another state');
    const next = { ...stream, carryState: true };
    assert.deepEqual(m.forward(next).outputs, twin.forward(next).outputs, `${cell}: the carried state is as it was`);
    m.free(), twin.free(), ref.free();
  }
});

test('the analyses leave the gradients and the carried state as they were', () => {
  const cfg = { cell: 'lstm', input: 'dense', inputSize: 2, hiddenSize: 5, outputSize: 2, output: 'linear', seed: 8 };
  const m = lab.createModel(cfg), twin = lab.createModel(cfg);
  const batch = { batchSize: 2, length: 6, inputs: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), targets: Float32Array.from({ length: 24 }, (_, i) => Math.cos(i)) };
  m.backward(batch), twin.backward(batch);
  const g0 = m.getGradients();
  m.fixedPoints({ starts: 8 });
  m.lyapunov({ steps: 100, transient: 10 });
  m.rollout({ warmup: [0.1, 0.2], steps: 10 });
  assert.deepEqual(m.getGradients(), g0);
  const next = { ...batch, carryState: true };
  assert.deepEqual(m.forward(next).outputs, twin.forward(next).outputs);
  m.free(), twin.free();
});

test('bad input throws an Error naming it, and the model stays usable', () => {
  const m = tanhNet(2, [0.5, 0, 0, 3]);
  const ok = () => assert.equal(m.fixedPoints({ starts: 64 }).length, 3);
  const cases = [
    [() => m.fixedPoints({ starts: [[0.1, 0.2], [NaN, 0]] }), /fixedPoints: options\.starts\[1\]\[0\] is NaN/],
    [() => m.fixedPoints({ starts: Float32Array.from([0.1, 0.2, 0.3, Infinity]) }), /options\.starts\[1\]\[1\] is infinite/],
    [() => m.fixedPoints({ starts: new Float32Array(3) }), /positive multiple of 2/],
    [() => m.fixedPoints({ starts: 0 }), /options\.starts must be an integer in 1\.\.100000/],
    [() => m.fixedPoints({ maxIterations: 1e9 }), /options\.maxIterations must be an integer in 0\.\.1000000/],
    [() => m.fixedPoints({ tolerance: -1 }), /options\.tolerance must be a finite number > 0/],
    [() => m.fixedPoints({ tolerance: 1e-3, slowTolerance: 1e-6 }), /slowTolerance .* must be >= tolerance/],
    [() => m.fixedPoints({ input: [NaN] }), /fixedPoints: options\.input\[0\] is NaN/],
    [() => m.fixedPoints({ input: [1, 2] }), /options\.input must have 1 elements/],
    [() => m.fixedPoints({ bogus: 1 }), /unknown option 'bogus'/],
    [() => m.lyapunov({ steps: 0 }), /lyapunov: options\.steps must be an integer in 1\.\.10000000/],
    [() => m.lyapunov({ steps: 1e12 }), /options\.steps must be an integer/],
    [() => m.lyapunov({ steps: 2.5 }), /options\.steps must be an integer/],
    [() => m.lyapunov({ transient: -1 }), /options\.transient/],
    [() => m.lyapunov({ trajectories: 1000 }), /options\.trajectories must be an integer in 1\.\.64/],
    [() => m.lyapunov({ start: [0, NaN] }), /lyapunov: options\.start\[1\] is NaN/],
    [() => m.lyapunov({ epsilon: 0 }), /options\.epsilon must be a finite number > 0/],
    [() => m.rollout({ warmup: [0.5], steps: 1e9 }), /rollout: options\.steps must be an integer in 1\.\./],
    [() => m.rollout({ warmup: [NaN], steps: 3 }), /rollout: options\.warmup\[0\] is NaN/],
    [() => m.rollout({ warmup: [], steps: 3 }), /options\.warmup must have a positive multiple of 1 elements/],
    [() => m.rollout({ warmup: 4, steps: 3 }), /needs options\.warmupInputs/],
    [() => m.rollout({ warmup: 4, warmupInputs: [1, 2], steps: 3 }), /fewer than warmup = 4/],
    [() => m.rollout({ warmup: [0.5], steps: 3, state: [1] }), /options\.state must have 2 elements/],
    [() => m.rollout(), /rollout: options \{ warmup, steps \} are required/],
  ];
  for (const [f, re] of cases) {
    assert.throws(f, re);
    ok();
  }
  // a model without dense input and linear output of the input's size cannot close the loop
  for (const cfg of [{ inputSize: 3, outputSize: 3 }, { input: 'dense', inputSize: 2, outputSize: 3, output: 'linear' }, { input: 'dense', inputSize: 2, outputSize: 2, output: 'sigmoid' }]) {
    const bad = lab.createModel({ cell: 'gru', hiddenSize: 4, ...cfg });
    assert.throws(() => bad.rollout({ warmup: [0, 0], steps: 2 }), /rollout feeds each output back as the next input: it needs input 'dense', output 'linear' and outputSize == inputSize/);
    assert.ok(bad.fixedPoints({ starts: 4, input: cfg.input === 'dense' ? undefined : 0 }).length >= 0, 'the analyses still run');
    bad.free();
  }
  // no forward-in-time state
  const bi = lab.createModel({ cell: 'lstm', hiddenSize: 3, inputSize: 2, outputSize: 2, bidirectional: true });
  assert.throws(() => bi.fixedPoints(), /bidirectional model/);
  assert.throws(() => bi.lyapunov(), /bidirectional model/);
  assert.ok(bi.forward({ batchSize: 1, length: 2, inputs: Int32Array.from([0, 1]) }).outputs.length === 4, 'still a working model');
  bi.free();
  const fgr = lab.createModel({ cell: 'lstm', variant: 'FGR', hiddenSize: 3, inputSize: 2, outputSize: 2 });
  assert.throws(() => fgr.fixedPoints(), /FGR LSTM's state includes the previous step's gates/);
  fgr.free();
  // freed
  m.free();
  assert.throws(() => m.fixedPoints(), /model has been freed/);
  assert.throws(() => m.lyapunov(), /model has been freed/);
  assert.throws(() => m.rollout({ warmup: [0], steps: 1 }), /model has been freed/);
});
