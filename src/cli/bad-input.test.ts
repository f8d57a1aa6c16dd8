/**
 * @file Bad input through the CLI, as a user meets it: every case exits 2 with one message that
 * names the flag (no stack), quickly, and leaves nothing half-written — the temporary directory
 * each case writes into is as it was. Runs in this process (`main`), except where the process
 * itself matters (a closed pipe, Ctrl-C), which spawn the executable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main.ts';
import { withSinks } from './output.ts';
import { formatSeconds } from './progress.ts';

const bin = fileURLToPath(new URL('../../bin/perturb.js', import.meta.url));
const POLY = fileURLToPath(new URL('../testing/polynomial.ts', import.meta.url));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await withSinks({ out: (s) => void (stdout += s), err: (s) => void (stderr += s) }, () => main(['node', 'perturb', ...args]));
  return { code, stdout, stderr };
}

const listing = (d: string): string[] => readdirSync(d, { recursive: true }).map(String).sort();

/** [what, prepare the directory (returns argv), the message expected]. */
const CASES: Array<[string, (d: string) => string[], RegExp]> = [
  ['simulate --trials 10¹²: refused for the disk before any work', (d) => ['simulate', '--landscape', 'gauss', '--optimizer', 'sgd', '--eta', '0.1', '--N', '4', '--trials', '1000000000000', '--out', join(d, 'run'), '--quiet'], /^perturb: simulate: --trials 1000000000000 would write at least .* bytes of trials\.jsonl/],
  ['stats --out DIR where DIR is a directory', (d) => (mkdirSync(join(d, 'taken')), ['stats', '--landscape', 'gauss', '--order', '1', '--exact', '--out', join(d, 'taken')]), /^perturb: --out .*taken is a directory: expected the name of a file/],
  ['stats --covariance at order 6: too many keys to keep', (d) => ['stats', '--landscape', 'gauss', '--order', '6', '--samples', '20', '--covariance', '--out', join(d, 'f.json'), '--quiet'], /^perturb: stats: --covariance of 6685 diagram values would be 4\.5e\+7 numbers/],
  ['simulate --optimizer sgd,stic with more weights than STIC takes', (d) => ['simulate', '--landscape', `${POLY}:P=11,degree=2`, '--optimizer', 'sgd,stic', '--eta', '0.1', '--N', '3', '--trials', '10', '--workers', '1', '--out', join(d, 'run'), '--quiet'], /^perturb: simulate: the landscape has 11 weights; exact STIC .* at most 10/],
  ['simulate --out DIR whose summary.csv is a directory', (d) => (mkdirSync(join(d, 'run', 'summary.csv'), { recursive: true }), ['simulate', '--landscape', 'gauss', '--optimizer', 'sgd', '--eta', '0.1', '--N', '4', '--trials', '10', '--workers', '0', '--out', join(d, 'run'), '--quiet']), /^perturb: --out file .*summary\.csv is a directory/],
  ['a corrupt stats checkpoint on --resume', (d) => (writeFileSync(join(d, 'f.json.partial'), '{"identity": "x", "chunk'), ['stats', '--landscape', 'gauss', '--order', '2', '--samples', '100', '--workers', '0', '--out', join(d, 'f.json'), '--resume', '--quiet']), /^perturb: stats: the checkpoint .*f\.json\.partial cannot be read .*remove it to start again/],
  ['a corrupt simulate checkpoint on --resume', (d) => (mkdirSync(join(d, 'run')), writeFileSync(join(d, 'run', 'checkpoint.json'), '[1, 2'), ['simulate', '--landscape', 'gauss', '--optimizer', 'sgd', '--eta', '0.1', '--N', '4', '--trials', '10', '--workers', '0', '--out', join(d, 'run'), '--resume', '--quiet']), /^perturb: simulate: the checkpoint .*checkpoint\.json cannot be read/],
  ['diagrams --svg under /proc (used to hang)', () => ['diagrams', '--order', '1', '--svg', '/proc/nope/drawings'], /^perturb: cannot write .*: cannot create the directory \/proc\/nope/],
  ['diagrams --order 7 --quantity train (used to overflow the stack)', () => ['diagrams', '--order', '7', '--quantity', 'train'], /^perturb: diagrams: --order must be an integer from 0 to 6, got 7/],
  ['predict --eta -1, as simulate refuses it', () => ['predict', '--stats', 'x.json', '--schedule', 'sgd', '--N', '4', '--order', '0', '--quantity', 'test', '--eta', '-1'], /--eta <list>' argument '-1' is invalid\. expected a positive number/],
  ['compare --samples on a landscape whose values are exact', () => ['compare', '--landscape', 'gauss', '--samples', '100', '--trials', '10', '--workers', '0', '--quiet'], /^perturb: compare: --samples does not apply: gauss's diagram values are exact over its 8 atoms/],
  ['compare on a landscape with many atoms asks for --test-points, which it now has', () => ['compare', '--landscape', `${POLY}:atoms=5000`, '--N', '2', '--order', '1', '--trials', '10', '--workers', '0', '--quiet'], /give --test-points M to estimate the test loss/],
  ['stats --part-batch 0', () => ['stats', '--landscape', 'gauss', '--order', '1', '--samples', '10', '--part-batch', '0', '--quiet'], /--part-batch <B>' argument '0' is invalid/],
  ['stats --exact --part-batch 2: batch means are for sampled mode', () => ['stats', '--landscape', 'gauss', '--order', '1', '--exact', '--part-batch', '2', '--quiet'], /^perturb: stats: --part-batch belongs to sampled mode \(--samples\), not --exact/],
  ['an unwritable Fashion-MNIST cache names --cache-dir, which stats now takes', () => ['stats', '--landscape', 'fmnist-logistic', '--cache-dir', '/proc/nope', '--order', '0', '--exact', '--quiet'], /cannot write the Fashion-MNIST cache .*pass another with --cache-dir or PERTURB_CACHE/],
];

for (const [what, prepare, message] of CASES) {
  test(`bad input: ${what} → exit 2, one message, nothing left behind`, async () => {
    const d = mkdtempSync(join(tmpdir(), 'perturb-bad-'));
    const args = prepare(d);
    const before = listing(d);
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no stack');
    assert.deepEqual(listing(d), before, 'nothing written, nothing half-written');
  });
}

test('compare on a landscape with many atoms runs with --test-points', async () => {
  const r = await run(['compare', '--landscape', `${POLY}:atoms=5000`, '--N', '2', '--order', '1', '--eta', '0.05', '--trials', '50', '--test-points', '4', '--samples', '200', '--workers', '0', '--quiet', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).statsMode, 'sampled');
});

test('the progress bar shows an unknown ETA as "–", never cli-progress\'s cut "NF"', () => {
  assert.deepEqual(['INF', 'NULL', Infinity, 5, 75, 7300].map(formatSeconds), ['–', '–', '–', '5s', '1m15s', '2h01m']);
});

test('a finished simulate run is kept unless --force; --resume returns it; --resume without a checkpoint says it starts afresh', async () => {
  const d = mkdtempSync(join(tmpdir(), 'perturb-force-'));
  const args = ['simulate', '--landscape', 'gauss', '--optimizer', 'sgd', '--eta', '0.1', '--N', '4', '--trials', '20', '--workers', '0', '--quiet', '--out', join(d, 'run')];
  const fresh = await run([...args.slice(0, -1), join(d, 'fresh'), '--resume']);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stderr, /^perturb: .*fresh holds no checkpoint: starting afresh/);
  assert.equal((await run(args)).code, 0);
  const summary = readFileSync(join(d, 'run', 'summary.json'), 'utf8');
  const again = await run(args);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^perturb: simulate: .*run holds a finished run; give --force to replace it, --resume to return it, or another --out/);
  assert.equal((await run([...args, '--resume'])).code, 0);
  assert.equal((await run([...args, '--force'])).code, 0);
  assert.equal(readFileSync(join(d, 'run', 'summary.json'), 'utf8'), summary, 'the same run, replaced by itself');
});

test('a closed pipe ends the output quietly: `perturb diagrams --order 6 | head -2`', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" diagrams --order 6 | head -2`], { encoding: 'utf8' });
  assert.equal(r.stdout.split('\n').length, 3, r.stdout);
  assert.equal(r.stderr, '', 'no EPIPE stack');
});

