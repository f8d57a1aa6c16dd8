/**
 * @file `compare`: the perturbative prediction beside a simulation, for one landscape and one
 * schedule — the quickest way to see whether (and up to which η) the series of THEORY §3 holds.
 * Diagram values come exactly from the landscape's atoms where it has them, else sampled with
 * standard errors; the simulation uses paired trials (src/sim).
 */
import { describeSchedule, gd, InputError, type Quantity, sgd, type Shuffle } from '../core/index.ts';
import { resolveLandscape, type Landscape } from '../landscapes/index.ts';
import { estimateStats } from '../stats/index.ts';
import { parseStats, predict } from '../theory/index.ts';
import { simulate } from './run.ts';

export interface CompareOptions {
  landscape: string;
  landscapeOptions?: Record<string, string | undefined>;
  source?: Landscape;
  schedule: 'sgd' | 'gd';
  N: number;
  B?: number;
  E?: number;
  shuffle?: Shuffle;
  /** Steps of GD. */
  T?: number;
  order: number;
  eta: readonly number[];
  trials: number;
  /** Sampled statistics when the landscape has no exact mode (default 20,000 draws). */
  samples?: number;
  seed?: number;
  initSeed?: number;
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
  rows: CompareRow[];
}

export async function compare(o: CompareOptions): Promise<CompareResult> {
  if (!o.eta.length) throw new InputError('compare: give at least one learning rate (--eta)');
  const source = o.source ?? (await resolveLandscape(o.landscape, o.landscapeOptions ?? {}));
  const exact = !!source.atoms && source.atoms().count <= 4096;
  const initSeed = o.initSeed ?? 0;
  if (o.schedule === 'gd' && o.T === undefined) throw new InputError('compare: T (the number of GD steps) is required with the gd schedule');
  const schedule = o.schedule === 'gd' ? gd({ N: o.N, T: o.T! }) : sgd({ N: o.N, B: o.B ?? 1, E: o.E ?? 1, shuffle: o.shuffle ?? 'fixed' });
  const stats = await estimateStats({
    landscape: source.spec, landscapeOptions: o.landscapeOptions, source, initSeed, order: o.order, quantity: 'train',
    exact, samples: exact ? undefined : (o.samples ?? 20_000), seed: o.seed, workers: o.workers, covariance: true,
    onProgress: (d, t) => o.onProgress?.(d, t, 'stats'),
  });
  const parsed = parseStats(stats);
  const quantities: Quantity[] = ['test', 'gap'];
  const predictions = new Map(quantities.map((q) => [q, predict({ stats: parsed, schedule, order: o.order, quantity: q, eta: [...o.eta] })]));
  // Partial sums Σ_{d≤k} c_d η^d show how the series converges (or stops converging) with η.
  const partial = (q: Quantity, eta: number) => {
    const c = predictions.get(q)!.coefficients;
    const out: number[] = [];
    let s = 0;
    c.forEach((cd, d) => out.push((s += cd * eta ** d)));
    return out;
  };
  const sim = await simulate({
    landscape: source.spec, landscapeOptions: o.landscapeOptions, source, optimizers: [o.schedule], eta: o.eta, N: o.N,
    B: o.schedule === 'sgd' ? o.B : undefined, E: o.schedule === 'sgd' ? (o.E ?? 1) : undefined,
    shuffle: o.schedule === 'sgd' ? o.shuffle : undefined, T: o.schedule === 'gd' ? o.T : undefined,
    trials: o.trials, seed: o.seed, initSeed, workers: o.workers,
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
  return { landscape: source.spec, schedule: describeSchedule(schedule), order: o.order, statsMode: exact ? 'exact' : 'sampled', rows };
}
