/** @file Claims about the image landscapes on the real Fashion-MNIST (one load, from the test cache shared with src/data): the population, its batches, and exact quantities at the logistic model's zero start. */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveLandscape } from './resolve.ts';
import { rng } from '../core/index.ts';
import { populationGradient } from './summary.ts';

/** The cache directory shared with src/data's tests, so the JSON conversion is paid once. */
const cacheDir = join(tmpdir(), 'perturb-test-fmnist-cache');

describe('fmnist-logistic on the real Fashion-MNIST', () => {
  it('is 70,000 images in 10 classes of 7,000 as atoms of weight 1/70,000, pixels in [0, 1] as float64', async () => {
    const land = await resolveLandscape('fmnist-logistic', { cacheDir });
    assert.equal(land.P, 7850);
    const atoms = land.atoms!();
    assert.equal(atoms.count, 70_000);
    assert.ok(atoms.uniform && atoms.weights[69_999] === 1 / 70_000);
    const counts = new Array<number>(10).fill(0);
    let lo = Infinity, hi = -Infinity;
    for (let start = 0; start < 70_000; start += 10_000) {
      const b = atoms.batch(start, start + 10_000);
      assert.equal(b.x!.length, 10_000 * 784);
      for (const y of b.label!) counts[y]!++;
      for (const v of b.x!) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
    assert.deepEqual(counts, new Array(10).fill(7000));
    assert.equal(lo, 0);
    assert.equal(hi, 1);
    const s = land.sample(rng(0), 3);
    assert.deepEqual(land.sample(rng(0), 3), s, 'training sets are seeded');
  });

  it('at the zero start: l = log 10 and, the classes being balanced, the bias gradient is 0 (a full exact pass)', async () => {
    // ∇_b l = E[softmax(0) − onehot(y)] = 1/10 − P(y = c) = 0 for every class c.
    const land = await resolveLandscape('fmnist-logistic', { cacheDir });
    const theta = land.init();
    const { value, grad } = populationGradient(land, theta);
    assert.ok(Math.abs(value - Math.log(10)) < 1e-12, `l = ${value}`);
    const bias = grad.subarray(7840);
    assert.ok(bias.every((g) => Math.abs(g) < 1e-12), `∇_b = ${Array.from(bias)}`);
    assert.ok(Math.hypot(...grad) > 0.1, 'the weight gradient is not 0');
  });
});
