/**
 * @file SGD and GD do what docs/theory.md §1 says: batches cut from each epoch's order, T = E·N/B,
 * cycling for `fixed`, a fresh uniform permutation per epoch for `reshuffle`, the projection
 * after every step — checked against hand-written loops on MEAN ESTIMATION
 * (∇l_x(w) = Hw + Sx) and against GD's closed form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLandscape } from '../landscapes/index.ts';
import { rng, split, gd as gdSchedule, sgd as sgdSchedule } from '../core/index.ts';
import { gd, problem, randomPermutation, runOptimizer, sgd } from './index.ts';

const H = 0.7, S = 1.3;
const land = await resolveLandscape(`mean-estimation:H=${H},S=${S},w0=0.5`);

test('sgd refuses a batch size that does not divide N, naming both', () => {
  assert.throws(() => sgd({ eta: 0.1, schedule: sgdSchedule({ N: 10, B: 3 }) }), /sgd: `B` must divide N \(got N = 10, B = 3\)/);
  assert.throws(() => sgd({ eta: 0, schedule: sgdSchedule({ N: 10 }) }), /sgd: `eta` must be a positive finite number, got 0/);
  assert.throws(() => sgd({ eta: 0.1, schedule: sgdSchedule({ N: 10, E: 0 }) }), /sgd: `E` must be a positive integer, got 0/);
});

test('optimizers take a schedule of their kind, re-derived by the one schedule rule', () => {
  assert.throws(() => sgd({ eta: 0.1, schedule: gdSchedule({ N: 4, T: 2 }) }), /sgd: `schedule` must be a sgd schedule, got GD N=4 T=2/);
  assert.throws(() => gd({ eta: 0.1, schedule: sgdSchedule({ N: 4 }) }), /gd: `schedule` must be a gd schedule, got SGD N=4 B=1 E=1 fixed \(T=4\)/);
  assert.throws(() => sgd({ eta: 0.1 } as never), /sgd: `schedule` is required/);
  // A hand-written object is checked like any other: B must divide N.
  assert.throws(() => sgd({ eta: 0.1, schedule: { kind: 'sgd', N: 10, B: 3, E: 1, shuffle: 'fixed', K: 3, T: 3 } as never }), /`B` must divide N/);
});

test('sgd runs T = E·N/B steps', () => {
  assert.equal(sgd({ eta: 0.1, schedule: sgdSchedule({ N: 12, B: 3, E: 5 }) }).T, 20);
  assert.equal(sgd({ eta: 0.1, schedule: sgdSchedule({ N: 12 }) }).T, 12);
});

test('fixed shuffling cycles through the rows in order, B at a time, every epoch', () => {
  const N = 6, B = 2, E = 3, eta = 0.05;
  const train = land.sample(rng(1), N);
  const x = train.x!;
  const got = runOptimizer(sgd({ eta, schedule: sgdSchedule({ N, B, E, shuffle: 'fixed' }) }), problem(land, train), land.init(), rng(2));
  let w = 0.5;
  for (let e = 0; e < E; e++) {
    for (let k = 0; k < N / B; k++) {
      let g = 0;
      for (let j = 0; j < B; j++) g += H * w + S * x[k * B + j]!;
      w -= (eta * g) / B;
    }
  }
  assert.ok(Math.abs(got[0]! - w) < 1e-15, `${got[0]} vs ${w}`);
});

test('reshuffle draws each epoch’s order from the run’s rng, a fresh permutation per epoch', () => {
  const N = 5, B = 1, E = 4, eta = 0.05;
  const train = land.sample(rng(3), N);
  const x = train.x!;
  const got = runOptimizer(sgd({ eta, schedule: sgdSchedule({ N, B, E, shuffle: 'reshuffle' }) }), problem(land, train), land.init(), split(7, 1));
  // The same stream, replayed by hand: one permutation at the start of every epoch.
  const r = split(7, 1);
  const order = new Int32Array(N);
  let w = 0.5;
  const orders: string[] = [];
  for (let e = 0; e < E; e++) {
    randomPermutation(order, r);
    orders.push(order.join(''));
    for (const n of order) w -= eta * (H * w + S * x[n]!);
  }
  assert.ok(Math.abs(got[0]! - w) < 1e-15);
  assert.ok(new Set(orders).size > 1, 'the epochs were not all in one order');
});

test('randomPermutation is uniform: each of the 3! = 6 orders about 1/6 of 60,000 draws', () => {
  const r = rng(11), out = new Int32Array(3), counts = new Map<string, number>();
  const n = 60_000;
  for (let i = 0; i < n; i++) {
    const k = randomPermutation(out, r).join('');
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  // binomial sd = √(n·(1/6)(5/6)) ≈ 91; allow 4.5 sd
  for (const [k, c] of counts) assert.ok(Math.abs(c - n / 6) < 4.5 * 91, `${k}: ${c}`);
});

test('gd follows its closed form on MEAN ESTIMATION: w_T = (1−ηH)^T w₀ − (S x̄/H)(1 − (1−ηH)^T)', () => {
  const N = 7, T = 25, eta = 0.3;
  const train = land.sample(rng(5), N);
  const xbar = train.x!.reduce((a, b) => a + b, 0) / N;
  const got = runOptimizer(gd({ eta, schedule: gdSchedule({ N, T }) }), problem(land, train), land.init(), rng(0));
  const k = (1 - eta * H) ** T;
  const want = k * 0.5 - ((S * xbar) / H) * (1 - k);
  assert.ok(Math.abs(got[0]! - want) < 1e-13, `${got[0]} vs ${want}`);
});

test('sgd with B = N is GD, whatever the shuffling', () => {
  const N = 4, eta = 0.2;
  const train = land.sample(rng(8), N);
  const a = runOptimizer(sgd({ eta, schedule: sgdSchedule({ N, B: N, E: 9, shuffle: 'reshuffle' }) }), problem(land, train), land.init(), rng(1));
  const b = runOptimizer(gd({ eta, schedule: gdSchedule({ N, T: 9 }) }), problem(land, train), land.init(), rng(1));
  assert.ok(Math.abs(a[0]! - b[0]!) < 1e-14);
});

test('every optimizer projects after each step: λ of mean-estimation-l2 never goes below 0', async () => {
  const l2 = await resolveLandscape('mean-estimation-l2:w0=3');
  const train = l2.sample(rng(1), 4);
  // ∂l/∂λ = ½w² > 0, so unprojected descent would push λ negative from λ₀ = 0
  const th = runOptimizer(sgd({ eta: 0.1, schedule: sgdSchedule({ N: 4, E: 3 }) }), problem(l2, train), l2.init(), rng(2));
  assert.equal(th[1], 0);
  const th2 = runOptimizer(gd({ eta: 0.1, schedule: gdSchedule({ N: 4, T: 5 }) }), problem(l2, train), l2.init(), rng(2));
  assert.equal(th2[1], 0);
});
