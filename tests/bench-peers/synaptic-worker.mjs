// synaptic-worker.mjs - the synaptic part of peers.mjs, in a worker thread so that peers.mjs can
// stop it. Architect.LSTM(65, 128, 65), one character = activate(one-hot input) + propagate(lr,
// one-hot target). One warm-up character, then up to 5 timed characters within `seconds`; posts
// { buildSeconds, rate (median chars/s), runs }.
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { V, H, T, batchData } from '../bench/measure.mjs';

const synaptic = createRequire(import.meta.url)('synaptic');
const t0 = performance.now();
const net = new synaptic.Architect.LSTM(V, H, V);
const buildSeconds = (performance.now() - t0) / 1000;
net.setOptimize(false);
const { inputs, targets } = batchData(1);
const oneHot = (i) => { const v = new Array(V).fill(0); v[i] = 1; return v; };
let t = 0;
const step = () => { net.activate(oneHot(inputs[t % T])); net.propagate(1e-3, oneHot(targets[t % T])); t++; };
step();
const rates = [], start = performance.now();
while (rates.length < 5 && (rates.length === 0 || performance.now() - start < workerData.seconds * 1000)) {
  const s = performance.now();
  step();
  rates.push(1000 / (performance.now() - s));
}
rates.sort((a, b) => a - b);
parentPort.postMessage({ buildSeconds, rate: rates[(rates.length - 1) >> 1], runs: rates.length });
