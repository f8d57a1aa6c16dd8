/**
 * @file `perturb predict`: the expected test loss, train loss or gap of SGD/GD as a series in η
 * (THEORY §3) from a stats file of diagram values; see src/theory/stats-file.ts for the format.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { describeSchedule, gd, InputError, type Quantity, type Schedule, sgd, type Shuffle } from '../../core/index.ts';
import { rationals } from '../../diagrams/index.ts';
import { MAX_ORDER, parseStats, predict } from '../../theory/index.ts';
import { finiteNumber, listOf, nonNegativeInt, oneOf, positiveInt } from '../options.ts';

interface PredictCliOptions {
  stats: string;
  schedule: 'sgd' | 'gd';
  N: number;
  B?: number;
  E?: number;
  shuffle?: Shuffle;
  T?: number;
  order: number;
  quantity: Quantity;
  eta?: number[];
  explain?: boolean;
  json?: boolean;
}

function scheduleOf(o: PredictCliOptions): Schedule {
  if (o.schedule === 'gd') {
    for (const [flag, v] of [['--B', o.B], ['--E', o.E], ['--shuffle', o.shuffle]] as const) {
      if (v !== undefined) throw new InputError(`${flag} applies to --schedule sgd only (GD uses every row each step)`);
    }
    if (o.T === undefined) throw new InputError('--T: required with --schedule gd (the number of steps)');
    return gd({ N: o.N, T: o.T });
  }
  if (o.T !== undefined) throw new InputError('--T applies to --schedule gd only (SGD has T = E·N/B)');
  return sgd({ N: o.N, B: o.B ?? 1, E: o.E ?? 1, shuffle: o.shuffle ?? 'fixed' });
}

function readStats(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`--stats: cannot read '${path}': ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`--stats: '${path}' is not valid JSON: ${(err as Error).message}`);
  }
}

/** Ten significant digits, without trailing zeros. */
const num = (x: number) => String(Number(x.toPrecision(10)));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => [...r[j]!].length)));
  return rows.map((r) => '  ' + r.map((c, j) => c + ' '.repeat(widths[j]! - [...c].length)).join('  ').trimEnd()).join('\n') + '\n';
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('expected test loss, train loss or gap after SGD/GD as a power series in η, summed over diagrams')
    .requiredOption('--stats <file>', 'JSON { "values": { "<key>": number | { "mean", "stderr" } }, "covariance"?: { "keys", "matrix" } }')
    .requiredOption('--schedule <kind>', 'sgd or gd', oneOf('sgd', 'gd'))
    .requiredOption('--N <n>', 'training set size', positiveInt)
    .option('--B <b>', 'batch size, dividing N (sgd; default 1)', positiveInt)
    .option('--E <e>', 'epochs (sgd; default 1)', positiveInt)
    .option('--shuffle <how>', 'fixed or reshuffle (sgd; default fixed)', oneOf('fixed', 'reshuffle'))
    .option('--T <t>', 'steps (gd)', positiveInt)
    .requiredOption('--order <D>', `highest power of η, 0…${MAX_ORDER}`, nonNegativeInt)
    .requiredOption('--quantity <q>', 'test, train or gap', oneOf('test', 'train', 'gap'))
    .option('--eta <list>', 'learning rates at which to sum the series, e.g. 0.01,0.02', listOf(finiteNumber))
    .option('--explain', 'list every diagram term: exact multiplier, value, contribution')
    .option('--json', 'print { coefficients, stderr, terms, values } as JSON')
    .action(async (opts: PredictCliOptions) => {
      const schedule = scheduleOf(opts);
      const stats = parseStats(readStats(opts.stats), `--stats '${opts.stats}'`);
      const p = predict({ stats, schedule, order: opts.order, quantity: opts.quantity, eta: opts.eta ?? [] });
      if (opts.json) {
        const out = {
          quantity: p.quantity,
          schedule,
          order: p.order,
          coefficients: p.coefficients,
          stderr: p.stderr,
          terms: p.terms.map((t) => ({
            key: t.key,
            label: t.label,
            order: t.order,
            multiplier: rationals.toString(t.multiplier),
            multiplierValue: t.multiplierValue,
            value: t.value,
            stderr: t.stderr,
            contribution: t.contribution,
          })),
          values: p.values,
        };
        process.stdout.write(JSON.stringify(out) + '\n');
        return;
      }
      const out: string[] = [];
      out.push(`${p.quantity} loss${p.quantity === 'gap' ? ' (test − train)' : ''} after ${describeSchedule(schedule)}, to order η^${p.order} (${p.terms.length} diagram terms)\n`);
      out.push(table([['d', 'c_d', '± stderr'], ...p.coefficients.map((c, d) => [String(d), num(c), num(p.stderr[d]!)])]));
      if (p.values.length > 0) {
        out.push('series at η\n');
        out.push(table([['η', 'value', '± stderr'], ...p.values.map((v) => [num(v.eta), num(v.value), num(v.stderr)])]));
      }
      if (opts.explain) {
        out.push('terms: c_d = Σ multiplier · value\n');
        out.push(
          table([
            ['d', 'key', 'label', 'multiplier', 'value', '± stderr', 'contribution'],
            ...p.terms.map((t) => [String(t.order), t.key, t.label || '—', rationals.toString(t.multiplier), num(t.value), num(t.stderr), num(t.contribution)]),
          ]),
        );
      }
      process.stdout.write(out.join(''));
    });
}
