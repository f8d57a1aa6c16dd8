/**
 * @file Short tensor-notation labels for the diagrams that have one (docs/theory.md §2 examples), and
 * the irreducibility flag of paper §2.
 *
 * Moment notation: a singleton part with a node of k edges is the population tensor ∇ᵏl (G, H, J);
 * a part of several nodes is E[…] over one sample of the per-sample tensors (g, H_x, J_x).
 * Only shapes with an unambiguous short name get one, and no two diagrams share a label: chains
 * of singletons rooted at an end (`G·G`, `G·H·G`, `G·H·H·G`) or inside (`H[G,G]`, `H[H·G,G]`: the
 * root's H on its two arms), a root tensor on leaf parts (`H:E[gg]`, `J:E[g⊗g⊗g]`, `J:E[gg]⊗G`), one part holding
 * every node (`E[g·g]`, `E[H_x g_x g_x]`), and G on a one-part subtree (`G·E[H_x g_x]`).
 * Every other diagram gets the empty label; its key names it.
 */
import { childrenOf, partsOf, type Structure } from './structure.ts';

const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const sup = (k: number): string => [...String(k)].map((c) => SUP[Number(c)]).join('');
const population = (k: number): string => (k === 1 ? 'G' : k === 2 ? 'H' : k === 3 ? 'J' : `∇${sup(k)}l`);
const perSample = (k: number): string => (k === 1 ? 'g_x' : k === 2 ? 'H_x' : k === 3 ? 'J_x' : `∇${sup(k)}l_x`);

export function labelOf(s: Structure): string {
  const n = s.parent.length;
  if (n === 1) return 'l';
  const children = childrenOf(s.parent);
  const degree = children.map((ch, v) => ch.length + (v === 0 ? 0 : 1));
  const parts = partsOf(s.part);
  const partSize = (v: number) => parts.find((p) => p.includes(v))!.length;
  const rootAlone = partSize(0) === 1;
  const allSingletons = parts.length === n;
  const isPath = degree.every((k) => k <= 2);
  const isLeaf = (v: number) => children[v]!.length === 0;

  if (allSingletons && isPath) {
    // An arm hanging below a node: H·…·H·G, one H per inner node, G at its leaf.
    const arm = (v: number): string => (isLeaf(v) ? 'G' : `H·${arm(children[v]![0]!)}`);
    if (degree[0] === 1) return `G·${arm(children[0]![0]!)}`; // rooted at an end: G·H·…·G
    // Rooted inside: the root's H on its two arms, the longer first (the same value as the chain,
    // a different diagram, with its own |Aut| and multiplier).
    const arms = children[0]!.map(arm).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    return `H[${arms.join(',')}]`;
  }

  if (rootAlone && degree[0]! >= 2 && children[0]!.every(isLeaf)) {
    const leafParts = parts.filter((p) => p[0] !== 0).sort((a, b) => b.length - a.length);
    const factor = (m: number) => (m === 1 ? 'G' : m === 2 ? 'E[gg]' : `E[${Array(m).fill('g').join('⊗')}]`);
    return `${population(degree[0]!)}:${leafParts.map((p) => factor(p.length)).join('⊗')}`;
  }

  if (parts.length === 1) {
    if (n === 2) return 'E[g·g]';
    if (children[0]!.every(isLeaf)) return `E[${perSample(degree[0]!)} ${Array(n - 1).fill('g_x').join(' ')}]`;
    if (isPath && degree[0] === 1) return `E[g_x ${'H_x '.repeat(n - 2)}g_x]`;
    return '';
  }

  // G at the root on one child whose subtree is a single part shaped as a chain or a star.
  if (rootAlone && parts.length === 2 && degree[0] === 1) {
    const c = children[0]!;
    const top = c[0]!;
    if (isPath) return `G·E[${'H_x '.repeat(n - 2)}g_x]`;
    if (children[top]!.every(isLeaf)) return `G·E[${perSample(degree[top]!)} ${Array(n - 2).fill('g_x').join(' ')}]`;
  }
  return '';
}

/**
 * Paper §2: "a diagram is irreducible when each of its degree-2 nodes is in a part of size one".
 * Read literally that would call G·H·G irreducible, yet Theorem 1 resums exactly those nodes into
 * the propagator K = I − ηH (B.4: each class of diagrams with one geometric realization has a
 * unique member with fewest edges). The consistent reading, used here: a diagram is irreducible
 * when no non-root node of degree 2 (one child) sits alone in its part — such a node is an H
 * inserted on an edge. The root is exempt: a root with two children is the measured Hessian,
 * as in Corollary 2's irreducible `C:H` diagram.
 */
export function isIrreducible(s: Structure): boolean {
  const children = childrenOf(s.parent);
  const count = new Map<number, number>();
  for (const p of s.part) count.set(p, (count.get(p) ?? 0) + 1);
  for (let v = 1; v < s.parent.length; v++) {
    if (children[v]!.length === 1 && count.get(s.part[v]!) === 1) return false;
  }
  return true;
}
