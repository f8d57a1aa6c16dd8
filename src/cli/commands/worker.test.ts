/** @file `perturb worker` and `--redis` from the command line: a stats run through a worker equals a local one; bad flags and an unreachable Redis exit 2 with nothing written. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PERTURB_BIN, spawnWorker, startRedis, type TestRedis } from '../../testing/index.ts';

const run = (...args: string[]) => spawnSync(process.execPath, [PERTURB_BIN, ...args], { encoding: 'utf8' });
/** The same, without blocking this process (a worker child must keep being read). */
const runAsync = (...args: string[]) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
  const c = spawn(process.execPath, [PERTURB_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  c.once('exit', (status) => resolve({ status, stderr }));
});
const dir = mkdtempSync(join(tmpdir(), 'perturb-worker-cli-'));

let redis: TestRedis;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis.stop();
});

test('perturb stats --redis through a perturb worker writes the same file as perturb stats here', async () => {
  const w = spawnWorker(['--redis', redis.url, '--queue', 'cli', '--concurrency', '2']);
  try {
    await w.waitFor(/serving queue 'cli' at redis:\/\/127\.0\.0\.1:\d+ with 2 threads/);
    const args = ['stats', '--landscape', 'mean-estimation', '--order', '2', '--samples', '3000', '--seed', '9', '--quiet'];
    const q = await runAsync(...args, '--redis', redis.url, '--queue', 'cli', '--out', join(dir, 'q.json'));
    assert.equal(q.status, 0, q.stderr);
    const l = run(...args, '--workers', '0', '--out', join(dir, 'l.json'));
    assert.equal(l.status, 0, l.stderr);
    assert.equal(readFileSync(join(dir, 'q.json'), 'utf8'), readFileSync(join(dir, 'l.json'), 'utf8'));
    assert.match(w.log(), /job \S+ \(stats\/worker, from \S+\) started/);
  } finally {
    w.child.kill('SIGKILL');
  }
});

test('perturb reproduce --redis: the panel files equal a local run’s', async () => {
  const w = spawnWorker(['--redis', redis.url, '--queue', 'rep', '--concurrency', '2']);
  try {
    await w.waitFor(/serving queue 'rep'/);
    const q = await runAsync('reproduce', 'archimedes', '--preset', 'demo', '--redis', redis.url, '--queue', 'rep', '--out', join(dir, 'rep-q'), '--quiet');
    assert.equal(q.status, 0, q.stderr);
    const l = await runAsync('reproduce', 'archimedes', '--preset', 'demo', '--out', join(dir, 'rep-l'), '--quiet');
    assert.equal(l.status, 0, l.stderr);
    for (const f of ['panels/archimedes.json', 'archimedes.json', 'archimedes.csv']) {
      assert.equal(readFileSync(join(dir, 'rep-q', f), 'utf8'), readFileSync(join(dir, 'rep-l', f), 'utf8'), f);
    }
    assert.match(w.log(), /job \S+ \(sim\/worker, from \S+\) started/);
  } finally {
    w.child.kill('SIGKILL');
  }
});

test('an unreachable Redis: exit 2 at submit naming --redis and the URL, no stack trace, nothing written', () => {
  const out = join(dir, 'never');
  const r = run('simulate', '--landscape', 'gauss', '--optimizer', 'sgd', '--eta', '0.1', '--N', '4', '--trials', '4', '--redis', 'redis://127.0.0.1:1', '--out', out, '--quiet');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^perturb: simulate: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\): start redis-server there, or give another --redis\n$/);
  assert.ok(!existsSync(out));
});

test('bad queue flags exit 2 naming the flag', async () => {
  const sim = ['simulate', '--landscape', 'gauss', '--optimizer', 'sgd', '--eta', '0.1', '--N', '4', '--trials', '4', '--out', join(dir, 'x'), '--quiet'];
  // Started together: each is a second of start-up.
  const [both, url, w, s, q] = await Promise.all([
    runAsync(...sim, '--workers', '2', '--redis', redis.url),
    runAsync('stats', '--landscape', 'gauss', '--order', '2', '--samples', '10', '--redis', 'localhost:6379'),
    runAsync('worker', '--redis', 'http://x'),
    runAsync('worker', '--redis', redis.url, '--stall-seconds', '0.1'),
    runAsync('worker', '--redis', redis.url, '--queue', 'a:b'),
  ]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /simulate: give --workers \(threads here\) or --redis \(a queue's workers\), not both/);
  assert.equal(url.status, 2);
  assert.match(url.stderr, /^perturb: stats: --redis must be a redis:\/\/ or rediss:\/\/ URL, got 'localhost:6379'\n$/);
  assert.equal(w.status, 2);
  assert.match(w.stderr, /^perturb: worker: --redis must be a redis:\/\/ or rediss:\/\/ URL, got 'http:\/\/x'\n$/);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /worker: --stall-seconds must be a number of seconds from 0\.5 to 3600, got 0\.1/);
  assert.equal(q.status, 2);
  assert.match(q.stderr, /worker: --queue must be letters, digits/);
  assert.ok(!existsSync(join(dir, 'x')));
});
