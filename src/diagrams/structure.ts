/**
 * @file The raw shape of a diagram in some labeling — a parent map and a part id per node — and
 * its validation. Everything else (canonical form, symmetry, keys) is computed from this.
 */
import { InputError } from '../core/index.ts';

/**
 * A labeled diagram: nodes 0…n−1, node 0 the root (`parent[0] = -1`), `part[v]` the id of v's
 * part (any integers; equal ids = same part). docs/theory.md §2: a rooted tree plus a partition of its
 * nodes, with no path condition.
 */
export interface Structure {
  readonly parent: readonly number[];
  readonly part: readonly number[];
}

/** Throws InputError (naming `where`) unless `s` is a rooted tree on 0…n−1 with root 0. */
export function validateStructure(s: Structure, where: string): void {
  const n = s.parent.length;
  if (n < 1) throw new InputError(`${where}: a diagram needs at least the root node`);
  if (s.part.length !== n) throw new InputError(`${where}: ${n} nodes but ${s.part.length} part ids`);
  if (s.parent[0] !== -1) throw new InputError(`${where}: node 0 is the root and must have no parent`);
  for (let v = 1; v < n; v++) {
    const p = s.parent[v]!;
    if (!Number.isInteger(p) || p < 0 || p >= n || p === v) {
      throw new InputError(`${where}: node ${v} has no valid parent (expected one edge into it from a node 0…${n - 1})`);
    }
  }
  // Every node must reach the root: no cycles among non-root nodes.
  for (let v = 1; v < n; v++) {
    let u = v;
    for (let steps = 0; u !== 0; steps++) {
      if (steps > n) throw new InputError(`${where}: the edges form a cycle through node ${v}, expected a tree`);
      u = s.parent[u]!;
    }
  }
  for (let v = 0; v < n; v++) {
    if (!Number.isInteger(s.part[v])) throw new InputError(`${where}: node ${v} has part id ${s.part[v]}, expected an integer`);
  }
}

export function childrenOf(parent: readonly number[]): number[][] {
  const ch: number[][] = parent.map(() => []);
  for (let v = 1; v < parent.length; v++) ch[parent[v]!]!.push(v);
  return ch;
}

/** Parts as sorted node lists, ordered by their smallest node (so the root's part comes first). */
export function partsOf(part: readonly number[]): number[][] {
  const byId = new Map<number, number[]>();
  part.forEach((id, v) => {
    const list = byId.get(id);
    if (list) list.push(v);
    else byId.set(id, [v]);
  });
  return [...byId.values()].sort((a, b) => a[0]! - b[0]!);
}

/** Part ids renumbered 0,1,2,… in order of first appearance (a restricted growth string). */
export function normalizeParts(part: readonly number[]): number[] {
  const ids = new Map<number, number>();
  return part.map((id) => {
    let k = ids.get(id);
    if (k === undefined) ids.set(id, (k = ids.size));
    return k;
  });
}

export function depthsOf(parent: readonly number[]): number[] {
  const depth = parent.map(() => -1);
  depth[0] = 0;
  const get = (v: number): number => (depth[v]! >= 0 ? depth[v]! : (depth[v] = get(parent[v]!) + 1));
  for (let v = 0; v < parent.length; v++) get(v);
  return depth;
}
