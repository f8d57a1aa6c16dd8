/** @file Value parsers for CLI options: each names what it expected, so commander's error names the flag. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  }
  return n;
}

export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`expected a finite number, got '${value}'`);
  }
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

export function oneOf<T extends string>(...choices: T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}
