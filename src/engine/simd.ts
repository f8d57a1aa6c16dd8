/**
 * @file The WebAssembly SIMD matrix kernels (simd.wat), instantiated over one memory per
 * executable. Measured on the convnet's shapes they run 2.5–3.5× faster than the best plain
 * JavaScript loops (0.2–0.4 ns per multiply-add against 0.75–1.0), which is what lets
 * per-sample derivatives beat batched PyTorch.
 */
import { SIMD_WASM_BASE64 } from './simd-wasm.ts';

/** Offsets are element (f64) indices into the memory. */
export interface SimdKernels {
  matmulNT(a: number, b: number, z: number, m: number, k: number, n: number, acc: number): void;
  matmul(a: number, b: number, z: number, m: number, k: number, n: number, acc: number): void;
  matmulTN(a: number, b: number, z: number, m: number, k: number, n: number): void;
  /** mode 0: z = patches of x [C,H,W] (rows of C·kh·kw), 1: z += patches, 2: x += the patches in z. */
  im2col(x: number, z: number, C: number, H: number, W: number, kh: number, kw: number, s: number, mode: number): void;
  /** z[i] = tanh(x[i]) for i < n and, with deriv = 1, z[n + i] = 1 − tanh²(x[i]). */
  tanh(x: number, z: number, n: number, deriv: number): void;
  /** Elementwise over n entries, acc = 1 adding into z: z (+)= x, c·x, a⊙b, (a⊙b)⊙c (products in that order). */
  copy(x: number, z: number, n: number, acc: number): void;
  scale(c: number, x: number, z: number, n: number, acc: number): void;
  mul(a: number, b: number, z: number, n: number, acc: number): void;
  mul3(a: number, b: number, c: number, z: number, n: number, acc: number): void;
}

// Node has WebAssembly, but TypeScript declares it only in the DOM libs: declare what we use.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (d: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
  Instance: new (m: object, imports: object) => { exports: unknown };
};

let module: object | null = null;

/** A heap of `doubles` float64 values and the kernels that work on it. */
export function simdHeap(doubles: number): { heap: Float64Array; kernels: SimdKernels } {
  module ??= new WebAssembly.Module(Buffer.from(SIMD_WASM_BASE64, 'base64'));
  return instantiate(module, doubles);
}

/** The kernels of another build of simd-wat.ts (bench/tiles.ts compares register tiles). */
export function simdHeapFrom(bytes: Uint8Array, doubles: number): { heap: Float64Array; kernels: SimdKernels } {
  return instantiate(new WebAssembly.Module(bytes), doubles);
}

function instantiate(module: object, doubles: number): { heap: Float64Array; kernels: SimdKernels } {
  const pages = Math.max(1, Math.ceil((doubles * 8) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { heap: new Float64Array(memory.buffer), kernels: instance.exports as unknown as SimdKernels };
}
