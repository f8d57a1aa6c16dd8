import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vegaLite from 'vega-lite';
import { panelCsv, panelSpec, renderPanelSvg, writePanelFiles } from './plots.ts';
import type { PanelResult } from './panel.ts';

/** A small panel: one measured series with error bars, one predicted with a band, one dashed reference. */
export function syntheticPanel(over: Partial<PanelResult> = {}): PanelResult {
  return {
    id: 'synthetic',
    title: 'Test loss against η',
    claim: 'The order-2 series matches SGD at small η.',
    x: { label: 'η', log: true },
    y: { label: 'test loss' },
    series: [
      { name: 'SGD (measured)', kind: 'measured', points: [{ x: 0.01, y: 1.1, stderr: 0.05, lo: 1.0, hi: 1.2 }, { x: 0.1, y: 1.3, stderr: 0.05, lo: 1.2, hi: 1.4 }] },
      { name: 'order 2', kind: 'predicted', points: [{ x: 0.01, y: 1.12, lo: 1.1, hi: 1.14 }, { x: 0.1, y: 1.25, lo: 1.2, hi: 1.3 }] },
      { name: 'l(θ₀)', kind: 'reference', points: [{ x: 0.01, y: 1 }, { x: 0.1, y: 1 }] },
    ],
    checks: [
      { x: 0.01, measured: 1.1, measuredStderr: 0.05, predicted: 1.12, predictedStderr: 0.01, z: -0.39, inRange: true },
      { x: 0.1, measured: 1.3, measuredStderr: 0.05, predicted: 1.25, predictedStderr: 0.025, z: 0.89, inRange: false },
    ],
    verdict: 'agrees',
    rule: '|z| ≤ 3 at every in-range point',
    settings: { trials: 100, seed: 1 },
    diagrams: [],
    ...over,
  };
}

const compiled = (p: PanelResult) => vegaLite.compile(panelSpec(p) as unknown as vegaLite.TopLevelSpec).spec as unknown as { scales?: Array<{ name: string; type?: string }>; marks?: unknown[] };
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

test('the SVG has marks for every series, one mark group per series layer, coloured by series', async () => {
  const svg = await renderPanelSvg(syntheticPanel());
  assert.match(svg, /^<svg/);
  // Each series is its own named layer: measured → points + error bars, predicted → band + line, reference → dashed line.
  assert.equal(count(svg, /class="mark-symbol role-mark series0_measured_points_marks"/g), 1);
  assert.equal(count(svg, /class="mark-rule role-mark series0_measured_errorbars_marks"/g), 1);
  assert.equal(count(svg, /class="mark-area role-mark series1_predicted_band_marks"/g), 1);
  assert.equal(count(svg, /class="mark-line role-mark series1_predicted_line_marks"/g), 1);
  assert.equal(count(svg, /class="mark-line role-mark series2_reference_line_marks"/g), 1);
  assert.match(svg, /stroke-dasharray="6,4"/);
  // The measured points are drawn (two symbols), and every series is in the legend.
  const points = /series0_measured_points_marks"[^>]*>(.*?)<\/g>/s.exec(svg)![1]!;
  assert.equal(count(points, /<path /g), 2);
  for (const name of ['SGD (measured)', 'order 2', 'l(θ₀)']) assert.ok(svg.includes(`>${name}</text>`), name);
});

test('the SVG is deterministic and the spec keeps float64 values exactly', async () => {
  const x = 0.1 + 0.2; // 0.30000000000000004: not a short decimal
  const p = syntheticPanel({ x: { label: 'η' }, series: [{ name: 'm', kind: 'measured', points: [{ x, y: Math.PI }, { x: 1, y: 1 / 3 }] }] });
  assert.equal(await renderPanelSvg(p), await renderPanelSvg(p));
  const values = (JSON.parse(JSON.stringify(panelSpec(p))) as { data: { values: Array<{ x: number; y: number }> } }).data.values;
  assert.equal(values[0]!.x, x);
  assert.equal(values[0]!.y, Math.PI);
  assert.equal(values[1]!.y, 1 / 3);
  assert.ok(panelCsv(p).includes('0.30000000000000004,3.141592653589793'));
});

