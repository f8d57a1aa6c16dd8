/**
 * @file Public API of sim: paired Monte-Carlo trials of optimizers on a landscape — per-trial
 * metrics, aggregation with standard errors and paired differences, and `simulate`, which runs
 * them on an executor into a resumable output directory; `compare`, the series beside a simulation.
 */
export { simulate, FILES, LOSS_CHUNK, type SimulateOptions } from './run.ts';
export { resolveConfig, scheduleFields, BASE_METRICS, type SimulationSpec, type SimConfig, type Cell, type TestLossPlan } from './config.ts';
export { runTrial, runTrials, trialContext, trialInitSeed, STREAM, type TrialContext } from './trial.ts';
export {
  addTrial, diffSlots, emptyAggregate, estimate, summarize,
  type AggregateState, type Running, type SummaryRow, type DifferenceRow, type DiffSlot,
} from './aggregate.ts';
export { resultOf, summaryCsv, trialLines, type SimulationResult, type Theta0PassReport } from './output.ts';
export { THETA0_CACHE_DIR } from './theta0-cache.ts';
export { simulationSchedule } from './config.ts';
export type { SimContext, TrialsTask } from './worker.ts';
export { compare, type CompareOptions, type CompareResult, type CompareRow } from './compare.ts';
