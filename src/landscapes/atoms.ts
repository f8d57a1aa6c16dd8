/** @file Atoms, a landscape's exact mode: literal and table atoms, drawing by weight, the mean loss over atoms, and SMALL_ATOMS (few enough to sum over per use). */
import { drawWithReplacement } from '../data/index.ts';
import type { Batch, Program, Shape } from '../engine/index.ts';
import { InputError, type Rng } from '../core/index.ts';
import { describeValue, EXPECTED, fieldError, isArrayLike, isObject } from './fields.ts';
import type { Atoms, Landscape } from './types.ts';

/**
 * Atoms are small when there are at most this many: then an exact pass over them is cheap
 * enough to make per use — per trial for a population loss, per step for SDE noise, for every
 * statistic of a comparison — rather than only once.
 */
export const SMALL_ATOMS = 4096;

/** Whether `land` has atoms and at most SMALL_ATOMS of them (read from its `exact` facts: no atoms are made). */
export function hasSmallAtoms(land: Pick<Landscape, 'atoms' | 'exact'>): boolean {
  return land.atoms !== undefined && (land.exact.atoms?.count ?? land.atoms().count) <= SMALL_ATOMS;
}

/** True for an Atoms object (as opposed to atoms written out as a literal). */
export function isAtoms(x: unknown): x is Atoms {
  return isObject(x) && typeof x['gather'] === 'function';
}

/** The atoms of a literal, checked against the data shapes. */
export function atomsFromLiteral(lit: unknown, data: Record<string, Shape>, where: string): Atoms {
  if (!isObject(lit) || !isObject(lit.values)) throw fieldError(where, 'atoms', describeValue(lit), EXPECTED.atoms!);
  const values = lit.values as Record<string, unknown>;
  const flat: Record<string, Float64Array> = {};
  let count = -1;
  for (const [name, shape] of Object.entries(data)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const v = values[name];
    if (!isArrayLike(v)) throw fieldError(where, `atoms.values.${name}`, describeValue(v), `the field's values for every atom (each ${size} numbers)`);
    let arr: Float64Array;
    if (Array.isArray(v) && v.length > 0 && isArrayLike(v[0])) {
      const rows = v as ArrayLike<number>[];
      arr = new Float64Array(rows.length * size);
      rows.forEach((row, i) => {
        if (!isArrayLike(row) || row.length !== size) {
          throw fieldError(where, `atoms.values.${name}[${i}]`, `has ${isArrayLike(row) ? row.length : 'no'} values`, `${size} numbers (shape [${shape.join(',')}])`);
        }
        arr.set(row, i * size);
      });
    } else {
      arr = Float64Array.from(v as ArrayLike<number>);
      if (arr.length % size !== 0) throw fieldError(where, `atoms.values.${name}`, `has ${arr.length} numbers`, `a multiple of ${size} (shape [${shape.join(',')}])`);
    }
    if (!arr.every(Number.isFinite)) throw fieldError(where, `atoms.values.${name}`, 'holds a non-finite number', 'finite numbers');
    const n = arr.length / size;
    if (count >= 0 && n !== count) throw fieldError(where, `atoms.values.${name}`, `holds ${n} atoms`, `${count}, as the other fields`);
    count = n;
    flat[name] = arr;
  }
  if (count < 1) throw fieldError(where, 'atoms', 'holds no atoms', 'at least one');
  let weights: Float64Array;
  if (lit.weights === undefined) weights = new Float64Array(count).fill(1 / count);
  else {
    if (!isArrayLike(lit.weights) || lit.weights.length !== count) {
      throw fieldError(where, 'atoms.weights', isArrayLike(lit.weights) ? `has ${lit.weights.length} entries` : describeValue(lit.weights), `${count} positive numbers summing to 1`);
    }
    weights = Float64Array.from(lit.weights);
    const total = weights.reduce((a, b) => a + b, 0);
    if (!weights.every((w) => Number.isFinite(w) && w > 0) || Math.abs(total - 1) > 1e-9) {
      throw fieldError(where, 'atoms.weights', `sum to ${total}${weights.every((w) => w > 0) ? '' : ' with a non-positive entry'}`, `${count} positive numbers summing to 1`);
    }
    for (let i = 0; i < count; i++) weights[i]! /= total;
  }
  return tableAtoms(flat, data, weights);
}

/** Atoms held as float64 tables (small distributions: quadrature rules, user literals). */
export function tableAtoms(table: Record<string, Float64Array>, data: Record<string, Shape>, weights: Float64Array): Atoms {
  const count = weights.length;
  const sizes = Object.fromEntries(Object.entries(data).map(([k, s]) => [k, s.reduce((a, b) => a * b, 1)]));
  const uniform = weights.every((w) => w === weights[0]);
  return {
    count,
    weights,
    uniform,
    batch(start = 0, end = count) {
      if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= count)) {
        throw new InputError(`atoms.batch: [${start}, ${end}) is not a range of the ${count} atoms`);
      }
      return Object.fromEntries(Object.keys(sizes).map((k) => [k, table[k]!.slice(start * sizes[k]!, end * sizes[k]!)]));
    },
    gather(indices) {
      const out: Batch = {};
      for (const k of Object.keys(sizes)) {
        const size = sizes[k]!, src = table[k]!, dst = new Float64Array(indices.length * size);
        for (let j = 0; j < indices.length; j++) {
          const i = indices[j]!;
          if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new InputError(`atoms.gather: indices[${j}] = ${i} is not an atom: expected an integer in [0, ${count})`);
          dst.set(src.subarray(i * size, (i + 1) * size), j * size);
        }
        out[k] = dst;
      }
      return out;
    },
  };
}

