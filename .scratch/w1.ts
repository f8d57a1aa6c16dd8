import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveLandscape } from '../src/landscapes/index.ts';
import { simulate } from '../src/sim/index.ts';
const land = await resolveLandscape('fmnist-convnet');
const SET = { optimizers: ['sgd' as const], eta: [0.01], N: 10, B: 1, T: 10, testPoints: 32 };
for (const w of [0, 1, 0, 1]) {
  const t = performance.now();
  await simulate({ landscape: land, ...SET, trials: 2000, seed: 2, workers: w, out: mkdtempSync(join(tmpdir(), 'tp-')) });
  console.log(`workers ${w}: ${(2000 / ((performance.now() - t) / 1000)).toFixed(1)} trials/s (incl. start-up)`);
}
