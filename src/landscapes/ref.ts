/** @file Landscape references (`{ spec, cifar10?, cacheDir? }`, plain JSON) and the per-thread cache that resolves them (`resolveRef`, `provideLandscape`). */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { InputError } from '../core/index.ts';
import { splitSpec } from './spec.ts';
import { resolveLandscape, type ResolveOptions } from './resolve.ts';
import type { Landscape } from './types.ts';

/**
 * A landscape by reference: its canonical spec (`landscape.spec`) and where its data set is
 * found. Plain JSON, so it can be sent anywhere; `resolveRef` turns it back into the landscape.
 */
export interface LandscapeRef {
  spec: string;
  /** CIFAR-10 directory (else the environment variable PERTURB_CIFAR10 of the resolving thread). */
  cifar10?: string;
  /** Fashion-MNIST cache directory (else PERTURB_CACHE, else ~/.cache/perturb). */
  cacheDir?: string;
}

const REF_KEYS = new Set(['spec', 'cifar10', 'cacheDir']);

/**
 * The reference of a resolved landscape: its spec and the data options `cifar10` and `cacheDir`
 * (unset ones left out; other resolve options, such as `cwd` or `onProgress`, are not part of a
 * reference — the spec is already absolute).
 */
export function landscapeRef(land: Pick<Landscape, 'spec'>, options: Pick<ResolveOptions, 'cifar10' | 'cacheDir'> = {}): LandscapeRef {
  return checkRef('landscapeRef', {
    spec: land?.spec,
    ...(options.cifar10 !== undefined ? { cifar10: options.cifar10 } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  } as LandscapeRef);
}

function checkRef(what: string, ref: unknown): LandscapeRef {
  if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) {
    throw new InputError(`${what}: the reference is ${ref === null ? 'null' : Array.isArray(ref) ? 'an array' : typeof ref}: expected { spec, cifar10?, cacheDir? }`);
  }
  const r = ref as Record<string, unknown>;
  if (typeof r['spec'] !== 'string' || r['spec'] === '') {
    throw new InputError(`${what}: spec is ${JSON.stringify(r['spec']) ?? 'missing'}: expected a landscape spec (a landscape's canonical \`spec\`)`);
  }
  for (const [k, v] of Object.entries(r)) {
    if (!REF_KEYS.has(k)) throw new InputError(`${what}: unknown key '${k}' in the reference: expected only spec, cifar10, cacheDir`);
    if (k !== 'spec' && v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new InputError(`${what}: ${k} is ${JSON.stringify(v) ?? typeof v}: expected a non-empty directory path, or no ${k}`);
    }
  }
  return r as unknown as LandscapeRef;
}

/**
 * The user module files a reference loads (none for a built-in): what must be the same file
 * wherever the landscape is resolved — another machine's worker compares its copy with this.
 */
export function landscapeModules(ref: LandscapeRef): string[] {
  const parsed = splitSpec(checkRef('landscapeModules', ref).spec);
  return parsed.kind === 'module' ? [isAbsolute(parsed.target) ? parsed.target : resolvePath(parsed.target)] : [];
}

/** The canonical JSON of a reference: equal exactly for references to the same landscape with the same data options. */
export function refKey(ref: LandscapeRef): string {
  const r = checkRef('refKey', ref);
  return JSON.stringify([r.spec, r.cifar10 ?? null, r.cacheDir ?? null]);
}

/** This thread's landscapes, by `refKey`. Module state, so each worker thread has its own. */
const resolved = new Map<string, Promise<Landscape>>();

/**
 * The landscape `ref` names, resolved once per thread (by its canonical JSON, `refKey`) and
 * shared by every later call with an equal reference. A resolution that fails is forgotten, so
 * the next call tries again.
 */
export function resolveRef(ref: LandscapeRef): Promise<Landscape> {
  let key: string;
  try {
    key = refKey(ref);
  } catch (err) {
    return Promise.reject(err);
  }
  let p = resolved.get(key);
  if (!p) {
    p = resolveLandscape(ref.spec, {
      ...(ref.cifar10 !== undefined ? { cifar10: ref.cifar10 } : {}),
      ...(ref.cacheDir !== undefined ? { cacheDir: ref.cacheDir } : {}),
    });
    const mine = p;
    resolved.set(key, mine);
    mine.catch(() => {
      if (resolved.get(key) === mine) resolved.delete(key);
    });
  }
  return p;
}

/**
 * Register `land`, made in this thread, under `ref` (default: `landscapeRef(land)`), so that
 * `resolveRef(ref)` in this thread returns it — e.g. a test's landscape run with the in-thread
 * executor. Replaces what the cache held for `ref`. Returns the reference. Other threads do not
 * see it: they resolve `ref.spec`.
 */
export function provideLandscape(land: Landscape, ref: LandscapeRef = landscapeRef(land)): LandscapeRef {
  const key = refKey(ref);
  if (ref.spec !== land.spec) {
    throw new InputError(`provideLandscape: the reference's spec '${ref.spec}' is not the landscape's spec '${land.spec}'`);
  }
  resolved.set(key, Promise.resolve(land));
  return ref;
}

/**
 * A library option that takes a landscape either way — a reference, or a landscape resolved in
 * this process (registered, so that work in this thread finds it) — as both.
 */
export async function referenced(l: LandscapeRef | Landscape, where: string): Promise<{ ref: LandscapeRef; land: Landscape }> {
  if (typeof (l as Landscape | undefined)?.program === 'function') {
    const land = l as Landscape;
    return { ref: provideLandscape(land), land };
  }
  if (typeof (l as LandscapeRef | undefined)?.spec !== 'string') throw new InputError(`${where}: \`landscape\` must be a landscape or a reference { spec, cifar10?, cacheDir? }`);
  const ref = checkRef(where, l);
  return { ref, land: await resolveRef(ref) };
}
