/**
 * @file What a submitter and a queue worker agree on (src/parallel/queue.ts, worker.ts): the keys
 * in Redis, the run record, a job's data, and how a handler module is named on any machine.
 *
 * A *run* is one `Executor.run` call: one handler over many tasks with one context. Its record
 * (handler, perturb's version, the user modules' content hashes, the encoded context) is stored
 * once under `perturb:<queue>:run:<id>`; each task is a BullMQ job whose data is just the run id
 * and the encoded task. Ids are content hashes — the run's of its record, a job's of its run and
 * task — so the same work submitted again (a resumed submitter) finds the jobs already done
 * instead of running them twice.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { provenance } from '../core/index.ts';

/** Bumped when the record or the job data change shape. */
export const PROTOCOL = 1;

export const DEFAULT_QUEUE = 'perturb';

/** How long Redis keeps a run's record and its finished jobs (for a resumed submitter): a week. */
export const KEEP_SECONDS = 7 * 24 * 3600;

/** How a worker's failure reason marks bad input (a refusal, or an InputError in the handler), so that it reaches the submitter as bad input. */
export const INPUT_ERROR_PREFIX = 'InputError: ';

/** The run record. */
export interface RunRecord {
  protocol: number;
  /** The handler module, relative to perturb's code root without extension, e.g. `sim/worker`. */
  handler: string;
  perturb: { version: string; commit: string | null };
  /** Files the handler loads whose content must be the same wherever it runs (user landscape modules). */
  modules: { path: string; sha256: string }[];
  /** The job's context, encoded (codec.ts). */
  context: string;
  /** Who submitted it, for workers' logs. */
  submitter: string;
}

/** A job's data. */
export interface JobData {
  run: string;
  task: string;
}

export const runKey = (queue: string, run: string): string => `perturb:${queue}:run:${run}`;

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** The run's id: a hash of its record, so equal work has equal ids. */
export const runId = (r: RunRecord): string => sha256(JSON.stringify([r.protocol, r.handler, r.perturb, r.modules, r.context])).slice(0, 24);

/** A job's id: its run and a hash of its task (BullMQ ids may not contain ':'). */
export const jobId = (run: string, task: string): string => `${run}-${sha256(task).slice(0, 20)}`;

/** This process as logs name it. */
export const processName = (): string => `${hostname()}/${process.pid}`;

/** The directory handlers are named from: src/ when running from the sources, dist/ from the build. */
const CODE_ROOT = new URL('../', import.meta.url);
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** `sim/worker` for …/src/sim/worker.ts: a name that means the same module on every machine. */
export function handlerName(handler: URL): string {
  const root = CODE_ROOT.href;
  if (!handler.href.startsWith(root)) throw new Error(`the handler ${handler.href} is not one of perturb's modules (under ${root}), so a queue worker cannot load it`);
  return handler.href.slice(root.length).replace(/\.[cm]?[jt]s$/, '');
}

/** The module a handler name means in this copy of perturb; null for a name that is not one. */
export function handlerModule(name: string): URL | null {
  if (!/^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/i.test(name)) return null;
  return new URL(`${name}${FROM_SOURCES ? '.ts' : '.js'}`, CODE_ROOT);
}

/** The files' content hashes (what a worker compares its own copies with). */
export function moduleHashes(paths: readonly string[]): { path: string; sha256: string }[] {
  return paths.map((path) => ({ path, sha256: sha256(readFileSync(path)) }));
}

export function thisPerturb(): RunRecord['perturb'] {
  const p = provenance();
  return { version: p.version, commit: p.commit };
}
