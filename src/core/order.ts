/**
 * @file The highest order perturb works to — of a series, of the statistics behind it and of a
 * listing of diagrams — and its check. One number, so every command accepts the same orders.
 */
import { optionError } from './errors.ts';

/**
 * Highest supported order. Order 6 runs in seconds; order 7 would enumerate ~250k train-loss
 * diagrams (a listing alone takes tens of seconds) and sum over 10⁶-sized sets of ordered
 * partitions, minutes per schedule.
 */
export const MAX_ORDER = 6;

/** `order` as an integer from 0 to MAX_ORDER, or an InputError naming `where` and the option. */
export function checkOrder(order: unknown, where: string): number {
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0 || order > MAX_ORDER) {
    throw optionError(where, 'order', `must be an integer from 0 to ${MAX_ORDER}, got ${String(order)}`);
  }
  return order;
}
