/**
 * @file One trial: its training set, θ₀ and test points, every optimizer at every learning rate
 * on them, and the metrics of each final θ_T.
 *
 * Trial i's randomness comes only from streams below split(seed, i): the training set from
 * stream DATA, θ₀ (with randomInit) from INIT, the fresh test points from TEST, and every
 * optimizer's own draws (shuffles, SDE noise) from OPTIM — the same stream, restarted, for every
 * optimizer and every η. So all cells of a trial see the same data and, where they draw alike,
 * the same noise: their differences are paired. A trial's result depends on (config, i) alone,
 * never on the thread or the order trials ran in.
 *
 * Metrics (docs/theory.md §1 and §7): `test` = l(θ_T); `train` = (1/N)Σ_n l_{x_n}(θ_T); `gap` = test − train;
 * `test-increase` = l(θ_T) − l(θ₀); and each named coordinate as θ_T[c] − θ₀[c]. In estimated
 * mode the increase is the mean over the M test points of l_x(θ_T) − l_x(θ₀) (unbiased, and
 * with far less variance than l_x(θ_T) alone when θ_T is near θ₀), and test = l(θ₀) + increase
 * with l(θ₀) exact. Where l is the weighted mean over the landscape's atoms (image data sets),
 * the test points are drawn from the atoms by weight — the distribution l is the mean over — and
 * l_a(θ₀) is looked up from the run's one pass over the atoms instead of recomputed. Non-finite values are kept as they are (NaN, ±Infinity): aggregation counts
 * them as diverged.
 */
import type { Batch } from '../engine/index.ts';
import { asSchedule, InputError, split } from '../core/index.ts';
import { drawAtoms, type Landscape } from '../landscapes/index.ts';
import { optimizer, problem, runOptimizer, type Optimizer } from '../optim/index.ts';
import type { SimConfig } from './config.ts';

/** Sub-streams of split(seed, trial). */
export const STREAM = { DATA: 0, INIT: 1, TEST: 2, OPTIM: 3 } as const;

/** What a thread keeps between trials: the landscape, the optimizers, the shared θ₀ and l(θ₀). */
export interface TrialContext {
  readonly config: SimConfig;
  readonly landscape: Landscape;
  readonly optimizers: readonly Optimizer[];
  /** The shared θ₀ (undefined with randomInit). */
  readonly theta0?: Float64Array;
  /** l(θ₀) for test.theta0 = 'run' or 'atoms'. */
  readonly theta0Loss?: number;
  /** l_a(θ₀) of every atom, for test.theta0 = 'atoms'. */
  readonly atomLosses?: Float64Array;
}

export function trialContext(config: SimConfig, landscape: Landscape, theta0Loss?: number, atomLosses?: Float64Array): TrialContext {
  if (config.test.theta0 === 'atoms' && !(atomLosses instanceof Float64Array && atomLosses.length === landscape.atoms!().count)) {
    throw new InputError(`trialContext: test points drawn from the atoms need l_a(θ₀) of all ${landscape.atoms!().count} atoms`);
  }
  const schedule = asSchedule(config.schedule);
  const optimizers = config.cells.map((c) =>
    optimizer(c.optimizer, { eta: c.eta, schedule, sdeB: config.B, sdeSubsteps: config.sdeSubsteps, sdeSamples: config.sdeSamples }),
  );
  return {
    config,
    landscape,
    optimizers,
    ...(config.randomInit ? {} : { theta0: landscape.init(config.initSeed) }),
    ...(theta0Loss !== undefined ? { theta0Loss } : {}),
    ...(atomLosses ? { atomLosses } : {}),
  };
}

/** θ₀ of trial i under randomInit: the landscape's init at an integer seed drawn from the trial's INIT stream. */
export function trialInitSeed(seed: number, trial: number): number {
  const r = split(seed, trial, STREAM.INIT);
  return r.uint32() * 2 ** 21 + (r.uint32() >>> 11); // 53 bits: a safe integer
}

const mean = (v: Float64Array) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
};

/** Trial `i`'s values into `out` at `offset` (config.width numbers, in cell order). */
export function runTrial(ctx: TrialContext, i: number, out: Float64Array, offset = 0): void {
  const { config: c, landscape: land } = ctx;
  const program = land.program();
  const train = land.sample(split(c.seed, i, STREAM.DATA), c.N);
  const theta0 = ctx.theta0 ?? land.init(trialInitSeed(c.seed, i));
  let l0 = Number.NaN;
  if (c.test.theta0 === 'run' || c.test.theta0 === 'atoms') l0 = ctx.theta0Loss!;
  else if (c.test.theta0 === 'trial') l0 = land.populationLoss!(theta0);
  let testPoints: Batch | null = null;
  let base: Float64Array | null = null;
  if (c.test.theta0 === 'atoms') {
    const atoms = land.atoms!();
    const idx = drawAtoms(atoms, split(c.seed, i, STREAM.TEST), c.test.points);
    testPoints = atoms.gather(idx);
    base = new Float64Array(idx.length);
    for (let j = 0; j < idx.length; j++) base[j] = ctx.atomLosses![idx[j]!]!;
  } else if (c.test.mode === 'estimated') {
    testPoints = land.sample(split(c.seed, i, STREAM.TEST), c.test.points);
    base = program.values(theta0, testPoints);
  }
  const p = problem(land, train);
  c.cells.forEach((cell, k) => {
    const theta = runOptimizer(ctx.optimizers[k]!, p, theta0, split(c.seed, i, STREAM.OPTIM));
    let test: number, increase: number;
    if (c.test.mode === 'exact') {
      test = land.populationLoss!(theta);
      increase = test - l0;
    } else {
      const v = program.values(theta, testPoints!);
      let s = 0, d = 0;
      for (let j = 0; j < v.length; j++) {
        s += v[j]!;
        d += v[j]! - base![j]!;
      }
      increase = d / v.length;
      test = c.test.theta0 === 'none' ? s / v.length : l0 + increase;
    }
    const trainLoss = cell.optimizer === 'sde' ? Number.NaN : mean(program.values(theta, train));
    let o = offset + cell.offset;
    for (const m of cell.metrics) {
      let v: number;
      switch (m) {
        case 'test': v = test; break;
        case 'train': v = trainLoss; break;
        case 'gap': v = test - trainLoss; break;
        case 'test-increase': v = increase; break;
        default: {
          const idx = c.coordinates[m]!;
          v = theta[idx]! - theta0[idx]!;
        }
      }
      out[o++] = v === 0 ? 0 : v; // no −0: a value reads back from JSON as it was written
    }
  });
}

/** Trials [start, end) as one array of (end − start)·width values. */
export function runTrials(ctx: TrialContext, start: number, end: number): Float64Array {
  const w = ctx.config.width;
  const out = new Float64Array((end - start) * w);
  for (let i = start; i < end; i++) runTrial(ctx, i, out, (i - start) * w);
  return out;
}
