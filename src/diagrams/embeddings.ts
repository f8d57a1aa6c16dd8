/**
 * @file Exact labeled-embedding counts L_S(D) of a diagram into a schedule (docs/theory.md §3), by the
 * "count without walking time" method: sums over weak orders (ordered set partitions) of at most
 * d+1 items, so the cost is independent of N, T and E.
 *
 * An embedding gives every non-root node v a step t_v < T and a row of the batch at t_v, with
 * t_child < t_parent on every edge below the root; nodes of one part share a row and different
 * parts use different rows. With K = N/B batches per epoch, a row's *slot* is its batch index,
 * and t = epoch·K + slot.
 *
 * `fixed`: Σ over weak orders ω of the parts' slots of C(K, #levels)·Π(B)_size·A_ω(E), where
 * A_ω(E) counts epoch maps e: nodes → [0, E) with e_c < e_p, or e_c = e_p when slot(c) < slot(p).
 * Two refinements keep this cheap: (1) only parts joined by an edge below the root to another
 * part ("linked" parts R) need an order — the others take any of the remaining rows,
 * (N−|R|)_{P−|R|} ways; (2) A_ω(E) is a polynomial in E computed by a tree recursion in the
 * binomial basis C(e, k), where prefix sums and products stay integer:
 *   Σ_{e'<e} C(e',k) = C(e,k+1),  C(e,a)·C(e,b) = Σ_k C(k,a)·C(a,k−b)·C(e,k).
 * `reshuffle`: the exact expectation over the E independent uniform orders,
 *   (N)_P · Σ over weak orders τ of the nodes' epochs (edges never going back) of
 *   C(E, #levels) · Π_levels Pr[the slots of the linked parts in that level respect its edges],
 * with Pr = Σ_ω C(K, #levels ω)·Π(B)_size / (N)_{|R|}; the sum over τ is a subset recursion.
 * GD is K = 1, B = N, E = T. Train loss: the root's part is an ordinary part when it holds
 * other nodes (the root itself is untimed); a root alone takes any of the N − P other rows.
 */
import { InputError, type Schedule } from '../core/index.ts';
import type { Diagram } from './diagram.ts';
import { add, binomial, falling, mul, rational, ZERO, type Rational } from './rational.ts';
import { setPartitions } from './trees.ts';

interface WeakOrder {
  readonly rank: readonly number[];
  readonly levels: number;
  /** Level sizes sorted, as a string: the weight C(K,L)·Π(B)_m depends only on these. */
  readonly shape: string;
  readonly sizes: readonly number[];
}

const weakOrderCache: WeakOrder[][] = [];

/** All weak orders of k items (Fubini number of them: 1, 1, 3, 13, 75, 541, 4683, …). */
export function weakOrders(k: number): readonly WeakOrder[] {
  const hit = weakOrderCache[k];
  if (hit) return hit;
  const out: WeakOrder[] = [];
  for (const rgs of setPartitions(k)) {
    const L = k === 0 ? 0 : Math.max(...rgs) + 1;
    const sizes = new Array<number>(L).fill(0);
    for (const b of rgs) sizes[b]!++;
    const sorted = [...sizes].sort((a, b) => a - b);
    const shape = sorted.join(',');
    for (const perm of permutations(L)) {
      out.push({ rank: rgs.map((b) => perm[b]!), levels: L, shape, sizes: sorted });
    }
  }
  weakOrderCache[k] = out;
  return out;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out;
}

// ---- integer polynomials in the binomial basis: a[k] is the coefficient of C(e, k) ----

const smallBinom: number[][] = [];
function cb(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  for (let i = smallBinom.length; i <= n; i++) {
    const row = [1];
    for (let j = 1; j <= i; j++) row.push((smallBinom[i - 1]![j - 1] ?? 0) + (smallBinom[i - 1]![j] ?? 0));
    smallBinom.push(row);
  }
  return smallBinom[n]![k]!;
}

