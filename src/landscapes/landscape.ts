/**
 * @file The Landscape interface — a distribution of per-sample losses l_x(θ) with an
 * initialization — and `defineLandscape`, which turns a plain definition (built-in or a user's
 * module) into one, checking every field and naming the one that is wrong.
 *
 * A landscape writes its per-sample loss once, with the engine's ops; every derivative that
 * stats, optimizers and simulations use comes from that one definition through `program()`.
 * The data distribution is given twice where possible: as a seeded sampler (always) and as
 * weighted atoms (exact mode: a finite data set, or a quadrature rule that is exact for the
 * expectations perturb takes).
 */
import { compile, type Batch, type LossFn, type Program, type Shape } from '../engine/index.ts';
import { InputError, type Rng, rng as makeRng } from '../core/index.ts';

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

/** A family with named parameters: `build` makes the definition for given values. */
export interface ParametricLandscapeDefinition<K extends string = string> {
  name: string;
  description?: string;
  dataSource?: string;
  /** Parameters with their defaults: `{ k: 1 }` or `{ k: { default: 1, description: '…' } }`. */
  params: Record<K, number | { default: number; description?: string; domain?: ParamSpec['domain'] }>;
  build: (params: Record<K, number>) => Omit<LandscapeDefinition, 'name'> & { name?: string };
}

/** Context that `create` receives: the canonical spec and the data options. */
export interface CreateContext {
  spec: string;
  /** How errors name the landscape (default: the spec), e.g. `landscape module ./x.ts`. */
  where?: string;
  cifar10?: string;
  cacheDir?: string;
  /** Called while a data set loads or converts: (done, total, what). */
  onProgress?: (done: number, total: number, what: string) => void;
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

// ---------------------------------------------------------------------------------------------
// Checking a definition. Every message names the field and what was expected.

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isArrayLike = (x: unknown): x is ArrayLike<number> =>
  Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));

function fieldError(where: string, field: string, problem: string, expected: string): InputError {
  return new InputError(`${where}: field '${field}' ${problem} (expected ${expected})`);
}

const EXPECTED: Record<string, string> = {
  name: 'a non-empty string',
  P: 'a positive integer, the number of weights',
  data: "an object of sample field shapes, e.g. { x: [2] }",
  loss: 'a function (theta, data) => Tensor',
  init: 'an array of P numbers, or a function (seed) => array of P numbers',
  sample: 'a function (rng, n) => batch',
  atoms: '{ values: { field: numbers }, weights?: numbers }',
  populationLoss: 'a function (theta) => number',
  project: 'a function (theta) => theta',
  coordinates: 'an object mapping names to indices into theta',
  hyperparameters: 'an array of distinct indices into theta',
};

const describeValue = (x: unknown) => (x === undefined ? 'is missing' : `is ${Array.isArray(x) ? 'an array' : x === null ? 'null' : typeof x}`);

