/**
 * @file Engine benchmark (issue 2): the Fashion-MNIST convnet (docs/theory.md §5, P = 4,490) on
 * fixed-seed inputs, each workload timed here and in PyTorch float64 with one thread in the same
 * command. PyTorch runs every formulation a user might write for each workload (flat θ sliced per
 * call or per-layer parameter tensors; double/triple backward or functorch forward-over-reverse;
 * loops, vmap or grouped convolutions for per-sample gradients; bench/torch_engine.py checks they
 * agree before timing); the baseline is the *fastest* of them, and perturb's target is ≤ 1.0× it.
 * Every variant is printed with perturb's ratio to it. Also the memory check: 10^5 HVP calls in a
 * loop with the resident set printed before and after.
 */
import { availableParallelism, loadavg } from 'node:os';
import { compile } from '../src/engine/index.ts';
import { convnetModel } from '../src/landscapes/convnet.ts';
import { convnetInputs } from './convnet-inputs.ts';
import { runTorchBench, torchAvailable } from './torch-run.ts';
import { fmtSeconds, table, timeit } from './timing.ts';

/** perturb's time over the fastest PyTorch formulation's, per workload. */
const TARGET = 1.0;

export async function run(opts: { reps?: number; memoryCalls?: number } = {}): Promise<void> {
  const reps = opts.reps ?? 9;
  const load = loadavg();
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

  process.stderr.write('engine: timing perturb…\n');
  const mine: Record<string, number> = {};
  for (const [name, fn] of Object.entries(ours)) mine[name] = timeit(fn, reps);

  // PyTorch rows are named "workload:variant" (bench/torch_engine.py), one per formulation.
  let torch: Map<string, { variant: string; seconds: number }[]> | null = null;
  let torchVersion = '';
  if (await torchAvailable()) {
    process.stderr.write('engine: timing PyTorch float64 (1 thread), every formulation…\n');
    const t = await runTorchBench(['--shape', 'fmnist', '--reps', String(reps)]);
    torch = new Map();
    for (const r of t.rows) {
      const at = r.name.indexOf(':');
      const workload = at < 0 ? r.name : r.name.slice(0, at), variant = at < 0 ? '' : r.name.slice(at + 1);
      if (!torch.has(workload)) torch.set(workload, []);
      torch.get(workload)!.push({ variant, seconds: r.seconds });
    }
    torchVersion = t.torch;
  }

  const rows: string[][] = [];
  let worst = 0;
  for (const name of Object.keys(ours)) {
    const variants = torch?.get(name) ?? [];
    if (variants.length === 0) {
      rows.push([name, fmtSeconds(mine[name]!), torch ? '(no PyTorch row)' : '(PyTorch not installed)', '-', '-', '-']);
      continue;
    }
    const fastest = variants.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const ratio = mine[name]! / fastest.seconds;
    worst = Math.max(worst, ratio);
    rows.push([name, fmtSeconds(mine[name]!), `fastest: ${fastest.variant}`, fmtSeconds(fastest.seconds), `${ratio.toFixed(2)}×`, `≤ ${TARGET.toFixed(1)}× fastest ${ratio <= TARGET ? 'met' : 'MISSED'}`]);
    for (const v of variants) {
      rows.push(['', '', `  ${v.variant}${v === fastest ? ' ← fastest' : ''}`, fmtSeconds(v.seconds), `${(mine[name]! / v.seconds).toFixed(2)}×`, '']);
    }
  }
  console.log(`\nEngine: Fashion-MNIST convnet, P = ${model.P}, float64, one thread${torch ? `; PyTorch ${torchVersion}, every formulation checked against flat-θ autograd (rel. < 1e-10) before timing` : ''}`);
  console.log(table(['workload', 'perturb', 'PyTorch formulation', 'PyTorch', 'perturb/PyTorch', 'target'], rows));
  if (torch) console.log(`largest ratio against the fastest PyTorch formulation: ${worst.toFixed(2)}× (target ≤ ${TARGET.toFixed(1)}×); load average ${load.map((x) => x.toFixed(2)).join(', ')} before the runs, ${loadavg().map((x) => x.toFixed(2)).join(', ')} after, on ${availableParallelism()} cores`);
  else console.log('(install Debian python3-torch for the side-by-side: apt-get install python3-torch)');

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
