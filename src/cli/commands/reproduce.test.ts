/**
 * @file `perturb reproduce` end to end: two demo panels into a report directory (every file of
 * every panel, summary.json with checks and verdicts, the report opened in headless Chromium with
 * marks in each plot), a second run reusing the cached panels, and bad input — an unknown panel
 * (the valid ones listed), --cifar10 without the batch files, an unwritable --out — exiting 2
 * with nothing written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inChromium, plotMarks, spawnAsync } from '../../testing/index.ts';

const bin = fileURLToPath(new URL('../../../bin/perturb.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const runAsync = (...args: string[]) => spawnAsync(process.execPath, [bin, ...args]);
const dir = mkdtempSync(join(tmpdir(), 'perturb-reproduce-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('reproduce archimedes gauss-testloss --preset demo: the report, its files, summary.json; Chromium renders it; a rerun reuses the panels', async () => {
  const out = join(dir, 'report');
  const r = run('reproduce', 'archimedes', 'gauss-testloss', '--preset', 'demo', '--out', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /archimedes\s+agrees/);
  assert.match(r.stdout, /report: .*index\.html/);
  for (const id of ['archimedes', 'gauss-testloss']) for (const ext of ['svg', 'vl.json', 'csv', 'json']) assert.ok(existsSync(join(out, `${id}.${ext}`)), `${id}.${ext}`);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.panels.map((p: { id: string }) => p.id), ['archimedes', 'gauss-testloss']);
  const gt = summary.panels[1];
  // GAUSS at T = N = 10: measured increases with standard errors beside order-2, order-3 and re-summed predictions
  assert.deepEqual(gt.series.map((s: { name: string }) => s.name).sort(), ['SGD (measured)', 'order 2', 'order 3', 're-summed order 2', 're-summed order 3'].sort());
  assert.ok(gt.series.find((s: { kind: string }) => s.kind === 'measured').points.every((p: { stderr: number }) => p.stderr > 0));
  assert.ok(!readdirSync(out).some((f) => f.includes('.tmp')), 'no temporary files left');
  // in a browser
  const { result, errors } = await inChromium(join(out, 'index.html'), async (page) => ({
    rows: await page.$$eval('table.summary tbody tr', (r) => r.length),
    plots: await plotMarks(page),
  }));
  assert.equal(result.rows, 2);
  assert.equal(result.plots.length, 2);
  for (const p of result.plots) assert.ok(p.withArea >= 5, `${p.withArea} marks with area`);
  assert.deepEqual(errors, []);
  const again = run('reproduce', 'archimedes', '--preset', 'demo', '--out', out, '--json');
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).reused, ['archimedes']);
  // --values prints GAUSS's measured increases with standard errors beside every prediction
  const values = run('reproduce', 'gauss-testloss', '--preset', 'demo', '--out', out, '--values');
  assert.equal(values.status, 0, values.stderr);
  assert.match(values.stdout, /learning rate η\s+SGD \(measured\)\s+order 2\s+order 3\s+re-summed order 2\s+re-summed order 3/);
  assert.match(values.stdout, /\n  0\.025\s+0\.000\d+ ± [\d.]+\s+0\.00078125\s/);
});

test('reproduce: bad input exits 2 naming the flag, with nothing written', async () => {
  const empty = join(dir, 'no-batches');
  mkdirSync(empty);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const cases: Array<[string[], RegExp, string?]> = [
    [['reproduce', 'archimedez', '--out', join(dir, 'r1')], /unknown panel 'archimedez'; the panels are archimedes, mean-estimation, epochs, gauss-sde, gauss-testloss, stic, fmnist-testloss, fmnist-large-eta, gdc, cifar-gap/, join(dir, 'r1')],
    [['reproduce', '--cifar10', empty, '--out', join(dir, 'r2')], /CIFAR-10 was not found at .*no-batches/, join(dir, 'r2')],
    [['reproduce', 'archimedes', '--out', join(file, 'sub')], /--out/],
    [['reproduce', '--preset', 'huge', '--out', join(dir, 'r3')], /--preset <name>' argument 'huge' is invalid/, join(dir, 'r3')],
  ];
  const results = await Promise.all(cases.map(([args]) => runAsync(...args)));
  for (const [i, [args, msg, mustNotExist]] of cases.entries()) {
    const r = results[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    if (mustNotExist) assert.ok(!existsSync(mustNotExist), `${mustNotExist} was created`);
  }
});
