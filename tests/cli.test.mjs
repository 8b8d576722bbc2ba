// cli.test.mjs - the command line (cli/rnnlab.mjs) as a user runs it: a child node process per
// command, its stdout, stderr and exit code. Training runs are the quick recipes (parity: about
// 100 steps); the reproduction runs its reduced instances with a small step budget, so this file
// checks the plumbing and the table, not the paper's numbers (the full run: rnnlab reproduce 1997).
// Needs the wasm builds (make).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, rnnlab, root } from './helpers/cli.mjs';

test('package.json names the CLI as a bin, and the file is an executable node script', async () => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.bin, { rnnlab: 'cli/rnnlab.mjs' });
  assert.ok(pkg.files.includes('cli/'), 'the npm tarball ships cli/: the entry and the modules it imports');
  assert.ok((await readFile(cli, 'utf8')).startsWith('#!/usr/bin/env node\n'));
  assert.ok(statSync(cli).mode & 0o100, 'executable');
});

test('train --task parity: the recipe meets the criterion in seconds; the last line is the test', async () => {
  const r = await rnnlab('train', '--task', 'parity');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /task parity \(recipe 'parity'\), lstm H=16/);
  assert.ok(lines.some((l) => /^step \d+\/2000 /.test(l)), 'plain progress lines when stdout is not a terminal');
  assert.ok(!r.stdout.includes('\r'), 'no progress bar on a pipe');
  assert.match(r.stdout, /^solved at step \d+: [\d,]+ sequences/m);
  const last = lines.at(-1);
  const m = /^test \(fresh held-out data\): accuracy ([\d.]+) on 1,000 sequences of length 100 .*; solved$/.exec(last);
  assert.ok(m, last);
  assert.ok(Number(m[1]) >= 0.99, last);
});

test('train --task reverse: a sequence-to-sequence task trains an encoder-decoder', async () => {
  const r = await rnnlab('train', '--task', 'reverse', '--length', '4', '--eval-length', '4', '--hidden-size', '32',
    '--learning-rate', '0.01', '--batch-size', '32', '--eval-every', '250', '--max-steps', '3000', '--teacher-forcing', '0.8');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /task reverse .*gru H=32/);
  const last = r.stdout.trim().split('\n').at(-1);
  const m = /^test \(fresh held-out data\): accuracy ([\d.]+) on 1,000 sequences of length 4 .*; solved$/.exec(last);
  assert.ok(m && Number(m[1]) >= 0.99, last);
});

