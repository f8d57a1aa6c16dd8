/**
 * @file `resum`: the re-summed order-d prediction R_d(η) of an observable (THEORY §7,
 * docs/theory.md §9, the paper's Theorems 1–2). Every chain of Hessian insertions on an edge is
 * summed into the propagator K^{t′−t−1}, K = I − ηH, so the series runs over *irreducible
 * cumulant diagrams* only:
 *
 *   E[s(θ_T)] = Σ_{irreducible D, ≤ d edges} (−1)^{|E|}/(B^{|E|}|Aut D|) Σ_{labeled embeddings} κvalue,
 *
 * parts carrying joint cumulants of their nodes' derivative tensors (a singleton: the mean) and
 * different parts free to share rows. In an eigenbasis of H (columns of V) each edge carries one
 * eigen-index μ_e, so a diagram's value is Σ_μ W[μ]·S(μ): W the product over parts of the
 * rotated cumulant entries (each edge's index at its child and at its parent), S the pure time
 * sum of ./timesum.ts. Tensors of order k cost P^k: re-summation is for small P, or order ≤ 2.
 */
import {
  checkObservable, InputError, isQuantity, opt, optionError, symmetricEigen, type Observable, type Schedule,
} from '../core/index.ts';
import { diagrams, type Diagram } from '../diagrams/index.ts';
import type { LandscapeTensors } from './tensors.ts';
import { componentsOf, restrict, rowConstant, timeSumProgram, type TimePattern, type TimeSum } from './timesum.ts';

export interface ResumOptions {
  /** Derivative tensors at θ₀. */
  tensors: LandscapeTensors;
  /** core's sgd or gd. */
  schedule: Schedule;
  /** d: irreducible cumulant diagrams with ≤ d edges (0…3). */
  order: number;
  observable: Observable;
  /** Learning rates (> 0). */
  eta: readonly number[];
  /** Propagators exp(−nηH) and time integrals (paper's Remark 2). */
  continuous?: boolean;
  /** T → ∞: GD at fixed N; SGD one epoch (E = 1) of fresh rows. */
  longTime?: boolean;
  /** θ₀, for a coordinate observable's order-0 term (default 0: the displacement). */
  theta0?: Float64Array;
  /**
   * Eigenvalues of H with |λ| ≤ `flat` count as flat directions, exactly 0 (default
   * 1e-12·max|λ|: rounding). Estimated tensors need more: an H measured from samples has the
   * sampling noise of its entries in every eigenvalue (stats' drift passes 3 standard errors).
   */
  flat?: number;
}

export interface ResummedTerm {
  readonly key: string;
  readonly label: string;
  readonly edges: number;
  /** This diagram's contribution, one per η. */
  readonly values: number[];
}

export interface Resummed {
  readonly observable: Observable;
  readonly order: number;
  readonly continuous: boolean;
  readonly longTime: boolean;
  /**
   * R_d(η). With `longTime` and a flat direction (a component that grows linearly in T) this
   * is the offset lim_{T→∞} (R_d − velocity·T).
   */
  readonly values: { eta: number; value: number }[];
  readonly terms: ResummedTerm[];
  /** longTime only, when some term grows linearly: the growth per step. */
  readonly velocity?: { eta: number; value: number }[];
  /** Eigenvalues of H, ascending (those within 1e-12·max|λ| of 0 set to exactly 0). */
  readonly eigenvalues: Float64Array;
}

const WHERE = 'resum';

/**
 * Largest P per order: order ≤ 2 is limited by the eigendecomposition and the rotation of P×P
 * tensors (9P³ + 2P³ flops per matrix), order 3 by the P³ tuples of a 3-edge diagram and the
 * P^4…P^6 cumulant tensors of the train loss.
 */
export const MAX_P: Readonly<Record<number, number>> = Object.freeze({ 0: Infinity, 1: 2000, 2: 2000, 3: 40 });
/** Largest rotated cumulant tensor (entries). */
export const MAX_TENSOR_ENTRIES = 2 ** 25;

