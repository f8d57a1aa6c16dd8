/**
 * @file Estimates of every diagram value (uvalue, docs/theory.md §2; estimators §6) that a prediction of a given order
 * needs, at θ₀ of a landscape: exactly over weighted atoms (by enumerating atom assignments
 * here, or by the factorized sum of factorized.ts), or unbiasedly from samples.
 *
 * Sampled mode (paper appendix C.6, "one sample per part"): each draw takes a pool of fresh
 * independent samples x₀, x₁, …; diagram part p uses x_p. Because different parts use
 * independent samples, the contraction's expectation is exactly the product of expectations
 * the uvalue is defined by, so the mean over draws is unbiased; its standard error is the
 * sample standard deviation over √S. Optionally a part of one node takes the mean over a block
 * of samples instead (`partBatch`, see sampleChunk). All diagrams of a draw share its pool, so
 * their estimates are correlated and their covariance is estimated from the same draws. Draws
 * are cut into chunks; chunk c uses the random stream split(seed, c), so the estimate is the
 * same for any number of worker threads, and a run can resume after its last finished chunk.
 */
import type { Diagram } from '../diagrams/index.ts';
import type { Batch } from '../engine/index.ts';
import { addObservation, emptyMoments, InputError, opt, type Moments, type Rng } from '../core/index.ts';
import { Contractor, type PartSample } from './uvalue.ts';
import { FACTORIZED_LIMIT, factorizedCost, factorizedMaxP, factorizedValues, TENSOR_LIMIT } from './factorized.ts';
import type { Landscape } from '../landscapes/index.ts';


/** What the estimators need of a landscape (src/landscapes). */
export type StatsSource = Pick<Landscape, 'P' | 'program' | 'sample' | 'atoms' | 'populationLoss'>;

/** Max atom assignments the enumeration will evaluate before asking for sampled mode. */
export const EXACT_LIMIT = 5_000_000;

/** How exact mode sums: `factorized` (factorized.ts), `enumerate` (every assignment of atoms to parts), or `auto`. */
export type ExactMethod = 'auto' | 'factorized' | 'enumerate';

/**
 * Which sum exact mode takes for `ds`: the factorized sum over full derivative tensors when it
 * fits its limits (few weights P; its cost is Σ_D P^d·Σ_p c_p multiply-adds, factorized.ts),
 * else the enumeration over atom assignments (Σ_D atoms^parts contractions, at most
 * EXACT_LIMIT). Refuses, naming both costs and the largest P that would fit, when neither does.
 */
export function exactMethod(src: Pick<StatsSource, 'P' | 'atoms'>, ds: readonly Diagram[]): 'factorized' | 'enumerate' {
  if (!src.atoms) throw new InputError(`stats: this landscape has no exact mode (no weighted atoms); use sampled mode (${opt('samples')})`);
  const A = src.atoms().count;
  const f = factorizedCost(src.P, A, ds);
  if (f.fits) return 'factorized';
  const total = enumerationCount(A, ds);
  if (total <= EXACT_LIMIT) return 'enumerate';
  const worst = ds.reduce((a, d) => (d.parts.length > a.parts.length ? d : a));
  const maxP = factorizedMaxP(A, ds);
  throw new InputError(
    `stats: exact mode would evaluate ${total.toExponential(2)} atom combinations (${A} atoms, up to ${worst.parts.length} parts per diagram, e.g. ${worst.key}; the limit is ${EXACT_LIMIT.toExponential(0)}), ` +
      `and its factorized form ${f.multiplyAdds.toExponential(2)} multiply-adds over derivative tensors of ${f.tensorEntries.toExponential(2)} entries for P = ${src.P} (limits ${FACTORIZED_LIMIT.toExponential(0)} and ${TENSOR_LIMIT.toExponential(2)}; ` +
      `${maxP > 0 ? `these diagrams fit up to P = ${maxP}` : 'no P fits with this many atoms'}): use sampled mode (${opt('samples')})`,
  );
}

/**
 * Exact uvalues over the landscape's atoms, by the sum `exactMethod` chooses (or the one
 * `opts.method` names). `onProgress` counts that sum's units of work.
 */
export function exactValues(
  src: StatsSource,
  theta: Float64Array,
  ds: readonly Diagram[],
  onProgress?: (done: number, total: number) => void,
  opts: { method?: ExactMethod } = {},
): number[] {
  const method = !opts.method || opts.method === 'auto' ? exactMethod(src, ds) : opts.method;
  return method === 'factorized' ? factorizedValues(src, theta, ds, onProgress) : enumeratedValues(src, theta, ds, onProgress);
}

/** Σ_D atoms^parts(D): the contractions of the enumeration. */
export function enumerationCount(atoms: number, ds: readonly Diagram[]): number {
  return ds.reduce((s, d) => s + atoms ** d.parts.length, 0);
}

