/**
 * @file The ground floor: the vocabulary every other module shares — the input error, schedules,
 * quantities, seeded random streams and dense linear algebra. It imports nothing of perturb's.
 */
export { InputError } from './errors.ts';
export { sgd, gd, describeSchedule, type Schedule, type Shuffle } from './schedule.ts';
export { checkQuantity, QUANTITIES, type Quantity } from './quantity.ts';
export { rng, split, type Rng, type Seed } from './rng.ts';
export { cholesky, choleskySolve, choleskyInverse, symmetricEigen } from './linalg.ts';
