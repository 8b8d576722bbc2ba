// systems.test.mjs - the dynamical systems as tasks (core/tasks/systems.c through wasm/tasks.mjs):
// lab.createTask('vanderpol' | 'lorenz' | 'mackey-glass' | 'limit-cycle' | 'sine' | 'flipflop').
// What each system is, checked from the outside (van der Pol's period and the Hopf cycle from
// zero crossings, Lorenz and Mackey-Glass inside their bounds, the sine and flip-flop targets
// recomputed from the inputs), the teacher-forced layout, determinism and an evaluation stream
// apart from training, the result's extra fields, options refused by name; then learning: a small
// GRU learns the 3-bit flip-flop to >= 99% bit accuracy and fits van der Pol one step ahead with
// a low RMSE, its closed-loop rollout staying valid for most of the horizon. The RK4 accuracy
// (halving every step) and evaluate's closed loop replayed by hand are in tests/native/test_systems.c.
// Needs the wasm builds (make).
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';
import { crossings, period } from './helpers/signal.mjs';

const lab = await load();
const SYSTEMS = ['vanderpol', 'lorenz', 'mackey-glass', 'limit-cycle', 'sine', 'flipflop'];
const adam = (learningRate) => ({ optimizer: 'adam', learningRate, clipNorm: 1 });


test('the six systems: sizes, names, defaults, dense input and linear output', () => {
  const want = {
    vanderpol: [2, 2, ['x', 'y'], 200, 64], lorenz: [3, 3, ['x', 'y', 'z'], 200, 64], 'mackey-glass': [1, 1, ['x'], 200, 64],
    'limit-cycle': [2, 2, ['x', 'y'], 200, 64], sine: [1, 1, ['omega'], 50, 256], flipflop: [3, 3, ['in1', 'in2', 'in3'], 100, 256],
  };
  for (const name of SYSTEMS) {
    assert.ok(lab.tasks.includes(name), name);
    const task = lab.createTask(name);
    const [I, V, symbols, length, count] = want[name];
    assert.deepEqual(task.modelConfig, { inputSize: I, input: 'dense', outputSize: V, output: 'linear' }, name);
    assert.deepEqual(task.symbols, symbols, name);
    assert.equal(task.length, length, name);
    assert.deepEqual(task.criterion, { length, count, target: Math.fround(name === 'mackey-glass' ? 0.95 : 0.99) }, name);
    assert.equal(task.isSeq2seq, false);
    const b = task.batch(2);
    assert.equal(b.length, length);
    assert.ok(b.mask.every((m) => m === 1), `${name}: every step is targeted`);
    task.free();
  }
  assert.deepEqual(lab.createTask('sine').outputSymbols, ['sin']);
  assert.deepEqual(lab.createTask('flipflop', { bits: 12 }).outputSymbols.slice(9), ['out10', 'out11', 'out12']);
});

test('autonomous systems: the target at t is the input at t + 1 (one-step prediction, teacher forcing)', () => {
  for (const [name, d] of [['vanderpol', 2], ['lorenz', 3], ['mackey-glass', 1], ['limit-cycle', 2]]) {
    const task = lab.createTask(name, { length: 40, seed: 3 });
    const b = task.batch(4);
    for (let r = 0; r < 4; r++)
      for (let t = 0; t + 1 < 40; t++)
        for (let c = 0; c < d; c++) assert.equal(b.targets[(r * 40 + t) * d + c], b.inputs[(r * 40 + t + 1) * d + c]);
    assert.notDeepEqual(b.inputs.slice(0, d), b.inputs.slice(40 * d, 41 * d), `${name}: rows start from different states`);
    task.free();
  }
});

test('van der Pol (mu = 1): period 6.663 from zero crossings, amplitude 2; mu = 4 slower', () => {
  const T = 1500; // 150 time units
  const task = lab.createTask('vanderpol', { length: T, seed: 2 });
  const b = task.batch(1);
  const p = period(crossings(b.inputs, T, 2, 0)) * 0.1;
  assert.ok(Math.abs(p - 6.6633) < 2e-3, `period ${p}`);
  const amp = 2 * Math.max(...Array.from({ length: T }, (_, t) => Math.abs(b.inputs[2 * t]))); // channel x/2
  assert.ok(Math.abs(amp - 2.0086) < 3e-3, `amplitude ${amp}`);
  const p4 = period(crossings(lab.createTask('vanderpol', { length: T, mu: 4 }).batch(1).inputs, T, 2, 0)) * 0.1;
  assert.ok(Math.abs(p4 - 10.2035) < 3e-3, `mu = 4: period ${p4}`);
  task.free();
});

