/**
 * @file STIC: the objective l̂ + tr(Ĉ Ĥ⁻¹)/N and its exact gradient (HVPs for ∇Ĉ, third
 * derivatives for ∇Ĥ) — against the closed form on mean-estimation-l2 and against central
 * differences on a random polynomial with two weights and one hyperparameter; refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLandscape } from '../landscapes/index.ts';
import { rng, gd as gdSchedule } from '../core/index.ts';
import { gd, problem, runOptimizer, stic, sticObjective, sticWeights } from './index.ts';

const POLY = new URL('../testing/polynomial.ts', import.meta.url).pathname;

test('mean-estimation-l2 declares λ a hyperparameter, and STIC’s objective there is ½(H+λ)w² + S x̄ w + Ĉ/(N(H+λ)), Ĉ = S²·s²ₓ', async () => {
  const H = 0.4, S = 1.5, N = 6;
  const land = await resolveLandscape(`mean-estimation-l2:H=${H},S=${S}`);
  assert.deepEqual(land.hyperparameters, [1]);
  const p = problem(land, land.sample(rng(4), N));
  const x = Array.from(p.train.x!);
  const xbar = x.reduce((a, b) => a + b, 0) / N;
  const s2 = x.reduce((a, b) => a + (b - xbar) ** 2, 0) / (N - 1);
  const w = 0.3, lambda = 0.25;
  const r = sticObjective(p, Float64Array.of(w, lambda), sticWeights(2, [1]));
  const C = S * S * s2;
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-13 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  close(r.train, 0.5 * (H + lambda) * w * w + S * xbar * w, 'train');
  close(r.gap, C / (N * (H + lambda)), 'gap');
  close(r.grad[0]!, (H + lambda) * w + S * xbar, '∂/∂w'); // Ĉ and Ĥ do not depend on w
  close(r.grad[1]!, 0.5 * w * w - C / (N * (H + lambda) ** 2), '∂/∂λ');
});

test('sticObjective’s gradient matches central differences of its value (2 weights + 1 hyperparameter, quartic)', async () => {
  for (const seed of [1, 2, 3]) {
    const land = await resolveLandscape(`${POLY}:seed=${seed},P=3,degree=4,atoms=4,quadratic=4,hyper=1`);
    assert.deepEqual(land.hyperparameters, [2]);
    const weights = sticWeights(3, land.hyperparameters!);
    const p = problem(land, land.sample(rng(seed), 5));
    const theta = land.init();
    const r = sticObjective(p, theta, weights);
    assert.ok(Number.isFinite(r.value) && r.gap > 0, `Ĥ positive definite at θ₀ (gap ${r.gap})`);
    const h = 1e-5;
    for (let i = 0; i < 3; i++) {
      const a = Float64Array.from(theta), b = Float64Array.from(theta);
      a[i]! += h;
      b[i]! -= h;
      const fd = (sticObjective(p, a, weights).value - sticObjective(p, b, weights).value) / (2 * h);
      assert.ok(Math.abs(fd - r.grad[i]!) < 1e-7 * Math.max(1, Math.abs(fd)), `seed ${seed}, ∂/∂θ${i}: ${r.grad[i]} vs ${fd}`);
    }
  }
});

test('where Ĥ is not positive definite STIC writes NaN (the run counts as diverged), never a made-up value', async () => {
  const land = await resolveLandscape(`${POLY}:seed=1,P=2,degree=2,quadratic=-10`);
  const p = problem(land, land.sample(rng(1), 4));
  const r = sticObjective(p, land.init(), sticWeights(2, []));
  assert.ok(Number.isNaN(r.value) && r.grad.every(Number.isNaN));
  const th = runOptimizer(stic({ eta: 0.1, schedule: gdSchedule({ N: 4, T: 2 }) }), p, land.init(), rng(0));
  assert.ok(th.every(Number.isNaN));
});

test('stic refuses models with more than 10 weights, and N = 1', async () => {
  assert.throws(() => sticWeights(4490, []), /stic: the landscape has 4,490 weights; exact STIC \(Hessian by HVPs, its inverse and third derivatives\) is implemented for at most 10/);
  const big = await resolveLandscape(`${POLY}:seed=1,P=12,degree=1`);
  const opt = stic({ eta: 0.1, schedule: gdSchedule({ N: 3, T: 1 }) });
  assert.throws(() => opt.init(problem(big, big.sample(rng(0), 3)), big.init()), /has 12 weights/);
  assert.throws(() => stic({ eta: 0.1, schedule: gdSchedule({ N: 1, T: 1 }) }), /stic: the unbiased Ĉ needs N ≥ 2/);
  assert.throws(() => sticWeights(2, [0, 1]), /every coordinate is a hyperparameter/);
});

test('STIC raises λ where the gap term outweighs the penalty (noisy, flat: H ≪ C/N), while GD keeps λ = 0', async () => {
  const land = await resolveLandscape('mean-estimation-l2:H=0.1,S=1');
  const p = problem(land, land.sample(rng(9), 4));
  const s = runOptimizer(stic({ eta: 0.1, schedule: gdSchedule({ N: 4, T: 50 }) }), p, land.init(), rng(0));
  const g = runOptimizer(gd({ eta: 0.1, schedule: gdSchedule({ N: 4, T: 50 }) }), p, land.init(), rng(0));
  assert.ok(s[1]! > 0.1, `λ after STIC: ${s[1]}`);
  assert.equal(g[1], 0);
  assert.ok(Math.abs(s[0]!) < Math.abs(g[0]!), `STIC shrinks w: ${s[0]} vs GD ${g[0]}`);
});

test('defineLandscape checks `hyperparameters`: distinct indices into θ', async () => {
  const { defineLandscape } = await import('../landscapes/index.ts');
  const def = (hyperparameters: number[]) => defineLandscape({ name: 'h', P: 2, data: { x: [] }, loss: (t) => t, init: [0, 0], atoms: { values: { x: [0] } }, hyperparameters });
  assert.throws(() => def([2]), /field 'hyperparameters\[0\]' is 2 \(expected a distinct index into theta, 0 … 1\)/);
  assert.throws(() => def([1, 1]), /field 'hyperparameters\[1\]' is 1/);
  assert.deepEqual((await def([1]).create({}, { spec: 'h' })).hyperparameters, [1]);
});
