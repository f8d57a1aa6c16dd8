/**
 * @file `predict`: expected test loss, train loss or gap after a schedule of SGD/GD as a series
 * in η, E[·] = Σ_d c_d η^d (docs/theory.md §3), from diagram statistics at θ₀. The multipliers are exact
 * rationals; the values are floats with standard errors propagated linearly (they enter linearly).
 * η is a scalar here; a tensor η would be contracted into the statistics along every edge.
 */
import { checkObservable, checkOrder, describeObservable, InputError, isSdeSchedule, opt, type Observable, type SeriesSchedule } from '../core/index.ts';
import { rationals, type Rational } from '../diagrams/index.ts';
import { sdeSeriesTerms, type SdeQuantity } from './sde.ts';
import { seriesTerms } from './series.ts';
import { isDiagramStats, parseStats, type DiagramStats, type StatsFile } from './stats-file.ts';

export interface PredictOptions {
  /**
   * Diagram values at θ₀ for this quantity's root: a stats file's values are the losses' (a
   * coordinate's root carries e_i instead, so its values come from `uvaluesFromTensors`).
   */
  stats: StatsFile | DiagramStats;
  /** SGD or GD, or the SDE that `optim/sde` integrates (THEORY §8: test loss and coordinates only). */
  schedule: SeriesSchedule;
  order: number;
  quantity: Observable;
  /** Learning rates at which to sum the series. */
  eta?: readonly number[];
}

export interface PredictionTerm {
  readonly key: string;
  readonly label: string;
  readonly order: number;
  /** Exact multiplier of the diagram's value in c_order. */
  readonly multiplier: Rational;
  readonly multiplierValue: number;
  readonly value: number;
  readonly stderr: number;
  /** multiplier · value: this diagram's share of c_order. */
  readonly contribution: number;
}

export interface Prediction {
  readonly quantity: Observable;
  readonly order: number;
  /** c_0 … c_order. */
  readonly coefficients: number[];
  readonly stderr: number[];
  /** Covariance of the coefficients (from the statistics' covariance, if any). */
  readonly coefficientCovariance: number[][];
  readonly terms: PredictionTerm[];
  readonly values: Array<{ eta: number; value: number; stderr: number }>;
}

/**
 * A stats file without some diagram a prediction needs. Besides the message it carries what is
 * missing and the `estimateStats` order and quantity that measure it, so that a caller (the CLI)
 * can say how to measure them in its own terms.
 */
export class MissingStatsError extends InputError {
  override name = 'MissingStatsError';
  /** The first line of the message: the list of missing keys (with labels), without the hint. */
  readonly listing: string;

  constructor(
    /** Canonical keys of the missing diagrams, by order then key. */
    readonly missing: readonly string[],
    listing: string,
    /** `estimateStats({ order, quantity })` that measures all of them. */
    readonly statsOrder: number,
    readonly statsQuantity: 'test' | 'train',
  ) {
    super(`${listing}\nmeasure them with estimateStats({ order: ${statsOrder}, quantity: '${statsQuantity}', … })`);
    this.listing = listing;
  }
}

/** w^T Σ w for weights over terms, with Σ from stderr² and the covariance block. */
function variance(stats: DiagramStats, keys: readonly string[], w: readonly number[]): number {
  const block = new Map(stats.covarianceKeys.map((k, i) => [k, i]));
  const wb = new Array<number>(stats.covarianceKeys.length).fill(0);
  let v = 0;
  keys.forEach((k, i) => {
    const b = block.get(k);
    if (b === undefined) v += (w[i]! * stats.stderr.get(k)!) ** 2;
    else wb[b]! += w[i]!;
  });
  for (let a = 0; a < wb.length; a++) for (let b = 0; b < wb.length; b++) v += wb[a]! * stats.covariance[a]![b]! * wb[b]!;
  return v;
}

/** The SDE has no training set (THEORY §8): its series predicts the test loss and coordinates. */
function sdeQuantity(q: Observable): SdeQuantity {
  if (q === 'train' || q === 'gap') throw new InputError(`predict: the sde schedule has no training set, so no ${q} loss; ${opt('quantity')} must be 'test' or a coordinate`);
  return q;
}

