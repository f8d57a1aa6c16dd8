/**
 * @file The time sums of docs/theory.md §9 against a brute-force walk over every labeled
 * embedding: every time of every timed node, every row of every part (parts may share rows,
 * the cumulant rule), every shuffle of every epoch. Rows are counted per shuffle and the
 * product over parts is averaged over shuffles, so the test does not assume that the row
 * counts of different parts are independent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagrams, type Diagram } from '../diagrams/index.ts';
import { gd, sgd, describeSchedule, type Schedule } from '../core/index.ts';
import { bruteTimeSums, uniformStream, type BruteCase } from '../testing/index.ts';
import { timeSum, type TimePattern } from './timesum.ts';


/** The timed nodes of a diagram: node v ≥ 1 becomes v − 1; the train loss's root takes a row in its part. */
function patternOf(d: Diagram, train: boolean): TimePattern {
  const parent = d.parent.slice(1).map((q) => q - 1);
  const part = d.part.slice(1);
  return train ? { parent, part, rootPart: d.part[0]! } : { parent, part };
}

const schedules: Schedule[] = [
  ...[1, 2, 3].flatMap((E) => (['fixed', 'reshuffle'] as const).flatMap((shuffle) => [sgd({ N: 2, B: 1, E, shuffle }), sgd({ N: 3, B: 1, E, shuffle }), sgd({ N: 4, B: 2, E, shuffle })])),
  ...[1, 2].flatMap((E) => (['fixed', 'reshuffle'] as const).map((shuffle) => sgd({ N: 4, B: 1, E, shuffle }))),
  sgd({ N: 2, B: 2, E: 2, shuffle: 'reshuffle' }),
  gd({ N: 3, T: 1 }),
  gd({ N: 3, T: 2 }),
  gd({ N: 3, T: 4 }),
  gd({ N: 2, T: 3 }),
];

test('timeSum equals the brute-force embedding sum for every diagram with ≤ 3 edges (test and train roots; N ≤ 4, B ∈ {1, 2}, E ≤ 3, both shuffles, GD), random decays, to 1e-12', async () => {
  const r = uniformStream(7);
  const checks: Array<{ s: Schedule; d: Diagram; train: boolean; got: Float64Array; from: number }> = [];
  const cases: BruteCase[] = [];
  for (const s of schedules) {
    for (let k = 1; k <= 3; k++) {
      for (const d of diagrams(k, 'train')) {
        for (const train of d.rootAlone ? [false, true] : [true]) {
          const p = patternOf(d, train);
          // two tuples of random a ∈ (−1, 1.2): the program is vectorized over tuples
          const a = [0, 1].map(() => p.parent.map(() => 2.2 * r() - 1));
          const decay = p.parent.map((_, v) => Float64Array.from(a, (tuple) => 1 - tuple[v]!));
          checks.push({ s, d, train, got: timeSum(p, s, decay).value, from: cases.length });
          for (const tuple of a) cases.push({ pattern: p, schedule: s, a: tuple });
        }
      }
    }
  }
  // The brute-force walk of every case, spread over 2 worker threads (the same numbers as here).
  const brute = await bruteTimeSums(cases);
  for (const { s, d, train, got, from } of checks) {
    [0, 1].forEach((x) => {
      const want = brute[from + x]!;
      const err = Math.abs(got[x]! - want);
      assert.ok(err <= 1e-12 * Math.max(1, Math.abs(want)), `${describeSchedule(s)} ${d.key} ${train ? 'train' : 'test'}: ${got[x]} vs brute force ${want}`);
    });
  }
  assert.ok(checks.length > 1000);
});
