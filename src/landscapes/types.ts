/** @file The types of landscapes: Landscape, Atoms, ExactInfo, ParamSpec, the definitions `defineLandscape` takes, and the template (family) it returns. */

// A landscape writes its per-sample loss once, with the engine's ops; every derivative that
// stats, optimizers and simulations use comes from that one definition through `program()`.
// The data distribution is given twice where possible: as a seeded sampler (always) and as
// weighted atoms (exact mode: a finite data set, or a quadrature rule that is exact for the
// expectations perturb takes).
import type { Batch, LossFn, Program, Shape } from '../engine/index.ts';
import type { Rng } from '../core/index.ts';

/** A numeric parameter of a landscape family, set with `NAME:key=value`. */
export interface ParamSpec {
  name: string;
  default: number;
  description: string;
  /** Values accepted (default 'real'). */
  domain?: 'real' | 'positive' | 'nonnegative' | 'integer';
}

/**
 * The data distribution as weighted atoms: E_x f(x) = Σ_i weights[i]·f(atom i), exactly.
 * Atoms are materialized as float64 batches only on request, so a 70,000-image data set can be
 * its own exact mode without holding 440 MB of float64.
 */
export interface Atoms {
  readonly count: number;
  /** Positive weights summing to 1 (length count). */
  readonly weights: Float64Array;
  /** True when every weight is 1/count (a finite data set). */
  readonly uniform: boolean;
  /** Atoms [start, end) as a batch (fresh arrays); default all of them. */
  batch(start?: number, end?: number): Batch;
  /** The atoms at `indices`, in that order (repeats allowed), as a batch. */
  gather(indices: ArrayLike<number>): Batch;
  /**
   * A content hash of the atoms (every field and weight), equal exactly for equal atoms; absent
   * where the atoms cannot name their content. Per-atom values computed from atoms that have
   * one may be kept on disk under it (simulate's θ₀ cache): a data set's atoms (`datasetAtoms`)
   * give a sha256 of its bytes.
   */
  digest?(): string;
}

/** What a landscape computes exactly, for `perturb landscape` and for choosing a mode. */
export interface ExactInfo {
  /** Exact mode: the atoms, how they were obtained and for which expectations they are exact. */
  atoms: null | { count: number; method: string; exactFor: string };
  /** The population loss l(θ): how it is computed and what one evaluation costs. */
  populationLoss: null | { method: 'closed form' | 'atoms'; cost: string };
}

/** A landscape: P, θ₀, the per-sample loss, and the data distribution. */
export interface Landscape {
  /** Family name: `gauss`, …, or a user module's `name`. */
  readonly name: string;
  /** The spec that `resolveLandscape` turns back into this landscape (e.g. `mean-estimation:H=0.5,S=1`). */
  readonly spec: string;
  readonly description: string;
  /** Where the data come from, e.g. `x ~ N(0, 1)` or `Fashion-MNIST, 70,000 images`. */
  readonly dataSource: string;
  /** The parameters' values (defaults filled in). */
  readonly params: Readonly<Record<string, number>>;
  /** The family's parameters, with defaults and descriptions. */
  readonly paramSpecs: readonly ParamSpec[];
  /** Number of weights. */
  readonly P: number;
  /** Shapes of one sample's data fields. */
  readonly data: Readonly<Record<string, Shape>>;
  /** The per-sample loss l_x(θ), written once with engine ops. */
  readonly loss: LossFn;
  /** The compiled loss (compiled on first call, then cached). */
  program(): Program;
  /** θ₀, deterministic in the integer seed (landscapes with a fixed start ignore it). A fresh array. */
  init(seed?: number): Float64Array;
  /** n independent samples of x as a batch, drawn from `rng`. */
  sample(rng: Rng, n: number): Batch;
  /** Exact mode: the distribution as weighted atoms. Absent when there is none. */
  atoms?(): Atoms;
  /** l(θ) = E_x l_x(θ), exactly; see `exact.populationLoss` for its cost. */
  populationLoss?(theta: Float64Array): number;
  /**
   * Projection onto the feasible set, in place (returns θ): optimizers call it after every
   * step (e.g. λ ≥ 0 for mean-estimation-l2). Absent when every θ is feasible.
   */
  project?(theta: Float64Array): Float64Array;
  /** Named coordinates of θ reported by simulations (index into θ), e.g. `{ z: 2 }`. */
  readonly coordinates?: Readonly<Record<string, number>>;
  /**
   * Coordinates of θ that are hyperparameters of the training objective rather than model
   * weights (e.g. λ of mean-estimation-l2): STIC's gap estimate takes Ĥ and Ĉ over the other
   * coordinates only, and descends on these too. Absent when every coordinate is a weight.
   */
  readonly hyperparameters?: readonly number[];
  readonly exact: ExactInfo;
}

