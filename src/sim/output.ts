/**
 * @file What a simulation writes: per-trial results as JSON lines, the summary as JSON and CSV.
 *
 * trials.jsonl — one line per (trial, optimizer, η), in trial order then cell order:
 *   {"trial":0,"optimizer":"sgd","eta":0.01,"test":…,"train":…,"gap":…,"test-increase":…,"z":…}
 *   A non-finite value is written as null (JSON has no NaN); such a value is counted as
 *   diverged in the summary.
 * summary.json — which perturb made it (version, commit), the settings, how the test loss and
 *   SDE noise were obtained, and the rows of `summary` and `differences` (SummaryRow,
 *   DifferenceRow).
 * summary.csv — the same rows, one per line: kind (summary | difference), optimizer, minus,
 *   eta, T, N, B, E, shuffle, metric, mean, stderr, ci95_lo, ci95_hi, trials, diverged,
 *   stderr_unpaired, and perturb_version, perturb_commit (the same on every row: CSV has no
 *   place for a header comment, and a column keeps each row traceable where it is copied to).
 * trials.jsonl carries no provenance per line; its summary.json beside it says it.
 * Numbers are written in JavaScript's shortest round-trip form, so files are byte-identical
 * for identical results.
 */
import { provenance, type Provenance } from '../core/index.ts';
import type { DifferenceRow, SummaryRow } from './aggregate.ts';
import type { SimConfig } from './config.ts';

/** The JSONL lines of trials [start, start + count) from their values. */
export function trialLines(c: SimConfig, start: number, values: Float64Array): string {
  const w = c.width;
  const count = values.length / w;
  let s = '';
  for (let t = 0; t < count; t++) {
    for (const cell of c.cells) {
      let line = `{"trial":${start + t},"optimizer":"${cell.optimizer}","eta":${JSON.stringify(cell.eta)}`;
      cell.metrics.forEach((m, j) => {
        const v = values[t * w + cell.offset + j]!;
        line += `,"${m}":${Number.isFinite(v) ? JSON.stringify(v) : 'null'}`;
      });
      s += line + '}\n';
    }
  }
  return s;
}

export interface SimulationResult {
  /** Which perturb wrote it: version and git commit. */
  perturb: Provenance;
  landscape: string;
  settings: {
    optimizers: string[];
    eta: number[];
    T: number;
    N: number;
    B: number;
    E: number | null;
    shuffle: string | null;
    trials: number;
    seed: number;
    initSeed: number | null;
    randomInit: boolean;
    testPoints: number | null;
    sdeSubsteps: number | null;
    sdeSamples: number | null;
  };
  /** How the test loss was measured, and l(θ₀) where it is one number for the run. */
  testLoss: { method: string; theta0Loss: number | null };
  /** Where SDE's noise came from (null without sde). */
  sdeNoise: string | null;
  /** Each optimizer minus this one, per trial, at the same η. */
  differencesAgainst: string | null;
  summary: SummaryRow[];
  differences: DifferenceRow[];
  /**
   * Where this run's l_a(θ₀) of every atom came from, for runs whose test loss keeps them (one
   * pass over the atoms; absent otherwise). Returned by simulate only, never written to
   * summary.json: the files are the same bytes wherever l(θ₀) came from.
   */
  theta0Pass?: Theta0PassReport;
}

/** Where a simulation's per-atom l_a(θ₀) came from. */
export interface Theta0PassReport {
  /** `computed`: the pass ran now; `cache`: read from the θ₀ cache; `memory`: this process had it from an earlier pass at the same θ₀. */
  source: 'computed' | 'cache' | 'memory';
  /** The θ₀ cache file read, or written after the pass; null where none was (cache off, a landscape it cannot key, a directory that cannot take it). */
  cacheFile: string | null;
  /** What the cache did, for a person, e.g. `read from …` or `computed; stored in … (the entry there was made for another key (its code differ))`. */
  cache: string;
}

export function resultOf(c: SimConfig, theta0Loss: number | undefined, rows: { summary: SummaryRow[]; differences: DifferenceRow[] }): SimulationResult {
  const sde = c.optimizers.includes('sde');
  return {
    perturb: provenance(),
    landscape: c.landscape,
    settings: {
      optimizers: c.optimizers, eta: c.eta, T: c.T, N: c.N, B: c.B, E: c.E, shuffle: c.shuffle,
      trials: c.trials, seed: c.seed, initSeed: c.randomInit ? null : c.initSeed, randomInit: c.randomInit,
      testPoints: c.test.mode === 'estimated' ? c.test.points : null,
      sdeSubsteps: sde ? c.sdeSubsteps : null, sdeSamples: sde ? c.sdeSamples : null,
    },
    testLoss: { method: c.test.description, theta0Loss: theta0Loss ?? null },
    sdeNoise: c.sdeNoise,
    differencesAgainst: c.optimizers.length > 1 ? c.optimizers[0]! : null,
    summary: rows.summary,
    differences: rows.differences,
  };
}

const csvNum = (x: number | null) => (x === null ? '' : JSON.stringify(x));

export function summaryCsv(r: SimulationResult): string {
  const head = 'kind,optimizer,minus,eta,T,N,B,E,shuffle,metric,mean,stderr,ci95_lo,ci95_hi,trials,diverged,stderr_unpaired,perturb_version,perturb_commit';
  const row = (kind: string, x: SummaryRow, minus: string, unpaired: number | null) =>
    [kind, x.optimizer, minus, csvNum(x.eta), x.T, x.N, x.B, csvNum(x.E), x.shuffle ?? '', x.metric, csvNum(x.mean), csvNum(x.stderr),
      csvNum(x.ci95?.[0] ?? null), csvNum(x.ci95?.[1] ?? null), x.trials, x.diverged, csvNum(unpaired), r.perturb.version, r.perturb.commit ?? ''].join(',');
  return [head, ...r.summary.map((x) => row('summary', x, '', null)), ...r.differences.map((x) => row('difference', x, x.minus, x.stderrUnpaired))].join('\n') + '\n';
}
