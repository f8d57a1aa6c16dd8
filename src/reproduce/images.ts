/**
 * @file The image-landscape panels of the paper (Figure 2 left and centre, appendix C.3), each
 * computed as a PanelResult like the artificial ones (panels.ts): trials through `sim.simulate`
 * (paired, seeded, the test loss estimated on fresh test points drawn from the data set), and
 * predictions from sampled diagram values (`estimateStats` with their covariance, so a series
 * or a difference of series gets one honest standard error), one draw per landscape and init
 * seed. The image landscapes have thousands of weights, so only plain series are offered: the
 * re-summed ones need derivative tensors, limited to P ≤ 2000 at degree 2.
 *
 * Every run has T = N = 10 steps of batch-1 SGD (one epoch) as in the paper. Trials use `seed`;
 * the diagram draws use `seed + 1`, so prediction and measurement are independent.
 */
import { sgd } from '../core/index.ts';
import { batchCorollary } from '../corollaries/index.ts';
import { resolveCifar10Dir } from '../data/index.ts';
import type { LandscapeRef } from '../landscapes/index.ts';
import type { OptimizerName } from '../optim/index.ts';
import type { PanelCheck, PanelPoint, PanelResult, PanelSeries } from '../report/index.ts';
import { simulate, type SimulationResult, type SummaryRow } from '../sim/index.ts';
import { estimateStats, TENSOR_MAX_P } from '../stats/index.ts';
import { combineSeries, neededDiagrams, parseStats, seriesTerms, type DiagramStats } from '../theory/index.ts';
import { finish, measuredPoint, predictedPoint, row, type PanelDefinition, type PanelRunOptions } from './panels.ts';
import { imageTrialsFor, type ImageCounts, type Preset } from './presets.ts';
import { check, plainInRange, RULE } from './verdict.ts';

export type ImagePanelId = 'fmnist-testloss' | 'fmnist-large-eta' | 'gdc' | 'cifar-gap';

export interface ImagePanelRunOptions extends Omit<PanelRunOptions, 'trials'> {
  /** The CIFAR-10 directory (cifar-10-batches-bin or its parent); default PERTURB_CIFAR10. Absent: the CIFAR-10 parts are not run, with a note. */
  cifar10?: string;
  /** The Fashion-MNIST cache directory (default PERTURB_CACHE, else ~/.cache/perturb). */
  cacheDir?: string;
  /** Counts that replace the preset's (tests; recorded in `settings`). */
  trials?: Partial<ImageCounts>;
  /** gdc: run only these of its landscapes (tests; default all: the Fashion-MNIST ones, and the CIFAR-10 ones when CIFAR-10 is there). */
  gdcLandscapes?: readonly string[];
}

/** A panel definition of the shape of panels.ts's PanelDefinition, with the image panels' ids and options. */
export interface ImagePanelDefinition extends Omit<PanelDefinition, 'id' | 'run'> {
  readonly id: ImagePanelId;
  run(preset: Preset, o?: ImagePanelRunOptions): Promise<PanelResult>;
}

const countsFor = (preset: Preset, o: ImagePanelRunOptions): ImageCounts => ({ ...imageTrialsFor(preset), ...o.trials });

/** One epoch of batch-1 SGD on N = 10 rows: T = 10 (the paper's image runs). */
const N = 10, B = 1, T = N / B;
const SCHEDULE = sgd({ N, B, E: 1 });
const RESUM_P = TENSOR_MAX_P[2]!;

const STATS_SEED_OFFSET = 1;

/** Convnet init seeds 1..k (seed 0 is left to the zero-init logistic model's one θ₀). */
const initSeeds = (k: number) => Array.from({ length: Math.max(1, k) }, (_, i) => i + 1);

/** The CIFAR-10 directory from the option or PERTURB_CIFAR10, checked; null when neither is given. */
async function cifarDir(o: ImagePanelRunOptions): Promise<string | null> {
  const given = o.cifar10 ?? (process.env['PERTURB_CIFAR10'] || undefined);
  if (given === undefined || given === '') return null;
  return resolveCifar10Dir(given);
}

