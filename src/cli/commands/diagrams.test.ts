/** @file `perturb diagrams` end to end: table, JSON, SVG files written atomically, bad flags exit 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnAsync } from '../../testing/index.ts';

const bin = fileURLToPath(new URL('../../../bin/perturb.js', import.meta.url));
const run = (...args: string[]) => spawnAsync(process.execPath, [bin, ...args]);

test('diagrams --order 2 lists the 4 test-loss diagrams, --quantity train the 9, --irreducible the 3', async () => {
  const [a, train, irreducible] = await Promise.all([
    run('diagrams', '--order', '2'), run('diagrams', '--order', '2', '--quantity', 'train'), run('diagrams', '--order', '2', '--irreducible'),
  ]);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /^key\s+edges\s+parts\s+\|Aut\|\s+irreducible\s+label\n/);
  assert.match(a.stdout, /\(01-02\)\(0-12\)\s+2\s+2\s+2\s+yes\s+H:E\[gg\]\n/);
  assert.match(a.stdout, /\n4 test-loss diagrams with 2 edges\n$/);
  assert.match(train.stdout, /\n9 train-loss diagrams/);
  assert.match(irreducible.stdout, /\n3 test-loss diagrams with 2 edges \(irreducible only\)/);
});

test('diagrams --json prints key, edges as [parent, child] with node 0 the root, parts, aut, label', async () => {
  const r = await run('diagrams', '--order', '3', '--json');
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Array<{ key: string; edges: number[][]; parts: number[][]; aut: number; label: string }>;
  assert.equal(rows.length, 17);
  const j = rows.find((x) => x.key === '(01-02-03)(0-123)')!;
  assert.deepEqual(j, { key: '(01-02-03)(0-123)', edges: [[0, 1], [0, 2], [0, 3]], parts: [[0], [1, 2, 3]], aut: 6, label: 'J:E[g⊗g⊗g]', irreducible: true });
  for (const x of rows) assert.ok(x.edges.every(([, c]) => c !== 0) && x.parts[0]![0] === 0);
});

test('diagrams --svg DIR writes one SVG per diagram and leaves no temporary files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perturb-svg-'));
  try {
    const out = join(dir, 'nested', 'svgs');
    const r = await run('diagrams', '--order', '2', '--quantity', 'train', '--svg', out);
    assert.equal(r.status, 0, r.stderr);
    const files = readdirSync(out).sort();
    assert.equal(files.length, 9);
    assert.ok(files.includes('D2_01-02_0-12.svg'));
    for (const f of files) assert.match(readFileSync(join(out, f), 'utf8'), /^<svg [^]*<\/svg>\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('diagrams: a missing, negative, non-integer or unsupported --order and a bad --quantity exit 2 naming the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /required option '--order <D>' not specified/],
    [['--order', '-1'], /--order/],
    [['--order', '2.5'], /option '--order <D>' argument '2.5' is invalid/],
    [['--order', '8'], /diagrams: --order must be an integer from 0 to 6, got 8/],
    [['--order', '7', '--quantity', 'train'], /diagrams: --order must be an integer from 0 to 6, got 7/], // as every other command
    [['--order', '2', '--quantity', 'gap'], /option '--quantity <q>' argument 'gap' is invalid\. expected one of test, train/],
  ];
  const results = await Promise.all(cases.map(([args]) => run('diagrams', ...args)));
  cases.forEach(([args, msg], i) => {
    const r = results[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
  });
});
