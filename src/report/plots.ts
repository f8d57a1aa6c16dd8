/**
 * @file A panel as a plot: a Vega-Lite spec built from the PanelResult, rendered to SVG in Node
 * (vega's headless View, renderer 'none': no canvas, no browser), and the files behind it —
 * the SVG, the spec (so a user can restyle it), the points as CSV and the panel as JSON.
 */
import { join } from 'node:path';
import type * as VegaLite from 'vega-lite';
import { writeFileAtomic } from '../io/index.ts';
import type { PanelResult, PanelSeries } from './panel.ts';

/** Size of one plot (one facet), in pixels. */
const WIDTH = 360;
const HEIGHT = 240;

/** One row of the plot's data and of the CSV: a point of a series, flattened. Missing values are null. */
export interface PanelRow {
  readonly series: string;
  readonly kind: PanelSeries['kind'];
  readonly facet: string | null;
  readonly x: number;
  readonly y: number;
  readonly stderr: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
}

/** The points of a panel as rows, in series order then point order (the CSV's rows). */
export function panelRows(p: PanelResult): PanelRow[] {
  return p.series.flatMap((s) => s.points.map((q) => ({
    series: s.name, kind: s.kind, facet: s.facet ?? null, x: q.x, y: q.y, stderr: q.stderr ?? null, lo: q.lo ?? null, hi: q.hi ?? null,
  })));
}

/** The series of a panel as the layers see them: one per (name, kind), facets merged (a facet is a column, not a new series). */
interface Layered {
  readonly name: string;
  readonly kind: PanelSeries['kind'];
  /** Some point has both lo and hi: draw the interval. */
  readonly interval: boolean;
  /** A mark-name prefix that is a valid Vega signal name and unique in the panel. */
  readonly tag: string;
}

function layeredSeries(p: PanelResult): Layered[] {
  const out: Layered[] = [];
  for (const s of p.series) {
    const interval = s.points.some((q) => q.lo !== undefined && q.hi !== undefined);
    const at = out.findIndex((l) => l.name === s.name && l.kind === s.kind);
    if (at >= 0) {
      if (interval && !out[at]!.interval) out[at] = { ...out[at]!, interval };
      continue;
    }
    out.push({ name: s.name, kind: s.kind, interval, tag: `series${out.length}_${s.kind}` });
  }
  return out;
}

type Spec = Record<string, unknown>;

/**
 * The marks of one series, by its kind: the rule table of what a measured, predicted or
 * reference series looks like. A Record over the kinds, so a new kind fails to type-check here
 * until it is drawn.
 */
const LAYERS_BY_KIND: Readonly<Record<PanelSeries['kind'], (l: Layered, ax: Axes) => Spec[]>> = {
  // Measurements: points, with an error bar from lo to hi where the point has them.
  measured: (l, ax) => [
    ...(l.interval ? [{ name: `${l.tag}_errorbars`, mark: { type: 'rule', strokeWidth: 1.5 }, transform: [intervalFilter(ax)], encoding: { x: ax.x, y: ax.lo, y2: { field: 'hi' }, color: ax.color } }] : []),
    { name: `${l.tag}_points`, mark: { type: 'point', filled: true, size: 40 }, encoding: { x: ax.x, y: ax.y, color: ax.color } },
  ],
  // Predictions: a line, over a translucent band from lo to hi where the points have them.
  predicted: (l, ax) => [
    ...(l.interval ? [{ name: `${l.tag}_band`, mark: { type: 'area', opacity: 0.2 }, transform: [intervalFilter(ax)], encoding: { x: ax.x, y: ax.lo, y2: { field: 'hi' }, color: ax.color } }] : []),
    { name: `${l.tag}_line`, mark: { type: 'line', strokeWidth: 2 }, encoding: { x: ax.x, y: ax.y, color: ax.color, order: { field: 'x' } } },
  ],
  // References (l(θ₀), a known asymptote, …): a dashed line, no interval.
  reference: (l, ax) => [
    { name: `${l.tag}_line`, mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { x: ax.x, y: ax.y, color: ax.color, order: { field: 'x' } } },
  ],
};

/** The x, y and interval encodings, with the panel's scales. */
interface Axes { readonly x: Spec; readonly y: Spec; readonly lo: Spec; readonly yLog: boolean; readonly color: Spec }

function axes(p: PanelResult, series: readonly Layered[]): Axes {
  // zero: false — losses and gaps sit far from 0; a linear axis forced through 0 would flatten them.
  // padding: the first and last points sit inside the frame, not on its edge; nice: false on a log
  // axis, else the padded domain is rounded out to whole decades and a 0.01–0.1 sweep fills a tenth of it.
  const scale = (log?: boolean) => (log ? { type: 'log', nice: false, padding: 8 } : { type: 'linear', zero: false, padding: 8 });
  const y = { field: 'y', type: 'quantitative', title: p.y.label, scale: scale(p.y.log) };
  return {
    x: { field: 'x', type: 'quantitative', title: p.x.label, scale: scale(p.x.log) },
    y,
    lo: { ...y, field: 'lo' },
    yLog: !!p.y.log,
    // Every layer carries the same colour channel with the domain in the panel's series order, so the legend lists them as the panel does.
    color: { field: 'series', type: 'nominal', title: null, scale: { domain: [...new Set(series.map((l) => l.name))] } },
  };
}

