/**
 * @file SDE: the stochastic differential equation that SGD is often approximated by,
 * dθ = −G(θ)dt + √(η/B)·C(θ)^{1/2} dW with dt = η per step, integrated by Euler–Maruyama with
 * k substeps per step:
 *
 *   θ ← θ − (η/k)·G(θ) + η·√(1/(kB))·ξ,   ξ ~ N(0, C(θ)),
 *
 * so one step's noise has covariance k·η²C/(kB) = η²C/B, that of one SGD step with batch B.
 * G is the population gradient and C the gradient covariance; the SDE sees no training set
 * (it models SGD on fresh samples: single epoch).
 *
 * Exact mode (the landscape has weighted atoms, at most SMALL_ATOMS of them): with g_a the
 * gradient at atom a of weight w_a, G = Σ_a w_a g_a and ξ = Σ_a √w_a·z_a·(g_a − G) with z_a iid
 * N(0, 1): ξ is Gaussian with covariance Σ_a w_a (g_a − G)(g_a − G)ᵀ = C exactly, with no matrix
 * square root. Exact wherever the atoms are exact for E g and E g gᵀ (a finite distribution, or a
 * quadrature rule of high enough degree: see the landscape's `exact.atoms.exactFor`).
 *
 * Estimated mode: each substep draws M fresh samples, ḡ their mean gradient (an unbiased G) and
 * ξ = Σ_m z_m (g_m − ḡ)/√(M−1), Gaussian given the samples with covariance the unbiased sample
 * covariance Ĉ (so E ξξᵀ = C). Using ḡ for G adds drift noise of covariance (η/k)²C/M per substep;
 * the injected noise is scaled down to η·√(1/(kB) − 1/(k²M)) so that the two together have
 * exactly η²C/(kB) per substep (ḡ and ξ are uncorrelated: E[z] = 0). Needs kM > B.
 */
import type { Batch } from '../engine/index.ts';
import { intAtLeast, positiveInt, InputError, type Rng } from '../core/index.ts';
import { hasSmallAtoms, SMALL_ATOMS, type Landscape } from '../landscapes/index.ts';
import { checkEta, type Optimizer, type OptState, type Problem } from './optimizer.ts';


export type SdeNoise = 'auto' | 'exact' | 'estimated';

export interface SdeOptions {
  eta: number;
  T: number;
  /** The SGD batch size whose noise is matched: η²C/B per step (default 1). */
  B?: number;
  /** Euler–Maruyama substeps per step (default 16). */
  substeps?: number;
  /** 'auto' (default): exact where the landscape has few atoms (landscapes' SMALL_ATOMS), else estimated. */
  noise?: SdeNoise;
  /** Fresh samples per substep in estimated mode (default 32, at least 2). */
  samples?: number;
}

export interface SdeState extends OptState {
  readonly mode: 'exact' | 'estimated';
  readonly grads: Float64Array;
  readonly g: Float64Array;
  readonly xi: Float64Array;
  readonly z: Float64Array;
}

/** Whether `landscape` gets exact or estimated noise under `noise`, and a line saying which. */
export function sdeNoiseMode(landscape: Landscape, noise: SdeNoise = 'auto', samples = 32): { mode: 'exact' | 'estimated'; description: string } {
  const count = landscape.exact.atoms?.count;
  // One gradient per atom per substep: exact noise only where the atoms are few.
  const exactOk = hasSmallAtoms(landscape);
  if (noise === 'exact' && !exactOk) {
    throw new InputError(
      `sde: exact noise needs a landscape with at most ${SMALL_ATOMS} atoms; ${landscape.name} has ${count === undefined ? 'none' : count.toLocaleString('en-US')}`,
    );
  }
  if (noise === 'exact' || (noise === 'auto' && exactOk)) {
    return { mode: 'exact', description: `exact (atoms: ${landscape.exact.atoms!.method}; G and C exact for ${landscape.exact.atoms!.exactFor})` };
  }
  return { mode: 'estimated', description: `estimated from M = ${samples} fresh samples per substep` };
}

