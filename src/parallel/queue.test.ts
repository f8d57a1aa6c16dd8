/**
 * @file The Redis queue against a real redis-server (persistence off, a free loopback port):
 * simulate and stats give byte-identical files to a local run; a worker killed mid-job loses
 * nothing; a resubmitted run collects finished jobs instead of running them again; a worker
 * refuses a job whose user module differs; a worker waits out a Redis restart; SIGTERM finishes
 * the running job; an unreachable Redis is bad input at submit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateStats } from '../stats/index.ts';
import { simulate, type SimulateOptions } from '../sim/index.ts';
import { PERTURB_BIN, startRedis, spawnWorker, type TestRedis } from '../testing/index.ts';
import { redisQueue, startWorker, workerThreads, inThread, type QueueWorker } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'perturb-queue-'));
const files = (d: string) => ['trials.jsonl', 'summary.json', 'summary.csv'].map((f) => readFileSync(join(d, f), 'utf8'));
/** The jobs a worker's log says it finished. */
const doneIn = (log: string) => [...log.matchAll(/job (\S+) done in/g)].map((m) => m[1]!);

const api = fileURLToPath(new URL('../index.ts', import.meta.url));
/** A one-parameter user landscape module with two atoms, written to `name` in the test directory. */
function lineModule(name: string, extra = ''): string {
  const path = join(dir, name);
  writeFileSync(path, `import { add, defineLandscape, mul, reshape, scale } from ${JSON.stringify(api)};
export default defineLandscape({
  name: 'line', P: 1, data: { x: [] },
  loss: (t, { x }) => { const w = reshape(t, []); return add(scale(mul(w, w), 0.5), mul(x!, w)); },
  init: [0.3], atoms: { values: { x: [-1, 1] } },
});
${extra}`);
  return path;
}

let redis: TestRedis;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis.stop();
});

/** GAUSS with chunks of ~0.7 s of work each (100 trials of T = 400), so a worker can be killed in the middle of one. */
const SLOW: Omit<SimulateOptions, 'out'> = {
  landscape: { spec: 'gauss' }, optimizers: ['sgd', 'gd'], eta: [0.05], N: 20, T: 400, trials: 600, seed: 7, chunkSize: 100,
};
let slowLocal: string;
before(async () => {
  slowLocal = join(dir, 'slow-local');
  await simulate({ ...SLOW, executor: workerThreads(2), out: slowLocal });
});

describe('redisQueue with in-process workers', () => {
  let worker: QueueWorker;
  before(async () => {
    worker = await startWorker({ redis: redis.url, queue: 'inproc', concurrency: 2 });
  });
  after(async () => {
    await worker.close();
  });
  const q = () => redisQueue({ redis: redis.url, queue: 'inproc' });

  test('simulate: the files equal a local run’s byte for byte (a built-in; a user module with its l(θ₀) pass over atoms)', async () => {
    const o: Omit<SimulateOptions, 'out'> = { landscape: { spec: 'gauss' }, optimizers: ['sgd', 'gd', 'gdc'], eta: [0.05, 0.2], N: 10, T: 30, trials: 120, seed: 3, chunkSize: 16 };
    await simulate({ ...o, executor: q(), out: join(dir, 'sim-q') });
    await simulate({ ...o, executor: inThread(), out: join(dir, 'sim-l') });
    assert.deepEqual(files(join(dir, 'sim-q')), files(join(dir, 'sim-l')));
    // Test points drawn from the atoms: l_a(θ₀) of every atom is a job too.
    const u: Omit<SimulateOptions, 'out'> = { landscape: { spec: lineModule('line-sim.mts') }, optimizers: ['sgd', 'gd'], eta: [0.1], N: 6, trials: 90, testPoints: 5, seed: 4, chunkSize: 8 };
    await simulate({ ...u, executor: q(), out: join(dir, 'user-q') });
    await simulate({ ...u, executor: inThread(), out: join(dir, 'user-l') });
    assert.deepEqual(files(join(dir, 'user-q')), files(join(dir, 'user-l')));
    assert.match(files(join(dir, 'user-q'))[1]!, /"theta0Loss"/);
  });

  test('stats: the stats file equals a local run’s byte for byte (covariance, 9 chunks)', async () => {
    const o = { landscape: { spec: 'gauss' }, order: 3, quantity: 'test' as const, samples: 4000, seed: 5, chunkSize: 450, covariance: true };
    await estimateStats({ ...o, executor: q(), out: join(dir, 'stats-q.json') });
    await estimateStats({ ...o, executor: inThread(), out: join(dir, 'stats-l.json') });
    assert.equal(readFileSync(join(dir, 'stats-q.json'), 'utf8'), readFileSync(join(dir, 'stats-l.json'), 'utf8'));
  });

  test('bad input in a handler reaches the submitter as bad input', async () => {
    // Loads here, fails to load on the worker's threads.
    const mod = lineModule('broken.mts', `import { isMainThread } from 'node:worker_threads';\nif (!isMainThread) throw new Error('not on a thread');\n`);
    await assert.rejects(
      simulate({ landscape: { spec: mod }, optimizers: ['sgd'], eta: [0.1], N: 4, trials: 4, executor: q() }),
      (e: Error) => e.name === 'InputError' && /landscape module .*broken\.mts: loading it threw Error: not on a thread/.test(e.message),
    );
  });
});

