// @ts-check
/* run.test.mjs - the playground's training run outside the browser: web/worker/run.js and the
 * families (web/families/) as make dist serves them, in Node. Every task's run assembles from its
 * preset and trains through the Learner protocol alone; its file (learner.save()) loads back
 * (lab.loadLearner) and resumes loss for loss; a file of weights alone trains on with the page's
 * settings; a file of the other family, or not a file, is refused with a message for the page.
 * The page itself (messages, widgets) is browser.test.mjs's.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
const { load } = await import(new URL('rnnlab.mjs', dist).href);
const { createRun, loadBytes, tokens, trainingBatch, TASKS } = await import(new URL('worker/run.js', dist).href);
const { defaults, PRESETS } = await import(new URL('state.js', dist).href);
const { parseSequences } = await import(new URL('csv.mjs', dist).href);
const lab = await load();
const example = readFileSync(new URL('../web/examples/sine-phase.csv', import.meta.url), 'utf8');
/** what the page hands the worker for task csv */
const inputs = { csv: { data: parseSequences(example), heldOut: 0.2 } };

/** @param {string} task */
const configOf = (task) => ({ ...defaults(), task, ...PRESETS[task] });

for (const task of Object.keys(TASKS)) {
  test(`${task}: the run trains through the Learner protocol, saves, and its file resumes loss for loss`, () => {
    const config = configOf(task);
    const run = createRun(lab, config, { inputs });
    /** @type {any} */
    let again = null;
    try {
      assert.ok((run.family.fileKinds ?? [run.family.fileKind]).includes(run.learner.kind), 'the learner saves a kind of file its family reads');
      for (let i = 0; i < 3; i++) {
        const batch = trainingBatch(run);
        assert.ok(tokens(batch) > 0);
        assert.ok(Number.isFinite(run.learner.step(batch).loss));
      }
      const ev = run.learner.evaluate(run.task, run.family.evalOptions(run.spec));
      assert.ok(ev.accuracy >= 0 && ev.accuracy <= 1);
      const trace = run.family.trace(run);
      assert.equal(trace.hidden.length, trace.length * trace.hiddenSize, 'the flat layer-0 trace, T x H');
      assert.equal(run.family.probeInfo(run).length, trace.length, 'one probe symbol per traced step');

      const loaded = loadBytes(lab, run.learner.save(), config);
      assert.deepEqual({ ...loaded.config, lr: config.lr }, config, 'the file implies the run\'s own config');
      again = createRun(lab, loaded.config, { inputs, loaded });
      assert.equal(again.learner.steps, 3);
      for (let i = 0; i < 3; i++) {
        assert.equal(again.learner.step(trainingBatch(again)).loss, run.learner.step(trainingBatch(run)).loss,
          'the same batches and the same losses as the saved run');
      }
    } finally {
      run.free();
      again?.free();
    }
  });
}

test('a file of weights alone trains on with the page\'s optimizer settings', () => {
  for (const task of ['parity', 'reverse']) {
    const run = createRun(lab, configOf(task), {});
    // a plain model's weights (model.save()), an encoder-decoder saved before its first step
    const bytes = run.learner.kind === 'model' ? run.model.save() : run.learner.save();
    run.free();
    const current = { ...configOf(task), optimizer: 'sgd', lr: 0.02, clip: 5 };
    const loaded = loadBytes(lab, bytes, current);
    try {
      assert.equal(loaded.learner.steps, 0);
      const o = loaded.learner.trainerOptions;
      assert.deepEqual([o.optimizer, Math.fround(o.learningRate), o.clipNorm], ['sgd', Math.fround(0.02), 5], task);
      assert.deepEqual(loaded.config, current, task);
    } finally {
      loaded.learner.free();
    }
  }
});

test('a file of the other family, or not a file at all, is refused with a message for the page', () => {
  const run = createRun(lab, configOf('reverse'), {});
  const bytes = run.learner.save();
  run.free();
  const loaded = loadBytes(lab, bytes, configOf('parity'));
  try {
    assert.throws(() => createRun(lab, loaded.config, { loaded }), /holds an encoder-decoder, but parity trains a plain model/);
  } finally {
    loaded.learner.free();
  }
  assert.throws(() => loadBytes(lab, new Uint8Array(16), configOf('parity')), /not an rnnlab model file/);
});
