/** @file The table of built-in landscape families, by name. */
import { archimedes } from './archimedes.ts';
import { gauss } from './gauss.ts';
import { cifarConvnet, cifarLogistic, fmnistConvnet, fmnistLogistic } from './images.ts';
import type { LandscapeTemplate } from './types.ts';
import { meanEstimation, meanEstimationL2 } from './mean-estimation.ts';

/** Every built-in family, in the order `perturb landscapes` lists them. */
export const BUILTIN_LANDSCAPES: readonly LandscapeTemplate[] = Object.freeze([
  gauss, archimedes, meanEstimation, meanEstimationL2, fmnistLogistic, fmnistConvnet, cifarLogistic, cifarConvnet,
]);

/** The built-in family called `name`, or undefined. */
export function builtinLandscape(name: string): LandscapeTemplate | undefined {
  return BUILTIN_LANDSCAPES.find((t) => t.name === name);
}
