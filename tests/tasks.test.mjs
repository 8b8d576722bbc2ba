// tasks.test.mjs - the tasks (wasm/tasks.mjs over core/tasks/) and the run helper (lab.train,
// wasm/run.mjs). Learning is proven by learning: each task trains a small model from scratch with
// fixed seeds until the task's criterion is met on held-out data (or a step budget runs out),
// then the result on a fresh held-out test set is asserted, including lengths longer than
// training where the task allows. Where a full-size criterion takes long (adding at T = 100,
// temporal order 6b at length 100) a smaller instance runs here; the full runs and their
// settings are listed in the comment at each test.
// Needs the wasm builds and wasm/corpus-c.txt (make).
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load();

/** Trains a fresh model on a fresh task; returns the run's result (and the objects, freed by the caller). */
async function run(name, taskOptions, modelConfig, trainOptions) {
  if (typeof name !== 'string') { // a recipe (lab.recipes), with extra train options
    const r = name;
    return run(r.task, r.taskOptions, r.model, { ...r.train, ...taskOptions });
  }
  const task = lab.createTask(name, taskOptions);
  const model = lab.createModel({ ...task.modelConfig, ...modelConfig });
  const progress = [];
  const result = await lab.train({ task, model, onProgress: (p) => { progress.push(p); }, ...trainOptions });
  return { task, model, result, progress };
}

/** One line per run, for the record (node --test shows it with the test). */
function report(t, name, r) {
  t.diagnostic(`${name}: ${r.stop} after ${r.steps} steps, ${r.sequences} sequences, ${r.seconds.toFixed(1)} s; ` +
    `test accuracy ${r.test.accuracy} on ${r.test.sequences}${r.curve ? '; curve ' + r.curve.map((c) => `${c.length}:${c.accuracy}`).join(' ') : ''}`);
}

const adam = (learningRate) => ({ optimizer: 'adam', learningRate, clipNorm: 1 });

test('parity: trained on lengths <= 16, >= 99% of 1000 held-out length-100 sequences fully correct', async (t) => {
  const { task, model, result: r, progress } = await run(lab.recipes.parity, { curve: [16, 100, 200, 400] });
  report(t, 'parity', r);
  assert.equal(task.length, 16);
  assert.deepEqual(task.criterion, { length: 100, count: 1000, target: Math.fround(0.99) });
  assert.ok(r.solved, `solved within the budget (stop: ${r.stop})`);
  assert.equal(r.test.sequences, 1000);
  assert.equal(r.test.steps, 1000 * 100, 'every step of every length-100 sequence scored');
  assert.ok(r.test.accuracy >= 0.99, `test accuracy ${r.test.accuracy}`);
  // the generalisation curve: far beyond the training lengths
  assert.deepEqual(r.curve.map((c) => c.length), [16, 100, 200, 400]);
  for (const c of r.curve) assert.ok(c.accuracy >= 0.99, `length ${c.length}: ${c.accuracy}`);
  // progress reports: step, loss, metric, gradient norm, sequences seen
  assert.ok(progress.length >= 2);
  for (const [i, p] of progress.entries()) {
    assert.ok(Number.isFinite(p.loss) && p.loss >= 0 && Number.isFinite(p.gradNorm) && p.gradNorm >= 0);
    assert.equal(p.sequences, p.step * 32);
    if (i) assert.ok(p.step > progress[i - 1].step && p.seconds >= progress[i - 1].seconds);
  }
  const evals = progress.filter((p) => p.evaluation);
  assert.ok(evals.length >= 1 && evals.every((p) => p.step % 50 === 0 && p.metric === p.evaluation.accuracy));
  assert.ok(progress[0].loss > progress.at(-1).loss, 'the loss went down');
  assert.deepEqual(r.solvedAt.step, r.steps);
  task.free(); model.free();
});

test('parity, final mode: only the last step is a target; still generalises to length 100', async (t) => {
  const { task, model, result: r } = await run(lab.recipes['parity-final']);
  assert.equal(task.criterion.length, 100);
  report(t, 'parity final', r);
  assert.ok(r.solved, r.stop);
  assert.equal(r.test.steps, 1000, 'one target per sequence');
  assert.ok(r.test.accuracy >= 0.99, `test accuracy ${r.test.accuracy}`);
  task.free(); model.free();
});

