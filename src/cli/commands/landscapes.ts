/**
 * @file `perturb landscapes` (list the built-in landscape families) and `perturb landscape SPEC`
 * (P, loss and |G| at θ₀, and which quantities are exact), over src/landscapes.
 */
import type { Command } from 'commander';
import { BUILTIN_LANDSCAPES, summarizeLandscape } from '../../landscapes/index.ts';
import { landscapeListJson, renderLandscapeList, renderLandscapeSummary } from '../../report/index.ts';
import { landscapeFromFlags } from '../landscape.ts';
import { nonNegativeInt, positiveInt, type DataFlags } from '../options.ts';
import { phasedProgress } from '../progress.ts';
import { print } from '../output.ts';

interface LandscapeCliOptions extends DataFlags {
  initSeed: number;
  samples?: number;
  seed: number;
  json?: boolean;
  quiet?: boolean;
}

export function registerLandscapes(program: Command): void {
  program
    .command('landscapes')
    .description('list the built-in landscapes: P, data source, exact mode, parameters (NAME:key=value,…)')
    .option('--json', 'print the list as JSON')
    .action((o: { json?: boolean }) => {
      if (o.json) {
        print(JSON.stringify(landscapeListJson(BUILTIN_LANDSCAPES)) + '\n');
        return;
      }
      print(
        renderLandscapeList(BUILTIN_LANDSCAPES) +
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
    .option('--quiet', 'no progress bar')
    .option('--json', 'print the summary as JSON')
    .action(async (spec: string, o: LandscapeCliOptions) => {
      // A pass over an image data set takes seconds: progress then, on a terminal or (a line every
      // few seconds) in a log; --quiet for none.
      const bar = phasedProgress({}, o.quiet);
      try {
        const { land } = await landscapeFromFlags(spec, o, (d, t, what) => bar.onProgress(d, t, what));
        const what = o.samples !== undefined || !land.atoms ? `${land.name}: samples` : `${land.name}: exact pass over the atoms`;
        const summary = summarizeLandscape(land, { initSeed: o.initSeed, ...(o.samples !== undefined ? { samples: o.samples } : {}), seed: o.seed, onProgress: (d, t) => bar.onProgress(d, t, what) });
        bar.stop();
        print(o.json ? JSON.stringify(summary) + '\n' : renderLandscapeSummary(summary));
      } finally {
        bar.stop();
      }
    });
}
