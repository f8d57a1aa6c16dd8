/**
 * @file `perturb landscapes` (list the built-in landscape families) and `perturb landscape SPEC`
 * (P, loss and |G| at θ₀, and which quantities are exact), over src/landscapes.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import {
  BUILTIN_LANDSCAPES, resolveLandscape, summarizeLandscape, type LandscapeSummary, type ParamSpec,
} from '../../landscapes/index.ts';
import { nonNegativeInt, positiveInt } from '../options.ts';

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, j) => Math.max(...cells.map((row) => [...row[j]!].length)));
  return cells.map((row) => '  ' + row.map((c, j) => c + ' '.repeat(widths[j]! - [...c].length)).join('  ').trimEnd()).join('\n') + '\n';
}

const paramText = (ps: readonly ParamSpec[]) => (ps.length === 0 ? '—' : ps.map((p) => `${p.name}=${p.default}`).join(','));

/** A progress bar on stderr (drawn only when stderr is a terminal); returns update and stop. */
function progressBar(label: string): { update: (done: number, total: number, what?: string) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | null = null;
  let current = '';
  return {
    update(done, total, what = label) {
      if (!process.stderr.isTTY) return;
      if (!bar || what !== current) {
        bar?.stop();
        current = what;
        bar = new cliProgress.SingleBar({
          stream: process.stderr,
          format: `${what} [{bar}] {value}/{total} {percentage}% ETA {eta_formatted}`,
          clearOnComplete: true,
          hideCursor: true,
        }, cliProgress.Presets.shades_classic);
        bar.start(total, done);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

interface LandscapeCliOptions {
  initSeed: number;
  cifar10?: string;
  cacheDir?: string;
  samples?: number;
  seed: number;
  json?: boolean;
}

/** 12 significant digits, without trailing zeros. */
const fmt = (x: number) => String(Number(x.toPrecision(12)));

function quantityText(q: LandscapeSummary['loss']): string {
  const v = q.stderr && q.stderr > 0 ? `${fmt(q.value)} ± ${q.stderr.toPrecision(3)}` : fmt(q.value);
  return `${v}   (${q.how})`;
}

export function renderSummary(s: LandscapeSummary): string {
  const rows: string[][] = [
    ['spec', s.spec],
    ['P', String(s.P)],
    ['data', s.dataSource],
    ['init seed', String(s.initSeed)],
    ['loss at θ₀', quantityText(s.loss)],
    ['|G| at θ₀', quantityText(s.gradNorm)],
  ];
  if (Object.keys(s.coordinates).length > 0) rows.push(['coordinates', Object.entries(s.coordinates).map(([k, i]) => `${k} = θ[${i}]`).join(', ')]);
  return `${s.name}${s.description ? ` — ${s.description}` : ''}\n` + pad(rows) + 'exact:\n' + s.exact.map((e) => `  - ${e}\n`).join('');
}

export function registerLandscapes(program: Command): void {
  program
    .command('landscapes')
    .description('list the built-in landscapes: P, data source, exact mode, parameters (NAME:key=value,…)')
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }) => {
      const list = BUILTIN_LANDSCAPES.map((t) => ({
        name: t.name,
        P: t.P ?? null,
        description: t.description,
        dataSource: t.dataSource,
        exactMode: t.exactMode ?? null,
        params: t.params.map((p) => ({ name: p.name, default: p.default, description: p.description, domain: p.domain ?? 'real' })),
      }));
      if (opts.json) {
        process.stdout.write(JSON.stringify(list) + '\n');
        return;
      }
      process.stdout.write(
        pad([
          ['name', 'P', 'exact mode', 'parameters', 'data'],
          ...list.map((l, i) => [l.name, l.P === null ? '?' : String(l.P), l.exactMode ? 'yes' : 'no', paramText(BUILTIN_LANDSCAPES[i]!.params), l.dataSource]),
        ]) +
        '\nUse one with --landscape NAME or NAME:key=value,…; bring your own with --landscape ./file.ts (see README, "Landscapes").\n',
      );
    });

  program
    .command('landscape')
    .description('P, loss and |G| at θ₀ (exact where possible), and which quantities are exact, for a built-in or a module')
    .argument('<spec>', 'NAME, NAME:key=value,… or ./module.ts[:key=value,…]')
    .option('--init-seed <s>', 'seed of θ₀', nonNegativeInt, 0)
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches directory (default: PERTURB_CIFAR10)')
    .option('--cache-dir <dir>', 'cache directory for Fashion-MNIST (default: PERTURB_CACHE or ~/.cache/perturb)')
    .option('--samples <S>', 'estimate loss and |G| from S samples instead of an exact pass', positiveInt)
    .option('--seed <s>', 'seed of the samples (with --samples)', nonNegativeInt, 0)
    .option('--json', 'print the summary as JSON')
    .action(async (spec: string, opts: LandscapeCliOptions) => {
      const bar = progressBar('pass');
      try {
        const land = await resolveLandscape(spec, {
          ...(opts.cifar10 !== undefined ? { cifar10: opts.cifar10 } : {}),
          ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
          onProgress: (d, t, what) => bar.update(d, t, what),
        });
        const what = opts.samples !== undefined || !land.atoms ? `${land.name}: samples` : `${land.name}: exact pass over the atoms`;
        const summary = summarizeLandscape(land, {
          initSeed: opts.initSeed,
          ...(opts.samples !== undefined ? { samples: opts.samples } : {}),
          seed: opts.seed,
          onProgress: (d, t) => bar.update(d, t, what),
        });
        bar.stop();
        process.stdout.write(opts.json ? JSON.stringify(summary) + '\n' : renderSummary(summary));
      } finally {
        bar.stop();
      }
    });
}
