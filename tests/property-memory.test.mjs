// property-memory.test.mjs - training that would exceed the 2 GiB wasm heap fails with a clear
// message before anything is allocated (wasm/rnnlab.mjs passFits, core's rnnlab_model_pass_bytes),
// in Node and in the page's worker (web/worker/run.js reserves the first steps' arenas while the
// current run goes on). Nothing here touches the big arenas: malloc'd activations stay untouched
// pages, so the test costs little real memory; no pass of the big shapes runs.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { load } from '../wasm/rnnlab.mjs';
import { assertApiError, counter, mustFail, params, sentinel } from './helpers/property.mjs';

const count = counter();
const HEAP = /needs (\d+ MB|[\d.]+ GiB) more wasm memory beside the (\d+ MB|[\d.]+ GiB) in use, and the wasm heap holds at most 2 GiB: reduce hiddenSize, batchSize or length, or free other models/;

test('a second large run that does not fit beside the first is refused before allocating; both keep working', async () => {
  count.property();
  const lab = await load();
  const guard = sentinel(lab);
  // the "current run": 64 MiB of parameters with Adam (x4: 256 MiB), activations of 32 x 220 (about 1 GiB)
  const big = { cell: 'lstm', inputSize: 2, hiddenSize: 2048, outputSize: 2, seed: 1 };
  const a = lab.createModel(big), ta = lab.createTrainer(a, { optimizer: 'adam' });
  ta.reserve({ batchSize: 32, length: 220 });
  const small = { inputs: Int32Array.of(0, 1, 1, 0), targets: Int32Array.of(0, 1, 0, 0), batchSize: 1, length: 4 };
  const aOut = a.forward(small).outputs;
  const b = lab.createModel({ ...big, hiddenSize: 1024 }), tb = lab.createTrainer(b, { optimizer: 'adam' });
  const heapBefore = lab.memoryBytes;
  // property: every shape whose pass would not fit is refused by name, with the heap untouched
  // a second one (hiddenSize 1024) whose pass of 56..60 x 200..210 needs 0.8 to 0.9 GiB more
  fc.assert(fc.property(fc.integer({ min: 56, max: 60 }), fc.integer({ min: 200, max: 210 }), fc.constantFrom('reserve', 'step', 'forward', 'backward'), (B, T, call) => {
    const shape = { inputs: new Int32Array(B * T), targets: new Int32Array(B * T), batchSize: B, length: T };
    const run = () => (call === 'reserve' ? tb.reserve({ batchSize: B, length: T }) : call === 'step' ? tb.step(shape) : b[call](shape));
    const e = mustFail(run, ['hiddenSize', 'batchSize'], `${call} ${B} x ${T}`);
    assert.match(e.message, HEAP);
    assert.match(e.message, new RegExp(`batchSize ${B} x length ${T}`));
    assert.ok(lab.memoryBytes - heapBefore < 1 << 20, `memory grew by ${lab.memoryBytes - heapBefore} bytes (more than the batch itself) before the refusal`);
    count.tick(true);
  }), params(2101, 12));
  // both models still compute; the refused one trains on a batch that fits
  assert.deepEqual(a.forward(small).outputs, aOut);
  assert.ok(Number.isFinite(tb.step(small).loss));
  guard.alive();
  // once the first run is freed, the second fits
  a.free();
  tb.reserve({ batchSize: 64, length: 200 });
  assert.ok(b.arenaBytes.activations > 900e6);
  b.free();
  guard.free();
});

test('a pass beyond the engine limit is refused by C first, naming batchSize and length', async () => {
  count.property();
  const lab = await load();
  const m = lab.createModel({ cell: 'lstm', inputSize: 2, hiddenSize: 256, layers: 4, bidirectional: true, outputSize: 2, seed: 1 });
  const t = lab.createTrainer(m);
  const e = mustFail(() => t.reserve({ batchSize: 256, length: 1000 }), ['batchSize'], 'reserve beyond MAX_ELEMS');
  assert.match(e.message, /batch too large: batchSize 256 x length 1000 needs \d+ MB of activations/);
  assert.equal(m.arenaBytes.activations, 0);
  for (const bad of [{ batchSize: 0, length: 1 }, { batchSize: 1.5, length: 1 }, { batchSize: 2, length: NaN }, null, { batchSize: 2 ** 20, length: 2 ** 20 }]) {
    mustFail(() => t.reserve(/** @type {any} */ (bad)), ['batchSize', 'length', 'shape'], `reserve ${JSON.stringify(bad)}`);
    count.tick(true);
  }
  m.free();
});

test('the page worker: a run too large for the heap is refused while it is built; the current run goes on', async () => {
  count.property();
  const dist = new URL('../dist/', import.meta.url);
  const wasm = await import(new URL('rnnlab.mjs', dist).href);
  const { createRun, trainingBatch } = await import(new URL('worker/run.js', dist).href);
  const { defaults, PRESETS } = await import(new URL('state.js', dist).href);
  const lab = await wasm.load();
  const configOf = (task, over = {}) => ({ ...defaults(), task, ...PRESETS[task], ...over });
  // the current run, and its twin that nobody disturbs
  const current = createRun(lab, configOf('parity'));
  const twin = createRun(lab, configOf('parity'));
  for (let k = 0; k < 3; k++) { current.learner.step(trainingBatch(current)); twin.learner.step(trainingBatch(twin)); }
  // a text run at the page's largest settings: its chunks are beyond the engine's activation limit
  let err = null;
  try { createRun(lab, configOf('text', { hidden: 256, layers: 4, bidir: 'yes', batch: 256, bptt: 1000 })); } catch (e) { err = e; }
  assertApiError(err, ['batchSize', 'length'], 'text run beyond the limit');
  assert.match(/** @type {Error} */ (err).message, /batch too large/);
  count.tick(true);
  // a run within the limit that does not fit beside what the heap already holds
  const hog = lab.createModel({ cell: 'lstm', inputSize: 2, hiddenSize: 2048, outputSize: 2, seed: 1 });
  const hogT = lab.createTrainer(hog, { optimizer: 'adam' });
  hogT.reserve({ batchSize: 32, length: 220 }); // 1.2 GiB with its parameters and Adam's moments; the text run needs 0.8 more
  err = null;
  try { createRun(lab, configOf('text', { hidden: 256, layers: 4, bidir: 'yes', batch: 256, bptt: 40 })); } catch (e) { err = e; }
  assertApiError(err, ['hiddenSize', 'batchSize'], 'text run beside a full heap');
  assert.match(/** @type {Error} */ (err).message, HEAP);
  count.tick(true);
  hog.free();
  // the current run was never touched: it trains on exactly as its twin
  for (let k = 0; k < 3; k++) assert.equal(current.learner.step(trainingBatch(current)).loss, twin.learner.step(trainingBatch(twin)).loss);
  current.free(); twin.free();
});

test('summary', (t) => { t.diagnostic(count.summary('property-memory')); });
