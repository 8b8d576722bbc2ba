// @ts-check
/* browser-dynamics.test.mjs - the dynamics family's panels (web/families/dynamics.js,
 * web/worker/dynparts.js, web/widgets/dynview.js, phase.js, perturb.js, raster.js, pca.js's fixed
 * points) end to end in headless Chromium, on dist/ (make dist). Each preset trains a few seconds
 * from its seed, then the test pauses and checks that the panels drew what they should:
 *   - van der Pol (CT-RNN): the phase portrait has the truth's and the rollout's colours, a valid
 *     time; the perturbation plot its curve; fixed points on the PCA plot
 *   - the 3-bit flip-flop (GRU): once solved, stable fixed points that read out as distinct
 *     memories, drawn in the cube
 *   - Lorenz (ESN, ridge readout): the 3-D portrait, the valid time in Lyapunov times with its
 *     marker, and a drag rotates the view; its fixed points on request (the button)
 *   - Lorenz with the liquid state machine (an example run): the spike raster
 * No wall-clock time is asserted; "a few seconds" is a number of training steps. Screenshots
 * (gitignored): tests/artifacts/dynamics-vanderpol.png, dynamics-flipflop.png,
 * dynamics-lorenz.png, dynamics-lsm.png.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, DIST, pause, skipReason, useBrowser } from './helpers/browser.mjs';

const { openPage } = useBrowser({ viewport: { width: 1280, height: 1000 } });
const skip = skipReason;
const { PRESETS, defaults, serialize } = await import(path.join(DIST, 'state.js'));

/** the hash of a task's preset (as the page's "Load the task's preset" sets it) @param {string} task @param {any} [more] */
const presetHash = (task, more = {}) => `#${serialize({ ...defaults(), task, ...PRESETS[task], ...more })}`;

/**
 * How many of a canvas's pixels are within 40 (per channel) of a CSS colour variable's value.
 * @param {import('playwright-core').Page} page @param {string} selector @param {string} cssVar
 */
const pixelsOf = (page, selector, cssVar) => page.evaluate(([sel, v]) => {
  const c = /** @type {HTMLCanvasElement} */ (document.querySelector(sel));
  const hex = getComputedStyle(c).getPropertyValue(v).trim() || getComputedStyle(document.documentElement).getPropertyValue(v).trim();
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  // read through a copy made for reading (reading the widget's own canvas makes Chromium warn)
  const copy = document.createElement('canvas');
  copy.width = c.width; copy.height = c.height;
  const cc = /** @type {CanvasRenderingContext2D} */ (copy.getContext('2d', { willReadFrequently: true }));
  cc.drawImage(c, 0, 0);
  const d = cc.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 128 && Math.abs(d[i] - want[0]) < 40 && Math.abs(d[i + 1] - want[1]) < 40 && Math.abs(d[i + 2] - want[2]) < 40) n++;
  }
  return n;
}, [selector, cssVar]);

test('in Node: the valid-time count and the phase row the worker computes (worker/dynparts.js)', async () => {
  const { validSteps, phaseRow, WARMUP, GENERATE, VALID_THRESHOLD } = await import(path.join(DIST, 'worker', 'dynparts.js'));
  const { load } = await import(path.join(DIST, 'rnnlab.mjs'));
  const lab = await load();
  // a 2-D truth on the unit circle: R = 1, so the error's threshold is 0.4 in its units
  const n = 50, truth = new Float32Array(2 * n);
  for (let k = 0; k < n; k++) { truth[2 * k] = Math.cos(k / 5); truth[2 * k + 1] = Math.sin(k / 5); }
  assert.equal(validSteps(truth, truth, n, 2), n, 'the truth itself is valid throughout');
  const gen = truth.slice();
  for (let k = 20; k < n; k++) gen[2 * k] += VALID_THRESHOLD + 0.01 * (k - 19);
  assert.equal(validSteps(gen, truth, n, 2), 20, 'the first step past 0.4 R ends it');
  gen[2 * 7] = NaN;
  assert.equal(validSteps(gen, truth, n, 2), 7, 'a non-finite output ends it');
  // the cycle's period and amplitude: a sampled sine of period 31.4 steps, amplitude 2
  const { cycleOf } = await import(path.join(DIST, 'worker', 'dynparts.js'));
  const sine = Float32Array.from({ length: 400 }, (_, k) => 2 * Math.sin(k / 5 + 0.3));
  const c = cycleOf(sine, 400, 1);
  assert.ok(Math.abs(/** @type {number} */ (c.period) - 10 * Math.PI) < 0.02, `period ${c.period}`);
  assert.ok(Math.abs(c.amplitude - 2) < 0.01, `amplitude ${c.amplitude}`);
  assert.equal(cycleOf(sine, 20, 1).period, null, 'fewer than two crossings: no period');
  // the phase row: WARMUP + GENERATE + 1 states, each row's input at t + 1 is its target at t
  const row = phaseRow(lab, 'lorenz', { length: 100 }, 7);
  assert.equal(row.dim, 3);
  assert.equal(row.length, WARMUP + GENERATE + 1);
  const t = lab.createTask('lorenz', { length: WARMUP + GENERATE, seed: 7 }), b = t.batch(1);
  assert.deepEqual(row.states.subarray(3, 6), b.targets.subarray(0, 3), 'state 1 is the target of step 0');
  assert.deepEqual(row.states.subarray(3 * (WARMUP + GENERATE)), b.targets.subarray(3 * (WARMUP + GENERATE - 1)), 'the last state is the last target');
  t.free();
  assert.equal(phaseRow(lab, 'flipflop', {}, 7), null, 'no closed loop for the flip-flop');
  assert.equal(phaseRow(lab, 'sine', {}, 7), null, 'nor for the sine generator (its input is a frequency)');
});

