/** @file Public API of stats: unbiased estimates of diagram values (uvalues) with standard errors. */
export { estimateStats, DEFAULT_CHUNK, type StatsOptions, type StatsResult } from './run.ts';
export type { StatsContext, ChunkTask } from './worker.ts';
export { exactValues, exactMethod, enumeratedValues, enumerationCount, sampleChunk, EXACT_LIMIT, type ExactMethod, type StatsSource } from './estimate.ts';
export { factorizedValues, factorizedCost, factorizedMaxP, derivativeTensors, FACTORIZED_LIMIT, TENSOR_LIMIT, type FactorizedCost } from './factorized.ts';
export { Contractor, type PartSample } from './uvalue.ts';
export {
  measureTensors, jackknifed, perSampleTensors, exactFactorLimit, MAX_TENSOR_DEGREE, TENSOR_MAX_P, STORED_TENSOR_LIMIT, DEFAULT_GROUPS, SAMPLE_CHUNK,
  type MeasureTensorsOptions, type MeasuredTensors,
} from './tensors.ts';
