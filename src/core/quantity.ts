/** @file The quantities a prediction or a measurement is about (docs/theory.md §1): the expected test loss, train loss, or their difference, the generalization gap. */
import { optionError } from './errors.ts';

export type Quantity = 'test' | 'train' | 'gap';

export const QUANTITIES: readonly Quantity[] = Object.freeze(['test', 'train', 'gap']);

/** `q` as a Quantity, or an InputError naming `where` and the option. */
export function checkQuantity(q: unknown, where: string, option = 'quantity'): Quantity {
  if (q !== 'test' && q !== 'train' && q !== 'gap') throw optionError(where, option, `must be 'test', 'train' or 'gap', got '${String(q)}'`);
  return q;
}
