/**
 * @file One diagram's contraction for given samples per part (docs/theory.md §2): the recursion that
 * turns a diagram into engine calls, never forming a tensor larger than a P-vector.
 *
 * A non-root node v with children c₁…c_j sends its parent the covector
 *   u_v = ∇(D^j l_{x_part(v)}[u_{c₁}, …, u_{c_j}])      (a leaf: u_v = ∇l_x),
 * one `gradDerivative` call; the root returns D^j l_{x_root}[u_{c₁}, …, u_{c_j}], one
 * `derivative` call. Averaged over independent samples per part this is the diagram's uvalue.
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

export class Contractor {
  private readonly memo = new Map<string, Float64Array>();

  constructor(
    readonly program: Program,
    readonly theta: Float64Array,
  ) {}

  /** Forget memoized covectors (call when the samples behind the keys change). */
  clear(): void {
    this.memo.clear();
  }

  /** The contraction of `d` with part p using `parts[p]` (parts indexed as d.parts). */
  value(d: Diagram, parts: readonly PartSample[]): number {
    const children = d.children;
    const dirs: Float64Array[] = [];
    for (const c of children[0]!) dirs.push(this.covector(d, c, children, parts).vec);
    const root = parts[d.part[0]!]!;
    if (!root.batch) return this.program.derivative(this.theta, dirs, root.sample);
    const vals = this.program.derivatives(this.theta, dirs, root.batch);
    let sum = 0;
    for (let i = 0; i < vals.length; i++) sum += vals[i]!;
    return sum / vals.length;
  }

  private covector(d: Diagram, v: number, children: Diagram['children'], parts: readonly PartSample[]): { vec: Float64Array; key: string } {
    const sub = children[v]!.map((c) => this.covector(d, c, children, parts));
    // Children's order does not change the value (derivatives are symmetric): sort the keys.
    const order = sub.map((_, i) => i).sort((a, b) => (sub[a]!.key < sub[b]!.key ? -1 : sub[a]!.key > sub[b]!.key ? 1 : 0));
    const ps = parts[d.part[v]!]!;
    const key = `${ps.key}(${order.map((i) => sub[i]!.key).join(',')})`;
    let vec = this.memo.get(key);
    if (!vec) {
      const dirs = order.map((i) => sub[i]!.vec);
      vec = ps.batch ? this.program.meanGradDerivative(this.theta, dirs, ps.batch).grad : this.program.gradDerivative(this.theta, dirs, ps.sample).grad;
      this.memo.set(key, vec);
    }
    return { vec, key };
  }
}
