import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagram, diagramSvg } from '../diagrams/index.ts';
import { escapeHtml, inlineSvg, renderReportHtml, reportSummary, writeReport, type ReportOptions } from './html.ts';
import { renderPanelSvg } from './plots.ts';
import type { PanelResult } from './panel.ts';

const KEY = '(01-02)(0-12)';

function panel(id: string, over: Partial<PanelResult> = {}): PanelResult {
  return {
    id,
    title: `Panel ${id}`,
    claim: `Claim of ${id}.`,
    x: { label: 'η', log: true },
    y: { label: 'test loss' },
    series: [
      { name: 'SGD (measured)', kind: 'measured', points: [{ x: 0.01, y: 1.1, stderr: 0.05, lo: 1, hi: 1.2 }, { x: 0.1, y: 1.3, stderr: 0.05, lo: 1.2, hi: 1.4 }] },
      { name: 'order 2', kind: 'predicted', points: [{ x: 0.01, y: 1.12 }, { x: 0.1, y: 1.25 }] },
    ],
    checks: [
      { x: 0.01, measured: 1.1, measuredStderr: 0.05, predicted: 1.12, predictedStderr: 0.01, z: -0.39, inRange: true },
      { x: 0.1, measured: 1.3, measuredStderr: 0.05, predicted: 1.25, predictedStderr: 0.025, z: -2.5, inRange: true },
      { x: 1, measured: 3, measuredStderr: 0.05, predicted: 1.5, predictedStderr: 0.025, z: 9, inRange: false },
    ],
    verdict: 'agrees',
    rule: '|z| ≤ 3 at every in-range point',
    settings: { trials: 100, seed: 1, etas: [0.01, 0.1] },
    diagrams: [KEY],
    ...over,
  };
}

async function fixture() {
  const panels = [
    panel('archimedes', { title: 'Archimedes <script>alert(1)</script> & co' }),
    panel('gauss', { verdict: 'disagrees' }),
    panel('cifar', { series: [], checks: [], verdict: 'not run', note: 'Needs CIFAR-10: run with --data <dir>.', diagrams: [] }),
  ];
  const svgs = new Map<string, string>();
  for (const p of panels) svgs.set(p.id, await renderPanelSvg(p));
  const o: ReportOptions = {
    title: 'perturb reproduce <quick>', preset: 'quick', provenance: { version: '0.1.0', commit: 'abc123' },
    svgs, diagramSvgs: new Map([[KEY, diagramSvg(diagram(KEY))]]), started: '2024-01-01T00:00:00Z', seconds: 12.5,
  };
  return { panels, o, html: renderReportHtml(panels, o) };
}

