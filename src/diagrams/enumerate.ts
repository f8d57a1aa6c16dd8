/**
 * @file Every diagram with d edges (docs/theory.md §2, no path condition): each rooted tree on d+1
 * nodes with each partition of its nodes, deduplicated by canonical key. Test-loss diagrams
 * keep the root alone in its part; train-loss diagrams let the root share a part.
 */
import { checkOrder, InputError } from '../core/index.ts';
import { diagramOf, type Diagram } from './diagram.ts';
import { rootedTrees, setPartitions } from './trees.ts';

export type DiagramKind = 'test' | 'train';

const cache = new Map<string, readonly Diagram[]>();

/**
 * All diagrams with exactly `order` edges, sorted by key. `test`: root alone in its part;
 * `train`: every partition (a superset of `test`). Cost grows like trees × Bell(order+1):
 * instant to order 6, tens of seconds at 7.
 */
export function diagrams(order: number, kind: DiagramKind = 'test'): readonly Diagram[] {
  if (!Number.isInteger(order) || order < 0) throw new InputError(`diagrams: order must be a non-negative integer, got ${order}`);
  if (kind !== 'test' && kind !== 'train') throw new InputError(`diagrams: kind must be 'test' or 'train', got '${String(kind)}'`);
  const ck = `${kind}:${order}`;
  const hit = cache.get(ck);
  if (hit) return hit;
  const found = new Map<string, Diagram>();
  const n = order + 1;
  for (const parent of rootedTrees(n)) {
    if (kind === 'test') {
      for (const rgs of setPartitions(n - 1)) {
        const d = diagramOf({ parent, part: [0, ...rgs.map((k) => k + 1)] });
        found.set(d.key, d);
      }
    } else {
      for (const part of setPartitions(n)) {
        const d = diagramOf({ parent, part });
        found.set(d.key, d);
      }
    }
  }
  const list = Object.freeze([...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  cache.set(ck, list);
  return list;
}

/** The diagrams with `order` edges of a kind, optionally only the irreducible ones, for listings (to core's MAX_ORDER, as every command). */
export function listDiagrams(o: { order: number; quantity?: DiagramKind; irreducible?: boolean }): readonly Diagram[] {
  checkOrder(o.order, 'diagrams');
  const list = diagrams(o.order, o.quantity ?? 'test');
  return o.irreducible ? list.filter((d) => d.irreducible) : list;
}
