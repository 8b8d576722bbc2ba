// measure.mjs - the measurement shared by `make bench` (tests/bench/bench.mjs) and `make bench-peers`
// (tests/bench-peers/peers.mjs): training throughput of one rnnlab build on the character model
// (65 one-hot inputs, H = 128, T = 25, softmax over 65, Adam lr 1e-3), batch B, random data from a
// fixed LCG. Median of 5 timed repetitions after a 3-step warm-up; `budget` seconds in all.
// Also the attention encoder-decoder of both (S2S, seq2seqBatch, measureSeq2Seq: steps/second).
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

// ---- attention encoder-decoder (lab.createSeq2Seq): make bench's second table, make bench-peers'
// attention rows. LSTM H = 128, one-hot inputs over the reverse task's 11 symbols (PAD 0, BOS 1,
// EOS 2 and 8 symbols 3..10), source length 20 (no PAD: every row is full length), reversed target,
// so the decoder runs 21 steps (BOS y1..y20 in, y1..y20 EOS out), Adam lr 1e-3, batch 32.
export const S2S = { V: 11, H: 128, S: 20, U: 21, B: 32 };
export const PAD = 0, BOS = 1, EOS = 2;

// One reverse-like batch from the LCG: the same symbols for every system (rnnlab's batch layout).
export function seq2seqBatch(B = S2S.B) {
  const { V, S, U } = S2S, rnd = lcg(7);
  const src = new Int32Array(B * S), decIn = new Int32Array(B * U), decTgt = new Int32Array(B * U);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < S; j++) src[b * S + j] = 3 + Math.floor(rnd() * (V - 3));
    decIn[b * U] = BOS;
    for (let u = 0; u < S; u++) {
      const y = src[b * S + S - 1 - u];
      decIn[b * U + u + 1] = y, decTgt[b * U + u] = y;
    }
    decTgt[b * U + S] = EOS;
  }
  return { batchSize: B, srcLength: S, tgtLength: U, src, decIn, decTgt };
}

/** the seq2seq of the benchmark, attention 'none' | 'additive' | 'dot' | 'general' */
export const createSeq2Seq = (lab, attention) =>
  lab.createSeq2Seq({ inputSize: S2S.V, input: 'onehot', outputSize: S2S.V, output: 'softmax', cell: 'lstm', hiddenSize: S2S.H, attention, seed: 1 },
    { optimizer: 'adam', learningRate: 1e-3 });

// Training steps/second of s2s.step on the fixed batch: median of 5 timed repetitions (each at least
// one step and budget/5 seconds) after a 2-step warm-up.
export function measureSeq2Seq(lab, attention, B = S2S.B, budget = 1) {
  const s2s = createSeq2Seq(lab, attention);
  const batch = seq2seqBatch(B);
  for (let i = 0; i < 2; i++) s2s.step(batch);
  const rates = [];
  for (let rep = 0; rep < 5; rep++) {
    let steps = 0, t1;
    const t0 = performance.now();
    do { s2s.step(batch); steps++; } while ((t1 = performance.now()) - t0 < (budget * 1000) / 5);
    rates.push(steps / ((t1 - t0) / 1000));
  }
  s2s.free();
  rates.sort((a, b) => a - b);
  return rates[2];
}
