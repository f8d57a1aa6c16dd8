/**
 * @file Shared pieces of the landscapes whose data are one standard normal number x: the
 * sampler, and the exact mode as a Gauss–Hermite rule (quadrature.ts) with as many nodes as the
 * loss's degree in x requires.
 */
import type { Batch } from '../engine/index.ts';
import { tableAtoms } from './atoms.ts';
import type { Atoms } from './types.ts';
import { gaussHermite } from './quadrature.ts';
import type { Rng } from '../core/index.ts';

/** n draws of x ~ N(0, 1) as the batch `{ x }` (x is a scalar field). */
export function sampleStandardNormal(r: Rng, n: number): Batch {
  return { x: r.normals(new Float64Array(n)) };
}

/** The n-node Gauss–Hermite rule as atoms of the field `x`. */
export function gaussHermiteAtoms(n: number): Atoms {
  const q = gaussHermite(n);
  return tableAtoms({ x: q.nodes }, { x: [] }, q.weights);
}

/**
 * The most derivatives a diagram value multiplies within one part: a diagram with d ≤ 6 edges
 * (the engine's MAX_DIRECTIONS) has d + 1 ≤ 7 nodes, all of which may share one sample.
 */
export const MAX_NODES_PER_PART = 7;

/**
 * Nodes needed so that every diagram value is exact when each per-sample derivative is a
 * polynomial of degree ≤ `degree` in x: a part of k nodes multiplies k such factors (degree
 * ≤ k·degree), and n nodes integrate degree 2n − 1 exactly, so n = ⌈(7·degree + 1)/2⌉.
 */
export function nodesForDegree(degree: number): number {
  return Math.ceil((MAX_NODES_PER_PART * degree + 1) / 2);
}
