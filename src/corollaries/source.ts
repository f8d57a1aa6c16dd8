/**
 * @file Where a corollary's statistics come from: a stats file the caller has, or measured here
 * on a landscape through `estimateStats` (exact over atoms, or sampled with a covariance, so that
 * a difference of predictions gets one honest standard error).
 */
import { InputError, opt, type Quantity } from '../core/index.ts';
import { hasSmallAtoms, referenced, type Landscape, type LandscapeRef } from '../landscapes/index.ts';
import { estimateStats } from '../stats/index.ts';
import { parseStats, type DiagramStats, type StatsFile } from '../theory/index.ts';

export interface StatsSourceOptions {
  /** Diagram values (a stats file, or parsed); else they are measured on `landscape`. */
  stats?: StatsFile | DiagramStats;
  landscape?: LandscapeRef | Landscape;
  /** Seed of θ₀ (default 0). */
  initSeed?: number;
  /** Exact statistics over the landscape's atoms, or `samples` draws (neither: exact where the landscape has few atoms). */
  exact?: boolean;
  samples?: number;
  seed?: number;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

const isParsed = (s: StatsFile | DiagramStats): s is DiagramStats => 'mean' in s && s.mean instanceof Map;

/** The uvalues a plain-series corollary needs to `order` (train-loss diagrams when `quantity` needs them). */
export async function plainStats(where: string, src: StatsSourceOptions, order: number, quantity: Quantity): Promise<DiagramStats> {
  if (src.stats !== undefined) {
    if (src.landscape !== undefined) throw new InputError(`${where}: give ${opt('stats')} or ${opt('landscape')}, not both`);
    return isParsed(src.stats) ? src.stats : parseStats(src.stats);
  }
  if (src.landscape === undefined) throw new InputError(`${where}: ${opt('landscape')} (measured here) or ${opt('stats')} (diagram values) is required`);
  const mode = await statisticsMode(where, src.landscape, src.exact, src.samples);
  const r = await estimateStats({
    landscape: src.landscape, initSeed: src.initSeed, order, quantity: quantity === 'test' ? 'test' : 'train',
    ...mode, seed: src.seed, workers: src.workers, covariance: !mode.exact, onProgress: src.onProgress,
  });
  return parseStats(r);
}

/**
 * Exact or sampled, when the caller said neither: exact where the landscape has a small set of
 * atoms (as `compare` decides), else the caller must give `samples`. Says which in the error.
 */
export async function statisticsMode(where: string, landscape: LandscapeRef | Landscape, exact: boolean | undefined, samples: number | undefined): Promise<{ exact?: true; samples?: number }> {
  if (exact && samples !== undefined) throw new InputError(`${where}: give one of ${opt('exact')} and ${opt('samples')}, not both`);
  if (exact) return { exact: true };
  if (samples !== undefined) return { samples };
  const { land } = await referenced(landscape, where);
  if (hasSmallAtoms(land)) return { exact: true };
  throw new InputError(`${where}: ${land.name} has no small set of atoms for exact statistics: give ${opt('samples')} S`);
}
