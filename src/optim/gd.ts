/**
 * @file GD (docs/theory.md §1): every step averages the gradient over all N training rows (B = N),
 * θ ← θ − η·(1/N)Σ_n ∇l_{x_n}(θ), for T steps.
 */
import type { Rng, Schedule } from '../core/index.ts';
import { checkEta, checkProblem, checkSchedule, descend, type Optimizer, type OptState } from './optimizer.ts';

export interface GdOptions {
  eta: number;
  /** A gd schedule (core's `gd({ N, T })`). */
  schedule: Schedule;
}

export interface GdState extends OptState {
  readonly grad: Float64Array;
}

export function gd(o: GdOptions): Optimizer<GdState> {
  const eta = checkEta('gd', o.eta);
  const { N, T } = checkSchedule('gd', o.schedule, 'gd');
  return {
    name: 'gd',
    eta,
    T,
    description: `gd N=${N} T=${T}, η=${eta}`,
    init(p, theta0) {
      checkProblem('gd', p, N, theta0);
      return { problem: p, theta: Float64Array.from(theta0), t: 0, grad: new Float64Array(p.program.P) };
    },
    step(s, _rng: Rng) {
      const p = s.problem;
      descend(p, s.theta, eta, p.program.meanGradDerivative(s.theta, [], p.train, s.grad).grad);
      s.t++;
    },
  };
}
