// @ts-check
/* layout.js - what every cell scene of the cell diagram (celldiagram.js) shares: the logical
 * 700 x 366 coordinate frame's rows, the wire colours, the scene's types, and the input bus.
 *
 *   const s = newScene();                       // empty lists, filled by a scene's build(config)
 *   bus(s, [x1, x2], { hprevNode: true });      // x_t and h_{t-1} along the bottom, a tap per gate
 *
 * A scene module (lstm.js, gru.js, rnn.js, leaky.js) says where its cell's parts sit and how each
 * part's value is read from a trace; celldiagram.js draws any scene. The registry (index.js) maps
 * a cell name to its scene module. Nothing here draws or touches the DOM.
 */

/** rows of the frame: the input bus, the gate row, the highway (cell / hidden state); gate height */
export const BUS = 334, GY = 272, TOP = 64, GH = 40;
export const gTop = GY - GH / 2, gBot = GY + GH / 2;

/** peephole wires, FGR's gate recurrence, constants and fixed (untrained) parts */
export const PEEP = '#8e44ad', FGRC = '#d35400', CONST = '#7a828c';

/**
 * @typedef {{ id: string, x: number, y: number, w?: number, h?: number, label: string, act?: string,
 *   kind: 'gate' | 'signed' | 'neutral' | 'const' | 'junction' | 'io' | 'fixed',
 *   dashed?: boolean, value?: (t: number, j: number) => number, small?: string }} Node
 * @typedef {{ pts: number[][], color?: string, dashed?: boolean, arrow?: boolean, width?: number,
 *   label?: string, lx?: number, ly?: number, la?: CanvasTextAlign }} Wire
 * @typedef {{ nodes: Node[], wires: Wire[], dots: number[][], texts: { x: number, y: number, s: string,
 *   color?: string, align?: CanvasTextAlign, size?: number }[],
 *   gates: string[], constant: string[], derived: string[], peep: boolean, fgr: boolean,
 *   acts: string[], title: string, eq: string[] }} Scene
 * @typedef {{ cell?: string, variant?: string, resetAfter?: boolean, gruResetAfter?: boolean,
 *   activation?: string, alpha?: number, gRange?: readonly number[], hRange?: readonly number[],
 *   hiddenSize?: number, layers?: number, bidirectional?: boolean }} CellConfig
 * @typedef {(t: number, j: number) => number} Reader  a part's value at step t, unit j
 * @typedef {{ gate: (k: number) => Reader, cell: Reader, hid: Reader, prev: (t: number) => number }} Readers
 *   gate(k): gate block k's post-activation value; cell / hid: the cell (or CT-RNN potential) and
 *   hidden state, 0 outside the trace; prev(t): the step before t in the direction of the pass
 * @typedef {{
 *   build: (c: CellConfig) => Scene,
 *   values: (r: Readers, c: CellConfig) => Record<string, Reader>,
 *   timeline: readonly string[],
 *   cellState: string | null,
 *   signedGates: readonly number[],
 *   variant: (c: CellConfig) => string,
 * }} SceneModule
 *   build: where the parts sit; values: a reader per node id beyond the shared ones (c, cprev,
 *   h, hprev, x, xprev); timeline: the node ids of the timeline's rows, top to bottom;
 *   cellState: the legend's name for a separate cell state (null: only h); signedGates: gate
 *   blocks coloured on the signed scale (LSTM's g); variant: the root's data-variant
 */

/** @returns {Scene} */
export function newScene() {
  return { nodes: [], wires: [], dots: [], texts: [], gates: [], constant: [], derived: [], peep: false,
    fgr: false, acts: [], title: '', eq: [] };
}

/** The activation's symbol in a node: σ for the sigmoid. @param {string} act */
export const actSymbol = (act) => (act === 'sigmoid' ? 'σ' : act);

/**
 * The bus at the bottom: x_t and h_{t-1} feed every consumer at the given x positions.
 * @param {Scene} s @param {number[]} taps @param {{ hprevNode?: boolean }} [o] hprevNode: an
 *   h_{t-1} node on the left (cells whose h_{t-1} is not on the highway)
 */
export function bus(s, taps, o = {}) {
  const right = Math.max(...taps);
  s.nodes.push({ id: 'xin', x: 52, y: BUS, w: 56, h: 28, label: 'x_t'.replace('_t', 'ₜ'), kind: 'io' });
  if (o.hprevNode) s.nodes.push({ id: 'hprev', x: 52, y: 196, w: 66, h: 40, label: 'hₜ₋₁', kind: 'signed' });
  s.wires.push({ pts: [[80, BUS], [right, BUS]], arrow: false, width: 2.2 });
  s.wires.push({ pts: [[52, o.hprevNode ? 216 : TOP + 20], [52, 296], [108, 296], [108, BUS]], arrow: false, width: 1.6 });
  s.dots.push([108, BUS]);
  for (const x of taps) { s.wires.push({ pts: [[x, BUS], [x, gBot + 1]] }); s.dots.push([x, BUS]); }
  s.texts.push({ x: 120, y: BUS + 14, s: '[xₜ, hₜ₋₁]  →  W x + U h + b  per gate' });
}
