#!/usr/bin/env node
// @ts-check
/**
 * rnnlab.mjs - the headless command line of rnnlab (Node >= 20): trains a model on a task,
 * evaluates a saved one, and reproduces Hochreiter & Schmidhuber's 1997 LSTM experiments.
 *
 *   rnnlab train --task parity --cell gru --hidden-size 8 --save parity.rnnlab
 *   rnnlab eval --model parity.rnnlab --task parity
 *   rnnlab reproduce 1997 --seeds 3
 *
 * Owns: the option table (one row per option: its JS API name, where it goes, its type), turning
 * argv into the objects of lab.createTask / lab.createModel / lab.createTrainer / lab.train, the
 * recipe a run starts from, progress output (a bar on a terminal, plain lines otherwise), the
 * final report (text or --json) and exit codes: 0 done, 1 an error from the engine or a file,
 * 2 a usage error, 130 stopped by Ctrl-C.
 * Does not own: training, tasks, scoring or recipes (wasm/run.mjs, wasm/tasks.mjs, the engine);
 * every number it prints comes from lab.train's result or task.evaluate.
 *
 * Option names are the JS API's, in kebab case (hiddenSize -> --hidden-size); the camelCase form
 * (--hiddenSize) is accepted too, as the page's URL state writes them. No dependencies.
 */

import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { load } from '../wasm/rnnlab.mjs';

/** @typedef {'task' | 'csv' | 'model' | 'trainer' | 'train' | 'cli'} Group */
/** @typedef {'int' | 'number' | 'word' | 'bool' | 'seed' | 'file' | 'pair' | 'list'} Kind */
/** @typedef {{ name: string, group: Group, kind: Kind, arg: string, help: string }} Option */
/**
 * What plan() returns: the objects of a run. csvFile only for a --csv run.
 * @typedef {{ task: string, recipeName: string | null, csvFile?: string, taskOptions: Record<string, any>,
 *   textFile: string | undefined, model: Record<string, any>, trainer: Record<string, any>, train: Record<string, any> }} Plan
 */

/** @type {Option[]} One row per option: JS name, where the value goes, its type, its help line. */
const OPTIONS = /** @satisfies {[string, Group, Kind, string, string][]} */ ([
  // the run
  ['task', 'cli', 'word', 'NAME', 'parity, addition, reber, adding, temporal-order, text'],
  ['recipe', 'cli', 'word', 'NAME', "start from this recipe of lab.recipes (default: the task's; 'none': engine defaults)"],
  ['seed', 'cli', 'seed', 'N', 'seeds the model and the task\'s training stream (text: also the generated corpus)'],
  // task (lab.createTask)
  ['length', 'task', 'int', 'N', 'training length (adding, temporal-order: T; text: the BPTT chunk)'],
  ['minLength', 'task', 'int', 'N', 'shortest training row (parity, addition)'],
  ['evalLength', 'task', 'int', 'N', "the criterion's test length"],
  ['evalCount', 'task', 'int', 'N', "the criterion's number of test sequences (text: characters)"],
  ['target', 'task', 'word', 'X', 'the criterion: held-out accuracy >= X (with --csv: the target column)'],
  ['mode', 'task', 'word', 'M', 'parity: running | final'],
  ['symbols', 'task', 'int', 'N', 'copy, reverse: alphabet size'],
  ['corpus', 'task', 'word', 'C', 'text: grammar | c'],
  ['textFile', 'task', 'file', 'FILE', 'text: train on this UTF-8 file'],
  ['chars', 'task', 'int', 'N', 'text: size of the generated corpus'],
  ['vocab', 'task', 'int', 'N', 'text: vocabulary cap'],
  ['holdout', 'task', 'number', 'X', 'text: held-out fraction'],
  // your own sequences (lab.createTask('csv'))
  ['csv', 'csv', 'file', 'FILE', "train on this CSV or JSON file (wasm/csv.mjs layouts); instead of --task"],
  ['inputs', 'csv', 'word', 'A,B,..', 'input columns, by name or 0-based index (default: all but the id and the target)'],
  ['targetAt', 'csv', 'word', 'W', "step (a target on every row, the long layout's default) | end (one per sequence)"],
  ['kind', 'csv', 'word', 'K', 'regression | classification (default: regression when every target is a number)'],
  ['format', 'csv', 'word', 'F', 'long | wide | json (default: json for [..., long with an id column, else wide)'],
  ['id', 'csv', 'word', 'COL', 'the sequence-id column of the long layout (default: id, seq, sequence or series)'],
  ['heldOut', 'csv', 'number', 'X', 'fraction of sequences held out for the test (default 0.2)'],
  // model (lab.createModel); 'variant' is also temporal-order's a | b, told apart by value
  ['cell', 'model', 'word', 'C', 'rnn | lstm | gru | ctrnn | esn'],
  ['variant', 'model', 'word', 'V', "LSTM variant (standard, vanilla, 1997, NIG, ...); temporal-order: a | b"],
  ['hiddenSize', 'model', 'int', 'N', 'hidden units per layer'],
  ['layers', 'model', 'int', 'N', 'stacked layers'],
  ['bidirectional', 'model', 'bool', '', 'a reverse direction too'],
  ['activation', 'model', 'word', 'A', 'rnn, ctrnn, esn: tanh | relu | sigmoid'],
  ['output', 'model', 'word', 'O', 'float targets: sigmoid | linear'],
  ['resetAfter', 'model', 'bool', '', 'GRU: PyTorch form (default true)'],
  ['init', 'model', 'word', 'I', 'default | uniform | glorot | orthogonal'],
  ['initScale', 'model', 'number', 'X', "'uniform' half-width"],
  ['forgetBias', 'model', 'number', 'X', 'added to the LSTM forget-gate bias'],
  ['gRange', 'model', 'pair', 'LO,HI', "LSTM '1997' cell-input squasher range"],
  ['hRange', 'model', 'pair', 'LO,HI', "LSTM '1997' cell-output squasher range"],
  ['alpha', 'model', 'number', 'X', 'CT-RNN dt/tau, ESN leak rate'],
  ['spectralRadius', 'model', 'number', 'X', 'ESN reservoir spectral radius'],
  ['inputScale', 'model', 'number', 'X', 'ESN input weight half-width'],
  // trainer (lab.createTrainer)
  ['optimizer', 'trainer', 'word', 'O', 'sgd | momentum | nesterov | rmsprop | adam | adagrad'],
  ['learningRate', 'trainer', 'number', 'X', ''],
  ['momentum', 'trainer', 'number', 'X', ''],
  ['nesterov', 'trainer', 'bool', '', ''],
  ['beta1', 'trainer', 'number', 'X', ''],
  ['beta2', 'trainer', 'number', 'X', ''],
  ['eps', 'trainer', 'number', 'X', ''],
  ['weightDecay', 'trainer', 'number', 'X', ''],
  ['clipNorm', 'trainer', 'number', 'X', 'rescale gradients to this global norm (0 = off)'],
  ['clipValue', 'trainer', 'number', 'X', 'clamp each gradient element (0 = off)'],
  ['truncate', 'trainer', 'int', 'N', 'truncated BPTT chunk (0 = full BPTT)'],
  // the run (lab.train)
  ['batchSize', 'train', 'int', 'N', 'sequences per step'],
  ['maxSteps', 'train', 'int', 'N', 'the step budget'],
  ['evalEvery', 'train', 'int', 'N', 'validate every N steps'],
  ['evalSeed', 'train', 'seed', 'N', 'validation set seed (default 1000)'],
  ['confirm', 'train', 'int', 'N', 'validations in a row that must meet the criterion'],
  ['testCount', 'train', 'int', 'N', 'final test: sequences'],
  ['testLength', 'train', 'int', 'N', 'final test: length'],
  ['testSeed', 'train', 'seed', 'N', 'final test seed (default evalSeed + 1)'],
  ['curve', 'train', 'list', 'L1,L2,..', 'accuracy at these test lengths after training'],
  ['curveCount', 'train', 'int', 'N', 'sequences per curve length'],
  ['progressEvery', 'train', 'int', 'N', 'progress callback interval in steps'],
  ['yieldMs', 'train', 'int', 'MS', 'yield to the event loop this often (Ctrl-C needs it)'],
  ['lrDecay', 'train', 'number', 'X', 'learning rate falls exponentially to X times its start at max-steps'],
  ['teacherForcing', 'train', 'number', 'X', 'seq2seq: probability the decoder reads the true previous symbol'],
  ['beamWidth', 'train', 'int', 'K', 'seq2seq: evaluate with beam search of width K (1 = greedy)'],
  // the command line itself
  ['model', 'cli', 'file', 'FILE', 'the saved model to evaluate'],
  ['save', 'cli', 'file', 'FILE', 'write the trained model (with its optimizer state) here'],
  ['seeds', 'cli', 'int', 'N', 'seeds per experiment (default 3)'],
  ['quick', 'cli', 'bool', '', 'reduced instances, for smoke tests (not comparable with the paper)'],
  ['json', 'cli', 'bool', '', 'print one JSON object instead of text'],
  ['quiet', 'cli', 'bool', '', 'no progress output'],
  ['help', 'cli', 'bool', '', 'this help'],
]).map(([name, group, kind, arg, help]) => ({ name, group, kind, arg, help }));
const BY_NAME = new Map(OPTIONS.map((o) => [o.name, o]));

