/**
 * @file Provenance: which perturb made a result — the package version and, where it is known, the
 * git commit — recorded in every file perturb writes, so a result can be traced to the code.
 *
 * The commit comes from the build when perturb runs from it (`npm run build` writes
 * dist/core/build-info.json beside this module, since an installed package has no git history),
 * else from git when perturb runs from its clone. Either way it is read once per process and is
 * the same for every worker count and for a resumed run, so files stay byte-identical across
 * them. Never fails: without git, or outside a clone, the commit is null.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
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
