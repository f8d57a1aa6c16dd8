/**
 * @file Calibration of sampled statistics (issue 5): over 400 seeded runs, how often each
 * order-3 key's 95% interval (mean ± 1.96·stderr) covers the exact value, on GAUSS with S =
 * 20,000 draws per run (about 7 minutes on 2 cores; run by name: `npm run bench -- coverage`).
 * GAUSS's heavy-tailed keys (products of up to three g = ½(1 − x²), so moments of x¹²…x¹⁸)
 * converge slowly to normality; ARCHIMEDES, linear in x, is calibrated at S = 200 (npm test).
 */
import { resolveLandscape } from '../src/landscapes/index.ts';
import { workerThreads } from '../src/parallel/index.ts';
import { estimateStats } from '../src/stats/index.ts';
import type { CoverageContext, CoverageTask } from './coverage-worker.ts';

export async function run(opts: { landscape?: string; samples?: number; runs?: number } = {}): Promise<void> {
  const landscape = opts.landscape ?? 'gauss', S = opts.samples ?? 20_000, runs = opts.runs ?? 400;
  const l = await resolveLandscape(landscape);
  const ex = await estimateStats({ landscape: l, initSeed: 0, order: 3, quantity: 'test', exact: true });
  const exact = Object.fromEntries(Object.entries(ex.values).map(([k, v]) => [k, v.mean]));
  const per = 10;
  const tasks: CoverageTask[] = [];
  for (let s = 1000; s < 1000 + runs; s += per) tasks.push({ seeds: [s, Math.min(1000 + runs, s + per)] });
  const z: Record<string, number[]> = {};
  const job = { handler: new URL('./coverage-worker.ts', import.meta.url), context: { landscape, samples: S, exact }, tasks, count: tasks.length };
  for await (const [, part] of workerThreads().run<CoverageContext, CoverageTask, Record<string, number[]>>(job)) {
    for (const [k, v] of Object.entries(part)) (z[k] ??= []).push(...v);
  }
  let hit = 0, total = 0;
  const rows = Object.entries(z).map(([k, zs]) => {
    const h = zs.filter((v) => Math.abs(v) <= 1.96).length;
    hit += h;
    total += zs.length;
    return { k, cover: h / zs.length, meanZ: zs.reduce((a, b) => a + b, 0) / zs.length };
  });
  console.log(`\nCoverage of 95% intervals, ${landscape}, order-3 test keys, ${runs} runs × ${S} draws: pooled ${(100 * hit / total).toFixed(1)}% (target 93–97%)`);
  for (const r of rows.sort((a, b) => a.cover - b.cover)) console.log(`  ${r.k.padEnd(22)} ${(100 * r.cover).toFixed(1)}%   mean z ${r.meanZ.toFixed(2)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