/** Plays until the run has taken at least `steps` steps, then pauses. @param {any} p @param {number} steps */
async function train(p, steps) {
  await p.page.click('#play');
  await p.until(`s.step >= ${steps} && s.dynamics && s.dynamics.draws > 2`);
  await pause(p);
  // one more snapshot after the pause: the panels of the final model (the pause forces one)
  await p.until('s.dynamics.draws > 0');
}

test('van der Pol (CT-RNN): phase portrait with the rollout and its valid time, the perturbation plot, fixed points on the PCA plot', { skip, timeout: 60_000 }, async (t) => {
  const p = await openPage(t);
  const { page } = p;
  await p.open(presetHash('vanderpol'));
  await p.until('s.dynamics && s.dynamics.draws > 0'); // the panels load on first use
  let s = await p.state();
  assert.equal(s.config.cell, 'ctrnn');
  assert.ok(await page.isVisible('#dynamics'), 'the dynamics panels show');
  await train(p, 600);
  s = await p.state();
  assert.equal(s.error, null);
  const d = s.dynamics;
  assert.ok(d.phaseDraws > 0 && Number.isInteger(d.validSteps), `phase drawn, valid steps ${d.validSteps}`);
  assert.ok(d.validSteps > 20, `a trained CT-RNN's rollout follows the cycle for a while: ${d.validSteps} steps`);
  assert.equal(d.lyapunovTimes, null, 'Lyapunov times for Lorenz only');
  // measured: the CT-RNN's rollout keeps the cycle's period and amplitude within a few per cent
  assert.ok(d.cycle && d.cycle.generated.period !== null, 'the rollout cycles');
  assert.ok(Math.abs(d.cycle.generated.period / d.cycle.truth.period - 1) < 0.1, `period ${d.cycle.generated.period} against ${d.cycle.truth.period}`);
  assert.ok(Math.abs(d.cycle.generated.amplitude / d.cycle.truth.amplitude - 1) < 0.1, `amplitude ${d.cycle.generated.amplitude} against ${d.cycle.truth.amplitude}`);
  assert.ok(await pixelsOf(page, '.dyn-phase canvas', '--c-train') > 200, 'the truth is drawn');
  assert.ok(await pixelsOf(page, '.dyn-phase canvas', '--c-heldout') > 200, 'the rollout is drawn');
  assert.match(await page.textContent('.dyn-phase .dyn-note') ?? '', /^valid for (all )?\d+ (generated )?steps/);
  assert.ok(Number.isFinite(d.exponent), `exponent ${d.exponent}`);
  assert.ok(await pixelsOf(page, '.dyn-perturb canvas', '--c-train') > 100, 'the divergence curve is drawn');
  assert.ok(d.fixed >= 1 && d.fixedDrawn >= 1, `fixed points found (${d.fixed}) and drawn on the PCA plot (${d.fixedDrawn})`);
  assert.ok(!(await page.isVisible('.dyn-find')), 'a small model is searched without asking');
  assert.ok(!(await page.isVisible('.dyn-cube')) && !(await page.isVisible('.dyn-raster')), 'no cube, no raster for a CT-RNN on van der Pol');
  await page.locator('main').screenshot({ path: path.join(ARTIFACTS, 'dynamics-vanderpol.png') });
  p.check();
});

