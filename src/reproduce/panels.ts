/**
 * @file The artificial panels of the paper (Figures 2–3, appendix C.3), each computed as a
 * PanelResult: trials through `sim.simulate` (paired, seeded), predictions through
 * `predictLandscape` and the corollaries on exact statistics (these landscapes have few atoms),
 * and the verdict by the one rule of verdict.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sgd } from '../core/index.ts';
import { epochsCorollary, overfitCorollary, predictLandscape, sdeCorollary } from '../corollaries/index.ts';
import type { PanelCheck, PanelPoint, PanelResult, PanelSeries } from '../report/index.ts';
import { simulate, type SimulateOptions, type SimulationResult, type SummaryRow } from '../sim/index.ts';
import type { Executor } from '../parallel/index.ts';
import { measureTensors } from '../stats/index.ts';
import { hessianEigen, neededDiagrams } from '../theory/index.ts';
import { trialsFor, type Preset, type PresetCounts } from './presets.ts';
import { STIC_PANEL } from './stic.ts';
import { check, plainInRange, resummedInRange, RULE, verdictOf } from './verdict.ts';

export interface PanelRunOptions {
  /** Worker threads for the trials (default: all cores; 0: this thread). Results do not depend on it. */
  workers?: number;
  /** Where trials and statistics draws run instead (e.g. `redisQueue`); results do not depend on it either. */
  executor?: Executor;
  /** Seed of every trial stream (default 0). */
  seed?: number;
  /** Trials done of the total, per simulation a panel runs (`stage` names it). */
  onProgress?: (p: { panel: string; stage: string; done: number; total: number }) => void;
  /** Trial counts that replace the preset's (tests; recorded in `settings`). */
  trials?: Partial<PresetCounts>;
}

const countsFor = (preset: Preset, o: PanelRunOptions): PresetCounts => ({ ...trialsFor(preset), ...o.trials });

export type PanelId = 'archimedes' | 'mean-estimation' | 'epochs' | 'gauss-sde' | 'gauss-testloss' | 'stic';

export interface PanelDefinition {
  readonly id: PanelId;
  readonly title: string;
  readonly claim: string;
  run(preset: Preset, o?: PanelRunOptions): Promise<PanelResult>;
}

export const Z95 = 1.959963984540054;

/** A measured point from a summary or difference row (its t-interval). */
export function measuredPoint(x: number, r: SummaryRow | undefined): PanelPoint {
  if (!r || r.mean === null) return { x, y: NaN };
  const se = r.stderr ?? NaN;
  return { x, y: r.mean, stderr: se, lo: r.ci95?.[0] ?? r.mean - Z95 * se, hi: r.ci95?.[1] ?? r.mean + Z95 * se };
}

/** A predicted point with a ±1.96·se band (a zero-width band for exact statistics). */
export const predictedPoint = (x: number, y: number, se: number): PanelPoint => ({ x, y, stderr: se, lo: y - Z95 * se, hi: y + Z95 * se });

export function row(rows: readonly SummaryRow[], optimizer: string, eta: number, metric: string): SummaryRow | undefined {
  return rows.find((r) => r.optimizer === optimizer && r.eta === eta && r.metric === metric);
}

async function eigenvalues(spec: string): Promise<Float64Array> {
  const m = await measureTensors({ landscape: { spec }, degree: 2, exact: true });
  return hessianEigen(m.tensors).values;
}

type Sim = Omit<SimulateOptions, 'landscape' | 'workers' | 'executor' | 'onProgress'>;

function runSim(panel: string, stage: string, spec: string, s: Sim, o: PanelRunOptions): Promise<SimulationResult> {
  return simulate({
    ...s, landscape: { spec }, workers: o.workers, executor: o.executor,
    onProgress: (done, total, phase) => {
      if (phase === 'trials') o.onProgress?.({ panel, stage, done, total });
    },
  });
}

const keysOf = (order: number, q: 'test' | 'train' | 'gap') => neededDiagrams(order, q).map((d) => d.key);

