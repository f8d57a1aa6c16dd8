/**
 * @file `measureTensors`: the joint moments and cumulants of the per-sample derivative tensors at
 * θ₀ (theory's `LandscapeTensors`, what re-summation is computed from) measured on a landscape —
 * exactly over its weighted atoms, or estimated from S seeded samples with leave-one-group-out
 * jackknife replicates for standard errors of any function of them (`jackknifed`).
 *
 * Per-sample tensors are dense and come from the engine over a batch: ∇⁰l the loss and ∇l the
 * gradient (one `gradDerivatives` call), and for k ≥ 2 the rows ∇(D^{k−1}l[e_{j₁}, …, e_{j_{k−1}}])
 * for the multisets j₁ ≤ … ≤ j_{k−1} (C(P + k − 2, k − 1) batched calls: Hessian-vector products
 * for k = 2). Every index tuple reads its sorted form (the largest index is the row's entry, the
 * others name the row), so each stored tensor is exactly symmetric.
 *
 * Samples mode: chunk c of SAMPLE_CHUNK samples is drawn from split(seed, c), as in
 * `estimateStats`, so the samples do not depend on anything but `seed` and `samples`. Samples are
 * cut into `groups` contiguous groups (sizes differing by at most one); per-group sums of every
 * moment are accumulated once, so each leave-one-out moment costs a subtraction, and each
 * replicate's cumulants follow from its moments by Möbius inversion over set partitions.
 * The estimates are plug-in (weights 1/S): a cumulant of m ≥ 2 nodes is biased by O(1/S).
 */
import { multisets } from './factorized.ts';
import { InputError, intAtLeast, nonNegativeInt, opt, optionError, split } from '../core/index.ts';
import type { Batch, Program } from '../engine/index.ts';
import { referenced, type Landscape, type LandscapeRef } from '../landscapes/index.ts';
import { tensorsFromSamples, type LandscapeTensors } from '../theory/index.ts';

const WHERE = 'tensors';

/** The highest derivative order measured (the re-summed series of order d needs d). */
export const MAX_TENSOR_DEGREE = 4;

/**
 * The most weights P for which tensors up to each degree are measured (index = degree): ∇²l has
 * P² entries per sample (2,000² is 32 MB), ∇³l needs C(P + 1, 2) engine calls per sample and P³
 * numbers (30: 465 calls, 27,000 numbers), ∇⁴l C(P + 2, 3) calls and P⁴ numbers (12: 364 calls,
 * 20,736 numbers). Moments of several nodes cost the product of their sizes on top.
 */
export const TENSOR_MAX_P: readonly number[] = Object.freeze([Infinity, 1_000_000, 2_000, 30, 12]);

/** Float64 numbers the stored per-sample tensors may hold, n·Σ_{k ≤ degree} P^k (2^25: 256 MB). */
export const STORED_TENSOR_LIMIT = 2 ** 25;

/** Default number of jackknife groups in samples mode. */
export const DEFAULT_GROUPS = 20;

/** Samples per random stream: chunk c of the samples is drawn from split(seed, c). */
export const SAMPLE_CHUNK = 256;

