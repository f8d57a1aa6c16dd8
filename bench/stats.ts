/**
 * @file Stats benchmark (issue 5): every order-3 test-loss diagram value of the Fashion-MNIST
 * convnet (`fmnist-convnet`, θ₀ = init(1), P = 4,490) estimated in sampled mode, draws per second
 * of perturb (`sampleChunk`, in-process, one thread) against a PyTorch float64 implementation of
 * the same estimator (bench/torch_stats.py, one thread) run in the same command. Target ≥ 1.0×.
 *
 * Same estimator, same inputs: this file writes θ₀, the diagrams (parent/part arrays) and the
 * pools of the first draws of perturb's sample stream to a temporary JSON file; torch_stats.py
 * contracts every diagram with autograd, memoizing covectors under the keys `Contractor` uses, so
 * both do the same gradient / HVP / ∇D² evaluations per draw (counted on both sides and printed).
 * Its per-draw values on the first draws must equal perturb's to 1e-10 relative.
 *
 * Timing: draws per second, median of 3 repetitions of ~1.5 s each after warm-up, on each side.
 * perturb's draws include drawing the pool from the 70,000 images; PyTorch's reuse pools already
 * in memory (cycling through the recorded ones), which can only favour PyTorch.
 * Run alone: `npm run bench -- stats`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Batch, Program } from '../src/engine/index.ts';
import { resolveLandscape } from '../src/landscapes/index.ts';
import { emptyMoments, mergeMoments, rng, split, standardErrors } from '../src/core/index.ts';
import { sampleChunk, type StatsSource } from '../src/stats/index.ts';
import { neededDiagrams } from '../src/theory/index.ts';
import { PYTHON, torchAvailable } from './torch-run.ts';
import { table } from './timing.ts';

const SCRIPT = fileURLToPath(new URL('./torch_stats.py', import.meta.url));
const SEED = 20240605;
/** Pools recorded for PyTorch (it cycles through them while timing). */
const POOLS = 8;
/** Draws whose values are compared between the two implementations. */
const CHECK = 4;
const TOLERANCE = 1e-10;

interface TorchResult {
  torch: string;
  threads: number;
  drawsPerSecond: number;
  rates: number[];
  drawsPerRep: number;
  evaluationsPerDraw: Record<string, number>;
  values: number[][];
}

