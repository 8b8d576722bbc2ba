// @ts-check
/**
 * eval.mjs - `rnnlab eval`: scores a model saved by `rnnlab train --save` on a task's final test,
 * the same held-out sequences train tested on (given the same task options and --seed), or with
 * --csv on the held-out split of the file that the same file, options and --seed reproduce.
 *
 * Owns: telling a model file from an encoder-decoder file (by the kind byte, wasm/names.mjs
 * fileKind) and refusing a file that does not fit the task, repeating lab.train's final test
 * (its seeds and options), and the report (text or --json).
 * Does not own: the test itself (task.evaluate, seq2seq.evaluate), the run's objects (plan.mjs),
 * the formats of results (progress.mjs).
 */

import { SEQ2SEQ_TASKS, fileKind } from '../../wasm/names.mjs';
import { CliError, EVAL_TRAIN, UsageError, kebab } from '../options.mjs';
import { createTask, isTaskVariant, plan, readOption } from '../plan.mjs';
import { csvJSON, describeCsv, describeCsvResult, describeCurve, describeResult, fmtInt, toJSON } from '../progress.mjs';

/** @param {any} lab @param {Record<string, any>} v the parsed options @param {string[]} positionals */
export async function cmdEval(lab, v, positionals) {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (options are --name value)`);
  if (v.model === undefined) throw new UsageError('--model FILE is required (a model written by rnnlab train --save)');
  if (v.csv !== undefined) return evalCsv(lab, v);
  if (v.variant !== undefined && !isTaskVariant(v.task, v.variant)) {
    throw new UsageError(`--variant ${v.variant}: eval takes temporal-order's a | b only (a saved model keeps its own cell settings)`);
  }
  const p = await plan(lab, v);
  const bytes = await readOption('--model', v.model);
  const task = await createTask(lab, p.task, p.taskOptions);
  let learner = null;
  try {
    const u8 = new Uint8Array(bytes);
    // the file's kind byte (core/serialize.c): an encoder-decoder is rnnlab train --save on a seq2seq task
    const isS2s = fileKind(u8) === 'seq2seq';
    if (isS2s !== task.isSeq2seq) {
      throw new CliError(isS2s ? `--model ${v.model} is an encoder-decoder: evaluate it on a sequence-to-sequence task (${SEQ2SEQ_TASKS.join(', ')}), not '${task.name}'`
        : `task '${task.name}' is sequence-to-sequence: --model must be an encoder-decoder saved by 'rnnlab train --task ${task.name} --save FILE'`);
    }
    // any file as a learner (the Learner protocol): a plain model's Trainer, or the encoder-decoder
    learner = lab.loadLearner(u8);
    const model = isS2s ? learner : learner.model;
    const t = p.train;
    // the final test of lab.train: testSeed defaults to evalSeed + 1, evalSeed to 1000
    const evalSeed = t.evalSeed ?? 1000;
    const seed = t.testSeed ?? (typeof evalSeed === 'bigint' ? evalSeed + 1n : evalSeed + 1);
    const opts = { seed, ...(t.testCount !== undefined && { count: t.testCount }), ...(t.testLength !== undefined && { length: t.testLength }) };
    if (isS2s && t.curve) throw new CliError('--curve is not available for sequence-to-sequence models');
    if (isS2s && typeof seed === 'bigint') throw new CliError('--test-seed / --eval-seed: a sequence-to-sequence test seed must be below 2^53');
    const t0 = performance.now();
    // lab.train's final test of an encoder-decoder: exact match, greedy or beam search of --beam-width
    const test = learner.evaluate(task, { ...opts, ...(isS2s && t.beamWidth !== undefined && { beamWidth: t.beamWidth }) });
    const curve = t.curve ? task.generalization(model, { lengths: t.curve, count: t.curveCount, seed: typeof seed === 'bigint' ? seed + 2n : seed + 2 }) : null;
    const seconds = (performance.now() - t0) / 1000;
    if (v.json) {
      const { text: _, ...taskOptions } = p.taskOptions;
      console.log(toJSON({ command: 'eval', version: lab.version, simd: lab.simd, file: v.model, task: task.name,
        taskOptions: p.textFile ? { ...taskOptions, textFile: p.textFile } : taskOptions, criterion: task.criterion,
        model: model.config, parameterCount: model.parameterCount, test, curve, seconds }));
    } else {
      const c = model.config;
      console.log(`${v.model}: ${c.cell} H=${c.hiddenSize}${c.layers > 1 ? ` x${c.layers}` : ''}, ${fmtInt(model.parameterCount)} parameters; task ${task.name}`);
      if (curve) console.log(describeCurve(curve));
      const where = { length: t.testLength ?? task.criterion.length, count: t.testCount ?? task.criterion.count };
      console.log(`test (fresh held-out data): ${describeResult(test, task.name, where)}; ${test.solved ? 'solved' : 'not solved'}`);
    }
  } finally {
    learner?.free(); // a loaded Trainer owns its model
    task.free();
  }
}

/**
 * eval --csv: a saved model on the held-out split of a csv task built from the same file and options
 * as its training run (the split and the standardisation statistics are functions of them).
 * @param {any} lab @param {Record<string, any>} v
 */
async function evalCsv(lab, v) {
  for (const k of EVAL_TRAIN) if (v[k] !== undefined) throw new UsageError(`--${kebab(k)} is not an option of eval --csv: the held-out split is fixed by the file, --held-out and --seed`);
  if (v.variant !== undefined) throw new UsageError('--variant is not an option of eval --csv (the saved model keeps its own cell)');
  const p = await plan(lab, v);
  const bytes = await readOption('--model', v.model);
  const csvFile = /** @type {string} */ (p.csvFile);
  const task = await createTask(lab, 'csv', p.taskOptions, csvFile);
  let model = null;
  try {
    model = lab.loadModel(new Uint8Array(bytes));
    const c = model.config, want = task.modelConfig;
    if (c.inputSize !== want.inputSize || c.outputSize !== want.outputSize || (c.output === 'linear') !== (want.output === 'linear')) {
      throw new CliError(`--model ${v.model} (${c.inputSize} inputs, ${c.outputSize} ${c.output} outputs) does not fit ${csvFile} as given ` +
        `(${want.inputSize} inputs, ${want.outputSize} ${want.output} outputs): give the --inputs, --target, --target-at and --kind it was trained with`);
    }
    const t0 = performance.now();
    const test = task.evaluate(model);
    const seconds = (performance.now() - t0) / 1000;
    if (v.json) {
      const { text: _, ...taskOptions } = p.taskOptions;
      console.log(toJSON({ command: 'eval', version: lab.version, simd: lab.simd, file: v.model, task: 'csv', taskOptions,
        csv: csvJSON(task, csvFile), model: c, parameterCount: model.parameterCount, test, seconds }));
    } else {
      console.log(`${v.model}: ${c.cell} H=${c.hiddenSize}${c.layers > 1 ? ` x${c.layers}` : ''}, ${fmtInt(model.parameterCount)} parameters`);
      console.log(describeCsv(task, csvFile, p.train.target));
      console.log(`test (held-out split): ${describeCsvResult(task, test)}`);
    }
  } finally {
    model?.free();
    task.free();
  }
}