const HOW_TO_ENABLE =
  'give `perturb reproduce --cifar10 DIR` (or set PERTURB_CIFAR10=DIR), DIR holding the official binary files data_batch_1.bin … data_batch_5.bin and test_batch.bin ' +
  '(cifar-10-batches-bin/ from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, or its parent)';

function refOf(spec: string, o: ImagePanelRunOptions, cifar: string | null): LandscapeRef {
  return { spec, ...(spec.startsWith('cifar') && cifar ? { cifar10: cifar } : {}), ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}) };
}

async function sampledStats(panel: string, stage: string, landscape: LandscapeRef, initSeed: number, order: number, quantity: 'test' | 'train', samples: number, seed: number, o: ImagePanelRunOptions): Promise<DiagramStats> {
  const r = await estimateStats({
    landscape, initSeed, order, quantity, samples, seed: seed + STATS_SEED_OFFSET, covariance: true, workers: o.workers, executor: o.executor,
    onProgress: (done, total) => o.onProgress?.({ panel, stage: `${stage}: diagram values`, done, total }),
  });
  return parseStats(r);
}

function runSim(panel: string, stage: string, landscape: LandscapeRef, optimizers: OptimizerName[], eta: number[], c: { trials: number; testPoints: number; seed: number; initSeed: number }, o: ImagePanelRunOptions): Promise<SimulationResult> {
  return simulate({
    landscape, optimizers, eta, N, B, E: 1, trials: c.trials, testPoints: c.testPoints, seed: c.seed, initSeed: c.initSeed, workers: o.workers, executor: o.executor,
    onProgress: (done, total, phase) => {
      if (phase === 'trials') o.onProgress?.({ panel, stage: `${stage}: trials`, done, total });
    },
  });
}

/** The series of `quantity` for one epoch of batch-1 SGD without its order-0 term (l(θ₀), or 0 for the gap), truncated at order D, with its standard error. */
function seriesChange(stats: DiagramStats, D: number, eta: number, quantity: 'test' | 'gap'): { value: number; stderr: number } {
  const terms = seriesTerms(SCHEDULE, D, quantity).filter((t) => t.diagram.order >= 1);
  const c = combineSeries(stats, [{ terms, eta, weight: 1 }], D);
  return { value: c.value, stderr: c.stderr };
}

const keysOf = (order: number, q: 'test' | 'train' | 'gap') => neededDiagrams(order, q).map((d) => d.key);

const diffRow = (sim: SimulationResult, optimizer: string, eta: number): SummaryRow | undefined =>
  sim.differences.find((r) => r.optimizer === optimizer && r.eta === eta && r.metric === 'test');


// ── FASHION-MNIST CONVNET: test loss vs η (small and large ηT) ────────────────────────────

const FM = {
  spec: 'fmnist-convnet',
  small: [0.0025, 0.005, 0.01, 0.02, 0.04],
  large: [0.1, 0.2, 0.4, 0.8],
} as const;

interface TestlossRun {
  series: PanelSeries[];
  checks: PanelCheck[];
  theta0Loss: Record<string, number | null>;
  outOfRange: string[];
}

