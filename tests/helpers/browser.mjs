// @ts-check
/* browser.mjs - the headless-Chromium harness the browser tests share (browser.test.mjs,
 * browser-data.test.mjs, views.test.mjs).
 *
 *   const { openPage } = useBrowser();            // at the top of a test file: before/after hooks
 *   test('...', { skip: skipReason }, async (t) => {
 *     const p = await openPage(t);                // a fresh page that records what went wrong
 *     await p.open('#task=parity');  ...  p.check();
 *   });
 *
 * Owns: the skip rule, launching Debian's /usr/bin/chromium (or $CHROMIUM) through playwright-core
 * (which downloads no browser) with a throwaway profile, serving dist/ (helpers/server.mjs), and a
 * page's recording of console errors / warnings, page errors, failed and external requests.
 * Does not: know what a test checks on a page beyond that; the playground's window.__state readers
 * (open, state, until, pause) are here only because two files use them.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './server.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = path.join(ROOT, 'dist');
/** screenshots and saved files (gitignored) */
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'; // Debian's; override for another install
/** generous: the machine may be shared; no wall-clock time is asserted */
export const LONG = 60_000;

/** Why the browser tests skip (no Chromium), or false. Under CI a missing browser is a failure, not a skip. */
export const skipReason = !existsSync(CHROMIUM) && !process.env.CI
  ? `${CHROMIUM} not found (apt-get install chromium, or run make test)`
  : false;

/**
 * Registers before/after hooks for the calling test file: one Chromium (a persistent context on a
 * temporary profile) and one static server on dist/ for all its tests. The after hook closes the
 * browser and the server and removes the profile, whether or not a test (or the launch) failed.
 * Nothing is launched when skipReason is set.
 * @param {{ viewport?: { width: number, height: number }, deviceScaleFactor?: number,
 *   acceptDownloads?: boolean }} [opts] passed to Chromium's context (default 1280x800, downloads on)
 */
export function useBrowser({ viewport = { width: 1280, height: 800 }, deviceScaleFactor, acceptDownloads = true } = {}) {
  /** @type {Awaited<ReturnType<typeof serveStatic>> | undefined} */
  let srv;
  /** @type {import('playwright-core').BrowserContext | undefined} */
  let ctx;
  /** @type {string | undefined} */
  let profile;

  before(async () => {
    if (skipReason) return;
    assert.ok(existsSync(path.join(DIST, 'index.html')), 'dist/index.html missing: run `make dist` (make test does)');
    const { chromium } = await import('playwright-core');
    srv = await serveStatic(DIST);
    profile = await fs.mkdtemp(path.join(os.tmpdir(), 'rnnlab-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      ...(deviceScaleFactor === undefined ? {} : { deviceScaleFactor }),
      acceptDownloads,
      // --no-sandbox: required as root (CI); the rest keeps Chromium from phoning home.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    await fs.mkdir(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    // each step runs even when the one before it throws
    try {
      await ctx?.close();
    } finally {
      try {
        await srv?.close();
      } finally {
        if (profile) await fs.rm(profile, { recursive: true, force: true });
      }
    }
  });

  const context = () => /** @type {import('playwright-core').BrowserContext} */ (ctx);
  const url = () => /** @type {NonNullable<typeof srv>} */ (srv).url;

  /**
   * A fresh page, closed when the test ends (pass or fail), that records console errors / warnings,
   * page errors, failed requests (and HTTP >= 400) and every URL requested; check() asserts there
   * was nothing wrong and no request off the server (data:, blob: and about:blank aside).
   * @param {import('node:test').TestContext} t
   * @param {{ width?: number, height?: number }} [size] the viewport, CSS pixels
   */
  async function openPage(t, { width = viewport.width, height = viewport.height } = {}) {
    const page = await context().newPage();
    t.after(() => page.close());
    await page.setViewportSize({ width, height });
    /** @type {string[]} */
    const problems = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    /** @type {string[]} */
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.url()}: HTTP ${r.status()}`); });
    const base = url();
    return {
      page,
      /** the server's root URL, ending in / */
      url: base,
      /** go to the playground with a hash and wait for its first snapshot */
      async open(hash = '') {
        await page.goto(`${base}${hash}`);
        await page.waitForFunction(() => {
          const s = /** @type {any} */ (window).__state;
          return s?.ready && s.snapshots >= 1;
        }, null, { timeout: LONG });
      },
      /** the playground's window.__state */
      state: () => page.evaluate(() => /** @type {any} */ (window).__state),
      /** waits until the expression cond (over s = window.__state and arg) is true */
      async until(/** @type {string} */ cond, /** @type {any} */ arg = null) {
        try {
          await page.waitForFunction(new Function('arg', `const s = window.__state; return ${cond};`), arg, { timeout: LONG });
        } catch (err) {
          const s = await page.evaluate(() => ({ .../** @type {any} */ (window).__state, probeOutputs: undefined, samples: undefined }));
          throw new Error(`waiting for ${cond} (arg ${JSON.stringify(arg)}): ${/** @type {Error} */ (err).message}\nstate: ${JSON.stringify(s)}`);
        }
      },
      /** every URL requested so far (the page's and its worker's) */
      requests: () => [...requests],
      /** a cheap fingerprint of a canvas's pixels */
      pixels: (/** @type {string} */ selector) => page.evaluate((sel) =>
        /** @type {HTMLCanvasElement} */ (document.querySelector(sel)).toDataURL(), selector),
      check() {
        assert.deepEqual(problems, [], 'no console error or warning, no failed request');
        const external = requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:') && u !== 'about:blank');
        assert.deepEqual(external, [], 'no external request');
      },
    };
  }

  return { openPage, context, url };
}

/** Pause the playground and wait until the worker has stopped (two reads of the step agree). @param {any} p from openPage */
export async function pause(p) {
  const n = (await p.state()).snapshots;
  await p.page.click('#play');
  await p.until('s.playing === false && s.snapshots > arg', n);
  for (;;) {
    const a = (await p.state()).step;
    await p.page.waitForTimeout(300);
    if ((await p.state()).step === a) return;
  }
}