test('a worker killed with SIGKILL mid-job: its job goes to the other worker, and the files equal a local run’s', async () => {
  const args = ['--redis', redis.url, '--queue', 'kill', '--concurrency', '1', '--stall-seconds', '1'];
  const a = spawnWorker(args), b = spawnWorker(args);
  try {
    await Promise.all([a.waitFor(/serving queue 'kill'/), b.waitFor(/serving queue 'kill'/)]);
    const out = join(dir, 'slow-kill');
    const run = simulate({ ...SLOW, executor: redisQueue({ redis: redis.url, queue: 'kill' }), out });
    // Kill A while it runs its second job (so it has finished one: both workers took part).
    const line = await a.waitFor(/job \S+ \(sim\/worker.*\) started/);
    await a.waitFor(/done in/);
    const second = await new Promise<string>((resolve) => {
      const t = setInterval(() => {
        const started = [...a.log().matchAll(/job (\S+) \(sim\/worker[^)]*\) started/g)].map((m) => m[1]!);
        const fresh = started.find((id) => !doneIn(a.log()).includes(id));
        if (fresh) {
          clearInterval(t);
          resolve(fresh);
        }
      }, 5);
    });
    a.child.kill('SIGKILL');
    await a.exited;
    await run;
    assert.ok(line);
    assert.deepEqual(files(out), files(slowLocal));
    // The job A died in was finished by B; every chunk was finished exactly once in all.
    assert.ok(doneIn(b.log()).includes(second), `B finished the job A was killed in (${second}):\n${b.log()}`);
    assert.ok(!doneIn(a.log()).includes(second));
    const all = [...doneIn(a.log()), ...doneIn(b.log())];
    assert.equal(all.length, 6, `6 chunks, each finished once:\n${all.join('\n')}`);
    assert.equal(new Set(all).size, 6);
  } finally {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  }
});

test('a worker frozen (SIGSTOP) past the stall interval, then resumed: its job ran twice, its result counted once', async () => {
  const args = ['--redis', redis.url, '--queue', 'freeze', '--concurrency', '1', '--stall-seconds', '1'];
  const a = spawnWorker(args), b = spawnWorker(args);
  try {
    await Promise.all([a.waitFor(/serving queue/), b.waitFor(/serving queue/)]);
    const out = join(dir, 'slow-freeze');
    const run = simulate({ ...SLOW, executor: redisQueue({ redis: redis.url, queue: 'freeze' }), out });
    const id = /job (\S+) /.exec(await a.waitFor(/job \S+ \(sim\/worker.*\) started/))![1]!;
    a.child.kill('SIGSTOP');
    // B takes the frozen job once its lock has expired.
    await b.waitFor(new RegExp(`job ${id} done in`), 30_000);
    a.child.kill('SIGCONT');
    await run;
    assert.deepEqual(files(out), files(slowLocal));
    const all = [...doneIn(a.log()), ...doneIn(b.log())];
    // A computed it too (unless killed first), but only B's result was stored: 6 chunks done, once each.
    assert.equal(all.length, 6, all.join('\n'));
    assert.equal(new Set(all).size, 6);
    await a.waitFor(new RegExp(`job ${id}: result not stored \\(this worker lost the job's lock`), 30_000);
  } finally {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  }
});

