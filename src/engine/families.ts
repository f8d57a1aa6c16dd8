/**
 * @file The four derivative families as one table: for each, the planes an output can have, the
 * adjoint planes the transpose rule reads, and the steps that compute both, at any order.
 *
 * Every primitive of prims.ts belongs to one family and supplies only its kernels; the plane
 * algebra (planes.ts) is applied here, once per family, so program.ts only plans buffers and
 * runs steps. Adjoints use complement indexing (x̃_R = ∂z_F/∂x_{F∖R}), in which each transpose is
 * an algebra product: x̃_R += Σ_{B ⊆ R} factor_B · z̃_{R∖B}. A family's adjoint rule therefore
 * only says which planes B its factor has; z must then carry z̃_{R∖B} for every plane R an input
 * needs. The table is an exhaustive mapped type: a new family breaks the build until it has
 * every rule.
 */
import { product } from './kernels.ts';
import { closurePlanes, livePartitions, productPlanes, subsets } from './planes.ts';
import { primOf, type Family, type FamilyParts, type Loc, type PrimName, type PrimOf, type PrimParams } from './prims.ts';
import type { SimdKernels } from './simd.ts';
import type { OpNode } from './tensor.ts';

/** A node's planes and where they live in the executable's heap (planned by program.ts). */
export interface Placed extends Loc {
  size: number;
  planes: number[];
  slot: Int32Array; // plane mask → slot, −1 when the plane is identically zero
  adjPlanes: number[];
  adjSlot: Int32Array;
  adjOff: number;
  /** Distance between planes: the node's size, or its parent's stride for a view. */
  stride: number;
  adjStride: number;
  /** Unary nodes: f^{(k)}(x_∅) for k = 0…K at `extraOff`. */
  extraOff: number;
}

export type Step = () => void;

/** What step builders write into: the executable's heap, its kernels and its two step lists. */
export interface StepContext {
  readonly heap: Float64Array;
  /** The highest derivative order unary nodes tabulate: m, plus 1 with the gradient. */
  readonly K: number;
  readonly simd: SimdKernels;
  readonly forward: Step[];
  /** Run last to first, after the output's adjoint is seeded. */
  readonly backward: Step[];
}

export interface FamilyRule<F extends Family> {
  /** Planes of z that can be nonzero, from its inputs' planes. */
  planes(prim: FamilyParts[F], xs: readonly Placed[]): number[];
  /** Adjoint planes z must carry for the adjoint planes its inputs need (their `adjPlanes`). */
  adjoints(prim: FamilyParts[F], planes: readonly number[], xs: readonly Placed[]): number[];
  /** z's forward steps, then its inputs' backward steps. */
  steps(prim: FamilyParts[F], node: OpNode, z: Placed, xs: readonly Placed[], cx: StepContext): void;
  /** The highest derivative order the family can give for this primitive. */
  maxOrder(prim: FamilyParts[F]): number;
  /** Heap elements a node needs beyond its planes (`planes`: how many it has), placed right after them. */
  scratch(size: number, K: number, planes: number): number;
  /** For z = x.flat[s…]: s, so z can live inside x's memory; otherwise undefined. */
  view(prim: FamilyParts[F], params: PrimParams[PrimName]): number | undefined;
}

const at = (r: Placed, s: number) => r.off + r.slot[s]! * r.stride;
const adjAt = (r: Placed, s: number) => r.adjOff + r.adjSlot[s]! * r.adjStride;

/**
 * The adjoint planes of z read by x̃_R += Σ_{B ⊆ R} factor_B · z̃_{R∖B}, for each input x the
 * transpose reaches (with the planes B of its factor): R∖B for every R x needs and every B ⊆ R.
 */
function complements(reached: readonly (readonly [x: Placed, factor: readonly number[]])[]): number[] {
  const need = new Set<number>();
  for (const [x, factor] of reached) for (const r of x.adjPlanes) for (const b of factor) if ((b & r) === b) need.add(r & ~b);
  return [...need].sort((a, b) => a - b);
}

/**
 * z (+)= Π_j h[offs[j] + i] for i < n: up to three factors in WebAssembly, more (high orders
 * only) in a generated loop; both multiply left to right, so the bits agree.
 */
