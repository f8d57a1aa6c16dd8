/** @file Dense linear algebra checked against its definitions, closed forms and an independent cyclic-Jacobi eigensolver (Golub & Van Loan, Algorithm 8.5.3). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from './errors.ts';
import { rng, split } from './rng.ts';
import { cholesky, choleskyInverse, choleskySolve, symmetricEigen, tridiagonalEigen } from './linalg.ts';

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

// ---------------------------------------------------------------------------------------------
// symmetricEigen (Householder + implicit QL) and tridiagonalEigen

const EPS = Number.EPSILON;

/** The routine symmetricEigen was before (cyclic Jacobi, G&VL Algorithm 8.5.3), kept verbatim as an independent reference, then sorted ascending. */
function jacobiEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += m[i]! * m[i]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q]! * m[p * n + q]!;
    if (!(off > 1e-30 * norm)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const tau = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!, mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!, mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i]! - m[j * n + j]!);
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let r = 0; r < n; r++) vectors[r * n + j] = v[r * n + order[j]!]!;
  return { values, vectors };
}

const frobenius = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));

/** ‖A − V diag(λ) Vᵀ‖_F / ‖A‖_F (1 when A = 0 and the reconstruction is not). */
function reconstructionError(a: Float64Array, n: number, values: Float64Array, v: Float64Array): number {
  const r = Float64Array.from(a);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += v[i * n + k]! * values[k]! * v[j * n + k]!;
      r[i * n + j]! -= s;
    }
  }
  const scale = frobenius(a);
  return scale === 0 ? frobenius(r) : frobenius(r) / scale;
}

/** ‖VᵀV − I‖_F. */
function orthogonalityError(v: Float64Array, n: number): number {
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += v[k * n + i]! * v[k * n + j]!;
      s2 += (s - (i === j ? 1 : 0)) ** 2;
    }
  }
  return Math.sqrt(s2);
}

/** A random orthogonal n×n matrix: the product of n Householder reflections I − 2wwᵀ/|w|² with normal w. */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const r = split(seed, 1);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const w = new Float64Array(n);
  for (let h = 0; h < n; h++) {
    r.normals(w);
    const ww = w.reduce((s, x) => s + x * x, 0);
    for (let i = 0; i < n; i++) {
      // row i of Q ← row i of Q (I − 2wwᵀ/|w|²)
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[i * n + k]! * w[k]!;
      for (let k = 0; k < n; k++) q[i * n + k]! -= (2 * dot * w[k]!) / ww;
    }
  }
  return q;
}

/** Q diag(λ) Qᵀ, symmetrized exactly. */
function withSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length;
  const q = randomOrthogonal(n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k]! * lambda[k]! * q[j * n + k]!;
      a[i * n + j] = a[j * n + i] = s;
    }
  }
  return a;
}

/** max_i |x_i − y_i| over the columns of two eigenvector matrices, each column of y first flipped to match x's sign. */
function columnsUpToSign(x: Float64Array, y: Float64Array, n: number): number {
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let r = 0; r < n; r++) dot += x[r * n + j]! * y[r * n + j]!;
    const s = dot < 0 ? -1 : 1;
    for (let r = 0; r < n; r++) worst = Math.max(worst, Math.abs(x[r * n + j]! - s * y[r * n + j]!));
  }
  return worst;
}

const isAscending = (v: Float64Array) => v.every((x, i) => i === 0 || v[i - 1]! <= x);

test('symmetricEigen: ‖A − VΛVᵀ‖ ≤ 1e-12‖A‖ and ‖VᵀV − I‖ ≤ 1e-12 on random symmetric A, n = 1 … 200', () => {
  // Householder + QL is backward stable: both errors are O(n ε) ≈ 200 · 2.2e-16 = 4.4e-14 at n = 200.
  for (const n of [1, 2, 3, 10, 50, 200]) {
    const a = randomSymmetric(n, 1000 + n, false);
    const copy = Float64Array.from(a);
    const { values, vectors } = symmetricEigen(a, n);
    assert.deepEqual(a, copy, 'the input is not modified');
    assert.equal(values.length, n);
    assert.equal(vectors.length, n * n);
    const rec = reconstructionError(a, n, values, vectors), orth = orthogonalityError(vectors, n);
    assert.ok(rec < 1e-12, `n = ${n}: ‖A − VΛVᵀ‖/‖A‖ = ${rec}`);
    assert.ok(orth < 1e-12, `n = ${n}: ‖VᵀV − I‖ = ${orth}`);
  }
});

