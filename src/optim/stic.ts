/**
 * @file STIC (docs/theory.md §4 and §7, the paper's "smooth TIC"): GD on the training loss plus an estimate of
 * the generalization gap, so that descent also tunes hyperparameters such as an l2 coefficient.
 *
 * Near a minimum the gap after long GD is ≈ (1/N)·C_{μν}(H⁻¹)^{μν} (Corollary 2 as T → ∞; AIC
 * when C = H). STIC descends on
 *
 *   L(θ) = l̂(θ) + (1/N)·tr(Ĉ Ĥ⁻¹),
 *
 * Ĥ = (1/N)Σ_n ∇²l_n and Ĉ = (1/(N−1))Σ_n d_n d_nᵀ (d_n = g_n − ḡ, unbiased for C) from the
 * training rows, both over the model weights only — the coordinates the landscape does not
 * declare as `hyperparameters` — while the descent runs over every coordinate (weights and
 * hyperparameters). With A = Ĥ⁻¹ and v_n = A d_n:
 *
 *   d tr(Ĉ A) = tr(A dĈ) − tr(A Ĉ A dĤ)
 *   tr(A dĈ)  = (2/(N−1))·Σ_n v_nᵀ dg_n       → (2/(N−1))·Σ_n H_n v_n        (N HVPs; Σ_n d_n = 0)
 *   tr(M dĤ)  = Σ_r σ_r D³l̂[m_r, m_r, dθ]    → Σ_r σ_r ∇(D²l̂[m_r, m_r])     (W third-derivative gradients)
 *
 * where M = A Ĉ A = Σ_r σ_r m_r m_rᵀ (a W×W eigen-decomposition) and vectors over the weights
 * are embedded into θ with zeros at the hyperparameters. Ĥ itself is W mean HVPs on basis
 * vectors. All of it is exact (no finite differences) and costs O(W·N) engine calls per step,
 * so it is meant for small models: at most STIC_MAX_WEIGHTS weights.
 *
 * Ĥ must be positive definite for the formula to mean anything; where it is not (far from a
 * minimum of a non-convex loss) the step writes NaN into θ, and the simulation counts the run
 * as diverged rather than inventing a value.
 */
import { cholesky, choleskyInverse, InputError, type Rng, symmetricEigen, type Schedule } from '../core/index.ts';
import { checkEta, checkProblem, checkSchedule, descend, type Optimizer, type OptState, type Problem } from './optimizer.ts';

export const STIC_MAX_WEIGHTS = 10;

export interface SticOptions {
  eta: number;
  /** A gd schedule (core's `gd({ N, T })`): STIC descends on all N rows at every step. */
  schedule: Schedule;
  /** Indices of θ that are hyperparameters (default: the landscape's `hyperparameters`, else none). */
  hyperparameters?: readonly number[];
}

export interface SticState extends OptState {
  readonly weights: Int32Array;
  readonly grad: Float64Array;
}

/** The weight coordinates of a problem (every index not in `hyper`), checked against the limit. */
export function sticWeights(P: number, hyper: readonly number[], where = 'stic'): Int32Array {
  for (const h of hyper) {
    if (!Number.isSafeInteger(h) || h < 0 || h >= P) throw new InputError(`${where}: hyperparameter index ${h} is not a coordinate of θ (P = ${P})`);
  }
  const set = new Set(hyper);
  const weights = Int32Array.from({ length: P }, (_, i) => i).filter((i) => !set.has(i));
  if (weights.length === 0) throw new InputError(`${where}: every coordinate is a hyperparameter; STIC needs at least one weight`);
  if (weights.length > STIC_MAX_WEIGHTS) {
    throw new InputError(
      `${where}: the landscape has ${weights.length.toLocaleString('en-US')} weights; exact STIC (Hessian by HVPs, its inverse and third derivatives) is implemented for at most ${STIC_MAX_WEIGHTS}`,
    );
  }
  return weights;
}

/**
 * L = l̂ + (1/N)·tr(Ĉ Ĥ⁻¹) at θ and its gradient over every coordinate (into `out`). `gap` is
 * the STIC term; value, gap and grad are NaN where Ĥ is not positive definite.
 */
