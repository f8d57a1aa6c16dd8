/**
 * @file The image data set record (pixels kept as bytes, sample-major, channel-major inside),
 * one sample or a batch of samples as float64 in [0, 1] (byte/255, converted only when asked),
 * and drawing indices with replacement (uniformly or by weight) from a seeded stream.
 */
import { createHash } from 'node:crypto';
import { InputError, type Rng } from '../core/index.ts';

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
   * count·C·H·W bytes 0..255 (the value is byte/255): image i occupies [i·C·H·W, (i+1)·C·H·W);
   * inside an image the byte at (channel c, row r, column k) is at c·H·W + r·W + k. Bytes, not
   * float64, so that a process (or each worker thread) holds 55 MB for Fashion-MNIST and 184 MB
   * for CIFAR-10 rather than 8 times that; `sample` and `gatherImages` convert on demand.
   */
  pixels: Uint8Array;
  /** count labels. */
  labels: Int32Array;
  /** Optional human-readable class names, `classes` of them. */
  classNames?: readonly string[];
}

/** One image of a data set: `pixels` is a fresh Float64Array of C·H·W values in [0, 1]. */
export interface ImageSample {
  pixels: Float64Array;
  label: number;
}

/** Values per image: C·H·W. */
export function imageSize(ds: Pick<ImageDataset, 'shape'>): number {
  return ds.shape[0] * ds.shape[1] * ds.shape[2];
}

function checkIndex(ds: ImageDataset, i: number, what = 'sample index'): void {
  if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
    throw new InputError(
      `${what} ${String(i)} is not an image of data set '${ds.name}': expected an integer in [0, ${ds.count})`,
    );
  }
}

/** Image `i` of `ds` as float64 values in [0, 1] (a fresh array) and its label. */
export function sample(ds: ImageDataset, i: number): ImageSample {
  checkIndex(ds, i);
  const size = imageSize(ds);
  const pixels = new Float64Array(size);
  unitInto(ds.pixels, i * size, size, pixels, 0);
  return { pixels, label: ds.labels[i]! };
}

/** Images and labels of a batch, as float64: what a per-sample loss reads. */
export interface ImageBatch {
  /** n·C·H·W values in [0, 1], image j at [j·C·H·W, (j+1)·C·H·W). */
  pixels: Float64Array;
  /** n labels (integer-valued). */
  labels: Float64Array;
}

/**
 * The images at `indices` (in that order, repeats allowed) converted to float64 in [0, 1], and
 * their labels. Writes into `out` when given (its arrays must have the right lengths).
 */
export function gatherImages(ds: ImageDataset, indices: ArrayLike<number>, out?: ImageBatch): ImageBatch {
  const size = imageSize(ds), n = indices.length;
  const pixels = out?.pixels ?? new Float64Array(n * size);
  const labels = out?.labels ?? new Float64Array(n);
  if (pixels.length !== n * size || labels.length !== n) {
    throw new InputError(`gatherImages: out holds ${pixels.length} pixels and ${labels.length} labels, expected ${n * size} and ${n}`);
  }
  for (let j = 0; j < n; j++) {
    const i = indices[j]!;
    // The message only on failure: a template string per image was 3% of a simulation trial.
    if (!(Number.isInteger(i) && i >= 0 && i < ds.count)) checkIndex(ds, i, `gatherImages: indices[${j}] =`);
    unitInto(ds.pixels, i * size, size, pixels, j * size);
    labels[j] = ds.labels[i]!;
  }
  return { pixels, labels };
}

/** The images [start, end) as float64 in [0, 1], and their labels. */
export function imageRange(ds: ImageDataset, start: number, end: number): ImageBatch {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= ds.count)) {
    throw new InputError(`imageRange: [${start}, ${end}) is not a range of data set '${ds.name}': expected 0 ≤ start ≤ end ≤ ${ds.count}`);
  }
  const size = imageSize(ds), n = end - start;
  const pixels = new Float64Array(n * size);
  unitInto(ds.pixels, start * size, n * size, pixels, 0);
  return { pixels, labels: Float64Array.from(ds.labels.subarray(start, end)) };
}

