// @ts-check
/* state.js - the playground's configuration, as one typed table, and its URL-hash form.
 *
 * Owns: PROPS (every key, its type, range and default), PRESETS (per task, settings that learn
 * quickly), parse(hash) and serialize(state). Pure functions, no DOM: tests/state.test.mjs runs
 * them in Node. A link with the hash reproduces a run: config plus seed.
 */

export const TASK_NAMES = ['parity', 'addition', 'text', 'reber', 'adding', 'temporal-order'];
export const CELLS = ['lstm', 'gru', 'rnn', 'ctrnn', 'esn'];
export const LSTM_VARIANTS = ['standard', 'vanilla', '1997', 'NIG', 'NFG', 'NOG', 'NIAF', 'NOAF', 'NP', 'CIFG', 'FGR'];
export const GRU_FORMS = ['pytorch', 'cho'];
export const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad'];

/**
 * @typedef {{ name: string, type: 'enum', values: string[], default: string }
 *   | { name: string, type: 'int' | 'number', min: number, max: number, default: number }} Prop
 * @typedef {{ task: string, cell: string, variant: string, gru: string, hidden: number, layers: number,
 *   optimizer: string, lr: number, batch: number, seed: number }} State
 */

/** @type {Prop[]} */
export const PROPS = [
  { name: 'task', type: 'enum', values: TASK_NAMES, default: 'parity' },
  { name: 'cell', type: 'enum', values: CELLS, default: 'lstm' },
  { name: 'variant', type: 'enum', values: LSTM_VARIANTS, default: 'standard' },
  { name: 'gru', type: 'enum', values: GRU_FORMS, default: 'pytorch' },
  { name: 'hidden', type: 'int', min: 1, max: 256, default: 16 },
  { name: 'layers', type: 'int', min: 1, max: 4, default: 1 },
  { name: 'optimizer', type: 'enum', values: OPTIMIZERS, default: 'adam' },
  { name: 'lr', type: 'number', min: 1e-5, max: 1, default: 0.01 },
  { name: 'batch', type: 'int', min: 1, max: 256, default: 32 },
  { name: 'seed', type: 'int', min: 0, max: 2 ** 31 - 1, default: 1 },
];

/** Settings per task (from lab.recipes) applied when the task is picked; the default preset is parity's. */
export const PRESETS = /** @type {Record<string, Partial<State>>} */ ({
  parity: { cell: 'lstm', variant: 'standard', hidden: 16, layers: 1, optimizer: 'adam', lr: 0.01, batch: 32 },
  addition: { cell: 'lstm', variant: 'standard', hidden: 16, layers: 1, optimizer: 'adam', lr: 0.01, batch: 32 },
  text: { cell: 'lstm', variant: 'standard', hidden: 128, layers: 1, optimizer: 'adam', lr: 0.005, batch: 32 },
  reber: { cell: 'lstm', variant: 'standard', hidden: 16, layers: 1, optimizer: 'adam', lr: 0.02, batch: 2 },
  adding: { cell: 'lstm', variant: 'standard', hidden: 16, layers: 1, optimizer: 'adam', lr: 0.005, batch: 32 },
  'temporal-order': { cell: 'lstm', variant: 'standard', hidden: 16, layers: 1, optimizer: 'adam', lr: 0.005, batch: 32 },
});

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
 * The hash (without '#') of a state, every key in PROPS order: parse(serialize(s)) equals s for
 * every valid s. Numbers are written in their shortest round-trip form.
 * @param {State} state
 * @returns {string}
 */
export function serialize(state) {
  const st = /** @type {Record<string, any>} */ (state);
  return PROPS.map((p) => `${p.name}=${encodeURIComponent(String(st[p.name] ?? p.default))}`).join('&');
}
