/**
 * @file Public API of optim: optimizers as plain `{ init, step }` pairs with explicit state and
 * an explicit rng, on any landscape — SGD (any N, B, E, shuffling), GD, GDC, SDE and STIC —
 * and `optimizer(name, settings)` to make one by name.
 */
export {
  problem, runOptimizer, OPTIMIZER_NAMES, type Optimizer, type OptimizerName, type OptState, type Problem,
} from './optimizer.ts';
export { sgd, randomPermutation, type SgdOptions, type SgdState } from './sgd.ts';
export { gd, type GdOptions, type GdState } from './gd.ts';
export { gdc, gdcObjective, gdcCoefficient, type GdcOptions, type GdcState } from './gdc.ts';
export { sde, sdeNoiseMode, type SdeOptions, type SdeState, type SdeNoise } from './sde.ts';
export { stic, sticObjective, sticWeights, STIC_MAX_WEIGHTS, type SticOptions, type SticState } from './stic.ts';
export { optimizer, type OptimizerSettings } from './make.ts';
