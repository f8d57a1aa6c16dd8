/**
 * @file User landscape modules work in every command and every worker count: the README's
 * examples/quartic.ts (a .ts module in this package) and a .mts module outside the repository,
 * through simulate, stats --samples and compare on worker threads — where tsx's loader must be
 * registered in each thread (src/parallel/thread.mjs). The CLI runs in this process (relative
 * paths resolved against `cwd`, as from a shell there); the threads are real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main.ts';
import { withSinks } from './output.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const api = fileURLToPath(new URL('../index.ts', import.meta.url));

async function run(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const here = process.cwd();
  process.chdir(cwd);
  try {
    const status = await withSinks({ out: (s) => void (stdout += s), err: (s) => void (stderr += s) }, () => main(['node', 'perturb', ...args]));
    return { status, stdout, stderr };
  } finally {
    process.chdir(here);
  }
}

const outside = mkdtempSync(join(tmpdir(), 'perturb-user-'));
// l_x(w) = ½w² + x·w over x = ±1: G = w, C = 1 — and it lives outside the repository.
writeFileSync(join(outside, 'line.mts'), `import { add, defineLandscape, mul, reshape, scale } from ${JSON.stringify(api)};
export default defineLandscape({
  name: 'line', P: 1, data: { x: [] },
  loss: (t, { x }) => { const w = reshape(t, []); return add(scale(mul(w, w), 0.5), mul(x!, w)); },
  init: [0.3], atoms: { values: { x: [-1, 1] } },
});
`);

for (const [name, spec, cwd] of [['examples/quartic.ts', './examples/quartic.ts:a=2', root], ['a .mts module outside the repository', './line.mts', outside]] as const) {
  for (const workers of ['1', '2']) {
    test(`${name} runs through simulate, stats --samples and compare on ${workers} worker thread${workers === '1' ? '' : 's'}`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'perturb-user-run-'));
      const sim = await run(['simulate', '--landscape', spec, '--optimizer', 'sgd,gd', '--eta', '0.1', '--N', '2', '--trials', '200', '--workers', workers, '--quiet', '--json', '--out', join(out, 'sim')], cwd);
      assert.equal(sim.status, 0, sim.stderr);
      assert.equal(JSON.parse(readFileSync(join(out, 'sim', 'summary.json'), 'utf8')).settings.trials, 200);
      const stats = await run(['stats', '--landscape', spec, '--order', '2', '--samples', '300', '--workers', workers, '--quiet', '--json'], cwd);
      assert.equal(stats.status, 0, stats.stderr);
      assert.equal(JSON.parse(stats.stdout).mode, 'sampled');
      const cmp = await run(['compare', '--landscape', spec, '--N', '2', '--order', '2', '--eta', '0.05', '--trials', '200', '--workers', workers, '--quiet', '--json'], cwd);
      assert.equal(cmp.status, 0, cmp.stderr);
      assert.equal(JSON.parse(cmp.stdout).rows.length, 2);
    });
  }
}
