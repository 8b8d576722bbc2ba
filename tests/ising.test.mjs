// The 2-D Ising model (issue 13): on a 32 x 32 lattice the magnetisation falls across Onsager's
// T_c = 2.269 (|m| near 1 at T = 1.5, small at 3.5) and the energy per site is near -2 at low T;
// Metropolis and heat bath agree; on 3 x 3 and 4 x 4 lattices the samplers' means match exact
// enumeration written here (and ising.exact()) within their error bars; determinism; the lattice
// as an Int8Array; bad input named, the object still usable.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../wasm/rnnlab.mjs';
import { ISING_TC } from '../wasm/ising.mjs';

const lab = await load();

/** exact <e>, <|m|> per site of an L x L periodic lattice at T, by enumerating 2^(L^2) states in double */
function exactIsing(L, T, J = 1, h = 0) {
  const N = L * L, ws = [];
  let best = -Infinity;
  for (let k = 0; k < 2 ** N; k++) {
    const s = (i) => ((k >> i) & 1 ? 1 : -1);
    let M = 0, B = 0;
    for (let y = 0; y < L; y++) for (let x = 0; x < L; x++) {
      const i = y * L + x;
      M += s(i);
      B += s(i) * (s(y * L + ((x + 1) % L)) + s(((y + 1) % L) * L + x));
    }
    const E = -J * B - h * M;
    ws.push([-E / T, E / N, Math.abs(M) / N]);
    best = Math.max(best, -E / T);
  }
  let Z = 0, e = 0, a = 0;
  for (const [lw, en, am] of ws) { const w = Math.exp(lw - best); Z += w; e += w * en; a += w * am; }
  return { energy: e / Z, absMagnetization: a / Z };
}

/** energy per site of a lattice, computed here */
function latticeEnergy(s, L, J, h) {
  let B = 0, M = 0;
  for (let y = 0; y < L; y++) for (let x = 0; x < L; x++) {
    const v = s[y * L + x];
    M += v;
    B += v * (s[y * L + ((x + 1) % L)] + s[((y + 1) % L) * L + x]);
  }
  return (-J * B - h * M) / (L * L);
}

const TEMPS = [1.5, 2.0, 2.269, 2.6, 3.0, 3.5];

