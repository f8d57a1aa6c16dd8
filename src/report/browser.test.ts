/**
 * @file The report in a real browser: a generated report (two panels: one faceted with bands and
 * error bars, one with a note instead of data) written by `writeReport`, opened in headless
 * Chromium — Debian's `chromium`, driven by playwright-core with its executable path, no browser
 * download — must show every plotted panel's marks with non-zero bounding boxes, a summary row
 * per panel, the diagram drawings, and no console errors. `.ci/run` installs chromium when it is
 * missing; elsewhere set PERTURB_CHROMIUM to a Chromium binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provenance } from '../core/index.ts';
import { inChromium, plotMarks } from '../testing/index.ts';
import { renderPanelSvg, writeReport, type PanelResult } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'perturb-browser-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const pts = (f: (x: number) => number, se = 0.01) => [0.02, 0.05, 0.1].map((x) => ({ x, y: f(x), stderr: se, lo: f(x) - 2 * se, hi: f(x) + 2 * se }));
const panels: PanelResult[] = [
  {
    id: 'archimedes', title: 'Drift <along> z', claim: 'SGD drifts along z by η²/6 per step.', x: { label: 'η', log: true }, y: { label: 'E[z_T]' },
    series: [
      { name: 'SGD (measured)', kind: 'measured', points: pts((x) => 1e4 * x * x / 6 * 1.03, 0.02), facet: 'T = 10⁴' },
      { name: 're-summed order 3', kind: 'predicted', points: pts((x) => 1e4 * x * x / 6 * 1.03, 0.001), facet: 'T = 10⁴' },
      { name: 'η²T/6', kind: 'reference', points: pts((x) => 1e4 * x * x / 6, 0), facet: 'T = 10⁴' },
      { name: 'SGD (measured)', kind: 'measured', points: pts((x) => 5e3 * x * x / 6 * 1.03, 0.02), facet: 'T = 5000' },
    ],
    checks: [{ x: 0.05, measured: 4.3, measuredStderr: 0.02, predicted: 4.307, predictedStderr: 0, z: -0.35, inRange: true }],
    verdict: 'agrees', rule: '|z| ≤ 3 at every in-range point', settings: { trials: 50, seed: 0 }, diagrams: ['(01-12-13)(0-1-23)'],
  },
  {
    id: 'cifar-gap', title: 'CIFAR-10 gap', claim: 'The order-2 prediction tracks the gap.', x: { label: 'η' }, y: { label: 'gap' },
    series: [], checks: [], verdict: 'not run', rule: '—', settings: {}, diagrams: [], note: 'CIFAR-10 is absent: give --cifar10 DIR.',
  },
];

test('a generated report renders in headless Chromium: marks with area in every plot, a summary row per panel, diagrams drawn, no console errors', async () => {
  const svgs = new Map<string, string>();
  for (const p of panels) svgs.set(p.id, await renderPanelSvg(p));
  writeReport(dir, panels, { title: 'browser test', preset: 'demo', provenance: provenance(), svgs, diagramSvgs: new Map(), started: 'now', seconds: 1 });
  const { result, errors } = await inChromium(join(dir, 'index.html'), async (page) => ({
    summaryRows: await page.$$eval('table.summary tbody tr', (rows) => rows.length),
    plots: await plotMarks(page),
    notes: await page.$$eval('p.note', (n) => n.length),
    diagrams: await page.$$eval('div.diagrams svg', (svgs) => svgs.map((s) => s.getBoundingClientRect().width)),
    title: await page.title(),
  }));
  assert.equal(result.summaryRows, panels.length);
  assert.equal(result.plots.length, 1, 'one plotted panel (the other shows its note)');
  for (const p of result.plots) {
    assert.ok(p.width > 100 && p.height > 100, `plot size ${p.width}×${p.height}`);
    assert.ok(p.withArea >= 10, `${p.withArea} of ${p.marks} marks have area`);
  }
  assert.equal(result.notes, 1);
  assert.ok(result.diagrams.length === 1 && result.diagrams[0]! > 0);
  assert.match(result.title, /browser test/);
  assert.deepEqual(errors, []);
});