function productStep(h: Float64Array, simd: SimdKernels, offs: readonly number[], zo: number, n: number, acc: boolean): Step {
  const a = acc ? 1 : 0;
  const [o0, o1, o2] = offs as [number, number, number];
  switch (offs.length) {
    case 1: return () => simd.copy(o0, zo, n, a);
    case 2: return () => simd.mul(o0, o1, zo, n, a);
    case 3: return () => simd.mul3(o0, o1, o2, zo, n, a);
    default: {
      const prod = product(n, offs.length, acc);
      const arrs = offs.map(() => h);
      return () => prod(arrs, offs, h, zo);
    }
  }
}

const noScratch = () => 0;
const noView = () => undefined;

export const families: { [F in Family]: FamilyRule<F> } = {
  /**
   * Linear z = Σ_i L_i(x_i): z_S = Σ_i L_i(x_{i,S}) plane by plane, and the transpose
   * x̃_{i,R} += L_iᵀ(z̃_R) (its factor is the constant L_i, which has only plane ∅).
   */
  linear: {
    planes: (prim, xs) => [...new Set(prim.diff.flatMap((i) => xs[i]!.planes))].sort((a, b) => a - b),
    adjoints: (prim, _planes, xs) => complements(prim.diff.map((i) => [xs[i]!, [0]] as const)),
    steps(prim, node, z, xs, { heap: h, simd, forward: fwd, backward: bwd }) {
      const k = prim.make(node, xs, simd);
      for (const s of z.planes) {
        let first = true;
        for (const i of prim.diff) {
          const x = xs[i]!;
          if (x.slot[s]! < 0) continue;
          const acc = !first, xo = at(x, s), zo = at(z, s);
          fwd.push(() => k.apply(i, h, xo, h, zo, acc));
          first = false;
        }
      }
      for (const i of prim.diff) {
        const x = xs[i]!;
        for (const r of x.adjPlanes) {
          const zo = adjAt(z, r), xo = adjAt(x, r);
          bwd.push(() => k.transpose(i, h, zo, h, xo));
        }
      }
    },
    maxOrder: () => Infinity,
    scratch: noScratch,
    view: (prim, params) => prim.view?.(params),
  },

  /**
   * Bilinear z = B(x, y): z_S = Σ_{A ⊆ S} B(x_A, y_{S∖A}), and the transposes
   * x̃_R += Σ_{B ⊆ R} B_xᵀ(y_B, z̃_{R∖B}), ỹ_R += Σ_{B ⊆ R} B_yᵀ(x_B, z̃_{R∖B}): each input's
   * factor is the other input.
   */
  bilinear: {
    planes: (_prim, xs) => productPlanes(xs[0]!.planes, xs[1]!.planes),
    adjoints: (_prim, _planes, xs) => complements([[xs[0]!, xs[1]!.planes], [xs[1]!, xs[0]!.planes]]),
    steps(prim, node, z, xs, { heap: h, simd, forward: fwd, backward: bwd }) {
      const k = prim.make(node, simd);
      const x = xs[0]!, y = xs[1]!;
      for (const s of z.planes) {
        let first = true;
        for (const a of subsets(s)) {
          if (x.slot[a]! < 0 || y.slot[s & ~a]! < 0) continue;
          const acc = !first, xo = at(x, a), yo = at(y, s & ~a), zo = at(z, s);
          fwd.push(() => k.apply(h, xo, h, yo, h, zo, acc));
          first = false;
        }
      }
      for (const r of x.adjPlanes) {
        for (const b of subsets(r)) {
          if (y.slot[b]! < 0 || z.adjSlot[r & ~b]! < 0) continue;
          const yo = at(y, b), zo = adjAt(z, r & ~b), xo = adjAt(x, r);
          bwd.push(() => k.tx(h, yo, h, zo, h, xo));
        }
      }
      for (const r of y.adjPlanes) {
        for (const b of subsets(r)) {
          if (x.slot[b]! < 0 || z.adjSlot[r & ~b]! < 0) continue;
          const xo = at(x, b), zo = adjAt(z, r & ~b), yo = adjAt(y, r);
          bwd.push(() => k.ty(h, xo, h, zo, h, yo));
        }
      }
    },
    maxOrder: () => Infinity,
    scratch: noScratch,
    view: noView,
  },

  /**
   * Unary z = f(x) (Faà di Bruno): z_S = Σ_{partitions π of S} f^{(|π|)}(x_∅) Π_{B∈π} x_B, and
   * x̃_R += Σ_{B ⊆ R} f′(x)_B ⊙ z̃_{R∖B}, where f′(x) is itself expanded by Faà di Bruno and so
   * has the planes of f(x) = z. Both read the table f, f′, …, f^{(K)} at x_∅, kept in scratch.
   */
  unary: {
    planes: (_prim, xs) => closurePlanes(xs[0]!.planes),
    adjoints: (_prim, planes, xs) => complements([[xs[0]!, planes]]),
    steps(prim, node, z, xs, { heap: h, K, simd, forward: fwd, backward: bwd }) {
      const x = xs[0]!, n = z.size;
      const derivs = prim.derivs(node.params, simd);
      // With plane ∅ alone (values and plain gradients), the table's first row f(x_∅) *is* z_∅:
      // the table starts at z's plane and runs on into the scratch after it, so no copy.
      const alone = z.planes.length === 1;
      const d = alone ? at(z, 0) : z.extraOff, x0 = at(x, 0);
      fwd.push(() => derivs(h, x0, n, K, h, d));
      const live = new Set(x.planes);
      for (const s of alone ? [] : z.planes) {
        const zo = at(z, s);
        let first = true;
        for (const pi of s === 0 ? [[]] : livePartitions(s, live)) {
          const offs = [d + pi.length * n, ...pi.map((b) => at(x, b))];
          fwd.push(productStep(h, simd, offs, zo, n, !first));
          first = false;
        }
      }
      // f′(x)_B = Σ_{partitions π of B} f^{(|π|+1)}(x_∅) Π x_blocks
      for (const r of x.adjPlanes) {
        const xo = adjAt(x, r);
        for (const b of subsets(r)) {
          if (z.adjSlot[r & ~b]! < 0) continue;
          for (const pi of livePartitions(b, live)) {
            const offs = [d + (pi.length + 1) * n, adjAt(z, r & ~b), ...pi.map((bb) => at(x, bb))];
            bwd.push(productStep(h, simd, offs, xo, n, true));
          }
        }
      }
    },
    maxOrder: (prim) => prim.maxOrder,
    scratch: (size, K, planes) => (planes === 1 ? K : K + 1) * size,
    view: noView,
  },

  /**
   * Stop z = g(x_∅) held constant (a numerical shift that cancels exactly): only z_∅ is
   * nonzero, and no adjoint flows back through it.
   */
  stop: {
    planes: () => [0],
    adjoints: () => [],
    steps(prim, node, z, xs, { heap: h, forward: fwd }) {
      const k = prim.make(node);
      const xo = at(xs[0]!, 0), zo = at(z, 0);
      fwd.push(() => k(h, xo, h, zo));
    },
    maxOrder: () => Infinity,
    scratch: noScratch,
    view: noView,
  },
};

