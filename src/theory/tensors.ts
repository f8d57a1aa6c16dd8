/**
 * @file Derivative tensors at θ₀: what the re-summed series (docs/theory.md §9) and the
 * tensor form of the plain series are computed from. Plain data behind a small interface: the
 * joint moments and joint cumulants of the per-sample derivative tensors ∇^{k₁}l_x, …, ∇^{k_m}l_x
 * of one sample x (k = 0 is the loss value). `stats` builds them from a landscape (exactly from
 * atoms, or from samples); tests and users may build them from any source, e.g. a quadratic
 * landscape with a given dense Hessian (`quadraticTensors`).
 *
 * Layout: a tensor for degrees [k₁ … k_m] is a row-major Float64Array of P^{k₁+…+k_m} entries
 * whose indices are node 1's k₁ indices, then node 2's, …, in the order the degrees are given.
 * `null` means identically zero (so that, e.g., the κ(∇²l, ∇l) of a constant Hessian costs nothing).
 */
import { InputError } from '../core/index.ts';

export interface LandscapeTensors {
  /** Number of weights. */
  readonly P: number;
  /** Highest derivative order k any node may ask for. */
  readonly maxDegree: number;
  /** Exact (finite distribution or exact atoms) or estimated from samples. */
  readonly exact: boolean;
  /** E[∇^{k₁}l_x ⊗ … ⊗ ∇^{k_m}l_x] (one sample x shared by all factors); null when identically zero. */
  moment(degrees: readonly number[]): Float64Array | null;
  /** The joint cumulant κ(∇^{k₁}l_x, …, ∇^{k_m}l_x); m = 1 is the mean. null when identically zero. */
  cumulant(degrees: readonly number[]): Float64Array | null;
}

/** Per-sample derivative tensors with weights: atoms with their probabilities, or samples with 1/S. */
export interface WeightedSamples {
  readonly P: number;
  readonly maxDegree: number;
  readonly exact: boolean;
  /** Weights summing to 1. */
  readonly weights: Float64Array;
  /** derivs[k][s] = ∇^k l_{x_s}(θ₀), row-major P^k entries (k = 0: one entry, the loss). */
  readonly derivs: ReadonlyArray<ReadonlyArray<Float64Array>>;
}

const powInt = (P: number, k: number) => P ** k;

/** The set partitions of {0..m−1} as lists of blocks (m ≤ 6 here). */
function setPartitionsOf(m: number): number[][][] {
  if (m === 0) return [[]];
  const out: number[][][] = [];
  for (const rest of setPartitionsOf(m - 1)) {
    for (let b = 0; b < rest.length; b++) out.push(rest.map((blk, i) => (i === b ? [...blk, m - 1] : blk)));
    out.push([...rest, [m - 1]]);
  }
  return out;
}

/**
 * Outer product of block tensors, with the result's indices in node order: `blocks[i]` lists the
 * nodes (positions in `degrees`) of factor i, whose own layout is those nodes' indices in that order.
 */
function outerInNodeOrder(P: number, degrees: readonly number[], blocks: readonly number[][], factors: readonly Float64Array[]): Float64Array {
  const total = degrees.reduce((a, b) => a + b, 0);
  const size = powInt(P, total);
  const out = new Float64Array(size);
  // offset of each node's first index in the result, and strides
  const nodeStart: number[] = [];
  let acc = 0;
  for (const k of degrees) {
    nodeStart.push(acc);
    acc += k;
  }
  // for each result index position, which factor and which position inside it
  const factorOf = new Int32Array(total);
  const posIn = new Int32Array(total);
  blocks.forEach((blk, f) => {
    let p = 0;
    for (const node of blk) for (let j = 0; j < degrees[node]!; j++) {
      factorOf[nodeStart[node]! + j] = f;
      posIn[nodeStart[node]! + j] = p++;
    }
  });
  const factorOrder = blocks.map((blk) => blk.reduce((a, n) => a + degrees[n]!, 0));
  // stride[f][j]: what result index position j adds to factor f's flat index (0 if not f's)
  const stride = blocks.map((_, f) => {
    const st = new Float64Array(total);
    for (let j = 0; j < total; j++) if (factorOf[j] === f) st[j] = P ** (factorOrder[f]! - 1 - posIn[j]!);
    return st;
  });
  const digit = new Int32Array(total);
  const idx = new Float64Array(blocks.length);
  for (let i = 0; i < size; i++) {
    let v = 1;
    for (let f = 0; f < blocks.length; f++) {
      v *= factors[f]![idx[f]!]!;
      if (v === 0) break;
    }
    out[i] = v;
    // odometer over the result's digits (last fastest), updating each factor's index
    for (let j = total - 1; j >= 0; j--) {
      const f = factorOf[j]!;
      if (digit[j]! + 1 < P) {
        digit[j]!++;
        idx[f]! += stride[f]![j]!;
        break;
      }
      idx[f]! -= stride[f]![j]! * digit[j]!;
      digit[j] = 0;
    }
  }
  return out;
}

