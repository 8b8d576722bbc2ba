// @ts-check
/* dynview.js - the dynamics family's panels (families/dynamics.js), loaded by main.js the first
 * time a dynamics run starts, so that the other pages never fetch them: the phase portrait
 * (phase.js), the flip-flop's memory cube (phase.js createCube), the perturbation plot
 * (perturb.js), the liquid state machine's spike raster (raster.js), and the fixed points on the
 * hidden-state PCA plot (pca.js setFixedPoints). Each reads the snapshot part `dynamics`
 * (worker/dynparts.js) or the probe trace.
 *
 *   const view = createDynView(section, { color, pca });
 *   view.init(info);                 // a new run (the worker's init message)
 *   view.update(part, trace);        // each snapshot
 *   view.pub                         // what the tests read (window.__state.dynamics)
 */
import { createCube, createPhase, typeColor, validText } from './phase.js';
import { createPerturb, exponentText } from './perturb.js';
import { createRaster } from './raster.js';

/** The limit cycle's period and amplitude, rollout against truth ('' when none). @param {any} c */
function cycleText(c) {
  if (!c) return '';
  const pct = (/** @type {number | null} */ g, /** @type {number | null} */ t) => (g === null || t === null || t === 0 ? '' : ` (${g >= t ? '+' : ''}${((100 * (g - t)) / t).toFixed(1)}%)`);
  const period = c.generated.period === null ? 'no cycle' : `${c.generated.period.toFixed(1)} steps${pct(c.generated.period, c.truth.period)}`;
  return `; period ${period} against ${c.truth.period?.toFixed(1) ?? '–'}, amplitude ${c.generated.amplitude.toFixed(3)}${pct(c.generated.amplitude, c.truth.amplitude)} against ${c.truth.amplitude.toFixed(3)}`;
}

/**
 * @param {HTMLElement} root the (empty) section to fill
 * @param {{ color: (name: string) => string, pca: ReturnType<typeof import('./pca.js').createPCA>,
 *   send: (msg: any) => void }} deps send: a message to the worker ('findFixedPoints')
 */
