/**
 * @file Running mean and co-moment matrix, merged chunk by chunk in a fixed order (Chan, Golub &
 * LeVeque 1979, "Updating formulae and a pairwise algorithm for computing sample variances"),
 * so estimates do not depend on how chunks were spread over threads.
 */

export interface Moments {
  n: number;
  /** Means of the K variables. */
  mean: number[];
  /** Co-moment matrix Σ (x_i − mean_i)(x_j − mean_j), K×K row-major. */
  m2: number[];
}

export function emptyMoments(K: number): Moments {
  return { n: 0, mean: new Array<number>(K).fill(0), m2: new Array<number>(K * K).fill(0) };
}

/** Add one observation (Welford's update, generalized to a co-moment matrix). */
export function addObservation(m: Moments, x: ArrayLike<number>): void {
  const K = m.mean.length;
  m.n++;
  const delta = new Array<number>(K);
  for (let i = 0; i < K; i++) {
    delta[i] = x[i]! - m.mean[i]!;
    m.mean[i]! += delta[i]! / m.n;
  }
  for (let i = 0; i < K; i++) {
    const di = x[i]! - m.mean[i]!; // uses the updated mean: Σ δ_old·δ_new
    for (let j = 0; j < K; j++) m.m2[i * K + j]! += delta[j]! * di;
  }
}

/** a ⊕ b: the moments of both sets together (a is updated). */
export function mergeMoments(a: Moments, b: Moments): void {
  if (b.n === 0) return;
  const K = a.mean.length;
  const n = a.n + b.n;
  const delta = b.mean.map((v, i) => v - a.mean[i]!);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) a.m2[i * K + j]! += b.m2[i * K + j]! + (delta[i]! * delta[j]! * a.n * b.n) / n;
  }
  for (let i = 0; i < K; i++) a.mean[i]! += (delta[i]! * b.n) / n;
  a.n = n;
}

/** Standard errors of the means: sqrt(sample variance / n). */
export function standardErrors(m: Moments): number[] {
  const K = m.mean.length;
  return m.mean.map((_, i) => (m.n > 1 ? Math.sqrt(m.m2[i * K + i]! / (m.n - 1) / m.n) : Number.NaN));
}

/** Covariance matrix of the means: sample covariance / n. */
export function covarianceOfMeans(m: Moments): number[][] {
  const K = m.mean.length;
  return m.mean.map((_, i) => m.mean.map((__, j) => (m.n > 1 ? m.m2[i * K + j]! / (m.n - 1) / m.n : Number.NaN)));
}
