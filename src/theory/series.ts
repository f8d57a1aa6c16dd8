/**
 * @file The exact multipliers of the η-series (docs/theory.md §3, moment form of the paper's Theorem 3):
 *   c_d = (−1)^d / B^d · Σ_{D with d edges} uvalue(D) · L_S(D) / |Aut(D)|,
 * with the train loss also dividing by N and the gap the difference test − train.
 */
import { checkObservable, checkOrder, isQuantity, type Observable, type Schedule } from '../core/index.ts';
import { diagramOf, diagrams, embeddingCount, rationals, setPartitions, type Diagram, type Rational } from '../diagrams/index.ts';

const { rational, mul, sub, isZero, ZERO } = rationals;

export interface SeriesTerm {
  readonly diagram: Diagram;
  /** Exact rational m with c_d = Σ m · uvalue(D) over this order's terms. */
  readonly multiplier: Rational;
}

/**
 * The exact multiplier of uvalue(D) in the η^d coefficient of `quantity` under `schedule`. A
 * coordinate's root sits where the test loss's does (alone, at time T) and has one child
 * (docs/theory.md §9), so its multipliers are the test loss's on those diagrams.
 */
export function coefficientMultiplier(d: Diagram, schedule: Schedule, observable: Observable): Rational {
  const quantity = checkObservable(observable, 'coefficientMultiplier');
  if (!isQuantity(quantity)) return d.order === 0 || (d.rootAlone && d.children[0]!.length === 1) ? coefficientMultiplier(d, schedule, 'test') : ZERO;
  const scale = rational((d.order % 2 === 0 ? 1n : -1n), BigInt(schedule.B) ** BigInt(d.order) * BigInt(d.aut));
  const test = () => (d.rootAlone ? mul(scale, embeddingCount(d, schedule, 'test')) : ZERO);
  const train = () => mul(scale, mul(embeddingCount(d, schedule, 'train'), rational(1n, BigInt(schedule.N))));
  if (quantity === 'test') return test();
  if (quantity === 'train') return train();
  return sub(test(), train());
}

/**
 * Every diagram with a nonzero multiplier, orders 0…`order`, by order then key. Test-loss
 * series use root-alone diagrams; train and gap use all diagrams.
 */
export function seriesTerms(schedule: Schedule, order: number, observable: Observable): SeriesTerm[] {
  checkOrder(order, 'seriesTerms');
  const quantity = checkObservable(observable, 'seriesTerms');
  const out: SeriesTerm[] = [];
  for (const d of neededDiagrams(order, quantity)) {
    const m = coefficientMultiplier(d, schedule, quantity);
    if (!isZero(m)) out.push({ diagram: d, multiplier: m });
  }
  return out;
}

/**
 * The diagrams whose values a prediction of `quantity` to `order` may need, by order then key:
 * the test loss's root is alone in its part (docs/theory.md §2); train and gap use them all; a
 * coordinate's root is alone with one child (and the 0-edge diagram is θ₀_i).
 * Which of them a given schedule embeds is `seriesTerms`'s business; statistics measure them all.
 */
export function neededDiagrams(order: number, observable: Observable): Diagram[] {
  checkOrder(order, 'neededDiagrams');
  const quantity = checkObservable(observable, 'neededDiagrams');
  const out: Diagram[] = [];
  for (let k = 0; k <= order; k++) {
    const ds = diagrams(k, quantity === 'train' || quantity === 'gap' ? 'train' : 'test');
    out.push(...(isQuantity(quantity) ? ds : ds.filter((d) => k === 0 || d.children[0]!.length === 1)));
  }
  return out;
}

/**
 * The plain series in *cumulant form* (THEORY §7): the same totals per order, summed over
 * cumulant diagrams — parts carry joint cumulants and different parts may take the same row.
 * A cumulant embedding count is therefore the sum, over every way σ of letting parts share rows
 * (a set partition of the non-root parts; for the train loss the root's part joins in), of the
 * moment-form count of D with σ's parts merged: labeled counts do not depend on the labeling.
 * Multiplier of κvalue(D): (−1)^d/(B^d·|Aut D|)·Σ_σ L_S(D_σ) (train: / N). Used where a share
 * must be read per cumulant, e.g. the non-Gaussian part of SGD − SDE (docs/theory.md §9).
 */