/** An op node's family rule with its primitive's parts bound: what program.ts plans and builds with. */
export interface NodeRule {
  planes(xs: readonly Placed[]): number[];
  adjoints(planes: readonly number[], xs: readonly Placed[]): number[];
  steps(z: Placed, xs: readonly Placed[], cx: StepContext): void;
  readonly maxOrder: number;
  scratch(size: number, K: number, planes: number): number;
  /** For a view z = x.flat[s…]: s. */
  readonly view: number | undefined;
}

export function nodeRule(node: OpNode): NodeRule {
  return bindRule(primOf(node), node);
}

/**
 * Generic in the family so that `families[prim.family]` is FamilyRule<F> for the same F as the
 * entry's parts (TypeScript cannot relate the two through a union of families).
 */
function bindRule<F extends Family>(prim: PrimOf<F>, node: OpNode): NodeRule {
  const rule: FamilyRule<F> = families[prim.family];
  return {
    planes: (xs) => rule.planes(prim, xs),
    adjoints: (planes, xs) => rule.adjoints(prim, planes, xs),
    steps: (z, xs, cx) => rule.steps(prim, node, z, xs, cx),
    maxOrder: rule.maxOrder(prim),
    scratch: rule.scratch,
    view: rule.view(prim, node.params),
  };
}
