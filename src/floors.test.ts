/**
 * @file The import rules of src/floors.ts hold for every file under src/: a module reaches
 * another only through its index.ts, library code only reaches lower floors, and only tests
 * reach the test helpers. A deliberately bad import is caught (so the check can fail).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOORS } from './floors.ts';

const SRC = dirname(fileURLToPath(import.meta.url));

interface SourceFile {
  /** Path relative to src/, with forward slashes. */
  path: string;
  text: string;
}

/** Relative specifiers of static imports, re-exports and dynamic imports. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  for (let m; (m = re.exec(text)); ) out.push((m[1] ?? m[2])!);
  return out;
}

const isTest = (p: string) => /\.test\.ts$/.test(p);
const folderOf = (p: string) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : null);

/** Every rule broken by `files`, one line each. */
export function importViolations(files: readonly SourceFile[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const from = folderOf(f.path);
    if (from !== null && !(from in FLOORS)) bad.push(`${f.path}: folder '${from}' has no floor in src/floors.ts`);
    for (const spec of specifiers(f.text)) {
      const target = normalize(join(dirname(f.path), spec)).replace(/\\/g, '/');
      if (target.startsWith('..')) continue; // outside src (scripts/, bench/)
      const to = folderOf(target);
      if (from === null) continue; // src/index.ts and src/floors.*: the package itself
      if (to === null) {
        // The package's top level: only user-style modules (the test helpers' landscape) import it.
        if (from !== 'testing') bad.push(`${f.path}: imports the package top level ${target}`);
        continue;
      }
      if (to === from) continue;
      if (target !== `${to}/index.ts`) bad.push(`${f.path}: imports ${target}, an internal of '${to}' (import ${to}/index.ts)`);
      if (isTest(f.path)) continue;
      if (to === 'testing' && from !== 'testing') bad.push(`${f.path}: library code imports the test helpers`);
      else if (!(FLOORS[to]! < FLOORS[from]!)) bad.push(`${f.path}: '${from}' (floor ${FLOORS[from]}) imports '${to}' (floor ${FLOORS[to]}), which is not lower`);
    }
  }
  return bad;
}

function sources(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (/\.(m?ts|mjs)$/.test(name)) out.push({ path: relative(SRC, full).replace(/\\/g, '/'), text: readFileSync(full, 'utf8') });
  }
  return out;
}

test('every import under src/ keeps the floors of src/floors.ts and goes through index.ts', () => {
  const files = sources(SRC);
  assert.ok(files.length > 100, `read ${files.length} files`);
  assert.deepEqual(importViolations(files), []);
});

test('a deliberately bad import is caught: an internal file, a higher floor, the test helpers from library code', () => {
  const bad = importViolations([
    { path: 'engine/program.ts', text: "import { gd } from '../core/schedule.ts';\n" },
    { path: 'diagrams/enumerate.ts', text: "import type { Landscape } from '../landscapes/index.ts';\n" },
    { path: 'stats/run.ts', text: "const m = await import('../sim/index.ts');\n" },
    { path: 'optim/sgd.ts', text: "import { relErr } from '../testing/index.ts';\n" },
    { path: 'theory/series.ts', text: "export { x } from '../theory2/index.ts';\n" },
    { path: 'optim/sgd.test.ts', text: "import { relErr } from '../testing/index.ts';\nimport { simulate } from '../sim/index.ts';\n" },
  ]);
  assert.deepEqual(bad, [
    "engine/program.ts: imports core/schedule.ts, an internal of 'core' (import core/index.ts)",
    "diagrams/enumerate.ts: 'diagrams' (floor 2) imports 'landscapes' (floor 3), which is not lower",
    "stats/run.ts: 'stats' (floor 4) imports 'sim' (floor 5), which is not lower",
    'optim/sgd.ts: library code imports the test helpers',
    'theory/series.ts: \'theory\' (floor 3) imports \'theory2\' (floor undefined), which is not lower',
  ]);
});
