/**
 * @file Claims about exact mode's factorized sum (factorized.ts): it equals the enumeration over
 * atom assignments on every diagram where both run, and it makes order 6 exact on the Gaussian
 * landscapes, which the enumeration refuses (8^7 and 4^7 assignments per diagram).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { resolveLandscape } from '../landscapes/index.ts';
import { neededDiagrams } from '../theory/index.ts';
import { estimateStats } from './index.ts';
import { enumeratedValues } from './estimate.ts';
import { factorizedCost, factorizedMaxP, factorizedValues } from './factorized.ts';

const POLY = fileURLToPath(new URL('../testing/polynomial.ts', import.meta.url));

test('estimateStats: order 6 train is exact on gauss and archimedes, in seconds', async () => {
  // Listing the 27,555 diagrams (canonical forms, symmetry factors) is paid once, apart.
  const t = performance.now();
  neededDiagrams(6, 'train');
  console.log(`  listing the order-6 train diagrams: ${((performance.now() - t) / 1000).toFixed(2)} s`);
  for (const spec of ['gauss', 'archimedes']) {
    const land = await resolveLandscape(spec);
    const t0 = performance.now();
    const r = await estimateStats({ landscape: land, order: 6, quantity: 'train', exact: true });
    const s = (performance.now() - t0) / 1000;
    console.log(`  ${spec}: order 6 train, ${Object.keys(r.values).length} diagrams exact in ${s.toFixed(2)} s`);
    // 1 + 2 + 9 + 48 + 329 + 2,633 + 24,533 train diagrams through order 6 (docs/theory.md §2)
    assert.equal(Object.keys(r.values).length, 27_555);
    assert.ok(Object.values(r.values).every((v) => Number.isFinite(v.mean) && v.stderr === 0));
    assert.ok(s < 30, `${spec}: ${s} s`);
  }
  // GAUSS at h = 0 through order 3 (docs/theory.md §5; stats.test.ts derives them): unchanged at order 6.
  const g = await estimateStats({ landscape: await resolveLandscape('gauss'), order: 6, quantity: 'train', exact: true });
  for (const [k, v] of Object.entries({ '(01-02)(012)': 1.25, '(01-02-03)(0123)': 4.25, '(01-02-13)(0-1-23)': 0.125 })) {
    assert.ok(Math.abs(g.values[k]!.mean - v) <= 1e-12 * v, `${k}: ${g.values[k]!.mean}, expected ${v}`);
  }
});

test('factorized exact values equal the enumeration over atom assignments to 1e-12 (every train and test diagram ≤ order 4)', async () => {
  const specs = [
    'gauss:h0=0.3', 'archimedes', 'mean-estimation:w0=0.7,S=2', 'mean-estimation-l2:w0=0.7,lambda0=0.2',
    `${POLY}:seed=3,P=2`, `${POLY}:seed=4,P=3,degree=5`,
  ];
  // The train diagrams are all diagrams, the test diagrams among them.
  const ds = neededDiagrams(4, 'train');
  assert.ok(neededDiagrams(4, 'test').every((d) => ds.includes(d)));
  for (const spec of specs) {
    const land = await resolveLandscape(spec);
    const theta = land.init();
    if (spec === 'archimedes') theta.set([0.3, -0.2, 0.7]); // off the valley, so G ≠ 0 and nothing vanishes by symmetry
    const f = factorizedValues(land, theta, ds);
    const e = enumeratedValues(land, theta, ds);
    // A value that vanishes (e.g. by a symmetry) is rounding noise in both sums: it is compared
    // relative to the largest value of its order instead.
    const largest = new Map<number, number>();
    ds.forEach((d, i) => largest.set(d.order, Math.max(largest.get(d.order) ?? 0, Math.abs(e[i]!))));
    let worst = { err: 0, key: '' };
    ds.forEach((d, i) => {
      const err = Math.abs(f[i]! - e[i]!) / Math.max(Math.abs(e[i]!), 1e-9 * largest.get(d.order)!);
      if (err > worst.err) worst = { err, key: d.key };
      assert.ok(err <= 1e-12, `${spec} ${d.key}: factorized ${f[i]}, enumerated ${e[i]}`);
    });
    console.log(`  ${spec}: ${ds.length} values, worst relative difference ${worst.err.toExponential(2)} (${worst.key})`);
  }
});

test('the factorized cost counts P^d·Σ_p c_p multiply-adds per diagram, c_p = |p|·atoms (1 for a single node); large P is refused', () => {
  // Test diagrams of orders 0, 1, 2 on P = 3 weights and 4 atoms: ()(0) has one single-node
  // part (1); (01)(0-1) two (P·2 = 6); of the four order-2 diagrams two have three single
  // nodes (P²·3 each) and two a single root and a pair (P²·(1 + 2·4) each): 9·(3 + 3 + 9 + 9) = 216.
  const c = factorizedCost(3, 4, neededDiagrams(2, 'test'));
  assert.equal(c.multiplyAdds, 1 + 6 + 216);
  assert.equal(c.maxDegree, 2); // the root of (01-02)(…) has two children
  assert.equal(c.tensorEntries, (1 + 3 + 9) * 4);
  assert.equal(c.engineCalls, (1 + 1 + 3) * 4); // value; gradient; one Hessian row per basis vector
  assert.ok(factorizedCost(1, 8, neededDiagrams(6, 'train')).fits);
  assert.ok(!factorizedCost(4490, 3, neededDiagrams(2, 'test')).fits);
  assert.equal(factorizedMaxP(4, neededDiagrams(6, 'train')), 3);
});

test('exact mode refuses, naming both costs and the largest P that fits, when neither sum fits', async () => {
  const land = await resolveLandscape(`${POLY}:seed=1,P=5,degree=3,atoms=12`);
  await assert.rejects(
    estimateStats({ landscape: land, order: 6, quantity: 'train', exact: true }),
    /stats: exact mode would evaluate .* atom combinations \(12 atoms, up to 7 parts .*; the limit is 5e\+6\), and its factorized form .* multiply-adds .* for P = 5 \(limits 2e\+9 and .*; these diagrams fit up to P = \d\): use sampled mode/,
  );
});
