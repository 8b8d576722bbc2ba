// @ts-check
/* energyruns.js - the runs of the energy-based family (energy.js): what the worker builds, drives
 * and posts for each mode, loaded by the family's prepare() the first time an energy mode is
 * built (the sequence pages never load it).
 *
 *   const parts = assemble(lab, config);   // the run's task, learner adapter, state (run.energy)
 *   initInfo(run);  energyPart(run);       // the init message's and each snapshot's `energy`
 *   MESSAGES.hopfield(run, data); MESSAGES.ising(run, data); MESSAGES.setTemperature(run, data)
 * hopfield: a net of the grid's size for the page's memories (store, preset, forget, clear,
 * recall: hop.recall's trace of energies and flips, where it landed); each step one capacity
 * trial (lab.hopfieldCapacity: one fresh net of CAPACITY.size units, Hebb and Storkey in turn).
 * rbm: lab.createRBM trained on lab.patterns (the RBM is its own learner); evaluations (exact
 * log-likelihood, reconstruction error) throttled to ~10% of the time; each snapshot fresh Gibbs
 * samples and reconstructions; beyond the exact log Z, AIS (aisOf). dbn: lab.createDBN trained
 * greedily (DBN_STEPS_PER_LAYER updates a layer), each RBM's step losses in buckets, samples
 * down from the top. boltzmann: lab.createBoltzmann, exact gradient (Adam) or sampled phases
 * (BM_SAMPLED), the two phases' statistics of the last batch (bm.trace), Gibbs samples.
 * A loaded net (assemble's loaded) trains on instead of a fresh one; the adapters save it.
 * ising: lab.createIsing, one sweep a step at a pace, M(T) binned
 * from the live sweeps; the scan one ising.measure a step, heated from all spins up.
 * The learners are adapters with the Learner protocol's shape (step, evaluate, learningRate,
 * steps, free): all the worker drives. An engine without the mode's net: a run that says so.
 * DOM-free.
 */
import { rng } from './common.js';

/** the capacity sweep: N units, the P/N grid, recalls from each network's first probes patterns */
export const CAPACITY = Object.freeze({ size: 100, alphas: Object.freeze(Array.from({ length: 25 }, (_, i) => +(0.02 * (i + 1)).toFixed(2))),
  probes: 4, noise: 0.05, maxSweeps: 30 });
/** Amit, Gutfreund & Sompolinsky 1985: Hebb storage, T = 0, N -> infinity */
export const ALPHA_C = 0.138;
/** Onsager: the square lattice's critical temperature, 2 / ln(1 + sqrt 2) */
export const T_C = 2 / Math.log(1 + Math.SQRT2);
/** the digits' bitmap font drawn at this many pixels per font pixel on the Hopfield grid */
const DIGIT_SCALE = 2;
/** the grid when the engine has no digits: this many columns and rows */
const PLAIN_GRID = [10, 14];
/** Ising: sweeps after a change of temperature before the sweeps count into M(T); the scan's
 * temperatures, sweeps to settle at each and sweeps measured */
const ISING_BURN = 200, ISING_MIN_T = 0.05;
/** the lattice's pace to start with: sweeps per second (slow enough to watch domains grow) */
export const ISING_RATE = 200;
/** the scan: ising.measure at each temperature (burn-in, measured sweeps, batch-means blocks),
 * heated from all spins up */
export const ISING_SCAN = Object.freeze({ from: 1.0, to: 3.6, step: 0.1, burnIn: 300, sweeps: 600, blocks: 10 });
/** RBM: Gibbs chains drawn per snapshot, their steps; reconstructions shown */
const RBM_CHAINS = 12, RBM_GIBBS = 200, RBM_RECON = 6;
/** RBM: momentum, weight decay and PCD's persistent chains (not on the page's controls). With a
 * constant learning rate PCD's weights grow without some decay and its log-likelihood falls away
 * from its best (energy.js: the preset's measurements) */
const RBM_MOMENTUM = 0.5, RBM_DECAY = 0.001, RBM_CHAINS_PCD = 100;
/** RBM without an exact log Z: AIS's independent runs and intermediate distributions (digits,
 * 48 hidden units: about 0.1 s an evaluation, a standard error under 0.1 nat) */
export const RBM_AIS = Object.freeze({ chains: 32, betas: 200 });

// ---- small helpers ----

/** overlap m = (1/N) x . s @param {ArrayLike<number>} x @param {ArrayLike<number>} s @param {number} N @param {number} [off] */
export function overlap(x, s, N, off = 0) {
  let d = 0;
  for (let i = 0; i < N; i++) d += x[off + i] * s[i];
  return d / N;
}

/** @param {any} lab @param {string} name */
const has = (lab, name) => typeof lab?.[name] === 'function';

/** The note of a run whose net this engine lacks. @param {string} what @param {string} api */
const lacking = (what, api) => `this engine has no ${what} yet (${api}): the energy-based family needs it`;

/** what the worker's sequence parts need of a run's model (worker.js reads model.config.cell) */
const NO_MODEL = Object.freeze({ config: Object.freeze({ cell: 'rnn', hiddenSize: 0, inputSize: 0, outputSize: 0 }),
  getWeights: () => null, getGradients: () => null });

/**
 * A learner of the Learner protocol's shape over a step function: what the worker drives.
 * @param {string} kind @param {{ step: (batch: any) => { loss: number, gradNorm?: number },
 *   evaluate?: () => Record<string, any>, learningRate?: { get: () => number, set: (v: number) => void },
 *   free?: () => void, save?: () => Uint8Array, steps?: () => number }} f
 */
