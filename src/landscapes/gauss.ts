/**
 * @file GAUSS (docs/theory.md §5): fitting the log-variance h of a Gaussian by maximum likelihood,
 * l_x(h) = ½(h + x² e^{−h}) with x ~ N(0, 1). At h = 0 (the test minimum) G = 0, H = ½, C = ½,
 * J = −½, E[(g−G)³] = −1 and E[H_x g_x g_x] = 5/4.
 */
import { add, exp, mul, neg, reshape, scale, square } from '../engine/index.ts';
import { sampleStandardNormal, gaussHermiteAtoms, nodesForDegree } from './gaussian.ts';
import { defineLandscape } from './define.ts';
import type { LandscapeTemplate } from './types.ts';

/**
 * Every derivative of l_x in h is a polynomial of degree 2 in x (½x²e^{−h} times ±1, plus ½ in
 * the first), so a part of up to 7 nodes has degree ≤ 14 and 8 nodes (exact to degree 15)
 * make every diagram value up to order 6 exact. (Order 4, the paper's highest, needs 6.)
 */
export const GAUSS_NODES = nodesForDegree(2);

export const gauss: LandscapeTemplate = defineLandscape({
  name: 'gauss',
  description: 'l_x(h) = ½(h + x² e^{−h}): Gaussian log-variance fit, P = 1',
  dataSource: 'x ~ N(0, 1)',
  params: { h0: { default: 0, description: 'initial log-variance h (0 is the test minimum)' } },
  P: 1,
  exactMode: true,
  build: ({ h0 }) => ({
    data: { x: [] },
    loss: (theta, { x }) => {
      const h = reshape(theta, []);
      return scale(add(h, mul(square(x!), exp(neg(h)))), 0.5);
    },
    init: [h0],
    sample: sampleStandardNormal,
    atoms: gaussHermiteAtoms(GAUSS_NODES),
    populationLoss: (theta) => (theta[0]! + Math.exp(-theta[0]!)) / 2,
    coordinates: { h: 0 },
    exactness: {
      atoms: {
        method: `${GAUSS_NODES}-node Gauss–Hermite quadrature`,
        exactFor: `every expectation of a polynomial in x of degree ≤ ${2 * GAUSS_NODES - 1}: all diagram values up to order 6`,
      },
      populationLoss: { method: 'closed form', cost: '(h + e^{−h})/2' },
    },
  }),
});