test('symmetricEigen: eigenvalues come ascending, and column j of V is the eigenvector of values[j]', () => {
  for (const n of [2, 5, 30]) {
    const a = randomSymmetric(n, 2000 + n, false);
    const { values, vectors: v } = symmetricEigen(a, n);
    assert.ok(isAscending(values), `n = ${n}: ${values}`);
    const scale = frobenius(a);
    for (let j = 0; j < n; j++) {
      // ‖A v_j − λ_j v_j‖ ≤ ‖A − VΛVᵀ‖ = O(n ε ‖A‖); a sort that moved values without their columns would give ~‖A‖
      let r2 = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * v[k * n + j]!;
        r2 += (s - values[j]! * v[i * n + j]!) ** 2;
      }
      assert.ok(Math.sqrt(r2) < 1e-12 * scale, `n = ${n}, column ${j}: residual ${Math.sqrt(r2)}`);
    }
  }
});

test('symmetricEigen recovers given spectra of Q diag(λ) Qᵀ: repeated eigenvalues, zeros, negatives, a spread of 1e12', () => {
  const spread = Array.from({ length: 40 }, (_, i) => (i % 2 ? -1 : 1) * 10 ** (-6 + (12 * i) / 39));
  const cases: [string, number[]][] = [
    ['repeated −2 (×2) and 1 (×3)', [5, -2, 1, -2, 1, 1]],
    ['zeros and negatives', [0, 0, 0, -1, -3, 2, 7]],
    ['all equal (3I)', Array(30).fill(3)],
    ['five eigenvalues of multiplicity 10', Array.from({ length: 50 }, (_, i) => Math.floor(i / 10) - 2)],
    ['±1e−6 … ±1e6', spread],
    ['the zero matrix', Array(4).fill(0)],
  ];
  for (const [name, lambda] of cases) {
    const n = lambda.length;
    const a = withSpectrum(lambda, n);
    const { values, vectors } = symmetricEigen(a, n);
    const expected = [...lambda].sort((x, y) => x - y);
    // Weyl: a backward error ‖E‖ ≤ c n ε ‖A‖ moves each eigenvalue by at most ‖E‖ (and A itself is
    // Q diag(λ) Qᵀ only up to rounding of the same size); 20 n ε max|λ| leaves room for c.
    const tol = 20 * n * EPS * Math.max(...lambda.map(Math.abs));
    for (let i = 0; i < n; i++) assert.ok(Math.abs(values[i]! - expected[i]!) <= tol, `${name}: λ${i} = ${values[i]}, expected ${expected[i]}`);
    assert.ok(reconstructionError(a, n, values, vectors) < 1e-12, `${name}: reconstruction`);
    assert.ok(orthogonalityError(vectors, n) < 1e-12, `${name}: orthogonality`);
  }
});

test('symmetricEigen returns a diagonal matrix exactly: its diagonal sorted, and the matching permutation of I', () => {
  // Every Householder vector is 0 (no reflection) and every off-diagonal is 0 (no QL step), so nothing is rounded.
  const diag = [3, -1, 2, 0, 5];
  const n = diag.length;
  const a = new Float64Array(n * n);
  diag.forEach((x, i) => (a[i * n + i] = x));
  const { values, vectors } = symmetricEigen(a, n);
  assert.deepEqual(Array.from(values), [-1, 0, 2, 3, 5]);
  const order = [1, 3, 2, 0, 4]; // values[j] = diag[order[j]]: column j is e_{order[j]}
  for (let r = 0; r < n; r++) for (let j = 0; j < n; j++) assert.equal(Math.abs(vectors[r * n + j]!), r === order[j] ? 1 : 0, `V[${r}][${j}]`);
});

