/**
 * @file `compare`: the perturbative prediction beside a simulation, for one landscape and one
 * schedule — the quickest way to see whether (and up to which η) the series of docs/theory.md §3 holds.
 * Diagram values come exactly from the landscape's atoms where it has them, else sampled with
 * standard errors; the simulation uses paired trials (src/sim).
 */
import {
  asSchedule, checkOrder, describeSchedule, InputError, opt, optionError, schedule, type Quantity, type Schedule, type ScheduleKind, type ScheduleSizes,
} from '../core/index.ts';
import { hasSmallAtoms, referenced, type Landscape, type LandscapeRef } from '../landscapes/index.ts';
import type { Executor } from '../parallel/index.ts';
import { estimateStats } from '../stats/index.ts';
import { parseStats, predict } from '../theory/index.ts';
import { simulate } from './run.ts';

/** The comparison's settings; N, B, E, T and the shuffling follow core's one schedule rule. */
export interface CompareOptions extends Partial<ScheduleSizes> {
  /** The landscape: a reference (spec and data options), or a landscape resolved in this process. */
  landscape: LandscapeRef | Landscape;
  /**
   * The schedule: its kind (then N, B, E, T and the shuffling are the options beside it), or a
   * schedule object from core's `schedule()`, `sgd()` or `gd()` (then those options must be absent).
   */
  schedule: ScheduleKind | Schedule;
  order: number;
  eta: readonly number[];
  trials: number;
  /** Sampled statistics when the landscape has no exact mode (default 20,000 draws). */
  samples?: number;
  /** Estimate the simulated test loss on this many fresh points per trial (see sim's SimulationSpec). */
  testPoints?: number;
  seed?: number;
  initSeed?: number;
  /** Where chunks run (default: `workers` worker threads, or this thread for 0). */
  executor?: Executor;
  workers?: number;
  onProgress?: (done: number, total: number, phase: string) => void;
}

export interface CompareRow {
  eta: number;
  quantity: Quantity;
  /** The series truncated at order 0, 1, …, `order` (the last is `predicted`). */
  byOrder: number[];
  predicted: number;
  predictedStderr: number;
  simulated: number | null;
  simulatedStderr: number | null;
  /** (simulated − predicted) / combined standard error. */
  z: number | null;
}

export interface CompareResult {
  landscape: string;
  schedule: string;
  order: number;
  statsMode: 'exact' | 'sampled';
  seed: number; // of the trials (and of the draws when the statistics are sampled)
  initSeed: number;
  trials: number;
  rows: CompareRow[];
}

/** The one schedule rule, for a kind with its options or for a schedule object. */
function scheduleOf(o: CompareOptions): Schedule {
  if (typeof o.schedule === 'object' && o.schedule !== null) {
    for (const k of ['N', 'B', 'E', 'T', 'shuffle'] as const) {
      if (o[k] !== undefined) throw optionError('compare', k, 'must not be given beside a schedule object (it holds them)');
    }
    return asSchedule(o.schedule, 'compare: `schedule`');
  }
  return schedule({ kind: o.schedule, N: o.N as number, B: o.B, E: o.E, T: o.T, shuffle: o.shuffle });
}

export async function compare(o: CompareOptions): Promise<CompareResult> {
  if (!Array.isArray(o.eta) || o.eta.length === 0) throw new InputError(`compare: ${opt('eta')} must list at least one learning rate`);
  const order = checkOrder(o.order, 'compare');
  const sched = scheduleOf(o);
  const { land } = await referenced(o.landscape, 'compare');
  const exact = hasSmallAtoms(land);
  if (exact && o.samples !== undefined) {
    throw optionError('compare', 'samples', `does not apply: ${land.name}'s diagram values are exact over its ${land.exact.atoms!.count} atoms`);
  }
  const initSeed = o.initSeed ?? 0;
  const stats = await estimateStats({
    landscape: o.landscape, initSeed, order, quantity: 'train',
    ...(exact ? { exact: true } : { samples: o.samples ?? 20_000 }), seed: o.seed, executor: o.executor, workers: o.workers, covariance: true,
    onProgress: (d, t) => o.onProgress?.(d, t, 'stats'),
  });
  const parsed = parseStats(stats);
  const quantities: Quantity[] = ['test', 'gap'];
  const predictions = new Map(quantities.map((q) => [q, predict({ stats: parsed, schedule: sched, order, quantity: q, eta: [...o.eta] })]));
  // Partial sums Σ_{d≤k} c_d η^d show how the series converges (or stops converging) with η.
  const partial = (q: Quantity, eta: number) => {
    const c = predictions.get(q)!.coefficients;
    const out: number[] = [];
    let s = 0;
    c.forEach((cd, d) => out.push((s += cd * eta ** d)));
    return out;
  };
  // The simulation gets the schedule's own sizes, so both sides run the very same schedule.
  const sizes = sched.kind === 'sgd' ? { N: sched.N, B: sched.B, E: sched.E, shuffle: sched.shuffle } : { N: sched.N, T: sched.T };
  const sim = await simulate({
    landscape: o.landscape, optimizers: [sched.kind], eta: o.eta, ...sizes, testPoints: o.testPoints,
    trials: o.trials, seed: o.seed, initSeed, executor: o.executor, workers: o.workers,
    onProgress: (d, t, phase) => o.onProgress?.(d, t, phase),
  });
  const rows: CompareRow[] = [];
  for (const q of quantities) {
    o.eta.forEach((eta, i) => {
      const p = predictions.get(q)!.values[i]!;
      const s = sim.summary.find((r) => r.eta === eta && r.metric === q);
      const se = s?.stderr ?? null;
      const comb = se === null ? null : Math.hypot(se, p.stderr);
      rows.push({
        eta, quantity: q, byOrder: partial(q, eta), predicted: p.value, predictedStderr: p.stderr,
        simulated: s?.mean ?? null, simulatedStderr: se,
        z: s?.mean == null || !comb ? null : (s.mean - p.value) / comb,
      });
    });
  }
  return { landscape: land.spec, schedule: describeSchedule(sched), order, statsMode: exact ? 'exact' : 'sampled', seed: sim.settings.seed, initSeed, trials: sim.settings.trials, rows };
}
