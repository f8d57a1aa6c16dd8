/**
 * @file Helpers shared by the tests of every module (imported by tests only, never by library
 * code): seeded uniforms from core's generator, vector arithmetic, relative errors, one
 * finite-difference method and the derivative checks built on it, tiny synthetic image data sets
 * in the real format, landscape modules (polynomial.ts, quadratic.ts, wide.ts), a brute-force
 * linear SGD/GD (linear-sgd.ts), a brute-force walk of every embedding (embedding-walk.ts), and
 * child processes run side by side (spawn.ts).
 */
import assert from 'node:assert/strict';
import { rng } from '../core/index.ts';
import type { ImageDataset } from '../data/index.ts';
import type { Program, Sample } from '../engine/index.ts';

export { exponents } from './exponents.ts';
export { QUADRATIC_H, quadraticC } from './quadratic-data.ts';
export { batchSequences, bruteTimeSum } from './embedding-walk.ts';

/** Uniforms in [0, 1) from core's seeded generator, as a function (no Math.random in tests). */
export function uniformStream(seed: number): () => number {
  const r = rng(seed);
  return () => r.uniform();
}

/** n uniforms in [lo, hi). */
export function uniform(rng: () => number, n: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}

/** θ + t·v (a fresh array). */
export function along(theta: Float64Array, t: number, v: Float64Array): Float64Array {
  const out = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) out[i] = theta[i]! + t * v[i]!;
  return out;
}

/** The unit vector e_i of length n. */
export function basis(n: number, i: number): Float64Array {
  const e = new Float64Array(n);
  e[i] = 1;
  return e;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Σ|a_i b_i|: the scale against which a computed dot product's rounding error is measured. */
export function absDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! * b[i]!);
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

type Vec = number | ArrayLike<number>;
const asArray = (x: Vec): ArrayLike<number> => (typeof x === 'number' ? [x] : x);

/**
 * ‖got − want‖ / ‖want‖ (Euclidean). A zero `want` would make every answer look exact or
 * infinitely wrong, so it is an error: a check must compare against something nonzero.
 */
export function relErr(got: Vec, want: Vec): number {
  const a = asArray(got), b = asArray(want);
  if (a.length !== b.length) throw new Error(`relErr: lengths ${a.length} and ${b.length} differ`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i]! - b[i]!) ** 2;
  const nb = norm(b);
  if (!(nb > 0)) throw new Error('relErr: the reference is zero (the check would be vacuous)');
  return Math.sqrt(d) / nb;
}

/**
 * The derivative at t = 0 of a scalar or vector function g(t), by Richardson-extrapolated
 * central differences: (8[g(h) − g(−h)] − [g(2h) − g(−2h)]) / 12h, error O(h⁴ g⁽⁵⁾) + O(ε|g|/h).
 * With h = 1e-3 on functions whose derivatives are O(1), both are about 1e-13.
 */
export function fdDerivative(g: (t: number) => Vec, h = 1e-3): Float64Array {
  const p1 = asArray(g(h)), m1 = asArray(g(-h)), p2 = asArray(g(2 * h)), m2 = asArray(g(-2 * h));
  const out = new Float64Array(p1.length);
  for (let i = 0; i < out.length; i++) out[i] = (8 * (p1[i]! - m1[i]!) - (p2[i]! - m2[i]!)) / (12 * h);
  return out;
}

/** The gradient of a scalar function of θ, coordinate by coordinate, by fdDerivative. */
export function fdGradient(f: (theta: Float64Array) => number, theta: Float64Array, h = 1e-3): Float64Array {
  const g = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const e = basis(theta.length, i);
    g[i] = fdDerivative((t) => f(along(theta, t, e)), h)[0]!;
  }
  return g;
}

/** All orderings of a list. */
export function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/** The worst relative error seen per label, for the test summaries. */
export class WorstErrors {
  private readonly worst = new Map<string, { err: number; where: string }>();

  record(label: string, err: number, where: string): number {
    const w = this.worst.get(label);
    if (!w || err > w.err) this.worst.set(label, { err, where });
    return err;
  }

  summary(): string {
    return [...this.worst].map(([k, { err, where }]) => `${k}: ${err.toExponential(2)} (${where})`).join('\n');
  }
}

/** A seed from a name (FNV-1a), so each named case has its own stream however the list is ordered. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A Program's derivatives at θ on one sample against finite differences (fdDerivative) along
 * random directions: the gradient along u, Dl[u] = ∇l·u, the Hessian-vector product ∇(Dl[u]),
 * ∇(D²l[u, v]) and D³l[u, v, w], each to `rtol` relative to the reference (at least 1e-3).
 */
export function checkDerivatives(program: Program, theta: Float64Array, sample: Sample, seed: number, opts: { h?: number; rtol?: number } = {}): void {
  const h = opts.h ?? 1e-3, rtol = opts.rtol ?? 1e-6;
  const r = rng(seed);
  const P = program.P;
  const dir = () => r.normals(new Float64Array(P)).map((x) => x / Math.sqrt(P));
  const [u, v, w] = [dir(), dir(), dir()];
  // Relative to the reference, with a floor: a quadratic's third derivative is exactly 0.
  const close = (got: Vec, want: Vec, what: string, tol = rtol) => {
    const a = asArray(got), b = asArray(want);
    let d = 0;
    for (let i = 0; i < b.length; i++) d += (a[i]! - b[i]!) ** 2;
    const scale = Math.max(norm(b), 1e-3);
    assert.ok(Math.sqrt(d) <= tol * scale, `${what}: error ${Math.sqrt(d).toExponential(2)} at scale ${scale.toExponential(2)}`);
  };
  const grad = (t: Float64Array) => program.valueAndGrad(t, sample).grad;
  const g = grad(theta);
  close(dot(g, u), fdDerivative((t) => program.value(along(theta, t, u), sample), h), 'gradient · u');
  close(program.derivative(theta, [u], sample), dot(g, u), 'Dl[u] = ∇l · u', 1e-12);
  close(program.gradDerivative(theta, [u], sample).grad, fdDerivative((t) => grad(along(theta, t, u)), h), 'Hessian-vector product');
  const hvp = (t: Float64Array) => program.gradDerivative(t, [u], sample).grad;
  close(program.gradDerivative(theta, [u, v], sample).grad, fdDerivative((t) => hvp(along(theta, t, v)), h), '∇(D²l[u, v])');
  close(program.derivative(theta, [u, v, w], sample), fdDerivative((t) => program.derivative(along(theta, t, w), [u, v], sample), h), 'D³l[u, v, w]');
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
export { linearSgdExpectation, linearSgdSeries, randomQuadratic, type QuadraticLandscape, type LinearSgdExpectation, type LinearSgdSeries } from './linear-sgd.ts';
export { CHROMIUM, inChromium, plotMarks } from './browser.ts';
export { startRedis, spawnWorker, freePort, PERTURB_BIN, REDIS_SERVER, type TestRedis, type WorkerProcess } from './redis.ts';
export { spawnAsync, PROCESSES, type Spawned } from './spawn.ts';
export { intervalCoverage, seededStatsRuns, type StatsRunsContext } from './stats-runs.ts';
export { bruteTimeSums, type BruteCase } from './brute-runs.ts';
