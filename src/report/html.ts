/**
 * @file The report of `perturb reproduce` as one self-contained HTML file: inline CSS, the
 * plots and diagram drawings as inline SVG, and no reference to anything outside the file (no
 * scripts, fonts, style sheets or images by URL), so it opens offline and can be mailed or
 * archived as it is. Beside it, summary.json holds the same numbers for programs.
 */
import { join } from 'node:path';
import { formatNumber, formatStderr, type Provenance } from '../core/index.ts';
import { diagram, diagramSvg } from '../diagrams/index.ts';
import { writeFileAtomic } from '../io/index.ts';
import type { PanelCheck, PanelResult, Verdict } from './panel.ts';

export interface ReportOptions {
  readonly title: string;
  /** The preset the panels were run at, e.g. 'quick' or 'paper'. */
  readonly preset: string;
  readonly provenance: Provenance;
  /** The rendered plot of each panel, by panel id (renderPanelSvg). A panel without one shows its note. */
  readonly svgs: ReadonlyMap<string, string>;
  /** Drawings of diagrams by canonical key; a key missing here is drawn with diagramSvg. */
  readonly diagramSvgs: ReadonlyMap<string, string>;
  /** When the run started, as the caller wants it shown (an ISO time); kept out of the renderer so its output is reproducible. */
  readonly started: string;
  /** How long the run took, in seconds. */
  readonly seconds: number;
}

/** Text and attribute values escaped for HTML: & < > " ' all become entities. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * An SVG ready to inline: its XML prolog dropped, and its ids (clip paths, gradients) prefixed,
 * with the references to them, since every inline SVG shares the one document's id space and
 * two plots' 'clip1' would otherwise clip each other.
 */
export function inlineSvg(svg: string, scope: string): string {
  const prefix = `${scope.replace(/[^A-Za-z0-9_-]/g, '_')}-`;
  return svg
    .replace(/^\s*<\?xml[^>]*>\s*/, '')
    .replace(/<!DOCTYPE[^>]*>\s*/i, '')
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
    .replace(/\b((?:xlink:)?href)="#([^"]+)"/g, (_, a: string, id: string) => `${a}="#${prefix}${id}"`);
}

/** The checks inside the theory's range, and the largest |z| among them (null when none). */
/** How many checks are in the theory’s range, of all, and the worst in-range |z|. */
export function inRangeSummary(p: PanelResult): { inRange: number; total: number; worstZ: number | null } {
  const inside = p.checks.filter((c) => c.inRange);
  const zs = inside.map((c) => Math.abs(c.z)).filter((z) => !Number.isNaN(z));
  return { inRange: inside.length, total: p.checks.length, worstZ: zs.length ? Math.max(...zs) : null };
}

/** A CSS class per verdict, for its colour. */
const VERDICT_CLASS: Readonly<Record<Verdict, string>> = {
  agrees: 'agrees',
  disagrees: 'disagrees',
  'outside the theory’s range': 'outside',
  'not run': 'notrun',
};

const CSS = `
body { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
h3 { font-size: 1em; margin: 1.2em 0 0.4em; }
.meta { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, Menlo, Consolas, monospace; }
.verdict { font-weight: 600; padding: 0.05em 0.45em; border-radius: 0.3em; white-space: nowrap; }
.agrees { background: #dff3df; color: #1b5e20; }
.disagrees { background: #fbe0e0; color: #b71c1c; }
.outside { background: #fff3d6; color: #7a5200; }
.notrun { background: #eee; color: #555; }
.claim { font-style: italic; }
.note { background: #f7f7f7; border-left: 3px solid #bbb; padding: 0.5em 0.8em; }
.plot svg { max-width: 100%; height: auto; }
.diagrams { display: flex; flex-wrap: wrap; gap: 1em; }
.diagrams figure { margin: 0; text-align: center; }
.diagrams figcaption { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.8em; color: #555; }
tr.out td { color: #888; }
`;

