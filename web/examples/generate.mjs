#!/usr/bin/env node
// @ts-check
/**
 * generate.mjs - writes the two example files of "Your own sequences" (README), deterministically
 * (splitmix64 from wasm/csv.mjs, seed fixed below; the same bytes on every run):
 *
 *   node web/examples/generate.mjs      # rewrites web/examples/sine-phase.csv and two-class.csv
 *
 * sine-phase.csv - long layout, one time step per row, regression at every step:
 *     seq,x,next
 *     1,0.412,0.603      seq: the sequence id; x: the noisy input; next: the target
 *   80 sequences of 30-50 steps (variable lengths), each a sine with its own frequency
 *   (0.2-0.5 rad/step), phase and amplitude (0.6-1.2), plus Gaussian noise (sd 0.1) on x. The
 *   target at step t is the clean sine at step t + 1: the model must denoise, work out the
 *   sequence's frequency and phase from what it has seen, and predict one step ahead. Predicting
 *   the mean scores an RMSE of about 0.65; a small LSTM gets well below 0.2.
 *   lab.createTask('csv', { text })  (defaults: inputs x, target next, targetAt 'step').
 *
 * two-class.csv - wide layout, one sequence per row, classification at the end:
 *     t1,t2,...,t30,label
 *     0.113,...,-0.402,rising
 *   200 chirps of 30 steps: a sine whose frequency sweeps up ('rising', about 0.15 -> 0.6 rad/step)
 *   or down ('falling', the reverse), with a random phase, amplitude and noise (sd 0.15). The label
 *   is the direction of the sweep; no single step tells it, the model has to compare early and
 *   late oscillations.
 *   lab.createTask('csv', { text })  (defaults: one input per step, target label at the end).
 *
 * Lines starting with '#' are comments for the loader (wasm/csv.mjs), which skips them.
 */

import { writeFileSync } from 'node:fs';
import { createRng } from '../../wasm/csv.mjs';

const rng = createRng(20261123);
const uniform = (/** @type {number} */ a, /** @type {number} */ b) => a + (b - a) * rng.uniform();
/** standard normal (Box-Muller) */
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
const num = (/** @type {number} */ x) => (Math.abs(x) < 5e-4 ? '0' : x.toFixed(3));

function sinePhase() {
  const lines = ['# rnnlab example: noisy sines; predict the clean value one step ahead (web/examples/generate.mjs)', 'seq,x,next'];
  for (let s = 1; s <= 80; s++) {
    const T = 30 + rng.below(21), w = uniform(0.2, 0.5), phase = uniform(0, 2 * Math.PI), amp = uniform(0.6, 1.2);
    for (let t = 0; t < T; t++) {
      const x = amp * Math.sin(w * t + phase) + 0.1 * gauss();
      lines.push(`${s},${num(x)},${num(amp * Math.sin(w * (t + 1) + phase))}`);
    }
  }
  return lines.join('\n') + '\n';
}

function twoClass() {
  const T = 30;
  const lines = ['# rnnlab example: rising or falling chirp, label at the end (web/examples/generate.mjs)',
    [...Array.from({ length: T }, (_, t) => `t${t + 1}`), 'label'].join(',')];
  for (let s = 0; s < 200; s++) {
    const rising = rng.below(2) === 1;
    const lo = uniform(0.1, 0.2), hi = uniform(0.5, 0.7), amp = uniform(0.7, 1.3);
    let phase = uniform(0, 2 * Math.PI);
    const row = [];
    for (let t = 0; t < T; t++) {
      const f = t / (T - 1), w = rising ? lo + (hi - lo) * f : hi - (hi - lo) * f;
      row.push(num(amp * Math.sin(phase) + 0.15 * gauss()));
      phase += w;
    }
    row.push(rising ? 'rising' : 'falling');
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

const here = new URL('.', import.meta.url);
writeFileSync(new URL('sine-phase.csv', here), sinePhase());
writeFileSync(new URL('two-class.csv', here), twoClass());
