// page.mjs - `make bench-page`: the playground's training Worker against Node on the same run, and
// the page's frame rate while it trains. Not part of make test. Builds nothing: it serves dist/
// (make dist) with tests/helpers/server.mjs on 127.0.0.1, opens it in headless Chromium
// (playwright-core + /usr/bin/chromium, or $CHROMIUM) with a preset in the URL hash, presses Play,
// and over --seconds (default 5) counts
//   - training steps/s of the Worker: the page's own step counter (window.__state.step, or the
//     readout's "step N") read at both ends of the window; the page's own steps/s and chars/s
//     (elements #steps-per-sec / #chars-per-sec when the page has them, else the readout text)
//     are printed beside it;
//   - frames/s: requestAnimationFrame callbacks counted inside the page over the same window.
// Node runs the same run (dist/worker/run.js's createRun: same task, model, trainer, batches and
// held-out evaluations, plus a trace every 200 ms as the worker's snapshots do) for the same
// time. Windows alternate Node, page, Node, page, ... (--reps page windows, the page paused
// between them); each page window is compared with the mean of the Node windows around it.
// Targets (issue 5): Worker >= 90% of Node, >= 30 frames/s. Prints a table; exits 0 either way.
// Usage: node tests/bench/page.mjs [--preset text] [--seconds 5] [--reps 3] [--dist dist]
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveStatic } from '../helpers/server.mjs';

const { values: opt } = parseArgs({
  options: {
    preset: { type: 'string', default: 'text' }, seconds: { type: 'string', default: '5' },
    dist: { type: 'string', default: 'dist' }, reps: { type: 'string', default: '3' },
  },
});
const DIST = path.resolve(opt.dist), SECONDS = Number(opt.seconds);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(path.join(DIST, 'index.html'))) { console.error(`${DIST}/index.html missing: run make dist`); process.exit(2); }
if (!existsSync(CHROMIUM)) { console.error(`${CHROMIUM} not found (apt-get install chromium)`); process.exit(2); }

// The run: the page's preset for the task, from dist/state.js (what the page itself applies).
const state = await import(pathToFileURL(path.join(DIST, 'state.js')).href);
const config = { ...state.defaults(), task: opt.preset, ...(state.PRESETS[opt.preset] ?? {}), seed: 1 };
const hash = state.serialize ? state.serialize(config) : new URLSearchParams(Object.entries(config).map(([k, v]) => [k, String(v)])).toString();
const worker = await import(pathToFileURL(path.join(DIST, 'worker', 'run.js')).href);
const spec = worker.TASKS[config.task];
const T = spec.length ?? null; // null: the task's default length, read from a batch below

// ---- Node: the worker's loop without the messages ----
const { load } = await import(pathToFileURL(path.join(DIST, 'rnnlab.mjs')).href);
const lab = await load();
function nodeRun(seconds) {
  const run = worker.createRun(lab, config);
  let steps = 0, chars = 0, lastTrace = performance.now();
  const evalOpts = { count: spec.evalCount, seed: 1000, ...(spec.evalLength ? { length: spec.evalLength } : {}) };
  const t0 = performance.now();
  let t;
  while ((t = performance.now()) - t0 < seconds * 1000) {
    const batch = worker.trainingBatch(run); // what the page's worker steps on, drawn the same way
    run.learner.step(batch);
    steps++, chars += worker.tokens(batch);
    if (steps % spec.evalEvery === 0) run.learner.evaluate(run.task, evalOpts);
    if (t - lastTrace >= 200) { run.learner.trace(run.probe); lastTrace = t; }
  }
  run.free();
  const secs = (t - t0) / 1000;
  return { stepsPerSec: steps / secs, charsPerSec: chars / secs };
}

