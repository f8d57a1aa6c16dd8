/** @file Executors deliver every task once, in index order, with the same results in this thread and on worker threads; checkpointed runs resume without losing or repeating a chunk. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/index.ts';
import { checkpointed, executorFor, handlerUrl, indexed, inThread, workerThreads, type Executor } from './index.ts';

const handler = new URL('./fixture-worker.ts', import.meta.url);
type Task = { index: number; delayMs: number };
type Result = { index: number; value: number; thread: number; scale: number };
// Later chunks finish first, so out-of-order completion is exercised.
const tasks: Task[] = Array.from({ length: 12 }, (_, i) => ({ index: i, delayMs: (12 - i) * 3 }));

async function collect(ex: Executor) {
  const out: { i: number; value: number; thread: number; scale: number }[] = [];
  for await (const [i, r] of ex.run<{ scale: number }, Task, Result>({ handler, context: { scale: 2 }, tasks, count: tasks.length })) {
    out.push({ i, value: r.value, thread: r.thread, scale: r.scale });
    assert.equal(r.index, i);
  }
  return out;
}

test('in-thread and 2-worker runs give identical results in index order, each task seeing the shared context', async () => {
  const a = await collect(inThread());
  const b = await collect(workerThreads(2));
  assert.deepEqual(a.map((r) => r.i), [...tasks.keys()]);
  assert.deepEqual(b.map((r) => r.i), [...tasks.keys()]);
  assert.deepEqual(b.map((r) => r.value), a.map((r) => r.value));
  assert.ok([...a, ...b].every((r) => r.scale === 2), 'the context reaches every task');
  assert.ok(a.every((r) => r.thread === 0), 'inThread runs in the main thread');
  assert.ok(new Set(b.map((r) => r.thread)).size === 2 && b.every((r) => r.thread > 0), 'two worker threads shared the chunks');
  assert.equal(executorFor(0).description, 'this thread');
});

test('tasks are drawn lazily: a job of 10¹² tasks starts without planning them', async () => {
  let made = 0;
  const many = indexed(1e12, (i) => (made++, { index: i, delayMs: 0 }));
  let seen = 0;
  for await (const [i] of workerThreads(2).run<{ scale: number }, Task, Result>({ handler, context: { scale: 1 }, tasks: many, count: 1e12 })) {
    if (++seen === 3 || i >= 2) break;
  }
  assert.ok(made <= 8, `only a window of tasks was made (${made})`);
});

test('bad input found in a worker thread arrives as an InputError, not as a bug', async () => {
  const bad = [{ index: 1000, delayMs: 0 }];
  for (const ex of [inThread(), workerThreads(1)]) {
    await assert.rejects(async () => {
      for await (const _ of ex.run({ handler, context: { scale: 1 }, tasks: bad, count: 1 })) void _;
    }, (e: unknown) => e instanceof InputError && /bad input found in a thread/.test((e as Error).message));
  }
});

test('a failing chunk rejects the whole run with its error', async () => {
  const bad = [...tasks.slice(0, 3), { index: -1, delayMs: 0 }];
  for (const ex of [inThread(), workerThreads(2)]) {
    await assert.rejects(async () => {
      for await (const _ of ex.run({ handler, context: { scale: 1 }, tasks: bad, count: bad.length })) void _;
    }, /chunk -1 refused/);
  }
});

test('checkpointed: a run stopped after 5 of 12 chunks and resumed folds each chunk exactly once, as an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perturb-ckpt-'));
  const path = join(dir, 'ck.json');
  const results = (from: number) => inThread().run<{ scale: number }, Task, Result>({ handler, context: { scale: 1 }, tasks: tasks.slice(from), count: tasks.length - from });
  const base = { where: 'test', identity: 'a', initial: () => ({ sum: 0, seen: [] as number[] }), chunks: tasks.length, saveEveryMs: 0,
    fold: (s: { sum: number; seen: number[] }, r: Result, i: number) => { s.sum += r.value; s.seen.push(i); } };
  const whole = await checkpointed({ ...base, path: null, resume: false, results });
  // Stop after chunk 4 by throwing from the fold of chunk 5 (its result is not folded).
  await assert.rejects(checkpointed({ ...base, path, resume: false, results,
    fold: (s, r, i) => { if (i === 5) throw new Error('stop'); base.fold(s, r, i); } }), /stop/);
  await assert.rejects(checkpointed({ ...base, path, resume: false, results }), /holds an unfinished run \(ck.json\); continue it with `resume`/);
  await assert.rejects(checkpointed({ ...base, identity: 'b', path, resume: true, results }), /belongs to a different run/);
  const resumed = await checkpointed({ ...base, path, resume: true, results });
  assert.equal(resumed.resumedAt, 5);
  assert.deepEqual(resumed.state.seen, [...tasks.keys()]);
  assert.equal(resumed.state.sum, whole.state.sum);
  writeFileSync(path, '{"identity": "a", "chunks');
  await assert.rejects(checkpointed({ ...base, path, resume: true, results }), /checkpoint .* cannot be read .*remove it to start again/);
});

test('handlerUrl names the .ts handler beside a source module and the compiled .js beside a built one', () => {
  assert.equal(handlerUrl('./worker.ts', 'file:///p/src/stats/run.ts').href, 'file:///p/src/stats/worker.ts');
  assert.equal(handlerUrl('./worker.ts', 'file:///p/dist/stats/run.js').href, 'file:///p/dist/stats/worker.js');
  assert.equal(handlerUrl('./theta0-worker.mts', 'file:///p/dist/sim/run.mjs').href, 'file:///p/dist/sim/theta0-worker.mjs');
});