/** The irreducible diagrams of an observable with `k` edges and the sign each enters with. */
export function resumDiagrams(k: number, observable: Observable): { diagram: Diagram; sign: number }[] {
  const irreducible = (kind: 'test' | 'train') => diagrams(k, kind).filter((d) => d.irreducible);
  if (!isQuantity(observable)) return irreducible('test').filter((d) => d.children[0]!.length === 1).map((diagram) => ({ diagram, sign: 1 }));
  if (observable === 'test') return irreducible('test').map((diagram) => ({ diagram, sign: 1 }));
  if (observable === 'train') return irreducible('train').map((diagram) => ({ diagram, sign: 1 }));
  // gap = test − train: a root alone in its part is the same in both (its row, uniform and shared
  // with no part's constraint, contributes Σ_n 1/N = 1), so only the root-tied train diagrams remain.
  return irreducible('train').filter((d) => !d.rootAlone).map((diagram) => ({ diagram, sign: -1 }));
}

/** out[a, μ, b] = Σ_i t[a, i, b] V[i, μ] on every index: the tensor in the eigenbasis. */
function rotate(t: Float64Array, D: number, V: Float64Array, P: number): Float64Array {
  // with t longer than P^D, the leading factor is an untouched block index (only the last D rotate)
  const lead = t.length / P ** D;
  let cur = t;
  for (let mode = 0; mode < D; mode++) {
    const pre = lead * P ** mode;
    const post = P ** (D - mode - 1);
    const out = new Float64Array(cur.length);
    for (let a = 0; a < pre; a++) {
      for (let i = 0; i < P; i++) {
        const src = (a * P + i) * post;
        if (post === 1) {
          // last index: a contiguous row of V
          const c = cur[src]!;
          if (c === 0) continue;
          const dst = a * P;
          const vi = i * P;
          for (let mu = 0; mu < P; mu++) out[dst + mu]! += c * V[vi + mu]!;
          continue;
        }
        for (let mu = 0; mu < P; mu++) {
          const v = V[i * P + mu]!;
          if (v === 0) continue;
          const dst = (a * P + mu) * post;
          for (let b = 0; b < post; b++) out[dst + b]! += v * cur[src + b]!;
        }
      }
    }
    cur = out;
  }
  return cur;
}

/**
 * A part's tensor in the eigenbasis over its *distinct* edges: an edge whose two ends are both
 * in the part (a node tied to its child, the train root tied to its children) appears at two
 * index positions, and only the entries with one μ there are ever read. So one of the two is
 * rotated and the other contracted on the diagonal, Σ_i V_iμ·t[…μ…i…], which drops an axis:
 * a P^6 train-root cumulant with three such edges costs about P^7 instead of 6·P^7 and leaves
 * P^3 numbers. Returns the tensor and its axes' edges (in order).
 */
function rotateOnEdges(t: Float64Array, edgesAt: readonly number[], V: Float64Array, P: number): { t: Float64Array; axes: number[] } {
  let cur = t;
  let axes = [...edgesAt];
  let rotatedAxes = axes.map(() => false);
  const rotateAxis = (a: number) => {
    const n = axes.length;
    const pre = P ** a, post = P ** (n - a - 1);
    const out = new Float64Array(cur.length);
    for (let x = 0; x < pre; x++) for (let i = 0; i < P; i++) {
      const src = (x * P + i) * post;
      for (let mu = 0; mu < P; mu++) {
        const v = V[i * P + mu]!;
        if (v === 0) continue;
        const dst = (x * P + mu) * post;
        for (let y = 0; y < post; y++) out[dst + y]! += v * cur[src + y]!;
      }
    }
    cur = out;
    rotatedAxes[a] = true;
  };
  // out[…μ at b…] = Σ_i V_iμ · cur[…μ at b…, i at a, …]: axis a (same edge as b, b rotated) goes
  const contractAxis = (a: number, b: number) => {
    const n = axes.length;
    const strides = Array.from({ length: n }, (_, k) => P ** (n - 1 - k));
    const keep = axes.map((_, k) => k).filter((k) => k !== a);
    const out = new Float64Array(cur.length / P);
    const digit = new Int32Array(n - 1);
    let base = 0;
    const bOut = keep.indexOf(b);
    for (let o = 0; o < out.length; o++) {
      const mu = digit[bOut]!;
      let sum = 0;
      for (let i = 0; i < P; i++) sum += V[i * P + mu]! * cur[base + i * strides[a]!]!;
      out[o] = sum;
      for (let k = n - 2; k >= 0; k--) {
        const st = strides[keep[k]!]!;
        if (digit[k]! + 1 < P) {
          digit[k]!++;
          base += st;
          break;
        }
        base -= st * digit[k]!;
        digit[k] = 0;
      }
    }
    cur = out;
    axes = keep.map((k) => axes[k]!);
    rotatedAxes = keep.map((k) => rotatedAxes[k]!);
  };
  // pairs first (each leaves a smaller tensor), then the edges seen once
  for (;;) {
    const a = axes.findIndex((e, k) => axes.indexOf(e) !== k);
    if (a < 0) break;
    const b = axes.indexOf(axes[a]!);
    if (!rotatedAxes[b]) rotateAxis(b);
    contractAxis(a, b);
  }
  for (let k = 0; k < axes.length; k++) if (!rotatedAxes[k]) rotateAxis(k);
  return { t: cur, axes };
}

