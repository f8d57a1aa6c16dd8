/** @file mapChunks delivers every chunk once, in index order, with the same results for any number of workers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapChunks } from './index.ts';

const worker = new URL('./fixture-worker.ts', import.meta.url);
// Later chunks finish first, so out-of-order completion is exercised.
const tasks = Array.from({ length: 12 }, (_, i) => ({ index: i, delayMs: (12 - i) * 3 }));

async function collect(workers: number) {
  const out: { i: number; value: number; thread: number }[] = [];
  const progress: number[] = [];
  for await (const [i, r] of mapChunks<(typeof tasks)[number], { index: number; value: number; thread: number }>({ worker, tasks, workers, onProgress: (d) => progress.push(d) })) {
    out.push({ i, value: r.value, thread: r.thread });
    assert.equal(r.index, i);
  }
  return { out, progress };
}

test('in-thread and 2-worker runs give identical results in index order', async () => {
  const a = await collect(0);
  const b = await collect(2);
  assert.deepEqual(a.out.map((r) => r.i), [...tasks.keys()]);
  assert.deepEqual(b.out.map((r) => r.value), a.out.map((r) => r.value));
  assert.deepEqual(b.progress, [...tasks.keys()].map((i) => i + 1));
  assert.ok(a.out.every((r) => r.thread === 0), 'workers: 0 runs in the main thread');
  assert.ok(new Set(b.out.map((r) => r.thread)).size === 2 && b.out.every((r) => r.thread > 0), 'two worker threads shared the chunks');
});

test('a failing chunk rejects the whole run with its error', async () => {
  const bad = [...tasks.slice(0, 3), { index: -1, delayMs: 0 }];
  await assert.rejects(async () => {
    for await (const _ of mapChunks({ worker, tasks: bad, workers: 2 })) void _;
  }, /chunk -1 refused/);
});
