// @ts-check
/**
 * help.mjs - the help pages: `rnnlab --help` and `rnnlab <command> --help`.
 *
 * Owns: the text of each page; the option lines come from the table in options.mjs (one line per
 * option the command takes, grouped as the JS API's objects), the defaults it names from
 * wasm/names.mjs (the trainer) and plan.mjs (a --csv run's settings).
 * Does not own: which options a command takes (options.mjs) or where the text goes (rnnlab.mjs).
 */

import { DEFAULT_TRAINER } from '../wasm/names.mjs';
import { COMMANDS, OPTIONS, kebab, optionOf } from './options.mjs';
import { CSV_DEFAULTS } from './plan.mjs';
import { BOTTLENECK_DEFAULTS as BN, BOTTLENECK_FORMS, BOTTLENECK_QUICK as BNQ, BOTTLENECK_TASKS } from './commands/bottleneck.mjs';
import { CHAOS_DEFAULTS as CH, CHAOS_QUICK as CHQ, ESN_TARGET } from './commands/chaos.mjs';

/** @typedef {import('./options.mjs').Group} Group */

const USAGE = `rnnlab - recurrent neural networks, trained headless (Node >= 20)

usage: rnnlab <command> [options]

commands:
  train       train a model on a task until its criterion is met on held-out data
  eval        evaluate a saved model on a task's held-out test
  reproduce   rerun Hochreiter & Schmidhuber 1997's experiments: rnnlab reproduce 1997; or the toy
              of Bahdanau et al. 2014's Figure 2 (attention): rnnlab reproduce bottleneck; or RNNs
              as dynamical systems (chaos, reservoirs): rnnlab reproduce chaos
  recipes     list the measured settings that train and reproduce start from

'rnnlab <command> --help' lists a command's options. Option names are the JS API's in kebab case
(hiddenSize -> --hidden-size); the camelCase form (--hiddenSize) is accepted too, so the names in
the page's URL state can be pasted. Exit codes: 0 done, 1 error, 2 usage error, 130 Ctrl-C.`;

/** a --csv run's settings before any option, as the help names them */
const CSV_SETTINGS = `${CSV_DEFAULTS.model.cell} H=${CSV_DEFAULTS.model.hiddenSize}, ${CSV_DEFAULTS.trainer.optimizer} ` +
  `${CSV_DEFAULTS.trainer.learningRate}, batch ${CSV_DEFAULTS.train.batchSize}, ${CSV_DEFAULTS.train.maxSteps} steps`;
/** lab.train's trainer when neither a recipe nor an option names one */
const TRAINER_SETTINGS = `${DEFAULT_TRAINER.optimizer} ${DEFAULT_TRAINER.learningRate} clip-norm ${DEFAULT_TRAINER.clipNorm}`;

/** @param {string} name */
function optionLine(name) {
  const o = optionOf(name);
  const left = `  --${kebab(o.name)}${o.arg ? ' ' + o.arg : ''}`;
  return o.help ? `${left.padEnd(30)} ${o.help}` : left;
}

/** @param {Group} g @param {string} cmd */
const groupLines = (g, cmd) => OPTIONS.filter((o) => o.group === g && COMMANDS[cmd].includes(o.name)).map((o) => optionLine(o.name));

