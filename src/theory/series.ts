/**
 * @file The exact multipliers of the η-series (docs/theory.md §3, moment form of the paper's Theorem 3):
 *   c_d = (−1)^d / B^d · Σ_{D with d edges} uvalue(D) · L_S(D) / |Aut(D)|,
 * with the train loss also dividing by N and the gap the difference test − train.
 */
import { checkOrder, checkQuantity, type Quantity, type Schedule } from '../core/index.ts';
import { diagrams, embeddingCount, rationals, type Diagram, type Rational } from '../diagrams/index.ts';

const { rational, mul, sub, isZero, ZERO } = rationals;

export interface SeriesTerm {
  readonly diagram: Diagram;
  /** Exact rational m with c_d = Σ m · uvalue(D) over this order's terms. */
  readonly multiplier: Rational;
}

/** The exact multiplier of uvalue(D) in the η^d coefficient of `quantity` under `schedule`. */
export function coefficientMultiplier(d: Diagram, schedule: Schedule, quantity: Quantity): Rational {
  checkQuantity(quantity, 'coefficientMultiplier');
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
export function seriesTerms(schedule: Schedule, order: number, quantity: Quantity): SeriesTerm[] {
  checkOrder(order, 'seriesTerms');
  checkQuantity(quantity, 'seriesTerms');
  const out: SeriesTerm[] = [];
  for (const d of neededDiagrams(order, quantity)) {
    const m = coefficientMultiplier(d, schedule, quantity);
    if (!isZero(m)) out.push({ diagram: d, multiplier: m });
  }
  return out;
}

/**
 * The diagrams whose values a prediction of `quantity` to `order` may need, by order then key:
 * the test loss's root is alone in its part (docs/theory.md §2); train and gap use them all.
 * Which of them a given schedule embeds is `seriesTerms`'s business; statistics measure them all.
 */
export function neededDiagrams(order: number, quantity: Quantity): Diagram[] {
  checkOrder(order, 'neededDiagrams');
  checkQuantity(quantity, 'neededDiagrams');
  const out: Diagram[] = [];
  for (let k = 0; k <= order; k++) out.push(...diagrams(k, quantity === 'test' ? 'test' : 'train'));
  return out;
}