// ---- the page ----
// Opened once; each measurement presses Play, waits 1 s (tier-up, first evaluations), counts over
// the window, and pauses again, so Node runs in between have the machine to themselves.
async function openPage() {
  const { chromium } = await import('playwright-core');
  const srv = await serveStatic(DIST);
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'rnnlab-bench-page-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const close = async () => {
    await ctx.close();
    await srv.close();
    await fs.rm(profile, { recursive: true, force: true });
  };
  try {
    const page = ctx.pages()[0] ?? await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${srv.url}/index.html#${hash}`);
    // ready: the worker's first snapshot is in (window.__state when the page has it, else the readout)
    await page.waitForFunction(() => {
      const s = /** @type {any} */ (window).__state;
      if (s) return s.ready === true && s.snapshots > 0;
      return /step \d+/.test(document.getElementById('readout')?.textContent ?? '');
    }, null, { timeout: 60_000 });
    return { page, errors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function pageRun({ page, errors }, seconds) {
  const read = () => page.evaluate(() => {
    const num = (/** @type {string | null | undefined} */ t) => (t ? Number(t.replace(/[^\d.]/g, '')) : null);
    const s = /** @type {any} */ (window).__state;
    const text = document.getElementById('readout')?.textContent ?? '';
    const step = s && typeof s.step === 'number' ? s.step : num(/step ([\d,]+)/.exec(text)?.[1]);
    const sps = num(document.getElementById('steps-per-sec')?.textContent) ?? num(/([\d,.]+) steps\/s/.exec(text)?.[1]);
    const cps = num(document.getElementById('chars-per-sec')?.textContent) ?? num(/([\d,.]+) chars\/s/.exec(text)?.[1]);
    return { step, sps, cps, now: performance.now(), error: s?.error ?? null };
  });
  await page.click('#play');
  await page.waitForTimeout(1000);
  const a = await read();
  const { frames, ms } = /** @type {{ frames: number, ms: number }} */ (await page.evaluate((ms) => new Promise((resolve) => {
    let frames = 0;
    const t0 = performance.now();
    const tick = (/** @type {number} */ now) => {
      if (now - t0 < ms) { frames++; requestAnimationFrame(tick); } else resolve({ frames, ms: now - t0 });
    };
    requestAnimationFrame(tick);
  }), seconds * 1000));
  const b = await read();
  await page.click('#play'); // pause
  await page.waitForTimeout(300);
  if (b.error || errors.length) throw new Error(`page error: ${b.error ?? errors[0]}`);
  return { stepsPerSec: ((b.step - a.step) * 1000) / (b.now - a.now), fps: (frames * 1000) / ms, pageSps: b.sps, pageCps: b.cps };
}

// chars per step: batch x the training length (the task's default when the preset sets none)
const probeRun = worker.createRun(lab, config);
const len = T ?? probeRun.task.batch(1).length;
probeRun.free();
const charsPerStep = config.batch * len;

const REPS = Number(opt.reps);
nodeRun(1); // warm-up
const ui = await openPage();
const nodes = [nodeRun(SECONDS)], pages = [];
try {
  for (let r = 0; r < REPS; r++) {
    pages.push(await pageRun(ui, SECONDS));
    nodes.push(nodeRun(SECONDS));
  }
} finally { await ui.close(); }
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
// each page window against the mean of the Node windows just before and after it
const ratios = pages.map((p, i) => p.stepsPerSec / ((nodes[i].stepsPerSec + nodes[i + 1].stepsPerSec) / 2));
const node = median(nodes.map((n) => n.stepsPerSec));
const p = { stepsPerSec: median(pages.map((q) => q.stepsPerSec)), fps: median(pages.map((q) => q.fps)),
  pageSps: median(pages.map((q) => q.pageSps ?? NaN)), pageCps: pages[0].pageCps === null ? null : median(pages.map((q) => q.pageCps)) };
const ratio = median(ratios);

const f = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
console.log(`page vs Node, ${SECONDS} s each: preset '${config.task}' (${config.cell} H=${config.hidden} layers=${config.layers} ` +
  `batch=${config.batch} length=${len} ${config.optimizer} lr=${config.lr}), wasm ${lab.simd ? 'SIMD' : 'scalar'}, #${hash}`);
console.log(`${'where'.padEnd(24)} | ${'steps/s'.padStart(8)} | ${'chars/s'.padStart(9)} | ${'vs Node'.padStart(7)} | frames/s`);
console.log(`${'Node'.padEnd(24)} | ${f(node).padStart(8)} | ${f(node * charsPerStep, 0).padStart(9)} | ${'1.00'.padStart(7)} | (windows: ${nodes.map((n) => f(n.stepsPerSec)).join(', ')} steps/s)`);
console.log(`${'page Worker'.padEnd(24)} | ${f(p.stepsPerSec).padStart(8)} | ${f(p.stepsPerSec * charsPerStep, 0).padStart(9)} | ${f(ratio, 2).padStart(7)} | ${f(p.fps)} (windows: ${pages.map((q) => `${f(q.stepsPerSec)} steps/s ${f(q.fps)} fps`).join(', ')})`);
console.log(`(medians of ${REPS} page windows, each between two Node windows; vs Node = median of page / mean of its neighbours; the page's own readout: ${f(p.pageSps)} steps/s${p.pageCps !== null ? `, ${f(p.pageCps, 0)} chars/s` : ''})`);
console.log(`targets: Worker >= 90% of Node: ${ratio >= 0.9 ? 'met' : 'NOT met'} (${f(100 * ratio)}%); ` +
  `UI >= 30 frames/s: ${p.fps >= 30 ? 'met' : 'NOT met'} (${f(p.fps)})`);
