/**
 * @file `estimateStats`: exact or sampled diagram values for a landscape at θ₀, as the stats
 * file `perturb predict` reads. Sampled runs go in fixed-size chunks (chunk c ↔ random stream
 * split(seed, c)) over worker threads, merged in chunk order, checkpointed atomically after
 * each chunk, so a killed run resumes to the very same file.
 */
import { readFileSync, existsSync, unlinkSync } from 'node:fs';
import { canonicalKey, diagram, type Diagram } from '../diagrams/index.ts';
import { InputError, type Quantity } from '../core/index.ts';
import { checkWritable, writeFileAtomic } from '../io/index.ts';
import { mapChunks } from '../parallel/index.ts';
import { covarianceOfMeans, emptyMoments, mergeMoments, standardErrors, type Moments } from './moments.ts';
import { exactValues, neededDiagrams, type StatsSource } from './estimate.ts';
import type { ChunkTask } from './worker.ts';

export interface StatsOptions {
  /** Landscape spec as the CLI takes it (built-in name with parameters, or a module path). */
  landscape: string;
  /** Options for resolving the landscape (data locations). */
  landscapeOptions?: Record<string, string | undefined>;
  /** The resolved landscape (resolved again in each worker thread from `landscape`). */
  source: StatsSource & { init(seed?: number): Float64Array };
  initSeed: number;
  order: number;
  quantity: Quantity;
  /** Exact mode over atoms, or S samples. */
  exact?: boolean;
  samples?: number;
  seed?: number;
  /** Draws per chunk (fixed, so results do not depend on workers). */
  chunkSize?: number;
  workers?: number;
  covariance?: boolean;
  /** Output file; its checkpoint is `${out}.partial`. */
  out?: string;
  resume?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** The stats file (read by `perturb predict`; see src/theory/stats-file.ts). */
export interface StatsResult {
  landscape: string;
  initSeed: number;
  order: number;
  quantity: Quantity;
  mode: 'exact' | 'sampled';
  samples?: number;
  seed?: number;
  chunkSize?: number;
  estimator: string;
  values: Record<string, { mean: number; stderr: number }>;
  covariance?: { keys: string[]; matrix: number[][] };
}

export const DEFAULT_CHUNK = 64;

interface Checkpoint {
  config: string;
  chunksDone: number;
  moments: Moments;
}

export async function estimateStats(o: StatsOptions): Promise<StatsResult> {
  const ds = neededDiagrams(o.order, o.quantity);
  const theta = o.source.init(o.initSeed);
  if (o.out) checkWritable(o.out, '--out');
  const base = { landscape: o.landscape, initSeed: o.initSeed, order: o.order, quantity: o.quantity };
  // The loss at θ₀, ()(0), is exact whenever the landscape knows its population loss.
  const l0 = o.source.populationLoss?.(theta);

  if (o.exact) {
    const vals = exactValues(o.source, theta, ds, o.onProgress);
    const result: StatsResult = {
      ...base,
      mode: 'exact',
      estimator: 'exact: weighted sum over every assignment of atoms to parts',
      values: Object.fromEntries(ds.map((d, i) => [d.key, { mean: d.order === 0 && l0 !== undefined ? l0 : vals[i]!, stderr: 0 }])),
    };
    if (o.covariance) result.covariance = { keys: ds.map((d) => d.key), matrix: ds.map(() => ds.map(() => 0)) };
    if (o.out) writeFileAtomic(o.out, JSON.stringify(result, null, 2) + '\n');
    return result;
  }

  const S = o.samples;
  if (S === undefined || !Number.isSafeInteger(S) || S < 2) {
    throw new InputError(`stats: --samples must be an integer ≥ 2 (a standard error needs at least two draws), got ${String(S)}`);
  }
  const seed = o.seed ?? 0;
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK;
  const chunks = Math.ceil(S / chunkSize);
  const config = JSON.stringify({ ...base, S, seed, chunkSize, keys: ds.map((d) => d.key) });
  const ckptPath = o.out ? `${o.out}.partial` : null;

  let state: Checkpoint = { config, chunksDone: 0, moments: emptyMoments(ds.length) };
  if (o.resume) {
    if (!ckptPath) throw new InputError('stats: --resume needs --out (the checkpoint sits beside the output file)');
    if (existsSync(ckptPath)) {
      const saved = JSON.parse(readFileSync(ckptPath, 'utf8')) as Checkpoint;
      if (saved.config !== config) {
        throw new InputError(`stats: the checkpoint ${ckptPath} belongs to a different run (landscape, seed, samples, order or chunk size differ); remove it or drop --resume`);
      }
      state = saved;
    } else if (existsSync(o.out!)) {
      // Already finished: the output is the result.
      return JSON.parse(readFileSync(o.out!, 'utf8')) as StatsResult;
    }
  }

  const tasks: ChunkTask[] = [];
  for (let c = state.chunksDone; c < chunks; c++) {
    tasks.push({
      landscape: o.landscape,
      landscapeOptions: o.landscapeOptions ?? {},
      initSeed: o.initSeed,
      keys: ds.map((d) => d.key),
      seed,
      chunk: c,
      draws: Math.min(chunkSize, S - c * chunkSize),
    });
  }
  o.onProgress?.(state.chunksDone * chunkSize, S);
  let lastSave = performance.now();
  for await (const [, m] of mapChunks<ChunkTask, Moments>({
    worker: new URL('./worker.ts', import.meta.url),
    tasks,
    workers: o.workers,
  })) {
    mergeMoments(state.moments, m);
    state.chunksDone++;
    o.onProgress?.(Math.min(S, state.chunksDone * chunkSize), S);
    if (ckptPath && (performance.now() - lastSave > 2000 || state.chunksDone === chunks)) {
      writeFileAtomic(ckptPath, JSON.stringify(state));
      lastSave = performance.now();
    }
  }

  const se = standardErrors(state.moments);
  const result: StatsResult = {
    ...base,
    mode: 'sampled',
    samples: S,
    seed,
    chunkSize,
    estimator: 'one independent sample per part per draw (paper appendix C.6); mean over draws, stderr = sd/√S',
    values: Object.fromEntries(
      ds.map((d, i) => [d.key, d.order === 0 && l0 !== undefined ? { mean: l0, stderr: 0 } : { mean: state.moments.mean[i]!, stderr: se[i]! }]),
    ),
  };
  if (o.covariance) {
    const cov = covarianceOfMeans(state.moments);
    const exact0 = (i: number) => ds[i]!.order === 0 && l0 !== undefined;
    result.covariance = { keys: ds.map((d) => d.key), matrix: cov.map((row, i) => row.map((v, j) => (exact0(i) || exact0(j) ? 0 : v))) };
  }
  if (o.out) {
    writeFileAtomic(o.out, JSON.stringify(result, null, 2) + '\n');
    if (ckptPath && existsSync(ckptPath)) unlinkSync(ckptPath);
  }
  return result;
}

/** Diagrams from keys in any labeling (for workers). */
export function diagramsFromKeys(keys: readonly string[]): Diagram[] {
  return keys.map((k) => diagram(canonicalKey(k)));
}
