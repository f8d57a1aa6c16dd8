/**
 * @file Claims about L_S(D): the weak-order sums of docs/theory.md §3 equal a direct count of labeled
 * embeddings into explicit batch lists (every shuffle for `reshuffle`), for every diagram with
 * up to 3 edges, test and train; schedules reject bad input; cost does not grow with N, T or E.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gd, InputError, sgd, type Schedule } from '../core/index.ts';
import { diagram, diagrams, embeddingCount, rationals, type Diagram } from './index.ts';

const { rational, equals, toString, add, mul } = rationals;

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** Direct count for one explicit list of batches (sets of rows), following docs/theory.md §3's definition. */
function directCount(D: Diagram, batches: number[][], N: number, quantity: 'test' | 'train'): number {
  const n = D.parent.length;
  const T = batches.length;
  const stepsOfRow = Array.from({ length: N }, (_, r) => [...batches.keys()].filter((t) => batches[t]!.includes(r)));
  const nonRootParts = [...new Set(D.part.slice(1))];
  const rowOfPart = new Map<number, number>();
  const time = new Array<number>(n).fill(T); // the root sits at time T
  let count = 0;
  const assignTimes = (v: number): void => {
    if (v === n) {
      // every edge below the root goes strictly forward in time
      for (let c = 1; c < n; c++) if (D.parent[c] !== 0 && !(time[c]! < time[D.parent[c]!]!)) return;
      if (quantity === 'test') count++;
      else if (D.rootAlone) count += N - nonRootParts.length; // the root's row differs from all others
      else count++; // the root's row is its part's row
      return;
    }
    for (const t of stepsOfRow[rowOfPart.get(D.part[v]!)!]!) {
      time[v] = t;
      assignTimes(v + 1);
    }
  };
  const assignRows = (i: number, used: Set<number>): void => {
    if (i === nonRootParts.length) return assignTimes(1);
    for (let r = 0; r < N; r++) {
      if (used.has(r)) continue;
      rowOfPart.set(nonRootParts[i]!, r);
      used.add(r);
      assignRows(i + 1, used);
      used.delete(r);
    }
  };
  assignRows(0, new Set());
  return count;
}

/** Every epoch order (or the identity), as batch lists with their probabilities. */
function scheduleRealizations(s: Schedule): Array<{ batches: number[][]; p: number }> {
  if (s.kind === 'gd') return [{ batches: Array.from({ length: s.T }, () => [...Array(s.N).keys()]), p: 1 }];
  const orders = s.shuffle === 'fixed' ? [[...Array(s.N).keys()]] : permutations(s.N);
  let out = [{ batches: [] as number[][], p: 1 }];
  for (let e = 0; e < s.E; e++) {
    out = out.flatMap(({ batches, p }) =>
      orders.map((o) => ({ batches: [...batches, ...Array.from({ length: s.K }, (_, k) => o.slice(k * s.B, (k + 1) * s.B))], p: p / orders.length })),
    );
  }
  return out;
}

/**
 * The realizations grouped by their batches as sets of rows — all a direct count sees (a row is
 * in a batch or not) — each with how many realizations it stands for. With B = 2 and reshuffling,
 * many orders cut an epoch into the same batches (N = 4, E = 2: 576 realizations, 36 distinct).
 */
function distinctRealizations(s: Schedule): { distinct: Array<{ batches: number[][]; times: number }>; total: number } {
  const all = scheduleRealizations(s);
  const byKey = new Map<string, { batches: number[][]; times: number }>();
  for (const { batches } of all) {
    const key = JSON.stringify(batches.map((b) => [...b].sort((x, y) => x - y)));
    const hit = byKey.get(key);
    if (hit) hit.times++;
    else byKey.set(key, { batches, times: 1 });
  }
  return { distinct: [...byKey.values()], total: all.length };
}

/** The direct count averaged over the equally likely realizations, exactly: Σ times·count / total. */
function expectedDirectCount(D: Diagram, r: ReturnType<typeof distinctRealizations>, N: number, quantity: 'test' | 'train') {
  let expected = rational(0);
  for (const { batches, times } of r.distinct) expected = add(expected, rational(times * directCount(D, batches, N, quantity)));
  return mul(expected, rational(1, r.total));
}

