/**
 * @file Text renderers of perturb's results: what each command prints for a person. Pure
 * functions from a library result to text, with core's number formats and table, so that a
 * value looks the same wherever it is shown.
 */
import { describeObservable, describeSchedule, describeSeriesSchedule, exactFormat, provenance, formatExact, formatNumber, formatStderr, textTable, type Observable, type Schedule, type SeriesSchedule } from '../core/index.ts';
import { rationals, type Diagram } from '../diagrams/index.ts';
import type { CorollaryResult, LandscapePrediction } from '../corollaries/index.ts';
import type { LandscapeSummary, LandscapeTemplate, ParamSpec } from '../landscapes/index.ts';
import type { CompareResult, SimulationResult, SummaryRow } from '../sim/index.ts';
import type { StatsResult } from '../stats/index.ts';
import type { Prediction } from '../theory/index.ts';

// ---------------------------------------------------------------------------------------------
// Diagrams

/** The listing of `perturb diagrams`: key, edges, parts, |Aut|, irreducible, label, and a count. */
export function renderDiagrams(list: readonly Diagram[], o: { order: number; quantity: 'test' | 'train'; irreducible?: boolean }): string {
  const rows = [['key', 'edges', 'parts', '|Aut|', 'irreducible', 'label']];
  for (const d of list) rows.push([d.key, String(d.order), String(d.parts.length), String(d.aut), d.irreducible ? 'yes' : 'no', d.label || '—']);
  const n = list.length;
  return textTable(rows) +
    `${n} ${o.quantity}-loss diagram${n === 1 ? '' : 's'} with ${o.order} edge${o.order === 1 ? '' : 's'}${o.irreducible ? ' (irreducible only)' : ''}\n`;
}

/** Diagrams as JSON rows: key, edges as [parent, child] with node 0 the root, parts, |Aut|, label. */
export function diagramsJson(list: readonly Diagram[]) {
  return list.map((d) => ({ key: d.key, edges: d.edges, parts: d.parts, aut: d.aut, label: d.label, irreducible: d.irreducible }));
}

// ---------------------------------------------------------------------------------------------
// Predictions

/** 'test loss', 'gap (test − train)', or 'E[z] (coordinate 2)'. */
export function observableTitle(o: Observable): string {
  if (o === 'gap') return 'gap (test − train)';
  if (typeof o === 'string') return `${o} loss`;
  return `E[${describeObservable(o)}]${o.name ? ` (coordinate ${o.coordinate})` : ''}`;
}

/** A prediction as JSON: the coefficients, the terms with exact multipliers, the values at η. */
export function predictionJson(p: Prediction, schedule: SeriesSchedule) {
  return {
    quantity: p.quantity,
    schedule,
    order: p.order,
    coefficients: p.coefficients,
    stderr: p.stderr,
    terms: p.terms.map((t) => ({
      key: t.key, label: t.label, order: t.order, multiplier: rationals.toString(t.multiplier), multiplierValue: t.multiplierValue,
      value: t.value, stderr: t.stderr, contribution: t.contribution,
    })),
    values: p.values,
  };
}

/**
 * The coefficients c_d, the series at each η, and with `explain` every diagram term. Exact
 * entries (standard error 0) that are zero up to rounding show as 0: a diagram value at the scale
 * V of the largest |value|, a sum Σ m·v at the scale Σ|m|·V of its terms.
 */
