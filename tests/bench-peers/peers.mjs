// peers.mjs - `make bench-peers`: rnnlab next to other JavaScript RNN libraries on the task of
// `make bench` (tests/bench/measure.mjs): character-level model, 65 symbols, H = 128, T = 25,
// softmax cross-entropy over 65, learning rate 1e-3, batch 1 and 32, one thread, the same data.
//   rnnlab         wasm SIMD build, Adam, trainer.step (the measurement of make bench, imported)
//   TF.js          tfjs-layers model (one-hot [B, T, 65] -> lstm/gru/simpleRNN(128, returnSequences)
//                  -> dense(65, softmax)), categorical cross-entropy, tf.train.adam, trainOnBatch,
//                  wasm backend with SIMD, single-threaded, .wasm files from the npm package
//   brain.js       recurrent.LSTM/GRU/RNN, hiddenLayers [128]. It trains on strings only, one at a
//                  time (no batches): 25-character strings over the same 65-symbol alphabet, the
//                  same random symbols; one step = trainPattern(one string), which predicts every
//                  next character (plus its end token). Its optimiser is its own RMSProp, not Adam.
//   synaptic       Architect.LSTM(65, 128, 65), activate + propagate per character (online SGD with
//                  its eligibility traces, no batches, no Adam), setOptimize(false): the optimised
//                  path compiles one huge function and had not finished its first character after
//                  45 s here. Runs in a worker, time-boxed; building the network alone takes ~12 s.
// Each peer measurement: >= 1 s of warm-up steps, then up to 5 timed runs of >= --seconds each
// (at least one step), the median reported; it stops early (fewer runs) after --max-seconds.
// GFLOP/s uses the formula of make bench for every system (6HG + 6HV flop per character: the
// matrix products the model needs), whatever a library computes in addition (TF.js multiplies the
// one-hot inputs by a dense matrix, for instance). rnnlab/peer: rnnlab's characters/s at the same
// cell and batch divided by the peer's. A second table repeats rnnlab right before and after each
// TF.js run (same cell and batch), for a ratio a changing machine load moves less.
// Then the attention encoder-decoder (--only attention), in steps/second: rnnlab's 'dot'
// (lab.createSeq2Seq, tests/bench/measure.mjs measureSeq2Seq) against the same model in TF.js on the
// wasm backend, the shape of the tfjs-examples date-conversion-attention model: one-hot source
// [B, 20, 11] -> lstm(128, returnSequences); its last time step is the decoder's initial state (h
// and c both, as in the example: tfjs-layers cannot train through returnState, see below); one-hot
// decoder input [B, 21, 11] (BOS y1..y20) -> lstm(128, returnSequences, initialState); dot over the
// decoder and encoder sequences, softmax, context = dot(attention, encoder), concatenate [context,
// decoder], dense(128, tanh, no bias: rnnlab's W_c), dense(11, softmax) (on the 3-d tensor directly:
// timeDistributed, as in the example, would loop over the 21 steps), categorical cross-entropy over
// y1..y20 EOS, tf.train.adam(1e-3), trainOnBatch, batch 32, the same symbols (seq2seqBatch). rnnlab
// is measured right before and after TF.js; rnnlab/TF.js = their mean over TF.js's steps/s. If the
// wasm backend lacked a kernel the model needs, the row would say which and run on the cpu backend.
// Then RBM training (--only rbm), in samples/second: scikit-learn's BernoulliRBM (Debian's
// python3-sklearn, NumPy on OpenBLAS with one thread; sklearn_rbm.py) against rnnlab's RBM (lab.createRBM,
// wasm SIMD) on the same shapes and the same rule: persistent CD with one Gibbs step and batch-size
// persistent chains, learning rate 0.1, no momentum, no weight decay; random 0/1 data (p = 0.3).
// Measured, never asserted; not part of make test.
// Usage: node tests/bench-peers/peers.mjs [--seconds 1] [--max-seconds 12] [--only tfjs,brain,synaptic,rnnlab,attention,rbm]
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { load } from '../../wasm/rnnlab.mjs';
import { V, H, T, flopsPerChar, batchData, measure, S2S, seq2seqBatch, measureSeq2Seq, createSeq2Seq } from '../bench/measure.mjs';

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1' },
    'max-seconds': { type: 'string', default: '12' },
    only: { type: 'string', default: 'rnnlab,tfjs,brain,synaptic,attention,rbm' },
  },
});
const repSeconds = Number(opt.seconds), maxSeconds = Number(opt['max-seconds']);
const only = new Set(opt.only.split(','));
const require = createRequire(import.meta.url);
const version = (pkg) => require(`${pkg}/package.json`).version;
const CELLS = ['lstm', 'gru', 'rnn'], BATCHES = [1, 32];
// The 65 symbols of the tiny-shakespeare corpus: brain.js needs characters, not indices.
const ALPHABET = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
if (ALPHABET.length !== V) throw new Error('alphabet must have V symbols');

