/**
 * @file The `(edges)(parts)` key notation of the original research code's statistics files
 * (docs/theory.md §2): nodes are digits, node 0 is the root, each edge is written parent-then-child,
 * edges and parts are joined by `-`. E.g. `(01-02)(0-12)` = H:E[gg]. Nodes past 9 are written
 * a, b, …, z (an extension; the research code never went past 10 nodes).
 */
import { InputError } from '../core/index.ts';
import { partsOf, validateStructure, type Structure } from './structure.ts';

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Most nodes a key can name. */
export const MAX_KEY_NODES = DIGITS.length;

/** The key of a structure in its own labeling (not canonicalized). */
export function formatKey(s: Structure): string {
  const n = s.parent.length;
  if (n > MAX_KEY_NODES) throw new InputError(`diagram key: ${n} nodes, the notation has digits for at most ${MAX_KEY_NODES}`);
  const edges: Array<[number, number]> = [];
  for (let v = 1; v < n; v++) edges.push([s.parent[v]!, v]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const e = edges.map(([p, c]) => DIGITS[p]! + DIGITS[c]!).join('-');
  const p = partsOf(s.part)
    .map((nodes) => nodes.map((v) => DIGITS[v]).join(''))
    .join('-');
  return `(${e})(${p})`;
}

/**
 * Parse a key in any labeling; throws InputError naming the key and what is wrong. `where` is
 * how messages name the key (default "diagram key 'K'"), for callers that know its place.
 */
export function parseKey(key: string, where = `diagram key '${key}'`): Structure {
  const m = /^\(([^()]*)\)\(([^()]*)\)$/.exec(key);
  if (!m) throw new InputError(`${where}: expected the form (edges)(parts), e.g. (01-02)(0-12)`);
  const node = (ch: string): number => {
    const i = DIGITS.indexOf(ch);
    if (i < 0) throw new InputError(`${where}: '${ch}' is not a node digit (expected 0-9 or a-z)`);
    return i;
  };
  const partTokens = m[2]!.split('-');
  if (partTokens.some((t) => t === '')) throw new InputError(`${where}: empty part (expected node digits joined by '-', e.g. 0-12)`);
  const partOfNode = new Map<number, number>();
  partTokens.forEach((t, k) => {
    for (const ch of t) {
      const v = node(ch);
      if (partOfNode.has(v)) throw new InputError(`${where}: node ${ch} appears in more than one place among the parts`);
      partOfNode.set(v, k);
    }
  });
  const n = partOfNode.size;
  for (let v = 0; v < n; v++) {
    if (!partOfNode.has(v)) throw new InputError(`${where}: parts name ${n} nodes but node ${DIGITS[v]} is missing (expected nodes 0…${DIGITS[n - 1]})`);
  }
  const parent = new Array<number>(n).fill(-2);
  parent[0] = -1;
  const edgeTokens = m[1] === '' ? [] : m[1]!.split('-');
  for (const t of edgeTokens) {
    if (t.length !== 2) throw new InputError(`${where}: edge '${t}' must be two node digits, parent then child`);
    const p = node(t[0]!);
    const c = node(t[1]!);
    if (p >= n || c >= n) throw new InputError(`${where}: edge '${t}' names a node that is in no part`);
    if (c === 0) throw new InputError(`${where}: edge '${t}' points into the root 0 (edges are written parent then child)`);
    if (parent[c] !== -2) throw new InputError(`${where}: node ${t[1]} has two parents (a tree needs exactly one)`);
    parent[c] = p;
  }
  if (edgeTokens.length !== n - 1) {
    throw new InputError(`${where}: ${n} nodes need ${n - 1} edges for a tree, found ${edgeTokens.length}`);
  }
  const part = [...Array(n).keys()].map((v) => partOfNode.get(v)!);
  const s = { parent, part };
  validateStructure(s, where);
  return s;
}
