/**
 * @file The one verdict rule of `perturb reproduce`, applied to every panel.
 *
 * A point is *in the theory's range* when the prediction it is checked against is
 *  - re-summed near a minimum (θ₀ with G = 0, or the series re-summed along H's eigenbasis) and
 *    every propagator contracts, |1 − ηλ| ≤ 1 for every eigenvalue λ ≥ 0 of H (Theorems 1–2:
 *    long times are allowed); or
 *  - a plain η-series with ηT·λ_max ≤ 1, λ_max the largest |eigenvalue| of H at θ₀ (the series
 *    in ηH converges fast there; with H = 0, ηT ≤ 1).
 * Each check has z = (measured − predicted)/√(se_m² + se_p²). The verdict is 'agrees' when every
 * in-range |z| ≤ 3, 'disagrees' when some in-range |z| > 3, and 'outside the theory’s range'
 * when no point is in range.
 */
import type { PanelCheck, Verdict } from '../report/index.ts';

export const Z_MAX = 3;
/** Largest ηT·λ_max at which a plain series is taken to be in range. */
export const PLAIN_ETA_T_MAX = 1;

export const RULE =
  `A point is in the theory’s range when its prediction is re-summed near a minimum with every propagator contracting (|1 − ηλ| ≤ 1 for every eigenvalue λ of H), ` +
  `or is a plain η-series with ηT·λ_max(H) ≤ ${PLAIN_ETA_T_MAX} (ηT ≤ ${PLAIN_ETA_T_MAX} when H = 0). ` +
  `z = (measured − predicted)/√(se_m² + se_p²); the panel agrees when every in-range |z| ≤ ${Z_MAX}, disagrees otherwise, and is outside the theory’s range when no point is in range.`;

/** In range for a plain series: ηT·λ_max ≤ PLAIN_ETA_T_MAX (λ_max = max |λ|, or ηT alone when H = 0). */
export function plainInRange(eta: number, T: number, eigenvalues: ArrayLike<number>): boolean {
  let lam = 0;
  for (let i = 0; i < eigenvalues.length; i++) lam = Math.max(lam, Math.abs(eigenvalues[i]!));
  return eta * T * (lam > 0 ? lam : 1) <= PLAIN_ETA_T_MAX;
}

/** In range for a re-summed prediction near a minimum: every propagator 1 − ηλ has |1 − ηλ| ≤ 1 (λ ≥ 0). */
export function resummedInRange(eta: number, eigenvalues: ArrayLike<number>): boolean {
  for (let i = 0; i < eigenvalues.length; i++) {
    const l = eigenvalues[i]!;
    if (l < 0 || Math.abs(1 - eta * l) > 1) return false;
  }
  return true;
}

/** z of measured against predicted; ±Infinity when both are exact and differ, 0 when equal. */
export function zScore(measured: number, measuredStderr: number, predicted: number, predictedStderr: number): number {
  const d = measured - predicted;
  const s = Math.sqrt(measuredStderr * measuredStderr + predictedStderr * predictedStderr);
  if (s > 0) return d / s;
  return d === 0 ? 0 : d > 0 ? Infinity : -Infinity;
}

export function check(o: { x: number; facet?: string; measured: number; measuredStderr: number; predicted: number; predictedStderr: number; inRange: boolean }): PanelCheck {
  return {
    x: o.x, ...(o.facet !== undefined ? { facet: o.facet } : {}),
    measured: o.measured, measuredStderr: o.measuredStderr, predicted: o.predicted, predictedStderr: o.predictedStderr,
    z: zScore(o.measured, o.measuredStderr, o.predicted, o.predictedStderr), inRange: o.inRange,
  };
}

/** The rule above applied to a panel's checks (a non-finite z in range disagrees). */
export function verdictOf(checks: readonly PanelCheck[]): Verdict {
  const inRange = checks.filter((c) => c.inRange);
  if (inRange.length === 0) return 'outside the theory’s range';
  return inRange.every((c) => Math.abs(c.z) <= Z_MAX) ? 'agrees' : 'disagrees';
}
