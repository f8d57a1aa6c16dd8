/** @file From a checked definition to a Landscape, with the defaults: sampler (draw the atoms), population loss (mean over the atoms), exactness report. */
import { compile, type Program, type Shape } from '../engine/index.ts';
import { InputError, type Rng } from '../core/index.ts';
import { atomsFromLiteral, atomsMeanLoss, drawAtoms, isAtoms, manyAtomsMeanLoss, SMALL_ATOMS } from './atoms.ts';
import { checkDefinition, describeValue, EXPECTED, fieldError, isArrayLike } from './fields.ts';
import type { Atoms, Landscape, LandscapeDefinition, ParamSpec } from './types.ts';

/** Thrown (and turned into an InputError by `program()`) when a loss reads a field its definition does not declare. */
class UndeclaredField extends Error {}

/**
 * The data record a loss is traced with, refusing to read a field that `data` does not declare:
 * otherwise `data.y` is undefined and the loss fails somewhere inside an op, far from the cause.
 * (`'y' in data` and symbol keys are left alone.)
 */
function declaredOnly<T extends object>(d: T, where: string): T {
  return new Proxy(d, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) {
        const declared = Object.keys(target);
        throw new UndeclaredField(
          `${where}: field 'loss' reads data.${key}, which 'data' does not declare (declared: ${declared.length ? declared.join(', ') : 'none'}): add ${key} with its shape to 'data', or read one of those`,
        );
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** The parameter values with defaults filled in, in the family's order (frozen). */
export function paramValues(specs: readonly ParamSpec[], values: Record<string, number>): Record<string, number> {
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
  const atoms: Atoms | undefined = a === undefined ? undefined : isAtoms(a) ? a : atomsFromLiteral(a, data, where);
  const toVector = (v: ArrayLike<number>, what: string): Float64Array => {
    if (!isArrayLike(v)) throw fieldError(where, what, describeValue(v), EXPECTED.init!);
    if (v.length !== P) throw fieldError(where, what, `has ${v.length} numbers`, `P = ${P}`);
    const out = Float64Array.from(v);
    if (!out.every(Number.isFinite)) throw fieldError(where, what, 'holds a non-finite number', 'finite numbers');
    return out;
  };
  const init = def.init;
  // Over many atoms (a data set) a pass costs seconds: its per-atom losses are remembered for the
  // last few θ (θ₀ is asked for again and again, and simulate's l(θ₀) pass shares them).
  const meanLoss = atoms && atoms.count > SMALL_ATOMS
    ? (theta: Float64Array) => manyAtomsMeanLoss(land, () => land.program(), atoms, theta)
    : atoms ? (theta: Float64Array) => atomsMeanLoss(land.program(), atoms, theta) : undefined;
  const popLoss = def.populationLoss ?? meanLoss;
  const sampler = def.sample ?? ((r: Rng, n: number) => atoms!.gather(drawAtoms(atoms!, r, n)));
  const project = def.project;
  const exactAtoms = def.exactness?.atoms;
  const land: Landscape = {
    name: def.name,
    spec: ctx.spec,
    description: def.description ?? '',
    dataSource: def.dataSource ?? (def.atoms ? 'a finite distribution (atoms)' : 'a user-defined sampler'),
    params: paramValues(ctx.paramSpecs ?? [], ctx.params ?? {}),
    paramSpecs: ctx.paramSpecs ?? [],
    P,
    data,
    loss: def.loss,
    program() {
      if (!program) {
        try {
          program = compile((theta, d) => def.loss(theta, declaredOnly(d, where)), { P, data });
        } catch (err) {
          if (err instanceof UndeclaredField) throw new InputError(err.message);
          // (An InputError of another copy of perturb has another class but the same name.)
          if (!(err instanceof InputError || (err instanceof Error && err.name === 'InputError'))) {
            // The trace runs the user's loss, so anything else it throws is the loss's own error.
            throw new InputError(`${where}: field 'loss' threw while being traced (compiled): ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
          }
          const twoCopies = /must be called inside a function passed to compile/.test(err.message)
            ? ' (the loss uses engine ops from another copy of perturb: import them from the same perturb that loads the landscape)'
            : '';
          throw new InputError(`${where}: field 'loss' does not compile: ${(err as Error).message}${twoCopies}`);
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