async function convnetTestloss(panel: ImagePanelId, preset: Preset, o: ImagePanelRunOptions, eta: number[], trials: number): Promise<TestlossRun & { counts: ImageCounts; seeds: number[] }> {
  const counts = countsFor(preset, o);
  const seed = o.seed ?? 0;
  const land = refOf(FM.spec, o, null);
  const seeds = initSeeds(counts.imageInits);
  const series: PanelSeries[] = [];
  const checks: PanelCheck[] = [];
  const theta0Loss: Record<string, number | null> = {};
  const outOfRange: string[] = [];
  for (const initSeed of seeds) {
    const facet = `init seed ${initSeed}`;
    const stats = await sampledStats(panel, facet, land, initSeed, 3, 'test', counts.imageSamples, seed, o);
    const sim = await runSim(panel, facet, land, ['sgd'], eta, { trials, testPoints: counts.imageTestPoints, seed, initSeed }, o);
    theta0Loss[facet] = sim.testLoss.theta0Loss;
    const measured = eta.map((h) => measuredPoint(h, row(sim.summary, 'sgd', h, 'test-increase')));
    const byOrder = [1, 2, 3].map((D) => eta.map((h) => seriesChange(stats, D, h, 'test')));
    series.push({ name: 'SGD (measured)', kind: 'measured', points: measured, facet });
    byOrder.forEach((ps, i) => series.push({ name: `order ${i + 1}`, kind: 'predicted', points: ps.map((p, j) => predictedPoint(eta[j]!, p.value, p.stderr)), facet }));
    eta.forEach((h, j) => {
      const p3 = byOrder[2]![j]!, p2 = byOrder[1]![j]!;
      // H's eigenvalues are out of reach at P = 4490; they enter only where order 2 vanishes, which it does not here (G ≠ 0).
      const inRange = plainInRange({ eta: h, T, eigenvalues: [], value: p3.value, previous: p2.value });
      if (!inRange) outOfRange.push(`η = ${h} (${facet})`);
      checks.push(check({ x: h, facet, measured: measured[j]!.y, measuredStderr: measured[j]!.stderr ?? NaN, predicted: p3.value, predictedStderr: p3.stderr, inRange }));
    });
  }
  return { series, checks, theta0Loss, outOfRange, counts, seeds };
}

function testlossSettings(preset: Preset, eta: number[], trials: number, r: { counts: ImageCounts; seeds: number[]; theta0Loss: Record<string, number | null> }, seed: number) {
  return {
    preset, landscape: FM.spec, optimizer: 'sgd', eta, T, N, B, E: 1, shuffle: 'fixed', trials, seed, initSeeds: r.seeds,
    statistics: `sampled: ${r.counts.imageSamples} draws per init seed (seed ${seed + STATS_SEED_OFFSET}), with covariance`, samples: r.counts.imageSamples, statsSeed: seed + STATS_SEED_OFFSET,
    testPoints: r.counts.imageTestPoints, theta0Loss: r.theta0Loss,
    orders: [1, 2, 3], resum: false, checkedAgainst: 'order 3', quantity: 'test-increase (l(θ_T) − l(θ₀))',
  };
}

async function fmnistTestlossPanel(preset: Preset, o: ImagePanelRunOptions = {}): Promise<PanelResult> {
  const trials = countsFor(preset, o).fmnistTestloss;
  const eta = [...FM.small];
  const r = await convnetTestloss('fmnist-testloss', preset, o, eta, trials);
  return finish({
    id: 'fmnist-testloss', title: META['fmnist-testloss'].title, claim: META['fmnist-testloss'].claim,
    x: { label: 'learning rate η', log: true }, y: { label: `test-loss change l(θ_T) − l(θ₀) after T = N = ${N} (batch ${B})` },
    series: r.series, checks: r.checks,
    settings: testlossSettings(preset, eta, trials, r, o.seed ?? 0),
    diagrams: keysOf(3, 'test'),
    ...(r.outOfRange.length > 0 ? { note: `Outside the plain series’ range (its last term above 10% of its value): ${r.outOfRange.join(', ')}.` } : {}),
  });
}

async function fmnistLargeEtaPanel(preset: Preset, o: ImagePanelRunOptions = {}): Promise<PanelResult> {
  const trials = countsFor(preset, o).fmnistLargeEta;
  const eta = [...FM.large];
  const r = await convnetTestloss('fmnist-large-eta', preset, o, eta, trials);
  const range = r.outOfRange.length > 0
    ? `Outside the theory’s range (the order-3 term above 10% of the series): ${r.outOfRange.join(', ')}.`
    : 'Every point passed the range rule at these counts.';
  const note = `${range} Re-summation is not offered here: it needs derivative tensors, limited to P ≤ ${RESUM_P} weights at degree 2, and the Fashion-MNIST convnet has P = 4490 — so there is no re-summed curve.`;
  return finish({
    id: 'fmnist-large-eta', title: META['fmnist-large-eta'].title, claim: META['fmnist-large-eta'].claim,
    x: { label: 'learning rate η', log: true }, y: { label: `test-loss change l(θ_T) − l(θ₀) after T = N = ${N} (batch ${B})` },
    series: r.series, checks: r.checks,
    settings: { ...testlossSettings(preset, eta, trials, r, o.seed ?? 0), resummed: `not offered: P = 4490 > ${RESUM_P}` },
    diagrams: keysOf(3, 'test'),
    note,
  });
}

