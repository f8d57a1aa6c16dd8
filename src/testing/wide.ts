/**
 * @file A landscape of any width for limit tests: l_x(θ) = ½|θ|² + x·θ₀ (x = ±1), P set by a
 * parameter, cheap to build at any P. A module, as users write them.
 */
import { add, defineLandscape, mul, slice, sum, type Tensor } from '../index.ts';

export default defineLandscape({
  name: 'wide',
  description: '½|θ|² + x·θ_0 with x = ±1, any P (tests)',
  params: { P: { default: 10, description: 'number of weights', domain: 'integer' } },
  build: ({ P }) => ({
    P,
    data: { x: [] },
    loss: (theta: Tensor, { x }: Record<string, Tensor>) => add(mul(sum(mul(theta, theta)), 0.5), mul(x!, slice(theta, 0, []))),
    init: new Array<number>(P).fill(0),
    atoms: { values: { x: [-1, 1] }, weights: [0.5, 0.5] },
  }),
});