export function finish(base: Omit<PanelResult, 'verdict' | 'rule'>): PanelResult {
  return { ...base, verdict: verdictOf(base.checks), rule: RULE };
}

// ── ARCHIMEDES ────────────────────────────────────────────────────────────────────────────

const ARCH = { spec: 'archimedes', T: 10_000, B: 1, eta: [0.02, 0.05, 0.1] } as const;

async function archimedesPanel(preset: Preset, o: PanelRunOptions = {}): Promise<PanelResult> {
  const trials = countsFor(preset, o).archimedes;
  const seed = o.seed ?? 0;
  const { spec, T, B } = ARCH;
  const eta = [...ARCH.eta];
  const sim = await runSim('archimedes', 'sgd', spec, { optimizers: ['sgd'], eta, N: T * B, B, E: 1, trials, seed }, o);
  const pred = await predictLandscape({ landscape: { spec }, exact: true, resum: true, schedule: sgd({ N: T * B, B, E: 1 }), order: 3, quantity: 'z', eta });
  const lam = pred.resummed!.eigenvalues;
  const measured = eta.map((h) => measuredPoint(h, row(sim.summary, 'sgd', h, 'z')));
  const predicted = pred.values.map((v) => predictedPoint(v.eta, v.value, v.stderr));
  const checks = eta.map((h, i) => check({ x: h, measured: measured[i]!.y, measuredStderr: measured[i]!.stderr ?? NaN, predicted: predicted[i]!.y, predictedStderr: predicted[i]!.stderr!, inRange: resummedInRange(h, lam) }));
  return finish({
    id: 'archimedes', title: PANELS_META.archimedes.title, claim: PANELS_META.archimedes.claim,
    x: { label: 'learning rate η', log: true }, y: { label: `E[z_T] (displacement along the valley) at T = ${T}` },
    series: [
      { name: 'SGD (measured)', kind: 'measured', points: measured },
      { name: 're-summed order 3', kind: 'predicted', points: predicted },
      { name: 'leading order η²T/6 (Corollary 1)', kind: 'reference', points: eta.map((h) => ({ x: h, y: (h * h * T) / 6 })) },
      { name: '0 (SDE / gradient flow at G = 0)', kind: 'reference', points: eta.map((h) => ({ x: h, y: 0 })) },
    ],
    checks,
    settings: { preset, landscape: spec, optimizer: 'sgd', eta, T, N: T * B, B, E: 1, shuffle: 'fixed', trials, seed, initSeed: 0, statistics: 'exact', order: 3, resum: true, quantity: 'z' },
    diagrams: pred.resummed!.terms.map((t) => t.key),
  });
}

// ── MEAN ESTIMATION ───────────────────────────────────────────────────────────────────────

const MEAN = { S: 10, N: 10, eta: 0.1, T: [10, 20], H: [0.001, 0.01, 0.1, 0.3, 1, 3] } as const;
const meanSpec = (H: number) => `mean-estimation:H=${H},S=${MEAN.S}`;

