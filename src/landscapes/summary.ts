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

/** Atoms per chunk, so that at most ~16 MB of float64 batch or gradients is held at once. */
function chunkSize(land: Landscape, withGrads: boolean): number {
  const perSample = Object.values(land.data).reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0) + (withGrads ? land.P : 0);
  return Math.max(1, Math.min(1024, Math.floor(2_097_152 / perSample)));
}

/**
 * l(θ) and G = ∇l(θ) = Σ_i w_i ∇l_{x_i}(θ) over the atoms, exactly, in chunks: one forward and
 * backward pass per atom.
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
  const chunk = chunkSize(land, !atoms.uniform);
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
 * Loss and |G| at θ₀ from S samples: the loss as a sample mean with its standard error; |G| as
 * the square root of the unbiased U-statistic |G|² ≈ (|Σ g_i|² − Σ |g_i|²) / (S(S − 1)) (the
 * mean over pairs i ≠ j of g_i·g_j), clipped at 0 — consistent, not unbiased.
 */
function sampledSummary(land: Landscape, theta: Float64Array, S: number, seed: number, onProgress?: (d: number, t: number) => void): { loss: Quantity; gradNorm: Quantity } {
  if (!Number.isSafeInteger(S) || S < 2) throw new InputError(`samples must be an integer ≥ 2 (|G|² needs pairs), got ${S}`);
  const program = land.program();
  const r = rng(seed);
  const P = land.P;
  const sumG = new Float64Array(P);
  let sumSq = 0, sumL = 0, sumL2 = 0;
  const chunk = chunkSize(land, true);
  for (let done = 0; done < S;) {
    const n = Math.min(chunk, S - done);
    const { values, grads } = program.gradDerivatives(theta, [], land.sample(r, n));
    for (let j = 0; j < n; j++) {
      const l = values[j]!;
      sumL += l;
      sumL2 += l * l;
      for (let k = 0; k < P; k++) {
        const g = grads[j * P + k]!;
        sumG[k]! += g;
        sumSq += g * g;
      }
    }
    done += n;
    onProgress?.(done, S);
  }
  const mean = sumL / S;
  const variance = Math.max(0, (sumL2 - S * mean * mean) / (S - 1));
  const g2 = (norm(sumG) ** 2 - sumSq) / (S * (S - 1));
  const how = `estimated from ${S} samples (seed ${seed})`;
  return {
    loss: { value: mean, stderr: Math.sqrt(variance / S), exact: false, how: `${how}: sample mean ± standard error` },
    gradNorm: { value: Math.sqrt(Math.max(0, g2)), stderr: null, exact: false, how: `${how}: √ of the unbiased pair estimate of |G|² (clipped at 0)` },
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
