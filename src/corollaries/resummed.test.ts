/**
 * @file The re-summed corollaries against closed forms written here, the general series, and
 * simulation: drift on ARCHIMEDES (+η²/6 along z, THEORY §4); overfit on a 2-D quadratic with
 * anisotropic noise against the matrix formulas (1/2N)·C:[(I−K^T)H⁻¹(I−K^T)] and
 * (1/N)·C:[(I−K^T)H⁻¹] computed by plain 2×2 algebra, and on MEAN ESTIMATION against a GD
 * simulation (z-scores printed); skew against THEORY §9's eigenbasis formula on a random
 * polynomial landscape; sde's non-Gaussian share against cumulant values from the tensors;
 * overfit against the plain series on a random polynomial landscape with a minimum at θ₀.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { gd, sgd, symmetricEigen } from '../core/index.ts';
import { estimateStats, measureTensors } from '../stats/index.ts';
import { simulate } from '../sim/index.ts';
import { cumulantSeriesTerms, diagramValue, predict } from '../theory/index.ts';
import { rationals } from '../diagrams/index.ts';
import { QUADRATIC_H, quadraticC } from '../testing/index.ts';
import { driftCorollary, overfitCorollary, sdeCorollary, skewCorollary } from './index.ts';

const QUAD = fileURLToPath(new URL('../testing/quadratic.ts', import.meta.url));
const POLY = fileURLToPath(new URL('../testing/polynomial.ts', import.meta.url));
const get = (r: { entries: readonly { key: string; value: number; stderr: number }[] }, k: string) => {
  const e = r.entries.find((x) => x.key === k);
  assert.ok(e, `no entry ${k}: ${r.entries.map((x) => x.key).join(', ')}`);
  return e;
};

test('drift on ARCHIMEDES (exact): +η²/6 per step along z, 0 along u and v; SGD’s discrete steps a little faster', async () => {
  for (const eta of [0.02, 0.05]) {
    const r = await driftCorollary({ landscape: { spec: 'archimedes' }, exact: true, eta });
    assert.ok(Math.abs(get(r, 'z').value - eta ** 2 / 6) <= 1e-12 * eta ** 2, `${get(r, 'z').value}`);
    assert.ok(Math.abs(get(r, 'u').value) < 1e-15 && Math.abs(get(r, 'v').value) < 1e-15);
    const disc = get(r, 'z (discrete)').value / (eta ** 2 / 6);
    assert.ok(disc > 1 && disc < 1 + 2 * eta, `discrete/leading = ${disc}`);
  }
});

test('drift refuses where there is no valley: GAUSS (H = ½) names the eigenvalue; a gradient names |G|', async () => {
  await assert.rejects(driftCorollary({ landscape: { spec: 'gauss' }, exact: true, eta: 0.05 }), /eigenvalue of H nearest 0 is 0\.5/);
  await assert.rejects(driftCorollary({ landscape: { spec: `${QUAD}:shift=0.5` }, exact: true, eta: 0.05 }), /\|G\| = 0\.5/);
});

/** 2×2 helpers: the matrix formulas of Corollary 2 with K = I − ηH, K^T by repeated product. */
type M2 = number[][];
const mm = (a: M2, b: M2): M2 => [[0, 1].map((j) => a[0]![0]! * b[0]![j]! + a[0]![1]! * b[1]![j]!), [0, 1].map((j) => a[1]![0]! * b[0]![j]! + a[1]![1]! * b[1]![j]!)];
const inv = (a: M2): M2 => {
  const d = a[0]![0]! * a[1]![1]! - a[0]![1]! * a[1]![0]!;
  return [[a[1]![1]! / d, -a[0]![1]! / d], [-a[1]![0]! / d, a[0]![0]! / d]];
};
const contract = (a: M2, b: M2) => a[0]![0]! * b[0]![0]! + a[0]![1]! * b[0]![1]! + a[1]![0]! * b[1]![0]! + a[1]![1]! * b[1]![1]!;

