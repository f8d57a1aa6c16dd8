/**
 * @file Exactness of the re-summation (THEORY §7's claims, docs/theory.md §9), general case:
 * random polynomial per-sample losses on three weighted atoms, P = 2. For finite T, R_d(η) is
 * a polynomial in η (degree ≤ d·T), so its Taylor coefficients are read off exactly by
 * interpolating at Chebyshev points (the internal entry takes any real η). They must equal
 * - through η^d: the plain series (`predict` with exact uvalues, as in exactness.test.ts);
 * - at η^{d+1}: the cumulant-form contributions of the reducible diagrams with d+1 edges (their
 *   irreducible cores all have ≤ d edges), each (−1)^{|E|}/|Aut| · κvalue · (embedding count
 *   with the cumulant row rule, divided by B^{|E|}), κvalue contracted here from the cumulant
 *   tensors and the count by a brute-force walk of every embedding (times, rows and shuffles;
 *   parts may share rows; the product over parts averaged over shuffles).
 * Also checked: cumulant-form totals = moment-form totals at order d+1 (reducible plus
 * irreducible contributions = the plain c_{d+1}).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagrams, type Diagram } from '../diagrams/index.ts';
import { gd, sgd, describeSchedule, type Quantity, type Schedule } from '../core/index.ts';
import { bruteTimeSum, exponents, uniformStream } from '../testing/index.ts';
import { parseStats, predict, type StatsFile } from './index.ts';
import { tensorsFromSamples, type LandscapeTensors } from './tensors.ts';
import { resumAnyEta, resumDiagrams } from './resum.ts';
import type { TimePattern } from './timesum.ts';

interface Monomial {
  c: number;
  e: number[];
}
type Poly = Monomial[];

const derivative = (p: Poly, j: number): Poly => p.filter((m) => m.e[j]! > 0).map((m) => ({ c: m.c * m.e[j]!, e: m.e.map((x, i) => (i === j ? x - 1 : x)) }));
const evalAt = (p: Poly, x: readonly number[]) => p.reduce((s, m) => s + m.c * m.e.reduce((q, k, j) => q * x[j]! ** k, 1), 0);

/** Per-atom derivative tensors ∇^k l_x(θ₀), k = 0…maxK, row-major over P^k index tuples. */
function landscape(seed: number, P: number, atoms: number, deg: number, maxK: number) {
  const r = uniformStream(seed);
  const raw = Array.from({ length: atoms }, (_, i) => 1 + i + r());
  const total = raw.reduce((a, b) => a + b, 0);
  const probs = raw.map((x) => x / total);
  const loss = Array.from({ length: atoms }, () => exponents(P, deg).map((e) => ({ c: 2 * r() - 1, e })));
  const theta0 = Array.from({ length: P }, () => r() - 0.5);
  const derivs: Float64Array[][] = [];
  for (let k = 0; k <= maxK; k++) {
    derivs.push(
      loss.map((poly) =>
        Float64Array.from({ length: P ** k }, (_, idx) => {
          let q = poly;
          for (let s = 0, rest = idx; s < k; s++, rest = Math.floor(rest / P)) q = derivative(q, rest % P);
          return evalAt(q, theta0);
        }),
      ),
    );
  }
  return { P, probs, derivs };
}

/** uvalue (docs/theory.md §2): each part an independent atom, the recursion over the tree. */
function uvalue(L: ReturnType<typeof landscape>, d: Diagram): number {
  const A = L.probs.length;
  let total = 0;
  for (let code = 0; code < A ** d.parts.length; code++) {
    const atom = d.parts.map((_, q) => Math.floor(code / A ** q) % A);
    const w = atom.reduce((s, a) => s * L.probs[a]!, 1);
    total += w * contract(L.P, d, (v, k) => L.derivs[k]![atom[d.part[v]!]!]!, null);
  }
  return total;
}

/**
 * Σ over every index assignment of the edges of Π over nodes (uvalue: per-node tensors) or over
 * parts (κvalue: the part's joint tensor, node indices in node order, each node's children's
 * edges then its parent's edge).
 */
function contract(P: number, d: Diagram, nodeTensor: ((v: number, k: number) => Float64Array) | null, partTensor: ((nodes: readonly number[], degs: number[]) => Float64Array | null) | null): number {
  const E = d.order;
  const idxOf = (v: number, mu: number[]) => [...d.children[v]!.map((c) => mu[c - 1]!), ...(v === 0 ? [] : [mu[v - 1]!])];
  const flat = (ix: number[]) => ix.reduce((s, i) => s * P + i, 0);
  let sum = 0;
  for (let code = 0; code < P ** E; code++) {
    const mu = Array.from({ length: E }, (_, e) => Math.floor(code / P ** e) % P);
    let prod = 1;
    if (nodeTensor) for (let v = 0; v < d.parent.length; v++) prod *= nodeTensor(v, idxOf(v, mu).length)[flat(idxOf(v, mu))]!;
    else
      for (const nodes of d.parts) {
        const degs = nodes.map((v) => idxOf(v, mu).length);
        const t = partTensor!(nodes, degs);
        if (!t) return 0;
        prod *= t[flat(nodes.flatMap((v) => idxOf(v, mu)))]!;
      }
    sum += prod;
  }
  return sum;
}

