/**
 * @file The ground floor: the vocabulary every other module shares — the input error, schedules,
 * quantities, seeded random streams, dense linear algebra and the provenance of results. It
 * imports nothing of perturb's.
 */
export { InputError } from './errors.ts';
export { sgd, gd, describeSchedule, type Schedule, type Shuffle } from './schedule.ts';
export { sdeSchedule, isSdeSchedule, describeSeriesSchedule, type SdeSchedule, type SeriesSchedule } from './schedule.ts';
export { checkQuantity, checkObservable, isQuantity, describeObservable, QUANTITIES, type Quantity, type Observable, type Coordinate } from './quantity.ts';
export { checkOrder, MAX_ORDER } from './order.ts';
export { rng, split, type Rng, type Seed } from './rng.ts';
export {
  cholesky, choleskySolve, choleskyInverse, symmetricEigen, tridiagonalEigen, type Eigen, type EigenOptions, type TridiagonalEigenOptions,
} from './linalg.ts';
export { opt, optionError } from './errors.ts';
export {
  isPositiveInt, isNonNegativeInt, positiveInt, nonNegativeInt, intAtLeast, finiteNumber, positiveNumber, oneOf, distinctList,
} from './checks.ts';
export { schedule, asSchedule, SHUFFLES, SCHEDULE_KINDS, type ScheduleKind, type ScheduleOptions, type ScheduleSizes } from './schedule.ts';
export {
  emptyMoments, addObservation, mergeMoments, standardErrors, covarianceOfMeans, meanEstimate, tQuantile975, tTwoSided,
  type Moments, type MeanEstimate,
} from './moments.ts';
export {
  formatNumber, formatExact, formatStderr, textTable, VALUE_DIGITS, EXACT_DIGITS, STDERR_DIGITS, ZERO_TOLERANCE, zeroUpToRounding, exactFormat,
  type TableOptions, type ExactFormat,
} from './format.ts';
export { provenance, gitCommit, codeDigest, BUILD_INFO, type Provenance } from './provenance.ts';
