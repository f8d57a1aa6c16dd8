/**
 * @file What a corollary returns: named entries, each a value with its standard error and units,
 * and the inputs it was computed from. `--json` prints { name, value, stderr, units, inputs }:
 * a number where the corollary gives one number, else an object keyed by entry (a vector per
 * coordinate, a table per E, …).
 */
import { provenance, type Provenance } from '../core/index.ts';

export type CorollaryName = 'drift' | 'overfit' | 'epochs' | 'batch' | 'sde' | 'skew';

export interface CorollaryEntry {
  /** e.g. 'z', 'E=2', 'gap (T→∞)'. */
  readonly key: string;
  readonly value: number;
  /** 0 for exact statistics. */
  readonly stderr: number;
  readonly units: string;
}

export interface CorollaryCheck {
  readonly what: string;
  readonly value: number;
  /** What the value had to satisfy, e.g. '≤ 1e-6' or '> 0'. */
  readonly requirement: string;
}

export interface CorollaryResult {
  readonly name: CorollaryName;
  /** One line saying what was computed, for the human output. */
  readonly title: string;
  readonly entries: readonly CorollaryEntry[];
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Assumptions checked, with the measured values (e.g. |G| at θ₀ and `≤ 1e-6`). */
  readonly checks: readonly CorollaryCheck[];
}

/** The JSON shape of the issue: one number when there is one entry, else objects keyed by entry. */
export function corollaryJson(r: CorollaryResult): { name: CorollaryName; value: number | Record<string, number>; stderr: number | Record<string, number>; units: string | Record<string, string>; inputs: Record<string, unknown>; checks: CorollaryResult['checks']; perturb: Provenance } {
  const one = r.entries.length === 1 ? r.entries[0]! : null;
  const by = <T>(f: (e: CorollaryEntry) => T) => Object.fromEntries(r.entries.map((e) => [e.key, f(e)]));
  return {
    name: r.name,
    value: one ? one.value : by((e) => e.value),
    stderr: one ? one.stderr : by((e) => e.stderr),
    units: one ? one.units : by((e) => e.units),
    inputs: { ...r.inputs },
    checks: r.checks,
    perturb: provenance(),
  };
}
