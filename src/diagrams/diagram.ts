/**
 * @file The Diagram value: a canonical labeled rooted tree with a partition of its nodes
 * (docs/theory.md §2), its key, symmetry factor, label and irreducibility. Built from any labeling.
 */
import { InputError } from '../core/index.ts';
import { automorphismCount } from './automorphisms.ts';
import { canonicalLabeling, relabel } from './canonical.ts';
import { formatKey, parseKey } from './key.ts';
import { isIrreducible, labelOf } from './label.ts';
import { childrenOf, partsOf, validateStructure, type Structure } from './structure.ts';

/**
 * A diagram in canonical labeling: node 0 is the root, every parent has a smaller number than
 * its children, `part` is a restricted growth string (root in part 0). Immutable plain data.
 */
export interface Diagram {
  /** Canonical `(edges)(parts)` key; equal for isomorphic diagrams. */
  readonly key: string;
  /** Number of edges d (the diagram's order in η). */
  readonly order: number;
  readonly parent: readonly number[];
  readonly part: readonly number[];
  /** Parts as sorted node lists, ordered by smallest node. */
  readonly parts: readonly (readonly number[])[];
  /** Edges as [parent, child], sorted. */
  readonly edges: readonly (readonly [number, number])[];
  /** children[v]: the children of node v, ascending. */
  readonly children: readonly (readonly number[])[];
  /** |Aut(D)|: node permutations preserving the parent map and the partition. */
  readonly aut: number;
  /** Short tensor-notation label, or '' when there is no short one. */
  readonly label: string;
  readonly irreducible: boolean;
  /** Root alone in its part: a test-loss diagram. */
  readonly rootAlone: boolean;
}

const cache = new Map<string, Diagram>();

/** The canonical diagram of a structure given in any labeling. */
export function diagramOf(s: Structure, where = 'diagram'): Diagram {
  validateStructure(s, where);
  const c = relabel(s, canonicalLabeling(s));
  const key = formatKey(c);
  const hit = cache.get(key);
  if (hit) return hit;
  const parts = partsOf(c.part);
  const d: Diagram = Object.freeze({
    key,
    order: c.parent.length - 1,
    parent: Object.freeze([...c.parent]),
    part: Object.freeze([...c.part]),
    parts: Object.freeze(parts.map((p) => Object.freeze(p))),
    edges: Object.freeze(c.parent.slice(1).map((p, i) => Object.freeze([p, i + 1] as const))),
    children: Object.freeze(childrenOf(c.parent).map((ch) => Object.freeze(ch))),
    aut: automorphismCount(c),
    label: labelOf(c),
    irreducible: isIrreducible(c),
    rootAlone: parts[0]!.length === 1,
  });
  cache.set(key, d);
  return d;
}

/**
 * The diagram named by a key in any labeling; throws InputError for a malformed key, named by
 * `where` (default "diagram key 'K'"; a stats file says which file and which field).
 */
export function diagram(key: string, where = `diagram key '${key}'`): Diagram {
  return diagramOf(parseKey(key, where), where);
}

/** The canonical form of a key given in any labeling. */
export function canonicalKey(key: string): string {
  return diagram(key).key;
}

/** Build a diagram from edges `[parent, child]` (node 0 the root) and parts as node lists. */
export function diagramFrom(edges: readonly (readonly [number, number])[], parts: readonly (readonly number[])[]): Diagram {
  const n = edges.length + 1;
  const parent = new Array<number>(n).fill(-2);
  parent[0] = -1;
  for (const [p, c] of edges) {
    if (!(c > 0 && c < n) || parent[c] !== -2) throw new InputError(`diagram: edge [${p}, ${c}] is not a new edge into a node 1…${n - 1}`);
    parent[c] = p;
  }
  const part = new Array<number>(n).fill(-1);
  parts.forEach((nodes, k) =>
    nodes.forEach((v) => {
      if (!(v >= 0 && v < n) || part[v] !== -1) throw new InputError(`diagram: part ${k} names node ${v}, expected each node 0…${n - 1} once`);
      part[v] = k;
    }),
  );
  if (part.includes(-1)) throw new InputError(`diagram: node ${part.indexOf(-1)} is in no part`);
  return diagramOf({ parent, part });
}