function adapter(kind, f) {
  let steps = 0, freed = false, lr = 0;
  return {
    kind,
    /** @param {any} batch */
    step(batch) { const r = f.step(batch); steps++; return { gradNorm: 0, clipped: false, ...r }; },
    evaluate() { return { loss: NaN, accuracy: 0, solved: false, ...f.evaluate?.() }; },
    trace() { return null; },
    /** the net's own file (lab.loadLearner reads it back), for the kinds that have one */
    save() {
      if (!f.save) throw new Error(`the ${kind} run cannot be saved: the lattice is not a learner (no file kind)`);
      return f.save();
    },
    get learningRate() { return f.learningRate ? f.learningRate.get() : lr; },
    set learningRate(v) { if (f.learningRate) f.learningRate.set(v); else lr = v; },
    get trainerOptions() { return {}; },
    /** the net's update count when it keeps one (a loaded net's starts past 0) */
    get steps() { return f.steps ? f.steps() : steps; },
    get freed() { return freed; },
    free() { if (!freed) { freed = true; f.free?.(); } },
  };
}

/** What an adapter takes from a net that is a learner itself (an RBM, a DBN, a Boltzmann
 * machine): its learning rate, update count, file and free. @param {any} net */
const ownLearner = (net) => ({
  learningRate: { get: () => net.learningRate, set: (/** @type {number} */ v) => { net.learningRate = v; } },
  steps: () => net.steps,
  save: () => net.save(),
  free() { net.free(); },
});

/** A task of the worker's shape: batch(n) gives what the next step trains on. @param {(n: number) => any} next */
const taskOf = (next) => ({ batch: next, split: null, modelConfig: NO_MODEL.config, free() {} });

// ---- Hopfield ----

/** a pattern set's rows as +-1 (the engine's patterns are 0/1), each pixel scale x scale
 * @param {{ rows: number, width: number, height: number, data: Float32Array }} set @param {number} scale */
function spinsOf(set, scale) {
  const W = set.width * scale, H = set.height * scale;
  const out = new Float32Array(set.rows * W * H);
  for (let r = 0; r < set.rows; r++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = set.data[r * set.width * set.height + Math.floor(y / scale) * set.width + Math.floor(x / scale)];
        out[r * W * H + y * W + x] = v > 0.5 ? 1 : -1;
      }
    }
  }
  return { rows: set.rows, width: W, height: H, data: out };
}

/** The engine's recall of one state (hop.recall), its trace as the page replays it: the energy
 * after every update (energy[0] the start's), and each flip as an [update, unit] pair (update k
 * from 1: energy[k] is E after it). @param {any} net @param {Float32Array} state @param {Record<string, any>} o */
function recallOf(net, state, o) {
  const res = net.recall(state, o);
  const F = res.flips.unit.length;
  const flips = new Int32Array(2 * F);
  for (let f = 0; f < F; f++) { flips[2 * f] = res.flips.update[f]; flips[2 * f + 1] = res.flips.unit[f]; }
  return { res, flips, energy: Float32Array.from(res.energy) };
}

/** What the engine says a final state is (hop.recall's landedIn): a stored pattern, its
 * negation, a mixture of three, or spurious, in words. @param {any} l */
function landingOf(l) {
  const name = (/** @type {number} */ i) => `memory ${i + 1}`;
  const off = l.distance ? ` (${l.distance} unit${l.distance === 1 ? '' : 's'} off)` : '';
  if (l.kind === 'pattern') return { kind: 'pattern', text: `${name(l.index)}, as stored${off}`, index: l.index };
  if (l.kind === 'negation') return { kind: 'negation', text: `the negation of ${name(l.index)}${off} (also a minimum)`, index: l.index };
  if (l.kind === 'mixture') {
    const terms = l.patterns.map((/** @type {number} */ i, /** @type {number} */ k) => `${l.signs[k] < 0 ? '−' : k ? '+' : ''}x${i + 1}`).join(' ');
    return { kind: 'mixture', text: `the mixture sign(${terms})${off}: a spurious minimum`, index: l.patterns[0] };
  }
  if (l.kind === 'spurious') return { kind: 'spurious', text: `a spurious state, ${l.distance} units from ${name(l.nearest)} (or its negation)`, index: l.nearest };
  return { kind: 'none', text: 'nothing is stored', index: -1 };
}

/** one capacity trial without the engine's capacity sweep: a fresh net of CAPACITY.size units,
 * P random patterns, recall from a noisy copy of each of the first probes ones
 * @param {any} lab @param {string} rule @param {number} alpha @param {number} seed @returns {number} mean overlap */
function capacityTrial(lab, rule, alpha, seed) {
  const N = CAPACITY.size, P = Math.max(1, Math.round(alpha * N));
  const rand = rng(seed);
  const pats = new Float32Array(P * N);
  for (let i = 0; i < pats.length; i++) pats[i] = rand() < 0.5 ? -1 : 1;
  const net = lab.createHopfield({ size: N, rule, seed });
  try {
    net.store(pats);
    const probes = Math.min(P, CAPACITY.probes);
    const flips = Math.round(CAPACITY.noise * N);
    let sum = 0;
    for (let p = 0; p < probes; p++) {
      const s = pats.slice(p * N, (p + 1) * N);
      for (let f = 0; f < flips; f++) { const i = Math.floor(rand() * N); s[i] = -s[i]; }
      const res = net.recall(s, { update: 'async', temperature: 0, maxSweeps: CAPACITY.maxSweeps, seed: seed + p + 1 });
      sum += overlap(pats, res.state, N, p * N);
    }
    return sum / probes;
  } finally {
    net.free();
  }
}