test('flip-flop (GRU): once solved, stable fixed points read out as distinct memories on the cube', { skip, timeout: 60_000 }, async (t) => {
  const p = await openPage(t);
  const { page } = p;
  await p.open(presetHash('flipflop'));
  await p.until('s.dynamics && s.dynamics.draws > 0');
  assert.ok(!(await page.isVisible('.dyn-phase')), 'no closed loop for the flip-flop');
  assert.ok(await page.isVisible('.dyn-cube'), 'the memory cube shows');
  await page.click('#play');
  await p.until('s.solved === true && s.step >= 300');
  await pause(p);
  // the search runs every 5th snapshot and once more when paused: read the paused step's, not
  // an earlier (less trained) one's
  await p.until('s.dynamics.fixedStep === s.step');
  const s = await p.state();
  const d = s.dynamics;
  assert.equal(s.error, null);
  assert.ok(s.accuracy > 0.95, `bit accuracy ${s.accuracy}`);
  // the search is seeded and its starts are the probe rows' states (worker/dynparts.js); measured
  // in Node at 150-450 steps: 6-7 stable points, as many distinct memories of the 8
  assert.ok(d.stable >= 4, `stable fixed points: ${d.stable} of ${d.fixed}`);
  assert.ok(d.memories >= 4, `distinct memories among them: ${d.memories}`);
  assert.ok(d.cubeDraws > 0 && await pixelsOf(page, '.dyn-cube canvas', '--c-metric') > 50, 'stable points drawn in the cube');
  assert.ok(await pixelsOf(page, '#pca', '--c-metric') > 30, 'and on the PCA plot');
  assert.match(await page.textContent('.dyn-cube .dyn-note') ?? '', /\d+ stable points, \d of the 8 memories/);
  await page.locator('main').screenshot({ path: path.join(ARTIFACTS, 'dynamics-flipflop.png') });
  p.check();
});

test('Lorenz (ESN, ridge readout): the 3-D portrait with the valid time in Lyapunov times, rotated by a drag', { skip, timeout: 60_000 }, async (t) => {
  const p = await openPage(t);
  const { page } = p;
  await p.open(presetHash('lorenz'));
  await p.until('s.dynamics && s.dynamics.draws > 0');
  let s = await p.state();
  assert.deepEqual([s.config.cell, s.config.hidden, s.config.optimizer], ['esn', PRESETS.lorenz.hidden, 'ridge']);
  assert.ok(!(await page.isVisible('input[name=lr]')), 'no learning rate for a closed-form readout');
  await train(p, 10);
  s = await p.state();
  const d = s.dynamics;
  assert.equal(s.error, null);
  assert.ok(s.rmse < 0.2 * s.baselineRmse, `held-out RMSE ${s.rmse} against the mean's ${s.baselineRmse}`);
  // with the reservoir's biases (dynamics.js) every one of the 300 generated steps is valid (5.44
  // Lyapunov times, the rollout's length) after a few batches; without them ~100 steps (1.8)
  assert.ok(d.lyapunovTimes > 3, `valid for ${d.lyapunovTimes} Lyapunov times (${d.validSteps} steps)`);
  assert.match(await page.textContent('.dyn-phase .dyn-note') ?? '', /Lyapunov times/);
  if (d.validSteps < 300) assert.ok(await pixelsOf(page, '.dyn-phase canvas', '--accent') > 10, 'the valid-time marker is drawn');
  // an ESN of 256 is searched on request only (a search takes ~1 s)
  assert.equal(d.fixed, null, 'no automatic fixed-point search for a large reservoir');
  assert.ok(await page.isVisible('.dyn-find'));
  await page.click('.dyn-find');
  await p.until('s.dynamics.fixed !== null && s.dynamics.fixed >= 1');
  assert.ok((await p.state()).dynamics.fixedDrawn >= 1, 'drawn on the PCA plot');
  const before = await p.pixels('.dyn-phase canvas');
  const box = /** @type {{ x: number, y: number, width: number, height: number }} */ (await page.locator('.dyn-phase canvas').boundingBox());
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 20, { steps: 4 });
  await page.mouse.up();
  assert.notEqual(await p.pixels('.dyn-phase canvas'), before, 'a drag rotates the 3-D view');
  await page.locator('main').screenshot({ path: path.join(ARTIFACTS, 'dynamics-lorenz.png') });
  p.check();
});

test('Lorenz with a liquid state machine (an example run): the spike raster', { skip, timeout: 60_000 }, async (t) => {
  const p = await openPage(t);
  const { page } = p;
  await p.open(presetHash('lorenz', { cell: 'lsm', hidden: 200 }));
  await p.until('s.dynamics && s.dynamics.draws > 0');
  let s = await p.state();
  assert.deepEqual([s.config.cell, s.config.hidden, s.config.optimizer], ['lsm', 200, 'ridge']);
  assert.ok(await page.isVisible('.dyn-raster'), 'the raster shows for an LSM');
  await train(p, 10); // the held-out evaluation runs every 10 steps
  s = await p.state();
  assert.equal(s.error, null);
  assert.ok(s.dynamics.spikes > 100 && s.dynamics.rasterDraws > 0, `spikes drawn: ${s.dynamics.spikes}`);
  assert.ok(await pixelsOf(page, '.dyn-raster canvas', '--fg') > 100, 'dots in the raster');
  assert.ok(s.rmse < 0.3 * s.baselineRmse, `the readout learns: RMSE ${s.rmse} against the mean's ${s.baselineRmse}`);
  await page.locator('main').screenshot({ path: path.join(ARTIFACTS, 'dynamics-lsm.png') });
  p.check();
});
