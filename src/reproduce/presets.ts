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

/** Counts of the image panels (images.ts), apart from PresetCounts so the artificial panels' counts stay as they were. */
export interface ImageCounts {
  /** SGD trials per init seed on the Fashion-MNIST convnet at small ηT (fmnist-testloss). */
  fmnistTestloss: number;
  /** SGD trials per init seed on the Fashion-MNIST convnet at large ηT (fmnist-large-eta). */
  fmnistLargeEta: number;
  /** Paired SGD/GD/GDC trials per landscape and init seed (gdc). */
  gdc: number;
  /** SGD trials per init seed on the CIFAR-10 convnet (cifar-gap). */
  cifarGap: number;
  /** Sampled draws of the diagram values per landscape and init seed (every image panel). */
  imageSamples: number;
  /** Convnet init seeds 1, 2, … (Glorot-Xavier initializations) per panel; logistic regression has its one zero init. */
  imageInits: number;
  /** Fresh test points per trial on which an image panel's test loss is estimated. */
  imageTestPoints: number;
}

/**
 * The image panels' counts. `demo` does not run them (it carries quick's counts). `quick` keeps
 * them, with the artificial panels, under 15 minutes on a 2-core machine. `paper`: appendix C.3,
 * 4·10⁴ Fashion-MNIST and 5·10⁴ CIFAR-10 convnet trials on each of 6 Glorot-Xavier
 * initializations (SGD, GD and GDC, T = 10); the paper gives no draw count for its diagram
 * estimates nor a test-set size: 10⁴ draws and 10³ test points here.
 */
export const IMAGE_TRIALS: Readonly<Record<Preset, ImageCounts>> = Object.freeze({
  demo: { fmnistTestloss: 64, fmnistLargeEta: 64, gdc: 64, cifarGap: 64, imageSamples: 256, imageInits: 2, imageTestPoints: 64 },
  quick: { fmnistTestloss: 64, fmnistLargeEta: 64, gdc: 64, cifarGap: 64, imageSamples: 256, imageInits: 2, imageTestPoints: 64 },
  paper: { fmnistTestloss: 40000, fmnistLargeEta: 40000, gdc: 40000, cifarGap: 50000, imageSamples: 10000, imageInits: 6, imageTestPoints: 1000 },
});

export function imageTrialsFor(preset: Preset): ImageCounts {
  const t = IMAGE_TRIALS[preset];
  if (!t) throw new InputError(`reproduce: unknown preset '${String(preset)}' (one of ${PRESETS.join(', ')})`);
  return t;
}
