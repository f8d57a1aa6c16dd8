/**
 * @file Claims about sampled mode's batch means (`partBatch`, docs/theory.md §6): a part of one
 * node takes the mean of its block of samples and a part of several nodes the block's first
 * sample, exactly as computed by hand from engine calls; the estimates stay unbiased; they are
 * less noisy where every part is a single node; and the file is the same for any worker count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { split, standardErrors } from '../core/index.ts';
import { diagram } from '../diagrams/index.ts';
import type { Batch } from '../engine/index.ts';
import { resolveLandscape } from '../landscapes/index.ts';
import { seededStatsRuns } from '../testing/index.ts';
import { estimateStats, sampleChunk, type StatsSource } from './index.ts';

const archimedes = await resolveLandscape('archimedes');
const gauss = await resolveLandscape('gauss');

test('partBatch 3: each value is the contraction of hand-computed batch means (single-node parts) and first samples (parts of several nodes)', () => {
  const B = 3;
  const keys = ['()(0)', '(01)(0-1)', '(01)(01)', '(01-02)(0-12)', '(01-02)(0-1-2)', '(01-12)(0-1-2)', '(01-02-13)(0-12-3)'];
  const ds = keys.map((k) => diagram(k));
  const theta = archimedes.init(0);
  const batches: Batch[] = [];
  const src: StatsSource = { ...archimedes, P: archimedes.P, program: () => archimedes.program(), sample: (r, n) => (batches.push(archimedes.sample(r, n)), batches.at(-1)!) };
  const prog = archimedes.program();
  for (let draw = 0; draw < 2; draw++) {
    const got = sampleChunk(src, theta, ds, split(5, draw), 1, false, B).mean;
    const batch = batches.at(-1)!;
    const pool = Math.max(...ds.map((d) => d.parts.length));
    assert.equal(prog.batchSize('t', batch), pool * B, 'one block of B samples per part index');
    const samples = prog.samplesOf(batch);
    const block = (i: number): Batch => Object.fromEntries(Object.entries(batch).map(([k, a]) => [k, a.subarray((a.length / pool) * i, (a.length / pool) * (i + 1))]));
    const meanOf = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // By hand, node by node, from the leaves: a node of a single-node part p uses block p's mean; a
    // node of a larger part p uses sample p·B.
    const want = ds.map((d) => {
      const single = (v: number) => d.parts[d.part[v]!]!.length === 1;
      const cov = (v: number): Float64Array => {
        const dirs = d.children[v]!.map(cov);
        return single(v) ? prog.meanGradDerivative(theta, dirs, block(d.part[v]!)).grad : prog.gradDerivative(theta, dirs, samples[d.part[v]! * B]!).grad;
      };
      const dirs = d.children[0]!.map(cov);
      return single(0) ? meanOf(prog.derivatives(theta, dirs, block(d.part[0]!))) : prog.derivative(theta, dirs, samples[d.part[0]! * B]!);
    });
    want.forEach((w, k) => assert.ok(Math.abs(got[k]! - w) <= 1e-13 * Math.max(1, Math.abs(w)), `draw ${draw}, ${keys[k]}: ${got[k]} vs by hand ${w}`));
    // and they are not the one-sample values (the batch is really used)
    const one = sampleChunk(archimedes, theta, ds, split(5, draw), 1, false, 1).mean;
    assert.notEqual(one[1], got[1]);
  }
});

for (const [name, land] of [['gauss', gauss], ['archimedes', archimedes]] as const) {
  test(`${name}, partBatch 4: sampled estimates averaged over 24 seeds match exact mode within 3 standard errors for every order-3 key`, async () => {
    const exact = await estimateStats({ landscape: land, initSeed: 0, order: 3, quantity: 'test', exact: true });
    const runs = await seededStatsRuns({ spec: land.spec, initSeed: 0, order: 3, quantity: 'test', samples: 200, partBatch: 4 }, [1, 25], { perTask: 4 });
    for (const k of Object.keys(exact.values)) {
      const avg = runs.reduce((a, r) => a + r[k]!.mean, 0) / runs.length;
      const se = Math.sqrt(runs.reduce((a, r) => a + r[k]!.stderr ** 2, 0)) / runs.length;
      const want = exact.values[k]!.mean;
      if (se === 0) assert.ok(Math.abs(avg - want) <= 1e-12, `${k}: ${avg} vs exact ${want}`);
      else assert.ok(Math.abs(avg - want) <= 3 * se, `${k}: average ${avg} ± ${se}, exact ${want} (${((avg - want) / se).toFixed(2)} SE)`);
    }
  });
}

test('archimedes: batch means of 8 cut the standard error of every all-single-node key with noise to under a quarter, at the same number of draws', () => {
  const ds = ['(01)(0-1)', '(01-02)(0-1-2)', '(01-12)(0-1-2)', '(01-02-03)(0-1-2-3)', '(01-12-23)(0-1-2-3)'].map((k) => diagram(k));
  const theta = archimedes.init(0);
  const se1 = standardErrors(sampleChunk(archimedes, theta, ds, split(9, 0), 400, false, 1));
  const se8 = standardErrors(sampleChunk(archimedes, theta, ds, split(9, 0), 400, false, 8));
  // Each factor's noise shrinks by √8 ≈ 2.8; a product of k factors whose means are small against
  // their noise by about 8^(k/2) (seen: 0.12–0.14 for these keys). Archimedes's
  // loss is quadratic in θ, so diagrams with a node of degree 3 are exactly 0 with no noise.
  const noisy = ds.filter((_, k) => se1[k]! > 1e-12);
  assert.deepEqual(noisy.map((d) => d.key), ['(01)(0-1)', '(01-02)(0-1-2)', '(01-12)(0-1-2)', '(01-12-23)(0-1-2-3)']);
  ds.forEach((d, k) => assert.ok(se8[k]! <= 0.25 * se1[k]!, `${d.key}: se ${se8[k]} with 8 per part vs ${se1[k]} with 1`));
});

test('partBatch: the same file for 0 and 2 worker threads, recorded in the file; bad values are refused by name', async () => {
  const base = { landscape: archimedes, initSeed: 0, order: 2, quantity: 'test' as const, samples: 120, seed: 3, chunkSize: 16, covariance: true, partBatch: 5 };
  const a = await estimateStats({ ...base, workers: 0 });
  const b = await estimateStats({ ...base, workers: 2 });
  assert.deepEqual(b, a);
  assert.equal(a.partBatch, 5);
  assert.match(a.estimator, /mean over 5 samples/);
  const one = await estimateStats({ ...base, partBatch: undefined, workers: 0 });
  assert.equal(one.partBatch, 1);
  assert.notEqual(one.values['(01)(0-1)']!.mean, a.values['(01)(0-1)']!.mean);
  await assert.rejects(estimateStats({ ...base, partBatch: 0 }), /stats: `partBatch` must be a positive integer/);
  await assert.rejects(estimateStats({ ...base, partBatch: 2.5 }), /stats: `partBatch` must be a positive integer/);
  await assert.rejects(estimateStats({ landscape: archimedes, order: 1, quantity: 'test', exact: true, partBatch: 2 }), /stats: `partBatch` belongs to sampled mode \(`samples`\), not `exact`/);
});
