/** @file Claims about the Gauss–Hermite rules: exact normal moments up to degree 2n − 1, nodes at the roots of He_n, and the node counts the landscapes use. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ARCHIMEDES_NODES } from './archimedes.ts';
import { GAUSS_NODES } from './gauss.ts';
import { MEAN_ESTIMATION_NODES } from './mean-estimation.ts';
import { gaussHermite } from './quadrature.ts';

/** E x^k for x ~ N(0,1): 0 for odd k, (k−1)!! for even k. */
const moment = (k: number) => {
  if (k % 2) return 0;
  let m = 1;
  for (let j = k - 1; j > 0; j -= 2) m *= j;
  return m;
};

describe('gaussHermite', () => {
  it('E[x^k] = (k−1)!! (even k), 0 (odd k) for every k ≤ 2n − 1, n = 1 … 20, to 1e-13 relative', () => {
    for (let n = 1; n <= 20; n++) {
      const { nodes, weights } = gaussHermite(n);
      assert.equal(nodes.length, n);
      for (let k = 0; k <= 2 * n - 1; k++) {
        let s = 0, scale = 0;
        for (let i = 0; i < n; i++) {
          s += weights[i]! * nodes[i]! ** k;
          scale += weights[i]! * Math.abs(nodes[i]!) ** k;
        }
        assert.ok(Math.abs(s - moment(k)) <= 1e-13 * scale, `n = ${n}, k = ${k}: ${s} vs ${moment(k)}`);
      }
    }
  });

  it('is not exact at degree 2n (so the degree bound is tight): E x^{2n} = (2n−1)!! − n!', () => {
    // Σ w_i x_i^{2n} misses E[He_n(x)·x^n] = n! (the remainder of x^{2n} after the rule's exact part).
    for (const n of [2, 4, 8]) {
      const { nodes, weights } = gaussHermite(n);
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i]! * nodes[i]! ** (2 * n);
      let fact = 1;
      for (let j = 2; j <= n; j++) fact *= j;
      assert.ok(Math.abs(s - (moment(2 * n) - fact)) < 1e-9 * moment(2 * n), `n = ${n}`);
    }
  });

  it('nodes are the roots of He_n, sorted and symmetric; weights positive and summing to 1', () => {
    const { nodes, weights } = gaussHermite(5);
    // He_5(x) = x⁵ − 10x³ + 15x: roots 0, ±√(5 ± √10).
    const want = [-Math.sqrt(5 + Math.sqrt(10)), -Math.sqrt(5 - Math.sqrt(10)), 0, Math.sqrt(5 - Math.sqrt(10)), Math.sqrt(5 + Math.sqrt(10))];
    nodes.forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-14, `node ${i}`));
    assert.ok(weights.every((w) => w > 0));
    assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-15);
    assert.deepEqual(Array.from(gaussHermite(2).nodes), [-1, 1]);
  });

  it('returns copies (a caller cannot corrupt the cached rule)', () => {
    gaussHermite(3).nodes[0] = 99;
    assert.notEqual(gaussHermite(3).nodes[0], 99);
  });

  it('rejects n outside 1 … 100', () => {
    assert.throws(() => gaussHermite(0), /gaussHermite: n must be an integer from 1 to 100, got 0/);
    assert.throws(() => gaussHermite(2.5), /got 2.5/);
  });
});

describe('node counts of the Gaussian landscapes', () => {
  it('GAUSS uses 8 nodes: 7 factors of degree 2 in x (a part of a 6-edge diagram) have degree 14 ≤ 2·8 − 1', () => {
    assert.equal(GAUSS_NODES, 8);
  });
  it('ARCHIMEDES and MEAN ESTIMATION use 4 nodes: 7 factors of degree 1 have degree 7 ≤ 2·4 − 1', () => {
    assert.equal(ARCHIMEDES_NODES, 4);
    assert.equal(MEAN_ESTIMATION_NODES, 4);
  });
});
