/** @file Dense row-major linear algebra: Cholesky (Golub & Van Loan, Matrix Computations, Alg. 4.2.1) and the symmetric eigendecomposition by Householder tridiagonalization + implicit QL (EISPACK tred2/imtql2; Numerical Recipes §11.2–11.3; JAMA). */
// Matrices are row-major Float64Array of n·n entries. The eigensolver is written for n in the
// thousands (dense Hessians): inner loops run along rows, nothing is allocated inside loops, and
// the QL rotations are recorded and then applied to each row of the eigenvector matrix in turn
// (as LAPACK's dsteqr/dlasr do), so a row stays in cache while a whole batch of rotations hits it.

import { InputError } from './errors.ts';

/**
 * The lower Cholesky factor L of a symmetric positive definite A (A = L Lᵀ), or null when A is
 * not positive definite (a pivot ≤ 0 or non-finite). Golub & Van Loan, Matrix Computations,
 * Algorithm 4.2.1.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** x = A⁻¹ b given A's Cholesky factor L (forward then back substitution); x may be b. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, x: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** A⁻¹ from A's Cholesky factor (column by column). */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n), col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    choleskySolve(l, n, e, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i]!;
  }
  // symmetrize the rounding
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[i * n + j] = inv[j * n + i] = (inv[i * n + j]! + inv[j * n + i]!) / 2;
  return inv;
}

/** An eigendecomposition A = V diag(values) Vᵀ. */
export interface Eigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Row-major n×n; column j is the unit eigenvector of values[j] (its sign is arbitrary). */
  vectors: Float64Array;
}

export interface EigenOptions {
  /**
   * Give up (a plain Error) after this many implicit-QL iterations in all; default 30·n, the
   * budget of LAPACK's dsteqr. The usual count is below 2 per eigenvalue.
   */
  maxIterations?: number;
}

/**
 * Eigendecomposition of a real symmetric matrix: A = V diag(values) Vᵀ, values ascending,
 * V orthonormal with the eigenvectors as its columns (row-major). Only the lower triangle
 * a[i·n + j], j ≤ i, is read (symmetry is assumed, not checked); `a` is not modified.
 *
 * Householder reduction to tridiagonal form (EISPACK tred2, from the last row up), the
 * accumulated reflections, then implicit QL with Wilkinson shifts on the tridiagonal matrix
 * (EISPACK imtql2, Numerical Recipes tqli), rotating the eigenvector matrix. Backward stable:
 * ‖A − VΛVᵀ‖ and ‖VᵀV − I‖ are a small multiple of n·ε·‖A‖ and n·ε. About 9n³ flops
 * (4/3 n³ to reduce, 4/3 n³ to accumulate, ~6n³ for the QL rotations).
 *
 * Throws InputError for an `n` that is not a non-negative integer, an `a` without n·n
 * entries, or a non-finite entry (anywhere in `a`); a plain Error if QL does not converge.
 */