test('addition: trained on numbers of <= 8 bits, all of 1000 random 64-bit additions exact', async (t) => {
  const { task, model, result: r } = await run(lab.recipes.addition, { curve: [8, 64, 256] });
  report(t, 'addition', r);
  assert.equal(task.length, 8);
  assert.deepEqual(task.criterion, { length: 64, count: 1000, target: 1 });
  assert.ok(r.solved, r.stop);
  assert.equal(r.test.sequences, 1000);
  assert.equal(r.test.steps, 1000 * 65, '64 sum bits and the carry');
  assert.equal(r.test.accuracy, 1);
  assert.equal(r.curve.find((c) => c.length === 256).accuracy, 1, 'exact on 256-bit numbers too');
  task.free(); model.free();
});

test('reber (H&S 1997 experiment 1): every next-symbol prediction right on 256 fresh strings', async (t) => {
  const { task, model, result: r } = await run(lab.recipes.reber);
  report(t, 'reber', r);
  assert.deepEqual(task.modelConfig, { inputSize: 7, input: 'onehot', outputSize: 7, output: 'sigmoid' });
  assert.equal(task.symbols.join(''), 'BTPSXVE');
  assert.ok(r.solved, r.stop);
  assert.equal(r.test.sequences, 256);
  assert.equal(r.test.accuracy, 1, 'all strings right');
  assert.equal(r.test.stepAccuracy, 1);
  task.free(); model.free();
});

// The full criterion, T = 100, is lab.recipes.adding (the CLI's reproduction): variant '1997',
// hiddenSize 16, Adam 0.005, batch 8: seeds 1-3 meet it on validation after 42k-56k sequences
// (19-25 s here); their final tests then have 0-3 of 2560 sequences just above 0.04 (max 0.048).
// A standard LSTM with forgetBias 5 gets there in ~2500 steps but leaves 1-2 of 2560 test sequences
// just above 0.04 (errors at the extreme sums), with or without a decaying learning rate.
test('adding (H&S 1997 experiment 4) at T = 30: |error| < 0.04 on all of 2560 test sequences', async (t) => {
  const { task, model, result: r } = await run(lab.recipes['adding-30']);
  report(t, 'adding T=30', r);
  assert.deepEqual(task.modelConfig, { inputSize: 2, input: 'dense', outputSize: 1, output: 'linear' });
  assert.deepEqual(task.criterion, { length: 30, count: 2560, target: 1 });
  assert.ok(r.solved, r.stop);
  assert.equal(r.test.sequences, 2560);
  assert.equal(r.test.accuracy, 1);
  assert.ok(r.test.maxError < 0.04, `max error ${r.test.maxError}`);
  assert.ok(r.validation.maxError < 0.04);
  task.free(); model.free();
});

// Temporal order 6b at the paper's length 100 is lab.recipes['temporal-order-6b'] (the CLI's
// reproduction): forgetBias 5, hiddenSize 16, Adam 0.005, batch 32: seeds 1-3 after 2,000-16,500
// steps (64k-528k sequences, 8-57 s here), all 2560 test sequences right. With forgetBias 0 even 6a at length 40 stays at chance.
test('temporal order 6a (H&S 1997) at the full length 100 and 6b at length 50: all 2560 test sequences right', async (t) => {
  const a = await run(lab.recipes['temporal-order-6a']);
  report(t, '6a L=100', a.result);
  assert.equal(a.task.outputSymbols.join(''), 'QRSU');
  assert.deepEqual(a.task.criterion, { length: 100, count: 2560, target: 1 });
  assert.ok(a.result.solved, a.result.stop);
  assert.equal(a.result.test.sequences, 2560);
  assert.equal(a.result.test.accuracy, 1);
  a.task.free(); a.model.free();
  const b = await run(lab.recipes['temporal-order-6b-50']);
  report(t, '6b L=50', b.result);
  assert.equal(b.task.outputSymbols.length, 8);
  assert.ok(b.result.solved, b.result.stop);
  assert.equal(b.result.test.accuracy, 1);
  b.task.free(); b.model.free();
});

