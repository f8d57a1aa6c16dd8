/**
 * @file The brute-force quadratic oracle (linear-sgd.ts) against what does not use it or diagrams:
 * closed forms of one step and of GD at any T (MEAN ESTIMATION among them), the expected
 * displacement of any schedule, its own two arithmetics against each other; and its small-η
 * Taylor coefficients against `predict`'s plain series with the landscape's exact moment values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gd, sgd, describeSchedule, type Schedule } from '../core/index.ts';
import { diagrams, type Diagram } from '../diagrams/index.ts';
import { parseStats, predict } from '../theory/index.ts';
import { linearSgdExpectation, linearSgdSeries, randomQuadratic, type QuadraticLandscape } from './index.ts';

// ---- landscapes ----

/** MEAN ESTIMATION: l_x(w) = ½Hw² + xSw, x = ±1 equiprobable (G = 0, ξ = ±S, C = S²). */
const meanEstimation = (H: number, S: number): QuadraticLandscape => ({
  P: 1,
  G: Float64Array.of(0),
  H: Float64Array.of(H),
  noise: { weights: Float64Array.of(0.5, 0.5), xi: [Float64Array.of(S), Float64Array.of(-S)] },
});

// ---- direct statistics of a landscape (no diagrams): Ḡ = G + Eξ, C = Cov ξ, l̄₀ = l₀ + E offset ----

interface Direct {
  P: number;
  l: number;
  Gbar: Float64Array;
  C: Float64Array;
  H: Float64Array;
}

function direct(q: QuadraticLandscape): Direct {
  const { P, G, H, noise } = q;
  const Gbar = Float64Array.from(G);
  let l = q.l0 ?? 0;
  noise.weights.forEach((w, x) => {
    l += w * (noise.offsets?.[x] ?? 0);
    for (let i = 0; i < P; i++) Gbar[i]! += w * noise.xi[x]![i]!;
  });
  const C = new Float64Array(P * P);
  noise.weights.forEach((w, x) => {
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) C[i * P + j]! += w * (G[i]! + noise.xi[x]![i]! - Gbar[i]!) * (G[j]! + noise.xi[x]![j]! - Gbar[j]!);
  });
  return { P, l, Gbar, C, H };
}

const matmul = (P: number, a: Float64Array, b: Float64Array) => {
  const out = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) for (let k = 0; k < P; k++) out[i * P + j]! += a[i * P + k]! * b[k * P + j]!;
  return out;
};
const matvec = (P: number, a: Float64Array, v: Float64Array) => Float64Array.from({ length: P }, (_, i) => v.reduce((s, x, k) => s + a[i * P + k]! * x, 0));
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
/** tr(a b) = a : bᵀ. */
const trProd = (P: number, a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < P; i++) for (let k = 0; k < P; k++) s += a[i * P + k]! * b[k * P + i]!;
  return s;
};
const outer = (a: Float64Array, b: Float64Array) => Float64Array.from({ length: a.length * b.length }, (_, k) => a[Math.floor(k / b.length)]! * b[k % b.length]!);

/** M = η Σ_{s<T} (I − ηH)^s: the map from a constant mean gradient to −δ_T. */
function propagatorSum(d: Direct, eta: number, T: number): Float64Array {
  const { P, H } = d;
  const K = Float64Array.from({ length: P * P }, (_, k) => (Math.floor(k / P) === k % P ? 1 : 0) - eta * H[k]!);
  let power = Float64Array.from({ length: P * P }, (_, k) => (Math.floor(k / P) === k % P ? 1 : 0));
  const M = new Float64Array(P * P);
  for (let s = 0; s < T; s++) {
    for (let k = 0; k < P * P; k++) M[k]! += eta * power[k]!;
    power = matmul(P, power, K);
  }
  return M;
}

// ---- comparisons ----

function close(actual: number, expected: number, what: string, tol = 1e-12, scale = 0): void {
  const bound = tol * Math.max(Math.abs(actual), Math.abs(expected), scale);
  assert.ok(Math.abs(actual - expected) <= bound, `${what}: oracle ${actual} vs reference ${expected} (diff ${(actual - expected).toExponential(2)})`);
}

