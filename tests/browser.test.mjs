// @ts-check
/* browser.test.mjs - end to end in headless Chromium: the built site (dist/, from `make dist`)
 * loads rnnlab.wasm, trains on the main thread and in a module Web Worker, and both agree.
 *
 * Needs Debian's /usr/bin/chromium (or $CHROMIUM), driven by playwright-core, which downloads no
 * browser. Without it the test is skipped, except under CI, where a missing browser is a failure.
 * Writes tests/artifacts/browser.png (gitignored) for a look at the page.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './helpers/server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'; // Debian's; override for another install

const skip = !existsSync(CHROMIUM) && !process.env.CI
  ? `${CHROMIUM} not found (apt-get install chromium, or run make test)`
  : false;

const mean = (/** @type {number[]} */ a) => a.reduce((s, x) => s + x, 0) / a.length;

test('page trains on the main thread and in a worker, with identical losses', { skip, timeout: 120_000 }, async (t) => {
  assert.ok(existsSync(path.join(DIST, 'index.html')), 'dist/index.html missing: run `make dist` (make test does)');
  const { chromium } = await import('playwright-core');

  // Cleanup is registered before anything is opened, so a failure half-way still lets node exit.
  /** @type {Awaited<ReturnType<typeof serveStatic>> | undefined} */
  let srv;
  /** @type {import('playwright-core').BrowserContext | undefined} */
  let ctx;
  /** @type {string | undefined} */
  let profile;
  t.after(async () => {
    await ctx?.close();
    await srv?.close();
    if (profile) await fs.rm(profile, { recursive: true, force: true });
  });
  srv = await serveStatic(DIST);
  profile = await fs.mkdtemp(path.join(os.tmpdir(), 'rnnlab-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: required as root (CI); the rest keeps Chromium from phoning home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });

  const page = ctx.pages()[0] ?? await ctx.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  /** @type {string[]} */
  const failed = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`); });

  await page.goto(srv.url);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 });
  const r = await page.evaluate(() => window.__result);

  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'browser.png'), fullPage: true });

  assert.equal(r.error, undefined, `the page failed: ${r.error}`);
  assert.deepEqual(problems, []);
  assert.deepEqual(failed, []);

  assert.equal(typeof r.version, 'string');
  assert.match(r.version, /^\d+\.\d+\.\d+/);
  assert.equal(r.simd, true, 'Chromium supports wasm SIMD, so the SIMD build must be the one loaded');
  assert.equal(r.workerSimd, true);

  const { mainLosses, workerLosses } = r;
  assert.ok(mainLosses.length >= 100, `only ${mainLosses.length} steps`);
  assert.ok(mainLosses.every(Number.isFinite), 'non-finite loss');
  // Same wasm, same seeds, same data: bit-identical, not merely close.
  assert.deepEqual(workerLosses, mainLosses);
  assert.equal(r.workerLoss, r.mainLoss);
  const first = mean(mainLosses.slice(0, 20)), last = mean(mainLosses.slice(-20));
  assert.ok(last < 0.9 * first, `loss did not decrease: first 20 steps ${first}, last 20 ${last}`);
});
