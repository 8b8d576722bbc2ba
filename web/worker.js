// @ts-check
/* worker.js - the placeholder page's training run: running parity of a bit stream.
 *
 * Owns: the parity data (from a fixed seed, so every run of it sees the same batches) and the
 * training loop. Used twice by index.html: imported on the main thread, and started as a module
 * Web Worker (`new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`), where it
 * answers one message { steps } with { ok, losses, simd, version, ms } or { ok: false, error }.
 * Both runs use the same wasm and the same data, so their losses must be identical.
 * No DOM here.
 */
import { load } from './rnnlab.mjs';

/** The model of both runs. */
export const MODEL = {
  cell: 'lstm', inputSize: 2, input: 'onehot', hiddenSize: 8, outputSize: 2, output: 'softmax', seed: 1,
};
export const OPTIMIZER = { optimizer: 'adam', learningRate: 0.01 };
export const BATCH = 16;
export const LENGTH = 8;
export const DATA_SEED = 12345;

/** mulberry32: a small seeded PRNG, returns floats in [0, 1). Same sequence in every JS engine. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One batch of running parity: inputs[b,t] is a random bit (one-hot id 0/1), targets[b,t] the
 * XOR of inputs[b,0..t]. Batch-major (B,T).
 * @param {() => number} rand
 */
export function parityBatch(rand, batchSize = BATCH, length = LENGTH) {
  const inputs = new Int32Array(batchSize * length);
  const targets = new Int32Array(batchSize * length);
  for (let b = 0; b < batchSize; b++) {
    let parity = 0;
    for (let t = 0; t < length; t++) {
      const bit = rand() < 0.5 ? 0 : 1;
      parity ^= bit;
      inputs[b * length + t] = bit;
      targets[b * length + t] = parity;
    }
  }
  return { inputs, targets, batchSize, length };
}

/**
 * Trains a fresh model on parity for `steps` steps; returns every step's loss.
 * @param {any} lab the object `await load()` from rnnlab.mjs returns
 * @param {number} steps
 * @returns {{ losses: number[], ms: number }}
 */
export function trainParity(lab, steps) {
  const rand = mulberry32(DATA_SEED);
  const model = lab.createModel(MODEL);
  let trainer;
  try {
    trainer = lab.createTrainer(model, OPTIMIZER);
    const losses = [];
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) losses.push(trainer.step(parityBatch(rand)).loss);
    return { losses, ms: performance.now() - t0 };
  } finally {
    trainer?.free();
    model.free();
  }
}

// As a module worker: load the wasm at once, but register onmessage synchronously so no message
// is lost while it loads.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  const ready = load();
  ready.catch(() => {}); // reported by the message handler, not as an unhandled rejection
  self.onmessage = async ({ data }) => {
    try {
      const lab = await ready;
      const run = trainParity(lab, data.steps);
      self.postMessage({ ok: true, version: lab.version, simd: lab.simd, ...run });
    } catch (err) {
      self.postMessage({ ok: false, error: String(/** @type {Error} */ (err)?.stack ?? err) });
    }
  };
}