/** e ↦ Σ_{e' < e} f(e'). */
const strictPrefix = (a: readonly number[]): number[] => [0, ...a];
/** e ↦ Σ_{e' ≤ e} f(e') = F(e+1), and C(e+1,k+1) = C(e,k+1) + C(e,k). */
function weakPrefix(a: readonly number[]): number[] {
  const r = new Array<number>(a.length + 1).fill(0);
  a.forEach((x, k) => {
    r[k]! += x;
    r[k + 1]! += x;
  });
  return r;
}
function polyMul(a: readonly number[], b: readonly number[]): number[] {
  const r = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < b.length; j++) {
      if (b[j] === 0) continue;
      for (let k = Math.max(i, j); k <= i + j; k++) r[k]! += a[i]! * b[j]! * cb(k, i) * cb(i, k - j);
    }
  }
  return r;
}
function polyAt(a: readonly number[], E: bigint): bigint {
  let s = 0n;
  a.forEach((x, k) => {
    if (x !== 0) {
      if (!Number.isSafeInteger(x)) throw new RangeError(`embeddingCount: coefficient ${x} lost integer precision`);
      s += BigInt(x) * binomial(E, k);
    }
  });
  return s;
}

// ---- the diagram seen by the counter ----

interface Shape {
  n: number;
  parent: readonly number[];
  part: readonly number[];
  children: number[][];
  /** Parts holding at least one non-root node. */
  P: number;
  /** Linked parts, in a fixed order; linkIndex[part] is the position, or −1. */
  linked: number[];
  linkIndex: number[];
  rootAlone: boolean;
}

function shapeOf(d: Diagram): Shape {
  const n = d.parent.length;
  const children: number[][] = d.parent.map(() => []);
  for (let v = 1; v < n; v++) children[d.parent[v]!]!.push(v);
  const nonRootParts = new Set<number>();
  for (let v = 1; v < n; v++) nonRootParts.add(d.part[v]!);
  const linkIndex = new Array<number>(d.parts.length).fill(-1);
  const linked: number[] = [];
  for (let c = 1; c < n; c++) {
    const p = d.parent[c]!;
    if (p === 0 || d.part[c] === d.part[p]) continue;
    for (const q of [d.part[c]!, d.part[p]!]) if (linkIndex[q] === -1) linkIndex[q] = linked.push(q) - 1;
  }
  return { n, parent: d.parent, part: d.part, children, P: nonRootParts.size, linked, linkIndex, rootAlone: d.rootAlone };
}

function fixedCount(sh: Shape, s: Schedule): bigint {
  const K = BigInt(s.K);
  const B = BigInt(s.B);
  const N = BigInt(s.N);
  const E = BigInt(s.E);
  const byShape = new Map<string, { levels: number; sizes: readonly number[]; poly: number[] }>();
  const f: number[][] = new Array(sh.n);
  for (const w of weakOrders(sh.linked.length)) {
    if (w.levels > s.K) continue; // C(K, L) = 0
    const slot = (v: number) => w.rank[sh.linkIndex[sh.part[v]!]!]!;
    for (let v = sh.n - 1; v >= 1; v--) {
      let acc = [1];
      for (const c of sh.children[v]!) {
        // Same slot or a later one: the child must come an epoch earlier.
        const strict = sh.part[c] === sh.part[v] || slot(c) >= slot(v);
        acc = polyMul(acc, strict ? strictPrefix(f[c]!) : weakPrefix(f[c]!));
      }
      f[v] = acc;
    }
    let A = [1];
    for (const c of sh.children[0]!) A = polyMul(A, strictPrefix(f[c]!));
    const g = byShape.get(w.shape);
    if (g) {
      A.forEach((x, k) => (g.poly[k] = (g.poly[k] ?? 0) + x));
    } else {
      byShape.set(w.shape, { levels: w.levels, sizes: w.sizes, poly: A });
    }
  }
  let total = 0n;
  for (const { levels, sizes, poly } of byShape.values()) {
    let weight = binomial(K, levels);
    for (const m of sizes) weight *= falling(B, m);
    total += weight * polyAt(poly, E);
  }
  const R = sh.linked.length;
  return total * falling(N - BigInt(R), sh.P - R);
}

