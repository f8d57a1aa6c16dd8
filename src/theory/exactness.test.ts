/**
 * @file The heart: `predict` equals an independent brute-force expansion of SGD, to 1e-9.
 *
 * The reference knows nothing of diagrams or embeddings. A finite data distribution (a few atoms
 * with non-uniform probabilities) carries random polynomial per-sample losses l_x(θ) in 1–3
 * dimensions. Every training set (all N-tuples of atoms, weighted by their probability) and
 * every shuffle (all N! orders per epoch for `reshuffle`) is run through SGD on truncated power
 * series in η: θ_t is a vector of polynomials in η cut at order D, and the losses are evaluated
 * by composing polynomials. That gives E[test], E[train] and the gap as series in η.
 * The diagram values fed to `predict` are computed exactly over the atoms from docs/theory.md §2's
 * recursion (each part an independent atom), also here, with derivative tensors of the
 * polynomials. The expected coordinates E[θ_T] are checked the same way (a coordinate root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagrams, type Diagram } from '../diagrams/index.ts';
import { gd, sgd, describeSchedule, type Schedule } from '../core/index.ts';
import { exponents, uniformStream } from '../testing/index.ts';
import { parseStats, predict, tensorsFromSamples, uvaluesFromTensors, type DiagramStats, type LandscapeTensors, type StatsFile } from './index.ts';

// ---- polynomials in θ ∈ R^P as monomial lists ----
interface Monomial {
  c: number;
  e: number[];
}
type Poly = Monomial[];


function derivative(p: Poly, j: number): Poly {
  return p.filter((m) => m.e[j]! > 0).map((m) => ({ c: m.c * m.e[j]!, e: m.e.map((x, i) => (i === j ? x - 1 : x)) }));
}

interface Landscape {
  P: number;
  probs: number[];
  loss: Poly[]; // per atom
  grad: Poly[][]; // per atom, per coordinate
  theta0: number[];
}

function randomLandscape(seed: number, P: number, atoms: number, maxDeg: number): Landscape {
  const r = uniformStream(seed);
  const raw = Array.from({ length: atoms }, (_, i) => 1 + i + r()); // deliberately non-uniform
  const total = raw.reduce((a, b) => a + b, 0);
  const probs = raw.map((x) => x / total);
  const loss = Array.from({ length: atoms }, () => exponents(P, maxDeg).map((e) => ({ c: 2 * r() - 1, e })));
  const grad = loss.map((l) => Array.from({ length: P }, (_, j) => derivative(l, j)));
  const theta0 = Array.from({ length: P }, () => r() - 0.5);
  return { P, probs, loss, grad, theta0 };
}

// ---- truncated power series in η ----
type Series = Float64Array;
function smul(a: Series, b: Series): Series {
  const D = a.length - 1;
  const r = new Float64Array(D + 1);
  for (let i = 0; i <= D; i++) if (a[i] !== 0) for (let j = 0; i + j <= D; j++) r[i + j]! += a[i]! * b[j]!;
  return r;
}

/** p(θ) where θ is a vector of series. */
function evalSeries(p: Poly, theta: Series[], D: number): Series {
  const maxE = Math.max(0, ...p.flatMap((m) => m.e));
  const pow: Series[][] = theta.map((s) => {
    const list: Series[] = [Float64Array.from({ length: D + 1 }, (_, i) => (i === 0 ? 1 : 0))];
    for (let k = 1; k <= maxE; k++) list.push(smul(list[k - 1]!, s));
    return list;
  });
  const out = new Float64Array(D + 1);
  for (const m of p) {
    let term: Series | null = null;
    m.e.forEach((k, j) => {
      if (k > 0) term = term ? smul(term, pow[j]![k]!) : pow[j]![k]!;
    });
    if (term === null) out[0]! += m.c;
    else for (let i = 0; i <= D; i++) out[i]! += m.c * (term as Series)[i]!;
  }
  return out;
}