test('the report has a summary row per panel, with points in range and the worst in-range |z|', async () => {
  const { panels, html } = await fixture();
  const summary = /<table class="summary">(.*?)<\/table>/s.exec(html)![1]!;
  const rows = summary.match(/<tr><td><a href="#panel-[^"]+">/g) ?? [];
  assert.equal(rows.length, panels.length);
  for (const p of panels) assert.ok(summary.includes(`href="#panel-${p.id}"`), p.id);
  const archimedes = /<tr><td><a href="#panel-archimedes">.*?<\/tr>/s.exec(summary)![0];
  assert.match(archimedes, /2 \/ 3/);
  assert.match(archimedes, />2\.50</); // the out-of-range z = 9 does not count
  assert.match(summary, /verdict disagrees">disagrees</);
});

test('every panel with data has its SVG inline; a panel without data shows its note', async () => {
  const { panels, o, html } = await fixture();
  assert.equal(html.split('<svg').length - 1, 2 /* plots */ + 2 /* diagram drawings */);
  for (const p of panels.slice(0, 2)) {
    const section = new RegExp(`<section id="panel-${p.id}">(.*?)</section>`, 's').exec(html)![1]!;
    assert.ok(section.includes(inlineSvg(o.svgs.get(p.id)!, `panel-${p.id}-plot`)), p.id);
    assert.ok(section.includes('<figcaption>(01-02)(0-12)</figcaption>'));
    assert.match(section, /<table class="checks">/);
    assert.match(section, /<th>trials<\/th><td>100<\/td>/);
    assert.match(section, /<th>etas<\/th><td>\[0\.01,0\.1\]<\/td>/);
  }
  const cifar = /<section id="panel-cifar">(.*?)<\/section>/s.exec(html)![1]!;
  assert.ok(!cifar.includes('<svg'));
  assert.ok(cifar.includes('Needs CIFAR-10: run with --data &lt;dir&gt;.'));
});

test('the report refers to nothing outside itself: only xmlns attributes mention http', async () => {
  const { html } = await fixture();
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  assert.doesNotMatch(html, /url\(\s*["']?(?:https?:)?\/\//i);
  assert.doesNotMatch(html, /@import|<script|<link/i);
  const mentions = [...html.matchAll(/(\S*)https?:\/\//g)].map((m) => m[1]);
  assert.ok(mentions.length > 0);
  for (const m of mentions) assert.match(m!, /^xmlns(?::\w+)?="$/);
});

test('text is escaped: a < in a title never opens a tag', async () => {
  const { html } = await fixture();
  assert.ok(!html.includes('<script>'));
  assert.ok(html.includes('Archimedes &lt;script&gt;alert(1)&lt;/script&gt; &amp; co'));
  assert.ok(html.includes('<title>perturb reproduce &lt;quick&gt;</title>'));
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('inline SVG ids are scoped per figure, with the references to them', () => {
  const svg = '<?xml version="1.0"?>\n<svg><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><use xlink:href="#clip1"/></g></svg>';
  assert.equal(inlineSvg(svg, 'p-a'), '<svg><defs><clipPath id="p-a-clip1"><rect/></clipPath></defs><g clip-path="url(#p-a-clip1)"><use xlink:href="#p-a-clip1"/></g></svg>');
});

test('writeReport writes index.html and summary.json atomically', async (t) => {
  const { panels, o, html } = await fixture();
  const dir = mkdtempSync(join(tmpdir(), 'perturb-report-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = writeReport(join(dir, 'report'), panels, o);
  assert.deepEqual(readdirSync(join(dir, 'report')).sort(), ['index.html', 'summary.json']); // no temporary file left
  assert.equal(readFileSync(paths.html, 'utf8'), html);
  const summary = JSON.parse(readFileSync(paths.summary, 'utf8'));
  assert.deepEqual(summary, JSON.parse(JSON.stringify(reportSummary(panels, o))));
  assert.equal(summary.panels.length, 3);
  assert.deepEqual(summary.panels[0].settings, panels[0]!.settings);
  assert.deepEqual(summary.panels[0].checks, panels[0]!.checks);
  assert.equal(summary.panels[1].verdict, 'disagrees');
  assert.equal(summary.panels[0].series[0].points[0].y, 1.1);
  assert.equal(summary.perturb.commit, 'abc123');
});

test('the values table puts every series’ points with their standard errors side by side, per x', async () => {
  const { renderReportHtml } = await import('./index.ts');
  const { provenance } = await import('../core/index.ts');
  const p = {
    id: 'v', title: 'values', claim: 'c', x: { label: 'η' }, y: { label: 'y' }, checks: [], verdict: 'not run' as const, rule: 'r', settings: {}, diagrams: [],
    series: [
      { name: 'SGD (measured)', kind: 'measured' as const, points: [{ x: 0.1, y: 0.5, stderr: 0.01 }, { x: 0.2, y: 0.7, stderr: 0.02 }] },
      { name: 'order 2', kind: 'predicted' as const, points: [{ x: 0.1, y: 0.49 }, { x: 0.2, y: 0.66 }] },
    ],
  };
  const html = renderReportHtml([p], { title: 't', preset: 'demo', provenance: provenance(), svgs: new Map(), diagramSvgs: new Map(), started: 's', seconds: 1 });
  assert.match(html, /<table class="values">/);
  assert.match(html, /<th>SGD \(measured\)<\/th><th>order 2<\/th>/);
  assert.match(html, /<td class="num">0\.1<\/td><td class="num">0\.5 ± 0\.01<\/td><td class="num">0\.49<\/td>/);
});
