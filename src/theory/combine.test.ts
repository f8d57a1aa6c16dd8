/** @file combineSeries: a difference of two predictions equals predict's values subtracted, and its standard error counts shared statistics once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gd, sdeSchedule, sgd } from '../core/index.ts';
import { rationals } from '../diagrams/index.ts';
import { combineSeries, MissingStatsError, predict, sdeSeriesTerms, seriesTerms, type StatsFile } from './index.ts';

const stats: StatsFile = {
  values: {
    '()(0)': 1, '(01)(0-1)': { mean: 0.3, stderr: 0.01 }, '(01-02)(0-1-2)': { mean: 0.2, stderr: 0.02 },
    '(01-02)(0-12)': { mean: 0.9, stderr: 0.03 }, '(01-12)(0-1-2)': { mean: 0.15, stderr: 0.01 }, '(01-12)(0-12)': { mean: -0.4, stderr: 0.05 },
  },
};

test('combineSeries: GD − SGD equals the difference of the two predictions; the shared G·G cancels from the error', () => {
  const a = gd({ N: 4, T: 4 });
  const b = sgd({ N: 4, B: 1, E: 1 });
  const eta = 0.1;
  const pa = predict({ stats, schedule: a, order: 2, quantity: 'test', eta: [eta] });
  const pb = predict({ stats, schedule: b, order: 2, quantity: 'test', eta: [eta] });
  const c = combineSeries(stats, [{ terms: seriesTerms(a, 2, 'test'), eta, weight: 1 }, { terms: seriesTerms(b, 2, 'test'), eta, weight: -1 }], 2);
  assert.ok(Math.abs(c.value - (pa.values[0]!.value - pb.values[0]!.value)) < 1e-15);
  // order 1 (−T·G·G, T = 4 for both) cancels exactly, and so does its error
  assert.equal(c.byOrder[1], 0);
  assert.ok(c.stderr < Math.hypot(pa.values[0]!.stderr, pb.values[0]!.stderr) / 2, `${c.stderr}`);
  // GD − SGD at η² = (N−1)/4·G·∇trC = (N−1)/2·(G·E[Hg] − GHG) (docs/theory.md §4)
  assert.ok(Math.abs(c.byOrder[2]! - ((3 / 2) * (-0.4 - 0.15)) * eta ** 2) < 1e-15);
  assert.ok(Math.abs(c.stderr - (3 / 2) * eta ** 2 * Math.hypot(0.05, 0.01)) < 1e-15);
});

test('combineSeries: a missing value is a MissingStatsError naming the key', () => {
  assert.throws(() => combineSeries({ values: { '()(0)': 1 } }, [{ terms: seriesTerms(gd({ N: 2, T: 1 }), 1, 'test'), eta: 0.1, weight: 1 }], 1), (e: unknown) => e instanceof MissingStatsError && /\(01\)\(0-1\)/.test(e.message));
});

test('predict takes the sde schedule (THEORY §8): its terms are sdeSeriesTerms; train and gap are refused naming `quantity`', () => {
  const s = sdeSchedule({ T: 4, B: 2 });
  const p = predict({ stats, schedule: s, order: 2, quantity: 'test', eta: [0.1] });
  const value = (k: string) => { const v = stats.values[k]!; return typeof v === 'number' ? v : v.mean; };
  const want = sdeSeriesTerms(s, 2, 'test').reduce((acc, t) => acc + rationals.toNumber(t.multiplier) * 0.1 ** t.diagram.order * value(t.diagram.key), 0);
  assert.ok(Math.abs(p.values[0]!.value - want) < 1e-15);
  // order 1 is −T·η·G·G, as for SGD
  assert.ok(Math.abs(p.coefficients[1]! + 4 * 0.3) < 1e-15);
  assert.throws(() => predict({ stats, schedule: s, order: 2, quantity: 'train' }), /`quantity`/);
});
