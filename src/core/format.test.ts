/** @file Number formats and text tables: what the CLI's tables are made of. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactFormat, formatExact, formatNumber, formatStderr, textTable, zeroUpToRounding } from './format.ts';

test('numbers keep their significant digits and drop trailing zeros; null is a dash', () => {
  assert.equal(formatNumber(0.5402340123), '0.540234');
  assert.equal(formatExact(Math.SQRT1_2), '0.707106781187');
  assert.equal(formatStderr(0.000123456), '0.00012');
  assert.equal(formatNumber(2.5), '2.5');
  assert.equal(formatNumber(null), '–');
  assert.equal(formatNumber(Number.NaN), 'NaN');
});

test('tables align columns by code points: left columns padded right, the others padded left', () => {
  const t = textTable([['η', 'value'], ['0.05', '1.5'], ['0.1', '12']], { left: 1, indent: '  ' });
  assert.equal(t, '  η     value\n  0.05    1.5\n  0.1      12\n');
  assert.equal(textTable([['a', 'bb'], ['ccc', 'd']]), 'a    bb\nccc  d\n');
});

test('a table of 300,000 rows is made without overflowing the call stack', () => {
  const rows = Array.from({ length: 300_000 }, (_, i) => [String(i), 'x']);
  const t = textTable(rows);
  assert.equal(t.split('\n').length, 300_001);
  assert.ok(t.startsWith('0       x\n'));
});

test('an exact value zero up to rounding at its scale is 0, and the note appears once, only if one was', () => {
  assert.ok(zeroUpToRounding(4.4e-16, 0.5) && !zeroUpToRounding(1e-9, 0.5) && zeroUpToRounding(0, 0) && !zeroUpToRounding(1e-300, 0));
  const z = exactFormat();
  assert.equal(z.format(0.25, 0.5), '0.25');
  assert.equal(z.note('0.5'), ''); // nothing shown as 0 yet (an exact 0 is not rounding either)
  assert.equal(z.format(0, 0.5), '0');
  assert.equal(z.note('0.5'), '');
  assert.equal(z.format(-1.2e-18, 100), '0');
  assert.equal(z.format(-1.2e-18, 0), '-1.2e-18'); // at scale 0 nothing is rounding
  assert.equal(z.note('0.5', '  '), '  values below 1e-12 × 0.5 are shown as 0 (zero up to rounding)\n');
});
