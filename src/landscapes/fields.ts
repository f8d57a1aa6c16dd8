/** @file Checks of a landscape definition's fields; every message names the field (`P`, `atoms.weights`, `params.k`, …), what is wrong and what was expected. */
import { InputError } from '../core/index.ts';
import type { LandscapeDefinition, ParametricLandscapeDefinition, ParamSpec } from './types.ts';

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
export const isArrayLike = (x: unknown): x is ArrayLike<number> =>
  Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));

export function fieldError(where: string, field: string, problem: string, expected: string): InputError {
  return new InputError(`${where}: field '${field}' ${problem} (expected ${expected})`);
}

export const EXPECTED: Record<string, string> = {
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

export const describeValue = (x: unknown) => (x === undefined ? 'is missing' : `is ${Array.isArray(x) ? 'an array' : x === null ? 'null' : typeof x}`);

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

const DOMAINS: readonly NonNullable<ParamSpec['domain']>[] = ['real', 'positive', 'nonnegative', 'integer'];

/** The `params` field of a parametric definition as ParamSpecs, in the order written. */
export function paramSpecsOf(where: string, params: ParametricLandscapeDefinition['params']): ParamSpec[] {
  if (!isObject(params)) throw fieldError(where, 'params', describeValue(params), 'an object of parameter defaults, e.g. { k: 1 }');
  return Object.entries(params).map(([name, p]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw fieldError(where, `params.${name}`, 'has a bad name', 'letters, digits and _');
    const spec = typeof p === 'number' ? { default: p } : p;
    if (!isObject(spec) || typeof spec.default !== 'number' || !Number.isFinite(spec.default)) {
      throw fieldError(where, `params.${name}`, describeValue(p), 'a finite default number, or { default: number, description?: string }');
    }
    if (spec.domain !== undefined && !DOMAINS.includes(spec.domain)) {
      throw fieldError(where, `params.${name}.domain`, `is ${JSON.stringify(spec.domain)}`, `one of ${DOMAINS.join(', ')}`);
    }
    return { name, default: spec.default, description: (spec as { description?: string }).description ?? '', ...(spec.domain ? { domain: spec.domain } : {}) };
  });
}
