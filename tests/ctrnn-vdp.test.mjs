// Issue 14's proof: a CT-RNN fitted to van der Pol (mu = 1) generates, free-running after a
// warm-up (model.rollout), a limit cycle whose period and amplitude are within 2% of the RK4
// truth's. Trained from scratch with a fixed seed: 32 units with learnable time constants
// (learnTau, starting at tau = 2 steps), one-step prediction with teacher forcing.
// The truth's period and amplitude are measured here the same way (zero crossings of x, the
// largest |x|) on the task's own RK4 row; tests/systems.test.mjs pins them at 6.663 and 2.009.
import test from 'node:test';
import assert from 'node:assert/strict';

import { load } from '../wasm/rnnlab.mjs';
import { crossings } from './helpers/signal.mjs';

const lab = await load();
const DT = 0.1; // the task's sample step, in time units


/** period (time units, mean over every whole cycle) and amplitude (max |x|, in x's units: the channel is x/2) */
function cycle(x, T) {
  const at = crossings(x, T, 2, 0);
  let amp = 0;
  for (let t = 0; t < T; t++) amp = Math.max(amp, 2 * Math.abs(x[2 * t]));
  return { period: ((at.at(-1) - at[0]) / (at.length - 1)) * DT, amplitude: amp, cycles: at.length - 1 };
}

test('a CT-RNN fitted to van der Pol (mu = 1) generates its limit cycle: period and amplitude within 2%', (t) => {
  const t0 = performance.now();
  const task = lab.createTask('vanderpol', { length: 100, seed: 3 });
  const model = lab.createModel({ cell: 'ctrnn', input: 'dense', output: 'linear', inputSize: 2, outputSize: 2, hiddenSize: 32, alpha: 0.5, learnTau: true, seed: 1 });
  const trainer = lab.createTrainer(model, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  const steps = 800;
  for (let i = 0; i < steps; i++) trainer.step(task.nextBatch(16));
  const seconds = (performance.now() - t0) / 1000;

  // the truth: a held-out RK4 row (another seed), long enough for 20 cycles
  const N = 2000, W = 100, skip = 500;
  const truth = lab.createTask('vanderpol', { length: W + N, seed: 9 }).batch(1).inputs;
  const want = cycle(truth.subarray(2 * (W + skip)), N - skip);
  // free-running: 100 true steps, then 2000 of its own; the first 500 (50 time units) are let go
  const out = model.rollout({ warmup: truth.subarray(0, 2 * W), steps: N });
  const got = cycle(out.subarray(2 * skip), N - skip);
  const periodErr = got.period / want.period - 1, ampErr = got.amplitude / want.amplitude - 1;
  const taus = Array.from(model.getWeights().alpha_logit_l0, (a) => 1 + Math.exp(-a));
  t.diagnostic(`truth: period ${want.period.toFixed(4)}, amplitude ${want.amplitude.toFixed(4)}; model: period ${got.period.toFixed(4)} ` +
    `(${(100 * periodErr).toFixed(2)}%), amplitude ${got.amplitude.toFixed(4)} (${(100 * ampErr).toFixed(2)}%) over ${got.cycles} cycles; ` +
    `${steps} steps of 16 rows in ${seconds.toFixed(1)} s; tau from ${Math.min(...taus).toFixed(2)} to ${Math.max(...taus).toFixed(2)} steps`);
  assert.ok(Math.abs(want.period - 6.6633) < 0.01 && Math.abs(want.amplitude - 2.0086) < 0.01, 'the truth is the known cycle');
  assert.ok(got.cycles >= 15, `a sustained oscillation: ${got.cycles} cycles in ${(N - skip) * DT} time units`);
  assert.ok(Math.abs(periodErr) < 0.02, `period ${got.period} vs ${want.period}`);
  assert.ok(Math.abs(ampErr) < 0.02, `amplitude ${got.amplitude} vs ${want.amplitude}`);
  // every cycle, not only the mean: each period between successive crossings within 2%
  const at = crossings(out.subarray(2 * skip), N - skip, 2, 0);
  for (let k = 1; k < at.length; k++) assert.ok(Math.abs(((at[k] - at[k - 1]) * DT) / want.period - 1) < 0.02, `cycle ${k}: ${(at[k] - at[k - 1]) * DT}`);
  // the time constants learned: they moved away from their common start
  assert.ok(Math.max(...taus) - Math.min(...taus) > 0.1, `tau ${taus}`);
  model.free(), task.free();
});
