/**
 * @file Issue 11's must-show, "Exactness, quadratic": on a quadratic landscape with a constant
 * Hessian, l_x(θ₀ + δ) = l₀ + offset_x + (G + ξ_x)·δ + ½δᵀHδ, every irreducible cumulant diagram
 * with a non-zero value has ≤ 2 edges (docs/theory.md §7), so the re-summed order-2 prediction
 * is the EXACT expected test loss, train loss, gap and displacement E[θ_T − θ₀] at every η, for
 * every schedule. The reference is testing's brute-force oracle (linear-sgd.ts): every training
 * set and every shuffle, the linear dynamics run in float64, nothing known of diagrams.
 *
 * Landscapes: P = 2–3, a few atoms with non-uniform weights, anisotropic non-Gaussian ξ (not
 * centered), G ≠ 0, per-atom offsets, dense positive-definite H (η up to 0.5), and one dense
 * indefinite H at small η. Schedules: SGD with B ∈ {1, 2}, E ∈ {1, 2, 3}, fixed and reshuffle,
 * N = 2 or 4; GD with several T. Tolerance 1e-9 relative — for the gap relative to the test and
 * train losses it is the difference of, for a coordinate relative to the whole displacement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gd, sgd, describeSchedule, describeObservable, type Observable, type Schedule } from '../core/index.ts';
import { linearSgdExpectation, randomQuadratic, WorstErrors, type LinearSgdExpectation, type QuadraticLandscape } from '../testing/index.ts';
import { quadraticTensors, resum } from './index.ts';

const TOL = 1e-9;

const positiveDefinite = [
  { name: 'P = 2, 3 atoms', q: randomQuadratic(1101, 2, 3) },
  { name: 'P = 3, 3 atoms', q: randomQuadratic(2202, 3, 3) },
  { name: 'P = 3, 2 atoms', q: randomQuadratic(3303, 3, 2) },
];
const indefinite = { name: 'P = 2, 3 atoms, indefinite H', q: randomQuadratic(4404, 2, 3, true) };
const ETAS = [0.05, 0.2, 0.35, 0.5];
const SMALL_ETAS = [0.01, 0.05, 0.1];

const sgdSchedules: Schedule[] = [1, 2, 3].flatMap((E) =>
  (['fixed', 'reshuffle'] as const).flatMap((shuffle) => [
    sgd({ N: 2, B: 1, E, shuffle }),
    sgd({ N: 2, B: 2, E, shuffle }),
    sgd({ N: 4, B: 1, E, shuffle }),
    sgd({ N: 4, B: 2, E, shuffle }),
  ]),
);
const gdSchedules: Schedule[] = [gd({ N: 2, T: 1 }), gd({ N: 2, T: 3 }), gd({ N: 3, T: 2 }), gd({ N: 4, T: 5 }), gd({ N: 2, T: 12 })];

const observables = (P: number): Observable[] => ['test', 'train', 'gap', ...Array.from({ length: P }, (_, i) => ({ coordinate: i }))];

/** The oracle's exact value of an observable, and the scale its relative error is measured against. */
function reference(o: LinearSgdExpectation, observable: Observable): { value: number; scale: number } {
  if (typeof observable !== 'string') {
    return { value: o.displacement[observable.coordinate]!, scale: Math.max(...Array.from(o.displacement, Math.abs)) };
  }
  const value = o[observable];
  return { value, scale: observable === 'gap' ? Math.max(Math.abs(o.test), Math.abs(o.train)) : Math.abs(value) };
}

const worst = new WorstErrors();

