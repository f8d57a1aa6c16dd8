/**
 * @file The one verdict rule of `perturb reproduce`, applied to every panel.
 *
 * A point is *in the theory's range* when the prediction it is checked against is
 *  - re-summed near a minimum (θ₀ with G = 0, or the series re-summed along H's eigenbasis),
 *    every propagator contracts, |1 − ηλ| ≤ 1 for every eigenvalue λ ≥ 0 of H (Theorems 1–2:
 *    long times are allowed), and — where the panel has the re-summed prediction one order
 *    lower — it has converged the same way, |R_D − R_{D−1}| ≤ ρ·|R_D| (the re-summed series is
 *    still truncated in its irreducible diagrams); or
 *  - a plain η-series (order D) that has converged there: its last term is at most ρ = 10% of
 *    the prediction, |p_D − p_{D−1}| ≤ ρ·|p_D|; where the lower orders vanish (a leading-order
 *    prediction, e.g. SGD − SDE at G = 0) the series' expansion parameter must be that small
 *    instead, ηT·λ_max ≤ ρ (λ_max the largest |eigenvalue| of H at θ₀; ηT ≤ ρ when H = 0).
 * Each check has z = (measured − predicted)/√(se_m² + se_p²). The verdict is 'agrees' when every
 * in-range |z| ≤ 3, 'disagrees' when some in-range |z| > 3, and 'outside the theory’s range'
 * when no point is in range.
 */
import type { PanelCheck, Verdict } from '../report/index.ts';

export const Z_MAX = 3;
/** ρ: the largest share of a plain series' value its last term (or, for a leading-order prediction, ηT·λ_max) may have. */
export const PLAIN_RHO = 0.1;

export const RULE =
  `A point is in the theory’s range when its prediction is re-summed near a minimum with every propagator contracting (|1 − ηλ| ≤ 1 for every eigenvalue λ of H) and, where one order lower is computed, its last order at most ${PLAIN_RHO * 100}% of its value (|R_D − R_{D−1}| ≤ ${PLAIN_RHO}·|R_D|), ` +
  `or is a plain η-series whose last term is at most ${PLAIN_RHO * 100}% of its value, |p_D − p_{D−1}| ≤ ${PLAIN_RHO}·|p_D| ` +
  `(where the lower orders vanish, a leading-order prediction: ηT·λ_max(H) ≤ ${PLAIN_RHO}, or ηT ≤ ${PLAIN_RHO} when H = 0). ` +
  `z = (measured − predicted)/√(se_m² + se_p²); the panel agrees when every in-range |z| ≤ ${Z_MAX}, disagrees otherwise, and is outside the theory’s range when no point is in range.`;

/**
 * In range for a plain series of order D: `value` = p_D and `previous` = p_{D−1} at this η (the
 * same quantity, e.g. less l(θ₀)); |p_D − p_{D−1}| ≤ ρ·|p_D|, or, when p_{D−1} vanishes
 * (|p_{D−1}| ≤ 1e−9·|p_D|), ηT·λ_max ≤ ρ (λ_max = max |λ|, or ηT alone when H = 0).
 */
export function plainInRange(o: { eta: number; T: number; eigenvalues: ArrayLike<number>; value: number; previous: number }): boolean {
  const { eta, T, eigenvalues, value, previous } = o;
  if (!Number.isFinite(value) || !Number.isFinite(previous)) return false;
  if (Math.abs(previous) > 1e-9 * Math.abs(value)) return Math.abs(value - previous) <= PLAIN_RHO * Math.abs(value);
  let lam = 0;
  for (let i = 0; i < eigenvalues.length; i++) lam = Math.max(lam, Math.abs(eigenvalues[i]!));
  return eta * T * (lam > 0 ? lam : 1) <= PLAIN_RHO;
}

/**
 * In range for a re-summed prediction near a minimum: every propagator 1 − ηλ has |1 − ηλ| ≤ 1
 * (λ ≥ 0), and with `orders` (R_D and R_{D−1} at this η) |R_D − R_{D−1}| ≤ ρ·|R_D| — unless
 * R_{D−1} vanishes (the leading order, e.g. a drift that starts at D = 3).
 */
export function resummedInRange(eta: number, eigenvalues: ArrayLike<number>, orders?: { value: number; previous: number }): boolean {
  for (let i = 0; i < eigenvalues.length; i++) {
    const l = eigenvalues[i]!;
    if (l < 0 || Math.abs(1 - eta * l) > 1) return false;
  }
  if (!orders) return true;
  const { value, previous } = orders;
  if (!Number.isFinite(value) || !Number.isFinite(previous)) return false;
  return Math.abs(previous) <= 1e-9 * Math.abs(value) || Math.abs(value - previous) <= PLAIN_RHO * Math.abs(value);
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
