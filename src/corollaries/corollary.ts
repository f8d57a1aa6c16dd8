/**
 * @file The corollaries by name: one table, exhaustive over CorollaryName, with what each
 * computes and which options it reads — the CLI's `perturb corollary NAME` is one call here.
 */
import type { CorollaryName, CorollaryResult } from './result.ts';
import { batchCorollary, epochsCorollary, sdeCorollary, type BatchOptions, type EpochsOptions, type SdeCorollaryOptions } from './plain.ts';
import { driftCorollary, overfitCorollary, skewCorollary, type DriftOptions, type OverfitOptions, type SkewOptions } from './resummed.ts';

export interface CorollaryOptionsByName {
  drift: DriftOptions;
  overfit: OverfitOptions;
  epochs: EpochsOptions;
  batch: BatchOptions;
  sde: SdeCorollaryOptions;
  skew: SkewOptions;
}

type Entry<K extends keyof CorollaryOptionsByName> = {
  /** One line for help texts. */
  readonly description: string;
  /** The options it reads besides the statistics source (landscape/stats, exact/samples, seeds). */
  readonly options: readonly (keyof CorollaryOptionsByName[K])[];
  readonly run: (o: CorollaryOptionsByName[K]) => Promise<CorollaryResult>;
};

export const COROLLARIES: { readonly [K in keyof CorollaryOptionsByName]: Entry<K> } = Object.freeze({
  drift: { description: 'Corollary 1: long-time velocity of θ along flat directions near a valley of minima, per coordinate', options: ['eta', 'B', 'maxGradient', 'groups'], run: driftCorollary },
  overfit: { description: 'Corollary 2: GD from a minimum — test-loss increase and gap after T steps and as T → ∞, STIC and AIC', options: ['N', 'T', 'eta', 'maxGradient', 'groups'], run: overfitCorollary },
  epochs: { description: 'Corollary 3: E-epoch SGD at η/E minus one-epoch SGD at η, per E', options: ['N', 'B', 'E', 'shuffle', 'eta', 'order', 'quantity'], run: epochsCorollary },
  batch: { description: 'Corollary 4: GD minus one epoch of batch-1 SGD, and GDC’s correction', options: ['N', 'eta', 'order'], run: batchCorollary },
  sde: { description: 'Corollary 5: one-epoch SGD minus its SDE, split into the non-Gaussian part and the rest', options: ['T', 'B', 'eta', 'order'], run: sdeCorollary },
  skew: { description: 'Example 1: the re-summed S–J term of one-epoch SGD', options: ['T', 'B', 'eta', 'groups'], run: skewCorollary },
});

export const COROLLARY_NAMES = Object.freeze(Object.keys(COROLLARIES)) as readonly (keyof CorollaryOptionsByName)[];

/** Corollary `name` with its options. */
export function corollary<K extends keyof CorollaryOptionsByName>(name: K, o: CorollaryOptionsByName[K]): Promise<CorollaryResult> {
  return (COROLLARIES[name] as Entry<K>).run(o);
}

export type { CorollaryName };
