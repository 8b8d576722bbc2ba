// @ts-check
/* rnn.js - the Elman RNN's scene in the cell diagram: one weighted sum, one activation (tanh,
 * relu or sigmoid), h_t fed back as h_{t-1}. (The CT-RNN and the ESN, leaky integrators, have
 * their own scene: leaky.js.)
 */
import { GH, GY, actSymbol, bus, gTop, newScene } from './layout.js';

/** @param {import('./layout.js').CellConfig} c */
function build(c) {
  const s = newScene();
  const act = c.activation ?? 'tanh', actName = actSymbol(act);
  s.title = `Elman RNN · ${act}`;
  s.gates = ['h'];
  s.acts = [`h:${act}`];
  s.nodes.push({ id: 'sum', x: 290, y: GY, w: 112, h: 34, label: 'W x + U h + b', kind: 'neutral' });
  s.nodes.push({ id: 'act', x: 460, y: GY, w: 66, h: GH, label: actName, act: '', kind: act === 'sigmoid' ? 'gate' : 'signed' });
  s.nodes.push({ id: 'h', x: 630, y: GY, w: 66, h: GH, label: 'hₜ', kind: 'signed' });
  s.wires.push({ pts: [[346, GY], [427, GY]] });
  s.wires.push({ pts: [[493, GY], [597, GY]] });
  s.wires.push({ pts: [[630, gTop], [630, 130], [52, 130], [52, 176]], dashed: true, label: 'hₜ becomes hₜ₋₁ at the next step', lx: 340, ly: 120, la: 'center' });
  bus(s, [290], { hprevNode: true });
  s.eq = [`hₜ = ${act}(W xₜ + U hₜ₋₁ + b)`];
  return s;
}

/** @type {import('./layout.js').SceneModule} */
export default {
  build,
  values: ({ gate }) => ({ act: gate(0) }),
  timeline: ['h'],
  cellState: null,
  signedGates: [],
  variant: () => '',
};
