/**
 * @file Value parsers for CLI options (each names what it expected, so commander's error names
 * the flag), and the map from the library's option names to this CLI's flags.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { isNonNegativeInt, isPositiveInt, SHUFFLES } from '../core/index.ts';

const integer = (value: string) => (/^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN);

export function positiveInt(value: string): number {
  const n = integer(value);
  if (!isPositiveInt(n)) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = integer(value);
  if (!isNonNegativeInt(n)) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}

export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a finite number, got '${value}'`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = finiteNumber(value);
  if (!(n > 0)) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

/** A comma-separated list, each item parsed by `item`: `--eta 0.01,0.02`. */
export function listOf<T>(item: (v: string) => T): (value: string) => T[] {
  return (value: string) => {
    const parts = value.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) throw new InvalidArgumentError(`expected a comma-separated list, got '${value}'`);
    return parts.map(item);
  };
}

export function oneOf<T extends string>(...choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'`);
    return value as T;
  };
}

/** Library options a command sets through a flag of another name (e.g. `optimizers` ← `--optimizer`). */
const aliases = new WeakMap<Command, Record<string, string>>();

export function optionAliases(command: Command, map: Record<string, string>): Command {
  aliases.set(command, map);
  return command;
}

/** The flag of `command` that sets the library option `name`, if any. */
export function flagFor(command: Command, name: string): string | undefined {
  const alias = aliases.get(command)?.[name];
  if (alias) return alias;
  return command.options.find((o) => o.attributeName() === name)?.long;
}

/**
 * The schedule's flags, the same in every command that takes a schedule (predict, simulate,
 * compare): --N, --B, --E, --shuffle and --T, described by core's one rule. `N` is required
 * unless a default is given.
 */
export function scheduleFlags(cmd: Command, o: { N?: number | 'optional'; B?: string; T?: 'inf' } = {}): Command {
  const N = ['--N <n>', 'training set size', positiveInt] as const;
  if (o.N === undefined) cmd.requiredOption(...N);
  else if (o.N === 'optional') cmd.option(...N);
  else cmd.option(...N, o.N);
  if (o.T === 'inf') {
    return cmd
      .option('--B <b>', `sgd batch size, dividing N (default 1)${o.B ?? ''}`, positiveInt)
      .option('--E <e>', 'sgd epochs (default 1, or T·B/N with --T)', positiveInt)
      .option('--shuffle <how>', 'sgd: fixed (cycle) or reshuffle (a fresh permutation per epoch); default fixed', oneOf(...SHUFFLES))
      .option('--T <t>', 'steps: required without sgd; with sgd a whole number of epochs, T = E·N/B; inf: the long-time limit', stepsOrInf);
  }
  return cmd
    .option('--B <b>', `sgd batch size, dividing N (default 1)${o.B ?? ''}`, positiveInt)
    .option('--E <e>', 'sgd epochs (default 1, or T·B/N with --T)', positiveInt)
    .option('--shuffle <how>', 'sgd: fixed (cycle) or reshuffle (a fresh permutation per epoch); default fixed', oneOf(...SHUFFLES))
    .option('--T <t>', 'steps: required without sgd; with sgd a whole number of epochs, T = E·N/B', positiveInt);
}

/** The options every command that takes a landscape shares: where its data are. */
export interface DataFlags {
  cifar10?: string;
  cacheDir?: string;
}

/** `--T`: a positive integer, or `inf` for the long-time limit. */
export function stepsOrInf(value: string): number | 'inf' {
  if (value.trim() === 'inf') return 'inf';
  const n = integer(value);
  if (!isPositiveInt(n)) throw new InvalidArgumentError(`expected a positive integer or inf, got '${value}'`);
  return n;
}
