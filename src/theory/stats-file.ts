/**
 * @file The statistics file that feeds `predict`: diagram values (uvalues, docs/theory.md §2) at θ₀,
 * keyed by `(edges)(parts)` in any labeling, with standard errors and optionally a covariance.
 *
 *   { "values": { "<key>": number | { "mean": number, "stderr"?: number }, … },
 *     "covariance"?: { "keys": ["<key>", …], "matrix": [[…], …] } }
 *
 * - A plain number, or an object without `stderr`, is taken as exact (standard error 0).
 * - The loss at θ₀ (c₀ of test and train) is the 0-edge diagram `()(0)`.
 * - `covariance` is the covariance matrix of the estimates of `keys` (each must also be in
 *   `values`), in that order: square, symmetric, finite, nonnegative diagonal. It replaces the
 *   stderr-based variances of those keys (its diagonal is their variance); keys outside it are
 *   taken as uncorrelated with everything, with variance stderr².
 */
import { InputError } from '../core/index.ts';
import { diagram } from '../diagrams/index.ts';

export interface StatsFile {
  values: Record<string, number | { mean: number; stderr?: number }>;
  covariance?: { keys: string[]; matrix: number[][] };
}

/** Parsed statistics, keyed by canonical diagram key. */
export interface DiagramStats {
  readonly mean: ReadonlyMap<string, number>;
  readonly stderr: ReadonlyMap<string, number>;
  /** Canonical keys of the covariance block, and its matrix. */
  readonly covarianceKeys: readonly string[];
  readonly covariance: readonly (readonly number[])[];
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export function isDiagramStats(x: unknown): x is DiagramStats {
  return isRecord(x) && x.mean instanceof Map;
}

/** Validate and canonicalize a stats file (parsed JSON); InputError names the offending field. */
export function parseStats(json: unknown, where = 'stats'): DiagramStats {
  if (!isRecord(json) || !isRecord(json.values)) throw new InputError(`${where}: expected an object with a "values" object`);
  const mean = new Map<string, number>();
  const stderr = new Map<string, number>();
  const origin = new Map<string, string>();
  for (const [key, v] of Object.entries(json.values)) {
    const canon = diagram(key).key;
    const prev = origin.get(canon);
    if (prev !== undefined) throw new InputError(`${where}: values "${prev}" and "${key}" name the same diagram ${canon}`);
    origin.set(canon, key);
    if (finite(v)) {
      mean.set(canon, v);
      stderr.set(canon, 0);
    } else if (isRecord(v) && finite(v.mean)) {
      if (v.stderr !== undefined && !(finite(v.stderr) && v.stderr >= 0)) {
        throw new InputError(`${where}: values["${key}"].stderr must be a finite number ≥ 0, got ${JSON.stringify(v.stderr)}`);
      }
      mean.set(canon, v.mean);
      stderr.set(canon, (v.stderr as number | undefined) ?? 0);
    } else {
      throw new InputError(`${where}: values["${key}"] must be a finite number or { "mean": number, "stderr": number }, got ${JSON.stringify(v)}`);
    }
  }
  let covarianceKeys: string[] = [];
  let covariance: number[][] = [];
  if (json.covariance !== undefined) {
    const c = json.covariance;
    if (!isRecord(c) || !Array.isArray(c.keys) || !Array.isArray(c.matrix)) {
      throw new InputError(`${where}: covariance must be { "keys": [...], "matrix": [[...], ...] }`);
    }
    const n = c.keys.length;
    covarianceKeys = c.keys.map((k, i) => {
      if (typeof k !== 'string') throw new InputError(`${where}: covariance.keys[${i}] must be a diagram key string`);
      const canon = diagram(k).key;
      if (!mean.has(canon)) throw new InputError(`${where}: covariance.keys[${i}] "${k}" has no entry in "values"`);
      return canon;
    });
    if (new Set(covarianceKeys).size !== n) throw new InputError(`${where}: covariance.keys name a diagram twice`);
    if (c.matrix.length !== n) throw new InputError(`${where}: covariance.matrix has ${c.matrix.length} rows, expected ${n} (one per key)`);
    covariance = c.matrix.map((row, i) => {
      if (!Array.isArray(row) || row.length !== n || !row.every(finite)) {
        throw new InputError(`${where}: covariance.matrix[${i}] must be ${n} finite numbers`);
      }
      return row as number[];
    });
    for (let i = 0; i < n; i++) {
      if (covariance[i]![i]! < 0) throw new InputError(`${where}: covariance.matrix[${i}][${i}] is negative, a variance must be ≥ 0`);
      for (let j = 0; j < i; j++) {
        const a = covariance[i]![j]!;
        const b = covariance[j]![i]!;
        if (Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b))) {
          throw new InputError(`${where}: covariance.matrix is not symmetric at [${i}][${j}] (${a} vs ${b})`);
        }
      }
    }
  }
  return { mean, stderr, covarianceKeys, covariance };
}
