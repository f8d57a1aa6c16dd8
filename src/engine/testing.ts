/**
 * @file Helpers for the engine's tests: a seeded PRNG, vector arithmetic, finite differences
 * and relative errors. Not part of the public API.
 */

/** mulberry32: a small seeded PRNG returning uniforms in [0, 1) (no Math.random in tests). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
