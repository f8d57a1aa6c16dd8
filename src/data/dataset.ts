/** @file The image data set record (pixels in [0,1], sample-major, channel-major inside), views of one sample, and drawing indices with replacement. */
import { InputError } from '../errors.ts';

/**
 * A finite labelled image data set held in memory. The whole data set is the population: a
 * training set is a list of indices drawn from it with replacement (see `drawWithReplacement`).
 */
export interface ImageDataset {
  /** Short name, e.g. `fmnist` or `cifar10`. */
  name: string;
  /** Number of images. */
  count: number;
  /** Shape of one image: channels, height, width. */
  shape: [number, number, number];
  /** Number of classes; every label is in [0, classes). */
  classes: number;
  /**
   * count·C·H·W values in [0, 1]: image i occupies [i·C·H·W, (i+1)·C·H·W); inside an image the
   * value at (channel c, row r, column k) is at c·H·W + r·W + k.
   */
  pixels: Float64Array;
  /** count labels. */
  labels: Int32Array;
  /** Optional human-readable class names, `classes` of them. */
  classNames?: readonly string[];
}

/** One image of a data set: `pixels` is a view (no copy) of C·H·W values. */
export interface ImageSample {
  pixels: Float64Array;
  label: number;
}

/** Values per image: C·H·W. */
export function imageSize(ds: Pick<ImageDataset, 'shape'>): number {
  return ds.shape[0] * ds.shape[1] * ds.shape[2];
}

/** Image `i` of `ds` as a view into `ds.pixels` (no copy) and its label. */
export function sample(ds: ImageDataset, i: number): ImageSample {
  if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
    throw new InputError(
      `sample index ${String(i)} is not an image of data set '${ds.name}': expected an integer in [0, ${ds.count})`,
    );
  }
  const size = imageSize(ds);
  return { pixels: ds.pixels.subarray(i * size, (i + 1) * size), label: ds.labels[i]! };
}

/**
 * `n` indices drawn uniformly with replacement from [0, count), using `uniform()` (which must
 * return numbers in [0, 1), e.g. from a seeded generator owned by the caller): index =
 * ⌊uniform()·count⌋.
 */
export function drawWithReplacement(count: number, n: number, uniform: () => number): Int32Array {
  if (!Number.isInteger(count) || count < 1 || count > 0x7fffffff) {
    throw new InputError(`data set size ${String(count)} is not valid: expected an integer ≥ 1`);
  }
  if (!Number.isInteger(n) || n < 0) {
    throw new InputError(`number of draws ${String(n)} is not valid: expected an integer ≥ 0`);
  }
  if (typeof uniform !== 'function') {
    throw new InputError('uniform is missing: expected a function returning numbers in [0, 1)');
  }
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const u = uniform();
    if (!(u >= 0 && u < 1)) {
      throw new InputError(`uniform() returned ${String(u)} at draw ${j}: expected a number in [0, 1)`);
    }
    out[j] = Math.floor(u * count);
  }
  return out;
}

/** Per-class image counts of `ds` (length `ds.classes`). */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.classes).fill(0);
  for (let i = 0; i < ds.count; i++) counts[ds.labels[i]!]! += 1;
  return counts;
}

/** 256-entry table byte → byte/255, so converting a byte image is a lookup per pixel. */
const BYTE_TO_UNIT = (() => {
  const t = new Float64Array(256);
  for (let b = 0; b < 256; b++) t[b] = b / 255;
  return t;
})();

/** Bytes 0..255 → values in [0, 1] (byte/255), into a new Float64Array. */
export function bytesToUnit(bytes: Uint8Array): Float64Array {
  const out = new Float64Array(bytes.length);
  for (let k = 0; k < bytes.length; k++) out[k] = BYTE_TO_UNIT[bytes[k]!]!;
  return out;
}

/** Images as bytes (0..255), as stored on disk: the input of `datasetFromBytes`. */
export interface ByteImages {
  count: number;
  shape: [number, number, number];
  classes: number;
  labels: Uint8Array;
  pixels: Uint8Array;
}

/** Bytes → the data set record: pixels/255 into a new Float64Array, labels widened to Int32Array. */
export function datasetFromBytes(name: string, raw: ByteImages, classNames?: readonly string[]): ImageDataset {
  return {
    name,
    count: raw.count,
    shape: [raw.shape[0], raw.shape[1], raw.shape[2]],
    classes: raw.classes,
    pixels: bytesToUnit(raw.pixels),
    labels: Int32Array.from(raw.labels),
    ...(classNames ? { classNames } : {}),
  };
}
