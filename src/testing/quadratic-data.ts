/** @file The data of the quadratic landscape module (quadratic.ts) and its closed-form inputs, in a light module the tests import without the package. */

export const H = [[2, 0.6], [0.6, 1]];
// atoms of x with weights: mean zero, uneven spread along the two axes, skewed
export const X = [[1, 0.5], [-2, 0.25], [0.5, -1.5], [-0.25, 2]];
export const W0 = [0.4, 0.1, 0.3, 0.2];

/** The test's closed-form inputs: H and, over the atoms, C = E[xxᵀ] (shift 0). */
export const QUADRATIC_H = H;
export function quadraticC(): number[][] {
  const mean = [0, 1].map((j) => X.reduce((s, x, a) => s + W0[a]! * x[j]!, 0));
  const c = [[0, 0], [0, 0]];
  X.forEach((x, a) => {
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) c[i]![j]! += W0[a]! * (x[i]! - mean[i]!) * (x[j]! - mean[j]!);
  });
  return c;
}
