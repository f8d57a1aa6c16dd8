/**
 * @file `perturb compare`: the perturbative series (stats → predict) beside a paired simulation
 * of the same schedule, for the test loss and the generalization gap at each η.
 */
import type { Command } from 'commander';
import { type ScheduleKind, type ScheduleSizes, MAX_ORDER } from '../../core/index.ts';
import { renderCompare } from '../../report/index.ts';
import { compare } from '../../sim/index.ts';
import { landscapeFromFlags } from '../landscape.ts';
import { listOf, nonNegativeInt, oneOf, positiveInt, positiveNumber, scheduleFlags, type DataFlags } from '../options.ts';
import { phasedProgress } from '../progress.ts';
import { print } from '../output.ts';

interface CompareCli extends DataFlags, ScheduleSizes {
  landscape: string;
  schedule: ScheduleKind;
  order: number;
  eta: number[];
  trials: number;
  samples?: number;
  testPoints?: number;
  seed: number;
  initSeed: number;
  workers?: number;
  quiet?: boolean;
  json?: boolean;
}

export function registerCompare(program: Command): void {
  const cmd = program.command('compare');
  scheduleFlags(cmd, { N: 4 })
    .description('the perturbative prediction of test loss and gap beside a paired simulation of the same schedule')
    .option('--landscape <spec>', 'built-in name (with :key=value parameters) or a module path', 'gauss:h0=0.5')
    .option('--schedule <s>', 'sgd or gd', oneOf('sgd', 'gd'), 'sgd')
    .option('--order <D>', `order of the series (0…${MAX_ORDER})`, nonNegativeInt, 3)
    .option('--eta <list>', 'learning rates, comma-separated', listOf(positiveNumber), [0.02, 0.05, 0.1, 0.2])
    .option('--trials <K>', 'simulated trials', positiveInt, 20000)
    .option('--samples <S>', 'draws for the diagram values when the landscape has no exact mode', positiveInt)
    .option('--seed <s>', 'seed of the trials and draws', nonNegativeInt, 0)
    .option('--init-seed <s>', 'initialization seed', nonNegativeInt, 0)
    .option('--workers <w>', 'worker threads (default: all cores; 0 runs in this thread)', nonNegativeInt)
    .option('--test-points <M>', 'estimate the test loss on M fresh points per trial (needed where l(θ) is expensive, e.g. image landscapes)', positiveInt)
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches (or set PERTURB_CIFAR10)')
    .option('--cache-dir <dir>', 'cache directory for Fashion-MNIST (default: PERTURB_CACHE or ~/.cache/perturb)')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print the rows as JSON')
    .action(async (o: CompareCli) => {
      const { ref } = await landscapeFromFlags(o.landscape, o);
      const bar = phasedProgress({ stats: 'stats (draws)', theta0: 'l(θ₀) over atoms', trials: 'simulate (trials)' }, o.quiet);
      try {
        const r = await compare({
          landscape: ref, schedule: o.schedule, N: o.N, B: o.B, E: o.E, shuffle: o.shuffle, T: o.T, order: o.order, eta: o.eta,
          trials: o.trials, samples: o.samples, testPoints: o.testPoints, seed: o.seed, initSeed: o.initSeed, workers: o.workers, onProgress: bar.onProgress,
        });
        bar.stop();
        print(o.json ? JSON.stringify(r, null, 2) + '\n' : renderCompare(r));
      } finally {
        bar.stop();
      }
    });
}
