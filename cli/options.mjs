// @ts-check
/**
 * options.mjs - the command line's options: one table row per option, which options each command
 * takes, and turning argv into typed values.
 *
 * Owns: the option table (its JS API name, the object the value goes into, its type, its help
 * line), the per-command option lists, the two error classes whose exit codes rnnlab.mjs maps
 * (UsageError: 2, CliError: 1), and parse(): --kebab-case and --camelCase spellings, typed values,
 * "did you mean" for unknown options.
 * Does not own: what a run does with the values (plan.mjs), the help pages (help.mjs), any file
 * or the wasm module. Imports only node:util and wasm/names.mjs.
 */

import { parseArgs } from 'node:util';
import { ACTIVATIONS, ATTENTION_FORMS, CELLS, INITS, LSTM_VARIANTS, OPTIMIZERS, OUTPUT_KINDS } from '../wasm/names.mjs';

/** @typedef {'task' | 'csv' | 'model' | 'trainer' | 'train' | 'cli'} Group */
/** @typedef {'int' | 'number' | 'word' | 'bool' | 'seed' | 'file' | 'pair' | 'list'} Kind */
/** @typedef {{ name: string, group: Group, kind: Kind, arg: string, help: string }} Option */

/** @type {Option[]} One row per option: JS name, where the value goes, its type, its help line. */
export const OPTIONS = /** @satisfies {[string, Group, Kind, string, string][]} */ ([
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
  ['cell', 'model', 'word', 'C', CELLS.join(' | ')],
  ['variant', 'model', 'word', 'V', `LSTM variant (${LSTM_VARIANTS.slice(0, 4).join(', ')}, ...); temporal-order: a | b`],
  ['hiddenSize', 'model', 'int', 'N', 'hidden units per layer'],
  ['layers', 'model', 'int', 'N', 'stacked layers'],
  ['bidirectional', 'model', 'bool', '', 'a reverse direction too (seq2seq: the encoder)'],
  ['attention', 'model', 'word', 'F', `seq2seq: ${ATTENTION_FORMS.join(' | ')} (default none: the context bottleneck)`],
  ['activation', 'model', 'word', 'A', `rnn, ctrnn, esn: ${ACTIVATIONS.join(' | ')}`],
  ['output', 'model', 'word', 'O', `float targets: ${OUTPUT_KINDS.filter((k) => k !== 'softmax').join(' | ')}`],
  ['resetAfter', 'model', 'bool', '', 'GRU: PyTorch form (default true)'],
  ['init', 'model', 'word', 'I', INITS.join(' | ')],
  ['initScale', 'model', 'number', 'X', "'uniform' half-width"],
  ['forgetBias', 'model', 'number', 'X', 'added to the LSTM forget-gate bias'],
  ['gRange', 'model', 'pair', 'LO,HI', "LSTM '1997' cell-input squasher range"],
  ['hRange', 'model', 'pair', 'LO,HI', "LSTM '1997' cell-output squasher range"],
  ['alpha', 'model', 'number', 'X', 'CT-RNN dt/tau, ESN leak rate'],
  ['spectralRadius', 'model', 'number', 'X', 'ESN reservoir spectral radius'],
  ['inputScale', 'model', 'number', 'X', 'ESN input weight half-width'],
  ['learnTau', 'model', 'bool', '', 'CT-RNN: a learnable time constant per unit, starting at 1/alpha (alpha < 1)'],
  // trainer (lab.createTrainer)
  ['optimizer', 'trainer', 'word', 'O', OPTIMIZERS.join(' | ')],
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
  ['closedLoop', 'trainer', 'int', 'N', "free-running training: N true inputs, then the model's own outputs (0 = teacher forcing)"],
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
  ['steps', 'cli', 'int', 'N', 'training steps of every model'],
  ['hidden', 'cli', 'int', 'N', 'hidden units of every model'],
  ['tasks', 'cli', 'word', 'A,B,..', 'the tasks to run'],
  ['forms', 'cli', 'word', 'A,B,..', 'the attention forms to compare'],
  ['json', 'cli', 'bool', '', 'print one JSON object instead of text'],
  ['quiet', 'cli', 'bool', '', 'no progress output'],
  ['help', 'cli', 'bool', '', 'this help'],
]).map(([name, group, kind, arg, help]) => ({ name, group, kind, arg, help }));
const BY_NAME = new Map(OPTIONS.map((o) => [o.name, o]));
/** The row of a name of the table (callers pass only names from it). @param {string} name */
export const optionOf = (name) => /** @type {Option} */ (BY_NAME.get(name));

