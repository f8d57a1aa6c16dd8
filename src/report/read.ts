/**
 * @file Readers of perturb's own output files: a stats file (as `perturb stats` writes and
 * `perturb predict` reads) and a simulation's summary. Every failure is an InputError naming
 * the file and what is wrong with it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/index.ts';
import { FILES, type SimulationResult } from '../sim/index.ts';
import { parseStats, type DiagramStats } from '../theory/index.ts';

/** The JSON in `path`; `what` names the file in messages (e.g. "stats file"). */
export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${what} '${path}' cannot be read: ${code === 'EISDIR' ? 'it is a directory' : code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} '${path}' is not valid JSON: ${(err as Error).message}`);
  }
}

/** A stats file, checked and with its keys canonicalized (see src/theory/stats-file.ts). */
export function readStats(path: string): DiagramStats {
  return parseStats(readJson(path, 'stats file'), `stats file '${path}'`);
}

/** The summary of the finished simulation in directory `dir`. */
export function readSimulation(dir: string): SimulationResult {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new InputError(`simulation '${dir}' is not a directory (expected the output directory of a simulation)`);
  const r = readJson(join(dir, FILES.summary), 'simulation summary') as Partial<SimulationResult> | null;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.summary) || typeof r.settings !== 'object') {
    throw new InputError(`simulation summary '${join(dir, FILES.summary)}' is not one perturb wrote (no settings or summary rows)`);
  }
  return r as SimulationResult;
}
