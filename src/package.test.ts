/**
 * @file The package as a user gets it: `npm run build`, `npm pack`, `npm install` of the tarball
 * into an empty ES-module project, then the CLI and the library under plain node — a user's .ts
 * landscape module (importing from 'perturb') through `perturb landscape` and through worker
 * threads in `perturb stats`. Nothing here imports perturb's sources: only the installed copy
 * runs. The dependencies come from the npm cache that the clone's `npm ci` filled
 * (--prefer-offline), so this needs no network once that cache is warm.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnAsync } from './testing/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

// The user's environment, not this test run's: no NODE_OPTIONS (it may load tsx) and none of the
// npm_* variables that `npm test` sets for its scripts (they describe the clone), except where
// npm's cache and registry are.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) =>
    k !== 'NODE_OPTIONS' && !k.startsWith('TSX_') && (!/^npm_/i.test(k) || /^npm_config_(cache|registry|userconfig)$/i.test(k))),
);

const work = mkdtempSync(join(tmpdir(), 'perturb-pack-'));
const project = join(work, 'project');
after(() => rmSync(work, { recursive: true, force: true }));

/** A command's result checked: a failure shows the command, its exit code and the ends of its output. */
function checked(cmd: string, args: string[], cwd: string, r: { status: number | null; signal: NodeJS.Signals | null; stdout: string | null; stderr: string | null; error?: Error }): string {
  const tail = (s: string | null) => (s ?? '').trimEnd().split('\n').slice(-30).join('\n');
  assert.ok(
    r.status === 0,
    `\`${[cmd, ...args].join(' ')}\` in ${cwd} ${r.error ? `failed to start: ${r.error.message}` : `exited with ${r.status ?? r.signal}`}\n` +
      `--- stderr ---\n${tail(r.stderr)}\n--- stdout ---\n${tail(r.stdout)}`,
  );
  return r.stdout ?? '';
}
/** Run a command. */
const run = (cmd: string, args: string[], cwd: string): string => checked(cmd, args, cwd, spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 }));
/** Run a command beside others (at most one per core). */
async function runAsync(cmd: string, args: string[], cwd: string): Promise<string> {
  let r;
  try {
    r = await spawnAsync(cmd, args, { cwd, env });
  } catch (error) {
    r = { status: null, signal: null, stdout: '', stderr: '', error: error as Error };
  }
  return checked(cmd, args, cwd, r);
}
const npx = (...args: string[]) => runAsync('npx', ['--no', '--', 'perturb', ...args], project); // --no: never fetch another 'perturb'; --: the rest is perturb's, --version too

// A user landscape as README's "Your own landscape" writes one, in TypeScript, importing the package by name.
const USER_MODULE = `import { add, defineLandscape, pow, scale, slice, square, sub, sum } from 'perturb';

export default defineLandscape({
  name: 'quartic',
  P: 2,
  data: { x: [2] },
  loss: (theta, { x }) => add(scale(sum(square(sub(theta, x!))), 0.5), scale(pow(slice(theta, 0, []), 4), 0.25)),
  init: [0.5, -0.5],
  atoms: { values: { x: [[1, 0], [0, 1], [-1, -1]] }, weights: [0.5, 0.25, 0.25] },
});
`;
// Its loss at θ₀ = (½, −½): ½|θ₀ − x|² is ¼, 5/4, 5/4 at the three points, weighted ½, ¼, ¼ → ¾;
// plus θ₀[0]⁴/4 = 1/64. So 0.765625, exactly representable.
const USER_LOSS = 0.765625;

