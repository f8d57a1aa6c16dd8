/**
 * @file The `--landscape SPEC` of every command: resolved once here (so a bad spec fails before
 * any work) and handed to the library as a reference that any thread can resolve again.
 */
import { landscapeRef, provideLandscape, resolveLandscape, type Landscape, type LandscapeRef } from '../landscapes/index.ts';
import type { DataFlags } from './options.ts';

export async function landscapeFromFlags(spec: string, o: DataFlags, onProgress?: (done: number, total: number, what: string) => void): Promise<{ ref: LandscapeRef; land: Landscape }> {
  const data = { ...(o.cifar10 !== undefined ? { cifar10: o.cifar10 } : {}), ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}) };
  const land = await resolveLandscape(spec, { ...data, ...(onProgress ? { onProgress } : {}) });
  return { ref: provideLandscape(land, landscapeRef(land, data)), land };
}
