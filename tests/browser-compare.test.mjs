// @ts-check
/* browser-compare.test.mjs - end to end in headless Chromium (dist/, from `make dist`): compare
 * runs and the attention map.
 *
 * Same harness as browser.test.mjs (helpers/browser.mjs): every page loads with no console error
 * or warning, no failed request and no request off 127.0.0.1.
 *   - compare runs: a run kept as a reference (its name defaults to a description of the run) is
 *     drawn in the loss, metric and generalisation charts, named in their legends, through a
 *     change of cell, of clipping, Reset and a new run; up to 3 are kept (the oldest makes room);
 *     one is removed with its ×, all with Clear
 *   - the attention widget (widgets/attention.js) on made-up weights: labelled axes, the 0..1
 *     colours, the hover tooltip with the weight, the beam menu
 *   - with an engine that has attention: the "reverse with attention" example's map changes while
 *     it trains, and compare runs shows it beside "reverse without attention"; the encoder-decoders'
 *     bidirectional checkbox and dot attention train too; "dates with attention" draws its map
 *     over the date's characters (skipped when the engine has no attention yet: the page then says
 *     so in its note)
 * Screenshots (gitignored): tests/artifacts/compare.png (two references under a third run),
 * compare-attention-fake.png (the widget alone), compare-attention.png (reverse with attention
 * training, the map mid-way), compare-reverse.png (reverse with and without attention),
 * compare-dates.png (dates with attention).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, pause, skipReason as skip, useBrowser } from './helpers/browser.mjs';

const { openPage } = useBrowser();

/** the legend labels of a chart, in order (the x series first) @param {import('playwright-core').Page} page @param {string} sel */
const legend = (page, sel) => page.evaluate((s) => [...document.querySelectorAll(`${s} .u-legend .u-series th`)]
  .map((th) => th.textContent?.trim() ?? ''), sel);

/** change a number control and commit it (a change event) @param {import('playwright-core').Page} page */
async function setNumber(page, /** @type {string} */ name, /** @type {string} */ value) {
  await page.fill(`input[name=${name}]`, value);
  await page.press(`input[name=${name}]`, 'Enter');
}

