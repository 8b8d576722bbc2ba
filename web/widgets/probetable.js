// @ts-check
/* probetable.js - the probe, step by step: a table of its input symbols and, for class-target
 * tasks, the targets and the model's predictions marked right / wrong (the last MAX_COLUMNS
 * steps when the probe is longer).
 *
 *   const table = createProbeTable(tbody, desc);
 *   table.update(probe, trace);   // probe: the worker's probe info; trace: the snapshot's
 */

const MAX_COLUMNS = 56;

/** how a symbol reads in one cell: newline and space made visible, long values cut */
const cellText = (/** @type {string} */ v) => (v === '\n' ? '⏎' : v === ' ' ? '·' : v.length > 6 ? `${v.slice(0, 5)}…` : v);

/** @param {HTMLTableSectionElement} body @param {HTMLElement} desc */
export function createProbeTable(body, desc) {
  return {
    /** @param {any} p the probe info ({ symbols, targets }) @param {any} trace the snapshot's trace ({ predicted }) */
    update(p, trace) {
      const T = p?.symbols.length ?? 0;
      const first = Math.max(0, T - MAX_COLUMNS);
      desc.textContent = first ? `(steps ${first}..${T - 1} of ${T})` : '';
      /** @type {[string, string[], ((t: number) => string) | null][]} */
      const rows = [['input', p?.symbols ?? [], null]];
      if (p?.targets && trace.predicted) {
        const shown = trace.predicted.map((/** @type {string} */ v, /** @type {number} */ t) => (p.targets[t] ? v : ''));
        rows.push(['target', p.targets, null]);
        rows.push(['model', shown, (t) => (!p.targets[t] ? '' : trace.predicted[t] === p.targets[t] ? 'right' : 'wrong')]);
      }
      body.replaceChildren(...rows.map(([name, vals, cls]) => {
        const tr = document.createElement('tr');
        const th = document.createElement('th');
        th.textContent = name;
        tr.append(th);
        for (let t = first; t < T; t++) {
          const td = document.createElement('td');
          td.textContent = cellText(vals[t] ?? '');
          if (cls) td.className = cls(t);
          tr.append(td);
        }
        return tr;
      }));
    },
  };
}
