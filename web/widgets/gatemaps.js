// @ts-check
/* gatemaps.js - inside the network: one heatmap (heatmap.js) per gate of the probe's trace, then
 * the cell state (cells that have one: LSTM's c, the CT-RNN's potential) and the hidden state.
 *
 *   const maps = createGateMaps(parent, tooltip);
 *   maps.build(gateNames, cell);         // a new run: its cell's gates
 *   maps.update(trace, symbols);         // the worker's flat layer-0 trace (T steps x H units)
 * Gates are drawn 0 -> 1; g, n, h and the states on the signed scale.
 */
import { createHeatmap } from './heatmap.js';
import { sceneOf } from './scenes/index.js';

const GATE_TITLES = /** @type {Record<string, string>} */ ({
  i: 'i  input gate', f: 'f  forget gate', g: 'g  cell input', o: 'o  output gate',
  r: 'r  reset gate', z: 'z  update gate', n: 'n  candidate', h: 'h  activation',
});
/** gate blocks that are not sigmoids: drawn on the signed scale */
const SIGNED = ['g', 'n', 'h'];

/** @param {HTMLElement} parent @param {HTMLElement} tooltip */
export function createGateMaps(parent, tooltip) {
  /** @type {{ name: string, view: ReturnType<typeof createHeatmap> }[]} */
  let maps = [];
  return {
    /** @param {readonly string[]} gateNames @param {string} cell */
    build(gateNames, cell) {
      for (const m of maps) m.view.remove();
      maps = gateNames.map((g) => ({
        name: g,
        view: createHeatmap(parent, { title: GATE_TITLES[g] ?? g, tooltip, range: SIGNED.includes(g) ? 'signed' : [0, 1] }),
      }));
      if (sceneOf(cell).cellState) {
        maps.push({ name: 'cell', view: createHeatmap(parent, { title: 'c  cell state', range: 'signed', tooltip }) });
      }
      maps.push({ name: 'hidden', view: createHeatmap(parent, { title: 'h  hidden state', range: 'signed', tooltip }) });
    },
    /** @param {any} trace @param {string[]} symbols */
    update(trace, symbols) {
      const { length: T, hiddenSize: H, gateNames } = trace;
      const G = gateNames.length * H;
      for (const { name, view } of maps) {
        let values;
        if (name === 'cell') values = trace.cell;
        else if (name === 'hidden') values = trace.hidden;
        else {
          const k = gateNames.indexOf(name);
          values = new Float32Array(T * H);
          for (let t = 0; t < T; t++) values.set(trace.gates.subarray(t * G + k * H, t * G + k * H + H), t * H);
        }
        view.update(values, T, H, symbols, trace.split);
      }
    },
  };
}
