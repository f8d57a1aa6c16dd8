/**
 * @file docs/theory.md §3's closed forms fall out of the general machinery, exactly as rationals, and
 * `predict` propagates standard errors and covariances as stated in stats-file.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gd, InputError, MAX_ORDER, type Quantity, type Schedule, sgd } from '../core/index.ts';
import { diagram, diagrams, rationals, type Rational } from '../diagrams/index.ts';
import { coefficientMultiplier, parseStats, predict, seriesTerms } from './index.ts';

const { rational, add, sub, mul, equals, toString } = rationals;
const r = (n: bigint | number, d: bigint | number = 1) => rational(n, d);
const m = (key: string, s: Schedule, q: Quantity = 'test') => coefficientMultiplier(diagram(key), s, q);
const eq = (a: Rational, b: Rational, what: string) => assert.ok(equals(a, b), `${what}: ${toString(a)} ≠ ${toString(b)}`);

const GHG_CHERRY = '(01-02)(0-1-2)'; // H[G, G]
const GHG_CHAIN = '(01-12)(0-1-2)'; // G·H·G
const H_EGG = '(01-02)(0-12)'; // H : E[g g]
const G_EHG = '(01-12)(0-12)'; // G · E[H_x g_x]

test('order 1: test −T·G·G, train −T(G·G + trC/N), gap +T·trC/N, with T = E·N/B (any B, any shuffling)', () => {
  for (const s of [sgd({ N: 6, B: 1, E: 1 }), sgd({ N: 12, B: 4, E: 3, shuffle: 'reshuffle' }), gd({ N: 5, T: 7 })]) {
    const T = s.T;
    const N = s.N;
    // In moments, trC = E[g·g] − G·G.
    eq(m('(01)(0-1)', s), r(-T), 'test G·G');
    eq(m('(01)(0-1)', s, 'train'), r(-T * (N - 1), N), 'train G·G');
    eq(m('(01)(01)', s, 'train'), r(-T, N), 'train E[g·g]');
    eq(m('(01)(0-1)', s, 'gap'), r(-T, N), 'gap G·G');
    eq(m('(01)(01)', s, 'gap'), r(T, N), 'gap E[g·g]');
  }
});

test('order 2, batch-1 SGD, T = E·N, any shuffling: c₂ = T(T−½)·GHG + (T²/2N)·C:H + (T/2)(T/N − 1)·(G·∇trC/2)', () => {
  // Moments: C:H = H:E[gg] − GHG and G·∇trC/2 = G·E[H_x g_x] − GHG, so the multipliers are
  //   H:E[gg]: T²/2N;  G·E[H_x g_x]: (T/2)(T/N − 1);  GHG (cherry + chain): T(T−½) − T²/2N − (T/2)(T/N − 1).
  for (const N of [1, 2, 3, 5, 8]) {
    for (const E of [1, 2, 3, 4]) {
      for (const shuffle of ['fixed', 'reshuffle'] as const) {
        const s = sgd({ N, B: 1, E, shuffle });
        const T = r(E * N);
        const half = r(1, 2);
        const CH = mul(mul(T, T), r(1, 2 * N));
        const dC = mul(mul(T, half), sub(mul(T, r(1, N)), r(1)));
        const GHG = sub(sub(mul(T, sub(T, half)), CH), dC);
        const what = `N=${N} E=${E} ${shuffle}`;
        eq(m(H_EGG, s), CH, `${what} H:E[gg]`);
        eq(m(G_EHG, s), dC, `${what} G·E[H_x g_x]`);
        eq(add(m(GHG_CHERRY, s), m(GHG_CHAIN, s)), GHG, `${what} GHG`);
        // and nothing else at order 2
        const others = seriesTerms(s, 2, 'test').filter((t) => t.diagram.order === 2 && ![H_EGG, G_EHG, GHG_CHERRY, GHG_CHAIN].includes(t.diagram.key));
        assert.deepEqual(others, []);
      }
    }
  }
});

test('order 2, one epoch of batch-1 SGD (T = N): c₂ = T(T−1)·GHG + (T/2)·H:E[gg] — not the C(T,2) of the old code', () => {
  for (const N of [1, 2, 4, 9, 1000]) {
    const s = sgd({ N, B: 1, E: 1 });
    eq(add(m(GHG_CHERRY, s), m(GHG_CHAIN, s)), r(N * (N - 1)), `N=${N} GHG`);
    eq(m(H_EGG, s), r(N, 2), `N=${N} H:E[gg]`);
    eq(m(G_EHG, s), r(0), `N=${N} G·E[H_x g_x]`);
  }
});

test('GD (B = N, T = N) minus one-epoch batch-1 SGD adds (N−1)/4 · G·∇trC at η²', () => {
  // (N−1)/4 · G·∇trC = (N−1)/2 · (G·E[H_x g_x] − GHG)
  for (const N of [1, 2, 3, 7, 50]) {
    const a = gd({ N, T: N });
    const b = sgd({ N, B: 1, E: 1 });
    const diff = (key: string) => sub(m(key, a), m(key, b));
    eq(diff(G_EHG), r(N - 1, 2), `N=${N} G·E[H_x g_x]`);
    eq(add(diff(GHG_CHERRY), diff(GHG_CHAIN)), r(-(N - 1), 2), `N=${N} GHG`);
    eq(diff(H_EGG), r(0), `N=${N} H:E[gg]`);
  }
});

test('gap multipliers are test minus train, diagram by diagram', () => {
  const s = sgd({ N: 6, B: 2, E: 2, shuffle: 'reshuffle' });
  for (const D of diagrams(3, 'train')) {
    const t = D.rootAlone ? coefficientMultiplier(D, s, 'test') : r(0);
    eq(coefficientMultiplier(D, s, 'gap'), sub(t, coefficientMultiplier(D, s, 'train')), D.key);
  }
});

// ---- predict: values, errors, covariance ----

const s1 = sgd({ N: 10, B: 1, E: 1 }); // T = 10

test('predict: c₀ is the loss at init from key ()(0); c₁ = −T·G·G; the series sums at each η', () => {
  const p = predict({ stats: { values: { '()(0)': 2.5, '(01)(0-1)': 0.5 } }, schedule: s1, order: 1, quantity: 'test', eta: [0.01, 0.1] });
  assert.deepEqual(p.coefficients, [2.5, -5]);
  assert.deepEqual(p.values.map((v) => v.value), [2.5 - 0.05, 2.5 - 0.5]);
  assert.deepEqual(p.stderr, [0, 0]);
  assert.equal(p.terms.length, 2);
  assert.equal(toString(p.terms[1]!.multiplier), '-10');
  assert.equal(p.terms[1]!.contribution, -5);
});

test('predict: standard errors propagate linearly; a covariance adds its cross terms', () => {
  const values = { '()(0)': { mean: 2, stderr: 0.3 }, '(01)(0-1)': { mean: 0.5, stderr: 0.02 } };
  const p = predict({ stats: { values }, schedule: s1, order: 1, quantity: 'test', eta: [0.1] });
  // c₁ = −10·G·G: stderr 10·0.02; at η = 0.1: var = 0.3² + (10·0.1·0.02)².
  assert.ok(Math.abs(p.stderr[1]! - 0.2) < 1e-15);
  assert.ok(Math.abs(p.values[0]!.stderr - Math.sqrt(0.09 + 0.02 ** 2)) < 1e-15);
  // keys in another labeling are fine; the covariance's diagonal replaces the stderrs
  const q = predict({
    stats: { values, covariance: { keys: ['(01)(0-1)', '()(0)'], matrix: [[0.0004, 0.003], [0.003, 0.09]] } },
    schedule: s1,
    order: 1,
    quantity: 'test',
    eta: [0.1],
  });
  // value = c₀ − η·10·G·G: var = 0.09 + 1²·0.0004 − 2·1·0.003
  assert.ok(Math.abs(q.values[0]!.stderr - Math.sqrt(0.09 + 0.0004 - 0.006)) < 1e-15);
  assert.ok(Math.abs(q.coefficientCovariance[0]![1]! - -10 * 0.003) < 1e-15);
});

test('predict: a missing key stops with the list of all missing keys (zero-multiplier ones are not needed)', () => {
  // One epoch: G·E[H_x g_x] has multiplier 0, so it is not asked for.
  assert.throws(
    () => predict({ stats: { values: { '()(0)': 1 } }, schedule: s1, order: 2, quantity: 'test' }),
    (e: unknown) =>
      e instanceof InputError &&
      e.message.includes('missing values for 4 diagrams') &&
      ['(01)(0-1) [G·G]', GHG_CHERRY, GHG_CHAIN, H_EGG].every((k) => e.message.includes(k)) &&
      !e.message.includes(G_EHG),
  );
});

test('predict: the missing-keys error says how to measure them, in the library’s own terms, and carries them as data', () => {
  const missing = (quantity: Quantity) => {
    try {
      predict({ stats: { values: { '()(0)': 1 } }, schedule: s1, order: 2, quantity });
    } catch (e) {
      return e as InputError & { missing?: readonly string[]; statsOrder?: number; statsQuantity?: string };
    }
    assert.fail('predict accepted a stats file without the order-1 and order-2 values');
  };
  const t = missing('test');
  assert.ok(t.message.includes("\nmeasure them with estimateStats({ order: 2, quantity: 'test', … })"), t.message);
  assert.deepEqual([t.missing?.length, t.statsOrder, t.statsQuantity], [4, 2, 'test']);
  // the train loss and the gap need the train-loss diagrams, which stats measure with quantity 'train'
  for (const q of ['train', 'gap'] as const) assert.ok(missing(q).message.includes("estimateStats({ order: 2, quantity: 'train', … })"), q);
});

test('predict: bad input is named — order, quantity, eta, stats fields, duplicate keys', () => {
  const stats = { values: { '()(0)': 1 } };
  const cases: Array<[() => unknown, RegExp]> = [
    [() => predict({ stats, schedule: s1, order: MAX_ORDER + 1, quantity: 'test' }), /`order` must be an integer from 0 to 6, got 7/],
    [() => predict({ stats, schedule: s1, order: -1, quantity: 'test' }), /`order` must be an integer/],
    [() => predict({ stats, schedule: s1, order: 1.5, quantity: 'test' }), /`order` must be an integer/],
    [() => predict({ stats, schedule: s1, order: 0, quantity: 'loss' as never }), /`quantity` must be 'test', 'train' or 'gap'/],
    [() => predict({ stats, schedule: s1, order: 0, quantity: 'test', eta: [NaN] }), /`eta`\[0\] must be a positive finite number/],
    [() => predict({ stats, schedule: s1, order: 0, quantity: 'test', eta: [-1] }), /`eta`\[0\] must be a positive finite number, got -1/],
    [() => parseStats({}), /expected an object with a "values" object/],
    [() => parseStats({ values: { '(01)(0-1)': 'x' } }), /values\["\(01\)\(0-1\)"\] must be a finite number/],
    [() => parseStats({ values: { '(01)(0-1)': { mean: 1, stderr: -1 } } }), /stderr must be a finite number ≥ 0/],
    [() => parseStats({ values: { '(01-02)(0-12)': 1, '(02-01)(0-21)': 2 } }), /name the same diagram/],
    [() => parseStats({ values: { '(01)(0-2)': 1 } }), /stats: values key "\(01\)\(0-2\)": parts name 2 nodes/],
    [() => parseStats({ values: { '()(0)': 1 }, covariance: { keys: ['(01)(0-1)'], matrix: [[1]] } }), /has no entry in "values"/],
    [() => parseStats({ values: { '()(0)': 1 }, covariance: { keys: ['()(0)'], matrix: [[1, 2]] } }), /matrix\[0\] must be 1 finite numbers/],
    [() => parseStats({ values: { '()(0)': 1, '(01)(0-1)': 1 }, covariance: { keys: ['()(0)', '(01)(0-1)'], matrix: [[1, 2], [3, 1]] } }), /not symmetric/],
  ];
  for (const [f, msg] of cases) assert.throws(f, (e: unknown) => e instanceof InputError && msg.test(e.message), String(msg));
});

test('train and gap series share the test diagrams and add tied-root ones', () => {
  const s = sgd({ N: 4, B: 2, E: 2 });
  const keys = (q: Quantity) => new Set(seriesTerms(s, 3, q).map((t) => t.diagram.key));
  const test = keys('test');
  const train = keys('train');
  assert.ok([...test].every((k) => train.has(k)));
  assert.ok(train.has('(01)(01)') && !test.has('(01)(01)'));
  assert.ok(!keys('gap').has('()(0)')); // c₀ of the gap is 0: the loss at init cancels
});
