// @ts-check
/* cfn.js - the chaos-free network's scene (Laurent & von Brecht 2017): the hidden state runs along
 * the top through tanh and the gate theta (no other path: with no input it can only shrink), and
 * eta lets in the candidate c = tanh(W x), which reads the input alone.
 */
import { GH, GY, TOP, bus, gTop, newScene } from './layout.js';

/** @param {import('./layout.js').CellConfig} _c */
function build(_c) {
  const s = newScene();
  s.title = 'CFN · chaos-free network (Laurent & von Brecht 2017)';
  s.gates = ['theta', 'eta', 'c'];
  const X = { tanh: 180, tx: 300, plus: 560, eta: 430, c: 560, ex: 560 };
  s.nodes.push({ id: 'hprev', x: 52, y: TOP, w: 66, h: 40, label: 'hₜ₋₁', kind: 'signed' });
  s.nodes.push({ id: 'h', x: 650, y: TOP, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
  s.nodes.push({ id: 'tanhh', x: X.tanh, y: TOP, w: 62, h: 30, label: 'tanh', kind: 'neutral' });
  s.wires.push({ pts: [[85, TOP], [X.tanh - 31, TOP]], width: 3 });
  s.wires.push({ pts: [[X.tanh + 31, TOP], [X.tx - 13, TOP]], width: 3 });
  s.wires.push({ pts: [[X.tx + 13, TOP], [X.plus - 13, TOP]], width: 3 });
  s.wires.push({ pts: [[X.plus + 13, TOP], [617, TOP]], width: 3 });
  s.texts.push({ x: 430, y: TOP - 14, s: 'hidden state', align: 'center' });
  s.nodes.push({ id: 'tx', x: X.tx, y: TOP, label: '×', kind: 'junction' });
  s.nodes.push({ id: 'plus', x: X.plus, y: TOP, label: '+', kind: 'junction' });
  s.wires.push({ pts: [[X.tx, gTop], [X.tx, TOP + 13]] });
  // eta x c, then up into the sum
  s.nodes.push({ id: 'ex', x: X.ex, y: 150, label: '×', kind: 'junction' });
  s.wires.push({ pts: [[X.eta, gTop], [X.eta, 150], [X.ex - 13, 150]] });
  s.wires.push({ pts: [[X.c, gTop], [X.c, 163]] });
  s.wires.push({ pts: [[X.ex, 137], [X.plus, TOP + 13]] });
  for (const [id, x, a, k, label] of /** @type {[string, number, string, 'gate'|'signed', string][]} */ ([
    ['theta', X.tx, 'σ', 'gate', 'θ'], ['eta', X.eta, 'σ', 'gate', 'η'], ['c', X.c, 'tanh', 'signed', 'c']])) {
    s.nodes.push({ id, x, y: GY, w: 62, h: GH, label, act: a, kind: k });
  }
  s.texts.push({ x: X.c + 36, y: GY + 4, s: 'x only', size: 10.5 });
  bus(s, [X.tx, X.eta, X.c]);
  s.eq = ['θ = σ(V_θ x + U_θ h + b_θ)', 'η = σ(V_η x + U_η h + b_η)', 'c = tanh(W x)  (no h, no bias)',
    'hₜ = θ⊙tanh(hₜ₋₁) + η⊙c'];
  return s;
}

/** @type {import('./layout.js').SceneModule} */
export default {
  build,
  values: ({ gate, prev, hid }) => ({ theta: gate(0), eta: gate(1), c: gate(2), tanhh: (t, j) => Math.tanh(prev(t) < 0 ? 0 : hid(prev(t), j)) }),
  timeline: ['theta', 'eta', 'c', 'h'],
  cellState: null,
  signedGates: [2],
  variant: () => 'cfn',
};