const landscapes = [
  { name: 'P = 2, 3 atoms', q: randomQuadratic(101, 2, 3) },
  { name: 'P = 3, 3 atoms', q: randomQuadratic(202, 3, 3) },
  { name: 'P = 3, 2 atoms', q: randomQuadratic(303, 3, 2) },
  { name: 'P = 2, 3 atoms, indefinite H', q: randomQuadratic(404, 2, 3, true) },
];
const ETAS = [0.05, 0.2, 0.5];

test('one step of SGD (B = 1, 2) or GD: test, train, gap and displacement equal the closed form', () => {
  // δ = −η ḡ_B; E[ḡ_B ḡ_Bᵀ] = ḠḠᵀ + C/B; E[ḡ_N·ḡ_B] = Ḡ·Ḡ + tr C/N.
  for (const { name, q } of landscapes) {
    const d = direct(q);
    const GG = dot(d.Gbar, d.Gbar), GHG = dot(d.Gbar, matvec(d.P, d.H, d.Gbar)), HC = trProd(d.P, d.H, d.C);
    const trC = Array.from({ length: d.P }, (_, i) => d.C[i * d.P + i]!).reduce((a, b) => a + b, 0);
    const cases: Array<{ s: Schedule; B: number }> = [
      { s: sgd({ N: 4, B: 4, E: 1 }), B: 4 },
      { s: gd({ N: 3, T: 1 }), B: 3 },
      { s: sgd({ N: 1, B: 1, E: 1 }), B: 1 },
    ];
    for (const { s, B } of cases) for (const eta of ETAS) {
      const o = linearSgdExpectation(q, s, eta);
      const where = `${name}, ${describeSchedule(s)}, η = ${eta}`;
      close(o.test, d.l - eta * GG + 0.5 * eta ** 2 * (GHG + HC / B), `${where} test`);
      close(o.train, d.l - eta * (GG + trC / s.N) + 0.5 * eta ** 2 * (GHG + HC / B), `${where} train`);
      close(o.gap, (eta * trC) / s.N, `${where} gap`);
      for (let i = 0; i < d.P; i++) close(o.displacement[i]!, -eta * d.Gbar[i]!, `${where} θ_${i}`);
    }
  }
});

test('GD at any T equals its closed form: δ_T = −M ḡ_N with M = η Σ_{s<T} (I − ηH)^s', () => {
  // E[ḡ_N ḡ_Nᵀ] = S₂ = ḠḠᵀ + C/N: test = l̄ − ḠᵀMḠ + ½ tr(MHM S₂), train = l̄ − tr(M S₂) + ½ tr(MHM S₂), gap = tr(MC)/N.
  for (const { name, q } of landscapes) {
    const d = direct(q);
    for (const N of [1, 2, 3]) for (const T of [1, 2, 5]) for (const eta of ETAS) {
      const M = propagatorSum(d, eta, T);
      const S2 = outer(d.Gbar, d.Gbar).map((x, k) => x + d.C[k]! / N);
      const quadPart = 0.5 * trProd(d.P, matmul(d.P, matmul(d.P, M, d.H), M), S2);
      const o = linearSgdExpectation(q, gd({ N, T }), eta);
      const where = `${name}, GD N=${N} T=${T}, η = ${eta}`;
      close(o.test, d.l - dot(d.Gbar, matvec(d.P, M, d.Gbar)) + quadPart, `${where} test`, 1e-11);
      close(o.train, d.l - trProd(d.P, M, S2) + quadPart, `${where} train`, 1e-11);
      close(o.gap, trProd(d.P, M, d.C) / N, `${where} gap`, 1e-11);
      const disp = matvec(d.P, M, d.Gbar);
      for (let i = 0; i < d.P; i++) close(o.displacement[i]!, -disp[i]!, `${where} θ_${i}`, 1e-11);
    }
  }
});