test('L_S(D) equals a direct count of embeddings for every diagram with ≤ 3 edges (N ≤ 4, B ∈ {1, 2}, E ≤ 3, both shuffles, GD)', () => {
  const schedules: Schedule[] = [];
  for (const N of [1, 2, 3, 4]) {
    for (const B of [1, 2]) {
      if (N % B !== 0) continue;
      for (const E of [1, 2, 3]) {
        schedules.push(sgd({ N, B, E, shuffle: 'fixed' }));
        // reshuffle realizations grow like (N!)^E: keep N = 4 to two epochs
        if (N < 4 || E < 3) schedules.push(sgd({ N, B, E, shuffle: 'reshuffle' }));
      }
    }
    for (const T of [1, 3]) schedules.push(gd({ N, T }));
  }
  let checked = 0;
  for (const s of schedules) {
    const realizations = distinctRealizations(s);
    for (let d = 0; d <= 3; d++) {
      for (const D of diagrams(d, 'train')) {
        for (const quantity of D.rootAlone ? (['test', 'train'] as const) : (['train'] as const)) {
          // The expectation over shuffles, exactly: realizations are equally likely.
          const expected = expectedDirectCount(D, realizations, s.N, quantity);
          const got = embeddingCount(D, s, quantity);
          assert.ok(equals(got, expected), `${D.key} ${quantity} ${JSON.stringify(s)}: ${toString(got)} vs direct ${toString(expected)}`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 3000, `checked ${checked} counts`); // 3,486 (schedule, diagram, quantity) triples
});

test('L_S(D) equals the direct count for every diagram with 4 edges on a few small schedules', () => {
  // Diagrams that differ only in which node is the root have equal values, so the brute-force
  // expansion in theory/exactness.test.ts checks only their summed multipliers; this checks each.
  const schedules = [
    sgd({ N: 3, B: 1, E: 2 }),
    sgd({ N: 3, B: 1, E: 3 }),
    sgd({ N: 3, B: 1, E: 2, shuffle: 'reshuffle' }),
    sgd({ N: 4, B: 2, E: 2, shuffle: 'reshuffle' }),
    sgd({ N: 2, B: 1, E: 2, shuffle: 'reshuffle' }),
    sgd({ N: 4, B: 2, E: 2 }),
    sgd({ N: 4, B: 2, E: 1, shuffle: 'reshuffle' }),
    gd({ N: 2, T: 3 }),
  ];
  for (const s of schedules) {
    const realizations = distinctRealizations(s);
    for (const D of diagrams(4, 'train')) {
      for (const quantity of D.rootAlone ? (['test', 'train'] as const) : (['train'] as const)) {
        const expected = expectedDirectCount(D, realizations, s.N, quantity);
        const got = embeddingCount(D, s, quantity);
        assert.ok(equals(got, expected), `${D.key} ${quantity} ${JSON.stringify(s)}: ${toString(got)} vs direct ${toString(expected)}`);
      }
    }
  }
});

test('order-1 counts by hand: T·B steps-and-rows; the train root adds N − 1 rows or ties to the node', () => {
  const s = sgd({ N: 12, B: 3, E: 5 }); // T = 20
  assert.equal(toString(embeddingCount(diagram('(01)(0-1)'), s, 'test')), '60');
  assert.equal(toString(embeddingCount(diagram('(01)(0-1)'), s, 'train')), String(60 * 11));
  assert.equal(toString(embeddingCount(diagram('(01)(01)'), s, 'train')), '60');
});

test('counts are exact far beyond 2^53 and do not walk time: N = 10^12, E = 10^6 in well under a second', () => {
  const t0 = performance.now();
  const s = sgd({ N: 1e12, B: 1, E: 1e6 });
  // chain (01-12)(0-1-2) with B = 1: ordered pairs of steps t₂ < t₁ on different rows
  // = C(T, 2) − N·C(E, 2), T = N·E.
  const N = 10n ** 12n;
  const E = 10n ** 6n;
  const T = N * E;
  const got = embeddingCount(diagram('(01-12)(0-1-2)'), s, 'test');
  assert.equal(toString(got), String((T * (T - 1n)) / 2n - (N * E * (E - 1n)) / 2n));
  for (const D of diagrams(4, 'test')) embeddingCount(D, s, 'test');
  assert.ok(performance.now() - t0 < 1000);
});

test('with one epoch, reshuffling does not change the count; with K = 1 batch per epoch neither', () => {
  for (const D of diagrams(3, 'train')) {
    for (const [a, b] of [
      [sgd({ N: 6, B: 2, E: 1, shuffle: 'fixed' }), sgd({ N: 6, B: 2, E: 1, shuffle: 'reshuffle' })],
      [sgd({ N: 4, B: 4, E: 3, shuffle: 'fixed' }), sgd({ N: 4, B: 4, E: 3, shuffle: 'reshuffle' })],
      [sgd({ N: 4, B: 4, E: 3 }), gd({ N: 4, T: 3 })],
    ] as const) {
      assert.ok(equals(embeddingCount(D, a, 'train'), embeddingCount(D, b, 'train')), D.key);
    }
  }
});

test('a train-loss diagram asked for the test loss is an InputError', () => {
  assert.throws(() => embeddingCount(diagram('(01)(01)'), sgd({ N: 2 }), 'test'), (e: unknown) => e instanceof InputError && /train-loss diagram/.test(e.message));
});
