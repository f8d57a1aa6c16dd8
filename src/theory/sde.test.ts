/**
 * @file The SDE's η-series (`sdeSeriesTerms`) equals an independent brute-force expansion of its
 * generator, to 1e-10 relative.
 *
 * The reference knows nothing of diagrams: on a few weighted atoms with random polynomial losses
 * l_x(θ) (P = 1, 2), G(θ) = Σ_x p_x ∇l_x and C(θ) = Σ_x p_x ∇l_x∇l_xᵀ − GGᵀ are polynomials, and
 * E[s(θ_T)] = Σ_k (T^k/k!) L^k s(θ₀) with L = −η G·∇ + (η²/2B) C:∇∇ is computed by applying L to
 * polynomials, collected by powers of η (L^k s holds η^k … η^{2k}, so order d needs k ≤ d). The
 * diagram values are exact over the atoms, from docs/theory.md §2's recursion, as in
 * exactness.test.ts. Also docs/theory.md §8's hand checks against one-epoch batch-1 SGD at G = 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagram, diagrams, rationals, type Diagram } from '../diagrams/index.ts';
import { describeSeriesSchedule, InputError, isSdeSchedule, sdeSchedule, sgd, type SdeSchedule } from '../core/index.ts';
import { exponents, uniformStream } from '../testing/index.ts';
import { predict, seriesTerms, type StatsFile } from './index.ts';
import { sdeCumulantTerms, sdeSeriesTerms, type SdeQuantity } from './sde.ts';

// ---- polynomials in θ ∈ R^P: exponent key → coefficient ----
type Poly = Map<string, number>;
const keyOf = (e: readonly number[]) => e.join(',');
const expOf = (k: string) => k.split(',').map(Number);

function padd(a: Poly, b: Poly, s = 1): Poly {
  const r = new Map(a);
  for (const [k, c] of b) r.set(k, (r.get(k) ?? 0) + s * c);
  return r;
}
function pmul(a: Poly, b: Poly): Poly {
  const r: Poly = new Map();
  for (const [ka, ca] of a) {
    const ea = expOf(ka);
    for (const [kb, cb] of b) {
      const k = keyOf(expOf(kb).map((x, i) => x + ea[i]!));
      r.set(k, (r.get(k) ?? 0) + ca * cb);
    }
  }
  return r;
}
function pscale(a: Poly, s: number): Poly {
  return new Map([...a].map(([k, c]) => [k, s * c]));
}
function pder(a: Poly, j: number): Poly {
  const r: Poly = new Map();
  for (const [k, c] of a) {
    const e = expOf(k);
    if (e[j]! === 0) continue;
    const m = e[j]!;
    e[j] = m - 1;
    const kk = keyOf(e);
    r.set(kk, (r.get(kk) ?? 0) + c * m);
  }
  return r;
}
function peval(a: Poly, x: readonly number[]): number {
  let s = 0;
  for (const [k, c] of a) s += c * expOf(k).reduce((p, e, i) => p * x[i]! ** e, 1);
  return s;
}

interface Landscape {
  P: number;
  probs: number[];
  loss: Poly[];
  theta0: number[];
}

/** Random polynomial losses on `atoms` atoms; `flat`: shift the linear terms so that G(θ₀) = 0. */
function randomLandscape(seed: number, P: number, atoms: number, maxDeg: number, flat = false): Landscape {
  const r = uniformStream(seed);
  const raw = Array.from({ length: atoms }, (_, i) => 1 + i + r());
  const total = raw.reduce((a, b) => a + b, 0);
  const probs = raw.map((x) => x / total);
  let loss: Poly[] = Array.from({ length: atoms }, () => new Map(exponents(P, maxDeg).map((e) => [keyOf(e), 2 * r() - 1] as const)));
  const theta0 = Array.from({ length: P }, () => r() - 0.5);
  if (flat) {
    const G = Array.from({ length: P }, (_, j) => loss.reduce((s, l, x) => s + probs[x]! * peval(pder(l, j), theta0), 0));
    loss = loss.map((l) => padd(l, new Map(G.map((g, j) => [keyOf(Array.from({ length: P }, (_, i) => (i === j ? 1 : 0))), -g] as const))));
  }
  return { P, probs, loss, theta0 };
}