/** @param {any} lab @param {import('./common.js').Config} config @param {any} [loaded] */
function hopfieldRun(lab, config, loaded = null) {
  const digits = has(lab, 'patterns');
  const probe = digits ? spinsOf(lab.patterns('digits', { count: 10, noise: 0, seed: config.seed }), DIGIT_SCALE) : null;
  const [width, height] = probe ? [probe.width, probe.height] : PLAIN_GRID;
  const N = width * height;
  /** @type {Float32Array[]} a loaded network's memories (the page rebuilds the net from them) */
  const memories = [];
  if (loaded) {
    if (loaded.size !== N) throw new Error(`the Hopfield network in the file has ${loaded.size} units; the page's grid has ${width} x ${height} = ${N}: save one from this page`);
    const pats = loaded.getPatterns();
    for (let r = 0; r < pats.rows; r++) memories.push(Float32Array.from(pats.data.subarray(r * N, (r + 1) * N)));
    loaded.free();
  }
  const state = {
    mode: 'hopfield', width, height, N, rule: config.rule, update: config.update, temperature: config.temperature,
    /** @type {Float32Array[]} */ stored: memories, storedVersion: 0,
    /** @type {any} */ recall: null, recallId: 0, digits: !!probe,
    /** the capacity sweep: per rule, per alpha, the sum of the mean overlaps and the trials */
    capacity: { alphas: CAPACITY.alphas, size: CAPACITY.size, hebb: CAPACITY.alphas.map(() => [0, 0]), storkey: CAPACITY.alphas.map(() => [0, 0]) },
    /** @type {{ alpha: number, overlap: number }[]} the page's recalls: P/N and the final overlap with the memory nearest the start */
    yours: [],
    trials: 0, net: /** @type {any} */ (null),
  };
  const rebuild = () => {
    state.net?.free();
    state.net = lab.createHopfield({ size: N, rule: config.rule, seed: config.seed });
    if (state.stored.length) {
      const all = new Float32Array(state.stored.length * N);
      state.stored.forEach((p, i) => all.set(p, i * N));
      state.net.store(all);
    }
    state.storedVersion++;
  };
  rebuild();
  // a trial per step: the rules alternate, the alphas go round; each point a fresh seed
  // the engine's capacity sweep (one fresh network a trial), else the trial here
  const capacityOf = has(lab, 'hopfieldCapacity') ? lab.hopfieldCapacity : null;
  const learner = adapter('hopfield', {
    step() {
      const t = state.trials++;
      const rule = t % 2 === 0 ? 'hebb' : 'storkey';
      const a = Math.floor(t / 2) % CAPACITY.alphas.length;
      const round = Math.floor(t / (2 * CAPACITY.alphas.length));
      const alpha = CAPACITY.alphas[a];
      const seed = config.seed * 100003 + round * 7919 + a;
      let m;
      if (capacityOf) {
        m = capacityOf({ size: CAPACITY.size, rule, trials: 1, probes: CAPACITY.probes, noise: CAPACITY.noise,
          maxSweeps: CAPACITY.maxSweeps, seed, alphas: [alpha] }).points[0].overlap;
      } else m = capacityTrial(lab, rule, alpha, seed);
      const cell = state.capacity[rule === 'hebb' ? 'hebb' : 'storkey'][a];
      cell[0] += m; cell[1]++;
      return { loss: 1 - m };
    },
    save: () => state.net.save(),
    free() { state.net?.free(); state.net = null; },
  });
  return { state, learner, rebuild, task: taskOf(() => ({ batchSize: 1, length: 1 })) };
}

/** @param {any} run @param {any} data */
function hopfieldMessage(run, data) {
  const h = run.energy;
  if (h?.mode !== 'hopfield') return false;
  const N = h.N;
  const asPattern = (/** @type {any} */ p) => {
    const s = Float32Array.from(p ?? []);
    if (s.length !== N || s.some((v) => v !== 1 && v !== -1)) throw new Error(`hopfield: a pattern must be ${N} values of -1 or +1`);
    return s;
  };
  switch (data.op) {
    case 'store': h.stored.push(asPattern(data.pattern)); run.rebuild(); return true;
    case 'forget': h.stored.splice(Number(data.index), 1); run.rebuild(); return true;
    case 'clear': h.stored = []; h.recall = null; run.rebuild(); return true;
    case 'preset': {
      const count = Math.max(1, Math.min(10, Number(data.count) || 3));
      /** @type {Float32Array[]} */
      const pats = [];
      if (data.kind === 'digits' && h.digits) {
        const set = spinsOf(run.lab.patterns('digits', { count, noise: 0, seed: run.config.seed }), DIGIT_SCALE);
        for (let r = 0; r < set.rows; r++) pats.push(set.data.slice(r * N, (r + 1) * N));
      } else {
        const rand = rng(run.config.seed * 31 + h.storedVersion);
        for (let r = 0; r < count; r++) pats.push(Float32Array.from({ length: N }, () => (rand() < 0.5 ? -1 : 1)));
      }
      h.stored = pats; h.recall = null;
      run.rebuild();
      return true;
    }
    case 'recall': {
      const start = asPattern(data.state);
      const id = ++h.recallId;
      const { res, flips, energy } = recallOf(h.net, start, { update: h.update, temperature: h.temperature,
        maxSweeps: h.update === 'sync' ? 50 : 20, seed: run.config.seed * 1009 + id });
      const final = Float32Array.from(res.state);
      /** @type {number[]} */
      const m = Array.from(res.overlaps);
      /** @type {number[]} */
      const m0 = h.stored.map((/** @type {Float32Array} */ p) => overlap(p, start, N));
      let target = -1;
      m0.forEach((v, i) => { if (target < 0 || Math.abs(v) > Math.abs(m0[target])) target = i; });
      const landing = landingOf(res.landedIn);
      h.recall = { id, start, final, energy, flips, update: h.update, temperature: h.temperature,
        sweeps: res.sweeps, converged: !!res.converged, period: res.period ?? (res.converged ? 1 : 0),
        overlaps: m, startOverlaps: m0, target, landing };
      if (target >= 0) h.yours.push({ alpha: h.stored.length / N, overlap: Math.abs(m[target]) });
      return true;
    }
    default: throw new Error(`hopfield: unknown op ${data.op}`);
  }
}