/** resum at order `order` equals the oracle for every observable at every η of `etas`. */
function check(name: string, q: QuadraticLandscape, s: Schedule, etas: readonly number[], order = 2): void {
  const tensors = quadraticTensors(q);
  const exact = etas.map((eta) => linearSgdExpectation(q, s, eta));
  for (const observable of observables(q.P)) {
    const r = resum({ tensors, schedule: s, order, observable, eta: etas });
    assert.equal(r.values.length, etas.length, 'one value per η');
    etas.forEach((eta, i) => {
      const got = r.values[i]!;
      assert.equal(got.eta, eta);
      const { value, scale } = reference(exact[i]!, observable);
      const where = `${name}, ${describeSchedule(s)}, ${describeObservable(observable)}, η = ${eta}, order ${order}`;
      const err = Math.abs(got.value - value) / Math.max(Math.abs(got.value), Math.abs(value), scale);
      worst.record(`${describeObservable(observable).startsWith('coord') ? 'coordinate' : describeObservable(observable)}`, err, where);
      assert.ok(err <= TOL, `${where}: resum ${got.value} vs exact ${value} (relative error ${err.toExponential(2)})`);
    });
  }
}

for (const { name, q } of positiveDefinite) {
  test(`re-summed order 2 is exact for SGD, B = 1, 2, E = 1–3, fixed and reshuffle, N = 2, 4, η ≤ 0.5 (${name})`, () => {
    for (const s of sgdSchedules) check(name, q, s, ETAS);
  });
  test(`re-summed order 2 is exact for GD, T = 1–12, η ≤ 0.5 (${name})`, () => {
    for (const s of gdSchedules) check(name, q, s, ETAS);
  });
}

test(`re-summed order 2 is exact with an indefinite Hessian at small η (${indefinite.name})`, () => {
  for (const s of [...sgdSchedules, ...gdSchedules]) check(indefinite.name, indefinite.q, s, SMALL_ETAS);
});

test('order 3 adds nothing on a quadratic landscape (its irreducible diagrams vanish): still exact', () => {
  const { name, q } = positiveDefinite[1]!;
  for (const s of [sgd({ N: 2, B: 1, E: 2, shuffle: 'reshuffle' }), sgd({ N: 4, B: 2, E: 2, shuffle: 'fixed' }), gd({ N: 2, T: 3 })]) check(name, q, s, ETAS, 3);
});

test('the check has teeth: order 1 misses the noise (C:H) terms by far more than the tolerance', () => {
  const { q } = positiveDefinite[0]!;
  const s = sgd({ N: 2, B: 1, E: 2, shuffle: 'fixed' });
  const exact = linearSgdExpectation(q, s, 0.5);
  const r1 = resum({ tensors: quadraticTensors(q), schedule: s, order: 1, observable: 'test', eta: [0.5] });
  assert.ok(Math.abs(r1.values[0]!.value - exact.test) > 1e-4 * Math.abs(exact.test), `order 1 ${r1.values[0]!.value} vs exact ${exact.test}`);
  // and the oracle sees the shuffle, so an exact match above is not shuffle-blind
  const re = linearSgdExpectation(q, sgd({ N: 2, B: 1, E: 2, shuffle: 'reshuffle' }), 0.5);
  assert.ok(Math.abs(re.test - exact.test) > 1e-6 * Math.abs(exact.test), `fixed ${exact.test} vs reshuffle ${re.test}`);
});

test('with theta0 given, a coordinate is θ₀_i + E[θ_T − θ₀]_i', () => {
  const { q } = positiveDefinite[1]!;
  const theta0 = Float64Array.of(0.3, -1.2, 2.5);
  const s = sgd({ N: 4, B: 2, E: 3, shuffle: 'reshuffle' });
  const exact = linearSgdExpectation(q, s, 0.35);
  for (let i = 0; i < q.P; i++) {
    const r = resum({ tensors: quadraticTensors(q), schedule: s, order: 2, observable: { coordinate: i }, eta: [0.35], theta0 });
    const want = theta0[i]! + exact.displacement[i]!;
    assert.ok(Math.abs(r.values[0]!.value - want) <= TOL * Math.max(Math.abs(want), Math.abs(theta0[i]!)), `θ_${i}: resum ${r.values[0]!.value} vs ${want}`);
  }
});

test('summary: worst relative errors', (t) => {
  t.diagnostic(worst.summary());
});