/** One step θ ← θ − η·mean over the batch of ∇l_x(θ), on series truncated at D. */
function step(L: Landscape, theta: Series[], batch: readonly number[], D: number): Series[] {
  const next = theta.map((s) => Float64Array.from(s));
  for (const x of batch) {
    for (let j = 0; j < L.P; j++) {
      const g = evalSeries(L.grad[x]![j]!, theta, D);
      // multiply by η: shift up one order
      for (let i = D; i >= 1; i--) next[j]![i]! -= g[i - 1]! / batch.length;
    }
  }
  return next;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/**
 * The possible epochs as batch sequences of row ids, with probabilities. `reshuffle` runs every
 * one of the N! orders; orders that cut into the same batches give the same run, so they are
 * merged with their multiplicity (the batch mean does not see the order inside a batch).
 */
function epochs(N: number, B: number, shuffle: 'fixed' | 'reshuffle'): Array<{ batches: number[][]; w: number }> {
  const orders = shuffle === 'fixed' ? [[...Array(N).keys()]] : permutations(N);
  const merged = new Map<string, { batches: number[][]; w: number }>();
  for (const o of orders) {
    const batches = Array.from({ length: N / B }, (_, k) => o.slice(k * B, k * B + B).sort((a, b) => a - b));
    const key = JSON.stringify(batches);
    const hit = merged.get(key);
    if (hit) hit.w += 1 / orders.length;
    else merged.set(key, { batches, w: 1 / orders.length });
  }
  return [...merged.values()];
}

interface Brute {
  test: Series;
  train: Series;
  gap: Series;
  /** E[θ_T,j] for every coordinate j. */
  coords: Series[];
}

function bruteForce(L: Landscape, s: Schedule, D: number): Brute {
  const A = L.probs.length;
  const N = s.N;
  const test = new Float64Array(D + 1);
  const train = new Float64Array(D + 1);
  const coords = L.theta0.map(() => new Float64Array(D + 1));
  const epochList =
    s.kind === 'gd' ? [{ batches: Array.from({ length: s.T }, () => [...Array(N).keys()]), w: 1 }] : epochs(N, s.B, s.shuffle);
  const nEpochs = s.kind === 'gd' ? 1 : s.E;
  const start = L.theta0.map((x) => Float64Array.from({ length: D + 1 }, (_, i) => (i === 0 ? x : 0)));
  const rows = new Array<number>(N).fill(0);
  for (let code = 0; code < A ** N; code++) {
    let c = code;
    let prob = 1;
    for (let n = 0; n < N; n++) {
      rows[n] = c % A;
      c = Math.floor(c / A);
      prob *= L.probs[rows[n]!]!;
    }
    const run = (theta: Series[], e: number, w: number): void => {
      if (e === nEpochs) {
        theta.forEach((th, j) => th.forEach((v, i) => (coords[j]![i]! += w * v)));
        for (let x = 0; x < A; x++) {
          const v = evalSeries(L.loss[x]!, theta, D);
          for (let i = 0; i <= D; i++) test[i]! += w * L.probs[x]! * v[i]!;
        }
        for (let n = 0; n < N; n++) {
          const v = evalSeries(L.loss[rows[n]!]!, theta, D);
          for (let i = 0; i <= D; i++) train[i]! += (w * v[i]!) / N;
        }
        return;
      }
      for (const ep of epochList) {
        let th = theta;
        for (const batch of ep.batches) th = step(L, th, batch.map((r) => rows[r]!), D);
        run(th, e + 1, w * ep.w);
      }
    };
    run(start, 0, prob);
  }
  return { test, train, gap: test.map((x, i) => x - train[i]!), coords };
}

// ---- exact diagram values over the atoms (docs/theory.md §2 recursion) ----

/** Full derivative tensors ∇^k l_x(θ₀) as flat arrays over P^k index tuples, k = 0…maxK. */
function derivativeTensors(L: Landscape, maxK: number): number[][][] {
  return L.loss.map((poly) => {
    const out: number[][] = [];
    for (let k = 0; k <= maxK; k++) {
      const size = L.P ** k;
      const t = new Array<number>(size).fill(0);
      for (let idx = 0; idx < size; idx++) {
        let q = poly;
        let r = idx;
        for (let s = 0; s < k; s++) {
          q = derivative(q, r % L.P);
          r = Math.floor(r / L.P);
        }
        t[idx] = evalSeries(q, L.theta0.map((x) => Float64Array.of(x)), 0)[0]!;
      }
      out.push(t);
    }
    return out;
  });
}

function uvalue(L: Landscape, tensors: number[][][], d: Diagram): number {
  const n = d.parent.length;
  const children: number[][] = d.parent.map(() => []);
  for (let v = 1; v < n; v++) children[d.parent[v]!]!.push(v);
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
    // Covector a non-root node sends up: ∇^{k+1} l_x[u_children…, ·]; the root contracts all.
    const send = (v: number, open: boolean): number[] => {
      const us = children[v]!.map((ch) => send(ch, true));
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
    total += w * send(0, false)[0]!;
  }
  return total;
}

function statsFor(L: Landscape, D: number): StatsFile {
  const tensors = derivativeTensors(L, D);
  const values: Record<string, number> = {};
  for (let k = 0; k <= D; k++) for (const d of diagrams(k, 'train')) values[d.key] = uvalue(L, tensors, d);
  return { values };
}

/** |a − b| ≤ 1e-9 · max(|a|, |b|, scale): `scale` is 0 except for the gap, see `check`. */
function assertClose(actual: number, expected: number, what: string, scale = 0): void {
  const tol = 1e-9 * Math.max(Math.abs(actual), Math.abs(expected), scale);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: predict ${actual} vs brute force ${expected} (diff ${actual - expected})`);
}

function check(L: Landscape, stats: DiagramStats, s: Schedule, D: number): void {
  const brute = bruteForce(L, s, D);
  for (const quantity of ['test', 'train', 'gap'] as const) {
    for (let order = 1; order <= D; order++) {
      const p = predict({ stats, schedule: s, order, quantity });
      for (let i = 0; i <= order; i++) {
        // The gap is a difference of two series; the brute force's own rounding in it is relative
        // to test and train (its c_0 is exactly 0 in theory but ~1e-16 in floats).
        const scale = quantity === 'gap' ? Math.max(Math.abs(brute.test[i]!), Math.abs(brute.train[i]!)) : 0;
        assertClose(p.coefficients[i]!, brute[quantity][i]!, `${describeSchedule(s)} ${quantity} order ${order} c_${i}`, scale);
      }
      if (quantity === 'gap') assert.equal(p.coefficients[0], 0, 'the gap starts at exactly 0');
    }
  }
  // Coordinates (docs/theory.md §9): the root carries e_j; the values come from the library's
  // tensor contraction (checked against the §2 recursion in contract.test.ts).
  const t = tensorsOf(L, D);
  for (let j = 0; j < L.P; j++) {
    const p = predict({ stats: uvaluesFromTensors(t, D, { coordinate: j }, L.theta0), schedule: s, order: D, quantity: { coordinate: j } });
    for (let i = 0; i <= D; i++) assertClose(p.coefficients[i]!, brute.coords[j]![i]!, `${describeSchedule(s)} θ_${j} c_${i}`, Math.abs(L.theta0[j]!));
  }
}

const tensorCache = new Map<Landscape, LandscapeTensors>();
function tensorsOf(L: Landscape, D: number): LandscapeTensors {
  const hit = tensorCache.get(L);
  if (hit) return hit;
  const per = derivativeTensors(L, D);
  const t = tensorsFromSamples({
    P: L.P, maxDegree: D, exact: true, weights: Float64Array.from(L.probs),
    derivs: Array.from({ length: D + 1 }, (_, k) => per.map((atom) => Float64Array.from(atom[k]!))),
  });
  tensorCache.set(L, t);
  return t;
}

const landscapes = [
  { name: '1-D, 3 atoms, degree 5', L: randomLandscape(11, 1, 3, 5) },
  { name: '2-D, 3 atoms, degree 4', L: randomLandscape(22, 2, 3, 4) },
  { name: '3-D, 2 atoms, degree 4', L: randomLandscape(33, 3, 2, 4) },
];
const D = 4;
// Parsed once per landscape (predict would parse the file again at each of its ~700 calls).
const withStats = landscapes.map((x) => ({ ...x, stats: parseStats(statsFor(x.L, D)) }));

for (const { name, L, stats } of withStats) {
  test(`batch-1 SGD, N = 3, E = 1, 2, 3, fixed and reshuffle, orders 1–4 match brute force (${name})`, () => {
    for (const shuffle of ['fixed', 'reshuffle'] as const) for (const E of [1, 2, 3]) check(L, stats, sgd({ N: 3, B: 1, E, shuffle }), D);
  });
  test(`batch-2 SGD, N = 4, E = 1, 2, 3, fixed and reshuffle, orders 1–4 match brute force (${name})`, () => {
    for (const shuffle of ['fixed', 'reshuffle'] as const) for (const E of [1, 2, 3]) check(L, stats, sgd({ N: 4, B: 2, E, shuffle }), D);
  });
  test(`GD, N = 3, T = 1, 2, 4, and N = 2 batch-2 SGD, orders 1–4 match brute force (${name})`, () => {
    for (const T of [1, 2, 4]) check(L, stats, gd({ N: 3, T }), D);
    check(L, stats, sgd({ N: 2, B: 2, E: 3, shuffle: 'reshuffle' }), D);
  });
}
