/** @file `perturb stats` from the command line: output file, resume after a kill, bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnAsync } from '../../testing/index.ts';

const bin = fileURLToPath(new URL('../../../bin/perturb.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const runAsync = (...args: string[]) => spawnAsync(process.execPath, [bin, ...args]);
const dir = mkdtempSync(join(tmpdir(), 'perturb-stats-'));

test('perturb stats --exact writes the stats file that perturb predict reads', () => {
  const out = join(dir, 'gauss.json');
  const r = run('stats', '--landscape', 'gauss', '--order', '2', '--exact', '--out', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const f = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(f.mode, 'exact');
  assert.ok(Math.abs(f.values['(01-02)(0-12)'].mean - 0.25) < 1e-12); // H:E[gg] = ½·½
  const p = run('predict', '--stats', out, '--schedule', 'sgd', '--N', '10', '--order', '2', '--quantity', 'test', '--json');
  assert.equal(p.status, 0, p.stderr);
  // c₂ = T(T−1)·GHG + (T/2)·H:E[gg] = 0 + 5 · ¼ (docs/theory.md §3, single epoch)
  assert.ok(Math.abs(JSON.parse(p.stdout).coefficients[2] - 1.25) < 1e-12);
});

test('a run killed midway and resumed gives the same file as an uninterrupted run', async () => {
  // 16,000 draws are 250 chunks of 64, some 3 s on one thread: the run is killed right after its
  // first checkpoint (after chunk 1), long before its end, as it was at 40,000 — only the part
  // after the kill, which the resumed run redoes and the uninterrupted one does too, is shorter.
  const args = ['stats', '--landscape', 'archimedes', '--order', '3', '--samples', '16000', '--seed', '3', '--workers', '1', '--quiet'];
  const whole = join(dir, 'whole.json'), resumed = join(dir, 'resumed.json');
  // The uninterrupted run goes on beside the killed and resumed one (another file, same settings).
  const uninterrupted = runAsync(...args, '--out', whole);
  const child = spawn(process.execPath, [bin, ...args, '--out', resumed], { stdio: 'ignore' });
  // kill it once a checkpoint exists (and before it finishes)
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (existsSync(`${resumed}.partial`)) {
        clearInterval(t);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(t);
      existsSync(resumed) ? reject(new Error('the run finished before it could be killed')) : resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(!existsSync(resumed), 'no output file from the killed run');
  const partial = JSON.parse(readFileSync(`${resumed}.partial`, 'utf8'));
  assert.ok(partial.chunksDone > 0 && partial.chunksDone < 250, `killed after ${partial.chunksDone} chunks`);
  const r = await runAsync(...args, '--out', resumed, '--resume');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await uninterrupted).status, 0);
  assert.equal(readFileSync(resumed, 'utf8'), readFileSync(whole, 'utf8'));
  assert.ok(!existsSync(`${resumed}.partial`), 'the checkpoint is removed once the file is written');
});

test('bad input names the flag and exits 2, writing nothing', async () => {
  const out = join(dir, 'bad.json');
  const cases: [string[], RegExp][] = [
    [['--landscape', 'gauss', '--order', '2', '--samples', '1', '--out', out], /--samples must be an integer ≥ 2/],
    [['--landscape', 'gauss', '--order', '2', '--out', out], /exactly one of --exact and --samples/],
    [['--landscape', 'gauss', '--order', '9', '--exact', '--out', out], /--order must be an integer from 0 to 6, got 9/],
    [['--landscape', 'gauss', '--order', 'x', '--exact'], /--order.*expected a non-negative integer/],
    [['--landscape', 'no-such-landscape', '--order', '1', '--exact'], /no-such-landscape/],
    [['--landscape', 'gauss', '--order', '1', '--exact', '--out', '/proc/none/x.json'], /not writable|cannot create the directory/],
  ];
  const results = await Promise.all(cases.map(([args]) => runAsync('stats', ...args, '--quiet')));
  cases.forEach(([args, re], i) => {
    const r = results[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  });
  assert.ok(!existsSync(out));
});
