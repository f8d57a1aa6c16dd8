/**
 * @file Gauss–Hermite quadrature for x ~ N(0, 1): n nodes x_i and weights w_i (Σ w_i = 1) with
 * E[p(x)] = Σ w_i p(x_i) exactly for every polynomial p of degree ≤ 2n − 1. This is how the
 * Gaussian landscapes get an exact mode: their per-sample derivatives are polynomials in x.
 *
 * Method: Golub & Welsch (1969), "Calculation of Gauss quadrature rules", Math. Comp. 23. The
 * probabilists' Hermite polynomials satisfy He_{k+1}(x) = x He_k(x) − k He_{k−1}(x), so the
 * nodes are the eigenvalues of the symmetric tridiagonal Jacobi matrix with zero diagonal and
 * off-diagonal √1, √2, …, √(n−1), and w_i is the squared first component of the i-th unit
 * eigenvector (the measure has total mass 1). The eigenvalues come from core's tridiagonalEigen
 * (implicit QL with Wilkinson shifts), tracking only the eigenvectors' first row. Each
 * node is then polished by Newton steps on He_n, and the weights are recomputed from the closed
 * form w_i = n! / (n · He_{n−1}(x_i))², which is accurate to a few ulps.
 */
import { InputError, tridiagonalEigen } from '../core/index.ts';

export interface Quadrature {
  /** Nodes in increasing order. */
  nodes: Float64Array;
  /** Positive weights summing to 1. */
  weights: Float64Array;
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