/** Check a definition's fields; InputError names the first wrong one. */
export function checkDefinition(def: unknown, where: string): asserts def is LandscapeDefinition {
  if (!isObject(def)) throw new InputError(`${where}: expected a landscape definition object, got ${def === null ? 'null' : typeof def}`);
  const req = (field: string, ok: boolean) => {
    if (!ok) throw fieldError(where, field, describeValue(def[field]), EXPECTED[field]!);
  };
  req('name', typeof def.name === 'string' && def.name !== '');
  if (!(typeof def.P === 'number' && Number.isSafeInteger(def.P) && def.P >= 1)) {
    throw fieldError(where, 'P', def.P === undefined ? 'is missing' : `is ${JSON.stringify(def.P)}`, EXPECTED.P!);
  }
  req('data', isObject(def.data) && Object.keys(def.data).length > 0);
  for (const [k, shape] of Object.entries(def.data as Record<string, unknown>)) {
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
      throw fieldError(where, `data.${k}`, `is ${JSON.stringify(shape)}`, 'a shape: an array of positive integers, [] for a scalar');
    }
  }
  req('loss', typeof def.loss === 'function');
  req('init', typeof def.init === 'function' || isArrayLike(def.init));
  for (const f of ['sample', 'populationLoss', 'project'] as const) {
    if (def[f] !== undefined && typeof def[f] !== 'function') throw fieldError(where, f, describeValue(def[f]), EXPECTED[f]!);
  }
  if (def.sample === undefined && def.atoms === undefined) {
    throw fieldError(where, 'sample', 'is missing', `${EXPECTED.sample}, or 'atoms' to sample from`);
  }
  if (def.coordinates !== undefined) {
    req('coordinates', isObject(def.coordinates));
    for (const [k, i] of Object.entries(def.coordinates as Record<string, unknown>)) {
      if (!(typeof i === 'number' && Number.isSafeInteger(i) && i >= 0 && i < (def.P as number))) {
        throw fieldError(where, `coordinates.${k}`, `is ${JSON.stringify(i)}`, `an index into theta, 0 … ${(def.P as number) - 1}`);
      }
    }
  }
  if (def.hyperparameters !== undefined) {
    const h = def.hyperparameters;
    req('hyperparameters', Array.isArray(h));
    (h as unknown[]).forEach((i, j) => {
      if (!(typeof i === 'number' && Number.isSafeInteger(i) && i >= 0 && i < (def.P as number)) || (h as unknown[]).indexOf(i) !== j) {
        throw fieldError(where, `hyperparameters[${j}]`, `is ${JSON.stringify(i)}`, `a distinct index into theta, 0 … ${(def.P as number) - 1}`);
      }
    });
  }
}

/** The atoms of a literal, checked against the data shapes. */
export function atomsFromLiteral(lit: unknown, data: Record<string, Shape>, where: string): Atoms {
  if (!isObject(lit) || !isObject(lit.values)) throw fieldError(where, 'atoms', describeValue(lit), EXPECTED.atoms!);
  const values = lit.values as Record<string, unknown>;
  const flat: Record<string, Float64Array> = {};
  let count = -1;
  for (const [name, shape] of Object.entries(data)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const v = values[name];
    if (!isArrayLike(v)) throw fieldError(where, `atoms.values.${name}`, describeValue(v), `the field's values for every atom (each ${size} numbers)`);
    let arr: Float64Array;
    if (Array.isArray(v) && v.length > 0 && isArrayLike(v[0])) {
      const rows = v as ArrayLike<number>[];
      arr = new Float64Array(rows.length * size);
      rows.forEach((row, i) => {
        if (!isArrayLike(row) || row.length !== size) {
          throw fieldError(where, `atoms.values.${name}[${i}]`, `has ${isArrayLike(row) ? row.length : 'no'} values`, `${size} numbers (shape [${shape.join(',')}])`);
        }
        arr.set(row, i * size);
      });
    } else {
      arr = Float64Array.from(v as ArrayLike<number>);
      if (arr.length % size !== 0) throw fieldError(where, `atoms.values.${name}`, `has ${arr.length} numbers`, `a multiple of ${size} (shape [${shape.join(',')}])`);
    }
    if (!arr.every(Number.isFinite)) throw fieldError(where, `atoms.values.${name}`, 'holds a non-finite number', 'finite numbers');
    const n = arr.length / size;
    if (count >= 0 && n !== count) throw fieldError(where, `atoms.values.${name}`, `holds ${n} atoms`, `${count}, as the other fields`);
    count = n;
    flat[name] = arr;
  }
  if (count < 1) throw fieldError(where, 'atoms', 'holds no atoms', 'at least one');
  let weights: Float64Array;
  if (lit.weights === undefined) weights = new Float64Array(count).fill(1 / count);
  else {
    if (!isArrayLike(lit.weights) || lit.weights.length !== count) {
      throw fieldError(where, 'atoms.weights', isArrayLike(lit.weights) ? `has ${lit.weights.length} entries` : describeValue(lit.weights), `${count} positive numbers summing to 1`);
    }
    weights = Float64Array.from(lit.weights);
    const total = weights.reduce((a, b) => a + b, 0);
    if (!weights.every((w) => Number.isFinite(w) && w > 0) || Math.abs(total - 1) > 1e-9) {
      throw fieldError(where, 'atoms.weights', `sum to ${total}${weights.every((w) => w > 0) ? '' : ' with a non-positive entry'}`, `${count} positive numbers summing to 1`);
    }
    for (let i = 0; i < count; i++) weights[i]! /= total;
  }
  return tableAtoms(flat, data, weights);
}

