/** @file Small dense linear algebra: Cholesky, inverse and Jacobi eigen-decomposition reproduce their matrices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from './rng.ts';
import { cholesky, choleskyInverse, choleskySolve, symmetricEigen } from './linalg.ts';

/** A random symmetric matrix; with `spd`, BᵀB + I (positive definite). */
function randomSymmetric(n: number, seed: number, spd: boolean): Float64Array {
  const r = rng(seed);
  const b = r.normals(new Float64Array(n * n));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (spd) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < n; k++) s += b[k * n + i]! * b[k * n + j]!;
        a[i * n + j] = s;
      } else a[i * n + j] = (b[i * n + j]! + b[j * n + i]!) / 2;
    }
  }
  return a;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

test('cholesky: L Lᵀ = A, A·solve(b) = b and A·A⁻¹ = I for positive definite A up to 10×10', () => {
  for (const n of [1, 2, 3, 7, 10]) {
    const a = randomSymmetric(n, n, true);
    const l = cholesky(a, n)!;
    assert.ok(l);
    const llt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) llt[i * n + j]! += l[i * n + k]! * l[j * n + k]!;
    assert.ok(maxAbs(llt.map((x, i) => x - a[i]!)) < 1e-12 * maxAbs(a));
    const b = rng(99).normals(new Float64Array(n));
    const x = choleskySolve(l, n, b);
    const ax = Array.from({ length: n }, (_, i) => a.subarray(i * n, (i + 1) * n).reduce((s, v, j) => s + v * x[j]!, 0));
    assert.ok(maxAbs(ax.map((v, i) => v - b[i]!)) < 1e-10);
    const inv = choleskyInverse(l, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-10, `(A A⁻¹)[${i}][${j}] = ${s}`);
      }
    }
  }
});

test('cholesky returns null for a matrix that is not positive definite', () => {
  assert.equal(cholesky(Float64Array.of(1, 2, 2, 1), 2), null); // eigenvalues 3, −1
  assert.equal(cholesky(Float64Array.of(0), 1), null);
  assert.equal(cholesky(Float64Array.of(Number.NaN), 1), null);
});

test('symmetricEigen: V diag(λ) Vᵀ = A with orthonormal V, for indefinite matrices up to 10×10', () => {
  for (const n of [1, 2, 4, 10]) {
    const a = randomSymmetric(n, 10 + n, false);
    const { values, vectors: v } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0, o = 0;
        for (let r = 0; r < n; r++) {
          s += v[i * n + r]! * values[r]! * v[j * n + r]!;
          o += v[r * n + i]! * v[r * n + j]!;
        }
        assert.ok(Math.abs(s - a[i * n + j]!) < 1e-12, `reconstruction [${i}][${j}]`);
        assert.ok(Math.abs(o - (i === j ? 1 : 0)) < 1e-12, `orthonormality [${i}][${j}]`);
      }
    }
  }
});
