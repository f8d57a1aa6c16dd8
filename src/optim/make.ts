/**
 * @file `optimizer(name, settings)`: one optimizer by name from the settings a simulation
 * shares among all of them (N, B, E, shuffle, T, SDE options).
 */
import { InputError, type Shuffle } from '../core/index.ts';
import { gd } from './gd.ts';
import { gdc } from './gdc.ts';
import { OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from './optimizer.ts';
import { sde, type SdeNoise } from './sde.ts';
import { sgd } from './sgd.ts';
import { stic } from './stic.ts';

export interface OptimizerSettings {
  eta: number;
  N: number;
  /** Steps (gd, gdc, sde, stic); sgd runs E·N/B and ignores it. */
  T: number;
  B?: number;
  E?: number;
  shuffle?: Shuffle;
  sdeSubsteps?: number;
  sdeSamples?: number;
  sdeNoise?: SdeNoise;
  hyperparameters?: readonly number[];
}

export function optimizer(name: OptimizerName, s: OptimizerSettings): Optimizer {
  switch (name) {
    case 'sgd':
      return sgd({ eta: s.eta, N: s.N, B: s.B, E: s.E, shuffle: s.shuffle }) as Optimizer;
    case 'gd':
      return gd({ eta: s.eta, N: s.N, T: s.T }) as Optimizer;
    case 'gdc':
      return gdc({ eta: s.eta, N: s.N, T: s.T }) as Optimizer;
    case 'sde':
      return sde({ eta: s.eta, T: s.T, B: s.B, substeps: s.sdeSubsteps, samples: s.sdeSamples, noise: s.sdeNoise }) as Optimizer;
    case 'stic':
      return stic({ eta: s.eta, N: s.N, T: s.T, ...(s.hyperparameters ? { hyperparameters: s.hyperparameters } : {}) }) as Optimizer;
    default:
      throw new InputError(`optimizer: unknown optimizer '${String(name)}', expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
}
