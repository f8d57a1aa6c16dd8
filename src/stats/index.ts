/** @file Public API of stats: unbiased estimates of diagram values (uvalues) with standard errors. */
export { estimateStats, DEFAULT_CHUNK, type StatsOptions, type StatsResult } from './run.ts';
export type { StatsContext, ChunkTask } from './worker.ts';
export { exactValues, sampleChunk, EXACT_LIMIT, type StatsSource } from './estimate.ts';
export { Contractor, type PartSample } from './uvalue.ts';