test('packed and installed into an empty project, perturb runs under plain node: CLI, library, and a user .ts landscape (in worker threads too)', { timeout: 300_000 }, async () => {
  run('npm', ['run', 'build'], root);
  // the build keeps the bin executable: `npx perturb` in the clone runs it directly
  assert.ok((statSync(join(root, 'dist', 'cli', 'bin.js')).mode & 0o111) !== 0, 'dist/cli/bin.js is not executable after npm run build');
  mkdirSync(project);
  // --ignore-scripts: `prepare` would build a second time; the build just made is packed.
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', project], root);
  const tarball = readdirSync(project).find((f) => /^perturb-.*\.tgz$/.test(f));
  assert.ok(tarball, `npm pack left no perturb-*.tgz in ${project}`);
  run('npm', ['init', '-y'], project);
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ ...manifest, type: 'module' }, null, 2) + '\n');
  run('npm', ['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund'], project);

  // What ships: the build with its declarations, the docs; not the sources or the tests.
  const installed = join(project, 'node_modules', 'perturb');
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/bin.js', 'dist/parallel/thread.mjs', 'dist/core/build-info.json', 'docs/theory.md', 'README.md']) {
    assert.ok(existsSync(join(installed, f)), `the package lacks ${f}`);
  }
  const shipped = (readdirSync(installed, { recursive: true }) as string[]).map((f) => f.replace(/\\/g, '/'));
  assert.deepEqual(shipped.filter((f) => /^(src|bench|bin|scripts|examples|dist\/testing)\/|\.test\.|fixture/.test(f)), [], 'the package ships sources, tests or fixtures');
  const commit = (JSON.parse(readFileSync(join(installed, 'dist/core/build-info.json'), 'utf8')) as { commit: string | null }).commit;

  // The library under plain node: README's three calls (its documented 0.540234…), and GAUSS's loss ½ at θ₀ = 0.
  const script = `import('perturb').then(async (m) => {
    const gauss = await m.resolveLandscape('gauss:h0=0.5');
    const stats = await m.estimateStats({ landscape: gauss, order: 3, quantity: 'test', exact: true });
    const p = m.predict({ stats: m.parseStats(stats), schedule: m.sgd({ N: 4, E: 2, shuffle: 'reshuffle' }), order: 3, quantity: 'test', eta: [0.05] });
    const g = await m.resolveLandscape('gauss');
    console.log(JSON.stringify({ value: p.values[0].value, loss0: g.populationLoss(g.init(0)), perturb: m.provenance() }));
  })`;
  writeFileSync(join(project, 'my.ts'), USER_MODULE);
  // These commands of the installed package are independent of one another: they run side by side.
  const [versionOut, libOut, summaryOut] = await Promise.all([
    npx('--version'),
    runAsync(process.execPath, ['-e', script], project),
    npx('landscape', './my.ts', '--json'),
    // Two worker threads, each loading my.ts (TypeScript) itself; the same file as in this thread.
    npx('stats', '--landscape', './my.ts', '--order', '2', '--samples', '200', '--workers', '2', '--out', 'threads.json'),
    npx('stats', '--landscape', './my.ts', '--order', '2', '--samples', '200', '--workers', '0', '--out', 'here.json'),
  ]);
  assert.equal(versionOut.trim(), version);

  const lib = JSON.parse(libOut) as { value: number; loss0: number; perturb: unknown };
  assert.ok(Math.abs(lib.value - 0.540234) < 5e-7, `README's predicted test loss is 0.540234…, got ${lib.value}`);
  assert.equal(lib.loss0, 0.5);
  assert.deepEqual(lib.perturb, { version, commit });

  const summary = JSON.parse(summaryOut) as { P: number; loss: { value: number; exact: boolean } };
  assert.equal(summary.P, 2);
  assert.equal(summary.loss.value, USER_LOSS);
  assert.equal(summary.loss.exact, true);

  const threads = readFileSync(join(project, 'threads.json'), 'utf8');
  assert.equal(threads, readFileSync(join(project, 'here.json'), 'utf8'), 'stats differ between 2 worker threads and this thread');
  const file = JSON.parse(threads) as { perturb: unknown; mode: string; values: Record<string, { mean: number; stderr: number }> };
  assert.deepEqual(file.perturb, { version, commit });
  assert.equal(file.mode, 'sampled');
  assert.deepEqual(file.values['()(0)'], { mean: USER_LOSS, stderr: 0 });
  assert.equal(Object.keys(file.values).length, 6, `orders 0–2 have 1 + 1 + 4 test-loss diagrams, got ${Object.keys(file.values).join(', ')}`);
});
