/**
 * @file The stic panel: finite series with intervals, checks of STIC − GD against 0 with z,
 * its verdict rule, GD's closed form, and the same result on 0 and 2 workers (tiny runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PanelCheck } from '../report/index.ts';
import { gdExpectedTestLoss, STIC, STIC_PANEL, STIC_RULE, sticPanel, sticVerdict } from './stic.ts';

const c = (facet: string, z: number): PanelCheck => ({ x: 1, facet, measured: z, measuredStderr: 1, predicted: 0, predictedStderr: 0, z, inRange: true });

test('stic verdict: agrees when STIC improves (z ≤ −3) at more than half the H of every facet', () => {
  assert.equal(sticVerdict([c('a', -4), c('a', -3), c('a', 1), c('b', -5), c('b', -9), c('b', 10)]), 'agrees');
  assert.equal(sticVerdict([c('a', -4), c('a', 1), c('b', -5), c('b', -9)]), 'disagrees'); // half is not most
  assert.equal(sticVerdict([c('a', -4), c('a', -4), c('b', -2.9), c('b', -2.9)]), 'disagrees');
  assert.equal(sticVerdict([c('a', Infinity), c('a', NaN), c('a', -4)]), 'disagrees');
  assert.equal(sticVerdict([]), 'not run');
});

test('GD’s expected unpenalized test loss: the closed form and its limits', () => {
  const o = { eta: 0.1, T: 100, N: 10, S: 10 };
  assert.ok(Math.abs(gdExpectedTestLoss(4, 10, o) - (100 / (2 * 10 * 4)) * (1 - 0.6 ** 100) ** 2 - 0.5 * 4 * 0.6 ** 200 * 100) < 1e-12);
  // H → 0: GD barely moves, ½H·w0² plus the noise ½(ηT)²H·C/N
  const small = 0.5e-9 * 100 + 0.5 * 100 * 1e-9 * 100 / 10;
  assert.ok(Math.abs(gdExpectedTestLoss(1e-9, 10, o) / small - 1) < 1e-6);
});

test('stic panel: finite series with intervals, checks with z, verdict and settings with seeds and trials', async () => {
  const r = await STIC_PANEL.run('demo', { workers: 0, seed: 3, trials: { stic: 12 } });
  assert.equal(r.id, 'stic');
  assert.equal(r.rule, STIC_RULE);
  assert.ok(['agrees', 'disagrees'].includes(r.verdict));
  assert.equal(r.checks.length, STIC.H.length * STIC.w0.length);
  for (const ch of r.checks) {
    assert.equal(ch.predicted, 0);
    assert.ok(typeof ch.z === 'number' && !Number.isNaN(ch.z), `z at ${ch.facet} H=${ch.x}`);
    assert.ok(ch.inRange);
  }
  const facets = new Set(r.series.map((s) => s.facet));
  assert.equal(facets.size, 2);
  for (const s of r.series) {
    assert.equal(s.points.length, STIC.H.length);
    if (s.name.startsWith('GD (') || s.kind === 'reference') {
      for (const p of s.points) assert.ok(Number.isFinite(p.y) && p.y > 0, `${s.name} ${s.facet} H=${p.x}`);
    }
    if (s.kind === 'measured') {
      for (const p of s.points) if (Number.isFinite(p.y)) assert.ok(Number.isFinite(p.lo!) && Number.isFinite(p.hi!) && p.lo! <= p.y && p.y <= p.hi!, `${s.name} interval`);
    }
  }
  // STIC's series is finite wherever its check is (a non-finite trial is the only way to lose a point).
  const stic = r.series.filter((s) => s.name.startsWith('STIC'));
  for (const s of stic) for (const p of s.points) {
    const ch = r.checks.find((k) => k.facet === s.facet && k.x === p.x)!;
    assert.equal(Number.isFinite(p.y), Number.isFinite(ch.measured));
  }
  // GD's mean agrees with its closed form (12 trials: loosely).
  const gd = r.series.find((s) => s.name === 'GD (measured)' && s.facet!.startsWith('w0 = 10'))!;
  for (const p of gd.points) assert.ok(Math.abs(p.y - gdExpectedTestLoss(p.x, 10)) < 6 * p.stderr! + 1e-9, `GD H=${p.x}`);
  assert.equal(r.settings.trials, 12);
  assert.equal(r.settings.seed, 3);
  assert.equal((r.settings.cells as unknown[]).length, 16);
});

test('stic panel: identical results on 0 and 2 workers (tiny grid, worker pools forced)', async () => {
  const run = (workers: number) => sticPanel('demo', { workers, seed: 1, trials: { stic: 24 } }, { H: [1e-3, 0.876], w0: [0, 10], threadMin: 0 });
  const [a, b] = [await run(0), await run(2)];
  assert.deepEqual(b, a);
});
