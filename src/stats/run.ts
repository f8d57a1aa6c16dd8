/**
 * @file `estimateStats`: exact or sampled diagram values for a landscape at θ₀, as the stats
 * file `perturb predict` reads. Sampled runs go in fixed-size chunks (chunk c ↔ random stream
 * split(seed, c)) on an executor, merged in chunk order, checkpointed atomically, so a killed
 * run resumes to the very same file (docs/theory.md §6).
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  checkOrder, covarianceOfMeans, emptyMoments, intAtLeast, InputError, mergeMoments, nonNegativeInt, opt, optionError, positiveInt, standardErrors,
  checkQuantity, provenance, type Moments, type Provenance, type Quantity,
} from '../core/index.ts';
import { checkWritable, removeEmptyDirs, writeFileAtomic } from '../io/index.ts';
import { landscapeModules, referenced, type Landscape, type LandscapeRef } from '../landscapes/index.ts';
import { checkpointed, executorFor, handlerUrl, indexed, removeCheckpoint, type Executor } from '../parallel/index.ts';
import { neededDiagrams } from '../theory/index.ts';
import { exactMethod, exactValues } from './estimate.ts';
import type { ChunkTask, StatsContext } from './worker.ts';

export interface StatsOptions {
  /** The landscape: a reference (spec and data options), or a landscape resolved in this process. */
  landscape: LandscapeRef | Landscape;
  /** Seed of θ₀ (default 0). */
  initSeed?: number;
  order: number;
  quantity: Quantity;
  /** Exact mode over atoms, or `samples` draws: exactly one of the two. */
  exact?: boolean;
  samples?: number;
  seed?: number;
  /**
   * Sampled mode: samples per part of one node per draw, whose mean that part takes (batch
   * means, docs/theory.md §6; default 1, one sample per part). Parts of several nodes keep one.
   */
  partBatch?: number;
  /** Draws per chunk (fixed, so results do not depend on the executor). */
  chunkSize?: number;
  /** Where chunks run (default: `workers` worker threads, or this thread for 0). */
  executor?: Executor;
  workers?: number;
  covariance?: boolean;
  /** Output file; its checkpoint is `${out}.partial`. */
  out?: string;
  resume?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Things a person should know that are not errors (e.g. "no checkpoint: starting afresh"). */
  onNotice?: (message: string) => void;
}

/** The stats file (read by `perturb predict`; see src/theory/stats-file.ts). */
export interface StatsResult {
  /** Which perturb wrote it: version and git commit. */
  perturb: Provenance;
  landscape: string;
  initSeed: number;
  order: number;
  quantity: Quantity;
  mode: 'exact' | 'sampled';
  samples?: number;
  seed?: number;
  partBatch?: number;
  chunkSize?: number;
  estimator: string;
  values: Record<string, { mean: number; stderr: number }>;
  covariance?: { keys: string[]; matrix: number[][] };
}

export const DEFAULT_CHUNK = 64;

/**
 * The most diagram values whose covariance a run keeps: K² numbers sit in every checkpoint
 * (1000² is 8 MB as float64, some 20 MB of JSON).
 */
export const MAX_COVARIANCE_KEYS = 1000;

const WHERE = 'stats';

export async function estimateStats(o: StatsOptions): Promise<StatsResult> {
  const made: string[] = [];
  try {
    return await estimate(o, made);
  } catch (err) {
    // Directories made for an output that bad input then stopped are removed again (if empty).
    if (err instanceof InputError) removeEmptyDirs(made);
    throw err;
  }
}

