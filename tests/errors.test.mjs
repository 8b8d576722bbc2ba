// errors.test.mjs - every invalid argument of wasm/rnnlab.mjs throws an Error whose message names
// it, nothing traps, and afterwards the same lab and an existing model still work (node --test).
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';

const lab = await load();

// A model built before any error; every error must leave it computing the same outputs.
const REF = { cell: 'lstm', inputSize: 4, hiddenSize: 5, outputSize: 3, seed: 1 };
const ref = lab.createModel(REF);
const refBatch = {
  inputs: Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 4),
  targets: Int32Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? -1 : (i * 5) % 3)),
  batchSize: 3, length: 4,
};
const baseline = ref.forward(refBatch);
const refWeights = ref.getWeights();

/** The lab and the reference model still work exactly as before. */
function stillWorks(l = lab) {
  assert.deepEqual(ref.forward(refBatch), baseline);
  const m = l.createModel({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 2, seed: 2 });
  const { outputs, loss } = m.forward({ inputs: new Int32Array([0, 1, 1]), targets: new Int32Array([1, 0, 1]), batchSize: 1, length: 3 });
  assert.equal(outputs.length, 6);
  assert.ok(Number.isFinite(loss) && loss > 0);
  m.free();
}

/** fn throws a plain rnnlab Error (never a wasm trap) matching re; then everything still works. */
function rejects(fn, re, what = String(re)) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, what);
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${what}: trapped: ${e.message}`);
    assert.match(e.message, /^rnnlab: /, what);
    assert.match(e.message, re, what);
    return true;
  }, what);
  stillWorks();
}

/** async variant for load() */
async function rejectsAsync(promise, re) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /^rnnlab: /);
    assert.match(e.message, re);
    return true;
  });
  stillWorks();
}

const base = { cell: 'rnn', inputSize: 3, hiddenSize: 4, outputSize: 3 };

test('invalid model configs name the key', () => {
  const cases = [
    [null, /config must be an object/],
    [[1, 2], /config must be an object/],
    ['lstm', /config must be an object/],
    [{ ...base, colour: 'red' }, /unknown config key 'colour'/],
    [{ ...base, cell: 'foo' }, /config\.cell must be one of rnn, lstm, gru, ctrnn, esn, cfn, lsm \(got 'foo'\)/],
    [{ ...base, cell: 1 }, /config\.cell must be one of/],
    [{ ...base, cell: 'lstm', variant: 'peephole' }, /config\.variant must be one of standard, vanilla, 1997/],
    [{ ...base, activation: 'gelu' }, /config\.activation must be one of tanh, relu, sigmoid/],
    [{ ...base, input: 'embedding' }, /config\.input must be one of onehot, dense/],
    [{ ...base, output: 'tanh' }, /config\.output must be one of softmax, sigmoid, linear/],
    [{ ...base, init: 'he' }, /config\.init must be one of default, uniform, glorot, orthogonal/],
    [{ ...base, resetAfter: 1 }, /config\.resetAfter must be true or false/],
    [{ ...base, bidirectional: 'yes' }, /config\.bidirectional must be true or false/],
    [{ ...base, inputSize: 0 }, /config\.inputSize must be an integer in 1\.\.1048576 \(got 0\)/],
    [{ ...base, inputSize: -3 }, /config\.inputSize/],
    [{ ...base, inputSize: 2.5 }, /config\.inputSize/],
    [{ ...base, inputSize: '3' }, /config\.inputSize .*\(got '3'\)/],
    [{ ...base, inputSize: 2 ** 21 }, /config\.inputSize/],
    [{ ...base, hiddenSize: 0 }, /config\.hiddenSize must be an integer in 1\.\.4096/],
    [{ ...base, hiddenSize: 5000 }, /config\.hiddenSize/],
    [{ ...base, hiddenSize: NaN }, /config\.hiddenSize/],
    [{ ...base, layers: 0 }, /config\.layers must be an integer in 1\.\.8/],
    [{ ...base, layers: 9 }, /config\.layers/],
    [{ ...base, outputSize: 0 }, /config\.outputSize/],
    [{ ...base, outputSize: Infinity }, /config\.outputSize/],
    [{ ...base, initScale: -1 }, /config\.initScale must be a finite number >= 0/],
    [{ ...base, initScale: NaN }, /config\.initScale/],
    [{ ...base, forgetBias: Infinity }, /config\.forgetBias must be a finite number/],
    [{ ...base, forgetBias: 1e39 }, /config\.forgetBias/], // finite in JS, not as a C float
    [{ ...base, gRange: [2, -2] }, /config\.gRange must be \[lo, hi\] with finite lo < hi/],
    [{ ...base, gRange: [0] }, /config\.gRange/],
    [{ ...base, hRange: 'wide' }, /config\.hRange/],
    [{ ...base, hRange: [0, NaN] }, /config\.hRange/],
    [{ ...base, alpha: 0 }, /config\.alpha must be a finite number > 0 and <= 1/],
    [{ ...base, alpha: 1.5 }, /config\.alpha/],
    [{ ...base, spectralRadius: -1 }, /config\.spectralRadius/],
    [{ ...base, inputScale: -0.5 }, /config\.inputScale/],
    [{ ...base, seed: -1 }, /config\.seed/],
    [{ ...base, seed: 1.5 }, /config\.seed/],
    [{ ...base, seed: 2 ** 53 }, /config\.seed must be an integer in 0\.\.2\^53-1 or a BigInt/],
    [{ ...base, seed: '42' }, /config\.seed/],
    [{ ...base, seed: -1n }, /config\.seed must be in 0\.\.2\^64-1/],
    [{ ...base, seed: 2n ** 64n }, /config\.seed/],
  ];
  for (const [cfg, re] of cases) rejects(() => lab.createModel(cfg), re, `${JSON.stringify(cfg, (k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
});

test('configs only the C core refuses surface with its message', () => {
  rejects(() => lab.createModel({ ...base, output: 'softmax', outputSize: 1 }), /config\.outputSize must be >= 2 for softmax/);
  rejects(() => lab.createModel({ ...base, spectralRadius: 1000 }), /config\.spectralRadius must be in \[0, 100\]/);
  rejects(() => lab.createModel({ ...base, inputSize: 2 ** 20, hiddenSize: 4096 }), /model too large: about \d+ parameters/);
});

test('invalid batches name the field', () => {
  const B = 3, T = 4, n = B * T;
  const ok = { inputs: refBatch.inputs, targets: refBatch.targets, batchSize: B, length: T };
  const cases = [
    [null, /batch must be an object/],
    [{ ...ok, batchSize: 0 }, /batch\.batchSize must be an integer/],
    [{ ...ok, batchSize: 1.5 }, /batch\.batchSize/],
    [{ ...ok, batchSize: -3 }, /batch\.batchSize/],
    [{ ...ok, batchSize: '3' }, /batch\.batchSize/],
    [{ ...ok, batchSize: undefined }, /batch\.batchSize .*\(got undefined\)/],
    [{ ...ok, length: 0 }, /batch\.length must be an integer/],
    [{ ...ok, length: 1e12 }, /batch\.length/],
    [{ ...ok, batchSize: 2 ** 20, length: 2 ** 20 }, /batch too large: batchSize\*length = \d+ exceeds/],
    [{ ...ok, inputs: new Float32Array(n) }, /batch\.inputs must be an Int32Array of token ids for input 'onehot'/],
    [{ ...ok, inputs: Array.from(refBatch.inputs) }, /batch\.inputs must be an Int32Array/],
    [{ ...ok, inputs: undefined }, /batch\.inputs must be an Int32Array/],
    [{ ...ok, inputs: new Int32Array(10) }, /batch\.inputs must have batchSize\*length = 12 elements, got 10/],
    [{ ...ok, inputs: Int32Array.from({ length: n }, (_, i) => (i === 5 ? 4 : 0)) }, /batch\.inputs\[5\] = 4 is not a token id in 0\.\.3/],
    [{ ...ok, inputs: Int32Array.from({ length: n }, (_, i) => (i === 0 ? -1 : 0)) }, /batch\.inputs\[0\] = -1/],
    [{ ...ok, targets: new Float32Array(n) }, /batch\.targets must be an Int32Array of class ids/],
    [{ ...ok, targets: new Int32Array(11) }, /batch\.targets must have batchSize\*length = 12 elements, got 11/],
    [{ ...ok, targets: Int32Array.from({ length: n }, (_, i) => (i === 2 ? 3 : 0)) }, /batch\.targets\[2\] = 3 is not a class id in 0\.\.2 or -1/],
    [{ ...ok, targets: Int32Array.from({ length: n }, (_, i) => (i === 7 ? -2 : 0)) }, /batch\.targets\[7\] = -2/],
    [{ ...ok, mask: new Int32Array(n) }, /batch\.mask must be a Float32Array/],
    [{ ...ok, mask: new Float32Array(n + 1) }, /batch\.mask must have batchSize\*length = 12 elements, got 13/],
    [{ ...ok, mask: Float32Array.from({ length: n }, (_, i) => (i === 4 ? -1 : 1)) }, /batch\.mask must be finite and >= 0: batch\.mask\[4\] is -1/],
    [{ ...ok, mask: Float32Array.from({ length: n }, (_, i) => (i === 1 ? NaN : 1)) }, /batch\.mask.*NaN/],
    [{ ...ok, carryState: 1 }, /batch\.carryState must be true or false/],
  ];
  const tr = lab.createTrainer(ref, { learningRate: 0.1 });
  for (const [batch, re] of cases) {
    const what = `${re}`;
    rejects(() => ref.forward(batch), re, `forward ${what}`);
    rejects(() => ref.backward(batch), re, `backward ${what}`);
    rejects(() => ref.trace(batch), re, `trace ${what}`);
    rejects(() => tr.step(batch), re, `step ${what}`);
  }
  const noTargets = { inputs: refBatch.inputs, batchSize: B, length: T };
  assert.equal(ref.forward(noTargets).loss, 0); // forward needs no targets ...
  rejects(() => ref.backward(noTargets), /batch\.targets is required/); // ... training does
  rejects(() => tr.step(noTargets), /batch\.targets is required/);
  rejects(() => ref.trace({ ...noTargets, targets: null }), /batch\.targets is required/);
  assert.equal(tr.steps, 0, 'no failed step was applied');
  tr.free();
});

test('invalid dense batches: types, lengths, NaN and Inf', () => {
  const m = lab.createModel({ cell: 'gru', input: 'dense', inputSize: 2, hiddenSize: 3, output: 'sigmoid', outputSize: 2, seed: 3 });
  const B = 2, T = 3;
  const ok = { inputs: new Float32Array(B * T * 2).fill(0.5), targets: new Float32Array(B * T * 2).fill(1), batchSize: B, length: T };
  const expected = m.forward(ok);
  const with1 = (arr, i, v) => { const c = arr.slice(); c[i] = v; return c; };
  const cases = [
    [{ ...ok, inputs: new Int32Array(B * T * 2) }, /batch\.inputs must be a Float32Array for input 'dense'/],
    [{ ...ok, inputs: new Float64Array(B * T * 2) }, /batch\.inputs must be a Float32Array/],
    [{ ...ok, inputs: new Float32Array(B * T) }, /batch\.inputs must have batchSize\*length\*inputSize = 12 elements, got 6/],
    [{ ...ok, inputs: with1(ok.inputs, 3, NaN) }, /batch\.inputs must be finite: batch\.inputs\[3\] is NaN/],
    [{ ...ok, inputs: with1(ok.inputs, 11, -Infinity) }, /batch\.inputs\[11\] is -Infinity/],
    [{ ...ok, targets: new Int32Array(B * T * 2) }, /batch\.targets must be a Float32Array for output 'sigmoid'/],
    [{ ...ok, targets: new Float32Array(B * T) }, /batch\.targets must have batchSize\*length\*outputSize = 12 elements, got 6/],
    [{ ...ok, targets: with1(ok.targets, 0, Infinity) }, /batch\.targets must be finite: batch\.targets\[0\] is Infinity/],
  ];
  for (const [batch, re] of cases) {
    rejects(() => m.forward(batch), re);
    rejects(() => m.backward(batch), re);
  }
  assert.deepEqual(m.forward(ok), expected);
  m.free();
});

test('batches only the C core refuses surface with its message', () => {
  // activations of 256 x 256 steps of a 1024-unit GRU exceed RNNLAB_MAX_ELEMS: refused before allocating
  const big = lab.createModel({ cell: 'gru', inputSize: 2, hiddenSize: 1024, outputSize: 2 });
  const B = 256, T = 256;
  rejects(() => big.forward({ inputs: new Int32Array(B * T), batchSize: B, length: T }), /batch too large: batchSize 256 x length 256 needs \d+ MB of activations/);
  big.free();
  // a diverged model: the loss overflows float32
  const lin = lab.createModel({ cell: 'rnn', inputSize: 2, hiddenSize: 2, output: 'linear', outputSize: 1, seed: 1 });
  const batch = { inputs: new Int32Array([0, 1, 1]), targets: new Float32Array([0, 0, 0]), batchSize: 1, length: 3 };
  lin.setWeights({ 'fc.bias': [3e38] });
  rejects(() => lin.backward(batch), /loss is not finite/);
  rejects(() => lab.createTrainer(lin, { learningRate: 0.1 }).step(batch), /loss is not finite/);
  lin.free();
  // outputs that cannot fit: B*T*outputSize > maxElems is refused in JS, before any allocation
  const wide = lab.createModel({ cell: 'rnn', inputSize: 2, hiddenSize: 1, outputSize: 2 ** 20 });
  rejects(() => wide.forward({ inputs: new Int32Array(17 * 16), batchSize: 17, length: 16 }), /batch too large: batchSize\*length\*outputSize = 285212672 exceeds 268435456/);
  wide.free();
});

test('invalid trainer options and learning rates name the option', () => {
  const cases = [
    ['sgd', /options must be an object/],
    [{ optimizer: 'lbfgs' }, /options\.optimizer must be one of sgd, momentum, nesterov, rmsprop, adam, adagrad \(got 'lbfgs'\)/],
    [{ lr: 0.1 }, /unknown options key 'lr'/],
    [{ learningRate: 0 }, /options\.learningRate must be a finite number > 0/],
    [{ learningRate: -0.1 }, /options\.learningRate/],
    [{ learningRate: NaN }, /options\.learningRate .*\(got NaN\)/],
    [{ learningRate: Infinity }, /options\.learningRate/],
    [{ learningRate: '0.1' }, /options\.learningRate/],
    [{ momentum: 1 }, /options\.momentum must be a finite number >= 0 and < 1/],
    [{ nesterov: 'yes' }, /options\.nesterov must be true or false/],
    [{ beta1: -0.1 }, /options\.beta1/],
    [{ beta2: 1 }, /options\.beta2/],
    [{ eps: 0 }, /options\.eps must be a finite number > 0/],
    [{ weightDecay: -1 }, /options\.weightDecay/],
    [{ clipNorm: NaN }, /options\.clipNorm/],
    [{ clipValue: -2 }, /options\.clipValue/],
    [{ truncate: 1.5 }, /options\.truncate must be an integer/],
    [{ truncate: -1 }, /options\.truncate/],
  ];
  for (const [opts, re] of cases) rejects(() => lab.createTrainer(ref, opts), re);
  const tr = lab.createTrainer(ref, { learningRate: 0.1 });
  for (const lr of [0, -1, NaN, Infinity, undefined, '1']) rejects(() => tr.setLearningRate(lr), /learningRate must be a finite number > 0/);
  assert.equal(tr.learningRate, Math.fround(0.1));
  tr.free();
  rejects(() => lab.createTrainer(null), /createTrainer: model must be a model created by lab\.createModel/);
  rejects(() => lab.createTrainer({ config: {} }), /createTrainer: model must be a model/);
});

test('a model of another loaded instance is refused', async () => {
  const other = await load({ simd: false });
  const m = other.createModel(base);
  rejects(() => lab.createTrainer(m), /model belongs to another loaded rnnlab instance/);
  const t = other.createTrainer(m, { learningRate: 0.1 });
  rejects(() => ref.save({ trainer: t }), /save: options\.trainer belongs to another model/);
  m.free();
  stillWorks(other);
});

test('setWeights validates everything before writing anything', () => {
  const good = new Float32Array(3).fill(0.25);
  const cases = [
    ['weights', /setWeights: weights must be an object/],
    [null, /setWeights: weights must be an object/],
    [{ 'fc.bias': good, 'fc.wieght': new Float32Array(15) }, /setWeights: unknown tensor 'fc\.wieght' \(known: weight_ih_l0, .*fc\.bias\)/],
    [{ 'fc.bias': good, 'fc.weight': new Float32Array(14) }, /setWeights: weights\['fc\.weight'\] must have 15 elements \(shape \[3,5\]\), got 14/],
    [{ 'fc.bias': good, 'fc.weight': new Float32Array(15).fill(NaN) }, /setWeights: weights\['fc\.weight'\] must be finite: .*\[0\] is NaN/],
    [{ 'fc.bias': good, 'fc.weight': 'abc' }, /setWeights: weights\['fc\.weight'\] must be a Float32Array or an array of numbers/],
    [{ 'fc.bias': good, bias_hh_l0: [1, 2, Infinity, ...new Array(17).fill(0)] }, /weights\['bias_hh_l0'\] must be finite/],
  ];
  for (const [w, re] of cases) rejects(() => ref.setWeights(w), re); // stillWorks: fc.bias was not written
  assert.deepEqual(ref.getWeights(), refWeights);
});

test('corrupted, truncated, empty and foreign save bytes are rejected clearly', () => {
  const m = lab.createModel({ cell: 'gru', inputSize: 2, hiddenSize: 2, outputSize: 2, seed: 9 });
  const tr = lab.createTrainer(m, { optimizer: 'adam', learningRate: 0.01 });
  const bytes = m.save({ trainer: tr });
  const flip = (i) => { const b = bytes.slice(); b[i] ^= 0x10; return b; };
  for (const load1 of [(b) => lab.loadModel(b), (b) => lab.loadTrainer(b)]) {
    rejects(() => load1(new Uint8Array(0)), /bytes is empty, not a saved rnnlab model/);
    rejects(() => load1(new ArrayBuffer(0)), /bytes is empty/);
    rejects(() => load1('model.bin'), /bytes must be a Uint8Array or ArrayBuffer \(got 'model\.bin'\)/);
    rejects(() => load1([1, 2, 3]), /bytes must be a Uint8Array or ArrayBuffer/);
    rejects(() => load1(bytes.slice(0, 3)), /too short/);
    rejects(() => load1(flip(0)), /not an rnnlab model \(bad magic\)/);
    rejects(() => load1(new TextEncoder().encode(JSON.stringify({ cell: 'lstm', weights: new Array(40).fill(0.125) }))), /bad magic/);
    rejects(() => load1(bytes.slice(0, bytes.length >> 1)), /truncated/);
    rejects(() => load1(bytes.slice(0, bytes.length - 1)), /truncated|checksum/);
    rejects(() => load1(flip(bytes.length - 5)), /checksum mismatch: file is corrupted/);
  }
  // every single flipped byte is refused with an rnnlab message, none traps or loads
  for (let i = 0; i < bytes.length; i++) {
    assert.throws(() => lab.loadTrainer(flip(i)), (e) => !(e instanceof WebAssembly.RuntimeError) && /^rnnlab: /.test(e.message), `byte ${i}`);
  }
  stillWorks();
  // the original still loads
  const back = lab.loadTrainer(bytes);
  assert.equal(back.trainer.steps, 0);
  back.model.free();
  m.free();
});

test('corrupted, truncated, empty and wrong-kind seq2seq bytes are rejected clearly', () => {
  const task = lab.createTask('copy', { length: 3, seed: 2 });
  const s2s = lab.createSeq2Seq({ ...task.modelConfig, cell: 'gru', hiddenSize: 2, seed: 3 }, { optimizer: 'adam', learningRate: 0.01 });
  s2s.step(task.batch(2));
  const bytes = s2s.save({ optimizer: true });
  const flip = (i) => { const b = bytes.slice(); b[i] ^= 0x10; return b; };
  rejects(() => lab.loadSeq2Seq(new Uint8Array(0)), /bytes is empty, not a saved rnnlab seq2seq model/);
  rejects(() => lab.loadSeq2Seq('s2s.bin'), /loadSeq2Seq: bytes must be a Uint8Array or ArrayBuffer/);
  rejects(() => lab.loadSeq2Seq(bytes.slice(0, 10)), /too short/);
  rejects(() => lab.loadSeq2Seq(flip(0)), /not an rnnlab seq2seq model \(bad magic\)/);
  rejects(() => lab.loadSeq2Seq(bytes.slice(0, bytes.length >> 1)), /truncated: expected \d+ bytes/);
  rejects(() => lab.loadSeq2Seq(flip(bytes.length - 9)), /checksum mismatch: file is corrupted/);
  // the wrong kind, both ways, names the right loader
  rejects(() => lab.loadModel(bytes), /this is a saved seq2seq model, not a model: load it with .*lab\.loadSeq2Seq/);
  rejects(() => lab.loadTrainer(bytes), /saved seq2seq model/);
  rejects(() => lab.loadSeq2Seq(ref.save()), /this is a saved model, not a seq2seq model: load it with .*lab\.loadModel/);
  // every single flipped byte and every truncation is refused with an rnnlab message, none traps or loads
  for (let i = 0; i < bytes.length; i++) {
    assert.throws(() => lab.loadSeq2Seq(flip(i)), (e) => !(e instanceof WebAssembly.RuntimeError) && /^rnnlab: /.test(e.message), `byte ${i}`);
  }
  for (let n = 1; n < bytes.length; n += 7) {
    assert.throws(() => lab.loadSeq2Seq(bytes.subarray(0, n)), (e) => /^rnnlab: (too short|truncated)/.test(e.message), `length ${n}`);
  }
  stillWorks();
  // save options are checked; the original still loads
  rejects(() => s2s.save({ optimizer: 1 }), /save: options\.optimizer must be true or false/);
  rejects(() => s2s.save({ trainer: true }), /save: unknown option 'trainer'/);
  rejects(() => s2s.setLearningRate(-1), /learningRate must be a finite number > 0/);
  const back = lab.loadSeq2Seq(bytes);
  assert.equal(back.steps, 1);
  // calls on a freed seq2seq throw and leave the lab working
  back.free();
  back.free();
  const b = task.batch(2);
  for (const fn of [() => back.save(), () => back.trace(b), () => back.learningRate, () => back.setLearningRate(0.1), () => back.steps,
    () => back.trainerOptions, () => back.step(b)]) {
    rejects(fn, /^rnnlab: seq2seq model has been freed$/);
  }
  s2s.free();
  task.free();
});

test('calls on freed models and trainers throw', () => {
  const m = lab.createModel({ cell: 'lstm', inputSize: 4, hiddenSize: 2, outputSize: 3 });
  const t = lab.createTrainer(m, { learningRate: 0.1 });
  const t2 = lab.createTrainer(m, { learningRate: 0.1 });
  const batch = refBatch;
  t2.free();
  for (const fn of [() => t2.step(batch), () => t2.setLearningRate(0.2), () => t2.learningRate, () => t2.steps, () => t2.config]) {
    rejects(fn, /trainer has been freed/);
  }
  rejects(() => m.save({ trainer: t2 }), /trainer has been freed/);
  m.free();
  for (const fn of [() => m.forward(batch), () => m.backward(batch), () => m.trace(batch), () => m.getWeights(), () => m.getGradients(),
    () => m.setWeights({}), () => m.resetState(), () => m.save(), () => m.parameterCount, () => lab.createTrainer(m)]) {
    rejects(fn, /^rnnlab: model has been freed$/);
  }
  // a trainer whose model was freed
  for (const fn of [() => t.step(batch), () => t.setLearningRate(0.2), () => t.steps]) rejects(fn, /model has been freed/);
  assert.equal(m.config.cell, 'lstm', 'the config stays readable');
  m.free();
  t.free();
});

test('load options are checked, and bad wasm is refused clearly', async () => {
  await rejectsAsync(load(null), /load options must be an object/);
  await rejectsAsync(load({ simd: 'yes' }), /options\.simd must be true or false/);
  await rejectsAsync(load({ threads: 2 }), /unknown load option 'threads'/);
  await rejectsAsync(load({ wasm: 42 }), /options\.wasm must be a URL, string, ArrayBuffer, Uint8Array or WebAssembly\.Module/);
  await rejectsAsync(load({ wasm: '/nonexistent/rnnlab.wasm' }), /cannot read \/nonexistent\/rnnlab\.wasm/);
  await rejectsAsync(load({ wasm: new URL('file:///nonexistent/rnnlab.wasm') }), /cannot read/);
  await rejectsAsync(load({ wasm: new Uint8Array([0, 1, 2, 3]) }), /cannot compile the wasm module/);
  const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]); // a valid module with no exports
  await rejectsAsync(load({ wasm: empty }), /lacks exports memory, malloc, free, rnnlab_version/);
  // (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  const enc = (s) => [s.length, ...new TextEncoder().encode(s)];
  const type = [1, 9, 1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f];
  const imp = [...enc('wasi_snapshot_preview1'), ...enc('fd_write'), 0, 0];
  const stdio = new Uint8Array([...empty, ...type, 2, imp.length + 1, 1, ...imp]);
  await rejectsAsync(load({ wasm: stdio }), /imports wasi_snapshot_preview1\.fd_write/);
});
