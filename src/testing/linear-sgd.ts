/**
 * @file An independent brute-force reference for SGD and GD on a quadratic landscape with a
 * constant Hessian, l_x(θ₀ + δ) = l₀ + offset_x + (G + ξ_x)·δ + ½ δᵀHδ, on a few weighted atoms
 * x (the same arguments as theory's `quadraticTensors`). It knows nothing of diagrams: it
 * enumerates every training set (every N-tuple of atoms, weighted by its probability) and every
 * shuffle (`reshuffle`: all N! orders per epoch, independently per epoch; `fixed`: the identity
 * order every epoch; GD: every step averages all N rows), runs the linear dynamics
 *   δ_{t+1} = δ_t − η ((1/B) Σ_{n∈B_t} (G + ξ_{x_n}) + H δ_t)
 * exactly (it is linear: nothing is truncated), and averages
 *   test  l(θ₀ + δ_T) = l₀ + E[offset] + (G + Eξ)·δ_T + ½ δ_Tᵀ H δ_T,
 *   train (1/N) Σ_n l_{x_n}(θ₀ + δ_T),
 *   gap = test − train (taken run by run, so that its quadratic terms cancel exactly),
 *   and the displacement δ_T = θ_T − θ₀.
 * `linearSgdExpectation` runs it in float64 at one η; `linearSgdSeries` runs the same
 * enumeration on power series in η truncated at a given order, for Taylor coefficients.
 * `randomQuadratic` makes seeded test landscapes for it and for `quadraticTensors`.
 * Cost: atoms^N training sets (for `reshuffle` and GD, which do not see the order of the rows,
 * one per multiset) × (distinct epochs)^E runs of T steps of P² work — keep it small (N ≤ 4,
 * atoms ≤ 3, P ≤ 3); a guard refuses enumerations above ~2·10⁸ steps·P².
 */
import { rng, type Observable, type Schedule } from '../core/index.ts';

/** A quadratic landscape with a constant Hessian on weighted atoms (as `quadraticTensors` takes it). */
export interface QuadraticLandscape {
  readonly P: number;
  /** Gradient at θ₀ before the noise: l_x's gradient is G + ξ_x. */
  readonly G: Float64Array;
  /** Constant Hessian, dense row-major P×P, symmetric. */
  readonly H: Float64Array;
  readonly noise: {
    /** Atom probabilities, summing to 1. */
    readonly weights: Float64Array;
    /** ξ_x per atom (mean zero is not required). */
    readonly xi: readonly Float64Array[];
    /** Per-atom loss offsets (default 0). */
    readonly offsets?: Float64Array;
  };
  readonly l0?: number;
}

/** Exact expectations at one learning rate. */
export interface LinearSgdExpectation {
  readonly eta: number;
  readonly test: number;
  readonly train: number;
  readonly gap: number;
  /** E[θ_T − θ₀], per coordinate. */
  readonly displacement: Float64Array;
  /** The requested observable's expectation (a coordinate: its displacement E[θ_T,i − θ₀,i]). */
  readonly value: number;
}

/** Taylor coefficients c_0 … c_order in η of the same expectations. */
export interface LinearSgdSeries {
  readonly order: number;
  readonly test: Float64Array;
  readonly train: Float64Array;
  readonly gap: Float64Array;
  /** displacement[i][k]: the η^k coefficient of E[θ_T,i − θ₀,i]. */
  readonly displacement: readonly Float64Array[];
  /** The requested observable's coefficients. */
  readonly value: Float64Array;
}

/** The arithmetic the dynamics run in: numbers at a fixed η, or power series in η truncated at an order. */
interface Ring<R> {
  of(c: number): R;
  add(a: R, b: R): R;
  /** a · c for a number c. */
  scale(a: R, c: number): R;
  /** η · a. */
  eta(a: R): R;
  mul(a: R, b: R): R;
}

function numberRing(eta: number): Ring<number> {
  return { of: (c) => c, add: (a, b) => a + b, scale: (a, c) => a * c, eta: (a) => eta * a, mul: (a, b) => a * b };
}

