/**
 * @file Provenance: which perturb made a result — the package version and, where it is known, the
 * git commit — recorded in every file perturb writes, so a result can be traced to the code.
 *
 * The commit comes from the build when perturb runs from it (`npm run build` writes
 * dist/core/build-info.json beside this module, since an installed package has no git history),
 * else from git when perturb runs from its clone. Either way it is read once per process and is
 * the same for every worker count and for a resumed run, so files stay byte-identical across
 * them. Never fails: without git, or outside a clone, the commit is null. `codeDigest` hashes
 * the code files themselves, for caches of computed numbers (an edit changes it, a commit need not).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Provenance {
  /** perturb's version, from its package.json. */
  readonly version: string;
  /** The git commit (40 hex digits) the code was built or run from; null where unknown. */
  readonly commit: string | null;
}

/** The package root: src/core/ and dist/core/ both sit two levels below it. */
const ROOT = new URL('../../', import.meta.url);

/** The file `npm run build` writes beside the built module (absent when running from sources). */
export const BUILD_INFO = 'build-info.json';

/**
 * The commit checked out in `dir`, when `dir` is the top of a git work tree; otherwise (no git,
 * no repository, or `dir` merely inside another project's repository, as an installed package in
 * node_modules is) null.
 */
export function gitCommit(dir: string): string | null {
  try {
    const out = execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel', 'HEAD'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000,
    });
    const [top, head] = out.trim().split('\n');
    if (top === undefined || head === undefined || !/^[0-9a-f]{40}$/.test(head)) return null;
    return realpathSync(top) === realpathSync(dir) ? head : null;
  } catch {
    return null;
  }
}

function readJson(url: URL): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(url, 'utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

let cached: Provenance | undefined;

/** perturb's version and commit, computed once per process. */
export function provenance(): Provenance {
  if (cached) return cached;
  const version = readJson(new URL('package.json', ROOT))?.['version'];
  const built = readJson(new URL(`./${BUILD_INFO}`, import.meta.url));
  const commit = built ? built['commit'] : gitCommit(fileURLToPath(ROOT));
  cached = Object.freeze({
    version: typeof version === 'string' ? version : 'unknown',
    commit: typeof commit === 'string' ? commit : null,
  });
  return cached;
}

/** The directory of the code that is running: src/ from the sources, dist/ from the build. */
const CODE = new URL('../', import.meta.url);

/** Test files: no computed number depends on them. */
const IS_TEST = /\.test\.[cm]?[jt]s$|\.test\.d\.[cm]?ts$/;

let codeDigestCached: string | undefined;

/**
 * A sha256 of perturb's code as it is on disk: every file under `dir` (default: the src/ or
 * dist/ this module runs from) except tests, by relative path and content, in sorted order. A
 * cache of numbers perturb computed keys on it beside the version and commit, because those stay
 * the same while a clone's files are edited (an uncommitted change to the engine can change the
 * last bits of a loss) or a build is made from an edited tree. About 2 MB of files: read once
 * per process for the default directory.
 */
export function codeDigest(dir?: string): string {
  if (dir === undefined && codeDigestCached !== undefined) return codeDigestCached;
  const root = dir ?? fileURLToPath(CODE);
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.isFile() && !IS_TEST.test(e.name)) files.push(path);
    }
  };
  walk('');
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    const bytes = readFileSync(join(root, f));
    h.update(`${f}\0${bytes.length}\0`).update(bytes);
  }
  const digest = h.digest('hex');
  if (dir === undefined) codeDigestCached = digest;
  return digest;
}