/** hiddenSize -> hidden-size @param {string} s */
const kebab = (s) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

const EVAL_TRAIN = ['evalSeed', 'testCount', 'testLength', 'testSeed', 'curve', 'curveCount', 'beamWidth'];
/** @type {Record<string, string[]>} Which options each command takes. */
const COMMANDS = {
  train: OPTIONS.filter((o) => o.group !== 'cli' || ['task', 'recipe', 'seed', 'save', 'json', 'quiet', 'help'].includes(o.name)).map((o) => o.name),
  // eval --csv repeats train's split: the same file, split options and --seed give the same held-out sequences
  eval: OPTIONS.filter((o) => o.group === 'task' || o.group === 'csv' || EVAL_TRAIN.includes(o.name) ||
    ['task', 'recipe', 'seed', 'model', 'variant', 'json', 'help'].includes(o.name)).map((o) => o.name),
  reproduce: ['seeds', 'quick', 'maxSteps', 'json', 'quiet', 'help'],
  recipes: ['json', 'help'],
};

/** A usage error: exit code 2. */
class UsageError extends Error {}
/** A failure outside the engine (a file, an unsupported task): exit code 1, message only. */
class CliError extends Error {}

// ---- help ------------------------------------------------------------------------------------

const USAGE = `rnnlab - recurrent neural networks, trained headless (Node >= 20)

usage: rnnlab <command> [options]

commands:
  train       train a model on a task until its criterion is met on held-out data
  eval        evaluate a saved model on a task's held-out test
  reproduce   rerun Hochreiter & Schmidhuber 1997's experiments: rnnlab reproduce 1997
  recipes     list the measured settings that train and reproduce start from

'rnnlab <command> --help' lists a command's options. Option names are the JS API's in kebab case
(hiddenSize -> --hidden-size); the camelCase form (--hiddenSize) is accepted too, so the names in
the page's URL state can be pasted. Exit codes: 0 done, 1 error, 2 usage error, 130 Ctrl-C.`;

/** @param {string} name */
function optionLine(name) {
  const o = /** @type {Option} */ (BY_NAME.get(name));
  const left = `  --${kebab(o.name)}${o.arg ? ' ' + o.arg : ''}`;
  return o.help ? `${left.padEnd(30)} ${o.help}` : left;
}

/** @param {Group} g @param {string} cmd */
const groupLines = (g, cmd) => OPTIONS.filter((o) => o.group === g && COMMANDS[cmd].includes(o.name)).map((o) => optionLine(o.name));

/** @param {string} cmd */
function help(cmd) {
  if (cmd === 'train') {
    return `usage: rnnlab train --task NAME [options]
       rnnlab train --csv FILE [--inputs A,B] [--target COL] [--target-at step|end] [options]

Trains until the task's criterion is met on held-out validation data or --max-steps run out, then
tests on fresh held-out data. Settings start from the task's recipe (rnnlab recipes); any option
overrides it. On a terminal a progress bar, otherwise one line per validation; then the result.
--json prints one JSON object instead.

the run:
${['task', 'recipe', 'seed'].map(optionLine).join('\n')}
task (lab.createTask):
${groupLines('task', cmd).join('\n')}
your own sequences (lab.createTask('csv'); defaults: lstm H=16, adam 0.01, batch 16, 500 steps):
${groupLines('csv', cmd).join('\n')}
model (lab.createModel):
${groupLines('model', cmd).join('\n')}
trainer (lab.createTrainer; recipe's, else adam 0.005 clip-norm 1):
${groupLines('trainer', cmd).join('\n')}
training (lab.train):
${groupLines('train', cmd).join('\n')}
output:
${['save', 'json', 'quiet', 'help'].map(optionLine).join('\n')}

Numbers as 0.01 or 1e-3; booleans as --bidirectional or --bidirectional=false. camelCase names
(--hiddenSize) work too. Examples:
  rnnlab train --task temporal-order --variant b --length 50 --cell gru --hidden-size 32 --save to.rnnlab
  rnnlab train --csv web/examples/sine-phase.csv --inputs x --target next --target-at step`;
  }
  if (cmd === 'eval') {
    return `usage: rnnlab eval --model FILE --task NAME [task options]
       rnnlab eval --model FILE --csv FILE [--inputs A,B] [--target COL] [--target-at step|end] [--seed N]

Loads a model written by 'rnnlab train --save' and scores it on the task's final test: the same
held-out sequences 'train' tested on, given the same task options (and --seed for text, whose
generated corpus depends on it). With --csv: the file's held-out split, which the same file,
column options, --held-out and --seed make the one 'train --csv' tested on.

${['model', 'task', 'recipe', 'seed'].map(optionLine).join('\n')}
task:
${groupLines('task', cmd).join('\n')}
${optionLine('variant')}
your own sequences (as given to train --csv):
${groupLines('csv', cmd).join('\n')}
test:
${groupLines('train', cmd).join('\n')}
${['json', 'help'].map(optionLine).join('\n')}`;
  }
  if (cmd === 'reproduce') {
    return `usage: rnnlab reproduce 1997 [--seeds N] [--quick] [--max-steps N] [--json]

Runs the four experiments of Hochreiter & Schmidhuber, Long Short-Term Memory (1997) that lab.recipes
measured: embedded Reber grammar, adding (T = 100), temporal order 6a and 6b, each over seeds 1..N
(model and training stream), and prints per experiment the seeds solved, the median and range of
sequences seen until the criterion was met, and the paper's number beside them. The full run takes
minutes (6b alone about a minute per seed).

${['seeds', 'quick'].map(optionLine).join('\n')}
${'  --max-steps N'.padEnd(30)} cap every run's step budget (smoke tests; the recipes' budgets otherwise)
${['json', 'quiet', 'help'].map(optionLine).join('\n')}`;
  }
  if (cmd === 'recipes') return 'usage: rnnlab recipes [--json]\n\nLists lab.recipes: the task, its settings and what they measured.';
  return USAGE;
}