/** Atoms held as float64 tables (small distributions: quadrature rules, user literals). */
export function tableAtoms(table: Record<string, Float64Array>, data: Record<string, Shape>, weights: Float64Array): Atoms {
  const count = weights.length;
  const sizes = Object.fromEntries(Object.entries(data).map(([k, s]) => [k, s.reduce((a, b) => a * b, 1)]));
  const uniform = weights.every((w) => w === weights[0]);
  return {
    count,
    weights,
    uniform,
    batch(start = 0, end = count) {
      if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= count)) {
        throw new InputError(`atoms.batch: [${start}, ${end}) is not a range of the ${count} atoms`);
      }
      return Object.fromEntries(Object.keys(sizes).map((k) => [k, table[k]!.slice(start * sizes[k]!, end * sizes[k]!)]));
    },
    gather(indices) {
      const out: Batch = {};
      for (const k of Object.keys(sizes)) {
        const size = sizes[k]!, src = table[k]!, dst = new Float64Array(indices.length * size);
        for (let j = 0; j < indices.length; j++) {
          const i = indices[j]!;
          if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new InputError(`atoms.gather: indices[${j}] = ${i} is not an atom: expected an integer in [0, ${count})`);
          dst.set(src.subarray(i * size, (i + 1) * size), j * size);
        }
        out[k] = dst;
      }
      return out;
    },
  };
}

