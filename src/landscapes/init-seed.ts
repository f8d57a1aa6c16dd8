/** @file `initDependsOnSeed`: whether a landscape's θ₀ changes with the init seed (so that a random-init option has an effect). */
import type { Landscape } from './types.ts';

/**
 * Whether `land.init(seed)` depends on the seed, judged from seeds 0, 1 and 2: false when the
 * three starts are equal coordinate by coordinate (=== , so −0 equals 0). An init that ignores
 * its seed, or a fixed vector, gives false; a seeded draw (the convnet's standard normal raw
 * parameters) gives true. An init that differs only at seeds above 2 would be called fixed.
 */
export function initDependsOnSeed(land: Pick<Landscape, 'init'>): boolean {
  const a = land.init(0);
  for (const seed of [1, 2]) {
    const b = land.init(seed);
    if (b.length !== a.length) return true;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  }
  return false;
}