test('MEAN ESTIMATION under GD: test increase C(1 − (1−ηH)^T)²/(2NH), gap C(1 − (1−ηH)^T)/(NH)', () => {
  for (const [H, S] of [[1, 1], [0.7, 1.3], [2.5, 0.4]] as const) {
    const q = meanEstimation(H, S);
    const C = S * S;
    for (const N of [1, 2, 4]) for (const T of [1, 3, 10]) for (const eta of [0.1, 0.5, 0.9]) {
      const o = linearSgdExpectation(q, gd({ N, T }), eta);
      const f = 1 - (1 - eta * H) ** T;
      const where = `H=${H} S=${S} N=${N} T=${T} η=${eta}`;
      close(o.test, (C * f * f) / (2 * N * H), `${where} test`);
      close(o.gap, (C * f) / (N * H), `${where} gap`);
      close(o.train, o.test - o.gap, `${where} train`);
      assert.ok(Math.abs(o.displacement[0]!) <= 1e-15 * S, `${where}: x is centered, no drift (got ${o.displacement[0]})`);
    }
  }
});

test('every SGD schedule drifts on average like GD on the population: E[θ_T − θ₀] = −M Ḡ', () => {
  // Each batch mean has expectation Ḡ whatever the shuffle (the rows are i.i.d.), and the map is linear.
  for (const { name, q } of landscapes.slice(0, 2)) {
    const d = direct(q);
    for (const s of [sgd({ N: 2, B: 1, E: 3, shuffle: 'fixed' }), sgd({ N: 3, B: 1, E: 2, shuffle: 'reshuffle' }), sgd({ N: 4, B: 2, E: 2, shuffle: 'reshuffle' })]) {
      for (const eta of ETAS) {
        const disp = matvec(d.P, propagatorSum(d, eta, s.T), d.Gbar);
        const o = linearSgdExpectation(q, s, eta, { coordinate: 1 });
        for (let i = 0; i < d.P; i++) close(o.displacement[i]!, -disp[i]!, `${name}, ${describeSchedule(s)}, η = ${eta}, θ_${i}`, 1e-11);
        assert.equal(o.value, o.displacement[1], 'the coordinate observable is its displacement');
      }
    }
  }
});

/**
 * Any schedule, by linearity and second moments only: δ_T = −η Σ_t K^{T−1−t} ḡ_t with K = I − ηH,
 * E[ḡ_t ḡ_sᵀ] = ḠḠᵀ + ω_ts C where ω_ts = E|B_t ∩ B_s| / B² — 1/B for the same batch, 0 for two
 * batches of one epoch, across epochs 1/B on the same slot and 0 otherwise (`fixed`) or 1/N
 * (`reshuffle`: an independent uniform order); GD: 1/N always — and E[ḡ_N ḡ_tᵀ] = ḠḠᵀ + C/N.
 */
function secondMomentForm(d: Direct, s: Schedule, eta: number): { test: number; train: number; gap: number } {
  const { P, H, C, Gbar } = d;
  const T = s.T;
  const K = Float64Array.from({ length: P * P }, (_, k) => (Math.floor(k / P) === k % P ? 1 : 0) - eta * H[k]!);
  const a: Float64Array[] = new Array(T);
  a[T - 1] = Float64Array.from({ length: P * P }, (_, k) => (Math.floor(k / P) === k % P ? 1 : 0));
  for (let t = T - 2; t >= 0; t--) a[t] = matmul(P, a[t + 1]!, K);
  const omega = (t: number, u: number): number => {
    if (s.kind === 'gd') return 1 / s.N;
    if (t === u) return 1 / s.B;
    const [e, k, e2, k2] = [Math.floor(t / s.K), t % s.K, Math.floor(u / s.K), u % s.K];
    if (e === e2) return 0;
    return s.shuffle === 'fixed' ? (k === k2 ? 1 / s.B : 0) : 1 / s.N;
  };
  const GG = outer(Gbar, Gbar);
  const mean = new Float64Array(P);
  const second = new Float64Array(P * P);
  let trainLinear = 0, gapLinear = 0;
  for (let t = 0; t < T; t++) {
    const at = matvec(P, a[t]!, Gbar);
    for (let i = 0; i < P; i++) mean[i]! -= eta * at[i]!;
    trainLinear -= eta * trProd(P, a[t]!, GG.map((x, k) => x + C[k]! / s.N));
    gapLinear += (eta * trProd(P, a[t]!, C)) / s.N;
    for (let u = 0; u < T; u++) {
      const m = matmul(P, matmul(P, a[t]!, GG.map((x, k) => x + omega(t, u) * C[k]!)), a[u]!);
      for (let k = 0; k < P * P; k++) second[k]! += eta * eta * m[k]!;
    }
  }
  const quad = 0.5 * trProd(P, H, second);
  return { test: d.l + dot(Gbar, mean) + quad, train: d.l + trainLinear + quad, gap: gapLinear };
}

