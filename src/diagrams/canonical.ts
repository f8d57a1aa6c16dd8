/**
 * @file Canonical labeling of a diagram by individualization–refinement (the scheme of nauty,
 * small enough to read): refine node colors until stable, individualize a node of the first
 * non-singleton color class, recurse, keep the smallest code among the leaves of the search, and
 * prune siblings that automorphisms already found map onto each other. Isomorphic diagrams get
 * identical canonical structures; a final breadth-first relabeling makes parents precede children.
 */
import { childrenOf, depthsOf, normalizeParts, type Structure } from './structure.ts';

interface Graph {
  n: number;
  parent: readonly number[];
  children: number[][];
  mates: number[][]; // other nodes of the same part
  part: number[];
}

function graphOf(s: Structure): Graph {
  const part = normalizeParts(s.part);
  const members: number[][] = [];
  part.forEach((p, v) => (members[p] ??= []).push(v));
  return {
    n: s.parent.length,
    parent: s.parent,
    children: childrenOf(s.parent),
    mates: part.map((p, v) => members[p]!.filter((u) => u !== v)),
    part,
  };
}

function lexCompare(a: readonly number[], b: readonly number[]): number {
  const m = Math.min(a.length, b.length);
  for (let i = 0; i < m; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function countDistinct(c: readonly number[]): number {
  return new Set(c).size;
}

/**
 * Equitable refinement: a node's new color is its old color followed by its parent's color, its
 * children's colors and its part-mates' colors (sorted). Colors are ranks of these signatures,
 * so they depend only on the isomorphism class, and the old order of classes is kept.
 */
function refine(g: Graph, colors: readonly number[]): number[] {
  let c = [...colors];
  let k = countDistinct(c);
  for (;;) {
    const sig = c.map((cv, v) => {
      const ch = g.children[v]!.map((u) => c[u]!).sort((a, b) => a - b);
      const mt = g.mates[v]!.map((u) => c[u]!).sort((a, b) => a - b);
      // More children sort first so breadth-first labels put the bushier subtree first, as in
      // docs/theory.md §2's `(01-02-13)(0-1-2-3)`.
      return [cv, v === 0 ? -1 : c[g.parent[v]!]!, -ch.length, ...ch, mt.length, ...mt];
    });
    const order = [...sig.keys()].sort((a, b) => lexCompare(sig[a]!, sig[b]!));
    const next = new Array<number>(g.n);
    let rank = 0;
    order.forEach((v, i) => {
      if (i > 0 && lexCompare(sig[order[i - 1]!]!, sig[v]!) !== 0) rank++;
      next[v] = rank;
    });
    const k2 = rank + 1;
    if (k2 === k) return next;
    c = next;
    k = k2;
  }
}

/** The code of a labeling: parents of labels 1…n−1, then the parts as a restricted growth string in label order. */
function codeOf(g: Graph, lab: readonly number[]): number[] {
  const inv = new Array<number>(g.n);
  lab.forEach((l, v) => (inv[l] = v));
  const code: number[] = [];
  for (let i = 1; i < g.n; i++) code.push(lab[g.parent[inv[i]!]!]!);
  const ids = new Map<number, number>();
  for (let i = 0; i < g.n; i++) {
    const p = g.part[inv[i]!]!;
    if (!ids.has(p)) ids.set(p, ids.size);
    code.push(ids.get(p)!);
  }
  return code;
}

function orbitRoots(n: number, gens: readonly (readonly number[])[]): number[] {
  const up = [...Array(n).keys()];
  const find = (x: number): number => (up[x] === x ? x : (up[x] = find(up[x]!)));
  for (const gamma of gens) {
    for (let v = 0; v < n; v++) {
      const a = find(v);
      const b = find(gamma[v]!);
      if (a !== b) up[a] = b;
    }
  }
  return up.map((_, v) => find(v));
}

/**
 * A canonical labeling: `label[v]` is node v's new number. Root stays 0; every parent gets a
 * smaller number than its children (breadth-first, children in canonical order).
 */
export function canonicalLabeling(s: Structure): number[] {
  const g = graphOf(s);
  const state: { best: { code: number[]; lab: number[]; inv: number[] } | null } = { best: null };
  const autos: number[][] = [];

  const search = (colors: readonly number[], seq: readonly number[]): void => {
    const c = refine(g, colors);
    const cellSize = new Map<number, number>();
    for (const x of c) cellSize.set(x, (cellSize.get(x) ?? 0) + 1);
    let target = Infinity;
    for (const [x, size] of cellSize) if (size > 1 && x < target) target = x;
    if (target === Infinity) {
      const code = codeOf(g, c);
      const best = state.best;
      const cmp = best === null ? -1 : lexCompare(code, best.code);
      if (cmp < 0) {
        const inv = new Array<number>(g.n);
        c.forEach((l, v) => (inv[l] = v));
        state.best = { code, lab: c, inv };
      } else if (cmp === 0) {
        autos.push(c.map((l) => best!.inv[l]!));
      }
      return;
    }
    const cell = c.flatMap((x, v) => (x === target ? [v] : []));
    const explored: number[] = [];
    for (const w of cell) {
      if (explored.length > 0) {
        // Automorphisms that fix the individualized nodes map whole search subtrees onto each other.
        const fixing = autos.filter((gamma) => seq.every((u) => gamma[u] === u));
        if (fixing.length > 0) {
          const root = orbitRoots(g.n, fixing);
          if (explored.some((u) => root[u] === root[w])) continue;
        }
      }
      explored.push(w);
      const next = c.map((x) => 2 * x + 1);
      next[w] = 2 * c[w]!;
      search(next, [...seq, w]);
    }
  };
  search(depthsOf(g.parent), []);

  // Breadth-first relabeling of the canonical structure: a function of the canonical structure
  // alone, so still canonical, and parents come before children.
  const { inv, lab } = state.best!;
  const canonChildren = childrenOf(inv.map((v, i) => (i === 0 ? -1 : lab[g.parent[v]!]!)));
  const final = new Array<number>(g.n);
  const queue = [0];
  for (let next = 0; next < queue.length; next++) {
    const i = queue[next]!;
    final[inv[i]!] = next;
    queue.push(...canonChildren[i]!.sort((a, b) => a - b));
  }
  return final;
}

/** The structure relabeled by `label` (node v becomes label[v]); parts normalized in label order. */
export function relabel(s: Structure, label: readonly number[]): Structure {
  const n = s.parent.length;
  const parent = new Array<number>(n);
  const part = new Array<number>(n);
  for (let v = 0; v < n; v++) {
    parent[label[v]!] = v === 0 ? -1 : label[s.parent[v]!]!;
    part[label[v]!] = s.part[v]!;
  }
  return { parent, part: normalizeParts(part) };
}
