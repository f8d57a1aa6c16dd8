/**
 * @file Gauss–Hermite quadrature for x ~ N(0, 1): n nodes x_i and weights w_i (Σ w_i = 1) with
 * E[p(x)] = Σ w_i p(x_i) exactly for every polynomial p of degree ≤ 2n − 1. This is how the
 * Gaussian landscapes get an exact mode: their per-sample derivatives are polynomials in x.
 *
 * Method: Golub & Welsch (1969), "Calculation of Gauss quadrature rules", Math. Comp. 23. The
 * probabilists' Hermite polynomials satisfy He_{k+1}(x) = x He_k(x) − k He_{k−1}(x), so the
 * nodes are the eigenvalues of the symmetric tridiagonal Jacobi matrix with zero diagonal and
 * off-diagonal √1, √2, …, √(n−1), and w_i is the squared first component of the i-th unit
 * eigenvector (the measure has total mass 1). The eigenvalues come from the implicit QL method
 * with Wilkinson shifts (as in EISPACK's tql2), tracking only the eigenvectors' first row. Each
 * node is then polished by Newton steps on He_n, and the weights are recomputed from the closed
 * form w_i = n! / (n · He_{n−1}(x_i))², which is accurate to a few ulps.
 */
import { InputError } from '../core/index.ts';

export interface Quadrature {
  /** Nodes in increasing order. */
  nodes: Float64Array;
  /** Positive weights summing to 1. */
  weights: Float64Array;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `d` and off-diagonal `e`
 * (e[i] couples i and i+1), and the first component of each unit eigenvector. Implicit QL.
 */
export function tridiagonalEigen(d: Float64Array, e: Float64Array): { values: Float64Array; first: Float64Array } {
  const n = d.length;
  const a = Float64Array.from(d);
  const off = new Float64Array(n);
  off.set(e.subarray(0, n - 1));
  const z = new Float64Array(n); // first row of the eigenvector matrix
  z[0] = 1;
  for (let l = 0; l < n; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(a[m]!) + Math.abs(a[m + 1]!);
        if (Math.abs(off[m]!) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (iter === 60) throw new Error('tridiagonalEigen: no convergence after 60 iterations');
      let g = (a[l + 1]! - a[l]!) / (2 * off[l]!);
      let r = Math.hypot(g, 1);
      g = a[m]! - a[l]! + off[l]! / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        let f = s * off[i]!;
        const b = c * off[i]!;
        r = Math.hypot(f, g);
        off[i + 1] = r;
        if (r === 0) {
          a[i + 1]! -= p;
          off[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = a[i + 1]! - p;
        r = (a[i]! - g) * s + 2 * c * b;
        p = s * r;
        a[i + 1] = g + p;
        g = c * r - b;
        f = z[i + 1]!;
        z[i + 1] = s * z[i]! + c * f;
        z[i] = c * z[i]! - s * f;
      }
      if (r === 0 && i >= l) continue;
      a[l]! -= p;
      off[l] = g;
      off[m] = 0;
    }
  }
  return { values: a, first: z };
}

/** He_n(x) and He_{n−1}(x) by the three-term recurrence. */
function hermite(n: number, x: number): [number, number] {
  let prev = 1, cur = x; // He_0, He_1
  if (n === 0) return [1, 0];
  for (let k = 1; k < n; k++) {
    const next = x * cur - k * prev;
    prev = cur;
    cur = next;
  }
  return [cur, prev];
}

const cache = new Map<number, Quadrature>();

/**
 * The n-node Gauss–Hermite rule for the standard normal distribution (probabilists' weight
 * e^{−x²/2}/√(2π)): exact for polynomials of degree ≤ 2n − 1. Cached; callers get copies.
 */
export function gaussHermite(n: number): Quadrature {
  if (!Number.isSafeInteger(n) || n < 1 || n > 100) {
    throw new InputError(`gaussHermite: n must be an integer from 1 to 100, got ${n}`);
  }
  let q = cache.get(n);
  if (!q) {
    const { values, first } = tridiagonalEigen(new Float64Array(n), Float64Array.from({ length: n - 1 }, (_, k) => Math.sqrt(k + 1)));
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const nodes = Float64Array.from(order, (i) => values[i]!);
    const weights = Float64Array.from(order, (i) => first[i]! ** 2);
    let logFact = 0;
    for (let k = 2; k <= n; k++) logFact += Math.log(k);
    for (let i = 0; i < n; i++) {
      let x = nodes[i]!;
      for (let it = 0; it < 3; it++) {
        const [h, hm1] = hermite(n, x);
        if (hm1 === 0) break;
        x -= h / (n * hm1); // He_n' = n He_{n−1}
      }
      const [, hm1] = hermite(n, x);
      nodes[i] = x;
      if (n > 1) weights[i] = Math.exp(logFact - 2 * Math.log(n * Math.abs(hm1)));
    }
    // The rule is symmetric: make it exactly so, and normalize the total mass to 1.
    for (let i = 0; i < n >> 1; i++) {
      const j = n - 1 - i;
      const x = (nodes[j]! - nodes[i]!) / 2, w = (weights[i]! + weights[j]!) / 2;
      nodes[i] = -x;
      nodes[j] = x;
      weights[i] = weights[j] = w;
    }
    if (n % 2 === 1) nodes[n >> 1] = 0;
    let total = 0;
    for (const w of weights) total += w;
    for (let i = 0; i < n; i++) weights[i]! /= total;
    q = { nodes, weights };
    cache.set(n, q);
  }
  return { nodes: Float64Array.from(q.nodes), weights: Float64Array.from(q.weights) };
}
