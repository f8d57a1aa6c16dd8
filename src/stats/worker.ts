/**
 * @file Worker-thread entry for sampled statistics: one chunk of draws. The landscape is
 * resolved from its spec once per thread and kept; the chunk's random stream is
 * split(seed, chunk), so the result depends only on the task.
 */
import { resolveLandscape } from '../landscapes/index.ts';
import { split } from '../core/index.ts';
import { sampleChunk, type StatsSource } from './estimate.ts';
import type { Moments } from './moments.ts';
import { diagramsFromKeys } from './run.ts';

export interface ChunkTask {
  landscape: string;
  landscapeOptions: Record<string, string | undefined>;
  initSeed: number;
  keys: string[];
  seed: number;
  chunk: number;
  draws: number;
}

const cache = new Map<string, Promise<{ source: StatsSource; theta: Float64Array }>>();

export default async function (task: ChunkTask): Promise<Moments> {
  const id = JSON.stringify([task.landscape, task.landscapeOptions, task.initSeed]);
  let entry = cache.get(id);
  if (!entry) {
    entry = resolveLandscape(task.landscape, task.landscapeOptions).then((l) => ({ source: l, theta: l.init(task.initSeed) }));
    cache.set(id, entry);
  }
  const { source, theta } = await entry;
  return sampleChunk(source, theta, diagramsFromKeys(task.keys), split(task.seed, task.chunk), task.draws);
}
