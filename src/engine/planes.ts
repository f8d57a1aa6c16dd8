/**
 * @file The plane algebra: truncated polynomials in m nilpotent directions ε₁…ε_m (ε_i² = 0).
 *
 * A value in this algebra has one *plane* per subset S ⊆ {1…m} (a bitmask): x = Σ_S x_S ε^S.
 * With θ carried as θ + Σ_i v_i ε_i, the plane S of f(θ) is the mixed directional derivative
 * D^{|S|} f(θ)[v_i : i ∈ S]; the full plane F = 2^m − 1 is D^m f[v₁…v_m] (1 plane = plain values,
 * 2 = dual numbers, 4 = hyper-dual numbers). Products and smooth functions act on planes by
 *   (x·y)_S   = Σ_{A ⊆ S} x_A y_{S∖A},
 *   f(x)_S    = Σ_{partitions π of S} f^{(|π|)}(x_∅) Π_{B ∈ π} x_B        (Faà di Bruno).
 * Reverse mode over the algebra reuses the same product: indexing adjoints by the complement
 * (x̃_R = ∂y_F/∂x_{F∖R}) turns every op's transpose into an algebra product with its Jacobian,
 * so one set of kernels serves values, HVPs and ∇(D^k f) alike.
 */

/** Set partitions of the bitmask `s` into nonempty blocks (bitmasks), each listed once. */
export function setPartitions(s: number): number[][] {
  if (s === 0) return [[]];
  const low = s & -s; // the lowest element always opens the first block
  const rest = s ^ low;
  const out: number[][] = [];
  // The block containing `low` is low ∪ T for every T ⊆ rest.
  for (let t = rest; ; t = (t - 1) & rest) {
    const block = low | t;
    for (const p of setPartitions(rest ^ t)) out.push([block, ...p]);
    if (t === 0) break;
  }
  return out;
}

/** Sub-masks of s (including 0 and s). */
export function subsets(s: number): number[] {
  const out: number[] = [];
  for (let t = s; ; t = (t - 1) & s) {
    out.push(t);
    if (t === 0) break;
  }
  return out.reverse();
}

export function popcount(s: number): number {
  let c = 0;
  while (s) {
    s &= s - 1;
    c++;
  }
  return c;
}

/** Planes a product of values with planes `a` and `b` can have: disjoint unions. */
export function productPlanes(a: readonly number[], b: readonly number[]): number[] {
  const set = new Set<number>();
  for (const x of a) for (const y of b) if ((x & y) === 0) set.add(x | y);
  return [...set].sort((p, q) => p - q);
}

/** Planes f(x) can have when x has planes `a`: ∅ and every disjoint union of nonempty planes of x. */
export function closurePlanes(a: readonly number[]): number[] {
  const set = new Set<number>([0]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of [...set]) {
      for (const p of a) {
        if (p !== 0 && (s & p) === 0 && !set.has(s | p)) {
          set.add(s | p);
          grew = true;
        }
      }
    }
  }
  return [...set].sort((p, q) => p - q);
}

/**
 * Partitions of s whose blocks are all planes of x (so the Faà di Bruno term is nonzero).
 */
export function livePartitions(s: number, live: ReadonlySet<number>): number[][] {
  return setPartitions(s).filter((p) => p.every((b) => live.has(b)));
}