export function symmetricEigen(a: Float64Array, n: number, opts: EigenOptions = {}): Eigen {
  const who = 'symmetricEigen';
  if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`${who}: n must be a non-negative integer, got ${n}`);
  if (a.length !== n * n) throw new InputError(`${who}: a must hold n·n = ${n * n} entries (row-major), got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) {
      throw new InputError(`${who}: a[${i}] (row ${Math.floor(i / n)}, column ${i % n}) must be finite, got ${a[i]}`);
    }
  }
  const limit = iterationLimit(who, opts, n);
  const z = Float64Array.from(a);
  const d = new Float64Array(n), e = new Float64Array(n), h = new Float64Array(n);
  tridiagonalize(z, n, d, e, h);
  accumulateReflections(z, n, h); // z = Y: T = Y A Yᵀ
  transposeInPlace(z, n); // z = Yᵀ: A = z T zᵀ
  implicitQL(who, d, e, n, z, n, limit); // columns of z: the eigenvectors
  return sortAscending(d, z, n);
}

/** Options of `tridiagonalEigen`. */
export interface TridiagonalEigenOptions extends EigenOptions {
  /** Also return all eigenvectors: O(n) work per QL rotation instead of O(1), ~6n³ flops in all instead of O(n²). */
  vectors?: boolean;
}

/**
 * Eigenvalues (ascending) of the symmetric tridiagonal matrix with diagonal `d` (length n) and
 * off-diagonal `e` (length n − 1; e[i] couples i and i + 1), with `first[j]`, the first
 * component of the unit eigenvector of values[j] — what Golub–Welsch needs for Gauss rules
 * (weights first[j]²) — and optionally all the eigenvectors as the columns of a row-major
 * n×n `vectors`. Implicit QL with Wilkinson shifts, the same iteration as `symmetricEigen`
 * (applied to the identity, or to its first row only). Inputs are not modified.
 */
export function tridiagonalEigen(d: ArrayLike<number>, e: ArrayLike<number>, opts?: TridiagonalEigenOptions & { vectors?: false }): { values: Float64Array; first: Float64Array };
export function tridiagonalEigen(d: ArrayLike<number>, e: ArrayLike<number>, opts: TridiagonalEigenOptions & { vectors: true }): { values: Float64Array; first: Float64Array; vectors: Float64Array };
export function tridiagonalEigen(d: ArrayLike<number>, e: ArrayLike<number>, opts?: TridiagonalEigenOptions): { values: Float64Array; first: Float64Array; vectors?: Float64Array };
export function tridiagonalEigen(d: ArrayLike<number>, e: ArrayLike<number>, opts: TridiagonalEigenOptions = {}): { values: Float64Array; first: Float64Array; vectors?: Float64Array } {
  const who = 'tridiagonalEigen';
  const n = d.length;
  if (e.length !== Math.max(n - 1, 0)) throw new InputError(`${who}: e must hold d.length − 1 = ${Math.max(n - 1, 0)} off-diagonal entries, got ${e.length}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(d[i]!)) throw new InputError(`${who}: d[${i}] must be finite, got ${d[i]}`);
  for (let i = 0; i < n - 1; i++) if (!Number.isFinite(e[i]!)) throw new InputError(`${who}: e[${i}] must be finite, got ${e[i]}`);
  const limit = iterationLimit(who, opts, n);
  const dd = Float64Array.from(d), ee = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) ee[i] = e[i]!;
  // z is the eigenvector matrix (its columns), started at I, or only its first row
  const rows = opts.vectors ? n : Math.min(n, 1);
  const z = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) z[i * n + i] = 1;
  implicitQL(who, dd, ee, n, z, rows, limit);
  const { values, vectors } = sortAscending(dd, z, rows);
  const first = vectors.slice(0, n);
  return opts.vectors ? { values, first, vectors } : { values, first };
}

function iterationLimit(who: string, opts: EigenOptions, n: number): number {
  const m = opts.maxIterations;
  if (m === undefined) return 30 * n;
  if (!Number.isSafeInteger(m) || m < 0) throw new InputError(`${who}: opts.maxIterations must be a non-negative integer, got ${m}`);
  return m;
}

/** Sort the eigenvalues d ascending and the columns of z (rows × n) with them, in place; returns both. */
function sortAscending(d: Float64Array, z: Float64Array, rows: number): Eigen {
  const n = d.length;
  const order = Int32Array.from(d, (_, i) => i).sort((i, j) => d[i]! - d[j]! || i - j);
  const values = Float64Array.from(order, (j) => d[j]!);
  const row = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let j = 0; j < n; j++) row[j] = z[base + order[j]!]!;
    z.set(row, base);
  }
  return { values, vectors: z };
}

/** √(a² + b²) without overflow or destructive underflow (LAPACK dlapy2). */
function pythag(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  const w = a > b ? a : b, v = a > b ? b : a;
  if (w === 0) return 0;
  const t = v / w;
  return w * Math.sqrt(1 + t * t);
}

