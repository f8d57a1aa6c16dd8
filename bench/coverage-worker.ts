/** @file Worker for bench/coverage.ts: z-scores of sampled stats runs for a range of seeds. */
import { split, standardErrors } from '../src/core/index.ts';
import { resolveRef } from '../src/landscapes/index.ts';
import { sampleChunk } from '../src/stats/index.ts';
import { neededDiagrams } from '../src/theory/index.ts';

export interface CoverageContext {
  landscape: string;
  samples: number;
  exact: Record<string, number>;
}

export interface CoverageTask {
  seeds: [number, number];
}

export default async function (t: CoverageTask, ctx: CoverageContext): Promise<Record<string, number[]>> {
  const l = await resolveRef({ spec: ctx.landscape });
  const ds = neededDiagrams(3, 'test');
  const theta = l.init(0);
  const z: Record<string, number[]> = {};
  for (let seed = t.seeds[0]; seed < t.seeds[1]; seed++) {
    // the sampled estimator of src/stats, one stream per run
    const m = sampleChunk(l, theta, ds, split(seed, 0), ctx.samples);
    const se = standardErrors(m);
    ds.forEach((d, i) => {
      if (d.order === 0 || se[i]! < 1e-12) return; // exact, or noiseless up to rounding
      (z[d.key] ??= []).push((m.mean[i]! - ctx.exact[d.key]!) / se[i]!);
    });
  }
  return z;
}