test('compare runs: references survive every change of settings, up to 3, removed one by one or all', { skip, timeout: 180_000 }, async (t) => {
  const p = await openPage(t);
  const { page } = p;
  await p.open('#task=parity');
  assert.equal(await page.inputValue('#ref-name'), 'LSTM H16', 'the name defaults to a description of the run');
  assert.equal(await page.isVisible('#clear-ref'), false, 'nothing to clear yet');

  // nothing trained: nothing kept
  await page.click('#keep-ref');
  assert.match(await page.textContent('#ref-status') ?? '', /nothing to keep yet/);
  assert.deepEqual((await p.state()).references, []);

  // ---- run 1: LSTM, until it has held-out points and a generalisation curve
  await page.click('#play');
  await p.until('s.step >= 150 && s.curve !== null');
  await pause(p);
  await page.click('#keep-ref');
  let s = await p.state();
  assert.deepEqual(s.references, ['LSTM H16']);
  assert.match(await page.textContent('#ref-status') ?? '', /kept LSTM H16/);
  for (const chart of ['#loss-chart', '#metric-chart', '#curve-chart']) {
    assert.ok((await legend(page, chart)).includes('LSTM H16'), `${chart}: the reference is in the legend`);
  }
  assert.deepEqual(await legend(page, '#loss-chart'), ['step', 'training', 'held-out', 'LSTM H16'],
    'the run\'s two series, then the reference (listed last, drawn first)');
  assert.equal(await page.isVisible('#clear-ref'), true);
  assert.equal(await page.textContent('#clear-ref'), 'Clear reference');

  // ---- run 2: GRU (a new run), the reference stays; the name follows the run
  await page.selectOption('select[name=cell]', 'gru');
  await p.until('s.ready && s.config.cell === "gru" && s.step === 0');
  assert.equal(await page.inputValue('#ref-name'), 'GRU H16');
  assert.deepEqual(await legend(page, '#loss-chart'), ['step', 'training', 'held-out', 'LSTM H16'], 'kept through a change of cell');
  const empty = await p.pixels('#loss-chart canvas');
  await page.click('#play');
  await p.until('s.step >= 150 && s.curve !== null && s.curve.step > 0');
  await pause(p);
  assert.notEqual(await p.pixels('#loss-chart canvas'), empty, 'the new run draws over the reference');
  // a name of the user's own
  await page.fill('#ref-name', 'GRU, clip 1');
  await page.click('#keep-ref');
  assert.deepEqual((await p.state()).references, ['LSTM H16', 'GRU, clip 1']);
  assert.equal(await page.textContent('#clear-ref'), 'Clear references');

  // ---- run 3: no clipping, then Reset: both stay
  await setNumber(page, 'clip', '0');
  await p.until('s.ready && s.config.clip === 0');
  assert.equal(await page.inputValue('#ref-name'), 'GRU H16 clip=0', 'what differs from the preset is named');
  await page.click('#reset');
  await p.until('s.ready && s.step === 0');
  for (const chart of ['#loss-chart', '#metric-chart', '#curve-chart']) {
    const labels = await legend(page, chart);
    assert.ok(labels.includes('LSTM H16') && labels.includes('GRU, clip 1'), `${chart} after Reset: ${labels}`);
  }
  assert.equal(await page.locator('#loss-chart .u-legend .u-series').count(), 5, 'step, training, held-out, two references');
  await page.click('#play');
  await p.until('s.step >= 150 && s.curve !== null && s.curve.step > 0');
  await pause(p);
  await page.screenshot({ path: path.join(ARTIFACTS, 'compare.png') });

  // ---- a task of another metric: the loss chart keeps them, the metric chart draws only its kind
  await page.selectOption('select[name=task]', 'reverse');
  await p.until('s.ready && s.config.task === "reverse"');
  s = await p.state();
  assert.deepEqual(s.references, ['LSTM H16', 'GRU, clip 1']);
  assert.ok((await legend(page, '#loss-chart')).includes('LSTM H16'), 'the loss chart keeps them');
  assert.ok(!(await legend(page, '#metric-chart')).includes('LSTM H16'), 'accuracy is not drawn on an exact-match chart');
  await page.selectOption('select[name=task]', 'parity');
  await p.until('s.ready && s.config.task === "parity"');
  assert.ok((await legend(page, '#metric-chart')).includes('LSTM H16'), 'back on an accuracy chart');

  // ---- at most 3: the oldest makes room
  await page.click('#play');
  await p.until('s.step >= 30');
  await pause(p);
  await page.click('#keep-ref');
  await page.click('#keep-ref');
  s = await p.state();
  assert.deepEqual(s.references, ['GRU, clip 1', 'LSTM H16 (2)', 'LSTM H16'], 'three at most (a name kept twice is numbered)');
  assert.match(await page.textContent('#ref-status') ?? '', /made room/);

  // ---- remove one, then all
  await page.click('#ref-list li:first-child button');
  assert.deepEqual((await p.state()).references, ['LSTM H16 (2)', 'LSTM H16']);
  assert.ok(!(await legend(page, '#loss-chart')).includes('GRU, clip 1'));
  await page.click('#clear-ref');
  assert.deepEqual((await p.state()).references, []);
  assert.deepEqual(await legend(page, '#loss-chart'), ['step', 'training', 'held-out']);
  assert.equal(await page.isVisible('#clear-ref'), false);
  p.check();
});