// ---- brute-force embedding counts: src/testing/embedding-walk.ts ----

/** The cumulant-form contribution of one diagram to c_{|E|} (η = 1, K = I). */
function cumulantContribution(T: LandscapeTensors, s: Schedule, d: Diagram, quantity: Quantity): number {
  const train = quantity !== 'test';
  const kv = contract(T.P, d, null, (_, degs) => T.cumulant(degs));
  if (kv === 0) return 0;
  const pattern = { parent: d.parent.slice(1).map((q) => q - 1), part: d.part.slice(1), ...(train ? { rootPart: d.part[0]! } : {}) };
  const count = bruteTimeSum(pattern, s, pattern.parent.map(() => 1)); // embeddings, each weighted Π_p rows/B^m (/N)
  return ((-1) ** d.order * kv * count) / d.aut;
}

/** Monomial coefficients of a polynomial of degree < n from its values at n Chebyshev points of [−r, r]. */
function taylor(f: (eta: number[]) => number[], n: number, r: number): number[] {
  const x = Array.from({ length: n }, (_, j) => r * Math.cos((Math.PI * (j + 0.5)) / n));
  const y = f(x);
  // solve the Vandermonde system in the scaled variable x/r (Gaussian elimination, partial pivoting)
  const A = x.map((xi, i) => [...Array.from({ length: n }, (_, k) => (xi / r) ** k), y[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(A[i]![c]!) > Math.abs(A[p]![c]!)) p = i;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let i = 0; i < n; i++) {
      if (i === c) continue;
      const m = A[i]![c]! / A[c]![c]!;
      for (let k = c; k <= n; k++) A[i]![k]! -= m * A[c]![k]!;
    }
  }
  return A.map((row, k) => row[n]! / row[k]! / r ** k);
}

const L = landscape(5, 2, 3, 4, 6);
const tensors = tensorsFromSamples({ P: L.P, maxDegree: 6, exact: true, weights: Float64Array.from(L.probs), derivs: L.derivs });
const file: StatsFile = { values: Object.fromEntries([0, 1, 2, 3, 4].flatMap((k) => diagrams(k, 'train').map((d) => [d.key, uvalue(L, d)]))) };
const stats = parseStats(file); // once, not in each of the 63 predict calls below

const schedules: Schedule[] = [
  sgd({ N: 2, B: 1, E: 1 }),
  sgd({ N: 3, B: 1, E: 1 }),
  sgd({ N: 2, B: 1, E: 2, shuffle: 'fixed' }),
  sgd({ N: 2, B: 1, E: 2, shuffle: 'reshuffle' }),
  sgd({ N: 4, B: 2, E: 2, shuffle: 'fixed' }),
  sgd({ N: 4, B: 2, E: 2, shuffle: 'reshuffle' }),
  gd({ N: 2, T: 3 }),
];

let worst = 0;
function close(got: number, want: number, scale: number, what: string) {
  worst = Math.max(worst, Math.abs(got - want) / Math.max(Math.abs(want), scale));
  if (process.env.RESUM_SHOW) console.log(what, got, want);
  const tol = 1e-9 * Math.max(Math.abs(want), scale);
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want} (diff ${(got - want).toExponential(2)}, tol ${tol.toExponential(2)})`);
}

for (const order of [1, 2, 3]) {
  test(`R_${order}: Taylor coefficients equal the plain series through η^${order} and the reducible diagrams' cumulant-form contributions at η^${order + 1} (test, train, gap; SGD B 1/2, E 1/2, both shuffles, GD)`, () => {
    for (const s of schedules) {
      for (const quantity of ['test', 'train', 'gap'] as const) {
        const where = `${describeSchedule(s)} ${quantity} R_${order}`;
        const n = order * s.T + 1;
        const coef = taylor((eta) => resumAnyEta({ tensors, schedule: s, order, observable: quantity, eta }).values.map((v) => v.value), n, 0.25);
        const plain = predict({ stats, schedule: s, order: order + 1, quantity }).coefficients;
        const scale = Math.max(...plain.map(Math.abs)) * 1e-3;
        for (let k = 0; k <= order; k++) close(coef[k]!, plain[k]!, scale, `${where} η^${k}`);
        // η^{d+1}: the reducible diagrams with d+1 edges (train-kind for train and gap)
        const kind = quantity === 'test' ? 'test' : 'train';
        const all = diagrams(order + 1, kind).filter((d) => quantity !== 'gap' || !d.rootAlone);
        const sign = quantity === 'gap' ? -1 : 1;
        const reducible = all.filter((d) => !d.irreducible).reduce((acc, d) => acc + sign * cumulantContribution(tensors, s, d, quantity), 0);
        close(coef[order + 1]!, reducible, scale, `${where} η^${order + 1} (reducible, cumulant form)`);
        const irreducible = resumDiagrams(order + 1, quantity).reduce((acc, { diagram, sign: sg }) => acc + sg * cumulantContribution(tensors, s, diagram, quantity), 0);
        close(reducible + irreducible, plain[order + 1]!, scale, `${where}: cumulant-form total at η^${order + 1} = plain c_${order + 1}`);
      }
    }
  });
}

test.after?.(() => {
  if (process.env.RESUM_SHOW) console.log(`worst relative error ${worst.toExponential(2)}`);
});