function seriesRing(D: number): Ring<Float64Array> {
  return {
    of: (c) => {
      const r = new Float64Array(D + 1);
      r[0] = c;
      return r;
    },
    add: (a, b) => a.map((x, i) => x + b[i]!),
    scale: (a, c) => a.map((x) => x * c),
    eta: (a) => {
      const r = new Float64Array(D + 1);
      for (let i = 1; i <= D; i++) r[i] = a[i - 1]!;
      return r;
    },
    mul: (a, b) => {
      const r = new Float64Array(D + 1);
      for (let i = 0; i <= D; i++) if (a[i] !== 0) for (let j = 0; i + j <= D; j++) r[i + j]! += a[i]! * b[j]!;
      return r;
    },
  };
}

function orders(n: number): number[][] {
  if (n === 0) return [[]];
  return orders(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/**
 * The possible epochs as lists of batches of row ids, with probabilities. `reshuffle` runs all N!
 * orders; orders that cut into the same batches give the same run (a batch mean does not see the
 * order inside its batch), so they are merged with their multiplicity. GD is one "epoch" of T
 * steps that each hold every row.
 */
function epochChoices(s: Schedule): { epochs: Array<{ batches: number[][]; w: number }>; count: number } {
  const N = s.N;
  if (s.kind === 'gd') return { epochs: [{ batches: Array.from({ length: s.T }, () => [...Array(N).keys()]), w: 1 }], count: 1 };
  const all = s.shuffle === 'fixed' ? [[...Array(N).keys()]] : orders(N);
  const merged = new Map<string, { batches: number[][]; w: number }>();
  for (const o of all) {
    const batches = Array.from({ length: N / s.B }, (_, k) => o.slice(k * s.B, k * s.B + s.B).sort((a, b) => a - b));
    const key = JSON.stringify(batches);
    const hit = merged.get(key);
    if (hit) hit.w += 1 / all.length;
    else merged.set(key, { batches, w: 1 / all.length });
  }
  return { epochs: [...merged.values()], count: s.E };
}

function validate(q: QuadraticLandscape, s: Schedule): void {
  const { P, G, H, noise } = q;
  const A = noise.weights.length;
  if (!Number.isInteger(P) || P < 1) throw new Error(`linear-sgd: P must be a positive integer, got ${P}`);
  if (G.length !== P) throw new Error(`linear-sgd: G must have P = ${P} entries, got ${G.length}`);
  if (H.length !== P * P) throw new Error(`linear-sgd: H must have P² = ${P * P} entries, got ${H.length}`);
  for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) {
    if (H[i * P + j] !== H[j * P + i]) throw new Error(`linear-sgd: H must be symmetric (H[${i}][${j}] ≠ H[${j}][${i}])`);
  }
  if (A < 1 || noise.xi.length !== A) throw new Error(`linear-sgd: need one ξ per atom (${A} weights, ${noise.xi.length} ξ)`);
  for (const x of noise.xi) if (x.length !== P) throw new Error(`linear-sgd: every ξ must have P = ${P} entries`);
  if (noise.offsets !== undefined && noise.offsets.length !== A) throw new Error(`linear-sgd: need one offset per atom`);
  const total = noise.weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-12 || noise.weights.some((w) => !(w >= 0))) throw new Error(`linear-sgd: weights must be ≥ 0 and sum to 1, got sum ${total}`);
  const { epochs, count } = epochChoices(s);
  const cost = A ** s.N * epochs.length ** count * (s.T / count) * s.B * P * P;
  if (cost > 2e8) throw new Error(`linear-sgd: ${A}^${s.N} training sets × ${epochs.length}^${count} shuffles is too large to enumerate (keep N ≤ 4, atoms ≤ 3, P ≤ 3)`);
}

interface Sums<R> {
  test: R;
  train: R;
  gap: R;
  displacement: R[];
}

