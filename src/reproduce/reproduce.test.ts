/**
 * @file The reproduce panels: each returns finite series with intervals and checks with z (tiny
 * trial counts, so it is fast); the verdict rule on synthetic checks; results do not depend on
 * workers. REPRODUCE_DEMO=1 also runs the demo preset of every panel on 2 workers and prints the
 * total time (it must stay under 2 minutes on a 2-core machine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PanelCheck } from '../report/index.ts';
import { check, PANEL_IDS, PANELS, plainInRange, resummedInRange, verdictOf, zScore, type PresetCounts } from './index.ts';

const TINY: PresetCounts = { archimedes: 2, meanEstimation: 64, epochs: 64, gaussSde: 64, gaussTestloss: 64 };

const c = (z: number, inRange: boolean): PanelCheck => ({ x: 1, measured: z, measuredStderr: 1, predicted: 0, predictedStderr: 0, z, inRange });

test('verdict: agrees when every in-range |z| ≤ 3, disagrees otherwise, outside when none is in range', () => {
  assert.equal(verdictOf([c(0.5, true), c(-2.9, true), c(10, false)]), 'agrees');
  assert.equal(verdictOf([c(0.5, true), c(-3.1, true)]), 'disagrees');
  assert.equal(verdictOf([c(NaN, true)]), 'disagrees');
  assert.equal(verdictOf([c(10, false), c(0, false)]), 'outside the theory’s range');
  assert.equal(verdictOf([]), 'outside the theory’s range');
  assert.equal(zScore(1, 0.3, 0.2, 0.4), 0.8 / 0.5);
  assert.equal(zScore(1, 0, 1, 0), 0);
  assert.equal(zScore(2, 0, 1, 0), Infinity);
  assert.equal(check({ x: 0.1, measured: 1, measuredStderr: 0.3, predicted: 0.2, predictedStderr: 0.4, inRange: true }).z, 0.8 / 0.5);
});

test('range: a plain series whose last term is ≤ 10% of its value, or (leading order) ηTλ ≤ 0.1; re-summed where propagators contract', () => {
  assert.equal(plainInRange({ eta: 0.1, T: 10, eigenvalues: [0.5], value: 1, previous: 0.95 }), true);
  assert.equal(plainInRange({ eta: 0.1, T: 10, eigenvalues: [0.5], value: 1, previous: 0.8 }), false);
  assert.equal(plainInRange({ eta: 0.02, T: 10, eigenvalues: [0.5], value: 1, previous: 0 }), true);
  assert.equal(plainInRange({ eta: 0.05, T: 10, eigenvalues: [0.5], value: 1, previous: 0 }), false);
  assert.equal(resummedInRange(0.1, [0, 1, 2]), true);
  assert.equal(resummedInRange(1.5, [2]), false);
  assert.equal(resummedInRange(0.1, [-1]), false);
});

// stic measures a method, not a prediction (no predicted series, its own rule): stic.test.ts
for (const id of PANEL_IDS.filter((p) => p !== 'stic')) {
  test(`panel ${id}: finite series with intervals, checks with z, settings with seeds and trials`, async () => {
    const r = await PANELS[id].run('demo', { workers: 0, seed: 3, trials: TINY });
    assert.equal(r.id, id);
    assert.ok(r.series.some((s) => s.kind === 'measured') && r.series.some((s) => s.kind === 'predicted'));
    for (const s of r.series) {
      assert.ok(s.points.length > 0, s.name);
      for (const p of s.points) {
        assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y), `${s.name}: ${JSON.stringify(p)}`);
        if (s.kind !== 'reference') assert.ok(Number.isFinite(p.lo) && Number.isFinite(p.hi) && p.lo! <= p.y && p.y <= p.hi!, `${s.name}: ${JSON.stringify(p)}`);
      }
    }
    assert.ok(r.checks.length > 0);
    for (const k of r.checks) assert.ok(typeof k.z === 'number' && !Number.isNaN(k.z) && typeof k.inRange === 'boolean', JSON.stringify(k));
    assert.equal(r.verdict, verdictOf(r.checks));
    assert.equal(r.settings.seed, 3);
    assert.ok(typeof r.settings.trials === 'number' && r.settings.trials > 0);
    assert.ok(r.diagrams.length > 0);
  });
}

test('results do not depend on workers (gauss-testloss, tiny)', async () => {
  const a = await PANELS['gauss-testloss'].run('demo', { workers: 0, seed: 1, trials: TINY });
  const b = await PANELS['gauss-testloss'].run('demo', { workers: 2, seed: 1, trials: TINY });
  assert.deepEqual(a, b);
});

