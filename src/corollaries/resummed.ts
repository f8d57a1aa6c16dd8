/**
 * @file The corollaries that live beyond the plain series, computed by re-summation
 * (docs/theory.md §9, THEORY §7 and §9) on derivative tensors measured at θ₀: drift along a
 * valley of minima (Corollary 1), overfitting of GD from a minimum with STIC and AIC
 * (Corollary 2), and the re-summed S–J term (Example 1). Each checks what it assumes — a
 * minimum (|G| small), a flat direction, H ≻ 0 — and refuses with the measured value.
 * Standard errors: the jackknife over the whole computation (`jackknifed`), 0 when exact.
 */
import { cholesky, choleskySolve, formatNumber, gd, InputError, optionError, positiveInt, sgd } from '../core/index.ts';
import { jackknifed, measureTensors, type MeasuredTensors, type MeasureTensorsOptions } from '../stats/index.ts';
import { hessianEigen, resum, type LandscapeTensors } from '../theory/index.ts';
import { checkEta } from './plain.ts';
import type { CorollaryCheck, CorollaryEntry, CorollaryResult } from './result.ts';
import { statisticsMode } from './source.ts';

/** Where a re-summed corollary's tensors come from: `measureTensors`'s options but the degree (the corollary knows it). */
export type TensorSourceOptions = Omit<MeasureTensorsOptions, 'degree'>;

/** |G| at θ₀ above which θ₀ is not taken for a minimum (default; `maxGradient` sets it). */
export const MIN_GRADIENT = 1e-6;

async function tensorsFor(where: string, o: TensorSourceOptions, degree: number): Promise<MeasuredTensors> {
  if (!o.landscape) throw optionError(where, 'landscape', 'is required (the corollary measures derivative tensors at θ₀)');
  const mode = await statisticsMode(where, o.landscape, o.exact, o.samples);
  return measureTensors({ landscape: o.landscape, degree, ...mode, seed: o.seed, initSeed: o.initSeed, groups: o.groups, onProgress: o.onProgress });
}

const norm = (g: Float64Array | null) => Math.sqrt(g ? g.reduce((s: number, x: number) => s + x * x, 0) : 0);

/** Refuse unless |G| at θ₀ is within `max` (allowing 3 standard errors of sampled G). */
function checkMinimum(where: string, m: MeasuredTensors, max: number): CorollaryCheck {
  const g = jackknifed(m, (t) => [norm(t.cumulant([1]))]);
  const limit = max + 3 * g.stderr[0]!;
  if (!(g.value[0]! <= limit)) {
    throw new InputError(`${where}: assumes θ₀ is a minimum (G = 0), but |G| = ${g.value[0]!.toPrecision(4)} at θ₀${m.exact ? '' : ` ± ${g.stderr[0]!.toPrecision(2)}`}, above ${max} (set \`maxGradient\` to allow it)`);
  }
  return { what: '|G| at θ₀', value: g.value[0]!, requirement: `≤ ${formatNumber(limit)}` };
}

/**
 * The tensors with G = 0: what a corollary that assumes a minimum computes with, once
 * `checkMinimum` has found |G| within its allowance (an estimated G is noise of size 1/√S, and
 * along a flat direction even that noise would grow like T³ in the re-summed series). Only the
 * mean gradient changes: the cumulants of two or more nodes do not involve it.
 */
function atMinimum(t: LandscapeTensors): LandscapeTensors {
  return { ...t, cumulant: (degrees) => (degrees.length === 1 && degrees[0] === 1 ? null : t.cumulant(degrees)), moment: t.moment };
}

const eigenvaluesOf = (t: LandscapeTensors): Float64Array => hessianEigen(t).values;

export interface DriftOptions extends TensorSourceOptions {
  eta: number;
  /** Batch size of the SGD (default 1). */
  B?: number;
  /** Largest |G| at θ₀ still taken for G = 0 (default MIN_GRADIENT). */
  maxGradient?: number;
}