/**
 * Householder reduction of the symmetric z (lower triangle read) to tridiagonal form (EISPACK
 * tred2, last row first). Step i = n−1, …, 2 replaces the leading i×i block by H_i A H_i with
 * H_i = I − u uᵀ/h: u is left in the first i entries of row i (scaled as tred2 does), h in
 * h[i] (0: no reflection; always so for i = 1). So T = Y A Yᵀ with Y = H_1 H_2 ⋯ H_{n−1}. On
 * return d is T's diagonal and e[i] couples i and i+1 (e[n−1] = 0).
 *
 * Step i needs p = A u_i over its block, then the rank-2 update A ← A − u qᵀ − q uᵀ with
 * q = p/h − (uᵀp/2h²) u. Both run along the rows of the lower triangle, and the update of step
 * i is fused with the product A u_{i−1} of step i−1 (u_{i−1} is row i−1 of the updated block,
 * done first): one pass over the block per step instead of two.
 */
function tridiagonalize(z: Float64Array, n: number, d: Float64Array, e: Float64Array, h: Float64Array): void {
  if (n <= 1) {
    if (n === 1) d[0] = z[0]!;
    return;
  }
  const p = new Float64Array(n), q = new Float64Array(n);
  e[n - 1] = 0;
  d[n - 1] = z[n * n - 1]!;
  let hi = householder(z, n, n - 1, e);
  h[n - 1] = hi;
  if (hi !== 0) symmetricProduct(z, n, n - 1, (n - 1) * n, p);
  for (let i = n - 1; i >= 1; i--) {
    const ri = i * n; // u_i
    if (hi !== 0) {
      // q = p/h − K u, K = uᵀp / 2h²
      let up = 0;
      for (let j = 0; j < i; j++) {
        q[j] = p[j]! / hi;
        up += z[ri + j]! * q[j]!;
      }
      const kk = up / (2 * hi);
      for (let j = 0; j < i; j++) q[j]! -= kk * z[ri + j]!;
      // row i−1 first: it holds the next step's Householder vector
      const r = (i - 1) * n, uj = z[ri + i - 1]!, qj = q[i - 1]!;
      for (let k = 0; k < i; k++) z[r + k]! -= uj * q[k]! + qj * z[ri + k]!;
    }
    if (i === 1) break;
    d[i - 1] = z[(i - 1) * n + i - 1]!;
    const next = householder(z, n, i - 1, e);
    h[i - 1] = next;
    const m = i - 1, rv = m * n; // the next block is 0..m−1, its vector u_{i−1} is row m
    if (hi !== 0 && next !== 0) {
      p.fill(0, 0, m);
      for (let j = 0; j < m; j++) {
        const rj = j * n, uj = z[ri + j]!, qj = q[j]!, vj = z[rv + j]!;
        let s0 = 0, s1 = 0, k = 0;
        for (; k + 1 < j; k += 2) {
          const a0 = z[rj + k]! - (uj * q[k]! + qj * z[ri + k]!);
          const a1 = z[rj + k + 1]! - (uj * q[k + 1]! + qj * z[ri + k + 1]!);
          z[rj + k] = a0;
          z[rj + k + 1] = a1;
          s0 += a0 * z[rv + k]!;
          s1 += a1 * z[rv + k + 1]!;
          p[k]! += a0 * vj;
          p[k + 1]! += a1 * vj;
        }
        if (k < j) {
          const a0 = z[rj + k]! - (uj * q[k]! + qj * z[ri + k]!);
          z[rj + k] = a0;
          s0 += a0 * z[rv + k]!;
          p[k]! += a0 * vj;
        }
        const ajj = z[rj + j]! - 2 * uj * qj;
        z[rj + j] = ajj;
        p[j]! += s0 + s1 + ajj * vj;
      }
    } else if (hi !== 0) {
      for (let j = 0; j < m; j++) {
        const rj = j * n, uj = z[ri + j]!, qj = q[j]!;
        for (let k = 0; k <= j; k++) z[rj + k]! -= uj * q[k]! + qj * z[ri + k]!;
      }
    } else if (next !== 0) symmetricProduct(z, n, m, rv, p);
    hi = next;
  }
  d[0] = z[0]!;
}

