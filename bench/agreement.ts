/**
 * @file `npm run bench -- agreement`: the statistical agreement checks too heavy for npm test, run
 * with the assertions they had there; npm test keeps a cheaper version of each (named below).
 * Each prints its numbers — z-scores in standard errors, or a coverage with its binomial
 * standard error — and PASS or FAIL; the command exits non-zero if any fails. Fixed seeds, so a
 * run gives the same numbers every time. Run by name (not part of the default bench).
 *
 * - stats coverage (was in src/stats/stats.test.ts at 400 runs; npm test keeps 100): single runs'
 *   95% intervals on ARCHIMEDES (order-3 test keys, 200 draws per run, seeds 1000…1399) cover the
 *   exact values in 93–97% of cases, pooled over the keys.
 */
import { resolveLandscape } from '../src/landscapes/index.ts';
import { estimateStats } from '../src/stats/index.ts';
import { intervalCoverage, seededStatsRuns } from '../src/testing/index.ts';

interface Outcome {
  name: string;
  pass: boolean;
  lines: string[];
}

async function statsCoverage(): Promise<Outcome> {
  const archimedes = await resolveLandscape('archimedes');
  const exact = await estimateStats({ landscape: archimedes, initSeed: 0, order: 3, quantity: 'test', exact: true });
  const runs = await seededStatsRuns({ spec: 'archimedes', initSeed: 0, order: 3, quantity: 'test', samples: 200 }, [1000, 1400], { perTask: 20 });
  const { coverage, intervals, se } = intervalCoverage(exact.values, runs);
  const pass = coverage >= 0.93 && coverage <= 0.97;
  const lines = [
    `ARCHIMEDES, 400 runs × 200 draws, ${intervals} intervals: 95% intervals cover ${(100 * coverage).toFixed(2)}% (band 93–97%; binomial se ${(100 * se).toFixed(2)}%, z = ${((coverage - 0.95) / se).toFixed(2)} from 95%)`,
  ];
  // What the band rejects: intervals of the wrong width.
  for (const [what, z] of [['90% intervals (z = 1.645)', 1.645], ['99% intervals (z = 2.576)', 2.576], ['a standard error 10% too small', 1.96 / 1.1]] as const) {
    const c = intervalCoverage(exact.values, runs, z).coverage;
    const inBand = c >= 0.93 && c <= 0.97;
    lines.push(`  alternative, ${what}: ${(100 * c).toFixed(2)}% — ${inBand ? 'NOT rejected' : `rejected, ${(Math.min(Math.abs(c - 0.93), Math.abs(c - 0.97)) / se).toFixed(1)} se outside the band`}`);
  }
  return { name: 'stats coverage (src/stats/stats.test.ts at 400 runs)', pass, lines };
}

export async function run(): Promise<void> {
  const checks = [statsCoverage];
  const outcomes: Outcome[] = [];
  for (const check of checks) {
    const t = performance.now();
    const o = await check();
    outcomes.push(o);
    console.log(`\n${o.pass ? 'PASS' : 'FAIL'}  ${o.name}  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    for (const l of o.lines) console.log(`  ${l}`);
  }
  const failed = outcomes.filter((o) => !o.pass);
  console.log(`\nagreement: ${outcomes.length - failed.length} of ${outcomes.length} passed`);
  if (failed.length > 0) throw new Error(`agreement: failed: ${failed.map((o) => o.name).join('; ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
