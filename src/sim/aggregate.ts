/**
 * @file Aggregation of trial results: for every (optimizer, η, metric) the mean, standard error
 * and 95% interval over the trials where the value is finite, with the non-finite ones counted
 * as diverged and left out; and the same for paired differences, per trial, of every optimizer
 * minus the first one listed, at the same η (a trial whose either value is non-finite is a
 * diverged difference). Each is core's running-moments accumulator, fed in trial order, so the
 * result is the same however the trials were spread over threads, and the state is plain JSON
 * for checkpoints.
 */
import { addObservation, emptyMoments, meanEstimate, type Moments, type Shuffle } from '../core/index.ts';
import type { OptimizerName } from '../optim/index.ts';
import { scheduleFields, type SimConfig } from './config.ts';

/** The running moments of one quantity over its finite values, and how many were not finite. */
export interface Running {
  moments: Moments;
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

const running = (): Running => ({ moments: emptyMoments(1), diverged: 0 });

export function emptyAggregate(c: SimConfig): AggregateState {
  return { trials: 0, values: Array.from({ length: c.width }, running), diffs: diffSlots(c).map(running) };
}

const one = [0];

function add(r: Running, x: number): void {
  if (!Number.isFinite(x)) {
    r.diverged++;
    return;
  }
  one[0] = x;
  addObservation(r.moments, one);
}

/** Add one trial's values (config.width numbers at `offset`). */
export function addTrial(state: AggregateState, slots: readonly DiffSlot[], values: Float64Array, offset = 0): void {
  for (let j = 0; j < state.values.length; j++) add(state.values[j]!, values[offset + j]!);
  slots.forEach((s, j) => add(state.diffs[j]!, values[offset + s.a]! - values[offset + s.b]!));
  state.trials++;
}

/** Mean, standard error (sd/√n) and the t-based 95% interval of a running quantity. */
export const estimate = (r: Running) => meanEstimate(r.moments);

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
        ...estimate(r), trials: r.moments.n, diverged: r.diverged,
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
      ...estimate(r), trials: r.moments.n, diverged: r.diverged,
      minus: c.optimizers[0]!,
      stderrUnpaired: sa === null || sb === null ? null : Math.sqrt(sa * sa + sb * sb),
    };
  });
  return { summary, differences };
}
