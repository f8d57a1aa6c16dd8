/** @file Claims about the seeded RNG: determinism, independent streams by path, and the distributions of uniform, normal and int. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from './errors.ts';
import { rng, split } from './rng.ts';

const draws = (f: () => number, n: number) => Array.from({ length: n }, f);

describe('rng', () => {
  it('is deterministic in its seed, and different seeds give different streams', () => {
    assert.deepEqual(draws(rng(42).uniform.bind(rng(42)), 1), draws(rng(42).uniform.bind(rng(42)), 1));
    const a = rng(42), b = rng(42), c = rng(43);
    const xa = draws(() => a.uint32(), 100), xb = draws(() => b.uint32(), 100), xc = draws(() => c.uint32(), 100);
    assert.deepEqual(xa, xb);
    assert.notDeepEqual(xa, xc);
    assert.notDeepEqual(draws(() => rng(0).uniform(), 1), draws(() => rng(-1).uniform(), 1));
    assert.equal(rng(5n).key, rng(5).key, 'a bigint seed names the same stream as the number');
  });

  it('split(seed, i, j) is rng(seed).split(i).split(j), and does not advance the parent', () => {
    const parent = rng(7);
    const before = parent.key;
    const child = parent.split(3).split(11);
    assert.equal(parent.key, before);
    assert.deepEqual(draws(() => child.uniform(), 20), draws(((r) => () => r.uniform())(split(7, 3, 11)), 20));
    const p1 = rng(7), p2 = rng(7);
    p2.split(1); // splitting draws nothing from the parent
    assert.equal(p1.uniform(), p2.uniform());
  });

  it('children of one stream differ from each other and from the parent (no shared prefix)', () => {
    const seen = new Set<number>();
    for (const r of [rng(1), split(1, 0), split(1, 1), split(1, 2), split(2, 0), split(1, 0, 0)]) {
      const first = r.uint32() * 2 ** 32 + r.uint32();
      assert.ok(!seen.has(first));
      seen.add(first);
    }
  });

  it('uniform() lies in [0, 1) with mean ½ and variance 1/12 (100,000 draws, within 5 standard errors)', () => {
    const r = rng(1), n = 100_000;
    let s = 0, s2 = 0, lo = 1, hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s += u; s2 += u * u;
      lo = Math.min(lo, u); hi = Math.max(hi, u);
    }
    assert.ok(lo >= 0 && hi < 1);
    assert.ok(Math.abs(s / n - 0.5) < 5 * Math.sqrt(1 / 12 / n));
    assert.ok(Math.abs(s2 / n - 1 / 3) < 5 * Math.sqrt((1 / 5 - 1 / 9) / n)); // Var u² = 1/5 − 1/9
  });

  it('normal() has mean 0, variance 1, skewness 0 and kurtosis 3 (200,000 draws, within 5 standard errors)', () => {
    const r = rng(2), n = 200_000;
    const m = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      m[0]! += x; m[1]! += x * x; m[2]! += x ** 3; m[3]! += x ** 4;
    }
    // Standard deviations of the moment estimators: √(E x^{2k} − (E x^k)²)/√n: √1, √2, √15, √96.
    const want = [0, 1, 0, 3], sd = [1, Math.sqrt(2), Math.sqrt(15), Math.sqrt(96)];
    m.forEach((s, k) => assert.ok(Math.abs(s / n - want[k]!) < 5 * sd[k]! / Math.sqrt(n), `moment ${k + 1}: ${s / n}`));
  });

  it('normals(out) fills out with the same numbers as repeated normal()', () => {
    assert.deepEqual(Array.from(rng(3).normals(new Float64Array(5))), draws(((r) => () => r.normal())(rng(3)), 5));
  });

  it('int(n) is uniform on {0, …, n−1} (chi-square over 6 and 1000 values) and handles edge sizes', () => {
    for (const k of [6, 1000]) {
      const r = rng(k), n = 200 * k, counts = new Array<number>(k).fill(0);
      for (let i = 0; i < n; i++) counts[r.int(k)]!++;
      const chi2 = counts.reduce((s, c) => s + (c - 200) ** 2 / 200, 0);
      // chi² with k − 1 degrees of freedom: mean k − 1, sd √(2(k − 1)); 5 sd is a generous bound.
      assert.ok(chi2 < k - 1 + 5 * Math.sqrt(2 * (k - 1)), `k = ${k}: chi² = ${chi2}`);
    }
    const r = rng(9);
    assert.equal(r.int(1), 0);
    for (const n of [2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1]) {
      const x = r.int(n);
      assert.ok(Number.isSafeInteger(x) && x >= 0 && x < n, `int(${n}) = ${x}`);
    }
  });

  it('rejects bad seeds and sizes, naming them', () => {
    assert.throws(() => rng(1.5), (e: unknown) => e instanceof InputError && /rng: the seed must be a safe integer or a bigint, got 1.5/.test(e.message));
    assert.throws(() => split(1, Number.NaN), /split: the seed must be a safe integer/);
    assert.throws(() => rng(1).int(0), /rng.int: n must be a positive safe integer, got 0/);
    assert.throws(() => rng(1).int(2.5), InputError);
  });
});