test('train --task reverse --save writes the encoder-decoder; eval --model scores it as train tested it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-cli-'));
  try {
    const file = join(dir, 'reverse.rnnlab');
    const common = ['--length', '4', '--eval-length', '4', '--test-count', '200'];
    const t = await rnnlab('train', '--task', 'reverse', ...common, '--hidden-size', '16', '--max-steps', '40', '--json', '--save', file);
    assert.equal(t.code, 0, t.stderr);
    const trained = JSON.parse(t.stdout);
    assert.equal(trained.saved.bytes, statSync(file).size);
    const e = await rnnlab('eval', '--model', file, '--task', 'reverse', ...common, '--json');
    assert.equal(e.code, 0, e.stderr);
    const evaluated = JSON.parse(e.stdout);
    for (const k of ['accuracy', 'stepAccuracy', 'loss', 'sequences']) assert.equal(evaluated.test[k], trained.test[k], `test.${k}`);
    assert.deepEqual(evaluated.model, trained.model);
    const beam = await rnnlab('eval', '--model', file, '--task', 'reverse', ...common, '--beam-width', '3');
    assert.equal(beam.code, 0, beam.stderr);
    assert.match(beam.stdout, /^test \(fresh held-out data\): accuracy [\d.]+ on 200 sequences of length 4/m);
    const plain = await rnnlab('eval', '--model', file, '--task', 'parity');
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /is an encoder-decoder: evaluate it on a sequence-to-sequence task/);
    const pfile = join(dir, 'parity.rnnlab');
    assert.equal((await rnnlab('train', '--task', 'parity', '--max-steps', '5', '--quiet', '--save', pfile)).code, 0);
    const other = await rnnlab('eval', '--model', pfile, '--task', 'reverse');
    assert.equal(other.code, 1);
    assert.match(other.stderr, /task 'reverse' is sequence-to-sequence: --model must be an encoder-decoder/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('train --json: one JSON object with the result; camelCase options work as kebab-case ones', async () => {
  const r = await rnnlab('train', '--task', 'parity', '--cell', 'gru', '--hiddenSize', '12', '--learning-rate', '0.02', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.command, 'train');
  assert.equal(j.task, 'parity');
  assert.equal(j.recipe, 'parity');
  assert.equal(j.model.cell, 'gru');
  assert.equal(j.model.hiddenSize, 12);
  assert.equal(j.trainer.learningRate, Math.fround(0.02));
  assert.equal(j.solved, true, `stop: ${j.stop}`);
  assert.ok(j.test.accuracy >= 0.99, `test accuracy ${j.test.accuracy}`);
  assert.equal(j.sequences, j.steps * 32);
  assert.equal(j.solvedAt.sequences, j.sequences);
  assert.ok(!('history' in j));
});

test('usage errors exit 2 and name the problem; engine errors exit 1', async () => {
  let r = await rnnlab('train', '--task', 'parity', '--hiden-size', '8');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--hiden-size' \(did you mean --hidden-size\?\)/);
  assert.match(r.stderr, /rnnlab train --help/);
  assert.equal(r.stdout, '');
  r = await rnnlab('train', '--task', 'parity', '--seeds', '3');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--seeds' \(it is an option of 'rnnlab reproduce'\)/);
  r = await rnnlab('train', '--task', 'parity', '--hidden-size', 'big');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--hidden-size: 'big' is not a number/);
  r = await rnnlab('train', '--task', 'sorting');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown task 'sorting' \(known: parity, addition/);
  r = await rnnlab('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  r = await rnnlab('train', '--task', 'parity', '--cell', 'gruu');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^rnnlab train: error: config\.cell must be one of rnn, lstm, gru/);
  r = await rnnlab('train', '--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--hidden-size N/);
});

test('--save writes the model; eval --model scores it as train tested it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-cli-'));
  try {
    const file = join(dir, 'parity.rnnlab');
    const t = await rnnlab('train', '--task', 'parity', '--json', '--save', file);
    assert.equal(t.code, 0, t.stderr);
    const trained = JSON.parse(t.stdout);
    assert.ok(existsSync(file));
    assert.equal(trained.saved.bytes, statSync(file).size);
    const e = await rnnlab('eval', '--model', file, '--task', 'parity', '--json');
    assert.equal(e.code, 0, e.stderr);
    const evaluated = JSON.parse(e.stdout);
    assert.deepEqual(evaluated.test, trained.test, 'the same held-out test set, the same numbers');
    assert.deepEqual(evaluated.model, trained.model);
    const wrong = await rnnlab('eval', '--model', file, '--task', 'adding');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /task 'adding' needs a model with input 'dense'/);
    const missing = await rnnlab('eval', '--task', 'parity');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--model FILE is required/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('reproduce 1997 --quick: four experiments, a table beside the paper\'s numbers', async () => {
  const r = await rnnlab('reproduce', '1997', '--quick', '--seeds', '1', '--max-steps', '150');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const header = lines.findIndex((l) => /^experiment +solved +median sequences +range +paper \(H&S 1997\) +fewer than the paper\?$/.test(l));
  assert.ok(header > 0, r.stdout);
  const rows = lines.slice(header + 1, header + 5);
  assert.match(rows[0], /^embedded Reber grammar +[01]\/1 .*100% after 8,440-39,740/);
  assert.match(rows[1], /^adding, T = 30 .*74,000/);
  assert.match(rows[2], /^temporal order 6a, T = 50 .*31,390/);
  assert.match(rows[3], /^temporal order 6b, T = 50 .*571,100/);
  assert.match(r.stdout, /wall time [\d.]+ s/);
  const j = await rnnlab('reproduce', '1997', '--quick', '--seeds', '1', '--max-steps', '10', '--json');
  assert.equal(j.code, 0, j.stderr);
  const out = JSON.parse(j.stdout);
  assert.deepEqual(out.experiments.map((x) => x.id), ['reber', 'adding', '6a', '6b']);
  assert.ok(out.experiments.every((x) => x.seeds === 1 && x.runs[0].steps === 10));
  const bad = await rnnlab('reproduce', '1998');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /known: 1997/);
});

