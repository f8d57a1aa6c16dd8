/**
 * @file `predictLandscape`: a prediction straight from a landscape — its statistics measured
 * here — plain or re-summed (docs/theory.md §3, §9), for the losses and for coordinates θ_i. What
 * `perturb predict --landscape` runs.
 *
 * - Plain series of a loss: the uvalues from `estimateStats` (unbiased, with standard errors).
 * - Plain series of a coordinate, and every re-summed prediction: derivative tensors at θ₀
 *   (`measureTensors`), exact over atoms or from samples; with samples the standard errors come
 *   from the leave-one-group-out jackknife over the whole computation, so they include the
 *   uncertainty of H and of its eigenbasis.
 */
import {
  checkOrder, isSdeSchedule, opt, optionError, QUANTITIES, type Observable, type Quantity, type SeriesSchedule,
} from '../core/index.ts';
import type { Landscape, LandscapeRef } from '../landscapes/index.ts';
import { estimateStats, jackknifed, measureTensors, type MeasuredTensors } from '../stats/index.ts';
import { statisticsMode } from './source.ts';
import { predict, resum, uvaluesFromTensors, type LandscapeTensors, type Prediction, type Resummed } from '../theory/index.ts';

export interface LandscapePredictOptions {
  landscape: LandscapeRef | Landscape;
  /** Exact statistics over the landscape's atoms, or `samples` draws (neither: exact where the landscape has few atoms). */
  exact?: boolean;
  samples?: number;
  seed?: number;
  initSeed?: number;
  /** Jackknife groups for sampled tensors (default 20). */
  groups?: number;
  workers?: number;
  schedule: SeriesSchedule;
  order: number;
  /** 'test', 'train', 'gap', a coordinate { coordinate: i }, or its name ('z', 'coord:2'). */
  quantity: Observable | string;
  eta: readonly number[];
  /** The re-summed series R_d (sgd and gd schedules). */
  resum?: boolean;
  continuous?: boolean;
  /** T → ∞ (re-summed only): GD at fixed N; SGD one epoch of fresh rows. */
  longTime?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface LandscapePrediction {
  readonly observable: Observable;
  readonly schedule: SeriesSchedule;
  readonly order: number;
  readonly resum: boolean;
  readonly continuous: boolean;
  readonly longTime: boolean;
  readonly values: { eta: number; value: number; stderr: number }[];
  /** Re-summed with `longTime` along a flat direction: growth per step. */
  readonly velocity?: { eta: number; value: number; stderr: number }[];
  /** The plain series from the same statistics (for --explain, and the plain prediction itself); none for T → ∞. */
  readonly plain?: Prediction;
  /** Re-summed terms per irreducible diagram, with jackknife standard errors per η. */
  readonly resummed?: Resummed & { readonly termStderr: number[][] };
  readonly statistics: { exact: boolean; samples?: number; seed?: number; initSeed: number; landscape: string; via: 'stats' | 'tensors' };
}

/** 'test' | 'train' | 'gap' | a coordinate name of the landscape | 'coord:i', as an Observable. */
export function observableFrom(q: Observable | string, P: number, coordinates: Readonly<Record<string, number>> | undefined, where: string): Observable {
  if (typeof q !== 'string') return q;
  if ((QUANTITIES as readonly string[]).includes(q)) return q as Quantity;
  const m = /^coord:(\d+)$/.exec(q);
  if (m) {
    const i = Number(m[1]);
    if (i >= P) throw optionError(where, 'quantity', `coord:${i} is beyond the landscape's P = ${P} weights (coord:0…coord:${P - 1})`);
    return { coordinate: i };
  }
  if (coordinates && q in coordinates) return { coordinate: coordinates[q]!, name: q };
  const names = Object.keys(coordinates ?? {});
  throw optionError(where, 'quantity', `must be test, train, gap, coord:i (0 ≤ i < ${P})${names.length ? ` or a coordinate of the landscape (${names.join(', ')})` : ''}, got '${q}'`);
}

/** The highest derivative degree a diagram with ≤ d edges asks of a node. */
const degreeFor = (order: number) => Math.max(order, 1);

export async function predictLandscape(o: LandscapePredictOptions): Promise<LandscapePrediction> {
  const where = 'predict';
  const order = checkOrder(o.order, where);
  const mode = await statisticsMode(where, o.landscape, o.exact, o.samples);
  const wantsResum = !!o.resum;
  if (!wantsResum && (o.continuous || o.longTime)) throw optionError(where, o.continuous ? 'continuous' : 'longTime', `applies to the re-summed series (${opt('resum')})`);
  if (wantsResum && isSdeSchedule(o.schedule)) throw optionError(where, 'resum', 'applies to the sgd and gd schedules (the SDE series is plain)');
  const initSeed = o.initSeed ?? 0;

  // The plain series of a loss: the unbiased uvalues of `perturb stats`.
  if (!wantsResum && typeof o.quantity === 'string' && (QUANTITIES as readonly string[]).includes(o.quantity)) {
    const quantity = o.quantity as Quantity;
    const stats = await estimateStats({
      landscape: o.landscape, initSeed, order, quantity: quantity === 'test' ? 'test' : 'train', ...mode, seed: o.seed,
      workers: o.workers, covariance: !mode.exact, onProgress: o.onProgress,
    });
    const plain = predict({ stats, schedule: o.schedule, order, quantity, eta: o.eta });
    return {
      observable: quantity, schedule: o.schedule, order, resum: false, continuous: false, longTime: false, values: plain.values, plain,
      statistics: { exact: !!mode.exact, ...(mode.exact ? {} : { samples: mode.samples, seed: o.seed ?? 0 }), initSeed, landscape: stats.landscape, via: 'stats' },
    };
  }

  const m = await measureTensors({
    landscape: o.landscape, degree: degreeFor(order), ...mode, seed: o.seed, initSeed, groups: o.groups, onProgress: o.onProgress,
  });
  const observable = observableFrom(o.quantity, m.P, m.coordinates, where);
  const plainOf = (t: LandscapeTensors) => predict({ stats: uvaluesFromTensors(t, order, observable, m.theta0), schedule: o.schedule, order, quantity: observable, eta: o.eta });
  const plain0 = plainOf(m.tensors);
  const plainJ = jackknifed(m, (t) => {
    const p = plainOf(t);
    return [...p.values.map((v) => v.value), ...p.coefficients];
  });
  const nEta = o.eta.length;
  const plain: Prediction = {
    ...plain0,
    values: plain0.values.map((v, i) => ({ ...v, stderr: plainJ.stderr[i]! })),
    stderr: plain0.coefficients.map((_, d) => plainJ.stderr[nEta + d]!),
  };
  const statistics = { exact: m.exact, ...(m.exact ? {} : { samples: m.samples, seed: o.seed ?? 0 }), initSeed, landscape: m.landscape.spec, via: 'tensors' as const };
  if (!wantsResum) {
    return { observable, schedule: o.schedule, order, resum: false, continuous: false, longTime: false, values: plain.values, plain, statistics };
  }
  const schedule = o.schedule as Exclude<SeriesSchedule, { kind: 'sde' }>;
  const run = (t: LandscapeTensors): Resummed => resum({ tensors: t, schedule, order, observable, eta: o.eta, continuous: o.continuous, longTime: o.longTime, theta0: m.theta0 });
  const r = run(m.tensors);
  const flat = (x: Resummed) => [...x.values.map((v) => v.value), ...(x.velocity ?? []).map((v) => v.value), ...x.terms.flatMap((t) => t.values)];
  const j = jackknifed(m, (t) => flat(run(t)));
  const nv = r.velocity?.length ?? 0;
  const termStderr = r.terms.map((_, k) => j.stderr.slice(nEta + nv + k * nEta, nEta + nv + (k + 1) * nEta));
  return {
    observable, schedule: o.schedule, order, resum: true, continuous: !!o.continuous, longTime: !!o.longTime,
    values: r.values.map((v, i) => ({ ...v, stderr: j.stderr[i]! })),
    ...(r.velocity ? { velocity: r.velocity.map((v, i) => ({ ...v, stderr: j.stderr[nEta + i]! })) } : {}),
    ...(o.longTime ? {} : { plain }), resummed: { ...r, termStderr }, statistics,
  };
}

export type { MeasuredTensors };