test('32 x 32: |m| falls across T_c = 2.269, energy per site near -2 at low T; Metropolis and heat bath agree', () => {
  assert.ok(Math.abs(ISING_TC - 2.269185314) < 1e-9);
  /** @type {Record<string, any[]>} */
  const scans = {};
  for (const method of /** @type {const} */ (['metropolis', 'heatbath'])) {
    const is = lab.createIsing({ size: 32, seed: 7, start: 'up' });
    try {
      assert.equal(is.criticalTemperature, ISING_TC);
      const res = is.scan({ temperatures: TEMPS, sweeps: 3000, burnIn: 1000, method });
      scans[method] = res;
      const at = (T) => /** @type {any} */ (res.find((r) => Math.abs(r.temperature - T) < 1e-6));
      // measured, metropolis (heat bath), seed 7, T = 1.5 2.0 2.269 2.6 3.0 3.5:
      //   |m| 0.9865 0.9139 0.533 0.167 0.087 0.061  (0.9865 0.9132 0.613 0.151 0.079 0.061)
      //   e  -1.9508 -1.7475 -1.405 -1.028 -0.813 -0.661  (-1.9511 -1.7468 -1.423 -1.026 -0.818 -0.659)
      assert.ok(at(1.5).absMagnetization > 0.9, `|m|(1.5) = ${at(1.5).absMagnetization}`);
      assert.ok(Math.abs(at(1.5).absMagnetization - is.onsagerMagnetization(1.5)) < 0.01, 'Onsager at T = 1.5: 0.9865');
      assert.ok(Math.abs(at(2.0).absMagnetization - is.onsagerMagnetization(2.0)) < 0.02, 'Onsager at T = 2.0: 0.9113');
      assert.ok(at(3.5).absMagnetization < 0.2, `|m|(3.5) = ${at(3.5).absMagnetization}`);
      assert.ok(at(2.0).absMagnetization - at(2.6).absMagnetization > 0.5, 'the drop straddles T_c');
      for (let k = 1; k < res.length; k++) {
        assert.ok(res[k].absMagnetization < res[k - 1].absMagnetization + 3 * res[k].absMagnetizationError, `|m| falls: T = ${res[k].temperature}`);
        assert.ok(res[k].energy > res[k - 1].energy, `e rises with T: T = ${res[k].temperature}`);
      }
      assert.ok(at(1.5).energy > -2 && at(1.5).energy < -1.9, `e(1.5) = ${at(1.5).energy}`);
      assert.ok(at(1.5).absMagnetizationError > 0 && at(1.5).energyError > 0 && at(1.5).energyError < 0.01, 'error bars');
      assert.ok(at(2.269).specificHeat > at(1.5).specificHeat && at(2.269).specificHeat > at(3.5).specificHeat, 'C peaks near T_c');
      assert.equal(at(1.5).sweeps, 3000);
      is.setLattice(new Int8Array(32 * 32).fill(1)); // from the ordered state: the scan left it disordered at T = 3.5
      const cold = is.measure({ temperature: 1.0, sweeps: 500, burnIn: 100, method });
      assert.ok(cold.energy < -1.99 && cold.absMagnetization > 0.995, `T = 1: e ${cold.energy}, |m| ${cold.absMagnetization}`);
    } finally { is.free(); }
  }
  // away from T_c (where both are slow and noisy) the two samplers agree within their error bars
  for (let k = 0; k < TEMPS.length; k++) {
    if (Math.abs(TEMPS[k] - 2.3) < 0.35) continue;
    const a = scans.metropolis[k], b = scans.heatbath[k];
    const tolM = 4 * Math.hypot(a.absMagnetizationError, b.absMagnetizationError) + 0.005, tolE = 4 * Math.hypot(a.energyError, b.energyError) + 0.005;
    assert.ok(Math.abs(a.absMagnetization - b.absMagnetization) < tolM, `T = ${TEMPS[k]}: |m| ${a.absMagnetization} vs ${b.absMagnetization}`);
    assert.ok(Math.abs(a.energy - b.energy) < tolE, `T = ${TEMPS[k]}: e ${a.energy} vs ${b.energy}`);
  }
});

test('3 x 3 and 4 x 4: the samplers\' means match exact enumeration within their error bars', () => {
  for (const L of [3, 4]) {
    for (const [J, h] of [[1, 0], [0.7, 0.4]]) {
      const is = lab.createIsing({ size: L, coupling: J, field: h, seed: 11 });
      try {
        for (const T of [1.5, 2.269, 3.5]) {
          const ex = exactIsing(L, T, Math.fround(J), Math.fround(h)), lib = is.exact({ temperature: T });
          assert.ok(Math.abs(lib.energy - ex.energy) < 1e-5 && Math.abs(lib.absMagnetization - ex.absMagnetization) < 1e-5, `ising.exact(${L}, ${T}) vs the test's enumeration`);
          for (const method of /** @type {const} */ (['metropolis', 'heatbath'])) {
            const m = is.measure({ temperature: T, sweeps: 20000, burnIn: 500, blocks: 20, method });
            assert.ok(Math.abs(m.energy - ex.energy) < 4 * m.energyError + 1e-3, `L ${L} J ${J} h ${h} T ${T} ${method}: e ${m.energy} ± ${m.energyError} vs exact ${ex.energy}`);
            assert.ok(Math.abs(m.absMagnetization - ex.absMagnetization) < 4 * m.absMagnetizationError + 1e-3, `|m| ${m.absMagnetization} ± ${m.absMagnetizationError} vs ${ex.absMagnetization}`);
          }
        }
      } finally { is.free(); }
    }
  }
});