/** hiddenSize -> hidden-size @param {string} s */
export const kebab = (s) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** the options of lab.train's final test that eval takes (eval --csv refuses them) */
export const EVAL_TRAIN = ['evalSeed', 'testCount', 'testLength', 'testSeed', 'curve', 'curveCount', 'beamWidth'];
/** @type {Record<string, string[]>} Which options each command takes. */
export const COMMANDS = {
  train: OPTIONS.filter((o) => o.group !== 'cli' || ['task', 'recipe', 'seed', 'save', 'json', 'quiet', 'help'].includes(o.name)).map((o) => o.name),
  // eval --csv repeats train's split: the same file, split options and --seed give the same held-out sequences
  eval: OPTIONS.filter((o) => o.group === 'task' || o.group === 'csv' || EVAL_TRAIN.includes(o.name) ||
    ['task', 'recipe', 'seed', 'model', 'variant', 'json', 'help'].includes(o.name)).map((o) => o.name),
  reproduce: ['seeds', 'quick', 'maxSteps', 'steps', 'hidden', 'tasks', 'forms', 'json', 'quiet', 'help'],
  recipes: ['json', 'help'],
};

/**
 * The commands whose --json also takes a FILE to write the JSON to (the text still goes to
 * stdout): --json=FILE, or --json FILE after the command's first word (rnnlab reproduce
 * bottleneck --json out.json), so that `rnnlab reproduce --json bottleneck` still names the
 * experiment. The value is then the file's name instead of true.
 */
export const JSON_FILE_COMMANDS = ['reproduce'];

/** A usage error: exit code 2. */
export class UsageError extends Error {}
/** A failure outside the engine (a file, an unsupported task): exit code 1, message only. */
export class CliError extends Error {}

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
export function parse(cmd, args) {
  /** @type {Record<string, { type: 'string' | 'boolean' }>} */
  const spec = {};
  /** @type {Map<string, Option>} */
  const spelling = new Map();
  for (const name of COMMANDS[cmd]) {
    const o = optionOf(name);
    // booleans are parsed as strings only when written --flag=value (see below)
    for (const s of new Set([kebab(name), name])) { spec[s] = { type: o.kind === 'bool' ? 'boolean' : 'string' }; spelling.set(s, o); }
  }
  spec.h = { type: 'boolean' };
  spelling.set('h', optionOf('help'));
  // strict: false, so that unknown options and --flag=false reach us as tokens with the facts
  const { tokens } = parseArgs({ args, options: spec, strict: false, allowPositionals: true, tokens: true });
  /** @type {Record<string, unknown>} */
  const values = {};
  /** @type {string[]} */
  const positionals = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok.kind === 'positional') { positionals.push(tok.value); continue; }
    if (tok.kind === 'option-terminator') continue;
    const o = spelling.get(tok.name);
    if (!o) throw unknownOption(cmd, tok.rawName);
    if (o.kind !== 'bool' && tok.value === undefined) throw new UsageError(`${tok.rawName} needs a value: ${tok.rawName} ${o.arg}`);
    if (o.name in values) throw new UsageError(`--${kebab(o.name)} given twice`);
    if (o.name === 'json' && JSON_FILE_COMMANDS.includes(cmd) && tok.value !== undefined && !['true', 'false', '1', '0'].includes(tok.value)) {
      values.json = tok.value; // --json=FILE
      continue;
    }
    const next = tokens[i + 1];
    if (o.name === 'json' && JSON_FILE_COMMANDS.includes(cmd) && tok.value === undefined && positionals.length &&
      next?.kind === 'positional' && next.index === tok.index + 1) {
      values.json = next.value; // --json FILE, after the command's first word
      i++;
      continue;
    }
    values[o.name] = convert(o, tok.rawName, tok.value);
  }
  return { values, positionals };
}