/** The atoms of a landscape as one batch, with √weights (built once per landscape). */
const atomCache = new WeakMap<Landscape, { batch: Batch; weights: Float64Array; sqrtw: Float64Array; count: number }>();
function atomsOf(landscape: Landscape) {
  let e = atomCache.get(landscape);
  if (!e) {
    const a = landscape.atoms!();
    e = { batch: a.batch(), weights: a.weights, sqrtw: a.weights.map(Math.sqrt), count: a.count };
    atomCache.set(landscape, e);
  }
  return e;
}

export function sde(o: SdeOptions): Optimizer<SdeState> {
  const eta = checkEta('sde', o.eta);
  const T = positiveInt('sde', 'T', o.T);
  const B = positiveInt('sde', 'B', o.B ?? 1);
  const k = positiveInt('sde', 'substeps', o.substeps ?? 16);
  const M = intAtLeast('sde', 'samples', o.samples ?? 32, 2, 'a covariance needs two');
  const noise = o.noise ?? 'auto';
  if (noise !== 'auto' && noise !== 'exact' && noise !== 'estimated') throw new InputError(`sde: noise must be 'auto', 'exact' or 'estimated', got '${String(noise)}'`);
  const h = eta / k; // drift step
  const exactScale = eta / Math.sqrt(k * B);
  const estVar = 1 / (k * B) - 1 / (k * k * M);
  if (!(estVar > 0)) throw new InputError(`sde: estimated noise needs substeps·samples > B (the drift's own sampling noise would exceed η²C/B), got ${k}·${M} ≤ ${B}`);
  const estScale = (eta * Math.sqrt(estVar)) / Math.sqrt(M - 1);
  return {
    name: 'sde',
    eta,
    T,
    description: `sde T=${T} B=${B} substeps=${k}, η=${eta}`,
    init(p: Problem, theta0) {
      const P = p.program.P;
      if (!(theta0 instanceof Float64Array) || theta0.length !== P) throw new InputError(`sde: theta0 must be a Float64Array of length P = ${P}`);
      const { mode } = sdeNoiseMode(p.landscape, noise, M);
      const rows = mode === 'exact' ? atomsOf(p.landscape).count : M;
      return {
        problem: p, theta: Float64Array.from(theta0), t: 0, mode,
        grads: new Float64Array(rows * P), g: new Float64Array(P), xi: new Float64Array(P), z: new Float64Array(rows),
      };
    },
    step(s, rng: Rng) {
      const { program, landscape } = s.problem;
      const P = program.P, theta = s.theta, grads = s.grads, g = s.g, xi = s.xi, z = s.z;
      for (let j = 0; j < k; j++) {
        if (s.mode === 'exact') {
          const a = atomsOf(landscape);
          program.valuesAndGrads(theta, a.batch, grads);
          g.fill(0);
          for (let m = 0; m < a.count; m++) {
            const w = a.weights[m]!;
            for (let i = 0; i < P; i++) g[i]! += w * grads[m * P + i]!;
          }
          rng.normals(z);
          xi.fill(0);
          for (let m = 0; m < a.count; m++) {
            const c = a.sqrtw[m]! * z[m]!;
            for (let i = 0; i < P; i++) xi[i]! += c * (grads[m * P + i]! - g[i]!);
          }
          for (let i = 0; i < P; i++) theta[i]! += -h * g[i]! + exactScale * xi[i]!;
        } else {
          program.valuesAndGrads(theta, landscape.sample(rng, M), grads);
          g.fill(0);
          for (let m = 0; m < M; m++) for (let i = 0; i < P; i++) g[i]! += grads[m * P + i]!;
          for (let i = 0; i < P; i++) g[i]! /= M;
          rng.normals(z);
          xi.fill(0);
          for (let m = 0; m < M; m++) {
            const c = z[m]!;
            for (let i = 0; i < P; i++) xi[i]! += c * (grads[m * P + i]! - g[i]!);
          }
          for (let i = 0; i < P; i++) theta[i]! += -h * g[i]! + estScale * xi[i]!;
        }
        landscape.project?.(theta);
      }
      s.t++;
    },
  };
}
