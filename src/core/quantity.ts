/**
 * @file The quantities a prediction or a measurement is about (docs/theory.md §1): the expected
 * test loss, train loss, or their difference, the generalization gap; and, more generally, an
 * *observable* — the expected value of a smooth function of θ_T. Besides the three losses the
 * observables perturb predicts are coordinates θ_i (docs/theory.md §9: the root of a diagram
 * then carries e_i, so the same series predicts the displacement of θ).
 */
import { optionError } from './errors.ts';

export type Quantity = 'test' | 'train' | 'gap';

export const QUANTITIES: readonly Quantity[] = Object.freeze(['test', 'train', 'gap']);

/** `q` as a Quantity, or an InputError naming `where` and the option. */
export function checkQuantity(q: unknown, where: string, option = 'quantity'): Quantity {
  if (q !== 'test' && q !== 'train' && q !== 'gap') throw optionError(where, option, `must be 'test', 'train' or 'gap', got '${String(q)}'`);
  return q;
}

/** The coordinate θ_i (0-based index), with the landscape's name for it if it has one. */
export interface Coordinate {
  readonly coordinate: number;
  readonly name?: string;
}

export type Observable = Quantity | Coordinate;

export const isQuantity = (o: Observable): o is Quantity => typeof o === 'string';

/** `o` as an Observable: a Quantity, or { coordinate: i } with 0 ≤ i < P when P is known. */
export function checkObservable(o: unknown, where: string, P?: number, option = 'quantity'): Observable {
  if (typeof o === 'string') return checkQuantity(o, where, option);
  if (typeof o === 'object' && o !== null && 'coordinate' in o) {
    const i = (o as Coordinate).coordinate;
    if (!Number.isInteger(i) || i < 0 || (P !== undefined && i >= P)) {
      throw optionError(where, option, `coordinate must be an integer in 0…${P === undefined ? 'P−1' : P - 1}, got ${String(i)}`);
    }
    const name = (o as Coordinate).name;
    return Object.freeze(name === undefined ? { coordinate: i } : { coordinate: i, name });
  }
  throw optionError(where, option, `must be 'test', 'train', 'gap' or { coordinate: i }, got ${JSON.stringify(o)}`);
}

/** 'test', 'train', 'gap', or the coordinate's name (else `coord:i`). */
export function describeObservable(o: Observable): string {
  return isQuantity(o) ? o : (o.name ?? `coord:${o.coordinate}`);
}
