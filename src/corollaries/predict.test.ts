/**
 * @file predictLandscape with sampled tensors: the re-summed GD gap on MEAN ESTIMATION against
 * its closed form C(1 − (1−ηH)^T)/(NH), with jackknife standard errors that include H's
 * uncertainty — calibrated over 40 seeds; and the plain coordinate series from tensors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gd } from '../core/index.ts';
import { predictLandscape } from './index.ts';

test('re-summed gap from sampled tensors: within 2 jackknife standard errors of the closed form in ≥ 85% of 40 seeds', async () => {
  const H = 0.5, S = 1.5, N = 6, T = 10, eta = 0.2;
  const want = (S * S * (1 - (1 - eta * H) ** T)) / (N * H);
  let inside = 0;
  const z: number[] = [];
  for (let seed = 0; seed < 40; seed++) {
    const r = await predictLandscape({ landscape: { spec: `mean-estimation:H=${H},S=${S}` }, samples: 400, seed, schedule: gd({ N, T }), order: 2, quantity: 'gap', eta: [eta], resum: true });
    const v = r.values[0]!;
    assert.ok(v.stderr > 0);
    z.push((v.value - want) / v.stderr);
    if (Math.abs(v.value - want) <= 2 * v.stderr) inside++;
  }
  console.log(`  within 2 se: ${inside}/40; z: ${z.map((x) => x.toFixed(1)).join(' ')}`);
  assert.ok(inside >= 34, `${inside}/40 within 2 standard errors`);
});

test('plain series of a coordinate from tensors: MEAN ESTIMATION from w0 = 1 under GD, E[w_T] = (1 − ηH)^T exactly through η^2', async () => {
  const H = 0.5, eta = 0.1, T = 4;
  const r = await predictLandscape({ landscape: { spec: `mean-estimation:H=${H},w0=1` }, exact: true, schedule: gd({ N: 3, T }), order: 2, quantity: 'w', eta: [eta] });
  assert.deepEqual(r.observable, { coordinate: 0, name: 'w' });
  // (1 − ηH)^T to order η²: 1 − TηH + C(T,2)η²H²
  const want = 1 - T * eta * H + ((T * (T - 1)) / 2) * (eta * H) ** 2;
  assert.ok(Math.abs(r.values[0]!.value - want) < 1e-14, `${r.values[0]!.value} vs ${want}`);
});
