// @ts-check
/* browser.test.mjs - end to end in headless Chromium: the playground (dist/, from `make dist`).
 *
 * The page loads with no console errors or warnings and no failed request; pressing Play trains
 * the default preset (running parity, LSTM) in the module Web Worker until the held-out accuracy
 * reaches the criterion (>= 0.99); the loss chart and a gate heatmap redraw while it trains; the
 * URL hash round-trips a changed config (reload with the hash -> the same controls).
 *
 * Needs Debian's /usr/bin/chromium (or $CHROMIUM), driven by playwright-core, which downloads no
 * browser. Without it the test is skipped, except under CI, where a missing browser is a failure.
 * Writes tests/artifacts/browser.png (gitignored) for a look at the page, at 1280x800.
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

test('playground: trains the default preset in a worker, redraws, keeps its config in the hash',
  { skip, timeout: 60_000 }, async (t) => {
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
      viewport: { width: 1280, height: 800 },
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
    const requests = [];
    /** @type {string[]} */
    const failed = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`); });

    const state = () => page.evaluate(() => /** @type {any} */ (window).__state);
    /** a cheap fingerprint of a canvas's pixels */
    const pixels = (/** @type {string} */ selector) => page.evaluate((sel) => {
      const c = /** @type {HTMLCanvasElement} */ (document.querySelector(sel));
      return c.toDataURL();
    }, selector);

    // ---- load: the default preset, paused, first snapshot drawn
    await page.goto(srv.url);
    await page.waitForFunction(() => {
      const s = /** @type {any} */ (window).__state;
      return s?.ready && s.snapshots >= 1;
    }, null, { timeout: 20_000 });
    let s = await state();
    assert.equal(s.error, null, `the page failed: ${s.error}`);
    assert.equal(s.simd, true, 'Chromium supports wasm SIMD, so the SIMD build must be the one loaded');
    assert.equal(s.config.task, 'parity');
    assert.equal(s.config.cell, 'lstm');
    assert.equal(s.playing, false, 'the page does not autoplay');
    assert.match(new URL(page.url()).hash, /task=parity/, 'the config is written to the hash');
    assert.equal(await page.locator('.heatmap canvas').count(), 6, 'LSTM: i, f, g, o, cell, hidden');
    const lossBefore = await pixels('#loss-chart');
    const gateBefore = await pixels('.heatmap canvas');

    // ---- Play: trains until solved, redrawing on the way
    await page.click('#play');
    await page.waitForFunction(() => /** @type {any} */ (window).__state.solved === true, null, { timeout: 20_000 });
    s = await state();
    assert.equal(s.error, null);
    assert.ok(s.accuracy >= 0.99, `held-out accuracy ${s.accuracy}`);
    assert.ok(s.step > 0 && s.snapshots >= 2, `step ${s.step}, ${s.snapshots} snapshots`);
    assert.equal(await page.getAttribute('body', 'data-solved'), 'true');
    assert.notEqual(await pixels('#loss-chart'), lossBefore, 'the loss chart did not change');
    assert.notEqual(await pixels('.heatmap canvas'), gateBefore, 'the input-gate heatmap did not change');
    assert.match(await page.textContent('#readout') ?? '', /\d+ steps\/s .*WebAssembly SIMD/);
    // the samples strip marks the model's probe outputs right or wrong
    assert.ok(await page.locator('#samples td.right').count() > 0);

    // a little more training, so the screenshot shows the loss falling after the solve
    await page.waitForFunction((n) => /** @type {any} */ (window).__state.step >= n, s.solvedAt + 300, { timeout: 10_000 });
    await fs.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser.png') });

    // ---- space pauses (focus on the page body, not a control)
    await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
    await page.keyboard.press('Space');
    await page.waitForFunction(() => /** @type {any} */ (window).__state.playing === false, null, { timeout: 5_000 });

    // ---- the hash round-trips a changed config
    await page.selectOption('select[name=cell]', 'gru');
    await page.fill('input[name=hidden]', '12');
    await page.press('input[name=hidden]', 'Enter');
    await page.fill('input[name=seed]', '5');
    await page.press('input[name=seed]', 'Tab');
    await page.waitForFunction(() => /seed=5/.test(location.hash), null, { timeout: 5_000 });
    const hash = new URL(page.url()).hash;
    assert.match(hash, /cell=gru/);
    assert.match(hash, /hidden=12/);
    const controls = () => page.evaluate(() => Object.fromEntries(
      [...document.querySelectorAll('#controls select, #controls input')]
        .map((el) => [/** @type {HTMLInputElement} */ (el).name, /** @type {HTMLInputElement} */ (el).value])));
    const before = await controls();
    await page.goto('about:blank');
    await page.goto(srv.url + hash);
    await page.waitForFunction(() => /** @type {any} */ (window).__state?.ready === true, null, { timeout: 20_000 });
    assert.deepEqual(await controls(), before);
    s = await state();
    assert.equal(s.config.cell, 'gru');
    assert.equal(s.config.hidden, 12);
    assert.equal(s.config.seed, 5);
    assert.equal(await page.locator('.heatmap canvas').count(), 4, 'GRU: r, z, n, hidden');

    // ---- every other task (its preset) and cell builds, trains and snapshots without an error
    for (const h of ['task=addition', 'task=text&hidden=128&lr=0.005', 'task=reber&batch=2&lr=0.02',
      'task=adding&lr=0.005', 'task=temporal-order&lr=0.005', 'cell=rnn&layers=2', 'cell=lstm&variant=1997']) {
      await page.goto('about:blank');
      await page.goto(`${srv.url}#${h}`);
      await page.waitForFunction(() => /** @type {any} */ (window).__state?.ready === true, null, { timeout: 20_000 });
      await page.click('#play');
      await page.waitForFunction(() => /** @type {any} */ (window).__state.step >= 2, null, { timeout: 20_000 });
      s = await state();
      assert.equal(s.error, null, `${h}: ${s.error}`);
      if (h === 'task=addition') {
        // fresh problems with the model's answer, each marked right or wrong
        assert.equal(await page.locator('#problems li.right, #problems li.wrong').count(), 4);
        assert.match(await page.textContent('#problems li') ?? '', /^\d+ \+ \d+ = \d+ [✓✗]/);
      } else {
        assert.equal(await page.isVisible('#problems'), false);
      }
    }

    assert.deepEqual(problems, []);
    assert.deepEqual(failed, []);
    const external = requests.filter((u) => !u.startsWith(srv.url) && !u.startsWith('data:') && u !== 'about:blank');
    assert.deepEqual(external, [], 'no external request');
  });