/** Keep the rows with an interval; on a log axis also drop intervals reaching 0 or below (log of them is undefined). */
function intervalFilter(ax: Axes): Spec {
  return { filter: ax.yLog ? 'isValid(datum.lo) && isValid(datum.hi) && datum.lo > 0' : 'isValid(datum.lo) && isValid(datum.hi)' };
}

/**
 * The panel as a Vega-Lite spec with its data inline: one layer group per series (filtered
 * from the shared rows by name and kind, so each series is its own mark group in the SVG),
 * colour by series with a legend, and a column per facet when any series has one. A series
 * without a facet in a faceted panel (a reference level, say) is drawn in every column.
 */
export function panelSpec(p: PanelResult): Spec {
  const series = layeredSeries(p);
  const ax = axes(p, series);
  const rows = panelRows(p);
  const facets = [...new Set(rows.flatMap((r) => (r.facet === null ? [] : [r.facet])))];
  const values = facets.length === 0 ? rows : rows.flatMap((r) => (r.facet === null ? facets.map((f) => ({ ...r, facet: f })) : [r]));
  // On a log axis a value ≤ 0 cannot be placed: drop it rather than let vega draw it at −∞.
  const positive = [p.x.log ? 'datum.x > 0' : '', p.y.log ? 'datum.y > 0' : ''].filter(Boolean).join(' && ');
  const layer: Spec[] = series.map((l) => ({
    transform: [
      { filter: { and: [{ field: 'series', equal: l.name }, { field: 'kind', equal: l.kind }] } },
      ...(positive ? [{ filter: positive }] : []),
    ],
    layer: LAYERS_BY_KIND[l.kind](l, ax),
  }));
  const body: Spec = layer.length > 0
    ? { layer }
    // A panel without points still renders: its note as text, on one empty datum (a mark with no data draws nothing).
    : { mark: { type: 'text', text: p.note ?? 'no data' }, data: { values: [{}] }, width: WIDTH, height: 40 };
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: p.title,
    data: { values },
    // Series names are the legend's whole point: never cut them short ('leading order η²T/…').
    config: { legend: { labelLimit: 0 } },
  };
  if (facets.length === 0) return { ...common, width: WIDTH, height: HEIGHT, ...body };
  return {
    ...common,
    facet: { column: { field: 'facet', type: 'nominal', title: null, sort: facets } },
    spec: { width: WIDTH, height: HEIGHT, ...body },
  };
}

/**
 * The panel as an SVG string, rendered in Node. Deterministic: the spec has no dates or random
 * ids, and vega's headless text measurement (no canvas) is an estimate that does not depend on
 * the machine's fonts.
 */
export async function renderPanelSvg(p: PanelResult): Promise<string> {
  // Loaded here, not at the top: vega and vega-lite take about half a second to import, which
  // every perturb command would pay (most never draw a plot).
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(panelSpec(p) as unknown as VegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize(); // release the view's timers and listeners
  }
}

/** A CSV field: numbers as JavaScript writes them (shortest round-trip of the float64), text quoted where it must be. */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The points of a panel as CSV: a header, then one row per point (series, kind, facet, x, y, stderr, lo, hi). */
export function panelCsv(p: PanelResult): string {
  const head = ['series', 'kind', 'facet', 'x', 'y', 'stderr', 'lo', 'hi'] as const;
  return [head.join(','), ...panelRows(p).map((r) => head.map((k) => csvField(r[k])).join(','))].join('\n') + '\n';
}

/**
 * Write a panel's files into `dir`, each atomically: `<id>.svg` (the plot), `<id>.vl.json`
 * (the Vega-Lite spec, to restyle), `<id>.csv` (the points) and `<id>.json` (the PanelResult).
 * Returns the paths written.
 */
export async function writePanelFiles(dir: string, p: PanelResult): Promise<{ svg: string; spec: string; csv: string; json: string }> {
  // The id names files: keep it a plain name, never a path.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p.id)) throw new Error(`panel id ${JSON.stringify(p.id)} cannot name a file`);
  const svg = await renderPanelSvg(p);
  const paths = { svg: join(dir, `${p.id}.svg`), spec: join(dir, `${p.id}.vl.json`), csv: join(dir, `${p.id}.csv`), json: join(dir, `${p.id}.json`) };
  writeFileAtomic(paths.svg, svg);
  writeFileAtomic(paths.spec, JSON.stringify(panelSpec(p), null, 2) + '\n');
  writeFileAtomic(paths.csv, panelCsv(p));
  writeFileAtomic(paths.json, JSON.stringify(p, null, 2) + '\n');
  return paths;
}
