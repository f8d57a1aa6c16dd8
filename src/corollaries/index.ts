/** @file Public API of corollaries: the paper's corollaries as calculators on a landscape's statistics (docs/theory.md §4, §9). */
export { corollaryJson, type CorollaryCheck, type CorollaryEntry, type CorollaryName, type CorollaryResult } from './result.ts';
export { plainStats, type StatsSourceOptions } from './source.ts';
export { batchCorollary, epochsCorollary, sdeCorollary, type BatchOptions, type EpochsOptions, type SdeCorollaryOptions } from './plain.ts';
export { corollary, COROLLARIES, COROLLARY_NAMES, type CorollaryOptionsByName } from './corollary.ts';
export { driftCorollary, overfitCorollary, skewCorollary, MIN_GRADIENT, SKEW_KEY, type DriftOptions, type OverfitOptions, type SkewOptions, type TensorSourceOptions } from './resummed.ts';
export { predictLandscape, observableFrom, type LandscapePredictOptions, type LandscapePrediction } from './predict.ts';
