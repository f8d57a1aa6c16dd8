/**
 * @file Claims about the statistics file (src/theory/stats-file.ts): what `parseStats` refuses, and
 * that every message names the file, the field's path and what was expected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../core/index.ts';
import { sgd } from '../core/index.ts';
import { resolveLandscape } from '../landscapes/index.ts';
import { estimateStats } from '../stats/index.ts';
import { parseStats, predict } from './index.ts';

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

test('unknown fields are refused with their path and the allowed names: a typo is not an exact value', () => {
  // "stdev" for "stderr": before, this was read as an exact 0.5.
  refuses({ values: { '(01)(0-1)': { mean: 0.5, stdev: 0.1 } } }, `${F}: unknown field values["(01)(0-1)"].stdev`, 'allowed: mean, stderr');
  refuses({ values: { '()(0)': 1 }, valeus: {} }, `${F}: unknown field valeus`, 'allowed: values, covariance,');
  refuses({ values: { '()(0)': 1 }, covariance: { keys: ['()(0)'], matrix: [[1]], note: 'x' } }, `${F}: unknown field covariance.note`, 'allowed: keys, matrix');
});

test('the files perturb stats writes parse, exact and sampled, with covariance and a provenance field', async () => {
  const gauss = await resolveLandscape('gauss');
  const exact = await estimateStats({ landscape: gauss, order: 2, quantity: 'train', exact: true, covariance: true });
  const sampled = await estimateStats({ landscape: gauss, order: 2, quantity: 'train', samples: 64, seed: 1, workers: 0, covariance: true });
  for (const r of [exact, sampled]) {
    const s = parseStats({ ...r, perturb: { version: '0.0.0' } }, F);
    assert.equal(s.mean.size, Object.keys(r.values).length);
    // exact values vary with nothing: their covariance block is empty
    assert.equal(s.covarianceKeys.length, r.mode === 'exact' ? 0 : s.mean.size);
  }
});

test('a number out of range (1e400 parses as Infinity) is named as not finite, with its path', () => {
  const parse = (text: string) => JSON.parse(text) as unknown;
  refuses(parse('{ "values": { "(01)(0-1)": 1e400 } }'), `${F}: values["(01)(0-1)"] is not a finite number`, 'Infinity');
  refuses(parse('{ "values": { "(01)(0-1)": { "mean": -1e400 } } }'), `${F}: values["(01)(0-1)"].mean is not a finite number`, '-Infinity');
  refuses(parse('{ "values": { "(01)(0-1)": { "mean": 1, "stderr": 1e400 } } }'), `${F}: values["(01)(0-1)"].stderr is not a finite number`);
  refuses(
    parse('{ "values": { "()(0)": 1, "(01)(0-1)": 1 }, "covariance": { "keys": ["()(0)", "(01)(0-1)"], "matrix": [[1, 0], [0, 1e400]] } }'),
    `${F}: covariance.matrix[1][1] is not a finite number`,
  );
  // the messages never show JSON's rendering of Infinity
  assert.throws(() => parseStats(parse('{ "values": { "(01)(0-1)": { "mean": 1e400 } } }'), F), (e: unknown) => !(e as Error).message.includes('null'));
});

test('a bad diagram key names the file and the place: a values key or a covariance key', () => {
  refuses({ values: { '(01)(0-1)': 1, '(01-0)(0-1)': 2 } }, `${F}: values key "(01-0)(0-1)": edge '0' must be two node digits, parent then child`);
  refuses({ values: { '(01)(0-2)': 1 } }, `${F}: values key "(01)(0-2)": parts name`);
  refuses({ values: { '(01)(0-1)': 1 }, covariance: { keys: ['(01)(0-1)', '(0!)(0-1)'], matrix: [[1, 0], [0, 1]] } }, `${F}: covariance.keys[1] "(0!)(0-1)": '!' is not a node digit`);
  refuses({ values: { '(01)(0-1)': 1 }, covariance: { keys: [7], matrix: [[1]] } }, `${F}: covariance.keys[0] must be a diagram key string, got 7`);
  // and the key error is not repeated: the place is said once
  assert.throws(() => parseStats({ values: { '(01-0)(0-1)': 2 } }, F), (e: unknown) => !(e as Error).message.includes("diagram key '"));
});