/**
 * Exact uvalues by enumeration: for each diagram, the sum over every assignment of atoms to its
 * parts of the product of the atoms' weights times the contraction (memoized across assignments).
 * Any P; refuses above EXACT_LIMIT assignments.
 */
export function enumeratedValues(src: StatsSource, theta: Float64Array, ds: readonly Diagram[], onProgress?: (done: number, total: number) => void): number[] {
  if (!src.atoms) throw new InputError(`stats: this landscape has no exact mode (no weighted atoms); use sampled mode (${opt('samples')})`);
  const a = src.atoms();
  // Check the cost before materializing the atoms (70,000 images would be 440 MB of float64).
  const A = a.count;
  const total = enumerationCount(A, ds);
  if (!(total <= EXACT_LIMIT)) {
    const worst = ds.reduce((a, d) => (d.parts.length > a.parts.length ? d : a));
    throw new InputError(
      `stats: exact mode would evaluate ${total.toExponential(2)} atom combinations (${A} atoms, up to ${worst.parts.length} parts per diagram, e.g. ${worst.key}); the limit is ${EXACT_LIMIT.toExponential(0)}: use sampled mode (${opt('samples')})`,
    );
  }
  const program = src.program();
  const atoms = program.samplesOf(a.batch());
  const weights = a.weights;
  const c = new Contractor(program, theta);
  const parts: PartSample[] = atoms.map((sample, i) => ({ key: `a${i}`, sample }));
  let done = 0;
  return ds.map((d) => {
    const p = d.parts.length;
    const idx = new Array<number>(p).fill(0);
    const assigned = new Array<PartSample>(p);
    let sum = 0;
    for (;;) {
      let w = 1;
      for (let j = 0; j < p; j++) {
        assigned[j] = parts[idx[j]!]!;
        w *= weights[idx[j]!]!;
      }
      if (w !== 0) sum += w * c.value(d, assigned);
      if (++done % 4096 === 0) onProgress?.(done, total);
      let j = 0;
      while (j < p && ++idx[j]! === A) idx[j++] = 0;
      if (j === p) break;
    }
    return sum;
  });
}

/**
 * One chunk of sampled mode: `draws` draws from the stream `rng`, each evaluating every diagram
 * on a fresh pool of samples. Returns the running moments of the values (diagram order).
 *
 * With `partBatch` B > 1 the pool holds one block of B samples per part index (batch means,
 * docs/theory.md §6): a part of one node uses the mean over its block, a part of several nodes
 * the block's first sample. Different parts still see disjoint, independent samples, so each
 * contraction stays unbiased with no correction; only the variance changes (a product of k
 * noisy single-node factors falls like 1/B^k). B = 1 is the one-sample-per-part estimator, on
 * the very same samples as before batch means existed.
 */
export function sampleChunk(
  src: StatsSource,
  theta: Float64Array,
  ds: readonly Diagram[],
  rng: Rng,
  draws: number,
  covariance = true,
  partBatch = 1,
): Moments {
  const program = src.program();
  let poolSize = 1;
  for (const d of ds) poolSize = Math.max(poolSize, d.parts.length);
  const B = partBatch;
  const c = new Contractor(program, theta);
  const m = emptyMoments(ds.length, covariance);
  const values = new Array<number>(ds.length);
  const singleNode = ds.map((d) => d.parts.map((p) => p.length === 1));
  for (let s = 0; s < draws; s++) {
    const batch = src.sample(rng, poolSize * B);
    const samples = program.samplesOf(batch);
    c.clear();
    if (B === 1) {
      const pool = samples.map((sample, i) => ({ key: `x${i}`, sample }));
      for (let k = 0; k < ds.length; k++) values[k] = c.value(ds[k]!, pool);
    } else {
      const blocks = splitBatch(batch, poolSize);
      const single: PartSample[] = blocks.map((_, i) => ({ key: `x${i}`, sample: samples[i * B]! }));
      const means: PartSample[] = blocks.map((b, i) => ({ key: `X${i}`, sample: samples[i * B]!, batch: b }));
      for (let k = 0; k < ds.length; k++) {
        const one = singleNode[k]!;
        values[k] = c.value(ds[k]!, one.map((isOne, p) => (isOne ? means[p]! : single[p]!)));
      }
    }
    addObservation(m, values);
  }
  return m;
}

/** `batch` cut into `count` consecutive equal blocks (views, no copies). */
function splitBatch(batch: Batch, count: number): Batch[] {
  const out: Batch[] = Array.from({ length: count }, () => ({}));
  for (const [name, arr] of Object.entries(batch)) {
    const per = arr.length / count;
    for (let i = 0; i < count; i++) out[i]![name] = arr.subarray(i * per, (i + 1) * per);
  }
  return out;
}