/**
 * H = E∇²l at θ₀ in its eigenbasis (ascending), eigenvalues with |λ| ≤ max(`flat`, 1e-12·max|λ|)
 * set to exactly 0: rounding (or, with `flat`, sampling noise) is not curvature, and a flat
 * direction must have K = I exactly for the long-time limit to report a velocity.
 */
export function hessianEigen(tensors: LandscapeTensors, flat = 0): { values: Float64Array; vectors: Float64Array } {
  const P = tensors.P;
  const H = tensors.cumulant([2]) ?? new Float64Array(P * P);
  const { values, vectors } = symmetricEigen(H, P);
  const scale = values.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const tol = Math.max(flat, 1e-12 * scale);
  for (let i = 0; i < P; i++) if (Math.abs(values[i]!) <= tol) values[i] = 0;
  return { values, vectors };
}

/** A diagram prepared for the time sums: its factor W over all μ tuples, pattern, components. */
interface Prepared {
  diagram: Diagram;
  sign: number;
  edges: number;
  /** W[μ], μ = Σ_e μ_e P^e (edge e: the edge above node e + 1); null when identically zero. */
  W: Float64Array | null;
  pattern: TimePattern;
  components: number[][];
}

export function resum(opts: ResumOptions): Resummed {
  (opts.eta ?? []).forEach((x, i) => {
    if (!Number.isFinite(x) || !(x > 0)) throw new InputError(`${WHERE}: ${opt('eta')}[${i}] must be a positive finite number, got ${x}`);
  });
  return resumAnyEta(opts);
}

/**
 * `resum` at any finite real η (also η ≤ 0): for tests, which read Taylor coefficients off R_d,
 * a polynomial in η for finite T.
 */
