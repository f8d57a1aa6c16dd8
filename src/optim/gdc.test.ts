/**
 * @file GDC: its gradient is the gradient of l̂ + η(N−1)/(4N)·Ĉ (finite differences), and its
 * claim (docs/theory.md §4) holds exactly: to order η² GDC's expected test loss equals one-epoch batch-1
 * SGD's, while GD's exceeds it by (N−1)/4·G·∇trC·η². Expectations are exact: every training set
 * of a 3-atom distribution is enumerated with its probability (GD, GDC and fixed-order SGD are
 * deterministic given the training set), and the η² coefficients are read off by Richardson
 * extrapolation in η.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLandscape, type Landscape } from '../landscapes/index.ts';
import { rng, gd as gdSchedule, sgd as sgdSchedule } from '../core/index.ts';
import { gd, gdc, gdcCoefficient, gdcObjective, problem, runOptimizer, sgd, type Optimizer } from './index.ts';

const POLY = new URL('../testing/polynomial.ts', import.meta.url).pathname;

test('gdc: the update direction is ∇(l̂ + η(N−1)/(4N)·Ĉ), Ĉ = (1/(N−1))Σ|g_n − ḡ|² (central differences)', async () => {
  const land = await resolveLandscape(`${POLY}:seed=4,P=3,degree=4`);
  const N = 5, eta = 0.3;
  const p = problem(land, land.sample(rng(1), N));
  const theta = land.init();
  const { value, penalty, grad } = gdcObjective(p, theta, eta);
  // Ĉ by hand from per-sample gradients
  const { values, grads } = p.program.valuesAndGrads(theta, p.train);
  const P = land.P;
  const gbar = new Float64Array(P);
  for (let n = 0; n < N; n++) for (let i = 0; i < P; i++) gbar[i]! += grads[n * P + i]! / N;
  let ss = 0;
  for (let n = 0; n < N; n++) for (let i = 0; i < P; i++) ss += (grads[n * P + i]! - gbar[i]!) ** 2;
  const lhat = values.reduce((a, b) => a + b, 0) / N;
  assert.ok(Math.abs(penalty - gdcCoefficient(eta, N) * ss / (N - 1)) < 1e-14);
  assert.ok(Math.abs(value - lhat - penalty) < 1e-14);
  const h = 1e-5;
  for (let i = 0; i < P; i++) {
    const a = Float64Array.from(theta), b = Float64Array.from(theta);
    a[i]! += h;
    b[i]! -= h;
    const fd = (gdcObjective(p, a, eta).value - gdcObjective(p, b, eta).value) / (2 * h);
    assert.ok(Math.abs(fd - grad[i]!) < 1e-7 * Math.max(1, Math.abs(fd)), `∂/∂θ${i}: ${grad[i]} vs ${fd}`);
  }
});

test('gdc refuses N = 1 (no unbiased Ĉ from one point)', () => {
  assert.throws(() => gdc({ eta: 0.1, schedule: gdSchedule({ N: 1, T: 3 }) }), /gdc: the unbiased Ĉ needs N ≥ 2 training points, got N = 1/);
});

/** E[l(θ_T)] exactly: every training set (an N-tuple of atoms) weighted by its probability. */
function expectedTestLoss(land: Landscape, N: number, make: () => Optimizer): number {
  const atoms = land.atoms!();
  const A = atoms.count;
  const idx = new Array<number>(N).fill(0);
  let total = 0;
  for (;;) {
    let w = 1;
    for (const i of idx) w *= atoms.weights[i]!;
    const th = runOptimizer(make(), problem(land, atoms.gather(idx)), land.init(), rng(0));
    total += w * land.populationLoss!(th);
    let j = 0;
    while (j < N && ++idx[j]! === A) idx[j++] = 0;
    if (j === N) return total;
  }
}

/** G·∇trC = 2(G·E[H_x g_x] − G·H·G) at θ₀ (docs/theory.md §2), exactly over the atoms. */
function gDotGradTrC(land: Landscape): number {
  const atoms = land.atoms!(), prog = land.program(), th = land.init(), P = land.P;
  const batch = atoms.batch();
  const { grads } = prog.valuesAndGrads(th, batch);
  const G = new Float64Array(P);
  for (let a = 0; a < atoms.count; a++) for (let i = 0; i < P; i++) G[i]! += atoms.weights[a]! * grads[a * P + i]!;
  let ehg = 0, ghg = 0;
  for (let a = 0; a < atoms.count; a++) {
    const sample = { c: batch.c!.subarray(a * (batch.c!.length / atoms.count), (a + 1) * (batch.c!.length / atoms.count)) };
    const hg = prog.gradDerivative(th, [grads.subarray(a * P, (a + 1) * P)], sample).grad; // H_a g_a
    const hG = prog.gradDerivative(th, [G], sample).grad; // H_a G
    for (let i = 0; i < P; i++) {
      ehg += atoms.weights[a]! * G[i]! * hg[i]!;
      ghg += atoms.weights[a]! * G[i]! * hG[i]!;
    }
  }
  return 2 * (ehg - ghg);
}

test('GDC matches one-epoch batch-1 SGD to order η² exactly; GD is off by (N−1)/4·G·∇trC·η²', async () => {
  for (const [seed, N] of [[2, 3], [6, 4]] as const) {
    const land = await resolveLandscape(`${POLY}:seed=${seed},P=2,degree=4`);
    const want = ((N - 1) / 4) * gDotGradTrC(land);
    // q(η) = (E_X − E_SGD)/η² = c₂ + c₃η + c₄η² + …; Richardson twice:
    // r(η) = 2q(η/2) − q(η) = c₂ − c₄η²/2 + O(η³), then (4r(η/2) − r(η))/3 = c₂ + O(η³)
    const q = (eta: number, make: (eta: number) => Optimizer) =>
      (expectedTestLoss(land, N, () => make(eta)) - expectedTestLoss(land, N, () => sgd({ eta, schedule: sgdSchedule({ N }) }) as Optimizer)) / eta ** 2;
    const c2 = (make: (eta: number) => Optimizer, eta: number) => {
      const [q1, q2, q4] = [q(eta, make), q(eta / 2, make), q(eta / 4, make)];
      const r1 = 2 * q2 - q1, r2 = 2 * q4 - q2;
      return (4 * r2 - r1) / 3;
    };
    const gdMake = (eta: number) => gd({ eta, schedule: gdSchedule({ N, T: N }) }) as Optimizer;
    const gdcMake = (eta: number) => gdc({ eta, schedule: gdSchedule({ N, T: N }) }) as Optimizer;
    const eta = 1e-3; // truncation O(η³) falls 8× per halving down to round-off ≈ 1e-8 here
    const cGd = c2(gdMake, eta), cGdc = c2(gdcMake, eta);
    console.log(`  seed ${seed}, N = ${N}: (N−1)/4·G·∇trC = ${want.toPrecision(8)}; η² coefficient of GD − SGD ${cGd.toPrecision(8)}, of GDC − SGD ${cGdc.toExponential(2)}`);
    assert.ok(Math.abs(want) > 1e-2, 'the landscape must have a GD–SGD difference for the check to mean anything');
    assert.ok(Math.abs(cGd - want) < 1e-6 * Math.abs(want), `GD − SGD: ${cGd} vs ${want}`);
    assert.ok(Math.abs(cGdc) < 1e-6 * Math.abs(want), `GDC − SGD: η² coefficient ${cGdc}, expected 0`);
  }
});
