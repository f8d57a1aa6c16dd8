/**
 * @file Claims about the JavaScript loops of kernels.ts: the run-wise scatter-add of a broadcast's
 * transpose gives scatterAdd's bits exactly (same additions, same order), including a map that
 * revisits an entry in a later run; short runs keep the plain loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniformStream } from '../testing/index.ts';
import { mapRuns, scatterAdd, scatterAddRuns } from './kernels.ts';

test('scatterAddRuns adds each run in a register in scatterAdd’s order: the same bits, a revisited entry included', () => {
  // runs 0×5, 1×6, 0×4 (revisits 0), 2×9, 1×8: values of mixed magnitudes so any reordering shows
  const map = Int32Array.from([...Array(5).fill(0), ...Array(6).fill(1), ...Array(4).fill(0), ...Array(9).fill(2), ...Array(8).fill(1)]);
  const runs = mapRuns(map);
  assert.deepEqual(Array.from(runs!), [0, 5, 0, 5, 11, 1, 11, 15, 0, 15, 24, 2, 24, 32, 1]);
  const u = uniformStream(11);
  const z = Float64Array.from({ length: 3 + map.length }, (_, i) => (u() - 0.5) * 10 ** ((i % 7) - 3));
  const x0 = Float64Array.from({ length: 5 }, () => u() * 1e3);
  const a = Float64Array.from(x0), b = Float64Array.from(x0);
  scatterAdd(map.length)(a, 1, map, z, 3);
  scatterAddRuns(runs!)(b, 1, runs!, z, 3);
  assert.deepEqual(new BigUint64Array(b.buffer), new BigUint64Array(a.buffer));
  assert.notDeepEqual(Array.from(a), Array.from(x0));
});

test('mapRuns: null where runs are short (a transpose-like map), so the plain loop stays', () => {
  assert.equal(mapRuns(Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2])), null);
  assert.equal(mapRuns(Int32Array.from([0, 0, 1, 1, 2, 2])), null);
  assert.notEqual(mapRuns(Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1])), null);
});
