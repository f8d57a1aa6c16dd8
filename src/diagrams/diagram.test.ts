/**
 * @file Claims about diagrams: counts of trees and diagrams agree with an independent brute
 * force over labeled structures, canonical keys are labeling-invariant, |Aut| equals a count over
 * all node permutations, keys parse in any labeling and malformed ones are named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../core/index.ts';
import { automorphismCount, canonicalKey, diagram, diagramFrom, diagramOf, diagrams, formatKey, parseKey, rootedTrees } from './index.ts';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** Every parent array with parent[v] < v: each rooted tree has such a labeling (breadth-first). */
function* recursiveTrees(n: number): Generator<number[]> {
  const parent = new Array<number>(n).fill(-1);
  const rec = function* (v: number): Generator<number[]> {
    if (v === n) return void (yield [...parent]);
    for (let p = 0; p < v; p++) {
      parent[v] = p;
      yield* rec(v + 1);
    }
  };
  yield* rec(1);
}

function* allPartitions(n: number): Generator<number[]> {
  const a = new Array<number>(n).fill(0);
  const rec = function* (i: number, max: number): Generator<number[]> {
    if (i === n) return void (yield [...a]);
    for (let k = 0; k <= max + 1; k++) {
      a[i] = k;
      yield* rec(i + 1, Math.max(max, k));
    }
  };
  yield* rec(1, 0);
}

/**
 * Brute-force canonical code: the smallest relabeled (parents, parts-in-label-order) over all
 * permutations of the non-root nodes. Shares no code with the library.
 */
function bruteCode(parent: readonly number[], part: readonly number[], perms: number[][]): string {
  const n = parent.length;
  let best = '';
  for (const perm of perms) {
    const lab = [0, ...perm.map((x) => x + 1)]; // node v → label lab[v]
    const p = new Array<number>(n);
    const q = new Array<number>(n);
    for (let v = 0; v < n; v++) {
      p[lab[v]!] = v === 0 ? -1 : lab[parent[v]!]!;
      q[lab[v]!] = part[v]!;
    }
    const ids = new Map<number, number>();
    const rgs = q.map((x) => (ids.has(x) ? ids.get(x)! : (ids.set(x, ids.size), ids.size - 1)));
    const code = `${p.join(',')}|${rgs.join(',')}`;
    if (best === '' || code < best) best = code;
  }
  return best;
}

test('rooted trees with 1…10 nodes number 1, 1, 2, 4, 9, 20, 48, 115, 286, 719 (OEIS A000081)', () => {
  const counts = [];
  for (let n = 1; n <= 10; n++) counts.push([...rootedTrees(n)].length);
  assert.deepEqual(counts, [1, 1, 2, 4, 9, 20, 48, 115, 286, 719]);
});

test('the tree generator yields each isomorphism class once (brute force over labeled trees, ≤ 7 nodes)', () => {
  for (let n = 1; n <= 7; n++) {
    const perms = permutations(n - 1);
    const classes = new Set<string>();
    for (const t of recursiveTrees(n)) classes.add(bruteCode(t, new Array(n).fill(0), perms));
    const generated = new Set([...rootedTrees(n)].map((t) => bruteCode(t, new Array(n).fill(0), perms)));
    assert.equal(generated.size, [...rootedTrees(n)].length, `n = ${n}: a tree was generated twice`);
    assert.deepEqual([...generated].sort(), [...classes].sort(), `n = ${n}`);
  }
});

// Numbers of diagrams with d = 0…5 edges (no path condition), found by the brute force below:
// test loss (root alone) 1, 1, 4, 17, 101, 700; train loss (root may share) 1, 2, 9, 48, 329, 2633.
test('diagram counts per order match brute-force canonicalization of every labeled structure (d ≤ 5)', () => {
  const expected = { test: [1, 1, 4, 17, 101, 700], train: [1, 2, 9, 48, 329, 2633] };
  for (let d = 0; d <= 5; d++) {
    const n = d + 1;
    const perms = permutations(d);
    for (const kind of ['test', 'train'] as const) {
      const keyOfClass = new Map<string, string>();
      for (const parent of recursiveTrees(n)) {
        for (const part of allPartitions(n)) {
          if (kind === 'test' && part.slice(1).includes(part[0]!)) continue;
          const code = bruteCode(parent, part, perms);
          const key = diagramOf({ parent, part }).key;
          const seen = keyOfClass.get(code);
          // Same class ⇒ same key (invariance).
          if (seen !== undefined) assert.equal(key, seen, `isomorphic structures got keys ${seen} and ${key}`);
          else keyOfClass.set(code, key);
        }
      }
      // Different classes ⇒ different keys, and the enumeration finds exactly these.
      const keys = [...keyOfClass.values()];
      assert.equal(new Set(keys).size, keys.length, `d = ${d} ${kind}: two classes share a key`);
      assert.deepEqual(diagrams(d, kind).map((x) => x.key), [...keys].sort(), `d = ${d} ${kind}`);
      assert.equal(keys.length, expected[kind][d], `d = ${d} ${kind}`);
    }
  }
});

