/**
 * @file Schedules (docs/theory.md §1): which rows each of the T steps averages over. Plain data;
 * the embedding counts read only N, B, E, K = N/B and the shuffling, never the T batches one by
 * one. `schedule(options)` is the one rule, for every command and optimizer, that turns N, B, E,
 * T and the shuffling into a schedule or refuses them — naming the option and what was expected.
 */
import { oneOf, positiveInt } from './checks.ts';
import { InputError, opt, optionError } from './errors.ts';

export type Shuffle = 'fixed' | 'reshuffle';
export const SHUFFLES: readonly Shuffle[] = Object.freeze(['fixed', 'reshuffle']);

export type ScheduleKind = 'sgd' | 'gd';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = Object.freeze(['sgd', 'gd']);

/**
 * SGD: E epochs of K = N/B batches of B rows, T = E·K steps. `fixed` cycles through the rows
 * in one order every epoch; `reshuffle` draws an independent uniform order per epoch.
 * GD: every step averages all N rows (B = N), for T steps — counted as K = 1 and E = T.
 */
export type Schedule =
  | { readonly kind: 'sgd'; readonly N: number; readonly B: number; readonly E: number; readonly shuffle: Shuffle; readonly K: number; readonly T: number }
  | { readonly kind: 'gd'; readonly N: number; readonly T: number; readonly B: number; readonly E: number; readonly K: 1; readonly shuffle: 'fixed' };

/** What a caller gives: the kind, N, and those of B, E, T and the shuffling it sets. */
export interface ScheduleOptions extends ScheduleSizes {
  kind: ScheduleKind;
}

/** N, and those of B, E, T and the shuffling a caller sets (the schedule options without the kind). */
export interface ScheduleSizes {
  N: number;
  /** Batch size of SGD, dividing N (default 1). */
  B?: number;
  /** Epochs of SGD (default 1, or T·B/N when T is given). */
  E?: number;
  /** Steps: required for GD; for SGD a whole number of epochs, T = E·N/B. */
  T?: number;
  /** SGD's shuffling (default fixed). */
  shuffle?: Shuffle;
}

const WHERE = 'schedule';

/**
 * The one rule. SGD: B divides N; give T, or E, or both when they agree (T = E·N/B), or
 * neither (E = 1); T alone must be a whole number of epochs. GD: T is required; B, E and the
 * shuffling belong to SGD and are refused.
 */
export function schedule(o: ScheduleOptions): Schedule {
  const kind = oneOf(WHERE, 'kind', o.kind, SCHEDULE_KINDS);
  const N = positiveInt(WHERE, 'N', o.N);
  if (kind === 'gd') {
    for (const opt of ['B', 'E', 'shuffle'] as const) {
      if (o[opt] !== undefined) throw optionError(WHERE, opt, 'applies to the sgd schedule only (GD averages all N rows at every step)');
    }
    if (o.T === undefined) throw optionError(WHERE, 'T', 'is required for the gd schedule (the number of steps)');
    return gd({ N, T: o.T });
  }
  const B = positiveInt(WHERE, 'B', o.B ?? 1);
  const K = batchesPerEpoch(WHERE, N, B);
  if (o.E !== undefined) positiveInt(WHERE, 'E', o.E);
  if (o.T !== undefined) positiveInt(WHERE, 'T', o.T);
  let E = o.E ?? 1;
  if (o.T !== undefined) {
    if (o.E !== undefined && o.E * K !== o.T) {
      throw optionError(WHERE, 'T', `${o.T} and ${opt('E')} ${o.E} disagree: SGD runs T = E·N/B = ${o.E * K} steps (give one of them)`);
    }
    if (o.T % K !== 0) throw optionError(WHERE, 'T', `${o.T} is not a whole number of SGD epochs of N/B = ${K} steps (T = E·N/B)`);
    E = o.T / K;
  }
  return sgd({ N, B, E, shuffle: o.shuffle ?? 'fixed' });
}