/**
 * Corollary 1: the long-time velocity of each coordinate of θ under one-epoch SGD started on a
 * valley of minima, from the order-3 re-summed displacement (THEORY §9): along a flat direction
 * of H (eigenvalue 0) K is the identity and E[θ_T] grows linearly. The continuous propagators
 * give the paper's leading-order statement −(η²/2)·Σ J_λμν C_μν/(λ_μ + λ_ν) (THEORY §4) exactly;
 * the discrete ones keep SGD's own time steps (larger by a factor 1 + O(η)). Both are reported.
 */
export async function driftCorollary(o: DriftOptions): Promise<CorollaryResult> {
  const where = 'drift';
  const eta = checkEta(where, o.eta);
  const B = positiveInt(where, 'B', o.B ?? 1);
  const m = await tensorsFor(where, o, 3);
  const checks = [checkMinimum(where, m, o.maxGradient ?? MIN_GRADIENT)];
  // A flat direction: an eigenvalue 0 — up to rounding when exact, within 3 jackknife standard
  // errors when H is estimated (each replicate then takes it as exactly flat too).
  const lamJ = jackknifed(m, (t) => [...eigenvaluesOf(t)]);
  const isFlat = lamJ.value.map((l, k) => Math.abs(l) <= 3 * lamJ.stderr[k]! || l === 0);
  const flat = isFlat.filter(Boolean).length;
  if (flat === 0) {
    const k = lamJ.value.reduce((best, l, i) => (Math.abs(l) < Math.abs(lamJ.value[best]!) ? i : best), 0);
    throw new InputError(`${where}: assumes a valley of minima (a flat direction of H, eigenvalue 0), but the eigenvalue of H nearest 0 is ${lamJ.value[k]!.toPrecision(4)}${m.exact ? '' : ` ± ${lamJ.stderr[k]!.toPrecision(2)}`}`);
  }
  const flatTol = m.exact ? 0 : 2 * Math.max(...lamJ.value.map((l, k) => (isFlat[k] ? Math.abs(l) + 3 * lamJ.stderr[k]! : 0)));
  checks.push({ what: `flat directions of H (eigenvalue 0${m.exact ? '' : ', within 3 standard errors'}, of P = ${m.P})`, value: flat, requirement: '≥ 1' });
  const names = Array.from({ length: m.P }, (_, i) => Object.entries(m.coordinates ?? {}).find(([, j]) => j === i)?.[0] ?? `θ_${i}`);
  const velocities = (t: LandscapeTensors, continuous: boolean) =>
    names.map((_, i) => resum({ tensors: atMinimum(t), schedule: sgd({ N: B, B }), order: 3, observable: { coordinate: i }, eta: [eta], longTime: true, continuous, flat: flatTol }).velocity?.[0]?.value ?? 0);
  let cont: { value: number[]; stderr: number[] }, disc: { value: number[]; stderr: number[] };
  try {
    cont = jackknifed(m, (t) => velocities(t, true));
    disc = jackknifed(m, (t) => velocities(t, false));
  } catch (err) {
    // Estimated tensors blur the valley: noise along the flat direction (in C, J) makes some
    // term grow faster than linearly in T, which exact tensors of a true valley do not.
    if (err instanceof InputError && !m.exact && /linear asymptote/.test(err.message)) {
      throw new InputError(`${where}: the sampled tensors do not resolve the valley (${m.samples} samples): their noise along the flat direction makes the displacement grow faster than linearly (${err.message}); use \`exact\` where the landscape has atoms, or more \`samples\``);
    }
    throw err;
  }
  const entries: CorollaryEntry[] = [
    ...names.map((n, i) => ({ key: n, value: cont.value[i]!, stderr: cont.stderr[i]!, units: 'per step (leading order, continuous propagators)' })),
    ...names.map((n, i) => ({ key: `${n} (discrete)`, value: disc.value[i]!, stderr: disc.stderr[i]!, units: 'per step (SGD’s discrete propagators)' })),
  ];
  return {
    name: 'drift',
    title: `long-time velocity of θ under one-epoch batch-${B} SGD at η = ${eta} from θ₀ on a valley of minima (re-summed order 3)`,
    entries,
    inputs: { landscape: m.landscape.spec, initSeed: m.landscape.initSeed, eta, B, statistics: m.exact ? 'exact' : `${m.samples} samples, seed ${m.landscape.seed ?? 0}` },
    checks,
  };
}

