/**
 * @file `resum` on closed forms and bad input: MEAN ESTIMATION under GD (THEORY §4's exact
 * Corollary 2 forms), long times, refusals. The general exactness check against the plain
 * series is resum-exactness.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gd, InputError, sgd } from '../core/index.ts';
import { quadraticTensors } from './tensors.ts';
import { resum } from './resum.ts';

/** l_x(w) = ½Hw² + xSw with x = ±1 (mean 0, variance 1): C = S². */
const meanEstimation = (H: number, S: number) =>
  quadraticTensors({ P: 1, G: Float64Array.of(0), H: Float64Array.of(H), noise: { weights: Float64Array.of(0.5, 0.5), xi: [Float64Array.of(S), Float64Array.of(-S)] } });

test('MEAN ESTIMATION, GD, order 2: test-loss increase C(1 − (1−ηH)^T)²/(2NH) and gap C(1 − (1−ηH)^T)/(NH) to 1e-12, T = 1 … 10⁴; long time: gap C/(NH)', () => {
  const H = 0.7, S = 1.3, C = S * S, N = 5;
  const tensors = meanEstimation(H, S);
  const eta = [0.01, 0.3, 1.1];
  for (const T of [1, 2, 3, 10, 100, 1000, 10000]) {
    const s = gd({ N, T });
    const testLoss = resum({ tensors, schedule: s, order: 2, observable: 'test', eta });
    const gap = resum({ tensors, schedule: s, order: 2, observable: 'gap', eta });
    eta.forEach((h, i) => {
      const q = 1 - (1 - h * H) ** T;
      const inc = (C * q * q) / (2 * N * H), g = (C * q) / (N * H);
      assert.ok(Math.abs(testLoss.values[i]!.value - inc) <= 1e-12 * inc, `T=${T} η=${h} increase ${testLoss.values[i]!.value} vs ${inc}`);
      assert.ok(Math.abs(gap.values[i]!.value - g) <= 1e-12 * g, `T=${T} η=${h} gap ${gap.values[i]!.value} vs ${g}`);
    });
  }
  const long = resum({ tensors, schedule: gd({ N, T: 1 }), order: 2, observable: 'gap', eta, longTime: true });
  for (const v of long.values) assert.ok(Math.abs(v.value - C / (N * H)) <= 1e-12 * (C / (N * H)), `long-time gap ${v.value}`);
  assert.equal(long.velocity, undefined);
});

test('bad input: a divergent long-time limit names the eigenvalue and η; P beyond the order\'s limit names P and the limit; η ≤ 0 and E > 1 with longTime are refused', () => {
  const neg = meanEstimation(-0.5, 1);
  assert.throws(() => resum({ tensors: neg, schedule: gd({ N: 2, T: 1 }), order: 2, observable: 'test', eta: [0.1], longTime: true }), (e: unknown) => e instanceof InputError && /eigenvalue -0\.5/.test(e.message) && /η = 0\.1/.test(e.message) && /`longTime`/.test(e.message));
  const pos = meanEstimation(1, 1);
  assert.throws(() => resum({ tensors: pos, schedule: gd({ N: 2, T: 1 }), order: 2, observable: 'test', eta: [2.5], longTime: true }), (e: unknown) => e instanceof InputError && /eigenvalue 1\b/.test(e.message) && /η = 2\.5/.test(e.message));
  const P = 41;
  const big = quadraticTensors({ P, G: new Float64Array(P), H: new Float64Array(P * P), noise: { weights: Float64Array.of(1), xi: [new Float64Array(P)] } });
  assert.throws(() => resum({ tensors: big, schedule: gd({ N: 2, T: 1 }), order: 3, observable: 'test', eta: [0.1] }), (e: unknown) => e instanceof InputError && /P = 41/.test(e.message) && /P ≤ 40/.test(e.message) && /`order`/.test(e.message));
  assert.throws(() => resum({ tensors: pos, schedule: gd({ N: 2, T: 1 }), order: 2, observable: 'test', eta: [0] }), (e: unknown) => e instanceof InputError && /`eta`\[0\]/.test(e.message));
  assert.throws(() => resum({ tensors: pos, schedule: sgd({ N: 2, E: 2 }), order: 2, observable: 'test', eta: [0.1], longTime: true }), (e: unknown) => e instanceof InputError && /E = 2/.test(e.message));
  assert.throws(() => resum({ tensors: pos, schedule: gd({ N: 2, T: 1 }), order: 4, observable: 'test', eta: [0.1] }), (e: unknown) => e instanceof InputError && /`order`/.test(e.message));
});
