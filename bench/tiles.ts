/**
 * @file Register tiles of the WebAssembly matrix kernels (scripts/simd-wat.ts), chosen by
 * measurement: each candidate build times the Fashion-MNIST convnet's products (the shapes of
 * bench/engine.ts: conv 5×5 stride 2 with 10 channels, then two dense layers), forward and
 * backward, and must give the default build's bits (the sum order of an entry does not depend
 * on the tile). Prints µs per product and the total per candidate; `TILES` in simd-wat.ts is
 * the fastest total. `npm run bench -- tiles`.
 */
import { loadavg } from 'node:os';
import { assembleSimd } from '../scripts/build-wasm.ts';
import type { Tiles } from '../scripts/simd-wat.ts';
import { TILES } from '../scripts/simd-wat.ts';
import { simdHeapFrom, type SimdKernels } from '../src/engine/simd.ts';
import { uniformStream } from '../src/testing/index.ts';
import { table, timeit } from './timing.ts';

type Kind = 'matmul' | 'matmulNT' | 'matmulTN';
/** [what, kernel, m, k, n]: the convnet's products per sample (names as in bench/engine.ts's step profile). */
const PRODUCTS: [string, Kind, number, number, number][] = [
  ['conv1 forward W·patchesᵀ', 'matmulNT', 10, 25, 144],
  ['conv2 forward', 'matmulNT', 10, 250, 16],
  ['dense 160→10 forward', 'matmulNT', 1, 160, 10],
  ['conv1 weight gradient', 'matmul', 10, 144, 25],
  ['conv2 weight gradient', 'matmul', 10, 16, 250],
  ['conv2 patch gradient', 'matmulTN', 16, 10, 250],
  ['dense 160→10 input gradient', 'matmulTN', 160, 1, 10],
];

const CANDIDATES: Tiles[] = [
  TILES, // nn 2×8, nt 2×4
  { nn: [4, 4], nt: [2, 4] },
  { nn: [2, 4], nt: [2, 2] },
  { nn: [4, 2], nt: [1, 4] },
  { nn: [2, 8], nt: [4, 2] },
  { nn: [4, 8], nt: [4, 4] },
  { nn: [8, 2], nt: [2, 8] },
  { nn: [1, 8], nt: [1, 8] },
];

const A = 0, B = 8192, Z = 16384;

function run(k: SimdKernels, kind: Kind, m: number, kk: number, n: number): void {
  if (kind === 'matmulTN') k.matmulTN(A, B, Z, m, kk, n);
  else k[kind](A, B, Z, m, kk, n, 0);
}

export async function run_(): Promise<void> {
  const load = loadavg();
  const builds = await Promise.all(CANDIDATES.map(async (t) => ({ tiles: t, kernels: simdHeapFrom(await assembleSimd(t), 32768) })));
  for (const b of builds) {
    const r = uniformStream(3);
    for (let i = 0; i < 16384; i++) b.kernels.heap[i] = 2 * r() - 1;
  }
  // Same bits from every build.
  const ref = builds[0]!;
  for (const [what, kind, m, k, n] of PRODUCTS) {
    ref.kernels.heap.fill(0, Z, Z + m * n); // matmulTN accumulates
    run(ref.kernels.kernels, kind, m, k, n);
    const want = ref.kernels.heap.slice(Z, Z + m * n);
    for (const b of builds.slice(1)) {
      b.kernels.heap.fill(0, Z, Z + m * n);
      run(b.kernels.kernels, kind, m, k, n);
      const got = b.kernels.heap.subarray(Z, Z + m * n);
      if (!got.every((v, i) => Object.is(v, want[i]))) throw new Error(`tiles ${JSON.stringify(b.tiles)}: ${what} differs from the default build`);
    }
  }
  const rows: string[][] = [];
  const totals: number[] = [];
  for (const b of builds) {
    const times = PRODUCTS.map(([, kind, m, k, n]) => timeit(() => run(b.kernels.kernels, kind, m, k, n), 7, 0.05));
    const total = times.reduce((s, t) => s + t, 0);
    totals.push(total);
    rows.push([`nn ${b.tiles.nn.join('×')}, nt ${b.tiles.nt.join('×')}`, ...times.map((t) => (t * 1e6).toFixed(2)), (total * 1e6).toFixed(2)]);
  }
  const best = totals.indexOf(Math.min(...totals));
  rows[best]![0] += '  ← fastest';
  console.log(`\nRegister tiles: µs per product (one sample of the fmnist convnet), load average ${load.map((x) => x.toFixed(2)).join(', ')}`);
  console.log(table(['tiles (rows × cols)', ...PRODUCTS.map(([w, , m, k, n]) => `${w} ${m}×${k}×${n}`), 'total'], rows));
  console.log(`built-in TILES: nn ${TILES.nn.join('×')}, nt ${TILES.nt.join('×')}; every candidate gave the same bits`);
}

export { run_ as run };

if (import.meta.url === `file://${process.argv[1]}`) await run_();
