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
 * Owns: the entry: finding the command, parsing its options (options.mjs), printing help
 * (help.mjs), loading the engine and calling the command (commands/*.mjs), and exit codes:
 * 0 done, 1 an error from the engine or a file, 2 a usage error, 130 stopped by Ctrl-C (set by
 * the command).
 * Does not own: any option, any command's work, any output format. Every number printed comes
 * from lab.train's result or task.evaluate.
 *
 * Option names are the JS API's, in kebab case (hiddenSize -> --hidden-size); the camelCase form
 * (--hiddenSize) is accepted too, as the page's URL state writes them. No dependencies.
 */

import { load } from '../wasm/rnnlab.mjs';
import { COMMANDS, CliError, UsageError, parse } from './options.mjs';
import { help } from './help.mjs';
import { cmdTrain } from './commands/train.mjs';
import { cmdEval } from './commands/eval.mjs';
import { cmdReproduce } from './commands/reproduce.mjs';
import { cmdRecipes } from './commands/recipes.mjs';

/** @type {Record<keyof typeof COMMANDS, (lab: any, values: Record<string, any>, positionals: string[]) => unknown>} */
const RUN = { train: cmdTrain, eval: cmdEval, reproduce: cmdReproduce, recipes: cmdRecipes };

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
  await RUN[command](lab, values, positionals);
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
