/** @file `perturb simulate` from the command line: output files and --json, resume after a kill, bad input, the θ₀ cache across processes and --no-theta0-cache. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnAsync } from '../../testing/index.ts';

const bin = fileURLToPath(new URL('../../../bin/perturb.js', import.meta.url));
const runAsync = (...args: string[]) => spawnAsync(process.execPath, [bin, ...args]);
const dir = mkdtempSync(join(tmpdir(), 'perturb-simulate-'));
const read = (d: string) => ['trials.jsonl', 'summary.json', 'summary.csv'].map((f) => readFileSync(join(d, f), 'utf8'));

test('perturb simulate --json prints the summary and paired differences with the documented fields', async () => {
  const out = join(dir, 'json');
  // the JSON run and the human one (into another directory) side by side
  const [r, h] = await Promise.all([
    runAsync('simulate', '--landscape', 'archimedes', '--optimizer', 'sgd,gd', '--eta', '0.05', '--N', '20', '--trials', '50', '--workers', '0', '--out', out, '--json', '--quiet'),
    runAsync('simulate', '--landscape', 'archimedes', '--optimizer', 'sgd,gd', '--eta', '0.05', '--N', '20', '--trials', '50', '--workers', '0', '--out', join(dir, 'human'), '--quiet'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const fields = ['optimizer', 'eta', 'T', 'N', 'B', 'E', 'shuffle', 'metric', 'mean', 'stderr', 'ci95', 'trials', 'diverged'];
  for (const f of fields) assert.ok(f in j.summary[0], `summary field ${f}`);
  for (const f of [...fields, 'minus']) assert.ok(f in j.differences[0], `differences field ${f}`);
  assert.deepEqual([...new Set(j.summary.map((x: { metric: string }) => x.metric))], ['test', 'train', 'gap', 'test-increase', 'u', 'v', 'z']);
  const sgd = j.summary.find((x: { optimizer: string }) => x.optimizer === 'sgd');
  assert.deepEqual([sgd.T, sgd.N, sgd.B, sgd.E, sgd.shuffle], [20, 20, 1, 1, 'fixed']);
  const gd = j.differences.find((x: { metric: string }) => x.metric === 'z');
  assert.deepEqual([gd.optimizer, gd.minus, gd.B, gd.E, gd.shuffle], ['gd', 'sgd', 20, null, null]);
  assert.equal(JSON.parse(read(out)[1]!).summary.length, j.summary.length);
  // the human table
  assert.equal(h.status, 0, h.stderr);
  assert.match(h.stdout, /^archimedes: 50 trials, seed 0, N = 20, T = 20 \(sgd: B = 1, E = 1, fixed\)\ntest loss: exact l\(θ_T\) per trial \(closed form/);
  assert.match(h.stdout, /paired differences, per trial: optimizer − sgd at the same η/);
  assert.match(h.stderr, /wrote .*\/\{trials.jsonl,summary.json,summary.csv\}/);
});

test('a run killed midway and resumed gives the same files as an uninterrupted run', async () => {
  const args = ['simulate', '--landscape', 'gauss', '--optimizer', 'sgd,gd', '--eta', '0.05,0.1', '--N', '20', '--trials', '6000', '--seed', '2', '--workers', '1', '--quiet'];
  const whole = join(dir, 'whole'), resumed = join(dir, 'resumed');
  // The uninterrupted run goes on beside the killed and resumed one (other directories, same settings).
  const uninterrupted = runAsync(...args, '--out', whole);
  const child = spawn(process.execPath, [bin, ...args, '--out', resumed], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (existsSync(join(resumed, 'checkpoint.json'))) {
        clearInterval(t);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(t);
      existsSync(join(resumed, 'summary.json')) ? reject(new Error('the run finished before it could be killed')) : resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(!existsSync(join(resumed, 'summary.json')), 'no summary from the killed run');
  const ck = JSON.parse(readFileSync(join(resumed, 'checkpoint.json'), 'utf8'));
  assert.ok(ck.chunksDone > 0 && ck.chunksDone * 94 < 6000, `killed after ${ck.chunksDone} chunks of 94 trials`);
  const again = await runAsync(...args, '--out', resumed);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /holds an unfinished run \(checkpoint.json\); continue it with --resume/);
  const r = await runAsync(...args, '--out', resumed, '--resume');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await uninterrupted).status, 0);
  assert.deepEqual(read(resumed), read(whole));
  assert.ok(!existsSync(join(resumed, 'checkpoint.json')) && !existsSync(join(resumed, 'trials.jsonl.partial')));
});

test('bad input names the flag and exits 2, writing nothing', async () => {
  const out = join(dir, 'bad');
  const base = ['--landscape', 'gauss', '--trials', '10', '--out', out, '--quiet'];
  const cases: [string[], RegExp][] = [
    [['--optimizer', 'sgd', '--eta', '0.1', '--N', '10', '--B', '3'], /B must divide N/],
    [['--optimizer', 'sgd', '--eta', '0', '--N', '10'], /--eta <list>.*'0' is invalid.*expected a positive number/],
    [['--optimizer', 'sgd', '--eta', '-0.1', '--N', '10'], /--eta <list>.*expected a positive number, got '-0.1'/],
    [['--optimizer', 'gd', '--eta', '0.1', '--N', '10', '--T', '0'], /--T <t>.*'0' is invalid.*expected a positive integer/],
    [['--optimizer', 'sgd,adam', '--eta', '0.1', '--N', '10'], /--optimizer <list>.*expected one of sgd, gd, gdc, sde, stic, got 'adam'/],
    [['--optimizer', 'sgd', '--eta', '0.1', '--N', '10', '--T', '15'], /--T 15 is not a whole number of SGD epochs of N\/B = 10 steps/],
    [['--optimizer', 'sgd', '--eta', '0.1', '--N', '10', '--T', '20', '--E', '3'], /--T 20 and --E 3 disagree/],
    [['--optimizer', 'sgd', '--eta', '0.1', '--N', '10', '--trials', '1'], /--trials must be an integer ≥ 2/],
    [['--optimizer', 'stic', '--eta', '0.1', '--N', '1', '--T', '3'], /stic estimates C from the training set and needs N ≥ 2/],
  ];
  const [missing, ...results] = await Promise.all([
    runAsync('simulate', '--landscape', 'gauss', '--optimizer', 'sgd', '--eta', '0.1', '--N', '10', '--trials', '10', '--quiet'),
    ...cases.map(([args]) => runAsync('simulate', ...base, ...args)),
  ]);
  cases.forEach(([args, re], i) => {
    const r = results[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  });
  assert.ok(!existsSync(out));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /required option '--out <dir>' not specified/);
});

test('the θ₀ cache across processes: two runs at once leave one whole entry, the next reads it, --no-theta0-cache leaves it alone; the files are the same bytes', async () => {
  const cache = join(dir, 'theta0-cache');
  const spec = `${fileURLToPath(new URL('../../testing/tiny-images.ts', import.meta.url))}:count=2500`;
  const args = (out: string) => ['simulate', '--landscape', spec, '--optimizer', 'sgd', '--eta', '0.1', '--N', '4', '--trials', '6', '--test-points', '4', '--workers', '0', '--cache-dir', cache, '--out', join(dir, out), '--quiet'];
  const [a, b] = await Promise.all([runAsync(...args('t0-a')), runAsync(...args('t0-b'))]);
  for (const r of [a, b]) {
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /l\(θ₀\) of each atom: (computed; stored in|read from) \S+\/theta0\/tiny-images\.[0-9a-f]{32}\.bin/);
  }
  const names = readdirSync(join(cache, 'theta0'));
  assert.equal(names.length, 1, `one entry, no temporary file: ${names.join(', ')}`);
  const file = join(cache, 'theta0', names[0]!);
  const bytes = readFileSync(file);
  const [c, d, j] = await Promise.all([
    runAsync(...args('t0-c')),
    runAsync(...args('t0-d'), '--no-theta0-cache'),
    runAsync(...args('t0-j'), '--json'),
  ]);
  assert.equal(c.status, 0, c.stderr);
  assert.ok(c.stderr.includes(`l(θ₀) of each atom: read from ${file}\n`), c.stderr);
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stderr, /l\(θ₀\) of each atom: computed; the θ₀ cache is off\n/);
  assert.equal(j.status, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout).theta0Pass, { source: 'cache', cacheFile: file, cache: `read from ${file}` }, '--json says where l(θ₀) came from');
  assert.ok(!('theta0Pass' in JSON.parse(read(join(dir, 't0-j'))[1]!)), 'summary.json does not');
  assert.deepEqual(readFileSync(file), bytes);
  for (const out of ['t0-b', 't0-c', 't0-d', 't0-j']) assert.deepEqual(read(join(dir, out)), read(join(dir, 't0-a')), out);
});