describe('resubmitted work', () => {
  let worker: QueueWorker;
  const finished: string[] = [];
  before(async () => {
    worker = await startWorker({ redis: redis.url, queue: 'again', concurrency: 2, onJob: (r) => void (r.ok && finished.push(r.id)) });
  });
  after(async () => {
    await worker.close();
  });

  test('two submitters of the same work share its jobs: both get the local run’s files, and no chunk is counted twice', async () => {
    const o: Omit<SimulateOptions, 'out'> = { landscape: { spec: 'gauss' }, optimizers: ['sgd'], eta: [0.1], N: 10, T: 200, trials: 400, seed: 11, chunkSize: 50 };
    finished.length = 0;
    await Promise.all([1, 2].map((k) => simulate({ ...o, executor: redisQueue({ redis: redis.url, queue: 'again' }), out: join(dir, `twice-${k}`) })));
    await simulate({ ...o, executor: inThread(), out: join(dir, 'twice-l') });
    assert.deepEqual(files(join(dir, 'twice-1')), files(join(dir, 'twice-l')));
    assert.deepEqual(files(join(dir, 'twice-2')), files(join(dir, 'twice-l')));
    // 8 chunks; one submitter may finish and clear the jobs before the other has read them all, which then runs those again.
    assert.ok(finished.length >= 8 && finished.length < 16, `${finished.length} jobs for 8 chunks`);
    assert.equal(new Set(finished).size, 8);
  });
});

test('a submitter killed midway and resumed collects the jobs that finished meanwhile: every chunk runs once', async () => {
  // One thread: the 60 jobs take ~4 s, so the submitter is surely killed midway.
  const w = spawnWorker(['--redis', redis.url, '--queue', 'resume', '--concurrency', '1', '--stall-seconds', '1']);
  try {
    await w.waitFor(/serving queue/);
    const out = join(dir, 'slow-resume');
    const { spawn } = await import('node:child_process');
    const exit = (c: ReturnType<typeof spawn>) => new Promise<{ code: number | null; signal: string | null }>((r) => c.once('exit', (code, signal) => r({ code, signal })));
    // The CLI has no chunk-size flag: 600 trials make chunks of 10, 60 jobs.
    const args = ['simulate', '--landscape', 'gauss', '--optimizer', 'sgd,gd', '--eta', '0.05', '--N', '20', '--T', '400', '--trials', '600', '--seed', '7', '--redis', redis.url, '--queue', 'resume', '--out', out, '--quiet'];
    const first = spawn(process.execPath, [PERTURB_BIN, ...args], { stdio: 'ignore' });
    const firstExit = exit(first);
    await w.waitFor(/done in/);
    // Some chunks folded and checkpointed (the first chunk is saved at once), more finishing on the worker.
    await new Promise((r) => setTimeout(r, 800));
    first.kill('SIGKILL');
    assert.deepEqual(await firstExit, { code: null, signal: 'SIGKILL' }, 'killed before it finished');
    const doneBefore = doneIn(w.log()).length;
    assert.ok(doneBefore < 60, `${doneBefore} of 60 jobs done when the submitter was killed`);
    const again = spawn(process.execPath, [PERTURB_BIN, ...args, '--resume'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const againExit = exit(again);
    let err = '';
    again.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => again.kill('SIGKILL'), 60_000);
    const r = await againExit;
    clearTimeout(t);
    assert.equal(r.code, 0, `${JSON.stringify(r)}; the submitter printed:\n${err}\nthe worker:\n${w.log()}`);
    assert.deepEqual(files(out), files(slowLocal));
    const done = doneIn(w.log());
    assert.equal(done.length, 60, `60 chunks, each run once (${done.length} runs)`);
    assert.equal(new Set(done).size, 60);
  } finally {
    w.child.kill('SIGKILL');
  }
});

test('a worker refuses a job whose landscape module differs from its copy; the submitter reports it', async () => {
  const mod = lineModule('mine.mts');
  const run = simulate({ landscape: { spec: mod }, optimizers: ['sgd'], eta: [0.1], N: 4, trials: 8, executor: redisQueue({ redis: redis.url, queue: 'refuse' }) });
  const settled = run.then(() => null, (e: Error) => e);
  // Submitted (no worker yet); now this machine's copy changes before a worker looks at it.
  await new Promise((r) => setTimeout(r, 800));
  lineModule('mine.mts', '// edited\n');
  const w = await startWorker({ redis: redis.url, queue: 'refuse', concurrency: 1 });
  try {
    const e = await settled;
    assert.ok(e, 'the run failed');
    assert.equal(e.name, 'InputError');
    assert.match(e.message, /refused the job: this worker's copy of the landscape module .*mine\.mts differs from the submitter's \(sha256 [0-9a-f]{12}… here, [0-9a-f]{12}… there\)/);
  } finally {
    await w.close();
  }
});

test('an unreachable Redis is bad input at submit, naming the URL', async () => {
  const dead = 'redis://127.0.0.1:1';
  await assert.rejects(
    simulate({ landscape: { spec: 'gauss' }, optimizers: ['sgd'], eta: [0.1], N: 4, trials: 4, executor: redisQueue({ redis: dead }) }),
    (e: Error) => e.name === 'InputError' && /cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)/.test(e.message),
  );
  assert.throws(() => redisQueue({ redis: 'http://x' }), /`redis` must be a redis:\/\/ or rediss:\/\/ URL, got 'http:\/\/x'/);
});

