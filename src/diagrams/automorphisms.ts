/**
 * @file |Aut(D)|: permutations of the nodes that preserve the parent map and the partition
 * (docs/theory.md §2). Counted by backtracking in breadth-first order: a node may only go to an unused
 * child of its parent's image with the same subtree shape and part size, and parts must map to
 * parts one to one. Diagrams are small (≤ 10 nodes), so walking every automorphism is cheap.
 */
import { childrenOf, normalizeParts, type Structure } from './structure.ts';

/** AHU codes: equal strings iff the rooted subtrees are isomorphic (ignoring parts). */
export function subtreeShapes(parent: readonly number[]): string[] {
  const children = childrenOf(parent);
  const shape: string[] = new Array(parent.length);
  const visit = (v: number): string =>
    (shape[v] = `(${children[v]!.map(visit).sort().join('')})`);
  visit(0);
  return shape;
}

export function automorphismCount(s: Structure): number {
  const n = s.parent.length;
  const part = normalizeParts(s.part);
  const size = new Map<number, number>();
  for (const p of part) size.set(p, (size.get(p) ?? 0) + 1);
  const children = childrenOf(s.parent);
  const shape = subtreeShapes(s.parent);
  const order: number[] = [0];
  for (let i = 0; i < order.length; i++) order.push(...children[order[i]!]!);

  const image = new Array<number>(n).fill(-1);
  const used = new Array<boolean>(n).fill(false);
  const partTo = new Map<number, number>();
  const partFrom = new Map<number, number>();
  image[0] = 0;
  used[0] = true;
  partTo.set(part[0]!, part[0]!);
  partFrom.set(part[0]!, part[0]!);
  let count = 0;

  const place = (i: number): void => {
    if (i === n) {
      count++;
      return;
    }
    const v = order[i]!;
    const pv = part[v]!;
    for (const w of children[image[s.parent[v]!]!]!) {
      if (used[w] || shape[w] !== shape[v]) continue;
      const pw = part[w]!;
      if (size.get(pw) !== size.get(pv)) continue;
      const mapped = partTo.get(pv);
      const fresh = mapped === undefined;
      if (fresh ? partFrom.has(pw) : mapped !== pw) continue;
      if (fresh) {
        partTo.set(pv, pw);
        partFrom.set(pw, pv);
      }
      image[v] = w;
      used[w] = true;
      place(i + 1);
      used[w] = false;
      image[v] = -1;
      if (fresh) {
        partTo.delete(pv);
        partFrom.delete(pw);
      }
    }
  };
  place(1);
  return count;
}