const b64 = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The program with its derivative calls counted by kind ("grad D1" = one ∇(D¹l[u]), "D2" = one D²l[u,v]). */
function countingProgram(prog: Program, counts: Record<string, number>): Program {
  const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  return new Proxy(prog, {
    get(target, name) {
      if (name === 'gradDerivative') {
        return (theta: Float64Array, dirs: readonly Float64Array[], ...rest: never[]) => {
          bump(`grad D${dirs.length}`);
          return target.gradDerivative(theta, dirs, ...rest);
        };
      }
      if (name === 'derivative') {
        return (theta: Float64Array, dirs: readonly Float64Array[], ...rest: never[]) => {
          bump(`D${dirs.length}`);
          return target.derivative(theta, dirs, ...rest);
        };
      }
      const v = Reflect.get(target, name, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const fmtCounts = (c: Record<string, number>, per = 1) =>
  Object.keys(c).sort().map((k) => `${c[k]! / per} ${k}`).join(', ');

export async function run(opts: { reps?: number; target?: number } = {}): Promise<void> {
  const reps = opts.reps ?? 3;
  const target = opts.target ?? 1.5;
  process.stderr.write('stats: loading fmnist-convnet (the first run builds the Fashion-MNIST cache)…\n');
  const land = await resolveLandscape('fmnist-convnet');
  const theta = land.init(1);
  const ds = neededDiagrams(3, 'test');
  const pool = Math.max(...ds.map((d) => d.parts.length));
  const prog = land.program();

  // 1. The first POOLS draws of the stream rng(SEED), one sampleChunk call each, recording the
  //    pools that sampleChunk draws and counting the engine calls it makes.
  const pools: Batch[] = [];
  const counts: Record<string, number> = {};
  const counted = countingProgram(prog, counts);
  const recording: StatsSource = {
    P: land.P,
    program: () => counted,
    sample: (r, n) => {
      const b = land.sample(r, n);
      pools.push(b);
      return b;
    },
  };
  const r0 = rng(SEED);
  const ourValues: number[][] = [];
  let t = performance.now();
  for (let s = 0; s < POOLS; s++) ourValues.push(sampleChunk(recording, theta, ds, r0, 1).mean);
  const roughRate = POOLS / ((performance.now() - t) / 1000);

  // 2. perturb's timing: sampleChunk as `perturb stats` runs it on one thread.
  process.stderr.write('stats: timing perturb (1 thread)…\n');
  // Warm-up: ~0.5 s, then ~0.5 s more that measures the rate setting the draws per repetition.
  const warm = Math.max(1, Math.round(roughRate * 0.5));
  sampleChunk(land, theta, ds, split(SEED, 1000), warm);
  t = performance.now();
  sampleChunk(land, theta, ds, split(SEED, 1001), warm);
  const inner = Math.max(1, Math.round((warm / ((performance.now() - t) / 1000)) * target));
  const rates: number[] = [];
  const all = emptyMoments(ds.length);
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    const m = sampleChunk(land, theta, ds, split(SEED, r), inner);
    rates.push(inner / ((performance.now() - t) / 1000));
    mergeMoments(all, m);
  }
  const ours = median(rates);

  // 3. PyTorch on the same θ₀ and pools.
  let torch: TorchResult | null = null;
  if (await torchAvailable()) {
    process.stderr.write('stats: PyTorch float64 (1 thread) on the same θ₀ and pools…\n');
    const dir = mkdtempSync(join(tmpdir(), 'perturb-bench-stats-'));
    try {
      const file = join(dir, 'input.json');
      const [C, H, W] = land.data['x']!;
      const px = C! * H! * W!;
      const images = new Float64Array(POOLS * pool * px);
      const labels = new Float64Array(POOLS * pool);
      pools.forEach((b, s) => {
        images.set(b['x']!.subarray(0, pool * px), s * pool * px);
        labels.set(b['label']!.subarray(0, pool), s * pool);
      });
      writeFileSync(file, JSON.stringify({
        P: land.P,
        image: [C, H, W],
        theta: b64(theta),
        diagrams: ds.map((d) => ({ key: d.key, parent: d.parent, part: d.part })),
        pool,
        draws: POOLS,
        images: b64(images),
        labels: b64(labels),
      }));
      const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, file, '--check', String(CHECK), '--reps', String(reps), '--target', String(target)], {
        timeout: 5 * 60_000,
        maxBuffer: 1 << 24,
      });
      torch = JSON.parse(stdout.trim().split('\n').pop() ?? '') as TorchResult;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // Report.
  const se = standardErrors(all);
  const relDiff = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
  const keyDiff = ds.map((_, k) => (torch ? Math.max(...torch.values.map((tv, s) => relDiff(ourValues[s]![k]!, tv[k]!))) : NaN));
  console.log(`\nStats: fmnist-convnet (P = ${land.P}, θ₀ = init(1)), order 3, test loss: ${ds.length} diagram values, sampled mode (one sample per part, pool of ${pool})`);
  const header = ['key', `mean (perturb, ${all.n} draws)`, 'std. error'];
  if (torch) header.push(`max rel. diff vs PyTorch (${torch.values.length} draws)`);
  console.log(table(header, ds.map((d, k) => {
    const row = [d.key, all.mean[k]!.toExponential(4), se[k]!.toExponential(2)];
    if (torch) row.push(keyDiff[k]!.toExponential(1));
    return row;
  })));
  console.log(`\nengine calls per draw, perturb: ${fmtCounts(counts, POOLS)}`);
  if (torch) console.log(`engine calls per draw, PyTorch: ${fmtCounts(torch.evaluationsPerDraw)}`);
  const rows = [['perturb (sampleChunk, 1 thread)', ours.toFixed(1), rates.map((x) => x.toFixed(1)).join(' '), String(inner)]];
  if (torch) rows.push([`PyTorch ${torch.torch} float64 (${torch.threads} thread)`, torch.drawsPerSecond.toFixed(1), torch.rates.map((x) => x.toFixed(1)).join(' '), String(torch.drawsPerRep)]);
  console.log('');
  console.log(table(['implementation', 'draws/s (median)', 'repetitions', 'draws/rep'], rows));
  if (!torch) {
    console.log('PyTorch is not installed (/usr/bin/python3 cannot import torch): no side-by-side. apt-get install python3-torch');
    return;
  }
  const ratio = ours / torch.drawsPerSecond;
  const worst = Math.max(...keyDiff);
  const sameCalls = fmtCounts(counts, POOLS) === fmtCounts(torch.evaluationsPerDraw);
  console.log(`ours/theirs (speed): ${ratio.toFixed(2)}×, target ≥ 1.0×: ${ratio >= 1 ? 'met' : 'NOT met'}`);
  console.log(`same estimator: per-draw values of the first ${torch.values.length} draws agree to ${worst.toExponential(1)} relative (tolerance ${TOLERANCE}): ${worst <= TOLERANCE ? 'yes' : 'NO'}; same engine calls per draw: ${sameCalls ? 'yes' : 'NO'}`);
}
