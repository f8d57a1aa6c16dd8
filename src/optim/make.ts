/**
 * @file `optimizer(name, settings)`: one optimizer by name from the settings a simulation
 * shares among all of them — one schedule, and the SDE options. SGD runs the schedule itself;
 * GD, GDC and STIC run its T steps on all N rows (a gd schedule); SDE runs its T steps with the
 * noise of SGD batches of `sdeB` rows.
 */
import { gd as gdSchedule, oneOf, type Schedule } from '../core/index.ts';
import { gd } from './gd.ts';
import { gdc } from './gdc.ts';
import { OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from './optimizer.ts';
import { sde, type SdeNoise } from './sde.ts';
import { sgd } from './sgd.ts';
import { stic } from './stic.ts';

export interface OptimizerSettings {
  eta: number;
  /** The run's schedule: an sgd schedule for sgd; the others take its N and T. */
  schedule: Schedule;
  /** SDE: the batch size whose noise it matches (default: the schedule's B for sgd, else 1). */
  sdeB?: number;
  sdeSubsteps?: number;
  sdeSamples?: number;
  sdeNoise?: SdeNoise;
  hyperparameters?: readonly number[];
}

export function optimizer(name: OptimizerName, s: OptimizerSettings): Optimizer {
  const steps = () => gdSchedule({ N: s.schedule.N, T: s.schedule.T });
  switch (oneOf('optimizer', 'name', name, OPTIMIZER_NAMES)) {
    case 'sgd':
      return sgd({ eta: s.eta, schedule: s.schedule }) as Optimizer;
    case 'gd':
      return gd({ eta: s.eta, schedule: steps() }) as Optimizer;
    case 'gdc':
      return gdc({ eta: s.eta, schedule: steps() }) as Optimizer;
    case 'sde':
      return sde({
        eta: s.eta, T: s.schedule.T, B: s.sdeB ?? (s.schedule.kind === 'sgd' ? s.schedule.B : 1),
        substeps: s.sdeSubsteps, samples: s.sdeSamples, noise: s.sdeNoise,
      }) as Optimizer;
    case 'stic':
      return stic({ eta: s.eta, schedule: steps(), ...(s.hyperparameters ? { hyperparameters: s.hyperparameters } : {}) }) as Optimizer;
  }
}
