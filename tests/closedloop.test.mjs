// Closed-loop (free-running) training by BPTT (core/train/closedloop.c, createTrainer's
// closedLoop option): what a step computes, checked against model.rollout and against teacher
// forcing; the option's errors, config and save/load; and that closed-loop fine-tuning of a small
// CT-RNN beats teacher forcing alone on the Hopf limit cycle's free-running horizon.
// (The gradient through the feedback is checked by central differences in tests/native/test_gradcheck.c.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { load } from '../wasm/rnnlab.mjs';

const lab = await load();
const dense = { input: 'dense', output: 'linear', inputSize: 2, outputSize: 2, hiddenSize: 6, seed: 3 };

test('closedLoop warmup 1: the loss of a step is that of model.rollout from the first input', () => {
  for (const cfg of [{ cell: 'ctrnn', alpha: 0.4, learnTau: true }, { cell: 'gru', layers: 2 }, { cell: 'lstm' }]) {
    const task = lab.createTask('vanderpol', { length: 30, seed: 2 });
    const b = task.batch(1);
    const m = lab.createModel({ ...dense, ...cfg });
    const out = m.rollout({ warmup: b.inputs.subarray(0, 2), steps: 30 }); // o_0 .. o_29, each fed back
    let want = 0;
    for (let i = 0; i < out.length; i++) want += 0.5 * (out[i] - b.targets[i]) ** 2;
    want /= 30;
    const t = lab.createTrainer(m, { optimizer: 'sgd', learningRate: 0.01, closedLoop: true });
    const r = t.step(b);
    assert.ok(Math.abs(r.loss - want) <= 1e-5 * want, `${cfg.cell}: step loss ${r.loss}, rollout ${want}`);
    assert.equal(r.chunks, 1);
    m.free(), task.free();
  }
});

test('closedLoop with warmup >= length is teacher forcing: the same loss and the same update', () => {
  const task = lab.createTask('limit-cycle', { length: 25, seed: 4 });
  const b = task.batch(4);
  const a = lab.createModel({ ...dense, cell: 'ctrnn', alpha: 0.5 }), c = lab.createModel({ ...dense, cell: 'ctrnn', alpha: 0.5 });
  const ta = lab.createTrainer(a, { optimizer: 'adam', learningRate: 0.01 });
  const tc = lab.createTrainer(c, { optimizer: 'adam', learningRate: 0.01, closedLoop: { warmup: 25 } });
  for (let i = 0; i < 3; i++) {
    const ra = ta.step(b), rc = tc.step(b);
    assert.ok(Math.abs(ra.loss - rc.loss) <= 1e-6 * ra.loss, `step ${i}: ${ra.loss} vs ${rc.loss}`);
    assert.ok(Math.abs(ra.gradNorm - rc.gradNorm) <= 1e-5 * ra.gradNorm, `step ${i}: norm ${ra.gradNorm} vs ${rc.gradNorm}`);
  }
  const wa = a.getWeights(), wc = c.getWeights();
  for (const k of Object.keys(wa)) for (let i = 0; i < wa[k].length; i++) assert.ok(Math.abs(wa[k][i] - wc[k][i]) < 1e-5, `${k}[${i}]`);
  // and a shorter warm-up trains on something else
  const d = lab.createModel({ ...dense, cell: 'ctrnn', alpha: 0.5 });
  const td = lab.createTrainer(d, { optimizer: 'adam', learningRate: 0.01, closedLoop: { warmup: 5 } });
  assert.notEqual(td.step(b).loss, lab.createTrainer(lab.createModel({ ...dense, cell: 'ctrnn', alpha: 0.5 }), {}).step(b).loss);
  a.free(), c.free(), d.free(), task.free();
});

test('closedLoop: trainer.config shows it; a saved trainer resumes closed-loop, step for step', () => {
  const m = lab.createModel({ ...dense, cell: 'gru' });
  const t = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.005, closedLoop: { warmup: 7 } });
  assert.deepEqual(t.config.closedLoop, { warmup: 7 });
  assert.equal(lab.createTrainer(m, { closedLoop: true }).config.closedLoop.warmup, 1);
  assert.equal(lab.createTrainer(m, {}).config.closedLoop, false);
  assert.equal(lab.createTrainer(m, t.config).config.closedLoop.warmup, 7, 'config round-trips through createTrainer');
  const task = lab.createTask('vanderpol', { length: 40, seed: 6 });
  t.step(task.batch(3));
  const learner = lab.loadLearner(t.save());
  assert.deepEqual(learner.config.closedLoop, { warmup: 7 });
  const b = task.batch(3);
  assert.deepEqual(learner.step(b), t.step(b));
  assert.deepEqual(learner.model.getWeights(), m.getWeights());
  // teacher-forced trainers' files are as before: no closed loop after loading
  const tf = lab.createTrainer(m, { optimizer: 'adam' });
  tf.step(b);
  assert.equal(lab.loadLearner(tf.save()).config.closedLoop, false);
  learner.free(), m.free(), task.free();
});

