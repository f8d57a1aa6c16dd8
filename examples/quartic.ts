/**
 * @file A user-defined landscape: a 2-D quartic over a 3-point data distribution, with one
 * parameter. Try it:
 *   npx perturb landscape ./examples/quartic.ts
 *   npx perturb landscape ./examples/quartic.ts:a=2 --json
 */
import { add, defineLandscape, pow, scale, slice, square, sub, sum } from 'perturb';

export default defineLandscape({
  name: 'quartic',
  description: 'l_x(θ) = ½|θ − x|² + (a/4)·θ₀⁴ over three points x',
  params: { a: { default: 1, description: 'strength of the quartic term' } },
  build: ({ a }) => ({
    P: 2,
    data: { x: [2] }, // one sample: a point in the plane
    loss: (theta, { x }) =>
      add(scale(sum(square(sub(theta, x!))), 0.5), scale(pow(slice(theta, 0, []), 4), a / 4)),
    init: [0.5, -0.5],
    // A finite distribution: exact mode, a sampler and the population loss all follow from it.
    atoms: {
      values: { x: [[1, 0], [0, 1], [-1, -1]] },
      weights: [0.5, 0.25, 0.25],
    },
  }),
});
