// Sequence to sequence: the JS API of lab.createSeq2Seq (shapes, names, teacher-forced loss
// against the sum of per-step log-probabilities, greedy = beam K=1, errors that leave the lab
// working) and learning from scratch with lab.train on the seq2seq tasks, scored by exact match
// of greedy decoding on held-out pairs. The suite runs smaller instances (reverse up to length 5,
// decimal addition of 2-digit numbers); the full criteria (reverse up to 10, 3-digit addition)
// are the CLI's `rnnlab train --task reverse` / `--task decimal-addition` runs (closing note).
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load();

test('seq2seq API: shapes, weights, loss, decoding agree', () => {
  const task = lab.createTask('reverse', { length: 4, evalLength: 4, seed: 3 });
  const model = lab.createSeq2Seq({ ...task.modelConfig, cell: 'lstm', hiddenSize: 8, layers: 2, seed: 5 });
  try {
    assert.equal(model.config.cell, 'lstm');
    assert.equal(model.config.layers, 2);
    const V = task.modelConfig.outputSize, H = 8;
    const w = model.getWeights();
    assert.deepEqual(w['encoder.weight_ih_l0'].length, 4 * H * task.modelConfig.inputSize);
    assert.deepEqual(w['decoder.fc.weight'].length, V * H);
    assert.ok(!('encoder.fc.weight' in w), 'the encoder has no readout');
    const count = Object.values(w).reduce((n, a) => n + a.length, 0);
    assert.equal(model.parameterCount, count);
    const b = task.batch(3);
    const { outputs, loss } = model.forward(b);
    assert.equal(outputs.length, b.batchSize * b.tgtLength * V);
    // loss = mean over targeted steps of -log p(target)
    let sum = 0, n = 0;
    for (let i = 0; i < b.decTgt.length; i++) if (b.decTgt[i] >= 0) sum -= Math.log(outputs[i * V + b.decTgt[i]]), n++;
    assert.ok(Math.abs(loss - sum / n) < 1e-5, `loss ${loss} vs ${sum / n}`);
    // gradients reach the encoder only through the context
    model.backward(b);
    const g = model.getGradients();
    assert.ok(g['encoder.weight_hh_l1'].some((x) => x !== 0));
    // setWeights round trip
    model.setWeights({ 'decoder.fc.bias': new Float32Array(V).fill(0.25) });
    assert.deepEqual(Array.from(model.getWeights()['decoder.fc.bias']), new Array(V).fill(0.25));
    // greedy decoding equals beam search with K = 1, row by row
    const { bos, eos } = task.specials;
    const rows = model.greedy(b, { bos, eos, maxLength: b.tgtLength });
    for (let i = 0; i < b.batchSize; i++) {
      const src = b.src.slice(i * b.srcLength, (i + 1) * b.srcLength);
      const beam = model.decode(src, { bos, eos, strategy: 'beam', beamWidth: 1, length: b.tgtLength });
      const toks = Array.from(beam.tokens);
      if (toks.at(-1) === eos) toks.pop();
      assert.deepEqual(Array.from(rows[i]), toks);
    }
  } finally { model.free(); task.free(); }
});

test('seq2seq errors name the problem and leave the model working', () => {
  const task = lab.createTask('copy', { length: 3, evalLength: 3 });
  const model = lab.createSeq2Seq({ ...task.modelConfig, cell: 'gru', hiddenSize: 6, seed: 1 });
  const b = task.batch(2);
  const before = model.forward(b).loss;
  assert.throws(() => lab.createSeq2Seq({ ...task.modelConfig, hiddenSize: 4, bidirectional: true }), /bidirectional/);
  assert.throws(() => lab.createSeq2Seq({ ...task.modelConfig, hiddenSize: 4, output: 'linear' }), /config.output/);
  assert.throws(() => model.forward({ ...b, src: b.src.subarray(1) }), /batch.src must have/);
  assert.throws(() => model.forward({ ...b, decIn: Int32Array.from(b.decIn, () => 99) }), /batch.decIn\[0\] = 99/);
  assert.throws(() => model.step(b, { teacherForcing: 2 }), /teacherForcing/);
  assert.throws(() => model.decode(b.src, { bos: 1, length: 0 }), /options.length/);
  const other = lab.createTask('parity');
  assert.throws(() => model.evaluate(other), /not sequence-to-sequence/);
  assert.equal(model.forward(b).loss, before);
  model.free();
  model.free(); // idempotent
  assert.throws(() => model.forward(b), /freed/);
  other.free(); task.free();
});

test('reverse (strings up to length 5) is learned: >= 99% exact match held out, teacher forcing 0.5 too', async () => {
  const task = lab.createTask('reverse', { length: 5, evalLength: 5, seed: 1 });
  const model = lab.createSeq2Seq({ ...task.modelConfig, cell: 'gru', hiddenSize: 64, seed: 1 });
  const r = await lab.train({ task, model, trainerOptions: { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 },
    batchSize: 32, maxSteps: 4000, evalEvery: 250, yieldMs: 0, teacherForcing: 0.5 });
  assert.ok(r.solved, `not solved in ${r.steps} steps: ${JSON.stringify(r.validation)}`);
  assert.ok(r.test.accuracy >= 0.99, `held-out exact match ${r.test.accuracy}`);
  // beam search is at least as good as greedy on the same pairs
  const beam = model.evaluate(task, { count: 300, seed: 77, beamWidth: 4 }), greedy = model.evaluate(task, { count: 300, seed: 77 });
  assert.ok(beam.accuracy >= greedy.accuracy - 0.01, `beam ${beam.accuracy} vs greedy ${greedy.accuracy}`);
  model.free(); task.free();
});

test('decimal addition (numbers up to 2 digits) is learned: >= 99% exact match held out', async () => {
  const r0 = lab.recipes['decimal-addition-2'];
  const task = lab.createTask(r0.task, r0.taskOptions);
  const model = lab.createSeq2Seq({ ...task.modelConfig, ...r0.model });
  const r = await lab.train({ task, model, ...r0.train, yieldMs: 0 });
  assert.ok(r.solved, `not solved in ${r.steps} steps: ${JSON.stringify(r.validation)}`);
  assert.ok(r.test.accuracy >= 0.99, `held-out exact match ${r.test.accuracy}`);
  // "57+8" -> "65": a problem written by hand, left-padded to the task's source length (5)
  const sym = task.symbols, problem = '57+8';
  const src = Int32Array.from([...' '.repeat(5 - problem.length), ...problem], (c) => (c === ' ' ? task.specials.pad : sym.indexOf(c)));
  const out = model.decode(src, { bos: task.specials.bos, eos: task.specials.eos, length: 4 });
  assert.equal(Array.from(out.tokens, (t) => sym[t]).join(''), '65</s>');
  model.free(); task.free();
});