test('Metropolis leaves the free-flip cycle that typewriter order never left (3 x 3, T = 3.5)', () => {
  // in typewriter order every flip of a sweep from this state costs nothing: every spin flipped
  // every sweep, no coin was drawn, and the mean energy stayed at -2/9 instead of -0.917
  const is = lab.createIsing({ size: 3, seed: 16 });
  try {
    is.setLattice(new Int8Array([-1, 1, 1, -1, -1, 1, -1, -1, -1]));
    const m = is.measure({ temperature: 3.5, sweeps: 20000, burnIn: 0, blocks: 20 }), ex = exactIsing(3, 3.5);
    assert.ok(m.acceptance < 0.9, `acceptance ${m.acceptance}`);
    assert.ok(Math.abs(m.energy - ex.energy) < 4 * m.energyError + 1e-3, `e ${m.energy} ± ${m.energyError} vs exact ${ex.energy}`);
  } finally { is.free(); }
});

test('the lattice is an Int8Array of +-1; magnetisation and energy follow it; the same seed gives the same run', () => {
  const a = lab.createIsing({ size: 16, coupling: 1, field: 0.25, seed: 5 }), b = lab.createIsing({ size: 16, coupling: 1, field: 0.25, seed: 5 });
  const c = lab.createIsing({ size: 16, coupling: 1, field: 0.25, seed: 6 });
  try {
    assert.deepEqual(a.lattice, b.lattice);
    assert.notDeepEqual(a.lattice, c.lattice);
    for (const method of /** @type {const} */ (['metropolis', 'heatbath'])) {
      const ra = a.sweep({ temperature: 2.5, sweeps: 7, method }), rb = b.sweep({ temperature: 2.5, sweeps: 7, method });
      assert.deepEqual(ra, rb);
      assert.ok(ra.acceptance > 0 && ra.acceptance < 1);
    }
    const s = a.lattice;
    assert.ok(s instanceof Int8Array && s.length === 256 && s.every((v) => v === 1 || v === -1));
    assert.equal(a.magnetization, s.reduce((x, v) => x + v, 0) / 256);
    assert.ok(Math.abs(a.energy - latticeEnergy(s, 16, 1, Math.fround(0.25))) < 1e-12);
    assert.deepEqual([a.size, a.sites, a.coupling, a.field], [16, 256, 1, 0.25]);
    // a strong field at low temperature aligns the spins with it
    const f = lab.createIsing({ size: 8, field: -1, seed: 2 });
    f.sweep({ temperature: 1, sweeps: 50 });
    assert.ok(f.magnetization < -0.95, `m = ${f.magnetization}`);
    f.free();
    const up = lab.createIsing({ size: 4, start: 'up' }), down = lab.createIsing({ size: 4, start: 'down' });
    assert.deepEqual([up.magnetization, up.energy, down.magnetization], [1, -2, -1]);
    up.setLattice(new Int8Array(16).map((_, i) => (((i >> 2) + i) % 2 ? 1 : -1))); // a checkerboard: every bond broken
    assert.deepEqual([up.magnetization, up.energy], [0, 2]);
    up.free(), down.free();
  } finally { a.free(); b.free(); c.free(); }
});

