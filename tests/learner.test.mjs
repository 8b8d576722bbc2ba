// The Learner protocol (issue 11): a plain model's Trainer and an encoder-decoder expose the same
// members (step, evaluate, trace, save, learningRate, trainerOptions, steps, free, kind), and
// lab.loadLearner(x.save()) continues with the same next loss, bit for bit, for both. Also: the
// zero-copy batches of task.nextBatch train exactly as task.batch copies do; lab.train takes any
// learner; the one gradient contract of backward (exactly this batch's gradients) in JS and C.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';
import { DEFAULT_TRAINER, FILE_KINDS, fileKind } from '../wasm/names.mjs';

const lab = await load();

/** every member of the protocol, and what it is */
const PROTOCOL = { step: 'function', evaluate: 'function', trace: 'function', save: 'function', free: 'function',
  learningRate: 'number', trainerOptions: 'object', steps: 'number', freed: 'boolean', kind: 'string' };

/** The learners of each family, with their tasks: a parity LSTM, a reverse GRU encoder-decoder and one with attention. */
function families() {
  const parity = lab.createTask('parity', { length: 6, seed: 2 });
  const model = lab.createModel({ ...parity.modelConfig, cell: 'lstm', hiddenSize: 6, seed: 3 });
  const trainer = lab.createLearner(model, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  const reverse = lab.createTask('reverse', { length: 4, evalLength: 4, seed: 4 });
  const s2s = lab.createLearner(lab.createSeq2Seq({ ...reverse.modelConfig, cell: 'gru', hiddenSize: 8, seed: 5 }),
    { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  const reverse2 = lab.createTask('reverse', { length: 4, evalLength: 4, seed: 4 });
  const att = lab.createLearner(lab.createSeq2Seq({ ...reverse2.modelConfig, cell: 'lstm', hiddenSize: 8, seed: 5, attention: 'additive', bidirectional: true }),
    { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
  return [
    { name: 'trainer', learner: trainer, task: parity, stepOptions: undefined, free: () => { trainer.free(); model.free(); parity.free(); } },
    { name: 'seq2seq', learner: s2s, task: reverse, stepOptions: { teacherForcing: 0.5 }, free: () => { s2s.free(); reverse.free(); } },
    { name: 'attention', learner: att, task: reverse2, stepOptions: { teacherForcing: 0.5 }, free: () => { att.free(); reverse2.free(); } },
  ];
}

/** @param {any} learner @param {string} member */
const typeOf = (learner, member) => (learner[member] === null ? 'null' : typeof learner[member]);

test('a trainer and an encoder-decoder expose the same protocol members', () => {
  const fams = families();
  try {
    for (const { name, learner } of fams) {
      for (const [member, type] of Object.entries(PROTOCOL)) assert.equal(typeOf(learner, member), type, `${name}.${member}`);
    }
    assert.deepEqual(fams.map((f) => f.learner.kind), ['model', 'seq2seq', 'seq2seq']);
    for (const { learner } of fams) {
      assert.equal(learner.steps, 0);
      assert.equal(learner.trainerOptions.optimizer, 'adam');
      learner.learningRate = 0.02; // read/write property, float32 as stored
      assert.equal(learner.learningRate, Math.fround(0.02));
    }
  } finally { for (const f of fams) f.free(); }
});

test('step, evaluate, trace through the protocol; lab.loadLearner(x.save()) continues with the same next loss', () => {
  const fams = families();
  try {
    for (const { name, learner, task, stepOptions } of fams) {
      const step = (/** @type {any} */ l, /** @type {any} */ b) => (stepOptions ? l.step(b, stepOptions) : l.step(b));
      for (let i = 0; i < 5; i++) {
        const r = step(learner, task.nextBatch(4));
        assert.ok(Number.isFinite(r.loss) && Number.isFinite(r.gradNorm) && typeof r.clipped === 'boolean', `${name}: step result`);
      }
      assert.equal(learner.steps, 5, `${name}: steps`);
      const result = learner.evaluate(task, { count: 20, seed: 7 });
      assert.ok(result.accuracy >= 0 && result.accuracy <= 1 && result.sequences === 20, `${name}: evaluate`);
      const trace = learner.trace(task.batch(2));
      assert.ok(Number.isFinite(trace.loss), `${name}: trace`);

      const bytes = learner.save();
      assert.equal(fileKind(bytes), learner.kind, `${name}: the file's kind`);
      const back = /** @type {any} */ (lab.loadLearner(bytes));
      try {
        assert.equal(back.kind, learner.kind);
        assert.equal(back.steps, 5, `${name}: steps restored`);
        assert.equal(back.learningRate, learner.learningRate);
        assert.deepEqual(back.trainerOptions, learner.trainerOptions);
        for (let i = 0; i < 3; i++) { // the same batches: bit-identical losses, the optimizer state was in the file
          const batch = task.batch(4);
          assert.equal(step(back, batch).loss, step(learner, batch).loss, `${name}: loss of step ${i + 1} after the load`);
        }
        assert.deepEqual(back.save(), learner.save(), `${name}: the two learners are in the same state`);
      } finally { back.free(); }
      assert.ok(back.freed, `${name}: free()`);
      back.free(); // idempotent
    }
  } finally { for (const f of fams) f.free(); }
});

test('lab.loadLearner: a plain model saved without its optimizer gets a fresh trainer; bad bytes are refused by name', () => {
  const task = lab.createTask('parity', { length: 5, seed: 1 });
  const model = lab.createModel({ ...task.modelConfig, hiddenSize: 4, seed: 2 });
  try {
    const fresh = /** @type {any} */ (lab.loadLearner(model.save()));
    assert.equal(fresh.kind, 'model');
    assert.equal(fresh.steps, 0);
    assert.equal(fresh.trainerOptions.optimizer, DEFAULT_TRAINER.optimizer);
    assert.equal(fresh.learningRate, Math.fround(DEFAULT_TRAINER.learningRate));
    // it trains like a trainer made for the same weights
    const twin = lab.createLearner(model);
    const batch = task.batch(3);
    assert.equal(fresh.step(batch).loss, twin.step(batch).loss);
    twin.free();
    const theirs = /** @type {any} */ (lab.loadLearner(model.save(), { trainerOptions: { optimizer: 'sgd', learningRate: 0.5 } }));
    assert.equal(theirs.trainerOptions.optimizer, 'sgd');
    theirs.free();
    fresh.free();
    assert.ok(!model.freed, 'a loaded learner frees its own model only');
    assert.throws(() => lab.loadLearner(new Uint8Array([1, 2, 3])), /^Error: rnnlab: loadLearner: bytes are not a file rnnlab wrote \(3 bytes\)$/);
    assert.throws(() => lab.loadLearner(new TextEncoder().encode('not an rnnlab file')), /loadLearner: bytes are not a file rnnlab wrote \(bad magic\)/);
    const future = model.save();
    future[7] = 99;
    assert.throws(() => lab.loadLearner(future), /loadLearner: a file of kind unknown \(99\): saved by a newer rnnlab\?/);
    assert.throws(() => lab.loadLearner(/** @type {any} */ ('bytes')), /loadLearner: bytes must be a Uint8Array or ArrayBuffer/);
    assert.throws(() => lab.loadLearner(model.save(), /** @type {any} */ ({ trainer: {} })), /loadLearner: unknown option 'trainer'/);
    assert.deepEqual(Object.entries(FILE_KINDS), [['1', 'model'], ['2', 'seq2seq'], ['3', 'seq2seq'], ['4', 'hopfield'], ['5', 'rbm'], ['6', 'dbn'], ['7', 'boltzmann'], ['8', 'ridge']]);
    // the lab still works after every refusal
    assert.ok(Number.isFinite(model.forward(batch).loss));
  } finally { model.free(); task.free(); }
});

test('task.nextBatch: zero-copy batches train exactly as task.batch copies; a stale one is refused', () => {
  for (const [name, options] of /** @type {const} */ ([['text', { seed: 3 }], ['parity', { seed: 3 }], ['copy', { length: 3, seed: 3 }]])) {
    const [a, b] = [lab.createTask(name, options), lab.createTask(name, options)];
    const make = () => (a.isSeq2seq ? lab.createSeq2Seq({ ...a.modelConfig, hiddenSize: 6, seed: 1 }) : lab.createModel({ ...a.modelConfig, hiddenSize: 6, seed: 1 }));
    const [ma, mb] = [make(), make()];
    const [la, lb] = [/** @type {any} */ (lab.createLearner(ma)), /** @type {any} */ (lab.createLearner(mb))];
    try {
      for (let i = 0; i < 4; i++) {
        const nb = a.nextBatch(3, { length: 6 }), cb = b.batch(3, { length: 6 });
        assert.equal(nb.batchSize, cb.batchSize);
        assert.equal(nb.isSeq2seq, a.isSeq2seq);
        if (a.isSeq2seq) assert.deepEqual([nb.srcLength, nb.tgtLength], [/** @type {any} */ (cb).srcLength, /** @type {any} */ (cb).tgtLength]);
        else assert.equal(nb.length, /** @type {any} */ (cb).length);
        assert.equal(la.step(nb).loss, lb.step(cb).loss, `${name}: step ${i + 1}`);
      }
      const stale = a.nextBatch(2);
      a.batch(2);
      assert.throws(() => la.step(stale), /this batch from task\.nextBatch is stale/);
      const wrongFamily = lab.createTask(a.isSeq2seq ? 'parity' : 'copy', { seed: 1 });
      assert.throws(() => la.step(wrongFamily.nextBatch(2)), a.isSeq2seq ? /sequence-to-sequence task/ : /a sequence-to-sequence batch trains a seq2seq model/);
      wrongFamily.free();
      const last = a.nextBatch(2);
      a.free();
      assert.throws(() => la.step(last), /the task of this batch has been freed/);
    } finally { la.free(); lb.free(); ma.free(); mb.free(); a.free(); b.free(); }
  }
});

test('lab.train({ learner }) trains any learner, which keeps its optimizer and stays alive', async () => {
  const fams = families();
  try {
    for (const { name, learner, task } of fams) {
      learner.learningRate = 0.02;
      const r = await lab.train({ task, learner, maxSteps: 20, evalEvery: 10, batchSize: 8, yieldMs: 0 });
      assert.equal(r.steps, 20, name);
      assert.equal(learner.steps, 20, `${name}: the learner's own optimizer took the steps`);
      assert.equal(learner.learningRate, Math.fround(0.02), `${name}: its optimizer was kept`);
      assert.ok(!learner.freed, `${name}: stays alive`);
    }
    const { learner, task } = fams[0];
    await assert.rejects(() => lab.train({ task, learner, model: /** @type {any} */ (learner).model }), /give learner alone, without model/);
    await assert.rejects(() => lab.train({ task, learner: /** @type {any} */ ({}) }), /options\.learner must be a learner/);
  } finally { for (const f of fams) f.free(); }
});

test('the gradient contract: backward leaves exactly this batch\'s gradients, in JS for both families', () => {
  const fams = families();
  try {
    for (const { name, learner, task } of fams) {
      const m = /** @type {any} */ (learner.kind === 'model' ? /** @type {any} */ (learner).model : learner);
      const [b1, b2] = [task.batch(3), task.batch(3)];
      m.backward(b1);
      const g1 = m.getGradients();
      m.backward(b2);
      m.backward(b1); // not g1 + g2 + g1
      assert.deepEqual(m.getGradients(), g1, `${name}: backward replaces the gradients`);
    }
  } finally { for (const f of fams) f.free(); }
});
