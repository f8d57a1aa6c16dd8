/** @file Claims about provenance(): the version is package.json's, the commit is the clone's HEAD, and a directory that is not a work tree's top has no commit (so an installed copy never reports its host project's); codeDigest follows every edit of the code but not of its tests. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { codeDigest, gitCommit, provenance } from './index.ts';

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

test('codeDigest changes with any edit of a code file (one not yet committed too), not with tests; the running code’s is computed once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perturb-code-'));
  try {
    mkdirSync(join(dir, 'engine'));
    writeFileSync(join(dir, 'engine', 'ops.ts'), 'export const x = 1;\n');
    writeFileSync(join(dir, 'index.ts'), "export * from './engine/ops.ts';\n");
    const before = codeDigest(dir);
    assert.match(before, /^[0-9a-f]{64}$/);
    assert.equal(codeDigest(dir), before, 'a function of the files');
    writeFileSync(join(dir, 'engine', 'ops.test.ts'), 'test();\n');
    assert.equal(codeDigest(dir), before, 'a test file is not code the numbers depend on');
    writeFileSync(join(dir, 'engine', 'ops.ts'), 'export const x = 2;\n');
    const edited = codeDigest(dir);
    assert.notEqual(edited, before, 'an edited file');
    writeFileSync(join(dir, 'engine', 'ops.ts'), 'export const x = 1;\n');
    assert.equal(codeDigest(dir), before, 'content, not modification times');
    writeFileSync(join(dir, 'engine', 'extra.wat'), '(module)\n');
    assert.notEqual(codeDigest(dir), before, 'a new file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const own = codeDigest();
  assert.match(own, /^[0-9a-f]{64}$/);
  assert.equal(codeDigest(), own);
  assert.equal(own, codeDigest(fileURLToPath(new URL('../', import.meta.url))), 'the default is this src/');
});
