import { simdHeapFrom } from '../src/engine/simd.ts';
import { SIMD_WASM_BASE64 as NEW } from '../src/engine/simd-wasm.ts';
import { SIMD_WASM_BASE64 as OLD } from './old-wasm.ts';
const n = 1 << 20;
const mk = (b: string) => simdHeapFrom(Buffer.from(b, 'base64'), 3 * n + 16);
const a = mk(OLD), b = mk(NEW);
let bad = 0;
for (let round = 0; round < 6; round++) {
  for (let i = 0; i < n; i++) {
    const u = Math.random();
    const x = round === 0 ? (u - 0.5) * 60 : round === 1 ? (u - 0.5) * 1e-3 : round === 2 ? (u - 0.5) * 4 : round === 3 ? Math.tan((u - 0.5) * 3.1) : round === 4 ? (u - 0.5) * 1e-300 : [0, -0, Infinity, -Infinity, NaN, 20, -20, 19.99999, 1e-310, -5e-324][i % 10]!;
    a.heap[i] = x; b.heap[i] = x;
  }
  (a.kernels as any).tanh(0, n, n - 3, 1); (b.kernels as any).tanh(0, n, n - 3, 1);
  const ba = new BigUint64Array(a.heap.buffer, n * 8, 2 * n), bb = new BigUint64Array(b.heap.buffer, n * 8, 2 * n);
  for (let i = 0; i < 2 * n; i++) if (ba[i] !== bb[i] && !(Number.isNaN(a.heap[n + i]) && Number.isNaN(b.heap[n + i]))) bad++;
}
console.log('differing outputs:', bad);
