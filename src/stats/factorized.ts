/**
 * @file Exact mode's factorized sum (docs/theory.md §6): a diagram's uvalue as the contraction,
 * over the tree's edges, of each part's expected tensor T_p = E_x[⊗_{v∈p} ∇^{k_v} l_x], from the
 * full derivative tensors at θ₀ — for landscapes with few weights P.
 *
 * Why: parts use independent samples, so the expectation over all parts factorizes into one
 * expectation per part. The enumeration (estimate.ts) sums the contraction over every
 * assignment of atoms to parts, atoms^parts terms (8^7 ≈ 2·10⁶ for one 7-part diagram of GAUSS
 * at order 6). Writing the contraction out in coordinates instead,
 *
 *   uvalue(D) = Σ_{i ∈ [P]^edges} Π_{parts p} Σ_atoms w_a Π_{v∈p} (∇^{k_v} l_a)[i restricted to v's edges],
 *
 * where k_v is v's degree (its children, plus its parent unless v is the root), every part is
 * summed over the atoms on its own: the cost is P^d·Σ_p c_p multiply-adds for a diagram with d
 * edges, c_p = |p|·atoms for a part of several nodes and 1 for a single node (whose expected
 * tensor, the population tensor, is summed over the atoms once beforehand). That is cheap for
 * small P at any order and any number of parts, and exponential in d only through P.
 *
 * The tensors ∇^k l_a at θ₀ (k = 0 … the largest degree) come from the engine: ∇(D^{k−1} l[e_{j₁},
 * …, e_{j_{k−1}}]) along basis vectors gives a row of P entries, and the tensor is symmetric, so
 * only the multisets j₁ ≤ … ≤ j_{k−1} are computed (C(P + k − 2, k − 1) gradient calls per atom)
 * and every permutation reads them. They are stored in full: P^k·atoms numbers each.
 */
import type { Diagram } from '../diagrams/index.ts';
import { InputError } from '../core/index.ts';
import type { Batch, Program } from '../engine/index.ts';
import type { Atoms } from '../landscapes/index.ts';

/** Multiply-adds above which the factorized sum is not attempted (about a second or two). */
export const FACTORIZED_LIMIT = 2_000_000_000;

/** Float64 numbers the stored derivative tensors may hold (2^24: 128 MB). */
export const TENSOR_LIMIT = 16_777_216;

/**
 * One engine call counted in multiply-adds, for progress only (a call on a small loss is a few
 * microseconds, a few thousand multiply-adds of the sum).
 */
const CALL_WEIGHT = 2000;

/** What the factorized sum over `ds` would cost on P weights and `atoms` atoms. */
export interface FactorizedCost {
  /** Multiply-adds of the sums over coordinates: Σ_D P^d·Σ_p c_p. */
  multiplyAdds: number;
  /** The largest degree of a node: tensors ∇^k l for k = 0 … maxDegree are needed. */
  maxDegree: number;
  /** Numbers stored: Σ_k P^k·atoms. */
  tensorEntries: number;
  /** Engine calls that build the tensors: Σ_k C(P + k − 2, k − 1)·atoms (one value call for k = 0). */
  engineCalls: number;
  /** Whether it is within FACTORIZED_LIMIT and TENSOR_LIMIT. */
  fits: boolean;
}

const degreeOf = (d: Diagram, v: number) => d.children[v]!.length + (v === 0 ? 0 : 1);

/** C(n, k) as a float (exact for the small arguments used here). */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

export function factorizedCost(P: number, atoms: number, ds: readonly Diagram[]): FactorizedCost {
  let multiplyAdds = 0, maxDegree = 0;
  for (const d of ds) {
    let perTerm = 0;
    for (const p of d.parts) perTerm += p.length === 1 ? 1 : p.length * atoms;
    multiplyAdds += P ** d.order * perTerm;
    for (let v = 0; v <= d.order; v++) maxDegree = Math.max(maxDegree, degreeOf(d, v));
  }
  let tensorEntries = 0, engineCalls = 0;
  for (let k = 0; k <= maxDegree; k++) {
    tensorEntries += P ** k * atoms;
    engineCalls += (k === 0 ? 1 : choose(P + k - 2, k - 1)) * atoms;
  }
  return { multiplyAdds, maxDegree, tensorEntries, engineCalls, fits: multiplyAdds <= FACTORIZED_LIMIT && tensorEntries <= TENSOR_LIMIT };
}

