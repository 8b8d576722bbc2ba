// @ts-check
/* controls.js - the playground's form <-> its state (state.js PROPS): every <select> filled from
 * the table, every control set from a state and read back into one.
 *
 *   const controls = createControls(form);
 *   controls.show(state);            // values, slider readouts, and which controls show
 *   const s = controls.read();       // the state the controls show (invalid entries: defaults)
 *   controls.showSlider('lr', v);    // a live slider's readout
 *   controls.unavailable(family, keys);   // the engine cannot build these keys' models for that
 *                                    // family (its init says): their controls hide
 * Which controls show: [data-for=cell] (LSTM variant, GRU form), [data-task=task] (corpus, own
 * text, data panel), [data-control=key] hidden when the task's family hides that key (the
 * plain models: attention, length) or its task row does (dates: length) or the engine has no
 * model for it (an engine without attention: attention, bidirectional of seq2seq); [data-family=name]
 * only for that family's tasks (the energy-based nets' fieldset); the optimizer 'ridge' only for
 * the dynamics family's reservoir cells (esn, lsm), and with it no lr, clip or BPTT; the BPTT label is the task row's bpttLabel. The encoder-decoders show bidir as a checkbox (#bidir-check, the control
 * 'bidirectional'): it sets the bidir menu and reports the change as the menu's own.
 * No worker, no URL: main.js wires those.
 */
import { PROPS, parse } from './state.js';
import { familyOf } from './families/index.js';
import { RIDGE_CELLS } from './families/dynamics.js';

/** sliders whose control holds log10 of the value */
const LOG_SLIDERS = ['lr'];
const BPTT_LABEL = 'BPTT length (0 = all)';

/** a number as the page shows it: 3 significant digits @param {number} v */
export const formatNum = (v) => String(+v.toPrecision(3));

/** @type {Record<string, Record<string, string>>} menu texts that are not the value itself */
const MENU_TEXT = {
  rule: { hebb: 'Hebb', storkey: 'Storkey' },
  update: { async: 'one unit at a time (async)', sync: 'all at once (sync)' },
  method: { cd: 'CD-k', pcd: 'PCD-k' },
  sampler: { metropolis: 'Metropolis', heatbath: 'heat bath' },
  optimizer: { ridge: 'ridge readout (closed form)' },
  patterns: { 'bars-3x3': 'bars and stripes 3×3', 'bars-4x4': 'bars and stripes 4×4', digits: 'digits 0–9, noisy' },
};

/** The text of a menu option. @param {string} prop @param {string} v */
function optionText(prop, v) {
  if (prop === 'task') return familyOf(v).tasks[v].menu ?? v;
  if (MENU_TEXT[prop]?.[v]) return MENU_TEXT[prop][v];
  if (prop === 'corpus' && v === 'own') return 'your own text';
  if (prop === 'data') return v === 'own' ? 'your own (paste, load or drop)' : `example: ${v}.csv`;
  return v;
}

/** @param {HTMLFormElement} form */
export function createControls(form) {
  const els = form.elements;
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  for (const p of PROPS) {
    if (p.type !== 'enum') continue;
    const sel = /** @type {HTMLSelectElement} */ (els.namedItem(p.name));
    for (const v of p.values) sel.append(new Option(optionText(p.name, v), v));
  }

  // the checkbox form of bidir: a change of it is a change of the menu
  const bidirMenu = /** @type {HTMLSelectElement} */ (els.namedItem('bidir'));
  const bidirCheck = /** @type {HTMLInputElement} */ ($('bidir-check'));
  bidirCheck.addEventListener('change', () => {
    bidirMenu.value = bidirCheck.checked ? 'yes' : 'no';
    bidirMenu.dispatchEvent(new Event('change', { bubbles: true }));
  });

  /** a slider's value beside it and for screen readers (the lr slider's own value is a log10) */
  function showSlider(/** @type {string} */ name, /** @type {number} */ v) {
    $(`${name}-value`).textContent = formatNum(v);
    /** @type {HTMLElement} */ (document.querySelector(`input[name=${name}]`)).setAttribute('aria-valuetext', formatNum(v));
  }

  /** @type {Record<string, string[]>} per family: the keys the engine cannot build (its init says) */
  const missing = {};

  /** @type {Record<string, [string, number]>} a log slider's value as show() left it, and the value it stands for */
  const snapped = {};

  /** @param {import('./state.js').State} s */
  function show(s) {
    for (const p of PROPS) {
      const el = /** @type {HTMLInputElement} */ (els.namedItem(p.name));
      const v = /** @type {any} */ (s)[p.name];
      el.value = LOG_SLIDERS.includes(p.name) ? String(Math.log10(v)) : String(v);
      // the slider snaps to its step (0.005 shows as 10^-2.3): read() gives v back while it stays there
      if (LOG_SLIDERS.includes(p.name)) snapped[p.name] = [el.value, v];
    }
    showSlider('lr', s.lr);
    showSlider('temp', s.temp);
    showSlider('temperature', s.temperature);
    bidirCheck.checked = s.bidir === 'yes';
    const family = familyOf(s.task);
    const each = (/** @type {string} */ sel, /** @type {(el: HTMLElement) => boolean} */ hide) => {
      for (const el of document.querySelectorAll(sel)) /** @type {HTMLElement} */ (el).hidden = hide(/** @type {HTMLElement} */ (el));
    };
    each('[data-for]', (el) => el.dataset.for !== s.cell);
    each('[data-task]', (el) => el.dataset.task !== s.task);
    each('[data-family]', (el) => el.dataset.family !== family.name);
    const hides = [...family.hidden, ...(family.tasks[s.task].hidden ?? []), ...(missing[family.name] ?? []),
      // a closed-form readout has no learning rate, clipping or BPTT
      ...(s.optimizer === 'ridge' ? ['lr', 'clip', 'bptt'] : [])];
    // the ridge readout: for the reservoirs (esn, lsm) of the dynamics family only
    const ridgeOption = /** @type {HTMLOptionElement | null} */ (form.querySelector('select[name=optimizer] option[value=ridge]'));
    if (ridgeOption) ridgeOption.hidden = ridgeOption.disabled = !(family.name === 'dynamics' && RIDGE_CELLS.includes(s.cell)) && s.optimizer !== 'ridge';
    each('[data-control]', (el) => hides.includes(el.dataset.control ?? ''));
    $('bptt-label').textContent = family.tasks[s.task].bpttLabel ?? BPTT_LABEL;
  }

  /** @returns {import('./state.js').State} the state the controls show (invalid entries: defaults) */
  function read() {
    const parts = PROPS.map((p) => {
      const el = /** @type {HTMLInputElement} */ (els.namedItem(p.name));
      const v = !LOG_SLIDERS.includes(p.name) ? el.value
        : snapped[p.name]?.[0] === el.value ? String(snapped[p.name][1]) : formatNum(10 ** Number(el.value));
      return `${p.name}=${encodeURIComponent(v)}`;
    });
    return parse(parts.join('&'));
  }

  return { show, read, showSlider,
    /** @param {string} familyName @param {string[]} keys */
    unavailable(familyName, keys) { missing[familyName] = keys.slice(); },
  };
}
