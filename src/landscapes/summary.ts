/**
 * @file What `perturb landscape` reports: the loss and the population gradient norm |G| at θ₀,
 * each exact where the landscape allows (closed form, or a pass over its atoms) and otherwise
 * estimated from seeded samples with a standard error, plus the list of exact quantities.
 */
import { InputError, rng } from '../core/index.ts';
import type { Atoms, Landscape } from './types.ts';

export interface SummaryOptions {
  /** Seed of θ₀ (default 0). */
  initSeed?: number;
  /** Estimate from this many samples instead of an exact pass (required when there are no atoms; default 4096 then). */
  samples?: number;
  /** Seed of the samples (default 0). */
  seed?: number;
  /** Progress of a pass: (samples or atoms done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** A number with how it was obtained. */
export interface Quantity {
  value: number;
  /** 0 when exact; a standard error when estimated (null when none is given). */
  stderr: number | null;
  exact: boolean;
  /** How it was computed, in words. */
  how: string;
}

export interface LandscapeSummary {
  name: string;
  spec: string;
  description: string;
  dataSource: string;
  params: Record<string, number>;
  P: number;
  initSeed: number;
  /** l(θ₀). */
  loss: Quantity;
  /** |G| = |∇l(θ₀)|. */
  gradNorm: Quantity;
  /** Exact mode: number of atoms, or null. */
  atoms: number | null;
  /** Which quantities the landscape gives exactly, in words. */
  exact: string[];
  coordinates: Record<string, number>;
}

/** Progress is reported at least this many times per pass (a chunk is at most 1/PROGRESS_STEPS of it). */
export const PROGRESS_STEPS = 100;

/**
 * Samples or atoms per chunk of a pass over `count` of them: at most ~16 MB of float64 batch
 * (and gradients) at once, and at most 1/PROGRESS_STEPS of the pass, so that progress comes at
 * a steady rate (fmnist-convnet: 700 of 70,000 images, about a quarter of a second).
 */
function chunkSize(land: Landscape, withGrads: boolean, count: number): number {
  const perSample = Object.values(land.data).reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0) + (withGrads ? land.P : 0);
  return Math.max(1, Math.min(1024, Math.floor(2_097_152 / perSample), Math.ceil(count / PROGRESS_STEPS)));
}

/**
 * l(θ) and G = ∇l(θ) = Σ_i w_i ∇l_{x_i}(θ) over the atoms, exactly, in chunks: one forward and
 * backward pass per atom. `onProgress` gets (0, count) before the first and (done, count) after
 * every chunk.
 */