// ---- argument parsing --------------------------------------------------------------------------

/** Edit distance, for "did you mean". @param {string} a @param {string} b */
function distance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** @param {string} cmd @param {string} raw e.g. '--hiden-size' */
function unknownOption(cmd, raw) {
  const bare = raw.replace(/^-+/, '');
  const other = Object.keys(COMMANDS).filter((c) => c !== cmd && COMMANDS[c].some((n) => n === bare || kebab(n) === bare));
  let hint;
  if (other.length) hint = `it is an option of 'rnnlab ${other[0]}'`;
  else {
    const names = COMMANDS[cmd].flatMap((n) => [kebab(n), n]);
    const best = names.map((n) => [n, distance(bare.toLowerCase(), n.toLowerCase())]).sort((x, y) => +x[1] - +y[1])[0];
    hint = best && +best[1] <= Math.max(2, bare.length / 3) ? `did you mean --${best[0]}?` : null;
  }
  return new UsageError(`unknown option '${raw}'${hint ? ` (${hint})` : ''}; 'rnnlab ${cmd} --help' lists the options`);
}

/** Text to a typed value. @param {Option} o @param {string} flag @param {string | undefined} text */
function convert(o, flag, text) {
  if (o.kind === 'bool') {
    if (text === undefined || text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw new UsageError(`${flag} takes no value, or =true / =false (got '${text}')`);
  }
  if (text === undefined || text === '') throw new UsageError(`${flag} needs a value: ${flag} ${o.arg}`);
  const num = (/** @type {string} */ s) => {
    const v = s.trim() === '' ? NaN : Number(s);
    if (!Number.isFinite(v)) throw new UsageError(`${flag}: '${text}' is not a number`);
    return v;
  };
  const int = (/** @type {string} */ s) => {
    const v = num(s);
    if (!Number.isInteger(v)) throw new UsageError(`${flag}: '${text}' is not an integer`);
    return v;
  };
  switch (o.kind) {
    case 'int': return int(text);
    case 'number': return num(text);
    case 'seed': {
      if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: '${text}' is not a seed (an integer >= 0)`);
      const big = BigInt(text);
      return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    case 'pair': {
      const parts = text.split(',');
      if (parts.length !== 2) throw new UsageError(`${flag} takes two numbers: ${flag} ${o.arg} (got '${text}')`);
      return parts.map(num);
    }
    case 'list': return text.split(',').map(int);
    default: return text;
  }
}

/**
 * argv after the command -> { values: { jsName: value }, positionals }. Both --kebab-case and
 * --camelCase spellings; unknown options and missing values are usage errors.
 * @param {string} cmd @param {string[]} args
 */
function parse(cmd, args) {
  /** @type {Record<string, { type: 'string' | 'boolean' }>} */
  const spec = {};
  /** @type {Map<string, Option>} */
  const spelling = new Map();
  for (const name of COMMANDS[cmd]) {
    const o = /** @type {Option} */ (BY_NAME.get(name));
    // booleans are parsed as strings only when written --flag=value (see below)
    for (const s of new Set([kebab(name), name])) { spec[s] = { type: o.kind === 'bool' ? 'boolean' : 'string' }; spelling.set(s, o); }
  }
  spec.h = { type: 'boolean' };
  spelling.set('h', /** @type {Option} */ (BY_NAME.get('help')));
  // strict: false, so that unknown options and --flag=false reach us as tokens with the facts
  const { tokens } = parseArgs({ args, options: spec, strict: false, allowPositionals: true, tokens: true });
  /** @type {Record<string, unknown>} */
  const values = {};
  /** @type {string[]} */
  const positionals = [];
  for (const tok of tokens) {
    if (tok.kind === 'positional') { positionals.push(tok.value); continue; }
    if (tok.kind === 'option-terminator') continue;
    const o = spelling.get(tok.name);
    if (!o) throw unknownOption(cmd, tok.rawName);
    if (o.kind !== 'bool' && tok.value === undefined) throw new UsageError(`${tok.rawName} needs a value: ${tok.rawName} ${o.arg}`);
    if (o.name in values) throw new UsageError(`--${kebab(o.name)} given twice`);
    values[o.name] = convert(o, tok.rawName, tok.value);
  }
  return { values, positionals };
}

// ---- building a run from options ---------------------------------------------------------------

/**
 * The recipe a run starts from: --recipe, else the recipe of this task that agrees with the task
 * options given (parity --mode final -> 'parity-final', adding --length 30 -> 'adding-30',
 * temporal-order --variant b -> 'temporal-order-6b', ...), else the one named after the task.
 * @param {any} lab @param {string} task @param {Record<string, unknown>} taskOptions @param {unknown} asked
 * @returns {string | null}
 */
function pickRecipe(lab, task, taskOptions, asked) {
  const recipes = lab.recipes;
  if (asked === 'none') return null;
  if (asked !== undefined) {
    const r = recipes[/** @type {string} */ (asked)];
    if (!r) throw new UsageError(`unknown recipe '${asked}' (known: ${Object.keys(recipes).join(', ')}, none)`);
    if (r.task !== task) throw new UsageError(`recipe '${asked}' is for task '${r.task}', not '${task}'`);
    return /** @type {string} */ (asked);
  }
  let best = null, bestScore = -Infinity;
  for (const [key, r] of Object.entries(recipes)) {
    if (r.task !== task) continue;
    let score = key === task ? 0.5 : 0, conflict = false;
    for (const [k, v] of Object.entries(r.taskOptions)) {
      if (k === 'seed') continue;
      if (taskOptions[k] === undefined) score -= 1; // the recipe would impose it
      else if (taskOptions[k] === v) score += 1;
      else conflict = true;
    }
    if (!conflict && score > bestScore) best = key, bestScore = score;
  }
  if (best) return best;
  return recipes[task] ? task : Object.keys(recipes).find((k) => recipes[k].task === task) ?? null;
}

/** lab.train's trainer when none is given (wasm/run.mjs) */
const DEFAULT_TRAINER = Object.freeze({ optimizer: 'adam', learningRate: 0.005, clipNorm: 1 });
/** model keys that only an LSTM reads: dropped from a recipe when --cell changes the cell */
const LSTM_ONLY = ['variant', 'forgetBias', 'gRange', 'hRange'];

/**
 * Splits parsed options into createTask / createModel / createTrainer / train objects, on top of
 * the recipe. Returns everything needed to create the objects.
 * @param {any} lab @param {Record<string, any>} v
 * @returns {Promise<Plan>}
 */
async function plan(lab, v) {
  if (v.csv !== undefined) return planCsv(v);
  for (const o of OPTIONS) {
    if (o.group === 'csv' && v[o.name] !== undefined) throw new UsageError(`--${kebab(o.name)} is for --csv FILE (your own sequences)`);
  }
  if (v.target !== undefined) { // a number here; a column name with --csv
    const x = Number(v.target);
    if (v.target.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--target: '${v.target}' is not a number`);
    v = { ...v, target: x };
  }
  const task = v.task;
  if (task === undefined) throw new UsageError(`--task is required (one of ${lab.tasks.join(', ')}), or --csv FILE`);
  if (task === 'csv') throw new UsageError('--task csv reads your own sequences: give --csv FILE');
  if (!lab.tasks.includes(task)) throw new UsageError(`unknown task '${task}' (known: ${lab.tasks.join(', ')})`);
  /** @type {Record<string, any>} */ const taskOpt = {};
  /** @type {Record<string, any>} */ const modelOpt = {};
  /** @type {Record<string, any>} */ const trainerOpt = {};
  /** @type {Record<string, any>} */ const trainOpt = {};
  for (const [name, value] of Object.entries(v)) {
    const o = /** @type {Option} */ (BY_NAME.get(name));
    if (name === 'variant' && task === 'temporal-order' && (value === 'a' || value === 'b')) taskOpt.variant = value;
    else if (o.group === 'task') taskOpt[name] = value;
    else if (o.group === 'model') modelOpt[name] = value;
    else if (o.group === 'trainer') trainerOpt[name] = value;
    else if (o.group === 'train') trainOpt[name] = value;
  }
  const recipeName = pickRecipe(lab, task, taskOpt, v.recipe);
  const r = recipeName ? lab.recipes[recipeName] : null;
  if (v.seed !== undefined) taskOpt.seed = modelOpt.seed = v.seed;
  const textFile = taskOpt.textFile;
  delete taskOpt.textFile;
  const taskOptions = { ...r?.taskOptions, ...taskOpt };
  if (textFile !== undefined) {
    try { taskOptions.text = new Uint8Array(await readFile(textFile)); }
    catch (e) { throw new CliError(`cannot read --text-file ${textFile}: ${/** @type {Error} */ (e).message}`); }
  }
  const recipeModel = { ...r?.model };
  if (modelOpt.cell !== undefined && modelOpt.cell !== (recipeModel.cell ?? 'lstm')) for (const k of LSTM_ONLY) delete recipeModel[k];
  const model = { ...recipeModel, ...modelOpt };
  const trainer = { ...(r?.train.trainerOptions ?? DEFAULT_TRAINER), ...trainerOpt };
  const { trainerOptions: _, ...recipeTrain } = r?.train ?? {};
  // --length sets the task's length, which is also the training length's default: a recipe's own
  // training length (text: 64) gives way to it
  if (taskOpt.length !== undefined) delete recipeTrain.length;
  const train = { ...recipeTrain, ...trainOpt };
  return { task, recipeName, taskOptions, textFile, model, trainer, train };
}

/** Settings of a --csv run before any option: small and quick (the examples train in about a second). */
const CSV_DEFAULTS = Object.freeze({
  model: { cell: 'lstm', hiddenSize: 16 }, trainer: { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 },
  train: { batchSize: 16, maxSteps: 500, evalEvery: 100 },
});
/** task options of the model/train groups that a csv task does not take */
const NOT_CSV = ['length', 'minLength', 'evalLength', 'evalCount', 'mode', 'symbols', 'corpus', 'textFile', 'chars', 'vocab', 'holdout'];

/**
 * plan() for --csv FILE: reads the file (the loader takes text) into lab.createTask('csv') options.
 * @param {Record<string, any>} v
 * @returns {Promise<Plan>}
 */
async function planCsv(v) {
  if (v.task !== undefined && v.task !== 'csv') throw new UsageError(`give either --task ${v.task} or --csv ${v.csv}, not both`);
  if (v.recipe !== undefined && v.recipe !== 'none') throw new UsageError('--recipe: the recipes are for the built-in tasks; a --csv run starts from its own defaults');
  for (const k of NOT_CSV) if (v[k] !== undefined) throw new UsageError(`--${kebab(k)} is not an option of --csv (lab.createTask('csv'))`);
  /** @type {Record<string, any>} */ const taskOpt = {};
  /** @type {Record<string, any>} */ const modelOpt = {};
  /** @type {Record<string, any>} */ const trainerOpt = {};
  /** @type {Record<string, any>} */ const trainOpt = {};
  for (const [name, value] of Object.entries(v)) {
    const o = /** @type {Option} */ (BY_NAME.get(name));
    if (name === 'csv') continue;
    if (name === 'inputs') taskOpt.inputs = String(value).split(',').map((s) => s.trim());
    else if (o.group === 'csv' || name === 'target') taskOpt[name] = value;
    else if (o.group === 'model') modelOpt[name] = value;
    else if (o.group === 'trainer') trainerOpt[name] = value;
    else if (o.group === 'train') trainOpt[name] = value;
  }
  if (v.seed !== undefined) taskOpt.seed = modelOpt.seed = v.seed;
  let text;
  try { text = await readFile(v.csv, 'utf8'); }
  catch (e) { throw new CliError(`cannot read --csv ${v.csv}: ${/** @type {Error} */ (e).message}`); }
  return {
    task: 'csv', recipeName: null, csvFile: v.csv, taskOptions: { ...taskOpt, text }, textFile: undefined,
    model: { ...CSV_DEFAULTS.model, ...modelOpt }, trainer: { ...CSV_DEFAULTS.trainer, ...trainerOpt }, train: { ...CSV_DEFAULTS.train, ...trainOpt },
  };
}

/** @param {any} lab @param {string} name @param {Record<string, any>} taskOptions @param {string} [csvFile] */
async function createTask(lab, name, taskOptions, csvFile) {
  if (name === 'csv') { // a bad file: its name, then the loader's line and problem
    try { return lab.createTask('csv', taskOptions); }
    catch (e) { throw new CliError(`${csvFile}: ${/** @type {Error} */ (e).message.replace(/^rnnlab: /, '')}`); }
  }
  if (name === 'text' && taskOptions.corpus !== undefined && taskOptions.corpus !== 'grammar' && lab.corpora.includes(taskOptions.corpus)) {
    await lab.loadCorpus(taskOptions.corpus);
  }
  return lab.createTask(name, taskOptions);
}

// ---- output ------------------------------------------------------------------------------------

const fmtInt = (/** @type {number} */ n) => Math.round(n).toLocaleString('en-US');
const fmtSec = (/** @type {number} */ s) => (s < 10 ? s.toFixed(2) : s < 100 ? s.toFixed(1) : s.toFixed(0)) + ' s';
/** JSON with BigInt seeds as strings and typed arrays as arrays. */
const toJSON = (/** @type {unknown} */ x) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : ArrayBuffer.isView(v) ? Array.from(/** @type {any} */ (v)) : v), 2);

