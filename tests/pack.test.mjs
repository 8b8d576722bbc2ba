// pack.test.mjs - the npm package as a user gets it: `npm pack`, install the tarball into a fresh
// project (offline: the package has no dependencies), import 'rnnlab' there and run a forward.
// Skipped when the wasm builds are missing (make wasm), except under CI, where that is a failure.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const built = ['wasm/rnnlab.wasm', 'wasm/rnnlab-scalar.wasm'].every((f) => existsSync(join(root, f)));
const skip = !built && !process.env.CI ? 'wasm/rnnlab.wasm or wasm/rnnlab-scalar.wasm missing (run make wasm)' : false;

/** A child node that imports `from`, loads one build and prints a forward's result as JSON. */
async function probe(from, simd, cwd) {
  const code = `import { load } from ${JSON.stringify(from)};
const lab = await load({ simd: ${simd} });
const m = lab.createModel({ cell: 'lstm', inputSize: 3, hiddenSize: 5, outputSize: 3, layers: 2, seed: 17 });
const r = m.forward({ inputs: new Int32Array([0, 1, 2, 2, 1, 0]), targets: new Int32Array([1, 2, 0, -1, 0, 1]), batchSize: 2, length: 3 });
console.log(JSON.stringify({ simd: lab.simd, version: lab.version, loss: r.loss, outputs: Array.from(r.outputs) }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd });
  return JSON.parse(stdout);
}

test('npm pack -> npm install --offline -> import "rnnlab" runs a forward', { skip, timeout: 180_000 }, async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'rnnlab-pack-'));
  try {
    // --ignore-scripts: pack the files as built now (prepack would run make inside the test)
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: root });
    const [info] = JSON.parse(stdout);
    const files = info.files.map((f) => f.path).sort();
    for (const f of ['package.json', 'wasm/rnnlab.mjs', 'wasm/rnnlab.d.ts', 'wasm/rnnlab.wasm', 'wasm/rnnlab-scalar.wasm']) {
      assert.ok(files.includes(f), `tarball holds ${f} (has ${files.join(', ')})`);
    }
    assert.ok(!files.some((f) => /^(core|tests|web|build)\//.test(f)), `no sources or tests in the tarball: ${files.join(', ')}`);

    const app = join(tmp, 'app');
    await run('mkdir', [app]);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--offline', join(tmp, info.filename)], { cwd: app });
    const installed = JSON.parse(await readFile(join(app, 'node_modules/rnnlab/package.json'), 'utf8'));
    assert.equal(installed.name, 'rnnlab');
    assert.ok(existsSync(join(app, 'node_modules/rnnlab', installed.types)), 'the types file is installed');

    for (const simd of [true, false]) {
      const got = await probe('rnnlab', simd, app);
      assert.equal(got.simd, simd);
      assert.equal(got.version, installed.version);
      assert.equal(got.outputs.length, 2 * 3 * 3);
      assert.ok(Number.isFinite(got.loss) && got.loss > 0);
      // the same numbers as the repo's own files give
      assert.deepEqual(got, await probe(new URL('../wasm/rnnlab.mjs', import.meta.url).href, simd, root));
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
