/**
 * @file Worker-thread entry of simulations: a chunk of trials, or a range of atoms' share of
 * l(θ₀). The landscape is resolved from its spec once per thread (or handed over in-thread with
 * `provideLandscape`), and the trial context (optimizers, θ₀) built once per configuration, so a
 * chunk costs only its trials.
 */
import { resolveLandscape, type Landscape } from '../landscapes/index.ts';
import type { SimConfig } from './config.ts';
import { runTrials, trialContext, type TrialContext } from './trial.ts';

export type SimTask =
  | {
    kind: 'trials'; config: SimConfig; landscapeOptions: Record<string, string | undefined>; theta0Loss?: number;
    /** l_a(θ₀) of every atom (test.theta0 = 'atoms'), on a SharedArrayBuffer so that tasks share it without copies. */
    atomLosses?: Float64Array; start: number; end: number;
  }
  | { kind: 'loss'; landscape: string; landscapeOptions: Record<string, string | undefined>; initSeed: number; start: number; end: number };

const landscapes = new Map<string, Promise<Landscape>>();
const contexts = new Map<string, TrialContext>();

const keyOf = (spec: string, options: Record<string, string | undefined>) => JSON.stringify([spec, options]);

/** Use `land` for `spec` in this thread instead of resolving it (landscapes made in-process, e.g. by tests). */
export function provideLandscape(spec: string, options: Record<string, string | undefined>, land: Landscape): void {
  landscapes.set(keyOf(spec, options), Promise.resolve(land));
}

function landscape(spec: string, options: Record<string, string | undefined>): Promise<Landscape> {
  const key = keyOf(spec, options);
  let p = landscapes.get(key);
  if (!p) {
    p = resolveLandscape(spec, options);
    landscapes.set(key, p);
  }
  return p;
}

export default async function (task: SimTask): Promise<Float64Array> {
  if (task.kind === 'loss') {
    // l_a(θ₀) for the atoms a ∈ [start, end)
    const land = await landscape(task.landscape, task.landscapeOptions);
    return land.program().values(land.init(task.initSeed), land.atoms!().batch(task.start, task.end));
  }
  const key = JSON.stringify([task.config, task.landscapeOptions, task.theta0Loss ?? null]);
  let ctx = contexts.get(key);
  if (!ctx) {
    const land = await landscape(task.config.landscape, task.landscapeOptions);
    ctx = trialContext(task.config, land, task.theta0Loss, task.atomLosses);
    contexts.clear(); // one configuration at a time per thread
    contexts.set(key, ctx);
  }
  return runTrials(ctx, task.start, task.end);
}