export function resumAnyEta(opts: ResumOptions): Resummed {
  const { tensors } = opts;
  // Long-time SGD is one epoch of fresh rows: K = N/B → ∞, so a part's timed nodes share a step
  // (the 'sameStep' regime) whatever N the caller's schedule carries — with N = B it would
  // otherwise look like GD (K = 1), where a sample is seen at every step.
  const s: Schedule = opts.longTime && opts.schedule.kind === 'sgd' ? { ...opts.schedule, N: Infinity, K: Infinity, T: Infinity } : opts.schedule;
  const P = tensors.P;
  const order = opts.order;
  if (!Number.isInteger(order) || order < 0 || order > 3) throw optionError(WHERE, 'order', `must be 0, 1, 2 or 3 (irreducible diagrams with ≤ 3 edges), got ${order}`);
  if (P > MAX_P[order]!) throw optionError(WHERE, 'order', `${order} supports P ≤ ${MAX_P[order]} weights (tensors of order k cost P^k), got P = ${P}`);
  const observable = checkObservable(opts.observable, WHERE, P, 'observable');
  const continuous = opts.continuous ?? false;
  const longTime = opts.longTime ?? false;
  const eta = [...(opts.eta ?? [])];
  eta.forEach((x, i) => {
    if (!Number.isFinite(x)) throw new InputError(`${WHERE}: ${opt('eta')}[${i}] must be a finite number, got ${x}`);
  });
  if (longTime && opts.schedule.kind === 'sgd' && opts.schedule.E !== 1) throw optionError(WHERE, 'longTime', `takes SGD with one epoch of fresh rows (E = 1), got E = ${s.E}`);
  if (opts.theta0 && opts.theta0.length !== P) throw optionError(WHERE, 'theta0', `must have P = ${P} entries, got ${opts.theta0.length}`);

  // H and its eigenbasis; eigenvalues at rounding distance from 0 are flat directions exactly
  // (so that K = I there and the long-time limit reports a velocity instead of a huge number).
  if (opts.flat !== undefined && !(opts.flat >= 0)) throw optionError(WHERE, 'flat', `must be a non-negative number, got ${opts.flat}`);
  const { values: lam, vectors: V } = hessianEigen(tensors, opts.flat);
  if (longTime) {
    for (const h of eta) {
      for (const l of lam) {
        // a propagator that does not decay: |1 − ηλ| ≥ 1 away from λ = 0 (or growth in continuous time)
        if (l < 0 || (!continuous && h * l >= 2) || (l !== 0 && h * l <= 0)) {
          throw optionError(WHERE, 'longTime', `has no limit: H has the eigenvalue ${l} and η = ${h} gives the propagator ${continuous ? `exp(−ηλ) = ${Math.exp(-h * l)}` : `1 − ηλ = ${1 - h * l}`} per step, which does not decay (needs 0 < ηλ < 2, or λ = 0)`);
        }
      }
    }
  }

  // rotated cumulants, cached by degrees ('root k': the population loss's ∇^k at a test root)
  const cache = new Map<string, Float64Array | null>();
  const rotated = (key: string, make: () => Float64Array | null, D: number): Float64Array | null => {
    if (cache.has(key)) return cache.get(key)!;
    const t = make();
    if (t && t.length !== P ** D) throw new Error(`${WHERE}: tensor ${key} has ${t.length} entries, expected P^${D}`);
    if (t && t.length > MAX_TENSOR_ENTRIES) throw optionError(WHERE, 'order', `${order} needs the cumulant tensor ${key} with P^${D} = ${t.length} entries at P = ${P}; the limit is ${MAX_TENSOR_ENTRIES}`);
    const r = t ? rotate(t, D, V, P) : null;
    cache.set(key, r);
    return r;
  };
  /** The diagonal of VᵀtV (off-diagonal entries left 0): Σ_i V_iμ (tV)_iμ. */
  const rotatedDiagonal = (key: string, make: () => Float64Array | null): Float64Array | null => {
    const full = cache.get(key);
    if (full !== undefined) return full;
    const dk = `diag ${key}`;
    if (cache.has(dk)) return cache.get(dk)!;
    const t = make();
    let out: Float64Array | null = null;
    if (t) {
      const tv = rotate(t, 1, V, P); // only the last index rotated: (tV)[i, μ]
      out = new Float64Array(P * P);
      for (let i = 0; i < P; i++) for (let mu = 0; mu < P; mu++) out[mu * P + mu]! += V[i * P + mu]! * tv[i * P + mu]!;
    }
    cache.set(dk, out);
    return out;
  };
  const diagLambda = () => {
    const d = new Float64Array(P * P);
    for (let i = 0; i < P; i++) d[i * P + i] = lam[i]!;
    return d;
  };

  const prepared: Prepared[] = [];
  for (let k = 1; k <= order; k++) for (const { diagram, sign } of resumDiagrams(k, observable)) prepared.push(prepare(diagram, sign));

  function prepare(d: Diagram, sign: number): Prepared {
    const n = d.parent.length;
    const E = n - 1;
    const degree = (v: number) => d.children[v]!.length + (v === 0 ? 0 : 1);
    const pattern: TimePattern = {
      parent: d.parent.slice(1).map((q) => q - 1),
      part: d.part.slice(1),
      ...(observable === 'train' || observable === 'gap' ? { rootPart: d.part[0]! } : {}),
    };
    const components = componentsOf(pattern, s);
    // A singleton degree-2 node (or a test root with two children) carries H, diagonal in the
    // eigenbasis: its two edges carry one μ. A two-index part tensor on two such edges then only
    // needs its diagonal — one P³ product instead of two (order 2 at large P).
    const cls = Array.from({ length: E }, (_, e) => e);
    const find = (e: number): number => (cls[e] === e ? e : (cls[e] = find(cls[e]!)));
    for (const nodes of d.parts) {
      const v = nodes[0]!;
      const hessian = nodes.length === 1 && (v === 0 ? isQuantity(observable) && observable !== 'train' && observable !== 'gap' : true) && degree(v) === 2;
      if (hessian) {
        const es = [...d.children[v]!.map((c) => c - 1), ...(v === 0 ? [] : [v - 1])];
        cls[find(es[0]!)] = find(es[1]!);
      }
    }
    // each part's tensor and, per edge, the stride of its index in that tensor
    const factors: { t: Float64Array; stride: number[] }[] = [];
    const repeats = (edgesAt: readonly number[]) => edgesAt.some((e, k) => edgesAt.indexOf(e) !== k);
    for (const nodes of d.parts) {
      const edgesAt = nodes.flatMap((v) => [...d.children[v]!.map((c) => c - 1), ...(v === 0 ? [] : [v - 1])]);
      const D = edgesAt.length;
      let t: Float64Array | null;
      if (nodes.length === 1 && nodes[0] === 0 && !(observable === 'train' || observable === 'gap')) {
        if (!isQuantity(observable)) t = V.slice(observable.coordinate * P, observable.coordinate * P + P); // e_i in the eigenbasis
        else t = D === 2 ? (cache.get('root 2') ?? (cache.set('root 2', diagLambda()), cache.get('root 2')!)) : rotated(`root ${D}`, () => tensors.cumulant([D]), D);
      } else {
        const degs = nodes.map(degree);
        const diagonalOnly = D === 2 && find(edgesAt[0]!) === find(edgesAt[1]!);
        if (!diagonalOnly && degs.length > 1 && repeats(edgesAt)) {
          // a node tied to its child: rotate over the distinct edges only (rotateOnEdges)
          const key = `κ(${degs.join(',')}) on ${edgesAt.map((e) => edgesAt.indexOf(e)).join(',')}`;
          if (!cache.has(key)) {
            const raw = tensors.cumulant(degs);
            if (raw && raw.length > MAX_TENSOR_ENTRIES) throw optionError(WHERE, 'order', `${order} needs the cumulant tensor κ(${degs.join(',')}) with P^${D} = ${raw.length} entries at P = ${P}; the limit is ${MAX_TENSOR_ENTRIES}`);
            const r = raw ? rotateOnEdges(raw, edgesAt.map((e) => edgesAt.indexOf(e)), V, P) : null;
            cache.set(key, r ? r.t : null);
          }
          const m = cache.get(key)!;
          if (!m) return { diagram: d, sign, edges: E, W: null, pattern, components };
          // the merged tensor's axes are the distinct edges in order of first appearance
          const distinct = edgesAt.filter((e, k) => edgesAt.indexOf(e) === k);
          const stride = new Array<number>(E).fill(0);
          distinct.forEach((e, pos) => (stride[e]! += P ** (distinct.length - 1 - pos)));
          factors.push({ t: m, stride });
          continue;
        }
        t = degs.length === 1 && degs[0] === 2
          ? diagLambda()
          : diagonalOnly
            ? rotatedDiagonal(`κ(${degs.join(',')})`, () => tensors.cumulant(degs))
            : rotated(`κ(${degs.join(',')})`, () => tensors.cumulant(degs), D);
      }
      if (!t) return { diagram: d, sign, edges: E, W: null, pattern, components };
      const stride = new Array<number>(E).fill(0);
      edgesAt.forEach((e, pos) => (stride[e]! += P ** (D - 1 - pos)));
      factors.push({ t, stride });
    }
    const W = new Float64Array(P ** E);
    const mu = new Int32Array(E);
    let any = false;
    for (let j = 0; j < W.length; j++) {
      let r = j;
      for (let e = 0; e < E; e++) {
        mu[e] = r % P;
        r = (r - mu[e]!) / P;
      }
      let w = 1;
      for (const f of factors) {
        let idx = 0;
        for (let e = 0; e < E; e++) idx += mu[e]! * f.stride[e]!;
        w *= f.t[idx]!;
        if (w === 0) break;
      }
      W[j] = w;
      if (w !== 0) any = true;
    }
    return { diagram: d, sign, edges: E, W: any ? W : null, pattern, components };
  }

  // order 0: the loss at θ₀ (test and train alike), 0 for the gap, θ₀_i for a coordinate
  const zero = diagrams(0, 'test')[0]!;
  const order0 = isQuantity(observable)
    ? observable === 'gap' ? 0 : (tensors.cumulant([0])?.[0] ?? 0)
    : (opts.theta0?.[observable.coordinate] ?? 0);
  const terms: ResummedTerm[] = [{ key: zero.key, label: isQuantity(observable) ? 'l(θ₀)' : `θ₀_${observable.coordinate}`, edges: 0, values: eta.map(() => order0) }];
  const velocityTotals = eta.map(() => 0);
  let grows = false;
  const N = longTime && s.kind === 'sgd' ? Infinity : s.N; // long-time SGD: every row is fresh

  for (const p of prepared) {
    const values = eta.map((h, hi) => {
      if (!p.W) return 0;
      const { value, velocity } = diagramSum(p, h);
      const c = (p.sign * (-h) ** p.edges * rowConstant(p.pattern, s, N)) / p.diagram.aut;
      if (velocity !== 0) {
        grows = true;
        velocityTotals[hi]! += c * velocity;
      }
      return c * value;
    });
    terms.push({ key: p.diagram.key, label: p.diagram.label, edges: p.edges, values });
  }

  /** Σ_μ W[μ] Π_components S_c(μ_c), and with longTime the linear growth's coefficient. */
  function diagramSum(p: Prepared, h: number): { value: number; velocity: number } {
    const E = p.edges;
    const sums: TimeSum[] = p.components.map((nodes) => {
      const Lc = P ** nodes.length;
      const decay = nodes.map((_, i) => {
        const a = new Float64Array(Lc);
        const stride = P ** i;
        for (let j = 0; j < Lc; j++) a[j] = h * lam[Math.floor(j / stride) % P]!;
        return a;
      });
      return timeSumProgram(restrict(p.pattern, nodes), s, decay, { continuous, longTime });
    });
    const W = p.W!;
    let value = 0;
    let velocity = 0;
    const mu = new Int32Array(E);
    for (let j = 0; j < W.length; j++) {
      const w = W[j]!;
      if (w === 0) continue;
      let r = j;
      for (let e = 0; e < E; e++) {
        mu[e] = r % P;
        r = (r - mu[e]!) / P;
      }
      let o = w;
      let v = 0;
      let growing = 0;
      p.components.forEach((nodes, c) => {
        let jc = 0;
        for (let i = nodes.length - 1; i >= 0; i--) jc = jc * P + mu[nodes[i]!]!;
        const oc = sums[c]!.value[jc]!;
        const vc = sums[c]!.velocity?.[jc] ?? 0;
        if (Number.isNaN(oc) || Number.isNaN(vc)) growing = 2;
        if (vc !== 0) {
          growing++;
          v = v * oc + o * vc;
        } else v *= oc;
        o *= oc;
      });
      if (growing >= 2) {
        throw optionError(WHERE, 'longTime', `has no linear asymptote: diagram ${p.diagram.key} grows faster than linearly in T along flat directions of H (eigen-indices ${[...mu].join(', ')})`);
      }
      value += o;
      velocity += v;
    }
    return { value, velocity };
  }

  const values = eta.map((h, i) => ({ eta: h, value: terms.reduce((acc, t) => acc + t.values[i]!, 0) }));
  return Object.freeze({
    observable,
    order,
    continuous,
    longTime,
    values,
    terms,
    ...(longTime && grows ? { velocity: eta.map((h, i) => ({ eta: h, value: velocityTotals[i]! })) } : {}),
    eigenvalues: lam,
  });
}