test('log axes give log scales in the compiled spec, linear ones do not', () => {
  const both = compiled(syntheticPanel({ x: { label: 'η', log: true }, y: { label: 'loss', log: true } }));
  assert.equal(both.scales!.find((s) => s.name === 'x')!.type, 'log');
  assert.equal(both.scales!.find((s) => s.name === 'y')!.type, 'log');
  const xOnly = compiled(syntheticPanel());
  assert.equal(xOnly.scales!.find((s) => s.name === 'x')!.type, 'log');
  assert.notEqual(xOnly.scales!.find((s) => s.name === 'y')!.type, 'log');
});

test('facets give one plot per facet, and a series without a facet appears in each', async () => {
  const base = syntheticPanel();
  const p = syntheticPanel({
    series: [
      { ...base.series[0]!, facet: 'T = 10' },
      { ...base.series[1]!, facet: 'T = 10' },
      { ...base.series[0]!, facet: 'T = 20' },
      { ...base.series[1]!, facet: 'T = 20' },
      { ...base.series[0]!, facet: 'T = 40' },
      base.series[2]!, // the reference, unfaceted
    ],
  });
  const spec = panelSpec(p) as { facet?: unknown; data: { values: Array<{ series: string; facet: string }> } };
  assert.ok(spec.facet);
  const refFacets = spec.data.values.filter((r) => r.series === 'l(θ₀)').map((r) => r.facet);
  assert.deepEqual([...new Set(refFacets)], ['T = 10', 'T = 20', 'T = 40']);
  const svg = await renderPanelSvg(p);
  for (const f of ['T = 10', 'T = 20', 'T = 40']) assert.ok(svg.includes(`>${f}</text>`), f);
  // One group of measured points per facet cell.
  assert.equal(count(svg, /class="mark-symbol role-mark series0_measured_points_marks"/g), 3);
  // The CSV keeps the points as given: the reference once, its facet empty.
  const csv = panelCsv(p).trim().split('\n');
  assert.equal(csv[0], 'series,kind,facet,x,y,stderr,lo,hi');
  assert.equal(csv.length, 1 + 5 * 2 + 2);
  assert.equal(csv.at(-1), 'l(θ₀),reference,,0.1,1,,,');
});

test('a panel without points still renders (its note as text)', async () => {
  const svg = await renderPanelSvg(syntheticPanel({ series: [], note: 'enable CIFAR-10 with --data' }));
  assert.match(svg, /^<svg/);
  assert.ok(svg.includes('enable CIFAR-10 with --data'));
});

test('writePanelFiles writes svg, vl.json, csv and json atomically', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'perturb-plots-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = syntheticPanel({ series: [{ name: 'a, "quoted"', kind: 'measured', points: [{ x: 1, y: 2 }] }] });
  const paths = await writePanelFiles(join(dir, 'out'), p);
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['synthetic.csv', 'synthetic.json', 'synthetic.svg', 'synthetic.vl.json']);
  assert.match(readFileSync(paths.svg, 'utf8'), /^<svg/);
  assert.deepEqual(JSON.parse(readFileSync(paths.spec, 'utf8')), JSON.parse(JSON.stringify(panelSpec(p))));
  assert.deepEqual(JSON.parse(readFileSync(paths.json, 'utf8')), JSON.parse(JSON.stringify(p)));
  assert.equal(readFileSync(paths.csv, 'utf8'), 'series,kind,facet,x,y,stderr,lo,hi\n"a, ""quoted""",measured,,1,2,,,\n');
  await assert.rejects(writePanelFiles(dir, syntheticPanel({ id: '../escape' })), /cannot name a file/);
});