export function cumulantSeriesTerms(schedule: Schedule, order: number, observable: Observable): SeriesTerm[] {
  checkOrder(order, 'cumulantSeriesTerms');
  const quantity = checkObservable(observable, 'cumulantSeriesTerms');
  const kind = quantity === 'train' || quantity === 'gap' ? 'train' : 'test';
  const out: SeriesTerm[] = [];
  for (const d of neededDiagrams(order, quantity)) {
    const count = (k: 'test' | 'train') => {
      // Parts that may share a row: all but the root's for the test loss (the root is no sample).
      const movable = d.parts.map((_, i) => i).filter((i) => k === 'train' || i !== d.part[0]);
      let total = ZERO;
      for (const sigma of setPartitions(movable.length)) {
        const merged = d.part.map((p) => {
          const at = movable.indexOf(p);
          return at < 0 ? -1 : sigma[at]!;
        });
        const m = diagramOf({ parent: d.parent, part: merged });
        if (k === 'test' && !m.rootAlone) continue;
        total = rationals.add(total, embeddingCount(m, schedule, k));
      }
      return total;
    };
    const scale = rational(d.order % 2 === 0 ? 1n : -1n, BigInt(schedule.B) ** BigInt(d.order) * BigInt(d.aut));
    const test = () => (d.rootAlone ? mul(scale, count('test')) : ZERO);
    const train = () => mul(scale, mul(count('train'), rational(1n, BigInt(schedule.N))));
    const m = quantity === 'train' ? train() : quantity === 'gap' ? sub(test(), train()) : d.order === 0 || kind === 'test' ? test() : ZERO;
    if (!isZero(m)) out.push({ diagram: d, multiplier: m });
  }
  return out;
}

/**
 * Cumulant-form terms rewritten over moment diagrams (uvalues), by Möbius inversion on each
 * part: κ(part) = Σ over set partitions π of the part of (−1)^{|π|−1}(|π|−1)!·Π_{b∈π} E[b],
 * and a diagram with its parts split by π has the product of the blocks' moments as its uvalue
 * (different parts are independent samples). The test loss's lone root is no sample: it is never
 * split or merged. So a share read per cumulant (e.g. only the diagrams with a part of ≥ 3
 * nodes) can be evaluated on a stats file of uvalues, with its standard error.
 */
export function cumulantTermsAsMoments(terms: readonly SeriesTerm[], observable: Observable): SeriesTerm[] {
  const quantity = checkObservable(observable, 'cumulantTermsAsMoments');
  const rootIsSample = quantity === 'train' || quantity === 'gap';
  const acc = new Map<string, { diagram: Diagram; multiplier: Rational }>();
  for (const t of terms) {
    const d = t.diagram;
    // Every combination of one set partition per part.
    const choices = d.parts.map((nodes) => (nodes.length === 1 || (nodes.includes(0) && !rootIsSample) ? [null] : [...setPartitions(nodes.length)]));
    const pick = new Array<number>(choices.length).fill(0);
    for (;;) {
      let coef = t.multiplier;
      const part = new Array<number>(d.parent.length).fill(0);
      let next = 0;
      d.parts.forEach((nodes, i) => {
        const rgs = choices[i]![pick[i]!];
        if (!rgs) {
          for (const v of nodes) part[v] = next;
          next++;
          return;
        }
        const blocks = Math.max(...rgs) + 1;
        let f = BigInt(blocks % 2 === 1 ? 1 : -1);
        for (let j = 2n; j < BigInt(blocks); j++) f *= j;
        coef = mul(coef, rational(f, 1n));
        nodes.forEach((v, j) => (part[v] = next + rgs[j]!));
        next += blocks;
      });
      const m = diagramOf({ parent: d.parent, part });
      const hit = acc.get(m.key);
      acc.set(m.key, { diagram: m, multiplier: hit ? rationals.add(hit.multiplier, coef) : coef });
      let j = 0;
      while (j < pick.length && ++pick[j]! === choices[j]!.length) pick[j++] = 0;
      if (j === pick.length) break;
    }
  }
  return [...acc.values()]
    .filter((x) => !isZero(x.multiplier))
    .sort((a, b) => a.diagram.order - b.diagram.order || (a.diagram.key < b.diagram.key ? -1 : a.diagram.key > b.diagram.key ? 1 : 0));
}
