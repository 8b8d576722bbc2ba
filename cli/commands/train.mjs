// @ts-check
/**
 * train.mjs - `rnnlab train`: trains a model (on a sequence-to-sequence task an encoder-decoder)
 * until the task's criterion is met on held-out data or --max-steps run out, then tests it on
 * fresh held-out data.
 *
 * Owns: creating the model and its learner (lab.createLearner) from the plan, the run's first lines, Ctrl-C (the run
 * stops between steps, the result so far is reported, exit code 130), --save (with the optimizer
 * state) and the final report (text or --json).
 * Does not own: turning options into the run (plan.mjs), the training loop and the test
 * (lab.train), the formats of progress and results (progress.mjs).
 */

import { writeFile } from 'node:fs/promises';
import { CliError, UsageError } from '../options.mjs';
import { createTask, plan } from '../plan.mjs';
import { Progress, csvJSON, describeBuild, describeCsv, describeCsvResult, describeCurve, describeResult, fmtInt, fmtSec, progressStream, toJSON } from '../progress.mjs';

/** @param {any} lab @param {Record<string, any>} v the parsed options @param {string[]} positionals */
export async function cmdTrain(lab, v, positionals) {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (options are --name value)`);
  const p = await plan(lab, v);
  const task = await createTask(lab, p.task, p.taskOptions, p.csvFile);
  const isCsv = task.name === 'csv';
  let model = null;
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    // seq2seq tasks train an encoder-decoder (lab.createSeq2Seq); either way the run goes through
    // the Learner protocol: a plain model's Trainer, or the encoder-decoder with its own optimizer
    model = task.isSeq2seq ? lab.createSeq2Seq({ ...task.modelConfig, ...p.model }) : lab.createModel({ ...task.modelConfig, ...p.model });
    const learner = lab.createLearner(model, p.trainer);
    const maxSteps = p.train.maxSteps ?? 5000;
    const isText = task.name === 'text';
    const progress = new Progress(progressStream(v), '', maxSteps, isText, isCsv && task.kind === 'regression' ? 'R^2' : 'accuracy');
    const c = model.config;
    const shape = `${c.cell}${c.cell === 'lstm' && c.variant !== 'standard' ? ` (${c.variant})` : ''} H=${c.hiddenSize}` +
      `${c.layers > 1 ? ` x${c.layers} layers` : ''}${c.bidirectional ? ' bidirectional' : ''}` +
      `${c.attention && c.attention !== 'none' ? `, ${c.attention} attention` : ''}`;
    const tc = learner.trainerOptions;
    const crit = task.criterion;
    if (!v.json) {
      console.log(`rnnlab ${lab.version} (${describeBuild(lab)}): task ${task.name}` +
        `${p.recipeName ? ` (recipe '${p.recipeName}')` : ''}, ${shape}, ${fmtInt(model.parameterCount)} parameters; ` +
        `${tc.optimizer} lr ${+tc.learningRate.toPrecision(4)}${tc.clipNorm ? ` clip-norm ${+tc.clipNorm.toPrecision(4)}` : ''}; ` +
        `batch ${p.train.batchSize ?? 32}, up to ${fmtInt(maxSteps)} steps`);
      if (isCsv) console.log(describeCsv(task, /** @type {string} */ (p.csvFile), p.train.target));
      else console.log(isText ? 'criterion: bits per character below every n-gram baseline on the held-out text'
        : `criterion: accuracy >= ${+crit.target.toPrecision(4)} on ${fmtInt(crit.count)} held-out sequences of length ${crit.length}`);
    }
    const result = await lab.train({
      task, learner, ...p.train, signal: ac.signal,
      onProgress: (/** @type {any} */ q) => { progress.update(q); },
    });
    progress.done();
    let saved = null;
    if (v.save !== undefined) {
      // with the optimizer state, so lab.loadLearner continues exactly (an encoder-decoder has none
      // before its first step)
      const withOptimizer = learner.kind === 'model' || learner.steps > 0;
      const bytes = learner.save();
      try { await writeFile(v.save, bytes); } catch (e) { throw new CliError(`cannot write --save ${v.save}: ${/** @type {Error} */ (e).message}`); }
      saved = { file: v.save, bytes: bytes.length, optimizer: withOptimizer };
    }
    const testWhere = { length: p.train.testLength ?? crit.length, count: p.train.testCount ?? crit.count };
    if (v.json) {
      const { history: _, ...rest } = result;
      const { text: __, ...taskOptions } = p.taskOptions;
      const csv = isCsv ? csvJSON(task, p.csvFile) : undefined;
      console.log(toJSON({
        command: 'train', version: lab.version, simd: lab.simd, task: task.name, recipe: p.recipeName, csv,
        taskOptions: p.textFile ? { ...taskOptions, textFile: p.textFile } : taskOptions,
        criterion: task.criterion, model: model.config, parameterCount: model.parameterCount, trainer: tc,
        train: p.train, ...rest, saved,
      }));
    } else {
      const r = result;
      if (isCsv && !r.solved) { if (r.stop === 'aborted') console.log('stopped (Ctrl-C)'); }
      else if (r.solved) {
        console.log(`solved at step ${fmtInt(r.solvedAt.step)}: ${fmtInt(r.solvedAt.sequences)} sequences, ${fmtSec(r.solvedAt.seconds)}`);
      } else {
        const why = r.stop === 'aborted' ? 'stopped (Ctrl-C)' : `not solved within ${fmtInt(r.steps)} steps`;
        const last = r.validation ? `; last validation: ${isText ? `bpc ${r.validation.bpc.toFixed(3)}` : `accuracy ${r.validation.accuracy.toFixed(4)}`}` : '';
        console.log(`${why}: ${fmtInt(r.sequences)} sequences, ${fmtSec(r.seconds)}${last}`);
      }
      console.log(`trained: ${fmtInt(r.steps)} steps, ${fmtInt(r.sequences)} sequences, ${fmtInt(r.tokens)} time steps, ${fmtSec(r.seconds)}`);
      if (r.curve) console.log(describeCurve(r.curve));
      if (saved) console.log(`saved ${saved.file} (${fmtInt(saved.bytes)} bytes, ${saved.optimizer ? `with the ${tc.optimizer} state` : 'weights only'})`);
      if (isCsv) console.log(`test (held-out split): ${describeCsvResult(task, r.test)}`);
      else console.log(`test (fresh held-out data): ${describeResult(r.test, task.name, testWhere)}; ${r.test.solved ? 'solved' : 'not solved'}`);
    }
    if (result.stop === 'aborted') process.exitCode = 130;
  } finally {
    process.removeListener('SIGINT', onSigint);
    model?.free(); // frees its trainer too (an encoder-decoder is its own learner)
    task.free();
  }
}