/** Atoms written out in a definition: per field, count·size numbers (flat or one entry per atom). */
export interface AtomsLiteral {
  values: Record<string, ArrayLike<number> | ReadonlyArray<number | ArrayLike<number>>>;
  /** Positive, summing to 1; default uniform. */
  weights?: ArrayLike<number>;
}

/** What `defineLandscape` takes: a landscape's fields, most of them optional. */
export interface LandscapeDefinition {
  name: string;
  description?: string;
  dataSource?: string;
  P: number;
  /** Shapes of one sample's fields, e.g. `{ x: [2] }` or `{ x: [1, 28, 28], label: [] }`. */
  data: Record<string, Shape>;
  /** The per-sample loss, `(theta, data) => scalar tensor`, written with engine ops. */
  loss: LossFn;
  /** θ₀: a fixed vector, or a function of an integer seed. */
  init: ArrayLike<number> | ((seed: number) => ArrayLike<number>);
  /** A sampler; default: draw atoms by weight (then `atoms` is required). */
  sample?: (rng: Rng, n: number) => Batch;
  /** Exact mode: atoms written out, or an Atoms object (e.g. a whole data set, materialized lazily). */
  atoms?: AtomsLiteral | Atoms;
  /** l(θ) exactly; default: the weighted mean over `atoms`, if any. */
  populationLoss?: (theta: Float64Array) => number;
  project?: (theta: Float64Array) => Float64Array | void;
  coordinates?: Record<string, number>;
  /** Indices of θ that are hyperparameters, not weights (see Landscape.hyperparameters). */
  hyperparameters?: number[];
  /** How the atoms were made and what they are exact for (shown by `perturb landscape`). */
  exactness?: { atoms?: { method: string; exactFor: string }; populationLoss?: { method: 'closed form' | 'atoms'; cost: string } };
}

/** Where data sets are found, and progress while one loads: what `build` may receive. */
export interface LandscapeDataOptions {
  /** CIFAR-10 directory (else the environment variable PERTURB_CIFAR10). */
  cifar10?: string;
  /** Cache directory for Fashion-MNIST's binary cache (else PERTURB_CACHE, else ~/.cache/perturb). */
  cacheDir?: string;
  /** Called while a data set loads or converts: (done, total, what). */
  onProgress?: (done: number, total: number, what: string) => void;
}

/** What `build` returns: a definition without `name` (the family's), and without `P` when the family declares it. */
export type BuiltDefinition = Omit<LandscapeDefinition, 'name' | 'P'> & { name?: string; P?: number };

/**
 * A family with named parameters: `build` makes the definition for given values. `build` may
 * be async and receives the data options as its second argument, so a family can load its data
 * set there. `P` and `exactMode`, when declared, are facts for listings (`perturb landscapes`)
 * that need no build; the built definition must agree with them.
 */
export interface ParametricLandscapeDefinition<K extends string = string> {
  name: string;
  description?: string;
  dataSource?: string;
  /** Parameters with their defaults: `{ k: 1 }` or `{ k: { default: 1, description: '…' } }`. */
  params: Record<K, number | { default: number; description?: string; domain?: ParamSpec['domain'] }>;
  /** The number of weights of every landscape of the family, when it does not depend on the parameters. */
  P?: number;
  /** Whether the family's landscapes have an exact mode (atoms). */
  exactMode?: boolean;
  build: (params: Record<K, number>, data: LandscapeDataOptions) => BuiltDefinition | Promise<BuiltDefinition>;
}

/** Context that `create` receives: the canonical spec and the data options. */
export interface CreateContext extends LandscapeDataOptions {
  spec: string;
  /** How errors name the landscape (default: the spec), e.g. `landscape module ./x.ts`. */
  where?: string;
}

/** A landscape family: its parameters, and how to make a landscape for given values. */
export interface LandscapeTemplate {
  readonly [TEMPLATE]: true;
  readonly name: string;
  readonly description: string;
  readonly dataSource: string;
  readonly params: readonly ParamSpec[];
  /** Whether the landscapes of this family have an exact mode (atoms); undefined when only building one tells. */
  readonly exactMode?: boolean;
  /** P, when it is known without building (for listings); else undefined. */
  readonly P?: number;
  create(params: Record<string, number>, ctx: CreateContext): Landscape | Promise<Landscape>;
}

/** Marks a template (Symbol.for, so that it survives two copies of this module). */
export const TEMPLATE: unique symbol = Symbol.for('perturb.landscapeTemplate') as never;

export function isLandscapeTemplate(x: unknown): x is LandscapeTemplate {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[TEMPLATE] === true;
}
