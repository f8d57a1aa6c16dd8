/**
 * @file The statistics file that feeds `predict`: diagram values (uvalues, docs/theory.md §2) at θ₀,
 * keyed by `(edges)(parts)` in any labeling, with standard errors and optionally a covariance.
 *
 *   { "values": { "<key>": number | { "mean": number, "stderr"?: number }, … },
 *     "covariance"?: { "keys": ["<key>", …], "matrix": [[…], …] } }
 *
 * - A plain number, or an object without `stderr`, is taken as exact (standard error 0).
 * - No other fields: an unknown one (a typo such as "stdev") is refused, not ignored. At the top
 *   level the fields `perturb stats` writes beside the values (landscape, initSeed, order, …,
 *   and the `perturb` provenance record) are allowed and not read.
 * - The loss at θ₀ (c₀ of test and train) is the 0-edge diagram `()(0)`.
 * - `covariance` is the covariance matrix of the estimates of `keys` (each must also be in
 *   `values`), in that order: square, symmetric, finite and positive semi-definite (up to
 *   rounding: eigenvalues ≥ −PSD_TOLERANCE × the largest variance). It replaces the
 *   stderr-based variances of those keys (its diagonal is their variance); keys outside it are
 *   taken as uncorrelated with everything, with variance stderr².
 */
import { formatNumber, InputError, symmetricEigen } from '../core/index.ts';
import { diagram } from '../diagrams/index.ts';

/**
 * How negative an eigenvalue of the covariance may be, relative to its largest diagonal entry,
 * and still count as rounding: a covariance of perfectly correlated estimates is singular and its
 * computed eigenvalues scatter around 0 by a few ulps of the scale.
 */
export const PSD_TOLERANCE = 1e-12;

/** The fields of a stats file `parseStats` reads. */
const READ_FIELDS = ['values', 'covariance'] as const;
/** The fields `perturb stats` writes beside them (src/stats/run.ts's StatsResult, and its provenance): allowed, not read. */
export const METADATA_FIELDS = Object.freeze(['landscape', 'initSeed', 'order', 'quantity', 'mode', 'samples', 'seed', 'partBatch', 'chunkSize', 'estimator', 'perturb']);

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
/** A value as messages show it: JSON, except the non-finite numbers JSON would print as null. */
const show = (x: unknown): string => (typeof x === 'number' ? String(x) : JSON.stringify(x));

/**
 * `x` itself when finite. JSON has no Infinity, but a literal beyond ±1.8e308 (1e400) parses as
 * ±Infinity, which JSON.stringify would echo back as null: name the field and the real cause.
 */
function finiteAt(x: number, path: string, where: string): number {
  if (Number.isFinite(x)) return x;
  throw new InputError(
    `${where}: ${path} is not a finite number (got ${x}${Number.isNaN(x) ? '' : '; a number beyond ±1.8e308, such as 1e400, reads as ±Infinity'})`,
  );
}

/** Refuse any field of `obj` not in `allowed`, naming it by its path (`values["(01)(0-1)"].stdev`). */
function onlyFields(obj: Record<string, unknown>, allowed: readonly string[], path: string, where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const field = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
      throw new InputError(`${where}: unknown field ${field} (allowed: ${allowed.join(', ')})`);
    }
  }
}

export function isDiagramStats(x: unknown): x is DiagramStats {
  return isRecord(x) && x.mean instanceof Map;
}

