/** @file The running-moments accumulator: Welford and Chan et al. agree with two-pass formulas; t quantiles match tables; estimates and their intervals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addObservation, covarianceOfMeans, emptyMoments, meanEstimate, mergeMoments, standardErrors, tQuantile975, tTwoSided } from './moments.ts';
import { rng } from './rng.ts';

test('tQuantile975 matches Student t tables (ν = 1, 2, 3, 5, 10, 30, 200, 201, 1000, ∞)', () => {
  // mpmath (30 digits): the root of 1 − I_{ν/(ν+t²)}(ν/2, ½)/2 = 0.975
  const table: [number, number][] = [
    [1, 12.706204736174705], [2, 4.3026527297494639], [3, 3.1824463052837096], [5, 2.5705818356363155], [10, 2.2281388519862747],
    [30, 2.0422724563012383], [200, 1.9718962236339094], [201, 1.9718365067798593], [1000, 1.9623390808264085], [1e9, 1.9599639869123255],
  ];
  for (const [nu, want] of table) assert.ok(Math.abs(tQuantile975(nu) - want) < 1e-9, `ν = ${nu}: ${tQuantile975(nu)} vs ${want}`);
  assert.ok(Math.abs(tTwoSided(1, 1) - 0.5) < 1e-15); // Cauchy: P(|T| < 1) = ½
});

test('meanEstimate: mean, sd/√n and the t interval of 1, 2, 3, 4; a single value has no standard error', () => {
  const m = emptyMoments(1);
  for (const x of [1, 2, 3, 4]) addObservation(m, [x]);
  const e = meanEstimate(m);
  // mean 2.5, sample variance 5/3, se = √(5/12)
  assert.equal(e.mean, 2.5);
  assert.ok(Math.abs(e.stderr! - Math.sqrt(5 / 12)) < 1e-15);
  assert.ok(Math.abs(e.ci95![1] - 2.5 - tQuantile975(3) * Math.sqrt(5 / 12)) < 1e-12);
  const single = emptyMoments(1);
  addObservation(single, [7]);
  assert.deepEqual(meanEstimate(single), { mean: 7, stderr: null, ci95: null });
  assert.deepEqual(meanEstimate(emptyMoments(1)), { mean: null, stderr: null, ci95: null });
});

test('adding one by one and merging chunks in order give the two-pass means and covariances (to 1e-12)', () => {
  const r = rng(7);
  const xs = Array.from({ length: 1000 }, () => { const a = r.normal(); return [3 + a, 2 * a + r.normal(), 1e6 + r.uniform()]; });
  const whole = emptyMoments(3);
  for (const x of xs) addObservation(whole, x);
  const merged = emptyMoments(3);
  for (let c = 0; c < xs.length; c += 64) {
    const part = emptyMoments(3);
    for (const x of xs.slice(c, c + 64)) addObservation(part, x);
    mergeMoments(merged, part);
  }
  const n = xs.length;
  const mean = [0, 1, 2].map((j) => xs.reduce((s, x) => s + x[j]!, 0) / n);
  const cov = [0, 1, 2].map((i) => [0, 1, 2].map((j) => xs.reduce((s, x) => s + (x[i]! - mean[i]!) * (x[j]! - mean[j]!), 0) / (n - 1) / n));
  for (const m of [whole, merged]) {
    assert.equal(m.n, n);
    mean.forEach((v, j) => assert.ok(Math.abs(m.mean[j]! - v) <= 1e-12 * Math.abs(v), `mean ${j}`));
    const c = covarianceOfMeans(m);
    cov.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(c[i]![j]! - v) <= 1e-10 * Math.sqrt(cov[i]![i]! * cov[j]![j]!), `cov ${i},${j}`)));
    standardErrors(m).forEach((se, j) => assert.ok(Math.abs(se - Math.sqrt(cov[j]![j]!)) <= 1e-10 * se));
  }
});
