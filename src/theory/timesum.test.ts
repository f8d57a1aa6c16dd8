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
import { uniformStream } from '../testing/index.ts';
import { timeSum, type TimePattern } from './timesum.ts';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** Every possible list of T batches (each a set of rows) with its probability. */
function batchSequences(s: Schedule): Array<{ batches: Set<number>[]; w: number }> {
  if (s.kind === 'gd') return [{ batches: Array.from({ length: s.T }, () => new Set([...Array(s.N).keys()])), w: 1 }];
  const orders = s.shuffle === 'fixed' ? [[...Array(s.N).keys()]] : permutations(s.N);
  const epochs = new Map<string, { batches: number[][]; w: number }>();
  for (const o of orders) {
    const batches = Array.from({ length: s.K }, (_, k) => o.slice(k * s.B, k * s.B + s.B).sort((a, b) => a - b));
    const key = JSON.stringify(batches);
    const hit = epochs.get(key);
    if (hit) hit.w += 1 / orders.length;
    else epochs.set(key, { batches, w: 1 / orders.length });
  }
  let seqs: Array<{ batches: number[][]; w: number }> = [{ batches: [], w: 1 }];
  for (let e = 0; e < s.E; e++) seqs = seqs.flatMap((q) => [...epochs.values()].map((ep) => ({ batches: [...q.batches, ...ep.batches], w: q.w * ep.w })));
  return seqs.map((q) => ({ batches: q.batches.map((b) => new Set(b)), w: q.w }));
}

/** Σ over embeddings of Π_edges a^{t_p − t_c − 1} · Π_parts (rows in all the part's batches)/B^m (/N for the root's part). */
function bruteTimeSum(p: TimePattern, s: Schedule, a: readonly number[]): number {
  const n = p.parent.length;
  const partIds = [...new Set([...p.part, ...(p.rootPart !== undefined ? [p.rootPart] : [])])];
  let total = 0;
  for (const { batches, w } of batchSequences(s)) {
    const t = new Array<number>(n).fill(0);
    for (let code = 0; code < s.T ** n; code++) {
      let c = code;
      for (let v = 0; v < n; v++) {
        t[v] = c % s.T;
        c = Math.floor(c / s.T);
      }
      let weight = w;
      for (let v = 0; v < n && weight !== 0; v++) {
        const tp = p.parent[v]! < 0 ? s.T : t[p.parent[v]!]!;
        weight = t[v]! < tp ? weight * a[v]! ** (tp - t[v]! - 1) : 0;
      }
      if (weight === 0) continue;
      for (const id of partIds) {
        const nodes = p.part.map((q, v) => (q === id ? v : -1)).filter((v) => v >= 0);
        let rows = 0;
        for (let r = 0; r < s.N; r++) if (nodes.every((v) => batches[t[v]!]!.has(r))) rows++;
        weight *= rows / s.B ** nodes.length / (id === p.rootPart ? s.N : 1);
      }
      total += weight;
    }
  }
  return total;
}

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

test('timeSum equals the brute-force embedding sum for every diagram with ≤ 3 edges (test and train roots; N ≤ 4, B ∈ {1, 2}, E ≤ 3, both shuffles, GD), random decays, to 1e-12', () => {
  const r = uniformStream(7);
  let checked = 0;
  for (const s of schedules) {
    for (let k = 1; k <= 3; k++) {
      for (const d of diagrams(k, 'train')) {
        for (const train of d.rootAlone ? [false, true] : [true]) {
          const p = patternOf(d, train);
          // two tuples of random a ∈ (−1, 1.2): the program is vectorized over tuples
          const a = [0, 1].map(() => p.parent.map(() => 2.2 * r() - 1));
          const decay = p.parent.map((_, v) => Float64Array.from(a, (tuple) => 1 - tuple[v]!));
          const got = timeSum(p, s, decay).value;
          a.forEach((tuple, x) => {
            const want = bruteTimeSum(p, s, tuple);
            const err = Math.abs(got[x]! - want);
            assert.ok(err <= 1e-12 * Math.max(1, Math.abs(want)), `${describeSchedule(s)} ${d.key} ${train ? 'train' : 'test'}: ${got[x]} vs brute force ${want}`);
          });
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 1000);
});