export function sticObjective(
  p: Problem,
  theta: Float64Array,
  weights: Int32Array,
  out: Float64Array = new Float64Array(p.program.P),
): { value: number; train: number; gap: number; grad: Float64Array } {
  const { program, N, train, rows } = p;
  const P = program.P, W = weights.length;
  if (N < 2) throw new InputError(`stic: Ĉ needs N ≥ 2 training points, got N = ${N}`);
  const { values, grads } = program.valuesAndGrads(theta, train);
  let loss = 0;
  for (let n = 0; n < N; n++) loss += values[n]!;
  loss /= N;
  const gbar = new Float64Array(P);
  for (let n = 0; n < N; n++) for (let i = 0; i < P; i++) gbar[i]! += grads[n * P + i]! / N;
  // d_n over the weights (N × W)
  const d = new Float64Array(N * W);
  for (let n = 0; n < N; n++) for (let a = 0; a < W; a++) d[n * W + a] = grads[n * P + weights[a]!]! - gbar[weights[a]!]!;
  // Ĥ over the weights: column a is the mean HVP with e_{w_a}
  const H = new Float64Array(W * W);
  const e = new Float64Array(P), col = new Float64Array(P);
  for (let a = 0; a < W; a++) {
    e.fill(0);
    e[weights[a]!] = 1;
    program.meanGradDerivative(theta, [e], train, col);
    for (let b = 0; b < W; b++) H[b * W + a] = col[weights[b]!]!;
  }
  for (let a = 0; a < W; a++) for (let b = 0; b < a; b++) H[a * W + b] = H[b * W + a] = (H[a * W + b]! + H[b * W + a]!) / 2;
  const L = cholesky(H, W);
  if (!L) {
    out.fill(Number.NaN);
    return { value: Number.NaN, train: loss, gap: Number.NaN, grad: out };
  }
  const A = choleskyInverse(L, W);
  // v_n = A d_n; tr(Ĉ A) = (1/(N−1)) Σ_n d_nᵀ v_n; M = (1/(N−1)) Σ_n v_n v_nᵀ
  const v = new Float64Array(N * W);
  const M = new Float64Array(W * W);
  let tr = 0;
  for (let n = 0; n < N; n++) {
    for (let a = 0; a < W; a++) {
      let s = 0;
      for (let b = 0; b < W; b++) s += A[a * W + b]! * d[n * W + b]!;
      v[n * W + a] = s;
      tr += d[n * W + a]! * s;
    }
    for (let a = 0; a < W; a++) for (let b = 0; b < W; b++) M[a * W + b]! += (v[n * W + a]! * v[n * W + b]!) / (N - 1);
  }
  tr /= N - 1;
  // ∇tr(ĈA) = (2/(N−1)) Σ_n H_n v_n − Σ_r σ_r ∇(D²l̂[m_r, m_r])
  const gradF = new Float64Array(P);
  const u = new Float64Array(P), hv = new Float64Array(P);
  for (let n = 0; n < N; n++) {
    u.fill(0);
    for (let a = 0; a < W; a++) u[weights[a]!] = v[n * W + a]!;
    program.gradDerivative(theta, [u], rows[n]!, hv);
    for (let i = 0; i < P; i++) gradF[i]! += (2 / (N - 1)) * hv[i]!;
  }
  const { values: sigma, vectors } = symmetricEigen(M, W);
  for (let r = 0; r < W; r++) {
    if (sigma[r] === 0) continue;
    u.fill(0);
    for (let a = 0; a < W; a++) u[weights[a]!] = vectors[a * W + r]!;
    program.meanGradDerivative(theta, [u, u], train, hv);
    for (let i = 0; i < P; i++) gradF[i]! -= sigma[r]! * hv[i]!;
  }
  for (let i = 0; i < P; i++) out[i] = gbar[i]! + gradF[i]! / N;
  const gap = tr / N;
  return { value: loss + gap, train: loss, gap, grad: out };
}

export function stic(o: SticOptions): Optimizer<SticState> {
  const eta = checkEta('stic', o.eta);
  const { N, T } = checkSchedule('stic', o.schedule, 'gd');
  if (N < 2) throw new InputError(`stic: the unbiased Ĉ needs N ≥ 2 training points, got N = ${N}`);
  return {
    name: 'stic',
    eta,
    T,
    description: `stic N=${N} T=${T}, η=${eta} (GD on l̂ + tr(Ĉ Ĥ⁻¹)/N)`,
    init(p, theta0) {
      checkProblem('stic', p, N, theta0);
      const weights = sticWeights(p.program.P, o.hyperparameters ?? p.landscape.hyperparameters ?? []);
      return { problem: p, theta: Float64Array.from(theta0), t: 0, weights, grad: new Float64Array(p.program.P) };
    },
    step(s, _rng: Rng) {
      const p = s.problem;
      sticObjective(p, s.theta, s.weights, s.grad);
      descend(p, s.theta, eta, s.grad);
      s.t++;
    },
  };
}