/**
 * n atom indices drawn with replacement from `r`: by weight (inverse CDF), or by `r.int` when
 * the atoms are uniform — data's `drawWithReplacement`, the one drawing algorithm.
 */
export function drawAtoms(atoms: Atoms, r: Rng, n: number): Int32Array {
  return drawWithReplacement(atoms.count, n, r, atoms.uniform ? undefined : atoms.weights);
}

/** Whether two parameter vectors are the same bit for bit (so −0 and 0 differ, as a loss might tell them apart). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2), y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Per owner (a landscape object), what was computed at its last few θ. Module state: per thread. */
const remembered = new WeakMap<object, Array<{ what: string; theta: Float64Array; value: unknown }>>();
const REMEMBERED_PER_OWNER = 4;

/**
 * `compute()` — a pure function of `owner` and θ, such as l(θ₀) over a data set's 70,000 images
 * (seconds of forward passes) — remembered per owner for its last few θ, compared bit for bit,
 * so that asking again at the same θ₀ (reproduce's panels, a simulation after its statistics)
 * costs nothing. A promise is remembered while in flight (concurrent callers share it) and
 * forgotten if it fails; a compute that throws is not remembered.
 */
export function rememberedAt<T>(owner: object, what: string, theta: Float64Array, compute: () => T): T {
  let list = remembered.get(owner);
  if (!list) remembered.set(owner, (list = []));
  const hit = list.find((e) => e.what === what && sameBits(e.theta, theta));
  if (hit) return hit.value as T;
  const value = compute();
  const entry = { what, theta: theta.slice(), value: value as unknown };
  list.unshift(entry);
  if (list.length > REMEMBERED_PER_OWNER) list.pop();
  if (value instanceof Promise) {
    value.catch(() => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    });
  }
  return value;
}

/** Forget what `rememberedAt(owner, what, θ, …)` holds (a computation that failed after it was remembered). */
export function forgetAt(owner: object, what: string, theta: Float64Array): void {
  const list = remembered.get(owner);
  const i = list?.findIndex((e) => e.what === what && sameBits(e.theta, theta)) ?? -1;
  if (i >= 0) list!.splice(i, 1);
}

/**
 * Atoms per chunk of a pass over every atom's l_a(θ): fixed, so the values do not depend on
 * where a pass ran (this thread, worker threads) — simulate's l(θ₀) pass and a population loss
 * over many atoms cut the atoms the same way.
 */
export const ATOM_PASS_CHUNK = 2048;

/** A pass's l_a(θ) for every atom, remembered per landscape and θ: `losses` once it is done, `ready` meanwhile. */
export interface AtomLossPass {
  losses?: Float64Array;
  ready: Promise<Float64Array>;
}

/** What `rememberedAt` files a landscape's per-atom pass under. */
export const ATOM_LOSSES = 'l_a(θ) of every atom';

/** l_a(θ) for every atom, in this thread, in chunks of ATOM_PASS_CHUNK. */
export function atomLossesHere(program: Program, atoms: Atoms, theta: Float64Array): Float64Array {
  const out = new Float64Array(atoms.count);
  for (let start = 0; start < atoms.count; start += ATOM_PASS_CHUNK) out.set(program.values(theta, atoms.batch(start, Math.min(atoms.count, start + ATOM_PASS_CHUNK))), start);
  return out;
}

/** Σ_a w_a l_a in atom order. */
export function weightedAtomSum(atoms: Atoms, losses: Float64Array): number {
  let total = 0;
  for (let a = 0; a < atoms.count; a++) total += atoms.weights[a]! * losses[a]!;
  return total;
}

/**
 * The population loss Σ_a w_a l_a(θ) of a landscape with many atoms, from the per-atom pass
 * remembered for `owner` at θ — one that simulate's l(θ₀) pass made, or made now in this thread
 * (and remembered for it). If that pass is still running elsewhere, this computes its own.
 */
export function manyAtomsMeanLoss(owner: object, program: () => Program, atoms: Atoms, theta: Float64Array): number {
  const pass = rememberedAt<AtomLossPass>(owner, ATOM_LOSSES, theta, () => {
    const losses = atomLossesHere(program(), atoms, theta);
    return { losses, ready: Promise.resolve(losses) };
  });
  return weightedAtomSum(atoms, pass.losses ?? atomLossesHere(program(), atoms, theta));
}

/** Σ_i w_i l_{x_i}(θ) over the atoms, in chunks (so no more than `chunk` atoms are float64 at once). */
export function atomsMeanLoss(program: Program, atoms: Atoms, theta: Float64Array, chunk = 1024): number {
  let total = 0;
  for (let start = 0; start < atoms.count; start += chunk) {
    const end = Math.min(atoms.count, start + chunk);
    const v = program.values(theta, atoms.batch(start, end));
    for (let j = 0; j < v.length; j++) total += atoms.weights[start + j]! * v[j]!;
  }
  return total;
}
