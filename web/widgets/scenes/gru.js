// @ts-check
/* gru.js - the GRU's scene in the cell diagram, in both forms: PyTorch's reset-after (r multiplies
 * U_n h + b_hn) and Cho et al. 2014's reset-before (U_n multiplies r * h). The hidden state runs
 * along the top; z mixes it with the candidate n through 1 - z.
 */
import { BUS, GH, GY, TOP, bus, gTop, newScene } from './layout.js';

/** PyTorch's form unless the config says otherwise @param {import('./layout.js').CellConfig} c */
const resetAfter = (c) => c.resetAfter ?? c.gruResetAfter ?? true;

/** @param {import('./layout.js').CellConfig} c */
function build(c) {
  const s = newScene();
  const after = resetAfter(c);
  s.title = `GRU · reset ${after ? 'after (PyTorch)' : 'before (Cho et al. 2014)'}`;
  s.gates = ['r', 'z', 'n'];
  s.acts = [`reset:${after ? 'after' : 'before'}`];
  const X = { r: 170, z: 290, n: 560, zx: 290, plus: 560, omz: 420, nx: 560, a: 400, b: 482 };
  s.nodes.push({ id: 'hprev', x: 52, y: TOP, w: 66, h: 40, label: 'hₜ₋₁', kind: 'signed' });
  s.nodes.push({ id: 'h', x: 650, y: TOP, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
  s.wires.push({ pts: [[85, TOP], [X.zx - 13, TOP]], width: 3 });
  s.wires.push({ pts: [[X.zx + 13, TOP], [X.plus - 13, TOP]], width: 3 });
  s.wires.push({ pts: [[X.plus + 13, TOP], [617, TOP]], width: 3 });
  s.texts.push({ x: 190, y: TOP - 14, s: 'hidden state', align: 'center' });
  s.nodes.push({ id: 'zx', x: X.zx, y: TOP, label: '×', kind: 'junction' });
  s.nodes.push({ id: 'plus', x: X.plus, y: TOP, label: '+', kind: 'junction' });
  // z: up to z x h, and through 1 - z to (1 - z) x n
  s.wires.push({ pts: [[X.z, gTop], [X.z, TOP + 13]] });
  s.dots.push([X.z, 150]);
  s.wires.push({ pts: [[X.z, 150], [X.omz - 28, 150]] });
  s.nodes.push({ id: 'omz', x: X.omz, y: 150, w: 56, h: 30, label: '1 − z', kind: 'gate' });
  s.wires.push({ pts: [[X.omz + 28, 150], [X.nx - 13, 150]] });
  s.nodes.push({ id: 'nx', x: X.nx, y: 150, label: '×', kind: 'junction' });
  s.wires.push({ pts: [[X.nx, 137], [X.plus, TOP + 13]] });
  s.wires.push({ pts: [[X.n, gTop], [X.n, 163]] });
  for (const [id, x, a, k] of /** @type {[string, number, string, 'gate'|'signed'][]} */ ([['r', X.r, 'σ', 'gate'], ['z', X.z, 'σ', 'gate'], ['n', X.n, 'tanh', 'signed']])) {
    s.nodes.push({ id, x, y: GY, w: 62, h: GH, label: id, act: a, kind: k });
  }
  // the reset chain into n: after = r x (U_n h + b_hn); before = U_n (r x h)
  const A = { x: X.a, y: GY }, B = { x: X.b, y: GY };
  if (after) {
    s.nodes.push({ id: 'un', x: A.x, y: A.y, w: 74, h: 30, label: 'U_n h + b', kind: 'neutral' });
    s.nodes.push({ id: 'rx', x: B.x, y: B.y, label: '×', kind: 'junction' });
    s.texts.push({ x: B.x - 6, y: 236, s: 'r ⊙ (U_n h + b_hn)', align: 'right', size: 10.5 });
    s.wires.push({ pts: [[A.x + 37, GY], [B.x - 13, GY]] });
    s.wires.push({ pts: [[B.x + 13, GY], [X.n - 31, GY]] });
    s.wires.push({ pts: [[X.r, gTop], [X.r, 212], [B.x, 212], [B.x, GY - 13]] });
  } else {
    s.nodes.push({ id: 'rx', x: A.x, y: A.y, label: '×', kind: 'junction' });
    s.texts.push({ x: A.x - 6, y: 236, s: 'r ⊙ hₜ₋₁', align: 'right', size: 10.5 });
    s.nodes.push({ id: 'un', x: B.x, y: B.y, w: 46, h: 30, label: 'U_n ·', kind: 'neutral' });
    s.wires.push({ pts: [[A.x + 13, GY], [B.x - 23, GY]] });
    s.wires.push({ pts: [[B.x + 23, GY], [X.n - 31, GY]] });
    s.wires.push({ pts: [[X.r, gTop], [X.r, 212], [A.x, 212], [A.x, GY - 13]] });
  }
  s.wires.push({ pts: [[A.x, BUS], [A.x, after ? GY + 15 : GY + 13]] });
  s.dots.push([A.x, BUS]);
  s.texts.push({ x: A.x + 5, y: 310, s: 'h', size: 10 });
  bus(s, [X.r, X.z, X.n]);
  s.eq = ['r = σ(W_r x + U_r h + b)', 'z = σ(W_z x + U_z h + b)',
    after ? 'n = tanh(W_n x + b + r⊙(U_n h + b_hn))' : 'n = tanh(W_n x + U_n(r⊙h) + b)',
    'hₜ = (1 − z)⊙n + z⊙hₜ₋₁'];
  return s;
}

/** @type {import('./layout.js').SceneModule} */
export default {
  build,
  values: ({ gate }) => ({ r: gate(0), z: gate(1), n: gate(2), omz: (t, j) => 1 - gate(1)(t, j) }),
  timeline: ['r', 'z', 'n', 'h'],
  cellState: null,
  signedGates: [],
  variant: (c) => (resetAfter(c) ? 'reset-after' : 'reset-before'),
};