test('symmetricEigen and tridiagonalEigen on tridiagonal (−1, 2, −1): λ_k = 2 − 2cos(kπ/(n+1)), v_k(j) = √(2/(n+1)) sin(jkπ/(n+1))', () => {
  // The second-difference matrix: with v(j) = sin(jθ), −v(j−1) + 2v(j) − v(j+1) = (2 − 2cos θ) v(j), and
  // v(0) = v(n+1) = 0 forces θ = kπ/(n+1); Σ_j sin²(jθ) = (n+1)/2 gives the normalization.
  const n = 20;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = 2;
    if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = -1;
  }
  const lambda = Float64Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
  const exact = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) exact[j * n + k] = Math.sqrt(2 / (n + 1)) * Math.sin(((j + 1) * (k + 1) * Math.PI) / (n + 1));
  const dense = symmetricEigen(a, n);
  const tri = tridiagonalEigen(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1), { vectors: true });
  for (const [name, got] of [['symmetricEigen', dense], ['tridiagonalEigen', tri]] as const) {
    for (let k = 0; k < n; k++) assert.ok(Math.abs(got.values[k]! - lambda[k]!) < 1e-14, `${name}: λ${k} = ${got.values[k]}, expected ${lambda[k]}`);
    // eigenvalue gaps are ≥ λ_2 − λ_1 ≈ 0.06, so the vectors are determined to ~ε/0.06 (up to sign)
    assert.ok(columnsUpToSign(got.vectors, exact, n) < 1e-13, `${name}: eigenvectors`);
  }
  for (let k = 0; k < n; k++) assert.ok(Math.abs(Math.abs(tri.first[k]!) - Math.abs(exact[k]!)) < 1e-13, `first component of v_${k}`);
});

test('symmetricEigen stays accurate when a row is nearly its own reflection (tred2 picks the sign of g against cancellation)', () => {
  // Row i of (−1, 2, −1) plus δ = 1e−5 noise is x ≈ (δ, …, δ, −1): the reflection to g e_{i−1} needs
  // u_{i−1} = f − g with f ≈ −1. Taking g = +|x| makes f − g ≈ −2 (no cancellation); g = −|x| would give
  // f − g ≈ −δ²/2 computed as a difference of O(1) numbers, a relative error ~ε/δ² ≈ 2e−6 in u and in V's orthogonality.
  const n = 20;
  const r = rng(6000);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i] = (j === i - 1 ? -1 : 0) + 1e-5 * r.normal();
    a[i * n + i] = 2;
  }
  const { values, vectors } = symmetricEigen(a, n);
  const rec = reconstructionError(a, n, values, vectors), orth = orthogonalityError(vectors, n);
  assert.ok(rec < 1e-13, `‖A − VΛVᵀ‖/‖A‖ = ${rec}`);
  assert.ok(orth < 1e-13, `‖VᵀV − I‖ = ${orth}`);
});

test('symmetricEigen on 2×2 matches the closed form λ = (a+c)/2 ∓ √(((a−c)/2)² + b²), v ∝ (b, λ − a)', () => {
  // [[2, 1], [1, 2]]: λ = 2 ∓ 1, v = (1, −1)/√2 and (1, 1)/√2.
  // [[4, −2], [−2, 1]]: λ = 5/2 ∓ √(9/4 + 4) = 5/2 ∓ 5/2 = 0, 5; v ∝ (−2, −4) ∝ (1, 2) and (−2, 1), over √5.
  // [[1, 1e−9], [1e−9, 1]]: a near-repeated pair, λ = 1 ∓ 1e−9 (to rounding of 1 ± 1e−9), v = (1, ∓1)/√2.
  const cases: [number, number, number, number[], number[][]][] = [
    [2, 1, 2, [1, 3], [[1 / Math.SQRT2, -1 / Math.SQRT2], [1 / Math.SQRT2, 1 / Math.SQRT2]]],
    [4, -2, 1, [0, 5], [[1 / Math.sqrt(5), 2 / Math.sqrt(5)], [-2 / Math.sqrt(5), 1 / Math.sqrt(5)]]],
    [1, 1e-9, 1, [1 - 1e-9, 1 + 1e-9], [[1 / Math.SQRT2, -1 / Math.SQRT2], [1 / Math.SQRT2, 1 / Math.SQRT2]]],
  ];
  for (const [p, b, c, lambda, vs] of cases) {
    const { values, vectors } = symmetricEigen(Float64Array.of(p, b, b, c), 2);
    for (let k = 0; k < 2; k++) {
      assert.ok(Math.abs(values[k]! - lambda[k]!) < 20 * EPS, `[[${p}, ${b}], [${b}, ${c}]]: λ${k} = ${values[k]}`);
      const col = [vectors[k]!, vectors[2 + k]!]; // column k
      const s = col[0]! * vs[k]![0]! + col[1]! * vs[k]![1]! < 0 ? -1 : 1;
      assert.ok(Math.abs(col[0]! - s * vs[k]![0]!) < 1e-15 && Math.abs(col[1]! - s * vs[k]![1]!) < 1e-15, `v${k} = ${col}, expected ±${vs[k]}`);
    }
  }
});