export interface OverfitOptions extends TensorSourceOptions {
  N: number;
  /** GD steps (Infinity: the long-time limits only). */
  T: number;
  eta: number;
  maxGradient?: number;
}

/**
 * Corollary 2: GD from a minimum (G = 0) with N training points — the test-loss increase and
 * the gap after T steps, from the order-2 re-summed series in matrix form (THEORY §4: to
 * leading order (1/2N)·C:[(I−K^T)H⁻¹(I−K^T)] and (1/N)·C:[(I−K^T)H⁻¹]), their T → ∞ limits,
 * STIC's gap estimate C:H⁻¹/N at θ₀, and AIC's P/N (the case C = H) beside it.
 */
export async function overfitCorollary(o: OverfitOptions): Promise<CorollaryResult> {
  const where = 'overfit';
  const eta = checkEta(where, o.eta);
  const N = positiveInt(where, 'N', o.N);
  const T = o.T;
  if (T !== Infinity) positiveInt(where, 'T', T);
  const m = await tensorsFor(where, o, 2);
  const checks = [checkMinimum(where, m, o.maxGradient ?? MIN_GRADIENT)];
  const lam = eigenvaluesOf(m.tensors);
  if (!(lam[0]! > 0)) throw new InputError(`${where}: assumes a strict minimum (H ≻ 0), but H has the eigenvalue ${lam[0]!.toPrecision(4)} at θ₀`);
  if (!(eta * lam[lam.length - 1]! < 2)) throw new InputError(`${where}: GD at η = ${eta} diverges: ηλ_max = ${(eta * lam[lam.length - 1]!).toPrecision(4)} ≥ 2 (λ_max = ${lam[lam.length - 1]!.toPrecision(4)})`);
  checks.push({ what: 'smallest eigenvalue of H', value: lam[0]!, requirement: '> 0' });
  const one = (t: LandscapeTensors, q: 'test' | 'gap', longTime: boolean) =>
    resum({ tensors: atMinimum(t), schedule: gd({ N, T: T === Infinity ? 1 : T }), order: 2, observable: q, eta: [eta], longTime }).values[0]!.value - (q === 'test' ? t.cumulant([0])![0]! : 0);
  // STIC's gap estimate at θ₀: tr(H⁻¹C)/N, C = κ(g, g) (THEORY §4), by Cholesky (H ≻ 0 checked)
  const stic = (t: LandscapeTensors) => traceSolve(t.cumulant([2])!, t.cumulant([1, 1])!, t.P) / N;
  const f = (t: LandscapeTensors) => [
    ...(T === Infinity ? [] : [one(t, 'test', false), one(t, 'gap', false)]),
    one(t, 'test', true), one(t, 'gap', true), stic(t),
  ];
  const j = jackknifed(m, f);
  const keys = [...(T === Infinity ? [] : [`test increase (T = ${T})`, `gap (T = ${T})`]), 'test increase (T → ∞)', 'gap (T → ∞)', 'STIC: C:H⁻¹/N'];
  const entries: CorollaryEntry[] = keys.map((k, i) => ({ key: k, value: j.value[i]!, stderr: j.stderr[i]!, units: 'loss' }));
  entries.push({ key: 'AIC: P/N', value: m.P / N, stderr: 0, units: 'loss (C = H)' });
  return {
    name: 'overfit',
    title: `GD from a minimum with N = ${N} at η = ${eta}${T === Infinity ? '' : ` for T = ${T} steps`}: test-loss increase and generalization gap (re-summed order 2)`,
    entries,
    inputs: { landscape: m.landscape.spec, initSeed: m.landscape.initSeed, N, T: T === Infinity ? 'inf' : T, eta, statistics: m.exact ? 'exact' : `${m.samples} samples, seed ${m.landscape.seed ?? 0}` },
    checks,
  };
}

