// @ts-check
/* views.test.mjs - the cell diagram and the weight view, in headless Chromium, on their demo page
 * (dist/views-demo.html, from `make dist`).
 *
 * The page loads with no console error or warning, no failed request and nothing off 127.0.0.1;
 * while the model trains (main thread, in slices) the diagram's and the weight view's pixels
 * change; the scrubber moves the diagram through time; the cell select redraws it: LSTM standard
 * -> NFG (f drawn as a constant), CIFG (f derived from i), NP (no peepholes), vanilla (peepholes),
 * FGR, 1997, NIAF, NOAF, both GRU forms, RNN, CT-RNN and ESN each give a different drawing and the
 * data attributes say what was drawn; the weights <-> gradients toggle changes the weight view;
 * hovering a weight tile shows a tooltip with its gate, row, column and value.
 *
 * Needs Debian's /usr/bin/chromium (or $CHROMIUM), driven by playwright-core. Without it the test
 * is skipped, except under CI. Writes tests/artifacts/views-*.png (gitignored) to look at.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, DIST, skipReason as skip, useBrowser } from './helpers/browser.mjs';

const { openPage } = useBrowser({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });

test('cell diagram and weight view: live while training, per variant, toggles and hover',
  { skip, timeout: 90_000 }, async (t) => {
    assert.ok(existsSync(path.join(DIST, 'views-demo.html')), 'dist/views-demo.html missing: run `make dist`');
    const p = await openPage(t);
    const { page } = p;

    const shot = (/** @type {string} */ name) => page.screenshot({ path: path.join(ARTIFACTS, `views-${name}.png`), fullPage: true });
    const state = () => page.evaluate(() => /** @type {any} */ (window).__views);
    const diagramPixels = () => p.pixels('.cd-canvas');
    const weightPixels = () => page.evaluate(() => [...document.querySelectorAll('.wv-tile canvas')]
      .map((c) => /** @type {HTMLCanvasElement} */ (c).toDataURL()).join('|'));
    const cd = (/** @type {string} */ key) => page.getAttribute('.cd-root', `data-${key}`);
    const snapshots = async () => (await state()).snapshots;
    const choose = async (/** @type {string} */ value) => {
      const n = await snapshots();
      await page.selectOption('#vd-cell', value);
      await page.waitForFunction((k) => /** @type {any} */ (window).__views.snapshots > k, n, { timeout: 10_000 });
      const s = await state();
      assert.equal(s.error, null, `${value}: ${s.error}`);
      assert.equal(s.cell, value);
    };

    // ---- load: LSTM standard, untrained, drawn
    await page.goto(`${p.url}views-demo.html`);
    await page.waitForFunction(() => /** @type {any} */ (window).__views?.ready, null, { timeout: 20_000 });
    assert.equal((await state()).error, null);
    assert.equal(await cd('cell'), 'lstm');
    assert.equal(await cd('variant'), 'standard');
    assert.equal(await cd('gates'), 'i,f,g,o');
    assert.equal(await cd('constant'), '');
    assert.equal(await cd('peepholes'), 'false');
    assert.equal(await page.getAttribute('.wv-root', 'data-tiles'), '13', 'LSTM: W_ih, W_hh, b for each of 4 gates, readout');
    assert.ok(await page.isDisabled('.wv-modes input[data-mode=gradients]'), 'no gradients before training');
    const d0 = await diagramPixels(), w0 = await weightPixels();

    // ---- train: both views change
    await page.click('#vd-play');
    await page.waitForFunction(() => /** @type {any} */ (window).__views.step >= 150, null, { timeout: 30_000 });
    const d1 = await diagramPixels(), w1 = await weightPixels();
    assert.notEqual(d1, d0, 'the diagram did not change while training');
    assert.notEqual(w1, w0, 'the weight view did not change while training');
    const n1 = await snapshots();
    await page.waitForFunction((k) => /** @type {any} */ (window).__views.snapshots >= k + 3, n1, { timeout: 10_000 });
    assert.notEqual(await weightPixels(), w1, 'the weight view stopped changing');
    await page.click('#vd-play'); // pause
    await page.waitForFunction(() => !(/** @type {any} */ (window).__views.playing));
    const s = await state();
    assert.ok(s.loss < 0.4, `parity loss ${s.loss} after ${s.step} steps`);

    // ---- the scrubber moves the diagram through time
    await page.locator('.cd-scrub input[type=range]').fill('3');
    assert.equal(await cd('step'), '3');
    const dStep3 = await diagramPixels();
    await page.locator('.cd-scrub input[type=range]').fill('9');
    assert.equal(await cd('step'), '9');
    assert.notEqual(await diagramPixels(), dStep3, 'scrubbing did not redraw the diagram');
    assert.match(await page.textContent('.cd-scrub output') ?? '', /^9 \/ 13/);
    // the timeline under the diagram: one row per part, a click moves to that step
    assert.equal(await cd('timeline'), 'i,f,g,o,c,h');
    const tl = /** @type {{ x: number, y: number, width: number, height: number }} */ (await page.locator('.cd-timeline').boundingBox());
    const T = Number(await page.getAttribute('.cd-scrub input[type=range]', 'max')) + 1;
    await page.mouse.click(tl.x + 34 + ((tl.width - 40) * 5.5) / T, tl.y + 10);
    assert.equal(await cd('step'), '5', 'a click on the timeline scrubs to its step');
    assert.equal(await page.inputValue('.cd-scrub input[type=range]'), '5');
    // one unit instead of the mean
    const dMean = await diagramPixels();
    await page.selectOption('select[name=cd-unit]', '2');
    assert.equal(await cd('unit'), '2');
    assert.notEqual(await diagramPixels(), dMean, 'choosing a unit did not redraw');
    await shot('lstm-trained');
    await page.selectOption('select[name=cd-unit]', '-1');

    // ---- weights <-> gradients, and hover
    const wWeights = await weightPixels();
    await page.check('.wv-modes input[data-mode=gradients]');
    assert.equal(await page.getAttribute('.wv-root', 'data-mode'), 'gradients');
    const wGrads = await weightPixels();
    assert.notEqual(wGrads, wWeights, 'the gradients look like the weights');
    const tile = page.locator('.wv-tile canvas[data-tensor=weight_hh_l0][data-gate=f]');
    const box = /** @type {{ x: number, y: number, width: number, height: number }} */ (await tile.boundingBox());
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.3);
    await page.waitForSelector('.wv-tip:not([hidden])');
    const tip = await page.textContent('.wv-tip') ?? '';
    assert.match(tip, /W_hh · gate f · row \d+, col \d+ · gradient [+-]\d\.\d+/);
    assert.match(tip, /weight_hh_l0\[\d+, \d+\]/);
    await shot('gradients-hover');
    await page.mouse.move(5, 5);
    await page.check('.wv-modes input[data-mode=weights]');
    assert.equal(await weightPixels(), wWeights, 'back to the same weights');
    await page.mouse.move(box.x + 3, box.y + 3);
    await page.waitForSelector('.wv-tip:not([hidden])');
    assert.match(await page.textContent('.wv-tip') ?? '', /W_hh · gate f · row 0, col 0 · weight [+-]\d\.\d+/);
    await page.mouse.move(5, 5);

    // ---- variants change the drawing
    /** @type {Record<string, string>} */
    const seen = { 'lstm:standard': await diagramPixels() };
    /** @type {[string, Record<string, string>][]} */
    const expect = [
      ['lstm:NFG', { gates: 'i,g,o', constant: 'f', derived: '', peepholes: 'true' }],
      ['lstm:CIFG', { gates: 'i,g,o', constant: '', derived: 'f', peepholes: 'true' }],
      ['lstm:NP', { gates: 'i,f,g,o', constant: '', derived: '', peepholes: 'false' }],
      ['lstm:vanilla', { gates: 'i,f,g,o', constant: '', peepholes: 'true', fgr: 'false' }],
      ['lstm:FGR', { gates: 'i,f,g,o', peepholes: 'true', fgr: 'true' }],
      ['lstm:1997', { gates: 'i,g,o', constant: 'f', peepholes: 'false', activations: 'g:ssig,h:ssig' }],
      ['lstm:NIG', { gates: 'f,g,o', constant: 'i' }],
      ['lstm:NOG', { gates: 'i,f,g', constant: 'o' }],
      ['lstm:NIAF', { activations: 'g:id,h:tanh' }],
      ['lstm:NOAF', { activations: 'g:tanh,h:id' }],
      ['gru:after', { cell: 'gru', variant: 'reset-after', gates: 'r,z,n' }],
      ['gru:before', { cell: 'gru', variant: 'reset-before', gates: 'r,z,n' }],
      ['rnn', { cell: 'rnn', gates: 'h' }],
      ['ctrnn', { cell: 'ctrnn', gates: 'h' }],
      ['esn', { cell: 'esn', gates: '' }],
    ];
    for (const [value, attrs] of expect) {
      await choose(value);
      for (const [k, v] of Object.entries(attrs)) assert.equal(await cd(k), v, `${value}: data-${k}`);
      const px = await diagramPixels();
      for (const [other, p] of Object.entries(seen)) {
        if (value === 'lstm:NP' && other === 'lstm:standard') continue; // the same equations, by design
        assert.notEqual(px, p, `${value} is drawn like ${other}`);
      }
      seen[value] = px;
      const file = value.replace(':', '-');
      if (['lstm:NFG', 'lstm:CIFG', 'lstm:FGR', 'lstm:1997', 'gru:after', 'gru:before', 'esn', 'ctrnn', 'lstm:NOAF', 'rnn'].includes(value)) {
        await page.locator('.cd-root').screenshot({ path: path.join(ARTIFACTS, `views-diagram-${file}.png`) });
      }
    }
    // the weight view greys what a variant does not use
    await choose('lstm:CIFG');
    assert.match(await page.getAttribute('.wv-root', 'data-unused') ?? '', /W_hh\/f/);
    await choose('lstm:FGR');
    assert.equal(await page.getAttribute('.wv-root', 'data-tiles'), '15', 'FGR: + peephole, R and the readout');
    await choose('esn');
    assert.match(await page.getAttribute('.wv-root', 'data-unused') ?? '', /W_ih\/h,W_hh\/h/);

    // ---- an ablation trains live too
    await choose('lstm:NFG');
    const dNfg = await diagramPixels(), wNfg = await weightPixels();
    await page.click('#vd-play');
    await page.waitForFunction(() => /** @type {any} */ (window).__views.step >= 60, null, { timeout: 30_000 });
    await page.click('#vd-play');
    assert.notEqual(await diagramPixels(), dNfg);
    assert.notEqual(await weightPixels(), wNfg);
    await shot('lstm-nfg');
    await choose('gru:after');
    await page.click('#vd-step');
    await page.click('#vd-step');
    await shot('gru');

    // ---- deep and bidirectional: both widgets pick a layer and direction
    await page.goto(`${p.url}views-demo.html?cell=gru:after&layers=2&bidirectional=1`);
    await page.waitForFunction(() => /** @type {any} */ (window).__views?.ready, null, { timeout: 20_000 });
    await page.click('#vd-step');
    await page.waitForFunction(() => /** @type {any} */ (window).__views.step > 0);
    assert.equal(await page.locator('select[name=cd-layer] option').count(), 4);
    const dL0 = await diagramPixels(), wL0 = await weightPixels();
    await page.selectOption('select[name=cd-layer]', '1:1');
    await page.selectOption('select[name=wv-layer]', '1:1');
    assert.equal(await page.getAttribute('.wv-root', 'data-layer'), '1:1');
    assert.notEqual(await diagramPixels(), dL0, 'layer 1 reverse is drawn like layer 0');
    assert.notEqual(await weightPixels(), wL0, 'layer 1 reverse weights look like layer 0');
    const tip2 = page.locator('.wv-tile canvas[data-tensor=weight_ih_l1_reverse][data-gate=n]');
    await tip2.hover({ position: { x: 2, y: 2 } });
    assert.match(await page.textContent('.wv-tip') ?? '', /W_ih · gate n · row 0, col 0 · weight [+-]\d\.\d+\nweight_ih_l1_reverse\[32, 0\]/);
    await shot('gru-deep');

    // ---- the worker's flat snapshot trace (layer 0, { length, hiddenSize, gates, cell, hidden }) works as is
    const flat = await page.evaluate(async () => {
      const { CellDiagram } = await import('./widgets/celldiagram.js');
      const el = document.createElement('div');
      document.body.append(el);
      const d = new CellDiagram(el, { title: 'flat' });
      d.setCell({ cell: 'gru', resetAfter: false });
      const T = 3, H = 2;
      d.update({ length: T, hiddenSize: H, gateNames: ['r', 'z', 'n'], layers: 1, gates: new Float32Array(T * 3 * H).fill(0.5),
        cell: new Float32Array(T * H), hidden: new Float32Array(T * H).fill(0.2) }, 2);
      const out = { ...d.root.dataset, out: d.stepOut.textContent };
      el.remove();
      return out;
    });
    assert.equal(flat.variant, 'reset-before');
    assert.equal(flat.step, '2');
    assert.equal(flat.timeline, 'r,z,n,h');
    assert.equal(flat.out, '2 / 2');

    // ---- dark colour scheme
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${p.url}views-demo.html?cell=lstm:vanilla`);
    await page.waitForFunction(() => /** @type {any} */ (window).__views?.ready, null, { timeout: 20_000 });
    for (let k = 0; k < 4; k++) await page.click('#vd-step');
    await shot('dark');

    p.check(); // no console error or warning, no failed request, nothing off the server
  });
