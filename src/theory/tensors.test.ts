/** @file tensorsFromSamples against closed forms: covariance, third cumulant, and a mixed κ(H_x, g_x) on three atoms. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quadraticTensors, tensorsFromSamples } from './tensors.ts';

const w = new Float64Array([0.2, 0.3, 0.5]);
const g = [new Float64Array([1, -2]), new Float64Array([0.5, 3]), new Float64Array([-1, 0.25])];
const h = [new Float64Array([1, 2, 2, -1]), new Float64Array([0, 1, 1, 4]), new Float64Array([3, 0, 0, 2])];
const E = (f: (x: number) => number) => w.reduce((s, wx, x) => s + wx * f(x), 0);
const t = tensorsFromSamples({ P: 2, maxDegree: 2, exact: true, weights: w, derivs: [[0, 1, 2].map((x) => new Float64Array([x])), g, h] });

test('tensorsFromSamples: means, covariance, third cumulant and κ(∇²l, ∇l) equal their closed forms', () => {
  const G = [0, 1].map((i) => E((x) => g[x]![i]!));
  assert.ok(Math.abs(t.cumulant([1])![1]! - G[1]!) < 1e-15);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    const c = E((x) => g[x]![i]! * g[x]![j]!) - G[i]! * G[j]!;
    assert.ok(Math.abs(t.cumulant([1, 1])![i * 2 + j]! - c) < 1e-14);
    for (let k = 0; k < 2; k++) {
      const d = (x: number, a: number) => g[x]![a]! - G[a]!;
      const s = E((x) => d(x, i) * d(x, j) * d(x, k));
      assert.ok(Math.abs(t.cumulant([1, 1, 1])![(i * 2 + j) * 2 + k]! - s) < 1e-14);
      // κ(H_ij, g_k) = E[H_ij g_k] − H_ij G_k
      const H = E((x) => h[x]![i * 2 + j]!);
      const m = E((x) => h[x]![i * 2 + j]! * g[x]![k]!) - H * G[k]!;
      assert.ok(Math.abs(t.cumulant([2, 1])![(i * 2 + j) * 2 + k]! - m) < 1e-14);
      // node order matters: [1, 2] puts g's index first
      assert.ok(Math.abs(t.cumulant([1, 2])![(k * 2 + i) * 2 + j]! - m) < 1e-14);
    }
  }
});

test('quadraticTensors: constant Hessian, cumulants with a degree-2 node and another vanish; moments factor', () => {
  const H = new Float64Array([2, 0.5, 0.5, 1]);
  const q = quadraticTensors({ P: 2, G: new Float64Array([0.1, -0.2]), H, noise: { weights: w, xi: g } });
  assert.equal(q.cumulant([2, 1]), null);
  assert.equal(q.cumulant([3]), null);
  assert.deepEqual([...q.cumulant([2])!], [...H]);
  const G1 = [0, 1].map((i) => [0.1, -0.2][i]! + E((x) => g[x]![i]!));
  const m = q.moment([2, 1])!;
  assert.ok(Math.abs(m[(0 * 2 + 1) * 2 + 1]! - 0.5 * G1[1]!) < 1e-15);
  const m2 = q.moment([1, 2])!;
  assert.ok(Math.abs(m2[(1 * 2 + 0) * 2 + 1]! - 0.5 * G1[1]!) < 1e-15);
});
