/**
 * @file Trial counts per preset. `demo` runs every artificial panel in under 2 minutes on a
 * 2-core machine (workers on both cores), `quick` in about 5, `paper` with the paper's counts
 * (appendix C.3: 2·10⁵ GAUSS trials, 50 ARCHIMEDES trials, 10³ MEAN ESTIMATION trials, for GD
 * alone and for GD against STIC; the
 * paper gives none for the epochs panel and the GAUSS test-loss table: 2·10⁵ there).
 */
export type Preset = 'demo' | 'quick' | 'paper';
export const PRESETS: readonly Preset[] = ['demo', 'quick', 'paper'];

export interface PresetCounts {
  /** SGD trials on ARCHIMEDES (T = 10⁴ each). */
  archimedes: number;
  /** GD trials per H and T on MEAN ESTIMATION. */
  meanEstimation: number;
  /** Paired trials per epoch count E on GAUSS off its minimum. */
  epochs: number;
  /** Paired SGD/SDE trials on GAUSS. */
  gaussSde: number;
  /** SGD trials on GAUSS at T = N = 10. */
  gaussTestloss: number;
  /** Paired GD/STIC trials per H and w0 on MEAN ESTIMATION with an l2 coefficient (src/reproduce/stic.ts; optional so older count sets still type). */
  stic?: number;
}

export const TRIALS: Readonly<Record<Preset, PresetCounts>> = Object.freeze({
  demo: { archimedes: 16, meanEstimation: 2000, epochs: 20000, gaussSde: 8000, gaussTestloss: 20000, stic: 100 },
  quick: { archimedes: 40, meanEstimation: 8000, epochs: 60000, gaussSde: 24000, gaussTestloss: 60000, stic: 500 },
  paper: { archimedes: 50, meanEstimation: 1000, epochs: 200000, gaussSde: 200000, gaussTestloss: 200000, stic: 1000 },
});

import { InputError } from '../core/index.ts';

export function trialsFor(preset: Preset): PresetCounts {
  const t = TRIALS[preset];
  if (!t) throw new InputError(`reproduce: unknown preset '${String(preset)}' (one of ${PRESETS.join(', ')})`);
  return t;
}
