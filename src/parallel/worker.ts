/**
 * @file `startWorker`: a long-running queue worker — takes jobs from a BullMQ queue on Redis,
 * runs each on one of its worker threads (the handlers `workerThreads` runs, by name: see
 * protocol.ts) and returns the encoded result. What `perturb worker` runs.
 *
 * Jobs run on threads so that this thread stays free to renew the jobs' locks: a CPU-bound
 * handler on the main thread would block the renewal and have its job taken for stalled. A
 * worker refuses (fails for good, with the reason) a job of another perturb version or commit,
 * or whose user module differs from its own copy: its results would not be the submitter's.
 * Lost connections are retried with backoff, so a worker outlives a Redis restart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError, optionError } from '../core/index.ts';
import { decodePlain, encodePlain } from './codec.ts';
import { DEFAULT_QUEUE, handlerModule, INPUT_ERROR_PREFIX, processName, PROTOCOL, runKey, sha256, thisPerturb, type JobData, type RunRecord } from './protocol.ts';
import { redisTarget, retryingOptions } from './redis.ts';
import { defaultWorkers, fromThread, THREAD_ENTRY, threadExecArgv } from './threads.ts';

export interface WorkerOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379. */
  redis: string;
  /** Queue name (default `perturb`). */
  queue?: string;
  /** Jobs at a time, each on its own thread (default: all cores). */
  concurrency?: number;
  /**
   * Seconds a job's lock lasts without renewal, and between checks for stalled jobs (default
   * 30): after a worker dies, its job goes to another worker within about twice this.
   */
  stallSeconds?: number;
  /** One line per thing the worker does (default: none). */
  log?: (line: string) => void;
  /** After each job: what it was and how long it took. */
  onJob?: (report: JobReport) => void;
}

export interface JobReport {
  id: string;
  handler: string;
  /** Milliseconds from submission to start, and running. */
  waitedMs: number;
  ranMs: number;
  ok: boolean;
}

export interface QueueWorker {
  /** host/pid, as the logs name it. */
  readonly name: string;
  /** Jobs finished so far. */
  readonly finished: number;
  /** Stop taking jobs and finish the running ones; with `release`, hand them back to the queue now instead. */
  close(release?: boolean): Promise<void>;
}

const WHERE = 'worker';

interface Prepared {
  record: RunRecord;
  handler: URL;
  context: unknown;
}

/** What a thread answers to a task of a run whose context it has not been given (thread.mjs). */
const NEED_CONTEXT = 'perturb:need-context';

/** Why a worker will not run a run's jobs, or null when it will. */
function refusal(record: RunRecord, me: RunRecord['perturb']): string | null {
  if (record.protocol !== PROTOCOL) return `it was submitted by a perturb speaking queue protocol ${record.protocol}, this worker ${PROTOCOL}: run the same perturb on both`;
  const differs = record.perturb.version !== me.version || (record.perturb.commit !== null && me.commit !== null && record.perturb.commit !== me.commit);
  if (differs) {
    const say = (p: RunRecord['perturb']) => `perturb ${p.version}${p.commit ? ` (commit ${p.commit.slice(0, 12)})` : ''}`;
    return `it was submitted by ${say(record.perturb)} and this worker runs ${say(me)}: run the same perturb on both, or results would differ`;
  }
  if (!handlerModule(record.handler)) return `its handler '${record.handler}' is not one of perturb's modules`;
  for (const m of record.modules) {
    if (!existsSync(m.path)) return `the landscape module ${m.path} is not on this worker's machine: copy it to that path`;
    const mine = sha256(readFileSync(m.path));
    if (mine !== m.sha256) {
      return `this worker's copy of the landscape module ${m.path} differs from the submitter's (sha256 ${mine.slice(0, 12)}… here, ${m.sha256.slice(0, 12)}… there): give every worker the same file`;
    }
  }
  return null;
}