test('symmetricEigen agrees with the old cyclic-Jacobi routine on random matrices, n = 1 … 12', () => {
  for (let n = 1; n <= 12; n++) {
    const a = randomSymmetric(n, 3000 + n, false);
    const ql = symmetricEigen(a, n), jac = jacobiEigen(a, n);
    const scale = frobenius(a);
    for (let k = 0; k < n; k++) assert.ok(Math.abs(ql.values[k]! - jac.values[k]!) < 1e-13 * scale, `n = ${n}: λ${k} ${ql.values[k]} vs ${jac.values[k]}`);
    // normal random matrices this small have eigenvalue gaps ≳ 1e−2 here, so each vector is fixed to ~1e−14 up to sign
    assert.ok(columnsUpToSign(ql.vectors, jac.vectors, n) < 1e-10, `n = ${n}: eigenvectors`);
  }
});

test('symmetricEigen reads only the lower triangle', () => {
  const n = 8;
  const lower = randomSymmetric(n, 4000, false);
  const garbage = Float64Array.from(lower);
  const r = rng(4001);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) garbage[i * n + j] = 1e3 * r.normal();
  assert.deepEqual(symmetricEigen(garbage, n), symmetricEigen(lower, n));
});

test('symmetricEigen of the empty matrix is empty', () => {
  const { values, vectors } = symmetricEigen(new Float64Array(0), 0);
  assert.equal(values.length, 0);
  assert.equal(vectors.length, 0);
});

test('tridiagonalEigen gives Gauss–Hermite nodes and weights: n = 2 → ±1 (½ each), n = 3 → 0, ±√3 (⅔, ⅙ each)', () => {
  // Golub–Welsch: He_{k+1} = x He_k − k He_{k−1}, so the nodes are the eigenvalues of the Jacobi matrix with zero
  // diagonal and off-diagonal √1 … √(n−1), and w_j = first_j². He_2 = x² − 1 has roots ±1, w = 2!/(2 He_1(x))² = ½;
  // He_3 = x³ − 3x has roots 0, ±√3, w = 3!/(3 He_2(x))² = 6/(9(x² − 1)²): ⅔ at 0, ⅙ at ±√3.
  const jacobi = (n: number) => tridiagonalEigen(new Float64Array(n), Float64Array.from({ length: n - 1 }, (_, k) => Math.sqrt(k + 1)));
  const two = jacobi(2), three = jacobi(3);
  const close = (got: Float64Array, want: number[], what: string) => want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 4 * EPS * 2, `${what}[${i}] = ${got[i]}, expected ${w}`));
  close(two.values, [-1, 1], 'n = 2 nodes');
  close(two.first.map((x) => x * x), [0.5, 0.5], 'n = 2 weights');
  close(three.values, [-Math.sqrt(3), 0, Math.sqrt(3)], 'n = 3 nodes');
  close(three.first.map((x) => x * x), [1 / 6, 2 / 3, 1 / 6], 'n = 3 weights');
  // n = 10 integrates x^(2k) exactly for 2k ≤ 2n − 1 = 19: E[x^(2k)] = (2k − 1)!! under N(0, 1), odd moments 0.
  const ten = jacobi(10);
  let doubleFactorial = 1;
  for (let p = 0; p <= 19; p++) {
    if (p % 2 === 0 && p > 0) doubleFactorial *= p - 1;
    const m = ten.values.reduce((s, x, j) => s + ten.first[j]! ** 2 * x ** p, 0);
    const want = p % 2 ? 0 : doubleFactorial;
    assert.ok(Math.abs(m - want) < 1e-12 * Math.max(1, doubleFactorial * Math.sqrt(p + 1)), `E[x^${p}] = ${m}, expected ${want}`);
  }
});