async function meanEstimationPanel(preset: Preset, o: PanelRunOptions = {}): Promise<PanelResult> {
  const trials = countsFor(preset, o).meanEstimation;
  const seed = o.seed ?? 0;
  const { N, eta, S } = MEAN;
  const series: PanelSeries[] = [];
  const checks: PanelCheck[] = [];
  // One seed per (T, H) cell, seed + k: the same streams for every H would make the points fully correlated.
  const seeds: number[] = [];
  for (const T of MEAN.T) {
    const facet = `T = ${T}`;
    const measured: PanelPoint[] = [], predicted: PanelPoint[] = [], stic: PanelPoint[] = [];
    for (const H of MEAN.H) {
      const spec = meanSpec(H);
      const cellSeed = seed + seeds.length;
      seeds.push(cellSeed);
      const sim = await runSim('mean-estimation', `gd H=${H} T=${T}`, spec, { optimizers: ['gd'], eta: [eta], N, T, trials, seed: cellSeed }, o);
      const c = await overfitCorollary({ landscape: { spec }, exact: true, N, T, eta });
      const inc = c.entries.find((e) => e.key === `test increase (T = ${T})`)!;
      const st = c.entries.find((e) => e.key === 'STIC: C:H⁻¹/N')!;
      const m = measuredPoint(H, row(sim.summary, 'gd', eta, 'test-increase'));
      measured.push(m);
      predicted.push(predictedPoint(H, inc.value, inc.stderr));
      stic.push({ x: H, y: st.value });
      checks.push(check({ x: H, facet, measured: m.y, measuredStderr: m.stderr ?? NaN, predicted: inc.value, predictedStderr: inc.stderr, inRange: resummedInRange(eta, [H]) }));
    }
    series.push(
      { name: 'GD (measured)', kind: 'measured', points: measured, facet },
      { name: 're-summed order 2 (Corollary 2)', kind: 'predicted', points: predicted, facet },
      { name: 'TIC/STIC C/(NH) (T → ∞ gap)', kind: 'reference', points: stic, facet },
    );
  }
  return finish({
    id: 'mean-estimation', title: PANELS_META['mean-estimation'].title, claim: PANELS_META['mean-estimation'].claim,
    x: { label: 'curvature H', log: true }, y: { label: 'test-loss increase after T steps of GD', log: true },
    series, checks,
    settings: { preset, landscapes: MEAN.H.map(meanSpec), H: [...MEAN.H], S, C: S * S, optimizer: 'gd', eta: [eta], T: [...MEAN.T], N, B: N, trials, seed, seeds: 'seed + k for the k-th (T, H) cell, T outer, H inner', initSeed: 0, statistics: 'exact', order: 2, resum: true, quantity: 'test-increase' },
    diagrams: keysOf(2, 'test'),
  });
}

// ── EPOCHS ────────────────────────────────────────────────────────────────────────────────

const EPOCHS = { spec: 'gauss:h0=0.5', N: 10, B: 1, E: [2, 3, 5, 8], eta: [0.05, 0.1, 0.2], shuffle: 'fixed' } as const;

interface TrialLine { trial: number; eta: number; test: number | null }

