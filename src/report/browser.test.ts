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
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { provenance } from '../core/index.ts';
import { renderPanelSvg, writeReport, type PanelResult } from './index.ts';

const CHROMIUM = process.env.PERTURB_CHROMIUM ?? '/usr/bin/chromium';
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
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install Debian's chromium (.ci/run does) or set PERTURB_CHROMIUM`);
  const svgs = new Map<string, string>();
  for (const p of panels) svgs.set(p.id, await renderPanelSvg(p));
  writeReport(dir, panels, { title: 'browser test', preset: 'demo', provenance: provenance(), svgs, diagramSvgs: new Map(), started: 'now', seconds: 1 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    const summaryRows = await page.$$eval('table.summary tbody tr', (rows) => rows.length);
    assert.equal(summaryRows, panels.length);
    // every plotted panel: its marks (paths, symbols, rects inside mark groups) have area on screen
    const plots = await page.$$eval('div.plot svg', (svgs) => svgs.map((svg) => {
      const marks = [...svg.querySelectorAll('g[class*="mark-"] path, g[class*="mark-"] rect, g[class*="mark-"] line')];
      const boxes = marks.map((m) => m.getBoundingClientRect()).filter((b) => b.width > 0 || b.height > 0);
      const frame = svg.getBoundingClientRect();
      return { marks: marks.length, withArea: boxes.length, width: frame.width, height: frame.height };
    }));
    assert.equal(plots.length, 1, 'one plotted panel (the other shows its note)');
    for (const p of plots) {
      assert.ok(p.width > 100 && p.height > 100, `plot size ${p.width}×${p.height}`);
      assert.ok(p.withArea >= 10, `${p.withArea} of ${p.marks} marks have area`);
    }
    assert.equal(await page.$$eval('p.note', (n) => n.length), 1);
    const diagramBoxes = await page.$$eval('div.diagrams svg', (svgs) => svgs.map((s) => s.getBoundingClientRect().width));
    assert.ok(diagramBoxes.length === 1 && diagramBoxes[0]! > 0);
    assert.match(await page.title(), /browser test/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
