// @ts-check
/* datapanel.js - "your own data" (task csv): paste, load or drop a CSV / JSON file of numeric
 * sequences, pick the input and target columns, see what was read, then train on it.
 *
 *   const panel = createDataPanel(container, { onApply(choice) { ... } });
 *   panel.read(text, 'file.csv');   // parse and show the columns (an error shows in the alert box)
 *   panel.error(message);           // show a message in the alert box
 * onApply gets { data, heldOut, name, options }: data is parseSequences' Dataset, already checked.
 *
 * Owns: the panel's DOM (textarea, file picker, drop highlight, column choices, summary, alert),
 * parsing on the main thread with wasm/csv.mjs (so a bad file is refused before the current run
 * is touched: nothing is sent to the worker until the data parses). The page-wide drop target
 * (dragging a file anywhere over the page) is wired here too.
 * Does not: train, keep the URL hash (main.js), or know about the worker.
 */
import { parseSequences, LIMITS } from '../csv.mjs';

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');

/**
 * @typedef {{ data: any, heldOut: number, name: string, options: Record<string, any> }} Choice
 * @param {HTMLElement} root
 * @param {{ onApply: (c: Choice) => void }} opts
 */
export function createDataPanel(root, opts) {
  root.classList.add('datapanel');
  const el = (/** @type {string} */ tag, /** @type {Record<string, any>} */ props = {}, /** @type {(Node | string)[]} */ kids = []) => {
    const e = document.createElement(tag);
    Object.assign(e, props);
    e.append(...kids);
    return e;
  };
  const text = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: 'csv-text', rows: 3, spellcheck: false,
    placeholder: 'paste CSV or JSON here, or drop a file on the page' }));
  const file = /** @type {HTMLInputElement} */ (el('input', { id: 'csv-file', type: 'file', accept: '.csv,.tsv,.txt,.json,text/*,application/json' }));
  const readBtn = /** @type {HTMLButtonElement} */ (el('button', { id: 'csv-read', type: 'button', textContent: 'Read it' }));
  const alert = el('div', { id: 'csv-error', className: 'alert', hidden: true });
  alert.setAttribute('role', 'alert');
  const cols = el('div', { id: 'csv-columns', className: 'dp-columns', hidden: true });
  const inputsBox = el('div', { className: 'dp-inputs' });
  const target = /** @type {HTMLSelectElement} */ (el('select', { id: 'csv-target' }));
  const kind = /** @type {HTMLSelectElement} */ (el('select', { id: 'csv-kind' }));
  for (const k of ['auto', 'regression', 'classification']) kind.append(new Option(k === 'auto' ? 'auto (numbers: regression)' : k, k));
  const at = /** @type {HTMLSelectElement} */ (el('select', { id: 'csv-at' }));
  at.append(new Option('every step', 'step'), new Option('the end', 'end'));
  const heldOut = /** @type {HTMLInputElement} */ (el('input', { id: 'csv-heldout', type: 'number', min: '0.05', max: '0.5', step: '0.05', value: '0.2' }));
  const summary = el('p', { id: 'csv-summary', className: 'dp-summary' });
  summary.setAttribute('role', 'status');
  const useBtn = /** @type {HTMLButtonElement} */ (el('button', { id: 'csv-use', type: 'button', textContent: 'Train on it' }));
  const label = (/** @type {string} */ t, /** @type {HTMLElement} */ c) => el('label', {}, [t, ' ', c]);
  const atLabel = label('target at', at);
  cols.append(el('div', { className: 'dp-legend', textContent: 'inputs' }), inputsBox, label('target', target),
    label('target kind', kind), atLabel, label('held-out fraction', heldOut), summary, useBtn);
  root.append(
    el('p', { className: 'hint dp-hint', textContent: `CSV or JSON up to ${fmt(LIMITS.bytes)} bytes: one step per row with a `
      + 'sequence-id column, or one sequence per row. Paste, load or drop a file; it stays in this tab (a link names an example only).' }),
    text,
    el('div', { className: 'row' }, [el('label', { className: 'file button', textContent: 'Load CSV file' }, [file]), readBtn]),
    alert, cols);

  /** the text being configured, its detected layout and its full column list */
  let current = /** @type {{ text: string, name: string, format: string, columns: string[], indices: boolean, fixed: boolean, data: any } | null} */ (null);

  function error(/** @type {string} */ msg) {
    alert.textContent = msg.replace(/^rnnlab: /, '');
    alert.hidden = false;
  }
  const clearError = () => { alert.hidden = true; alert.textContent = ''; };

  /** the parse options the controls describe */
  function options() {
    if (!current) return {};
    /** @type {Record<string, any>} */
    const o = { format: current.format };
    const key = (/** @type {string} */ c) => (current?.indices ? Number(c) : c);
    if (current.format === 'wide') {
      if (target.value === 'first') o.target = 'first';
    } else if (!current.fixed) {
      const chosen = [...inputsBox.querySelectorAll('input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value);
      if (chosen.length) o.inputs = chosen.map(key);
      o.target = key(target.value);
      o.targetAt = at.value;
    }
    if (kind.value !== 'auto') o.kind = kind.value;
    return o;
  }

  function describe(/** @type {any} */ ds) {
    const lengths = ds.sequences.map((/** @type {any} */ s) => s.length);
    const n = ds.sequences.length, f = Number(heldOut.value) || 0.2;
    const h = Math.max(1, Math.min(n - 1, Math.round(n * f)));
    const lo = Math.min(...lengths), hi = Math.max(...lengths);
    summary.textContent = `${fmt(n)} sequences of ${lo === hi ? lo : `${lo}–${hi}`} steps, ${ds.inputNames.length} input${ds.inputNames.length > 1 ? 's' : ''} `
      + `(${ds.inputNames.join(', ')}); ${n - h} to train on, about ${h} held out; `
      + (ds.kind === 'regression' ? `regression of ${ds.targetName} (squared error)` : `classification of ${ds.targetName}: ${ds.labels.join(', ')}`)
      + `, at ${ds.targetAt === 'end' ? 'the end of each sequence' : 'every step'}.`;
  }

  /** re-parse with the chosen options; false (and the alert) when they do not fit the data */
  function reparse() {
    if (!current) return false;
    try {
      current.data = parseSequences(current.text, options());
      clearError();
      describe(current.data);
      useBtn.disabled = false;
      return true;
    } catch (err) {
      error(String(/** @type {Error} */ (err).message));
      useBtn.disabled = true;
      return false;
    }
  }

  /**
   * Reads a text: on success shows its columns and returns true; on failure shows the message
   * (line and problem) and returns false, leaving everything else as it was.
   * @param {string} t @param {string} name
   */
  function read(t, name = 'pasted data') {
    const bytes = new TextEncoder().encode(t).length;
    if (bytes > LIMITS.bytes) {
      error(`${name}: ${fmt(bytes)} bytes is too large for the page (the limit is ${fmt(LIMITS.bytes)} bytes)`);
      return false;
    }
    let ds;
    try {
      ds = parseSequences(t);
    } catch (err) {
      error(`${name}: ${String(/** @type {Error} */ (err).message).replace(/^rnnlab: /, '')}`);
      // the column choices belonged to the text before: nothing to train on until a file reads
      current = null;
      cols.hidden = true;
      return false;
    }
    clearError();
    const columns = ds.format === 'wide' ? [] : [...ds.inputNames, ds.targetName];
    current = { text: t, name, format: ds.format, columns, indices: columns.every((c) => /^\d+$/.test(c)), fixed: false, data: ds };
    if (ds.format === 'json') {
      // named fields ({ x: 1, label: 'a' } steps) can be chosen; plain arrays are taken as they are
      try { parseSequences(t, { format: 'json', inputs: ds.inputNames, target: ds.targetName }); } catch { current.fixed = true; }
    }
    inputsBox.replaceChildren();
    target.replaceChildren();
    if (current.fixed) {
      inputsBox.textContent = `as in the file (${ds.inputNames.length})`;
      target.append(new Option(ds.targetName, ds.targetName));
      atLabel.hidden = true;
    } else if (ds.format === 'wide') {
      inputsBox.textContent = 'one: the values of each row, in time order';
      target.append(new Option('the last column', 'last'), new Option('the first column', 'first'));
      atLabel.hidden = true;
    } else {
      for (const c of columns) {
        const shown = current.indices ? `field ${Number(c) + 1}` : c;
        const box = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', value: c, checked: ds.inputNames.includes(c) }));
        inputsBox.append(el('label', { className: 'dp-check' }, [box, shown]));
        target.append(new Option(shown, c));
      }
      target.value = ds.targetName;
      at.value = ds.targetAt;
      atLabel.hidden = false;
    }
    kind.value = 'auto';
    cols.hidden = false;
    describe(ds);
    useBtn.disabled = false;
    return true;
  }

  function apply() {
    if (!current || !reparse()) return;
    const f = Number(heldOut.value);
    const h = Number.isFinite(f) && f >= 0.05 && f <= 0.5 ? f : 0.2;
    opts.onApply({ data: current.data, heldOut: h, name: current.name, options: options() });
  }

  readBtn.addEventListener('click', () => { read(text.value, 'pasted data'); });
  useBtn.addEventListener('click', apply);
  for (const c of [target, kind, at, heldOut]) c.addEventListener('change', reparse);
  inputsBox.addEventListener('change', reparse);

  /** @param {File} f */
  async function readFile(f) {
    if (f.size > LIMITS.bytes) {
      error(`${f.name}: ${fmt(f.size)} bytes is too large for the page (the limit is ${fmt(LIMITS.bytes)} bytes)`);
      return false;
    }
    const t = await f.text();
    text.value = t.length > 20000 ? `${t.slice(0, 20000)}\n# … (${fmt(t.length)} characters in ${f.name})` : t;
    return read(t, f.name);
  }
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (f && await readFile(f)) apply();
  });

  // drop a file anywhere on the page (while this panel is shown): a highlight, then read + train
  let depth = 0;
  const showDrop = (/** @type {boolean} */ on) => { document.body.classList.toggle('dropping', on); root.classList.toggle('drop', on); };
  const hasFiles = (/** @type {DragEvent} */ e) => !root.hidden && root.offsetParent !== null && [...(e.dataTransfer?.types ?? [])].includes('Files');
  document.addEventListener('dragenter', (e) => { if (!hasFiles(e)) return; e.preventDefault(); depth++; showDrop(true); });
  document.addEventListener('dragover', (e) => { if (!hasFiles(e)) return; e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; });
  document.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) showDrop(false); });
  document.addEventListener('drop', async (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0; showDrop(false);
    const f = e.dataTransfer?.files?.[0];
    if (f && await readFile(f)) apply();
  });

  return {
    read, error, clearError,
    /** the example's text in the textarea (what a preset loaded), without changing the run */
    show(/** @type {string} */ t, /** @type {string} */ name) { text.value = t; read(t, name); },
  };
}