export async function startWorker(o: WorkerOptions): Promise<QueueWorker> {
  const target = redisTarget(o.redis, WHERE);
  const queueName = o.queue ?? DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9_.-]+$/.test(queueName)) throw optionError(WHERE, 'queue', `must be letters, digits, '.', '_' or '-', got '${queueName}'`);
  const concurrency = o.concurrency ?? defaultWorkers();
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw optionError(WHERE, 'concurrency', `must be a positive integer, got ${concurrency}`);
  const stall = o.stallSeconds ?? 30;
  if (!(typeof stall === 'number' && stall >= 0.5 && stall <= 3600)) throw optionError(WHERE, 'stallSeconds', `must be a number of seconds from 0.5 to 3600, got ${stall}`);
  const name = processName();
  const log = (line: string) => o.log?.(`${new Date().toISOString()} ${name} ${line}`);
  const me = thisPerturb();

  const [{ Worker, UnrecoverableError }, { Redis }, { Piscina }] = await Promise.all([import('bullmq'), import('ioredis'), import('piscina')]);
  // Say when Redis cannot be reached, then only every tenth attempt (the backoff caps at 10 s).
  const onRetry = (times: number, delay: number) => {
    if (times === 1 || times % 10 === 0) log(`cannot reach Redis at ${target.url}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${times})`);
  };
  const records = new Redis(retryingOptions(target, onRetry));
  let lastError = '';
  records.on('error', () => undefined);
  records.on('ready', () => log(`connected to Redis at ${target.url}`));
  const pool = new Piscina({
    filename: fileURLToPath(THREAD_ENTRY), minThreads: concurrency, maxThreads: concurrency, idleTimeout: 60_000, execArgv: threadExecArgv(),
  });

  const prepared = new Map<string, Promise<Prepared>>();
  const prepare = (run: string): Promise<Prepared> => {
    let p = prepared.get(run);
    if (!p) {
      p = records.get(runKey(queueName, run)).then((text) => {
        if (text === null) throw new Error(`the record of run ${run} is not in Redis (its submitter finished or gave up)`);
        const record = JSON.parse(text) as RunRecord;
        return { record, handler: handlerModule(record.handler)!, context: decodePlain(record.context) };
      });
      p.catch(() => prepared.delete(run));
      prepared.set(run, p);
      // A few runs at a time; the oldest go.
      if (prepared.size > 8) prepared.delete(prepared.keys().next().value!);
    }
    return p;
  };

  const active = new Map<string, { job: import('bullmq').Job<JobData, string>; token?: string }>();
  let finished = 0;
  const processor = async (job: import('bullmq').Job<JobData, string>, token?: string): Promise<string> => {
    const started = Date.now();
    const id = job.id!;
    const { record, handler, context } = await prepare(job.data.run);
    const why = refusal(record, me);
    if (why) {
      log(`refused job ${id} from ${record.submitter}: ${why}`);
      throw new UnrecoverableError(`${INPUT_ERROR_PREFIX}worker ${name} refused the job: ${why}`);
    }
    log(`job ${id} (${record.handler}, from ${record.submitter}${job.attemptsStarted > 1 ? `, attempt ${job.attemptsStarted}` : ''}) started`);
    active.set(id, { job, ...(token !== undefined ? { token } : {}) });
    try {
      const envelope = { handler: handler.href, run: job.data.run, task: decodePlain(job.data.task) };
      let result: unknown = await pool.run(envelope);
      // The thread has not seen this run: once more, with its context (thread.mjs).
      if (result === NEED_CONTEXT) result = await pool.run({ ...envelope, context });
      ran.set(id, { handler: record.handler, waitedMs: started - job.timestamp, ranMs: Date.now() - started });
      return encodePlain(result);
    } catch (err) {
      const e = fromThread(err);
      o.onJob?.({ id, handler: record.handler, waitedMs: started - job.timestamp, ranMs: Date.now() - started, ok: false });
      if (e instanceof InputError) {
        log(`job ${id}: bad input: ${e.message}`);
        throw new UnrecoverableError(`${INPUT_ERROR_PREFIX}${e.message}`);
      }
      log(`job ${id} failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    } finally {
      active.delete(id);
    }
  };
  /** Jobs computed whose result BullMQ has not yet stored: 'done' is said once it has. */
  const ran = new Map<string, Omit<JobReport, 'id' | 'ok'>>();

  const worker = new Worker<JobData, string>(queueName, processor, {
    connection: retryingOptions(target, onRetry),
    concurrency,
    lockDuration: stall * 1000,
    stalledInterval: stall * 1000,
    maxStalledCount: 2,
  });
  worker.on('completed', (job) => {
    const r = ran.get(job.id!);
    ran.delete(job.id!);
    finished++;
    log(`job ${job.id} done in ${((r?.ranMs ?? 0) / 1000).toFixed(2)} s`);
    if (r) o.onJob?.({ id: job.id!, ...r, ok: true });
  });
  worker.on('failed', (job) => void (job && ran.delete(job.id!)));
  worker.on('error', (e: Error) => {
    // A result that could not be stored: the job's lock had expired (this worker stalled) and
    // another worker has it, or its submitter is done with it. The other result stands.
    const lost = /^Missing (?:key|lock) for job (\S+)\. moveToFinished/.exec(e.message);
    if (lost) {
      ran.delete(lost[1]!);
      log(`job ${lost[1]}: result not stored (this worker lost the job's lock: another worker took it over, or its run is done); the other result stands`);
      return;
    }
    // The same connection error repeats on every retry: once is enough.
    if (e.message !== lastError) log(`Redis: ${e.message}`);
    lastError = e.message;
  });
  worker.on('stalled', (id: string) => log(`job ${id} stalled (its worker stopped renewing the lock): back in the queue`));
  log(`serving queue '${queueName}' at ${target.url} with ${concurrency} thread${concurrency === 1 ? '' : 's'} (perturb ${me.version}; stalled jobs retried after ${stall} s)`);

  let closing: Promise<void> | null = null;
  return {
    name,
    get finished() {
      return finished;
    },
    close(release = false) {
      if (release) {
        closing = (async () => {
          log(`releasing ${active.size} running job(s) to the queue and stopping`);
          await Promise.all([...active.values()].map(({ job, token }) => job.moveToWait(token).catch(() => 0)));
          await worker.close(true);
          await pool.destroy();
          records.disconnect();
        })();
        return closing;
      }
      closing ??= (async () => {
        log(`stopping: finishing ${active.size} running job(s)`);
        await worker.close();
        await pool.destroy();
        records.disconnect();
        log(`stopped after ${finished} job(s)`);
      })();
      return closing;
    },
  };
}