test('order 6 has 5,861 test-loss and 24,533 train-loss diagrams, with distinct canonical keys', () => {
  const te = diagrams(6, 'test');
  const tr = diagrams(6, 'train');
  assert.equal(te.length, 5861);
  assert.equal(tr.length, 24533);
  assert.equal(new Set(tr.map((x) => x.key)).size, tr.length);
  assert.ok(te.every((x) => x.rootAlone) && tr.filter((x) => x.rootAlone).length === te.length);
});

test('|Aut| equals the number of node permutations preserving parents and parts (all diagrams, d ≤ 5)', () => {
  for (let d = 0; d <= 5; d++) {
    const perms = permutations(d + 1);
    for (const D of diagrams(d, 'train')) {
      let count = 0;
      for (const s of perms) {
        const ok = D.parent.every((p, v) => (p === -1 ? s[v] === -1 || s[v] === 0 : D.parent[s[v]!] === s[p]!) ) &&
          D.part.every((_, u) => D.part.every((__, v) => (D.part[u] === D.part[v]) === (D.part[s[u]!] === D.part[s[v]!])));
        if (ok) count++;
      }
      assert.equal(D.aut, count, `${D.key}`);
    }
  }
});

test('|Aut| of a few diagrams derived by hand', () => {
  // Root with 3 leaves in one part: the 3! leaf permutations. Two leaves tied + one alone: swap the tied pair.
  assert.equal(diagram('(01-02-03)(0-123)').aut, 6);
  assert.equal(diagram('(01-02-03)(0-12-3)').aut, 2);
  // Two cherries under the root, all singletons: swap leaves in each cherry, swap cherries: 2·2·2.
  assert.equal(diagram('(01-02-13-14-25-26)(0-1-2-3-4-5-6)').aut, 8);
  // ...tie the leaves across cherries pairwise (3 with 5, 4 with 6): swapping the cherries keeps the
  // ties, and so does swapping inside both cherries at once; swapping inside one alone does not: 4.
  assert.equal(diagram('(01-02-13-14-25-26)(0-1-2-35-46)').aut, 4);
  assert.equal(automorphismCount({ parent: [-1, 0, 0, 0, 0, 0, 0, 0, 0], part: [0, 1, 2, 3, 4, 5, 6, 7, 8] }), 40320);
});

test('docs/theory.md §2 key examples parse to the named diagrams and print back unchanged', () => {
  const examples: Array<[string, string]> = [
    ['()(0)', 'l'],
    ['(01)(0-1)', 'G·G'],
    ['(01)(01)', 'E[g·g]'],
    ['(01-02)(0-12)', 'H:E[gg]'],
    ['(01-02)(012)', 'E[H_x g_x g_x]'],
    ['(01-02-13)(0-1-2-3)', 'H[H·G,G]'],
    ['(01-02-03)(0-123)', 'J:E[g⊗g⊗g]'],
    ['(01-12)(0-12)', 'G·E[H_x g_x]'],
    ['(01-02)(0-1-2)', 'H[G,G]'],
    ['(01-12)(0-1-2)', 'G·H·G'],
  ];
  for (const [key, label] of examples) {
    const D = diagram(key);
    assert.equal(D.key, key, `${key} is already canonical`);
    assert.equal(D.label, label, key);
  }
});

test('different diagrams get different labels: every non-empty label of orders ≤ 4 names one diagram', () => {
  const seen = new Map<string, string>();
  for (let d = 0; d <= 4; d++) {
    for (const D of diagrams(d, 'train')) {
      if (!D.label) continue;
      assert.equal(seen.get(D.label) ?? D.key, D.key, `label ${D.label} names both ${seen.get(D.label)} and ${D.key}`);
      seen.set(D.label, D.key);
    }
  }
  // Chains of singletons rooted at an end read left to right; rooted inside, the root's H takes the two arms.
  const want: Array<[string, string]> = [
    ['(01-12)(0-1-2)', 'G·H·G'],
    ['(01-02)(0-1-2)', 'H[G,G]'],
    ['(01-12-23)(0-1-2-3)', 'G·H·H·G'],
    ['(01-02-13)(0-1-2-3)', 'H[H·G,G]'],
    ['(01-12-23-34)(0-1-2-3-4)', 'G·H·H·H·G'],
    ['(01-02-13-34)(0-1-2-3-4)', 'H[H·H·G,G]'],
    ['(01-02-13-24)(0-1-2-3-4)', 'H[H·G,H·G]'],
  ];
  for (const [key, label] of want) assert.equal(diagram(key).label, label, key);
});

