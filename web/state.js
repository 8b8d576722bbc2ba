// @ts-check
/* state.js - the playground's configuration, as one typed table, and its URL-hash form.
 *
 * Owns: PROPS (every key, its type, range and default), parse(hash) and serialize(state). The
 * names come from names.mjs (the menus keep the page's order), PRESETS (per task, settings that
 * learn quickly) from the families (families/index.js). Pure functions, no DOM:
 * tests/state.test.mjs runs them in Node (from dist/, where names.mjs sits next to this file).
 * A link with the hash reproduces a run: config plus seed.
 *
 * Also owns the runs kept for comparison (createReferences): an earlier run's curves, named,
 * kept on the page across every change of settings until removed. Not in the hash (a link
 * carries a config, not curves), and not in the worker (it forgets a run when the next starts).
 */
import { CELLS, DEFAULT_TRAINER, GRU_FORMS, LSTM_VARIANTS, OPTIMIZERS, gateNamesOf } from './names.mjs';
import { PRESETS, TASK_MENU, familyOf } from './families/index.js';

export { PRESETS };

/** the task menu: names.mjs TASK_KINDS, in its order, then the energy-based nets' modes
 * (families/index.js TASK_MENU) */
export const TASK_NAMES = TASK_MENU;
/** text: the built-in corpora, or 'own' (text pasted or loaded from a file; not in the hash) */
export const CORPORA = ['grammar', 'c', 'own'];
/** csv ("your own data"): the two example files (web/examples/), or 'own' (pasted, dropped or
 * loaded from a file: not in the hash, a link cannot carry it) */
export const DATASETS = ['sine-phase', 'two-class', 'own'];
/** the cell menu: the gated cells first, most gates first (lstm, gru), then the rest in
 * names.mjs CELLS order (rnn, ctrnn, esn) */
export const CELL_MENU = Object.freeze([...CELLS].sort((a, b) => gateNamesOf(b).length - gateNamesOf(a).length));
/** the optimizer menu: the default trainer's first (adam), then names.mjs OPTIMIZERS order */
export const OPTIMIZER_MENU = Object.freeze([DEFAULT_TRAINER.optimizer, ...OPTIMIZERS.filter((o) => o !== DEFAULT_TRAINER.optimizer),
  // a reservoir's readout in closed form (lab.createLearner({ optimizer: 'ridge' }); the dynamics
  // family offers it for esn and lsm cells, controls.js hides it elsewhere)
  'ridge']);
/** an encoder-decoder's attention (lab.createSeq2Seq's attention): none (the encoder's final
 * state only), additive (Bahdanau), dot and general (Luong) */
export const ATTENTION_MENU = Object.freeze(['none', 'additive', 'dot', 'general']);
/** the energy-based nets (families/energy.js): a Hopfield net's storage rule and its update
 * order, an RBM's training (contrastive divergence CD-k, or persistent CD) and its data */
export const HOPFIELD_RULES = Object.freeze(['hebb', 'storkey']);
export const HOPFIELD_UPDATES = Object.freeze(['async', 'sync']);
export const RBM_METHODS = Object.freeze(['cd', 'pcd']);
export const RBM_DATA = Object.freeze(['bars-3x3', 'bars-4x4', 'digits']);
/** the Ising lattice's single-spin samplers */
export const ISING_SAMPLERS = Object.freeze(['metropolis', 'heatbath']);

/**
 * @typedef {{ name: string, type: 'enum', values: readonly string[], default: string, optional?: boolean }
 *   | { name: string, type: 'int' | 'number', min: number, max: number, default: number, optional?: boolean }} Prop
 *   optional: written in the hash only when it is not the default (keys added after the first
 *   links were shared: those links, and the hash of a run that leaves them alone, stay as they were)
 * @typedef {{ task: string, cell: string, variant: string, gru: string, hidden: number, layers: number,
 *   bidir: string, optimizer: string, lr: number, clip: number, batch: number, bptt: number, seed: number,
 *   corpus: string, temp: number, beam: number, data: string, attention: string, length: number,
 *   rule: string, update: string, temperature: number, method: string, k: number, patterns: string,
 *   lattice: number, sampler: string }} State
 */