// ── GD − SGD and GDC − SGD (Corollary 4) ──────────────────────────────────────────────────

const GDC = { eta: [0.001, 0.005, 0.025] } as const;

async function gdcPanel(preset: Preset, o: ImagePanelRunOptions = {}): Promise<PanelResult> {
  const counts = countsFor(preset, o);
  const trials = counts.gdc;
  const seed = o.seed ?? 0;
  const eta = [...GDC.eta];
  const cifar = await cifarDir(o);
  const convSeeds = initSeeds(counts.imageInits);
  const runs: Array<{ spec: string; initSeed: number }> = [];
  const specs = ['fmnist-logistic', 'fmnist-convnet', ...(cifar ? ['cifar-logistic', 'cifar-convnet'] : [])].filter((s) => !o.gdcLandscapes || o.gdcLandscapes.includes(s));
  for (const spec of specs) {
    if (spec.endsWith('logistic')) runs.push({ spec, initSeed: 0 });
    else for (const s of convSeeds) runs.push({ spec, initSeed: s });
  }
  const series: PanelSeries[] = [];
  const checks: PanelCheck[] = [];
  for (const { spec, initSeed } of runs) {
    const facet = spec.endsWith('logistic') ? `${spec} (zero init)` : `${spec}, init seed ${initSeed}`;
    const land = refOf(spec, o, cifar);
    const stats = await sampledStats('gdc', facet, land, initSeed, 3, 'test', counts.imageSamples, seed, o);
    // sgd first: the differences are then gd − sgd and gdc − sgd, per trial (same training sets).
    const sim = await runSim('gdc', facet, land, ['sgd', 'gd', 'gdc'], eta, { trials, testPoints: counts.imageTestPoints, seed, initSeed }, o);
    const pred = await Promise.all(eta.map(async (h) => {
      const [c2, c3] = await Promise.all([batchCorollary({ stats, N, eta: h, order: 2 }), batchCorollary({ stats, N, eta: h, order: 3 })]);
      const e = (c: typeof c2, k: string) => c.entries.find((x) => x.key === k)!;
      return { gd3: e(c3, 'GD − SGD'), gd2: e(c2, 'GD − SGD'), correction: e(c2, 'GDC correction') };
    }));
    const gdM = eta.map((h) => measuredPoint(h, diffRow(sim, 'gd', h)));
    const gdcM = eta.map((h) => measuredPoint(h, diffRow(sim, 'gdc', h)));
    // GDC − SGD to order η²: GD − SGD plus GDC's correction, which cancels it (Corollary 4); beyond η² GDC's own series is not computed.
    const gdcPred = pred.map((p) => p.gd2.value + p.correction.value);
    series.push(
      { name: 'GD − SGD (measured, paired)', kind: 'measured', points: gdM, facet },
      { name: 'GDC − SGD (measured, paired)', kind: 'measured', points: gdcM, facet },
      { name: 'GD − SGD, order 3 (Corollary 4)', kind: 'predicted', points: pred.map((p, j) => predictedPoint(eta[j]!, p.gd3.value, p.gd3.stderr)), facet },
      { name: 'GDC − SGD, order 2 (Corollary 4: 0)', kind: 'predicted', points: gdcPred.map((v, j) => predictedPoint(eta[j]!, v, 0)), facet },
    );
    eta.forEach((h, j) => {
      const p = pred[j]!;
      checks.push(check({ x: h, facet: `${facet}: GD − SGD`, measured: gdM[j]!.y, measuredStderr: gdM[j]!.stderr ?? NaN, predicted: p.gd3.value, predictedStderr: p.gd3.stderr, inRange: plainInRange({ eta: h, T, eigenvalues: [], value: p.gd3.value, previous: p.gd2.value }) }));
      // A leading-order prediction (0 at η², the lower orders vanishing): in range only at ηT ≤ ρ (H's eigenvalues are out of reach at these P).
      checks.push(check({ x: h, facet: `${facet}: GDC − SGD`, measured: gdcM[j]!.y, measuredStderr: gdcM[j]!.stderr ?? NaN, predicted: gdcPred[j]!, predictedStderr: 0, inRange: plainInRange({ eta: h, T, eigenvalues: [], value: 0, previous: 0 }) }));
    });
  }
  const notes: string[] = [];
  if (!cifar) notes.push(`The CIFAR-10 variants (cifar-logistic, cifar-convnet) were not run: ${HOW_TO_ENABLE}.`);
  notes.push('GDC − SGD is predicted to order η² only (0: GDC’s correction cancels GD − SGD there); GDC’s own η³ terms are not computed, so those checks are in range only at ηT ≤ 0.1.');
  return finish({
    id: 'gdc', title: META.gdc.title, claim: META.gdc.claim,
    x: { label: 'learning rate η', log: true }, y: { label: `test-loss difference from SGD after T = N = ${N}` },
    series, checks,
    settings: {
      preset, landscapes: [...new Set(runs.map((r) => r.spec))], runs, optimizers: ['sgd', 'gd', 'gdc'], difference: 'gd − sgd and gdc − sgd per trial',
      eta, T, N, B, E: 1, trials, seed, samples: counts.imageSamples, statsSeed: seed + STATS_SEED_OFFSET, testPoints: counts.imageTestPoints,
      cifar10: cifar, statistics: `sampled: ${counts.imageSamples} draws per landscape and init seed, with covariance`, orders: { 'GD − SGD': 3, 'GDC − SGD': 2 }, quantity: 'test',
    },
    diagrams: keysOf(3, 'test'),
    note: notes.join(' '),
  });
}