// Median characters/s of up to 5 timed runs; `step` may be async.
// The warm-up: at least 2 steps and 1 s (the JIT of the pure-JS libraries needs it).
async function timeSteps(step, charsPerStep) {
  let start = performance.now();
  for (let i = 0; i < 2 || performance.now() - start < 1000; i++) await step();
  start = performance.now();
  const rates = [];
  while (rates.length < 5 && (rates.length === 0 || performance.now() - start < maxSeconds * 1000)) {
    let steps = 0, t1;
    const t0 = performance.now();
    do { await step(); steps++; } while ((t1 = performance.now()) - t0 < repSeconds * 1000);
    rates.push((steps * charsPerStep) / ((t1 - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { rate: rates[(rates.length - 1) >> 1], runs: rates.length };
}

const rows = [];
const note = (s) => console.error(`  ${s}`);

// ---- TF.js, wasm backend ---------------------------------------------------------------------
// TF.js and rnnlab back to back (rnnlab, TF.js, rnnlab for each cell and batch), so a machine
// whose load changes during the run moves both sides of that ratio alike.
const paired = [];
const pairLab = only.has('tfjs') && only.has('rnnlab') ? await load({ simd: true }) : null;
/** TF.js on its wasm backend (once; the attention section uses it too) */
let tfjs;
async function loadTf() {
  if (tfjs) return tfjs;
  const tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the backend reads its .wasm files from the package's dist folder (no network).
  setWasmPaths(require.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, 'dist/'));
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // one thread, like rnnlab
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js wasm backend failed to initialise');
  await tf.ready();
  return (tfjs = { tf, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') });
}
if (only.has('tfjs')) {
  const { tf, simd } = await loadTf();
  const layer = { lstm: 'lstm', gru: 'gru', rnn: 'simpleRNN' };
  for (const cell of CELLS)
    for (const B of BATCHES) {
      const warn = console.warn;
      console.warn = () => {}; // "Orthogonal initializer ... Slowness may result" (only at build)
      const model = tf.sequential();
      model.add(tf.layers[layer[cell]]({ units: H, returnSequences: true, inputShape: [T, V] }));
      model.add(tf.layers.dense({ units: V, activation: 'softmax' }));
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
      const { inputs, targets } = batchData(B);
      const x = tf.oneHot(tf.tensor2d(inputs, [B, T], 'int32'), V).toFloat();
      const y = tf.oneHot(tf.tensor2d(targets, [B, T], 'int32'), V).toFloat();
      const before = pairLab ? measure(pairLab, cell, B, 1) : undefined;
      const { rate, runs } = await timeSteps(() => model.trainOnBatch(x, y), B * T);
      if (pairLab) paired.push({ cell, B, tf: rate, rnnlab: [before, measure(pairLab, cell, B, 1)] });
      console.warn = warn;
      tf.dispose([x, y]); model.dispose();
      rows.push({ system: `TF.js ${tf.version.tfjs} wasm${simd ? ' SIMD' : ''}`, cell, B, rate, runs });
      note(`TF.js ${cell} B=${B}: ${Math.round(rate)} chars/s`);
    }
}

// ---- the attention encoder-decoder: TF.js (wasm backend) vs rnnlab 'dot', steps/second --------
const attention = [];
if (only.has('attention')) {
  const { tf, simd } = await loadTf();
  const lab = await load({ simd: true });
  const { V: SV, H: SH, S, U, B } = S2S;
  const batch = seq2seqBatch(B);
  // The example's GetLastTimestepLayer: x[:, T-1, :]. (Its alternative, the encoder's
  // returnState, cannot be trained in tfjs-layers 4.22: its training executor calls a layer once per
  // output tensor (the encoder would run three times), and the decoder's RNN layer stores
  // initialState in the kwargs object all layers share, so the encoder's call after the decoder's
  // throws "When inputs is an array, neither initialState or constants should be provided".)
  class LastStep extends tf.layers.Layer {
    static get className() { return 'LastStep'; }
    computeOutputShape(shape) { return [shape[0], shape[2]]; }
    call(input) {
      return tf.tidy(() => {
        const x = Array.isArray(input) ? input[0] : input;
        return x.slice([0, x.shape[1] - 1, 0], [-1, 1, -1]).reshape([x.shape[0], x.shape[2]]);
      });
    }
  }
  const build = () => {
    const encIn = tf.input({ shape: [S, SV] }), decIn = tf.input({ shape: [U, SV] });
    const enc = tf.layers.lstm({ units: SH, returnSequences: true }).apply(encIn);
    const last = new LastStep().apply(enc);
    const dec = tf.layers.lstm({ units: SH, returnSequences: true }).apply(decIn, { initialState: [last, last] });
    const scores = tf.layers.dot({ axes: [2, 2] }).apply([dec, enc]); // [B, U, S]
    const alpha = tf.layers.activation({ activation: 'softmax' }).apply(scores);
    const context = tf.layers.dot({ axes: [2, 1] }).apply([alpha, enc]); // [B, U, H]
    const joined = tf.layers.concatenate().apply([context, dec]);
    const ht = tf.layers.dense({ units: SH, activation: 'tanh', useBias: false }).apply(joined);
    const out = tf.layers.dense({ units: SV, activation: 'softmax' }).apply(ht);
    const model = tf.model({ inputs: [encIn, decIn], outputs: out });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    return model;
  };
  const warn = console.warn;
  console.warn = () => {}; // the orthogonal initializer's warning
  const xs = tf.oneHot(tf.tensor2d(batch.src, [B, S], 'int32'), SV).toFloat();
  const xd = tf.oneHot(tf.tensor2d(batch.decIn, [B, U], 'int32'), SV).toFloat();
  const y = tf.oneHot(tf.tensor2d(batch.decTgt, [B, U], 'int32'), SV).toFloat(); // no -1: every row is full length
  let model = build(), backend = `wasm${simd ? ' SIMD' : ''}`, first;
  try {
    first = await model.trainOnBatch([xs, xd], y);
  } catch (e) {
    const kernel = /Kernel '(\w+)' not registered/.exec(e.message)?.[1];
    if (!kernel) throw e;
    note(`TF.js attention: the wasm backend has no kernel ${kernel}: cpu backend instead`);
    model.dispose();
    await tf.setBackend('cpu');
    model = build(), backend = `cpu (wasm lacks ${kernel})`, first = await model.trainOnBatch([xs, xd], y);
  }
  const s2s = createSeq2Seq(lab, 'dot');
  note(`attention: parameters TF.js ${model.countParams()}, rnnlab ${s2s.parameterCount} (rnnlab's LSTMs have PyTorch's two bias vectors)`);
  s2s.free();
  const before = measureSeq2Seq(lab, 'dot', B, 1);
  const { rate, runs } = await timeSteps(() => model.trainOnBatch([xs, xd], y), 1);
  const after = measureSeq2Seq(lab, 'dot', B, 1);
  const lossNow = await model.trainOnBatch([xs, xd], y);
  console.warn = warn;
  note(`TF.js attention ${backend}: ${rate.toFixed(2)} steps/s (loss ${first.toFixed(3)} -> ${lossNow.toFixed(3)}); rnnlab dot ${before.toFixed(1)}, ${after.toFixed(1)} steps/s`);
  tf.dispose([xs, xd, y]); model.dispose();
  attention.push({ system: `rnnlab ${lab.version}, before`, rate: before, runs: 5 },
    { system: `TF.js ${tf.version.tfjs} ${backend}`, rate, runs, tf: true },
    { system: `rnnlab ${lab.version}, after`, rate: after, runs: 5 });
}

// ---- brain.js --------------------------------------------------------------------------------
if (only.has('brain')) {
  const brain = require('brain.js');
  const cls = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' };
  const { inputs } = batchData(32);
  const strings = Array.from({ length: 32 }, (_, b) => Array.from(inputs.subarray(b * T, (b + 1) * T), (i) => ALPHABET[i]).join(''));
  for (const cell of CELLS) {
    // The formatter over the whole alphabet: 65 inputs and outputs (+1 start/end token).
    const net = new brain.recurrent[cls[cell]]({ hiddenLayers: [H], dataFormatter: new brain.utilities.DataFormatter([ALPHABET]) });
    net.train(strings.slice(0, 1), { iterations: 1, learningRate: 1e-3 }); // builds the model
    if (net.inputSize !== V) throw new Error(`brain.js inputSize ${net.inputSize}`);
    const patterns = strings.map((s) => net.formatDataIn(s));
    let k = 0;
    const { rate, runs } = await timeSteps(() => net.trainPattern(patterns[k++ % patterns.length]), T);
    rows.push({ system: `brain.js ${version('brain.js')}`, cell, B: 1, rate, runs });
    note(`brain.js ${cell}: ${Math.round(rate)} chars/s`);
  }
}

// ---- synaptic (in a worker, so a hopeless run can be stopped) ---------------------------------
if (only.has('synaptic')) {
  const limit = 20 + 4 * maxSeconds;
  const result = await new Promise((resolve) => {
    const w = new Worker(new URL('./synaptic-worker.mjs', import.meta.url), { workerData: { seconds: Math.min(maxSeconds, 8) } });
    const timer = setTimeout(() => { w.terminate(); resolve({ error: `stopped after ${limit} s` }); }, limit * 1000);
    w.on('message', (m) => { clearTimeout(timer); w.terminate(); resolve(m); });
    w.on('error', (e) => { clearTimeout(timer); resolve({ error: e.message }); });
  });
  if (result.error) note(`synaptic: ${result.error}`);
  else note(`synaptic lstm: built in ${result.buildSeconds.toFixed(1)} s, ${result.rate.toFixed(2)} chars/s`);
  rows.push({ system: `synaptic ${version('synaptic')}`, cell: 'lstm', B: 1, rate: result.rate, runs: result.runs ?? 0 });
}

// ---- rnnlab, last (exactly the measurement of make bench) -----------------------------------
// Measured after the peers; its rows are printed first.
const rnnlab = new Map();
if (only.has('rnnlab')) {
  const lab = await load({ simd: true });
  for (const cell of CELLS)
    for (const B of BATCHES) {
      const rate = measure(lab, cell, B, 1);
      rnnlab.set(`${cell}/${B}`, rate);
      rows.push({ system: `rnnlab ${lab.version}`, cell, B, rate, runs: 5 });
      note(`rnnlab ${cell} B=${B}: ${Math.round(rate)} chars/s`);
    }
}

// ---- the table -------------------------------------------------------------------------------
const num = (x) => (x === undefined ? '-' : x >= 100 ? Math.round(x).toString() : x >= 10 ? x.toFixed(1) : x.toFixed(2));
if (rows.length) {
  console.log(`Training throughput, characters/second, V=${V} H=${H} T=${T}, lr 1e-3, one thread, Node ${process.versions.node}; ` +
    `median of up to 5 runs; GFLOP/s = chars/s x (6HG + 6HV)`);
  console.log(`${'system'.padEnd(22)} ${'cell'.padEnd(4)} ${'batch'.padStart(5)} | ${'chars/s'.padStart(9)} | ${'GFLOP/s'.padStart(7)} | rnnlab/peer | runs`);
  rows.sort((a, b) => b.system.startsWith('rnnlab') - a.system.startsWith('rnnlab'));
  for (const { system, cell, B, rate, runs } of rows) {
    const r = rnnlab.get(`${cell}/${B}`);
    const ratio = rate === undefined || r === undefined ? '-' : system.startsWith('rnnlab') ? '1' : num(r / rate);
    const gf = rate === undefined ? '-' : (rate * flopsPerChar(cell) / 1e9).toFixed(rate * flopsPerChar(cell) < 1e7 ? 4 : 2);
    console.log(`${system.padEnd(22)} ${cell.padEnd(4)} ${String(B).padStart(5)} | ${num(rate).padStart(9)} | ${gf.padStart(7)} | ${ratio.padStart(11)} | ${String(runs).padStart(4)}`);
  }
}
if (paired.length) {
  console.log('\nrnnlab and TF.js measured back to back (rnnlab before and after each TF.js run; ratio = their mean / TF.js):');
  console.log(`${'cell'.padEnd(4)} ${'batch'.padStart(5)} | ${'rnnlab'.padStart(15)} | ${'TF.js'.padStart(7)} | rnnlab/TF.js`);
  for (const { cell, B, tf, rnnlab: [a, b] } of paired)
    console.log(`${cell.padEnd(4)} ${String(B).padStart(5)} | ${`${num(a)}, ${num(b)}`.padStart(15)} | ${num(tf).padStart(7)} | ${num((a + b) / 2 / tf).padStart(12)}`);
}
if (attention.length) {
  const [a, t, b] = attention, ratio = (a.rate + b.rate) / 2 / t.rate;
  console.log(`\nAttention encoder-decoder training, steps/second (sequences/s = ${S2S.B} x steps/s): LSTM H=${S2S.H}, ${S2S.V} one-hot symbols, ` +
    `source ${S2S.S}, target ${S2S.S} + EOS, batch ${S2S.B}, dot attention, Adam lr 1e-3, one thread; rnnlab right before and after TF.js`);
  console.log(`${'system'.padEnd(30)} | ${'steps/s'.padStart(7)} | ${'seq/s'.padStart(6)} | runs`);
  for (const { system, rate, runs } of attention)
    console.log(`${system.padEnd(30)} | ${num(rate).padStart(7)} | ${num(rate * S2S.B).padStart(6)} | ${String(runs).padStart(4)}`);
  console.log(`rnnlab/TF.js (mean of rnnlab's two runs over TF.js): ${num(ratio)}`);
}

// ---- RBMs: scikit-learn's BernoulliRBM (NumPy) vs rnnlab's RBM, samples/second ----------------
if (only.has('rbm')) {
  const SHAPES = [[64, 256, 10], [784, 256, 100]]; // BernoulliRBM's default batch (10); an MNIST-sized one
  let peer = [];
  try {
    const out = execFileSync('/usr/bin/python3', [new URL('./sklearn_rbm.py', import.meta.url).pathname, ...SHAPES.flat().map(String)],
      { env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' }, encoding: 'utf8' });
    peer = out.trim().split('\n').map((l) => JSON.parse(l));
  } catch (e) { console.log(`\nscikit-learn not measured: ${String(e).split('\n')[0]} (Debian: apt-get install python3-sklearn)`); }
  const lab = await load({ simd: true });
  console.log('\nRBM training, samples/second: persistent CD-1, chains = batch, learning rate 0.1, random 0/1 data; ' +
    'scikit-learn BernoulliRBM on NumPy with one BLAS thread, rnnlab wasm SIMD one thread');
  console.log(`${'visible x hidden'.padEnd(17)} ${'batch'.padStart(5)} | ${'rnnlab'.padStart(9)} | ${'scikit-learn'.padStart(12)} | rnnlab/sklearn`);
  for (const [Vv, Hh, B] of SHAPES) {
    const data = new Float32Array(B * 64 * Vv);
    let r = 12345;
    for (let i = 0; i < data.length; i++) r = (r * 1103515245 + 12345) % 2 ** 31, data[i] = r / 2 ** 31 < 0.3 ? 1 : 0;
    const rbm = lab.createRBM({ visible: Vv, hidden: Hh, seed: 1 }, { method: 'pcd', k: 1, learningRate: 0.1, momentum: 0, weightDecay: 0, chains: B });
    let k = 0;
    const stepOnce = () => { const i = k++ % 64; rbm.step({ rows: B, size: Vv, data: data.subarray(i * B * Vv, (i + 1) * B * Vv) }); };
    const rates = [];
    for (let t0 = performance.now(); performance.now() - t0 < 1000;) stepOnce(); // warm-up
    for (let run = 0; run < 5; run++) {
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < repSeconds * 1000) stepOnce(), n++;
      rates.push((n * B) / ((performance.now() - t0) / 1000));
    }
    rates.sort((a, b) => a - b);
    const ours = rates[2], theirs = peer.find((p) => p.visible === Vv && p.hidden === Hh && p.batch === B);
    console.log(`${`${Vv} x ${Hh}`.padEnd(17)} ${String(B).padStart(5)} | ${num(ours).padStart(9)} | ${(theirs ? num(theirs.samples_per_s) : '-').padStart(12)} | ${(theirs ? num(ours / theirs.samples_per_s) : '-').padStart(14)}`);
    rbm.free();
  }
  if (peer.length) console.log(`scikit-learn ${peer[0].sklearn}`);
}