/**
 * Progress of one run: a bar redrawn in place on a terminal (at most 10 times a second), else
 * one line per validation. Both on the given stream.
 */
class Progress {
  /** @param {NodeJS.WriteStream | null} out @param {string} label @param {number} maxSteps @param {boolean} isText @param {string} [metricName] */
  constructor(out, label, maxSteps, isText, metricName = 'accuracy') {
    this.out = out, this.label = label, this.maxSteps = maxSteps, this.isText = isText, this.metricName = metricName;
    this.tty = !!out?.isTTY;
    this.last = 0, this.drawn = false;
  }

  /** @param {import('../wasm/rnnlab.d.ts').TrainProgress} p */
  update(p) {
    if (!this.out) return;
    const metric = p.metric === null ? '' : this.isText ? `bpc ${p.metric.toFixed(3)}` : `${this.metricName} ${p.metric.toFixed(4)}`;
    const rate = p.seconds > 0 ? `${fmtInt(p.step / p.seconds)} steps/s` : '';
    const stats = [`loss ${p.loss.toFixed(4)}`, metric, `${fmtInt(p.sequences)} seq`, rate, fmtSec(p.seconds)].filter(Boolean).join('  ');
    if (!this.tty) {
      if (p.evaluation) this.out.write(`${this.label}step ${p.step}/${this.maxSteps}  ${stats}\n`);
      return;
    }
    const t = performance.now();
    if (t - this.last < 100 && !p.evaluation) return;
    this.last = t;
    const head = `${this.label}${p.step}/${this.maxSteps} `;
    const cols = this.out.columns || 100;
    const width = Math.max(8, Math.min(24, cols - head.length - 72)); // fixed, so the bar does not jitter
    const fill = Math.round(width * Math.min(1, p.step / Math.max(1, this.maxSteps)));
    const line = `${head}[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${stats}`;
    this.out.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** clears the bar */
  done() { if (this.drawn) this.out?.write('\r\x1b[K'); this.drawn = false; }
}

/** The held-out result as text. @param {any} r TaskResult @param {string} taskName @param {{ length: number, count: number }} where */
function describeResult(r, taskName, where) {
  if (taskName === 'text') {
    const ng = r.ngramBpc.map((/** @type {number} */ x) => x.toFixed(3)).join(' ');
    return `${r.bpc.toFixed(3)} bits per character on ${fmtInt(r.steps)} held-out characters ` +
      `(n-gram baselines, orders 1-5: ${ng}); next-character accuracy ${r.accuracy.toFixed(4)}`;
  }
  let s = `accuracy ${r.accuracy.toFixed(4)} on ${fmtInt(r.sequences)} sequences` + (where.length ? ` of length ${where.length}` : '') +
    ` (step accuracy ${r.stepAccuracy.toFixed(4)}, loss ${r.loss.toPrecision(3)}`;
  if (taskName === 'adding') s += `, max error ${r.maxError.toFixed(4)}`;
  return s + ')';
}

/** What a csv task learns, in a line. @param {any} task @param {string} file @param {number | undefined} target */
function describeCsv(task, file, target) {
  const what = task.kind === 'regression' ? `regression of '${task.targetName}' (squared error)`
    : `classification of '${task.targetName}' into ${task.labels.length} classes (${task.labels.slice(0, 6).join(', ')}${task.labels.length > 6 ? ', ...' : ''})`;
  return `data: ${file}: ${fmtInt(task.split.train + task.split.heldout)} sequences of ${task.minLength === task.maxLength ? task.maxLength : `up to ${task.maxLength}`} steps ` +
    `(${fmtInt(task.split.train)} train, ${fmtInt(task.split.heldout)} held out); inputs ${task.inputNames.join(', ')}; ${what} ` +
    `${task.targetAt === 'end' ? 'at the end of each sequence' : 'at every step'}` +
    (target !== undefined ? `; stops when held-out ${task.kind === 'regression' ? 'R^2' : 'accuracy'} >= ${target}` : '');
}

/** A csv task's held-out result as text. @param {any} task @param {any} r */
function describeCsvResult(task, r) {
  const where = `on ${fmtInt(r.sequences)} sequences (${fmtInt(r.steps)} targeted steps)`;
  if (task.kind === 'regression') {
    return `RMSE ${r.rmse.toPrecision(4)} ${where}; predicting the training mean: ${r.baselineRmse.toPrecision(4)} ` +
      `(ratio ${r.ratio.toFixed(3)}, R^2 ${r.accuracy.toFixed(4)}); max error ${r.maxError.toPrecision(3)}`;
  }
  return `accuracy ${r.stepAccuracy.toFixed(4)} ${where}${task.targetAt === 'step' ? `, whole sequences right ${r.accuracy.toFixed(4)}` : ''}; ` +
    `the majority class: ${r.baselineAccuracy.toFixed(4)}; loss ${r.loss.toPrecision(3)}`;
}

// ---- commands ----------------------------------------------------------------------------------

/** @param {any} lab @param {Record<string, any>} v @param {string[]} positionals */
async function cmdTrain(lab, v, positionals) {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (options are --name value)`);
  const p = await plan(lab, v);
  const task = await createTask(lab, p.task, p.taskOptions, p.csvFile);
  const isCsv = task.name === 'csv';
  let model = null, trainer = null;
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    // seq2seq tasks train an encoder-decoder with its own optimizer (lab.createSeq2Seq)
    model = task.isSeq2seq ? lab.createSeq2Seq({ ...task.modelConfig, ...p.model }, p.trainer) : lab.createModel({ ...task.modelConfig, ...p.model });
    trainer = task.isSeq2seq ? null : lab.createTrainer(model, p.trainer);
    const maxSteps = p.train.maxSteps ?? 5000;
    const isText = task.name === 'text';
    const progressOut = v.quiet ? null : v.json ? (process.stderr.isTTY ? process.stderr : null) : process.stdout;
    const progress = new Progress(progressOut, '', maxSteps, isText, isCsv && task.kind === 'regression' ? 'R^2' : 'accuracy');
    const c = model.config;
    const shape = `${c.cell}${c.cell === 'lstm' && c.variant !== 'standard' ? ` (${c.variant})` : ''} H=${c.hiddenSize}` +
      `${c.layers > 1 ? ` x${c.layers} layers` : ''}${c.bidirectional ? ' bidirectional' : ''}`;
    const tc = trainer ? trainer.config : { ...DEFAULT_TRAINER, ...p.trainer };
    const crit = task.criterion;
    if (!v.json) {
      console.log(`rnnlab ${lab.version} (${lab.simd ? 'wasm SIMD' : 'wasm scalar'}): task ${task.name}` +
        `${p.recipeName ? ` (recipe '${p.recipeName}')` : ''}, ${shape}, ${fmtInt(model.parameterCount)} parameters; ` +
        `${tc.optimizer} lr ${+tc.learningRate.toPrecision(4)}${tc.clipNorm ? ` clip-norm ${+tc.clipNorm.toPrecision(4)}` : ''}; ` +
        `batch ${p.train.batchSize ?? 32}, up to ${fmtInt(maxSteps)} steps`);
      if (isCsv) console.log(describeCsv(task, /** @type {string} */ (p.csvFile), p.train.target));
      else console.log(isText ? 'criterion: bits per character below every n-gram baseline on the held-out text'
        : `criterion: accuracy >= ${+crit.target.toPrecision(4)} on ${fmtInt(crit.count)} held-out sequences of length ${crit.length}`);
    }
    const result = await lab.train({
      task, model, ...(trainer ? { trainer } : { trainerOptions: p.trainer }), ...p.train, signal: ac.signal,
      onProgress: (/** @type {any} */ q) => { progress.update(q); },
    });
    progress.done();
    let saved = null;
    if (v.save !== undefined) {
      // an encoder-decoder keeps its own optimizer (none yet after 0 steps)
      const withOptimizer = !task.isSeq2seq || model.steps > 0;
      const bytes = task.isSeq2seq ? model.save({ optimizer: withOptimizer }) : model.save({ trainer });
      try { await writeFile(v.save, bytes); } catch (e) { throw new CliError(`cannot write --save ${v.save}: ${/** @type {Error} */ (e).message}`); }
      saved = { file: v.save, bytes: bytes.length, optimizer: withOptimizer };
    }
    const testWhere = { length: p.train.testLength ?? crit.length, count: p.train.testCount ?? crit.count };
    if (v.json) {
      const { history: _, ...rest } = result;
      const { text: __, ...taskOptions } = p.taskOptions;
      const csv = isCsv ? { file: p.csvFile, kind: task.kind, targetAt: task.targetAt, inputs: task.inputNames, target: task.targetName,
        labels: task.labels, split: task.split, stats: task.stats } : undefined;
      console.log(toJSON({
        command: 'train', version: lab.version, simd: lab.simd, task: task.name, recipe: p.recipeName, csv,
        taskOptions: p.textFile ? { ...taskOptions, textFile: p.textFile } : taskOptions,
        criterion: task.criterion, model: model.config, parameterCount: model.parameterCount, trainer: tc,
        train: p.train, ...rest, saved,
      }));
    } else {
      const r = result;
      if (isCsv && !r.solved) { if (r.stop === 'aborted') console.log('stopped (Ctrl-C)'); }
      else if (r.solved) {
        console.log(`solved at step ${fmtInt(r.solvedAt.step)}: ${fmtInt(r.solvedAt.sequences)} sequences, ${fmtSec(r.solvedAt.seconds)}`);
      } else {
        const why = r.stop === 'aborted' ? 'stopped (Ctrl-C)' : `not solved within ${fmtInt(r.steps)} steps`;
        const last = r.validation ? `; last validation: ${isText ? `bpc ${r.validation.bpc.toFixed(3)}` : `accuracy ${r.validation.accuracy.toFixed(4)}`}` : '';
        console.log(`${why}: ${fmtInt(r.sequences)} sequences, ${fmtSec(r.seconds)}${last}`);
      }
      console.log(`trained: ${fmtInt(r.steps)} steps, ${fmtInt(r.sequences)} sequences, ${fmtInt(r.tokens)} time steps, ${fmtSec(r.seconds)}`);
      if (r.curve) console.log(`accuracy by test length: ${r.curve.map((/** @type {any} */ q) => `${q.length}: ${q.accuracy.toFixed(4)}`).join(', ')}`);
      if (saved) console.log(`saved ${saved.file} (${fmtInt(saved.bytes)} bytes, ${saved.optimizer ? `with the ${tc.optimizer} state` : 'weights only'})`);
      if (isCsv) console.log(`test (held-out split): ${describeCsvResult(task, r.test)}`);
      else console.log(`test (fresh held-out data): ${describeResult(r.test, task.name, testWhere)}; ${r.test.solved ? 'solved' : 'not solved'}`);
    }
    if (result.stop === 'aborted') process.exitCode = 130;
  } finally {
    process.removeListener('SIGINT', onSigint);
    model?.free(); // frees its trainer too
    task.free();
  }
}

/** @param {any} lab @param {Record<string, any>} v @param {string[]} positionals */
async function cmdEval(lab, v, positionals) {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (options are --name value)`);
  if (v.model === undefined) throw new UsageError('--model FILE is required (a model written by rnnlab train --save)');
  if (v.csv !== undefined) return evalCsv(lab, v);
  if (v.variant !== undefined && !(v.task === 'temporal-order' && (v.variant === 'a' || v.variant === 'b'))) {
    throw new UsageError(`--variant ${v.variant}: eval takes temporal-order's a | b only (a saved model keeps its own cell settings)`);
  }
  const p = await plan(lab, v);
  let bytes;
  try { bytes = await readFile(v.model); } catch (e) { throw new CliError(`cannot read --model ${v.model}: ${/** @type {Error} */ (e).message}`); }
  const task = await createTask(lab, p.task, p.taskOptions);
  let model = null;
  try {
    const u8 = new Uint8Array(bytes);
    // the file's kind byte (core/serialize.c): 2 = an encoder-decoder (rnnlab train --save on a seq2seq task)
    const isS2s = u8.length >= 8 && String.fromCharCode(...u8.subarray(0, 6)) === 'RNNLAB' && u8[6] === 0 && u8[7] === 2;
    if (isS2s !== task.isSeq2seq) {
      throw new CliError(isS2s ? `--model ${v.model} is an encoder-decoder: evaluate it on a sequence-to-sequence task (copy, reverse, decimal-addition), not '${task.name}'`
        : `task '${task.name}' is sequence-to-sequence: --model must be an encoder-decoder saved by 'rnnlab train --task ${task.name} --save FILE'`);
    }
    model = isS2s ? lab.loadSeq2Seq(u8) : lab.loadModel(u8);
    const t = p.train;
    // the final test of lab.train: testSeed defaults to evalSeed + 1, evalSeed to 1000
    const evalSeed = t.evalSeed ?? 1000;
    const seed = t.testSeed ?? (typeof evalSeed === 'bigint' ? evalSeed + 1n : evalSeed + 1);
    const opts = { seed, ...(t.testCount !== undefined && { count: t.testCount }), ...(t.testLength !== undefined && { length: t.testLength }) };
    if (isS2s && t.curve) throw new CliError('--curve is not available for sequence-to-sequence models');
    if (isS2s && typeof seed === 'bigint') throw new CliError('--test-seed / --eval-seed: a sequence-to-sequence test seed must be below 2^53');
    const t0 = performance.now();
    // lab.train's final test of an encoder-decoder: exact match, greedy or beam search of --beam-width
    const test = isS2s ? model.evaluate(task, { ...opts, ...(t.beamWidth !== undefined && { beamWidth: t.beamWidth }) }) : task.evaluate(model, opts);
    const curve = t.curve ? task.generalization(model, { lengths: t.curve, count: t.curveCount, seed: typeof seed === 'bigint' ? seed + 2n : seed + 2 }) : null;
    const seconds = (performance.now() - t0) / 1000;
    if (v.json) {
      const { text: _, ...taskOptions } = p.taskOptions;
      console.log(toJSON({ command: 'eval', version: lab.version, simd: lab.simd, file: v.model, task: task.name,
        taskOptions: p.textFile ? { ...taskOptions, textFile: p.textFile } : taskOptions, criterion: task.criterion,
        model: model.config, parameterCount: model.parameterCount, test, curve, seconds }));
    } else {
      const c = model.config;
      console.log(`${v.model}: ${c.cell} H=${c.hiddenSize}${c.layers > 1 ? ` x${c.layers}` : ''}, ${fmtInt(model.parameterCount)} parameters; task ${task.name}`);
      if (curve) console.log(`accuracy by test length: ${curve.map((/** @type {any} */ q) => `${q.length}: ${q.accuracy.toFixed(4)}`).join(', ')}`);
      const where = { length: t.testLength ?? task.criterion.length, count: t.testCount ?? task.criterion.count };
      console.log(`test (fresh held-out data): ${describeResult(test, task.name, where)}; ${test.solved ? 'solved' : 'not solved'}`);
    }
  } finally {
    model?.free();
    task.free();
  }
}

