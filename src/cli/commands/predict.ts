/**
 * @file `perturb predict`: the expected test loss, train loss or gap of SGD/GD as a series in η
 * (docs/theory.md §3) from a stats file of diagram values; see src/theory/stats-file.ts.
 */
import type { Command } from 'commander';
import { InputError, MAX_ORDER, schedule, type Quantity, type ScheduleKind, type ScheduleSizes } from '../../core/index.ts';
import { predictionJson, readStats, renderPrediction } from '../../report/index.ts';
import { MissingStatsError, predict, type PredictOptions, type Prediction } from '../../theory/index.ts';
import { listOf, nonNegativeInt, oneOf, positiveNumber, scheduleFlags } from '../options.ts';
import { print } from '../output.ts';

interface PredictCliOptions extends ScheduleSizes {
  stats: string;
  schedule: ScheduleKind;
  order: number;
  quantity: Quantity;
  eta?: number[];
  explain?: boolean;
  json?: boolean;
}

export function registerPredict(program: Command): void {
  const cmd = program.command('predict');
  scheduleFlags(cmd)
    .description('expected test loss, train loss or gap after SGD/GD as a power series in η, summed over diagrams')
    .requiredOption('--stats <file>', 'JSON { "values": { "<key>": number | { "mean", "stderr" } }, "covariance"?: { "keys", "matrix" } }')
    .requiredOption('--schedule <kind>', 'sgd or gd', oneOf('sgd', 'gd'))
    .requiredOption('--order <D>', `highest power of η, 0…${MAX_ORDER}`, nonNegativeInt)
    .requiredOption('--quantity <q>', 'test, train or gap', oneOf('test', 'train', 'gap'))
    .option('--eta <list>', 'learning rates at which to sum the series, e.g. 0.01,0.02', listOf(positiveNumber))
    .option('--explain', 'list every diagram term: exact multiplier, value, contribution')
    .option('--json', 'print { coefficients, stderr, terms, values } as JSON')
    .action(async (o: PredictCliOptions) => {
      const s = schedule({ kind: o.schedule, N: o.N, B: o.B, E: o.E, T: o.T, shuffle: o.shuffle });
      const p = predictOrSayHow({ stats: readStats(o.stats), schedule: s, order: o.order, quantity: o.quantity, eta: o.eta ?? [] });
      print(o.json ? JSON.stringify(predictionJson(p, s)) + '\n' : renderPrediction(p, s, { explain: o.explain }));
    });
}

/** `predict`, with a missing-keys error that names the `perturb stats` command measuring them. */
function predictOrSayHow(opts: PredictOptions): Prediction {
  try {
    return predict(opts);
  } catch (err) {
    if (!(err instanceof MissingStatsError)) throw err;
    throw new InputError(
      `${err.listing}\nmeasure them with: perturb stats --landscape SPEC --order ${err.statsOrder} --quantity ${err.statsQuantity} --exact --out FILE ` +
        '(or --samples S instead of --exact), then pass FILE to --stats',
    );
  }
}
