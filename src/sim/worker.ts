/**
 * @file The handlers of simulations: a chunk of trials (default export), given the run's
 * context once per thread; and, in `theta0-worker.ts`, a range of atoms' l_a(θ₀). The trial
 * context (landscape, optimizers, θ₀) is built once per run and thread, so a chunk costs only
 * its trials.
 */
import { resolveRef, type LandscapeRef } from '../landscapes/index.ts';
import type { SimConfig } from './config.ts';
import { runTrials, trialContext, type TrialContext } from './trial.ts';

/** What every chunk of trials shares: plain data, sent once per thread. */
export interface SimContext {
  landscape: LandscapeRef;
  config: SimConfig;
  /** l(θ₀) where it is one number for the run. */
  theta0Loss?: number;
  /** l_a(θ₀) of every atom, where test points are drawn from the atoms. */
  atomLosses?: Float64Array;
}

/** Trials [start, end). */
export interface TrialsTask {
  start: number;
  end: number;
}

const contexts = new WeakMap<SimContext, Promise<TrialContext>>();

export default async function (task: TrialsTask, ctx: SimContext): Promise<Float64Array> {
  let p = contexts.get(ctx);
  if (!p) {
    p = resolveRef(ctx.landscape).then((land) => trialContext(ctx.config, land, ctx.theta0Loss, ctx.atomLosses));
    contexts.set(ctx, p);
  }
  return runTrials(await p, task.start, task.end);
}
