/**
 * @file MEAN ESTIMATION (docs/theory.md §4–5): l_x(w) = ½Hw² + xSw with x ~ N(0, 1), so G = Hw,
 * Hessian H and gradient covariance C = S²; and its l2 variant for the STIC experiment,
 * θ = (w, λ), l_x = ½(H + λ)w² + xSw with λ ≥ 0 kept by projection.
 */
import { add, mul, reshape, scale, slice, square } from '../engine/index.ts';
import { gaussHermiteAtoms, nodesForDegree, sampleStandardNormal } from './gaussian.ts';
import { defineLandscape } from './define.ts';
import type { LandscapeTemplate } from './types.ts';

/** x enters linearly: 4 nodes make every diagram value up to order 6 exact (see archimedes.ts). */
export const MEAN_ESTIMATION_NODES = nodesForDegree(1);

const COMMON = {
  H: { default: 1, description: 'curvature (the Hessian)', domain: 'positive' },
  S: { default: 1, description: 'noise scale: the gradient covariance is C = S²' },
  w0: { default: 0, description: 'initial w (0 is the test minimum; the paper also starts 10 away)' },
} as const;

const exactness = (popLoss: string) => ({
  atoms: {
    method: `${MEAN_ESTIMATION_NODES}-node Gauss–Hermite quadrature`,
    exactFor: `every expectation of a polynomial in x of degree ≤ ${2 * MEAN_ESTIMATION_NODES - 1}: all diagram values up to order 6 (x enters linearly)`,
  },
  populationLoss: { method: 'closed form' as const, cost: popLoss },
});

export const meanEstimation: LandscapeTemplate = defineLandscape({
  name: 'mean-estimation',
  description: 'l_x(w) = ½Hw² + xSw: G = Hw, Hessian H, C = S², P = 1',
  dataSource: 'x ~ N(0, 1)',
  params: COMMON,
  P: 1,
  exactMode: true,
  build: ({ H, S, w0 }) => ({
    data: { x: [] },
    loss: (theta, { x }) => {
      const w = reshape(theta, []);
      return add(scale(square(w), H / 2), mul(scale(x!, S), w));
    },
    init: [w0],
    sample: sampleStandardNormal,
    atoms: gaussHermiteAtoms(MEAN_ESTIMATION_NODES),
    populationLoss: (theta) => (H * theta[0]! * theta[0]!) / 2,
    coordinates: { w: 0 },
    exactness: exactness('½Hw²'),
  }),
});

/**
 * θ = (w, λ). The constraint λ ≥ 0 is exposed as `project(θ)`, which clamps θ[1] to ≥ 0 in
 * place; optimizers (STIC descending on λ) call it after every step. The population loss is the
 * landscape's own E_x l_x = ½(H + λ)w², penalty included; the unpenalized test loss of the
 * experiment is ½Hw², i.e. mean-estimation's population loss at the same w.
 */
export const meanEstimationL2: LandscapeTemplate = defineLandscape({
  name: 'mean-estimation-l2',
  description: 'l_x(w, λ) = ½(H + λ)w² + xSw with λ ≥ 0 by projection: an l2 coefficient as a weight, P = 2',
  dataSource: 'x ~ N(0, 1)',
  params: { ...COMMON, lambda0: { default: 0, description: 'initial l2 coefficient λ (the paper starts at 0)', domain: 'nonnegative' } },
  P: 2,
  exactMode: true,
  build: ({ H, S, w0, lambda0 }) => ({
    data: { x: [] },
    loss: (theta, { x }) => {
      const w = slice(theta, 0, []), lambda = slice(theta, 1, []);
      return add(mul(scale(add(lambda, H), 0.5), square(w)), mul(scale(x!, S), w));
    },
    init: [w0, lambda0],
    sample: sampleStandardNormal,
    atoms: gaussHermiteAtoms(MEAN_ESTIMATION_NODES),
    populationLoss: (theta) => ((H + theta[1]!) * theta[0]! * theta[0]!) / 2,
    project: (theta) => {
      if (theta[1]! < 0) theta[1] = 0; // NaN stays NaN, so a diverged run is seen as one
      return theta;
    },
    coordinates: { w: 0, lambda: 1 },
    hyperparameters: [1],
    exactness: exactness('½(H + λ)w²'),
  }),
});