export function createDynView(root, { color, pca, send }) {
  /** @param {string} cls @param {string} caption */
  const figure = (cls, caption) => {
    const fig = document.createElement('figure');
    fig.className = `dyn-fig ${cls}`;
    const cap = document.createElement('figcaption');
    cap.textContent = caption;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', caption);
    const note = document.createElement('p');
    note.className = 'dyn-note';
    note.setAttribute('role', 'status'); // the figures' numbers, as text
    fig.append(cap, canvas, note);
    root.append(fig);
    return { fig, cap, canvas, note };
  };
  const phaseFig = figure('dyn-phase', 'phase portrait: the truth and the closed-loop rollout after a warm-up');
  const cubeFig = figure('dyn-cube', 'the fixed points read out as the 3 output bits: a memory at each corner');
  const perturbFig = figure('dyn-perturb', 'two trajectories 1e-5 apart at zero input: their distance (log scale), the fitted exponent dashed');
  const rasterFig = figure('dyn-raster', 'spike raster: the probe\'s spikes, units × time');
  const key = document.createElement('p');
  key.className = 'dyn-key';
  const sw = (/** @type {string} */ v, /** @type {string} */ text) => {
    const s = document.createElement('span');
    s.className = 'dyn-swatch';
    s.style.background = color(v);
    const t = document.createElement('span');
    t.textContent = text;
    return [s, t];
  };
  key.append(...sw('--muted', 'warm-up (teacher-forced) '), ...sw('--c-train', 'truth '), ...sw('--c-heldout', 'generated (closed loop) '),
    ...sw('--accent', 'valid-time marker; drag the 3-D view to rotate'));
  phaseFig.fig.insertBefore(key, phaseFig.note);

  // fixed points of a large model: on request (worker/dynparts.js searches small ones by itself)
  const findBtn = document.createElement('button');
  findBtn.type = 'button';
  findBtn.className = 'dyn-find';
  findBtn.textContent = 'Find fixed points';
  findBtn.title = 'search the fixed points of this model now (shown on the PCA plot); small models are searched every second';
  findBtn.addEventListener('click', () => { pub.asked++; send({ type: 'findFixedPoints' }); });
  perturbFig.fig.append(findBtn);

  const phase = createPhase(phaseFig.canvas, color);
  const cube = createCube(cubeFig.canvas, color);
  const perturb = createPerturb(perturbFig.canvas, color);
  const raster = createRaster(rasterFig.canvas, color);
  const tColor = (/** @type {string} */ t) => typeColor(color, t);

  /** @type {any} */
  const pub = { draws: 0, phaseDraws: 0, validSteps: null, lyapunovTimes: null, exponent: null, fixed: null,
    stable: null, memories: null, fixedStep: null, cubeDraws: 0, rasterDraws: 0, spikes: null, fixedDrawn: 0, asked: 0, cycle: null };

  return {
    pub,
    /** @param {any} info the worker's init message */
    init(info) {
      root.hidden = false;
      cubeFig.fig.hidden = info.task !== 'flipflop';
      rasterFig.fig.hidden = info.config.cell !== 'lsm';
      phaseFig.fig.hidden = false;
      pca.setFixedPoints(null);
      Object.assign(pub, { validSteps: null, lyapunovTimes: null, exponent: null, fixed: null, stable: null, memories: null, spikes: null });
    },
    /** @param {any} part the snapshot's dynamics @param {any} trace the probe's trace */
    update(part, trace) {
      if (!part) return;
      pub.draws++;
      phaseFig.fig.hidden = !part.phase;
      if (part.phase) {
        phase.update(part.phase);
        phaseFig.note.textContent = validText(part.phase) + cycleText(part.phase.cycle);
        pub.cycle = part.phase.cycle;
        pub.validSteps = part.phase.validSteps;
        pub.lyapunovTimes = part.phase.lyapunovTimes;
        pub.phaseDraws = phase.draws;
      }
      perturb.update(part.perturb);
      perturbFig.note.textContent = exponentText(part.perturb.exponent);
      pub.exponent = part.perturb.exponent;
      findBtn.hidden = part.autoFixed;
      const fx = part.fixed;
      if (fx) {
        const pts = fx.points;
        pca.setFixedPoints(pts, tColor);
        const count = (/** @type {string} */ t) => pts.filter((/** @type {any} */ p) => p.type === t).length;
        pub.fixed = pts.length;
        pub.fixedStep = fx.step;
        pub.stable = count('stable');
        pub.fixedDrawn = pca.fixedDrawn;
        if (part.task === 'flipflop') {
          const stable = pts.filter((/** @type {any} */ p) => p.type === 'stable' && p.readout);
          const memories = new Set(stable.map((/** @type {any} */ p) => p.readout.map((/** @type {number} */ v) => (v > 0 ? '+' : '-')).join('')));
          pub.memories = memories.size;
          cube.update(pts.filter((/** @type {any} */ p) => p.readout).map((/** @type {any} */ p) => ({ at: p.readout, type: p.type })));
          pub.cubeDraws = cube.draws;
          cubeFig.note.textContent = `${pub.stable} stable points, ${memories.size} of the 8 memories; ${count('saddle')} saddles (search at step ${fx.step})`;
        }
        perturbFig.note.textContent += `; fixed points at step ${fx.step}: ${pub.stable} stable, ${count('saddle')} saddle, ${count('unstable')} unstable${fx.error ? ` (${fx.error})` : ''}`;
      }
      if (!rasterFig.fig.hidden && trace && trace.gateNames?.[0] === 's') {
        raster.update(trace.gates, trace.length, trace.hiddenSize);
        pub.rasterDraws = raster.draws;
        pub.spikes = raster.spikes;
      }
    },
  };
}
