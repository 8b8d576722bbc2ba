// @ts-check
/* leaky.js - one scene for the two leaky integrators of the cell diagram, the CT-RNN and the
 * echo-state network: (1 - α) times the previous state plus α times the new drive, along the top.
 * The CT-RNN integrates a membrane potential x and squashes it into h; the ESN integrates h itself,
 * and its reservoir (W, U) is drawn grey and hatched: fixed, not trained, only the readout learns.
 * The two differ in a few parts, so they share this file: `ctrnn` and `esn` below.
 */
import { GH, GY, TOP, actSymbol, bus, gTop, newScene } from './layout.js';

/** @param {import('./layout.js').CellConfig} c @param {boolean} esn */
function build(c, esn) {
  const s = newScene();
  const act = c.activation ?? 'tanh', actName = actSymbol(act);
  const a = c.alpha ?? 1;
  s.title = esn ? `Echo-state network · leak α = ${+a.toFixed(3)}` : `Continuous-time RNN · α = dt/τ = ${+a.toFixed(3)}`;
  s.gates = esn ? [] : ['h'];
  s.acts = [`h:${act}`];
  const st = esn ? 'h' : 'x';
  s.nodes.push({ id: esn ? 'hprev' : 'xprev', x: 52, y: TOP, w: 66, h: 40, label: `${st}ₜ₋₁`, kind: 'signed' });
  s.nodes.push({ id: 'lx', x: 200, y: TOP, label: '×', kind: 'junction', small: `1 − α = ${+(1 - a).toFixed(3)}` });
  s.nodes.push({ id: 'plus', x: 400, y: TOP, label: '+', kind: 'junction' });
  s.wires.push({ pts: [[85, TOP], [187, TOP]], width: 3 });
  s.wires.push({ pts: [[213, TOP], [387, TOP]], width: 3 });
  s.nodes.push({ id: 'sum', x: 260, y: GY, w: 118, h: 36, label: 'W u + U h + b', kind: esn ? 'fixed' : 'neutral',
    small: esn ? 'fixed reservoir · not trained' : '' });
  s.nodes.push({ id: 'ax', x: 400, y: 180, label: '×', kind: 'junction', small: `α = ${+a.toFixed(3)}` });
  s.wires.push({ pts: [[400, 167], [400, TOP + 13]] });
  if (esn) {
    s.nodes.push({ id: 'act', x: 400, y: GY, w: 62, h: GH, label: actName, kind: act === 'sigmoid' ? 'gate' : 'signed' });
    s.wires.push({ pts: [[319, GY], [369, GY]] });
    s.wires.push({ pts: [[400, gTop], [400, 193]] });
    s.nodes.push({ id: 'h', x: 640, y: TOP, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
    s.wires.push({ pts: [[413, TOP], [607, TOP]], width: 3 });
    s.texts.push({ x: 300, y: TOP + 14, s: 'hidden state (leaky)', align: 'center' });
    s.wires.push({ pts: [[640, TOP + 20], [640, 180]], label: 'readout W_out h: the only trained part', lx: 690, ly: 194, la: 'right' });
    bus(s, [260]);
  } else {
    s.wires.push({ pts: [[319, GY], [400, GY], [400, 193]] });
    s.nodes.push({ id: 'x', x: 510, y: TOP, w: 66, h: 40, label: 'xₜ', kind: 'signed' });
    s.wires.push({ pts: [[413, TOP], [477, TOP]], width: 3 });
    s.texts.push({ x: 300, y: TOP + 14, s: 'membrane potential x', align: 'center' });
    s.nodes.push({ id: 'act', x: 510, y: 172, w: 62, h: GH, label: actName, act: '', kind: act === 'sigmoid' ? 'gate' : 'signed' });
    s.wires.push({ pts: [[510, TOP + 20], [510, 152]] });
    s.nodes.push({ id: 'h', x: 640, y: 172, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
    s.wires.push({ pts: [[541, 172], [607, 172]] });
    bus(s, [260], { hprevNode: true });
  }
  s.eq = esn
    ? [`hₜ = (1 − α) hₜ₋₁ + α ${act}(W uₜ + U hₜ₋₁ + b)`, 'W, U fixed (U scaled to the spectral radius); only the readout learns']
    : [`xₜ = (1 − α) xₜ₋₁ + α (W uₜ + U hₜ₋₁ + b)`, `hₜ = ${act}(xₜ)`];
  return s;
}

/** @type {import('./layout.js').SceneModule} */
export const ctrnn = {
  build: (c) => build(c, false),
  // the drive α took in: x_t = (1 - α) x_{t-1} + α drive_t
  values: ({ gate, cell, prev }, c) => {
    const alpha = c.alpha ?? 1;
    return { act: gate(0), drive: (t, j) => (cell(t, j) - (1 - alpha) * cell(prev(t), j)) / alpha };
  },
  timeline: ['x', 'h'],
  cellState: 'potential x',
  signedGates: [],
  variant: () => '',
};

/** @type {import('./layout.js').SceneModule} */
export const esn = {
  build: (c) => build(c, true),
  values: ({ gate }) => ({ act: gate(0) }),
  timeline: ['h'],
  cellState: null,
  signedGates: [],
  variant: () => '',
};
