/**
 * @file `perturb simulate`: paired Monte-Carlo trials of SGD, GD, GDC, SDE and STIC on a
 * landscape over worker threads, with per-trial results, a summary with standard errors and
 * 95% intervals, and paired differences, written to an output directory (resumable).
 */
import type { Command } from 'commander';
import type { ScheduleSizes } from '../../core/index.ts';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../optim/index.ts';
import { renderSimulation } from '../../report/index.ts';
import { FILES, simulate, type SimulationResult } from '../../sim/index.ts';
import { executorFromFlags, queueFlags, type QueueFlags } from '../executor.ts';
import { landscapeFromFlags } from '../landscape.ts';
import { listOf, nonNegativeInt, oneOf, optionAliases, positiveInt, positiveNumber, scheduleFlags, type DataFlags } from '../options.ts';
import { phasedProgress, resumeOnInterrupt } from '../progress.ts';
import { print, warn } from '../output.ts';

interface SimulateCliOptions extends QueueFlags, DataFlags, ScheduleSizes {
  landscape: string;
  optimizer: OptimizerName[];
  eta: number[];
  trials: number;
  testPoints?: number;
  seed: number;
  initSeed: number;
  randomInit?: boolean;
  workers?: number;
  resume?: boolean;
  force?: boolean;
  sdeSubsteps: number;
  sdeSamples: number;
  out: string;
  /** false with --no-theta0-cache. */
  theta0Cache: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerSimulate(program: Command): void {
  const cmd = program.command('simulate');
  scheduleFlags(cmd, { B: '; also the batch whose noise sde matches' })
    .description('paired Monte-Carlo trials of optimizers on a landscape: test/train loss, gap, test increase and named coordinates, with standard errors and paired differences')
    .requiredOption('--landscape <spec>', 'built-in name (with :key=value parameters) or a module path')
    .requiredOption('--optimizer <list>', `comma-separated: ${OPTIMIZER_NAMES.join(', ')} (differences are taken against the first)`, listOf(oneOf(...OPTIMIZER_NAMES)))
    .requiredOption('--eta <list>', 'learning rates, e.g. 0.01,0.02', listOf(positiveNumber))
    .requiredOption('--trials <K>', 'trials (each a fresh training set shared by every optimizer and η)', positiveInt)
    .option('--test-points <M>', 'estimate the test loss on M fresh points per trial (needed where l(θ) is expensive, e.g. image landscapes)', positiveInt)
    .option('--seed <s>', 'seed of the trials', nonNegativeInt, 0)
    .option('--init-seed <s>', 'initialization seed (one θ₀ for every trial)', nonNegativeInt, 0)
    .option('--random-init', 'draw θ₀ per trial from the trial’s seed instead')
    .option('--workers <w>', 'worker threads (default: all cores; 0 runs in this thread)', nonNegativeInt)
    .option('--resume', 'continue the unfinished run in --out')
    .option('--force', 'replace a finished run in --out')
    .option('--sde-substeps <k>', 'sde: Euler–Maruyama substeps per step', positiveInt, 16)
    .option('--sde-samples <M>', 'sde: fresh samples per substep where G and C are estimated', positiveInt, 32)
    .requiredOption('--out <dir>', `output directory: ${FILES.trials}, ${FILES.summary}, ${FILES.csv} (a checkpoint sits there while running)`)
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches (or set PERTURB_CIFAR10)')
    .option('--cache-dir <dir>', 'cache directory for Fashion-MNIST and the θ₀ cache (default: PERTURB_CACHE or ~/.cache/perturb)')
    .option('--no-theta0-cache', 'make the pass for l(θ₀) of each image afresh, neither reading nor writing the θ₀ cache in the cache directory')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print the summary as JSON: { summary: [...], differences: [...], ... }')
    .action(async (o: SimulateCliOptions) => {
      const executor = await executorFromFlags(o, 'simulate');
      const { ref } = await landscapeFromFlags(o.landscape, o);
      const bar = phasedProgress({ theta0: 'l(θ₀) over atoms', trials: 'simulate (trials)' }, o.quiet);
      const release = resumeOnInterrupt(o.out, bar.stop);
      let result: SimulationResult;
      try {
        result = await simulate({
          landscape: ref, optimizers: o.optimizer, eta: o.eta, T: o.T, N: o.N, B: o.B, E: o.E, shuffle: o.shuffle,
          trials: o.trials, testPoints: o.testPoints, seed: o.seed, initSeed: o.initSeed, randomInit: o.randomInit,
          sdeSubsteps: o.sdeSubsteps, sdeSamples: o.sdeSamples, workers: o.workers, executor, out: o.out, resume: o.resume, force: o.force,
          theta0Cache: o.theta0Cache, onProgress: bar.onProgress, onNotice: (m) => warn(`perturb: ${m}\n`),
        });
      } finally {
        bar.stop();
        release();
      }
      print(o.json ? JSON.stringify(result, null, 2) + '\n' : renderSimulation(result));
      if (!o.json && result.theta0Pass) warn(`l(θ₀) of each atom: ${result.theta0Pass.cache}\n`);
      if (!o.json) warn(`wrote ${o.out}/{${FILES.trials},${FILES.summary},${FILES.csv}}\n`);
    });
  queueFlags(cmd);
  optionAliases(cmd, { optimizers: '--optimizer' });
}
