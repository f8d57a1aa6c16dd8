/**
 * @file `npm run build` (also run by `prepare`, so `npm install` from git and `npm pack` build
 * too): src/ compiled to dist/ as JavaScript with type declarations, plus what tsc does not emit —
 * the plain-JS modules that are loaded by URL (the worker-thread entry, src/parallel/thread.mjs)
 * and dist/core/build-info.json with the git commit being built (see src/core/provenance.ts).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO, gitCommit } from '../src/core/index.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

/** Plain-JS modules under src/ (what tsc leaves alone); .wat is embedded in simd-wasm.ts and fixtures are test data, so nothing else ships. */
function plainModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return plainModules(full);
    return /\.m?js$/.test(e.name) ? [full] : [];
  });
}

// From scratch, so a source file that was removed cannot linger in the package.
rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  // tsc has printed its errors; a stack trace of this script would only bury them.
  console.error('build: tsc -p tsconfig.build.json failed');
  process.exit(1);
}
for (const file of plainModules(SRC)) {
  const to = join(DIST, relative(SRC, file));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(file, to);
}
writeFileSync(join(DIST, 'core', BUILD_INFO), JSON.stringify({ commit: gitCommit(ROOT) }) + '\n');
// The bin entries must stay executable: npm sets the mode when it links them, but a later build
// (`npm pack` and `npm install` run prepare) writes them afresh, and `npx perturb` then fails
// with "Permission denied".
const bins = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> }).bin ?? {};
for (const file of Object.values(bins)) chmodSync(join(ROOT, file), 0o755);
console.log(`built ${relative(process.cwd(), DIST) || DIST}`);