test('limit-cycle: rows approach radius 1 and turn with period 2 pi / omega', () => {
  for (const omega of [1, 2]) {
    const T = 600, task = lab.createTask('limit-cycle', { length: T, omega, seed: 4 });
    const b = task.batch(3);
    for (let r = 0; r < 3; r++) {
      const x = b.inputs.subarray(r * T * 2, (r + 1) * T * 2);
      const r0 = Math.hypot(x[0], x[1]), rEnd = Math.hypot(x[2 * T - 2], x[2 * T - 1]);
      assert.ok(r0 >= 0.5 && r0 <= 1.5, `start radius ${r0}`);
      assert.ok(Math.abs(rEnd - 1) < 1e-6, `end radius ${rEnd}`);
      const p = period(crossings(x.subarray(2 * 100), T - 100, 2, 0)) * 0.1; // once on the cycle
      assert.ok(Math.abs(p - (2 * Math.PI) / omega) < 1e-3, `omega ${omega}: period ${p}`);
    }
    task.free();
  }
});

test('Lorenz stays inside its attractor\'s box; Mackey-Glass (tau 17) inside [0.2, 1.4]', () => {
  const lz = lab.createTask('lorenz', { length: 1000, seed: 5 }).batch(8).inputs;
  const ch = (a, d, c) => a.filter((_, i) => i % d === c);
  const [x, y, z] = [0, 1, 2].map((c) => ch(lz, 3, c).map((v) => 10 * v));
  const range = (a) => [Math.min(...a), Math.max(...a)];
  const [xl, xh] = range(x), [yl, yh] = range(y), [zl, zh] = range(z.map((v) => v + 25));
  assert.ok(xl > -20 && xh < 20 && yl > -27 && yh < 27 && zl > 1 && zh < 48, `x [${xl}, ${xh}] y [${yl}, ${yh}] z [${zl}, ${zh}]`);
  assert.ok(xh - xl > 30 && zh - zl > 35, 'the rows cover the attractor');
  const mg = Array.from(lab.createTask('mackey-glass', { length: 2000, seed: 5 }).batch(2).inputs, (v) => 0.25 * v + 0.9);
  const [ml, mh] = range(mg);
  assert.ok(ml > 0.2 && mh < 1.4 && ml < 0.5 && mh > 1.25, `mackey-glass x in [${ml}, ${mh}]`);
  // chaotic, not periodic: the peaks take many different heights
  const peaks = new Set();
  for (let t = 1; t + 1 < 2000; t++) if (mg[t] > mg[t - 1] && mg[t] >= mg[t + 1]) peaks.add(mg[t].toFixed(2));
  assert.ok(peaks.size > 15, `${peaks.size} distinct peak heights`);
});

test('sine: the target is sin of the summed frequency inputs; pieces of constant frequency', () => {
  const task = lab.createTask('sine', { length: 90, segments: 3, seed: 6 });
  const b = task.batch(10);
  for (let r = 0; r < 10; r++) {
    let phi = 0;
    for (let t = 0; t < 90; t++) {
      const w = b.inputs[r * 90 + t];
      assert.ok(w >= 0.1 && w <= 0.6, `omega ${w}`);
      if (t % 30) assert.equal(w, b.inputs[r * 90 + t - 1], 'constant within a piece');
      if (t) phi += w;
      assert.ok(Math.abs(b.targets[r * 90 + t] - Math.sin(phi)) < 1e-6, `row ${r} step ${t}`);
    }
  }
  task.free();
});

