/**
 * @file Engine benchmark (issue 2): the Fashion-MNIST convnet (docs/theory.md §5, P = 4,490) on
 * fixed-seed inputs, each workload timed here and in PyTorch float64 with one thread in the same
 * command; prints our/their ratio per row. Also the memory check: 10^5 HVP calls in a loop with
 * the resident set printed before and after.
 */
import { loadavg } from 'node:os';
import { compile } from '../src/engine/index.ts';
import { convnetModel } from '../src/landscapes/convnet.ts';
import { convnetInputs } from './convnet-inputs.ts';
import { runTorchBench, torchAvailable } from './torch-run.ts';
import { fmtSeconds, table, timeit } from './timing.ts';

export async function run(opts: { reps?: number; memoryCalls?: number } = {}): Promise<void> {
  const reps = opts.reps ?? 9;
  const model = convnetModel([1, 28, 28]);
  const prog = compile(model.loss, { P: model.P, data: model.data });
  const inp = convnetInputs(1);
  const B = 64;
  const batch = { x: inp.images, label: Float64Array.from(inp.labels) };
  const sample = (i: number) => ({ x: inp.images.subarray(i * 784, (i + 1) * 784), label: inp.labels[i]! });
  const s0 = sample(0);
  const out = new Float64Array(model.P);
  const perSample = new Float64Array(B * model.P);
  const sgdTheta = Float64Array.from(inp.theta);
  const samples = Array.from({ length: B }, (_, i) => sample(i));
  let step = 0;
  const eta = 0.01;

  const ours: Record<string, () => unknown> = {
    'grad-1': () => prog.valueAndGrad(inp.theta, s0, out),
    'per-sample-grad-64': () => prog.valuesAndGrads(inp.theta, batch, perSample),
    'hvp-1': () => prog.gradDerivative(inp.theta, [inp.u], s0, out),
    'hvp-mean-64': () => prog.meanGradDerivative(inp.theta, [inp.u], batch, out),
    'grad-d2-1': () => prog.gradDerivative(inp.theta, [inp.u, inp.v], s0, out),
    'sgd-step-1': () => {
      const g = prog.valueAndGrad(sgdTheta, samples[step++ % B]!, out).grad;
      for (let i = 0; i < g.length; i++) sgdTheta[i]! -= eta * g[i]!;
    },
  };
  // Which PyTorch rows each of ours is compared with.
  // Every formulation bench/torch_engine.py times for the row: flat θ sliced per call, per-layer
  // parameter tensors, vmap, forward-over-reverse (jvp of grad). The ratio that counts is
  // against the fastest (issue 14: ≤ 1.0×).
  const against: Record<string, string[]> = {
    'grad-1': ['grad-1', 'grad-1-layers'],
    'per-sample-grad-64': ['per-sample-grad-64-loop', 'per-sample-grad-64-vmap'],
    'hvp-1': ['hvp-1', 'hvp-1-layers', 'hvp-1-jvp'],
    'hvp-mean-64': ['hvp-mean-64', 'hvp-mean-64-layers', 'hvp-mean-64-jvp'],
    'grad-d2-1': ['grad-d2-1', 'grad-d2-1-jvp'],
    'sgd-step-1': ['sgd-step-1', 'sgd-step-1-layers'],
  };

  process.stderr.write('engine: timing perturb…\n');
  const mine: Record<string, number> = {};
  for (const [name, fn] of Object.entries(ours)) mine[name] = timeit(fn, reps);

  let torch: Record<string, number> | null = null;
  let torchVersion = '';
  if (await torchAvailable()) {
    process.stderr.write('engine: timing PyTorch float64 (1 thread)…\n');
    const t = await runTorchBench(['--shape', 'fmnist', '--reps', String(reps)]);
    torch = Object.fromEntries(t.rows.map((r) => [r.name, r.seconds]));
    torchVersion = t.torch;
  }

  const rows: string[][] = [];
  let worst = 0;
  for (const [name, theirs] of Object.entries(against)) {
    const times = theirs.map((t) => torch?.[t]).filter((t): t is number => t !== undefined);
    const fastest = times.length ? Math.min(...times) : undefined;
    if (fastest) worst = Math.max(worst, mine[name]! / fastest);
    for (const tname of theirs) {
      const t = torch?.[tname];
      rows.push([name, fmtSeconds(mine[name]!), t ? `${tname} ${fmtSeconds(t)}${t === fastest ? ' (fastest)' : ''}` : '(PyTorch not installed)', t ? `${(mine[name]! / t).toFixed(2)}×` : '-']);
    }
  }
  console.log(`\nEngine: Fashion-MNIST convnet, P = ${model.P}, float64, one thread${torch ? `; PyTorch ${torchVersion}` : ''}; load average ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
  console.log(table(['workload', 'perturb', 'PyTorch', 'ours/theirs'], rows));
  if (torch) console.log(`largest ratio against a row's fastest PyTorch formulation: ${worst.toFixed(2)}× (target ≤ 1.0×) ${worst <= 1 ? 'ok' : 'NOT MET'}`);
  if (!torch) console.log('(install Debian python3-torch for the side-by-side: apt-get install python3-torch)');

  // Memory: the executable's buffers are allocated once; repeated calls must not grow the RSS.
  const calls = opts.memoryCalls ?? 100_000;
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  for (let i = 0; i < 1000; i++) prog.gradDerivative(inp.theta, [inp.u], s0, out);
  const before = process.memoryUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) prog.gradDerivative(inp.theta, [inp.u], s0, out);
  const after = process.memoryUsage();
  console.log(
    `\nMemory: ${calls.toLocaleString('en')} HVP calls in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
      `RSS ${mb(before.rss)} before, ${mb(after.rss)} after (${after.rss >= before.rss ? '+' : ''}${mb(after.rss - before.rss)}); ` +
      `heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
