// @ts-check
/* lstm.js - the LSTM's scene in the cell diagram, every variant of Greff et al. 2017 plus 1997's.
 *
 * The variant decides the drawing, from names.mjs's LSTM_PARTS (the JS twin of core's variant
 * table): a missing gate (NIG, NFG, NOG, 1997's f) is a dashed constant-1 box; CIFG's f is a dashed
 * "1 - i" node fed by i; peepholes (vanilla and its ablations except NP) are violet c -> i, f, o
 * wires; FGR adds the orange R [i f o]_{t-1} loop; NIAF/NOAF draw the missing squashing function
 * as a dashed "id" node; 1997 draws the scaled sigmoids with their ranges. The cell state runs
 * along the top, h_t leaves on the right.
 */
import { lstmParts } from '../../names.mjs';
import { BUS, CONST, FGRC, GH, GY, PEEP, TOP, bus, gBot, gTop, newScene } from './layout.js';

/** the subtitle's note per variant */
const NOTES = /** @type {Record<string, string>} */ ({ standard: ' (PyTorch)', vanilla: ' (peepholes)',
  '1997': ' (no forget gate)', NIG: ' (no input gate)', NFG: ' (no forget gate)', NOG: ' (no output gate)',
  NIAF: ' (no input activation)', NOAF: ' (no output activation)', NP: ' (no peepholes)',
  CIFG: ' (coupled input-forget)', FGR: ' (full gate recurrence)' });