test('flip-flop: each output holds the sign of its channel\'s last pulse (0 before the first); bit accuracy', () => {
  const task = lab.createTask('flipflop', { length: 120, pulse: 0.08, seed: 7 });
  const b = task.batch(40), n = 40 * 120 * 3;
  let pulses = 0;
  for (let r = 0; r < 40; r++)
    for (let c = 0; c < 3; c++) {
      let held = 0;
      for (let t = 0; t < 120; t++) {
        const k = (r * 120 + t) * 3 + c, u = b.inputs[k];
        assert.ok(u === 0 || u === 1 || u === -1);
        if (u) { held = u; pulses++; }
        assert.equal(b.targets[k], held, `row ${r} channel ${c} step ${t}`);
      }
    }
  assert.ok(Math.abs(pulses / n - 0.08) < 0.01, `pulse rate ${pulses / n}`);
  // the oracle's signs; then one defined bit wrong costs exactly one bit
  const out = Float32Array.from(b.targets, (y) => (y ? 0.6 * y : 0.2));
  const r1 = task.score(b, out);
  assert.equal(r1.accuracy, 1);
  assert.equal(r1.stepAccuracy, 1);
  const defined = b.targets.filter((y) => y !== 0).length;
  const k = b.targets.findIndex((y) => y !== 0);
  out[k] = -out[k];
  const r2 = task.score(b, out);
  assert.ok(Math.abs(r2.accuracy - (1 - 1 / defined)) < 1e-6, `${r2.accuracy}`);
  assert.ok(r2.stepAccuracy < 1 && r2.solved);
  assert.ok(r2.rmse > 0 && r2.baselineRmse > 0.5 && r2.horizonRmse === undefined);
  task.free();
});

test('results: RMSE and the mean predictor for all; closed-loop fields for the four systems', () => {
  const fields = (r) => ['rmse', 'baselineRmse', 'horizonRmse', 'validSteps', 'validTime'].filter((k) => k in r);
  for (const name of SYSTEMS) {
    const task = lab.createTask(name, { length: 20, ...(name === 'sine' || name === 'flipflop' ? {} : { horizon: 15 }) });
    const model = lab.createModel({ ...task.modelConfig, cell: 'gru', hiddenSize: 4, seed: 1 });
    const r = task.evaluate(model, { count: 3, seed: 2 });
    const want = name === 'lorenz' || name === 'mackey-glass' ? 5 : name === 'sine' || name === 'flipflop' ? 2 : 4;
    assert.equal(fields(r).length, want, `${name}: ${fields(r)}`);
    for (const k of fields(r)) assert.ok(Number.isFinite(r[k]) && r[k] >= 0, `${name}.${k} = ${r[k]}`);
    if (r.validSteps !== undefined) assert.ok(r.validSteps <= 15);
    if (name === 'lorenz') assert.ok(Math.abs(r.validTime - r.validSteps * 0.02 * 0.906) < 1e-5);
    // scoring a batch has no closed loop
    const b = task.batch(2);
    assert.deepEqual(fields(task.score(b, b.targets)), ['rmse', 'baselineRmse']);
    assert.equal(task.score(b, b.targets).rmse, 0);
    model.free(); task.free();
  }
  const bi = lab.createTask('vanderpol', { length: 20 });
  const m = lab.createModel({ ...bi.modelConfig, cell: 'gru', hiddenSize: 4, bidirectional: true });
  assert.equal(bi.evaluate(m, { count: 2 }).validSteps, undefined, 'a bidirectional model has no closed loop');
  assert.equal(lab.createTask('mackey-glass', { tau: 20, length: 20, horizon: 5 }).evaluate(
    lab.createModel({ inputSize: 1, input: 'dense', outputSize: 1, output: 'linear', hiddenSize: 2 }), { count: 2 }).validTime, undefined,
  'Lyapunov times only at tau 17');
});

test('determinism, and an evaluation stream apart from training', () => {
  for (const name of SYSTEMS) {
    const a = lab.createTask(name, { seed: 11, length: 30 }), b = lab.createTask(name, { seed: 11, length: 30 });
    const c = lab.createTask(name, { seed: 12, length: 30 });
    const x = a.batch(3);
    assert.deepEqual(x, b.batch(3), `${name}: same seed, same batch`);
    assert.notDeepEqual(x.inputs, c.batch(3).inputs, `${name}: other seed, other batch`);
    const model = lab.createModel({ ...a.modelConfig, cell: 'gru', hiddenSize: 4, seed: 1 });
    const e1 = a.evaluate(model, { count: 4, seed: 9 });
    assert.deepEqual(e1, a.evaluate(model, { count: 4, seed: 9 }), `${name}: same evaluation seed, same result`);
    assert.notEqual(e1.loss, a.evaluate(model, { count: 4, seed: 10 }).loss, `${name}: other evaluation seed, other data`);
    assert.deepEqual(a.batch(3), b.batch(3), `${name}: evaluating does not move the training stream`);
    // the evaluation rows are not the training rows, even with the same seed number
    const t11 = lab.createTask(name, { seed: 9, length: 30 }), tb = t11.batch(4);
    const fromTrain = model.forward(tb).loss;
    assert.notEqual(a.evaluate(model, { count: 4, seed: 9 }).loss, fromTrain, `${name}: evaluation seed 9 is not training seed 9`);
    model.free(); a.free(); b.free(); c.free(); t11.free();
  }
});