/** @type {Prop[]} */
export const PROPS = [
  { name: 'task', type: 'enum', values: TASK_NAMES, default: 'parity' },
  { name: 'cell', type: 'enum', values: CELL_MENU, default: 'lstm' },
  { name: 'variant', type: 'enum', values: LSTM_VARIANTS, default: 'standard' },
  { name: 'gru', type: 'enum', values: GRU_FORMS, default: 'pytorch' },
  { name: 'hidden', type: 'int', min: 1, max: 256, default: 16 },
  { name: 'layers', type: 'int', min: 1, max: 4, default: 1 },
  { name: 'bidir', type: 'enum', values: ['no', 'yes'], default: 'no' },
  { name: 'optimizer', type: 'enum', values: OPTIMIZER_MENU, default: DEFAULT_TRAINER.optimizer },
  { name: 'lr', type: 'number', min: 1e-5, max: 1, default: 0.01 },
  // global gradient-norm clipping; 0 = off
  { name: 'clip', type: 'number', min: 0, max: 1000, default: 1 },
  { name: 'batch', type: 'int', min: 1, max: 256, default: 32 },
  // truncated BPTT chunk (steps); 0 = full BPTT. text: the length of a training chunk instead
  { name: 'bptt', type: 'int', min: 0, max: 1000, default: 0 },
  { name: 'seed', type: 'int', min: 0, max: 2 ** 31 - 1, default: 1 },
  { name: 'corpus', type: 'enum', values: CORPORA, default: 'grammar' },
  // text samples: temperature of the sampled column, width K of the beam column
  { name: 'temp', type: 'number', min: 0, max: 2, default: 0.8 },
  { name: 'beam', type: 'int', min: 1, max: 16, default: 4 },
  // task csv: which data set (an example file, or the user's own)
  { name: 'data', type: 'enum', values: DATASETS, default: 'sine-phase' },
  // encoder-decoders: the decoder's attention over the encoder's outputs
  { name: 'attention', type: 'enum', values: ATTENTION_MENU, default: 'none', optional: true },
  // encoder-decoders: the longest training source (copy, reverse; decimal-addition: digits of an
  // operand), also the held-out length; 0 = the task row's
  { name: 'length', type: 'int', min: 0, max: 30, default: 0, optional: true },
  // the energy-based nets (families/energy.js). Hopfield: the storage rule and the update order
  { name: 'rule', type: 'enum', values: HOPFIELD_RULES, default: 'hebb', optional: true },
  { name: 'update', type: 'enum', values: HOPFIELD_UPDATES, default: 'async', optional: true },
  // Hopfield recall's temperature (0: deterministic; Glauber updates above), the Ising lattice's
  // (in units of J/k_B; Onsager's T_c = 2.269)
  { name: 'temperature', type: 'number', min: 0, max: 5, default: 0, optional: true },
  // RBM: CD-k or persistent CD, its k Gibbs steps, the data set
  { name: 'method', type: 'enum', values: RBM_METHODS, default: 'cd', optional: true },
  { name: 'k', type: 'int', min: 1, max: 100, default: 1, optional: true },
  { name: 'patterns', type: 'enum', values: RBM_DATA, default: 'bars-3x3', optional: true },
  // Ising: the lattice's side (side x side spins, periodic)
  { name: 'lattice', type: 'int', min: 4, max: 256, default: 64, optional: true },
  // Ising: Metropolis or heat bath (Glauber) single-spin updates
  { name: 'sampler', type: 'enum', values: ISING_SAMPLERS, default: 'metropolis', optional: true },
];

/** @returns {State} every key at its default */
export function defaults() {
  /** @type {Record<string, any>} */
  const s = {};
  for (const p of PROPS) s[p.name] = p.default;
  return /** @type {State} */ (s);
}

/**
 * One value from its hash text, or undefined when it is not valid for the prop.
 * @param {Prop} p @param {string} text
 */
function parseValue(p, text) {
  if (p.type === 'enum') return p.values.includes(text) ? text : undefined;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < p.min || v > p.max) return undefined;
  if (p.type === 'int' && !Number.isInteger(v)) return undefined;
  return v;
}

