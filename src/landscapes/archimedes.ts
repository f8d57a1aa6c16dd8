/**
 * @file ARCHIMEDES (docs/theory.md §5): θ = (u, v, z), l_x = ½H(θ) + x·S(θ) with
 * H = u² + v² + (cos z·u + sin z·v)², S = cos(z − π/4)·u + sin(z − π/4)·v, x ~ N(0, 1).
 * G = 0 on the whole valley u = v = 0, yet SGD drifts along +z at η²/6 per step (docs/theory.md §4).
 */
import { add, cos, mul, scale, sin, slice, square, sub } from '../engine/index.ts';
import { gaussHermiteAtoms, nodesForDegree, sampleStandardNormal } from './gaussian.ts';
import { defineLandscape } from './define.ts';
import type { LandscapeTemplate } from './types.ts';

/**
 * x enters l_x linearly, so every derivative is a polynomial of degree 1 in x; a part of up to
 * 7 nodes has degree ≤ 7, and 4 nodes (exact to degree 7) suffice for every diagram value up to
 * order 6. Fewer atoms also make exact-mode statistics cheaper (4^parts combinations).
 */
export const ARCHIMEDES_NODES = nodesForDegree(1);

/** ½H(θ) exactly (E x = 0). */
export function archimedesPopulationLoss(theta: Float64Array): number {
  const [u, v, z] = theta as unknown as [number, number, number];
  const m = Math.cos(z) * u + Math.sin(z) * v;
  return (u * u + v * v + m * m) / 2;
}

export const archimedes: LandscapeTemplate = defineLandscape({
  name: 'archimedes',
  description: 'l_x = ½H(u,v,z) + x·S(u,v,z): a screw-symmetric valley of minima u = v = 0 along z, P = 3',
  dataSource: 'x ~ N(0, 1)',
  params: {},
  P: 3,
  exactMode: true,
  build: () => ({
    data: { x: [] },
    loss: (theta, { x }) => {
      const u = slice(theta, 0, []), v = slice(theta, 1, []), z = slice(theta, 2, []);
      const H = add(add(square(u), square(v)), square(add(mul(cos(z), u), mul(sin(z), v))));
      const w = sub(z, Math.PI / 4);
      const S = add(mul(cos(w), u), mul(sin(w), v));
      return add(scale(H, 0.5), mul(x!, S));
    },
    init: [0, 0, 0],
    sample: sampleStandardNormal,
    atoms: gaussHermiteAtoms(ARCHIMEDES_NODES),
    populationLoss: archimedesPopulationLoss,
    coordinates: { u: 0, v: 1, z: 2 },
    exactness: {
      atoms: {
        method: `${ARCHIMEDES_NODES}-node Gauss–Hermite quadrature`,
        exactFor: `every expectation of a polynomial in x of degree ≤ ${2 * ARCHIMEDES_NODES - 1}: all diagram values up to order 6 (x enters linearly)`,
      },
      populationLoss: { method: 'closed form', cost: '½H(θ)' },
    },
  }),
});