export function predict(opts: PredictOptions): Prediction {
  const order = checkOrder(opts.order, 'predict');
  const quantity = checkObservable(opts.quantity, 'predict');
  const eta = opts.eta ?? [];
  eta.forEach((x, i) => {
    // A learning rate, as everywhere else (simulate refuses η ≤ 0 too).
    if (!Number.isFinite(x) || !(x > 0)) throw new InputError(`predict: ${opt('eta')}[${i}] must be a positive finite number, got ${x}`);
  });
  const stats = isDiagramStats(opts.stats) ? opts.stats : parseStats(opts.stats);
  const series = isSdeSchedule(opts.schedule) ? sdeSeriesTerms(opts.schedule, order, sdeQuantity(quantity)) : seriesTerms(opts.schedule, order, quantity);

  const missing = series.filter((t) => !stats.mean.has(t.diagram.key));
  if (missing.length > 0) {
    const list = missing.map((t) => (t.diagram.label ? `${t.diagram.key} [${t.diagram.label}]` : t.diagram.key)).join(', ');
    throw new MissingStatsError(
      missing.map((t) => t.diagram.key),
      `stats: missing values for ${missing.length} diagram${missing.length > 1 ? 's' : ''} needed for the ${describeObservable(quantity)}${typeof quantity === 'string' ? ' loss' : ''} at order ${order}: ${list}`,
      order,
      quantity === 'test' ? 'test' : 'train', // train and gap need the train-loss diagrams (neededDiagrams)
    );
  }

  const terms: PredictionTerm[] = series.map(({ diagram: d, multiplier }) => {
    const m = rationals.toNumber(multiplier);
    const value = stats.mean.get(d.key)!;
    return { key: d.key, label: d.label, order: d.order, multiplier, multiplierValue: m, value, stderr: stats.stderr.get(d.key)!, contribution: m * value };
  });
  const keys = terms.map((t) => t.key);
  const coefficients = new Array<number>(order + 1).fill(0);
  for (const t of terms) coefficients[t.order]! += t.contribution;

  const weightsFor = (d: number) => terms.map((t) => (t.order === d ? t.multiplierValue : 0));
  const coefficientCovariance = coefficients.map((_, a) =>
    coefficients.map((__, b) => {
      if (a === b) return variance(stats, keys, weightsFor(a));
      // Cov(c_a, c_b) from the polarization identity Var(x+y) = Var x + Var y + 2 Cov(x, y).
      const wa = weightsFor(a);
      const wb = weightsFor(b);
      return (variance(stats, keys, wa.map((x, i) => x + wb[i]!)) - variance(stats, keys, wa) - variance(stats, keys, wb)) / 2;
    }),
  );
  const stderr = coefficientCovariance.map((row, d) => Math.sqrt(Math.max(0, row[d]!)));

  const values = eta.map((h) => {
    const w = terms.map((t) => t.multiplierValue * h ** t.order);
    const value = coefficients.reduce((s, c, d) => s + c * h ** d, 0);
    return { eta: h, value, stderr: Math.sqrt(Math.max(0, variance(stats, keys, w))) };
  });
  return { quantity, order, coefficients, stderr, coefficientCovariance, terms, values };
}

/** One series in a linear combination: its terms, summed at `eta`, times `weight`. */
export interface WeightedSeries {
  readonly terms: readonly { readonly diagram: { readonly key: string; readonly order: number }; readonly multiplier: Rational }[];
  readonly eta: number;
  readonly weight: number;
}

/**
 * Σ weight·Σ_terms multiplier·η^d·uvalue over several series on the same statistics, with a
 * standard error that counts every value once (a difference of two predictions is not as
 * uncertain as the two apart: they share their statistics). `byOrder[d]` is the η^d part.
 * Keys missing from `stats` throw a MissingStatsError like `predict`'s.
 */
export function combineSeries(stats: StatsFile | DiagramStats, series: readonly WeightedSeries[], maxOrder: number): { value: number; stderr: number; byOrder: number[] } {
  const st = isDiagramStats(stats) ? stats : parseStats(stats);
  const w = new Map<string, number>();
  const byOrderW: Array<Map<string, number>> = Array.from({ length: maxOrder + 1 }, () => new Map());
  const missing = new Set<string>();
  for (const s of series) {
    for (const t of s.terms) {
      if (!st.mean.has(t.diagram.key)) missing.add(t.diagram.key);
      const x = s.weight * rationals.toNumber(t.multiplier) * s.eta ** t.diagram.order;
      w.set(t.diagram.key, (w.get(t.diagram.key) ?? 0) + x);
      const o = byOrderW[t.diagram.order]!;
      o.set(t.diagram.key, (o.get(t.diagram.key) ?? 0) + x);
    }
  }
  if (missing.size > 0) {
    const list = [...missing].sort();
    throw new MissingStatsError(list, `stats: missing values for ${list.length} diagram${list.length > 1 ? 's' : ''}: ${list.join(', ')}`, maxOrder, 'train');
  }
  const keys = [...w.keys()];
  const value = keys.reduce((s, k) => s + w.get(k)! * st.mean.get(k)!, 0);
  const byOrder = byOrderW.map((m) => [...m].reduce((s, [k, x]) => s + x * st.mean.get(k)!, 0));
  return { value, stderr: Math.sqrt(Math.max(0, variance(st, keys, keys.map((k) => w.get(k)!)))), byOrder };
}
