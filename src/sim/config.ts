/**
 * @file A simulation's settings, checked once and resolved against its landscape: which
 * optimizers at which learning rates, the schedule shared by all of them (T, N, B, E,
 * shuffling), how the test loss is measured, and the layout of one trial's results — the
 * cells (optimizer × η) and the metrics of each.
 *
 * T and E: every optimizer runs the same number of steps T, so that their differences compare
 * like with like. SGD's T is E·N/B (THEORY §1). Give --T, or --E, or both when they agree:
 * with --T alone SGD's E is T·B/N (T must be a whole number of epochs of N/B steps); with --E
 * alone T = E·N/B for every optimizer; with neither, E = 1. GD, GDC, SDE and STIC run T steps.
 */
import { InputError, type Shuffle } from '../core/index.ts';
import type { Landscape } from '../landscapes/index.ts';
import { OPTIMIZER_NAMES, sdeNoiseMode, type OptimizerName } from '../optim/index.ts';

/** What a caller asks for (the CLI's flags, as a library call). */
export interface SimulationSpec {
  optimizers: readonly OptimizerName[];
  eta: readonly number[];
  /** Steps; see the file comment for how it combines with E. */
  T?: number;
  N: number;
  /** Batch size of SGD (and of the SGD step whose noise SDE matches); default 1. */
  B?: number;
  /** Epochs of SGD; see the file comment. */
  E?: number;
  shuffle?: Shuffle;
  trials: number;
  /** Estimate the test loss on this many fresh points per trial (else exactly, where cheap). */
  testPoints?: number;
  /** Seed of every trial's streams (default 0). */
  seed?: number;
  /** Seed of the shared θ₀ (default 0); ignored with randomInit. */
  initSeed?: number;
  /** Draw θ₀ per trial from the trial's stream (for landscapes whose init depends on a seed). */
  randomInit?: boolean;
  /** SDE: Euler–Maruyama substeps per step (default 16) and fresh samples per substep in estimated mode (default 32). */
  sdeSubsteps?: number;
  sdeSamples?: number;
}

/** The metrics of every cell, in output order; sde has no training set, so no train or gap. */
export const BASE_METRICS = ['test', 'train', 'gap', 'test-increase'] as const;

export interface Cell {
  optimizer: OptimizerName;
  eta: number;
  /** Metric names, in the order their values sit in a trial's result. */
  metrics: string[];
  /** Offset of this cell's values in a trial's result. */
  offset: number;
}

/** How each trial measures the test loss. */
export interface TestLossPlan {
  mode: 'exact' | 'estimated';
  /** Fresh test points per trial (estimated mode). */
  points: number;
  /**
   * Where l(θ₀) comes from: once per run (`run`: a closed form; `atoms`: l_a(θ₀) of every atom,
   * kept, so that test points drawn from the atoms need no forward pass at θ₀), per trial, or
   * nowhere (then test = the plain mean of l_x(θ_T)).
   */
  theta0: 'run' | 'atoms' | 'trial' | 'none';
  /** One line for the output. */
  description: string;
}

/** A checked simulation: everything a worker needs to run any trial (plain JSON). */
export interface SimConfig {
  /** The landscape's canonical spec. */
  landscape: string;
  optimizers: OptimizerName[];
  eta: number[];
  T: number;
  N: number;
  B: number;
  /** SGD's epochs, T·B/N. */
  E: number;
  shuffle: Shuffle;
  trials: number;
  seed: number;
  initSeed: number;
  randomInit: boolean;
  sdeSubsteps: number;
  sdeSamples: number;
  test: TestLossPlan;
  /** Named coordinates reported as displacement from θ₀, e.g. { z: 2 }. */
  coordinates: Record<string, number>;
  cells: Cell[];
  /** Values per trial (the sum of the cells' metric counts). */
  width: number;
  /** For sde: where its noise comes from. */
  sdeNoise: string | null;
}

/** Population losses costing at most this many forward passes are "cheap": evaluated exactly per trial. */
export const EXACT_POPULATION_ATOMS = 4096;

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

