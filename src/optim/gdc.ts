/**
 * @file GDC (docs/theory.md §4): GD on the training loss plus a noise-emulating term,
 *
 *   l̃(θ) = l̂(θ) + η·(N−1)/(4N)·Ĉ(θ),   Ĉ = (1/(N−1))·Σ_n |g_n − ḡ|²,
 *
 * with g_n = ∇l_{x_n}(θ) over the training rows and ḡ their mean. Ĉ is the all-pairs
 * U-statistic for tr C: (1/(N−1))Σ_n|g_n − ḡ|² = (1/(N(N−1)))Σ_{m≠n} ½|g_m − g_n|², the mean over
 * ordered pairs of ½|g_x − g_y|², so E Ĉ = tr C exactly, at every θ (then also E ∇Ĉ = ∇tr C).
 * Its gradient is ∇Ĉ = (2/(N−1))·Σ_n H_n(g_n − ḡ) (the H̄·Σ_n(g_n − ḡ) term vanishes), so
 *
 *   ∇l̃ = ḡ + (η/(2N))·Σ_n H_n(g_n − ḡ):   N gradients and N Hessian-vector products per step.
 *
 * Why: GD for T = N steps differs from one-epoch batch-1 SGD by +(N−1)/4·G·∇trC·η² in expected
 * test loss (docs/theory.md §3); the term's first-order effect over N steps, −ηN·η(N−1)/(4N)·G·∇trC,
 * cancels it, so to order η² GDC's expected test loss equals that SGD's (checked exactly in
 * gdc.test.ts by enumerating every training set of a finite distribution).
 */
import { InputError, type Rng, type Schedule } from '../core/index.ts';
import { checkEta, checkProblem, checkSchedule, descend, type Optimizer, type OptState, type Problem } from './optimizer.ts';

export interface GdcOptions {
  eta: number;
  /** A gd schedule (core's `gd({ N, T })`): GDC descends on all N rows at every step. */
  schedule: Schedule;
}

export interface GdcState extends OptState {
  readonly grads: Float64Array;
  readonly dir: Float64Array;
  readonly hv: Float64Array;
  readonly gbar: Float64Array;
  readonly update: Float64Array;
}

/** The multiplier of Ĉ in l̃: η·(N−1)/(4N). */
export const gdcCoefficient = (eta: number, N: number) => (eta * (N - 1)) / (4 * N);

/**
 * l̃ = l̂ + η(N−1)/(4N)·Ĉ at θ and its gradient, into `out` (scratch buffers optional): the
 * quantity GDC descends, exposed for checks.
 */
export function gdcObjective(
  p: Problem,
  theta: Float64Array,
  eta: number,
  out: Float64Array = new Float64Array(p.program.P),
  buf?: { grads: Float64Array; dir: Float64Array; hv: Float64Array; gbar: Float64Array },
): { value: number; penalty: number; grad: Float64Array } {
  const { program, N } = p;
  const P = program.P;
  if (N < 2) throw new InputError(`gdc: Ĉ needs N ≥ 2 training points, got N = ${N}`);
  const grads = buf?.grads ?? new Float64Array(N * P), dir = buf?.dir ?? new Float64Array(P), hv = buf?.hv ?? new Float64Array(P);
  const gbar = buf?.gbar ?? new Float64Array(P);
  const { values } = program.valuesAndGrads(theta, p.train, grads);
  let loss = 0;
  for (let n = 0; n < N; n++) loss += values[n]!;
  loss /= N;
  // out = ḡ
  out.fill(0);
  for (let n = 0; n < N; n++) for (let i = 0; i < P; i++) out[i]! += grads[n * P + i]!;
  for (let i = 0; i < P; i++) out[i]! /= N;
  // Σ_n |g_n − ḡ|² and Σ_n H_n(g_n − ḡ), the latter accumulated into `out` with weight η/(2N)
  const w = eta / (2 * N);
  let ss = 0;
  gbar.set(out);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < P; i++) {
      const d = grads[n * P + i]! - gbar[i]!;
      dir[i] = d;
      ss += d * d;
    }
    program.gradDerivative(theta, [dir], p.rows[n]!, hv);
    for (let i = 0; i < P; i++) out[i]! += w * hv[i]!;
  }
  const penalty = gdcCoefficient(eta, N) * (ss / (N - 1));
  return { value: loss + penalty, penalty, grad: out };
}

export function gdc(o: GdcOptions): Optimizer<GdcState> {
  const eta = checkEta('gdc', o.eta);
  const { N, T } = checkSchedule('gdc', o.schedule, 'gd');
  if (N < 2) throw new InputError(`gdc: the unbiased Ĉ needs N ≥ 2 training points, got N = ${N}`);
  return {
    name: 'gdc',
    eta,
    T,
    description: `gdc N=${N} T=${T}, η=${eta} (GD on l̂ + η(N−1)/(4N)·Ĉ)`,
    init(p, theta0) {
      checkProblem('gdc', p, N, theta0);
      const P = p.program.P;
      return {
        problem: p, theta: Float64Array.from(theta0), t: 0,
        grads: new Float64Array(N * P), dir: new Float64Array(P), hv: new Float64Array(P), gbar: new Float64Array(P), update: new Float64Array(P),
      };
    },
    step(s, _rng: Rng) {
      const p = s.problem;
      gdcObjective(p, s.theta, eta, s.update, s);
      descend(p, s.theta, eta, s.update);
      s.t++;
    },
  };
}
