/**
 * @file Chunked work, results in chunk order, on any executor; and resumable runs over it.
 *
 * Long computations (statistics, simulations) are cut into chunks, each seeded by its index, so
 * the result cannot depend on where or how many at a time they ran: chunks finish in any order,
 * and an executor hands results back in index order, which is also the order they are summed
 * and checkpointed in. A *job* is one handler module over many plain-JSON tasks, with a context
 * that every task shares (sent once per worker, not once per task). Executors: in this thread
 * (no start-up cost: tests, small runs) and worker threads; the job queue plugs in here too.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/index.ts';

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

export function defaultWorkers(): number {
  return availableParallelism();
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

/** The thread entry that piscina loads: it registers the TypeScript loader and imports the job's handler, once per thread. */
const THREAD_ENTRY = new URL('./thread.mjs', import.meta.url);

/**
 * The parent's node flags without its module loaders: thread.mjs registers the one it needs, and
 * an inherited `--import tsx` would be resolved again from the thread's working directory —
 * which fails wherever tsx cannot be found from there.
 */
function threadExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(import|loader|experimental-loader|require)$/.test(a) || a === '-r') i++;
    else if (!/^--(import|loader|experimental-loader|require)=/.test(a)) out.push(a);
  }
  return out;
}

/** Tasks over `threads` worker threads (piscina), at most two in flight per thread. */
export function workerThreads(threads = defaultWorkers()): Executor {
  return {
    description: `${threads} worker thread${threads === 1 ? '' : 's'}`,
    async *run<C, T, R>(job: Job<C, T>): AsyncGenerator<[number, R]> {
      const { Piscina } = await import('piscina');
      const filename = fileURLToPath(THREAD_ENTRY);
      const pool = new Piscina({
        filename, minThreads: threads, maxThreads: threads, idleTimeout: 1000, execArgv: threadExecArgv(),
        workerData: { handler: job.handler.href, context: job.context },
      });
      const it = job.tasks[Symbol.iterator]();
      const done = new Map<number, R>();
      let next = 0, delivered = 0, exhausted = false;
      let failure: { error: unknown } | null = null;
      let wake: (() => void) | null = null;
      const settle = () => {
        wake?.();
        wake = null;
      };
      // At most `window` results not yet delivered, so a slow chunk cannot make memory grow.
      const window = threads * 2;
      const launch = () => {
        while (!exhausted && !failure && next - delivered < window) {
          const r = it.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          const i = next++;
          (pool.run(r.value) as Promise<R>).then(
            (v) => {
              done.set(i, v);
              settle();
            },
            (e: unknown) => {
              failure ??= { error: fromThread(e) };
              settle();
            },
          );
        }
      };
      try {
        launch();
        while (!(exhausted && delivered === next)) {
          if (failure) throw (failure as { error: unknown }).error;
          if (done.has(delivered)) {
            const v = done.get(delivered)!;
            done.delete(delivered);
            yield [delivered++, v];
            launch();
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        await pool.destroy();
      }
    },
  };
}

/**
 * An error as it crossed from a worker thread: the structured clone keeps an error's message but
 * not its class, so bad input found in a thread would look like a bug. thread.mjs sends an
 * InputError as a plain record; here it becomes an InputError again (its stack the thread's).
 */
function fromThread(e: unknown): unknown {
  const r = e as { perturbInputError?: boolean; message?: string; option?: string; stack?: string } | null;
  if (typeof r === 'object' && r !== null && r.perturbInputError === true) {
    const again = new InputError(String(r.message), r.option);
    if (r.stack) again.stack = r.stack;
    return again;
  }
  return e;
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