/** The enumeration, in any ring. */
function enumerate<R>(q: QuadraticLandscape, s: Schedule, ring: Ring<R>): Sums<R> {
  validate(q, s);
  const { P, G, H, noise } = q;
  const A = noise.weights.length;
  const N = s.N;
  const l0 = q.l0 ?? 0;
  const offset = (x: number) => noise.offsets?.[x] ?? 0;
  const grad = Array.from({ length: A }, (_, x) => Float64Array.from(G, (g, i) => g + noise.xi[x]![i]!));
  // The population loss at θ₀ + δ: l₀ + E[offset] + Ḡ·δ + ½δᵀHδ with Ḡ = G + Eξ.
  const meanGrad = new Float64Array(P);
  let meanOffset = 0;
  for (let x = 0; x < A; x++) {
    const w = noise.weights[x]!;
    meanOffset += w * offset(x);
    for (let i = 0; i < P; i++) meanGrad[i]! += w * grad[x]![i]!;
  }
  const { epochs, count } = epochChoices(s);

  const sums: Sums<R> = { test: ring.of(0), train: ring.of(0), gap: ring.of(0), displacement: Array.from({ length: P }, () => ring.of(0)) };
  const rows = new Array<number>(N).fill(0);
  const quad = (d: R[]): R => {
    let acc = ring.of(0);
    for (let i = 0; i < P; i++) {
      let hd = ring.of(0);
      for (let j = 0; j < P; j++) if (H[i * P + j] !== 0) hd = ring.add(hd, ring.scale(d[j]!, H[i * P + j]!));
      acc = ring.add(acc, ring.mul(d[i]!, hd));
    }
    return ring.scale(acc, 0.5);
  };
  const linear = (c: Float64Array, d: R[]): R => {
    let acc = ring.of(0);
    for (let i = 0; i < P; i++) acc = ring.add(acc, ring.scale(d[i]!, c[i]!));
    return acc;
  };
  const step = (d: R[], batch: readonly number[]): R[] => {
    const out: R[] = [];
    for (let i = 0; i < P; i++) {
      let g = 0;
      for (const n of batch) g += grad[rows[n]!]![i]!;
      let force = ring.of(g / batch.length);
      for (let j = 0; j < P; j++) if (H[i * P + j] !== 0) force = ring.add(force, ring.scale(d[j]!, H[i * P + j]!));
      out.push(ring.add(d[i]!, ring.scale(ring.eta(force), -1)));
    }
    return out;
  };

  // Under `reshuffle` and GD every row plays the same part, so a training set's expectation does
  // not depend on the order of its rows: run one ordering (non-decreasing atoms) of each multiset,
  // weighted by its N!/Π mult! orderings. `fixed` runs every N-tuple.
  const symmetric = s.kind === 'gd' || s.shuffle === 'reshuffle';
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  for (let code = 0; code < A ** N; code++) {
    let c = code;
    let prob = 1;
    let sorted = true;
    for (let n = 0; n < N; n++) {
      rows[n] = c % A;
      c = Math.floor(c / A);
      prob *= noise.weights[rows[n]!]!;
      if (n > 0 && rows[n]! < rows[n - 1]!) sorted = false;
    }
    if (symmetric) {
      if (!sorted) continue;
      let orderings = factorial(N);
      for (let x = 0; x < A; x++) orderings /= factorial(rows.filter((r) => r === x).length);
      prob *= orderings;
    }
    if (prob === 0) continue;
    // The training set's own loss at θ₀ + δ: l₀ + mean offset + ḡ_N·δ + ½δᵀHδ.
    const setGrad = new Float64Array(P);
    let setOffset = 0;
    for (let n = 0; n < N; n++) {
      setOffset += offset(rows[n]!) / N;
      for (let i = 0; i < P; i++) setGrad[i]! += grad[rows[n]!]![i]! / N;
    }
    const gapGrad = meanGrad.map((g, i) => g - setGrad[i]!);
    const run = (d: R[], e: number, w: number): void => {
      if (e === count) {
        const qd = quad(d);
        sums.test = ring.add(sums.test, ring.scale(ring.add(ring.add(ring.of(l0 + meanOffset), linear(meanGrad, d)), qd), w));
        sums.train = ring.add(sums.train, ring.scale(ring.add(ring.add(ring.of(l0 + setOffset), linear(setGrad, d)), qd), w));
        sums.gap = ring.add(sums.gap, ring.scale(ring.add(ring.of(meanOffset - setOffset), linear(gapGrad, d)), w));
        for (let i = 0; i < P; i++) sums.displacement[i] = ring.add(sums.displacement[i]!, ring.scale(d[i]!, w));
        return;
      }
      for (const ep of epochs) {
        let th = d;
        for (const batch of ep.batches) th = step(th, batch);
        run(th, e + 1, w * ep.w);
      }
    };
    run(Array.from({ length: P }, () => ring.of(0)), 0, prob);
  }
  return sums;
}

