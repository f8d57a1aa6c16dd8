/**
 * @file Files written so that a reader never sees half of one: write a temporary file beside
 * the target, flush it, then rename it over the target (atomic on POSIX file systems).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/index.ts';

/**
 * Create `dir` and its missing ancestors, one level at a time. (Node's recursive mkdirSync
 * spins forever under /proc; this fails with a named error instead.)
 */
function makeDirs(dir: string, what: string): string[] {
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    try {
      if (!statSync(d).isDirectory()) throw new InputError(`${what}: ${d} is not a directory`);
      break;
    } catch (e) {
      if (e instanceof InputError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(`${what}: cannot use ${d} (${(e as NodeJS.ErrnoException).code})`);
      missing.push(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  const made: string[] = [];
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
      made.push(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        removeEmptyDirs(made);
        throw new InputError(`${what}: cannot create the directory ${m} (${(e as NodeJS.ErrnoException).code})`);
      }
    }
  }
  return made;
}

/**
 * Remove `dirs` (as `checkWritable` returns them: outermost first) where they are empty: what a
 * run stopped by bad input made and did not fill.
 */
export function removeEmptyDirs(dirs: readonly string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      if (readdirSync(d).length === 0) rmdirSync(d);
    } catch {
      // already gone, or not ours to remove
    }
  }
}

/** Write `data` (text, bytes, or byte chunks in order) to `path` atomically, creating its directory. */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const target = resolve(path);
  makeDirs(dirname(target), `cannot write ${path}`);
  const tmp = `${target}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    for (const part of typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data instanceof Uint8Array ? [data] : data) {
      for (let done = 0; done < part.length; ) done += writeSync(fd, part, done, part.length - done);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (e) {
    unlinkSync(tmp);
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot write ${path}: ${code === 'EISDIR' ? 'it is a directory' : (code ?? (e as Error).message)}`);
  }
}

/**
 * Throw an InputError now, before hours of work, if `path` could not be written later: create
 * its directory and a probe file beside it, then remove the probe. Returns the directories it
 * created (outermost first), for `removeEmptyDirs` should the run stop on bad input.
 */
export function checkWritable(path: string, what = 'output'): string[] {
  const target = resolve(path);
  const made = makeDirs(dirname(target), `${what} ${path}`);
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    isDir = false; // absent: it will be created
  }
  if (isDir) {
    removeEmptyDirs(made);
    throw new InputError(`${what} ${path} is a directory: expected the name of a file to write`);
  }
  const probe = `${target}.probe-${process.pid}`;
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    removeEmptyDirs(made);
    throw new InputError(`${what} ${path} is not writable (${(e as NodeJS.ErrnoException).code})`);
  }
  return made;
}
