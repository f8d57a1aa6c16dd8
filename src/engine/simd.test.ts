/**
 * @file The WebAssembly matrix kernels: the committed binary is the assembled simd.wat, and each
 * kernel computes its product (including the tails of the 4-wide loops and the acc flag).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assembleSimd, simdModuleSource } from '../../scripts/build-wasm.ts';
import { simdHeap } from './simd.ts';
import { uniformStream } from '../testing/index.ts';

test('the committed simd-wasm.ts is exactly what assembling simd.wat produces', async () => {
  const committed = readFileSync(new URL('./simd-wasm.ts', import.meta.url), 'utf8');
  assert.equal(simdModuleSource(await assembleSimd()), committed);
});

/** Fill heap[off, off+n) with uniforms in [−1, 1). */
function fill(heap: Float64Array, off: number, n: number, rng: () => number): void {
  for (let i = 0; i < n; i++) heap[off + i] = 2 * rng() - 1;
}

/**
 * Each kernel against a plain triple loop, for sizes around the 4-wide unrolling (k, n ∈ 1…9)
 * and with odd offsets (unaligned v128 loads). The kernels sum in a different order than the
 * loop, so entries may differ by rounding: both sums are within (k+1)·ε·Σ|aᵢbᵢ| of the exact
 * value (k ≤ 9, ε = 2⁻⁵³), hence the bound 20·1.1e-16·Σ|aᵢbᵢ| ≈ 2.2e-15·Σ|aᵢbᵢ|.
 */
const TOL = 2.2e-15;
test('matmulNT, matmul and matmulTN compute z (+)= a·bᵀ, a·b and aᵀ·b for sizes 1…9 and odd offsets', () => {
  const { heap, kernels } = simdHeap(8192);
  const rng = uniformStream(8);
  const A = 1, B = 201, Z = 403; // element offsets (odd: 8-byte but not 16-byte aligned)
  let checked = 0;
  // m up to 9 covers every row tile (4, 2, 1) and n up to 9 every column tile (4, 2, 1)
  for (const m of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    for (let k = 1; k <= 9; k++) {
      for (let n = 1; n <= 9; n++) {
        for (const acc of [0, 1]) {
          // matmulNT: a [m,k], b [n,k], z [m,n]
          fill(heap, A, m * k, rng); fill(heap, B, n * k, rng); fill(heap, Z, m * n, rng);
          const z0 = heap.slice(Z, Z + m * n);
          kernels.matmulNT(A, B, Z, m, k, n, acc);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            let s = acc ? z0[i * n + j]! : 0, mag = Math.abs(s);
            for (let t = 0; t < k; t++) { s += heap[A + i * k + t]! * heap[B + j * k + t]!; mag += Math.abs(heap[A + i * k + t]! * heap[B + j * k + t]!); }
            assert.ok(Math.abs(heap[Z + i * n + j]! - s) <= TOL * mag, `matmulNT m=${m} k=${k} n=${n} acc=${acc}`);
            checked++;
          }
          // matmul: a [m,k], b [k,n], z [m,n]
          fill(heap, A, m * k, rng); fill(heap, B, k * n, rng); fill(heap, Z, m * n, rng);
          const z1 = heap.slice(Z, Z + m * n);
          kernels.matmul(A, B, Z, m, k, n, acc);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            let s = acc ? z1[i * n + j]! : 0, mag = Math.abs(s);
            for (let t = 0; t < k; t++) { s += heap[A + i * k + t]! * heap[B + t * n + j]!; mag += Math.abs(heap[A + i * k + t]! * heap[B + t * n + j]!); }
            assert.ok(Math.abs(heap[Z + i * n + j]! - s) <= TOL * mag, `matmul m=${m} k=${k} n=${n} acc=${acc}`);
          }
        }
        // matmulTN (always accumulates): a [k,m], b [k,n], z [m,n]
        fill(heap, A, k * m, rng); fill(heap, B, k * n, rng); fill(heap, Z, m * n, rng);
        const z2 = heap.slice(Z, Z + m * n);
        kernels.matmulTN(A, B, Z, m, k, n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let s = z2[i * n + j]!, mag = Math.abs(s);
          for (let t = 0; t < k; t++) { s += heap[A + t * m + i]! * heap[B + t * n + j]!; mag += Math.abs(heap[A + t * m + i]! * heap[B + t * n + j]!); }
          assert.ok(Math.abs(heap[Z + i * n + j]! - s) <= TOL * mag, `matmulTN m=${m} k=${k} n=${n}`);
        }
      }
    }
  }
  assert.equal(checked, 45 * 9 * 45 * 2); // Σ_m Σ_k Σ_n Σ_acc m·n entries of matmulNT
});