// Below every n-gram baseline (orders 1-5) is lab.recipes.text: hiddenSize 128, 500 steps, ~33 s.
test('text: an LSTM beats the unigram (and bigram) baseline on the generated corpus in a short run', async (t) => {
  const task = lab.createTask('text', { chars: 50000, seed: 1 });
  const model = lab.createModel({ ...task.modelConfig, cell: 'lstm', hiddenSize: 64, seed: 1 });
  const before = task.evaluate(model);
  const r = await lab.train({ task, model, batchSize: 16, length: 64, maxSteps: 150, evalEvery: 75, trainerOptions: adam(0.01) });
  report(t, 'text', r);
  const { bpc, ngramBpc } = r.test;
  t.diagnostic(`bpc ${bpc.toFixed(3)} (untrained ${before.bpc.toFixed(3)}); n-gram orders 1-5: ${ngramBpc.map((x) => x.toFixed(3)).join(' ')}`);
  assert.equal(r.stop, 'budget');
  assert.equal(r.test.steps, task.split.heldout - 1, 'the final test scores the whole held-out split');
  assert.equal(r.sequences, 150 * 16);
  assert.equal(r.tokens, 150 * 16 * 64);
  assert.ok(before.bpc > ngramBpc[0], 'untrained: worse than the unigram');
  assert.ok(bpc < ngramBpc[0] && bpc < ngramBpc[1], `bpc ${bpc} vs unigram ${ngramBpc[0]}, bigram ${ngramBpc[1]}`);
  for (let k = 0; k < 4; k++) assert.ok(ngramBpc[k + 1] < ngramBpc[k], 'higher orders do better on this corpus');
  assert.ok(Math.abs(r.test.loss / Math.LN2 - bpc) < 1e-3, 'loss (nats) and bits per character agree');
  task.free(); model.free();
});

test('text: the C-sources corpus loads and its n-gram baselines improve with order', async () => {
  assert.deepEqual(lab.corpora, ['grammar', 'c']);
  assert.throws(() => lab.createTask('text', { corpus: 'nope' }), /corpus must be one of grammar, c/);
  const src = await lab.loadCorpus('c');
  assert.ok(src.includes('rnnlab_task_create') && src.includes('/* ==== core/model.c ==== */'), 'the project\'s own C sources');
  const task = lab.createTask('text', { corpus: 'c', vocab: 64 }); // the sources have ~94 distinct characters
  assert.equal(task.vocabSize, 64);
  assert.equal(task.symbols[task.specials.unk], '\uFFFD');
  assert.ok(task.symbols.includes('{') && task.symbols.includes(';'));
  const model = lab.createModel({ ...task.modelConfig, hiddenSize: 8 });
  const r = task.evaluate(model, { count: 5000 });
  assert.equal(r.steps, 5000);
  for (let k = 0; k < 4; k++) assert.ok(r.ngramBpc[k + 1] < r.ngramBpc[k], `order ${k + 2} < order ${k + 1}: ${r.ngramBpc}`);
  task.free(); model.free();
});

test('user text: vocabulary from the text, cap and unknown symbol, streams with carried state', () => {
  const text = 'héllo wörld, '.repeat(200) + 'zzz ÿ';
  // 10 distinct characters in the training split; 'z' and 'ÿ' only in the held-out tail
  const task = lab.createTask('text', { text, holdout: 0.05, vocab: 11, length: 16 });
  assert.equal(task.vocabSize, 11);
  assert.equal(task.symbols[0], '\uFFFD');
  assert.ok(task.symbols.includes('é') && task.symbols.includes('ö') && !task.symbols.includes('z'), task.symbols.join(''));
  // the 3 most frequent of the training split (it ends in 'héllo': h, é and o tie, the lowest code
  // point wins), in code point order after UNK
  const capped = lab.createTask('text', { text, holdout: 0.05, vocab: 4 });
  assert.deepEqual(capped.symbols, ['\uFFFD', ' ', 'h', 'l']);
  capped.free();
  const a = task.batch(4), b = task.batch(4);
  assert.equal(a.carryState, false);
  assert.equal(b.carryState, true);
  for (let i = 0; i < 4; i++) assert.equal(b.inputs[i * 16], a.targets[i * 16 + 15], `stream ${i} continues`);
  // the engine takes the batch as is, carried state included
  const model = lab.createModel({ ...task.modelConfig, hiddenSize: 8 });
  const trainer = lab.createTrainer(model, adam(0.01));
  trainer.step(a);
  trainer.step(b);
  task.free(); model.free();
});

