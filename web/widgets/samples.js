// @ts-check
/* samples.js - what the model writes: text continuations side by side (greedy, beam, sampled),
 * or fresh problems marked right / wrong, as the snapshot's samples say ({ kind: 'text' | 'problems' }).
 *
 *   const samples = createSamples($);           // $: id -> element
 *   samples.place(first);                       // true: right under the charts (text: the first
 *                                               // thing to watch), else beside the probe
 *   samples.show(snapshot.samples);             // null hides both
 *   samples.key, samples.changes                // the last samples shown (JSON), how often they changed
 */

/** @param {(id: string) => HTMLElement} $ */
export function createSamples($) {
  const list = $('problems');
  const text = $('text-samples');
  let key = /** @type {string | null} */ (null);
  let changes = 0;
  return {
    get key() { return key; },
    get changes() { return changes; },
    /** @param {boolean} first */
    place(first) {
      if (first) $('charts').after(text);
      else $('samples-panel').append(text);
    },
    /** @param {any} samples */
    show(samples) {
      list.hidden = samples?.kind !== 'problems';
      $('problems-title').hidden = list.hidden;
      text.hidden = samples?.kind !== 'text';
      if (!samples) return;
      const k = JSON.stringify(samples);
      if (k !== key) { key = k; changes++; }
      if (samples.kind === 'problems') {
        list.replaceChildren(...samples.problems.map((/** @type {{ text: string, right: boolean }} */ p) => {
          const li = document.createElement('li');
          li.className = p.right ? 'right' : 'wrong';
          li.textContent = p.text;
          return li;
        }));
      } else if (samples.note) {
        for (const id of ['sample-greedy', 'sample-beam', 'sample-temp']) $(id).textContent = samples.note;
      } else {
        $('prompt-desc').textContent = `each continues the prompt ${JSON.stringify(samples.prompt)}`;
        $('sample-greedy').textContent = samples.greedy;
        $('sample-beam').textContent = samples.beam;
        $('sample-temp').textContent = samples.sample;
        $('beam-caption').textContent = `beam, K = ${samples.beamWidth}`;
        $('temp-caption').textContent = `sampled, temperature ${+samples.temp.toPrecision(3)}`;
      }
    },
  };
}
