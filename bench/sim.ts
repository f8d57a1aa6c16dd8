/**
 * @file Simulation benchmark (issue 6). The Fashion-MNIST convnet (`fmnist-convnet`, θ₀ =
 * init(0), P = 4,490), batch-1 SGD with T = 10 steps on N = 10 images, test loss on 32 fresh
 * images per trial (the increment over θ₀ on them plus the exact l(θ₀)), η = 0.01:
 *
 * - trials per second of `simulate` with 1 worker thread against the *fastest* of several PyTorch
 *   float64 formulations of the same trial (bench/torch_sim.py, one thread: a loop over trials with
 *   flat θ or per-layer tensors, R trials in lockstep by functorch.vmap or grouped convolutions, …;
 *   one row each) in the same command — target ≥ 2.0× the fastest (issue 14), judged on the median
 *   of five interleaved rounds (perturb, then at once PyTorch's three fastest); and with 2 workers
 *   against 1 — target ≥ 1.8× (needs 2 idle cores);
 * - the per-trial metrics of the first trials computed by perturb and by every PyTorch formulation
 *   from the same image indices (perturb draws them from its streams and hands them to PyTorch),
 *   which must agree to 1e-10;
 * - memory: 5 runs of 2,000 trials in this thread, live memory (V8 heap plus typed arrays, after a
 *   full collection) and the resident set after each — a leak grows the former run by run;
 * - ARCHIMEDES: the drift along z per step against η²/6 at η = 0.01, 0.02, 0.05, 0.1 (batch-1 SGD,
 *   one epoch, T = 10^4), with its relative deviation.
 *
 * Timing: perturb's rate is measured in steady state inside `simulate` (trials delivered between
 * 20% and 90% of the run, from the progress callback; thread start-up, the tail where fewer
 * chunks than threads are left, and the one l(θ₀) pass
 * over the 70,000 images excluded, the latter timed separately). PyTorch's, per formulation, is the
 * median of repetitions after warm-up, its indices drawn by torch's generator. Both read the same
 * Fashion-MNIST bytes (perturb's binary cache). Run alone: `npm run bench -- sim`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fashionMnistCacheFile } from '../src/data/index.ts';
import { drawAtoms, resolveLandscape, type Landscape } from '../src/landscapes/index.ts';
import { split } from '../src/core/index.ts';
import { simulate, STREAM, type SimulationResult } from '../src/sim/index.ts';
import { PYTHON, torchAvailable } from './torch-run.ts';
import { simdScaling } from './simd-probe.ts';
import { simulationClock, table } from './timing.ts';

const SCRIPT = fileURLToPath(new URL('./torch_sim.py', import.meta.url));
const SEED = 20240606;
const SETTINGS = { optimizers: ['sgd' as const], eta: [0.01], N: 10, B: 1, T: 10, testPoints: 32 };
const CHECK = 4;
const TOLERANCE = 1e-10;
/** Issue 14: perturb with 1 worker against the fastest PyTorch formulation. */
const TARGET = 2.0;
/**
 * Interleaved rounds: this VM's speed drifts by tens of per cent within minutes (other tenants on
 * the sibling hyperthreads; see the SIMD probe), so two runs minutes apart compare two machines.
 * Each round times perturb and then, at once, PyTorch's three fastest formulations; the verdict is
 * the median of the rounds' ratios.
 */
const ROUNDS = 5;
const ROUND_TRIALS = 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface TorchFormulation {
  name: string;
  trialsPerSecond: number;
  rates: number[];
  /** Trials per call: 1 for a loop over trials, R for R trials in lockstep. */
  trialsPerBatch: number;
  check: Record<string, number>[];
}

interface TorchResult {
  torch: string;
  threads: number;
  data: string;
  trialsPerSecond: number;
  rates: number[];
  trialsPerRep: number;
  check: Record<string, number>[];
  theta0Loss: number;
  theta0LossSeconds: number;
  formulations: TorchFormulation[];
  /** Name of the fastest formulation: the baseline perturb is judged by. */
  fastest: string;
}

interface Timed {
  result: SimulationResult;
  trialsPerSecond: number;
  theta0Seconds: number;
  dir: string;
}

