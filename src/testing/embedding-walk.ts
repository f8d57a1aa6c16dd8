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