function readTests(dir: string): Map<number, Map<number, number>> {
  const byEta = new Map<number, Map<number, number>>();
  for (const line of readFileSync(join(dir, 'trials.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as TrialLine;
    let m = byEta.get(r.eta);
    if (!m) byEta.set(r.eta, (m = new Map()));
    m.set(r.trial, r.test === null ? NaN : r.test);
  }
  return byEta;
}

/** Mean, standard error and normal 95% interval of finite per-trial differences. */
function pairedMean(a: Map<number, number>, b: Map<number, number>): { mean: number; stderr: number; n: number } {
  let n = 0, mean = 0, m2 = 0;
  for (const [t, x] of a) {
    const d = x - (b.get(t) ?? NaN);
    if (!Number.isFinite(d)) continue;
    n++;
    const delta = d - mean;
    mean += delta / n;
    m2 += delta * (d - mean);
  }
  return { mean: n ? mean : NaN, stderr: n > 1 ? Math.sqrt(m2 / (n - 1) / n) : NaN, n };
}

async function epochsPanel(preset: Preset, o: PanelRunOptions = {}): Promise<PanelResult> {
  const trials = countsFor(preset, o).epochs;
  const seed = o.seed ?? 0;
  const { spec, N, B, shuffle } = EPOCHS;
  const eta = [...EPOCHS.eta];
  const lam = await eigenvalues(spec);
  const root = mkdtempSync(join(tmpdir(), 'perturb-epochs-'));
  try {
    const base = { optimizers: ['sgd'] as const, N, B, shuffle, trials, seed };
    await runSim('epochs', 'E=1', spec, { ...base, optimizers: ['sgd'], eta, E: 1, out: join(root, 'E1') }, o);
    const one = readTests(join(root, 'E1'));
    const preds = await Promise.all(
      eta.map(async (h) => ({
        o2: await epochsCorollary({ landscape: { spec }, exact: true, N, B, E: [...EPOCHS.E], shuffle, eta: h, order: 2 }),
        o3: await epochsCorollary({ landscape: { spec }, exact: true, N, B, E: [...EPOCHS.E], shuffle, eta: h, order: 3 }),
      })),
    );
    const series: PanelSeries[] = [];
    const checks: PanelCheck[] = [];
    for (const E of EPOCHS.E) {
      const facet = `E = ${E}`;
      const dir = join(root, `E${E}`);
      const etaE = eta.map((h) => h / E);
      await runSim('epochs', `E=${E}`, spec, { ...base, optimizers: ['sgd'], eta: etaE, E, out: dir }, o);
      const many = readTests(dir);
      const measured = eta.map((h, i) => {
        const d = pairedMean(many.get(etaE[i]!)!, one.get(h)!);
        return { x: h, y: d.mean, stderr: d.stderr, lo: d.mean - Z95 * d.stderr, hi: d.mean + Z95 * d.stderr };
      });
      const entry = (k: 'o2' | 'o3', i: number) => preds[i]![k].entries.find((e) => e.key === `E=${E}`)!;
      const p2 = eta.map((h, i) => predictedPoint(h, entry('o2', i).value, entry('o2', i).stderr));
      const p3 = eta.map((h, i) => predictedPoint(h, entry('o3', i).value, entry('o3', i).stderr));
      series.push(
        { name: `${E} epochs at η/${E} − 1 epoch at η (measured)`, kind: 'measured', points: measured, facet },
        { name: 'order 2 (Corollary 3)', kind: 'predicted', points: p2, facet },
        { name: 'order 3', kind: 'predicted', points: p3, facet },
      );
      eta.forEach((h, i) => {
        checks.push(check({ x: h, facet, measured: measured[i]!.y, measuredStderr: measured[i]!.stderr, predicted: p3[i]!.y, predictedStderr: p3[i]!.stderr!, inRange: plainInRange({ eta: h, T: N / B, eigenvalues: lam, value: p3[i]!.y, previous: p2[i]!.y }) }));
      });
    }
    return finish({
      id: 'epochs', title: PANELS_META.epochs.title, claim: PANELS_META.epochs.claim,
      x: { label: 'one-epoch learning rate η', log: true }, y: { label: 'test loss: E epochs at η/E minus one epoch at η' },
      series, checks,
      settings: { preset, landscape: spec, optimizer: 'sgd', eta, E: [1, ...EPOCHS.E], etaE: 'η/E', T: 'E·N/B', N, B, shuffle, trials, seed, initSeed: 0, pairing: 'per trial: same seed and N, so the same training set', statistics: 'exact', order: [2, 3], checkedAgainst: 'order 3', quantity: 'test' },
      diagrams: keysOf(3, 'test'),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// ── GAUSS: SGD − SDE ──────────────────────────────────────────────────────────────────────

const GSDE = { spec: 'gauss', T: 10, B: 1, eta: [0.02, 0.05, 0.1, 0.15] } as const;

async function gaussSdePanel(preset: Preset, o: PanelRunOptions = {}): Promise<PanelResult> {
  const trials = countsFor(preset, o).gaussSde;
  const seed = o.seed ?? 0;
  const { spec, T, B } = GSDE;
  const eta = [...GSDE.eta];
  const lam = await eigenvalues(spec);
  // sde first: the differences are then sgd − sde, per trial.
  const sim = await runSim('gauss-sde', 'sde,sgd', spec, { optimizers: ['sde', 'sgd'], eta, N: T * B, B, E: 1, trials, seed }, o);
  const cs = await Promise.all(eta.map((h) => sdeCorollary({ landscape: { spec }, exact: true, T, B, eta: h, order: 3 })));
  const c2 = await Promise.all(eta.map((h) => sdeCorollary({ landscape: { spec }, exact: true, T, B, eta: h, order: 2 })));
  const entry = (i: number, k: string) => cs[i]!.entries.find((e) => e.key === k)!;
  const order2 = (i: number) => c2[i]!.entries.find((e) => e.key === 'SGD − SDE')!.value;
  const measured = eta.map((h) => measuredPoint(h, sim.differences.find((r) => r.optimizer === 'sgd' && r.eta === h && r.metric === 'test')));
  const predicted = eta.map((h, i) => predictedPoint(h, entry(i, 'SGD − SDE').value, entry(i, 'SGD − SDE').stderr));
  const checks = eta.map((h, i) => check({ x: h, measured: measured[i]!.y, measuredStderr: measured[i]!.stderr ?? NaN, predicted: predicted[i]!.y, predictedStderr: predicted[i]!.stderr!, inRange: plainInRange({ eta: h, T, eigenvalues: lam, value: predicted[i]!.y, previous: order2(i) }) }));
  return finish({
    id: 'gauss-sde', title: PANELS_META['gauss-sde'].title, claim: PANELS_META['gauss-sde'].claim,
    x: { label: 'learning rate η', log: true }, y: { label: `test loss: SGD minus SDE after T = ${T}` },
    series: [
      { name: 'SGD − SDE (measured, paired)', kind: 'measured', points: measured },
      { name: 'order 3 (Corollary 5)', kind: 'predicted', points: predicted },
      { name: 'non-Gaussian part (order 3)', kind: 'reference', points: eta.map((h, i) => ({ x: h, y: entry(i, 'non-Gaussian').value })) },
      { name: 'Gaussian and discretization part (order 3)', kind: 'reference', points: eta.map((h, i) => ({ x: h, y: entry(i, 'Gaussian and discretization').value })) },
    ],
    checks,
    settings: { preset, landscape: spec, optimizers: ['sde', 'sgd'], difference: 'sgd − sde per trial', eta, T, N: T * B, B, E: 1, trials, seed, initSeed: 0, sdeSubsteps: sim.settings.sdeSubsteps, sdeNoise: sim.sdeNoise, statistics: 'exact', order: 3, quantity: 'test' },
    diagrams: keysOf(3, 'test'),
  });
}

// ── GAUSS: test loss at T = N = 10 ────────────────────────────────────────────────────────

const GTEST = { spec: 'gauss', N: 10, B: 1, eta: [0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25] } as const;

async function gaussTestlossPanel(preset: Preset, o: PanelRunOptions = {}): Promise<PanelResult> {
  const trials = countsFor(preset, o).gaussTestloss;
  const seed = o.seed ?? 0;
  const { spec, N, B } = GTEST;
  const T = N / B;
  const eta = [...GTEST.eta];
  const schedule = sgd({ N, B, E: 1 });
  const sim = await runSim('gauss-testloss', 'sgd', spec, { optimizers: ['sgd'], eta, N, B, E: 1, trials, seed }, o);
  const l0 = sim.testLoss.theta0Loss ?? (await predictLandscape({ landscape: { spec }, exact: true, schedule, order: 0, quantity: 'test', eta: [eta[0]!] })).values[0]!.value;
  const [p2, p3, r2, r3] = await Promise.all([
    predictLandscape({ landscape: { spec }, exact: true, schedule, order: 2, quantity: 'test', eta }),
    predictLandscape({ landscape: { spec }, exact: true, schedule, order: 3, quantity: 'test', eta }),
    predictLandscape({ landscape: { spec }, exact: true, resum: true, schedule, order: 2, quantity: 'test', eta }),
    predictLandscape({ landscape: { spec }, exact: true, resum: true, schedule, order: 3, quantity: 'test', eta }),
  ]);
  const lam = r3.resummed!.eigenvalues;
  const pts = (p: typeof p2) => p.values.map((v) => predictedPoint(v.eta, v.value - l0, v.stderr));
  const measured = eta.map((h) => measuredPoint(h, row(sim.summary, 'sgd', h, 'test-increase')));
  const s2 = pts(p2), s3 = pts(p3), sr2 = pts(r2), sr = pts(r3);
  const checks: PanelCheck[] = [];
  for (const [facet, s, inRange] of [['order 3', s3, (h: number, i: number) => plainInRange({ eta: h, T, eigenvalues: lam, value: s3[i]!.y, previous: s2[i]!.y })], ['re-summed order 3', sr, (h: number, i: number) => resummedInRange(h, lam, { value: sr[i]!.y, previous: sr2[i]!.y })]] as const) {
    eta.forEach((h, i) => checks.push(check({ x: h, facet, measured: measured[i]!.y, measuredStderr: measured[i]!.stderr ?? NaN, predicted: s[i]!.y, predictedStderr: s[i]!.stderr!, inRange: inRange(h, i) })));
  }
  return finish({
    id: 'gauss-testloss', title: PANELS_META['gauss-testloss'].title, claim: PANELS_META['gauss-testloss'].claim,
    x: { label: 'learning rate η' }, y: { label: `test-loss increase after T = N = ${N} (batch ${B})` },
    series: [
      { name: 'SGD (measured)', kind: 'measured', points: measured },
      { name: 'order 2', kind: 'predicted', points: s2 },
      { name: 'order 3', kind: 'predicted', points: s3 },
      { name: 're-summed order 2', kind: 'predicted', points: sr2 },
      { name: 're-summed order 3', kind: 'predicted', points: sr },
    ],
    checks,
    settings: { preset, landscape: spec, optimizer: 'sgd', eta, T, N, B, E: 1, shuffle: 'fixed', trials, seed, initSeed: 0, theta0Loss: l0, statistics: 'exact', orders: [2, 3], resum: [false, true], checkedAgainst: ['order 3', 're-summed order 3'], quantity: 'test-increase' },
    diagrams: [...new Set([...keysOf(3, 'test'), ...r3.resummed!.terms.map((t) => t.key)])],
  });
}

// ── the table ─────────────────────────────────────────────────────────────────────────────

const PANELS_META: Record<Exclude<PanelId, 'stic'>, { title: string; claim: string }> = {
  archimedes: {
    title: 'ARCHIMEDES: SGD drifts along a valley of minima',
    claim: 'From a valley of global minima SGD moves along +z by η²/6 per step (Corollary 1), where an SDE or gradient-flow analysis predicts 0; the re-summed order-3 series gives E[z_T] at T = 10⁴.',
  },
  'mean-estimation': {
    title: 'MEAN ESTIMATION: both sharp and flat minima overfit less',
    claim: 'Started at the truth with fixed C, GD’s test-loss increase after fixed T is largest at intermediate curvature H and is given by the re-summed order-2 series (Corollary 2).',
  },
  epochs: {
    title: 'GAUSS off its minimum: multi-epoch SGD at η/E minus one-epoch SGD at η',
    claim: 'E-epoch SGD at η/E incurs greater test loss than one-epoch SGD at η by the amount the series predicts (Corollary 3), isolating inter-epoch correlations.',
  },
  'gauss-sde': {
    title: 'GAUSS: SGD minus its SDE',
    claim: 'SGD differs from the SDE with matching noise by time discretization and non-Gaussian noise, by the amount the order-3 series predicts (Corollary 5).',
  },
  'gauss-testloss': {
    title: 'GAUSS at T = N = 10: SGD’s test-loss increase vs η',
    claim: 'At small ηT the plain order-3 series, and the re-summed one, predict SGD’s test-loss increase from the test minimum.',
  },
};

const define = (id: Exclude<PanelId, 'stic'>, run: PanelDefinition['run']): PanelDefinition => ({ id, ...PANELS_META[id], run });

/** The artificial panels of `perturb reproduce`, by id. */
export const PANELS: Readonly<Record<PanelId, PanelDefinition>> = Object.freeze({
  archimedes: define('archimedes', archimedesPanel),
  'mean-estimation': define('mean-estimation', meanEstimationPanel),
  epochs: define('epochs', epochsPanel),
  'gauss-sde': define('gauss-sde', gaussSdePanel),
  'gauss-testloss': define('gauss-testloss', gaussTestlossPanel),
  stic: STIC_PANEL,
});

export const PANEL_IDS = Object.keys(PANELS) as PanelId[];
