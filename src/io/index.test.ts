/** @file Atomic writes and writability checks: whole files or nothing, named errors, no hang under /proc, nothing left behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWritable, writeFileAtomic } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'perturb-io-'));

test('writeFileAtomic writes text and byte chunks, creating the directory, and leaves no temporary file', () => {
  writeFileAtomic(join(dir, 'a', 'b', 'x.txt'), 'hello');
  assert.equal(readFileSync(join(dir, 'a', 'b', 'x.txt'), 'utf8'), 'hello');
  writeFileAtomic(join(dir, 'y.bin'), [Uint8Array.of(1, 2), Uint8Array.of(3)]);
  assert.deepEqual([...readFileSync(join(dir, 'y.bin'))], [1, 2, 3]);
  assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['x.txt']);
});

test('a target that is a directory is refused by name, by both checkWritable and writeFileAtomic, with no stray file', () => {
  const d = join(dir, 'is-a-dir');
  mkdirSync(d);
  assert.throws(() => checkWritable(d, '`out`'), /`out` .*is-a-dir is a directory: expected the name of a file/);
  assert.throws(() => writeFileAtomic(d, 'x'), /cannot write .*is-a-dir: it is a directory/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('is-a-dir')), ['is-a-dir']);
});

test('an unwritable place is an InputError at once, even under /proc (where a recursive mkdir spins)', () => {
  assert.throws(() => checkWritable('/proc/nope/x.json'), /cannot create the directory \/proc\/nope|not writable/);
  assert.throws(() => writeFileAtomic('/proc/nope/x.json', 'x'), /cannot create the directory \/proc\/nope|cannot write/);
});
