/** @file Public API of diagrams: the combinatorics of docs/theory.md §2–§3 (diagrams, keys, symmetry, embedding counts, drawings). */
export type { Diagram } from './diagram.ts';
export { diagram, diagramOf, diagramFrom, canonicalKey } from './diagram.ts';
export type { Structure } from './structure.ts';
export { formatKey, parseKey, MAX_KEY_NODES } from './key.ts';
export { canonicalLabeling, relabel } from './canonical.ts';
export { automorphismCount } from './automorphisms.ts';
export { labelOf, isIrreducible } from './label.ts';
export { diagrams, listDiagrams, type DiagramKind } from './enumerate.ts';
export { rootedTrees, levelSequences, setPartitions } from './trees.ts';
export { embeddingCount, weakOrders } from './embeddings.ts';
export { diagramSvg, layout as diagramLayout } from './svg.ts';
export type { Rational } from './rational.ts';
export * as rationals from './rational.ts';
