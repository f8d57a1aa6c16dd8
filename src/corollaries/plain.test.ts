/**
 * @file The plain-series corollaries against the general series and closed forms, on a random
 * polynomial landscape with exact statistics (src/testing/polynomial.ts): epochs equals the
 * difference of two `predict` runs; batch's GD − SGD at η² equals (N−1)/4·G·∇tr C·η² with
 * G·∇tr C computed from the tensors at θ₀, and GDC's correction cancels it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { sgd } from '../core/index.ts';
import { estimateStats } from '../stats/index.ts';
import { predict } from '../theory/index.ts';
import { batchCorollary, epochsCorollary, sdeCorollary } from './index.ts';

const module = fileURLToPath(new URL('../testing/polynomial.ts', import.meta.url));
const landscape = { spec: `${module}:seed=5,P=2,degree=4,atoms=3` };

test('epochs: E-epoch SGD at η/E minus one epoch at η equals the two predictions subtracted; order 1 cancels', async () => {
  const eta = 0.05;
  const r = await epochsCorollary({ landscape, exact: true, N: 4, B: 2, E: [2, 3], shuffle: 'reshuffle', eta, order: 3, workers: 0 });
  const stats = await estimateStats({ landscape, order: 3, quantity: 'test', exact: true, workers: 0 });
  const at = (E: number, h: number) => predict({ stats, schedule: sgd({ N: 4, B: 2, E, shuffle: 'reshuffle' }), order: 3, quantity: 'test', eta: [h] }).values[0]!.value;
  for (const E of [2, 3]) {
    const e = r.entries.find((x) => x.key === `E=${E}`)!;
    const want = at(E, eta / E) - at(1, eta);
    assert.ok(Math.abs(e.value - want) <= 1e-12 * Math.abs(at(1, eta)), `E=${E}: ${e.value} vs ${want}`);
    assert.ok(Math.abs(e.value) > 1e-8, 'a nonzero difference');
    assert.equal(e.stderr, 0);
  }
});

test('batch: GD − SGD at η² is (N−1)/4·G·∇tr C·η², GDC’s correction cancels it, and order 3 adds to GD − SGD', async () => {
  const eta = 0.02, N = 3;
  const stats = await estimateStats({ landscape, order: 3, quantity: 'test', exact: true, workers: 0 });
  const u = (k: string) => stats.values[k]!.mean;
  const gDotGradTrC = 2 * (u('(01-12)(0-12)') - u('(01-12)(0-1-2)'));
  const r2 = await batchCorollary({ stats, N, eta, order: 2 });
  const get = (r: typeof r2, k: string) => r.entries.find((e) => e.key === k)!.value;
  const want = ((N - 1) / 4) * gDotGradTrC * eta ** 2;
  assert.ok(Math.abs(want) > 1e-8);
  assert.ok(Math.abs(get(r2, 'GD − SGD') - want) <= 1e-12 * Math.abs(want), `${get(r2, 'GD − SGD')} vs ${want}`);
  assert.ok(Math.abs(get(r2, 'GDC correction') + want) <= 1e-12 * Math.abs(want));
  const r3 = await batchCorollary({ stats, N, eta, order: 3 });
  assert.ok(Math.abs(get(r3, 'GD − SGD') - want) > 1e-3 * Math.abs(want), 'order 3 changes GD − SGD');
  assert.equal(get(r3, 'GDC correction'), get(r2, 'GDC correction'), 'the correction is GDC’s η² term at any order');
});

test('corollaries refuse bad input naming the option', async () => {
  await assert.rejects(batchCorollary({ N: 3, eta: 0.1 }), /`landscape`.*`stats`/);
  await assert.rejects(batchCorollary({ landscape, exact: true, N: 1, eta: 0.1 }), /`N`/);
  await assert.rejects(epochsCorollary({ landscape, exact: true, N: 4, eta: -1 }), /`eta`/);
  await assert.rejects(epochsCorollary({ landscape, exact: true, N: 4, eta: 0.1, E: [] }), /`E`/);
});

test('sde on GAUSS (G = 0, exact): SGD and SDE agree at η²; the non-Gaussian part is −(T/6)·S:J·η³ = −(T/12)·η³', async () => {
  const eta = 0.05, T = 7;
  const r = await sdeCorollary({ landscape: { spec: 'gauss' }, exact: true, T, eta, order: 3, workers: 0 });
  const get = (k: string) => r.entries.find((e) => e.key === k)!.value;
  assert.ok(Math.abs(get('non-Gaussian') - -(T / 12) * eta ** 3) <= 1e-12 * eta ** 3, `${get('non-Gaussian')}`);
  const r2 = await sdeCorollary({ landscape: { spec: 'gauss' }, exact: true, T, eta, order: 2, workers: 0 });
  assert.ok(Math.abs(r2.entries[0]!.value) <= 1e-15, `order 2: ${r2.entries[0]!.value}`);
  // the rest at η³ is time discretization, (T/2)·tr(HHC)·η³ = (T/2)·(1/8)·η³ (H = C = ½)
  assert.ok(Math.abs(get('Gaussian and discretization') - (T / 16) * eta ** 3) <= 1e-12 * eta ** 3, `${get('Gaussian and discretization')}`);
});