// ── CIFAR-10 convnet: generalization gap vs η ─────────────────────────────────────────────

const CGAP = { spec: 'cifar-convnet', eta: [0.0025, 0.005, 0.01, 0.025, 0.05] } as const;

async function cifarGapPanel(preset: Preset, o: ImagePanelRunOptions = {}): Promise<PanelResult> {
  const counts = countsFor(preset, o);
  const trials = counts.cifarGap;
  const seed = o.seed ?? 0;
  const eta = [...CGAP.eta];
  const base = {
    id: 'cifar-gap', title: META['cifar-gap'].title, claim: META['cifar-gap'].claim,
    x: { label: 'learning rate η', log: true }, y: { label: `generalization gap (test − train loss) after T = N = ${N}` },
  } as const;
  const cifar = await cifarDir(o);
  if (!cifar) {
    return {
      ...base, series: [], checks: [], verdict: 'not run', rule: RULE, diagrams: [],
      settings: { preset, landscape: CGAP.spec, cifar10: null },
      note: `Not run: CIFAR-10 is not bundled. To enable this panel, ${HOW_TO_ENABLE}.`,
    };
  }
  const land = refOf(CGAP.spec, o, cifar);
  const seeds = initSeeds(counts.imageInits);
  const series: PanelSeries[] = [];
  const checks: PanelCheck[] = [];
  const outOfRange: string[] = [];
  for (const initSeed of seeds) {
    const facet = `init seed ${initSeed}`;
    // The gap needs the train-loss diagrams.
    const stats = await sampledStats('cifar-gap', facet, land, initSeed, 2, 'train', counts.imageSamples, seed, o);
    const sim = await runSim('cifar-gap', facet, land, ['sgd'], eta, { trials, testPoints: counts.imageTestPoints, seed, initSeed }, o);
    const measured: PanelPoint[] = eta.map((h) => measuredPoint(h, row(sim.summary, 'sgd', h, 'gap')));
    const p1 = eta.map((h) => seriesChange(stats, 1, h, 'gap'));
    const p2 = eta.map((h) => seriesChange(stats, 2, h, 'gap'));
    series.push(
      { name: 'SGD (measured)', kind: 'measured', points: measured, facet },
      { name: 'order 1', kind: 'predicted', points: p1.map((p, j) => predictedPoint(eta[j]!, p.value, p.stderr)), facet },
      { name: 'order 2', kind: 'predicted', points: p2.map((p, j) => predictedPoint(eta[j]!, p.value, p.stderr)), facet },
    );
    eta.forEach((h, j) => {
      const inRange = plainInRange({ eta: h, T, eigenvalues: [], value: p2[j]!.value, previous: p1[j]!.value });
      if (!inRange) outOfRange.push(`η = ${h} (${facet})`);
      checks.push(check({ x: h, facet, measured: measured[j]!.y, measuredStderr: measured[j]!.stderr ?? NaN, predicted: p2[j]!.value, predictedStderr: p2[j]!.stderr, inRange }));
    });
  }
  return finish({
    ...base, series, checks,
    settings: {
      preset, landscape: CGAP.spec, cifar10: cifar, optimizer: 'sgd', eta, T, N, B, E: 1, shuffle: 'fixed', trials, seed, initSeeds: seeds,
      samples: counts.imageSamples, statsSeed: seed + STATS_SEED_OFFSET, testPoints: counts.imageTestPoints,
      statistics: `sampled: ${counts.imageSamples} draws per init seed (train-loss diagrams), with covariance`, orders: [1, 2], checkedAgainst: 'order 2', quantity: 'gap',
    },
    diagrams: keysOf(2, 'gap'),
    ...(outOfRange.length > 0 ? { note: `Outside the plain series’ range (its last term above 10% of its value): ${outOfRange.map((s) => s).join(', ')}.` } : {}),
  });
}

