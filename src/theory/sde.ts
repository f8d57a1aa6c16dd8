/**
 * @file The η-series of the SDE (docs/theory.md §8) as one more schedule, in the moment form of
 * `seriesTerms` (same `SeriesTerm`s over the same diagrams, so stats files and `predict`'s
 * machinery apply unchanged and SGD − SDE is a difference of two term lists).
 *
 * The SDE that `optim/sde` integrates has, per unit of step time, the generator
 *   L = −η G(θ)·∇ + (η²/2B) C(θ):∇∇,   G = E∇l_x,  C = Cov(∇l_x, ∇l_x),
 * and E[s(θ_T)] = Σ_k (T^k/k!) L^k s(θ₀). Write L^k s as k *events* applied in turn (event 1
 * innermost). A drift event is one node (value: the mean of its derivative tensor, factor −η); a
 * diffusion event is two nodes, slots a and b of C_ab ∂_a∂_b (value: the joint cumulant κ₂ of the
 * two nodes' derivative tensors, one shared sample — derivatives of C(θ) fall on either factor by
 * Leibniz; factor η²/2B). Every ∂ of event j falls on a factor of the root s or of an event < j:
 * that is its node's parent. So the labeled terms of L^k s are the cumulant diagrams D whose
 * non-root parts have 1 or 2 nodes, with the parts numbered 1…k so that every parent's part comes
 * first, and the pair slots named; counting labelings and dividing by |Aut D|:
 *
 *   E[s(θ_T)] = Σ_D η^{|E|} · (T^k/k!) · ext(D) · (−1)^{#singletons} · B^{−#pairs} / |Aut D| · κvalue(D)
 *
 * (2^{#pairs} slot namings cancel the ½ of η²/2B), ext(D) the number of orders of the k parts
 * consistent with the tree — so (T^k/k!)·ext(D) is the volume of the event times 0 < t < T that
 * the tree allows. A pair with one node above the other has ext = 0 (its nodes sit at one time).
 * Moment form: κ₂(A, B) = E[A⊗B] − E[A]⊗E[B], the tied diagram minus the split one, for every
 * pair (inclusion–exclusion over the pairs); multipliers add up on canonical keys.
 */
import { checkOrder, InputError, optionError, type SdeSchedule } from '../core/index.ts';
import { diagrams, diagramOf, rationals, type Diagram, type Rational } from '../diagrams/index.ts';
import type { SeriesTerm } from './series.ts';

const { rational, add, neg, isZero, ZERO } = rationals;

/** What the SDE series predicts: the test loss, or the displacement E[θ_T,i] − θ₀,i of a coordinate. */
export type SdeQuantity = 'test' | { readonly coordinate: number };

/** A cumulant diagram of the SDE (parts of ≤ 2 non-root nodes) with its exact multiplier. */
export interface SdeCumulantTerm {
  readonly diagram: Diagram;
  /** The multiplier of κvalue(D) (joint cumulants per part) in the η^order coefficient. */
  readonly multiplier: Rational;
}

function checkSdeSchedule(s: SdeSchedule, where: string): SdeSchedule {
  if (typeof s !== 'object' || s === null || s.kind !== 'sde') throw optionError(where, 'schedule', `must be an SDE schedule (sdeSchedule({ T, B })), got ${JSON.stringify(s)}`);
  for (const k of ['T', 'B'] as const) {
    if (!Number.isSafeInteger(s[k]) || s[k] < 1) throw optionError(where, 'schedule', `${k} must be a positive integer, got ${String(s[k])}`);
  }
  return s;
}

function checkSdeQuantity(q: unknown, where: string): SdeQuantity {
  if (q === 'test') return q;
  if (q === 'train' || q === 'gap') {
    throw new InputError(`${where}: the SDE has no training set (it models SGD on fresh samples), so it predicts no ${q} loss; ask for the test loss or a coordinate`);
  }
  if (typeof q === 'object' && q !== null && 'coordinate' in q) {
    const i = (q as { coordinate: unknown }).coordinate;
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0) throw optionError(where, 'quantity', `coordinate must be a non-negative integer, got ${String(i)}`);
    return q as SdeQuantity;
  }
  throw optionError(where, 'quantity', `must be 'test' or { coordinate: i } for the SDE, got ${JSON.stringify(q)}`);
}

/** Linear extensions of the parts' order (a parent's part before its child's); 0 if it has a cycle. */
function partOrders(d: Diagram): bigint {
  const k = d.parts.length - 1; // non-root parts 1…k
  if (k === 0) return 1n;
  // before[q]: bit mask of the parts that must precede part q.
  const before = new Array<number>(k).fill(0);
  for (let v = 1; v < d.parent.length; v++) {
    const p = d.part[d.parent[v]!]!;
    const q = d.part[v]!;
    if (p === 0) continue;
    if (p === q) return 0n; // parent and child in one event: impossible
    before[q - 1]! |= 1 << (p - 1);
  }
  const ways = new Array<bigint>(1 << k).fill(0n);
  ways[0] = 1n;
  for (let mask = 0; mask < 1 << k; mask++) {
    if (ways[mask] === 0n) continue;
    for (let q = 0; q < k; q++) {
      if (mask & (1 << q) || (before[q]! & mask) !== before[q]) continue;
      ways[mask | (1 << q)]! += ways[mask]!;
    }
  }
  return ways[(1 << k) - 1]!;
}