test('Ctrl-C during a run prints how to resume, and resuming finishes it', async () => {
  const d = mkdtempSync(join(tmpdir(), 'perturb-int-'));
  const out = join(d, 'run');
  // 8,000 trials are 125 chunks of 64, about 2 s on one thread: the interrupt comes right after the
  // first checkpoint (chunk 1), long before the end, as it did at 20,000; the resumed rest is shorter.
  const args = ['simulate', '--landscape', 'gauss', '--optimizer', 'sgd,gd', '--eta', '0.05', '--N', '20', '--trials', '8000', '--seed', '3', '--workers', '1', '--quiet', '--out', out];
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const code = await new Promise<number | null>((resolve) => {
    const t = setInterval(() => {
      if (existsSync(join(out, 'checkpoint.json'))) {
        clearInterval(t);
        child.kill('SIGINT');
      }
    }, 20);
    child.on('exit', (c) => (clearInterval(t), resolve(c)));
  });
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted; finished work is checkpointed in .*run\. Continue with:\n {2}perturb simulate --landscape gauss .* --out .*run --resume\n$/);
  assert.ok(!existsSync(join(out, 'summary.json')));
  const resumed = await run([...args, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(existsSync(join(out, 'summary.json')) && !existsSync(join(out, 'checkpoint.json')));
});
