/**
 * @file `perturb predict`: the expected test loss, train loss, gap or a coordinate of θ after
 * SGD, GD or the SDE as a series in η (docs/theory.md §3), plain or re-summed (§9). The
 * statistics come from a stats file (plain series of the losses; src/theory/stats-file.ts) or
 * are measured here on a landscape (`predictLandscape`): uvalues for the plain series of a
 * loss, derivative tensors at θ₀ for coordinates and for re-summation.
 */
import type { Command } from 'commander';
import { InputError, MAX_ORDER, QUANTITIES, schedule, sdeSchedule, type Quantity, type ScheduleSizes, type SeriesSchedule } from '../../core/index.ts';
import { predictLandscape } from '../../corollaries/index.ts';
import { landscapePredictionJson, predictionJson, readStats, renderLandscapePrediction, renderPrediction } from '../../report/index.ts';
import { MissingStatsError, predict, type PredictOptions, type Prediction } from '../../theory/index.ts';
import { landscapeFromFlags } from '../landscape.ts';
import { listOf, nonNegativeInt, oneOf, optionAliases, positiveInt, positiveNumber, scheduleFlags, type DataFlags } from '../options.ts';
import { phasedProgress } from '../progress.ts';
import { print } from '../output.ts';

interface PredictCliOptions extends DataFlags, Omit<ScheduleSizes, 'N' | 'T'> {
  N?: number;
  T?: number | 'inf';
  stats?: string;
  landscape?: string;
  exact?: boolean;
  samples?: number;
  seed: number;
  initSeed: number;
  groups?: number;
  workers?: number;
  schedule: 'sgd' | 'gd' | 'sde';
  order: number;
  quantity: string;
  eta?: number[];
  resum?: boolean;
  continuous?: boolean;
  explain?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerPredict(program: Command): void {
  const cmd = program.command('predict');
  scheduleFlags(cmd, { N: 'optional', T: 'inf', B: '; sde: the batch whose noise it matches' })
    .description('expected test loss, train loss, gap or a coordinate of θ after SGD/GD/SDE as a power series in η over diagrams, plain or re-summed')
    .option('--stats <file>', 'diagram values: JSON { "values": { "<key>": number | { "mean", "stderr" } }, "covariance"?: { "keys", "matrix" } } (plain series of the losses)')
    .option('--landscape <spec>', 'or measure the statistics here on a landscape (built-in name with :key=value parameters, or a module path)')
    .option('--exact', 'with --landscape: exact statistics over the landscape’s atoms')
    .option('--samples <S>', 'with --landscape: statistics from S samples (standard errors from them)', positiveInt)
    .option('--seed <s>', 'seed of the samples', nonNegativeInt, 0)
    .option('--init-seed <s>', 'initialization seed', nonNegativeInt, 0)
    .option('--groups <G>', 'jackknife groups of the samples (tensors: coordinates and --resum)', positiveInt)
    .option('--workers <w>', 'worker threads for sampled uvalues (default: all cores; 0 runs in this thread)', nonNegativeInt)
    .requiredOption('--schedule <kind>', 'sgd, gd or sde (the SDE that simulate --optimizer sde integrates: --T steps, batch --B)', oneOf('sgd', 'gd', 'sde'))
    .requiredOption('--order <D>', `highest power of η (plain: 0…${MAX_ORDER}), or the largest irreducible diagram (--resum: 0…3)`, nonNegativeInt)
    .requiredOption('--quantity <q>', 'test, train, gap, or a coordinate of θ: a name of the landscape (e.g. z) or coord:i')
    .option('--eta <list>', 'learning rates at which to sum the series, e.g. 0.01,0.02', listOf(positiveNumber))
    .option('--resum', 're-summed series: Hessian chains summed into propagators (I − ηH)^t (needs --landscape)')
    .option('--continuous', 'with --resum: propagators exp(−tηH) and time integrals')
    .option('--explain', 'list every diagram term (with --resum: re-summed and plain side by side)')
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches (or set PERTURB_CIFAR10)')
    .option('--cache-dir <dir>', 'cache directory for Fashion-MNIST (default: PERTURB_CACHE or ~/.cache/perturb)')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print { quantity, schedule, order, coefficients, stderr, terms, values } as JSON (with --resum: re-summed values and terms, and the plain prediction)')
    .action(async (o: PredictCliOptions) => {
      if (o.stats !== undefined && o.landscape !== undefined) throw new InputError('predict: give --stats or --landscape, not both');
      if (o.stats === undefined && o.landscape === undefined) throw new InputError('predict: give --stats FILE (diagram values) or --landscape SPEC with --exact or --samples S');
      if (o.continuous && !o.resum) throw new InputError('predict: --continuous applies to the re-summed series (--resum)');
      const longTime = o.T === 'inf';
      if (longTime && !o.resum) throw new InputError('predict: --T inf (the long-time limit) needs the re-summed series (--resum): the plain series grows without bound in T');
      const s = scheduleOf(o, longTime);
      const eta = o.eta ?? [];
      if (o.stats !== undefined) {
        if (o.resum) throw new InputError('predict: --resum needs derivative tensors at θ₀, which a stats file does not hold: give --landscape SPEC with --exact or --samples S instead of --stats');
        if (!(QUANTITIES as readonly string[]).includes(o.quantity)) {
          throw new InputError(`predict: --quantity ${o.quantity} is not a loss; a stats file holds diagram values of the losses (a coordinate's root is e_i): give --landscape SPEC with --exact or --samples S`);
        }
        if (o.exact || o.samples !== undefined) throw new InputError(`predict: ${o.exact ? '--exact' : '--samples'} measures statistics on --landscape; with --stats the values are read from the file`);
        const p = predictOrSayHow({ stats: readStats(o.stats), schedule: s, order: o.order, quantity: o.quantity as Quantity, eta });
        print(o.json ? JSON.stringify(predictionJson(p, s)) + '\n' : renderPrediction(p, s, { explain: o.explain }));
        return;
      }
      const { ref } = await landscapeFromFlags(o.landscape!, o);
      const bar = phasedProgress({ stats: 'predict (statistics)' }, o.quiet);
      try {
        const r = await predictLandscape({
          landscape: ref, exact: o.exact, samples: o.samples, seed: o.seed, initSeed: o.initSeed, groups: o.groups, workers: o.workers,
          schedule: s, order: o.order, quantity: o.quantity, eta, resum: o.resum, continuous: o.continuous, longTime,
          onProgress: (d, t) => bar.onProgress(d, t, 'stats'),
        });
        bar.stop();
        print(o.json ? JSON.stringify(landscapePredictionJson(r)) + '\n' : renderLandscapePrediction(r, { explain: o.explain }));
      } finally {
        bar.stop();
      }
    });
  optionAliases(cmd, { longTime: '--T inf', observable: '--quantity', degree: '--order' });
}

/** The schedule of the flags; with --T inf a template (GD at N; SGD one epoch of fresh rows). */
function scheduleOf(o: PredictCliOptions, longTime: boolean): SeriesSchedule {
  if (o.schedule === 'sde') {
    if (longTime) throw new InputError('predict: --T inf applies to the sgd and gd schedules');
    for (const [flag, v] of [['--N', o.N], ['--E', o.E], ['--shuffle', o.shuffle]] as const) {
      if (v !== undefined) throw new InputError(`predict: ${flag} does not apply to the sde schedule (it has no training set: give --T and --B)`);
    }
    if (o.T === undefined) throw new InputError('predict: --T is required for the sde schedule (its time, in SGD steps)');
    return sdeSchedule({ T: o.T as number, B: o.B });
  }
  if (longTime) {
    if (o.schedule === 'sgd') {
      if (o.E !== undefined && o.E !== 1) throw new InputError('predict: --T inf with sgd is one epoch of fresh rows; --E must be 1');
      const B = o.B ?? 1;
      return schedule({ kind: 'sgd', N: o.N ?? B, B, shuffle: o.shuffle });
    }
    if (o.N === undefined) throw new InputError('predict: --N is required (the training set size)');
    return schedule({ kind: 'gd', N: o.N, T: 1 });
  }
  if (o.N === undefined) throw new InputError('predict: --N is required for the sgd and gd schedules (the training set size)');
  return schedule({ kind: o.schedule, N: o.N, B: o.B, E: o.E, T: o.T as number | undefined, shuffle: o.shuffle });
}

/** `predict`, with a missing-keys error that names the `perturb stats` command measuring them. */
function predictOrSayHow(opts: PredictOptions): Prediction {
  try {
    return predict(opts);
  } catch (err) {
    if (!(err instanceof MissingStatsError)) throw err;
    throw new InputError(
      `${err.listing}\nmeasure them with: perturb stats --landscape SPEC --order ${err.statsOrder} --quantity ${err.statsQuantity} --exact --out FILE ` +
        '(or --samples S instead of --exact), then pass FILE to --stats (or give --landscape SPEC --exact to predict directly)',
    );
  }
}
