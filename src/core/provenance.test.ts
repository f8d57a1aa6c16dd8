/** @file Claims about provenance(): the version is package.json's, the commit is the clone's HEAD, and a directory that is not a work tree's top has no commit (so an installed copy never reports its host project's). */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gitCommit, provenance } from './index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

const head = (() => {
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // no git here: then provenance must say null too
  }
})();

test('from the sources, provenance() is package.json’s version and the clone’s HEAD (or null without git), frozen and the same on every call', () => {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const p = provenance();
  assert.deepEqual(p, { version, commit: head });
  assert.ok(Object.isFrozen(p));
  assert.equal(provenance(), p);
});

test('gitCommit is null for a directory below the work tree’s top and for one outside any repository', () => {
  assert.equal(gitCommit(join(root, 'src')), null);
  const dir = mkdtempSync(join(tmpdir(), 'perturb-nogit-'));
  try {
    assert.equal(gitCommit(dir), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