test('the attention widget on made-up weights: axes, colours, tooltip, beam menu', { skip, timeout: 60_000 }, async (t) => {
  const p = await openPage(t);
  const { page } = p;
  await p.open('#task=reverse');
  const out = await page.evaluate(async () => {
    const { createAttention } = await import('./widgets/attention.js');
    const box = document.createElement('div');
    box.id = 'fake-attention';
    box.style.cssText = 'width: 520px; padding: 8px; background: var(--bg)';
    document.querySelector('main')?.prepend(box);
    const view = createAttention(box, /** @type {HTMLElement} */ (document.getElementById('tooltip')));
    const src = ['a', 'b', 'c', 'd', 'a', 'c'], S = src.length;
    /** rows of a reversal: step u looks at source S-1-u (weight peak), the rest spread */
    const rows = (/** @type {number} */ n, /** @type {number} */ peak) => {
      const w = new Float32Array(n * S);
      for (let u = 0; u < n; u++) {
        for (let j = 0; j < S; j++) w[u * S + j] = (1 - peak) / (S - 1);
        if (u < S) w[u * S + (S - 1 - u)] = peak;
        else w.fill(1 / S, u * S, (u + 1) * S);
      }
      return w;
    };
    const output = [...src].reverse().concat('</s>');
    const probe = { weights: rows(7, 0.9), rows: 7, cols: S, source: src, output, predicted: output.map((o, u) => (u === 2 ? 'b' : o)) };
    const beams = [
      { weights: rows(7, 0.8), rows: 7, cols: S, source: src, output, logProb: -0.3, right: true },
      { weights: rows(6, 0.5), rows: 6, cols: S, source: src, output: output.slice(0, 5).concat('</s>'), logProb: -2.1, right: false },
    ];
    view.update(probe, beams);
    /** @type {any} */ (window).__fake = { view, probe, beams };
    const options = [...view.select.options].map((o) => o.textContent);
    const first = view.canvas.toDataURL();
    return { options, first, draws: view.draws, w: view.canvas.clientWidth, h: view.canvas.clientHeight };
  });
  assert.deepEqual(out.options, ['probe pair (teacher forcing)', 'beam 1: cadcba ✓ (log p -0.30)', 'beam 2: cadcb ✗ (log p -2.10)']);
  assert.ok(out.w > 6 * 12 && out.h > 7 * 12, `the map is drawn at a readable size: ${out.w}x${out.h}`);
  // hover: the top-right cell is decoder step 0 on source position 5 (the peak, 0.900)
  const canvas = page.locator('#fake-attention canvas');
  const box = /** @type {{ x: number, y: number, width: number, height: number }} */ (await canvas.boundingBox());
  await page.mouse.move(box.x + box.width - 10, box.y + 14 + 16 + 6);
  const tip = await page.textContent('#tooltip');
  assert.match(tip ?? '', /decoder step 0, output "c" ← source position 5, "c": 0\.900/);
  // two cells' colours, from one read of the canvas: the peak (0.9) and its left neighbour (0.02)
  const [colour, light] = await page.evaluate((pts) => {
    const c = /** @type {HTMLCanvasElement} */ (document.querySelector('#fake-attention canvas'));
    const img = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')).getImageData(0, 0, c.width, c.height);
    return pts.map(({ x, y }) => {
      const k = (Math.round(y * devicePixelRatio) * img.width + Math.round(x * devicePixelRatio)) * 4;
      return Array.from(img.data.slice(k, k + 3));
    });
  }, [{ x: box.width - 10, y: 14 + 16 + 6 }, { x: box.width - 10 - 28, y: 14 + 16 + 6 }]);
  assert.ok(colour[0] < 100, `a 0.9 weight is dark: rgb ${colour}`);
  assert.ok(light[0] > 230, `a 0.02 weight is nearly white: rgb ${light}`);
  // a wrong step's row: its label says what the model said
  await page.mouse.move(box.x + box.width - 10, box.y + 14 + 16 + 2 * 28 + 6);
  assert.match(await page.textContent('#tooltip') ?? '', /decoder step 2, output "d" \(the model: "b"\)/);
  await page.mouse.move(0, 0);
  assert.equal(await page.isVisible('#tooltip'), false, 'the tooltip hides off the map');
  // the menu picks a hypothesis: other rows, other pixels
  await page.selectOption('#fake-attention select', 'beam 1');
  const second = await p.pixels('#fake-attention canvas');
  assert.notEqual(second, out.first, 'beam 2 draws its own rows');
  await page.locator('#fake-attention').screenshot({ path: path.join(ARTIFACTS, 'compare-attention-fake.png') });
  // an update (the next snapshot) keeps the choice, and drops it when that hypothesis is gone
  await page.evaluate(() => { const f = /** @type {any} */ (window).__fake; f.view.update(f.probe, f.beams); });
  assert.equal(await page.inputValue('#fake-attention select'), 'beam 1');
  await page.evaluate(() => { const f = /** @type {any} */ (window).__fake; f.view.update(f.probe, f.beams.slice(0, 1)); });
  assert.equal(await page.inputValue('#fake-attention select'), 'probe');
  p.check();
});

