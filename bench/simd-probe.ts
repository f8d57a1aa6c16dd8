/**
 * @file How many cores' worth of SIMD arithmetic this machine has: the WebAssembly GEMM kernel on
 * L1-resident data, in one process and then in two at once. A machine whose two vCPUs share one
 * physical core (hyperthreads on the host) runs each of the two at half speed, and then no
 * number of worker threads speeds up SIMD-bound work such as the convnet's trials. Printed by
 * bench/sim.ts beside its 2-worker row. Run as a script, it prints its own seconds.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { simdHeap } from '../src/engine/simd.ts';

const self = fileURLToPath(import.meta.url);

/** Seconds of a fixed SIMD workload (10×25 · 25×10 products, 400,000 times) in this process. */
export function simdSeconds(): number {
  const { heap, kernels } = simdHeap(8192);
  for (let i = 0; i < 2000; i++) heap[i] = Math.sin(i);
  for (let r = 0; r < 20_000; r++) kernels.matmulNT(0, 300, 3000, 10, 25, 10, 0);
  const t0 = performance.now();
  for (let r = 0; r < 400_000; r++) kernels.matmulNT(0, 300, 3000, 10, 25, 10, 0);
  return (performance.now() - t0) / 1000;
}

/** The workload's speed with two processes at once, relative to one alone (2.0 = two cores). */
export async function simdScaling(): Promise<{ one: number; two: number[]; ratio: number }> {
  const run = async () => Number((await promisify(execFile)(process.execPath, ['--import', 'tsx', self])).stdout.trim());
  const one = await run();
  const two = await Promise.all([run(), run()]);
  return { one, two, ratio: (2 * one) / Math.max(...two) };
}

if (process.argv[1] === self) console.log(simdSeconds());
