// @ts-check
/**
 * handles.mjs - which object is which: one brand per kind of handle (model, trainer, task, csv
 * task, seq2seq, native batch). A class registers its accessor once, in a static block, from its own file
 * (`HANDLES.task.define((x) => x.#s ...)`); any other module asks `HANDLES.task.of(x)` and gets
 * the handle's private state or undefined. Imports nothing, so class files never import each
 * other for their internals and import circles cannot form.
 */

/**
 * @typedef {{ of: (x: unknown) => any, define: (accessor: (x: unknown) => any) => void }} Brand
 */

/** @param {string} kind @returns {Brand} */
function brand(kind) {
  /** @type {(x: unknown) => any} */
  let accessor = () => undefined;
  let defined = false;
  return {
    of: (x) => accessor(x),
    define(fn) {
      if (defined) throw new Error(`rnnlab: the ${kind} brand is defined twice`);
      accessor = fn;
      defined = true;
    },
  };
}

/** one brand per kind of handle the wrapper hands out */
export const HANDLES = Object.freeze({
  model: brand('model'),
  trainer: brand('trainer'),
  task: brand('task'),
  csvTask: brand('csv task'),
  seq2seq: brand('seq2seq'),
  ridge: brand('ridge readout'),
  hopfield: brand('hopfield'), // hopfield.mjs
  rbm: brand('rbm'), // rbm.mjs
  dbn: brand('dbn'), // dbn.mjs
  /** task.nextBatch(): a training batch left in the engine's memory (tasks.mjs) */
  nativeBatch: brand('native batch'),
  boltzmann: brand('Boltzmann machine'), // boltzmann.mjs
  ising: brand('Ising lattice'), // ising.mjs
});

/**
 * The wasm block of a task.nextBatch batch: [rnnlab_batch or rnnlab_seq2seq_batch |
 * rnnlab_train_config | rnnlab_step_result], byte offsets (every field is 4 bytes on wasm32; the
 * struct sizes are checked against C at load by rnnlab.mjs and tasks.mjs).
 */
export const NATIVE_BLOCK = Object.freeze({ batch: 0, train: 32, result: 32 + 44, bytes: 32 + 44 + 16 });