function pick<R>(sums: Sums<R>, observable: Observable, P: number): R {
  if (typeof observable === 'string') {
    if (observable !== 'test' && observable !== 'train' && observable !== 'gap') throw new Error(`linear-sgd: unknown observable '${String(observable)}'`);
    return sums[observable];
  }
  const i = observable.coordinate;
  if (!Number.isInteger(i) || i < 0 || i >= P) throw new Error(`linear-sgd: coordinate must be in 0…${P - 1}, got ${i}`);
  return sums.displacement[i]!;
}

/**
 * Exact E[test loss], E[train loss], the gap and E[θ_T − θ₀] after `schedule` at learning rate
 * `eta`, by brute force over every training set and shuffle, in float64; `value` is `observable`'s.
 */
export function linearSgdExpectation(q: QuadraticLandscape, schedule: Schedule, eta: number, observable: Observable = 'test'): LinearSgdExpectation {
  if (!Number.isFinite(eta)) throw new Error(`linear-sgd: eta must be finite, got ${eta}`);
  const sums = enumerate(q, schedule, numberRing(eta));
  return Object.freeze({
    eta,
    test: sums.test,
    train: sums.train,
    gap: sums.gap,
    displacement: Float64Array.from(sums.displacement),
    value: pick(sums, observable, q.P),
  });
}

/** The Taylor coefficients c_0 … c_order in η of the same expectations (the same enumeration on truncated power series). */
export function linearSgdSeries(q: QuadraticLandscape, schedule: Schedule, order: number, observable: Observable = 'test'): LinearSgdSeries {
  if (!Number.isInteger(order) || order < 0) throw new Error(`linear-sgd: order must be a non-negative integer, got ${order}`);
  const sums = enumerate(q, schedule, seriesRing(order));
  return Object.freeze({ order, test: sums.test, train: sums.train, gap: sums.gap, displacement: sums.displacement, value: pick(sums, observable, q.P) });
}

/**
 * A random quadratic landscape: `atoms` atoms with non-uniform probabilities, anisotropic and
 * non-Gaussian ξ (a few arbitrary points, not centered), G ≠ 0, offsets, and H = MMᵀ + εI
 * (positive definite, dense) or, with `indefinite`, a dense symmetric matrix with a negative eigenvalue.
 */
export function randomQuadratic(seed: number, P: number, atoms: number, indefinite = false): QuadraticLandscape {
  const g = rng(seed);
  const r = () => g.uniform();
  const u = () => 2 * r() - 1;
  const raw = Array.from({ length: atoms }, (_, i) => 1 + 2 * i + r());
  const total = raw.reduce((a, b) => a + b, 0);
  const weights = Float64Array.from(raw, (x) => x / total);
  const scales = Array.from({ length: P }, (_, i) => 1.5 / (1 + i)); // anisotropic
  const xi = Array.from({ length: atoms }, () => Float64Array.from({ length: P }, (_, i) => scales[i]! * u()));
  const G = Float64Array.from({ length: P }, u);
  const M = Float64Array.from({ length: P * P }, u);
  const H = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) {
    let s = 0;
    for (let k = 0; k < P; k++) s += M[i * P + k]! * M[j * P + k]!;
    H[i * P + j] = indefinite ? (M[i * P + j]! + M[j * P + i]!) / 2 : s / P + (i === j ? 0.3 : 0);
  }
  if (indefinite) H[0] = -Math.abs(H[0]!) - 1; // a negative diagonal entry: H has a negative eigenvalue
  const offsets = Float64Array.from({ length: atoms }, u);
  return { P, G, H, noise: { weights, xi, offsets }, l0: u() };
}
