/**
 * @file `perturb corollary NAME`: one of the paper's corollaries as a number with its standard
 * error and units, computed from statistics perturb measures on the landscape (or reads from a
 * stats file) through the general series (src/corollaries). Each corollary reads only some of
 * the flags; a flag it does not read is refused rather than ignored.
 */
import type { Command } from 'commander';
import { InputError, MAX_ORDER, SHUFFLES, type Quantity, type Shuffle } from '../../core/index.ts';
import { corollary, corollaryJson, COROLLARIES, COROLLARY_NAMES, type CorollaryOptionsByName, type CorollaryResult } from '../../corollaries/index.ts';
import { readStats, renderCorollary } from '../../report/index.ts';
import { landscapeFromFlags } from '../landscape.ts';
import { flagFor, listOf, nonNegativeInt, oneOf, positiveInt, positiveNumber, stepsOrInf, type DataFlags } from '../options.ts';
import { phasedProgress } from '../progress.ts';
import { print } from '../output.ts';

interface CorollaryCli extends DataFlags {
  landscape?: string;
  stats?: string;
  exact?: boolean;
  samples?: number;
  seed: number;
  initSeed: number;
  workers?: number;
  eta: number;
  N?: number;
  B?: number;
  E?: number[];
  shuffle?: Shuffle;
  T?: number | 'inf';
  order?: number;
  quantity?: Quantity;
  maxGradient?: number;
  groups?: number;
  json?: boolean;
  quiet?: boolean;
}

/** The corollaries that are plain series (a stats file of uvalues will do). */
const PLAIN = new Set(['epochs', 'batch', 'sde']);

/** The flags of the statistics source, read by every corollary. */
const SOURCE = ['landscape', 'stats', 'exact', 'samples', 'seed', 'initSeed', 'workers', 'cifar10', 'cacheDir', 'json', 'quiet'];

export function registerCorollary(program: Command): void {
  const cmd = program
    .command('corollary')
    .argument('<name>', `one of ${COROLLARY_NAMES.join(', ')}`, oneOf(...COROLLARY_NAMES))
    .description(`the paper's corollaries as calculators, from statistics measured on a landscape: ${COROLLARY_NAMES.map((n) => `${n} (${COROLLARIES[n].description})`).join('; ')}`)
    .option('--landscape <spec>', 'built-in name (with :key=value parameters) or a module path: statistics measured here')
    .option('--stats <file>', 'or a stats file of diagram values (perturb stats --out): epochs, batch and sde (the others need tensors at θ₀: --landscape)')
    .option('--exact', 'exact statistics over the landscape’s atoms')
    .option('--samples <S>', 'statistics from S samples (standard errors from them)', positiveInt)
    .option('--seed <s>', 'seed of the samples', nonNegativeInt, 0)
    .option('--init-seed <s>', 'initialization seed', nonNegativeInt, 0)
    .option('--workers <w>', 'worker threads for sampled statistics (default: all cores; 0 runs in this thread)', nonNegativeInt)
    .requiredOption('--eta <η>', 'learning rate', positiveNumber)
    .option('--N <n>', 'training set size', positiveInt)
    .option('--B <b>', 'batch size', positiveInt)
    .option('--E <list>', 'epochs: epoch counts to compare with one epoch, e.g. 2,3,4', listOf(positiveInt))
    .option('--shuffle <how>', 'epochs: fixed or reshuffle', oneOf(...SHUFFLES))
    .option('--T <t>', 'steps (a positive integer, or inf for the long-time limit where the corollary has one)', stepsOrInf)
    .option('--order <D>', `order of the series (0…${MAX_ORDER})`, nonNegativeInt)
    .option('--quantity <q>', 'epochs: test, train or gap', oneOf('test', 'train', 'gap'))
    .option('--max-gradient <g>', 'drift, overfit: the largest |G| at θ₀ still taken for a minimum', positiveNumber)
    .option('--groups <G>', 'drift, overfit, skew with --samples: jackknife groups', positiveInt)
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches (or set PERTURB_CIFAR10)')
    .option('--cache-dir <dir>', 'cache directory for Fashion-MNIST (default: PERTURB_CACHE or ~/.cache/perturb)')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print { name, value, stderr, units, inputs } as JSON')
    .action(async (name: keyof CorollaryOptionsByName, o: CorollaryCli) => {
      const reads = new Set<string>([...SOURCE, ...(COROLLARIES[name].options as readonly string[])]);
      for (const opt of cmd.options) {
        const key = opt.attributeName();
        if (cmd.getOptionValueSource(key) === 'cli' && !reads.has(key)) {
          const used = (COROLLARIES[name].options as readonly string[]).map((k) => flagFor(cmd, k) ?? k).join(', ');
          throw new InputError(`corollary ${name}: ${opt.long} does not apply (it reads ${used})`);
        }
      }
      if (o.stats !== undefined && o.landscape !== undefined) throw new InputError('corollary: give --landscape or --stats, not both');
      if (o.stats !== undefined && !PLAIN.has(name)) throw new InputError(`corollary ${name}: needs derivative tensors at θ₀, which a stats file does not hold: give --landscape SPEC with --exact or --samples S`);
      const source = o.landscape !== undefined ? { landscape: (await landscapeFromFlags(o.landscape, o)).ref } : o.stats !== undefined ? { stats: readStats(o.stats) } : {};
      const bar = phasedProgress({ stats: `${name} (statistics)` }, o.quiet);
      let r: CorollaryResult;
      try {
        const common = { ...source, exact: o.exact, samples: o.samples, seed: o.seed, initSeed: o.initSeed, workers: o.workers, onProgress: (d: number, t: number) => bar.onProgress(d, t, 'stats') };
        const T = o.T === 'inf' ? Infinity : o.T;
        const all = { ...common, eta: o.eta, N: o.N, B: o.B, E: o.E, shuffle: o.shuffle, T, order: o.order, quantity: o.quantity, maxGradient: o.maxGradient, groups: o.groups };
        const defined = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
        r = await corollary(name, defined as never);
      } finally {
        bar.stop();
      }
      print(o.json ? JSON.stringify(corollaryJson(r)) + '\n' : renderCorollary(r));
    });
}
