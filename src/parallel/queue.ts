/**
 * @file `redisQueue`: an Executor whose tasks run as BullMQ jobs on whatever `perturb worker`
 * processes serve the queue, on any machine — results still yielded in task order, so what a
 * run writes is byte-identical to a local run's (src/parallel/index.ts).
 *
 * Fault tolerance comes from the ids (protocol.ts): a job's id is a hash of its run and task, so
 * a job submitted twice is one job, a result that arrives twice is one result, and a submitter
 * restarted on the same work (`resume`) collects the jobs that finished while it was away. A
 * worker killed mid-job stops renewing its lock; BullMQ's stalled-job check hands the job to
 * another worker. A job that vanished (Redis restarted without persistence) is submitted again.
 */
import { InputError } from '../core/index.ts';
import { decodePlain, encodePlain } from './codec.ts';
import type { Executor, Job } from './index.ts';
import {
  DEFAULT_QUEUE, handlerName, INPUT_ERROR_PREFIX, jobId, KEEP_SECONDS, moduleHashes, processName, PROTOCOL, runId, runKey, thisPerturb, type JobData, type RunRecord,
} from './protocol.ts';
import { checkRedis, redisTarget, retryingOptions, type RedisTarget } from './redis.ts';

export interface RedisQueueOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379. */
  redis: string;
  /** Queue name (default `perturb`); workers must serve the same one. */
  queue?: string;
  /** Jobs submitted ahead of the next result due (default 4096): bounds the results held in memory. */
  window?: number;
  /** Milliseconds between looks at the job due when no event has arrived (default 1000). */
  pollMs?: number;
  /** Things a person should know that are not errors. */
  onNotice?: (message: string) => void;
}

const WHERE = 'redisQueue';

export function redisQueue(o: RedisQueueOptions): Executor {
  const target = redisTarget(o.redis, WHERE);
  const queueName = o.queue ?? DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9_.-]+$/.test(queueName)) throw new InputError(`${WHERE}: \`queue\` must be letters, digits, '.', '_' or '-', got '${queueName}'`, 'queue');
  const window = o.window ?? 4096;
  const pollMs = o.pollMs ?? 1000;
  return {
    description: `the Redis queue '${queueName}' at ${target.url}`,
    run: <C, T, R>(job: Job<C, T>) => runOnQueue<C, T, R>(job, target, queueName, window, pollMs, o.onNotice),
  };
}

interface Pending {
  id: string;
  task: string;
}

async function* runOnQueue<C, T, R>(
  job: Job<C, T>, target: RedisTarget, queueName: string, window: number, pollMs: number, onNotice?: (m: string) => void,
): AsyncGenerator<[number, R]> {
  await checkRedis(target, WHERE);
  const record: RunRecord = {
    protocol: PROTOCOL,
    handler: handlerName(job.handler),
    perturb: thisPerturb(),
    modules: moduleHashes(job.modules ?? []),
    context: encodePlain(job.context),
    submitter: processName(),
  };
  const run = runId(record);
  const [{ Queue, QueueEvents }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
  const connection = retryingOptions(target);
  const queue = new Queue<JobData, string, string>(queueName, { connection });
  const redis = new Redis(connection);
  const events = new QueueEvents(queueName, { connection });
  // A connection error is retried with backoff (retryingOptions); say so once per outage.
  let outage = false;
  const onError = (e: Error) => {
    if (!outage) onNotice?.(`lost Redis at ${target.url} (${e.message}); retrying`);
    outage = true;
  };
  queue.on('error', onError);
  redis.on('error', onError);
  events.on('error', onError);
  let wake: (() => void) | null = null;
  let eventsSeen = 0;
  const onEvent = ({ jobId: id }: { jobId: string }) => {
    if (id.startsWith(run)) {
      eventsSeen++;
      wake?.();
      wake = null;
    }
  };
  events.on('completed', onEvent);
  events.on('failed', onEvent);
  const jobOpts = {
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: KEEP_SECONDS },
    removeOnFail: { age: KEEP_SECONDS },
  };
  const submit = async (batch: Pending[]) => {
    if (batch.length === 0) return;
    await queue.addBulk(batch.map((p) => ({ name: record.handler, data: { run, task: p.task }, opts: { ...jobOpts, jobId: p.id } })));
  };
  const pending: Pending[] = [];
  const it = job.tasks[Symbol.iterator]();
  let exhausted = false, submitted = 0, delivered = 0;
  const fill = async () => {
    const batch: Pending[] = [];
    while (!exhausted && submitted - delivered < window) {
      const r = it.next();
      if (r.done) {
        exhausted = true;
        break;
      }
      const task = encodePlain(r.value);
      const p = { id: jobId(run, task), task };
      pending.push(p);
      batch.push(p);
      submitted++;
    }
    await submit(batch);
  };
  const finished = new Set<string>();
  let failed = false;
  try {
    await events.waitUntilReady();
    await redis.set(runKey(queueName, run), JSON.stringify(record), 'EX', KEEP_SECONDS);
    await clearFailures(queue, run);
    await fill();
    while (delivered < submitted) {
      const p = pending[0]!;
      const seen = eventsSeen;
      // The state first, then the job: a job read before its state could predate its result.
      const state = await queue.getJobState(p.id);
      if (outage) {
        outage = false;
        onNotice?.(`Redis at ${target.url} is back`);
      }
      const j = state === 'completed' || state === 'failed' ? await queue.getJob(p.id) : null;
      if (state === 'unknown' || ((state === 'completed' || state === 'failed') && !j)) {
        // Gone without a result: Redis lost it (restarted without persistence). The record may be gone too.
        onNotice?.(`job ${p.id} is no longer in Redis (restarted without persistence?): submitting it again`);
        await redis.set(runKey(queueName, run), JSON.stringify(record), 'EX', KEEP_SECONDS);
        await submit([p]);
        continue;
      }
      if (state === 'completed') {
        pending.shift();
        finished.add(p.id);
        yield [delivered++, decodePlain<R>(j!.returnvalue as string)];
        await fill();
        continue;
      }
      if (state === 'failed') {
        failed = true;
        const reason = j!.failedReason ?? 'no reason given';
        if (reason.startsWith(INPUT_ERROR_PREFIX)) throw new InputError(reason.slice(INPUT_ERROR_PREFIX.length));
        throw new Error(`a queue worker failed job ${p.id} (${record.handler}, task ${delivered}) after ${j!.attemptsMade} attempt(s): ${reason}`);
      }
      // Until an event of this run's (one may have come while we looked), or a while.
      if (eventsSeen === seen) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, pollMs).unref();
        });
      }
    }
    // Done: the jobs and the record are not needed any more.
    await Promise.all([...finished].map((id) => queue.remove(id).catch(() => 0)));
    await redis.del(runKey(queueName, run));
  } finally {
    if (failed) {
      // Workers need not spend time on the rest of a run that has failed.
      await Promise.all(pending.map((p) => queue.remove(p.id).catch(() => 0)));
    }
    await events.close();
    await queue.close();
    redis.disconnect();
  }
}

/** Failed jobs of this run left by an earlier attempt (say, a worker refused a module since fixed) are removed, so they run again. */
async function clearFailures(queue: import('bullmq').Queue<JobData, string, string>, run: string): Promise<void> {
  const stale = (await queue.getJobs(['failed'])).filter((j) => j.id?.startsWith(run));
  await Promise.all(stale.map((j) => j.remove().catch(() => undefined)));
}
