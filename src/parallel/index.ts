/**
 * @file Chunked work, results in chunk order, on any executor; and resumable runs over it.
 *
 * Long computations (statistics, simulations) are cut into chunks, each seeded by its index, so
 * the result cannot depend on where or how many at a time they ran: chunks finish in any order,
 * and an executor hands results back in index order, which is also the order they are summed
 * and checkpointed in. A *job* is one handler module over many plain-JSON tasks, with a context
 * that every task shares (sent once per worker, not once per task). Executors: in this thread
 * (no start-up cost: tests, small runs), worker threads (threads.ts), and a BullMQ queue on
 * Redis served by `perturb worker` processes on any number of machines (queue.ts, worker.ts).
 */
import { defaultWorkers, workerThreads } from './threads.ts';

export { workerThreads, defaultWorkers } from './threads.ts';
export { redisQueue, type RedisQueueOptions } from './queue.ts';
export { startWorker, type WorkerOptions, type QueueWorker, type JobReport } from './worker.ts';
export { redisTarget, checkRedis, type RedisTarget } from './redis.ts';
export { encodePlain, decodePlain } from './codec.ts';
export { DEFAULT_QUEUE, moduleHashes, thisPerturb } from './protocol.ts';
export { checkpointed, checkResumable, removeCheckpoint, type CheckpointedRun, type CheckpointedResult } from './checkpoint.ts';

/**
 * A job. The handler module's default export is `(task: T, context: C) => R | Promise<R>`;
 * tasks and context are plain data (structured-cloneable: JSON values and typed arrays), so
 * they can travel to another thread or machine.
 */
export interface Job<C, T> {
  handler: URL;
  context: C;
  /** The tasks in order; iterated lazily, so a billion trials are never planned at once. */
  tasks: Iterable<T>;
  /** How many tasks `tasks` yields. */
  count: number;
  /**
   * Files the handler will load whose content must be the same wherever it runs — a user's
   * landscape module. Executors on other machines compare the copy there with this one.
   */
  modules?: readonly string[];
}

/** Runs jobs and yields `[index, result]` in task order. */
export interface Executor {
  /** For messages and provenance, e.g. `2 worker threads`. */
  readonly description: string;
  run<C, T, R>(job: Job<C, T>): AsyncGenerator<[number, R]>;
}

/**
 * The URL of the handler module `specifier` beside the calling module `base` (its
 * import.meta.url): `handlerUrl('./worker.ts', import.meta.url)`. From the sources that is the
 * .ts file; from the build (the caller is .js) the compiled .js beside it — the renaming tsc's
 * rewriteRelativeImportExtensions does for imports, which it cannot do for a URL.
 */
export function handlerUrl(specifier: string, base: string): URL {
  const built = /\.[cm]?js$/.test(new URL(base).pathname);
  return new URL(built ? specifier.replace(/\.([cm]?)ts$/, '.$1js') : specifier, base);
}

type Handler<C, T, R> = (task: T, context: C) => R | Promise<R>;

/** Every task in this thread, one after another. */
export function inThread(): Executor {
  return {
    description: 'this thread',
    async *run<C, T, R>(job: Job<C, T>): AsyncGenerator<[number, R]> {
      const mod = (await import(job.handler.href)) as { default: Handler<C, T, R> };
      let i = 0;
      for (const task of job.tasks) yield [i++, await mod.default(task, job.context)];
    },
  };
}

/** `workers` threads, or this thread for 0 (default: all cores). */
export function executorFor(workers?: number): Executor {
  return workers === 0 ? inThread() : workerThreads(workers ?? defaultWorkers());
}

/** A job's tasks from a function of the index: `count` of them, made one at a time. */
export function indexed<T>(count: number, task: (i: number) => T): Iterable<T> {
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < count; i++) yield task(i);
    },
  };
}
