/**
 * @file Chunked work over worker threads, with results delivered in chunk order.
 *
 * Long computations (statistics, simulations) are cut into chunks, each seeded by its index,
 * so the result cannot depend on how many threads ran them: workers finish in any order, and
 * `mapChunks` hands results back in index order, which is also the order they are summed and
 * checkpointed in. A worker module default-exports `async (task) => result`; with `workers: 0`
 * the same function runs in this thread (no start-up cost; used by tests and small runs).
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface MapChunksOptions<T> {
  /** A module whose default export is `async (task: T) => R`. */
  worker: URL;
  tasks: readonly T[];
  /** Worker threads; 0 runs in this thread. Default: all cores. */
  workers?: number;
  /** Called after each result is delivered, with the count delivered so far. */
  onProgress?: (done: number, total: number) => void;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * The worker's execArgv: TypeScript sources need tsx's loader in each thread. Resolved to an
 * absolute URL so it works from any working directory.
 */
function workerExecArgv(file: string): string[] {
  if (!file.endsWith('.ts')) return [];
  return ['--import', import.meta.resolve('tsx')];
}

/** Run every task and yield `[index, result]` in index order. */
export async function* mapChunks<T, R>(opts: MapChunksOptions<T>): AsyncGenerator<[number, R]> {
  const { tasks } = opts;
  const workers = opts.workers ?? defaultWorkers();
  const total = tasks.length;
  if (workers <= 0) {
    const mod = (await import(opts.worker.href)) as { default: (t: T) => Promise<R> | R };
    for (let i = 0; i < total; i++) {
      const r = await mod.default(tasks[i]!);
      opts.onProgress?.(i + 1, total);
      yield [i, r];
    }
    return;
  }
  const { Piscina } = await import('piscina');
  const filename = fileURLToPath(opts.worker);
  const pool = new Piscina({ filename, minThreads: workers, maxThreads: workers, execArgv: workerExecArgv(filename), idleTimeout: 1000 });
  try {
    // Keep at most a few tasks in flight per worker; deliver in order from a buffer.
    const inFlight = new Map<number, Promise<R>>();
    const done = new Map<number, R>();
    let next = 0, delivered = 0;
    const window = workers * 2;
    let failure: unknown = null;
    const launch = () => {
      // at most `window` results not yet delivered, so a slow chunk cannot make memory grow
      while (next < total && next - delivered < window) {
        const i = next++;
        const p = pool.run(tasks[i]) as Promise<R>;
        inFlight.set(i, p);
        p.then(
          (r) => {
            inFlight.delete(i);
            done.set(i, r);
          },
          (e) => {
            inFlight.delete(i);
            failure ??= e;
          },
        );
      }
    };
    launch();
    while (delivered < total) {
      if (failure) throw failure;
      if (done.has(delivered)) {
        const r = done.get(delivered)!;
        done.delete(delivered);
        delivered++;
        opts.onProgress?.(delivered, total);
        yield [delivered - 1, r];
        launch();
        continue;
      }
      // wait for any in-flight task to settle
      await Promise.race([...inFlight.values()].map((p) => p.then(() => undefined, () => undefined)));
      if (failure) throw failure;
    }
  } finally {
    await pool.destroy();
  }
}
