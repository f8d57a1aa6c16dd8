/**
 * @file SGD (docs/theory.md §1): E epochs over the N training rows; epoch e lists the rows in the order
 * of a permutation π_e and cuts it into K = N/B consecutive batches of B rows, so T = E·N/B;
 * each step is θ ← θ − η·(1/B)Σ_{n∈batch} ∇l_{x_n}(θ). `fixed`: every π_e is the identity
 * (cycling); `reshuffle`: every π_e is uniform and independent, drawn from the run's rng at the
 * start of the epoch (Fisher–Yates from the identity).
 */
import type { Rng, Schedule } from '../core/index.ts';
import { checkEta, checkProblem, checkSchedule, descend, meanGradient, type Optimizer, type OptState } from './optimizer.ts';

export interface SgdOptions {
  eta: number;
  /** An sgd schedule (core's `schedule({ kind: 'sgd', … })` or `sgd(…)`): N, B, E, shuffling. */
  schedule: Schedule;
}

export interface SgdState extends OptState {
  /** The current epoch's order of the rows. */
  readonly order: Int32Array;
  readonly grad: Float64Array;
  readonly scratch: Float64Array;
}

/** A uniform permutation of 0…n−1 into `out` (Fisher–Yates, Knuth's Algorithm P). */
export function randomPermutation(out: Int32Array, rng: Rng): Int32Array {
  for (let i = 0; i < out.length; i++) out[i] = i;
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

export function sgd(o: SgdOptions): Optimizer<SgdState> {
  const eta = checkEta('sgd', o.eta);
  const { N, B, E, K, T, shuffle } = checkSchedule('sgd', o.schedule, 'sgd');
  return {
    name: 'sgd',
    eta,
    T,
    description: `sgd N=${N} B=${B} E=${E} ${shuffle}, η=${eta}`,
    init(p, theta0) {
      checkProblem('sgd', p, N, theta0);
      const order = new Int32Array(N);
      for (let i = 0; i < N; i++) order[i] = i;
      const P = p.program.P;
      return { problem: p, theta: Float64Array.from(theta0), t: 0, order, grad: new Float64Array(P), scratch: new Float64Array(P) };
    },
    step(s, rng) {
      const p = s.problem;
      const slot = s.t % K;
      if (slot === 0 && shuffle === 'reshuffle') randomPermutation(s.order, rng);
      const g = meanGradient(p, s.theta, s.order, slot * B, B, s.grad, s.scratch);
      descend(p, s.theta, eta, g);
      s.t++;
    },
  };
}