export function renderPrediction(p: Prediction, schedule: SeriesSchedule, o: { explain?: boolean } = {}): string {
  const V = Math.max(0, ...p.terms.map((t) => Math.abs(t.value)));
  const z = exactFormat();
  const exact = (x: number, stderr: number, scale: number) => (stderr === 0 ? z.format(x, scale) : formatExact(x));
  const coefficientScale = (d: number) => p.terms.reduce((s, t) => s + (t.order === d ? Math.abs(t.multiplierValue) * V : 0), 0);
  const seriesScale = (eta: number) => p.terms.reduce((s, t) => s + Math.abs(t.multiplierValue * eta ** t.order) * V, 0);
  const out: string[] = [];
  out.push(`${observableTitle(p.quantity)} after ${describeSeriesSchedule(schedule)}, to order η^${p.order} (${p.terms.length} diagram terms)\n`);
  out.push(textTable([['d', 'c_d', '± stderr'], ...p.coefficients.map((c, d) => [String(d), exact(c, p.stderr[d]!, coefficientScale(d)), formatStderr(p.stderr[d]!)])], { indent: '  ' }));
  if (p.values.length > 0) {
    out.push('series at η\n');
    out.push(textTable([['η', 'value', '± stderr'], ...p.values.map((v) => [formatNumber(v.eta), exact(v.value, v.stderr, seriesScale(v.eta)), formatStderr(v.stderr)])], { indent: '  ' }));
  }
  if (o.explain) {
    out.push('terms: c_d = Σ multiplier · value\n');
    out.push(textTable([
      ['d', 'key', 'label', 'multiplier', 'value', '± stderr', 'contribution'],
      ...p.terms.map((t) => [
        String(t.order), t.key, t.label || '—', rationals.toString(t.multiplier), exact(t.value, t.stderr, V), formatStderr(t.stderr),
        exact(t.contribution, t.stderr, Math.abs(t.multiplierValue) * V),
      ]),
    ], { indent: '  ' }));
  }
  out.push(z.note(`their scale (${formatNumber(V)}, the largest |diagram value|, times Σ|multiplier·η^d| for a sum)`, '  '));
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Statistics

/**
 * The diagram values of a stats file, exact or with their standard errors. An exact value zero
 * up to rounding at the scale of the largest |value| shows as 0 (G·G where G = 0 over the atoms).
 */
export function renderStats(r: StatsResult): string {
  const exact = r.mode === 'exact';
  const V = Math.max(0, ...Object.values(r.values).map((v) => Math.abs(v.mean)));
  const z = exactFormat();
  const rows = Object.entries(r.values).map(([k, v]) => [k, exact || v.stderr === 0 ? z.format(v.mean, V) : formatNumber(v.mean), v.stderr === 0 ? 'exact' : `± ${formatStderr(v.stderr)}`]);
  const head = `${r.landscape} at θ₀ (init seed ${r.initSeed}): ${rows.length} diagram values for the ${r.quantity} series to order ${r.order}, ${exact ? 'exact over atoms' : `${r.samples} samples, seed ${r.seed}${(r.partBatch ?? 1) > 1 ? `, single-node parts as means of ${r.partBatch}` : ''}`}`;
  return head + '\n' + textTable([['key', 'value', 'stderr'], ...rows], { left: 1 }) + z.note(`${formatNumber(V)} (the largest |value|)`);
}

// ---------------------------------------------------------------------------------------------
// Simulations

const interval = (x: SummaryRow) => (x.ci95 ? `[${formatNumber(x.ci95[0])}, ${formatNumber(x.ci95[1])}]` : '–');

/** Settings, then a table of the summary and one of the paired differences. */
export function renderSimulation(r: SimulationResult): string {
  const s = r.settings;
  const lines = [
    `${r.landscape}: ${s.trials} trials, seed ${s.seed}, N = ${s.N}, T = ${s.T}${s.optimizers.includes('sgd') ? ` (sgd: B = ${s.B}, E = ${s.E}, ${s.shuffle})` : ''}`,
    `test loss: ${r.testLoss.method}${r.testLoss.theta0Loss !== null ? `; l(θ₀) = ${r.testLoss.theta0Loss}` : ''}`,
  ];
  if (r.sdeNoise) lines.push(`sde noise: ${r.sdeNoise}`);
  lines.push('');
  lines.push(textTable([
    ['optimizer', 'η', 'metric', 'mean', '± stderr', '95% interval', 'trials', 'diverged'],
    ...r.summary.map((x) => [x.optimizer, String(x.eta), x.metric, formatNumber(x.mean), formatStderr(x.stderr), interval(x), String(x.trials), String(x.diverged)]),
  ], { left: 3 }).trimEnd());
  if (r.differences.length) {
    lines.push('', `paired differences, per trial: optimizer − ${r.differencesAgainst} at the same η`);
    lines.push(textTable([
      ['optimizer', 'η', 'metric', 'mean', '± stderr', '(unpaired)', '95% interval', 'trials', 'diverged'],
      ...r.differences.map((x) => [`${x.optimizer} − ${x.minus}`, String(x.eta), x.metric, formatNumber(x.mean), formatStderr(x.stderr), formatStderr(x.stderrUnpaired), interval(x), String(x.trials), String(x.diverged)]),
    ], { left: 3 }).trimEnd());
  }
  return lines.join('\n') + '\n';
}

/** The series truncated at each order beside the simulation, with z-scores. */
export function renderCompare(r: CompareResult): string {
  const orders = Array.from({ length: r.order }, (_, k) => k + 1);
  const head = ['quantity', 'η', ...orders.map((k) => `order ${k}`), '± se', 'simulated', '± se', 'z'];
  const rows = r.rows.map((x) => [
    x.quantity, formatNumber(x.eta), ...orders.map((k) => formatNumber(x.byOrder[k]!)), formatStderr(x.predictedStderr),
    formatNumber(x.simulated), formatStderr(x.simulatedStderr), x.z === null ? '—' : x.z.toFixed(2),
  ]);
  return [
    `${r.landscape}, ${r.schedule}: order-${r.order} series (diagram values ${r.statsMode === 'exact' ? 'exact over atoms' : 'sampled'}) ` +
      `beside simulation (${r.trials} trials, seed ${r.seed}, init seed ${r.initSeed})`,
    '',
    textTable([head, ...rows], { left: 1, indent: '  ' }).trimEnd(),
    '',
    `  order k: the series truncated after η^k; z = (simulated − order ${r.order}) / combined standard error (|z| ≲ 2 where it holds).`,
  ].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Landscapes

const paramText = (ps: readonly ParamSpec[]) => (ps.length === 0 ? '—' : ps.map((p) => `${p.name}=${p.default}`).join(','));

/** The built-in families as JSON rows. */
export function landscapeListJson(list: readonly LandscapeTemplate[]) {
  return list.map((t) => ({
    name: t.name, P: t.P ?? null, description: t.description, dataSource: t.dataSource, exactMode: t.exactMode ?? null,
    params: t.params.map((p) => ({ name: p.name, default: p.default, description: p.description, domain: p.domain ?? 'real' })),
  }));
}

/** The built-in families as a table. */
export function renderLandscapeList(list: readonly LandscapeTemplate[]): string {
  return textTable([
    ['name', 'P', 'exact mode', 'parameters', 'data'],
    ...list.map((t) => [t.name, t.P === undefined ? '?' : String(t.P), t.exactMode ? 'yes' : 'no', paramText(t.params), t.dataSource]),
  ], { indent: '  ' });
}

function quantityText(q: LandscapeSummary['loss'], exactText: (x: number) => string): string {
  const v = q.stderr && q.stderr > 0 ? `${formatExact(q.value)} ± ${formatStderr(q.stderr)}` : q.exact ? exactText(q.value) : formatExact(q.value);
  return `${v}   (${q.how})`;
}

/**
 * What `perturb landscape` prints: P, data, loss and |G| at θ₀, coordinates, and what is exact.
 * An exact loss or |G| zero up to rounding beside the larger of the two shows as 0.
 */
export function renderLandscapeSummary(s: LandscapeSummary): string {
  const scale = Math.max(0, ...[s.loss, s.gradNorm].filter((q) => q.exact).map((q) => Math.abs(q.value)));
  const z = exactFormat();
  const exactText = (x: number) => z.format(x, scale);
  const rows: string[][] = [
    ['spec', s.spec],
    ['P', String(s.P)],
    ['data', s.dataSource],
    ['init seed', String(s.initSeed)],
    ['loss at θ₀', quantityText(s.loss, exactText)],
    ['|G| at θ₀', quantityText(s.gradNorm, exactText)],
  ];
  if (Object.keys(s.coordinates).length > 0) rows.push(['coordinates', Object.entries(s.coordinates).map(([k, i]) => `${k} = θ[${i}]`).join(', ')]);
  return `${s.name}${s.description ? ` — ${s.description}` : ''}\n` + textTable(rows, { indent: '  ' }) +
    z.note(`${formatNumber(scale)} (the larger exact one of the loss and |G|)`, '  ') +
    'exact:\n' + s.exact.map((e) => `  - ${e}\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// Corollaries

/** The title, a table of entries with standard errors and units, the assumptions checked, the inputs. */
export function renderCorollary(r: CorollaryResult): string {
  const exact = r.entries.every((e) => e.stderr === 0);
  const out = [`${r.name}: ${r.title}\n`];
  out.push(textTable([
    ['', 'value', ...(exact ? [] : ['± stderr']), 'units'],
    ...r.entries.map((e) => [e.key, formatExact(e.value), ...(exact ? [] : [formatStderr(e.stderr)]), e.units]),
  ], { indent: '  ' }));
  if (exact) out.push('  (exact statistics: no standard errors)\n');
  for (const c of r.checks) out.push(`  checked: ${c.what} = ${formatNumber(c.value)} (needs ${c.requirement})\n`);
  const inputs = Object.entries(r.inputs).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
  out.push(`  inputs: ${inputs.join(' ')}\n`);
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Predictions measured on a landscape (plain or re-summed)

function describeRun(r: LandscapePrediction): string {
  const s = r.schedule;
  if (!r.longTime) return describeSeriesSchedule(s);
  return s.kind === 'gd' ? `GD N=${s.N}, T → ∞` : `one epoch of batch-${s.B} SGD on fresh rows, T → ∞`;
}

function statisticsLine(r: LandscapePrediction): string {
  const st = r.statistics;
  const how = st.exact ? 'exact over atoms' : `${st.samples} samples, seed ${st.seed}${st.via === 'tensors' ? ', jackknife standard errors' : ''}`;
  return `statistics: ${st.landscape} at θ₀ (init seed ${st.initSeed}), ${st.via === 'tensors' ? 'derivative tensors' : 'diagram values'}, ${how}\n`;
}

/** A prediction from `predictLandscape`: the plain one as `renderPrediction`, a re-summed one beside its plain series. */
export function renderLandscapePrediction(r: LandscapePrediction, o: { explain?: boolean } = {}): string {
  if (!r.resum || !r.resummed) return renderPrediction(r.plain!, r.schedule, o) + statisticsLine(r);
  const out: string[] = [];
  const R = r.resummed;
  out.push(`${observableTitle(r.observable)} after ${describeRun(r)}, re-summed to order ${r.order} (irreducible diagrams with ≤ ${r.order} edges${r.continuous ? ', continuous propagators' : ''})\n`);
  const withVelocity = r.velocity !== undefined;
  const head = ['η', r.longTime && withVelocity ? 'offset' : 're-summed', '± stderr', ...(r.plain ? [`plain, order ${r.order}`, '± stderr'] : []), ...(withVelocity ? ['velocity per step', '± stderr'] : [])];
  out.push(textTable([
    head,
    ...r.values.map((v, i) => [
      formatNumber(v.eta), formatExact(v.value), formatStderr(v.stderr),
      ...(r.plain ? [formatExact(r.plain.values[i]!.value), formatStderr(r.plain.values[i]!.stderr)] : []),
      ...(withVelocity ? [formatExact(r.velocity![i]!.value), formatStderr(r.velocity![i]!.stderr)] : []),
    ]),
  ], { indent: '  ' }));
  if (r.longTime && withVelocity) out.push('  (a flat direction: the prediction grows as offset + velocity·T)\n');
  if (o.explain) {
    out.push('re-summed terms (each irreducible diagram with propagators on its edges)\n');
    out.push(textTable([
      ['edges', 'key', 'label', ...r.values.map((v) => `η = ${formatNumber(v.eta)}`)],
      // labels name the loss-rooted values (G·G …); a coordinate's root is e_i, so none fits
      ...R.terms.map((t, k) => [String(t.edges), t.key, (typeof r.observable === 'string' && t.label) || '—', ...t.values.map((x, i) => `${formatExact(x)}${R.termStderr[k]![i]! > 0 ? ` ± ${formatStderr(R.termStderr[k]![i]!)}` : ''}`)]),
    ], { indent: '  ' }));
    if (r.plain) out.push('plain series from the same statistics:\n' + renderPrediction(r.plain, r.schedule, { explain: true }));
  }
  out.push(statisticsLine(r));
  return out.join('');
}

/** JSON: today's predict shape for a plain prediction (plus its statistics); re-summed values, terms and the plain one. */
export function landscapePredictionJson(r: LandscapePrediction) {
  const base = { perturb: provenance(), statistics: r.statistics };
  if (!r.resum || !r.resummed) return { ...predictionJson(r.plain!, r.schedule), ...base };
  return {
    quantity: r.observable,
    schedule: r.schedule,
    order: r.order,
    resum: true,
    continuous: r.continuous,
    T: r.longTime ? 'inf' : r.schedule.T,
    values: r.values,
    ...(r.velocity ? { velocity: r.velocity } : {}),
    terms: r.resummed.terms.map((t, k) => ({ key: t.key, label: t.label, edges: t.edges, values: t.values, stderr: r.resummed!.termStderr[k] })),
    eigenvalues: [...r.resummed.eigenvalues],
    ...(r.plain ? { plain: predictionJson(r.plain, r.schedule) } : {}),
    ...base,
  };
}
