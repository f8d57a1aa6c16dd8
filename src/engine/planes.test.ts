/**
 * @file The plane algebra's combinatorics (planes.ts): set partitions, subsets, and which
 * planes products and smooth functions can populate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closurePlanes, livePartitions, popcount, productPlanes, setPartitions, subsets } from './planes.ts';

const full = (n: number) => (1 << n) - 1;

test('the set partitions of an n-set number the Bell numbers 1, 1, 2, 5, 15, 52, 203', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((n) => setPartitions(full(n)).length), [1, 1, 2, 5, 15, 52, 203]);
});

test('each set partition covers its set with disjoint nonempty blocks, and none is listed twice', () => {
  for (const s of [0b1, 0b1011, 0b11111, 0b101101]) {
    const seen = new Set<string>();
    for (const p of setPartitions(s)) {
      let union = 0;
      for (const b of p) {
        assert.ok(b !== 0, 'empty block');
        assert.equal(union & b, 0, 'overlapping blocks');
        union |= b;
      }
      assert.equal(union, s);
      const key = [...p].sort((a, b) => a - b).join(',');
      assert.ok(!seen.has(key), `partition ${key} listed twice`);
      seen.add(key);
    }
  }
  // {1,2}: {12} and {1}{2}, as bitmasks
  assert.deepEqual(setPartitions(0b11), [[0b11], [0b01, 0b10]]);
  assert.deepEqual(setPartitions(0), [[]]);
});

test('subsets lists all 2^|s| sub-masks in increasing order; popcount counts bits', () => {
  assert.deepEqual(subsets(0b101), [0b000, 0b001, 0b100, 0b101]);
  assert.deepEqual(subsets(0), [0]);
  assert.equal(subsets(0b110111).length, 32);
  assert.deepEqual([0, 1, 0b1011, 0b111111, 0x80000000 | 0].map(popcount), [0, 1, 3, 6, 1]);
});

test('productPlanes: a product has the disjoint unions of its factors\' planes', () => {
  // dual × dual in different directions: ∅, ε₁, ε₂, ε₁ε₂
  assert.deepEqual(productPlanes([0, 1], [0, 2]), [0, 1, 2, 3]);
  // ε₁² = 0, so the same direction on both sides gives no new plane
  assert.deepEqual(productPlanes([0, 1], [0, 1]), [0, 1]);
  // a constant times anything keeps its planes
  assert.deepEqual(productPlanes([0], [0, 2, 5]), [0, 2, 5]);
  // θ (∅ and the single directions, m = 3) with itself: the empty set, singletons and pairs, not {1,2,3}
  assert.deepEqual(productPlanes([0, 1, 2, 4], [0, 1, 2, 4]), [0, 1, 2, 3, 4, 5, 6]);
  // ε₁ · ε₁ = 0: without ∅ on either side and with overlapping planes, nothing survives
  assert.deepEqual(productPlanes([1], [1]), []);
});

test('closurePlanes: f(x) has ∅ and every disjoint union of x\'s nonempty planes', () => {
  assert.deepEqual(closurePlanes([0]), [0]);
  assert.deepEqual(closurePlanes([0, 1, 2, 4]), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(closurePlanes([0, 3]), [0, 3]);
  // {1,2} and {2,4} overlap, so only each alone (and ∅)
  assert.deepEqual(closurePlanes([0b011, 0b110]), [0, 0b011, 0b110]);
  assert.deepEqual(closurePlanes([0b001, 0b110]), [0, 0b001, 0b110, 0b111]);
  // ∅ is always there, even when x lacks it
  assert.deepEqual(closurePlanes([2]), [0, 2]);
});

test('livePartitions keeps the partitions whose blocks are all planes of x', () => {
  const all = new Set([0, 1, 2, 3]);
  assert.deepEqual(livePartitions(0b11, all), [[0b11], [0b01, 0b10]]);
  // x = θ-like (no plane {1,2}): only the partition into singletons survives
  assert.deepEqual(livePartitions(0b11, new Set([0, 1, 2])), [[0b01, 0b10]]);
  // x has the pair but not ε₂: only the single block
  assert.deepEqual(livePartitions(0b11, new Set([0, 1, 3])), [[0b11]]);
  // a 3-set with all planes live: Bell(3) = 5
  assert.equal(livePartitions(0b111, new Set([0, 1, 2, 3, 4, 5, 6, 7])).length, 5);
});
