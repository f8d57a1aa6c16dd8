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
 */
import type { Diagram } from '../diagrams/index.ts';
import type { Program, Sample } from '../engine/index.ts';

/** The sample a part uses, with a key that identifies it within one evaluation scope. */
export interface PartSample {
  key: string;
  sample: Sample;
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
    return this.program.derivative(this.theta, dirs, parts[d.part[0]!]!.sample);
  }

  private covector(d: Diagram, v: number, children: Diagram['children'], parts: readonly PartSample[]): { vec: Float64Array; key: string } {
    const sub = children[v]!.map((c) => this.covector(d, c, children, parts));
    // Children's order does not change the value (derivatives are symmetric): sort the keys.
    const order = sub.map((_, i) => i).sort((a, b) => (sub[a]!.key < sub[b]!.key ? -1 : sub[a]!.key > sub[b]!.key ? 1 : 0));
    const ps = parts[d.part[v]!]!;
    const key = `${ps.key}(${order.map((i) => sub[i]!.key).join(',')})`;
    let vec = this.memo.get(key);
    if (!vec) {
      vec = this.program.gradDerivative(this.theta, order.map((i) => sub[i]!.vec), ps.sample).grad;
      this.memo.set(key, vec);
    }
    return { vec, key };
  }
}
