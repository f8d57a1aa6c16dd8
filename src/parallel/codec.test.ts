/** @file encodePlain / decodePlain: plain data through text bit for bit, where JSON alone is not exact. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePlain, encodePlain } from './index.ts';

test('typed arrays, NaN, ±Infinity and −0 come back exactly; other numbers as JSON writes them', () => {
  const f = new Float64Array([0.1, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, -1 / 3]);
  const value = {
    f, i: new Int32Array([-7, 2 ** 31 - 1]), u: new Uint8Array([0, 255]), g: new Float32Array([1.5]),
    nested: [{ x: -0, y: NaN, z: [Infinity, 1e-300] }], s: 'perturb:typed', n: null, b: true,
  };
  const back = decodePlain<typeof value>(encodePlain(value));
  assert.ok(back.f instanceof Float64Array && back.i instanceof Int32Array && back.u instanceof Uint8Array && back.g instanceof Float32Array);
  // Bit patterns, not just ===: NaN and −0 included.
  assert.deepEqual(new Uint8Array(back.f.buffer), new Uint8Array(f.buffer));
  assert.deepEqual([...back.i], [-7, 2 ** 31 - 1]);
  assert.ok(Object.is(back.nested[0]!.x, -0));
  assert.ok(Number.isNaN(back.nested[0]!.y));
  assert.deepEqual(back.nested[0]!.z, [Infinity, 1e-300]);
  assert.equal(back.s, 'perturb:typed');
  assert.deepEqual([back.n, back.b], [null, true]);
  // JSON alone would have lost them: the check has teeth.
  const plain = JSON.parse(JSON.stringify({ x: -0, y: NaN, f: [...f] }));
  assert.ok(!Object.is(plain.x, -0) && plain.y === null && plain.f[3] === null);
});

test('a typed array that is a view into a larger buffer travels as its own elements', () => {
  const big = new Float64Array([1, 2, 3, 4, 5]);
  const view = big.subarray(1, 3);
  assert.deepEqual([...decodePlain<Float64Array>(encodePlain(view))], [2, 3]);
});

test('what is not plain data is refused, naming it', () => {
  assert.throws(() => encodePlain({ m: new Map() }), /a Map is not plain data/);
  assert.throws(() => encodePlain({ b: 1n }), /a bigint is not plain data/);
  assert.throws(() => encodePlain({ f: () => 1 }), /a function is not plain data/);
  assert.throws(() => encodePlain(new BigInt64Array(1)), /a BigInt64Array is not plain data/);
});