test('batches are in the engine\'s format; evaluation is reproducible and separate from training', () => {
  for (const name of ['parity', 'addition', 'reber', 'adding', 'temporal-order']) {
    const task = lab.createTask(name, { seed: 5, ...(name === 'adding' || name === 'temporal-order' ? { length: 20 } : {}) });
    const model = lab.createModel({ ...task.modelConfig, cell: 'gru', hiddenSize: 4, seed: 2 });
    const batch = task.batch(3);
    const trainer = lab.createTrainer(model);
    const { loss } = trainer.step(batch);
    assert.ok(Number.isFinite(loss), name);
    // task.score on the model's own outputs agrees with task.evaluate's way of scoring
    const { outputs } = model.forward(batch);
    const s = task.score(batch, outputs);
    assert.equal(s.sequences, 3, name);
    const e1 = task.evaluate(model, { count: 50, seed: 9 }), e2 = task.evaluate(model, { count: 50, seed: 9 });
    assert.deepEqual(e1, e2, `${name}: same seed, same test set`);
    task.free(); model.free();
  }
  // the same seeds give the same training stream
  const t1 = lab.createTask('adding', { length: 12, seed: 7 }), t2 = lab.createTask('adding', { length: 12, seed: 7 });
  t1.evaluate(lab.createModel({ ...t1.modelConfig, hiddenSize: 2 }), { count: 10 });
  assert.deepEqual(t1.batch(4), t2.batch(4), 'evaluation does not consume the training stream');
  t1.reset();
  t2.reset();
  assert.deepEqual(t1.batch(2), t2.batch(2));
  t1.free(); t2.free();
});

test('the same seeds train the same model', async () => {
  const go = async () => {
    const { task, model, result } = await run('parity', { seed: 3 }, { cell: 'gru', hiddenSize: 6, seed: 3 },
      { batchSize: 8, maxSteps: 40, evalEvery: 20, progressEvery: 5, trainerOptions: adam(0.01) });
    const w = model.getWeights();
    task.free(); model.free();
    return { losses: result.history.map((p) => p.loss), w, test: result.test };
  };
  const a = await go(), b = await go();
  assert.deepEqual(a, b);
});

test('run helper: stopping by callback and by AbortSignal, a trainer of one\'s own, lrSchedule', async () => {
  const task = lab.createTask('parity', { seed: 4 });
  const model = lab.createModel({ ...task.modelConfig, hiddenSize: 4 });
  let calls = 0;
  const r1 = await lab.train({ task, model, maxSteps: 1000, progressEvery: 5, onProgress: () => ++calls < 3, testCount: 10 });
  assert.equal(r1.stop, 'stopped');
  assert.equal(r1.steps, 15);
  assert.equal(r1.test.sequences, 10);
  const ac = new AbortController();
  ac.abort();
  const r2 = await lab.train({ task, model, signal: ac.signal, testCount: 10 });
  assert.equal(r2.stop, 'aborted');
  assert.equal(r2.steps, 0);
  const trainer = lab.createTrainer(model, { optimizer: 'sgd', learningRate: 0.1 });
  const lrs = [];
  const r3 = await lab.train({ task, model, trainer, maxSteps: 6, progressEvery: 1, testCount: 10,
    lrSchedule: (step) => 0.1 / (1 + step), onProgress: () => { lrs.push(trainer.learningRate); } });
  assert.equal(r3.steps, 6);
  assert.equal(trainer.steps, 6);
  assert.equal(trainer.freed, false, 'a given trainer stays alive');
  assert.deepEqual(lrs, [0.1, 0.05, 0.1 / 3, 0.025, 0.02, 0.1 / 6].map(Math.fround));
  // a callback that throws ends the run with its error; a task freed mid-run is named
  await assert.rejects(() => lab.train({ task, model, progressEvery: 1, onProgress: () => { throw new Error('boom'); } }), /^Error: boom$/);
  const doomed = lab.createTask('parity');
  await assert.rejects(() => lab.train({ task: doomed, model, progressEvery: 1, onProgress: () => doomed.free() }), /the task has been freed/);
  assert.equal((await lab.train({ task, model, maxSteps: 3, testCount: 5 })).steps, 3, 'the model trains on afterwards');
  task.free(); model.free();
});

