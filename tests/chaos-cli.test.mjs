// chaos-cli.test.mjs - `rnnlab reproduce chaos --quick` (cli/commands/chaos.mjs) as a user runs it:
// a child node process, its tables on stdout and the same numbers in --json FILE. The quick
// instance is small (N = 100, H = 16, an ESN of 200 units, one seed; about a second), so this
// checks the plumbing and the tables' content: the random networks' exponent negative at g = 0.5
// and positive at g = 2 with the sign change between, the trained CFN's two input-free
// trajectories converging, the ESN's valid time reported in Lyapunov times. The full-size numbers:
// rnnlab reproduce chaos (README). Bad options are refused by name. Needs the wasm builds (make).
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rnnlab } from './helpers/cli.mjs';

test('reproduce chaos --quick --json FILE: three tables on stdout, their numbers in the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-chaos-'));
  try {
    const file = join(dir, 'chaos.json');
    const r = await rnnlab('reproduce', 'chaos', '--quick', '--json', file);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^rnnlab reproduce chaos: RNNs as dynamical systems; 1 seed, --quick/);
    assert.match(r.stderr, /random N = 100, g = 0\.50: exponent -0\.\d+/, 'progress on stderr');

    // (a) the table of g against the exponent: negative at 0.5, positive at 2, the sign change between
    const rows = Object.fromEntries([...out.matchAll(/^(\d\.\d\d) +(-?\d+\.\d{4}) /gm)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(Object.keys(rows), ['0.50', '0.80', '1.20', '1.60', '2.00']);
    assert.ok(rows['0.50'] < -0.5 && rows['0.50'] > -0.8, `g 0.5: ${rows['0.50']} (ln 0.5 = -0.69)`);
    assert.ok(rows['2.00'] > 0.05, `g 2: ${rows['2.00']}`);
    const crossing = Number(/the exponent changes sign at g = (\d\.\d+)/.exec(out)?.[1]);
    assert.ok(crossing > 0.8 && crossing < 1.2, `crossing ${crossing}`);
    assert.match(out, /\(quick\) the exponent changes sign at g = [\d.]+ \(Sompolinsky, Crisanti & Sommers 1988: g = 1\); negative at g = 0\.5 and positive at g = 2 for every matrix: yes/);

    // (b) one row per cell, every cell learned the flip-flop, the CFN converges
    const cells = Object.fromEntries([...out.matchAll(/^(lstm|gru|cfn) +(\d\.\d{4}) +(.*)$/gm)].map((m) => [m[1], { acc: Number(m[2]), rest: m[3].trim().split(/ +/) }]));
    assert.deepEqual(Object.keys(cells), ['lstm', 'gru', 'cfn']);
    for (const [cell, c] of Object.entries(cells)) assert.ok(c.acc > 0.95, `${cell} bit accuracy ${c.acc}`);
    const cfn = cells.cfn.rest; // t=0 .. t=200, fitted, exponent, converge
    assert.equal(cfn.length, 5 + 3);
    assert.ok(Number(cfn[0]) > 5e-8 && Number(cfn[0]) < 2e-7, `first separation ${cfn[0]}`);
    assert.ok(Number(cfn[4]) < 1e-2 * Number(cfn[0]), `CFN distance at t = 200: ${cfn[4]}`);
    assert.ok(Number(cfn[5]) < 0 && Number(cfn[6]) < 0, `CFN exponents ${cfn[5]}, ${cfn[6]}`);
    assert.equal(cfn[7], 'yes');
    assert.match(out, /\(quick\) the CFN's two trajectories converge \(last distance < 0\.01 x the first, every seed\): yes/);

    // (c) the ESN row and its criterion line
    const esn = /^1 +[\d.]+ s +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d)$/m.exec(out);
    assert.ok(esn, out);
    const [min, med, mean] = esn.slice(1).map(Number);
    assert.ok(min <= med && min <= mean && min > 0, `${min} ${med} ${mean}`);
    assert.ok(med >= 5, `a 200-unit ESN's median valid time: ${med} Lyapunov times`);
    assert.match(out, /\(quick\) the median valid time >= 5 Lyapunov times for every seed: yes/);
    assert.match(out, new RegExp(`JSON written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    const j = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(j.experiment, 'chaos');
    assert.deepEqual(j.random.rows.map((x) => x.g), [0.5, 0.8, 1.2, 1.6, 2]);
    assert.equal(j.random.rows[0].mean.toFixed(4), rows['0.50'].toFixed(4), 'the file holds the table\'s numbers');
    assert.equal(j.random.criterion.met, true);
    assert.equal(j.trained.criterion.met, true);
    assert.equal(j.trained.runs.length, 3);
    assert.equal(j.trained.runs[2].divergence.length, 201);
    assert.equal(j.esn.runs[0].validTime.length, 4);
    assert.equal(j.esn.summary.median.toFixed(2), med.toFixed(2));
    assert.equal(j.esn.criterion.met, true);
    assert.equal(j.aborted, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('reproduce chaos refuses the other experiments\' options and bad seeds, by name', async () => {
  const steps = await rnnlab('reproduce', 'chaos', '--steps', '5');
  assert.equal(steps.code, 2);
  assert.match(steps.stderr, /--steps is not an option of 'rnnlab reproduce chaos' \(it takes --seeds, --quick, --json \[FILE\], --quiet\)/);
  const seeds = await rnnlab('reproduce', 'chaos', '--seeds', '0');
  assert.equal(seeds.code, 2);
  assert.match(seeds.stderr, /--seeds must be an integer in 1\.\.100 \(got 0\)/);
  const name = await rnnlab('reproduce', 'chaotic');
  assert.match(name.stderr, /nothing to reproduce for 'chaotic' \(known: 1997, bottleneck, chaos\)/);
  const help = await rnnlab('reproduce', '--help');
  assert.match(help.stdout, /rnnlab reproduce chaos \[--seeds N\] \[--quick\] \[--json \[FILE\]\]/);
});