async function estimate(o: StatsOptions, made: string[]): Promise<StatsResult> {
  const order = checkOrder(o.order, WHERE);
  const quantity = checkQuantity(o.quantity, WHERE);
  const initSeed = nonNegativeInt(WHERE, 'initSeed', o.initSeed ?? 0);
  if (!!o.exact === (o.samples !== undefined)) throw new InputError(`${WHERE}: give exactly one of ${opt('exact')} and ${opt('samples')}`);
  if (o.exact && o.partBatch !== undefined) throw new InputError(`${WHERE}: ${opt('partBatch')} belongs to sampled mode (${opt('samples')}), not ${opt('exact')}`);
  if (o.resume && !o.out) throw new InputError(`${WHERE}: ${opt('resume')} needs ${opt('out')} (the checkpoint sits beside the output file)`);
  const { ref, land } = await referenced(o.landscape, WHERE);
  const ds = neededDiagrams(order, quantity);
  const theta = land.init(initSeed);
  if (o.out) made.push(...checkWritable(o.out, opt('out')));
  const base = { landscape: land.spec, initSeed, order, quantity };
  // The loss at θ₀, ()(0), is exact whenever the landscape knows its population loss.
  const l0 = land.populationLoss?.(theta);

  if (o.exact) {
    const method = exactMethod(land, ds);
    const vals = exactValues(land, theta, ds, o.onProgress, { method });
    const result: StatsResult = {
      perturb: provenance(),
      ...base,
      mode: 'exact',
      estimator: method === 'factorized'
        ? 'exact: per diagram, the contraction over the edges of each part’s expected derivative tensor (full tensors at θ₀, summed over the atoms)'
        : 'exact: weighted sum over every assignment of atoms to parts',
      values: Object.fromEntries(ds.map((d, i) => [d.key, { mean: d.order === 0 && l0 !== undefined ? l0 : vals[i]!, stderr: 0 }])),
    };
    // Exact values do not vary: no key is correlated with another, so the block is empty (an
    // all-zero K×K matrix would say the same in K² numbers).
    if (o.covariance) result.covariance = { keys: [], matrix: [] };
    if (o.out) writeFileAtomic(o.out, JSON.stringify(result, null, 2) + '\n');
    return result;
  }

  const S = intAtLeast(WHERE, 'samples', o.samples, 2, 'a standard error needs at least two draws');
  const seed = nonNegativeInt(WHERE, 'seed', o.seed ?? 0);
  const chunkSize = positiveInt(WHERE, 'chunkSize', o.chunkSize ?? DEFAULT_CHUNK);
  const partBatch = positiveInt(WHERE, 'partBatch', o.partBatch ?? 1);
  const chunks = Math.ceil(S / chunkSize);
  const keys = ds.map((d) => d.key);
  const covariance = !!o.covariance;
  if (covariance && keys.length > MAX_COVARIANCE_KEYS) {
    throw optionError(WHERE, 'covariance', `of ${keys.length} diagram values would be ${(keys.length ** 2).toExponential(1)} numbers; it is kept for at most ${MAX_COVARIANCE_KEYS} (order ≤ 4 for the train loss, ≤ 5 for the test loss)`);
  }
  const ckptPath = o.out ? `${o.out}.partial` : null;
  if (o.resume && ckptPath && !existsSync(ckptPath) && existsSync(o.out!)) {
    // Already finished: the output is the result.
    return JSON.parse(readFileSync(o.out!, 'utf8')) as StatsResult;
  }
  if (o.resume && ckptPath && !existsSync(ckptPath)) o.onNotice?.(`no checkpoint ${ckptPath}: starting afresh`);
  const executor = o.executor ?? executorFor(o.workers);
  const context: StatsContext = { landscape: ref, initSeed, keys, covariance, partBatch };
  let started = false, resumed = false;
  const run = checkpointed<Moments, Moments>({
    where: WHERE,
    path: ckptPath,
    identity: JSON.stringify({ ...base, S, seed, chunkSize, keys, covariance, ...(partBatch === 1 ? {} : { partBatch }) }),
    resume: !!o.resume,
    initial: () => emptyMoments(ds.length, covariance),
    chunks,
    results: (from) => (started = true) && executor.run<StatsContext, ChunkTask, Moments>({
      handler: handlerUrl('./worker.ts', import.meta.url),
      context,
      modules: landscapeModules(ref),
      count: chunks - from,
      tasks: indexed(chunks - from, (k) => ({ seed, chunk: from + k, draws: Math.min(chunkSize, S - (from + k) * chunkSize) })),
    }),
    fold: (m, r) => mergeMoments(m, r),
    restore: () => void (resumed = true),
    onProgress: (done) => o.onProgress?.(Math.min(S, done * chunkSize), S),
  });
  let state: Moments;
  try {
    ({ state } = await run);
  } catch (err) {
    // Bad input found by a chunk leaves no checkpoint of a run that cannot go on.
    if (err instanceof InputError && started && !resumed) removeCheckpoint(ckptPath);
    throw err;
  }

  const se = standardErrors(state);
  const result: StatsResult = {
    perturb: provenance(),
    ...base,
    mode: 'sampled',
    samples: S,
    seed,
    partBatch,
    chunkSize,
    estimator: partBatch === 1
      ? 'one independent sample per part per draw (paper appendix C.6); mean over draws, stderr = sd/√S'
      : `per draw, independent samples per part: a part of one node takes the mean over ${partBatch} samples, a part of several nodes one sample (batch means, no correction needed; paper appendix C.6); mean over draws, stderr = sd/√S`,
    values: Object.fromEntries(
      ds.map((d, i) => [d.key, d.order === 0 && l0 !== undefined ? { mean: l0, stderr: 0 } : { mean: state.mean[i]!, stderr: se[i]! }]),
    ),
  };
  if (o.covariance) {
    const cov = covarianceOfMeans(state);
    const exact0 = (i: number) => ds[i]!.order === 0 && l0 !== undefined;
    result.covariance = { keys, matrix: cov.map((row, i) => row.map((v, j) => (exact0(i) || exact0(j) ? 0 : v))) };
  }
  if (o.out) {
    writeFileAtomic(o.out, JSON.stringify(result, null, 2) + '\n');
    removeCheckpoint(ckptPath);
  }
  return result;
}