// ---- RBM ----

/** The data set of a config. @param {any} lab @param {import('./common.js').Config} config */
function rbmData(lab, config) {
  if (config.patterns === 'digits') return { ...lab.patterns('digits', { count: 200, noise: 0.05, seed: config.seed }), optimum: null };
  const n = config.patterns === 'bars-4x4' ? 4 : 3;
  const set = lab.patterns('bars-and-stripes', { n });
  // every pattern once, equally likely: the best mean log-likelihood is -ln(rows)
  return { ...set, optimum: -Math.log(set.rows) };
}

/** rows r0.. of a pattern set as a batch of n rows (cycling) @param {any} set @param {number} r0 @param {number} n */
function rowsOf(set, r0, n) {
  const V = set.size, out = new Float32Array(n * V);
  for (let i = 0; i < n; i++) out.set(set.data.subarray(((r0 + i) % set.rows) * V, ((r0 + i) % set.rows + 1) * V), i * V);
  return { rows: n, size: V, width: set.width, height: set.height, data: out };
}

/** @param {any} lab @param {import('./common.js').Config} config @param {any} [loaded] */
function rbmRun(lab, config, loaded = null) {
  const data = rbmData(lab, config);
  const V = data.size, H = config.hidden;
  if (loaded && (loaded.visible !== V || loaded.visibleUnits !== 'binary')) {
    throw new Error(`the RBM in the file has ${loaded.visible} ${loaded.visibleUnits} visible units; ${config.patterns} has ${V} binary ones`);
  }
  // the RBM is its own learner (step, evaluate, learningRate); visible biases from the data's
  // proportions, weights N(0, 0.01^2) (Hinton's practical guide). A loaded one goes on with its
  // own options (energy.js load: the config follows them)
  const rbm = loaded ?? lab.createRBM({ visible: V, hidden: H, visibleUnits: 'binary', seed: config.seed, data },
    { method: config.method, k: config.k, learningRate: config.lr, momentum: RBM_MOMENTUM, weightDecay: RBM_DECAY,
      ...(config.method === 'pcd' ? { chains: RBM_CHAINS_PCD } : {}) });
  const batch = Math.min(config.batch, data.rows);
  const next = shuffled(data, batch, config.seed * 7 + 3);
  const state = {
    mode: 'rbm', V, H, width: data.width, height: data.height, rows: data.rows, optimum: data.optimum,
    method: config.method, k: config.k, data, decay: RBM_DECAY, momentum: RBM_MOMENTUM,
    /** the exact mean log-likelihood can be had (2^min(V, H) states within the engine's limit) */
    exact: !!rbm.exact,
    /** @type {{ step: number, ll: number | null, recon: number | null, ais: number[] | null }[]} evaluations not yet posted */
    history: [], sampleRound: 0, lastEvalMs: 0, lastEvalAt: -Infinity, evals: 0,
  };
  Object.assign(state, { method: rbm.trainerOptions.method, k: rbm.trainerOptions.k, momentum: rbm.trainerOptions.momentum,
    decay: +rbm.trainerOptions.weightDecay.toPrecision(3), H: rbm.hidden });
  const learner = adapter('rbm', {
    step(b) { const r = rbm.step(b); return { loss: r.loss, gradNorm: r.gradNorm }; },
    evaluate() {
      // the engine's evaluation (exact log-likelihood when within its limit) at most ~10% of
      // the time: digits with many hidden units cost milliseconds
      let out = {};
      throttled(state, () => {
        const r = rbm.evaluate(data);
        // too many states for log Z: annealed importance sampling's estimate (from the data's
        // base rates) and its standard error, log p(v) = -F(v) - log Z
        const ais = r.exact ? null : aisOf(rbm, data, config.seed * 4099 + state.evals);
        state.history.push({ step: rbm.steps, ll: r.logLikelihood, recon: r.reconstructionError, ais });
        state.evals++;
        out = { loss: r.loss, accuracy: r.accuracy };
      });
      return out;
    },
    ...ownLearner(rbm),
  });
  return { state, learner, rbm, task: taskOf(next) };
}

/**
 * The mean log-likelihood of data under an RBM whose log Z is out of exact reach: AIS
 * (rbm.estimateLogPartition from the data's base rates), mean log p(v) = -mean F(v) - log Z, and
 * AIS's standard error (the free energies are exact). @param {any} rbm @param {any} data @param {number} seed
 * @returns {number[]} [estimate, standard error]
 */
export function aisOf(rbm, data, seed) {
  const z = rbm.estimateLogPartition({ chains: RBM_AIS.chains, betas: RBM_AIS.betas, seed, data });
  const F = rbm.freeEnergy(data);
  let sum = 0;
  for (const f of F) sum += f;
  return [-sum / F.length - z.logZ, z.stdError];
}

/** what a snapshot shows of an RBM: weights, samples, reconstructions, new evaluations @param {any} run */
function rbmPart(run) {
  const s = run.energy, rbm = run.rbm;
  const w = rbm.getWeights();
  const chains = RBM_CHAINS;
  // fresh chains each snapshot, from the visible biases' sample, RBM_GIBBS block Gibbs steps
  const smp = rbm.sample({ chains, steps: RBM_GIBBS, seed: run.config.seed * 977 + s.sampleRound++ });
  const samples = smp.probabilities;
  const shown = rowsOf(s.data, (s.sampleRound * RBM_RECON) % s.data.rows, Math.min(RBM_RECON, s.data.rows));
  const rec = rbm.reconstruct(shown.data);
  const history = s.history;
  s.history = [];
  return {
    mode: 'rbm', V: s.V, H: s.H, width: s.width, height: s.height, method: s.method, k: s.k, exact: s.exact, optimum: s.optimum,
    momentum: s.momentum, decay: s.decay, lr: rbm.learningRate, gibbs: RBM_GIBBS,
    weight: Float32Array.from(w.weight), visibleBias: Float32Array.from(w.visibleBias), hiddenBias: Float32Array.from(w.hiddenBias),
    samples, chains, reconData: shown.data, recon: rec.reconstructions, reconRows: shown.rows, steps: rbm.steps,
    history,
  };
}

