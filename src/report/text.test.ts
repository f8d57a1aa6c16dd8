/**
 * @file Claims about the text renderers: an exact value that is zero up to rounding is shown as 0
 * with the tolerance stated once, estimates keep their digits, and compare says how it was run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sgd } from '../core/index.ts';
import type { LandscapeSummary } from '../landscapes/index.ts';
import type { CompareResult } from '../sim/index.ts';
import type { StatsResult } from '../stats/index.ts';
import { predict } from '../theory/index.ts';
import { renderCompare, renderLandscapeSummary, renderPrediction, renderStats } from './index.ts';

const lines = (text: string) => text.split('\n');
const rowOf = (text: string, start: RegExp) => lines(text).find((l) => start.test(l)) ?? assert.fail(`no row ${start} in:\n${text}`);

// GAUSS at h = 0 over its 8 quadrature atoms: G = 0 up to rounding, so G·G comes out as ~1e-32.
const exactStats: StatsResult = {
  perturb: { version: '0.1.0', commit: null }, landscape: 'gauss', initSeed: 0, order: 1, quantity: 'train', mode: 'exact', estimator: 'exact',
  values: { '()(0)': { mean: 0.5, stderr: 0 }, '(01)(0-1)': { mean: 4.9e-32, stderr: 0 }, '(01)(01)': { mean: 0.5, stderr: 0 } },
};

test('renderStats: an exact value zero up to rounding is shown as 0, and the tolerance is stated once', () => {
  const out = renderStats(exactStats);
  assert.match(rowOf(out, /^\(01\)\(0-1\)/), /^\(01\)\(0-1\)\s+0\s+exact$/);
  assert.match(rowOf(out, /^\(01\)\(01\)/), /\s0\.5\s+exact$/);
  assert.equal(out.match(/shown as 0/g)?.length, 1, out);
  assert.match(out, /values below 1e-12 × 0\.5 \(the largest \|value\|\) are shown as 0/);
  // an estimate keeps its digits however small, and with nothing rounded away there is no note
  const sampled = renderStats({ ...exactStats, mode: 'sampled', samples: 100, seed: 1, values: { ...exactStats.values, '(01)(0-1)': { mean: 4.9e-32, stderr: 1e-3 } } });
  assert.match(rowOf(sampled, /^\(01\)\(0-1\)/), /4\.9e-32\s+± 0\.001$/);
  assert.ok(!sampled.includes('shown as 0'), sampled);
});

test('renderPrediction: with exact values, a coefficient and a term zero up to rounding are 0, an estimated one is not', () => {
  const s = sgd({ N: 100 });
  // test loss to order 1: c₀ = l = 0.5, c₁ = −T·G·G = −100 · 1.2e-20 = −1.2e-18: zero up to rounding of G·G
  const exact = predict({ stats: { values: { '()(0)': 0.5, '(01)(0-1)': 1.2e-20 } }, schedule: s, order: 1, quantity: 'test', eta: [0.01] });
  const out = renderPrediction(exact, s, { explain: true });
  assert.match(rowOf(out, /^\s+1\s/), /^\s+1\s+0\s+0$/, out); // d = 1: c₁ = 0, stderr 0
  assert.match(rowOf(out, /^\s+1\s+\(01\)\(0-1\)/), /G·G\s+-100\s+0\s+0\s+0$/, out);
  assert.equal(out.match(/shown as 0/g)?.length, 1, out);
  assert.match(out, /1e-12/);
  // the same value as an estimate is shown as measured
  const est = predict({ stats: { values: { '()(0)': 0.5, '(01)(0-1)': { mean: 1.2e-20, stderr: 1e-3 } } }, schedule: s, order: 1, quantity: 'test' });
  const out2 = renderPrediction(est, s);
  assert.match(rowOf(out2, /^\s+1\s/), /-1\.2e-18/);
  assert.ok(!out2.includes('shown as 0'), out2);
});

test('renderLandscapeSummary: an exact |G| zero up to rounding beside the loss is shown as 0', () => {
  const q = (value: number) => ({ value, stderr: 0, exact: true, how: 'exact: a pass over all 8 atoms' });
  const summary: LandscapeSummary = {
    name: 'gauss', spec: 'gauss', description: '', dataSource: 'x ~ N(0,1)', params: {}, P: 1, initSeed: 0,
    loss: q(0.5), gradNorm: q(4.4e-16), atoms: 8, exact: ['everything'], coordinates: {},
  };
  const out = renderLandscapeSummary(summary);
  assert.match(rowOf(out, /\|G\| at θ₀/), /\|G\| at θ₀\s+0\s+\(exact: a pass over all 8 atoms\)$/);
  assert.match(rowOf(out, /loss at θ₀/), /0\.5\s+\(exact/);
  assert.equal(out.match(/shown as 0/g)?.length, 1, out);
  // an estimated |G| is left alone
  const est = renderLandscapeSummary({ ...summary, gradNorm: { value: 4.4e-16, stderr: null, exact: false, how: 'estimated' } });
  assert.match(rowOf(est, /\|G\| at θ₀/), /4\.4e-16/);
});

test('renderCompare says how the simulation was run: trials, seed and init seed', () => {
  const r: CompareResult = {
    landscape: 'gauss:h0=0.5', schedule: 'SGD N=4 B=1 E=2 reshuffle (T=8)', order: 1, statsMode: 'exact', seed: 7, initSeed: 3, trials: 20000,
    rows: [{ eta: 0.05, quantity: 'test', byOrder: [0.6, 0.59], predicted: 0.59, predictedStderr: 0, simulated: 0.5901, simulatedStderr: 0.001, z: 0.1 }],
  };
  const head = lines(renderCompare(r))[0]!;
  assert.match(head, /20000 trials/);
  assert.match(head, /seed 7/);
  assert.match(head, /init seed 3/);
});
