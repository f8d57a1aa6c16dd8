/** @file `perturb compare`: the series beside simulation agrees at small η; bad input exits 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnAsync } from '../../testing/index.ts';

const bin = fileURLToPath(new URL('../../../bin/perturb.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'compare', '--quiet', ...args], { encoding: 'utf8' });
const runAsync = (...args: string[]) => spawnAsync(process.execPath, [bin, 'compare', '--quiet', ...args]);

test('on GAUSS off its minimum, the order-3 series matches simulated SGD within 3 standard errors at η = 0.05', () => {
  const r = run('--landscape', 'gauss:h0=0.5', '--N', '4', '--E', '2', '--shuffle', 'reshuffle', '--eta', '0.05', '--trials', '20000', '--workers', '0', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.statsMode, 'exact');
  for (const row of out.rows) {
    assert.equal(row.byOrder.length, 4);
    assert.equal(row.byOrder[3], row.predicted);
    assert.ok(Math.abs(row.z) < 3, `${row.quantity}: z = ${row.z}`);
  }
  // order 1 alone is off by many standard errors for the test loss: the higher terms matter
  const test1 = out.rows.find((x: { quantity: string }) => x.quantity === 'test');
  assert.ok(Math.abs(test1.byOrder[1] - test1.simulated) > 10 * test1.simulatedStderr);
});

test('bad input names the flag and exits 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--schedule', 'gd'], /schedule: --T is required for the gd schedule/],
    [['--N', '10', '--B', '3'], /B must divide N/],
    [['--eta', '0,0.1'], /--eta.*positive number/],
  ];
  const results = await Promise.all(cases.map(([args]) => runAsync(...args, '--trials', '10')));
  cases.forEach(([args, re], i) => {
    const r = results[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  });
});