test('every schedule at large η equals its second-moment form (shuffle-sensitive: E|B_t ∩ B_s| across epochs)', () => {
  for (const { name, q } of landscapes) {
    const d = direct(q);
    const schedules = [
      ...[1, 2, 3].flatMap((E) => (['fixed', 'reshuffle'] as const).flatMap((shuffle) => [sgd({ N: 2, B: 1, E, shuffle }), sgd({ N: 4, B: 2, E, shuffle })])),
      sgd({ N: 3, B: 1, E: 2, shuffle: 'reshuffle' }),
      gd({ N: 2, T: 3 }),
    ];
    for (const s of schedules) for (const eta of [0.3, 0.5]) {
      const o = linearSgdExpectation(q, s, eta);
      const f = secondMomentForm(d, s, eta);
      const where = `${name}, ${describeSchedule(s)}, η = ${eta}`;
      for (const k of ['test', 'train', 'gap'] as const) close(o[k], f[k], `${where} ${k}`, 1e-11);
    }
  }
  // The shuffle is visible: reshuffle and fixed differ by more than rounding.
  const q = landscapes[0]!.q;
  const fixed = linearSgdExpectation(q, sgd({ N: 2, B: 1, E: 3, shuffle: 'fixed' }), 0.5).test;
  const re = linearSgdExpectation(q, sgd({ N: 2, B: 1, E: 3, shuffle: 'reshuffle' }), 0.5).test;
  assert.ok(Math.abs(fixed - re) > 1e-6 * Math.abs(fixed), `fixed ${fixed} vs reshuffle ${re}`);
});

test('the float64 run equals the exact polynomial in η (series to degree 2T) evaluated at η', () => {
  const q = landscapes[1]!.q;
  for (const s of [gd({ N: 2, T: 3 }), sgd({ N: 2, B: 1, E: 2, shuffle: 'reshuffle' }), sgd({ N: 3, B: 1, E: 1, shuffle: 'fixed' })]) {
    const series = linearSgdSeries(q, s, 2 * s.T);
    for (const eta of [0.03, 0.1]) {
      const o = linearSgdExpectation(q, s, eta);
      const at = (c: Float64Array) => c.reduceRight((acc, x) => acc * eta + x, 0);
      for (const k of ['test', 'train', 'gap'] as const) close(o[k], at(series[k]), `${describeSchedule(s)} η=${eta} ${k}`, 1e-12);
      for (let i = 0; i < q.P; i++) close(o.displacement[i]!, at(series.displacement[i]!), `${describeSchedule(s)} η=${eta} θ_${i}`, 1e-12);
    }
  }
});

// ---- Taylor coefficients against predict's plain series ----

/**
 * uvalue(D) (docs/theory.md §2) on the quadratic landscape, exactly over the atoms: each part an
 * independent atom x; a node with k incident edges is ∇^k l_x at θ₀ — l₀ + offset_x, G + ξ_x, H,
 * then 0 — and a non-root node sends its parent ∇^k l_x[u_children…, ·].
 */