function reshuffleCount(sh: Shape, s: Schedule): Rational {
  const K = BigInt(s.K);
  const B = BigInt(s.B);
  const N = BigInt(s.N);
  const m = sh.n - 1; // non-root nodes 1…n−1 are bits 0…m−1
  const full = (1 << m) - 1;
  const bit = (v: number) => 1 << (v - 1);
  const inMask = (mask: number, v: number) => (mask & bit(v)) !== 0;
  // Children of non-root nodes must sit in the same or an earlier epoch.
  const need = new Array<number>(sh.n).fill(0);
  for (let c = 1; c < sh.n; c++) if (sh.parent[c]! !== 0) need[sh.parent[c]!]! |= bit(c);
  const closed = (mask: number) => {
    for (let v = 1; v < sh.n; v++) if (inMask(mask, v) && (need[v]! & ~mask) !== 0) return false;
    return true;
  };

  const levelCache = new Map<number, Rational>();
  /** Probability that one epoch's uniform order places the rows of `mask`'s nodes consistently. */
  const levelFactor = (mask: number): Rational => {
    const hit = levelCache.get(mask);
    if (hit) return hit;
    const edges: Array<[number, number]> = [];
    for (let c = 1; c < sh.n; c++) {
      const p = sh.parent[c]!;
      if (p === 0 || !inMask(mask, c) || !inMask(mask, p)) continue;
      if (sh.part[c] === sh.part[p]) {
        levelCache.set(mask, ZERO); // same row, same epoch: same step, not strictly earlier
        return ZERO;
      }
      edges.push([sh.part[c]!, sh.part[p]!]);
    }
    const local: number[] = [];
    for (const [a, b] of edges) for (const q of [a, b]) if (!local.includes(q)) local.push(q);
    if (local.length > s.N) {
      levelCache.set(mask, ZERO); // more distinct rows than the data set has
      return ZERO;
    }
    let num = 0n;
    for (const w of weakOrders(local.length)) {
      if (w.levels > s.K) continue;
      if (!edges.every(([a, b]) => w.rank[local.indexOf(a)]! < w.rank[local.indexOf(b)]!)) continue;
      let weight = binomial(K, w.levels);
      for (const size of w.sizes) weight *= falling(B, size);
      num += weight;
    }
    const r = rational(num, falling(N, local.length));
    levelCache.set(mask, r);
    return r;
  };

  // h[mask][L]: sum over ordered partitions of `mask` into L epoch levels (each prefix closed).
  const h = new Map<number, Rational[]>([[0, [rational(1)]]]);
  const masks = [...Array(full + 1).keys()].filter(closed).sort((a, b) => popcount(a) - popcount(b));
  for (const S of masks) {
    const hs = h.get(S);
    if (!hs) continue;
    const rest = full & ~S;
    for (let Bm = rest; Bm > 0; Bm = (Bm - 1) & rest) {
      const T = S | Bm;
      if (!closed(T)) continue;
      const F = levelFactor(Bm);
      if (F.num === 0n) continue;
      const ht = h.get(T) ?? [];
      hs.forEach((x, L) => (ht[L + 1] = add(ht[L + 1] ?? ZERO, mul(x, F))));
      h.set(T, ht);
    }
  }
  const E = BigInt(s.E);
  let sum = ZERO;
  (h.get(full) ?? []).forEach((x, L) => {
    if (x) sum = add(sum, mul(x, rational(binomial(E, L))));
  });
  return mul(sum, rational(falling(N, sh.P)));
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/**
 * L_S(D) for the test loss (root alone, at time T, no row) or the train loss (the root also
 * takes a row and joins the part holding that row, if any). Exact; for `reshuffle` the exact
 * expectation over the shuffles. Does not include the 1/N of the train loss.
 */
export function embeddingCount(d: Diagram, s: Schedule, quantity: 'test' | 'train'): Rational {
  if (quantity === 'test' && !d.rootAlone) {
    throw new InputError(`embeddingCount: ${d.key} shares the root's part, so it is a train-loss diagram, not a test-loss one`);
  }
  if (d.parent.length > 31) throw new InputError(`embeddingCount: ${d.order} edges is beyond the supported size`);
  const sh = shapeOf(d);
  let count = s.shuffle === 'reshuffle' && s.E >= 1 && s.K > 1 ? reshuffleCount(sh, s) : rational(fixedCount(sh, s));
  if (quantity === 'train' && sh.rootAlone) count = mul(count, rational(BigInt(s.N) - BigInt(sh.P)));
  return count;
}
