/**
 * @file The θ₀ cache: a simulation's l_a(θ₀) for every atom of a data set, kept on disk per
 * landscape and θ₀, so that a later run — another process, another day — reads the exact
 * float64s instead of making the pass again (for Fashion-MNIST's convnet, 70,000 forward passes).
 *
 * Where: `theta0/` in the cache directory of the data sets (data's resolveCacheDir: the landscape
 * reference's `cacheDir`, else PERTURB_CACHE, else ~/.cache/perturb), one file per landscape
 * and θ₀, named `<landscape name>.<hash>.bin` from a hash of (spec, data digest, atom count,
 * θ₀'s sha256).
 *
 * Key: the header holds the whole key as JSON — the format, perturb's version and commit
 * (parallel's thisPerturb) and a digest of its code files (core's codeDigest: an uncommitted
 * edit of the engine changes it), the canonical spec and the sha256 of any user module it loads,
 * the atoms' content digest (`Atoms.digest`, for a data set a sha256 of its bytes), the number
 * of atoms, the chunking of the pass, P, a sha256 of θ₀'s bytes (θ₀ itself, not the seed that
 * made it), and the byte order. A file is used only when its key is this key exactly, its
 * header and length agree, and its payload's sha256 matches; otherwise the pass runs and the
 * file is rewritten. So a file made by other code, for other data or another θ₀, or torn, is
 * never used.
 *
 * Layout (integers little-endian uint32):
 *
 * | offset | field                                                                   |
 * | ------ | ----------------------------------------------------------------------- |
 * | 0      | magic, the 8 ASCII bytes `PTBTHETA`                                      |
 * | 8      | format version (`THETA0_CACHE_VERSION`)                                  |
 * | 12     | count, the number of atoms                                               |
 * | 16     | K, the byte length of the key                                            |
 * | 20     | 0 (reserved)                                                             |
 * | 24     | sha256 of the padded key and the payload (32 bytes)                      |
 * | 56     | the key, UTF-8 JSON, K bytes, then zero bytes to a multiple of 8         |
 * | …      | payload: count float64s l_a(θ₀), a = 0 … count − 1, in the key's byte order |
 *
 * Writes are atomic (io's writeFileAtomic: a temporary file of this process beside the target,
 * then a rename), so processes writing the same entry at once each leave a whole file, and the
 * last rename wins; a reader sees one whole file or none.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { codeDigest } from '../core/index.ts';
import { resolveCacheDir } from '../data/index.ts';
import { writeFileAtomic } from '../io/index.ts';
import { ATOM_PASS_CHUNK, builtinLandscape, landscapeModules, splitSpec, type Atoms, type Landscape, type LandscapeRef } from '../landscapes/index.ts';
import { moduleHashes, thisPerturb } from '../parallel/index.ts';

export const THETA0_CACHE_VERSION = 1;
/** The θ₀ cache's folder inside the cache directory. */
export const THETA0_CACHE_DIR = 'theta0';
const MAGIC = 'PTBTHETA';
const HEADER_BYTES = 56;
/** A key longer than this is not a key (a corrupt length field). */
const MAX_KEY_BYTES = 1 << 20;

/** Where an entry lives and what it must hold. */
export interface Theta0CacheEntry {
  /** The cache directory's θ₀ folder. */
  dir: string;
  file: string;
  /** The whole key, as the header holds it. */
  key: string;
}

const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * The entry of the pass over `atoms` at θ₀ on the landscape `ref` names, or why there is none:
 * only a landscape that the spec alone makes again (a built-in, or a user module, whose sha256
 * is part of the key) whose atoms name their content (`Atoms.digest`) can be keyed — a landscape
 * that exists only in this process may have any loss under its spec.
 */
export function theta0CacheEntry(ref: LandscapeRef, land: Pick<Landscape, 'name'>, atoms: Atoms, theta0: Float64Array): Theta0CacheEntry | { unkeyed: string } {
  const parsed = splitSpec(ref.spec);
  if (parsed.kind === 'builtin' && !builtinLandscape(parsed.target)) {
    return { unkeyed: `landscape ${ref.spec} exists only in this process (its spec names no built-in and no module), so no file could say which loss made the numbers` };
  }
  if (typeof atoms.digest !== 'function') return { unkeyed: 'its atoms do not name their content (no Atoms.digest)' };
  let modules: { path: string; sha256: string }[];
  let data: string;
  try {
    modules = moduleHashes(landscapeModules(ref));
    data = atoms.digest();
  } catch (err) {
    return { unkeyed: `cannot key it (${(err as Error).message})` };
  }
  const theta = sha256(bytesOf(theta0));
  const key = JSON.stringify({
    cache: 'perturb simulate: l_a(θ₀) of every atom',
    format: THETA0_CACHE_VERSION,
    perturb: thisPerturb(),
    code: codeDigest(),
    landscape: ref.spec,
    modules,
    data,
    atoms: atoms.count,
    chunk: ATOM_PASS_CHUNK,
    P: theta0.length,
    theta0: theta,
    endianness: endianness(),
  });
  const dir = join(resolveCacheDir(ref.cacheDir), THETA0_CACHE_DIR);
  const name = land.name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40) || 'landscape';
  const id = sha256(JSON.stringify([ref.spec, data, atoms.count, theta])).slice(0, 32);
  return { dir, file: join(dir, `${name}.${id}.bin`), key };
}