/**
 * The state a URL hash describes: defaults, overridden by every valid key=value in it.
 * Unknown keys and invalid values are ignored. A leading '#' is optional.
 * @param {string} hash
 * @returns {State}
 */
export function parse(hash) {
  /** @type {Record<string, any>} */
  const s = defaults();
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const p of PROPS) {
    const text = params.get(p.name);
    if (text === null) continue;
    const v = parseValue(p, text);
    if (v !== undefined) s[p.name] = v;
  }
  return /** @type {State} */ (s);
}

/**
 * The hash (without '#') of a state, every key in PROPS order (an optional one only when it is
 * not its default): parse(serialize(s)) equals s for every valid s. Numbers are written in their
 * shortest round-trip form.
 * @param {State} state
 * @returns {string}
 */
export function serialize(state) {
  const st = /** @type {Record<string, any>} */ (state);
  return PROPS.filter((p) => !p.optional || (st[p.name] ?? p.default) !== p.default)
    .map((p) => `${p.name}=${encodeURIComponent(String(st[p.name] ?? p.default))}`).join('&');
}

// ---- compare runs: references -----------------------------------------------------------------

/** what a default reference name mentions when it differs from the task's preset */
const DESCRIBED = ['optimizer', 'lr', 'clip', 'batch', 'bptt', 'length', 'seed'];

/**
 * A short name for the run a state configures, for the legend: the cell and its size, what the
 * task's family adds (encoder-decoders: the attention), then whatever differs from the task's
 * preset, e.g. "LSTM H32 attention=none", "GRU H16 clip=0".
 * @param {State} state
 */
export function describeRun(state) {
  const preset = /** @type {Record<string, any>} */ ({ ...defaults(), ...PRESETS[state.task] });
  const st = /** @type {Record<string, any>} */ (state);
  const words = [state.cell.toUpperCase(), `H${state.hidden}`];
  if (state.layers > 1) words.push(`L${state.layers}`);
  if (state.cell === 'lstm' && state.variant !== 'standard') words.push(state.variant);
  if (state.cell === 'gru' && state.gru !== preset.gru) words.push(`gru=${state.gru}`);
  if (state.bidir === 'yes') words.push('bidirectional');
  words.push(...(familyOf(state.task).describe?.(state) ?? []));
  for (const k of DESCRIBED) if (st[k] !== preset[k]) words.push(`${k}=${st[k]}`);
  return words.join(' ');
}

/** how many references the page keeps (the oldest goes when one more is kept) */
export const MAX_REFERENCES = 3;

/**
 * @typedef {{ xs: number[], ys: number[] }} Curve  [x, y] points of one chart series
 * @typedef {{ name: string, task: string, step: number, loss: Curve, metric: Curve & { kind: string },
 *   curve: Curve | null }} Kept
 *   what the page keeps of a run: its name, task and step, the training loss, the held-out metric
 *   (and its kind: it is drawn only on a chart of that kind) and the accuracy against the test
 *   length (null when its family draws none)
 * @typedef {Readonly<Kept & { id: number, slot: number }>} Reference
 *   slot: 0 .. MAX_REFERENCES-1, its colour and dash, kept while it lives
 */

/**
 * The runs kept for comparison, oldest first: at most max; keeping one more drops the oldest.
 * A name already kept gets a number ("GRU H64 (2)").
 * @param {number} [max]
 */
export function createReferences(max = MAX_REFERENCES) {
  /** @type {Reference[]} */
  let list = [];
  let next = 1;
  return {
    /** @returns {readonly Reference[]} */
    get list() { return list; },
    /** @param {Kept} kept @returns {Reference} */
    keep(kept) {
      if (list.length >= max) list = list.slice(list.length - max + 1);
      const used = new Set(list.map((r) => r.slot));
      let slot = 0;
      while (used.has(slot)) slot++;
      let name = kept.name;
      for (let n = 2; list.some((r) => r.name === name); n++) name = `${kept.name} (${n})`;
      const ref = Object.freeze({ ...kept, name, id: next++, slot });
      list = [...list, ref];
      return ref;
    },
    /** @param {number} id */
    remove(id) { list = list.filter((r) => r.id !== id); },
    clear() { list = []; },
  };
}
