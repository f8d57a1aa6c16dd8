/** @file CLI skeleton claims: help and version succeed; a bad flag names itself and exits 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/perturb.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('perturb --version prints the package version and exits 0', () => {
  const r = run('--version');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('perturb --help lists usage and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: perturb/);
});

test('an unknown flag is named on stderr with exit code 2', () => {
  const r = run('--no-such-flag');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option '--no-such-flag'/);
});
