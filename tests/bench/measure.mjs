// measure.mjs - the measurement shared by `make bench` (tests/bench/bench.mjs) and `make bench-peers`
// (tests/bench-peers/peers.mjs): training throughput of one rnnlab build on the character model
// (65 one-hot inputs, H = 128, T = 25, softmax over 65, Adam lr 1e-3), batch B, random data from a
// fixed LCG. Median of 5 timed repetitions after a 3-step warm-up; `budget` seconds in all.
export const V = 65, H = 128, T = 25;
export const GATES = { lstm: 4, gru: 3, rnn: 1 };
// Matrix products only: 6HG + 6HV flop per character (forward, and the two backward products).
export const flopsPerChar = (cell) => 6 * H * GATES[cell] * H + 6 * H * V;

export function lcg(seed) { let s = seed >>> 0; return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32; }

// The data of one batch: B*T input and B*T target symbols in [0, V), the same for every system.
export function batchData(B) {
  const rnd = lcg(3);
  const inputs = Int32Array.from({ length: B * T }, () => Math.floor(rnd() * V));
  const targets = Int32Array.from({ length: B * T }, () => Math.floor(rnd() * V));
  return { inputs, targets };
}

export function measure(lab, cell, B, budget = 1) {
  const model = lab.createModel({ cell, inputSize: V, input: 'onehot', hiddenSize: H, outputSize: V, output: 'softmax', seed: 1 });
  const trainer = lab.createTrainer(model, { optimizer: 'adam', learningRate: 1e-3 });
  const { inputs, targets } = batchData(B);
  const batch = { inputs, targets, batchSize: B, length: T };
  for (let i = 0; i < 3; i++) trainer.step(batch);
  const rates = [];
  for (let rep = 0; rep < 5; rep++) {
    let steps = 0;
    const t0 = performance.now();
    let t1;
    do { trainer.step(batch); steps++; } while ((t1 = performance.now()) - t0 < (budget * 1000) / 5);
    rates.push((steps * B * T) / ((t1 - t0) / 1000));
  }
  trainer.free(); model.free();
  rates.sort((a, b) => a - b);
  return rates[2];
}