/** p = A v over the leading m×m block of z (lower triangle, row by row); v is z[rv … rv+m). */
function symmetricProduct(z: Float64Array, n: number, m: number, rv: number, p: Float64Array): void {
  p.fill(0, 0, m);
  for (let j = 0; j < m; j++) {
    const rj = j * n, vj = z[rv + j]!;
    let s0 = z[rj + j]! * vj, s1 = 0, k = 0;
    for (; k + 1 < j; k += 2) {
      const a0 = z[rj + k]!, a1 = z[rj + k + 1]!;
      s0 += a0 * z[rv + k]!;
      s1 += a1 * z[rv + k + 1]!;
      p[k]! += a0 * vj;
      p[k + 1]! += a1 * vj;
    }
    if (k < j) {
      const a0 = z[rj + k]!;
      s0 += a0 * z[rv + k]!;
      p[k]! += a0 * vj;
    }
    p[j]! += s0 + s1;
  }
}

/**
 * Turn row i (its first i entries x) into the Householder vector u of H = I − u uᵀ/h with
 * H x = e[i−1]·e_{i−1}; returns h, or 0 when no reflection is needed (i = 1, or x = 0).
 * Scaled by Σ|x_k| against overflow (tred2); H does not depend on the scale.
 */
function householder(z: Float64Array, n: number, i: number, e: Float64Array): number {
  const ri = i * n;
  if (i === 1) {
    e[0] = z[ri]!;
    return 0;
  }
  let scale = 0;
  for (let k = 0; k < i; k++) scale += Math.abs(z[ri + k]!);
  if (scale === 0) {
    e[i - 1] = 0;
    return 0;
  }
  let s2 = 0;
  for (let k = 0; k < i; k++) {
    const x = z[ri + k]! / scale;
    z[ri + k] = x;
    s2 += x * x;
  }
  const f = z[ri + i - 1]!;
  const g = f > 0 ? -Math.sqrt(s2) : Math.sqrt(s2); // the sign that avoids cancellation in f − g
  e[i - 1] = scale * g;
  z[ri + i - 1] = f - g;
  return s2 - f * g; // = |u|²/2
}

/** Set row c and column c of z to those of the identity (the part of row c right of c is left). */
function unitRowColumn(z: Float64Array, n: number, c: number): void {
  const rc = c * n;
  for (let k = 0; k < c; k++) {
    z[rc + k] = 0;
    z[k * n + c] = 0;
  }
  z[rc + c] = 1;
}

/** Reflectors applied per pass over the rows of Y in `accumulateReflections`. */
const REFLECTOR_BLOCK = 32;

/**
 * Overwrite z (holding the reflectors left by `tridiagonalize`) with Y = H_1 H_2 ⋯ H_{n−1},
 * so that T = Y A Yᵀ. Built left to right: Y ← Y H_i touches rows and columns 0..i−1, and on
 * each row it is a dot product with u_i and an axpy along contiguous memory. Blocks of
 * REFLECTOR_BLOCK reflectors are copied out (their rows are about to become rows of Y) and
 * applied to one row of Y after another, the axpy of u_i fused with the dot product of u_{i+1}:
 * a row is read from memory once per block rather than once per reflector.
 */
function accumulateReflections(z: Float64Array, n: number, h: Float64Array): void {
  const u = new Float64Array(REFLECTOR_BLOCK * n), inv = new Float64Array(REFLECTOR_BLOCK);
  for (let i0 = 1; i0 < n; i0 += REFLECTOR_BLOCK) {
    const i1 = Math.min(n, i0 + REFLECTOR_BLOCK);
    for (let i = i0; i < i1; i++) {
      const t = i - i0;
      inv[t] = h[i] === 0 ? 0 : 1 / h[i]!;
      if (inv[t] === 0) u.fill(0, t * n, t * n + i);
      else u.set(z.subarray(i * n, i * n + i), t * n);
    }
    // Y = H_1⋯H_{i0−1} is the identity outside rows and columns 0..i0−2
    for (let c = i0 - 1; c <= i1 - 2; c++) unitRowColumn(z, n, c);
    for (let r = 0; r <= i1 - 2; r++) {
      const rr = r * n;
      const start = Math.max(i0, r + 1); // H_i leaves rows ≥ i alone
      let t = start - i0;
      let g = dot(z, rr, u, t * n, start) * inv[t]!;
      for (let i = start; i < i1 - 1; i++, t++) g = axpyDot(z, rr, g, u, t * n, i, (t + 1) * n, i + 1) * inv[t + 1]!;
      for (let k = 0, ut = t * n; k < i1 - 1; k++) z[rr + k]! -= g * u[ut + k]!;
    }
  }
  if (n > 0) unitRowColumn(z, n, n - 1);
}

