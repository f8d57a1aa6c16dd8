/** @file Worker for bench/coverage.ts: z-scores of sampled stats runs for a range of seeds. */
import { resolveLandscape } from '../src/landscapes/index.ts';
import { split } from '../src/core/index.ts';
import { neededDiagrams, sampleChunk, standardErrors } from '../src/stats/index.ts';

export interface CoverageTask {
  landscape: string;
  seeds: [number, number];
  samples: number;
  exact: Record<string, number>;
}

export default async function (t: CoverageTask): Promise<Record<string, number[]>> {
  const l = await resolveLandscape(t.landscape);
  const ds = neededDiagrams(3, 'test');
  const theta = l.init(0);
  const z: Record<string, number[]> = {};
  for (let seed = t.seeds[0]; seed < t.seeds[1]; seed++) {
    // the sampled estimator of src/stats, one stream per run
    const m = sampleChunk(l, theta, ds, split(seed, 0), t.samples);
    const se = standardErrors(m);
    ds.forEach((d, i) => {
      if (d.order === 0 || se[i]! < 1e-12) return; // exact, or noiseless up to rounding
      (z[d.key] ??= []).push((m.mean[i]! - t.exact[d.key]!) / se[i]!);
    });
  }
  return z;
}
