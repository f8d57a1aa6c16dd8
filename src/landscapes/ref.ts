/**
 * @file A landscape reference: what names a landscape across threads, processes and machines —
 * its canonical spec and the data options needed to resolve it (plain JSON) — and the one
 * per-thread cache that resolves each reference once.
 */
import { InputError } from '../core/index.ts';
import type { Landscape } from './landscape.ts';
import { resolveLandscape, type ResolveOptions } from './resolve.ts';

export interface LandscapeRef {
  /** The canonical spec (`landscape.spec`). */
  spec: string;
  /** CIFAR-10 directory, where the landscape needs it. */
  cifar10?: string;
  /** Fashion-MNIST's cache directory, where the landscape needs it. */
  cacheDir?: string;
}

/** The reference of a resolved landscape under the options it was resolved with. */
export function landscapeRef(land: Pick<Landscape, 'spec'>, options: Pick<ResolveOptions, 'cifar10' | 'cacheDir'> = {}): LandscapeRef {
  return {
    spec: land.spec,
    ...(options.cifar10 !== undefined ? { cifar10: options.cifar10 } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  };
}

const keyOf = (ref: LandscapeRef) => JSON.stringify([ref.spec, ref.cifar10 ?? null, ref.cacheDir ?? null]);
const cache = new Map<string, Promise<Landscape>>();

/** The landscape `ref` names, resolved once per thread (a failed resolution is not kept). */
export function resolveRef(ref: LandscapeRef): Promise<Landscape> {
  const key = keyOf(ref);
  let p = cache.get(key);
  if (!p) {
    p = resolveLandscape(ref.spec, {
      ...(ref.cifar10 !== undefined ? { cifar10: ref.cifar10 } : {}),
      ...(ref.cacheDir !== undefined ? { cacheDir: ref.cacheDir } : {}),
    });
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/**
 * Register a landscape made in this process (e.g. by a test) under its reference, so that work
 * run in this thread resolves it without a spec that could be resolved elsewhere.
 */
export function provideLandscape(land: Landscape, ref: LandscapeRef = landscapeRef(land)): LandscapeRef {
  cache.set(keyOf(ref), Promise.resolve(land));
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
  const ref = l as LandscapeRef | undefined;
  if (typeof ref?.spec !== 'string') throw new InputError(`${where}: \`landscape\` must be a landscape or a reference { spec, cifar10?, cacheDir? }`);
  return { ref, land: await resolveRef(ref) };
}
