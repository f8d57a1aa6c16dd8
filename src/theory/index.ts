/** @file Public API of theory: the exact η-series of docs/theory.md §3 and predictions from diagram statistics. */
export { predict, combineSeries, MissingStatsError, type PredictOptions, type Prediction, type PredictionTerm, type WeightedSeries } from './predict.ts';
export { seriesTerms, cumulantSeriesTerms, cumulantTermsAsMoments, neededDiagrams, coefficientMultiplier, type SeriesTerm } from './series.ts';
export { parseStats, type StatsFile, type DiagramStats } from './stats-file.ts';
export { tensorsFromSamples, quadraticTensors, type LandscapeTensors, type WeightedSamples } from './tensors.ts';
export { diagramValue, uvaluesFromTensors, MAX_CONTRACTION_TERMS, type Form } from './contract.ts';
export { sdeSeriesTerms, sdeCumulantTerms, sdeCoefficientMultiplier, type SdeQuantity, type SdeCumulantTerm } from './sde.ts';
export { resum, resumDiagrams, hessianEigen, MAX_P as RESUM_MAX_P, type ResumOptions, type Resummed, type ResummedTerm } from './resum.ts';
export { timeSum, type TimePattern, type TimeSumOptions, type TimeSum } from './timesum.ts';