/**
 * eval --csv: a saved model on the held-out split of a csv task built from the same file and options
 * as its training run (the split and the standardisation statistics are functions of them).
 * @param {any} lab @param {Record<string, any>} v
 */
async function evalCsv(lab, v) {
  for (const k of EVAL_TRAIN) if (v[k] !== undefined) throw new UsageError(`--${kebab(k)} is not an option of eval --csv: the held-out split is fixed by the file, --held-out and --seed`);
  if (v.variant !== undefined) throw new UsageError('--variant is not an option of eval --csv (the saved model keeps its own cell)');
  const p = await plan(lab, v);
  let bytes;
  try { bytes = await readFile(v.model); } catch (e) { throw new CliError(`cannot read --model ${v.model}: ${/** @type {Error} */ (e).message}`); }
  const csvFile = /** @type {string} */ (p.csvFile);
  const task = await createTask(lab, 'csv', p.taskOptions, csvFile);
  let model = null;
  try {
    model = lab.loadModel(new Uint8Array(bytes));
    const c = model.config, want = task.modelConfig;
    if (c.inputSize !== want.inputSize || c.outputSize !== want.outputSize || (c.output === 'linear') !== (want.output === 'linear')) {
      throw new CliError(`--model ${v.model} (${c.inputSize} inputs, ${c.outputSize} ${c.output} outputs) does not fit ${csvFile} as given ` +
        `(${want.inputSize} inputs, ${want.outputSize} ${want.output} outputs): give the --inputs, --target, --target-at and --kind it was trained with`);
    }
    const t0 = performance.now();
    const test = task.evaluate(model);
    const seconds = (performance.now() - t0) / 1000;
    if (v.json) {
      const { text: _, ...taskOptions } = p.taskOptions;
      console.log(toJSON({ command: 'eval', version: lab.version, simd: lab.simd, file: v.model, task: 'csv', taskOptions,
        csv: { file: csvFile, kind: task.kind, targetAt: task.targetAt, inputs: task.inputNames, target: task.targetName,
          labels: task.labels, split: task.split, stats: task.stats },
        model: c, parameterCount: model.parameterCount, test, seconds }));
    } else {
      console.log(`${v.model}: ${c.cell} H=${c.hiddenSize}${c.layers > 1 ? ` x${c.layers}` : ''}, ${fmtInt(model.parameterCount)} parameters`);
      console.log(describeCsv(task, csvFile, p.train.target));
      console.log(`test (held-out split): ${describeCsvResult(task, test)}`);
    }
  } finally {
    model?.free();
    task.free();
  }
}