// ---- the batches of the RBM-like runs ----

/** whole passes over a pattern set in a seeded order, batch rows a step @param {any} data
 * @param {number} batch @param {number} seed */
function shuffled(data, batch, seed) {
  const V = data.size, rand = rng(seed);
  const order = Array.from({ length: data.rows }, (_, i) => i);
  let at = data.rows;
  return () => {
    const out = new Float32Array(batch * V);
    for (let i = 0; i < batch; i++) {
      if (at >= data.rows) {
        for (let j = order.length - 1; j > 0; j--) { const k = Math.floor(rand() * (j + 1)); [order[j], order[k]] = [order[k], order[j]]; }
        at = 0;
      }
      const r = order[at++];
      out.set(data.data.subarray(r * V, (r + 1) * V), i * V);
    }
    return { rows: batch, size: V, width: data.width, height: data.height, data: out, batchSize: batch, length: 1 };
  };
}

/** f() at most ~10% of the time (the evaluations that enumerate or anneal cost milliseconds)
 * @param {{ lastEvalAt: number, lastEvalMs: number }} state @param {() => void} f */
function throttled(state, f) {
  const now = performance.now();
  if (now - state.lastEvalAt < 10 * state.lastEvalMs) return;
  state.lastEvalAt = now;
  f();
  state.lastEvalMs = performance.now() - now;
}

// ---- DBN ----

/** DBN: the updates of each RBM before the next one up trains (the top one keeps training), the
 * step losses averaged this many at a time for the chart */
export const DBN_STEPS_PER_LAYER = 3000;
const DBN_BUCKET = 50;

/** the layers of a config: the data's visibles, the hidden control's units, half as many above
 * @param {number} V @param {number} H */
export const dbnLayers = (V, H) => [V, H, Math.max(2, Math.round(H / 2))];

/** @param {any} lab @param {import('./common.js').Config} config @param {any} [loaded] */
function dbnRun(lab, config, loaded = null) {
  const data = rbmData(lab, config);
  const V = data.size;
  if (loaded && loaded.layers[0] !== V) throw new Error(`the DBN in the file has ${loaded.layers[0]} visible units; ${config.patterns} has ${V}`);
  // greedy layer-wise (Hinton, Osindero & Teh 2006): each RBM trains on the samples of the one below
  const dbn = loaded ?? lab.createDBN({ layers: dbnLayers(V, config.hidden), seed: config.seed, data },
    { method: config.method, k: config.k, learningRate: config.lr, momentum: RBM_MOMENTUM, weightDecay: RBM_DECAY / 5,
      stepsPerLayer: DBN_STEPS_PER_LAYER, ...(config.method === 'pcd' ? { chains: RBM_CHAINS_PCD / 2 } : {}) });
  const batch = Math.min(config.batch, data.rows);
  const o = dbn.trainerOptions;
  const state = {
    mode: 'dbn', V, layers: dbn.layers, width: data.width, height: data.height, rows: data.rows, data,
    method: o.method, k: o.k, stepsPerLayer: o.stepsPerLayer,
    /** [update, layer, mean step loss] not yet posted; the bucket being filled */
    losses: /** @type {number[][]} */ ([]), bucket: { layer: -1, sum: 0, n: 0 },
    /** [update, up-down reconstruction error] not yet posted */
    evals: /** @type {number[][]} */ ([]), lastEvalMs: 0, lastEvalAt: -Infinity, sampleRound: 0,
  };
  const flush = () => {
    const b = state.bucket;
    if (b.n) state.losses.push([dbn.steps, b.layer, b.sum / b.n]);
    b.sum = 0; b.n = 0;
  };
  const learner = adapter('dbn', {
    step(b) {
      const r = dbn.step(b);
      if (r.layer !== state.bucket.layer) { flush(); state.bucket.layer = r.layer; }
      state.bucket.sum += r.loss; state.bucket.n++;
      if (state.bucket.n >= DBN_BUCKET) flush();
      return { loss: r.loss, gradNorm: r.gradNorm };
    },
    evaluate() {
      let out = {};
      throttled(state, () => {
        const r = dbn.evaluate(data);
        state.evals.push([dbn.steps, r.reconstructionError]);
        out = { loss: r.loss, accuracy: r.accuracy };
      });
      return out;
    },
    ...ownLearner(dbn),
  });
  return { state, learner, dbn, task: taskOf(shuffled(data, batch, config.seed * 7 + 3)) };
}

/** what a snapshot shows of a DBN: the schedule, the bottom RBM's filters, samples down from the top @param {any} run */
function dbnPart(run) {
  const s = run.energy, dbn = run.dbn;
  const smp = dbn.sample({ chains: RBM_CHAINS, steps: RBM_GIBBS, seed: run.config.seed * 977 + s.sampleRound++ });
  const w = dbn.getWeights();
  const losses = s.losses, evals = s.evals;
  s.losses = []; s.evals = [];
  return {
    mode: 'dbn', V: s.V, layers: s.layers, width: s.width, height: s.height, method: s.method, k: s.k, lr: dbn.learningRate,
    stepsPerLayer: s.stepsPerLayer, layer: dbn.layer, layerSteps: dbn.layerSteps, steps: dbn.steps, gibbs: RBM_GIBBS,
    filters: w[0].weight, samples: smp.probabilities, chains: RBM_CHAINS, losses, evals,
  };
}

