/**
 * @file A convnet simulation's files do not depend on how its work is cut: trials per chunk
 * (1, 5, 24), worker threads (0, 2), and the engine's batches (the θ₀ pass over 70,000 images and
 * each trial's test points run as batch calls; a batch's per-sample values are the bits of
 * single-sample calls, src/engine/batch.test.ts). The trials go through the WebAssembly GEMM
 * tiles, im2col and tanh of every layer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'perturb-sim-batching-'));
const files = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]));

test('fmnist-convnet: identical files for 1, 5 and 24 trials per chunk and for 0 and 2 workers', async () => {
  // theta0Cache false: the θ₀ pass is made here (not read from an earlier run's θ₀ cache), and
  // nothing is written to the user's cache directory.
  const base = { landscape: { spec: 'fmnist-convnet' }, optimizers: ['sgd' as const, 'gd' as const], eta: [0.01, 0.05], N: 4, B: 1, T: 4, testPoints: 8, trials: 24, seed: 77, theta0Cache: false };
  const runs: [string, number, number][] = [['c1-w0', 1, 0], ['c5-w2', 5, 2], ['c24-w0', 24, 0], ['c5-w0', 5, 0]];
  const out: Record<string, Record<string, string>> = {};
  for (const [name, chunkSize, workers] of runs) {
    const d = join(dir, name);
    await simulate({ ...base, chunkSize, workers, out: d });
    out[name] = files(d);
  }
  const first = out['c1-w0']!;
  for (const [name] of runs.slice(1)) assert.deepEqual(out[name], first, `${name} differs from 1 trial per chunk, in this thread`);
  // the trials differ from each other and moved: the comparison is of real numbers
  const lines = first['trials.jsonl']!.trim().split('\n').map((l) => JSON.parse(l) as { test: number; trial: number });
  assert.equal(lines.length, 24 * 4);
  assert.ok(new Set(lines.map((l) => l.test)).size > 80, 'distinct test losses');
});