const verdictBadge = (v: Verdict) => `<span class="verdict ${VERDICT_CLASS[v]}">${escapeHtml(v)}</span>`;
const num = (x: number) => `<td class="num">${escapeHtml(formatNumber(x))}</td>`;
const panelAnchor = (p: PanelResult) => `panel-${p.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** The summary table; a rule shared by every panel is stated once above it instead of per row. */
function summaryTable(panels: readonly PanelResult[]): string {
  const rules = new Set(panels.map((p) => p.rule));
  const shared = rules.size === 1 ? [...rules][0]! : null;
  const rows = panels.map((p) => {
    const s = inRangeSummary(p);
    return `<tr><td><a href="#${panelAnchor(p)}">${escapeHtml(p.id)}</a></td><td>${escapeHtml(p.title)}</td><td>${verdictBadge(p.verdict)}</td>` +
      `${shared === null ? `<td>${escapeHtml(p.rule)}</td>` : ''}<td class="num">${s.inRange} / ${s.total}</td><td class="num">${s.worstZ === null ? '—' : s.worstZ.toFixed(2)}</td></tr>`;
  });
  const head = `<th>panel</th><th>title</th><th>verdict</th>${shared === null ? '<th>rule</th>' : ''}<th>points in range</th><th>worst |z| (in range)</th>`;
  return `${shared === null ? '' : `<p class="meta">Verdict rule (every panel): ${escapeHtml(shared)}</p>\n`}<table class="summary">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function checksTable(checks: readonly PanelCheck[]): string {
  if (checks.length === 0) return '<p class="meta">No checks.</p>';
  const facets = checks.some((c) => c.facet !== undefined);
  const rows = checks.map((c) => `<tr${c.inRange ? '' : ' class="out"'}>${facets ? `<td>${escapeHtml(c.facet ?? '')}</td>` : ''}${num(c.x)}` +
    `<td class="num">${escapeHtml(formatNumber(c.measured))} ± ${escapeHtml(formatStderr(c.measuredStderr))}</td>` +
    `<td class="num">${escapeHtml(formatNumber(c.predicted))} ± ${escapeHtml(formatStderr(c.predictedStderr))}</td>` +
    `<td class="num">${Number.isFinite(c.z) ? c.z.toFixed(2) : escapeHtml(String(c.z))}</td><td>${c.inRange ? 'yes' : 'no'}</td></tr>`);
  return `<table class="checks">\n<thead><tr>${facets ? '<th>facet</th>' : ''}<th>x</th><th>measured ± se</th><th>predicted ± se</th><th>z</th><th>in range</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

/** A setting's value as text: strings as they are, everything else as JSON. */
const settingText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

function settingsTable(settings: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(settings);
  if (entries.length === 0) return '<p class="meta">No settings.</p>';
  return `<table class="settings">\n<tbody>\n${entries.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(settingText(v))}</td></tr>`).join('\n')}\n</tbody>\n</table>`;
}

function diagramsBlock(p: PanelResult, drawings: ReadonlyMap<string, string>): string {
  if (p.diagrams.length === 0) return '';
  const figures = p.diagrams.map((key, i) => {
    const svg = drawings.get(key) ?? diagramSvg(diagram(key));
    return `<figure>${inlineSvg(svg, `${panelAnchor(p)}-d${i}`)}<figcaption>${escapeHtml(key)}</figcaption></figure>`;
  });
  return `<h3>Diagrams</h3>\n<div class="diagrams">\n${figures.join('\n')}\n</div>`;
}

/**
 * Every plotted number with its standard error: a row per x (and facet), a column per series —
 * so the measured values sit beside every prediction, not only the one the checks use. Shared by
 * the report's values table and `perturb reproduce --values`.
 */
export function panelValues(p: PanelResult): { names: string[]; facets: boolean; rows: { facet?: string; x: number; cells: string[] }[] } {
  const series = p.series.filter((s) => s.points.length > 0);
  const names = [...new Set(series.map((s) => s.name))];
  const rows = new Map<string, { facet?: string; x: number; cells: Map<string, string> }>();
  for (const s of series) for (const pt of s.points) {
    const k = `${s.facet ?? ''}\u0000${pt.x}`;
    const row = rows.get(k) ?? { ...(s.facet !== undefined ? { facet: s.facet } : {}), x: pt.x, cells: new Map() };
    row.cells.set(s.name, `${formatNumber(pt.y)}${pt.stderr !== undefined && pt.stderr > 0 ? ` ± ${formatStderr(pt.stderr)}` : ''}`);
    rows.set(k, row);
  }
  const sorted = [...rows.values()].sort((a, b) => (a.facet ?? '').localeCompare(b.facet ?? '') || a.x - b.x);
  return {
    names,
    facets: sorted.some((r) => r.facet !== undefined),
    rows: sorted.map((r) => ({ ...(r.facet !== undefined ? { facet: r.facet } : {}), x: r.x, cells: names.map((n) => r.cells.get(n) ?? '') })),
  };
}

