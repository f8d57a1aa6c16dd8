/** @file Public API of theory: the exact η-series of docs/theory.md §3 and predictions from diagram statistics. */
export { predict, MissingStatsError, type PredictOptions, type Prediction, type PredictionTerm } from './predict.ts';
export { seriesTerms, neededDiagrams, coefficientMultiplier, type SeriesTerm } from './series.ts';
export { parseStats, type StatsFile, type DiagramStats } from './stats-file.ts';
export { tensorsFromSamples, quadraticTensors, type LandscapeTensors, type WeightedSamples } from './tensors.ts';
export { sdeSeriesTerms, sdeCumulantTerms, sdeCoefficientMultiplier, type SdeQuantity, type SdeCumulantTerm } from './sde.ts';
