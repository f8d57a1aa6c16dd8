/**
 * @file Claims about `measureTensors` (tensors.ts): exact tensors of GAUSS at h = 0 are the
 * hand-computed values of docs/theory.md §5; the dense per-sample tensors equal analytic
 * derivatives (random polynomials) and finite differences (ARCHIMEDES off its valley); moments
 * and cumulants, and every jackknife replicate, equal `tensorsFromSamples` built independently;
 * sampled estimates are unbiased within their jackknife errors, the errors are calibrated, and
 * runs are deterministic in the seed; bad input is refused, naming the option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { InputError, split } from '../core/index.ts';
import { mul, reshape, square, sum } from '../engine/index.ts';
import { defineLandscape, resolveLandscape, type Landscape } from '../landscapes/index.ts';
import { tensorsFromSamples, type LandscapeTensors } from '../theory/index.ts';
import { exponents } from '../testing/index.ts';
import { exactFactorLimit, jackknifed, measureTensors, perSampleTensors, SAMPLE_CHUNK, TENSOR_MAX_P } from './index.ts';

const POLY = fileURLToPath(new URL('../testing/polynomial.ts', import.meta.url));

/** max |a − b| / max(1, |b|) over the entries. */
function relErr(a: ArrayLike<number> | null, b: ArrayLike<number> | null): number {
  assert.ok(a && b, 'both tensors present');
  assert.equal(a.length, b.length, 'same size');
  let e = 0;
  for (let i = 0; i < b.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return e;
}

/**
 * ∇^k of l_c(θ) = Σ_m c_m θ^{e_m} at θ, by the power rule (no engine): the entry at (i₁ … i_k)
 * with n_j copies of j is Σ_m c_m Π_j e_{m,j}!/(e_{m,j} − n_j)! θ_j^{e_{m,j} − n_j}.
 */
function polyDerivative(c: ArrayLike<number>, mons: number[][], theta: Float64Array, k: number): Float64Array {
  const P = theta.length, out = new Float64Array(P ** k);
  for (let flat = 0; flat < out.length; flat++) {
    const n = new Array<number>(P).fill(0);
    for (let s = 0, r = flat; s < k; s++, r = Math.floor(r / P)) n[r % P]!++;
    let v = 0;
    mons.forEach((e, m) => {
      let t = c[m]!;
      for (let j = 0; j < P && t !== 0; j++) {
        if (n[j]! > e[j]!) t = 0;
        else {
          for (let q = 0; q < n[j]!; q++) t *= e[j]! - q;
          t *= theta[j]! ** (e[j]! - n[j]!);
        }
      }
      v += t;
    });
    out[flat] = v;
  }
  return out;
}

/** Analytic derivs[k][s] of a polynomial landscape's samples (the coefficient field `c`, K per sample). */
function polyDerivs(cs: Float64Array, K: number, mons: number[][], theta: Float64Array, degree: number): Float64Array[][] {
  const n = cs.length / K;
  return Array.from({ length: degree + 1 }, (_, k) => Array.from({ length: n }, (_, s) => polyDerivative(cs.subarray(s * K, (s + 1) * K), mons, theta, k)));
}

/** Degree lists through 4 nodes and total degree ≤ 4 (plus a few loss factors). */
const DEGREE_LISTS = [[0], [1], [2], [3], [4], [0, 1], [0, 0, 2], [1, 1], [2, 1], [1, 2], [1, 3], [2, 2], [1, 1, 1], [2, 1, 1], [1, 2, 1], [1, 1, 1, 1], [0, 1, 1, 1]];

function sameTensors(got: LandscapeTensors, want: LandscapeTensors, tol: number, what: string): void {
  for (const ds of DEGREE_LISTS) {
    if (Math.max(...ds) > want.maxDegree) continue;
    const em = relErr(got.moment(ds), want.moment(ds)), ec = relErr(got.cumulant(ds), want.cumulant(ds));
    assert.ok(em <= tol && ec <= tol, `${what} [${ds}]: moment ${em.toExponential(1)}, cumulant ${ec.toExponential(1)}`);
  }
}

test('GAUSS at h = 0, exact over its 8-node quadrature: G = 0, H = ½, C = ½, J = −½, κ(g,g,g) = −1, E[H_x g_x g_x] = 5/4 to 1e-12', async () => {
  // 8 nodes integrate polynomials in x of degree ≤ 15; every derivative is of degree 2 in x, so
  // these (≤ 3 factors, degree ≤ 6) are exact up to rounding.
  const m = await measureTensors({ landscape: await resolveLandscape('gauss'), degree: 4, exact: true });
  assert.equal(m.exact, true);
  assert.equal(m.atoms, 8);
  assert.equal(m.samples, 0);
  assert.deepEqual(m.jackknife, []);
  assert.deepEqual(Array.from(m.theta0), [0]);
  assert.deepEqual(m.coordinates, { h: 0 });
  assert.equal(m.landscape.spec, 'gauss:h0=0');
  const t = m.tensors;
  const want: [string, Float64Array | null, number][] = [
    ['G', t.cumulant([1]), 0], ['H', t.cumulant([2]), 0.5], ['C = κ(g,g)', t.cumulant([1, 1]), 0.5], ['J', t.cumulant([3]), -0.5],
    ['κ(g,g,g)', t.cumulant([1, 1, 1]), -1], ['E[H g g]', t.moment([2, 1, 1]), 1.25], ['∇⁴ mean', t.cumulant([4]), 0.5],
    ['l(0) = ½E x²', t.moment([0]), 0.5],
  ];
  for (const [name, v, x] of want) assert.ok(Math.abs(v![0]! - x) <= 1e-12, `${name}: ${v![0]}, expected ${x}`);
  // jackknifed on exact tensors: the value, and standard errors 0.
  assert.deepEqual(jackknifed(m, (u) => [u.cumulant([2])![0]!]).stderr, [0]);
  // The atoms are stated exact for diagram values up to order 6: moments of ≤ 7 factors.
  assert.equal(exactFactorLimit((await resolveLandscape('gauss')).exact.atoms!.exactFor), 7);
  assert.equal(m.maxFactors, 7);
  // E[g⁷] = 2⁻⁷ Σ_j C(7, j)(−1)^j E x^{2j}, E x^{2j} = (2j − 1)!!: degree 14 ≤ 15, still exact.
  let g7 = 0;
  for (let j = 0, c = 1, dfact = 1; j <= 7; j++, c = (c * (8 - j)) / j, dfact *= 2 * j - 1) g7 += (j % 2 ? -1 : 1) * c * dfact;
  g7 /= 128;
  assert.ok(Math.abs(t.moment([1, 1, 1, 1, 1, 1, 1])![0]! - g7) <= 1e-12 * Math.abs(g7), `E g⁷ = ${t.moment([1, 1, 1, 1, 1, 1, 1])![0]}, expected ${g7}`);
  assert.throws(() => t.moment([1, 1, 1, 1, 1, 1, 1, 1]), (e: unknown) => e instanceof InputError && /8 factors.*at most 7 factors.*`samples`/.test(e.message));
});

test('ARCHIMEDES and MEAN ESTIMATION, exact: the closed forms at θ₀ (tr C = 1 with G = 0; G = Hw, Hessian H, C = S²)', async () => {
  const a = (await measureTensors({ landscape: await resolveLandscape('archimedes'), degree: 3, exact: true })).tensors;
  assert.ok(relErr(a.cumulant([1]), new Float64Array(3)) <= 1e-15);
  // g_x = x·(cos(−π/4), sin(−π/4), 0): C = ½[[1, −1, 0], [−1, 1, 0], [0, 0, 0]]; the Hessian of ½H at 0 is diag(2, 1, 0).
  assert.ok(relErr(a.cumulant([1, 1]), Float64Array.of(0.5, -0.5, 0, -0.5, 0.5, 0, 0, 0, 0)) <= 1e-14);
  assert.ok(relErr(a.cumulant([2]), Float64Array.of(2, 0, 0, 0, 1, 0, 0, 0, 0)) <= 1e-14);
  const me = (await measureTensors({ landscape: await resolveLandscape('mean-estimation:H=2,S=3,w0=0.5'), degree: 2, exact: true })).tensors;
  assert.ok(Math.abs(me.cumulant([1])![0]! - 1) <= 1e-14 && Math.abs(me.cumulant([2])![0]! - 2) <= 1e-14 && Math.abs(me.cumulant([1, 1])![0]! - 9) <= 1e-13);
  assert.ok(Math.abs(me.cumulant([2, 1])![0]!) <= 1e-14, 'a constant Hessian has no covariance with g');
});

test('dense per-sample tensors equal the analytic derivatives of random polynomials (P = 1, 2, 3; degree 4) to 1e-12', async () => {
  for (const [P, seed] of [[1, 4], [2, 5], [3, 6]] as const) {
    const land = await resolveLandscape(`${POLY}:P=${P},seed=${seed},degree=4,atoms=3`);
    const mons = exponents(P, 4);
    const theta = land.init(0);
    const batch = land.atoms!().batch();
    const got = perSampleTensors(land.program(), theta, batch, 3, 4);
    const want = polyDerivs(batch.c!, mons.length, mons, theta, 4);
    for (let k = 0; k <= 4; k++) for (let s = 0; s < 3; s++) {
      const e = relErr(got[k]![s]!, want[k]![s]!);
      assert.ok(e <= 1e-12, `P = ${P}, ∇^${k} of atom ${s}: ${e}`);
    }
  }
});

test('dense tensors equal central differences of the next lower ones (ARCHIMEDES off its valley, degrees 2–4) to 1e-7', async () => {
  const land = await resolveLandscape('archimedes');
  const program = land.program();
  const theta = Float64Array.of(0.3, -0.7, 1.1);
  const batch = { x: Float64Array.of(-1.3, 0.4, 2.2) };
  const at = (t: Float64Array) => perSampleTensors(program, t, batch, 3, 4);
  const T = at(theta);
  const h = 1e-4, P = 3;
  for (let j = 0; j < P; j++) {
    const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
    tp[j]! += h;
    tm[j]! -= h;
    const Tp = at(tp), Tm = at(tm);
    for (let k = 1; k <= 4; k++) for (let s = 0; s < 3; s++) {
      // ∇^k[…, j] (last index j, by symmetry any index) ≈ (∇^{k−1}(θ + h e_j) − ∇^{k−1}(θ − h e_j)) / 2h
      const lo = Tp[k - 1]![s]!.length;
      const fd = new Float64Array(lo), exact = new Float64Array(lo);
      for (let i = 0; i < lo; i++) {
        fd[i] = (Tp[k - 1]![s]![i]! - Tm[k - 1]![s]![i]!) / (2 * h);
        exact[i] = T[k]![s]![i * P + j]!;
      }
      const e = relErr(fd, exact);
      assert.ok(e <= 1e-7, `∇^${k}, direction ${j}, sample ${s}: ${e}`);
    }
  }
  // exactly symmetric: every permutation of an index tuple reads the same number
  const T4 = T[4]![1]!;
  for (let flat = 0; flat < P ** 4; flat++) {
    const d = [Math.floor(flat / 27) % 3, Math.floor(flat / 9) % 3, Math.floor(flat / 3) % 3, flat % 3];
    const r = [d[3]!, d[1]!, d[0]!, d[2]!];
    assert.equal(T4[flat], T4[((r[0]! * 3 + r[1]!) * 3 + r[2]!) * 3 + r[3]!]);
  }
});

test('exact moments and cumulants of a random polynomial equal tensorsFromSamples over its analytic atom derivatives (P = 3, degree 4) to 1e-12', async () => {
  const land = await resolveLandscape(`${POLY}:P=3,seed=8,degree=4,atoms=4`);
  const mons = exponents(3, 4);
  const m = await measureTensors({ landscape: land, degree: 4, exact: true, initSeed: 3 });
  const a = land.atoms!();
  const want = tensorsFromSamples({ P: 3, maxDegree: 4, exact: true, weights: a.weights, derivs: polyDerivs(a.batch().c!, mons.length, mons, land.init(3), 4) });
  sameTensors(m.tensors, want, 1e-12, 'exact');
  // "every expectation (a finite distribution)": no factor limit.
  assert.equal(exactFactorLimit(land.exact.atoms!.exactFor), Infinity);
  assert.equal(m.maxFactors, Infinity);
});

test('samples mode: the estimate and each leave-one-group-out replicate equal tensorsFromSamples with the matching weights (S = 600 across 3 streams, 7 uneven groups)', async () => {
  const P = 2, S = 600, G = 7, seed = 11;
  const land = await resolveLandscape(`${POLY}:P=${P},seed=9,degree=3,atoms=5`);
  const mons = exponents(P, 3);
  const m = await measureTensors({ landscape: land, degree: 3, samples: S, seed, groups: G });
  assert.equal(m.exact, false);
  assert.equal(m.samples, S);
  assert.equal(m.jackknife.length, G);
  assert.equal(m.landscape.seed, seed);
  // The same samples, drawn independently: stream c gives samples c·SAMPLE_CHUNK … .
  const cs: number[] = [];
  for (let c = 0; c * SAMPLE_CHUNK < S; c++) cs.push(...land.sample(split(seed, c), Math.min(SAMPLE_CHUNK, S - c * SAMPLE_CHUNK)).c!);
  const derivs = polyDerivs(Float64Array.from(cs), mons.length, mons, land.init(0), 3);
  sameTensors(m.tensors, tensorsFromSamples({ P, maxDegree: 3, exact: false, weights: new Float64Array(S).fill(1 / S), derivs }), 1e-12, 'all samples');
  for (let g = 0; g < G; g++) {
    const lo = Math.floor((g * S) / G), hi = Math.floor(((g + 1) * S) / G);
    const w = new Float64Array(S).fill(1 / (S - (hi - lo))).fill(0, lo, hi);
    sameTensors(m.jackknife[g]!, tensorsFromSamples({ P, maxDegree: 3, exact: false, weights: w, derivs }), 1e-12, `without group ${g}`);
  }
});

test('samples mode on GAUSS (S = 20,000, seed 1): H, C, J and κ(g,g,g) within 3 jackknife standard errors of the exact values; identical for the same seed', async () => {
  const gauss = await resolveLandscape('gauss');
  const f = (t: LandscapeTensors) => [t.cumulant([2])![0]!, t.cumulant([1, 1])![0]!, t.cumulant([3])![0]!, t.cumulant([1, 1, 1])![0]!];
  const exact = [0.5, 0.5, -0.5, -1];
  const t0 = performance.now();
  const m = await measureTensors({ landscape: gauss, degree: 3, samples: 20_000, seed: 1 });
  const r = jackknifed(m, f);
  console.log(`  20,000 samples, degree 3: ${((performance.now() - t0) / 1000).toFixed(2)} s; z = ${r.value.map((v, i) => ((v - exact[i]!) / r.stderr[i]!).toFixed(2)).join(', ')} (H, C, J, κ₃)`);
  r.value.forEach((v, i) => {
    assert.ok(r.stderr[i]! > 0 && r.stderr[i]! < 0.1, `stderr ${i}: ${r.stderr[i]}`);
    assert.ok(Math.abs(v - exact[i]!) <= 3 * r.stderr[i]!, `${i}: ${v} ± ${r.stderr[i]}, exact ${exact[i]}`);
  });
  // The same seed, by reference rather than a resolved landscape, with progress reported per stream of samples.
  const progress: [number, number][] = [];
  const again = jackknifed(await measureTensors({ landscape: { spec: 'gauss' }, degree: 3, samples: 20_000, seed: 1, onProgress: (d, t) => progress.push([d, t]) }), f);
  assert.deepEqual(again, r, 'the same seed gives the same numbers');
  assert.deepEqual(progress[0], [0, 20_000]);
  assert.deepEqual(progress.at(-1), [20_000, 20_000]);
  assert.equal(progress.length, 1 + Math.ceil(20_000 / SAMPLE_CHUNK));
  const other = jackknifed(await measureTensors({ landscape: gauss, degree: 3, samples: 20_000, seed: 2 }), f);
  assert.notDeepEqual(other.value, r.value, 'another seed, other samples');
});

test('jackknife standard errors are calibrated: over 200 seeds of GAUSS (S = 2,000, 20 groups) H and C fall within 2 SE of the exact values in 90–98% of runs', async () => {
  // With 20 groups the SE has 19 degrees of freedom: P(|t₁₉| ≤ 2) ≈ 94%. 200 runs give a
  // binomial standard error of ≈ 1.7 points per key; the band is about ±2.5 of them.
  const gauss = await resolveLandscape('gauss');
  const runs = 200;
  const hits = [0, 0];
  const t0 = performance.now();
  for (let seed = 0; seed < runs; seed++) {
    const r = jackknifed(await measureTensors({ landscape: gauss, degree: 2, samples: 2_000, seed }), (t) => [t.cumulant([2])![0]!, t.cumulant([1, 1])![0]!]);
    r.value.forEach((v, i) => void (Math.abs(v - 0.5) <= 2 * r.stderr[i]! && hits[i]!++));
  }
  const frac = hits.map((h) => h / runs);
  console.log(`  coverage of ±2 SE over ${runs} seeds: H ${(100 * frac[0]!).toFixed(1)}%, C ${(100 * frac[1]!).toFixed(1)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  for (const f of frac) assert.ok(f >= 0.9 && f <= 0.98, `coverage ${f}`);
});

test('bad input is refused, naming the option: degree out of range, P beyond the degree\'s limit, exact without atoms or with too many, both or neither mode, fewer samples than groups', async () => {
  const gauss = await resolveLandscape('gauss');
  const refused = async (o: Parameters<typeof measureTensors>[0], option: string, re: RegExp) => {
    await assert.rejects(measureTensors(o), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.option, option, e.message);
      assert.match(e.message, re);
      return true;
    });
  };
  for (const degree of [5, -1, 1.5, NaN]) await refused({ landscape: gauss, degree, exact: true }, 'degree', /`degree` must be an integer from 0 to 4/);
  // P = 13 at degree 4 (limit 12), P = 31 at degree 3 (limit 30); degree 2 of P = 13 is fine.
  assert.deepEqual(TENSOR_MAX_P.slice(2), [2000, 30, 12]);
  const p13 = await resolveLandscape(`${POLY}:P=13,degree=2,atoms=2`);
  await refused({ landscape: p13, degree: 4, exact: true }, 'degree', /`degree` 4 .*P ≤ 12 at degree 4, and this landscape has P = 13/);
  await refused({ landscape: await resolveLandscape(`${POLY}:P=31,degree=1,atoms=2`), degree: 3, samples: 100 }, 'degree', /P ≤ 30 at degree 3, and this landscape has P = 31/);
  assert.equal((await measureTensors({ landscape: p13, degree: 2, exact: true })).tensors.cumulant([2])!.length, 169);
  // No atoms.
  const sampled: Landscape = await defineLandscape({
    name: 'sampled-line', P: 1, data: { x: [] }, loss: (t, { x }) => mul(reshape(t, []), x!), init: [0],
    sample: (r, n) => ({ x: r.normals(new Float64Array(n)) }),
  }).create({}, { spec: 'sampled-line' });
  await refused({ landscape: sampled, degree: 2, exact: true }, 'exact', /`exact` needs weighted atoms, and sampled-line has none.*`samples`/);
  assert.equal((await measureTensors({ landscape: sampled, degree: 2, samples: 40 })).samples, 40);
  // Too many atoms for the stored tensors: 10 atoms × (1 + 2,000 + 2,000²) numbers > 2^25.
  const wide: Landscape = await defineLandscape({
    name: 'wide', P: 2000, data: { x: [] }, loss: (t, { x }) => mul(sum(square(t)), x!), init: new Float64Array(2000),
    atoms: { values: { x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } },
  }).create({}, { spec: 'wide' });
  await refused({ landscape: wide, degree: 2, exact: true }, 'exact', /10 atoms × 4002001 per atom.*8 atoms\).*`samples`/);
  await refused({ landscape: wide, degree: 2, samples: 20 }, 'samples', /at most 8 samples fit/);
  // Modes.
  await assert.rejects(measureTensors({ landscape: gauss, degree: 2 }), /give exactly one of `exact` and `samples`/);
  await assert.rejects(measureTensors({ landscape: gauss, degree: 2, exact: true, samples: 10 }), /give exactly one of `exact` and `samples`/);
  await refused({ landscape: gauss, degree: 2, samples: 10 }, 'samples', /`samples` must be an integer ≥ 20 \(one sample per jackknife group at least, `groups` = 20\)/);
  await refused({ landscape: gauss, degree: 2, samples: 100, groups: 1 }, 'groups', /`groups` must be an integer ≥ 2/);
  await refused({ landscape: gauss, degree: 2, samples: 100, seed: -1 }, 'seed', /`seed` must be a non-negative integer/);
  // Degree lists outside what was measured.
  const m = await measureTensors({ landscape: gauss, degree: 2, samples: 40, groups: 4 });
  assert.throws(() => m.tensors.cumulant([3]), /degree 3 outside 0…2/);
  assert.throws(() => m.jackknife[0]!.moment([]), /degrees must be a non-empty list/);
});
