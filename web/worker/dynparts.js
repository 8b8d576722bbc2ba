// @ts-check
/* dynparts.js - the dynamics family's snapshot part `dynamics` (families/dynamics.js loads this
 * module in prepare(), so the page itself never fetches it): what a trained model does as a
 * dynamical system, computed in the worker at each snapshot and kept cheap.
 *
 *   const phase = phaseRow(lab, name, options);          // once per run: the true trajectory
 *   const part = dynamicsPart(run, { fixedPoints: true }); // each snapshot
 *
 *   phase        the closed-loop rollout (model.rollout) after a warm-up of WARMUP true states
 *                from the phase row's start, GENERATE steps, beside the true continuation; the
 *                valid-prediction step, where the normalised error ||o - d|| / R first exceeds
 *                0.4 (R: the RMS of ||d|| over the true continuation; systems.c uses the
 *                attractor's long-run RMS), and for Lorenz the same in Lyapunov times (0.906 per
 *                time unit, a sample every 0.02); for van der Pol and the limit cycle the period and
 *                amplitude of channel 0 over the last 200 steps, the rollout's and the truth's.
 *                Only the systems whose output is their next input (van der Pol, Lorenz,
 *                Mackey-Glass, the limit cycle).
 *   perturb      model.lyapunov at a constant zero input: the divergence of two trajectories
 *                PERTURBATION apart over DIVERGE steps, and the estimated largest exponent (natural log
 *                per step).
 *   fixedPoints  model.fixedPoints at a constant zero input (every FIXED_EVERY-th snapshot, and
 *                when paused, for small models; on request for large ones, where a search costs
 *                more than a snapshot's budget), with each
 *                point's type and its unstable directions, layer 0's hidden part only (what the
 *                PCA plot projects); for the flip-flop each point's read-out (the 3 output bits).
 * DOM-free.
 */

/** teacher-forced true states before the rollout, and the generated steps */
export const WARMUP = 50, GENERATE = 300;
/** the perturbation curve's steps, and the exponent's averaging steps */
const DIVERGE = 150, LYAP_STEPS = 300;
/** the perturbation curve's first separation: 1e-5, so that converging trajectories show a few
 * decades before float32 rounding (states of order 1: ~1e-7) makes them one */
const PERTURBATION = 1e-5;
/** fixed points: starts and Adam iterations (kept small: the worker also trains) */
const FP_STARTS = 64, FP_ITERATIONS = 300;
/** the valid time's threshold (Pathak et al. 2018) */
export const VALID_THRESHOLD = 0.4;
/** Lorenz: the published largest exponent (per time unit) and the sampling step */
const LORENZ_EXPONENT = 0.906, LORENZ_DT = 0.02;

/**
 * The phase row of a system task: one true trajectory of WARMUP + GENERATE + 1 states from the
 * probe seed (the inputs are the states, the targets the next states). null for the tasks whose
 * output is not their next input.
 * @param {any} lab @param {string} name @param {Record<string, any>} taskOptions @param {number} seed
 * @returns {{ states: Float32Array, dim: number, length: number } | null}
 */
export function phaseRow(lab, name, taskOptions, seed) {
  const t = lab.createTask(name, { ...taskOptions, length: WARMUP + GENERATE, seed });
  try {
    if (t.inputSize !== t.outputSize || name === 'sine' || name === 'flipflop') return null;
    const b = t.batch(1), D = t.inputSize, T = b.length;
    // states 0..T: the inputs, then the last target
    const states = new Float32Array((T + 1) * D);
    states.set(b.inputs.subarray(0, T * D));
    states.set(b.targets.subarray((T - 1) * D, T * D), T * D);
    return { states, dim: D, length: T + 1 };
  } finally { t.free(); }
}

/**
 * The valid-prediction step: the first k with ||gen_k - truth_k|| / R > VALID_THRESHOLD (R the RMS
 * of ||truth||), or n when none is.
 * @param {ArrayLike<number>} gen @param {ArrayLike<number>} truth @param {number} n @param {number} D
 */
