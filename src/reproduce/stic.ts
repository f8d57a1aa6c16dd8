/**
 * @file The `stic` panel (the paper's Figure 3, right): descent on an l2 coefficient λ by STIC
 * against plain GD on MEAN ESTIMATION, over a range of H, started w0 = 0 and w0 = 10 units from
 * the true minimum w = 0 (one facet each).
 *
 * Each (w0, H) cell is one `simulate` of the paired optimizers gd,stic on
 * `mean-estimation-l2:H,S,w0` (θ = (w, λ), λ₀ = 0, λ ≥ 0 by projection; GD's λ stays 0, so GD is
 * plain GD), its trials.jsonl read back per trial: the landscape's own test loss includes the
 * penalty ½λw², so the panel computes the experiment's unpenalized test loss ½H·w_T² from the
 * trial's w displacement (w_T = w0 + Δw), and the paired difference STIC − GD per trial.
 *
 * This panel measures a method, not a prediction: each check is the paired difference against 0
 * (predicted 0 with no error, z = mean/se), and the verdict tests the paper's claim "STIC
 * improves on plain GD for most Hessians" by STIC_RULE below. A STIC (or GD) trial whose test
 * loss is not finite (a diverged run, or one so large that ½Hw² overflows) makes that cell's
 * mean infinite: such a cell is never counted as an improvement, and its count is in `settings`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PanelCheck, PanelPoint, PanelResult, PanelSeries, Verdict } from '../report/index.ts';
import { simulate } from '../sim/index.ts';
import type { PanelDefinition, PanelRunOptions } from './panels.ts';
import { trialsFor, type Preset } from './presets.ts';
import { check, Z_MAX } from './verdict.ts';

/** The experiment (paper C.3: T = 10², H from 10⁻⁴ to 4, C = 10², the truth 0 or 10 away); N and η as in the mean-estimation panel. */
export const STIC = {
  S: 10,
  N: 10,
  T: 100,
  eta: 0.1,
  w0: [0, 10],
  /** 8 values log-spaced from 10⁻⁴ to 4 (the paper's range), fixed before looking at the results. */
  H: [1e-4, 4.54e-4, 2.06e-3, 9.36e-3, 4.25e-2, 0.193, 0.876, 4],
} as const;

export const sticSpec = (H: number, w0: number): string => `mean-estimation-l2:H=${H},S=${STIC.S},w0=${w0}`;

/** The share of H values per facet at which STIC must improve significantly ("most"). */
export const STIC_MOST = 0.5;

export const STIC_RULE =
  `This panel measures a method, not a prediction: each check is the paired per-trial difference STIC − GD in unpenalized test loss ½H·w_T² against 0, ` +
  `z = mean/se (a cell with a non-finite test loss in any trial has an infinite mean and is never an improvement). ` +
  `STIC improves at an H when z ≤ −${Z_MAX}. The panel agrees with the claim when, in every facet (w0), STIC improves at more than ${STIC_MOST * 100}% of the H values, ` +
  `and disagrees otherwise; every point counts (inRange is true throughout: the claim is made for the whole range of H).`;

const Z95 = 1.959963984540054;

const TITLE = 'MEAN ESTIMATION: descent on an l2 coefficient by STIC vs plain GD';
const CLAIM =
  'For MEAN ESTIMATION with fixed C and a range of H, started a fixed distance from the true minimum, descent on an l2 penalty coefficient λ by STIC (GD on l̂ + tr(Ĉ Ĥ⁻¹)/N) gives a lower test loss than plain GD for most H (Figure 3, right).';

interface Line { trial: number; optimizer: string; eta: number; w: number | null; lambda: number | null }

