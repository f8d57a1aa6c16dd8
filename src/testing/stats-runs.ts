/**
 * @file A handler for src/parallel's executors (tests only): seeded sampled-statistics runs,
 * `estimateStats` in the thread for each seed of a range, exactly as a test would call it in its
 * own thread — so a test of many independent runs (the coverage of the stats' intervals, say)
 * can spread them over worker threads and get the very same numbers.
 */
import type { Quantity } from '../core/index.ts';
import type { StatsResult } from '../stats/index.ts';

export interface StatsRunsContext {
  spec: string;
  initSeed: number;
  order: number;
  quantity: Quantity;
  samples: number;
  /** Batch means for single-node parts (estimateStats's `partBatch`; default 1). */
  partBatch?: number;
}

/** Seeds [from, to). */
export interface StatsRunsTask {
  seeds: [number, number];
}

export default async function (task: StatsRunsTask, ctx: StatsRunsContext): Promise<Array<StatsResult['values']>> {
  const { estimateStats } = await import('../stats/index.ts'); // here: the test helpers stay light to import
  const out: Array<StatsResult['values']> = [];
  for (let seed = task.seeds[0]; seed < task.seeds[1]; seed++) {
    const r = await estimateStats({ landscape: { spec: ctx.spec }, initSeed: ctx.initSeed, order: ctx.order, quantity: ctx.quantity, samples: ctx.samples, partBatch: ctx.partBatch, seed, workers: 0 });
    out.push(r.values);
  }
  return out;
}

/**
 * The values of `estimateStats` (workers: 0, sampled) for every seed in [from, to), in seed
 * order, computed on `threads` worker threads in tasks of `perTask` seeds.
 */
export async function seededStatsRuns(ctx: StatsRunsContext, [from, to]: [number, number], { threads = 2, perTask = 10 } = {}): Promise<Array<StatsResult['values']>> {
  const { indexed, workerThreads } = await import('../parallel/index.ts');
  const count = Math.ceil((to - from) / perTask);
  const out: Array<StatsResult['values']> = [];
  for await (const [, part] of workerThreads(threads).run<StatsRunsContext, StatsRunsTask, Array<StatsResult['values']>>({
    handler: new URL('./stats-runs.ts', import.meta.url),
    context: ctx,
    count,
    tasks: indexed(count, (k) => ({ seeds: [from + k * perTask, Math.min(to, from + (k + 1) * perTask)] })),
  })) out.push(...part);
  return out;
}

/**
 * How often `mean ± z·stderr` covers the exact value, pooled over the keys of every run (keys
 * with stderr < 1e-12 skipped: exact, like the loss at θ₀, or noiseless up to rounding, like
 * G·G where G = 0); with the binomial standard error √(p(1−p)/n) at p = `nominal`.
 */
export function intervalCoverage(exact: StatsResult['values'], runs: ReadonlyArray<StatsResult['values']>, z = 1.96, nominal = 0.95): { coverage: number; intervals: number; se: number } {
  let hit = 0, total = 0;
  for (const values of runs) {
    for (const [k, v] of Object.entries(values)) {
      if (v.stderr < 1e-12) continue;
      total++;
      if (Math.abs(v.mean - exact[k]!.mean) <= z * v.stderr) hit++;
    }
  }
  return { coverage: hit / total, intervals: total, se: Math.sqrt((nominal * (1 - nominal)) / total) };
}