export function validSteps(gen, truth, n, D) {
  let sq = 0;
  for (let i = 0; i < n * D; i++) sq += truth[i] * truth[i];
  const R = Math.sqrt(sq / n) || 1;
  for (let k = 0; k < n; k++) {
    let e = 0;
    for (let c = 0; c < D; c++) e += (gen[k * D + c] - truth[k * D + c]) ** 2;
    if (!(Math.sqrt(e) / R <= VALID_THRESHOLD)) return k; // NaN counts as past it
  }
  return n;
}

/**
 * The period (in steps) and amplitude of channel 0 of a trajectory (n x D): the mean spacing of
 * its upward crossings of the middle of its range (linearly interpolated), and half its range.
 * null period when it crosses fewer than twice.
 * @param {ArrayLike<number>} x @param {number} n @param {number} D
 * @returns {{ period: number | null, amplitude: number }}
 */
export function cycleOf(x, n, D) {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < n; k++) { lo = Math.min(lo, x[k * D]); hi = Math.max(hi, x[k * D]); }
  const mid = (lo + hi) / 2, ups = [];
  for (let k = 1; k < n; k++) {
    const a = x[(k - 1) * D] - mid, b = x[k * D] - mid;
    if (a < 0 && b >= 0) ups.push(k - 1 + a / (a - b));
  }
  return { period: ups.length >= 2 ? (ups[ups.length - 1] - ups[0]) / (ups.length - 1) : null, amplitude: (hi - lo) / 2 };
}

/** the systems with a limit cycle: their rollout's period and amplitude against the truth's */
const CYCLES = ['vanderpol', 'limit-cycle'];

/** @param {any} run */
function phasePart(run) {
  const row = run.phaseRow;
  if (!row) return null;
  const D = row.dim;
  const truth = row.states.slice(WARMUP * D, (WARMUP + GENERATE) * D);
  /** @type {Float32Array | null} */
  let generated = null;
  let error = null;
  try {
    generated = run.model.rollout({ warmup: WARMUP, warmupInputs: row.states.subarray(0, WARMUP * D), steps: GENERATE });
  } catch (err) {
    // a model that blows up closed-loop (early in training): the truth alone, and why
    error = String(/** @type {Error} */ (err)?.message ?? err);
  }
  const valid = generated ? validSteps(generated, truth, GENERATE, D) : 0;
  return {
    dim: D, symbols: [...run.task.symbols], warmup: Array.from(row.states.subarray(0, WARMUP * D)),
    truth: Array.from(truth), generated: generated ? Array.from(generated) : null, error,
    validSteps: valid,
    lyapunovTimes: run.config.task === 'lorenz' ? valid * LORENZ_DT * LORENZ_EXPONENT : null,
    // the last 200 steps: past the approach to the cycle
    cycle: CYCLES.includes(run.config.task) && generated
      ? { truth: cycleOf(truth.subarray(100 * D), GENERATE - 100, D), generated: cycleOf(generated.subarray(100 * D), GENERATE - 100, D) }
      : null,
  };
}

/** @param {any} run */
function perturbPart(run) {
  try {
    const r = run.model.lyapunovAnalysis({ steps: LYAP_STEPS, transient: 100, trajectories: 1, divergenceSteps: DIVERGE,
      perturbation: PERTURBATION, seed: 1 });
    return { exponent: r.exponent, divergence: Array.from(r.divergence), error: null };
  } catch (err) {
    return { exponent: null, divergence: [], error: String(/** @type {Error} */ (err)?.message ?? err) };
  }
}

/**
 * The read-out of a hidden state h (H floats): W_out h + b, the output layer's pre-activation.
 * @param {Record<string, Float32Array>} w @param {ArrayLike<number>} h @param {number} H
 */