/** The page of a command, or the overview for any other name. @param {string} cmd */
export function help(cmd) {
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
your own sequences (lab.createTask('csv'); defaults: ${CSV_SETTINGS}):
${groupLines('csv', cmd).join('\n')}
model (lab.createModel):
${groupLines('model', cmd).join('\n')}
trainer (lab.createTrainer; recipe's, else ${TRAINER_SETTINGS}):
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
       rnnlab reproduce bottleneck [--seeds N] [--steps N] [--hidden N] [--tasks A,B] [--forms A,B] [--quick] [--json [FILE]]
       rnnlab reproduce chaos [--seeds N] [--quick] [--json [FILE]]

Runs the four experiments of Hochreiter & Schmidhuber, Long Short-Term Memory (1997) that lab.recipes
measured: embedded Reber grammar, adding (T = 100), temporal order 6a and 6b, each over seeds 1..N
(model and training stream), and prints per experiment the seeds solved, the median and range of
sequences seen until the criterion was met, and the paper's number beside them. The full run takes
minutes (6b alone about a minute per seed).

${['seeds', 'quick'].map(optionLine).join('\n')}
${'  --max-steps N'.padEnd(30)} cap every run's step budget (smoke tests; the recipes' budgets otherwise)
${['json', 'quiet', 'help'].map(optionLine).join('\n')}

reproduce bottleneck: Bahdanau, Cho & Bengio 2014, Figure 2, as a toy. The same ${BN.cell.toUpperCase()}
encoder-decoder (H = ${BN.hiddenSize} for every form, ${BN.trainer.optimizer} ${BN.trainer.learningRate} falling to ${BN.trainer.learningRate * BN.lrDecay} over the last ${100 * BN.decayFrom}%
of the steps, clip-norm ${BN.trainer.clipNorm}, batch ${BN.batchSize}, ${BN.steps} steps, the same training stream per seed) without
attention and with Bahdanau's additive attention, on reverse and copy (trained on strings of
1..${BN.trainLength} of ${BN.symbols} symbols) and dates (13 human formats to ISO). Prints exact match on held-out
data at source lengths ${BN.lengths.join(', ')} (dates: its own), the mean and the minimum over
seeds 1..N, whether attention met >= 99% on reverse up to length 20 and on dates in every seed,
and where the model without attention falls below 50%. Progress goes to stderr. The full run
takes about 7 minutes on one core.

${'  --seeds N'.padEnd(30)} seeds 1..N of every model and its training stream (default ${BN.seeds})
${'  --steps N'.padEnd(30)} training steps of every model (default ${BN.steps})
${'  --hidden N'.padEnd(30)} hidden units of encoder and decoder (default ${BN.hiddenSize})
${'  --tasks A,B,..'.padEnd(30)} ${BOTTLENECK_TASKS.join(', ')} (default: ${BN.tasks.join(',')})
${'  --forms A,B,..'.padEnd(30)} ${BOTTLENECK_FORMS.join(', ')} (default: ${BN.forms.join(',')})
${'  --quick'.padEnd(30)} a smoke test of seconds: H = ${BNQ.hiddenSize}, ${BNQ.steps} steps, lengths 1..${BNQ.trainLength}, ${BNQ.seeds} seed
${'  --json [FILE]'.padEnd(30)} one JSON object on stdout instead of the table; with FILE, written there too

reproduce chaos: RNNs as dynamical systems, three tables. (a) h = tanh(W h), W ~ N(0, g^2/N), N = ${CH.random.N}:
the largest Lyapunov exponent for g = ${CH.random.gs[0]}..${CH.random.gs[CH.random.gs.length - 1]}, and where it changes sign (Sompolinsky, Crisanti &
Sommers 1988: g = 1). (b) ${CH.trained.cells.map((c) => c.toUpperCase()).join(', ')} (H = ${CH.trained.hiddenSize}) trained on the ${CH.trained.task}, then without input from two
starts ${CH.trained.perturbation} apart: the distance at t = ${CH.trained.horizons.join(', ')} and the fitted exponent; the CFN's converge.
(c) an ESN of ${CH.esn.units} units with the ridge readout forecasting Lorenz closed-loop: the valid prediction time
in Lyapunov times over ${CH.esn.starts} held-out starts (min, median, mean; the criterion: median >= ${ESN_TARGET}).

${'  --seeds N'.padEnd(30)} matrices, trained models and reservoirs per setting (default ${CH.seeds})
${'  --quick'.padEnd(30)} a smoke test of seconds: N = ${CHQ.random.N}, H = ${CHQ.trained.hiddenSize}, an ESN of ${CHQ.esn.units}, ${CHQ.seeds} seed
${'  --json [FILE]'.padEnd(30)} one JSON object on stdout instead of the tables; with FILE, written there too`;
  }
  if (cmd === 'recipes') return 'usage: rnnlab recipes [--json]\n\nLists lab.recipes: the task, its settings and what they measured.';
  return USAGE;
}
