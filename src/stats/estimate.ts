/**
 * @file Estimates of every diagram value (uvalue, docs/theory.md §2; estimators §6) that a prediction of a given order
 * needs, at θ₀ of a landscape: exactly over weighted atoms, or unbiasedly from samples.
 *
 * Sampled mode (paper appendix C.6, "one sample per part"): each draw takes a pool of fresh
 * independent samples x₀, x₁, …; diagram part p uses x_p. Because different parts use
 * independent samples, the contraction's expectation is exactly the product of expectations
 * the uvalue is defined by, so the mean over draws is unbiased; its standard error is the
 * sample standard deviation over √S. All diagrams of a draw share its pool, so their estimates
 * are correlated and their covariance is estimated from the same draws. Draws are cut into
 * chunks; chunk c uses the random stream split(seed, c), so the estimate is the same for any
 * number of worker threads, and a run can resume after its last finished chunk.
 */
import type { Diagram } from '../diagrams/index.ts';
import { addObservation, emptyMoments, InputError, opt, type Moments, type Rng } from '../core/index.ts';
import { Contractor, type PartSample } from './uvalue.ts';
import type { Landscape } from '../landscapes/index.ts';


/** What the estimators need of a landscape (src/landscapes). */
export type StatsSource = Pick<Landscape, 'P' | 'program' | 'sample' | 'atoms' | 'populationLoss'>;

/** Max evaluations exact mode will attempt before asking for sampled mode. */
export const EXACT_LIMIT = 5_000_000;

/**
 * Exact uvalues: for each diagram, the sum over every assignment of atoms to its parts of the
 * product of the atoms' weights times the contraction (memoized across assignments).
 */
export function exactValues(src: StatsSource, theta: Float64Array, ds: readonly Diagram[], onProgress?: (done: number, total: number) => void): number[] {
  if (!src.atoms) throw new InputError(`stats: this landscape has no exact mode (no weighted atoms); use sampled mode (${opt('samples')})`);
  const a = src.atoms();
  // Check the cost before materializing the atoms (70,000 images would be 440 MB of float64).
  const A = a.count;
  const total = ds.reduce((s, d) => s + A ** d.parts.length, 0);
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
 */
export function sampleChunk(
  src: StatsSource,
  theta: Float64Array,
  ds: readonly Diagram[],
  rng: Rng,
  draws: number,
  covariance = true,
): Moments {
  const program = src.program();
  let poolSize = 1;
  for (const d of ds) poolSize = Math.max(poolSize, d.parts.length);
  const c = new Contractor(program, theta);
  const m = emptyMoments(ds.length, covariance);
  const values = new Array<number>(ds.length);
  for (let s = 0; s < draws; s++) {
    const pool = program.samplesOf(src.sample(rng, poolSize)).map((sample, i) => ({ key: `x${i}`, sample }));
    c.clear();
    for (let k = 0; k < ds.length; k++) values[k] = c.value(ds[k]!, pool);
    addObservation(m, values);
  }
  return m;
}