test('overfit on a 2-D quadratic with anisotropic noise: the matrix formulas, their limits, STIC = C:H⁻¹/N and AIC = P/N', async () => {
  const N = 5, T = 12, eta = 0.15;
  const H = QUADRATIC_H, C = quadraticC(), Hi = inv(H);
  const K: M2 = [[1 - eta * H[0]![0]!, -eta * H[0]![1]!], [-eta * H[1]![0]!, 1 - eta * H[1]![1]!]];
  let KT: M2 = [[1, 0], [0, 1]];
  for (let t = 0; t < T; t++) KT = mm(KT, K);
  const IK: M2 = [[1 - KT[0]![0]!, -KT[0]![1]!], [-KT[1]![0]!, 1 - KT[1]![1]!]];
  const increase = contract(C, mm(mm(IK, Hi), IK)) / (2 * N);
  const gap = contract(C, mm(IK, Hi)) / N;
  const r = await overfitCorollary({ landscape: { spec: QUAD }, exact: true, N, T, eta });
  const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) <= 1e-12 * Math.abs(y), `${what}: ${x} vs ${y}`);
  close(get(r, `test increase (T = ${T})`).value, increase, 'increase');
  close(get(r, `gap (T = ${T})`).value, gap, 'gap');
  close(get(r, 'test increase (T → ∞)').value, contract(C, Hi) / (2 * N), 'increase limit');
  close(get(r, 'gap (T → ∞)').value, contract(C, Hi) / N, 'gap limit');
  close(get(r, 'STIC: C:H⁻¹/N').value, contract(C, Hi) / N, 'STIC');
  assert.equal(get(r, 'AIC: P/N').value, 2 / N);
  // C is not proportional to H here: STIC and AIC differ
  assert.ok(Math.abs(get(r, 'STIC: C:H⁻¹/N').value - 2 / N) > 0.05);
});

test('overfit refuses a non-minimum (|G|) and a divergent GD (ηλ ≥ 2), naming the measured values', async () => {
  await assert.rejects(overfitCorollary({ landscape: { spec: `${QUAD}:shift=0.3` }, exact: true, N: 5, T: 3, eta: 0.1 }), /assumes θ₀ is a minimum.*\|G\| = 0\.3/);
  await assert.rejects(overfitCorollary({ landscape: { spec: QUAD }, exact: true, N: 5, T: 3, eta: 1 }), /ηλ_max = 2\.28\d* ≥ 2/);
});

test('overfit on MEAN ESTIMATION agrees with a GD simulation (test increase and gap within 3 standard errors)', async () => {
  const N = 8, T = 15, eta = 0.1, H = 0.5, S = 1.5;
  const spec = `mean-estimation:H=${H},S=${S}`;
  const r = await overfitCorollary({ landscape: { spec }, exact: true, N, T, eta });
  const sim = await simulate({ landscape: { spec }, optimizers: ['gd'], eta: [eta], N, T, trials: 4000, seed: 21, workers: 0 });
  for (const [metric, key] of [['test-increase', `test increase (T = ${T})`], ['gap', `gap (T = ${T})`]] as const) {
    const x = sim.summary.find((s) => s.metric === metric)!;
    const want = get(r, key).value;
    const z = (x.mean! - want) / x.stderr!;
    console.log(`  ${metric}: simulated ${x.mean!.toPrecision(5)} ± ${x.stderr!.toPrecision(2)}, corollary ${want.toPrecision(5)}: ${z.toFixed(2)} se`);
    assert.ok(Math.abs(z) < 3, `${metric}: z = ${z}`);
  }
});

test('skew on a random polynomial landscape: THEORY §9’s −(η³/6)·Σ S̃J̃·(1 − a^T)/(1 − a) in H’s eigenbasis, and the plain −(T/6)·S:J·η³', async () => {
  const spec = `${POLY}:seed=4,P=2,degree=4,atoms=3`;
  const T = 6, eta = 0.1;
  const m = await measureTensors({ landscape: { spec }, degree: 3, exact: true });
  const P = 2;
  const { values: lam, vectors: V } = symmetricEigen(m.tensors.cumulant([2])!, P);
  const S = m.tensors.cumulant([1, 1, 1])!, J = m.tensors.cumulant([3])!;
  const rot = (t: Float64Array, a: number, b: number, c: number) => {
    let s = 0;
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) for (let k = 0; k < P; k++) s += t[(i * P + j) * P + k]! * V[i * P + a]! * V[j * P + b]! * V[k * P + c]!;
    return s;
  };
  let want = 0, plain = 0;
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) for (let c = 0; c < P; c++) {
    const x = (1 - eta * lam[a]!) * (1 - eta * lam[b]!) * (1 - eta * lam[c]!);
    want += rot(S, a, b, c) * rot(J, a, b, c) * (1 - x ** T) / (1 - x);
  }
  for (let i = 0; i < S.length; i++) plain += S[i]! * J[i]!;
  want *= -(eta ** 3) / 6;
  const r = await skewCorollary({ landscape: { spec }, exact: true, T, eta });
  assert.ok(Math.abs(want) > 1e-6);
  assert.ok(Math.abs(get(r, 'S–J term (re-summed)').value - want) <= 1e-12 * Math.abs(want), `${get(r, 'S–J term (re-summed)').value} vs ${want}`);
  assert.ok(Math.abs(get(r, 'S–J term (plain, −(T/6)·S:J·η³/B²)').value - -(T / 6) * plain * eta ** 3) <= 1e-12 * Math.abs(plain * eta ** 3));
});

