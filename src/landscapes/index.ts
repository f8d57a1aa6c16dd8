/**
 * @file Public API of landscapes: the Landscape interface, the built-in families (GAUSS,
 * ARCHIMEDES, MEAN ESTIMATION, logistic regression and the convnet on Fashion-MNIST and
 * CIFAR-10), user-defined landscapes (`defineLandscape`), `resolveLandscape(spec)`, landscape
 * references with their per-thread cache (`resolveRef`), atoms, Gauss–Hermite quadrature, and
 * the loss/|G| summary that `perturb landscape` prints. The engine's ops, in which losses are
 * written, come from the engine module or the package top level
 * (`import { defineLandscape, add, … } from 'perturb'`), not from here.
 */
export {
  isLandscapeTemplate,
  type Landscape, type LandscapeDefinition, type ParametricLandscapeDefinition, type BuiltDefinition, type LandscapeTemplate,
  type LandscapeDataOptions, type Atoms, type AtomsLiteral, type ExactInfo, type ParamSpec, type CreateContext,
} from './types.ts';
export { defineLandscape } from './define.ts';
export {
  drawAtoms, atomsMeanLoss, rememberedAt, forgetAt, ATOM_PASS_CHUNK, ATOM_LOSSES, weightedAtomSum, tableAtoms, SMALL_ATOMS, hasSmallAtoms, type AtomLossPass,
} from './atoms.ts';
export { resolveLandscape, type ResolveOptions } from './resolve.ts';
export { landscapeRef, landscapeModules, resolveRef, provideLandscape, refKey, referenced, type LandscapeRef } from './ref.ts';
export { BUILTIN_LANDSCAPES, builtinLandscape } from './builtins.ts';
export { splitSpec, parseParams, canonicalSpec, describeParams } from './spec.ts';
export { gaussHermite, type Quadrature } from './quadrature.ts';
export { GAUSS_NODES } from './gauss.ts';
export { ARCHIMEDES_NODES } from './archimedes.ts';
export { MEAN_ESTIMATION_NODES } from './mean-estimation.ts';
export { imageLandscape, imageModel, logisticModel, datasetAtoms, INIT_STREAM, type ImageModel } from './images.ts';
export { convnetModel, type ConvnetModel, type ParamBlock } from './convnet.ts';
export { initDependsOnSeed } from './init-seed.ts';
export { summarizeLandscape, populationGradient, type LandscapeSummary, type SummaryOptions } from './summary.ts';