const population = (L: Landscape): Poly => L.loss.reduce((s, l, x) => padd(s, pscale(l, L.probs[x]!)), new Map() as Poly);

/** c_0 … c_D of E[s(θ_T)] under the SDE, by L^k on polynomials. */
function bruteForce(L: Landscape, s: Poly, sch: SdeSchedule, D: number): number[] {
  const { P } = L;
  const grads = L.loss.map((l) => Array.from({ length: P }, (_, j) => pder(l, j)));
  const G = Array.from({ length: P }, (_, j) => grads.reduce((acc, g, x) => padd(acc, pscale(g[j]!, L.probs[x]!)), new Map() as Poly));
  const C = Array.from({ length: P }, (_, a) =>
    Array.from({ length: P }, (_, b) => padd(grads.reduce((acc, g, x) => padd(acc, pscale(pmul(g[a]!, g[b]!), L.probs[x]!)), new Map() as Poly), pmul(G[a]!, G[b]!), -1)),
  );
  const drift = (f: Poly) => G.reduce((acc, g, j) => padd(acc, pmul(g, pder(f, j))), new Map() as Poly); // G·∇f
  const diffusion = (f: Poly) => {
    let acc: Poly = new Map();
    for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) acc = padd(acc, pmul(C[a]![b]!, pder(pder(f, a), b)));
    return pscale(acc, 1 / (2 * sch.B)); // (1/2B) C:∇∇f
  };
  // F[k][n]: the part of L^k s/η^{k+n} with n diffusion factors (k − n drifts), signs included.
  const c = new Array<number>(D + 1).fill(0);
  let F: Poly[] = [s];
  let fact = 1;
  for (let k = 0; k <= D; k++) {
    if (k > 0) fact *= k;
    F.forEach((f, n) => {
      if (k + n <= D) c[k + n]! += (sch.T ** k / fact) * peval(f, L.theta0);
    });
    const next: Poly[] = [];
    for (let n = 0; n <= k + 1 && k + 1 + n <= D; n++) {
      let f: Poly = new Map();
      if (n <= k) f = padd(f, drift(F[n]!), -1);
      if (n >= 1) f = padd(f, diffusion(F[n - 1]!));
      next.push(f);
    }
    F = next;
  }
  return c;
}

// ---- exact diagram values over the atoms (docs/theory.md §2 recursion) ----
function tensorsOf(L: Landscape, maxK: number): number[][][] {
  return L.loss.map((poly) => {
    const out: number[][] = [];
    for (let k = 0; k <= maxK; k++) {
      const t = new Array<number>(L.P ** k).fill(0);
      for (let idx = 0; idx < t.length; idx++) {
        let q = poly;
        let r = idx;
        for (let s = 0; s < k; s++) {
          q = pder(q, r % L.P);
          r = Math.floor(r / L.P);
        }
        t[idx] = peval(q, L.theta0);
      }
      out.push(t);
    }
    return out;
  });
}

/** uvalue(D); with `coordinate` the root carries e_i (it must have one child) instead of l. */
function uvalue(L: Landscape, tensors: number[][][], d: Diagram, coordinate?: number): number {
  const nParts = d.parts.length;
  const A = L.probs.length;
  let total = 0;
  for (let code = 0; code < A ** nParts; code++) {
    const atom: number[] = [];
    let c = code;
    let w = 1;
    for (let q = 0; q < nParts; q++) {
      atom.push(c % A);
      c = Math.floor(c / A);
      w *= L.probs[atom[q]!]!;
    }
    const send = (v: number, open: boolean): number[] => {
      const us = d.children[v]!.map((ch) => send(ch, true));
      const k = us.length + (open ? 1 : 0);
      const t = tensors[atom[d.part[v]!]!]![k]!;
      const out = new Array<number>(open ? L.P : 1).fill(0);
      for (let idx = 0; idx < t.length; idx++) {
        let r = idx;
        let prod = t[idx]!;
        for (const u of us) {
          prod *= u[r % L.P]!;
          r = Math.floor(r / L.P);
        }
        out[open ? r : 0]! += prod;
      }
      return out;
    };
    if (coordinate === undefined) total += w * send(0, false)[0]!;
    else {
      assert.equal(d.children[0]!.length, 1, `${d.key}: a coordinate's root has one child`);
      total += w * send(d.children[0]![0]!, true)[coordinate]!;
    }
  }
  return total;
}