test('a worker started before Redis waits for it, and serves again after Redis restarts (empty)', async () => {
  const r2 = await startRedis();
  await r2.stop();
  const lines: string[] = [];
  const w = await startWorker({ redis: r2.url, queue: 'restart', concurrency: 1, stallSeconds: 1, log: (l) => lines.push(l) });
  try {
    await new Promise((r) => setTimeout(r, 700));
    assert.ok(lines.some((l) => /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+; retrying in/.test(l)), lines.join('\n'));
    await r2.start();
    const o = { landscape: { spec: 'gauss' }, optimizers: ['sgd'] as const, eta: [0.1], N: 10, trials: 64, seed: 1, chunkSize: 16 };
    const a = await simulate({ ...o, optimizers: ['sgd'], executor: redisQueue({ redis: r2.url, queue: 'restart' }) });
    await r2.stop();
    await r2.start();
    const b = await simulate({ ...o, optimizers: ['sgd'], executor: redisQueue({ redis: r2.url, queue: 'restart' }) });
    const l = await simulate({ ...o, optimizers: ['sgd'], executor: inThread() });
    assert.deepEqual(a, l);
    assert.deepEqual(b, l);
  } finally {
    await w.close();
    await r2.stop();
  }
});

test('SIGTERM: the worker finishes its running job, then exits 0', async () => {
  const w = spawnWorker(['--redis', redis.url, '--queue', 'term', '--concurrency', '1']);
  try {
    await w.waitFor(/serving queue/);
    const o = { ...SLOW, trials: 200 };
    const run = simulate({ ...o, executor: redisQueue({ redis: redis.url, queue: 'term' }) });
    const started = await w.waitFor(/job (\S+) \(sim\/worker.*\) started/);
    const id = /job (\S+) /.exec(started)![1]!;
    w.child.kill('SIGTERM');
    assert.equal(await w.exited, 0, w.log());
    assert.ok(doneIn(w.log()).includes(id), w.log());
    assert.match(w.log(), /SIGTERM: finishing the running jobs, then exiting/);
    assert.match(w.log(), /stopped after 1 job\(s\)/);
    // The rest is still queued: another worker finishes the run.
    const other = await startWorker({ redis: redis.url, queue: 'term', concurrency: 2 });
    try {
      const a = await run;
      assert.deepEqual(a, await simulate({ ...o, executor: workerThreads(2) }));
    } finally {
      await other.close();
    }
  } finally {
    w.child.kill('SIGKILL');
  }
});

test('a worker refuses a job submitted by another perturb version, or naming a handler that is not perturb’s', async () => {
  const { Queue } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const { encodePlain } = await import('./codec.ts');
  const { PROTOCOL, runKey, thisPerturb } = await import('./protocol.ts');
  const client = new Redis(redis.port, '127.0.0.1');
  const queue = new Queue('versions', { connection: { host: '127.0.0.1', port: redis.port } });
  const w = await startWorker({ redis: redis.url, queue: 'versions', concurrency: 1 });
  try {
    const cases = [
      { run: 'r-version', record: { perturb: { version: '9.9.9', commit: null } }, want: /submitted by perturb 9\.9\.9 and this worker runs perturb 0\.\d+\.\d+.*: run the same perturb on both/ },
      { run: 'r-handler', record: { handler: '../../../etc/evil' }, want: /its handler '\.\.\/\.\.\/\.\.\/etc\/evil' is not one of perturb's modules/ },
      { run: 'r-missing', record: { modules: [{ path: join(dir, 'nowhere.mts'), sha256: '0'.repeat(64) }] }, want: /the landscape module .*nowhere\.mts is not on this worker's machine: copy it to that path/ },
    ];
    for (const c of cases) {
      const record = { protocol: PROTOCOL, handler: 'parallel/fixture-worker', perturb: thisPerturb(), modules: [], context: encodePlain({}), submitter: 'test', ...c.record };
      await client.set(runKey('versions', c.run), JSON.stringify(record));
      const job = await queue.add('x', { run: c.run, task: encodePlain({}) }, { jobId: `${c.run}-1` });
      for (let i = 0; i < 200 && (await job.getState()) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 20));
      const failed = (await queue.getJob(job.id!))!;
      assert.match(failed.failedReason, /^InputError: worker \S+ refused the job: /);
      assert.match(failed.failedReason, c.want);
      assert.equal(failed.attemptsMade, 1, 'not retried');
    }
  } finally {
    await w.close();
    await queue.close();
    client.disconnect();
  }
});