/** One `simulate` run, with its steady-state trials per second and the l(θ₀) pass's time. */
async function timedRun(land: Landscape, workers: number, trials: number): Promise<Timed> {
  const dir = mkdtempSync(join(tmpdir(), 'perturb-bench-sim-'));
  const clock = simulationClock(trials);
  const result = await simulate({
    landscape: land, ...SETTINGS, trials, seed: SEED, workers, out: dir, chunkSize: 16,
    onProgress: clock.onProgress,
    theta0Cache: false, // time the pass itself, not a read of an earlier run's cache file
  });
  return { result, trialsPerSecond: clock.trialsPerSecond(), theta0Seconds: clock.theta0Seconds() ?? 0, dir };
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

export async function run(opts: { trials?: number; torchTrials?: number; archimedesTrials?: number } = {}): Promise<void> {
  const trials = opts.trials ?? 1200;
  const load = loadavg();
  process.stderr.write('sim: loading fmnist-convnet…\n');
  const land = await resolveLandscape('fmnist-convnet');
  const theta0 = land.init(0);

  process.stderr.write(`sim: perturb, ${trials} trials with 1 worker, then 2…\n`);
  const rss0 = process.memoryUsage().rss;
  const one = await timedRun(land, 1, trials);
  const two = await timedRun(land, 2, trials);
  const rssAfter = process.memoryUsage().rss;
  const same = ['trials.jsonl', 'summary.json', 'summary.csv'].every((f) => readFileSync(join(one.dir, f), 'utf8') === readFileSync(join(two.dir, f), 'utf8'));
  const l0 = one.result.testLoss.theta0Loss!;

  // The first trials' image indices, from the streams perturb drew them from.
  const atoms = land.atoms!();
  const check = Array.from({ length: CHECK }, (_, i) => ({
    train: Array.from(drawAtoms(atoms, split(SEED, i, STREAM.DATA), SETTINGS.N)),
    test: Array.from(drawAtoms(atoms, split(SEED, i, STREAM.TEST), SETTINGS.testPoints)),
  }));
  const ours = readFileSync(join(one.dir, 'trials.jsonl'), 'utf8').trim().split('\n').slice(0, CHECK).map((l) => JSON.parse(l) as Record<string, number>);

  let torch: TorchResult | null = null;
  const rounds: { ours: number; theirs: number; name: string }[] = [];
  if (await torchAvailable()) {
    process.stderr.write('sim: PyTorch float64 (1 thread)…\n');
    const tmp = mkdtempSync(join(tmpdir(), 'perturb-bench-sim-torch-'));
    const input = join(tmp, 'input.json');
    writeFileSync(input, JSON.stringify({
      P: land.P, image: [1, 28, 28], count: atoms.count, cache: fashionMnistCacheFile(),
      theta: Buffer.from(theta0.buffer, theta0.byteOffset, theta0.byteLength).toString('base64'),
      theta0Loss: l0, N: SETTINGS.N, T: SETTINGS.T, eta: SETTINGS.eta[0], testPoints: SETTINGS.testPoints, check,
    }));
    try {
      const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, input, '--trials', String(opts.torchTrials ?? 200)], { timeout: 20 * 60_000, maxBuffer: 1 << 24 });
      torch = JSON.parse(stdout.trim().split('\n').pop()!) as TorchResult;
      // Interleaved rounds: perturb, then at once PyTorch's three fastest formulations, ROUNDS times.
      const top = [...torch.formulations].sort((a, b) => b.trialsPerSecond - a.trialsPerSecond).slice(0, 3).map((f) => f.name);
      for (let r = 0; r < ROUNDS; r++) {
        process.stderr.write(`sim: interleaved round ${r + 1} of ${ROUNDS}: perturb (1 worker), then PyTorch ${top.join(', ')}…\n`);
        const o = await timedRun(land, 1, ROUND_TRIALS);
        rmSync(o.dir, { recursive: true, force: true });
        const { stdout: out } = await promisify(execFile)(PYTHON, [SCRIPT, input, '--trials', '200', '--reps', '1', '--only', top.join(',')], { timeout: 20 * 60_000, maxBuffer: 1 << 24 });
        const t = JSON.parse(out.trim().split('\n').pop()!) as TorchResult;
        const best = t.formulations.reduce((a, b) => (b.trialsPerSecond > a.trialsPerSecond ? b : a));
        rounds.push({ ours: o.trialsPerSecond, theirs: best.trialsPerSecond, name: best.name });
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  const fastest = torch ? torch.formulations.find((f) => f.name === torch!.fastest)! : null;
  console.log(`\nSimulation: fmnist-convnet (P = ${land.P}), batch-1 SGD, N = 10, T = 10, η = 0.01, test loss on 32 fresh images; float64${torch ? `; PyTorch ${torch.torch}, ${torch.threads} thread, data: ${torch.data}` : ''}`);
  const rows: string[][] = [
    ['perturb, 1 worker', one.trialsPerSecond.toFixed(1), fastest ? `${(one.trialsPerSecond / fastest.trialsPerSecond).toFixed(2)}× fastest PyTorch (${fastest.name})` : '-', `≥ ${TARGET.toFixed(1)}× fastest PyTorch`],
    ['perturb, 2 workers', two.trialsPerSecond.toFixed(1), `${(two.trialsPerSecond / one.trialsPerSecond).toFixed(2)}× 1 worker`, '≥ 1.8× 1 worker'],
  ];
  for (const f of torch?.formulations ?? []) {
    rows.push([
      `PyTorch ${f.name}, 1 thread, ${f.trialsPerBatch} trial${f.trialsPerBatch === 1 ? '' : 's'}/call`,
      f.trialsPerSecond.toFixed(1),
      `perturb ${(one.trialsPerSecond / f.trialsPerSecond).toFixed(2)}×; reps: ${f.rates.map((r) => r.toFixed(1)).join(', ')}`,
      f === fastest ? '← fastest: the baseline' : '',
    ]);
  }
  console.log(table(['implementation', 'trials/s', 'ratio', 'target'], rows));
  if (rounds.length) {
    const ratios = rounds.map((r) => r.ours / r.theirs);
    const med = median(ratios);
    console.log(`interleaved rounds (perturb ${ROUND_TRIALS} trials, 1 worker, then at once PyTorch's three fastest, 200 trials each): ${rounds.map((r, i) => `${i + 1}) ${r.ours.toFixed(1)} vs ${r.theirs.toFixed(1)} (${r.name}) = ${(r.ours / r.theirs).toFixed(2)}×`).join('; ')}`);
    console.log(`perturb ÷ fastest PyTorch, median over the ${rounds.length} interleaved rounds: ${med.toFixed(2)}× (target ≥ ${TARGET.toFixed(1)}×): ${med >= TARGET ? 'met' : 'NOT met'}; the table's single runs: ${fastest ? (one.trialsPerSecond / fastest.trialsPerSecond).toFixed(2) : '-'}×`);
  }
  console.log(`load average before the runs: ${load.map((x) => x.toFixed(2)).join(', ')} on ${availableParallelism()} cores (2 workers need 2 idle cores); after: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
  const probe = await simdScaling();
  console.log(`SIMD arithmetic on this machine: two processes of an L1-resident WebAssembly GEMM loop do ${probe.ratio.toFixed(2)}× the work of one (${probe.one.toFixed(2)} s alone, ${probe.two.map((t) => t.toFixed(2)).join(' and ')} s side by side); below ≈ 1.8 the cores share their SIMD units and 2 workers cannot reach 1.8×`);
  console.log(`files identical for 1 and 2 workers: ${same ? 'yes' : 'NO'}`);
  console.log(`perturb's resident set: ${mb(rss0)} before the timed runs, ${mb(rssAfter)} after them (their worker threads' heaps included)`);
  // Memory over a long run, in this thread (no worker heaps coming and going): equal runs one
  // after another. A leak shows as live memory (V8's heap and the typed arrays outside it, after
  // a full collection) growing run by run; the resident set alone also holds freed pages the
  // allocator has not returned, so it is printed beside them.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const live = () => {
    gc();
    const m = process.memoryUsage();
    return `live ${mb(m.heapUsed + m.arrayBuffers)} (heap ${mb(m.heapUsed)}, typed arrays ${mb(m.arrayBuffers)}), resident ${mb(m.rss)}`;
  };
  const RUNS = 5, PER_RUN = 2000;
  const mem: string[] = [`before: ${live()}`];
  for (let r = 0; r < RUNS; r++) {
    const d = mkdtempSync(join(tmpdir(), 'perturb-bench-sim-rss-'));
    await simulate({ landscape: land, ...SETTINGS, trials: PER_RUN, seed: SEED + 1000 + r, workers: 0, out: d, theta0Cache: false });
    rmSync(d, { recursive: true, force: true });
    mem.push(`after ${((r + 1) * PER_RUN).toLocaleString('en')}: ${live()}`);
  }
  console.log(`memory over ${RUNS} runs of ${PER_RUN.toLocaleString('en')} trials in this thread (each with its l(θ₀) pass), after a full collection:\n  ${mem.join('\n  ')}`);
  console.log(`l(θ₀) over 70,000 images: perturb ${one.theta0Seconds.toFixed(2)} s (1 worker), ${two.theta0Seconds.toFixed(2)} s (2 workers)${torch ? `; PyTorch ${torch.theta0LossSeconds.toFixed(2)} s (batched, 1 thread, each image's loss kept); values ${l0} vs ${torch.theta0Loss} (rel. ${rel(l0, torch.theta0Loss).toExponential(1)})` : ''}`);
  if (torch) {
    // every formulation on the same image indices: each must reproduce perturb's metrics
    const worstOf = (f: TorchFormulation) => {
      let worst = 0;
      for (let i = 0; i < CHECK; i++) for (const m of ['test', 'train', 'gap', 'test-increase']) worst = Math.max(worst, rel(ours[i]![m]!, f.check[i]![m]!));
      return worst;
    };
    const each = torch.formulations.map((f) => [f.name, worstOf(f)] as const);
    const worst = Math.max(...each.map(([, w]) => (Number.isNaN(w) ? Infinity : w)));
    console.log(`per-trial metrics of the first ${CHECK} trials, same image indices: largest relative difference ${worst.toExponential(2)} over ${each.length} PyTorch formulations (limit ${TOLERANCE}) ${worst <= TOLERANCE ? 'ok' : 'FAILED'}`);
    console.log(`  ${each.map(([n, w]) => `${n} ${w.toExponential(1)}`).join(', ')}`);
    if (!(worst <= TOLERANCE)) process.exitCode = 1;
  } else console.log('(install Debian python3-torch for the side-by-side: apt-get install python3-torch)');
  rmSync(one.dir, { recursive: true, force: true });
  rmSync(two.dir, { recursive: true, force: true });

  // ARCHIMEDES: drift along z per step against η²/6
  const K = opts.archimedesTrials ?? 200, T = 10_000;
  process.stderr.write(`sim: ARCHIMEDES, ${K} trials of T = 10^4 at η = 0.01, 0.02, 0.05, 0.1 (2 workers)…\n`);
  const etas = [0.01, 0.02, 0.05, 0.1];
  const arch = await simulate({ landscape: { spec: 'archimedes' }, optimizers: ['sgd'], eta: etas, N: T, T, trials: K, seed: 1, workers: 2 });
  console.log(`\nARCHIMEDES: z displacement per step, batch-1 SGD, one epoch, T = 10^4, ${K} trials (docs/theory.md §4: η²/6)`);
  console.log(table(['η', 'measured', '± stderr', 'η²/6', 'relative deviation', 'deviation / η'], etas.map((eta) => {
    const z = arch.summary.find((r) => r.eta === eta && r.metric === 'z')!;
    const want = (eta * eta) / 6, got = z.mean! / T, se = z.stderr! / T;
    const dev = got / want - 1;
    return [String(eta), got.toExponential(4), se.toExponential(1), want.toExponential(4), `${(dev * 100).toFixed(2)}% ± ${((se / want) * 100).toFixed(2)}%`, (dev / eta).toFixed(2)];
  })));
}