export interface MeasureTensorsOptions {
  /** The landscape: a reference (spec and data options), or a landscape resolved in this process. */
  landscape: LandscapeRef | Landscape;
  /** Highest derivative order k any node may ask for, 0 … MAX_TENSOR_DEGREE. */
  degree: number;
  /** Exactly from the landscape's atoms, or from `samples` samples: exactly one of the two. */
  exact?: boolean;
  samples?: number;
  /** Seed of the samples (default 0); chunk c uses split(seed, c). */
  seed?: number;
  /** Seed of θ₀ (default 0). */
  initSeed?: number;
  /** Jackknife groups in samples mode (default DEFAULT_GROUPS, at least 2, at most `samples`). */
  groups?: number;
  /** Samples (or atoms) whose tensors are done, of the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface MeasuredTensors {
  readonly P: number;
  /** The highest degree measured (the tensors' maxDegree). */
  readonly degree: number;
  readonly theta0: Float64Array;
  /** The landscape's named coordinates of θ, if any. */
  readonly coordinates?: Readonly<Record<string, number>>;
  readonly exact: boolean;
  /** Samples drawn (0 when exact). */
  readonly samples: number;
  /** Atoms summed over (exact mode only). */
  readonly atoms?: number;
  /** Jackknife groups (0 when exact). */
  readonly groups: number;
  /** Exact, or the plug-in estimate from all samples. */
  readonly tensors: LandscapeTensors;
  /**
   * The most factors (nodes sharing one sample) a moment or cumulant of `tensors` may have:
   * exact atoms stated exact for diagram values up to order d allow d + 1 (`exactFactorLimit`),
   * and refuse more; Infinity for a finite distribution and in samples mode.
   */
  readonly maxFactors: number;
  /** Leave-one-group-out estimates, one per group; empty when exact. */
  readonly jackknife: readonly LandscapeTensors[];
  /** Provenance. */
  readonly landscape: { name: string; spec: string; params: Readonly<Record<string, number>>; initSeed: number; seed?: number };
}

// ---------------------------------------------------------------------------------------------
// Per-sample dense tensors from the engine.


/** For each flat index of a P^k tensor: which row (multiset of its k − 1 smallest indices) and which entry (its largest). */
function sortedReads(P: number, k: number): { rows: number[][]; row: Int32Array; entry: Int32Array } {
  const rows = multisets(P, k - 1);
  const rowIndex = new Map(rows.map((m, i) => [m.join(','), i]));
  const size = P ** k;
  const row = new Int32Array(size), entry = new Int32Array(size);
  const digits = new Array<number>(k);
  for (let flat = 0; flat < size; flat++) {
    for (let s = k - 1, r = flat; s >= 0; s--, r = Math.floor(r / P)) digits[s] = r % P;
    const sorted = [...digits].sort((a, b) => a - b);
    entry[flat] = sorted.pop()!;
    row[flat] = rowIndex.get(sorted.join(','))!;
  }
  return { rows, row, entry };
}

/**
 * The dense tensors ∇^k l_{x_s}(θ) for k = 0 … degree and every sample s of `batch` (n samples):
 * out[k][s] has P^k entries, row-major. Batched engine calls, one per row multiset.
 */
export function perSampleTensors(program: Program, theta: Float64Array, batch: Batch, n: number, degree: number): Float64Array[][] {
  return tensorsOfBatch(program, theta, batch, n, degree, []);
}

type Reads = ReturnType<typeof sortedReads>;

