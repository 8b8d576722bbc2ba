// imports.test.mjs - the module graph of wasm/, web/ and cli/ has no import circles (issue 11):
// every relative static import (import ... from, export ... from, import '...') and every literal
// dynamic import() is followed; a circle fails with its path. Also: the shared names have one
// home (wasm/names.mjs), so no other module spells out the cell list or the LSTM variant table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['wasm', 'web', 'cli'];

/** @param {string} dir @returns {string[]} */
function modules(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'vendor' ? [] : modules(p);
    return /\.(mjs|js)$/.test(name) ? [p] : [];
  });
}

/** Relative imports of one file, resolved to absolute paths. @param {string} file */
function importsOf(file) {
  const src = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [
    ...src.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g),
    ...src.matchAll(/(?:^|[;\s])import\s*['"]([^'"]+)['"]/g),
    ...src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

/** The first circle in graph as a list of nodes (first = last), or null. @param {Map<string, string[]>} graph */
function findCircle(graph) {
  const state = new Map(); // 1 on the stack, 2 done
  /** @param {string} f @param {string[]} path @returns {string[] | null} */
  const visit = (f, path) => {
    if (state.get(f) === 2) return null;
    if (state.get(f) === 1) return [...path.slice(path.indexOf(f)), f];
    state.set(f, 1);
    for (const d of graph.get(f) ?? []) {
      const c = graph.has(d) ? visit(d, [...path, f]) : null;
      if (c) return c;
    }
    state.set(f, 2);
    return null;
  };
  for (const f of graph.keys()) {
    const c = visit(f, []);
    if (c) return c;
  }
  return null;
}

test('no import circles in wasm/, web/ or cli/', () => {
  const files = FOLDERS.flatMap((f) => modules(join(root, f)));
  assert.ok(files.length > 20, `found ${files.length} modules`);
  /** @type {Map<string, string[]>} */
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  let edges = 0;
  for (const deps of graph.values()) edges += deps.length;
  assert.ok(edges > 20, `found ${edges} imports`);
  const circle = findCircle(graph);
  assert.equal(circle, null, `import circle: ${(circle ?? []).map((p) => relative(root, p)).join(' -> ')}`);
});

test('the import reader and the circle finder work (so the test above cannot pass by finding nothing)', () => {
  const deps = importsOf(join(root, 'wasm', 'rnnlab.mjs')).map((p) => relative(root, p));
  for (const expected of ['wasm/check.mjs', 'wasm/names.mjs', 'wasm/handles.mjs', 'wasm/tasks.mjs'])
    assert.ok(deps.includes(expected), `rnnlab.mjs imports ${expected} (found ${deps.join(', ')})`);
  const g = new Map([['run', ['seq2seq']], ['seq2seq', ['tasks']], ['tasks', ['run']], ['names', []]]);
  assert.deepEqual(findCircle(g), ['run', 'seq2seq', 'tasks', 'run']); // the circle issue 11 removed
  g.set('tasks', ['names']);
  assert.equal(findCircle(g), null);
});

test('shared names are spelled out only in wasm/names.mjs', () => {
  const files = FOLDERS.flatMap((f) => modules(join(root, f))).filter((f) => !f.endsWith(join('wasm', 'names.mjs')));
  // a literal list of the cells or of Greff's variants, in any quote style
  const lists = [/['"]rnn['"],\s*['"]lstm['"],\s*['"]gru['"]/, /['"]NIG['"],\s*['"]NFG['"],\s*['"]NOG['"]/];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const re of lists) assert.ok(!re.test(src), `${relative(root, f)} copies a list of names (${re}); import it from wasm/names.mjs`);
  }
});
