/**
 * @file Claims about the statistics file (src/theory/stats-file.ts): what `parseStats` refuses, and
 * that every message names the file, the field's path and what was expected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../core/index.ts';
import { parseStats, predict } from './index.ts';
import { sgd } from '../core/index.ts';

const F = "stats file 'f.json'";
/** parseStats(json, F) throws an InputError whose message matches every pattern. */
function refuses(json: unknown, ...patterns: Array<RegExp | string>): void {
  assert.throws(
    () => parseStats(json, F),
    (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      for (const p of patterns) {
        if (typeof p === 'string') assert.ok(e.message.includes(p), `expected "${p}" in: ${e.message}`);
        else assert.match(e.message, p);
      }
      return true;
    },
  );
}

test('a covariance that is not positive semi-definite is refused, naming the keys and the smallest eigenvalue', () => {
  // [[1, 2], [2, 1]] has eigenvalues 3 and −1 (eigenvector (1, −1)/√2): the combination
  // ()(0) − (01)(0-1) would have variance 1 + 1 − 2·2 = −2 — a stderr of 0 would pass it off as exact.
  const values = { '()(0)': 1, '(01)(0-1)': 0.5 };
  refuses(
    { values, covariance: { keys: ['()(0)', '(01)(0-1)'], matrix: [[1, 2], [2, 1]] } },
    `${F}: covariance.matrix`, 'not positive semi-definite', 'smallest eigenvalue is -1', '"()(0)"', '"(01)(0-1)"',
  );
  // Zero diagonal, nonzero coupling: eigenvalues ±1e-3, refused however small the scale.
  refuses({ values, covariance: { keys: ['()(0)', '(01)(0-1)'], matrix: [[0, 1e-3], [1e-3, 0]] } }, 'not positive semi-definite');
});

test('a covariance that is PSD up to rounding is accepted: rank one, and the all-zero covariance of exact values', () => {
  // Perfectly correlated estimates: Σ = s sᵀ is singular, its computed eigenvalues may be −1e-17 or so.
  const s = [0.1, 0.3, 0.7];
  const keys = ['()(0)', '(01)(0-1)', '(01)(01)'];
  const values = Object.fromEntries(keys.map((k) => [k, 1]));
  const stats = parseStats({ values, covariance: { keys, matrix: s.map((a) => s.map((b) => a * b)) } }, F);
  assert.equal(stats.covariance[2]![2], 0.7 * 0.7);
  parseStats({ values, covariance: { keys, matrix: keys.map(() => keys.map(() => 0)) } }, F);
  // ...and such a covariance gives a nonnegative variance to every combination predict forms.
  const p = predict({ stats: { values, covariance: { keys, matrix: s.map((a) => s.map((b) => a * b)) } }, schedule: sgd({ N: 4 }), order: 1, quantity: 'train', eta: [0.1] });
  assert.ok(p.values[0]!.stderr >= 0);
});
