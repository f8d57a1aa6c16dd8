/**
 * @file Scale-out benchmark (issue 13): the Fashion-MNIST convnet simulation of bench/sim.ts
 * (batch-1 SGD, N = T = 10, η = 0.01, test loss on 32 fresh images, 16 trials per job) submitted
 * to a Redis queue served by one `perturb worker` process, then by two (each with one thread) —
 * target ≥ 1.8× the throughput of one — beside the same run on one local worker thread; and the
 * queue's overhead per job, from tiny jobs (the executor tests' fixture handler) through the
 * queue against the same jobs in this thread.
 *
 * A real redis-server on a free port (persistence off), workers as child processes (the clone's
 * bin/perturb.js), the submitter in this process. Rates are steady state (trials delivered
 * between 20% and 90% of the run), so worker start-up and the l(θ₀) pass are excluded (timed
 * separately). The files of every run must be identical. Run alone: `npm run bench -- queue`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { handlerUrl, indexed, inThread, redisQueue, type Executor } from '../src/parallel/index.ts';
import { simulate } from '../src/sim/index.ts';
import { spawnWorker, startRedis, type WorkerProcess } from '../src/testing/redis.ts';
import { simulationClock, table } from './timing.ts';

const SETTINGS = { optimizers: ['sgd' as const], eta: [0.01], N: 10, B: 1, T: 10, testPoints: 32, seed: 20240606, chunkSize: 16 };

interface Timed {
  trialsPerSecond: number;
  /** null where this process remembered l(θ₀) per image from an earlier run at the same θ₀. */
  theta0Seconds: number | null;
  seconds: number;
  files: string[];
}

async function timedRun(executor: Executor, trials: number): Promise<Timed> {
  const dir = mkdtempSync(join(tmpdir(), 'perturb-bench-queue-'));
  const clock = simulationClock(trials);
  const start = performance.now();
  await simulate({
    landscape: { spec: 'fmnist-convnet' }, ...SETTINGS, trials, executor, out: dir, theta0Cache: false,
    onProgress: clock.onProgress,
  });
  const seconds = (performance.now() - start) / 1000;
  const files = ['trials.jsonl', 'summary.json', 'summary.csv'].map((f) => readFileSync(join(dir, f), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { trialsPerSecond: clock.trialsPerSecond(), theta0Seconds: clock.theta0Seconds(), seconds, files };
}

async function workers(n: number, url: string, queue: string): Promise<WorkerProcess[]> {
  const ws = Array.from({ length: n }, () => spawnWorker(['--redis', url, '--queue', queue, '--concurrency', '1']));
  await Promise.all(ws.map((w) => w.waitFor(/serving queue/)));
  return ws;
}

/** Seconds per job of `count` tiny jobs on `executor` (the fixture handler: ~10 µs of work each). */
async function perJob(executor: Executor, count: number): Promise<number> {
  const start = performance.now();
  let n = 0;
  for await (const _ of executor.run({
    handler: handlerUrl('../src/parallel/fixture-worker.ts', import.meta.url), context: { scale: 1 }, count, tasks: indexed(count, (i) => ({ index: i, delayMs: 0 })),
  })) n++;
  if (n !== count) throw new Error(`bench queue: ${n} of ${count} jobs came back`);
  return (performance.now() - start) / 1000 / count;
}

export async function run(opts: { trials?: number; jobs?: number } = {}): Promise<void> {
  const trials = opts.trials ?? 1200;
  const jobs = opts.jobs ?? 400;
  const load = loadavg();
  const redis = await startRedis();
  try {
    process.stderr.write(`queue: fmnist-convnet, ${trials} trials: one local worker thread…\n`);
    const { workerThreads } = await import('../src/parallel/index.ts');
    const local = await timedRun(workerThreads(1), trials);

    process.stderr.write('queue: the same through Redis, one worker process…\n');
    let ws = await workers(1, redis.url, 'one');
    const one = await timedRun(redisQueue({ redis: redis.url, queue: 'one' }), trials);
    ws.forEach((w) => w.child.kill('SIGTERM'));
    await Promise.all(ws.map((w) => w.exited));

    process.stderr.write('queue: two worker processes…\n');
    ws = await workers(2, redis.url, 'two');
    const two = await timedRun(redisQueue({ redis: redis.url, queue: 'two' }), trials);
    const shares = ws.map((w) => [...w.log().matchAll(/ done in /g)].length);
    ws.forEach((w) => w.child.kill('SIGTERM'));
    await Promise.all(ws.map((w) => w.exited));

    process.stderr.write(`queue: overhead, ${jobs} tiny jobs…\n`);
    ws = await workers(1, redis.url, 'tiny');
    const viaQueue = await perJob(redisQueue({ redis: redis.url, queue: 'tiny' }), jobs);
    ws.forEach((w) => w.child.kill('SIGTERM'));
    await Promise.all(ws.map((w) => w.exited));
    const here = await perJob(inThread(), jobs);

    const th = (t: Timed) => (t.theta0Seconds === null ? 'remembered' : t.theta0Seconds.toFixed(1));
    const same = JSON.stringify(one.files) === JSON.stringify(local.files) && JSON.stringify(two.files) === JSON.stringify(local.files);
    console.log(`\nScale-out: fmnist-convnet simulation (batch-1 SGD, N = T = 10, η = 0.01, 32 test images), ${trials} trials in jobs of ${SETTINGS.chunkSize}; redis-server on loopback`);
    console.log(table(['executor', 'trials/s (steady)', 'ratio', 'target', 'wall s', 'l(θ₀) pass s'], [
      ['1 local worker thread', local.trialsPerSecond.toFixed(1), '', '', local.seconds.toFixed(1), th(local)],
      ['queue, 1 worker process', one.trialsPerSecond.toFixed(1), `${(one.trialsPerSecond / local.trialsPerSecond).toFixed(2)}× local thread`, '', one.seconds.toFixed(1), th(one)],
      ['queue, 2 worker processes', two.trialsPerSecond.toFixed(1), `${(two.trialsPerSecond / one.trialsPerSecond).toFixed(2)}× 1 process`, '≥ 1.8×', two.seconds.toFixed(1), th(two)],
    ]));
    console.log(`jobs per process with 2 workers: ${shares.join(' + ')}`);
    console.log(`queue overhead per job: ${((viaQueue - here) * 1000).toFixed(2)} ms (${jobs} tiny jobs: ${(viaQueue * 1000).toFixed(2)} ms each through the queue and 1 worker, ${(here * 1000).toFixed(3)} ms in this thread); a trial job here is ${SETTINGS.chunkSize} trials ≈ ${((SETTINGS.chunkSize / one.trialsPerSecond) * 1000).toFixed(0)} ms`);
    console.log(`files identical (local thread, 1 process, 2 processes): ${same ? 'yes' : 'NO'}`);
    console.log(`load average before: ${load.map((x) => x.toFixed(2)).join(', ')} on ${availableParallelism()} cores (2 workers need 2 idle cores)`);
    if (!same || !(two.trialsPerSecond / one.trialsPerSecond >= 1.8)) process.exitCode = 1;
  } finally {
    await redis.stop();
  }
}
