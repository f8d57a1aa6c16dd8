/**
 * @file `perturb compare`: the perturbative series (stats → predict) beside a paired simulation
 * of the same schedule, for the test loss and the generalization gap at each η.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/index.ts';
import { compare, type CompareResult } from '../../sim/index.ts';
import { MAX_ORDER } from '../../theory/index.ts';
import { listOf, nonNegativeInt, oneOf, positiveInt, positiveNumber } from '../options.ts';
import { progressBar, type Progress } from '../progress.ts';

interface CompareCli {
  landscape: string;
  schedule: 'sgd' | 'gd';
  N: number;
  B?: number;
  E?: number;
  shuffle?: 'fixed' | 'reshuffle';
  T?: number;
  order: number;
  eta: number[];
  trials: number;
  samples?: number;
  seed: number;
  initSeed: number;
  workers?: number;
  cifar10?: string;
  quiet?: boolean;
  json?: boolean;
}

const num = (x: number | null, d = 6) => (x === null ? '—' : Number(x.toPrecision(d)).toString());

function human(r: CompareResult): string {
  const lines = [
    `${r.landscape}, ${r.schedule}: order-${r.order} series (diagram values ${r.statsMode === 'exact' ? 'exact over atoms' : 'sampled'}) beside simulation`,
    '',
  ];
  const orders = Array.from({ length: r.order }, (_, k) => k + 1);
  const head = ['quantity', 'η', ...orders.map((k) => `order ${k}`), '± se', 'simulated', '± se', 'z'];
  const rows = r.rows.map((x) => [
    x.quantity, num(x.eta), ...orders.map((k) => num(x.byOrder[k]!)), num(x.predictedStderr, 2),
    num(x.simulated), num(x.simulatedStderr, 2), x.z === null ? '—' : x.z.toFixed(2),
  ]);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const fmt = (row: string[]) => '  ' + row.map((c, j) => (j < 1 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ');
  lines.push(fmt(head), ...rows.map(fmt), '', `  order k: the series truncated after η^k; z = (simulated − order ${r.order}) / combined standard error (|z| ≲ 2 where it holds).`);
  return lines.join('\n') + '\n';
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('the perturbative prediction of test loss and gap beside a paired simulation of the same schedule')
    .option('--landscape <spec>', 'built-in name (with :key=value parameters) or a module path', 'gauss:h0=0.5')
    .option('--schedule <s>', 'sgd or gd', oneOf('sgd', 'gd'), 'sgd')
    .option('--N <n>', 'training points', positiveInt, 4)
    .option('--B <b>', 'sgd batch size (divides N)', positiveInt)
    .option('--E <e>', 'sgd epochs', positiveInt)
    .option('--shuffle <how>', 'sgd: fixed or reshuffle', oneOf('fixed', 'reshuffle'))
    .option('--T <t>', 'gd steps', positiveInt)
    .option('--order <D>', `order of the series (0…${MAX_ORDER})`, nonNegativeInt, 3)
    .option('--eta <list>', 'learning rates, comma-separated', listOf(positiveNumber), [0.02, 0.05, 0.1, 0.2])
    .option('--trials <K>', 'simulated trials', positiveInt, 20000)
    .option('--samples <S>', 'draws for the diagram values when the landscape has no exact mode', positiveInt)
    .option('--seed <s>', 'seed of the trials and draws', nonNegativeInt, 0)
    .option('--init-seed <s>', 'initialization seed', nonNegativeInt, 0)
    .option('--workers <w>', 'worker threads (default: all cores; 0 runs in this thread)', nonNegativeInt)
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches (or set PERTURB_CIFAR10)')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print the rows as JSON')
    .action(async (o: CompareCli) => {
      if (o.order > MAX_ORDER) throw new InputError(`--order: at most ${MAX_ORDER}, got ${o.order}`);
      if (o.schedule === 'gd' && o.T === undefined) throw new InputError('--T: required with --schedule gd (the number of steps)');
      if (o.schedule === 'sgd' && o.T !== undefined) throw new InputError('--T applies to --schedule gd only (SGD has T = E·N/B)');
      let bar: Progress | null = null, phase = '';
      try {
        const r = await compare({
          ...o,
          landscapeOptions: { cifar10: o.cifar10 },
          onProgress: (done, total, p) => {
            if (o.quiet) return;
            if (p !== phase) {
              bar?.stop();
              bar = progressBar(p, total);
              phase = p;
            }
            bar!.update(done);
          },
        });
        (bar as Progress | null)?.stop();
        process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : human(r));
      } finally {
        (bar as Progress | null)?.stop();
      }
    });
}
