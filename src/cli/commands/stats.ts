/**
 * @file `perturb stats`: the diagram values a prediction needs, measured at θ₀ of a landscape
 * (exactly over atoms, or from S samples over worker threads), written as the stats file that
 * `perturb predict` reads.
 */
import type { Command } from 'commander';
import { type Quantity, MAX_ORDER } from '../../core/index.ts';
import { renderStats } from '../../report/index.ts';
import { estimateStats, type StatsResult } from '../../stats/index.ts';
import { executorFromFlags, queueFlags, type QueueFlags } from '../executor.ts';
import { landscapeFromFlags } from '../landscape.ts';
import { nonNegativeInt, oneOf, positiveInt, type DataFlags } from '../options.ts';
import { phasedProgress, resumeOnInterrupt } from '../progress.ts';
import { print, warn } from '../output.ts';

interface StatsCliOptions extends QueueFlags, DataFlags {
  landscape: string;
  initSeed: number;
  order: number;
  quantity: Quantity;
  exact?: boolean;
  samples?: number;
  seed: number;
  partBatch?: number;
  workers?: number;
  covariance?: boolean;
  out?: string;
  resume?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerStats(program: Command): void {
  const cmd = program
    .command('stats')
    .description('estimate every diagram value (uvalue) a prediction needs, at θ₀ of a landscape, with standard errors')
    .requiredOption('--landscape <spec>', 'built-in name (with :key=value parameters) or a module path')
    .option('--init-seed <s>', 'initialization seed', nonNegativeInt, 0)
    .requiredOption('--order <D>', `order of the series (0…${MAX_ORDER})`, nonNegativeInt)
    .option('--quantity <q>', 'test, train or gap (train and gap need the train-loss diagrams)', oneOf('test', 'train', 'gap'), 'test')
    .option('--exact', 'exact values: a weighted sum over the landscape’s atoms')
    .option('--samples <S>', 'sampled mode: S independent draws (one sample per part per draw)', positiveInt)
    .option('--seed <s>', 'seed of the draws', nonNegativeInt, 0)
    .option('--part-batch <B>', 'sampled mode: a part of one node takes the mean of B samples per draw (batch means; default 1)', positiveInt)
    .option('--workers <w>', 'worker threads (default: all cores; 0 runs in this thread)', nonNegativeInt)
    .option('--covariance', 'also write the covariance between the estimates')
    .option('--out <file>', 'stats file to write (atomically); a checkpoint sits beside it while running')
    .option('--resume', 'continue an interrupted run from its checkpoint')
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches (or set PERTURB_CIFAR10)')
    .option('--cache-dir <dir>', 'cache directory for Fashion-MNIST (default: PERTURB_CACHE or ~/.cache/perturb)')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print the stats file as JSON')
    .action(async (o: StatsCliOptions) => {
      const executor = await executorFromFlags(o, 'stats');
      const { ref } = await landscapeFromFlags(o.landscape, o);
      // exact mode reports atom combinations evaluated: shown in per mille
      const bar = phasedProgress({ exact: 'stats (exact, ‰)', draws: 'stats (draws)' }, o.quiet);
      const release = resumeOnInterrupt(o.samples !== undefined ? o.out : undefined, bar.stop);
      let result: StatsResult;
      try {
        result = await estimateStats({
          landscape: ref, initSeed: o.initSeed, order: o.order, quantity: o.quantity, exact: o.exact, samples: o.samples, seed: o.seed, partBatch: o.partBatch,
          workers: o.workers, executor, covariance: o.covariance, out: o.out, resume: o.resume,
          onProgress: (done, total) => (o.exact ? bar.onProgress(Math.floor((1000 * done) / total), 1000, 'exact') : bar.onProgress(done, total, 'draws')),
          onNotice: (m) => warn(`perturb: ${m}\n`),
        });
      } finally {
        bar.stop();
        release();
      }
      print(o.json ? JSON.stringify(result, null, 2) + '\n' : renderStats(result));
      if (o.out && !o.json) warn(`wrote ${o.out}\n`);
    });
  queueFlags(cmd);
}