/** Σ_k x[ix + k] y[iy + k], k < len, four partial sums (the additions are not one chain). */
function dot(x: Float64Array, ix: number, y: Float64Array, iy: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += x[ix + k]! * y[iy + k]!;
    s1 += x[ix + k + 1]! * y[iy + k + 1]!;
    s2 += x[ix + k + 2]! * y[iy + k + 2]!;
    s3 += x[ix + k + 3]! * y[iy + k + 3]!;
  }
  for (; k < len; k++) s0 += x[ix + k]! * y[iy + k]!;
  return s0 + s1 + (s2 + s3);
}

/** x[ix + k] −= g u[iu + k] for k < len, returning Σ_{k < len2} x[ix + k] u[iv + k] of the updated x (len2 ≥ len). */
function axpyDot(x: Float64Array, ix: number, g: number, u: Float64Array, iu: number, len: number, iv: number, len2: number): number {
  let s0 = 0, s1 = 0, k = 0;
  for (; k + 1 < len; k += 2) {
    const x0 = x[ix + k]! - g * u[iu + k]!, x1 = x[ix + k + 1]! - g * u[iu + k + 1]!;
    x[ix + k] = x0;
    x[ix + k + 1] = x1;
    s0 += x0 * u[iv + k]!;
    s1 += x1 * u[iv + k + 1]!;
  }
  for (; k < len; k++) {
    const x0 = x[ix + k]! - g * u[iu + k]!;
    x[ix + k] = x0;
    s0 += x0 * u[iv + k]!;
  }
  for (; k < len2; k++) s0 += x[ix + k]! * u[iv + k]!;
  return s0 + s1;
}

/** In-place transpose of the n×n z, in 32×32 tiles. */
function transposeInPlace(z: Float64Array, n: number): void {
  const B = 32;
  for (let ib = 0; ib < n; ib += B) {
    const ie = Math.min(n, ib + B);
    for (let jb = 0; jb <= ib; jb += B) {
      const je = Math.min(n, jb + B);
      for (let i = ib; i < ie; i++) {
        const jEnd = Math.min(je, i);
        for (let j = jb; j < jEnd; j++) {
          const x = z[i * n + j]!;
          z[i * n + j] = z[j * n + i]!;
          z[j * n + i] = x;
        }
      }
    }
  }
}

/**
 * Implicit QL with Wilkinson shifts (EISPACK imtql2; Numerical Recipes tqli) on the symmetric
 * tridiagonal (d, e), e[i] coupling i and i+1, e[n−1] = 0 (both overwritten; d ends as the
 * eigenvalues, unsorted). Every rotation of T's rows and columns i, i+1 is also applied to
 * columns i, i+1 of z (`rows` × n, row-major): if A = z T zᵀ on entry, the columns of z end as
 * A's eigenvectors. An off-diagonal e[m] counts as zero once |e[m]| ≤ ε(|d[m]| + |d[m+1]|).
 *
 * The rotations depend on d and e only, so they are recorded (a batch of whole QL sweeps) and
 * then applied to z one row at a time (LAPACK dsteqr + dlasr): a row stays in cache for the
 * whole batch, and a sweep over columns lo..m is a chain along contiguous memory.
 */
