/**
 * @file Aggregation of trial results: for every (optimizer, η, metric) the mean, standard error
 * and 95% interval over the trials where the value is finite, with the non-finite ones counted
 * as diverged and left out; and the same for paired differences, per trial, of every optimizer
 * minus the first one listed, at the same η (a trial whose either value is non-finite is a
 * diverged difference). Running means by Welford's update (Welford 1962; Knuth TAOCP vol. 2,
 * §4.2.2), fed in trial order, so the result is the same however the trials were spread over
 * threads, and the state is plain JSON for checkpoints.
 */
import type { Shuffle } from '../core/index.ts';
import type { OptimizerName } from '../optim/index.ts';
import { scheduleFields, type SimConfig } from './config.ts';

/** Running count, mean and sum of squared deviations of one quantity, and its non-finite count. */
export interface Running {
  n: number;
  mean: number;
  m2: number;
  diverged: number;
}

/** One paired difference: optimizer `cell` minus the first optimizer's `ref`, one metric each. */
export interface DiffSlot {
  cell: number;
  ref: number;
  metric: string;
  /** Value offsets within a trial's result. */
  a: number;
  b: number;
}

export interface AggregateState {
  trials: number;
  /** One per value of a trial (config.width), in layout order. */
  values: Running[];
  /** One per DiffSlot. */
  diffs: Running[];
}

export function diffSlots(c: SimConfig): DiffSlot[] {
  const first = c.optimizers[0]!;
  const out: DiffSlot[] = [];
  c.cells.forEach((cell, k) => {
    if (cell.optimizer === first) return;
    const ref = c.cells.findIndex((r) => r.optimizer === first && r.eta === cell.eta);
    const r = c.cells[ref]!;
    for (const m of cell.metrics) {
      const j = r.metrics.indexOf(m);
      if (j >= 0) out.push({ cell: k, ref, metric: m, a: cell.offset + cell.metrics.indexOf(m), b: r.offset + j });
    }
  });
  return out;
}

const running = (): Running => ({ n: 0, mean: 0, m2: 0, diverged: 0 });

export function emptyAggregate(c: SimConfig): AggregateState {
  return { trials: 0, values: Array.from({ length: c.width }, running), diffs: diffSlots(c).map(running) };
}

function add(r: Running, x: number): void {
  if (!Number.isFinite(x)) {
    r.diverged++;
    return;
  }
  r.n++;
  const d = x - r.mean;
  r.mean += d / r.n;
  r.m2 += d * (x - r.mean);
}

/** Add one trial's values (config.width numbers at `offset`). */
export function addTrial(state: AggregateState, slots: readonly DiffSlot[], values: Float64Array, offset = 0): void {
  for (let j = 0; j < state.values.length; j++) add(state.values[j]!, values[offset + j]!);
  slots.forEach((s, j) => add(state.diffs[j]!, values[offset + s.a]! - values[offset + s.b]!));
  state.trials++;
}

/**
 * P(|T| < t) for Student's t with an integer number ν of degrees of freedom, in closed form
 * (Abramowitz & Stegun 26.7.3–26.7.4): with θ = atan(t/√ν),
 *   ν odd:  (2/π)·[θ + sin θ cos θ·(1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + … up to cos^{ν−3}θ)]
 *   ν even: sin θ·(1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … up to cos^{ν−2}θ)
 */
export function tTwoSided(t: number, nu: number): number {
  const th = Math.atan(t / Math.sqrt(nu));
  const c2 = Math.cos(th) ** 2, s = Math.sin(th);
  let term = 1, sum = 1;
  if (nu % 2 === 1) {
    for (let k = 2; k <= nu - 3; k += 2) sum += (term *= (k / (k + 1)) * c2);
    return (2 / Math.PI) * (th + (nu > 1 ? s * Math.cos(th) * sum : 0));
  }
  for (let k = 1; k <= nu - 3; k += 2) sum += (term *= (k / (k + 1)) * c2);
  return s * sum;
}

/**
 * The 0.975 quantile of Student's t with ν degrees of freedom: for ν ≤ 200 the root of
 * tTwoSided(t, ν) = 0.95 by bisection (exact to 1e-12); above, the Cornish–Fisher expansion
 * about the normal quantile (A&S 26.7.5, four terms), whose error there is below 1e-9.
 */
export function tQuantile975(nu: number): number {
  if (!(nu >= 1) || !Number.isInteger(nu)) return Number.NaN;
  if (nu <= 200) {
    let lo = 1.9, hi = 13;
    while (hi - lo > 1e-13) {
      const mid = (lo + hi) / 2;
      if (tTwoSided(mid, nu) < 0.95) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }
  const z = 1.959963984540054;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}

/** Mean, standard error (sd/√n) and the t-based 95% interval of a running quantity. */
export function estimate(r: Running): { mean: number | null; stderr: number | null; ci95: [number, number] | null } {
  if (r.n === 0) return { mean: null, stderr: null, ci95: null };
  if (r.n === 1) return { mean: r.mean, stderr: null, ci95: null };
  const se = Math.sqrt(r.m2 / (r.n - 1) / r.n);
  const h = tQuantile975(r.n - 1) * se;
  return { mean: r.mean, stderr: se, ci95: [r.mean - h, r.mean + h] };
}

export interface SummaryRow {
  optimizer: OptimizerName;
  eta: number;
  T: number;
  N: number;
  B: number;
  E: number | null;
  shuffle: Shuffle | null;
  metric: string;
  mean: number | null;
  stderr: number | null;
  ci95: [number, number] | null;
  /** Trials averaged (finite values). */
  trials: number;
  /** Trials left out because the value was not finite. */
  diverged: number;
}

export interface DifferenceRow extends SummaryRow {
  /** The optimizer subtracted (the first one listed), at the same η, per trial. */
  minus: OptimizerName;
  /** What the standard error would be without pairing: √(se_a² + se_b²) from the two rows. */
  stderrUnpaired: number | null;
}

export function summarize(c: SimConfig, state: AggregateState): { summary: SummaryRow[]; differences: DifferenceRow[] } {
  const summary: SummaryRow[] = [];
  const rowAt: SummaryRow[] = [];
  for (const cell of c.cells) {
    cell.metrics.forEach((metric, j) => {
      const r = state.values[cell.offset + j]!;
      const row: SummaryRow = {
        optimizer: cell.optimizer, eta: cell.eta, ...scheduleFields(c, cell.optimizer), metric,
        ...estimate(r), trials: r.n, diverged: r.diverged,
      };
      summary.push(row);
      rowAt[cell.offset + j] = row;
    });
  }
  const differences = diffSlots(c).map((s, j): DifferenceRow => {
    const r = state.diffs[j]!;
    const cell = c.cells[s.cell]!;
    const sa = rowAt[s.a]!.stderr, sb = rowAt[s.b]!.stderr;
    return {
      optimizer: cell.optimizer, eta: cell.eta, ...scheduleFields(c, cell.optimizer), metric: s.metric,
      ...estimate(r), trials: r.n, diverged: r.diverged,
      minus: c.optimizers[0]!,
      stderrUnpaired: sa === null || sb === null ? null : Math.sqrt(sa * sa + sb * sb),
    };
  });
  return { summary, differences };
}