/** Draw n atom indices by weight (inverse CDF by binary search; uniform weights by rng.int). */
export function drawAtoms(atoms: Atoms, r: Rng, n: number): Int32Array {
  const out = new Int32Array(n);
  if (atoms.uniform) {
    for (let j = 0; j < n; j++) out[j] = r.int(atoms.count);
    return out;
  }
  const cdf = new Float64Array(atoms.count);
  let acc = 0;
  for (let i = 0; i < atoms.count; i++) cdf[i] = acc += atoms.weights[i]!;
  for (let j = 0; j < n; j++) {
    const u = r.uniform() * acc;
    let lo = 0, hi = atoms.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}

/** Σ_i w_i l_{x_i}(θ) over the atoms, in chunks (so no more than `chunk` atoms are float64 at once). */
export function atomsMeanLoss(program: Program, atoms: Atoms, theta: Float64Array, chunk = 1024): number {
  let total = 0;
  for (let start = 0; start < atoms.count; start += chunk) {
    const end = Math.min(atoms.count, start + chunk);
    const v = program.values(theta, atoms.batch(start, end));
    for (let j = 0; j < v.length; j++) total += atoms.weights[start + j]! * v[j]!;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// From a definition to a Landscape.

function checkParamValues(specs: readonly ParamSpec[], values: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of specs) out[s.name] = values[s.name] ?? s.default;
  return Object.freeze(out);
}

/**
 * Make a Landscape from a checked definition. `where` prefixes error messages (e.g. the module
 * path). Only the fields are checked here; `verifyLandscape` also runs them once.
 */
export function landscapeFromDefinition(
  def: LandscapeDefinition,
  ctx: { spec: string; where: string; params?: Record<string, number>; paramSpecs?: readonly ParamSpec[] },
): Landscape {
  checkDefinition(def, ctx.where);
  const { where } = ctx;
  const P = def.P;
  const data: Record<string, Shape> = Object.freeze(Object.fromEntries(Object.entries(def.data).map(([k, s]) => [k, Object.freeze([...s])])));
  let program: Program | undefined;
  const a = def.atoms;
  const atoms: Atoms | undefined = a === undefined ? undefined
    : isObject(a) && typeof (a as Atoms).gather === 'function' ? (a as Atoms)
    : atomsFromLiteral(a, data, where);
  const toVector = (v: ArrayLike<number>, what: string): Float64Array => {
    if (!isArrayLike(v)) throw fieldError(where, what, describeValue(v), EXPECTED.init!);
    if (v.length !== P) throw fieldError(where, what, `has ${v.length} numbers`, `P = ${P}`);
    const out = Float64Array.from(v);
    if (!out.every(Number.isFinite)) throw fieldError(where, what, 'holds a non-finite number', 'finite numbers');
    return out;
  };
  const init = def.init;
  const popLoss = def.populationLoss ?? (atoms ? (theta: Float64Array) => atomsMeanLoss(land.program(), atoms, theta) : undefined);
  const sampler = def.sample ?? ((r: Rng, n: number) => atoms!.gather(drawAtoms(atoms!, r, n)));
  const project = def.project;
  const exactAtoms = def.exactness?.atoms;
  const land: Landscape = {
    name: def.name,
    spec: ctx.spec,
    description: def.description ?? '',
    dataSource: def.dataSource ?? (def.atoms ? 'a finite distribution (atoms)' : 'a user-defined sampler'),
    params: checkParamValues(ctx.paramSpecs ?? [], ctx.params ?? {}),
    paramSpecs: ctx.paramSpecs ?? [],
    P,
    data,
    loss: def.loss,
    program() {
      if (!program) {
        try {
          program = compile(def.loss, { P, data });
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          const twoCopies = /must be called inside a function passed to compile/.test(err.message)
            ? ' (the loss uses engine ops from another copy of perturb: import them from the same perturb that loads the landscape)'
            : '';
          throw new InputError(`${where}: field 'loss' does not compile: ${err.message}${twoCopies}`);
        }
      }
      return program;
    },
    init(seed = 0) {
      if (!Number.isSafeInteger(seed)) throw new InputError(`${where}: init seed must be a safe integer, got ${seed}`);
      return toVector(typeof init === 'function' ? init(seed) : init, 'init');
    },
    sample(r, n) {
      if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`${where}: sample size must be an integer ≥ 0, got ${n}`);
      return sampler(r, n);
    },
    exact: {
      atoms: atoms === undefined ? null : {
        count: atoms.count,
        method: exactAtoms?.method ?? 'the finite distribution of the definition',
        exactFor: exactAtoms?.exactFor ?? 'every expectation (a finite distribution)',
      },
      populationLoss: def.exactness?.populationLoss ?? (def.populationLoss
        ? { method: 'closed form', cost: 'one call of the populationLoss function' }
        : atoms ? { method: 'atoms', cost: `${atoms.count} forward passes (one per atom)` } : null),
    },
  };
  if (atoms) land.atoms = () => atoms;
  if (popLoss) land.populationLoss = popLoss;
  if (project) {
    land.project = (theta: Float64Array) => {
      const r = project(theta);
      if (r instanceof Float64Array && r !== theta) theta.set(r);
      return theta;
    };
  }
  if (def.coordinates) (land as { coordinates?: Record<string, number> }).coordinates = Object.freeze({ ...def.coordinates });
  if (def.hyperparameters) (land as { hyperparameters?: readonly number[] }).hyperparameters = Object.freeze([...def.hyperparameters]);
  return land;
}

/**
 * Run a landscape's functions once (θ₀, two samples, the loss and its gradient on them, and the
 * atoms if any) so that a broken definition fails at load time, naming its field.
 */
export function verifyLandscape(land: Landscape, where: string): void {
  const call = <T>(field: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof InputError && err.message.startsWith(where)) throw err;
      throw new InputError(`${where}: field '${field}' threw: ${(err as Error).message}`);
    }
  };
  const theta = call('init', () => land.init(0));
  const program = land.program();
  const batch = call('sample', () => land.sample(makeRng(0x5eed), 2));
  if (!isObject(batch)) throw fieldError(where, 'sample', `returned ${describeValue(batch).replace('is ', '')}`, 'a batch: { field: Float64Array of n samples }');
  let n: number;
  try {
    n = program.batchSize('sample', batch);
  } catch (err) {
    throw new InputError(`${where}: field 'sample' returned a bad batch: ${(err as Error).message}`);
  }
  if (n !== 2) throw fieldError(where, 'sample', `returned ${n} samples when asked for 2`, 'n samples');
  const values = call('loss', () => program.values(theta, batch));
  if (!values.every(Number.isFinite)) throw fieldError(where, 'loss', `is not finite at θ₀ (${Array.from(values).join(', ')})`, 'a finite loss');
  if (land.atoms) {
    const atoms = call('atoms', () => land.atoms!());
    call('atoms', () => program.batchSize('atoms', atoms.batch(0, Math.min(atoms.count, 4))));
  }
  if (land.populationLoss) {
    const l = call('populationLoss', () => land.populationLoss!(theta));
    if (typeof l !== 'number' || !Number.isFinite(l)) throw fieldError(where, 'populationLoss', `returned ${String(l)}`, 'a finite number');
  }
  if (land.project) call('project', () => land.project!(Float64Array.from(theta)));
}

