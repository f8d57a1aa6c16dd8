/**
 * @file Rooted unlabeled trees as canonical level sequences, generated in constant amortized
 * time by the successor rule of Beyer & Hedetniemi (SIAM J. Comput. 15(3), 1986). Counts are
 * OEIS A000081: 1, 1, 2, 4, 9, 20, 48, 115, 286, … for 1, 2, 3, … nodes.
 */
import { InputError } from '../core/index.ts';

/** Level sequences (preorder depths) of every rooted tree with `nodes` nodes, each once. */
export function* levelSequences(nodes: number): Generator<readonly number[]> {
  if (!Number.isInteger(nodes) || nodes < 1) throw new InputError(`rootedTrees: nodes must be a positive integer, got ${nodes}`);
  const L = [...Array(nodes).keys()]; // the path
  for (;;) {
    yield [...L];
    let p = nodes - 1;
    while (p > 0 && L[p]! <= 1) p--;
    if (p === 0) return; // the star: last in the order
    let q = p - 1;
    while (L[q] !== L[p]! - 1) q--;
    for (let i = p; i < nodes; i++) L[i] = L[i - (p - q)]!;
  }
}

/** Parent array (preorder labels, root 0, parent[0] = −1) of a level sequence. */
export function parentsOfLevels(L: readonly number[]): number[] {
  const parent = new Array<number>(L.length).fill(-1);
  const lastAt: number[] = [];
  L.forEach((lv, i) => {
    if (i > 0) parent[i] = lastAt[lv - 1]!;
    lastAt[lv] = i;
  });
  return parent;
}

/** Every rooted tree with `nodes` nodes as a parent array in preorder labeling. */
export function* rootedTrees(nodes: number): Generator<number[]> {
  for (const L of levelSequences(nodes)) yield parentsOfLevels(L);
}

/** Set partitions of {0…n−1} as restricted growth strings (Bell(n) of them). */
export function* setPartitions(n: number): Generator<number[]> {
  const a = new Array<number>(n).fill(0);
  const rec = function* (i: number, max: number): Generator<number[]> {
    if (i === n) {
      yield [...a];
      return;
    }
    for (let k = 0; k <= max + 1; k++) {
      a[i] = k;
      yield* rec(i + 1, Math.max(max, k));
    }
  };
  if (n === 0) {
    yield [];
    return;
  }
  yield* rec(1, 0);
}
