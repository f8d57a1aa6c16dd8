/**
 * @file The value of a diagram as a contraction of derivative tensors at θ₀ (docs/theory.md §2):
 * every edge is one summed index, shared by its child node and its parent; every part carries
 * one tensor over its nodes' indices — the joint moment of their derivative tensors (moment form,
 * the uvalue) or their joint cumulant (cumulant form, THEORY §7). The root carries the population
 * loss's derivatives when alone (test loss), joins its part as a sample's loss (train loss), or
 * carries e_i for a coordinate observable (THEORY §7: a linear s = e_i·θ has one child).
 *
 * A node of degree k has k indices: for a non-root node the edge to its parent first, then its
 * children's edges in ascending order; for the root, its children's edges. The derivative
 * tensors are symmetric, so the order within a node is free; this one is fixed for the layout.
 * Cost P^d per diagram (the sum over every index assignment): for small P or low order.
 */
import { InputError, isQuantity, type Observable } from '../core/index.ts';
import type { Diagram } from '../diagrams/index.ts';
import { neededDiagrams } from './series.ts';
import type { DiagramStats } from './stats-file.ts';
import type { LandscapeTensors } from './tensors.ts';

export type Form = 'moment' | 'cumulant';

/** The largest P^d a contraction walks (an index assignment per term). */
export const MAX_CONTRACTION_TERMS = 2e7;

/**
 * The value of `d` for `observable` ('test' and coordinates: the root alone, population
 * derivatives or e_i; 'train': the root in its part as l_{x_n}). 'gap' is not a root: the caller
 * takes test − train. A coordinate's 0-edge diagram is θ₀_i (`theta0`, default 0).
 */
export function diagramValue(d: Diagram, tensors: LandscapeTensors, observable: Observable, form: Form, theta0?: ArrayLike<number>): number {
  const P = tensors.P;
  if (!isQuantity(observable)) {
    // e_i at the root: only diagrams whose root is alone with exactly one child contribute.
    if (d.order === 0) return theta0?.[observable.coordinate] ?? 0;
    if (!d.rootAlone || d.children[0]!.length !== 1) return 0;
  }
  if (observable === 'test' && !d.rootAlone) return 0; // not a test-loss diagram (docs/theory.md §2)
  if (observable === 'gap') throw new InputError("diagramValue: the gap is test − train; ask for 'test' and 'train'");
  if (P ** d.order > MAX_CONTRACTION_TERMS) {
    throw new InputError(`diagramValue: contracting a ${d.order}-edge diagram with P = ${P} walks P^${d.order} = ${(P ** d.order).toExponential(2)} index assignments, more than ${MAX_CONTRACTION_TERMS.toExponential(0)}`);
  }
  const n = d.parent.length;
  // slots[v]: the edges (by child node) at node v's indices, in layout order.
  const slots: number[][] = [];
  for (let v = 0; v < n; v++) slots.push(v === 0 ? [...d.children[0]!] : [v, ...d.children[v]!]);
  const coordinateRoot = !isQuantity(observable);
  const rootOwn = observable === 'test' || coordinateRoot; // the root is its own factor, not its part's sample
  interface Factor { tensor: Float64Array; edges: number[] }
  const factors: Factor[] = [];
  for (const nodes of d.parts) {
    const members = nodes.filter((v) => !(v === 0 && rootOwn));
    if (nodes.includes(0) && rootOwn) {
      if (coordinateRoot) {
        const e = new Float64Array(P);
        e[(observable as { coordinate: number }).coordinate] = 1;
        factors.push({ tensor: e, edges: slots[0]! });
      } else {
        const t = tensors.moment([slots[0]!.length]);
        if (t === null) return 0;
        factors.push({ tensor: t, edges: slots[0]! });
      }
    }
    if (members.length === 0) continue;
    const degrees = members.map((v) => slots[v]!.length);
    const t = form === 'moment' ? tensors.moment(degrees) : tensors.cumulant(degrees);
    if (t === null) return 0;
    factors.push({ tensor: t, edges: members.flatMap((v) => slots[v]!) });
  }
  // Walk every index assignment μ ∈ [P]^d (μ[c−1] is the index on the edge into node c).
  const mu = new Int32Array(d.order);
  let total = 0;
  for (;;) {
    let term = 1;
    for (const f of factors) {
      let idx = 0;
      for (const c of f.edges) idx = idx * P + mu[c - 1]!;
      term *= f.tensor[idx]!;
      if (term === 0) break;
    }
    total += term;
    let j = 0;
    while (j < d.order && ++mu[j]! === P) mu[j++] = 0;
    if (j === d.order) break;
  }
  return total;
}

/**
 * The plain series' diagram values (moment form) that `predict` needs for `observable` to
 * `order`, from tensors at θ₀ — the stats a landscape's tensors imply, with standard error 0
 * (a caller with estimated tensors takes its error bars from resampling the tensors).
 */
export function uvaluesFromTensors(tensors: LandscapeTensors, order: number, observable: Observable, theta0?: ArrayLike<number>): DiagramStats {
  const mean = new Map<string, number>();
  const stderr = new Map<string, number>();
  for (const d of neededDiagrams(order, observable)) {
    const root = observable === 'gap' ? 'train' : observable;
    mean.set(d.key, diagramValue(d, tensors, root, 'moment', theta0));
    stderr.set(d.key, 0);
  }
  return { mean, stderr, covarianceKeys: [], covariance: [] };
}
