/**
 * @file A simulation's settings, checked once and resolved against its landscape: which
 * optimizers at which learning rates, the schedule shared by all of them (T, N, B, E,
 * shuffling), how the test loss is measured, and the layout of one trial's results — the
 * cells (optimizer × η) and the metrics of each.
 *
 * T and E: every optimizer runs the same number of steps T, so that their differences compare
 * like with like. With sgd among the optimizers, the schedule is SGD's, by core's one schedule
 * rule (T = E·N/B: give T, or E, or both when they agree); without it, a GD schedule of T steps
 * (T required; E and the shuffling belong to SGD). GD, GDC, SDE and STIC run those T steps; SDE's
 * noise matches SGD batches of B rows (docs/theory.md §1, §7).
 */
import {
  distinctList, InputError, intAtLeast, nonNegativeInt, oneOf, opt, optionError, positiveInt, positiveNumber, schedule, type Schedule, type ScheduleSizes, type Shuffle,
} from '../core/index.ts';
import { hasSmallAtoms, initDependsOnSeed, type Landscape } from '../landscapes/index.ts';
import { OPTIMIZER_NAMES, sdeNoiseMode, sticWeights, type OptimizerName } from '../optim/index.ts';

/** What a caller asks for. N, B, E, T and the shuffling: see the file comment (B also sets SDE's noise). */
export interface SimulationSpec extends ScheduleSizes {
  optimizers: readonly OptimizerName[];
  eta: readonly number[];
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
  /** SGD's schedule with sgd among the optimizers, else GD's for T steps. */
  schedule: Schedule;
  T: number;
  N: number;
  B: number;
  /** SGD's epochs, T·B/N (null without sgd). */
  E: number | null;
  /** SGD's shuffling (null without sgd). */
  shuffle: Shuffle | null;
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


const WHERE = 'simulate';

/** Whether l(θ) is cheap enough to evaluate exactly for every trial. */
function cheapPopulationLoss(land: Landscape): boolean {
  const pl = land.exact.populationLoss;
  if (!land.populationLoss || !pl) return false;
  // A pass over few atoms (landscapes' SMALL_ATOMS) is cheap enough for every trial.
  return pl.method === 'closed form' || hasSmallAtoms(land);
}

function testLossPlan(land: Landscape, testPoints: number | undefined, randomInit: boolean): TestLossPlan {
  const pl = land.exact.populationLoss;
  if (testPoints === undefined) {
    if (!cheapPopulationLoss(land)) {
      const why = pl ? `its population loss costs ${pl.cost}` : 'it has no exact population loss';
      throw new InputError(`simulate: landscape ${land.name}: ${why}; give ${opt('testPoints')} M to estimate the test loss on M fresh points per trial`);
    }
    return { mode: 'exact', points: 0, theta0: 'trial', description: `exact l(θ_T) per trial (${pl!.method}: ${pl!.cost})` };
  }
  const points = positiveInt(WHERE, 'testPoints', testPoints);
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

/**
 * The schedule of a simulation of `optimizers` (see the file comment): SGD's by the one rule
 * when sgd runs, else GD's — with B left to SDE's noise when sde runs.
 */
export function simulationSchedule(optimizers: readonly OptimizerName[], o: Pick<SimulationSpec, 'N' | 'B' | 'E' | 'T' | 'shuffle'>): { schedule: Schedule; sdeB: number } {
  if (optimizers.includes('sgd')) {
    const s = schedule({ kind: 'sgd', N: o.N, B: o.B, E: o.E, T: o.T, shuffle: o.shuffle });
    return { schedule: s, sdeB: s.B };
  }
  const sde = optimizers.includes('sde');
  const s = schedule({ kind: 'gd', N: o.N, T: o.T, E: o.E, shuffle: o.shuffle, B: sde ? undefined : o.B });
  return { schedule: s, sdeB: positiveInt('schedule', 'B', o.B ?? 1) };
}

/** Check `spec` against `land` and resolve the schedule and the layout. InputErrors name the option. */
export function resolveConfig(spec: SimulationSpec, land: Landscape): SimConfig {
  const optimizers = distinctList(WHERE, 'optimizers', spec.optimizers, (o) => oneOf(WHERE, 'optimizers', o, OPTIMIZER_NAMES), 'optimizer');
  const eta = distinctList(WHERE, 'eta', spec.eta, (e) => positiveNumber(WHERE, 'eta', e), 'learning rate');
  const { schedule: sched, sdeB } = simulationSchedule(optimizers, spec);
  const { N, T } = sched;
  const B = sched.kind === 'sgd' ? sched.B : sdeB;
  // Epochs and shuffling are SGD's; a run without sgd has neither.
  const E = sched.kind === 'sgd' ? sched.E : null;
  const shuffle = sched.kind === 'sgd' ? sched.shuffle : null;
  const trials = intAtLeast(WHERE, 'trials', spec.trials, 2, 'a standard error needs at least two trials');
  const seed = nonNegativeInt(WHERE, 'seed', spec.seed ?? 0);
  const initSeed = nonNegativeInt(WHERE, 'initSeed', spec.initSeed ?? 0);
  const sdeSubsteps = positiveInt(WHERE, 'sdeSubsteps', spec.sdeSubsteps ?? 16);
  const sdeSamples = intAtLeast(WHERE, 'sdeSamples', spec.sdeSamples ?? 32, 2, 'a covariance needs two samples');
  if ((optimizers.includes('gdc') || optimizers.includes('stic')) && N < 2) {
    throw optionError(WHERE, 'N', `${N}: ${optimizers.includes('gdc') ? 'gdc' : 'stic'} estimates C from the training set and needs N ≥ 2`);
  }
  // STIC's limits are the landscape's: say so now, not from the first trial of a thread.
  if (optimizers.includes('stic')) sticWeights(land.P, land.hyperparameters ?? [], WHERE);
  const randomInit = !!spec.randomInit;
  if (randomInit && !initDependsOnSeed(land)) {
    throw optionError(WHERE, 'randomInit', `does nothing for ${land.name}: its θ₀ does not depend on the seed (use it with landscapes such as the convnets)`);
  }
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
    landscape: land.spec, optimizers, eta, schedule: sched, T, N, B, E, shuffle, trials, seed, initSeed, randomInit,
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
