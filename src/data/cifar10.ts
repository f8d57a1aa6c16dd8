/** @file CIFAR-10 (all 60,000 images, train and test together) from the official binary batches `cifar-10-batches-bin`, at a directory given by option or `PERTURB_CIFAR10`. */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../core/index.ts';
import type { ImageDataset } from './dataset.ts';

/** Official CIFAR-10 class names, by label. */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);
/** The batch files, in the order their images are concatenated. */
export const CIFAR10_FILES: readonly string[] = Object.freeze([
  'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin',
]);
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_SUBDIR = 'cifar-10-batches-bin';
const SIDE = 32;
const IMAGE_BYTES = 3 * SIDE * SIDE;
/** One record: 1 label byte, then 1024 red, 1024 green, 1024 blue bytes, each 32×32 row-major. */
export const CIFAR10_RECORD_BYTES = 1 + IMAGE_BYTES;
const CLASSES = 10;

export interface Cifar10Options {
  /** The directory holding the .bin files, or its parent holding `cifar-10-batches-bin/`; default `PERTURB_CIFAR10`. */
  dir?: string;
}

const HOW_TO_GET =
  `Get it from ${CIFAR10_URL} (the binary version), unpack it (tar xzf cifar-10-binary.tar.gz, which makes ` +
  `${CIFAR10_SUBDIR}/), and pass that directory or its parent as \`cifar10\` DIR or in the environment variable PERTURB_CIFAR10.`;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The directory that holds the batch files: `dir` (else `PERTURB_CIFAR10`) itself if it holds any
 * of them, else its `cifar-10-batches-bin/` subdirectory. Throws InputError saying where it
 * looked and how to get the data set when neither does, or when some batch files are missing.
 */
export async function resolveCifar10Dir(dir?: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = dir ?? (env['PERTURB_CIFAR10'] || undefined);
  if (given === undefined || given === '') {
    throw new InputError(`CIFAR-10 was not found: no directory was given (neither \`cifar10\` DIR nor PERTURB_CIFAR10 is set). ${HOW_TO_GET}`);
  }
  const tried = [resolve(given), resolve(given, CIFAR10_SUBDIR)];
  for (const candidate of tried) {
    const present = await Promise.all(CIFAR10_FILES.map((f) => isFile(join(candidate, f))));
    if (!present.some(Boolean)) continue;
    const missing = CIFAR10_FILES.filter((_, k) => !present[k]);
    if (missing.length > 0) {
      throw new InputError(`CIFAR-10 at ${candidate} is incomplete: missing ${missing.join(', ')} (expected all of ${CIFAR10_FILES.join(', ')}). ${HOW_TO_GET}`);
    }
    return candidate;
  }
  throw new InputError(`CIFAR-10 was not found at ${tried.join(' or ')}: expected ${CIFAR10_FILES.join(', ')} there. ${HOW_TO_GET}`);
}

/**
 * Decode one batch file's bytes (records of 1 label byte + 3072 pixel bytes) into `pixels`
 * (the bytes as stored, channel-major) and `labels` starting at image `offset`. Returns the
 * number of records. `where` names the file in errors.
 */
export function decodeCifar10Batch(
  bytes: Uint8Array,
  where: string,
  pixels: Uint8Array,
  labels: Int32Array,
  offset: number,
): number {
  const n = bytes.length / CIFAR10_RECORD_BYTES;
  for (let r = 0; r < n; r++) {
    const base = r * CIFAR10_RECORD_BYTES;
    const label = bytes[base]!;
    if (label >= CLASSES) {
      throw new InputError(`${where}: record ${r} has label ${label}, expected 0..${CLASSES - 1} (is this the binary version of CIFAR-10, not CIFAR-100?)`);
    }
    labels[offset + r] = label;
    pixels.set(bytes.subarray(base + 1, base + 1 + IMAGE_BYTES), (offset + r) * IMAGE_BYTES);
  }
  return n;
}

/**
 * All CIFAR-10 images from the official binary batches (3×32×32, channel-major as stored,
 * pixel bytes kept as bytes — value byte/255 —, labels 0..9): data_batch_1..5 then test_batch,
 * 60,000 images when complete (184 MB of bytes).
 */
export async function loadCifar10(opts: Cifar10Options = {}): Promise<ImageDataset> {
  const dir = await resolveCifar10Dir(opts.dir);
  const sizes: number[] = [];
  for (const f of CIFAR10_FILES) {
    const path = join(dir, f);
    const size = (await stat(path)).size;
    if (size === 0 || size % CIFAR10_RECORD_BYTES !== 0) {
      throw new InputError(
        `${path} is ${size} bytes, not a positive multiple of the ${CIFAR10_RECORD_BYTES}-byte record (1 label + 3072 pixels): the file is truncated or not a CIFAR-10 binary batch`,
      );
    }
    sizes.push(size);
  }
  const count = sizes.reduce((s, b) => s + b / CIFAR10_RECORD_BYTES, 0);
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Int32Array(count);
  let offset = 0;
  for (let k = 0; k < CIFAR10_FILES.length; k++) {
    const path = join(dir, CIFAR10_FILES[k]!);
    const bytes = await readFile(path);
    if (bytes.length !== sizes[k]) {
      throw new InputError(`${path} changed size while being read (${sizes[k]} then ${bytes.length} bytes)`);
    }
    offset += decodeCifar10Batch(bytes, path, pixels, labels, offset);
  }
  return { name: 'cifar10', count, shape: [3, SIDE, SIDE], classes: CLASSES, pixels, labels, classNames: CIFAR10_CLASSES };
}