/** Weighted plug-in moments and cumulants (exact when the samples are exact atoms), cached by degrees. */
export function tensorsFromSamples(s: WeightedSamples): LandscapeTensors {
  const { P, maxDegree, weights, derivs } = s;
  const n = weights.length;
  const moments = new Map<string, Float64Array>();
  const cumulants = new Map<string, Float64Array>();
  const check = (degrees: readonly number[], where: string) => {
    if (degrees.length === 0) throw new InputError(`${where}: degrees must not be empty`);
    for (const k of degrees) if (!Number.isInteger(k) || k < 0 || k > maxDegree) throw new InputError(`${where}: degree ${k} outside 0…${maxDegree}`);
  };
  const moment = (degrees: readonly number[]): Float64Array => {
    check(degrees, 'moment');
    const key = degrees.join(',');
    const hit = moments.get(key);
    if (hit) return hit;
    const total = degrees.reduce((a, b) => a + b, 0);
    const out = new Float64Array(powInt(P, total));
    const sizes = degrees.map((k) => powInt(P, k));
    for (let x = 0; x < n; x++) {
      const w = weights[x]!;
      if (w === 0) continue;
      // outer product ⊗_i derivs[k_i][x], accumulated with weight w
      let cur = new Float64Array([w]);
      degrees.forEach((k, i) => {
        const d = derivs[k]![x]!;
        const next = new Float64Array(cur.length * sizes[i]!);
        for (let a = 0; a < cur.length; a++) {
          const ca = cur[a]!;
          if (ca === 0) continue;
          const base = a * sizes[i]!;
          for (let b = 0; b < sizes[i]!; b++) next[base + b] = ca * d[b]!;
        }
        cur = next;
      });
      for (let j = 0; j < out.length; j++) out[j]! += cur[j]!;
    }
    moments.set(key, out);
    return out;
  };
  const cumulant = (degrees: readonly number[]): Float64Array => {
    check(degrees, 'cumulant');
    const key = degrees.join(',');
    const hit = cumulants.get(key);
    if (hit) return hit;
    const m = degrees.length;
    let out: Float64Array;
    if (m === 1) out = moment(degrees);
    else {
      // Möbius inversion over set partitions: κ = Σ_π (−1)^{|π|−1} (|π|−1)! Π_{b∈π} E[⊗_{i∈b}].
      out = new Float64Array(powInt(P, degrees.reduce((a, b) => a + b, 0)));
      for (const blocks of setPartitionsOf(m)) {
        const q = blocks.length;
        let coef = q % 2 === 1 ? 1 : -1;
        for (let j = 2; j < q; j++) coef *= j;
        const factors = blocks.map((blk) => moment(blk.map((i) => degrees[i]!)));
        const term = q === 1 ? factors[0]! : outerInNodeOrder(P, degrees, blocks, factors);
        for (let j = 0; j < out.length; j++) out[j]! += coef * term[j]!;
      }
    }
    cumulants.set(key, out);
    return out;
  };
  return Object.freeze({ P, maxDegree, exact: s.exact, moment, cumulant });
}

/**
 * A quadratic landscape l_x(θ₀ + δ) = l₀ + l'_x + (G + ξ_x)·δ + ½ δᵀHδ with a constant Hessian:
 * gradient noise ξ_x on a few weighted atoms (mean zero is not required: G is `G + E ξ`), and
 * optionally per-atom loss offsets. Every cumulant with a node of degree ≥ 2 and another node
 * vanishes, and so do derivatives of degree ≥ 3. `H` is a dense row-major P×P matrix.
 */
export function quadraticTensors(q: {
  P: number;
  G: Float64Array;
  H: Float64Array;
  noise: { weights: Float64Array; xi: readonly Float64Array[]; offsets?: Float64Array };
  l0?: number;
}): LandscapeTensors {
  const { P, G, H, noise } = q;
  if (G.length !== P) throw new InputError(`quadraticTensors: G must have P = ${P} entries, got ${G.length}`);
  if (H.length !== P * P) throw new InputError(`quadraticTensors: H must have P² = ${P * P} entries, got ${H.length}`);
  const l0 = q.l0 ?? 0;
  const n = noise.weights.length;
  const d0 = Array.from({ length: n }, (_, x) => new Float64Array([l0 + (noise.offsets?.[x] ?? 0)]));
  const d1 = Array.from({ length: n }, (_, x) => {
    const g = new Float64Array(P);
    for (let i = 0; i < P; i++) g[i] = G[i]! + noise.xi[x]![i]!;
    return g;
  });
  // Per-sample Hessians would cost n·P²; every sample's is H, so moments with a degree-2 node are
  // the mean of the rest times H, and cumulants with a degree-2 node and another node vanish.
  const low = tensorsFromSamples({ P, maxDegree: 1, exact: true, weights: noise.weights, derivs: [d0, d1] });
  const hasHigh = (ds: readonly number[]) => ds.some((k) => k >= 3);
  const maxDegree = 6;
  const moment = (degrees: readonly number[]): Float64Array | null => {
    if (hasHigh(degrees)) return null;
    const twos = degrees.filter((k) => k === 2).length;
    if (twos === 0) return low.moment(degrees);
    const rest = degrees.filter((k) => k !== 2);
    const base = rest.length > 0 ? low.moment(rest)! : new Float64Array([1]);
    const blocks = [degrees.map((k, i) => (k !== 2 ? i : -1)).filter((i) => i >= 0), ...degrees.map((k, i) => (k === 2 ? [i] : [])).filter((b) => b.length > 0)];
    const factors = [base, ...Array.from({ length: twos }, () => H)];
    return rest.length > 0 ? outerInNodeOrder(P, degrees, blocks, factors) : outerInNodeOrder(P, degrees, blocks.slice(1), factors.slice(1));
  };
  const cumulant = (degrees: readonly number[]): Float64Array | null => {
    if (hasHigh(degrees)) return null;
    if (degrees.length === 1) return degrees[0] === 2 ? H : low.cumulant(degrees);
    if (degrees.some((k) => k === 2)) return null;
    return low.cumulant(degrees);
  };
  return Object.freeze({ P, maxDegree, exact: true, moment, cumulant });
}
