// helpers/cli.mjs - the `rnnlab` command run as a user runs it, for the CLI tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** the repository's root */
export const root = fileURLToPath(new URL('../..', import.meta.url));
/** the CLI's entry */
export const cli = join(root, 'cli/rnnlab.mjs');

/** Runs the CLI from the root; resolves { code, stdout, stderr } whatever the exit code.
 * @param {...string} args @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
export function rnnlab(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}