export function populationGradient(
  land: Landscape,
  theta: Float64Array,
  opts: { atoms?: Atoms; onProgress?: (done: number, total: number) => void } = {},
): { value: number; grad: Float64Array } {
  const atoms = opts.atoms ?? land.atoms?.();
  if (!atoms) throw new InputError(`populationGradient: landscape ${land.spec} has no atoms (no exact mode)`);
  const program = land.program();
  const grad = new Float64Array(land.P);
  const part = new Float64Array(land.P);
  let value = 0;
  const chunk = chunkSize(land, !atoms.uniform, atoms.count);
  opts.onProgress?.(0, atoms.count);
  for (let start = 0; start < atoms.count; start += chunk) {
    const end = Math.min(atoms.count, start + chunk);
    const batch = atoms.batch(start, end);
    if (atoms.uniform) {
      // Equal weights: the chunk's mean times its share of the total weight.
      const r = program.meanGradDerivative(theta, [], batch, part);
      const share = (end - start) / atoms.count;
      value += share * r.value;
      for (let k = 0; k < land.P; k++) grad[k]! += share * part[k]!;
    } else {
      const { values, grads } = program.gradDerivatives(theta, [], batch);
      for (let j = 0; j < end - start; j++) {
        const w = atoms.weights[start + j]!;
        value += w * values[j]!;
        for (let k = 0; k < land.P; k++) grad[k]! += w * grads[j * land.P + k]!;
      }
    }
    opts.onProgress?.(end, atoms.count);
  }
  return { value, grad };
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/**
 * Blocks of the jackknife of |G|: its standard error is then known to about 1/√(2·31) ≈ 13%
 * (31 degrees of freedom), for 32·P numbers of memory.
 */
export const JACKKNIFE_BLOCKS = 32;

/**
 * The U-statistic |G|² ≈ (|Σ g_i|² − Σ |g_i|²) / (n(n − 1)) (the mean over pairs i ≠ j of
 * g_i·g_j; unbiased) from the sums over n samples, and its square root clipped at 0.
 */
function pairEstimate(sumG: Float64Array, sumSq: number, n: number): number {
  let s = 0;
  for (let k = 0; k < sumG.length; k++) s += sumG[k]! * sumG[k]!;
  return Math.sqrt(Math.max(0, (s - sumSq) / (n * (n - 1))));
}

/**
 * Loss and |G| at θ₀ from S samples: the loss as a sample mean with its standard error; |G| as
 * the square root of the unbiased U-statistic of |G|² (clipped at 0; consistent, not unbiased),
 * with a delete-one-block jackknife standard error over B = min(32, ⌊S/2⌋) contiguous blocks of
 * the samples (Efron & Stein 1981; Künsch 1989 for blocks):
 *
 *   se² = (B − 1)/B · Σ_b (|G|_(−b) − mean_b |G|_(−b))²,
 *
 * |G|_(−b) being the estimate without block b, computed from per-block sums of g and |g|².
 * Why a jackknife and not the delta method: the U-statistic's variance, 4·GᵀCG/S to first
 * order, needs GᵀCG, i.e. the P×P covariance or a second pass over fresh samples, while the
 * jackknife needs only B·P numbers from the same single pass, and it carries the square root
 * and the clipping at 0 through rather than linearizing them (the delta method's se(|G|) =
 * se(|G|²)/(2|G|) blows up as |G| → 0). Near |G| = 0 neither is a normal interval: the
 * estimate is biased upwards by about √(tr C/S).
 */
function sampledSummary(land: Landscape, theta: Float64Array, S: number, seed: number, onProgress?: (d: number, t: number) => void): { loss: Quantity; gradNorm: Quantity } {
  if (!Number.isSafeInteger(S) || S < 2) throw new InputError(`samples must be an integer ≥ 2 (|G|² needs pairs), got ${S}`);
  const program = land.program();
  const r = rng(seed);
  const P = land.P;
  const B = Math.min(JACKKNIFE_BLOCKS, Math.floor(S / 2));
  // Block b holds samples [⌊b·S/B⌋, ⌊(b + 1)·S/B⌋): at least 2 each, so every |G|_(−b) has pairs.
  const blockOf = (i: number) => Math.floor((i * B) / S);
  const blockG = new Float64Array(B * P), blockSq = new Float64Array(B), blockN = new Float64Array(B);
  const sumG = new Float64Array(P);
  let sumSq = 0, sumL = 0, sumL2 = 0;
  const chunk = chunkSize(land, true, S);
  onProgress?.(0, S);
  for (let done = 0; done < S;) {
    const n = Math.min(chunk, S - done);
    const { values, grads } = program.gradDerivatives(theta, [], land.sample(r, n));
    for (let j = 0; j < n; j++) {
      const l = values[j]!;
      sumL += l;
      sumL2 += l * l;
      const b = blockOf(done + j), off = b * P;
      let sq = 0;
      for (let k = 0; k < P; k++) {
        const g = grads[j * P + k]!;
        sumG[k]! += g;
        blockG[off + k]! += g;
        sq += g * g;
      }
      sumSq += sq;
      blockSq[b]! += sq;
      blockN[b]!++;
    }
    done += n;
    onProgress?.(done, S);
  }
  const mean = sumL / S;
  const variance = Math.max(0, (sumL2 - S * mean * mean) / (S - 1));
  const gNorm = pairEstimate(sumG, sumSq, S);
  let gradSe: number | null = null;
  if (B >= 2) {
    const without = new Float64Array(B), rest = new Float64Array(P);
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < P; k++) rest[k] = sumG[k]! - blockG[b * P + k]!;
      without[b] = pairEstimate(rest, sumSq - blockSq[b]!, S - blockN[b]!);
    }
    const m = without.reduce((a, x) => a + x, 0) / B;
    gradSe = Math.sqrt(((B - 1) / B) * without.reduce((a, x) => a + (x - m) ** 2, 0));
  }
  const how = `estimated from ${S} samples (seed ${seed})`;
  return {
    loss: { value: mean, stderr: Math.sqrt(variance / S), exact: false, how: `${how}: sample mean ± standard error` },
    gradNorm: {
      value: gNorm,
      stderr: gradSe,
      exact: false,
      how: `${how}: √ of the unbiased pair estimate of |G|² (clipped at 0)${gradSe === null ? '; no standard error from fewer than 4 samples' : ` ± a jackknife standard error over ${B} blocks`}`,
    },
  };
}

/** Which quantities `land` gives exactly, in words. */
export function exactQuantities(land: Landscape): string[] {
  const out: string[] = [];
  const pl = land.exact.populationLoss;
  if (pl) out.push(pl.method === 'closed form' ? `population loss l(θ): closed form, ${pl.cost}` : `population loss l(θ): mean over the atoms, ${pl.cost}`);
  const a = land.exact.atoms;
  if (a) {
    out.push(`G, H, C and every diagram value: exact mode over ${a.count.toLocaleString('en-US')} atoms (${a.method})`);
    out.push(`exact for: ${a.exactFor}`);
  }
  if (out.length === 0) out.push('none: every quantity is estimated from samples');
  return out;
}

/** Loss and |G| at θ₀ (exact where possible), and the list of exact quantities. */
export function summarizeLandscape(land: Landscape, opts: SummaryOptions = {}): LandscapeSummary {
  const initSeed = opts.initSeed ?? 0;
  const theta = land.init(initSeed);
  const atoms = land.atoms?.();
  let loss: Quantity, gradNorm: Quantity;
  if (opts.samples === undefined && atoms) {
    const { value, grad } = populationGradient(land, theta, { atoms, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    const over = `exact: a pass over all ${atoms.count.toLocaleString('en-US')} atoms`;
    loss = land.exact.populationLoss?.method === 'closed form'
      ? { value: land.populationLoss!(theta), stderr: 0, exact: true, how: `exact: closed form (${land.exact.populationLoss.cost})` }
      : { value, stderr: 0, exact: true, how: over };
    gradNorm = { value: norm(grad), stderr: 0, exact: true, how: over };
  } else {
    const S = opts.samples ?? 4096;
    ({ loss, gradNorm } = sampledSummary(land, theta, S, opts.seed ?? 0, opts.onProgress));
    if (land.populationLoss && land.exact.populationLoss?.method === 'closed form') {
      loss = { value: land.populationLoss(theta), stderr: 0, exact: true, how: `exact: closed form (${land.exact.populationLoss.cost})` };
    }
  }
  return {
    name: land.name,
    spec: land.spec,
    description: land.description,
    dataSource: land.dataSource,
    params: { ...land.params },
    P: land.P,
    initSeed,
    loss,
    gradNorm,
    atoms: atoms ? atoms.count : null,
    exact: exactQuantities(land),
    coordinates: { ...(land.coordinates ?? {}) },
  };
}
