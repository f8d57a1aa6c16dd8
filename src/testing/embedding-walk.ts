/**
 * @file A brute-force walk of every labeled embedding of a time pattern into a schedule
 * (docs/theory.md §9, THEORY §7's cumulant rule): every time of every node, every row, every
 * shuffle (each epoch's N! orders), rows shared between parts allowed, the product over parts
 * of (rows present at all the part's times)/B^m averaged over the shuffles. Knows nothing of
 * the dynamic program it checks (src/theory/timesum.ts). Tiny N and T only.
 */
import type { Schedule } from '../core/index.ts';
import type { TimePattern } from '../theory/index.ts';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** Every possible list of T batches (each a set of rows) with its probability. */
export function batchSequences(s: Schedule): Array<{ batches: Set<number>[]; w: number }> {
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
export function bruteTimeSum(p: TimePattern, s: Schedule, a: readonly number[]): number {
  const n = p.parent.length;
  const partIds = [...new Set([...p.part, ...(p.rootPart !== undefined ? [p.rootPart] : [])])];
  // Each part's nodes and factor 1/(B^m (·N for the root's part)): the same for every embedding.
  const parts = partIds.map((id) => {
    const nodes = p.part.map((q, v) => (q === id ? v : -1)).filter((v) => v >= 0);
    return { nodes, B: s.B ** nodes.length, N: id === p.rootPart ? s.N : 1 };
  });
  // Every assignment of times to the nodes with each node before its parent (the root at T), with
  // the exponents t_p − t_c − 1: the others weigh 0 whatever the batches. Enumerated once, not per batch sequence.
  const timed: Array<{ t: number[]; e: number[] }> = [];
  for (let code = 0; code < s.T ** n; code++) {
    const t = new Array<number>(n);
    let c = code;
    for (let v = 0; v < n; v++) {
      t[v] = c % s.T;
      c = Math.floor(c / s.T);
    }
    const e = t.map((tv, v) => (p.parent[v]! < 0 ? s.T : t[p.parent[v]!]!) - tv - 1);
    if (e.every((x) => x >= 0)) timed.push({ t, e });
  }
  let total = 0;
  for (const { batches, w } of batchSequences(s)) {
    const member = batches.map((b) => Uint8Array.from({ length: s.N }, (_, r) => (b.has(r) ? 1 : 0)));
    for (const { t, e } of timed) {
      let weight = w;
      for (let v = 0; v < n && weight !== 0; v++) weight *= a[v]! ** e[v]!;
      if (weight === 0) continue;
      for (const { nodes, B, N } of parts) {
        let rows = 0;
        for (let r = 0; r < s.N; r++) {
          let all = 1;
          for (let j = 0; j < nodes.length && all; j++) all = member[t[nodes[j]!]!]![r]!;
          rows += all;
        }
        weight *= rows / B / N;
      }
      total += weight;
    }
  }
  return total;
}