// ---- Boltzmann machine ----

/** a machine of at most this many units learns by the exact gradient unless told otherwise
 * (2^n states a step: 2^13 about 2 ms); above, by sampled clamped and free phases */
export const BM_EXACT_UNITS = 14;
/** the exact sums' limit (wasm/boltzmann.mjs BOLTZMANN_MAX_EXACT) */
const BM_MAX_EXACT = 20;
/** the sampled phases' optimizer and chains: plain SGD (the sampled gradient is noisy, and Adam's
 * steps of about the learning rate whatever the gradient's size wander off a sharp optimum) over
 * 100 persistent free-phase chains; measured on 3 x 3 bars and stripes, 9 + 4 units, seed 1, from
 * scratch: -2.91 nats at update 2500, then between -2.86 and -2.68 up to 20000 (SGD 0.1 with 32
 * chains wandered down to -3.15). The exact gradient trains with Adam at the page's learning rate. */
export const BM_SAMPLED = Object.freeze({ optimizer: 'sgd', learningRate: 0.05, chains: 100 });
/** @param {string} method @param {number} lr the page's @returns {Record<string, any>} */
const bmTrainer = (method, lr) => (method === 'exact' ? { method, optimizer: 'adam', learningRate: lr } : { method, ...BM_SAMPLED });

/** @param {any} lab @param {import('./common.js').Config} config @param {any} [loaded] */
function boltzmannRun(lab, config, loaded = null) {
  const data = rbmData(lab, config);
  const V = data.size;
  if (loaded && loaded.visible !== V) throw new Error(`the Boltzmann machine in the file has ${loaded.visible} visible units; ${config.patterns} has ${V}`);
  const H = loaded ? loaded.hidden : config.hidden;
  const n = V + H;
  const bm = loaded ?? lab.createBoltzmann({ visible: V, hidden: H, seed: config.seed }, bmTrainer(n <= BM_EXACT_UNITS ? 'exact' : 'sampled', config.lr));
  const batch = Math.min(config.batch, data.rows);
  const state = {
    mode: 'boltzmann', V, H, n, width: data.width, height: data.height, rows: data.rows, optimum: data.optimum, data,
    canExact: n <= BM_MAX_EXACT, method: bm.trainerOptions.method,
    /** [update, exact mean log-likelihood or null, pseudo-log-likelihood] not yet posted */
    evals: /** @type {(number | null)[][]} */ ([]), lastEvalMs: 0, lastEvalAt: -Infinity, sampleRound: 0,
  };
  const next = shuffled(data, batch, config.seed * 7 + 3);
  /** @type {any} the last batch trained on: the phases' statistics are drawn for it */
  let last = null;
  const learner = adapter('boltzmann', {
    step(b) { last = b; const r = bm.step(b); return { loss: r.loss, gradNorm: r.gradNorm }; },
    evaluate() {
      let out = {};
      throttled(state, () => {
        const r = bm.evaluate(data, { seed: config.seed });
        state.evals.push([bm.steps, r.logLikelihood, r.pseudoLogLikelihood]);
        out = { loss: r.loss };
      });
      return out;
    },
    ...ownLearner(bm),
  });
  return { state, learner, bm, lastBatch: () => last ?? rowsOf(data, 0, batch), task: taskOf(next) };
}

/** what a snapshot shows of a Boltzmann machine: its weights, the two phases' statistics on the
 * last batch (bm.trace: nothing changes), samples, new evaluations @param {any} run */
function boltzmannPart(run) {
  const s = run.energy, bm = run.bm;
  const w = bm.getWeights();
  const tr = bm.trace(run.lastBatch());
  const smp = bm.sample({ chains: RBM_CHAINS, sweeps: 100, seed: run.config.seed * 977 + s.sampleRound++ });
  const evals = s.evals;
  s.evals = [];
  return {
    mode: 'boltzmann', V: s.V, H: s.H, n: s.n, width: s.width, height: s.height, optimum: s.optimum, method: s.method,
    canExact: s.canExact, lr: bm.learningRate, optimizer: bm.trainerOptions.optimizer, steps: bm.steps, weight: w.weight,
    dataStatistics: tr.dataStatistics, modelStatistics: tr.modelStatistics, samples: smp.visible, chains: RBM_CHAINS, evals,
  };
}

/** @param {any} run @param {any} data */
function boltzmannMessage(run, data) {
  const s = run.energy;
  if (s?.mode !== 'boltzmann') return false;
  if (data.op === 'method') {
    if (data.method !== 'exact' && data.method !== 'sampled') throw new Error(`boltzmann: method must be 'exact' or 'sampled' (got ${data.method})`);
    if (data.method === 'exact' && !s.canExact) return false; // the view offers it only within the limit
    run.bm.setTrainer(bmTrainer(data.method, run.config.lr));
    s.method = data.method;
    return true;
  }
  throw new Error(`boltzmann: unknown op ${data.op}`);
}

// ---- Ising ----

/** the lattice's temperature: the slider's, above 0 (the samplers need T > 0) @param {number} T */
const latticeT = (T) => Math.max(ISING_MIN_T, T);

