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
  assert.throws(() => lab.createSeq2Seq({ ...task.modelConfig, hiddenSize: 4, bidirectional: 1 }), /bidirectional/);
  assert.throws(() => lab.createSeq2Seq({ ...task.modelConfig, hiddenSize: 4, attention: 'luong' }), /config\.attention must be one of 'none', 'additive', 'dot', 'general'/);
  assert.throws(() => lab.createModel({ ...task.modelConfig, hiddenSize: 4, attention: 'dot' }), /config\.attention: attention belongs to encoder-decoders/);
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
  // confirm: 2 validations in a row meet 99%: a run stopped at its first pass sits right at the
  // threshold, and the fresh test set then lands on either side of it (98.6% after a rounding change)
  const r = await lab.train({ task, model, trainerOptions: { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 },
    batchSize: 32, maxSteps: 4000, evalEvery: 250, yieldMs: 0, teacherForcing: 0.5, confirm: 2 });
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

test('seq2seq save / loadSeq2Seq: bit-exact weights, optimizer state and generator; training resumes exactly', () => {
  const task = lab.createTask('reverse', { length: 4, evalLength: 4, seed: 7 });
  const a = lab.createSeq2Seq({ ...task.modelConfig, cell: 'lstm', hiddenSize: 6, layers: 2, seed: 4 }, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  try {
    assert.throws(() => a.save({ optimizer: true }), /no optimizer state yet/);
    for (let i = 0; i < 4; i++) a.step(task.batch(8), { teacherForcing: 0.5 });
    const bytes = a.save({ optimizer: true });
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual(Array.from(bytes.subarray(0, 8)), [82, 78, 78, 76, 65, 66, 0, 2], 'magic RNNLAB\\0 and kind 2');
    const b = lab.loadSeq2Seq(bytes);
    try {
      assert.deepEqual(b.config, a.config);
      assert.equal(b.steps, 4);
      assert.equal(b.learningRate, a.learningRate);
      assert.deepEqual(b.trainerOptions, a.trainerOptions);
      const wa = a.getWeights(), wb = b.getWeights();
      for (const k of Object.keys(wa)) assert.deepEqual(wb[k], wa[k], k);
      assert.deepEqual(b.save({ optimizer: true }), bytes, 'save(load(bytes)) is the same bytes');
      // the same batches, teacher forcing 0.5 (coins from the saved generator): the same losses
      for (let i = 0; i < 3; i++) {
        const batch = task.batch(8);
        assert.equal(b.step(batch, { teacherForcing: 0.5 }).loss, a.step(batch, { teacherForcing: 0.5 }).loss, `step ${i}`);
      }
      assert.deepEqual(b.getWeights()['decoder.fc.weight'], a.getWeights()['decoder.fc.weight']);
      // weights only: smaller, no optimizer state, decodes the same
      const w = a.save({ optimizer: false });
      assert.ok(w.length < bytes.length);
      const c = lab.loadSeq2Seq(w.buffer);
      assert.equal(c.steps, 0);
      const src = task.evalSet({ count: 3 });
      assert.deepEqual(c.greedy(src, { bos: 1, eos: 2, maxLength: 6 }), a.greedy(src, { bos: 1, eos: 2, maxLength: 6 }));
      assert.deepEqual(c.evaluate(task, { count: 50 }), a.evaluate(task, { count: 50 }));
      c.free();
    } finally { b.free(); }
  } finally { a.free(); task.free(); }
});

test('seq2seq trace: model.trace for the encoder and the teacher-forced decoder', () => {
  const task = lab.createTask('reverse', { length: 4, evalLength: 4, seed: 3 });
  const s = lab.createSeq2Seq({ ...task.modelConfig, cell: 'lstm', hiddenSize: 5, layers: 2, seed: 2 });
  try {
    const b = task.batch(3), H = 5, V = task.modelConfig.outputSize;
    const tr = s.trace(b);
    assert.equal(tr.loss, s.forward(b).loss);
    assert.equal(tr.encoder.loss, tr.loss);
    assert.deepEqual([tr.encoder.batchSize, tr.encoder.length, tr.encoder.hiddenSize], [3, b.srcLength, H]);
    assert.deepEqual([tr.decoder.batchSize, tr.decoder.length], [3, b.tgtLength]);
    assert.deepEqual(tr.decoder.gateNames, ['i', 'f', 'g', 'o']);
    assert.equal(tr.encoder.layers.length, 2);
    assert.equal(tr.encoder.outputs.length, 0, 'the encoder readout is unused');
    assert.deepEqual(tr.decoder.outputs, s.forward(b).outputs, 'decoder outputs are the teacher-forced distributions');
    const e0 = tr.encoder.layers[0][0], d1 = tr.decoder.layers[1][0];
    assert.equal(e0.gates.length, 3 * b.srcLength * 4 * H);
    assert.equal(d1.hidden.length, 3 * b.tgtLength * H);
    assert.equal(tr.decoder.outputs.length, 3 * b.tgtLength * V);
    assert.ok(e0.gradNorm.some((x) => x > 0), 'dL/dh reaches the encoder through the context');
    assert.ok(d1.gradNorm.every((x) => Number.isFinite(x)));
    // the gradients afterwards are this batch's, as after backward
    const g = s.getGradients();
    s.backward(b);
    assert.deepEqual(s.getGradients(), g);
  } finally { s.free(); task.free(); }
});

test('seq2seq learning rate: getter, setLearningRate, and probes between steps leave training alone', () => {
  const task = lab.createTask('reverse', { length: 4, evalLength: 4, seed: 5 });
  const run = (probe) => {
    task.reset();
    const s = lab.createSeq2Seq({ ...task.modelConfig, cell: 'gru', hiddenSize: 8, seed: 6 }, { optimizer: 'adam', learningRate: 0.02 });
    assert.equal(s.learningRate, Math.fround(0.02));
    const losses = [];
    try {
      for (let i = 0; i < 6; i++) {
        if (i === 3) { s.setLearningRate(0.005); assert.equal(s.learningRate, Math.fround(0.005)); }
        losses.push(s.step(task.batch(8), { teacherForcing: 0.5 }).loss);
        if (probe) {
          const ev = task.evalSet({ count: 2 });
          s.trace(ev);
          s.evaluate(task, { count: 20, beamWidth: 2 });
          s.decode(ev.src.subarray(0, ev.srcLength), { bos: 1, eos: 2, length: 6, strategy: 'sample', seed: 3 });
          s.greedy(ev, { bos: 1, eos: 2, maxLength: 6 });
        }
      }
      assert.equal(s.steps, 6);
      assert.equal(s.trainerOptions.learningRate, Math.fround(0.005));
    } finally { s.free(); }
    return losses;
  };
  assert.deepEqual(run(true), run(false));
  task.free();
});
