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

test('long time and continuous: GD long-time offset + velocity·T equals T = 10⁵ to 1e-10; a flat direction drifts at the velocity −ηG per step (coordinate, order 1); the continuous variant is within O(η) of the discrete', () => {
  // two directions: H = diag(0.8, 0) in a rotated basis, gradient noise on both
  const c = Math.cos(0.3), sn = Math.sin(0.3);
  const Hd = [0.8, 0];
  const H = Float64Array.from([0, 1, 2, 3], (k) => {
    const i = k >> 1, j = k & 1;
    const R = [[c, -sn], [sn, c]];
    return R[i]![0]! * Hd[0]! * R[j]![0]! + R[i]![1]! * Hd[1]! * R[j]![1]!;
  });
  const G = Float64Array.of(0.2, -0.1);
  const tensors = quadraticTensors({ P: 2, G, H, noise: { weights: Float64Array.of(0.5, 0.5), xi: [Float64Array.of(0.5, 0.2), Float64Array.of(-0.5, -0.2)] } });
  // decaying observable: the gap sees only the H ≻ 0 direction through C:H-type diagrams
  const eta = [0.05, 0.2];
  const far = resum({ tensors, schedule: gd({ N: 3, T: 100_000 }), order: 2, observable: 'gap', eta });
  const lim = resum({ tensors, schedule: gd({ N: 3, T: 1 }), order: 2, observable: 'gap', eta, longTime: true });
  // the flat direction's noise makes the gap grow linearly (the (01)(01) diagram's root edge does not decay)
  assert.ok(lim.velocity && lim.velocity.every((v) => v.value > 0), 'the gap grows along the flat direction');
  far.values.forEach((v, i) => {
    const want = lim.values[i]!.value + lim.velocity![i]!.value * 100_000;
    assert.ok(Math.abs(v.value - want) <= 1e-10 * Math.abs(v.value), `gap T=1e5 ${v.value} vs offset + velocity·T ${want}`);
  });
  // a coordinate along the flat eigenvector u = (−sin, cos)·… : its displacement grows at −η u·G per step
  const flat = resum({ tensors, schedule: gd({ N: 3, T: 1 }), order: 1, observable: { coordinate: 1 }, eta, longTime: true });
  assert.ok(flat.velocity, 'a velocity is reported');
  const u = [-sn, c]; // the eigenvector of eigenvalue 0
  flat.velocity!.forEach((v, i) => {
    const want = -eta[i]! * u[1]! * (u[0]! * G[0]! + u[1]! * G[1]!);
    assert.ok(Math.abs(v.value - want) <= 1e-12, `velocity ${v.value} vs ${want}`);
  });
  // finite T: offset + velocity·T equals the finite-T prediction once the decaying part has converged
  const T = 2000;
  const finite = resum({ tensors, schedule: gd({ N: 3, T }), order: 1, observable: { coordinate: 1 }, eta });
  finite.values.forEach((v, i) => {
    const want = flat.values[i]!.value + flat.velocity![i]!.value * T;
    assert.ok(Math.abs(v.value - want) <= 1e-9 * Math.abs(want), `finite T ${v.value} vs offset + velocity·T ${want}`);
  });
  // continuous vs discrete: relative difference O(η) (shrinks ~ linearly with η)
  const diff = [0.01, 0.001].map((h) => {
    const d = resum({ tensors, schedule: gd({ N: 3, T: Math.round(1 / h) }), order: 2, observable: 'gap', eta: [h] }).values[0]!.value;
    const q = resum({ tensors, schedule: gd({ N: 3, T: Math.round(1 / h) }), order: 2, observable: 'gap', eta: [h], continuous: true }).values[0]!.value;
    return Math.abs(d - q) / Math.abs(d);
  });
  assert.ok(diff[0]! < 0.05 && diff[1]! < diff[0]! / 5, `continuous − discrete: ${diff.join(', ')}`);
});

test('ARCHIMEDES (exact tensors): the long-time velocity along z is η²/6 with continuous propagators, and the slope of R_3(T) with discrete ones — also for a schedule given with N = B (fresh rows, not GD)', async () => {
  const { measureTensors } = await import('../stats/index.ts');
  const m = await measureTensors({ landscape: { spec: 'archimedes' }, degree: 3, exact: true });
  const z = { coordinate: 2 };
  for (const eta of [0.01, 0.05]) {
    for (const N of [1, 1000]) {
      const cont = resum({ tensors: m.tensors, schedule: sgd({ N, B: 1 }), order: 3, observable: z, eta: [eta], longTime: true, continuous: true });
      assert.ok(Math.abs(cont.velocity![0]!.value - eta ** 2 / 6) <= 1e-12 * eta ** 2, `continuous N=${N}: ${cont.velocity![0]!.value}`);
      const disc = resum({ tensors: m.tensors, schedule: sgd({ N, B: 1 }), order: 3, observable: z, eta: [eta], longTime: true });
      const at = (T: number) => resum({ tensors: m.tensors, schedule: sgd({ N: T, B: 1 }), order: 3, observable: z, eta: [eta] }).values[0]!.value;
      const slope = (at(20000) - at(10000)) / 10000;
      assert.ok(Math.abs(disc.velocity![0]!.value - slope) <= 1e-9 * slope, `discrete N=${N}: ${disc.velocity![0]!.value} vs slope ${slope}`);
      assert.ok(disc.velocity![0]!.value > eta ** 2 / 6, 'SGD’s discrete steps drift faster than the leading order');
    }
  }
});