/** tr(H⁻¹C) for symmetric H ≻ 0, by core's Cholesky. */
function traceSolve(H: Float64Array, C: Float64Array, P: number): number {
  const L = cholesky(H, P);
  if (!L) throw new InputError('overfit: H is not positive definite at θ₀ (its Cholesky factorization fails)');
  let tr = 0;
  const col = new Float64Array(P);
  for (let c = 0; c < P; c++) {
    for (let i = 0; i < P; i++) col[i] = C[i * P + c]!;
    tr += choleskySolve(L, P, col)[c]!;
  }
  return tr;
}

export interface SkewOptions extends TensorSourceOptions {
  /** Steps of one-epoch SGD (Infinity: the long-time limit). */
  T: number;
  B?: number;
  eta: number;
}

/** The S–J diagram: J at the root, three leaves in one part carrying S = κ(g, g, g). */
export const SKEW_KEY = '(01-02-03)(0-123)';

/**
 * Example 1: the re-summed S–J term of one-epoch batch-B SGD — the contribution of the
 * irreducible diagram J:S to R_3, −(η³/6)·Σ S̃_μνλ J̃_μνλ·(1 − a^T)/(1 − a) with
 * a = (1−ηλ_μ)(1−ηλ_ν)(1−ηλ_λ) for B = 1 (THEORY §9) — beside its plain value −(T/6)·S:J·η³.
 */
export async function skewCorollary(o: SkewOptions): Promise<CorollaryResult> {
  const where = 'skew';
  const eta = checkEta(where, o.eta);
  const B = positiveInt(where, 'B', o.B ?? 1);
  const T = o.T;
  if (T !== Infinity) positiveInt(where, 'T', T);
  const m = await tensorsFor(where, o, 3);
  const s = sgd({ N: (T === Infinity ? 1 : T) * B, B });
  const term = (t: LandscapeTensors) => {
    const r = resum({ tensors: t, schedule: s, order: 3, observable: 'test', eta: [eta], longTime: T === Infinity });
    return [r.terms.find((x) => x.key === SKEW_KEY)?.values[0] ?? 0];
  };
  const plain = (t: LandscapeTensors) => {
    // −(T/6)·S:J·η³/B² (THEORY §8 for B = 1): the same diagram with every propagator at 1
    const S = t.cumulant([1, 1, 1]);
    const J = t.cumulant([3]);
    if (!S || !J) return 0;
    let sj = 0;
    for (let i = 0; i < S.length; i++) sj += S[i]! * J[i]!;
    return (-(T / 6) * sj * eta ** 3) / (B * B);
  };
  const j = jackknifed(m, (t) => [...term(t), ...(T === Infinity ? [] : [plain(t)])]);
  const entries: CorollaryEntry[] = [{ key: 'S–J term (re-summed)', value: j.value[0]!, stderr: j.stderr[0]!, units: `test loss after ${T === Infinity ? 'T → ∞' : `T = ${T}`} steps` }];
  if (T !== Infinity) entries.push({ key: 'S–J term (plain, −(T/6)·S:J·η³/B²)', value: j.value[1]!, stderr: j.stderr[1]!, units: `test loss after T = ${T} steps` });
  return {
    name: 'skew',
    title: `the re-summed S–J (skewness × third derivative) term of one-epoch batch-${B} SGD at η = ${eta}`,
    entries,
    inputs: { landscape: m.landscape.spec, initSeed: m.landscape.initSeed, T: T === Infinity ? 'inf' : T, B, eta, statistics: m.exact ? 'exact' : `${m.samples} samples, seed ${m.landscape.seed ?? 0}` },
    checks: [],
  };
}
