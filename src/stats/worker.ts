/**
 * @file The handler of sampled statistics: one chunk of draws. The job's context names the
 * landscape, θ₀'s seed and the diagrams (resolved once per thread); the chunk's random stream is
 * split(seed, chunk), so the result depends only on the task.
 */
import { split, type Moments } from '../core/index.ts';
import { diagram, type Diagram } from '../diagrams/index.ts';
import { resolveRef, type Landscape, type LandscapeRef } from '../landscapes/index.ts';
import { sampleChunk } from './estimate.ts';

/** What every chunk of a run shares. */
export interface StatsContext {
  landscape: LandscapeRef;
  initSeed: number;
  /** Diagram keys, in the order of the moments. */
  keys: string[];
  /** Keep the covariance between the keys' estimates (else only their variances). */
  covariance: boolean;
  /** Samples per single-node part per draw (batch means; 1: one sample per part). */
  partBatch: number;
}

export interface ChunkTask {
  seed: number;
  chunk: number;
  draws: number;
}

const prepared = new WeakMap<StatsContext, Promise<{ land: Landscape; theta: Float64Array; ds: Diagram[] }>>();

export default async function (task: ChunkTask, ctx: StatsContext): Promise<Moments> {
  let p = prepared.get(ctx);
  if (!p) {
    p = resolveRef(ctx.landscape).then((land) => ({ land, theta: land.init(ctx.initSeed), ds: ctx.keys.map((k) => diagram(k)) }));
    prepared.set(ctx, p);
  }
  const { land, theta, ds } = await p;
  return sampleChunk(land, theta, ds, split(task.seed, task.chunk), task.draws, ctx.covariance, ctx.partBatch ?? 1);
}