function implicitQL(who: string, d: Float64Array, e: Float64Array, n: number, z: Float64Array, rows: number, limit: number): void {
  // capacity of a batch in rotations: ≥ n (one sweep fits); ~16n, so that z is streamed through
  // memory once per 16n rotations, but c, s stay in cache; for small n, all (~1.05 n²) at once
  const capacity = Math.max(n, Math.min(Math.max(16 * n, 1 << 14), n * n + n, 1 << 18));
  const cs = new Float64Array(2 * capacity); // c, s of each rotation, in order
  const sweeps = new Int32Array(2 * capacity); // lo, m of each sweep: rotations (m−1, m), …, (lo, lo+1)
  let used = 0, count = 0, iterations = 0;
  for (let l = 0; l < n; l++) {
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) if (Math.abs(e[m]!) <= Number.EPSILON * (Math.abs(d[m]!) + Math.abs(d[m + 1]!))) break;
      if (m === l) break;
      if (iterations++ === limit) throw new Error(`${who}: implicit QL did not converge within ${limit} iterations`);
      if (used + (m - l) > capacity) {
        applyRotations(z, n, rows, cs, sweeps, count);
        used = count = 0;
      }
      // Wilkinson shift: the eigenvalue of the leading 2×2 of the block nearer d[l]
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = pythag(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i]!, b = c * e[i]!;
        r = pythag(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // underflow: the block splits here; start again
          d[i + 1]! -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        cs[2 * used] = c;
        cs[2 * used + 1] = s;
        used++;
      }
      if (i < m - 1) {
        sweeps[2 * count] = i + 1;
        sweeps[2 * count + 1] = m;
        count++;
      }
      if (r === 0 && i >= l) continue;
      d[l]! -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  applyRotations(z, n, rows, cs, sweeps, count);
}

/**
 * Apply the recorded sweeps to each row of z (`rows` × n): sweep (lo, m) rotates columns
 * (j, j+1) for j = m−1 down to lo, x_{j+1} ← s x_j + c x_{j+1}, x_j ← c x_j − s x_{j+1}; the
 * updated x_{j+1} of one step is the x_j of the next, so it is carried in a register. Four rows
 * go together, their independent chains hiding each other's latency, addressed from one running
 * index (which V8 compiles to fewer address computations than four row bases: ~30% faster).
 */
function applyRotations(z: Float64Array, n: number, rows: number, cs: Float64Array, sweeps: Int32Array, count: number): void {
  const n2 = 2 * n, n3 = 3 * n;
  let k = 0;
  for (; k + 3 < rows; k += 4) {
    const base = k * n;
    let o = 0;
    for (let w = 0; w < count; w++) {
      const end = base + sweeps[2 * w]!;
      let q = base + sweeps[2 * w + 1]!; // column j + 1 of the row-k entry
      let ya = z[q]!, yb = z[q + n]!, yc = z[q + n2]!, yd = z[q + n3]!;
      while (q > end) {
        const c = cs[o]!, s = cs[o + 1]!;
        o += 2;
        const p = q - 1;
        const xa = z[p]!, xb = z[p + n]!, xc = z[p + n2]!, xd = z[p + n3]!;
        z[q] = s * xa + c * ya;
        z[q + n] = s * xb + c * yb;
        z[q + n2] = s * xc + c * yc;
        z[q + n3] = s * xd + c * yd;
        ya = c * xa - s * ya;
        yb = c * xb - s * yb;
        yc = c * xc - s * yc;
        yd = c * xd - s * yd;
        q = p;
      }
      z[q] = ya;
      z[q + n] = yb;
      z[q + n2] = yc;
      z[q + n3] = yd;
    }
  }
  for (; k < rows; k++) {
    const base = k * n;
    let o = 0;
    for (let w = 0; w < count; w++) {
      const end = base + sweeps[2 * w]!;
      let q = base + sweeps[2 * w + 1]!;
      let y = z[q]!;
      while (q > end) {
        const c = cs[o]!, s = cs[o + 1]!;
        o += 2;
        const x = z[q - 1]!;
        z[q] = s * x + c * y;
        y = c * x - s * y;
        q--;
      }
      z[q] = y;
    }
  }
}