test('the kernels write only their output: the bytes around z are untouched', () => {
  const { heap, kernels } = simdHeap(1024);
  heap.fill(7);
  kernels.matmulNT(0, 100, 201, 3, 5, 3, 0);
  kernels.matmul(0, 100, 301, 3, 5, 3, 0);
  assert.equal(heap[200], 7);
  assert.equal(heap[210], 7);
  assert.equal(heap[300], 7);
  assert.equal(heap[310], 7);
  // a 3×5 times 5×3 product of 7s: every entry 5·49
  assert.deepEqual([...heap.subarray(201, 210)], Array(9).fill(245));
  assert.deepEqual([...heap.subarray(301, 310)], Array(9).fill(245));
});

/**
 * Each entry is summed in the same order whichever register tile computes it, so a product's
 * entries are the same bits as those of any sub-product containing them: a batch of samples (a
 * larger m or n) gives each sample's numbers exactly.
 */
test('an entry of a product is the same bits whatever the sizes around it (every tile sums alike)', () => {
  const { heap, kernels } = simdHeap(1 << 16);
  const rng = uniformStream(9);
  const A = 0, B = 8192, Z = 16384, Z1 = 24576;
  let compared = 0;
  for (const [m, k, n] of [[9, 25, 11], [10, 250, 16], [7, 7, 7], [5, 1, 13]] as const) {
    for (const acc of [0, 1]) {
      fill(heap, A, m * k, rng); fill(heap, B, Math.max(k * n, n * k), rng); fill(heap, Z, m * n, rng);
      const z0 = heap.slice(Z, Z + m * n);
      for (const kind of ['matmul', 'matmulNT', 'matmulTN'] as const) {
        heap.set(z0, Z);
        const accumulate = kind === 'matmulTN' ? 1 : acc;
        if (kind === 'matmulTN') kernels.matmulTN(A, B, Z, m, k, n);
        else kernels[kind](A, B, Z, m, k, n, acc);
        // each entry alone: a 1×1 product of row i (or column i for TN) against column j
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            const a1 = 40000, b1 = 48000;
            for (let t = 0; t < k; t++) {
              heap[a1 + t] = kind === 'matmulTN' ? heap[A + t * m + i]! : heap[A + i * k + t]!;
              heap[b1 + t] = kind === 'matmulNT' ? heap[B + j * k + t]! : heap[B + t * n + j]!;
            }
            heap[Z1] = z0[i * n + j]!;
            if (kind === 'matmulNT') kernels.matmulNT(a1, b1, Z1, 1, k, 1, accumulate);
            else kernels.matmul(a1, b1, Z1, 1, k, 1, accumulate);
            assert.equal(heap[Z + i * n + j], heap[Z1], `${kind} ${m}×${k}×${n} acc=${accumulate} entry (${i}, ${j})`);
            compared++;
          }
        }
      }
    }
  }
  assert.equal(compared, 2 * 3 * (9 * 11 + 10 * 16 + 49 + 5 * 13));
});

/**
 * The WebAssembly tanh against Math.tanh: within 3ε = 6.7e-16 relative (each has its own
 * rounding error of one to two ulp: e/(e + 2) rounds three times after expm1) at the edges of its ranges (0, −0, subnormal, the reduction's k = 0/1 boundary
 * at 2|x| = ln2/2, the cap at 2|x| = 40, ±∞, NaN) and on 20,000 points spread over
 * |x| ∈ [1e-12, 40] on a log scale, with 1 − t² after it; an odd count's last element included.
 */
test('tanh and 1 − tanh² equal Math.tanh to 3ε over the whole line, ±0, ±∞ and NaN', () => {
  const edges = [0, -0, 5e-324, 1e-300, 1e-12, 1e-8, 0.1, Math.LN2 / 4, Math.LN2 / 4 + 1e-12, 0.25, 0.5, 1, 2.5, 5, 10, 19.99, 20, 20.01, 25, 100, 1e300, Infinity];
  const xs = [...edges, ...edges.map((x) => -x), Number.NaN];
  const rng = uniformStream(11);
  for (let i = 0; i < 20_000; i++) xs.push((rng() < 0.5 ? -1 : 1) * 10 ** (-12 + Math.log10(40e12) * rng()));
  xs.push(0.7, -3.25); // 20,047: eight at a time, then pairs, then the last one alone
  const n = xs.length;
  assert.equal(n % 8, 7);
  const { heap, kernels } = simdHeap(4 * n + 8);
  heap.set(xs, 1);
  kernels.tanh(1, n + 2, n, 1);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!, want = Math.tanh(x), t = heap[n + 2 + i]!, d = heap[2 * n + 2 + i]!;
    if (Number.isNaN(x)) {
      assert.ok(Number.isNaN(t), 'tanh(NaN)');
      continue;
    }
    if (want === 0) assert.ok(Object.is(t, want), `tanh(${x}) = ${t}, expected ${want} with its sign`);
    const err = Math.abs(t - want) / Math.max(Math.abs(want), 1e-300);
    worst = Math.max(worst, err);
    assert.ok(err <= 3 * 2 ** -52, `tanh(${x}) = ${t}, Math.tanh ${want}, relative ${err}`);
    assert.equal(d, 1 - t * t, `1 − tanh²(${x})`);
  }
  assert.ok(worst > 0, 'the two implementations are not the same code');
  console.log(`tanh: largest relative difference from Math.tanh ${worst.toExponential(2)}`);
});

