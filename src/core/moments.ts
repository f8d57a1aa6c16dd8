/**
 * @file Running moments: the one accumulator of means, variances and covariances in perturb.
 * Observations are added by Welford's update (Welford 1962; Knuth TAOCP vol. 2, §4.2.2),
 * generalized to a co-moment matrix, and accumulators are merged chunk by chunk in a fixed order
 * (Chan, Golub & LeVeque 1979, "Updating formulae and a pairwise algorithm for computing sample
 * variances"), so estimates do not depend on how chunks were spread over threads. The state is
 * plain JSON, so it can sit in a checkpoint. Also the t-based 95% interval of a mean.
 */

export interface Moments {
  n: number;
  /** Means of the K variables. */
  mean: number[];
  /**
   * Co-moment matrix Σ (x_i − mean_i)(x_j − mean_j), K×K row-major; or only its diagonal (K
   * entries) when the covariance is not wanted — K×K numbers for thousands of variables would not
   * fit in a checkpoint. The diagonal's arithmetic is the same either way.
   */
  m2: number[];
}

/** Moments of K variables; `covariance: false` keeps only the variances. */
export function emptyMoments(K: number, covariance = true): Moments {
  return { n: 0, mean: new Array<number>(K).fill(0), m2: new Array<number>(covariance ? K * K : K).fill(0) };
}

/** Whether `m` keeps the whole co-moment matrix (K×K) or only its diagonal. */
const full = (m: Moments) => m.m2.length === m.mean.length * m.mean.length;
/** The index of variance i in m2. */
const diag = (m: Moments, i: number) => (full(m) ? i * m.mean.length + i : i);

/** Add one observation (Welford's update, generalized to a co-moment matrix). */
export function addObservation(m: Moments, x: ArrayLike<number>): void {
  const K = m.mean.length;
  m.n++;
  const delta = new Array<number>(K);
  for (let i = 0; i < K; i++) {
    delta[i] = x[i]! - m.mean[i]!;
    m.mean[i]! += delta[i]! / m.n;
  }
  if (!full(m)) {
    for (let i = 0; i < K; i++) m.m2[i]! += delta[i]! * (x[i]! - m.mean[i]!);
    return;
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
  if (full(a) !== full(b)) throw new RangeError('mergeMoments: one accumulator keeps the covariance, the other only variances');
  if (!full(a)) for (let i = 0; i < K; i++) a.m2[i]! += b.m2[i]! + (delta[i]! * delta[i]! * a.n * b.n) / n;
  else {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) a.m2[i * K + j]! += b.m2[i * K + j]! + (delta[i]! * delta[j]! * a.n * b.n) / n;
    }
  }
  for (let i = 0; i < K; i++) a.mean[i]! += (delta[i]! * b.n) / n;
  a.n = n;
}

/** Standard errors of the means: sqrt(sample variance / n). */
export function standardErrors(m: Moments): number[] {
  return m.mean.map((_, i) => (m.n > 1 ? Math.sqrt(m.m2[diag(m, i)]! / (m.n - 1) / m.n) : Number.NaN));
}

/** Covariance matrix of the means: sample covariance / n. */
export function covarianceOfMeans(m: Moments): number[][] {
  const K = m.mean.length;
  if (!full(m)) throw new RangeError('covarianceOfMeans: these moments keep only variances (made with covariance = false)');
  return m.mean.map((_, i) => m.mean.map((__, j) => (m.n > 1 ? m.m2[i * K + j]! / (m.n - 1) / m.n : Number.NaN)));
}

/**
 * P(|T| < t) for Student's t with an integer number ν of degrees of freedom, in closed form
 * (Abramowitz & Stegun 26.7.3–26.7.4): with θ = atan(t/√ν),
 *   ν odd:  (2/π)·[θ + sin θ cos θ·(1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + … up to cos^{ν−3}θ)]
 *   ν even: sin θ·(1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … up to cos^{ν−2}θ)
 */
export function tTwoSided(t: number, nu: number): number {
  const th = Math.atan(t / Math.sqrt(nu));
  const c2 = Math.cos(th) ** 2, s = Math.sin(th);
  let term = 1, sum = 1;
  if (nu % 2 === 1) {
    for (let k = 2; k <= nu - 3; k += 2) sum += (term *= (k / (k + 1)) * c2);
    return (2 / Math.PI) * (th + (nu > 1 ? s * Math.cos(th) * sum : 0));
  }
  for (let k = 1; k <= nu - 3; k += 2) sum += (term *= (k / (k + 1)) * c2);
  return s * sum;
}

/**
 * The 0.975 quantile of Student's t with ν degrees of freedom: for ν ≤ 200 the root of
 * tTwoSided(t, ν) = 0.95 by bisection (exact to 1e-12); above, the Cornish–Fisher expansion
 * about the normal quantile (A&S 26.7.5, four terms), whose error there is below 1e-9.
 */
export function tQuantile975(nu: number): number {
  if (!(nu >= 1) || !Number.isInteger(nu)) return Number.NaN;
  if (nu <= 200) {
    let lo = 1.9, hi = 13;
    while (hi - lo > 1e-13) {
      const mid = (lo + hi) / 2;
      if (tTwoSided(mid, nu) < 0.95) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }
  const z = 1.959963984540054;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}

/** A mean with its standard error (sd/√n) and t-based 95% interval; nulls where n is too small. */
export interface MeanEstimate {
  mean: number | null;
  stderr: number | null;
  ci95: [number, number] | null;
}

/** The estimate of variable `i`'s mean from its running moments. */
export function meanEstimate(m: Moments, i = 0): MeanEstimate {
  if (m.n === 0) return { mean: null, stderr: null, ci95: null };
  const mean = m.mean[i]!;
  if (m.n === 1) return { mean, stderr: null, ci95: null };
  const se = Math.sqrt(m.m2[diag(m, i)]! / (m.n - 1) / m.n);
  const h = tQuantile975(m.n - 1) * se;
  return { mean, stderr: se, ci95: [mean - h, mean + h] };
}