/** The largest P for which the factorized sum over `ds` fits (0 if none). */
export function factorizedMaxP(atoms: number, ds: readonly Diagram[]): number {
  let P = 0;
  while (factorizedCost(P + 1, atoms, ds).fits) P++;
  return P;
}

/**
 * The derivative tensors ∇^k l_a(θ) for k = 0 … maxDegree and every atom a, each as one array
 * with the atom innermost: entry (j₁, …, j_k) of atom a at (Σ_s j_s·P^s)·A + a.
 */
export function derivativeTensors(program: Program, theta: Float64Array, atoms: Atoms, maxDegree: number, onCall?: () => void): Float64Array[] {
  const P = program.P, A = atoms.count;
  const basis = Array.from({ length: P }, (_, j) => {
    const e = new Float64Array(P);
    e[j] = 1;
    return e;
  });
  const out: Float64Array[] = [];
  for (let k = 0; k <= maxDegree; k++) out.push(new Float64Array(P ** k * A));
  const chunk = 1024;
  for (let start = 0; start < A; start += chunk) {
    const end = Math.min(A, start + chunk);
    const samples = program.samplesOf(atoms.batch(start, end) as Batch);
    samples.forEach((s, j) => {
      out[0]![start + j] = program.derivative(theta, [], s);
      onCall?.();
    });
    for (let k = 1; k <= maxDegree; k++) {
      const T = out[k]!;
      // rows[m]: ∇(D^{k−1} l[e_{m₁} … e_{m_{k−1}}]) per atom, for the multisets m of size k − 1.
      const rows = new Map<string, Float64Array>();
      for (const m of multisets(P, k - 1)) {
        const row = new Float64Array((end - start) * P);
        const dirs = m.map((j) => basis[j]!);
        samples.forEach((s, j) => {
          row.set(program.gradDerivative(theta, dirs, s).grad, j * P);
          onCall?.();
        });
        rows.set(m.join(','), row);
      }
      // Every index tuple reads its sorted form: the first k − 1 name the row, the last the entry.
      const digits = new Array<number>(k);
      for (let flat = 0; flat < P ** k; flat++) {
        for (let s = 0, r = flat; s < k; s++, r = Math.floor(r / P)) digits[s] = r % P;
        const sorted = [...digits].sort((a, b) => a - b);
        const last = sorted.pop()!;
        const row = rows.get(sorted.join(','))!;
        for (let j = 0; j < end - start; j++) T[flat * A + start + j] = row[j * P + last]!;
      }
    }
  }
  return out;
}

/** The nondecreasing sequences of length n over 0 … P − 1 (multisets of size n), in lexicographic order. */
export function multisets(P: number, n: number): number[][] {
  const out: number[][] = [];
  const rec = (from: number, acc: number[]) => {
    if (acc.length === n) return void out.push([...acc]);
    for (let j = from; j < P; j++) rec(j, [...acc, j]);
  };
  rec(0, []);
  return out;
}

/**
 * Exact uvalues by the factorized sum: for each diagram, Σ over coordinates of the edges of the
 * product over parts of the part's expected tensor entry. `onProgress` counts multiply-adds
 * (engine calls weighted as CALL_WEIGHT of them). Refuses (InputError) beyond the limits.
 */