function valuesTable(p: PanelResult): string {
  const v = panelValues(p);
  if (v.rows.length === 0) return '';
  const head = `${v.facets ? '<th>facet</th>' : ''}<th>${escapeHtml(p.x.label)}</th>${v.names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}`;
  const body = v.rows.map((r) => `<tr>${v.facets ? `<td>${escapeHtml(r.facet ?? '')}</td>` : ''}${num(r.x)}${r.cells.map((c) => `<td class="num">${escapeHtml(c)}</td>`).join('')}</tr>`);
  return `<h3>Values (± standard error)</h3>\n<table class="values">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table>`;
}

function panelSection(p: PanelResult, o: ReportOptions): string {
  const svg = o.svgs.get(p.id);
  const hasData = p.series.some((s) => s.points.length > 0);
  const plot = svg !== undefined && hasData ? `<div class="plot">${inlineSvg(svg, `${panelAnchor(p)}-plot`)}</div>` : '';
  const note = p.note !== undefined ? `<p class="note">${escapeHtml(p.note)}</p>` : plot ? '' : '<p class="note">No data for this panel.</p>';
  return [
    `<section id="${panelAnchor(p)}">`,
    `<h2>${escapeHtml(p.title)} <span class="meta">(${escapeHtml(p.id)})</span> ${verdictBadge(p.verdict)}</h2>`,
    `<p class="claim">${escapeHtml(p.claim)}</p>`,
    `<p class="meta">Verdict rule: ${escapeHtml(p.rule)}</p>`,
    plot,
    note,
    valuesTable(p),
    '<h3>Checks</h3>',
    checksTable(p.checks),
    '<h3>Settings</h3>',
    settingsTable(p.settings),
    diagramsBlock(p, o.diagramSvgs),
    '</section>',
  ].filter(Boolean).join('\n');
}

/** The report as one self-contained HTML string: a summary table, then a section per panel. */
export function renderReportHtml(panels: readonly PanelResult[], o: ReportOptions): string {
  const { version, commit } = o.provenance;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(o.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(o.title)}</h1>`,
    `<p class="meta">preset ${escapeHtml(o.preset)} · perturb ${escapeHtml(version)}${commit ? ` (commit ${escapeHtml(commit)})` : ''} · started ${escapeHtml(o.started)} · ${escapeHtml(formatNumber(o.seconds))} s</p>`,
    summaryTable(panels),
    ...panels.map((p) => panelSection(p, o)),
    '</body>',
    '</html>',
  ].join('\n') + '\n';
}

/** summary.json: the run, then per panel its settings, checks, verdict, rule and series points. */
export function reportSummary(panels: readonly PanelResult[], o: ReportOptions) {
  return {
    title: o.title,
    preset: o.preset,
    perturb: o.provenance,
    started: o.started,
    seconds: o.seconds,
    panels: panels.map((p) => ({
      id: p.id, title: p.title, claim: p.claim, verdict: p.verdict, rule: p.rule, settings: p.settings, checks: p.checks,
      x: p.x, y: p.y, series: p.series, diagrams: p.diagrams, ...(p.note !== undefined ? { note: p.note } : {}),
    })),
  };
}

/** Write `dir/index.html` and `dir/summary.json`, each atomically; returns their paths. */
export function writeReport(dir: string, panels: readonly PanelResult[], o: ReportOptions): { html: string; summary: string } {
  const paths = { html: join(dir, 'index.html'), summary: join(dir, 'summary.json') };
  writeFileAtomic(paths.html, renderReportHtml(panels, o));
  writeFileAtomic(paths.summary, JSON.stringify(reportSummary(panels, o), null, 2) + '\n');
  return paths;
}
