/**
 * @file Files written so that a reader never sees half of one: write a temporary file beside
 * the target, flush it, then rename it over the target (atomic on POSIX file systems).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.ts';

/** Write `data` to `path` atomically, creating its directory. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = resolve(path);
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (e) {
    throw new InputError(`cannot create the directory of ${path}: ${(e as Error).message}`);
  }
  const tmp = `${target}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, target);
}

/** Throw an InputError now (before hours of work) if `path` could not be written later. */
export function checkWritable(path: string, what = 'output'): void {
  const target = resolve(path);
  let dir = dirname(target);
  // the nearest existing ancestor must be a writable directory
  for (;;) {
    try {
      accessSync(dir, constants.W_OK);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new InputError(`${what} ${path} is not writable (${code})`);
      const up = dirname(dir);
      if (up === dir) throw new InputError(`${what} ${path}: no writable directory above it`);
      dir = up;
    }
  }
}