function uvalue(q: QuadraticLandscape, d: Diagram): number {
  const { P, G, H, noise } = q;
  const A = noise.weights.length;
  const nParts = d.parts.length;
  let total = 0;
  for (let code = 0; code < A ** nParts; code++) {
    const atom: number[] = [];
    let c = code;
    let w = 1;
    for (let k = 0; k < nParts; k++) {
      atom.push(c % A);
      c = Math.floor(c / A);
      w *= noise.weights[atom[k]!]!;
    }
    const g = (v: number) => Float64Array.from(G, (x, i) => x + noise.xi[atom[d.part[v]!]!]![i]!);
    const send = (v: number): Float64Array => {
      const us = d.children[v]!.map(send);
      if (us.length === 0) return g(v);
      if (us.length === 1) return matvec(P, H, us[0]!);
      return new Float64Array(P);
    };
    const us = d.children[0]!.map(send);
    const root =
      us.length === 0 ? (q.l0 ?? 0) + (noise.offsets?.[atom[d.part[0]!]!] ?? 0) : us.length === 1 ? dot(g(0), us[0]!) : us.length === 2 ? dot(us[0]!, matvec(P, H, us[1]!)) : 0;
    total += w * root;
  }
  return total;
}

test('uvalue spot checks: G·G, GHG, H:E[gg], E[g·g] from G, H and ξ directly', () => {
  const q = landscapes[1]!.q;
  const d = direct(q);
  const byKey = (k: string) => [...diagrams(1, 'train'), ...diagrams(2, 'train')].find((x) => x.key === k)!;
  const Egg = outer(d.Gbar, d.Gbar).map((x, k) => x + d.C[k]!);
  close(uvalue(q, byKey('(01)(0-1)')), dot(d.Gbar, d.Gbar), 'G·G');
  close(uvalue(q, byKey('(01-02)(0-1-2)')), dot(d.Gbar, matvec(d.P, d.H, d.Gbar)), 'GHG');
  close(uvalue(q, byKey('(01-02)(0-12)')), trProd(d.P, d.H, Egg), 'H:E[gg]');
  close(uvalue(q, byKey('(01)(01)')), Array.from({ length: d.P }, (_, i) => Egg[i * d.P + i]!).reduce((a, b) => a + b, 0), 'E[g·g]');
});

test("small-η Taylor coefficients c_0…c_4 equal predict's plain series at orders 1–4 (test, train, gap)", () => {
  const D = 4;
  for (const { name, q } of landscapes.slice(0, 3)) {
    const values: Record<string, number> = {};
    for (let k = 0; k <= D; k++) for (const dg of diagrams(k, 'train')) values[dg.key] = uvalue(q, dg);
    const stats = parseStats({ values }); // once, not in each of the 72 predict calls below
    const schedules = [
      sgd({ N: 2, B: 1, E: 1 }),
      sgd({ N: 2, B: 1, E: 3, shuffle: 'reshuffle' }),
      sgd({ N: 3, B: 1, E: 2, shuffle: 'fixed' }),
      sgd({ N: 4, B: 2, E: 2, shuffle: 'reshuffle' }),
      sgd({ N: 4, B: 2, E: 3, shuffle: 'fixed' }),
      gd({ N: 3, T: 4 }),
    ];
    for (const s of schedules) {
      const series = linearSgdSeries(q, s, D);
      for (const quantity of ['test', 'train', 'gap'] as const) for (let order = 1; order <= D; order++) {
        const p = predict({ stats, schedule: s, order, quantity });
        for (let i = 0; i <= order; i++) {
          const scale = quantity === 'gap' ? Math.max(Math.abs(series.test[i]!), Math.abs(series.train[i]!)) : 0;
          close(series[quantity][i]!, p.coefficients[i]!, `${name}, ${describeSchedule(s)} ${quantity} order ${order} c_${i}`, 1e-10, scale);
        }
      }
    }
  }
});

test('the oracle refuses what it cannot enumerate or would get wrong', () => {
  const q = landscapes[0]!.q;
  assert.throws(() => linearSgdExpectation(q, sgd({ N: 8, B: 1, E: 3, shuffle: 'reshuffle' }), 0.1), /too large to enumerate/);
  assert.throws(() => linearSgdExpectation({ ...q, H: Float64Array.of(1, 0.5, 0.2, 1) }, gd({ N: 1, T: 1 }), 0.1), /symmetric/);
  assert.throws(() => linearSgdExpectation(q, gd({ N: 1, T: 1 }), 0.1, { coordinate: 2 }), /coordinate/);
});
