/**
 * @file The corollaries that are differences of plain series (docs/theory.md §4, THEORY §9):
 * epochs (Corollary 3), batch size with GDC (Corollary 4) and SGD − SDE (Corollary 5). Each is a linear combination of
 * uvalues, so one `combineSeries` gives its value and a standard error that counts the shared
 * statistics once.
 */
import { checkOrder, gd, InputError, opt, optionError, positiveInt, sdeSchedule, sgd, type Quantity, type Shuffle } from '../core/index.ts';
import { diagram, rationals } from '../diagrams/index.ts';
import { combineSeries, cumulantSeriesTerms, cumulantTermsAsMoments, sdeSeriesTerms, seriesTerms, type WeightedSeries } from '../theory/index.ts';
import type { CorollaryResult } from './result.ts';
import { plainStats, type StatsSourceOptions } from './source.ts';

const units = (q: Quantity) => (q === 'gap' ? 'gap (loss units) after the run' : `${q} loss after the run`);

export function checkEta(where: string, eta: unknown): number {
  if (typeof eta !== 'number' || !Number.isFinite(eta) || !(eta > 0)) throw optionError(where, 'eta', `must be a positive finite number, got ${String(eta)}`);
  return eta;
}

export interface EpochsOptions extends StatsSourceOptions {
  N: number;
  B?: number;
  /** Epoch counts to compare with one epoch (default 2, 3, 4). */
  E?: readonly number[];
  shuffle?: Shuffle;
  eta: number;
  /** Order of the series (default 2: where the corollary lives). */
  order?: number;
  quantity?: Quantity;
}

/**
 * Corollary 3: E-epoch SGD at η/E minus one-epoch SGD at η (same N, B, shuffling), per E. Both
 * take the same ηT/E… per epoch; the difference isolates the inter-epoch correlations. Order 1
 * cancels exactly (−T·η·G·G is the same for both).
 */
export async function epochsCorollary(o: EpochsOptions): Promise<CorollaryResult> {
  const where = 'epochs';
  const eta = checkEta(where, o.eta);
  const order = checkOrder(o.order ?? 2, where);
  const quantity = o.quantity ?? 'test';
  const Es = o.E ?? [2, 3, 4];
  if (Es.length === 0) throw optionError(where, 'E', 'must list at least one epoch count');
  Es.forEach((E) => positiveInt(where, 'E', E));
  const one = sgd({ N: o.N, B: o.B, E: 1, shuffle: o.shuffle });
  const stats = await plainStats(where, o, order, quantity);
  const base: WeightedSeries = { terms: seriesTerms(one, order, quantity), eta, weight: -1 };
  const entries = Es.map((E) => {
    const many = sgd({ N: o.N, B: o.B, E, shuffle: o.shuffle });
    const c = combineSeries(stats, [{ terms: seriesTerms(many, order, quantity), eta: eta / E, weight: 1 }, base], order);
    return { key: `E=${E}`, value: c.value, stderr: c.stderr, units: units(quantity) };
  });
  return {
    name: 'epochs',
    title: `E-epoch SGD at η/E minus one-epoch SGD at η = ${eta} (N = ${one.N}, B = ${one.B}, ${one.shuffle}), ${quantity}, series to order η^${order}`,
    entries,
    inputs: { N: one.N, B: one.B, E: [...Es], shuffle: one.shuffle, eta, order, quantity },
    checks: [],
  };
}

export interface BatchOptions extends StatsSourceOptions {
  N: number;
  eta: number;
  /** Order of the series (default 2). */
  order?: number;
}

/**
 * Corollary 4: GD for T = N steps minus one epoch of batch-1 SGD (T = N), and GDC's correction.
 * GDC descends l̃_n = l_n + η(N−1)/(4N)·Ĉ(θ) with Ĉ an unbiased estimate of tr C; its penalty's
 * gradient moves θ by −T·η²(N−1)/(4N)·∇tr C to order η², which changes the test loss by
 * −T·η²(N−1)/(4N)·G·∇tr C = −T·η²(N−1)/(2N)·(G·E[H_x g_x] − G·H·G), in uvalues
 * −T·η²(N−1)/(2N)·(u(01-12)(0-12) − u(01-12)(0-1-2)) (docs/theory.md §4). To order η² it cancels
 * GD − SGD exactly. (GDC − SGD beyond η² would need GDC's own series — its penalty's η³ terms —
 * which this does not compute, so it is not reported.)
 */