/** @param {any} lab @param {import('./common.js').Config} config */
function isingRun(lab, config) {
  const L = config.lattice;
  const is = lab.createIsing({ size: L, seed: config.seed });
  const BIN = 0.05;
  const method = config.sampler;
  const state = {
    mode: 'ising', L, T: latticeT(config.temperature), since: 0, sweeps: 0, method,
    /** M(T) from the live sweeps: T bin -> [sum |m|, sum e, sweeps] */
    bins: /** @type {Map<number, number[]>} */ (new Map()),
    /** the scan's points: [T, <|m|>, its standard error, <e>] */
    scan: /** @type {number[][]} */ ([]),
    /** @type {{ i: number, n: number } | null} a scan under way: the next temperature's index */
    scanning: /** @type {{ i: number, n: number } | null} */ (null),
    /** [sweep, m, e] since the last snapshot, every stride-th sweep (about 100 a snapshot) */
    trace: /** @type {number[][]} */ ([]), stride: 1, lastSweeps: 0,
    /** sweeps per second (0: as fast as it goes), and the clock the pace is kept by */
    rate: ISING_RATE, paced: { t0: 0, n: 0 },
    is,
  };
  const learner = adapter('ising', {
    step() {
      const sc = state.scanning;
      let m, e;
      if (sc) {
        // one temperature of the scan per step: the engine's measurement (batch-means errors)
        const T = +(ISING_SCAN.from + sc.i * ISING_SCAN.step).toFixed(4);
        state.T = T;
        const r = is.measure({ temperature: T, burnIn: ISING_SCAN.burnIn, sweeps: ISING_SCAN.sweeps, blocks: ISING_SCAN.blocks, method });
        state.scan.push([T, r.absMagnetization, r.absMagnetizationError, r.energy]);
        state.sweeps += ISING_SCAN.burnIn + ISING_SCAN.sweeps;
        if (++sc.i >= sc.n) { state.scanning = null; state.T = latticeT(config.temperature); state.since = 0; }
        m = is.magnetization; e = is.energy;
      } else {
        pace(state);
        ({ magnetization: m, energy: e } = is.sweep({ temperature: state.T, sweeps: 1, method }));
        state.sweeps++;
        if (++state.since > ISING_BURN) {
          const key = +(Math.round(state.T / BIN) * BIN).toFixed(4);
          const b = state.bins.get(key) ?? [0, 0, 0];
          b[0] += Math.abs(m); b[1] += e; b[2]++;
          state.bins.set(key, b);
        }
      }
      if (state.sweeps % state.stride === 0 || sc) state.trace.push([state.sweeps, m, e]);
      return { loss: e };
    },
    evaluate() { return { loss: is.energy }; },
    free() { is.free(); },
  });
  return { state, learner, task: taskOf(() => ({ batchSize: 1, length: L * L })) };
}

/**
 * Keeps the sweeps at state.rate a second: waits for the next one's time (a worker that plays
 * runs flat out anyway, so the wait costs nothing the fastest pace would not). After a pause the
 * clock starts again. @param {any} state
 */
function pace(state) {
  if (!state.rate) return;
  const p = state.paced, now = performance.now();
  let due = p.t0 + (p.n * 1000) / state.rate;
  if (now - due > 250 || p.n === 0) { p.t0 = now; p.n = 0; due = now; }
  while (performance.now() < due) { /* the next sweep's time */ }
  p.n++;
}

/** @param {any} run */
function isingPart(run) {
  const s = run.energy;
  const trace = s.trace;
  s.trace = [];
  // about 100 trace points a snapshot, whatever the pace
  const since = s.sweeps - s.lastSweeps;
  s.lastSweeps = s.sweeps;
  s.stride = 2 ** Math.max(0, Math.round(Math.log2(Math.max(1, since / 100))));
  return {
    mode: 'ising', L: s.L, T: s.T, sweeps: s.sweeps, method: s.method, spins: s.is.lattice,
    m: Number(s.is.magnetization), e: Number(s.is.energy),
    live: [...s.bins.entries()].sort((a, b) => a[0] - b[0]).map(([T, [m, e, n]]) => [T, m / n, e / n, n]),
    scan: s.scan.map((/** @type {number[]} */ p) => p.slice()),
    scanning: s.scanning ? { i: s.scanning.i, n: s.scanning.n } : null, trace, rate: s.rate,
  };
}

/** @param {any} run @param {any} data */
function isingMessage(run, data) {
  const s = run.energy;
  if (s?.mode !== 'ising') return false;
  if (data.op === 'scan') {
    const n = Math.round((ISING_SCAN.to - ISING_SCAN.from) / ISING_SCAN.step) + 1;
    // heated from the ordered state: a cooled lattice can freeze in stripes below T_c
    s.is.setLattice(new Int8Array(s.L * s.L).fill(1));
    s.scan = [];
    s.scanning = { i: 0, n };
    return true;
  }
  if (data.op === 'fill') {
    // every spin up (the ordered state), or fresh random spins (infinite temperature)
    const rand = rng(run.config.seed * 131 + s.sweeps);
    s.is.setLattice(Int8Array.from({ length: s.L * s.L }, () => (data.spins === 'up' || rand() < 0.5 ? 1 : -1)));
    s.since = 0;
    return true;
  }
  if (data.op === 'rate') {
    const r = Number(data.rate);
    if (!(r >= 0 && r <= 1e6)) throw new Error(`ising: rate must be sweeps per second, 0 for as fast as it goes (got ${data.rate})`);
    s.rate = r; s.paced = { t0: 0, n: 0 };
    return true;
  }
  if (data.op === 'stop') { s.scanning = null; s.T = latticeT(run.config.temperature); s.since = 0; return true; }
  throw new Error(`ising: unknown op ${data.op}`);
}

// ---- the family's hooks ----

/** what the engine needs for each mode */
const NEEDS = {
  hopfield: { fn: 'createHopfield', what: 'Hopfield networks', api: 'lab.createHopfield' },
  rbm: { fn: 'createRBM', what: 'RBMs', api: 'lab.createRBM and lab.patterns' },
  dbn: { fn: 'createDBN', what: 'deep belief nets', api: 'lab.createDBN and lab.patterns' },
  boltzmann: { fn: 'createBoltzmann', what: 'Boltzmann machines', api: 'lab.createBoltzmann and lab.patterns' },
  ising: { fn: 'createIsing', what: 'Ising sampler', api: 'lab.createIsing' },
};

