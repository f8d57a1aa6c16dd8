/**
 * @file The simulation machinery: config checks name the flag; trials are paired and
 * reproducible; aggregation (Welford, t intervals, diverged counts) is right; files are the
 * same for any number of worker threads; resuming from a checkpoint gives the same files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineLandscape, resolveLandscape } from '../landscapes/index.ts';
import { split } from '../core/index.ts';
import {
  addTrial, diffSlots, emptyAggregate, FILES, resolveConfig, runTrials, simulate, STREAM, summarize, trialContext,
  type SimulationSpec,
} from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'perturb-sim-'));
const files = (d: string) => Object.fromEntries([FILES.trials, FILES.summary, FILES.csv].map((f) => [f, readFileSync(join(d, f), 'utf8')]));

test('non-finite values are counted as diverged and never averaged in; a difference with one diverged side is diverged', async () => {
  const land = await resolveLandscape('gauss');
  const c = resolveConfig({ optimizers: ['sgd', 'gd'], eta: [0.1], N: 2, T: 2, trials: 3 }, land);
  const slots = diffSlots(c);
  const agg = emptyAggregate(c);
  const w = c.width; // 2 cells × (4 metrics + gauss's coordinate h)
  assert.equal(w, 10);
  const trial = (sgdTest: number, gdTest: number) => Float64Array.of(sgdTest, 0, 0, 0, 0, gdTest, 0, 0, 0, 0);
  addTrial(agg, slots, trial(1, 2));
  addTrial(agg, slots, trial(Number.NaN, 3));
  addTrial(agg, slots, trial(3, Number.POSITIVE_INFINITY));
  const { summary, differences } = summarize(c, agg);
  const sgdTest = summary.find((r) => r.optimizer === 'sgd' && r.metric === 'test')!;
  assert.deepEqual([sgdTest.mean, sgdTest.trials, sgdTest.diverged], [2, 2, 1]);
  const gdTest = summary.find((r) => r.optimizer === 'gd' && r.metric === 'test')!;
  assert.deepEqual([gdTest.mean, gdTest.trials, gdTest.diverged], [2.5, 2, 1]);
  const d = differences.find((r) => r.metric === 'test')!;
  assert.deepEqual([d.optimizer, d.minus, d.mean, d.trials, d.diverged, d.stderr], ['gd', 'sgd', 1, 1, 2, null]);
});

test('config: T and E, B | N, and the other checks name the option', async () => {
  const land = await resolveLandscape('gauss');
  const base: SimulationSpec = { optimizers: ['sgd', 'gd'], eta: [0.1], N: 10, trials: 2 };
  const cfg = (s: Partial<SimulationSpec>) => resolveConfig({ ...base, ...s }, land);
  assert.deepEqual([cfg({ B: 2, E: 3 }).T, cfg({ B: 2, E: 3 }).E], [15, 3]);
  assert.deepEqual([cfg({ B: 5, T: 6 }).T, cfg({ B: 5, T: 6 }).E], [6, 3]);
  assert.deepEqual([cfg({}).T, cfg({}).E], [10, 1]);
  assert.equal(resolveConfig({ ...base, optimizers: ['gd'], T: 7 }, land).T, 7); // no sgd: any T
  const bad: [Partial<SimulationSpec>, RegExp][] = [
    [{ B: 3 }, /schedule: `B` must divide N \(got N = 10, B = 3\)/],
    [{ T: 7 }, /schedule: `T` 7 is not a whole number of SGD epochs of N\/B = 10 steps/],
    [{ T: 20, E: 3 }, /schedule: `T` 20 and `E` 3 disagree: SGD runs T = E·N\/B = 30 steps/],
    [{ T: 0 }, /schedule: `T` must be a positive integer, got 0/],
    [{ eta: [0] }, /simulate: `eta` must be a positive finite number, got 0/],
    [{ eta: [0.1, 0.1] }, /simulate: `eta` lists 0.1 twice/],
    [{ optimizers: ['adam' as 'sgd'] }, /simulate: `optimizers` must be one of sgd, gd, gdc, sde, stic, got 'adam'/],
    [{ trials: 1 }, /simulate: `trials` must be an integer ≥ 2 \(a standard error needs at least two trials\)/],
    [{ optimizers: ['gdc'], N: 1, T: 3 }, /simulate: `N` 1: gdc estimates C from the training set and needs N ≥ 2/],
    [{ sdeSamples: 1 }, /simulate: `sdeSamples` must be an integer ≥ 2/],
    [{ randomInit: true }, /simulate: `randomInit` does nothing for gauss: its θ₀ does not depend on the seed/],
  ];
  for (const [s, re] of bad) assert.throws(() => cfg(s), re);
  const fm = { name: 'fmnist-convnet', exact: { atoms: { count: 70000, method: '', exactFor: '' }, populationLoss: { method: 'atoms' as const, cost: '70,000 forward passes, one per image' } } };
  assert.throws(() => resolveConfig(base, { ...land, ...fm }), /landscape fmnist-convnet: its population loss costs 70,000 forward passes, one per image; give `testPoints` M/);
});

test('a trial is a function of (seed, index) only, and every optimizer and η in it trains on split(seed, i, DATA)', async () => {
  const H = 0.5, S = 1, N = 5, T = 5;
  const land = await resolveLandscape(`mean-estimation:H=${H},S=${S}`);
  const c = resolveConfig({ optimizers: ['gd', 'sgd'], eta: [0.1, 0.2], N, trials: 10, seed: 4 }, land);
  const ctx = trialContext(c, land);
  const all = runTrials(ctx, 0, 10);
  assert.deepEqual(runTrials(ctx, 7, 9), all.subarray(7 * c.width, 9 * c.width));
  const w = (cell: number, t: number) => all[t * c.width + c.cells[cell]!.offset + c.cells[cell]!.metrics.indexOf('w')]!;
  for (let t = 0; t < 10; t++) {
    const x = land.sample(split(4, t, STREAM.DATA), N).x!;
    const xbar = x.reduce((a, b) => a + b, 0) / N;
    c.eta.forEach((eta, e) => {
      // GD: w_T = −(S x̄/H)(1 − (1−ηH)^T); batch-1 SGD: w ← w − η(Hw + S x_t) in order
      const gd = -((S * xbar) / H) * (1 - (1 - eta * H) ** T);
      let sgd = 0;
      for (const xt of x) sgd -= eta * (H * sgd + S * xt);
      assert.ok(Math.abs(w(e, t) - gd) < 1e-14 && Math.abs(w(2 + e, t) - sgd) < 1e-14, `trial ${t}, η = ${eta}`);
    });
  }
});

test('the files are identical for 0 and 2 worker threads, and for a run resumed from a checkpoint', async () => {
  const opts = { landscape: { spec: 'gauss' }, optimizers: ['sgd', 'gd', 'sde'] as const, eta: [0.05, 0.1], N: 6, B: 2, E: 2, shuffle: 'reshuffle' as const, trials: 300, seed: 9, sdeSubsteps: 4, chunkSize: 16 };
  const a = join(dir, 'w0'), b = join(dir, 'w2'), r = join(dir, 'resumed');
  await simulate({ ...opts, optimizers: [...opts.optimizers], workers: 0, out: a });
  await simulate({ ...opts, optimizers: [...opts.optimizers], workers: 2, out: b });
  assert.deepEqual(files(a), files(b));
  const lines = files(a)[FILES.trials]!.trim().split('\n');
  assert.equal(lines.length, 300 * 6);
  assert.deepEqual(Object.keys(JSON.parse(lines[0]!)), ['trial', 'optimizer', 'eta', 'test', 'train', 'gap', 'test-increase', 'h']);
  assert.deepEqual(Object.keys(JSON.parse(lines[4]!)), ['trial', 'optimizer', 'eta', 'test', 'test-increase', 'h']); // sde: no training set
  assert.ok(!existsSync(join(a, FILES.checkpoint)) && !existsSync(join(a, FILES.partial)));

  // Interrupt after 5 chunks: stop the progress callback by throwing, keep the checkpoint, and
  // append a torn line after it (what a kill mid-write leaves); resume must drop it.
  let n = 0;
  await assert.rejects(simulate({
    ...opts, optimizers: [...opts.optimizers], workers: 0, out: r, chunkSize: 16,
    onProgress: (done, _t, phase) => {
      if (phase === 'trials' && done > 0 && ++n === 5) throw new Error('interrupted');
    },
  }), /interrupted/);
  const ck = JSON.parse(readFileSync(join(r, FILES.checkpoint), 'utf8'));
  assert.ok(ck.chunksDone > 0 && ck.chunksDone * 16 < 300, `checkpoint after ${ck.chunksDone} chunks of 16 trials`);
  writeFileSync(join(r, FILES.partial), readFileSync(join(r, FILES.partial), 'utf8') + '{"trial":999,"optim');
  await assert.rejects(simulate({ ...opts, optimizers: [...opts.optimizers], workers: 0, out: r }), /holds an unfinished run \(checkpoint.json\); continue it with `resume`/);
  await assert.rejects(simulate({ ...opts, optimizers: ['sgd'], workers: 0, out: r, resume: true }), /belongs to a different run/);
  await simulate({ ...opts, optimizers: [...opts.optimizers], workers: 2, out: r, resume: true });
  assert.deepEqual(files(r), files(a));
  // resuming a finished run returns it without work
  const again = await simulate({ ...opts, optimizers: [...opts.optimizers], workers: 0, out: r, resume: true });
  assert.deepEqual(JSON.parse(files(a)[FILES.summary]!), again);
});

test('a landscape made in-process (defineLandscape) runs in this thread; divergence is reported per metric', async () => {
  // l_x(θ) = −θ⁴ + xθ: descent runs away to −∞ loss and θ to ∞ for large η
  const { mul, sub } = await import('../engine/index.ts');
  const land = await defineLandscape({
    name: 'runaway', P: 1, data: { x: [] },
    loss: (t, { x }) => sub(mul(x!, t), mul(mul(t, t), mul(t, t))),
    init: [0.5], atoms: { values: { x: [-1, 1] } },
  }).create({}, { spec: 'runaway' });
  const r = await simulate({ landscape: land, optimizers: ['gd'], eta: [0.01, 1], N: 2, T: 30, trials: 20, workers: 0 });
  const small = r.summary.find((x) => x.eta === 0.01 && x.metric === 'test')!;
  const big = r.summary.find((x) => x.eta === 1 && x.metric === 'test')!;
  assert.deepEqual([small.trials, small.diverged], [20, 0]);
  assert.deepEqual([big.trials, big.diverged, big.mean], [0, 20, null]);
});

test('estimated test loss on a population of atoms: points drawn from the atoms, l_a(θ₀) kept from one pass; unbiased against the exact loss', async () => {
  const spec = `${new URL('../testing/polynomial.ts', import.meta.url).pathname}:seed=2,P=2,degree=4,atoms=3`;
  const land = await resolveLandscape(spec);
  // The two runs side by side, each on a worker thread (by reference: the thread resolves the
  // module): trials depend only on (seed, index), so these are the numbers of this thread.
  const base = { landscape: { spec: land.spec }, optimizers: ['sgd', 'gd'] as ('sgd' | 'gd')[], eta: [0.02], N: 4, trials: 20_000, seed: 6, workers: 1 };
  const [exact, est] = await Promise.all([simulate(base), simulate({ ...base, testPoints: 4 })]);
  assert.match(est.testLoss.method, /^estimated on 4 fresh points per trial, drawn from the atoms by weight: l\(θ₀\) exactly once per run/);
  assert.ok(Math.abs(est.testLoss.theta0Loss! - land.populationLoss!(land.init())) < 1e-15);
  for (const metric of ['test-increase', 'gap']) {
    for (const opt of ['sgd', 'gd']) {
      const a = exact.summary.find((r) => r.optimizer === opt && r.metric === metric)!;
      const b = est.summary.find((r) => r.optimizer === opt && r.metric === metric)!;
      const z = (b.mean! - a.mean!) / Math.hypot(a.stderr!, b.stderr!);
      assert.ok(Math.abs(z) < 3, `${opt} ${metric}: estimated ${b.mean} ± ${b.stderr} vs exact ${a.mean} ± ${a.stderr}`);
    }
  }
});
