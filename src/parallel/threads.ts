/**
 * @file `workerThreads`: tasks over piscina worker threads in this process, results handed back in
 * task order; and what a thread needs to load a handler (thread.mjs) and to send bad input back
 * as bad input. Queue workers (worker.ts) run their jobs on the same threads.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/index.ts';
import type { Executor, Job } from './index.ts';

export function defaultWorkers(): number {
  return availableParallelism();
}

/** The thread entry that piscina loads: it registers the TypeScript loader and imports the job's handler, once per thread. */
export const THREAD_ENTRY = new URL('./thread.mjs', import.meta.url);

/**
 * The parent's node flags without its module loaders: thread.mjs registers the one it needs, and
 * an inherited `--import tsx` would be resolved again from the thread's working directory —
 * which fails wherever tsx cannot be found from there.
 */
export function threadExecArgv(): string[] {
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
export function fromThread(e: unknown): unknown {
  const r = e as { perturbInputError?: boolean; message?: string; option?: string; stack?: string } | null;
  if (typeof r === 'object' && r !== null && r.perturbInputError === true) {
    const again = new InputError(String(r.message), r.option);
    if (r.stack) again.stack = r.stack;
    return again;
  }
  return e;
}

