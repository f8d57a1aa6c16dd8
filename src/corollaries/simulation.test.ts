/**
 * @file The plain-series corollaries against paired simulation on GAUSS started off its minimum
 * (h0 = 0.5, so G ≠ 0 and ∇tr C ≠ 0), fixed seeds, z-scores printed:
 * - batch: simulated GD − SGD (paired) against the corollary at order 3; GDC's correction
 *   against simulated GDC − GD, which it matches to order η² (the remainder shrinks like η³);
 * - epochs: E-epoch SGD at η/E minus one epoch at η, paired trial by trial (the same seed and N
 *   give every run the same training set per trial), against the corollary at order 3;
 * - sde: simulated SGD − SDE (paired) against the corollary at order 3.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../sim/index.ts';
import { batchCorollary, epochsCorollary, sdeCorollary } from './index.ts';

const landscape = { spec: 'gauss:h0=0.5' };
const get = (r: { entries: readonly { key: string; value: number }[] }, k: string) => r.entries.find((e) => e.key === k)!.value;
const dir = mkdtempSync(join(tmpdir(), 'perturb-corollary-sim-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('batch on GAUSS (h0 = 0.5): GD − SGD within 3 se of the order-3 corollary; GDC − GD matches the correction to O(η³)', async () => {
  const N = 10, etas = [0.05, 0.1];
  // On 2 worker threads: the trials are a function of (seed, index) only, so the numbers are those of 0 workers.
  const sim = await simulate({ landscape, optimizers: ['sgd', 'gd', 'gdc'], eta: etas, N, trials: 20_000, seed: 5, workers: 2 });
  const residual: number[] = [];
  for (const eta of etas) {
    const r = await batchCorollary({ landscape, exact: true, N, eta, order: 3, workers: 0 });
    const d = (opt: string) => sim.differences.find((x) => x.optimizer === opt && x.eta === eta && x.metric === 'test')!;
    const gd = d('gd');
    const z = (gd.mean! - get(r, 'GD − SGD')) / gd.stderr!;
    console.log(`  η=${eta}: GD − SGD simulated ${gd.mean!.toExponential(4)} ± ${gd.stderr!.toExponential(1)}, corollary ${get(r, 'GD − SGD').toExponential(4)}: ${z.toFixed(2)} se`);
    assert.ok(Math.abs(z) < 3);
    // GDC − GD = (GDC − SGD) − (GD − SGD), both paired against the same SGD runs
    const gdcMinusGd = d('gdc').mean! - gd.mean!;
    residual.push(gdcMinusGd - get(r, 'GDC correction'));
    console.log(`  η=${eta}: GDC − GD simulated ${gdcMinusGd.toExponential(4)}, GDC correction (η²) ${get(r, 'GDC correction').toExponential(4)}`);
  }
  // the remainder is O(η³): halving η divides it by about 8 (not 4, as an η² error would)
  const ratio = residual[1]! / residual[0]!;
  console.log(`  remainder ratio for η 0.1 / 0.05: ${ratio.toFixed(2)}`);
  assert.ok(ratio > 5 && ratio < 12, `${ratio}`);
});

/** The per-trial test losses of a run written to `out`, by trial index. */
const perTrial = (out: string) => readFileSync(join(out, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trial: number; test: number }).sort((a, b) => a.trial - b.trial).map((x) => x.test);

test('epochs on GAUSS (h0 = 0.5): E-epoch SGD at η/E minus one epoch at η, paired per trial, within 3 se of the order-3 corollary', async () => {
  const N = 10, eta = 0.1, trials = 20_000;
  const one = join(dir, 'e1'), two = join(dir, 'e2');
  await Promise.all([
    simulate({ landscape, optimizers: ['sgd'], eta: [eta], N, E: 1, trials, seed: 9, workers: 1, out: one }),
    simulate({ landscape, optimizers: ['sgd'], eta: [eta / 2], N, E: 2, trials, seed: 9, workers: 1, out: two }),
  ]);
  const a = perTrial(one), b = perTrial(two);
  const d = b.map((x, i) => x - a[i]!);
  const mean = d.reduce((s, x) => s + x, 0) / trials;
  const se = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (trials - 1) / trials);
  const r = await epochsCorollary({ landscape, exact: true, N, E: [2], eta, order: 3, workers: 0 });
  const z = (mean - get(r, 'E=2')) / se;
  console.log(`  E=2: simulated ${mean.toExponential(4)} ± ${se.toExponential(1)}, corollary ${get(r, 'E=2').toExponential(4)}: ${z.toFixed(2)} se`);
  assert.ok(Math.abs(z) < 3);
});

test('sde on GAUSS (h0 = 0.5): simulated SGD − SDE (paired) within 3 se of the order-3 corollary', async () => {
  const T = 10, eta = 0.1;
  const sim = await simulate({ landscape, optimizers: ['sgd', 'sde'], eta: [eta], N: T, trials: 20_000, seed: 13, workers: 2, sdeSubsteps: 8 });
  const d = sim.differences.find((x) => x.optimizer === 'sde' && x.metric === 'test')!;
  const r = await sdeCorollary({ landscape, exact: true, T, eta, order: 3, workers: 0 });
  // differences are (sde − sgd): the corollary's SGD − SDE is its negative
  const z = (-d.mean! - get(r, 'SGD − SDE')) / d.stderr!;
  console.log(`  SGD − SDE simulated ${(-d.mean!).toExponential(4)} ± ${d.stderr!.toExponential(1)}, corollary ${get(r, 'SGD − SDE').toExponential(4)}: ${z.toFixed(2)} se`);
  assert.ok(Math.abs(z) < 3);
});