test('tridiagonalEigen: T = V diag(λ) Vᵀ, first = row 0 of V, and inputs untouched', () => {
  const n = 60;
  const r = rng(5000);
  const d = r.normals(new Float64Array(n)), e = r.normals(new Float64Array(n - 1));
  const dCopy = Float64Array.from(d), eCopy = Float64Array.from(e);
  const full = tridiagonalEigen(d, e, { vectors: true });
  const firstOnly = tridiagonalEigen(d, e);
  assert.deepEqual(d, dCopy);
  assert.deepEqual(e, eCopy);
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    t[i * n + i] = d[i]!;
    if (i > 0) t[i * n + i - 1] = t[(i - 1) * n + i] = e[i - 1]!;
  }
  // (every assert.ok carries a message: without one, node:assert re-parses this file to describe the failure, which can hang)
  assert.ok(isAscending(full.values), `values not ascending: ${full.values}`);
  const rec = reconstructionError(t, n, full.values, full.vectors), orth = orthogonalityError(full.vectors, n);
  assert.ok(rec < 1e-13, `‖T − VΛVᵀ‖/‖T‖ = ${rec}`);
  assert.ok(orth < 1e-13, `‖VᵀV − I‖ = ${orth}`);
  assert.deepEqual(full.first, full.vectors.subarray(0, n));
  // tracking only the first row applies the same rotations to fewer entries: the same numbers
  assert.deepEqual(firstOnly.values, full.values);
  assert.deepEqual(firstOnly.first, full.first);
  assert.equal('vectors' in firstOnly, false);
});

test('symmetricEigen and tridiagonalEigen reject bad input with an InputError that names it', () => {
  const inputError = (message: RegExp) => ({ name: 'InputError', message });
  assert.throws(() => symmetricEigen(new Float64Array(0), -1), inputError(/symmetricEigen: n must be a non-negative integer, got -1/));
  assert.throws(() => symmetricEigen(new Float64Array(4), 1.5), inputError(/n must be a non-negative integer, got 1.5/));
  assert.throws(() => symmetricEigen(new Float64Array(4), Number.NaN), inputError(/n must be a non-negative integer, got NaN/));
  assert.throws(() => symmetricEigen(new Float64Array(4), 3), inputError(/symmetricEigen: a must hold n·n = 9 entries \(row-major\), got 4/));
  assert.throws(() => symmetricEigen(Float64Array.of(1, 0, Number.POSITIVE_INFINITY, 1), 2), inputError(/a\[2\] \(row 1, column 0\) must be finite, got Infinity/));
  assert.throws(() => symmetricEigen(Float64Array.of(1, Number.NaN, 0, 1), 2), inputError(/a\[1\] \(row 0, column 1\) must be finite, got NaN/));
  assert.throws(() => symmetricEigen(Float64Array.of(1), 1, { maxIterations: -1 }), inputError(/symmetricEigen: opts.maxIterations must be a non-negative integer, got -1/));
  assert.throws(() => tridiagonalEigen([1, 2, 3], [1]), inputError(/tridiagonalEigen: e must hold d.length − 1 = 2 off-diagonal entries, got 1/));
  assert.throws(() => tridiagonalEigen([1, Number.NaN], [0]), inputError(/tridiagonalEigen: d\[1\] must be finite, got NaN/));
  assert.throws(() => tridiagonalEigen([1, 2], [Number.NEGATIVE_INFINITY]), inputError(/tridiagonalEigen: e\[0\] must be finite, got -Infinity/));
  assert.throws(() => tridiagonalEigen([1, 2], [0], { maxIterations: 0.5 }), inputError(/opts.maxIterations must be a non-negative integer, got 0.5/));
});

test('implicit QL that runs out of iterations throws a plain Error citing the limit', () => {
  const plainError = (message: RegExp) => (err: unknown) => err instanceof Error && !(err instanceof InputError) && message.test(err.message);
  // [[2, 1], [1, 2]] is not diagonal, so it needs at least one QL iteration
  assert.throws(() => symmetricEigen(Float64Array.of(2, 1, 1, 2), 2, { maxIterations: 0 }), plainError(/symmetricEigen: implicit QL did not converge within 0 iterations/));
  assert.throws(() => tridiagonalEigen([0, 0, 0], [1, 1], { maxIterations: 1 }), plainError(/tridiagonalEigen: implicit QL did not converge within 1 iterations/));
  // a diagonal matrix needs none, so the same limit is no error
  assert.deepEqual(Array.from(symmetricEigen(Float64Array.of(2, 0, 0, 1), 2, { maxIterations: 0 }).values), [1, 2]);
});