/**
 * `n` indices drawn with replacement from [0, count) with the stream `r`: uniformly by
 * `r.int(count)` (exactly uniform), or, given `weights` (count numbers ≥ 0, not all 0; they need
 * not sum to 1), by inverse CDF: u = r.uniform()·Σw and the first index whose cumulative weight
 * exceeds u, found by binary search. Training sets and test points are drawn this way, and the
 * draws depend only on the stream, so saved runs reproduce.
 */
export function drawWithReplacement(count: number, n: number, r: Rng, weights?: ArrayLike<number>): Int32Array {
  if (!Number.isInteger(count) || count < 1 || count > 0x7fffffff) {
    throw new InputError(`drawWithReplacement: data set size ${String(count)} is not valid: expected an integer from 1 to ${0x7fffffff}`);
  }
  if (!Number.isInteger(n) || n < 0) {
    throw new InputError(`drawWithReplacement: number of draws ${String(n)} is not valid: expected an integer ≥ 0`);
  }
  if (typeof r !== 'object' || r === null || typeof r.int !== 'function' || typeof r.uniform !== 'function') {
    throw new InputError(`drawWithReplacement: r is ${r === null ? 'null' : typeof r}: expected an Rng (rng(seed) or split(seed, …))`);
  }
  const out = new Int32Array(n);
  if (weights === undefined) {
    for (let j = 0; j < n; j++) out[j] = r.int(count);
    return out;
  }
  if (weights.length !== count) {
    throw new InputError(`drawWithReplacement: weights has ${weights.length} entries, expected ${count} (one per index)`);
  }
  const cdf = new Float64Array(count);
  let acc = 0;
  for (let i = 0; i < count; i++) {
    const w = weights[i]!;
    if (!(w >= 0 && w < Infinity)) throw new InputError(`drawWithReplacement: weights[${i}] = ${String(w)}: expected a finite number ≥ 0`);
    cdf[i] = acc += w;
  }
  if (!(acc > 0 && acc < Infinity)) throw new InputError(`drawWithReplacement: the weights sum to ${acc}: expected a finite positive total`);
  for (let j = 0; j < n; j++) {
    const u = r.uniform() * acc;
    let lo = 0, hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}

const digests = new WeakMap<ImageDataset, string>();

/**
 * A sha256 of what a data set holds — count, shape, classes, the labels and every pixel byte,
 * not its name — equal exactly for data sets of equal images and labels: what a cache of numbers
 * computed from the images keys on. Computed once per data set record (Fashion-MNIST's 55 MB in
 * tens of milliseconds); a record's bytes are not to be changed after it is made.
 */
export function datasetDigest(ds: ImageDataset): string {
  let d = digests.get(ds);
  if (d === undefined) {
    const labels = Int32Array.from(ds.labels); // an exact Int32Array, whatever view the record holds
    d = createHash('sha256')
      .update(JSON.stringify({ count: ds.count, shape: ds.shape, classes: ds.classes, labels: 'int32', pixels: 'uint8' }))
      .update(new Uint8Array(labels.buffer))
      .update(ds.pixels)
      .digest('hex');
    digests.set(ds, d);
  }
  return d;
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
  unitInto(bytes, 0, bytes.length, out, 0);
  return out;
}

/** out[o + k] = bytes[b + k]/255 for k < n. */
function unitInto(bytes: Uint8Array, b: number, n: number, out: Float64Array, o: number): void {
  for (let k = 0; k < n; k++) out[o + k] = BYTE_TO_UNIT[bytes[b + k]!]!;
}

/** Images as bytes (0..255), as stored on disk: the input of `datasetFromBytes`. */
export interface ByteImages {
  count: number;
  shape: [number, number, number];
  classes: number;
  labels: Uint8Array;
  pixels: Uint8Array;
}

/** Bytes → the data set record: the pixel bytes kept as they are (no copy), labels widened to Int32Array. */
export function datasetFromBytes(name: string, raw: ByteImages, classNames?: readonly string[]): ImageDataset {
  return {
    name,
    count: raw.count,
    shape: [raw.shape[0], raw.shape[1], raw.shape[2]],
    classes: raw.classes,
    pixels: raw.pixels,
    labels: Int32Array.from(raw.labels),
    ...(classNames ? { classNames } : {}),
  };
}
