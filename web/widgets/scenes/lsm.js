// @ts-check
/* lsm.js - the liquid state machine's scene (core/cells/lsm.c): a leaky integrate-and-fire neuron.
 * The membrane potential v integrates the input current along the top, fires a spike s when it
 * crosses the threshold 1 and resets; the synaptic trace r of the spikes is the output the readout
 * (and the other neurons) see. The reservoir is fixed, drawn grey like the ESN's.
 */
import { GH, GY, TOP, bus, gTop, newScene } from './layout.js';

/** @param {import('./layout.js').CellConfig} c */
function build(c) {
  const s = newScene();
  const a = c.alpha ?? 1;
  s.title = `Liquid state machine · LIF neurons, α = dt/τ = ${+a.toFixed(3)}, threshold 1`;
  s.gates = ['s'];
  s.nodes.push({ id: 'cprev', x: 52, y: TOP, w: 66, h: 40, label: 'vₜ₋₁', kind: 'signed' });
  s.nodes.push({ id: 'lx', x: 200, y: TOP, label: '×', kind: 'junction', small: `1 − α = ${+(1 - a).toFixed(3)}` });
  s.nodes.push({ id: 'plus', x: 400, y: TOP, label: '+', kind: 'junction' });
  s.wires.push({ pts: [[85, TOP], [187, TOP]], width: 3 });
  s.wires.push({ pts: [[213, TOP], [387, TOP]], width: 3 });
  s.texts.push({ x: 300, y: TOP + 14, s: 'membrane potential v', align: 'center' });
  s.nodes.push({ id: 'sum', x: 260, y: GY, w: 118, h: 36, label: 'W u + U r + b', kind: 'fixed', small: 'fixed reservoir · not trained' });
  s.nodes.push({ id: 'ax', x: 400, y: 180, label: '×', kind: 'junction', small: `α = ${+a.toFixed(3)}` });
  s.wires.push({ pts: [[319, GY], [400, GY], [400, 193]] });
  s.wires.push({ pts: [[400, 167], [400, TOP + 13]] });
  s.nodes.push({ id: 'c', x: 520, y: TOP, w: 66, h: 40, label: 'vₜ', kind: 'signed' });
  s.wires.push({ pts: [[413, TOP], [487, TOP]], width: 3 });
  s.nodes.push({ id: 's', x: 520, y: GY, w: 62, h: GH, label: 's', act: 'v ≥ 1', kind: 'gate' });
  s.wires.push({ pts: [[520, TOP + 20], [520, gTop]], label: 'spike, then v = 0', lx: 530, ly: 150 });
  s.nodes.push({ id: 'h', x: 650, y: GY, w: 66, h: 40, label: 'rₜ', kind: 'signed' });
  s.wires.push({ pts: [[551, GY], [617, GY]] });
  s.wires.push({ pts: [[650, GY - 20], [650, TOP + 40]], label: 'readout W_out r: the only trained part', lx: 690, ly: TOP + 56, la: 'right' });
  bus(s, [260], { hprevNode: false });
  s.eq = ['vₜ = (1 − α) vₜ₋₁ + α (W uₜ + U rₜ₋₁ + b);  sₜ = [vₜ ≥ 1], then vₜ = 0', 'rₜ = (1 − α) rₜ₋₁ + α sₜ  (the synaptic trace, the output)'];
  return s;
}

/** @type {import('./layout.js').SceneModule} */
export default {
  build,
  values: ({ gate }) => ({ s: gate(0) }),
  timeline: ['s', 'c', 'h'],
  cellState: 'potential v',
  signedGates: [],
  variant: () => '',
};