test('errors name the problem; the objects still work afterwards', async () => {
  assert.deepEqual(lab.tasks, ['parity', 'addition', 'text', 'reber', 'adding', 'temporal-order', 'copy', 'reverse', 'decimal-addition', 'dates',
    'vanderpol', 'lorenz', 'mackey-glass', 'limit-cycle', 'sine', 'flipflop']);
  assert.throws(() => lab.createTask('sorting'), /unknown task 'sorting' \(known: parity, addition/);
  assert.throws(() => lab.createTask('parity', { lenght: 5 }), /task 'parity': unknown option 'lenght' \(known: seed,length,minLength/);
  assert.throws(() => lab.createTask('parity', { length: 'long' }), /option length=long: must be an integer/);
  assert.throws(() => lab.createTask('parity', { mode: 'sometimes' }), /running or final/);
  assert.throws(() => lab.createTask('parity', { length: 4, minLength: 6 }), /minLength=6 is larger than length=4/);
  assert.throws(() => lab.createTask('adding', { length: 5 }), /length must be in 10\.\./);
  assert.throws(() => lab.createTask('parity', { text: 'abc' }), /text is for the 'text' task only/);
  assert.throws(() => lab.createTask('text', { text: 'abc' }), /too short/);
  assert.throws(() => lab.createTask('parity', { seed: -1 }), /seed/);
  assert.throws(() => lab.createTask('parity', { mode: 'a,b' }), /must be a number or a word/);
  await assert.rejects(() => lab.loadCorpus('grammar'), /'grammar' is generated/);

  const task = lab.createTask('parity');
  const wrong = lab.createModel({ inputSize: 3, outputSize: 2, hiddenSize: 4 });
  assert.throws(() => task.evaluate(wrong), /task 'parity' needs a model with input 'onehot' of size 2 \(the model has 'onehot' of size 3\)/);
  await assert.rejects(() => lab.train({ task, model: wrong }), /does not fit task 'parity'/);
  await assert.rejects(() => lab.train({ task, model: wrong, epochs: 3 }), /unknown option 'epochs'/);
  assert.throws(() => task.batch(0), /batchSize must be an integer/);
  assert.throws(() => task.batch(2, { length: 200000 }), /length must be an integer/);
  assert.throws(() => task.evaluate(wrong, { count: 3, sed: 1 }), /unknown option 'sed'/);
  const model = lab.createModel({ ...task.modelConfig, hiddenSize: 4 });
  assert.equal(task.evaluate(model, { count: 5, length: 10 }).sequences, 5, 'the task still works');
  assert.equal(task.batch(2).batchSize, 2);
  task.free();
  task.free();
  assert.equal(task.freed, true);
  assert.throws(() => task.batch(2), /task has been freed/);
  wrong.free(); model.free();
});

test('sequence-to-sequence tasks: batch layout, held-out sets, exact-match scoring; evaluate needs a seq2seq model', () => {
  const task = lab.createTask('decimal-addition', { length: 3, seed: 1 });
  assert.equal(task.isSeq2seq, true);
  assert.deepEqual(task.specials, { pad: 0, bos: 1, eos: 2, unk: null });
  const b = task.batch(4);
  assert.deepEqual(Object.keys(b).sort(), ['batchSize', 'decIn', 'decTgt', 'src', 'srcLength', 'tgtLength']);
  const str = (row) => Array.from(row).filter((x) => x > 2).map((x) => task.symbols[x]).join('');
  for (let i = 0; i < 4; i++) {
    const src = str(b.src.subarray(i * b.srcLength, (i + 1) * b.srcLength));
    const tgt = str(b.decTgt.subarray(i * b.tgtLength, (i + 1) * b.tgtLength));
    const [x, y] = src.split('+').map(Number);
    assert.equal(Number(tgt), x + y, `${src} = ${tgt}`);
    assert.equal(b.decIn[i * b.tgtLength], 1, 'BOS first');
  }
  const ref = task.evalSet({ count: 10, seed: 3 });
  assert.equal(ref.batchSize, 10);
  const rows = Array.from({ length: 10 }, (_, i) => Array.from(ref.decTgt.subarray(i * ref.tgtLength, (i + 1) * ref.tgtLength)));
  assert.equal(task.scoreSequences(ref, rows).accuracy, 1);
  rows[0][0] = rows[0][0] === 3 ? 4 : 3;
  assert.equal(task.scoreSequences(ref, rows).accuracy, Math.fround(0.9));
  const model = lab.createModel({ inputSize: task.vocabSize, outputSize: task.vocabSize, hiddenSize: 4 });
  assert.throws(() => task.evaluate(model), /needs a seq2seq model/);
  task.free(); model.free();
});
