/** @file Public API of the data module: image data sets (Fashion-MNIST, CIFAR-10) as whole populations held as bytes, samples and batches as float64, and drawing with replacement. */
import { InputError } from '../core/index.ts';
import { loadCifar10, type Cifar10Options } from './cifar10.ts';
import type { ImageDataset } from './dataset.ts';
import { loadFashionMnist, type FashionMnistOptions } from './fmnist.ts';

export {
  bytesToUnit, classCounts, datasetFromBytes, drawWithReplacement, gatherImages, imageRange, imageSize, sample,
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

/** Load a built-in data set by name: `fmnist` (Fashion-MNIST) or `cifar10` (CIFAR-10). */
export function datasetByName(name: DatasetName, opts: DatasetOptions = {}): Promise<ImageDataset> {
  switch (name) {
    case 'fmnist':
      return loadFashionMnist(opts);
    case 'cifar10':
      return loadCifar10(opts);
    default:
      return Promise.reject(
        new InputError(`unknown data set ${JSON.stringify(name as unknown)}: expected one of ${DATASET_NAMES.join(', ')}`),
      );
  }
}