test('attention: the map changes while reverse trains, and compare runs shows attention against none', { skip, timeout: 240_000 }, async (t) => {
  const p = await openPage(t);
  const { page } = p;
  await p.open('#task=reverse');
  await page.selectOption('#example', { label: 'reverse with attention' });
  await p.until('s.ready && s.config.attention === "additive" && s.config.length === 10');
  const note = await page.textContent('#files-status') ?? '';
  if (/has no .*attention/.test(note)) {
    // the engine has no attention yet: the page says so and trains without; no map
    assert.equal(await page.isVisible('#attention-figure'), false);
    assert.equal(await page.isVisible('select[name=attention]'), false, 'no attention control without an engine that has it');
    t.skip(`the engine has no attention yet (${note})`);
    p.check();
    return;
  }
  await p.until('s.attention.shown === true');
  assert.equal(await page.isVisible('select[name=attention]'), true);
  assert.equal(await page.isVisible('#attention-figure'), true);
  const before = await p.state();
  const pixels0 = await p.pixels('#attention canvas');
  assert.equal(before.attention.probe.length % 10, 0, 'rows x 10 source symbols');
  await page.click('#play');
  await p.until('s.step >= 150');
  const mid = await p.state();
  assert.notDeepEqual(mid.attention.probe, before.attention.probe, 'the weights change while it trains');
  assert.notEqual(await p.pixels('#attention canvas'), pixels0, 'the map redraws');
  assert.ok(mid.attention.beams >= 1, 'beam hypotheses carry attention rows');
  await page.screenshot({ path: path.join(ARTIFACTS, 'compare-attention.png') });
  await p.until('s.solved === true || s.step >= 1500');
  await pause(p);
  const end = await p.state();
  // how much of each row's weight sits on the anti-diagonal (the symbol it writes)
  const cols = 10, rows = end.attention.probe.length / cols;
  let diag = 0;
  for (let u = 0; u < Math.min(rows, cols); u++) diag += end.attention.probe[u * cols + (cols - 1 - u)];
  t.diagnostic(`reverse with attention: step ${end.step}, solved ${end.solvedAt}, accuracy ${end.accuracy}, anti-diagonal mass ${(diag / Math.min(rows, cols)).toFixed(3)}`);
  await page.selectOption('#attention select', 'beam 0');
  const name = await page.inputValue('#ref-name');
  assert.match(name, /^GRU H64 attention=additive .*length=10$/);
  await page.click('#keep-ref');
  assert.deepEqual((await p.state()).references, [name]);

  await page.selectOption('#example', { label: 'reverse without attention' });
  await p.until('s.ready && s.config.attention === "none" && s.step === 0');
  assert.equal(await page.isVisible('#attention-figure'), false, 'no attention, no map');
  await page.click('#play');
  await p.until('s.step >= arg', end.step);
  await pause(p);
  const none = await p.state();
  t.diagnostic(`reverse without attention: step ${none.step}, accuracy ${none.accuracy}`);
  assert.ok((await legend(page, '#metric-chart')).includes(name));
  await page.screenshot({ path: path.join(ARTIFACTS, 'compare-reverse.png') });

  // a bidirectional encoder (the encoder-decoders' checkbox) with dot attention: a new run that attends
  assert.equal(await page.isVisible('select[name=bidir]'), false, 'the menu form is the plain models\'');
  await page.selectOption('select[name=attention]', 'dot');
  await p.until('s.ready && s.config.attention === "dot"');
  assert.equal((await p.state()).config.lr, 0.005, 'a learning rate between the slider\'s steps survives a change of another control');
  await page.check('#bidir-check');
  await p.until('s.ready && s.config.bidir === "yes" && s.step === 0');
  assert.match(new URL(page.url()).hash, /bidir=yes.*attention=dot/);
  assert.doesNotMatch(await page.textContent('#files-status') ?? '', /has no/);
  await page.click('#play');
  await p.until('s.step >= 20 && s.attention.shown === true');
  await pause(p);
  assert.deepEqual((await p.state()).references, [name], 'the reference is still kept');
  p.check();
});

test('attention: dates with attention draws its map over the date\'s characters', { skip, timeout: 180_000 }, async (t) => {
  const p = await openPage(t);
  const { page } = p;
  await p.open('#task=dates');
  assert.equal(await page.isVisible('input[name=length]'), false, 'dates: sources have their natural lengths');
  await page.selectOption('#example', { label: 'dates with attention' });
  await p.until('s.ready && s.config.task === "dates" && s.config.attention === "additive"');
  if (/has no .*attention/.test(await page.textContent('#files-status') ?? '')) {
    t.skip('the engine has no attention yet');
    p.check();
    return;
  }
  await p.until('s.attention.shown === true');
  let s = await p.state();
  assert.equal(s.attention.output.length, 11, 'rows: yyyy-mm-dd and the end');
  assert.equal(s.attention.output.at(-1), '</s>');
  assert.equal(s.attention.source.length, s.attention.cols);
  assert.equal(s.attention.probe.length, s.attention.rows * s.attention.cols);
  assert.ok(s.attention.source.some((/** @type {string} */ c) => /[0-9]/.test(c)), `the source is a date: ${s.attention.source.join('')}`);
  const first = s.attention.probe;
  await page.click('#play');
  await p.until('s.step >= 800 || s.solved === true');
  await pause(p);
  s = await p.state();
  assert.notDeepEqual(s.attention.probe, first, 'the weights change while it trains');
  t.diagnostic(`dates with attention: step ${s.step}, exact match ${s.accuracy}, source ${s.attention.source.join('')}`);
  await page.locator('.inside').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ARTIFACTS, 'compare-dates.png') });
  p.check();
});