function readout(w, h, H) {
  const W = w['fc.weight'], b = w['fc.bias'];
  if (!W) return null;
  const V = W.length / H, out = [];
  for (let v = 0; v < V; v++) {
    let s = b ? b[v] : 0;
    for (let j = 0; j < H; j++) s += W[v * H + j] * h[j];
    out.push(s);
  }
  return out;
}

/**
 * The fixed-point search's starts: FP_STARTS states the model visits on the probe rows (run.rows,
 * traced as one batch), evenly spread in time over each row: on the flip-flop they visit the
 * memories, which a zero-input trajectory from random starts does not. Layer 0's hidden state,
 * then zeros for the rest of the state (deeper layers, the cell state).
 * @param {any} run
 */
function startsOf(run) {
  const b = run.fpBatch, T = b.length, B = b.batchSize, H = run.model.config.hiddenSize;
  // the state size, once per run: a search of one start and no iterations returns it
  run.stateSize ??= run.model.fixedPoints({ starts: 1, maxIterations: 0, refine: false })[0]?.state.length ?? H;
  const N = run.stateSize, L = run.model.config.layers;
  const l0 = run.model.trace(b).layers[0][0], h = l0.hidden, c = l0.cell;
  const per = Math.max(1, Math.round(FP_STARTS / B)), starts = [];
  for (let r = 0; r < B; r++) {
    for (let k = 0; k < per; k++) {
      const t = Math.floor(((k + 0.5) * T) / per), s = new Float32Array(N), at = (r * T + t) * H;
      s.set(h.subarray(at, at + H));
      // the cell state (LSTM cell, CT-RNN potential) of layer 0, after every layer's h
      if (N === 2 * L * H && c && c.length === h.length) s.set(c.subarray(at, at + H), L * H);
      starts.push(s);
    }
  }
  return starts;
}

/** @param {any} run */
function fixedPointsPart(run) {
  const H = run.model.config.hiddenSize;
  try {
    const pts = run.model.fixedPoints({ starts: startsOf(run), maxIterations: FP_ITERATIONS, seed: 1 });
    const w = run.config.task === 'flipflop' ? run.model.getWeights() : null;
    return {
      step: run.step, error: null,
      points: pts.map((/** @type {any} */ p) => ({
        state: Array.from(p.state.subarray(0, H)), q: p.q, slow: p.slow, type: p.type,
        unstable: p.unstableDirections.slice(0, 3).map((/** @type {any} */ d) => Array.from(d.vector.subarray(0, H))),
        readout: w ? readout(w, p.state, H) : null,
      })),
    };
  } catch (err) {
    return { step: run.step, error: String(/** @type {Error} */ (err)?.message ?? err), points: [] };
  }
}

/** the fixed points are searched every FIXED_EVERY-th snapshot (and on a forced one: paused, a
 * step) for models of at most AUTO_STATE units (a GRU of 16: ~20-80 ms a search); larger ones (an
 * ESN of 256: ~1 s) only when asked (the page's button, message 'findFixedPoints': run.wantFixed) */
const FIXED_EVERY = 5, AUTO_STATE = 64;

/**
 * The snapshot part of a dynamics run.
 * @param {any} run @param {{ force?: boolean }} [opts]
 */
export function dynamicsPart(run, opts = {}) {
  run.dynSnapshots = (run.dynSnapshots ?? 0) + 1;
  const units = run.model.config.hiddenSize * run.model.config.layers;
  const auto = units <= AUTO_STATE;
  const due = auto && (opts.force || run.dynSnapshots % FIXED_EVERY === 1) && run.lastFixedStep !== run.step;
  if (due || run.wantFixed) {
    run.lastFixed = fixedPointsPart(run);
    run.lastFixedStep = run.step;
    run.wantFixed = false;
  }
  return {
    task: run.config.task, cell: run.config.cell, hiddenSize: run.model.config.hiddenSize,
    phase: phasePart(run), perturb: perturbPart(run), fixed: run.lastFixed ?? null, autoFixed: auto,
  };
}
