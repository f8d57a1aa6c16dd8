/**
 * @file A random valley of minima, ARCHIMEDES-like, for the drift tests: θ = (u, v, z), w = (u, v),
 * l_x = ½·wᵀA(z)w + x·b(z)·w with A(z) = A₀ + A₁z + A₂z² (A₀ positive definite) and
 * b(z) = b₀ + b₁z + b₂z², seeded, x on three skewed atoms of mean zero. On w = 0, G = 0 for
 * every z and z is flat (H_zz = 0); the noise C = E[x²]·b₀b₀ᵀ and J_zww = A₁ make SGD drift.
 * A module, as users write them.
 */
import { add, defineLandscape, mul, slice, split, type Tensor } from '../index.ts';

export default defineLandscape({
  name: 'valley',
  description: '½wᵀA(z)w + x·b(z)·w: a random valley of minima along z (tests)',
  params: { seed: { default: 1, description: 'coefficient stream', domain: 'integer' } },
  build: ({ seed }) => {
    const r = split(seed, 0x76616c);
    const u = () => 2 * r.uniform() - 1;
    const sym = () => { const a = u(), b = u(), c = u(); return [[a, b], [b, c]]; };
    const A = [sym(), sym(), sym()];
    A[0]![0]![0]! += 3; A[0]![1]![1]! += 2; // A₀ ≻ 0
    const b = [[u(), u()], [u(), u()], [u(), u()]];
    const xs = [1, -2, 0.5], w0 = [0.4, 0.1, 0.5];
    const mean = xs.reduce((s, x, i) => s + w0[i]! * x, 0);
    return {
      P: 3,
      data: { x: [] },
      loss: (theta: Tensor, { x }: Record<string, Tensor>) => {
        const w = [slice(theta, 0, []), slice(theta, 1, [])];
        const z = slice(theta, 2, []);
        const poly = (c: readonly number[]) => add(add(mul(mul(z, z), c[2]!), mul(z, c[1]!)), c[0]!);
        let total: Tensor | null = null;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
          const term = mul(mul(mul(w[i]!, w[j]!), poly([A[0]![i]![j]!, A[1]![i]![j]!, A[2]![i]![j]!])), 0.5);
          total = total ? add(total, term) : term;
        }
        for (let i = 0; i < 2; i++) total = add(total!, mul(mul(x!, w[i]!), poly([b[0]![i]!, b[1]![i]!, b[2]![i]!])));
        return total!;
      },
      init: [0, 0, 0],
      atoms: { values: { x: xs.map((x) => x - mean) }, weights: w0 },
      coordinates: { u: 0, v: 1, z: 2 },
    };
  },
});
