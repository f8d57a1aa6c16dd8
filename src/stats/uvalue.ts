/**
 * @file One diagram's contraction for given samples per part (docs/theory.md §2): the recursion that
 * turns a diagram into engine calls, never forming a tensor larger than a P-vector.
 *
 * A non-root node v with children c₁…c_j sends its parent the covector
 *   u_v = ∇(D^j l_{x_part(v)}[u_{c₁}, …, u_{c_j}])      (a leaf: u_v = ∇l_x),
 * one `gradDerivative` call; the root returns D^j l_{x_root}[u_{c₁}, …, u_{c_j}] (see `value`
 * for how). Averaged over independent samples per part this is the diagram's uvalue.
 * Covectors are memoized by (subtree, samples of its parts), so subtrees shared by several
 * diagrams, or by several atom assignments in exact mode, are computed once.
 *
 * A part may instead carry a batch of samples (sampled mode's batch means, docs/theory.md §6):
 * its node then uses the batch mean, ∇(D^j mean_s l_{x_s}[…]) (one `meanGradDerivative`), or at
 * the root mean_s D^j l_{x_s}[…]. Only a part of one node may: the contraction is linear in that
 * node's tensor, so the mean of the batch's tensors is an unbiased stand-in for its expectation,
 * whereas a part of several nodes needs the same sample at all of them (a product).
 */
import type { Diagram } from '../diagrams/index.ts';
import type { Batch, Program, Sample } from '../engine/index.ts';

/**
 * The sample a part uses, with a key that identifies it within one evaluation scope; or, for a
 * part of one node, a batch whose mean that node takes (`sample` is then unused).
 */
export interface PartSample {
  key: string;
  sample: Sample;
  batch?: Batch;
}

/** A covector sent up the tree, with the memo key of (subtree, samples of its parts). */
interface Covector {
  vec: Float64Array;
  key: string;
}

export class Contractor {
  private readonly memo = new Map<string, Float64Array>();
  /** Covector buffers, reused after `clear` (a fresh P-vector per covector cost about a quarter of a gradient's time). */
  private readonly buffers: Float64Array[] = [];
  private used = 0;

  constructor(
    readonly program: Program,
    readonly theta: Float64Array,
  ) {}

  /** Forget memoized covectors (call when the samples behind the keys change). */
  clear(): void {
    this.memo.clear();
    this.used = 0;
  }

  /**
   * The contraction of `d` with part p using `parts[p]` (parts indexed as d.parts). The root's
   * D^j l[u₁, …, u_j] (j ≥ 1) is taken as ⟨∇(D^{j−1} l[u₁, …, u_{j−1}]), u_j⟩, the children in key
   * order and u_j the last: that gradient is the covector a non-root node of the root's part with
   * those children would send, memoized under the same key, so roots that differ only in their
   * last child (G·G, G·H·G, …: every root with one child reads ∇l of its part) share one call, and
   * a gradient costs little more than the forward derivative it replaces (docs/theory.md §6).
   */
  value(d: Diagram, parts: readonly PartSample[]): number {
    const root = parts[d.part[0]!]!;
    if (d.children[0]!.length === 0) {
      if (!root.batch) return this.program.derivative(this.theta, [], root.sample);
      const vals = this.program.derivatives(this.theta, [], root.batch);
      let sum = 0;
      for (let i = 0; i < vals.length; i++) sum += vals[i]!;
      return sum / vals.length;
    }
    const sub = this.sortedChildren(d, 0, parts);
    const last = sub.pop()!;
    const g = this.gradient(root, sub).vec;
    const u = last.vec;
    let dot = 0;
    for (let i = 0; i < u.length; i++) dot += g[i]! * u[i]!;
    return dot;
  }

  /** The covectors of v's children, sorted by key (derivatives are symmetric: the order does not change the value). */
  private sortedChildren(d: Diagram, v: number, parts: readonly PartSample[]): Covector[] {
    const sub = d.children[v]!.map((c) => this.covector(d, c, parts));
    return sub.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private covector(d: Diagram, v: number, parts: readonly PartSample[]): Covector {
    return this.gradient(parts[d.part[v]!]!, this.sortedChildren(d, v, parts));
  }

  /** ∇(D^j l[u₁, …, u_j]) on the part's sample (or its batch's mean), memoized by key. */
  private gradient(ps: PartSample, sub: readonly Covector[]): Covector {
    const key = `${ps.key}(${sub.map((c) => c.key).join(',')})`;
    let vec = this.memo.get(key);
    if (!vec) {
      const out = (this.buffers[this.used++] ??= new Float64Array(this.program.P));
      const dirs = sub.map((c) => c.vec);
      vec = ps.batch ? this.program.meanGradDerivative(this.theta, dirs, ps.batch, out).grad : this.program.gradDerivative(this.theta, dirs, ps.sample, out).grad;
      this.memo.set(key, vec);
    }
    return { vec, key };
  }
}
