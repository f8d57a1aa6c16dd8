/**
 * @file One schedule rule: predict, simulate and compare accept and refuse the same N, B, E, T
 * and shuffling combinations, with the same messages (all three hand them to core's schedule()).
 * The CLI runs in this process, its output captured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';
import { withSinks } from '../output.ts';

const dir = mkdtempSync(join(tmpdir(), 'perturb-schedule-'));
const stats = join(dir, 'stats.json');
writeFileSync(stats, JSON.stringify({ values: { '()(0)': 0.5 } }));

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await withSinks({ out: () => {}, err: (s) => void (stderr += s) }, () => main(['node', 'perturb', ...args]));
  return { code, stderr };
}

// [kind, flags]: every way of combining N, B, E, T and the shuffling that a user might try.
const CASES: [string, string[]][] = [
  ['sgd', ['--N', '4']],
  ['sgd', ['--N', '4', '--B', '2', '--E', '3', '--shuffle', 'reshuffle']],
  ['sgd', ['--N', '4', '--B', '2', '--T', '6']],
  ['sgd', ['--N', '4', '--B', '2', '--T', '6', '--E', '3']],
  ['sgd', ['--N', '4', '--B', '2', '--T', '5']],
  ['sgd', ['--N', '4', '--B', '2', '--T', '6', '--E', '2']],
  ['sgd', ['--N', '4', '--B', '3']],
  ['gd', ['--N', '4', '--T', '3']],
  ['gd', ['--N', '4']],
  ['gd', ['--N', '4', '--T', '3', '--B', '2']],
  ['gd', ['--N', '4', '--T', '3', '--E', '2']],
  ['gd', ['--N', '4', '--T', '3', '--shuffle', 'fixed']],
];

test('predict, simulate and compare accept and refuse the same schedules, with the same messages', async () => {
  let refused = 0;
  for (const [kind, flags] of CASES) {
    const out = join(dir, `sim-${kind}-${flags.join('')}`);
    // One at a time: each run swaps process.stdout and process.stderr.
    const p = await run(['predict', '--stats', stats, '--schedule', kind, ...flags, '--order', '0', '--quantity', 'test']);
    const s = await run(['simulate', '--landscape', 'gauss', '--optimizer', kind, '--eta', '0.1', ...flags, '--trials', '2', '--workers', '0', '--quiet', '--out', out]);
    const c = await run(['compare', '--landscape', 'gauss', '--schedule', kind, ...flags, '--order', '0', '--eta', '0.1', '--trials', '2', '--workers', '0', '--quiet']);
    const what = `${kind} ${flags.join(' ')}`;
    assert.equal(s!.code, p!.code, `${what}: simulate exits ${s!.code}, predict ${p!.code}: ${s!.stderr}${p!.stderr}`);
    assert.equal(c!.code, p!.code, `${what}: compare exits ${c!.code}, predict ${p!.code}: ${c!.stderr}${p!.stderr}`);
    assert.ok(p!.code === 0 || p!.code === 2, `${what}: ${p!.stderr}`);
    if (p!.code === 2) {
      refused++;
      assert.match(p!.stderr, /^perturb: schedule: --[A-Za-z]+ /, what);
      assert.equal(s!.stderr, p!.stderr, what);
      assert.equal(c!.stderr, p!.stderr, what);
    }
  }
  assert.equal(refused, 7, 'the refused cases: T not whole epochs, T and E disagreeing, B ∤ N, GD without T, and B, E, shuffle with GD');
});
