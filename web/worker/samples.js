// @ts-check
/* samples.js - the slow parts of a snapshot: the family's samples (text continuations, fresh
 * problems, ...) and the generalisation curve (held-out accuracy against the test length, for
 * the task rows that name curve lengths). Computed at most once a second, or at once when asked
 * (a paused step, a new sampling temperature, a task just solved); every snapshot carries the
 * latest. No DOM, no messages (worker.js).
 *
 *   const slow = createSlowParts();
 *   slow.update(run, force);   const { samples, curve } = slow;   slow.soon();   slow.reset();
 */
import { EVAL_SEED } from '../families/common.js';

const SAMPLES_MS = 1000;  // at most once a second

export function createSlowParts() {
  let last = -Infinity;
  return {
    /** @type {any} the family's samples ({ kind, ... }) or null */ samples: null,
    /** @type {{ step: number, points: any[] } | null} */ curve: null,
    /** Recomputes both when a second has passed (or when forced). @param {any} run */
    update(run, force = false) {
      const now = performance.now();
      if (!force && now - last < SAMPLES_MS) return;
      last = now;
      this.samples = run.family.samples(run);
      const lengths = run.spec.curve;
      this.curve = lengths ? { step: run.step, points: run.task.generalization(run.model, { lengths, count: 50, seed: EVAL_SEED }) } : null;
    },
    /** the next update recomputes, whenever it comes */
    soon() { last = -Infinity; },
    /** a new run: nothing computed yet */
    reset() { this.samples = null; this.curve = null; },
  };
}
