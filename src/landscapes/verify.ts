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
  const bad = firstNonFinite(land, batch);
  if (bad) throw fieldError(where, 'sample', `returned a non-finite number (${bad})`, 'finite numbers');
  const values = call('loss', () => program.values(theta, batch));
  if (!values.every(Number.isFinite)) {
    throw fieldError(where, 'loss', `is not finite at θ₀ on finite samples (${Array.from(values).join(', ')})`, 'a finite loss');
  }
  if (land.atoms) {
    const atoms = call('atoms', () => land.atoms!());
    call('atoms', () => program.batchSize('atoms', atoms.batch(0, Math.min(atoms.count, 4))));
  }
  if (land.populationLoss) {
    const l = call('populationLoss', () => land.populationLoss!(theta));
    if (typeof l !== 'number' || !Number.isFinite(l)) {
      // A population loss that is the mean over the atoms is not the user's to blame: find the atom.
      if (land.atoms && land.exact.populationLoss?.method === 'atoms') blameAtom(land, theta, where);
      throw fieldError(where, 'populationLoss', `returned ${String(l)}`, 'a finite number');
    }
  }
  if (land.project) call('project', () => land.project!(Float64Array.from(theta)));
}

/** The first non-finite number of a batch's declared fields, as `x[1] = NaN` (or `x of sample 1, entry 3 = NaN`), or null. */
function firstNonFinite(land: Landscape, batch: Record<string, Float64Array>): string | null {
  for (const [name, shape] of Object.entries(land.data)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const v = batch[name]!;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!)) return size === 1 ? `${name}[${i}] = ${v[i]}` : `${name} of sample ${Math.floor(i / size)}, entry ${i % size} = ${v[i]}`;
    }
  }
  return null;
}

/** Throw naming `atoms` (a non-finite atom) or `loss` (non-finite at an atom) for the first atom at fault; return if none is. */
function blameAtom(land: Landscape, theta: Float64Array, where: string): void {
  const atoms = land.atoms!(), program = land.program();
  const chunk = 1024;
  for (let start = 0; start < atoms.count; start += chunk) {
    const batch = atoms.batch(start, Math.min(atoms.count, start + chunk));
    const bad = firstNonFinite(land, batch);
    if (bad) throw fieldError(where, 'atoms', `hold a non-finite number (${bad}, counting from atom ${start})`, 'finite numbers');
    const values = program.values(theta, batch);
    const i = values.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) throw fieldError(where, 'loss', `is not finite at θ₀ at atom ${start + i} (${values[i]})`, 'a finite loss at every atom');
  }
}