function factorial(n: number): bigint {
  let r = 1n;
  for (let i = 2; i <= n; i++) r *= BigInt(i);
  return r;
}

const cumulantCache = new Map<string, SdeCumulantTerm[]>();

/**
 * The SDE's series in *cumulant* form: every diagram with `order` ≤ edges whose non-root parts
 * have one node (the mean) or two (their κ₂), with its exact multiplier; zeros dropped. By order
 * then key. For a coordinate the root has exactly one child and carries e_i (orders ≥ 1).
 */
export function sdeCumulantTerms(schedule: SdeSchedule, order: number, quantity: SdeQuantity): SdeCumulantTerm[] {
  const s = checkSdeSchedule(schedule, 'sdeCumulantTerms');
  checkOrder(order, 'sdeCumulantTerms');
  const q = checkSdeQuantity(quantity, 'sdeCumulantTerms');
  const coordinate = q !== 'test';
  const ck = `${s.T}:${s.B}:${order}:${coordinate}`;
  const hit = cumulantCache.get(ck);
  if (hit) return [...hit];
  const T = BigInt(s.T);
  const B = BigInt(s.B);
  const out: SdeCumulantTerm[] = [];
  for (let d = coordinate ? 1 : 0; d <= order; d++) {
    for (const D of diagrams(d, 'test')) {
      if (coordinate && D.children[0]!.length !== 1) continue;
      if (D.parts.some((p, i) => i > 0 && p.length > 2)) continue;
      const ext = partOrders(D);
      if (ext === 0n) continue;
      const k = D.parts.length - 1;
      const pairs = D.parts.filter((p, i) => i > 0 && p.length === 2).length;
      const singles = k - pairs;
      const m = rational((singles % 2 === 0 ? 1n : -1n) * T ** BigInt(k) * ext, factorial(k) * B ** BigInt(pairs) * BigInt(D.aut));
      out.push(Object.freeze({ diagram: D, multiplier: m }));
    }
  }
  cumulantCache.set(ck, out);
  return [...out];
}

/**
 * The SDE's η-series in moment form — `SeriesTerm`s as `seriesTerms` gives for SGD/GD — for the
 * test loss (root alone, the population loss) or the displacement of coordinate i (the root has
 * one child and carries e_i: uvalue = e_i · u_child). Every diagram with a nonzero multiplier,
 * orders 0…`order` (coordinates: 1…`order`), by order then key. Train loss and gap are refused
 * (InputError): the SDE sees no training set.
 */
export function sdeSeriesTerms(schedule: SdeSchedule, order: number, quantity: SdeQuantity): SeriesTerm[] {
  const cumulant = sdeCumulantTerms(schedule, order, quantity); // checks the arguments
  const ck = `${schedule.T}:${schedule.B}:${order}:${quantity !== 'test'}`;
  const hit = momentCache.get(ck);
  if (hit) return [...hit];
  const acc = new Map<string, { diagram: Diagram; multiplier: Rational }>();
  const bump = (d: Diagram, m: Rational) => {
    const e = acc.get(d.key);
    if (e) e.multiplier = add(e.multiplier, m);
    else acc.set(d.key, { diagram: d, multiplier: m });
  };
  for (const { diagram: D, multiplier } of cumulant) {
    const pairs = D.parts.map((p, i) => ({ p, i })).filter(({ p, i }) => i > 0 && p.length === 2);
    // Inclusion–exclusion: split the pairs in `mask` (each split carries a −1).
    for (let mask = 0; mask < 1 << pairs.length; mask++) {
      const part = [...D.part];
      let sign = false;
      let fresh = D.parts.length;
      pairs.forEach(({ p }, j) => {
        if (mask & (1 << j)) {
          part[p[1]!] = fresh++;
          sign = !sign;
        }
      });
      bump(mask === 0 ? D : diagramOf({ parent: D.parent, part }), sign ? neg(multiplier) : multiplier);
    }
  }
  const out = [...acc.values()]
    .filter((t) => !isZero(t.multiplier))
    .sort((a, b) => a.diagram.order - b.diagram.order || (a.diagram.key < b.diagram.key ? -1 : a.diagram.key > b.diagram.key ? 1 : 0))
    .map((t) => Object.freeze({ diagram: t.diagram, multiplier: t.multiplier }));
  momentCache.set(ck, out);
  return [...out];
}

const momentCache = new Map<string, readonly SeriesTerm[]>();

/** The multiplier of `d`'s uvalue in the SDE's series (ZERO where it has none). */
export function sdeCoefficientMultiplier(d: Diagram, schedule: SdeSchedule, quantity: SdeQuantity): Rational {
  return sdeSeriesTerms(schedule, d.order, quantity).find((t) => t.diagram.key === d.key)?.multiplier ?? ZERO;
}