/**
 * Hochreiter & Schmidhuber (1997), Long Short-Term Memory, Neural Computation 9(8): the published
 * number of training sequences until success of the best LSTM setup (Reber: the range over the
 * LSTM setups of table 2, all with 100% success; adding: table 7, T = 100; temporal order:
 * table 8). `quick` is a reduced instance for smoke tests.
 */
const EXPERIMENTS_1997 = [
  { id: 'reber', name: 'embedded Reber grammar', recipe: 'reber', paper: { low: 8440, high: 39740, success: '100%' },
    quick: { recipe: 'reber' } },
  { id: 'adding', name: 'adding, T = 100', recipe: 'adding', paper: { low: 74000, high: 74000, success: null },
    quick: { recipe: 'adding-30', name: 'adding, T = 30' } },
  { id: '6a', name: 'temporal order 6a', recipe: 'temporal-order-6a', paper: { low: 31390, high: 31390, success: null },
    quick: { recipe: 'temporal-order-6a', name: 'temporal order 6a, T = 50', taskOptions: { length: 50 } } },
  { id: '6b', name: 'temporal order 6b', recipe: 'temporal-order-6b', paper: { low: 571100, high: 571100, success: null },
    quick: { recipe: 'temporal-order-6b-50', name: 'temporal order 6b, T = 50' } },
];

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** @param {any} lab @param {Record<string, any>} v @param {string[]} positionals */
async function cmdReproduce(lab, v, positionals) {
  if (positionals[0] !== '1997' || positionals.length > 1) {
    throw new UsageError(positionals.length ? `nothing to reproduce for '${positionals.join(' ')}' (known: 1997)` : 'what to reproduce? rnnlab reproduce 1997');
  }
  const seeds = v.seeds ?? 3;
  if (!Number.isInteger(seeds) || seeds < 1) throw new UsageError(`--seeds must be a positive integer (got ${seeds})`);
  const quick = !!v.quick;
  const out = v.quiet ? null : v.json ? (process.stderr.isTTY ? process.stderr : null) : process.stdout;
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const t0 = performance.now();
  const say = (/** @type {string} */ s) => { if (!v.json) console.log(s); };
  say(`rnnlab reproduce 1997: Hochreiter & Schmidhuber, Long Short-Term Memory (1997); ${seeds} seed${seeds > 1 ? 's' : ''} each` +
    `${quick ? ', --quick: reduced instances, not comparable with the paper' : ''}` +
    `${v.maxSteps !== undefined ? `, --max-steps ${v.maxSteps}` : ''} (rnnlab ${lab.version}, ${lab.simd ? 'wasm SIMD' : 'wasm scalar'})`);
  const experiments = [];
  try {
    for (const e of EXPERIMENTS_1997) {
      const recipeName = quick ? e.quick.recipe : e.recipe;
      const name = quick ? e.quick.name ?? e.name : e.name;
      const r = lab.recipes[recipeName];
      const runs = [];
      for (let seed = 1; seed <= seeds && !ac.signal.aborted; seed++) {
        const task = lab.createTask(r.task, { ...r.taskOptions, ...(quick && e.quick.taskOptions), seed });
        const model = lab.createModel({ ...task.modelConfig, ...r.model, seed });
        try {
          const train = { ...r.train, ...(v.maxSteps !== undefined && { maxSteps: v.maxSteps }) };
          const progress = new Progress(out?.isTTY ? out : null, `${name}, seed ${seed}: `, train.maxSteps ?? 5000, false);
          const res = await lab.train({ task, model, ...train, signal: ac.signal, onProgress: (/** @type {any} */ q) => { progress.update(q); } });
          progress.done();
          const run = { seed, solved: res.solved, stop: res.stop, steps: res.steps, sequences: res.solvedAt?.sequences ?? null,
            seenSequences: res.sequences, seconds: res.seconds, testAccuracy: res.test.accuracy, testSolved: res.test.solved,
            ...(r.task === 'adding' && { testMaxError: res.test.maxError }) };
          runs.push(run);
          out?.write(`  ${name}, seed ${seed}: ${res.solved ? `solved after ${fmtInt(run.sequences ?? 0)} sequences` : `${res.stop === 'aborted' ? 'stopped' : 'not solved'} after ${fmtInt(res.sequences)} sequences`}` +
            ` (${fmtInt(res.steps)} steps, ${fmtSec(res.seconds)}); test accuracy ${res.test.accuracy.toFixed(4)}` +
            `${r.task === 'adding' ? `, max error ${res.test.maxError.toFixed(3)}` : ''}\n`);
        } finally {
          model.free();
          task.free();
        }
      }
      const solved = runs.filter((q) => q.solved).map((q) => /** @type {number} */ (q.sequences));
      const med = solved.length ? median(solved) : null;
      // the median of the solved seeds against the paper's best; a seed left unsolved is a 'no'
      let verdict;
      if (med === null) verdict = 'no: not solved';
      else {
        verdict = med < e.paper.low ? `${Math.round((100 * med) / e.paper.low)}% of the paper's`
          : med <= e.paper.high ? 'within the paper\'s range' : `${(med / e.paper.low).toFixed(1)}x the paper's`;
        const unsolved = runs.length - solved.length;
        if (unsolved) verdict = `no: ${unsolved} of ${runs.length} unsolved (solved: ${verdict})`;
        else verdict = `${med < e.paper.low ? 'yes' : 'no'}, ${verdict}`;
      }
      if (quick) verdict = `(quick: ${verdict})`;
      experiments.push({ id: e.id, name, recipe: recipeName, seeds: runs.length, solved: solved.length,
        successRate: runs.length ? solved.length / runs.length : 0,
        sequencesMedian: med, sequencesMin: solved.length ? Math.min(...solved) : null, sequencesMax: solved.length ? Math.max(...solved) : null,
        paper: e.paper, fewer: med !== null && med < e.paper.low && solved.length === runs.length, verdict, runs });
      if (ac.signal.aborted) break;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (v.json) {
    console.log(toJSON({ command: 'reproduce', paper: 'Hochreiter & Schmidhuber 1997', version: lab.version, simd: lab.simd,
      seeds, quick, maxSteps: v.maxSteps ?? null, seconds, aborted: ac.signal.aborted, experiments }));
  } else {
    const rows = [['experiment', 'solved', 'median sequences', 'range', 'paper (H&S 1997)', 'fewer than the paper?']];
    for (const x of experiments) {
      const paper = (x.paper.success ? `${x.paper.success} after ` : '') +
        (x.paper.low === x.paper.high ? fmtInt(x.paper.low) : `${fmtInt(x.paper.low)}-${fmtInt(x.paper.high)}`);
      rows.push([x.name, `${x.solved}/${x.seeds} (${Math.round(100 * x.successRate)}%)`,
        x.sequencesMedian === null ? '-' : fmtInt(x.sequencesMedian),
        x.sequencesMin === null ? '-' : x.sequencesMin === x.sequencesMax ? fmtInt(x.sequencesMin) : `${fmtInt(x.sequencesMin)}-${fmtInt(/** @type {number} */ (x.sequencesMax))}`,
        paper, x.verdict]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    console.log('');
    for (const row of rows) console.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
    console.log(`\nsequences to success: training sequences seen when the validation met the criterion; wall time ${fmtSec(seconds)}` +
      `${ac.signal.aborted ? ' (stopped by Ctrl-C)' : ''}`);
  }
  if (ac.signal.aborted) process.exitCode = 130;
}

/** @param {any} lab @param {Record<string, any>} v */
function cmdRecipes(lab, v) {
  if (v.json) { console.log(toJSON(lab.recipes)); return; }
  for (const [name, r] of Object.entries(lab.recipes)) {
    const show = (/** @type {object} */ o) => Object.entries(o).map(([k, x]) => `--${kebab(k)} ${x}`).join(' ');
    const { trainerOptions, ...train } = /** @type {any} */ (r).train;
    const { seed: taskSeed, ...taskOptions } = /** @type {any} */ (r.taskOptions);
    const { seed: modelSeed, ...model } = /** @type {any} */ (r.model);
    // --seed sets both seeds; a recipe whose two differ says so
    const seeds = taskSeed === modelSeed ? (taskSeed === undefined ? '' : `--seed ${taskSeed}`)
      : `(task seed ${taskSeed ?? 1}, model seed ${modelSeed ?? 1})`;
    console.log(`${name}: --task ${r.task} ${show(taskOptions)} ${show(model)} ${show(trainerOptions ?? {})} ${show(train)} ${seeds}`.replace(/\s+/g, ' '));
    console.log(`    measured: ${r.measured}`);
  }
}

// ---- main --------------------------------------------------------------------------------------

/** @param {string[]} argv */
async function main(argv) {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const topic = cmd === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !(topic in COMMANDS)) throw new UsageError(`no command '${topic}' (known: ${Object.keys(COMMANDS).join(', ')})`);
    if (cmd === undefined) { console.error(help('')); process.exitCode = 2; } // no command: a usage error
    else console.log(help(topic ?? ''));
    return;
  }
  if (cmd === '--version' || cmd === '-v') {
    const lab = await load();
    console.log(lab.version);
    return;
  }
  if (!(cmd in COMMANDS)) {
    throw new UsageError(cmd.startsWith('-') ? `a command comes first: rnnlab <${Object.keys(COMMANDS).join('|')}> [options]`
      : `unknown command '${cmd}' (known: ${Object.keys(COMMANDS).join(', ')})`);
  }
  /** @type {keyof typeof COMMANDS} */
  const command = /** @type {any} */ (cmd);
  const { values, positionals } = parse(command, rest);
  if (values.help) { console.log(help(command)); return; }
  const lab = await load();
  if (command === 'train') await cmdTrain(lab, values, positionals);
  else if (command === 'eval') await cmdEval(lab, values, positionals);
  else if (command === 'reproduce') await cmdReproduce(lab, values, positionals);
  else cmdRecipes(lab, values);
}

// `rnnlab ... | head`: a closed pipe ends the program quietly
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => { if (/** @type {any} */ (e).code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  const err = /** @type {Error} */ (e);
  const cmd = process.argv[2] && process.argv[2] in COMMANDS ? ` ${process.argv[2]}` : '';
  if (err instanceof UsageError) {
    console.error(`rnnlab${cmd}: ${err.message}`);
    process.exitCode = 2;
  } else {
    // the engine's messages start with 'rnnlab: '; anything else (a bug) shows its stack
    const known = err instanceof CliError || (typeof err?.message === 'string' && /^rnnlab: /.test(err.message));
    console.error(`rnnlab${cmd}: error: ${known ? err.message.replace(/^rnnlab: /, '') : err?.stack ?? String(err)}`);
    process.exitCode = 1;
  }
}