test('keys in any labeling canonicalize to one key', () => {
  assert.equal(canonicalKey('(02-01)(0-21)'), '(01-02)(0-12)');
  assert.equal(canonicalKey('(02-21)(0-1-2)'), '(01-12)(0-1-2)');
  assert.equal(canonicalKey('(03-01-12)(0-1-2-3)'), '(01-02-13)(0-1-2-3)');
  assert.equal(canonicalKey('(01-02-23)(0-13-2)'), canonicalKey('(02-01-13)(0-23-1)'));
  // Random relabelings of every order-4 train diagram.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const D of diagrams(4, 'train')) {
    for (let trial = 0; trial < 3; trial++) {
      const perm = [0, ...[1, 2, 3, 4].sort(() => rand() - 0.5)];
      const parent = new Array<number>(5);
      const part = new Array<number>(5);
      for (let v = 0; v < 5; v++) {
        parent[perm[v]!] = v === 0 ? -1 : perm[D.parent[v]!]!;
        part[perm[v]!] = D.part[v]! * 7 + 3; // part ids need not be 0,1,2,…
      }
      assert.equal(canonicalKey(formatKey({ parent, part })), D.key);
    }
  }
});

test('edges and parts are given in canonical labeling with parents before children', () => {
  // Node 3 (with child 1) and leaf 2 hang from the root; 1 and 2 share a part. Canonically the
  // bushier child comes first: 3 → 1, 2 → 2, 1 → 3.
  const D = diagramFrom([[0, 3], [3, 1], [0, 2]], [[0], [1, 2], [3]]);
  assert.equal(D.key, '(01-02-13)(0-1-23)');
  assert.deepEqual(D.edges, [[0, 1], [0, 2], [1, 3]]);
  assert.deepEqual(D.parts, [[0], [1], [2, 3]]);
  assert.equal(D.order, 3);
  for (const X of diagrams(5, 'train')) assert.ok(X.parent.every((p, v) => v === 0 || p < v));
});

test('malformed keys are InputErrors that name the key and the problem', () => {
  const bad: Array<[string, RegExp]> = [
    ['01-02', /expected the form \(edges\)\(parts\)/],
    ['(01-02)(0-1)', /node 2 is missing|names a node that is in no part/],
    ['(01-0)(0-1)', /edge '0' must be two node digits/],
    ['(01-01)(0-1)', /two parents/],
    ['(01)(0-1-2)', /3 nodes need 2 edges/],
    ['(12-21)(0-1-2)', /cycle|need/],
    ['(10)(0-1)', /points into the root/],
    ['(01)(0-)', /empty part/],
    ['(01)(0-11)', /more than one place/],
    ['(0!)(0-1)', /not a node digit/],
    ['(01-02)(0-1-3)', /missing/],
  ];
  for (const [key, msg] of bad) {
    assert.throws(() => parseKey(key), (e: unknown) => e instanceof InputError && msg.test(e.message) && e.message.includes(key), key);
  }
});

test('irreducible: no non-root node with one child alone in its part (paper §2, read as in label.ts)', () => {
  assert.equal(diagram('(01-12)(0-1-2)').irreducible, false); // G·H·G: H on an edge, resummed into K
  assert.equal(diagram('(01-02)(0-1-2)').irreducible, true); // root Hessian: measured, not propagated
  assert.equal(diagram('(01-02)(0-12)').irreducible, true); // Corollary 2's C:H diagram
  assert.equal(diagram('(01-12)(0-12)').irreducible, true); // the H_x node shares its sample
  assert.equal(diagram('(01-12-13-24-35)(0-1-23-4-5)').irreducible, true); // 2 and 3 have one child each but share a part
  assert.equal(diagram('(01-12-23)(0-13-2)').irreducible, false); // node 2: one child, alone
  // The flag against the definition, read off the public edges and parts, for every diagram ≤ 5 edges.
  for (let d = 0; d <= 5; d++) {
    for (const D of diagrams(d, 'train')) {
      const oneChildAlone = D.parts.some((p) => p.length === 1 && p[0] !== 0 && D.edges.filter(([q]) => q === p[0]).length === 1);
      assert.equal(D.irreducible, !oneChildAlone, D.key);
    }
  }
  // Irreducible test-loss diagrams with 0…4 edges: 1, 1, 3, 12, 65 (of 1, 1, 4, 17, 101).
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((d) => diagrams(d, 'test').filter((x) => x.irreducible).length),
    [1, 1, 3, 12, 65],
  );
});