test('im2col puts, adds and (mode 2) scatters back the patches, against a plain loop, for several shapes and strides', () => {
  const rng = uniformStream(12);
  let checked = 0;
  for (const [C, H, W, kh, kw, s] of [[1, 7, 6, 3, 3, 1], [2, 9, 8, 5, 5, 2], [3, 5, 5, 2, 4, 1], [1, 4, 4, 1, 1, 3], [2, 6, 7, 4, 2, 2]] as const) {
    const Ho = Math.floor((H - kh) / s) + 1, Wo = Math.floor((W - kw) / s) + 1, cols = C * kh * kw;
    const X = 3, Z = 3 + C * H * W + 1; // odd offsets
    const { heap, kernels } = simdHeap(Z + Ho * Wo * cols + 8);
    fill(heap, X, C * H * W, rng);
    const x0 = heap.slice(X, X + C * H * W);
    const at = (i: number, j: number, c: number, p: number, q: number) => c * H * W + (i * s + p) * W + j * s + q;
    for (const mode of [0, 1, 2]) {
      heap.set(x0, X);
      fill(heap, Z, Ho * Wo * cols, rng);
      const z0 = heap.slice(Z, Z + Ho * Wo * cols);
      kernels.im2col(X, Z, C, H, W, kh, kw, s, mode);
      const want = mode === 2 ? Float64Array.from(x0) : Float64Array.from(z0);
      let r = 0;
      for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) for (let c = 0; c < C; c++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++, r++) {
        if (mode === 0) want[r] = x0[at(i, j, c, p, q)]!;
        else if (mode === 1) want[r]! += x0[at(i, j, c, p, q)]!;
        else want[at(i, j, c, p, q)]! += z0[r]!;
      }
      assert.deepEqual(mode === 2 ? heap.slice(X, X + C * H * W) : heap.slice(Z, Z + Ho * Wo * cols), want, `mode ${mode}, ${C}×${H}×${W}, kernel ${kh}×${kw}, stride ${s}`);
      checked++;
    }
  }
  assert.equal(checked, 15);
});

test('copy, scale, mul and mul3 compute z (+)= x, c·x, a⊙b, (a⊙b)⊙c for n = 0…9 at odd offsets, and write nothing else', () => {
  const rng = uniformStream(13);
  const { heap, kernels } = simdHeap(512);
  const A = 1, B = 31, C = 61, Z = 91;
  let checked = 0;
  for (let n = 0; n <= 9; n++) {
    for (const acc of [0, 1]) {
      for (const kind of ['copy', 'scale', 'mul', 'mul3'] as const) {
        heap.fill(7);
        fill(heap, A, n, rng); fill(heap, B, n, rng); fill(heap, C, n, rng); fill(heap, Z, n, rng);
        const before = heap.slice();
        if (kind === 'copy') kernels.copy(A, Z, n, acc);
        else if (kind === 'scale') kernels.scale(-0.375, A, Z, n, acc);
        else if (kind === 'mul') kernels.mul(A, B, Z, n, acc);
        else kernels.mul3(A, B, C, Z, n, acc);
        for (let i = 0; i < before.length; i++) {
          const j = i - Z;
          if (j < 0 || j >= n) {
            assert.equal(heap[i], before[i], `${kind} n=${n} wrote outside z at ${i}`);
            continue;
          }
          const a = before[A + j]!, b = before[B + j]!, c = before[C + j]!;
          const term = kind === 'copy' ? a : kind === 'scale' ? -0.375 * a : kind === 'mul' ? a * b : a * b * c;
          assert.equal(heap[i], acc ? before[i]! + term : term, `${kind} n=${n} acc=${acc} entry ${j}`);
          checked++;
        }
      }
    }
  }
  assert.equal(checked, 45 * 2 * 4);
});
