/**
 * @file A 2-D quadratic landscape with a minimum at θ₀ = 0 and anisotropic, skewed gradient
 * noise, for the corollary tests: l_x(θ) = ½θᵀHθ + x·θ with H dense positive definite and
 * x on four atoms of mean zero (so G = 0 at θ₀, C = E[xxᵀ] not proportional to H, and
 * E[x⊗x⊗x] ≠ 0). A module, as users write them.
 */
import { add, defineLandscape, mul, slice, type Tensor } from '../index.ts';
import { H, W0, X } from './quadratic-data.ts';

export default defineLandscape({
  name: 'quadratic-2d',
  description: '½θᵀHθ + x·θ with x on four skewed atoms of mean zero (tests)',
  params: { shift: { default: 0, description: 'added to every atom of x[0] (nonzero: θ₀ is no minimum)' } },
  build: ({ shift }) => {
    // re-centre so that E x = (shift, 0)
    const mean = [0, 1].map((j) => X.reduce((s, x, a) => s + W0[a]! * x[j]!, 0));
    const atoms = X.map((x) => [x[0]! - mean[0]! + shift, x[1]! - mean[1]!]);
    return {
      P: 2,
      data: { x: [2] },
      loss: (theta: Tensor, { x }: Record<string, Tensor>) => {
        const t = [slice(theta, 0, []), slice(theta, 1, [])];
        const xs = [slice(x!, 0, []), slice(x!, 1, [])];
        let total: Tensor = mul(mul(t[0]!, t[0]!), H[0]![0]! / 2);
        total = add(total, mul(mul(t[0]!, t[1]!), H[0]![1]!));
        total = add(total, mul(mul(t[1]!, t[1]!), H[1]![1]! / 2));
        return add(add(total, mul(xs[0]!, t[0]!)), mul(xs[1]!, t[1]!));
      },
      init: [0, 0],
      atoms: { values: { x: atoms }, weights: W0 },
    };
  },
});

export { QUADRATIC_H, quadraticC } from './quadratic-data.ts';