/** the empty probe trace the worker's sequence parts carry for this family (nothing to draw) */
export const emptyTrace = () => ({ length: 0, split: null, hiddenSize: 0, gateNames: [], layers: 0, gates: new Float32Array(0),
  cell: new Float32Array(0), hidden: new Float32Array(0), gradNorm: new Float32Array(0), outputs: new Float32Array(0),
  predicted: null, loss: 0 });

/** @param {any} run */
export function energyPart(run) {
  const s = run.energy;
  if (!s) return { mode: run.config.task, available: false };
  if (s.mode === 'rbm') return rbmPart(run);
  if (s.mode === 'dbn') return dbnPart(run);
  if (s.mode === 'boltzmann') return boltzmannPart(run);
  if (s.mode === 'ising') return isingPart(run);
  return {
    mode: 'hopfield', width: s.width, height: s.height, N: s.N, rule: s.rule, update: s.update, temperature: s.temperature,
    stored: concat(s.stored, s.N), storedCount: s.stored.length, storedVersion: s.storedVersion, recall: s.recall,
    capacity: { alphas: s.capacity.alphas, size: s.capacity.size, hebb: s.capacity.hebb.map((/** @type {number[]} */ c) => c.slice()),
      storkey: s.capacity.storkey.map((/** @type {number[]} */ c) => c.slice()) },
    trials: s.trials, yours: s.yours.slice(), digits: s.digits,
  };
}

/** @param {Float32Array[]} rows @param {number} N */
function concat(rows, N) {
  const out = new Float32Array(rows.length * N);
  rows.forEach((r, i) => out.set(r, i * N));
  return out;
}

/** The run of a config: the mode's net and its adapter, or a run that says the engine lacks it.
 * @param {any} lab @param {import('./common.js').Config} config @returns {import('./common.js').RunParts} */
export function assemble(lab, config, /** @type {any} */ loaded = null) {
  const need = NEEDS[/** @type {'hopfield' | 'rbm' | 'dbn' | 'boltzmann' | 'ising'} */ (config.task)];
  const missing = !has(lab, need.fn) || (config.task !== 'hopfield' && config.task !== 'ising' && !has(lab, 'patterns'));
  if (missing) {
    const learner = adapter(config.task, { step: () => ({ loss: NaN }) });
    return { task: taskOf(() => ({ batchSize: 1, length: 1 })), model: NO_MODEL, learner: /** @type {any} */ (learner), probe: null, batchSize: 1,
      energy: null, note: lacking(need.what, need.api), lab, free() { learner.free(); } };
  }
  const net = loaded?.learner ?? null;
  const built = config.task === 'hopfield' ? hopfieldRun(lab, config, net) : config.task === 'rbm' ? rbmRun(lab, config, net)
    : config.task === 'dbn' ? dbnRun(lab, config, net) : config.task === 'boltzmann' ? boltzmannRun(lab, config, net) : isingRun(lab, config);
  const { learner } = built;
  // the adapter has the Learner protocol's shape (the worker drives nothing else), not its types
  return { ...built, learner: /** @type {any} */ (learner), energy: built.state, model: NO_MODEL, probe: null, batchSize: 1,
    note: '', lab, free() { learner.free(); } };
}

/** The init message's `energy`: the mode, whether the engine has it, its shape. @param {any} run */
export function initInfo(run) {
  const s = run.energy;
  /** @type {Record<string, any>} */
  const e = { mode: run.config.task, available: !!s, note: run.note };
  if (s?.mode === 'hopfield') Object.assign(e, { width: s.width, height: s.height, N: s.N, digits: s.digits,
    capacity: { size: CAPACITY.size, alphas: CAPACITY.alphas, noise: CAPACITY.noise, probes: CAPACITY.probes }, alphaC: ALPHA_C });
  if (s?.mode === 'rbm') Object.assign(e, { V: s.V, H: s.H, width: s.width, height: s.height, rows: s.rows, optimum: s.optimum,
    data: Float32Array.from(s.data.data.subarray(0, Math.min(s.rows, 32) * s.V)), dataRows: Math.min(s.rows, 32), patterns: run.config.patterns });
  if (s?.mode === 'dbn') Object.assign(e, { V: s.V, layers: s.layers, width: s.width, height: s.height, rows: s.rows,
    data: Float32Array.from(s.data.data.subarray(0, Math.min(s.rows, 32) * s.V)), dataRows: Math.min(s.rows, 32), patterns: run.config.patterns,
    stepsPerLayer: s.stepsPerLayer });
  if (s?.mode === 'boltzmann') Object.assign(e, { V: s.V, H: s.H, n: s.n, width: s.width, height: s.height, rows: s.rows, optimum: s.optimum,
    data: Float32Array.from(s.data.data.subarray(0, Math.min(s.rows, 32) * s.V)), dataRows: Math.min(s.rows, 32), patterns: run.config.patterns,
    canExact: s.canExact, maxExact: BM_MAX_EXACT });
  if (s?.mode === 'ising') Object.assign(e, { L: s.L, Tc: T_C, scan: ISING_SCAN });
  return { energy: e };
}

/** @type {Record<string, (run: any, data: any) => boolean>} the family's messages */
export const MESSAGES = {
  hopfield: hopfieldMessage,
  ising: isingMessage,
  boltzmann: boltzmannMessage,
  setTemperature(run, data) {
    const T = Number(data.value);
    if (!run.energy || !(T >= 0 && T <= 5)) return false;
    run.config = { ...run.config, temperature: T };
    if (run.energy.mode === 'hopfield') run.energy.temperature = T;
    if (run.energy.mode === 'ising') { run.energy.T = latticeT(T); run.energy.since = 0; run.energy.scanning = null; }
    return true;
  },
};
