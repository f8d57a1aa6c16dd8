/** @file `defineLandscape`, the one way to write a landscape (built-in or user module): a plain definition, or a family whose `build` may be async and load a data set. */
import { InputError } from '../core/index.ts';
import { checkDefinition, describeValue, EXPECTED, fieldError, isObject, paramSpecsOf } from './fields.ts';
import { landscapeFromDefinition, paramValues } from './from-definition.ts';
import {
  TEMPLATE, type BuiltDefinition, type CreateContext, type Landscape, type LandscapeDataOptions, type LandscapeDefinition,
  type LandscapeTemplate, type ParametricLandscapeDefinition,
} from './types.ts';

/** The data options of a create context, without the keys that are unset. */
function dataOptions(ctx: CreateContext): LandscapeDataOptions {
  return {
    ...(ctx.cifar10 !== undefined ? { cifar10: ctx.cifar10 } : {}),
    ...(ctx.cacheDir !== undefined ? { cacheDir: ctx.cacheDir } : {}),
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  };
}

const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';

/** The static facts of a family (`P`, `exactMode`), checked. */
function staticFacts(where: string, def: ParametricLandscapeDefinition): { P?: number; exactMode?: boolean } {
  const { P, exactMode } = def;
  if (P !== undefined && !(typeof P === 'number' && Number.isSafeInteger(P) && P >= 1)) {
    throw fieldError(where, 'P', `is ${JSON.stringify(P)}`, `${EXPECTED.P!}, or no P when it depends on the parameters`);
  }
  if (exactMode !== undefined && typeof exactMode !== 'boolean') {
    throw fieldError(where, 'exactMode', describeValue(exactMode), 'true or false: whether the landscapes have atoms');
  }
  return { ...(P !== undefined ? { P } : {}), ...(exactMode !== undefined ? { exactMode } : {}) };
}

function parametricTemplate(where: string, def: ParametricLandscapeDefinition): LandscapeTemplate {
  if (typeof def.build !== 'function') {
    throw fieldError(where, 'build', describeValue(def.build), 'a function (params, dataOptions) => definition, or a promise of one');
  }
  const specs = paramSpecsOf(where, def.params);
  const facts = staticFacts(where, def);
  const finish = (built: unknown, full: Record<string, number>, ctx: CreateContext, w: string): Landscape => {
    if (!isObject(built)) throw new InputError(`${w}: build(params) returned ${built === null ? 'null' : typeof built}, expected a landscape definition`);
    const b = built as BuiltDefinition;
    if (facts.P !== undefined && b.P !== undefined && b.P !== facts.P) {
      throw fieldError(w, 'P', `is ${JSON.stringify(b.P)} in the built definition`, `P = ${facts.P}, as the family declares`);
    }
    if (facts.exactMode !== undefined && (b.atoms !== undefined) !== facts.exactMode) {
      throw fieldError(w, 'atoms', b.atoms === undefined ? 'is missing' : 'is given', `${facts.exactMode ? 'atoms' : 'no atoms'}, as the family declares exactMode: ${facts.exactMode}`);
    }
    const d = { name: def.name, description: def.description, dataSource: def.dataSource, P: facts.P, ...built } as LandscapeDefinition;
    return landscapeFromDefinition(d, { spec: ctx.spec, where: w, params: full, paramSpecs: specs });
  };
  return {
    [TEMPLATE]: true,
    name: def.name,
    description: def.description ?? '',
    dataSource: def.dataSource ?? 'user-defined',
    params: specs,
    ...facts,
    create(values, ctx) {
      const full = paramValues(specs, values);
      const w = ctx.where ?? ctx.spec;
      const built = def.build({ ...full }, dataOptions(ctx));
      return isThenable(built) ? Promise.resolve(built).then((b) => finish(b, full, ctx, w)) : finish(built, full, ctx, w);
    },
  };
}

/**
 * Define a landscape (user modules default-export the result). Either
 *
 * - a plain definition: `{ name, P, data, loss, init, atoms | sample, … }` (LandscapeDefinition);
 * - or a family with parameters: `{ name, params: { k: 1 }, build: (p, dataOptions) => definition }`,
 *   which `NAME:k=2` (a built-in) or `./file.ts:k=2` (a module) instantiates. `build` gets the
 *   parameter values (defaults filled in) and the data options `{ cifar10?, cacheDir?,
 *   onProgress? }` given to `resolveLandscape`; it may be async (e.g. to load a data set), and
 *   its definition needs no `name` (the family's). A family may declare `P` (then `build` may
 *   leave it out) and `exactMode` (whether its landscapes have atoms), so that listings such as
 *   `perturb landscapes` show them without building; a built definition that disagrees with
 *   them is refused.
 *
 * Errors name the field and what was expected.
 */
export function defineLandscape<K extends string>(def: LandscapeDefinition | ParametricLandscapeDefinition<K>): LandscapeTemplate {
  const where = `defineLandscape(${isObject(def) && typeof def.name === 'string' ? JSON.stringify(def.name) : ''})`;
  if (!isObject(def)) throw new InputError(`defineLandscape: expected a definition object, got ${def === null ? 'null' : typeof def}`);
  if (typeof def.name !== 'string' || def.name === '') throw fieldError(where, 'name', describeValue(def.name), EXPECTED.name!);
  if ('build' in def && def.build !== undefined) return parametricTemplate(where, def as unknown as ParametricLandscapeDefinition);
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