test('sde on a random polynomial landscape: the non-Gaussian share equals the ≥3-node cumulant diagrams’ κ values from the tensors', async () => {
  const spec = `${POLY}:seed=4,P=2,degree=4,atoms=3`;
  const T = 4, eta = 0.05;
  const r = await sdeCorollary({ landscape: { spec }, exact: true, T, eta, order: 3, workers: 0 });
  const m = await measureTensors({ landscape: { spec }, degree: 3, exact: true });
  let want = 0;
  for (const t of cumulantSeriesTerms(sgd({ N: T, B: 1 }), 3, 'test')) {
    if (!t.diagram.parts.some((p) => p.length >= 3)) continue;
    want += rationals.toNumber(t.multiplier) * eta ** t.diagram.order * diagramValue(t.diagram, m.tensors, 'test', 'cumulant');
  }
  assert.ok(Math.abs(want) > 1e-8);
  assert.ok(Math.abs(get(r, 'non-Gaussian').value - want) <= 1e-10 * Math.abs(want), `${get(r, 'non-Gaussian').value} vs ${want}`);
});

test('overfit on a random polynomial landscape with a minimum at θ₀ agrees with the plain series at order 2 (the difference is O(η³))', async () => {
  const spec = `${POLY}:seed=3,minimum=1,quadratic=3`;
  const N = 2, T = 3;
  const stats = await estimateStats({ landscape: { spec }, order: 2, quantity: 'train', exact: true, workers: 0 });
  const l0 = stats.values['()(0)']!.mean;
  const diff = async (eta: number) => {
    const r = await overfitCorollary({ landscape: { spec }, exact: true, N, T, eta });
    const plain = (q: 'test' | 'gap') => predict({ stats, schedule: gd({ N, T }), order: 2, quantity: q, eta: [eta] }).values[0]!.value;
    const inc = get(r, `test increase (T = ${T})`).value, gap = get(r, `gap (T = ${T})`).value;
    return { inc: inc - (plain('test') - l0), gap: gap - plain('gap'), value: [inc, gap] };
  };
  const h = 2e-3;
  const a = await diff(h), b = await diff(2 * h);
  for (const k of ['inc', 'gap'] as const) {
    const ratio = b[k] / a[k];
    assert.ok(Math.abs(a[k]) < 10 * h * Math.abs(a.value[k === 'inc' ? 0 : 1]!), `${k}: ${a[k]} vs ${a.value}`); // relative O(η)
    assert.ok(ratio > 7 && ratio < 9, `${k}: the difference scales as η^${Math.log2(ratio).toFixed(2)}, not η³`);
  }
});

test('drift on random valleys (src/testing/valley.ts): the velocity along z is THEORY §4’s −(η²/2)·Σ J_zμν C_μν/(λ_μ + λ_ν), computed here in H’s eigenbasis', async () => {
  const VALLEY = fileURLToPath(new URL('../testing/valley.ts', import.meta.url));
  const eta = 0.05;
  for (const seed of [1, 2, 3]) {
    const spec = `${VALLEY}:seed=${seed}`;
    const m = await measureTensors({ landscape: { spec }, degree: 3, exact: true });
    const P = 3;
    const { values: lam, vectors: V } = symmetricEigen(m.tensors.cumulant([2])!, P);
    const C = m.tensors.cumulant([1, 1])!, J = m.tensors.cumulant([3])!;
    // the flat eigenvector (λ = 0) is e_z; rotate C and J's last two indices
    const flat = [...lam].findIndex((l) => Math.abs(l) < 1e-12);
    assert.ok(flat >= 0 && Math.abs(Math.abs(V[2 * P + flat]!) - 1) < 1e-12, 'z is the flat direction');
    const rot2 = (t: Float64Array, off: number, a: number, b: number) => {
      let s = 0;
      for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) s += t[off + i * P + j]! * V[i * P + a]! * V[j * P + b]!;
      return s;
    };
    let want = 0;
    for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) {
      if (a === flat || b === flat) continue;
      want += (rot2(J, 2 * P * P, a, b) * rot2(C, 0, a, b)) / (lam[a]! + lam[b]!);
    }
    want *= -(eta ** 2) / 2;
    const r = await driftCorollary({ landscape: { spec }, exact: true, eta });
    assert.ok(Math.abs(want) > 1e-7, `seed ${seed}: ${want}`);
    assert.ok(Math.abs(get(r, 'z').value - want) <= 1e-10 * Math.abs(want), `seed ${seed}: ${get(r, 'z').value} vs ${want}`);
  }
});
