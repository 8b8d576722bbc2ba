// @ts-check
/* probes.js - the probe: one sequence the page looks inside (heatmaps, gradient bars, PCA, the
 * cell diagram, the step-by-step table). What every family shares; what differs (the probe's
 * symbols, a typed probe, the trace of an encoder-decoder) is the family's (web/families/).
 *
 *   probeInfo(run)          what the page shows of the probe (the family's, plus its length)
 *   setProbe(run, text, editable)   '' = the task's own probe, else the task row's parse of a typed one
 *   probeTrace(run)         the family's flat layer-0 trace (seq2seq: with its attention rows
 *                           when the model attends), and the buffers to transfer
 * No DOM, no messages: worker.js posts.
 */

/** @param {any} run @returns {any} */
export function probeInfo(run) {
  return run.family.probeInfo(run);
}

/**
 * Sets the run's probe: '' restores the task's own, anything else is parsed by the task row's
 * parseProbe. Returns an error message for the page, or null when the probe changed.
 * @param {any} run @param {string} text @param {readonly string[]} editable the tasks whose probe can be typed
 * @returns {string | null}
 */
export function setProbe(run, text, editable) {
  if (text === '') { run.probe = run.defaultProbe; return null; }
  const parse = run.spec.parseProbe;
  if (!parse) {
    const list = editable.length > 1 ? `${editable.slice(0, -1).join(', ')} and ${editable.at(-1)}` : editable.join('');
    return `the ${run.config.task} probe is not editable (${list} ${editable.length > 1 ? 'are' : 'is'})`;
  }
  const p = parse(run, text);
  if (typeof p === 'string') return p;
  run.probe = p;
  return null;
}

/** The probe's flat trace and the buffers to transfer with it (an encoder-decoder's attention
 * rows too, when its trace has them). @param {any} run */
export function probeTrace(run) {
  const trace = run.family.trace(run);
  const transfer = [trace.gates.buffer, trace.cell.buffer, trace.hidden.buffer, trace.gradNorm.buffer, trace.outputs.buffer];
  if (trace.attention) transfer.push(trace.attention.weights.buffer);
  return { trace, transfer };
}
