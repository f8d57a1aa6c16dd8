/**
 * @file `perturb worker`: serve a Redis queue — take jobs (chunks of trials, of statistics
 * draws, of an l(θ₀) pass) that `--redis` runs of simulate, stats and reproduce submit, run
 * them on this machine's threads and return the results. Logs a line per job on standard
 * output. SIGTERM or Ctrl-C: finish the running jobs, then exit; a second one hands them back
 * to the queue at once.
 */
import type { Command } from 'commander';
import { DEFAULT_QUEUE, startWorker } from '../../parallel/index.ts';
import { positiveInt, positiveNumber } from '../options.ts';
import { print } from '../output.ts';

interface WorkerCliOptions {
  redis: string;
  queue: string;
  concurrency?: number;
  stallSeconds: number;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('serve a Redis queue: run the jobs that simulate, stats and reproduce submit with --redis (runs until SIGTERM)')
    .requiredOption('--redis <url>', 'the Redis to take jobs from, e.g. redis://host:6379')
    .option('--queue <name>', 'queue name (the submitter’s --queue)', DEFAULT_QUEUE)
    .option('--concurrency <c>', 'jobs at a time, each on its own thread (default: all cores)', positiveInt)
    .option('--stall-seconds <s>', 'a dead worker’s job goes to another after about twice this', positiveNumber, 30)
    .action(async (o: WorkerCliOptions) => {
      const worker = await startWorker({
        redis: o.redis, queue: o.queue, stallSeconds: o.stallSeconds, log: (line) => print(`${line}\n`),
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
      });
      let signals = 0;
      await new Promise<void>((resolve, reject) => {
        const stop = (signal: string) => {
          signals++;
          if (signals === 1) print(`${new Date().toISOString()} ${worker.name} ${signal}: finishing the running jobs, then exiting (again to hand them back now)\n`);
          worker.close(signals > 1).then(resolve, reject);
        };
        process.on('SIGTERM', () => stop('SIGTERM'));
        process.on('SIGINT', () => stop('SIGINT'));
      });
    });
}
