/**
 * @file The optimizer contract: an optimizer is a plain `{ init, step }` pair over explicit
 * state. `init(problem, θ₀)` makes one run's state (a copy of θ₀ and the scratch buffers);
 * `step(state, rng)` takes one step in place, drawing any randomness (shuffles, SDE noise,
 * fresh samples) from the `rng` it is handed — never from anywhere else, so a run is a
 * function of (problem, θ₀, the rng's stream). Every optimizer works on any landscape through
 * its compiled Program and calls `landscape.project` (when present) after every update.
 *
 * η is a scalar (docs/theory.md §1: an identity metric). A tensor η would multiply each update
 * direction before it is subtracted; the updates are written as θ −= η·d to keep that one place.
 */
import type { Batch, Program, Sample } from '../engine/index.ts';
import { asSchedule, describeSchedule, InputError, optionError, positiveNumber, type Rng, type Schedule, type ScheduleKind } from '../core/index.ts';
import type { Landscape } from '../landscapes/index.ts';

export type OptimizerName = 'sgd' | 'gd' | 'gdc' | 'sde' | 'stic';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = Object.freeze(['sgd', 'gd', 'gdc', 'sde', 'stic']);

/** What an optimizer trains on: a landscape and one training set drawn from it. */
export interface Problem {
  readonly landscape: Landscape;
  readonly program: Program;
  /** The training set, N samples back to back (sde ignores it: it models fresh samples). */
  readonly train: Batch;
  readonly N: number;
  /** The training samples as views into `train` (no copies). */
  readonly rows: readonly Sample[];
}

/** One run's state: what it trains on, the weights (updated in place) and the steps taken. */
export interface OptState {
  readonly problem: Problem;
  readonly theta: Float64Array;
  t: number;
}

export interface Optimizer<S extends OptState = OptState> {
  readonly name: OptimizerName;
  readonly eta: number;
  /** Number of steps a run takes. */
  readonly T: number;
  /** One line naming the optimizer and its settings, e.g. `sgd N=10 B=1 E=1 fixed, η=0.01`. */
  readonly description: string;
  /** A fresh run from θ₀ (which is copied, never written). */
  init(problem: Problem, theta0: Float64Array): S;
  /** One step in place; randomness only from `rng`. */
  step(state: S, rng: Rng): void;
}

/** The problem of training on `train` (a batch of N samples of `landscape`). */
export function problem(landscape: Landscape, train: Batch): Problem {
  const program = landscape.program();
  const N = program.batchSize('problem: train', train);
  const rows = program.samplesOf(train);
  return { landscape, program, train, N, rows };
}

/** Run `opt` for its T steps from θ₀ and return the final weights. */
export function runOptimizer<S extends OptState>(opt: Optimizer<S>, p: Problem, theta0: Float64Array, rng: Rng): Float64Array {
  const s = opt.init(p, theta0);
  for (let t = 0; t < opt.T; t++) opt.step(s, rng);
  return s.theta;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

export const checkEta = (where: string, eta: unknown): number => positiveNumber(where, 'eta', eta);

/** The schedule an optimizer was handed, checked (re-derived by core's one rule) and of the kind it runs. */
export function checkSchedule(where: string, s: unknown, kind: ScheduleKind): Schedule {
  if (s === undefined) throw optionError(where, 'schedule', `is required (a ${kind} schedule from core's schedule())`);
  const out = asSchedule(s, `${where}: schedule`);
  if (out.kind !== kind) throw optionError(where, 'schedule', `must be a ${kind} schedule, got ${describeSchedule(out)}`);
  return out;
}

/** The training set must have the N rows the optimizer was made for. */
export function checkProblem(where: string, p: Problem, N: number, theta0: Float64Array): void {
  if (p.N !== N) throw new InputError(`${where}: the training set has ${p.N} samples, expected N = ${N}`);
  if (!(theta0 instanceof Float64Array) || theta0.length !== p.program.P) {
    throw new InputError(`${where}: theta0 must be a Float64Array of length P = ${p.program.P}`);
  }
}

/** θ −= η·d, then the landscape's projection. */
export function descend(p: Problem, theta: Float64Array, eta: number, d: Float64Array): void {
  subtractScaled(theta, eta, d);
  p.landscape.project?.(theta);
}

/**
 * θ −= η·d on its own: with the loop inside `descend`, V8 compiled it on-stack in the first call,
 * before the projection's property access had any type feedback, and deoptimized at it again
 * and again (--trace-deopt: "Insufficient type feedback for generic named access"), which made
 * each step ≈ 40 µs for P = 4,490 instead of ≈ 2.
 */
function subtractScaled(theta: Float64Array, eta: number, d: Float64Array): void {
  for (let i = 0; i < theta.length; i++) theta[i]! -= eta * d[i]!;
}

/** out = the mean over `rows[order[start…start+B)]` of ∇l (scratch: one P-vector). */
export function meanGradient(p: Problem, theta: Float64Array, order: ArrayLike<number>, start: number, B: number, out: Float64Array, scratch: Float64Array): Float64Array {
  if (B === 1) return p.program.valueAndGrad(theta, p.rows[order[start]!]!, out).grad;
  out.fill(0);
  for (let j = 0; j < B; j++) {
    const g = p.program.valueAndGrad(theta, p.rows[order[start + j]!]!, scratch).grad;
    for (let i = 0; i < out.length; i++) out[i]! += g[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= B;
  return out;
}