function positiveInt(flag: string, v: unknown, what = 'a positive integer'): number {
  if (!isPositiveInt(v)) throw new InputError(`simulate: ${flag} must be ${what}, got ${String(v)}`);
  return v;
}

/** Whether l(θ) is cheap enough to evaluate exactly for every trial. */
function cheapPopulationLoss(land: Landscape): boolean {
  const pl = land.exact.populationLoss;
  if (!land.populationLoss || !pl) return false;
  return pl.method === 'closed form' || (land.exact.atoms?.count ?? Infinity) <= EXACT_POPULATION_ATOMS;
}

function testLossPlan(land: Landscape, testPoints: number | undefined, randomInit: boolean): TestLossPlan {
  const pl = land.exact.populationLoss;
  if (testPoints === undefined) {
    if (!cheapPopulationLoss(land)) {
      const why = pl ? `its population loss costs ${pl.cost}` : 'it has no exact population loss';
      throw new InputError(`simulate: landscape ${land.name}: ${why}; give --test-points M to estimate the test loss on M fresh points per trial`);
    }
    return { mode: 'exact', points: 0, theta0: 'trial', description: `exact l(θ_T) per trial (${pl!.method}: ${pl!.cost})` };
  }
  const points = positiveInt('--test-points', testPoints);
  const est = `estimated on ${points} fresh points per trial`;
  if (!randomInit && pl?.method === 'atoms' && land.atoms) {
    // l(θ) is the weighted mean over the atoms, so test points drawn from the atoms by weight
    // estimate l(θ_T) − l(θ₀) without bias, and l_a(θ₀) is known for every atom after one pass.
    return {
      mode: 'estimated', points, theta0: 'atoms',
      description: `${est}, drawn from the atoms by weight: l(θ₀) exactly once per run (${pl.cost}, each l_a(θ₀) kept) + the mean of l_a(θ_T) − l_a(θ₀) over the points`,
    };
  }
  if (!randomInit && land.populationLoss) {
    return { mode: 'estimated', points, theta0: 'run', description: `${est}: l(θ₀) exactly once per run (${pl!.method}: ${pl!.cost}) + the mean of l_x(θ_T) − l_x(θ₀) over the points` };
  }
  if (randomInit && cheapPopulationLoss(land)) {
    return { mode: 'estimated', points, theta0: 'trial', description: `${est}: l(θ₀) exactly per trial (${pl!.method}) + the mean of l_x(θ_T) − l_x(θ₀) over the points` };
  }
  return {
    mode: 'estimated', points, theta0: 'none',
    description: `${est}: the plain mean of l_x(θ_T) (no exact l(θ₀) ${randomInit ? 'cheap enough per trial' : 'for this landscape'}); test-increase is the mean of l_x(θ_T) − l_x(θ₀)`,
  };
}