/** The bytes of an entry. */
export function encodeTheta0Cache(key: string, losses: Float64Array): Uint8Array[] {
  const keyBytes = Buffer.from(key, 'utf8');
  const padded = new Uint8Array(Math.ceil(keyBytes.length / 8) * 8);
  padded.set(keyBytes);
  const payload = bytesOf(losses);
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  for (let k = 0; k < MAGIC.length; k++) header[k] = MAGIC.charCodeAt(k);
  view.setUint32(8, THETA0_CACHE_VERSION, true);
  view.setUint32(12, losses.length, true);
  view.setUint32(16, keyBytes.length, true);
  view.setUint32(20, 0, true);
  header.set(createHash('sha256').update(padded).update(payload).digest(), 24);
  return [header, padded, payload];
}

/** What reading an entry gave: the losses, or why they cannot be used — missing, stale (a whole file of another key) or corrupt. */
export type Theta0CacheRead =
  | { ok: true; losses: Float64Array }
  | { ok: false; why: 'missing' | 'stale' | 'corrupt' | 'unreadable'; reason: string };

/** Check a whole entry's bytes against `key` and `count`; the losses are copied out bit for bit. */
export function decodeTheta0Cache(bytes: Uint8Array, key: string, count: number): Theta0CacheRead {
  const corrupt = (reason: string): Theta0CacheRead => ({ ok: false, why: 'corrupt', reason });
  if (bytes.length < HEADER_BYTES) return corrupt(`is ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  for (let k = 0; k < MAGIC.length; k++) if (bytes[k] !== MAGIC.charCodeAt(k)) return corrupt(`does not start with '${MAGIC}'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== THETA0_CACHE_VERSION) return { ok: false, why: 'stale', reason: `is format ${version}, not ${THETA0_CACHE_VERSION}` };
  const n = view.getUint32(12, true), keyLength = view.getUint32(16, true);
  if (keyLength > MAX_KEY_BYTES) return corrupt(`says its key is ${keyLength} bytes`);
  const payloadAt = HEADER_BYTES + Math.ceil(keyLength / 8) * 8;
  if (bytes.length !== payloadAt + 8 * n) return corrupt(`is ${bytes.length} bytes, not the ${payloadAt + 8 * n} its header says (torn or padded)`);
  const payload = bytes.subarray(payloadAt);
  const sum = createHash('sha256').update(bytes.subarray(HEADER_BYTES, payloadAt)).update(payload).digest();
  if (Buffer.compare(sum, bytes.subarray(24, HEADER_BYTES)) !== 0) return corrupt('fails its checksum');
  const stored = Buffer.from(bytes.buffer, bytes.byteOffset + HEADER_BYTES, keyLength).toString('utf8');
  if (stored !== key) return { ok: false, why: 'stale', reason: `was made for another key (${staleWhy(stored, key)})` };
  if (n !== count) return corrupt(`holds ${n} values for ${count} atoms`);
  const losses = new Float64Array(n);
  new Uint8Array(losses.buffer).set(payload);
  return { ok: true, losses };
}

/** Which fields of two keys differ, for the message. */
function staleWhy(stored: string, key: string): string {
  try {
    const a = JSON.parse(stored) as Record<string, unknown>, b = JSON.parse(key) as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
    return `its ${fields.join(', ')} differ`;
  } catch {
    return 'not JSON';
  }
}

/** Read an entry; a missing, unreadable or unusable file is reported, never thrown. */
export async function readTheta0Cache(entry: Theta0CacheEntry, count: number): Promise<Theta0CacheRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(entry.file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? { ok: false, why: 'missing', reason: 'was not there' }
      : { ok: false, why: 'unreadable', reason: `cannot be read (${code ?? (err as Error).message})` };
  }
  return decodeTheta0Cache(bytes, entry.key, count);
}

/** Write an entry atomically (replacing what was there); throws where the directory cannot take it. */
export function writeTheta0Cache(entry: Theta0CacheEntry, losses: Float64Array): void {
  writeFileAtomic(entry.file, encodeTheta0Cache(entry.key, losses));
}