export async function batchCorollary(o: BatchOptions): Promise<CorollaryResult> {
  const where = 'batch';
  const eta = checkEta(where, o.eta);
  const order = checkOrder(o.order ?? 2, where);
  if (order < 2) throw optionError(where, 'order', `must be at least 2 (GD and SGD first differ at η²), got ${order}`);
  const N = positiveInt(where, 'N', o.N);
  if (N < 2) throw optionError(where, 'N', 'must be at least 2: with one row GD and batch-1 SGD are the same run');
  const G = gd({ N, T: N });
  const S = sgd({ N, B: 1, E: 1 });
  const stats = await plainStats(where, o, order, 'test');
  const diff: WeightedSeries[] = [{ terms: seriesTerms(G, order, 'test'), eta, weight: 1 }, { terms: seriesTerms(S, order, 'test'), eta, weight: -1 }];
  const k = rationals.rational(-BigInt(N) * BigInt(N - 1), 2n * BigInt(N)); // −T(N−1)/(2N), T = N
  const correction: WeightedSeries = {
    terms: [{ diagram: diagram('(01-12)(0-12)'), multiplier: k }, { diagram: diagram('(01-12)(0-1-2)'), multiplier: rationals.mul(k, rationals.rational(-1n, 1n)) }],
    eta,
    weight: 1,
  };
  const a = combineSeries(stats, diff, order);
  const b = combineSeries(stats, [correction], order);
  if (!Number.isFinite(a.value)) throw new InputError(`${where}: the statistics give a non-finite GD − SGD (${a.value}); check ${opt('stats')}`);
  return {
    name: 'batch',
    title: `GD (T = N = ${N} steps) minus one epoch of batch-1 SGD at η = ${eta}, test loss, series to order η^${order}; GDC's correction to order η²`,
    entries: [
      { key: 'GD − SGD', value: a.value, stderr: a.stderr, units: 'test loss after the run' },
      { key: 'GDC correction', value: b.value, stderr: b.stderr, units: 'test loss after the run (order η²)' },
    ],
    inputs: { N, eta, order },
    checks: [],
  };
}

export interface SdeCorollaryOptions extends StatsSourceOptions {
  /** Steps of SGD (one epoch of fresh rows, N = T·B) and time of the SDE. */
  T: number;
  B?: number;
  eta: number;
  /** Order of the series (default 3: where the non-Gaussian part first shows). */
  order?: number;
}

/**
 * Corollary 5: one epoch of batch-B SGD (T steps) minus the SDE that matches its noise, split
 * by the cumulants SGD's noise carries: the *non-Gaussian* part is SGD's share from cumulant
 * diagrams with a part of ≥ 3 nodes (joint cumulants the SDE's Gaussian noise does not have;
 * leading term −(T/6)·S:J·η³), the rest is Gaussian and time discretization (at η³ at G = 0,
 * (T/2)·tr(HHC)·η³: THEORY §8, checked by the SDE series' oracle). Cumulant shares are read
 * through `cumulantTermsAsMoments`, so a stats file of uvalues suffices.
 */
export async function sdeCorollary(o: SdeCorollaryOptions): Promise<CorollaryResult> {
  const where = 'sde';
  const eta = checkEta(where, o.eta);
  const order = checkOrder(o.order ?? 3, where);
  const T = positiveInt(where, 'T', o.T);
  const B = positiveInt(where, 'B', o.B ?? 1);
  const S = sgd({ N: T * B, B, E: 1 });
  const stats = await plainStats(where, o, order, 'test');
  const sgdTerms = seriesTerms(S, order, 'test');
  const sdeTerms = sdeSeriesTerms(sdeSchedule({ T, B }), order, 'test');
  const nonGaussian = cumulantTermsAsMoments(cumulantSeriesTerms(S, order, 'test').filter((t) => t.diagram.parts.some((p) => p.length >= 3)), 'test');
  const total = combineSeries(stats, [{ terms: sgdTerms, eta, weight: 1 }, { terms: sdeTerms, eta, weight: -1 }], order);
  const ng = combineSeries(stats, [{ terms: nonGaussian, eta, weight: 1 }], order);
  const gauss = combineSeries(stats, [{ terms: sgdTerms, eta, weight: 1 }, { terms: sdeTerms, eta, weight: -1 }, { terms: nonGaussian, eta, weight: -1 }], order);
  const u = 'test loss after T steps';
  return {
    name: 'sde',
    title: `one epoch of batch-${B} SGD (T = ${T} steps) minus its SDE at η = ${eta}, test loss, series to order η^${order}`,
    entries: [
      { key: 'SGD − SDE', value: total.value, stderr: total.stderr, units: u },
      { key: 'non-Gaussian', value: ng.value, stderr: ng.stderr, units: u },
      { key: 'Gaussian and discretization', value: gauss.value, stderr: gauss.stderr, units: u },
    ],
    inputs: { T, B, eta, order },
    checks: [],
  };
}