/** @param {import('./layout.js').CellConfig} c */
function build(c) {
  const s = newScene();
  const v = c.variant ?? 'standard';
  const p = lstmParts(v);
  s.peep = p.peep; s.fgr = p.fgr;
  const gr = c.gRange ?? [-2, 2], hr = c.hRange ?? [-1, 1];
  const gActLabel = p.gAct === 'tanh' ? 'tanh' : p.gAct === 'id' ? 'id' : `σ[${gr[0]},${gr[1]}]`;
  const hActLabel = p.hAct === 'tanh' ? 'tanh' : p.hAct === 'id' ? 'id' : `σ[${hr[0]},${hr[1]}]`;
  s.acts = [`g:${p.gAct}`, `h:${p.hAct}`];
  s.title = `LSTM · ${v}${NOTES[v] ?? ''}`;
  const X = { f: 190, i: 290, g: 396, o: 486, fx: 190, plus: 343, hs: 560, hx: 560, cprev: 52, cout: 650 };
  // highway
  s.nodes.push({ id: 'cprev', x: X.cprev, y: TOP, w: 66, h: 40, label: 'cₜ₋₁', kind: 'signed' });
  s.nodes.push({ id: 'c', x: X.cout, y: TOP, w: 66, h: 40, label: 'cₜ', kind: 'signed' });
  s.wires.push({ pts: [[X.cprev + 33, TOP], [X.fx - 13, TOP]], width: 3 });
  s.wires.push({ pts: [[X.fx + 13, TOP], [X.plus - 13, TOP]], width: 3 });
  s.wires.push({ pts: [[X.plus + 13, TOP], [X.cout - 33, TOP]], width: 3 });
  s.texts.push({ x: 250, y: TOP - 14, s: 'cell state', align: 'center' });
  s.nodes.push({ id: 'fx', x: X.fx, y: TOP, label: '×', kind: 'junction' });
  s.nodes.push({ id: 'plus', x: X.plus, y: TOP, label: '+', kind: 'junction' });
  // output path: c_t -> Hs -> x o -> h_t
  s.dots.push([X.hs, TOP]);
  s.wires.push({ pts: [[X.hs, TOP], [X.hs, 126]] });
  const hsDashed = p.hAct === 'id';
  s.nodes.push({ id: 'hs', x: X.hs, y: 146, w: 76, h: 40, label: hsDashed ? 'id' : p.hAct === 'ssig' ? 'h(c)' : 'tanh',
    act: hsDashed ? 'no act.' : p.hAct === 'ssig' ? hActLabel : '', kind: 'signed', dashed: hsDashed });
  s.wires.push({ pts: [[X.hs, 166], [X.hs, 206]] });
  s.nodes.push({ id: 'hx', x: X.hx, y: 219, label: '×', kind: 'junction' });
  s.nodes.push({ id: 'h', x: X.cout, y: 219, w: 66, h: 40, label: 'hₜ', kind: 'signed' });
  s.wires.push({ pts: [[X.hx + 13, 219], [X.cout - 33, 219]] });
  s.wires.push({ pts: [[X.cout, 239], [X.cout, BUS - 28]], dashed: true, label: 'to t+1, readout', lx: X.cout, ly: BUS - 18, la: 'center' });
  // i x g
  s.nodes.push({ id: 'ix', x: X.plus, y: 172, label: '×', kind: 'junction' });
  s.wires.push({ pts: [[X.plus, 159], [X.plus, TOP + 13]] });
  /** @type {number[]} */
  const taps = [];
  /** a gate node or, when missing, a dashed constant 1 */
  const gateNode = (/** @type {string} */ id, /** @type {number} */ x, /** @type {boolean} */ has, /** @type {string} */ actLabel, /** @type {'gate'|'signed'} */ k) => {
    if (has) {
      s.nodes.push({ id, x, y: GY, w: actLabel.length > 5 ? 80 : 62, h: GH, label: id, act: actLabel, kind: k, dashed: actLabel === 'id' });
      s.gates.push(id); taps.push(x);
    } else {
      s.nodes.push({ id: `${id}1`, x, y: GY, w: 46, h: 30, label: `${id} = 1`, kind: 'const', dashed: true });
      s.constant.push(id);
    }
  };
  gateNode('i', X.i, p.inGate, 'σ', 'gate');
  if (p.cifg) {
    s.nodes.push({ id: 'f', x: X.f, y: GY, w: 62, h: GH, label: 'f', act: '1−i', kind: 'gate', dashed: true });
    s.derived.push('f');
    s.wires.push({ pts: [[X.i - 31, GY], [X.f + 32, GY]], dashed: true, color: CONST });
  } else gateNode('f', X.f, p.forgetGate, 'σ', 'gate');
  gateNode('g', X.g, true, p.gAct === 'id' ? 'id' : gActLabel, 'signed');
  gateNode('o', X.o, p.outGate, 'σ', 'gate');
  const fOK = p.forgetGate || p.cifg, iOK = p.inGate, oOK = p.outGate;
  for (const n of s.nodes) { // a junction multiplying by a constant 1 is drawn dashed
    if ((n.id === 'fx' && !fOK) || (n.id === 'ix' && !iOK) || (n.id === 'hx' && !oOK)) n.dashed = true;
  }
  // gate outputs up to their junctions
  s.wires.push({ pts: [[X.f, fOK ? gTop : GY - 15], [X.f, TOP + 13]], dashed: !fOK || p.cifg, color: fOK ? undefined : CONST });
  s.wires.push({ pts: [[X.i, iOK ? gTop : GY - 15], [X.i, 172], [X.plus - 13, 172]], dashed: !iOK, color: iOK ? undefined : CONST });
  s.wires.push({ pts: [[X.g, gTop], [X.g, 172], [X.plus + 13, 172]] });
  s.wires.push({ pts: [[X.o, oOK ? gTop : GY - 15], [X.o, 219], [X.hx - 13, 219]], dashed: !oOK, color: oOK ? undefined : CONST });
  if (p.peep) {
    const ry = 232;
    const peepIn = [];
    if (iOK) peepIn.push(X.i - 20);
    if (p.forgetGate && !p.cifg) peepIn.push(X.f - 20);
    if (peepIn.length) {
      s.dots.push([118, TOP]);
      s.wires.push({ pts: [[118, TOP], [118, ry], [Math.max(...peepIn), ry]], color: PEEP, arrow: false, width: 1.3,
        label: 'cₜ₋₁', lx: 122, ly: 150 });
      for (const x of peepIn) s.wires.push({ pts: [[x, ry], [x, gTop]], color: PEEP, width: 1.3 });
    }
    if (oOK) {
      s.dots.push([610, TOP]);
      s.wires.push({ pts: [[610, TOP], [610, 100], [X.o + 20, 100], [X.o + 20, gTop]], color: PEEP, width: 1.3,
        label: 'cₜ', lx: 592, ly: 92 });
    }
    s.texts.push({ x: 122, y: 223, s: 'peepholes', color: PEEP, size: 10.5 });
  }
  if (p.fgr) {
    const fy = 305;
    const fx = [X.f, X.i, X.o];
    s.wires.push({ pts: [[X.f - 14, gBot], [X.f - 14, fy], [X.o + 14, fy], [X.o + 14, gBot]], color: FGRC, dashed: true, width: 1.4 });
    s.wires.push({ pts: [[X.i + 14, fy], [X.i + 14, gBot]], color: FGRC, dashed: true, width: 1.4 });
    s.wires.push({ pts: [[X.f - 14, fy], [X.f - 14, gBot]], color: FGRC, dashed: true, width: 1.4, arrow: true });
    s.texts.push({ x: (fx[1] + fx[2]) / 2 + 8, y: fy + 9, s: 'R · [i f o]ₜ₋₁', color: FGRC, size: 10.5, align: 'center' });
  }
  bus(s, taps, { hprevNode: true });
  // equations, following core/cells/lstm.c
  const I = iOK ? 'i' : '1', F = p.cifg ? '(1−i)' : fOK ? 'f' : '1', O = oOK ? 'o' : '1';
  const peepTerm = (/** @type {string} */ cc) => (p.peep ? ` + p⊙${cc}` : '');
  const rTerm = p.fgr ? ' + R[i f o]ₜ₋₁' : '';
  const eq = [];
  if (iOK) eq.push(`i = σ(Wᵢx + Uᵢh${peepTerm('cₜ₋₁')}${rTerm} + b)`);
  if (p.forgetGate && !p.cifg) eq.push(`f = σ(W_f x + U_f h${peepTerm('cₜ₋₁')}${rTerm} + b)`);
  if (p.cifg) eq.push('f = 1 − i');
  eq.push(`g = ${p.gAct === 'tanh' ? 'tanh' : p.gAct === 'id' ? '' : gActLabel}(W_g x + U_g h + b)`);
  if (oOK) eq.push(`o = σ(W_o x + U_o h${peepTerm('cₜ')}${rTerm} + b)`);
  eq.push(`cₜ = ${F === '1' ? '' : `${F}⊙`}cₜ₋₁ + ${I === '1' ? '' : 'i⊙'}g`);
  eq.push(`hₜ = ${O === '1' ? '' : 'o⊙'}${p.hAct === 'tanh' ? 'tanh(cₜ)' : p.hAct === 'id' ? 'cₜ' : `${hActLabel}(cₜ)`}`);
  s.eq = eq;
  return s;
}

/** @type {import('./layout.js').SceneModule} */
export default {
  build,
  values: ({ gate, cell }, c) => {
    const hAct = lstmParts(c.variant).hAct, hr = c.hRange ?? [-1, 1];
    return {
      i: gate(0), f: gate(1), g: gate(2), o: gate(3),
      // the squashed cell state, as the output gate sees it
      hs: hAct === 'id' ? cell : hAct === 'ssig'
        ? (t, j) => hr[0] + (hr[1] - hr[0]) / (1 + Math.exp(-cell(t, j))) : (t, j) => Math.tanh(cell(t, j)),
    };
  },
  timeline: ['i', 'f', 'g', 'o', 'c', 'h'],
  cellState: 'cell c',
  signedGates: [2],
  variant: (c) => c.variant ?? 'standard',
};
