/**
 * @file Schedules (THEORY §1): which rows each of the T steps averages over. Plain data; the
 * embedding counts read only N, B, E, K = N/B and the shuffling, never the T batches one by one.
 */
import { InputError } from './errors.ts';

export type Shuffle = 'fixed' | 'reshuffle';

/**
 * SGD: E epochs of K = N/B batches of B rows, T = E·K steps. `fixed` cycles through the rows
 * in one order every epoch; `reshuffle` draws an independent uniform order per epoch.
 * GD: every step averages all N rows (B = N), for T steps — counted as K = 1 and E = T.
 */
export type Schedule =
  | { readonly kind: 'sgd'; readonly N: number; readonly B: number; readonly E: number; readonly shuffle: Shuffle; readonly K: number; readonly T: number }
  | { readonly kind: 'gd'; readonly N: number; readonly T: number; readonly B: number; readonly E: number; readonly K: 1; readonly shuffle: 'fixed' };

function positiveInt(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new InputError(`${where}: ${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

export function sgd(opts: { N: number; B?: number; E?: number; shuffle?: Shuffle }): Schedule {
  const N = positiveInt('sgd', 'N', opts.N);
  const B = positiveInt('sgd', 'B', opts.B ?? 1);
  const E = positiveInt('sgd', 'E', opts.E ?? 1);
  const shuffle = opts.shuffle ?? 'fixed';
  if (shuffle !== 'fixed' && shuffle !== 'reshuffle') throw new InputError(`sgd: shuffle must be 'fixed' or 'reshuffle', got '${String(shuffle)}'`);
  if (N % B !== 0) throw new InputError(`sgd: B must divide N (got N = ${N}, B = ${B})`);
  const K = N / B;
  return Object.freeze({ kind: 'sgd', N, B, E, shuffle, K, T: E * K });
}

export function gd(opts: { N: number; T: number }): Schedule {
  const N = positiveInt('gd', 'N', opts.N);
  const T = positiveInt('gd', 'T', opts.T);
  return Object.freeze({ kind: 'gd', N, T, B: N, E: T, K: 1, shuffle: 'fixed' });
}

/** One line naming the schedule, e.g. `SGD N=1000 B=32 E=5 fixed (T=155)`. */
export function describeSchedule(s: Schedule): string {
  return s.kind === 'gd' ? `GD N=${s.N} T=${s.T}` : `SGD N=${s.N} B=${s.B} E=${s.E} ${s.shuffle} (T=${s.T})`;
}