test('bad input throws naming the argument; the lattice stays usable', () => {
  const is = lab.createIsing({ size: 5, seed: 1 });
  try {
    const before = is.lattice;
    const cases = [
      [() => is.sweep({ temperature: NaN }), /sweep: options.temperature must be a finite number > 0 \(got NaN\)/],
      [() => is.sweep({ temperature: 0 }), /sweep: options.temperature must be a finite number > 0 \(got 0\)/],
      [() => is.sweep({ temperature: -1 }), /options.temperature must be a finite number > 0/],
      [() => is.sweep({ temperature: 2, sweeps: 0 }), /sweep: options.sweeps must be an integer in 1\.\./],
      [() => is.sweep({ temperature: 2, method: 'wolff' }), /sweep: options.method must be 'metropolis' or 'heatbath' \(got 'wolff'\)/],
      [() => is.sweep({ temperature: 2, steps: 3 }), /sweep: unknown option 'steps'/],
      [() => is.measure({ temperature: 2, sweeps: 5, blocks: 10 }), /measure: options.sweeps must be an integer in 10\.\./],
      [() => is.measure({ temperature: 2, blocks: 1 }), /measure: options.blocks must be an integer in 2\.\./],
      [() => is.scan({ temperatures: [2, 'hot'] }), /scan: options.temperatures\[1\] must be a finite number > 0 \(got 'hot'\)/],
      [() => is.scan({ temperatures: [] }), /scan: options.temperatures is empty/],
      [() => is.exact({ temperature: 2 }), /exact: a 5 x 5 lattice: exact enumeration needs 2\^25 states, the limit is 2\^20/],
      [() => is.setLattice(new Int8Array(25)), /setLattice: spins\[0\] = 0: spins must be \+1 or -1/],
      [() => is.setLattice(new Int8Array(24).fill(1)), /setLattice: spins has 24 values, the 5 x 5 lattice has 25/],
      [() => is.setLattice(/** @type {any} */ (new Float32Array(25).fill(1))), /setLattice: spins must be an Int8Array/],
      [() => lab.createIsing({ size: 1 }), /createIsing: options.size must be an integer in 2..2048 \(got 1\)/],
      [() => lab.createIsing({ size: 4096 }), /createIsing: options.size must be an integer in 2..2048/],
      [() => lab.createIsing({ size: 8, coupling: NaN }), /createIsing: options.coupling must be a finite number \(got NaN\)/],
      [() => lab.createIsing({ size: 8, field: Infinity }), /createIsing: options.field must be a finite number/],
      [() => lab.createIsing({ size: 8, start: 'hot' }), /createIsing: options.start must be 'random', 'up' or 'down' \(got 'hot'\)/],
      [() => lab.createIsing({ size: 8, temperature: 2 }), /createIsing: unknown option 'temperature'/],
      [() => lab.createIsing(/** @type {any} */ (32)), /createIsing: options must be an object/],
    ];
    for (const [f, re] of cases) {
      assert.throws(f, (e) => e instanceof Error && re.test(e.message) && e.message.startsWith('rnnlab: '), String(re));
      assert.deepEqual(is.lattice, before, `nothing changed after ${re}`);
    }
    assert.ok(Number.isFinite(is.sweep({ temperature: 2 }).energy), 'still sweeps');
  } finally { is.free(); }
  assert.ok(is.freed);
  for (const f of [() => is.sweep({ temperature: 2 }), () => is.lattice, () => is.magnetization, () => is.measure({ temperature: 2 })])
    assert.throws(f, /the Ising lattice has been freed/);
  is.free(); // idempotent
});

test('the SIMD and scalar builds give the same bits (Ising sweeps, Boltzmann training)', async () => {
  const scalar = await load({ simd: false });
  const run = (/** @type {any} */ l) => {
    const is = l.createIsing({ size: 12, seed: 3 });
    const r = is.measure({ temperature: 2.3, sweeps: 40, burnIn: 5, method: 'heatbath' });
    const lattice = is.lattice;
    is.free();
    const bm = l.createBoltzmann({ visible: 6, hidden: 3, seed: 2 }, { method: 'sampled', sweeps: 3, chains: 4, optimizer: 'adam', learningRate: 0.05 });
    const data = { rows: 2, size: 6, data: new Float32Array([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0]) };
    const losses = Array.from({ length: 5 }, () => bm.step(data).loss);
    bm.setTrainer({ method: 'exact' });
    losses.push(bm.step(data).loss, bm.logPartition());
    const bytes = bm.save();
    bm.free();
    return { r, lattice, losses, bytes };
  };
  assert.deepEqual(run(scalar), run(lab));
});
