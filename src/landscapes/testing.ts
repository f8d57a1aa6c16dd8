/** @file Test helpers for landscapes: finite-difference checks of a Program's derivatives, and tiny synthetic image data sets in the real format. */
import assert from 'node:assert/strict';
import type { ImageDataset } from '../data/index.ts';
import type { Program, Sample } from '../engine/index.ts';
import { rng } from '../core/index.ts';

const axpy = (theta: Float64Array, h: number, v: Float64Array) => theta.map((t, k) => t + h * v[k]!);

function close(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, what: string): void {
  let scale = 0, err = 0;
  for (let k = 0; k < want.length; k++) {
    scale = Math.max(scale, Math.abs(want[k]!), Math.abs(got[k]!));
    err = Math.max(err, Math.abs(got[k]! - want[k]!));
  }
  assert.ok(err <= rtol * Math.max(scale, 1e-3), `${what}: max error ${err.toExponential(2)} at scale ${scale.toExponential(2)}`);
}

/**
 * Central differences, O(h²): the gradient against the value along a random direction and in
 * full; the Hessian-vector product ∇(Dl[u]) against differences of ∇l along u; the gradient of
 * D²l[u, v] against differences of ∇(Dl[u]) along v; and the scalar D³l[u, v, w] against
 * differences of D²l[u, v] along w.
 */
export function checkDerivatives(program: Program, theta: Float64Array, sample: Sample, seed: number, opts: { h?: number; rtol?: number } = {}): void {
  const h = opts.h ?? 1e-5, rtol = opts.rtol ?? 1e-6;
  const r = rng(seed);
  const P = program.P;
  const dir = () => r.normals(new Float64Array(P)).map((x) => x / Math.sqrt(P));
  const [u, v, w] = [dir(), dir(), dir()];
  const fd = <T extends number | Float64Array>(f: (t: Float64Array) => T, along: Float64Array): number | Float64Array => {
    const a = f(axpy(theta, h, along)), b = f(axpy(theta, -h, along));
    return typeof a === 'number' ? (a - (b as number)) / (2 * h) : a.map((x, k) => (x - (b as Float64Array)[k]!) / (2 * h));
  };
  const grad = (t: Float64Array) => program.valueAndGrad(t, sample).grad;
  const g = grad(theta);
  close([g.reduce((s, x, k) => s + x * u[k]!, 0)], [fd((t) => program.value(t, sample), u) as number], rtol, 'gradient · u');
  close([program.derivative(theta, [u], sample)], [g.reduce((s, x, k) => s + x * u[k]!, 0)], 1e-12, 'Dl[u] = ∇l · u');
  close(program.gradDerivative(theta, [u], sample).grad, fd(grad, u) as Float64Array, rtol, 'Hessian-vector product');
  const hvp = (t: Float64Array) => program.gradDerivative(t, [u], sample).grad;
  close(program.gradDerivative(theta, [u, v], sample).grad, fd(hvp, v) as Float64Array, rtol, '∇(D²l[u, v])');
  close([program.derivative(theta, [u, v, w], sample)], [fd((t) => program.derivative(t, [u, v], sample), w) as number], rtol, 'D³l[u, v, w]');
}

/** `count` images of `shape` with seeded random bytes and labels, in the format of src/data. */
export function syntheticImages(name: string, count: number, shape: [number, number, number], seed: number): ImageDataset {
  const r = rng(seed);
  const size = shape[0] * shape[1] * shape[2];
  const pixels = new Uint8Array(count * size);
  for (let k = 0; k < pixels.length; k++) pixels[k] = r.int(256);
  const labels = Int32Array.from({ length: count }, () => r.int(10));
  return { name, count, shape, classes: 10, pixels, labels };
}
