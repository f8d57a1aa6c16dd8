/** @file `perturb predict` end to end: JSON matches the library, missing keys are all listed, bad input exits 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sgd } from '../../core/index.ts';
import { predict } from '../../theory/index.ts';
import { spawnAsync } from '../../testing/index.ts';

const bin = fileURLToPath(new URL('../../../bin/perturb.js', import.meta.url));
const run = (...args: string[]) => spawnAsync(process.execPath, [bin, ...args]);

const dir = mkdtempSync(join(tmpdir(), 'perturb-predict-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};
// Order-2 test-loss values, some keys in a non-canonical labeling.
const stats = {
  values: {
    '()(0)': 2.5,
    '(01)(0-1)': { mean: 0.5, stderr: 0.01 },
    '(02-01)(0-1-2)': 0.2,
    '(02-21)(0-1-2)': 0.2,
    '(01-02)(0-12)': { mean: 1.1, stderr: 0.05 },
    '(01-12)(0-12)': 0.3,
  },
};
const good = file('stats.json', stats);

test('predict --json gives the library’s coefficients, stderr, terms and values', async () => {
  const r = await run('predict', '--stats', good, '--schedule', 'sgd', '--N', '100', '--B', '10', '--E', '2', '--shuffle', 'reshuffle', '--order', '2', '--quantity', 'test', '--eta', '0.01,0.02', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const lib = predict({ stats, schedule: sgd({ N: 100, B: 10, E: 2, shuffle: 'reshuffle' }), order: 2, quantity: 'test', eta: [0.01, 0.02] });
  assert.deepEqual(out.coefficients, lib.coefficients);
  assert.deepEqual(out.stderr, lib.stderr);
  assert.deepEqual(out.values, lib.values);
  assert.equal(out.terms.length, 6);
  assert.deepEqual(out.terms[1], { key: '(01)(0-1)', label: 'G·G', order: 1, multiplier: '-20', multiplierValue: -20, value: 0.5, stderr: 0.01, contribution: -10 });
});

test('predict prints a readable table, and --explain lists every term', async () => {
  const r = await run('predict', '--stats', good, '--schedule', 'gd', '--N', '100', '--T', '3', '--order', '2', '--quantity', 'test', '--eta', '0.1', '--explain');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^test loss after GD N=100 T=3, to order η\^2/);
  assert.match(r.stdout, /series at η\n/);
  assert.match(r.stdout, /\(01-02\)\(0-12\)\s+H:E\[gg\]\s+9\/200/); // T²/(2N): both leaves on one of N rows, any of T² step pairs, / (N²·|Aut| = 2)
});

test('predict: every missing key is listed, exit 2', async () => {
  const r = await run('predict', '--stats', good, '--schedule', 'sgd', '--N', '10', '--order', '2', '--quantity', 'train');
  assert.equal(r.status, 2);
  // (01-12)(012) is not asked for: one epoch cannot put a node and its child on one row.
  assert.ok(
    r.stderr.includes(
      'missing values for 5 diagrams needed for the train loss at order 2: (01)(01) [E[g·g]], (01-02)(012) [E[H_x g_x g_x]], (01-02)(02-1), (01-12)(01-2), (01-12)(02-1)\n',
    ),
    r.stderr,
  );
  // ...and says which perturb stats command measures them, with flags, not the library's option names
  assert.ok(r.stderr.includes('perturb stats --landscape SPEC --order 2 --quantity train'), r.stderr);
  assert.ok(!r.stderr.includes('estimateStats'), r.stderr);
});

test('predict: bad schedule, order, key or file exits 2 with a clear message', async () => {
  const base = ['--stats', good, '--order', '1', '--quantity', 'test'];
  const cases: Array<[string[], RegExp]> = [
    [['--schedule', 'sgd', '--N', '10', '--B', '3', ...base], /B must divide N \(got N = 10, B = 3\)/],
    [['--schedule', 'sgd', '--N', '0', ...base], /option '--N <n>' argument '0' is invalid\. expected a positive integer/],
    [['--schedule', 'sgd', '--N', '10', '--E', '0', ...base], /option '--E <e>' argument '0' is invalid/],
    [['--schedule', 'gd', '--N', '10', '--T', '-2', ...base], /option '--T <t>' argument '-2' is invalid/],
    [['--schedule', 'gd', '--N', '10', ...base], /schedule: --T is required for the gd schedule/],
    [['--schedule', 'sgd', '--N', '10', '--T', '5', ...base], /schedule: --T 5 is not a whole number of SGD epochs of N\/B = 10 steps/],
    [['--schedule', 'gd', '--N', '10', '--T', '5', '--B', '2', ...base], /schedule: --B applies to the sgd schedule only/],
    [['--schedule', 'sgd', '--N', '10', '--stats', good, '--order', '7', '--quantity', 'test'], /order must be an integer from 0 to 6, got 7/],
    [['--schedule', 'sgd', '--N', '10', '--stats', file('bad-key.json', { values: { '(01)(0-1)': 1, '(01-0)(0-1)': 2 } }), '--order', '1', '--quantity', 'test'], /stats file '.*bad-key\.json': values key "\(01-0\)\(0-1\)": edge '0' must be two node digits/],
    [['--schedule', 'sgd', '--N', '10', '--stats', join(dir, 'nope.json'), '--order', '1', '--quantity', 'test'], /stats file '.*nope.json' cannot be read: no such file/],
    [['--schedule', 'sgd', '--N', '10', '--stats', file('bad.json', '{ "values": '), '--order', '1', '--quantity', 'test'], /is not valid JSON/],
    [['--schedule', 'sgd', '--N', '10', '--eta', '0.1,x', ...base], /option '--eta <list>' argument '0.1,x' is invalid/],
  ];
  const results = await Promise.all(cases.map(([args]) => run('predict', ...args)));
  cases.forEach(([args, msg], i) => {
    const r = results[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
  });
});