/** Per trial: GD's and STIC's unpenalized test losses ½H(w0 + Δw)² and STIC's final λ (NaN where not finite). */
function readCell(dir: string, H: number, w0: number): { gd: Map<number, number>; stic: Map<number, number>; lambda: Map<number, number> } {
  const out = { gd: new Map<number, number>(), stic: new Map<number, number>(), lambda: new Map<number, number>() };
  for (const line of readFileSync(join(dir, 'trials.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as Line;
    const w = r.w === null ? NaN : w0 + r.w;
    const loss = 0.5 * H * w * w;
    if (r.optimizer === 'gd') out.gd.set(r.trial, loss);
    else if (r.optimizer === 'stic') {
      out.stic.set(r.trial, loss);
      out.lambda.set(r.trial, r.lambda === null ? NaN : r.lambda);
    }
  }
  return out;
}

interface Stat { mean: number; stderr: number; n: number; nonFinite: number }

/** Mean and standard error over every value; any non-finite value makes the mean +∞ (a loss ≥ 0 that blew up) with se NaN. */
function stat(values: Iterable<number>): Stat {
  let n = 0, mean = 0, m2 = 0, nonFinite = 0;
  for (const x of values) {
    if (!Number.isFinite(x)) { nonFinite++; continue; }
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  // Means of huge finite values can overflow m2; treat that like a blow-up too.
  if (nonFinite > 0 || !Number.isFinite(m2)) return { mean: Infinity, stderr: NaN, n, nonFinite };
  return { mean: n ? mean : NaN, stderr: n > 1 ? Math.sqrt(m2 / (n - 1) / n) : NaN, n, nonFinite };
}

const point = (x: number, s: Stat): PanelPoint =>
  Number.isFinite(s.mean) ? { x, y: s.mean, stderr: s.stderr, lo: s.mean - Z95 * s.stderr, hi: s.mean + Z95 * s.stderr } : { x, y: NaN };

/** GD's exact expected test loss: w_T = (1−ηH)^T w0 − (1 − (1−ηH)^T)·S·x̄/H, E x̄² = 1/N. */
export function gdExpectedTestLoss(H: number, w0: number, o: { eta: number; T: number; N: number; S: number } = STIC): number {
  const k = Math.pow(1 - o.eta * H, o.T);
  return 0.5 * H * (k * k * w0 * w0 + ((1 - k) * (1 - k) * o.S * o.S) / (o.N * H * H));
}

/** STIC_RULE applied to the checks: per facet, z ≤ −Z_MAX at more than STIC_MOST of the H values. */
export function sticVerdict(checks: readonly PanelCheck[]): Verdict {
  if (checks.length === 0) return 'not run';
  const facets = new Map<string, PanelCheck[]>();
  for (const c of checks) {
    const k = c.facet ?? '';
    facets.set(k, [...(facets.get(k) ?? []), c]);
  }
  for (const cs of facets.values()) {
    const improved = cs.filter((c) => c.z <= -Z_MAX).length;
    if (!(improved > STIC_MOST * cs.length)) return 'disagrees';
  }
  return 'agrees';
}

/**
 * Below this many trials per cell a cell runs in this thread whatever `workers` or `executor` say: a worker
 * pool costs ≈ 1.3 s to start (per simulate, so per cell) against ≈ 6.5 ms per paired trial.
 * Results do not depend on where trials run.
 */
export const STIC_THREAD_MIN = 400;

/** Internal knobs for tests: a smaller grid and the in-thread threshold. */
export interface SticInternals { H?: readonly number[]; w0?: readonly number[]; threadMin?: number }

export async function sticPanel(preset: Preset, o: PanelRunOptions = {}, internals: SticInternals = {}): Promise<PanelResult> {
  const trials = o.trials?.stic ?? trialsFor(preset).stic!;
  const Hs = internals.H ?? STIC.H, w0s = internals.w0 ?? STIC.w0;
  const local = trials < (internals.threadMin ?? STIC_THREAD_MIN);
  const workers = local ? 0 : o.workers;
  const executor = local ? undefined : o.executor;
  const seed = o.seed ?? 0;
  const { N, T, eta, S } = STIC;
  const series: PanelSeries[] = [];
  const checks: PanelCheck[] = [];
  const cells: Record<string, unknown>[] = [];
  const root = mkdtempSync(join(tmpdir(), 'perturb-stic-'));
  try {
    let k = 0;
    for (const w0 of w0s) {
      const facet = `w0 = ${w0} (truth ${w0} away)`;
      const gdPts: PanelPoint[] = [], sticPts: PanelPoint[] = [], diffPts: PanelPoint[] = [], exact: PanelPoint[] = [];
      for (const H of Hs) {
        // One seed per (w0, H) cell, seed + k: shared streams would make the points one correlated draw.
        const cellSeed = seed + k++;
        const dir = join(root, `cell${cellSeed}`);
        await simulate({
          landscape: { spec: sticSpec(H, w0) }, optimizers: ['gd', 'stic'], eta: [eta], N, T, trials, seed: cellSeed, workers, executor, out: dir,
          onProgress: (done, total, phase) => {
            if (phase === 'trials') o.onProgress?.({ panel: 'stic', stage: `gd,stic H=${H} w0=${w0}`, done, total });
          },
        });
        const c = readCell(dir, H, w0);
        const g = stat(c.gd.values()), s = stat(c.stic.values());
        const d = stat([...c.stic].map(([t, x]) => x - (c.gd.get(t) ?? NaN)));
        const lam = stat(c.lambda.values());
        gdPts.push(point(H, g));
        sticPts.push(point(H, s));
        exact.push({ x: H, y: gdExpectedTestLoss(H, w0) });
        // Drawn as GD − STIC so that an improvement is positive (the y axis is logarithmic); the checks keep STIC − GD.
        diffPts.push(Number.isFinite(d.mean) ? { x: H, y: -d.mean, stderr: d.stderr, lo: -d.mean - Z95 * d.stderr, hi: -d.mean + Z95 * d.stderr } : { x: H, y: NaN });
        checks.push(check({ x: H, facet, measured: d.mean, measuredStderr: d.stderr, predicted: 0, predictedStderr: 0, inRange: true }));
        cells.push({
          w0, H, seed: cellSeed, trials, gd: { mean: g.mean, stderr: g.stderr, nonFinite: g.nonFinite }, stic: { mean: s.mean, stderr: s.stderr, nonFinite: s.nonFinite },
          sticMinusGd: { mean: d.mean, stderr: d.stderr, n: d.n, nonFinite: d.nonFinite }, sticLambdaT: { mean: lam.mean, stderr: lam.stderr }, gdExact: gdExpectedTestLoss(H, w0),
        });
      }
      series.push(
        { name: 'GD (measured)', kind: 'measured', points: gdPts, facet },
        { name: 'STIC on λ (measured)', kind: 'measured', points: sticPts, facet },
        { name: 'GD − STIC (paired; drawn where > 0, i.e. STIC better)', kind: 'measured', points: diffPts, facet },
        { name: 'GD exact ½H[(1−ηH)^{2T}w0² + (1−(1−ηH)^T)²C/(NH²)]', kind: 'reference', points: exact, facet },
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const worse = checks.filter((c) => !(c.z <= -Z_MAX)).map((c) => `${c.facet}, H = ${c.x}`);
  return {
    id: 'stic', title: TITLE, claim: CLAIM,
    x: { label: 'curvature H', log: true },
    y: { label: `unpenalized test loss ½H·w_T² after T = ${T} steps (η = ${eta}, N = ${N}, C = ${S * S})`, log: true },
    series, checks,
    verdict: sticVerdict(checks),
    rule: STIC_RULE,
    settings: {
      preset, landscapes: w0s.flatMap((w0) => Hs.map((H) => sticSpec(H, w0))), H: [...Hs], w0: [...w0s], lambda0: 0, S, C: S * S,
      optimizers: ['gd', 'stic'], difference: 'stic − gd per trial (same seed, so the same training set)', eta: [eta], T, N, B: N, trials, seed,
      seeds: 'seed + k for the k-th (w0, H) cell, w0 outer, H inner', initSeed: 0,
      quantity: 'unpenalized test loss ½H·w_T² (the landscape’s test metric includes ½λw²)', improvedWhen: `z ≤ −${Z_MAX}`, most: `> ${STIC_MOST * 100}% of H per facet`,
      notImproved: worse, cells,
    },
    diagrams: [],
    note: 'The paired difference is drawn as GD − STIC on the log axis, so only the H where STIC is better appear in that series; every point, with its sign and z, is in the checks.',
  };
}

/** The `stic` panel, in panels.ts's PanelDefinition shape (its id is 'stic'). */
export const STIC_PANEL: Omit<PanelDefinition, 'id'> & { readonly id: 'stic' } = Object.freeze({ id: 'stic', title: TITLE, claim: CLAIM, run: (preset: Preset, o?: PanelRunOptions) => sticPanel(preset, o) });