test('train --csv: an example file trains and reports the held-out RMSE; a bad file names itself and the line, exit 1; eval --csv repeats the test', async () => {
  const r = await rnnlab('train', '--csv', 'web/examples/sine-phase.csv', '--inputs', 'x', '--target', 'next', '--target-at', 'step',
    '--max-steps', '300', '--seed', '1');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /task csv, lstm H=16/);
  assert.match(r.stdout, /^data: web\/examples\/sine-phase\.csv: 80 sequences of up to 50 steps \(64 train, 16 held out\); inputs x; regression of 'next'/m);
  const last = r.stdout.trim().split('\n').at(-1);
  const m = /^test \(held-out split\): RMSE ([\d.]+) on 16 sequences .*predicting the training mean: ([\d.]+) \(ratio ([\d.]+)/.exec(last);
  assert.ok(m, last);
  assert.ok(Number(m[1]) < 0.2 && Number(m[3]) < 0.3, last);
  const j = await rnnlab('train', '--csv', 'web/examples/two-class.csv', '--max-steps', '600', '--json');
  assert.equal(j.code, 0, j.stderr);
  const out = JSON.parse(j.stdout);
  assert.equal(out.task, 'csv');
  assert.deepEqual(out.csv.labels, ['falling', 'rising']);
  assert.ok(out.test.accuracy >= 0.95, `accuracy ${out.test.accuracy}`);
  assert.ok(!('text' in out.taskOptions));

  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-csv-'));
  try {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'seq,x,y\na,1,2\na,2,3\nb,oops,4\n');
    const b = await rnnlab('train', '--csv', bad);
    assert.equal(b.code, 1);
    assert.equal(b.stderr.trim(), `rnnlab train: error: ${bad}: csv line 4, column "x": "oops" is not a number`);
    const missing = await rnnlab('train', '--csv', join(dir, 'none.csv'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read --csv .*none\.csv/);
    const col = await rnnlab('train', '--csv', 'web/examples/sine-phase.csv', '--target', 'phase');
    assert.equal(col.code, 1);
    assert.match(col.stderr, /sine-phase\.csv: target: no column named 'phase' \(columns: seq, x, next\)/);
    const usage = await rnnlab('train', '--task', 'parity', '--target-at', 'end');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--target-at is for --csv FILE/);

    // eval --csv: the saved model on the same split gives train's held-out result exactly
    const model = join(dir, 'two.rnnlab');
    const t2 = await rnnlab('train', '--csv', 'web/examples/two-class.csv', '--max-steps', '200', '--seed', '3', '--save', model, '--json');
    assert.equal(t2.code, 0, t2.stderr);
    const e2 = await rnnlab('eval', '--model', model, '--csv', 'web/examples/two-class.csv', '--seed', '3', '--json');
    assert.equal(e2.code, 0, e2.stderr);
    const [trained, evaluated] = [JSON.parse(t2.stdout), JSON.parse(e2.stdout)];
    assert.equal(evaluated.command, 'eval');
    assert.deepEqual(evaluated.csv.split, trained.csv.split);
    assert.deepEqual(evaluated.test, trained.test, 'the same held-out sequences, the same scores');
    const text = await rnnlab('eval', '--model', model, '--csv', 'web/examples/two-class.csv', '--seed', '3');
    assert.match(text.stdout, /^test \(held-out split\): accuracy [\d.]+ on \d+ sequences/m);
    const misfit = await rnnlab('eval', '--model', model, '--csv', 'web/examples/sine-phase.csv', '--inputs', 'x', '--target', 'next');
    assert.equal(misfit.code, 1);
    assert.match(misfit.stderr, /two\.rnnlab \(1 inputs, 2 softmax outputs\) does not fit web\/examples\/sine-phase\.csv as given \(1 inputs, 1 linear outputs\)/);
    const wrongOpt = await rnnlab('eval', '--model', model, '--csv', 'web/examples/two-class.csv', '--test-count', '5');
    assert.equal(wrongOpt.code, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('reproduce bottleneck --quick --json FILE: the table on stdout, its JSON in the file (tasks x lengths x forms, per seed); attention beats none on reverse', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-bottleneck-'));
  try {
    const file = join(dir, 'bottleneck.json');
    const r = await rnnlab('reproduce', 'bottleneck', '--quick', '--json', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^task +length +none +additive$/m);
    assert.match(r.stdout, /^reverse +10 +[\d.]+% \([\d.]+%\) +[\d.]+% \([\d.]+%\)$/m);
    assert.match(r.stdout, /^dates +natural /m);
    assert.match(r.stdout, /^\(quick\) criterion, additive attention >= 99% exact match on reverse up to length 20 and on dates, every seed: not measured/m);
    assert.match(r.stdout, /^\(quick\) without attention, the mean exact match falls below 50%: reverse /m);
    assert.match(r.stdout, /wall time [\d.]+ s; JSON written to /);
    assert.match(r.stderr, /^ {2}reverse, additive, seed 1: 400 steps, /m, 'progress on stderr');
    const j = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(j.command, 'reproduce');
    assert.equal(j.experiment, 'bottleneck');
    assert.equal(typeof j.version, 'string');
    assert.equal(typeof j.simd, 'boolean');
    assert.equal(j.settings.quick, true);
    assert.equal(j.settings.steps, 400);
    assert.deepEqual(j.tasks, ['reverse', 'copy', 'dates']);
    assert.deepEqual(j.forms, ['none', 'additive']);
    assert.deepEqual(j.seeds, [1]);
    assert.deepEqual(j.lengths, { reverse: [5, 10], copy: [5, 10], dates: [null] });
    assert.deepEqual(j.results.map((x) => [x.task, x.length]), [['reverse', 5], ['reverse', 10], ['copy', 5], ['copy', 10], ['dates', null]]);
    for (const row of j.results) {
      assert.deepEqual(Object.keys(row.forms), ['none', 'additive']);
      for (const c of Object.values(row.forms)) {
        assert.equal(c.bySeed.length, 1);
        assert.ok(c.mean >= 0 && c.mean <= 1 && c.min === c.mean && c.max === c.mean, JSON.stringify(c));
      }
    }
    assert.equal(j.runs.length, 3 * 2);
    assert.equal(j.aborted, false);
    // the point of the figure at the quick settings (H = 24, 400 steps, lengths 1..10): at length 10
    // seed 1 measured additive 0.87, none 0.00; seeds 1..5: additive 0.87-1.00, none 0.00-0.01
    const longest = j.results.find((x) => x.task === 'reverse' && x.length === 10).forms;
    assert.ok(longest.additive.mean >= longest.none.mean + 0.5, `reverse at length 10: additive ${longest.additive.mean}, none ${longest.none.mean}`);

    const only = await rnnlab('reproduce', 'bottleneck', '--quick', '--tasks', 'reverse', '--forms', 'dot,none', '--steps', '5', '--json');
    assert.equal(only.code, 0, only.stderr);
    const o = JSON.parse(only.stdout);
    assert.deepEqual([o.tasks, o.forms, o.runs.map((x) => x.steps)], [['reverse'], ['none', 'dot'], [5, 5]]);
    assert.equal(o.criterion[0].met, null, 'no dates: the criterion is not measured');
    const bad = await rnnlab('reproduce', 'bottleneck', '--tasks', 'sorting');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--tasks: unknown 'sorting' \(known: reverse, copy, dates\)/);
    const name = await rnnlab('reproduce', 'bottle');
    assert.equal(name.code, 2);
    assert.match(name.stderr, /nothing to reproduce for 'bottle' \(known: 1997, bottleneck, chaos\)/);
    const mixed = await rnnlab('reproduce', '1997', '--hidden', '8');
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--hidden is an option of 'rnnlab reproduce bottleneck'/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