/** K = N/B, the batches of an epoch; B must divide N. */
function batchesPerEpoch(where: string, N: number, B: number): number {
  if (N % B !== 0) throw optionError(where, 'B', `must divide N (got N = ${N}, B = ${B}): an epoch is N/B batches of B rows`);
  return N / B;
}

/** SGD with N rows, batches of B (default 1), E epochs (default 1) and the shuffling (default fixed). */
export function sgd(opts: { N: number; B?: number; E?: number; shuffle?: Shuffle }): Schedule {
  const N = positiveInt('sgd', 'N', opts.N);
  const B = positiveInt('sgd', 'B', opts.B ?? 1);
  const E = positiveInt('sgd', 'E', opts.E ?? 1);
  const shuffle = oneOf('sgd', 'shuffle', opts.shuffle ?? 'fixed', SHUFFLES);
  const K = batchesPerEpoch('sgd', N, B);
  return Object.freeze({ kind: 'sgd', N, B, E, shuffle, K, T: E * K });
}

/** GD with N rows for T steps. */
export function gd(opts: { N: number; T: number }): Schedule {
  const N = positiveInt('gd', 'N', opts.N);
  const T = positiveInt('gd', 'T', opts.T);
  return Object.freeze({ kind: 'gd', N, T, B: N, E: T, K: 1, shuffle: 'fixed' });
}

/** `s` checked and re-derived (K, T, the frozen form): a schedule from anywhere, e.g. parsed JSON. */
export function asSchedule(s: unknown, where = 'schedule'): Schedule {
  if (typeof s !== 'object' || s === null) throw new InputError(`${where}: expected a schedule object { kind: 'sgd' | 'gd', N, … }, got ${s === null ? 'null' : typeof s}`);
  const o = s as Record<string, unknown>;
  if (o.kind === 'gd') return gd({ N: o.N as number, T: o.T as number });
  if (o.kind === 'sgd') return sgd({ N: o.N as number, B: o.B as number, E: o.E as number, shuffle: o.shuffle as Shuffle });
  throw optionError(where, 'kind', `must be 'sgd' or 'gd', got ${String(o.kind)}`);
}

/** One line naming the schedule, e.g. `SGD N=1000 B=32 E=5 fixed (T=155)`. */
export function describeSchedule(s: Schedule): string {
  return s.kind === 'gd' ? `GD N=${s.N} T=${s.T}` : `SGD N=${s.N} B=${s.B} E=${s.E} ${s.shuffle} (T=${s.T})`;
}

/**
 * The SDE that `optim/sde` integrates (docs/theory.md §8), dθ = −η∇l dt + η(C/B)^{1/2} dW over
 * T units of step time: a schedule for the η-series only (it sees no training set, so no N, E
 * or shuffling). Kept out of `Schedule`, whose code assumes rows and batches.
 */
export interface SdeSchedule {
  readonly kind: 'sde';
  /** Step time: the SGD steps the SDE stands for. */
  readonly T: number;
  /** The SGD batch size whose noise η²C/B per step is matched. */
  readonly B: number;
}

/** Anything the η-series is taken over: an SGD/GD schedule or the SDE. */
export type SeriesSchedule = Schedule | SdeSchedule;

/** The SDE over T step times (a positive integer) with batch-B noise (default 1). */
export function sdeSchedule(opts: { T: number; B?: number }): SdeSchedule {
  const T = positiveInt('sde schedule', 'T', opts.T);
  const B = positiveInt('sde schedule', 'B', opts.B ?? 1);
  return Object.freeze({ kind: 'sde', T, B });
}

/** Whether `s` is the SDE rather than an SGD/GD schedule. */
export const isSdeSchedule = (s: SeriesSchedule): s is SdeSchedule => s.kind === 'sde';

/** One line naming any series schedule, e.g. `SDE T=50 B=1`, else `describeSchedule`'s line. */
export function describeSeriesSchedule(s: SeriesSchedule): string {
  return s.kind === 'sde' ? `SDE T=${s.T} B=${s.B}` : describeSchedule(s);
}