export function factorizedValues(
  src: { program(): Program; atoms?(): Atoms; P: number },
  theta: Float64Array,
  ds: readonly Diagram[],
  onProgress?: (done: number, total: number) => void,
): number[] {
  if (!src.atoms) throw new InputError('stats: this landscape has no exact mode (no weighted atoms)');
  const atoms = src.atoms();
  const P = src.P, A = atoms.count;
  const cost = factorizedCost(P, A, ds);
  if (!cost.fits) {
    throw new InputError(
      `stats: the factorized exact sum would take ${cost.multiplyAdds.toExponential(2)} multiply-adds (limit ${FACTORIZED_LIMIT.toExponential(0)}) and store ${cost.tensorEntries.toExponential(2)} tensor entries (limit ${TENSOR_LIMIT.toExponential(2)}) with P = ${P} and ${A} atoms; for these diagrams it fits up to P = ${factorizedMaxP(A, ds)}`,
    );
  }
  const total = cost.engineCalls * CALL_WEIGHT + cost.multiplyAdds;
  let done = 0, reported = 0;
  const tick = (n: number) => {
    done += n;
    if (onProgress && done - reported >= total / 1000) {
      reported = done;
      onProgress(done, total);
    }
  };
  onProgress?.(0, total);
  const T = derivativeTensors(src.program(), theta, atoms, cost.maxDegree, () => tick(CALL_WEIGHT));
  // The population tensors Σ_a w_a ∇^k l_a, for the parts of a single node.
  const w = atoms.weights;
  const M = T.map((t) => {
    const m = new Float64Array(t.length / A);
    for (let i = 0; i < m.length; i++) {
      let s = 0;
      for (let a = 0; a < A; a++) s += w[a]! * t[i * A + a]!;
      m[i] = s;
    }
    return m;
  });
  const values = ds.map((d) => {
    const v = contract(d, P, A, T, M, w);
    tick(P ** d.order * d.parts.reduce((s, p) => s + (p.length === 1 ? 1 : p.length * A), 0));
    return v;
  });
  onProgress?.(total, total);
  return values;
}

/**
 * Σ_{i ∈ [P]^d} Π_p (part p's expected tensor entry at i), by an odometer over the edges' coordinates
 * that keeps each node's flat tensor index up to date (edge e moves its child's index by 1,
 * the child's first slot, and its parent's by P^slot).
 */
function contract(d: Diagram, P: number, A: number, T: readonly Float64Array[], M: readonly Float64Array[], w: Float64Array): number {
  const n = d.order + 1;
  const deg = Array.from({ length: n }, (_, v) => degreeOf(d, v));
  // Slot of each edge at both ends: a non-root node's slot 0 is its parent edge, its children follow.
  const childStride = new Int32Array(d.order), parentStride = new Int32Array(d.order);
  for (let e = 0; e < d.order; e++) {
    const [p, c] = d.edges[e]!;
    childStride[e] = 1;
    const pos = d.children[p]!.indexOf(c) + (p === 0 ? 0 : 1);
    parentStride[e] = P ** pos;
  }
  const edgeChild = Int32Array.from(d.edges, ([, c]) => c), edgeParent = Int32Array.from(d.edges, ([p]) => p);
  const idx = new Int32Array(n);
  const singles = d.parts.filter((p) => p.length === 1).map((p) => p[0]!);
  const singleTensor = singles.map((v) => M[deg[v]!]!);
  const groups = d.parts.filter((p) => p.length > 1).map((p) => ({ nodes: Int32Array.from(p), tensors: p.map((v) => T[deg[v]!]!) }));
  const coord = new Int32Array(d.order);
  let total = 0;
  for (;;) {
    let term = 1;
    for (let s = 0; s < singles.length; s++) term *= singleTensor[s]![idx[singles[s]!]!]!;
    for (let g = 0; g < groups.length && term !== 0; g++) {
      const { nodes, tensors } = groups[g]!;
      let sum = 0;
      for (let a = 0; a < A; a++) {
        let prod = w[a]!;
        for (let j = 0; j < nodes.length; j++) prod *= tensors[j]![idx[nodes[j]!]! * A + a]!;
        sum += prod;
      }
      term *= sum;
    }
    total += term;
    // Next coordinate assignment: edge 0 fastest.
    let e = 0;
    for (; e < d.order; e++) {
      const c = edgeChild[e]!, p = edgeParent[e]!;
      if (++coord[e]! < P) {
        idx[c]! += childStride[e]!;
        idx[p]! += parentStride[e]!;
        break;
      }
      coord[e] = 0;
      idx[c]! -= (P - 1) * childStride[e]!;
      idx[p]! -= (P - 1) * parentStride[e]!;
    }
    if (e === d.order) break;
  }
  return total;
}