test('bad options name the key; the task API still works afterwards', () => {
  assert.throws(() => lab.createTask('vanderpol', { mu: 11 }), /task 'vanderpol': option mu=11: must be a number in \[0, 10\]/);
  assert.throws(() => lab.createTask('mackey-glass', { tau: 17.05 }), /tau=17.05: must be a multiple of 0.1/);
  assert.throws(() => lab.createTask('lorenz', { mu: 2 }), /task 'lorenz': unknown option 'mu' \(known: seed,length,evalLength,evalCount,target,transient,horizon,tolerance\)/);
  assert.throws(() => lab.createTask('lorenz', { horizon: 1.5 }), /horizon=1.5: must be an integer in 0..10000/);
  assert.throws(() => lab.createTask('limit-cycle', { omega: 20 }), /omega=20/);
  assert.throws(() => lab.createTask('flipflop', { bits: 0 }), /bits=0: must be an integer in 1..16/);
  assert.throws(() => lab.createTask('flipflop', { pulse: 1.5 }), /pulse=1.5: must be a probability in \(0, 1\]/);
  assert.throws(() => lab.createTask('sine', { tolerance: 0 }), /tolerance=0: must be a number in \(0, 10\]/);
  assert.throws(() => lab.createTask('sine', { text: 'abc' }), /option text is for the 'text' task only/);
  const task = lab.createTask('flipflop', { bits: 2, pulse: 0.5, seed: 1 });
  assert.throws(() => task.batch(0), /batchSize/);
  assert.deepEqual(task.modelConfig.inputSize, 2);
  assert.equal(task.batch(2, { length: 7 }).length, 7, 'the task still works');
  task.free();
});

test('a small GRU learns the 3-bit flip-flop to >= 99% bit accuracy', async (t) => {
  const task = lab.createTask('flipflop', { seed: 1 });
  const model = lab.createModel({ ...task.modelConfig, cell: 'gru', hiddenSize: 16, seed: 1 });
  const r = await lab.train({ task, model, batchSize: 32, maxSteps: 1500, evalEvery: 50, trainerOptions: adam(0.01), testCount: 512 });
  t.diagnostic(`flipflop GRU H16: ${r.stop} after ${r.steps} steps, ${r.seconds.toFixed(1)} s; test bit accuracy ${(100 * r.test.accuracy).toFixed(2)}%, RMSE ${r.test.rmse.toFixed(3)}`);
  assert.equal(r.stop, 'solved');
  assert.ok(r.test.accuracy >= 0.99, `bit accuracy ${r.test.accuracy}`);
  // longer sequences than training: the memories hold
  assert.ok(task.evaluate(model, { count: 128, length: 400, seed: 3 }).accuracy >= 0.99, 'length 400');
  model.free(); task.free();
});

test('a small GRU fits van der Pol one step ahead; its closed loop stays on the cycle', async (t) => {
  const task = lab.createTask('vanderpol', { length: 50, seed: 1 });
  const model = lab.createModel({ ...task.modelConfig, cell: 'gru', hiddenSize: 16, seed: 1 });
  const r = await lab.train({ task, model, batchSize: 32, maxSteps: 1500, evalEvery: 100, trainerOptions: adam(0.01) });
  const e = r.test;
  t.diagnostic(`vanderpol GRU H16: ${r.stop} after ${r.steps} steps, ${r.seconds.toFixed(1)} s; test RMSE ${e.rmse.toFixed(4)} `
    + `(the mean: ${e.baselineRmse.toFixed(3)}), ${(100 * e.accuracy).toFixed(1)}% of steps within 0.05; closed loop `
    + `${e.validSteps.toFixed(1)} of 200 steps valid, RMSE ${e.horizonRmse.toFixed(3)}`);
  assert.ok(e.rmse < 0.015, `one-step RMSE ${e.rmse}`);
  assert.ok(e.rmse < e.baselineRmse / 40);
  assert.ok(e.accuracy >= 0.95, `${e.accuracy}`);
  assert.ok(e.validSteps > 100, `valid steps ${e.validSteps}`);
  model.free(); task.free();
});
