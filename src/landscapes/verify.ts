/** @file Verifying a landscape at load time: its functions run once, so a broken user module fails when loaded, naming its field. */
import { InputError, rng as makeRng } from '../core/index.ts';
import { describeValue, fieldError, isObject } from './fields.ts';
import type { Landscape } from './types.ts';

/**
 * Run a landscape's functions once (θ₀, two samples, the loss and its gradient on them, and the
 * atoms if any) so that a broken definition fails at load time, naming its field.
 */
export function verifyLandscape(land: Landscape, where: string): void {
  const call = <T>(field: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof InputError && err.message.startsWith(where)) throw err;
      throw new InputError(`${where}: field '${field}' threw: ${(err as Error).message}`);
    }
  };
  const theta = call('init', () => land.init(0));
  const program = land.program();
  const batch = call('sample', () => land.sample(makeRng(0x5eed), 2));
  if (!isObject(batch)) throw fieldError(where, 'sample', `returned ${describeValue(batch).replace('is ', '')}`, 'a batch: { field: Float64Array of n samples }');
  let n: number;
  try {
    n = program.batchSize('sample', batch);
  } catch (err) {
    throw new InputError(`${where}: field 'sample' returned a bad batch: ${(err as Error).message}`);
  }
  if (n !== 2) throw fieldError(where, 'sample', `returned ${n} samples when asked for 2`, 'n samples');
  const values = call('loss', () => program.values(theta, batch));
  if (!values.every(Number.isFinite)) throw fieldError(where, 'loss', `is not finite at θ₀ (${Array.from(values).join(', ')})`, 'a finite loss');
  if (land.atoms) {
    const atoms = call('atoms', () => land.atoms!());
    call('atoms', () => program.batchSize('atoms', atoms.batch(0, Math.min(atoms.count, 4))));
  }
  if (land.populationLoss) {
    const l = call('populationLoss', () => land.populationLoss!(theta));
    if (typeof l !== 'number' || !Number.isFinite(l)) throw fieldError(where, 'populationLoss', `returned ${String(l)}`, 'a finite number');
  }
  if (land.project) call('project', () => land.project!(Float64Array.from(theta)));
}
