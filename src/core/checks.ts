/**
 * @file Argument checks shared by every module: each returns the value when it is what was
 * expected and otherwise throws an InputError naming the function (`where`) and the option.
 */
import { optionError } from './errors.ts';

export const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
export const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const shown = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));

/** A positive safe integer. */
export function positiveInt(where: string, option: string, v: unknown): number {
  if (!isPositiveInt(v)) throw optionError(where, option, `must be a positive integer, got ${shown(v)}`);
  return v;
}

/** A non-negative safe integer (seeds, counts that may be 0). */
export function nonNegativeInt(where: string, option: string, v: unknown): number {
  if (!isNonNegativeInt(v)) throw optionError(where, option, `must be a non-negative integer, got ${shown(v)}`);
  return v;
}

/** An integer ≥ `min` (e.g. 2 draws for a standard error), with the reason in `why`. */
export function intAtLeast(where: string, option: string, v: unknown, min: number, why: string): number {
  if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= min)) throw optionError(where, option, `must be an integer ≥ ${min} (${why}), got ${shown(v)}`);
  return v;
}

/** A finite number. */
export function finiteNumber(where: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw optionError(where, option, `must be a finite number, got ${shown(v)}`);
  return v;
}

/** A finite number > 0 (learning rates). */
export function positiveNumber(where: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) throw optionError(where, option, `must be a positive finite number, got ${shown(v)}`);
  return v;
}

/** One of the listed strings. */
export function oneOf<T extends string>(where: string, option: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw optionError(where, option, `must be one of ${choices.join(', ')}, got ${shown(v)}`);
  }
  return v as T;
}

/** A non-empty list without repeats, each item checked by `item`. */
export function distinctList<T>(where: string, option: string, v: unknown, item: (x: unknown, i: number) => T, what: string): T[] {
  if (!Array.isArray(v) || v.length === 0) throw optionError(where, option, `must list at least one ${what}`);
  const out = v.map(item);
  out.forEach((x, i) => {
    if (out.indexOf(x) !== i) throw optionError(where, option, `lists ${String(x)} twice`);
  });
  return out;
}