test('closedLoop: models and options where feeding the output back makes no sense are refused', async () => {
  const cases = [
    [{ cell: 'lstm', inputSize: 3, outputSize: 3 }, {}, /closedLoop feeds each output back as the next input: it needs input 'dense', output 'linear'.*input 'onehot', output 'softmax'/],
    [{ ...dense, outputSize: 3 }, {}, /outputSize == inputSize \(this model: .*inputSize 2, outputSize 3\)/],
    [{ ...dense, output: 'sigmoid' }, {}, /output 'sigmoid'/],
    [{ ...dense, bidirectional: true }, {}, /closedLoop: a bidirectional model/],
    [dense, { truncate: 10 }, /closedLoop backpropagates through the whole feedback: it needs truncate 0 \(got 10\)/],
    [{ ...dense, cell: 'lsm' }, {}, /closedLoop: the LSM's spikes pass no gradient back to its input/],
  ];
  for (const [cfg, extra, re] of cases) {
    const m = lab.createModel(cfg);
    assert.throws(() => lab.createTrainer(m, { ...extra, closedLoop: { warmup: 2 } }), re);
    m.free();
  }
  const m = lab.createModel(dense);
  assert.throws(() => lab.createTrainer(m, { closedLoop: { warmup: 0 } }), /options\.closedLoop\.warmup/);
  assert.throws(() => lab.createTrainer(m, { closedLoop: { warmup: 2.5 } }), /options\.closedLoop\.warmup/);
  assert.throws(() => lab.createTrainer(m, { closedLoop: 'yes' }), /options\.closedLoop must be true, false or \{ warmup \}/);
  assert.throws(() => lab.createTrainer(m, { closedLoop: { warmUp: 3 } }), /unknown options\.closedLoop key 'warmUp'/);
  // lab.train: the tasks whose input is not the previous target (the sine's is its frequency)
  const sine = lab.createTask('sine', { length: 20 });
  const sm = lab.createModel({ ...sine.modelConfig, cell: 'gru', hiddenSize: 4 });
  await assert.rejects(lab.train({ task: sine, model: sm, trainerOptions: { closedLoop: { warmup: 5 } }, maxSteps: 2 }),
    /closedLoop: task 'sine' does not take its own next state as its input/);
  sm.free(), sine.free();
  // the model still trains
  const task = lab.createTask('vanderpol', { length: 20 });
  assert.ok(Number.isFinite(lab.createTrainer(m, { closedLoop: { warmup: 4 } }).step(task.batch(2)).loss));
  m.free(), task.free();
});

test('closed-loop fine-tuning beats teacher forcing alone on the limit cycle\'s free-running horizon', (t) => {
  // A CT-RNN of 4 units, teacher-forced for 600 steps; then 300 more steps either teacher-forced or
  // closed-loop (20 true inputs, then 80 of its own), same optimizer, rate and batches. Scored
  // closed-loop: 200 predictions after the 100 teacher-forced steps of each held-out row.
  const task = lab.createTask('limit-cycle', { length: 100, seed: 3 });
  const model = lab.createModel({ cell: 'ctrnn', input: 'dense', output: 'linear', inputSize: 2, outputSize: 2, hiddenSize: 4, alpha: 0.5, seed: 1 });
  const pre = lab.createTrainer(model, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  for (let i = 0; i < 600; i++) pre.step(task.nextBatch(8));
  const score = (m) => task.evaluate(m, { count: 32, seed: 77 });
  const before = score(model);
  const bytes = model.save();
  const after = {};
  for (const mode of ['teacher', 'closed']) {
    const m = lab.loadModel(bytes);
    const stream = lab.createTask('limit-cycle', { length: 100, seed: 5 });
    const tr = lab.createTrainer(m, { optimizer: 'adam', learningRate: 3e-4, clipNorm: 1, ...(mode === 'closed' ? { closedLoop: { warmup: 20 } } : {}) });
    for (let i = 0; i < 300; i++) tr.step(stream.nextBatch(16));
    after[mode] = score(m);
    m.free(), stream.free();
  }
  const msg = `horizon RMSE: before ${before.horizonRmse}, teacher forcing ${after.teacher.horizonRmse}, closed loop ${after.closed.horizonRmse}`;
  t.diagnostic(msg);
  assert.ok(after.closed.horizonRmse < 0.8 * before.horizonRmse, msg);
  assert.ok(after.closed.horizonRmse < 0.9 * after.teacher.horizonRmse, msg);
  // teacher forcing still wins its own objective, the one-step loss: what each optimises differs
  assert.ok(after.teacher.loss < after.closed.loss, `one-step loss: teacher ${after.teacher.loss}, closed ${after.closed.loss}`);
  model.free(), task.free();
});

test('rnnlab train --learn-tau --closed-loop N: the options reach the model and the trainer', () => {
  const cli = new URL('../cli/rnnlab.mjs', import.meta.url).pathname;
  const out = JSON.parse(execFileSync(process.execPath, [cli, 'train', '--task', 'vanderpol', '--cell', 'ctrnn', '--alpha', '0.5',
    '--hidden-size', '4', '--learn-tau', '--closed-loop', '10', '--max-steps', '3', '--json'], { encoding: 'utf8' }));
  assert.equal(out.model.learnTau, true);
  assert.deepEqual(out.trainer.closedLoop, { warmup: 10 });
  assert.equal(out.parameterCount, 4 * (2 + 4 + 2) + 4 + 2 * 4 + 2, 'weights, biases, one time constant per unit, the readout');
  assert.equal(out.steps, 3);
});