/** perSampleTensors, with the index reads of each degree planned once (`reads[k]`, planned here when absent). */
function tensorsOfBatch(program: Program, theta: Float64Array, batch: Batch, n: number, degree: number, reads: readonly (Reads | undefined)[]): Float64Array[][] {
  const P = program.P;
  const out: Float64Array[][] = Array.from({ length: degree + 1 }, (_, k) => Array.from({ length: n }, () => new Float64Array(P ** k)));
  if (n === 0) return out;
  // A loss without data fields has one "sample": evaluate once and copy.
  const batched = program.dataNodes.size > 0;
  const gradRows = (dirs: Float64Array[]): { values: Float64Array; grads: Float64Array } => {
    if (batched) return program.gradDerivatives(theta, dirs, batch);
    const { value, grad } = program.gradDerivative(theta, dirs, {});
    const values = new Float64Array(n).fill(value), grads = new Float64Array(n * P);
    for (let s = 0; s < n; s++) grads.set(grad, s * P);
    return { values, grads };
  };
  if (degree === 0) {
    const v = batched ? program.values(theta, batch) : new Float64Array(n).fill(program.value(theta, {}));
    for (let s = 0; s < n; s++) out[0]![s]![0] = v[s]!;
    return out;
  }
  const first = gradRows([]);
  for (let s = 0; s < n; s++) {
    out[0]![s]![0] = first.values[s]!;
    out[1]![s]!.set(first.grads.subarray(s * P, (s + 1) * P));
  }
  const basis = Array.from({ length: P }, (_, j) => {
    const e = new Float64Array(P);
    e[j] = 1;
    return e;
  });
  for (let k = 2; k <= degree; k++) {
    const rd = reads[k] ?? sortedReads(P, k);
    const rowGrads = rd.rows.map((m) => gradRows(m.map((j) => basis[j]!)).grads);
    const { row, entry } = rd;
    for (let s = 0; s < n; s++) {
      const T = out[k]![s]!, base = s * P;
      for (let flat = 0; flat < T.length; flat++) T[flat] = rowGrads[row[flat]!]![base + entry[flat]!]!;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Moments per group, and cumulants by Möbius inversion.

/** The set partitions of {0 … m−1}, each block's elements increasing. */
function setPartitions(m: number): number[][][] {
  if (m === 0) return [[]];
  const out: number[][][] = [];
  for (const rest of setPartitions(m - 1)) {
    for (let b = 0; b < rest.length; b++) out.push(rest.map((blk, i) => (i === b ? [...blk, m - 1] : blk)));
    out.push([...rest, [m - 1]]);
  }
  return out;
}

/** out += coef · ⊗_b factors[b], with the result's indices in node order (node i's P^{k_i} indices at its place). */
function addOuter(out: Float64Array, coef: number, P: number, degrees: readonly number[], blocks: readonly number[][], factors: readonly Float64Array[]): void {
  const m = degrees.length;
  const size = degrees.map((k) => P ** k);
  // Node i's stride in its block's tensor: the sizes of the block's later nodes.
  const blockOf = new Int32Array(m), strideIn = new Float64Array(m);
  blocks.forEach((blk, b) => {
    let st = 1;
    for (let j = blk.length - 1; j >= 0; j--) {
      blockOf[blk[j]!] = b;
      strideIn[blk[j]!] = st;
      st *= size[blk[j]!]!;
    }
  });
  // Odometer over the nodes' indices, the last node fastest (row-major result).
  const idx = new Int32Array(m), fidx = new Float64Array(blocks.length);
  for (let flat = 0; flat < out.length; flat++) {
    let v = coef;
    for (let b = 0; b < blocks.length; b++) v *= factors[b]![fidx[b]!]!;
    out[flat]! += v;
    for (let i = m - 1; i >= 0; i--) {
      const b = blockOf[i]!;
      if (++idx[i]! < size[i]!) {
        fidx[b]! += strideIn[i]!;
        break;
      }
      idx[i] = 0;
      fidx[b]! -= (size[i]! - 1) * strideIn[i]!;
    }
  }
}

/** Joint cumulant from a moment function: κ = Σ_π (−1)^{|π|−1}(|π|−1)! Π_{b∈π} E[⊗_{i∈b}]. */
function cumulantFromMoments(P: number, degrees: readonly number[], moment: (ds: readonly number[]) => Float64Array): Float64Array {
  if (degrees.length === 1) return moment(degrees);
  const out = new Float64Array(P ** degrees.reduce((a, b) => a + b, 0));
  for (const blocks of setPartitions(degrees.length)) {
    const q = blocks.length;
    let coef = q % 2 === 1 ? 1 : -1;
    for (let j = 2; j < q; j++) coef *= j;
    addOuter(out, coef, P, degrees, blocks, blocks.map((blk) => moment(blk.map((i) => degrees[i]!))));
  }
  return out;
}

function checkDegrees(degrees: readonly number[], maxDegree: number, where: string): void {
  if (!Array.isArray(degrees) || degrees.length === 0) throw new InputError(`${where}: degrees must be a non-empty list`);
  for (const k of degrees) if (!Number.isInteger(k) || k < 0 || k > maxDegree) throw new InputError(`${where}: degree ${k} outside 0…${maxDegree}`);
}

/**
 * Per-group sums Σ_{s∈g} ⊗_i ∇^{k_i} l_{x_s} of every moment asked for (cached by degrees), and
 * views on them: all samples, or all but one group.
 */
class GroupedMoments {
  private readonly sums = new Map<string, { total: Float64Array; groups: Float64Array[] }>();
  readonly counts: Int32Array;

  constructor(
    readonly P: number,
    readonly maxDegree: number,
    private readonly derivs: readonly (readonly Float64Array[])[],
    private readonly groupStart: Int32Array, // G + 1 boundaries
  ) {
    const G = groupStart.length - 1;
    this.counts = Int32Array.from({ length: G }, (_, g) => groupStart[g + 1]! - groupStart[g]!);
  }

  get S(): number {
    return this.groupStart[this.groupStart.length - 1]!;
  }

  sumsOf(degrees: readonly number[]): { total: Float64Array; groups: Float64Array[] } {
    const key = degrees.join(',');
    const hit = this.sums.get(key);
    if (hit) return hit;
    const P = this.P, G = this.counts.length;
    const sizes = degrees.map((k) => P ** k);
    const size = sizes.reduce((a, b) => a * b, 1);
    const groups = Array.from({ length: G }, () => new Float64Array(size));
    let a = new Float64Array(size), b = new Float64Array(size);
    for (let g = 0; g < G; g++) {
      const acc = groups[g]!;
      for (let s = this.groupStart[g]!; s < this.groupStart[g + 1]!; s++) {
        // The outer product ⊗_i derivs[k_i][s], built up node by node in a, b.
        a[0] = 1;
        let len = 1;
        for (let i = 0; i < degrees.length; i++) {
          const d = this.derivs[degrees[i]!]![s]!, n = sizes[i]!;
          for (let p = 0; p < len; p++) {
            const ap = a[p]!, base = p * n;
            for (let q = 0; q < n; q++) b[base + q] = ap * d[q]!;
          }
          len *= n;
          [a, b] = [b, a];
        }
        for (let j = 0; j < size; j++) acc[j]! += a[j]!;
      }
    }
    const total = new Float64Array(size);
    for (const acc of groups) for (let j = 0; j < size; j++) total[j]! += acc[j]!;
    const r = { total, groups };
    this.sums.set(key, r);
    return r;
  }

  /** The plug-in tensors of all samples (leave = −1) or of all but group `leave`. */
  view(leave: number, where: string): LandscapeTensors {
    const { P, maxDegree } = this;
    const n = this.S - (leave >= 0 ? this.counts[leave]! : 0);
    const moments = new Map<string, Float64Array>();
    const cumulants = new Map<string, Float64Array>();
    const moment = (degrees: readonly number[]): Float64Array => {
      checkDegrees(degrees, maxDegree, `${where}: moment`);
      const key = degrees.join(',');
      let m = moments.get(key);
      if (!m) {
        const { total, groups } = this.sumsOf(degrees);
        m = new Float64Array(total.length);
        const out = leave >= 0 ? groups[leave]! : null;
        for (let j = 0; j < m.length; j++) m[j] = (out ? total[j]! - out[j]! : total[j]!) / n;
        moments.set(key, m);
      }
      return m;
    };
    const cumulant = (degrees: readonly number[]): Float64Array => {
      checkDegrees(degrees, maxDegree, `${where}: cumulant`);
      const key = degrees.join(',');
      let c = cumulants.get(key);
      if (!c) cumulants.set(key, (c = cumulantFromMoments(P, degrees, moment)));
      return c;
    };
    return Object.freeze({ P, maxDegree, exact: false, moment, cumulant });
  }
}

// ---------------------------------------------------------------------------------------------
// Exactness of atoms.

/**
 * How many factors (nodes sharing one sample) a moment over the landscape's atoms may multiply
 * and stay exact, from its stated exactness: "… all diagram values up to order d …" (the
 * Gauss–Hermite landscapes: a part of a d-edge diagram has d + 1 nodes) gives d + 1; anything
 * else — a finite distribution ("every expectation") or a statement this cannot read — is taken
 * as exact for every moment, the atoms being the distribution.
 */
export function exactFactorLimit(exactFor: string | undefined): number {
  const m = /up to order (\d+)/.exec(exactFor ?? '');
  return m ? Number(m[1]) + 1 : Infinity;
}

/** `t` refusing moments and cumulants of more than `limit` factors (not exact over the atoms). */
function limitFactors(t: LandscapeTensors, limit: number, why: string): LandscapeTensors {
  if (limit === Infinity) return t;
  const guard = (what: string, degrees: readonly number[]) => {
    if (Array.isArray(degrees) && degrees.length > limit) {
      throw new InputError(`${WHERE}: the ${what} of ${degrees.length} factors [${degrees.join(', ')}] is not exact over these atoms (${why}: at most ${limit} factors); use sampled mode (${opt('samples')})`);
    }
  };
  return Object.freeze({
    P: t.P, maxDegree: t.maxDegree, exact: t.exact,
    moment: (ds: readonly number[]) => (guard('moment', ds), t.moment(ds)),
    cumulant: (ds: readonly number[]) => (guard('cumulant', ds), t.cumulant(ds)),
  });
}

// ---------------------------------------------------------------------------------------------
// measureTensors and jackknifed.

/** Σ_{k ≤ degree} P^k: numbers stored per sample. */
const perSampleEntries = (P: number, degree: number) => {
  let s = 0;
  for (let k = 0; k <= degree; k++) s += P ** k;
  return s;
};

export async function measureTensors(o: MeasureTensorsOptions): Promise<MeasuredTensors> {
  if (!Number.isInteger(o.degree) || o.degree < 0 || o.degree > MAX_TENSOR_DEGREE) {
    throw optionError(WHERE, 'degree', `must be an integer from 0 to ${MAX_TENSOR_DEGREE}, got ${String(o.degree)}`);
  }
  const degree = o.degree;
  if (!!o.exact === (o.samples !== undefined)) throw new InputError(`${WHERE}: give exactly one of ${opt('exact')} and ${opt('samples')}`);
  const initSeed = nonNegativeInt(WHERE, 'initSeed', o.initSeed ?? 0);
  const { land } = await referenced(o.landscape, WHERE);
  const P = land.P;
  const maxP = TENSOR_MAX_P[degree]!;
  if (P > maxP) {
    throw optionError(WHERE, 'degree', `${degree} needs dense tensors ∇^${degree}l of P^${degree} entries per sample: measured for P ≤ ${maxP} at degree ${degree}, and this landscape has P = ${P}`);
  }
  const perSample = perSampleEntries(P, degree);
  const maxSamples = Math.floor(STORED_TENSOR_LIMIT / perSample);
  const theta = land.init(initSeed);
  // Compiled, and the index reads planned, only once the input is known to be good.
  const prepare = () => ({
    program: land.program(),
    reads: Array.from({ length: degree + 1 }, (_, k) => (k >= 2 ? sortedReads(P, k) : undefined)),
  });
  const provenance = { name: land.name, spec: land.spec, params: land.params, initSeed };
  const common = { P, degree, theta0: Float64Array.from(theta), ...(land.coordinates ? { coordinates: land.coordinates } : {}) };

  if (o.exact) {
    if (!land.atoms) throw optionError(WHERE, 'exact', `needs weighted atoms, and ${land.spec} has none (no exact mode): use sampled mode (${opt('samples')})`);
    const count = land.exact.atoms?.count ?? land.atoms().count;
    if (count > maxSamples) {
      throw optionError(WHERE, 'exact', `would store ${(count * perSample).toExponential(2)} numbers (${count} atoms × ${perSample} per atom for P = ${P}, degree ${degree}; the limit is ${STORED_TENSOR_LIMIT.toExponential(2)}, ${maxSamples} atoms): use sampled mode (${opt('samples')})`);
    }
    const atoms = land.atoms();
    const { program, reads } = prepare();
    const derivs: Float64Array[][] = Array.from({ length: degree + 1 }, () => []);
    const chunk = 1024;
    o.onProgress?.(0, count);
    for (let start = 0; start < count; start += chunk) {
      const end = Math.min(count, start + chunk);
      const t = tensorsOfBatch(program, theta, atoms.batch(start, end), end - start, degree, reads);
      t.forEach((d, k) => derivs[k]!.push(...d));
      o.onProgress?.(end, count);
    }
    const info = land.exact.atoms;
    const limit = exactFactorLimit(info?.exactFor);
    const tensors = limitFactors(
      tensorsFromSamples({ P, maxDegree: degree, exact: true, weights: atoms.weights, derivs }),
      limit,
      `${info?.method ?? 'atoms'}, exact for ${info?.exactFor ?? 'every expectation'}`,
    );
    return Object.freeze({ ...common, exact: true, samples: 0, atoms: count, groups: 0, tensors, maxFactors: limit, jackknife: Object.freeze([]), landscape: provenance });
  }

  const G = intAtLeast(WHERE, 'groups', o.groups ?? DEFAULT_GROUPS, 2, 'a jackknife needs two groups');
  const S = intAtLeast(WHERE, 'samples', o.samples, G, `one sample per jackknife group at least, ${opt('groups')} = ${G}`);
  const seed = nonNegativeInt(WHERE, 'seed', o.seed ?? 0);
  if (S > maxSamples) {
    throw optionError(WHERE, 'samples', `${S} would store ${(S * perSample).toExponential(2)} numbers (${perSample} per sample for P = ${P}, degree ${degree}; the limit is ${STORED_TENSOR_LIMIT.toExponential(2)}): at most ${maxSamples} samples fit`);
  }
  const { program, reads } = prepare();
  const derivs: Float64Array[][] = Array.from({ length: degree + 1 }, () => []);
  o.onProgress?.(0, S);
  for (let c = 0, start = 0; start < S; c++, start += SAMPLE_CHUNK) {
    const n = Math.min(SAMPLE_CHUNK, S - start);
    const t = tensorsOfBatch(program, theta, land.sample(split(seed, c), n), n, degree, reads);
    t.forEach((d, k) => derivs[k]!.push(...d));
    o.onProgress?.(start + n, S);
  }
  const groupStart = Int32Array.from({ length: G + 1 }, (_, g) => Math.floor((g * S) / G));
  const grouped = new GroupedMoments(P, degree, derivs, groupStart);
  const tensors = grouped.view(-1, WHERE);
  const jackknife = Object.freeze(Array.from({ length: G }, (_, g) => grouped.view(g, `${WHERE} (jackknife ${g})`)));
  return Object.freeze({ ...common, exact: false, samples: S, groups: G, tensors, maxFactors: Infinity, jackknife, landscape: { ...provenance, seed } });
}

/**
 * f of the measured tensors with a jackknife standard error per entry:
 * se = √((G − 1)/G · Σ_g (f_{−g} − f̄)²), f_{−g} = f of the tensors without group g, f̄ their mean.
 * `value` is f of the full estimate (not bias-corrected). Exact tensors give stderr 0.
 */
export function jackknifed(m: MeasuredTensors, f: (t: LandscapeTensors) => number[]): { value: number[]; stderr: number[] } {
  const value = [...f(m.tensors)];
  if (m.exact || m.jackknife.length === 0) return { value, stderr: value.map(() => 0) };
  const G = m.jackknife.length;
  const reps = m.jackknife.map((t, g) => {
    const r = f(t);
    if (r.length !== value.length) throw new InputError(`jackknifed: f returned ${r.length} numbers for jackknife group ${g} but ${value.length} for the full estimate`);
    return r;
  });
  const stderr = value.map((_, i) => {
    let mean = 0;
    for (const r of reps) mean += r[i]!;
    mean /= G;
    let ss = 0;
    for (const r of reps) ss += (r[i]! - mean) ** 2;
    return Math.sqrt(((G - 1) / G) * ss);
  });
  return { value, stderr };
}