function seriesOf(L: Landscape, tensors: number[][][], sch: SdeSchedule, D: number, q: SdeQuantity): number[] {
  const c = new Array<number>(D + 1).fill(0);
  for (const t of sdeSeriesTerms(sch, D, q)) {
    c[t.diagram.order]! += rationals.toNumber(t.multiplier) * uvalue(L, tensors, t.diagram, q === 'test' ? undefined : q.coordinate);
  }
  return c;
}

const TOL = 1e-10;
function close(actual: number, expected: number, what: string, scale = 0): void {
  const tol = TOL * Math.max(Math.abs(actual), Math.abs(expected), scale);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: series ${actual} vs brute force ${expected} (diff ${actual - expected})`);
}

const landscapes = [
  { name: '1-D, 3 atoms, degree 5', L: randomLandscape(11, 1, 3, 5), D: 4 },
  { name: '2-D, 3 atoms, degree 4', L: randomLandscape(22, 2, 3, 4), D: 4 },
  { name: '2-D, 2 atoms, degree 3', L: randomLandscape(7, 2, 2, 3), D: 4 },
];

for (const { name, L, D } of landscapes) {
  const tensors = tensorsOf(L, D + 1);
  test(`SDE series = Σ (T^k/k!) L^k s(θ₀) by polynomial arithmetic, orders 0–${D}, T = 1, 2, 5, B = 1, 2: test loss and every coordinate (${name})`, () => {
    let worst = 0;
    for (const T of [1, 2, 5]) {
      for (const B of [1, 2]) {
        const sch = sdeSchedule({ T, B });
        const observables: Array<{ q: SdeQuantity; s: Poly; what: string }> = [
          { q: 'test', s: population(L), what: 'test' },
          ...Array.from({ length: L.P }, (_, i) => ({
            q: { coordinate: i } as SdeQuantity,
            s: new Map([[keyOf(Array.from({ length: L.P }, (_, j) => (j === i ? 1 : 0))), 1]]) as Poly,
            what: `θ_${i}`,
          })),
        ];
        for (const { q, s, what } of observables) {
          const brute = bruteForce(L, s, sch, D);
          if (q !== 'test') brute[0]! -= L.theta0[q.coordinate]!; // the series predicts the displacement
          const c = seriesOf(L, tensors, sch, D, q);
          for (let d = 0; d <= D; d++) {
            close(c[d]!, brute[d]!, `${describeSeriesSchedule(sch)} ${what} c_${d}`);
            if (brute[d] !== 0) worst = Math.max(worst, Math.abs(c[d]! - brute[d]!) / Math.abs(brute[d]!));
          }
        }
      }
    }
    console.log(`  worst relative deviation ${worst.toExponential(2)}`);
  });
}

test('docs/theory.md §8 at G = 0: SDE and one-epoch batch-1 SGD both give (T/2)·C:H·η² at order 2; at η³ SGD − SDE = −(T/6)·S:J + (T/2)·tr(HHC)', () => {
  for (const [seed, P] of [[5, 1], [6, 2]] as const) {
    const L = randomLandscape(seed, P, 3, 4, true);
    const tensors = tensorsOf(L, 4);
    const ev = (key: string) => uvalue(L, tensors, diagram(key));
    const G2 = ev('(01)(0-1)');
    assert.ok(G2 < 1e-24, `G(θ₀) = 0 (|G|² = ${G2})`);
    const stats: StatsFile = { values: Object.fromEntries([0, 1, 2, 3].flatMap((k) => diagrams(k, 'train').map((d) => [d.key, uvalue(L, tensors, d)]))) };
    // cumulants from the atoms directly
    const { probs } = L;
    const g = tensors.map((t) => t[1]!);
    const H = Array.from({ length: P * P }, (_, i) => tensors.reduce((s, t, x) => s + probs[x]! * t[2]![i]!, 0));
    const J = Array.from({ length: P ** 3 }, (_, i) => tensors.reduce((s, t, x) => s + probs[x]! * t[3]![i]!, 0));
    const C = Array.from({ length: P * P }, (_, i) => g.reduce((s, gx, x) => s + probs[x]! * gx[i % P]! * gx[Math.floor(i / P)]!, 0));
    const S = Array.from({ length: P ** 3 }, (_, i) => g.reduce((s, gx, x) => s + probs[x]! * gx[i % P]! * gx[Math.floor(i / P) % P]! * gx[Math.floor(i / P / P)]!, 0));
    const CH = C.reduce((s, c, i) => s + c * H[i]!, 0);
    const SJ = S.reduce((s, v, i) => s + v * J[i]!, 0);
    let HHC = 0;
    for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) for (let c = 0; c < P; c++) HHC += H[a * P + b]! * H[b * P + c]! * C[c * P + a]!;
    for (const T of [1, 2, 5]) {
      const sde = bruteForce(L, population(L), sdeSchedule({ T }), 3);
      const series = seriesOf(L, tensors, sdeSchedule({ T }), 3, 'test');
      const sgdc = predict({ stats, schedule: sgd({ N: T, B: 1, E: 1 }), order: 3, quantity: 'test' }).coefficients;
      close(series[2]!, (T / 2) * CH, `P=${P} T=${T}: SDE series c_2 = (T/2)C:H`);
      close(sde[2]!, (T / 2) * CH, `P=${P} T=${T}: SDE brute force c_2 = (T/2)C:H`);
      close(sgdc[2]!, (T / 2) * CH, `P=${P} T=${T}: SGD c_2 = (T/2)C:H`);
      const want = -(T / 6) * SJ + (T / 2) * HHC;
      close(sgdc[3]! - sde[3]!, want, `P=${P} T=${T}: SGD − SDE at η³`, Math.abs(sgdc[3]!) + Math.abs(sde[3]!));
      console.log(`  P=${P} T=${T}: c_2 = ${series[2]!.toPrecision(6)} = (T/2)C:H; SGD − SDE c_3 = ${(sgdc[3]! - sde[3]!).toPrecision(6)} = −(T/6)S:J ${(-(T / 6) * SJ).toPrecision(4)} + (T/2)tr(HHC) ${((T / 2) * HHC).toPrecision(4)}`);
    }
  }
});

test('SGD − SDE per diagram: J:E[g⊗g⊗g] (the third cumulant S:J) carries −T/6 in one-epoch batch-1 SGD and 0 in the SDE, whose parts never exceed two nodes', () => {
  for (const T of [1, 3, 7]) {
    const key = diagram('(01-02-03)(0-123)').key;
    const sg = seriesTerms(sgd({ N: T, B: 1, E: 1 }), 3, 'test').find((t) => t.diagram.key === key);
    assert.ok(sg && rationals.equals(sg.multiplier, rationals.rational(-T, 6)), `SGD T=${T}: ${sg && rationals.toString(sg.multiplier)}`);
    for (const t of sdeSeriesTerms(sdeSchedule({ T }), 4, 'test')) assert.ok(t.diagram.parts.every((p, i) => i === 0 || p.length <= 2), t.diagram.key);
  }
});

test('SDE multipliers: exact rationals in T; hand values at orders 1–2; cumulant form has the continuous-time weights', () => {
  const m = (T: number, B: number, key: string) => {
    const k = diagram(key).key;
    const t = sdeSeriesTerms(sdeSchedule({ T, B }), 3, 'test').find((x) => x.diagram.key === k);
    return t ? rationals.toString(t.multiplier) : '0';
  };
  // order 1: −T G·G; order 2: gradient flow T² GHG split over the chain (T²/2) and the star
  // (T²/2), the star less T/2B from κ₂ = E[gg] − GG; H:E[gg] with T/2B.
  assert.equal(m(5, 1, '(01)(0-1)'), '-5');
  assert.equal(m(5, 1, '(01-12)(0-1-2)'), '25/2');
  assert.equal(m(5, 1, '(01-02)(0-1-2)'), '10');
  assert.equal(m(5, 2, '(01-02)(0-1-2)'), '45/4');
  assert.equal(m(5, 2, '(01-02)(0-12)'), '5/4');
  assert.equal(m(3, 1, '(01-02)(012)'), '0'); // the root never shares a sample
  // A pair cannot hold a node and its descendant (one event, one time): no such cumulant term.
  for (const t of sdeCumulantTerms(sdeSchedule({ T: 4 }), 4, 'test')) {
    for (const p of t.diagram.parts.slice(1)) if (p.length === 2) assert.notEqual(t.diagram.parent[p[1]!], p[0], t.diagram.key);
  }
  // Every multiplier of order d ≥ 1 is a polynomial in T of degree ≤ d that vanishes at T = 0:
  // its (d+1)-th finite difference over T = 1…d+2 is 0, and extrapolated to T = 0 it gives 0.
  const { sub, isZero, ZERO: zero } = rationals;
  for (const quantity of ['test', { coordinate: 1 }] as const) {
    const byT = Array.from({ length: 7 }, (_, i) => new Map(sdeSeriesTerms(sdeSchedule({ T: i + 1, B: 3 }), 4, quantity).map((t) => [t.diagram.key, t.multiplier])));
    const keys = new Set(byT.flatMap((m) => [...m.keys()]));
    for (const key of keys) {
      const d = diagram(key).order;
      if (d === 0) continue;
      // values at T = 0 (prepended, must be 0 for the polynomial to vanish there), 1, …, d+1
      let row = [zero, ...byT.slice(0, d + 1).map((m) => m.get(key) ?? zero)];
      for (let k = 0; k <= d; k++) row = row.slice(1).map((v, i) => sub(v, row[i]!));
      assert.ok(row.length === 1 && isZero(row[0]!), `${key}: not a degree-${d} polynomial in T vanishing at 0`);
    }
  }
  assert.ok(sdeSeriesTerms(sdeSchedule({ T: 1_000_003, B: 3 }), 4, 'test').every((t) => t.diagram.rootAlone));
});

test('SDE schedule and bad input: train and gap refused (no training set); T and B positive integers', () => {
  const s = sdeSchedule({ T: 50 });
  assert.deepEqual({ ...s }, { kind: 'sde', T: 50, B: 1 });
  assert.ok(isSdeSchedule(s) && !isSdeSchedule(sgd({ N: 2 })));
  assert.equal(describeSeriesSchedule(sdeSchedule({ T: 5, B: 2 })), 'SDE T=5 B=2');
  assert.equal(describeSeriesSchedule(sgd({ N: 4, B: 2 })), 'SGD N=4 B=2 E=1 fixed (T=2)');
  for (const q of ['train', 'gap'] as const) assert.throws(() => sdeSeriesTerms(s, 2, q as unknown as SdeQuantity), (e: unknown) => e instanceof InputError && /no training set/.test((e as Error).message));
  assert.throws(() => sdeSeriesTerms(s, 2, { coordinate: -1 }), InputError);
  assert.throws(() => sdeSeriesTerms(s, 9, 'test'), InputError);
  assert.throws(() => sdeSchedule({ T: 0 }), InputError);
  assert.throws(() => sdeSchedule({ T: 2.5 }), InputError);
  assert.throws(() => sdeSchedule({ T: 3, B: 0 }), InputError);
  assert.throws(() => sdeSeriesTerms(sgd({ N: 2 }) as unknown as SdeSchedule, 2, 'test'), InputError);
});
