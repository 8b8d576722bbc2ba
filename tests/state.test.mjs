// @ts-check
/* state.test.mjs - web/state.js: the playground's config <-> URL hash, pure functions in Node. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { PROPS, PRESETS, TASK_NAMES, defaults, parse, serialize } from '../dist/state.js';

test('an empty or unrelated hash gives the defaults (the parity preset)', () => {
  const d = defaults();
  assert.deepEqual(parse(''), d);
  assert.deepEqual(parse('#'), d);
  assert.deepEqual(parse('#foo=bar&x'), d);
  assert.equal(d.task, 'parity');
  for (const [k, v] of Object.entries(PRESETS.parity)) assert.equal(/** @type {any} */ (d)[k], v, k);
});

test('serialize then parse gives the state back, for every enum value and edge number', () => {
  const states = [defaults()];
  for (const p of PROPS) {
    const values = p.type === 'enum' ? p.values : [p.min, p.max, p.default];
    for (const v of values) states.push({ ...defaults(), [p.name]: v });
  }
  states.push({ ...defaults(), lr: 0.00316, seed: 123456789, hidden: 7, task: 'temporal-order', cell: 'gru', gru: 'cho' });
  states.push({ ...defaults(), task: 'reverse', clip: 0, bptt: 25, bidir: 'yes', temp: 1.25, beam: 16, corpus: 'c' });
  for (const s of states) {
    const h = serialize(s);
    assert.deepEqual(parse(h), s, h);
    assert.deepEqual(parse(`#${h}`), s, h);
    assert.equal(serialize(parse(h)), h);
  }
});

test('the hash lists every key in table order, readable', () => {
  assert.equal(serialize(defaults()),
    'task=parity&cell=lstm&variant=standard&gru=pytorch&hidden=16&layers=1&bidir=no&optimizer=adam&lr=0.01'
    + '&clip=1&batch=32&bptt=0&seed=1&corpus=grammar&temp=0.8&beam=4&data=sine-phase');
  assert.equal(serialize({ ...defaults(), task: 'temporal-order' }).split('&')[0], 'task=temporal-order');
});

test('invalid values are ignored key by key, valid ones kept', () => {
  const s = parse('#task=nope&cell=gru&hidden=0&layers=2.5&lr=-1&batch=1e1&seed=abc&optimizer=sgd');
  assert.equal(s.task, 'parity');
  assert.equal(s.cell, 'gru');
  assert.equal(s.hidden, 16, 'below min');
  assert.equal(s.layers, 1, 'not an integer');
  assert.equal(s.lr, 0.01, 'negative');
  assert.equal(s.batch, 10, 'exponent form is a number');
  assert.equal(s.seed, 1);
  assert.equal(s.optimizer, 'sgd');
  assert.equal(parse('hidden=999').hidden, 16, 'above max');
  assert.equal(parse('lr=Infinity').lr, 0.01);
  assert.equal(parse('hidden=0x10').hidden, 16, 'hex refused');
  assert.equal(parse('hidden=').hidden, 16, 'empty refused');
  assert.equal(parse('clip=-1').clip, 1, 'negative clip refused');
  assert.equal(parse('bptt=2.5').bptt, 0, 'non-integer BPTT refused');
  assert.equal(parse('bidir=maybe').bidir, 'no');
  assert.equal(parse('temp=3').temp, 0.8, 'temperature above 2 refused');
});

test('the embed flag and other unknown keys are left to the page', () => {
  assert.deepEqual(parse('#task=copy&embed=1'), { ...defaults(), task: 'copy' });
  assert.ok(!serialize(parse('embed=1')).includes('embed'));
});

test('every task has a preset, and every preset is valid under the table', () => {
  for (const t of TASK_NAMES) {
    assert.ok(PRESETS[t], t);
    const s = { ...defaults(), task: t, ...PRESETS[t] };
    assert.deepEqual(parse(serialize(s)), s, t);
  }
});
