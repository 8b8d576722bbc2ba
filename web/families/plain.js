// @ts-check
/* plain.js - the parts of a plain model (lab.createModel) that sequence.js and owndata.js share:
 * its learner (a Trainer, lab.createLearner), a file of one read back (lab.loadLearner) with the
 * config it implies, the probe's targets and its flat layer-0 trace.
 *
 *   const { model, learner } = plainLearner(lab, task, config, spec, loaded);
 *   const { learner, model, config } = loadPlain(lab, bytes, current, spec);
 *   plainTargets(run);   plainTrace(run);
 * Does not own: the tasks, probes or samples of either family. DOM-free.
 */
import { fromModelConfig, fromTrainer, modelKeys, predicted, trainerOptions } from './common.js';

/**
 * The model and its learner: a loaded file's (loadPlain), else a fresh model with a Trainer
 * from the config. @param {any} lab @param {any} task @param {import('./common.js').Config} config
 * @param {import('./common.js').TaskSpec} spec @param {{ learner: any, model: any } | null} [loaded]
 */
export function plainLearner(lab, task, config, spec, loaded) {
  if (loaded) return { model: loaded.model, learner: loaded.learner };
  const model = lab.createModel({ ...task.modelConfig, ...modelKeys(config, spec, true) });
  try {
    return { model, learner: lab.createLearner(model, trainerOptions(config, spec)) };
  } catch (err) {
    model.free();
    throw err;
  }
}

/**
 * A plain model's file as a learner (lab.loadLearner; the learner owns its model) and the config
 * it implies: the current one (the file names no task) with the model's keys and the trainer's
 * optimizer, learning rate, clipping and (unless the task's bptt is a chunk length) BPTT length.
 * A file with optimizer state resumes with it; one of weights alone trains on with the current
 * settings (loadLearner takes trainerOptions only for such a file).
 * @param {any} lab @param {Uint8Array} bytes @param {import('./common.js').Config} current
 * @param {import('./common.js').TaskSpec} spec the current task's row
 */
export function loadPlain(lab, bytes, current, spec) {
  let learner;
  try {
    learner = lab.loadLearner(bytes, { trainerOptions: trainerOptions(current, spec) });
  } catch (err) {
    if (!/optimizer state/.test(String(/** @type {Error} */ (err)?.message))) throw err;
    learner = lab.loadLearner(bytes); // it holds its own
  }
  const { model } = learner, o = learner.trainerOptions;
  const config = { ...current, ...fromModelConfig(model.config), bidir: model.config.bidirectional ? 'yes' : 'no',
    ...fromTrainer(o) };
  if (!spec.chunked) config.bptt = o.truncate;
  return { learner, model, config };
}

/** The probe's targets as class names per step ('' where there is none), for class-target tasks. @param {any} run */
export function plainTargets(run) {
  const { task, probe } = run;
  if (task.output !== 'softmax') return null;
  return Array.from(probe.targets, (/** @type {number} */ c) => (c < 0 ? '' : String(task.outputSymbols[c] ?? c)));
}

/**
 * The probe's trace as the page reads it: layer 0, forward direction, copied out (so the buffers
 * can be transferred), split null (one sequence), and on softmax tasks the predicted class per step.
 * @param {any} run
 */
export function plainTrace(run) {
  const { task } = run;
  const tr = run.learner.trace(run.probe);
  const l0 = tr.layers[0][0];
  return {
    length: tr.length, split: null, hiddenSize: tr.hiddenSize, gateNames: tr.gateNames, layers: tr.layers.length,
    gates: l0.gates.slice(), cell: l0.cell.slice(), hidden: l0.hidden.slice(), gradNorm: l0.gradNorm.slice(),
    outputs: tr.outputs.slice(), loss: tr.loss,
    predicted: task.output === 'softmax' ? predicted(task, tr.outputs, tr.length, task.outputSize) : null,
  };
}
