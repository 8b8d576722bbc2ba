// @ts-check
/* owntext.js - your own text for the text task (corpus 'own'): a text area, a file picker that
 * fills it, and a button that hands the text on.
 *
 *   createOwnText({ area, file, button }, (text) => ...);   // called on the button, or a file read
 */

/**
 * @param {{ area: HTMLTextAreaElement, file: HTMLInputElement, button: HTMLElement }} els
 * @param {(text: string) => void} onUse
 */
export function createOwnText(els, onUse) {
  els.file.addEventListener('change', async () => {
    const f = els.file.files?.[0];
    if (!f) return;
    els.area.value = await f.text();
    onUse(els.area.value);
  });
  els.button.addEventListener('click', () => onUse(els.area.value));
}