// ---------------------------------------------------------------------------------------------
// defineLandscape: the public way to write a landscape.

function paramSpecsOf(where: string, params: ParametricLandscapeDefinition['params']): ParamSpec[] {
  if (!isObject(params)) throw fieldError(where, 'params', describeValue(params), 'an object of parameter defaults, e.g. { k: 1 }');
  return Object.entries(params).map(([name, p]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw fieldError(where, `params.${name}`, 'has a bad name', 'letters, digits and _');
    const spec = typeof p === 'number' ? { default: p } : p;
    if (!isObject(spec) || typeof spec.default !== 'number' || !Number.isFinite(spec.default)) {
      throw fieldError(where, `params.${name}`, describeValue(p), 'a finite default number, or { default: number, description?: string }');
    }
    return { name, default: spec.default, description: (spec as { description?: string }).description ?? '', ...(spec.domain ? { domain: spec.domain } : {}) };
  });
}

/**
 * Define a landscape (user modules default-export the result). Either a plain definition, or a
 * family with parameters `{ name, params: { k: 1 }, build: (p) => definition }`, which
 * `--landscape ./file.ts:k=2` instantiates.
 */
export function defineLandscape<K extends string>(def: LandscapeDefinition | ParametricLandscapeDefinition<K>): LandscapeTemplate {
  const where = `defineLandscape(${isObject(def) && typeof def.name === 'string' ? JSON.stringify(def.name) : ''})`;
  if (!isObject(def)) throw new InputError(`defineLandscape: expected a definition object, got ${def === null ? 'null' : typeof def}`);
  if (typeof def.name !== 'string' || def.name === '') throw fieldError(where, 'name', describeValue(def.name), EXPECTED.name!);
  if ('build' in def && def.build !== undefined) {
    const parametric = def as unknown as ParametricLandscapeDefinition;
    if (typeof parametric.build !== 'function') throw fieldError(where, 'build', describeValue(parametric.build), 'a function (params) => definition');
    const specs = paramSpecsOf(where, parametric.params);
    return {
      [TEMPLATE]: true,
      name: def.name,
      description: def.description ?? '',
      dataSource: def.dataSource ?? 'user-defined',
      params: specs,
      create(values, ctx) {
        const full = checkParamValues(specs, values);
        const w = ctx.where ?? ctx.spec;
        const built = parametric.build({ ...full });
        if (!isObject(built)) throw new InputError(`${w}: build(params) returned ${built === null ? 'null' : typeof built}, expected a landscape definition`);
        const d = { name: def.name, description: def.description, dataSource: def.dataSource, ...built } as LandscapeDefinition;
        return landscapeFromDefinition(d, { spec: ctx.spec, where: w, params: full, paramSpecs: specs });
      },
    };
  }
  checkDefinition(def, where);
  const plain = def as LandscapeDefinition;
  return {
    [TEMPLATE]: true,
    name: plain.name,
    description: plain.description ?? '',
    dataSource: plain.dataSource ?? (plain.atoms ? 'a finite distribution (atoms)' : 'a user-defined sampler'),
    params: [],
    exactMode: plain.atoms !== undefined,
    P: plain.P,
    create(_values, ctx) {
      return landscapeFromDefinition(plain, { spec: ctx.spec, where: ctx.where ?? ctx.spec });
    },
  };
}