/** Validate and canonicalize a stats file (parsed JSON); InputError names the offending field. */
export function parseStats(json: unknown, where = 'stats'): DiagramStats {
  if (!isRecord(json) || !isRecord(json.values)) throw new InputError(`${where}: expected an object with a "values" object`);
  onlyFields(json, [...READ_FIELDS, ...METADATA_FIELDS], '', where);
  const mean = new Map<string, number>();
  const stderr = new Map<string, number>();
  const origin = new Map<string, string>();
  for (const [key, v] of Object.entries(json.values)) {
    const canon = diagram(key, `${where}: values key ${JSON.stringify(key)}`).key;
    const prev = origin.get(canon);
    if (prev !== undefined) throw new InputError(`${where}: values "${prev}" and "${key}" name the same diagram ${canon}`);
    origin.set(canon, key);
    const path = `values[${JSON.stringify(key)}]`;
    if (typeof v === 'number') {
      mean.set(canon, finiteAt(v, path, where));
      stderr.set(canon, 0);
    } else if (isRecord(v)) {
      onlyFields(v, ['mean', 'stderr'], path, where);
      if (v.mean === undefined) throw new InputError(`${where}: ${path}.mean is missing (expected { "mean": number, "stderr"?: number })`);
      if (typeof v.mean !== 'number') throw new InputError(`${where}: ${path}.mean must be a finite number, got ${show(v.mean)}`);
      mean.set(canon, finiteAt(v.mean, `${path}.mean`, where));
      if (v.stderr !== undefined && typeof v.stderr !== 'number') {
        throw new InputError(`${where}: ${path}.stderr must be a finite number ≥ 0, got ${show(v.stderr)}`);
      }
      const se = v.stderr === undefined ? 0 : finiteAt(v.stderr, `${path}.stderr`, where);
      if (!(se >= 0)) throw new InputError(`${where}: ${path}.stderr must be a finite number ≥ 0, got ${show(se)}`);
      stderr.set(canon, se);
    } else {
      throw new InputError(`${where}: ${path} must be a finite number or { "mean": number, "stderr": number }, got ${show(v)}`);
    }
  }
  let covarianceKeys: string[] = [];
  let covariance: number[][] = [];
  if (json.covariance !== undefined) {
    const c = json.covariance;
    if (!isRecord(c) || !Array.isArray(c.keys) || !Array.isArray(c.matrix)) {
      throw new InputError(`${where}: covariance must be { "keys": [...], "matrix": [[...], ...] }`);
    }
    onlyFields(c, ['keys', 'matrix'], 'covariance', where);
    const n = c.keys.length;
    covarianceKeys = c.keys.map((k, i) => {
      if (typeof k !== 'string') throw new InputError(`${where}: covariance.keys[${i}] must be a diagram key string, got ${show(k)}`);
      const canon = diagram(k, `${where}: covariance.keys[${i}] ${JSON.stringify(k)}`).key;
      if (!mean.has(canon)) throw new InputError(`${where}: covariance.keys[${i}] "${k}" has no entry in "values"`);
      return canon;
    });
    if (new Set(covarianceKeys).size !== n) throw new InputError(`${where}: covariance.keys name a diagram twice`);
    if (c.matrix.length !== n) throw new InputError(`${where}: covariance.matrix has ${c.matrix.length} rows, expected ${n} (one per key)`);
    covariance = c.matrix.map((row, i) => {
      if (!Array.isArray(row) || row.length !== n || !row.every((x) => typeof x === 'number')) {
        throw new InputError(`${where}: covariance.matrix[${i}] must be ${n} finite numbers`);
      }
      return row.map((x: number, j) => finiteAt(x, `covariance.matrix[${i}][${j}]`, where));
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
    checkPositiveSemidefinite(covariance, c.keys as string[], where);
  }
  return { mean, stderr, covarianceKeys, covariance };
}

/**
 * Refuse a covariance with an eigenvalue below −PSD_TOLERANCE · max|diag|: some combination of
 * the estimates would have a negative variance, which `predict` could only clip to a standard
 * error of 0 and so pass off as exact. The message names the keys that carry that combination.
 */
function checkPositiveSemidefinite(c: readonly (readonly number[])[], keys: readonly string[], where: string): void {
  const n = c.length;
  if (n === 0) return;
  const { values, vectors } = symmetricEigen(Float64Array.from(c.flat()), n);
  let j = 0;
  for (let i = 1; i < n; i++) if (values[i]! < values[j]!) j = i;
  const scale = Math.max(...c.map((row, i) => Math.abs(row[i]!)));
  const smallest = values[j]!;
  if (smallest >= -PSD_TOLERANCE * scale) return;
  // The eigenvector of the smallest eigenvalue: the combination with the most negative variance.
  const weights = keys.map((k, i) => ({ k, w: vectors[i * n + j]! })).filter((x) => Math.abs(x.w) >= 0.05).sort((a, b) => Math.abs(b.w) - Math.abs(a.w));
  const shown = weights.slice(0, 4);
  const combination = shown.map(({ k, w }, i) => `${i === 0 ? (w < 0 ? '−' : '') : w < 0 ? ' − ' : ' + '}${formatNumber(Math.abs(w), 3)}·"${k}"`).join('') +
    (weights.length > shown.length ? ` + ${weights.length - shown.length} more` : '');
  throw new InputError(
    `${where}: covariance.matrix is not positive semi-definite: its smallest eigenvalue is ${formatNumber(smallest)} ` +
      `(allowed down to −${PSD_TOLERANCE} × the largest variance ${formatNumber(scale)}), so the combination ${combination} ` +
      'would have a negative variance; a covariance matrix has every eigenvalue ≥ 0',
  );
}
