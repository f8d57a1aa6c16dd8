/**
 * @file `perturb predict --resum` and `perturb corollary` end to end: JSON values equal the
 * closed forms (MEAN ESTIMATION's gap C/(NH) as T → ∞, ARCHIMEDES's η²/6), the corollary JSON
 * has the shape, and bad input exits 2 naming the flag and the measured value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnAsync } from '../../testing/index.ts';

const bin = fileURLToPath(new URL('../../../bin/perturb.js', import.meta.url));
const run = (...args: string[]) => spawnAsync(process.execPath, [bin, ...args]);
const WIDE = fileURLToPath(new URL('../../testing/wide.ts', import.meta.url));
const QUAD = fileURLToPath(new URL('../../testing/quadratic.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'perturb-resum-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('predict --resum --json: MEAN ESTIMATION GD gap at T and T → ∞ equals C(1 − (1−ηH)^T)/(NH) and C/(NH)', async () => {
  const H = 0.5, S = 1.5, N = 6, eta = 0.2, T = 7;
  const spec = `mean-estimation:H=${H},S=${S}`;
  const [r, atInf] = await Promise.all([
    run('predict', '--landscape', spec, '--exact', '--resum', '--schedule', 'gd', '--N', String(N), '--T', String(T), '--order', '2', '--quantity', 'gap', '--eta', String(eta), '--json'),
    run('predict', '--landscape', spec, '--exact', '--resum', '--schedule', 'gd', '--N', String(N), '--T', 'inf', '--order', '2', '--quantity', 'gap', '--eta', String(eta), '--json'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const want = (S * S * (1 - (1 - eta * H) ** T)) / (N * H);
  assert.ok(Math.abs(out.values[0].value - want) <= 1e-12 * want, `${out.values[0].value} vs ${want}`);
  assert.equal(out.resum, true);
  assert.equal(out.plain.order, 2);
  const inf = JSON.parse(atInf.stdout);
  assert.ok(Math.abs(inf.values[0].value - (S * S) / (N * H)) <= 1e-12);
  assert.equal(inf.T, 'inf');
});

test('predict --resum --quantity z --T inf on ARCHIMEDES reports a velocity; --explain lists re-summed and plain terms', async () => {
  const [r, e] = await Promise.all([
    run('predict', '--landscape', 'archimedes', '--exact', '--resum', '--continuous', '--schedule', 'sgd', '--T', 'inf', '--order', '3', '--quantity', 'z', '--eta', '0.05', '--json'),
    run('predict', '--landscape', 'archimedes', '--exact', '--resum', '--schedule', 'sgd', '--N', '100', '--order', '3', '--quantity', 'z', '--eta', '0.05', '--explain'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(Math.abs(out.velocity[0].value - 0.05 ** 2 / 6) < 1e-15);
  assert.deepEqual(out.quantity, { coordinate: 2, name: 'z' });
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /re-summed terms/);
  assert.match(e.stdout, /plain series from the same statistics/);
  assert.match(e.stdout, /\(01-12-13\)\(0-1-23\)/);
});

test('corollary drift --json: { name, value, stderr, units, inputs }, z = η²/6 (exact statistics by default where the landscape has few atoms)', async () => {
  const [r, human] = await Promise.all([
    run('corollary', 'drift', '--landscape', 'archimedes', '--eta', '0.05', '--json'),
    run('corollary', 'drift', '--landscape', 'archimedes', '--exact', '--eta', '0.05'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.name, 'drift');
  assert.ok(Math.abs(out.value.z - 0.05 ** 2 / 6) < 1e-15);
  assert.equal(out.stderr.z, 0);
  assert.match(out.units.z, /per step/);
  assert.equal(out.inputs.eta, 0.05);
  assert.match(human.stdout, /z\s+0\.000416666666667\s+per step/);
});

test('bad input exits 2 with the flag and the measured value: a Hessian too large, a non-minimum, a divergent limit, --resum with --stats', async () => {
  const stats = join(dir, 'stats.json');
  writeFileSync(stats, JSON.stringify({ values: { '()(0)': 1, '(01)(0-1)': 0.1 } }));
  const cases: Array<[string[], RegExp]> = [
    [['predict', '--landscape', `${WIDE}:P=2001`, '--exact', '--resum', '--schedule', 'gd', '--N', '4', '--T', '3', '--order', '2', '--quantity', 'test', '--eta', '0.1'], /P ≤ 2000 at degree 2, and this landscape has P = 2001/],
    [['predict', '--landscape', `${WIDE}:P=41`, '--exact', '--resum', '--schedule', 'gd', '--N', '4', '--T', '3', '--order', '3', '--quantity', 'test', '--eta', '0.1'], /P ≤ 30 at degree 3, and this landscape has P = 41/],
    [['corollary', 'overfit', '--landscape', `${QUAD}:shift=0.3`, '--exact', '--N', '5', '--T', '3', '--eta', '0.1'], /assumes θ₀ is a minimum \(G = 0\), but \|G\| = 0\.3.*--max-gradient/],
    [['predict', '--landscape', 'gauss', '--exact', '--resum', '--schedule', 'gd', '--N', '4', '--T', 'inf', '--order', '2', '--quantity', 'gap', '--eta', '5'], /--T inf has no limit: H has the eigenvalue 0\.49+\d* and η = 5/],
    [['predict', '--stats', stats, '--resum', '--schedule', 'gd', '--N', '4', '--T', '3', '--order', '1', '--quantity', 'test'], /--resum needs derivative tensors at θ₀, which a stats file does not hold: give --landscape SPEC/],
    [['predict', '--stats', stats, '--schedule', 'gd', '--N', '4', '--T', '3', '--order', '1', '--quantity', 'z'], /--quantity z is not a loss/],
    [['predict', '--landscape', 'archimedes', '--exact', '--schedule', 'gd', '--N', '4', '--T', '3', '--order', '1', '--quantity', 'w'], /--quantity must be test, train, gap, coord:i \(0 ≤ i < 3\) or a coordinate of the landscape \(u, v, z\), got 'w'/],
    [['predict', '--landscape', 'gauss', '--exact', '--schedule', 'gd', '--N', '4', '--T', 'inf', '--order', '1', '--quantity', 'test'], /--T inf .* needs the re-summed series \(--resum\)/],
    [['predict', '--landscape', 'gauss', '--exact', '--schedule', 'sde', '--T', '4', '--order', '1', '--quantity', 'train'], /sde schedule has no training set/],
    [['corollary', 'drift', '--stats', stats, '--eta', '0.1'], /needs derivative tensors at θ₀, which a stats file does not hold/],
    [['corollary', 'batch', '--landscape', 'gauss', '--exact', '--eta', '0.1', '--N', '3', '--T', '4'], /--T does not apply \(it reads --N, --eta, --order\)/],
    [['corollary', 'drift', '--landscape', 'gauss', '--exact', '--eta', '0.1'], /flat direction of H.*nearest 0 is 0\.5/],
    [['corollary', 'drift', '--landscape', 'fmnist-logistic', '--eta', '0.1'], /fmnist-logistic has no small set of atoms for exact statistics: give --samples S/],
  ];
  const results = await Promise.all(cases.map(([args]) => run(...args)));
  cases.forEach(([args, msg], i) => {
    const r = results[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});
