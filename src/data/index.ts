/** @file Public API of the data module: image data sets (Fashion-MNIST, CIFAR-10) as whole populations held as bytes, samples and batches as float64, and drawing with replacement. */
import { resolve } from 'node:path';
import { InputError } from '../core/index.ts';
import { resolveCacheDir } from './cache.ts';
import { loadCifar10, type Cifar10Options } from './cifar10.ts';
import type { ImageDataset } from './dataset.ts';
import { loadFashionMnist, type FashionMnistOptions } from './fmnist.ts';

export {
  bytesToUnit, classCounts, datasetDigest, datasetFromBytes, drawWithReplacement, gatherImages, imageRange, imageSize, sample,
  type ByteImages, type ImageBatch, type ImageDataset, type ImageSample,
} from './dataset.ts';
export {
  CACHE_HEADER_BYTES, CACHE_VERSION, decodeImageCache, readImageCache, resolveCacheDir, writeImageCache,
  type CacheRead, type RawImages,
} from './cache.ts';
export {
  FASHION_MNIST_CLASSES, FASHION_MNIST_COUNT, convertFashionMnistPackage, fashionMnistCacheFile, loadFashionMnist,
  parseFashionMnistClassFile, type CacheEvent, type FashionMnistOptions, type ParsedClassFile,
} from './fmnist.ts';
export {
  CIFAR10_CLASSES, CIFAR10_FILES, CIFAR10_RECORD_BYTES, CIFAR10_SUBDIR, CIFAR10_URL, decodeCifar10Batch, loadCifar10,
  resolveCifar10Dir, type Cifar10Options,
} from './cifar10.ts';

/** Names accepted by `datasetByName`. */
export const DATASET_NAMES = ['fmnist', 'cifar10'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];
/** Options of every loader together; each loader reads the ones it knows. */
export type DatasetOptions = FashionMnistOptions & Cifar10Options;

const loaded = new Map<string, Promise<ImageDataset>>();

/** What a load's result depends on: the name and where the data set is read from. */
function locationKey(name: DatasetName, opts: DatasetOptions): string {
  return name === 'fmnist'
    ? JSON.stringify([name, resolveCacheDir(opts.cacheDir), opts.packageDir ?? null])
    : JSON.stringify([name, ((dir) => (dir ? resolve(dir) : null))(opts.dir ?? process.env['PERTURB_CIFAR10'])]);
}

/**
 * Load a built-in data set by name: `fmnist` (Fashion-MNIST) or `cifar10` (CIFAR-10). Each data
 * set is loaded once per thread and location (cache directory, CIFAR-10 directory): later calls
 * share the first call's result (its progress callbacks are the only ones called). A failed load
 * is not kept.
 */
export function datasetByName(name: DatasetName, opts: DatasetOptions = {}): Promise<ImageDataset> {
  if (name !== 'fmnist' && name !== 'cifar10') {
    return Promise.reject(
      new InputError(`unknown data set ${JSON.stringify(name as unknown)}: expected one of ${DATASET_NAMES.join(', ')}`),
    );
  }
  let key: string;
  try {
    key = locationKey(name, opts);
  } catch (err) {
    return Promise.reject(err);
  }
  let p = loaded.get(key);
  if (!p) {
    p = name === 'fmnist' ? loadFashionMnist(opts) : loadCifar10(opts);
    loaded.set(key, p);
    p.catch(() => {
      if (loaded.get(key) === p) loaded.delete(key);
    });
  }
  return p;
}
