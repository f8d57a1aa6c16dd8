/**
 * @file SDE: one step's noise has the covariance of one SGD step's, η²C/B, and its drift is
 * −ηG — exactly with atoms, and in expectation from fresh samples — and Euler–Maruyama with k
 * substeps on MEAN ESTIMATION has the mean and variance of its closed form. Monte Carlo over
 * seeded runs; tolerances in standard errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineLandscape, resolveLandscape, type Landscape } from '../landscapes/index.ts';
import { rng, split } from '../core/index.ts';
import { problem, sde, sdeNoiseMode } from './index.ts';

const POLY = new URL('../testing/polynomial.ts', import.meta.url).pathname;

/** Mean and covariance of n draws of a P-vector, with the standard errors of each entry. */
function moments(draws: Float64Array[], P: number) {
  const n = draws.length;
  const mean = new Float64Array(P);
  for (const d of draws) for (let i = 0; i < P; i++) mean[i]! += d[i]! / n;
  const cov = new Float64Array(P * P), c2 = new Float64Array(P * P);
  for (const d of draws) {
    for (let i = 0; i < P; i++) {
      for (let j = 0; j < P; j++) {
        const x = (d[i]! - mean[i]!) * (d[j]! - mean[j]!);
        cov[i * P + j]! += x / (n - 1);
        c2[i * P + j]! += x * x / n;
      }
    }
  }
  // se of a covariance entry ≈ sd of the products / √n
  const covSe = cov.map((c, k) => Math.sqrt(Math.max(0, c2[k]! - c * c) / n));
  const meanSe = mean.map((_, i) => Math.sqrt(cov[i * P + i]! / n));
  return { mean, cov, meanSe, covSe };
}

/** G and C at θ exactly over the atoms. */
function exactGC(land: Landscape, theta: Float64Array) {
  const a = land.atoms!(), P = land.P;
  const { grads } = land.program().valuesAndGrads(theta, a.batch());
  const G = new Float64Array(P), C = new Float64Array(P * P);
  for (let m = 0; m < a.count; m++) for (let i = 0; i < P; i++) G[i]! += a.weights[m]! * grads[m * P + i]!;
  for (let m = 0; m < a.count; m++) {
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) C[i * P + j]! += a.weights[m]! * (grads[m * P + i]! - G[i]!) * (grads[m * P + j]! - G[j]!);
  }
  return { G, C };
}

for (const noise of ['exact', 'estimated'] as const) {
  test(`sde (${noise} noise), one step without substeps: mean −ηG and covariance η²C/B, as one SGD step`, async () => {
    const land = await resolveLandscape(`${POLY}:seed=5,P=2,degree=3`);
    const eta = 0.2, B = 2, P = 2, R = 20_000;
    const theta0 = land.init();
    const { G, C } = exactGC(land, theta0);
    const opt = sde({ eta, T: 1, B, substeps: 1, noise, samples: 6 });
    const p = problem(land, land.sample(rng(0), 1));
    const draws: Float64Array[] = [];
    for (let r = 0; r < R; r++) {
      const s = opt.init(p, theta0);
      opt.step(s, split(31, r));
      draws.push(s.theta.map((x, i) => x - theta0[i]!));
    }
    const m = moments(draws, P);
    for (let i = 0; i < P; i++) {
      const z = (m.mean[i]! + eta * G[i]!) / m.meanSe[i]!;
      assert.ok(Math.abs(z) < 4, `mean[${i}] = ${m.mean[i]} vs −ηG = ${-eta * G[i]!} (${z.toFixed(2)} se)`);
      for (let j = 0; j < P; j++) {
        const want = (eta * eta * C[i * P + j]!) / B;
        const zc = (m.cov[i * P + j]! - want) / m.covSe[i * P + j]!;
        assert.ok(Math.abs(zc) < 4, `cov[${i}][${j}] = ${m.cov[i * P + j]} vs η²C/B = ${want} (${zc.toFixed(2)} se)`);
      }
    }
  });
}

test('sde on MEAN ESTIMATION follows Euler–Maruyama’s closed form: mean (1−ηH/k)^{kT}w₀, variance (η²S²/(kB))·Σ_j (1−ηH/k)^{2j}', async () => {
  const H = 0.7, S = 1.3, w0 = 0.5;
  const land = await resolveLandscape(`mean-estimation:H=${H},S=${S},w0=${w0}`);
  const eta = 0.3, T = 3, k = 4, B = 2, R = 20_000;
  const a = 1 - (eta * H) / k;
  const wantMean = a ** (k * T) * w0;
  let sum = 0;
  for (let j = 0; j < k * T; j++) sum += a ** (2 * j);
  const wantVar = ((eta * eta * S * S) / (k * B)) * sum;
  for (const noise of ['exact', 'estimated'] as const) {
    const opt = sde({ eta, T, B, substeps: k, noise, samples: 4 });
    const p = problem(land, land.sample(rng(0), 1));
    const w: Float64Array[] = [];
    for (let r = 0; r < R; r++) {
      const s = opt.init(p, land.init());
      const r77 = split(77, r);
      for (let t = 0; t < T; t++) opt.step(s, r77);
      w.push(Float64Array.of(s.theta[0]!));
    }
    const m = moments(w, 1);
    const zMean = (m.mean[0]! - wantMean) / m.meanSe[0]!;
    const zVar = (m.cov[0]! - wantVar) / m.covSe[0]!;
    assert.ok(Math.abs(zMean) < 4, `${noise}: mean ${m.mean[0]} vs ${wantMean} (${zMean.toFixed(2)} se)`);
    assert.ok(Math.abs(zVar) < 4, `${noise}: variance ${m.cov[0]} vs ${wantVar} (${zVar.toFixed(2)} se)`);
  }
});

test('sde says where its noise comes from: exact for atoms (≤ 4096), else estimated; exact refused without atoms', async () => {
  const gauss = await resolveLandscape('gauss');
  assert.match(sdeNoiseMode(gauss).description, /^exact \(atoms: 8-node Gauss–Hermite quadrature/);
  assert.equal(sdeNoiseMode(gauss, 'estimated', 16).description, 'estimated from M = 16 fresh samples per substep');
  const many = await defineLandscape({
    name: 'many-atoms', P: 1, data: { x: [] },
    loss: (theta, { x }) => theta, init: [0],
    atoms: { values: { x: Array.from({ length: 5000 }, (_, i) => i) } },
  }).create({}, { spec: 'many-atoms' });
  assert.equal(sdeNoiseMode(many).mode, 'estimated');
  assert.throws(() => sdeNoiseMode(many, 'exact'), /sde: exact noise needs a landscape with at most 4096 atoms; many-atoms has 5,000/);
  assert.throws(() => sde({ eta: 0.1, T: 1, B: 64, substeps: 1, samples: 32 }), /substeps·samples > B/);
});
