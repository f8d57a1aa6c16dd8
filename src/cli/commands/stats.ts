/**
 * @file `perturb stats`: the diagram values a prediction needs, measured at θ₀ of a landscape
 * (exactly over atoms, or from S samples over worker threads), written as the stats file that
 * `perturb predict` reads.
 */
import type { Command } from 'commander';
import { InputError, type Quantity } from '../../core/index.ts';
import { resolveLandscape } from '../../landscapes/index.ts';
import { estimateStats, type StatsResult } from '../../stats/index.ts';
import { MAX_ORDER } from '../../theory/index.ts';
import { nonNegativeInt, oneOf, positiveInt } from '../options.ts';
import { progressBar } from '../progress.ts';

interface StatsCliOptions {
  landscape: string;
  initSeed: number;
  order: number;
  quantity: Quantity;
  exact?: boolean;
  samples?: number;
  seed: number;
  workers?: number;
  covariance?: boolean;
  out?: string;
  resume?: boolean;
  json?: boolean;
  cifar10?: string;
  quiet?: boolean;
}

const num = (x: number) => String(Number(x.toPrecision(8)));

function humanTable(r: StatsResult): string {
  const rows = Object.entries(r.values).map(([k, v]) => [k, num(v.mean), v.stderr === 0 ? 'exact' : `± ${num(v.stderr)}`]);
  const w = [0, 1, 2].map((j) => Math.max(...rows.map((row) => row[j]!.length), ['key', 'value', 'stderr'][j]!.length));
  const line = (row: string[]) => row.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ');
  const head = `${r.landscape} at θ₀ (init seed ${r.initSeed}): ${Object.keys(r.values).length} diagram values for the ${r.quantity} series to order ${r.order}, ${r.mode === 'exact' ? 'exact over atoms' : `${r.samples} samples, seed ${r.seed}`}`;
  return [head, line(['key', 'value', 'stderr']), ...rows.map(line)].join('\n') + '\n';
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('estimate every diagram value (uvalue) a prediction needs, at θ₀ of a landscape, with standard errors')
    .requiredOption('--landscape <spec>', 'built-in name (with :key=value parameters) or a module path')
    .option('--init-seed <s>', 'initialization seed', nonNegativeInt, 0)
    .requiredOption('--order <D>', `order of the series (0…${MAX_ORDER})`, nonNegativeInt)
    .option('--quantity <q>', 'test, train or gap (train and gap need the train-loss diagrams)', oneOf('test', 'train', 'gap'), 'test')
    .option('--exact', 'exact values: a weighted sum over the landscape’s atoms')
    .option('--samples <S>', 'sampled mode: S independent draws (one sample per part per draw)', positiveInt)
    .option('--seed <s>', 'seed of the draws', nonNegativeInt, 0)
    .option('--workers <w>', 'worker threads (default: all cores; 0 runs in this thread)', nonNegativeInt)
    .option('--covariance', 'also write the covariance between the estimates')
    .option('--out <file>', 'stats file to write (atomically); a checkpoint sits beside it while running')
    .option('--resume', 'continue an interrupted run from its checkpoint')
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches (or set PERTURB_CIFAR10)')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print the stats file as JSON')
    .action(async (o: StatsCliOptions) => {
      if (o.order > MAX_ORDER) throw new InputError(`--order: at most ${MAX_ORDER}, got ${o.order}`);
      if (!o.exact === (o.samples === undefined)) throw new InputError('give exactly one of --exact and --samples S');
      if (o.samples !== undefined && o.samples < 2) throw new InputError(`--samples: at least 2 draws are needed for a standard error, got ${o.samples}`);
      if (o.resume && !o.out) throw new InputError('--resume needs --out (the checkpoint sits beside the output file)');
      const landscapeOptions = { cifar10: o.cifar10 };
      const source = await resolveLandscape(o.landscape, landscapeOptions);
      // exact mode reports combinations evaluated: show it in per mille
      const bar = progressBar(o.exact ? 'stats (exact, ‰)' : 'stats (draws)', o.samples ?? 1000, { quiet: o.quiet });
      let result: StatsResult;
      try {
        result = await estimateStats({
          landscape: source.spec,
          landscapeOptions,
          source,
          initSeed: o.initSeed,
          order: o.order,
          quantity: o.quantity,
          exact: o.exact,
          samples: o.samples,
          seed: o.seed,
          workers: o.workers,
          covariance: o.covariance,
          out: o.out,
          resume: o.resume,
          onProgress: (done, total) => bar.update(o.exact ? Math.floor((1000 * done) / total) : done),
        });
      } finally {
        bar.stop();
      }
      process.stdout.write(o.json ? JSON.stringify(result, null, 2) + '\n' : humanTable(result));
      if (o.out && !o.json) process.stderr.write(`wrote ${o.out}\n`);
    });
}