/** Check `spec` against `land` and resolve T, E and the layout. InputErrors name the flag. */
export function resolveConfig(spec: SimulationSpec, land: Landscape): SimConfig {
  const optimizers = [...(spec.optimizers ?? [])];
  if (optimizers.length === 0) throw new InputError(`simulate: --optimizer must name at least one of ${OPTIMIZER_NAMES.join(', ')}`);
  optimizers.forEach((o, i) => {
    if (!OPTIMIZER_NAMES.includes(o)) throw new InputError(`simulate: --optimizer: unknown optimizer '${String(o)}', expected one of ${OPTIMIZER_NAMES.join(', ')}`);
    if (optimizers.indexOf(o) !== i) throw new InputError(`simulate: --optimizer: ${o} is listed twice`);
  });
  const eta = [...(spec.eta ?? [])];
  if (eta.length === 0) throw new InputError('simulate: --eta must list at least one learning rate');
  eta.forEach((e, i) => {
    if (typeof e !== 'number' || !Number.isFinite(e) || !(e > 0)) throw new InputError(`simulate: --eta: learning rates must be positive finite numbers, got ${String(e)}`);
    if (eta.indexOf(e) !== i) throw new InputError(`simulate: --eta: ${e} is listed twice`);
  });
  const N = positiveInt('--N', spec.N);
  const B = positiveInt('--B', spec.B ?? 1);
  if (N % B !== 0) throw new InputError(`simulate: --B ${B} does not divide --N ${N}: B must divide N (an epoch is N/B batches of B)`);
  const K = N / B;
  if (spec.T !== undefined) positiveInt('--T', spec.T, 'a positive integer (T ≥ 1 steps)');
  if (spec.E !== undefined) positiveInt('--E', spec.E);
  let T: number, E: number;
  if (spec.T !== undefined) {
    T = spec.T;
    if (spec.E !== undefined && spec.E * K !== T) {
      throw new InputError(`simulate: --T ${T} and --E ${spec.E} disagree: SGD runs T = E·N/B = ${spec.E * K} steps (give one of them)`);
    }
    if (optimizers.includes('sgd') && T % K !== 0) {
      throw new InputError(`simulate: --T ${T} is not a whole number of SGD epochs of N/B = ${K} steps (T = E·N/B)`);
    }
    E = T / K;
  } else {
    E = spec.E ?? 1;
    T = E * K;
  }
  const shuffle = spec.shuffle ?? 'fixed';
  if (shuffle !== 'fixed' && shuffle !== 'reshuffle') throw new InputError(`simulate: --shuffle must be fixed or reshuffle, got '${String(shuffle)}'`);
  const trials = positiveInt('--trials', spec.trials);
  if (trials < 2) throw new InputError(`simulate: --trials: at least 2 trials are needed for a standard error, got ${trials}`);
  const seed = spec.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`simulate: --seed must be a non-negative integer, got ${seed}`);
  const initSeed = spec.initSeed ?? 0;
  if (!Number.isSafeInteger(initSeed) || initSeed < 0) throw new InputError(`simulate: --init-seed must be a non-negative integer, got ${initSeed}`);
  const sdeSubsteps = positiveInt('--sde-substeps', spec.sdeSubsteps ?? 16);
  const sdeSamples = spec.sdeSamples ?? 32;
  if (!Number.isSafeInteger(sdeSamples) || sdeSamples < 2) throw new InputError(`simulate: --sde-samples must be an integer ≥ 2 (a covariance needs two samples), got ${sdeSamples}`);
  if ((optimizers.includes('gdc') || optimizers.includes('stic')) && N < 2) {
    throw new InputError(`simulate: --N ${N}: ${optimizers.includes('gdc') ? 'gdc' : 'stic'} estimates C from the training set and needs N ≥ 2`);
  }
  const randomInit = !!spec.randomInit;
  const test = testLossPlan(land, spec.testPoints, randomInit);
  const coordinates = { ...(land.coordinates ?? {}) };
  for (const name of Object.keys(coordinates)) {
    if ((BASE_METRICS as readonly string[]).includes(name)) throw new InputError(`simulate: landscape ${land.name} names a coordinate '${name}', which clashes with a metric`);
  }
  const cells: Cell[] = [];
  let offset = 0;
  for (const optimizer of optimizers) {
    for (const e of eta) {
      const metrics = [...BASE_METRICS.filter((m) => optimizer !== 'sde' || (m !== 'train' && m !== 'gap')), ...Object.keys(coordinates)];
      cells.push({ optimizer, eta: e, metrics, offset });
      offset += metrics.length;
    }
  }
  const sdeNoise = optimizers.includes('sde') ? sdeNoiseMode(land, 'auto', sdeSamples).description : null;
  return {
    landscape: land.spec, optimizers, eta, T, N, B, E, shuffle, trials, seed, initSeed, randomInit,
    sdeSubsteps, sdeSamples, test, coordinates, cells, width: offset, sdeNoise,
  };
}

/** The schedule fields a result row reports for `optimizer` (null where they do not apply). */
export function scheduleFields(c: SimConfig, optimizer: OptimizerName): { T: number; N: number; B: number; E: number | null; shuffle: Shuffle | null } {
  switch (optimizer) {
    case 'sgd':
      return { T: c.T, N: c.N, B: c.B, E: c.E, shuffle: c.shuffle };
    case 'sde':
      return { T: c.T, N: c.N, B: c.B, E: null, shuffle: null };
    default:
      return { T: c.T, N: c.N, B: c.N, E: null, shuffle: null };
  }
}