// ── the table ─────────────────────────────────────────────────────────────────────────────

const META: Record<ImagePanelId, { title: string; claim: string }> = {
  'fmnist-testloss': {
    title: 'Fashion-MNIST convnet: test loss vs η at small ηT',
    claim: 'For small ηT the plain series (orders 1, 2, 3, from diagram values sampled at θ₀) predicts the convnet’s test-loss change after T = 10 steps of SGD, for every initialization tested (Figure 2, left).',
  },
  'fmnist-large-eta': {
    title: 'Fashion-MNIST convnet: test loss vs η at large ηT',
    claim: 'At large ηT the plain series breaks down: the order-3 term is no longer small, and the prediction stops tracking SGD (Figure 2, left).',
  },
  gdc: {
    title: 'GD − SGD and GDC − SGD on image landscapes',
    claim: 'GD differs from SGD in test loss by what Corollary 4 predicts, and GDC — GD on l + η(N−1)/(4N)·Ĉ — matches SGD much more closely than GD does, for logistic regression and convnets (Figure 2, centre).',
  },
  'cifar-gap': {
    title: 'CIFAR-10 convnet: generalization gap vs η',
    claim: 'The order-2 series predicts the CIFAR-10 convnet’s generalization gap (test − train loss) after T = 10 steps of SGD through ηT ≈ 0.5 (Figure 2, centre).',
  },
};

const define = (id: ImagePanelId, run: ImagePanelDefinition['run']): ImagePanelDefinition => ({ id, ...META[id], run });

/** The image-landscape panels of `perturb reproduce`, by id (the lead wires them into PANELS). */
export const IMAGE_PANELS: Readonly<Record<ImagePanelId, ImagePanelDefinition>> = Object.freeze({
  'fmnist-testloss': define('fmnist-testloss', fmnistTestlossPanel),
  'fmnist-large-eta': define('fmnist-large-eta', fmnistLargeEtaPanel),
  gdc: define('gdc', gdcPanel),
  'cifar-gap': define('cifar-gap', cifarGapPanel),
});

export const IMAGE_PANEL_IDS = Object.keys(IMAGE_PANELS) as ImagePanelId[];

