/**
 * @file diagramValue against docs/theory.md §2's recursion written out here: each part draws one
 * atom (independent across parts), every non-root node sends its parent the covector
 * ∇^k l_x[u_children], the root contracts. Random polynomial losses on weighted atoms; every
 * diagram up to 3 edges; test, train and a coordinate root. Cumulant form: checked on the
 * 1-edge train diagram, κ(g, g) traced = tr C, and on a 2-edge one by Möbius by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSchedule, gd, sgd } from '../core/index.ts';
import { diagram, diagrams, rationals } from '../diagrams/index.ts';
import { cumulantSeriesTerms, cumulantTermsAsMoments, seriesTerms } from './series.ts';
import { exponents, uniformStream } from '../testing/index.ts';
import { diagramValue } from './contract.ts';
import { tensorsFromSamples } from './tensors.ts';

const P = 2;
const r = uniformStream(77);
const atoms = 3;
const w = [0.2, 0.3, 0.5];
const mons = exponents(P, 4);
const coef = Array.from({ length: atoms }, () => mons.map(() => 2 * r() - 1));
const theta = [0.3, -0.4];
/** ∂^α l_x at θ for a multi-index given as a list of coordinates. */
function deriv(x: number, idx: readonly number[]): number {
  let s = 0;
  mons.forEach((e, m) => {
    const need = [0, 0];
    for (const i of idx) need[i]!++;
    let c = coef[x]![m]!;
    for (let j = 0; j < P; j++) {
      for (let q = 0; q < need[j]!; q++) c *= e[j]! - q;
      c *= theta[j]! ** (e[j]! - need[j]!);
      if (e[j]! < need[j]!) c = 0;
    }
    s += c;
  });
  return s;
}
function tensorOf(x: number, k: number): Float64Array {
  const out = new Float64Array(P ** k);
  for (let i = 0; i < out.length; i++) {
    const idx: number[] = [];
    let q = i;
    for (let j = 0; j < k; j++) { idx.unshift(q % P); q = Math.floor(q / P); }
    out[i] = deriv(x, idx);
  }
  return out;
}
const tensors = tensorsFromSamples({
  P, maxDegree: 4, exact: true, weights: new Float64Array(w),
  derivs: [0, 1, 2, 3, 4].map((k) => Array.from({ length: atoms }, (_, x) => tensorOf(x, k))),
});

/** The recursion of docs/theory.md §2 over every assignment of atoms to parts. */
function uvalueByRecursion(key: string, root: 'population' | 'sample' | number): number {
  const d = diagram(key);
  let total = 0;
  const assign = new Array<number>(d.parts.length).fill(0);
  for (;;) {
    let weight = 1;
    for (const a of assign) weight *= w[a]!;
    const atomOf = (v: number) => assign[d.part[v]!]!;
    // covector of node v: ∇^{k} l_x contracted with its children's covectors, one index open
    const cov = (v: number): number[] => Array.from({ length: P }, (_, i) => contractAt(v, [i]));
    const contractAt = (v: number, open: number[]): number => {
      const kids = d.children[v]!.map(cov);
      let s = 0;
      const rec = (j: number, idx: number[], prod: number) => {
        if (j === kids.length) {
          if (v === 0 && root === 'population') s += prod * w.reduce((acc, wx, x) => acc + wx * deriv(x, idx), 0);
          else s += prod * deriv(atomOf(v), idx);
          return;
        }
        for (let i = 0; i < P; i++) rec(j + 1, [...idx, i], prod * kids[j]![i]!);
      };
      rec(0, open, 1);
      return s;
    };
    const value = typeof root === 'number' ? cov(d.children[0]![0]!)[root]! : contractAt(0, []);
    total += weight * value;
    let j = 0;
    while (j < assign.length && ++assign[j]! === atoms) assign[j++] = 0;
    if (j === assign.length) break;
  }
  return total;
}

