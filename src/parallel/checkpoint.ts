/**
 * @file `checkpointed`: a run of chunks whose results are folded into a state in chunk order,
 * saved atomically to a checkpoint file (after the first chunk, every couple of seconds and at
 * the end) and resumable from it — without losing or double-counting a chunk, because the
 * state and the number of chunks folded into it are saved together, in one atomic write.
 *
 * The checkpoint records the run's identity (its settings as text); resuming under another
 * identity is refused, and so is starting afresh over an unfinished checkpoint without asking
 * to resume. Both statistics and simulations run through here.
 */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { InputError, opt } from '../core/index.ts';
import { writeFileAtomic } from '../io/index.ts';

export interface CheckpointedRun<S, R> {
  /** Names the run in messages, e.g. `simulate`. */
  where: string;
  /** The checkpoint file; null keeps nothing (the run cannot be resumed). */
  path: string | null;
  /** The run's settings as text: a checkpoint saved under other settings is refused. */
  identity: string;
  /** Continue from the checkpoint at `path` if there is one. */
  resume: boolean;
  /** The state before the first chunk. */
  initial(): S;
  /** How many chunks the run has. */
  chunks: number;
  /** The results of chunks from, from + 1, …, in order, as an executor yields them (numbered from 0). */
  results(from: number): AsyncIterable<[number, R]>;
  /** Fold chunk `index`'s result into the state (called in chunk order). */
  fold(state: S, result: R, index: number): void;
  /** On resume, with the saved state: bring what it refers to back in line (e.g. truncate a file). */
  restore?(state: S): void;
  /** Before each save: make what the state refers to durable (e.g. fsync an appended file). */
  beforeSave?(state: S): void;
  /** Chunks folded so far, after each one (and once at the start). */
  onProgress?(done: number, total: number): void;
  /** Milliseconds between saves (default 2000). */
  saveEveryMs?: number;
}

interface Saved<S> {
  identity: string;
  chunksDone: number;
  state: S;
}

/** What a finished run returns: the final state, and how many chunks were folded before this call. */
export interface CheckpointedResult<S> {
  state: S;
  resumedAt: number;
}

function readSaved<S>(path: string, where: string): Saved<S> {
  let saved: Saved<S>;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8')) as Saved<S>;
  } catch (err) {
    throw new InputError(`${where}: the checkpoint ${path} cannot be read (${(err as Error).message}); remove it to start again`);
  }
  if (typeof saved !== 'object' || saved === null || typeof saved.identity !== 'string' || !Number.isSafeInteger(saved.chunksDone) || saved.chunksDone < 0) {
    throw new InputError(`${where}: the checkpoint ${path} is not one perturb wrote (no identity or chunk count); remove it to start again`);
  }
  return saved;
}

/**
 * Refuse now, before any work, to start afresh over an unfinished run's checkpoint (the same
 * check `checkpointed` makes): a caller with a long preparation calls it first.
 */
export function checkResumable(where: string, path: string | null, resume: boolean): void {
  if (path && existsSync(path) && !resume) {
    throw new InputError(`${where}: ${dirname(path)} holds an unfinished run (${basename(path)}); continue it with ${opt('resume')}, or remove it`);
  }
}

export async function checkpointed<S, R>(run: CheckpointedRun<S, R>): Promise<CheckpointedResult<S>> {
  const { where, path } = run;
  let state = run.initial();
  let done = 0;
  checkResumable(where, path, run.resume);
  if (path && existsSync(path)) {
    const saved = readSaved<S>(path, where);
    if (saved.identity !== run.identity) {
      throw new InputError(`${where}: the checkpoint ${path} belongs to a different run (other settings); remove it, or drop ${opt('resume')}`);
    }
    if (saved.chunksDone > run.chunks) throw new InputError(`${where}: the checkpoint ${path} counts ${saved.chunksDone} chunks of a run of ${run.chunks}; remove it`);
    state = saved.state;
    done = saved.chunksDone;
    run.restore?.(state);
  }
  const resumedAt = done;
  const save = () => {
    if (!path) return;
    run.beforeSave?.(state);
    writeFileAtomic(path, JSON.stringify({ identity: run.identity, chunksDone: done, state } satisfies Saved<S>));
  };
  run.onProgress?.(done, run.chunks);
  let lastSave = -Infinity;
  const every = run.saveEveryMs ?? 2000;
  for await (const [k, r] of run.results(resumedAt)) {
    const i = resumedAt + k;
    if (i !== done) throw new Error(`${where}: chunk ${i} arrived where chunk ${done} was due (an executor must deliver in order)`);
    run.fold(state, r, i);
    done++;
    run.onProgress?.(done, run.chunks);
    if (performance.now() - lastSave > every || done === run.chunks) {
      save();
      lastSave = performance.now();
    }
  }
  if (done !== run.chunks) throw new Error(`${where}: the executor delivered ${done} of ${run.chunks} chunks`);
  return { state, resumedAt };
}

/** Remove the checkpoint once the run's outputs are written. */
export function removeCheckpoint(path: string | null): void {
  if (path && existsSync(path)) unlinkSync(path);
}