test('diagramValue (moment form) equals the §2 recursion on every diagram ≤ 3 edges: test, train and a coordinate root', () => {
  let checked = 0;
  for (let k = 0; k <= 3; k++) {
    for (const d of diagrams(k, 'train')) {
      const want = uvalueByRecursion(d.key, 'sample');
      assert.ok(Math.abs(diagramValue(d, tensors, 'train', 'moment') - want) <= 1e-12 * Math.max(1, Math.abs(want)), d.key);
      checked++;
    }
    for (const d of diagrams(k, 'test')) {
      if (k > 0) {
        const want = uvalueByRecursion(d.key, 'population');
        assert.ok(Math.abs(diagramValue(d, tensors, 'test', 'moment') - want) <= 1e-12 * Math.max(1, Math.abs(want)), d.key);
      }
      if (k > 0 && d.children[0]!.length === 1) {
        const want = uvalueByRecursion(d.key, 1);
        assert.ok(Math.abs(diagramValue(d, tensors, { coordinate: 1 }, 'moment') - want) <= 1e-12 * Math.max(1, Math.abs(want)), d.key);
      } else if (k > 0) assert.equal(diagramValue(d, tensors, { coordinate: 1 }, 'moment'), 0);
      checked++;
    }
  }
  assert.ok(checked > 60, `${checked}`);
  assert.equal(diagramValue(diagram('()(0)'), tensors, { coordinate: 0 }, 'moment', theta), theta[0]);
});

test('diagramValue (cumulant form): κ(g,g) traced is tr C, and (01-12)(0-12) is G·E[H g] − G·H·G', () => {
  const E = (f: (x: number) => number) => w.reduce((s, wx, x) => s + wx * f(x), 0);
  const G = [0, 1].map((i) => E((x) => deriv(x, [i])));
  const trC = [0, 1].reduce((s, i) => s + E((x) => deriv(x, [i]) ** 2) - G[i]! ** 2, 0);
  assert.ok(Math.abs(diagramValue(diagram('(01)(01)'), tensors, 'train', 'cumulant') - trC) < 1e-12);
  const chain = diagram('(01-12)(0-12)');
  const moment = diagramValue(chain, tensors, 'test', 'moment');
  const split = diagramValue(diagram('(01-12)(0-1-2)'), tensors, 'test', 'moment');
  assert.ok(Math.abs(diagramValue(chain, tensors, 'test', 'cumulant') - (moment - split)) < 1e-12);
});

test('cumulant form of the plain series: each order sums to the moment form, for test, train and gap (THEORY §7)', () => {
  const schedules = [sgd({ N: 3, B: 1, E: 2, shuffle: 'reshuffle' }), sgd({ N: 4, B: 2, E: 2, shuffle: 'fixed' }), gd({ N: 3, T: 2 })];
  for (const s of schedules) for (const q of ['test', 'train', 'gap'] as const) {
    const moment = new Array<number>(4).fill(0);
    const cumulant = new Array<number>(4).fill(0);
    const root = q === 'gap' ? 'train' : q;
    for (const t of seriesTerms(s, 3, q)) moment[t.diagram.order]! += rationals.toNumber(t.multiplier) * diagramValue(t.diagram, tensors, root, 'moment');
    const terms = cumulantSeriesTerms(s, 3, q);
    for (const t of terms) cumulant[t.diagram.order]! += rationals.toNumber(t.multiplier) * diagramValue(t.diagram, tensors, root, 'cumulant');
    for (let k = 1; k <= 3; k++) {
      assert.ok(Math.abs(moment[k]! - cumulant[k]!) <= 1e-10 * Math.max(1, Math.abs(moment[k]!)), `${describeSchedule(s)} ${q} c_${k}: ${moment[k]} vs ${cumulant[k]}`);
    }
    // the forms differ term by term: some cumulant multiplier differs from its moment one
    const m = new Map(seriesTerms(s, 3, q).map((t) => [t.diagram.key, rationals.toNumber(t.multiplier)]));
    assert.ok(terms.some((t) => Math.abs((m.get(t.diagram.key) ?? 0) - rationals.toNumber(t.multiplier)) > 1e-9));
  }
});

test('cumulantTermsAsMoments: the whole cumulant-form series, rewritten over uvalues, has exactly the moment-form multipliers', () => {
  for (const s of [sgd({ N: 3, B: 1, E: 2, shuffle: 'reshuffle' }), sgd({ N: 4, B: 2, E: 3, shuffle: 'fixed' }), gd({ N: 3, T: 3 })]) {
    for (const q of ['test', 'train', 'gap', { coordinate: 0 }] as const) {
      const want = new Map(seriesTerms(s, 4, q).map((t) => [t.diagram.key, t.multiplier]));
      const got = new Map(cumulantTermsAsMoments(cumulantSeriesTerms(s, 4, q), q).map((t) => [t.diagram.key, t.multiplier]));
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${describeSchedule(s)} ${JSON.stringify(q)}`);
      for (const [k, m] of want) assert.equal(rationals.toString(got.get(k)!), rationals.toString(m), `${describeSchedule(s)} ${JSON.stringify(q)} ${k}`);
    }
  }
});
